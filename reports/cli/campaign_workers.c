/*
** campaign_workers.c - the --jobs split of a campaign's exploration
** (campaign.h): forked workers, each exploring its share in a driver of
** its own, send their counts, final states, traces and counterexamples
** back through a pipe as text lines, and write the schedule string of
** each execution they report to a temporary file; the parent merges the
** results, then re-runs each worker's schedules in worker order and logs
** their rows (see campaign.c).  A stop signal reaches the workers, which
** stop and still send what they explored.
*/
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/cli/campaign_int.h"
#include "sim/sched.h"

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
      sim_hset_add(&r->states, a);
    } else if (sscanf(line, "T %llu", &a) == 1) {
      sim_hset_add(&r->traces, a);
    } else if (sscanf(line, "K %47s %llu %d %llu %n", name, &a, &pre, &b,
                      &pos) == 4 &&
               pos > 0 && line[pos]) {
      camp_add_kind(r, name, a, pre, b, line + pos);
    } else if (sscanf(line, "F %llu %n", &a, &pos) == 1 && pos > 0) {
      camp_add_state(r, line + pos, a);
    } else if (sscanf(line, "O %llu", &a) == 1) {
      r->other_states += a;
    } else if (sscanf(line, "C %d %d %llu %llu %n", &pre, &cm, &a, &b, &pos) ==
                   4 &&
               pos > 0 && pre >= 0 && pre < r->nconds) {
      camp_add_cond(r, pre, cm, a, b,
                    strcmp(line + pos, "-") ? line + pos : NULL);
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
    camp_log_replayed(u, seq, n, line);
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

/* Explores with o->jobs forked workers and merges their results into
   u->res.  A worker stopped by Ctrl-C (the whole process group gets it)
   or by the deadline still sends what it explored; the parent then stops
   too.  When logging, each worker's executions are then logged, worker
   by worker (also those of a worker stopped or failed: what it wrote).
   Returns 0, or 2 with the error printed. */
int camp_explore_split(struct run *u, const sim_exec_cfg *base, exp_cfg cfg) {
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
      camp_take_findings(u); /* of executions the explorer did not report */
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
  merged.loop_bound = u->res->loop_bound; /* the workers' own */
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
  camp_variant_free(u->res);
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
