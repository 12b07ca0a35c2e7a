/*
** litmus_locks.c - the lock-order checker's litmus programs
** (sim/lockdep.h; litmus.c lists them): abba and abc, rings of two and
** three locks; abba-released, where the second thread drops B before it
** takes A; rwsem, with A a rwsem read by two threads and written by a
** third; abba-wait, where the second thread waits for A to be unlocked
** without taking it (wait_on_page_locked), a deadlock lockdep cannot see;
** and recursive, two locks of one class taken by one thread.  Their
** objects are locks only: nothing is checked at the end but the engine's
** deadlock.
*/
#include "models/litmus_prog.h"

static const char *const abc_lock[] = {"lock(A)", "lock(B)", "lock(C)"};
static const char *const abc_unlock[] = {"unlock(A)", "unlock(B)", "unlock(C)"};

/* abba: thread 0 takes A then B, thread 1 B then A.
     t0            | t1
     lock(A)       |
                   | lock(B)
     lock(B) waits | lock(A) waits: deadlock */
/* Thread 'tid' of a ring of k locks: takes lock tid, then lock tid+1 mod
   k, nested.  abba is the ring of two, abc the ring of three. */
static void ring_lock(sim_thread *t, int tid, int k) {
  sim_oid first = (sim_oid)tid, second = (sim_oid)((tid + 1) % k);
  SIM_STEP(t, abc_lock[first], LITMUS_STEP_NS, SIM_LOCK(first));
  SIM_STEP(t, abc_lock[second], LITMUS_STEP_NS, SIM_LOCK(second));
  SIM_STEP(t, abc_unlock[second], LITMUS_STEP_NS, SIM_UNLOCK(second));
  SIM_STEP(t, abc_unlock[first], LITMUS_STEP_NS, SIM_UNLOCK(first));
}

void litmus_abba_thread(litmus_model *m, sim_thread *t, int tid) {
  (void)m;
  sim_enter(t, "abba_thread");
  ring_lock(t, tid, 2);
  sim_leave(t);
}

/* abc: t0 A then B, t1 B then C, t2 C then A: no two threads invert a
   pair, the three together close a cycle.
     t0        | t1        | t2
     lock(A)   | lock(B)   | lock(C)
     lock(B) waits for t1, lock(C) waits for t2, lock(A) for t0 */
void litmus_abc_thread(litmus_model *m, sim_thread *t, int tid) {
  (void)m;
  sim_enter(t, "abc_thread");
  ring_lock(t, tid, 3);
  sim_leave(t);
}

/* abba-released: t0 as in abba; t1 releases B before it takes A, so it
   never holds B while waiting for A: no B -> A dependency, no cycle. */
void litmus_released_thread(litmus_model *m, sim_thread *t, int tid) {
  (void)m;
  sim_enter(t, "released_thread");
  if (tid == 0) {
    ring_lock(t, 0, 2);
  } else {
    SIM_STEP(t, "lock(B)", LITMUS_STEP_NS, SIM_LOCK(ABBA_B));
    SIM_STEP(t, "unlock(B)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_B));
    SIM_STEP(t, "lock(A)", LITMUS_STEP_NS, SIM_LOCK(ABBA_A));
    SIM_STEP(t, "unlock(A)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_A));
  }
  sim_leave(t);
}

/* rwsem: A is a rwsem.  t0 reads A, then takes B; t1 takes B, then reads
   A: two readers of A do not block each other, no deadlock.  t2 (N = 3)
   takes B, then writes A: it waits for t0's read while t0 waits for B.
     t0            | t2
     down_read(A)  |
                   | lock(B)
     lock(B) waits | down_write(A) waits: deadlock */
void litmus_rwsem_thread(litmus_model *m, sim_thread *t, int tid) {
  (void)m;
  sim_enter(t, "rwsem_thread");
  if (tid == 0) {
    SIM_STEP(t, "down_read(A)", LITMUS_STEP_NS, SIM_LOCK_SH(ABBA_A));
    SIM_STEP(t, "lock(B)", LITMUS_STEP_NS, SIM_LOCK(ABBA_B));
    SIM_STEP(t, "unlock(B)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_B));
    SIM_STEP(t, "up_read(A)", LITMUS_STEP_NS, SIM_UNLOCK_SH(ABBA_A));
  } else {
    SIM_STEP(t, "lock(B)", LITMUS_STEP_NS, SIM_LOCK(ABBA_B));
    if (tid == 1) {
      SIM_STEP(t, "down_read(A)", LITMUS_STEP_NS, SIM_LOCK_SH(ABBA_A));
      SIM_STEP(t, "up_read(A)", LITMUS_STEP_NS, SIM_UNLOCK_SH(ABBA_A));
    } else {
      SIM_STEP(t, "down_write(A)", LITMUS_STEP_NS, SIM_LOCK(ABBA_A));
      SIM_STEP(t, "up_write(A)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_A));
    }
    SIM_STEP(t, "unlock(B)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_B));
  }
  sim_leave(t);
}

/* abba-wait's wait condition: A is free (PG_locked clear). */
static int a_unlocked(const sim_exec *x, void *arg) {
  (void)arg;
  return sim_lock_holder(x, ABBA_A) < 0;
}

/* abba-wait: t0 as in abba; t1 holds B and waits until A is unlocked
   (wait_on_page_locked with A as the page lock) without taking it.
     t0            | t1
     lock(A)       |
                   | lock(B)
     lock(B) waits | wait_on(A) waits: deadlock, that lockdep cannot see */
void litmus_abba_wait_thread(litmus_model *m, sim_thread *t, int tid) {
  (void)m;
  sim_enter(t, "abba_wait_thread");
  if (tid == 0) {
    ring_lock(t, 0, 2);
  } else {
    SIM_STEP(t, "lock(B)", LITMUS_STEP_NS, SIM_LOCK(ABBA_B));
    sim_step(t, &(const sim_stepdesc){.what = "wait_on(A)",
                                      .cost_ns = LITMUS_STEP_NS,
                                      .n = 1,
                                      .acc = {{ABBA_A, SIM_OP_WAIT}},
                                      .ready = a_unlocked});
    SIM_STEP(t, "unlock(B)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_B));
  }
  sim_leave(t);
}

/* recursive: one thread locks two pages, two locks of one class: the
   order between them is not declared, so two threads locking them in
   opposite orders deadlock (lock_page of the page being written, then
   of the page a fault brings in). */
void litmus_recursive_thread(litmus_model *m, sim_thread *t, int tid) {
  (void)m;
  (void)tid;
  sim_enter(t, "recursive_thread");
  SIM_STEP(t, "lock_page(page#0)", LITMUS_STEP_NS, SIM_LOCK(0));
  SIM_STEP(t, "lock_page(page#1)", LITMUS_STEP_NS, SIM_LOCK(1));
  SIM_STEP(t, "unlock_page(page#1)", LITMUS_STEP_NS, SIM_UNLOCK(1));
  SIM_STEP(t, "unlock_page(page#0)", LITMUS_STEP_NS, SIM_UNLOCK(0));
  sim_leave(t);
}
