/*
** test_engine.c - the step gate and the policies, on tiny generic programs
** (no MM): deadlock detection with the waiters named, trylock, wait
** conditions, the timed policy's order, replay and its divergence point, the
** step limit, schedule strings, determinism of the trace hash, and the
** engine's violation kinds (deadlock, bad-unlock: a release of a lock the
** thread does not hold); SIM_OP_UNLOCK_ANY, a release by whoever holds the
** lock (and of a free lock, a bad unlock); the dependence of the commutative
*update
** SIM_OP_ADD (sim/depend.c); and executions on worker actors inside
** sim_run_driver (sim/workers.c): the same results, events and thread
** start order as from maestro, for clean, violating, deadlocked, loop-cut
** and step-limited executions, more threads than CPUs, several models and
** CPU mappings in one driver, a driver's large stack.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <simgrid/engine.h>

#include "helpers.h"
#include "sim/depend.h"
#include "sim/hash.h"
#include "sim/sched.h"
#include "sim/sim.h"

/* Objects: 0,1 locks A,B; 2 flag; 3 counter. */
struct prog {
  int kind;
  int flag, counter, trylock_got[2];
  uint64_t order[64];
  int norder;
};

static int flag_set(const sim_exec *x, void *arg) {
  (void)x;
  return ((struct prog *)arg)->flag;
}

static void body(void *model, sim_thread *t, int tid) {
  struct prog *p = model;
  sim_enter(t, tid ? "thread1" : "thread0");
  switch (p->kind) {
  case 0: /* ABBA */
    if (tid == 0) {
      SIM_STEP(t, "lock A", 20, SIM_LOCK(0));
      SIM_STEP(t, "lock B", 20, SIM_LOCK(1));
      SIM_STEP(t, "unlock B", 20, SIM_UNLOCK(1));
      SIM_STEP(t, "unlock A", 20, SIM_UNLOCK(0));
    } else {
      SIM_STEP(t, "lock B", 20, SIM_LOCK(1));
      SIM_STEP(t, "lock A", 20, SIM_LOCK(0));
      SIM_STEP(t, "unlock A", 20, SIM_UNLOCK(0));
      SIM_STEP(t, "unlock B", 20, SIM_UNLOCK(1));
    }
    break;
  case 1: /* trylock race */
    SIM_STEP(t, "trylock A", 10, SIM_TRYLOCK(0));
    p->trylock_got[tid] = sim_holds(t, 0);
    if (p->trylock_got[tid])
      SIM_STEP(t, "unlock A", 10, SIM_UNLOCK(0));
    break;
  case 2: /* thread 1 waits for the flag thread 0 sets */
    if (tid == 0) {
      SIM_STEP(t, "work", 100, SIM_WR(3));
      SIM_STEP(t, "set flag", 10, SIM_WR(2));
      p->flag = 1;
    } else {
      sim_stepdesc s = {.what = "wait flag",
                        .cost_ns = 10,
                        .n = 1,
                        .acc = {{2, SIM_OP_WAIT}},
                        .ready = flag_set,
                        .ready_arg = p};
      sim_step(t, &s);
      p->order[p->norder++] = 99;
    }
    break;
  case 3: /* timed: thread 0 steps cost 10, thread 1 steps cost 25 */
    for (int i = 0; i < 3; i++) {
      SIM_STEP(t, "step", tid ? 25 : 10, SIM_WR((sim_oid)(2 + tid)));
      p->order[p->norder++] = (uint64_t)tid;
    }
    break;
  case 4: /* endless */
    for (;;)
      SIM_STEP(t, "spin", 1, SIM_RD(3));
  case 5: /* thread 1 releases the lock thread 0 holds */
    if (tid == 0)
      SIM_STEP(t, "lock A", 10, SIM_LOCK(0));
    else
      SIM_STEP(t, "unlock A", 10, SIM_WR(3), SIM_UNLOCK(0));
    p->counter++; /* not reached by thread 1 */
    break;
  case 6: /* thread 1 releases a rwsem nobody holds for reading */
    if (tid == 1)
      SIM_STEP(t, "up_read B", 10, SIM_UNLOCK_SH(1));
    p->counter++;
    break;
  case 7: /* thread 0 takes A, thread 1 (an I/O completion) releases it */
    if (tid == 0)
      SIM_STEP(t, "lock A", 10, SIM_LOCK(0));
    else {
      SIM_STEP(t, "end_io A", 10, SIM_UNLOCK_ANY(0));
      p->flag = sim_lock_holder(sim_thread_exec(t), 0);
      SIM_STEP(t, "lock A", 10, SIM_LOCK(0)); /* free again */
      SIM_STEP(t, "unlock A", 10, SIM_UNLOCK(0));
    }
    p->counter++;
    break;
  case 8: /* thread 1 releases B, which nobody holds, as a completion */
    if (tid == 1) {
      SIM_STEP(t, "end_io B", 10, SIM_UNLOCK_ANY(1));
      p->counter++; /* not reached */
    }
    break;
  }
  sim_leave(t);
}

static void oname(void *m, sim_oid o, char *b, size_t n) {
  (void)m;
  static const char *names[] = {"A", "B", "flag", "counter"};
  snprintf(b, n, "%s", names[o]);
}
static void reset(void *m) {
  struct prog *p = m;
  int k = p->kind;
  memset(p, 0, sizeof *p);
  p->kind = k;
}

static const sim_model_ops ops = {
    .reset = reset, .thread_main = body, .obj_name = oname};
static const sim_thread_cfg th[2] = {{"cpu0", 0}, {"cpu1", 1}};

static void run(struct prog *p, enum sim_policy pol, uint64_t seed,
                const char *sched, sim_result *r, sim_sched *ss) {
  char err[128];
  cr_assert_eq(sim_init(2, err, sizeof err), 0, "%s", err);
  static uint8_t *seq; /* the chooser's, until the next run */
  size_t n = 0;
  int col;
  free(seq);
  seq = NULL;
  if (sched)
    cr_assert_eq(sim_sched_parse(sched, &seq, &n, &col, err, sizeof err), 0);
  sim_exec_cfg cfg = {.ops = &ops,
                      .model = p,
                      .nthreads = 2,
                      .threads = th,
                      .nobjs = 4,
                      .chooser = sim_sched_init(ss, pol, seed, seq, n),
                      .max_steps = p->kind == 4 ? 1000 : 0};
  cr_assert_eq(sim_exec_run(&cfg, r), 0);
}

Test(engine, abba_deadlock_names_waiters) {
  struct prog p = {.kind = 0};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_REPLAY, 0, "0.1", &r, &ss);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "deadlock");
  cr_assert_str_eq(r.msg, "cpu0 waits in lock B for B held by cpu1; "
                          "cpu1 waits in lock A for A held by cpu0");
  cr_assert_eq(r.steps, 2);
  sim_result_free(&r);
}

Test(engine, abba_serial_is_clean) {
  struct prog p = {.kind = 0};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_REPLAY, 0, "0*4.1*4", &r, &ss);
  cr_assert_eq(r.outcome, SIM_CLEAN);
  cr_assert_eq(r.steps, 8);
  char *s = sim_sched_format(r.sched, r.nsched);
  cr_assert_str_eq(s, "0*4.1*4");
  free(s);
  sim_result_free(&r);
}

Test(engine, trylock_only_one_wins) {
  struct prog p = {.kind = 1};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_REPLAY, 0, "0.1.0", &r, &ss);
  cr_assert_eq(r.outcome, SIM_CLEAN);
  cr_assert_eq(p.trylock_got[0], 1);
  cr_assert_eq(p.trylock_got[1], 0);
  cr_assert_eq(r.steps, 3);
  sim_result_free(&r);
}

Test(engine, wait_is_disabled_until_ready) {
  struct prog p = {.kind = 2};
  sim_result r;
  sim_sched ss;
  /* asks for thread 1 first: it is not enabled, so replay diverges */
  run(&p, SIM_POLICY_REPLAY, 0, "1.0.0.1", &r, &ss);
  cr_assert_eq(r.outcome, SIM_CLEAN);
  cr_assert_eq(ss.diverged, 1);
  cr_assert_eq(ss.diverged_at, 0);
  cr_assert_eq(ss.div_wanted, 1);
  char *s = sim_sched_format(r.sched, r.nsched);
  cr_assert_str_eq(s, "0*2.1");
  free(s);
  sim_result_free(&r);
}

Test(engine, timed_policy_orders_by_simulated_time) {
  struct prog p = {.kind = 3};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_TIMED, 7, NULL, &r, &ss);
  /* thread 0 at 0,10,20; thread 1 at 0,25,50: the tie at 0 is broken by
     the seed, the rest by time */
  char *s = sim_sched_format(r.sched, r.nsched);
  cr_assert(!strcmp(s, "0*3.1*3") || !strcmp(s, "1.0*3.1*2"), "got %s", s);
  cr_assert_eq(r.end_ns, 50);
  free(s);
  sim_result_free(&r);
}

Test(engine, step_limit_stops) {
  struct prog p = {.kind = 4};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_RANDOM, 3, NULL, &r, &ss);
  cr_assert_eq(r.outcome, SIM_STEP_LIMIT);
  cr_assert_eq(r.steps, 1000);
  cr_assert_str_eq(r.msg, "stopped after 1000 steps");
  sim_result_free(&r);
}

Test(engine, same_seed_same_hash_other_seed_other_schedule) {
  struct prog p = {.kind = 3};
  sim_result a, b;
  sim_sched ss;
  uint64_t h[16];
  int distinct = 0;
  for (int seed = 0; seed < 16; seed++) {
    run(&p, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &a, &ss);
    run(&p, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &b, &ss);
    cr_assert_eq(a.trace_hash, b.trace_hash);
    cr_assert_eq(a.nsched, b.nsched);
    cr_assert_eq(memcmp(a.sched, b.sched, a.nsched), 0);
    h[seed] = a.trace_hash;
    int seen = 0;
    for (int i = 0; i < seed; i++)
      seen |= h[i] == h[seed];
    distinct += !seen;
    sim_result_free(&a);
    sim_result_free(&b);
  }
  cr_assert_gt(distinct, 4, "random seeds should reach several schedules");
}

Test(sched, format_parse_roundtrip) {
  uint8_t v[] = {0, 0, 0, 1, 0, 0, 12, 12};
  char *s = sim_sched_format(v, sizeof v);
  cr_assert_str_eq(s, "0*3.1.0*2.12*2");
  uint8_t *w;
  size_t n;
  int col;
  char err[128];
  cr_assert_eq(sim_sched_parse(s, &w, &n, &col, err, sizeof err), 0);
  cr_assert_eq(n, sizeof v);
  cr_assert_eq(memcmp(v, w, n), 0);
  free(s);
  free(w);
}

Test(sched, parse_errors_have_columns) {
  static const struct {
    const char *in;
    int col;
    const char *msg;
  } cases[] = {
      {"0*3.x", 5, "expected a thread number, found 'x'"},
      {"0*", 3, "expected a step count after '*'"},
      {"0.", 3, "expected a thread number after '.'"},
      {"32", 3, "thread number 32 out of range (0..31)"},
      {"0*0", 4, "step count must be 1..100000000"},
      {"1 2", 3, "expected '.', '*' or end of schedule, found '2'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t *w = NULL;
    size_t n;
    int col;
    char err[128];
    cr_assert_eq(sim_sched_parse(cases[i].in, &w, &n, &col, err, sizeof err),
                 -1, "%s", cases[i].in);
    cr_assert_str_eq(err, cases[i].msg, "input %s", cases[i].in);
    cr_assert_eq(col, cases[i].col, "input %s: col %d", cases[i].in, col);
  }
}

/* A release of a lock held by another thread is reported from the
   releasing step itself, which is logged; the lock stays with its holder. */
Test(engine, unlock_of_a_lock_held_elsewhere_is_bad_unlock) {
  struct prog p = {.kind = 5};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_REPLAY, 0, "0.1", &r, &ss);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "bad-unlock");
  cr_assert_eq(r.kind_id, SIM_KIND_BAD_UNLOCK);
  cr_assert_str_eq(r.msg, "cpu1 releases A in unlock A, but A is held by cpu0");
  cr_assert_eq(r.steps, 2);
  cr_assert_eq(r.viol_seq, 1, "the releasing step");
  cr_assert_eq(r.nviol_objs, 1);
  cr_assert_eq(r.viol_objs[0], 0);
  cr_assert_eq(p.counter, 1, "thread 1 stopped in its step");
  sim_result_free(&r);
}

Test(engine, up_read_without_readers_is_bad_unlock) {
  struct prog p = {.kind = 6};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_REPLAY, 0, "1", &r, &ss);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "bad-unlock");
  cr_assert_str_eq(r.msg,
                   "cpu1 releases B (shared) in up_read B, but B is not held");
  cr_assert_eq(r.viol_seq, 0);
  sim_result_free(&r);
}

/* SIM_OP_UNLOCK_ANY releases a lock whoever holds it (a bit lock an I/O
   completion clears): no violation, and the lock is free after it. */
Test(engine, unlock_any_releases_a_lock_held_elsewhere) {
  struct prog p = {.kind = 7};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_REPLAY, 0, "0.1*3", &r, &ss);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(p.flag, -1, "nobody holds A after the release");
  cr_assert_eq(p.counter, 2);
  cr_assert_eq(r.steps, 4);
  sim_result_free(&r);
  /* a release, independent of acquisitions; a trylock sees it */
  cr_assert_not(sim_ops_conflict(SIM_OP_UNLOCK_ANY, SIM_OP_LOCK));
  cr_assert(sim_ops_conflict(SIM_OP_UNLOCK_ANY, SIM_OP_TRYLOCK));
}

/* ... but of a lock nobody holds, it is a bad unlock. */
Test(engine, unlock_any_of_a_free_lock_is_bad_unlock) {
  struct prog p = {.kind = 8};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_REPLAY, 0, "1", &r, &ss);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "bad-unlock");
  cr_assert_eq(r.kind_id, SIM_KIND_BAD_UNLOCK);
  cr_assert_str_eq(r.msg, "cpu1 releases B in end_io B, but B is not held");
  cr_assert_eq(r.viol_seq, 0, "the releasing step");
  cr_assert_eq(p.counter, 0, "thread 1 stopped in its step");
  sim_result_free(&r);
}

Test(engine, deadlock_has_its_kind_id_and_clean_has_none) {
  struct prog p = {.kind = 0};
  sim_result r;
  sim_sched ss;
  run(&p, SIM_POLICY_REPLAY, 0, "0.1", &r, &ss);
  cr_assert_eq(r.kind_id, SIM_KIND_DEADLOCK);
  sim_result_free(&r);
  run(&p, SIM_POLICY_REPLAY, 0, "0*4.1*4", &r, &ss);
  cr_assert_eq(r.kind_id, SIM_KIND_NONE);
  cr_assert_str_eq(r.kind, "");
  sim_result_free(&r);
}

/* The engine's table: ids are positions + 1, names unique; lookups by id
   and by name span the engine's table and the model's. */
Test(engine, kinds_tables_and_lookups) {
  static const sim_kind mine[] = {
      {SIM_KIND_MODEL, "mine-a", "first"},
      {SIM_KIND_MODEL + 1, "mine-b", "second"},
  };
  sim_model_ops with = ops;
  with.kinds = mine;
  with.nkinds = 2;
  assert_kinds_table(mine, 2);
  for (int i = 0; i < SIM_NENGINE_KINDS; i++) {
    cr_assert_eq(sim_engine_kinds[i].id, i + 1);
    for (int j = 0; j < i; j++)
      cr_assert_str_neq(sim_engine_kinds[i].name, sim_engine_kinds[j].name);
  }
  cr_assert_str_eq(sim_kind_get(NULL, SIM_KIND_DEADLOCK)->name, "deadlock");
  cr_assert_str_eq(sim_kind_get(NULL, SIM_KIND_BAD_UNLOCK)->name, "bad-unlock");
  cr_assert_null(sim_kind_get(NULL, SIM_KIND_NONE));
  cr_assert_null(sim_kind_get(&ops, SIM_KIND_MODEL), "no table, no kind");
  cr_assert_eq(sim_kind_get(&with, SIM_KIND_MODEL + 1), &mine[1]);
  cr_assert_null(sim_kind_get(&with, SIM_KIND_MODEL + 2));
  cr_assert_eq(sim_kind_find(&with, "mine-b"), SIM_KIND_MODEL + 1);
  cr_assert_eq(sim_kind_find(&with, "bad-unlock"), SIM_KIND_BAD_UNLOCK);
  cr_assert_eq(sim_kind_find(NULL, "mine-a"), SIM_KIND_NONE);
  cr_assert_eq(sim_kind_find(&with, "nope"), SIM_KIND_NONE);
}

/* SIM_OP_ADD: two adds commute, an add conflicts with any other data
   access of its object (and, as data, with a lock use of it). */
Test(depend, add_commutes_with_add_only) {
  cr_assert_not(sim_ops_conflict(SIM_OP_ADD, SIM_OP_ADD));
  const uint8_t others[] = {SIM_OP_READ, SIM_OP_WRITE,  SIM_OP_WAIT,
                            SIM_OP_LOCK, SIM_OP_UNLOCK, SIM_OP_TRYLOCK};
  for (size_t i = 0; i < sizeof others; i++) {
    cr_assert(sim_ops_conflict(SIM_OP_ADD, others[i]), "op %d", others[i]);
    cr_assert(sim_ops_conflict(others[i], SIM_OP_ADD), "op %d", others[i]);
  }
  sim_access a[] = {SIM_ADD(3), SIM_RD(4)}, b[] = {SIM_ADD(3)},
             c[] = {SIM_RD(3)};
  cr_assert_not(sim_accesses_dependent(a, 2, b, 1));
  cr_assert(sim_accesses_dependent(a, 2, c, 1));
}

/* ------------------------------------------------------------------------ */
/* Worker actors (sim_run_driver, sim/workers.c): the same executions as
   from maestro, several models and CPU mappings in one driver. */

/* Objects: 0,1 locks A,B; 2 x; 3 y (never written: a spin on it never
   ends). */
struct multi {
  int bug;  /* a violation when x reaches it (0: none) */
  int abba; /* threads 0 and 1 take A and B in opposite orders */
  int spin; /* thread 0 spins on y */
  int x, y;
  int started[SIM_MAX_THREADS]; /* thread ids in the order they began */
  int nstarted;
};

enum { MULTI_KIND_BUG = SIM_KIND_MODEL };
static const sim_kind multi_kinds[] = {
    {MULTI_KIND_BUG, "multi-bug", "x reached the bug value"}};

static void multi_body(void *model, sim_thread *t, int tid) {
  struct multi *m = model;
  m->started[m->nstarted++] = tid; /* before the first step: start order */
  sim_enter(t, "multi");
  sim_delay(t, (uint64_t)tid * 3);
  if (m->abba && tid < 2) {
    SIM_STEP(t, "lock 1st", 5, SIM_LOCK((sim_oid)tid));
    SIM_STEP(t, "lock 2nd", 5, SIM_LOCK((sim_oid)!tid));
    SIM_STEP(t, "unlock 2nd", 5, SIM_UNLOCK((sim_oid)!tid));
    SIM_STEP(t, "unlock 1st", 5, SIM_UNLOCK((sim_oid)tid));
  }
  for (int k = 0; k < 2; k++) {
    SIM_STEP(t, "lock A", 10, SIM_LOCK(0));
    SIM_STEP(t, "inc x", 7 + (uint32_t)tid, SIM_RD(2), SIM_WR(2));
    if (++m->x == m->bug)
      sim_violation(sim_thread_exec(t), MULTI_KIND_BUG, NULL, 0,
                    "x reached %d in thread %d", m->x, tid);
    SIM_STEP(t, "unlock A", 10, SIM_UNLOCK(0));
  }
  if (m->spin && tid == 0)
    for (int iter = 0;; iter++) {
      sim_loop(t, iter, "spin on y");
      SIM_STEP(t, "read y", 3, SIM_RD(3));
      if (m->y)
        break;
    }
  sim_leave(t);
}

static void multi_reset(void *model) {
  struct multi *m = model;
  *m = (struct multi){.bug = m->bug, .abba = m->abba, .spin = m->spin};
}
static uint64_t multi_state(void *model) {
  return (uint64_t)((struct multi *)model)->x;
}

static const sim_model_ops multi_ops = SIM_MODEL_OPS(
    multi_reset, multi_body, NULL, NULL, oname, multi_state, multi_kinds);

/* Everything an execution shows: its result, the order its threads began
   in, and a hash of its events as an observer sees them. */
struct seen {
  enum sim_outcome outcome;
  char kind[48], msg[512], sched[256], started[SIM_MAX_THREADS + 1];
  uint64_t steps, end_ns, trace_hash, state_hash, events;
  double sg_seconds; /* how far SimGrid's clock moved */
  int rc;
};

/* Through the one mixer (sim/hash.h), as the engine's own hashes. */
static void hash_event(void *arg, const sim_event *ev) {
  uint64_t *h = arg;
  sim_hash_u64(h, ev->seq);
  sim_hash_u64(h, ev->ts_ns);
  sim_hash_u64(h, (uint64_t)ev->tid);
  sim_hash_u64(h, (uint64_t)ev->cpu);
  sim_hash_str(h, ev->what);
  sim_hash_str(h, ev->fn);
}

static const sim_thread_cfg multi_threads[][5] = {
    {{"a0", 0}, {"a1", 1}, {"a2", 0}},
    {{"b0", 1}, {"b1", 0}, {"b2", 1}, {"b3", 0}, {"b4", 1}},
    {{"c0", 0}, {"c1", 0}},
};
static const int multi_nthreads[] = {3, 5, 2};

#define MULTI_SEEDS 6
#define MULTI_VARIANTS                                                         \
  5 /* plain, bug, abba, spin under a loop bound, spin                         \
       under a step limit */
#define MULTI_RUNS (3 * MULTI_VARIANTS * MULTI_SEEDS)

/* Run k of the list: cfg k / (VARIANTS * SEEDS), then variant, then seed;
   the random policy. */
static void multi_run(int k, struct seen *s) {
  int c = k / (MULTI_VARIANTS * MULTI_SEEDS);
  int v = k / MULTI_SEEDS % MULTI_VARIANTS;
  uint64_t seed = (uint64_t)(k % MULTI_SEEDS);
  struct multi m = {.bug = v == 1 ? 4 : 0, .abba = v == 2, .spin = v >= 3};
  uint64_t events = 0;
  sim_observer ob = {.arg = &events, .event = hash_event};
  sim_sched ss;
  sim_exec_cfg cfg = {.ops = &multi_ops,
                      .model = &m,
                      .nthreads = multi_nthreads[c],
                      .threads = multi_threads[c],
                      .nobjs = 4,
                      .chooser =
                          sim_sched_init(&ss, SIM_POLICY_RANDOM, seed, NULL, 0),
                      .observer = &ob,
                      .loop_bound = v == 3 ? 2 : 0,
                      .max_steps = v == 4 ? 25 : 0};
  sim_result r;
  memset(s, 0, sizeof *s);
  double sg0 = simgrid_get_clock();
  s->rc = sim_exec_run(&cfg, &r);
  s->sg_seconds = simgrid_get_clock() - sg0;
  if (s->rc)
    return;
  s->outcome = r.outcome;
  snprintf(s->kind, sizeof s->kind, "%s", r.kind);
  snprintf(s->msg, sizeof s->msg, "%s", r.msg);
  char *str = sim_sched_format(r.sched, r.nsched);
  snprintf(s->sched, sizeof s->sched, "%s", str);
  free(str);
  for (int i = 0; i < m.nstarted; i++)
    s->started[i] = (char)('0' + m.started[i]);
  s->steps = r.steps;
  s->end_ns = r.end_ns;
  s->trace_hash = r.trace_hash;
  s->state_hash = r.state_hash;
  s->events = events;
  sim_result_free(&r);
}

struct multi_batch {
  struct seen *out;
  int from, to; /* runs [from, to) */
};

static void multi_batch_run(void *arg) {
  struct multi_batch *b = arg;
  for (int k = b->from; k < b->to; k++)
    multi_run(k, &b->out[k]);
}

static void assert_same(const struct seen *a, const struct seen *b, int k) {
  cr_assert_eq(a->rc, 0, "run %d", k);
  cr_assert_eq(b->rc, 0, "run %d", k);
  cr_assert_eq(a->outcome, b->outcome, "run %d", k);
  cr_assert_str_eq(a->kind, b->kind, "run %d", k);
  cr_assert_str_eq(a->msg, b->msg, "run %d", k);
  cr_assert_str_eq(a->sched, b->sched, "run %d", k);
  cr_assert_str_eq(a->started, b->started, "run %d", k);
  cr_assert_eq(a->steps, b->steps, "run %d", k);
  cr_assert_eq(a->end_ns, b->end_ns, "run %d", k);
  cr_assert_eq(a->trace_hash, b->trace_hash, "run %d", k);
  cr_assert_eq(a->state_hash, b->state_hash, "run %d", k);
  cr_assert_eq(a->events, b->events, "run %d", k);
  /* SimGrid's clock follows the engine's to the end of each execution */
  cr_assert_float_eq(a->sg_seconds, (double)a->end_ns * 1e-9, 1e-12, "run %d",
                     k);
  cr_assert_float_eq(b->sg_seconds, (double)b->end_ns * 1e-9, 1e-12, "run %d",
                     k);
}

/* Every run of the list from maestro (an actor per thread), then the
   whole list inside one driver, then again split over two drivers one
   after the other: the same results, event for event, and threads that
   begin in thread-id order. */
Test(workers, same_executions_as_actors_per_thread) {
  char err[128];
  cr_assert_eq(sim_init(2, err, sizeof err), 0, "%s", err);
  static struct seen slow[MULTI_RUNS], fast[MULTI_RUNS], split[MULTI_RUNS];
  for (int k = 0; k < MULTI_RUNS; k++)
    multi_run(k, &slow[k]);
  struct multi_batch all = {fast, 0, MULTI_RUNS};
  cr_assert_eq(sim_run_driver(multi_batch_run, &all), 0);
  struct multi_batch half1 = {split, 0, MULTI_RUNS / 2},
                     half2 = {split, MULTI_RUNS / 2, MULTI_RUNS};
  cr_assert_eq(sim_run_driver(multi_batch_run, &half1), 0);
  cr_assert_eq(sim_run_driver(multi_batch_run, &half2), 0);
  int outcomes[SIM_BOUNDED + 1] = {0}, deadlocks = 0;
  for (int k = 0; k < MULTI_RUNS; k++) {
    assert_same(&slow[k], &fast[k], k);
    assert_same(&slow[k], &split[k], k);
    int n = multi_nthreads[k / (MULTI_VARIANTS * MULTI_SEEDS)];
    cr_assert_eq(strlen(slow[k].started), (size_t)n, "run %d", k);
    for (int i = 0; i < n; i++)
      cr_assert_eq(slow[k].started[i], '0' + i, "run %d", k);
    outcomes[slow[k].outcome]++;
    deadlocks += !strcmp(slow[k].kind, "deadlock");
  }
  /* the list covers each way an execution ends */
  cr_assert_gt(outcomes[SIM_CLEAN], 0);
  cr_assert_gt(outcomes[SIM_VIOLATION] - deadlocks, 0);
  cr_assert_gt(deadlocks, 0);
  cr_assert_gt(outcomes[SIM_BOUNDED], 0);
  cr_assert_gt(outcomes[SIM_STEP_LIMIT], 0);
}

static int deep(int n) {
  volatile char buf[4096];
  buf[0] = (char)n;
  buf[sizeof buf - 1] = (char)n;
  return n ? deep(n - 1) + buf[0] - buf[sizeof buf - 1] : 0;
}

struct deep_call {
  int deep_ok, nested_ok;
  struct seen s;
};

static void deep_then_run(void *arg) {
  struct deep_call *c = arg;
  c->deep_ok = deep(1024) == 0; /* 4 MiB of frames: an explorer's stack */
  struct multi_batch b = {&c->s, 0, 1};
  /* nested: runs in place, in this driver */
  c->nested_ok = sim_run_driver(multi_batch_run, &b) == 0;
}

Test(workers, driver_has_a_large_stack_and_nests) {
  char err[128];
  cr_assert_eq(sim_init(2, err, sizeof err), 0, "%s", err);
  static struct deep_call c;
  cr_assert_eq(sim_run_driver(deep_then_run, &c), 0);
  cr_assert(c.deep_ok);
  cr_assert(c.nested_ok);
  struct seen slow;
  multi_run(0, &slow);
  assert_same(&slow, &c.s, 0);
}

/* Two models one after the other in one driver: the two-thread program
   above (a deadlock by replay, then the timed policy) and the multi model
   on five threads, as from maestro. */
struct two_models {
  sim_result r[3];
  struct seen s;
  uint64_t order[8];
  int norder;
};

/* run() without asserts (it runs inside a driver); 'sched' as "0.1.1",
   single-digit thread ids. */
static void run_quiet(struct prog *p, enum sim_policy pol, const char *sched,
                      sim_result *r) {
  static uint8_t seq[8];
  size_t n = 0;
  for (const char *c = sched; c && *c; c++)
    if (*c != '.')
      seq[n++] = (uint8_t)(*c - '0');
  sim_sched ss;
  sim_exec_cfg cfg = {.ops = &ops,
                      .model = p,
                      .nthreads = 2,
                      .threads = th,
                      .nobjs = 4,
                      .chooser = sim_sched_init(&ss, pol, 7, seq, n)};
  sim_exec_run(&cfg, r);
}

static void two_models_run(void *arg) {
  struct two_models *m = arg;
  struct prog abba = {.kind = 0}, timed = {.kind = 3};
  run_quiet(&abba, SIM_POLICY_REPLAY, "0.1", &m->r[0]);
  multi_run(MULTI_VARIANTS * MULTI_SEEDS + 2, &m->s); /* five threads */
  run_quiet(&timed, SIM_POLICY_TIMED, NULL, &m->r[1]);
  memcpy(m->order, timed.order, sizeof m->order);
  m->norder = timed.norder;
  run_quiet(&abba, SIM_POLICY_REPLAY, "0.0.0.0.1.1.1.1", &m->r[2]);
}

static void assert_same_result(const sim_result *a, const sim_result *b) {
  cr_assert_eq(a->outcome, b->outcome);
  cr_assert_str_eq(a->kind, b->kind);
  cr_assert_str_eq(a->msg, b->msg);
  cr_assert_eq(a->steps, b->steps);
  cr_assert_eq(a->end_ns, b->end_ns);
  cr_assert_eq(a->trace_hash, b->trace_hash);
  cr_assert_eq(a->nsched, b->nsched);
  cr_assert_eq(memcmp(a->sched, b->sched, a->nsched), 0);
}

Test(workers, models_one_after_another_in_one_driver) {
  char err[128];
  cr_assert_eq(sim_init(2, err, sizeof err), 0, "%s", err);
  static struct two_models fast, slow;
  cr_assert_eq(sim_run_driver(two_models_run, &fast), 0);
  two_models_run(&slow); /* from maestro: an actor per thread */
  cr_assert_str_eq(slow.r[0].kind, "deadlock");
  cr_assert_eq(slow.r[2].outcome, SIM_CLEAN);
  cr_assert_eq(slow.r[2].steps, 8);
  for (int i = 0; i < 3; i++) {
    assert_same_result(&slow.r[i], &fast.r[i]);
    sim_result_free(&slow.r[i]);
    sim_result_free(&fast.r[i]);
  }
  assert_same(&slow.s, &fast.s, MULTI_VARIANTS * MULTI_SEEDS + 2);
  cr_assert_eq(slow.norder, fast.norder);
  cr_assert_eq(memcmp(slow.order, fast.order, sizeof slow.order), 0);
}
