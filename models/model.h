/*
** model.h - binding a parsed scenario to the model it names: the MM model
** (models/mm.c, with a kernel variant) or a litmus program
** (models/litmus.c).  The command line and the explorer see only this.
*/
#ifndef MMSIM_MODEL_H
#define MMSIM_MODEL_H

#include "models/litmus.h"
#include "models/mm.h"
#include "models/scenario.h"
#include "sim/sim.h"

typedef struct model_binding {
  const sim_model_ops *ops;
  void *model;
  const sim_thread_cfg *threads;
  int nthreads;
  int ncpus;
  uint32_t nobjs;
  char variant[16];  /* "" for litmus */
  char knobs[512];   /* effective knobs, "" for litmus */
  scn_expect expect; /* what the scenario expects of this variant */
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
/* 'expect' as text: "clean" or "violation KIND". */
void model_expect_text(const model_binding *b, char *buf, size_t n);

#endif /* MMSIM_MODEL_H */
