/*
** schema.c - the event log's schema (version RLOG_SCHEMA_VERSION), its
** vocabulary, and the check that a file is a log we can read.
**
** The writer (reports/log.c) creates the schema in an empty file and
** refuses anything else that is not an mmsim log of this version; the
** reader (reports/timeline.c) refuses an empty file too.  Both go through
** schema_check, so that they give the same messages for the same file.
** Nothing here writes to a database except schema_create.
**
** Finished lock holds are paired here and only here, in the view
** v_lock_hold: an acquire (L, Ls, T) and the next access of the same lock
** by the same thread, when that access is a release (U, Us).  The timeline
** reads the view; it adds only the holds still open when the execution
** stopped, which have no release to pair with (reports/timeline.c); see
** reports/SCHEMA.md.
*/
#include "schema.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* Version 6 (packed events): events are stored RLOG_EVBATCH (64) at a
   time, in rows of `event_batch`; a row's `events` is a JSON array of
   [seq, ts, dur, cpu, tid, depth, fn, op, obj, before, after, footprint]
   arrays (string ids or null; footprint [[obj,"kind"],...]), the events
   of one execution in seq order whose seq >> 6 is the same; seq0 is the
   first one's.  Version 5 wrote a row per event, and SQLite's cost per
   row was twice the simulation's cost per step: with 64 events a row the
   log costs a fraction of that (reports/logwriter.c).  `event` and
   `access` are views with the rows and columns of versions 4 and 5
   (access gains tid, ts and dur), so readers and users query them as
   before; a lookup by (exec_id, seq) goes to the one or two rows whose
   seq0 is in [seq & ~63, seq] (see EVENT_AT).

   Version 7 (packed flows): the happens-before arrows into an event are
   its thirteenth element, [[from_seq,"kind",obj],...], absent when there
   are none; `flow` is a view with version 6's rows and columns.  A flow
   row cost SQLite as much as a row of 64 events, and flows were a third
   of the writer's time.  And `event_batch` is a rowid table with a
   UNIQUE (exec_id, seq0) index, no longer WITHOUT ROWID: SQLite appends
   to a rowid table's last page cheaply (balance_quick), where a WITHOUT
   ROWID table, an index b-tree, rebalances its last pages at every page
   it fills: 43% of the writer's SQLite time. */
#define EVENT_COLS                                                             \
  "j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, "               \
  "j.value ->> 4, j.value ->> 5, j.value ->> 6, j.value ->> 7, "               \
  "j.value ->> 8, j.value ->> 9, j.value ->> 10"
/* Field 'k' of event 'seq' of execution 'exec' (SQL expressions). */
#define EVENT_AT(k, exec, seq)                                                 \
  "(SELECT ej.value ->> " k " FROM event_batch eb, json_each(eb.events) ej"    \
  " WHERE eb.exec_id = " exec " AND eb.seq0 BETWEEN (" seq ") & ~63"           \
  " AND (" seq ") AND ej.value ->> 0 = (" seq "))"

/* The schema, version RLOG_SCHEMA_VERSION.  Keep in sync with SCHEMA.md.
   (clang-format would split the SQL into letters around EVENT_AT.) */
// clang-format off
const char schema_sql[] =
    "CREATE TABLE string (\n"
    "  id  INTEGER PRIMARY KEY,\n"
    "  str TEXT NOT NULL UNIQUE\n"
    ");\n"
    "CREATE TABLE run (\n"
    "  id            INTEGER PRIMARY KEY,\n"
    "  mode          TEXT NOT NULL,\n"
    "  scenario_path TEXT,\n"
    "  title         TEXT,\n"
    "  variant       TEXT,\n"
    "  knobs         TEXT,\n"
    "  knobs_set     TEXT,\n"
    "  policy        TEXT,\n"
    "  seed          INTEGER,\n"
    "  ncpus         INTEGER NOT NULL,\n"
    "  expect        TEXT,\n"
    "  mmsim_version TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE thread (\n"
    "  run_id INTEGER NOT NULL REFERENCES run(id),\n"
    "  tid    INTEGER NOT NULL,\n"
    "  name   TEXT NOT NULL,\n"
    "  cpu    INTEGER NOT NULL,\n"
    "  description TEXT,\n"
    "  PRIMARY KEY (run_id, tid)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE execution (\n"
    "  id         INTEGER PRIMARY KEY,\n"
    "  run_id     INTEGER NOT NULL REFERENCES run(id),\n"
    "  ordinal    INTEGER NOT NULL,\n"
    "  outcome    TEXT NOT NULL CHECK (outcome IN\n"
    "               ('clean', 'violation', 'step-limit', 'pruned', 'bounded',\n"
    "                'incomplete')),\n"
    "  schedule   TEXT,\n"
    "  steps      INTEGER,\n"
    "  end_ns     INTEGER,\n"
    "  trace_hash TEXT,\n"
    "  state_hash TEXT,\n"
    "  note       TEXT,\n"
    "  counterexample INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE (run_id, ordinal)\n"
    ");\n"
    "CREATE TABLE event_batch (\n"
    "  exec_id INTEGER NOT NULL REFERENCES execution(id),\n"
    "  seq0    INTEGER NOT NULL,\n"
    "  events  TEXT NOT NULL,\n"
    "  UNIQUE (exec_id, seq0)\n"
    ");\n"
    "CREATE VIEW event(exec_id, seq, ts, dur, cpu, tid, depth, fn, op, obj,\n"
    "                  before, after, footprint) AS\n"
    "SELECT b.exec_id, " EVENT_COLS ",\n"
    "       nullif(j.value ->> 11, '[]')\n"
    "FROM event_batch b, json_each(b.events) j;\n"
    "CREATE VIEW access(exec_id, seq, idx, obj, kind, tid, ts, dur) AS\n"
    "SELECT b.exec_id, j.value ->> 0, f.key, f.value ->> 0, f.value ->> 1,\n"
    "       j.value ->> 4, j.value ->> 1, j.value ->> 2\n"
    "FROM event_batch b, json_each(b.events) j, json_each(j.value, '$[11]') "
    "f;\n"
    /* flow: version 7 packs them into the events they point to */
    "CREATE VIEW flow(exec_id, from_seq, to_seq, kind, obj) AS\n"
    "SELECT b.exec_id, f.value ->> 0, j.value ->> 0, f.value ->> 1,\n"
    "       f.value ->> 2\n"
    "FROM event_batch b, json_each(b.events) j,\n"
    "     json_each(j.value, '$[12]') f;\n"
    "CREATE TABLE violation (\n"
    "  exec_id INTEGER PRIMARY KEY REFERENCES execution(id),\n"
    "  kind    TEXT NOT NULL,\n"
    "  seq     INTEGER NOT NULL,\n"
    "  message TEXT NOT NULL,\n"
    "  objects TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE lock_edge (\n"
    "  run_id          INTEGER NOT NULL REFERENCES run(id),\n"
    "  idx             INTEGER NOT NULL,\n"
    "  held            TEXT NOT NULL,\n"
    "  acquired        TEXT NOT NULL,\n"
    "  held_shared     INTEGER NOT NULL,\n"
    "  acquired_shared INTEGER NOT NULL,\n"
    "  wait            INTEGER NOT NULL,\n"
    "  thread          TEXT NOT NULL,\n"
    "  chain           TEXT NOT NULL,\n"
    "  step            TEXT NOT NULL,\n"
    "  schedule        TEXT NOT NULL,\n"
    "  PRIMARY KEY (run_id, idx)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE final_state (\n"
    "  run_id INTEGER NOT NULL REFERENCES run(id),\n"
    "  idx    INTEGER NOT NULL,\n"
    "  state  TEXT NOT NULL,\n"
    "  count  INTEGER NOT NULL,\n"
    "  PRIMARY KEY (run_id, idx)\n"
    ") WITHOUT ROWID;\n"
    "CREATE VIEW v_event AS\n"
    "SELECT e.exec_id, x.run_id, e.seq, e.ts, e.dur, e.cpu, e.tid,\n"
    "       t.name AS thread, e.depth, sf.str AS fn, so.str AS op,\n"
    "       sj.str AS obj, sb.str AS before, sa.str AS after\n"
    "FROM event e\n"
    "JOIN execution x ON x.id = e.exec_id\n"
    "LEFT JOIN thread t ON t.run_id = x.run_id AND t.tid = e.tid\n"
    "LEFT JOIN string sf ON sf.id = e.fn\n"
    "LEFT JOIN string so ON so.id = e.op\n"
    "LEFT JOIN string sj ON sj.id = e.obj\n"
    "LEFT JOIN string sb ON sb.id = e.before\n"
    "LEFT JOIN string sa ON sa.id = e.after;\n"
    "CREATE VIEW v_access AS\n"
    "SELECT b.exec_id, j.value ->> 0 AS seq, f.key AS idx,\n"
    "       f.value ->> 1 AS kind, s.str AS obj, j.value ->> 1 AS ts,\n"
    "       j.value ->> 4 AS tid, t.name AS thread, sf.str AS fn,\n"
    "       so.str AS op, sb.str AS before, sa.str AS after\n"
    "FROM event_batch b\n"
    "JOIN execution x ON x.id = b.exec_id\n"
    "JOIN json_each(b.events) j\n"
    "JOIN json_each(j.value, '$[11]') f\n"
    "JOIN string s ON s.id = f.value ->> 0\n"
    "LEFT JOIN thread t ON t.run_id = x.run_id AND t.tid = j.value ->> 4\n"
    "LEFT JOIN string sf ON sf.id = j.value ->> 6\n"
    "LEFT JOIN string so ON so.id = j.value ->> 7\n"
    "LEFT JOIN string sb ON sb.id = j.value ->> 9\n"
    "LEFT JOIN string sa ON sa.id = j.value ->> 10;\n"
    "CREATE VIEW v_flow AS\n"
    "SELECT b.exec_id, f.value ->> 1 AS kind, s.str AS obj,\n"
    "       f.value ->> 0 AS from_seq, tf.name AS from_thread,\n"
    "       j.value ->> 0 AS to_seq, tt.name AS to_thread\n"
    "FROM event_batch b\n"
    "JOIN execution x ON x.id = b.exec_id\n"
    "JOIN json_each(b.events) j\n"
    "JOIN json_each(j.value, '$[12]') f\n"
    "JOIN string s ON s.id = f.value ->> 2\n"
    "LEFT JOIN thread tf ON tf.run_id = x.run_id\n"
    "  AND tf.tid = " EVENT_AT("4", "b.exec_id", "f.value ->> 0") "\n"
    "LEFT JOIN thread tt ON tt.run_id = x.run_id AND tt.tid = j.value ->> 4;\n"
    "CREATE VIEW v_violation AS\n"
    "SELECT v.exec_id, x.run_id, r.title, r.variant, r.knobs, r.policy,\n"
    "       r.seed, x.schedule, v.kind, v.seq, v.message, v.objects,\n"
    "       t.name AS thread, sf.str AS fn, so.str AS op\n"
    "FROM violation v\n"
    "JOIN execution x ON x.id = v.exec_id\n"
    "JOIN run r ON r.id = x.run_id\n"
    "LEFT JOIN thread t ON t.run_id = x.run_id\n"
    "  AND t.tid = " EVENT_AT("4", "v.exec_id", "v.seq") "\n"
    "LEFT JOIN string sf ON sf.id = " EVENT_AT("6", "v.exec_id", "v.seq") "\n"
    "LEFT JOIN string so ON so.id = " EVENT_AT("7", "v.exec_id", "v.seq") ";\n"
    "CREATE VIEW v_lock_hold AS\n"
    "WITH lk AS (\n"
    "  SELECT a.exec_id, a.obj, a.kind, a.seq, a.tid, a.ts + a.dur AS end_ts,\n"
    "         LEAD(a.kind) OVER w AS next_kind, LEAD(a.seq) OVER w AS next_seq,\n"
    "         LEAD(a.ts + a.dur) OVER w AS next_end\n"
    "  FROM access a\n"
    "  WHERE a.kind IN ('L', 'Ls', 'T', 'U', 'Us')\n"
    "  WINDOW w AS (PARTITION BY a.exec_id, a.obj, a.tid ORDER BY a.seq))\n"
    "SELECT lk.exec_id, lk.tid, s.str AS lock, lk.kind, lk.seq AS "
    "acquire_seq,\n"
    "       lk.next_seq AS release_seq, lk.end_ts AS held_from,\n"
    "       lk.next_end AS held_until, lk.next_end - lk.end_ts AS hold_ns\n"
    "FROM lk JOIN string s ON s.id = lk.obj\n"
    "WHERE lk.kind IN ('L', 'Ls', 'T') AND lk.next_kind IN ('U', 'Us');\n"
    "CREATE VIEW v_execution AS\n"
    "SELECT x.*, r.mode, r.variant,\n"
    "       CASE WHEN x.counterexample THEN 'counterexample'\n"
    "            WHEN r.mode = 'explore' THEN 'explored'\n"
    "            ELSE r.mode END AS origin\n"
    "FROM execution x JOIN run r ON r.id = x.run_id;\n";
// clang-format on

const char *const schema_access_kind[SIM_OP__COUNT] = {
    [SIM_OP_READ] = "R",
    [SIM_OP_WRITE] = "W",
    [SIM_OP_LOCK] = "L",
    [SIM_OP_LOCK_SHARED] = "Ls",
    [SIM_OP_TRYLOCK] = "T",
    [SIM_OP_UNLOCK] = "U",
    [SIM_OP_UNLOCK_SHARED] = "Us",
    [SIM_OP_WAIT] = "Wait",
    [SIM_OP_ADD] = "A",
    [SIM_OP_UNLOCK_ANY] = "Ua",
};

const char *const schema_flow_kind[SIM_FLOW__COUNT] = {
    [SIM_FLOW_LOCK] = "lock",
    [SIM_FLOW_READS_FROM] = "reads-from",
    [SIM_FLOW_WAKEUP] = "wakeup",
    [SIM_FLOW_FROM_READ] = "from-read",
};

static int name_index(const char *const *names, int n, const char *k) {
  for (int i = 0; k && i < n; i++)
    if (!strcmp(k, names[i]))
      return i;
  return -1;
}

int schema_access_op(const char *k) {
  return name_index(schema_access_kind, SIM_OP__COUNT, k);
}

int schema_flow_index(const char *k) {
  return name_index(schema_flow_kind, SIM_FLOW__COUNT, k);
}

const char *schema_outcome_name(enum sim_outcome o) {
  switch (o) {
  case SIM_CLEAN:
    return "clean";
  case SIM_VIOLATION:
    return "violation";
  case SIM_STEP_LIMIT:
    return "step-limit";
  case SIM_PRUNED:
    return "pruned";
  case SIM_BOUNDED:
    return "bounded";
  }
  return "incomplete";
}

/* Reads one integer from a single-row query; -1 (and SQLite's code in
 *rc) on error. */
static int64_t query_int(sqlite3 *db, const char *sql, int *rc) {
  sqlite3_stmt *st;
  int64_t v = -1;
  *rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (*rc != SQLITE_OK)
    return -1;
  *rc = sqlite3_step(st);
  if (*rc == SQLITE_ROW) {
    v = sqlite3_column_int64(st, 0);
    *rc = SQLITE_OK;
  }
  sqlite3_finalize(st);
  return v;
}

enum schema_state schema_check(sqlite3 *db, const char *path, char *err,
                               size_t errlen) {
  int rc;
  int64_t appid = query_int(db, "PRAGMA application_id", &rc);
  if (rc == SQLITE_NOTADB) {
    snprintf(err, errlen, "%s: not an mmsim event log (not an SQLite database)",
             path);
    return SCHEMA_ERROR;
  }
  int64_t ntables = -1, version = -1;
  if (rc == SQLITE_OK)
    ntables = query_int(db, "SELECT count(*) FROM sqlite_schema", &rc);
  if (rc == SQLITE_OK)
    version = query_int(db, "PRAGMA user_version", &rc);
  if (rc != SQLITE_OK) {
    snprintf(err, errlen, "%s: cannot read: %s", path, sqlite3_errmsg(db));
    return SCHEMA_ERROR;
  }
  if (appid != RLOG_APP_ID && (ntables > 0 || appid != 0 || version != 0)) {
    snprintf(err, errlen, "%s: not an mmsim event log", path);
    return SCHEMA_ERROR;
  }
  if (appid == RLOG_APP_ID && version != RLOG_SCHEMA_VERSION) {
    snprintf(err, errlen,
             "%s: event log schema version %" PRId64
             ", this mmsim reads version %d",
             path, version, RLOG_SCHEMA_VERSION);
    return SCHEMA_ERROR;
  }
  return appid == RLOG_APP_ID ? SCHEMA_OK : SCHEMA_EMPTY;
}

int schema_create(sqlite3 *db) {
  assert(sqlite3_get_autocommit(db) == 0); /* inside the caller's BEGIN */
  char pragmas[128];
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA application_id=%d; PRAGMA user_version=%d;", RLOG_APP_ID,
           RLOG_SCHEMA_VERSION);
  int rc = sqlite3_exec(db, schema_sql, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
  return rc;
}
