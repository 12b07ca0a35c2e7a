/*
** model.c - see model.h.
*/
#include "models/model.h"

#include <stdio.h>
#include <string.h>

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
    return 0;
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
  return 0;
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
