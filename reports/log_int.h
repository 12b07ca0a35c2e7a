/*
** log_int.h - the event log writer's insides, shared by its two halves:
** reports/log.c (the API and the simulation side: interning, object
** names, queueing) and reports/logwriter.c (the SQLite side: rows,
** batches, the writer thread).  Not for other files.
**
** The simulation side never waits for SQLite inside an execution: each
** event and flow becomes a fixed-size record (qrec) in a chunk; a full
** chunk goes to the writer.  Strings are interned on the simulation side
** with *local* ids (1, 2, ... in first-use order, for the life of the
** handle); the first use of a string queues a QREC_STR record that the
** writer turns into a row of `string`, so the writer maps local ids to
** row ids (dbid[]) in the same order as the records come.
**
** Who owns the database: the calling thread, except while a writer
** thread runs (from the first full chunk of a long execution to
** rlog_exec_end, which joins it).  pthread_create and pthread_join are
** the hand-overs; between them the caller touches no SQLite state.
*/
#ifndef MMSIM_LOG_INT_H
#define MMSIM_LOG_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include <sqlite3.h>

#include "intern.h"
#include "log.h"

#define RLOG_BATCH 20000 /* rows per transaction */
#define RLOG_EVBATCH                                                           \
  64                /* events per `event_batch` row, at most; a row's          \
                       events share seq >> 6 (see schema.c) */
#define Q_RECS 4096 /* records in a chunk */
#define Q_ACCS (4 * Q_RECS)
#define Q_CHUNKS 4        /* the queue's bound: chunks in flight */
#define RLOG_BUSY_MS 5000 /* how long a statement waits for another process */

/* Persistent prepared statements. */
enum {
  ST_STR_INSERT,
  ST_STR_SELECT,
  ST_RUN,
  ST_THREAD,
  ST_EXEC_ORDINAL,
  ST_EXEC_INSERT,
  ST_EXEC_UPDATE,
  ST_VIOLATION,
  ST_LOCK_EDGE,
  ST_FINAL_STATE,
  ST__COUNT
};

enum qrec_type { QREC_STR, QREC_EVENT, QREC_FLOW };

/* One queued record.  Strings are local ids (0: none). */
typedef struct qrec {
  uint8_t type; /* enum qrec_type */
  uint8_t kind; /* FLOW: enum sim_flow_kind */
  uint16_t nacc;
  uint32_t acc0; /* EVENT: footprint at chunk->acc[acc0 .. acc0+nacc) */
  int32_t cpu, tid, depth;
  uint32_t dur;
  int64_t exec_id;
  int64_t seq, ts;                     /* FLOW: from_seq, to_seq */
  uint32_t fn, op, obj, before, after; /* STR: its local id in 'fn';
                                          FLOW: the object in 'obj' */
  const char *str;                     /* STR: the interned copy */
} qrec;

typedef struct qacc {
  uint32_t obj; /* local id of the object's name */
  uint32_t op;  /* enum sim_op */
} qacc;

typedef struct qchunk {
  int nrec, nacc;
  qrec rec[Q_RECS];
  qacc acc[Q_ACCS];
} qchunk;

/* A flow waiting for the event it points to (the engine emits a step's
   incoming flows when it grants the step, before the step's event). */
typedef struct pflow {
  int64_t from, to; /* seqs */
  int64_t obj;      /* string row id */
  uint8_t kind;     /* enum sim_flow_kind */
} pflow;

/* A cached object name for the current execution (id 0: not named yet). */
typedef struct objname {
  uint32_t id;   /* local id */
  const char *s; /* points into the intern table */
} objname;

struct rlog {
  sqlite3 *db;
  sqlite3_stmt *st[ST__COUNT];
  sqlite3_stmt *ev_batch; /* INSERT INTO event_batch */
  char err[512];
  int failed; /* a call failed; reported at exec_end (caller's side) */

  /* ---- the simulation side */
  int counterexample; /* the open execution re-runs a counterexample */
  intern_tab strs;    /* text -> local id */
  /* step labels and function names by address: the engine's contract
     makes them static strings, so an address names one text for the
     life of the process (a direct-mapped cache in front of strs) */
  struct {
    const char *p;
    uint32_t id;
  } label_ids[512];
  uint32_t nlocal; /* local ids given */
  int64_t exec_id; /* the execution in progress (0: none) */
  rlog_namer namer;
  void *namer_arg;
  objname *onames; /* indexed by sim_oid */
  size_t nonames;
  sim_observer obs;
  qchunk *cur; /* the chunk being filled */

  /* ---- the queue (mutex-protected while a thread runs) */
  pthread_mutex_t mu;
  pthread_cond_t cv_full, cv_free;
  qchunk *pool[Q_CHUNKS];
  qchunk *full[Q_CHUNKS]; /* FIFO of chunks for the writer */
  int nfull, full_head;
  qchunk *free_[Q_CHUNKS];
  int nfree;
  int stop;         /* no more chunks: drain and exit */
  int thread_on;    /* a writer thread runs */
  pthread_t thread; /* valid while thread_on */

  /* ---- the SQLite side (the writer's while a thread runs) */
  int in_txn;         /* a BEGIN is open */
  unsigned batch;     /* rows written since BEGIN */
  atomic_int wfailed; /* a row could not be written */
  char werr[512];     /* its message, read after the join */
  int64_t *dbid;      /* [local id] -> string.id, 0: unknown */
  const char **text;  /* [local id] -> interned text */
  size_t ndbid;       /* capacity of dbid[] and text[] */
  /* the open batch: up to RLOG_EVBATCH events of execution ev_exec,
     from seq ev_seq0, as the JSON text of `event_batch.events` without
     its closing bracket */
  char *evtext;
  size_t evlen, evcap;
  int64_t ev_exec, ev_seq0, ev_last; /* ev_last: its last event's seq */
  int nev;
  /* the flows into the next event, waiting for it (its element 12) */
  pflow *pflows;
  int npflows, pflowcap;

  /* ---- the checkpointer (reports/logckpt.c) */
  char *path;            /* the log's file, for a second connection */
  int ck_init;           /* ck_mu and ck_cv exist */
  int ck_frames, ck_cap; /* -wal pages: ask for one; RESTART here */
  int ck_asked;          /* -wal pages at the last request */
  int ck_retry;          /* -wal pages before a failed RESTART's retry */
  pthread_mutex_t ck_mu; /* protects the ck_ fields below */
  pthread_cond_t ck_cv;  /* ck_want or ck_stop set */
  int ck_want, ck_stop;  /* a checkpoint is asked for; the thread ends */
  int ck_on, ck_failed;  /* the thread runs; it could not be started */
  unsigned ck_runs;      /* checkpoints that copied pages (tests) */
  pthread_t ck_thread;   /* valid while ck_on */
  sqlite3 *ck_db;        /* the thread's connection */
};

/* logwriter.c: the SQLite side. */
int rlog_fail(rlog *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int rlog_sqlfail(rlog *l, const char *what);
int rlog_exec_sql(rlog *l, const char *sql);
int rlog_txn_begin(rlog *l);
int rlog_txn_commit(rlog *l);
void rlog_txn_rollback(rlog *l);
int rlog_prepare_rows(rlog *l);
void rlog_finalize_rows(rlog *l);
/* Hands the current chunk over (to the thread, started if needed, or
   written at once) and gives the caller an empty one. */
int rlog_q_handover(rlog *l, int may_thread);
/* Writes every queued record, joins the thread; the caller owns the
   database again.  Returns -1 if a row failed (message in l->err). */
int rlog_q_drain(rlog *l);
/* Moves the SQLite side's error (werr) to the caller's (err, failed);
   returns -1.  After a failed rlog_txn_commit or rlog_q_drain. */
int rlog_take_werr(rlog *l);
int rlog_q_init(rlog *l);
void rlog_q_free(rlog *l);

/* logckpt.c: checkpoints off the writer's path. */
/* Installs the WAL hook on l->db (a log in WAL mode); no thread yet. */
int rlog_ckpt_init(rlog *l, const char *path);
/* Joins the thread and closes its connection; before l->db's close. */
void rlog_ckpt_stop(rlog *l);

#endif /* MMSIM_LOG_INT_H */
