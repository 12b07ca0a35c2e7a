/*
** cli.c - the mmsim command line (main): run, replay, check, render, bench.
**
** Exit status: 0 when the scenario's expectation holds (or the command
** succeeded), 1 when it does not, 2 on bad input or usage.  Every execution
** prints its schedule string and the command that replays it.
*/
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/model.h"
#include "models/scenario.h"
#include "reports/cli.h"
#include "reports/log.h"
#include "reports/render.h"
#include "sim/hash.h"
#include "sim/sched.h"
#include "sim/sim.h"

int mmsim_bench(int argc, char **argv); /* tests/bench via reports/bench.c */

static int usage_error(const char *cmd, const char *msg) {
  fprintf(stderr, "mmsim %s: %s (see mmsim %s --help)\n", cmd, msg, cmd);
  return 2;
}

/* ------------------------------------------------------------ digests */

/* An observer that hashes every field of every event and flow: two runs
   with equal digests wrote byte-identical logs. */
struct digest {
  uint64_t h;
  uint64_t nevents;
};
static void digest_event(void *arg, const sim_event *e) {
  struct digest *d = arg;
  uint64_t v[6] = {e->seq,           e->ts_ns,           e->dur_ns,
                   (uint64_t)e->tid, (uint64_t)e->depth, e->obj};
  for (int i = 0; i < 6; i++)
    sim_hash_u64(&d->h, v[i]);
  sim_hash_str(&d->h, e->fn);
  sim_hash_str(&d->h, e->what);
  sim_hash_str(&d->h, e->before);
  sim_hash_str(&d->h, e->after);
  d->nevents++;
}
static void digest_flow(void *arg, uint64_t from, uint64_t to,
                        enum sim_flow_kind k, sim_oid o) {
  struct digest *d = arg;
  uint64_t v[4] = {from, to, (uint64_t)k, o};
  for (int i = 0; i < 4; i++)
    sim_hash_u64(&d->h, v[i]);
}

/* Fans one event stream out to two observers. */
struct tee {
  const sim_observer *a, *b;
};
static void tee_event(void *arg, const sim_event *e) {
  struct tee *t = arg;
  t->a->event(t->a->arg, e);
  if (t->b)
    t->b->event(t->b->arg, e);
}
static void tee_flow(void *arg, uint64_t f, uint64_t to, enum sim_flow_kind k,
                     sim_oid o) {
  struct tee *t = arg;
  t->a->flow(t->a->arg, f, to, k, o);
  if (t->b)
    t->b->flow(t->b->arg, f, to, k, o);
}

/* -------------------------------------------------------------- runs */

struct opts {
  const char *cmd;
  const char *scn_path;
  const char *variant;
  int policy;
  uint64_t seed;
  int seed_set;
  const char *schedule;
  const char *schedule_file;
  const char *db;
  const char *svg;
  int no_log;
  int check_det;
  int quiet;
  uint64_t max_steps;
};

struct ctx {
  scenario scn;
  model_binding b;
  char expect[64];
};

static void print_knobs_help(void) {
  printf("Kernel variants: %s\nKnobs (set NAME = on|off in a scenario):\n",
         mm_variant_names());
  for (int i = 0; i < mm_nknobs; i++)
    printf("  %-30s %s\n", mm_knob_table[i].name, mm_knob_table[i].what);
  printf("Violation kinds: %s\n", mm_violation_kind_names());
}

/* Parses and binds a scenario and starts the engine: 0, or 2 with the
   error printed. */
int cli_load(scenario *scn, model_binding *b, const char *path,
             const char *variant) {
  char err[512];
  if (scn_parse_file(path, scn, err, sizeof err) ||
      model_bind(b, scn, variant, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  if (sim_init(b->ncpus, err, sizeof err)) {
    fprintf(stderr, "mmsim: %s\n", err);
    return 2;
  }
  return 0;
}

static int load(struct ctx *c, const char *path, const char *variant) {
  int rc = cli_load(&c->scn, &c->b, path, variant);
  if (!rc)
    model_expect_text(&c->b, c->expect, sizeof c->expect);
  return rc;
}

/* Runs one execution under the given policy. */
static int execute(struct ctx *c, enum sim_policy pol, uint64_t seed,
                   const uint8_t *seq, size_t nseq, const sim_observer *ob,
                   uint64_t max_steps, sim_result *r, sim_sched *s) {
  sim_exec_cfg cfg = model_exec_cfg(&c->b);
  cfg.chooser = sim_sched_init(s, pol, seed, seq, nseq);
  cfg.observer = ob;
  cfg.max_steps = max_steps;
  return sim_exec_run(&cfg, r);
}

void cli_namer(void *arg, sim_oid o, char *buf, size_t n) {
  const model_binding *b = arg;
  b->ops->obj_name(b->model, o, buf, n);
}

static int expectation_met(const struct ctx *c, const sim_result *r) {
  if (c->b.expect.violation)
    return r->outcome == SIM_VIOLATION && !strcmp(r->kind, c->b.expect.kind);
  return r->outcome == SIM_CLEAN;
}

char *cli_default_out(const char *scn, const char *ext) {
  char *copy = strdup(scn);
  char *base = basename(copy);
  char *dot = strrchr(base, '.');
  if (dot)
    *dot = 0;
  mkdir("out", 0755);
  size_t n = strlen(base) + 16;
  char *p = malloc(n);
  snprintf(p, n, "out/%s.%s", base, ext);
  free(copy);
  return p;
}

static int cmd_run(struct opts *o) {
  static struct ctx c;
  int rc = load(&c, o->scn_path, o->variant);
  if (rc)
    return rc;

  /* policy: command line, else the scenario's run line, else timed */
  enum sim_policy pol = SIM_POLICY_TIMED;
  uint64_t seed = 1;
  const char *sched_str = NULL;
  if (c.scn.run_policy[0]) {
    if (!strcmp(c.scn.run_policy, "schedule")) {
      pol = SIM_POLICY_REPLAY;
      sched_str = c.scn.run_schedule;
    } else {
      pol = (enum sim_policy)sim_policy_parse(c.scn.run_policy);
      seed = c.scn.run_seed;
    }
  }
  if (o->policy >= 0) {
    pol = (enum sim_policy)o->policy;
    if (pol != SIM_POLICY_REPLAY)
      sched_str = NULL;
  }
  if (o->seed_set)
    seed = o->seed;
  char *file_sched = NULL;
  if (o->schedule_file) {
    file_sched = NULL;
    FILE *f = fopen(o->schedule_file, "r");
    if (!f) {
      fprintf(stderr, "error: cannot open %s: %s\n", o->schedule_file,
              strerror(errno));
      return 2;
    }
    size_t cap = 0;
    ssize_t n = getline(&file_sched, &cap, f);
    fclose(f);
    if (n <= 0) {
      fprintf(stderr, "error: %s: empty schedule file\n", o->schedule_file);
      free(file_sched);
      return 2;
    }
    file_sched[strcspn(file_sched, "\r\n")] = 0;
    o->schedule = file_sched;
  }
  if (o->schedule) {
    pol = SIM_POLICY_REPLAY;
    sched_str = o->schedule;
  }
  if (!strcmp(o->cmd, "replay") && !sched_str) {
    free(file_sched);
    return usage_error("replay", "a schedule is required: --schedule S or "
                                 "--schedule-file F");
  }
  uint8_t *seq = NULL;
  size_t nseq = 0;
  if (pol == SIM_POLICY_REPLAY) {
    char err[160];
    int col;
    if (sim_sched_parse(sched_str ? sched_str : "", &seq, &nseq, &col, err,
                        sizeof err)) {
      fprintf(stderr, "<schedule>:1:%d: error: %s\n", col, err);
      free(file_sched);
      return 2;
    }
  }

  /* the log */
  rlog *log = NULL;
  char *db = NULL, *svg = NULL;
  int64_t run_id = -1, exec_id = -1;
  if (!o->no_log) {
    db = o->db ? strdup(o->db) : cli_default_out(o->scn_path, "db");
    svg = o->svg ? strdup(o->svg) : cli_default_out(o->scn_path, "svg");
    char err[512];
    log = rlog_open(db, err, sizeof err);
    if (!log) {
      fprintf(stderr, "error: %s\n", err);
      free(seq);
      free(db);
      free(svg);
      free(file_sched);
      return 2;
    }
    const char *names[SIM_MAX_THREADS];
    int cpus[SIM_MAX_THREADS];
    for (int i = 0; i < c.b.nthreads; i++) {
      names[i] = c.b.threads[i].name;
      cpus[i] = c.b.threads[i].cpu;
    }
    rlog_run_info ri = {.mode = o->cmd,
                        .scenario_path = o->scn_path,
                        .title = c.scn.title,
                        .variant = c.b.variant,
                        .knobs = c.b.knobs,
                        .policy = sim_policy_name(pol),
                        .seed = seed,
                        .ncpus = c.b.ncpus,
                        .nthreads = c.b.nthreads,
                        .thread_names = names,
                        .thread_cpus = cpus,
                        .expect = c.expect};
    run_id = rlog_run_begin(log, &ri);
    exec_id = rlog_exec_begin(log, run_id, cli_namer, &c.b);
    if (run_id < 0 || exec_id < 0) {
      fprintf(stderr, "error: %s: %s\n", db, rlog_errmsg(log));
      rlog_close(log);
      return 2;
    }
  }

  struct digest dg = {SIM_HASH_INIT, 0};
  sim_observer dob = {&dg, digest_event, digest_flow};
  struct tee tee = {&dob, log ? rlog_observer(log) : NULL};
  sim_observer ob = {&tee, tee_event, tee_flow};
  sim_result r;
  sim_sched ss;
  if (execute(&c, pol, seed, seq, nseq, &ob, o->max_steps, &r, &ss)) {
    fprintf(stderr, "mmsim: engine error\n");
    return 2;
  }
  char *sched = sim_sched_format(r.sched, r.nsched);
  char note[256] = "";
  if (pol == SIM_POLICY_REPLAY && ss.diverged)
    snprintf(note, sizeof note,
             "schedule diverged at step %llu: thread %d was not enabled; "
             "continued with the lowest-numbered enabled thread",
             (unsigned long long)ss.diverged_at, ss.div_wanted);
  if (log && rlog_exec_end(log, &r, sched, note[0] ? note : NULL)) {
    fprintf(stderr, "error: %s: %s\n", db, rlog_errmsg(log));
    return 2;
  }

  int met = expectation_met(&c, &r);
  if (!o->quiet) {
    printf("scenario: %s [%s]\n", c.scn.title, o->scn_path);
    if (c.b.variant[0])
      printf("kernel:   %s (%s)\n", c.b.variant, c.b.knobs);
    else
      printf("litmus:   %s %d\n", c.scn.litmus, c.scn.litmus_n);
    if (pol == SIM_POLICY_REPLAY)
      printf("policy:   replay\n");
    else
      printf("policy:   %s seed %llu\n", sim_policy_name(pol),
             (unsigned long long)seed);
    if (note[0])
      printf("note:     %s\n", note);
    if (r.outcome == SIM_VIOLATION)
      printf("result:   VIOLATION %s at step %llu: %s\n", r.kind,
             (unsigned long long)r.viol_seq, r.msg);
    else if (r.outcome == SIM_STEP_LIMIT)
      printf("result:   step limit: %s\n", r.msg);
    else
      printf("result:   clean (%llu steps, no invariant violated)\n",
             (unsigned long long)r.steps);
    printf("steps:    %llu, simulated time %llu ns\n",
           (unsigned long long)r.steps, (unsigned long long)r.end_ns);
    printf("schedule: %s\n", sched);
    printf("trace:    %016llx\n", (unsigned long long)r.trace_hash);
    printf("events:   digest %016llx (%llu events)\n", (unsigned long long)dg.h,
           (unsigned long long)dg.nevents);
    printf("expect:   %s -- %s\n", c.expect, met ? "met" : "NOT met");
    if (log)
      printf("database: %s (execution %lld)\n", db, (long long)exec_id);
  }
  int ret = met ? 0 : 1;

  if (log) {
    rlog_close(log);
    log = NULL;
    char err[512];
    render_opts ro = {.exec_id = exec_id};
    if (render_timeline(db, svg, &ro, err, sizeof err)) {
      fprintf(stderr, "error: rendering %s: %s\n", svg, err);
      ret = 2;
    } else if (!o->quiet) {
      printf("timeline: %s\n", svg);
    }
  }
  if (!o->quiet)
    printf("replay:   mmsim replay %s%s%s --schedule '%s'\n", o->scn_path,
           o->variant ? " --variant " : "", o->variant ? o->variant : "",
           sched);

  if (o->check_det) {
    /* Same inputs again, in this process: the trace hash, the schedule
       and every logged byte must be equal. */
    struct digest d2 = {SIM_HASH_INIT, 0};
    sim_observer ob2 = {&d2, digest_event, digest_flow};
    sim_result r2;
    sim_sched s2;
    execute(&c, pol, seed, seq, nseq, &ob2, o->max_steps, &r2, &s2);
    char *sched2 = sim_sched_format(r2.sched, r2.nsched);
    int same =
        r2.trace_hash == r.trace_hash && d2.h == dg.h && !strcmp(sched, sched2);
    printf("determinism: %s (trace %016llx/%016llx, events %016llx/%016llx)\n",
           same ? "ok" : "MISMATCH", (unsigned long long)r.trace_hash,
           (unsigned long long)r2.trace_hash, (unsigned long long)dg.h,
           (unsigned long long)d2.h);
    if (!same)
      ret = 1;
    free(sched2);
    sim_result_free(&r2);
  }
  free(sched);
  sim_result_free(&r);
  free(seq);
  free(db);
  free(svg);
  free(file_sched);
  return ret;
}

static int cmd_check(int argc, char **argv) {
  int rc = 0, any = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "--knobs")) {
      print_knobs_help();
      any = 1;
      continue;
    }
    static scenario scn;
    static mm_model m;
    char err[512];
    any = 1;
    if (scn_parse_file(argv[i], &scn, err, sizeof err) ||
        mm_model_init(&m, &scn, NULL, err, sizeof err)) {
      fprintf(stderr, "%s\n", err);
      rc = 2;
      continue;
    }
    printf("%s: ok: \"%s\", kernel %s, %d cpus, %d threads, expect %s%s",
           argv[i], scn.title, scn.kernel, scn.ncpus, scn.nthreads,
           scn.expect_violation ? "violation " : "clean",
           scn.expect_violation ? scn.expect_kind : "");
    for (int j = 0; j < scn.nexpect_on; j++)
      printf("; on %s %s%s", scn.expect_on[j].variant,
             scn.expect_on[j].violation ? "violation " : "clean",
             scn.expect_on[j].violation ? scn.expect_on[j].kind : "");
    printf("\n");
  }
  if (!any)
    return usage_error("check", "expected one or more scenario files");
  return rc;
}

static int cmd_render(int argc, char **argv) {
  render_opts ro = {0};
  const char *out = NULL, *db = NULL;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-o") && i + 1 < argc)
      out = argv[++i];
    else if (!strcmp(argv[i], "--exec") && i + 1 < argc)
      ro.exec_id = strtoll(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--slice") && i + 1 < argc)
      ro.slice = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--full"))
      ro.full = 1;
    else if (argv[i][0] == '-')
      return usage_error("render", "unknown option");
    else if (!db)
      db = argv[i];
    else
      return usage_error("render", "expected one database");
  }
  if (!db || !out)
    return usage_error("render", "expected DB and -o FILE.{svg,png,dot}");
  char err[512];
  if (render_timeline(db, out, &ro, err, sizeof err)) {
    fprintf(stderr, "error: %s\n", err);
    return 2;
  }
  printf("timeline: %s\n", out);
  return 0;
}

static const char *help_main =
    "usage: mmsim COMMAND [ARGS]\n"
    "\n"
    "Deterministic SMP simulator of Linux memory-management races.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO     run one execution, log it, render its timeline\n"
    "  replay SCENARIO  re-run a recorded schedule (--schedule S)\n"
    "  explore SCENARIO explore the interleavings (DPOR), certify or find\n"
    "                   minimal counterexamples, variants side by side\n"
    "  check FILE...    validate scenario files (--knobs: list knobs)\n"
    "  render DB        draw a logged execution (-o FILE.svg|png|dot)\n"
    "  bench            measure steps/s and log rows/s\n"
    "\n"
    "Run 'mmsim COMMAND --help' for the options of a command.\n";

static const char *help_run =
    "usage: mmsim run SCENARIO [options]\n"
    "       mmsim replay SCENARIO --schedule S [options]\n"
    "\n"
    "Runs one execution of SCENARIO under a schedule the simulator controls,\n"
    "logs every step to SQLite and renders the timeline.  Without options the\n"
    "scenario's own 'run' line is used, else the timed policy with seed 1.\n"
    "\n"
    "  --variant V          kernel preset instead of the scenario's (2.6.20, "
    "2.6.23)\n"
    "  --policy P           timed | random | replay\n"
    "  --seed N             seed of the timed (ties) and random policies\n"
    "  --schedule S         replay a schedule string, e.g. 0*3.1*2.0\n"
    "  --schedule-file F    replay the schedule in file F (first line)\n"
    "  --db FILE            database (default out/SCENARIO.db, appended)\n"
    "  --svg FILE           timeline (default out/SCENARIO.svg)\n"
    "  --no-log             no database, no timeline\n"
    "  --max-steps N        stop an execution after N steps\n"
    "  --check-determinism  run twice in-process and compare hashes\n"
    "  --quiet              print nothing but errors\n"
    "\n"
    "exit status: 0 expectation met, 1 not met, 2 bad input\n";

int main(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
      !strcmp(argv[1], "help")) {
    fputs(help_main, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const char *cmd = argv[1];
  if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
    if (!strcmp(cmd, "run") || !strcmp(cmd, "replay"))
      fputs(help_run, stdout);
    else if (!strcmp(cmd, "check"))
      printf("usage: mmsim check FILE... [--knobs]\n\nValidates scenario "
             "files: prints one line per file, or FILE:LINE:COL: error: "
             "... and exits 2.\n--knobs lists kernel variants, knobs and "
             "violation kinds.\n");
    else if (!strcmp(cmd, "render"))
      printf("usage: mmsim render DB -o FILE.{svg,png,dot} [--exec N] "
             "[--slice N] [--full]\n\nDraws one execution of DB (default: "
             "the last violating one, else the last): one lane per CPU,\n"
             "happens-before arrows, the violation highlighted.  Long "
             "executions show the causal slice\nof N events (default 200) "
             "around the violation unless --full.\n");
    else if (!strcmp(cmd, "bench"))
      return mmsim_bench(argc - 1, argv + 1);
    else if (!strcmp(cmd, "explore"))
      return cmd_explore(argc - 1, argv + 1);
    else
      return usage_error(cmd, "unknown command");
    return 0;
  }
  if (!strcmp(cmd, "check"))
    return cmd_check(argc - 2, argv + 2);
  if (!strcmp(cmd, "render"))
    return cmd_render(argc - 2, argv + 2);
  if (!strcmp(cmd, "bench"))
    return mmsim_bench(argc - 1, argv + 1);
  if (!strcmp(cmd, "explore"))
    return cmd_explore(argc - 1, argv + 1);
  if (strcmp(cmd, "run") && strcmp(cmd, "replay")) {
    fprintf(stderr, "mmsim: unknown command '%s'\n\n%s", cmd, help_main);
    return 2;
  }

  struct opts o = {.cmd = cmd, .policy = -1};
  static const struct option lo[] = {
      {"variant", required_argument, 0, 'v'},
      {"policy", required_argument, 0, 'p'},
      {"seed", required_argument, 0, 's'},
      {"schedule", required_argument, 0, 'S'},
      {"schedule-file", required_argument, 0, 'F'},
      {"db", required_argument, 0, 'd'},
      {"svg", required_argument, 0, 'g'},
      {"no-log", no_argument, 0, 'n'},
      {"max-steps", required_argument, 0, 'm'},
      {"check-determinism", no_argument, 0, 'c'},
      {"quiet", no_argument, 0, 'q'},
      {0, 0, 0, 0}};
  optind = 2;
  opterr = 0;
  int ch;
  while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    char *end;
    switch (ch) {
    case 'v':
      o.variant = optarg;
      break;
    case 'p':
      o.policy = sim_policy_parse(optarg);
      if (o.policy < 0)
        return usage_error(cmd, "--policy expects timed, random or replay");
      break;
    case 's':
      o.seed = strtoull(optarg, &end, 0);
      if (*end || !*optarg)
        return usage_error(cmd, "--seed expects a number");
      o.seed_set = 1;
      break;
    case 'S':
      o.schedule = optarg;
      break;
    case 'F':
      o.schedule_file = optarg;
      break;
    case 'd':
      o.db = optarg;
      break;
    case 'g':
      o.svg = optarg;
      break;
    case 'n':
      o.no_log = 1;
      break;
    case 'm':
      o.max_steps = strtoull(optarg, &end, 0);
      if (*end || !*optarg)
        return usage_error(cmd, "--max-steps expects a number");
      break;
    case 'c':
      o.check_det = 1;
      break;
    case 'q':
      o.quiet = 1;
      break;
    default:
      return usage_error(cmd, "unknown option");
    }
  }
  if (optind != argc - 1)
    return usage_error(cmd, "expected exactly one scenario file");
  o.scn_path = argv[optind];
  return cmd_run(&o);
}
