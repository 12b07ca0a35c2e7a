/*
** cost.h - the per-step cost table of the timed policy (simulated ns).
**
** Orders of magnitude for a 2007-era x86 at ~2 GHz, not measurements: a
** cache-hot atomic or pte update is tens of ns, a page-cache lookup under
** tree_lock ~50 ns, a fault entry ~200 ns, a 4 KiB copy ~0.5 us, a disk read
** ~100 us.  Only their order matters to the timed policy: which CPU reaches
** its next step first.  The same table is printed in README.md.
*/
#ifndef MMSIM_COST_H
#define MMSIM_COST_H

enum {
  COST_ATOMIC = 10,      /* get_page, flag bitops, counters */
  COST_PTE = 10,         /* read/write one pte, MMU access */
  COST_LOCK = 20,        /* spin_lock/unlock, uncontended */
  COST_SLEEPLOCK = 40,   /* mutex, rwsem, lock_page, uncontended */
  COST_TREE = 50,        /* radix-tree lookup/insert/delete */
  COST_TRAP = 200,       /* exception entry/exit of a page fault */
  COST_SYSCALL = 150,    /* system call entry */
  COST_COPY = 500,       /* copy or clear 4 KiB */
  COST_IO_READ = 100000, /* read one block from disk */
  COST_IO_WRITE = 150000 /* write one block to disk */
};

#endif /* MMSIM_COST_H */
