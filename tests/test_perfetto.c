/*
** test_perfetto.c - the Chrome trace-event export (reports/perfetto.h)
** of the bundled R1 counterexample, checked with SQLite's JSON functions
** against the format's required fields: every event has a phase and a
** process; a complete slice ("X") has a thread, a name, ts and dur; async
** slices ("b"/"e") and flows ("s"/"f") come in pairs by id; the violation
** is one global instant; every thread is named; a blocked interval (the
** 2.6.23 fault waiting for the page lock) is an async slice of its own.
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "reports/perfetto.h"

static char *json;
static sqlite3 *db;

/* The first column of 'sql' over the trace (?1 is the JSON text). */
static long long q(const char *sql) {
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s: %s",
               sql, sqlite3_errmsg(db));
  sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW, "%s", sql);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

#define EV "json_each(?1, '$.traceEvents')"
#define F(k) "json_extract(value, '$." k "')"

Test(perfetto, bundled_counterexample_is_a_valid_trace) {
  char *dir = test_tmpdir(), args[1200], *out, path[400], logp[400];
  snprintf(logp, sizeof logp, "%s/r.db", dir);
  snprintf(args, sizeof args,
           "run scenarios/fault-invalidate.scn --db %s --svg %s/r.svg", logp,
           dir);
  run_mmsim(args, &out);
  free(out);
  snprintf(path, sizeof path, "%s/r.json", dir);
  snprintf(args, sizeof args, "render %s -o %s", logp, path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  cr_assert(strstr(out, "trace: "), "%s", out);
  free(out);
  json = slurp(path);
  cr_assert(json);
  cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);

  cr_assert_eq(q("SELECT json_valid(?1)"), 1);
  cr_assert_eq(q("SELECT json_extract(?1, '$.displayTimeUnit') = 'ns'"), 1);
  /* every event: a phase and the process */
  cr_assert_eq(q("SELECT count(*) FROM " EV
                 " WHERE " F("ph") " IS NULL OR " F("pid") " IS NOT 1"),
               0);
  /* the steps: 31, each with a thread, a name, ts and dur >= 0 */
  cr_assert_eq(q("SELECT count(*) FROM " EV " WHERE " F("ph") " = 'X'"), 31);
  cr_assert_eq(
      q("SELECT count(*) FROM " EV
        " WHERE " F("ph") " = 'X' AND (" F("tid") " IS NULL OR " F(
            "name") " IS NULL OR " F("ts") " IS NULL OR " F("dur") " < 0)"),
      0);
  cr_assert_eq(q("SELECT count(*) FROM " EV " WHERE " F("ph") " = 'X' AND " F(
                   "name") " = 'do_no_page: pte_none? set_pte_at; "
                           "page_add_file_rmap' AND " F(
                               "args.after") " = 'pte -> page#0 mapcount 1'"),
               1);
  /* async lock holds and flows pair up by id */
  cr_assert_gt(q("SELECT count(*) FROM " EV " WHERE " F("ph") " = 'b'"), 0);
  cr_assert_eq(
      q("SELECT count(*) FROM (SELECT " F("id") " AS k, sum(" F(
          "ph") " = 'b') AS b, sum(" F("ph") " = 'e') AS e FROM " EV
                                             " WHERE " F(
                                                 "ph") " IN ('b', 'e') GROUP "
                                                       "BY k) WHERE b != 1 "
                                                       "OR e != 1"),
      0);
  cr_assert_gt(q("SELECT count(*) FROM " EV " WHERE " F("ph") " = 's'"), 0);
  cr_assert_eq(
      q("SELECT count(*) FROM (SELECT " F("id") " AS k, sum(" F(
          "ph") " = 's') AS s, sum(" F("ph") " = 'f') AS f FROM " EV
                                             " WHERE " F(
                                                 "ph") " IN ('s', 'f') GROUP "
                                                       "BY k) WHERE s != 1 "
                                                       "OR f != 1"),
      0);
  /* every flow kind maps to a category: the two from-read race edges */
  cr_assert_eq(q("SELECT count(*) FROM " EV
                 " WHERE " F("ph") " = 's' AND " F("cat") " = 'from-read'"),
               2);
  cr_assert_eq(q("SELECT count(*) FROM " EV " WHERE " F("ph") " = 's' AND " F(
                   "cat") " NOT IN ('lock', 'reads-from', 'wakeup', "
                          "'from-read')"),
               0);
  /* the violation: one global instant, at step 30 */
  cr_assert_eq(q("SELECT count(*) FROM " EV " WHERE " F("ph") " = 'i' AND " F(
                   "s") " = 'g' AND " F("name") " = 'page-mapped-on-remove' "
                                                "AND " F("args.seq") " = 30"),
               1);
  /* the lanes named */
  cr_assert_eq(q("SELECT count(*) FROM " EV
                 " WHERE " F("name") " = 'thread_name' AND " F(
                     "args.name") " IN ('cpu0', 'cpu1')"),
               2);
  sqlite3_close(db);
  free(json);
  free(dir);
}

/* A blocked interval is an async slice on the waiter's track: the 2.6.23
   fault waits for the page lock the invalidation took at step 10. */
Test(perfetto, blocked_interval_is_an_async_slice) {
  char *dir = test_tmpdir(), args[1200], *out, path[400], logp[400];
  snprintf(logp, sizeof logp, "%s/b.db", dir);
  snprintf(args, sizeof args,
           "replay scenarios/fault-invalidate.scn --variant 2.6.23 "
           "--schedule 'cpu1 until page_mapped; cpu0 until set_pte_at; cpu1' "
           "--db %s --svg %s/b.svg",
           logp, dir);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  free(out);
  snprintf(path, sizeof path, "%s/b.json", dir);
  snprintf(args, sizeof args, "render %s -o %s", logp, path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  free(out);
  json = slurp(path);
  cr_assert(json);
  cr_assert_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
  cr_assert_eq(q("SELECT json_valid(?1)"), 1);
  cr_assert_eq(q("SELECT count(*) FROM " EV " WHERE " F("cat") " = 'blocked'"),
               2);
  cr_assert_eq(
      q("SELECT count(*) FROM " EV " WHERE " F("cat") " = 'blocked' AND " F("p"
                                                                            "h") " = 'b' AND " F(
          "tid") " = 0 AND " F("name") " = 'blocked on page#0.PG_locked' "
                                       "AND " F("args.holder tid") " = 1 "
                                                                   "AND " F("ar"
                                                                            "gs"
                                                                            ".h"
                                                                            "el"
                                                                            "d "
                                                                            "si"
                                                                            "nc"
                                                                            "e") " = 10"),
      1);
  /* it ends after it begins, and its id is no lock hold's */
  cr_assert_eq(q("SELECT count(*) FROM " EV " b, " EV " e WHERE json_extract("
                 "b.value, '$.cat') = 'blocked' AND json_extract(b.value, "
                 "'$.ph') = 'b' AND json_extract(e.value, '$.ph') = 'e' AND "
                 "json_extract(e.value, '$.id') = json_extract(b.value, "
                 "'$.id') AND json_extract(e.value, '$.cat') = 'blocked' AND "
                 "json_extract(e.value, '$.ts') > json_extract(b.value, "
                 "'$.ts')"),
               1);
  cr_assert_eq(
      q("SELECT count(*) FROM " EV
        " WHERE " F("ph") " = 'b' AND " F("id") " = (SELECT " F(
            "id") " FROM " EV
                  " WHERE " F("cat") " = 'blocked' AND " F("ph") " = 'b')"),
      1);
  sqlite3_close(db);
  free(json);
  free(dir);
}

Test(perfetto, unwritable_output_is_an_error) {
  char err[256];
  cr_assert_eq(
      perfetto_export("/nonexistent/x.db", 0, "/tmp/x.json", err, sizeof err),
      -1);
  cr_assert(err[0]);
}
