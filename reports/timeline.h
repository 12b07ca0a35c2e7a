/*
** timeline.h - the in-memory model of one logged execution, as the
** timeline renderer needs it (internal to reports/).
**
** timeline_load (reports/timeline.c) reads it from an event log: the
** execution and its run, the threads (lanes), the seq and thread of every
** event, every flow, and then the full rows of the events chosen to be
** shown (reports/slice.c chooses them) and the lock holds that overlap
** them.  Drawing (reports/render.c) only reads this model, except for the
** row positions it writes into tl_event.y.  Every array is ordered as
** documented, so the same log always gives the same model.
*/
#ifndef MMSIM_TIMELINE_H
#define MMSIM_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "reports/render.h"
#include "sim/sim.h"

typedef struct tl_thread { /* a lane */
  int tid, cpu;            /* cpu -1: a thread the run did not describe */
  char *name;
  char *desc; /* what it does ("p1 load 0x10000"), NULL if not logged */
} tl_thread;

typedef struct tl_event { /* a shown event */
  int64_t seq, ts, dur;
  int tid, cpu, depth;
  char *fn, *op, *obj, *before, *after; /* NULL when the column is NULL */
  double y, h; /* row centre and box height: set by the renderer */
} tl_event;

typedef struct tl_flow {
  int64_t from, to; /* seqs */
  int kind;         /* enum sim_flow_kind */
  char *obj;
} tl_flow;

typedef struct tl_span { /* a lock hold overlapping the shown rows */
  int tid, lock;         /* lock: index in locks[] */
  char *name;            /* the lock's name */
  int64_t from, to;      /* acquire and release seq (or the last shown) */
  int held;              /* 1: still held at the end of the execution */
  int r0, r1;            /* first and last shown rows (indexes in ev[]) */
  int slot;              /* bar position: set by the renderer's layout */
} tl_span;

typedef struct tl_block {   /* a thread waiting for a lock another holds */
  int tid;                  /* the waiter */
  char *lock;               /* what it waits for */
  int holder;               /* tid of the holder */
  int64_t held_from;        /* the holder's acquire seq */
  int64_t from, until, acq; /* first waiting seq, the release, the grant */
  int r0, r1;               /* first and last shown rows (indexes in ev[]) */
} tl_block;

typedef struct timeline {
  /* the execution and its run */
  int64_t exec_id, run_id, ordinal, steps, end_ns, seed;
  char *outcome, *schedule, *trace_hash, *note;
  char *title, *scenario, *variant, *knobs, *policy;
  char *knobs_set; /* knobs that differ from the preset; NULL unknown */
  int has_viol;
  char *vkind, *vmsg, *vobjs;
  int64_t vseq;
  tl_thread *th; /* by tid, one per thread of the run or of an event */
  int nth;
  /* every event of the execution, by seq: seq and tid only */
  int64_t *allseq;
  int *alltid;
  int64_t nall;
  /* footprints of every event (loaded only for a causal slice): the
     accesses of allseq[i] are acc[acc_off[i] .. acc_off[i + 1]), objects
     named by their string ids */
  sim_access *acc;
  int64_t *acc_off;
  /* the last writer of each object the violation names (loaded with the
     footprints), by seq: a causal slice always shows them */
  int64_t *writers;
  int nwriters;
  tl_flow *flows; /* by to_seq, then from_seq descending */
  int64_t nflows;
  /* what is shown */
  char *shown;  /* [nall]: 1 if allseq[i] is shown */
  tl_event *ev; /* the shown events, by seq */
  int64_t nev;
  int64_t viol_ev; /* index in ev[] of the violating step, -1 if not shown */
  /* a lock-order violation: the step that took the lock held (the first
     of the violation's objects) by the violating thread, the other half
     of the inversion; index in ev[], -1 if none or not shown */
  int64_t held_seq, held_ev;
  char slice_note[160];
  tl_span *spans; /* by acquire seq, then lock name */
  int nspans;
  tl_block *blocks; /* by grant seq */
  int nblocks;
  char **locks; /* lock names, in order of first shown hold */
  int nlocks;
} timeline;

/* Reads execution o->exec_id (0: the last violating one, else the last
   one) of the log at 'dbpath' and chooses what to show per 'o'.  Returns
   0, or -1 with a one-line message in 'err'; free 't' either way. */
int timeline_load(timeline *t, const char *dbpath, const render_opts *o,
                  char *err, size_t errlen);
void timeline_free(timeline *t);

/* Index in th[] of thread 'tid', which has a lane. */
int timeline_lane(const timeline *t, int tid);
/* The first of 'n' records of 'size' bytes at 'base', sorted by the
   int64_t at byte 'off' of each, whose key is >= 'key'; n if none. */
int64_t timeline_lower_bound(const void *base, int64_t n, size_t size,
                             size_t off, int64_t key);
/* Index in allseq[] of 'seq', or -1. */
int64_t timeline_find_seq(const timeline *t, int64_t seq);
/* First shown row (index in ev[]) with seq >= 'seq'; nev if none. */
int64_t timeline_row_at_or_after(const timeline *t, int64_t seq);

/* Chooses the shown events (reports/slice.c): all of them if 'full' or if
   there are at most 'limit'; else the causal slice of the violation when
   its step is logged (the footprints must be loaded); else the last
   'limit'.  Sets shown[] and slice_note. */
void timeline_slice(timeline *t, int limit, int full);
/* Does a causal slice need the footprints? */
int timeline_slice_needs_accesses(const timeline *t, int limit, int full);

#endif /* MMSIM_TIMELINE_H */
