/*
** test_fpcheck.c - the model's footprints against what its actions do: every
** bundled MM scenario, on every variant it states an outcome for, explored
** (DPOR, loop bound 2, a few thousand executions) with the footprint
** checker on (knob debug.footprint_check, models/fpcheck.c) must show no
** undeclared write, and the refcount accounting invariant must hold after
** every step (no refcount-mismatch, unless the scenario expects it: R2d);
** the expected verdicts still hold.
** The checker catching a wrong footprint is tested in test_model.c.
*/
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>

#include "models/model.h"
#include "sim/explore.h"
#include "sim/lockdep.h"

/* Executions per variant.  The sanitizer build checks the same paths for
   memory errors on fewer executions (its steps cost about five times
   more), and leaves finding each expected kind, which the search's cap
   may then cut off, to the plain build. */
#ifdef MMSIM_SANITIZE
#define FPCHECK_EXECS 500
#define FPCHECK_EXPECT 0
#else
/* 4500: the CVE race of uffd-continue-procmem.scn (two preemptions in a
   long GUP path) is the 3984th execution of plain DPOR on 5.16 */
#define FPCHECK_EXECS 4500
#define FPCHECK_EXPECT 1
#endif

struct tally {
  int model_bugs, expected;
  uint64_t execs;
  char first[600];
  const char *expect_kind; /* NULL: clean expected */
};

static void on_exec(void *arg, const exp_exec *e) {
  struct tally *t = arg;
  const sim_result *r = e->r;
  t->execs++;
  if (r->outcome != SIM_VIOLATION)
    return;
  /* refcount-mismatch is the expected race of follow-page.scn (R2d, a put
     without a get in the modelled kernel); elsewhere a bug of the model */
  if (t->expect_kind && !strcmp(r->kind, t->expect_kind)) {
    t->expected++;
  } else if (!strcmp(r->kind, "undeclared-write") ||
             !strcmp(r->kind, "refcount-mismatch")) {
    if (!t->model_bugs++)
      snprintf(t->first, sizeof t->first, "%s: %s", r->kind, r->msg);
  }
}

static void check_variant(const scenario *s, const char *variant) {
  static model_binding b;
  char err[512];
  cr_assert_eq(model_bind(&b, s, variant, err, sizeof err), 0, "%s", err);
  b.mm.knobs.footprint_check = 1;
  sim_exec_cfg base = model_exec_cfg(&b);
  base.loop_bound = 2;
  /* lock-order needs the checker's graph, as `mmsim explore` gives it */
  sim_lockdep *ld = b.ops->lock_class ? sim_lockdep_new() : NULL;
  base.lockdep = ld;
  struct tally t = {.expect_kind = b.expect.violation ? b.expect.kinds[0]
                                                      : (const char *)0};
  exp_cfg cfg = {.max_execs = FPCHECK_EXECS, .on_exec = on_exec, .arg = &t};
  cr_assert_eq(exp_strategy_parse("dpor", &cfg, err, sizeof err), 0);
  exp_stats st;
  cr_assert_eq(sim_explore(&base, &cfg, &st, err, sizeof err), 0, "%s", err);
  cr_assert_gt(t.execs, 0);
  cr_assert_eq(t.model_bugs, 0, "%s on %s: %d executions, first %s", s->path,
               variant, t.model_bugs, t.first);
  if (t.expect_kind && FPCHECK_EXPECT)
    cr_assert_gt(t.expected, 0, "%s on %s: %s not found", s->path, variant,
                 t.expect_kind);
  cr_log_info("%s %s: %llu executions checked", s->path, variant,
              (unsigned long long)t.execs);
  sim_lockdep_free(ld);
}

Test(fpcheck, every_bundled_scenario_writes_only_its_footprints,
     .timeout = 600) {
  char err[512];
  cr_assert_eq(sim_init(4, err, sizeof err), 0, "%s", err);
  glob_t g;
  cr_assert_eq(glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
  int nvariants = 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    static scenario s;
    cr_assert_eq(scn_parse_file(g.gl_pathv[i], &s, err, sizeof err), 0, "%s",
                 err);
    if (s.litmus[0])
      continue;
    check_variant(&s, s.kernel);
    nvariants++;
    for (int k = 0; k < s.nexpect_on; k++)
      if (strcmp(s.expect_on[k].variant, s.kernel)) {
        check_variant(&s, s.expect_on[k].variant);
        nvariants++;
      }
  }
  globfree(&g);
  cr_assert_geq(nvariants, 8, "four scenarios, two variants each");
}
