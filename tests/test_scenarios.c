/*
** test_scenarios.c - the bundled scenarios and the command line, through
** the mmsim binary: every bundled scenario (scenarios/NAME.scn) meets its
*declared expectation on
** every kernel variant under its own run line; the printed schedule replays
** to the same trace hash; the pre-fix schedule on the fixed kernel stays
** clean; logs are identical across processes; exit codes and messages.
*/
#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "models/scenario.h"

/* The value printed after "key:" on its own line, malloc'd. */
static char *field(const char *out, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\n%s:", key);
  const char *p = strstr(out, pat);
  if (!p && !strncmp(out, pat + 1, strlen(pat + 1)))
    p = out - 1;
  cr_assert_not_null(p, "no '%s:' line in:\n%s", key, out);
  p += strlen(pat);
  while (*p == ' ')
    p++;
  size_t n = strcspn(p, "\n");
  char *v = malloc(n + 1);
  memcpy(v, p, n);
  v[n] = 0;
  return v;
}

/* Every bundled MM scenario, on its own kernel and on each variant it
   states an outcome for ('expect on'), meets that outcome under its run
   line. */
Test(scenarios, every_bundled_scenario_meets_its_expectations) {
  glob_t g;
  cr_assert_eq(glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
  cr_assert_geq(g.gl_pathc, 5);
  int nruns = 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    static scenario scn;
    char err[512];
    cr_assert_eq(scn_parse_file(g.gl_pathv[i], &scn, err, sizeof err), 0, "%s",
                 err);
    for (int v = -1; v < scn.nexpect_on; v++) {
      const char *variant = v < 0 ? scn.kernel : scn.expect_on[v].variant;
      char args[1024], *out;
      snprintf(args, sizeof args, "run '%s' --no-log --variant %s",
               g.gl_pathv[i], variant);
      int rc = run_mmsim(args, &out);
      cr_assert_eq(rc, 0, "%s on %s: exit %d\n%s", g.gl_pathv[i], variant, rc,
                   out);
      cr_assert(strstr(out, " -- met\n"), "%s", out);
      free(out);
      nruns++;
    }
  }
  cr_assert_geq(nruns, 11); /* 5 scenarios, each before and after a fix */
  globfree(&g);
}

Test(scenarios, prefix_outcomes_are_the_races) {
  static const struct {
    const char *scn, *variant, *result;
  } cases[] = {
      {"fault-invalidate", "2.6.20", "VIOLATION page-mapped-on-remove"},
      {"fault-invalidate", "2.6.23", "clean"},
      {"fault-punch", "2.6.20", "VIOLATION page-mapped-on-remove"},
      {"fault-punch", "2.6.22", "VIOLATION page-mapped-on-remove"},
      {"fault-punch", "2.6.23", "clean"},
      {"fault-punch-same-mm", "2.6.20", "VIOLATION lock-order"},
      {"fault-punch-same-mm", "2.6.22", "VIOLATION page-mapped-on-remove"},
      {"fault-punch-same-mm", "2.6.23", "clean"},
      {"fault-truncate", "2.6.20", "clean"},
      {"fault-truncate", "2.6.23", "clean"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char args[256], *out;
    snprintf(args, sizeof args, "run scenarios/%s.scn --no-log --variant %s",
             cases[i].scn, cases[i].variant);
    run_mmsim(args, &out);
    char *res = field(out, "result");
    cr_assert_eq(strncmp(res, cases[i].result, strlen(cases[i].result)), 0,
                 "%s %s: %s", cases[i].scn, cases[i].variant, res);
    free(res);
    free(out);
  }
}

Test(scenarios, run_reports_the_violation_step_and_message) {
  char *out;
  int rc = run_mmsim("run scenarios/fault-invalidate.scn --no-log", &out);
  cr_assert_eq(rc, 0);
  char *res = field(out, "result");
  cr_assert_str_eq(res, "VIOLATION page-mapped-on-remove at step 30: "
                        "BUG_ON(page_mapped(page)) in "
                        "__remove_from_page_cache: page#0 (data index 0) "
                        "still mapped by 1 pte(s)");
  char *pol = field(out, "policy");
  cr_assert_str_eq(pol, "replay"); /* its symbolic run line */
  free(res);
  free(pol);
  free(out);
}

Test(scenarios, replay_reproduces_trace_hash_and_fixed_kernel_is_clean) {
  char *out, args[4096];
  cr_assert_eq(run_mmsim("run scenarios/fault-invalidate.scn --no-log", &out),
               0);
  char *sched = field(out, "schedule"), *trace = field(out, "trace");
  char *events = field(out, "events");
  free(out);

  snprintf(args, sizeof args,
           "replay scenarios/fault-invalidate.scn --no-log --schedule '%s'",
           sched);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  char *t2 = field(out, "trace"), *e2 = field(out, "events");
  char *s2 = field(out, "schedule");
  cr_assert_str_eq(t2, trace);
  cr_assert_str_eq(e2, events);
  cr_assert_str_eq(s2, sched);
  cr_assert_null(strstr(out, "note:"), "an exact replay does not diverge");
  free(out);

  /* the symbolic schedule the run printed replays to the same trace */
  cr_assert_eq(run_mmsim("run scenarios/fault-invalidate.scn --no-log", &out),
               0);
  char *sym = field(out, "symbolic");
  free(out);
  snprintf(args, sizeof args,
           "replay scenarios/fault-invalidate.scn --no-log --schedule '%s'",
           sym);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  char *t3 = field(out, "trace");
  cr_assert_str_eq(t3, trace, "%s", sym);
  cr_assert_null(strstr(out, "note:"), "%s", out);
  free(out);
  free(t3);
  free(sym);

  /* a schedule in which the fault maps the page while the invalidation
     holds it locked (the timed run this scenario once steered with a
     delay), on the fixed kernel: the fault blocks on the page lock, the
     schedule diverges there, and nothing breaks */
  snprintf(args, sizeof args,
           "replay scenarios/fault-invalidate.scn --no-log --variant 2.6.23 "
           "--schedule '%s'",
           "1*10.0*2.1*3.0*4.1*2.0.1.0.1.0.1*2");
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  char *res = field(out, "result"), *note = field(out, "note");
  cr_assert_eq(strncmp(res, "clean", 5), 0, "%s", res);
  cr_assert(strstr(note, "schedule diverged at step"), "%s", note);
  free(out);
  free(res);
  free(note);
  free(sched);
  free(trace);
  free(events);
  free(t2);
  free(e2);
  free(s2);
}

Test(scenarios, schedule_file_replays_like_the_string) {
  char *dir = test_tmpdir(), path[512], args[1024], *out;
  snprintf(path, sizeof path, "%s/s.sched", dir);
  FILE *f = fopen(path, "w");
  fputs("1*17.0*12.1*2\n", f);
  fclose(f);
  snprintf(args, sizeof args,
           "replay scenarios/fault-invalidate.scn --no-log --schedule-file %s",
           path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  char *res = field(out, "result");
  cr_assert_eq(strncmp(res, "VIOLATION page-mapped-on-remove", 31), 0);
  free(res);
  free(out);
  free(dir);
}

/* A scenario's "run schedule S" line is what `mmsim run` replays: S is
   neither the timed schedule nor the lowest-thread-first fallback of an
   empty replay, and is printed back unchanged, without divergence. */
Test(scenarios, run_schedule_line_is_replayed) {
  static const char sched[] = "1*3.0*21.1*20";
  char *dir = test_tmpdir(), path[512], args[1024], *out;
  snprintf(path, sizeof path, "%s/sched.scn", dir);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fprintf(f,
          "scenario \"fault vs truncate, replayed\"\n"
          "kernel 2.6.20\n"
          "cpus 2\n"
          "file data size=8K cached=all\n"
          "mm p1\n"
          "map p1 data at 0x10000 pages=2 shared rw\n"
          "cpu0: p1 load 0x11000\n"
          "cpu0: p1 store 0x10000\n"
          "cpu1: truncate data 4K\n"
          "expect clean\n"
          "run schedule %s\n",
          sched);
  fclose(f);

  snprintf(args, sizeof args, "run %s --no-log", path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  char *pol = field(out, "policy"), *got = field(out, "schedule");
  cr_assert_str_eq(pol, "replay");
  cr_assert_str_eq(got, sched);
  cr_assert_null(strstr(out, "note:"), "an exact replay does not diverge");
  free(pol);
  free(got);
  free(out);

  /* the command line still overrides the run line */
  snprintf(args, sizeof args, "run %s --no-log --policy timed", path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  got = field(out, "schedule");
  cr_assert_str_neq(got, sched);
  free(got);
  free(out);
  free(dir);
}

/* `mmsim check` on a scenario 'text' exits 2 and prints exactly
   "PATH:" 'msg' and a newline. */
static void check_fails_with(const char *text, const char *msg) {
  char *dir = test_tmpdir(), path[512], args[1024], want[1024], *out;
  snprintf(path, sizeof path, "%s/bad.scn", dir);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
  snprintf(args, sizeof args, "check %s", path);
  cr_assert_eq(run_mmsim(args, &out), 2, "%s", out);
  snprintf(want, sizeof want, "%s:%s\n", path, msg);
  cr_assert_str_eq(out, want);
  free(out);
  free(dir);
}

/* An unknown violation kind is the bound model's error, at its position. */
Test(cli, check_reports_unknown_violation_kind) {
  check_fails_with(
      "scenario \"x\"\nkernel 2.6.20\ncpus 1\ncpu0: delay 1\n"
      "expect clean\nexpect on 2.6.23 violation oops\n",
      "6:28: error: unknown violation kind 'oops', expected one "
      "of deadlock, bad-unlock, lock-order, page-mapped-on-remove, "
      "pte-cache-mismatch, pte-beyond-eof, refcount-mismatch, "
      "undeclared-write, lost-write, fsync-lost, writenotify-dirty, "
      "dirty-without-buffers, writepage-without-buffers, "
      "pinned-lost-buffers, pinned-page-cleaned, "
      "file-written-without-permission, wp-broken");
}

/* `mmsim check` refuses a journal flush of a file without buffers, with
   its position. */
Test(cli, check_refuses_fs_flush_without_buffers) {
  check_fails_with("scenario \"x\"\nkernel 2.6.20\ncpus 1\n"
                   "file data size=4K\ncpu0: fs_flush data\nexpect clean\n",
                   "5:16: error: fs_flush writes buffers, and file 'data' "
                   "has none, expected a file declared with 'buffers'");
}

Test(scenarios, determinism_across_processes) {
  char *a, *b;
  run_mmsim("run scenarios/fault-truncate.scn --no-log --policy random "
            "--seed 42",
            &a);
  run_mmsim("run scenarios/fault-truncate.scn --no-log --policy random "
            "--seed 42",
            &b);
  cr_assert_str_eq(a, b, "two processes, same inputs, same output");
  char *out;
  cr_assert_eq(run_mmsim("run scenarios/fault-punch.scn --no-log "
                         "--check-determinism",
                         &out),
               0);
  char *d = field(out, "determinism");
  cr_assert_eq(strncmp(d, "ok ", 3), 0, "%s", d);
  free(d);
  free(out);
  free(a);
  free(b);
}

Test(scenarios, different_seeds_reach_different_schedules) {
  char *a, *b;
  run_mmsim("run scenarios/fault-truncate.scn --no-log --policy random "
            "--seed 1",
            &a);
  run_mmsim("run scenarios/fault-truncate.scn --no-log --policy random "
            "--seed 2",
            &b);
  char *sa = field(a, "schedule"), *sb = field(b, "schedule");
  cr_assert_str_neq(sa, sb);
  free(sa);
  free(sb);
  free(a);
  free(b);
}

Test(cli, expectation_not_met_exits_1) {
  char *out;
  int rc = run_mmsim("run scenarios/fault-invalidate.scn --no-log --policy "
                     "random --seed 0",
                     &out);
  cr_assert_eq(rc, 1, "%s", out);
  char *e = field(out, "expect");
  cr_assert_str_eq(e, "violation page-mapped-on-remove -- NOT met");
  free(e);
  free(out);
}

Test(cli, bad_scenario_exits_2_with_position) {
  char *dir = test_tmpdir(), path[512], args[1024], *out;
  snprintf(path, sizeof path, "%s/bad.scn", dir);
  FILE *f = fopen(path, "w");
  fputs("scenario \"x\"\nkernel 2.6.21\n", f);
  fclose(f);
  snprintf(args, sizeof args, "run %s", path);
  cr_assert_eq(run_mmsim(args, &out), 2);
  char want[1024];
  snprintf(want, sizeof want,
           "%s:2:8: error: unknown kernel '2.6.21' (did you mean '2.6.20'?), "
           "expected one of 2.6.17-mm, 2.6.19, 2.6.20, 2.6.22, 2.6.23, 2.6.24, "
           "4.19, 5.7, 5.15, 5.16, 5.18, 6.0, 6.4, ksm, wp-glisse\n",
           path);
  cr_assert_str_eq(out, want);
  free(out);
  free(dir);
}

Test(cli, usage_errors_exit_2) {
  static const struct {
    const char *args, *msg;
  } cases[] = {
      {"frobnicate", "mmsim: unknown command 'frobnicate'"},
      {"run scenarios/fault-punch.scn --policy fifo",
       "mmsim run: --policy expects timed, random or replay"},
      {"replay scenarios/fault-punch.scn",
       "mmsim replay: a schedule is required"},
      {"run", "mmsim run: expected exactly one scenario file"},
      {"run scenarios/fault-punch.scn --seed x",
       "mmsim run: --seed expects a number"},
      {"run scenarios/fault-punch.scn --no-log --schedule 0*3.x",
       "<schedule>:1:5: error: expected a thread number, found 'x'"},
      {"run /nonexistent.scn", "error: cannot open /nonexistent.scn"},
      {"check", "mmsim check: expected one or more scenario files"},
      {"render", "mmsim render: expected DB and -o FILE.{svg,png,dot,json}"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *out;
    int rc = run_mmsim(cases[i].args, &out);
    cr_assert_eq(rc, 2, "%s: exit %d\n%s", cases[i].args, rc, out);
    cr_assert_eq(strncmp(out, cases[i].msg, strlen(cases[i].msg)), 0, "%s:\n%s",
                 cases[i].args, out);
    free(out);
  }
}

Test(cli, check_prints_one_line_per_scenario) {
  char *out;
  cr_assert_eq(run_mmsim("check scenarios/fault-invalidate.scn", &out), 0);
  cr_assert_str_eq(out, "scenarios/fault-invalidate.scn: ok: \"fault vs "
                        "O_DIRECT invalidate (R1)\", kernel 2.6.20, 2 cpus, "
                        "2 threads, expect violation page-mapped-on-remove; "
                        "on 2.6.23 clean; 2 conditions\n");
  free(out);
}

Test(cli, help_for_every_command) {
  static const char *cmds[] = {"run",    "replay", "check",
                               "render", "bench",  "explore"};
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
    char args[64], *out;
    snprintf(args, sizeof args, "%s --help", cmds[i]);
    cr_assert_eq(run_mmsim(args, &out), 0, "%s", args);
    cr_assert_eq(strncmp(out, "usage: mmsim ", 13), 0, "%s", out);
    free(out);
  }
}

/* The log and the timeline of the bundled pre-fix run, read back. */
static char *sql1(const char *db, const char *q) {
  char args[1024], *out;
  snprintf(args, sizeof args, "sqlite3 '%s' \"%s\"", db, q);
  size_t n = strlen(args) + 64;
  char *cmd = malloc(n);
  snprintf(cmd, n, "%s 2>&1", args);
  FILE *p = popen(cmd, "r");
  free(cmd);
  out = calloc(1, 4096);
  size_t got = fread(out, 1, 4095, p);
  pclose(p);
  while (got && out[got - 1] == '\n')
    out[--got] = 0;
  return out;
}

Test(scenarios, database_and_timeline_of_the_prefix_run) {
  char *dir = test_tmpdir(), db[512], svg[512], args[1200], *out;
  snprintf(db, sizeof db, "%s/r1.db", dir);
  snprintf(svg, sizeof svg, "%s/r1.svg", dir);
  snprintf(args, sizeof args,
           "run scenarios/fault-invalidate.scn --db %s --svg %s", db, svg);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  char *sched = field(out, "schedule"), *trace = field(out, "trace");
  free(out);

  struct {
    const char *q, *want;
  } rows[] = {
      {"select outcome, steps, schedule, trace_hash from execution",
       NULL}, /* filled below */
      {"select count(*) from event", "31"},
      {"select kind, seq from violation", "page-mapped-on-remove|30"},
      {"select fn || ': ' || op from v_event where seq = 30",
       "invalidate_complete_page2: write_lock(tree_lock); PageDirty?"},
      {"select fn || ': ' || op || ' ' || after from v_event where seq = 25",
       "do_no_page: pte_none? set_pte_at; page_add_file_rmap pte -> page#0 "
       "mapcount 1"},
      {"select count(*) from flow where kind = 'lock'", "3"},
      {"select group_concat(name, ',') from thread", "cpu0,cpu1"},
      /* what each thread does, from the scenario's thread lines */
      {"select group_concat(description, ',') from thread",
       "p1 load 0x10000,dio_write data page=0"},
      /* the race edge: cpu1 reads mapcount 0 at #16, cpu0 maps the page
         at #25 (from-read), and the page tree cpu0 looked up at #22 is
         changed by the removal at #30 */
      {"select group_concat(x, ',') from (select from_seq || '>' || to_seq"
       " || ' ' || obj || ' ' || from_thread || '>' || to_thread as x"
       " from v_flow where kind = 'from-read' order by to_seq, from_seq)",
       "16>25 page#0._mapcount cpu1>cpu0,22>30 data.page_tree cpu0>cpu1"},
      /* the scenario sets no knob: nothing differs from the preset */
      {"select quote(knobs_set) from run", "''"},
      {"select variant, policy, seed, expect from run",
       "2.6.20|replay|1|violation page-mapped-on-remove"},
      {"pragma user_version", "7"},
  };
  char want0[1024];
  snprintf(want0, sizeof want0, "violation|31|%s|%s", sched, trace);
  rows[0].want = want0;
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    char *got = sql1(db, rows[i].q);
    cr_assert_str_eq(got, rows[i].want, "%s", rows[i].q);
    free(got);
  }

  char *s = slurp(svg);
  cr_assert_not_null(s);
  cr_assert(strstr(s, "<svg"), "an SVG document");
  /* it scales to the window's width (a 1600 px screen), the viewBox
     keeping its proportions */
  cr_assert(strstr(s, "<svg width=\"100%\" style=\"max-width:") &&
                strstr(s, "height:auto\"\n viewBox=\"0.00 0.00 "),
            "an SVG that fits the width");
  cr_assert(strstr(s, ">cpu0: p1 load 0x10000<"), "lane cpu0");
  cr_assert(strstr(s, ">cpu1: dio_write data page=0<"), "lane cpu1");
  cr_assert(strstr(s, "page&#45;mapped&#45;on&#45;remove") ||
                strstr(s, "page-mapped-on-remove"),
            "the violation");
  free(s);
  free(sched);
  free(trace);
  free(dir);
}

/* explore logs the explored executions as rows and re-runs each minimal
   counterexample with its events: v_execution tells the two apart. */
Test(scenarios, counterexample_reruns_are_told_apart) {
  char *dir = test_tmpdir(), db[512], args[1200], *out;
  snprintf(db, sizeof db, "%s/x.db", dir);
  snprintf(args, sizeof args,
           "explore scenarios/fault-invalidate.scn --variants 2.6.20"
           " --jobs 1 --db %s",
           db);
  run_mmsim(args, &out);
  free(out);
  char *got = sql1(db, "select group_concat(x, ',') from (select origin || ':'"
                       " || (count(*) > 0) || ':' || sum((select count(*)"
                       " from event e where e.exec_id = v.id) > 0) as x"
                       " from v_execution v group by origin order by origin)");
  /* every counterexample has its events, no explored execution has */
  cr_assert_str_eq(got, "counterexample:1:2,explored:1:0");
  free(got);
  got = sql1(db, "select count(*) from execution where counterexample"
                 " and note not like 'minimal counterexample for %'");
  cr_assert_str_eq(got, "0");
  free(got);
  free(dir);
}

/* A pte-beyond-eof counterexample (fault-truncate without the
   truncate_count recheck) cut to a 5-event slice still shows the two
   halves of the race: the last writer of each object the violation names
   and the reads those writes overwrote, on the faulting CPU and on the
   truncating one. */
Test(scenarios, slice_keeps_the_last_writers_and_both_cpus) {
  char *dir = test_tmpdir(), scn[512], db[512], dot[512], args[1600], *out;
  snprintf(scn, sizeof scn, "%s/ft.scn", dir);
  snprintf(db, sizeof db, "%s/ft.db", dir);
  snprintf(dot, sizeof dot, "%s/ft.dot", dir);
  char *text = slurp(MMSIM_SOURCE_DIR "/scenarios/fault-truncate.scn");
  cr_assert_not_null(text);
  FILE *f = fopen(scn, "w");
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (!strncmp(line, "expect", 6))
      continue;
    fprintf(f, "%s\n", line);
  }
  fprintf(f, "set fault.truncate_count = off\n"
             "expect violation pte-beyond-eof\n");
  fclose(f);
  free(text);
  snprintf(args, sizeof args, "explore %s --jobs 1 --db %s", scn, db);
  run_mmsim(args, &out);
  free(out);
  char *x = sql1(db, "select v.exec_id from violation v join execution x"
                     " on x.id = v.exec_id where x.counterexample"
                     " and v.kind = 'pte-beyond-eof'");
  cr_assert(atoi(x) > 0, "a logged pte-beyond-eof counterexample: %s", x);
  snprintf(args, sizeof args, "render %s --exec %s --slice 5 -o %s", db, x,
           dot);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  free(out);
  char q[1200];
  snprintf(q, sizeof q,
           "with w as (select max(a.seq) as seq from violation v,"
           " json_each(v.objects) j join v_access a on a.exec_id = v.exec_id"
           " and a.obj = j.value where v.exec_id = %s and a.kind in ('W', 'A')"
           " and a.seq <= v.seq group by a.obj),"
           " k as (select seq from w union select from_seq from flow f"
           " join w on f.to_seq = w.seq where f.exec_id = %s"
           " and f.kind = 'from-read')"
           " select group_concat(e.seq || ':' || e.thread, ' ') from k"
           " join v_event e on e.seq = k.seq and e.exec_id = %s",
           x, x, x);
  char *keep = sql1(db, q);
  char *d = slurp(dot);
  cr_assert_not_null(d);
  int cpus = 0;
  for (char *p = strtok(keep, " "); p; p = strtok(NULL, " ")) {
    char id[48];
    snprintf(id, sizeof id, "id=ev%d,", atoi(p));
    cr_assert(strstr(d, id), "step %s is in the slice", p);
    cpus |= strstr(p, ":cpu0") ? 1 : strstr(p, ":cpu1") ? 2 : 0;
  }
  cr_assert_eq(cpus, 3, "both CPUs' halves of the race are kept");
  free(d);
  free(keep);
  free(x);
  free(dir);
}

/* A second run into the same timeline file says that it replaced the
   first one, and how to draw any logged execution. */
Test(scenarios, run_says_when_it_replaces_a_timeline) {
  char *dir = test_tmpdir(), args[1200], *out;
  snprintf(args, sizeof args,
           "run scenarios/fault-invalidate.scn --db %s/o.db --svg %s/o.svg",
           dir, dir);
  run_mmsim(args, &out);
  cr_assert(strstr(out, "(execution 1)\n") != NULL, "%s", out);
  cr_assert(strstr(out, "replaced") == NULL, "%s", out);
  free(out);
  run_mmsim(args, &out);
  cr_assert(strstr(out, "(execution 2; it replaced the previous timeline") !=
                NULL,
            "%s", out);
  cr_assert(strstr(out, "--exec N") != NULL, "%s", out);
  free(out);
  free(dir);
}
/* A read past the end of its file is bad input: file:line:column, what
   was expected, exit status 2; and so for a file with no pages at all. */
Test(cli, check_reports_a_read_beyond_eof) {
  static const char head[] = "scenario \"x\"\nkernel 2.6.20\ncpus 1\n";
  char text[512];
  snprintf(text, sizeof text,
           "%sfile data size=4K cached=all\ncpu0: read data page=3\n"
           "expect clean\n",
           head);
  check_fails_with(text, "5:22: error: page 3 is beyond the end of file "
                         "'data', which has 1 page, expected page index 0");
  snprintf(text, sizeof text,
           "%sfile data size=12K\ncpu0: read data page=3\nexpect clean\n",
           head);
  check_fails_with(text, "5:22: error: page 3 is beyond the end of file "
                         "'data', which has 3 pages, expected page indexes "
                         "0..2");
  snprintf(text, sizeof text,
           "%sfile data size=0\ncpu0: read data page=0\nexpect clean\n", head);
  check_fails_with(text, "5:22: error: page 0 is beyond the end of file "
                         "'data', which has no pages, expected a file with "
                         "size= above 0");
}

Test(cli, version) {
  char *out;
  cr_assert_eq(run_mmsim("--version", &out), 0);
  cr_assert_str_eq(out, "mmsim " MMSIM_VERSION "\n");
  free(out);
}

/* check goes through the same loader as run and explore: litmus scenarios
   are accepted, and counts agree in number. */
Test(cli, check_accepts_litmus_scenarios_and_counts_in_the_singular) {
  char *out, *dir = test_tmpdir(), path[512], args[600];
  cr_assert_eq(run_mmsim("check scenarios/litmus/abba.scn", &out), 0, "%s",
               out);
  cr_assert_str_eq(out, "scenarios/litmus/abba.scn: ok: \"abba(2)\", litmus "
                        "abba 2, 2 cpus, 2 threads, expect violation "
                        "deadlock\n");
  free(out);
  snprintf(path, sizeof path, "%s/one.scn", dir);
  FILE *f = fopen(path, "w");
  fputs("scenario \"one\"\nkernel 2.6.20\ncpus 1\nfile data size=4K "
        "cached=0\nmm p1\nmap p1 data at 0x10000 pages=1 shared rw\n"
        "cpu0: p1 load 0x10000\nexpect clean\n",
        f);
  fclose(f);
  snprintf(args, sizeof args, "check %s", path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  char want[700];
  snprintf(want, sizeof want,
           "%s: ok: \"one\", kernel 2.6.20, 1 cpu, 1 thread, expect clean\n",
           path);
  cr_assert_str_eq(out, want);
  free(out);
  free(dir);
}

/* Every command parses options the same way (getopt_long): a missing
   value and an unknown option are named. */
Test(cli, option_errors_name_the_option) {
  static const struct {
    const char *args, *msg;
  } cases[] = {
      {"run scenarios/fault-punch.scn --seed",
       "mmsim run: --seed expects a value (see mmsim run --help)\n"},
      {"run scenarios/fault-punch.scn --frob",
       "mmsim run: unknown option '--frob' (see mmsim run --help)\n"},
      {"explore scenarios/fault-punch.scn --jobs",
       "mmsim explore: --jobs expects a value (see mmsim explore --help)\n"},
      {"check --frob scenarios/fault-punch.scn",
       "mmsim check: unknown option '--frob' (see mmsim check --help)\n"},
      {"render x.db -o", "mmsim render: -o expects a value (see mmsim render "
                         "--help)\n"},
      {"bench --steps x", "mmsim bench: --steps expects a number >= 2 (see "
                          "mmsim bench --help)\n"},
      {"run -xy scenarios/fault-punch.scn",
       "mmsim run: unknown option '-x' (see mmsim run --help)\n"},
      {"run scenarios/fault-punch.scn --s 1",
       "mmsim run: ambiguous option '--s' (see mmsim run --help)\n"},
      {"run scenarios/fault-punch.scn --quiet=1",
       "mmsim run: --quiet takes no value (see mmsim run --help)\n"},
      {"explore scenarios/fault-punch.scn --seed abc",
       "mmsim explore: --seed expects a number (see mmsim explore --help)\n"},
      {"explore scenarios/fault-punch.scn --variants 2.6.20,2.6.20",
       "mmsim explore: --variants names 2.6.20 twice (see mmsim explore "
       "--help)\n"},
      {"replay scenarios/fault-punch.scn --schedule ''",
       "mmsim replay: a schedule is required: --schedule S or "
       "--schedule-file F (see mmsim replay --help)\n"},
      {"run scenarios/fault-punch.scn --no-log --seed 010x",
       "mmsim run: --seed expects a number (see mmsim run --help)\n"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *out;
    cr_assert_eq(run_mmsim(cases[i].args, &out), 2, "%s", cases[i].args);
    cr_assert_str_eq(out, cases[i].msg, "%s", cases[i].args);
    free(out);
  }
}

/* Numbers are decimal (a leading 0 is not octal) or 0x hexadecimal. */
Test(cli, numbers_are_decimal) {
  char *out;
  cr_assert_eq(
      run_mmsim("run scenarios/fault-punch.scn --no-log --seed 010", &out), 0,
      "%s", out);
  cr_assert(strstr(out, "\npolicy:   timed seed 10\n"), "%s", out);
  free(out);
  cr_assert_eq(
      run_mmsim("run scenarios/fault-punch.scn --no-log --seed 0x10", &out), 0,
      "%s", out);
  cr_assert(strstr(out, "\npolicy:   timed seed 16\n"), "%s", out);
  free(out);
}

/* An output that cannot be written is an error, and leaves nothing. */
Test(cli, an_unwritable_timeline_is_an_error) {
  char *out, *dir = test_tmpdir(), args[1024];
  snprintf(args, sizeof args,
           "run scenarios/fault-punch.scn --quiet --db %s/r.db --svg "
           "%s/no/such/dir/r.svg",
           dir, dir);
  cr_assert_eq(run_mmsim(args, &out), 2, "%s", out);
  cr_assert(strstr(out, "/no/such/dir/r.svg: cannot write: No such file or "
                        "directory"),
            "%s", out);
  free(out);
  free(dir);
}
