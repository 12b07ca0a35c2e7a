/*
** campaign.c - see campaign.h.
**
** Logging: every explored execution gets one `execution` row (schedule,
** outcome, trace hash; --log-all re-runs it with every event).  With one
** process the row is written as the execution is reported.  Workers of
** --jobs never touch the log: each sends its counts, final states, traces
** and counterexamples back through a pipe as text lines, and writes the
** schedule string of each execution it reports, one a line, to a temporary
** file the parent created before the fork (a file, not a pipe: the parent
** reads it only after the worker ends).  The parent merges the results,
** then re-runs each worker's schedules in worker order and logs their
** rows, so the rows are those of one process, in a deterministic order.
** Either way the minimal counterexample of each kind is then re-run with
** full event logging.
**
** The lock-order checker (sim/lockdep.h): one class graph per variant,
** kept across the variant's executions, so that each distinct cycle is
** reported once, by the execution that adds its last edge (its two
** halves may come from two executions: the report names the schedule of
** each edge).  A cycle is found only among edges of executions actually
** run: executions a reduction or state matching prunes add none.  Every
** re-run (logging, minimising) gets a graph of its own: a re-run of an
** execution whose edges the exploration's graph already holds would not
** report them again.  Each --jobs worker has its own graph, so a cycle
** may be counted once per worker.
**
** Forks happen in maestro, never inside sim_run_driver() (workers.c):
** each worker process then explores in a driver of its own (sim_explore),
** and the parent re-runs the workers' schedules in one.
*/
#include "reports/cli/campaign.h"

#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/hash.h"
#include "sim/lockdep.h"
#include "sim/sched.h"
#include "sim/wallclock.h"

/* ------------------------------------------------------------ hash set */

/* Adds h (0 is kept free as the empty mark: stored as 1).  -1 when out of
   memory, and the set is then left as it was. */
static int hset_add(camp_hset *s, uint64_t h) {
  h |= 1;
  if (2 * (s->n + 1) > s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 1024;
    uint64_t *v = calloc(cap, sizeof *v);
    if (!v)
      return -1;
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
  return 0;
}

static void hset_free(camp_hset *s) {
  free(s->v);
  *s = (camp_hset){0};
}

/* ------------------------------------------------------------ results */

/* Counts 'count' more of kind 'name'; keeps 'sched' if it is a smaller
   counterexample than the one kept (fewest preemptions, then steps, then
   the schedule string, so that merged worker results are deterministic). */
static void add_kind(camp_variant *res, const char *name, uint64_t count,
                     int pre, uint64_t steps, const char *sched) {
  camp_kind *k = NULL;
  for (int i = 0; i < res->nkinds; i++)
    if (!strcmp(res->kinds[i].name, name))
      k = &res->kinds[i];
  if (!k) {
    if (res->nkinds == CAMP_MAX_KINDS)
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

/* Counts 'count' more executions ending in final state 'text'. */
static void add_state(camp_variant *res, const char *text, uint64_t count) {
  uint64_t h = SIM_HASH_INIT;
  sim_hash_str(&h, text);
  for (size_t i = 0; i < res->nfstates; i++)
    if (res->fstates[i].hash == h && !strcmp(res->fstates[i].text, text)) {
      res->fstates[i].count += count;
      return;
    }
  if (res->nfstates == CAMP_MAX_STATES) {
    res->other_states += count;
    return;
  }
  if (res->nfstates == res->capfstates) {
    size_t cap = res->capfstates ? 2 * res->capfstates : 16;
    camp_state *v = realloc(res->fstates, cap * sizeof *v);
    if (!v) {
      res->other_states += count;
      return;
    }
    res->fstates = v;
    res->capfstates = cap;
  }
  char *t = strdup(text);
  if (!t) {
    res->other_states += count;
    return;
  }
  res->fstates[res->nfstates++] = (camp_state){h, count, t};
}

/* Counts 'count' more executions where condition i held (or not), and
   keeps 'sched' if it is a shorter witness. */
static void add_cond(camp_variant *res, int i, int held, uint64_t count,
                     uint64_t steps, const char *sched) {
  camp_cond *c = &res->conds[i];
  uint64_t *n = held ? &c->held : &c->failed;
  uint64_t *st = held ? &c->held_steps : &c->failed_steps;
  char **s = held ? &c->held_sched : &c->failed_sched;
  *n += count;
  if (sched &&
      (!*s || steps < *st || (steps == *st && strcmp(sched, *s) < 0))) {
    char *d = strdup(sched);
    if (!d)
      return;
    free(*s);
    *s = d;
    *st = steps;
  }
}

static void variant_free(camp_variant *r) {
  for (int i = 0; i < r->nkinds; i++)
    free(r->kinds[i].sched);
  for (int i = 0; i < r->nconds; i++) {
    free(r->conds[i].held_sched);
    free(r->conds[i].failed_sched);
  }
  for (size_t i = 0; i < r->nfstates; i++)
    free(r->fstates[i].text);
  free(r->fstates);
  free(r->lockdep_reports);
  hset_free(&r->states);
  hset_free(&r->traces);
  memset(r, 0, sizeof *r);
}

/* ------------------------------------------------------------ one variant */

/* What the explorer's callback needs while one variant runs. */
struct run {
  const camp_opts *o;
  cli_scenario *l;
  const sim_exec_cfg *base;
  camp_variant *res;
  volatile sig_atomic_t *stop;
  double deadline; /* --max-time, 0: none */
  uint64_t of;     /* sampled strategies: executions planned */
  int progress;
  int64_t run_id; /* -1: not logging executions */
  FILE *scheds;   /* a worker's: where its executions' schedules go */
  double t0, last;
  sim_lockdep *ld;     /* the exploration's class graph, NULL: none */
  sim_lockdep *log_ld; /* the re-runs' for logging (log_replayed) */
};

/* A graph for 'base' when it has one (same model), else NULL. */
static sim_lockdep *graph_like(const sim_exec_cfg *base) {
  return base->lockdep ? sim_lockdep_new() : NULL;
}

/* Keeps a full lock-order report (at most CAMP_MAX_LOCKDEP_REPORTS). */
static void append_report(camp_variant *res, const char *rep) {
  if (res->nlockdep_reports == CAMP_MAX_LOCKDEP_REPORTS)
    return;
  size_t old = res->lockdep_reports ? strlen(res->lockdep_reports) : 0;
  char *v = realloc(res->lockdep_reports, old + strlen(rep) + 2);
  if (!v)
    return;
  snprintf(v + old, strlen(rep) + 2, "%s%s", old ? "\n" : "", rep);
  res->lockdep_reports = v;
  res->nlockdep_reports++;
}

/* Keeps the full report of the lock-order violation just found. */
static void keep_lockdep_report(struct run *u) {
  if (!u->ld)
    return;
  char rep[8192];
  sim_lockdep_report(u->ld, rep, sizeof rep);
  append_report(u->res, rep);
}

/* Logs the row of the execution granted 'seq' by re-running it with the
   base config (loop bound, max steps: a cut execution is cut again) and,
   with --log-all, every event.  A replay that diverges (a schedule not of
   this variant) says so on stderr and in the row's note.  'sched' is the
   schedule string stored. */
static void log_replayed(struct run *u, const uint8_t *seq, size_t n,
                         const char *sched) {
  rlog *log = u->o->log;
  rlog_exec_begin(log, u->run_id, cli_namer, &u->l->b);
  sim_sched ss;
  sim_exec_cfg c = *u->base;
  c.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, n);
  c.observer = u->o->log_all ? rlog_observer(log) : NULL;
  c.lockdep = u->log_ld;
  sim_result r;
  if (sim_exec_run(&c, &r))
    return; /* the row stays 'incomplete' */
  char note[96] = "";
  if (ss.diverged) {
    snprintf(note, sizeof note, "replay diverged at step %llu",
             (unsigned long long)ss.diverged_at);
    fprintf(stderr, "mmsim explore: schedule %s: %s\n", sched ? sched : "?",
            note);
  }
  rlog_exec_end(log, &r, sched, note[0] ? note : NULL);
  sim_result_free(&r);
}

/* Logs one explored execution (its row, or with --log-all its events). */
static void log_exec(struct run *u, const sim_result *r, const char *sched) {
  if (!u->o->log_all || r->outcome == SIM_PRUNED) {
    rlog_exec_begin(u->o->log, u->run_id, cli_namer, &u->l->b);
    rlog_exec_end(u->o->log, r, sched, NULL);
    return;
  }
  log_replayed(u, r->sched, r->nsched, sched);
}

static void show_progress(struct run *u, uint64_t ordinal) {
  double t = sim_wall_seconds();
  if (t - u->last < (u->progress == 1 ? 0.25 : 10.0))
    return;
  u->last = t;
  uint64_t v = 0;
  for (int i = 0; i < u->res->nkinds; i++)
    v += u->res->kinds[i].count;
  char of[48] = "";
  if (u->of)
    snprintf(of, sizeof of, " of %llu, %.0f s left", (unsigned long long)u->of,
             (double)(u->of - ordinal) * (t - u->t0) / (double)ordinal);
  fprintf(stderr,
          "%s[%s] executions %llu%s (%.0f/s), cut %llu, violations %llu%s",
          u->progress == 1 ? "\r" : "", u->res->variant,
          (unsigned long long)ordinal, of, (double)ordinal / (t - u->t0),
          (unsigned long long)u->res->cut, (unsigned long long)v,
          u->progress == 1 ? "  " : "\n");
}

/* The kind 'name' of res, NULL if not found yet. */
static const camp_kind *find_kind(const camp_variant *res, const char *name) {
  for (int i = 0; i < res->nkinds; i++)
    if (!strcmp(res->kinds[i].name, name))
      return &res->kinds[i];
  return NULL;
}

/* A new kind, as soon as it is found (the minimal counterexample comes
   at the end). */
static void announce(struct run *u, uint64_t ordinal, const char *kind,
                     const char *sched) {
  int lit = u->l->scn.litmus[0] != 0;
  if (u->progress == 1)
    fprintf(stderr, "\r%*s\r", 78, "");
  fprintf(stderr,
          "[%s] found %s at execution %llu: mmsim replay %s%s%s --schedule "
          "'%s'\n",
          u->res->variant, kind, (unsigned long long)ordinal, u->o->path,
          lit ? "" : " --variant ", lit ? "" : u->res->variant,
          sched ? sched : "?");
}

/* Context switches in a schedule: an upper bound of its preemptions, for
   a finding whose execution the explorer did not report. */
static int switches(const uint8_t *sched, size_t n) {
  int k = 0;
  for (size_t i = 1; i < n; i++)
    k += sched[i] != sched[i - 1];
  return k;
}

/* The lock-order findings of executions that ended otherwise (a
   deadlock, another violation, a cut, a visited state: sim/lockdep.h)
   count as lock-order witnesses, with the schedule up to the step that
   found each. */
static void take_findings(struct run *u) {
  sim_lockdep_finding f;
  while (sim_lockdep_take(u->ld, &f)) {
    const char *kind = sim_kind_get(NULL, SIM_KIND_LOCK_ORDER)->name;
    char *sched = sim_sched_format(f.sched, f.nsched);
    if (u->o->announce && !find_kind(u->res, kind))
      announce(u, u->res->st.execs, kind, sched);
    add_kind(u->res, kind, 1, switches(f.sched, f.nsched), f.nsched, sched);
    append_report(u->res, f.report);
    free(sched);
    sim_lockdep_finding_free(&f);
  }
}

/* The final state of the execution just reported, and its conditions. */
static void record_final(struct run *u, const sim_result *r, char **sched) {
  const model_binding *b = &u->l->b;
  char text[1024];
  model_final_state(b, text, sizeof text);
  add_state(u->res, text, 1);
  for (int i = 0; i < b->nconds; i++) {
    int held = model_cond_holds(b, i);
    const camp_cond *c = &u->res->conds[i];
    const char *have = held ? c->held_sched : c->failed_sched;
    uint64_t st = held ? c->held_steps : c->failed_steps;
    if (!*sched && (!have || r->steps <= st))
      *sched = sim_sched_format(r->sched, r->nsched);
    add_cond(u->res, i, held, 1, r->steps, *sched);
  }
}

static void on_exec(void *arg, const exp_exec *x) {
  struct run *u = arg;
  camp_variant *res = u->res;
  const sim_result *r = x->r;
  take_findings(u);
  char *sched = NULL;
  switch (r->outcome) {
  case SIM_CLEAN:
    res->clean++;
    hset_add(&res->states, r->state_hash);
    break;
  case SIM_VIOLATION:
    sched = sim_sched_format(r->sched, r->nsched);
    if (u->o->announce && !find_kind(res, r->kind))
      announce(u, x->ordinal, r->kind, sched);
    add_kind(res, r->kind, 1, x->preemptions, r->steps, sched);
    if (r->kind_id == SIM_KIND_LOCK_ORDER)
      keep_lockdep_report(u);
    /* a violating end state differs from a clean one with equal fields */
    hset_add(&res->states, sim_hash_of(r->state_hash ^ r->kind_id));
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
  if (model_quiescent(r)) /* the model is still in its final state */
    record_final(u, r, &sched);
  if (u->o->cfg.traces && r->outcome != SIM_BOUNDED)
    hset_add(&res->traces, x->trace_id);
  if (u->run_id >= 0 && (u->o->jobs <= 1 || u->scheds)) {
    if (!sched)
      sched = sim_sched_format(r->sched, r->nsched);
    if (!u->scheds)
      log_exec(u, r, sched);
    else if (sched) /* a worker: the parent logs it */
      fprintf(u->scheds, "%s\n", sched);
    else
      fprintf(stderr, "mmsim explore: out of memory (execution not logged)\n");
  }
  free(sched);
  if (u->deadline > 0 && (x->ordinal & 63) == 0 &&
      sim_wall_seconds() > u->deadline)
    *u->stop = 2; /* --max-time: stop like Ctrl-C, say why */
  if (u->progress && (x->ordinal & 255) == 0)
    show_progress(u, x->ordinal);
}

/* ------------------------------------------------------------ workers */

/* A worker's result, as text lines: counts (and whether it was stopped),
   then states, traces, kinds; "E" ends it. */
static void send_result(FILE *f, const camp_variant *r, int stopped) {
  fprintf(f, "S %llu %llu %llu %d %d %llu %llu %llu %d\n",
          (unsigned long long)r->st.execs, (unsigned long long)r->st.pruned,
          (unsigned long long)r->st.steps, r->st.complete, r->st.max_depth,
          (unsigned long long)r->clean, (unsigned long long)r->cut,
          (unsigned long long)r->step_limit, stopped);
  fprintf(f, "M %llu %llu %llu %d\n", (unsigned long long)r->st.cached,
          (unsigned long long)r->st.reruns, (unsigned long long)r->st.states,
          r->st.passes);
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
  for (size_t i = 0; i < r->nfstates; i++)
    fprintf(f, "F %llu %s\n", (unsigned long long)r->fstates[i].count,
            r->fstates[i].text);
  if (r->other_states)
    fprintf(f, "O %llu\n", (unsigned long long)r->other_states);
  for (int i = 0; i < r->nconds; i++) {
    const camp_cond *c = &r->conds[i];
    fprintf(f, "C %d 1 %llu %llu %s\n", i, (unsigned long long)c->held,
            (unsigned long long)c->held_steps,
            c->held_sched ? c->held_sched : "-");
    fprintf(f, "C %d 0 %llu %llu %s\n", i, (unsigned long long)c->failed,
            (unsigned long long)c->failed_steps,
            c->failed_sched ? c->failed_sched : "-");
  }
  fprintf(f, "E\n");
}

/* Merges one worker's lines into r; -1 if the end mark is missing.  Lines
   have no length limit (a schedule string can be long). */
static int merge_result(FILE *f, camp_variant *r, int *complete, int *stopped) {
  char *line = NULL;
  size_t cap = 0;
  int got_end = 0;
  while (getline(&line, &cap, f) > 0) {
    unsigned long long a, b, c, d, e, g;
    int cm, md, pre, stp, pos = 0;
    char name[48];
    line[strcspn(line, "\n")] = 0;
    if (sscanf(line, "S %llu %llu %llu %d %d %llu %llu %llu %d", &a, &b, &c,
               &cm, &md, &d, &e, &g, &stp) == 9) {
      r->st.execs += a;
      r->st.pruned += b;
      r->st.steps += c;
      *complete &= cm;
      if (md > r->st.max_depth)
        r->st.max_depth = md;
      r->clean += d;
      r->cut += e;
      r->step_limit += g;
      if (stp > *stopped)
        *stopped = stp;
    } else if (sscanf(line, "M %llu %llu %llu %d", &a, &b, &c, &pre) == 4) {
      r->st.cached += a; /* state matching: each worker its own states */
      r->st.reruns += b;
      r->st.states += c;
      if (pre > r->st.passes)
        r->st.passes = pre;
    } else if (sscanf(line, "H %llu", &a) == 1) {
      hset_add(&r->states, a);
    } else if (sscanf(line, "T %llu", &a) == 1) {
      hset_add(&r->traces, a);
    } else if (sscanf(line, "K %47s %llu %d %llu %n", name, &a, &pre, &b,
                      &pos) == 4 &&
               pos > 0 && line[pos]) {
      add_kind(r, name, a, pre, b, line + pos);
    } else if (sscanf(line, "F %llu %n", &a, &pos) == 1 && pos > 0) {
      add_state(r, line + pos, a);
    } else if (sscanf(line, "O %llu", &a) == 1) {
      r->other_states += a;
    } else if (sscanf(line, "C %d %d %llu %llu %n", &pre, &cm, &a, &b, &pos) ==
                   4 &&
               pos > 0 && pre >= 0 && pre < r->nconds) {
      add_cond(r, pre, cm, a, b, strcmp(line + pos, "-") ? line + pos : NULL);
    } else if (!strcmp(line, "E")) {
      got_end = 1;
    }
  }
  free(line);
  return got_end ? 0 : -1;
}

/* Logs the executions worker 'job' wrote to f, one schedule string a
   line, in its order.  A line that does not parse, or is cut short (no
   newline: the worker died writing it), is skipped with a message. */
static void log_worker_execs(struct run *u, FILE *f, int job) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  unsigned long long no = 0;
  if (fflush(f) || fseek(f, 0, SEEK_SET)) {
    fprintf(stderr, "mmsim explore: worker %d's executions: %s\n", job,
            strerror(errno));
    return;
  }
  while ((len = getline(&line, &cap, f)) > 0) {
    uint8_t *seq;
    size_t n;
    int col;
    char err[160];
    no++;
    if (line[len - 1] != '\n') {
      fprintf(stderr,
              "mmsim explore: worker %d, line %llu: cut short, "
              "not logged\n",
              job, no);
      continue;
    }
    line[len - 1] = 0;
    if (strlen(line) != (size_t)len - 1)
      snprintf(err, sizeof err, "a NUL byte");
    else if (!sim_sched_parse(line, &seq, &n, &col, err, sizeof err))
      err[0] = 0;
    if (err[0]) {
      fprintf(stderr, "mmsim explore: worker %d, line %llu: %s, not logged\n",
              job, no, err);
      continue;
    }
    log_replayed(u, seq, n, line);
    free(seq);
  }
  if (ferror(f))
    fprintf(stderr, "mmsim explore: worker %d's executions: read error\n", job);
  free(line);
}

/* What log_workers() logs: the executions of workers [0, started). */
struct worker_logs {
  struct run *u;
  FILE **scheds; /* NULL where not logged */
  int started;
};

static void log_workers(void *arg) {
  struct worker_logs *wl = arg;
  for (int j = 0; j < wl->started; j++)
    if (wl->scheds[j])
      log_worker_execs(wl->u, wl->scheds[j], j);
}

/* Explores with o->jobs forked workers and merges their results into
   u->res.  A worker stopped by Ctrl-C (the whole process group gets it)
   or by the deadline still sends what it explored; the parent then stops
   too.  When logging, each worker's executions are then logged, worker
   by worker (also those of a worker stopped or failed: what it wrote).
   Returns 0, or 2 with the error printed. */
/* The running workers, for campaign_stop_workers() from a signal handler
   (a signal sent to the parent alone, as `kill PID` does, must reach
   them: they stop and send what they explored). */
static volatile pid_t worker_pid[64];
static volatile sig_atomic_t nworkers;

/* A worker's handler: every stop signal only stops its search (the
   parent's handler would kill at a second one, and a Ctrl-C reaches a
   worker twice: from the terminal and passed on by the parent). */
static volatile sig_atomic_t *worker_stop;
static void worker_on_signal(int sig) {
  (void)sig;
  if (worker_stop)
    *worker_stop = 1;
}

static void worker_signals(volatile sig_atomic_t *stop) {
  static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction sa = {.sa_handler = worker_on_signal,
                         .sa_flags = SA_RESTART};
  sigemptyset(&sa.sa_mask);
  worker_stop = stop;
  for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
    struct sigaction old;
    /* only where the application handles it: a test driving the
       campaign keeps the defaults */
    if (!sigaction(sigs[i], NULL, &old) && old.sa_handler != SIG_DFL &&
        old.sa_handler != SIG_IGN)
      sigaction(sigs[i], &sa, NULL);
  }
}

void campaign_stop_workers(void) {
  for (int j = 0; j < nworkers; j++)
    if (worker_pid[j] > 0)
      kill(worker_pid[j], SIGINT);
}

static int explore_split(struct run *u, const sim_exec_cfg *base, exp_cfg cfg) {
  const int jobs = u->o->jobs;
  FILE *pipes[64] = {0}, *scheds[64] = {0};
  pid_t pids[64];
  int complete = 1, failed = 0, started = 0, stopped = 0;
  assert(jobs > 1 && jobs <= 64);
  fflush(NULL);
  for (; started < jobs; started++) {
    int fd[2];
    if (u->run_id >= 0 && !(scheds[started] = tmpfile()))
      fprintf(stderr,
              "mmsim explore: tmpfile: %s (worker %d's executions are not "
              "logged)\n",
              strerror(errno), started);
    if (pipe(fd)) {
      fprintf(stderr, "mmsim explore: pipe: %s\n", strerror(errno));
      failed = 1;
      break;
    }
    pids[started] = fork();
    if (pids[started] < 0) {
      fprintf(stderr, "mmsim explore: fork: %s\n", strerror(errno));
      close(fd[0]);
      close(fd[1]);
      failed = 1;
      break;
    }
    if (pids[started] == 0) {
      char err[512];
      nworkers = 0; /* a worker has none */
      worker_signals(u->stop);
      close(fd[0]);
      cfg.njobs = jobs;
      cfg.job = started;
      u->progress = 0;
      u->scheds = scheds[started];
      int rc = sim_explore(base, &cfg, &u->res->st, err, sizeof err);
      take_findings(u); /* of executions the explorer did not report */
      /* _exit flushes nothing: the schedules written so far, even when
         stopped or failed */
      if (u->scheds && fflush(u->scheds))
        fprintf(stderr, "mmsim explore: worker %d's executions: %s\n", started,
                strerror(errno));
      FILE *f = fdopen(fd[1], "w");
      if (!rc && f)
        send_result(f, u->res, *u->stop);
      else
        fprintf(stderr, "mmsim explore: %s\n", rc ? err : strerror(errno));
      if (f)
        fclose(f);
      _exit(rc || !f ? 2 : 0);
    }
    worker_pid[started] = pids[started];
    nworkers = started + 1;
    if (*u->stop) /* stopped while forking: this one has not seen it */
      kill(pids[started], SIGINT);
    close(fd[1]);
    if (!(pipes[started] = fdopen(fd[0], "r")))
      close(fd[0]);
  }
  camp_variant merged = {0};
  memcpy(merged.variant, u->res->variant, sizeof merged.variant);
  memcpy(merged.expect, u->res->expect, sizeof merged.expect);
  merged.nconds = u->res->nconds;
  memcpy(merged.conds, u->res->conds, sizeof merged.conds);
  for (int j = 0; j < started; j++) {
    failed |=
        !pipes[j] || merge_result(pipes[j], &merged, &complete, &stopped) != 0;
    if (pipes[j])
      fclose(pipes[j]);
    int st;
    pid_t w;
    while ((w = waitpid(pids[j], &st, 0)) < 0 && errno == EINTR)
      ;
    failed |= w != pids[j] || !WIFEXITED(st) || WEXITSTATUS(st);
  }
  nworkers = 0;
  merged.st.complete = complete && !failed;
  variant_free(u->res);
  *u->res = merged;
  struct worker_logs wl = {u, scheds, started};
  sim_run_driver(log_workers, &wl); /* many re-runs: on worker actors */
  for (int j = 0; j < jobs; j++)
    if (scheds[j])
      fclose(scheds[j]);
  if (stopped && !*u->stop)
    *u->stop = stopped;
  if (failed) {
    fprintf(stderr, "mmsim explore: a worker failed\n");
    return CLI_BAD_INPUT;
  }
  return 0;
}

/* "a, b, c": the kinds the expectation lists */
static const char *u_expect_kinds(const model_binding *b) {
  static char buf[160];
  size_t o = 0;
  buf[0] = 0;
  for (int i = 0; i < b->expect.nkinds && o < sizeof buf; i++)
    o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", i ? ", " : "",
                          b->expect.kinds[i]);
  return buf;
}

/* The verdict of each outcome condition (models/cond.h): 'exists' needs
   a witness; 'never' and 'always' a complete search that certifies, or,
   as 'clean', a sampling strategy, which meets them as far as it can.
   A search cut short certifies nothing, and says so; one that --first
   stopped at the violation it was asked for does not judge them. */
static void judge_conds(camp_variant *res, const model_binding *b, int complete,
                        int certifies, int first) {
  for (int i = 0; i < res->nconds; i++) {
    camp_cond *c = &res->conds[i];
    enum cond_quant q = (enum cond_quant)model_cond(b, i)->quant;
    if (first && !complete) { /* --first stopped it at the violation */
      c->met = 1;
      snprintf(c->verdict, sizeof c->verdict,
               "not judged: --first stopped the search");
      continue;
    }
    uint64_t bad = q == CQ_NEVER ? c->held : c->failed;
    const char *nc = complete && certifies ? ""
                     : certifies ? "; not certified: the search was cut short"
                                 : "; not certified: sampled";
    if (q == CQ_EXISTS) {
      c->met = c->held > 0;
      snprintf(c->verdict, sizeof c->verdict, "%s%s",
               c->met ? "witnessed" : "NO witness",
               c->met || (complete && certifies) ? "" : nc);
    } else if (bad) {
      c->met = 0;
      snprintf(c->verdict, sizeof c->verdict, "VIOLATED (%llu execution%s)",
               (unsigned long long)bad, bad == 1 ? "" : "s");
    } else if (!c->held && !c->failed) {
      c->met = !(complete && certifies);
      snprintf(c->verdict, sizeof c->verdict,
               "no execution reached a final state%s", nc);
    } else {
      c->met = !certifies || complete;
      char upto[48] = "";
      if (res->cut) /* as the clean certificate, it names its bound */
        snprintf(upto, sizeof upto, " up to loop bound %d", res->loop_bound);
      snprintf(c->verdict, sizeof c->verdict, "%s%s%s",
               complete && certifies ? "certified" : "holds so far",
               complete && certifies ? upto : "", nc);
    }
    res->expect_met &= c->met;
  }
}

/* The verdict against the scenario's expectation for this variant. */
static void judge(camp_variant *res, const model_binding *b, const camp_opts *o,
                  int stopped) {
  const exp_cfg *cfg = &o->cfg;
  uint64_t nviol = 0;
  for (int i = 0; i < res->nkinds; i++)
    nviol += res->kinds[i].count;
  int certifies = exp_strategy_certifies(cfg);
  int complete = res->st.complete && !stopped;
  if (b->expect.violation) {
    /* 'any': some violation; else every kind listed */
    int found = b->expect.any ? nviol > 0 : 1;
    char missing[160] = "";
    size_t mo = 0;
    for (int k = 0; k < b->expect.nkinds; k++)
      if (!find_kind(res, b->expect.kinds[k])) {
        found = 0;
        mo += (size_t)snprintf(missing + mo, sizeof missing - mo, "%s%s",
                               mo ? ", " : "", b->expect.kinds[k]);
      }
    res->expect_met = found;
    /* not finding it in a search cut short proves nothing either way */
    const char *what = b->expect.any ? "a violation" : u_expect_kinds(b);
    if (found)
      snprintf(res->verdict, sizeof res->verdict, "found %.130s (expected)",
               what);
    else
      snprintf(res->verdict, sizeof res->verdict,
               "NOT found %.120s (expected%s)", b->expect.any ? what : missing,
               complete && certifies ? "" : "; not exhaustive");
  } else if (nviol) {
    res->expect_met = 0;
    snprintf(res->verdict, sizeof res->verdict, "VIOLATED (expected clean)");
  } else if (complete && certifies && !res->clean) {
    /* every execution was cut or step-limited: no end state was checked */
    res->expect_met = 0;
    snprintf(res->verdict, sizeof res->verdict,
             "no execution ran to its end (%llu cut, %llu step-limited; "
             "not exhaustive)",
             (unsigned long long)res->cut, (unsigned long long)res->step_limit);
  } else if (complete && certifies) {
    /* a certificate names every bound it holds under */
    char upto[96] = "";
    size_t len = 0;
    if (res->cut)
      len += (size_t)snprintf(upto + len, sizeof upto - len,
                              " up to loop bound %d", res->loop_bound);
    if (res->step_limit)
      len += (size_t)snprintf(
          upto + len, sizeof upto - len, "%s %llu step%s (%llu stopped there)",
          len ? " and" : " up to", (unsigned long long)o->max_steps,
          o->max_steps == 1 ? "" : "s", (unsigned long long)res->step_limit);
    if (cfg->strategy == EXP_BOUNDED)
      snprintf(upto + len, sizeof upto - len, "%s %d preemption%s",
               len ? " and" : " up to", cfg->bound, cfg->bound == 1 ? "" : "s");
    res->expect_met = 1;
    if (res->st.passes) /* stateful: executions stand for states' subtrees */
      snprintf(res->verdict, sizeof res->verdict,
               "clean in every execution (%llu states)%s",
               (unsigned long long)res->st.states, upto);
    else
      snprintf(res->verdict, sizeof res->verdict, "all %llu traces clean%s",
               (unsigned long long)(res->st.execs - res->cut - res->step_limit),
               upto);
  } else {
    /* sampling meets 'clean' as far as it can; a search cut short by a
       cap or Ctrl-C does not */
    res->expect_met = !certifies;
    snprintf(res->verdict, sizeof res->verdict,
             "no violation in %llu executions (not exhaustive)",
             (unsigned long long)res->st.execs);
  }
  judge_conds(res, b, complete, certifies, cfg->stop_first);
  for (int i = 0; i < res->nkinds; i++)
    res->kinds[i].unexpected =
        b->expect.violation && !model_kind_expected(b, res->kinds[i].name);
}

/* ------------------------------------------------------------ minimise */

/*
** A DPOR search finds each kind, but not necessarily its fewest-preemption
** witness: it explores one representative per trace, in an order that has
** nothing to do with preemptions.  Preemption bounding does (pass j visits
** every schedule with at most j preemptions), so a bounded:P re-search,
** with P the preemptions of the witness found, finds the fewest-preemption
** witness in the first pass that has one, and the shortest of them once
** that pass is complete.  Capped; a capped search leaves "smallest seen".
*/
struct minimise {
  const char *kind;
  sim_lockdep *ld; /* the re-search's graph: findings of executions that
                      ended otherwise are lock-order witnesses too */
  volatile sig_atomic_t *campaign_stop;
  volatile sig_atomic_t stop;
  int level;      /* pass of the first witness, -1: none yet */
  int level_done; /* that pass was completed */
  int pre;
  uint64_t steps;
  char *sched;
};

/* A witness of the kind at pass 'bound': kept if it is the smallest. */
static void witness(struct minimise *m, int bound, int pre, uint64_t steps,
                    char *sched) {
  if (m->level < 0)
    m->level = bound;
  if (sched &&
      (!m->sched || pre < m->pre || (pre == m->pre && steps < m->steps) ||
       (pre == m->pre && steps == m->steps && strcmp(sched, m->sched) < 0))) {
    free(m->sched);
    m->sched = sched;
    m->pre = pre;
    m->steps = steps;
  } else {
    free(sched);
  }
}

static void on_minimise_exec(void *arg, const exp_exec *x) {
  struct minimise *m = arg;
  if (*m->campaign_stop) {
    m->stop = 1;
    return;
  }
  if (m->level >= 0 && x->bound > m->level) {
    m->level_done = 1; /* the next pass started: the level is complete */
    m->stop = 1;
    return;
  }
  const sim_result *r = x->r;
  sim_lockdep_finding f;
  while (sim_lockdep_take(m->ld, &f)) {
    if (!strcmp(m->kind, sim_kind_get(NULL, SIM_KIND_LOCK_ORDER)->name))
      witness(m, x->bound, switches(f.sched, f.nsched), f.nsched,
              sim_sched_format(f.sched, f.nsched));
    sim_lockdep_finding_free(&f);
  }
  if (r->outcome != SIM_VIOLATION || strcmp(r->kind, m->kind))
    return;
  witness(m, x->bound, x->preemptions, r->steps,
          sim_sched_format(r->sched, r->nsched));
}

static void minimise_kind(struct run *u, const sim_exec_cfg *base,
                          camp_kind *k) {
  struct minimise m = {.kind = k->name, .campaign_stop = u->stop, .level = -1};
  exp_cfg cfg = {.strategy = EXP_BOUNDED,
                 .bound = k->pre,
                 .max_execs = u->o->minimise_execs ? u->o->minimise_execs
                                                   : CAMP_MINIMISE_EXECS,
                 .stop = &m.stop,
                 .on_exec = on_minimise_exec,
                 .arg = &m};
  exp_stats st = {0};
  char err[256];
  sim_exec_cfg b = *base;
  b.lockdep = graph_like(base); /* every cycle new again */
  m.ld = b.lockdep;
  int rc = sim_explore(&b, &cfg, &st, err, sizeof err);
  sim_lockdep_free(b.lockdep);
  if (rc || m.level < 0) {
    free(m.sched);
    return; /* keep the witness found; it stays "smallest seen" */
  }
  if (st.bound_reached >= m.level && !*u->stop)
    m.level_done = 1;
  if (m.pre < k->pre || (m.pre == k->pre && m.steps <= k->steps)) {
    free(k->sched);
    k->sched = m.sched;
    k->pre = m.pre;
    k->steps = m.steps;
  } else {
    free(m.sched);
  }
  k->minimal = m.level_done && k->pre == m.level;
}

/* The variant's final states, most frequent first (then by text). */
static int by_count(const void *a, const void *b) {
  const camp_state *x = a, *y = b;
  if (x->count != y->count)
    return x->count < y->count ? 1 : -1;
  return strcmp(x->text, y->text);
}

static void log_final_states(rlog *log, int64_t run_id, camp_variant *res) {
  const char **t = malloc(res->nfstates * sizeof *t);
  uint64_t *n = malloc(res->nfstates * sizeof *n);
  for (size_t i = 0; t && n && i < res->nfstates; i++) {
    t[i] = res->fstates[i].text;
    n[i] = res->fstates[i].count;
  }
  if (!t || !n || rlog_final_states(log, run_id, t, n, res->nfstates))
    fprintf(stderr, "mmsim explore: final states not logged\n");
  free(t);
  free(n);
}

/* Re-runs each minimal counterexample with full event logging. */
static void log_counterexamples(struct run *u, const sim_exec_cfg *base) {
  const camp_opts *o = u->o;
  for (int i = 0; i < u->res->nkinds; i++) {
    camp_kind *k = &u->res->kinds[i];
    uint8_t *seq;
    size_t n;
    int col;
    char err[160];
    if (!k->sched || sim_sched_parse(k->sched, &seq, &n, &col, err, sizeof err))
      continue;
    if (u->run_id < 0) {
      cli_run_info ci;
      cli_run_info_of(&ci, u->l, "explore", "replay", 0);
      u->run_id = rlog_run_begin(o->log, &ci.ri);
    }
    sim_sched ss;
    sim_exec_cfg c = *base;
    c.loop_bound = 0;
    c.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, n);
    int64_t x = rlog_exec_begin(o->log, u->run_id, cli_namer, &u->l->b);
    if (x > 0)
      rlog_exec_counterexample(o->log);
    c.observer = rlog_observer(o->log);
    c.lockdep = graph_like(base); /* the cycle's edges of this run only */
    sim_result r;
    int rc = sim_exec_run(&c, &r);
    sim_lockdep_free(c.lockdep);
    if (!rc) {
      char note[96];
      snprintf(note, sizeof note, "minimal counterexample for %s", k->name);
      if (rlog_exec_end(o->log, &r, k->sched, note) == 0 && x > 0)
        k->log_exec = x;
      sim_result_free(&r);
    }
    free(seq);
  }
}

static int explore_variant(campaign *c, const camp_opts *o, const char *variant,
                           camp_variant *res, volatile sig_atomic_t *stop,
                           double deadline) {
  cli_scenario *l = c->l;
  int rc = cli_bind(l, variant, CLI_ENGINE);
  if (rc)
    return rc;
  snprintf(res->variant, sizeof res->variant, "%s", l->b.label);
  snprintf(res->expect, sizeof res->expect, "%s", l->expect);
  res->nconds = l->b.nconds;
  for (int i = 0; i < res->nconds; i++)
    snprintf(res->conds[i].text, sizeof res->conds[i].text, "%s",
             model_cond(&l->b, i)->text);
  sim_exec_cfg base = model_exec_cfg(&l->b);
  res->loop_bound = o->loop_bound != CAMP_LOOP_BOUND_AUTO ? o->loop_bound
                    : exp_strategy_stateful(&o->cfg) && l->b.finite
                        ? 0
                        : CAMP_LOOP_BOUND;
  base.loop_bound = res->loop_bound;
  base.max_steps = o->max_steps;
  /* the audit replays matched states and expects the outcomes seen below
     them, which a graph kept across executions changes: no checker */
  if (!o->no_lockdep && !o->cfg.audit && l->b.ops->lock_class)
    base.lockdep = sim_lockdep_new();
  struct run u = {.o = o,
                  .l = l,
                  .base = &base,
                  .res = res,
                  .stop = stop,
                  .deadline = deadline,
                  .of = o->cfg.count, /* sampled: executions planned */
                  .progress = o->progress,
                  .run_id = -1,
                  .t0 = sim_wall_seconds(),
                  .ld = base.lockdep,
                  .log_ld = graph_like(&base)};
  if (o->log) {
    cli_run_info ci;
    cli_run_info_of(&ci, l, "explore", o->strategy, o->cfg.seed);
    u.run_id = rlog_run_begin(o->log, &ci.ri);
  }
  exp_cfg cfg = o->cfg;
  cfg.stop = stop;
  /* --first on a variant expected to violate: stop at its expected kind
     (another kind found first, such as a lock-order finding beside the
     race, would stop it short of what the scenario is about) */
  if (cfg.stop_first && l->b.expect.violation && l->b.expect.nkinds == 1)
    cfg.stop_kind = sim_kind_find(l->b.ops, l->b.expect.kinds[0]);
  cfg.on_exec = on_exec;
  cfg.arg = &u;
  double t0 = sim_wall_seconds();
  if (o->jobs <= 1) {
    char err[512];
    if (sim_explore(&base, &cfg, &res->st, err, sizeof err)) {
      fprintf(stderr, "mmsim explore: %s\n", err);
      rc = CLI_BAD_INPUT;
      goto out;
    }
  } else if ((rc = explore_split(&u, &base, cfg))) {
    goto out;
  }
  take_findings(&u); /* of executions the explorer did not report */
  if (deadline > 0 && !*stop && sim_wall_seconds() > deadline)
    *stop = 2; /* the workers' own deadline checks do not reach us */
  res->seconds = sim_wall_seconds() - t0;
  if (u.progress == 1)
    fprintf(stderr, "\r%*s\r", 78, "");
  for (int i = 0; i < res->nkinds && !*stop; i++)
    minimise_kind(&u, &base, &res->kinds[i]);
  judge(res, &l->b, o, *stop != 0);
  if (res->nfstates) /* most frequent first: what printers and the log show */
    qsort(res->fstates, res->nfstates, sizeof *res->fstates, by_count);
  if (o->log) {
    log_counterexamples(&u, &base);
    /* the graph of every execution explored (with --jobs, the parent's:
       the workers' graphs stay in the workers) */
    if (base.lockdep && u.run_id >= 0)
      rlog_lock_edges(o->log, u.run_id, base.lockdep);
    if (u.run_id >= 0 && res->nfstates)
      log_final_states(o->log, u.run_id, res);
  }
out:
  sim_lockdep_free(base.lockdep);
  sim_lockdep_free(u.log_ld);
  return rc;
}

int campaign_run(campaign *c, const camp_opts *o) {
  static volatile sig_atomic_t own_stop;
  volatile sig_atomic_t *stop = o->stop ? o->stop : &own_stop;
  own_stop = 0;
  memset(c, 0, sizeof *c);
  c->all_met = 1;
  if (!(c->l = cli_load(o->path, NULL, CLI_NO_ENGINE)))
    return CLI_BAD_INPUT;
  const char *variants[CAMP_MAX_VARIANTS];
  int nv = o->nvariants;
  memcpy(variants, o->variants, sizeof variants);
  if (!nv) {
    const scenario *s = &c->l->scn;
    variants[nv++] = s->litmus[0] ? NULL : s->kernel;
    for (int i = 0; i < s->nexpect_on && nv < CAMP_MAX_VARIANTS; i++)
      if (strcmp(s->expect_on[i].variant, s->kernel))
        variants[nv++] = s->expect_on[i].variant;
  }
  c->nwanted = nv;
  for (int i = 0; i < nv; i++)
    snprintf(c->wanted[i], sizeof c->wanted[i], "%s",
             variants[i] ? variants[i] : "litmus");
  double t0 = sim_wall_seconds();
  double deadline = o->max_time > 0 ? t0 + o->max_time : 0;
  for (int i = 0; i < nv && !*stop; i++) {
    int rc = explore_variant(c, o, variants[i], &c->res[i], stop, deadline);
    if (rc)
      return rc;
    c->nres++;
    c->all_met &= c->res[i].expect_met;
  }
  /* a variant never explored meets nothing */
  c->all_met &= c->nres == c->nwanted;
  c->seconds = sim_wall_seconds() - t0;
  return 0;
}

void campaign_free(campaign *c) {
  for (int i = 0; i < CAMP_MAX_VARIANTS; i++)
    variant_free(&c->res[i]);
  cli_unload(c->l);
  c->l = NULL;
}
