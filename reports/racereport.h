/*
** racereport.h - the race of one logged execution as text (the
** terminal's counterpart of the timeline, reports/render.h): the steps of
** its causal slice in one column per thread, the violated invariant, the
** locks held at the violation, a deadlock's wait-for chain.
*/
#ifndef MMSIM_RACEREPORT_H
#define MMSIM_RACEREPORT_H

#include <stdint.h>
#include <stdio.h>

/* Prints the race report of execution 'exec_id' of the log at 'dbpath'
   (0: its last violating execution) to f, with at most 'limit' steps (0:
   the timeline's default).  Returns 0, or -1 with a message. */
int race_report(const char *dbpath, int64_t exec_id, int limit, FILE *f,
                char *err, size_t errlen);

#endif /* MMSIM_RACEREPORT_H */
