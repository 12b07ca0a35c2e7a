/*
** lockdep.c - the lock-order checker (rules in lockdep.h): the class
** graph, the threads' held sets, the cycle search and the report.
**
** Modelled on Linux's kernel/locking/lockdep.c (check_prev_add,
** check_noncircular, print_circular_bug, print_circular_lock_scenario):
** the same question (does the new edge A -> B close a path B -> ... -> A)
** and the same report layout.  Different: classes come from the model,
** not from lock initialisation sites; waits are acquisitions; the graph
** spans every execution an explorer runs; read locks follow the simpler
** rule of lockdep.h instead of lockdep's recursive-read tracking; no
** irq-safety classes, no lock chains cache.
**
** The engine calls sim_lockdep_grant() from grant(), in the actor of the
** thread deciding (a thread's stack, 64 KiB: large buffers live in the
** graph, not in frames), and sim_lockdep_end() when the execution is over,
** which settles a pending report (lockdep.h).
*/
#include "lockdep.h"
#include "engine_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LD_NAME 32     /* class names, with the NUL */
#define LD_REPORT 8192 /* the full report of the last violation */

/* The step that created an edge, or acquired a held lock. */
typedef struct ld_site {
  const char *thread;               /* sim_thread_cfg.name: static */
  const char *what;                 /* the step's name: static */
  const char *stack[SIM_MAX_DEPTH]; /* call chain, outermost first */
  int depth;
  uint8_t *sched; /* the schedule up to and with this step (malloc'd, edges
                     only) */
  size_t nsched;
  uint8_t wait; /* the acquisition was a wait (SIM_OP_WAIT) */
} ld_site;

typedef struct ld_edge {
  uint8_t from, to; /* classes: held, acquired */
  uint8_t src_excl; /* some instance held 'from' exclusively */
  uint8_t dst_excl; /* some instance acquired 'to' exclusively */
  ld_site site;     /* the first instance with this mode */
} ld_edge;

typedef struct ld_held {
  sim_oid obj;
  uint8_t cls, shared;
  ld_site site; /* sched unused */
} ld_held;

struct sim_lockdep {
  /* classes, by id: named when first seen */
  char cname[SIM_LOCKDEP_MAX_CLASSES][LD_NAME];
  uint64_t recursive_done; /* bit per class reported for recursion */
  /* bit b of inverted[a]: a -> b reported against the declared order */
  uint64_t inverted[SIM_LOCKDEP_MAX_CLASSES];
  int undeclared_done; /* a lock the declared order lacks was reported */
  /* edges: edge_at[a][b] is the index of a -> b, -1 none */
  int16_t edge_at[SIM_LOCKDEP_MAX_CLASSES][SIM_LOCKDEP_MAX_CLASSES];
  ld_edge *edges;
  int nedges, capedges;
  int nreports;
  /* class of each object of the model, -2 not asked yet */
  const void *model;
  int16_t *cls;
  uint32_t ncls;
  /* the execution in progress */
  ld_held held[SIM_MAX_THREADS][SIM_LOCKDEP_MAX_HELD];
  int nheld[SIM_MAX_THREADS];
  /* the execution's report, pending until its end (sim_lockdep_end),
     and how to take it back: the edge that closed the cycle (the last
     change to the graph: nothing is added after it in this execution),
     new or with its previous mode and site, or the recursion bit */
  int pending;
  uint64_t pending_seq;
  char msg[sizeof((sim_result *)0)->msg];
  sim_oid objs[2];
  int nobjs;
  char pending_report[LD_REPORT];
  char scratch[2048];     /* the summary before it is cut to msg */
  char report[LD_REPORT]; /* the last one reported */
  /* findings of executions that ended otherwise, not taken yet */
  sim_lockdep_finding *found;
  int nfound, capfound;
};

/* ------------------------------------------------------------ graph */

sim_lockdep *sim_lockdep_new(void) {
  sim_lockdep *ld = calloc(1, sizeof *ld);
  if (!ld)
    return NULL;
  memset(ld->edge_at, -1, sizeof ld->edge_at);
  return ld;
}

void sim_lockdep_free(sim_lockdep *ld) {
  if (!ld)
    return;
  for (int i = 0; i < ld->nedges; i++)
    free(ld->edges[i].site.sched);
  free(ld->edges);
  for (int i = 0; i < ld->nfound; i++)
    sim_lockdep_finding_free(&ld->found[i]);
  free(ld->found);
  free(ld->cls);
  free(ld);
}

int sim_lockdep_nedges(const sim_lockdep *ld) {
  return ld->nedges;
}
int sim_lockdep_nreports(const sim_lockdep *ld) {
  return ld->nreports;
}

void sim_lockdep_edge_text(const sim_lockdep *ld, int i, char *buf, size_t n) {
  assert(i >= 0 && i < ld->nedges);
  const ld_edge *e = &ld->edges[i];
  snprintf(buf, n, "%s%s -> %s%s", ld->cname[e->from],
           e->src_excl ? "" : " (held shared)", ld->cname[e->to],
           e->dst_excl ? "" : " (shared)");
}

static void chain_text(const ld_site *s, char *buf, size_t n);

void sim_lockdep_edge_get(const sim_lockdep *ld, int i, sim_lockdep_edge *e) {
  assert(i >= 0 && i < ld->nedges);
  const ld_edge *d = &ld->edges[i];
  e->held = ld->cname[d->from];
  e->acquired = ld->cname[d->to];
  e->held_shared = !d->src_excl;
  e->acquired_shared = !d->dst_excl;
  e->wait = d->site.wait;
  e->thread = d->site.thread;
  e->step = d->site.what;
  chain_text(&d->site, e->chain, sizeof e->chain);
  e->sched = d->site.sched;
  e->nsched = d->site.sched ? d->site.nsched : 0;
}

void sim_lockdep_report(const sim_lockdep *ld, char *buf, size_t n) {
  snprintf(buf, n, "%s", ld->report);
}

#define LD_NOT_ASKED (-3)

/* The class of object o, cached; -1 for an object that is not a lock,
   SIM_LOCK_UNDECLARED for one the model's declared order lacks. */
static int class_of(sim_lockdep *ld, const sim_exec *x, sim_oid o) {
  assert(o < ld->ncls);
  if (ld->cls[o] == LD_NOT_ASKED) {
    char name[LD_NAME] = "";
    int c = x->cfg->ops->lock_class(x->cfg->model, o, name, sizeof name);
    assert(c >= SIM_LOCK_UNDECLARED && c < SIM_LOCKDEP_MAX_CLASSES);
    if (c >= 0 && !ld->cname[c][0])
      snprintf(ld->cname[c], LD_NAME, "%s", name[0] ? name : "?");
    ld->cls[o] = (int16_t)c;
  }
  return ld->cls[o];
}

/* The site of the step being granted to t. */
static void site_of(ld_site *s, const sim_exec *x, const sim_thread *t,
                    const sim_stepdesc *step) {
  s->thread = x->cfg->threads[t->tid].name;
  s->what = step->what;
  s->depth = t->depth;
  memcpy(s->stack, t->stack, (size_t)t->depth * sizeof *t->stack);
  s->sched = NULL;
  s->nsched = 0;
  s->wait = 0;
}

/* Copies s into d[n], cut with " ..." when it does not fit. */
static void copy_cut(char *d, size_t n, const char *s) {
  size_t len = strlen(s);
  if (len < n) {
    memcpy(d, s, len + 1);
    return;
  }
  assert(n > 4);
  memcpy(d, s, n - 5);
  memcpy(d + n - 5, " ...", 5);
}

/* "f1 < f2 < body": innermost first, as a backtrace reads. */
static void chain_text(const ld_site *s, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = 0;
  for (int i = s->depth - 1; i >= 0 && len < n; i--)
    len += (size_t)snprintf(buf + len, n - len, "%s%s",
                            i < s->depth - 1 ? " < " : "", s->stack[i]);
  if (!s->depth)
    snprintf(buf, n, "?");
}

/* ------------------------------------------------------------ cycles */

/* Searches a path from 'u' (entered exclusively if in_excl) to 'goal'
   whose every inner class is held or acquired exclusively on one side
   (lockdep.h), the last edge closing at 'goal' with the new edge's
   src_excl.  Out-edges in class id order.  Fills path[] with edge indexes
   and returns its length, 0 if none. */
static int find_path(const sim_lockdep *ld, int u, int in_excl, int goal,
                     int goal_src_excl,
                     uint8_t visited[2][SIM_LOCKDEP_MAX_CLASSES], int16_t *path,
                     int depth) {
  for (int v = 0; v < SIM_LOCKDEP_MAX_CLASSES; v++) {
    int ei = ld->edge_at[u][v];
    if (ei < 0)
      continue;
    const ld_edge *e = &ld->edges[ei];
    if (!in_excl && !e->src_excl)
      continue; /* u is shared on both sides: readers do not block */
    path[depth] = (int16_t)ei;
    if (v == goal) {
      if (e->dst_excl || goal_src_excl)
        return depth + 1;
      continue;
    }
    if (visited[1][v] || (!e->dst_excl && visited[0][v]))
      continue;
    visited[e->dst_excl][v] = 1;
    int len = find_path(ld, v, e->dst_excl, goal, goal_src_excl, visited, path,
                        depth + 1);
    if (len)
      return len;
  }
  return 0;
}

/* One line of the two-column scenario: CPU0's column or CPU1's. */
static size_t scenario_line(char *buf, size_t n, int cpu, const char *cls,
                            int shared, int wait) {
  char op[LD_NAME + 16];
  snprintf(op, sizeof op, "%s(%s);",
           wait     ? "wait_on"
           : shared ? "lock_shared"
                    : "lock",
           cls);
  return (size_t)snprintf(buf, n, cpu ? "%31s%s\n" : "  %s\n", cpu ? "" : op,
                          cpu ? op : "");
}

/* One acquisition of the two-column scenario. */
typedef struct ld_line {
  int cpu;
  const char *cls;
  int shared, wait;
} ld_line;

/* Appends the scenario's four lines and the DEADLOCK mark to the pending
   report, which holds 'rl' bytes (stops where it is full). */
static void scenario_lines(sim_lockdep *ld, size_t rl, const ld_line *lines) {
  for (int i = 0; i < 4 && rl < sizeof ld->pending_report; i++)
    rl += scenario_line(ld->pending_report + rl, sizeof ld->pending_report - rl,
                        lines[i].cpu, lines[i].cls, lines[i].shared,
                        lines[i].wait);
  if (rl < sizeof ld->pending_report)
    snprintf(ld->pending_report + rl, sizeof ld->pending_report - rl,
             "\n *** DEADLOCK ***\n");
}

/* Formats the violation for the cycle new edge + path: ld->msg (what
   fits of the summary) and ld->pending_report (everything). */
static void report_cycle(sim_lockdep *ld, int enew, const int16_t *path,
                         int len) {
  int cyc[SIM_LOCKDEP_MAX_CLASSES + 1];
  int ncyc = 0;
  cyc[ncyc++] = enew;
  for (int i = 0; i < len; i++)
    cyc[ncyc++] = path[i];
  char chain[512], *msg = ld->scratch, chn[256];
  const size_t msgn = sizeof ld->scratch;
  size_t cl = 0, ml = 0;
  const ld_edge *e0 = &ld->edges[enew];
  cl += (size_t)snprintf(chain, sizeof chain, "%s", ld->cname[e0->from]);
  for (int i = 0; i < ncyc && cl < sizeof chain; i++)
    cl += (size_t)snprintf(chain + cl, sizeof chain - cl, " -> %s",
                           ld->cname[ld->edges[cyc[i]].to]);
  ml += (size_t)snprintf(msg, msgn, "possible circular locking dependency: %s",
                         chain);
  size_t rl = (size_t)snprintf(ld->pending_report, sizeof ld->pending_report,
                               "possible circular locking dependency: %s\n\n"
                               "the edges, each with the step that created "
                               "it:\n",
                               chain);
  for (int i = 0; i < ncyc; i++) {
    const ld_edge *e = &ld->edges[cyc[i]];
    chain_text(&e->site, chn, sizeof chn);
    if (ml < msgn)
      ml += (size_t)snprintf(msg + ml, msgn - ml,
                             "; %s -> %s by %s in %s (step '%s')",
                             ld->cname[e->from], ld->cname[e->to],
                             e->site.thread, chn, e->site.what);
    char *sched = sim_sched_format(e->site.sched, e->site.nsched);
    if (rl < sizeof ld->pending_report)
      rl += (size_t)snprintf(
          ld->pending_report + rl, sizeof ld->pending_report - rl,
          "  %s -> %s: %s %s %s%s while holding %s%s\n"
          "    in %s (step '%s')\n    schedule %s\n",
          ld->cname[e->from], ld->cname[e->to], e->site.thread,
          e->site.wait ? "waited for" : "acquired", ld->cname[e->to],
          e->dst_excl ? "" : " (shared)", ld->cname[e->from],
          e->src_excl ? "" : " (shared)", chn, e->site.what,
          sched ? sched : "?");
    free(sched);
  }
  copy_cut(ld->msg, sizeof ld->msg, msg);
  /* lockdep's print_circular_lock_scenario: CPU0 is the new edge's thread
     (holds A, takes B); CPU1 the rest of the cycle, which takes B first
     and A last */
  const ld_edge *last = &ld->edges[cyc[ncyc - 1]];
  const char *a = ld->cname[e0->from], *b = ld->cname[e0->to];
  if (rl < sizeof ld->pending_report && ncyc > 2) {
    rl += (size_t)snprintf(ld->pending_report + rl,
                           sizeof ld->pending_report - rl,
                           "\nchain exists of: %s\n", chain);
  }
  if (rl < sizeof ld->pending_report)
    rl += (size_t)snprintf(ld->pending_report + rl,
                           sizeof ld->pending_report - rl,
                           "\npossible unsafe locking scenario:\n\n"
                           "  %-29s%s\n  %-29s%s\n",
                           "CPU0", "CPU1", "----", "----");
  ld_line lines[4] = {{0, a, !e0->src_excl, 0},
                      {1, b, !ld->edges[cyc[1]].src_excl, 0},
                      {1, a, !last->dst_excl, last->site.wait},
                      {0, b, !e0->dst_excl, e0->site.wait}};
  scenario_lines(ld, rl, lines);
}

/* Adds (or strengthens) edge a -> b created by the step being granted;
   returns 1 if it closes a cycle (the report is then formatted). */
static int add_edge(sim_lockdep *ld, const sim_exec *x, const ld_site *site,
                    int a, int b, int src_excl, int dst_excl) {
  int ei = ld->edge_at[a][b], is_new = ei < 0;
  ld_edge old = {0};
  if (!is_new) {
    ld_edge *e = &ld->edges[ei];
    if (src_excl <= e->src_excl && dst_excl <= e->dst_excl)
      return 0; /* known: nothing new to search */
    src_excl |= e->src_excl;
    dst_excl |= e->dst_excl;
    old = *e;
  } else {
    if (ld->nedges == ld->capedges) {
      int cap = ld->capedges ? 2 * ld->capedges : 32;
      ld_edge *v = realloc(ld->edges, (size_t)cap * sizeof *v);
      if (!v)
        return 0; /* out of memory: the edge is not recorded */
      ld->edges = v;
      ld->capedges = cap;
    }
    ei = ld->nedges++;
    ld->edge_at[a][b] = (int16_t)ei;
  }
  ld_edge *e = &ld->edges[ei];
  *e = (ld_edge){(uint8_t)a, (uint8_t)b, (uint8_t)src_excl, (uint8_t)dst_excl,
                 *site};
  e->site.sched = malloc(x->nsched ? x->nsched : 1);
  if (e->site.sched) {
    memcpy(e->site.sched, x->sched, x->nsched);
    e->site.nsched = x->nsched;
  }
  uint8_t visited[2][SIM_LOCKDEP_MAX_CLASSES] = {{0}};
  int16_t path[2 * SIM_LOCKDEP_MAX_CLASSES];
  visited[0][b] = visited[1][b] = 1;
  int len = find_path(ld, b, dst_excl, a, src_excl, visited, path, 0);
  free(old.site.sched);
  if (!len)
    return 0;
  report_cycle(ld, ei, path, len);
  return 1;
}

/* Recursion: t takes class c (object o) while holding h of class c. */
static void report_recursion(sim_lockdep *ld, const ld_site *site,
                             const ld_held *h, sim_oid o, const char *oname,
                             const char *hname) {
  char chn[256], hchn[256], *msg = ld->scratch;
  const char *c = ld->cname[h->cls];
  chain_text(site, chn, sizeof chn);
  chain_text(&h->site, hchn, sizeof hchn);
  snprintf(msg, sizeof ld->scratch,
           "possible recursive locking: %s acquires %s (%s) in %s (step '%s') "
           "while holding %s (%s) taken in %s (step '%s')",
           site->thread, c, oname, chn, site->what, c, hname, hchn,
           h->site.what);
  copy_cut(ld->msg, sizeof ld->msg, msg);
  snprintf(ld->pending_report, sizeof ld->pending_report,
           "%s\n\npossible unsafe locking scenario:\n\n  CPU0\n  ----\n"
           "  lock(%s);\n  lock(%s);\n\n *** DEADLOCK ***\n\n"
           "two locks of one class, or a missing nesting annotation\n",
           msg, c, c);
  ld->objs[0] = h->obj;
  ld->objs[1] = o;
  ld->nobjs = 2;
}

/* Inversion: t takes class c (object o) while holding h, against the
   model's declared order ('rule').  The scenario is lockdep's two
   columns: CPU1 takes the two classes in the declared order. */
static void report_inversion(sim_lockdep *ld, const ld_site *site,
                             const ld_held *h, int c, const char *oname,
                             const char *hname, const char *rule) {
  char chn[256], hchn[256], *msg = ld->scratch;
  const char *a = ld->cname[h->cls], *b = ld->cname[c];
  chain_text(site, chn, sizeof chn);
  chain_text(&h->site, hchn, sizeof hchn);
  snprintf(msg, sizeof ld->scratch,
           "lock inversion against the declared order (%s): %s %s %s (%s) "
           "in %s (step '%s') while holding %s (%s) taken in %s (step '%s')",
           rule, site->thread, site->wait ? "waits for" : "acquires", b, oname,
           chn, site->what, a, hname, hchn, h->site.what);
  copy_cut(ld->msg, sizeof ld->msg, msg);
  size_t rl = (size_t)snprintf(
      ld->pending_report, sizeof ld->pending_report,
      "%s\n\npossible unsafe locking scenario (CPU1 follows the declared "
      "order):\n\n  %-29s%s\n  %-29s%s\n",
      msg, "CPU0", "CPU1", "----", "----");
  ld_line lines[4] = {
      {0, a, h->shared, 0}, {1, b, 0, 0}, {1, a, 0, 0}, {0, b, 0, site->wait}};
  scenario_lines(ld, rl, lines);
}

/* A lock the declared order does not list (SIM_LOCK_UNDECLARED). */
static void report_undeclared(sim_lockdep *ld, const ld_site *site,
                              const char *oname) {
  char chn[256], *msg = ld->scratch;
  chain_text(site, chn, sizeof chn);
  snprintf(msg, sizeof ld->scratch,
           "lock not in the declared order: %s %s %s in %s (step '%s'); "
           "add its class to the model's lock order",
           site->thread, site->wait ? "waits for" : "acquires", oname, chn,
           site->what);
  copy_cut(ld->msg, sizeof ld->msg, msg);
  snprintf(ld->pending_report, sizeof ld->pending_report, "%s\n", msg);
}

/* ------------------------------------------------------------ hooks */

void sim_lockdep_begin(sim_lockdep *ld, const sim_exec_cfg *cfg) {
  assert(cfg->ops->lock_class && cfg->nthreads <= SIM_MAX_THREADS);
  if (ld->model != cfg->model || ld->ncls != cfg->nobjs) {
    int16_t *c = realloc(ld->cls, (cfg->nobjs ? cfg->nobjs : 1) * sizeof *c);
    assert(c);
    ld->cls = c;
    for (uint32_t i = 0; i < cfg->nobjs; i++)
      ld->cls[i] = LD_NOT_ASKED;
    ld->model = cfg->model;
    ld->ncls = cfg->nobjs;
  }
  memset(ld->nheld, 0, sizeof ld->nheld);
  assert(!ld->pending); /* sim_lockdep_end settled the last one */
}

/* t acquires object o of class c (shared or not; a wait is not held
   after): edges from each held class, recursion.  Returns 1 if a
   violation was formatted. */
static int acquire(sim_lockdep *ld, const sim_exec *x, const sim_thread *t,
                   const ld_site *site, sim_oid o, int c, int shared) {
  const ld_held *held = ld->held[t->tid];
  for (int i = 0; i < ld->nheld[t->tid]; i++) {
    const ld_held *h = &held[i];
    if (h->obj == o)
      continue; /* the same lock again: the engine's (it blocks) */
    if (h->cls == c) {
      if ((h->shared && shared) || (ld->recursive_done >> c & 1))
        continue;
      ld->recursive_done |= 1ull << c;
      char on[64], hn[64];
      x->cfg->ops->obj_name(x->cfg->model, o, on, sizeof on);
      x->cfg->ops->obj_name(x->cfg->model, h->obj, hn, sizeof hn);
      report_recursion(ld, site, h, o, on, hn);
      return 1;
    }
    if (add_edge(ld, x, site, h->cls, c, !h->shared, !shared)) {
      ld->objs[0] = h->obj;
      ld->objs[1] = o;
      ld->nobjs = 2;
      return 1;
    }
    char rule[128] = "";
    const sim_model_ops *ops = x->cfg->ops;
    if (ops->lock_order && !(ld->inverted[h->cls] >> c & 1) &&
        ops->lock_order(x->cfg->model, h->cls, c, rule, sizeof rule)) {
      ld->inverted[h->cls] |= 1ull << c;
      char on[64], hn[64];
      ops->obj_name(x->cfg->model, o, on, sizeof on);
      ops->obj_name(x->cfg->model, h->obj, hn, sizeof hn);
      report_inversion(ld, site, h, c, on, hn, rule);
      ld->objs[0] = h->obj;
      ld->objs[1] = o;
      ld->nobjs = 2;
      return 1;
    }
  }
  return 0;
}

static void held_push(sim_lockdep *ld, int tid, sim_oid o, int c, int shared,
                      const ld_site *site) {
  if (ld->nheld[tid] == SIM_LOCKDEP_MAX_HELD)
    return; /* deeper nesting than any modelled path: not tracked */
  ld->held[tid][ld->nheld[tid]++] =
      (ld_held){o, (uint8_t)c, (uint8_t)shared, *site};
}

/* A release: the innermost entry of o leaves t's held set (none: a
   bad-unlock, which the engine reports). */
static void held_drop(sim_lockdep *ld, int tid, sim_oid o) {
  ld_held *h = ld->held[tid];
  for (int i = ld->nheld[tid] - 1; i >= 0; i--)
    if (h[i].obj == o) {
      memmove(&h[i], &h[i + 1], (size_t)(ld->nheld[tid] - i - 1) * sizeof *h);
      ld->nheld[tid]--;
      return;
    }
}

static int held_has(const sim_lockdep *ld, int tid, sim_oid o) {
  for (int i = 0; i < ld->nheld[tid]; i++)
    if (ld->held[tid][i].obj == o)
      return 1;
  return 0;
}

void sim_lockdep_grant(sim_lockdep *ld, sim_exec *x, sim_thread *t,
                       const sim_stepdesc *s) {
  int tid = t->tid, found = 0;
  if (ld->pending)
    return; /* one report per execution: the graph stays as it found it */
  ld_site site;
  int have_site = 0;
  for (int i = 0; i < s->n; i++) {
    sim_oid o = s->acc[i].obj;
    int op = s->acc[i].op, c;
    switch ((enum sim_op)op) {
    case SIM_OP_UNLOCK:
    case SIM_OP_UNLOCK_SHARED:
      held_drop(ld, tid, o);
      break;
    case SIM_OP_UNLOCK_ANY: /* the owner's, cleared by the engine already:
                               the one thread whose held set has it */
      for (int u = 0; u < x->cfg->nthreads; u++)
        held_drop(ld, u, o);
      break;
    case SIM_OP_TRYLOCK: /* held when it succeeded; never an edge */
    case SIM_OP_LOCK:
    case SIM_OP_LOCK_SHARED:
    case SIM_OP_WAIT:
      if ((c = class_of(ld, x, o)) == -1)
        break;
      if (!have_site) {
        site_of(&site, x, t, s);
        have_site = 1;
      }
      if (c == SIM_LOCK_UNDECLARED) {
        if (!found && !ld->undeclared_done) {
          char on[64];
          x->cfg->ops->obj_name(x->cfg->model, o, on, sizeof on);
          site.wait = op == SIM_OP_WAIT;
          report_undeclared(ld, &site, on);
          site.wait = 0;
          ld->undeclared_done = 1;
          ld->objs[0] = o;
          ld->nobjs = 1;
          found = 1;
        }
        break;
      }
      if (op == SIM_OP_TRYLOCK) {
        if (x->owner[o] == tid && !held_has(ld, tid, o))
          held_push(ld, tid, o, c, 0, &site);
        break;
      }
      site.wait = op == SIM_OP_WAIT;
      if (!found)
        found = acquire(ld, x, t, &site, o, c, op == SIM_OP_LOCK_SHARED);
      site.wait = 0;
      if (op != SIM_OP_WAIT)
        held_push(ld, tid, o, c, op == SIM_OP_LOCK_SHARED, &site);
      break;
    case SIM_OP_READ:
    case SIM_OP_WRITE:
    case SIM_OP_ADD:
    case SIM_OP__COUNT:
      break;
    }
  }
  if (found) {
    ld->pending = 1;
    ld->pending_seq = x->seq - 1; /* the step granted */
  }
}

/* An execution that found a violation of the order and then ended
   otherwise: the finding is kept for the caller (sim_lockdep_take). */
static void keep_finding(sim_lockdep *ld, const sim_exec *x) {
  if (ld->nfound == ld->capfound) {
    int cap = ld->capfound ? 2 * ld->capfound : 4;
    sim_lockdep_finding *v = realloc(ld->found, (size_t)cap * sizeof *v);
    if (!v)
      return; /* out of memory: the graph keeps the edge, the text is lost */
    ld->found = v;
    ld->capfound = cap;
  }
  sim_lockdep_finding *f = &ld->found[ld->nfound];
  memcpy(f->msg, ld->msg, sizeof f->msg);
  f->report = strdup(ld->pending_report);
  f->nsched = (size_t)ld->pending_seq + 1;
  assert(f->nsched <= x->nsched);
  f->sched = malloc(f->nsched);
  if (!f->report || !f->sched) {
    sim_lockdep_finding_free(f);
    return;
  }
  memcpy(f->sched, x->sched, f->nsched);
  ld->nfound++;
  memcpy(ld->report, ld->pending_report, sizeof ld->report);
  ld->nreports++;
}

int sim_lockdep_take(sim_lockdep *ld, sim_lockdep_finding *f) {
  if (!ld || !ld->nfound)
    return 0;
  *f = ld->found[0];
  memmove(ld->found, ld->found + 1, (size_t)--ld->nfound * sizeof *f);
  return 1;
}

void sim_lockdep_finding_free(sim_lockdep_finding *f) {
  free(f->report);
  free(f->sched);
  f->report = NULL;
  f->sched = NULL;
}

void sim_lockdep_end(sim_lockdep *ld, sim_exec *x) {
  if (!ld->pending)
    return;
  ld->pending = 0;
  sim_result *r = x->r;
  if (r->outcome != SIM_CLEAN) {
    keep_finding(ld, x);
    return;
  }
  const sim_kind *k = sim_kind_get(NULL, SIM_KIND_LOCK_ORDER);
  r->outcome = SIM_VIOLATION;
  snprintf(r->kind, sizeof r->kind, "%s", k->name);
  r->kind_id = SIM_KIND_LOCK_ORDER;
  memcpy(r->msg, ld->msg, sizeof r->msg);
  r->viol_seq = ld->pending_seq;
  r->nviol_objs = ld->nobjs;
  memcpy(r->viol_objs, ld->objs, (size_t)ld->nobjs * sizeof *ld->objs);
  memcpy(ld->report, ld->pending_report, sizeof ld->report);
  ld->nreports++;
}
