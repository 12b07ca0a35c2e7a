/*
** campaign_result.c - the result of one variant of a campaign
** (campaign.h): its sets of distinct states and traces, its violation
** kinds with the smallest counterexample of each, its distinct final
** states, its outcome conditions with their shortest witnesses, and the
** verdict against what the scenario expects of the variant (and of each
** condition).  Counts from a worker of --jobs merge through the same
** functions (campaign_workers.c), so that the merged result does not
** depend on the workers' order.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/cli/campaign_int.h"
#include "sim/hash.h"

/* ------------------------------------------------------------ results */

int camp_smaller(int pre, uint64_t steps, const char *sched, int kpre,
                 uint64_t ksteps, const char *ksched) {
  return !ksched || pre < kpre || (pre == kpre && steps < ksteps) ||
         (pre == kpre && steps == ksteps && strcmp(sched, ksched) < 0);
}

/* Counts 'count' more of kind 'name'; keeps 'sched' if it is a smaller
   counterexample than the one kept (fewest preemptions, then steps, then
   the schedule string, so that merged worker results are deterministic). */
void camp_add_kind(camp_variant *res, const char *name, uint64_t count, int pre,
                   uint64_t steps, const char *sched) {
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
  if (sched && (k->pre < 0 ||
                camp_smaller(pre, steps, sched, k->pre, k->steps, k->sched))) {
    free(k->sched);
    k->sched = strdup(sched);
    k->pre = pre;
    k->steps = steps;
  }
}

/* Counts 'count' more executions ending in final state 'text'. */
void camp_add_state(camp_variant *res, const char *text, uint64_t count) {
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
void camp_add_cond(camp_variant *res, int i, int held, uint64_t count,
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

void camp_variant_free(camp_variant *r) {
  for (int i = 0; i < r->nkinds; i++) {
    free(r->kinds[i].sched);
    free(r->kinds[i].symbolic);
  }
  for (int i = 0; i < r->nconds; i++) {
    free(r->conds[i].held_sched);
    free(r->conds[i].failed_sched);
  }
  for (size_t i = 0; i < r->nfstates; i++)
    free(r->fstates[i].text);
  free(r->fstates);
  free(r->lockdep_reports);
  sim_hset_free(&r->states);
  sim_hset_free(&r->traces);
  memset(r, 0, sizeof *r);
}

/* The kind 'name' of res, NULL if not found yet. */
const camp_kind *camp_find_kind(const camp_variant *res, const char *name) {
  for (int i = 0; i < res->nkinds; i++)
    if (!strcmp(res->kinds[i].name, name))
      return &res->kinds[i];
  return NULL;
}

/* Keeps a full lock-order report (at most CAMP_MAX_LOCKDEP_REPORTS). */
void camp_append_report(camp_variant *res, const char *rep) {
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

/* ------------------------------------------------------------ verdict */

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
   stopped at the violation it was asked for does not camp_judge them. */
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
void camp_judge(camp_variant *res, const model_binding *b, const camp_opts *o,
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
      if (!camp_find_kind(res, b->expect.kinds[k])) {
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
