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
** The programs are in three files: litmus_dpor.c (indexer, lastzero,
** filesystem, counter, racy-counter, with their checks at the end),
** litmus_locks.c (the lock-order programs) and here sb and mp, with the
** table of programs, the objects' names, the hashes and the lock classes.
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
#include "models/litmus_prog.h"
#include "sim/hash.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define LM_TID(i) "t" #i,
static const char *const tid_name[] = {LM_0_31(LM_TID)};
_Static_assert(sizeof tid_name / sizeof tid_name[0] == SIM_MAX_THREADS,
               "tid_name");

/* Whether a program is one of the lock-order checker's (objects A, B, C
   or two pages, all locks). */
static int lockdep_prog(enum litmus_prog p) {
  return p >= LITMUS_ABBA && p <= LITMUS_RECURSIVE;
}

/* ---------------------------------------------------------- sb and mp */

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

/* ----------------------------------------------------------- programs */

/* The programs: name, the range of N, the body of every thread, the
   check at the end (NULL: sb and mp, whose final states are all allowed
   and listed, and the lock-order programs, locks only), and the number
   of objects (litmus.h's table; lastzero's and the filesystem's depend
   on N: litmus_init). */
static const struct {
  const char *name;
  int nmin, nmax;
  litmus_thread_fn *thread;
  litmus_check_fn *check;
  uint32_t nobjs;
} progs[LITMUS__COUNT] = {
    [LITMUS_INDEXER] = {"indexer", 1, SIM_MAX_THREADS, litmus_indexer_thread,
                        litmus_indexer_check, LITMUS_TABLE_SIZE},
    [LITMUS_LASTZERO] = {"lastzero", 1, SIM_MAX_THREADS - 1,
                         litmus_lastzero_thread, litmus_lastzero_check, 0},
    /* one block per inode at most: never more threads than blocks */
    [LITMUS_FILESYSTEM] = {"filesystem", 1, LITMUS_NUMBLOCKS,
                           litmus_filesystem_thread, litmus_filesystem_check,
                           0},
    [LITMUS_COUNTER] = {"counter", 1, SIM_MAX_THREADS, litmus_counter_thread,
                        litmus_counter_check, 2},
    [LITMUS_RACY_COUNTER] = {"racy-counter", 1, SIM_MAX_THREADS,
                             litmus_counter_thread, litmus_counter_check, 1},
    [LITMUS_ABBA] = {"abba", 2, 2, litmus_abba_thread, NULL, 2},
    [LITMUS_ABC] = {"abc", 3, 3, litmus_abc_thread, NULL, 3},
    [LITMUS_ABBA_RELEASED] = {"abba-released", 2, 2, litmus_released_thread,
                              NULL, 2},
    [LITMUS_RWSEM] = {"rwsem", 2, 3, litmus_rwsem_thread, NULL, 2},
    [LITMUS_ABBA_WAIT] = {"abba-wait", 2, 2, litmus_abba_wait_thread, NULL, 2},
    [LITMUS_RECURSIVE] = {"recursive", 1, 1, litmus_recursive_thread, NULL, 2},
    [LITMUS_SB] = {"sb", 2, 2, sb_mp_thread, NULL, 2},
    [LITMUS_MP] = {"mp", 2, 2, sb_mp_thread, NULL, 2},
};

const char *litmus_names(void) {
  return "indexer, lastzero, filesystem, counter, racy-counter, abba, abc, "
         "abba-released, rwsem, abba-wait, recursive, sb, mp";
}

/* ------------------------------------------------------------ objects */

/* indexer: table[h] = h.  lastzero: a[i] = i.  counter: l = 0, x = 1.
   racy-counter: x = 0.  abba and the lock-order programs: A = 0, B = 1,
   C = 2 (recursive: page#0, page#1).  filesystem: litmus_dpor.c. */
const char *const litmus_abc_name[3] = {"A", "B", "C"};

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
    snprintf(buf, n, "%s", litmus_abc_name[o]);
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

static void litmus_thread_main(void *model, sim_thread *t, int tid) {
  litmus_model *m = model;
  assert(tid >= 0 && tid < m->nthreads);
  progs[m->prog].thread(m, t, tid);
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

static void litmus_at_end(void *model, sim_exec *x) {
  litmus_model *m = model;
  if (progs[m->prog].check)
    progs[m->prog].check(m, x);
  else /* sb, mp (every final state allowed), the lock-order programs */
    assert(lockdep_prog(m->prog) || m->prog == LITMUS_SB ||
           m->prog == LITMUS_MP);
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
    snprintf(buf, n, "%s", litmus_abc_name[o]);
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
  /* one thread per unit of N (the programs with a fixed count have
     nmin = nmax = that count), and lastzero's reader besides */
  m->nthreads = m->prog == LITMUS_LASTZERO ? n + 1 : n;
  m->nobjs = progs[p].nobjs;
  if (m->prog == LITMUS_LASTZERO) {
    m->nobjs = (uint32_t)n + 1; /* a[0..N] */
  } else if (m->prog == LITMUS_FILESYSTEM) {
    m->ninode = n < LITMUS_NUMINODE ? n : LITMUS_NUMINODE;
    m->nobjs = (uint32_t)(2 * m->ninode + 2 * LITMUS_NUMBLOCKS);
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
