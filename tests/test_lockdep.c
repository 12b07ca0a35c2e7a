/*
** test_lockdep.c - the lock-order checker (sim/lockdep.h) on the litmus
** lock programs (models/litmus.c): ABBA reported from a run that did not
** deadlock, with its exact message and full report; the AB-BC-CA ring; no
** cycle when a lock is released before the other is taken; the read/write
** rule; a wait counted as an acquisition; recursion on two locks of one
** class; trylocks add no edge, those whose failure waits do (after their
** step); each cycle reported once per graph; the
** switch (no graph: the engine's old outcomes); `mmsim run` and `mmsim
** explore` with and without --no-lockdep.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "models/litmus.h"
#include "sim/explore.h"
#include "sim/lockdep.h"
#include "sim/sched.h"
#include "sim/sim.h"

static uint64_t max_steps = 1000; /* of run() */

static void build(litmus_model *m, const char *name, int n) {
  char err[160];
  cr_assert_eq(sim_init(3, err, sizeof err), 0, "%s", err);
  cr_assert_eq(litmus_init(m, name, n, err, sizeof err), 0, "%s", err);
}

/* build(), and a fresh class graph for it (sim_lockdep_free it). */
static sim_lockdep *build_ld(litmus_model *m, const char *name, int n) {
  build(m, name, n);
  return sim_lockdep_new();
}

/* An execution of m's threads with graph ld (NULL: no checker), its
   chooser and step limit left to the caller. */
static sim_exec_cfg litmus_cfg(litmus_model *m, sim_lockdep *ld) {
  return (sim_exec_cfg){.ops = &litmus_ops,
                        .model = m,
                        .nthreads = litmus_nthreads(m),
                        .threads = litmus_threads(m),
                        .nobjs = litmus_nobjs(m),
                        .lockdep = ld};
}

/* One execution of 'sched' (followed exactly up to where the execution
   stops) with graph ld (NULL: no checker). */
static void run(litmus_model *m, const char *sched, sim_lockdep *ld,
                sim_result *r) {
  uint8_t *seq;
  sim_sched ss;
  sim_exec_cfg cfg = litmus_cfg(m, ld);
  cfg.chooser = replay_chooser(&ss, sched, &seq);
  cfg.max_steps = max_steps;
  cr_assert_eq(sim_exec_run(&cfg, r), 0);
  cr_assert_eq(ss.diverged, 0, "schedule %s diverged at step %llu", sched,
               (unsigned long long)ss.diverged_at);
  free(seq);
}

/* A lock-order violation found at step 'at', the execution run on to its
   end ('steps'). */
static void assert_lock_order(const sim_result *r, uint64_t at, uint64_t steps,
                              const char *msg) {
  cr_assert_eq(r->outcome, SIM_VIOLATION, "outcome %d: %s", r->outcome, r->msg);
  cr_assert_str_eq(r->kind, "lock-order");
  cr_assert_eq(r->kind_id, SIM_KIND_LOCK_ORDER);
  cr_assert_str_eq(r->msg, msg);
  cr_assert_eq(r->viol_seq, at);
  cr_assert_eq(r->steps, steps);
}

static void assert_edges(const sim_lockdep *ld, const char *const *want,
                         int n) {
  cr_assert_eq(sim_lockdep_nedges(ld), n);
  for (int i = 0; i < n; i++) {
    char buf[96];
    sim_lockdep_edge_text(ld, i, buf, sizeof buf);
    cr_assert_str_eq(buf, want[i], "edge %d", i);
  }
}

Test(lockdep, kind_is_the_engines) {
  const sim_kind *k = sim_kind_get(NULL, SIM_KIND_LOCK_ORDER);
  cr_assert_str_eq(k->name, "lock-order");
  cr_assert_eq(sim_kind_find(NULL, "lock-order"), SIM_KIND_LOCK_ORDER);
  cr_assert_eq(SIM_NENGINE_KINDS, 3);
}

Test(lockdep, classes_of_the_litmus_programs) {
  static const struct {
    const char *prog;
    int n;
    sim_oid o;
    int cls;
    const char *name;
  } cases[] = {
      {"abba", 2, 1, 1, "B"},
      {"abc", 3, 2, 2, "C"},
      {"recursive", 1, 0, 0, "page lock"},
      {"recursive", 1, 1, 0, "page lock"},
      {"counter", 2, 0, 0, "l"},
      {"counter", 2, 1, -1, ""},
      {"filesystem", 14, 3, 0, "locki"},
      {"filesystem", 14, 17, -1, ""},
      {"filesystem", 14, 28, 1, "lockb"},
      {"indexer", 2, 5, -1, ""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    litmus_model m;
    build(&m, cases[i].prog, cases[i].n);
    char buf[32] = "";
    cr_assert_eq(litmus_ops.lock_class(&m, cases[i].o, buf, sizeof buf),
                 cases[i].cls, "%s %u", cases[i].prog, cases[i].o);
    cr_assert_str_eq(buf, cases[i].name);
  }
}

/* t0 runs to its end before t1 starts: nothing deadlocks, and the
   inversion is reported at t1's lock(A). */
Test(lockdep, abba_without_the_deadlock) {
  litmus_model m;
  sim_lockdep *ld = build_ld(&m, "abba", 2);
  sim_result r;
  run(&m, "0*4.1*4", ld, &r);
  assert_lock_order(
      &r, 5, 8,
      "possible circular locking dependency: B -> A -> B; B -> A by t1 in "
      "abba_thread (step 'lock(A)'); A -> B by t0 in abba_thread (step "
      "'lock(B)')");
  cr_assert_eq(r.nviol_objs, 2);
  cr_assert_eq(r.viol_objs[0], 1); /* B, held */
  cr_assert_eq(r.viol_objs[1], 0); /* A, acquired */
  sim_result_free(&r);
  static const char *const edges[] = {"A -> B", "B -> A"};
  assert_edges(ld, edges, 2);
  char rep[4096];
  sim_lockdep_report(ld, rep, sizeof rep);
  cr_assert_str_eq(rep, "possible circular locking dependency: B -> A -> B\n"
                        "\n"
                        "the edges, each with the step that created it:\n"
                        "  B -> A: t1 acquired A while holding B\n"
                        "    in abba_thread (step 'lock(A)')\n"
                        "    schedule 0*4.1*2\n"
                        "  A -> B: t0 acquired B while holding A\n"
                        "    in abba_thread (step 'lock(B)')\n"
                        "    schedule 0*2\n"
                        "\n"
                        "possible unsafe locking scenario:\n"
                        "\n"
                        "  CPU0                         CPU1\n"
                        "  ----                         ----\n"
                        "  lock(B);\n"
                        "                               lock(A);\n"
                        "                               lock(B);\n"
                        "  lock(A);\n"
                        "\n"
                        " *** DEADLOCK ***\n");
  /* the same cycle again: known, not reported */
  run(&m, "0*4.1*4", ld, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(sim_lockdep_nreports(ld), 1);
  sim_result_free(&r);
  /* the interleaving that does deadlock is the engine's deadlock */
  run(&m, "0.1", ld, &r);
  cr_assert_str_eq(r.kind, "deadlock");
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* A cycle found by an execution that then ends otherwise (here cut by
   the step limit) stands: the graph keeps it, with the schedule up to the
   step that found it, for the caller to take; a later execution taking
   the same edges reports nothing more. */
Test(lockdep, kept_when_the_execution_ends_otherwise) {
  litmus_model m;
  sim_lockdep *ld = build_ld(&m, "abba", 2);
  sim_result r;
  max_steps = 7;
  run(&m, "0*4.1*3", ld, &r);
  max_steps = 1000;
  cr_assert_eq(r.outcome, SIM_STEP_LIMIT, "%s", r.msg);
  sim_result_free(&r);
  static const char *const edges[] = {"A -> B", "B -> A"};
  assert_edges(ld, edges, 2);
  cr_assert_eq(sim_lockdep_nreports(ld), 1);
  sim_lockdep_finding f;
  cr_assert_eq(sim_lockdep_take(ld, &f), 1);
  cr_assert(
      strstr(f.msg, "possible circular locking dependency: B -> A -> B") ==
          f.msg,
      "%s", f.msg);
  cr_assert(strstr(f.report, "possible unsafe locking scenario"), "%s",
            f.report);
  char *s = sim_sched_format(f.sched, f.nsched);
  cr_assert_str_eq(s, "0*4.1*2"); /* t1's lock(A) found it */
  free(s);
  sim_lockdep_finding_free(&f);
  cr_assert_eq(sim_lockdep_take(ld, &f), 0);
  run(&m, "0*4.1*4", ld, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(sim_lockdep_nreports(ld), 1);
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

Test(lockdep, switched_off_is_the_old_outcome) {
  litmus_model m;
  build(&m, "abba", 2);
  sim_result r;
  run(&m, "0*4.1*4", NULL, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_eq(r.steps, 8);
  sim_result_free(&r);
  /* a model without lock_class: a graph changes nothing */
  sim_model_ops no_classes = litmus_ops;
  no_classes.lock_class = NULL;
  sim_lockdep *ld = sim_lockdep_new();
  uint8_t seq[8] = {0, 0, 0, 0, 1, 1, 1, 1};
  sim_sched ss;
  sim_exec_cfg cfg = litmus_cfg(&m, ld);
  cfg.ops = &no_classes;
  cfg.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, 8);
  cr_assert_eq(sim_exec_run(&cfg, &r), 0);
  cr_assert_eq(r.outcome, SIM_CLEAN);
  cr_assert_eq(sim_lockdep_nedges(ld), 0);
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* No two threads invert a pair: the cycle needs all three edges. */
Test(lockdep, abc_three_lock_cycle) {
  litmus_model m;
  sim_lockdep *ld = build_ld(&m, "abc", 3);
  sim_result r;
  max_steps = 8; /* t0 and t1 only: A -> B, B -> C */
  run(&m, "0*4.1*4", ld, &r);
  max_steps = 1000;
  cr_assert_eq(r.outcome, SIM_STEP_LIMIT, "%s", r.msg);
  sim_result_free(&r);
  run(&m, "2*4.0*4.1*4", ld, &r);
  assert_lock_order(
      &r, 1, 12,
      "possible circular locking dependency: C -> A -> B -> C; C -> A by t2 "
      "in abc_thread (step 'lock(A)'); A -> B by t0 in abc_thread (step "
      "'lock(B)'); B -> C by t1 in abc_thread (step 'lock(C)')");
  sim_result_free(&r);
  static const char *const edges[] = {"A -> B", "B -> C", "C -> A"};
  assert_edges(ld, edges, 3);
  char rep[4096];
  sim_lockdep_report(ld, rep, sizeof rep);
  cr_assert(strstr(rep, "\nchain exists of: C -> A -> B -> C\n"), "%s", rep);
  /* the first edges came from the first execution */
  cr_assert(strstr(rep, "  A -> B: t0 acquired B while holding A\n"
                        "    in abc_thread (step 'lock(B)')\n"
                        "    schedule 0*2\n"),
            "%s", rep);
  sim_lockdep_free(ld);
}

/* Every interleaving of abba-released: t1 never holds B while it takes
   A, so the one edge A -> B closes nothing. */
struct count {
  uint64_t execs, lock_order, deadlock;
};
static void count_exec(void *arg, const exp_exec *x) {
  struct count *c = arg;
  c->execs++;
  if (x->r->outcome == SIM_VIOLATION) {
    c->lock_order += x->r->kind_id == SIM_KIND_LOCK_ORDER;
    c->deadlock += x->r->kind_id == SIM_KIND_DEADLOCK;
  }
}

static void explore(litmus_model *m, sim_lockdep *ld, const char *strategy,
                    struct count *c) {
  exp_cfg cfg = {0};
  char err[256];
  cr_assert_eq(exp_strategy_parse(strategy, &cfg, err, sizeof err), 0, "%s",
               err);
  cfg.on_exec = count_exec;
  cfg.arg = c;
  sim_exec_cfg base = litmus_cfg(m, ld);
  base.max_steps = 1000;
  exp_stats st = {0};
  cr_assert_eq(sim_explore(&base, &cfg, &st, err, sizeof err), 0, "%s", err);
  cr_assert(st.complete);
}

Test(lockdep, released_before_taken_is_no_cycle) {
  litmus_model m;
  sim_lockdep *ld = build_ld(&m, "abba-released", 2);
  struct count c = {0};
  explore(&m, ld, "naive", &c);
  /* every interleaving the locks allow: t1 entirely first (1), or t1's
     lock(A) after t0's unlock(A) with lock(B)..unlock(B) of t1 before
     t0's lock(B) (3 placements) or after its unlock(B) (3) */
  cr_assert_eq(c.execs, 7);
  cr_assert_eq(c.lock_order, 0);
  cr_assert_eq(c.deadlock, 0);
  static const char *const edges[] = {"A -> B"};
  assert_edges(ld, edges, 1);
  sim_lockdep_free(ld);
}

/* An exploration reports each cycle once: abba's deadlocks are still
   found, the inversion once. */
Test(lockdep, explore_reports_the_cycle_once) {
  litmus_model m;
  sim_lockdep *ld = build_ld(&m, "abba", 2);
  struct count c = {0};
  explore(&m, ld, "naive", &c);
  cr_assert_eq(c.lock_order, 1);
  cr_assert_gt(c.deadlock, 0);
  cr_assert_eq(sim_lockdep_nreports(ld), 1);
  sim_lockdep_free(ld);
}

/* Two readers of A do not block each other: t0 read(A) -> B and t1
   B -> read(A) is no deadlock, and no report; t2's write of A under B is. */
Test(lockdep, read_write_rule) {
  litmus_model m;
  sim_lockdep *ld = build_ld(&m, "rwsem", 2);
  sim_result r;
  run(&m, "0*4.1*4", ld, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
  static const char *const edges[] = {"A (held shared) -> B",
                                      "B -> A (shared)"};
  assert_edges(ld, edges, 2);
  sim_lockdep_free(ld);

  ld = build_ld(&m, "rwsem", 3);
  run(&m, "0*4.1*4.2*4", ld, &r);
  assert_lock_order(
      &r, 9, 12,
      "possible circular locking dependency: B -> A -> B; B -> A by t2 in "
      "rwsem_thread (step 'down_write(A)'); A -> B by t0 in rwsem_thread "
      "(step 'lock(B)')");
  sim_result_free(&r);
  static const char *const edges3[] = {"A (held shared) -> B", "B -> A"};
  assert_edges(ld, edges3, 2);
  char rep[4096];
  sim_lockdep_report(ld, rep, sizeof rep);
  cr_assert(strstr(rep, "  CPU0                         CPU1\n"
                        "  ----                         ----\n"
                        "  lock(B);\n"
                        "                               lock_shared(A);\n"
                        "                               lock(B);\n"
                        "  lock(A);\n"),
            "%s", rep);
  sim_lockdep_free(ld);
}

/* t1 holds B and waits for A to be unlocked: lockdep cannot see it; here
   the wait is an acquisition of A's class. */
Test(lockdep, wait_counts_as_acquisition) {
  litmus_model m;
  sim_lockdep *ld = build_ld(&m, "abba-wait", 2);
  sim_result r;
  run(&m, "0*4.1*3", ld, &r);
  assert_lock_order(
      &r, 5, 7,
      "possible circular locking dependency: B -> A -> B; B -> A by t1 in "
      "abba_wait_thread (step 'wait_on(A)'); A -> B by t0 in "
      "abba_wait_thread (step 'lock(B)')");
  sim_result_free(&r);
  char rep[4096];
  sim_lockdep_report(ld, rep, sizeof rep);
  cr_assert(strstr(rep, "  B -> A: t1 waited for A while holding B\n"), "%s",
            rep);
  cr_assert(strstr(rep, "                               lock(B);\n"
                        "  wait_on(A);\n"),
            "%s", rep);
  sim_lockdep_free(ld);
  /* without the checker the same run is clean, the other order
     deadlocks */
  run(&m, "0*4.1*3", NULL, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
  run(&m, "0.1", NULL, &r);
  cr_assert_str_eq(r.kind, "deadlock");
  cr_assert_str_eq(r.msg, "t0 waits in lock(B) for B held by t1; t1 waits in "
                          "wait_on(A) for A held by t0");
  sim_result_free(&r);
}

Test(lockdep, recursion_on_one_class) {
  litmus_model m;
  sim_lockdep *ld = build_ld(&m, "recursive", 1);
  sim_result r;
  run(&m, "0*4", ld, &r);
  assert_lock_order(&r, 1, 4,
                    "possible recursive locking: t0 acquires page lock "
                    "(page#1) in recursive_thread (step 'lock_page(page#1)') "
                    "while holding page lock (page#0) taken in "
                    "recursive_thread (step 'lock_page(page#0)')");
  cr_assert_eq(sim_lockdep_nedges(ld), 0);
  sim_result_free(&r);
  run(&m, "0*4", ld, &r); /* reported once per class */
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* ------------------------------------------------------------------ CLI */

/* `mmsim run`: on by default for a model with classes, the full report
   under the result; --no-lockdep: the old outcome. */
Test(lockdep_cli, run_reports_and_no_lockdep_turns_it_off) {
  char *out;
  int rc = run_mmsim("run scenarios/litmus/abba-wait.scn --no-log", &out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert(strstr(out, "result:   VIOLATION lock-order at step 5: possible "
                        "circular locking dependency: B -> A -> B; B -> A by "
                        "t1 in abba_wait_thread (step 'wait_on(A)'); A -> B "
                        "by t0 in abba_wait_thread (step 'lock(B)')\n"
                        "lockdep:\n"
                        "  possible circular locking dependency: B -> A -> "
                        "B\n"),
            "%s", out);
  cr_assert(strstr(out, "      schedule 0*4.1*2\n"), "%s", out);
  cr_assert(strstr(out, "      schedule 0*2\n"), "%s", out);
  free(out);
  rc = run_mmsim("run scenarios/litmus/abba-wait.scn --no-log --no-lockdep",
                 &out);
  cr_assert_eq(rc, 1, "%s", out);
  cr_assert(strstr(out, "result:   clean (7 steps, no invariant violated)\n"),
            "%s", out);
  cr_assert_null(strstr(out, "lockdep:"), "%s", out);
  free(out);
}

/* `mmsim explore`: the cycle once, its report once, the deadlock too. */
Test(lockdep_cli, explore_reports_each_cycle_once) {
  char *out;
  int rc = run_mmsim("explore scenarios/litmus/abc.scn --no-log", &out);
  cr_assert_eq(rc, 0, "%s", out);
  /* the deadlock is flagged: the line expects lock-order only */
  cr_assert(strstr(out, "lock-order 1, deadlock 1 unexpected found "
                        "lock-order (expected)\n"),
            "%s", out);
  cr_assert(strstr(out, "lockdep, litmus (each distinct cycle once):\n"
                        "  possible circular locking dependency: "),
            "%s", out);
  const char *first = strstr(out, "possible unsafe locking scenario");
  cr_assert(first && !strstr(first + 1, "possible unsafe locking scenario"),
            "%s", out);
  free(out);
  rc =
      run_mmsim("explore scenarios/litmus/abc.scn --no-log --no-lockdep", &out);
  cr_assert_eq(rc, 1, "%s", out);
  cr_assert(strstr(out, "  deadlock 1 unexpected        NOT found "
                        "lock-order (expected)\n"),
            "%s", out);
  cr_assert_null(strstr(out, "lockdep,"), "%s", out);
  free(out);
}

/* ------------------------------------------------------------- trylock */

/* t0 takes A then trylocks B; t1 takes B then A.  A trylock cannot wait,
   so it adds no edge A -> B (lockdep's rule), and t1's B -> A closes no
   cycle; B is still held after a successful trylock, so t0 taking C under
   it adds B -> C. */
static int try_waits; /* t0's trylock is SIM_TRYLOCK_WAITS */
static void try_reset(void *model) {
  (void)model;
}
static void try_thread(void *model, sim_thread *t, int tid) {
  (void)model;
  sim_enter(t, "try_thread");
  if (tid == 0) {
    SIM_STEP(t, "lock(A)", 1, SIM_LOCK(0));
    if (try_waits)
      SIM_STEP(t, "trylock(B)", 1, SIM_TRYLOCK_WAITS(1));
    else
      SIM_STEP(t, "trylock(B)", 1, SIM_TRYLOCK(1));
    cr_assert(sim_trylock_ok(t));
    SIM_STEP(t, "lock(C)", 1, SIM_LOCK(2));
    SIM_STEP(t, "unlock(C)", 1, SIM_UNLOCK(2));
    SIM_STEP(t, "unlock(B)", 1, SIM_UNLOCK(1));
    SIM_STEP(t, "unlock(A)", 1, SIM_UNLOCK(0));
  } else {
    SIM_STEP(t, "lock(B)", 1, SIM_LOCK(1));
    SIM_STEP(t, "lock(A)", 1, SIM_LOCK(0));
    SIM_STEP(t, "unlock(A)", 1, SIM_UNLOCK(0));
    SIM_STEP(t, "unlock(B)", 1, SIM_UNLOCK(1));
  }
  sim_leave(t);
}
static void try_name(void *model, sim_oid o, char *buf, size_t n) {
  (void)model;
  snprintf(buf, n, "%c", "ABC"[o]);
}
static int try_class(void *model, sim_oid o, char *buf, size_t n) {
  try_name(model, o, buf, n);
  return (int)o;
}

/* One execution of try_thread: t0 to its end, then t1 (nothing blocks). */
static void try_run(sim_lockdep *ld, sim_result *r) {
  char err[128];
  cr_assert_eq(sim_init(3, err, sizeof err), 0, "%s", err);
  static const sim_model_ops ops = {.reset = try_reset,
                                    .thread_main = try_thread,
                                    .obj_name = try_name,
                                    .lock_class = try_class};
  static const sim_thread_cfg th[2] = {{"t0", 0}, {"t1", 1}};
  uint8_t seq[10] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
  sim_sched ss;
  sim_exec_cfg cfg = {.ops = &ops,
                      .threads = th,
                      .nthreads = 2,
                      .nobjs = 3,
                      .chooser =
                          sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, 10),
                      .lockdep = ld};
  cr_assert_eq(sim_exec_run(&cfg, r), 0);
  cr_assert_eq(ss.diverged, 0);
}

Test(lockdep, trylock_adds_no_edge) {
  try_waits = 0;
  sim_lockdep *ld = sim_lockdep_new();
  sim_result r;
  try_run(ld, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  sim_result_free(&r);
  static const char *const edges[] = {"A -> C", "B -> C", "B -> A"};
  assert_edges(ld, edges, 3);
  sim_lockdep_free(ld);
}

/* The same program with t0's trylock(B) one whose failure waits
   (TestSetPageLocked then __lock_page): A -> B is an edge, and t1's
   B -> A closes the cycle, from a run in which the trylock succeeded and
   nothing blocked.  For the scheduler it is the same trylock: the same
   steps, and without the checker the same trace hash. */
Test(lockdep, trylock_that_waits_adds_the_edge) {
  sim_result plain, waits, unchecked;
  try_waits = 0;
  try_run(NULL, &plain);
  try_waits = 1;
  try_run(NULL, &unchecked);
  cr_assert_eq(unchecked.outcome, SIM_CLEAN, "%s", unchecked.msg);
  sim_lockdep *ld = sim_lockdep_new();
  try_run(ld, &waits);
  assert_lock_order(&waits, 7, 10,
                    "possible circular locking dependency: B -> A -> B; B -> "
                    "A by t1 in try_thread (step 'lock(A)'); A -> B by t0 in "
                    "try_thread (step 'trylock(B)')");
  cr_assert_eq(unchecked.trace_hash, plain.trace_hash);
  cr_assert_eq(waits.nsched, plain.nsched); /* (its hash mixes the result) */
  cr_assert_arr_eq(waits.sched, plain.sched, plain.nsched);
  static const char *const edges[] = {"A -> B", "A -> C", "B -> C", "B -> A"};
  assert_edges(ld, edges, 4);
  char rep[4096];
  sim_lockdep_report(ld, rep, sizeof rep);
  cr_assert(strstr(rep, "  A -> B: t0 acquired B while holding A\n"
                        "    in try_thread (step 'trylock(B)')\n"),
            "%s", rep);
  sim_result_free(&plain);
  sim_result_free(&waits);
  sim_result_free(&unchecked);
  sim_lockdep_free(ld);
  try_waits = 0;
}

/* A trylock that waits is counted after its step: a lock the step takes
   and drops around it (find_lock_page's tree_lock, C here) gives no edge
   to it, the locks held across the step do (A); a failed one is no
   acquisition (the blocking lock its caller then takes is one). */
static void late_thread(void *model, sim_thread *t, int tid) {
  (void)model;
  (void)tid;
  sim_enter(t, "late_thread");
  SIM_STEP(t, "lock(A)", 1, SIM_LOCK(0));
  SIM_STEP(t, "lock(C); trylock(B); unlock(C)", 1, SIM_LOCK(2),
           SIM_TRYLOCK_WAITS(1), SIM_UNLOCK(2));
  cr_assert(sim_trylock_ok(t));
  SIM_STEP(t, "lock(C); trylock(B) again; unlock(C)", 1, SIM_LOCK(2),
           SIM_TRYLOCK_WAITS(1), SIM_UNLOCK(2));
  cr_assert(!sim_trylock_ok(t)); /* held by the caller itself */
  SIM_STEP(t, "unlock(B)", 1, SIM_UNLOCK(1));
  SIM_STEP(t, "unlock(A)", 1, SIM_UNLOCK(0));
  sim_leave(t);
}

Test(lockdep, trylock_that_waits_counts_after_its_step) {
  char err[128];
  cr_assert_eq(sim_init(3, err, sizeof err), 0, "%s", err);
  static const sim_model_ops ops = {.reset = try_reset,
                                    .thread_main = late_thread,
                                    .obj_name = try_name,
                                    .lock_class = try_class};
  static const sim_thread_cfg th[1] = {{"t0", 0}};
  sim_sched ss;
  sim_lockdep *ld = sim_lockdep_new();
  sim_exec_cfg cfg = {.ops = &ops,
                      .threads = th,
                      .nthreads = 1,
                      .nobjs = 3,
                      .chooser =
                          sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, NULL, 0),
                      .lockdep = ld};
  sim_result r;
  cr_assert_eq(sim_exec_run(&cfg, &r), 0);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_eq(r.steps, 5);
  sim_result_free(&r);
  /* B held after the step: C taken under it in the second step */
  static const char *const edges[] = {"A -> C", "A -> B", "B -> C"};
  assert_edges(ld, edges, 3);
  sim_lockdep_free(ld);
}
