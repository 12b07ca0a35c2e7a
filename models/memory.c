/*
** memory.c - page faults on file mappings, unmapping, truncation.  Mirrors
** mm/memory.c of Linux 2.6.20 (do_no_page with the truncate_count
** protocol) and 2.6.23 (__do_fault, commits d00806b1 and 54cb8821, stand-in
** tree 83c54070), plus do_page_fault from arch/i386/mm/fault.c and the MMU.
** models/SOURCES.md lists the trees read.
**
** R1 in two columns (2.6.20, fault vs O_DIRECT invalidate; page uptodate,
** i_size unchanged):
**
**   CPU0: do_no_page                     CPU1: invalidate_inode_pages2_range
**                                        lock_page(page)
**                                        page_mapped? no  (or: unmapped,
**                                          truncate_count++)
**   seq = truncate_count
**   filemap_nopage: find_get_page
**     (uptodate: no page lock)
**   spin_lock(ptl); seq unchanged
**   set_pte_at; page_add_file_rmap
**   spin_unlock(ptl)
**                                        invalidate_complete_page2
**                                          __remove_from_page_cache
**                                          BUG_ON(page_mapped)   <-- R1
**
** For the vma operations (issue 8, 2.6.20 @7925ece7): unmap_vmas and
** zap_page_range with details NULL (munmap, madvise), follow_page with the
** -mm put-without-get knob and get_user_pages' use of it; do_page_fault's
** access checks read the vma's mutable state (mprotect, munmap), and a
** bad_area is a SIGSEGV.
**
** Simplified: one page table (and pte lock) per mm; unmap_mapping_range
** never breaks i_mmap_lock (need_lockbreak is false); the mmu_gather drops
** the pte's page reference at once (tlb_remove_page).  The copy-on-write
** paths of private mappings (5.x) are in memory_cow.c.
*/
#include <assert.h>

#include "models/kernel.h"

const struct vma *vma_at(const mm_model *m, int mm, uint64_t addr) {
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    if (v->mm == mm && addr >= v->start && addr < v->end)
      return v;
  }
  return NULL;
}

/* The first vma of the mm at addr that is not gone: a scenario's, or a
   linear vma that 3ee6dafc's emulation mapped over it (fremap.c). */
const struct vma *find_vma(const mm_model *m, int mm, uint64_t addr) {
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    if (v->mm == mm && addr >= v->start && addr < v->end && !m->s.vs[i].gone)
      return v;
  }
  return NULL;
}

void vma_reads(const mm_model *m, int mm, int file, sim_stepdesc *s) {
  for (int i = 0; i < m->nvma; i++)
    if ((mm >= 0 && m->vma[i].mm == mm) ||
        (file >= 0 && m->vma[i].file == file)) {
      assert(s->n < SIM_MAX_ACCESS);
      s->acc[s->n++] = (sim_access){vma_oid(m, i), SIM_OP_READ};
    }
}

void mmap_sem_find_vma(sim_thread *t, int mm, int for_write, const char *what,
                       uint32_t cost) {
  mm_model *m = mm_of(t);
  sim_stepdesc s = {.what = what, .cost_ns = cost, .n = 1};
  s.acc[0] = for_write ? (sim_access)SIM_LOCK(mmap_sem(m, mm))
                       : (sim_access)SIM_LOCK_SH(mmap_sem(m, mm));
  vma_reads(m, mm, -1, &s);
  sim_step(t, &s);
}

/* ------------------------------------------------------------- the MMU */

/* The MMU's footprint: the pte, and the data of the page it maps. */
struct mmu_fp {
  mm_model *m;
  int mm, slot, write;
};

static void mmu_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  struct mmu_fp *a = arg;
  const struct pte *pte = &a->m->s.mm[a->mm].pte[a->slot];
  uint8_t op = a->write ? SIM_OP_WRITE : SIM_OP_READ;
  s->n = 0;
  /* the MMU sets young (and dirty) in the pte: always a write */
  s->acc[s->n++] = (sim_access){pte_oid(a->m, a->mm, a->slot), SIM_OP_WRITE};
  if (pte->present)
    s->acc[s->n++] = (sim_access){page_data_oid(a->m, pte->page), op};
}

/* A user load or store: the MMU walks the pte; if it allows the access the
   page is read or written and the pte marked young (and dirty); otherwise
   the CPU takes a page fault and retries the instruction.  Returns 0, or
   VM_FAULT_SIGBUS/OOM from the fault, or VM_FAULT_BADAREA for a SIGSEGV.
   The page table slot comes from the address alone (vma_at): the MMU
   walks the page table, not the vmas, so an unmapped range still has its
   (none) ptes. */
int user_access(sim_thread *t, int mm, uint64_t addr, int write) {
  mm_model *m = mm_of(t);
  const struct vma *v = vma_at(m, mm, addr);
  int tid = sim_thread_id(t);
  assert(v);
  int slot = vma_pte_slot(v, addr);
  struct pte *pte = &m->s.mm[mm].pte[slot];
  for (int faults = 0;; faults++) {
    /* the CPU re-executes the instruction after each fault; a racer that
       unmaps again each time makes this loop unbounded.  Live at the head:
       nothing.  v, slot, pte and tid are fixed at entry, do_page_fault's
       return was tested before coming back (arch/i386/mm/fault.c keeps no
       state across faults), and faults only counts. */
    sim_loop_live(t, faults, "user access refault", NULL, 0);
    struct mmu_fp a = {m, mm, slot, write};
    sim_stepdesc s = {.what = write ? "user store" : "user load",
                      .cost_ns = COST_PTE,
                      .refresh = mmu_refresh,
                      .refresh_arg = &a};
    sim_step(t, &s);
    if (pte->present && (!write || pte->write)) {
      struct page *p = &m->s.page[pte->page];
      pte->young = 1;
      if (write) {
        pte->dirty = 1;
        p->data = ++m->s.next_data[tid] | (uint32_t)(tid + 1) << 24;
        p->gen++; /* ghost: a newer write of the page's block */
        sim_after(t, "page#%d <- v%u", pte->page, p->data);
        mm_file_write_check(t, v, pte->page);
      } else {
        m->s.last_load[tid] = p->data;
        sim_after(t, "page#%d -> v%u", pte->page, p->data);
      }
      return 0;
    }
    sim_after(t, "pte %s: fault",
              pte->present ? "read-only"
              : pte->file  ? "file"
                           : "none");
    int ret = do_page_fault(t, mm, addr, write);
    if (ret & (VM_FAULT_ERROR | VM_FAULT_BADAREA))
      return ret;
  }
}

/* do_page_fault() (arch/i386/mm/fault.c, same in 2.6.20 and 2.6.23):
   down_read(mmap_sem), find_vma and the access checks of good_area (a
   write needs VM_WRITE, which mprotect changes under mmap_sem held for
   writing; a read fault here is on a none pte: any of VM_READ|VM_WRITE,
   and every modelled vma has one), handle_mm_fault, up_read(mmap_sem) on
   every exit.  No vma (munmap) or a write to a vma without VM_WRITE is
   bad_area: SIGSEGV to the task (counted, the model's programs go on).
   A SIGBUS is delivered to the task. */
int do_page_fault(sim_thread *t, int mm, uint64_t addr, int write) {
  mm_model *m = mm_of(t);
  sim_enter(t, "do_page_fault");
  mmap_sem_find_vma(t, mm, 0, "down_read(mmap_sem); find_vma", COST_TRAP);
  const struct vma *v = find_vma(m, mm, addr);
  int ret;
  if (!v || (write && !m->s.vs[vma_index(m, v)].vm_write)) {
    sim_after(t, "%s: bad_area", v ? "write to !VM_WRITE" : "no vma");
    mm_up_read(t, mmap_sem(m, mm), "bad_area: up_read(mmap_sem)");
    m->s.segv[sim_thread_id(t)]++; /* force_sig_info_fault(SIGSEGV) */
    ret = VM_FAULT_BADAREA;
    goto out;
  }
  ret = handle_mm_fault(t, mm, v, addr, write);
  if (ret & VM_FAULT_RETRY) /* handle_userfault dropped mmap_sem: the */
    goto out;               /* instruction is retried (FAULT_FLAG_TRIED) */
  mm_up_read(t, mmap_sem(m, mm), "up_read(mmap_sem)");
  if (ret & VM_FAULT_SIGBUS)
    m->s.sigbus[sim_thread_id(t)]++;
out:
  sim_leave(t);
  return ret;
}

/* ------------------------------------------------------------ faults */

/* ->page_mkwrite, called without the pte lock and with the page
   unlocked: the filesystem's callback.  An 'ext4' file's is
   block_page_mkwrite (buffer.c: attaches and dirties the buffers); for
   the other 'page_mkwrite' files the model's callback does nothing but
   block_page_mkwrite's read of page->mapping.  Returns 0, or -EFAULT if
   the page left the file (truncated: the fault backs out).
   Knob fault.mkwrite_locked (2.6.30 b827e496 "mm: close page_mkwrite
   races"): on success the page comes back locked (VM_FAULT_LOCKED, or
   do_page_mkwrite's lock_page and page->mapping recheck for a callback
   that does not lock it), and the fault keeps it locked until it has
   called set_page_dirty; off: unlocked, as 2.6.20-2.6.29's callers
   expect. */
static int page_mkwrite(sim_thread *t, const struct vma *v, int page) {
  mm_model *m = mm_of(t);
  if (m->scn->files[v->file].ext4)
    return block_page_mkwrite(t, page, v->file);
  SIM_STEP(t, "->page_mkwrite", COST_SYSCALL,
           SIM_RD(page_mapping_oid(m, page)));
  if (!m->knobs.fault_mkwrite_locked)
    return 0;
  lock_page(t, m, page); /* !(ret & VM_FAULT_LOCKED) */
  SIM_STEP(t, "page->mapping?", COST_ATOMIC, SIM_RD(page_mapping_oid(m, page)));
  if (m->s.page[page].mapping < 0) {
    unlock_page(t, m, page);
    return -EFAULT;
  }
  return 0;
}

static int pte_is_none(const struct cond_fp *c) {
  return !c->m->s.mm[c->arg / MM_MAX_PTES].pte[c->arg % MM_MAX_PTES].present;
}

/* The pte install of do_no_page/__do_fault, under the pte lock: reads the
   pte; if it is still none, writes it and _mapcount (page_add_file_rmap),
   and on a write fault adds to the count for the dirty_page reference
   (get_page); a read fault does not touch the count: the fault's reference
   becomes the pte's.  The new pte's write bit reads the vma's
   vm_page_prot and VM_WRITE (stable: the fault holds mmap_sem).  Returns
   1 if the pte is none (install it). */
static int set_pte_step(sim_thread *t, const struct vma *v, int slot, int page,
                        int write, const char *what) {
  mm_model *m = mm_of(t);
  int mm = v->mm;
  struct cond_fp c = {
      .m = m,
      .test = pte_is_none,
      .arg = mm * MM_MAX_PTES + slot,
      .nbase = 2,
      .nmore = (uint8_t)(2 + !!write),
      .acc = {SIM_RD(pte_oid(m, mm, slot)), SIM_RD(vma_oid(m, vma_index(m, v))),
              SIM_WR(pte_oid(m, mm, slot)), SIM_WR(page_mapcount_oid(m, page)),
              SIM_ADD(page_ref_oid(m, page))}};
  return mm_cond_step(t, what, COST_PTE, &c);
}

/* In the action of set_pte_step: installs the pte, mk_pte(page,
   vma->vm_page_prot) and for a write maybe_mkwrite(pte_mkdirty()) (write
   if VM_WRITE); the caller's reference passes to the pte, and a write
   fault takes one for dirty_page. */
static void install_pte(sim_thread *t, const struct vma *v, struct pte *pte,
                        int page, int write) {
  mm_model *m = mm_of(t);
  const struct vma_state *vs = &m->s.vs[vma_index(m, v)];
  *pte = (struct pte){.present = 1,
                      .write = vs->prot_write || (write && vs->vm_write),
                      .dirty = (uint8_t)write,
                      .page = (int16_t)page};
  if (pte->write)
    wp_break(t, page); /* R5: ends write protection (ksm.c) */
  page_add_file_rmap(m, page);
  page_ref_held(t, page, -1);
  if (write) {
    m->s.page[page].count++; /* get_page(dirty_page) */
    page_ref_held(t, page, 1);
    fault_dirtying(t, page);
  }
}

/* do_no_page() (2.6.20 mm/memory.c): see the file comment.  Knob
   fault.truncate_count samples mapping->truncate_count before ->nopage and
   retries if it moved by the time the pte lock is held. */
static int do_no_page(sim_thread *t, int mm, const struct vma *v, uint64_t addr,
                      int write) {
  mm_model *m = mm_of(t);
  int file = v->file, slot = vma_pte_slot(v, addr);
  struct pte *pte = &m->s.mm[mm].pte[slot];
  int use_seq = m->knobs.fault_truncate_count;
  uint32_t sequence = 0;
  int ret = 0, type, page, dirty_page = -1, retries = 0;
  sim_enter(t, "do_no_page");
  if (use_seq) {
    SIM_STEP(t, "sequence = mapping->truncate_count; smp_rmb", COST_ATOMIC,
             SIM_RD(trunc_oid(m, file)));
    sequence = m->s.as[file].truncate_count;
    sim_after(t, "sequence %u", sequence);
  }
retry:
  /* Live at the head: sequence, sampled again before 'goto retry' (2.6.20
     do_no_page).  Not live: page and type (filemap_nopage sets both), ret
     (assigned on every path after the head), dirty_page (-1 until the pte
     is installed, after the last retry), use_seq (a knob), and the
     counter.  The kernel's anon is set again on each pass and private
     write faults are not modelled. */
  sim_loop_live(t, retries++, "do_no_page truncate_count retry",
                (const uint64_t[]){sequence}, 1);
  page = m->scn->files[file].tmpfs ? shmem_nopage(t, v, addr, &type)
                                   : filemap_nopage(t, v, addr, &type);
  if (page == NOPAGE_SIGBUS) {
    ret = VM_FAULT_SIGBUS;
    goto out;
  }
  if (page == NOPAGE_OOM) {
    ret = VM_FAULT_OOM;
    goto out;
  }
  ret = type;
  if (write && m->scn->files[file].page_mkwrite)
    page_mkwrite(t, v, page); /* shared vma, without the page lock */
  SIM_STEP(t, "pte_offset_map_lock", COST_LOCK, SIM_LOCK(pte_lock(m, mm)),
           SIM_RD(trunc_oid(m, file)));
  if (use_seq && sequence != m->s.as[file].truncate_count) {
    /* truncate or invalidate ran unmap_mapping_range since we sampled:
       the page may be gone, look it up again */
    sim_after(t, "truncate_count %u != %u: retry", m->s.as[file].truncate_count,
              sequence);
    m->s.fault_retries++;
    mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
    put_page(t, page);
    SIM_STEP(t, "sequence = mapping->truncate_count; smp_rmb", COST_ATOMIC,
             SIM_RD(trunc_oid(m, file)));
    sequence = m->s.as[file].truncate_count;
    goto retry;
  }
  if (!set_pte_step(t, v, slot, page, write,
                    "pte_none? set_pte_at; page_add_file_rmap")) {
    /* One of our sibling threads was faster, back out. */
    sim_after(t, "pte already present");
    put_page(t, page);
    mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
    goto out;
  }
  install_pte(t, v, pte, page, write);
  if (write)
    dirty_page = page;
  sim_after(t, "pte -> page#%d%s mapcount %d", page, pte->write ? " w" : "",
            m->s.page[page].mapcount);
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  if (dirty_page >= 0) {
    set_page_dirty_balance(t, dirty_page);
    put_page(t, dirty_page);
  }
out:
  sim_leave(t);
  return ret;
}

/* __do_fault() (2.6.23 mm/memory.c, via do_linear_fault, or
   do_nonlinear_fault with a file pte's pgoff, fremap.c): ->fault returns
   the page locked (filemap_fault); the pte is installed if still pte_same
   (none, or the file pte: not present) with the page lock held, and the
   page unlocked after the pte lock.
   Around ->page_mkwrite the page is unlocked and relocked, then
   page->mapping rechecked ("XXX: racy vs invalidate" in the source). */
int __do_fault(sim_thread *t, int mm, const struct vma *v, uint64_t addr,
               uint32_t pgoff, int write) {
  mm_model *m = mm_of(t);
  int file = v->file, slot = vma_pte_slot(v, addr);
  struct pte *pte = &m->s.mm[mm].pte[slot];
  int page = -1, dirty_page = -1, release = 0;
  sim_enter(t, "__do_fault");
  int ret = m->scn->files[file].tmpfs ? shmem_fault(t, v, pgoff, &page)
                                      : filemap_fault(t, v, pgoff, &page);
  if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY))
    goto out_unlocked_noref;
  assert(ret & VM_FAULT_LOCKED);
  if (write && m->scn->files[file].page_mkwrite) {
    unlock_page(t, m, page);
    if (m->knobs.fault_mkwrite_locked) {
      /* 2.6.30: the page comes back locked, or the fault backs out */
      if (page_mkwrite(t, v, page) < 0) {
        put_page(t, page);
        goto out_unlocked_noref;
      }
    } else {
      page_mkwrite(t, v, page);
      lock_page(t, m, page);
      SIM_STEP(t, "page->mapping?", COST_ATOMIC,
               SIM_RD(page_mapping_oid(m, page)));
      if (m->s.page[page].mapping < 0) {
        release = 1;
        goto out;
      }
    }
  }
  mm_spin_lock(t, pte_lock(m, mm), "pte_offset_map_lock");
  if (set_pte_step(t, v, slot, page, write,
                   "pte_same? set_pte_at; page_add_file_rmap")) {
    install_pte(t, v, pte, page, write);
    if (write)
      dirty_page = page;
    sim_after(t, "pte -> page#%d mapcount %d", page, m->s.page[page].mapcount);
  } else {
    sim_after(t, "pte changed: back out");
    release = 1;
  }
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  if (dirty_page >= 0 && m->knobs.fault_mkwrite_locked) {
    /* 2.6.30 (b827e496): set_page_dirty before unlock_page */
    set_page_dirty_balance(t, dirty_page);
    unlock_page(t, m, page);
    put_page(t, dirty_page);
    goto out_unlocked_noref;
  }
out:
  unlock_page(t, m, page);
  if (release)
    put_page(t, page);
  else if (dirty_page >= 0) {
    set_page_dirty_balance(t, dirty_page);
    put_page(t, dirty_page);
  }
out_unlocked_noref:
  sim_leave(t);
  return ret & ~VM_FAULT_LOCKED;
}

/* do_wp_page() (2.6.20, 2.6.23, 2.6.24), the shared-writable branch only: a
   write to a present read-only pte of a VM_WRITE|VM_SHARED vma (a
   writenotify vma) reuses the page: ->page_mkwrite if any (dropping the pte
   lock around it and rechecking pte_same), then the pte becomes young,
   dirty and writable, and the page is dirtied after the pte lock; 2.6.24
   (knob wb.fault_waits_locked, 79352894) first waits until the page is
   unlocked, so that writeback's page_mkclean .. TestClearPageDirty,
   which holds the page lock, cannot clear the dirty bit this fault is
   about to set (the FIXME of 2.6.20's clear_page_dirty_for_io).  Called
   with the pte lock held; returns with it released. */
static int do_wp_page(sim_thread *t, int mm, const struct vma *v, uint64_t addr,
                      struct pte orig) {
  mm_model *m = mm_of(t);
  int slot = vma_pte_slot(v, addr), page = orig.page;
  struct pte *pte = &m->s.mm[mm].pte[slot];
  sim_enter(t, "do_wp_page");
  /* VM_WRITE|VM_SHARED: do_page_fault checked VM_WRITE under mmap_sem */
  assert(sim_holds(t, pte_lock(m, mm)) && v->shared &&
         m->s.vs[vma_index(m, v)].vm_write);
  int locked = 0; /* 2.6.30: page_mkwrite returned the page locked */
  if (m->scn->files[v->file].page_mkwrite) {
    SIM_STEP(t, "page_cache_get; pte_unmap_unlock", COST_LOCK,
             SIM_ADD(page_ref_oid(m, page)), SIM_UNLOCK(pte_lock(m, mm)));
    m->s.page[page].count++;
    page_ref_held(t, page, 1);
    if (page_mkwrite(t, v, page) < 0) { /* only with fault.mkwrite_locked */
      put_page(t, page);
      goto out;
    }
    locked = m->knobs.fault_mkwrite_locked;
    mm_spin_lock(t, pte_lock(m, mm), "pte_offset_map_lock");
    put_page(t, page);
    SIM_STEP(t, "pte_same?", COST_PTE, SIM_RD(pte_oid(m, mm, slot)));
    if (!pte->present || pte->page != orig.page || pte->write != orig.write) {
      mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
      if (locked)
        unlock_page(t, m, page);
      goto out;
    }
  }
  SIM_STEP(t, "reuse: pte_mkyoung, pte_mkdirty, maybe_mkwrite", COST_PTE,
           SIM_WR(pte_oid(m, mm, slot)), SIM_ADD(page_ref_oid(m, page)));
  pte->young = pte->dirty = pte->write = 1;
  wp_break(t, page); /* R5: a writable pte ends write protection (ksm.c) */
  m->s.page[page].count++; /* get_page(dirty_page) */
  page_ref_held(t, page, 1);
  fault_dirtying(t, page);
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  if (locked) {
    /* 2.6.30 (b827e496): dirtied under the lock page_mkwrite took */
    set_page_dirty_balance(t, page);
    unlock_page(t, m, page);
    put_page(t, page);
    goto out;
  }
  if (m->knobs.wb_fault_waits_locked)
    /* 2.6.24 (79352894): "Yes, Virginia, this is actually required to
       prevent a race with clear_page_dirty_for_io()" */
    wait_on_page_locked(t, page);
  set_page_dirty_balance(t, page);
  put_page(t, page);
out:
  sim_leave(t);
  return 0;
}

/* handle_mm_fault() -> handle_pte_fault(): the pte is read without the
   lock; a none pte goes to the file fault path (2.6.20 do_no_page, 2.6.23
   do_linear_fault -> __do_fault, by knob fault.lock_page); a present pte is
   rechecked under the pte lock (a racing fault may have changed it), then a
   write to a read-only pte goes to do_wp_page, else young/dirty are set. */
int handle_mm_fault(sim_thread *t, int mm, const struct vma *v, uint64_t addr,
                    int write) {
  mm_model *m = mm_of(t);
  int slot = vma_pte_slot(v, addr), ret = 0;
  struct pte *pte = &m->s.mm[mm].pte[slot];
  sim_enter(t, "handle_pte_fault");
  SIM_STEP(t, "entry = *pte", COST_PTE, SIM_RD(pte_oid(m, mm, slot)));
  struct pte entry = *pte;
  if (!entry.present) {
    if (entry.file) /* a nonlinear vma's file pte (fremap.c) */
      ret = do_file_page(t, mm, v, addr, write, entry);
    else if (write && !v->shared) /* a private vma: copy (memory_cow.c) */
      ret = do_cow_fault(t, mm, v, addr);
    else
      ret = m->knobs.fault_lock_page
                ? __do_fault(t, mm, v, addr, linear_page_index(v, addr), write)
                : do_no_page(t, mm, v, addr, write);
    goto out;
  }
  mm_spin_lock(t, pte_lock(m, mm), "spin_lock(ptl)");
  SIM_STEP(t, "pte_same?", COST_PTE, SIM_RD(pte_oid(m, mm, slot)));
  if (!pte->present || pte->page != entry.page || pte->write != entry.write) {
    mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
    goto out;
  }
  if (write && !pte->write) {
    ret = v->shared ? do_wp_page(t, mm, v, addr, entry)
                    : do_wp_page_private(t, mm, v, addr, entry);
    goto out;
  }
  SIM_STEP(t, "pte_mkyoung; pte_mkdirty", COST_PTE,
           SIM_WR(pte_oid(m, mm, slot)));
  pte->young = 1;
  if (write)
    pte->dirty = 1;
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
out:
  sim_leave(t);
  return ret;
}

/* ---------------------------------------------------------- unmapping */

/* details NULL (unmap_vmas, exit_mmap) is 'none': check_mapping -1 and
   'given' 0; unmap_mapping_range's are given. */
struct zap_details {
  int check_mapping; /* file, or -1 for even_cows */
  uint32_t first_index, last_index;
  uint8_t given;     /* details != NULL: file ptes are left */
  uint8_t nonlinear; /* details->nonlinear_vma is this vma (fremap.c) */
};

/* details->check_mapping: -1 (even_cows) or the file whose pages go. */
static int zap_this_page(const struct cond_fp *c) {
  return c->arg < 0 || c->m->s.page[c->page].mapping == c->arg;
}

/* zap_pte_range() for the file pages of one vma range (2.6.20, 2.6.23):
   under the pte lock, clear each present pte, move its dirty bit to the
   page (set_page_dirty), page_remove_rmap, and drop the pte's reference.
   pte presence and page are stable while we hold the pte lock (only the
   MMU changes ptes without it, and only the young/dirty bits), so present
   ptes are found without a step; each one is a step, which also reads
   page->mapping for details->check_mapping (invalidate: even_cows=0 skips
   a page that is not the file's, a private COW copy or, here, an orphan
   page removed from the cache meanwhile).  In a nonlinear vma (2.6.20
   unmap_mapping_range_list) a page outside [first, last] by page->index
   is kept (index is fixed while the pte maps the page: no step), and a
   zapped pte whose page is not at its linear offset becomes a file pte
   holding the index.  File ptes are left when details are given, else
   cleared (pte_clear_not_present_full). */
static void zap_pte_range(sim_thread *t, const struct vma *v, uint64_t start,
                          uint64_t end, const struct zap_details *d) {
  mm_model *m = mm_of(t);
  int mm = v->mm;
  sim_enter(t, "zap_pte_range");
  mm_spin_lock(t, pte_lock(m, mm), "pte_offset_map_lock");
  for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
    int slot = vma_pte_slot(v, addr);
    struct pte *pte = &m->s.mm[mm].pte[slot];
    if (!pte->present) {
      if (pte->file && !d->given) {
        SIM_STEP(t, "pte_clear_not_present_full", COST_PTE,
                 SIM_WR(pte_oid(m, mm, slot)));
        *pte = (struct pte){.page = -1};
      }
      continue;
    }
    int page = pte->page;
    uint32_t index = m->s.page[page].index;
    if (d->nonlinear && (index < d->first_index || index > d->last_index))
      continue;
    struct cond_fp c = {.m = m,
                        .test = zap_this_page,
                        .page = page,
                        .arg = d->check_mapping,
                        .nmore = 2};
    if (d->check_mapping >= 0) /* even_cows reads nothing to decide */
      c.acc[c.nbase++] = (sim_access)SIM_RD(page_mapping_oid(m, page));
    c.acc[c.nbase] = (sim_access)SIM_WR(pte_oid(m, mm, slot));
    c.acc[c.nbase + 1] = (sim_access)SIM_WR(page_mapcount_oid(m, page));
    if (!mm_cond_step(t, "ptep_get_and_clear; page_remove_rmap", COST_PTE, &c))
      continue; /* not the file's page: even_cows=0 keeps it */
    struct pte old = *pte;
    *pte = (struct pte){.page = -1};
    if (d->nonlinear && linear_page_index(v, addr) != index)
      *pte = (struct pte){.page = -1, .file = 1, .pgoff = (uint8_t)index};
    page_remove_rmap(m, page);
    page_ref_held(t, page, 1); /* the pte's reference, until tlb_remove_page */
    sim_after(t, "pte 0x%llx -> %s (was page#%d%s), mapcount %d",
              (unsigned long long)addr, pte->file ? "file pte" : "none", page,
              old.dirty ? " dirty" : "", m->s.page[page].mapcount);
    /* an anonymous page has no file to dirty (5.x zap_pte_range: only
       !PageAnon); anon is fixed while the pte maps it (memory_cow.c) */
    if (old.dirty && !page_is_anon(m, page))
      set_page_dirty(t, page);
    put_page(t, page); /* tlb_remove_page */
  }
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  sim_leave(t);
}

/* exit_mmap() (2.6.20 mm/mmap.c) of a process that exits: unmap_vmas
   zaps every vma with no details (no i_mmap_lock, every page: even_cows),
   each pte range under its pte lock (zap_pte_range above), dirty bits to
   the pages with set_page_dirty.  Then free_pgtables and remove_vma take
   the vmas off i_mmap; the model's vmas stay, with no pte present.  The
   vmas an munmap removed are no longer on mm->mmap: skipped (the exit
   thread runs alone, after every scenario thread: nobody writes vs[]). */
void exit_mmap(sim_thread *t, int mm) {
  mm_model *m = mm_of(t);
  struct zap_details all = {.check_mapping = -1, .last_index = PGOFF_MAX};
  sim_enter(t, "exit_mmap");
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    if (v->mm != mm || m->s.vs[i].gone)
      continue;
    sim_enter(t, "unmap_vmas");
    zap_pte_range(t, v, v->start, v->end, &all);
    sim_leave(t);
  }
  sim_leave(t);
}

/* unmap_vmas() (2.6.20 mm/memory.c) with details NULL, for the one vma
   of the range (munmap's unmap_region, zap_page_range): the range of each
   page table under its pte lock (zap_pte_range: every present pte, no
   check_mapping, its dirty bit to the page with set_page_dirty).  The
   model's zap never stops early for need_resched (ZAP_BLOCK_SIZE), and
   the mmu_gather drops each page at once (file comment). */
void unmap_vmas(sim_thread *t, const struct vma *v, uint64_t start,
                uint64_t end) {
  struct zap_details none = {.check_mapping = -1, .last_index = PGOFF_MAX};
  assert(start >= v->start && end <= v->end && start < end);
  sim_enter(t, "unmap_vmas");
  zap_pte_range(t, v, start, end, &none);
  sim_leave(t);
}

/* zap_page_range() (2.6.20 mm/memory.c) with details NULL, as
   madvise_dontneed() calls it: lru_add_drain and tlb_gather_mmu (not
   modelled), unmap_vmas, tlb_finish_mmu. */
void zap_page_range(sim_thread *t, const struct vma *v, uint64_t address,
                    uint64_t size) {
  sim_enter(t, "zap_page_range");
  unmap_vmas(t, v, address, address + size);
  sim_leave(t);
}

/* FOLL_TOUCH of follow_page(): a FOLL_WRITE lookup dirties the page if
   neither the pte (as read) nor the page is dirty; mark_page_accessed()
   is not modelled (no LRU lists, swap.c). */
static void follow_page_touch(sim_thread *t, int page, struct pte pte,
                              unsigned flags) {
  mm_model *m = mm_of(t);
  if (!(flags & FOLL_WRITE) || pte.dirty)
    return;
  SIM_STEP(t, "PageDirty?", COST_ATOMIC, SIM_RD(page_dirty_oid(m, page)));
  if (!(m->s.page[page].flags & PG_dirty))
    set_page_dirty(t, page);
}

/* follow_page() (2.6.20 mm/memory.c, read): the page that the present
   pte at 'address' maps, or -1.  Under the pte lock: a none pte, or a
   read-only one for FOLL_WRITE, gives -1; FOLL_GET takes a reference
   (get_page; FOLL_PIN from 5.6: try_grab_page, gup.c); FOLL_TOUCH
   dirties the page for FOLL_WRITE (see
   follow_page_touch).  Mainline (2.6.19, 2.6.20) never drops a reference
   here.  Knob follow_page.put_without_get, the -mm "optimize
   follow_pages" patch that Hugh reviewed in May 2006 (2.6.17-rc4-mm; the
   patch text was not found, this follows ../shared/kernel-facts.md 2c and
   R2d): the reference is taken for FOLL_GET|FOLL_TOUCH, the TOUCH work is
   done after the pte lock, and the reference is dropped for !FOLL_GET:
   with flags 0, a put_page with no get.  The huge-page and FOLL_ANON
   paths and vm_normal_page's special ptes are left out (file pages
   only).  The caller holds mmap_sem. */
int follow_page(sim_thread *t, const struct vma *v, uint64_t address,
                unsigned flags) {
  mm_model *m = mm_of(t);
  int mm = v->mm, slot = vma_pte_slot(v, address), page = -1;
  int mm_patch = m->knobs.follow_page_put_without_get;
  sim_enter(t, "follow_page");
  mm_spin_lock(t, pte_lock(m, mm), "pte_offset_map_lock");
  SIM_STEP(t, "pte = *ptep", COST_PTE, SIM_RD(pte_oid(m, mm, slot)));
  struct pte pte = m->s.mm[mm].pte[slot];
  if (!pte.present ||
      ((flags & FOLL_WRITE) && !can_follow_write_pte(m, v, pte, flags))) {
    sim_after(t, "pte %s: no page", pte.present ? "read-only" : "none");
    goto unlock;
  }
  page = pte.page; /* vm_normal_page */
  sim_after(t, "page#%d", page);
  if (flags & (mm_patch ? FOLL_GET | FOLL_TOUCH : FOLL_GET | FOLL_PIN))
    try_grab_page(t, page, flags & (FOLL_GET | FOLL_PIN) ? flags : FOLL_GET);
  if (!mm_patch && (flags & FOLL_TOUCH))
    follow_page_touch(t, page, pte, flags);
unlock:
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  if (mm_patch && page >= 0) {
    if (flags & FOLL_TOUCH)
      follow_page_touch(t, page, pte, flags);
    if (!(flags & FOLL_GET))
      put_page_of(t, page, "follow_page"); /* flags 0: never got */
  }
  sim_leave(t);
  return page;
}

/* get_user_pages() (2.6.20 mm/memory.c) for one page, as a kernel thread
   working on mm 'mm' uses it (access_process_vm, a driver's pinning),
   with mmap_sem held for reading around it; the caller then releases a
   FOLL_GET reference (page_cache_release) as get_user_pages' callers do.
   Simplified: no vma permission checks, and no fault-in when follow_page
   finds no page (get_user_pages would call handle_mm_fault and retry):
   the call then fails with -EFAULT, as for an unmapped address. */
int follow_user_page(sim_thread *t, int mm, uint64_t addr, unsigned flags) {
  mm_model *m = mm_of(t);
  sim_enter(t, "get_user_pages");
  mmap_sem_find_vma(t, mm, 0, "down_read(mmap_sem); find_extend_vma",
                    COST_SYSCALL);
  const struct vma *v = find_vma(m, mm, addr);
  int page = v ? follow_page(t, v, addr, flags) : -1;
  if (!v)
    sim_after(t, "no vma: -EFAULT");
  mm_up_read(t, mmap_sem(m, mm), "up_read(mmap_sem)");
  if (page >= 0 && (flags & FOLL_GET))
    put_page(t, page); /* the caller's page_cache_release */
  sim_leave(t);
  return page >= 0 ? 0 : -EFAULT;
}

/* unmap_mapping_range() (2.6.20 and 2.6.23): under i_mmap_lock, bump
   truncate_count (2.6.20: with smp_wmb before and smp_mb after, which is
   what do_no_page relies on; the step is atomic here), then zap the range
   in every vma of the file.  holelen 0 means "to the end of the file".
   even_cows=0 spares private COW copies.  A vma that munmap took off
   i_mmap (unlink_file_vma, under i_mmap_lock) is not walked: the locking
   step reads the state of the file's vmas. */
void unmap_mapping_range(sim_thread *t, int file, uint64_t holebegin,
                         uint64_t holelen, int even_cows) {
  mm_model *m = mm_of(t);
  uint64_t hba = holebegin >> PAGE_SHIFT;
  uint64_t hlen = (holelen + PAGE_SIZE - 1) >> PAGE_SHIFT;
  struct zap_details d = {.check_mapping = even_cows ? -1 : file,
                          .first_index = (uint32_t)hba,
                          .last_index =
                              hlen ? (uint32_t)(hba + hlen - 1) : PGOFF_MAX,
                          .given = 1};
  sim_enter(t, "unmap_mapping_range");
  sim_stepdesc s = {
      .what = "spin_lock(i_mmap_lock); truncate_count++",
      .cost_ns = COST_LOCK,
      .n = 2,
      .acc = {SIM_LOCK(i_mmap_lock(m, file)), SIM_WR(trunc_oid(m, file))}};
  vma_reads(m, -1, file, &s);
  sim_step(t, &s);
  m->s.as[file].truncate_count++;
  sim_after(t, "truncate_count %u, pages %u..%u", m->s.as[file].truncate_count,
            d.first_index, d.last_index);
  /* unmap_mapping_range_tree: each vma of i_mmap overlapping the hole */
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    uint32_t vfirst = v->pgoff;
    uint32_t vlast =
        v->pgoff + (uint32_t)((v->end - v->start) >> PAGE_SHIFT) - 1;
    if (v->file != file || m->s.vs[i].gone || m->s.vs[i].nonlinear ||
        vlast < d.first_index || vfirst > d.last_index)
      continue;
    uint32_t zfirst = d.first_index > vfirst ? d.first_index : vfirst;
    uint32_t zlast = d.last_index < vlast ? d.last_index : vlast;
    sim_enter(t, "unmap_mapping_range_vma");
    zap_pte_range(t, v, v->start + ((uint64_t)(zfirst - vfirst) << PAGE_SHIFT),
                  v->start + ((uint64_t)(zlast - vfirst + 1) << PAGE_SHIFT),
                  &d);
    sim_leave(t);
  }
  /* unmap_mapping_range_list (2.6.20): i_mmap_nonlinear, each vma whole,
     details->nonlinear_vma set */
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    if (v->file != file || m->s.vs[i].gone || !m->s.vs[i].nonlinear)
      continue;
    struct zap_details nl = d;
    nl.nonlinear = 1;
    sim_enter(t, "unmap_mapping_range_list");
    zap_pte_range(t, v, v->start, v->end, &nl);
    sim_leave(t);
  }
  mm_unlock(t, i_mmap_lock(m, file), "spin_unlock(i_mmap_lock)");
  sim_leave(t);
}

/* ----------------------------------------------------------- truncate */

/* vmtruncate() (2.6.20 and 2.6.23 mm/memory.c), shrinking case: caller
   holds i_mutex.  i_size first, so that a fault sampling truncate_count
   after the unmap also sees the new size; unmap whole pages past EOF
   (even_cows); truncate the page cache; 2.6.23 unmaps again (knob
   vmtruncate.unmap_twice); then ->truncate frees the blocks. */
int vmtruncate(sim_thread *t, int file, uint64_t offset) {
  mm_model *m = mm_of(t);
  struct address_space *as = &m->s.as[file];
  sim_enter(t, "vmtruncate");
  SIM_STEP(t, "i_size_write", COST_ATOMIC, SIM_WR(isize_oid(m, file)));
  int expand = as->i_size < offset;
  sim_before(t, "i_size %llu", (unsigned long long)as->i_size);
  as->i_size = offset;
  sim_after(t, "i_size %llu", (unsigned long long)offset);
  if (!expand) {
    unmap_mapping_range(t, file, offset + PAGE_SIZE - 1, 0, 1);
    truncate_inode_pages(t, file, offset);
    if (m->knobs.vmtruncate_unmap_twice)
      unmap_mapping_range(t, file, offset + PAGE_SIZE - 1, 0, 1);
  }
  /* ->truncate (ext2/3 style): free the blocks past EOF */
  SIM_STEP(t, "->truncate: free blocks past EOF", COST_COPY,
           SIM_WR(disk_oid(m, file)));
  for (uint32_t i = (uint32_t)((offset + PAGE_SIZE - 1) >> PAGE_SHIFT);
       i < MM_NFILEPAGES; i++)
    as->disk[i] = 0;
  m->truncated[file] = 1;
  sim_leave(t);
  return 0;
}

/* do_truncate() (fs/open.c) -> notify_change -> inode_setattr ->
   vmtruncate: i_mutex, and i_alloc_sem for writing around the size change
   (notify_change, ATTR_SIZE) [fs/attr.c, from memory]. */
int do_truncate(sim_thread *t, int file, uint64_t length) {
  mm_model *m = mm_of(t);
  sim_enter(t, "do_truncate");
  SIM_STEP(t, "sys_truncate; mutex_lock(i_mutex)", COST_SYSCALL,
           SIM_LOCK(i_mutex(m, file)));
  mm_lock(t, i_alloc_sem(m, file), "down_write(i_alloc_sem)");
  int ret = vmtruncate(t, file, length);
  mm_unlock(t, i_alloc_sem(m, file), "up_write(i_alloc_sem)");
  mm_unlock(t, i_mutex(m, file), "mutex_unlock(i_mutex)");
  sim_leave(t);
  return ret;
}

/* vmtruncate_range() (2.6.20 and 2.6.23 mm/memory.c), reached from
   madvise(MADV_REMOVE) (madvise.c: in 2.6.20 with mmap_sem held for
   writing, from 2.6.22 without it): -ENOSYS unless the inode has
   ->truncate_range, which in 2.6.20 only tmpfs has (the model refuses the
   others when it is built).  Punch a hole without changing i_size, so in
   2.6.20 the truncate_count protocol gives no SIGBUS to a racing fault:
   only the count moves, and a fault that samples it after the unmap
   passes.  2.6.23 unmaps again after truncating (knob
   vmtruncate.unmap_twice).  Then ->truncate_range, shmem_truncate_range.
   Caller: no page lock, no pte lock; i_mutex and i_alloc_sem taken
   here. */
int vmtruncate_range(sim_thread *t, int file, uint64_t offset, uint64_t end) {
  mm_model *m = mm_of(t);
  assert(m->scn->files[file].tmpfs); /* i_op->truncate_range */
  sim_enter(t, "vmtruncate_range");
  mm_lock(t, i_mutex(m, file), "mutex_lock(i_mutex)");
  mm_lock(t, i_alloc_sem(m, file), "down_write(i_alloc_sem)");
  unmap_mapping_range(t, file, offset, end - offset, 1);
  truncate_inode_pages_range(t, file, offset, end);
  if (m->knobs.vmtruncate_unmap_twice)
    unmap_mapping_range(t, file, offset, end - offset, 1);
  shmem_truncate_range(t, file, offset, end); /* i_op->truncate_range */
  mm_unlock(t, i_alloc_sem(m, file), "up_write(i_alloc_sem)");
  mm_unlock(t, i_mutex(m, file), "mutex_unlock(i_mutex)");
  sim_leave(t);
  return 0;
}
