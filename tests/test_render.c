/*
** test_render.c - the Graphviz timeline (reports/render.c, timeline.c,
** slice.c), drawn from logs that the real engine wrote while running the
** toy model (tests/toy_model.h).
**
** The renderer's output is checked where it is stable and meaningful: the
** events of the causal slice (through the timeline model, timeline.h), the
** lane names, the highlighted violating node (SVG id "ev<seq>", class
** "violation"), the number of event nodes in the .dot output, the slice
** note in the title, byte-identical output for the same database, and the
** exact error messages.
*/
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <inttypes.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "helpers.h"
#include "reports/render.h"
#include "reports/timeline.h"
#include "toy_model.h"

/* --------------------------------------------------------------- models */

/* A lost update, with start delays so that no tie (and no seed) decides:
     seq 0  cpu0 spin_lock ptl        ts 0
     seq 1  cpu2 load page#0 (0)      ts 3    reclaim does not take ptl
     seq 2  cpu0 load page#0 (0)      ts 10
     seq 3  cpu2 store page#0 0->100  ts 13
     seq 4  cpu0 store page#0 100->1  ts 20   cpu2's update is lost
     seq 5  cpu0 spin_unlock ptl      ts 30
     seq 6  cpu1 spin_lock ptl        ts 40   lock flow 5 -> 6
     seq 7  cpu1 load page#0 (1)      ts 50   reads-from 4 -> 7
     seq 8  cpu1 store page#0 1->11   ts 60   the check fires: page#0 == 11 */
static const toy_ins truncate_prog[] = {
    {TOY_ENTER, .what = "truncate_inode_pages"},
    {TOY_LOCK, 0},
    {TOY_LOAD, 0},
    {TOY_STORE, 0, 1},
    {TOY_UNLOCK, 0},
    {TOY_LEAVE},
    {TOY_END},
};
static const toy_ins fault_prog[] = {
    {TOY_DELAY, 5},     {TOY_ENTER, .what = "do_no_page"},
    {TOY_LOCK, 0},      {TOY_LOAD, 0},
    {TOY_STORE, 0, 10}, {TOY_UNLOCK, 0},
    {TOY_LEAVE},        {TOY_END},
};
static const toy_ins reclaim_prog[] = {
    {TOY_DELAY, 3}, {TOY_ENTER, .what = "shrink_page_list"},
    {TOY_LOAD, 0},  {TOY_STORE, 0, 100},
    {TOY_LEAVE},    {TOY_END},
};

static void race_model(toy_model *m) {
  *m = (toy_model){
      .nlocks = 1,
      .nvars = 1,
      .nthreads = 3,
      .lock_names = {"ptl"},
      .var_names = {"page#0"},
      .prog = {truncate_prog, fault_prog, reclaim_prog},
      .threads = {{"cpu0:truncate", 0}, {"cpu1:fault", 1}, {"cpu2:reclaim", 2}},
      .viol_kind = TOY_KIND_LOST_UPDATE,
      .viol_var = 0,
      .viol_value = 11,
  };
}

static char *tmp_path(const char *dir, const char *name) {
  char *p = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

/* Logs one execution of 'm' (a new run) into 'db'; returns its id. */
static int64_t log_one(const char *db, toy_model *m, uint64_t seed,
                       sim_result *r) {
  char err[512] = "";
  rlog *l = rlog_open(db, err, sizeof err);
  cr_assert(l != NULL, "%s", err);
  int64_t run = toy_log_run(l, m, "fault vs reclaim (toy)", seed);
  int64_t x = toy_log_exec(l, run, m, seed, 0, r);
  cr_assert(x > 0, "%s", rlog_errmsg(l));
  cr_assert(eq(int, rlog_close(l), 0));
  return x;
}

static void render_ok(const char *db, const char *out, const render_opts *o) {
  char err[512] = "";
  int rc = render_timeline(db, out, o, err, sizeof err);
  cr_assert(eq(int, rc, 0), "render_timeline: %s", err);
}

static int count(const char *text, const char *needle) {
  int n = 0;
  for (const char *p = text; (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

/* Event nodes in Graphviz's dot output: lines "\te<seq>\t[...". */
static int dot_events(const char *dot) {
  int n = 0;
  for (const char *p = dot; *p;
       p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
    if (p[0] != '\t' || p[1] != 'e' || p[2] < '0' || p[2] > '9')
      continue;
    const char *q = p + 2;
    while (*q >= '0' && *q <= '9')
      q++;
    n += *q == '\t'; /* edges are "\te1 -> e2" */
  }
  return n;
}

/* ---------------------------------------------------------------- tests */

Test(render, svg_shows_lanes_and_the_violation) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *svg = tmp_path(dir, "t.svg");
  toy_model m;
  race_model(&m);
  sim_result r;
  log_one(db, &m, 1, &r);
  cr_assert(eq(int, (int)r.outcome, SIM_VIOLATION));
  cr_assert(eq(u64, r.viol_seq, 8));
  render_ok(db, svg, NULL);

  char *s = slurp(svg);
  cr_assert(s != NULL);
  cr_assert(strstr(s, "<svg") != NULL);
  cr_assert(strstr(s, "cpu0:truncate") != NULL);
  cr_assert(strstr(s, "cpu1:fault") != NULL);
  cr_assert(strstr(s, "cpu2:reclaim") != NULL);
  cr_assert(strstr(s, "violation: lost&#45;update") != NULL ||
                strstr(s, "violation: lost-update") != NULL,
            "violation kind missing");
  cr_assert(strstr(s, "page#0 == 11") != NULL);
  /* The violating step is highlighted, and only it. */
  const char *v = strstr(s, "<g id=\"ev8\" class=\"node event violation\">");
  cr_assert(v != NULL);
  const char *poly = strstr(v, "<polygon");
  cr_assert(poly != NULL);
  cr_assert(eq(int,
               strncmp(poly,
                       "<polygon fill=\"#ffe0e0\" stroke=\"#d00000\" "
                       "stroke-width=\"3\"",
                       strlen("<polygon fill=\"#ffe0e0\" stroke=\"#d00000\" "
                              "stroke-width=\"3\"")),
               0),
            "%.120s", poly);
  cr_assert(eq(int, count(s, "class=\"node event violation\""), 1));
  cr_assert(eq(int, count(s, "class=\"node event"), 9));
  cr_assert(strstr(s, "<g id=\"violation\" class=\"node violation&#45;box\"") !=
                NULL ||
            strstr(s, "<g id=\"violation\" class=\"node violation-box\"") !=
                NULL);
  /* The title carries the schedule that reproduces it. */
  char *sched = sim_sched_format(r.sched, r.nsched);
  cr_assert(eq(str, sched, "0.2.0.2.0*2.1*3"));
  cr_assert(strstr(s, "schedule: 0.2.0.2.0*2.1*3") != NULL);
  cr_assert(strstr(s, "showing all 9 events") != NULL);
  /* Two flows: the lock handoff and the read of the lost value. */
  cr_assert(eq(int, count(s, "class=\"edge flow lock\""), 1));
  cr_assert(eq(int, count(s, "class=\"edge flow reads&#45;from\""), 1));
  cr_assert(strstr(s, "lock of ptl: #5 → #6") != NULL);
  cr_assert(strstr(s, "reads&#45;from of page#0: #4 → #7") != NULL);
  /* Lock holds: cpu0 #0..#5, cpu1 #6 to the end. */
  cr_assert(eq(int, count(s, "class=\"node lock&#45;hold\""), 2));
  cr_assert(strstr(s, "ptl held from #0 to #5") != NULL);
  cr_assert(strstr(s, "ptl held from #6 to the end") != NULL);
  free(sched);
  free(s);
  sim_result_free(&r);
  free(svg);
  free(db);
  free(dir);
}

Test(render, same_db_renders_byte_identical) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *a = tmp_path(dir, "a.svg"), *b = tmp_path(dir, "b.svg"),
       *c = tmp_path(dir, "c.svg");
  toy_model m;
  race_model(&m);
  sim_result r;
  log_one(db, &m, 1, &r);
  render_ok(db, a, NULL);
  render_ok(db, b, NULL);
  char *sa = slurp(a), *sb = slurp(b);
  cr_assert(eq(str, sa, sb));
  /* And the comparison can fail: a smaller slice is another picture. */
  render_opts o = {.slice = 4};
  render_ok(db, c, &o);
  char *sc = slurp(c);
  cr_assert(ne(str, sa, sc));
  cr_assert(strstr(sc, "causal slice of 4 of 9 events") != NULL);
  free(sa);
  free(sb);
  free(sc);
  sim_result_free(&r);
  free(a);
  free(b);
  free(c);
  free(db);
  free(dir);
}

Test(render, dot_has_one_node_per_event) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *dot = tmp_path(dir, "t.dot");
  toy_model m;
  race_model(&m);
  sim_result r;
  log_one(db, &m, 1, &r);
  render_ok(db, dot, NULL);
  char *s = slurp(dot);
  cr_assert(s != NULL);
  cr_assert(eq(int, strncmp(s, "digraph timeline {", 18), 0));
  cr_assert(eq(int, dot_events(s), 9));
  cr_assert(eq(int, dot_events(s), (int)r.steps));
  cr_assert(strstr(s, "e5 -> e6") != NULL);
  cr_assert(strstr(s, "e4 -> e7") != NULL);
  /* Fixed positions: the lanes keep thread-id order left to right. */
  cr_assert(strstr(s, "pos=\"") != NULL);
  free(s);
  sim_result_free(&r);
  free(dot);
  free(db);
  free(dir);
}

Test(render, png_output) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *png = tmp_path(dir, "t.png");
  toy_model m;
  race_model(&m);
  sim_result r;
  log_one(db, &m, 1, &r);
  render_ok(db, png, NULL);
  FILE *f = fopen(png, "rb");
  cr_assert(f != NULL);
  unsigned char magic[8] = {0};
  cr_assert(eq(sz, fread(magic, 1, 8, f), 8));
  fclose(f);
  cr_assert(eq(int, memcmp(magic, "\x89PNG\r\n\x1a\n", 8), 0));
  sim_result_free(&r);
  free(png);
  free(db);
  free(dir);
}

Test(render, picks_the_last_violating_execution) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *svg = tmp_path(dir, "t.svg");
  toy_model m;
  race_model(&m);
  sim_result r;
  cr_assert(eq(i64, log_one(db, &m, 1, &r), 1));
  sim_result_free(&r);
  m.viol_kind = 0; /* the same run without the check: clean */
  cr_assert(eq(i64, log_one(db, &m, 1, &r), 2));
  cr_assert(eq(int, (int)r.outcome, SIM_CLEAN));
  sim_result_free(&r);

  render_ok(db, svg, &(render_opts){0});
  char *s = slurp(svg);
  cr_assert(strstr(s, "run 1, execution 1 ") != NULL);
  cr_assert(strstr(s, "page#0 == 11") != NULL);
  free(s);
  render_ok(db, svg, &(render_opts){.exec_id = 2});
  s = slurp(svg);
  cr_assert(strstr(s, "run 2, execution 2 ") != NULL);
  cr_assert(strstr(s, "outcome: <tspan") != NULL ||
            strstr(s, ">outcome: </text>") != NULL);
  cr_assert(strstr(s, ">clean</text>") != NULL);
  cr_assert(eq(int, count(s, "class=\"node event violation\""), 0));
  free(s);
  free(svg);
  free(db);
  free(dir);
}

/* Lock holds are paired once, by the view v_lock_hold: the timeline draws
   its rows and adds the hold still open at the violation. */
Test(render, lock_holds_come_from_the_view) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db");
  toy_model m;
  race_model(&m);
  sim_result r;
  log_one(db, &m, 1, &r);
  sqlite3 *h;
  cr_assert(
      eq(int, sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK));
  sqlite3_stmt *st;
  cr_assert(eq(int,
               sqlite3_prepare_v2(h,
                                  "SELECT acquire_seq, release_seq, tid, lock"
                                  " FROM v_lock_hold",
                                  -1, &st, NULL),
               SQLITE_OK));
  cr_assert(eq(int, sqlite3_step(st), SQLITE_ROW));
  cr_assert(eq(i64, sqlite3_column_int64(st, 0), 0));
  cr_assert(eq(i64, sqlite3_column_int64(st, 1), 5));
  cr_assert(eq(int, sqlite3_column_int(st, 2), 0));
  cr_assert(eq(str, (char *)sqlite3_column_text(st, 3), "ptl"));
  cr_assert(eq(int, sqlite3_step(st), SQLITE_DONE)); /* cpu1's is open */
  sqlite3_finalize(st);
  sqlite3_close(h);

  char err[512] = "";
  timeline t;
  cr_assert(
      eq(int, timeline_load(&t, db, &(render_opts){0}, err, sizeof err), 0),
      "%s", err);
  cr_assert(eq(int, t.nspans, 2));
  cr_assert(eq(i64, t.spans[0].from, 0));
  cr_assert(eq(i64, t.spans[0].to, 5));
  cr_assert(eq(int, t.spans[0].held, 0));
  cr_assert(eq(int, t.spans[0].tid, 0));
  cr_assert(eq(i64, t.spans[1].from, 6));
  cr_assert(eq(i64, t.spans[1].to, 8)); /* the last shown row */
  cr_assert(eq(int, t.spans[1].held, 1));
  cr_assert(eq(int, t.spans[1].tid, 1));
  cr_assert(eq(int, t.nlocks, 1));
  cr_assert(eq(str, t.locks[0], "ptl"));
  timeline_free(&t);
  sim_result_free(&r);
  free(db);
  free(dir);
}

/* A long execution: cpu0 and cpu1 hand a lock back and forth ROUNDS times
   each; cpu2 works alone on its own lock and counter.  The check fires at
   the last increment of the shared counter. */
enum { ROUNDS = 300 };
static toy_ins shared_prog[ROUNDS * 4 + 1], alone_prog[ROUNDS * 4 + 3];

static void long_model(toy_model *m) {
  for (int i = 0; i < ROUNDS; i++) {
    shared_prog[4 * i] = (toy_ins){TOY_LOCK, 0};
    shared_prog[4 * i + 1] = (toy_ins){TOY_LOAD, 0};
    shared_prog[4 * i + 2] = (toy_ins){TOY_STORE, 0, 1};
    shared_prog[4 * i + 3] = (toy_ins){TOY_UNLOCK, 0};
  }
  alone_prog[0] = (toy_ins){TOY_ENTER, .what = "independent_fn"};
  for (int i = 0; i < ROUNDS; i++) {
    alone_prog[1 + 4 * i] = (toy_ins){TOY_LOCK, 1};
    alone_prog[1 + 4 * i + 1] = (toy_ins){TOY_LOAD, 1};
    alone_prog[1 + 4 * i + 2] = (toy_ins){TOY_STORE, 1, 1};
    alone_prog[1 + 4 * i + 3] = (toy_ins){TOY_UNLOCK, 1};
  }
  alone_prog[1 + 4 * ROUNDS] = (toy_ins){TOY_LEAVE};
  *m = (toy_model){.nlocks = 2,
                   .nvars = 2,
                   .nthreads = 3,
                   .lock_names = {"shared_lock", "own_lock"},
                   .var_names = {"counter", "own_counter"},
                   .prog = {shared_prog, shared_prog, alone_prog},
                   .threads = {{"cpu0:a", 0}, {"cpu1:b", 1}, {"cpu2:c", 2}},
                   .viol_kind = TOY_KIND_COUNTER_DONE,
                   .viol_var = 0,
                   .viol_value = 2 * ROUNDS};
}

Test(render, long_execution_shows_a_causal_slice) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *dot = tmp_path(dir, "t.dot"), *svg = tmp_path(dir, "t.svg");
  toy_model m;
  long_model(&m);
  sim_result r;
  log_one(db, &m, 3, &r);
  cr_assert(eq(int, (int)r.outcome, SIM_VIOLATION));
  cr_assert(gt(u64, r.steps, 8 * ROUNDS));

  /* Default: 200 events, all causally before the violation; cpu2 never
     synchronises with the others, so none of its events is in. */
  render_ok(db, dot, NULL);
  char *s = slurp(dot);
  cr_assert(eq(int, dot_events(s), 200));
  cr_assert(strstr(s, "independent_fn") == NULL);
  char want[128];
  snprintf(want, sizeof want, "causal slice of 200 of %" PRIu64 " events",
           r.steps);
  cr_assert(strstr(s, want) != NULL, "%s", want);
  char node[32];
  snprintf(node, sizeof node, "\te%" PRIu64 "\t", r.viol_seq);
  cr_assert(strstr(s, node) != NULL);
  free(s);

  render_opts o = {.slice = 25};
  render_ok(db, dot, &o);
  s = slurp(dot);
  cr_assert(eq(int, dot_events(s), 25));
  free(s);

  o = (render_opts){.full = 1};
  render_ok(db, svg, &o);
  s = slurp(svg);
  cr_assert(eq(int, count(s, "class=\"node event"), (int)r.steps));
  cr_assert(strstr(s, "independent_fn") != NULL);
  free(s);
  sim_result_free(&r);
  free(svg);
  free(dot);
  free(db);
  free(dir);
}

Test(render, clean_long_execution_shows_the_end) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *dot = tmp_path(dir, "t.dot");
  toy_model m;
  long_model(&m);
  m.viol_kind = 0;
  sim_result r;
  log_one(db, &m, 3, &r);
  cr_assert(eq(int, (int)r.outcome, SIM_CLEAN));
  cr_assert(eq(u64, r.steps, 12 * ROUNDS));
  render_opts o = {.slice = 30};
  render_ok(db, dot, &o);
  char *s = slurp(dot);
  cr_assert(eq(int, dot_events(s), 30));
  cr_assert(strstr(s, "the last 30 of 3600 events") != NULL);
  char node[32];
  snprintf(node, sizeof node, "\te%d\t", 12 * ROUNDS - 1);
  cr_assert(strstr(s, node) != NULL);
  snprintf(node, sizeof node, "\te%d\t", 12 * ROUNDS - 31);
  cr_assert(strstr(s, node) == NULL);
  free(s);
  sim_result_free(&r);
  free(dot);
  free(db);
  free(dir);
}

/* A write-write race that carries no flow: cpu0 stores page#0 first;
   cpu1 only reads its own variable, then stores page#0 without reading it,
   and the check fires at that store.
     seq 0  cpu0 store page#0 0->1   ts 0
     seq 1  cpu1 load own            ts 5
     seq 2  cpu0 load other          ts 10   independent of cpu1
     seq 3  cpu1 load own            ts 15
     seq 4  cpu0 load other          ts 20
     seq 5  cpu1 load own            ts 25
     seq 6  cpu0 load other          ts 30
     seq 7  cpu1 store page#0 0->7   ts 35   the check: page#0 == 7
   A store reads nothing, so no flow links the threads: only the
   explorer's dependence (two writes to one object do not commute, see
   sim/depend.h) puts seq 0 in the slice. */
static const toy_ins ww_first_prog[] = {
    {TOY_STORE, 0, 1}, {TOY_LOAD, 1}, {TOY_LOAD, 1},
    {TOY_LOAD, 1},     {TOY_LOAD, 1}, {TOY_END},
};
static const toy_ins ww_second_prog[] = {
    {TOY_DELAY, 5}, {TOY_LOAD, 2},     {TOY_LOAD, 2},
    {TOY_LOAD, 2},  {TOY_STORE, 0, 7}, {TOY_END},
};

static void ww_model(toy_model *m) {
  *m = (toy_model){
      .nlocks = 0,
      .nvars = 3,
      .nthreads = 2,
      .var_names = {"page#0", "other", "own"},
      .prog = {ww_first_prog, ww_second_prog},
      .threads = {{"cpu0:first", 0}, {"cpu1:second", 1}},
      .viol_kind = TOY_KIND_LOST_UPDATE,
      .viol_var = 0,
      .viol_value = 7,
  };
}

Test(render, causal_slice_follows_write_write_dependence) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *dot = tmp_path(dir, "t.dot");
  toy_model m;
  ww_model(&m);
  sim_result r;
  log_one(db, &m, 1, &r);
  cr_assert(eq(int, (int)r.outcome, SIM_VIOLATION));
  cr_assert(eq(u64, r.viol_seq, 7));
  cr_assert(eq(u64, r.steps, 8));

  /* The slice through the internal model: the violating store, cpu1's
     program order, and cpu0's earlier store; not cpu0's loads. */
  char err[512] = "";
  timeline t;
  render_opts o = {.slice = 6};
  cr_assert(eq(int, timeline_load(&t, db, &o, err, sizeof err), 0), "%s", err);
  int64_t want[] = {0, 1, 3, 5, 7};
  cr_assert(eq(i64, t.nev, 5));
  for (int i = 0; i < 5; i++)
    cr_assert(eq(i64, t.ev[i].seq, want[i]), "row %d", i);
  cr_assert(eq(i64, t.viol_ev, 4));
  cr_assert(eq(str, t.slice_note,
               "causal slice of 5 of 8 events (what step #7 depends on)"));
  timeline_free(&t);

  /* And in the picture. */
  render_ok(db, dot, &o);
  char *s = slurp(dot);
  cr_assert(eq(int, dot_events(s), 5));
  cr_assert(strstr(s, "\te0\t") != NULL, "the first store is left out");
  cr_assert(strstr(s, "\te2\t") == NULL);
  free(s);
  sim_result_free(&r);
  free(dot);
  free(db);
  free(dir);
}

/* --------------------------------------------------------------- errors */

Test(render, errors_are_exact) {
  char *dir = test_tmpdir(), *db = tmp_path(dir, "log.db"),
       *svg = tmp_path(dir, "t.svg"), *txt = tmp_path(dir, "notes.txt"),
       *missing = tmp_path(dir, "missing.db");
  toy_model m;
  race_model(&m);
  sim_result r;
  log_one(db, &m, 1, &r);
  sim_result_free(&r);
  char err[512], want[600];

  cr_assert(eq(
      int,
      render_timeline(db, svg, &(render_opts){.exec_id = 99}, err, sizeof err),
      -1));
  snprintf(want, sizeof want, "%s: no execution 99", db);
  cr_assert(eq(str, err, want));

  cr_assert(eq(int, render_timeline(missing, svg, NULL, err, sizeof err), -1));
  snprintf(want, sizeof want, "%s: no such file", missing);
  cr_assert(eq(str, err, want));
  struct stat st;
  cr_assert(ne(int, stat(missing, &st), 0), "a missing log was created");

  FILE *f = fopen(txt, "w");
  fputs("not a database\n", f);
  fclose(f);
  cr_assert(eq(int, render_timeline(txt, svg, NULL, err, sizeof err), -1));
  snprintf(want, sizeof want,
           "%s: not an mmsim event log (not an SQLite database)", txt);
  cr_assert(eq(str, err, want));

  char *bad = tmp_path(dir, "t.pdf");
  cr_assert(eq(int, render_timeline(db, bad, NULL, err, sizeof err), -1));
  snprintf(want, sizeof want,
           "%s: unknown output format (use .svg, .png or .dot)", bad);
  cr_assert(eq(str, err, want));
  free(bad);

  /* An empty log (no executions). */
  char *empty = tmp_path(dir, "empty.db");
  rlog *l = rlog_open(empty, err, sizeof err);
  cr_assert(l != NULL);
  rlog_close(l);
  cr_assert(eq(int, render_timeline(empty, svg, NULL, err, sizeof err), -1));
  snprintf(want, sizeof want, "%s: the log holds no executions", empty);
  cr_assert(eq(str, err, want));
  free(empty);
  free(missing);
  free(txt);
  free(svg);
  free(db);
  free(dir);
}

/* ------------------------------------------- bundled scenarios, drawn */

/* The value of attribute 'attr' of dot node 'node' ("\tNODE\t[..."),
   copied into buf ("" if none). */
static const char *dot_attr(const char *dot, const char *node, const char *attr,
                            char *buf, size_t n) {
  char key[64];
  snprintf(key, sizeof key, "\n\t%s\t[", node);
  const char *p = strstr(dot, key), *end;
  buf[0] = 0;
  if (!p || !(end = strstr(p, "];")))
    return buf;
  snprintf(key, sizeof key, "%s=", attr);
  const char *a = strstr(p, key);
  if (!a || a > end)
    return buf;
  a += strlen(key);
  int q = *a == '"';
  a += q;
  const char *html = *a == '<' ? strstr(a, ">>") : NULL; /* an HTML label */
  size_t k = html ? (size_t)(html + 2 - a) : strcspn(a, q ? "\"" : ",]\n");
  snprintf(buf, n, "%.*s", (int)(k < n ? k : n - 1), a);
  return buf;
}

/* Runs 'scn' (a bundled scenario, or a path) into dir/NAME.db and renders
   it as dot; returns the dot text. */
static char *run_and_draw(const char *dir, const char *scn, const char *name) {
  char args[1400], *out;
  snprintf(args, sizeof args,
           "run %s --db %s/%s.db --svg %s/%s.svg --quiet; %s render "
           "%s/%s.db -o %s/%s.dot",
           scn, dir, name, dir, name, MMSIM_BINARY, dir, name, dir, name);
  run_mmsim(args, &out);
  free(out);
  char path[600];
  snprintf(path, sizeof path, "%s/%s.dot", dir, name);
  char *dot = slurp(path);
  cr_assert_not_null(dot, "%s", path);
  return dot;
}

/* A 3-CPU run at 1600 px: the verdict and a pointer to the step at the
   top, every value whole, lanes that say what each thread does, one
   colour per lock, only the knobs that differ from the preset. */
Test(render, three_cpu_run_is_readable) {
  char *dir = test_tmpdir();
  /* an interleaving in which the three threads alternate and cpu2 waits
     for a pte lock (the scenario's timed run before its symbolic run
     line) */
  char *dot = run_and_draw(dir,
                           "scenarios/fault-invalidate-3cpu.scn --schedule "
                           "'2*12.1*2.0*2.2.1*2.2.1*2.2.0.2.1.0*2.1.0.1.2.1.2*"
                           "2.1.0.2.0.1.0.2*2.0*3.2.0.2*3.0.2.0.2.0.2.0.2'",
                           "r3");
  static char buf[65536];
  char col[64];
  /* no value, name or message cut with an ellipsis */
  cr_assert(eq(int, count(dot, "…"), 0));
  /* the verdict in the title, pointing at the red step */
  dot_attr(dot, "title", "label", buf, sizeof buf);
  cr_assert(
      strstr(buf, "violation page-mapped-on-remove at step #58 on cpu2") !=
          NULL,
      "%s", buf);
  cr_assert(strstr(buf, "preset knobs") != NULL, "%s", buf);
  cr_assert(strstr(buf, "truncate.unmap_mapped") == NULL, "%s", buf);
  /* the violation box at the top of the picture (y grows upwards),
     with its arrow to the step */
  double vy = 0, ey = 0, x;
  sscanf(dot_attr(dot, "violation", "pos", buf, sizeof buf), "%lf,%lf", &x,
         &vy);
  sscanf(dot_attr(dot, "e58", "pos", buf, sizeof buf), "%lf,%lf", &x, &ey);
  cr_assert(vy > ey + 1000, "violation box at %f, step at %f", vy, ey);
  cr_assert(strstr(dot, "violation -> e58") != NULL);
  /* lanes */
  cr_assert(strstr(dot, "cpu0: p1 load 0x10000") != NULL);
  cr_assert(strstr(dot, "cpu2: dio_write data page=0") != NULL);
  /* cpu2 waits at #39..#40 for the pte lock cpu0 took at #38 */
  dot_attr(dot, "block0", "tooltip", buf, sizeof buf);
  cr_assert(eq(str, buf,
               "blocked: waits for p1.ptl, held by cpu0 since #38; released "
               "at #40, taken at #41"));
  cr_assert(strstr(dot, "blocked: waiting for a lock") != NULL);
  /* the race edge and its legend entry */
  cr_assert(strstr(dot, "class=\"flow from-read\"") != NULL);
  cr_assert(strstr(dot, "from-read (read → overwriting write)") != NULL);
  /* one colour per lock: hold<k> nodes name their lock in the tooltip */
  char names[32][256], cols[32][64];
  int nl = 0;
  for (int k = 0;; k++) {
    char node[32];
    snprintf(node, sizeof node, "hold%d", k);
    if (!*dot_attr(dot, node, "fillcolor", col, sizeof col))
      break;
    dot_attr(dot, node, "tooltip", buf, sizeof buf);
    *strstr(buf, " held from") = 0;
    int j = 0;
    while (j < nl && strcmp(names[j], buf))
      j++;
    if (j == nl) {
      cr_assert(nl < 32);
      snprintf(names[nl], sizeof names[nl], "%.200s", buf);
      snprintf(cols[nl++], sizeof cols[0], "%s", col);
    }
    cr_assert_str_eq(cols[j], col, "lock %s", buf);
  }
  cr_assert(nl >= 8, "%d locks", nl);
  for (int i = 0; i < nl; i++)
    for (int j = i + 1; j < nl; j++)
      cr_assert_str_neq(cols[i], cols[j], "%s and %s share a colour", names[i],
                        names[j]);
  free(dot);
  free(dir);
}

/* A scenario that sets a knob: the header names that knob only. */
Test(render, header_lists_the_knobs_set) {
  char *dir = test_tmpdir(), scn[512];
  snprintf(scn, sizeof scn, "%s/k.scn", dir);
  char *text = slurp(MMSIM_SOURCE_DIR "/scenarios/fault-invalidate.scn");
  cr_assert_not_null(text);
  FILE *f = fopen(scn, "w");
  fprintf(f, "%s\nset fault.lock_page = on\n", text);
  fclose(f);
  free(text);
  char *dot = run_and_draw(dir, scn, "k");
  static char buf[65536];
  dot_attr(dot, "title", "label", buf, sizeof buf);
  cr_assert(strstr(buf, "knobs set: fault.lock_page=on") != NULL, "%s", buf);
  cr_assert(strstr(buf, "fault.truncate_count") == NULL, "%s", buf);
  free(dot);
  free(dir);
}

/* abba's deadlock: each thread's pending lock step drawn below its lane,
   and the wait-for cycle t0 -> t1 -> t0 between them. */
Test(render, deadlock_shows_pending_steps_and_the_cycle) {
  char *dir = test_tmpdir(), args[1400], *out;
  snprintf(args, sizeof args,
           "explore scenarios/litmus/abba.scn --jobs 1 --db %s/d.db; %s "
           "render %s/d.db -o %s/d.dot",
           dir, MMSIM_BINARY, dir, dir);
  run_mmsim(args, &out);
  free(out);
  char path[600];
  snprintf(path, sizeof path, "%s/d.dot", dir);
  char *dot = slurp(path);
  cr_assert_not_null(dot);
  static char buf[4096];
  dot_attr(dot, "pending0", "tooltip", buf, sizeof buf);
  cr_assert(eq(str, buf, "t0 waits in lock(B) for B held by t1"));
  dot_attr(dot, "pending1", "tooltip", buf, sizeof buf);
  cr_assert(eq(str, buf, "t1 waits in lock(A) for A held by t0"));
  cr_assert(strstr(dot, "pending0 -> pending1") != NULL);
  cr_assert(strstr(dot, "pending1 -> pending0") != NULL);
  cr_assert(strstr(dot, "waits for (the deadlock's cycle)") != NULL);
  free(dot);
  free(dir);
}

/* --------------------------------------------------- lock-hold names */

/* A node's box from Graphviz's dot output (points, y up); 0 if absent. */
typedef struct box {
  double x0, y0, x1, y1;
} box;

static int node_box(const char *dot, const char *node, box *b) {
  char buf[64];
  double x, y, w, h;
  if (sscanf(dot_attr(dot, node, "pos", buf, sizeof buf), "%lf,%lf", &x, &y) !=
          2 ||
      sscanf(dot_attr(dot, node, "width", buf, sizeof buf), "%lf", &w) != 1 ||
      sscanf(dot_attr(dot, node, "height", buf, sizeof buf), "%lf", &h) != 1)
    return 0;
  w *= 72, h *= 72;
  *b = (box){x - w / 2, y - h / 2, x + w / 2, y + h / 2};
  return 1;
}

/* Whether a and b overlap by more than Graphviz's rounding. */
static int boxes_meet(const box *a, const box *b) {
  const double eps = 0.5;
  return a->x0 + eps < b->x1 && b->x0 + eps < a->x1 && a->y0 + eps < b->y1 &&
         b->y0 + eps < a->y1;
}

/* "&gt;" and the like back to their characters, in place. */
static void unescape(char *s) {
  static const char *const from[] = {"&gt;", "&lt;", "&amp;", "&quot;"};
  static const char to[] = {'>', '<', '&', '"'};
  char *w = s;
  for (const char *r = s; *r;) {
    size_t k = 0;
    while (k < 4 && strncmp(r, from[k], strlen(from[k])))
      k++;
    if (k < 4) {
      *w++ = to[k];
      r += strlen(from[k]);
    } else {
      *w++ = *r++;
    }
  }
  *w = 0;
}

/* Every lock-hold name of 'dot': no two name boxes meet, no name meets a
   hold bar, and each name is its lock's whole name broken into lines only
   after '.', '_' or '>'.  Returns the names checked. */
static int assert_hold_names_apart(const char *dot, const char *what) {
  static char label[4096], tip[512];
  box names[128], bars[128];
  int n = 0, nbars = 0;
  for (int k = 0; k < 128; k++) {
    char node[32];
    snprintf(node, sizeof node, "hold%d", k);
    if (node_box(dot, node, &bars[nbars]))
      nbars++;
  }
  for (; n < 128; n++) {
    char node[32];
    snprintf(node, sizeof node, "holdname%d", n);
    if (!node_box(dot, node, &names[n]))
      break;
    for (int j = 0; j < n; j++)
      cr_assert(boxes_meet(&names[j], &names[n]) == 0,
                "%s: holdname%d [%.1f,%.1f %.1f,%.1f] meets holdname%d "
                "[%.1f,%.1f %.1f,%.1f]",
                what, n, names[n].x0, names[n].y0, names[n].x1, names[n].y1, j,
                names[j].x0, names[j].y0, names[j].x1, names[j].y1);
    for (int j = 0; j < nbars; j++)
      cr_assert(boxes_meet(&bars[j], &names[n]) == 0,
                "%s: holdname%d meets the bar hold%d", what, n, j);
    /* the text: lines joined by <BR .../>, each ending at a break */
    dot_attr(dot, node, "label", label, sizeof label);
    dot_attr(dot, node, "tooltip", tip, sizeof tip);
    char *held = strstr(tip, " held from");
    cr_assert_not_null(held, "%s", tip);
    *held = 0;
    unescape(tip);
    char *td = strstr(label, "<TD"), *end = strstr(label, "</TD>");
    cr_assert(td && end, "%s", label);
    td = strchr(td, '>') + 1;
    *end = 0;
    char joined[512] = "";
    for (char *line = td; line;) {
      char *br = strstr(line, "<BR");
      if (br)
        *br = 0;
      unescape(line);
      size_t len = strlen(line);
      cr_assert(len > 0, "%s: an empty line in %s", what, tip);
      if (br)
        cr_assert(strchr("._>", line[len - 1]) != NULL,
                  "%s: '%s' breaks inside a word after '%s'", what, tip, line);
      strncat(joined, line, sizeof joined - strlen(joined) - 1);
      line = br ? strstr(br + 1, "/>") + 2 : NULL; /* past the NUL */
    }
    cr_assert_str_eq(joined, tip, "%s", what);
  }
  return n;
}

/* Lock holds that start on one row (2.6.23's write-self-deadlock takes
   tree_lock and the page lock at one step; a slice's first row starts
   every hold taken before it) stack their names, right of the bars beside
   them, and break names only between words.  (They used to be drawn over
   each other at one place, "page#1.PG_locke/d" over "data.tree_lock".) */
Test(render, hold_names_do_not_overlap) {
  char *dir = test_tmpdir(), *out;
  char *dot = run_and_draw(dir, "scenarios/write-self-deadlock.scn", "w");
  cr_assert_geq(assert_hold_names_apart(dot, "write-self-deadlock"), 4);
  free(dot);
  dot = run_and_draw(dir,
                     "scenarios/fault-invalidate-3cpu.scn --schedule "
                     "'2*12.1*2.0*2.2.1*2.2.1*2.2.0.2.1.0*2.1.0.1.2.1.2*"
                     "2.1.0.2.0.1.0.2*2.0*3.2.0.2*3.0.2.0.2.0.2.0.2'",
                     "r3");
  cr_assert_geq(assert_hold_names_apart(dot, "3 cpus"), 8);
  free(dot);
  char args[1400], path[600];
  snprintf(args, sizeof args, "render %s/r3.db -o %s/s.dot --slice 12", dir,
           dir);
  run_mmsim(args, &out);
  free(out);
  snprintf(path, sizeof path, "%s/s.dot", dir);
  dot = slurp(path);
  cr_assert_not_null(dot, "%s", path);
  cr_assert_geq(assert_hold_names_apart(dot, "3 cpus, sliced"), 3);
  free(dot);
  free(dir);
}
