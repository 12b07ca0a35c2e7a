/*
** litmus.h - classic dynamic partial-order reduction benchmarks as a small
** generic shared-memory model: plain integer variables and locks, no
** memory-management knowledge.  The programs and their papers are listed
** at the top of models/litmus.c.
**
**   program        N       threads  objects
**   indexer        1..32   N        128: table[0..127]
**   lastzero       1..31   N+1      N+1: a[0..N]
**   filesystem     1..26   N        2N+52: locki[0..N-1], inode[0..N-1],
**                                   lockb[0..25], busy[0..25]
**   counter        1..32   N        2: l, x
**   racy-counter   1..32   N        1: x
**   abba           2       2        2: A, B
**   abc            3       3        3: A, B, C
**   abba-released  2       2        2: A, B
**   rwsem          2..3    N        2: A (a rwsem), B
**   abba-wait      2       2        2: A, B
**   recursive      1       1        2: page#0, page#1
**   sb             2       2        2: x, y (store buffering)
**   mp             2       2        2: x, y (message passing)
**
** Lock classes (lock_class, for the lock-order checker, sim/lockdep.h):
** each named lock of the abba family is its own class (A, B, C); the
** recursive program's two page locks are one class ("page lock");
** counter's l is "l"; the filesystem's locki[] are one class, lockb[]
** another.  Other objects are not locks.
**
** Threads are named "t0", "t1", ... and thread i runs on CPU i, so the
** engine needs sim_init(ncpus >= litmus_nthreads()).
**
** The model is one fixed-size struct (no allocation): litmus_init() fills
** the immutable part, litmus_ops.reset the shared variables.  Only one
** thread runs at a time (sim.h), so "guarded by" below names the step
** footprint that makes each access visible to the scheduler.
*/
#ifndef MMSIM_LITMUS_H
#define MMSIM_LITMUS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

#define LITMUS_TABLE_SIZE 128          /* indexer: SIZE */
#define LITMUS_INDEXER_MAX 4           /* indexer: MAX, messages per thread */
#define LITMUS_NUMBLOCKS 26            /* filesystem: NUMBLOCKS */
#define LITMUS_NUMINODE 32             /* filesystem: NUMINODE */
#define LITMUS_MAX_A (SIM_MAX_THREADS) /* lastzero: a[0..N], N < 32 */

enum litmus_prog {
  LITMUS_INDEXER,
  LITMUS_LASTZERO,
  LITMUS_FILESYSTEM,
  LITMUS_COUNTER,
  LITMUS_RACY_COUNTER,
  LITMUS_ABBA,
  LITMUS_ABC,
  LITMUS_ABBA_RELEASED,
  LITMUS_RWSEM,
  LITMUS_ABBA_WAIT,
  LITMUS_RECURSIVE,
  LITMUS_SB,
  LITMUS_MP,
  LITMUS__COUNT
};

typedef struct litmus_model {
  /* immutable after litmus_init() */
  enum litmus_prog prog;
  int n;          /* the program's parameter N */
  int nthreads;   /* see the table above */
  int ninode;     /* filesystem: inodes in use, min(N, NUMINODE) */
  uint32_t nobjs; /* object ids are < nobjs */
  sim_thread_cfg threads[SIM_MAX_THREADS]; /* static names "t0", ... */

  /* shared variables, zeroed by reset */
  int table[LITMUS_TABLE_SIZE];   /* indexer: SIM_WR(table[h]) (the CAS) */
  int a[LITMUS_MAX_A];            /* lastzero: SIM_RD/SIM_WR(a[i]) */
  int inode[LITMUS_NUMINODE];     /* filesystem: locki[i] */
  uint8_t busy[LITMUS_NUMBLOCKS]; /* filesystem: lockb[b] */
  int x;                          /* counter: l; racy-counter: nothing */
  int xy[2];                      /* sb, mp: x, y */

  /* registers, written by their thread: sb t0.r0, t1.r0; mp t1.r0, t1.r1 */
  int reg[2][2];

  /* outcome, written by a thread at its end (thread-local in the paper) */
  int lastzero_i; /* lastzero: index where thread 0 stopped, -1 before */
} litmus_model;

/* Builds program 'name' with parameter 'n'.  Returns 0, or -1 with
   "unknown litmus program 'X', expected one of ..." or
   "N must be A..B for X" in err. */
int litmus_init(litmus_model *m, const char *name, int n, char *err,
                size_t errlen);

/* reset, thread_main, at_end (invariant checks), obj_name, state_hash,
   obj_hash and state_key (state matching), lock_class, and the kinds
   below; after_step is NULL. */
extern const sim_model_ops litmus_ops;

/* Violation kinds of the litmus programs (abba's deadlock is the
   engine's); row i of litmus_kinds has id SIM_KIND_MODEL + i. */
enum litmus_kind {
  LITMUS_KIND_LOST_UPDATE = SIM_KIND_MODEL, /* counter, racy-counter */
  LITMUS_KIND_LOST_MESSAGE,                 /* indexer */
  LITMUS_KIND_INVARIANT,                    /* lastzero, filesystem */
  LITMUS_KIND__END
};
#define LITMUS_NKINDS (LITMUS_KIND__END - SIM_KIND_MODEL)
extern const sim_kind litmus_kinds[LITMUS_NKINDS];

int litmus_nthreads(const litmus_model *m);
const sim_thread_cfg *litmus_threads(const litmus_model *m);
uint32_t litmus_nobjs(const litmus_model *m);
/* The final state (at quiescence) as herd7 prints it: the outcome
   registers and variables, "t0.r0=0; t1.r0=1;" ("" for the programs
   that have none, the lock-order ones). */
void litmus_final_state(const litmus_model *m, char *buf, size_t n);

/* Outcome conditions (cond.h) of a litmus scenario name the program's
   registers, herd7's 0:r0 as t0.r0: how many thread tid has (sb: r0 in
   t0 and t1; mp: r0, r1 in t1; 0 elsewhere), and the value of a CT_REG
   term in the final state. */
int litmus_reg_count(const litmus_model *m, int tid);
struct cond_node;
int64_t litmus_cond_value(const void *model, const struct cond_node *n);

/* "indexer, lastzero, filesystem, counter, racy-counter, abba, abc,
   abba-released, rwsem, abba-wait, recursive" */
const char *litmus_names(void);

#endif /* MMSIM_LITMUS_H */
