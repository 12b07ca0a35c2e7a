/*
** test_campaign.c - the exploration campaign behind `mmsim explore`,
** driven through its API (reports/cli/campaign.h), without the binary:
** per-variant verdicts and counts, minimal counterexamples, --jobs merging
** and logging, caps that make a search not exhaustive, and errors.
*/
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <glob.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "models/variant.h"
#include "reports/cli/campaign.h"
#include "reports/log.h"

#define R1 MMSIM_SOURCE_DIR "/scenarios/fault-invalidate.scn"

static camp_opts opts(const char *path) {
  camp_opts o = {.path = path, .strategy = "dpor", .jobs = 1, .loop_bound = 3};
  return o;
}

/* opts() restricted to one variant (--variants VARIANT). */
static camp_opts opts_on(const char *path, const char *variant) {
  camp_opts o = opts(path);
  o.variants[0] = variant;
  o.nvariants = 1;
  return o;
}

/* The options of --variants 2.6.20 --first on 'path': the pre-fix kernel
   of fault-invalidate.scn, stopped once what it expects was found. */
static camp_opts first_on(const char *path) {
  camp_opts o = opts_on(path, "2.6.20");
  o.cfg.stop_first = 1;
  return o;
}

/* Runs first_on(path) into c; the one variant's result. */
static const camp_variant *run_first(campaign *c, const char *path) {
  camp_opts o = first_on(path);
  cr_assert_eq(campaign_run(c, &o), 0);
  return &c->res[0];
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
  cr_assert_eq(c.nres, 2, "%llu", (unsigned long long)c.nres);
  cr_assert(c.all_met);

  const camp_variant *pre = &c.res[0], *post = &c.res[1];
  cr_assert_str_eq(pre->variant, "2.6.20");
  cr_assert_str_eq(pre->expect, "violation page-mapped-on-remove");
  cr_assert(pre->expect_met);
  cr_assert_str_eq(pre->verdict, "found page-mapped-on-remove (expected)");
  const camp_kind *k = kind(pre, "page-mapped-on-remove");
  cr_assert_not_null(k);
  cr_assert_eq(k->count, 15, "%llu", (unsigned long long)k->count);
  /* DPOR's first witness has 2 preemptions; the bounded re-search finds
     one with 1 (no schedule with 0 violates) and proves it minimal */
  cr_assert_eq(k->pre, 1, "fewest preemptions");
  cr_assert_eq(k->steps, 31, "%llu", (unsigned long long)k->steps);
  cr_assert_str_eq(k->sched, "1*17.0*12.1*2");
  cr_assert(k->minimal);
  cr_assert_eq(pre->st.execs, 110, "%llu", (unsigned long long)pre->st.execs);

  cr_assert_str_eq(post->variant, "2.6.23");
  cr_assert_str_eq(post->expect, "clean");
  cr_assert_eq(post->nkinds, 0, "%llu", (unsigned long long)post->nkinds);
  cr_assert_eq(post->st.execs, 19, "%llu", (unsigned long long)post->st.execs);
  cr_assert(post->st.complete);
  cr_assert_str_eq(post->verdict, "all 19 traces clean");
  campaign_free(&c);
}

/* Workers split the search; the parent's merge gives the same counts,
   states and the same minimal counterexample. */
Test(campaign, jobs_merge_to_the_same_result) {
  campaign one, two;
  camp_opts o = opts_on(R1, "2.6.20");
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
  camp_opts o = opts_on(R1, "2.6.23");
  o.cfg.max_execs = 10;
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_eq(c.res[0].st.execs, 10, "%llu",
               (unsigned long long)c.res[0].st.execs);
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
  cr_assert_eq(c.nres, 1, "%llu", (unsigned long long)c.nres);
  cr_assert_str_eq(c.res[0].variant, "litmus");
  cr_assert_str_eq(c.res[0].verdict, "found lost-update (expected)");
  cr_assert_eq(c.res[0].st.execs, 4, "%llu",
               (unsigned long long)c.res[0].st.execs);
  campaign_free(&c);
}

Test(campaign, an_unknown_variant_is_bad_input, .init = cr_redirect_stderr) {
  campaign c;
  camp_opts o = opts_on(R1, "2.6.99");
  cr_assert_eq(campaign_run(&c, &o), CLI_BAD_INPUT);
  cr_assert_eq(c.nres, 0, "%llu", (unsigned long long)c.nres);
  campaign_free(&c);
  fflush(stderr);
  cr_assert_stderr_eq_str("error: unknown kernel variant '2.6.99' (did you "
                          "mean '2.6.19'?), expected one of 2.6.17-mm, "
                          "2.6.19, 2.6.20, 2.6.22, 2.6.23, 2.6.24, 4.19, 5.7, "
                          "5.15, 5.16, 5.18, 6.0, 6.4, ksm, wp-glisse\n");
}

/* A misspelt knob in a variant's overrides gets a "did you mean", as the
   scenario's 'set' line does. */
Test(campaign, an_unknown_knob_override_suggests, .init = cr_redirect_stderr) {
  campaign c;
  camp_opts o = opts_on(R1, "2.6.20+fault.truncat_count=off");
  cr_assert_eq(campaign_run(&c, &o), CLI_BAD_INPUT);
  campaign_free(&c);
  fflush(stderr);
  cr_assert_stderr_eq_str(
      "error: unknown knob in variant override 'fault.truncat_count=off' "
      "(did you mean 'fault.truncate_count'?), expected KNOB=on|off with "
      "KNOB one of mmsim check --knobs\n");
}

/* A preemption-bounded search certifies only up to its bound, and says
   so. */
Test(campaign, a_bounded_certificate_names_its_bound) {
  campaign c;
  camp_opts o = opts_on(R1, "2.6.23");
  cr_assert_eq(exp_strategy_parse("bounded:1", &o.cfg, NULL, 0), 0);
  o.strategy = "bounded:1";
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert(c.res[0].expect_met);
  cr_assert_str_eq(c.res[0].verdict, "all 37 traces clean up to 1 preemption");
  campaign_free(&c);
}

/* A re-search that hits its cap proves nothing: the witness stays "the
   smallest seen". */
Test(campaign, a_capped_minimisation_is_the_smallest_seen) {
  campaign c;
  camp_opts o = first_on(R1);
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
  cr_assert_eq(c.nwanted, 2, "%llu", (unsigned long long)c.nwanted);
  cr_assert_str_eq(c.wanted[1], "2.6.23");
  cr_assert_eq(c.nres, 1, "%llu", (unsigned long long)c.nres);
  cr_assert_not(c.res[0].st.complete);
  cr_assert_not(c.all_met);
  campaign_free(&c);
}

/* Three workers (an odd split: some get no subtree of the first branching
   point) still certify the fix. */
Test(campaign, three_workers_certify) {
  campaign c;
  camp_opts o = opts_on(R1, "2.6.23");
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
  camp_opts o = opts_on(R1, "2.6.23");
  o.max_steps = 40;
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_gt(c.res[0].step_limit, 0);
  cr_assert_str_eq(c.res[0].verdict, "all 1 traces clean up to 40 steps "
                                     "(7 stopped there)");
  cr_assert(c.res[0].expect_met);
  campaign_free(&c);
}

/* When no execution ran to its end, no end state was checked: not a
   certificate at all (it used to read "all 0 traces clean up to 1 step",
   met). */
Test(campaign, nothing_checked_to_its_end_is_not_met) {
  campaign c;
  camp_opts o = opts_on(R1, "2.6.23");
  o.max_steps = 1;
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_str_eq(c.res[0].verdict, "no execution ran to its end (0 cut, 1 "
                                     "step-limited; not exhaustive)");
  cr_assert_not(c.res[0].expect_met);
  cr_assert_not(c.all_met);
  campaign_free(&c);
}

/* A violation not found by a search cut short is not "NOT found" outright:
   the verdict says the search was not exhaustive. */
Test(campaign, not_found_in_a_capped_search_says_not_exhaustive) {
  campaign c;
  camp_opts o = opts_on(R1, "2.6.20");
  o.cfg.max_execs = 1;
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_str_eq(c.res[0].verdict, "NOT found page-mapped-on-remove "
                                     "(expected; not exhaustive)");
  cr_assert_not(c.all_met);
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
  cr_assert_str_eq(k->sched, "1*17.0*12.1*2");
  cr_assert_eq(post->loop_bound, 0, "2.6.23: finite, no bound");
  cr_assert_eq(post->cut, 0, "%llu", (unsigned long long)post->cut);
  cr_assert(post->st.complete);
  cr_assert_eq(post->st.states, 349, "%llu",
               (unsigned long long)post->st.states);
  cr_assert_eq(post->st.passes, 1, "%llu", (unsigned long long)post->st.passes);
  cr_assert_eq(post->st.execs, 8, "%llu", (unsigned long long)post->st.execs);
  cr_assert_str_eq(post->verdict, "clean in every execution (349 states)");
  campaign_free(&c);
}

/* With a loop bound forced on a stateful search that hits it, the
   certificate names it. */
Test(campaign, a_stateful_certificate_under_a_bound_names_it) {
  campaign c;
  camp_opts o =
      opts_on(MMSIM_SOURCE_DIR "/scenarios/fault-punch.scn", "2.6.23");
  o.strategy = "stateful";
  o.loop_bound = 3;
  cr_assert_eq(exp_strategy_parse("stateful", &o.cfg, NULL, 0), 0);
  cr_assert_eq(campaign_run(&c, &o), 0);
  const camp_variant *v = &c.res[0];
  cr_assert_gt(v->cut, 0);
  cr_assert(strstr(v->verdict, "clean in every execution (") &&
                strstr(v->verdict, " states) up to loop bound 3"),
            "%s", v->verdict);
  campaign_free(&c);
}

/* The same with two workers: the merged result keeps the loop bound (it
   used to say "up to loop bound 0"). */
Test(campaign, a_certificate_under_a_bound_names_it_with_jobs) {
  campaign c;
  camp_opts o =
      opts_on(MMSIM_SOURCE_DIR "/scenarios/fault-punch.scn", "2.6.23");
  o.strategy = "stateful";
  o.loop_bound = 3;
  o.jobs = 2;
  cr_assert_eq(exp_strategy_parse("stateful", &o.cfg, NULL, 0), 0);
  cr_assert_eq(campaign_run(&c, &o), 0);
  const camp_variant *v = &c.res[0];
  cr_assert_eq(v->loop_bound, 3, "%d", v->loop_bound);
  cr_assert_gt(v->cut, 0);
  cr_assert(strstr(v->verdict, " up to loop bound 3"), "%s", v->verdict);
  campaign_free(&c);
}

/* A copy of fault-invalidate.scn (whose pre-fix variant shows both
   page-mapped-on-remove and pte-cache-mismatch) in a temporary directory,
   with its kernel, expect and condition lines replaced by 'head' (before
   the run line); returns its path (malloc'd). */
static char *both_kinds_scenario(const char *head) {
  char *text = slurp(R1), *dir = test_tmpdir();
  cr_assert_not_null(text);
  cr_assert_not_null(dir);
  char *path = malloc(strlen(dir) + 16);
  sprintf(path, "%s/both.scn", dir);
  free(dir);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (!strncmp(line, "kernel ", 7) || !strncmp(line, "expect ", 7))
      continue;
    if (!strncmp(line, "run ", 4))
      fprintf(f, "%s\n", head);
    fprintf(f, "%s\n", line);
  }
  cr_assert_eq(fclose(f), 0);
  free(text);
  return path;
}

/* --first with several expected kinds stops only once every one was
   found (it used to stop at the first violation and say "NOT found
   pte-cache-mismatch (expected; not exhaustive)"). */
static void assert_first_finds_both(const char *head) {
  char *path = both_kinds_scenario(head);
  campaign c;
  const camp_variant *v = run_first(&c, path);
  cr_assert_not_null(kind(v, "page-mapped-on-remove"));
  cr_assert_not_null(kind(v, "pte-cache-mismatch"));
  cr_assert_not(v->st.complete, "--first stopped the search");
  cr_assert(v->expect_met, "%s", v->verdict);
  cr_assert(c.all_met);
  campaign_free(&c);
  char *cmd = malloc(strlen(path) + 64), *out = NULL;
  sprintf(cmd, "explore %s --variants 2.6.20 --no-log --first", path);
  int rc = run_mmsim(cmd, &out);
  cr_assert_eq(rc, 0, "%s", out);
  free(out);
  free(cmd);
  free(path);
}

Test(campaign, first_stops_once_every_expected_kind_is_found) {
  assert_first_finds_both(
      "kernel 2.6.20\n"
      "expect violation page-mapped-on-remove pte-cache-mismatch\n"
      "expect on 2.6.23 clean");
}

Test(campaign, first_stops_once_every_expected_kind_is_found_on_a_variant) {
  assert_first_finds_both(
      "kernel 2.6.23\n"
      "expect clean\n"
      "expect on 2.6.20 violation page-mapped-on-remove pte-cache-mismatch");
}

/* With one expected kind, --first still stops at the first violation of
   that kind (fewer executions than the whole search). */
Test(campaign, first_with_one_expected_kind_stops_at_it) {
  campaign c;
  const camp_variant *v = run_first(&c, R1);
  cr_assert_not_null(kind(v, "page-mapped-on-remove"));
  cr_assert_eq(kind(v, "page-mapped-on-remove")->count, 1);
  cr_assert_not(v->st.complete);
  cr_assert(v->expect_met, "%s", v->verdict);
  campaign_free(&c);
}

/* Runs the campaign o with a fresh log; returns the log's path (malloc'd)
   and the executions explored, summed over the variants. */
static char *run_logged(camp_opts *o, uint64_t *execs) {
  char *dir = test_tmpdir(), err[256] = "";
  cr_assert_not_null(dir);
  char *path = malloc(strlen(dir) + 16);
  sprintf(path, "%s/log.db", dir);
  free(dir);
  cr_assert_not_null(o->log = rlog_open(path, err, sizeof err), "%s", err);
  campaign c;
  cr_assert_eq(campaign_run(&c, o), 0);
  *execs = 0;
  for (int i = 0; i < c.nres; i++)
    *execs += c.res[i].st.execs;
  campaign_free(&c);
  cr_assert_eq(rlog_close(o->log), 0);
  o->log = NULL;
  return path;
}

/* The explored executions' rows (not the minimal counterexamples'), one
   line each, sorted: "schedule outcome steps state_hash events".  With
   'count', the number of rows instead. */
static char *exec_rows(const char *path, uint64_t *count) {
  sqlite3 *db;
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
               SQLITE_OK);
  cr_assert_eq(
      sqlite3_prepare_v2(
          db,
          "SELECT schedule || ' ' || outcome || ' ' || steps || ' ' "
          "|| COALESCE(state_hash, '-') || ' ' || (SELECT COUNT(*) "
          "FROM event WHERE exec_id = execution.id) FROM execution "
          "WHERE COALESCE(note, '') NOT LIKE 'minimal counterexample%' "
          "ORDER BY 1",
          -1, &st, NULL),
      SQLITE_OK, "%s", sqlite3_errmsg(db));
  size_t len = 0, cap = 1;
  char *out = calloc(1, cap);
  *count = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *v = (const char *)sqlite3_column_text(st, 0);
    cr_assert_not_null(v);
    size_t n = strlen(v);
    if (len + n + 2 > cap) {
      cap = 2 * (len + n + 2);
      out = realloc(out, cap);
    }
    memcpy(out + len, v, n);
    len += n;
    out[len++] = '\n';
    out[len] = 0;
    ++*count;
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

/* Workers' executions are logged as one process logs them: a row per
   execution explored, the same schedules, outcomes and end states. */
static void assert_jobs_log_the_same(int log_all) {
  camp_opts o = opts(R1);
  o.log_all = log_all;
  uint64_t execs1, execs2, rows1, rows2;
  char *db1 = run_logged(&o, &execs1);
  o.jobs = 2;
  char *db2 = run_logged(&o, &execs2);
  char *a = exec_rows(db1, &rows1), *b = exec_rows(db2, &rows2);
  cr_assert_gt(execs1, 0);
  cr_assert_eq(rows1, execs1);
  cr_assert_eq(rows2, execs2);
  cr_assert_eq(rows1, rows2);
  cr_assert_str_eq(a, b);
  if (log_all) /* every row has its events */
    cr_assert_null(strstr(a, " 0\n"));
  free(a);
  free(b);
  free(db1);
  free(db2);
}

Test(campaign, jobs_log_every_execution) {
  assert_jobs_log_the_same(0);
}

Test(campaign, jobs_log_every_execution_with_its_events) {
  assert_jobs_log_the_same(1);
}

/* Every bundled MM scenario under `mmsim explore`'s default search
   (stateful, no loop bound where the state space is finite), stopping a
   pre-fix variant at its first violation: on its own kernel and on each
   'expect on' variant the expectation is met, so each pre-fix kernel shows
   its violation and each fixed kernel gets its certificate. */
Test(campaign, every_bundled_scenario_meets_its_expectations_under_explore,
     .timeout = 600) {
  glob_t g;
  cr_assert_eq(glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
  int nvariants = 0, ncertified = 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    campaign c;
    camp_opts o = opts(g.gl_pathv[i]);
    o.strategy = "stateful";
    o.loop_bound = CAMP_LOOP_BOUND_AUTO;
    cr_assert_eq(exp_strategy_parse("stateful", &o.cfg, NULL, 0), 0);
    o.cfg.stop_first = 1;
    cr_assert_eq(campaign_run(&c, &o), 0, "%s", g.gl_pathv[i]);
    for (int v = 0; v < c.nres; v++) {
      const camp_variant *r = &c.res[v];
      cr_assert(r->expect_met, "%s on %s: expected %s, got %s", g.gl_pathv[i],
                r->variant, r->expect, r->verdict);
      nvariants++;
      if (!strncmp(r->expect, "clean", 5)) {
        cr_assert(r->st.complete, "%s on %s: %s", g.gl_pathv[i], r->variant,
                  r->verdict);
        ncertified++;
      }
    }
    cr_assert(c.all_met, "%s", g.gl_pathv[i]);
    campaign_free(&c);
  }
  globfree(&g);
  cr_assert_geq(nvariants, 14);
  cr_assert_geq(ncertified, 7);
}

/* Issue 9's reclaim-only scenario must be clean on every kernel, not only
   on the four variants its file can name: reclaim fails to remove a page
   someone holds (a fault's find_get_page, a get_user_pages reference) on
   every preset, certified by a complete stateful search. */
Test(campaign, reclaim_fault_is_clean_on_every_preset, .timeout = 300) {
  int ncertified = 0;
  for (int i = 0; i < mm_nvariants; i += CAMP_MAX_VARIANTS) {
    campaign c;
    camp_opts o = opts(MMSIM_SOURCE_DIR "/scenarios/reclaim-fault.scn");
    o.strategy = "stateful";
    o.loop_bound = CAMP_LOOP_BOUND_AUTO;
    cr_assert_eq(exp_strategy_parse("stateful", &o.cfg, NULL, 0), 0);
    for (int j = i; j < mm_nvariants && j < i + CAMP_MAX_VARIANTS; j++)
      o.variants[o.nvariants++] = mm_variants[j].name;
    cr_assert_eq(campaign_run(&c, &o), 0);
    cr_assert_eq(c.nres, o.nvariants);
    for (int v = 0; v < c.nres; v++) {
      const camp_variant *r = &c.res[v];
      cr_assert_eq(r->nkinds, 0, "%s: %s", r->variant, r->verdict);
      cr_assert(r->st.complete, "%s: %s", r->variant, r->verdict);
      ncertified++;
    }
    campaign_free(&c);
  }
  cr_assert_eq(ncertified, mm_nvariants);
  cr_assert_geq(ncertified, 15);
}
