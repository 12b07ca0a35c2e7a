/*
** logckpt.c - the event log's checkpointer: copies the write-ahead log
** back into the database file from a thread and a connection of its own,
** so that the writer never waits for it.
**
** In WAL mode SQLite appends every committed page to the -wal file and,
** by default, the connection whose COMMIT makes that file longer than
** 1000 pages copies it back into the database and syncs both files (a
** checkpoint), inside that COMMIT.  For the log, that meant the writer
** thread stopped for tens of milliseconds every 16 MiB, the simulation's
** queue filled up behind it, and the simulation waited: a fifth of the
** cost of logging a long execution, for work that needs nothing from
** either of them.  SQLite's documentation names the remedy: turn the
** automatic checkpoint off and run checkpoints elsewhere.
**
** Here a WAL hook (called after each COMMIT of the log's connection,
** in whichever thread committed) asks for a checkpoint once the -wal file
** has grown by CKPT_FRAMES pages (and bounds the file, see
** CKPT_CAP_FRAMES); the first request starts the checkpointer thread
** (all signals blocked, as the writer's), which runs PASSIVE checkpoints
** on its own connection: they copy what is committed and never block the
** writer or wait for readers.  A short log never starts it: its pages
** are copied back when the log's connection closes (rlog_ckpt_stop runs
** first, so that the closing connection is the last one).
**
** Nothing here changes what a log holds: a checkpoint moves committed
** pages from one file to the other.  A process killed during one leaves
** the -wal file, which the next opener replays, as after any kill.
*/
#include <assert.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log_int.h"

/* -wal pages (16 KiB each) that make a checkpoint worth asking for: a
   checkpoint per ~4 MiB keeps the thread from waking for every commit.
   And the -wal file's bound: PASSIVE checkpoints copy pages back but
   the writer reuses the file from its start only when one ended before
   its next transaction began, which the writer, busy, seldom lets
   happen: the file would grow with what is logged; at CKPT_CAP_FRAMES
   (64 MiB) the writer runs a RESTART checkpoint itself, its one wait
   (milliseconds: the thread has copied most pages), and its next commit
   starts the file over.  While another connection reads the log, or the
   thread's checkpoint runs, the RESTART fails at once and is tried again
   later (restart_wal): the file grows for as long as a reader needs it,
   as SQLite's own checkpoints would let it.  Both thresholds are fields
   of the handle, for the tests. */
#define CKPT_FRAMES 256
#define CKPT_CAP_FRAMES 4096

static void *ckpt_main(void *arg) {
  rlog *l = arg;
  pthread_mutex_lock(&l->ck_mu);
  for (;;) {
    while (!l->ck_want && !l->ck_stop)
      pthread_cond_wait(&l->ck_cv, &l->ck_mu);
    if (l->ck_stop)
      break;
    l->ck_want = 0;
    pthread_mutex_unlock(&l->ck_mu);
    /* SQLITE_BUSY (another checkpoint, a RESTART by another process)
       leaves the pages for the next request or for the close */
    int nlog = 0, ncopied = 0;
    int rc = sqlite3_wal_checkpoint_v2(
        l->ck_db, "main", SQLITE_CHECKPOINT_PASSIVE, &nlog, &ncopied);
    pthread_mutex_lock(&l->ck_mu);
    l->ck_runs += rc == SQLITE_OK && ncopied > 0;
  }
  pthread_mutex_unlock(&l->ck_mu);
  return NULL;
}

/* The checkpointer's connection and thread; 0, or -1 if either cannot be
   had (then the hook gives checkpoints back to the log's connection). */
static int ckpt_start(rlog *l) {
  assert(!l->ck_on && !l->ck_db && l->path); /* once, under ck_mu */
  /* a connection knows the file is in WAL mode once it has read it: a
     checkpoint before that does nothing (and says so with -1 frames) */
  if (sqlite3_open_v2(l->path, &l->ck_db, SQLITE_OPEN_READWRITE, NULL) !=
          SQLITE_OK ||
      sqlite3_exec(l->ck_db, "PRAGMA schema_version", NULL, NULL, NULL) !=
          SQLITE_OK) {
    sqlite3_close(l->ck_db);
    l->ck_db = NULL;
    return -1;
  }
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&l->ck_thread, NULL, ckpt_main, l);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) {
    sqlite3_close(l->ck_db);
    l->ck_db = NULL;
    return -1;
  }
  l->ck_on = 1;
  return 0;
}

/* The writer's RESTART at the cap, without a busy handler: when another
   connection holds a snapshot (a reader of the log, a second writer) or
   the thread's checkpoint holds the lock, it fails at once instead of
   waiting the handle's RLOG_BUSY_MS at every commit; it is tried again
   once the file has grown by another quarter of the cap, since a failed
   RESTART has done a checkpoint's work on the writer's path first.
   Returns whether the file will start over. */
static int restart_wal(rlog *l, sqlite3 *db, int frames) {
  if (frames < l->ck_cap || frames < l->ck_retry)
    return 0;
  sqlite3_busy_timeout(db, 0);
  int rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_RESTART,
                                     NULL, NULL);
  sqlite3_busy_timeout(db, RLOG_BUSY_MS);
  if (rc == SQLITE_OK)
    return 1;
  l->ck_retry = frames + l->ck_cap / 4;
  return 0;
}

/* The WAL hook: after a COMMIT that left 'frames' pages in the -wal. */
static int on_commit(void *arg, sqlite3 *db, const char *name, int frames) {
  rlog *l = arg;
  (void)name;
  assert(l->ck_init && db == l->db);
  if (frames < l->ck_asked) /* the file started over */
    l->ck_asked = l->ck_retry = 0;
  if (restart_wal(l, db, frames)) {
    l->ck_asked = l->ck_retry = 0;
    return SQLITE_OK;
  }
  if (frames - l->ck_asked < l->ck_frames)
    return SQLITE_OK;
  l->ck_asked = frames;
  pthread_mutex_lock(&l->ck_mu);
  if (!l->ck_on && !l->ck_failed && ckpt_start(l) < 0)
    l->ck_failed = 1;
  if (l->ck_on) {
    l->ck_want = 1;
    pthread_cond_signal(&l->ck_cv);
  }
  pthread_mutex_unlock(&l->ck_mu);
  if (l->ck_failed) /* no thread: checkpoint here, as SQLite would */
    sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, NULL,
                              NULL);
  return SQLITE_OK;
}

unsigned rlog_checkpoints(rlog *l) {
  if (!l->ck_init)
    return 0;
  pthread_mutex_lock(&l->ck_mu);
  unsigned n = l->ck_runs;
  pthread_mutex_unlock(&l->ck_mu);
  return n;
}

int rlog_ckpt_init(rlog *l, const char *path) {
  pthread_mutex_init(&l->ck_mu, NULL);
  pthread_cond_init(&l->ck_cv, NULL);
  l->ck_init = 1;
  l->ck_frames = CKPT_FRAMES;
  l->ck_cap = CKPT_CAP_FRAMES;
  if (!(l->path = strdup(path)))
    return rlog_fail(l, "event log: out of memory");
  sqlite3_wal_hook(l->db, on_commit, l); /* replaces the automatic one */
  return 0;
}

void rlog_ckpt_stop(rlog *l) {
  if (!l->ck_init)
    return;
  if (l->db)
    sqlite3_wal_hook(l->db, NULL, NULL); /* no new thread from here on */
  pthread_mutex_lock(&l->ck_mu);
  l->ck_stop = 1;
  pthread_cond_signal(&l->ck_cv);
  pthread_mutex_unlock(&l->ck_mu);
  if (l->ck_on) {
    pthread_join(l->ck_thread, NULL);
    l->ck_on = 0;
  }
  sqlite3_close(l->ck_db);
  l->ck_db = NULL;
  free(l->path);
  l->path = NULL;
  pthread_mutex_destroy(&l->ck_mu);
  pthread_cond_destroy(&l->ck_cv);
  l->ck_init = 0;
}
