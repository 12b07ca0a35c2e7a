/*
** cli.h - what the mmsim subcommands share (reports/cli.c,
** reports/explore_cmd.c).
*/
#ifndef MMSIM_CLI_H
#define MMSIM_CLI_H

#include "models/model.h"
#include "models/scenario.h"

/* Parses and binds a scenario, starts the engine: 0, or 2 (printed). */
int cli_load(scenario *scn, model_binding *b, const char *path,
             const char *variant);
/* Object names for the log: arg is the model_binding. */
void cli_namer(void *arg, sim_oid o, char *buf, size_t n);
/* "out/NAME.EXT" for a scenario path (creates out/), malloc'd. */
char *cli_default_out(const char *scn, const char *ext);
int cmd_explore(int argc, char **argv);

#endif /* MMSIM_CLI_H */
