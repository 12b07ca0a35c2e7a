/*
** model.c - see model.h.  Each expected violation KIND is checked against
** the bound model's kinds (check_expect_kinds() below), not a union of
** every model's.
*/
#include "models/model.h"
#include "models/scn_lex.h"
#include "models/variant.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

/*
** The scenario may expect only kinds that the bound model can report.  The
** parser knows no model: it records each expected KIND with its line and
** column, and every expectation (the plain 'expect' line and each 'expect
** on' line, whichever variant is bound: they all name kinds of this model)
** is checked here, against the engine's kinds and the model's table.
*/
static int check_expect_kinds(const model_binding *b, const scenario *s,
                              char *err, size_t errlen) {
  const scn_expect *e[1 + SCN_MAX_EXPECT];
  int n = 0;
  e[n++] = &s->expect;
  for (int i = 0; i < s->nexpect_on; i++)
    e[n++] = &s->expect_on[i];
  for (int i = 0; i < n; i++)
    for (int k = 0; k < e[i]->nkinds; k++) {
      if (model_kind_find(b, e[i]->kinds[k]) != SIM_KIND_NONE)
        continue;
      char names[1024], dym[64];
      model_kind_names(b, names, sizeof names);
      snprintf(err, errlen,
               "%s:%d:%d: error: unknown violation kind '%s'%s, expected one "
               "of %s",
               s->path, e[i]->line, e[i]->kind_col[k], e[i]->kinds[k],
               lex_suggest(dym, sizeof dym, e[i]->kinds[k], names), names);
      return -1;
    }
  return 0;
}

/* ------------------------------------------------------------ models */

static int litmus_claims(const scenario *s) {
  return s->litmus[0] != 0;
}

static int litmus_bind(model_binding *b, const scenario *s, const char *variant,
                       char *err, size_t errlen) {
  if (variant) {
    snprintf(err, errlen,
             "error: %s is a litmus scenario: it has no kernel variant",
             s->path);
    return -1;
  }
  if (litmus_init(&b->lit, s->litmus, s->litmus_n, err, errlen))
    return -1;
  b->model = &b->lit;
  b->threads = litmus_threads(&b->lit);
  b->nthreads = litmus_nthreads(&b->lit);
  b->ncpus = b->nthreads;
  b->nobjs = litmus_nobjs(&b->lit);
  snprintf(b->variant, sizeof b->variant, "litmus");
  snprintf(b->label, sizeof b->label, "litmus");
  b->expect = scn_expectation(s, NULL);
  b->nconds = scn_conditions(s, NULL, b->conds); /* its registers */
  b->finite = 1;                                 /* straight-line programs */
  return 0;
}

static void litmus_final(const void *model, char *buf, size_t n) {
  litmus_final_state(model, buf, n);
}

static int mm_claims(const scenario *s) {
  return !s->litmus[0];
}

static int mm_bind(model_binding *b, const scenario *s, const char *variant,
                   char *err, size_t errlen) {
  if (mm_model_init(&b->mm, s, variant, err, errlen))
    return -1;
  b->model = &b->mm;
  b->threads = b->mm.threads;
  b->nthreads = b->mm.nthreads; /* the scenario's and the model's own */
  b->ncpus = s->ncpus;
  b->nobjs = b->mm.nobjs;
  const char *over;
  mm_variant_split(variant ? variant : s->kernel, b->variant, &over);
  /* the label: the preset and every knob that differs from it */
  mm_knobs preset;
  mm_variant_preset(b->variant, &preset);
  size_t o = (size_t)snprintf(b->label, sizeof b->label, "%s", b->variant);
  for (int i = 0; i < mm_nknobs && o < sizeof b->label; i++)
    if (mm_knob_get(&preset, i) != mm_knob_get(&b->mm.knobs, i))
      o += (size_t)snprintf(b->label + o, sizeof b->label - o, "+%s=%s",
                            mm_knob_table[i].name,
                            mm_knob_get(&b->mm.knobs, i) ? "on" : "off");
  mm_knobs_format(&b->mm.knobs, b->knobs, sizeof b->knobs);
  b->expect = scn_expectation(s, b->variant);
  b->nconds = scn_conditions(s, b->variant, b->conds);
  b->finite = mm_finite_state(&b->mm);
  return 0;
}

/* Every model; a scenario is bound by the first that claims it (their
   claims are disjoint: a 'litmus' line or not). */
const model_desc model_table[] = {
    {"MM model", &mm_model_ops, 1, mm_claims, mm_bind, mm_cond_value,
     mm_final_state},
    {"litmus programs", &litmus_ops, 0, litmus_claims, litmus_bind,
     litmus_cond_value, litmus_final},
};
const int model_ntable = (int)(sizeof model_table / sizeof model_table[0]);

int model_bind(model_binding *b, const scenario *s, const char *variant,
               char *err, size_t errlen) {
  memset(b, 0, sizeof *b);
  for (int i = 0; i < model_ntable; i++) {
    const model_desc *d = &model_table[i];
    if (!d->claims(s))
      continue;
    b->desc = d;
    b->ops = d->ops;
    b->scn = s;
    if (d->bind(b, s, variant, err, errlen))
      return -1;
    return check_expect_kinds(b, s, err, errlen);
  }
  snprintf(err, errlen, "error: %s: no model for this scenario", s->path);
  return -1;
}

sim_exec_cfg model_exec_cfg(const model_binding *b) {
  return (sim_exec_cfg){.ops = b->ops,
                        .model = b->model,
                        .nthreads = b->nthreads,
                        .threads = b->threads,
                        .nobjs = b->nobjs};
}

void model_expect_text(const model_binding *b, char *buf, size_t n) {
  const scn_expect *e = &b->expect;
  size_t o =
      (size_t)snprintf(buf, n, "%s", e->violation ? "violation" : "clean");
  if (e->any && o < n)
    snprintf(buf + o, n - o, " any");
  for (int i = 0; i < e->nkinds && o < n; i++)
    o += (size_t)snprintf(buf + o, n - o, " %s", e->kinds[i]);
}

int model_kind_expected(const model_binding *b, const char *name) {
  return scn_expect_names(&b->expect, name);
}

int model_quiescent(const sim_result *r) {
  return r->finished;
}

const scn_cond *model_cond(const model_binding *b, int i) {
  assert(i >= 0 && i < b->nconds);
  return &b->scn->conds[b->conds[i]];
}

int model_cond_holds(const model_binding *b, int i) {
  assert(b->desc->cond_value && "the parser admits conditions only there");
  cond_view v = {b->model, b->desc->cond_value};
  return cond_eval(b->scn->cond_nodes, model_cond(b, i)->root, &v);
}

void model_final_state(const model_binding *b, char *buf, size_t n) {
  buf[0] = 0;
  if (b->desc->final_state)
    b->desc->final_state(b->model, buf, n);
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
