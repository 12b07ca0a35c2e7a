/*
** symreplay.c - the two choosers of symbolic schedules (symsched.h): one
** replays a schedule segment by segment, the other wraps any chooser and
** derives the schedule of the execution it drives.  Both count, per
** thread, the steps it executed by (innermost function, label), which is
** what the occurrence number of a point refers to; and the engine queries
** they need (the pending step's function, why a thread cannot run), which
** read the engine's own structures.
**
** Exactness of a derived schedule: a run of thread T that ends at a
** context switch becomes "T until P#k", where P is T's pending step then
** (function and label) and k is one more than the number of steps T has
** executed that P matches.  T's pending step is P with that count at one
** moment only (the next step it executes is P, which raises the count), so
** a replay that reproduced the grants so far stops T exactly where the
** execution switched away from it.  A run that ends because T finished, or
** the last run, is "T" alone.
*/
#include "symsched.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"
#include "hash.h"
#include "sched.h"

/* ------------------------------------------------------------------ engine */

const char *sim_pending_fn(const sim_exec *x, int tid) {
  const sim_thread *t = &x->th[tid];
  return t->depth ? t->stack[t->depth - 1] : "";
}

int sim_thread_finished(const sim_exec *x, int tid) {
  return x->th[tid].state == T_DONE;
}

void sim_blocked_why(const sim_exec *x, int tid, char *buf, size_t n) {
  const sim_exec_cfg *cfg = x->cfg;
  const sim_stepdesc *s = sim_pending(x, tid);
  char on[96];
  if (sim_thread_finished(x, tid) || !s) {
    snprintf(buf, n, "it has finished");
    return;
  }
  for (int i = 0; i < s->n; i++) {
    if (!sim_access_blocked(x, s, i))
      continue;
    sim_oid o = s->acc[i].obj;
    int owner = x->owner[o], op = s->acc[i].op;
    const char *by = owner < 0      ? NULL
                     : owner == tid ? "itself"
                                    : cfg->threads[owner].name;
    on[0] = 0;
    if (cfg->ops->obj_name)
      cfg->ops->obj_name(cfg->model, o, on, sizeof on);
    else
      snprintf(on, sizeof on, "obj#%u", o);
    if (op == SIM_OP_WAIT) {
      int w = x->wr_seq[o] ? x->wr_tid[o] : -1;
      if (by) /* a lock bit waited on: wait_on_page_locked */
        snprintf(buf, n,
                 "it waits for a condition on %s (step '%s'), held by %s", on,
                 s->what, by);
      else if (w >= 0)
        snprintf(buf, n,
                 "it waits for a condition on %s (step '%s'), last "
                 "written by %s",
                 on, s->what, cfg->threads[w].name);
      else
        snprintf(buf, n, "it waits for a condition on %s (step '%s')", on,
                 s->what);
    } else if (by && op == SIM_OP_LOCK) {
      snprintf(buf, n, "it waits for %s, held by %s", on, by);
    } else if (by) { /* a shared acquire waits for a writer only */
      snprintf(buf, n, "it waits for %s, held for writing by %s", on, by);
    } else { /* an exclusive acquire waits for readers */
      snprintf(buf, n, "it waits for %s, held for reading by %u thread%s", on,
               x->readers[o], x->readers[o] == 1 ? "" : "s");
    }
    return;
  }
  snprintf(buf, n, "it is enabled");
}

/* ------------------------------------------------------------------ counts */

/* Distinct (function, label) pairs by content, each with a count per
   thread: an open-addressing table of indexes into 'keys'. */
struct sim_symcount {
  struct {
    const char *fn, *label;
    uint64_t h;
  } * keys;
  uint32_t *count; /* [key * SIM_MAX_THREADS + tid] */
  size_t nkeys, capkeys;
  int32_t *slot; /* -1 empty */
  size_t nslots;
};

/* The slot hash of (fn, label): the one mixer of sim/hash.h.  Only the
   table's layout depends on it; keys keep their insertion order. */
static uint64_t key_hash(const char *fn, const char *label) {
  uint64_t h = SIM_HASH_INIT;
  sim_hash_str(&h, fn);
  sim_hash_str(&h, label);
  return h;
}

static sim_symcount *count_new(void) {
  sim_symcount *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  c->nslots = 256;
  c->slot = malloc(c->nslots * sizeof *c->slot);
  if (!c->slot) {
    free(c);
    return NULL;
  }
  memset(c->slot, 0xff, c->nslots * sizeof *c->slot);
  return c;
}

static void count_free(sim_symcount *c) {
  if (!c)
    return;
  free(c->keys);
  free(c->count);
  free(c->slot);
  free(c);
}

/* The index of (fn, label), added if new; -1 when out of memory. */
static long count_key(sim_symcount *c, const char *fn, const char *label) {
  uint64_t h = key_hash(fn, label);
  size_t mask = c->nslots - 1, i = (size_t)h & mask;
  for (; c->slot[i] >= 0; i = (i + 1) & mask) {
    size_t k = (size_t)c->slot[i];
    if (c->keys[k].h == h && !strcmp(c->keys[k].fn, fn) &&
        !strcmp(c->keys[k].label, label))
      return (long)k;
  }
  if (c->nkeys == c->capkeys) {
    size_t cap = c->capkeys ? 2 * c->capkeys : 64;
    void *k = realloc(c->keys, cap * sizeof *c->keys);
    if (!k)
      return -1;
    c->keys = k;
    uint32_t *n = realloc(c->count, cap * SIM_MAX_THREADS * sizeof *n);
    if (!n)
      return -1;
    memset(n + c->capkeys * SIM_MAX_THREADS, 0,
           (cap - c->capkeys) * SIM_MAX_THREADS * sizeof *n);
    c->count = n;
    c->capkeys = cap;
  }
  size_t k = c->nkeys++;
  c->keys[k].fn = fn;
  c->keys[k].label = label;
  c->keys[k].h = h;
  c->slot[i] = (int32_t)k;
  if (2 * c->nkeys > c->nslots) { /* grow: rehash every key */
    size_t ns = 2 * c->nslots;
    int32_t *sl = malloc(ns * sizeof *sl);
    if (!sl)
      return -1;
    memset(sl, 0xff, ns * sizeof *sl);
    for (size_t j = 0; j < c->nkeys; j++) {
      size_t p = (size_t)c->keys[j].h & (ns - 1);
      while (sl[p] >= 0)
        p = (p + 1) & (ns - 1);
      sl[p] = (int32_t)j;
    }
    free(c->slot);
    c->slot = sl;
    c->nslots = ns;
  }
  return (long)k;
}

/* Thread tid is granted its pending step.  -1 when out of memory. */
static int count_grant(sim_symcount *c, const sim_exec *x, int tid) {
  const sim_stepdesc *s = sim_pending(x, tid);
  assert(s && "a granted thread is parked on its step");
  long k = count_key(c, sim_pending_fn(x, tid), s->what ? s->what : "");
  if (k < 0)
    return -1;
  c->count[(size_t)k * SIM_MAX_THREADS + (size_t)tid]++;
  return 0;
}

/* Steps thread tid executed that p matches. */
static uint64_t count_matches(const sim_symcount *c, int tid,
                              const sim_sympoint *p) {
  uint64_t n = 0;
  for (size_t k = 0; k < c->nkeys; k++)
    if (sim_sympoint_matches(p, c->keys[k].fn, c->keys[k].label))
      n += c->count[k * SIM_MAX_THREADS + (size_t)tid];
  return n;
}

/* ------------------------------------------------------------------ replay */

static void diverge(sim_symreplay *r, const sim_choice_ctx *c, const char *fmt,
                    const char *a, const char *b) {
  if (r->diverged)
    return;
  r->diverged = 1;
  r->diverged_at = c->step;
  snprintf(r->why, sizeof r->why, fmt, a, b);
}

static int replay_choose(void *arg, const sim_choice_ctx *c) {
  sim_symreplay *r = arg;
  const sim_exec *x = c->x;
  char pt[160], why[256], who[200];
  int pick = sim_lowest(c->enabled);
  if (!r->cnt)
    return -1; /* out of memory at init */
  while (r->seg < r->s->n) {
    const sim_symseg *g = &r->s->seg[r->seg];
    int t = g->tid;
    assert(t >= 0 && t < sim_nthreads(x) && "resolved");
    if (sim_thread_finished(x, t)) {
      if (g->has_until) {
        sim_sympoint_show(&g->until, pt, sizeof pt);
        diverge(r, c, "thread %s finished without reaching %s", r->names[t],
                pt);
      }
      r->seg++;
      continue;
    }
    const sim_stepdesc *s = sim_pending(x, t);
    if (g->has_until && s &&
        sim_sympoint_matches(&g->until, sim_pending_fn(x, t), s->what) &&
        count_matches(r->cnt, t, &g->until) + 1 == g->until.nth) {
      r->seg++; /* at its point: the next segment */
      continue;
    }
    if (c->enabled & (1u << t)) {
      pick = t;
      break;
    }
    /* t waits: another thread runs this step, one that no later segment
       names if there is one (the thread t waits for, typically) */
    uint32_t others = c->enabled & ~r->later[r->seg];
    pick = sim_lowest(others ? others : c->enabled);
    if (others)
      break; /* t waits for a thread the schedule leaves free: its I/O */
    /* only threads of later segments can run: the order is broken */
    sim_blocked_why(x, t, why, sizeof why);
    if (g->has_until)
      sim_sympoint_show(&g->until, pt, sizeof pt);
    if (g->has_until)
      snprintf(who, sizeof who, "%s (before %s)", r->names[t], pt);
    else
      snprintf(who, sizeof who, "%s (running to its end)", r->names[t]);
    diverge(r, c, "thread %s cannot run: %s; other threads ran until it could",
            who, why);
    break;
  }
  if (count_grant(r->cnt, x, pick))
    return -1;
  return pick;
}

sim_chooser sim_symreplay_init(sim_symreplay *r, const sim_symsched *s,
                               const char *const *names) {
  memset(r, 0, sizeof *r);
  r->s = s;
  r->names = names;
  r->cnt = count_new();
  r->later = calloc(s->n + 1, sizeof *r->later);
  if (!r->later) {
    count_free(r->cnt);
    r->cnt = NULL; /* the chooser stops the execution */
  }
  for (size_t i = s->n; r->later && i-- > 0;)
    r->later[i] =
        r->later[i + 1] | (i + 1 < s->n ? 1u << s->seg[i + 1].tid : 0);
  return (sim_chooser){replay_choose, r, NULL};
}

void sim_symreplay_end(sim_symreplay *r, int finished) {
  char pt[160];
  for (size_t i = r->seg; finished && !r->diverged && i < r->s->n; i++) {
    const sim_symseg *g = &r->s->seg[i];
    if (!g->has_until)
      continue;
    sim_sympoint_show(&g->until, pt, sizeof pt);
    r->diverged = 1;
    r->diverged_at = UINT64_MAX;
    snprintf(r->why, sizeof r->why, "thread %s finished without reaching %s",
             r->names[g->tid], pt);
  }
}

void sim_symreplay_free(sim_symreplay *r) {
  count_free(r->cnt);
  r->cnt = NULL;
  free(r->later);
  r->later = NULL;
}

/* ------------------------------------------------------------------ derive */

/* Ends the run of rec->prev at a context switch (or at the end). */
static void close_run(sim_symrec *rec, const sim_exec *x, int at_end) {
  int t = rec->prev;
  if (rec->out.n == SIM_SYMSCHED_MAX_SEGS) {
    rec->overflow = 1;
    return;
  }
  if (rec->out.n == rec->cap) {
    size_t cap = rec->cap ? 2 * rec->cap : 64;
    sim_symseg *q = realloc(rec->out.seg, cap * sizeof *q);
    if (!q) {
      rec->bad = 1;
      return;
    }
    rec->out.seg = q;
    rec->cap = cap;
  }
  sim_symseg *g = &rec->out.seg[rec->out.n++];
  *g = (sim_symseg){.tid = t};
  const sim_stepdesc *s = at_end ? NULL : sim_pending(x, t);
  if (!s || sim_thread_finished(x, t))
    return;
  const char *fn = sim_pending_fn(x, t), *label = s->what ? s->what : "";
  g->has_until = 1;
  g->until = (sim_sympoint){.fn = fn[0] ? fn : NULL, .label = label};
  /* written bare when it is an identifier (it then also matches as a
     word of longer labels, which the count below includes) */
  const char *p = label;
  int ident = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_';
  for (; ident && *p; p++)
    ident = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '_';
  g->until.exact = !ident;
  g->until.nth = (uint32_t)(count_matches(rec->cnt, t, &g->until) + 1);
  if (!label[0] || strchr(label, '"') || strchr(fn, '"'))
    rec->bad = 1; /* no point can spell it */
}

static int rec_choose(void *arg, const sim_choice_ctx *c) {
  sim_symrec *rec = arg;
  int tid = rec->inner.choose(rec->inner.arg, c);
  if (tid < 0)
    return tid;
  if (rec->prev >= 0 && tid != rec->prev && !rec->overflow)
    close_run(rec, c->x, 0);
  if (rec->cnt && count_grant(rec->cnt, c->x, tid))
    rec->bad = 1;
  rec->prev = tid;
  return tid;
}

static void rec_blocked(void *arg, const sim_choice_ctx *c) {
  sim_symrec *rec = arg;
  if (rec->inner.blocked)
    rec->inner.blocked(rec->inner.arg, c);
}

sim_chooser sim_symrec_init(sim_symrec *rec, sim_chooser inner) {
  memset(rec, 0, sizeof *rec);
  rec->inner = inner;
  rec->prev = -1;
  rec->cnt = count_new();
  if (!rec->cnt)
    rec->bad = 1;
  return (sim_chooser){rec_choose, rec, rec_blocked};
}

char *sim_symrec_finish(sim_symrec *rec, const char *const *names, char *err,
                        size_t errlen) {
  if (rec->prev >= 0 && !rec->overflow) {
    close_run(rec, NULL, 1);
    rec->prev = -1;
  }
  if (rec->overflow) {
    snprintf(err, errlen, "more than %u context switches",
             SIM_SYMSCHED_MAX_SEGS - 1);
    return NULL;
  }
  if (rec->bad) {
    snprintf(err, errlen,
             "a step label no point can name (empty, or with a '\"'), or "
             "out of memory");
    return NULL;
  }
  if (!rec->out.n) {
    snprintf(err, errlen, "no step ran");
    return NULL;
  }
  char *s = sim_symsched_format(&rec->out, names);
  if (!s)
    snprintf(err, errlen, "out of memory");
  return s;
}

void sim_symrec_free(sim_symrec *rec) {
  free(rec->out.seg);
  rec->out.seg = NULL;
  rec->out.n = rec->cap = 0;
  count_free(rec->cnt);
  rec->cnt = NULL;
}
