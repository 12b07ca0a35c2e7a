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
#include <glob.h>
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
  struct stat sb;
  if (stat(path, &sb) != 0)
    return -1; /* killed before it opened the log: nothing to lose */
  cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
               SQLITE_OK);
  if (query1(db, "SELECT count(*) FROM sqlite_schema") == 0) {
    sqlite3_close(db); /* killed before the schema's COMMIT: an empty file */
    return -1;
  }
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
  int logged = 0; /* kills after the log had its schema */
  for (int i = 0; i < 3; i++) {
    char *dir = test_tmpdir(), db[512], out[512];
    snprintf(db, sizeof db, "%s/k.db", dir);
    snprintf(out, sizeof out, "%s/out.txt", dir);
    pid_t p = start_explore(db, out, 1);
    sleep_ms(at_ms[i]);
    cr_assert_eq(kill(p, SIGKILL), 0);
    cr_assert_eq(wait_status(p), 1000 + SIGKILL);
    logged += check_log(db) >= 0;
    free(dir);
  }
  /* under ASan on a loaded machine the first kill may come before the
     schema exists; the last one, 1.3 s in, never did */
  cr_assert_gt(logged, 0, "no kill came after the log was created");
}

/* ------------------------------------------------------------ hostile input */

/*
** Every subcommand against hostile input: bad paths, directories, FIFOs,
** empty and garbage files, corrupt and foreign databases, huge, negative
** and malformed numbers, out-of-range ids, conflicting options, schedules
** that would expand to gigabytes.  Each case runs under a 20 s timeout
** (a FIFO must not block, /dev/zero must not grow a line without end);
** @D is the fixture directory, @S a bundled scenario, @L a good log.
*/
struct hostile {
  const char *args;
  int status;
  const char *msg; /* a substring of the output */
};

static const struct hostile hostile_cases[] = {
    /* scenario paths */
    {"run @D/nosuch.scn", 2, "cannot open @D/nosuch.scn: No such file"},
    {"run @D", 2, "cannot read @D: is a directory"},
    {"run @D/fifo", 2, "cannot read @D/fifo: not a regular file"},
    {"run /dev/zero", 2, "cannot read /dev/zero: not a regular file"},
    {"run @D/empty", 2, "@D/empty:1:1: error: missing 'scenario' statement"},
    {"run @D/garbage.db", 2, "@D/garbage.db:1:1: error: unknown statement"},
    {"check @D/fifo @D", 2, "cannot read @D/fifo: not a regular file"},
    {"explore @D/fifo --no-log", 2, "not a regular file"},
    {"replay @D/fifo --schedule 0", 2, "not a regular file"},
    /* numbers */
    {"run @S --no-log --seed -1", 2, "--seed expects a number"},
    {"run @S --no-log --seed 1x", 2, "--seed expects a number"},
    {"run @S --no-log --seed 99999999999999999999999", 2,
     "--seed expects a number"},
    {"run @S --no-log --max-steps ''", 2, "--max-steps expects a number"},
    {"explore @S --no-log --max-execs -1", 2, "--max-execs expects a number"},
    {"explore @S --no-log --max-execs 1e3", 2, "--max-execs expects a number"},
    {"explore @S --no-log --jobs 0", 2, "--jobs expects 1..64"},
    {"explore @S --no-log --jobs 65", 2, "--jobs expects 1..64"},
    {"explore @S --no-log --max-time -3", 2, "--max-time expects seconds"},
    {"explore @S --no-log --max-time nan", 2, "--max-time expects seconds"},
    {"explore @S --no-log --max-time inf", 2, "--max-time expects seconds"},
    {"explore @S --no-log --loop-bound 1001", 2, "--loop-bound expects"},
    {"explore @S --no-log --strategy random:-1", 2, "bad count in 'random:-1'"},
    {"explore @S --no-log --strategy random:+5", 2, "bad count"},
    {"explore @S --no-log --strategy random:99999999999999999999999", 2,
     "bad count"},
    {"explore @S --no-log --strategy pct:5,-1", 2, "bad parameters"},
    {"explore @S --no-log --strategy bounded:-0", 2, "bad bound"},
    {"explore @S --no-log --strategy bounded:99999999999999", 2, "bad bound"},
    {"bench --steps -1", 2, "--steps expects a number >= 2"},
    {"bench --steps 99999999999999999999", 2, "--steps expects a number"},
    {"bench --execs 0", 2, "--execs expects a number >= 1"},
    {"bench --cap x", 2, "--cap expects a number >= 1"},
    {"bench --parts nosuch", 2, "--parts expects a list"},
    {"render @L -o @D/x.svg --exec -1", 2, "--exec expects an execution id"},
    {"render @L -o @D/x.svg --exec 99999999999999999999", 2,
     "--exec expects an execution id"},
    {"render @L -o @D/x.svg --exec 99", 2, "no execution 99"},
    {"render @L -o @D/x.svg --slice -5", 2, "--slice expects a number"},
    {"render @L -o @D/x.svg --slice 3000000000", 2, "--slice expects"},
    /* schedules */
    {"run @S --no-log --schedule 0*0", 2, "step count must be 1..100000000"},
    {"run @S --no-log --schedule "
     "0*100000000.1*100000000.0*100000000.1*100000000.0*100000000",
     2, "<schedule>:1:1: error: schedule longer than 1000000 steps"},
    {"run @S --no-log --schedule 0*600000.1*600000", 2,
     "<schedule>:1:10: error: schedule longer than 1000000 steps"},
    /* symbolic schedules: the same caps (sim/symsched.h) */
    {"run @S --no-log --schedule 'cpu0 until x#100000001'", 2,
     "<schedule>:1:14: error: occurrence must be 1..100000000"},
    {"run @S --no-log --schedule 'cpu0 until x#99999999999999999999999'", 2,
     "<schedule>:1:14: error: occurrence must be 1..100000000"},
    {"run @S --no-log --schedule 'cpu0; nosuch'", 2,
     "<schedule>:1:7: error: unknown thread 'nosuch'"},
    {"replay @S --no-log --schedule-file /dev/zero", 2,
     "/dev/zero: first line longer than"},
    {"replay @S --no-log --schedule-file @D/empty", 2, "empty schedule file"},
    {"replay @S --no-log --schedule-file @D/nosuch", 2, "cannot open"},
    {"replay @S --no-log", 2, "a schedule is required"},
    /* databases */
    {"run @S --db @D/garbage.db", 2, "not an SQLite database"},
    {"run @S --db @D/foreign.db", 2, "@D/foreign.db: not an mmsim event log"},
    {"run @S --db @D/no/such/dir/x.db", 2, "cannot open"},
    {"run @S --db @D", 2, "cannot open"},
    {"explore @S --db @D/garbage.db", 2, "not an SQLite database"},
    {"render @D/nosuch.db -o @D/x.svg", 2, "@D/nosuch.db: no such file"},
    {"render @D/garbage.db -o @D/x.svg", 2, "not an SQLite database"},
    {"render @D/foreign.db -o @D/x.svg", 2, "not an mmsim event log"},
    {"render @D/fifo -o @D/x.svg", 2, "@D/fifo: not a regular file"},
    {"render @D -o @D/x.svg", 2, "is a directory"},
    {"render @L -o @D/x.txt", 2, "unknown output format"},
    {"render @L -o @D/no/such/dir/x.svg", 2, "cannot write"},
    /* conflicting and missing options */
    {"run @S --no-log --db @D/x.db", 2, "--db and --no-log conflict"},
    {"explore @S --no-log --db @D/x.db", 2, "--no-log conflicts with --db"},
    {"explore @S --no-log --log-all", 2, "--no-log conflicts with --log-all"},
    {"explore @S @S --no-log", 2, "unexpected argument"},
    {"explore @S --no-log --variants 2.6.20,2.6.20", 2, "names 2.6.20 twice"},
    {"explore @S --no-log --variants 9.9", 2, "unknown kernel variant '9.9'"},
    {"render @L", 2, "expected DB and -o"},
    {"check", 2, "expected one or more scenario files"},
    {"nosuch", 2, "unknown command"},
};

/* s with @D, @S and @L replaced (malloc'd). */
static char *expand(const char *s, const char *dir) {
  size_t cap = strlen(s) * 4 + 1024, n = 0;
  char *o = malloc(cap);
  for (; *s; s++) {
    const char *r = NULL;
    if (s[0] == '@' && s[1] == 'D')
      r = dir;
    else if (s[0] == '@' && s[1] == 'S')
      r = MMSIM_SOURCE_DIR "/scenarios/fault-truncate.scn";
    else if (s[0] == '@' && s[1] == 'L')
      r = "@D/good.db";
    if (r) {
      char *e = r[0] == '@' ? expand(r, dir) : strdup(r);
      n += (size_t)snprintf(o + n, cap - n, "%s", e);
      free(e);
      s++;
    } else {
      o[n++] = *s;
    }
  }
  o[n] = 0;
  return o;
}

/* run_mmsim() under timeout(1): 124 if the command hangs 20 s. */
static int run_timed(const char *args, char **out) {
  size_t n = strlen(args) + 1024;
  char *cmd = malloc(n);
  snprintf(cmd, n, "cd '%s' && timeout 20 '%s' %s 2>&1", MMSIM_SOURCE_DIR,
           MMSIM_BINARY, args);
  FILE *p = popen(cmd, "r");
  free(cmd);
  cr_assert_not_null(p);
  size_t cap = 4096, len = 0, k;
  char *buf = malloc(cap);
  while ((k = fread(buf + len, 1, cap - len - 1, p)) > 0)
    if ((len += k) + 2 > cap)
      buf = realloc(buf, cap *= 2);
  buf[len] = 0;
  int st = pclose(p);
  *out = buf;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(hostile, every_subcommand_rejects_bad_input_with_exit_2, .timeout = 300) {
  char *dir = test_tmpdir(), cmd[2048], *out;
  snprintf(cmd, sizeof cmd,
           "cd '%s' && : > empty && echo garbage > garbage.db && mkfifo fifo "
           "&& sqlite3 foreign.db 'CREATE TABLE t(x)' 2>/dev/null || "
           "printf 'SQLite format 3' > foreign.db",
           dir);
  cr_assert_eq(system(cmd), 0);
  snprintf(cmd, sizeof cmd,
           "run scenarios/fault-truncate.scn --quiet --db %s/good.db", dir);
  cr_assert_eq(run_mmsim(cmd, &out), 0, "%s", out);
  free(out);
  int n = (int)(sizeof hostile_cases / sizeof *hostile_cases), bad = 0;
  for (int i = 0; i < n; i++) {
    const struct hostile *h = &hostile_cases[i];
    char *args = expand(h->args, dir), *msg = expand(h->msg, dir);
    /* a case that hangs is killed: exit 124 */
    int rc = run_timed(args, &out);
    if (rc != h->status || !strstr(out, msg)) {
      cr_log_error("case %d: mmsim %s: exit %d (want %d), want '%s' in:\n%s", i,
                   args, rc, h->status, msg, out);
      bad++;
    }
    free(out);
    free(args);
    free(msg);
  }
  cr_assert_eq(bad, 0, "%d of %d hostile cases failed", bad, n);
  printf("hostile input: %d cases, each with its exit status and message\n", n);
  free(dir);
}

/* A log in a directory the reader may not write: closed cleanly, it is
   read (immutable); with a -wal file left, the error says what failed
   (it used to be "attempt to write a readonly database").  As root, the
   reader runs as nobody (setpriv), since root writes anywhere. */
Test(hostile, a_log_in_a_read_only_directory) {
  char *dir = test_tmpdir(), cmd[2048], *out;
  const char *as = "";
  if (geteuid() == 0) {
    if (system("command -v setpriv >/dev/null"))
      cr_skip_test("root without setpriv: cannot drop the right to write");
    as = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  }
  snprintf(cmd, sizeof cmd,
           "run scenarios/fault-truncate.scn --quiet --db %s/ro/r.db", dir);
  snprintf(cmd + 1024, 1024, "mkdir %s/ro", dir);
  cr_assert_eq(system(cmd + 1024), 0);
  cr_assert_eq(run_mmsim(cmd, &out), 0, "%s", out);
  free(out);
  snprintf(cmd, sizeof cmd, "chmod 555 %s/ro && chmod 755 %s", dir, dir);
  cr_assert_eq(system(cmd), 0);
  snprintf(cmd, sizeof cmd,
           "cd %s && %s'%s' render ro/r.db -o /tmp/mmsim-ro-%d.svg 2>&1", dir,
           as, MMSIM_BINARY, (int)getpid());
  FILE *p = popen(cmd, "r");
  char buf[1024] = "";
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  buf[n] = 0;
  int st = pclose(p);
  cr_assert_eq(WEXITSTATUS(st), 0, "%s", buf);
  cr_assert(strstr(buf, "timeline: "), "%s", buf);
  snprintf(cmd, sizeof cmd,
           "chmod 755 %s/ro && touch %s/ro/r.db-wal && "
           "chmod 555 %s/ro",
           dir, dir, dir);
  cr_assert_eq(system(cmd), 0);
  snprintf(cmd, sizeof cmd,
           "cd %s && %s'%s' render ro/r.db -o /tmp/mmsim-ro-%d.svg 2>&1", dir,
           as, MMSIM_BINARY, (int)getpid());
  p = popen(cmd, "r");
  n = fread(buf, 1, sizeof buf - 1, p);
  buf[n] = 0;
  st = pclose(p);
  cr_assert_eq(WEXITSTATUS(st), 2, "%s", buf);
  cr_assert(strstr(buf, "ro/r.db: cannot read a WAL log whose directory is "
                        "not writable"),
            "%s", buf);
  snprintf(cmd, sizeof cmd, "chmod 755 %s/ro; rm -f /tmp/mmsim-ro-%d.svg", dir,
           (int)getpid());
  system(cmd);
  free(dir);
}

/* Determinism across processes: every bundled scenario under two random
   seeds, each run twice in two processes, prints the same bytes (the
   schedule, the outcome, the trace hash). */
Test(determinism, every_scenario_and_seed_in_two_processes, .timeout = 300) {
  glob_t g;
  cr_assert_eq(glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
  cr_assert_eq(
      glob(MMSIM_SOURCE_DIR "/scenarios/litmus/*.scn", GLOB_APPEND, NULL, &g),
      0);
  int pairs = 0;
  for (size_t i = 0; i < g.gl_pathc; i++)
    for (int seed = 1; seed <= 2; seed++) {
      char args[1024], *a, *b;
      snprintf(args, sizeof args, "run '%s' --no-log --policy random --seed %d",
               g.gl_pathv[i], seed);
      int ra = run_mmsim(args, &a), rb = run_mmsim(args, &b);
      cr_assert(ra == 0 || ra == 1, "%s: exit %d\n%s", args, ra, a);
      cr_assert_eq(ra, rb, "%s", args);
      cr_assert_str_eq(a, b, "%s: two processes differ", args);
      cr_assert(strstr(a, "schedule:"), "%s", a);
      free(a);
      free(b);
      pairs++;
    }
  globfree(&g);
  printf("determinism: %d cross-process pairs, all equal\n", pairs);
}

/* A log edited by hand is untrusted input: render (SVG and JSON) either
   draws it or refuses it with exit 2, never crashes or hangs, whatever a
   row says (thread ids and CPUs out of range, negative or huge sequence
   numbers, depths and durations, dangling flows, a violation at a step
   that does not exist, lost threads and strings). */
/* An edit of every event of the log (schema 6 packs events 64 to a row of
   event_batch, each an array [seq, ts, dur, cpu, tid, depth, fn, op, obj,
   before, after, footprint]): 'v' is the new array, from the old one,
   j.value. */
#define EV_EDIT(v)                                                             \
  "UPDATE event_batch SET events = (SELECT json_group_array(json(" v "))"      \
  " FROM json_each(events) j)"
#define EV_SET(path, value)                                                    \
  EV_EDIT("json_replace(j.value, '" path "', " value ")")
/* Every flow (an event's element 12) rebuilt as json_array(v). */
#define FLOW_SET(v)                                                            \
  EV_SET("$[12]", "(SELECT json_group_array(json_array(" v "))"                \
                  " FROM json_each(j.value, '$[12]') f)")

Test(hostile, a_hand_edited_log_never_crashes_render, .timeout = 300) {
  static const char *const edits[] = {
      EV_EDIT("CASE WHEN j.value ->> 0 = 1 THEN json_replace(j.value, '$[4]',"
              " 99) ELSE j.value END"), /* tid 99 at seq 1 */
      EV_SET("$[4]", "-7"),             /* tid */
      EV_SET("$[4]", "2147483647"),
      EV_SET("$[3]", "99"), /* cpu */
      EV_SET("$[5]", "-3"), /* depth */
      EV_SET("$[5]", "100000000"),
      EV_SET("$[0]", "(j.value ->> 0) * 1000"), /* seq */
      EV_SET("$[0]", "-(j.value ->> 0)"),
      EV_SET("$[1]", "-100, '$[2]', -5"), /* ts, dur */
      EV_SET("$[2]", "9223372036854775807"),
      EV_SET("$[6]", "99999, '$[7]', json('null'), '$[8]', -1"), /* strings */
      EV_SET("$[1]", "'soon'"), /* text where a number was */
      /* every access's object -1, a footprint that is not an array, an
         access kind this version does not know */
      EV_SET("$[11]", "(SELECT json_group_array(json_array(-1, f.value ->> 1))"
                      " FROM json_each(j.value, '$[11]') f)"),
      EV_SET("$[11]", "'zz'"),
      EV_SET("$[11]", "json('[[1,\"Q\"],[2]]')"),
      EV_EDIT("json('[1]')"), /* events of one field */
      "UPDATE event_batch SET events = 'not json'",
      /* the flows into each event: a source after it, a negative one, an
         unknown object, an unknown kind, not an array */
      FLOW_SET("9999, f.value ->> 1, f.value ->> 2"),
      FLOW_SET("-1, f.value ->> 1, f.value ->> 2"),
      FLOW_SET("f.value ->> 0, f.value ->> 1, 99999"),
      FLOW_SET("f.value ->> 0, 'zz', f.value ->> 2"),
      EV_SET("$[12]", "'zz'"),
      "UPDATE violation SET seq = 99999",
      "UPDATE violation SET seq = -1",
      "UPDATE violation SET kind = 'lock-order'",
      "UPDATE violation SET objects = 'zz,,'",
      "UPDATE execution SET steps = -1",
      "UPDATE execution SET steps = 1000000000",
      "DELETE FROM thread",
      "UPDATE thread SET tid = tid + 100",
      "DELETE FROM string",
      "UPDATE string SET str = '' WHERE id = (SELECT min(id) FROM string)",
      "UPDATE run SET variant = NULL, scenario_path = NULL, title = NULL",
      "DELETE FROM event_batch",
  };
  char *dir = test_tmpdir(), args[1024], *out;
  snprintf(args, sizeof args,
           "run scenarios/fault-punch.scn --quiet --db %s/good.db", dir);
  int rc = run_mmsim(args, &out);
  cr_assert(rc == 0 || rc == 1, "%s", out);
  free(out);
  int n = (int)(sizeof edits / sizeof *edits), drawn = 0;
  for (int i = 0; i < n; i++) {
    char db[600], cmd[1400];
    snprintf(db, sizeof db, "%s/e%d.db", dir, i);
    snprintf(cmd, sizeof cmd, "cp %s/good.db %s", dir, db);
    cr_assert_eq(system(cmd), 0);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    char *err = NULL;
    /* every edit changes the log: none is refused (a view cannot be
       edited: the test would check nothing) */
    int erc = sqlite3_exec(h, edits[i], NULL, NULL, &err);
    cr_assert_eq(erc, SQLITE_OK, "%s: %s", edits[i], err ? err : "");
    cr_assert_gt(sqlite3_changes(h), 0, "%s", edits[i]);
    sqlite3_free(err);
    sqlite3_close(h);
    for (int j = 0; j < 2; j++) {
      snprintf(args, sizeof args, "render %s -o %s/e%d.%s", db, dir, i,
               j ? "json" : "svg");
      rc = run_timed(args, &out);
      cr_assert(rc == 0 || rc == 2, "%s: %s: exit %d\n%s", edits[i], args, rc,
                out);
      drawn += rc == 0;
      free(out);
    }
  }
  printf("hand-edited logs: %d edits, %d of %d renders drawn, the others "
         "refused with exit 2\n",
         n, drawn, 2 * n);
  free(dir);
}

/* A scenario whose execution grants no step (one delay): every strategy
   explores it and exits 0.  Under UBSan the stateful search passed a NULL
   summary to memset/memcpy (no event, no summary width). */
Test(hostile, a_scenario_granting_no_step_explores_under_every_strategy) {
  static const char *const strategies[] = {
      "stateful",       "dpor",      "naive",   "optimal",
      "stateful-naive", "bounded:1", "pct:3,2", "random:3"};
  char *dir = test_tmpdir(), path[512], args[1024], *out;
  snprintf(path, sizeof path, "%s/delay.scn", dir);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs("scenario \"delay only\"\nkernel 2.6.20\ncpus 1\n"
        "file data size=4096\ncpu0: delay 1000\nexpect clean\n",
        f);
  fclose(f);
  for (size_t i = 0; i < sizeof strategies / sizeof *strategies; i++) {
    snprintf(args, sizeof args, "explore %s --no-log --quiet --strategy %s",
             path, strategies[i]);
    int rc = run_mmsim(args, &out);
    cr_assert_eq(rc, 0, "%s: exit %d\n%s", args, rc, out);
    cr_assert_null(strstr(out, "runtime error"), "%s", out);
    free(out);
  }
  free(dir);
}

/* A run that grants no step prints no replay command ('--schedule ''' is
   refused by replay), but says why. */
Test(hostile, a_run_granting_no_step_prints_no_replay_command) {
  char *dir = test_tmpdir(), path[512], args[1024], *out;
  snprintf(path, sizeof path, "%s/delay.scn", dir);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs("scenario \"delay only\"\nkernel 2.6.20\ncpus 1\n"
        "cpu0: delay 1000\nexpect clean\n",
        f);
  fclose(f);
  snprintf(args, sizeof args, "run %s --no-log", path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  cr_assert(strstr(out, "\nreplay:   none (no step ran)\n"), "%s", out);
  cr_assert_null(strstr(out, "--schedule ''"), "%s", out);
  free(out);
  free(dir);
}
