/*
** log.h - the SQLite event log writer (schema in reports/SCHEMA.md; the
** timeline renderer that reads it is reports/render.h).
**
** A log holds runs; a run (one command: run, replay, explore) holds
** executions; an execution holds events (one per granted step), flows
** (happens-before arrows) and at most one violation.  The writer is a
** sim_observer: the engine hands it events and flows as they happen.
**
** Crash safety: WAL journal; the execution row is inserted first with
** outcome 'incomplete' and updated when the execution ends; events are
** written in batched transactions (by a writer thread during a long
** execution; rlog_exec_end waits for it and returns after the COMMIT).  A
** killed process leaves a database that opens, with every finished
** execution complete.
*/
#ifndef MMSIM_LOG_H
#define MMSIM_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "sim/lockdep.h"
#include "sim/sim.h"

typedef struct rlog rlog;

typedef struct rlog_run_info {
  const char *mode; /* "run", "replay", "explore", "bench" */
  const char *scenario_path;
  const char *title;
  const char *variant;   /* preset name, e.g. "2.6.20" */
  const char *knobs;     /* effective knobs, "name=on,name=off,..." */
  const char *knobs_set; /* those that differ from the variant's preset,
                            same form; "" none, NULL unknown (litmus) */
  const char *policy;    /* "timed", "random", "replay", ... */
  uint64_t seed;
  int ncpus;
  int nthreads;
  const char *const *thread_names; /* [nthreads] */
  const int *thread_cpus;          /* [nthreads] */
  const char *const *thread_descs; /* [nthreads] what each does, e.g.
                                      "p1 load 0x10000"; NULL or NULL
                                      entries: none */
  const char *expect;              /* "clean" or "violation KIND" */
} rlog_run_info;

typedef void (*rlog_namer)(void *arg, sim_oid o, char *buf, size_t n);

/* Opens (creating if needed) a log; -1/NULL with a message on error, e.g. a
   file that is not an mmsim database or has another schema version. */
rlog *rlog_open(const char *path, char *err, size_t errlen);
int rlog_close(rlog *l);

/* Returns the run id, or -1. */
int64_t rlog_run_begin(rlog *l, const rlog_run_info *ri);

/* Starts an execution of run 'run_id'; objects are named through 'namer'.
   Returns the execution id, or -1. */
int64_t rlog_exec_begin(rlog *l, int64_t run_id, rlog_namer namer,
                        void *namer_arg);
/* The observer that records the current execution's events and flows. */
const sim_observer *rlog_observer(rlog *l);
/* Marks the open execution as the re-run of a counterexample an
   exploration found (execution.counterexample = 1). */
void rlog_exec_counterexample(rlog *l);
/* Stores the outcome, schedule string, hashes and violation; commits.
   'note' is free text (e.g. a replay divergence), may be NULL. */
int rlog_exec_end(rlog *l, const sim_result *r, const char *schedule,
                  const char *note);

/* Stores the edges of a lock-order checker's class graph (sim/lockdep.h)
   as run 'run_id's rows of table lock_edge; between executions. */
int rlog_lock_edges(rlog *l, int64_t run_id, const sim_lockdep *ld);
/* The distinct final states of an explore run (the model's canonical
   lines, models/model.h) with how many executions ended in each, as rows
   of final_state, between executions.  0, or -1. */
int rlog_final_states(rlog *l, int64_t run_id, const char *const *states,
                      const uint64_t *counts, size_t n);

const char *rlog_errmsg(rlog *l);

/* Checkpoints of the log's checkpointer thread that copied pages back
   into the database so far (0 until the -wal file first grows by a few
   MiB; reports/logckpt.c). */
unsigned rlog_checkpoints(rlog *l);

#endif /* MMSIM_LOG_H */
