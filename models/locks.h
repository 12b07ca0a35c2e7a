/*
** locks.h - the modelled locks, their order, and the step helpers that take
** and drop them.
**
** Lock order, outermost first (Linux 2.6.20 mm/rmap.c and mm/filemap.c
** header comments; only the locks modelled here):
**
**   inode->i_mutex                      (do_truncate, generic_file_aio_write,
**     inode->i_alloc_sem                 vmtruncate_range)
**       mm->mmap_sem                    (do_page_fault)
**         PG_locked  (lock_page)        (truncate, invalidate, 2.6.23 fault,
**                                        reclaim: TestSetPageLocked)
**           mapping->i_mmap_lock        (unmap_mapping_range, try_to_unmap)
**             pte lock (ptl)            (zap_pte_range, do_no_page,
**                                        try_to_unmap_one)
**               mapping->private_lock   (__set_page_dirty_buffers,
**                                        try_to_free_buffers)
**               mapping->tree_lock      (find_get_page, set_page_dirty,
**                                        __remove_from_page_cache)
**
** i_mutex -> mmap_sem is also the buffered write's fault-in (the
** mm/filemap.c header: "->i_mutex (generic_file_buffered_write) ->mmap_sem
** (fault_in_pages_readable->do_page_fault)").  An inversion the models
** show: 2.6.20-2.6.23's buffered write (filemap_write.c) takes a page fault
** with the destination page locked, PG_locked -> mmap_sem -> PG_locked of
** the source on 2.6.23 (R1d; fixed in 2.6.24 by copying with page faults
** disabled).
**
** Another inversion: 2.6.20 sys_madvise(MADV_REMOVE) takes
** mmap_sem for writing, then vmtruncate_range takes i_mutex under it
** (madvise.c).  Against a write(2) that holds i_mutex and faults on its
** user buffer (mmap_sem for reading) it is an ABBA deadlock; 90ed52eb
** (2.6.22, knob madvise.remove_drops_mmap_sem) drops mmap_sem first.
**
** The tree is data too: mm_lock_order[] below lists each lock class with
** its rank (outermost first) and where the model takes it; the MM model
** gives the lock-order checker (sim/lockdep.h) these classes and ranks
** (mm.c, mm_lock_class and mm_lock_order_check), so that a path that takes
** a lock inside one it should be outside of is reported on its first run,
** before any interleaving closes a cycle.  Waits count as acquisitions of
** their class (lockdep.h): wait_on_page_locked of PG_locked and
** wait_on_page_writeback of PG_writeback, a class nobody holds but that
** must not be waited for under a spinlock.  Not ranked: BH_Lock (a bit
** lock handed to the I/O, which the block device releases: its holder is
** the disk, not the submitting thread; Linux's lockdep does not track it
** either) and the model's own waits (the block device's queue, the exit
** thread's wait for the tasks), which are not kernel locks.  One table
** serves every kernel modelled here (2.6.17-mm to 6.4): the header of
** mm/rmap.c in 6.x (read as stored, the version with "folio_lock_memcg
** move_lock (in block_dirty_folio)", 6.2-6.4) keeps the same order for
** these locks under new names: inode->i_rwsem (i_mutex), mm->mmap_lock,
** mapping->invalidate_lock (new, not modelled), PG_locked,
** mapping->i_mmap_rwsem (i_mmap_lock, a sleeping lock since 3.19),
** anon_vma->rwsem (not modelled), the pte lock, mapping->private_lock,
** the i_pages lock (tree_lock).  i_alloc_sem is gone (3.1); only the
** 2.6 paths of the model take it.
**
** Every helper is one step: its footprint is the lock access (plus the
** objects passed), so each is a preemption point of its own.  A short
** spinlock section whose body neither blocks nor is read locklessly half-way
** is modelled as one step {LOCK l, accesses, UNLOCK l}: the engine applies
** the accesses in order, so the lock is held for exactly that step.
*/
#ifndef MMSIM_LOCKS_H
#define MMSIM_LOCKS_H

#include "models/cost.h"
#include "models/mm.h"

/* The lock objects of files and mms. */
#define i_mutex(m, f) mm_oid(m, OC_I_MUTEX, f)
#define i_alloc_sem(m, f) mm_oid(m, OC_I_ALLOC, f)
#define i_mmap_lock(m, f) mm_oid(m, OC_I_MMAP, f)
#define tree_lock(m, f) mm_oid(m, OC_TREE_LOCK, f)
#define private_lock(m, f) mm_oid(m, OC_PRIVATE_LOCK, f)
#define mmap_sem(m, mm) mm_oid(m, OC_MMAP_SEM, mm)
#define pte_lock(m, mm) mm_oid(m, OC_PTL, mm)
#define pte_oid(m, mm, slot) mm_oid(m, OC_PTE, (mm)*MM_MAX_PTES + (slot))
#define tree_oid(m, f) mm_oid(m, OC_TREE, f)
#define tree_tags_oid(m, f) mm_oid(m, OC_TREE_TAGS, f)
#define isize_oid(m, f) mm_oid(m, OC_ISIZE, f)
#define trunc_oid(m, f) mm_oid(m, OC_TRUNC, f)
#define disk_oid(m, f) mm_oid(m, OC_DISK, f)

/* The declared lock order: ranks, outermost first (the tree above).  A
   thread holding a lock of rank r may acquire (or wait for) only locks of
   a higher rank; two locks of one class nest only where the model says so
   (none does).  LC_NONE: a lock object the order does not rank (see the
   top of this file). */
enum mm_lock_class {
  LC_I_MUTEX,
  LC_I_ALLOC_SEM,
  LC_MMAP_SEM,
  LC_PG_LOCKED,
  LC_PG_WRITEBACK,
  LC_I_MMAP_LOCK,
  LC_PTL,
  LC_PRIVATE_LOCK,
  LC_TREE_LOCK,
  LC__COUNT,
  LC_NONE = -1,
};
struct mm_lock_rank {
  int oclass;        /* enum mm_oclass of its objects */
  const char *name;  /* the kernel's name of the lock */
  const char *where; /* the model's paths that take it */
};
extern const struct mm_lock_rank mm_lock_order[LC__COUNT];

/* Sleeping and spinning locks as single steps: 'what' names the call. */
#define mm_lock(t, l, what) SIM_STEP(t, what, COST_SLEEPLOCK, SIM_LOCK(l))
#define mm_spin_lock(t, l, what) SIM_STEP(t, what, COST_LOCK, SIM_LOCK(l))
#define mm_unlock(t, l, what) SIM_STEP(t, what, COST_LOCK, SIM_UNLOCK(l))
#define mm_down_read(t, l, what)                                               \
  SIM_STEP(t, what, COST_SLEEPLOCK, SIM_LOCK_SH(l))
#define mm_up_read(t, l, what) SIM_STEP(t, what, COST_LOCK, SIM_UNLOCK_SH(l))

/* lock_page() / __lock_page() (2.6.20 and 2.6.23 include/linux/pagemap.h,
   mm/filemap.c): sleeps until PG_locked is clear, then sets it.  The lock
   object only: the action reads nothing of the page, every caller reads
   page->mapping or the flags it needs in a step of its own. */
#define lock_page(t, m, p)                                                     \
  SIM_STEP(t, "lock_page", COST_SLEEPLOCK, SIM_LOCK(page_lock_oid(m, p)))
/* unlock_page(): clears PG_locked and wakes waiters. */
#define unlock_page(t, m, p)                                                   \
  SIM_STEP(t, "unlock_page", COST_ATOMIC, SIM_UNLOCK(page_lock_oid(m, p)))
/* TestSetPageLocked() (2.6.20 and 2.6.23 include/linux/page-flags.h) as a
   trylock, the lock object only: 1 if the page was already locked. */
static inline int TestSetPageLocked(sim_thread *t, mm_model *m, int p) {
  SIM_STEP(t, "TestSetPageLocked", COST_ATOMIC,
           SIM_TRYLOCK(page_lock_oid(m, p)));
  return !sim_trylock_ok(t); /* 1: was already locked */
}
static inline int PageLocked(sim_thread *t, mm_model *m, int p) {
  return sim_lock_holder(sim_thread_exec(t), page_lock_oid(m, p)) >= 0;
}

#endif /* MMSIM_LOCKS_H */
