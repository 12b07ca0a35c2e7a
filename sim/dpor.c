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
**                 the backtrack set of the state before e_k, except the
**                 data races already ordered by the lock-aware
**                 happens-before (release -> later acquisition edges,
**                 races_of() gives the soundness argument)
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

#include "depend.h"
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

uint32_t dpor_first(explorer *e, size_t i, uint32_t avail, int prev) {
  (void)e;
  (void)i;
  return 1u << exp_prefer(avail, prev);
}

uint32_t dpor_events_initials(const exgraph *g, size_t k, size_t j,
                              const uint64_t *v, uint32_t *seen) {
  uint32_t init = 0;
  *seen = 0;
  for (size_t m = k + 1; m < j; m++) {
    if (!exg_bit(v, m))
      continue;
    int tm = exg_thread(g, m);
    if (exg_has(*seen, tm))
      continue;
    *seen |= 1u << tm;
    if (!exg_bits_intersect_below(exg_hb_row(g, m), v, g->hb_w, m))
      init |= 1u << tm;
  }
  return init;
}

/* The initials of v.e_j, v being the events of (k, j) not ordered after
   e_k: the threads whose first event in v has no predecessor in v, and tj
   unless one of e_j's direct predecessors is in v. */
static uint32_t initials(const exgraph *g, size_t k, size_t j, int tj,
                         const exg_fp *ej, const uint64_t *v) {
  uint32_t seen, init = dpor_events_initials(g, k, j, v, &seen);
  if (exg_has(seen, tj))
    return init;
  /* a reversible race puts every later direct predecessor of e_j in v */
  for (size_t m = k + 1; m < j; m++)
    if (exg_bit(v, m) &&
        (exg_thread(g, m) == tj || exg_fp_dependent(exg_event(g, m), ej)))
      return init;
  return init | 1u << tj;
}

void dpor_notdep(const exgraph *g, size_t k, size_t j, uint64_t *v) {
  memset(v, 0, g->hb_w * sizeof *v);
  for (size_t m = k + 1; m < j; m++)
    if (!exg_hb_before(g, k, m))
      exg_bit_set(v, m);
}

/* The reversible race (e_k, e_j): some initial of notdep(e_k).e_j must be
   tried from s_k, unless one already is.  v is scratch. */
static void reverse_race(explorer *e, size_t k, size_t j, int tj,
                         const exg_fp *ej, uint64_t *v) {
  exgraph *g = &e->g;
  assert(k < j && exg_thread(g, k) != tj);
  dpor_notdep(g, k, j, v);
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

/* ---------------------------------------------- lock-aware happens-before */

static int is_lock_op(uint8_t op) {
  return op == SIM_OP_LOCK || op == SIM_OP_LOCK_SHARED ||
         op == SIM_OP_TRYLOCK || op == SIM_OP_UNLOCK ||
         op == SIM_OP_UNLOCK_SHARED || op == SIM_OP_UNLOCK_ANY;
}

static int is_acquire(uint8_t op) {
  return op == SIM_OP_LOCK || op == SIM_OP_LOCK_SHARED || op == SIM_OP_TRYLOCK;
}

static int has_acquire(const exg_fp *f) {
  for (int a = 0; a < f->n; a++)
    if (is_acquire(f->acc[a].op))
      return 1;
  return 0;
}

/* Is there an edge from event r (another thread's, earlier) to event a:
   r releases a lock l that a then acquires, and the acquisition r's
   release ends is dependent with a's (not both shared, not both
   single-step sections, depend.h)? */
static int lock_edge(const exg_fp *r, const exg_fp *a) {
  for (int x = 0; x < a->n; x++) {
    if (!is_acquire(a->acc[x].op))
      continue;
    sim_oid l = a->acc[x].obj;
    for (int y = 0; y < r->n; y++) {
      uint8_t op = r->acc[y].op;
      if (r->acc[y].obj != l ||
          (op != SIM_OP_UNLOCK && op != SIM_OP_UNLOCK_SHARED &&
           op != SIM_OP_UNLOCK_ANY))
        continue;
      if (op == SIM_OP_UNLOCK_SHARED && a->acc[x].op == SIM_OP_LOCK_SHARED)
        continue; /* shared after shared: those sections commute */
      if (sim_step_section(r->acc, r->n, l) &&
          sim_step_section(a->acc, a->n, l))
        continue; /* single-step sections commute */
      return 1;
    }
  }
  return 0;
}

/* Do a and b conflict on data only, never through a lock operation? */
static int data_conflict_only(const exg_fp *a, const exg_fp *b) {
  for (int x = 0; x < a->n; x++)
    for (int y = 0; y < b->n; y++)
      if (a->acc[x].obj == b->acc[y].obj &&
          (is_lock_op(a->acc[x].op) || is_lock_op(b->acc[y].op)) &&
          sim_ops_conflict(a->acc[x].op, b->acc[y].op) &&
          !(sim_step_section(a->acc, a->n, a->acc[x].obj) &&
            sim_step_section(b->acc, b->n, a->acc[x].obj)))
        return 0;
  return 1;
}

/* The races of event e_j (thread tj, footprint ej) with the events before
   it.  Its direct predecessors are the previous event of its thread and
   every earlier dependent event of another thread; a dependent predecessor
   e_k that no later direct predecessor already orders after e_k is a
   reversible race.  On return u holds the union of the predecessors'
   hb, lu that of their lock-aware rows, with also the releases that order
   e_j's acquisitions (lock_edge()).  j may be n: the pending step of a
   thread left parked at the end, which gets no lock edge of its own (it
   may be blocked: it has acquired nothing).

   Lock-aware happens-before (Nidhugg and GenMC model a lock as an RMW that
   reads from the previous unlock).  A race (e_k, e_j) whose conflict is on
   data only is dropped when e_k reaches e_j in the lock-aware relation: a
   path e_k -> ... -> e_j of program order, dependences and edges from a
   release of l by thread A to a later acquisition of l by thread B, where
   A's acquisition (before its release) and B's are dependent.  Any
   execution that puts e_j before e_k reverses some edge of that path.  A
   program-order edge cannot be reversed; a dependence is a race this
   analysis sees on its own.  Reversing a lock edge puts B's acquisition
   before A's release, and since the two acquisitions cannot both hold l,
   before A's acquisition: that reverses the dependent pair of
   acquisitions, a race on the lock, which is never dropped here and is
   reversed as usual.  So every trace with e_j before e_k is still reached
   through a race on the path; only the redundant attempt to reverse the
   data race directly is saved, the attempt whose initial (the other
   thread's acquisition) is blocked and made the analysis add every
   enabled thread.  No edge is drawn between two shared acquisitions or
   two single-step sections, which commute (depend.h). */
static void races_of(explorer *e, size_t j, int tj, const exg_fp *ej,
                     long last_tj, uint64_t *u, uint64_t *lu, uint64_t *v,
                     dpor_race_fn race) {
  const exgraph *g = &e->g;
  size_t w = g->hb_w;
  assert(g->ix_n == j); /* the object index holds the events before e_j */
  memset(u, 0, w * sizeof *u);
  memset(lu, 0, w * sizeof *lu);
  int acq = j < g->hb_n && has_acquire(ej); /* j == n: a parked step */
  /* The candidates, latest first: e_j's program-order predecessor and
     the events that share an object with it (a dependence or a lock edge
     needs one), merged from the object index's chains; every other event
     is neither a direct predecessor nor a race. */
  long head[SIM_MAX_ACCESS + 1];
  sim_oid hobj[SIM_MAX_ACCESS + 1];
  int nh = 0;
  head[nh++] = last_tj; /* hobj unused: the chain stops after it */
  for (int a = 0; a < ej->n; a++) {
    int dup = 0;
    for (int h = 1; h < nh; h++)
      dup |= hobj[h] == ej->acc[a].obj;
    if (!dup) {
      hobj[nh] = ej->acc[a].obj;
      head[nh++] = exg_index_last(g, ej->acc[a].obj);
    }
  }
  for (;;) {
    long k = -1;
    for (int h = 0; h < nh; h++)
      if (head[h] > k)
        k = head[h];
    if (k < 0)
      break;
    for (int h = 0; h < nh; h++)
      if (head[h] == k)
        head[h] = h ? exg_index_prev(g, (size_t)k, hobj[h]) : -1;
    int tk = exg_thread(g, (size_t)k);
    const exg_fp *ek = exg_event(g, (size_t)k);
    int po = k == last_tj;
    int dep = tk != tj && exg_fp_dependent(ek, ej);
    int lock = acq && tk != tj && lock_edge(ek, ej);
    if (!po && !dep && !lock)
      continue;
    if (dep && !exg_bit(u, (size_t)k) &&
        !(exg_bit(lu, (size_t)k) && data_conflict_only(ek, ej)))
      race(e, (size_t)k, j, tj, ej, v);
    const uint64_t *hk = exg_hb_row(g, (size_t)k);
    const uint64_t *lk = exg_lhb_row(g, (size_t)k);
    for (size_t x = 0; x < w; x++) {
      if (po || dep)
        u[x] |= hk[x];
      lu[x] |= lk[x];
    }
  }
}

/* Events [0, n), then the pending steps of the threads left parked
   ('final' is the node holding them, or -1): a blocked thread's next step
   races with what blocks it.  With 'incremental', the events of the
   prefix this execution shares with the last one analysed (the rows
   [0, hb_valid)) are skipped: their rows are those computed then, and
   their races were handled then (a backtrack set only grows, so handling
   them again would change nothing). */
int dpor_races(explorer *e, size_t n, long final, dpor_race_fn race,
               int incremental) {
  exgraph *g = &e->g;
  if (exg_hb_reserve(g, n))
    return -1;
  uint64_t *u = exg_hb_scratch(g, n, 0), *v = exg_hb_scratch(g, n, 1);
  uint64_t *lu = exg_lhb_scratch(g, n);
  long last[SIM_MAX_THREADS];
  for (int t = 0; t < SIM_MAX_THREADS; t++)
    last[t] = -1;
  size_t from = incremental ? g->hb_valid : 0;
  if (exg_index_reserve(g, n))
    return -1;
  exg_index_undo(g, from);
  assert(g->ix_n == from); /* the index never lags the valid rows */
  for (size_t j = 0; j < from; j++)
    last[exg_thread(g, j)] = (long)j;
  for (size_t j = from; j < n; j++) {
    int tj = exg_thread(g, j);
    races_of(e, j, tj, exg_event(g, j), last[tj], u, lu, v, race);
    exg_hb_set(g, j, u);
    exg_lhb_set(g, j, lu);
    last[tj] = (long)j;
    if (exg_index_add(g))
      return -1;
  }
  g->hb_valid = n;
  if (final >= 0)
    for (int t = 0; t < e->nthreads; t++) {
      const exg_fp *p = exg_pend(g, (size_t) final, t);
      if (p->n &&
          !((size_t) final == n - 1 && exg_thread(g, (size_t) final) == t))
        races_of(e, n, t, p, last[t], u, lu, v, race);
    }
  return 0;
}

void dpor_races_after(explorer *e, size_t n, int t, const exg_fp *fp,
                      dpor_race_fn race) {
  exgraph *g = &e->g;
  assert(g->hb_n == n);
  long last = (long)n - 1;
  while (last >= 0 && exg_thread(g, (size_t)last) != t)
    last--;
  races_of(e, n, t, fp, last, exg_hb_scratch(g, n, 0), exg_lhb_scratch(g, n),
           exg_hb_scratch(g, n, 1), race);
}

int dpor_analyse(explorer *e, size_t n, long final) {
  return dpor_races(e, n, final, reverse_race, 1);
}
