/*
** explore.c - stateless exploration of interleavings: DPOR with source
** sets and sleep sets, naive DFS, iterative preemption bounding, PCT and
** random walks.  See explore.h for the strategies and the dependence
** relation.
**
** The DFS strategies keep one node per depth of the current execution:
**
**   node i = state s_i before the i-th grant: enabled threads, the pending
**   footprint of every parked thread, backtrack (threads to try from s_i),
**   done (tried), sleep (need not be tried), the thread chosen, and the
**   preemptions spent before s_i.
**
** One iteration: replay the chosen prefix (the engine is deterministic, so
** the states repeat), extend it with fresh nodes to the end, then (dpor)
** find the reversible races of the whole sequence and add a thread to the
** backtrack set of the state where each race starts, then backtrack to
** the deepest node with an untried candidate.
**
**   s_0 --p--> s_1 --q--> s_2 ... s_n        race (e_i, e_j): dependent,
**    ^ backtrack(s_i) += an initial of        different threads, no event
**      notdep(e_i).e_j                        between them ordered after
**                                             e_i and before e_j
**
** Happens-before is computed per execution as bitsets over events: hb[j]
** holds j and every event that reaches j through program order or
** dependence.
*/
#include "explore.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depend.h"
#include "hash.h"
#include "sched.h"

typedef struct fp {
  uint8_t n;
  sim_access acc[SIM_MAX_ACCESS];
} fp;

typedef struct node {
  uint32_t enabled, backtrack, done, sleep;
  uint32_t others; /* --jobs split node: choices other workers explore */
  int8_t chosen;
  int16_t pre; /* preemptions before this state */
} node;

typedef struct explorer {
  const exp_cfg *cfg;
  const sim_exec_cfg *base;
  int nthreads;
  node *nodes;
  fp *pend; /* [depth][thread] */
  size_t cap;
  size_t prefix; /* nodes [0, prefix) are replayed */
  size_t depth;  /* nodes of the current execution */
  int error;
  char *err;
  size_t errlen;
  /* bounded */
  int k;
  /* the first branching depth, for --jobs */
  long split_depth;
  /* pct and random */
  sim_rng rng;
  int prio[SIM_MAX_THREADS];
  uint64_t change[8];
  int nchange;
  uint64_t pct_k;
  long final; /* node holding the pending steps left at the end, or -1 */
  /* happens-before scratch */
  uint64_t *hb;
  size_t hb_cap;
} explorer;

/* ------------------------------------------------------------ dependence */

static int fp_dependent(const fp *a, const fp *b) {
  return sim_accesses_dependent(a->acc, a->n, b->acc, b->n);
}

static void fp_from(fp *f, const sim_stepdesc *s) {
  f->n = s->n;
  memcpy(f->acc, s->acc, s->n * sizeof s->acc[0]);
}

int exp_dependent(const sim_stepdesc *a, const sim_stepdesc *b) {
  fp x, y;
  fp_from(&x, a);
  fp_from(&y, b);
  return fp_dependent(&x, &y);
}

/* ------------------------------------------------------------- storage */

static int grow(explorer *e, size_t need) {
  if (need <= e->cap)
    return 0;
  size_t cap = e->cap ? e->cap : 256;
  while (cap < need)
    cap *= 2;
  node *n = realloc(e->nodes, cap * sizeof *n);
  if (!n)
    return -1;
  e->nodes = n;
  fp *p = realloc(e->pend, cap * (size_t)e->nthreads * sizeof *p);
  if (!p)
    return -1;
  e->pend = p;
  e->cap = cap;
  return 0;
}

static fp *pend(explorer *e, size_t i, int t) {
  return &e->pend[i * (size_t)e->nthreads + (size_t)t];
}

static int prefer(uint32_t cand, int prev) {
  if (prev >= 0 && (cand & (1u << prev)))
    return prev; /* keep running: fewer preemptions first */
  return __builtin_ctz(cand);
}

/* ------------------------------------------------------------- choosers */

/* The pending footprint of every parked thread at state s_i. */
static void record_pending(explorer *e, const sim_choice_ctx *c, size_t i) {
  for (int t = 0; t < e->nthreads; t++) {
    const sim_stepdesc *s = sim_pending(c->x, t);
    if (s)
      fp_from(pend(e, i, t), s);
    else
      pend(e, i, t)->n = 0;
  }
}

/* A new node at depth i: record the state, pick the first thread, and
   set what remains to try from here. */
static int fresh_node(explorer *e, const sim_choice_ctx *c, size_t i) {
  const exp_cfg *cfg = e->cfg;
  node *nd = &e->nodes[i];
  *nd = (node){.enabled = c->enabled, .chosen = -1};
  record_pending(e, c, i);
  int prev = -1;
  if (i > 0) {
    node *pn = &e->nodes[i - 1];
    prev = pn->chosen;
    nd->pre =
        (int16_t)(pn->pre + (i > 1 && pn->chosen != e->nodes[i - 2].chosen &&
                             (pn->enabled & (1u << e->nodes[i - 2].chosen))));
    if (cfg->strategy == EXP_DPOR) {
      /* sleep(s.q) = {r in sleep(s) + done(s) - q : r independent of q};
         at a --jobs split, the lower siblings other workers explore count
         as done (the order of a single job's DFS) */
      uint32_t lower = (1u << pn->chosen) - 1;
      uint32_t cand =
          (pn->sleep | pn->done | (pn->others & lower)) & ~(1u << pn->chosen);
      const fp *q = pend(e, i - 1, pn->chosen);
      for (uint32_t m = cand; m; m &= m - 1) {
        int r = __builtin_ctz(m);
        if (!fp_dependent(pend(e, i - 1, r), q))
          nd->sleep |= 1u << r;
      }
    }
  }
  /* preemption counted at this decision: prev enabled and not chosen */
  uint32_t avail = c->enabled & ~nd->sleep;
  if (!avail)
    return -1; /* sleep-set blocked: every continuation is covered */
  uint32_t bt;
  switch (cfg->strategy) {
  case EXP_DPOR:
    bt = 1u << prefer(avail, prev);
    break;
  case EXP_BOUNDED:
    if (prev >= 0 && (avail & (1u << prev)) && nd->pre >= e->k)
      bt = 1u << prev; /* no preemption left: keep running */
    else
      bt = avail;
    break;
  default:
    bt = avail;
    break;
  }
  /* --jobs: the first branching node is shared out by rank */
  if (cfg->njobs > 1 && e->split_depth < 0 && __builtin_popcount(avail) > 1)
    e->split_depth = (long)i;
  if (cfg->njobs > 1 && (long)i == e->split_depth) {
    uint32_t mine = 0;
    int rank = 0;
    for (uint32_t m = avail; m; m &= m - 1, rank++)
      if (rank % cfg->njobs == cfg->job)
        mine |= 1u << __builtin_ctz(m);
    nd->others = avail & ~mine;
    avail = mine;
    bt = mine;
    if (!mine)
      return -1;
  }
  nd->backtrack = bt;
  int p = prefer(bt, prev);
  nd->chosen = (int8_t)p;
  nd->done = 1u << p;
  return p;
}

static int dfs_choose(void *arg, const sim_choice_ctx *c) {
  explorer *e = arg;
  size_t i = c->step;
  if (grow(e, i + 2)) {
    e->error = 1;
    snprintf(e->err, e->errlen, "out of memory at depth %zu", i);
    return -1;
  }
  e->depth = i + 1;
  if (i < e->prefix) {
    node *nd = &e->nodes[i];
    if (nd->enabled != c->enabled) {
      e->error = 1;
      snprintf(e->err, e->errlen,
               "nondeterministic model: at step %zu the enabled threads were "
               "%#x, then %#x on replay",
               i, nd->enabled, c->enabled);
      return -1;
    }
    return nd->chosen;
  }
  int p = fresh_node(e, c, i);
  if (p < 0)
    e->depth = i + 1; /* the blocked node stays for backtracking */
  return p;
}

/* A deadlock: keep the blocked threads' pending steps for the races. */
static void dfs_blocked(void *arg, const sim_choice_ctx *c) {
  explorer *e = arg;
  size_t i = c->step;
  if (grow(e, i + 2))
    return;
  e->nodes[i] = (node){.chosen = -1};
  record_pending(e, c, i);
  e->final = (long)i;
}

/* ---------------------------------------------------------------- races */

static inline int bit(const uint64_t *set, size_t i) {
  return (int)(set[i / 64] >> (i % 64) & 1);
}

/* The races of event e_j (thread tj, footprint ej) with the events before
   it.  Its direct predecessors are the previous event of its thread and
   every earlier dependent event of another thread; a dependent predecessor
   e_k that no later direct predecessor already orders after e_k is a
   reversible race: some initial of v = notdep(e_k).e_j must be tried from
   the state before e_k.  On return u holds the union of the predecessors'
   hb.  j may be n: the pending step of a thread left parked at the end. */
static void races_of(explorer *e, size_t j, int tj, const fp *ej, long last_tj,
                     size_t w, uint64_t *u, uint64_t *v) {
  uint64_t *hb = e->hb;
  memset(u, 0, w * sizeof *u);
  /* latest direct predecessor first, so that u holds the hb of the later
     ones when e_k is examined */
  for (long k = (long)j - 1; k >= 0; k--) {
    int tk = e->nodes[k].chosen;
    int po = k == last_tj;
    int dep = tk != tj && fp_dependent(pend(e, (size_t)k, tk), ej);
    if (!po && !dep)
      continue;
    if (dep && !bit(u, (size_t)k)) {
      /* v: the events after e_k not ordered after it, then e_j */
      memset(v, 0, w * sizeof *v);
      for (size_t m = (size_t)k + 1; m < j; m++)
        if (!bit(&hb[m * w], (size_t)k))
          v[m / 64] |= 1ull << (m % 64);
      uint32_t init = 0, seen = 0;
      for (size_t m = (size_t)k + 1; m < j; m++) {
        if (!bit(v, m))
          continue;
        int tm = e->nodes[m].chosen;
        if (seen & (1u << tm))
          continue;
        seen |= 1u << tm;
        int first = 1; /* no earlier event of v happens before e_m */
        for (size_t x = 0; x < w && first; x++)
          if (hb[m * w + x] & v[x] &
              (x < m / 64    ? ~0ull
               : x == m / 64 ? (1ull << (m % 64)) - 1
                             : 0))
            first = 0;
        if (first)
          init |= 1u << tm;
      }
      if (!(seen & (1u << tj))) {
        /* e_j is an initial unless one of its direct predecessors is in v
           (a reversible race puts every later direct predecessor there) */
        int first = 1;
        for (size_t m = (size_t)k + 1; m < j && first; m++)
          if (bit(v, m) && (e->nodes[m].chosen == tj ||
                            fp_dependent(pend(e, m, e->nodes[m].chosen), ej)))
            first = 0;
        if (first)
          init |= 1u << tj;
      }
      node *nk = &e->nodes[k];
      if (init && !(init & nk->backtrack)) {
        int q = (init & (1u << tj)) ? tj : __builtin_ctz(init);
        if (nk->enabled & (1u << q))
          nk->backtrack |= 1u << q;
        else
          nk->backtrack |= nk->enabled; /* blocked initial: all */
      }
    }
    const uint64_t *hk = &hb[(size_t)k * w];
    for (size_t x = 0; x < w; x++)
      u[x] |= hk[x];
  }
}

/* Source-DPOR race analysis of events [0, n), then of the pending steps
   of the threads left parked ('final' is the node holding them, or -1):
   a blocked thread's next step races with what blocks it. */
static int analyse_races(explorer *e, size_t n, long final) {
  size_t w = (n + 1 + 63) / 64;
  if ((n + 2) * w > e->hb_cap) {
    uint64_t *h = realloc(e->hb, (n + 2) * w * sizeof *h);
    if (!h)
      return -1;
    e->hb = h;
    e->hb_cap = (n + 2) * w;
  }
  uint64_t *u = e->hb + n * w, *v = u + w;
  long last[SIM_MAX_THREADS];
  for (int t = 0; t < SIM_MAX_THREADS; t++)
    last[t] = -1;
  for (size_t j = 0; j < n; j++) {
    int tj = e->nodes[j].chosen;
    races_of(e, j, tj, pend(e, j, tj), last[tj], w, u, v);
    uint64_t *hj = &e->hb[j * w];
    memcpy(hj, u, w * sizeof *hj);
    hj[j / 64] |= 1ull << (j % 64);
    last[tj] = (long)j;
  }
  if (final >= 0)
    for (int t = 0; t < e->nthreads; t++) {
      const fp *p = pend(e, (size_t) final, t);
      if (p->n && !((size_t) final == n - 1 && e->nodes[final].chosen == t))
        races_of(e, n, t, p, last[t], w, u, v);
    }
  return 0;
}

/* Mazurkiewicz trace id: per event, its thread, its index in the thread,
   its footprint, and for every other thread how many of that thread's
   earlier events it depends on.  Equal for every linearization. */
static uint64_t trace_id(explorer *e, size_t n) {
  uint64_t h = 0;
  int idx[SIM_MAX_THREADS] = {0};
  uint64_t *per = calloc(n ? n : 1, sizeof *per);
  if (!per)
    return 0;
  for (size_t j = 0; j < n; j++) {
    int tj = e->nodes[j].chosen;
    const fp *ej = pend(e, j, tj);
    uint32_t cnt[SIM_MAX_THREADS] = {0};
    for (size_t k = 0; k < j; k++) {
      int tk = e->nodes[k].chosen;
      if (tk != tj && fp_dependent(pend(e, k, tk), ej))
        cnt[tk]++;
    }
    uint64_t v = SIM_HASH_INIT;
    sim_hash_u64(&v, (uint64_t)tj << 32 | (uint32_t)idx[tj]++);
    for (int a = 0; a < ej->n; a++)
      sim_hash_u64(&v, (uint64_t)ej->acc[a].obj << 8 | ej->acc[a].op);
    for (int t = 0; t < e->nthreads; t++)
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

/* ------------------------------------------------------------ drivers */

static int preemptions(const uint8_t *s, size_t n, const node *nodes) {
  int p = 0;
  for (size_t i = 1; i < n; i++)
    if (s[i] != s[i - 1] && (nodes[i].enabled & (1u << s[i - 1])))
      p++;
  return p;
}

static int run_one(explorer *e, sim_chooser ch, sim_result *r) {
  sim_exec_cfg cfg = *e->base;
  cfg.chooser = ch;
  cfg.observer = NULL;
  if (sim_exec_run(&cfg, r)) {
    snprintf(e->err, e->errlen, "engine error");
    return -1;
  }
  return 0;
}

static int stopping(const explorer *e, const exp_stats *st) {
  const exp_cfg *c = e->cfg;
  if (c->stop && *c->stop)
    return 1;
  if (c->max_execs && st->execs + st->pruned >= c->max_execs)
    return 1;
  return c->stop_first && st->violating;
}

static void account(explorer *e, exp_stats *st, sim_result *r, size_t depth,
                    int pre, uint64_t tid, int report) {
  if ((int)depth > st->max_depth)
    st->max_depth = (int)depth;
  st->steps += r->steps;
  if (r->outcome == SIM_PRUNED) {
    st->pruned++;
    return;
  }
  if (!report)
    return;
  st->execs++;
  st->violating += r->outcome == SIM_VIOLATION;
  if (e->cfg->on_exec) {
    exp_exec x = {.ordinal = st->execs,
                  .r = r,
                  .preemptions = pre,
                  .trace_id = tid,
                  .bound = e->k};
    e->cfg->on_exec(e->cfg->arg, &x);
  }
}

/* DFS over the tree of choices (dpor, naive, one pass of bounded). */
static int dfs(explorer *e, exp_stats *st, int only_bound) {
  e->prefix = 0;
  e->split_depth = -1;
  for (;;) {
    sim_result r;
    e->depth = 0;
    e->final = -1;
    if (run_one(e, (sim_chooser){dfs_choose, e, dfs_blocked}, &r))
      return -1;
    if (e->error) {
      sim_result_free(&r);
      return -1;
    }
    size_t n = r.nsched;
    /* an execution cut short leaves threads parked at their next step:
       at a deadlock the blocked node, else the last state before it */
    long final = e->final;
    if (final < 0 && n > 0 && r.outcome != SIM_CLEAN && r.outcome != SIM_PRUNED)
      final = (long)n - 1;
    if (e->cfg->strategy == EXP_DPOR && analyse_races(e, n, final)) {
      sim_result_free(&r);
      snprintf(e->err, e->errlen, "out of memory");
      return -1;
    }
    int pre = preemptions(r.sched, n, e->nodes);
    uint64_t tid =
        e->cfg->traces && r.outcome != SIM_PRUNED ? trace_id(e, n) : 0;
    account(e, st, &r, n, pre, tid, only_bound < 0 || pre == only_bound);
    sim_result_free(&r);
    if (stopping(e, st))
      return 0;
    /* backtrack to the deepest node with an untried candidate */
    long i = (long)e->depth - 1;
    for (; i >= 0; i--) {
      node *nd = &e->nodes[i];
      uint32_t cand = nd->backtrack & nd->enabled & ~nd->done & ~nd->sleep;
      if (cand) {
        int prev = i > 0 ? e->nodes[i - 1].chosen : -1;
        int q = prefer(cand, prev);
        nd->chosen = (int8_t)q;
        nd->done |= 1u << q;
        e->prefix = (size_t)i + 1;
        break;
      }
    }
    if (i < 0) {
      st->complete = 1;
      return 0;
    }
  }
}

/* PCT: the highest-priority enabled thread runs; at each change point
   the running thread drops below every initial priority. */
static int pct_choose(void *arg, const sim_choice_ctx *c) {
  explorer *e = arg;
  for (int j = 0; j < e->nchange; j++)
    if (c->step == e->change[j] && c->step > 0) {
      int running = -1, best = -1;
      for (uint32_t m = c->enabled; m; m &= m - 1) {
        int t = __builtin_ctz(m);
        if (e->prio[t] > best) {
          best = e->prio[t];
          running = t;
        }
      }
      if (running >= 0)
        e->prio[running] = j; /* d-1 .. 1 below the initial ones */
    }
  int best = -1, pick = __builtin_ctz(c->enabled);
  for (uint32_t m = c->enabled; m; m &= m - 1) {
    int t = __builtin_ctz(m);
    if (e->prio[t] > best) {
      best = e->prio[t];
      pick = t;
    }
  }
  return pick;
}

static int sampled(explorer *e, exp_stats *st) {
  const exp_cfg *cfg = e->cfg;
  if (cfg->strategy == EXP_PCT) {
    /* PCT needs k, the length of an execution: one uncounted run */
    sim_sched ss;
    sim_result r;
    if (run_one(e, sim_sched_init(&ss, SIM_POLICY_RANDOM, cfg->seed, NULL, 0),
                &r))
      return -1;
    e->pct_k = r.steps ? r.steps : 1;
    sim_result_free(&r);
  }
  for (uint64_t i = 0; i < cfg->count; i++) {
    if (cfg->njobs > 1 && (int)(i % (uint64_t)cfg->njobs) != cfg->job)
      continue;
    sim_sched ss;
    sim_chooser ch;
    if (cfg->strategy == EXP_RANDOM) {
      ch = sim_sched_init(&ss, SIM_POLICY_RANDOM, cfg->seed + i, NULL, 0);
    } else {
      /* PCT: priorities d .. d+n-1 in a random order, d-1 change points
         uniformly in [1, k] where k bounds the steps of an execution */
      e->rng.s = cfg->seed * 0x9e3779b97f4a7c15ull + i;
      int order[SIM_MAX_THREADS];
      for (int t = 0; t < e->nthreads; t++)
        order[t] = t;
      for (int t = e->nthreads - 1; t > 0; t--) {
        int j = (int)sim_rng_below(&e->rng, (uint32_t)t + 1);
        int tmp = order[t];
        order[t] = order[j];
        order[j] = tmp;
      }
      for (int t = 0; t < e->nthreads; t++)
        e->prio[order[t]] = cfg->pct_depth + t;
      e->nchange = cfg->pct_depth - 1 < 8 ? cfg->pct_depth - 1 : 8;
      for (int j = 0; j < e->nchange; j++)
        e->change[j] = 1 + sim_rng_below(&e->rng, (uint32_t)e->pct_k);
      ch = (sim_chooser){pct_choose, e};
    }
    sim_result r;
    if (run_one(e, ch, &r))
      return -1;
    if (r.steps > e->pct_k)
      e->pct_k = r.steps;
    /* preemptions need enabled sets we do not keep here: count switches */
    int sw = 0;
    for (size_t k = 1; k < r.nsched; k++)
      sw += r.sched[k] != r.sched[k - 1];
    account(e, st, &r, r.nsched, sw, 0, 1);
    sim_result_free(&r);
    if (stopping(e, st))
      return 0;
  }
  st->complete = 0; /* sampling certifies nothing */
  return 0;
}

int sim_explore(const sim_exec_cfg *base, const exp_cfg *cfg, exp_stats *st,
                char *err, size_t errlen) {
  explorer e = {.cfg = cfg,
                .base = base,
                .nthreads = base->nthreads,
                .err = err,
                .errlen = errlen,
                .k = -1};
  memset(st, 0, sizeof *st);
  int rc = 0;
  switch (cfg->strategy) {
  case EXP_DPOR:
  case EXP_NAIVE:
    rc = dfs(&e, st, -1);
    break;
  case EXP_BOUNDED:
    for (e.k = 0; e.k <= cfg->bound; e.k++) {
      st->complete = 0;
      rc = dfs(&e, st, e.k);
      if (rc || !st->complete || stopping(&e, st))
        break;
      st->bound_reached = e.k;
    }
    break;
  case EXP_PCT:
  case EXP_RANDOM:
    rc = sampled(&e, st);
    break;
  }
  free(e.nodes);
  free(e.pend);
  free(e.hb);
  return rc;
}

/* ------------------------------------------------------------ parsing */

int exp_strategy_parse(const char *s, exp_cfg *cfg, char *err, size_t errlen) {
  char *end;
  if (!strcmp(s, "dpor")) {
    cfg->strategy = EXP_DPOR;
    return 0;
  }
  if (!strcmp(s, "naive")) {
    cfg->strategy = EXP_NAIVE;
    return 0;
  }
  if (!strncmp(s, "bounded:", 8)) {
    long k = strtol(s + 8, &end, 10);
    if (end == s + 8 || *end || k < 0 || k > 64) {
      snprintf(err, errlen,
               "bad bound in '%s', expected bounded:K with K "
               "0..64",
               s);
      return -1;
    }
    cfg->strategy = EXP_BOUNDED;
    cfg->bound = (int)k;
    return 0;
  }
  if (!strncmp(s, "random:", 7)) {
    unsigned long long n = strtoull(s + 7, &end, 10);
    if (end == s + 7 || *end || n == 0) {
      snprintf(err, errlen, "bad count in '%s', expected random:N with N >= 1",
               s);
      return -1;
    }
    cfg->strategy = EXP_RANDOM;
    cfg->count = n;
    return 0;
  }
  if (!strncmp(s, "pct:", 4)) {
    unsigned long long n = strtoull(s + 4, &end, 10);
    long d = 0;
    if (end != s + 4 && *end == ',') {
      const char *p = end + 1;
      d = strtol(p, &end, 10);
      if (end == p)
        d = 0;
    }
    if (n == 0 || *end || d < 1 || d > 9) {
      snprintf(err, errlen,
               "bad parameters in '%s', expected pct:N,d with N >= 1 and d "
               "1..9",
               s);
      return -1;
    }
    cfg->strategy = EXP_PCT;
    cfg->count = n;
    cfg->pct_depth = (int)d;
    return 0;
  }
  snprintf(err, errlen,
           "unknown strategy '%s', expected dpor, naive, bounded:K, pct:N,d or "
           "random:N",
           s);
  return -1;
}

const char *exp_strategy_name(const exp_cfg *c, char *buf, size_t n) {
  switch (c->strategy) {
  case EXP_DPOR:
    snprintf(buf, n, "dpor");
    break;
  case EXP_NAIVE:
    snprintf(buf, n, "naive");
    break;
  case EXP_BOUNDED:
    snprintf(buf, n, "bounded:%d", c->bound);
    break;
  case EXP_PCT:
    snprintf(buf, n, "pct:%llu,%d", (unsigned long long)c->count, c->pct_depth);
    break;
  case EXP_RANDOM:
    snprintf(buf, n, "random:%llu", (unsigned long long)c->count);
    break;
  }
  return buf;
}
