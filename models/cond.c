/*
** cond.c - evaluating outcome conditions (cond.h) over a final state.
**
** The tree is typed by the parser (scn_cond.c), so evaluation has no
** error path: a comparison of two contents is equality of versions, or
** membership when one side is a class (old, new, zero, none); pages
** compare by slot; counts are ordered.  The model answers every term
** through cond_view.value; this file knows no model.
*/
#include "models/cond.h"

#include <assert.h>
#include <stdio.h>

const char *cond_quant_name(enum cond_quant q) {
  switch (q) {
  case CQ_EXISTS:
    return "exists";
  case CQ_NEVER:
    return "never";
  case CQ_ALWAYS:
    return "always";
  }
  return "?";
}

const char *cond_version_name(char *buf, size_t n, int64_t v,
                              const char *const *names, int nnames) {
  if (v == COND_NONE)
    snprintf(buf, n, "none");
  else if (v == 0)
    snprintf(buf, n, "zero");
  else if ((v >> 24) == 0)
    snprintf(buf, n, "old");
  else {
    int tid = (int)(v >> 24) - 1;
    if (tid < nnames)
      snprintf(buf, n, "%s.v%u", names[tid], (unsigned)(v & 0xffffff));
    else
      snprintf(buf, n, "0x%llx", (unsigned long long)v);
  }
  return buf;
}

/* Is the content version v in the class (or equal to the version) of
   constant node c? */
static int content_is(int64_t v, const cond_node *c) {
  switch (c->kind) {
  case CT_OLD:
    return v > 0 && (v >> 24) == 0;
  case CT_NEW:
    return v > 0 && (v >> 24) != 0;
  case CT_ZERO:
    return v == 0;
  case CT_NONE:
    return v == COND_NONE;
  case CT_VERSION:
    return v == cond_version_of(c->thread, c->k);
  default:
    assert(0 && "not a content constant");
    return 0;
  }
}

static int is_constant(const cond_node *n) {
  return n->kind >= CT_OLD && n->kind <= CT_VERSION;
}

static int64_t term(const cond_node *nodes, int i, const cond_view *v) {
  const cond_node *n = &nodes[i];
  if (n->kind == CT_NUM)
    return (int64_t)n->num;
  assert(n->kind >= CT_LOAD && n->kind <= CT_SEGV);
  return v->value(v->model, n);
}

static int compare(const cond_node *nodes, const cond_node *n,
                   const cond_view *v) {
  const cond_node *a = &nodes[n->a], *b = &nodes[n->b];
  int eq;
  if (is_constant(a) && is_constant(b)) {
    /* two constants: the parser allows only 'none' against a version or
       a class, which is never equal */
    eq = a->kind == b->kind && a->thread == b->thread && a->k == b->k;
  } else if (is_constant(b) && b->kind != CT_NUM) {
    eq = content_is(term(nodes, n->a, v), b);
  } else if (is_constant(a)) {
    eq = content_is(term(nodes, n->b, v), a);
  } else {
    int64_t x = term(nodes, n->a, v), y = term(nodes, n->b, v);
    switch ((enum cond_cmp)n->cmp) {
    case CMP_LT:
      return x < y;
    case CMP_LE:
      return x <= y;
    case CMP_GT:
      return x > y;
    case CMP_GE:
      return x >= y;
    case CMP_EQ:
    case CMP_NE:
      break;
    }
    eq = x == y;
  }
  assert(n->cmp == CMP_EQ || n->cmp == CMP_NE);
  return n->cmp == CMP_EQ ? eq : !eq;
}

int cond_eval(const cond_node *nodes, int root, const cond_view *v) {
  assert(root >= 0);
  const cond_node *n = &nodes[root];
  switch ((enum cond_kind)n->kind) {
  case CN_TRUE:
    return 1;
  case CN_FALSE:
    return 0;
  case CN_NOT:
    return !cond_eval(nodes, n->a, v);
  case CN_AND:
    return cond_eval(nodes, n->a, v) && cond_eval(nodes, n->b, v);
  case CN_OR:
    return cond_eval(nodes, n->a, v) || cond_eval(nodes, n->b, v);
  case CN_CMP:
    return compare(nodes, n, v);
  case CN_TEST:
    return term(nodes, n->a, v) != 0;
  default:
    assert(0 && "a term where a condition is expected");
    return 0;
  }
}
