/*
** test_golden.c - golden event transcripts of the bundled MM scenarios.
**
** For every scenarios/NAME.scn and every variant it states an outcome for
** (its kernel and each 'expect on' line), tests/golden/NAME-VARIANT.txt
** holds the command that produced it on its first line ("$ mmsim ...",
** SimGrid's tesh files are the model) and the transcript it printed: one
** line per step (thread, function, operation, object, values before ->
** after), one per happens-before flow, and the outcome.  The suite runs the
** command again and compares byte for byte; any change of a kernel path's
** steps, footprints, values or costs shows as a diff.
**
** After a deliberate change, regenerate them all with
**     MMSIM_REGEN=1 build/test_golden
** and review the diff (git diff tests/golden) before committing.
*/
#include <criterion/criterion.h>
#include <glob.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "models/scenario.h"

/* The variants a scenario states an outcome for. */
static int scenario_variants(const char *path, char out[][16], int max) {
  static scenario s;
  char err[512];
  cr_assert_eq(scn_parse_file(path, &s, err, sizeof err), 0, "%s", err);
  if (s.litmus[0])
    return 0;
  int n = 0;
  snprintf(out[n++], 16, "%s", s.kernel);
  for (int i = 0; i < s.nexpect_on && n < max; i++)
    if (strcmp(s.expect_on[i].variant, s.kernel))
      snprintf(out[n++], 16, "%s", s.expect_on[i].variant);
  return n;
}

/* Compares (or with MMSIM_REGEN writes) one golden file; 1 if it held. */
static int check_one(const char *scn, const char *variant) {
  char *copy = strdup(scn), *base = basename(copy);
  base[strcspn(base, ".")] = 0;
  char golden[1024], args[1024], *out;
  snprintf(golden, sizeof golden, "%s/tests/golden/%s-%s.txt", MMSIM_SOURCE_DIR,
           base, variant);
  snprintf(args, sizeof args,
           "run scenarios/%s.scn --variant %s --no-log --quiet --transcript -",
           base, variant);
  int rc = run_mmsim(args, &out);
  cr_assert(rc == 0 || rc == 1, "mmsim %s: exit %d\n%s", args, rc, out);
  size_t n = strlen(args) + strlen(out) + 16;
  char *want = malloc(n);
  snprintf(want, n, "$ mmsim %s\n%s", args, out);
  int held = 1;
  if (getenv("MMSIM_REGEN")) {
    FILE *f = fopen(golden, "w");
    cr_assert_not_null(f, "cannot write %s", golden);
    fputs(want, f);
    fclose(f);
  } else {
    char *have = slurp(golden);
    cr_assert_not_null(have,
                       "%s is missing: regenerate with MMSIM_REGEN=1 "
                       "build/test_golden",
                       golden);
    held = !strcmp(have, want);
    if (!held)
      cr_log_error("%s differs from what the model prints now; if the change "
                   "is deliberate, regenerate with MMSIM_REGEN=1 "
                   "build/test_golden and review the diff.\n--- now:\n%s",
                   golden, want);
    free(have);
  }
  free(want);
  free(out);
  free(copy);
  return held;
}

Test(golden, transcripts_of_every_bundled_mm_scenario) {
  glob_t g;
  cr_assert_eq(glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g), 0);
  int checked = 0, failed = 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    char variants[4][16];
    int nv = scenario_variants(g.gl_pathv[i], variants, 4);
    for (int v = 0; v < nv; v++) {
      failed += !check_one(g.gl_pathv[i], variants[v]);
      checked++;
    }
  }
  globfree(&g);
  cr_assert_geq(checked, 8, "every bundled MM scenario on both kernels");
  cr_assert_eq(failed, 0, "%d of %d golden transcripts differ", failed,
               checked);
}

/* Every golden file belongs to a bundled scenario and variant: a renamed
   scenario does not leave a stale transcript behind. */
Test(golden, no_stale_files) {
  glob_t g;
  if (glob(MMSIM_SOURCE_DIR "/tests/golden/*.txt", 0, NULL, &g))
    return;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    char *have = slurp(g.gl_pathv[i]);
    char scn[512], variant[32];
    cr_assert_eq(sscanf(have, "$ mmsim run %511s --variant %31s", scn, variant),
                 2, "%s: no command line", g.gl_pathv[i]);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", MMSIM_SOURCE_DIR, scn);
    char variants[4][16];
    int nv = scenario_variants(path, variants, 4), found = 0;
    for (int v = 0; v < nv; v++)
      found |= !strcmp(variants[v], variant);
    cr_assert(found, "%s: %s states no outcome for %s", g.gl_pathv[i], scn,
              variant);
    free(have);
  }
  globfree(&g);
}
