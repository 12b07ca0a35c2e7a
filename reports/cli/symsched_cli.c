/*
** symsched_cli.c - the symbolic schedule of a recorded execution, for the
** commands that print counterexamples (explore): the step-count string is
** replayed once more on the bound scenario with the recorder of
** sim/symsched.h around the replay chooser, which notes at each context
** switch the point the thread switched away from was about to execute.
** The result replays to the same grant sequence, and keeps replaying when
** the model later cuts its paths into more steps.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/cli/cli.h"
#include "sim/sched.h"
#include "sim/symsched.h"

char *cli_symbolic_of(const cli_scenario *l, const char *sched, char *err,
                      size_t errlen) {
  uint8_t *seq = NULL;
  size_t n = 0;
  int col;
  if (sim_sched_parse(sched, &seq, &n, &col, err, errlen))
    return NULL;
  const char *names[SIM_MAX_THREADS];
  for (int i = 0; i < l->b.nthreads; i++)
    names[i] = l->b.threads[i].name;
  sim_sched ss;
  sim_symrec rec;
  sim_result r = {0};
  sim_exec_cfg cfg = model_exec_cfg(&l->b);
  cfg.chooser =
      sim_symrec_init(&rec, sim_sched_init(&ss, SIM_POLICY_REPLAY, 0, seq, n));
  char *out = NULL;
  if (sim_exec_run(&cfg, &r))
    snprintf(err, errlen, "engine error");
  else
    out = sim_symrec_finish(&rec, names, err, errlen);
  sim_symrec_free(&rec);
  sim_result_free(&r);
  free(seq);
  return out;
}
