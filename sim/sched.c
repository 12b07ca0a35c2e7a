/*
** sched.c - single-execution policies (timed, random, replay) and the
** schedule-string codec.  See sched.h for what each policy does.
**
** Schedule strings are run-length encoded grant sequences: runs separated by
** '.', each run a thread id with an optional "*count".  "0*3.1.0*2" means
** thread 0 is granted three steps, then thread 1 one, then thread 0 two.
** Thread ids are decimal.  The string is what every run prints and stores,
** and what `mmsim replay` and `--schedule` read.
*/
#include "sched.h"
#include "symsched.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sim_policy_name(enum sim_policy p) {
  switch (p) {
  case SIM_POLICY_TIMED:
    return "timed";
  case SIM_POLICY_RANDOM:
    return "random";
  case SIM_POLICY_REPLAY:
    return "replay";
  }
  return "?";
}

int sim_policy_parse(const char *s) {
  if (!strcmp(s, "timed"))
    return SIM_POLICY_TIMED;
  if (!strcmp(s, "random"))
    return SIM_POLICY_RANDOM;
  if (!strcmp(s, "replay"))
    return SIM_POLICY_REPLAY;
  return -1;
}

/* Earliest thread in simulated time; ties broken by the PRNG.  The PRNG is
   only consulted on a tie, so a schedule without ties uses no randomness. */
static int choose_timed(void *arg, const sim_choice_ctx *c) {
  sim_sched *s = arg;
  uint64_t best = UINT64_MAX;
  uint32_t ties = 0;
  for (uint32_t m = c->enabled; m; m &= m - 1) {
    int tid = __builtin_ctz(m);
    uint64_t r = sim_thread_ready_ns(c->x, tid);
    if (r < best) {
      best = r;
      ties = 1u << tid;
    } else if (r == best) {
      ties |= 1u << tid;
    }
  }
  int n = __builtin_popcount(ties);
  if (n == 1)
    return __builtin_ctz(ties);
  int k = (int)sim_rng_below(&s->rng, (uint32_t)n);
  while (k--)
    ties &= ties - 1;
  return __builtin_ctz(ties);
}

static int choose_random(void *arg, const sim_choice_ctx *c) {
  sim_sched *s = arg;
  uint32_t m = c->enabled;
  int k = (int)sim_rng_below(&s->rng, (uint32_t)__builtin_popcount(m));
  while (k--)
    m &= m - 1;
  return __builtin_ctz(m);
}

static int choose_replay(void *arg, const sim_choice_ctx *c) {
  sim_sched *s = arg;
  if (s->pos < s->n) {
    int want = s->seq[s->pos++];
    if (want < 32 && (c->enabled & (1u << want)))
      return want;
    if (!s->diverged) {
      s->diverged = 1;
      s->diverged_at = c->step;
      s->div_wanted = want;
      if (want < sim_nthreads(c->x))
        sim_blocked_why(c->x, want, s->div_why, sizeof s->div_why);
      else
        snprintf(s->div_why, sizeof s->div_why, "there is no such thread");
    }
  }
  return sim_lowest(c->enabled);
}

sim_chooser sim_sched_init(sim_sched *s, enum sim_policy p, uint64_t seed,
                           const uint8_t *seq, size_t n) {
  memset(s, 0, sizeof *s);
  s->policy = p;
  s->rng.s = seed;
  s->seq = seq;
  s->n = n;
  switch (p) {
  case SIM_POLICY_TIMED:
    return (sim_chooser){choose_timed, s};
  case SIM_POLICY_RANDOM:
    return (sim_chooser){choose_random, s};
  case SIM_POLICY_REPLAY:
    return (sim_chooser){choose_replay, s};
  }
  return (sim_chooser){choose_timed, s};
}

/* Writes 'v' in decimal at 'p'; returns the end. */
static char *put_dec(char *p, uint64_t v) {
  char tmp[24];
  int n = 0;
  do
    tmp[n++] = (char)('0' + v % 10);
  while (v /= 10);
  while (n)
    *p++ = tmp[--n];
  return p;
}

char *sim_sched_format(const uint8_t *s, size_t n) {
  size_t cap = 64, len = 0;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  out[0] = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && s[j] == s[i])
      j++;
    /* by hand, not snprintf: a schedule has a run per step or two, and
       this string is written to the log at the end of every execution */
    char run[48], *p = run;
    if (i)
      *p++ = '.';
    p = put_dec(p, s[i]);
    if (j - i > 1) {
      *p++ = '*';
      p = put_dec(p, j - i);
    }
    *p = 0;
    int k = (int)(p - run);
    if (len + (size_t)k + 1 > cap) {
      while (len + (size_t)k + 1 > cap)
        cap *= 2;
      char *p = realloc(out, cap);
      if (!p) {
        free(out);
        return NULL;
      }
      out = p;
    }
    memcpy(out + len, run, (size_t)k + 1);
    len += (size_t)k;
    i = j;
  }
  return out;
}

/*
** The grammar of schedule strings, kept here once: sim_sched_parse() and
** the scenario parser (models/scenario.c, which needs the column of each
** run to point at a bad thread id, and must bound the length of a string
** before anything expands it) both read a string through this function.
** Runs are returned as written: nothing is merged or expanded.
*/
int sim_sched_parse_runs(const char *str, sim_sched_run **out, size_t *n,
                         int *col, char *err, size_t errlen) {
  size_t cap = 16, len = 0;
  sim_sched_run *v = malloc(cap * sizeof *v);
  const char *p = str;
  if (!v) {
    snprintf(err, errlen, "out of memory");
    *col = 1;
    return -1;
  }
  while (*p && isspace((unsigned char)*p))
    p++;
  while (*p) {
    const char *run = p;
    if (!isdigit((unsigned char)*p)) {
      snprintf(err, errlen, "expected a thread number, found '%c'", *p);
      goto fail;
    }
    unsigned long tid = strtoul(p, (char **)&p, 10);
    if (tid >= SIM_MAX_THREADS) {
      snprintf(err, errlen, "thread number %lu out of range (0..%d)", tid,
               SIM_MAX_THREADS - 1);
      goto fail;
    }
    unsigned long cnt = 1;
    if (*p == '*') {
      p++;
      if (!isdigit((unsigned char)*p)) {
        snprintf(err, errlen, "expected a step count after '*'");
        goto fail;
      }
      cnt = strtoul(p, (char **)&p, 10);
      if (cnt == 0 || cnt > 100000000ul) {
        snprintf(err, errlen, "step count must be 1..100000000");
        goto fail;
      }
    }
    if (len == cap) {
      sim_sched_run *q = realloc(v, 2 * cap * sizeof *v);
      if (!q) {
        snprintf(err, errlen, "out of memory");
        goto fail;
      }
      v = q;
      cap *= 2;
    }
    v[len++] = (sim_sched_run){.tid = (uint8_t)tid,
                               .count = (uint32_t)cnt,
                               .col = (int)(run - str) + 1};
    while (*p && isspace((unsigned char)*p))
      p++;
    if (*p == '.') {
      p++;
      if (!*p) {
        snprintf(err, errlen, "expected a thread number after '.'");
        goto fail;
      }
    } else if (*p) {
      snprintf(err, errlen, "expected '.', '*' or end of schedule, found '%c'",
               *p);
      goto fail;
    }
    while (*p && isspace((unsigned char)*p))
      p++;
  }
  *out = v;
  *n = len;
  *col = 0;
  return 0;
fail:
  *col = (int)(p - str) + 1;
  free(v);
  return -1;
}

int sim_sched_parse(const char *str, uint8_t **out, size_t *n, int *col,
                    char *err, size_t errlen) {
  sim_sched_run *runs;
  size_t nruns, len = 0;
  if (sim_sched_parse_runs(str, &runs, &nruns, col, err, errlen))
    return -1;
  for (size_t i = 0; i < nruns; i++) {
    len += runs[i].count;
    if (len > SIM_SCHED_MAX_STEPS) {
      snprintf(err, errlen, "schedule longer than %u steps",
               SIM_SCHED_MAX_STEPS);
      *col = runs[i].col;
      free(runs);
      return -1;
    }
  }
  uint8_t *v = malloc(len ? len : 1);
  if (!v) {
    snprintf(err, errlen, "out of memory");
    *col = 1;
    free(runs);
    return -1;
  }
  for (size_t i = 0, o = 0; i < nruns; o += runs[i++].count)
    memset(v + o, runs[i].tid, runs[i].count);
  free(runs);
  *out = v;
  *n = len;
  *col = 0;
  return 0;
}
