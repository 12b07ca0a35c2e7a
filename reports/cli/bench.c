/*
** bench.c - `mmsim bench`: throughput figures, printed, never asserted.
**
**   gate       one long execution of a synthetic two-thread program (each
**              step writes a private counter; every 8th step takes and drops
**              a shared lock): gated steps/s without logging, timed and
**              random policies;
**   log        a quarter of it (steps/4, timed) without, then with, the
**              log, nine times alternated: steps/s, events and flows,
**              the CPU of each thread, and the median of the nine pairs'
**              ratios (wall and CPU, the writer's and the checkpointer's
**              threads included);
**   scenario   many short executions of a bundled MM scenario under the
**              random policy, on the engine's worker actors
**              (sim_run_driver): executions/s, steps/s, violations seen;
**   explore    DPOR executions/s, 3 CPUs, naive/DPOR ratio, memory;
**   certify    every bundled scenario's certificate per variant
**              (executions, time, verdict), as `mmsim explore` gives it.
**
** Wall-clock time (sim/wallclock.h) is a figure here, not a result, and
** appears in no log.  The bundled scenarios are read relative to the
** current directory: run it from the repository root.
*/
#include <assert.h>
#include <getopt.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "models/mm.h"
#include "models/model.h"
#include "models/scenario.h"
#include "reports/cli/campaign.h"
#include "reports/cli/cli.h"
#include "reports/log.h"
#include "sim/explore.h"
#include "sim/sched.h"
#include "sim/wallclock.h"

/* ------------------------------------------------- synthetic program */

struct synth {
  uint64_t steps_per_thread;
  uint64_t counter[2];
};

static void synth_reset(void *m) {
  struct synth *s = m;
  s->counter[0] = s->counter[1] = 0;
}
static void synth_main(void *m, sim_thread *t, int tid) {
  struct synth *s = m;
  sim_enter(t, "synth");
  for (uint64_t i = 0; i < s->steps_per_thread; i++) {
    if (i % 8 == 0)
      SIM_STEP(t, "lock", 20, SIM_LOCK(2));
    else if (i % 8 == 1)
      SIM_STEP(t, "unlock", 20, SIM_UNLOCK(2));
    else
      SIM_STEP(t, "inc", 10, SIM_WR((sim_oid)tid), SIM_RD(3));
    s->counter[tid]++;
  }
  sim_leave(t);
}
static void synth_name(void *m, sim_oid o, char *b, size_t n) {
  (void)m;
  snprintf(b, n, o == 2 ? "lock" : "var%u", o);
}
static const sim_model_ops synth_ops = {
    .reset = synth_reset, .thread_main = synth_main, .obj_name = synth_name};
static const sim_thread_cfg synth_threads[2] = {{"cpu0", 0}, {"cpu1", 1}};

/* Counts events and flows on the way to the log. */
struct counter {
  const sim_observer *inner;
  uint64_t events, flows;
};
static void count_event(void *arg, const sim_event *e) {
  struct counter *c = arg;
  c->events++;
  c->inner->event(c->inner->arg, e);
}
static void count_flow(void *arg, uint64_t f, uint64_t t, enum sim_flow_kind k,
                       sim_oid o) {
  struct counter *c = arg;
  c->flows++;
  c->inner->flow(c->inner->arg, f, t, k, o);
}

/* The rows the log holds: events are packed 64 to a row, with the flows
   into them (schema 7). */
static uint64_t log_rows(const char *path) {
  sqlite3 *db;
  sqlite3_stmt *st;
  uint64_t n = 0;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, "SELECT count(*) FROM event_batch", -1, &st,
                         NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW)
      n = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return n;
}

/* Process CPU seconds, every thread (the log's writer thread included). */
static double cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* This thread's CPU seconds (the simulation's, without the writer's). */
static double thread_cpu_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* What one synth_run took. */
struct synth_time {
  uint64_t steps, events, flows;
  double wall, cpu, sim_cpu; /* seconds; sim_cpu: this thread's */
};

static struct synth_time synth_run(uint64_t steps, enum sim_policy pol,
                                   rlog *log, int print) {
  struct synth s = {.steps_per_thread = steps / 2};
  sim_sched ss;
  struct counter cnt = {0};
  sim_observer ob = {&cnt, count_event, count_flow};
  sim_exec_cfg cfg = {.ops = &synth_ops,
                      .model = &s,
                      .nthreads = 2,
                      .threads = synth_threads,
                      .nobjs = 4,
                      .chooser = sim_sched_init(&ss, pol, 1, NULL, 0)};
  int64_t run = -1;
  if (log) {
    const char *names[2] = {"cpu0", "cpu1"};
    int cpus[2] = {0, 1};
    rlog_run_info ri = {.mode = "bench",
                        .scenario_path = "(synthetic)",
                        .title = "bench",
                        .variant = "-",
                        .knobs = "",
                        .policy = sim_policy_name(pol),
                        .seed = 1,
                        .ncpus = 2,
                        .nthreads = 2,
                        .thread_names = names,
                        .thread_cpus = cpus,
                        .expect = "clean"};
    run = rlog_run_begin(log, &ri);
    rlog_exec_begin(log, run, synth_name, NULL);
    cnt.inner = rlog_observer(log);
    cfg.observer = &ob;
  }
  sim_result r;
  double t0 = sim_wall_seconds(), c0 = cpu_seconds(), s0 = thread_cpu_seconds();
  sim_exec_run(&cfg, &r);
  if (log)
    rlog_exec_end(log, &r, NULL, NULL); /* waits for the rows' COMMIT */
  struct synth_time t = {r.steps,
                         cnt.events,
                         cnt.flows,
                         sim_wall_seconds() - t0,
                         cpu_seconds() - c0,
                         thread_cpu_seconds() - s0};
  if (print && log)
    printf("log:      %llu steps, %llu events and %llu flows in %.3f s: "
           "%.0f steps/s, %.0f events/s (SQLite, WAL), %.3f s CPU "
           "(%.3f s the simulation's thread, %.3f s the writer's and the "
           "checkpointer's)\n",
           (unsigned long long)t.steps, (unsigned long long)t.events,
           (unsigned long long)t.flows, t.wall, (double)t.steps / t.wall,
           (double)t.events / t.wall, t.cpu, t.sim_cpu, t.cpu - t.sim_cpu);
  else if (print)
    printf("gate:     %llu steps (%s) in %.3f s: %.0f steps/s, %.3f s CPU\n",
           (unsigned long long)t.steps, sim_policy_name(pol), t.wall,
           (double)t.steps / t.wall, t.cpu);
  sim_result_free(&r);
  return t;
}

/* The median of 'n' values (sorts them). */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}
static double median(double *v, int n) {
  assert(n > 0 && n % 2);
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return v[n / 2];
}

/* The cost of the log: the same execution (synthetic program, timed
   policy, 'steps' steps) without and with logging, into a fresh log,
   PAIRS times alternated.  The ratio printed is the median of the pairs'
   ratios: on 2 shared cores one run differs by a third from the next,
   and a pair's two runs see the same load more often than two medians
   do. */
static void log_ratio(uint64_t steps) {
  char path[] = "/tmp/mmsim-bench-XXXXXX", err[256];
  int fd = mkstemp(path);
  if (fd < 0)
    return;
  close(fd);
  unlink(path);
  /* a first execution pays for the actors' creation: not measured */
  synth_run(steps < 20000 ? steps : 20000, SIM_POLICY_TIMED, NULL, 0);
  rlog *log = rlog_open(path, err, sizeof err);
  if (log) {
    enum { PAIRS = 9 };
    double offw[PAIRS], onw[PAIRS], wratio[PAIRS], cratio[PAIRS];
    uint64_t steps_on = 0;
    for (int i = 0; i < PAIRS; i++) {
      struct synth_time off = synth_run(steps, SIM_POLICY_TIMED, NULL, 1);
      struct synth_time on = synth_run(steps, SIM_POLICY_TIMED, log, 1);
      offw[i] = off.wall, onw[i] = on.wall;
      wratio[i] = on.wall / off.wall;
      cratio[i] = on.cpu / off.cpu;
      steps_on += on.steps;
    }
    unsigned ckpts = rlog_checkpoints(log);
    rlog_close(log);
    double lo = wratio[0], hi = wratio[0];
    for (int i = 1; i < PAIRS; i++) {
      lo = wratio[i] < lo ? wratio[i] : lo;
      hi = wratio[i] > hi ? wratio[i] : hi;
    }
    printf("log:      cost of logging every event, same %llu timed steps "
           "(median of %d pairs): %.2fx the time without (pairs %.2fx to "
           "%.2fx; %.0f vs %.0f steps/s), %.2fx the CPU; %.3f rows per "
           "step, %u checkpoints beside the writer\n",
           (unsigned long long)steps, PAIRS, median(wratio, PAIRS), lo, hi,
           (double)steps / median(onw, PAIRS),
           (double)steps / median(offw, PAIRS), median(cratio, PAIRS),
           (double)log_rows(path) / (double)steps_on, ckpts);
  } else {
    fprintf(stderr, "mmsim bench: %s\n", err);
  }
  char side[64];
  unlink(path);
  snprintf(side, sizeof side, "%s-wal", path);
  unlink(side);
  snprintf(side, sizeof side, "%s-shm", path);
  unlink(side);
}

/* Resident set size in KiB, from /proc (Linux). */
static long rss_kib(void) {
  long pages = 0, rss = 0;
  FILE *f = fopen("/proc/self/statm", "r");
  if (f) {
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
      rss = 0;
    fclose(f);
  }
  return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The executions of scenario_run(), inside a driver (worker actors). */
struct scenario_execs {
  const cli_scenario *l;
  uint64_t execs, steps, viol;
  long rss_warm; /* resident KiB after the first tenth (the warm-up:
                    stacks, caches and the heap at their working size) */
};

static void scenario_execs_run(void *arg) {
  struct scenario_execs *e = arg;
  for (uint64_t i = 0; i < e->execs; i++) {
    if (i == e->execs / 10)
      e->rss_warm = rss_kib();
    sim_sched ss;
    sim_exec_cfg cfg = model_exec_cfg(&e->l->b);
    cfg.chooser = sim_sched_init(&ss, SIM_POLICY_RANDOM, i, NULL, 0);
    sim_result r;
    sim_exec_run(&cfg, &r);
    e->steps += r.steps;
    e->viol += r.outcome == SIM_VIOLATION;
    sim_result_free(&r);
  }
}

static void scenario_run(const char *path, uint64_t execs) {
  cli_scenario *l = cli_load(path, NULL, CLI_NO_ENGINE);
  if (!l)
    return;
  struct scenario_execs e = {.l = l, .execs = execs};
  double t0 = sim_wall_seconds();
  sim_run_driver(scenario_execs_run, &e);
  double dt = sim_wall_seconds() - t0;
  printf("scenario: %s: %llu random executions in %.3f s: %.0f executions/s, "
         "%.0f steps/s, %llu violating\n",
         path, (unsigned long long)execs, dt, (double)execs / dt,
         (double)e.steps / dt, (unsigned long long)e.viol);
  /* the long-run memory check: what the other nine tenths added */
  long rss = rss_kib();
  printf("scenario: memory: rss %ld KiB after %llu executions, %ld KiB after "
         "%llu: %+ld KiB (%+.3f KiB per 1000 executions)\n",
         e.rss_warm, (unsigned long long)(execs / 10), rss,
         (unsigned long long)execs, rss - e.rss_warm,
         execs - execs / 10 ? 1000.0 * (double)(rss - e.rss_warm) /
                                  (double)(execs - execs / 10)
                            : 0.0);
  cli_unload(l);
}

/* One exploration of a scenario (file or text) with a strategy. */
static void explore_run(const char *label, const char *path, const char *text,
                        const char *variant, const char *strategy, uint64_t cap,
                        exp_stats *st) {
  char err[512];
  cli_scenario *l = path ? cli_load(path, variant, CLI_ENGINE)
                         : cli_load_text("bench", text, variant, CLI_ENGINE);
  if (!l)
    return;
  sim_exec_cfg base = model_exec_cfg(&l->b);
  base.loop_bound = 3;
  exp_cfg cfg = {.max_execs = cap};
  exp_strategy_parse(strategy, &cfg, err, sizeof err);
  long rss0 = rss_kib();
  double t0 = sim_wall_seconds();
  int rc = sim_explore(&base, &cfg, st, err, sizeof err);
  cli_unload(l);
  if (rc) {
    fprintf(stderr, "%s\n", err);
    return;
  }
  double dt = sim_wall_seconds() - t0;
  uint64_t n = st->execs + st->pruned;
  printf("explore:  %-34s %-6s %-6s %8llu executions%s in %.2f s: %.0f "
         "executions/s, %.0f steps/s, rss %+ld KiB\n",
         label, variant ? variant : "", strategy, (unsigned long long)n,
         st->complete ? " (complete)" : "", dt, (double)n / dt,
         (double)st->steps / dt, rss_kib() - rss0);
}

/* Certificates: every bundled scenario on each of its variants, explored
   as `mmsim explore` does (stateful, a loop bound only where the state
   space is infinite), capped at 'cap' executions per variant; figures for
   the README's table.  "runs" counts every execution started: complete
   ones, those stopped at a visited state or asleep, and those a later
   pass ran again. */
static void certify_all(uint64_t cap) {
  glob_t g;
  if (glob("scenarios/*.scn", 0, NULL, &g))
    return;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    campaign c;
    camp_opts o = {.path = g.gl_pathv[i],
                   .strategy = "stateful",
                   .jobs = 1,
                   .loop_bound = CAMP_LOOP_BOUND_AUTO,
                   .cfg = {.strategy = EXP_STATEFUL, .max_execs = cap}};
    if (campaign_run(&c, &o) == 0)
      for (int v = 0; v < c.nres; v++) {
        const camp_variant *r = &c.res[v];
        const exp_stats *st = &r->st;
        printf("certify:  %-26s %-6s %6llu executions, %7llu runs (%llu cut, "
               "%llu at a visited state), %7llu states, %d pass%s, in %.2f "
               "s: %s\n",
               g.gl_pathv[i] + strlen("scenarios/"), r->variant,
               (unsigned long long)st->execs,
               (unsigned long long)(st->execs + st->pruned + st->reruns),
               (unsigned long long)r->cut, (unsigned long long)st->cached,
               (unsigned long long)st->states, st->passes,
               st->passes == 1 ? "" : "es", r->seconds, r->verdict);
      }
    campaign_free(&c);
  }
  globfree(&g);
}

enum { PART_GATE, PART_LOG, PART_SCENARIO, PART_EXPLORE, PART_CERTIFY, NPARTS };
static const char *const part_names[NPARTS] = {"gate", "log", "scenario",
                                               "explore", "certify"};

static int cmd_bench(int argc, char **argv) {
  static const struct option lo[] = {{"steps", required_argument, 0, 's'},
                                     {"execs", required_argument, 0, 'e'},
                                     {"scenario", required_argument, 0, 'f'},
                                     {"parts", required_argument, 0, 'p'},
                                     {"cap", required_argument, 0, 'c'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  uint64_t steps = 2000000, execs = 20000, cap = 200000;
  unsigned parts = (1u << NPARTS) - 1;
  const char *scn = "scenarios/fault-invalidate.scn";
  int ch;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
    switch (ch) {
    case 's':
      if (cli_u64(optarg, &steps) || steps < 2)
        return cli_usage("bench", "--steps expects a number >= 2");
      break;
    case 'e':
      if (cli_u64(optarg, &execs) || !execs)
        return cli_usage("bench", "--execs expects a number >= 1");
      break;
    case 'f':
      scn = optarg;
      break;
    case 'p':
      parts = 0;
      for (const char *q = optarg; *q; q += *q == ',') {
        size_t n = strcspn(q, ",");
        int k = 0;
        while (k < NPARTS &&
               (strlen(part_names[k]) != n || strncmp(part_names[k], q, n)))
          k++;
        if (k == NPARTS)
          return cli_usage("bench", "--parts expects a list of gate, log, "
                                    "scenario, explore, certify");
        parts |= 1u << k;
        q += n;
      }
      break;
    case 'c':
      if (cli_u64(optarg, &cap) || !cap)
        return cli_usage("bench", "--cap expects a number >= 1");
      break;
    case 'h':
      return cli_help(&cli_bench);
    default:
      return cli_bad_option("bench", ch, argv, lo);
    }
  }
  if (optind != argc)
    return cli_usage("bench", "unexpected argument '%s'", argv[optind]);
  static const char *const needed[] = {"scenarios/fault-invalidate.scn",
                                       "scenarios/fault-invalidate-3cpu.scn"};
  for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
    if (access(needed[i], R_OK))
      return cli_usage("bench",
                       "cannot read %s: run it from the repository "
                       "root",
                       needed[i]);
  if (access(scn, R_OK))
    return cli_usage("bench", "cannot read --scenario %s", scn);
  char err[256];
  /* one platform for every part: as many CPUs as threads can be */
  if (sim_init(SIM_MAX_THREADS, err, sizeof err)) {
    fprintf(stderr, "mmsim bench: %s\n", err);
    return 2;
  }
  if (parts & 1u << PART_GATE) {
    synth_run(steps, SIM_POLICY_TIMED, NULL, 1);
    synth_run(steps, SIM_POLICY_RANDOM, NULL, 1);
  }
  if (parts & 1u << PART_LOG)
    log_ratio(steps / 4);
  if (parts & 1u << PART_SCENARIO)
    scenario_run(scn, execs);
  if (parts & 1u << PART_CERTIFY)
    certify_all(cap);
  if (!(parts & 1u << PART_EXPLORE))
    return 0;

  exp_stats a = {0}, b = {0};
  explore_run("fault-invalidate.scn", "scenarios/fault-invalidate.scn", NULL,
              "2.6.20", "dpor", 0, &a);
  explore_run("fault-invalidate.scn", "scenarios/fault-invalidate.scn", NULL,
              "2.6.23", "dpor", 0, &a);
  explore_run("fault-invalidate-3cpu.scn (3 CPUs)",
              "scenarios/fault-invalidate-3cpu.scn", NULL, "2.6.23", "dpor",
              execs, &a);
  static const char small[] =
      "scenario \"load vs truncate\"\nkernel 2.6.20\ncpus 2\n"
      "file data size=4K cached=0\nmm p1\n"
      "map p1 data at 0x10000 pages=1 shared rw mapped\n"
      "cpu0: p1 load 0x10000\ncpu1: truncate data 0\nexpect clean\n";
  explore_run("load vs truncate (2 CPUs)", NULL, small, "2.6.20", "naive", 0,
              &a);
  explore_run("load vs truncate (2 CPUs)", NULL, small, "2.6.20", "dpor", 0,
              &b);
  printf("explore:  naive/dpor executions on load vs truncate: %llu/%llu = "
         "%.0fx\n",
         (unsigned long long)a.execs, (unsigned long long)b.execs,
         b.execs ? (double)a.execs / (double)b.execs : 0.0);
  static const char lz[] =
      "scenario \"lastzero\"\nlitmus lastzero 5\nexpect clean\n";
  explore_run("litmus lastzero 5", NULL, lz, NULL, "dpor", 0, &a);
  explore_run("fault-invalidate.scn, 1M random",
              "scenarios/fault-invalidate.scn", NULL, "2.6.20",
              "random:1000000", execs * 10, &a);
  return 0;
}

const cli_command cli_bench = {
    "bench", cmd_bench, "", "measure steps/s, rows/s and executions/s",
    "usage: mmsim bench [--steps N] [--execs N] [--scenario F] [--cap N]\n"
    "                   [--parts gate,log,scenario,explore,certify]\n"
    "\n"
    "Prints gated steps/s (no logging), logging steps/s and rows/s and\n"
    "the cost of logging (the same execution with and without the log),\n"
    "executions/s of a bundled scenario under the random policy, and\n"
    "exploration figures (DPOR executions/s, naive/DPOR ratio, memory),\n"
    "and the certificate of every bundled scenario on each of its variants\n"
    "(executions, time, verdict; at most --cap executions, default 200000).\n"
    "Figures only: nothing is asserted, wall time reaches no log.\n"};
