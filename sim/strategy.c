/*
** strategy.c - the strategy table (see strategy.h) and what is generated
** from it: exp_strategy_parse(), exp_strategy_name(),
** exp_strategy_certifies(), plus the small hooks of the naive and bounded
** rows.  The dpor hooks are in dpor.c, the samplers in sample.c.
**
**   bounded:K  iterative preemption bounding (Musuvathi and Qadeer,
**              "Iterative context bounding", PLDI 2007 / CHESS): pass K
**              searches the schedules with at most K preemptions and
**              reports those with exactly K, so that the first violation
**              found has the fewest preemptions.
*/
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strategy.h"

/* -------------------------------------------------------------- hooks */

static int run_dfs(explorer *e, exp_stats *st) {
  return exp_dfs(e, st, -1);
}

static uint32_t naive_first(explorer *e, size_t i, uint32_t avail, int prev) {
  (void)e;
  (void)i;
  (void)prev;
  return avail;
}

static uint32_t bounded_first(explorer *e, size_t i, uint32_t avail, int prev) {
  assert(e->k >= 0);
  if (exg_has(avail, prev) && exg_node_at(&e->g, i)->pre >= e->k)
    return 1u << prev; /* no preemption left: keep running */
  return avail;
}

static int run_bounded(explorer *e, exp_stats *st) {
  int rc = 0;
  for (e->k = 0; e->k <= e->cfg->bound; e->k++) {
    st->complete = 0;
    rc = exp_dfs(e, st, e->k);
    if (rc || !st->complete || exp_stopping(e, st))
      break;
    st->bound_reached = e->k;
  }
  return rc;
}

/* ------------------------------------------------------------ parameters */

/* A decimal number at p, strictly: a digit first (no sign, no blank, so
   "-1" does not wrap to 2^64-1) and no overflow.  Sets *end past it;
   returns 0, or -1 (then *end == p). */
static int strict_num(const char *p, char **end, unsigned long long *v) {
  *end = (char *)p;
  if (*p < '0' || *p > '9')
    return -1;
  errno = 0;
  char *e;
  unsigned long long n = strtoull(p, &e, 10);
  if (errno)
    return -1;
  *end = e;
  *v = n;
  return 0;
}

static int parse_bounded(const char *arg, const char *s, exp_cfg *cfg,
                         char *err, size_t errlen) {
  char *end;
  unsigned long long k = 0;
  if (strict_num(arg, &end, &k) || *end || k > 64) {
    snprintf(err, errlen, "bad bound in '%s', expected bounded:K with K 0..64",
             s);
    return -1;
  }
  cfg->bound = (int)k;
  return 0;
}

static void params_bounded(const exp_cfg *cfg, char *buf, size_t n) {
  snprintf(buf, n, "%d", cfg->bound);
}

static int parse_pct(const char *arg, const char *s, exp_cfg *cfg, char *err,
                     size_t errlen) {
  char *end;
  unsigned long long n = 0, d = 0;
  if (!strict_num(arg, &end, &n) && *end == ',' &&
      strict_num(end + 1, &end, &d))
    d = 0;
  if (n == 0 || *end || d < 1 || d > 9) {
    snprintf(err, errlen,
             "bad parameters in '%s', expected pct:N,d with N >= 1 and d 1..9",
             s);
    return -1;
  }
  cfg->count = n;
  cfg->pct_depth = (int)d;
  return 0;
}

static void params_pct(const exp_cfg *cfg, char *buf, size_t n) {
  snprintf(buf, n, "%llu,%d", (unsigned long long)cfg->count, cfg->pct_depth);
}

static int parse_random(const char *arg, const char *s, exp_cfg *cfg, char *err,
                        size_t errlen) {
  char *end;
  unsigned long long n = 0;
  if (strict_num(arg, &end, &n) || *end || n == 0) {
    snprintf(err, errlen, "bad count in '%s', expected random:N with N >= 1",
             s);
    return -1;
  }
  cfg->count = n;
  return 0;
}

static void params_random(const exp_cfg *cfg, char *buf, size_t n) {
  snprintf(buf, n, "%llu", (unsigned long long)cfg->count);
}

/* ---------------------------------------------------------------- table */

const exp_strategy_def exp_strategies[EXP_NSTRATEGIES] = {
    [EXP_DPOR] = {.id = EXP_DPOR,
                  .name = "dpor",
                  .usage = "dpor",
                  .certifies = 1,
                  .run = run_dfs,
                  .sleep = dpor_sleep,
                  .first = dpor_first,
                  .analyse = dpor_analyse},
    [EXP_NAIVE] = {.id = EXP_NAIVE,
                   .name = "naive",
                   .usage = "naive",
                   .certifies = 1,
                   .run = run_dfs,
                   .first = naive_first},
    [EXP_BOUNDED] = {.id = EXP_BOUNDED,
                     .name = "bounded",
                     .usage = "bounded:K",
                     .parse = parse_bounded,
                     .params = params_bounded,
                     .certifies = 1,
                     .run = run_bounded,
                     .first = bounded_first},
    [EXP_PCT] = {.id = EXP_PCT,
                 .name = "pct",
                 .usage = "pct:N,d",
                 .parse = parse_pct,
                 .params = params_pct,
                 .run = pct_run,
                 .sample = pct_chooser},
    [EXP_OPTIMAL] = {.id = EXP_OPTIMAL,
                     .name = "optimal",
                     .usage = "optimal",
                     .certifies = 1,
                     .run = run_dfs,
                     .sleep = dpor_sleep,
                     .first = opt_first,
                     .analyse = opt_analyse},
    [EXP_STATEFUL] = {.id = EXP_STATEFUL,
                      .name = "stateful",
                      .usage = "stateful",
                      .certifies = 1,
                      .run = sf_run,
                      .sleep = dpor_sleep,
                      .first = dpor_first,
                      .analyse = sf_analyse,
                      .visit = sf_visit,
                      .record = sf_record},
    [EXP_STATEFUL_NAIVE] = {.id = EXP_STATEFUL_NAIVE,
                            .name = "stateful-naive",
                            .usage = "stateful-naive",
                            .certifies = 1,
                            .run = sf_run_naive,
                            .first = naive_first,
                            .visit = sf_visit,
                            .record = sf_record},
    [EXP_RANDOM] = {.id = EXP_RANDOM,
                    .name = "random",
                    .usage = "random:N",
                    .parse = parse_random,
                    .params = params_random,
                    .run = exp_sample,
                    .sample = random_chooser},
};

const exp_strategy_def *exp_strategy_of(enum exp_strategy id) {
  assert((unsigned)id < EXP_NSTRATEGIES);
  const exp_strategy_def *d = &exp_strategies[id];
  assert(d->id == id && d->name && d->run);
  assert(!d->parse == !d->params);
  assert(!d->first != !d->sample); /* depth-first or sampled */
  return d;
}

/* ------------------------------------------------- generated from it */

int exp_strategy_parse(const char *s, exp_cfg *cfg, char *err, size_t errlen) {
  for (int i = 0; i < EXP_NSTRATEGIES; i++) {
    const exp_strategy_def *d = exp_strategy_of((enum exp_strategy)i);
    size_t len = strlen(d->name);
    if (!d->parse && !strcmp(s, d->name)) {
      cfg->strategy = d->id;
      return 0;
    }
    if (d->parse && !strncmp(s, d->name, len) && s[len] == ':') {
      if (d->parse(s + len + 1, s, cfg, err, errlen))
        return -1;
      cfg->strategy = d->id;
      return 0;
    }
  }
  /* "unknown strategy 'x', expected dpor, naive, ... or random:N" */
  size_t at =
      (size_t)snprintf(err, errlen, "unknown strategy '%s', expected", s);
  for (int i = 0; i < EXP_NSTRATEGIES && at < errlen; i++)
    at += (size_t)snprintf(err + at, errlen - at, "%s%s",
                           i == 0                     ? " "
                           : i == EXP_NSTRATEGIES - 1 ? " or "
                                                      : ", ",
                           exp_strategies[i].usage);
  return -1;
}

const char *exp_strategy_name(const exp_cfg *c, char *buf, size_t n) {
  const exp_strategy_def *d = exp_strategy_of(c->strategy);
  if (!d->params) {
    snprintf(buf, n, "%s", d->name);
    return buf;
  }
  char p[48];
  d->params(c, p, sizeof p);
  snprintf(buf, n, "%s:%s", d->name, p);
  return buf;
}

int exp_strategy_certifies(const exp_cfg *cfg) {
  return exp_strategy_of(cfg->strategy)->certifies;
}

int exp_strategy_stateful(const exp_cfg *cfg) {
  return exp_strategy_of(cfg->strategy)->visit != NULL;
}
