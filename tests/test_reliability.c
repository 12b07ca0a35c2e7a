/*
** test_reliability.c - what a long exploration owes its user when it is
** stopped: SIGINT, SIGTERM (what `timeout` sends) and SIGHUP print the
** summary so far marked "(interrupted)", close the log cleanly (no -wal
** left, PRAGMA integrity_check ok, every finished execution with all its
** events) and exit 130, with or without --jobs workers; SIGKILL at any
** point leaves a log that passes the same checks (SQLite's WAL).  The
** binary runs as a child process with its output in a file (off a
** terminal, where a lost stdout buffer would print nothing).
*/
#include <criterion/criterion.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

/* Long enough to be running when signalled: 2 minutes of naive search. */
#define LONG_SCN MMSIM_SOURCE_DIR "/scenarios/fault-invalidate-3cpu.scn"

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  while (nanosleep(&ts, &ts))
    ;
}

/* Starts `mmsim explore LONG_SCN --db DB --log-all --strategy naive
   --jobs J` with stdout+stderr to OUT; returns its pid. */
static pid_t start_explore(const char *db, const char *out, int jobs) {
  char j[8];
  snprintf(j, sizeof j, "%d", jobs);
  pid_t p = fork();
  cr_assert_geq(p, 0);
  if (p == 0) {
    FILE *f = freopen(out, "w", stdout);
    if (!f || dup2(fileno(stdout), 2) < 0)
      _exit(99);
    execl(MMSIM_BINARY, "mmsim", "explore", LONG_SCN, "--db", db, "--log-all",
          "--strategy", "naive", "--jobs", j, (char *)NULL);
    _exit(98);
  }
  return p;
}

/* Waits for pid; its exit status, or 1000 + signal when killed. */
static int wait_status(pid_t p) {
  int st;
  cr_assert_eq(waitpid(p, &st, 0), p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static long long query1(sqlite3 *db, const char *sql) {
  sqlite3_stmt *s;
  cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s: %s",
               sql, sqlite3_errmsg(db));
  cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s", sql);
  long long v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  return v;
}

/* The log passes integrity_check and every execution that finished (any
   outcome but 'incomplete'; pruned ones have no events) has one event a
   step, numbered 0..steps-1.  Returns the number of finished ones. */
static long long check_log(const char *path) {
  sqlite3 *db;
  cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
               SQLITE_OK);
  sqlite3_stmt *s;
  cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL),
               0);
  cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
  cr_assert_str_eq((const char *)sqlite3_column_text(s, 0), "ok");
  sqlite3_finalize(s);
  long long bad = query1(
      db, "SELECT count(*) FROM execution e WHERE outcome NOT IN "
          "('incomplete','pruned') AND (steps IS NULL OR steps != (SELECT "
          "count(*) FROM event WHERE exec_id = e.id) OR steps - 1 != (SELECT "
          "max(seq) FROM event WHERE exec_id = e.id))");
  cr_assert_eq(bad, 0, "%lld finished executions without all their events",
               bad);
  long long n = query1(db, "SELECT count(*) FROM execution WHERE outcome NOT "
                           "IN ('incomplete','pruned')");
  sqlite3_close(db);
  return n;
}

static void interrupted_by(int sig, int jobs) {
  char *dir = test_tmpdir(), db[512], out[512], wal[520];
  snprintf(db, sizeof db, "%s/x.db", dir);
  snprintf(out, sizeof out, "%s/out.txt", dir);
  snprintf(wal, sizeof wal, "%s-wal", db);
  pid_t p = start_explore(db, out, jobs);
  sleep_ms(1500);
  cr_assert_eq(kill(p, sig), 0);
  int rc = wait_status(p);
  char *o = slurp(out);
  cr_assert_eq(rc, 130, "signal %d, jobs %d: exit %d\n%s", sig, jobs, rc, o);
  cr_assert(strstr(o, "variant  executions"), "%s", o);
  cr_assert(strstr(o, "(interrupted)\n"), "%s", o);
  cr_assert(strstr(o, "database: "), "%s", o);
  struct stat sb;
  cr_assert_neq(stat(wal, &sb), 0, "%s left behind", wal);
  cr_assert_gt(check_log(db), 0);
  free(o);
  free(dir);
}

Test(interrupt, sigint_prints_the_summary_and_exits_130) {
  interrupted_by(SIGINT, 1);
}
Test(interrupt, sigterm_prints_the_summary_and_exits_130) {
  interrupted_by(SIGTERM, 1);
}
Test(interrupt, sighup_prints_the_summary_and_exits_130) {
  interrupted_by(SIGHUP, 1);
}
/* Sent to the parent alone (kill PID, not the process group): the
   workers stop too and send what they explored. */
Test(interrupt, sigterm_to_the_parent_of_workers) {
  interrupted_by(SIGTERM, 2);
}

/* SIGKILL cannot be caught: at three points of a logged exploration, the
   log must still be sound and its finished executions complete. */
Test(crash, sigkill_leaves_a_sound_log) {
  static const long at_ms[] = {300, 700, 1300};
  for (int i = 0; i < 3; i++) {
    char *dir = test_tmpdir(), db[512], out[512];
    snprintf(db, sizeof db, "%s/k.db", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    pid_t p = start_explore(db, out, 1);
    sleep_ms(at_ms[i]);
    cr_assert_eq(kill(p, SIGKILL), 0);
    cr_assert_eq(wait_status(p), 1000 + SIGKILL);
    check_log(db);
    free(dir);
  }
}
