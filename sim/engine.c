/*
** engine.c - the step gate: SimGrid actors parked between atomic steps.
**
** Every thread runs in a SimGrid actor on the host of its virtual CPU,
** blocked on its own semaphore while parked.  Called from maestro,
** sim_exec_run() creates one actor per thread and runs SimGrid until they
** have all ended; called from inside sim_run_driver() (an explorer's many
** executions), it lends the threads to persistent worker actors instead
** (workers.c), which start them one at a time in thread-id order, as the
** actors created here start.  The gate keeps one invariant: at most one
** actor is outside sim_step() at any time.  When the running thread declares
** its next step (or finishes) and every live thread is parked, that thread
** makes the scheduling decision itself: it asks the chooser, applies the
** granted step's lock effects, advances SimGrid's clock to the step's start,
** and hands over by releasing the chosen actor's semaphore.  If it chose
** itself it simply returns, without a context switch.
**
**    thread A: action ... sim_step() --(all parked)--> choose B --> post(B)
**                                                                  wait(A)
**    thread B:            [parked in wait(B)] ........ wakes, runs its action
**
** Simulated time: each thread has a ready time (end of its last step); a
** granted step starts at max(clock, ready) and lasts its cost.  The clock is
** the engine's integer nanoseconds, so logs never depend on floating-point
** rounding.  SimGrid's clock follows it lazily: nothing in SimGrid reads it
** during an execution (the actors only block on semaphores), and one
** sg_actor_sleep_until() per step cost more than half of a gated step, so
** sync_sg_clock() brings it to the engine's clock once, when the last
** thread finishes.  SimGrid keeps its clock across simgrid_run() calls, so
** each execution's is offset by its value at the start (sg_offset).  A
** future SimGrid activity (disk I/O) must call sync_sg_clock() first.
**
** Bad unlock: grant() leaves a lock the thread does not hold as it was and
** marks the step; the thread, resumed in its action, reports the violation
** bad-unlock (as GenMC reports an invalid unlock), so that the log shows
** the step.
**
** Lock order: with a class graph (sim_exec_cfg.lockdep) and a model that
** classes its locks, grant() hands each granted step to lockdep.c; a
** lock-order violation found does not stop the execution, lockdep.c
** settles it when the execution is over.  Without a graph, one branch.
**
** Files: platform.c creates the SimGrid platform (sim_init), exec.c sets
** up one execution and fills its result (sim_exec_run) and holds the
** accessors, workers.c runs executions on persistent actors, digest.c
** matches states; this file is the gate itself.
**
** Abort: a violation sets x->aborting; the thread that saw it longjmps to its
** trampoline, and each parked thread is woken and does the same.  Model state
** is reset from the scenario before the next execution, so nothing needs
** unwinding beyond the C stack.
*/
#include "engine_int.h"
#include "hash.h"
#include "lockdep.h"
#include "sim.h"

#include <assert.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/actor.h>
#include <simgrid/engine.h>
#include <simgrid/semaphore.h>

static void abort_exec(sim_exec *x);
static void emit_event(sim_exec *x);

/* ------------------------------------------------------------ violations */

void sim_loop(sim_thread *t, int iter, const char *loop) {
  sim_exec *x = t->x;
  int bound = x->cfg->loop_bound;
  if (!bound || iter <= bound)
    return;
  x->r->outcome = SIM_BOUNDED;
  snprintf(x->r->msg, sizeof x->r->msg, "%s: %s iterated more than %d times",
           x->cfg->threads[t->tid].name, loop, bound);
  emit_event(x);
  x->in_action = 0;
  abort_exec(x);
  longjmp(t->jb, 1);
}

void sim_violation(sim_exec *x, int kind, const sim_oid *objs, int n,
                   const char *fmt, ...) {
  sim_result *r = x->r;
  const sim_kind *k = sim_kind_get(x->cfg->ops, kind);
  assert(k && k->id == kind);    /* raised kinds are in a table */
  if (r->outcome == SIM_CLEAN) { /* keep the first one */
    r->outcome = SIM_VIOLATION;
    snprintf(r->kind, sizeof r->kind, "%s", k->name);
    r->kind_id = kind;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    r->viol_seq = x->seq ? x->seq - 1 : 0;
    r->nviol_objs = 0;
    for (int i = 0; i < n && i < 8; i++)
      r->viol_objs[r->nviol_objs++] = objs[i];
  }
  if (x->running >= 0 && x->in_action) {
    sim_thread *t = &x->th[x->running];
    emit_event(x); /* the violating step is part of the log */
    x->in_action = 0;
    abort_exec(x);
    longjmp(t->jb, 1);
  }
  abort_exec(x);
}

/* ----------------------------------------------------------- enabledness */

int sim_access_blocked(const sim_exec *x, const sim_stepdesc *s, int i) {
  sim_oid o = s->acc[i].obj;
  switch ((enum sim_op)s->acc[i].op) {
  case SIM_OP_LOCK:
    return x->owner[o] >= 0 || x->readers[o];
  case SIM_OP_LOCK_SHARED:
    return x->owner[o] >= 0;
  case SIM_OP_WAIT:
    return !s->ready || !s->ready(x, s->ready_arg);
  case SIM_OP_READ:
  case SIM_OP_WRITE:
  case SIM_OP_ADD:
  case SIM_OP_TRYLOCK:
  case SIM_OP_UNLOCK:
  case SIM_OP_UNLOCK_SHARED:
  case SIM_OP_UNLOCK_ANY:
  case SIM_OP__COUNT:
    break;
  }
  return 0;
}

static int step_enabled(const sim_exec *x, const sim_stepdesc *s) {
  for (int i = 0; i < s->n; i++)
    if (sim_access_blocked(x, s, i))
      return 0;
  return 1;
}

/* Whether a step's enabledness depends on state at all: computed once when
   the step is declared, so that a decision does not rescan the footprint of
   every parked thread. */
static int step_may_block(const sim_stepdesc *s) {
  if (s->refresh)
    return 1;
  for (int i = 0; i < s->n; i++)
    if (s->acc[i].op == SIM_OP_LOCK || s->acc[i].op == SIM_OP_LOCK_SHARED ||
        s->acc[i].op == SIM_OP_WAIT)
      return 1;
  return 0;
}

static uint32_t enabled_mask(sim_exec *x) {
  uint32_t m = 0;
  for (int i = 0; i < x->cfg->nthreads; i++) {
    sim_thread *t = &x->th[i];
    if (t->state != T_PARKED)
      continue;
    if (!t->may_block) { /* most steps: no lock to wait for */
      m |= 1u << i;
      continue;
    }
    if (t->pending.refresh)
      t->pending.refresh(x, t->pending.refresh_arg, &t->pending);
    if (step_enabled(x, &t->pending))
      m |= 1u << i;
  }
  return m;
}

/* ----------------------------------------------------------------- events */

static void emit_flow(sim_exec *x, uint64_t from, uint64_t to,
                      enum sim_flow_kind k, sim_oid o) {
  const sim_observer *ob = x->cfg->observer;
  if (ob && ob->flow)
    ob->flow(ob->arg, from, to, k, o);
}

/* From-read arrows into step 'seq' of 'tid', which writes 'o': from the
   latest read of 'o' by each other thread since the previous write, in
   thread order. */
static void emit_from_read(sim_exec *x, uint64_t seq, int tid, sim_oid o) {
  uint32_t m = x->rd_mask[o] & ~(1u << tid);
  for (int u = 0; m; u++, m >>= 1)
    if (m & 1u)
      emit_flow(x, x->rd_seq[(size_t)o * SIM_MAX_THREADS + (size_t)u], seq,
                SIM_FLOW_FROM_READ, o);
}

/* Closes the open event: runs the per-step checks, then hands the event to
   the observer.  Called by the thread that ran the action. */
static void emit_event(sim_exec *x) {
  if (!x->open)
    return;
  x->open = 0;
  const sim_observer *ob = x->cfg->observer;
  if (ob && ob->event) {
    x->ev.before = x->before;
    x->ev.after = x->after;
    ob->event(ob->arg, &x->ev);
  }
}

static void close_event(sim_exec *x) {
  if (!x->open)
    return;
  emit_event(x);
  if (x->cfg->ops->after_step)
    x->cfg->ops->after_step(x->cfg->model, x);
}

static void describe_wait(sim_exec *x, const sim_thread *t, char *buf,
                          size_t n) {
  const sim_stepdesc *s = &t->pending;
  char on[64] = "?";
  const char *holder = NULL;
  for (int i = 0; i < s->n; i++) {
    sim_oid o = s->acc[i].obj;
    int op = s->acc[i].op;
    if (sim_access_blocked(x, s, i)) {
      x->cfg->ops->obj_name(x->cfg->model, o, on, sizeof on);
      if (x->owner[o] >= 0)
        holder = x->cfg->threads[x->owner[o]].name;
      else if (op != SIM_OP_WAIT)
        holder = "readers";
      break;
    }
  }
  if (holder)
    snprintf(buf, n, "%s waits in %s for %s held by %s",
             x->cfg->threads[t->tid].name, s->what, on, holder);
  else
    snprintf(buf, n, "%s waits in %s for %s", x->cfg->threads[t->tid].name,
             s->what, on);
}

static void report_deadlock(sim_exec *x) {
  char msg[512] = "", one[160];
  sim_oid objs[8];
  int n = 0;
  for (int i = 0; i < x->cfg->nthreads; i++) {
    sim_thread *t = &x->th[i];
    if (t->state != T_PARKED)
      continue;
    describe_wait(x, t, one, sizeof one);
    if (msg[0])
      strncat(msg, "; ", sizeof msg - strlen(msg) - 1);
    strncat(msg, one, sizeof msg - strlen(msg) - 1);
    if (n < 8 && t->pending.n)
      objs[n++] = t->pending.acc[0].obj;
  }
  x->running = -1; /* record only; the caller unwinds */
  sim_violation(x, SIM_KIND_DEADLOCK, objs, n, "%s", msg);
}

/* Raised by the thread whose granted step released a lock it did not hold
   (grant() left the lock as it was), from inside that step's action, as
   GenMC reports an invalid unlock. */
static void report_bad_unlock(sim_exec *x, sim_thread *t) {
  const sim_access *a = &x->ev_step.acc[t->bad_unlock];
  char on[64], holder[96];
  x->cfg->ops->obj_name(x->cfg->model, a->obj, on, sizeof on);
  if (x->owner[a->obj] >= 0)
    snprintf(holder, sizeof holder, "held by %s",
             x->cfg->threads[x->owner[a->obj]].name);
  else if (x->readers[a->obj])
    snprintf(holder, sizeof holder, "held shared by %d reader(s)",
             x->readers[a->obj]);
  else
    snprintf(holder, sizeof holder, "not held");
  sim_violation(x, SIM_KIND_BAD_UNLOCK, &a->obj, 1,
                "%s releases %s%s in %s, but %s is %s",
                x->cfg->threads[t->tid].name, on,
                a->op == SIM_OP_UNLOCK_SHARED ? " (shared)" : "",
                x->ev_step.what, on, holder);
}

/* ------------------------------------------------------------------ grant */

static void sched_push(sim_exec *x, int tid) {
  if (x->nsched == x->capsched) {
    x->capsched = x->capsched ? 2 * x->capsched : 256;
    x->sched = realloc(x->sched, x->capsched);
    assert(x->sched);
  }
  x->sched[x->nsched++] = (uint8_t)tid;
}

/* *d = *s without the unused tail of acc[] (most steps have one or two of
   SIM_MAX_ACCESS accesses): everyone reads acc[0..n) only.  A refresh hook
   may grow n on the copy; it writes what it declares. */
static void step_copy(sim_stepdesc *d, const sim_stepdesc *s) {
  d->what = s->what;
  d->cost_ns = s->cost_ns;
  d->n = s->n;
  memcpy(d->acc, s->acc, s->n * sizeof *s->acc);
  d->ready = s->ready;
  d->ready_arg = s->ready_arg;
  d->refresh = s->refresh;
  d->refresh_arg = s->refresh_arg;
}

/* The hash of a step's label or function name.  Both have static storage
   (sim.h), so it is kept by address; its value depends only on the text,
   as every hash of a trace must (the same in any process). */
static uint64_t label_hash(const char *s) {
  static struct {
    const char *p;
    uint64_t h;
  } cache[1024];
  size_t i = ((uintptr_t)s >> 3) % 1024;
  if (cache[i].p != s) {
    cache[i].h = SIM_HASH_INIT;
    sim_hash_str(&cache[i].h, s);
    cache[i].p = s;
  }
#ifdef MMSIM_SANITIZE /* the checking build: still that text */
  uint64_t h = SIM_HASH_INIT;
  sim_hash_str(&h, s);
  assert(h == cache[i].h);
#endif
  return cache[i].h;
}

/* Applies the granted step of 't': lock effects, time, hash, the open
   event and its happens-before arrows. */
static void grant(sim_exec *x, sim_thread *t) {
  const sim_stepdesc *s = &t->pending;
  uint64_t seq = x->seq++;
  uint64_t start = t->ready_ns > x->clock_ns ? t->ready_ns : x->clock_ns;
  int tid = t->tid;
  int obs = x->cfg->observer != NULL;
  t->trylock_ok = 1;
  t->bad_unlock = -1;
  if (x->cfg->digests)
    sim_digest_grant(x, t, s); /* before the lock effects: trylocks */

  for (int i = 0; i < s->n; i++) {
    sim_oid o = s->acc[i].obj;
    assert(o < x->cfg->nobjs);
    switch ((enum sim_op)s->acc[i].op) {
    case SIM_OP_LOCK:
    case SIM_OP_LOCK_SHARED:
    case SIM_OP_TRYLOCK:
      if (s->acc[i].op == SIM_OP_TRYLOCK &&
          (x->owner[o] >= 0 || x->readers[o])) {
        t->trylock_ok = 0; /* the model sees !sim_trylock_ok() */
        break;
      }
      if (s->acc[i].op == SIM_OP_LOCK_SHARED)
        x->readers[o]++;
      else
        x->owner[o] = (int8_t)tid;
      x->held[o / 64] |= 1ull << (o % 64);
      if (obs && x->rel_seq[o] && x->rel_tid[o] != tid)
        emit_flow(x, x->rel_seq[o] - 1, seq, SIM_FLOW_LOCK, o);
      break;
    case SIM_OP_UNLOCK:
    case SIM_OP_UNLOCK_ANY: /* whoever holds it: a bit another context clears */
      if (s->acc[i].op == SIM_OP_UNLOCK ? x->owner[o] != tid
                                        : x->owner[o] < 0) { /* bad-unlock */
        if (t->bad_unlock < 0)
          t->bad_unlock = i;
        break;
      }
      x->owner[o] = -1;
      if (!x->readers[o])
        x->held[o / 64] &= ~(1ull << (o % 64));
      x->rel_seq[o] = seq + 1;
      x->rel_tid[o] = (int8_t)tid;
      break;
    case SIM_OP_UNLOCK_SHARED:
      if (x->readers[o] == 0) { /* reported by the thread: bad-unlock */
        if (t->bad_unlock < 0)
          t->bad_unlock = i;
        break;
      }
      x->readers[o]--;
      if (!x->readers[o] && x->owner[o] < 0)
        x->held[o / 64] &= ~(1ull << (o % 64));
      x->rel_seq[o] = seq + 1;
      x->rel_tid[o] = (int8_t)tid;
      break;
    case SIM_OP_WRITE:
    case SIM_OP_ADD: /* an update: a write for reads-from arrows */
      if (obs && (x->rd_mask[o] & ~(1u << tid)))
        emit_from_read(x, seq, tid, o);
      x->rd_mask[o] = 0;
      x->wr_seq[o] = seq + 1;
      x->wr_tid[o] = (int8_t)tid;
      x->rf_mask[o] = 0;
      break;
    case SIM_OP_READ:
    case SIM_OP_WAIT:
      if (obs && x->wr_seq[o] && x->wr_tid[o] != tid &&
          !(x->rf_mask[o] & (1u << tid))) {
        x->rf_mask[o] |= 1u << tid;
        emit_flow(x, x->wr_seq[o] - 1, seq,
                  s->acc[i].op == SIM_OP_WAIT ? SIM_FLOW_WAKEUP
                                              : SIM_FLOW_READS_FROM,
                  o);
      }
      if (obs) {
        x->rd_mask[o] |= 1u << tid;
        x->rd_seq[(size_t)o * SIM_MAX_THREADS + (size_t)tid] = seq;
      }
      break;
    case SIM_OP__COUNT:
      break;
    }
    sim_hash_u64(&x->hash, ((uint64_t)o << 8) | s->acc[i].op);
  }

  const char *fn = t->depth ? t->stack[t->depth - 1] : "";
  sim_hash_u64(&x->hash, (uint64_t)tid << 48 | start);
  sim_hash_u64(&x->hash, label_hash(s->what));
  sim_hash_u64(&x->hash, label_hash(fn));

  if (start > x->clock_ns)
    x->clock_ns = start; /* SimGrid's clock follows lazily: sync_sg_clock */
  t->ready_ns = start + s->cost_ns;
  sched_push(x, tid);
  if (x->ld) /* after sched_push: an edge keeps the schedule with its step */
    sim_lockdep_grant(x->ld, x, t, s);

  x->open = 1;
  step_copy(&x->ev_step, s);
  x->ev = (sim_event){.seq = seq,
                      .ts_ns = start,
                      .dur_ns = s->cost_ns,
                      .tid = tid,
                      .cpu = t->cpu,
                      .depth = t->depth ? t->depth - 1 : 0,
                      .fn = fn,
                      .what = s->what,
                      .obj = s->n ? s->acc[0].obj : 0,
                      .has_obj = s->n > 0,
                      .step = &x->ev_step};
  x->before[0] = x->after[0] = 0;
  t->has_pending = 0;
  t->state = T_RUNNING;
  x->nparked--;
  x->running = tid;
}

/* Called by the running thread once it parked or finished.  Returns the
   thread granted next, or NULL when the execution is over or aborted. */
static sim_thread *decide(sim_exec *x) {
  if (x->aborting || x->nlive == 0 || x->nparked < x->nlive)
    return NULL;
  uint64_t max = x->cfg->max_steps;
  if (max && x->seq >= max) {
    x->r->outcome = SIM_STEP_LIMIT;
    snprintf(x->r->msg, sizeof x->r->msg, "stopped after %llu steps",
             (unsigned long long)x->seq);
    abort_exec(x);
    return NULL;
  }
  uint32_t en = enabled_mask(x);
  if (!en) {
    if (x->cfg->chooser.blocked) {
      sim_choice_ctx c = {x, 0, x->seq};
      x->cfg->chooser.blocked(x->cfg->chooser.arg, &c);
    }
    report_deadlock(x);
    return NULL;
  }
  sim_choice_ctx c = {x, en, x->seq};
  int tid = x->cfg->chooser.choose(x->cfg->chooser.arg, &c);
  if (tid < 0) {
    x->r->outcome = SIM_PRUNED;
    abort_exec(x);
    return NULL;
  }
  assert(tid < x->cfg->nthreads && (en & (1u << tid)));
  sim_thread *t = &x->th[tid];
  grant(x, t);
  return t;
}

/* Wakes every parked thread so that it unwinds. */
static void abort_exec(sim_exec *x) {
  if (x->aborting)
    return;
  x->aborting = 1;
  for (int i = 0; i < x->cfg->nthreads; i++)
    if (x->th[i].state == T_PARKED)
      sg_sem_release(x->th[i].sem);
}

/* After a decision: wakes the thread granted, or, while the threads of
   a worker-run execution are still starting, starts the next one. */
static void hand_over(sim_exec *x, sim_thread *next) {
  if (next)
    sg_sem_release(next->sem);
  else if (x->nstarted < x->cfg->nthreads)
    sim_workers_start_next(x);
}

void sim_step(sim_thread *t, const sim_stepdesc *s) {
  sim_exec *x = t->x;
  assert(s->n <= SIM_MAX_ACCESS);
  if (t->state == T_RUNNING) {
    x->in_action = 1; /* the checks may fail: unwind like a BUG() */
    close_event(x);
  }
  x->in_action = 0;
  step_copy(&t->pending, s);
  t->may_block = step_may_block(s);
  t->has_pending = 1;
  t->state = T_PARKED;
  x->nparked++;
  x->running = -1;
  sim_thread *next = decide(x);
  if (next != t) {
    hand_over(x, next);
    sg_sem_acquire(t->sem);
  }
  if (x->aborting)
    longjmp(t->jb, 1);
  x->in_action = 1;
  if (t->bad_unlock >= 0)
    report_bad_unlock(x, t); /* does not return */
}

/* --------------------------------------------------------------- threads */

/* Brings SimGrid's clock to the engine's (see the top of this file). */
static void sync_sg_clock(sim_exec *x) {
  double now = x->sg_offset + (double)x->clock_ns * 1e-9;
  if (now > simgrid_get_clock())
    sg_actor_sleep_until(now);
}

/* Returns 1 if t was the execution's last thread: decided before any
   hand-over, since a worker may resume after the next execution began. */
static int thread_done(sim_exec *x, sim_thread *t) {
  if (t->state == T_PARKED)
    x->nparked--;
  t->state = T_DONE;
  int last = --x->nlive == 0;
  x->in_action = 0;
  x->running = -1;
  if (last)
    sync_sg_clock(x); /* every other actor has finished */
  if (x->aborting) {
    hand_over(x, NULL); /* threads not started yet start and unwind */
    return last;
  }
  if (last) {
    x->r->finished = 1; /* the model holds its final state */
    if (x->cfg->ops->at_end)
      x->cfg->ops->at_end(x->cfg->model, x);
    return last;
  }
  hand_over(x, decide(x));
  return 0;
}

/* A thread's whole life in the actor that runs it (an actor of its own or
   a worker): its body, or, in an execution aborted before it started,
   nothing.  Returns 1 if it was the last thread of its execution to end. */
int sim_thread_run(sim_thread *t) {
  sim_exec *x = t->x;
  assert(t->state == T_STARTING);
  t->state = T_RUNNING;
  x->running = t->tid;
  if (!x->aborting && !setjmp(t->jb)) {
    x->cfg->ops->thread_main(x->cfg->model, t, t->tid);
    x->in_action = 1;
    close_event(x);
  }
  return thread_done(x, t);
}
