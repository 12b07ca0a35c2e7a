/*
** test_symsched.c - symbolic schedules (sim/symsched.h): the grammar's
** canonical form and caps, the replay equivalence that makes them worth
** printing (for every counterexample explore finds in the bundled
** scenarios, and for every bundled scenario's own run line, the derived
** symbolic schedule replays to the same grant sequence and trace hash as
** the step-count string), and the divergence notes of both kinds of
** schedule on the command line.
*/
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "reports/cli/campaign.h"
#include "reports/cli/cli.h"
#include "sim/sched.h"
#include "sim/symsched.h"

#define R1 MMSIM_SOURCE_DIR "/scenarios/fault-invalidate.scn"

/* ------------------------------------------------------------- grammar */

Test(symsched, parses_to_a_canonical_form) {
  sim_symsched s;
  int col;
  char err[256];
  cr_assert_eq(sim_symsched_parse(" cpu1  until  invalidate_inode_pages2_range"
                                  ":page_mapped;cpu0 until \"pte_none? "
                                  "set_pte_at\"#3 ;1;",
                                  &s, &col, err, sizeof err),
               0, "%s", err);
  cr_assert_eq(s.n, 3);
  cr_assert_str_eq(s.seg[0].thread, "cpu1");
  cr_assert_str_eq(s.seg[0].until.fn, "invalidate_inode_pages2_range");
  cr_assert_str_eq(s.seg[0].until.label, "page_mapped");
  cr_assert_eq(s.seg[0].until.exact, 0);
  cr_assert_null(s.seg[1].until.fn);
  cr_assert_eq(s.seg[1].until.exact, 1);
  cr_assert_eq(s.seg[1].until.nth, 3);
  cr_assert_eq(s.seg[2].has_until, 0);
  const char *names[] = {"cpu0", "cpu1"};
  cr_assert_eq(sim_symsched_resolve(&s, names, 2, &col, err, sizeof err), 0);
  cr_assert_eq(s.seg[0].tid, 1);
  cr_assert_eq(s.seg[2].tid, 1, "a number is a thread id");
  char *f = sim_symsched_format(&s, names);
  cr_assert_str_eq(f, "cpu1 until invalidate_inode_pages2_range:page_mapped; "
                      "cpu0 until \"pte_none? set_pte_at\"#3; cpu1");
  sim_symsched t;
  cr_assert_eq(sim_symsched_parse(f, &t, &col, err, sizeof err), 0);
  char *g = sim_symsched_format(&t, NULL);
  cr_assert_str_eq(f, g, "the canonical form parses back to itself");
  free(f);
  free(g);
  sim_symsched_free(&s);
  sim_symsched_free(&t);
}

Test(symsched, points_match_labels_and_their_words) {
  sim_sympoint bare = {.label = "set_pte_at", .nth = 1};
  sim_sympoint quoted = {.label = "set_pte_at", .exact = 1, .nth = 1};
  sim_sympoint fn = {.fn = "do_no_page", .label = "set_pte_at", .nth = 1};
  const char *l = "i_size_read; pte_none? page_add_file_rmap; set_pte_at";
  cr_assert(sim_sympoint_matches(&bare, "__do_fault", l));
  cr_assert_not(sim_sympoint_matches(&quoted, "__do_fault", l));
  cr_assert(sim_sympoint_matches(&quoted, "x", "set_pte_at"));
  cr_assert_not(sim_sympoint_matches(&bare, "x", "set_pte_at_x"),
                "a word, not a substring");
  cr_assert(sim_sympoint_matches(&fn, "do_no_page", l));
  sim_sympoint func = {.label = "do_no_page", .nth = 1};
  cr_assert(sim_sympoint_matches(&func, "do_no_page", "pte_offset_map_lock"),
            "a bare name alone names a function too");
  func.exact = 1;
  cr_assert_not(
      sim_sympoint_matches(&func, "do_no_page", "pte_offset_map_lock"));
  cr_assert_not(sim_sympoint_matches(&fn, "__do_fault", l));
}

/* The caps FORMAT.md promises: segments, bytes, occurrence numbers. */
Test(symsched, caps) {
  size_t n = SIM_SYMSCHED_MAX_SEGS + 1;
  char *big = malloc(n * 3 + 1), err[256];
  for (size_t i = 0; i < n; i++)
    memcpy(big + 3 * i, "t0;", 3);
  big[n * 3] = 0;
  sim_symsched s;
  int col;
  cr_assert_eq(sim_symsched_parse(big, &s, &col, err, sizeof err), -1);
  cr_assert_str_eq(err, "schedule longer than 100000 segments");
  cr_assert_eq(col, 3 * (int)SIM_SYMSCHED_MAX_SEGS + 1);
  big[3 * SIM_SYMSCHED_MAX_SEGS] = 0;
  cr_assert_eq(sim_symsched_parse(big, &s, &col, err, sizeof err), 0);
  cr_assert_eq(s.n, SIM_SYMSCHED_MAX_SEGS);
  sim_symsched_free(&s);
  free(big);
  big = malloc(SIM_SYMSCHED_MAX_BYTES + 2);
  memset(big, ' ', SIM_SYMSCHED_MAX_BYTES + 1);
  big[0] = 'x';
  big[SIM_SYMSCHED_MAX_BYTES + 1] = 0;
  cr_assert_eq(sim_symsched_parse(big, &s, &col, err, sizeof err), -1);
  cr_assert_str_eq(err, "schedule longer than 4194304 bytes");
  free(big);
  cr_assert_eq(
      sim_symsched_parse("t0 until a#100000000", &s, &col, err, sizeof err), 0);
  sim_symsched_free(&s);
}

/* ----------------------------------------------------------- equivalence */

/* Replays 'numeric' and its derived symbolic schedule on l's binding:
   the same grants, the same trace hash, no divergence. */
static void assert_equivalent(const cli_scenario *l, const char *numeric,
                              const char *what) {
  char err[256];
  char *sym = cli_symbolic_of(l, numeric, err, sizeof err);
  cr_assert_not_null(sym, "%s: %s", what, err);
  uint8_t *seq;
  size_t n;
  int col;
  cr_assert_eq(sim_sched_parse(numeric, &seq, &n, &col, err, sizeof err), 0);
  sim_sched ss;
  sim_result a = {0}, b = {0};
  sim_exec_cfg cfg = model_exec_cfg(&l->b);
  cfg.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, n);
  cr_assert_eq(sim_exec_run(&cfg, &a), 0);

  const char *names[SIM_MAX_THREADS];
  for (int i = 0; i < l->b.nthreads; i++)
    names[i] = l->b.threads[i].name;
  sim_symsched s;
  cr_assert_eq(sim_symsched_parse(sym, &s, &col, err, sizeof err), 0,
               "%s: '%s' at %d: %s", what, sym, col, err);
  cr_assert_eq(
      sim_symsched_resolve(&s, names, l->b.nthreads, &col, err, sizeof err), 0);
  sim_symreplay sr;
  cfg.chooser = sim_symreplay_init(&sr, &s, names);
  cr_assert_eq(sim_exec_run(&cfg, &b), 0);
  sim_symreplay_end(&sr, b.outcome == SIM_CLEAN);
  cr_assert_not(sr.diverged, "%s: '%s' diverged: %s", what, sym, sr.why);
  cr_assert_eq(a.nsched, b.nsched, "%s: %zu / %zu steps", what, a.nsched,
               b.nsched);
  cr_assert_eq(memcmp(a.sched, b.sched, a.nsched), 0, "%s", what);
  cr_assert_eq(a.trace_hash, b.trace_hash, "%s: '%s' / '%s'", what, numeric,
               sym);
  cr_assert_str_eq(a.kind, b.kind);
  sim_symreplay_free(&sr);
  sim_symsched_free(&s);
  sim_result_free(&a);
  sim_result_free(&b);
  free(seq);
  free(sym);
}

/* Every counterexample explore finds in a bundled scenario, on every
   variant the scenario declares (the pre-fix ones have them). */
Test(symsched, counterexamples_of_bundled_scenarios_replay_symbolically,
     .timeout = 600) {
  glob_t g;
  cr_assert_eq(glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
  int checked = 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    campaign c;
    camp_opts o = {.path = g.gl_pathv[i],
                   .strategy = "stateful",
                   .jobs = 1,
                   .loop_bound = CAMP_LOOP_BOUND_AUTO};
    cr_assert_eq(exp_strategy_parse("stateful", &o.cfg, NULL, 0), 0);
    o.cfg.stop_first = 1;
    cr_assert_eq(campaign_run(&c, &o), 0, "%s", g.gl_pathv[i]);
    for (int v = 0; v < c.nres; v++)
      for (int k = 0; k < c.res[v].nkinds; k++) {
        const camp_kind *kd = &c.res[v].kinds[k];
        if (!kd->sched)
          continue;
        cli_scenario *l = cli_load(g.gl_pathv[i], c.res[v].variant, 1);
        cr_assert_not_null(l);
        char what[512];
        snprintf(what, sizeof what, "%s on %s, %s", g.gl_pathv[i],
                 c.res[v].variant, kd->name);
        assert_equivalent(l, kd->sched, what);
        cli_unload(l);
        checked++;
      }
    campaign_free(&c);
  }
  globfree(&g);
  cr_assert_geq(checked, 20, "%d counterexamples", checked);
}

/* The bundled scenarios' own run lines (timed, random or a schedule), on
   their own kernel: the execution `mmsim run` shows. */
Test(symsched, run_lines_of_bundled_scenarios_replay_symbolically,
     .timeout = 600) {
  glob_t g;
  cr_assert_eq(glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
  for (size_t i = 0; i < g.gl_pathc; i++) {
    char args[1024], *out;
    snprintf(args, sizeof args, "run %s --no-log", g.gl_pathv[i]);
    int rc = run_mmsim(args, &out);
    cr_assert(rc == 0, "%s: exit %d\n%s", g.gl_pathv[i], rc, out);
    char *p = strstr(out, "\nschedule: ");
    cr_assert_not_null(p, "%s", out);
    p += strlen("\nschedule: ");
    p[strcspn(p, "\n")] = 0;
    cli_scenario *l = cli_load(g.gl_pathv[i], NULL, 1);
    cr_assert_not_null(l);
    assert_equivalent(l, p, g.gl_pathv[i]);
    cli_unload(l);
    free(out);
  }
  globfree(&g);
}

/* ------------------------------------------------------------ divergence */

static char *run_out(const char *args) {
  char *out;
  run_mmsim(args, &out);
  return out;
}

/* On 2.6.23 the fault takes the page lock the invalidation holds: the
   symbolic schedule asks for cpu0 where it cannot run, and the note says
   which lock it waits for and who holds it. */
Test(symsched, divergence_names_the_lock_and_its_holder) {
  char *out =
      run_out("replay " R1 " --variant 2.6.23 --no-log --schedule 'cpu1 until "
              "page_mapped; cpu0 until set_pte_at; cpu1'");
  cr_assert(strstr(out, "note:     schedule diverged at step 18: thread cpu0 "
                        "(before set_pte_at) cannot run: it waits for "
                        "page#0.PG_locked, held by cpu1; other threads ran "
                        "until it could\n"),
            "%s", out);
  free(out);
  /* the same place asked for by a step-count string */
  out = run_out("replay " R1 " --variant 2.6.23 --no-log --schedule "
                "'1*13.0*5.0*3'");
  cr_assert(strstr(out, "note:     schedule diverged at step 18: thread 0 "
                        "(cpu0) was not enabled: it waits for "
                        "page#0.PG_locked, held by cpu1; continued with the "
                        "lowest-numbered enabled thread\n"),
            "%s", out);
  free(out);
}

/* A condition rather than a lock: on 2.6.24 the store's do_wp_page waits
   until writeback unlocks the page (79352894), which the run line's
   "cpu0 runs to its end, then cpu1" cannot give it. */
Test(symsched, divergence_names_the_condition_and_its_writer) {
  char *out =
      run_out("run scenarios/writeback-fixme.scn --variant 2.6.24 --no-log");
  cr_assert(strstr(out, "thread cpu0 (running to its end) cannot run: it "
                        "waits for a condition on page#0.PG_locked (step "
                        "'wait_on_page_locked'), held by cpu1; other "
                        "threads ran until it could\n"),
            "%s", out);
  cr_assert(strstr(out, "expect:   clean -- met"), "%s", out);
  free(out);
}

Test(symsched, divergence_of_a_point_never_reached) {
  char *out = run_out("replay " R1
                      " --no-log --schedule 'cpu1 until page_mapped#2; cpu0'");
  cr_assert(strstr(out, "thread cpu1 finished without reaching page_mapped#2"),
            "%s", out);
  free(out);
  /* a point on the last thread to finish: seen at the end */
  out = run_out("replay " R1 " --variant 2.6.23 --no-log --schedule "
                "'cpu0; cpu1 until nowhere'");
  cr_assert(strstr(out, "note:     schedule diverged at the end: thread cpu1 "
                        "finished without reaching nowhere\n"),
            "%s", out);
  free(out);
}

Test(symsched, command_line_errors_at_their_column) {
  char *out =
      run_out("replay " R1 " --no-log --schedule 'cpu1 until x#; cpu0'");
  cr_assert(strstr(out, "<schedule>:1:14: error: expected an occurrence "
                        "number after '#', found ';'"),
            "%s", out);
  free(out);
  out = run_out("replay " R1 " --no-log --schedule 'cpu1; cpu2'");
  cr_assert(strstr(out, "<schedule>:1:7: error: unknown thread 'cpu2', "
                        "expected one of cpu0, cpu1 (or a number 0..1)"),
            "%s", out);
  free(out);
}
