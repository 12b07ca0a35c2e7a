/*
** sched.h - the single-execution scheduling policies and the PRNG.
**
**   timed   the enabled thread whose CPU is earliest in simulated time runs
**           next (each step advances its thread by the step's cost); ties
**           are broken by the seeded PRNG.  The default for `mmsim run`.
**   random  a uniformly random enabled thread, seeded.
**   replay  follows a recorded grant sequence.  If the recorded thread is not
**           enabled (a different variant, or a hand-written schedule), the
**           lowest-numbered enabled thread runs instead and the first such
**           step is remembered as the divergence point.  After the sequence
**           ends, the lowest-numbered enabled thread runs.
**
** The explorer (sim/explore.c) supplies its own choosers.
*/
#ifndef MMSIM_SCHED_H
#define MMSIM_SCHED_H

#include "sim.h"

/* splitmix64: small, fast, and the same on every platform. */
typedef struct sim_rng {
  uint64_t s;
} sim_rng;

static inline uint64_t sim_rng_next(sim_rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static inline uint32_t sim_rng_below(sim_rng *r, uint32_t n) {
  return (uint32_t)(sim_rng_next(r) % n);
}

enum sim_policy { SIM_POLICY_TIMED, SIM_POLICY_RANDOM, SIM_POLICY_REPLAY };

typedef struct sim_sched {
  enum sim_policy policy;
  sim_rng rng;
  /* replay */
  const uint8_t *seq;
  size_t n, pos;
  int diverged;         /* 1 once a recorded choice was not enabled */
  uint64_t diverged_at; /* step of the first divergence */
  int div_wanted;       /* thread the schedule asked for there */
  char div_why[256];    /* why it could not run (sim_blocked_why) */
} sim_sched;

const char *sim_policy_name(enum sim_policy p);
/* Parses "timed", "random" or "replay"; -1 if unknown. */
int sim_policy_parse(const char *s);

/* Prepares 's' and returns a chooser reading it.  For replay, 'seq' must
   outlive the execution. */
sim_chooser sim_sched_init(sim_sched *s, enum sim_policy p, uint64_t seed,
                           const uint8_t *seq, size_t n);

/* Lowest set bit of an enabled mask. */
static inline int sim_lowest(uint32_t mask) {
  return __builtin_ctz(mask);
}

#endif /* MMSIM_SCHED_H */
