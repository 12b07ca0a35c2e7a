/*
** toy_model.h - a tiny generic model that drives the real engine in tests.
**
** It knows nothing about memory management: a handful of shared integer
** variables and locks, and one straight-line program per thread.  Each
** instruction is one engine step with an honest footprint (a load reads its
** variable, a store writes it, a lock instruction locks), so the engine's
** enabledness, flows and hashes are exercised exactly as a real model would
** exercise them.  A test writes the programs, names the objects, and may ask
** for a violation when a variable reaches a value (checked after every
** step, like a cheap invariant) or differs from a value at the end, of one
** of the toy's own kinds (toy_kinds, handed to the engine in toy_ops).
**
**   object ids:  0 .. nlocks-1            the locks
**                nlocks .. nlocks+nvars-1  the variables
**
** Header-only (static functions) so that each test file includes it without
** a change to the build; include it once per test program.
*/
#ifndef MMSIM_TOY_MODEL_H
#define MMSIM_TOY_MODEL_H

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "reports/log.h"
#include "sim/hash.h"
#include "sim/sched.h"
#include "sim/sim.h"

#define TOY_MAX_LOCKS 4
#define TOY_MAX_VARS 8
#define TOY_MAX_OBJS (TOY_MAX_LOCKS + TOY_MAX_VARS)
#define TOY_CPUS 4 /* sim_init is asked for this many CPUs once */

enum toy_kind {
  TOY_END,       /* end of the program */
  TOY_LOCK,      /* step: exclusive lock of lock 'arg' */
  TOY_UNLOCK,    /* step: release of lock 'arg' */
  TOY_LOCK_SH,   /* step: shared lock */
  TOY_UNLOCK_SH, /* step: shared release */
  TOY_LOAD,      /* step: reg = var 'arg' */
  TOY_STORE,     /* step: var 'arg' = reg + imm */
  TOY_WAIT,      /* step: waits until var 'arg' >= imm, then reg = var */
  TOY_ENTER,     /* no step: enters function 'what' */
  TOY_LEAVE,     /* no step: leaves the innermost function */
  TOY_DELAY,     /* no step: the thread idles 'arg' ns */
  TOY_BUG_ON,    /* step: reads var 'arg'; a violation TOY_KIND_BUG_ON
                    from inside the action (like BUG_ON) if it equals imm */
};

/* The toy's violation kinds: row i of toy_kinds has id SIM_KIND_MODEL + i. */
enum toy_kind_id {
  TOY_KIND_BUG_ON = SIM_KIND_MODEL, /* "bug-on": TOY_BUG_ON */
  TOY_KIND_LOST_UPDATE,             /* "lost-update": for viol_/end_kind */
  TOY_KIND_COUNTER_DONE,            /* "counter-done": for viol_/end_kind */
  TOY_KIND__END
};
#define TOY_NKINDS (TOY_KIND__END - SIM_KIND_MODEL)
static const sim_kind toy_kinds[TOY_NKINDS] = {
    {TOY_KIND_BUG_ON, "bug-on", "a TOY_BUG_ON instruction saw its value"},
    {TOY_KIND_LOST_UPDATE, "lost-update", "a variable check failed"},
    {TOY_KIND_COUNTER_DONE, "counter-done", "a counter reached its value"},
};

typedef struct toy_ins {
  enum toy_kind kind;
  int arg;          /* lock or variable index, or ns for TOY_DELAY */
  int imm;          /* TOY_STORE: added to reg; TOY_WAIT: awaited value */
  const char *what; /* operation or function name (static); NULL: default */
} toy_ins;

typedef struct toy_wait {
  const int *var;
  int value;
} toy_wait;

typedef struct toy_model {
  /* set by the test */
  int nlocks, nvars, nthreads;
  const char *lock_names[TOY_MAX_LOCKS]; /* NULL: "lock#i" */
  const char *var_names[TOY_MAX_VARS];   /* NULL: "var#i" */
  int init[TOY_MAX_VARS];
  const toy_ins *prog[SIM_MAX_THREADS]; /* each ends with TOY_END */
  sim_thread_cfg threads[SIM_MAX_THREADS];
  uint32_t cost; /* ns per step; 0 means 10 */
  int viol_kind; /* a toy kind, 0 for none: var viol_var == viol_value
                    after a step */
  int viol_var, viol_value;
  int end_kind; /* a toy kind, 0 for none: var end_var != end_value at the
                   end */
  int end_var, end_value;
  /* state, reset before each execution */
  int vars[TOY_MAX_VARS];
  int reg[SIM_MAX_THREADS];
  toy_wait waits[SIM_MAX_THREADS];
  /* how often the log's namer asked for each object (this execution) */
  int named[TOY_MAX_OBJS];
} toy_model;

static inline sim_oid toy_lock_oid(const toy_model *m, int l) {
  assert(l >= 0 && l < m->nlocks);
  (void)m;
  return (sim_oid)l;
}
static inline sim_oid toy_var_oid(const toy_model *m, int v) {
  assert(v >= 0 && v < m->nvars);
  return (sim_oid)(m->nlocks + v);
}

static void toy_reset(void *arg) {
  toy_model *m = arg;
  memcpy(m->vars, m->init, sizeof m->vars);
  memset(m->reg, 0, sizeof m->reg);
  memset(m->named, 0, sizeof m->named);
}

static void toy_obj_name(void *arg, sim_oid o, char *buf, size_t n) {
  const toy_model *m = arg;
  assert(o < (sim_oid)(m->nlocks + m->nvars));
  if ((int)o < m->nlocks) {
    if (m->lock_names[o])
      snprintf(buf, n, "%s", m->lock_names[o]);
    else
      snprintf(buf, n, "lock#%u", (unsigned)o);
  } else {
    int v = (int)o - m->nlocks;
    if (m->var_names[v])
      snprintf(buf, n, "%s", m->var_names[v]);
    else
      snprintf(buf, n, "var#%d", v);
  }
}

/* The namer handed to rlog_exec_begin: counts the calls per object. */
static void toy_namer(void *arg, sim_oid o, char *buf, size_t n) {
  toy_model *m = arg;
  assert(o < TOY_MAX_OBJS);
  m->named[o]++;
  toy_obj_name(arg, o, buf, n);
}

static int toy_ready(const sim_exec *x, void *arg) {
  const toy_wait *w = arg;
  (void)x;
  return *w->var >= w->value;
}

static void toy_step(sim_thread *t, const char *what, uint32_t cost, sim_oid o,
                     enum sim_op op) {
  sim_step(
      t, &(const sim_stepdesc){
             .what = what, .cost_ns = cost, .n = 1, .acc = {{o, (uint8_t)op}}});
}

static void toy_thread_main(void *arg, sim_thread *t, int tid) {
  toy_model *m = arg;
  uint32_t cost = m->cost ? m->cost : 10;
  for (const toy_ins *p = m->prog[tid]; p->kind != TOY_END; p++) {
    const char *w = p->what;
    switch (p->kind) {
    case TOY_LOCK:
      toy_step(t, w ? w : "spin_lock", cost, toy_lock_oid(m, p->arg),
               SIM_OP_LOCK);
      break;
    case TOY_UNLOCK:
      toy_step(t, w ? w : "spin_unlock", cost, toy_lock_oid(m, p->arg),
               SIM_OP_UNLOCK);
      break;
    case TOY_LOCK_SH:
      toy_step(t, w ? w : "down_read", cost, toy_lock_oid(m, p->arg),
               SIM_OP_LOCK_SHARED);
      break;
    case TOY_UNLOCK_SH:
      toy_step(t, w ? w : "up_read", cost, toy_lock_oid(m, p->arg),
               SIM_OP_UNLOCK_SHARED);
      break;
    case TOY_LOAD:
      toy_step(t, w ? w : "load", cost, toy_var_oid(m, p->arg), SIM_OP_READ);
      m->reg[tid] = m->vars[p->arg];
      sim_after(t, "%d", m->reg[tid]);
      break;
    case TOY_STORE: {
      toy_step(t, w ? w : "store", cost, toy_var_oid(m, p->arg), SIM_OP_WRITE);
      int old = m->vars[p->arg];
      m->vars[p->arg] = m->reg[tid] + p->imm;
      sim_before(t, "%d", old);
      sim_after(t, "%d", m->vars[p->arg]);
      break;
    }
    case TOY_WAIT:
      m->waits[tid] = (toy_wait){&m->vars[p->arg], p->imm};
      sim_step(t, &(const sim_stepdesc){
                      .what = w ? w : "wait",
                      .cost_ns = cost,
                      .n = 1,
                      .acc = {{toy_var_oid(m, p->arg), SIM_OP_WAIT}},
                      .ready = toy_ready,
                      .ready_arg = &m->waits[tid]});
      m->reg[tid] = m->vars[p->arg];
      sim_after(t, "%d", m->reg[tid]);
      break;
    case TOY_ENTER:
      assert(w);
      sim_enter(t, w);
      break;
    case TOY_LEAVE:
      sim_leave(t);
      break;
    case TOY_DELAY:
      sim_delay(t, (uint64_t)p->arg);
      break;
    case TOY_BUG_ON:
      toy_step(t, w ? w : "BUG_ON", cost, toy_var_oid(m, p->arg), SIM_OP_READ);
      sim_after(t, "%d", m->vars[p->arg]);
      if (m->vars[p->arg] == p->imm) {
        sim_oid o = toy_var_oid(m, p->arg);
        sim_violation(sim_thread_exec(t), TOY_KIND_BUG_ON, &o, 1,
                      "var#%d is %d", p->arg, p->imm);
      }
      break;
    case TOY_END:
      break;
    }
  }
}

static void toy_after_step(void *arg, sim_exec *x) {
  toy_model *m = arg;
  if (m->viol_kind && m->vars[m->viol_var] == m->viol_value) {
    char name[64];
    sim_oid o = toy_var_oid(m, m->viol_var);
    toy_obj_name(m, o, name, sizeof name);
    sim_violation(x, m->viol_kind, &o, 1, "%s == %d", name, m->viol_value);
  }
}

static void toy_at_end(void *arg, sim_exec *x) {
  toy_model *m = arg;
  if (m->end_kind && m->vars[m->end_var] != m->end_value) {
    char name[64];
    sim_oid o = toy_var_oid(m, m->end_var);
    toy_obj_name(m, o, name, sizeof name);
    sim_violation(x, m->end_kind, &o, 1, "%s is %d at the end, expected %d",
                  name, m->vars[m->end_var], m->end_value);
  }
}

static uint64_t toy_state_hash(void *arg) {
  const toy_model *m = arg;
  uint64_t h = SIM_HASH_INIT;
  for (int i = 0; i < m->nvars; i++)
    sim_hash_u64(&h, (uint32_t)m->vars[i]);
  return h;
}

static const sim_model_ops toy_ops =
    SIM_MODEL_OPS(toy_reset, toy_thread_main, toy_after_step, toy_at_end,
                  toy_obj_name, toy_state_hash, toy_kinds);

/* Runs one execution under the timed policy; 'obs' may be NULL.  Returns
   sim_exec_run's result (0). */
static int toy_run(toy_model *m, uint64_t seed, const sim_observer *obs,
                   uint64_t max_steps, sim_result *r) {
  char err[128];
  assert(m->nthreads > 0 && m->nthreads <= SIM_MAX_THREADS);
  assert(m->nlocks <= TOY_MAX_LOCKS && m->nvars <= TOY_MAX_VARS);
  if (sim_init(TOY_CPUS, err, sizeof err) < 0)
    return -1;
  sim_sched s;
  sim_exec_cfg cfg = {
      .ops = &toy_ops,
      .model = m,
      .nthreads = m->nthreads,
      .threads = m->threads,
      .nobjs = (uint32_t)(m->nlocks + m->nvars),
      .chooser = sim_sched_init(&s, SIM_POLICY_TIMED, seed, NULL, 0),
      .observer = obs,
      .max_steps = max_steps,
  };
  return sim_exec_run(&cfg, r);
}

/* Starts a run in 'l' describing the toy model's threads. */
static int64_t toy_log_run(rlog *l, const toy_model *m, const char *title,
                           uint64_t seed) {
  const char *names[SIM_MAX_THREADS];
  int cpus[SIM_MAX_THREADS];
  for (int i = 0; i < m->nthreads; i++) {
    names[i] = m->threads[i].name;
    cpus[i] = m->threads[i].cpu;
  }
  rlog_run_info ri = {
      .mode = "run",
      .scenario_path = "tests/toy_model.h",
      .title = title,
      .variant = "toy",
      .knobs = "",
      .policy = "timed",
      .seed = seed,
      .ncpus = TOY_CPUS,
      .nthreads = m->nthreads,
      .thread_names = names,
      .thread_cpus = cpus,
      .expect = m->viol_kind ? "violation" : "clean",
  };
  return rlog_run_begin(l, &ri);
}

/* One logged execution: exec_begin, run, exec_end.  Returns the execution
   id or -1; 'r' holds the result (free it with sim_result_free). */
static int64_t toy_log_exec(rlog *l, int64_t run_id, toy_model *m,
                            uint64_t seed, uint64_t max_steps, sim_result *r) {
  int64_t id = rlog_exec_begin(l, run_id, toy_namer, m);
  if (id < 0)
    return -1;
  if (toy_run(m, seed, rlog_observer(l), max_steps, r) < 0)
    return -1;
  if (rlog_exec_end(l, r, NULL, NULL) < 0)
    return -1;
  return id;
}

#endif /* MMSIM_TOY_MODEL_H */
