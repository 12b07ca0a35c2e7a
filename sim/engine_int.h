/*
** engine_int.h - the engine's own structures (internal to sim/): the
** threads and the execution in progress, shared by engine.c (the step
** gate), exec.c (an execution's set-up and result), platform.c,
** workers.c, digest.c (state matching) and symreplay.c.  Nothing outside sim/
*includes it.
*/
#ifndef MMSIM_ENGINE_INT_H
#define MMSIM_ENGINE_INT_H

#include <setjmp.h>
#include <stdint.h>

#include <simgrid/host.h>
#include <simgrid/semaphore.h>

#include "sim.h"

#define SIM_MAX_LOOPS 4 /* nested retry loops tracked per thread */

/* The stack of a thread's actor, in KiB (see sim_init): ASan's frames are
   larger. */
#ifdef MMSIM_SANITIZE
#define SIM_ACTOR_STACK_KIB 256
#else
#define SIM_ACTOR_STACK_KIB 64
#endif

enum tstate { T_STARTING, T_RUNNING, T_PARKED, T_DONE };

struct sim_thread {
  sim_exec *x;
  int tid, cpu;
  enum tstate state;
  sg_sem_t sem; /* created once per slot, reused across executions */
  jmp_buf jb;   /* trampoline, for unwinding on abort */
  int has_pending;
  sim_stepdesc pending; /* declared step, valid while parked */
  int may_block;        /* pending has a lock, shared lock or wait access, or
                           a refresh hook: enabledness must be evaluated */
  uint64_t ready_ns;
  int trylock_ok; /* of the last granted step */
  int bad_unlock; /* access index of a release of a lock not held in the
                     last granted step, -1 if none */
  const char *stack[SIM_MAX_DEPTH];
  int depth;
  /* state matching (cfg->digests, digest.c): what the thread observed,
     and the retry loops it is in, innermost last, each with the digest
     it had when it entered the loop */
  uint64_t obs;
  struct {
    const char *loop;
    uint64_t entry;
  } loops[SIM_MAX_LOOPS];
  int nloops;
};

struct sim_exec {
  const sim_exec_cfg *cfg;
  sim_result *r;
  sim_thread th[SIM_MAX_THREADS];
  int nstarted; /* threads whose actor has begun their body: all of them
                   from the start, or one by one on workers (workers.c) */
  int nlive;    /* threads not done */
  int nparked;  /* threads parked in sim_step */
  int running;  /* tid of the thread outside the gate, -1 if none */
  int aborting;
  int in_action;   /* the running thread is inside an action (may longjmp) */
  sim_lockdep *ld; /* cfg->lockdep if the model has lock classes, else NULL:
                      the gate's only lockdep branch tests it */
  uint64_t clock_ns;
  double sg_offset;
  uint64_t seq;
  uint64_t hash;
  /* per-object lock and happens-before bookkeeping, sized cfg->nobjs */
  int8_t *owner;     /* exclusive holder tid, -1 free */
  uint16_t *readers; /* shared holders */
  uint64_t *held;    /* bit o: object o has a holder (owner or readers), so
                        that the state key visits only the held locks */
  uint64_t *rel_seq; /* seq+1 of the last release, 0 none */
  int8_t *rel_tid;
  uint64_t *wr_seq; /* seq+1 of the last write, 0 none */
  int8_t *wr_tid;
  uint32_t *rf_mask; /* threads that already got a reads-from arrow from wr */
  uint32_t *rd_mask; /* threads that read the object since its last write */
  uint64_t *rd_seq;  /* [obj * SIM_MAX_THREADS + tid]: seq of tid's latest
                        such read, valid where rd_mask has tid's bit */
  uint32_t nobjs_alloc;
  /* schedule */
  uint8_t *sched;
  size_t nsched, capsched;
  /* the open event: the last granted step, closed at the next gate */
  int open;
  sim_event ev;
  sim_stepdesc ev_step;
  char before[256], after[256];
};

/* engine.c: whether access i of step s cannot be granted now (a lock
   taken, a wait whose condition is false). */
int sim_access_blocked(const sim_exec *x, const sim_stepdesc *s, int i);
/* platform.c: the host of virtual CPU 'cpu'. */
sg_host_t sim_cpu_host(int cpu);
/* platform.c: the CPUs of the platform, -1 before sim_init(). */
int sim_platform_ncpus(void);
/* exec.c: creates the semaphore of every thread slot (once, by
   sim_init()). */
void sim_exec_slots_init(void);
/* engine.c: runs thread t of the execution being set up (T_STARTING)
   in the calling actor: its body, its end, and the hand-over to the
   next thread.  Returns 1 if it was the last thread of x to end (the
   execution is over), 0 else. */
int sim_thread_run(sim_thread *t);

/* workers.c: whether the caller runs inside sim_run_driver(), where
   executions run on persistent worker actors. */
int sim_workers_active(void);
/* workers.c: runs execution x (set up, every thread T_STARTING, nstarted
   0) on the workers and returns once every thread is done. */
void sim_workers_run(sim_exec *x);
/* workers.c: starts thread x->nstarted of a worker-run execution (the
   previous one parked or finished) and counts it. */
void sim_workers_start_next(sim_exec *x);

/* digest.c: mixes what step s granted to t observes into t->obs (before
   its action runs). */
void sim_digest_grant(sim_exec *x, sim_thread *t, const sim_stepdesc *s);

#endif /* MMSIM_ENGINE_INT_H */
