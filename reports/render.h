/*
** render.h - the Graphviz timeline of one logged execution.
**
** render_timeline reads an event log (reports/SCHEMA.md) through the
** timeline model (reports/timeline.h) and draws one execution: one lane
** per thread, one row per step, lock-hold bars, happens-before arrows, the
** violating step in red.  Long executions are cut to the causal slice of
** the violation (reports/slice.c).
*/
#ifndef MMSIM_RENDER_H
#define MMSIM_RENDER_H

#include <stddef.h>
#include <stdint.h>

typedef struct render_opts {
  int64_t exec_id; /* 0: the last violating execution, else the last one */
  int slice;       /* max events shown around the violation (0: 200) */
  int full;        /* 1: show every event */
} render_opts;

/* Renders a timeline to 'out' (.svg, .png or .dot, chosen by extension).
   Returns 0, or -1 with a message. */
int render_timeline(const char *dbpath, const char *out, const render_opts *o,
                    char *err, size_t errlen);

#endif /* MMSIM_RENDER_H */
