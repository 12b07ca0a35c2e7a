/*
** optimal.c - wakeup trees: the "optimal" row of the strategy table,
** Optimal-DPOR (Abdulla, Aronis, Jonsson, Sagonas, "Optimal Dynamic
** Partial Order Reduction", POPL 2014, Algorithm 2).  The races, the
** lock-aware happens-before and the sleep sets are dpor.c's; what changes
** is what a race leaves at s_k: instead of one initial thread (source
** sets, which may lead into an execution that the sleep set blocks), the
** whole sequence v = notdep(e_k).e_j that reverses it, kept in the
** wakeup tree of node k and replayed step by step when node k is
** backtracked to.
**
**   wut(k)   ordered tree of thread sequences still to run from s_k; each
**            tree node keeps the footprint of its event (to decide weak
**            initials, below).  Its leftmost child is node k's only
**            backtrack candidate, so the driver takes them in order.
**
**   opt_first    at fresh node i+1, after node i chose p: the subtree of
**                p moves from wut(i) to wut(i+1), whose leftmost child is
**                run; an empty tree runs dpor_first's thread
**   opt_analyse  per race (e_k, e_j): unless a thread asleep (or already
**                tried) at s_k is a weak initial of v, insert v into
**                wut(k); then each node's backtrack candidate is its
**                leftmost child
**
**   weak initial of v at a state: a thread whose first event in v has no
**   earlier dependent event in v, or a thread with no event in v whose
**   next event is independent of all of v.
**   insert(v): walk down from the root; at each node take the first child
**   that is a weak initial of what is left of v (removing its event from
**   v when v has it); reaching a leaf, or using up v, means v is covered;
**   else what is left becomes a new rightmost branch.
**
** Fallback, for what Algorithm 2 assumes and locks break (an event can be
** disabled by a lock its thread does not touch in v): when the next event
** of a tree is not enabled, or is asleep, at its node, the node falls back
** to trying every enabled thread, as dpor.c does for a blocked initial.
** That is sound (a superset of a source set) but may cost blocked runs.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "strategy.h"

struct opt_tree {
  int8_t t;               /* the thread of this event */
  exg_fp fp;              /* its footprint */
  struct opt_tree *child; /* leftmost child */
  struct opt_tree *next;  /* next sibling to the right */
};

/* Tree nodes are recycled through e->opt_pool (linked by 'next'): a race
   inserts and a backtrack frees thousands per execution, and handing them
   back to malloc made glibc shrink and regrow the heap every time
   (lastzero(14): 50 s of 67 in the kernel, page faults and brk). */
static void tree_free(explorer *e, struct opt_tree *w) {
  while (w) {
    struct opt_tree *n = w->next;
    tree_free(e, w->child);
    w->next = e->opt_pool;
    e->opt_pool = w;
    w = n;
  }
}

static struct opt_tree *tree_node(explorer *e) {
  struct opt_tree *w = e->opt_pool;
  if (!w)
    return malloc(sizeof *w);
  e->opt_pool = w->next;
  return w;
}

void opt_free(explorer *e) {
  for (size_t i = 0; i < e->wut_cap; i++)
    tree_free(e, e->wut[i]);
  while (e->opt_pool) {
    struct opt_tree *n = e->opt_pool->next;
    free(e->opt_pool);
    e->opt_pool = n;
  }
  free(e->wut);
  free(e->wall);
  e->wut = NULL;
  e->wall = NULL;
  e->wut_cap = 0;
}

/* Room for the trees of nodes [0, need).  Returns 0, or -1. */
static int reserve(explorer *e, size_t need) {
  if (need <= e->wut_cap)
    return 0;
  size_t cap = sim_grown_cap(e->wut_cap, need, 256);
  struct opt_tree **w = realloc(e->wut, cap * sizeof *w);
  if (!w)
    return -1;
  e->wut = w;
  uint8_t *a = realloc(e->wall, cap);
  if (!a)
    return -1;
  e->wall = a;
  memset(e->wut + e->wut_cap, 0, (cap - e->wut_cap) * sizeof *w);
  memset(e->wall + e->wut_cap, 0, cap - e->wut_cap);
  e->wut_cap = cap;
  return 0;
}

/* Takes out node i's child of thread t (its leftmost, if any) and returns
   its subtree. */
static struct opt_tree *pop_child(explorer *e, size_t i, int t) {
  for (struct opt_tree **c = &e->wut[i]; *c; c = &(*c)->next)
    if ((*c)->t == t) {
      struct opt_tree *x = *c, *sub = x->child;
      *c = x->next;
      x->next = e->opt_pool;
      e->opt_pool = x;
      return sub;
    }
  return NULL;
}

/* Node i tries every enabled thread from now on. */
static void fall_back(explorer *e, size_t i) {
  e->wall[i] = 1;
  tree_free(e, e->wut[i]);
  e->wut[i] = NULL;
}

uint32_t opt_first(explorer *e, size_t i, uint32_t avail, int prev) {
  if (reserve(e, i + 1))
    return avail;          /* out of memory: every thread, which is sound */
  tree_free(e, e->wut[i]); /* left by a run that backtracked above node i */
  e->wut[i] = NULL;
  e->wall[i] = 0;
  if (i > 0 && !e->wall[i - 1])
    e->wut[i] = pop_child(e, i - 1, exg_node_at(&e->g, i - 1)->chosen);
  if (!e->wut[i])
    return dpor_first(e, i, avail, prev);
  int t = e->wut[i]->t;
  if (exg_has(avail, t)) {
    /* the chosen child is popped by node i+1; leave its subtree there */
    return 1u << t;
  }
  fall_back(e, i);
  return avail;
}

/* ------------------------------------------------------------ insertion */

/* Longest sequence kept in a tree; a longer race falls back. */
#define OPT_SEQ_MAX 1024

/* A sequence being inserted: events, with 'gone' marking those a walk has
   matched. */
typedef struct seq {
  int n, left;
  int8_t t[OPT_SEQ_MAX];
  const exg_fp *fp[OPT_SEQ_MAX];
  uint8_t gone[OPT_SEQ_MAX];
} seq;

/* Is t (next event f) a weak initial of what is left of v?  Returns the
   index of t's first event left in v, n if t has none (independent of
   all), or -1. */
static int weak_initial(const seq *v, int t, const exg_fp *f) {
  for (int x = 0; x < v->n; x++) {
    if (v->gone[x] || v->t[x] != t)
      continue;
    for (int y = 0; y < x; y++)
      if (!v->gone[y] && exg_fp_dependent(v->fp[y], v->fp[x]))
        return -1;
    return x;
  }
  for (int x = 0; x < v->n; x++)
    if (!v->gone[x] && exg_fp_dependent(v->fp[x], f))
      return -1;
  return v->n;
}

/* Appends what is left of v as a new rightmost branch at *at.  Returns 0,
   or -1 when out of memory. */
static int append(explorer *e, struct opt_tree **at, const seq *v) {
  while (*at)
    at = &(*at)->next;
  for (int x = 0; x < v->n; x++) {
    if (v->gone[x])
      continue;
    struct opt_tree *w = tree_node(e);
    if (!w)
      return -1;
    w->t = v->t[x];
    w->fp = *v->fp[x];
    w->child = w->next = NULL;
    *at = w;
    at = &w->child;
  }
  return 0;
}

static int insert(explorer *e, struct opt_tree **root, seq *v) {
  struct opt_tree **at = root;
  int top = 1;
  while (v->left > 0) {
    if (!top && !*at)
      return 0; /* a leaf: v is covered */
    struct opt_tree *c = *at;
    for (; c; c = c->next) {
      int x = weak_initial(v, c->t, &c->fp);
      if (x < 0)
        continue;
      if (x < v->n) {
        v->gone[x] = 1;
        v->left--;
      }
      break;
    }
    if (!c)
      return append(e, at, v);
    at = &c->child;
    top = 0;
  }
  return 0;
}

/* The race (e_k, e_j): insert notdep(e_k).e_j into wut(k), unless a thread
   that s_k has already tried or put to sleep is a weak initial of it. */
static void wakeup_race(explorer *e, size_t k, size_t j, int tj,
                        const exg_fp *ej, uint64_t *v) {
  exgraph *g = &e->g;
  if (e->wall[k] || e->error)
    return;
  dpor_notdep(g, k, j, v);
  seq s;
  s.n = 0;
  for (size_t m = k + 1; m < j; m++)
    if (exg_bit(v, m)) {
      if (s.n == OPT_SEQ_MAX - 1)
        goto all; /* too long to keep: every thread instead */
      s.t[s.n] = (int8_t)exg_thread(g, m);
      s.fp[s.n] = exg_event(g, m);
      s.gone[s.n++] = 0;
    }
  s.t[s.n] = (int8_t)tj;
  s.fp[s.n] = ej;
  s.gone[s.n++] = 0;
  s.left = s.n;
  const exg_node *nk = exg_node_at(g, k);
  uint32_t slept = (nk->sleep | nk->done | nk->others) & ~(1u << nk->chosen);
  for (uint32_t m = slept; m; m &= m - 1) {
    int q = __builtin_ctz(m);
    if (weak_initial(&s, q, exg_pend(g, k, q)) >= 0)
      return; /* explored from s_k already, or by another worker */
  }
  if (insert(e, &e->wut[k], &s) == 0)
    return;
all:
  fall_back(e, k);
}

int opt_analyse(explorer *e, size_t n, long final) {
  if (reserve(e, n + 1))
    return -1;
  if (dpor_races(e, n, final, wakeup_race, 0))
    return -1;
  /* each node's candidate: its leftmost child that is still to run */
  exgraph *g = &e->g;
  for (size_t k = 0; k < n; k++) {
    exg_node *nk = exg_node_at(g, k);
    uint32_t gone = nk->done | nk->sleep | nk->others;
    if (!e->wall[k]) {
      /* a chosen child whose node i+1 was sleep-set blocked stays */
      while (e->wut[k] && exg_has(gone, e->wut[k]->t))
        tree_free(e, pop_child(e, k, e->wut[k]->t));
      if (!e->wut[k])
        continue;
      if (exg_has(nk->enabled, e->wut[k]->t)) {
        nk->backtrack |= 1u << e->wut[k]->t;
        continue;
      }
      fall_back(e, k); /* its next event is blocked at s_k */
    }
    nk->backtrack |= nk->enabled & ~gone;
  }
  return 0;
}
