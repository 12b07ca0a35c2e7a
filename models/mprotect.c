/*
** mprotect.c - mprotect(2).  Mirrors sys_mprotect() -> mprotect_fixup() ->
** change_protection() -> change_pte_range() of Linux 2.6.20 mm/mprotect.c
** (sagsango/linux-2.6.20 @7925ece7, read), with vma_wants_writenotify()
** of 2.6.20 include/linux/mm.h.
**
** Versions (knobs, models/variant.c):
**  - mprotect.writenotify (d08b3851, 2.6.19, "mm: tracking shared dirty
**    pages"): a vma that wants write notification (VM_WRITE|VM_SHARED on a
**    file that accounts dirty pages) gets the private protection, without
**    the write bit, so that the first store through each pte faults and
**    dirties the page.  Off: the reviewed May 2006 -mm patch, whose
**    mprotect_fixup set the shared protection, write bit included (R2c:
**    a clean pte made writable by mprotect takes stores without a fault,
**    PG_dirty stays clear and writeback never sees them).  The -mm patch
**    text was not found: this follows ../shared/kernel-facts.md 2c and
**    R2c.
**  - mprotect.dirty_accountable (c1e6098b "mm: optimize the new mprotect()
**    code a bit", in 2.6.20): with writenotify, change_pte_range gives the
**    write bit back to ptes that are already dirty (the page is dirty
**    already, no fault needed).
**
**   CPU0 (2.6.17-mm)                     CPU1
**   load A: pte read-only, clean
**   mprotect A r; mprotect A rw:
**     vm_page_prot = shared (write)
**     change_pte_range: pte writable,
**       still clean; PG_dirty clear
**   store A: no fault, pte dirty
**                                        fsync: no page tagged dirty,
**                                          nothing written: fsync-lost
**
** Simplified: only whole vmas change protection (vma_merge and split_vma
** are not modelled: a partial mprotect is refused when the model is built,
** program.c), and PROT_NONE is refused likewise (the model's ptes have no
** PROT_NONE state); VM_MAYWRITE is assumed (the files are open for
** writing), so -EACCES does not occur; VM_EXEC, PROT_GROWSDOWN/UP,
** security_file_mprotect, the commit accounting and hugetlb are left out.
** flush_cache_range is a no-op on x86, and the TLB is not modelled
** (flush_tlb_range: every pte change is seen at once by the MMU).
*/
#include <assert.h>

#include "models/kernel.h"

/* vma_wants_writenotify() (2.6.20 include/linux/mm.h) for the flags the
   vma is getting: VM_WRITE|VM_SHARED, and then either ->page_mkwrite, or
   (vm_page_prot as protection_map made it: always here; not
   VM_PFNMAP|VM_INSERTPAGE: never here) the mapping accounts dirty pages:
   every modelled file does (mapping_cap_account_dirty) but tmpfs
   (BDI_CAP_NO_ACCT_DIRTY).  5.15 (mm/mmap.c, read in a 5.15.0 tree)
   asks mapping_can_writeback instead (shmem: no), and also says yes for
   soft-dirty tracking (CONFIG_MEM_SOFT_DIRTY and !VM_SOFTDIRTY, after a
   clear_refs): not modelled, every vma keeps the VM_SOFTDIRTY that
   mmap_region gives it. */
static int vma_wants_writenotify(const mm_model *m, const struct vma *v,
                                 int vm_write) {
  return vm_write && v->shared && !m->scn->files[v->file].tmpfs;
}

/* change_pte_range() (2.6.20; 5.15 read in a 5.15.0 tree, the same
   rule): under the pte lock, each present pte is one step:
   ptep_get_and_clear (5.15 ptep_modify_prot_start: so that the MMU cannot
   set the dirty bit in between), pte_modify to the new protection, which
   keeps young and dirty, pte_mkwrite if dirty_accountable
   (MM_CP_DIRTY_ACCT) and the pte is dirty (5.15: and soft-dirty or the
   vma !VM_SOFTDIRTY: always so here, x86's pte_mkdirty sets both bits),
   and set_pte_at (ptep_modify_prot_commit).  6.0 (read in a 6.0.0 tree)
   asks can_change_pte_writable instead: the same answer for a shared
   vma; for a private one it also makes an exclusive anonymous page's
   dirty pte writable, which the model does not (there the store faults
   and do_wp_page reuses the page: the same end state, one fault more).  Not
   modelled: NUMA hinting (prot_numa), uffd-wp, swap and migration entries.
   Presence is stable under the pte lock (only the MMU changes ptes without it,
   and only young/dirty), so none ptes are skipped without a step, as in
   zap_pte_range. */
static void change_pte_range(sim_thread *t, const struct vma *v, uint64_t start,
                             uint64_t end, int newprot_write,
                             int dirty_accountable) {
  mm_model *m = mm_of(t);
  int mm = v->mm;
  sim_enter(t, "change_pte_range");
  mm_spin_lock(t, pte_lock(m, mm), "pte_offset_map_lock");
  for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
    int slot = vma_pte_slot(v, addr);
    struct pte *pte = &m->s.mm[mm].pte[slot];
    if (!pte->present)
      continue;
    SIM_STEP(t, "ptep_get_and_clear; pte_modify; set_pte_at", COST_PTE,
             SIM_WR(pte_oid(m, mm, slot)));
    sim_before(t, "pte%s%s", pte->write ? " w" : " read-only",
               pte->dirty ? " dirty" : " clean");
    pte->write = (uint8_t)newprot_write;
    if (dirty_accountable && pte->dirty)
      pte->write = 1; /* pte_mkwrite: the page is dirty already */
    sim_after(t, "pte 0x%llx%s%s", (unsigned long long)addr,
              pte->write ? " w" : " read-only",
              pte->dirty ? " dirty" : " clean");
  }
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  sim_leave(t);
}

/* change_protection() (2.6.20): flush_cache_range, the page-table walk
   down to change_pte_range, flush_tlb_range (neither flush modelled). */
static void change_protection(sim_thread *t, const struct vma *v,
                              uint64_t start, uint64_t end, int newprot_write,
                              int dirty_accountable) {
  sim_enter(t, "change_protection");
  assert(start < end); /* BUG_ON(addr >= end) */
  change_pte_range(t, v, start, end, newprot_write, dirty_accountable);
  sim_leave(t);
}

/* mprotect_fixup() (2.6.20), mmap_sem held for writing: nothing to do if
   the flags do not change; else vm_flags and vm_page_prot (shared
   protection: the write bit for a VM_WRITE|VM_SHARED vma; the private
   one, without it, when the vma wants write notification and knob
   mprotect.writenotify is on), then change_protection. */
static int mprotect_fixup(sim_thread *t, const struct vma *v, uint64_t start,
                          uint64_t end, int vm_write) {
  mm_model *m = mm_of(t);
  int i = vma_index(m, v);
  struct vma_state *vs = &m->s.vs[i];
  sim_enter(t, "mprotect_fixup");
  assert(sim_holds(t, mmap_sem(m, v->mm)));
  if (vs->vm_write == vm_write) { /* newflags == oldflags */
    sim_leave(t);
    return 0;
  }
  /* whole vmas only (mm_program_check): no vma_merge, no split_vma */
  assert(start == v->start && end == v->end);
  int prot_write = vm_write && v->shared; /* protection_map[R|W|X|SHARED] */
  int dirty_accountable = 0;
  if (m->knobs.mprotect_writenotify && vma_wants_writenotify(m, v, vm_write)) {
    prot_write = 0; /* protection_map[flags & (R|W|X)] */
    dirty_accountable = m->knobs.mprotect_dirty_accountable;
  }
  SIM_STEP(t, "vma->vm_flags = newflags; vma->vm_page_prot", COST_ATOMIC,
           SIM_WR(vma_oid(m, i)));
  vs->vm_write = (uint8_t)vm_write;
  vs->prot_write = (uint8_t)prot_write;
  sim_after(t, "VM_WRITE %d, vm_page_prot %s%s", vm_write,
            prot_write ? "writable" : "read-only",
            dirty_accountable ? ", dirty_accountable" : "");
  change_protection(t, v, start, end, prot_write, dirty_accountable);
  sim_leave(t);
  return 0;
}

/* sys_mprotect() (2.6.20): down_write(mmap_sem), find_vma_prev, one
   mprotect_fixup per vma of the range (one here), up_write. */
long sys_mprotect(sim_thread *t, int mm, uint64_t start, uint64_t len,
                  unsigned long prot) {
  mm_model *m = mm_of(t);
  uint64_t end = start + len;
  int vm_write = !!(prot & PROT_WRITE); /* calc_vm_prot_bits */
  long error;
  assert(prot & PROT_READ); /* PROT_NONE is refused at load time */
  sim_enter(t, "sys_mprotect");
  mmap_sem_find_vma(t, mm, 1, "down_write(mmap_sem); find_vma_prev",
                    COST_SYSCALL);
  const struct vma *v = find_vma(m, mm, start);
  if (!v || v->start > start) {
    sim_after(t, "no vma: -ENOMEM");
    error = -ENOMEM;
    goto out;
  }
  error = mprotect_fixup(t, v, start, end < v->end ? end : v->end, vm_write);
out:
  mm_unlock(t, mmap_sem(m, mm), "up_write(mmap_sem)");
  sim_leave(t);
  return error;
}
