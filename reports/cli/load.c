/*
** load.c - the one door every scenario-reading command goes through:
** parse, bind (MM or litmus alike), start the engine, describe the run.
** Also the small helpers the commands share (usage errors, strict numbers,
** default output paths).
*/
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/cli/cli.h"

int cli_usage(const char *cmd, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "mmsim %s: ", cmd);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, " (see mmsim %s --help)\n", cmd);
  return CLI_BAD_INPUT;
}

int cli_help(const cli_command *c) {
  fputs(c->help, stdout);
  return CLI_OK;
}

int cli_bad_option(const char *cmd, int ch, char **argv) {
  const char *opt = argv[optind - 1];
  if (ch == ':')
    return cli_usage(cmd, "%s expects a value", opt);
  if (optopt && opt[0] == '-' && opt[1] != '-')
    return cli_usage(cmd, "unknown option '-%c'", optopt);
  return cli_usage(cmd, "unknown option '%s'", opt);
}

int cli_u64(const char *s, uint64_t *out) {
  if (!s || *s < '0' || *s > '9')
    return -1;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (*end || errno)
    return -1;
  *out = v;
  return 0;
}

int cli_bind(cli_scenario *l, const char *variant, int engine) {
  char err[512];
  if (model_bind(&l->b, &l->scn, variant, err, sizeof err)) {
    fprintf(stderr, "%s\n", err);
    return CLI_BAD_INPUT;
  }
  if (engine && sim_init(l->b.ncpus, err, sizeof err)) {
    fprintf(stderr, "mmsim: %s\n", err);
    return CLI_BAD_INPUT;
  }
  model_expect_text(&l->b, l->expect, sizeof l->expect);
  return CLI_OK;
}

/* Parses 'text' (NULL: the file 'path'), binds, starts the engine. */
static cli_scenario *load(const char *path, const char *text,
                          const char *variant, int engine) {
  char err[512];
  cli_scenario *l = calloc(1, sizeof *l);
  if (!l) {
    fprintf(stderr, "mmsim: out of memory\n");
    return NULL;
  }
  l->path = path;
  int rc = text ? scn_parse_string(path, text, &l->scn, err, sizeof err)
                : scn_parse_file(path, &l->scn, err, sizeof err);
  if (rc) {
    fprintf(stderr, "%s\n", err);
    free(l);
    return NULL;
  }
  if (cli_bind(l, variant, engine)) {
    free(l);
    return NULL;
  }
  return l;
}

cli_scenario *cli_load(const char *path, const char *variant, int engine) {
  return load(path, NULL, variant, engine);
}

cli_scenario *cli_load_text(const char *name, const char *text,
                            const char *variant, int engine) {
  return load(name, text, variant, engine);
}

void cli_unload(cli_scenario *l) {
  free(l);
}

void cli_run_info_of(cli_run_info *ci, const cli_scenario *l, const char *mode,
                     const char *policy, uint64_t seed) {
  const model_binding *b = &l->b;
  for (int i = 0; i < b->nthreads; i++) {
    ci->names[i] = b->threads[i].name;
    ci->cpus[i] = b->threads[i].cpu;
  }
  ci->ri = (rlog_run_info){.mode = mode,
                           .scenario_path = l->path,
                           .title = l->scn.title,
                           .variant = b->variant[0] ? b->variant : "litmus",
                           .knobs = b->knobs,
                           .policy = policy,
                           .seed = seed,
                           .ncpus = b->ncpus,
                           .nthreads = b->nthreads,
                           .thread_names = ci->names,
                           .thread_cpus = ci->cpus,
                           .expect = l->expect};
}

void cli_namer(void *arg, sim_oid o, char *buf, size_t n) {
  const model_binding *b = arg;
  b->ops->obj_name(b->model, o, buf, n);
}

char *cli_default_out(const char *scn, const char *ext) {
  char *copy = strdup(scn);
  if (!copy)
    return NULL;
  char *base = basename(copy);
  char *dot = strrchr(base, '.');
  if (dot)
    *dot = 0;
  mkdir("out", 0755);
  size_t n = strlen(base) + strlen(ext) + 8;
  char *p = malloc(n);
  if (p)
    snprintf(p, n, "out/%s.%s", base, ext);
  free(copy);
  return p;
}

int cli_expectation_met(const model_binding *b, const sim_result *r) {
  if (b->expect.violation)
    return r->outcome == SIM_VIOLATION && !strcmp(r->kind, b->expect.kind);
  return r->outcome == SIM_CLEAN;
}
