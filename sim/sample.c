/*
** sample.c - the sampling strategies: seeded random walks and PCT
** (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A randomized scheduler
** with probabilistic guarantees of finding bugs", ASPLOS 2010).  Each
** execution gets a fresh chooser from the strategy's sample hook; nothing
** is replayed and no execution graph is kept, so a complete run certifies
** nothing (the "certifies" column of the strategy table is 0).
**
** --jobs splits by ordinal: worker j runs the executions i with
** i % njobs == j, each seeded from i alone, so the union of the workers
** is the single-process run.
*/
#include <assert.h>

#include "strategy.h"

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
  assert(exg_has(c->enabled, pick));
  return pick;
}

/* PCT execution i: priorities d .. d+n-1 in a random order, d-1 change
   points uniformly in [1, k] where k bounds the steps of an execution. */
sim_chooser pct_chooser(explorer *e, uint64_t i, sim_sched *ss) {
  const exp_cfg *cfg = e->cfg;
  (void)ss;
  assert(e->pct_k > 0);
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
  return (sim_chooser){pct_choose, e};
}

sim_chooser random_chooser(explorer *e, uint64_t i, sim_sched *ss) {
  return sim_sched_init(ss, SIM_POLICY_RANDOM, e->cfg->seed + i, NULL, 0);
}

/* PCT needs k, the length of an execution: one uncounted run first. */
int pct_run(explorer *e, exp_stats *st) {
  sim_sched ss;
  sim_result r;
  if (exp_run_one(
          e, sim_sched_init(&ss, SIM_POLICY_RANDOM, e->cfg->seed, NULL, 0), &r))
    return -1;
  e->pct_k = r.steps ? r.steps : 1;
  sim_result_free(&r);
  return exp_sample(e, st);
}

int exp_sample(explorer *e, exp_stats *st) {
  const exp_cfg *cfg = e->cfg;
  assert(e->def->sample && !e->def->certifies);
  for (uint64_t i = 0; i < cfg->count; i++) {
    if (cfg->njobs > 1 && (int)(i % (uint64_t)cfg->njobs) != cfg->job)
      continue;
    sim_sched ss;
    sim_chooser ch = e->def->sample(e, i, &ss);
    sim_result r;
    if (exp_run_one(e, ch, &r))
      return -1;
    if (r.steps > e->pct_k)
      e->pct_k = r.steps;
    /* preemptions need enabled sets we do not keep here: count switches */
    int sw = 0;
    for (size_t k = 1; k < r.nsched; k++)
      sw += r.sched[k] != r.sched[k - 1];
    exp_account(e, st, &r, r.nsched, sw, 0, 1);
    sim_result_free(&r);
    if (exp_stopping(e, st))
      return 0;
  }
  st->complete = 0; /* sampling certifies nothing */
  return 0;
}
