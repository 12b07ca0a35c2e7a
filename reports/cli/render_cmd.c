/*
** render_cmd.c - `mmsim render`: draws one logged execution as a timeline
** (SVG, PNG or Graphviz dot, chosen by the output's extension), or exports
** it as a Chrome trace-event file for ui.perfetto.dev (.json).
*/
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "reports/cli/cli.h"
#include "reports/perfetto.h"
#include "reports/render.h"

static int cmd_render(int argc, char **argv) {
  static const struct option lo[] = {{"exec", required_argument, 0, 'e'},
                                     {"slice", required_argument, 0, 's'},
                                     {"full", no_argument, 0, 'f'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  render_opts ro = {0};
  const char *out = NULL;
  uint64_t n;
  int ch;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":ho:", lo, NULL)) != -1) {
    switch (ch) {
    case 'o':
      out = optarg;
      break;
    case 'e':
      if (cli_u64(optarg, &n) || n > INT64_MAX)
        return cli_usage("render", "--exec expects an execution id");
      ro.exec_id = (int64_t)n;
      break;
    case 's':
      if (cli_u64(optarg, &n) || n > 1000000)
        return cli_usage("render", "--slice expects a number of events");
      ro.slice = (int)n;
      break;
    case 'f':
      ro.full = 1;
      break;
    case 'h':
      return cli_help(&cli_render);
    default:
      return cli_bad_option("render", ch, argv, lo);
    }
  }
  if (optind != argc - 1 || !out)
    return cli_usage("render", "expected DB and -o FILE.{svg,png,dot,json}");
  char err[512];
  size_t n_out = strlen(out);
  int json = n_out > 5 && !strcmp(out + n_out - 5, ".json");
  if (json ? perfetto_export(argv[optind], ro.exec_id, out, err, sizeof err)
           : render_timeline(argv[optind], out, &ro, err, sizeof err)) {
    fprintf(stderr, "error: %s\n", err);
    return CLI_BAD_INPUT;
  }
  printf("%s: %s\n", json ? "trace" : "timeline", out);
  return CLI_OK;
}

const cli_command cli_render = {
    "render", cmd_render, "DB",
    "draw a logged execution (-o FILE.svg|png|dot|json)",
    "usage: mmsim render DB -o FILE.{svg,png,dot,json} [--exec N] [--slice "
    "N] [--full]\n"
    "\n"
    "Draws one execution of DB (default: the last violating one, else the "
    "last): one lane per CPU,\nhappens-before arrows, the violation "
    "highlighted.  Long executions show the causal slice\nof N events "
    "(default 200) around the violation unless --full.  FILE.json is the\n"
    "whole execution as a Chrome trace-event file for ui.perfetto.dev: a "
    "track per thread,\nsteps as slices, lock holds as async slices, "
    "happens-before arrows as flows, the\nviolation as an instant.\n"};
