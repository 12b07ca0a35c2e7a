/*
** test_racereport.c - what a developer reads in the terminal and a script
** reads from explore: the race report (reports/racereport.h), its text
** for the bundled R1 counterexample under `run` and for each kind under
** `explore`, a deadlock's wait-for chain, a clean execution, the wrapping
** that never cuts a value; explore's announcements and --json.
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "reports/racereport.h"

/* Runs `mmsim CMD` with its log and timeline in a fresh directory. */
static char *mmsim_logged(const char *cmd, const char *scn, char *db,
                          size_t dbn) {
  char *dir = test_tmpdir(), args[600];
  snprintf(db, dbn, "%s/r.db", dir);
  snprintf(args, sizeof args, "%s %s --db %s%s%s", cmd, scn, db,
           strcmp(cmd, "run") ? "" : " --svg ", strcmp(cmd, "run") ? "" : dir);
  if (!strcmp(cmd, "run"))
    strcat(args, "/r.svg");
  char *out;
  run_mmsim(args, &out);
  free(dir);
  return out;
}

Test(racereport, run_prints_the_r1_race_in_columns) {
  char db[300];
  char *out =
      mmsim_logged("run", "scenarios/fault-invalidate.scn", db, sizeof db);
  const char *rep = strstr(out, "race report: page-mapped-on-remove on "
                                "2.6.20, execution 1 (all 31 events)\n");
  cr_assert(rep, "%s", out);
  cr_assert(strstr(rep, "\n  cpu0          "), "%s", rep);
  /* a row of cpu0 (left) and one of cpu1 (right), wrapped, indented */
  cr_assert(strstr(rep, "\n  #25 do_no_page: pte_none? set_pte_at; "
                        "page_add_file_rmap  |\n"
                        "    pte(p1,0x10000) [pte none, page#0 mapcount 0 -> "
                        "pte ->  |\n"
                        "    page#0 mapcount 1]"),
            "%s", rep);
  cr_assert(strstr(rep,
                   "| #30 invalidate_complete_page2: write_lock(tree_lock);"
                   "\n"),
            "%s", rep);
  cr_assert(strstr(rep, "\n  *** PAGE-MAPPED-ON-REMOVE ***\n"
                        "  BUG_ON(page_mapped(page)) in "
                        "__remove_from_page_cache: page#0 (data index 0) "
                        "still mapped by 1 pte(s)\n"
                        "  locks held at #30:\n"
                        "    cpu1: data.i_mutex (since #0), page#0.PG_locked "
                        "(since #13)\n"),
            "%s", rep);
  /* never cut: no ellipsis, and no line wider than the report (the
     replay commands after it are as long as their schedules) */
  cr_assert_null(strstr(rep, "..."), "%s", rep);
  const char *end = strstr(rep, "\nreplay:");
  cr_assert(end, "%s", rep);
  for (const char *p = rep; p < end;) {
    const char *nl = strchr(p, '\n');
    size_t n = nl ? (size_t)(nl - p) : strlen(p);
    cr_assert_leq(n, 120, "%.*s", (int)n, p);
    p += n + (nl != NULL);
  }
  free(out);
}

Test(racereport, deadlock_prints_its_wait_for_chain) {
  char db[300];
  char *out =
      mmsim_logged("run", "scenarios/free-buffers-zap.scn", db, sizeof db);
  cr_assert(strstr(out, "\n  *** DEADLOCK ***\n"), "%s", out);
  cr_assert(strstr(out, "  wait-for chain:\n"
                        "    cpu0 waits in spin_lock(private_lock); "
                        "set_buffer_dirty for data.private_lock held by "
                        "cpu1\n"
                        "    cpu1 waits in spin_lock(i_mmap_lock) for "
                        "data.i_mmap_lock held by cpu0\n"),
            "%s", out);
  free(out);
}

Test(racereport, explore_prints_one_report_per_kind) {
  char db[300];
  char *out =
      mmsim_logged("explore", "scenarios/fault-invalidate.scn", db, sizeof db);
  const char *a = strstr(out, "race report: page-mapped-on-remove on 2.6.20");
  const char *b = strstr(out, "race report: pte-cache-mismatch on 2.6.20");
  cr_assert(a && b, "%s", out);
  cr_assert(strstr(b, "  *** PTE-CACHE-MISMATCH ***\n"), "%s", out);
  /* each kind announced on stderr as soon as found, with a replay */
  cr_assert(strstr(out, "[2.6.20] found page-mapped-on-remove at execution "),
            "%s", out);
  cr_assert(strstr(out, ": mmsim replay scenarios/fault-invalidate.scn "
                        "--variant 2.6.20 --schedule '"),
            "%s", out);
  cr_assert_null(strstr(out, "race report: page-mapped-on-remove on 2.6.23"));
  free(out);
}

/* replay prints the same report as run for the schedule it is given. */
Test(racereport, replay_prints_the_race_report) {
  char *dir = test_tmpdir(), args[900], *out;
  snprintf(args, sizeof args,
           "replay scenarios/fault-invalidate.scn --schedule '1*17.0*12.1*2' "
           "--db %s/r.db --svg %s/r.svg",
           dir, dir);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  const char *rep = strstr(out, "race report: page-mapped-on-remove on "
                                "2.6.20, execution 1 (all 31 events)\n");
  cr_assert(rep, "%s", out);
  cr_assert(strstr(rep, "\n  #25 do_no_page: pte_none? set_pte_at; "
                        "page_add_file_rmap  |\n"),
            "%s", rep);
  cr_assert(strstr(rep, "\n  *** PAGE-MAPPED-ON-REMOVE ***\n"), "%s", rep);
  cr_assert(strstr(rep, "  locks held at #30:\n"
                        "    cpu1: data.i_mutex (since #0), page#0.PG_locked "
                        "(since #13)\n"),
            "%s", rep);
  free(out);
  free(dir);
}

/* Off a terminal (a pipe, as in CI) explore prints a progress line every
   5 s (CAMP_PROGRESS_SECONDS), with the remaining time where the strategy
   knows its size (a sampled one): the first line at once, then one per
   period.  The clock is looked at every 256 executions, up to 2.6 s late
   in an ASan build's ~100 executions/s: the third line comes by 18 s; at
   10 s a period (as it was), 19 s would show two lines at most. */
Test(racereport, explore_progress_off_a_terminal, .timeout = 180) {
  char *out;
  run_mmsim("explore scenarios/fault-invalidate.scn --variants 2.6.20 "
            "--no-log --strategy random:100000000 --max-time 19",
            &out);
  int lines = 0;
  for (const char *p = out; (p = strstr(p, "[2.6.20] executions ")); p++) {
    const char *nl = strchr(p, '\n');
    cr_assert(nl, "%s", out);
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)(nl - p), p);
    cr_assert(strstr(line, " of 100000000, ") && strstr(line, " s left (") &&
                  strstr(line, "/s), cut ") && strstr(line, ", violations "),
              "%s", line);
    cr_assert_null(strchr(line, '\r'), "no terminal, no \\r: %s", line);
    lines++;
  }
  cr_assert_geq(lines, 3, "%s", out);
  free(out);
}

/* A report cut to the causal slice says so and marks the gaps. */
Test(racereport, slice_marks_the_steps_left_out) {
  char db[300], err[256];
  free(mmsim_logged("run", "scenarios/fault-invalidate.scn", db, sizeof db));
  char *text = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  cr_assert_eq(race_report(db, 1, 10, f, err, sizeof err), 0, "%s", err);
  fclose(f);
  cr_assert(strstr(text, "race report: page-mapped-on-remove on 2.6.20, "
                         "execution 1 (causal slice of 10 of 31 events (what "
                         "step #30 depends on))\n"),
            "%s", text);
  cr_assert(strstr(text, "\n  ...     "), "%s", text);
  cr_assert(strstr(text, "\n  *** PAGE-MAPPED-ON-REMOVE ***\n"), "%s", text);
  free(text);
}

Test(racereport, clean_execution_says_so) {
  char db[300];
  char *out =
      mmsim_logged("run", "scenarios/fault-truncate.scn", db, sizeof db);
  cr_assert_null(strstr(out, "race report"), "%s", out);
  free(out);
  char path[320], err[256];
  snprintf(path, sizeof path, "%s", db);
  char *text = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  cr_assert_eq(race_report(path, 1, 0, f, err, sizeof err), 0, "%s", err);
  fclose(f);
  cr_assert_str_eq(text, "race report: execution 1 ended clean\n");
  free(text);
  f = open_memstream(&text, &n);
  cr_assert_eq(race_report(path, 7, 0, f, err, sizeof err), -1);
  fclose(f);
  free(text);
  cr_assert(strstr(err, "no execution 7"), "%s", err);
}

/* An execution explore logged as a row only: render and the report refuse
   it with the replay command, instead of drawing empty lanes. */
Test(racereport, execution_without_events_is_refused_with_its_replay) {
  char db[300], err[512];
  free(mmsim_logged("explore", "scenarios/fault-truncate.scn", db, sizeof db));
  char args[700], *out;
  snprintf(args, sizeof args, "render %s --exec 1 -o %s.svg", db, db);
  cr_assert_eq(run_mmsim(args, &out), 2, "%s", out);
  cr_assert(strstr(out, "execution 1 was logged without its events (explore "
                        "logs a row per execution, and the events of "
                        "--log-all); replay it: mmsim replay "
                        "scenarios/fault-truncate.scn --variant 2.6.20 "
                        "--schedule '"),
            "%s", out);
  free(out);
  FILE *f = fopen("/dev/null", "w");
  cr_assert_eq(race_report(db, 1, 0, f, err, sizeof err), -1);
  fclose(f);
  cr_assert(strstr(err, "was logged without its events"), "%s", err);
}

/* explore --json: the verdicts, counts and counterexamples for scripts. */
Test(racereport, explore_json_for_scripts) {
  char *dir = test_tmpdir(), args[600], path[400], *out;
  snprintf(path, sizeof path, "%s/x.json", dir);
  snprintf(args, sizeof args,
           "explore scenarios/fault-invalidate.scn --no-log --json %s", path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  free(out);
  char *json = slurp(path);
  cr_assert(json);
  sqlite3 *db;
  cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(
      sqlite3_prepare_v2(
          db,
          "SELECT json_valid(?1), json_extract(?1, '$.all_met'),"
          " json_extract(?1, '$.variants[0].variant'),"
          " json_extract(?1, '$.variants[0].met'),"
          " json_extract(?1, '$.variants[0].kinds[0].kind'),"
          " substr(json_extract(?1, '$.variants[0].kinds[0].replay'), 1, 60),"
          " json_extract(?1, '$.variants[1].verdict'),"
          " json_array_length(?1, '$.variants'),"
          " json_extract(?1, '$.variants[0].kinds[0].symbolic'),"
          " json_extract(?1, '$.variants[0].kinds[0].symbolic_replay')",
          -1, &st, NULL),
      SQLITE_OK);
  sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 1);
  cr_assert_eq(sqlite3_column_int(st, 1), 1);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 2), "2.6.20");
  cr_assert_eq(sqlite3_column_int(st, 3), 1);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 4),
                   "page-mapped-on-remove");
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 5),
                   "mmsim replay scenarios/fault-invalidate.scn --variant "
                   "2.6.20");
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 6),
                   "clean in every execution (349 states)");
  cr_assert_eq(sqlite3_column_int(st, 7), 2);
  /* the counterexample's symbolic schedule beside its numeric one, and
     the replay command that takes it */
  const char *sym = (const char *)sqlite3_column_text(st, 8);
  const char *symrp = (const char *)sqlite3_column_text(st, 9);
  cr_assert(sym && !strncmp(sym, "cpu1 until ", 11), "%s", sym ? sym : "NULL");
  cr_assert(symrp);
  char want[400];
  snprintf(want, sizeof want,
           "mmsim replay scenarios/fault-invalidate.scn --variant 2.6.20 "
           "--schedule '%s'",
           sym);
  cr_assert_str_eq(symrp, want);
  sqlite3_finalize(st);
  sqlite3_close(db);
  free(json);
  free(dir);
}
