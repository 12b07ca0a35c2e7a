/*
** test_format.c - the scenario formatter (models/scn_format.c): the exact
** canonical text of a small scenario, and the round trip
** parse(format(parse(s))) == parse(s) (compared through format, and
** through the default run's trace hash) on every bundled scenario.
*/
#include "models/scenario.h"

#include <criterion/criterion.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static scenario *parse_ok(const char *name, const char *text) {
  scenario *s = calloc(1, sizeof *s);
  char err[1024] = "";
  cr_assert_not_null(s);
  cr_assert_eq(scn_parse_string(name, text, s, err, sizeof err), 0, "%s: %s",
               name, err);
  return s;
}

Test(format, canonical_text) {
  /* options out of order, interleaved thread lines, comments, K sizes */
  scenario *s = parse_ok("t.scn", "# a comment\n"
                                  "scenario \"fmt\"\n"
                                  "cpus 2\n"
                                  "kernel 2.6.20\n"
                                  "file data buffers size=8K cached=1,0\n"
                                  "mm p1\n"
                                  "map p1 data at 65536 pages=2 rw shared "
                                  "mapped\n"
                                  "cpu1: truncate data 4K\n"
                                  "cpu0: p1 load 0x11000\n"
                                  "cpu1: delay 10\n"
                                  "set fault.truncate_count=off\n"
                                  "expect on 2.6.23 clean\n"
                                  "expect violation page-mapped-on-remove\n"
                                  "run timed\n");
  char buf[2048];
  size_t n = scn_format(s, buf, sizeof buf);
  cr_assert_str_eq(buf, "scenario \"fmt\"\n"
                        "kernel 2.6.20\n"
                        "set fault.truncate_count = off\n"
                        "cpus 2\n"
                        "file data size=8192 cached=0,1 buffers\n"
                        "mm p1\n"
                        "map p1 data at 0x10000 pages=2 shared rw mapped\n"
                        "cpu1: truncate data 4096\n"
                        "cpu1: delay 10\n"
                        "cpu0: p1 load 0x11000\n"
                        "expect violation page-mapped-on-remove\n"
                        "expect on 2.6.23 clean\n"
                        "run timed seed=0\n");
  cr_assert_eq(n, strlen(buf));
  /* too small a buffer: cut, NUL-terminated, the full length returned */
  char small[16];
  cr_assert_eq(scn_format(s, small, sizeof small), n);
  cr_assert_str_eq(small, "scenario \"fmt\"\n");
  free(s);
}

/* The transcript of the default run of a scenario file (its run line). */
static char *transcript(const char *path) {
  char args[1024], *out;
  snprintf(args, sizeof args, "run '%s' --no-log --quiet --transcript -", path);
  int rc = run_mmsim(args, &out);
  cr_assert(rc == 0 || rc == 1, "mmsim %s: exit %d\n%s", args, rc, out);
  return out;
}

/* format(parse(format(parse(f)))) == format(parse(f)), and the default
   run of the formatted scenario prints the original's transcript. */
static void round_trip(const char *path, const char *dir) {
  scenario *a = calloc(1, sizeof *a), *b;
  char err[1024] = "";
  cr_assert_eq(scn_parse_file(path, a, err, sizeof err), 0, "%s", err);
  size_t n = scn_format(a, NULL, 0);
  char *fa = malloc(n + 1), *fb = malloc(n + 1);
  cr_assert_eq(scn_format(a, fa, n + 1), n);
  b = parse_ok(path, fa);
  cr_assert_eq(scn_format(b, fb, n + 1), n, "%s: length changed", path);
  cr_assert_str_eq(fb, fa, "%s: not a fixed point", path);
  char tmp[1024];
  snprintf(tmp, sizeof tmp, "%s/%s", dir, strrchr(path, '/') + 1);
  FILE *f = fopen(tmp, "w");
  cr_assert_not_null(f);
  fputs(fa, f);
  fclose(f);
  char *want = transcript(path), *have = transcript(tmp);
  cr_assert_str_eq(have, want, "%s: the formatted scenario runs otherwise",
                   path);
  free(want);
  free(have);
  free(fa);
  free(fb);
  free(a);
  free(b);
}

Test(format, every_bundled_scenario_round_trips) {
  glob_t g;
  cr_assert_eq(glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
  cr_assert_gt(g.gl_pathc, 20);
  char *dir = test_tmpdir();
  for (size_t i = 0; i < g.gl_pathc; i++)
    round_trip(g.gl_pathv[i], dir);
  free(dir);
  globfree(&g);
}
