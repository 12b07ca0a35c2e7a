/*
** mmap.c - munmap(2).  Mirrors sys_munmap() -> do_munmap() of Linux 2.6.20
** mm/mmap.c (sagsango/linux-2.6.20 @7925ece7, read), with
** detach_vmas_to_be_unmapped(), unmap_region() -> unmap_vmas() and
** free_pgtables() -> unlink_file_vma() (mm/memory.c, mm/mmap.c), and
** remove_vma_list().
**
** The order that matters to the other paths: with mmap_sem held for
** writing, the vmas leave the mm's list first (no fault or find_vma can
** see them: those hold mmap_sem), then their ptes are zapped (each dirty
** pte bit goes to its page with set_page_dirty, under the pte lock), and
** only then does the vma leave the file's i_mmap tree under i_mmap_lock:
** until that step the rmap walkers (page_mkclean, unmap_mapping_range),
** which hold i_mmap_lock and not mmap_sem, still walk it and find its
** ptes, present or already none.
**
**   CPU0: munmap                       CPU1: writeback's page_mkclean
**   down_write(mmap_sem)
**   detach_vmas_to_be_unmapped
**   unmap_vmas: zap_pte_range
**     pte dirty -> set_page_dirty
**                                      spin_lock(i_mmap_lock)
**                                      vma still in i_mmap: pte none,
**                                        nothing to clean
**                                      spin_unlock(i_mmap_lock)
**   unlink_file_vma (i_mmap_lock)
**   up_write(mmap_sem)
**
** Simplified: the model's vmas are fixed slots, and one state bit,
** vs[].gone, stands for "off mm->mmap" and "off i_mmap"; it is written in
** the unlink_file_vma step, which is when the rmap walkers can notice.
** Nobody who reads the mm's list can see the step in between (they hold
** mmap_sem).  Only whole vmas are unmapped (split_vma is not modelled: a
** partial munmap is refused when the model is built, program.c).
** lru_add_drain, the mmu_gather (pages are released at once, memory_zap.c)
** and the TLB flush, free_pgd_range, ->close and fput are left out.
*/
#include <assert.h>

#include "models/kernel.h"

/* unlink_file_vma() (2.6.20 mm/mmap.c): hide the vma from rmap and
   vmtruncate under i_mmap_lock (__remove_shared_vm_struct): one short
   spinlock section, one step. */
static void unlink_file_vma(sim_thread *t, const struct vma *v) {
  mm_model *m = mm_of(t);
  int i = vma_index(m, v);
  SIM_STEP(t, "spin_lock(i_mmap_lock); vma_prio_tree_remove; spin_unlock",
           COST_LOCK, SIM_LOCK(i_mmap_lock(m, v->file)), SIM_WR(vma_oid(m, i)),
           SIM_UNLOCK(i_mmap_lock(m, v->file)));
  m->s.vs[i].gone = 1;
  sim_after(t, "vma#%d off i_mmap", i);
}

/* unmap_region() (2.6.20 mm/mmap.c): zap the range, then free_pgtables,
   whose first act per vma is unlink_file_vma. */
static void unmap_region(sim_thread *t, const struct vma *v, uint64_t start,
                         uint64_t end) {
  sim_enter(t, "unmap_region");
  unmap_vmas(t, v, start, end);
  sim_enter(t, "free_pgtables");
  unlink_file_vma(t, v);
  sim_leave(t);
  sim_leave(t);
}

/* do_munmap() (2.6.20 mm/mmap.c), mmap_sem held for writing: the vma
   containing start (find_vma_prev; read in the caller's locking step) is
   detached, unmapped and removed.  Returns 0, also when nothing is mapped
   there. */
int do_munmap(sim_thread *t, int mm, uint64_t start, uint64_t len) {
  mm_model *m = mm_of(t);
  const struct vma *v = find_vma(m, mm, start);
  sim_enter(t, "do_munmap");
  assert(sim_holds(t, mmap_sem(m, mm)));
  if (!v) {
    sim_after(t, "nothing mapped at 0x%llx", (unsigned long long)start);
    goto out;
  }
  /* whole vmas only (mm_program_check): no split_vma */
  assert(start == v->start && start + len == v->end);
  /* detach_vmas_to_be_unmapped: rb_erase, off mm->mmap, mmap_cache =
     NULL: state of the mm that only mmap_sem holders read (vs[].gone is
     written with the i_mmap unlink below) */
  unmap_region(t, v, start, start + len);
  /* remove_vma_list -> remove_vma: ->close, fput, free: not modelled */
out:
  sim_leave(t);
  return 0;
}

/* sys_munmap() (2.6.20 mm/mmap.c): down_write(mmap_sem), do_munmap,
   up_write. */
long sys_munmap(sim_thread *t, int mm, uint64_t addr, uint64_t len) {
  mm_model *m = mm_of(t);
  sim_enter(t, "sys_munmap");
  mmap_sem_find_vma(t, mm, 1, "down_write(mmap_sem); find_vma_prev",
                    COST_SYSCALL);
  long ret = do_munmap(t, mm, addr, len);
  mm_unlock(t, mmap_sem(m, mm), "up_write(mmap_sem)");
  sim_leave(t);
  return ret;
}

/* exit_mmap() (2.6.20 mm/mmap.c) of a process that exits: unmap_vmas
   zaps every vma with no details (no i_mmap_lock, every page: even_cows),
   each pte range under its pte lock (zap_pte_range, memory_zap.c), dirty
   bits to the pages with set_page_dirty.  Then free_pgtables and
   remove_vma take the vmas off i_mmap; the model's vmas stay, with no pte
   present.  The vmas an munmap removed are no longer on mm->mmap: skipped
   (the exit thread runs alone, after every scenario thread: nobody writes
   vs[]). */
void exit_mmap(sim_thread *t, int mm) {
  mm_model *m = mm_of(t);
  sim_enter(t, "exit_mmap");
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    if (v->mm != mm || m->s.vs[i].gone)
      continue;
    unmap_vmas(t, v, v->start, v->end);
  }
  sim_leave(t);
}
