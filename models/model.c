/*
** model.c - see model.h.  Also the one place that knows every model: the
** union of their violation kinds, which the scenario parser checks
** "expect violation KIND" against before a model is bound
** (mm_violation_kind_valid/names, declared in variant.h).
*/
#include "models/model.h"

#include <stdio.h>
#include <string.h>

/* The scenario may expect only a kind that the bound model can report
   (the parser knows every model's kinds, not which one the scenario
   binds). */
static int check_expect(const model_binding *b, const scenario *s, char *err,
                        size_t errlen) {
  if (!b->expect.violation ||
      model_kind_find(b, b->expect.kind) != SIM_KIND_NONE)
    return 0;
  char names[256], at[16] = "";
  model_kind_names(b, names, sizeof names);
  if (b->expect.line > 0) /* 'expect on' lines carry theirs */
    snprintf(at, sizeof at, ":%d", b->expect.line);
  snprintf(err, errlen,
           "%s%s: error: this model never reports violation '%s', expected "
           "one of %s",
           s->path, at, b->expect.kind, names);
  return -1;
}

int model_bind(model_binding *b, const scenario *s, const char *variant,
               char *err, size_t errlen) {
  memset(b, 0, sizeof *b);
  if (s->litmus[0]) {
    if (variant) {
      snprintf(err, errlen,
               "error: %s is a litmus scenario: it has no kernel variant",
               s->path);
      return -1;
    }
    if (litmus_init(&b->lit, s->litmus, s->litmus_n, err, errlen))
      return -1;
    b->ops = &litmus_ops;
    b->model = &b->lit;
    b->threads = litmus_threads(&b->lit);
    b->nthreads = litmus_nthreads(&b->lit);
    b->ncpus = b->nthreads;
    b->nobjs = litmus_nobjs(&b->lit);
    b->expect = scn_expectation(s, NULL);
    return check_expect(b, s, err, errlen);
  }
  if (mm_model_init(&b->mm, s, variant, err, errlen))
    return -1;
  b->ops = &mm_model_ops;
  b->model = &b->mm;
  b->threads = b->mm.threads;
  b->nthreads = s->nthreads;
  b->ncpus = s->ncpus;
  b->nobjs = b->mm.nobjs;
  snprintf(b->variant, sizeof b->variant, "%s", variant ? variant : s->kernel);
  mm_knobs_format(&b->mm.knobs, b->knobs, sizeof b->knobs);
  b->expect = scn_expectation(s, b->variant);
  return check_expect(b, s, err, errlen);
}

sim_exec_cfg model_exec_cfg(const model_binding *b) {
  return (sim_exec_cfg){.ops = b->ops,
                        .model = b->model,
                        .nthreads = b->nthreads,
                        .threads = b->threads,
                        .nobjs = b->nobjs};
}

void model_expect_text(const model_binding *b, char *buf, size_t n) {
  if (b->expect.violation)
    snprintf(buf, n, "violation %s", b->expect.kind);
  else
    snprintf(buf, n, "clean");
}

const sim_kind *model_kinds(const model_binding *b, int *n) {
  *n = b->ops->nkinds;
  return b->ops->kinds;
}

int model_kind_find(const model_binding *b, const char *name) {
  return sim_kind_find(b->ops, name);
}

size_t model_kinds_format(const sim_kind *k, int n, char *buf, size_t size) {
  size_t len = strlen(buf);
  for (int i = 0; i < n && len + 1 < size; i++) {
    snprintf(buf + len, size - len, "%s%s", len ? ", " : "", k[i].name);
    len += strlen(buf + len);
  }
  return len;
}

void model_kind_names(const model_binding *b, char *buf, size_t size) {
  int n;
  const sim_kind *k = model_kinds(b, &n);
  buf[0] = 0;
  model_kinds_format(sim_engine_kinds, SIM_NENGINE_KINDS, buf, size);
  model_kinds_format(k, n, buf, size);
}

/* Every model's tables, in the order the parser's messages list them. */
static const struct {
  const sim_kind *k;
  int n;
} all_kinds[] = {
    {mm_kinds, MM_NKINDS},
    {sim_engine_kinds, SIM_NENGINE_KINDS},
    {litmus_kinds, LITMUS_NKINDS},
};
#define NTABLES (int)(sizeof all_kinds / sizeof all_kinds[0])

int mm_violation_kind_valid(const char *kind) {
  for (int t = 0; t < NTABLES; t++)
    for (int i = 0; i < all_kinds[t].n; i++)
      if (!strcmp(all_kinds[t].k[i].name, kind))
        return 1;
  return 0;
}

const char *mm_violation_kind_names(void) {
  static char buf[512];
  if (!buf[0])
    for (int t = 0; t < NTABLES; t++)
      model_kinds_format(all_kinds[t].k, all_kinds[t].n, buf, sizeof buf);
  return buf;
}
