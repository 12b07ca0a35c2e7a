/*
** litmus_dpor.c - the DPOR benchmarks of the litmus model (litmus.c lists
** them with their papers): Flanagan and Godefroid's indexer and file
** system, Abdulla et al.'s lastzero, and the counter with and without its
** lock; each program's threads and the invariant checked at the end of an
** execution.  The step names are static tables of literals (the engine
** keeps the pointers), their sizes checked at compile time.
*/
#include "models/litmus_prog.h"

#include <assert.h>

/* ------------------------------------------------------ static strings */

#define LM_CAS(i) "cas(table[" #i "])",
#define LM_RD_A(i) "read a[" #i "]",
#define LM_WR_A(i) "write a[" #i "]",
#define LM_LOCKI(i) "lock(locki[" #i "])",
#define LM_UNLOCKI(i) "unlock(locki[" #i "])",
#define LM_RD_INODE(i) "read inode[" #i "]",
#define LM_WR_INODE(i) "write inode[" #i "]",
#define LM_LOCKB(i) "lock(lockb[" #i "])",
#define LM_UNLOCKB(i) "unlock(lockb[" #i "])",
#define LM_RD_BUSY(i) "read busy[" #i "]",
#define LM_WR_BUSY(i) "write busy[" #i "]",

static const char *const cas_what[] = {LM_0_127(LM_CAS)};
static const char *const rd_a[] = {LM_0_31(LM_RD_A)};
static const char *const wr_a[] = {LM_0_31(LM_WR_A)};
static const char *const lock_i[] = {LM_0_31(LM_LOCKI)};
static const char *const unlock_i[] = {LM_0_31(LM_UNLOCKI)};
static const char *const rd_inode[] = {LM_0_31(LM_RD_INODE)};
static const char *const wr_inode[] = {LM_0_31(LM_WR_INODE)};
static const char *const lock_b[] = {LM_0_25(LM_LOCKB)};
static const char *const unlock_b[] = {LM_0_25(LM_UNLOCKB)};
static const char *const rd_busy[] = {LM_0_25(LM_RD_BUSY)};
static const char *const wr_busy[] = {LM_0_25(LM_WR_BUSY)};

#define LM_LEN(a) (sizeof(a) / sizeof((a)[0]))
_Static_assert(LM_LEN(cas_what) == LITMUS_TABLE_SIZE, "cas_what");
_Static_assert(LM_LEN(rd_a) == LITMUS_MAX_A && LM_LEN(wr_a) == LITMUS_MAX_A,
               "rd_a, wr_a");
_Static_assert(LM_LEN(lock_i) == LITMUS_NUMINODE &&
                   LM_LEN(unlock_i) == LITMUS_NUMINODE &&
                   LM_LEN(rd_inode) == LITMUS_NUMINODE &&
                   LM_LEN(wr_inode) == LITMUS_NUMINODE,
               "inode tables");
_Static_assert(LM_LEN(lock_b) == LITMUS_NUMBLOCKS &&
                   LM_LEN(unlock_b) == LITMUS_NUMBLOCKS &&
                   LM_LEN(rd_busy) == LITMUS_NUMBLOCKS &&
                   LM_LEN(wr_busy) == LITMUS_NUMBLOCKS,
               "block tables");

/* filesystem: locki[0..ninode-1], inode[], lockb[0..25], busy[]. */
static sim_oid fs_locki(const litmus_model *m, int i) {
  (void)m;
  return (sim_oid)i;
}
static sim_oid fs_inode(const litmus_model *m, int i) {
  return (sim_oid)(m->ninode + i);
}
static sim_oid fs_lockb(const litmus_model *m, int b) {
  return (sim_oid)(2 * m->ninode + b);
}
static sim_oid fs_busy(const litmus_model *m, int b) {
  return (sim_oid)(2 * m->ninode + LITMUS_NUMBLOCKS + b);
}

static sim_oid counter_x(const litmus_model *m) {
  return m->prog == LITMUS_COUNTER ? COUNTER_X : 0;
}

/* ------------------------------------------------------------ threads */

/* indexer: getmsg() yields (++m)*11 + tid while m < MAX; each message is
   inserted at hash(w) = (w*7) % SIZE, probing linearly while the CAS
   fails.  Racers: any thread whose probe reaches the same slot. */
void litmus_indexer_thread(litmus_model *m, sim_thread *t, int tid) {
  sim_enter(t, "indexer_thread");
  for (int k = 1; k <= LITMUS_INDEXER_MAX; k++) {
    int w = k * 11 + tid;                /* getmsg() */
    int h = (w * 7) % LITMUS_TABLE_SIZE; /* hash(w) */
    for (;;) {
      SIM_STEP(t, cas_what[h], LITMUS_STEP_NS, SIM_WR((sim_oid)h));
      sim_before(t, "table[%d] = %d", h, m->table[h]);
      if (m->table[h] == 0) { /* cas(table[h], 0, w) succeeds */
        m->table[h] = w;
        sim_after(t, "table[%d] = %d", h, w);
        break;
      }
      h = (h + 1) % LITMUS_TABLE_SIZE;
    }
  }
  sim_leave(t);
}

/* lastzero, thread 0: for (i = N; a[i] != 0; i--); a[0] is never written,
   so the scan stops at 0 at the latest.  Racers: writer i of a[i]. */
static void lastzero_reader(litmus_model *m, sim_thread *t) {
  int i = m->n;
  sim_enter(t, "lastzero_reader");
  for (;;) {
    SIM_STEP(t, rd_a[i], LITMUS_STEP_NS, SIM_RD((sim_oid)i));
    sim_after(t, "a[%d] = %d", i, m->a[i]);
    if (m->a[i] == 0)
      break;
    i--;
  }
  m->lastzero_i = i;
  sim_leave(t);
}

/* lastzero, thread j = 1..N: a[j] = a[j-1] + 1, a read and a write.
   Racers: writer j-1 of a[j-1], the reader and writer j+1 on a[j]. */
static void lastzero_writer(litmus_model *m, sim_thread *t, int j) {
  sim_enter(t, "lastzero_writer");
  SIM_STEP(t, rd_a[j - 1], LITMUS_STEP_NS, SIM_RD((sim_oid)(j - 1)));
  int r = m->a[j - 1];
  sim_after(t, "a[%d] = %d", j - 1, r);
  SIM_STEP(t, wr_a[j], LITMUS_STEP_NS, SIM_WR((sim_oid)j));
  m->a[j] = r + 1;
  sim_after(t, "a[%d] = %d", j, r + 1);
  sim_leave(t);
}

/* lastzero: thread 0 is the reader, threads 1..N the writers. */
void litmus_lastzero_thread(litmus_model *m, sim_thread *t, int tid) {
  if (tid == 0)
    lastzero_reader(m, t);
  else
    lastzero_writer(m, t, tid);
}

/* filesystem: allocate a free block to inode tid % NUMINODE, searching
   from block (i*2) % NUMBLOCKS.  inode[i] is guarded by locki[i], busy[b]
   by lockb[b].  Racers: the thread whose inode starts its search at or
   before b (busy[b]); none on inode[i] while N <= NUMINODE. */
void litmus_filesystem_thread(litmus_model *m, sim_thread *t, int tid) {
  int i = tid % LITMUS_NUMINODE;
  sim_enter(t, "filesystem_thread");
  SIM_STEP(t, lock_i[i], LITMUS_STEP_NS, SIM_LOCK(fs_locki(m, i)));
  SIM_STEP(t, rd_inode[i], LITMUS_STEP_NS, SIM_RD(fs_inode(m, i)));
  sim_after(t, "inode[%d] = %d", i, m->inode[i]);
  if (m->inode[i] == 0) {
    int b = (i * 2) % LITMUS_NUMBLOCKS;
    for (;;) {
      SIM_STEP(t, lock_b[b], LITMUS_STEP_NS, SIM_LOCK(fs_lockb(m, b)));
      SIM_STEP(t, rd_busy[b], LITMUS_STEP_NS, SIM_RD(fs_busy(m, b)));
      sim_after(t, "busy[%d] = %d", b, m->busy[b]);
      if (!m->busy[b]) {
        SIM_STEP(t, wr_busy[b], LITMUS_STEP_NS, SIM_WR(fs_busy(m, b)));
        m->busy[b] = 1;
        sim_after(t, "busy[%d] = 1", b);
        SIM_STEP(t, wr_inode[i], LITMUS_STEP_NS, SIM_WR(fs_inode(m, i)));
        m->inode[i] = b + 1;
        sim_after(t, "inode[%d] = %d", i, b + 1);
        SIM_STEP(t, unlock_b[b], LITMUS_STEP_NS, SIM_UNLOCK(fs_lockb(m, b)));
        break;
      }
      SIM_STEP(t, unlock_b[b], LITMUS_STEP_NS, SIM_UNLOCK(fs_lockb(m, b)));
      b = (b + 1) % LITMUS_NUMBLOCKS;
    }
  }
  SIM_STEP(t, unlock_i[i], LITMUS_STEP_NS, SIM_UNLOCK(fs_locki(m, i)));
  sim_leave(t);
}

/* counter / racy-counter: r = x; x = r + 1, under l for counter only.
   Racers (racy-counter): every other thread's read and write of x. */
void litmus_counter_thread(litmus_model *m, sim_thread *t, int tid) {
  (void)tid;
  int locked = m->prog == LITMUS_COUNTER;
  sim_oid x = counter_x(m);
  sim_enter(t, locked ? "counter_thread" : "racy_counter_thread");
  if (locked)
    SIM_STEP(t, "lock(l)", LITMUS_STEP_NS, SIM_LOCK(COUNTER_L));
  SIM_STEP(t, "read x", LITMUS_STEP_NS, SIM_RD(x));
  int r = m->x;
  sim_after(t, "x = %d", r);
  SIM_STEP(t, "write x", LITMUS_STEP_NS, SIM_WR(x));
  m->x = r + 1;
  sim_after(t, "x = %d", r + 1);
  if (locked)
    SIM_STEP(t, "unlock(l)", LITMUS_STEP_NS, SIM_UNLOCK(COUNTER_L));
  sim_leave(t);
}

/* -------------------------------------------------------------- checks */

/* Every message is in the table as often as it was inserted (thread 11's
   messages equal thread 0's from N = 12 on), and nothing else is. */
void litmus_indexer_check(litmus_model *m, sim_exec *x) {
  enum { WMAX = LITMUS_INDEXER_MAX * 11 + SIM_MAX_THREADS };
  int count[WMAX] = {0};
  for (int tid = 0; tid < m->n; tid++)
    for (int k = 1; k <= LITMUS_INDEXER_MAX; k++)
      count[k * 11 + tid]++;
  for (int h = 0; h < LITMUS_TABLE_SIZE; h++) {
    int w = m->table[h];
    if (w == 0)
      continue;
    sim_oid o = (sim_oid)h;
    if (w < 0 || w >= WMAX || count[w] == 0) {
      sim_violation(x, LITMUS_KIND_LOST_MESSAGE, &o, 1,
                    "table[%d] = %d, more often than it was inserted", h, w);
      return;
    }
    count[w]--;
  }
  for (int w = 0; w < WMAX; w++)
    if (count[w]) {
      sim_violation(x, LITMUS_KIND_LOST_MESSAGE, NULL, 0,
                    "message %d missing %d time(s) from the table", w,
                    count[w]);
      return;
    }
}

/* a[0] is never written; a[j] = 1 (writer j read a[j-1] before it was
   written) or a[j-1] + 1 (after: a[j-1] is written once). */
void litmus_lastzero_check(litmus_model *m, sim_exec *x) {
  sim_oid o = 0;
  if (m->a[0] != 0) {
    sim_violation(x, LITMUS_KIND_INVARIANT, &o, 1, "a[0] = %d, expected 0",
                  m->a[0]);
    return;
  }
  for (int j = 1; j <= m->n; j++)
    if (m->a[j] != 1 && m->a[j] != m->a[j - 1] + 1) {
      o = (sim_oid)j;
      sim_violation(x, LITMUS_KIND_INVARIANT, &o, 1,
                    "a[%d] = %d, expected 1 or a[%d] + 1 = %d", j, m->a[j],
                    j - 1, m->a[j - 1] + 1);
      return;
    }
  if (m->lastzero_i < 0 || m->lastzero_i > m->n)
    sim_violation(x, LITMUS_KIND_INVARIANT, NULL, 0,
                  "thread 0 stopped at i = %d", m->lastzero_i);
}

/* Each inode got a block, no block has two owners, busy[b] iff owned. */
void litmus_filesystem_check(litmus_model *m, sim_exec *x) {
  int owner[LITMUS_NUMBLOCKS];
  for (int b = 0; b < LITMUS_NUMBLOCKS; b++)
    owner[b] = -1;
  for (int i = 0; i < m->ninode; i++) {
    int b = m->inode[i] - 1;
    sim_oid o = fs_inode(m, i);
    if (b < 0 || b >= LITMUS_NUMBLOCKS) {
      sim_violation(x, LITMUS_KIND_INVARIANT, &o, 1,
                    "inode[%d] = %d, expected 1..%d", i, m->inode[i],
                    LITMUS_NUMBLOCKS);
      return;
    }
    if (owner[b] >= 0) {
      sim_oid objs[2] = {fs_inode(m, owner[b]), o};
      sim_violation(x, LITMUS_KIND_INVARIANT, objs, 2,
                    "inode[%d] and inode[%d] both own block %d", owner[b], i,
                    b);
      return;
    }
    owner[b] = i;
  }
  for (int b = 0; b < LITMUS_NUMBLOCKS; b++)
    if (m->busy[b] != (owner[b] >= 0)) {
      sim_oid o = fs_busy(m, b);
      sim_violation(x, LITMUS_KIND_INVARIANT, &o, 1, "busy[%d] = %d but %s", b,
                    m->busy[b],
                    owner[b] >= 0 ? "an inode owns it" : "no inode owns it");
      return;
    }
}

/* counter, racy-counter: x = N after N increments. */
void litmus_counter_check(litmus_model *m, sim_exec *x) {
  if (m->x != m->n) {
    sim_oid o = counter_x(m);
    sim_violation(x, LITMUS_KIND_LOST_UPDATE, &o, 1,
                  "x = %d after %d increments", m->x, m->n);
  }
}
