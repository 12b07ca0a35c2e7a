/*
** model.c - see model.h.
*/
#include "models/model.h"

#include "models/variant.h"

#include <stdio.h>
#include <string.h>

/*
** The parser records each expected violation KIND with its position but
** knows no model; the kinds are checked here, against the model the
** scenario is bound to.  One table serves the MM model and the litmus
** programs today (mm_violation_kind_valid); 'b' is where a per-model table
** will come from.
*/
static int check_expect_kinds(const model_binding *b, const scenario *s,
                              char *err, size_t errlen) {
  scn_expect e[1 + SCN_MAX_EXPECT];
  int n = 0;
  (void)b;
  e[n++] = scn_expectation(s, NULL);
  for (int i = 0; i < s->nexpect_on; i++)
    e[n++] = s->expect_on[i];
  for (int i = 0; i < n; i++)
    if (e[i].violation && !mm_violation_kind_valid(e[i].kind)) {
      snprintf(err, errlen,
               "%s:%d:%d: error: unknown violation kind '%s', expected one "
               "of %s",
               s->path, e[i].line, e[i].col, e[i].kind,
               mm_violation_kind_names());
      return -1;
    }
  return 0;
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
    return check_expect_kinds(b, s, err, errlen);
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
  return check_expect_kinds(b, s, err, errlen);
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
