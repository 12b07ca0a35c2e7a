/*
** observers.c - see observers.h.  The transcript names flows and outcomes
** with the event log's words (reports/schema.h).
*/
#include "reports/observers.h"

#include <string.h>

#include "reports/schema.h"
#include "sim/hash.h"

/* ------------------------------------------------------------ digest */

static void digest_event(void *arg, const sim_event *e) {
  obs_digest *d = arg;
  const uint64_t v[] = {e->seq,           e->ts_ns,           e->dur_ns,
                        (uint64_t)e->tid, (uint64_t)e->depth, e->obj};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    sim_hash_u64(&d->h, v[i]);
  sim_hash_str(&d->h, e->fn);
  sim_hash_str(&d->h, e->what);
  sim_hash_str(&d->h, e->before);
  sim_hash_str(&d->h, e->after);
  d->nevents++;
}

static void digest_flow(void *arg, uint64_t from, uint64_t to,
                        enum sim_flow_kind k, sim_oid o) {
  obs_digest *d = arg;
  const uint64_t v[] = {from, to, (uint64_t)k, o};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
    sim_hash_u64(&d->h, v[i]);
}

sim_observer obs_digest_init(obs_digest *d) {
  *d = (obs_digest){SIM_HASH_INIT, 0};
  return (sim_observer){d, digest_event, digest_flow};
}

/* ------------------------------------------------------------ transcript */

static void transcript_event(void *arg, const sim_event *e) {
  obs_transcript *t = arg;
  char obj[64] = "-";
  if (e->has_obj)
    t->namer(t->namer_arg, e->obj, obj, sizeof obj);
  fprintf(t->f, "#%llu %s %*s%s: %s @%s", (unsigned long long)e->seq,
          t->thread_names[e->tid], 2 * e->depth, "", e->fn, e->what, obj);
  if (e->before[0] || e->after[0])
    fprintf(t->f, " [%s -> %s]", e->before, e->after);
  fputc('\n', t->f);
}

static void transcript_flow(void *arg, uint64_t from, uint64_t to,
                            enum sim_flow_kind k, sim_oid o) {
  obs_transcript *t = arg;
  char obj[64];
  t->namer(t->namer_arg, o, obj, sizeof obj);
  fprintf(t->f, "   %s #%llu -> #%llu @%s\n", schema_flow_kind[k],
          (unsigned long long)from, (unsigned long long)to, obj);
}

sim_observer obs_transcript_init(obs_transcript *t, FILE *f,
                                 const char *const *thread_names,
                                 rlog_namer namer, void *namer_arg) {
  *t = (obs_transcript){f, thread_names, namer, namer_arg};
  return (sim_observer){t, transcript_event, transcript_flow};
}

void obs_transcript_end(obs_transcript *t, const sim_result *r) {
  fprintf(t->f, "= %s", schema_outcome_name(r->outcome));
  if (r->outcome == SIM_VIOLATION)
    fprintf(t->f, " %s at #%llu: %s", r->kind, (unsigned long long)r->viol_seq,
            r->msg);
  fprintf(t->f, " (%llu steps, %llu ns)\n", (unsigned long long)r->steps,
          (unsigned long long)r->end_ns);
}

/* ------------------------------------------------------------ fan-out */

static void fanout_event(void *arg, const sim_event *e) {
  obs_fanout *f = arg;
  for (int i = 0; i < OBS_FANOUT; i++)
    if (f->to[i])
      f->to[i]->event(f->to[i]->arg, e);
}

static void fanout_flow(void *arg, uint64_t from, uint64_t to,
                        enum sim_flow_kind k, sim_oid o) {
  obs_fanout *f = arg;
  for (int i = 0; i < OBS_FANOUT; i++)
    if (f->to[i])
      f->to[i]->flow(f->to[i]->arg, from, to, k, o);
}

sim_observer obs_fanout_init(obs_fanout *f) {
  memset(f, 0, sizeof *f);
  return (sim_observer){f, fanout_event, fanout_flow};
}
