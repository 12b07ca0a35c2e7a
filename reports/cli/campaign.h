/*
** campaign.h - an exploration campaign: one scenario explored on one or
** more kernel variants, each variant's result judged against what the
** scenario expects of it.
**
** Per variant: bind the scenario, explore with the chosen strategy (in
** this process, or split among --jobs forked workers whose results are
** merged), count outcomes, distinct final states and traces, keep the
** minimal counterexample of each violation kind (fewest preemptions, then
** fewest steps, then the smallest schedule string; then proved minimal by
** a preemption-bounded re-search, or labelled the smallest seen), give the
** verdict, and
** re-run each minimal counterexample with full event logging so that it
** can be drawn.  `mmsim explore` only parses options and prints a
** campaign; tests drive one directly.
*/
#ifndef MMSIM_CAMPAIGN_H
#define MMSIM_CAMPAIGN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "reports/cli/cli.h"
#include "sim/explore.h"
#include "sim/hset.h"

#define CAMP_MAX_KINDS 8
#define CAMP_MAX_VARIANTS 4
#define CAMP_MINIMISE_EXECS 100000

/* A set of 64-bit hashes (distinct states, traces). */
typedef sim_hset camp_hset;

/* One violation kind seen on a variant. */
typedef struct camp_kind {
  char name[48];
  uint64_t count;
  int pre;        /* its minimal counterexample: preemptions */
  uint64_t steps; /* ... and steps */
  char *sched;    /* ... and schedule string (malloc'd) */
  char *symbolic; /* ... and its symbolic schedule (sim/symsched.h),
                     malloc'd; NULL: none, symbolic_err says why */
  char symbolic_err[160];
  int minimal;      /* 1: a preemption-bounded re-search proved it has the
                       fewest preemptions, then the fewest steps; 0: the
                       smallest seen */
  int64_t log_exec; /* its execution in the log (0: not logged) */
  int unexpected;   /* found on a variant expected to violate, and not a
                       kind its expectation names (flagged, FORMAT.md) */
} camp_kind;

/* One outcome condition on a variant (models/cond.h): how many explored
   executions ended in a final state where it held, and where it did not,
   with the shortest witness schedule of each (fewest steps, then the
   smallest string; NULL: none). */
typedef struct camp_cond {
  char text[120]; /* the condition line as written: "exists ..." */
  uint64_t held, failed;
  uint64_t held_steps, failed_steps;
  char *held_sched, *failed_sched;
  int met;
  char verdict[128];
} camp_cond;

/* A distinct final state (model_final_state's line) and how many explored
   executions ended in it. */
typedef struct camp_state {
  uint64_t hash, count;
  char *text;
} camp_state;
#define CAMP_MAX_STATES 4096 /* kept; beyond, counted in other_states */

/* The result on one variant. */
typedef struct camp_variant {
  char variant[160]; /* the binding's label: preset name and knob overrides
                        ("2.6.20+fault.truncate_count=off"), or "litmus" */
  char expect[64];   /* what the scenario expects of it */
  exp_stats st;
  uint64_t clean, cut, step_limit;
  int loop_bound; /* the bound this variant was explored with (0: none) */
  camp_hset states, traces;
  camp_kind kinds[CAMP_MAX_KINDS];
  int nkinds;
  double seconds; /* wall time: a figure, not a result */
  int expect_met;
  char verdict[160];
  /* the variant's outcome conditions, in model_cond() order */
  int nconds;
  camp_cond conds[SCN_MAX_CONDS];
  /* distinct final states, most frequent first (then by text), at the
     end of the variant's search; executions a violation stopped midway
     have none */
  camp_state *fstates;
  size_t nfstates, capfstates;
  uint64_t other_states; /* executions ending beyond CAMP_MAX_STATES */
  /* the lock-order checker's full reports, one per distinct cycle found,
     at most CAMP_MAX_LOCKDEP_REPORTS (malloc'd, NULL: none; in this
     process only: --jobs workers send the kinds and their messages) */
  char *lockdep_reports;
  int nlockdep_reports;
} camp_variant;

#define CAMP_MAX_LOCKDEP_REPORTS 4

/* Off a terminal, a progress line every so many seconds of wall time. */
#define CAMP_PROGRESS_SECONDS 5.0

#define CAMP_LOOP_BOUND_AUTO (-1)
#define CAMP_LOOP_BOUND 3 /* the default where a bound is needed */

typedef struct camp_opts {
  const char *path;     /* the scenario file */
  exp_cfg cfg;          /* strategy and its parameters */
  const char *strategy; /* as given, for the log ("dpor", "pct:N,d") */
  const char *variants[CAMP_MAX_VARIANTS]; /* none: the scenario's kernel
                                              and its 'expect on' variants */
  int nvariants;
  int jobs;       /* worker processes (1: this one) */
  int loop_bound; /* 0: none; CAMP_LOOP_BOUND_AUTO: none for a stateful
                     search where the state space is finite, else 3 */
  uint64_t max_steps;
  double max_time;         /* seconds of wall time for the campaign, 0: none */
  rlog *log;               /* NULL: nothing logged */
  int log_all;             /* log every execution's events, not only the minimal
                              counterexamples */
  int progress;            /* on stderr: 1 a line redrawn in place (a
                              terminal), 2 a line every
                              CAMP_PROGRESS_SECONDS (pipes, CI) */
  int announce;            /* each new violation kind on stderr as found,
                              with its replay command */
  uint64_t minimise_execs; /* cap of each counterexample's re-search
                              (0: CAMP_MINIMISE_EXECS) */
  int no_lockdep;          /* no lock-order checker (sim/lockdep.h) */
  /* set asynchronously to stop (Ctrl-C); the campaign sets it to 2 when
     --max-time runs out */
  volatile sig_atomic_t *stop;
} camp_opts;

typedef struct campaign {
  cli_scenario *l; /* the scenario, bound to the last variant explored */
  char wanted[CAMP_MAX_VARIANTS][16]; /* the variants to explore */
  int nwanted;
  camp_variant res[CAMP_MAX_VARIANTS]; /* res[i] is wanted[i] */
  int nres;       /* variants explored: fewer than wanted when stopped */
  int all_met;    /* every wanted variant was explored and meets its
                     expectation */
  double seconds; /* wall time of the whole campaign */
} campaign;

/* Runs the campaign; *c is zeroed first (free a previous one before
   reusing it).  Returns 0 (see c->res), or 2 with the error printed (bad
   scenario, unknown variant, engine error, failed worker).  Free with
   campaign_free() in every case. */
int campaign_run(campaign *c, const camp_opts *o);
void campaign_free(campaign *c);
/* Sends SIGINT to the --jobs workers of the variant being explored, if
   any (async-signal-safe: for a signal handler that sets *stop). */
void campaign_stop_workers(void);

/* explore --html (reports/cli/html.c): the campaign as one self-contained
   HTML page at 'out', its counterexamples read back from the log 'db'.
   Returns 0, or -1 with a message. */
int cli_html_report(const char *out, const campaign *c, const char *db,
                    char *err, size_t errlen);

#endif /* MMSIM_CAMPAIGN_H */
