/*
** check.c - `mmsim check`: validates scenario files without running them.
**
** Each file goes through the same loader as run and explore (parse, then
** bind to its model, MM or litmus), so check accepts exactly what they
** accept.  One line per file: what it declares and what it expects on each
** variant, or FILE:LINE:COL: error: ... and exit status 2.  --knobs lists
** the kernel variants, the knobs and the violation kinds, generated from
** the models' tables.
*/
#include <getopt.h>
#include <stdio.h>

#include "models/variant.h"
#include "reports/cli/cli.h"

static void print_kinds(const char *who, const sim_kind *k, int n) {
  printf("Violation kinds (%s):\n", who);
  for (int i = 0; i < n; i++)
    printf("  %-30s %s\n", k[i].name, k[i].what);
}

static void print_knobs(void) {
  printf("Kernel variants (kernel NAME in a scenario):\n");
  for (int i = 0; i < mm_nvariants; i++)
    printf("  %-30s %s\n", mm_variants[i].name, mm_variants[i].kernel);
  printf("Knobs (set NAME = on|off in a scenario):\n");
  for (int i = 0; i < mm_nknobs; i++)
    printf("  %-30s %s\n", mm_knob_table[i].name, mm_knob_table[i].what);
  print_kinds("engine, every model", sim_engine_kinds, SIM_NENGINE_KINDS);
  for (int i = 0; i < model_ntable; i++)
    print_kinds(model_table[i].name, model_table[i].ops->kinds,
                model_table[i].ops->nkinds);
}

static const char *plural(int n, const char *one, const char *many) {
  return n == 1 ? one : many;
}

static void print_summary(const char *path, const cli_scenario *l) {
  const scenario *s = &l->scn;
  const model_binding *b = &l->b;
  printf("%s: ok: \"%s\", ", path, s->title);
  if (b->desc->variants)
    printf("kernel %s, ", b->label);
  else
    printf("litmus %s %d, ", s->litmus, s->litmus_n);
  printf("%d %s, %d %s, expect %s", b->ncpus, plural(b->ncpus, "cpu", "cpus"),
         b->nthreads, plural(b->nthreads, "thread", "threads"), l->expect);
  for (int j = 0; j < s->nexpect_on; j++) {
    const scn_expect *e = &s->expect_on[j];
    printf("; on %s %s", e->variant, e->violation ? "violation" : "clean");
    if (e->any)
      printf(" any");
    for (int k = 0; k < e->nkinds; k++)
      printf(" %s", e->kinds[k]);
  }
  if (s->nconds)
    printf("; %d condition%s", s->nconds, s->nconds == 1 ? "" : "s");
  printf("\n");
}

static int cmd_check(int argc, char **argv) {
  static const struct option lo[] = {{"knobs", no_argument, 0, 'k'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  int ch, knobs = 0;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
    if (ch == 'h')
      return cli_help(&cli_check);
    if (ch != 'k')
      return cli_bad_option("check", ch, argv, lo);
    knobs = 1;
  }
  if (knobs)
    print_knobs();
  if (optind == argc && !knobs)
    return cli_usage("check", "expected one or more scenario files");
  int rc = CLI_OK;
  for (int i = optind; i < argc; i++) {
    cli_scenario *l = cli_load(argv[i], NULL, CLI_NO_ENGINE);
    if (!l) {
      rc = CLI_BAD_INPUT;
      continue;
    }
    print_summary(argv[i], l);
    cli_unload(l);
  }
  return rc;
}

const cli_command cli_check = {
    "check", cmd_check, "FILE...",
    "validate scenario files (--knobs: list knobs)",
    "usage: mmsim check FILE... [--knobs]\n"
    "\n"
    "Validates scenario files: prints one line per file, or FILE:LINE:COL: "
    "error: ...\nand exits 2.  --knobs lists kernel variants, knobs and "
    "violation kinds.\n"};
