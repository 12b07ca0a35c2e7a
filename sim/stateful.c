/*
** stateful.c - state matching for the depth-first search: the "stateful"
** row (source-DPOR that stops at a state it has explored) and the
** "stateful-naive" row (every interleaving, stopping at explored states:
** the reference the first is tested against).
**
** Why: a retry loop (a fault retried after a racing truncate, an unmap
** repeated while a racer remaps) runs again and again under unfair
** schedules.  A stateless search sees a new execution each time and needs
** a loop bound; the states repeat, so a search that recognises them
** terminates without one wherever the state space is finite.  A state is
** sim_state_key() (sim/digest.c): the model's state, the lock table, and
** per thread a digest of what it observed, reset at loop heads.
**
** Stopping at a visited state is not sound for DPOR as such: the races
** between the current prefix and the steps below the visited state are
** never seen, so backtrack points above it are missed.  The fix is that of
** Yang, Chen, Gopalakrishnan and Kirby ("Efficient stateful dynamic partial
** order reduction", SPIN 2008): each visited state keeps a summary, the
** set of steps (thread and footprint) run anywhere below it, and a prefix
** that ends at a visited state is raced against every step of the summary
** as if that step ran next (dpor_races_after()).  Both sides are
** over-approximated, so the backtrack points can only be more: a step of
** the summary may in truth be ordered after the prefix by steps between,
** and the reversal's first step may lie below the state, so every thread
** that could start it is added (hit_race()).
**
**   prefix s0 ... s_k ... s_h = visited state      summary(s_h): every
**          ^ race (e_k, step of the summary)        step run below s_h,
**          backtrack(s_k) += the threads that       joined over all runs
**          may start the reversal                   through s_h
**
** Cycles (Trimananda, Luo, Demsky, Xu, "Stateful dynamic partial order
** reduction for model checking event-driven applications that do not
** terminate", VMCAI 2022): a state on the current path has a summary that
** is not complete yet when a prefix reaches it again.  Here the search is
** repeated in passes: summaries are kept from one pass to the next (a step
** below a state stays below it), the visited marks are not, and a pass in
** which no summary that a hit relied on grew afterwards is the last: all
** its hits were analysed against complete summaries.  Executions already
** reported in an earlier pass are not reported again.
**
** Sleep sets: a visit with sleep set Z covers a later arrival with sleep
** set Z' only if Z is within Z' (Godefroid 1996); else the state is
** explored again, and its recorded set becomes the intersection.
**
** The audit (exp_cfg.audit): a hit does not stop the execution; it runs on
** (the thread that ran last, else the lowest, asleep threads waiting as
** sleep sets make them), and each of its steps must be in the summary, its
** outcome and final state among those seen below the state (final states
** kept as a Bloom filter: it can miss a wrong match, never invent one).  Only
** the last pass's findings count; the first is an error of the search.  A
** state below which some execution stopped early (a violation, a cut) is
** not audited: the run-on may go where no execution went before its stop.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hash.h"
#include "hset.h"
#include "strategy.h"

/* The most states kept unless exp_cfg.max_states says (about 130 bytes
   each with their summaries): a search without a loop bound of an infinite
   state space would otherwise grow until memory runs out.  Reaching it
   stops the search, which is then not exhaustive (exp_stats.states_full). */
#define SF_MAX_STATES (1u << 22)

typedef struct sf_entry {
  uint64_t key;
  uint64_t outcomes;  /* below: bit 0 clean, bit 1 cut or stopped, bit
                         2 + id % 62 a violation kind */
  uint64_t finals[4]; /* below: final states (a Bloom filter of 256 bits,
                         for the audit) */
  uint32_t sleep;     /* sleep set of this pass's visits (intersection) */
  uint32_t pass;      /* pass of the last visit, 0 none */
  uint32_t used;      /* pass in which a hit relied on the summary */
} sf_entry;

typedef struct sf_event {
  int tid;
  exg_fp fp;
} sf_event;

struct stateful {
  int summaries; /* dpor: races against summaries, passes */
  int audit;
  uint32_t pass;
  int stale; /* a summary grew after a hit of this pass used it */
  /* visited states: entries, and their indexes + 1 by key */
  sf_entry *ent;
  size_t nent, capent;
  uint32_t *slot;
  size_t nslot;
  /* steps, interned: summaries are bitsets of sw words over their ids */
  sf_event *ev;
  size_t nev, capev;
  uint32_t *evslot;
  size_t nevslot;
  uint64_t *sum; /* entry i: sum[i * sw, (i + 1) * sw) */
  size_t sw, sumcap;
  uint64_t *acc; /* scratch: sw words */
  uint32_t *ids; /* scratch: the ids of one execution's steps */
  size_t idcap;
  /* the current execution */
  uint32_t *nodeent; /* node i's entry + 1 (0: none) */
  size_t nodecap;
  uint32_t hitent;  /* the entry of the state matched (at node e->hit) */
  uint32_t hitmask; /* threads with a step in its summary */
  int audit_prev;
  uint32_t audit_sleep; /* the audit's sleep set: the node's, carried on */
  char audit_err[256];
  int full; /* max_states reached: the search stops */
  size_t max_states;
  /* trace hashes reported (passes after the first report only new ones) */
  sim_hset seen;
};

/* -------------------------------------------------------------- tables */

/* The first free slot for 'key' in a table of n slots (a power of two,
   never full): linear probing from its hash. */
static size_t free_slot(const uint32_t *slot, size_t n, uint64_t key) {
  size_t h = sim_hash_of(key) & (n - 1);
  while (slot[h])
    h = (h + 1) & (n - 1);
  return h;
}

static int grow_slots(uint32_t **slot, size_t *nslot, size_t used,
                      uint64_t (*key_of)(const struct stateful *, uint32_t),
                      const struct stateful *sf) {
  if ((used + 1) * 2 <= *nslot)
    return 0;
  size_t n = *nslot ? *nslot * 2 : 1024;
  uint32_t *s = calloc(n, sizeof *s);
  if (!s)
    return -1;
  for (size_t i = 0; i < *nslot; i++) {
    uint32_t v = (*slot)[i];
    if (!v)
      continue;
    s[free_slot(s, n, key_of(sf, v - 1))] = v;
  }
  free(*slot);
  *slot = s;
  *nslot = n;
  return 0;
}

static uint64_t ent_key(const struct stateful *sf, uint32_t i) {
  return sf->ent[i].key;
}

static uint64_t fp_hash(int tid, const exg_fp *fp) {
  uint64_t h = SIM_HASH_INIT;
  sim_hash_u64(&h, (uint64_t)tid << 8 | fp->n);
  for (int a = 0; a < fp->n; a++)
    sim_hash_u64(&h, (uint64_t)fp->acc[a].obj << 8 | fp->acc[a].op);
  return h;
}

static uint64_t ev_key(const struct stateful *sf, uint32_t i) {
  return fp_hash(sf->ev[i].tid, &sf->ev[i].fp);
}

static int fp_equal(const exg_fp *a, const exg_fp *b) {
  if (a->n != b->n)
    return 0;
  for (int i = 0; i < a->n; i++)
    if (a->acc[i].obj != b->acc[i].obj || a->acc[i].op != b->acc[i].op)
      return 0;
  return 1;
}

static uint64_t *summary(const struct stateful *sf, uint32_t ent) {
  return &sf->sum[(size_t)ent * sf->sw];
}

/* Room for the summary rows of nent entries of sw words. */
static int reserve_sums(struct stateful *sf, size_t nent, size_t sw) {
  if (sw > sf->sw) { /* widen every row */
    uint64_t *s = calloc(sf->capent * sw, sizeof *s);
    uint64_t *a = calloc(sw, sizeof *a);
    if (!s || !a) {
      free(s);
      free(a);
      return -1;
    }
    for (size_t i = 0; i < sf->nent; i++)
      memcpy(&s[i * sw], summary(sf, (uint32_t)i), sf->sw * sizeof *s);
    free(sf->sum);
    free(sf->acc);
    sf->sum = s;
    sf->acc = a;
    sf->sw = sw;
    sf->sumcap = sf->capent;
  }
  if (nent > sf->sumcap) {
    size_t cap = sf->sumcap ? sf->sumcap * 2 : 1024;
    while (cap < nent)
      cap *= 2;
    uint64_t *s = realloc(sf->sum, cap * sf->sw * sizeof *s);
    if (!s)
      return -1;
    memset(&s[sf->sumcap * sf->sw], 0, (cap - sf->sumcap) * sf->sw * sizeof *s);
    sf->sum = s;
    sf->sumcap = cap;
  }
  return 0;
}

/* The entry of key, added when absent.  -1 when out of memory, -2 when
   max_states are kept already. */
static long entry_of(struct stateful *sf, uint64_t key) {
  size_t mask = sf->nslot - 1, h = sim_hash_of(key) & mask;
  for (uint32_t v; sf->nslot && (v = sf->slot[h]) != 0; h = (h + 1) & mask)
    if (sf->ent[v - 1].key == key)
      return (long)v - 1;
  if (sf->nent == sf->max_states)
    return -2;
  sf_entry *n = sim_grow(sf->ent, &sf->capent, sf->nent + 1, sizeof *n, 1024);
  if (!n)
    return -1;
  sf->ent = n;
  if (reserve_sums(sf, sf->nent + 1, sf->sw ? sf->sw : 1) ||
      grow_slots(&sf->slot, &sf->nslot, sf->nent, ent_key, sf))
    return -1;
  sf->ent[sf->nent] = (sf_entry){.key = key};
  sf->slot[free_slot(sf->slot, sf->nslot, key)] = (uint32_t)++sf->nent;
  return (long)sf->nent - 1;
}

/* The id of step (tid, fp); added when absent unless 'find'.  -1 when
   absent (find) or out of memory. */
static long event_id(struct stateful *sf, int tid, const exg_fp *fp, int find) {
  uint64_t key = fp_hash(tid, fp);
  size_t mask = sf->nevslot - 1, h = sim_hash_of(key) & mask;
  for (uint32_t v; sf->nevslot && (v = sf->evslot[h]) != 0; h = (h + 1) & mask)
    if (sf->ev[v - 1].tid == tid && fp_equal(&sf->ev[v - 1].fp, fp))
      return (long)v - 1;
  if (find)
    return -1;
  sf_event *n = sim_grow(sf->ev, &sf->capev, sf->nev + 1, sizeof *n, 256);
  if (!n)
    return -1;
  sf->ev = n;
  if (reserve_sums(sf, sf->nent, (sf->nev + 1 + 63) / 64) ||
      grow_slots(&sf->evslot, &sf->nevslot, sf->nev, ev_key, sf))
    return -1;
  sf->ev[sf->nev] = (sf_event){.tid = tid, .fp = *fp};
  sf->evslot[free_slot(sf->evslot, sf->nevslot, key)] = (uint32_t)++sf->nev;
  return (long)sf->nev - 1;
}

/* Was trace hash h reported?  Marks it.  Out of memory: no, so that it is
   reported again rather than lost. */
static int seen_before(struct stateful *sf, uint64_t h) {
  return sim_hset_add(&sf->seen, h) == 1;
}

static uint64_t outcome_bit(const sim_result *r) {
  switch (r->outcome) {
  case SIM_CLEAN:
    return 1;
  case SIM_VIOLATION:
    return 1ull << (2 + r->kind_id % 62);
  default:
    return 2;
  }
}

/* The final state of r, as two bits of a 256-bit Bloom filter: a
   violation's final state is its kind (where it stopped depends on the
   order of independent steps). */
static void final_bits(const sim_result *r, uint64_t f[4]) {
  uint64_t h =
      r->outcome == SIM_VIOLATION ? (uint64_t)r->kind_id : r->state_hash;
  h = sim_hash_of(h);
  memset(f, 0, 4 * sizeof *f);
  f[h >> 6 & 3] |= 1ull << (h & 63);
  f[h >> 14 & 3] |= 1ull << (h >> 8 & 63);
}

/* --------------------------------------------------------------- hooks */

int sf_visit(explorer *e, const sim_choice_ctx *c, size_t i) {
  struct stateful *sf = e->sf;
  uint32_t *n = sim_grow(sf->nodeent, &sf->nodecap, i + 1, sizeof *n, 256);
  if (!n)
    goto oom;
  sf->nodeent = n;
  long x = entry_of(sf, sim_state_key(c->x));
  if (x == -2) { /* full: stop here, the search is not exhaustive */
    sf->full = 1;
    return 1;
  }
  if (x < 0)
    goto oom;
  sf->nodeent[i] = (uint32_t)x + 1;
  sf_entry *en = &sf->ent[x];
  uint32_t sleep = exg_node_at(&e->g, i)->sleep;
  if (en->pass == sf->pass && (en->sleep & ~sleep) == 0) {
    e->hit = (long)i;
    sf->hitent = (uint32_t)x;
    en->used = sf->pass;
    /* the audit runs on only below states where no execution stopped
       early (a violation, a cut): below one that did, the run-on may take
       a path no execution reached before its stop (a thread that had not
       run yet), as a stateless search would not either: no error of the
       search */
    if (!sf->audit || (en->outcomes & ~1ull))
      return 1;
    sf->audit_prev = i > 0 ? exg_thread(&e->g, i - 1) : -1;
    sf->audit_sleep = sleep;
    return 2;
  }
  en->sleep = en->pass == sf->pass ? en->sleep & sleep : sleep;
  en->pass = sf->pass;
  return 0;
oom:
  e->error = 1;
  snprintf(e->err, e->errlen, "out of memory (state matching, %zu states)",
           sf->nent);
  return 1;
}

int sf_audit_step(explorer *e, const sim_choice_ctx *c) {
  struct stateful *sf = e->sf;
  /* a path the visit below the state could take: asleep threads wait,
     as in dpor_sleep() */
  uint32_t avail = c->enabled & ~sf->audit_sleep;
  if (!avail)
    return -1;
  int t = exp_prefer(avail, sf->audit_prev);
  sf->audit_prev = t;
  exg_fp fp, r;
  exg_fp_from(&fp, sim_pending(c->x, t));
  for (uint32_t m = sf->audit_sleep; m; m &= m - 1) {
    int q = __builtin_ctz(m);
    exg_fp_from(&r, sim_pending(c->x, q));
    if (exg_fp_dependent(&r, &fp))
      sf->audit_sleep &= ~(1u << q);
  }
  long id = event_id(sf, t, &fp, 1);
  if (!sf->audit_err[0] &&
      (id < 0 || !exg_bit(summary(sf, sf->hitent), (size_t)id)))
    snprintf(sf->audit_err, sizeof sf->audit_err,
             "state-matching audit: at step %llu, thread %d's step is in no "
             "execution explored below the state matched at step %ld",
             (unsigned long long)c->step, t, e->hit);
  return t;
}

/* A race of the prefix's e_k with a step of the summary, as if it ran at
   j = n: the threads that may start its reversal v (the events of the
   execution after e_k not ordered after it, then the step).  Those with
   an event of v in the prefix are known exactly: the first such event has
   no predecessor in v.  A thread that has not run since e_k (the step's
   own thread included) starts, if at all, below the visited state, with
   the step it is parked at there, p: an initial unless p depends on e_k
   or on an event of v (then p, and all after it, are ordered after e_k or
   preceded within v).  Everything below the state that could order p
   after e_k is ignored: over-approximated.  A blocked one means all
   enabled, as in dpor.c. */
static void hit_race(explorer *e, size_t k, size_t j, int tj, const exg_fp *ej,
                     uint64_t *v) {
  exgraph *g = &e->g;
  int tk = exg_thread(g, k);
  const exg_fp *ek = exg_event(g, k);
  (void)ej;
  assert(k < j && tk != tj && (long)j == e->hit);
  dpor_notdep(g, k, j, v);
  uint32_t seen, ran = 0, c = dpor_events_initials(g, k, j, v, &seen);
  for (size_t m = k + 1; m < j; m++)
    ran |= 1u << exg_thread(g, m);
  for (uint32_t q = e->sf->hitmask & ~ran & ~(1u << tk); q; q &= q - 1) {
    int u = __builtin_ctz(q);
    const exg_fp *p = exg_pend(g, j, u);
    if (!p->n || exg_fp_dependent(p, ek))
      continue;
    size_t m = k + 1;
    while (m < j && !(exg_bit(v, m) && exg_fp_dependent(exg_event(g, m), p)))
      m++;
    if (m == j)
      c |= 1u << u;
  }
  exg_node *nk = exg_node_at(g, k);
  nk->backtrack |= c & ~nk->enabled ? nk->enabled : c;
}

int sf_analyse(explorer *e, size_t n, long final) {
  struct stateful *sf = e->sf;
  if (!sf->summaries)
    return 0;
  if (dpor_analyse(e, n, final))
    return -1;
  if (e->hit < 0)
    return 0;
  const uint64_t *s = summary(sf, sf->hitent);
  sf->hitmask = 0;
  for (size_t id = 0; id < sf->nev; id++)
    if (exg_bit(s, id))
      sf->hitmask |= 1u << sf->ev[id].tid;
  for (size_t id = 0; id < sf->nev; id++)
    if (exg_bit(s, id))
      dpor_races_after(e, n, sf->ev[id].tid, &sf->ev[id].fp, hit_race);
  return 0;
}

int sf_record(explorer *e, const sim_result *r, size_t n, long final) {
  struct stateful *sf = e->sf;
  if (!sf->summaries)
    return 0;
  exgraph *g = &e->g;
  /* the ids first: interning may widen the rows */
  size_t need = n + (size_t)e->nthreads;
  if (need > sf->idcap) {
    uint32_t *ids = realloc(sf->ids, need * sizeof *ids);
    if (!ids)
      return -1;
    sf->ids = ids;
    sf->idcap = need;
  }
  size_t nid = 0;
  for (size_t m = 0; m < n; m++) {
    long id = event_id(sf, exg_thread(g, m), exg_event(g, m), 0);
    if (id < 0)
      return -1;
    sf->ids[nid++] = (uint32_t)id;
  }
  size_t npend = 0;
  if (final >= 0 && e->hit < 0)
    for (int t = 0; t < e->nthreads; t++) {
      const exg_fp *p = exg_pend(g, (size_t) final, t);
      if (!p->n)
        continue;
      long id = event_id(sf, t, p, 0);
      if (id < 0)
        return -1;
      sf->ids[nid + npend++] = (uint32_t)id;
    }
  size_t w = sf->sw;
  uint64_t *acc = sf->acc, outcomes, finals[4];
  if (e->hit >= 0) {
    if (w) /* no event yet (a scenario granting no step): acc is NULL */
      memcpy(acc, summary(sf, sf->hitent), w * sizeof *acc);
    outcomes = sf->ent[sf->hitent].outcomes;
    memcpy(finals, sf->ent[sf->hitent].finals, sizeof finals);
    uint64_t mine[4];
    final_bits(r, mine);
    int known = (mine[0] & ~finals[0]) == 0 && (mine[1] & ~finals[1]) == 0 &&
                (mine[2] & ~finals[2]) == 0 && (mine[3] & ~finals[3]) == 0;
    if (r->outcome != SIM_CLEAN && r->outcome != SIM_VIOLATION)
      known = 1; /* cut: no final state to compare */
    if (r->outcome == SIM_PRUNED)
      known = 2; /* the audit's path fell asleep: nothing to compare */
    else if (!(outcomes & outcome_bit(r)))
      known = 0;
    if (sf->audit && !known && !sf->audit_err[0])
      snprintf(sf->audit_err, sizeof sf->audit_err,
               "state-matching audit: an execution through the state matched "
               "at step %ld ended %s%s in a final state no execution explored "
               "below it reached",
               e->hit, r->kind[0] ? "with " : "clean",
               r->kind[0] ? r->kind : "");
  } else {
    if (w)
      memset(acc, 0, w * sizeof *acc);
    outcomes = outcome_bit(r);
    if (r->outcome == SIM_CLEAN || r->outcome == SIM_VIOLATION)
      final_bits(r, finals);
    else
      memset(finals, 0, sizeof finals);
    for (size_t p = 0; p < npend; p++)
      exg_bit_set(acc, sf->ids[nid + p]);
  }
  for (long m = (long)n - 1; m >= 0; m--) {
    exg_bit_set(acc, sf->ids[m]);
    uint32_t x = sf->nodeent[m];
    if (!x)
      continue;
    sf_entry *en = &sf->ent[x - 1];
    uint64_t *row = summary(sf, x - 1), grew = ~en->outcomes & outcomes;
    for (size_t i = 0; i < w; i++) {
      grew |= acc[i] & ~row[i];
      row[i] |= acc[i];
    }
    for (int i = 0; i < 4; i++) {
      grew |= finals[i] & ~en->finals[i];
      en->finals[i] |= finals[i];
    }
    en->outcomes |= outcomes;
    if (grew && en->used == sf->pass)
      sf->stale = 1;
  }
  return 0;
}

int sf_full(const explorer *e) {
  return e->sf && e->sf->full;
}

int sf_report(explorer *e, const sim_result *r) {
  return !seen_before(e->sf, r->trace_hash);
}

/* -------------------------------------------------------------- passes */

void sf_free(explorer *e) {
  struct stateful *sf = e->sf;
  if (!sf)
    return;
  free(sf->ent);
  free(sf->slot);
  free(sf->ev);
  free(sf->evslot);
  free(sf->sum);
  free(sf->acc);
  free(sf->ids);
  free(sf->nodeent);
  sim_hset_free(&sf->seen);
  free(sf);
  e->sf = NULL;
}

static int run_passes(explorer *e, exp_stats *st, int summaries) {
  const sim_model_ops *ops = e->base->ops;
  if (!ops->obj_hash || !ops->state_key) {
    snprintf(e->err, e->errlen,
             "this model cannot match states (no obj_hash/state_key)");
    return -1;
  }
  struct stateful *sf = calloc(1, sizeof *sf);
  if (!sf) {
    snprintf(e->err, e->errlen, "out of memory");
    return -1;
  }
  e->sf = sf;
  sf->summaries = summaries;
  sf->audit = e->cfg->audit;
  sf->max_states = e->cfg->max_states ? e->cfg->max_states : SF_MAX_STATES;
  int rc = 0;
  for (sf->pass = 1;; sf->pass++) {
    sf->stale = 0;
    sf->audit_err[0] = 0;
    st->complete = 0;
    st->passes = (int)sf->pass;
    rc = exp_dfs(e, st, -1);
    if (rc || !st->complete || !sf->stale)
      break;
  }
  st->states = sf->nent;
  st->states_full = sf->full;
  if (sf->full)
    st->complete = 0;
  if (!rc && st->complete && sf->audit_err[0]) {
    snprintf(e->err, e->errlen, "%s", sf->audit_err);
    rc = -1;
  }
  return rc;
}

int sf_run(explorer *e, exp_stats *st) {
  return run_passes(e, st, 1);
}

int sf_run_naive(explorer *e, exp_stats *st) {
  return run_passes(e, st, 0);
}
