/*
** explore.c - `mmsim explore`: parses options, runs a campaign
** (campaign.h) and prints one table, the minimal counterexample of each
** violation kind with the command that replays it, and a certificate
** ("all N traces clean") where the search was complete.
*/
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/cli/campaign.h"
#include "reports/racereport.h"
#include "reports/strbuf.h"

/* Final states listed per variant without --states. */
#define EXPLORE_STATES 8

/* Steps in the race report of each counterexample (as run's). */
#define EXPLORE_REPORT_STEPS 40

/* 1: stopped by a signal (SIGINT, SIGTERM, SIGHUP); 2: by --max-time. */
static volatile sig_atomic_t interrupted;
static volatile sig_atomic_t signalled;

/* The first signal stops the search: the summary so far is printed, the
   log closed, the exit status CLI_INTERRUPTED.  A second one kills as the
   signal's default would. */
static void on_signal(int sig) {
  if (signalled) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  signalled = 1;
  interrupted = 1;
  campaign_stop_workers();
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

struct xopts {
  camp_opts c;
  const char *db;
  int no_log, quiet;
  const char *schedule_dir;
  const char *json; /* --json FILE ("-": stdout) */
  const char *html; /* --html FILE */
  long states;      /* --states [N]: final states listed per variant (-1:
                       all) */
  int states_given; /* else EXPLORE_STATES */
  char *vlist;      /* storage of --variants */
};

static int parse_opts(int argc, char **argv, struct xopts *o) {
  static const struct option lo[] = {
      {"strategy", required_argument, 0, 'S'},
      {"variants", required_argument, 0, 'V'},
      {"first", no_argument, 0, 'f'},
      {"max-execs", required_argument, 0, 'x'},
      {"max-time", required_argument, 0, 't'},
      {"log-all", no_argument, 0, 'a'},
      {"loop-bound", required_argument, 0, 'b'},
      {"max-steps", required_argument, 0, 'm'},
      {"traces", no_argument, 0, 'T'},
      {"audit", no_argument, 0, 'A'},
      {"jobs", required_argument, 0, 'j'},
      {"seed", required_argument, 0, 's'},
      {"db", required_argument, 0, 'd'},
      {"no-log", no_argument, 0, 'n'},
      {"schedule-dir", required_argument, 0, 'D'},
      {"json", required_argument, 0, 'J'},
      {"html", required_argument, 0, 'H'},
      {"quiet", no_argument, 0, 'q'},
      {"no-lockdep", no_argument, 0, 'L'},
      {"states", optional_argument, 0, 'F'},
      {"help", no_argument, 0, 'h'},
      {0, 0, 0, 0}};
  camp_opts *c = &o->c;
  char err[256], *end;
  uint64_t n;
  int ch, li = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", lo, &li)) != -1) {
    switch (ch) {
    case 'S':
      if (exp_strategy_parse(optarg, &c->cfg, err, sizeof err)) {
        fprintf(stderr, "mmsim explore: %s\n", err);
        return CLI_BAD_INPUT;
      }
      c->strategy = optarg;
      break;
    case 'V':
      free(o->vlist);
      o->vlist = strdup(optarg);
      c->nvariants = 0;
      for (char *p = strtok(o->vlist, ","); p; p = strtok(NULL, ",")) {
        if (c->nvariants == CAMP_MAX_VARIANTS)
          return cli_usage("explore", "--variants takes at most %d variants",
                           CAMP_MAX_VARIANTS);
        for (int i = 0; i < c->nvariants; i++)
          if (!strcmp(c->variants[i], p))
            return cli_usage("explore", "--variants names %s twice", p);
        c->variants[c->nvariants++] = p;
      }
      if (!c->nvariants)
        return cli_usage("explore", "--variants expects V1,V2,...");
      break;
    case 'f':
      c->cfg.stop_first = 1;
      break;
    case 'T':
      c->cfg.traces = 1;
      break;
    case 'A':
      c->cfg.audit = 1;
      break;
    case 'n':
      o->no_log = 1;
      break;
    case 'q':
      o->quiet = 1;
      break;
    case 'L':
      c->no_lockdep = 1;
      break;
    case 'F':
      o->states_given = 1;
      if (!optarg)
        o->states = -1;
      else if (cli_u64(optarg, &n) || n > 1000000)
        return cli_usage("explore", "--states expects a number (0..1000000)");
      else
        o->states = (long)n;
      break;
    case 'a':
      c->log_all = 1;
      break;
    case 't':
      c->max_time = strtod(optarg, &end);
      if (*end || !*optarg || !(c->max_time > 0) || c->max_time > 1e9)
        return cli_usage("explore", "--max-time expects seconds > 0");
      break;
    case 'x':
    case 'b':
    case 'm':
    case 's':
    case 'j':
      if (cli_u64(optarg, &n))
        return cli_usage("explore", "--%s expects a number", lo[li].name);
      if (ch == 'x')
        c->cfg.max_execs = n;
      else if (ch == 'b' && n > 1000)
        return cli_usage("explore", "--loop-bound expects 0..1000");
      else if (ch == 'b')
        c->loop_bound = (int)n;
      else if (ch == 'm')
        c->max_steps = n;
      else if (ch == 's')
        c->cfg.seed = n;
      else if (n < 1 || n > 64)
        return cli_usage("explore", "--jobs expects 1..64");
      else
        c->jobs = (int)n;
      break;
    case 'd':
      o->db = optarg;
      break;
    case 'D':
      o->schedule_dir = optarg;
      break;
    case 'J':
      o->json = optarg;
      break;
    case 'H':
      o->html = optarg;
      break;
    case 'h':
      return -1;
    default:
      return cli_bad_option("explore", ch, argv, lo);
    }
  }
  if (o->html && o->no_log)
    return cli_usage("explore", "--html reads the counterexamples back from "
                                "the log: drop --no-log");
  if (optind == argc)
    return cli_usage("explore", "expected a scenario file");
  if (optind != argc - 1)
    return cli_usage("explore", "unexpected argument '%s'", argv[optind + 1]);
  if (o->no_log && (o->db || c->log_all))
    return cli_usage("explore", "--no-log conflicts with %s",
                     o->db ? "--db" : "--log-all");
  c->path = argv[optind];
  return 0;
}

/* Writes DIR/VARIANT-KIND.sched: 0, or 2 with the error printed. */
static int write_schedule(const char *dir, const camp_variant *r,
                          const camp_kind *k) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s-%s.sched", dir, r->variant, k->name);
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "error: cannot write %s: %s\n", path, strerror(errno));
    return CLI_BAD_INPUT;
  }
  fprintf(f, "%s\n", k->sched);
  fclose(f);
  printf("    schedule file: %s\n", path);
  return 0;
}

/* The outcome conditions of each variant, with a witness schedule for
   each direction, and the distinct final states, most frequent first
   (the first 'cap', -1: all). */
static void print_finals(const struct xopts *o, const campaign *c) {
  const camp_opts *co = &o->c;
  int lit = c->l->scn.litmus[0] != 0;
  int header = 0;
  for (int i = 0; i < c->nres; i++) {
    const camp_variant *r = &c->res[i];
    for (int k = 0; k < r->nconds; k++) {
      const camp_cond *cd = &r->conds[k];
      if (!header++)
        printf("conditions (executions ending in a final state where each "
               "holds / does not):\n");
      printf("  %s %s: %llu / %llu -- %s%s\n", r->variant, cd->text,
             (unsigned long long)cd->held, (unsigned long long)cd->failed,
             cd->met ? "met: " : "NOT met: ", cd->verdict);
      for (int h = 1; h >= 0; h--) {
        const char *s = h ? cd->held_sched : cd->failed_sched;
        if (s)
          printf("    %s: mmsim replay %s%s%s --schedule '%s'\n",
                 h ? "holds" : "does not hold", co->path,
                 lit ? "" : " --variant ", lit ? "" : r->variant, s);
      }
    }
  }
  long cap = o->states_given ? o->states : EXPLORE_STATES;
  for (int i = 0; i < c->nres && cap; i++) {
    const camp_variant *r = &c->res[i];
    if (!r->nfstates)
      continue;
    printf("final states, %s (%zu distinct; count, state):\n", r->variant,
           r->nfstates);
    for (size_t k = 0; k < r->nfstates && (cap < 0 || (long)k < cap); k++)
      printf("  %8llu  %s\n", (unsigned long long)r->fstates[k].count,
             r->fstates[k].text[0] ? r->fstates[k].text : "(no variables)");
    if (cap >= 0 && r->nfstates > (size_t)cap)
      printf("  ... %zu more (--states lists them all)\n",
             r->nfstates - (size_t)cap);
    if (r->other_states)
      printf("  %8llu  (beyond the first %d distinct states)\n",
             (unsigned long long)r->other_states, CAMP_MAX_STATES);
  }
}

/* The symbolic schedule of a counterexample (sim/symsched.h), under its
   replay command (derived by the campaign). */
static void print_symbolic(const struct xopts *o, const campaign *c,
                           const camp_variant *r, const camp_kind *kd) {
  int lit = c->l->scn.litmus[0] != 0;
  if (!kd->sched)
    return;
  const char *sym = kd->symbolic;
  if (sym && !strchr(sym, '\''))
    printf("    mmsim replay %s%s%s --schedule '%s'\n", o->c.path,
           lit ? "" : " --variant ", lit ? "" : r->variant, sym);
  else
    printf("    symbolic: none (%s)\n",
           sym ? "a quote in a label" : kd->symbolic_err);
}

/* The table, the counterexamples, the time.  Returns 2 if a schedule file
   could not be written, else 0. */
static int print_campaign(const struct xopts *o, const campaign *c) {
  const camp_opts *co = &o->c;
  int rc = 0, lit = c->l->scn.litmus[0] != 0;
  uint64_t total = 0;
  printf("explore %s: \"%s\", strategy %s, ", co->path, c->l->scn.title,
         co->strategy);
  if (co->loop_bound != CAMP_LOOP_BOUND_AUTO)
    printf("loop bound %d", co->loop_bound);
  else if (exp_strategy_stateful(&co->cfg))
    printf("loop bound %d where the state space is infinite", CAMP_LOOP_BOUND);
  else
    printf("loop bound %d", CAMP_LOOP_BOUND);
  if (co->jobs > 1)
    printf(", %d jobs", co->jobs);
  printf("\n%-8s %10s %8s %8s %7s %7s  %-28s %s\n", "variant", "executions",
         "cut", "pruned", "states", "traces", "violations", "verdict");
  for (int i = 0; i < c->nres; i++) {
    const camp_variant *r = &c->res[i];
    char viol[256] = "none", tr[24] = "-";
    size_t len = 0;
    /* a kind the scenario does not expect, beside one it does, is
       flagged (the exit status does not change: FORMAT.md) */
    for (int k = 0; k < r->nkinds && len < sizeof viol; k++)
      len += (size_t)snprintf(viol + len, sizeof viol - len, "%s%s %llu%s",
                              k ? ", " : "", r->kinds[k].name,
                              (unsigned long long)r->kinds[k].count,
                              r->kinds[k].unexpected ? " unexpected" : "");
    if (co->cfg.traces)
      snprintf(tr, sizeof tr, "%zu", r->traces.n);
    printf("%-8s %10llu %8llu %8llu %7zu %7s  %-28s %s\n", r->variant,
           (unsigned long long)r->st.execs, (unsigned long long)r->cut,
           (unsigned long long)r->st.pruned, r->states.n, tr, viol, r->verdict);
    total += r->st.execs + r->st.pruned;
  }
  for (int i = 0; i < c->nres; i++)
    if (c->res[i].st.passes) {
      const exp_stats *st = &c->res[i].st;
      char bound[32] = "no loop bound";
      if (c->res[i].loop_bound)
        snprintf(bound, sizeof bound, "loop bound %d", c->res[i].loop_bound);
      printf("%-8s state matching: %s, %llu states, %llu executions stopped "
             "at one already explored, %d pass%s (%llu executions run "
             "again)%s\n",
             c->res[i].variant, bound, (unsigned long long)st->states,
             (unsigned long long)st->cached, st->passes,
             st->passes == 1 ? "" : "es", (unsigned long long)st->reruns,
             co->cfg.audit ? ", audited" : "");
      if (st->states_full)
        printf("%-8s state matching stopped: the state table is full (not "
               "exhaustive; a loop bound, --loop-bound, keeps an infinite "
               "state space finite)\n",
               c->res[i].variant);
    }
  for (int i = c->nres; i < c->nwanted; i++)
    printf("%-8s %10s %8s %8s %7s %7s  %-28s %s\n", c->wanted[i], "-", "-", "-",
           "-", "-", "-", "not explored (stopped)");
  int header = 0;
  for (int i = 0; i < c->nres; i++)
    for (int k = 0; k < c->res[i].nkinds; k++) {
      const camp_variant *r = &c->res[i];
      const camp_kind *kd = &r->kinds[k];
      if (!header++)
        printf("minimal counterexamples:\n");
      printf("  %s %s: %d preemption%s, %llu steps (%s)\n    mmsim replay "
             "%s%s%s --schedule '%s'\n",
             r->variant, kd->name, kd->pre, kd->pre == 1 ? "" : "s",
             (unsigned long long)kd->steps,
             kd->minimal ? "minimal" : "smallest seen", co->path,
             lit ? "" : " --variant ", lit ? "" : r->variant, kd->sched);
      print_symbolic(o, c, r, kd);
      if (o->schedule_dir && write_schedule(o->schedule_dir, r, kd))
        rc = CLI_BAD_INPUT;
    }
  print_finals(o, c);
  for (int i = 0; i < c->nres; i++)
    if (c->res[i].lockdep_reports) {
      printf("lockdep, %s (each distinct cycle once):\n", c->res[i].variant);
      char *rep = strdup(c->res[i].lockdep_reports);
      for (char *line = rep ? strtok(rep, "\n") : NULL; line;
           line = strtok(NULL, "\n"))
        printf("  %s\n", line);
      free(rep);
    }
  double dt = c->seconds;
  printf("time %.2f s, %.0f executions/s%s\n", dt,
         dt > 0 ? (double)total / dt : 0.0,
         interrupted == 2   ? " (stopped at --max-time)"
         : interrupted == 1 ? " (interrupted)"
                            : "");
  return rc;
}

/* A replay command as a JSON string ('variant' NULL: a litmus test). */
static void json_replay(strbuf *b, const char *path, const char *variant,
                        const char *sched) {
  strbuf rp = {0};
  sb_printf(&rp, "mmsim replay %s%s%s --schedule '%s'", path,
            variant ? " --variant " : "", variant ? variant : "",
            sched ? sched : "");
  sb_json(b, rp.p);
  free(rp.p);
}

/* The campaign as JSON for scripts: per variant its counts, verdict and
   counterexamples (no wall-clock figure: the same search writes the same
   bytes). */
static void json_campaign(strbuf *b, const struct xopts *o, const campaign *c) {
  const camp_opts *co = &o->c;
  int lit = c->l->scn.litmus[0] != 0;
  sb_puts(b, "{\"scenario\":");
  sb_json(b, co->path);
  sb_puts(b, ",\"title\":");
  sb_json(b, c->l->scn.title);
  sb_puts(b, ",\"strategy\":");
  sb_json(b, co->strategy);
  sb_printf(b, ",\"all_met\":%s,\"interrupted\":%s,\"variants\":[",
            c->all_met ? "true" : "false", interrupted ? "true" : "false");
  for (int i = 0; i < c->nwanted; i++) {
    sb_puts(b, i ? ",\n{\"variant\":" : "\n{\"variant\":");
    sb_json(b, c->wanted[i]);
    if (i >= c->nres) {
      sb_puts(b, ",\"explored\":false}");
      continue;
    }
    const camp_variant *r = &c->res[i];
    sb_puts(b, ",\"explored\":true,\"expect\":");
    sb_json(b, r->expect);
    sb_printf(b,
              ",\"met\":%s,\"complete\":%s,\"executions\":%llu,\"cut\":%llu,"
              "\"pruned\":%llu,\"states\":%llu,\"loop_bound\":%d,"
              "\"verdict\":",
              r->expect_met ? "true" : "false",
              r->st.complete ? "true" : "false",
              (unsigned long long)r->st.execs, (unsigned long long)r->cut,
              (unsigned long long)r->st.pruned,
              (unsigned long long)(r->st.passes ? r->st.states : r->states.n),
              r->loop_bound);
    sb_json(b, r->verdict);
    sb_puts(b, ",\"conditions\":[");
    for (int k = 0; k < r->nconds; k++) {
      const camp_cond *cd = &r->conds[k];
      sb_puts(b, k ? ",{\"condition\":" : "{\"condition\":");
      sb_json(b, cd->text);
      sb_printf(b, ",\"held\":%llu,\"failed\":%llu,\"met\":%s,\"verdict\":",
                (unsigned long long)cd->held, (unsigned long long)cd->failed,
                cd->met ? "true" : "false");
      sb_json(b, cd->verdict);
      sb_puts(b, ",\"held_schedule\":");
      sb_json(b, cd->held_sched ? cd->held_sched : "");
      sb_puts(b, ",\"failed_schedule\":");
      sb_json(b, cd->failed_sched ? cd->failed_sched : "");
      sb_puts(b, "}");
    }
    sb_puts(b, "],\"final_states\":[");
    for (size_t k = 0; k < r->nfstates; k++) {
      sb_puts(b, k ? ",{\"state\":" : "{\"state\":");
      sb_json(b, r->fstates[k].text);
      sb_printf(b, ",\"count\":%llu}", (unsigned long long)r->fstates[k].count);
    }
    sb_puts(b, "],\"kinds\":[");
    for (int k = 0; k < r->nkinds; k++) {
      const camp_kind *kd = &r->kinds[k];
      sb_puts(b, k ? ",{\"kind\":" : "{\"kind\":");
      sb_json(b, kd->name);
      sb_printf(b,
                ",\"count\":%llu,\"preemptions\":%d,\"steps\":%llu,"
                "\"minimal\":%s,\"schedule\":",
                (unsigned long long)kd->count, kd->pre,
                (unsigned long long)kd->steps, kd->minimal ? "true" : "false");
      sb_json(b, kd->sched ? kd->sched : "");
      sb_puts(b, ",\"replay\":");
      json_replay(b, co->path, lit ? NULL : r->variant, kd->sched);
      /* the symbolic schedule, and its replay command (none when a
         label has a quote: the shell line could not carry it) */
      sb_puts(b, ",\"symbolic\":");
      if (kd->symbolic)
        sb_json(b, kd->symbolic);
      else
        sb_puts(b, "null");
      sb_puts(b, ",\"symbolic_replay\":");
      if (kd->symbolic && !strchr(kd->symbolic, '\''))
        json_replay(b, co->path, lit ? NULL : r->variant, kd->symbolic);
      else
        sb_puts(b, "null");
      sb_puts(b, "}");
    }
    sb_puts(b, "]}");
  }
  sb_puts(b, "\n]}\n");
}

/* Writes the JSON summary to o->json: 0, or -1 with the error printed. */
static int write_json(const struct xopts *o, const campaign *c) {
  strbuf b = {0};
  json_campaign(&b, o, c);
  int rc = 0, out = !strcmp(o->json, "-");
  FILE *f = out ? stdout : fopen(o->json, "w");
  if (!f || fwrite(b.p, 1, b.n, f) != b.n || (!out && fclose(f))) {
    fprintf(stderr, "error: cannot write %s: %s\n", o->json, strerror(errno));
    rc = -1;
  }
  free(b.p);
  return rc;
}

/* The race report of each minimal counterexample, from the log. */
static int print_race_reports(const campaign *c, const char *db) {
  for (int i = 0; i < c->nres; i++)
    for (int k = 0; k < c->res[i].nkinds; k++) {
      const camp_kind *kd = &c->res[i].kinds[k];
      char err[512];
      if (!kd->log_exec)
        continue;
      printf("\n");
      if (race_report(db, kd->log_exec, EXPLORE_REPORT_STEPS, stdout, err,
                      sizeof err)) {
        fprintf(stderr, "error: race report: %s\n", err);
        return -1;
      }
    }
  return 0;
}

static int cmd_explore(int argc, char **argv) {
  struct xopts o = {.c = {.strategy = "stateful",
                          .cfg = {.strategy = EXP_STATEFUL},
                          .loop_bound = CAMP_LOOP_BOUND_AUTO,
                          .jobs = 1}};
  campaign c = {0};
  char *db = NULL;
  int rc = parse_opts(argc, argv, &o);
  if (rc < 0) {
    rc = cli_help(&cli_explore);
    goto out;
  }
  if (rc)
    goto out;
  rc = CLI_BAD_INPUT;
  if (!o.no_log) {
    char err[512];
    db = o.db ? strdup(o.db) : cli_default_out(o.c.path, "explore.db");
    if (!(o.c.log = rlog_open(db, err, sizeof err))) {
      fprintf(stderr, "error: %s\n", err);
      goto out;
    }
  }
  /* SA_RESTART: a Ctrl-C while the parent of --jobs workers reads their
     pipes or waits for them must not fail those calls; the workers stop
     (the handler passes the signal on) and send what they explored.
     sim_init() keeps these handlers over SimGrid's own. */
  struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < sizeof stop_signals / sizeof *stop_signals; i++)
    sigaction(stop_signals[i], &sa, NULL);
  o.c.stop = &interrupted;
  o.c.progress = o.quiet ? 0 : isatty(2) ? 1 : 2;
  o.c.announce = !o.quiet;
  if ((rc = campaign_run(&c, &o.c)))
    goto out;
  rc = print_campaign(&o, &c);
  if (o.json && write_json(&o, &c))
    rc = CLI_BAD_INPUT;
  if (o.c.log) {
    rlog_close(o.c.log);
    o.c.log = NULL;
    printf("database: %s\n", db);
    if (!o.quiet && print_race_reports(&c, db))
      rc = CLI_BAD_INPUT;
    char err[512];
    if (o.html && cli_html_report(o.html, &c, db, err, sizeof err)) {
      fprintf(stderr, "error: %s\n", err);
      rc = CLI_BAD_INPUT;
    } else if (o.html) {
      printf("report:   %s\n", o.html);
    }
  }
  if (!rc)
    rc = signalled ? CLI_INTERRUPTED : c.all_met ? CLI_OK : CLI_NOT_MET;
  fflush(stdout);
out:
  if (o.c.log)
    rlog_close(o.c.log);
  campaign_free(&c);
  free(db);
  free(o.vlist);
  return rc;
}

const cli_command cli_explore = {
    "explore", cmd_explore, "SCENARIO",
    "explore the interleavings (stateful DPOR), certify or find\n"
    "                     minimal counterexamples, variants side by side",
    "usage: mmsim explore SCENARIO [options]\n"
    "\n"
    "Explores the interleavings of SCENARIO on each kernel variant until "
    "every\n"
    "one is covered (or a cap is hit), reports each violation kind with its\n"
    "minimal counterexample (fewest preemptions, then fewest steps) and the\n"
    "command that replays it, or certifies that all traces are clean.\n"
    "\n"
    "  --strategy S       stateful (default) | dpor | optimal | naive |\n"
    "                     stateful-naive | bounded:K | pct:N,d | random:N\n"
    "  --variants V,...   kernel variants (default: the scenario's kernel and\n"
    "                     every variant of an 'expect on' line)\n"
    "  --first            stop a variant at its first violation (once "
    "each expected kind\n"
    "                     was found, if any)\n"
    "  --max-execs N      cap the executions per variant\n"
    "  --max-time S       stop after S seconds of wall time (the results then\n"
    "                     depend on the machine's speed)\n"
    "  --log-all          log every execution's events, not only the minimal\n"
    "                     counterexamples (each is re-run to be logged)\n"
    "  --loop-bound B     cut executions where a retry loop runs more than B\n"
    "                     extra times (0: no bound; default 3, and none for\n"
    "                     a stateful search where the state space is finite)\n"
    "  --max-steps N      cut executions longer than N steps\n"
    "  --traces           count distinct Mazurkiewicz traces\n"
    "  --audit            stateful: run on past each matched state and check\n"
    "                     the run against what was explored below it (the\n"
    "                     lock-order checker is then off)\n"
    "  --jobs N           split the search among N worker processes\n"
    "  --seed N           seed of pct and random\n"
    "  --db FILE          log (default out/SCENARIO.explore.db)\n"
    "  --json FILE        the verdicts, counts and counterexamples as JSON "
    "(- : stdout)\n"
    "  --html FILE        one self-contained page: the variants, each "
    "counterexample's\n"
    "                     race report and timeline, the scenario\n"
    "  --no-log           no database\n"
    "  --schedule-dir D   write each minimal counterexample to "
    "D/VARIANT-KIND.sched\n"
    "  --quiet            only the summary\n"
    "  --no-lockdep       no lock-order checker (lock-order violations)\n"
    "  --states[=N]       list every distinct final state (or the N most "
    "frequent;\n"
    "                     default 8, 0: none); the log has them all\n"
    "\n"
    "exit status: 0 when every variant meets the scenario's expectation and\n"
    "its outcome conditions (a kind found beside an expected one is flagged\n"
    "'unexpected' and does not change it), 1\n"
    "when one does not (or was not explored exhaustively), 2 on bad input,\n"
    "130 when stopped by SIGINT (Ctrl-C), SIGTERM or SIGHUP: the summary so\n"
    "far is printed, marked (interrupted), and the log closed cleanly; a\n"
    "second signal kills at once.\n"};
