/*
** log.c - the SQLite event log writer (the schema is in reports/SCHEMA.md).
**
** The writer is a sim_observer: the engine hands it one sim_event per
** granted step and one flow per happens-before arrow, in seq order, from
** inside the simulation.  Each becomes rows of prepared INSERTs that stay
** prepared for the life of the log.  Rows are batched: a transaction is
** committed every RLOG_BATCH rows and at the end of every execution, which
** is what makes the log fast (one transaction per row is 50x slower).
**
** Execution lifecycle, as seen in the database:
**
**   rlog_exec_begin          observer callbacks          rlog_exec_end
**   INSERT execution  --->   INSERT event/access/flow --> UPDATE execution
**   outcome='incomplete'     (commit every RLOG_BATCH)    INSERT violation
**   COMMIT                                                COMMIT
**
** A process killed in the middle leaves the execution 'incomplete' with the
** events of the committed batches; every execution that reached
** rlog_exec_end is complete.
**
** Strings (function names, operations, object names, values) are interned:
** an in-memory table (reports/intern.c) maps each string to its row in
** `string`, so a string is looked up in SQLite once per log handle.  Ids are
** assigned in insertion order, so the same run into a fresh log gives the
** same ids.  Object names come from the model's namer, called at most once
** per object per execution (cached by object id).
**
** The schema, its vocabulary and the check that a file is a log of our
** version live in reports/schema.c.
**
** Determinism: nothing written depends on wall time or addresses.  The only
** columns that differ between two identical runs are the row ids.
*/
#include "log.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "intern.h"
#include "schema.h"
#include "strbuf.h"

#define RLOG_BATCH 10000 /* rows per transaction */
#define RLOG_EVBUF 128   /* event rows per multi-row INSERT */
#define RLOG_ACBUF 256   /* access rows per multi-row INSERT */

/* Persistent prepared statements. */
enum {
  ST_STR_INSERT,
  ST_STR_SELECT,
  ST_RUN,
  ST_THREAD,
  ST_EXEC_ORDINAL,
  ST_EXEC_INSERT,
  ST_EXEC_UPDATE,
  ST_FLOW,
  ST_VIOLATION,
  ST_LOCK_EDGE,
  ST_FINAL_STATE,
  ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
    [ST_STR_INSERT] =
        "INSERT INTO string(str) VALUES (?1) ON CONFLICT(str) DO NOTHING",
    [ST_STR_SELECT] = "SELECT id FROM string WHERE str = ?1",
    [ST_RUN] = "INSERT INTO run(mode, scenario_path, title, variant, knobs,"
               " policy, seed, ncpus, expect, mmsim_version, knobs_set)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [ST_THREAD] = "INSERT INTO thread(run_id, tid, name, cpu, description)"
                  " VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_EXEC_ORDINAL] = "SELECT COALESCE(MAX(ordinal), 0) + 1 FROM execution"
                        " WHERE run_id = ?1",
    [ST_EXEC_INSERT] = "INSERT INTO execution(run_id, ordinal, outcome)"
                       " VALUES (?1, ?2, 'incomplete')",
    [ST_EXEC_UPDATE] = "UPDATE execution SET outcome = ?2, schedule = ?3,"
                       " steps = ?4, end_ns = ?5, trace_hash = ?6,"
                       " state_hash = ?7, note = ?8, counterexample = ?9"
                       " WHERE id = ?1",
    [ST_FLOW] = "INSERT OR IGNORE INTO flow(exec_id, from_seq, to_seq, kind,"
                " obj) VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_VIOLATION] = "INSERT INTO violation(exec_id, kind, seq, message,"
                     " objects) VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_LOCK_EDGE] = "INSERT INTO lock_edge(run_id, idx, held, acquired,"
                     " held_shared, acquired_shared, wait, thread, chain,"
                     " step, schedule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                     " ?8, ?9, ?10, ?11)",
    [ST_FINAL_STATE] = "INSERT INTO final_state(run_id, idx, state, count)"
                       " VALUES (?1, ?2, ?3, ?4)",
};

/* Rows waiting for a multi-row INSERT: one statement for many rows halves
   the cost per row compared with one sqlite3_step() per row. */
typedef struct evrow {
  int64_t exec_id, seq, ts, dur;
  int64_t fn, op, obj, before, after; /* string ids, 0: NULL */
  int cpu, tid, depth;
} evrow;

typedef struct acrow {
  int64_t exec_id, seq, obj;
  int idx;
  uint8_t op; /* enum sim_op */
} acrow;

/* A cached object name for the current execution (id 0: not named yet). */
typedef struct objname {
  int64_t id;
  const char *s; /* points into the intern table */
} objname;

struct rlog {
  sqlite3 *db;
  int counterexample; /* the open execution re-runs a counterexample */
  sqlite3_stmt *st[ST__COUNT];
  sqlite3_stmt *ev_many, *ev_one; /* RLOG_EVBUF event rows, one */
  sqlite3_stmt *ac_many, *ac_one; /* RLOG_ACBUF access rows, one */
  evrow evbuf[RLOG_EVBUF];
  acrow acbuf[RLOG_ACBUF];
  int nev, nac; /* rows buffered, always flushed before COMMIT */
  char err[512];
  int in_txn;      /* a BEGIN is open */
  unsigned batch;  /* rows written since BEGIN */
  int failed;      /* an observer callback failed; reported at exec_end */
  intern_tab strs; /* interned strings */
  /* the execution in progress (exec_id 0: none) */
  int64_t exec_id;
  rlog_namer namer;
  void *namer_arg;
  objname *onames; /* indexed by sim_oid */
  size_t nonames;
  sim_observer obs;
};

/* ------------------------------------------------------------- errors */

static int fail(rlog *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int fail(rlog *l, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->err, sizeof l->err, fmt, ap);
  va_end(ap);
  l->failed = 1;
  return -1;
}

static int sqlfail(rlog *l, const char *what) {
  return fail(l, "event log: %s: %s", what, sqlite3_errmsg(l->db));
}

const char *rlog_errmsg(rlog *l) {
  return l->err;
}

/* Runs a statement of the persistent set to completion and resets it. */
static int run_stmt(rlog *l, int which) {
  sqlite3_stmt *st = l->st[which];
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sqlfail(l, stmt_sql[which]);
  return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

/* String ids are never 0; 0 stands for "no string" and is stored NULL. */
static void bind_sid(sqlite3_stmt *st, int i, int64_t id) {
  if (id > 0)
    sqlite3_bind_int64(st, i, id);
  else
    sqlite3_bind_null(st, i);
}

/* -------------------------------------------------------- transactions */

static int exec_sql(rlog *l, const char *sql) {
  if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sqlfail(l, sql);
  return 0;
}

static int txn_begin(rlog *l) {
  if (l->in_txn)
    return 0;
  if (exec_sql(l, "BEGIN") < 0)
    return -1;
  l->in_txn = 1;
  l->batch = 0;
  return 0;
}

/* Binds one buffered row from parameter k + 1 on. */
static void bind_event(sqlite3_stmt *st, int k, const void *row) {
  const evrow *e = row;
  const int64_t ints[] = {e->exec_id, e->seq, e->ts,   e->dur,
                          e->cpu,     e->tid, e->depth};
  const int64_t sids[] = {e->fn, e->op, e->obj, e->before, e->after};
  for (int i = 0; i < 7; i++)
    sqlite3_bind_int64(st, k + 1 + i, ints[i]);
  for (int i = 0; i < 5; i++)
    bind_sid(st, k + 8 + i, sids[i]);
}

static void bind_access(sqlite3_stmt *st, int k, const void *row) {
  const acrow *a = row;
  const int64_t ints[] = {a->exec_id, a->seq, a->idx, a->obj};
  for (int i = 0; i < 4; i++)
    sqlite3_bind_int64(st, k + 1 + i, ints[i]);
  sqlite3_bind_text(st, k + 5, schema_access_kind[a->op], -1, SQLITE_STATIC);
}

/* One kind of buffered row. */
typedef struct rowkind {
  int cols, cap; /* columns of a row; rows of the multi-row INSERT */
  size_t size;   /* bytes of a row in its buffer */
  void (*bind)(sqlite3_stmt *st, int k, const void *row);
  const char *head; /* "INSERT INTO table(columns) VALUES" */
  const char *what; /* for error messages */
} rowkind;

static const rowkind event_rows = {
    12,
    RLOG_EVBUF,
    sizeof(evrow),
    bind_event,
    "INSERT INTO event(exec_id, seq, ts, dur, cpu, tid, depth, fn, op, obj,"
    " before, after) VALUES",
    "insert events"};
static const rowkind access_rows = {
    5,
    RLOG_ACBUF,
    sizeof(acrow),
    bind_access,
    "INSERT INTO access(exec_id, seq, idx, obj, kind) VALUES",
    "insert accesses"};

static int step_reset(rlog *l, sqlite3_stmt *st, const char *what) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : sqlfail(l, what);
}

/* Writes the '*n' buffered 'rows': a full buffer with the multi-row
   statement 'many', a partial one (at a commit) row by row with 'one'. */
static int flush_buf(rlog *l, const rowkind *rk, const void *rows, int *n,
                     sqlite3_stmt *many, sqlite3_stmt *one) {
  assert(*n >= 0 && *n <= rk->cap);
  const char *p = rows;
  int rc = 0;
  if (*n == rk->cap) {
    for (int i = 0; i < rk->cap; i++)
      rk->bind(many, rk->cols * i, p + (size_t)i * rk->size);
    rc = step_reset(l, many, rk->what);
  } else {
    for (int i = 0; i < *n && rc == 0; i++) {
      rk->bind(one, 0, p + (size_t)i * rk->size);
      rc = step_reset(l, one, rk->what);
    }
  }
  *n = 0;
  return rc;
}

static int flush_events(rlog *l) {
  return flush_buf(l, &event_rows, l->evbuf, &l->nev, l->ev_many, l->ev_one);
}

static int flush_accesses(rlog *l) {
  return flush_buf(l, &access_rows, l->acbuf, &l->nac, l->ac_many, l->ac_one);
}

static int flush_rows(rlog *l) {
  int rc = flush_events(l);
  if (flush_accesses(l) < 0)
    rc = -1;
  return rc;
}

/* Forgets a failed transaction: its rows and the strings it created. */
static void txn_rollback(rlog *l) {
  if (l->in_txn)
    sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
  l->in_txn = 0;
  l->nev = l->nac = 0;
  intern_clear(&l->strs);
  for (size_t i = 0; i < l->nonames; i++)
    l->onames[i] = (objname){0, NULL};
}

static int txn_commit(rlog *l) {
  if (!l->in_txn)
    return 0;
  int rc = flush_rows(l);
  l->in_txn = 0;
  if (rc < 0 || exec_sql(l, "COMMIT") < 0) {
    l->in_txn = 1; /* the strings it created may not exist any more */
    txn_rollback(l);
    return -1;
  }
  return 0;
}

/* Counts rows into the open batch; commits and reopens a full one. */
static int txn_rows(rlog *l, unsigned n) {
  assert(l->in_txn);
  l->batch += n;
  if (l->batch < RLOG_BATCH)
    return 0;
  if (txn_commit(l) < 0)
    return -1;
  return txn_begin(l);
}

/* ------------------------------------------------------------ strings */

/* The row id of 's' in `string`, inserting it if new; the row already
   exists when the log was written by an earlier handle. */
static int64_t string_row(rlog *l, const char *s) {
  sqlite3_stmt *st = l->st[ST_STR_INSERT];
  sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
  if (run_stmt(l, ST_STR_INSERT) < 0)
    return -1;
  if (sqlite3_changes(l->db) == 1)
    return sqlite3_last_insert_rowid(l->db);
  st = l->st[ST_STR_SELECT];
  sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
  int64_t id = -1;
  if (sqlite3_step(st) == SQLITE_ROW)
    id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  if (id < 0)
    return sqlfail(l, "string lookup");
  return id;
}

/* Interns 's'; returns its id, 0 for NULL or "", -1 on error.  If 'copy' is
   given it receives the table's stable copy of the string. */
static int64_t intern(rlog *l, const char *s, const char **copy) {
  if (!s || !*s)
    return 0;
  int64_t id = intern_find(&l->strs, s, copy);
  if (id)
    return id;
  assert(l->in_txn); /* new rows belong to the current batch */
  id = string_row(l, s);
  if (id < 0)
    return -1;
  const char *dup = intern_add(&l->strs, s, id);
  if (!dup)
    return fail(l, "event log: out of memory");
  l->batch++;
  if (copy)
    *copy = dup;
  return id;
}

/* The string id of object 'o', asking the namer once per execution. */
static int64_t obj_name(rlog *l, sim_oid o, const char **name) {
  if (o >= l->nonames) {
    size_t n = l->nonames ? l->nonames : 64;
    while (n <= o)
      n *= 2;
    objname *p = realloc(l->onames, n * sizeof *p);
    if (!p)
      return fail(l, "event log: out of memory");
    memset(p + l->nonames, 0, (n - l->nonames) * sizeof *p);
    l->onames = p;
    l->nonames = n;
  }
  objname *on = &l->onames[o];
  if (!on->id) {
    char buf[128] = "";
    if (l->namer)
      l->namer(l->namer_arg, o, buf, sizeof buf);
    if (!buf[0])
      snprintf(buf, sizeof buf, "obj#%u", (unsigned)o);
    on->id = intern(l, buf, &on->s);
    if (on->id < 0) {
      on->id = 0;
      return -1;
    }
  }
  if (name)
    *name = on->s;
  return on->id;
}

/* ---------------------------------------------------------------- open */

/* Accepts an empty database (creating the schema) or an mmsim log of our
   schema version; refuses anything else without writing to it. */
static int check_or_create(rlog *l, const char *path) {
  enum schema_state state = schema_check(l->db, path, l->err, sizeof l->err);
  if (state == SCHEMA_ERROR) {
    l->failed = 1; /* the message is in l->err */
    return -1;
  }
  if (exec_sql(l, "PRAGMA journal_mode=WAL") < 0 ||
      exec_sql(l, "PRAGMA synchronous=NORMAL") < 0 ||
      exec_sql(l, "PRAGMA foreign_keys=ON") < 0)
    return -1;
  if (state == SCHEMA_OK)
    return 0;
  if (txn_begin(l) < 0)
    return -1;
  if (schema_create(l->db) != SQLITE_OK) {
    sqlfail(l, "create the schema");
    txn_rollback(l);
    return -1;
  }
  return txn_commit(l);
}

/* "INSERT ... VALUES (?,..,?),(?,..,?)..." for 'rows' rows. */
static int prepare_multi(rlog *l, const rowkind *rk, int rows,
                         sqlite3_stmt **st) {
  strbuf sql = {0};
  sb_puts(&sql, rk->head);
  for (int r = 0; r < rows; r++) {
    sb_puts(&sql, r ? ",(" : " (");
    for (int c = 0; c < rk->cols; c++)
      sb_puts(&sql, c + 1 < rk->cols ? "?," : "?)");
  }
  int rc =
      sqlite3_prepare_v3(l->db, sql.p, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
  sb_free(&sql);
  return rc == SQLITE_OK ? 0 : sqlfail(l, rk->head);
}

static int prepare_many(rlog *l) {
  if (prepare_multi(l, &event_rows, RLOG_EVBUF, &l->ev_many) < 0 ||
      prepare_multi(l, &event_rows, 1, &l->ev_one) < 0 ||
      prepare_multi(l, &access_rows, RLOG_ACBUF, &l->ac_many) < 0)
    return -1;
  return prepare_multi(l, &access_rows, 1, &l->ac_one);
}

static void obs_event(void *arg, const sim_event *ev);
static void obs_flow(void *arg, uint64_t from_seq, uint64_t to_seq,
                     enum sim_flow_kind kind, sim_oid obj);

rlog *rlog_open(const char *path, char *err, size_t errlen) {
  rlog *l = calloc(1, sizeof *l);
  if (!l) {
    snprintf(err, errlen, "%s: out of memory", path);
    return NULL;
  }
  /* NOMUTEX: a log handle is used by one thread at a time (SimGrid runs
     one actor at a time, whatever its context factory), so the per-call
     mutex of the serialized mode is pure cost: about 25% of the writer. */
  if (sqlite3_open_v2(path, &l->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                          SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    snprintf(l->err, sizeof l->err, "%s: cannot open: %s", path,
             l->db ? sqlite3_errmsg(l->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(l->db, 5000);
  if (check_or_create(l, path) < 0)
    goto fail;
  for (int i = 0; i < ST__COUNT; i++) {
    if (sqlite3_prepare_v3(l->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &l->st[i], NULL) != SQLITE_OK) {
      sqlfail(l, stmt_sql[i]);
      goto fail;
    }
  }
  if (prepare_many(l) < 0)
    goto fail;
  l->obs = (sim_observer){.arg = l, .event = obs_event, .flow = obs_flow};
  l->failed = 0;
  return l;

fail:
  snprintf(err, errlen, "%s", l->err);
  rlog_close(l);
  return NULL;
}

int rlog_close(rlog *l) {
  if (!l)
    return 0;
  int rc = 0;
  if (l->in_txn && txn_commit(l) < 0)
    rc = -1;
  for (int i = 0; i < ST__COUNT; i++)
    sqlite3_finalize(l->st[i]);
  sqlite3_finalize(l->ev_many);
  sqlite3_finalize(l->ev_one);
  sqlite3_finalize(l->ac_many);
  sqlite3_finalize(l->ac_one);
  if (l->db && sqlite3_close(l->db) != SQLITE_OK)
    rc = -1;
  intern_free(&l->strs);
  free(l->onames);
  free(l);
  return rc;
}

/* ----------------------------------------------------------------- runs */

int64_t rlog_run_begin(rlog *l, const rlog_run_info *ri) {
  assert(ri->mode && ri->ncpus > 0);
  assert(ri->nthreads >= 0 && ri->nthreads <= SIM_MAX_THREADS);
  assert(!ri->nthreads || (ri->thread_names && ri->thread_cpus));
  assert(!l->exec_id); /* runs do not nest in executions */
  l->failed = 0;
  if (txn_begin(l) < 0)
    return -1;
  sqlite3_stmt *st = l->st[ST_RUN];
  bind_text(st, 1, ri->mode);
  bind_text(st, 2, ri->scenario_path);
  bind_text(st, 3, ri->title);
  bind_text(st, 4, ri->variant);
  bind_text(st, 5, ri->knobs);
  bind_text(st, 6, ri->policy);
  sqlite3_bind_int64(st, 7, (int64_t)ri->seed); /* >= 2^63 reads negative */
  sqlite3_bind_int(st, 8, ri->ncpus);
  bind_text(st, 9, ri->expect);
  bind_text(st, 10, MMSIM_VERSION);
  bind_text(st, 11, ri->knobs_set);
  if (run_stmt(l, ST_RUN) < 0)
    return -1;
  int64_t run_id = sqlite3_last_insert_rowid(l->db);
  for (int i = 0; i < ri->nthreads; i++) {
    st = l->st[ST_THREAD];
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int(st, 2, i);
    bind_text(st, 3, ri->thread_names[i]);
    sqlite3_bind_int(st, 4, ri->thread_cpus[i]);
    bind_text(st, 5,
              ri->thread_descs && ri->thread_descs[i] && *ri->thread_descs[i]
                  ? ri->thread_descs[i]
                  : NULL);
    if (run_stmt(l, ST_THREAD) < 0)
      return -1;
  }
  if (txn_commit(l) < 0)
    return -1;
  return run_id;
}

/* ----------------------------------------------------------- executions */

int64_t rlog_exec_begin(rlog *l, int64_t run_id, rlog_namer namer,
                        void *namer_arg) {
  assert(run_id > 0);
  /* An execution left open stays 'incomplete', with what it wrote. */
  if (l->exec_id && txn_commit(l) < 0)
    return -1;
  l->exec_id = 0;
  l->failed = 0;
  l->namer = namer;
  l->namer_arg = namer_arg;
  for (size_t i = 0; i < l->nonames; i++)
    l->onames[i] = (objname){0, NULL};

  if (txn_begin(l) < 0)
    return -1;
  sqlite3_stmt *st = l->st[ST_EXEC_ORDINAL];
  sqlite3_bind_int64(st, 1, run_id);
  int64_t ordinal = 1;
  if (sqlite3_step(st) == SQLITE_ROW)
    ordinal = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  st = l->st[ST_EXEC_INSERT];
  sqlite3_bind_int64(st, 1, run_id);
  sqlite3_bind_int64(st, 2, ordinal);
  if (run_stmt(l, ST_EXEC_INSERT) < 0)
    return -1;
  int64_t id = sqlite3_last_insert_rowid(l->db);
  /* Committed at once: a crash from here on leaves it 'incomplete'. */
  if (txn_commit(l) < 0 || txn_begin(l) < 0)
    return -1;
  l->exec_id = id;
  return id;
}

const sim_observer *rlog_observer(rlog *l) {
  return &l->obs;
}

static void obs_event(void *arg, const sim_event *ev) {
  rlog *l = arg;
  assert(l->exec_id); /* rlog_exec_begin first */
  assert(ev->step && ev->step->n <= SIM_MAX_ACCESS);
  if (l->failed)
    return;
  int64_t fn = intern(l, ev->fn, NULL);
  int64_t op = intern(l, ev->what, NULL);
  int64_t obj = ev->has_obj ? obj_name(l, ev->obj, NULL) : 0;
  int64_t before = intern(l, ev->before, NULL);
  int64_t after = intern(l, ev->after, NULL);
  if (fn < 0 || op < 0 || obj < 0 || before < 0 || after < 0)
    return;

  if (l->nev == RLOG_EVBUF && flush_events(l) < 0)
    return;
  l->evbuf[l->nev++] = (evrow){.exec_id = l->exec_id,
                               .seq = (int64_t)ev->seq,
                               .ts = (int64_t)ev->ts_ns,
                               .dur = ev->dur_ns,
                               .fn = fn,
                               .op = op,
                               .obj = obj,
                               .before = before,
                               .after = after,
                               .cpu = ev->cpu,
                               .tid = ev->tid,
                               .depth = ev->depth};
  const sim_stepdesc *s = ev->step;
  for (int i = 0; i < s->n; i++) {
    assert(s->acc[i].op < SIM_OP__COUNT);
    int64_t o = obj_name(l, s->acc[i].obj, NULL);
    if (o < 0)
      return;
    if (l->nac == RLOG_ACBUF && flush_accesses(l) < 0)
      return;
    l->acbuf[l->nac++] = (acrow){.exec_id = l->exec_id,
                                 .seq = (int64_t)ev->seq,
                                 .obj = o,
                                 .idx = i,
                                 .op = s->acc[i].op};
  }
  txn_rows(l, 1 + (unsigned)s->n);
}

static void obs_flow(void *arg, uint64_t from_seq, uint64_t to_seq,
                     enum sim_flow_kind kind, sim_oid obj) {
  rlog *l = arg;
  assert(l->exec_id);
  assert(from_seq < to_seq); /* an arrow points forward in time */
  assert(kind < SIM_FLOW__COUNT);
  if (l->failed)
    return;
  int64_t o = obj_name(l, obj, NULL);
  if (o < 0)
    return;
  sqlite3_stmt *st = l->st[ST_FLOW];
  sqlite3_bind_int64(st, 1, l->exec_id);
  sqlite3_bind_int64(st, 2, (int64_t)from_seq);
  sqlite3_bind_int64(st, 3, (int64_t)to_seq);
  sqlite3_bind_text(st, 4, schema_flow_kind[kind], -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, o);
  if (sqlite3_step(st) != SQLITE_DONE)
    sqlfail(l, "insert flow");
  sqlite3_reset(st);
  if (!l->failed)
    txn_rows(l, 1);
}

static int insert_violation(rlog *l, const sim_result *r) {
  strbuf objs = {0};
  sb_puts(&objs, "[");
  for (int i = 0; i < r->nviol_objs; i++) {
    const char *name = NULL;
    if (obj_name(l, r->viol_objs[i], &name) < 0) {
      sb_free(&objs);
      return -1;
    }
    if (i)
      sb_puts(&objs, ",");
    sb_json(&objs, name);
  }
  sb_puts(&objs, "]");

  sqlite3_stmt *st = l->st[ST_VIOLATION];
  sqlite3_bind_int64(st, 1, l->exec_id);
  bind_text(st, 2, r->kind);
  sqlite3_bind_int64(st, 3, (int64_t)r->viol_seq);
  bind_text(st, 4, r->msg);
  bind_text(st, 5, objs.p);
  sb_free(&objs);
  return run_stmt(l, ST_VIOLATION);
}

void rlog_exec_counterexample(rlog *l) {
  assert(l->exec_id); /* rlog_exec_begin first */
  l->counterexample = 1;
}

int rlog_exec_end(rlog *l, const sim_result *r, const char *schedule,
                  const char *note) {
  assert(l->exec_id); /* rlog_exec_begin first */
  if (l->failed) {
    /* Keep the first error; the execution stays 'incomplete'. */
    txn_rollback(l);
    l->exec_id = 0;
    return -1;
  }
  char *own = NULL;
  if (!schedule)
    schedule = own = sim_sched_format(r->sched, r->nsched);
  if (!note && r->outcome == SIM_STEP_LIMIT)
    note = r->msg;
  char th[17], sh[17];
  snprintf(th, sizeof th, "%016" PRIx64, r->trace_hash);
  snprintf(sh, sizeof sh, "%016" PRIx64, r->state_hash);

  int rc = txn_begin(l);
  sqlite3_stmt *st = l->st[ST_EXEC_UPDATE];
  sqlite3_bind_int64(st, 1, l->exec_id);
  sqlite3_bind_text(st, 2, schema_outcome_name(r->outcome), -1, SQLITE_STATIC);
  bind_text(st, 3, schedule);
  sqlite3_bind_int64(st, 4, (int64_t)r->steps);
  sqlite3_bind_int64(st, 5, (int64_t)r->end_ns);
  bind_text(st, 6, th);
  bind_text(st, 7, sh);
  bind_text(st, 8, note && *note ? note : NULL);
  sqlite3_bind_int(st, 9, l->counterexample);
  l->counterexample = 0;
  if (rc == 0)
    rc = run_stmt(l, ST_EXEC_UPDATE);
  if (rc == 0 && r->outcome == SIM_VIOLATION)
    rc = insert_violation(l, r);
  free(own);
  if (rc == 0)
    rc = txn_commit(l);
  else
    txn_rollback(l);
  l->exec_id = 0;
  return rc;
}

/* ----------------------------------------------------------- lock order */

int rlog_lock_edges(rlog *l, int64_t run_id, const sim_lockdep *ld) {
  assert(!l->exec_id); /* between executions */
  int n = sim_lockdep_nedges(ld), rc = txn_begin(l);
  for (int i = 0; i < n && rc == 0; i++) {
    sim_lockdep_edge e;
    sim_lockdep_edge_get(ld, i, &e);
    char *sched = sim_sched_format(e.sched, e.nsched);
    sqlite3_stmt *st = l->st[ST_LOCK_EDGE];
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int(st, 2, i);
    bind_text(st, 3, e.held);
    bind_text(st, 4, e.acquired);
    sqlite3_bind_int(st, 5, e.held_shared);
    sqlite3_bind_int(st, 6, e.acquired_shared);
    sqlite3_bind_int(st, 7, e.wait);
    bind_text(st, 8, e.thread);
    bind_text(st, 9, e.chain);
    bind_text(st, 10, e.step);
    bind_text(st, 11, sched ? sched : "");
    rc = run_stmt(l, ST_LOCK_EDGE);
    free(sched);
  }
  if (rc == 0)
    rc = txn_commit(l);
  else
    txn_rollback(l);
  return rc;
}

/* ---------------------------------------------------------- final states */

int rlog_final_states(rlog *l, int64_t run_id, const char *const *states,
                      const uint64_t *counts, size_t n) {
  assert(!l->exec_id); /* between executions */
  int rc = txn_begin(l);
  for (size_t i = 0; i < n && rc == 0; i++) {
    sqlite3_stmt *st = l->st[ST_FINAL_STATE];
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
    bind_text(st, 3, states[i]);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)counts[i]);
    rc = run_stmt(l, ST_FINAL_STATE);
  }
  if (rc == 0)
    rc = txn_commit(l);
  else
    txn_rollback(l);
  return rc;
}
