/*
** model.h - binding a parsed scenario to the model it names: the MM model
** (models/mm.c, with a kernel variant) or a litmus program
** (models/litmus.c), and the violation kinds each can report.  The command
** line and the explorer see only this.
*/
#ifndef MMSIM_MODEL_H
#define MMSIM_MODEL_H

#include "models/litmus.h"
#include "models/mm.h"
#include "models/scenario.h"
#include "sim/sim.h"

struct model_binding;

/* One model a scenario can name: the ops the engine drives (with the
   model's violation kinds table), whether it has kernel variants, which
   scenarios it takes, and how it binds one. */
typedef struct model_desc {
  const char *name;         /* "MM model", "litmus programs" */
  const sim_model_ops *ops; /* ops->kinds: its violation kinds */
  int variants;             /* 1: bound with a kernel variant */
  int (*claims)(const scenario *s);
  int (*bind)(struct model_binding *b, const scenario *s, const char *variant,
              char *err, size_t errlen);
  /* The final state, read at quiescence (models/cond.h): the value of a
     condition's term (NULL: the model has no conditions), and one line
     of text naming it, herd7 style, for the list of final states. */
  int64_t (*cond_value)(const void *model, const cond_node *n);
  void (*final_state)(const void *model, char *buf, size_t n);
} model_desc;

extern const model_desc model_table[];
extern const int model_ntable;

typedef struct model_binding {
  const model_desc *desc;
  const sim_model_ops *ops;
  void *model;
  const sim_thread_cfg *threads;
  int nthreads;
  int ncpus;
  uint32_t nobjs;
  char variant[16];  /* preset name, or "litmus" (desc->variants == 0) */
  char label[160];   /* the preset and the knobs that differ from it,
                        "2.6.20+fault.truncate_count=off": what summaries
                        print and --variant accepts back */
  char knobs[1024];  /* effective knobs, "" without variants */
  scn_expect expect; /* what the scenario expects of this variant */
  const scenario *scn;
  int nconds; /* the conditions of this variant: s->conds[conds[i]] */
  int conds[SCN_MAX_CONDS];
  int finite; /* the state space is finite: every retry loop comes back to
                 a state it had (a stateful search needs no loop bound) */
  /* storage */
  mm_model mm;
  litmus_model lit;
} model_binding;

/* Binds 's' (kept by pointer) with kernel 'variant' (NULL: the
   scenario's), and checks every violation KIND 's' expects against the
   bound model ("FILE:LINE:COL: error: unknown violation kind ...").
   Returns 0, or -1 with a message in err. */
int model_bind(model_binding *b, const scenario *s, const char *variant,
               char *err, size_t errlen);
/* The exec configuration of a binding (chooser and observer unset). */
sim_exec_cfg model_exec_cfg(const model_binding *b);
/* 'expect' as text: "clean", "violation any" or "violation KIND ...". */
void model_expect_text(const model_binding *b, char *buf, size_t n);

/*
** Outcome conditions and final states (models/cond.h).  An execution has
** a final state when every thread finished (sim_result.finished): it
** ended clean, or with a violation of a check at quiescence (such as
** pte-cache-mismatch) or a lock-order finding; not when a violation
** stopped it midway.  The model must still be in that state (right after
** sim_exec_run, or in an explorer's on_exec).
*/
int model_quiescent(const sim_result *r);
const scn_cond *model_cond(const model_binding *b, int i);
/* Does condition i of the binding hold in the model's current state? */
int model_cond_holds(const model_binding *b, int i);
/* The model's current state as one canonical line ("" if it has none). */
void model_final_state(const model_binding *b, char *buf, size_t n);
/* Is kind 'name' one the binding's expectation names? */
int model_kind_expected(const model_binding *b, const char *name);

/*
** Violation kinds.  A binding reports the engine's kinds (sim_engine_kinds:
** deadlock, bad-unlock) and its model's table, which model_kinds() returns
** with its length in *n (row i has id SIM_KIND_MODEL + i, see sim.h).
*/
const sim_kind *model_kinds(const model_binding *b, int *n);
/* The id of kind 'name' for this binding, SIM_KIND_NONE if it has none. */
int model_kind_find(const model_binding *b, const char *name);
/* Appends the names of k[0..n-1] to the string in buf as "a, b, c" (", "
   before the first one when buf is not empty), truncating at 'size'.
   Returns strlen(buf). */
size_t model_kinds_format(const sim_kind *k, int n, char *buf, size_t size);
/* "deadlock, bad-unlock, lost-update, ...": the engine's kinds, then the
   model's, for help and error messages. */
void model_kind_names(const model_binding *b, char *buf, size_t size);

#endif /* MMSIM_MODEL_H */
