/*
** test_litmus.c - the DPOR benchmark programs of models/litmus.c on the
** engine: exact final states under hand-written replay schedules (checked
** against no divergence, so the schedule written is the one that ran),
** random schedules checked against small reference interpreters of the
** programs, the lost update, the deadlock message, footprints that match
** the step names, init errors, and determinism of the trace hash.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/litmus.h"
#include "sim/sched.h"
#include "sim/sim.h"

/* ------------------------------------------------------------- helpers */

static void start(int ncpus) {
  char err[128];
  cr_assert_eq(sim_init(ncpus, err, sizeof err), 0, "%s", err);
}

static void build(litmus_model *m, const char *name, int n) {
  char err[160];
  cr_assert_eq(litmus_init(m, name, n, err, sizeof err), 0, "%s", err);
}

/* Events as "tid:what" joined by spaces, optionally of one thread. */
struct transcript {
  int only_tid; /* -1: all */
  char buf[16384];
  size_t len;
};

static void on_event(void *arg, const sim_event *ev) {
  struct transcript *tr = arg;
  if (tr->only_tid >= 0 && ev->tid != tr->only_tid)
    return;
  int k = snprintf(tr->buf + tr->len, sizeof tr->buf - tr->len, "%s%d:%s",
                   tr->len ? " " : "", ev->tid, ev->what);
  cr_assert_lt((size_t)k, sizeof tr->buf - tr->len, "transcript too long");
  tr->len += (size_t)k;
}

/* One execution.  A replay schedule must be followed exactly unless
   'may_diverge' (the replay policy silently runs the lowest enabled thread
   when the written one is disabled). */
static sim_sched last_ss;
static const sim_model_ops *ops_override; /* NULL: litmus_ops */

static void run_obs(litmus_model *m, enum sim_policy pol, uint64_t seed,
                    const char *sched, int may_diverge, const sim_observer *ob,
                    sim_result *r) {
  uint8_t *seq = NULL;
  size_t n = 0;
  int col;
  char err[128];
  if (sched)
    cr_assert_eq(sim_sched_parse(sched, &seq, &n, &col, err, sizeof err), 0,
                 "%s: %s", sched, err);
  sim_exec_cfg cfg = {.ops = ops_override ? ops_override : &litmus_ops,
                      .model = m,
                      .nthreads = litmus_nthreads(m),
                      .threads = litmus_threads(m),
                      .nobjs = litmus_nobjs(m),
                      .chooser = sim_sched_init(&last_ss, pol, seed, seq, n),
                      .observer = ob,
                      .max_steps = 100000};
  cr_assert_eq(sim_exec_run(&cfg, r), 0);
  free(seq);
  if (pol == SIM_POLICY_REPLAY && !may_diverge)
    cr_assert_eq(last_ss.diverged, 0,
                 "schedule %s diverged at step %llu (wanted thread %d)", sched,
                 (unsigned long long)last_ss.diverged_at, last_ss.div_wanted);
}

static void run(litmus_model *m, enum sim_policy pol, uint64_t seed,
                const char *sched, sim_result *r) {
  run_obs(m, pol, seed, sched, 0, NULL, r);
}

static void assert_sched(const sim_result *r, const char *want) {
  char *s = sim_sched_format(r->sched, r->nsched);
  cr_assert_str_eq(s, want);
  free(s);
}

/* ------------------------------------------------ reference interpreters */

/* lastzero from a grant sequence: thread 0 scans down from a[N], thread j
   reads a[j-1] then writes a[j]. */
static void lastzero_ref(int n, const uint8_t *s, size_t ns, int *a,
                         int *found) {
  int i = n, pc[SIM_MAX_THREADS] = {0}, reg[SIM_MAX_THREADS] = {0};
  memset(a, 0, (size_t)(n + 1) * sizeof *a);
  *found = -1;
  for (size_t k = 0; k < ns; k++) {
    int t = s[k];
    cr_assert(t <= n && pc[t] >= 0, "thread %d granted after its end", t);
    if (t == 0) {
      if (a[i] == 0) {
        *found = i;
        pc[0] = -1;
      } else {
        i--;
      }
    } else if (pc[t] == 0) {
      reg[t] = a[t - 1];
      pc[t] = 1;
    } else {
      a[t] = reg[t] + 1;
      pc[t] = -1;
    }
  }
}

/* counter (locked: lock, read, write, unlock) or racy-counter (read,
   write); returns the final x. */
static int counter_ref(int locked, const uint8_t *s, size_t ns) {
  int x = 0, pc[SIM_MAX_THREADS] = {0}, reg[SIM_MAX_THREADS] = {0};
  for (size_t k = 0; k < ns; k++) {
    int t = s[k], step = pc[t]++ - locked;
    if (step == 0)
      reg[t] = x;
    else if (step == 1)
      x = reg[t] + 1;
  }
  return x;
}

static int indexer_slot(int w) {
  return (w * 7) % LITMUS_TABLE_SIZE;
}

/* ---------------------------------------------------------------- init */

Test(litmus, init_rejects_unknown_names_and_bad_n) {
  static const struct {
    const char *name;
    int n;
    const char *msg;
  } cases[] = {
      {"dekker", 2,
       "unknown litmus program 'dekker', expected one of indexer, lastzero, "
       "filesystem, counter, racy-counter, abba, abc, abba-released, rwsem, "
       "abba-wait, recursive, sb, mp"},
      {"", 2,
       "unknown litmus program '', expected one of indexer, lastzero, "
       "filesystem, counter, racy-counter, abba, abc, abba-released, rwsem, "
       "abba-wait, recursive, sb, mp"},
      {"Indexer", 2,
       "unknown litmus program 'Indexer', expected one of indexer, lastzero, "
       "filesystem, counter, racy-counter, abba, abc, abba-released, rwsem, "
       "abba-wait, recursive, sb, mp"},
      {"indexer", 0, "N must be 1..32 for indexer"},
      {"indexer", 33, "N must be 1..32 for indexer"},
      {"lastzero", 32, "N must be 1..31 for lastzero"},
      {"lastzero", 0, "N must be 1..31 for lastzero"},
      {"filesystem", -1, "N must be 1..26 for filesystem"},
      {"filesystem", 27, "N must be 1..26 for filesystem"},
      {"counter", 33, "N must be 1..32 for counter"},
      {"racy-counter", 0, "N must be 1..32 for racy-counter"},
      {"abba", 3, "N must be 2..2 for abba"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    litmus_model m;
    char err[256] = "";
    cr_assert_eq(litmus_init(&m, cases[i].name, cases[i].n, err, sizeof err),
                 -1, "%s %d accepted", cases[i].name, cases[i].n);
    cr_assert_str_eq(err, cases[i].msg);
  }
  cr_assert_str_eq(
      litmus_names(),
      "indexer, lastzero, filesystem, counter, racy-counter, abba, "
      "abc, abba-released, rwsem, abba-wait, recursive, sb, mp");
}

Test(litmus, shapes_names_and_objects) {
  static const struct {
    const char *name;
    int n, nthreads;
    uint32_t nobjs;
    sim_oid probe;
    const char *probe_name;
  } cases[] = {
      {"indexer", 13, 13, 128, 17, "table[17]"},
      {"lastzero", 15, 16, 16, 15, "a[15]"},
      {"lastzero", 3, 4, 4, 2, "a[2]"},
      {"filesystem", 14, 14, 80, 3, "locki[3]"},
      {"filesystem", 14, 14, 80, 17, "inode[3]"},
      {"filesystem", 14, 14, 80, 28, "lockb[0]"},
      {"filesystem", 14, 14, 80, 53, "lockb[25]"},
      {"filesystem", 14, 14, 80, 54, "busy[0]"},
      {"filesystem", 14, 14, 80, 79, "busy[25]"},
      {"counter", 4, 4, 2, 0, "l"},
      {"counter", 4, 4, 2, 1, "x"},
      {"racy-counter", 4, 4, 1, 0, "x"},
      {"abba", 2, 2, 2, 0, "A"},
      {"abba", 2, 2, 2, 1, "B"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    litmus_model m;
    build(&m, cases[i].name, cases[i].n);
    cr_assert_eq(litmus_nthreads(&m), cases[i].nthreads, "%s", cases[i].name);
    cr_assert_eq(litmus_nobjs(&m), cases[i].nobjs, "%s", cases[i].name);
    const sim_thread_cfg *th = litmus_threads(&m);
    for (int t = 0; t < cases[i].nthreads; t++) {
      char want[16];
      snprintf(want, sizeof want, "t%d", t);
      cr_assert_str_eq(th[t].name, want);
      cr_assert_eq(th[t].cpu, t);
    }
    char buf[32];
    litmus_ops.obj_name(&m, cases[i].probe, buf, sizeof buf);
    cr_assert_str_eq(buf, cases[i].probe_name);
  }
}

/* ------------------------------------------------------------ lastzero */

Test(lastzero, reader_first_stops_at_n) {
  litmus_model m;
  build(&m, "lastzero", 3);
  start(litmus_nthreads(&m));
  struct transcript tr = {.only_tid = -1};
  sim_observer ob = {.arg = &tr, .event = on_event};
  sim_result r;
  run_obs(&m, SIM_POLICY_REPLAY, 0, "0.1*2.2*2.3*2", 0, &ob, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_str_eq(tr.buf, "0:read a[3] 1:read a[0] 1:write a[1] "
                           "2:read a[1] 2:write a[2] 3:read a[2] 3:write a[3]");
  cr_assert_eq(m.lastzero_i, 3);
  int want[] = {0, 1, 2, 3};
  cr_assert_arr_eq(m.a, want, sizeof want);
  cr_assert_eq(r.steps, 7);
  assert_sched(&r, "0.1*2.2*2.3*2");
  sim_result_free(&r);
}

Test(lastzero, writers_first_reader_scans_to_zero) {
  litmus_model m;
  build(&m, "lastzero", 3);
  start(litmus_nthreads(&m));
  struct transcript tr = {.only_tid = 0};
  sim_observer ob = {.arg = &tr, .event = on_event};
  sim_result r, r0;
  run_obs(&m, SIM_POLICY_REPLAY, 0, "1*2.2*2.3*2.0*4", 0, &ob, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_str_eq(tr.buf, "0:read a[3] 0:read a[2] 0:read a[1] 0:read a[0]");
  cr_assert_eq(m.lastzero_i, 0);
  int want[] = {0, 1, 2, 3};
  cr_assert_arr_eq(m.a, want, sizeof want);
  cr_assert_eq(r.steps, 10);
  /* same array, other result: the final state hash tells them apart */
  run(&m, SIM_POLICY_REPLAY, 0, "0.1*2.2*2.3*2", &r0);
  cr_assert_eq(m.lastzero_i, 3);
  cr_assert_neq(r.state_hash, r0.state_hash);
  sim_result_free(&r);
  sim_result_free(&r0);
}

Test(lastzero, writer3_before_writer2_leaves_a3_at_1) {
  litmus_model m;
  build(&m, "lastzero", 3);
  start(litmus_nthreads(&m));
  sim_result r;
  /*   t0            | t1..t3
                     | t3: r = a[2] (0); a[3] = 1
       a[3] = 1: i=2 |
       a[2] = 0: stop|
                     | t1: a[1] = 1; t2: a[2] = 2 */
  run(&m, SIM_POLICY_REPLAY, 0, "3*2.0*2.1*2.2*2", &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_eq(m.lastzero_i, 2);
  int want[] = {0, 1, 2, 1};
  cr_assert_arr_eq(m.a, want, sizeof want);
  cr_assert_eq(r.steps, 8);
  sim_result_free(&r);
}

Test(lastzero, random_schedules_match_the_reference) {
  litmus_model m;
  build(&m, "lastzero", 4);
  start(litmus_nthreads(&m));
  uint64_t states[40];
  int distinct = 0;
  for (int seed = 0; seed < 40; seed++) {
    sim_result r;
    run(&m, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &r);
    cr_assert_eq(r.outcome, SIM_CLEAN, "seed %d: %s: %s", seed, r.kind, r.msg);
    int a[5], found;
    lastzero_ref(4, r.sched, r.nsched, a, &found);
    cr_assert_arr_eq(m.a, a, sizeof a, "seed %d", seed);
    cr_assert_eq(m.lastzero_i, found, "seed %d", seed);
    states[seed] = r.state_hash;
    int seen = 0;
    for (int i = 0; i < seed; i++)
      seen |= states[i] == r.state_hash;
    distinct += !seen;
    sim_result_free(&r);
  }
  cr_assert_gt(distinct, 3, "random seeds should reach several final states");
}

/* ------------------------------------------------- counter, racy-counter */

Test(racy_counter, interleaved_read_write_loses_an_update) {
  litmus_model m;
  build(&m, "racy-counter", 2);
  start(litmus_nthreads(&m));
  sim_result r;
  /*   t0           | t1
       r = x (0)    |
                    | r = x (0)
       x = r+1 (1)  |
                    | x = r+1 (1): t0's increment is lost */
  run(&m, SIM_POLICY_REPLAY, 0, "0.1.0.1", &r);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "lost-update");
  cr_assert_str_eq(r.msg, "x = 1 after 2 increments");
  cr_assert_eq(r.nviol_objs, 1);
  cr_assert_eq(r.viol_objs[0], 0);
  cr_assert_eq(m.x, 1);
  cr_assert_eq(r.steps, 4);
  sim_result_free(&r);
  run(&m, SIM_POLICY_REPLAY, 0, "0*2.1*2", &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_eq(m.x, 2);
  sim_result_free(&r);
}

Test(racy_counter, random_schedules_match_the_reference) {
  litmus_model m;
  build(&m, "racy-counter", 3);
  start(litmus_nthreads(&m));
  int lost = 0, clean = 0;
  for (int seed = 0; seed < 60; seed++) {
    sim_result r;
    run(&m, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &r);
    int x = counter_ref(0, r.sched, r.nsched);
    cr_assert_eq(r.steps, 6);
    cr_assert_eq(m.x, x, "seed %d", seed);
    if (x == 3) {
      cr_assert_eq(r.outcome, SIM_CLEAN, "seed %d: %s", seed, r.msg);
      clean++;
    } else {
      cr_assert_eq(r.outcome, SIM_VIOLATION, "seed %d", seed);
      cr_assert_str_eq(r.kind, "lost-update");
      char want[64];
      snprintf(want, sizeof want, "x = %d after 3 increments", x);
      cr_assert_str_eq(r.msg, want);
      lost++;
    }
    sim_result_free(&r);
  }
  cr_assert_gt(lost, 0, "no random schedule lost an update");
  cr_assert_gt(clean, 0, "no random schedule was serial enough");
}

Test(counter, never_loses_an_update_under_200_seeds) {
  litmus_model m;
  build(&m, "counter", 3);
  start(litmus_nthreads(&m));
  uint64_t h[200];
  int distinct = 0;
  for (int seed = 0; seed < 200; seed++) {
    sim_result r;
    run(&m, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &r);
    cr_assert_eq(r.outcome, SIM_CLEAN, "seed %d: %s: %s", seed, r.kind, r.msg);
    cr_assert_eq(m.x, 3, "seed %d", seed);
    cr_assert_eq(counter_ref(1, r.sched, r.nsched), 3, "seed %d", seed);
    cr_assert_eq(r.steps, 12);
    h[seed] = r.trace_hash;
    int seen = 0;
    for (int i = 0; i < seed; i++)
      seen |= h[i] == h[seed];
    distinct += !seen;
    sim_result_free(&r);
  }
  /* 3 critical sections of 4 steps, lock order free: 3! = 6 traces */
  cr_assert_eq(distinct, 6);
}

Test(counter, lock_disables_the_interleaving) {
  litmus_model m;
  build(&m, "counter", 2);
  start(litmus_nthreads(&m));
  sim_result r;
  /* t1's lock(l) is disabled while t0 holds l: replay diverges there */
  run_obs(&m, SIM_POLICY_REPLAY, 0, "0.1.0.1", 1, NULL, &r);
  cr_assert_eq(last_ss.diverged, 1);
  cr_assert_eq(last_ss.diverged_at, 1);
  cr_assert_eq(last_ss.div_wanted, 1);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_eq(m.x, 2);
  assert_sched(&r, "0*4.1*4");
  sim_result_free(&r);
}

/* ---------------------------------------------------------------- abba */

Test(abba, opposite_lock_orders_deadlock) {
  litmus_model m;
  build(&m, "abba", 2);
  start(litmus_nthreads(&m));
  sim_result r;
  run(&m, SIM_POLICY_REPLAY, 0, "0.1", &r);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "deadlock");
  cr_assert_eq(r.kind_id, SIM_KIND_DEADLOCK, "the engine's kind");
  cr_assert_str_eq(r.msg, "t0 waits in lock(B) for B held by t1; "
                          "t1 waits in lock(A) for A held by t0");
  cr_assert_eq(r.steps, 2);
  sim_result_free(&r);
  run(&m, SIM_POLICY_REPLAY, 0, "1*4.0*4", &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_eq(r.steps, 8);
  sim_result_free(&r);
}

/* ------------------------------------------------------------- indexer */

Test(indexer, below_12_threads_every_message_lands_in_its_slot) {
  litmus_model m;
  build(&m, "indexer", 6);
  start(litmus_nthreads(&m));
  for (int seed = 0; seed < 10; seed++) {
    sim_result r;
    run(&m, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &r);
    cr_assert_eq(r.outcome, SIM_CLEAN, "seed %d: %s: %s", seed, r.kind, r.msg);
    cr_assert_eq(r.steps, 24, "a CAS failed without a collision");
    int want[LITMUS_TABLE_SIZE] = {0};
    for (int tid = 0; tid < 6; tid++)
      for (int k = 1; k <= 4; k++)
        want[indexer_slot(k * 11 + tid)] = k * 11 + tid;
    cr_assert_arr_eq(m.table, want, sizeof want, "seed %d", seed);
    sim_result_free(&r);
  }
}

Test(indexer, at_12_threads_thread11_probes_past_thread0) {
  litmus_model m;
  build(&m, "indexer", 12);
  start(litmus_nthreads(&m));
  struct transcript tr = {.only_tid = 11};
  sim_observer ob = {.arg = &tr, .event = on_event};
  sim_result r, r11;
  /* thread 0 inserts 11, 22, 33, 44 at 77, 26, 103, 52; thread 11 inserts
     22, 33, 44, 55 and finds 26, 103 and 52 taken */
  run_obs(&m, SIM_POLICY_REPLAY, 0, "0*4.11*7", 0, &ob, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_str_eq(tr.buf,
                   "11:cas(table[26]) 11:cas(table[27]) 11:cas(table[103]) "
                   "11:cas(table[104]) 11:cas(table[52]) 11:cas(table[53]) "
                   "11:cas(table[1])");
  cr_assert_eq(r.steps, 51);
  assert_sched(&r, "0*4.11*7.1*4.2*4.3*4.4*4.5*4.6*4.7*4.8*4.9*4.10*4");
  cr_assert_eq(m.table[26], 22);
  cr_assert_eq(m.table[27], 22);
  cr_assert_eq(m.table[103], 33);
  cr_assert_eq(m.table[104], 33);
  cr_assert_eq(m.table[52], 44);
  cr_assert_eq(m.table[53], 44);
  cr_assert_eq(m.table[1], 55);
  /* thread 11 first: thread 0 probes instead, same table, other trace */
  run(&m, SIM_POLICY_REPLAY, 0, "11*4.0*7", &r11);
  cr_assert_eq(r11.outcome, SIM_CLEAN, "%s: %s", r11.kind, r11.msg);
  cr_assert_eq(r11.steps, 51);
  cr_assert_eq(r11.state_hash, r.state_hash);
  cr_assert_neq(r11.trace_hash, r.trace_hash);
  sim_result_free(&r);
  sim_result_free(&r11);
}

/* ---------------------------------------------------------- filesystem */

Test(filesystem, below_14_threads_inode_i_gets_block_2i) {
  litmus_model m;
  build(&m, "filesystem", 5);
  start(litmus_nthreads(&m));
  for (int seed = 0; seed < 10; seed++) {
    sim_result r;
    run(&m, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &r);
    cr_assert_eq(r.outcome, SIM_CLEAN, "seed %d: %s: %s", seed, r.kind, r.msg);
    cr_assert_eq(r.steps, 40);
    int inode[] = {1, 3, 5, 7, 9};
    cr_assert_arr_eq(m.inode, inode, sizeof inode);
    for (int b = 0; b < LITMUS_NUMBLOCKS; b++)
      cr_assert_eq(m.busy[b], b < 10 && b % 2 == 0, "busy[%d]", b);
    sim_result_free(&r);
  }
}

Test(filesystem, at_14_threads_inode13_and_inode0_race_for_block0) {
  litmus_model m;
  build(&m, "filesystem", 14);
  start(litmus_nthreads(&m));
  struct transcript tr = {.only_tid = 0};
  sim_observer ob = {.arg = &tr, .event = on_event};
  sim_result r, r0;
  /* inode 13 starts its search at (13*2) % 26 = 0, inode 0's block */
  run_obs(&m, SIM_POLICY_REPLAY, 0, "13*8.0*11", 0, &ob, &r);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_str_eq(tr.buf, "0:lock(locki[0]) 0:read inode[0] 0:lock(lockb[0]) "
                           "0:read busy[0] 0:unlock(lockb[0]) 0:lock(lockb[1]) "
                           "0:read busy[1] 0:write busy[1] 0:write inode[0] "
                           "0:unlock(lockb[1]) 0:unlock(locki[0])");
  cr_assert_eq(r.steps, 13 * 8 + 11);
  cr_assert_eq(m.inode[13], 1);
  cr_assert_eq(m.inode[0], 2);
  for (int i = 1; i < 13; i++)
    cr_assert_eq(m.inode[i], 2 * i + 1, "inode[%d]", i);
  for (int b = 0; b < LITMUS_NUMBLOCKS; b++)
    cr_assert_eq(m.busy[b], b <= 2 || (b % 2 == 0 && b <= 24), "busy[%d]", b);
  /* inode 0 first: inode 13 moves to block 1 */
  run(&m, SIM_POLICY_REPLAY, 0, "0*8.13*11", &r0);
  cr_assert_eq(r0.outcome, SIM_CLEAN, "%s: %s", r0.kind, r0.msg);
  cr_assert_eq(m.inode[0], 1);
  cr_assert_eq(m.inode[13], 2);
  cr_assert_neq(r0.state_hash, r.state_hash);
  sim_result_free(&r);
  sim_result_free(&r0);
}

/* --------------------------------------------------- all the programs */

static const struct {
  const char *name;
  int n;
} all_progs[] = {
    {"indexer", 12}, {"lastzero", 5},     {"filesystem", 14},
    {"counter", 3},  {"racy-counter", 3}, {"abba", 2},
};

/* Each step is one access whose object is the one its name says. */
struct footprint_check {
  litmus_model *m;
  int nevents;
};

static void check_footprint(void *arg, const sim_event *ev) {
  struct footprint_check *c = arg;
  const sim_stepdesc *s = ev->step;
  char on[32], want[48];
  cr_assert_eq(s->n, 1, "%s: %d accesses", ev->what, s->n);
  litmus_ops.obj_name(c->m, s->acc[0].obj, on, sizeof on);
  switch (s->acc[0].op) {
  case SIM_OP_READ:
    snprintf(want, sizeof want, "read %s", on);
    break;
  case SIM_OP_WRITE:
    snprintf(want, sizeof want,
             c->m->prog == LITMUS_INDEXER ? "cas(%s)" : "write %s", on);
    break;
  case SIM_OP_LOCK:
    snprintf(want, sizeof want, "lock(%s)", on);
    break;
  case SIM_OP_UNLOCK:
    snprintf(want, sizeof want, "unlock(%s)", on);
    break;
  default:
    cr_assert_fail("%s: unexpected op %d", ev->what, s->acc[0].op);
    return;
  }
  cr_assert_str_eq(ev->what, want);
  c->nevents++;
}

Test(litmus, footprints_match_step_names) {
  start(SIM_MAX_THREADS);
  for (size_t p = 0; p < sizeof all_progs / sizeof all_progs[0]; p++)
    for (int seed = 0; seed < 3; seed++) {
      litmus_model m;
      build(&m, all_progs[p].name, all_progs[p].n);
      struct footprint_check c = {.m = &m};
      sim_observer ob = {.arg = &c, .event = check_footprint};
      sim_result r;
      run_obs(&m, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, 0, &ob, &r);
      cr_assert_eq((uint64_t)c.nevents, r.steps, "%s", all_progs[p].name);
      cr_assert_gt(c.nevents, 0);
      sim_result_free(&r);
    }
}

Test(litmus, same_seed_same_trace_hash) {
  start(SIM_MAX_THREADS);
  for (size_t p = 0; p < sizeof all_progs / sizeof all_progs[0]; p++) {
    litmus_model m;
    build(&m, all_progs[p].name, all_progs[p].n);
    uint64_t h[8];
    int distinct = 0;
    for (int seed = 0; seed < 8; seed++) {
      sim_result a, b;
      run(&m, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &a);
      run(&m, SIM_POLICY_RANDOM, (uint64_t)seed, NULL, &b);
      cr_assert_eq(a.trace_hash, b.trace_hash, "%s seed %d", all_progs[p].name,
                   seed);
      cr_assert_eq(a.state_hash, b.state_hash);
      cr_assert_eq(a.nsched, b.nsched);
      cr_assert_eq(memcmp(a.sched, b.sched, a.nsched), 0);
      h[seed] = a.trace_hash;
      int seen = 0;
      for (int i = 0; i < seed; i++)
        seen |= h[i] == h[seed];
      distinct += !seen;
      sim_result_free(&a);
      sim_result_free(&b);
    }
    cr_assert_gt(distinct, 1, "%s: every seed gave the same trace",
                 all_progs[p].name);
  }
}

/* ------------------------------------------------------ the end checks */

/* The last thread to finish corrupts the state in its last action, so that
   litmus_ops.at_end sees it. */
static struct {
  int done;
  void (*corrupt)(litmus_model *m);
} hook;

static void hooked_reset(void *model) {
  hook.done = 0;
  litmus_ops.reset(model);
}
static void hooked_main(void *model, sim_thread *t, int tid) {
  litmus_ops.thread_main(model, t, tid);
  if (++hook.done == litmus_nthreads(model))
    hook.corrupt(model);
}

static void extra_message(litmus_model *m) {
  m->table[5] = 99;
}
static void lost_message(litmus_model *m) {
  m->table[77] = 0; /* thread 0's first message, 11 */
}
static void a0_written(litmus_model *m) {
  m->a[0] = 4;
}
static void a3_wrong(litmus_model *m) {
  m->a[3] = 9;
}
static void bad_stop(litmus_model *m) {
  m->lastzero_i = 7;
}
static void shared_block(litmus_model *m) {
  m->inode[1] = m->inode[0];
}
static void no_block(litmus_model *m) {
  m->inode[2] = 0;
}
static void stray_busy(litmus_model *m) {
  m->busy[25] = 1;
}
static void extra_increment(litmus_model *m) {
  m->x = 5;
}

Test(litmus, end_checks_report_corrupted_state) {
  static const struct {
    const char *name;
    int n;
    void (*corrupt)(litmus_model *m);
    const char *kind, *msg;
    int nobjs;
    sim_oid obj;
  } cases[] = {
      {"indexer", 2, extra_message, "lost-message",
       "table[5] = 99, more often than it was inserted", 1, 5},
      {"indexer", 2, lost_message, "lost-message",
       "message 11 missing 1 time(s) from the table", 0, 0},
      {"lastzero", 3, a0_written, "invariant", "a[0] = 4, expected 0", 1, 0},
      {"lastzero", 3, a3_wrong, "invariant",
       "a[3] = 9, expected 1 or a[2] + 1 = 3", 1, 3},
      {"lastzero", 3, bad_stop, "invariant", "thread 0 stopped at i = 7", 0, 0},
      {"filesystem", 3, shared_block, "invariant",
       "inode[0] and inode[1] both own block 0", 2, 4},
      {"filesystem", 3, no_block, "invariant", "inode[2] = 0, expected 1..26",
       1, 5},
      {"filesystem", 3, stray_busy, "invariant",
       "busy[25] = 1 but no inode owns it", 1, 6 + 26 + 25},
      {"counter", 2, extra_increment, "lost-update", "x = 5 after 2 increments",
       1, 1},
  };
  start(4);
  sim_model_ops ops = litmus_ops;
  ops.reset = hooked_reset;
  ops.thread_main = hooked_main;
  ops_override = &ops;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    litmus_model m;
    build(&m, cases[i].name, cases[i].n);
    hook.corrupt = cases[i].corrupt;
    sim_result r;
    /* no schedule: the lowest enabled thread runs, threads in order */
    run(&m, SIM_POLICY_REPLAY, 0, NULL, &r);
    cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", cases[i].msg);
    cr_assert_str_eq(r.kind, cases[i].kind);
    /* raised by id, from the litmus table */
    cr_assert_geq(r.kind_id, SIM_KIND_MODEL);
    cr_assert_eq(&litmus_kinds[r.kind_id - SIM_KIND_MODEL],
                 sim_kind_get(&litmus_ops, r.kind_id));
    cr_assert_eq(sim_kind_find(&litmus_ops, r.kind), r.kind_id);
    cr_assert_str_eq(r.msg, cases[i].msg);
    cr_assert_eq(r.nviol_objs, cases[i].nobjs, "%s", cases[i].msg);
    if (cases[i].nobjs)
      cr_assert_eq(r.viol_objs[cases[i].nobjs - 1], cases[i].obj, "%s",
                   cases[i].msg);
    sim_result_free(&r);
  }
  ops_override = NULL;
}
