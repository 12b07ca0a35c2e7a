/*
** workers.c - persistent actors for many short executions.
**
** From maestro, sim_exec_run() creates one SimGrid actor per thread and
** runs SimGrid until they end: SimGrid allocates and zeroes each actor's
** stack, and unwinds it with an exception when the actor ends, in every
** execution.  An explorer runs hundreds of thousands of executions of a
** few steps per thread, and that set-up was about a third of its time.
**
** sim_run_driver(fn, arg) runs fn in one "driver" actor (with a large
** stack: explorers keep big locals and callers log to SQLite) and runs
** SimGrid once around it.  Every sim_exec_run() inside fn runs its threads
** on worker actors that live until fn returns: one per (thread slot, CPU
** host) pair, created the first time an execution needs it, so that a
** thread always runs on the host of its virtual CPU and no actor migrates.
**
**   driver:   sim_exec_run --> sim_workers_run: start(w[0]) ... wait(done)
**   w[0]:     wait(start) --> thread 0 to its first sim_step --> start(w[1])
**   w[1]:     wait(start) --> thread 1 to its first sim_step --> ...
**   w[n-1]:   ...first sim_step, every thread parked: the gate decides
**   last w:   thread done, nlive == 0 --> post(done), wait(start)
**   driver:   the result, as sim_exec_run does from maestro
**
** The threads start one at a time in thread-id order, each running to its
** first step (or its end) before the next starts, as the actors created
** from maestro do: the gate sees the same states and asks the chooser the
** same questions, so schedules, logs and trace hashes are those of the
** slow path.  When fn returns, the workers are told to quit and released;
** they return from their actor function and simgrid_run() returns.
**
** Nothing forks inside the driver: with thread contexts (sanitizer builds)
** the child would have only the calling thread.  Callers fork first.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/semaphore.h>
#include <xbt/config.h>

#include "engine_int.h"
#include "sim.h"

#define DRIVER_STACK_KIB 8192 /* as a main thread's */

struct worker {
  int slot, cpu;
  sg_sem_t start; /* posted to run its slot's thread, or to quit */
};

/* One driver at a time per process (the engine has one execution). */
static struct {
  int active;    /* fn is running in the driver actor */
  int quit;      /* fn returned: the workers end */
  sg_sem_t done; /* posted by the thread that ends an execution */
  sim_exec *x;   /* the execution running on the workers */
  /* [slot][cpu + 1]: column 0 is the block device (SIM_CPU_BLOCKDEV) */
  struct worker *by_pair[SIM_MAX_THREADS][SIM_MAX_THREADS + 1];
  struct worker *run[SIM_MAX_THREADS]; /* x's thread i runs on run[i] */
} drv;

int sim_workers_active(void) {
  return drv.active;
}

static void worker_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  struct worker *w = sg_actor_self_get_data();
  for (;;) {
    sg_sem_acquire(w->start);
    if (drv.quit)
      return;
    if (sim_thread_run(&drv.x->th[w->slot])) /* the execution is over */
      sg_sem_release(drv.done);
  }
}

static struct worker *worker_of(int slot, int cpu) {
  struct worker **pw = &drv.by_pair[slot][cpu + 1];
  if (*pw)
    return *pw;
  struct worker *w = malloc(sizeof *w);
  assert(w);
  *w = (struct worker){.slot = slot, .cpu = cpu, .start = sg_sem_init(0)};
  char name[32];
  if (cpu == SIM_CPU_BLOCKDEV)
    snprintf(name, sizeof name, "worker%d@blockdev", slot);
  else
    snprintf(name, sizeof name, "worker%d@cpu%d", slot, cpu);
  sg_actor_t a = sg_actor_init(name, sim_cpu_host(cpu));
  sg_actor_set_data(a, w);
  sg_actor_start_(a, worker_main, 0, NULL);
  return *pw = w;
}

void sim_workers_run(sim_exec *x) {
  assert(drv.active && x->nstarted == 0 && x->nlive == x->cfg->nthreads);
  drv.x = x;
  for (int i = 0; i < x->cfg->nthreads; i++)
    drv.run[i] = worker_of(i, x->th[i].cpu);
  sim_workers_start_next(x);
  sg_sem_acquire(drv.done);
  assert(x->nlive == 0 && x->nstarted == x->cfg->nthreads);
}

void sim_workers_start_next(sim_exec *x) {
  assert(drv.active && drv.x == x && x->nstarted < x->cfg->nthreads);
  sg_sem_release(drv.run[x->nstarted++]->start);
}

/* ------------------------------------------------------------- driver */

struct call {
  void (*fn)(void *);
  void *arg;
};

static void driver_main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  struct call *c = sg_actor_self_get_data();
  drv.active = 1;
  c->fn(c->arg);
  drv.active = 0;
  drv.quit = 1;
  for (int s = 0; s < SIM_MAX_THREADS; s++)
    for (int c = 0; c <= SIM_MAX_THREADS; c++)
      if (drv.by_pair[s][c])
        sg_sem_release(drv.by_pair[s][c]->start);
}

int sim_run_driver(void (*fn)(void *), void *arg) {
  if (drv.active) { /* already inside: the workers are there */
    fn(arg);
    return 0;
  }
  /* from maestro: sim_exec_run() has no other caller outside actors */
  struct call c = {fn, arg};
  drv.quit = 0;
  drv.x = NULL;
  drv.done = sg_sem_init(0);
  sg_cfg_set_int("contexts/stack-size", DRIVER_STACK_KIB);
  sg_actor_t a = sg_actor_init("driver", sim_cpu_host(0));
  sg_actor_set_data(a, &c);
  sg_actor_start_(a, driver_main, 0, NULL);
  sg_cfg_set_int("contexts/stack-size", SIM_ACTOR_STACK_KIB);
  simgrid_run();
  assert(!drv.active);
  for (int s = 0; s < SIM_MAX_THREADS; s++)
    for (int c = 0; c <= SIM_MAX_THREADS; c++) {
      struct worker *w = drv.by_pair[s][c];
      if (!w)
        continue;
      sg_sem_destroy(w->start);
      free(w);
      drv.by_pair[s][c] = NULL;
    }
  sg_sem_destroy(drv.done);
  drv.done = NULL;
  return 0;
}
