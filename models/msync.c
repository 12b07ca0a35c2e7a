/*
** msync.c - msync(2).  Mirrors sys_msync() of Linux 2.6.20 mm/msync.c
** (sagsango/linux-2.6.20 @7925ece7, read).  Since the shared dirty page
** tracking (d08b3851, 2.6.19) MS_ASYNC does nothing but look the range up
** ("it doesn't do anything, since dirty pages are properly tracked"):
** stores through writable ptes reach PG_dirty by the write fault, and
** writeback's page_mkclean.  MS_SYNC on a shared file vma drops mmap_sem
** and calls do_fsync() on the file (sync.c: filemap_fdatawrite, ->fsync,
** filemap_fdatawait, with its fsync-lost check when it returns), then
** would go on with the next vma.
**
** Simplified: the range lies in one vma (the parser keeps it inside one
** map), so the loop over vmas runs once; MS_INVALIDATE is not parsed.
*/
#include <assert.h>

#include "models/kernel.h"

long sys_msync(sim_thread *t, int mm, uint64_t start, uint64_t len, int flags) {
  mm_model *m = mm_of(t);
  uint64_t end = start + len;
  long error;
  sim_enter(t, "sys_msync");
  mmap_sem_find_vma(t, mm, 0, "down_read(mmap_sem); find_vma", COST_SYSCALL);
  const struct vma *v = find_vma(m, mm, start);
  if (!v) {
    sim_after(t, "no vma: -ENOMEM");
    error = -ENOMEM;
    goto out_unlock;
  }
  int file = v->file;
  start = v->end;
  if ((flags & MS_SYNC) && v->shared) {
    /* get_file(file); the file stays open while mmap_sem is dropped */
    mm_up_read(t, mmap_sem(m, mm), "up_read(mmap_sem)");
    error = do_fsync(t, file);
    /* fput(file) */
    assert(start >= end); /* one vma: done */
    goto out;
  }
  /* MS_ASYNC, or not a shared file vma: start >= end, done */
  assert(start >= end);
  sim_after(t, "nothing to do");
  error = 0;
out_unlock:
  mm_up_read(t, mmap_sem(m, mm), "up_read(mmap_sem)");
out:
  sim_leave(t);
  return error;
}
