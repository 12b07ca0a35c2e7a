/*
** cli.h - what the mmsim commands share.
**
** The command-line application is one dispatch table (main.c) and one file
** per command (run.c, check.c, render_cmd.c, explore.c, bench.c).  Every
** command that reads a scenario goes through one loader (load.c): parse
** the file, bind the model it names (MM with a kernel variant, or litmus),
** start the engine, and build the run description the log stores.  The
** exploration campaign behind `mmsim explore` is a module of its own
** (campaign.h) that tests drive without the binary.
**
** Exit status, for every command: 0 when the scenario's expectation holds
** (or the command succeeded), 1 when it does not, 2 on bad input or usage.
*/
#ifndef MMSIM_CLI_H
#define MMSIM_CLI_H

#include <stdint.h>

#include "models/model.h"
#include "models/scenario.h"
#include "reports/log.h"

enum { CLI_OK = 0, CLI_NOT_MET = 1, CLI_BAD_INPUT = 2, CLI_INTERRUPTED = 130 };

/* One subcommand.  main() gets argv[0] = the command's name and parses
   its options with getopt_long from optind 1: once per process (getopt's
   state is global). */
typedef struct cli_command {
  const char *name;
  int (*main)(int argc, char **argv);
  const char *args;    /* synopsis after the name, for mmsim --help */
  const char *summary; /* one line for mmsim --help */
  const char *help;    /* full text of mmsim NAME --help */
} cli_command;

extern const cli_command cli_run, cli_replay, cli_explore, cli_check,
    cli_render, cli_bench;

/* Prints "mmsim CMD: MSG (see mmsim CMD --help)" and returns 2. */
int cli_usage(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prints the command's help to stdout and returns 0. */
int cli_help(const cli_command *c);
/* The usage error for what getopt_long returned ('?' or ':'), naming the
   option: unknown, ambiguous, missing its value, or given one it does not
   take.  'lo' is the command's long option table. */
struct option;
int cli_bad_option(const char *cmd, int ch, char **argv,
                   const struct option *lo);
/* Strict number: decimal digits (or 0x and hex digits), no sign, no
   trailing text, no overflow. */
int cli_u64(const char *s, uint64_t *out);

/* ------------------------------------------------------------ loading */

/* A scenario parsed and bound to its model (heap: both are large). */
typedef struct cli_scenario {
  const char *path;
  scenario scn;
  model_binding b;
  char expect[64]; /* "clean" or "violation KIND" for the bound variant */
} cli_scenario;

/* Parses 'path', binds it with 'variant' (NULL: the scenario's own) and,
   with CLI_ENGINE, starts the engine for its CPUs (once per process: the
   engine cannot grow later).  Returns the loaded scenario, or NULL with
   the error printed to stderr (the caller exits 2). */
enum { CLI_NO_ENGINE = 0, CLI_ENGINE = 1 };
cli_scenario *cli_load(const char *path, const char *variant, int engine);
/* The same for a scenario given as text; 'name' stands for its file in
   messages and must outlive the result. */
cli_scenario *cli_load_text(const char *name, const char *text,
                            const char *variant, int engine);
/* Binds the already parsed scenario to another variant (and starts the
   engine if asked): 0, or 2 with the error printed. */
int cli_bind(cli_scenario *l, const char *variant, int engine);
void cli_unload(cli_scenario *l);

/* The run description the log stores, with storage for its arrays. */
typedef struct cli_run_info {
  rlog_run_info ri;
  const char *names[SIM_MAX_THREADS];
  int cpus[SIM_MAX_THREADS];
  const char *descs[SIM_MAX_THREADS];
  char desc[SIM_MAX_THREADS][160];
  char knobs_set[512];
} cli_run_info;

/* Describes a run of the bound scenario 'l' (mode "run", "replay",
   "explore", ...) under 'policy' and 'seed'. */
void cli_run_info_of(cli_run_info *ci, const cli_scenario *l, const char *mode,
                     const char *policy, uint64_t seed);

/* Object names for the log: arg is the model_binding. */
void cli_namer(void *arg, sim_oid o, char *buf, size_t n);
/* "out/NAME.EXT" for a scenario path (creates out/), malloc'd. */
char *cli_default_out(const char *scn, const char *ext);
/* symsched_cli.c: the symbolic schedule (sim/symsched.h) of the execution
   the step-count string 'sched' replays on l's binding; malloc'd, or NULL
   with the reason in err. */
char *cli_symbolic_of(const cli_scenario *l, const char *sched, char *err,
                      size_t errlen);
/* Does result 'r' meet the bound variant's expectation? */
int cli_expectation_met(const model_binding *b, const sim_result *r);

#endif /* MMSIM_CLI_H */
