/*
** explore.c - the explorer's driver: runs executions through the engine,
** replays a recorded prefix, extends it with fresh nodes of the execution
** graph (exgraph.c), hands the finished execution to the strategy's
** analysis (dpor.c), and backtracks to the deepest node with an untried
** candidate.  Which threads to try, and which need not be, comes from the
** strategy's row of the table (strategy.c); sampling strategies only use
** exp_run_one(), exp_account() and exp_stopping() (sample.c).
**
** One depth-first iteration (exp_dfs):
**
**   replay [0, prefix)   dfs_choose returns each node's recorded choice
**                        (the engine is deterministic: the states repeat)
**   extend to the end    fresh_node: sleep hook, first hook, --jobs split
**   analyse              the analyse hook (dpor: races -> backtrack sets)
**   account              preemptions, trace id, on_exec
**   backtrack            deepest i with backtrack - done - sleep nonempty:
**                        choose from it, prefix = i + 1
**
** sim_explore() runs the whole search inside sim_run_driver(), so that its
** executions reuse the engine's worker actors (workers.c).
*/
#include "explore.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

int exp_dependent(const sim_stepdesc *a, const sim_stepdesc *b) {
  exg_fp x, y;
  exg_fp_from(&x, a);
  exg_fp_from(&y, b);
  return exg_fp_dependent(&x, &y);
}

/* ------------------------------------------------------------- choosers */

/* --jobs: the first branching node is shared out by rank; returns the
   choices of this worker among avail, or avail elsewhere. */
static uint32_t job_share(explorer *e, size_t i, uint32_t avail) {
  const exp_cfg *cfg = e->cfg;
  if (cfg->njobs <= 1)
    return avail;
  if (e->split_depth < 0 && __builtin_popcount(avail) > 1)
    e->split_depth = (long)i;
  if ((long)i != e->split_depth)
    return avail;
  uint32_t mine = 0;
  int rank = 0;
  for (uint32_t m = avail; m; m &= m - 1, rank++)
    if (rank % cfg->njobs == cfg->job)
      mine |= 1u << __builtin_ctz(m);
  return mine;
}

/* A new node at depth i: record the state, pick the first thread, and
   set what remains to try from here.  -1: nothing to run from here. */
static int fresh_node(explorer *e, const sim_choice_ctx *c, size_t i) {
  exgraph *g = &e->g;
  exg_node_open(g, i, c->enabled);
  exg_record_pending(g, i, c->x);
  exg_node *nd = exg_node_at(g, i);
  int prev = i > 0 ? exg_node_at(g, i - 1)->chosen : -1;
  if (i > 0 && e->def->sleep)
    nd->sleep = e->def->sleep(e, i);
  uint32_t avail = c->enabled & ~nd->sleep;
  if (!avail)
    return -1;       /* sleep-set blocked: every continuation is covered */
  if (e->def->visit) /* a state explored already: stop, or audit */
    switch (e->def->visit(e, c, i)) {
    case 1:
      return -1;
    case 2:
      return sf_audit_step(e, c);
    }
  uint32_t bt = e->def->first(e, i, avail, prev);
  assert(bt && (bt & ~avail) == 0);
  uint32_t mine = job_share(e, i, avail);
  if (mine != avail) {
    nd->others = avail & ~mine;
    bt = mine; /* every choice of this worker, whatever the strategy */
    if (!mine)
      return -1;
  }
  nd->backtrack = bt;
  int p = exp_prefer(bt, prev);
  nd->chosen = (int8_t)p;
  nd->done = 1u << p;
  exg_check_node(g, i);
  return p;
}

/* Node i of the prefix: the recorded choice, in the recorded state. */
static int replay(explorer *e, const sim_choice_ctx *c, size_t i) {
  const exg_node *nd = exg_node_at(&e->g, i);
  int t = -1;
  if (nd->enabled == c->enabled && EXG_EXPENSIVE_CHECKS)
    t = exg_pending_differs(&e->g, i, c->x);
  if (nd->enabled != c->enabled || t >= 0) {
    e->error = 1;
    if (t >= 0)
      snprintf(e->err, e->errlen,
               "nondeterministic model: at step %zu the pending step of "
               "thread %d changed on replay",
               i, t);
    else
      snprintf(e->err, e->errlen,
               "nondeterministic model: at step %zu the enabled threads were "
               "%#x, then %#x on replay",
               i, nd->enabled, c->enabled);
    return -1;
  }
  assert(exg_has(c->enabled, nd->chosen) && !exg_has(nd->sleep, nd->chosen));
  return nd->chosen;
}

static int dfs_choose(void *arg, const sim_choice_ctx *c) {
  explorer *e = arg;
  size_t i = c->step;
  if (e->hit >= 0) /* past a visited state: the audit */
    return sf_audit_step(e, c);
  if (exg_reserve(&e->g, i + 2)) {
    e->error = 1;
    snprintf(e->err, e->errlen, "out of memory at depth %zu", i);
    return -1;
  }
  e->depth = i + 1; /* a node that returns -1 stays for backtracking */
  if (i < e->prefix)
    return replay(e, c, i);
  return fresh_node(e, c, i);
}

/* A deadlock: keep the blocked threads' pending steps for the races. */
static void dfs_blocked(void *arg, const sim_choice_ctx *c) {
  explorer *e = arg;
  size_t i = c->step;
  if (exg_reserve(&e->g, i + 2))
    return;
  assert(i >= e->prefix);
  *exg_node_at(&e->g, i) = (exg_node){.chosen = -1};
  exg_record_pending(&e->g, i, c->x);
  e->final = (long)i;
}

/* ------------------------------------------------------------ drivers */

int exp_run_one(explorer *e, sim_chooser ch, sim_result *r) {
  sim_exec_cfg cfg = *e->base;
  cfg.chooser = ch;
  cfg.observer = NULL;
  cfg.digests = e->sf != NULL;
  if (sim_exec_run(&cfg, r)) {
    snprintf(e->err, e->errlen, "engine error");
    return -1;
  }
  return 0;
}

int exp_stopping(const explorer *e, const exp_stats *st) {
  const exp_cfg *c = e->cfg;
  if (c->stop && *c->stop)
    return 1;
  if (c->max_execs && st->execs + st->pruned >= c->max_execs)
    return 1;
  if (sf_full(e))
    return 1;
  if (!c->stop_first)
    return 0;
  return c->stop_kinds ? (st->found_kinds & c->stop_kinds) == c->stop_kinds
                       : st->violating > 0;
}

void exp_account(explorer *e, exp_stats *st, sim_result *r, size_t depth,
                 int pre, uint64_t tid, int report) {
  if ((int)depth > st->max_depth)
    st->max_depth = (int)depth;
  st->steps += r->steps;
  if (r->outcome == SIM_PRUNED) {
    st->pruned++;
    return;
  }
  if (!report)
    return;
  st->execs++;
  st->violating += r->outcome == SIM_VIOLATION;
  if (r->outcome == SIM_VIOLATION)
    st->found_kinds |= EXP_KIND_BIT(r->kind_id);
  if (e->cfg->on_exec) {
    exp_exec x = {.ordinal = st->execs,
                  .r = r,
                  .preemptions = pre,
                  .trace_id = tid,
                  .bound = e->k};
    e->cfg->on_exec(e->cfg->arg, &x);
  }
}

/* The execution just run replayed the prefix and granted what the nodes
   chose, up to n (past it: an audit's run beyond a visited state). */
static void check_replayed(const explorer *e, const sim_result *r, size_t n) {
  assert(e->depth >= e->prefix);
  assert(n <= e->depth && n <= r->nsched);
  for (size_t i = 0; i < n; i++)
    assert(r->sched[i] == exg_thread(&e->g, i));
}

/* Chooses the next candidate of the deepest node that has one and makes
   [0, that node] the prefix.  Returns 0 when the tree is exhausted. */
static int backtrack(explorer *e) {
  exgraph *g = &e->g;
  for (long i = (long)e->depth - 1; i >= 0; i--) {
    exg_node *nd = exg_node_at(g, (size_t)i);
    exg_check_node(g, (size_t)i);
    uint32_t cand = nd->backtrack & nd->enabled & ~nd->done & ~nd->sleep;
    if (!cand)
      continue;
    int prev = i > 0 ? exg_thread(g, (size_t)i - 1) : -1;
    int q = exp_prefer(cand, prev);
    nd->chosen = (int8_t)q;
    nd->done |= 1u << q;
    exg_check_node(g, (size_t)i);
    exg_hb_truncate(g, (size_t)i); /* event i changes */
    e->prefix = (size_t)i + 1;
    return 1;
  }
  return 0;
}

int exp_dfs(explorer *e, exp_stats *st, int only_bound) {
  const exp_strategy_def *d = e->def;
  assert(d->first && !d->sample);
  e->prefix = 0;
  e->split_depth = -1;
  exg_hb_truncate(&e->g, 0);
  for (;;) {
    sim_result r;
    e->depth = 0;
    e->final = -1;
    e->hit = -1;
    if (exp_run_one(e, (sim_chooser){dfs_choose, e, dfs_blocked}, &r))
      return -1;
    if (e->error) {
      sim_result_free(&r);
      return -1;
    }
    /* stopped at a visited state: the events up to it */
    long hit = e->hit;
    size_t n = hit >= 0 ? (size_t)hit : r.nsched;
    check_replayed(e, &r, n);
    /* an execution cut short leaves threads parked at their next step:
       at a deadlock the blocked node, else the last state before it */
    long final = e->final;
    if (final < 0 && n > 0 && r.outcome != SIM_CLEAN &&
        r.outcome != SIM_PRUNED && hit < 0)
      final = (long)n - 1;
    if ((d->analyse && d->analyse(e, n, final)) ||
        (d->record && d->record(e, &r, n, final))) {
      sim_result_free(&r);
      snprintf(e->err, e->errlen, "out of memory");
      return -1;
    }
    if (hit >= 0) { /* counted as pruned; an audit's outcome is the state's */
      st->steps += r.steps;
      st->pruned++;
      st->cached++;
    } else if (e->sf && r.outcome != SIM_PRUNED && !sf_report(e, &r)) {
      st->steps += r.steps; /* an earlier pass reported it */
      st->reruns++;
    } else {
      int pre = exg_preemptions(&e->g, r.sched, n);
      uint64_t tid = e->cfg->traces && r.outcome != SIM_PRUNED
                         ? exg_trace_id(&e->g, n)
                         : 0;
      exp_account(e, st, &r, n, pre, tid, only_bound < 0 || pre == only_bound);
    }
    sim_result_free(&r);
    if (exp_stopping(e, st))
      return 0;
    if (!backtrack(e)) {
      st->complete = 1;
      return 0;
    }
  }
}

struct explore_call {
  explorer *e;
  exp_stats *st;
  int rc;
};

static void explore_in_driver(void *arg) {
  struct explore_call *c = arg;
  c->rc = c->e->def->run(c->e, c->st);
}

int sim_explore(const sim_exec_cfg *base, const exp_cfg *cfg, exp_stats *st,
                char *err, size_t errlen) {
  assert(cfg->njobs <= 1 || (cfg->job >= 0 && cfg->job < cfg->njobs));
  explorer e = {.cfg = cfg,
                .def = exp_strategy_of(cfg->strategy),
                .base = base,
                .nthreads = base->nthreads,
                .err = err,
                .errlen = errlen,
                .k = -1,
                .hit = -1};
  exg_init(&e.g, base->nthreads);
  memset(st, 0, sizeof *st);
  /* many short executions: on persistent actors */
  struct explore_call c = {&e, st, 0};
  sim_run_driver(explore_in_driver, &c);
  int rc = c.rc;
  sf_free(&e);
  opt_free(&e);
  exg_free(&e.g);
  return rc;
}
