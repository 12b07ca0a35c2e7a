/*
** litmus_prog.h - internal to the litmus model (litmus.c, litmus_dpor.c,
** litmus_locks.c): the cost of a step, the object ids the programs share,
** the tables of step names, and each program's thread body and check at
** the end, which litmus.c's table of programs lists.
*/
#ifndef MMSIM_LITMUS_PROG_H
#define MMSIM_LITMUS_PROG_H

#include "models/litmus.h"

#define LITMUS_STEP_NS 10 /* cost of every step (timed policy, log) */

/* counter: l = 0, x = 1 (racy-counter: x = 0).  abba and the lock-order
   programs: A = 0, B = 1, C = 2 (recursive: page#0, page#1). */
enum { COUNTER_L, COUNTER_X };
enum { ABBA_A, ABBA_B, ABBA_C };
extern const char *const litmus_abc_name[3]; /* "A", "B", "C" */

/* Step names must be static (sim_stepdesc.what): tables of literals,
   their sizes checked at compile time. */
/* clang-format off */
#define LM_SEQ10(f, d)                                                         \
  f(d##0) f(d##1) f(d##2) f(d##3) f(d##4) f(d##5) f(d##6) f(d##7) f(d##8)      \
  f(d##9)
#define LM_0_25(f)                                                             \
  LM_SEQ10(f, ) LM_SEQ10(f, 1) f(20) f(21) f(22) f(23) f(24) f(25)
#define LM_0_31(f) LM_0_25(f) f(26) f(27) f(28) f(29) f(30) f(31)
#define LM_0_127(f)                                                            \
  LM_SEQ10(f, ) LM_SEQ10(f, 1) LM_SEQ10(f, 2) LM_SEQ10(f, 3) LM_SEQ10(f, 4)    \
  LM_SEQ10(f, 5) LM_SEQ10(f, 6) LM_SEQ10(f, 7) LM_SEQ10(f, 8) LM_SEQ10(f, 9)   \
  LM_SEQ10(f, 10) LM_SEQ10(f, 11)                                              \
  f(120) f(121) f(122) f(123) f(124) f(125) f(126) f(127)
/* clang-format on */

/* The body of thread 'tid' of a program, and its check at the end. */
typedef void litmus_thread_fn(litmus_model *m, sim_thread *t, int tid);
typedef void litmus_check_fn(litmus_model *m, sim_exec *x);

/* litmus_dpor.c */
litmus_thread_fn litmus_indexer_thread, litmus_lastzero_thread,
    litmus_filesystem_thread, litmus_counter_thread;
litmus_check_fn litmus_indexer_check, litmus_lastzero_check,
    litmus_filesystem_check, litmus_counter_check;
/* litmus_locks.c */
litmus_thread_fn litmus_abba_thread, litmus_abc_thread, litmus_released_thread,
    litmus_rwsem_thread, litmus_abba_wait_thread, litmus_recursive_thread;

#endif /* MMSIM_LITMUS_PROG_H */
