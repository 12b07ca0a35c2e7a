/*
** test_explore.c - the explorer's reduction is sound and exact on small
** scenarios: DPOR reaches the same final states and violation kinds as
** naive enumeration, covers every Mazurkiewicz trace naive sees, and runs
** exactly one complete execution per trace (source sets + sleep sets never
** explore two equivalent complete executions); the same for the optimal
** strategy (wakeup trees); 3-thread scenarios among them.  No
** sleep-set-blocked execution: dpor where every conflict is inside
** critical sections (lock-aware happens-before), optimal on lastzero too.
** Also: bounded search finds the fewest-preemption counterexample first,
** --jobs splits cover the same states, and the CLI certifies the fixed
** kernel and replays what it finds.
** Unit tests of the pieces: the strategy table (parse/name round trips,
** certifies flags, error messages), the dependence of single-step lock
** sections, and the execution graph on hand-built graphs (happens-before
** and its lock-aware form, races, preemptions, trace ids, node
** invariants).
*/
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore_helpers.h"
#include "helpers.h"
#include "models/model.h"
#include "sim/explore.h"
#include "sim/sched.h"
#include "sim/strategy.h"

/* Search b (stats sb) reached what naive search a did, one execution per
   trace (dpor and optimal). */
static void same_as_naive(const char *name, const struct seen *a,
                          const struct seen *b, const exp_stats *sb) {
  cr_assert(sb->complete, "%s: the search finishes", name);
  cr_assert_eq(a->nstates, b->nstates, "%s: final states %d vs %d", name,
               a->nstates, b->nstates);
  cr_assert_eq(memcmp(a->states, b->states, (size_t)a->nstates * 8), 0,
               "%s: same final states", name);
  cr_assert_str_eq(a->kinds, b->kinds, "%s: same violation kinds", name);
  cr_assert_eq(a->ntraces, b->ntraces, "%s: traces %d vs %d", name, a->ntraces,
               b->ntraces);
  cr_assert_eq(memcmp(a->traces, b->traces, (size_t)a->ntraces * 8), 0,
               "%s: DPOR covers every Mazurkiewicz trace", name);
  cr_assert_eq(b->complete, (uint64_t)a->ntraces,
               "%s: one complete DPOR execution per trace (%llu vs %d)", name,
               (unsigned long long)b->complete, a->ntraces);
}

/* dpor, then optimal, against naive on one scenario; returns the naive
   and dpor execution counts (optimal's must equal dpor's). */
static void compare(const char *name, const char *text, uint64_t *naive_n,
                    uint64_t *dpor_n) {
  static struct seen a, b;
  exp_stats sa, sb;
  explore(text, "naive", 0, &a, &sa, 1, 0);
  for (int o = 1; o >= 0; o--) {
    explore(text, o ? "optimal" : "dpor", 0, &b, &sb, 1, 0);
    same_as_naive(name, &a, &b, &sb);
  }
  cr_assert_leq(b.complete, a.complete);
  *naive_n = a.complete;
  *dpor_n = b.complete;
}

#define LITMUS(prog, n, expect)                                                \
  "scenario \"" prog "\"\nlitmus " prog " " #n "\nexpect " expect "\n"

Test(reduction, litmus_counter) {
  uint64_t nv, dp;
  compare("counter 3", LITMUS("counter", 3, "clean"), &nv, &dp);
  cr_assert_eq(dp, 6, "3! orders of the critical sections");
  cr_assert_eq(nv, 6, "the lock leaves no other choice");
}

Test(reduction, litmus_racy_counter) {
  uint64_t nv, dp;
  compare("racy-counter 2", LITMUS("racy-counter", 2, "violation lost-update"),
          &nv, &dp);
  cr_assert_eq(nv, 6, "C(4,2) interleavings of two read/write pairs");
  cr_assert_eq(dp, 4);
}

Test(reduction, litmus_lastzero) {
  uint64_t nv, dp;
  compare("lastzero 2", LITMUS("lastzero", 2, "clean"), &nv, &dp);
  cr_assert_gt(nv, dp);
}

Test(reduction, litmus_abba) {
  uint64_t nv, dp;
  compare("abba", LITMUS("abba", 2, "violation deadlock"), &nv, &dp);
  cr_assert_eq(dp, 3, "A first, B first, and the deadlock");
}

Test(reduction, litmus_indexer_and_filesystem) {
  uint64_t nv, dp;
  compare("indexer 2", LITMUS("indexer", 2, "clean"), &nv, &dp);
  cr_assert_eq(dp, 1, "no collision below 12 threads: one trace");
  cr_assert_eq(nv, 70, "C(8,4) interleavings of two 4-CAS threads");
  compare("filesystem 2", LITMUS("filesystem", 2, "clean"), &nv, &dp);
  cr_assert_eq(dp, 1);
}

#define MM_HEAD                                                                \
  "scenario \"t\"\nkernel 2.6.20\ncpus 2\nfile data size=4K cached=0\n"        \
  "mm p1\nmm p2\nmap p1 data at 0x10000 pages=1 shared rw mapped\n"            \
  "map p2 data at 0x10000 pages=1 shared rw mapped\n"

Test(reduction, mm_load_vs_truncate) {
#ifdef MMSIM_SANITIZE
  /* 177106 naive executions with one OS thread per actor: minutes under
     ASan.  The plain build runs it; here DPOR alone must find 2 traces. */
  static struct seen s;
  exp_stats st;
  explore(MM_HEAD "cpu0: p1 load 0x10000\ncpu1: truncate data 0\n"
                  "expect clean\n",
          "dpor", 0, &s, &st, 1, 0);
  cr_assert_eq(s.complete, 2);
  return;
#endif
  uint64_t nv, dp;
  compare("load vs truncate",
          MM_HEAD "cpu0: p1 load 0x10000\ncpu1: truncate data 0\n"
                  "expect clean\n",
          &nv, &dp);
  cr_assert_eq(dp, 2, "the load before or after the zap");
  cr_assert_gt(nv, 100000, "naive: %llu", (unsigned long long)nv);
}

Test(reduction, mm_store_vs_load) {
  uint64_t nv, dp;
  compare("store vs load",
          MM_HEAD "cpu0: p1 store 0x10000\ncpu1: p2 load 0x10000\n"
                  "expect clean\n",
          &nv, &dp);
  cr_assert_eq(dp, 3);
  cr_assert_eq(nv, 13);
}

/* Three threads: the lock-aware happens-before (dpor.c) drops data races
   that only a reversal of two critical sections could reverse; the
   acquisition races still reverse them. */
Test(reduction, three_threads_lock_aware) {
  uint64_t nv, dp;
  compare("counter 4", LITMUS("counter", 4, "clean"), &nv, &dp);
  cr_assert_eq(dp, 24, "4! orders of the critical sections");
  compare("racy-counter 3", LITMUS("racy-counter", 3, "violation lost-update"),
          &nv, &dp);
  compare("lastzero 3", LITMUS("lastzero", 3, "clean"), &nv, &dp);
  cr_assert_eq(dp, 12);
  compare("indexer 3", LITMUS("indexer", 3, "clean"), &nv, &dp);
  cr_assert_eq(dp, 1);
  compare("store, load, load on 3 cpus",
          "scenario \"t\"\nkernel 2.6.20\ncpus 3\nfile data size=4K "
          "cached=0\nmm p1\nmm p2\n"
          "map p1 data at 0x10000 pages=1 shared rw mapped\n"
          "map p2 data at 0x10000 pages=1 shared rw mapped\n"
          "cpu0: p1 store 0x10000\ncpu1: p2 load 0x10000\n"
          "cpu2: p1 load 0x10000\nexpect clean\n",
          &nv, &dp);
  cr_assert_eq(dp, 18);
  cr_assert_eq(nv, 182);
}

/* No execution is sleep-set blocked, each one is a distinct trace, and
   dpor and optimal reach the same traces and final states.  dpor: where
   every conflict sits inside critical sections (filesystem(16) had 279
   blocked executions without the lock-aware happens-before).  optimal
   (wakeup trees): everywhere here, lastzero too (lastzero(8): dpor has
   1068 blocked executions for 704 traces). */
Test(reduction, no_blocked_executions) {
  static const struct {
    const char *text;
    uint64_t traces;
    int locked; /* dpor runs no blocked execution either */
  } cases[] = {
      /* the most threads first: the engine keeps its first CPU count */
      {LITMUS("filesystem", 16, "clean"), 8, 1},
      {LITMUS("filesystem", 14, "clean"), 2, 1},
      {LITMUS("indexer", 13, "clean"), 64, 1},
      {LITMUS("counter", 4, "clean"), 24, 1},
      {LITMUS("lastzero", 6, "clean"), 144, 0},
      {LITMUS("lastzero", 8, "clean"), 704, 0},
      {"scenario \"t\"\nkernel 2.6.20\ncpus 3\nfile data size=4K "
       "cached=0\nmm p1\nmm p2\nmap p1 data at 0x10000 pages=1 shared rw\n"
       "map p2 data at 0x10000 pages=1 shared rw\ncpu0: p1 load 0x10000\n"
       "cpu1: p2 load 0x10000\ncpu2: p1 load 0x10000\nexpect clean\n",
       116, 0},
  };
  static struct seen s, d;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    exp_stats st, sd;
    explore(cases[i].text, "optimal", 0, &s, &st, 1, 0);
    explore(cases[i].text, "dpor", 0, &d, &sd, 1, 0);
    cr_assert(st.complete && sd.complete);
    cr_assert_eq(st.pruned, 0, "case %zu: %llu blocked executions", i,
                 (unsigned long long)st.pruned);
    cr_assert(!cases[i].locked || sd.pruned == 0,
              "case %zu: dpor: %llu blocked executions", i,
              (unsigned long long)sd.pruned);
    cr_assert_eq(s.complete, (uint64_t)s.ntraces,
                 "case %zu: one execution per trace", i);
    cr_assert_eq(s.complete, cases[i].traces, "case %zu: %llu traces", i,
                 (unsigned long long)s.complete);
    cr_assert_eq(d.ntraces, s.ntraces);
    cr_assert_eq(d.complete, s.complete);
    cr_assert_eq(memcmp(d.traces, s.traces, (size_t)s.ntraces * 8), 0,
                 "case %zu: the same traces", i);
    cr_assert_eq(d.nstates, s.nstates);
    cr_assert_eq(memcmp(d.states, s.states, (size_t)s.nstates * 8), 0,
                 "case %zu: the same final states", i);
  }
}

Test(explore, dpor_finds_r1_and_certifies_the_fix) {
  static struct seen s;
  exp_stats st;
  char text[] = "scenario \"t\"\nkernel 2.6.20\ncpus 2\n"
                "file data size=4K cached=0\nmm p1\n"
                "map p1 data at 0x10000 pages=1 shared rw\n"
                "cpu0: p1 load 0x10000\ncpu1: dio_write data page=0\n"
                "expect violation page-mapped-on-remove\n";
  stop_first = 1;
  explore(text, "dpor", 3, &s, &st, 1, 0);
  stop_first = 0;
  cr_assert(strstr(s.kinds, "page-mapped-on-remove"), "%s", s.kinds);
  cr_assert_lt(s.complete, 100, "found early: %llu executions",
               (unsigned long long)s.complete);

  char *k = strstr(text, "kernel 2.6.20");
  memcpy(k, "kernel 2.6.23", 13);
  explore(text, "dpor", 3, &s, &st, 1, 0);
  cr_assert(st.complete);
  cr_assert_str_eq(s.kinds, "", "2.6.23 has no violation");
  cr_assert_gt(s.complete, 10);
}

Test(explore, bounded_finds_fewest_preemptions_first) {
  static struct seen s;
  exp_stats st;
  explore(LITMUS("racy-counter", 2, "violation lost-update"), "bounded:3", 0,
          &s, &st, 1, 0);
  cr_assert(st.complete);
  cr_assert_eq(s.min_pre, 1, "one preemption suffices to lose an update");
  cr_assert_eq(st.bound_reached, 3);
}

Test(explore, jobs_cover_the_same_states) {
  static struct seen one, part;
  exp_stats st;
  const char *text = LITMUS("lastzero", 3, "clean");
  explore(text, "dpor", 0, &one, &st, 1, 0);
  uint64_t states[MAXSET];
  int n = 0;
  uint64_t execs = 0;
  for (int j = 0; j < 3; j++) {
    explore(text, "dpor", 0, &part, &st, 3, j);
    for (int i = 0; i < part.nstates; i++)
      add(states, &n, part.states[i]);
    execs += part.complete;
  }
  qsort(states, (size_t)n, sizeof states[0], cmp_u64);
  cr_assert_eq(n, one.nstates);
  cr_assert_eq(memcmp(states, one.states, (size_t)n * 8), 0);
  cr_assert_geq(execs, one.complete);
}

Test(explore, random_and_pct_are_seeded) {
  static struct seen a, b;
  exp_stats st;
  explore(LITMUS("racy-counter", 3, "violation lost-update"), "pct:50,2", 0, &a,
          &st, 1, 0);
  explore(LITMUS("racy-counter", 3, "violation lost-update"), "pct:50,2", 0, &b,
          &st, 1, 0);
  cr_assert_eq(a.complete, 50);
  cr_assert_eq(a.ntraces, b.ntraces);
  cr_assert_eq(memcmp(a.traces, b.traces, (size_t)a.ntraces * 8), 0);
  cr_assert(strstr(a.kinds, "lost-update"));
  explore(LITMUS("racy-counter", 3, "violation lost-update"), "random:40", 0,
          &a, &st, 1, 0);
  cr_assert_eq(a.complete, 40);
  cr_assert_eq(st.complete, 0, "sampling certifies nothing");
}

Test(explore, strategy_parse_errors) {
  static const struct {
    const char *in, *msg;
  } cases[] = {
      {"bfs", "unknown strategy 'bfs', expected dpor, naive, bounded:K, "
              "pct:N,d, random:N, optimal, stateful or stateful-naive"},
      {"bounded:x", "bad bound in 'bounded:x', expected bounded:K with K "
                    "0..64"},
      {"random:0", "bad count in 'random:0', expected random:N with N >= 1"},
      {"pct:10", "bad parameters in 'pct:10', expected pct:N,d with N >= 1 "
                 "and d 1..9"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    exp_cfg c = {0};
    char err[256];
    cr_assert_eq(exp_strategy_parse(cases[i].in, &c, err, sizeof err), -1);
    cr_assert_str_eq(err, cases[i].msg);
  }
}

/* The command line: find, minimise, replay; certify the fix. */
Test(explore_cli, finds_replays_and_certifies) {
  char *out;
  int rc = run_mmsim("explore scenarios/fault-invalidate.scn --no-log --first",
                     &out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert(strstr(out, "found page-mapped-on-remove (expected)"), "%s", out);
  /* the default search matches states: 2.6.23 without a loop bound */
  cr_assert(strstr(out, "clean in every execution (349 states)\n"), "%s", out);
  cr_assert(strstr(out, "2.6.23   state matching: no loop bound, 349 "
                        "states, 11 executions stopped at one already "
                        "explored, 1 pass (0 executions run again)\n"),
            "%s", out);
  /* the minimal counterexample replays to the same violation */
  const char *cmd = strstr(out, "mmsim replay scenarios/fault-invalidate.scn "
                                "--variant 2.6.20 --schedule '");
  cr_assert_not_null(cmd, "%s", out);
  const char *q = strchr(cmd, '\'') + 1;
  char sched[2048];
  size_t n = strcspn(q, "'");
  memcpy(sched, q, n);
  sched[n] = 0;
  char args[4096], *rout;
  snprintf(args, sizeof args,
           "replay scenarios/fault-invalidate.scn --no-log --variant 2.6.20 "
           "--schedule '%s'",
           sched);
  cr_assert_eq(run_mmsim(args, &rout), 0, "%s", rout);
  cr_assert(strstr(rout, "result:   VIOLATION"), "%s", rout);
  cr_assert_null(strstr(rout, "note:"), "the schedule replays exactly");
  free(rout);
  free(out);
  /* stateless DPOR: one execution per trace, under the loop bound */
  cr_assert_eq(run_mmsim("explore scenarios/fault-invalidate.scn --no-log "
                         "--strategy dpor --variants 2.6.23",
                         &out),
               0);
  cr_assert(strstr(out, "strategy dpor, loop bound 3\n"), "%s", out);
  cr_assert(strstr(out, "all 19 traces clean\n"), "%s", out);
  free(out);
}

Test(explore_cli, usage_errors) {
  char *out;
  cr_assert_eq(
      run_mmsim("explore scenarios/fault-punch.scn --strategy bfs", &out), 2);
  cr_assert_str_eq(out, "mmsim explore: unknown strategy 'bfs', expected "
                        "dpor, naive, bounded:K, pct:N,d, random:N, optimal, "
                        "stateful or stateful-naive\n");
  free(out);
  cr_assert_eq(run_mmsim("explore", &out), 2);
  free(out);
}

/* Every violating execution found by any strategy replays, from its
   schedule alone, to the same trace hash. */
static sim_exec_cfg replay_base;
static int replayed, mismatched;
static void replay_check(void *arg, const exp_exec *x) {
  (void)arg;
  if (x->r->outcome != SIM_VIOLATION || replayed >= 20)
    return;
  sim_sched ss;
  sim_exec_cfg c = replay_base;
  c.chooser =
      sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, x->r->sched, x->r->nsched);
  sim_result r;
  cr_assert_eq(sim_exec_run(&c, &r), 0);
  replayed++;
  mismatched += r.trace_hash != x->r->trace_hash || ss.diverged;
  sim_result_free(&r);
}

Test(explore, violations_replay_to_the_same_trace_hash) {
  static const char *strategies[] = {"dpor", "naive", "bounded:2", "pct:30,3",
                                     "random:30"};
  const char *texts[] = {
      LITMUS("racy-counter", 2, "violation lost-update"),
      "scenario \"t\"\nkernel 2.6.20\ncpus 2\n"
      "file data size=4K cached=all tmpfs\nmm p1\nmm p2\n"
      "map p1 data at 0x10000 pages=1 shared rw\n"
      "map p2 data at 0x20000 pages=1 shared rw\n"
      "cpu0: p1 load 0x10000\ncpu1: p2 madvise 0x20000 remove\n"
      "expect violation page-mapped-on-remove\n"};
  for (int k = 0; k < 2; k++)
    for (int i = 0; i < 5; i++) {
      if (k == 1 && i == 1)
        continue; /* naive on the MM path is too large */
      char err[512];
      cr_assert_eq(scn_parse_string("t.scn", texts[k], &scn, err, sizeof err),
                   0);
      cr_assert_eq(model_bind(&bind, &scn, NULL, err, sizeof err), 0);
      cr_assert_eq(sim_init(bind.ncpus, err, sizeof err), 0);
      replay_base = model_exec_cfg(&bind);
      sim_exec_cfg base = replay_base;
      base.loop_bound = 3;
      exp_cfg cfg = {.on_exec = replay_check, .max_execs = 2000};
      cr_assert_eq(exp_strategy_parse(strategies[i], &cfg, err, sizeof err), 0);
      replayed = mismatched = 0;
      exp_stats st;
      cr_assert_eq(sim_explore(&base, &cfg, &st, err, sizeof err), 0);
      cr_assert_gt(replayed, 0, "%s found no violation on text %d",
                   strategies[i], k);
      cr_assert_eq(mismatched, 0, "%s: %d of %d replays differ", strategies[i],
                   mismatched, replayed);
    }
}

/* ------------------------------------------------------ strategy table */

/* Every row of the table: parse and name round trip, certifies flag. */
Test(strategy, table_round_trip_and_certifies) {
  static const struct {
    const char *in;
    enum exp_strategy id;
    int certifies;
  } cases[] = {
      {"dpor", EXP_DPOR, 1},         {"naive", EXP_NAIVE, 1},
      {"bounded:0", EXP_BOUNDED, 1}, {"bounded:64", EXP_BOUNDED, 1},
      {"pct:200,3", EXP_PCT, 0},     {"pct:1,9", EXP_PCT, 0},
      {"random:17", EXP_RANDOM, 0},  {"optimal", EXP_OPTIMAL, 1},
      {"stateful", EXP_STATEFUL, 1}, {"stateful-naive", EXP_STATEFUL_NAIVE, 1},
  };
  uint32_t covered = 0;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    exp_cfg c = {0};
    char err[256], name[64];
    cr_assert_eq(exp_strategy_parse(cases[i].in, &c, err, sizeof err), 0,
                 "%s: %s", cases[i].in, err);
    cr_assert_eq(c.strategy, cases[i].id, "%s", cases[i].in);
    cr_assert_str_eq(exp_strategy_name(&c, name, sizeof name), cases[i].in);
    cr_assert_eq(exp_strategy_certifies(&c), cases[i].certifies, "%s",
                 cases[i].in);
    const exp_strategy_def *d = exp_strategy_of(c.strategy);
    cr_assert_eq(d->id, c.strategy);
    cr_assert(!strncmp(cases[i].in, d->name, strlen(d->name)));
    covered |= 1u << c.strategy;
  }
  cr_assert_eq(covered, (1u << EXP_NSTRATEGIES) - 1,
               "an example for every row of the table");
  for (int i = 0; i < EXP_NSTRATEGIES; i++) {
    const exp_strategy_def *d = &exp_strategies[i];
    cr_assert_eq((int)d->id, i, "the table is in enum order");
    cr_assert(d->first || d->sample, "%s: depth-first or sampled", d->name);
    cr_assert(!d->sample || !d->certifies, "%s: sampling certifies nothing",
              d->name);
  }
}

/* Bad strings: each message names the string and the expected form, and
   cfg is left as it was. */
Test(strategy, parse_error_messages) {
  static const char unknown[] = "expected dpor, naive, bounded:K, pct:N,d, "
                                "random:N, optimal, stateful or stateful-naive";
  static const struct {
    const char *in, *msg;
  } cases[] = {
      {"", "unknown strategy ''"},
      {"dpor:1", "unknown strategy 'dpor:1'"},
      {"bounded", "unknown strategy 'bounded'"},
      {"Random:3", "unknown strategy 'Random:3'"},
      {"bounded:", "bad bound in 'bounded:', expected bounded:K with K 0..64"},
      {"bounded:-1", "bad bound in 'bounded:-1', expected bounded:K with K "
                     "0..64"},
      {"bounded:65", "bad bound in 'bounded:65', expected bounded:K with K "
                     "0..64"},
      {"bounded:2x", "bad bound in 'bounded:2x', expected bounded:K with K "
                     "0..64"},
      {"random:", "bad count in 'random:', expected random:N with N >= 1"},
      {"random:5,2", "bad count in 'random:5,2', expected random:N with N >= "
                     "1"},
      {"pct:0,3", "bad parameters in 'pct:0,3', expected pct:N,d with N >= 1 "
                  "and d 1..9"},
      {"pct:5,0", "bad parameters in 'pct:5,0', expected pct:N,d with N >= 1 "
                  "and d 1..9"},
      {"pct:5,10", "bad parameters in 'pct:5,10', expected pct:N,d with N >= "
                   "1 and d 1..9"},
      {"pct:5,", "bad parameters in 'pct:5,', expected pct:N,d with N >= 1 "
                 "and d 1..9"},
      {"pct:5,3x", "bad parameters in 'pct:5,3x', expected pct:N,d with N >= "
                   "1 and d 1..9"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    exp_cfg c = {.strategy = EXP_NAIVE, .bound = 7, .count = 9, .pct_depth = 2};
    char err[256], want[256];
    if (!strncmp(cases[i].msg, "unknown", 7))
      snprintf(want, sizeof want, "%s, %s", cases[i].msg, unknown);
    else
      snprintf(want, sizeof want, "%s", cases[i].msg);
    cr_assert_eq(exp_strategy_parse(cases[i].in, &c, err, sizeof err), -1, "%s",
                 cases[i].in);
    cr_assert_str_eq(err, want);
    cr_assert(c.strategy == EXP_NAIVE && c.bound == 7 && c.count == 9 &&
                  c.pct_depth == 2,
              "%s: cfg unchanged", cases[i].in);
  }
  /* a short buffer truncates, never overflows */
  exp_cfg c = {0};
  char err[16];
  cr_assert_eq(exp_strategy_parse("bfs", &c, err, sizeof err), -1);
  cr_assert_str_eq(err, "unknown strateg");
}

/* ------------------------------------------------------ execution graph */

/* A footprint of one access, with its signature (exgraph.h). */
#define FP1(o, p)                                                              \
  {                                                                            \
    .n = 1, .sig = 1ull << (o), .acc = { {.obj = (o), .op = (p)} }             \
  }

/* Event footprints of the hand-built graphs: thread 0 writes object 1;
   thread 1 reads object 2, then reads object 1. */
static const exg_fp w1 = FP1(1, SIM_OP_WRITE);
static const exg_fp r2 = FP1(2, SIM_OP_READ);
static const exg_fp r1 = FP1(1, SIM_OP_READ);

/* Appends event (t, f) at node i with the given enabled set; the other
   thread's pending step is 'other' (NULL: none). */
static void put(exgraph *g, size_t i, uint32_t enabled, int t, const exg_fp *f,
                const exg_fp *other) {
  exg_node_open(g, i, enabled);
  exg_node *nd = exg_node_at(g, i);
  nd->chosen = (int8_t)t;
  nd->done = nd->backtrack = 1u << t;
  *exg_pend(g, i, t) = *f;
  *exg_pend(g, i, 1 - t) = other ? *other : (exg_fp){0};
  exg_check_node(g, i);
}

/* s_0 -T0:w1-> s_1 -T1:r2-> s_2 -T1:r1-> s_3 */
static void build_wrr(explorer *e) {
  *e = (explorer){.nthreads = 2, .def = exp_strategy_of(EXP_DPOR), .k = -1};
  exg_init(&e->g, 2);
  cr_assert_eq(exg_reserve(&e->g, 4), 0);
  put(&e->g, 0, 3, 0, &w1, &r2);
  put(&e->g, 1, 2, 1, &r2, NULL);
  put(&e->g, 2, 2, 1, &r1, NULL);
}

Test(exgraph, happens_before_and_races) {
  explorer e;
  build_wrr(&e);
  exgraph *g = &e.g;
  cr_assert_eq(dpor_analyse(&e, 3, -1), 0);
  for (size_t j = 0; j < 3; j++)
    cr_assert(exg_hb_before(g, j, j), "reflexive on e_%zu", j);
  cr_assert(exg_hb_before(g, 0, 2), "w1 -> r1: dependent");
  cr_assert(exg_hb_before(g, 1, 2), "r2 -> r1: program order");
  cr_assert(!exg_hb_before(g, 0, 1), "w1, r2 independent");
  cr_assert(!exg_hb_before(g, 2, 0) && !exg_hb_before(g, 1, 0));
  /* race (e_0, e_2): T1 (the initial of r2.r1) must be tried from s_0 */
  cr_assert_eq(exg_node_at(g, 0)->backtrack, 3u);
  cr_assert_eq(exg_node_at(g, 1)->backtrack, 2u, "no race at s_1");
  for (size_t i = 0; i < 3; i++)
    exg_check_node(g, i);
  exg_free(g);
}

Test(exgraph, preemptions) {
  explorer e;
  build_wrr(&e);
  exgraph *g = &e.g;
  const uint8_t s[] = {0, 1, 1};
  cr_assert_eq(exg_preemptions(g, s, 3), 0, "T0 had finished");
  cr_assert_eq(exg_node_at(g, 2)->pre, 0);
  exg_node_at(g, 1)->enabled = 3; /* T0 could have gone on */
  cr_assert_eq(exg_preemptions(g, s, 3), 1);
  exg_node_open(g, 2, 2);
  cr_assert_eq(exg_node_at(g, 2)->pre, 1, "node_open counts it too");
  exg_free(g);
}

Test(exgraph, trace_ids_name_the_partial_order) {
  explorer e;
  build_wrr(&e);
  exgraph *g = &e.g;
  uint64_t wrr = exg_trace_id(g, 3);
  cr_assert_neq(wrr, 0);
  /* r2 w1 r1: the independent first two swapped, one trace */
  put(g, 0, 3, 1, &r2, &w1);
  put(g, 1, 3, 0, &w1, &r1);
  put(g, 2, 2, 1, &r1, NULL);
  cr_assert_eq(exg_trace_id(g, 3), wrr);
  /* r2 r1 w1: the dependent pair reversed, another trace */
  put(g, 0, 3, 1, &r2, &w1);
  put(g, 1, 3, 1, &r1, &w1);
  put(g, 2, 1, 0, &w1, NULL);
  cr_assert_neq(exg_trace_id(g, 3), wrr);
  exg_free(g);
}

Test(exgraph, bits_intersect_below) {
  uint64_t a[2] = {1ull << 3, 1ull << 6}, b[2] = {0, 1ull << 6},
           c[2] = {1ull << 3, 0};
  cr_assert(!exg_bits_intersect_below(a, b, 2, 70), "bit 70 is not below");
  cr_assert(exg_bits_intersect_below(a, b, 2, 71));
  cr_assert(!exg_bits_intersect_below(a, c, 2, 3));
  cr_assert(exg_bits_intersect_below(a, c, 2, 4));
  cr_assert(exg_bits_intersect_below(a, c, 2, 200));
}

/* Footprints of three-thread graphs: lock l (object 5), its shared and
   single-step forms, data x (object 1) and z (object 2). */
static const exg_fp lk = FP1(5, SIM_OP_LOCK);
static const exg_fp ul = FP1(5, SIM_OP_UNLOCK);
static const exg_fp lks = FP1(5, SIM_OP_LOCK_SHARED);
static const exg_fp uls = FP1(5, SIM_OP_UNLOCK_SHARED);
static const exg_fp rz = FP1(2, SIM_OP_READ);

/* T0: take, w1, drop; T1: take, r1, drop; T2 waits with rz pending and
   never runs.  e_0..e_5 = T0 T0 T0 T1 T1 T1. */
static void build_sections(explorer *e, const exg_fp *take,
                           const exg_fp *drop) {
  *e = (explorer){.nthreads = 3, .def = exp_strategy_of(EXP_DPOR), .k = -1};
  exg_init(&e->g, 3);
  cr_assert_eq(exg_reserve(&e->g, 7), 0);
  const exg_fp *ev[6] = {take, &w1, drop, take, &r1, drop};
  int shared = take->acc[0].op == SIM_OP_LOCK_SHARED;
  for (size_t i = 0; i < 6; i++) {
    int t = i < 3 ? 0 : 1;
    /* T1 waits for T0's drop unless the lock is shared */
    uint32_t en = 4u | (i < 3 ? 1u : 0) | (i >= 3 || i == 0 || shared ? 2u : 0);
    exg_node_open(&e->g, i, en);
    exg_node *nd = exg_node_at(&e->g, i);
    nd->chosen = (int8_t)t;
    nd->done = nd->backtrack = 1u << t;
    *exg_pend(&e->g, i, 0) = i < 3 ? *ev[i] : (exg_fp){0};
    *exg_pend(&e->g, i, 1) = i < 3 ? *take : *ev[i];
    *exg_pend(&e->g, i, 2) = rz;
    exg_check_node(&e->g, i);
  }
}

Test(exgraph, lock_aware_happens_before) {
  explorer e;
  build_sections(&e, &lk, &ul);
  exgraph *g = &e.g;
  cr_assert_eq(dpor_analyse(&e, 6, -1), 0);
  cr_assert(!exg_hb_before(g, 2, 3), "a release commutes with a take");
  cr_assert(exg_lhb_before(g, 2, 3), "release -> next acquisition");
  cr_assert(!exg_hb_before(g, 1, 3) && exg_lhb_before(g, 1, 3),
            "w1 -> drop -> take: lock-aware only");
  cr_assert(exg_hb_before(g, 0, 3), "the acquisitions are dependent");
  cr_assert_eq(exg_node_at(g, 0)->backtrack, 3u,
               "the acquisition race is reversed: T1 from s_0");
  cr_assert_eq(exg_node_at(g, 1)->backtrack, 1u,
               "the data race is dropped: no blocked-initial fallback adding "
               "T2 at s_1");
  exg_free(g);

  /* shared sections commute: no edge, the data race stays */
  build_sections(&e, &lks, &uls);
  cr_assert_eq(dpor_analyse(&e, 6, -1), 0);
  cr_assert(!exg_lhb_before(g, 2, 3) && !exg_lhb_before(g, 1, 3),
            "no edge between shared sections");
  cr_assert(exg_has(exg_node_at(g, 1)->backtrack, 1),
            "the data race is reversed at s_1");
  exg_free(g);
}

/* depend.h: single-step sections commute for the lock part. */
Test(exgraph, single_step_sections_commute) {
  const sim_stepdesc sec_w = {.n = 3,
                              .acc = {{5, SIM_OP_LOCK},
                                      {1, SIM_OP_WRITE},
                                      {5, SIM_OP_UNLOCK}}},
                     sec_r = {.n = 3,
                              .acc = {{5, SIM_OP_LOCK},
                                      {2, SIM_OP_READ},
                                      {5, SIM_OP_UNLOCK}}},
                     sec_r1 = {.n = 3,
                               .acc = {{5, SIM_OP_LOCK},
                                       {1, SIM_OP_READ},
                                       {5, SIM_OP_UNLOCK}}},
                     held = {.n = 1, .acc = {{5, SIM_OP_LOCK}}},
                     shared = {.n = 1, .acc = {{5, SIM_OP_LOCK_SHARED}}},
                     tryl = {.n = 1, .acc = {{5, SIM_OP_TRYLOCK}}},
                     drop_take = {
                         .n = 2, .acc = {{5, SIM_OP_UNLOCK}, {5, SIM_OP_LOCK}}};
  cr_assert(!exp_dependent(&sec_w, &sec_r), "two sections of l commute");
  cr_assert(exp_dependent(&sec_w, &sec_r1), "their data still conflicts");
  cr_assert(exp_dependent(&sec_w, &held), "an acquisition keeping l held");
  cr_assert(exp_dependent(&sec_w, &shared), "a shared one keeping it held");
  cr_assert(exp_dependent(&sec_w, &tryl), "a trylock");
  cr_assert(exp_dependent(&drop_take, &sec_r), "not a section: drop first");
}

/* The node invariants are asserted, not assumed. */
Test(exgraph, check_node_rejects_backtrack_outside_enabled, .signal = SIGABRT) {
  explorer e;
  build_wrr(&e);
  exg_node_at(&e.g, 1)->backtrack = 3; /* T0 has finished at s_1 */
  exg_check_node(&e.g, 1);
}

Test(exgraph, check_node_rejects_a_sleeping_choice, .signal = SIGABRT) {
  explorer e;
  build_wrr(&e);
  exg_node_at(&e.g, 0)->sleep = 1;
  exg_check_node(&e.g, 0);
}

/* More than 16 threads (the enabled set is a 32-bit mask): filesystem(18)
   runs 18 threads.  Its traces double with each thread from N = 14 (2, 8,
   32 at N = 14, 16, 18), and DPOR runs one complete execution per trace. */
Test(explore, more_than_16_threads) {
  struct seen s;
  exp_stats st;
  explore(LITMUS("filesystem", 18, "clean"), "dpor", 0, &s, &st, 1, 0);
  cr_assert_eq(bind.nthreads, 18);
  cr_assert(st.complete);
  cr_assert_eq(st.execs, (uint64_t)s.ntraces, "one execution per trace");
  cr_assert_eq(s.ntraces, 32);
}
