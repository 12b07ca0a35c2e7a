/*
** campaign_int.h - what the campaign's files share (internal to
** reports/cli/): campaign.c (one variant explored, minimised, logged),
** campaign_result.c (a variant's counts and its verdict) and
** campaign_workers.c (the --jobs split).
*/
#ifndef MMSIM_CAMPAIGN_INT_H
#define MMSIM_CAMPAIGN_INT_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "reports/cli/campaign.h"
#include "sim/lockdep.h"

/* What the explorer's callback needs while one variant runs. */
struct run {
  const camp_opts *o;
  cli_scenario *l;
  const sim_exec_cfg *base;
  camp_variant *res;
  volatile sig_atomic_t *stop;
  double deadline; /* --max-time, 0: none */
  uint64_t of;     /* sampled strategies: executions planned */
  int progress;
  int64_t run_id; /* -1: not logging executions */
  FILE *scheds;   /* a worker's: where its executions' schedules go */
  double t0, last;
  sim_lockdep *ld;     /* the exploration's class graph, NULL: none */
  sim_lockdep *log_ld; /* the re-runs' for logging (camp_log_replayed) */
};

/* campaign_result.c: the counts of a variant. */
/* Counts 'count' more of kind 'name'; keeps 'sched' if it is a smaller
   counterexample than the one kept (fewest preemptions, then steps, then
   the schedule string, so that merged worker results are deterministic). */
void camp_add_kind(camp_variant *res, const char *name, uint64_t count, int pre,
                   uint64_t steps, const char *sched);
/* Counts 'count' more executions ending in final state 'text'. */
void camp_add_state(camp_variant *res, const char *text, uint64_t count);
/* Counts 'count' more executions where condition i held (or not), and
   keeps 'sched' if it is a shorter witness. */
void camp_add_cond(camp_variant *res, int i, int held, uint64_t count,
                   uint64_t steps, const char *sched);
/* The kind 'name' of res, NULL if not found yet. */
const camp_kind *camp_find_kind(const camp_variant *res, const char *name);
/* Keeps a full lock-order report (at most CAMP_MAX_LOCKDEP_REPORTS). */
void camp_append_report(camp_variant *res, const char *rep);
/* Whether a counterexample of 'pre' preemptions, 'steps' steps and
   schedule 'sched' is smaller than the one of 'kpre', 'ksteps', 'ksched'
   (fewest preemptions, then steps, then the smaller string). */
int camp_smaller(int pre, uint64_t steps, const char *sched, int kpre,
                 uint64_t ksteps, const char *ksched);
void camp_variant_free(camp_variant *r);
/* The verdict against the scenario's expectation for this variant
   (and of each outcome condition). */
void camp_judge(camp_variant *res, const model_binding *b, const camp_opts *o,
                int stopped);

/* campaign.c: logs the row of the execution granted 'seq' by re-running
   it (see there); the lock-order findings of executions that ended
   otherwise, as witnesses. */
void camp_log_replayed(struct run *u, const uint8_t *seq, size_t n,
                       const char *sched);
void camp_take_findings(struct run *u);

/* campaign_workers.c: explores with o->jobs forked workers and merges
   their results into u->res; 0, or CLI_BAD_INPUT with the error
   printed. */
int camp_explore_split(struct run *u, const sim_exec_cfg *base, exp_cfg cfg);

#endif /* MMSIM_CAMPAIGN_INT_H */
