/*
** litmus.c - classic dynamic partial-order reduction (DPOR) benchmarks on
** the engine, as a generic shared-memory model (integers and locks only).
**
**   indexer      C. Flanagan and P. Godefroid, "Dynamic partial-order
**   filesystem   reduction for model checking software", POPL 2005: the
**                indexer (threads insert messages into a 128-slot hash
**                table with compare-and-swap) and the file system (threads
**                allocate a free disk block to an inode under per-inode and
**                per-block locks).  Constants as in the paper: SIZE 128,
**                MAX 4, message (++m)*11 + tid, hash (w*7) % SIZE;
**                NUMBLOCKS 26, NUMINODE 32.  Threads conflict only from
**                N >= 12 (indexer: thread 11's messages equal thread 0's)
**                and N >= 14 (filesystem: inode 13 starts at block 0).
**   lastzero     P. Abdulla, S. Aronis, B. Jonsson, K. Sagonas, "Optimal
**                dynamic partial order reduction", POPL 2014: thread 0
**                scans for (i = N; a[i] != 0; i--); thread j = 1..N does
**                a[j] = a[j-1] + 1.
**   counter      textbook controls: a locked increment (never loses one),
**   racy-counter the same without the lock (lost update), and two threads
**   abba         taking two locks in opposite orders (deadlock).
**   abc          the lock-order checker's programs (sim/lockdep.h): a
**   abba-released  three-lock ring A-B, B-C, C-A; abba with t1 releasing
**   rwsem        B before it takes A (no cycle); a rwsem A read by t0 and
**   abba-wait    t1 (no deadlock) and written by t2 (deadlock); abba
**   recursive    where t1 waits for A to be unlocked instead of taking it
**                (wait_on_page_locked); one thread taking two locks of
**                one class (two page locks).
**   sb, mp       the store-buffering and message-passing litmus tests
**                (herd7's SB and MP, Alglave, Maranget, Tautschnig, TOPLAS
**                2014): SB is t0: x = 1; r0 = y | t1: y = 1; r0 = x, MP is
**                t0: x = 1; y = 1 | t1: r0 = y; r1 = x.  Sequentially
**                consistent here (one step per access): their final
**                states are herd7's under sc.cat, SB without r0=0 /\ r0=0,
**                MP without r0=1 /\ r1=0 (tests/test_cond.c).
**
** Faithful: each shared access is one step whose footprint is exactly that
** access, and local computation between steps touches nothing shared.
** Simplified: the CAS is one atomic step declared as a write of the slot
** (it is a read when it fails; the write is the conservative footprint),
** and the indexer's table has no per-slot CAS mutex as in the pthread
** ports of the benchmark.  The paper's infinite loops terminate here: the
** indexer's probe always finds a free slot (at most 4 messages for each of
** at most 32 threads in 128 slots) and the file system's block search
** always finds a free block (at most 26 threads, each allocating at most
** one block for its own inode, for 26 blocks).
*/
#include "models/litmus.h"
#include "sim/hash.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define LITMUS_STEP_NS 10 /* cost of every step (timed policy, log) */

/* ------------------------------------------------------ static strings */

/* Step names must be static (sim_stepdesc.what): tables of literals,
   their sizes checked at compile time. */
/* clang-format off */
#define LM_SEQ10(f, d)                                                         \
  f(d##0) f(d##1) f(d##2) f(d##3) f(d##4) f(d##5) f(d##6) f(d##7) f(d##8)      \
  f(d##9)
#define LM_0_25(f)                                                             \
  LM_SEQ10(f, ) LM_SEQ10(f, 1) f(20) f(21) f(22) f(23) f(24) f(25)
#define LM_0_31(f) LM_0_25(f) f(26) f(27) f(28) f(29) f(30) f(31)
#define LM_0_127(f)                                                            \
  LM_SEQ10(f, ) LM_SEQ10(f, 1) LM_SEQ10(f, 2) LM_SEQ10(f, 3) LM_SEQ10(f, 4)    \
  LM_SEQ10(f, 5) LM_SEQ10(f, 6) LM_SEQ10(f, 7) LM_SEQ10(f, 8) LM_SEQ10(f, 9)   \
  LM_SEQ10(f, 10) LM_SEQ10(f, 11)                                              \
  f(120) f(121) f(122) f(123) f(124) f(125) f(126) f(127)
/* clang-format on */

#define LM_TID(i) "t" #i,
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

static const char *const tid_name[] = {LM_0_31(LM_TID)};
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
_Static_assert(LM_LEN(tid_name) == SIM_MAX_THREADS, "tid_name");
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

static const struct {
  const char *name;
  int nmin, nmax;
} progs[LITMUS__COUNT] = {
    [LITMUS_INDEXER] = {"indexer", 1, SIM_MAX_THREADS},
    [LITMUS_LASTZERO] = {"lastzero", 1, SIM_MAX_THREADS - 1},
    /* one block per inode at most: never more threads than blocks */
    [LITMUS_FILESYSTEM] = {"filesystem", 1, LITMUS_NUMBLOCKS},
    [LITMUS_COUNTER] = {"counter", 1, SIM_MAX_THREADS},
    [LITMUS_RACY_COUNTER] = {"racy-counter", 1, SIM_MAX_THREADS},
    [LITMUS_ABBA] = {"abba", 2, 2},
    [LITMUS_ABC] = {"abc", 3, 3},
    [LITMUS_ABBA_RELEASED] = {"abba-released", 2, 2},
    [LITMUS_RWSEM] = {"rwsem", 2, 3},
    [LITMUS_ABBA_WAIT] = {"abba-wait", 2, 2},
    [LITMUS_RECURSIVE] = {"recursive", 1, 1},
    [LITMUS_SB] = {"sb", 2, 2},
    [LITMUS_MP] = {"mp", 2, 2},
};

const char *litmus_names(void) {
  return "indexer, lastzero, filesystem, counter, racy-counter, abba, abc, "
         "abba-released, rwsem, abba-wait, recursive, sb, mp";
}

/* ------------------------------------------------------------ objects */

/* indexer: table[h] = h.  lastzero: a[i] = i.  counter: l = 0, x = 1.
   racy-counter: x = 0.  abba and the lock-order programs: A = 0, B = 1,
   C = 2 (recursive: page#0, page#1).  filesystem below. */
enum { COUNTER_L, COUNTER_X };
enum { ABBA_A, ABBA_B, ABBA_C };
static const char *const abc_name[] = {"A", "B", "C"};
static const char *const abc_lock[] = {"lock(A)", "lock(B)", "lock(C)"};
static const char *const abc_unlock[] = {"unlock(A)", "unlock(B)", "unlock(C)"};

/* Whether a program is one of the lock-order checker's (objects A, B, C
   or two pages, all locks). */
static int lockdep_prog(enum litmus_prog p) {
  return p >= LITMUS_ABBA && p <= LITMUS_RECURSIVE;
}

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

static void litmus_obj_name(void *model, sim_oid o, char *buf, size_t n) {
  const litmus_model *m = model;
  int i = (int)o;
  assert(o < m->nobjs);
  switch (m->prog) {
  case LITMUS_INDEXER:
    snprintf(buf, n, "table[%d]", i);
    break;
  case LITMUS_LASTZERO:
    snprintf(buf, n, "a[%d]", i);
    break;
  case LITMUS_FILESYSTEM:
    if (i < m->ninode)
      snprintf(buf, n, "locki[%d]", i);
    else if (i < 2 * m->ninode)
      snprintf(buf, n, "inode[%d]", i - m->ninode);
    else if (i < 2 * m->ninode + LITMUS_NUMBLOCKS)
      snprintf(buf, n, "lockb[%d]", i - 2 * m->ninode);
    else
      snprintf(buf, n, "busy[%d]", i - 2 * m->ninode - LITMUS_NUMBLOCKS);
    break;
  case LITMUS_COUNTER:
    snprintf(buf, n, "%s", o == COUNTER_L ? "l" : "x");
    break;
  case LITMUS_RACY_COUNTER:
    snprintf(buf, n, "x");
    break;
  case LITMUS_ABBA:
  case LITMUS_ABC:
  case LITMUS_ABBA_RELEASED:
  case LITMUS_RWSEM:
  case LITMUS_ABBA_WAIT:
    snprintf(buf, n, "%s", abc_name[o]);
    break;
  case LITMUS_RECURSIVE:
    snprintf(buf, n, "page#%d", i);
    break;
  case LITMUS_SB:
  case LITMUS_MP:
    snprintf(buf, n, "%s", i ? "y" : "x");
    break;
  case LITMUS__COUNT:
    snprintf(buf, n, "?");
    break;
  }
}

/* ------------------------------------------------------------ threads */

/* indexer: getmsg() yields (++m)*11 + tid while m < MAX; each message is
   inserted at hash(w) = (w*7) % SIZE, probing linearly while the CAS
   fails.  Racers: any thread whose probe reaches the same slot. */
static void indexer_thread(litmus_model *m, sim_thread *t, int tid) {
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

/* filesystem: allocate a free block to inode tid % NUMINODE, searching
   from block (i*2) % NUMBLOCKS.  inode[i] is guarded by locki[i], busy[b]
   by lockb[b].  Racers: the thread whose inode starts its search at or
   before b (busy[b]); none on inode[i] while N <= NUMINODE. */
static void filesystem_thread(litmus_model *m, sim_thread *t, int tid) {
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
static void counter_thread(litmus_model *m, sim_thread *t) {
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

/* abba: thread 0 takes A then B, thread 1 B then A.
     t0            | t1
     lock(A)       |
                   | lock(B)
     lock(B) waits | lock(A) waits: deadlock */
/* Thread 'tid' of a ring of k locks: takes lock tid, then lock tid+1 mod
   k, nested.  abba is the ring of two, abc the ring of three. */
static void ring_lock(sim_thread *t, int tid, int k) {
  sim_oid first = (sim_oid)tid, second = (sim_oid)((tid + 1) % k);
  SIM_STEP(t, abc_lock[first], LITMUS_STEP_NS, SIM_LOCK(first));
  SIM_STEP(t, abc_lock[second], LITMUS_STEP_NS, SIM_LOCK(second));
  SIM_STEP(t, abc_unlock[second], LITMUS_STEP_NS, SIM_UNLOCK(second));
  SIM_STEP(t, abc_unlock[first], LITMUS_STEP_NS, SIM_UNLOCK(first));
}

static void abba_thread(sim_thread *t, int tid) {
  sim_enter(t, "abba_thread");
  ring_lock(t, tid, 2);
  sim_leave(t);
}

/* abc: t0 A then B, t1 B then C, t2 C then A: no two threads invert a
   pair, the three together close a cycle.
     t0        | t1        | t2
     lock(A)   | lock(B)   | lock(C)
     lock(B) waits for t1, lock(C) waits for t2, lock(A) for t0 */
static void abc_thread(sim_thread *t, int tid) {
  sim_enter(t, "abc_thread");
  ring_lock(t, tid, 3);
  sim_leave(t);
}

/* abba-released: t0 as in abba; t1 releases B before it takes A, so it
   never holds B while waiting for A: no B -> A dependency, no cycle. */
static void released_thread(sim_thread *t, int tid) {
  sim_enter(t, "released_thread");
  if (tid == 0) {
    ring_lock(t, 0, 2);
  } else {
    SIM_STEP(t, "lock(B)", LITMUS_STEP_NS, SIM_LOCK(ABBA_B));
    SIM_STEP(t, "unlock(B)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_B));
    SIM_STEP(t, "lock(A)", LITMUS_STEP_NS, SIM_LOCK(ABBA_A));
    SIM_STEP(t, "unlock(A)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_A));
  }
  sim_leave(t);
}

/* rwsem: A is a rwsem.  t0 reads A, then takes B; t1 takes B, then reads
   A: two readers of A do not block each other, no deadlock.  t2 (N = 3)
   takes B, then writes A: it waits for t0's read while t0 waits for B.
     t0            | t2
     down_read(A)  |
                   | lock(B)
     lock(B) waits | down_write(A) waits: deadlock */
static void rwsem_thread(sim_thread *t, int tid) {
  sim_enter(t, "rwsem_thread");
  if (tid == 0) {
    SIM_STEP(t, "down_read(A)", LITMUS_STEP_NS, SIM_LOCK_SH(ABBA_A));
    SIM_STEP(t, "lock(B)", LITMUS_STEP_NS, SIM_LOCK(ABBA_B));
    SIM_STEP(t, "unlock(B)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_B));
    SIM_STEP(t, "up_read(A)", LITMUS_STEP_NS, SIM_UNLOCK_SH(ABBA_A));
  } else {
    SIM_STEP(t, "lock(B)", LITMUS_STEP_NS, SIM_LOCK(ABBA_B));
    if (tid == 1) {
      SIM_STEP(t, "down_read(A)", LITMUS_STEP_NS, SIM_LOCK_SH(ABBA_A));
      SIM_STEP(t, "up_read(A)", LITMUS_STEP_NS, SIM_UNLOCK_SH(ABBA_A));
    } else {
      SIM_STEP(t, "down_write(A)", LITMUS_STEP_NS, SIM_LOCK(ABBA_A));
      SIM_STEP(t, "up_write(A)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_A));
    }
    SIM_STEP(t, "unlock(B)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_B));
  }
  sim_leave(t);
}

/* abba-wait's wait condition: A is free (PG_locked clear). */
static int a_unlocked(const sim_exec *x, void *arg) {
  (void)arg;
  return sim_lock_holder(x, ABBA_A) < 0;
}

/* abba-wait: t0 as in abba; t1 holds B and waits until A is unlocked
   (wait_on_page_locked with A as the page lock) without taking it.
     t0            | t1
     lock(A)       |
                   | lock(B)
     lock(B) waits | wait_on(A) waits: deadlock, that lockdep cannot see */
static void abba_wait_thread(sim_thread *t, int tid) {
  sim_enter(t, "abba_wait_thread");
  if (tid == 0) {
    ring_lock(t, 0, 2);
  } else {
    SIM_STEP(t, "lock(B)", LITMUS_STEP_NS, SIM_LOCK(ABBA_B));
    sim_step(t, &(const sim_stepdesc){.what = "wait_on(A)",
                                      .cost_ns = LITMUS_STEP_NS,
                                      .n = 1,
                                      .acc = {{ABBA_A, SIM_OP_WAIT}},
                                      .ready = a_unlocked});
    SIM_STEP(t, "unlock(B)", LITMUS_STEP_NS, SIM_UNLOCK(ABBA_B));
  }
  sim_leave(t);
}

/* recursive: one thread locks two pages, two locks of one class: the
   order between them is not declared, so two threads locking them in
   opposite orders deadlock (lock_page of the page being written, then
   of the page a fault brings in). */
static void recursive_thread(sim_thread *t) {
  sim_enter(t, "recursive_thread");
  SIM_STEP(t, "lock_page(page#0)", LITMUS_STEP_NS, SIM_LOCK(0));
  SIM_STEP(t, "lock_page(page#1)", LITMUS_STEP_NS, SIM_LOCK(1));
  SIM_STEP(t, "unlock_page(page#1)", LITMUS_STEP_NS, SIM_UNLOCK(1));
  SIM_STEP(t, "unlock_page(page#0)", LITMUS_STEP_NS, SIM_UNLOCK(0));
  sim_leave(t);
}

/* sb: t0 writes x, reads y; t1 writes y, reads x.  mp: t0 writes the
   data x, then the flag y; t1 reads y, then x. */
static const char *const xy_wr[] = {"x = 1", "y = 1"};
static const char *const xy_rd[] = {"read x", "read y"};
static void xy_write(litmus_model *m, sim_thread *t, int v) {
  SIM_STEP(t, xy_wr[v], LITMUS_STEP_NS, SIM_WR((sim_oid)v));
  m->xy[v] = 1;
}
static void xy_read(litmus_model *m, sim_thread *t, int v, int *r) {
  SIM_STEP(t, xy_rd[v], LITMUS_STEP_NS, SIM_RD((sim_oid)v));
  *r = m->xy[v];
  sim_after(t, "%s = %d", v ? "y" : "x", *r);
}
static void sb_mp_thread(litmus_model *m, sim_thread *t, int tid) {
  sim_enter(t, m->prog == LITMUS_SB ? "sb_thread" : "mp_thread");
  if (m->prog == LITMUS_SB) {
    xy_write(m, t, tid);
    xy_read(m, t, !tid, &m->reg[tid][0]);
  } else if (tid == 0) {
    xy_write(m, t, 0);
    xy_write(m, t, 1);
  } else {
    xy_read(m, t, 1, &m->reg[1][0]);
    xy_read(m, t, 0, &m->reg[1][1]);
  }
  sim_leave(t);
}

static void litmus_thread_main(void *model, sim_thread *t, int tid) {
  litmus_model *m = model;
  assert(tid >= 0 && tid < m->nthreads);
  switch (m->prog) {
  case LITMUS_INDEXER:
    indexer_thread(m, t, tid);
    break;
  case LITMUS_LASTZERO:
    if (tid == 0)
      lastzero_reader(m, t);
    else
      lastzero_writer(m, t, tid);
    break;
  case LITMUS_FILESYSTEM:
    filesystem_thread(m, t, tid);
    break;
  case LITMUS_COUNTER:
  case LITMUS_RACY_COUNTER:
    counter_thread(m, t);
    break;
  case LITMUS_ABBA:
    abba_thread(t, tid);
    break;
  case LITMUS_ABC:
    abc_thread(t, tid);
    break;
  case LITMUS_ABBA_RELEASED:
    released_thread(t, tid);
    break;
  case LITMUS_RWSEM:
    rwsem_thread(t, tid);
    break;
  case LITMUS_ABBA_WAIT:
    abba_wait_thread(t, tid);
    break;
  case LITMUS_RECURSIVE:
    recursive_thread(t);
    break;
  case LITMUS_SB:
  case LITMUS_MP:
    sb_mp_thread(m, t, tid);
    break;
  case LITMUS__COUNT:
    assert(0);
    break;
  }
}

/* -------------------------------------------------------------- checks */

const sim_kind litmus_kinds[LITMUS_NKINDS] = {
    {LITMUS_KIND_LOST_UPDATE, "lost-update",
     "counter: x is not N after N increments"},
    {LITMUS_KIND_LOST_MESSAGE, "lost-message",
     "indexer: the table misses a message, or holds one too often"},
    {LITMUS_KIND_INVARIANT, "invariant",
     "lastzero, filesystem: the program's end invariant fails"},
};

static void litmus_reset(void *model) {
  litmus_model *m = model;
  memset(m->table, 0, sizeof m->table);
  memset(m->a, 0, sizeof m->a);
  memset(m->inode, 0, sizeof m->inode);
  memset(m->busy, 0, sizeof m->busy);
  m->x = 0;
  m->lastzero_i = -1;
  memset(m->xy, 0, sizeof m->xy);
  memset(m->reg, 0, sizeof m->reg);
}

/* Every message is in the table as often as it was inserted (thread 11's
   messages equal thread 0's from N = 12 on), and nothing else is. */
static void indexer_check(litmus_model *m, sim_exec *x) {
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
static void lastzero_check(litmus_model *m, sim_exec *x) {
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
static void filesystem_check(litmus_model *m, sim_exec *x) {
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

static void litmus_at_end(void *model, sim_exec *x) {
  litmus_model *m = model;
  switch (m->prog) {
  case LITMUS_INDEXER:
    indexer_check(m, x);
    break;
  case LITMUS_LASTZERO:
    lastzero_check(m, x);
    break;
  case LITMUS_FILESYSTEM:
    filesystem_check(m, x);
    break;
  case LITMUS_COUNTER:
  case LITMUS_RACY_COUNTER:
    if (m->x != m->n) {
      sim_oid o = counter_x(m);
      sim_violation(x, LITMUS_KIND_LOST_UPDATE, &o, 1,
                    "x = %d after %d increments", m->x, m->n);
    }
    break;
  case LITMUS_SB: /* every final state is allowed: the list shows them */
  case LITMUS_MP:
    break;
  default: /* abba and the lock-order programs: locks only */
    assert(lockdep_prog(m->prog));
    break;
  }
}

/* The program's shared variables, field by field, and lastzero's result. */
static uint64_t litmus_state_hash(void *model) {
  const litmus_model *m = model;
  uint64_t h = SIM_HASH_INIT;
  sim_hash_u64(&h, (uint64_t)m->prog << 32 | (uint32_t)m->n);
  switch (m->prog) {
  case LITMUS_INDEXER:
    for (int i = 0; i < LITMUS_TABLE_SIZE; i++)
      sim_hash_u64(&h, (uint32_t)m->table[i]);
    break;
  case LITMUS_LASTZERO:
    for (int i = 0; i <= m->n; i++)
      sim_hash_u64(&h, (uint32_t)m->a[i]);
    sim_hash_u64(&h, (uint32_t)m->lastzero_i);
    break;
  case LITMUS_FILESYSTEM:
    for (int i = 0; i < m->ninode; i++)
      sim_hash_u64(&h, (uint32_t)m->inode[i]);
    for (int b = 0; b < LITMUS_NUMBLOCKS; b++)
      sim_hash_u64(&h, m->busy[b]);
    break;
  case LITMUS_COUNTER:
  case LITMUS_RACY_COUNTER:
    sim_hash_u64(&h, (uint32_t)m->x);
    break;
  case LITMUS_SB:
  case LITMUS_MP:
    sim_hash_u64(&h, (uint64_t)m->xy[0] << 32 | (uint32_t)m->xy[1]);
    for (int i = 0; i < 4; i++)
      sim_hash_u64(&h, (uint32_t)m->reg[i / 2][i % 2]);
    break;
  default: /* abba and the lock-order programs: no variables */
    assert(lockdep_prog(m->prog));
    break;
  }
  return h;
}

/* State matching (sim/digest.c).  obj_hash: the value of a shared
   variable; a lock has none (the engine hashes its holders).  The threads'
   registers (w, h, i, b, r) are C locals, which the engine's observation
   digests stand for; none of the programs has a retry loop that would need
   sim_loop_live (the indexer's probe and the lastzero and filesystem
   scans move on at each iteration). */
static uint64_t litmus_obj_hash(void *model, sim_oid o) {
  const litmus_model *m = model;
  int i = (int)o;
  assert(o < m->nobjs);
  switch (m->prog) {
  case LITMUS_INDEXER:
    return (uint32_t)m->table[i];
  case LITMUS_LASTZERO:
    return (uint32_t)m->a[i];
  case LITMUS_FILESYSTEM:
    if (i >= m->ninode && i < 2 * m->ninode)
      return (uint32_t)m->inode[i - m->ninode];
    if (i >= 2 * m->ninode + LITMUS_NUMBLOCKS)
      return m->busy[i - 2 * m->ninode - LITMUS_NUMBLOCKS];
    return 0; /* locki[], lockb[] */
  case LITMUS_COUNTER:
    return o == COUNTER_X ? (uint32_t)m->x : 0; /* l: a lock */
  case LITMUS_RACY_COUNTER:
    return (uint32_t)m->x;
  case LITMUS_SB:
  case LITMUS_MP:
    return (uint32_t)m->xy[i];
  default: /* abba and the lock-order programs: locks */
    assert(lockdep_prog(m->prog));
    break;
  }
  return 0;
}

/* Lock classes (litmus.h): every lock of a lock-order program its own
   class but the recursive program's two pages; l; locki[], lockb[]. */
static int litmus_lock_class(void *model, sim_oid o, char *buf, size_t n) {
  const litmus_model *m = model;
  int i = (int)o;
  assert(o < m->nobjs);
  switch (m->prog) {
  case LITMUS_COUNTER:
    if (o != COUNTER_L)
      return -1;
    snprintf(buf, n, "l");
    return 0;
  case LITMUS_FILESYSTEM:
    if (i < m->ninode) {
      snprintf(buf, n, "locki");
      return 0;
    }
    if (i >= 2 * m->ninode && i < 2 * m->ninode + LITMUS_NUMBLOCKS) {
      snprintf(buf, n, "lockb");
      return 1;
    }
    return -1;
  case LITMUS_RECURSIVE:
    snprintf(buf, n, "page lock");
    return 0;
  default:
    if (!lockdep_prog(m->prog))
      return -1; /* indexer, lastzero, racy-counter, sb, mp: no locks */
    snprintf(buf, n, "%s", abc_name[o]);
    return i;
  }
}

/* state_key is the final-state hash: it covers every variable reset()
   restores that the program uses (table[], a[0..N], inode[0..ninode-1],
   busy[], x) and lastzero_i, which only the check at the end reads. */
const sim_model_ops litmus_ops = {
    .reset = litmus_reset,
    .thread_main = litmus_thread_main,
    .after_step = NULL,
    .at_end = litmus_at_end,
    .obj_name = litmus_obj_name,
    .state_hash = litmus_state_hash,
    .obj_hash = litmus_obj_hash,
    .state_key = litmus_state_hash,
    SIM_KINDS(litmus_kinds),
    .lock_class = litmus_lock_class,
};

/* --------------------------------------------------------------- setup */

int litmus_init(litmus_model *m, const char *name, int n, char *err,
                size_t errlen) {
  int p = 0;
  while (p < LITMUS__COUNT && strcmp(progs[p].name, name) != 0)
    p++;
  if (p == LITMUS__COUNT) {
    snprintf(err, errlen, "unknown litmus program '%s', expected one of %s",
             name, litmus_names());
    return -1;
  }
  if (n < progs[p].nmin || n > progs[p].nmax) {
    snprintf(err, errlen, "N must be %d..%d for %s", progs[p].nmin,
             progs[p].nmax, name);
    return -1;
  }
  memset(m, 0, sizeof *m);
  m->prog = (enum litmus_prog)p;
  m->n = n;
  switch (m->prog) {
  case LITMUS_INDEXER:
    m->nthreads = n;
    m->nobjs = LITMUS_TABLE_SIZE;
    break;
  case LITMUS_LASTZERO:
    m->nthreads = n + 1;
    m->nobjs = (uint32_t)n + 1;
    break;
  case LITMUS_FILESYSTEM:
    m->nthreads = n;
    m->ninode = n < LITMUS_NUMINODE ? n : LITMUS_NUMINODE;
    m->nobjs = (uint32_t)(2 * m->ninode + 2 * LITMUS_NUMBLOCKS);
    break;
  case LITMUS_COUNTER:
    m->nthreads = n;
    m->nobjs = 2;
    break;
  case LITMUS_RACY_COUNTER:
    m->nthreads = n;
    m->nobjs = 1;
    break;
  case LITMUS_ABBA:
  case LITMUS_ABBA_RELEASED:
  case LITMUS_ABBA_WAIT:
    m->nthreads = 2;
    m->nobjs = 2;
    break;
  case LITMUS_ABC:
    m->nthreads = 3;
    m->nobjs = 3;
    break;
  case LITMUS_RWSEM:
    m->nthreads = n;
    m->nobjs = 2;
    break;
  case LITMUS_RECURSIVE:
    m->nthreads = 1;
    m->nobjs = 2;
    break;
  case LITMUS_SB:
  case LITMUS_MP:
    m->nthreads = 2;
    m->nobjs = 2;
    break;
  case LITMUS__COUNT:
    break;
  }
  assert(m->nthreads >= 1 && m->nthreads <= SIM_MAX_THREADS);
  for (int i = 0; i < m->nthreads; i++)
    m->threads[i] = (sim_thread_cfg){tid_name[i], i};
  litmus_reset(m);
  return 0;
}

int litmus_nthreads(const litmus_model *m) {
  return m->nthreads;
}
const sim_thread_cfg *litmus_threads(const litmus_model *m) {
  return m->threads;
}
uint32_t litmus_nobjs(const litmus_model *m) {
  return m->nobjs;
}
