/*
** timeline.c - reads one execution of an event log into the timeline model
** (timeline.h) for the renderer.
**
** Reading is in three phases, so that a long execution costs memory only
** for what is drawn:
**
**   1. the execution, its run, its violation and its threads; the seq and
**      thread of every event, and every flow (the skeleton);
**   2. the footprints of every event, only when a causal slice is to be
**      cut (reports/slice.c chooses the shown events);
**   3. the full rows of the shown events, and the lock holds that overlap
**      them.
**
** Lock holds and blocked intervals (phase 3) are read by
** reports/timeline_locks.c.
**
** The log is opened without create and with query_only, and closed before
** timeline_load returns.  Every query is ordered, so the same log gives
** the same model.
*/
#include "reports/timeline.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "reports/schema.h"
#include "reports/strbuf.h"
#include "reports/timeline_int.h"

static int rd_fail(tl_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int rd_fail(tl_reader *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->err, r->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

static int sql_fail(tl_reader *r) {
  return rd_fail(r, "%s: %s", r->path, sqlite3_errmsg(r->db));
}

char *tl_col_dup(sqlite3_stmt *st, int c) {
  const unsigned char *s = sqlite3_column_text(st, c);
  return s ? strdup((const char *)s) : NULL;
}

/* Prepares 'sql' with ?1 bound to 'arg'. */
int tl_prepare(tl_reader *r, const char *sql, int64_t arg, sqlite3_stmt **st) {
  if (sqlite3_prepare_v2(r->db, sql, -1, st, NULL) != SQLITE_OK)
    return sql_fail(r);
  sqlite3_bind_int64(*st, 1, arg);
  return 0;
}

/* The integer in the first row of 'sql'; *found 0 if none (or NULL). */
static int64_t one_int(tl_reader *r, const char *sql, int64_t arg, int *found) {
  sqlite3_stmt *st;
  int64_t v = 0;
  *found = 0;
  if (tl_prepare(r, sql, arg, &st) < 0)
    return -1;
  if (sqlite3_step(st) == SQLITE_ROW &&
      sqlite3_column_type(st, 0) != SQLITE_NULL) {
    v = sqlite3_column_int64(st, 0);
    *found = 1;
  }
  sqlite3_finalize(st);
  return v;
}

/* A WAL log in a directory we may not write: SQLite cannot create its
   -shm file to read it.  Closed cleanly (no -wal file), the log is whole
   in its main file and is read as immutable; otherwise say what failed. */
static enum schema_state open_immutable(tl_reader *r) {
  char wal[4200], *uri = NULL;
  snprintf(wal, sizeof wal, "%s-wal", r->path);
  if (access(wal, F_OK) == 0) {
    rd_fail(r,
            "%s: cannot read a WAL log whose directory is not writable (SQLite "
            "must create %s-shm next to %s): copy the log and its -wal file "
            "to a writable directory",
            r->path, r->path, wal);
    return SCHEMA_ERROR;
  }
  sqlite3_close(r->db);
  r->db = NULL;
  strbuf u = {0}; /* a URI: '%', '?' and '#' of the path escaped */
  sb_puts(&u, "file:");
  for (const char *p = r->path; *p; p++)
    if (*p == '%' || *p == '?' || *p == '#')
      sb_printf(&u, "%%%02X", (unsigned char)*p);
    else
      sb_printf(&u, "%c", *p);
  uri = u.p ? sqlite3_mprintf("%s?immutable=1", u.p) : NULL;
  free(u.p);
  if (!uri ||
      sqlite3_open_v2(uri, &r->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
                      NULL) != SQLITE_OK) {
    rd_fail(r, "%s: cannot open read-only: %s", r->path,
            r->db ? sqlite3_errmsg(r->db) : "out of memory");
    sqlite3_free(uri);
    return SCHEMA_ERROR;
  }
  sqlite3_free(uri);
  return schema_check(r->db, r->path, r->err, r->errlen);
}

/* Opens the log read-only and checks that it is one we can read. */
static int open_log(tl_reader *r) {
  struct stat sb;
  if (stat(r->path, &sb) != 0)
    return rd_fail(r, "%s: %s", r->path,
                   errno == ENOENT ? "no such file" : strerror(errno));
  /* SQLite would block on a FIFO until a writer comes */
  if (!S_ISREG(sb.st_mode))
    return rd_fail(r, "%s: %s", r->path,
                   S_ISDIR(sb.st_mode) ? "is a directory"
                                       : "not a regular file");
  /* Read-write without create, so that closing the last connection removes
     the -wal and -shm files; query_only keeps it a tl_reader.  A file we may
     not write is opened read-only. */
  if (sqlite3_open_v2(r->path, &r->db, SQLITE_OPEN_READWRITE, NULL) !=
      SQLITE_OK) {
    sqlite3_close(r->db);
    r->db = NULL;
    if (sqlite3_open_v2(r->path, &r->db, SQLITE_OPEN_READONLY, NULL) !=
        SQLITE_OK)
      return rd_fail(r, "%s: cannot open: %s", r->path,
                     r->db ? sqlite3_errmsg(r->db) : "out of memory");
  }
  sqlite3_exec(r->db, "PRAGMA query_only=1", NULL, NULL, NULL);
  enum schema_state ss = schema_check(r->db, r->path, r->err, r->errlen);
  int code = sqlite3_errcode(r->db);
  if (ss == SCHEMA_ERROR &&
      (code == SQLITE_READONLY || code == SQLITE_CANTOPEN))
    ss = open_immutable(r);
  switch (ss) {
  case SCHEMA_OK:
    return 0;
  case SCHEMA_EMPTY:
    return rd_fail(r, "%s: not an mmsim event log", r->path);
  case SCHEMA_ERROR:
    break;
  }
  return -1;
}

static int pick_exec(tl_reader *r, int64_t want) {
  timeline *t = r->t;
  int found;
  if (want > 0) {
    one_int(r, "SELECT id FROM execution WHERE id = ?1", want, &found);
    if (!found)
      return rd_fail(r, "%s: no execution %" PRId64, r->path, want);
    t->exec_id = want;
    return 0;
  }
  t->exec_id = one_int(r,
                       "SELECT max(id) FROM execution "
                       "WHERE outcome = 'violation'",
                       0, &found);
  if (!found)
    t->exec_id = one_int(r, "SELECT max(id) FROM execution", 0, &found);
  if (!found)
    return rd_fail(r, "%s: the log holds no executions", r->path);
  return 0;
}

/* Index of thread 'tid' in th[], adding a lane for a thread the run did not
   describe. */
static int add_lane(timeline *t, int tid) {
  int i = 0;
  while (i < t->nth && t->th[i].tid < tid)
    i++;
  if (i < t->nth && t->th[i].tid == tid)
    return i;
  char name[32];
  snprintf(name, sizeof name, "thread %d", tid);
  t->th = sb_xrealloc(t->th, (size_t)(t->nth + 1) * sizeof *t->th);
  memmove(t->th + i + 1, t->th + i, (size_t)(t->nth - i) * sizeof *t->th);
  t->th[i] = (tl_thread){.tid = tid, .cpu = -1, .name = strdup(name)};
  t->nth++;
  return i;
}

int timeline_lane(const timeline *t, int tid) {
  int i = 0;
  while (i < t->nth && t->th[i].tid != tid)
    i++;
  assert(i < t->nth); /* phase 1 gave every event's thread a lane */
  return i;
}

/* A lock-order violation's objects are ["held", "acquired"]: the latest
   acquisition of "held" by the violating step's thread before that step
   goes into t->held_seq (0: none found). */
static int held_acquisition(tl_reader *r) {
  timeline *t = r->t;
  const char *q = t->vobjs ? strchr(t->vobjs, '"') : NULL;
  const char *end = q ? strchr(q + 1, '"') : NULL;
  if (!end)
    return 0;
  sqlite3_stmt *st;
  if (tl_prepare(r,
                 "SELECT max(a.seq) FROM access a"
                 " JOIN string s ON s.id = a.obj"
                 " WHERE a.exec_id = ?1 AND a.seq < ?2 AND s.str = ?3"
                 " AND a.kind IN ('L', 'Ls', 'T') AND a.tid ="
                 " (SELECT tid FROM event WHERE exec_id = ?1 AND seq = ?2)",
                 t->exec_id, &st) < 0)
    return -1;
  sqlite3_bind_int64(st, 2, t->vseq);
  sqlite3_bind_text(st, 3, q + 1, (int)(end - q - 1), SQLITE_TRANSIENT);
  if (sqlite3_step(st) == SQLITE_ROW)
    t->held_seq = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return 0;
}

/* The execution, its run, its violation and the run's threads. */
static int load_exec(tl_reader *r) {
  timeline *t = r->t;
  sqlite3_stmt *st;
  int64_t *ints[] = {&t->run_id, &t->ordinal, &t->steps, &t->end_ns, &t->seed};
  char **texts[] = {&t->outcome, &t->schedule, &t->trace_hash, &t->note,
                    &t->title,   &t->scenario, &t->variant,    &t->knobs,
                    &t->policy,  &t->knobs_set};
  enum { NINTS = sizeof ints / sizeof *ints };
  if (tl_prepare(
          r,
          "SELECT x.run_id, x.ordinal, x.steps, x.end_ns, r.seed,"
          " x.outcome, x.schedule, x.trace_hash, x.note, r.title,"
          " r.scenario_path, r.variant, r.knobs, r.policy, r.knobs_set"
          " FROM execution x JOIN run r ON r.id = x.run_id WHERE x.id = ?1",
          t->exec_id, &st) < 0)
    return -1;
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return rd_fail(r, "%s: no execution %" PRId64, r->path, t->exec_id);
  }
  for (int i = 0; i < NINTS; i++)
    *ints[i] = sqlite3_column_int64(st, i);
  for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
    *texts[k] = tl_col_dup(st, NINTS + (int)k);
  sqlite3_finalize(st);

  if (tl_prepare(r,
                 "SELECT kind, seq, message, objects FROM violation"
                 " WHERE exec_id = ?1",
                 t->exec_id, &st) < 0)
    return -1;
  if (sqlite3_step(st) == SQLITE_ROW) {
    t->has_viol = 1;
    t->vkind = tl_col_dup(st, 0);
    t->vseq = sqlite3_column_int64(st, 1);
    t->vmsg = tl_col_dup(st, 2);
    t->vobjs = tl_col_dup(st, 3);
  }
  sqlite3_finalize(st);
  if (t->has_viol && t->vkind && !strcmp(t->vkind, "lock-order") &&
      held_acquisition(r) < 0)
    return -1;

  if (tl_prepare(r,
                 "SELECT tid, name, cpu, description FROM thread"
                 " WHERE run_id = ?1"
                 " ORDER BY tid",
                 t->run_id, &st) < 0)
    return -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    t->th = sb_xrealloc(t->th, (size_t)(t->nth + 1) * sizeof *t->th);
    t->th[t->nth++] = (tl_thread){.tid = sqlite3_column_int(st, 0),
                                  .name = tl_col_dup(st, 1),
                                  .cpu = sqlite3_column_int(st, 2),
                                  .desc = tl_col_dup(st, 3)};
  }
  sqlite3_finalize(st);
  return 0;
}

/* Phase 1: every event's seq and thread, and every flow. */
static int load_skeleton(tl_reader *r) {
  timeline *t = r->t;
  sqlite3_stmt *st;
  if (tl_prepare(r,
                 "SELECT seq, tid FROM event WHERE exec_id = ?1 ORDER BY seq",
                 t->exec_id, &st) < 0)
    return -1;
  size_t cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if ((size_t)t->nall == cap) {
      cap = cap ? 2 * cap : 1024;
      t->allseq = sb_xrealloc(t->allseq, cap * sizeof *t->allseq);
      t->alltid = sb_xrealloc(t->alltid, cap * sizeof *t->alltid);
    }
    t->allseq[t->nall] = sqlite3_column_int64(st, 0);
    t->alltid[t->nall] = sqlite3_column_int(st, 1);
    t->nall++;
  }
  sqlite3_finalize(st);
  if (!t->nall && t->steps > 0) /* a row without its events */
    return rd_fail(r,
                   "%s: execution %" PRId64 " was logged without its events "
                   "(explore logs a row per execution, and the events of "
                   "--log-all); replay it: mmsim replay %s --variant %s "
                   "--schedule '%s'",
                   r->path, t->exec_id, t->scenario ? t->scenario : "?",
                   t->variant ? t->variant : "?",
                   t->schedule ? t->schedule : "");
  for (int64_t i = 0; i < t->nall; i++)
    add_lane(t, t->alltid[i]);

  if (tl_prepare(r,
                 "SELECT f.from_seq, f.to_seq, f.kind, s.str"
                 " FROM flow f JOIN string s ON s.id = f.obj"
                 " WHERE f.exec_id = ?1"
                 " ORDER BY f.to_seq, f.from_seq DESC, f.kind, s.str",
                 t->exec_id, &st) < 0)
    return -1;
  cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if ((size_t)t->nflows == cap) {
      cap = cap ? 2 * cap : 256;
      t->flows = sb_xrealloc(t->flows, cap * sizeof *t->flows);
    }
    int kind = schema_flow_index((const char *)sqlite3_column_text(st, 2));
    t->flows[t->nflows++] = (tl_flow){.from = sqlite3_column_int64(st, 0),
                                      .to = sqlite3_column_int64(st, 1),
                                      .kind = kind >= 0 ? kind : 0,
                                      .obj = tl_col_dup(st, 3)};
  }
  sqlite3_finalize(st);
  return 0;
}

int64_t timeline_lower_bound(const void *base, int64_t n, size_t size,
                             size_t off, int64_t key) {
  const char *p = base;
  int64_t lo = 0, hi = n;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2, v;
    memcpy(&v, p + (size_t)mid * size + off, sizeof v);
    if (v < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int64_t timeline_find_seq(const timeline *t, int64_t seq) {
  int64_t i =
      timeline_lower_bound(t->allseq, t->nall, sizeof *t->allseq, 0, seq);
  return i < t->nall && t->allseq[i] == seq ? i : -1;
}

/* Phase 2: the footprint of every event, objects by string id. */
static int load_accesses(tl_reader *r) {
  timeline *t = r->t;
  sqlite3_stmt *st;
  if (tl_prepare(r,
                 "SELECT seq, obj, kind FROM access WHERE exec_id = ?1"
                 " ORDER BY seq, idx",
                 t->exec_id, &st) < 0)
    return -1;
  t->acc_off = sb_xrealloc(NULL, (size_t)(t->nall + 1) * sizeof *t->acc_off);
  int64_t n = 0, i = 0;
  size_t cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int64_t seq = sqlite3_column_int64(st, 0),
            obj = sqlite3_column_int64(st, 1);
    int op = schema_access_op((const char *)sqlite3_column_text(st, 2));
    for (; i < t->nall && t->allseq[i] <= seq; i++)
      t->acc_off[i] = n; /* rows of events up to 'seq' start here */
    /* Skipped: a row without its event, a kind this version does not
       write, an object id beyond sim_oid (more than 4G strings). */
    if (i == 0 || t->allseq[i - 1] != seq || op < 0 || obj <= 0 ||
        obj > UINT32_MAX)
      continue;
    if ((size_t)n == cap) {
      cap = cap ? 2 * cap : 1024;
      t->acc = sb_xrealloc(t->acc, cap * sizeof *t->acc);
    }
    t->acc[n++] = (sim_access){(sim_oid)obj, (uint8_t)op};
  }
  sqlite3_finalize(st);
  for (; i <= t->nall; i++)
    t->acc_off[i] = n;
  return 0;
}

/* The deepest call nesting a logged event may claim. */
#define TL_MAX_DEPTH 1000
/* The latest time and longest duration (ns): their sums stay in int64_t. */
#define TL_MAX_NS ((int64_t)1 << 60)

static void tl_event_free(tl_event *e) {
  free(e->fn);
  free(e->op);
  free(e->obj);
  free(e->before);
  free(e->after);
}

/* Phase 3: the full rows of the shown events, in one pass over the
   execution's events in seq order (a lookup per event would unpack the
   execution's rows of event_batch once per event). */
static int load_events(tl_reader *r) {
  timeline *t = r->t;
  sqlite3_stmt *st;
  if (tl_prepare(r,
                 "SELECT e.seq, e.ts, e.dur, e.cpu, e.tid, e.depth, sf.str,"
                 " so.str, sj.str, sb.str, sa.str FROM event e"
                 " LEFT JOIN string sf ON sf.id = e.fn"
                 " LEFT JOIN string so ON so.id = e.op"
                 " LEFT JOIN string sj ON sj.id = e.obj"
                 " LEFT JOIN string sb ON sb.id = e.before"
                 " LEFT JOIN string sa ON sa.id = e.after"
                 " WHERE e.exec_id = ?1 ORDER BY e.seq",
                 t->exec_id, &st) < 0)
    return -1;
  t->viol_ev = t->held_ev = -1;
  int64_t i = 0; /* the next of allseq[] to match */
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t seq = sqlite3_column_int64(st, 0);
    while (i < t->nall && t->allseq[i] < seq)
      i++; /* a shown one passed here is missing: counted below */
    if (i == t->nall || t->allseq[i] != seq || !t->shown[i++])
      continue;
    t->ev = sb_xrealloc(t->ev, (size_t)(t->nev + 1) * sizeof *t->ev);
    tl_event *e = &t->ev[t->nev];
    *e = (tl_event){.seq = seq,
                    .ts = sqlite3_column_int64(st, 1),
                    .dur = sqlite3_column_int64(st, 2),
                    .cpu = sqlite3_column_int(st, 3),
                    .tid = sqlite3_column_int(st, 4),
                    .depth = sqlite3_column_int(st, 5),
                    .fn = tl_col_dup(st, 6),
                    .op = tl_col_dup(st, 7),
                    .obj = tl_col_dup(st, 8),
                    .before = tl_col_dup(st, 9),
                    .after = tl_col_dup(st, 10)};
    /* the log is input: a row edited by hand must not index past the
       renderer's tables (depth) or draw backwards (time) */
    if (e->depth < 0 || e->depth > TL_MAX_DEPTH || e->ts < 0 ||
        e->ts > TL_MAX_NS || e->dur < 0 || e->dur > TL_MAX_NS || e->cpu < -1 ||
        e->tid < 0) {
      tl_event_free(e);
      sqlite3_finalize(st);
      return rd_fail(r,
                     "%s: execution %" PRId64 ", event %" PRId64
                     ": depth, time, cpu or thread out of range (a log "
                     "edited by hand?)",
                     r->path, t->exec_id, seq);
    }
    if (t->has_viol && e->seq == t->vseq)
      t->viol_ev = t->nev;
    if (t->held_seq > 0 && e->seq == t->held_seq)
      t->held_ev = t->nev;
    t->nev++;
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE)
    return sql_fail(r);
  int64_t nshown = 0;
  for (int64_t k = 0; k < t->nall; k++)
    nshown += t->shown[k] != 0;
  if (nshown != t->nev) /* the skeleton's events are all in this query */
    return rd_fail(r, "%s: execution %" PRId64 ": events changed while read",
                   r->path, t->exec_id);
  return 0;
}

int64_t timeline_row_at_or_after(const timeline *t, int64_t seq) {
  return timeline_lower_bound(t->ev, t->nev, sizeof *t->ev,
                              offsetof(tl_event, seq), seq);
}

/* The last write (W or A access) at or before the violating step of each
   object the violation names: the steps the slice always keeps. */
static const char last_writers_sql[] =
    "SELECT DISTINCT max(a.seq) FROM violation v, json_each(v.objects) j"
    " JOIN string s ON s.str = j.value"
    " JOIN access a ON a.exec_id = v.exec_id AND a.obj = s.id"
    " WHERE v.exec_id = ?1 AND a.kind IN ('W', 'A') AND a.seq <= v.seq"
    " GROUP BY s.id ORDER BY 1";

static int load_last_writers(tl_reader *r) {
  timeline *t = r->t;
  sqlite3_stmt *st;
  if (tl_prepare(r, last_writers_sql, t->exec_id, &st) < 0)
    return -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    t->writers =
        sb_xrealloc(t->writers, (size_t)(t->nwriters + 1) * sizeof *t->writers);
    t->writers[t->nwriters++] = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  return 0;
}

int timeline_load(timeline *t, const char *dbpath, const render_opts *o,
                  char *err, size_t errlen) {
  assert(dbpath && o && o->slice >= 0);
  *t = (timeline){.viol_ev = -1, .held_ev = -1};
  tl_reader r = {.t = t, .path = dbpath, .err = err, .errlen = errlen};
  int limit = o->slice > 0 ? o->slice : 200, rc = -1;
  if (open_log(&r) == 0 && pick_exec(&r, o->exec_id) == 0 &&
      load_exec(&r) == 0 && load_skeleton(&r) == 0 &&
      (!timeline_slice_needs_accesses(t, limit, o->full) ||
       (load_accesses(&r) == 0 && load_last_writers(&r) == 0))) {
    timeline_slice(t, limit, o->full);
    if (load_events(&r) == 0 && tl_load_spans(&r) == 0 &&
        tl_load_blocks(&r) == 0)
      rc = 0;
  }
  if (r.db)
    sqlite3_close(r.db);
  return rc;
}

void timeline_free(timeline *t) {
  for (int i = 0; i < t->nth; i++) {
    free(t->th[i].name);
    free(t->th[i].desc);
  }
  for (int64_t i = 0; i < t->nflows; i++)
    free(t->flows[i].obj);
  for (int64_t i = 0; i < t->nev; i++) {
    char *strs[] = {t->ev[i].fn, t->ev[i].op, t->ev[i].obj, t->ev[i].before,
                    t->ev[i].after};
    for (size_t k = 0; k < sizeof strs / sizeof *strs; k++)
      free(strs[k]);
  }
  for (int s = 0; s < t->nspans; s++)
    free(t->spans[s].name);
  for (int i = 0; i < t->nlocks; i++)
    free(t->locks[i]);
  for (int i = 0; i < t->nblocks; i++)
    free(t->blocks[i].lock);
  /* every block the model owns */
  void *blocks[] = {
      t->outcome,  t->schedule, t->trace_hash, t->note,   t->title,
      t->scenario, t->variant,  t->knobs,      t->policy, t->vkind,
      t->vmsg,     t->vobjs,    t->th,         t->allseq, t->alltid,
      t->acc,      t->acc_off,  t->flows,      t->shown,  t->ev,
      t->spans,    t->locks,    t->knobs_set,  t->blocks, t->writers};
  for (size_t k = 0; k < sizeof blocks / sizeof *blocks; k++)
    free(blocks[k]);
  *t = (timeline){.viol_ev = -1, .held_ev = -1};
}
