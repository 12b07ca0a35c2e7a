/*
** program.c - the user side of the MM model: a scenario thread's program
** run as user code on its CPU.  Loads and stores are user accesses that
** the MMU translates (and that fault, arch/i386/mm/fault.c); truncate and
** dio_write are system calls entering the kernel at their entry function
** (do_truncate, generic_file_direct_write, as reached from truncate(2)
** and write(2) on an O_DIRECT file); delay is user time spent between
** operations.
**
** mprotect, msync, munmap and madvise (dontneed, and remove: the hole
** punch, madvise_remove -> vmtruncate_range) are the system calls of
** mm/mprotect.c, msync.c, mmap.c and madvise.c; follow_page is a kernel
** thread's get_user_pages on the mm (gup.c).  write and read are
** write(2) and read(2) of one page whose user buffer is a page of a
** mapping (filemap_write.c, filemap.c; a write to a tmpfs file is
** shmem_file_write, shmem.c).
** reclaim is kswapd or direct reclaim of pages of a file (vmscan.c).
** ksm_protect is ksmd write-protecting a page of the mm (ksm.c).
** gup, pin, dma_write and unpin are a driver's get_user_pages/
** pin_user_pages, its device's DMA into the page, and the release
** (gup.c); the thread keeps the pages it got until it releases them.
**
** fsync, sync, writeback (the background flusher) and fs_flush (a journal
** commit) start writeback; with them the model runs its own threads after
** the scenario's (mm.h): the block device and the exit thread, and each
** scenario thread ends with do_exit.
**
** Not a kernel file: the kernel paths live in memory.c, filemap.c,
** truncate.c, mpage.c, buffer.c, sync.c and the others named after the
** kernel's.  Simplified: the system calls' argument checks and the VFS
** layers above the modelled entry points are left out; a program is a
** straight line of operations, without branches on what a call returned.
** Programs the model cannot run (a store to a read-only map that no
** mprotect makes writable, one that would need copy-on-write, a partial
** munmap or mprotect, PROT_NONE, a hole punch that 2.6.20 would fail,
** msync(MS_SYNC) of a tmpfs map, a read of a tmpfs file) are rejected
** when the model is built, with the scenario's line and column; a store
** that faults at run time on a vma that is read-only by then, or
** unmapped, is a SIGSEGV (counted in mm_state.segv), and the program goes
** on.
*/
#include <assert.h>
#include <stdio.h>

#include "models/kernel.h"

_Static_assert(SCN_FOLL_WRITE == FOLL_WRITE && SCN_FOLL_TOUCH == FOLL_TOUCH &&
                   SCN_FOLL_GET == FOLL_GET,
               "the scenario's follow_page flags are the kernel's");
_Static_assert(SCN_MADV_DONTNEED == MADV_DONTNEED &&
                   SCN_MADV_REMOVE == MADV_REMOVE,
               "the scenario's madvise behaviours are the kernel's");

/* Does some thread's program mprotect vma 'v' to rw? */
static int made_writable(const mm_model *m, const struct vma *v) {
  const scenario *scn = m->scn;
  for (int i = 0; i < scn->nthreads; i++)
    for (int j = 0; j < scn->threads[i].nops; j++) {
      const scn_op *op = &scn->threads[i].ops[j];
      if (op->kind == SCN_MPROTECT && op->arg == SCN_PROT_RW &&
          vma_at(m, op->mm, op->addr) == v)
        return 1;
    }
  return 0;
}

/* Does the operation cover its whole map (munmap, mprotect: no
   split_vma in the model)? */
static int whole_vma(const struct vma *v, const scn_op *op) {
  return op->addr == v->start &&
         op->addr + (uint64_t)op->npages * PAGE_SIZE == v->end;
}

/* The tests of the programs the model cannot run, on an operation and
   the vma at its address ('v', NULL for an operation without one). */
typedef int refuse_fn(const mm_model *m, const scn_op *op, const struct vma *v);

static int file_is_tmpfs(const mm_model *m, const scn_op *op,
                         const struct vma *v) {
  (void)v;
  return m->scn->files[op->file].tmpfs;
}
static int map_is_tmpfs(const mm_model *m, const scn_op *op,
                        const struct vma *v) {
  (void)op;
  return m->scn->files[v->file].tmpfs;
}
static int prot_none(const mm_model *m, const scn_op *op, const struct vma *v) {
  (void)m;
  (void)v;
  return op->arg == SCN_PROT_NONE;
}
static int partial(const mm_model *m, const scn_op *op, const struct vma *v) {
  (void)m;
  return !whole_vma(v, op);
}
static int partial_emulated(const mm_model *m, const scn_op *op,
                            const struct vma *v) {
  return m->knobs.nonlinear_linear_emulation && !whole_vma(v, op);
}
static int with_remap(const mm_model *m, const scn_op *op,
                      const struct vma *v) {
  (void)op;
  (void)v;
  return m->remaps;
}
static int dontneed_with_remap(const mm_model *m, const scn_op *op,
                               const struct vma *v) {
  return op->arg != SCN_MADV_REMOVE && with_remap(m, op, v);
}
static int remove_not_shared_rw(const mm_model *m, const scn_op *op,
                                const struct vma *v) {
  (void)m;
  return op->arg == SCN_MADV_REMOVE && (!v->shared || !v->write);
}
static int remove_not_tmpfs(const mm_model *m, const scn_op *op,
                            const struct vma *v) {
  return op->arg == SCN_MADV_REMOVE && !map_is_tmpfs(m, op, v);
}
static int sync_of_tmpfs(const mm_model *m, const scn_op *op,
                         const struct vma *v) {
  return op->arg == SCN_MS_SYNC && v->shared && map_is_tmpfs(m, op, v);
}
/* read-only for good: no mprotect of the program makes it rw */
static int read_only(const mm_model *m, const scn_op *op, const struct vma *v) {
  (void)op;
  return v && !v->write && !made_writable(m, v);
}
static int shared_read_only(const mm_model *m, const scn_op *op,
                            const struct vma *v) {
  return v->shared && read_only(m, op, v);
}
static int gup_write_shared_ro(const mm_model *m, const scn_op *op,
                               const struct vma *v) {
  return (op->arg & SCN_GUP_WRITE) && shared_read_only(m, op, v);
}
static int gup_write_ro_unforced(const mm_model *m, const scn_op *op,
                                 const struct vma *v) {
  return (op->arg & SCN_GUP_WRITE) && read_only(m, op, v) &&
         !(op->arg & SCN_GUP_FORCE);
}
static int private_map(const mm_model *m, const scn_op *op,
                       const struct vma *v) {
  (void)m;
  (void)op;
  return !v->shared;
}
static int uffd_not_shmem(const mm_model *m, const scn_op *op,
                          const struct vma *v) {
  return !map_is_tmpfs(m, op, v) && !m->knobs.uffd_minor_any_file;
}
static int no_fault_lock_page(const mm_model *m, const scn_op *op,
                              const struct vma *v) {
  (void)op;
  (void)v;
  return !m->knobs.fault_lock_page;
}

/* The rules, each for the operation kinds in its mask: for an operation,
   the first rule whose test holds gives the error. */
#define OPK(k) (UINT64_C(1) << (k))
_Static_assert(SCN_KSM_PROTECT < 64, "an operation kind is a bit of 'kinds'");
static const struct {
  uint64_t kinds;
  refuse_fn *test;
  const char *why;
} refusals[] = {
    {OPK(SCN_READ), file_is_tmpfs,
     "read of a tmpfs file: shmem_file_read is not modelled, expected a "
     "file without 'tmpfs'"},
    {OPK(SCN_MPROTECT), prot_none,
     "mprotect none is not modelled (no PROT_NONE ptes), expected r or rw"},
    {OPK(SCN_MUNMAP), partial,
     "partial munmap: split_vma is not modelled, expected the start and "
     "page count of the whole map"},
    {OPK(SCN_MPROTECT), partial,
     "partial mprotect: split_vma is not modelled, expected the start and "
     "page count of the whole map"},
    {OPK(SCN_MADVISE), dontneed_with_remap,
     "madvise dontneed in a scenario with remap: the nonlinear zap of "
     "madvise_dontneed is not modelled, expected munmap"},
    {OPK(SCN_MADVISE), remove_not_shared_rw,
     "madvise remove of a map that is not shared rw (madvise_remove: "
     "-EACCES), expected a map declared shared rw"},
    {OPK(SCN_MADVISE), remove_not_tmpfs,
     "madvise remove of a file without ->truncate_range (vmtruncate_range: "
     "-ENOSYS; in 2.6.20 only tmpfs has it), expected a map of a file "
     "declared with 'tmpfs'"},
    {OPK(SCN_MSYNC), sync_of_tmpfs,
     "msync sync of a tmpfs map: tmpfs does no writeback (simple_sync_file) "
     "and the model does not run it, expected async or a map of a file "
     "without 'tmpfs'"},
    {OPK(SCN_GUP) | OPK(SCN_PIN), gup_write_shared_ro,
     "write GUP of a shared read-only mapping (check_vma_flags: -EFAULT, "
     "FOLL_FORCE included: not a COW mapping), expected a map with rw or a "
     "private map"},
    {OPK(SCN_GUP) | OPK(SCN_PIN), gup_write_ro_unforced,
     "write GUP of a read-only mapping without force (check_vma_flags: "
     "-EFAULT), expected 'force' or a map with rw"},
    {OPK(SCN_PROCMEM_WRITE), shared_read_only,
     "procmem_write to a shared read-only mapping (check_vma_flags: "
     "-EFAULT, not a COW mapping), expected a private map or a map with rw"},
    {OPK(SCN_REMAP), private_map,
     "remap of a private map (sys_remap_file_pages: -EINVAL), expected a "
     "map declared shared"},
    {OPK(SCN_REMAP), map_is_tmpfs,
     "remap of a tmpfs map: shmem_populate and shmem's nonlinear fault are "
     "not modelled, expected a file without 'tmpfs'"},
    {OPK(SCN_REMAP), partial_emulated,
     "partial remap on a kernel with 3ee6dafc: its mmap_region would split "
     "the vma (split_vma is not modelled), expected the start and page "
     "count of the whole map"},
    {OPK(SCN_RECLAIM), with_remap,
     "reclaim in a scenario with remap: try_to_unmap_cluster (nonlinear "
     "vmas) is not modelled, expected no reclaim"},
    {OPK(SCN_UFFD_REGISTER) | OPK(SCN_UFFD_CONTINUE), uffd_not_shmem,
     "userfaultfd minor faults on a file that is not shmem "
     "(vma_can_userfault: -EINVAL), expected a map of a file declared with "
     "'tmpfs' (or the synthetic knob uffd.minor_any_file)"},
    {OPK(SCN_UFFD_REGISTER) | OPK(SCN_UFFD_CONTINUE), no_fault_lock_page,
     "userfaultfd on a kernel without ->fault (the model's minor faults "
     "hook shmem_fault, 2.6.23+), expected a 5.x or 6.x kernel"},
    /* a read into a mapping: the copy's stores */
    {OPK(SCN_READ), read_only,
     "read into a read-only mapping (the copy would fault with SIGSEGV), "
     "expected a map with rw or an mprotect rw of it"},
    {OPK(SCN_STORE), read_only,
     "store to a read-only mapping (the fault would be SIGSEGV), expected a "
     "map with rw or an mprotect rw of it"},
};

int mm_program_check(const mm_model *m, char *err, size_t errlen) {
  const scenario *scn = m->scn;
  for (int i = 0; i < scn->nthreads; i++) {
    const scn_thread *th = &scn->threads[i];
    for (int j = 0; j < th->nops; j++) {
      const scn_op *op = &th->ops[j];
      const struct vma *v = op->mm >= 0 ? vma_at(m, op->mm, op->addr) : NULL;
      assert(op->mm < 0 || v); /* the parser checked the address */
      for (size_t r = 0; r < sizeof refusals / sizeof refusals[0]; r++)
        if ((refusals[r].kinds & OPK(op->kind)) && refusals[r].test(m, op, v)) {
          snprintf(err, errlen, "%s:%d:%d: error: %s", scn->path, op->line,
                   op->col, refusals[r].why);
          return -1;
        }
    }
  }
  return 0;
}

/* release FILE page=P: a caller of try_to_release_page(), as reclaim
   (shrink_page_list once the page is written and unmapped), invalidation
   (invalidate_complete_page2) and truncation (block_invalidatepage) call
   it: with a reference and the page lock, if the page has buffers.  It
   does not unmap the page first: in 2.6.17-2.6.22 a fault maps an
   uptodate page without its lock, so a page can be mapped again by the
   time reclaim's try_to_unmap is done; reclaim itself (try_to_unmap,
   pageout, remove_mapping) comes with its own issue. */
void release_page(sim_thread *t, int file, uint32_t index) {
  mm_model *m = mm_of(t);
  sim_enter(t, "release");
  int page = find_get_page(t, file, index);
  if (page < 0)
    goto out;
  lock_page(t, m, page);
  SIM_STEP(t, "page->mapping == mapping; PagePrivate?", COST_ATOMIC,
           SIM_RD(page_mapping_oid(m, page)), SIM_RD(page_bh_oid(m, page)));
  if (m->s.page[page].mapping == file && (m->s.page[page].flags & PG_private))
    try_to_release_page(t, page);
  unlock_page(t, m, page);
  put_page(t, page);
out:
  sim_leave(t);
}

/* The GUP operations of a thread's program (gup.c).  'held' is the
   page each gup or pin operation got (indexed like the program's
   operations, -1 if none): the driver keeps it until its unpin. */
static void gup_op(sim_thread *t, const scn_thread *th, int i, int *held) {
  mm_model *m = mm_of(t);
  const scn_op *op = &th->ops[i];
  const scn_op *h;
  unsigned flags = op->arg & SCN_GUP_WRITE ? FOLL_WRITE : 0;
  switch (op->kind) {
  case SCN_GUP:
    if (op->arg & SCN_GUP_FORCE)
      flags |= FOLL_FORCE;
    held[i] = op->arg & SCN_GUP_FAST
                  ? get_user_pages_fast(t, op->mm, op->addr, flags)
                  : get_user_pages(t, op->mm, op->addr, flags);
    break;
  case SCN_PIN:                 /* the driver's long-term pin, by version */
    if (op->arg & SCN_GUP_FAST) /* pin_user_pages_fast (5.6) */
      held[i] = get_user_pages_fast(
          t, op->mm, op->addr, flags | (m->knobs.gup_foll_pin ? FOLL_PIN : 0));
    else if (m->knobs.gup_foll_pin)
      held[i] = pin_user_pages(t, op->mm, op->addr, flags);
    else
      held[i] = get_user_pages(t, op->mm, op->addr, flags);
    break;
  case SCN_DMA_WRITE:
  case SCN_UNPIN:
    h = scn_held_op(th, i, op->mm, op->addr);
    assert(h); /* the parser checked that the thread holds it */
    int page = held[h - th->ops];
    if (page < 0) /* the gup failed (-EFAULT): nothing to write or drop */
      break;
    if (op->kind == SCN_DMA_WRITE)
      dma_write_page(t, page);
    else if (h->kind == SCN_PIN && m->knobs.gup_foll_pin)
      unpin_user_pages_dirty_lock(t, page, op->arg & SCN_UNPIN_DIRTY);
    else
      put_gup_page_dirty_lock(t, page, op->arg & SCN_UNPIN_DIRTY);
    break;
  default:
    assert(0);
  }
}

/* A thread runs its program: user accesses fault as the CPU would;
   system calls enter the kernel at their entry function. */
void mm_thread_main(void *model, sim_thread *t, int tid) {
  mm_model *m = model;
  m->x = sim_thread_exec(t);
  if (m->wb && tid == mm_tid_disk(m)) {
    blockdev_main(t);
    return;
  }
  if (m->wb && tid == mm_tid_exit(m)) {
    exit_thread_main(t);
    return;
  }
  const scn_thread *th = &m->scn->threads[tid];
  int held[SCN_MAX_OPS];
  for (int i = 0; i < th->nops; i++)
    held[i] = -1;
  for (int i = 0; i < th->nops; i++) {
    const scn_op *op = &th->ops[i];
    switch (op->kind) {
    case SCN_LOAD:
    case SCN_STORE:
      sim_enter(t, "user");
      if (!user_access(t, op->mm, op->addr, op->kind == SCN_STORE) &&
          op->kind == SCN_LOAD) /* in the load's action: what it read */
        m->s.loads[tid][i] = m->s.last_load[tid];
      sim_leave(t);
      break;
    case SCN_TRUNCATE:
      do_truncate(t, op->file, op->size);
      break;
    case SCN_DIO_WRITE:
      generic_file_direct_write(t, op->file, op->page, op->npages);
      break;
    case SCN_DELAY:
      sim_delay(t, op->ns);
      break;
    case SCN_FSYNC:
      do_fsync(t, op->file);
      break;
    case SCN_SYNC:
      sys_sync(t);
      break;
    case SCN_WRITEBACK: /* pdflush: background writeback of one file */
      sim_enter(t, "pdflush");
      mpage_writepages(t, op->file, WB_SYNC_NONE);
      sim_leave(t);
      break;
    case SCN_FS_FLUSH: /* kjournald: a commit writes the data buffers */
      sim_enter(t, "kjournald");
      journal_submit_data_buffers(t, op->file, 1);
      sim_leave(t);
      break;
    case SCN_RELEASE:
      for (uint32_t k = 0; k < op->npages; k++)
        release_page(t, op->file, op->page + k);
      break;
    case SCN_MPROTECT:
      sys_mprotect(t, op->mm, op->addr, (uint64_t)op->npages << PAGE_SHIFT,
                   op->arg == SCN_PROT_RW ? PROT_READ | PROT_WRITE : PROT_READ);
      break;
    case SCN_MSYNC:
      sys_msync(t, op->mm, op->addr, (uint64_t)op->npages << PAGE_SHIFT,
                op->arg == SCN_MS_SYNC ? MS_SYNC : MS_ASYNC);
      break;
    case SCN_MUNMAP:
      sys_munmap(t, op->mm, op->addr, (uint64_t)op->npages << PAGE_SHIFT);
      break;
    case SCN_MADVISE:
      sys_madvise(t, op->mm, op->addr, (uint64_t)op->npages << PAGE_SHIFT,
                  op->arg); /* SCN_MADV_* are the kernel's MADV_* */
      break;
    case SCN_FOLLOW_PAGE: /* SCN_FOLL_* are the kernel's FOLL_* values */
      follow_user_page(t, op->mm, op->addr, (unsigned)op->arg);
      break;
    case SCN_WRITE: /* write(2), buffered, from the page at addr */
      if (m->scn->files[op->file].tmpfs) /* shmem_file_operations */
        shmem_file_write(t, op->file, op->page, op->mm, op->addr);
      else
        generic_file_aio_write(t, op->file, op->page, op->mm, op->addr);
      break;
    case SCN_READ:
      generic_file_aio_read(t, op->file, op->page, op->mm, op->addr);
      break;
    case SCN_RECLAIM: /* kswapd's balance_pgdat, or an allocation's
                         try_to_free_pages, reaching these pages */
      sim_enter(t,
                op->arg & SCN_RECLAIM_DIRECT ? "try_to_free_pages" : "kswapd");
      for (uint32_t k = 0; k < op->npages; k++)
        shrink_page_list(t, op->file, op->page + k,
                         !(op->arg & SCN_RECLAIM_DIRECT));
      sim_leave(t);
      break;
    case SCN_GUP:
    case SCN_PIN:
    case SCN_DMA_WRITE:
    case SCN_UNPIN:
      gup_op(t, th, i, held);
      break;
    case SCN_PROCMEM_WRITE: /* write(2) to /proc/self/mem */
      mem_write_page(t, op->mm, op->addr);
      break;
    case SCN_UFFD_REGISTER: /* ioctl(UFFDIO_REGISTER, MODE_MINOR) */
      userfaultfd_register(t, op->mm, op->addr);
      break;
    case SCN_UFFD_CONTINUE: /* the handler: read(uffd), UFFDIO_CONTINUE */
      userfaultfd_continue(t, op->mm, op->addr);
      break;
    case SCN_REMAP: /* remap_file_pages(addr, size, 0, pgoff, flags) */
      sys_remap_file_pages(t, op->mm, op->addr,
                           (uint64_t)op->npages << PAGE_SHIFT, op->page,
                           op->arg & SCN_REMAP_NONBLOCK);
      break;
    case SCN_KSM_PROTECT: /* ksmd: try_to_merge_one_page's write protect */
      ksm_protect_page(t, op->mm, op->addr);
      break;
    }
  }
  if (m->wb)
    task_exit(t);
}
