/*
** dpor.c - the race analysis of source-DPOR (Abdulla, Aronis, Jonsson,
** Sagonas, "Optimal Dynamic Partial Order Reduction", POPL 2014,
** Algorithm 1: source sets and sleep sets), as the three depth-first
** hooks of the "dpor" row of the strategy table:
**
**   dpor_sleep    sleep(s.q) = {r in sleep(s) + done(s) - q : r
**                 independent of q}, at a fresh node
**   dpor_first    one thread to start from a fresh node (the one that ran
**                 last if it can, so that fewer preemptions come first)
**   dpor_analyse  after each execution: the reversible races of the whole
**                 sequence, each adding an initial of notdep(e_k).e_j to
**                 the backtrack set of the state before e_k
**
**   s_0 --p--> s_1 --q--> s_2 ... s_n        race (e_k, e_j): dependent,
**    ^ backtrack(s_k) += an initial of        different threads, no event
**      notdep(e_k).e_j                        between them ordered after
**                                             e_k and before e_j
**
** The driver (explore.c) replays, extends and backtracks; the graph
** (exgraph.c) holds the events and the happens-before rows built here.
*/
#include <assert.h>
#include <string.h>

#include "strategy.h"

uint32_t dpor_sleep(const explorer *e, size_t i) {
  const exgraph *g = &e->g;
  assert(i > 0);
  const exg_node *pn = exg_node_at(g, i - 1);
  assert(pn->chosen >= 0);
  /* at a --jobs split, the lower siblings other workers explore count as
     done (the order of a single job's DFS) */
  uint32_t lower = (1u << pn->chosen) - 1;
  uint32_t cand =
      (pn->sleep | pn->done | (pn->others & lower)) & ~(1u << pn->chosen);
  const exg_fp *q = exg_pend(g, i - 1, pn->chosen);
  uint32_t sleep = 0;
  for (uint32_t m = cand; m; m &= m - 1) {
    int r = __builtin_ctz(m);
    if (!exg_fp_dependent(exg_pend(g, i - 1, r), q))
      sleep |= 1u << r;
  }
  return sleep;
}

uint32_t dpor_first(const explorer *e, size_t i, uint32_t avail, int prev) {
  (void)e;
  (void)i;
  return 1u << exp_prefer(avail, prev);
}

/* The initials of v.e_j, v being the events of (k, j) not ordered after
   e_k: the threads whose first event in v has no predecessor in v, and tj
   unless one of e_j's direct predecessors is in v. */
static uint32_t initials(const exgraph *g, size_t k, size_t j, int tj,
                         const exg_fp *ej, const uint64_t *v) {
  uint32_t init = 0, seen = 0;
  for (size_t m = k + 1; m < j; m++) {
    if (!exg_bit(v, m))
      continue;
    int tm = exg_thread(g, m);
    if (exg_has(seen, tm))
      continue;
    seen |= 1u << tm;
    if (!exg_bits_intersect_below(exg_hb_row(g, m), v, g->hb_w, m))
      init |= 1u << tm;
  }
  if (exg_has(seen, tj))
    return init;
  /* a reversible race puts every later direct predecessor of e_j in v */
  for (size_t m = k + 1; m < j; m++)
    if (exg_bit(v, m) &&
        (exg_thread(g, m) == tj || exg_fp_dependent(exg_event(g, m), ej)))
      return init;
  return init | 1u << tj;
}

/* The reversible race (e_k, e_j): some initial of notdep(e_k).e_j must be
   tried from s_k, unless one already is.  v is scratch. */
static void reverse_race(explorer *e, size_t k, size_t j, int tj,
                         const exg_fp *ej, uint64_t *v) {
  exgraph *g = &e->g;
  assert(k < j && exg_thread(g, k) != tj);
  memset(v, 0, g->hb_w * sizeof *v);
  for (size_t m = k + 1; m < j; m++)
    if (!exg_hb_before(g, k, m))
      exg_bit_set(v, m);
  uint32_t init = initials(g, k, j, tj, ej, v);
  exg_node *nk = exg_node_at(g, k);
  if (init && !(init & nk->backtrack)) {
    int q = exg_has(init, tj) ? tj : __builtin_ctz(init);
    if (exg_has(nk->enabled, q))
      nk->backtrack |= 1u << q;
    else
      nk->backtrack |= nk->enabled; /* blocked initial: all */
  }
  assert((nk->backtrack & ~nk->enabled) == 0);
}

/* The races of event e_j (thread tj, footprint ej) with the events before
   it.  Its direct predecessors are the previous event of its thread and
   every earlier dependent event of another thread; a dependent predecessor
   e_k that no later direct predecessor already orders after e_k is a
   reversible race.  On return u holds the union of the predecessors'
   hb.  j may be n: the pending step of a thread left parked at the end. */
static void races_of(explorer *e, size_t j, int tj, const exg_fp *ej,
                     long last_tj, uint64_t *u, uint64_t *v) {
  const exgraph *g = &e->g;
  size_t w = g->hb_w;
  memset(u, 0, w * sizeof *u);
  /* latest direct predecessor first, so that u holds the hb of the later
     ones when e_k is examined */
  for (long k = (long)j - 1; k >= 0; k--) {
    int tk = exg_thread(g, (size_t)k);
    int po = k == last_tj;
    int dep = tk != tj && exg_fp_dependent(exg_event(g, (size_t)k), ej);
    if (!po && !dep)
      continue;
    if (dep && !exg_bit(u, (size_t)k))
      reverse_race(e, (size_t)k, j, tj, ej, v);
    const uint64_t *hk = exg_hb_row(g, (size_t)k);
    for (size_t x = 0; x < w; x++)
      u[x] |= hk[x];
  }
}

/* Events [0, n), then the pending steps of the threads left parked
   ('final' is the node holding them, or -1): a blocked thread's next step
   races with what blocks it. */
int dpor_analyse(explorer *e, size_t n, long final) {
  exgraph *g = &e->g;
  if (exg_hb_reserve(g, n))
    return -1;
  uint64_t *u = exg_hb_scratch(g, n, 0), *v = exg_hb_scratch(g, n, 1);
  long last[SIM_MAX_THREADS];
  for (int t = 0; t < SIM_MAX_THREADS; t++)
    last[t] = -1;
  for (size_t j = 0; j < n; j++) {
    int tj = exg_thread(g, j);
    races_of(e, j, tj, exg_event(g, j), last[tj], u, v);
    exg_hb_set(g, j, u);
    last[tj] = (long)j;
  }
  if (final >= 0)
    for (int t = 0; t < e->nthreads; t++) {
      const exg_fp *p = exg_pend(g, (size_t) final, t);
      if (p->n &&
          !((size_t) final == n - 1 && exg_thread(g, (size_t) final) == t))
        races_of(e, n, t, p, last[t], u, v);
    }
  return 0;
}
