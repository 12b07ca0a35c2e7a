/*
** exgraph.h - the execution graph of the explorer (internal to sim/).
**
** One node per state of the current execution, the way GenMC's
** ExecutionGraph and Nidhugg's TraceBuilder keep the trace the driver
** replays and extends:
**
**   node i = state s_i before the i-th grant (event e_i):
**     enabled    threads that may run from s_i (from the engine)
**     pend[t]    the footprint of thread t's pending step at s_i
**     backtrack  threads to try from s_i (a strategy fills it)
**     done       threads tried from s_i, the chosen one included
**     sleep      threads that need not be tried from s_i (dpor)
**     others     --jobs split node: choices other workers explore
**     chosen     the thread granted at s_i, so e_i = (chosen, pend[chosen])
**     pre        preemptions spent before s_i
**
**   invariants (exg_check_node): backtrack within enabled; done and sleep
**   disjoint; chosen in done, enabled and not asleep.
**
**   lifecycle of node i (driver functions in explore.c):
**
**     exg_node_open --fresh_node--> chosen --replay--> same choice, same
**       |           (sleep, first     |                enabled set
**       |            hooks)           +--analyse--> backtrack grows (dpor)
**       |                             +--backtrack--> next candidate:
**       |                                 done grows, nodes > i reopen
**       +--nothing available (asleep, other --jobs worker's): chosen -1
**
** On top of the events [0, n) of a finished execution: happens-before as
** bitsets (hb row j holds j and every event reaching e_j through program
** order or dependence, exg_hb_before()), the lock-aware happens-before
** (the same plus release -> later acquisition edges, exg_lhb_before(); see
** dpor.c for what it may be used for), the preemption count of a
** schedule and the Mazurkiewicz trace id.  Nothing here chooses: the
** strategies (strategy.h) and the DPOR race analysis (dpor.c) do.
*/
#ifndef MMSIM_EXGRAPH_H
#define MMSIM_EXGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* Checks too slow for every build (O(n) per event or per replayed step);
   on unless NDEBUG, which no build defines today. */
#ifndef EXG_EXPENSIVE_CHECKS
#ifdef NDEBUG
#define EXG_EXPENSIVE_CHECKS 0
#else
#define EXG_EXPENSIVE_CHECKS 1
#endif
#endif

/* A step's footprint, copied out of the engine's sim_stepdesc. */
typedef struct exg_fp {
  uint8_t n;    /* 0: no pending step */
  uint64_t sig; /* bit (obj % 64) of every object accessed: two footprints
                   whose signatures do not meet touch no common object */
  sim_access acc[SIM_MAX_ACCESS];
} exg_fp;

typedef struct exg_node {
  uint32_t enabled, backtrack, done, sleep;
  uint32_t others; /* --jobs split node: choices other workers explore */
  int8_t chosen;   /* -1: none (blocked, or the execution stopped here) */
  int16_t pre;     /* preemptions before this state */
} exg_node;

typedef struct exgraph {
  int nthreads;
  exg_node *nodes; /* [cap] */
  exg_fp *pend;    /* [cap][nthreads] */
  size_t cap;
  /* happens-before of the last analysis: rows of w words, one per event
     [0, n), then two scratch rows (n and n + 1); then, from row hb_rows,
     the lock-aware happens-before, n rows and one scratch row.  The
     layout (hb_rows, hb_w) only grows, so that the rows of a prefix stay
     valid from one execution to the next: [0, hb_valid) are those of the
     current prefix, analysed already (exg_hb_reserve, exg_hb_truncate). */
  uint64_t *hb;
  size_t hb_cap, hb_w, hb_n, hb_rows, hb_valid;
  /* The object index of the first ix_n events: per object, the events
     that access it, latest first, as chains through the events (ix_last
     per object, then each event's link per distinct object it accesses),
     so that the race analysis visits only the events that share an
     object with the one it examines (exg_index_add, exg_index_undo). */
  int32_t *ix_last; /* [nobjs]: latest event, or -1 */
  uint32_t ix_nobjs;
  struct exg_link {
    uint32_t obj;
    int32_t prev; /* the previous event on obj, or -1 */
  } * ix_link;    /* [ix_cap][SIM_MAX_ACCESS] */
  uint8_t *ix_nlink;
  size_t ix_cap, ix_n;
} exgraph;

void exg_init(exgraph *g, int nthreads);
void exg_free(exgraph *g);
/* Room for nodes [0, need).  Returns 0, or -1 when out of memory. */
int exg_reserve(exgraph *g, size_t need);

static inline exg_node *exg_node_at(const exgraph *g, size_t i) {
  return &g->nodes[i];
}

static inline exg_fp *exg_pend(const exgraph *g, size_t i, int t) {
  return &g->pend[i * (size_t)g->nthreads + (size_t)t];
}

/* Event e_i: its thread and its footprint. */
static inline int exg_thread(const exgraph *g, size_t i) {
  return g->nodes[i].chosen;
}

static inline const exg_fp *exg_event(const exgraph *g, size_t i) {
  return exg_pend(g, i, g->nodes[i].chosen);
}

static inline int exg_has(uint32_t set, int t) {
  return t >= 0 && (set >> t & 1);
}

void exg_fp_from(exg_fp *f, const sim_stepdesc *s);
int exg_fp_dependent(const exg_fp *a, const exg_fp *b);

/* Records the pending footprint of every thread of x at s_i. */
void exg_record_pending(exgraph *g, size_t i, const sim_exec *x);
/* The first thread whose pending footprint in x differs from the one
   recorded at s_i (a replay that does not repeat), or -1. */
int exg_pending_differs(const exgraph *g, size_t i, const sim_exec *x);

/* Opens node i (nodes [0, i) set) with its enabled threads and its
   preemption count: one more than node i-1's when e_{i-1} switched away
   from the thread of e_{i-2} while it was still enabled. */
void exg_node_open(exgraph *g, size_t i, uint32_t enabled);

/* Preemptions of the schedule s[0, n) over the recorded enabled sets. */
int exg_preemptions(const exgraph *g, const uint8_t *s, size_t n);

/* Asserts the invariants of node i (see the top of this file). */
void exg_check_node(const exgraph *g, size_t i);

/* ------------------------------------------------------ happens-before */

/* Bitsets of w words over event indexes. */
static inline int exg_bit(const uint64_t *set, size_t i) {
  return (int)(set[i / 64] >> (i % 64) & 1);
}

static inline void exg_bit_set(uint64_t *set, size_t i) {
  set[i / 64] |= 1ull << (i % 64);
}

/* Do a and b share an index below m? */
int exg_bits_intersect_below(const uint64_t *a, const uint64_t *b, size_t w,
                             size_t m);

/* Makes room for the rows of n events (both relations) and their scratch
   rows.  When the layout has to grow, no row stays valid (hb_valid = 0).
   Returns 0, or -1 when out of memory. */
int exg_hb_reserve(exgraph *g, size_t n);

/* Makes room in the object index for n events.  Returns 0, or -1 when
   out of memory. */
int exg_index_reserve(exgraph *g, size_t n);
/* Adds event ix_n (its footprint is exg_event(g, ix_n)) to the index.
   Returns 0, or -1 when out of memory. */
int exg_index_add(exgraph *g);
/* Removes the events from i on from the index, latest first (their
   footprints may have changed since: the index keeps its own copy). */
void exg_index_undo(exgraph *g, size_t i);

/* The latest indexed event that accesses obj, or -1; exg_index_prev()
   walks further back from an event k that accesses it. */
static inline long exg_index_last(const exgraph *g, uint32_t obj) {
  return obj < g->ix_nobjs ? g->ix_last[obj] : -1;
}
long exg_index_prev(const exgraph *g, size_t k, uint32_t obj);

/* The events from i on change (a backtrack chose another thread at node
   i, or a new search starts at 0): their rows are no longer valid. */
static inline void exg_hb_truncate(exgraph *g, size_t i) {
  if (g->hb_valid > i)
    g->hb_valid = i;
}

static inline uint64_t *exg_hb_row(const exgraph *g, size_t j) {
  return &g->hb[j * g->hb_w];
}

/* Scratch row k (0 or 1) of an exgraph reserved for n events. */
static inline uint64_t *exg_hb_scratch(const exgraph *g, size_t n, int k) {
  return &g->hb[(n + (size_t)k) * g->hb_w];
}

/* The lock-aware rows, after the plain ones and their scratch rows. */
static inline uint64_t *exg_lhb_row(const exgraph *g, size_t j) {
  return &g->hb[(g->hb_rows + j) * g->hb_w];
}

/* The lock-aware scratch row of an exgraph reserved for n events. */
static inline uint64_t *exg_lhb_scratch(const exgraph *g, size_t n) {
  return exg_lhb_row(g, n);
}

/* Does e_i happen before (or equal) e_j?  (i, j < n of the last build) */
static inline int exg_hb_before(const exgraph *g, size_t i, size_t j) {
  return exg_bit(exg_hb_row(g, j), i);
}

/* The same in the lock-aware relation (a superset of exg_hb_before). */
static inline int exg_lhb_before(const exgraph *g, size_t i, size_t j) {
  return exg_bit(exg_lhb_row(g, j), i);
}

/* Sets row j to preds (the union of its direct predecessors' rows) plus
   j itself, and checks the row names no later event; exg_lhb_set() the
   same for the lock-aware row. */
void exg_hb_set(exgraph *g, size_t j, const uint64_t *preds);
void exg_lhb_set(exgraph *g, size_t j, const uint64_t *preds);

/* ------------------------------------------------------------ trace ids */

/* Mazurkiewicz trace id of events [0, n): equal for every linearization
   of one partial order.  Returns 0 when out of memory. */
uint64_t exg_trace_id(const exgraph *g, size_t n);

#endif /* MMSIM_EXGRAPH_H */
