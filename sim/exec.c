/*
** exec.c - one execution's bookkeeping around the step gate (engine.c):
** sim_exec_run() sizes and clears the per-object tables, sets up the
** threads, starts them (an actor each, or on the workers of a driver:
** workers.c), and, once every thread has ended, settles lock order and
** fills the result (steps, end time, state and trace hashes, schedule);
** and the accessors the models and the explorers read the execution
** through (threads, pending steps, lock holders, call stack, the
** before/after values of the open event).
*/
#include "engine_int.h"
#include "hash.h"
#include "lockdep.h"
#include "sim.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/semaphore.h>

static sim_exec the_exec; /* one execution at a time per process */

void sim_exec_slots_init(void) {
  for (int i = 0; i < SIM_MAX_THREADS; i++)
    the_exec.th[i].sem = sg_sem_init(0);
}

/* ------------------------------------------------------------ accessors */

sim_exec *sim_thread_exec(const sim_thread *t) {
  return t->x;
}
int sim_thread_id(const sim_thread *t) {
  return t->tid;
}
int sim_thread_cpu(const sim_thread *t) {
  return t->cpu;
}
void *sim_model(const sim_exec *x) {
  return x->cfg->model;
}
int sim_nthreads(const sim_exec *x) {
  return x->cfg->nthreads;
}
const sim_stepdesc *sim_last_step(const sim_exec *x, int *tid) {
  if (!x->seq)
    return NULL;
  *tid = x->ev.tid;
  return &x->ev_step;
}
int sim_logging(const sim_thread *t) {
  return t->x->cfg->observer != NULL;
}

const sim_stepdesc *sim_pending(const sim_exec *x, int tid) {
  const sim_thread *t = &x->th[tid];
  return (t->state == T_PARKED && t->has_pending) ? &t->pending : NULL;
}
uint64_t sim_thread_ready_ns(const sim_exec *x, int tid) {
  return x->th[tid].ready_ns;
}
int sim_holds(const sim_thread *t, sim_oid lock) {
  assert(lock < t->x->cfg->nobjs);
  return t->x->owner[lock] == t->tid;
}
int sim_lock_holder(const sim_exec *x, sim_oid lock) {
  return x->owner[lock];
}
int sim_trylock_ok(const sim_thread *t) {
  return t->trylock_ok;
}

void sim_enter(sim_thread *t, const char *fn) {
  assert(t->depth < SIM_MAX_DEPTH);
  t->stack[t->depth++] = fn;
}
void sim_leave(sim_thread *t) {
  assert(t->depth > 0);
  t->depth--;
}
void sim_delay(sim_thread *t, uint64_t ns) {
  t->ready_ns += ns;
}

/* Formats a before/after value, only when an observer listens. */
static void set_value(const sim_thread *t, char *buf, size_t n, const char *fmt,
                      va_list ap) {
  if (t->x->cfg->observer)
    vsnprintf(buf, n, fmt, ap);
}
void sim_before(sim_thread *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_value(t, t->x->before, sizeof t->x->before, fmt, ap);
  va_end(ap);
}
void sim_after(sim_thread *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  set_value(t, t->x->after, sizeof t->x->after, fmt, ap);
  va_end(ap);
}

/* ---------------------------------------------------------------- actors */

static void trampoline(int argc, char **argv) {
  (void)argc;
  (void)argv;
  sim_thread_run(sg_actor_self_get_data());
}

/* ------------------------------------------------------------- execution */

int sim_exec_run(const sim_exec_cfg *cfg, sim_result *r) {
  sim_exec *x = &the_exec;
  assert(sim_platform_ncpus() > 0);
  assert(cfg->nthreads > 0 && cfg->nthreads <= SIM_MAX_THREADS);
  for (int i = 0; i < cfg->ops->nkinds; i++) /* row i is id MODEL + i */
    assert(cfg->ops->kinds[i].id == SIM_KIND_MODEL + i);
  memset(r, 0, sizeof *r);

  if (cfg->nobjs > x->nobjs_alloc) {
    uint32_t n = cfg->nobjs;
    x->owner = realloc(x->owner, n);
    x->readers = realloc(x->readers, n * sizeof *x->readers);
    x->held = realloc(x->held, (n + 63) / 64 * sizeof *x->held);
    x->rel_seq = realloc(x->rel_seq, n * sizeof *x->rel_seq);
    x->rel_tid = realloc(x->rel_tid, n);
    x->wr_seq = realloc(x->wr_seq, n * sizeof *x->wr_seq);
    x->wr_tid = realloc(x->wr_tid, n);
    x->rf_mask = realloc(x->rf_mask, n * sizeof *x->rf_mask);
    x->rd_mask = realloc(x->rd_mask, n * sizeof *x->rd_mask);
    x->rd_seq =
        realloc(x->rd_seq, (size_t)n * SIM_MAX_THREADS * sizeof *x->rd_seq);
    if (!x->owner || !x->readers || !x->held || !x->rel_seq || !x->rel_tid ||
        !x->wr_seq || !x->wr_tid || !x->rf_mask || !x->rd_mask || !x->rd_seq)
      return -1;
    x->nobjs_alloc = n;
  }
  memset(x->owner, -1, cfg->nobjs);
  memset(x->readers, 0, cfg->nobjs * sizeof *x->readers);
  memset(x->held, 0, (cfg->nobjs + 63) / 64 * sizeof *x->held);
  memset(x->rel_seq, 0, cfg->nobjs * sizeof *x->rel_seq);
  memset(x->wr_seq, 0, cfg->nobjs * sizeof *x->wr_seq);
  memset(x->rf_mask, 0, cfg->nobjs * sizeof *x->rf_mask);
  memset(x->rd_mask, 0, cfg->nobjs * sizeof *x->rd_mask);

  x->cfg = cfg;
  x->r = r;
  x->nlive = cfg->nthreads;
  x->nparked = 0;
  x->running = -1;
  x->aborting = 0;
  x->in_action = 0;
  x->clock_ns = 0;
  x->sg_offset = simgrid_get_clock();
  x->seq = 0;
  x->hash = SIM_HASH_INIT;
  x->nsched = 0;
  x->open = 0;
  x->ld = cfg->lockdep && cfg->ops->lock_class ? cfg->lockdep : NULL;
  if (x->ld)
    sim_lockdep_begin(x->ld, cfg);

  cfg->ops->reset(cfg->model);
  for (int i = 0; i < cfg->nthreads; i++) {
    sim_thread *t = &x->th[i];
    t->x = x;
    t->tid = i;
    t->cpu = cfg->threads[i].cpu;
    assert(t->cpu == SIM_CPU_BLOCKDEV ||
           (t->cpu >= 0 && t->cpu < sim_platform_ncpus()));
    t->state = T_STARTING;
    t->has_pending = 0;
    t->ready_ns = 0;
    t->depth = 0;
    t->bad_unlock = -1;
    t->obs = sim_hash_of((uint64_t)i);
    t->nloops = 0;
  }
  if (sim_workers_active()) {
    x->nstarted = 0; /* the workers start them one by one */
    sim_workers_run(x);
  } else {
    x->nstarted = cfg->nthreads;
    for (int i = 0; i < cfg->nthreads; i++) {
      sim_thread *t = &x->th[i];
      sg_actor_t a = sg_actor_init(cfg->threads[i].name, sim_cpu_host(t->cpu));
      sg_actor_set_data(a, t);
      sg_actor_start_(a, trampoline, 0, NULL);
    }
    simgrid_run();
  }
  assert(x->nlive == 0);
  if (x->ld)
    sim_lockdep_end(x->ld, x); /* before the result is hashed */

  r->steps = x->seq;
  r->end_ns = x->clock_ns;
  if (cfg->ops->state_hash)
    r->state_hash = cfg->ops->state_hash(cfg->model);
  sim_hash_u64(&x->hash, r->state_hash);
  sim_hash_u64(&x->hash, (uint64_t)r->outcome);
  sim_hash_str(&x->hash, r->kind);
  r->trace_hash = x->hash;
  r->sched = malloc(x->nsched ? x->nsched : 1);
  if (!r->sched)
    return -1;
  if (x->nsched) /* x->sched is NULL before the first grant */
    memcpy(r->sched, x->sched, x->nsched);
  r->nsched = x->nsched;
  return 0;
}

void sim_result_free(sim_result *r) {
  free(r->sched);
  r->sched = NULL;
  r->nsched = 0;
}
