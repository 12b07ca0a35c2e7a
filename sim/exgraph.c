/*
** exgraph.c - the explorer's execution graph: node storage, pending
** footprints, preemption counting, happens-before bitsets and
** Mazurkiewicz trace ids.  See exgraph.h for the node layout and its
** invariants; dpor.c reads the graph to find races, the strategies
** (strategy.c, sample.c) fill its backtrack sets.
*/
#include "exgraph.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "depend.h"
#include "grow.h"
#include "hash.h"

void exg_init(exgraph *g, int nthreads) {
  assert(nthreads >= 0 && nthreads <= SIM_MAX_THREADS);
  *g = (exgraph){.nthreads = nthreads};
}

void exg_free(exgraph *g) {
  free(g->nodes);
  free(g->pend);
  free(g->hb);
  free(g->ix_last);
  free(g->ix_link);
  free(g->ix_nlink);
  *g = (exgraph){.nthreads = g->nthreads};
}

int exg_reserve(exgraph *g, size_t need) {
  if (need <= g->cap)
    return 0;
  size_t cap = sim_grown_cap(g->cap, need, 256);
  exg_node *n = realloc(g->nodes, cap * sizeof *n);
  if (!n)
    return -1;
  g->nodes = n;
  exg_fp *p = realloc(g->pend, cap * (size_t)g->nthreads * sizeof *p);
  if (!p)
    return -1;
  g->pend = p;
  g->cap = cap;
  return 0;
}

/* ------------------------------------------------------------ footprints */

void exg_fp_from(exg_fp *f, const sim_stepdesc *s) {
  assert(s->n <= SIM_MAX_ACCESS);
  f->n = s->n;
  memcpy(f->acc, s->acc, s->n * sizeof s->acc[0]);
  f->sig = 0;
  for (int a = 0; a < s->n; a++)
    f->sig |= 1ull << (s->acc[a].obj % 64);
}

int exg_fp_dependent(const exg_fp *a, const exg_fp *b) {
  if (!(a->sig & b->sig)) /* no common object: independent */
    return 0;
  return sim_accesses_dependent(a->acc, a->n, b->acc, b->n);
}

void exg_record_pending(exgraph *g, size_t i, const sim_exec *x) {
  assert(i < g->cap);
  for (int t = 0; t < g->nthreads; t++) {
    const sim_stepdesc *s = sim_pending(x, t);
    if (s)
      exg_fp_from(exg_pend(g, i, t), s);
    else
      *exg_pend(g, i, t) = (exg_fp){.n = 0};
  }
}

int exg_pending_differs(const exgraph *g, size_t i, const sim_exec *x) {
  for (int t = 0; t < g->nthreads; t++) {
    const sim_stepdesc *s = sim_pending(x, t);
    const exg_fp *f = exg_pend(g, i, t);
    if ((s ? s->n : 0) != f->n)
      return t;
    for (int a = 0; a < f->n; a++)
      if (s->acc[a].obj != f->acc[a].obj || s->acc[a].op != f->acc[a].op)
        return t;
  }
  return -1;
}

/* ---------------------------------------------------------------- nodes */

void exg_node_open(exgraph *g, size_t i, uint32_t enabled) {
  assert(i < g->cap);
  exg_node *nd = &g->nodes[i];
  *nd = (exg_node){.enabled = enabled, .chosen = -1};
  if (i == 0)
    return;
  const exg_node *pn = &g->nodes[i - 1];
  assert(pn->chosen >= 0);
  nd->pre =
      (int16_t)(pn->pre + (i > 1 && pn->chosen != g->nodes[i - 2].chosen &&
                           exg_has(pn->enabled, g->nodes[i - 2].chosen)));
}

int exg_preemptions(const exgraph *g, const uint8_t *s, size_t n) {
  int p = 0;
  for (size_t i = 1; i < n; i++)
    if (s[i] != s[i - 1] && exg_has(g->nodes[i].enabled, s[i - 1]))
      p++;
  return p;
}

void exg_check_node(const exgraph *g, size_t i) {
  const exg_node *nd = &g->nodes[i];
  assert((nd->backtrack & ~nd->enabled) == 0);
  assert((nd->done & nd->sleep) == 0);
  assert((nd->others & ~nd->enabled) == 0);
  if (nd->chosen >= 0) {
    assert(exg_has(nd->enabled, nd->chosen));
    assert(exg_has(nd->done, nd->chosen));
    assert(!exg_has(nd->sleep, nd->chosen));
  }
}

/* ------------------------------------------------------- happens-before */

int exg_bits_intersect_below(const uint64_t *a, const uint64_t *b, size_t w,
                             size_t m) {
  for (size_t x = 0; x < w; x++)
    if (a[x] & b[x] &
        (x < m / 64    ? ~0ull
         : x == m / 64 ? (1ull << (m % 64)) - 1
                       : 0))
      return 1;
  return 0;
}

int exg_hb_reserve(exgraph *g, size_t n) {
  size_t w = (n + 1 + 63) / 64;            /* room for event n: a parked step */
  if (n + 2 > g->hb_rows || w > g->hb_w) { /* a new layout */
    size_t rows = g->hb_rows ? g->hb_rows : 64;
    while (rows < n + 2)
      rows *= 2;
    if (w < g->hb_w)
      w = g->hb_w;
    size_t need = 2 * rows * w;
    if (need > g->hb_cap) {
      uint64_t *h = realloc(g->hb, need * sizeof *h);
      if (!h)
        return -1;
      g->hb = h;
      g->hb_cap = need;
    }
    g->hb_rows = rows;
    g->hb_w = w;
    g->hb_valid = 0;
  }
  g->hb_n = n;
  if (g->hb_valid > n)
    g->hb_valid = n;
  return 0;
}

/* Row j of either relation: preds plus j. */
static void set_row(const exgraph *g, uint64_t *hj, size_t j,
                    const uint64_t *preds) {
  if (EXG_EXPENSIVE_CHECKS) /* predecessors come before e_j */
    for (size_t x = j / 64; x < g->hb_w; x++)
      assert(!(preds[x] & (x == j / 64 ? ~((1ull << (j % 64)) - 1) : ~0ull)));
  memcpy(hj, preds, g->hb_w * sizeof *hj);
  exg_bit_set(hj, j);
}

void exg_hb_set(exgraph *g, size_t j, const uint64_t *preds) {
  assert(j < g->hb_n);
  set_row(g, exg_hb_row(g, j), j, preds);
  assert(exg_hb_before(g, j, j)); /* reflexive on its event */
}

void exg_lhb_set(exgraph *g, size_t j, const uint64_t *preds) {
  assert(j < g->hb_n);
  set_row(g, exg_lhb_row(g, j), j, preds);
  if (EXG_EXPENSIVE_CHECKS) /* contains the plain row */
    for (size_t x = 0; x < g->hb_w; x++)
      assert((exg_hb_row(g, j)[x] & ~exg_lhb_row(g, j)[x]) == 0);
}

/* --------------------------------------------------------- object index */

int exg_index_reserve(exgraph *g, size_t n) {
  if (n <= g->ix_cap)
    return 0;
  size_t cap = sim_grown_cap(g->ix_cap, n, 256);
  struct exg_link *k = realloc(g->ix_link, cap * SIM_MAX_ACCESS * sizeof *k);
  if (!k)
    return -1;
  g->ix_link = k;
  uint8_t *c = realloc(g->ix_nlink, cap);
  if (!c)
    return -1;
  g->ix_nlink = c;
  g->ix_cap = cap;
  return 0;
}

/* Room in ix_last for object o. */
static int index_objs(exgraph *g, uint32_t o) {
  if (o < g->ix_nobjs)
    return 0;
  uint32_t n = g->ix_nobjs ? g->ix_nobjs : 256;
  while (n <= o)
    n *= 2;
  int32_t *l = realloc(g->ix_last, n * sizeof *l);
  if (!l)
    return -1;
  for (uint32_t i = g->ix_nobjs; i < n; i++)
    l[i] = -1;
  g->ix_last = l;
  g->ix_nobjs = n;
  return 0;
}

int exg_index_add(exgraph *g) {
  size_t j = g->ix_n;
  assert(j < g->ix_cap);
  const exg_fp *f = exg_event(g, j);
  struct exg_link *lk = &g->ix_link[j * SIM_MAX_ACCESS];
  int n = 0;
  for (int a = 0; a < f->n; a++) {
    uint32_t o = f->acc[a].obj;
    if (index_objs(g, o))
      return -1;
    if (g->ix_last[o] == (int32_t)j)
      continue; /* an object the step accesses twice: linked once */
    lk[n++] = (struct exg_link){o, g->ix_last[o]};
    g->ix_last[o] = (int32_t)j;
  }
  g->ix_nlink[j] = (uint8_t)n;
  g->ix_n = j + 1;
  return 0;
}

void exg_index_undo(exgraph *g, size_t i) {
  while (g->ix_n > i) {
    size_t j = --g->ix_n;
    const struct exg_link *lk = &g->ix_link[j * SIM_MAX_ACCESS];
    for (int a = g->ix_nlink[j] - 1; a >= 0; a--) {
      assert(g->ix_last[lk[a].obj] == (int32_t)j);
      g->ix_last[lk[a].obj] = lk[a].prev;
    }
  }
}

long exg_index_prev(const exgraph *g, size_t k, uint32_t obj) {
  assert(k < g->ix_n);
  const struct exg_link *lk = &g->ix_link[k * SIM_MAX_ACCESS];
  for (int a = 0; a < g->ix_nlink[k]; a++)
    if (lk[a].obj == obj)
      return lk[a].prev;
  assert(0 && "event k does not access obj");
  return -1;
}

/* ------------------------------------------------------------ trace ids */

/* Per event: its thread, its index in the thread, its footprint, and for
   every other thread how many of that thread's earlier events it depends
   on. */
uint64_t exg_trace_id(const exgraph *g, size_t n) {
  uint64_t h = 0;
  int idx[SIM_MAX_THREADS] = {0};
  uint64_t *per = calloc(n ? n : 1, sizeof *per);
  if (!per)
    return 0;
  for (size_t j = 0; j < n; j++) {
    int tj = exg_thread(g, j);
    const exg_fp *ej = exg_event(g, j);
    uint32_t cnt[SIM_MAX_THREADS] = {0};
    for (size_t k = 0; k < j; k++) {
      int tk = exg_thread(g, k);
      if (tk != tj && exg_fp_dependent(exg_event(g, k), ej))
        cnt[tk]++;
    }
    uint64_t v = SIM_HASH_INIT;
    sim_hash_u64(&v, (uint64_t)tj << 32 | (uint32_t)idx[tj]++);
    for (int a = 0; a < ej->n; a++)
      sim_hash_u64(&v, (uint64_t)ej->acc[a].obj << 8 | ej->acc[a].op);
    for (int t = 0; t < g->nthreads; t++)
      sim_hash_u64(&v, cnt[t]);
    per[j] = v;
  }
  /* combine order-independently across threads (a sum of per-event
     hashes), in order within one (each hash names its index) */
  for (size_t j = 0; j < n; j++)
    h += sim_hash_of(per[j]);
  free(per);
  return h;
}
