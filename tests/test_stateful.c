/*
** test_stateful.c - state matching (sim/stateful.c, sim/digest.c) is
** sound on scenarios small enough to check: the stateful search reaches
** the same final states and violation kinds as the stateless DPOR search
** and as the stateful naive search (every interleaving, stopped at
** explored states), on MM and litmus scenarios, 3-thread ones among them;
** the audit (each state match run on and checked against what was
** explored below the state) finds nothing.  Where the loop bound cuts
** the stateless search, the stateful one reaches at least its final
** states, without a bound, and terminates: the retry loops close cycles.
** Also: observation digests distinguish what a thread saw, and a model
** without state matching is refused with a message.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore_helpers.h"
#include "helpers.h"
#include "sim/strategy.h"

/* Every kind of a (a "k1 k2 " list) is in b and the lists have as many. */
static void same_kinds(const char *name, const char *a, const char *b) {
  cr_assert_eq(strlen(a), strlen(b), "%s: kinds '%s' vs '%s'", name, a, b);
  char buf[256];
  snprintf(buf, sizeof buf, "%s", a);
  for (char *k = strtok(buf, " "); k; k = strtok(NULL, " "))
    cr_assert(strstr(b, k), "%s: kind %s in '%s' only", name, k, a);
}

/* Is every final state of a among b's? */
static int states_within(const struct seen *a, const struct seen *b) {
  for (int i = 0; i < a->nstates; i++)
    if (!bsearch(&a->states[i], b->states, (size_t)b->nstates,
                 sizeof b->states[0], cmp_u64))
      return 0;
  return 1;
}

static void same_states(const char *name, const char *what,
                        const struct seen *a, const struct seen *b) {
  cr_assert_eq(a->nstates, b->nstates, "%s: %s: final states %d vs %d", name,
               what, a->nstates, b->nstates);
  cr_assert(states_within(a, b), "%s: %s: same final states", name, what);
  same_kinds(name, a->kinds, b->kinds);
}

/* stateful against dpor (with loop bound dbound: a stateless search of a
   retry loop needs one) and, when naive, against stateful-naive, both
   with loop bound 'bound'; then stateful again under the audit.  Without
   a bound ('bound' 0) the stateful search must cut nothing.  Returns the
   stateful search's statistics. */
static exp_stats differential(const char *name, const char *text,
                              const char *kernel, int dbound, int bound,
                              int naive) {
  static struct seen d, s, n, a;
  exp_stats sd, ss, sn, sa;
  variant = kernel;
  explore(text, "dpor", dbound, &d, &sd, 1, 0);
  explore(text, "stateful", bound, &s, &ss, 1, 0);
  cr_assert(ss.complete, "%s: the stateful search finishes", name);
  cr_assert(bound || s.cut == 0, "%s: no execution cut (%llu)", name,
            (unsigned long long)s.cut);
  if (bound) { /* both cut: what the bound hides differs */
    same_kinds(name, d.kinds, s.kinds);
  } else if (d.cut == 0)
    same_states(name, "dpor vs stateful", &d, &s);
  else { /* the bound hid some of them from dpor */
    cr_assert(states_within(&d, &s), "%s: stateful reaches dpor's states",
              name);
    same_kinds(name, d.kinds, s.kinds);
  }
  if (naive) {
    explore(text, "stateful-naive", bound, &n, &sn, 1, 0);
    cr_assert(sn.complete);
    same_states(name, "stateful-naive vs stateful", &n, &s);
  }
  audit = 1;
  explore(text, "stateful", bound, &a, &sa, 1, 0);
  audit = 0;
  cr_assert_eq(sa.execs, ss.execs, "%s: the audit changes nothing", name);
  cr_assert_eq(sa.cached, ss.cached);
  variant = NULL;
  return ss;
}

#define LITMUS(prog, n, expect)                                                \
  "scenario \"" prog "\"\nlitmus " prog " " #n "\nexpect " expect "\n"

Test(stateful, litmus) {
  char err[128]; /* the engine starts once: with the most CPUs needed */
  cr_assert_eq(sim_init(4, err, sizeof err), 0, "%s", err);
  differential("abba", LITMUS("abba", 2, "violation deadlock"), NULL, 0, 0, 1);
  exp_stats st =
      differential("counter 3", LITMUS("counter", 3, "clean"), NULL, 0, 0, 1);
  cr_assert_eq(st.passes, 1, "no cycle: one pass");
  differential("racy-counter 3",
               LITMUS("racy-counter", 3, "violation lost-update"), NULL, 0, 0,
               1);
  differential("indexer 3", LITMUS("indexer", 3, "clean"), NULL, 0, 0, 1);
  differential("filesystem 3", LITMUS("filesystem", 3, "clean"), NULL, 0, 0, 1);
  differential("lastzero 3", LITMUS("lastzero", 3, "clean"), NULL, 0, 0, 1);
}

#define MM_HEAD                                                                \
  "scenario \"t\"\nkernel 2.6.20\ncpus 2\nfile data size=4K cached=0\n"        \
  "mm p1\nmm p2\nmap p1 data at 0x10000 pages=1 shared rw mapped\n"            \
  "map p2 data at 0x10000 pages=1 shared rw mapped\n"

Test(stateful, mm_small) {
  differential("store vs load",
               MM_HEAD "cpu0: p1 store 0x10000\ncpu1: p2 load 0x10000\n"
                       "expect clean\n",
               NULL, 0, 0, 1);
  differential("load vs truncate",
               MM_HEAD "cpu0: p1 load 0x10000\ncpu1: truncate data 0\n"
                       "expect clean\n",
               NULL, 0, 0, 1);
}

/* A bundled scenario on one kernel: dpor with loop bound dbound (1 where
   3 takes tens of thousands of executions) against stateful with
   'bound'. */
static exp_stats bundled(const char *file, const char *kernel, int dbound,
                         int bound, int naive) {
  char path[512];
  snprintf(path, sizeof path, "%s/scenarios/%s", MMSIM_SOURCE_DIR, file);
  char *text = slurp(path);
  cr_assert(text, "%s", path);
  exp_stats st = differential(file, text, kernel, dbound, bound, naive);
  free(text);
  return st;
}

Test(stateful, r1_fixed_kernels_without_bound) {
  exp_stats st = bundled("fault-invalidate.scn", "2.6.23", 3, 0, 1);
  cr_assert_eq(st.passes, 1);
  st = bundled("fault-truncate.scn", "2.6.23", 3, 0, 1);
  cr_assert_eq(st.passes, 2, "a retry loop: a hit on the current path");
  bundled("fault-punch.scn", "2.6.23", 1, 0, 1);
  bundled("fault-punch-same-mm.scn", "2.6.23", 1, 0, 1);
}

/* 2.6.20 reads truncate_count, which grows with every unmap: its state
   space is infinite and the stateful search keeps the loop bound.  It
   finds the violations stateless DPOR finds. */
Test(stateful, r1_racy_kernels_bounded) {
  bundled("fault-invalidate.scn", "2.6.20", 3, 3, 0);
  bundled("fault-truncate.scn", "2.6.20", 3, 3, 0);
  bundled("fault-punch.scn", "2.6.20", 1, 3, 0);
  bundled("fault-punch-same-mm.scn", "2.6.20", 1, 3, 0);
  bundled("fault-punch-same-mm.scn", "2.6.22", 1, 3, 0);
}

/* The hole punch's ABBA (mmap_sem, i_mutex): a deadlock found by both,
   and the fixed kernels' certificates agree with dpor and the naive
   stateful search. */
Test(stateful, punch_write_abba) {
  bundled("punch-write-abba.scn", "2.6.20", 3, 3, 1);
  bundled("punch-write-abba.scn", "2.6.22", 3, 3, 1);
  bundled("punch-write-abba.scn", "2.6.23", 3, 0, 1);
}

Test(stateful, r1_three_cpus) {
  bundled("fault-invalidate-3cpu.scn", "2.6.23", 1, 0, 0);
}

/* The writeback scenarios (issue 8): the model's own threads (block
   device, exit), buffers, write generations and the writenotify ghost
   must all be in the state key, or a stateful search would miss what
   dpor finds. */
Test(stateful, r2_writeback, .timeout = 300) {
  bundled("free-buffers-store.scn", "2.6.19", 3, 0, 1);
  bundled("free-buffers-store.scn", "2.6.20", 3, 0, 1);
  bundled("free-buffers-zap.scn", "2.6.17-mm", 3, 3, 0);
  bundled("mprotect-rw.scn", "2.6.19", 3, 0, 0);
  bundled("follow-page.scn", "2.6.17-mm", 3, 0, 1);
  bundled("follow-page.scn", "2.6.20", 3, 0, 1);
  /* the journal and fsync's writepage contend for the buffer lock, which
     the block device releases (SIM_OP_UNLOCK_ANY) */
  bundled("writeback-order.scn", "2.6.19", 3, 0, 0);
  bundled("writeback-order.scn", "2.6.20", 3, 0, 0);
}

/* writeback-order: the journal and fsync's writepage contend for the
   buffer lock, a bit lock released by the block device's completion.  It
   was a WAIT-and-write step released by a write, and DPOR's race analysis
   did not see two such acquisitions as a race (the release ordered them):
   the audit of the stateful search found a continuation missing from its
   summary.  It is now an engine lock released with SIM_OP_UNLOCK_ANY, and
   r2_writeback compares stateful (audited) with dpor on it.  This test
   keeps the certificate that needs no race analysis: stateful-naive,
   every interleaving, clean, and the same final states as dpor. */
Test(stateful, writeback_order_certified_without_reduction) {
  static struct seen n, d;
  exp_stats sn, sd;
  char path[512];
  snprintf(path, sizeof path, "%s/scenarios/writeback-order.scn",
           MMSIM_SOURCE_DIR);
  char *text = slurp(path);
  cr_assert(text);
  variant = "2.6.20";
  explore(text, "stateful-naive", 0, &n, &sn, 1, 0);
  explore(text, "dpor", 0, &d, &sd, 1, 0);
  variant = NULL;
  free(text);
  cr_assert(sn.complete);
  cr_assert_eq(n.cut, 0);
  cr_assert_str_eq(n.kinds, "", "clean in every execution");
  cr_assert(states_within(&d, &n), "stateful-naive reaches dpor's states");
}

/* ------------------------------------------------ the audit's own test */

/*
** A model of its own: thread 0 polls x until two reads in a row agree and
** stores what it read to y; thread 1 sets x to 1.  prev carries across
** the poll loop's iterations.  Declared live, the search is exact: two
** final states, y = 0 (both reads before the store) and y = 1.  Left out
** (the mistake the audit is for), the second pass through the loop head
** looks like the first, and the stateful search stops there every time:
** no final state is reached; the audit, which runs on past the match,
** runs T0's steps after it and says that no run below the match took
** them.
*/
struct poll {
  int x, y, declare;
};

static void poll_reset(void *arg) {
  struct poll *p = arg;
  p->x = 0;
  p->y = -1;
}

static void poll_main(void *arg, sim_thread *t, int tid) {
  struct poll *p = arg;
  if (tid == 1) {
    SIM_STEP(t, "x = 1", 10, SIM_WR(0));
    p->x = 1;
    return;
  }
  int prev = -1, a;
  for (int iter = 0;; iter++) {
    uint64_t live = (uint64_t)(prev + 1);
    sim_loop_live(t, iter, "poll", &live, p->declare);
    SIM_STEP(t, "a = x", 10, SIM_RD(0));
    a = p->x;
    if (a == prev)
      break;
    prev = a;
  }
  SIM_STEP(t, "y = a", 10, SIM_WR(1));
  p->y = a;
}

static void poll_name(void *arg, sim_oid o, char *buf, size_t n) {
  (void)arg;
  snprintf(buf, n, "%s", o ? "y" : "x");
}

static uint64_t poll_hash(void *arg) {
  const struct poll *p = arg;
  return (uint64_t)p->x << 8 | (uint8_t)p->y;
}

static uint64_t poll_obj(void *arg, sim_oid o) {
  const struct poll *p = arg;
  return (uint64_t)(o ? p->y : p->x) + 1;
}

static const sim_model_ops poll_ops = {.reset = poll_reset,
                                       .thread_main = poll_main,
                                       .obj_name = poll_name,
                                       .state_hash = poll_hash,
                                       .obj_hash = poll_obj,
                                       .state_key = poll_hash};

/* Explores the poll model (with 'ops', poll_ops or a variant of it);
   returns sim_explore's result, err set. */
static int poll_explore_ops(const sim_model_ops *ops, int declare,
                            const char *strategy, int with_audit,
                            struct seen *s, exp_stats *st, char *err,
                            size_t errlen) {
  static struct poll p;
  static const sim_thread_cfg th[2] = {{"cpu0:poll", 0}, {"cpu1:set", 1}};
  p.declare = declare;
  cr_assert_eq(sim_init(2, err, errlen), 0, "%s", err);
  sim_exec_cfg base = {
      .ops = ops, .model = &p, .nthreads = 2, .threads = th, .nobjs = 2};
  exp_cfg cfg = {.on_exec = collect, .arg = s, .audit = with_audit};
  cr_assert_eq(exp_strategy_parse(strategy, &cfg, err, errlen), 0);
  memset(s, 0, sizeof *s);
  int rc = sim_explore(&base, &cfg, st, err, errlen);
  qsort(s->states, (size_t)s->nstates, sizeof s->states[0], cmp_u64);
  return rc;
}

static int poll_explore(int declare, const char *strategy, int with_audit,
                        struct seen *s, exp_stats *st, char *err,
                        size_t errlen) {
  return poll_explore_ops(&poll_ops, declare, strategy, with_audit, s, st, err,
                          errlen);
}

Test(stateful, audit_finds_a_missing_live_local) {
  static struct seen d, s;
  exp_stats sd, ss;
  char err[512];
  cr_assert_eq(poll_explore(1, "dpor", 0, &d, &sd, err, sizeof err), 0);
  cr_assert_eq(d.nstates, 2, "y = 0 and y = 1");
  cr_assert_eq(poll_explore(1, "stateful", 1, &s, &ss, err, sizeof err), 0,
               "%s", err);
  same_states("poll", "declared", &d, &s);
  /* prev left out: the search misses y = 0, and the audit says why */
  cr_assert_eq(poll_explore(0, "stateful", 0, &s, &ss, err, sizeof err), 0);
  cr_assert_eq(s.nstates, 0, "every run stops at a wrong match (%d)",
               s.nstates);
  cr_assert_eq(poll_explore(0, "stateful", 1, &s, &ss, err, sizeof err), -1);
  /* T0 matched at its second pass through the loop head (step 1): its
     next read is a step no run below the match took */
  cr_assert_str_eq(err, "state-matching audit: at step 2, thread 0's step "
                        "is in no execution explored below the state "
                        "matched at step 1");
}

Test(stateful, refused_without_state_matching) {
  static struct seen s;
  exp_stats st;
  char err[512];
  sim_model_ops ops = poll_ops;
  ops.state_key = NULL;
  cr_assert_eq(
      poll_explore_ops(&ops, 1, "stateful", 0, &s, &st, err, sizeof err), -1);
  cr_assert_str_eq(err,
                   "this model cannot match states (no obj_hash/state_key)");
}

/* The state table has a limit (without a loop bound an infinite state
   space would fill memory): reaching it stops the search, not exhaustive. */
Test(stateful, a_full_state_table_stops_the_search) {
  char path[512], err[512];
  snprintf(path, sizeof path, "%s/scenarios/fault-invalidate.scn",
           MMSIM_SOURCE_DIR);
  char *text = slurp(path);
  cr_assert(text);
  cr_assert_eq(scn_parse_string("t.scn", text, &scn, err, sizeof err), 0);
  cr_assert_eq(model_bind(&bind, &scn, "2.6.23", err, sizeof err), 0);
  cr_assert_eq(sim_init(bind.ncpus, err, sizeof err), 0);
  sim_exec_cfg base = model_exec_cfg(&bind);
  static struct seen s;
  exp_cfg cfg = {.on_exec = collect, .arg = &s, .max_states = 100};
  cr_assert_eq(exp_strategy_parse("stateful", &cfg, err, sizeof err), 0);
  exp_stats st;
  cr_assert_eq(sim_explore(&base, &cfg, &st, err, sizeof err), 0, "%s", err);
  cr_assert(st.states_full);
  cr_assert_eq(st.states, 100);
  cr_assert_not(st.complete, "a full table is not a certificate");
  cfg.max_states = 0; /* the default: room for all 345 */
  cr_assert_eq(sim_explore(&base, &cfg, &st, err, sizeof err), 0, "%s", err);
  cr_assert_not(st.states_full);
  cr_assert(st.complete);
  free(text);
}
