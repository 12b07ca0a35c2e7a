/*
** helpers.h - shared test utilities: running the mmsim binary and reading
** files, so that tests assert on exact output and exit codes; checking a
** violation kinds table.
*/
#ifndef MMSIM_TEST_HELPERS_H
#define MMSIM_TEST_HELPERS_H

#include <stddef.h>

#include "sim/sched.h"
#include "sim/sim.h"

/* Runs MMSIM_BINARY with 'args' (a shell-quoted string) in a shell, captures
   stdout+stderr into a malloc'd string; returns the exit status. */
int run_mmsim(const char *args, char **output);
/* Reads a whole file; NULL if missing. */
char *slurp(const char *path);
/* A fresh temporary directory for the test (malloc'd path), removed with
   everything in it when the test's process exits; set MMSIM_KEEP_TMP=1 to
   keep them for debugging (a crashed test keeps its directories too). */
char *test_tmpdir(void);
/* A chooser replaying the schedule string 'sched' (asserted well formed)
   from 'ss'; its choices in *seq (malloc'd), for the caller to free after
   the execution. */
sim_chooser replay_chooser(sim_sched *ss, const char *sched, uint8_t **seq);
/* Asserts that a model's kinds table is well formed: row i has id
   SIM_KIND_MODEL + i, a name and a description, and its names are unique
   and distinct from the engine's. */
void assert_kinds_table(const sim_kind *k, int n);

#endif
