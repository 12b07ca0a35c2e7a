/*
** explore.h - exploring the interleavings of one scenario.
**
** Strategies (every execution starts from the reset model and is driven
** by a chooser the explorer owns; the stateful ones also ask the engine
** for each state's key, sim_state_key()):
**
**   dpor       depth-first search with dynamic partial-order reduction:
**              source sets and sleep sets (Abdulla, Aronis, Jonsson,
**              Sagonas, "Optimal Dynamic Partial Order Reduction", POPL
**              2014, Algorithm 1), races found on the step footprints.
**   optimal    the same races and sleep sets, with wakeup trees (the
**              paper's Algorithm 2): the sequence that reverses each race
**              is kept and replayed, so that no execution is sleep-set
**              blocked where the footprints allow it.
**   stateful   dpor that stops at a state it has explored, with subtree
**              summaries so that it stays sound (stateful.c): no loop
**              bound where the state space is finite.
**   naive      every interleaving of enabled threads (for validation);
**   stateful-naive  the same, stopping at explored states.
**   bounded:K  all schedules with at most K preemptions, K = 0, 1, ...
**              (iterative preemption bounding, Musuvathi and Qadeer,
**              "Iterative context bounding", PLDI 2007 / CHESS), so the
**              first violation found has the fewest preemptions.
**   pct:N,d    N executions of PCT (Burckhardt, Kothari, Musuvathi,
**              Nagarakatte, ASPLOS 2010): random thread priorities and d-1
**              random priority change points.
**   random:N   N seeded random walks.
**
** Dependence between two steps of different threads, from footprints
** (sim/depend.h): a shared object with at least one write (two commutative
** updates, SIM_OP_ADD, excepted; an update against a read or write is a
** conflict); two
** acquisitions of one lock (shared with shared, and two single-step
** sections {LOCK l, ..., UNLOCK l}, excepted); a trylock with any operation
** on its lock.  Releases commute with acquisitions of other threads: the
** order of two critical sections is carried by their acquisitions
** (Flanagan and Godefroid, POPL 2005, section 4).  DPOR's race analysis
** also uses a lock-aware happens-before (release -> later acquisition) to
** skip data races that only a reversal of two critical sections could
** reverse (dpor.c).  A footprint refreshed from state
** (sim_stepdesc.refresh) may only depend on objects it accesses.
**
** The engine knows nothing of this: the explorer only reads footprints
** through sim_pending() and steers through the chooser.
**
** Files (a driver, an execution graph and algorithms, as in GenMC and
** Nidhugg):
**
**   explore.c      the driver: sim_explore(), the depth-first loop
**                  (replay a prefix, extend it, analyse, backtrack), the
**                  --jobs split
**   exgraph.[ch]   the execution graph: nodes with enabled, backtrack,
**                  done and sleep sets, pending footprints, preemptions,
**                  happens-before bitsets, Mazurkiewicz trace ids
**   dpor.c         the DPOR hooks: sleep sets, races (with the lock-aware
**                  happens-before), source sets
**   optimal.c      the optimal hooks: wakeup trees
**   stateful.c     state matching: visited states, summaries, passes,
**                  the audit
**   sample.c       pct and random: one fresh chooser per execution
**   strategy.[ch]  the strategy table {name, parse, hooks, run,
**                  certifies} and the parse/name/certifies functions
**                  generated from it
*/
#ifndef MMSIM_EXPLORE_H
#define MMSIM_EXPLORE_H

#include <signal.h>
#include <stdint.h>

#include "sim.h"

/* Indexes of the strategy table (strategy.c), in its order. */
enum exp_strategy {
  EXP_DPOR,
  EXP_NAIVE,
  EXP_BOUNDED,
  EXP_PCT,
  EXP_RANDOM,
  EXP_OPTIMAL,
  EXP_STATEFUL,
  EXP_STATEFUL_NAIVE,
  EXP_NSTRATEGIES
};

/* One finished execution, handed to the caller. */
typedef struct exp_exec {
  uint64_t ordinal;    /* 1-based */
  const sim_result *r; /* outcome, kind, hashes, grant sequence */
  int preemptions;     /* switches away from a still-enabled thread */
  uint64_t trace_id;   /* Mazurkiewicz trace hash (0 unless traces on) */
  int bound;           /* bounded: the K of this pass */
} exp_exec;

/* A violation kind id (sim.h) as a bit of exp_cfg.stop_kinds and
   exp_stats.found_kinds; 0 for SIM_KIND_NONE and ids beyond 63. */
#define EXP_KIND_BIT(id)                                                       \
  ((id) > 0 && (id) < 64 ? UINT64_C(1) << (id) : UINT64_C(0))

typedef struct exp_cfg {
  enum exp_strategy strategy;
  int bound;           /* bounded:K */
  uint64_t count;      /* random:N, pct:N */
  int pct_depth;       /* pct d */
  uint64_t seed;       /* random, pct */
  uint64_t max_execs;  /* 0: no cap */
  int stop_first;      /* stop at the first violation; with stop_kinds,
                          once every kind of that set was found */
  uint64_t stop_kinds; /* EXP_KIND_BIT of each kind id; 0: any kind */
  int traces;          /* compute Mazurkiewicz trace ids */
  int audit;           /* stateful: check each state match (stateful.c) */
  uint64_t max_states; /* stateful: states kept at most (0: 4M) */
  /* Splitting the search: this worker explores the subtrees whose first
     branching choice has index % njobs == job (naive, bounded, dpor), or
     the executions whose ordinal % njobs == job (random, pct). */
  int njobs, job;
  volatile sig_atomic_t *stop; /* set asynchronously to stop cleanly */
  void (*on_exec)(void *arg, const exp_exec *e);
  void *arg;
} exp_cfg;

typedef struct exp_stats {
  uint64_t execs;  /* executions run to the end (or to a violation) */
  uint64_t pruned; /* sleep-set blocked, stopped early */
  uint64_t steps;
  uint64_t violating;
  uint64_t found_kinds; /* EXP_KIND_BIT of each kind reported */
  int complete;         /* the strategy covered its whole space */
  int max_depth;
  int bound_reached; /* bounded: last K fully explored */
  /* stateful */
  uint64_t cached; /* executions stopped at a visited state (in pruned) */
  uint64_t reruns; /* executions run again in a later pass, not reported */
  uint64_t states; /* distinct states visited */
  int states_full; /* the state table reached its limit: stopped */
  int passes;
} exp_stats;

/* Explores with 'base' (model, threads, objects, max_steps; its chooser
   and observer are ignored).  Returns 0, or -1 on an engine error with a
   message in err. */
int sim_explore(const sim_exec_cfg *base, const exp_cfg *cfg, exp_stats *st,
                char *err, size_t errlen);

/* "dpor", "naive", "bounded:K", "pct:N,d", "random:N".  Returns 0, or -1
   with a message in err. */
int exp_strategy_parse(const char *s, exp_cfg *cfg, char *err, size_t errlen);
const char *exp_strategy_name(const exp_cfg *cfg, char *buf, size_t n);

/* Can a complete run of cfg's strategy certify that every trace is clean?
   dpor and naive: yes; bounded:K: every trace within K preemptions; pct
   and random (sampling): no. */
int exp_strategy_certifies(const exp_cfg *cfg);

/* Does cfg's strategy match states (stateful, stateful-naive)?  Such a
   search needs no loop bound where the state space is finite. */
int exp_strategy_stateful(const exp_cfg *cfg);

/* Footprint dependence, exposed for tests. */
int exp_dependent(const sim_stepdesc *a, const sim_stepdesc *b);

#endif /* MMSIM_EXPLORE_H */
