/*
** strategy.h - the explorer's driver state and its strategy table
** (internal to sim/).
**
** The split follows GenMC (GenMCDriver / ExecutionGraph) and Nidhugg
** (DPORDriver / TraceBuilder): a driver runs executions and replays
** prefixes (explore.c), the execution graph records them (exgraph.c), and
** each strategy is one row of exp_strategies[] (strategy.c) naming how it
** is parsed and printed, whether a complete run certifies, how it runs,
** and the hooks the depth-first driver or the sampler calls:
**
**   row      certifies  run          sleep       first         analyse
**   dpor     yes        exp_dfs      dpor_sleep  dpor_first    dpor_analyse
**   optimal  yes        exp_dfs      dpor_sleep  opt_first     opt_analyse
**            (--jobs: runs, but its split is not tested)
**   naive    yes        exp_dfs      -           all enabled   -
**   bounded  up to K    K+1 passes   -           all, or prev  -
**                       of exp_dfs               at the bound
**   pct      no         pct_run      sample hook: pct_chooser
**   random   no         exp_sample   sample hook: random_chooser
**   stateful yes        passes of    dpor_sleep  dpor_first    sf_analyse
**                       exp_dfs      + visit: sf_visit, record: sf_record
**   stateful-naive      one exp_dfs  -           all enabled   -
**            yes                     + visit: sf_visit
**
** A new reduction is a new row with its own hooks, not a new case in the
** driver: optimal's wakeup trees replace dpor's first and analyse hooks
** (the trees kept beside the nodes, in the explorer, and dpor.c's race
** analysis reused through dpor_races()); state matching added two
** columns, a visit hook fresh_node() calls after the sleep hook to prune a
** visited state, and a record hook that sees each execution's result.
*(Lock-aware happens-before needed no row: it only changes which
** races dpor.c's analysis reverses.)
*/
#ifndef MMSIM_STRATEGY_H
#define MMSIM_STRATEGY_H

#include "exgraph.h"
#include "explore.h"
#include "sched.h"

typedef struct explorer explorer;

typedef struct exp_strategy_def {
  enum exp_strategy id; /* its index in exp_strategies[] */
  const char *name;     /* "bounded": the keyword before ':' */
  const char *usage;    /* "bounded:K", for messages */
  /* NULL: no parameters (the name alone).  Else parses 'arg', what follows
     "name:" in 's', into cfg (cfg->strategy excepted) and returns 0, or
     -1 with a message in err, leaving cfg unchanged. */
  int (*parse)(const char *arg, const char *s, exp_cfg *cfg, char *err,
               size_t errlen);
  /* Writes the parameters after "name:" (with parse). */
  void (*params)(const exp_cfg *cfg, char *buf, size_t n);
  /* Can a complete run claim that every trace is clean?  bounded: only
     the traces within its bound. */
  int certifies;
  int (*run)(explorer *e, exp_stats *st);

  /* Depth-first hooks (run calls exp_dfs), NULL for samplers.  sleep: the
     sleep set of fresh node i > 0 (NULL: empty).  first: the backtrack
     set of fresh node i from avail (enabled, not asleep, never 0) and the
     thread that ran last (-1 at i = 0).  analyse: after an execution of n
     events, 'final' being the node of the steps left parked or -1. */
  uint32_t (*sleep)(const explorer *e, size_t i);
  uint32_t (*first)(explorer *e, size_t i, uint32_t avail, int prev);
  int (*analyse)(explorer *e, size_t n, long final);
  /* State matching (stateful.c), NULL for the stateless rows.  visit: at
     fresh node i once it has something to run: 0 explore it, 1 stop (a
     state explored already), 2 run on past it (the audit).  record: after
     analyse, with the execution's result. */
  int (*visit)(explorer *e, const sim_choice_ctx *c, size_t i);
  int (*record)(explorer *e, const sim_result *r, size_t n, long final);

  /* Sampling hook (run calls exp_sample): the chooser of the i-th
     execution, using ss for its storage if it needs it. */
  sim_chooser (*sample)(explorer *e, uint64_t i, sim_sched *ss);
} exp_strategy_def;

extern const exp_strategy_def exp_strategies[EXP_NSTRATEGIES];

/* The row of a strategy, its consistency asserted. */
const exp_strategy_def *exp_strategy_of(enum exp_strategy id);

struct explorer {
  const exp_cfg *cfg;
  const exp_strategy_def *def; /* the row of cfg->strategy */
  int nthreads;
  const sim_exec_cfg *base;
  exgraph g;
  size_t prefix; /* nodes [0, prefix) are replayed */
  size_t depth;  /* nodes of the current execution */
  long final;    /* node holding the pending steps left at the end, or -1 */
  int error;
  char *err;
  size_t errlen;
  int k;            /* bounded: the K of this pass; else -1 */
  long split_depth; /* the first branching depth, for --jobs */
  /* pct */
  sim_rng rng;
  int prio[SIM_MAX_THREADS];
  uint64_t change[8];
  int nchange;
  uint64_t pct_k; /* longest execution seen */
  /* optimal: per node, its wakeup tree and whether it fell back to every
     enabled thread (optimal.c) */
  struct opt_tree **wut;
  uint8_t *wall;
  size_t wut_cap;
  struct opt_tree *opt_pool; /* freed tree nodes, for reuse */
  /* stateful: visited states and their summaries (stateful.c) */
  struct stateful *sf;
  long hit; /* node where this execution reached a visited state, or -1 */
};

/* ------------------------------------------------- driver (explore.c) */

/* The thread to run among cand: prev if it can keep running (fewer
   preemptions first), else the lowest. */
static inline int exp_prefer(uint32_t cand, int prev) {
  if (prev >= 0 && (cand & (1u << prev)))
    return prev;
  return __builtin_ctz(cand);
}

/* One depth-first search over the tree of choices, reporting only the
   executions with exactly only_bound preemptions (-1: all). */
int exp_dfs(explorer *e, exp_stats *st, int only_bound);
/* One execution with chooser ch.  Returns 0, or -1 with a message. */
int exp_run_one(explorer *e, sim_chooser ch, sim_result *r);
/* Should the search stop (signal, --max-execs, first violation)? */
int exp_stopping(const explorer *e, const exp_stats *st);
/* Counts an execution of 'depth' steps in st and, when 'report', hands it
   to cfg->on_exec. */
void exp_account(explorer *e, exp_stats *st, sim_result *r, size_t depth,
                 int pre, uint64_t tid, int report);

/* -------------------------------------------------------- dpor (dpor.c) */

uint32_t dpor_sleep(const explorer *e, size_t i);
uint32_t dpor_first(explorer *e, size_t i, uint32_t avail, int prev);
int dpor_analyse(explorer *e, size_t n, long final);

/* What to do with the reversible race (e_k, e_j) (thread tj, footprint
   ej; j may be n, a parked step); v is scratch of hb_w words. */
typedef void (*dpor_race_fn)(explorer *e, size_t k, size_t j, int tj,
                             const exg_fp *ej, uint64_t *v);
/* The race analysis of dpor_analyse() with another action per race. */
int dpor_races(explorer *e, size_t n, long final, dpor_race_fn race,
               int incremental);
/* After dpor_races(e, n, ...): the races of a step (t, fp) that would run
   right after the events [0, n), as a parked step's (state matching: a
   step of the subtree below a visited state). */
void dpor_races_after(explorer *e, size_t n, int t, const exg_fp *fp,
                      dpor_race_fn race);
/* The initials among the events of v = notdep(e_k) over (k, j): the
   threads whose first event in v has no predecessor in v; *seen gets
   every thread with an event in v. */
uint32_t dpor_events_initials(const exgraph *g, size_t k, size_t j,
                              const uint64_t *v, uint32_t *seen);
/* v = notdep(e_k): the events of (k, j) that e_k does not happen before. */
void dpor_notdep(const exgraph *g, size_t k, size_t j, uint64_t *v);

/* --------------------------------------- optimal (optimal.c, wakeup trees) */

uint32_t opt_first(explorer *e, size_t i, uint32_t avail, int prev);
int opt_analyse(explorer *e, size_t n, long final);
/* Frees the wakeup trees (any strategy: nothing when there are none). */
void opt_free(explorer *e);

/* ------------------------------------- state matching (stateful.c) */

int sf_run(explorer *e, exp_stats *st);       /* stateful */
int sf_run_naive(explorer *e, exp_stats *st); /* stateful-naive */
int sf_visit(explorer *e, const sim_choice_ctx *c, size_t i);
int sf_analyse(explorer *e, size_t n, long final);
int sf_record(explorer *e, const sim_result *r, size_t n, long final);
/* The audit's choice past a visited state, checked against its summary. */
int sf_audit_step(explorer *e, const sim_choice_ctx *c);
/* Has the state table reached its limit (the search must stop)? */
int sf_full(const explorer *e);
/* Should this finished execution be reported (not in an earlier pass)? */
int sf_report(explorer *e, const sim_result *r);
void sf_free(explorer *e);

/* -------------------------------------------------- samplers (sample.c) */

/* cfg->count executions from the strategy's sample hook. */
int exp_sample(explorer *e, exp_stats *st);
int pct_run(explorer *e, exp_stats *st);
sim_chooser pct_chooser(explorer *e, uint64_t i, sim_sched *ss);
sim_chooser random_chooser(explorer *e, uint64_t i, sim_sched *ss);

#endif /* MMSIM_STRATEGY_H */
