/*
** logwriter.c - the SQLite side of the event log writer: the queued
** records become rows, and a writer thread does it during long
** executions (the structures are in reports/log_int.h).
**
** Rows: events are packed, up to RLOG_EVBATCH of one execution in a row
** of `event_batch`, as the JSON text of an array with one array per
** event, its footprint inside (string ids and access kinds; the views
** `event` and `access` unpack them, see reports/schema.c).  One row per
** event cost twice the simulation's own time in SQLite alone; one per 64
** costs a few percent.  The flows into an event (about one per eight
** steps) are held until the event is written and go into its array
** (schema 7); a transaction is committed every RLOG_BATCH events and
** strings.
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
  l->evlen = 0;
  l->npflows = 0;
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

/* The row id of local string 'loc' (0: none, stored NULL); the hit, an
   event's five strings and its objects, is inlined. */
static int64_t dbid_miss(rlog *l, uint32_t loc) {
  assert(loc < l->ndbid && l->text[loc]);
  int64_t id = string_row(l, l->text[loc]);
  if (id < 0)
    return -1;
  l->dbid[loc] = id;
  return id;
}

static inline int64_t dbid_of(rlog *l, uint32_t loc) {
  if (!loc)
    return 0;
  assert(loc < l->ndbid);
  return l->dbid[loc] ? l->dbid[loc] : dbid_miss(l, loc);
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

static const char event_sql[] =
    "INSERT INTO event_batch(exec_id, seq0, events) VALUES (?, ?, ?)";

int rlog_prepare_rows(rlog *l) {
  int rc = sqlite3_prepare_v3(l->db, event_sql, -1, SQLITE_PREPARE_PERSISTENT,
                              &l->ev_batch, NULL);
  return rc == SQLITE_OK ? 0 : rlog_sqlfail(l, event_sql);
}

void rlog_finalize_rows(rlog *l) {
  sqlite3_finalize(l->ev_batch);
  l->ev_batch = NULL;
  free(l->evtext);
  l->evtext = NULL;
  l->evcap = l->evlen = 0;
  free(l->pflows);
  l->pflows = NULL;
  l->npflows = l->pflowcap = 0;
}

/* Writes the open batch as one row of `event_batch`. */
static int flush_events(rlog *l) {
  if (!l->nev)
    return 0;
  assert(l->evlen + 2 <= l->evcap);
  l->evtext[l->evlen++] = ']';
  l->evtext[l->evlen] = 0;
  sqlite3_stmt *st = l->ev_batch;
  sqlite3_bind_int64(st, 1, l->ev_exec);
  sqlite3_bind_int64(st, 2, l->ev_seq0);
  sqlite3_bind_text(st, 3, l->evtext, (int)l->evlen, SQLITE_STATIC);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  l->nev = 0;
  l->evlen = 0;
  return rc == SQLITE_DONE ? 0 : wfail(l, "insert events");
}

/* 'v' in decimal, written in place from its last digit, two digits a
   step; most numbers of an event (cpu, tid, depth, cost, string ids) are
   one or two digits.  A third of the writer's time went to this with a
   digit a step, then a fifth with two through a buffer. */
static char *put_int_any(char *p, int64_t v) {
  static const char pairs[] = "00010203040506070809101112131415161718192021"
                              "22232425262728293031323334353637383940414243"
                              "44454647484950515253545556575859606162636465"
                              "66676869707172737475767778798081828384858687"
                              "888990919293949596979899";
  uint64_t u = (uint64_t)v;
  if (v < 0) {
    *p++ = '-';
    u = -(uint64_t)v;
  }
  if (u < 10) {
    *p++ = (char)('0' + u);
    return p;
  }
  static const uint64_t tens[20] = {1ULL,
                                    10ULL,
                                    100ULL,
                                    1000ULL,
                                    10000ULL,
                                    100000ULL,
                                    1000000ULL,
                                    10000000ULL,
                                    100000000ULL,
                                    1000000000ULL,
                                    10000000000ULL,
                                    100000000000ULL,
                                    1000000000000ULL,
                                    10000000000000ULL,
                                    100000000000000ULL,
                                    1000000000000000ULL,
                                    10000000000000000ULL,
                                    100000000000000000ULL,
                                    1000000000000000000ULL,
                                    10000000000000000000ULL};
  int n = 2; /* digits */
  while (n < 20 && u >= tens[n])
    n++;
  char *q = p + n;
  while (u >= 100) {
    q -= 2;
    memcpy(q, pairs + (u % 100) * 2, 2);
    u /= 100;
  }
  if (u >= 10) {
    q -= 2;
    memcpy(q, pairs + u * 2, 2);
  } else {
    *--q = (char)('0' + u);
  }
  assert(q == p);
  return p + n;
}

/* put_int_any() with the one- and two-digit numbers (cpu, tid, depth,
   most costs and string ids) inlined. */
static inline char *put_int(char *p, int64_t v) {
  if ((uint64_t)v < 10) {
    *p = (char)('0' + v);
    return p + 1;
  }
  if ((uint64_t)v < 100) {
    p[0] = (char)('0' + v / 10);
    p[1] = (char)('0' + v % 10);
    return p + 2;
  }
  return put_int_any(p, v);
}

/* '"k"': a short word of the log's vocabulary (an access or flow kind,
   one to four letters), copied without strlen and memcpy calls. */
static char *put_word(char *p, const char *k) {
  *p++ = '"';
  while (*k)
    *p++ = *k++;
  *p++ = '"';
  return p;
}

/* A string column: the row id, or null for none. */
static char *put_sid(char *p, int64_t id) {
  if (id)
    return put_int(p, id);
  memcpy(p, "null", 4);
  return p + 4;
}

/* The longest text of one event: 12 numbers of at most 20 digits and a
   sign, separators, and the footprint's [obj,"kind"] pairs; and of one
   of its flows, [from,"kind",obj]. */
#define EV_MAX_TEXT (12 * 24 + 8 + SIM_MAX_ACCESS * 32)
#define FLOW_MAX_TEXT (2 * 24 + 32)

/* The order of version 6's `flow` primary key within one step: from_seq,
   kind (as text), object; `SELECT ... FROM flow` of a log written by one
   process at a time gives the same rows in the same order as before the
   flows moved into the events. */
static int pflow_cmp(const void *a, const void *b) {
  const pflow *x = a, *y = b;
  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  int k = strcmp(schema_flow_kind[x->kind], schema_flow_kind[y->kind]);
  if (k)
    return k;
  return (x->obj > y->obj) - (x->obj < y->obj);
}

/* Appends ',[[from,"kind",obj],...]', the flows waiting for the event
   being written, and forgets them. */
static char *put_flows(rlog *l, char *p) {
  qsort(l->pflows, (size_t)l->npflows, sizeof *l->pflows, pflow_cmp);
  *p++ = ',';
  *p++ = '[';
  for (int i = 0; i < l->npflows; i++) {
    const pflow *f = &l->pflows[i];
    if (i)
      *p++ = ',';
    *p++ = '[';
    p = put_int(p, f->from);
    *p++ = ',';
    p = put_word(p, schema_flow_kind[f->kind]);
    *p++ = ',';
    p = put_int(p, f->obj);
    *p++ = ']';
  }
  *p++ = ']';
  l->npflows = 0;
  return p;
}

/* Appends one event to the open batch (opening one if needed):
   [seq,ts,dur,cpu,tid,depth,fn,op,obj,before,after,[[obj,"kind"],...]]
   with string row ids (null: none) and access kinds, and a thirteenth
   element [[from_seq,"kind",obj],...] if flows point to it. */
static int write_event(rlog *l, const qchunk *c, const qrec *r) {
  assert(r->nacc <= SIM_MAX_ACCESS);
  if (l->nev &&
      (l->nev == RLOG_EVBATCH || r->exec_id != l->ev_exec ||
       r->seq >> 6 != l->ev_seq0 >> 6 || r->seq <= l->ev_last) &&
      flush_events(l) < 0)
    return -1;
  /* arrows into a step whose event never came (the simulation side
     failed on it, and the execution will end failed): not written */
  if (l->npflows && l->pflows[0].to != r->seq)
    l->npflows = 0;
  const uint32_t sids[5] = {r->fn, r->op, r->obj, r->before, r->after};
  int64_t ids[5];
  for (int i = 0; i < 5; i++)
    if ((ids[i] = dbid_of(l, sids[i])) < 0)
      return -1;
  const qacc *a = &c->acc[r->acc0];
  int64_t oids[SIM_MAX_ACCESS];
  for (int i = 0; i < r->nacc; i++)
    if ((oids[i] = dbid_of(l, a[i].obj)) < 0)
      return -1;
  size_t need = l->evlen + EV_MAX_TEXT + 4 + (size_t)l->npflows * FLOW_MAX_TEXT;
  if (need > l->evcap) {
    l->evcap = l->evcap ? 2 * l->evcap : 64 * 128 + EV_MAX_TEXT;
    if (l->evcap < need)
      l->evcap = need;
    l->evtext = sb_xrealloc(l->evtext, l->evcap);
  }
  char *p = l->evtext + l->evlen;
  if (!l->nev) {
    l->ev_exec = r->exec_id;
    l->ev_seq0 = r->seq;
  }
  l->ev_last = r->seq;
  *p++ = l->nev ? ',' : '[';
  *p++ = '[';
  const int64_t nums[6] = {r->seq, r->ts, r->dur, r->cpu, r->tid, r->depth};
  for (int i = 0; i < 6; i++) {
    p = put_int(p, nums[i]);
    *p++ = ',';
  }
  for (int i = 0; i < 5; i++) {
    p = put_sid(p, ids[i]);
    *p++ = ',';
  }
  *p++ = '[';
  for (int i = 0; i < r->nacc; i++) {
    assert(a[i].op < SIM_OP__COUNT);
    if (i)
      *p++ = ',';
    *p++ = '[';
    p = put_int(p, oids[i]);
    *p++ = ',';
    p = put_word(p, schema_access_kind[a[i].op]);
    *p++ = ']';
  }
  *p++ = ']';
  if (l->npflows)
    p = put_flows(l, p);
  *p++ = ']';
  assert((size_t)(p - l->evtext) + 2 <= l->evcap);
  l->evlen = (size_t)(p - l->evtext);
  l->nev++;
  return txn_rows(l, 1);
}

/* A QREC_FLOW: kept until its event comes (write_event), once: the
   engine may draw the same arrow twice into one step (two accesses of one
   object), and a flow is a set. */
static int write_flow(rlog *l, const qrec *r) {
  int64_t o = dbid_of(l, r->obj);
  if (o < 0)
    return -1;
  assert(!l->npflows || l->pflows[0].to == r->ts); /* one step's flows */
  for (int i = 0; i < l->npflows; i++) {
    const pflow *f = &l->pflows[i];
    if (f->from == r->seq && f->kind == r->kind && f->obj == o)
      return 0;
  }
  if (l->npflows == l->pflowcap) {
    l->pflowcap = l->pflowcap ? 2 * l->pflowcap : 16;
    l->pflows = sb_xrealloc(l->pflows, (size_t)l->pflowcap * sizeof *l->pflows);
  }
  l->pflows[l->npflows++] =
      (pflow){.from = r->seq, .to = r->ts, .obj = o, .kind = r->kind};
  return 0;
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
  /* every flow had its event, unless a side failed (the simulation's
     drops an event it cannot queue, after its flows) */
  assert(!l->npflows || l->failed || atomic_load(&l->wfailed));
  l->npflows = 0;
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
