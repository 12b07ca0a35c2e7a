/*
** test_logpack.c - the event log's packing: footprints packed in the
** event (schema 4, event.footprint) and unpacked by the view `access`,
** flows packed in the events they point to (schema 7) and unpacked by
** the view `flow`, the outcomes SCHEMA.md documents against those the
** code writes, and the writer's foreign keys.
**
** The reference for the packed footprints is not the log: an observer
** beside the writer records each step's footprint as version 3 wrote it,
** one "seq|idx|object|kind" row per entry, from the engine's own
** sim_event, and the view must give exactly those rows back; the same
** for the engine's flows.
*/
#include <criterion/criterion.h>
#include <criterion/new/assert.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "models/model.h"
#include "reports/cli/cli.h"
#include "reports/log.h"
#include "reports/observers.h"
#include "reports/schema.h"
#include "reports/strbuf.h"
#include "sim/sched.h"

#define SCN MMSIM_SOURCE_DIR "/scenarios/fault-invalidate.scn"

/* Records footprints as version 3's `access` rows, and flows as rows of
   version 6's `flow` table, "to|from|kind|object" with the seqs padded
   so that the text sorts as the numbers do. */
struct recorder {
  const model_binding *b;
  strbuf rows;
  int events, entries, empty, widest;
  char **flows;
  int nflows;
};

static void rec_event(void *arg, const sim_event *e) {
  struct recorder *r = arg;
  r->events++;
  r->empty += e->step->n == 0;
  if (e->step->n > r->widest)
    r->widest = e->step->n;
  for (int i = 0; i < e->step->n; i++) {
    char name[128] = "", line[256];
    cli_namer((void *)r->b, e->step->acc[i].obj, name, sizeof name);
    snprintf(line, sizeof line, "%llu|%d|%s|%s\n", (unsigned long long)e->seq,
             i, name, schema_access_kind[e->step->acc[i].op]);
    sb_puts(&r->rows, line);
    r->entries++;
  }
}

static void rec_flow(void *arg, uint64_t from, uint64_t to,
                     enum sim_flow_kind k, sim_oid o) {
  struct recorder *r = arg;
  char name[128] = "", line[256];
  cli_namer((void *)r->b, o, name, sizeof name);
  snprintf(line, sizeof line, "%08llu|%08llu|%s|%s\n", (unsigned long long)to,
           (unsigned long long)from, schema_flow_kind[k], name);
  r->flows = realloc(r->flows, (size_t)(r->nflows + 1) * sizeof *r->flows);
  cr_assert_not_null(r->flows);
  r->flows[r->nflows++] = strdup(line);
}

static void rec_free(struct recorder *r) {
  for (int i = 0; i < r->nflows; i++)
    free(r->flows[i]);
  free(r->flows);
  sb_free(&r->rows);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* All rows of a query, "a|b|c\n" each (malloc'd). */
static char *rows(sqlite3 *db, const char *sql) {
  sqlite3_stmt *st;
  cr_assert(eq(int, sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK),
            "%s: %s", sql, sqlite3_errmsg(db));
  strbuf out = {0};
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); c++) {
      const char *v = (const char *)sqlite3_column_text(st, c);
      if (c)
        sb_puts(&out, "|");
      sb_puts(&out, v ? v : "NULL");
    }
    sb_puts(&out, "\n");
  }
  sqlite3_finalize(st);
  char *r = strdup(sb_str(&out));
  sb_free(&out);
  return r;
}

static long long one(sqlite3 *db, const char *sql) {
  char *s = rows(db, sql);
  long long v = atoll(s);
  free(s);
  return v;
}

/* The bundled pre-fix run (2.6.20, the scenario's run line: explore's
   minimal counterexample) logged to 'path', with the recorder beside the
   writer. */
static void logged_run(const char *path, struct recorder *rec) {
  cli_scenario *l = cli_load(SCN, NULL, CLI_ENGINE);
  cr_assert_not_null(l);
  char err[512];
  rlog *log = rlog_open(path, err, sizeof err);
  cr_assert_not_null(log, "%s", err);
  cli_run_info ci;
  cli_run_info_of(&ci, l, "run", "replay", 1);
  int64_t run = rlog_run_begin(log, &ci.ri);
  cr_assert(eq(i64, rlog_exec_begin(log, run, cli_namer, &l->b), 1));
  *rec = (struct recorder){.b = &l->b};
  sim_observer rob = {rec, rec_event, rec_flow};
  obs_fanout fan;
  sim_observer ob = obs_fanout_init(&fan);
  fan.to[0] = rlog_observer(log);
  fan.to[1] = &rob;
  static const uint8_t seq[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
  sim_sched ss;
  sim_exec_cfg cfg = model_exec_cfg(&l->b);
  cfg.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 1, seq, sizeof seq);
  cfg.observer = &ob;
  sim_result r;
  cr_assert(eq(int, sim_exec_run(&cfg, &r), 0));
  cr_assert(eq(int, (int)r.outcome, SIM_VIOLATION), "%s", r.msg);
  cr_assert(eq(int, rlog_exec_end(log, &r, NULL, NULL), 0), "%s",
            rlog_errmsg(log));
  cr_assert(eq(int, rlog_close(log), 0));
  sim_result_free(&r);
  cli_unload(l);
}

Test(logpack, packed_footprints_unpack_to_the_per_entry_rows) {
  char *dir = test_tmpdir(), path[512];
  snprintf(path, sizeof path, "%s/x.db", dir);
  struct recorder rec;
  logged_run(path, &rec);
  /* the run has wide footprints, and steps without one */
  cr_assert(gt(int, rec.widest, 2));
  cr_assert(gt(int, rec.entries, rec.events));

  sqlite3 *db;
  cr_assert(eq(int, sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
               SQLITE_OK));
  char *got = rows(db, "SELECT a.seq, a.idx, s.str, a.kind FROM access a"
                       " JOIN string s ON s.id = a.obj WHERE a.exec_id = 1"
                       " ORDER BY a.seq, a.idx");
  cr_assert(eq(str, got, (char *)sb_str(&rec.rows)));
  free(got);
  /* one row per event, not one per entry; an empty footprint is NULL */
  cr_assert(eq(i64, one(db, "SELECT count(*) FROM event"), rec.events));
  cr_assert(eq(i64, one(db, "SELECT count(*) FROM access"), rec.entries));
  cr_assert(eq(i64,
               one(db, "SELECT count(*) FROM event WHERE footprint IS NULL"),
               rec.empty));
  /* the packed text itself: [[string id,"kind"],...] */
  got = rows(db, "SELECT count(*) FROM event e WHERE e.footprint IS NOT"
                 " (SELECT '[' || group_concat('[' || a.obj || ',\"' ||"
                 " a.kind || '\"]', ',') || ']' FROM (SELECT * FROM access"
                 " a WHERE a.exec_id = e.exec_id AND a.seq = e.seq"
                 " ORDER BY a.idx) a)");
  cr_assert(eq(str, got, "0\n"));
  free(got);
  /* the views built on it: the lock holds of the run */
  cr_assert(gt(i64, one(db, "SELECT count(*) FROM v_lock_hold"), 3));
  /* the writer does not enforce the declared foreign keys: check them */
  got = rows(db, "PRAGMA foreign_key_check");
  cr_assert(eq(str, got, ""));
  free(got);
  sqlite3_close(db);
  rec_free(&rec);
  free(dir);
}

/* The flows the engine drew, sorted and each once, are the rows of the
   view `flow` (schema 7 packs them into the events they point to). */
Test(logpack, packed_flows_unpack_to_the_engine_s_arrows) {
  char *dir = test_tmpdir(), path[512];
  snprintf(path, sizeof path, "%s/x.db", dir);
  struct recorder rec;
  logged_run(path, &rec);
  cr_assert(gt(int, rec.nflows, 5));
  qsort(rec.flows, (size_t)rec.nflows, sizeof *rec.flows, cmp_str);
  strbuf want = {0};
  for (int i = 0; i < rec.nflows; i++) {
    if (!i || strcmp(rec.flows[i], rec.flows[i - 1]))
      sb_puts(&want, rec.flows[i]);
  }
  sqlite3 *db;
  cr_assert(eq(int, sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL),
               SQLITE_OK));
  char *got = rows(db, "SELECT printf('%08d|%08d|%s|%s', f.to_seq,"
                       " f.from_seq, f.kind, s.str) FROM flow f"
                       " JOIN string s ON s.id = f.obj ORDER BY 1");
  cr_assert(eq(str, got, (char *)sb_str(&want)));
  free(got);
  /* one process wrote the log: the same rows in the same order without
     ORDER BY, that of the old table's key (to_seq, from_seq, kind,
     object id) */
  got = rows(db, "SELECT count(*) FROM (SELECT to_seq, from_seq, kind, obj,"
                 " row_number() OVER () AS n, row_number() OVER (ORDER BY"
                 " to_seq, from_seq, kind, obj) AS m FROM flow) WHERE n != m");
  cr_assert(eq(str, got, "0\n"));
  free(got);
  sqlite3_close(db);
  sb_free(&want);
  rec_free(&rec);
  free(dir);
}

/* The outcome names of SCHEMA.md's "### Outcomes" table, "a,b,c,". */
static char *documented_outcomes(void) {
  char *doc = slurp(MMSIM_SOURCE_DIR "/reports/SCHEMA.md");
  cr_assert_not_null(doc);
  char *p = strstr(doc, "\n### Outcomes\n");
  cr_assert_not_null(p, "SCHEMA.md has an Outcomes section");
  char *end = strstr(p + 1, "\n#");
  if (end)
    *end = 0;
  strbuf out = {0};
  for (char *q = strstr(p, "\n| `"); q; q = strstr(q + 1, "\n| `")) {
    char *b = q + 4, *e = strchr(b, '`');
    cr_assert_not_null(e);
    *e = 0;
    sb_puts(&out, b);
    sb_puts(&out, ",");
    *e = '`';
  }
  free(doc);
  char *r = strdup(sb_str(&out));
  sb_free(&out);
  return r;
}

Test(logpack, documented_outcomes_are_those_the_code_writes) {
  /* what the code writes: each enum sim_outcome at the end of an
     execution, 'incomplete' when it starts (reports/log.c) */
  strbuf code = {0};
  for (int o = SIM_CLEAN; o <= SIM_BOUNDED; o++) {
    sb_puts(&code, schema_outcome_name((enum sim_outcome)o));
    sb_puts(&code, ",");
  }
  sb_puts(&code, "incomplete,");
  char *doc = documented_outcomes();
  cr_assert(eq(str, doc, (char *)sb_str(&code)));

  /* and the table's CHECK accepts exactly those */
  char *dir = test_tmpdir(), path[512], err[512];
  snprintf(path, sizeof path, "%s/o.db", dir);
  rlog *l = rlog_open(path, err, sizeof err);
  cr_assert_not_null(l, "%s", err);
  cli_run_info ci = {.ri = {.mode = "run", .ncpus = 1}};
  cr_assert(eq(i64, rlog_run_begin(l, &ci.ri), 1));
  cr_assert(eq(int, rlog_close(l), 0));
  sqlite3 *db;
  cr_assert(eq(int, sqlite3_open(path, &db), SQLITE_OK));
  int ordinal = 0;
  for (char *o = doc, *c; (c = strchr(o, ',')); o = c + 1) {
    char sql[256];
    snprintf(sql, sizeof sql,
             "INSERT INTO execution(run_id, ordinal, outcome)"
             " VALUES (1, %d, '%.*s')",
             ++ordinal, (int)(c - o), o);
    cr_assert(eq(int, sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK),
              "%s: %s", sql, sqlite3_errmsg(db));
  }
  cr_assert(eq(int,
               sqlite3_exec(db,
                            "INSERT INTO execution(run_id, ordinal, outcome)"
                            " VALUES (1, 99, 'bogus')",
                            NULL, NULL, NULL),
               SQLITE_CONSTRAINT));
  sqlite3_close(db);
  free(doc);
  sb_free(&code);
  free(dir);
}
