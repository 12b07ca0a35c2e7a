/*
** main.c - mmsim's entry point: one table of commands, one dispatch.
**
** `mmsim COMMAND [ARGS]` runs the command's main with argv[0] = COMMAND;
** `mmsim --help` lists the table, `mmsim --version` prints the version
** CMake's project() declares.  A new command is a new file and a new row.
*/
#include <stdio.h>
#include <string.h>

#include "reports/cli/cli.h"

static const cli_command *const commands[] = {
    &cli_run, &cli_replay, &cli_explore, &cli_check, &cli_render, &cli_bench,
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void print_main_help(FILE *f) {
  fprintf(f, "usage: mmsim COMMAND [ARGS]\n"
             "\n"
             "Deterministic SMP simulator of Linux memory-management races.\n"
             "\n"
             "commands:\n");
  for (size_t i = 0; i < NCOMMANDS; i++) {
    char head[48];
    snprintf(head, sizeof head, "%s %s", commands[i]->name, commands[i]->args);
    fprintf(f, "  %-18s %s\n", head, commands[i]->summary);
  }
  fprintf(f, "\nRun 'mmsim COMMAND --help' for the options of a command,\n"
             "'mmsim --version' for the version.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    print_main_help(stderr);
    return CLI_BAD_INPUT;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    print_main_help(stdout);
    return CLI_OK;
  }
  if (!strcmp(cmd, "--version")) {
    printf("mmsim %s\n", MMSIM_VERSION);
    return CLI_OK;
  }
  for (size_t i = 0; i < NCOMMANDS; i++)
    if (!strcmp(cmd, commands[i]->name))
      return commands[i]->main(argc - 1, argv + 1);
  fprintf(stderr, "mmsim: unknown command '%s'\n\n", cmd);
  print_main_help(stderr);
  return CLI_BAD_INPUT;
}
