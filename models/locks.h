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
