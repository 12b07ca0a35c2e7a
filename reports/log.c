/*
** log.c - the SQLite event log writer (the schema is in reports/SCHEMA.md):
** its API and the simulation's side of it.  The SQLite side, the rows and
** the writer thread, is reports/logwriter.c; their shared structure is
** reports/log_int.h.
**
** The writer is a sim_observer: the engine hands it one sim_event per
** granted step and one flow per happens-before arrow, in seq order, from
** inside the simulation.  Each becomes a fixed-size record in a chunk
** (strings as local ids, the footprint as (object, kind) pairs); full
** chunks go to a writer thread during a long execution, so the simulation
** does not wait for SQLite (logwriter.c).  The rows are the same whoever
** writes them.
**
** Execution lifecycle, as seen in the database:
**
**   rlog_exec_begin          observer callbacks           rlog_exec_end
**   INSERT execution  --->   queued; INSERT       --->    drain, join
**   outcome='incomplete'     event_batch (commit          UPDATE execution
**   COMMIT                   every RLOG_BATCH)            INSERT violation
**                                                         COMMIT
**
** A process killed in the middle leaves the execution 'incomplete' with the
** events of the committed batches; every execution that reached
** rlog_exec_end is complete: it returns after its COMMIT.
**
** Strings (function names, operations, object names, values) are interned
** here in memory (reports/intern.c) with local ids, first use first; the
** writer makes each one's row in `string` when it first meets it, in the
** same order, so the same run into a fresh log gives the same ids.  Object
** names come from the model's namer, called at most once per object per
** execution (cached by object id).
**
** The schema, its vocabulary and the check that a file is a log of our
** version live in reports/schema.c.
**
** Determinism: nothing written depends on wall time, addresses or the
** thread's timing.  The only columns that differ between two identical
** runs are the row ids.
*/
#include "log.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "log_int.h"
#include "schema.h"
#include "strbuf.h"

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
    [ST_VIOLATION] = "INSERT INTO violation(exec_id, kind, seq, message,"
                     " objects) VALUES (?1, ?2, ?3, ?4, ?5)",
    [ST_LOCK_EDGE] = "INSERT INTO lock_edge(run_id, idx, held, acquired,"
                     " held_shared, acquired_shared, wait, thread, chain,"
                     " step, schedule) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                     " ?8, ?9, ?10, ?11)",
    [ST_FINAL_STATE] = "INSERT INTO final_state(run_id, idx, state, count)"
                       " VALUES (?1, ?2, ?3, ?4)",
};

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
    return rlog_sqlfail(l, stmt_sql[which]);
  return 0;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s)
    sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null(st, i);
}

/* ------------------------------------------------------------ strings */

/* A free record of the current chunk (the caller made room). */
static qrec *new_rec(rlog *l) {
  assert(l->cur->nrec < Q_RECS);
  return &l->cur->rec[l->cur->nrec++];
}

/* Interns 's'; returns its local id, 0 for NULL or "".  The first time,
   queues its text for the writer.  If 'copy' is given it receives the
   table's stable copy of the string. */
static int64_t intern(rlog *l, const char *s, const char **copy) {
  if (!s || !*s)
    return 0;
  int64_t id = intern_find(&l->strs, s, copy);
  if (id)
    return id;
  const char *dup = intern_add(&l->strs, s, (int64_t)l->nlocal + 1);
  if (!dup)
    return rlog_fail(l, "event log: out of memory");
  id = ++l->nlocal;
  *new_rec(l) = (qrec){.type = QREC_STR, .fn = (uint32_t)id, .str = dup};
  if (copy)
    *copy = dup;
  return id;
}

/* intern() of a static string (a step label, a function name), through
   the cache by address: hashing the text on every event was a fifth of
   the simulation thread's cost of logging.  The hit is inlined; a miss
   interns and fills the slot. */
static size_t label_slot(const rlog *l, const char *s) {
  size_t n = sizeof l->label_ids / sizeof *l->label_ids;
  return ((uintptr_t)s >> 3 ^ (uintptr_t)s >> 12) & (n - 1);
}

static int64_t intern_label_miss(rlog *l, const char *s) {
  int64_t id = intern(l, s, NULL);
  if (id > 0) {
    size_t h = label_slot(l, s);
    l->label_ids[h].p = s;
    l->label_ids[h].id = (uint32_t)id;
  }
  return id;
}

static inline int64_t intern_label(rlog *l, const char *s) {
  if (!s || !*s)
    return 0;
  size_t h = label_slot(l, s);
  if (l->label_ids[h].p == s)
    return l->label_ids[h].id;
  return intern_label_miss(l, s);
}

/* The local string id of object 'o', asking the namer once per
   execution; its text in *name if 'name' is given. */
static int64_t obj_name(rlog *l, sim_oid o, const char **name) {
  if (o >= l->nonames) {
    size_t n = l->nonames ? l->nonames : 64;
    while (n <= o)
      n *= 2;
    objname *p = realloc(l->onames, n * sizeof *p);
    if (!p)
      return rlog_fail(l, "event log: out of memory");
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
    int64_t id = intern(l, buf, &on->s);
    if (id < 0)
      return -1;
    on->id = (uint32_t)id;
  }
  if (name)
    *name = on->s;
  return on->id;
}

/* obj_name() without the text, the named object's id inlined: every
   event asks for two or three. */
static inline int64_t obj_id(rlog *l, sim_oid o) {
  if (o < l->nonames && l->onames[o].id)
    return l->onames[o].id;
  return obj_name(l, o, NULL);
}

/* Makes room in the current chunk for 'recs' records and 'accs'
   footprint entries, handing a full chunk over. */
static int room(rlog *l, int recs, int accs) {
  if (l->cur->nrec + recs <= Q_RECS && l->cur->nacc + accs <= Q_ACCS)
    return 0;
  return rlog_q_handover(l, l->exec_id != 0);
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
  /* pages of 16 KiB hold a batch of 64 events (reports/logwriter.c)
     without overflow pages; settable only before the file has a page */
  if (state == SCHEMA_EMPTY && rlog_exec_sql(l, "PRAGMA page_size=16384") < 0)
    return -1;
  if (rlog_exec_sql(l, "PRAGMA journal_mode=WAL") < 0 ||
      rlog_exec_sql(l, "PRAGMA synchronous=NORMAL") < 0 ||
      rlog_exec_sql(l, "PRAGMA foreign_keys=OFF") < 0)
    return -1;
  if (state == SCHEMA_OK)
    return 0;
  if (rlog_txn_begin(l) < 0)
    return -1;
  if (schema_create(l->db) != SQLITE_OK) {
    rlog_sqlfail(l, "create the schema");
    rlog_txn_rollback(l);
    return -1;
  }
  return rlog_txn_commit(l) < 0 ? rlog_take_werr(l) : 0;
}

static void obs_event(void *arg, const sim_event *ev);
static void obs_flow(void *arg, uint64_t from_seq, uint64_t to_seq,
                     enum sim_flow_kind kind, sim_oid obj);

rlog *rlog_open(const char *path, char *err, size_t errlen) {
  rlog *l = calloc(1, sizeof *l);
  if (!l || rlog_q_init(l) < 0) {
    snprintf(err, errlen, "%s: out of memory", path);
    if (l)
      rlog_close(l);
    return NULL;
  }
  /* NOMUTEX: a log handle is used by one thread at a time (SimGrid runs
     one actor at a time, whatever its context factory, and the writer
     thread has the handle only between its creation and its join), so
     the per-call mutex of the serialized mode is pure cost. */
  if (sqlite3_open_v2(path, &l->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                          SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    snprintf(l->err, sizeof l->err, "%s: cannot open: %s", path,
             l->db ? sqlite3_errmsg(l->db) : "out of memory");
    goto fail;
  }
  sqlite3_busy_timeout(l->db, RLOG_BUSY_MS);
  if (check_or_create(l, path) < 0 || rlog_ckpt_init(l, path) < 0)
    goto fail;
  for (int i = 0; i < ST__COUNT; i++) {
    if (sqlite3_prepare_v3(l->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &l->st[i], NULL) != SQLITE_OK) {
      rlog_sqlfail(l, stmt_sql[i]);
      goto fail;
    }
  }
  if (rlog_prepare_rows(l) < 0)
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
  if (l->db && (l->thread_on || (l->cur && l->cur->nrec)) &&
      rlog_q_drain(l) < 0)
    rc = -1;
  if (l->in_txn && rlog_txn_commit(l) < 0)
    rc = rlog_take_werr(l);
  for (int i = 0; i < ST__COUNT; i++)
    sqlite3_finalize(l->st[i]);
  rlog_finalize_rows(l);
  rlog_ckpt_stop(l); /* the log's connection closes last: it checkpoints */
  if (l->db && sqlite3_close(l->db) != SQLITE_OK)
    rc = -1;
  rlog_q_free(l);
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
  assert(!l->thread_on);
  l->failed = 0;
  if (rlog_txn_begin(l) < 0)
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
  if (rlog_txn_commit(l) < 0)
    return rlog_take_werr(l);
  return run_id;
}

/* ----------------------------------------------------------- executions */

int64_t rlog_exec_begin(rlog *l, int64_t run_id, rlog_namer namer,
                        void *namer_arg) {
  assert(run_id > 0);
  /* An execution left open stays 'incomplete', with what it wrote. */
  if (l->exec_id && (rlog_q_drain(l) < 0 || rlog_txn_commit(l) < 0)) {
    rlog_take_werr(l);
    l->exec_id = 0;
    return -1;
  }
  l->exec_id = 0;
  l->failed = 0;
  l->namer = namer;
  l->namer_arg = namer_arg;
  for (size_t i = 0; i < l->nonames; i++)
    l->onames[i] = (objname){0, NULL};

  if (rlog_txn_begin(l) < 0)
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
  if (rlog_txn_commit(l) < 0)
    return rlog_take_werr(l);
  if (rlog_txn_begin(l) < 0)
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
  const sim_stepdesc *s = ev->step;
  assert(s && s->n <= SIM_MAX_ACCESS);
  if (l->failed || atomic_load_explicit(&l->wfailed, memory_order_relaxed))
    return;
  /* at most one string record per string and access, and the event */
  if (room(l, 6 + s->n, s->n) < 0)
    return;
  /* interned in this order (the strings' ids are first-use order) */
  int64_t fn = intern_label(l, ev->fn);
  int64_t op = intern_label(l, ev->what);
  int64_t obj = ev->has_obj ? obj_id(l, ev->obj) : 0;
  int64_t before = intern(l, ev->before, NULL);
  int64_t after = intern(l, ev->after, NULL);
  if (fn < 0 || op < 0 || obj < 0 || before < 0 || after < 0)
    return;
  qchunk *c = l->cur;
  uint32_t acc0 = (uint32_t)c->nacc;
  for (int i = 0; i < s->n; i++) {
    assert(s->acc[i].op < SIM_OP__COUNT);
    int64_t o = obj_id(l, s->acc[i].obj);
    if (o < 0)
      return;
    c->acc[c->nacc++] = (qacc){(uint32_t)o, s->acc[i].op};
  }
  *new_rec(l) = (qrec){.type = QREC_EVENT,
                       .nacc = (uint16_t)s->n,
                       .acc0 = acc0,
                       .exec_id = l->exec_id,
                       .seq = (int64_t)ev->seq,
                       .ts = (int64_t)ev->ts_ns,
                       .dur = ev->dur_ns,
                       .fn = (uint32_t)fn,
                       .op = (uint32_t)op,
                       .obj = (uint32_t)obj,
                       .before = (uint32_t)before,
                       .after = (uint32_t)after,
                       .cpu = ev->cpu,
                       .tid = ev->tid,
                       .depth = ev->depth};
}

static void obs_flow(void *arg, uint64_t from_seq, uint64_t to_seq,
                     enum sim_flow_kind kind, sim_oid obj) {
  rlog *l = arg;
  assert(l->exec_id);
  assert(from_seq < to_seq); /* an arrow points forward in time */
  assert(kind < SIM_FLOW__COUNT);
  if (l->failed || atomic_load_explicit(&l->wfailed, memory_order_relaxed))
    return;
  if (room(l, 2, 0) < 0)
    return;
  int64_t o = obj_id(l, obj);
  if (o < 0)
    return;
  *new_rec(l) = (qrec){.type = QREC_FLOW,
                       .kind = (uint8_t)kind,
                       .exec_id = l->exec_id,
                       .seq = (int64_t)from_seq,
                       .ts = (int64_t)to_seq,
                       .obj = (uint32_t)o};
}

/* The violation's objects as a JSON array of names; interned before the
   queue is drained, so that their `string` rows come with the events. */
static char *violation_objects(rlog *l, const sim_result *r) {
  strbuf objs = {0};
  sb_puts(&objs, "[");
  for (int i = 0; i < r->nviol_objs; i++) {
    const char *name = NULL;
    if (room(l, 1, 0) < 0 || obj_name(l, r->viol_objs[i], &name) < 0) {
      sb_free(&objs);
      return NULL;
    }
    if (i)
      sb_puts(&objs, ",");
    sb_json(&objs, name);
  }
  sb_puts(&objs, "]");
  return objs.p;
}

static int insert_violation(rlog *l, const sim_result *r, const char *objs) {
  sqlite3_stmt *st = l->st[ST_VIOLATION];
  sqlite3_bind_int64(st, 1, l->exec_id);
  bind_text(st, 2, r->kind);
  sqlite3_bind_int64(st, 3, (int64_t)r->viol_seq);
  bind_text(st, 4, r->msg);
  bind_text(st, 5, objs);
  return run_stmt(l, ST_VIOLATION);
}

void rlog_exec_counterexample(rlog *l) {
  assert(l->exec_id); /* rlog_exec_begin first */
  l->counterexample = 1;
}

int rlog_exec_end(rlog *l, const sim_result *r, const char *schedule,
                  const char *note) {
  assert(l->exec_id); /* rlog_exec_begin first */
  char *objs = NULL;
  if (!l->failed && r->outcome == SIM_VIOLATION &&
      !(objs = violation_objects(l, r)))
    rlog_fail(l, "event log: out of memory");
  /* the queue first: from here on the database is the caller's */
  if (rlog_q_drain(l) < 0 || l->failed) {
    /* Keep the first error; the execution stays 'incomplete'. */
    rlog_txn_rollback(l);
    l->exec_id = 0;
    l->counterexample = 0;
    free(objs);
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

  int rc = rlog_txn_begin(l);
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
    rc = insert_violation(l, r, objs);
  free(own);
  free(objs);
  if (rc == 0 && rlog_txn_commit(l) < 0)
    rc = rlog_take_werr(l);
  else if (rc)
    rlog_txn_rollback(l);
  l->exec_id = 0;
  return rc;
}

/* ----------------------------------------------------------- lock order */

int rlog_lock_edges(rlog *l, int64_t run_id, const sim_lockdep *ld) {
  assert(!l->exec_id && !l->thread_on); /* between executions */
  int n = sim_lockdep_nedges(ld), rc = rlog_txn_begin(l);
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
  if (rc == 0 && rlog_txn_commit(l) < 0)
    rc = rlog_take_werr(l);
  else if (rc)
    rlog_txn_rollback(l);
  return rc;
}

/* ---------------------------------------------------------- final states */

int rlog_final_states(rlog *l, int64_t run_id, const char *const *states,
                      const uint64_t *counts, size_t n) {
  assert(!l->exec_id && !l->thread_on); /* between executions */
  int rc = rlog_txn_begin(l);
  for (size_t i = 0; i < n && rc == 0; i++) {
    sqlite3_stmt *st = l->st[ST_FINAL_STATE];
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
    bind_text(st, 3, states[i]);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)counts[i]);
    rc = run_stmt(l, ST_FINAL_STATE);
  }
  if (rc == 0 && rlog_txn_commit(l) < 0)
    rc = rlog_take_werr(l);
  else if (rc)
    rlog_txn_rollback(l);
  return rc;
}
