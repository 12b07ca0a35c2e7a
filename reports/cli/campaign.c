/*
** campaign.c - see campaign.h.  This file runs one variant (the
** explorer's callback, logging, minimising each kind's counterexample)
** and the campaign over the variants; campaign_result.c holds a
** variant's counts and verdict, campaign_workers.c the --jobs split
** (campaign_int.h: what they share).
**
** Logging: every explored execution gets one `execution` row (schedule,
** outcome, trace hash; --log-all re-runs it with every event).  With one
** process the row is written as the execution is reported.  Workers of
** --jobs never touch the log: each sends its counts, final states, traces
** and counterexamples back through a pipe as text lines, and writes the
** schedule string of each execution it reports, one a line, to a temporary
** file the parent created before the fork (a file, not a pipe: the parent
** reads it only after the worker ends).  The parent merges the results,
** then re-runs each worker's schedules in worker order and logs their
** rows, so the rows are those of one process, in a deterministic order.
** Either way the minimal counterexample of each kind is then re-run with
** full event logging.
**
** The lock-order checker (sim/lockdep.h): one class graph per variant,
** kept across the variant's executions, so that each distinct cycle is
** reported once, by the execution that adds its last edge (its two
** halves may come from two executions: the report names the schedule of
** each edge).  A cycle is found only among edges of executions actually
** run: executions a reduction or state matching prunes add none.  Every
** re-run (logging, minimising) gets a graph of its own: a re-run of an
** execution whose edges the exploration's graph already holds would not
** report them again.  Each --jobs worker has its own graph, so a cycle
** may be counted once per worker.
**
** Forks happen in maestro, never inside sim_run_driver() (workers.c):
** each worker process then explores in a driver of its own (sim_explore),
** and the parent re-runs the workers' schedules in one.
*/
#include "reports/cli/campaign.h"

#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/cli/campaign_int.h"
#include "sim/hash.h"
#include "sim/lockdep.h"
#include "sim/sched.h"
#include "sim/wallclock.h"

/* ------------------------------------------------------------ one variant */

/* A graph for 'base' when it has one (same model), else NULL. */
static sim_lockdep *graph_like(const sim_exec_cfg *base) {
  return base->lockdep ? sim_lockdep_new() : NULL;
}

/* Keeps the full report of the lock-order violation just found. */
static void keep_lockdep_report(struct run *u) {
  if (!u->ld)
    return;
  char rep[8192];
  sim_lockdep_report(u->ld, rep, sizeof rep);
  camp_append_report(u->res, rep);
}

/* Logs the row of the execution granted 'seq' by re-running it with the
   base config (loop bound, max steps: a cut execution is cut again) and,
   with --log-all, every event.  A replay that diverges (a schedule not of
   this variant) says so on stderr and in the row's note.  'sched' is the
   schedule string stored. */
void camp_log_replayed(struct run *u, const uint8_t *seq, size_t n,
                       const char *sched) {
  rlog *log = u->o->log;
  rlog_exec_begin(log, u->run_id, cli_namer, &u->l->b);
  sim_sched ss;
  sim_exec_cfg c = *u->base;
  c.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, n);
  c.observer = u->o->log_all ? rlog_observer(log) : NULL;
  c.lockdep = u->log_ld;
  sim_result r;
  if (sim_exec_run(&c, &r))
    return; /* the row stays 'incomplete' */
  char note[96] = "";
  if (ss.diverged) {
    snprintf(note, sizeof note, "replay diverged at step %llu",
             (unsigned long long)ss.diverged_at);
    fprintf(stderr, "mmsim explore: schedule %s: %s\n", sched ? sched : "?",
            note);
  }
  rlog_exec_end(log, &r, sched, note[0] ? note : NULL);
  sim_result_free(&r);
}

/* Logs one explored execution (its row, or with --log-all its events). */
static void log_exec(struct run *u, const sim_result *r, const char *sched) {
  if (!u->o->log_all || r->outcome == SIM_PRUNED) {
    rlog_exec_begin(u->o->log, u->run_id, cli_namer, &u->l->b);
    rlog_exec_end(u->o->log, r, sched, NULL);
    return;
  }
  camp_log_replayed(u, r->sched, r->nsched, sched);
}

static void show_progress(struct run *u, uint64_t ordinal) {
  double t = sim_wall_seconds();
  if (t - u->last < (u->progress == 1 ? 0.25 : CAMP_PROGRESS_SECONDS))
    return;
  u->last = t;
  uint64_t v = 0;
  for (int i = 0; i < u->res->nkinds; i++)
    v += u->res->kinds[i].count;
  char of[48] = "";
  if (u->of)
    snprintf(of, sizeof of, " of %llu, %.0f s left", (unsigned long long)u->of,
             (double)(u->of - ordinal) * (t - u->t0) / (double)ordinal);
  fprintf(stderr,
          "%s[%s] executions %llu%s (%.0f/s), cut %llu, violations %llu%s",
          u->progress == 1 ? "\r" : "", u->res->variant,
          (unsigned long long)ordinal, of, (double)ordinal / (t - u->t0),
          (unsigned long long)u->res->cut, (unsigned long long)v,
          u->progress == 1 ? "  " : "\n");
}

/* A new kind, as soon as it is found (the minimal counterexample comes
   at the end). */
static void announce(struct run *u, uint64_t ordinal, const char *kind,
                     const char *sched) {
  int lit = u->l->scn.litmus[0] != 0;
  if (u->progress == 1)
    fprintf(stderr, "\r%*s\r", 78, "");
  fprintf(stderr,
          "[%s] found %s at execution %llu: mmsim replay %s%s%s --schedule "
          "'%s'\n",
          u->res->variant, kind, (unsigned long long)ordinal, u->o->path,
          lit ? "" : " --variant ", lit ? "" : u->res->variant,
          sched ? sched : "?");
}

/* Context switches in a schedule: an upper bound of its preemptions, for
   a finding whose execution the explorer did not report. */
static int switches(const uint8_t *sched, size_t n) {
  int k = 0;
  for (size_t i = 1; i < n; i++)
    k += sched[i] != sched[i - 1];
  return k;
}

/* The lock-order findings of executions that ended otherwise (a
   deadlock, another violation, a cut, a visited state: sim/lockdep.h)
   count as lock-order witnesses, with the schedule up to the step that
   found each. */
void camp_take_findings(struct run *u) {
  sim_lockdep_finding f;
  while (sim_lockdep_take(u->ld, &f)) {
    const char *kind = sim_kind_get(NULL, SIM_KIND_LOCK_ORDER)->name;
    char *sched = sim_sched_format(f.sched, f.nsched);
    if (u->o->announce && !camp_find_kind(u->res, kind))
      announce(u, u->res->st.execs, kind, sched);
    camp_add_kind(u->res, kind, 1, switches(f.sched, f.nsched), f.nsched,
                  sched);
    camp_append_report(u->res, f.report);
    free(sched);
    sim_lockdep_finding_free(&f);
  }
}

/* The final state of the execution just reported, and its conditions. */
static void record_final(struct run *u, const sim_result *r, char **sched) {
  const model_binding *b = &u->l->b;
  char text[1024];
  model_final_state(b, text, sizeof text);
  camp_add_state(u->res, text, 1);
  for (int i = 0; i < b->nconds; i++) {
    int held = model_cond_holds(b, i);
    const camp_cond *c = &u->res->conds[i];
    const char *have = held ? c->held_sched : c->failed_sched;
    uint64_t st = held ? c->held_steps : c->failed_steps;
    if (!*sched && (!have || r->steps <= st))
      *sched = sim_sched_format(r->sched, r->nsched);
    camp_add_cond(u->res, i, held, 1, r->steps, *sched);
  }
}

static void on_exec(void *arg, const exp_exec *x) {
  struct run *u = arg;
  camp_variant *res = u->res;
  const sim_result *r = x->r;
  camp_take_findings(u);
  char *sched = NULL;
  switch (r->outcome) {
  case SIM_CLEAN:
    res->clean++;
    sim_hset_add(&res->states, r->state_hash);
    break;
  case SIM_VIOLATION:
    sched = sim_sched_format(r->sched, r->nsched);
    if (u->o->announce && !camp_find_kind(res, r->kind))
      announce(u, x->ordinal, r->kind, sched);
    camp_add_kind(res, r->kind, 1, x->preemptions, r->steps, sched);
    if (r->kind_id == SIM_KIND_LOCK_ORDER)
      keep_lockdep_report(u);
    /* a violating end state differs from a clean one with equal fields */
    sim_hset_add(&res->states, sim_hash_of(r->state_hash ^ r->kind_id));
    break;
  case SIM_BOUNDED:
    res->cut++;
    break;
  case SIM_STEP_LIMIT:
    res->step_limit++;
    break;
  case SIM_PRUNED:
    break;
  }
  if (model_quiescent(r)) /* the model is still in its final state */
    record_final(u, r, &sched);
  if (u->o->cfg.traces && r->outcome != SIM_BOUNDED)
    sim_hset_add(&res->traces, x->trace_id);
  if (u->run_id >= 0 && (u->o->jobs <= 1 || u->scheds)) {
    if (!sched)
      sched = sim_sched_format(r->sched, r->nsched);
    if (!u->scheds)
      log_exec(u, r, sched);
    else if (sched) /* a worker: the parent logs it */
      fprintf(u->scheds, "%s\n", sched);
    else
      fprintf(stderr, "mmsim explore: out of memory (execution not logged)\n");
  }
  free(sched);
  if (u->deadline > 0 && (x->ordinal & 63) == 0 &&
      sim_wall_seconds() > u->deadline)
    *u->stop = 2; /* --max-time: stop like Ctrl-C, say why */
  if (u->progress && (x->ordinal & 255) == 0)
    show_progress(u, x->ordinal);
}

/* ------------------------------------------------------------ minimise */

/*
** A DPOR search finds each kind, but not necessarily its fewest-preemption
** witness: it explores one representative per trace, in an order that has
** nothing to do with preemptions.  Preemption bounding does (pass j visits
** every schedule with at most j preemptions), so a bounded:P re-search,
** with P the preemptions of the witness found, finds the fewest-preemption
** witness in the first pass that has one, and the shortest of them once
** that pass is complete.  Capped; a capped search leaves "smallest seen".
*/
struct minimise {
  const char *kind;
  sim_lockdep *ld; /* the re-search's graph: findings of executions that
                      ended otherwise are lock-order witnesses too */
  volatile sig_atomic_t *campaign_stop;
  volatile sig_atomic_t stop;
  int level;      /* pass of the first witness, -1: none yet */
  int level_done; /* that pass was completed */
  int pre;
  uint64_t steps;
  char *sched;
};

/* A witness of the kind at pass 'bound': kept if it is the smallest. */
static void witness(struct minimise *m, int bound, int pre, uint64_t steps,
                    char *sched) {
  if (m->level < 0)
    m->level = bound;
  if (sched && camp_smaller(pre, steps, sched, m->pre, m->steps, m->sched)) {
    free(m->sched);
    m->sched = sched;
    m->pre = pre;
    m->steps = steps;
  } else {
    free(sched);
  }
}

static void on_minimise_exec(void *arg, const exp_exec *x) {
  struct minimise *m = arg;
  if (*m->campaign_stop) {
    m->stop = 1;
    return;
  }
  if (m->level >= 0 && x->bound > m->level) {
    m->level_done = 1; /* the next pass started: the level is complete */
    m->stop = 1;
    return;
  }
  const sim_result *r = x->r;
  sim_lockdep_finding f;
  while (sim_lockdep_take(m->ld, &f)) {
    if (!strcmp(m->kind, sim_kind_get(NULL, SIM_KIND_LOCK_ORDER)->name))
      witness(m, x->bound, switches(f.sched, f.nsched), f.nsched,
              sim_sched_format(f.sched, f.nsched));
    sim_lockdep_finding_free(&f);
  }
  if (r->outcome != SIM_VIOLATION || strcmp(r->kind, m->kind))
    return;
  witness(m, x->bound, x->preemptions, r->steps,
          sim_sched_format(r->sched, r->nsched));
}

static void minimise_kind(struct run *u, const sim_exec_cfg *base,
                          camp_kind *k) {
  struct minimise m = {.kind = k->name, .campaign_stop = u->stop, .level = -1};
  exp_cfg cfg = {.strategy = EXP_BOUNDED,
                 .bound = k->pre,
                 .max_execs = u->o->minimise_execs ? u->o->minimise_execs
                                                   : CAMP_MINIMISE_EXECS,
                 .stop = &m.stop,
                 .on_exec = on_minimise_exec,
                 .arg = &m};
  exp_stats st = {0};
  char err[256];
  sim_exec_cfg b = *base;
  b.lockdep = graph_like(base); /* every cycle new again */
  m.ld = b.lockdep;
  int rc = sim_explore(&b, &cfg, &st, err, sizeof err);
  sim_lockdep_free(b.lockdep);
  if (rc || m.level < 0) {
    free(m.sched);
    return; /* keep the witness found; it stays "smallest seen" */
  }
  if (st.bound_reached >= m.level && !*u->stop)
    m.level_done = 1;
  if (m.pre < k->pre || (m.pre == k->pre && m.steps <= k->steps)) {
    free(k->sched);
    k->sched = m.sched;
    k->pre = m.pre;
    k->steps = m.steps;
  } else {
    free(m.sched);
  }
  k->minimal = m.level_done && k->pre == m.level;
}

/* The variant's final states, most frequent first (then by text). */
static int by_count(const void *a, const void *b) {
  const camp_state *x = a, *y = b;
  if (x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return strcmp(x->text, y->text);
}

static void log_final_states(rlog *log, int64_t run_id, camp_variant *res) {
  const char **t = malloc(res->nfstates * sizeof *t);
  uint64_t *n = malloc(res->nfstates * sizeof *n);
  for (size_t i = 0; t && n && i < res->nfstates; i++) {
    t[i] = res->fstates[i].text;
    n[i] = res->fstates[i].count;
  }
  if (!t || !n || rlog_final_states(log, run_id, t, n, res->nfstates))
    fprintf(stderr, "mmsim explore: final states not logged\n");
  free(t);
  free(n);
}

/* Re-runs each minimal counterexample with full event logging. */
static void log_counterexamples(struct run *u, const sim_exec_cfg *base) {
  const camp_opts *o = u->o;
  for (int i = 0; i < u->res->nkinds; i++) {
    camp_kind *k = &u->res->kinds[i];
    uint8_t *seq;
    size_t n;
    int col;
    char err[160];
    if (!k->sched || sim_sched_parse(k->sched, &seq, &n, &col, err, sizeof err))
      continue;
    if (u->run_id < 0) {
      cli_run_info ci;
      cli_run_info_of(&ci, u->l, "explore", "replay", 0);
      u->run_id = rlog_run_begin(o->log, &ci.ri);
    }
    sim_sched ss;
    sim_exec_cfg c = *base;
    c.loop_bound = 0;
    c.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, n);
    int64_t x = rlog_exec_begin(o->log, u->run_id, cli_namer, &u->l->b);
    if (x > 0)
      rlog_exec_counterexample(o->log);
    c.observer = rlog_observer(o->log);
    c.lockdep = graph_like(base); /* the cycle's edges of this run only */
    sim_result r;
    int rc = sim_exec_run(&c, &r);
    sim_lockdep_free(c.lockdep);
    if (!rc) {
      char note[96];
      snprintf(note, sizeof note, "minimal counterexample for %s", k->name);
      if (rlog_exec_end(o->log, &r, k->sched, note) == 0 && x > 0)
        k->log_exec = x;
      sim_result_free(&r);
    }
    free(seq);
  }
}

/* The symbolic schedule of kind k's counterexample (sim/symsched.h),
   derived by one more replay on the variant l is bound to. */
static void symbolic_of(cli_scenario *l, camp_kind *k) {
  if (!k->sched) {
    snprintf(k->symbolic_err, sizeof k->symbolic_err, "no schedule");
    return;
  }
  k->symbolic =
      cli_symbolic_of(l, k->sched, k->symbolic_err, sizeof k->symbolic_err);
}

static int explore_variant(campaign *c, const camp_opts *o, const char *variant,
                           camp_variant *res, volatile sig_atomic_t *stop,
                           double deadline) {
  cli_scenario *l = c->l;
  int rc = cli_bind(l, variant, CLI_ENGINE);
  if (rc)
    return rc;
  snprintf(res->variant, sizeof res->variant, "%s", l->b.label);
  snprintf(res->expect, sizeof res->expect, "%s", l->expect);
  res->nconds = l->b.nconds;
  for (int i = 0; i < res->nconds; i++)
    snprintf(res->conds[i].text, sizeof res->conds[i].text, "%s",
             model_cond(&l->b, i)->text);
  sim_exec_cfg base = model_exec_cfg(&l->b);
  res->loop_bound = o->loop_bound != CAMP_LOOP_BOUND_AUTO ? o->loop_bound
                    : exp_strategy_stateful(&o->cfg) && l->b.finite
                        ? 0
                        : CAMP_LOOP_BOUND;
  base.loop_bound = res->loop_bound;
  base.max_steps = o->max_steps;
  /* the audit replays matched states and expects the outcomes seen below
     them, which a graph kept across executions changes: no checker */
  if (!o->no_lockdep && !o->cfg.audit && l->b.ops->lock_class)
    base.lockdep = sim_lockdep_new();
  struct run u = {.o = o,
                  .l = l,
                  .base = &base,
                  .res = res,
                  .stop = stop,
                  .deadline = deadline,
                  .of = o->cfg.count, /* sampled: executions planned */
                  .progress = o->progress,
                  .run_id = -1,
                  .t0 = sim_wall_seconds(),
                  .ld = base.lockdep,
                  .log_ld = graph_like(&base)};
  if (o->log) {
    cli_run_info ci;
    cli_run_info_of(&ci, l, "explore", o->strategy, o->cfg.seed);
    u.run_id = rlog_run_begin(o->log, &ci.ri);
  }
  exp_cfg cfg = o->cfg;
  cfg.stop = stop;
  /* --first on a variant expected to violate: stop once every expected
     kind was found (another kind found first, such as a lock-order
     finding beside the race, would stop it short of what the scenario is
     about; so would the first of several expected kinds) */
  if (cfg.stop_first && l->b.expect.violation && !l->b.expect.any)
    for (int k = 0; k < l->b.expect.nkinds; k++) {
      uint64_t bit =
          EXP_KIND_BIT(sim_kind_find(l->b.ops, l->b.expect.kinds[k]));
      assert(bit); /* the binding checked the name; ids stay below 64 */
      cfg.stop_kinds |= bit;
    }
  cfg.on_exec = on_exec;
  cfg.arg = &u;
  double t0 = sim_wall_seconds();
  if (o->jobs <= 1) {
    char err[512];
    if (sim_explore(&base, &cfg, &res->st, err, sizeof err)) {
      fprintf(stderr, "mmsim explore: %s\n", err);
      rc = CLI_BAD_INPUT;
      goto out;
    }
  } else if ((rc = camp_explore_split(&u, &base, cfg))) {
    goto out;
  }
  camp_take_findings(&u); /* of executions the explorer did not report */
  if (deadline > 0 && !*stop && sim_wall_seconds() > deadline)
    *stop = 2; /* the workers' own deadline checks do not reach us */
  res->seconds = sim_wall_seconds() - t0;
  if (u.progress == 1)
    fprintf(stderr, "\r%*s\r", 78, "");
  for (int i = 0; i < res->nkinds && !*stop; i++)
    minimise_kind(&u, &base, &res->kinds[i]);
  camp_judge(res, &l->b, o, *stop != 0);
  for (int i = 0; i < res->nkinds; i++) /* the scenario is bound to it */
    symbolic_of(l, &res->kinds[i]);
  if (res->nfstates) /* most frequent first: what printers and the log show */
    qsort(res->fstates, res->nfstates, sizeof *res->fstates, by_count);
  if (o->log) {
    log_counterexamples(&u, &base);
    /* the graph of every execution explored (with --jobs, the parent's:
       the workers' graphs stay in the workers) */
    if (base.lockdep && u.run_id >= 0)
      rlog_lock_edges(o->log, u.run_id, base.lockdep);
    if (u.run_id >= 0 && res->nfstates)
      log_final_states(o->log, u.run_id, res);
  }
out:
  sim_lockdep_free(base.lockdep);
  sim_lockdep_free(u.log_ld);
  return rc;
}

int campaign_run(campaign *c, const camp_opts *o) {
  static volatile sig_atomic_t own_stop;
  volatile sig_atomic_t *stop = o->stop ? o->stop : &own_stop;
  own_stop = 0;
  memset(c, 0, sizeof *c);
  c->all_met = 1;
  if (!(c->l = cli_load(o->path, NULL, CLI_NO_ENGINE)))
    return CLI_BAD_INPUT;
  const char *variants[CAMP_MAX_VARIANTS];
  int nv = o->nvariants;
  memcpy(variants, o->variants, sizeof variants);
  if (!nv) {
    const scenario *s = &c->l->scn;
    variants[nv++] = s->litmus[0] ? NULL : s->kernel;
    for (int i = 0; i < s->nexpect_on && nv < CAMP_MAX_VARIANTS; i++)
      if (strcmp(s->expect_on[i].variant, s->kernel))
        variants[nv++] = s->expect_on[i].variant;
  }
  c->nwanted = nv;
  for (int i = 0; i < nv; i++)
    snprintf(c->wanted[i], sizeof c->wanted[i], "%s",
             variants[i] ? variants[i] : "litmus");
  double t0 = sim_wall_seconds();
  double deadline = o->max_time > 0 ? t0 + o->max_time : 0;
  for (int i = 0; i < nv && !*stop; i++) {
    int rc = explore_variant(c, o, variants[i], &c->res[i], stop, deadline);
    if (rc)
      return rc;
    c->nres++;
    c->all_met &= c->res[i].expect_met;
  }
  /* a variant never explored meets nothing */
  c->all_met &= c->nres == c->nwanted;
  c->seconds = sim_wall_seconds() - t0;
  return 0;
}

void campaign_free(campaign *c) {
  for (int i = 0; i < CAMP_MAX_VARIANTS; i++)
    camp_variant_free(&c->res[i]);
  cli_unload(c->l);
  c->l = NULL;
}
