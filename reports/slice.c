/*
** slice.c - which events of a long execution the timeline shows.
**
** A timeline of thousands of steps is unreadable, so an execution with
** more events than the limit is cut to the causal slice of its violation:
** the violating step and the steps it depends on, transitively, nearest
** first, until 'limit' events are chosen.  A step's direct predecessors
** are
**
**   - the previous step of the same thread (program order);
**   - the sources of the logged flows into it (lock handoffs, reads-from,
**     wakeups);
**   - for every other thread, its latest earlier step whose footprint
**     (the step's `access` rows) is dependent with this step's by
**     sim_accesses_dependent (sim/depend.h), the one definition of
**     dependence that the explorer uses too.
**
** The latest dependent step per thread is enough: an earlier dependent
** step of that thread comes before it in program order, so it is reached
** through that thread's chain.  With the explorer's dependence the slice
** holds the orderings the explorer considers, write-write included (two
** stores to one object carry no flow).  The search is breadth-first from
** the violating step over predecessors sorted by seq, latest first.
**
** Whatever the limit, the slice keeps the last writer (a W or A access at
** or before the violating step) of each object the violation names, and
** the sources of the from-read flows into those writers: the reads the
** racing write overwrote.  Those are the two halves of the race, often on
** two CPUs (the faulting CPU's set_pte_at and the truncating CPU's
** i_size write), and the nearest-first search alone could spend the
** whole limit on the violating thread's own past.
**
** Without a violation, or when the violating step is not in the log, the
** last 'limit' events are shown.  slice_note says which, for the title.
**
** Cost: finding the dependent predecessors of a step scans back over the
** execution until every other thread has one, so at worst 'limit' times
** the execution's length in footprint comparisons.
*/
#include <assert.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/strbuf.h"
#include "reports/timeline.h"
#include "sim/depend.h"

#define MAX_FLOWS_IN 64 /* flows followed into one step */
#define MAX_PREDS (1 + MAX_FLOWS_IN + SIM_MAX_THREADS)
_Static_assert(SIM_MAX_THREADS <= 32, "thread sets are 32-bit masks");

int timeline_slice_needs_accesses(const timeline *t, int limit, int full) {
  return !full && t->nall > limit && t->has_viol &&
         timeline_find_seq(t, t->vseq) >= 0;
}

/* Appends to 'out' the latest step before 'i' of each other thread that is
   dependent with step 'i'; returns how many. */
static int dependent_preds(const timeline *t, int64_t i, uint32_t threads,
                           int64_t *out) {
  const sim_access *a = t->acc + t->acc_off[i];
  int na = (int)(t->acc_off[i + 1] - t->acc_off[i]), n = 0;
  uint32_t done = 1u << t->alltid[i];
  for (int64_t j = i - 1; j >= 0 && done != threads && na; j--) {
    uint32_t bit = 1u << t->alltid[j];
    if (done & bit)
      continue;
    const sim_access *b = t->acc + t->acc_off[j];
    if (sim_accesses_dependent(b, (int)(t->acc_off[j + 1] - t->acc_off[j]), a,
                               na)) {
      out[n++] = j;
      done |= bit;
    }
  }
  return n;
}

/* Appends the sources of the flows into step 'i'; returns how many. */
static int flow_preds(const timeline *t, int64_t i, int64_t *out) {
  int64_t seq = t->allseq[i];
  int64_t lo = timeline_lower_bound(t->flows, t->nflows, sizeof *t->flows,
                                    offsetof(tl_flow, to), seq);
  int n = 0;
  for (; lo < t->nflows && t->flows[lo].to == seq && n < MAX_FLOWS_IN; lo++) {
    int64_t j = timeline_find_seq(t, t->flows[lo].from);
    if (j >= 0)
      out[n++] = j;
  }
  return n;
}

static int latest_first(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? 1 : x > y ? -1 : 0;
}

/* Breadth-first from the violating step 'vi'; returns the events taken. */
static int64_t causal_slice(timeline *t, int64_t vi, int limit) {
  assert(t->acc_off); /* timeline_slice_needs_accesses said so */
  int64_t *prev = sb_xrealloc(NULL, (size_t)t->nall * sizeof *prev);
  int64_t last[SIM_MAX_THREADS];
  uint32_t threads = 0;
  for (int i = 0; i < SIM_MAX_THREADS; i++)
    last[i] = -1;
  for (int64_t i = 0; i < t->nall; i++) {
    int tid = t->alltid[i];
    assert(tid >= 0 && tid < SIM_MAX_THREADS);
    prev[i] = last[tid];
    last[tid] = i;
    threads |= 1u << tid;
  }
  int64_t *queue = sb_xrealloc(NULL, (size_t)t->nall * sizeof *queue);
  int64_t head = 0, tail = 0, taken = 1;
  queue[tail++] = vi;
  t->shown[vi] = 1;
  /* Always kept, even past the limit: the last writer of each object
     the violation names and the reads it overwrote (its from-read
     sources), whatever their distance from the violating step. */
  for (int w = 0; w < t->nwriters; w++) {
    int64_t seeds[1 + MAX_FLOWS_IN];
    int ns = 0;
    int64_t i = timeline_find_seq(t, t->writers[w]);
    if (i < 0)
      continue;
    seeds[ns++] = i;
    int64_t lo = timeline_lower_bound(t->flows, t->nflows, sizeof *t->flows,
                                      offsetof(tl_flow, to), t->writers[w]);
    for (; lo < t->nflows && t->flows[lo].to == t->writers[w] &&
           ns < 1 + MAX_FLOWS_IN;
         lo++) {
      int64_t j = t->flows[lo].kind == SIM_FLOW_FROM_READ
                      ? timeline_find_seq(t, t->flows[lo].from)
                      : -1;
      if (j >= 0)
        seeds[ns++] = j;
    }
    for (int k = 0; k < ns; k++) {
      if (t->shown[seeds[k]])
        continue;
      t->shown[seeds[k]] = 1;
      taken++;
      queue[tail++] = seeds[k];
    }
  }
  while (head < tail && taken < limit) {
    int64_t i = queue[head++], preds[MAX_PREDS];
    int np = 0;
    if (prev[i] >= 0)
      preds[np++] = prev[i];
    np += flow_preds(t, i, preds + np);
    np += dependent_preds(t, i, threads, preds + np);
    assert(np <= MAX_PREDS);
    qsort(preds, (size_t)np, sizeof *preds, latest_first);
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
  return taken;
}

void timeline_slice(timeline *t, int limit, int full) {
  assert(limit > 0 && !t->shown);
  t->shown = sb_xrealloc(NULL, (size_t)t->nall);
  if (full || t->nall <= limit) {
    memset(t->shown, 1, (size_t)t->nall);
    snprintf(t->slice_note, sizeof t->slice_note, "all %" PRId64 " events",
             t->nall);
    return;
  }
  memset(t->shown, 0, (size_t)t->nall);
  if (!timeline_slice_needs_accesses(t, limit, full)) {
    for (int64_t i = t->nall - limit; i < t->nall; i++)
      t->shown[i] = 1;
    snprintf(t->slice_note, sizeof t->slice_note,
             "the last %d of %" PRId64 " events%s", limit, t->nall,
             t->has_viol ? " (the violating step is not logged)" : "");
    return;
  }
  int64_t taken = causal_slice(t, timeline_find_seq(t, t->vseq), limit);
  snprintf(t->slice_note, sizeof t->slice_note,
           "causal slice of %" PRId64 " of %" PRId64
           " events (what step #%" PRId64 " depends on)",
           taken, t->nall, t->vseq);
}
