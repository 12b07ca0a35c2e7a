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

#include "models/variant.h"
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

/* How many long options 'name' (without "--" and "=value") abbreviates. */
static int prefix_matches(const struct option *lo, const char *name, size_t n) {
  int k = 0;
  for (; lo->name; lo++)
    k += !strncmp(lo->name, name, n);
  return k;
}

/*
** getopt_long leaves optind past a long option, but inside a cluster of
** short ones ("-xy"), so the offending word is found from optopt first:
** 0 means a long option; otherwise the character, or the 'val' of a long
** option that was given a value it does not take.
*/
int cli_bad_option(const char *cmd, int ch, char **argv,
                   const struct option *lo) {
  const char *arg = argv[optind - 1];
  int is_long = !strncmp(arg, "--", 2);
  size_t n = is_long ? strcspn(arg + 2, "=") : 0;
  if (ch == ':')
    return is_long ? cli_usage(cmd, "--%.*s expects a value", (int)n, arg + 2)
                   : cli_usage(cmd, "-%c expects a value", optopt);
  if (optopt && !(is_long && arg[2 + n] == '='))
    return cli_usage(cmd, "unknown option '-%c'", optopt);
  if (optopt)
    return cli_usage(cmd, "--%.*s takes no value", (int)n, arg + 2);
  if (is_long && prefix_matches(lo, arg + 2, n) > 1)
    return cli_usage(cmd, "ambiguous option '--%.*s'", (int)n, arg + 2);
  return cli_usage(cmd, "unknown option '%s'", arg);
}

int cli_u64(const char *s, uint64_t *out) {
  if (!s || *s < '0' || *s > '9')
    return -1;
  int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, hex ? 16 : 10);
  if (*end || errno || end == s + (hex ? 2 : 0))
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

/* What model thread 'name' does: the scenario's thread of that name
   (the model's own threads, e.g. a block device, have none). */
static const char *thread_desc(const cli_scenario *l, const char *name,
                               char *buf, size_t n) {
  for (int i = 0; i < l->scn.nthreads; i++)
    if (!strcmp(l->scn.threads[i].name, name))
      return scn_thread_describe(&l->scn, &l->scn.threads[i], buf, n);
  return NULL;
}

/* The knobs of 'b' that differ from its variant's preset, as
   "name=on,..." in 'buf'; NULL for a model without variants. */
static const char *knobs_set(const model_binding *b, char *buf, size_t n) {
  mm_knobs preset;
  char pk[sizeof b->knobs];
  if (!b->knobs[0] || mm_variant_preset(b->variant, &preset))
    return NULL;
  mm_knobs_format(&preset, pk, sizeof pk);
  size_t len = 0;
  buf[0] = 0;
  for (const char *p = b->knobs; *p;) { /* "name=v,name=v" in both */
    size_t tl = strcspn(p, ",");
    int same = 0;
    for (const char *q = pk; *q && !same;) {
      size_t ql = strcspn(q, ",");
      same = ql == tl && !memcmp(p, q, tl);
      q += ql + (q[ql] == ',');
    }
    if (!same && len + tl + 2 < n) {
      if (len)
        buf[len++] = ',';
      memcpy(buf + len, p, tl);
      buf[len += tl] = 0;
    }
    p += tl + (p[tl] == ',');
  }
  return buf;
}

void cli_run_info_of(cli_run_info *ci, const cli_scenario *l, const char *mode,
                     const char *policy, uint64_t seed) {
  const model_binding *b = &l->b;
  for (int i = 0; i < b->nthreads; i++) {
    ci->names[i] = b->threads[i].name;
    ci->cpus[i] = b->threads[i].cpu;
    ci->descs[i] =
        thread_desc(l, b->threads[i].name, ci->desc[i], sizeof ci->desc[i]);
  }
  ci->ri = (rlog_run_info){
      .mode = mode,
      .scenario_path = l->path,
      .title = l->scn.title,
      .variant = b->variant,
      .knobs = b->knobs,
      .knobs_set = knobs_set(b, ci->knobs_set, sizeof ci->knobs_set),
      .policy = policy,
      .seed = seed,
      .ncpus = b->ncpus,
      .nthreads = b->nthreads,
      .thread_names = ci->names,
      .thread_cpus = ci->cpus,
      .thread_descs = ci->descs,
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
    return r->outcome == SIM_VIOLATION && model_kind_expected(b, r->kind);
  return r->outcome == SIM_CLEAN;
}
