/*
** observers.h - observers the commands stack on an execution, beside the
** SQLite log: a digest of every logged field (determinism checks), a text
** transcript (golden tests, diffs), and a fan-out that feeds several
** observers from the engine's one.
*/
#ifndef MMSIM_OBSERVERS_H
#define MMSIM_OBSERVERS_H

#include <stdint.h>
#include <stdio.h>

#include "reports/log.h"
#include "sim/sim.h"

/* Hashes every field of every event and flow (sim/hash.h): two
   executions with equal digests write byte-identical logs. */
typedef struct obs_digest {
  uint64_t h;
  uint64_t nevents;
} obs_digest;
sim_observer obs_digest_init(obs_digest *d);

/*
** One line per step: seq, thread, function (indented by call depth),
** operation, first object, and the values before -> after; one line per
** happens-before flow.  Everything in it is determined by the schedule, so
** it can be compared byte for byte.
*/
typedef struct obs_transcript {
  FILE *f;
  const char *const *thread_names; /* [tid] */
  rlog_namer namer;
  void *namer_arg;
} obs_transcript;
sim_observer obs_transcript_init(obs_transcript *t, FILE *f,
                                 const char *const *thread_names,
                                 rlog_namer namer, void *namer_arg);
/* The closing line: outcome, violation kind and message. */
void obs_transcript_end(obs_transcript *t, const sim_result *r);

/* Feeds up to OBS_FANOUT observers, in order (NULL entries skipped). */
#define OBS_FANOUT 4
typedef struct obs_fanout {
  const sim_observer *to[OBS_FANOUT];
} obs_fanout;
sim_observer obs_fanout_init(obs_fanout *f);

#endif /* MMSIM_OBSERVERS_H */
