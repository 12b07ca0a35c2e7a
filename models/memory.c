/*
** memory.c - page faults on file mappings and the MMU.  Mirrors
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
** do_page_fault's access checks read the vma's mutable state (mprotect,
** munmap; issue 8, 2.6.20 @7925ece7), and a bad_area is a SIGSEGV.
**
** Simplified: one page table (and pte lock) per mm.  The rest of
** mm/memory.c is apart: the zap and unmap paths (zap_pte_range,
** unmap_vmas, zap_page_range, unmap_mapping_range, vmtruncate,
** vmtruncate_range) in memory_zap.c, follow_page and 2.6.20's
** get_user_pages in gup.c (mm/gup.c since 3.17), the copy-on-write paths
** of private mappings (5.x) in memory_cow.c.
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

/* The release of mmap_sem taken by mmap_sem_find_vma: up_write or
   up_read, as the caller took it. */
void mmap_sem_up(sim_thread *t, int mm, int for_write) {
  mm_model *m = mm_of(t);
  if (for_write)
    mm_unlock(t, mmap_sem(m, mm), "up_write(mmap_sem)");
  else
    mm_up_read(t, mmap_sem(m, mm), "up_read(mmap_sem)");
}

/* ------------------------------------------------------------- the MMU */

int mmu_pte_slot(const mm_model *m, int mm, uint64_t addr) {
  const struct vma *v = vma_at(m, mm, addr);
  assert(v);
  return vma_pte_slot(v, addr);
}

void mmu_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  const struct mmu_fp *a = arg;
  const struct pte *pte = &a->m->s.mm[a->mm].pte[a->slot];
  s->n = 0;
  /* the MMU sets young (and dirty) in the pte: always a write */
  s->acc[s->n++] = (sim_access){pte_oid(a->m, a->mm, a->slot), SIM_OP_WRITE};
  if (!pte->present)
    return;
  if (a->dst < 0) {
    s->acc[s->n++] = (sim_access){page_data_oid(a->m, pte->page),
                                  a->write ? SIM_OP_WRITE : SIM_OP_READ};
    return;
  }
  if (pte->page != a->dst)
    s->acc[s->n++] = (sim_access){page_data_oid(a->m, pte->page), SIM_OP_READ};
  s->acc[s->n++] = (sim_access){page_data_oid(a->m, a->dst), SIM_OP_WRITE};
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
    struct mmu_fp a = {m, mm, slot, write, -1};
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
        p->data = new_data_version(m, tid);
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

/* In the action of a step that installs a pte for 'page' (set_pte_step,
   fremap.c's install_page): logs as the step's before value what the pte
   held (none, or a nonlinear vma's file pte) and the page's mapcount,
   which page_add_file_rmap then raises.  Values only. */
void log_pte_install_before(sim_thread *t, const struct pte *pte, int page) {
  mm_model *m = mm_of(t);
  if (pte->file)
    sim_before(t, "file pte pgoff %u, page#%d mapcount %d", pte->pgoff, page,
               m->s.page[page].mapcount);
  else
    sim_before(t, "pte none, page#%d mapcount %d", page,
               m->s.page[page].mapcount);
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
  log_pte_install_before(t, pte, page);
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
    log_pte_install_before(t, pte, page);
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
    if (!pte_same(*pte, orig)) {
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
  if (!pte_same(*pte, entry)) {
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
