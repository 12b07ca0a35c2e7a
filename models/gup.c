/*
** gup.c - get_user_pages and pin_user_pages for one page, the release of
** the references they take, and the device that writes into a pinned
** page.  Mirrors mm/gup.c (4.19 to 6.4; before 4.x get_user_pages lived
** in mm/memory.c, read in 2.6.20 @7925ece7): the loop of __get_user_pages,
** follow_page under the pte lock and faultin_page -> handle_mm_fault with
** a write fault when it finds nothing (or a read-only pte for
** FOLL_WRITE), then the lookup again.  The reference follow_page takes
** is try_grab_page's (5.7, 3faa52c0 "mm/gup: track FOLL_PIN pages"):
** FOLL_GET adds 1, FOLL_PIN adds GUP_PIN_COUNTING_BIAS (1024) so that
** page_maybe_dma_pinned() can tell a pinned page (kernel.h).
**
** Releases, by version (knobs; ../shared/kernel-facts.md 2d):
**   4.19   the driver's own set_page_dirty_lock() + put_page();
**   5.2    put_user_pages_dirty_lock() (fc1d8e7c, placeholder versions):
**          set_page_dirty_lock() only if !PageDirty, then put_user_page
**          = put_page (knob gup.put_user_pages);
**   5.6    pin_user_pages(FOLL_PIN) and unpin_user_pages_dirty_lock()
**          (eddb1c22; knob gup.foll_pin), the same test of PageDirty,
**          then unpin_user_page;
**   5.7    a pin counts GUP_PIN_COUNTING_BIAS (knob gup.pin_counting).
**
** The R3 race (Jan Kara, linux-mm, January 2018), one page of an ext4
** file mapped shared rw, the driver's pin held across writeback and
** reclaim:
**
**   driver (pin, DMA, unpin)          writeback / reclaim
**   --------------------------------  ---------------------------------
**   pin_user_pages(write): fault-in,
**     block_page_mkwrite: buffers,
**     PG_dirty; pin
**                                     writeback: page_mkclean, clean,
**                                       buffers written
**                                     reclaim: try_to_unmap, then
**                                       try_to_free_buffers: no buffers
**                                       __remove_mapping fails (pin)
**   device writes the page
**   unpin dirty: set_page_dirty_lock:
**     PG_dirty, no buffers to dirty
**                                     writeback: ext4_writepage on a page
**                                       without buffers: BUG (< 5.18), or
**                                       warning, data dropped (5.18)
**
** 6.4 (d824ec2a) keeps the buffers of a maybe-pinned page in reclaim;
** writeback still cleans a page under a long-term pin.
**
** FOLL_FORCE (R4, issue 11): a forced write to a private vma without
** VM_WRITE breaks COW in faultin_page (memory_cow.c) and follows the
** private copy by the rule of the version (can_follow_write_pte, knobs
** gup.foll_cow and gup.cow_exclusive); mem_write_page is a write(2) to
** /proc/pid/mem, the kernel's store through the page GUP returns.  The
** oracle file-written-without-permission checks both: the store into a
** page-cache page (mm_file_write_check), and for a driver's gup the
** lookup itself: a FOLL_WRITE lookup returns a page only through a
** writable pte or as an exclusive anonymous page of a private vma
** without VM_WRITE (mm_gup_write_check).
**
** Simplified: one page per call (nr_pages 1); check_vma_flags only for
** writes; no FOLL_LONGTERM migration, no huge pages, no GUP-fast.
** get_user_pages holds mmap_sem for reading across the faults, as the
** kernel's callers do (handle_mm_fault takes no mmap_sem of its own).
*/
#include <assert.h>
#include <stdint.h>

#include "models/kernel.h"

/* try_grab_page() (5.7 mm/gup.c): the reference follow_page takes, under
   the pte lock.  FOLL_GET: get_page, as 2.6.20's follow_page did;
   FOLL_PIN: the count goes up by the pin bias (1 before 5.7: FOLL_PIN was
   a get under another name). */
void try_grab_page(sim_thread *t, int page, unsigned flags) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  assert(!!(flags & FOLL_GET) != !!(flags & FOLL_PIN));
  if (flags & FOLL_GET) {
    get_page(t, page);
  } else {
    int bias = mm_pin_bias(m);
    SIM_STEP(t, "try_grab_page: page_ref_add(GUP_PIN_COUNTING_BIAS)",
             COST_ATOMIC, SIM_ADD(page_ref_oid(m, page)));
    /* page->count is an int16_t: room for 31 pins and some references */
    assert(m->s.page[page].count <= INT16_MAX - bias);
    assert(m->pins[tid][page] < INT8_MAX);
    m->s.page[page].count = (int16_t)(m->s.page[page].count + bias);
    page_pin_held(m, tid, page, 1);
    sim_after(t, "count %d%s", m->s.page[page].count,
              page_maybe_dma_pinned(m, page) ? " (maybe dma pinned)" : "");
  }
}

/* faultin_page() (5.15 mm/gup.c, read in a 5.15.0 tree; 5.19.0 the same;
   6.0.0 without FOLL_COW, 5535be30): handle_mm_fault with
   FAULT_FLAG_WRITE for FOLL_WRITE, and FAULT_FLAG_ALLOW_RETRY only when
   the caller passed 'locked' (else m->fault_noretry: handle_userfault
   then fails with VM_FAULT_SIGBUS instead of sleeping, which
   vm_fault_to_errno makes -EFAULT).  A COW break or reuse
   (VM_FAULT_WRITE) in a vma without VM_WRITE: 4.9-5.19 (gup.foll_cow,
   19be0eaf) set FOLL_COW, so that the next lookup accepts the dirty
   read-only pte of the private copy; 2.6.x drops FOLL_WRITE instead (the
   next lookup takes whatever page the pte maps then: Dirty COW); 6.0 does
   neither (can_follow_write_pte asks for an exclusive anonymous page).
   Not modelled: FOLL_REMOTE, FOLL_NOWAIT, FOLL_TRIED (the retry after
   VM_FAULT_RETRY is __get_user_pages' own, below). */
static int faultin_page(sim_thread *t, int mm, const struct vma *v,
                        uint64_t addr, unsigned *flags, int locked) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  sim_enter(t, "faultin_page");
  m->fault_noretry[tid] = !locked;
  int ret = handle_mm_fault(t, mm, v, addr, !!(*flags & FOLL_WRITE));
  m->fault_noretry[tid] = 0;
  /* VM_WRITE is stable: we hold mmap_sem (mprotect takes it to write) */
  if ((ret & VM_FAULT_WRITE) && !m->s.vs[vma_index(m, v)].vm_write &&
      !m->knobs.gup_cow_exclusive) {
    if (m->knobs.gup_foll_cow) {
      *flags |= FOLL_COW;
      sim_after(t, "VM_FAULT_WRITE, !VM_WRITE: FOLL_COW");
    } else {
      *flags &= ~FOLL_WRITE;
      sim_after(t, "VM_FAULT_WRITE, !VM_WRITE: FOLL_WRITE dropped");
    }
  }
  sim_leave(t);
  return ret;
}

/* can_follow_write_pte() (4.9-5.19 and 6.0 mm/gup.c; read in 5.15.0,
   5.19.0 and 6.0.0 trees, models/SOURCES.md): may a FOLL_WRITE
   lookup take the page of this present pte?  A writable pte, always.
   4.9-5.19: FOLL_FORCE|FOLL_COW and a dirty pte ("a dirty read-only pte
   after a COW cycle must be our private copy": not so once
   UFFDIO_CONTINUE installs dirty ptes, 9ae0f87d).  6.0 (5535be30):
   FOLL_FORCE in a private vma without VM_WRITE (VM_MAYWRITE always set
   here) and an exclusive anonymous page; no soft-dirty or uffd-wp in the
   model.  The page's anon state is fixed while the pte maps it, and the
   caller holds the pte lock. */
int can_follow_write_pte(const mm_model *m, const struct vma *v, struct pte pte,
                         unsigned flags) {
  if (pte.write)
    return 1;
  if (!(flags & FOLL_FORCE))
    return 0;
  if (m->knobs.gup_cow_exclusive) {
    if (v->shared || m->s.vs[vma_index(m, v)].vm_write)
      return 0;
    return (m->s.page[pte.page].anon & (PAGE_ANON | PAGE_ANON_EXCLUSIVE)) ==
           (PAGE_ANON | PAGE_ANON_EXCLUSIVE);
  }
  return (flags & FOLL_COW) && pte.dirty;
}

/* __get_user_pages() (4.19 mm/gup.c; 2.6.20 get_user_pages in
   mm/memory.c has the same loop) for the one page at 'addr' of mm 'mm':
   down_read(mmap_sem) (the caller's, get_user_pages_unlocked), find_vma;
   then follow_page with FOLL_TOUCH, and while it finds no page
   faultin_page: handle_mm_fault with FAULT_FLAG_WRITE for FOLL_WRITE
   (the write fault of a shared vma runs ->page_mkwrite and
   set_page_dirty), and follow again.  The page's slot, the thread
   keeping the reference, or -EFAULT.  With 'check', a lookup for the
   caller's FOLL_WRITE is checked at once by file-written-without-
   permission's GUP rule (mm_gup_write_check); mem_write_page passes 0:
   its store follows in the same thread and is checked there, so that a
   counterexample ends with the file written. */
static int __get_user_pages(sim_thread *t, int mm, uint64_t addr,
                            unsigned gup_flags, int locked, int check) {
  mm_model *m = mm_of(t);
  int page = -EFAULT, tries = 0;
  const unsigned flags0 = gup_flags;
retry:
  /* __get_user_pages_locked: after a VM_FAULT_RETRY (a userfault dropped
     mmap_sem) the call starts again with the caller's flags (FOLL_TRIED):
     a FOLL_COW of the first pass is lost.  Live at the head: nothing
     (gup_flags is reset from flags0). */
  sim_loop_live(t, tries++, "__get_user_pages_locked retry", NULL, 0);
  gup_flags = flags0;
  mmap_sem_find_vma(t, mm, 0, "down_read(mmap_sem); find_extend_vma",
                    COST_SYSCALL);
  const struct vma *v = find_vma(m, mm, addr);
  /* check_vma_flags: a write needs VM_WRITE, or FOLL_FORCE on a COW
     mapping (private; VM_MAYWRITE is always set on a private map) */
  if (!v || ((gup_flags & FOLL_WRITE) && !m->s.vs[vma_index(m, v)].vm_write &&
             (!(gup_flags & FOLL_FORCE) || v->shared))) {
    sim_after(t, "%s: -EFAULT", v ? "write to !VM_WRITE" : "no vma");
    goto out;
  }
  for (int retries = 0;; retries++) {
    /* Live at the head: gup_flags (FOLL_COW, FOLL_WRITE dropped by 2.6.x
       after a COW); v is fixed, and a racer that write-protects the pte
       (page_mkclean) or zaps it (MADV_DONTNEED) between the fault and the
       lookup sends us round again.  Between iterations the kernel calls
       cond_resched(): the lookup below is its own step, so any racer can
       run there. */
    sim_loop_live(t, retries, "get_user_pages fault-in retry",
                  (const uint64_t[]){gup_flags}, 1);
    page = follow_page(t, v, addr, gup_flags | FOLL_TOUCH);
    if (page >= 0) {
      /* a write reference the caller keeps: the checks follow it */
      if (gup_flags & FOLL_WRITE)
        m->gup_write[sim_thread_id(t)][page]++;
      /* The caller's FOLL_WRITE (2.6.x may have dropped it after a COW:
         Dirty COW).  The pte follow_page took the page from is unchanged:
         the step that released its lock was the last one. */
      assert(m->s.mm[mm].pte[vma_pte_slot(v, addr)].page == page);
      if (check && (flags0 & FOLL_WRITE))
        mm_gup_write_check(t, v, addr);
      break;
    }
    int ret = faultin_page(t, mm, v, addr, &gup_flags, locked);
    if (ret & VM_FAULT_RETRY) {
      assert(locked); /* handle_userfault sleeps only with ALLOW_RETRY */
      goto retry;     /* mmap_sem already dropped */
    }
    if (ret & VM_FAULT_ERROR) {
      page = -EFAULT;
      break;
    }
  }
out:
  mm_up_read(t, mmap_sem(m, mm), "up_read(mmap_sem)");
  return page;
}

static void unpin_user_page(sim_thread *t, int page);

static int page_in_use(const struct cond_fp *c) {
  return c->m->s.page[c->page].count > 0;
}

/* gup_pte_range() of get_user_pages_fast() (4.19 mm/gup.c; 5.7 with
   try_grab_compound_head), for one pte, with interrupts off and no lock:
   read the pte once; a none pte, or a read-only one for FOLL_WRITE, sends
   the caller to the slow path; else take a speculative reference
   (page_cache_get_speculative: get_page_unless_zero, which fails on a
   page already freed: it reads the count, so unlike get_page it does not
   commute with the other references) and read the pte again: if it
   changed (zapped, write-protected by page_mkclean, remapped), drop the
   reference and fall back.  The page, or -1.  Not modelled: the
   interrupts-off section that holds off the TLB-flush IPIs of the
   racers (the model has no TLB), compound pages. */
static int gup_fast_pte(sim_thread *t, int mm, uint64_t addr, unsigned flags) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  const struct vma *v = vma_at(m, mm, addr); /* the page-table walk */
  int slot = vma_pte_slot(v, addr);
  const struct pte *ptep = &m->s.mm[mm].pte[slot];
  SIM_STEP(t, "gup_get_pte: pte = READ_ONCE(*ptep)", COST_PTE,
           SIM_RD(pte_oid(m, mm, slot)));
  struct pte pte = *ptep;
  if (!pte.present || ((flags & FOLL_WRITE) && !pte.write)) {
    sim_after(t, "pte %s: slow path", pte.present ? "read-only" : "none");
    return -1;
  }
  int page = pte.page;
  struct cond_fp c = {
      .m = m,
      .test = page_in_use,
      .page = page,
      .nbase = 1,
      .nmore = 1,
      .acc = {SIM_RD(page_ref_oid(m, page)), SIM_ADD(page_ref_oid(m, page))}};
  if (!mm_cond_step(t,
                    flags & FOLL_PIN
                        ? "try_grab_compound_head: page_ref_add_unless_zero"
                        : "page_cache_get_speculative: get_page_unless_zero",
                    COST_ATOMIC, &c)) {
    sim_after(t, "page#%d freed: slow path", page);
    return -1;
  }
  if (flags & FOLL_PIN) {
    int bias = mm_pin_bias(m);
    assert(m->s.page[page].count <= INT16_MAX - bias);
    m->s.page[page].count = (int16_t)(m->s.page[page].count + bias);
    page_pin_held(m, tid, page, 1);
  } else {
    m->s.page[page].count++;
    page_ref_held(t, page, 1);
  }
  SIM_STEP(t, "pte_val(pte) != pte_val(*ptep)?", COST_PTE,
           SIM_RD(pte_oid(m, mm, slot)));
  if (!pte_same(*ptep, pte)) {
    sim_after(t, "pte changed: drop the reference, slow path");
    m->gup_fast_fallbacks++;
    if (flags & FOLL_PIN)
      unpin_user_page(t, page);
    else
      put_page(t, page);
    return -1;
  }
  sim_after(t, "page#%d", page);
  return page;
}

/* get_user_pages_fast() (4.19 mm/gup.c; pin_user_pages_fast from 5.6,
   FOLL_PIN) for the page at addr of mm 'mm': gup_fast_pte, and if it
   gives up, get_user_pages_unlocked (the slow path, mmap_sem taken). */
int get_user_pages_fast(sim_thread *t, int mm, uint64_t addr,
                        unsigned gup_flags) {
  mm_model *m = mm_of(t);
  sim_enter(t, gup_flags & FOLL_PIN ? "pin_user_pages_fast"
                                    : "get_user_pages_fast");
  if (!(gup_flags & FOLL_PIN))
    gup_flags |= FOLL_GET;
  int page = gup_fast_pte(t, mm, addr, gup_flags);
  if (page >= 0) {
    if (gup_flags & FOLL_WRITE)
      m->gup_write[sim_thread_id(t)][page]++;
  } else {
    sim_enter(t, "get_user_pages_unlocked");
    page = __get_user_pages(t, mm, addr, gup_flags, 1, 1);
    sim_leave(t);
  }
  sim_leave(t);
  return page;
}

/* get_user_pages() with FOLL_GET (| FOLL_WRITE | FOLL_FORCE), the form of
   every kernel up to 5.5 and of short-term users after. */
int get_user_pages(sim_thread *t, int mm, uint64_t addr, unsigned gup_flags) {
  assert(!(gup_flags & FOLL_PIN));
  sim_enter(t, "get_user_pages");
  int page = __get_user_pages(t, mm, addr, gup_flags | FOLL_GET, 1, 1);
  sim_leave(t);
  return page;
}

/* pin_user_pages() (5.6 eddb1c22): __get_user_pages with FOLL_PIN (not
   FOLL_GET).  The caller checked knob gup.foll_pin. */
int pin_user_pages(sim_thread *t, int mm, uint64_t addr, unsigned gup_flags) {
  assert(mm_of(t)->knobs.gup_foll_pin && !(gup_flags & FOLL_GET));
  sim_enter(t, "pin_user_pages");
  int page = __get_user_pages(t, mm, addr, gup_flags | FOLL_PIN, 1, 1);
  sim_leave(t);
  return page;
}

/* The end of a write GUP reference for the checks. */
static void gup_write_done(mm_model *m, int tid, int page) {
  if (m->gup_write[tid][page] > 0)
    m->gup_write[tid][page]--;
}

/* put_page() of a FOLL_GET reference (put_user_page() of 5.2). */
static void put_gup_page(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t), w = m->gup_write[tid][page] > 0;
  put_page(t, page);
  if (w)
    gup_write_done(m, tid, page);
}

/* unpin_user_page() (5.6; 5.7 put_compound_head(page, 1, FOLL_PIN)):
   drop the pin bias.  A thread holding no pin on the page: the unpin
   takes someone else's (refcount-mismatch, as put_page_of). */
static void unpin_user_page(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t), bias = mm_pin_bias(m);
  SIM_STEP(t, "unpin_user_page: page_ref_sub(GUP_PIN_COUNTING_BIAS)",
           COST_ATOMIC, SIM_ADD(page_ref_oid(m, page)));
  sim_before(t, "count %d", m->s.page[page].count);
  if (m->pins[tid][page] <= 0) {
    sim_oid o = page_ref_oid(m, page);
    sim_violation(sim_thread_exec(t), MM_KIND_REFCOUNT_MISMATCH, &o, 1,
                  "%s: unpin_user_page(page#%d) drops a pin it never took",
                  m->threads[tid].name, page);
  }
  page_pin_held(m, tid, page, -1);
  m->s.page[page].count = (int16_t)(m->s.page[page].count - bias);
  gup_write_done(m, tid, page);
  sim_after(t, "count %d%s", m->s.page[page].count,
            m->s.page[page].count ? "" : " (freed)");
}

/* The PageDirty test of put_user_pages_dirty_lock (5.2) and
   unpin_user_pages_dirty_lock (5.6): "may race with
   clear_page_dirty_for_io(), but that's OK". */
static int page_dirty_test(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "PageDirty?", COST_ATOMIC, SIM_RD(page_dirty_oid(m, page)));
  return !!(m->s.page[page].flags & PG_dirty);
}

/* put_user_pages_dirty_lock() (5.2 fc1d8e7c, placeholder): for a
   FOLL_GET page, set_page_dirty_lock if make_dirty and the page is
   clean, then put_user_page (= put_page). */
void put_user_pages_dirty_lock(sim_thread *t, int page, int make_dirty) {
  sim_enter(t, "put_user_pages_dirty_lock");
  if (make_dirty && !page_dirty_test(t, page))
    set_page_dirty_lock(t, page);
  put_gup_page(t, page);
  sim_leave(t);
}

/* unpin_user_pages_dirty_lock() (5.6, 5.7 mm/gup.c): the same for a
   FOLL_PIN page, released by unpin_user_page. */
void unpin_user_pages_dirty_lock(sim_thread *t, int page, int make_dirty) {
  sim_enter(t, "unpin_user_pages_dirty_lock");
  if (make_dirty && !page_dirty_test(t, page))
    set_page_dirty_lock(t, page);
  unpin_user_page(t, page);
  sim_leave(t);
}

/* The release of a FOLL_GET reference by a driver, by version: 5.2+
   put_user_pages_dirty_lock (knob gup.put_user_pages); before, the
   drivers' own "if (dirty) set_page_dirty_lock(page); put_page(page)"
   (e.g. 4.19 drivers/infiniband/core/umem.c __ib_umem_release). */
void put_gup_page_dirty_lock(sim_thread *t, int page, int make_dirty) {
  if (mm_of(t)->knobs.gup_put_user_pages) {
    put_user_pages_dirty_lock(t, page, make_dirty);
    return;
  }
  sim_enter(t, "release: set_page_dirty_lock; put_page");
  if (make_dirty)
    set_page_dirty_lock(t, page);
  put_gup_page(t, page);
  sim_leave(t);
}

/* mem_rw() (fs/proc/base.c) -> access_remote_vm() -> __access_remote_vm()
   (5.x mm/memory.c) for a write of one whole page at 'addr' of mm 'mm':
   get_user_pages_remote(FOLL_FORCE | FOLL_WRITE), copy_to_user_page (the
   kernel's store into the page GUP returned: a new content version),
   set_page_dirty_lock, put_page.  The store is checked by
   file-written-without-permission.  Simplified: the kernel stores with
   mmap_lock still held for reading; the model's GUP has dropped it (no
   racer here needs it to be held: MADV_DONTNEED and UFFDIO_CONTINUE take
   it for reading as well). */
long mem_write_page(sim_thread *t, int mm, uint64_t addr) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  long ret = 0;
  sim_enter(t, "mem_rw: access_remote_vm");
  /* locked == NULL (5.15 and 6.0 __access_remote_vm): no
     FAULT_FLAG_ALLOW_RETRY, a userfault is -EFAULT */
  int page =
      __get_user_pages(t, mm, addr, FOLL_FORCE | FOLL_WRITE | FOLL_GET, 0, 0);
  if (page < 0) {
    ret = -EFAULT;
    goto out;
  }
  const struct vma *v = vma_at(m, mm, addr);
  SIM_STEP(t, "copy_to_user_page", COST_COPY, SIM_WR(page_data_oid(m, page)),
           SIM_RD(page_mapping_oid(m, page)));
  struct page *p = &m->s.page[page];
  p->data = ++m->s.next_data[tid] | (uint32_t)(tid + 1) << 24;
  p->gen++;
  sim_after(t, "page#%d <- v%u%s", page, p->data,
            page_is_anon(m, page) ? " (anon)" : " (page cache)");
  mm_file_write_check(t, v, page);
  set_page_dirty_lock(t, page);
  put_gup_page(t, page);
out:
  sim_leave(t);
  return ret;
}

/* The device: a DMA write into the page the driver holds.  No pte, no
   fault, no dirtying: only the page's data changes (a new version, and a
   newer write generation of its block for the lost-write and fsync-lost
   checks, as a user store makes).  The driver holds a FOLL_WRITE
   reference on it (the parser checks the program). */
void dma_write_page(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  struct page *p = &m->s.page[page];
  assert(m->gup_write[tid][page] > 0);
  sim_enter(t, "device DMA");
  SIM_STEP(t, "DMA write", COST_COPY, SIM_WR(page_data_oid(m, page)));
  p->data = ++m->s.next_data[tid] | (uint32_t)(tid + 1) << 24;
  p->gen++;
  if (!(p->anon & PAGE_ANON)) /* the file's page while in the cache */
    mm_note_store(m, p->mapping, p->index, p->data);
  sim_after(t, "page#%d <- v%u", page, p->data);
  sim_leave(t);
}
