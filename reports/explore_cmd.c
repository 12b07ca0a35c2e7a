/*
** explore_cmd.c - `mmsim explore`: explores a scenario's interleavings on
** one or more kernel variants and prints one table, the minimal
** counterexample of each violation kind with the command that replays it,
** and a certificate ("all N traces clean") where the search was complete.
**
** Per variant, every explored execution gets one `execution` row in the
** log (schedule, outcome, trace hash); the minimal counterexample of each
** kind is then re-run with full event logging, so that `mmsim render`
** can draw it.  Minimal means fewest preemptions, then fewest steps.
**
** With --jobs N the search is split among N forked workers (see
** exp_cfg.njobs); each sends its counts, final states and counterexamples
** back through a pipe and the parent merges them.  Workers write no
** per-execution rows.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reports/cli.h"
#include "reports/log.h"
#include "sim/explore.h"
#include "sim/hash.h"
#include "sim/sched.h"
#include "sim/wallclock.h"

#define MAX_KINDS 8
#define MAX_VARIANTS 4

static volatile sig_atomic_t interrupted;
static void on_sigint(int sig) {
  (void)sig;
  interrupted = 1;
}

/* An open-addressing set of 64-bit hashes (0 is never stored as such). */
typedef struct hset {
  uint64_t *v;
  size_t cap, n;
} hset;

static void hset_add(hset *s, uint64_t h) {
  h |= 1; /* keep 0 free as the empty mark */
  if (2 * (s->n + 1) > s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 1024;
    uint64_t *v = calloc(cap, sizeof *v);
    if (!v)
      return;
    for (size_t i = 0; i < s->cap; i++)
      if (s->v[i]) {
        size_t j = (size_t)sim_hash_of(s->v[i]) & (cap - 1);
        while (v[j])
          j = (j + 1) & (cap - 1);
        v[j] = s->v[i];
      }
    free(s->v);
    s->v = v;
    s->cap = cap;
  }
  size_t j = (size_t)sim_hash_of(h) & (s->cap - 1);
  while (s->v[j] && s->v[j] != h)
    j = (j + 1) & (s->cap - 1);
  if (!s->v[j]) {
    s->v[j] = h;
    s->n++;
  }
}

struct kind {
  char name[48];
  uint64_t count;
  int pre; /* minimal counterexample: preemptions */
  uint64_t steps;
  char *sched; /* its schedule string */
};

struct result {
  char variant[16];
  exp_stats st;
  uint64_t clean, cut, step_limit;
  hset states, traces;
  struct kind kinds[MAX_KINDS];
  int nkinds;
  double seconds;
  int expect_met;
  char verdict[160];
};

struct run {
  model_binding *b;
  const sim_exec_cfg *base; /* for --log-all replays */
  int log_all;
  double deadline; /* --max-time, 0: none */
  uint64_t of;     /* sampled strategies: executions planned */
  struct result *res;
  rlog *log;
  int64_t run_id;
  int traces;
  int progress;
  double t0, last;
  const char *variant;
};

static void add_kind(struct result *res, const char *name, uint64_t count,
                     int pre, uint64_t steps, const char *sched) {
  struct kind *k = NULL;
  for (int i = 0; i < res->nkinds; i++)
    if (!strcmp(res->kinds[i].name, name))
      k = &res->kinds[i];
  if (!k) {
    if (res->nkinds == MAX_KINDS)
      return;
    k = &res->kinds[res->nkinds++];
    snprintf(k->name, sizeof k->name, "%s", name);
    k->pre = -1;
  }
  k->count += count;
  if (sched &&
      (k->pre < 0 || pre < k->pre || (pre == k->pre && steps < k->steps) ||
       (pre == k->pre && steps == k->steps && strcmp(sched, k->sched) < 0))) {
    free(k->sched);
    k->sched = strdup(sched);
    k->pre = pre;
    k->steps = steps;
  }
}

static void on_exec(void *arg, const exp_exec *x) {
  struct run *u = arg;
  struct result *res = u->res;
  const sim_result *r = x->r;
  char *sched = NULL;
  switch (r->outcome) {
  case SIM_CLEAN:
    res->clean++;
    hset_add(&res->states, r->state_hash);
    break;
  case SIM_VIOLATION:
    sched = sim_sched_format(r->sched, r->nsched);
    add_kind(res, r->kind, 1, x->preemptions, r->steps, sched);
    hset_add(&res->states, r->state_hash ^ 0x5bd1e995u);
    break;
  case SIM_BOUNDED:
    res->cut++;
    break;
  case SIM_STEP_LIMIT:
    res->step_limit++;
    break;
  case SIM_PRUNED:
    break;
  }
  if (u->traces && r->outcome != SIM_BOUNDED)
    hset_add(&res->traces, x->trace_id);
  if (u->log) {
    if (!sched)
      sched = sim_sched_format(r->sched, r->nsched);
    rlog_exec_begin(u->log, u->run_id, cli_namer, u->b);
    if (u->log_all && r->outcome != SIM_PRUNED) {
      /* --log-all: the same execution again, with every event logged */
      sim_sched ss;
      sim_exec_cfg c = *u->base;
      c.chooser =
          sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, r->sched, r->nsched);
      c.observer = rlog_observer(u->log);
      sim_result r2;
      if (!sim_exec_run(&c, &r2)) {
        rlog_exec_end(u->log, &r2, sched, NULL);
        sim_result_free(&r2);
      }
    } else {
      rlog_exec_end(u->log, r, sched, NULL);
    }
  }
  free(sched);
  if (u->deadline > 0 && (x->ordinal & 63) == 0 &&
      sim_wall_seconds() > u->deadline)
    interrupted = 2; /* --max-time: stop like Ctrl-C, say why */
  if (u->progress && (x->ordinal & 255) == 0) {
    double t = sim_wall_seconds();
    if (t - u->last >= 0.25) {
      u->last = t;
      uint64_t v = 0;
      for (int i = 0; i < res->nkinds; i++)
        v += res->kinds[i].count;
      char of[48] = "";
      if (u->of)
        snprintf(of, sizeof of, " of %llu, %.0f s left",
                 (unsigned long long)u->of,
                 (double)(u->of - x->ordinal) * (t - u->t0) / x->ordinal);
      fprintf(stderr,
              "\r[%s] executions %llu%s (%.0f/s), cut %llu, violations %llu  ",
              u->variant, (unsigned long long)x->ordinal, of,
              (double)x->ordinal / (t - u->t0), (unsigned long long)res->cut,
              (unsigned long long)v);
    }
  }
}

/* ------------------------------------------------------------ workers */

/* A worker's result, as text lines: counts, then states, traces, kinds. */
static void send_result(FILE *f, const struct result *r) {
  fprintf(f, "S %llu %llu %llu %d %d %llu %llu %llu\n",
          (unsigned long long)r->st.execs, (unsigned long long)r->st.pruned,
          (unsigned long long)r->st.steps, r->st.complete, r->st.max_depth,
          (unsigned long long)r->clean, (unsigned long long)r->cut,
          (unsigned long long)r->step_limit);
  for (size_t i = 0; i < r->states.cap; i++)
    if (r->states.v[i])
      fprintf(f, "H %llu\n", (unsigned long long)r->states.v[i]);
  for (size_t i = 0; i < r->traces.cap; i++)
    if (r->traces.v[i])
      fprintf(f, "T %llu\n", (unsigned long long)r->traces.v[i]);
  for (int i = 0; i < r->nkinds; i++)
    fprintf(f, "K %s %llu %d %llu %s\n", r->kinds[i].name,
            (unsigned long long)r->kinds[i].count, r->kinds[i].pre,
            (unsigned long long)r->kinds[i].steps, r->kinds[i].sched);
  fprintf(f, "E\n");
}

static int merge_result(FILE *f, struct result *r, int *complete) {
  char line[8192];
  int got_end = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long long a, b, c, d, e, g;
    int cm, md, pre;
    char name[48], sched[8000];
    if (sscanf(line, "S %llu %llu %llu %d %d %llu %llu %llu", &a, &b, &c, &cm,
               &md, &d, &e, &g) == 8) {
      r->st.execs += a;
      r->st.pruned += b;
      r->st.steps += c;
      *complete &= cm;
      if (md > r->st.max_depth)
        r->st.max_depth = md;
      r->clean += d;
      r->cut += e;
      r->step_limit += g;
    } else if (sscanf(line, "H %llu", &a) == 1) {
      hset_add(&r->states, a);
    } else if (sscanf(line, "T %llu", &a) == 1) {
      hset_add(&r->traces, a);
    } else if (sscanf(line, "K %47s %llu %d %llu %7999s", name, &a, &pre, &b,
                      sched) == 5) {
      add_kind(r, name, a, pre, b, sched);
    } else if (line[0] == 'E') {
      got_end = 1;
    }
  }
  return got_end ? 0 : -1;
}

/* ------------------------------------------------------------ explore */

struct xopts {
  const char *scn;
  exp_cfg cfg;
  char strategy[48];
  const char *variants[MAX_VARIANTS];
  int nvariants;
  int jobs;
  int loop_bound;
  uint64_t max_steps;
  const char *db;
  int no_log;
  const char *schedule_dir;
  int quiet;
  int log_all;
  double max_time;
};

static int explore_variant(const struct xopts *o, const scenario *scn,
                           const char *variant, struct result *res, rlog *log,
                           int64_t *run_id) {
  static model_binding b;
  char err[512];
  if (model_bind(&b, scn, variant, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  if (sim_init(b.ncpus, err, sizeof err)) {
    fprintf(stderr, "mmsim: %s\n", err);
    return 2;
  }
  snprintf(res->variant, sizeof res->variant, "%s",
           b.variant[0] ? b.variant : "litmus");
  sim_exec_cfg base = model_exec_cfg(&b);
  base.loop_bound = o->loop_bound;
  base.max_steps = o->max_steps;
  struct run u = {
      .b = &b,
      .base = &base,
      .log_all = o->log_all,
      .deadline = o->max_time > 0 ? sim_wall_seconds() + o->max_time : 0,
      .of = o->cfg.strategy == EXP_PCT || o->cfg.strategy == EXP_RANDOM
                ? o->cfg.count
                : 0,
      .res = res,
      .traces = o->cfg.traces,
      .progress = !o->quiet && isatty(2),
      .t0 = sim_wall_seconds(),
      .variant = res->variant};
  exp_cfg cfg = o->cfg;
  cfg.stop = &interrupted;
  cfg.on_exec = on_exec;
  cfg.arg = &u;
  double t0 = sim_wall_seconds();

  if (log && o->jobs <= 1) {
    char expect[64];
    model_expect_text(&b, expect, sizeof expect);
    const char *names[SIM_MAX_THREADS];
    int cpus[SIM_MAX_THREADS];
    for (int i = 0; i < b.nthreads; i++) {
      names[i] = b.threads[i].name;
      cpus[i] = b.threads[i].cpu;
    }
    rlog_run_info ri = {.mode = "explore",
                        .scenario_path = o->scn,
                        .title = scn->title,
                        .variant = res->variant,
                        .knobs = b.knobs,
                        .policy = o->strategy,
                        .seed = o->cfg.seed,
                        .ncpus = b.ncpus,
                        .nthreads = b.nthreads,
                        .thread_names = names,
                        .thread_cpus = cpus,
                        .expect = expect};
    *run_id = rlog_run_begin(log, &ri);
    u.log = log;
    u.run_id = *run_id;
  }

  if (o->jobs <= 1) {
    if (sim_explore(&base, &cfg, &res->st, err, sizeof err)) {
      fprintf(stderr, "mmsim explore: %s\n", err);
      return 2;
    }
  } else {
    FILE *pipes[64];
    pid_t pids[64];
    int complete = 1;
    fflush(NULL);
    for (int j = 0; j < o->jobs; j++) {
      int fd[2];
      if (pipe(fd)) {
        fprintf(stderr, "mmsim explore: pipe: %s\n", strerror(errno));
        return 2;
      }
      pids[j] = fork();
      if (pids[j] == 0) {
        close(fd[0]);
        cfg.njobs = o->jobs;
        cfg.job = j;
        u.progress = 0;
        int rc = sim_explore(&base, &cfg, &res->st, err, sizeof err);
        FILE *f = fdopen(fd[1], "w");
        if (!rc)
          send_result(f, res);
        fclose(f);
        _exit(rc ? 2 : 0);
      }
      close(fd[1]);
      pipes[j] = fdopen(fd[0], "r");
    }
    struct result merged = {0};
    memcpy(merged.variant, res->variant, sizeof merged.variant);
    int failed = 0;
    for (int j = 0; j < o->jobs; j++) {
      failed |= merge_result(pipes[j], &merged, &complete) != 0;
      fclose(pipes[j]);
      int st;
      waitpid(pids[j], &st, 0);
      failed |= !WIFEXITED(st) || WEXITSTATUS(st);
    }
    if (failed) {
      fprintf(stderr, "mmsim explore: a worker failed\n");
      return 2;
    }
    merged.st.complete = complete;
    *res = merged;
  }
  res->seconds = sim_wall_seconds() - t0;
  if (u.progress)
    fprintf(stderr, "\r%*s\r", 78, "");

  /* the verdict against the scenario's expectation for this variant */
  uint64_t nviol = 0;
  for (int i = 0; i < res->nkinds; i++)
    nviol += res->kinds[i].count;
  int complete = res->st.complete && !interrupted;
  if (b.expect.violation) {
    int found = 0;
    for (int i = 0; i < res->nkinds; i++)
      found |= !strcmp(res->kinds[i].name, b.expect.kind);
    res->expect_met = found;
    snprintf(res->verdict, sizeof res->verdict, "%s %s (expected)",
             found ? "found" : "NOT found", b.expect.kind);
  } else if (nviol) {
    res->expect_met = 0;
    snprintf(res->verdict, sizeof res->verdict, "VIOLATED (expected clean)");
  } else if (complete && exp_strategy_certifies(&cfg)) {
    res->expect_met = 1;
    if (res->cut)
      snprintf(res->verdict, sizeof res->verdict,
               "all %llu traces clean up to loop bound %d",
               (unsigned long long)(res->st.execs - res->cut), o->loop_bound);
    else
      snprintf(res->verdict, sizeof res->verdict, "all %llu traces clean",
               (unsigned long long)res->st.execs);
  } else {
    /* sampling meets 'clean' as far as it can; a search cut short by a
       cap or Ctrl-C does not */
    res->expect_met = !exp_strategy_certifies(&cfg);
    snprintf(res->verdict, sizeof res->verdict,
             "no violation in %llu executions (not exhaustive)",
             (unsigned long long)res->st.execs);
  }

  /* re-run each minimal counterexample with full logging */
  for (int i = 0; i < res->nkinds && log; i++) {
    struct kind *k = &res->kinds[i];
    uint8_t *seq;
    size_t n;
    int col;
    if (!k->sched || sim_sched_parse(k->sched, &seq, &n, &col, err, sizeof err))
      continue;
    if (*run_id < 0) {
      rlog_run_info ri = {.mode = "explore",
                          .scenario_path = o->scn,
                          .title = scn->title,
                          .variant = res->variant,
                          .knobs = b.knobs,
                          .policy = "replay"};
      *run_id = rlog_run_begin(log, &ri);
    }
    sim_sched ss;
    sim_exec_cfg c = base;
    c.loop_bound = 0;
    c.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, n);
    rlog_exec_begin(log, *run_id, cli_namer, &b);
    c.observer = rlog_observer(log);
    sim_result r;
    if (!sim_exec_run(&c, &r)) {
      char note[96];
      snprintf(note, sizeof note, "minimal counterexample for %s", k->name);
      rlog_exec_end(log, &r, k->sched, note);
      sim_result_free(&r);
    }
    free(seq);
  }
  return 0;
}

static const char *help_explore =
    "usage: mmsim explore SCENARIO [options]\n"
    "\n"
    "Explores the interleavings of SCENARIO on each kernel variant until "
    "every\n"
    "one is covered (or a cap is hit), reports each violation kind with its\n"
    "minimal counterexample (fewest preemptions, then fewest steps) and the\n"
    "command that replays it, or certifies that all traces are clean.\n"
    "\n"
    "  --strategy S       dpor (default) | naive | bounded:K | pct:N,d | "
    "random:N\n"
    "  --variants V,...   kernel variants (default: the scenario's kernel and\n"
    "                     every variant of an 'expect on' line)\n"
    "  --first            stop a variant at its first violation\n"
    "  --max-execs N      cap the executions per variant\n"
    "  --max-time S       stop after S seconds of wall time (the results then\n"
    "                     depend on the machine's speed)\n"
    "  --log-all          log every execution's events, not only the minimal\n"
    "                     counterexamples (each is re-run to be logged)\n"
    "  --loop-bound B     cut executions where a retry loop runs more than B\n"
    "                     extra times (default 3; 0: no bound)\n"
    "  --max-steps N      cut executions longer than N steps\n"
    "  --traces           count distinct Mazurkiewicz traces\n"
    "  --jobs N           split the search among N worker processes\n"
    "  --seed N           seed of pct and random\n"
    "  --db FILE          log (default out/SCENARIO.explore.db)\n"
    "  --no-log           no database\n"
    "  --schedule-dir D   write each minimal counterexample to "
    "D/VARIANT-KIND.sched\n"
    "  --quiet            only the summary\n"
    "\n"
    "exit status: 0 when every variant meets the scenario's expectation, 1\n"
    "when one does not, 2 on bad input.  Ctrl-C stops cleanly with the\n"
    "summary so far.\n";

int cmd_explore(int argc, char **argv) {
  struct xopts o = {.loop_bound = 3, .jobs = 1};
  snprintf(o.strategy, sizeof o.strategy, "dpor");
  char err[256], *vlist = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    char *end;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      fputs(help_explore, stdout);
      return 0;
    } else if (!strcmp(a, "--strategy") && v) {
      if (exp_strategy_parse(v, &o.cfg, err, sizeof err)) {
        fprintf(stderr, "mmsim explore: %s\n", err);
        return 2;
      }
      snprintf(o.strategy, sizeof o.strategy, "%s", v);
      i++;
    } else if (!strcmp(a, "--variants") && v) {
      vlist = strdup(v);
      for (char *p = strtok(vlist, ","); p; p = strtok(NULL, ",")) {
        if (o.nvariants == MAX_VARIANTS) {
          fprintf(stderr, "mmsim explore: at most %d variants\n", MAX_VARIANTS);
          return 2;
        }
        o.variants[o.nvariants++] = p;
      }
      i++;
    } else if (!strcmp(a, "--first")) {
      o.cfg.stop_first = 1;
    } else if (!strcmp(a, "--traces")) {
      o.cfg.traces = 1;
    } else if (!strcmp(a, "--no-log")) {
      o.no_log = 1;
    } else if (!strcmp(a, "--quiet")) {
      o.quiet = 1;
    } else if (!strcmp(a, "--log-all")) {
      o.log_all = 1;
    } else if (!strcmp(a, "--max-time") && v) {
      o.max_time = strtod(v, &end);
      if (*end || o.max_time <= 0) {
        fprintf(stderr, "mmsim explore: --max-time expects seconds > 0\n");
        return 2;
      }
      i++;
    } else if ((!strcmp(a, "--max-execs") || !strcmp(a, "--loop-bound") ||
                !strcmp(a, "--max-steps") || !strcmp(a, "--jobs") ||
                !strcmp(a, "--seed")) &&
               v) {
      unsigned long long n = strtoull(v, &end, 0);
      if (*end || !*v) {
        fprintf(stderr, "mmsim explore: %s expects a number\n", a);
        return 2;
      }
      if (!strcmp(a, "--max-execs"))
        o.cfg.max_execs = n;
      else if (!strcmp(a, "--loop-bound"))
        o.loop_bound = (int)n;
      else if (!strcmp(a, "--max-steps"))
        o.max_steps = n;
      else if (!strcmp(a, "--seed"))
        o.cfg.seed = n;
      else if (n < 1 || n > 64) {
        fprintf(stderr, "mmsim explore: --jobs expects 1..64\n");
        return 2;
      } else
        o.jobs = (int)n;
      i++;
    } else if (!strcmp(a, "--db") && v) {
      o.db = v;
      i++;
    } else if (!strcmp(a, "--schedule-dir") && v) {
      o.schedule_dir = v;
      i++;
    } else if (a[0] == '-' || o.scn) {
      fprintf(stderr,
              "mmsim explore: unknown option or extra argument '%s' (see "
              "mmsim explore --help)\n",
              a);
      return 2;
    } else {
      o.scn = a;
    }
  }
  if (!o.scn) {
    fprintf(stderr, "mmsim explore: expected a scenario file (see mmsim "
                    "explore --help)\n");
    return 2;
  }
  static scenario scn;
  if (scn_parse_file(o.scn, &scn, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  if (!o.nvariants) {
    o.variants[o.nvariants++] = scn.litmus[0] ? NULL : scn.kernel;
    for (int i = 0; i < scn.nexpect_on && o.nvariants < MAX_VARIANTS; i++)
      if (strcmp(scn.expect_on[i].variant, scn.kernel))
        o.variants[o.nvariants++] = scn.expect_on[i].variant;
  }

  rlog *log = NULL;
  char *db = NULL;
  if (!o.no_log) {
    db = o.db ? strdup(o.db) : cli_default_out(o.scn, "explore.db");
    log = rlog_open(db, err, sizeof err);
    if (!log) {
      fprintf(stderr, "error: %s\n", err);
      return 2;
    }
  }
  struct sigaction sa = {.sa_handler = on_sigint};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);

  static struct result res[MAX_VARIANTS];
  int rc = 0, all_met = 1;
  double t0 = sim_wall_seconds();
  for (int i = 0; i < o.nvariants && !interrupted; i++) {
    int64_t run_id = -1;
    rc = explore_variant(&o, &scn, o.variants[i], &res[i], log, &run_id);
    if (rc)
      break;
    all_met &= res[i].expect_met;
  }
  double dt = sim_wall_seconds() - t0;
  if (rc) {
    if (log)
      rlog_close(log);
    free(db);
    free(vlist);
    return rc;
  }

  /* the summary */
  uint64_t total = 0;
  printf("explore %s: \"%s\", strategy %s, loop bound %d", o.scn, scn.title,
         o.strategy, o.loop_bound);
  if (o.jobs > 1)
    printf(", %d jobs", o.jobs);
  printf("\n");
  printf("%-8s %10s %8s %8s %7s %7s  %-28s %s\n", "variant", "executions",
         "cut", "pruned", "states", "traces", "violations", "verdict");
  int done = 0;
  for (int i = 0; i < o.nvariants && (i < 1 || res[i].variant[0]); i++) {
    struct result *r = &res[i];
    if (!r->variant[0])
      break;
    done++;
    char viol[256] = "none", tr[24] = "-";
    size_t len = 0;
    for (int k = 0; k < r->nkinds; k++)
      len += (size_t)snprintf(viol + len, sizeof viol - len, "%s%s %llu",
                              k ? ", " : "", r->kinds[k].name,
                              (unsigned long long)r->kinds[k].count);
    if (o.cfg.traces)
      snprintf(tr, sizeof tr, "%zu", r->traces.n);
    printf("%-8s %10llu %8llu %8llu %7zu %7s  %-28s %s\n", r->variant,
           (unsigned long long)r->st.execs, (unsigned long long)r->cut,
           (unsigned long long)r->st.pruned, r->states.n, tr, viol, r->verdict);
    total += r->st.execs + r->st.pruned;
  }
  int header = 0;
  for (int i = 0; i < done; i++)
    for (int k = 0; k < res[i].nkinds; k++) {
      struct kind *kd = &res[i].kinds[k];
      if (!header++)
        printf("minimal counterexamples:\n");
      int lit = scn.litmus[0] != 0;
      printf("  %s %s: %d preemption%s, %llu steps\n    mmsim replay %s%s%s "
             "--schedule '%s'\n",
             res[i].variant, kd->name, kd->pre, kd->pre == 1 ? "" : "s",
             (unsigned long long)kd->steps, o.scn, lit ? "" : " --variant ",
             lit ? "" : res[i].variant, kd->sched);
      if (o.schedule_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s-%s.sched", o.schedule_dir,
                 res[i].variant, kd->name);
        FILE *f = fopen(path, "w");
        if (!f) {
          fprintf(stderr, "error: cannot write %s: %s\n", path,
                  strerror(errno));
          rc = 2;
        } else {
          fprintf(f, "%s\n", kd->sched);
          fclose(f);
          printf("    schedule file: %s\n", path);
        }
      }
    }
  printf("time %.2f s, %.0f executions/s%s\n", dt, dt > 0 ? total / dt : 0.0,
         interrupted == 2   ? " (stopped at --max-time)"
         : interrupted == 1 ? " (interrupted)"
                            : "");
  if (log) {
    rlog_close(log);
    printf("database: %s\n", db);
  }
  free(db);
  free(vlist);
  if (rc)
    return rc;
  return all_met ? 0 : 1;
}
