/*
** timeline_locks.c - the lock holds and the blocked intervals of the
** timeline model (timeline.h), read in phase 3 of timeline.c for the
** shown rows.
**
** Holds are not paired here: completed holds come from the view
** v_lock_hold (reports/schema.c), the one place that pairs an acquire
** with its release; this file adds the locks still held when the
** execution stopped (a thread's last operation on a lock is an exclusive
** or shared acquire: an unreleased trylock may have failed and is not
** drawn), drawn to the last shown row, and colours the holds in order of
** their first shown acquire.  Blocked intervals are derived from the
** holds and the acquisitions in one ordered pass (see load_blocks).
*/
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "reports/strbuf.h"
#include "reports/timeline.h"
#include "reports/timeline_int.h"

static int lock_index(timeline *t, const char *name) {
  for (int i = 0; i < t->nlocks; i++)
    if (!strcmp(t->locks[i], name))
      return i;
  t->locks = sb_xrealloc(t->locks, (size_t)(t->nlocks + 1) * sizeof *t->locks);
  t->locks[t->nlocks] = strdup(name);
  return t->nlocks++;
}

static int span_cmp(const void *a, const void *b) {
  const tl_span *x = a, *y = b;
  if (x->from != y->from)
    return x->from < y->from ? -1 : 1;
  int c = strcmp(x->name, y->name);
  if (c)
    return c;
  return (x->tid > y->tid) - (x->tid < y->tid); /* a total order: qsort is
                                                    not stable */
}

/* Completed holds from v_lock_hold, then the locks still held at the end:
   those whose last lock operation by a thread, by seq and footprint
   index, is an acquire (L, Ls). */
static const char spans_sql[] =
    "SELECT acquire_seq, release_seq, tid, lock FROM v_lock_hold"
    " WHERE exec_id = ?1"
    " UNION ALL "
    "SELECT seq, NULL, tid, lock FROM ("
    "  SELECT a.seq AS seq, a.kind AS kind, a.tid AS tid, s.str AS lock,"
    "         row_number() OVER (PARTITION BY a.tid, a.obj"
    "                            ORDER BY a.seq DESC, a.idx DESC) AS nth"
    "  FROM access a"
    "  JOIN string s ON s.id = a.obj"
    "  WHERE a.exec_id = ?1 AND a.kind IN ('L', 'Ls', 'T', 'U', 'Us'))"
    " WHERE nth = 1 AND kind IN ('L', 'Ls')";

/* Phase 3: the lock holds that overlap the shown rows, coloured in order
   of their first shown acquire. */
int tl_load_spans(tl_reader *r) {
  timeline *t = r->t;
  if (!t->nev)
    return 0;
  sqlite3_stmt *st;
  if (tl_prepare(r, spans_sql, t->exec_id, &st) < 0)
    return -1;
  while (sqlite3_step(st) == SQLITE_ROW) {
    int64_t from = sqlite3_column_int64(st, 0);
    int held = sqlite3_column_type(st, 1) == SQLITE_NULL;
    int64_t to = held ? t->ev[t->nev - 1].seq : sqlite3_column_int64(st, 1);
    int64_t r0 = timeline_row_at_or_after(t, from);
    int64_t r1 = timeline_row_at_or_after(t, to + 1) - 1;
    if (r0 > r1)
      continue; /* no shown row inside */
    t->spans =
        sb_xrealloc(t->spans, (size_t)(t->nspans + 1) * sizeof *t->spans);
    t->spans[t->nspans++] = (tl_span){.tid = sqlite3_column_int(st, 2),
                                      .name = tl_col_dup(st, 3),
                                      .from = from,
                                      .to = to,
                                      .held = held,
                                      .r0 = (int)r0,
                                      .r1 = (int)r1};
  }
  sqlite3_finalize(st);
  if (t->nspans) /* qsort wants an array, even for none */
    qsort(t->spans, (size_t)t->nspans, sizeof *t->spans, span_cmp);
  for (int s = 0; s < t->nspans; s++)
    t->spans[s].lock = lock_index(t, t->spans[s].name);
  return 0;
}

/* Blocked intervals, derived from the log: a thread whose next step after
   'prev' acquires a lock (L, Ls) that another thread held and released
   in between waited for it from the later of 'prev' and the holder's
   acquisition to the release (the engine grants no step of a thread
   whose lock is taken).  One interval per acquiring step: the holder
   that released last (then the lowest tid).  Two shared holds do not
   conflict.

   One ordered pass: the completed holds come sorted by lock and release,
   so the holds released in a waiter's window (prev, acquire) of a lock
   are a run found by binary search; a waiter's windows are disjoint, and
   the search stops at the first hold that conflicts, so the pass costs
   O(n log n) where a join of acquisitions with holds cost O(n^2). */
static const char holds_sql[] =
    "SELECT lock, tid, kind = 'Ls', acquire_seq, release_seq FROM v_lock_hold"
    " WHERE exec_id = ?1 ORDER BY lock, release_seq, tid DESC, acquire_seq";
static const char acquires_sql[] =
    "SELECT a.seq, a.tid, s.str, a.kind = 'Ls' FROM access a"
    " JOIN string s ON s.id = a.obj"
    " WHERE a.exec_id = ?1 AND a.kind IN ('L', 'Ls') ORDER BY a.seq, a.idx";

typedef struct tl_hold { /* a completed hold, for the blocked intervals */
  int tid, shared;
  int64_t acq, rel;
} tl_hold;

typedef struct tl_holds { /* every completed hold, by lock then release */
  tl_hold *h;
  int64_t n;
  char **lock; /* [k]: the lock of holds [start[k], start[k + 1]) */
  int64_t *start;
  int nlocks;
} tl_holds;

static void holds_free(tl_holds *hs) {
  for (int k = 0; k < hs->nlocks; k++)
    free(hs->lock[k]);
  free(hs->lock);
  free(hs->start);
  free(hs->h);
}

static int load_holds(tl_reader *r, tl_holds *hs) {
  sqlite3_stmt *st;
  if (tl_prepare(r, holds_sql, r->t->exec_id, &st) < 0)
    return -1;
  size_t cap = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *lock = (const char *)sqlite3_column_text(st, 0);
    if (!lock)
      continue; /* no lock to wait for */
    if (!hs->nlocks || strcmp(hs->lock[hs->nlocks - 1], lock)) {
      hs->lock =
          sb_xrealloc(hs->lock, (size_t)(hs->nlocks + 1) * sizeof *hs->lock);
      hs->start =
          sb_xrealloc(hs->start, (size_t)(hs->nlocks + 2) * sizeof *hs->start);
      hs->lock[hs->nlocks] = strdup(lock);
      hs->start[hs->nlocks++] = hs->n;
    }
    if ((size_t)hs->n == cap) {
      cap = cap ? 2 * cap : 256;
      hs->h = sb_xrealloc(hs->h, cap * sizeof *hs->h);
    }
    hs->h[hs->n++] = (tl_hold){.tid = sqlite3_column_int(st, 1),
                               .shared = sqlite3_column_int(st, 2),
                               .acq = sqlite3_column_int64(st, 3),
                               .rel = sqlite3_column_int64(st, 4)};
    hs->start[hs->nlocks] = hs->n;
  }
  sqlite3_finalize(st);
  return 0;
}

/* The hold of 'lock' that thread 'tid' (a shared acquire if 'shared')
   waited for in its window (prev, seq): the last released in it that
   conflicts; NULL if none. */
static const tl_hold *waited_for(const tl_holds *hs, const char *lock, int tid,
                                 int shared, int64_t prev, int64_t seq) {
  int lo = 0, hi = hs->nlocks;
  while (lo < hi) { /* the lock's run, by name (SQLite's BINARY order) */
    int mid = lo + (hi - lo) / 2;
    if (strcmp(hs->lock[mid], lock) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == hs->nlocks || strcmp(hs->lock[lo], lock))
    return NULL;
  int64_t first = hs->start[lo];
  int64_t j =
      first + timeline_lower_bound(hs->h + first, hs->start[lo + 1] - first,
                                   sizeof *hs->h, offsetof(tl_hold, rel), seq);
  for (j--; j >= first && hs->h[j].rel > prev; j--)
    if (hs->h[j].tid != tid && !(shared && hs->h[j].shared))
      return &hs->h[j];
  return NULL;
}

/* Adds the interval of the step at 'seq' of thread 'tid', which waited
   for hold 'h' of 'lock' since its previous step 'prev', if it overlaps
   the shown rows. */
static void add_block(timeline *t, int tid, const char *lock, const tl_hold *h,
                      int64_t prev, int64_t seq) {
  tl_block b = {.tid = tid,
                .holder = h->tid,
                .held_from = h->acq,
                .until = h->rel,
                .from = (prev > h->acq ? prev : h->acq) + 1,
                .acq = seq};
  int64_t r0 = timeline_row_at_or_after(t, b.from);
  int64_t r1 = timeline_row_at_or_after(t, b.until + 1) - 1;
  if (r0 > r1)
    return; /* no shown row inside */
  b.r0 = (int)r0;
  b.r1 = (int)r1;
  b.lock = strdup(lock);
  t->blocks =
      sb_xrealloc(t->blocks, (size_t)(t->nblocks + 1) * sizeof *t->blocks);
  t->blocks[t->nblocks++] = b;
}

/* Each event's previous step of its thread (its seq), -1 for a first. */
static int64_t *thread_prev(const timeline *t) {
  int64_t *prev =
      sb_xrealloc(NULL, (size_t)(t->nall ? t->nall : 1) * sizeof *prev);
  int64_t *last =
      sb_xrealloc(NULL, (size_t)(t->nth ? t->nth : 1) * sizeof *last);
  for (int i = 0; i < t->nth; i++)
    last[i] = -1;
  for (int64_t i = 0; i < t->nall; i++) {
    int lane = timeline_lane(t, t->alltid[i]);
    prev[i] = last[lane];
    last[lane] = t->allseq[i];
  }
  free(last);
  return prev;
}

/* Phase 3: the blocked intervals that overlap the shown rows. */
int tl_load_blocks(tl_reader *r) {
  timeline *t = r->t;
  sqlite3_stmt *st;
  if (!t->nev)
    return 0;
  tl_holds hs = {0};
  if (load_holds(r, &hs) < 0 ||
      tl_prepare(r, acquires_sql, t->exec_id, &st) < 0) {
    holds_free(&hs);
    return -1;
  }
  int64_t *prev = thread_prev(t);
  /* the best hold of the step being read, over its acquisitions */
  const tl_hold *best = NULL;
  char *best_lock = NULL;
  int64_t cur = -1, cur_prev = -1;
  int cur_tid = 0;
  for (int more = 1; more;) {
    more = sqlite3_step(st) == SQLITE_ROW;
    int64_t seq = more ? sqlite3_column_int64(st, 0) : -1;
    if (!more || seq != cur) {
      if (best)
        add_block(t, cur_tid, best_lock, best, cur_prev, cur);
      best = NULL;
      if (!more)
        break;
      int64_t i = timeline_find_seq(t, seq);
      cur = seq;
      cur_tid = sqlite3_column_int(st, 1);
      cur_prev = i >= 0 ? prev[i] : -1;
    }
    const char *lock = (const char *)sqlite3_column_text(st, 2);
    const tl_hold *h =
        lock ? waited_for(&hs, lock, cur_tid, sqlite3_column_int(st, 3),
                          cur_prev, cur)
             : NULL;
    if (h && (!best || h->rel > best->rel ||
              (h->rel == best->rel && h->tid < best->tid))) {
      best = h;
      free(best_lock);
      best_lock = strdup(lock);
    }
  }
  free(best_lock);
  free(prev);
  sqlite3_finalize(st);
  holds_free(&hs);
  return 0;
}
