/*
** render.c - the Graphviz timeline of one logged execution.
**
** Reads an event log (reports/SCHEMA.md) and draws the execution the way
** race diagrams are drawn in mm/ comments: one column per CPU thread, time
** running down the page, one row per granted step.
**
**   +----------------------------------------------------------------+
**   | title: scenario, variant, policy, outcome, slice, schedule     |
**   +--------+-------------------+-------------------+---------------+
**   | ruler  | cpu0:truncate     | cpu1:fault        | legend        |
**   | 0 ns   | [#0 fn: op ...]|  |                   |               |
**   | 10 ns  |                |  | [#1 fn: op ...]   |               |
**   |  ...   |   lock-hold bars ^  flows as arrows   | violation box |
**   +--------+-------------------+-------------------+---------------+
**
** Layout is ours, not Graphviz's: every node gets a fixed position
** (pos="x,y!") and the "nop2" engine (neato -n2) only routes the edges as
** straight lines.  dot needs seconds for a thousand events and reorders
** lanes; fixed positions keep the lanes in thread-id order and render ten
** thousand events in well under a second (see /work/shared/design.md).
**
** Rows are in seq order, so every step gets its own readable row; the
** simulated start time is printed in the node and on the ruler.  Nested
** calls are indented and shaded by depth.  A lock hold (an L/Ls/T access
** and the next U/Us of the same lock by the same thread) is a coloured bar
** beside the lane, named at its top and in the legend.
**
** Long executions are cut to a causal slice: starting from the violating
** step, breadth-first over its happens-before predecessors (the previous
** step of the same thread, and the sources of its flows), nearest first,
** until 'slice' events are chosen.  Without a violation the last 'slice'
** events are shown.  The title says which.
**
** Determinism: every query is ordered, nodes are created in a fixed order,
** and nothing depends on time or addresses, so the same database renders to
** byte-identical files.
*/
#include "log.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <sqlite3.h>

#define RLOG_APP_ID 0x6d6d7369 /* as in log.c */
#define RLOG_SCHEMA_VERSION 1

/* Geometry in points; y grows downwards here and is negated for Graphviz. */
#define RULER_W 80.0 /* time ruler column */
#define LANE_W 380.0 /* one thread */
#define EV_X0 8.0    /* event boxes start this far into the lane ... */
#define EV_X1 298.0  /* ... and end here */
#define INDENT 10.0  /* per call-nesting level */
#define MAX_INDENT 5 /* deeper calls are shaded, not indented further */
#define BAR_X 308.0  /* first lock bar, from the lane's left edge */
#define BAR_W 7.0
#define BAR_STEP 11.0
#define MAX_SLOTS 4 /* lock bars side by side per lane */
#define ROW_H 34.0  /* one step */
#define EV_H 28.0
#define GAP_H 14.0   /* extra space where the slice skips steps */
#define HEAD_H 36.0  /* lane headers */
#define SIDE_W 320.0 /* legend and violation column */
#define CHAR_W 5.3   /* average glyph width of 9 pt Helvetica, generous */
#define BOLD_W 6.1   /* the same in bold */

/* Flow arrows, one style per kind; lock bars cycle through the palette. */
static const struct flow_style {
  const char *kind, *color, *style, *penwidth, *what;
} flow_styles[] = {
    {"lock", "#1f4e9c", "solid", "1.6", "lock handoff (release → acquire)"},
    {"reads-from", "#2e7d32", "dashed", "1.3", "reads-from (write → read)"},
    {"wakeup", "#b35900", "dotted", "2.2", "wakeup (write → waiter)"},
};
#define NFLOW_STYLES 3

static const char *const lock_palette[] = {
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
    "#66a61e", "#e6ab02", "#a6761d", "#666666",
};
#define NPALETTE 8

static const char *const depth_fill[] = {"#ffffff", "#eef3fb", "#dde7f7",
                                         "#cbdaf2"};

#define VIOL_COLOR "#d00000"

/* --------------------------------------------------------------- model */

typedef struct tl_thread {
  int tid, cpu;
  char *name;
} tl_thread;

typedef struct tl_event { /* a shown event */
  int64_t seq, ts, dur;
  int tid, cpu, depth;
  char *fn, *op, *obj, *before, *after;
  double y; /* row centre */
} tl_event;

typedef struct tl_flow {
  int64_t from, to;
  int kind; /* index in flow_styles */
  char *obj;
} tl_flow;

typedef struct tl_span { /* a lock hold */
  int tid, lock;         /* lock: index in locks[] */
  char *name;            /* the lock's name */
  int64_t from, to;      /* acquire and release seq */
  int held;              /* 1: still held at the end of the execution */
  int r0, r1, slot;      /* shown rows and bar position */
} tl_span;

typedef struct timeline {
  sqlite3 *db;
  const char *dbpath;
  char *err;
  size_t errlen;
  /* the execution */
  int64_t exec_id, run_id, ordinal, steps, end_ns, seed;
  char *outcome, *schedule, *trace_hash, *note;
  char *title, *scenario, *variant, *knobs, *policy;
  int has_viol;
  char *vkind, *vmsg, *vobjs;
  int64_t vseq;
  tl_thread *th;
  int nth;
  /* every event of the execution: seq and tid only */
  int64_t *allseq;
  int *alltid;
  int64_t nall;
  tl_flow *flows; /* by to_seq, then from_seq descending */
  int64_t nflows;
  /* what is shown */
  char *shown;  /* [nall] */
  tl_event *ev; /* by seq */
  int64_t nev;
  int64_t viol_ev; /* index in ev[], -1 if not shown */
  char slice_note[160];
  tl_span *spans;
  int nspans;
  char **locks; /* lock names, in order of first shown hold */
  int nlocks;
} timeline;

static int tl_fail(timeline *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int tl_fail(timeline *t, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t->err, t->errlen, fmt, ap);
  va_end(ap);
  return -1;
}

static int sql_fail(timeline *t) {
  return tl_fail(t, "%s: %s", t->dbpath, sqlite3_errmsg(t->db));
}

static char *col_dup(sqlite3_stmt *st, int c) {
  const unsigned char *s = sqlite3_column_text(st, c);
  return s ? strdup((const char *)s) : NULL;
}

static void *xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "mmsim: out of memory\n");
    abort();
  }
  return q;
}

/* ------------------------------------------------------------ strings */

/* A growing string. */
typedef struct sbuf {
  char *p;
  size_t n, cap;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t k) {
  if (b->n + k + 1 > b->cap) {
    b->cap = 2 * (b->n + k + 1) + 64;
    b->p = xrealloc(b->p, b->cap);
  }
  memcpy(b->p + b->n, s, k);
  b->n += k;
  b->p[b->n] = 0;
}

static void sb_printf(sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (k >= (int)sizeof tmp) {
    char *big = xrealloc(NULL, (size_t)k + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)k + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)k);
    free(big);
  } else if (k > 0) {
    sb_add(b, tmp, (size_t)k);
  }
}

/* Length in characters of UTF-8 text. */
static size_t u8len(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xc0) != 0x80;
  return n;
}

/* Byte offset of character 'k' of 's' (or its end). */
static size_t u8off(const char *s, size_t k) {
  size_t i = 0;
  for (; s[i] && k; k--) {
    i++;
    while (((unsigned char)s[i] & 0xc0) == 0x80)
      i++;
  }
  return i;
}

/* Appends 's' escaped for a Graphviz HTML label, cut to 'max' characters
   with an ellipsis (0: no limit). */
static void sb_html(sbuf *b, const char *s, size_t max) {
  if (!s)
    return;
  size_t end = strlen(s), cut = 0;
  if (max && u8len(s) > max) {
    end = u8off(s, max - 1);
    cut = 1;
  }
  for (size_t i = 0; i < end; i++) {
    switch (s[i]) {
    case '&':
      sb_add(b, "&amp;", 5);
      break;
    case '<':
      sb_add(b, "&lt;", 4);
      break;
    case '>':
      sb_add(b, "&gt;", 4);
      break;
    case '"':
      sb_add(b, "&quot;", 6);
      break;
    case '\'':
      sb_add(b, "&#39;", 5);
      break;
    case '\n':
    case '\t':
      sb_add(b, " ", 1);
      break;
    default:
      sb_add(b, s + i, 1);
    }
  }
  if (cut)
    sb_add(b, "…", strlen("…"));
}

/* Appends 's' for a plain (escString) attribute such as a tooltip:
   backslashes would start \N, \l ... sequences. */
static void sb_plain(sbuf *b, const char *s) {
  for (; s && *s; s++) {
    if (*s == '\\')
      sb_add(b, "\\\\", 2);
    else if (*s == '\n')
      sb_add(b, " ", 1);
    else
      sb_add(b, s, 1);
  }
}

/* Appends 's' as HTML, wrapped into lines of at most 'width' characters
   (breaking after one of 'breaks' where possible), at most 'maxlines'. */
static void sb_html_wrap(sbuf *b, const char *s, size_t width,
                         const char *breaks, int maxlines) {
  int line = 0;
  while (*s) {
    size_t len = u8len(s), take = len;
    if (len > width) {
      take = width;
      for (size_t k = width; k > width / 2; k--) {
        size_t off = u8off(s, k - 1);
        if (strchr(breaks, s[off])) {
          take = k;
          break;
        }
      }
    }
    if (++line == maxlines && take < len) {
      sb_html(b, s, width); /* ends with an ellipsis */
      return;
    }
    size_t off = u8off(s, take);
    char *part = strndup(s, off);
    sb_html(b, part, 0);
    free(part);
    s += off;
    while (*s == ' ')
      s++;
    if (*s)
      sb_add(b, "<BR ALIGN=\"LEFT\"/>", strlen("<BR ALIGN=\"LEFT\"/>"));
  }
}

/* ------------------------------------------------------------- reading */

static int64_t one_int(timeline *t, const char *sql, int64_t arg, int *found) {
  sqlite3_stmt *st;
  int64_t v = 0;
  *found = 0;
  if (sqlite3_prepare_v2(t->db, sql, -1, &st, NULL) != SQLITE_OK)
    return -1;
  if (arg)
    sqlite3_bind_int64(st, 1, arg);
  if (sqlite3_step(st) == SQLITE_ROW &&
      sqlite3_column_type(st, 0) != SQLITE_NULL) {
    v = sqlite3_column_int64(st, 0);
    *found = 1;
  }
  sqlite3_finalize(st);
  return v;
}

/* Opens the log read-only and checks that it is one we can read; the
   messages are the writer's (log.c). */
static int open_log(timeline *t) {
  if (access(t->dbpath, F_OK) != 0)
    return tl_fail(t, "%s: no such file", t->dbpath);
  /* Read-write without create, so that closing the last connection removes
     the -wal and -shm files; query_only keeps it a reader.  A file we may
     not write is opened read-only. */
  if (sqlite3_open_v2(t->dbpath, &t->db, SQLITE_OPEN_READWRITE, NULL) !=
      SQLITE_OK) {
    sqlite3_close(t->db);
    t->db = NULL;
    if (sqlite3_open_v2(t->dbpath, &t->db, SQLITE_OPEN_READONLY, NULL) !=
        SQLITE_OK)
      return tl_fail(t, "%s: cannot open: %s", t->dbpath,
                     t->db ? sqlite3_errmsg(t->db) : "out of memory");
  }
  sqlite3_exec(t->db, "PRAGMA query_only=1", NULL, NULL, NULL);
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(t->db, "PRAGMA application_id", -1, &st, NULL);
  if (rc == SQLITE_NOTADB)
    return tl_fail(t, "%s: not an mmsim event log (not an SQLite database)",
                   t->dbpath);
  if (rc != SQLITE_OK)
    return sql_fail(t);
  rc = sqlite3_step(st);
  int64_t appid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
  sqlite3_finalize(st);
  if (rc == SQLITE_NOTADB)
    return tl_fail(t, "%s: not an mmsim event log (not an SQLite database)",
                   t->dbpath);
  if (appid != RLOG_APP_ID)
    return tl_fail(t, "%s: not an mmsim event log", t->dbpath);
  int found;
  int64_t version = one_int(t, "PRAGMA user_version", 0, &found);
  if (version != RLOG_SCHEMA_VERSION)
    return tl_fail(t,
                   "%s: event log schema version %" PRId64
                   ", this mmsim reads version %d",
                   t->dbpath, version, RLOG_SCHEMA_VERSION);
  return 0;
}

static int pick_exec(timeline *t, int64_t want) {
  int found;
  if (want > 0) {
    one_int(t, "SELECT id FROM execution WHERE id = ?1", want, &found);
    if (!found)
      return tl_fail(t, "%s: no execution %" PRId64, t->dbpath, want);
    t->exec_id = want;
    return 0;
  }
  t->exec_id = one_int(t,
                       "SELECT max(id) FROM execution "
                       "WHERE outcome = 'violation'",
                       0, &found);
  if (!found)
    t->exec_id = one_int(t, "SELECT max(id) FROM execution", 0, &found);
  if (!found)
    return tl_fail(t, "%s: the log holds no executions", t->dbpath);
  return 0;
}

static int load_exec(timeline *t) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          t->db,
          "SELECT x.run_id, x.ordinal, x.outcome, x.schedule, x.steps,"
          " x.end_ns, x.trace_hash, x.note, r.title, r.scenario_path,"
          " r.variant, r.knobs, r.policy, r.seed"
          " FROM execution x JOIN run r ON r.id = x.run_id WHERE x.id = ?1",
          -1, &st, NULL) != SQLITE_OK)
    return sql_fail(t);
  sqlite3_bind_int64(st, 1, t->exec_id);
  if (sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return tl_fail(t, "%s: no execution %" PRId64, t->dbpath, t->exec_id);
  }
  t->run_id = sqlite3_column_int64(st, 0);
  t->ordinal = sqlite3_column_int64(st, 1);
  t->outcome = col_dup(st, 2);
  t->schedule = col_dup(st, 3);
  t->steps = sqlite3_column_int64(st, 4);
  t->end_ns = sqlite3_column_int64(st, 5);
  t->trace_hash = col_dup(st, 6);
  t->note = col_dup(st, 7);
  t->title = col_dup(st, 8);
  t->scenario = col_dup(st, 9);
  t->variant = col_dup(st, 10);
  t->knobs = col_dup(st, 11);
  t->policy = col_dup(st, 12);
  t->seed = sqlite3_column_int64(st, 13);
  sqlite3_finalize(st);

  if (sqlite3_prepare_v2(t->db,
                         "SELECT kind, seq, message, objects FROM violation"
                         " WHERE exec_id = ?1",
                         -1, &st, NULL) != SQLITE_OK)
    return sql_fail(t);
  sqlite3_bind_int64(st, 1, t->exec_id);
  if (sqlite3_step(st) == SQLITE_ROW) {
    t->has_viol = 1;
    t->vkind = col_dup(st, 0);
    t->vseq = sqlite3_column_int64(st, 1);
    t->vmsg = col_dup(st, 2);
    t->vobjs = col_dup(st, 3);
  }
  sqlite3_finalize(st);

  if (sqlite3_prepare_v2(t->db,
                         "SELECT tid, name, cpu FROM thread WHERE run_id = ?1"
                         " ORDER BY tid",
                         -1, &st, NULL) != SQLITE_OK)
    return sql_fail(t);
  sqlite3_bind_int64(st, 1, t->run_id);
  while (sqlite3_step(st) == SQLITE_ROW) {
    t->th = xrealloc(t->th, (size_t)(t->nth + 1) * sizeof *t->th);
    t->th[t->nth++] = (tl_thread){.tid = sqlite3_column_int(st, 0),
                                  .name = col_dup(st, 1),
                                  .cpu = sqlite3_column_int(st, 2)};
  }
  sqlite3_finalize(st);
  return 0;
}

/* Index of thread 'tid' in th[], adding a lane for a thread the run did not
   describe. */
static int lane_of(timeline *t, int tid) {
  int i = 0;
  while (i < t->nth && t->th[i].tid < tid)
    i++;
  if (i < t->nth && t->th[i].tid == tid)
    return i;
  char name[32];
  snprintf(name, sizeof name, "thread %d", tid);
  t->th = xrealloc(t->th, (size_t)(t->nth + 1) * sizeof *t->th);
  memmove(t->th + i + 1, t->th + i, (size_t)(t->nth - i) * sizeof *t->th);
  t->th[i] = (tl_thread){.tid = tid, .cpu = -1, .name = strdup(name)};
  t->nth++;
  return i;
}

static int flow_kind_index(const char *k) {
  for (int i = 0; i < NFLOW_STYLES; i++)
    if (k && !strcmp(k, flow_styles[i].kind))
      return i;
  return 0;
}

/* Phase 1: every event's seq and thread, and every flow. */
static int load_skeleton(timeline *t) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(t->db,
                         "SELECT seq, tid FROM event WHERE exec_id = ?1"
                         " ORDER BY seq",
                         -1, &st, NULL) != SQLITE_OK)
    return sql_fail(t);
  sqlite3_bind_int64(st, 1, t->exec_id);
  size_t cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if ((size_t)t->nall == cap) {
      cap = cap ? 2 * cap : 1024;
      t->allseq = xrealloc(t->allseq, cap * sizeof *t->allseq);
      t->alltid = xrealloc(t->alltid, cap * sizeof *t->alltid);
    }
    t->allseq[t->nall] = sqlite3_column_int64(st, 0);
    t->alltid[t->nall] = sqlite3_column_int(st, 1);
    t->nall++;
  }
  sqlite3_finalize(st);
  for (int64_t i = 0; i < t->nall; i++)
    lane_of(t, t->alltid[i]);

  if (sqlite3_prepare_v2(t->db,
                         "SELECT f.from_seq, f.to_seq, f.kind, s.str"
                         " FROM flow f JOIN string s ON s.id = f.obj"
                         " WHERE f.exec_id = ?1"
                         " ORDER BY f.to_seq, f.from_seq DESC, f.kind, s.str",
                         -1, &st, NULL) != SQLITE_OK)
    return sql_fail(t);
  sqlite3_bind_int64(st, 1, t->exec_id);
  cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    if ((size_t)t->nflows == cap) {
      cap = cap ? 2 * cap : 256;
      t->flows = xrealloc(t->flows, cap * sizeof *t->flows);
    }
    t->flows[t->nflows++] = (tl_flow){
        .from = sqlite3_column_int64(st, 0),
        .to = sqlite3_column_int64(st, 1),
        .kind = flow_kind_index((const char *)sqlite3_column_text(st, 2)),
        .obj = col_dup(st, 3)};
  }
  sqlite3_finalize(st);
  return 0;
}

/* Index of 'seq' in allseq[], or -1. */
static int64_t find_seq(const timeline *t, int64_t seq) {
  int64_t lo = 0, hi = t->nall;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (t->allseq[mid] < seq)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < t->nall && t->allseq[lo] == seq ? lo : -1;
}

/* Chooses the shown events: all, the causal slice of the violation, or the
   last 'limit' ones. */
static void choose_slice(timeline *t, int limit, int full) {
  t->shown = xrealloc(NULL, (size_t)t->nall);
  int64_t vi = t->has_viol ? find_seq(t, t->vseq) : -1;
  if (full || t->nall <= limit) {
    memset(t->shown, 1, (size_t)t->nall);
    snprintf(t->slice_note, sizeof t->slice_note, "all %" PRId64 " events",
             t->nall);
    return;
  }
  memset(t->shown, 0, (size_t)t->nall);
  if (vi < 0) {
    for (int64_t i = t->nall - limit; i < t->nall; i++)
      t->shown[i] = 1;
    snprintf(t->slice_note, sizeof t->slice_note,
             "the last %d of %" PRId64 " events%s", limit, t->nall,
             t->has_viol ? " (the violating step is not logged)" : "");
    return;
  }

  /* Program-order predecessor of each event. */
  int64_t *prev = xrealloc(NULL, (size_t)t->nall * sizeof *prev);
  int64_t last[SIM_MAX_THREADS];
  for (int i = 0; i < SIM_MAX_THREADS; i++)
    last[i] = -1;
  for (int64_t i = 0; i < t->nall; i++) {
    int tid = t->alltid[i];
    assert(tid >= 0 && tid < SIM_MAX_THREADS);
    prev[i] = last[tid];
    last[tid] = i;
  }
  /* Breadth-first from the violation, nearest first. */
  int64_t *queue = xrealloc(NULL, (size_t)limit * sizeof *queue);
  int64_t head = 0, tail = 0, taken = 0;
  queue[tail++] = vi;
  t->shown[vi] = 1;
  taken = 1;
  while (head < tail && taken < limit) {
    int64_t i = queue[head++];
    int64_t preds[1 + 64];
    int np = 0;
    if (prev[i] >= 0)
      preds[np++] = prev[i];
    /* flows into event i, from the nearest source back */
    int64_t lo = 0, hi = t->nflows;
    while (lo < hi) {
      int64_t mid = lo + (hi - lo) / 2;
      if (t->flows[mid].to < t->allseq[i])
        lo = mid + 1;
      else
        hi = mid;
    }
    for (; lo < t->nflows && t->flows[lo].to == t->allseq[i] && np < 65; lo++) {
      int64_t j = find_seq(t, t->flows[lo].from);
      if (j >= 0)
        preds[np++] = j;
    }
    for (int k = 0; k < np && taken < limit; k++) {
      if (t->shown[preds[k]])
        continue;
      t->shown[preds[k]] = 1;
      taken++;
      queue[tail++] = preds[k];
    }
  }
  free(queue);
  free(prev);
  snprintf(t->slice_note, sizeof t->slice_note,
           "causal slice of %" PRId64 " of %" PRId64
           " events (what step #%" PRId64 " depends on)",
           taken, t->nall, t->vseq);
}

/* Phase 2: the full rows of the shown events. */
static int load_events(timeline *t) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(
          t->db,
          "SELECT e.ts, e.dur, e.cpu, e.tid, e.depth, sf.str, so.str,"
          " sj.str, sb.str, sa.str FROM event e"
          " LEFT JOIN string sf ON sf.id = e.fn"
          " LEFT JOIN string so ON so.id = e.op"
          " LEFT JOIN string sj ON sj.id = e.obj"
          " LEFT JOIN string sb ON sb.id = e.before"
          " LEFT JOIN string sa ON sa.id = e.after"
          " WHERE e.exec_id = ?1 AND e.seq = ?2",
          -1, &st, NULL) != SQLITE_OK)
    return sql_fail(t);
  t->viol_ev = -1;
  for (int64_t i = 0; i < t->nall; i++) {
    if (!t->shown[i])
      continue;
    sqlite3_bind_int64(st, 1, t->exec_id);
    sqlite3_bind_int64(st, 2, t->allseq[i]);
    if (sqlite3_step(st) != SQLITE_ROW) {
      sqlite3_finalize(st);
      return sql_fail(t);
    }
    t->ev = xrealloc(t->ev, (size_t)(t->nev + 1) * sizeof *t->ev);
    tl_event *e = &t->ev[t->nev];
    *e = (tl_event){.seq = t->allseq[i],
                    .ts = sqlite3_column_int64(st, 0),
                    .dur = sqlite3_column_int64(st, 1),
                    .cpu = sqlite3_column_int(st, 2),
                    .tid = sqlite3_column_int(st, 3),
                    .depth = sqlite3_column_int(st, 4),
                    .fn = col_dup(st, 5),
                    .op = col_dup(st, 6),
                    .obj = col_dup(st, 7),
                    .before = col_dup(st, 8),
                    .after = col_dup(st, 9)};
    if (t->has_viol && e->seq == t->vseq)
      t->viol_ev = t->nev;
    t->nev++;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return 0;
}

/* First shown row with seq >= s (nev if none). */
static int64_t row_at_or_after(const timeline *t, int64_t s) {
  int64_t lo = 0, hi = t->nev;
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    if (t->ev[mid].seq < s)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

static int lock_index(timeline *t, const char *name) {
  for (int i = 0; i < t->nlocks; i++)
    if (!strcmp(t->locks[i], name))
      return i;
  t->locks = xrealloc(t->locks, (size_t)(t->nlocks + 1) * sizeof *t->locks);
  t->locks[t->nlocks] = strdup(name);
  return t->nlocks++;
}

/* An acquire waiting for its release. */
typedef struct open_hold {
  int tid;
  int64_t obj, from;
  char kind; /* 'L' (exclusive or shared) or 'T' */
  char *name;
} open_hold;

/* Records a hold if some shown row falls inside it; takes 'h->name'. */
static void add_span(timeline *t, open_hold *h, int64_t to, int held) {
  int64_t r0 = row_at_or_after(t, h->from);
  int64_t r1 = row_at_or_after(t, to + 1) - 1;
  if (r0 > r1) {
    free(h->name);
    return;
  }
  t->spans = xrealloc(t->spans, (size_t)(t->nspans + 1) * sizeof *t->spans);
  t->spans[t->nspans++] = (tl_span){.tid = h->tid,
                                    .name = h->name,
                                    .from = h->from,
                                    .to = to,
                                    .held = held,
                                    .r0 = (int)r0,
                                    .r1 = (int)r1};
}

static int span_cmp(const void *a, const void *b) {
  const tl_span *x = a, *y = b;
  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  return strcmp(x->name, y->name);
}

/* Lock holds from the access rows: an acquire (L, Ls, T) and the next
   release (U, Us) of the same lock by the same thread.  A lock still held
   at the end is drawn to the last row; an unreleased trylock is not drawn
   (it may have failed). */
static int load_spans(timeline *t) {
  if (!t->nev)
    return 0;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(t->db,
                         "SELECT a.seq, a.kind, a.obj, s.str FROM access a"
                         " JOIN string s ON s.id = a.obj"
                         " WHERE a.exec_id = ?1"
                         " AND a.kind IN ('L', 'Ls', 'T', 'U', 'Us')"
                         " ORDER BY a.seq, a.idx",
                         -1, &st, NULL) != SQLITE_OK)
    return sql_fail(t);
  sqlite3_bind_int64(st, 1, t->exec_id);
  open_hold *open = NULL;
  int nopen = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int64_t seq = sqlite3_column_int64(st, 0);
    const char *kind = (const char *)sqlite3_column_text(st, 1);
    int64_t obj = sqlite3_column_int64(st, 2);
    int64_t i = find_seq(t, seq);
    if (i < 0)
      continue;
    int tid = t->alltid[i], k;
    for (k = 0; k < nopen; k++)
      if (open[k].tid == tid && open[k].obj == obj)
        break;
    if (kind[0] == 'U') {
      if (k < nopen) {
        add_span(t, &open[k], seq, 0);
        open[k] = open[--nopen];
      }
    } else if (k < nopen) {
      open[k].from = seq; /* an earlier trylock failed */
      open[k].kind = kind[0];
    } else {
      open = xrealloc(open, (size_t)(nopen + 1) * sizeof *open);
      open[nopen++] = (open_hold){.tid = tid,
                                  .obj = obj,
                                  .from = seq,
                                  .kind = kind[0],
                                  .name = col_dup(st, 3)};
    }
  }
  sqlite3_finalize(st);
  for (int k = 0; k < nopen; k++) {
    if (open[k].kind == 'L')
      add_span(t, &open[k], t->ev[t->nev - 1].seq, 1);
    else
      free(open[k].name);
  }
  free(open);

  /* Colours in order of the first shown acquire of each lock. */
  qsort(t->spans, (size_t)t->nspans, sizeof *t->spans, span_cmp);
  for (int s = 0; s < t->nspans; s++)
    t->spans[s].lock = lock_index(t, t->spans[s].name);

  /* Bars side by side: the lowest slot free in the span's lane.  Spans
     come by acquire, so a slot is free once its last span has ended. */
  int *end = xrealloc(NULL, (size_t)t->nth * MAX_SLOTS * sizeof *end);
  for (int i = 0; i < t->nth * MAX_SLOTS; i++)
    end[i] = -1;
  for (int s = 0; s < t->nspans; s++) {
    int *e = end + lane_of(t, t->spans[s].tid) * MAX_SLOTS;
    int slot = MAX_SLOTS - 1;
    for (int c = 0; c < MAX_SLOTS; c++) {
      if (e[c] < t->spans[s].r0) {
        slot = c;
        break;
      }
    }
    t->spans[s].slot = slot;
    if (e[slot] < t->spans[s].r1)
      e[slot] = t->spans[s].r1;
  }
  free(end);
  return 0;
}

/* ------------------------------------------------------------- drawing */

typedef struct gv {
  Agraph_t *g;
  /* node attributes */
  Agsym_t *pos, *width, *height, *label, *shape, *style, *fill, *color, *pen,
      *fsize, *fcolor, *id, *cls, *tip;
  /* edge attributes */
  Agsym_t *ecolor, *estyle, *epen, *ehead, *etip, *eid, *ecls, *earrow;
} gv;

static void set(void *obj, Agsym_t *sym, const char *v) {
  agxset(obj, sym, (char *)v);
}

static void set_html(gv *v, void *obj, Agsym_t *sym, const char *html) {
  agxset(obj, sym, agstrdup_html(v->g, (char *)html));
}

static void set_f(void *obj, Agsym_t *sym, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void set_f(void *obj, Agsym_t *sym, const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  agxset(obj, sym, buf);
}

/* A node of fixed size w x h (points) centred at (x, y), y downwards. */
static Agnode_t *node_at(gv *v, const char *name, double x, double y, double w,
                         double h) {
  Agnode_t *n = agnode(v->g, (char *)name, 1);
  set_f(n, v->pos, "%.2f,%.2f!", x, -y);
  set_f(n, v->width, "%.4f", w / 72.0);
  set_f(n, v->height, "%.4f", h / 72.0);
  return n;
}

/* Text left-aligned in a box of width w: an HTML table fills the node. */
static void html_left(sbuf *b, double w, const char *inner) {
  sb_printf(b,
            "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
            "CELLPADDING=\"0\" WIDTH=\"%d\"><TR><TD ALIGN=\"LEFT\" "
            "BALIGN=\"LEFT\">%s</TD></TR></TABLE>",
            (int)w, inner);
}

/* Appends "<B>bold</B>rest" cut to 'budget' points, with an ellipsis where
   it is cut: the bold part keeps at most 60% of the room if both do not
   fit.  'cw' is the glyph width of the rest. */
static void fit_line(sbuf *b, const char *bold, const char *rest, double budget,
                     double cw) {
  size_t nb = bold ? u8len(bold) : 0, nr = u8len(rest);
  size_t fb = nb, fr = nr;
  if (nb * BOLD_W + nr * cw > budget) {
    if (nb * BOLD_W > 0.6 * budget)
      fb = (size_t)(0.6 * budget / BOLD_W);
    double left = budget - (double)(fb < nb ? fb : nb) * BOLD_W;
    fr = left > cw ? (size_t)(left / cw) : 1;
  }
  if (nb) {
    sb_printf(b, "<B>");
    sb_html(b, bold, fb < nb ? fb : 0);
    sb_printf(b, "</B>");
  }
  sb_html(b, rest, fr < nr ? fr : 0);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

/* "before→after", "→after" or "before→"; "" when neither. */
static void values(sbuf *b, const tl_event *e) {
  if (!e->before && !e->after)
    return;
  sb_printf(b, "%s→%s", nz(e->before), nz(e->after));
}

typedef struct frame { /* where things go */
  double total_w, title_h, head_y, rows_top, bottom, side_x;
} frame;

static double lane_x(const timeline *t, int tid) {
  int li = 0;
  while (li < t->nth && t->th[li].tid != tid)
    li++;
  return RULER_W + li * LANE_W;
}

static void draw_title(timeline *t, gv *v, frame *f) {
  size_t cols = (size_t)((f->total_w - 20) / 6.0);
  sbuf b = {0}, in = {0};
  int lines = 0;
  sb_printf(&in, "<FONT POINT-SIZE=\"16\"><B>");
  sb_html(&in, t->title ? t->title : "(untitled)", cols / 2);
  sb_printf(&in, "</B></FONT><BR ALIGN=\"LEFT\"/>");
  sbuf l = {0};
  sb_printf(&l, "%s · variant %s%s%s · policy %s · seed %" PRId64,
            t->scenario ? t->scenario : "(no scenario file)",
            t->variant ? t->variant : "-",
            t->knobs && *t->knobs ? " · knobs " : "", nz(t->knobs),
            t->policy ? t->policy : "-", t->seed);
  sb_html(&in, l.p, cols);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  l.n = 0;
  sb_printf(&l,
            "run %" PRId64 ", execution %" PRId64 " (#%" PRId64
            " of the run) · %" PRId64 " steps · %" PRId64
            " ns simulated · trace %s",
            t->run_id, t->exec_id, t->ordinal, t->steps, t->end_ns,
            t->trace_hash ? t->trace_hash : "-");
  sb_html(&in, l.p, cols);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  lines += 3;
  if (t->has_viol) {
    sb_printf(&in, "<FONT COLOR=\"%s\"><B>violation ", VIOL_COLOR);
    sb_html(&in, t->vkind, 48);
    sb_printf(&in, "</B></FONT> at step #%" PRId64 ": ", t->vseq);
    sb_html(&in, t->vmsg, cols > 40 ? cols - 40 : cols);
  } else {
    sb_printf(&in, "outcome: <B>");
    sb_html(&in, t->outcome ? t->outcome : "?", 32);
    sb_printf(&in, "</B>");
    if (t->note) {
      sb_printf(&in, " · ");
      sb_html(&in, t->note, cols / 2);
    }
  }
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>showing %s<BR ALIGN=\"LEFT\"/>",
            t->slice_note);
  lines += 2;
  if (t->has_viol && t->note) {
    sb_printf(&in, "note: ");
    sb_html(&in, t->note, cols);
    sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
    lines++;
  }
  /* The schedule in a monospace font (6 pt a glyph at 10 pt, with some
     room), after the 10 characters of "schedule: ". */
  sb_printf(&in, "<FONT FACE=\"Courier\">schedule: ");
  const char *sched = t->schedule && *t->schedule ? t->schedule : "(none)";
  size_t mono = (size_t)((f->total_w - 20) / 6.3) - 12;
  size_t n = u8len(sched);
  lines += (int)((n + mono - 1) / mono < 8 ? (n + mono - 1) / mono : 8);
  sb_html_wrap(&in, sched, mono, ".", 8);
  sb_printf(&in, "</FONT>");
  html_left(&b, f->total_w - 20, in.p);
  f->title_h = 24 + 13.0 * lines + 6;
  Agnode_t *nd = node_at(v, "title", f->total_w / 2, f->title_h / 2,
                         f->total_w - 10, f->title_h);
  set(nd, v->shape, "plaintext");
  set(nd, v->style, "");
  set(nd, v->fsize, "10");
  set(nd, v->id, "title");
  set_html(v, nd, v->label, b.p);
  free(b.p);
  free(in.p);
  free(l.p);
}

static void draw_lanes(timeline *t, gv *v, const frame *f) {
  double top = f->head_y - HEAD_H / 2;
  for (int i = 0; i < t->nth; i++) {
    const tl_thread *th = &t->th[i];
    double x = RULER_W + i * LANE_W;
    char name[32];
    snprintf(name, sizeof name, "lane%d", th->tid);
    Agnode_t *n = node_at(v, name, x + LANE_W / 2, (top + f->bottom) / 2,
                          LANE_W - 8, f->bottom - top);
    set(n, v->fill, "#f6f6f6");
    set(n, v->color, "#d4d4d4");
    set(n, v->cls, "lane");
    sbuf b = {0};
    sb_plain(&b, th->name);
    set(n, v->tip, b.p);

    snprintf(name, sizeof name, "head%d", th->tid);
    n = node_at(v, name, x + LANE_W / 2, f->head_y, LANE_W - 20, HEAD_H - 8);
    set(n, v->fill, "#e4e4e4");
    set(n, v->color, "#9a9a9a");
    set(n, v->fsize, "11");
    set(n, v->cls, "lane-head");
    set(n, v->tip, b.p);
    b.n = 0;
    sb_printf(&b, "<B>");
    sb_html(&b, th->name, (size_t)((LANE_W - 30) / 6.5));
    sb_printf(&b, "</B><BR/><FONT POINT-SIZE=\"8\">thread %d", th->tid);
    if (th->cpu >= 0)
      sb_printf(&b, " · cpu %d", th->cpu);
    sb_printf(&b, "</FONT>");
    set_html(v, n, v->label, b.p);
    free(b.p);
  }
}

static void draw_ruler(timeline *t, gv *v, const frame *f) {
  Agnode_t *n =
      node_at(v, "ruler", RULER_W / 2, f->head_y, RULER_W - 8, HEAD_H - 8);
  set(n, v->shape, "plaintext");
  set(n, v->style, "");
  set(n, v->fsize, "8");
  set_html(v, n, v->label, "<B>time (ns)</B><BR/>step start");
  Agnode_t *a = node_at(v, "axis0", RULER_W - 6, f->rows_top, 1, 1);
  Agnode_t *z = node_at(v, "axis1", RULER_W - 6, f->bottom, 1, 1);
  set(a, v->shape, "point");
  set(z, v->shape, "point");
  set(a, v->style, "invis");
  set(z, v->style, "invis");
  Agedge_t *e = agedge(v->g, a, z, "axis", 1);
  set(e, v->ecolor, "#888888");
  set(e, v->ehead, "none");
  set(e, v->ecls, "ruler");

  char name[40], text[64];
  int64_t prev_seq = -1, prev_ts = -1;
  for (int64_t i = 0; i < t->nev; i++) {
    const tl_event *ev = &t->ev[i];
    int64_t skipped = ev->seq - prev_seq - 1;
    if (skipped > 0) {
      snprintf(name, sizeof name, "gap%" PRId64, i);
      snprintf(text, sizeof text, "⋮ %" PRId64 " step%s", skipped,
               skipped == 1 ? "" : "s");
      double y = ev->y - ROW_H / 2 - GAP_H / 2;
      n = node_at(v, name, (RULER_W - 12) / 2, y, RULER_W - 14, GAP_H);
      set(n, v->shape, "plaintext");
      set(n, v->style, "");
      set(n, v->fsize, "7");
      set(n, v->fcolor, "#777777");
      set(n, v->cls, "gap");
      set(n, v->label, text);
      set(n, v->tip, "steps not in the slice");
    }
    if (ev->ts != prev_ts) {
      snprintf(name, sizeof name, "tick%" PRId64, i);
      snprintf(text, sizeof text, "%" PRId64 " ns\\r", ev->ts);
      n = node_at(v, name, (RULER_W - 12) / 2, ev->y, RULER_W - 14, 12);
      set(n, v->shape, "plaintext");
      set(n, v->style, "");
      set(n, v->fsize, "8");
      set(n, v->cls, "tick");
      set(n, v->label, text);
    }
    prev_seq = ev->seq;
    prev_ts = ev->ts;
  }
}

static void draw_spans(timeline *t, gv *v) {
  char name[32];
  for (int s = 0; s < t->nspans; s++) {
    const tl_span *sp = &t->spans[s];
    const char *col = lock_palette[sp->lock % NPALETTE];
    double bx = lane_x(t, sp->tid) + BAR_X + sp->slot * BAR_STEP;
    double y0 = t->ev[sp->r0].y - EV_H / 2, y1 = t->ev[sp->r1].y + EV_H / 2;
    snprintf(name, sizeof name, "hold%d", s);
    Agnode_t *n =
        node_at(v, name, bx + BAR_W / 2, (y0 + y1) / 2, BAR_W, y1 - y0);
    set(n, v->fill, col);
    set(n, v->color, col);
    set(n, v->style, "filled");
    set(n, v->cls, "lock-hold");
    sbuf b = {0};
    sb_plain(&b, sp->name);
    sb_printf(&b, " held from #%" PRId64, sp->from);
    if (sp->held)
      sb_printf(&b, " to the end");
    else
      sb_printf(&b, " to #%" PRId64, sp->to);
    set(n, v->tip, b.p);

    double lx = bx + BAR_W + 2, lw = lane_x(t, sp->tid) + LANE_W - 6 - lx;
    snprintf(name, sizeof name, "holdname%d", s);
    n = node_at(v, name, lx + lw / 2, y0 + 5, lw, 10);
    set(n, v->shape, "plaintext");
    set(n, v->style, "");
    set(n, v->fsize, "7");
    set(n, v->fcolor, col);
    set(n, v->cls, "lock-name");
    set(n, v->tip, b.p);
    b.n = 0;
    sbuf in = {0};
    sb_html(&in, sp->name, (size_t)(lw / 4.2));
    html_left(&b, lw, in.p);
    set_html(v, n, v->label, b.p);
    free(in.p);
    free(b.p);
  }
}

static void draw_events(timeline *t, gv *v) {
  char name[32];
  for (int64_t i = 0; i < t->nev; i++) {
    const tl_event *e = &t->ev[i];
    int viol = i == t->viol_ev;
    int ind = e->depth < MAX_INDENT ? e->depth : MAX_INDENT;
    double x0 = lane_x(t, e->tid) + EV_X0 + ind * INDENT;
    double x1 = lane_x(t, e->tid) + EV_X1, w = x1 - x0;
    snprintf(name, sizeof name, "e%" PRId64, e->seq);
    Agnode_t *n = node_at(v, name, (x0 + x1) / 2, e->y, w, EV_H);
    snprintf(name, sizeof name, "ev%" PRId64, e->seq);
    set(n, v->id, name);
    set(n, v->cls, viol ? "event violation" : "event");
    int d = e->depth < 3 ? e->depth : 3;
    set(n, v->fill, viol ? "#ffe0e0" : depth_fill[d]);
    set(n, v->color, viol ? VIOL_COLOR : "#5a6b85");
    set(n, v->pen, viol ? "3" : "1");

    /* line 1: "fn: op obj before→after", cut to the box */
    sbuf in = {0}, vals = {0}, rest = {0}, b = {0};
    values(&vals, e);
    if (e->fn)
      sb_printf(&rest, ": ");
    sb_printf(&rest, "%s", nz(e->op));
    if (e->obj)
      sb_printf(&rest, " %s", e->obj);
    if (vals.n)
      sb_printf(&rest, " %s", vals.p);
    if (viol)
      sb_printf(&in, "<FONT COLOR=\"%s\"><B>", VIOL_COLOR);
    fit_line(&in, e->fn, rest.p ? rest.p : "", w - 10, viol ? BOLD_W : CHAR_W);
    if (viol)
      sb_printf(&in, "</B></FONT>");
    /* line 2: "#seq · ts ns · +dur" */
    sb_printf(&in,
              "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"7\" COLOR=\"#555555\">"
              "#%" PRId64 " · %" PRId64 " ns · +%" PRId64 "</FONT>",
              e->seq, e->ts, e->dur);
    if (e->depth)
      sb_printf(&in,
                "<FONT POINT-SIZE=\"7\" COLOR=\"#555555\"> · depth "
                "%d</FONT>",
                e->depth);
    html_left(&b, w - 6, in.p);
    set_html(v, n, v->label, b.p);

    b.n = 0;
    const tl_thread *th = &t->th[lane_of(t, e->tid)];
    sb_printf(&b, "#%" PRId64 " at %" PRId64 " ns (+%" PRId64 ") on ", e->seq,
              e->ts, e->dur);
    sb_plain(&b, th->name);
    sb_printf(&b, ": ");
    if (e->fn) {
      sb_plain(&b, e->fn);
      sb_printf(&b, ": ");
    }
    sb_plain(&b, e->op);
    if (e->obj) {
      sb_printf(&b, " ");
      sb_plain(&b, e->obj);
    }
    if (vals.n) {
      sb_printf(&b, " ");
      sb_plain(&b, vals.p);
    }
    set(n, v->tip, b.p);
    free(in.p);
    free(vals.p);
    free(rest.p);
    free(b.p);
  }
}

static void draw_flows(timeline *t, gv *v) {
  char from[32], to[32], name[32];
  for (int64_t k = 0; k < t->nflows; k++) {
    const tl_flow *fl = &t->flows[k];
    int64_t a = row_at_or_after(t, fl->from), z = row_at_or_after(t, fl->to);
    if (a >= t->nev || t->ev[a].seq != fl->from || z >= t->nev ||
        t->ev[z].seq != fl->to)
      continue;
    snprintf(from, sizeof from, "e%" PRId64, fl->from);
    snprintf(to, sizeof to, "e%" PRId64, fl->to);
    snprintf(name, sizeof name, "flow%" PRId64, k);
    Agedge_t *e =
        agedge(v->g, agnode(v->g, from, 0), agnode(v->g, to, 0), name, 1);
    const struct flow_style *fs = &flow_styles[fl->kind];
    set(e, v->ecolor, fs->color);
    set(e, v->estyle, fs->style);
    set(e, v->epen, fs->penwidth);
    set(e, v->eid, name);
    sbuf b = {0};
    sb_printf(&b, "flow %s", fs->kind);
    set(e, v->ecls, b.p);
    b.n = 0;
    sb_printf(&b, "%s of ", fs->kind);
    sb_plain(&b, fl->obj);
    sb_printf(&b, ": #%" PRId64 " → #%" PRId64, fl->from, fl->to);
    set(e, v->etip, b.p);
    free(b.p);
  }
}

/* One legend line: a sample at (x, y) is drawn by the caller; the text
   goes to its right. */
static void legend_text(gv *v, int k, double x, double y, const char *html) {
  char name[32];
  snprintf(name, sizeof name, "legendtext%d", k);
  double w = SIDE_W - 70;
  Agnode_t *n = node_at(v, name, x + w / 2, y, w, 14);
  set(n, v->shape, "plaintext");
  set(n, v->style, "");
  sbuf b = {0};
  html_left(&b, w, html);
  set_html(v, n, v->label, b.p);
  free(b.p);
}

/* Returns the legend's bottom. */
static double draw_legend(timeline *t, gv *v, const frame *f) {
  double x = f->side_x, y = f->head_y;
  char name[32];
  int k = 0;
  Agnode_t *n = node_at(v, "legend", x + 40, y, 80, 16);
  set(n, v->shape, "plaintext");
  set(n, v->style, "");
  set(n, v->fsize, "11");
  set_html(v, n, v->label, "<B>Legend</B>");
  y += 20;
  for (int i = 0; i < NFLOW_STYLES; i++, y += 16) {
    const struct flow_style *fs = &flow_styles[i];
    snprintf(name, sizeof name, "legendfrom%d", i);
    Agnode_t *a = node_at(v, name, x + 6, y, 1, 1);
    snprintf(name, sizeof name, "legendto%d", i);
    Agnode_t *z = node_at(v, name, x + 52, y, 1, 1);
    set(a, v->shape, "point");
    set(z, v->shape, "point");
    set(a, v->style, "invis");
    set(z, v->style, "invis");
    snprintf(name, sizeof name, "legendflow%d", i);
    Agedge_t *e = agedge(v->g, a, z, name, 1);
    set(e, v->ecolor, fs->color);
    set(e, v->estyle, fs->style);
    set(e, v->epen, fs->penwidth);
    sbuf b = {0};
    sb_html(&b, fs->what, 0);
    legend_text(v, k++, x + 62, y, b.p);
    free(b.p);
  }
  n = node_at(v, "legendviol", x + 29, y, 46, 12);
  set(n, v->fill, "#ffe0e0");
  set(n, v->color, VIOL_COLOR);
  set(n, v->pen, "3");
  legend_text(v, k++, x + 62, y, "violating step");
  y += 16;
  for (int d = 1; d <= 2; d++) {
    snprintf(name, sizeof name, "legenddepth%d", d);
    n = node_at(v, name, x + 29 + d * 5, y, 46 - d * 10, 12);
    set(n, v->fill, depth_fill[d]);
    set(n, v->color, "#5a6b85");
    legend_text(v, k++, x + 62, y,
                d == 1 ? "call depth 1: indented, shaded"
                       : "call depth 2, and so on");
    y += 16;
  }
  legend_text(v, k++, x + 62, y,
              "<FONT COLOR=\"#777777\">⋮ n steps</FONT>: left out of the "
              "slice");
  y += 16;
  for (int i = 0; i < t->nlocks && i < 16; i++, y += 16) {
    const char *col = lock_palette[i % NPALETTE];
    snprintf(name, sizeof name, "legendlock%d", i);
    n = node_at(v, name, x + 29, y, BAR_W, 12);
    set(n, v->fill, col);
    set(n, v->color, col);
    sbuf b = {0};
    sb_html(&b, t->locks[i], 32);
    sb_printf(&b, " held (bar beside the lane)");
    legend_text(v, k++, x + 62, y, b.p);
    free(b.p);
  }
  if (t->nlocks > 16) {
    legend_text(v, k++, x + 62, y, "… more locks");
    y += 16;
  }
  return y;
}

static void draw_violation(timeline *t, gv *v, const frame *f,
                           double legend_bottom) {
  if (!t->has_viol)
    return;
  double w = SIDE_W - 20;
  size_t cols = (size_t)(w / 5.6);
  sbuf in = {0}, b = {0};
  sb_printf(&in,
            "<FONT COLOR=\"%s\" POINT-SIZE=\"12\"><B>violation: ", VIOL_COLOR);
  sb_html(&in, t->vkind, cols);
  sb_printf(&in, "</B></FONT><BR ALIGN=\"LEFT\"/>");
  sb_html_wrap(&in, nz(t->vmsg), cols, " ;,", 12);
  int lines = 2 + (int)(u8len(nz(t->vmsg)) / (cols * 3 / 4) + 1);
  if (lines > 14)
    lines = 14;
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"8\">at step #%" PRId64,
            t->vseq);
  if (t->viol_ev >= 0) {
    const tl_event *e = &t->ev[t->viol_ev];
    sb_printf(&in, " on ");
    sb_html(&in, t->th[lane_of(t, e->tid)].name, 40);
  } else {
    sb_printf(&in, " (not in the log)");
  }
  if (t->vobjs && strcmp(t->vobjs, "[]")) {
    sb_printf(&in, "<BR ALIGN=\"LEFT\"/>objects: ");
    sb_html(&in, t->vobjs, cols);
    lines++;
  }
  sb_printf(&in, "</FONT>");
  html_left(&b, w - 16, in.p);
  double h = 14.0 * lines + 16;
  double y = t->viol_ev >= 0 ? t->ev[t->viol_ev].y : f->rows_top + h / 2;
  if (y - h / 2 < legend_bottom + 16)
    y = legend_bottom + 16 + h / 2;
  Agnode_t *n = node_at(v, "violation", f->side_x + w / 2, y, w, h);
  set(n, v->fill, "#fff0f0");
  set(n, v->color, VIOL_COLOR);
  set(n, v->pen, "2");
  set(n, v->id, "violation");
  set(n, v->cls, "violation-box");
  set(n, v->fsize, "10");
  set_html(v, n, v->label, b.p);
  if (t->viol_ev >= 0) {
    char name[32];
    snprintf(name, sizeof name, "e%" PRId64, t->vseq);
    Agedge_t *e = agedge(v->g, n, agnode(v->g, name, 0), "violation", 1);
    set(e, v->ecolor, VIOL_COLOR);
    set(e, v->estyle, "dashed");
    set(e, v->epen, "1.5");
    set(e, v->ecls, "violation");
  }
  free(in.p);
  free(b.p);
}

/* Row positions; returns the bottom of the last row. */
static double place_rows(timeline *t, double top) {
  double y = top;
  int64_t prev = -1;
  for (int64_t i = 0; i < t->nev; i++) {
    if (t->ev[i].seq > prev + 1)
      y += GAP_H;
    t->ev[i].y = y + ROW_H / 2;
    y += ROW_H;
    prev = t->ev[i].seq;
  }
  return t->nev ? y : y + ROW_H;
}

static gv gv_new(void) {
  gv v;
  v.g = agopen("timeline", Agdirected, NULL);
  Agraph_t *g = v.g;
  agattr(g, AGRAPH, "outputorder", "nodesfirst");
  agattr(g, AGRAPH, "splines", "line");
  agattr(g, AGRAPH, "bgcolor", "white");
  agattr(g, AGRAPH, "pad", "0.2");
  agattr(g, AGRAPH, "fontname", "Helvetica");
  v.pos = agattr(g, AGNODE, "pos", "");
  v.width = agattr(g, AGNODE, "width", "0.5");
  v.height = agattr(g, AGNODE, "height", "0.3");
  agattr(g, AGNODE, "fixedsize", "true");
  agattr(g, AGNODE, "fontname", "Helvetica");
  agattr(g, AGNODE, "margin", "0.03,0.01");
  v.label = agattr(g, AGNODE, "label", "");
  v.shape = agattr(g, AGNODE, "shape", "box");
  v.style = agattr(g, AGNODE, "style", "filled");
  v.fill = agattr(g, AGNODE, "fillcolor", "white");
  v.color = agattr(g, AGNODE, "color", "black");
  v.pen = agattr(g, AGNODE, "penwidth", "1");
  v.fsize = agattr(g, AGNODE, "fontsize", "9");
  v.fcolor = agattr(g, AGNODE, "fontcolor", "black");
  v.id = agattr(g, AGNODE, "id", "");
  v.cls = agattr(g, AGNODE, "class", "");
  v.tip = agattr(g, AGNODE, "tooltip", "");
  v.ecolor = agattr(g, AGEDGE, "color", "black");
  v.estyle = agattr(g, AGEDGE, "style", "solid");
  v.epen = agattr(g, AGEDGE, "penwidth", "1");
  v.ehead = agattr(g, AGEDGE, "arrowhead", "normal");
  v.earrow = agattr(g, AGEDGE, "arrowsize", "0.7");
  v.etip = agattr(g, AGEDGE, "tooltip", "");
  v.eid = agattr(g, AGEDGE, "id", "");
  v.ecls = agattr(g, AGEDGE, "class", "");
  return v;
}

/* Graphviz reports through a callback; keep the first error. */
static char gv_err[256];
static int gv_errf(char *msg) {
  if (!gv_err[0]) {
    snprintf(gv_err, sizeof gv_err, "%s", msg);
    size_t n = strlen(gv_err);
    while (n && (gv_err[n - 1] == '\n' || gv_err[n - 1] == ' '))
      gv_err[--n] = 0;
  }
  return 0;
}

/* One Graphviz context for the process, never freed: Graphviz 2.43's pango
   plugin caches a pointer to the last font name, which lives in the
   context, so a second context after gvFreeContext() reads freed memory
   (found with AddressSanitizer).  A context is meant to be reused. */
static GVC_t *gv_context(void) {
  static GVC_t *gvc;
  if (!gvc)
    gvc = gvContext();
  return gvc;
}

static int draw(timeline *t, const char *out, const char *format) {
  gv v = gv_new();
  frame f = {0};
  f.total_w = RULER_W + t->nth * LANE_W + 16 + SIDE_W;
  if (f.total_w < 760)
    f.total_w = 760;
  f.side_x = RULER_W + t->nth * LANE_W + 16;
  draw_title(t, &v, &f);
  f.head_y = f.title_h + 8 + HEAD_H / 2;
  f.rows_top = f.title_h + 8 + HEAD_H + 6;
  f.bottom = place_rows(t, f.rows_top) + 10;
  draw_lanes(t, &v, &f);
  draw_ruler(t, &v, &f);
  draw_spans(t, &v);
  draw_events(t, &v);
  double lb = draw_legend(t, &v, &f);
  draw_violation(t, &v, &f, lb);
  draw_flows(t, &v);

  gv_err[0] = 0;
  agusererrf old = agseterrf(gv_errf);
  agerrlevel_t lvl = agseterr(AGERR);
  GVC_t *gvc = gv_context();
  int rc = gvLayout(gvc, v.g, "nop2");
  if (rc != 0) {
    tl_fail(t, "graphviz: layout failed%s%s", gv_err[0] ? ": " : "", gv_err);
  } else {
    rc = gvRenderFilename(gvc, v.g, format, out);
    if (rc != 0)
      tl_fail(t, "%s: cannot write%s%s", out, gv_err[0] ? ": " : "", gv_err);
    gvFreeLayout(gvc, v.g);
  }
  agclose(v.g);
  agseterr(lvl);
  agseterrf(old);
  return rc ? -1 : 0;
}

static void tl_free(timeline *t) {
  if (t->db)
    sqlite3_close(t->db);
  free(t->outcome);
  free(t->schedule);
  free(t->trace_hash);
  free(t->note);
  free(t->title);
  free(t->scenario);
  free(t->variant);
  free(t->knobs);
  free(t->policy);
  free(t->vkind);
  free(t->vmsg);
  free(t->vobjs);
  for (int i = 0; i < t->nth; i++)
    free(t->th[i].name);
  free(t->th);
  free(t->allseq);
  free(t->alltid);
  for (int64_t i = 0; i < t->nflows; i++)
    free(t->flows[i].obj);
  free(t->flows);
  free(t->shown);
  for (int64_t i = 0; i < t->nev; i++) {
    tl_event *e = &t->ev[i];
    free(e->fn);
    free(e->op);
    free(e->obj);
    free(e->before);
    free(e->after);
  }
  free(t->ev);
  for (int s = 0; s < t->nspans; s++)
    free(t->spans[s].name);
  free(t->spans);
  for (int i = 0; i < t->nlocks; i++)
    free(t->locks[i]);
  free(t->locks);
}

/* The Graphviz output format for a file name, NULL if unsupported. */
static const char *format_of(const char *out) {
  const char *dot = strrchr(out, '.');
  if (!dot)
    return NULL;
  if (!strcmp(dot, ".svg"))
    return "svg";
  if (!strcmp(dot, ".png"))
    return "png";
  if (!strcmp(dot, ".dot"))
    return "dot";
  return NULL;
}

int render_timeline(const char *dbpath, const char *out, const render_opts *o,
                    char *err, size_t errlen) {
  render_opts defaults = {0};
  if (!o)
    o = &defaults;
  assert(dbpath && out);
  assert(o->slice >= 0);
  timeline t = {.dbpath = dbpath, .err = err, .errlen = errlen};
  const char *format = format_of(out);
  int rc = -1;
  if (!format)
    tl_fail(&t, "%s: unknown output format (use .svg, .png or .dot)", out);
  else if (open_log(&t) == 0 && pick_exec(&t, o->exec_id) == 0 &&
           load_exec(&t) == 0 && load_skeleton(&t) == 0) {
    choose_slice(&t, o->slice > 0 ? o->slice : 200, o->full);
    if (load_events(&t) == 0 && load_spans(&t) == 0)
      rc = draw(&t, out, format);
  }
  tl_free(&t);
  return rc;
}
