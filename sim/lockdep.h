/*
** lockdep.h - the lock-order checker: Linux's lockdep on the engine's
** steps.  Potential deadlocks are reported without the deadlock.
**
** The model names a class for each lock object (sim_model_ops.lock_class:
** all page locks one class, all ptls one class).  While a thread holds
** locks of classes A1..Ak and a granted step acquires a lock of class B,
** the edges Ai -> B enter a class graph.  The graph belongs to the caller
** (sim_exec_cfg.lockdep) and outlives executions: an explorer passes one
** graph to every execution it runs, so that an edge of one interleaving
** and an edge of another close a cycle between them, and each distinct
** cycle is reported once (by the execution that adds its last edge).
** Each edge keeps the step that created it: thread, call chain, the
** step's name and the schedule up to that step (what `replay` needs).
**
** What counts as an acquisition, and what does not:
**   SIM_OP_LOCK           exclusive: edges from every held class, then held
**   SIM_OP_LOCK_SHARED    shared (down_read): the same, marked shared
**   SIM_OP_TRYLOCK        held if it succeeded, never an edge (lockdep does
**                         not record trylock dependencies: it cannot wait)
**   SIM_OP_TRYLOCK with   a trylock whose failure waits (sim.h: 2.6.23's
**   SIM_ACC_FAILURE_WAITS find_lock_page, TestSetPageLocked then
**                         __lock_page): if it succeeded, an exclusive
**                         acquisition (edges from every held class,
**                         recursion) counted after the step's other
**                         accesses, so that a lock the step takes and
**                         drops around it (tree_lock) gives no edge; if it
**                         failed, nothing: the blocking acquisition the
**                         caller then makes is counted when granted.
**   SIM_OP_WAIT on an     an acquisition of its class that is released at
**   object of a class     once (wait_on_page_locked is lock_page +
**                         unlock_page for ordering purposes): edges from
**                         every held class, nothing held after.  Lockdep
**                         cannot see these waits; they are where the
**                         PG_locked / PG_writeback deadlocks live.
**   SIM_OP_UNLOCK[_SHARED] the object leaves the thread's held set.
**   SIM_OP_UNLOCK_ANY     the object leaves its holder's held set (the
**                         releasing thread may be another one).
**
** Rules, checked when an edge is added (or its mode becomes stronger):
**   cycle       a path B -> ... -> A in the graph when A -> B is added is
**               a violation SIM_KIND_LOCK_ORDER ("possible circular
**               locking dependency"), unless some class C of the cycle is
**               both acquired shared on the edge into C and held shared on
**               the edge out of C: two readers do not block each other
**               (the engine's shared lock waits for a writer only; it has
**               no writer preference).  An edge's mode merges its
**               instances: an end is exclusive if any instance had it
**               exclusive, and the step kept is the first one that gave
**               the edge its current mode.
**   recursion   acquiring class C while holding another object of class C
**               is a lock-order violation ("possible recursive locking")
**               unless both are shared; the same object again is left to
**               the engine (it blocks: a deadlock).  Reported once per
**               class per graph.
**
** declared   with sim_model_ops.lock_order, a model declares its lock
**            order: an edge A -> B it rejects is a violation ("lock
**            inversion against the declared order (RULE)"), once per pair
**            per graph; a lock object whose lock_class is
**            SIM_LOCK_UNDECLARED is one ("lock not in the declared
**            order"), once per graph.  A cycle found by the same step is
**            reported instead.
**
** The graph holds only edges of executions actually run: an explorer that
** prunes (sleep sets, state matching) finds a cycle only among the edges
** of the executions it ran, which every explorer here covers for each
** reachable acquisition order up to its own reduction.  Outcomes depend
** on the executions run before (an edge already known reports nothing),
** so the stateful audit (explore.h) must run without a graph.
**
** A lock-order violation does not stop the execution (a potential
** deadlock is not a state the model must not go past): the execution runs
** on, its result becomes lock-order at its end if nothing else happened,
** with the message of the step that found it (sim_result.viol_seq), and
** the graph is not changed any more in that execution (one report per
** execution).  If the execution ends otherwise (a deadlock, a model's
** violation, cut by a loop bound or the step limit, stopped by an
** explorer at a visited state or by a sleep set), the finding stands all
** the same, since the step that found it ran: the graph keeps it, with
** the schedule up to that step, for the caller to take
** (sim_lockdep_take).  Not taking it back matters to a stateful explorer:
** an execution stopped at a visited state after the finding would
** otherwise lose it, and no later execution would run that prefix again.
**
** Determinism: classes and edges are kept and searched in id order.
*/
#ifndef MMSIM_LOCKDEP_H
#define MMSIM_LOCKDEP_H

#include <stddef.h>

#include "sim.h"

#define SIM_LOCKDEP_MAX_CLASSES 64 /* class ids are < this */
#define SIM_LOCKDEP_MAX_HELD 16    /* locks one thread holds at once */

/* A fresh, empty graph; NULL when out of memory. */
sim_lockdep *sim_lockdep_new(void);
void sim_lockdep_free(sim_lockdep *ld);

/* Edges in the graph, and lock-order reports it made so far. */
int sim_lockdep_nedges(const sim_lockdep *ld);
int sim_lockdep_nreports(const sim_lockdep *ld);

/* Formats edge i (0 <= i < nedges, creation order) as "A -> B" with mode
   marks ("A -> B (shared)" when B was acquired shared). */
void sim_lockdep_edge_text(const sim_lockdep *ld, int i, char *buf, size_t n);

/* Edge i in full, for the event log (reports/log.h: table lock_edge).
   The pointers point into the graph and live as long as it. */
typedef struct sim_lockdep_edge {
  const char *held, *acquired; /* class names */
  int held_shared;             /* every instance held 'held' shared */
  int acquired_shared;         /* every instance acquired 'acquired' shared */
  int wait;                    /* the creating step waited (SIM_OP_WAIT) */
  const char *thread, *step;   /* the creating step's thread and name */
  char chain[256];             /* its call chain, innermost first */
  const uint8_t *sched;        /* the schedule up to and with that step */
  size_t nsched;
} sim_lockdep_edge;
void sim_lockdep_edge_get(const sim_lockdep *ld, int i, sim_lockdep_edge *e);

/*
** The full report of the last lock-order violation (sim_result.msg holds
** its first lines, cut to fit): the cycle, for each edge the thread, call
** chain, step and the schedule that creates it, and the two-column
** "possible unsafe locking scenario".  "" when there was none.
*/
void sim_lockdep_report(const sim_lockdep *ld, char *buf, size_t n);

/* A violation of the order found by an execution that then ended
   otherwise (a deadlock, another violation, cut by a bound or the step
   limit, stopped by an explorer at a visited state or a sleep set): the
   step that found it ran, so the finding stands; the graph keeps it (and
   its edge) instead of the execution's result. */
typedef struct sim_lockdep_finding {
  char msg[sizeof((sim_result *)0)->msg]; /* as sim_result.msg */
  char *report;                           /* the full report (malloc'd) */
  uint8_t *sched; /* the schedule up to and with the step that found it:
                     replaying it reproduces the finding (malloc'd) */
  size_t nsched;
} sim_lockdep_finding;

/* Takes the oldest finding not taken yet into *f (free it with
   sim_lockdep_finding_free): 1, or 0 if none (or ld is NULL). */
int sim_lockdep_take(sim_lockdep *ld, sim_lockdep_finding *f);
void sim_lockdep_finding_free(sim_lockdep_finding *f);

/* ------------------------------------------------------------------------ */
/* The engine's hooks (engine.c), not for models.                           */

/* Before an execution: no thread holds anything. */
void sim_lockdep_begin(sim_lockdep *ld, const sim_exec_cfg *cfg);
/* After grant() applied the lock effects of step s of thread t: updates
   t's held set and the graph; a violation found is pending. */
void sim_lockdep_grant(sim_lockdep *ld, sim_exec *x, sim_thread *t,
                       const sim_stepdesc *s);
/* After the execution's last thread ended, before its result is hashed:
   a pending violation becomes the result if the execution was clean,
   else a finding the caller takes (sim_lockdep_take; see the top of this
   file). */
void sim_lockdep_end(sim_lockdep *ld, sim_exec *x);

#endif /* MMSIM_LOCKDEP_H */
