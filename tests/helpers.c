/*
** helpers.c - see helpers.h.
*/
#include "helpers.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int run_mmsim(const char *args, char **output) {
  size_t n = strlen(args) + 256;
  char *cmd = malloc(n);
  snprintf(cmd, n, "cd '%s' && '%s' %s 2>&1", MMSIM_SOURCE_DIR, MMSIM_BINARY,
           args);
  FILE *p = popen(cmd, "r");
  free(cmd);
  if (!p)
    return -1;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t k;
  while ((k = fread(buf + len, 1, cap - len - 1, p)) > 0) {
    len += k;
    if (cap - len < 2) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
  }
  buf[len] = 0;
  int st = pclose(p);
  if (output)
    *output = buf;
  else
    free(buf);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  size_t got = fread(b, 1, (size_t)n, f);
  b[got] = 0;
  fclose(f);
  return b;
}

/* The directories test_tmpdir made in this process, removed with all they
   hold when it exits. Criterion runs each test in a forked child that
   exits normally after the test, passed or failed, so this is per test. A
   child that crashes, or a test's own fork ending in exit(), removes
   nothing: tmpdirs_owner is the process that made the directories. */
static char **tmpdirs;
static int ntmpdirs;
static pid_t tmpdirs_owner;

/* nftw callbacks: open every directory up (a test may have made one
   read-only), then remove depth first (files, SQLite -wal/-shm side files,
   rendered outputs, subdirectories, and the directory itself). */
static int open_up(const char *path, const struct stat *sb, int type,
                   struct FTW *ftw) {
  (void)ftw;
  if (type == FTW_D || type == FTW_DNR)
    chmod(path, (sb->st_mode & 07777) | S_IRWXU);
  return 0;
}
static int remove_one(const char *path, const struct stat *sb, int type,
                      struct FTW *ftw) {
  (void)sb, (void)type, (void)ftw;
  remove(path);
  return 0;
}

static void remove_tmpdirs(void) {
  if (getpid() != tmpdirs_owner)
    return;
  const char *keep = getenv("MMSIM_KEEP_TMP");
  for (int i = 0; i < ntmpdirs; i++) {
    if (keep && keep[0])
      fprintf(stderr, "MMSIM_KEEP_TMP: kept %s\n", tmpdirs[i]);
    else {
      nftw(tmpdirs[i], open_up, 16, FTW_PHYS);
      nftw(tmpdirs[i], remove_one, 16, FTW_DEPTH | FTW_PHYS);
    }
    free(tmpdirs[i]);
  }
  free(tmpdirs);
  tmpdirs = NULL;
  ntmpdirs = 0;
}

char *test_tmpdir(void) {
  char tmpl[] = "/tmp/mmsim-test-XXXXXX";
  char *d = mkdtemp(tmpl);
  if (!d)
    return NULL;
  if (tmpdirs_owner != getpid()) { /* first call in this (forked) process */
    tmpdirs = NULL;
    ntmpdirs = 0;
    tmpdirs_owner = getpid();
    atexit(remove_tmpdirs);
  }
  tmpdirs = realloc(tmpdirs, (size_t)(ntmpdirs + 1) * sizeof *tmpdirs);
  tmpdirs[ntmpdirs++] = strdup(d);
  return strdup(d);
}

sim_chooser replay_chooser(sim_sched *ss, const char *sched, uint8_t **seq) {
  size_t n = 0;
  int col;
  char err[128];
  *seq = NULL;
  cr_assert_eq(sim_sched_parse(sched, seq, &n, &col, err, sizeof err), 0, "%s",
               err);
  return sim_sched_init(ss, SIM_POLICY_REPLAY, 0, *seq, n);
}

void assert_kinds_table(const sim_kind *k, int n) {
  cr_assert_gt(n, 0);
  for (int i = 0; i < n; i++) {
    cr_assert_eq(k[i].id, SIM_KIND_MODEL + i, "row %d: id %d", i, k[i].id);
    cr_assert(k[i].name && k[i].name[0] && k[i].what && k[i].what[0],
              "row %d: name and description", i);
    for (int j = 0; j < i; j++)
      cr_assert_str_neq(k[i].name, k[j].name, "rows %d and %d", j, i);
    for (int j = 0; j < SIM_NENGINE_KINDS; j++)
      cr_assert_str_neq(k[i].name, sim_engine_kinds[j].name, "row %d", i);
  }
}
