/*
** test_campaign.c - the exploration campaign behind `mmsim explore`,
** driven through its API (reports/cli/campaign.h), without the binary:
** per-variant verdicts and counts, minimal counterexamples, --jobs merging,
** caps that make a search not exhaustive, and errors.
*/
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include "reports/cli/campaign.h"

#define R1 MMSIM_SOURCE_DIR "/scenarios/fault-invalidate.scn"

static camp_opts opts(const char *path) {
  camp_opts o = {.path = path, .strategy = "dpor", .jobs = 1, .loop_bound = 3};
  return o;
}

static const camp_kind *kind(const camp_variant *v, const char *name) {
  for (int i = 0; i < v->nkinds; i++)
    if (!strcmp(v->kinds[i].name, name))
      return &v->kinds[i];
  return NULL;
}

/* The scenario's own variants: the bug before the fix, a certificate
   after it.  The counts are those the README quotes. */
Test(campaign, finds_the_bug_and_certifies_the_fix) {
  campaign c;
  camp_opts o = opts(R1);
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_eq(c.nres, 2);
  cr_assert(c.all_met);

  const camp_variant *pre = &c.res[0], *post = &c.res[1];
  cr_assert_str_eq(pre->variant, "2.6.20");
  cr_assert_str_eq(pre->expect, "violation page-mapped-on-remove");
  cr_assert(pre->expect_met);
  cr_assert_str_eq(pre->verdict, "found page-mapped-on-remove (expected)");
  const camp_kind *k = kind(pre, "page-mapped-on-remove");
  cr_assert_not_null(k);
  cr_assert_eq(k->count, 15);
  /* DPOR's first witness has 2 preemptions; the bounded re-search finds
     one with 1 (no schedule with 0 violates) and proves it minimal */
  cr_assert_eq(k->pre, 1, "fewest preemptions");
  cr_assert_eq(k->steps, 30);
  cr_assert_str_eq(k->sched, "1*16.0*12.1*2");
  cr_assert(k->minimal);
  cr_assert_eq(pre->st.execs, 110);

  cr_assert_str_eq(post->variant, "2.6.23");
  cr_assert_str_eq(post->expect, "clean");
  cr_assert_eq(post->nkinds, 0);
  cr_assert_eq(post->st.execs, 19);
  cr_assert(post->st.complete);
  cr_assert_str_eq(post->verdict, "all 19 traces clean");
  campaign_free(&c);
}

/* Workers split the search; the parent's merge gives the same counts,
   states and the same minimal counterexample. */
Test(campaign, jobs_merge_to_the_same_result) {
  campaign one, two;
  camp_opts o = opts(R1);
  o.variants[0] = "2.6.20";
  o.nvariants = 1;
  cr_assert_eq(campaign_run(&one, &o), 0);
  o.jobs = 2;
  cr_assert_eq(campaign_run(&two, &o), 0);
  const camp_variant *a = &one.res[0], *b = &two.res[0];
  cr_assert_eq(a->st.execs, b->st.execs);
  cr_assert_eq(a->states.n, b->states.n);
  cr_assert_eq(a->nkinds, b->nkinds);
  for (int i = 0; i < a->nkinds; i++) {
    const camp_kind *kb = kind(b, a->kinds[i].name);
    cr_assert_not_null(kb, "%s", a->kinds[i].name);
    cr_assert_eq(kb->count, a->kinds[i].count);
    cr_assert_str_eq(kb->sched, a->kinds[i].sched);
  }
  campaign_free(&one);
  campaign_free(&two);
}

/* A capped search of a clean variant certifies nothing and does not meet
   'clean'. */
Test(campaign, a_capped_search_is_not_a_certificate) {
  campaign c;
  camp_opts o = opts(R1);
  o.variants[0] = "2.6.23";
  o.nvariants = 1;
  o.cfg.max_execs = 10;
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_eq(c.res[0].st.execs, 10);
  cr_assert_not(c.res[0].st.complete);
  cr_assert_not(c.res[0].expect_met);
  cr_assert_not(c.all_met);
  cr_assert_str_eq(c.res[0].verdict,
                   "no violation in 10 executions (not exhaustive)");
  campaign_free(&c);
}

/* A litmus scenario explores as the one variant "litmus". */
Test(campaign, litmus_scenarios) {
  campaign c;
  camp_opts o = opts(MMSIM_SOURCE_DIR "/scenarios/litmus/racy-counter.scn");
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_eq(c.nres, 1);
  cr_assert_str_eq(c.res[0].variant, "litmus");
  cr_assert_str_eq(c.res[0].verdict, "found lost-update (expected)");
  cr_assert_eq(c.res[0].st.execs, 4);
  campaign_free(&c);
}

Test(campaign, an_unknown_variant_is_bad_input, .init = cr_redirect_stderr) {
  campaign c;
  camp_opts o = opts(R1);
  o.variants[0] = "2.6.99";
  o.nvariants = 1;
  cr_assert_eq(campaign_run(&c, &o), CLI_BAD_INPUT);
  cr_assert_eq(c.nres, 0);
  campaign_free(&c);
  fflush(stderr);
  cr_assert_stderr_eq_str("error: unknown kernel variant '2.6.99', expected "
                          "one of 2.6.20, 2.6.23\n");
}

/* A preemption-bounded search certifies only up to its bound, and says
   so. */
Test(campaign, a_bounded_certificate_names_its_bound) {
  campaign c;
  camp_opts o = opts(R1);
  o.variants[0] = "2.6.23";
  o.nvariants = 1;
  cr_assert_eq(exp_strategy_parse("bounded:1", &o.cfg, NULL, 0), 0);
  o.strategy = "bounded:1";
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert(c.res[0].expect_met);
  cr_assert_str_eq(c.res[0].verdict, "all 36 traces clean up to 1 preemption");
  campaign_free(&c);
}

/* A re-search that hits its cap proves nothing: the witness stays "the
   smallest seen". */
Test(campaign, a_capped_minimisation_is_the_smallest_seen) {
  campaign c;
  camp_opts o = opts(R1);
  o.variants[0] = "2.6.20";
  o.nvariants = 1;
  o.cfg.stop_first = 1;
  o.minimise_execs = 1;
  cr_assert_eq(campaign_run(&c, &o), 0);
  const camp_kind *k = kind(&c.res[0], "page-mapped-on-remove");
  cr_assert_not_null(k);
  cr_assert_not(k->minimal);
  campaign_free(&c);
}

/* Stopped by its deadline, a campaign does not meet what it did not
   explore: the second variant is listed as wanted, not explored. */
Test(campaign, a_variant_not_explored_is_not_met) {
  campaign c;
  camp_opts o = opts(R1);
  o.max_time = 1e-9; /* checked every 64 executions */
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_eq(c.nwanted, 2);
  cr_assert_str_eq(c.wanted[1], "2.6.23");
  cr_assert_eq(c.nres, 1);
  cr_assert_not(c.res[0].st.complete);
  cr_assert_not(c.all_met);
  campaign_free(&c);
}

/* Three workers (an odd split: some get no subtree of the first branching
   point) still certify the fix. */
Test(campaign, three_workers_certify) {
  campaign c;
  camp_opts o = opts(R1);
  o.variants[0] = "2.6.23";
  o.nvariants = 1;
  o.jobs = 3;
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert(c.res[0].st.complete);
  cr_assert(c.all_met);
  cr_assert_eq(strncmp(c.res[0].verdict, "all ", 4), 0, "%s", c.res[0].verdict);
  campaign_free(&c);
}

/* Executions stopped by --max-steps were not checked to their end: the
   certificate says so. */
Test(campaign, a_step_limited_certificate_names_its_limit) {
  campaign c;
  camp_opts o = opts(R1);
  o.variants[0] = "2.6.23";
  o.nvariants = 1;
  o.max_steps = 1;
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_gt(c.res[0].step_limit, 0);
  cr_assert_str_eq(c.res[0].verdict, "all 0 traces clean up to 1 step");
  campaign_free(&c);
}

/* The default search (stateful): the fix certified without a loop bound,
   since 2.6.23 never reads truncate_count; 2.6.20 keeps the bound. */
Test(campaign, a_stateful_certificate_needs_no_loop_bound) {
  campaign c;
  camp_opts o = opts(R1);
  o.strategy = "stateful";
  o.loop_bound = CAMP_LOOP_BOUND_AUTO;
  cr_assert_eq(exp_strategy_parse("stateful", &o.cfg, NULL, 0), 0);
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert(c.all_met);
  const camp_variant *pre = &c.res[0], *post = &c.res[1];
  cr_assert_eq(pre->loop_bound, 3, "2.6.20: infinite state space");
  cr_assert_str_eq(pre->verdict, "found page-mapped-on-remove (expected)");
  const camp_kind *k = kind(pre, "page-mapped-on-remove");
  cr_assert_not_null(k);
  cr_assert_eq(k->pre, 1, "the same minimal witness as dpor's");
  cr_assert_str_eq(k->sched, "1*16.0*12.1*2");
  cr_assert_eq(post->loop_bound, 0, "2.6.23: finite, no bound");
  cr_assert_eq(post->cut, 0);
  cr_assert(post->st.complete);
  cr_assert_eq(post->st.states, 345);
  cr_assert_eq(post->st.passes, 1);
  cr_assert_eq(post->st.execs, 8);
  cr_assert_str_eq(post->verdict, "clean in every execution (345 states)");
  campaign_free(&c);
}

/* With a loop bound forced on a stateful search that hits it, the
   certificate names it. */
Test(campaign, a_stateful_certificate_under_a_bound_names_it) {
  campaign c;
  camp_opts o = opts(MMSIM_SOURCE_DIR "/scenarios/fault-punch.scn");
  o.strategy = "stateful";
  o.loop_bound = 3;
  o.variants[0] = "2.6.23";
  o.nvariants = 1;
  cr_assert_eq(exp_strategy_parse("stateful", &o.cfg, NULL, 0), 0);
  cr_assert_eq(campaign_run(&c, &o), 0);
  const camp_variant *v = &c.res[0];
  cr_assert_gt(v->cut, 0);
  cr_assert(strstr(v->verdict, "clean in every execution (") &&
                strstr(v->verdict, " states) up to loop bound 3"),
            "%s", v->verdict);
  campaign_free(&c);
}
