/*
** run.c - `mmsim run` and `mmsim replay`: one execution of a scenario
** under a policy the simulator controls (timed, random, or a recorded
** schedule), logged to SQLite and drawn as a timeline.
**
** The policy comes from the command line, else from the scenario's `run`
** line, else timed with seed 1.  Every execution prints its schedule string
** and the command that replays it.  --check-determinism runs the same
** inputs twice in this process and compares the trace hash, the schedule
** and a digest of every logged field.
**
** The lock-order checker (sim/lockdep.h) is on where the model classes its
** locks, with a graph of its own for each execution (--no-lockdep: off);
** a lock-order violation prints the checker's full report.
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/cli/cli.h"
#include "reports/log.h"
#include "reports/observers.h"
#include "reports/racereport.h"
#include "reports/render.h"
#include "sim/lockdep.h"
#include "sim/sched.h"
#include "sim/symsched.h"

/* Steps in the race report under the result: the causal slice of the
   violation, nearest first (the timeline shows up to 200). */
#define RUN_REPORT_STEPS 40

struct run_opts {
  const char *cmd; /* "run" or "replay" */
  const char *path;
  const char *variant;
  int policy; /* enum sim_policy, -1: not given */
  uint64_t seed;
  int seed_set;
  const char *schedule;
  const char *schedule_file;
  const char *db, *svg;
  const char *transcript; /* file, "-" for stdout */
  int no_log, check_det, quiet, no_lockdep;
  uint64_t max_steps;
};

/* What will run: the policy, its seed and, for replay, the schedule. */
struct plan {
  enum sim_policy pol;
  uint64_t seed;
  uint8_t *seq; /* replay: thread per step (malloc'd) */
  size_t nseq;
  int symbolic;     /* replay of a symbolic schedule (sim/symsched.h) */
  sim_symsched sym; /* it, resolved against the binding's threads */
  const char *names[SIM_MAX_THREADS]; /* the binding's thread names */
};

/* The choosers of one execution: the policy's, and the recorder that
   derives its symbolic schedule around it. */
struct exec_state {
  sim_sched ss;
  sim_symreplay sr;
  sim_symrec rec;
};

/* ------------------------------------------------------------ execute */

/* One execution of the bound scenario under 'p', fed to 'ob', checked by
   the lock-order graph 'ld' (NULL: not checked). */
static int execute(const cli_scenario *l, const struct plan *p,
                   uint64_t max_steps, const sim_observer *ob, sim_result *r,
                   struct exec_state *es, sim_lockdep *ld) {
  sim_exec_cfg cfg = model_exec_cfg(&l->b);
  cfg.lockdep = ld;
  sim_chooser ch = sim_sched_init(&es->ss, p->pol, p->seed, p->seq, p->nseq);
  if (p->symbolic)
    ch = sim_symreplay_init(&es->sr, &p->sym, p->names);
  else
    memset(&es->sr, 0, sizeof es->sr);
  cfg.chooser = sim_symrec_init(&es->rec, ch);
  cfg.observer = ob;
  cfg.max_steps = max_steps;
  return sim_exec_run(&cfg, r);
}

static void exec_state_free(struct exec_state *es) {
  sim_symreplay_free(&es->sr);
  sim_symrec_free(&es->rec);
}

/* ------------------------------------------------------------ options */

static int parse_opts(int argc, char **argv, struct run_opts *o) {
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
      {"transcript", required_argument, 0, 't'},
      {"no-lockdep", no_argument, 0, 'L'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  const char *cmd = o->cmd;
  int ch;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
    switch (ch) {
    case 'v':
      o->variant = optarg;
      break;
    case 'p':
      o->policy = sim_policy_parse(optarg);
      if (o->policy < 0)
        return cli_usage(cmd, "--policy expects timed, random or replay");
      break;
    case 's':
      if (cli_u64(optarg, &o->seed))
        return cli_usage(cmd, "--seed expects a number");
      o->seed_set = 1;
      break;
    case 'S':
      o->schedule = optarg;
      break;
    case 'F':
      o->schedule_file = optarg;
      break;
    case 'd':
      o->db = optarg;
      break;
    case 'g':
      o->svg = optarg;
      break;
    case 'n':
      o->no_log = 1;
      break;
    case 'm':
      if (cli_u64(optarg, &o->max_steps))
        return cli_usage(cmd, "--max-steps expects a number");
      break;
    case 'c':
      o->check_det = 1;
      break;
    case 'q':
      o->quiet = 1;
      break;
    case 't':
      o->transcript = optarg;
      break;
    case 'L':
      o->no_lockdep = 1;
      break;
    case 'h':
      return -1;
    default:
      return cli_bad_option(cmd, ch, argv, lo);
    }
  }
  if (optind != argc - 1)
    return cli_usage(cmd, "expected exactly one scenario file");
  if (o->no_log && o->db)
    return cli_usage(cmd, "--db and --no-log conflict");
  o->path = argv[optind];
  return 0;
}

/* The longest first line of a --schedule-file: a string of
   SIM_SCHED_MAX_STEPS alternating steps, with room to spare. */
#define SCHED_FILE_MAX (4u << 20)

/* First line of a schedule file, malloc'd; NULL with the error printed. */
static char *read_schedule_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) {
    fprintf(stderr, "error: cannot open %s: %s\n", path, strerror(errno));
    return NULL;
  }
  /* bounded: /dev/zero or a file with no newline must not grow the line
     without end (a FIFO, as <(...) gives, is read like a file) */
  char *line = malloc(SCHED_FILE_MAX + 1);
  size_t n = 0;
  int ch = 0;
  errno = 0;
  while (line && n <= SCHED_FILE_MAX && (ch = getc(f)) != EOF && ch != '\n')
    line[n++] = (char)ch;
  int e = ferror(f) ? errno : 0;
  fclose(f);
  if (!line || e || n > SCHED_FILE_MAX || !n) {
    if (!line)
      fprintf(stderr, "error: cannot read %s: out of memory\n", path);
    else if (e)
      fprintf(stderr, "error: cannot read %s: %s\n", path, strerror(e));
    else if (n)
      fprintf(stderr,
              "error: %s: first line longer than %u bytes, expected a "
              "schedule string\n",
              path, SCHED_FILE_MAX);
    else
      fprintf(stderr, "error: %s: empty schedule file\n", path);
    free(line);
    return NULL;
  }
  line[n] = 0;
  line[strcspn(line, "\r")] = 0;
  return line;
}

/* The policy: command line, else the scenario's run line, else timed.
   Returns 0, or 2 with the error printed. */
static int make_plan(const struct run_opts *o, const cli_scenario *l,
                     const char *sched_str, struct plan *p) {
  const scenario *scn = &l->scn;
  for (int i = 0; i < l->b.nthreads; i++)
    p->names[i] = l->b.threads[i].name;
  p->pol = SIM_POLICY_TIMED;
  p->seed = 1;
  const char *str = NULL;
  switch (scn->run) {
  case SCN_RUN_NONE:
    break;
  case SCN_RUN_TIMED:
  case SCN_RUN_RANDOM:
    p->pol = scn->run == SCN_RUN_TIMED ? SIM_POLICY_TIMED : SIM_POLICY_RANDOM;
    p->seed = scn->run_seed;
    break;
  case SCN_RUN_SCHEDULE:
    p->pol = SIM_POLICY_REPLAY;
    str = scn->run_schedule;
    break;
  }
  if (o->policy >= 0) {
    p->pol = (enum sim_policy)o->policy;
    if (p->pol != SIM_POLICY_REPLAY)
      str = NULL;
  }
  if (o->seed_set)
    p->seed = o->seed;
  if (sched_str) {
    p->pol = SIM_POLICY_REPLAY;
    str = sched_str;
  }
  if ((!strcmp(o->cmd, "replay") || p->pol == SIM_POLICY_REPLAY) &&
      (!str || !*str))
    return cli_usage(o->cmd, "a schedule is required: --schedule S or "
                             "--schedule-file F");
  if (p->pol != SIM_POLICY_REPLAY)
    return 0;
  char err[400];
  int col;
  if (sim_symsched_is_symbolic(str, strlen(str))) {
    p->symbolic = 1;
    if (sim_symsched_parse(str, &p->sym, &col, err, sizeof err) ||
        sim_symsched_resolve(&p->sym, p->names, l->b.nthreads, &col, err,
                             sizeof err)) {
      fprintf(stderr, "<schedule>:1:%d: error: %s\n", col, err);
      return CLI_BAD_INPUT;
    }
    return 0;
  }
  if (sim_sched_parse(str, &p->seq, &p->nseq, &col, err, sizeof err)) {
    fprintf(stderr, "<schedule>:1:%d: error: %s\n", col, err);
    return CLI_BAD_INPUT;
  }
  return 0;
}

/* A checker's full report, indented under the result. */
static void print_report_lines(const char *title, char *rep) {
  printf("%s\n", title);
  for (char *line = strtok(rep, "\n"); line; line = strtok(NULL, "\n"))
    printf("  %s\n", line);
}

static void print_lockdep_report(const sim_lockdep *ld) {
  char rep[8192];
  sim_lockdep_report(ld, rep, sizeof rep);
  print_report_lines("lockdep:", rep);
}

/* Lock-order findings of an execution that then ended otherwise (a
   deadlock, another violation, the step limit): they stand all the same
   (sim/lockdep.h). */
static void print_findings(sim_lockdep *ld) {
  sim_lockdep_finding f;
  while (sim_lockdep_take(ld, &f)) {
    char *s = sim_sched_format(f.sched, f.nsched);
    printf("lockdep:  also lock-order, found at step %zu before the "
           "execution ended otherwise (schedule %s):\n",
           f.nsched - 1, s ? s : "?");
    free(s);
    print_report_lines("", f.report);
    sim_lockdep_finding_free(&f);
  }
}

/*
** The outcome conditions of the bound variant in the execution just run
** (the model still holds its final state), as lines for the terminal.
** In one execution: 'never' and 'always' must hold as stated, 'exists'
** must hold (the run line is the scenario's witness, as for an expected
** violation); an execution a violation stopped midway has no final state
** and its conditions are not evaluated.  Returns whether all are met.
*/
static int run_conditions(const model_binding *b, const sim_result *r,
                          char out[][200]) {
  int met = 1;
  for (int i = 0; i < b->nconds; i++) {
    const scn_cond *c = model_cond(b, i);
    if (!model_quiescent(r)) {
      snprintf(out[i], 200,
               "%.120s -- not evaluated (no final state: a "
               "violation stopped the execution)",
               c->text);
      continue;
    }
    int held = model_cond_holds(b, i);
    int ok = c->quant == CQ_NEVER ? !held : held;
    met &= ok;
    snprintf(out[i], 200, "%.120s -- %s in this execution: %s", c->text,
             held ? "holds" : "does not hold", ok ? "met" : "NOT met");
  }
  return met;
}

static void print_result(const struct run_opts *o, const cli_scenario *l,
                         const struct plan *p, const sim_result *r,
                         const char *sched, const char *note,
                         const obs_digest *d, int met, sim_lockdep *ld) {
  printf("scenario: %s [%s]\n", l->scn.title, o->path);
  if (l->b.desc->variants)
    printf("kernel:   %s (%s)\n", l->b.label, l->b.knobs);
  else
    printf("litmus:   %s %d\n", l->scn.litmus, l->scn.litmus_n);
  if (p->pol == SIM_POLICY_REPLAY)
    printf("policy:   replay\n");
  else
    printf("policy:   %s seed %llu\n", sim_policy_name(p->pol),
           (unsigned long long)p->seed);
  if (note[0])
    printf("note:     %s\n", note);
  if (r->outcome == SIM_VIOLATION) {
    printf("result:   VIOLATION %s at step %llu: %s\n", r->kind,
           (unsigned long long)r->viol_seq, r->msg);
    if (r->kind_id == SIM_KIND_LOCK_ORDER && ld)
      print_lockdep_report(ld);
  } else if (r->outcome == SIM_STEP_LIMIT)
    printf("result:   step limit: %s\n", r->msg);
  else
    printf("result:   clean (%llu steps, no invariant violated)\n",
           (unsigned long long)r->steps);
  printf("steps:    %llu, simulated time %llu ns\n",
         (unsigned long long)r->steps, (unsigned long long)r->end_ns);
  printf("schedule: %s\n", sched);
  printf("trace:    %016llx\n", (unsigned long long)r->trace_hash);
  printf("events:   digest %016llx (%llu events)\n", (unsigned long long)d->h,
         (unsigned long long)d->nevents);
  if (ld)
    print_findings(ld);
  printf("expect:   %s -- %s\n", l->expect, met ? "met" : "NOT met");
}

/* Same inputs again, in this process: the trace hash, the schedule and
   every logged byte must be equal.  Returns 1 when they are. */
static int check_determinism(const cli_scenario *l, const struct plan *p,
                             uint64_t max_steps, const sim_result *r,
                             const char *sched, const obs_digest *d,
                             int o_lockdep) {
  obs_digest d2;
  sim_observer ob = obs_digest_init(&d2);
  sim_result r2;
  struct exec_state s2;
  sim_lockdep *ld = o_lockdep ? sim_lockdep_new() : NULL; /* fresh */
  int rc = execute(l, p, max_steps, &ob, &r2, &s2, ld);
  exec_state_free(&s2);
  sim_lockdep_free(ld);
  if (rc)
    return 0;
  char *sched2 = sim_sched_format(r2.sched, r2.nsched);
  int same = r2.trace_hash == r->trace_hash && d2.h == d->h && sched2 &&
             !strcmp(sched, sched2);
  printf("determinism: %s (trace %016llx/%016llx, events %016llx/%016llx)\n",
         same ? "ok" : "MISMATCH", (unsigned long long)r->trace_hash,
         (unsigned long long)r2.trace_hash, (unsigned long long)d->h,
         (unsigned long long)d2.h);
  free(sched2);
  sim_result_free(&r2);
  return same;
}

/* ------------------------------------------------------------ command */

static int run_main(const char *cmd, int argc, char **argv) {
  struct run_opts o = {.cmd = cmd, .policy = -1};
  struct plan p = {0};
  cli_scenario *l = NULL;
  char *file_sched = NULL, *db = NULL, *svg = NULL, *sched = NULL;
  rlog *log = NULL;
  sim_lockdep *ld = NULL;
  FILE *tf = NULL;
  sim_result r = {0};
  struct exec_state es = {0};
  int64_t exec_id = -1, run_id = -1;
  char err[512], note[768] = "", *symb = NULL, symerr[160] = "";
  int rc = parse_opts(argc, argv, &o);
  if (rc < 0)
    return cli_help(!strcmp(cmd, "run") ? &cli_run : &cli_replay);
  if (rc)
    return rc;

  rc = CLI_BAD_INPUT;
  if (o.schedule_file && !(file_sched = read_schedule_file(o.schedule_file)))
    goto out;
  if (!(l = cli_load(o.path, o.variant, CLI_ENGINE)))
    goto out;
  if (make_plan(&o, l, file_sched ? file_sched : o.schedule, &p))
    goto out;
  /* every output opens before the log's execution row begins */
  if (o.transcript &&
      !(tf = strcmp(o.transcript, "-") ? fopen(o.transcript, "w") : stdout)) {
    fprintf(stderr, "error: cannot write %s: %s\n", o.transcript,
            strerror(errno));
    goto out;
  }
  if (!o.no_log) {
    db = o.db ? strdup(o.db) : cli_default_out(o.path, "db");
    svg = o.svg ? strdup(o.svg) : cli_default_out(o.path, "svg");
    if (!(log = rlog_open(db, err, sizeof err))) {
      fprintf(stderr, "error: %s\n", err);
      goto out;
    }
    cli_run_info ci;
    cli_run_info_of(&ci, l, cmd, sim_policy_name(p.pol), p.seed);
    run_id = rlog_run_begin(log, &ci.ri);
    exec_id = run_id < 0 ? -1 : rlog_exec_begin(log, run_id, cli_namer, &l->b);
    if (exec_id < 0) {
      fprintf(stderr, "error: %s: %s\n", db, rlog_errmsg(log));
      goto out;
    }
  }

  obs_digest dg;
  obs_transcript tr;
  obs_fanout fan;
  sim_observer ob = obs_fanout_init(&fan), dob = obs_digest_init(&dg), tob;
  const char *names[SIM_MAX_THREADS];
  for (int i = 0; i < l->b.nthreads; i++)
    names[i] = l->b.threads[i].name;
  fan.to[0] = &dob;
  if (tf) {
    tob = obs_transcript_init(&tr, tf, names, cli_namer, &l->b);
    fan.to[1] = &tob;
  }
  fan.to[2] = log ? rlog_observer(log) : NULL;
  if (!o.no_lockdep && l->b.ops->lock_class && !(ld = sim_lockdep_new())) {
    fprintf(stderr, "mmsim: out of memory\n");
    goto out;
  }
  if (execute(l, &p, o.max_steps, &ob, &r, &es, ld)) {
    fprintf(stderr, "mmsim: engine error\n");
    goto out;
  }
  sched = sim_sched_format(r.sched, r.nsched);
  if (tf) {
    obs_transcript_end(&tr, &r);
    fflush(tf);
  }
  symb = sim_symrec_finish(&es.rec, p.names, symerr, sizeof symerr);
  if (p.symbolic)
    sim_symreplay_end(&es.sr, r.outcome == SIM_CLEAN);
  if (p.symbolic && es.sr.diverged && es.sr.diverged_at == UINT64_MAX)
    snprintf(note, sizeof note, "schedule diverged at the end: %s", es.sr.why);
  else if (p.symbolic && es.sr.diverged)
    snprintf(note, sizeof note, "schedule diverged at step %llu: %s",
             (unsigned long long)es.sr.diverged_at, es.sr.why);
  else if (p.pol == SIM_POLICY_REPLAY && es.ss.diverged)
    snprintf(note, sizeof note,
             "schedule diverged at step %llu: thread %d (%s) was not "
             "enabled: %s; continued with the lowest-numbered enabled thread",
             (unsigned long long)es.ss.diverged_at, es.ss.div_wanted,
             es.ss.div_wanted < l->b.nthreads ? p.names[es.ss.div_wanted] : "?",
             es.ss.div_why);
  if (log && (rlog_exec_end(log, &r, sched, note[0] ? note : NULL) ||
              (ld && rlog_lock_edges(log, run_id, ld)))) {
    fprintf(stderr, "error: %s: %s\n", db, rlog_errmsg(log));
    goto out;
  }

  int met = cli_expectation_met(&l->b, &r);
  /* the conditions, while the model holds the final state */
  char conds[SCN_MAX_CONDS][200];
  int cmet = run_conditions(&l->b, &r, conds);
  if (!o.quiet) {
    print_result(&o, l, &p, &r, sched, note, &dg, met, ld);
    for (int i = 0; i < l->b.nconds; i++)
      printf("condition: %s\n", conds[i]);
    if (model_quiescent(&r) && l->b.desc->final_state) {
      char fs[1024];
      model_final_state(&l->b, fs, sizeof fs);
      printf("final:    %s\n", fs[0] ? fs : "(no variables)");
    }
    printf("symbolic: %s%s%s\n", symb ? symb : "none (", symb ? "" : symerr,
           symb ? "" : ")");
    if (log)
      printf("database: %s (execution %lld)\n", db, (long long)exec_id);
  }
  rc = met && cmet ? CLI_OK : CLI_NOT_MET;

  if (log) {
    rlog_close(log);
    log = NULL;
    render_opts ro = {.exec_id = exec_id};
    int existed = access(svg, F_OK) == 0; /* a previous run's timeline */
    if (render_timeline(db, svg, &ro, err, sizeof err)) {
      fprintf(stderr, "error: rendering %s: %s\n", svg, err);
      rc = CLI_BAD_INPUT;
    } else if (!o.quiet && existed) {
      printf("timeline: %s (execution %lld; it replaced the previous "
             "timeline: 'mmsim render %s --exec N -o FILE' draws any "
             "logged execution)\n",
             svg, (long long)exec_id, db);
    } else if (!o.quiet) {
      printf("timeline: %s (execution %lld)\n", svg, (long long)exec_id);
    }
    /* the race in the terminal, from the log as the timeline */
    if (r.outcome == SIM_VIOLATION && !o.quiet) {
      printf("\n");
      if (race_report(db, exec_id, RUN_REPORT_STEPS, stdout, err, sizeof err)) {
        fprintf(stderr, "error: race report: %s\n", err);
        rc = CLI_BAD_INPUT;
      }
      printf("\n");
    }
  }
  if (!o.quiet && r.nsched) {
    printf("replay:   mmsim replay %s%s%s --schedule '%s'\n", o.path,
           o.variant ? " --variant " : "", o.variant ? o.variant : "", sched);
    if (symb && !strchr(symb, '\''))
      printf("          mmsim replay %s%s%s --schedule '%s'\n", o.path,
             o.variant ? " --variant " : "", o.variant ? o.variant : "", symb);
  } else if (!o.quiet) /* nothing to replay: no step was granted */
    printf("replay:   none (no step ran)\n");
  if (o.check_det &&
      !check_determinism(l, &p, o.max_steps, &r, sched, &dg, ld != NULL))
    rc = CLI_NOT_MET;

out:
  sim_lockdep_free(ld);
  if (log)
    rlog_close(log);
  if (tf && tf != stdout)
    fclose(tf);
  sim_result_free(&r);
  exec_state_free(&es);
  sim_symsched_free(&p.sym);
  free(symb);
  free(sched);
  free(p.seq);
  free(db);
  free(svg);
  free(file_sched);
  cli_unload(l);
  return rc;
}

static int cmd_run(int argc, char **argv) {
  return run_main("run", argc, argv);
}

static int cmd_replay(int argc, char **argv) {
  return run_main("replay", argc, argv);
}

#define RUN_OPTIONS                                                            \
  "  --variant V          kernel preset instead of the scenario's (see mmsim " \
  "check --knobs)\n"                                                           \
  "  --policy P           timed | random | replay\n"                           \
  "  --seed N             seed of the timed (ties) and random policies\n"      \
  "  --schedule S         replay a schedule string, e.g. 0*3.1*2.0\n"          \
  "  --schedule-file F    replay the schedule in file F (first line)\n"        \
  "  --db FILE            database (default out/SCENARIO.db, appended)\n"      \
  "  --svg FILE           timeline (default out/SCENARIO.svg)\n"               \
  "  --no-log             no database, no timeline\n"                          \
  "  --max-steps N        stop an execution after N steps\n"                   \
  "  --check-determinism  run twice in-process and compare hashes\n"           \
  "  --quiet              print nothing but errors\n"                          \
  "  --transcript FILE    write every step as text to FILE (- for stdout)\n"   \
  "  --no-lockdep         no lock-order checker (lock-order violations)\n"     \
  "\n"                                                                         \
  "exit status: 0 expectation met, 1 not met, 2 bad input\n"

const cli_command cli_run = {
    "run", cmd_run, "SCENARIO",
    "run one execution, log it, render its timeline",
    "usage: mmsim run SCENARIO [options]\n"
    "\n"
    "Runs one execution of SCENARIO under a schedule the simulator controls,\n"
    "logs every step to SQLite and renders the timeline.  Without options the\n"
    "scenario's own 'run' line is used, else the timed policy with seed 1.\n"
    "\n" RUN_OPTIONS};

const cli_command cli_replay = {
    "replay", cmd_replay, "SCENARIO",
    "re-run a recorded schedule (--schedule S)",
    "usage: mmsim replay SCENARIO --schedule S [options]\n"
    "\n"
    "Re-runs the execution of SCENARIO that a schedule string describes (as\n"
    "printed by run and explore), logs it and renders its timeline.  If the\n"
    "schedule names a thread that is not enabled, the replay says where it\n"
    "diverged.\n"
    "\n" RUN_OPTIONS};
