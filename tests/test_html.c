/*
** test_html.c - `explore --html`: the structure of the self-contained
** page for the bundled R1 scenario (a row per variant, a section per
** counterexample with its replay command, race report and inline SVG
** timeline, the scenario text), nothing fetched from elsewhere, and the
** usage error without a log.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static int count(const char *s, const char *what) {
  int n = 0;
  for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
    n++;
  return n;
}

Test(html, explore_page_of_the_r1_scenario) {
  char *dir = test_tmpdir(), args[1200], path[400], *out;
  snprintf(path, sizeof path, "%s/r.html", dir);
  snprintf(args, sizeof args,
           "explore scenarios/fault-invalidate.scn --db %s/r.db --html %s", dir,
           path);
  cr_assert_eq(run_mmsim(args, &out), 0, "%s", out);
  cr_assert(strstr(out, "report:   "), "%s", out);
  free(out);
  char *h = slurp(path);
  cr_assert(h);
  cr_assert(!strncmp(h, "<!DOCTYPE html>\n<html lang=\"en\">", 32));
  cr_assert(strstr(h, "<title>mmsim explore: fault vs O_DIRECT invalidate "
                      "(R1)</title>"));
  cr_assert(strstr(h, "every variant meets its expectation"));
  /* the variants side by side: a header row and one row each */
  cr_assert_eq(count(h, "<tr>"), 3);
  cr_assert_eq(count(h, "<td class=\"met\">yes</td>"), 2);
  cr_assert(strstr(h, "clean in every execution (349 states)"));
  /* a section per counterexample: 2.6.20's two kinds */
  cr_assert_eq(count(h, "<h2 class=\"kind\">"), 2);
  cr_assert(strstr(h, "<h2 class=\"kind\">2.6.20: page-mapped-on-remove</h2>"));
  cr_assert_eq(count(h, "<code class=\"replay\">mmsim replay "
                        "scenarios/fault-invalidate.scn --variant 2.6.20 "
                        "--schedule '"),
               2);
  /* and its symbolic schedule (sim/symsched.h) beside it */
  cr_assert_eq(count(h, "<code class=\"replay symbolic\">mmsim replay "
                        "scenarios/fault-invalidate.scn --variant 2.6.20 "
                        "--schedule 'cpu1 until "),
               2);
  cr_assert_eq(count(h, "<pre class=\"race\">race report: "), 2);
  cr_assert(strstr(h, "  *** PAGE-MAPPED-ON-REMOVE ***"));
  cr_assert_eq(count(h, "<div class=\"timeline\"><svg"), 2);
  cr_assert_eq(count(h, "</svg>"), 2);
  /* the scenario itself, escaped */
  cr_assert(strstr(h, "<pre class=\"scenario\">"));
  cr_assert(strstr(h, "expect on 2.6.23 clean"));
  /* self-contained: nothing to fetch */
  cr_assert_null(strstr(h, "<script"));
  cr_assert_null(strstr(h, "<link"));
  cr_assert_null(strstr(h, "src=\"http"));
  cr_assert_null(strstr(h, "<?xml"));
  free(h);
  free(dir);
}

Test(html, needs_the_log) {
  char *out;
  cr_assert_eq(run_mmsim("explore scenarios/fault-invalidate.scn --no-log "
                         "--html /tmp/never.html",
                         &out),
               2, "%s", out);
  cr_assert(strstr(out, "mmsim explore: --html reads the counterexamples "
                        "back from the log: drop --no-log"),
            "%s", out);
  free(out);
}
