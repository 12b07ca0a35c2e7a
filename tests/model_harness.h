/*
** model_harness.h - running the MM model from a test: a scenario given as
** text, each thread running its program or a test body that calls kernel
** functions directly, under a policy or a schedule string; the tests then
** assert the final state in 'model'.  Header-only, included by one test
** file each (test_model.c, test_writeback.c); the state is per file.
*/
#ifndef MMSIM_TESTS_MODEL_HARNESS_H
#define MMSIM_TESTS_MODEL_HARNESS_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "models/kernel.h"
#include "models/mm.h"
#include "sim/sched.h"

static scenario scn;
static mm_model model;
typedef void (*body_fn)(sim_thread *t);
static body_fn bodies[MM_MAX_THREADS];
static int custom;

/* A scenario thread runs its body instead of its program, and exits as
   the program would (do_exit, which the model's exit thread waits for). */
static void test_main(void *m, sim_thread *t, int tid) {
  mm_model *mm = m;
  if (custom && bodies[tid]) {
    mm->x = sim_thread_exec(t);
    bodies[tid](t);
    if (mm->wb)
      task_exit(t);
  } else {
    mm_model_ops.thread_main(m, t, tid);
  }
}

static inline void setup(const char *text, const char *variant) {
  char err[512];
  cr_assert_eq(scn_parse_string("t.scn", text, &scn, err, sizeof err), 0, "%s",
               err);
  cr_assert_eq(mm_model_init(&model, &scn, variant, err, sizeof err), 0, "%s",
               err);
  cr_assert_eq(sim_init(scn.ncpus, err, sizeof err), 0, "%s", err);
  memset(bodies, 0, sizeof bodies);
  custom = 0;
}

/* One execution of the bound scenario under policy 'pol' (a replay of
   'sched' if given), with an observer of its events or NULL. */
static inline sim_result exec_with(enum sim_policy pol, uint64_t seed,
                                   const char *sched,
                                   const sim_observer *observer) {
  static sim_model_ops ops;
  ops = mm_model_ops;
  ops.thread_main = test_main;
  uint8_t *seq = NULL;
  size_t n = 0;
  int col;
  char err[128];
  if (sched)
    cr_assert_eq(sim_sched_parse(sched, &seq, &n, &col, err, sizeof err), 0);
  sim_sched ss;
  sim_exec_cfg cfg = {.ops = &ops,
                      .model = &model,
                      .nthreads = model.nthreads, /* + the model's own */
                      .threads = model.threads,
                      .nobjs = model.nobjs,
                      .observer = observer,
                      .chooser = sim_sched_init(&ss, pol, seed, seq, n)};
  sim_result r;
  cr_assert_eq(sim_exec_run(&cfg, &r), 0);
  free(seq);
  return r;
}

static inline sim_result exec(enum sim_policy pol, uint64_t seed,
                              const char *sched) {
  return exec_with(pol, seed, sched, NULL);
}

#define ONE_PAGE(kernel, cached, flags)                                        \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=8K cached=" cached "\nmm p1\n"                               \
  "map p1 data at 0x10000 pages=2 shared rw " flags "\n"

static inline const struct pte *pte_at(uint64_t addr) {
  const struct vma *v = find_vma(&model, 0, addr);
  return &model.s.mm[0].pte[vma_pte_slot(v, addr)];
}

/* Runs 'body' as thread 0 (timed) and asserts the violation it raises. */
static inline void expect_body_violation(body_fn body, const char *kind,
                                         const char *msg) {
  custom = 1;
  bodies[0] = body;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, kind);
  cr_assert_str_eq(r.msg, msg);
  sim_result_free(&r);
}

#endif /* MMSIM_TESTS_MODEL_HARNESS_H */
