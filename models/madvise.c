/*
** madvise.c - madvise(MADV_DONTNEED).  Mirrors sys_madvise() ->
** madvise_vma() -> madvise_dontneed() of Linux 2.6.20 mm/madvise.c
** (sagsango/linux-2.6.20 @7925ece7, read): in 2.6.20 sys_madvise takes
** mmap_sem for writing for every behaviour (down_write at its top), also
** for MADV_DONTNEED; later kernels take it for reading for DONTNEED.
** madvise_dontneed() zaps the range with zap_page_range(vma, start, len,
** NULL) (memory.c): every present pte, its dirty bit to the page, the
** vma stays.  MADV_REMOVE is the scenario operation 'punch'
** (vmtruncate_range, memory.c).
**
** Simplified: the range lies in one vma (the parser keeps it inside one
** map); VM_LOCKED/VM_HUGETLB/VM_PFNMAP (-EINVAL) and nonlinear vmas do not
** occur in the model.
*/
#include "models/kernel.h"

/* madvise_dontneed() (2.6.20 mm/madvise.c), mmap_sem held. */
static long madvise_dontneed(sim_thread *t, const struct vma *v, uint64_t start,
                             uint64_t end) {
  sim_enter(t, "madvise_dontneed");
  zap_page_range(t, v, start, end - start);
  sim_leave(t);
  return 0;
}

long sys_madvise(sim_thread *t, int mm, uint64_t start, uint64_t len,
                 int behavior) {
  mm_model *m = mm_of(t);
  long error;
  sim_enter(t, "sys_madvise");
  mmap_sem_find_vma(t, mm, 1, "down_write(mmap_sem); find_vma_prev",
                    COST_SYSCALL);
  const struct vma *v = find_vma(m, mm, start);
  if (!v) {
    sim_after(t, "no vma: -ENOMEM");
    error = -ENOMEM;
    goto out;
  }
  error = behavior == MADV_DONTNEED ? madvise_dontneed(t, v, start, start + len)
                                    : -EINVAL;
out:
  mm_unlock(t, mmap_sem(m, mm), "up_write(mmap_sem)");
  sim_leave(t);
  return error;
}
