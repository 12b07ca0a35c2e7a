/*
** logwriter.c - the SQLite side of the event log writer: the queued
** records become rows, and a writer thread does it during long
** executions (the structures are in reports/log_int.h).
**
** Rows: an event is one row of `event` with its footprint packed in the
** `footprint` column as JSON text, [[obj,"kind"],...] (string ids and
** access kinds; the view `access` unpacks it); events go through a
** prepared multi-row INSERT of RLOG_EVBUF rows, flows through a
** single-row one, and a transaction is committed every RLOG_BATCH rows.
**
** The queue: a chunk of records is filled by the simulation and handed
** over when full.  The first full chunk of an execution starts a writer
** thread (all signals blocked: they stay the caller's); the caller then
** waits only when all Q_CHUNKS chunks are in flight (the bound), and
** rlog_exec_end drains and joins.  An execution that never fills a chunk
** (what `explore` logs, mostly) is written by the caller at its end,
** without a thread.  One thread writes at a time, records in queue order:
** the rows and their string ids are those of a writer without a thread.
*/
#include <assert.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log_int.h"
#include "schema.h"
#include "strbuf.h"

/* ------------------------------------------------------------- errors */

int rlog_fail(rlog *l, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->err, sizeof l->err, fmt, ap);
  va_end(ap);
  l->failed = 1;
  return -1;
}

int rlog_sqlfail(rlog *l, const char *what) {
  return rlog_fail(l, "event log: %s: %s", what, sqlite3_errmsg(l->db));
}

/* A failure on the SQLite side of the queue: kept in werr until the
   caller owns the database again (rlog_q_drain). */
static int wfail(rlog *l, const char *what) {
  if (!atomic_load(&l->wfailed)) {
    snprintf(l->werr, sizeof l->werr, "event log: %s: %s", what,
             sqlite3_errmsg(l->db));
    atomic_store(&l->wfailed, 1);
  }
  return -1;
}

int rlog_exec_sql(rlog *l, const char *sql) {
  if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return rlog_sqlfail(l, sql);
  return 0;
}

/* -------------------------------------------------------- transactions */

int rlog_txn_begin(rlog *l) {
  if (l->in_txn)
    return 0;
  if (rlog_exec_sql(l, "BEGIN") < 0)
    return -1;
  l->in_txn = 1;
  l->batch = 0;
  return 0;
}

static int flush_events(rlog *l);

/* Forgets a failed transaction: its rows and the string ids it created
   (every local id is looked up again when next used). */
void rlog_txn_rollback(rlog *l) {
  if (l->in_txn)
    sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
  l->in_txn = 0;
  l->nev = 0;
  if (l->dbid)
    memset(l->dbid, 0, l->ndbid * sizeof *l->dbid);
}

int rlog_txn_commit(rlog *l) {
  if (!l->in_txn)
    return 0;
  int rc = flush_events(l);
  l->in_txn = 0;
  if (rc < 0 || sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL)) {
    if (rc == 0)
      wfail(l, "COMMIT");
    l->in_txn = 1; /* the strings it created may not exist any more */
    rlog_txn_rollback(l);
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
  if (rlog_txn_commit(l) < 0)
    return -1;
  return rlog_txn_begin(l) < 0 ? wfail(l, "BEGIN") : 0;
}

/* ------------------------------------------------------------ strings */

/* The row id of 's' in `string`, inserting it if new; the row already
   exists when the log was written by an earlier handle. */
static int64_t string_row(rlog *l, const char *s) {
  sqlite3_stmt *st = l->st[ST_STR_INSERT];
  sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return wfail(l, "insert a string");
  if (sqlite3_changes(l->db) == 1) {
    l->batch++;
    return sqlite3_last_insert_rowid(l->db);
  }
  st = l->st[ST_STR_SELECT];
  sqlite3_bind_text(st, 1, s, -1, SQLITE_STATIC);
  int64_t id = -1;
  if (sqlite3_step(st) == SQLITE_ROW)
    id = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return id < 0 ? wfail(l, "string lookup") : id;
}

/* The row id of local string 'loc' (0: none, stored NULL). */
static int64_t dbid_of(rlog *l, uint32_t loc) {
  if (!loc)
    return 0;
  assert(loc < l->ndbid && l->text[loc]);
  if (!l->dbid[loc]) {
    int64_t id = string_row(l, l->text[loc]);
    if (id < 0)
      return -1;
    l->dbid[loc] = id;
  }
  return l->dbid[loc];
}

/* A QREC_STR: local id 'loc' is 'text'; its row is made at first use. */
static int define_string(rlog *l, uint32_t loc, const char *text) {
  if (loc >= l->ndbid) {
    size_t n = l->ndbid ? l->ndbid : 1024;
    while (n <= loc)
      n *= 2;
    int64_t *d = realloc(l->dbid, n * sizeof *d);
    if (d)
      l->dbid = d;
    const char **t = realloc(l->text, n * sizeof *t);
    if (t)
      l->text = t;
    if (!d || !t) {
      snprintf(l->werr, sizeof l->werr, "event log: out of memory");
      atomic_store(&l->wfailed, 1);
      return -1;
    }
    memset(d + l->ndbid, 0, (n - l->ndbid) * sizeof *d);
    memset(t + l->ndbid, 0, (n - l->ndbid) * sizeof *t);
    l->ndbid = n;
  }
  l->text[loc] = text;
  /* after a failure, only the text: a later execution may use it */
  if (atomic_load(&l->wfailed))
    return -1;
  return dbid_of(l, loc) < 0 ? -1 : 0;
}

/* ------------------------------------------------------------- events */

static const char event_head[] =
    "INSERT INTO event(exec_id, seq, ts, dur, cpu, tid, depth, fn, op, obj,"
    " before, after, footprint) VALUES";

/* "INSERT ... VALUES (?,..,?),(?,..,?)..." for 'rows' rows. */
static int prepare_events(rlog *l, int rows, sqlite3_stmt **st) {
  strbuf sql = {0};
  sb_puts(&sql, event_head);
  for (int r = 0; r < rows; r++)
    sb_puts(&sql, r ? ",(?,?,?,?,?,?,?,?,?,?,?,?,?)"
                    : " (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  int rc =
      sqlite3_prepare_v3(l->db, sql.p, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
  sb_free(&sql);
  return rc == SQLITE_OK ? 0 : rlog_sqlfail(l, event_head);
}

int rlog_prepare_rows(rlog *l) {
  if (prepare_events(l, RLOG_EVBUF, &l->ev_many) < 0)
    return -1;
  return prepare_events(l, 1, &l->ev_one);
}

void rlog_finalize_rows(rlog *l) {
  sqlite3_finalize(l->ev_many);
  sqlite3_finalize(l->ev_one);
  l->ev_many = l->ev_one = NULL;
}

/* Binds buffered row 'i' from parameter k + 1 on. */
static void bind_event(rlog *l, sqlite3_stmt *st, int k, int i) {
  const int64_t *v = l->evrow[i];
  for (int c = 0; c < 7; c++)
    sqlite3_bind_int64(st, k + 1 + c, v[c]);
  for (int c = 7; c < 12; c++) { /* string ids; 0 is NULL */
    if (v[c])
      sqlite3_bind_int64(st, k + 1 + c, v[c]);
    else
      sqlite3_bind_null(st, k + 1 + c);
  }
  if (l->evfp[i][0])
    sqlite3_bind_text(st, k + 13, l->evfp[i], -1, SQLITE_STATIC);
  else
    sqlite3_bind_null(st, k + 13);
}

static int step_reset(rlog *l, sqlite3_stmt *st) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE ? 0 : wfail(l, "insert events");
}

/* Writes the buffered event rows: a full buffer with the multi-row
   statement, a partial one (at a commit) row by row. */
static int flush_events(rlog *l) {
  int rc = 0;
  if (l->nev == RLOG_EVBUF) {
    for (int i = 0; i < RLOG_EVBUF; i++)
      bind_event(l, l->ev_many, 13 * i, i);
    rc = step_reset(l, l->ev_many);
  } else {
    for (int i = 0; i < l->nev && rc == 0; i++) {
      bind_event(l, l->ev_one, 0, i);
      rc = step_reset(l, l->ev_one);
    }
  }
  l->nev = 0;
  return rc;
}

static char *put_int(char *p, int64_t v) {
  char tmp[24];
  int n = 0;
  uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
  do
    tmp[n++] = (char)('0' + u % 10);
  while (u /= 10);
  if (v < 0)
    *p++ = '-';
  while (n)
    *p++ = tmp[--n];
  return p;
}

/* The footprint as JSON, [[obj,"kind"],...], or "" when empty. */
static int format_footprint(rlog *l, const qacc *a, int n, char *out) {
  char *p = out;
  for (int i = 0; i < n; i++) {
    int64_t o = dbid_of(l, a[i].obj);
    if (o < 0)
      return -1;
    assert(a[i].op < SIM_OP__COUNT);
    const char *k = schema_access_kind[a[i].op];
    *p++ = i ? ',' : '[';
    *p++ = '[';
    p = put_int(p, o);
    *p++ = ',';
    *p++ = '"';
    size_t kl = strlen(k);
    memcpy(p, k, kl);
    p += kl;
    *p++ = '"';
    *p++ = ']';
  }
  if (n)
    *p++ = ']';
  *p = 0;
  assert((size_t)(p - out) < sizeof l->evfp[0]);
  return 0;
}

static int write_event(rlog *l, const qchunk *c, const qrec *r) {
  if (l->nev == RLOG_EVBUF && flush_events(l) < 0)
    return -1;
  int64_t *v = l->evrow[l->nev];
  const uint32_t sids[5] = {r->fn, r->op, r->obj, r->before, r->after};
  for (int i = 0; i < 5; i++)
    if ((v[7 + i] = dbid_of(l, sids[i])) < 0)
      return -1;
  v[0] = r->exec_id;
  v[1] = r->seq;
  v[2] = r->ts;
  v[3] = r->dur;
  v[4] = r->cpu;
  v[5] = r->tid;
  v[6] = r->depth;
  if (format_footprint(l, &c->acc[r->acc0], r->nacc, l->evfp[l->nev]) < 0)
    return -1;
  l->nev++;
  return txn_rows(l, 1);
}

static int write_flow(rlog *l, const qrec *r) {
  int64_t o = dbid_of(l, r->obj);
  if (o < 0)
    return -1;
  sqlite3_stmt *st = l->st[ST_FLOW];
  sqlite3_bind_int64(st, 1, r->exec_id);
  sqlite3_bind_int64(st, 2, r->seq);
  sqlite3_bind_int64(st, 3, r->ts);
  sqlite3_bind_text(st, 4, schema_flow_kind[r->kind], -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 5, o);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc != SQLITE_DONE)
    return wfail(l, "insert flow");
  return txn_rows(l, 1);
}

/* Writes a chunk's records, in order; after a failure, none. */
static void write_chunk(rlog *l, qchunk *c) {
  if (!l->in_txn && !atomic_load(&l->wfailed) && rlog_txn_begin(l) < 0)
    wfail(l, "BEGIN");
  for (int i = 0; i < c->nrec; i++) {
    const qrec *r = &c->rec[i];
    if (r->type == QREC_STR) {
      define_string(l, r->fn, r->str);
      continue;
    }
    if (atomic_load(&l->wfailed))
      continue;
    switch ((enum qrec_type)r->type) {
    case QREC_STR:
      break;
    case QREC_EVENT:
      write_event(l, c, r);
      break;
    case QREC_FLOW:
      write_flow(l, r);
      break;
    }
  }
  c->nrec = c->nacc = 0;
}

/* ------------------------------------------------------------- queue */

static void *writer_main(void *arg) {
  rlog *l = arg;
  pthread_mutex_lock(&l->mu);
  for (;;) {
    while (!l->nfull && !l->stop)
      pthread_cond_wait(&l->cv_full, &l->mu);
    if (!l->nfull)
      break; /* stopped and drained */
    qchunk *c = l->full[l->full_head];
    l->full_head = (l->full_head + 1) % Q_CHUNKS;
    l->nfull--;
    pthread_mutex_unlock(&l->mu);
    write_chunk(l, c);
    pthread_mutex_lock(&l->mu);
    l->free_[l->nfree++] = c;
    pthread_cond_signal(&l->cv_free);
  }
  pthread_mutex_unlock(&l->mu);
  return NULL;
}

static int start_thread(rlog *l) {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  l->stop = 0;
  int rc = pthread_create(&l->thread, NULL, writer_main, l);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  l->thread_on = rc == 0;
  return rc == 0 ? 0 : -1;
}

int rlog_q_handover(rlog *l, int may_thread) {
  if (!l->thread_on && (!may_thread || start_thread(l) < 0)) {
    write_chunk(l, l->cur); /* no thread: written here and now */
    return atomic_load(&l->wfailed) ? -1 : 0;
  }
  pthread_mutex_lock(&l->mu);
  l->full[(l->full_head + l->nfull) % Q_CHUNKS] = l->cur;
  l->nfull++;
  pthread_cond_signal(&l->cv_full);
  while (!l->nfree)
    pthread_cond_wait(&l->cv_free, &l->mu);
  l->cur = l->free_[--l->nfree];
  pthread_mutex_unlock(&l->mu);
  return 0;
}

int rlog_q_drain(rlog *l) {
  if (l->thread_on) {
    pthread_mutex_lock(&l->mu);
    l->full[(l->full_head + l->nfull) % Q_CHUNKS] = l->cur;
    l->nfull++;
    l->stop = 1;
    pthread_cond_signal(&l->cv_full);
    pthread_mutex_unlock(&l->mu);
    pthread_join(l->thread, NULL);
    l->thread_on = 0;
    assert(!l->nfull && l->nfree == Q_CHUNKS);
    l->cur = l->free_[--l->nfree];
  } else {
    write_chunk(l, l->cur);
  }
  return atomic_load(&l->wfailed) ? rlog_take_werr(l) : 0;
}

int rlog_take_werr(rlog *l) {
  if (atomic_load(&l->wfailed))
    snprintf(l->err, sizeof l->err, "%s", l->werr);
  else if (!l->failed)
    snprintf(l->err, sizeof l->err, "event log: write failed");
  l->failed = 1;
  atomic_store(&l->wfailed, 0);
  return -1;
}

int rlog_q_init(rlog *l) {
  pthread_mutex_init(&l->mu, NULL);
  pthread_cond_init(&l->cv_full, NULL);
  pthread_cond_init(&l->cv_free, NULL);
  for (int i = 0; i < Q_CHUNKS; i++) {
    if (!(l->pool[i] = calloc(1, sizeof *l->pool[i])))
      return rlog_fail(l, "event log: out of memory");
    l->free_[l->nfree++] = l->pool[i];
  }
  l->cur = l->free_[--l->nfree];
  return 0;
}

void rlog_q_free(rlog *l) {
  assert(!l->thread_on);
  for (int i = 0; i < Q_CHUNKS; i++)
    free(l->pool[i]);
  pthread_mutex_destroy(&l->mu);
  pthread_cond_destroy(&l->cv_full);
  pthread_cond_destroy(&l->cv_free);
  free(l->dbid);
  free(l->text);
}
