/*
** explore_helpers.h - exploring a scenario given as text and collecting
** what the search reached (final states, violation kinds, Mazurkiewicz
** traces, executions), for the reduction tests (test_explore.c,
** test_stateful.c).  A violation's final state is its kind, so that final
** states compare across strategies that stop a violating execution at
** different points.  Header-only; include it once per test program.
*/
#ifndef MMSIM_EXPLORE_HELPERS_H
#define MMSIM_EXPLORE_HELPERS_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "sim/explore.h"

#define MAXSET 65536

struct seen {
  uint64_t states[MAXSET];
  int nstates;
  uint64_t traces[MAXSET];
  int ntraces;
  char kinds[256];
  uint64_t complete;
  uint64_t cut; /* stopped by the loop bound or the step limit */
  int min_pre;
};

static int add(uint64_t *set, int *n, uint64_t v) {
  for (int i = 0; i < *n; i++)
    if (set[i] == v)
      return 0;
  cr_assert_lt(*n, MAXSET);
  set[(*n)++] = v;
  return 1;
}

static void collect(void *arg, const exp_exec *x) {
  struct seen *s = arg;
  const sim_result *r = x->r;
  uint64_t st = r->state_hash;
  if (r->outcome == SIM_VIOLATION) {
    /* a violation's final state is its kind */
    st = 0;
    for (const char *p = r->kind; *p; p++)
      st = st * 131 + (unsigned char)*p;
    if (!strstr(s->kinds, r->kind)) {
      strcat(s->kinds, r->kind);
      strcat(s->kinds, " ");
    }
    if (s->min_pre < 0 || x->preemptions < s->min_pre)
      s->min_pre = x->preemptions;
  }
  if (r->outcome == SIM_BOUNDED || r->outcome == SIM_STEP_LIMIT)
    s->cut++; /* not a final state */
  else
    add(s->states, &s->nstates, st);
  add(s->traces, &s->ntraces, x->trace_id);
  s->complete++;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static scenario scn;
static model_binding bind;
static int stop_first;      /* explore(): stop at the first violation */
static int audit;           /* explore(): stateful's audit */
static const char *variant; /* explore(): NULL, the scenario's kernel */

static void explore(const char *text, const char *strategy, int loop_bound,
                    struct seen *s, exp_stats *st, int njobs, int job) {
  char err[512];
  cr_assert_eq(scn_parse_string("t.scn", text, &scn, err, sizeof err), 0, "%s",
               err);
  cr_assert_eq(model_bind(&bind, &scn, variant, err, sizeof err), 0, "%s", err);
  cr_assert_eq(sim_init(bind.ncpus, err, sizeof err), 0, "%s", err);
  sim_exec_cfg base = model_exec_cfg(&bind);
  base.loop_bound = loop_bound;
  exp_cfg cfg = {.traces = 1,
                 .on_exec = collect,
                 .arg = s,
                 .njobs = njobs,
                 .job = job,
                 .stop_first = stop_first,
                 .audit = audit};
  cr_assert_eq(exp_strategy_parse(strategy, &cfg, err, sizeof err), 0);
  memset(s, 0, sizeof *s);
  s->min_pre = -1;
  cr_assert_eq(sim_explore(&base, &cfg, st, err, sizeof err), 0, "%s", err);
  qsort(s->states, (size_t)s->nstates, sizeof s->states[0], cmp_u64);
  qsort(s->traces, (size_t)s->ntraces, sizeof s->traces[0], cmp_u64);
}

#endif /* MMSIM_EXPLORE_HELPERS_H */
