/*
** wallclock.h - the one reading of wall time in mmsim.
**
** Wall time drives progress lines, --max-time and benchmark figures only.
** It never reaches a trace hash, an event log row or a verdict's content:
** results depend on the schedule, not on the machine's speed.
*/
#ifndef MMSIM_WALLCLOCK_H
#define MMSIM_WALLCLOCK_H

#include <time.h>

/* Seconds on the monotonic clock (an arbitrary origin). */
static inline double sim_wall_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif /* MMSIM_WALLCLOCK_H */
