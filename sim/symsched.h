/*
** symsched.h - symbolic schedules: a bad interleaving written as the points
** where each thread stops, instead of how many steps it runs.
**
**   cpu1 until invalidate_inode_pages2_range:page_mapped; cpu0; cpu1
**
** reads "run cpu1 until it is about to execute the step 'page_mapped' of
** invalidate_inode_pages2_range, then run cpu0 as far as it goes, then
** cpu1".  A step-count string ("0*9.1*12...") breaks whenever the model
** cuts a path into more or fewer steps; a point survives that as long as
** the step it names still exists.
**
** The engine stays ignorant of what the points mean: a point is matched
** against the strings the model already gives each step, the innermost
** function (sim_enter) and the step's label (sim_stepdesc.what).  Grammar
** (scenarios/FORMAT.md, "Symbolic schedules"):
**
**   schedule := segment { ';' segment } [ ';' ]
**   segment  := THREAD [ 'until' point ]
**   point    := [ name ':' ] name [ '#' N ]
**   name     := IDENT | '"' any byte but '"' and NUL '"'
**   THREAD   := a thread's name (cpu1, cpu0.1, blockdev, t0) or its number
**
** Matching: the function, when given, equals the innermost function of the
** step; a quoted label equals the step's label; a bare label equals it or
** is one of its words (maximal runs of [A-Za-z0-9_]): `set_pte_at` matches
** "i_size_read; pte_none? page_add_file_rmap; set_pte_at"; a bare name
** without a function also matches every step of the function of that
** name (`until invalidate_complete_page2`: its first step).  `#N` (default
** 1) picks the N-th step of the thread, counted from its start, that the
** point matches.
**
** Replay (sim_symreplay_init): segment by segment, the segment's thread is
** granted steps until its next step is the point (a segment that is
** already there grants nothing), or, without 'until', until it finishes.
** While it cannot run, another thread runs each step: the lowest-numbered
** enabled one that no later segment names, else the lowest-numbered
** enabled one (so "cpu0; cpu1" lets the block device complete cpu0's I/O,
** not cpu1 start early).  When only threads of later segments can run,
** the schedule's order is broken: a divergence (the first one is kept,
** with the lock or condition the thread waits for and who holds it).  A thread
*that finishes before its point is a
** divergence too ("thread cpu1 finished without reaching page_mapped"),
** and the next segment starts.  After the last segment the
** lowest-numbered enabled thread runs, as after a step-count string.
**
** Derivation (sim_symrec_init): a chooser wrapper that records, at each
** context switch, the point the thread switched away from was about to
** execute, with its occurrence number, so that the derived schedule
** replays to the same grant sequence (and trace hash) as the execution.
*/
#ifndef MMSIM_SYMSCHED_H
#define MMSIM_SYMSCHED_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* The caps of a symbolic schedule, as SIM_SCHED_MAX_STEPS caps a
   step-count string: segments (context switches + 1), bytes of text, and
   the occurrence number of a point. */
#define SIM_SYMSCHED_MAX_SEGS 100000u
#define SIM_SYMSCHED_MAX_BYTES (4u << 20)
#define SIM_SYMSCHED_MAX_NTH 100000000u

typedef struct sim_sympoint {
  const char *fn;    /* innermost function, NULL: any */
  const char *label; /* step label */
  int exact;         /* quoted label: equality only */
  uint32_t nth;      /* occurrence, 1.. */
} sim_sympoint;

typedef struct sim_symseg {
  const char *thread; /* as written */
  int tid;            /* after sim_symsched_resolve, else -1 */
  int has_until;
  sim_sympoint until;
  int col;       /* 1-based column of the thread */
  int point_col; /* of the point, 0 without */
} sim_symseg;

typedef struct sim_symsched {
  sim_symseg *seg;
  size_t n;
  char *text; /* storage of the strings */
} sim_symsched;

/* 1 if the n bytes at 'str' are meant as a symbolic schedule: they start
   with a thread name or a '"', or hold a ';', a '"' or the word "until".
   Anything else is read as a step-count string ("0*3.1.0*2"), whose
   errors ("0*3.x") then say what a step-count string expects. */
int sim_symsched_is_symbolic(const char *str, size_t n);

/* Parses 'str'.  Returns 0, or -1 with the 1-based column and a message
   ("expected ..."). */
int sim_symsched_parse(const char *str, sim_symsched *out, int *col, char *err,
                       size_t errlen);
/* Resolves thread names against names[0..nthreads-1] (a number is taken
   as a thread id).  Returns 0, or -1 with the column of the bad thread. */
int sim_symsched_resolve(sim_symsched *s, const char *const *names,
                         int nthreads, int *col, char *err, size_t errlen);
void sim_symsched_free(sim_symsched *s);
/* The canonical text (thread names from 'names', NULL: as written);
   malloc'd, NULL when out of memory. */
char *sim_symsched_format(const sim_symsched *s, const char *const *names);
/* "fn:label#n" of a point, for messages. */
void sim_sympoint_show(const sim_sympoint *p, char *buf, size_t n);
/* Does p (ignoring nth) match a step of function fn labelled 'label'? */
int sim_sympoint_matches(const sim_sympoint *p, const char *fn,
                         const char *label);

/* ------------------------------------------------------------------------ */
/* Engine queries the replay needs (valid in a chooser).                    */

/* The innermost function of a parked thread ("" at its body's top). */
const char *sim_pending_fn(const sim_exec *x, int tid);
/* 1 once thread tid has finished. */
int sim_thread_finished(const sim_exec *x, int tid);
/* Why parked thread tid cannot run, one phrase: "waits for lock X held by
   cpu0", "waits for a condition on X (last written by cpu1)". */
void sim_blocked_why(const sim_exec *x, int tid, char *buf, size_t n);

/* Per-thread counts of executed steps by (function, label): the
   occurrence numbers of points.  Internal to the two choosers. */
typedef struct sim_symcount sim_symcount;

/* ------------------------------------------------------------------------ */
/* Replaying a symbolic schedule.                                           */

typedef struct sim_symreplay {
  const sim_symsched *s;    /* resolved */
  const char *const *names; /* thread names, for the note */
  size_t seg;               /* current segment */
  sim_symcount *cnt;
  uint32_t *later; /* [i]: threads named by the segments after i */
  int diverged;
  uint64_t diverged_at;
  char why[640]; /* the first divergence, a sentence */
} sim_symreplay;

/* 's' must be resolved and outlive the execution; names as the engine's
   thread configs.  Free with sim_symreplay_free. */
sim_chooser sim_symreplay_init(sim_symreplay *r, const sim_symsched *s,
                               const char *const *names);
/* After the execution: with 'finished' (every thread ended), a segment
   still waiting for its point is the divergence "thread cpu1 finished
   without reaching P" (diverged_at UINT64_MAX: at the end). */
void sim_symreplay_end(sim_symreplay *r, int finished);
void sim_symreplay_free(sim_symreplay *r);

/* ------------------------------------------------------------------------ */
/* Deriving the symbolic schedule of an execution.                          */

typedef struct sim_symrec {
  sim_chooser inner;
  sim_symsched out; /* segments so far (tid set, thread NULL) */
  size_t cap;
  int prev;     /* thread of the current run, -1 before the first */
  int overflow; /* more than SIM_SYMSCHED_MAX_SEGS segments */
  int bad;      /* a name that no point can spell (a '"' in it) */
  sim_symcount *cnt;
} sim_symrec;

/* Wraps 'inner': use the result as the execution's chooser. */
sim_chooser sim_symrec_init(sim_symrec *rec, sim_chooser inner);
/* After the execution: the symbolic schedule (malloc'd, thread names from
   'names'), or NULL with the reason in err. */
char *sim_symrec_finish(sim_symrec *rec, const char *const *names, char *err,
                        size_t errlen);
void sim_symrec_free(sim_symrec *rec);

#endif /* MMSIM_SYMSCHED_H */
