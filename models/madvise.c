/*
** madvise.c - madvise(MADV_DONTNEED) and madvise(MADV_REMOVE).  Mirrors
** sys_madvise() -> madvise_vma() -> madvise_dontneed() / madvise_remove()
** of Linux 2.6.20 mm/madvise.c (sagsango/linux-2.6.20 @7925ece7, read),
** and madvise_remove() after 90ed52eb ("holepunch: fix mmap_sem i_mutex
** deadlock", torvalds/linux @90ed52eb, read; in 2.6.22).
**
** In 2.6.20 sys_madvise takes mmap_sem for writing for every behaviour
** (down_write at its top) and holds it to the end, also across
** madvise_remove -> vmtruncate_range (memory_zap.c), which takes i_mutex and
** i_alloc_sem: no thread of the punching process can fault during a hole
** punch (a fault takes mmap_sem for reading), only another process can
** race with it.  The nesting mmap_sem -> i_mutex inverts the order of a
** write(2) whose user buffer faults (i_mutex -> mmap_sem), an ABBA
** deadlock that 90ed52eb fixed by dropping mmap_sem around
** vmtruncate_range (knob madvise.remove_drops_mmap_sem; sys_madvise then
** looks the vma up again, which the model's one-vma ranges never need).
** Later kernels (3.x) also pin the file with get_file() across the
** unlocked call; 90ed52eb does not, and the model has no close(2).
**
**   2.6.20:                               2.6.22 (90ed52eb):
**   down_write(mmap_sem)                  down_write(mmap_sem)
**   madvise_remove                        madvise_remove
**     vmtruncate_range                      up_write(mmap_sem)
**       mutex_lock(i_mutex) ...             vmtruncate_range ...
**                                           down_write(mmap_sem)
**   up_write(mmap_sem)                    up_write(mmap_sem)
**
** madvise_dontneed() zaps the range with zap_page_range(vma, start, len,
** NULL) (memory.c): every present pte, its dirty bit to the page, the vma
** stays.
**
** Simplified: the range lies in one vma (the parser keeps it inside one
** map); VM_LOCKED/VM_HUGETLB/VM_PFNMAP/VM_NONLINEAR (-EINVAL) do not occur
** in the model.  An MADV_REMOVE the model could only fail (a map that is
** not shared and writable: -EACCES; a file without ->truncate_range, i.e.
** not tmpfs: -ENOSYS) is refused when the model is built (program.c);
** an mprotect to read-only before it gives -EACCES at run time.
*/
#include <assert.h>

#include "models/kernel.h"

/* madvise_dontneed() (2.6.20 mm/madvise.c), mmap_sem held. */
static long madvise_dontneed(sim_thread *t, const struct vma *v, uint64_t start,
                             uint64_t end) {
  sim_enter(t, "madvise_dontneed");
  zap_page_range(t, v, start, end - start);
  sim_leave(t);
  return 0;
}

/* madvise_remove() (2.6.20; 2.6.22 with knob
   madvise.remove_drops_mmap_sem): mmap_sem held for writing on entry and
   on return.  The vma's flags were read in sys_madvise's first step, with
   mmap_sem held for writing, so mprotect cannot have changed them since. */
static long madvise_remove(sim_thread *t, int mm, const struct vma *v,
                           uint64_t start, uint64_t end) {
  mm_model *m = mm_of(t);
  long error;
  sim_enter(t, "madvise_remove");
  assert(sim_holds(t, mmap_sem(m, mm)));
  if (!v->shared || !m->s.vs[vma_index(m, v)].vm_write) {
    sim_after(t, "not VM_SHARED|VM_WRITE: -EACCES");
    error = -EACCES;
    goto out;
  }
  uint64_t offset = (start - v->start) + ((uint64_t)v->pgoff << PAGE_SHIFT);
  uint64_t endoff = (end - v->start - 1) + ((uint64_t)v->pgoff << PAGE_SHIFT);
  if (m->knobs.madvise_remove_drops_mmap_sem) /* 90ed52eb */
    mm_unlock(t, mmap_sem(m, mm), "up_write(mmap_sem)");
  error = vmtruncate_range(t, v->file, offset, endoff);
  if (m->knobs.madvise_remove_drops_mmap_sem)
    mm_lock(t, mmap_sem(m, mm), "down_write(mmap_sem)");
out:
  sim_leave(t);
  return error;
}

long sys_madvise(sim_thread *t, int mm, uint64_t start, uint64_t len,
                 int behavior) {
  mm_model *m = mm_of(t);
  long error;
  sim_enter(t, "sys_madvise");
  /* madvise_need_mmap_write (knob madvise.dontneed_read; 5.15 mm/madvise.c
     read in a 5.15.0 tree: DONTNEED, REMOVE, WILLNEED, COLD, PAGEOUT,
     FREE and POPULATE_* take mmap_lock for reading): DONTNEED only reads
     the vma list; 2.6.20 takes mmap_sem for writing always */
  int write = !(behavior == MADV_DONTNEED && m->knobs.madvise_dontneed_read);
  mmap_sem_find_vma(t, mm, write,
                    write ? "down_write(mmap_sem); find_vma_prev"
                          : "down_read(mmap_sem); find_vma_prev",
                    COST_SYSCALL);
  const struct vma *v = find_vma(m, mm, start);
  if (!v) {
    sim_after(t, "no vma: -ENOMEM");
    error = -ENOMEM;
    goto out;
  }
  switch (behavior) {
  case MADV_DONTNEED:
    error = madvise_dontneed(t, v, start, start + len);
    break;
  case MADV_REMOVE:
    error = madvise_remove(t, mm, v, start, start + len);
    break;
  default:
    error = -EINVAL;
    break;
  }
out:
  mmap_sem_up(t, mm, write);
  sim_leave(t);
  return error;
}
