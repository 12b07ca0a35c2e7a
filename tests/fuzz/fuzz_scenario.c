/*
** fuzz_scenario.c - libFuzzer harness for the scenario parser
** (models/scenario.c and its lexer and statement parsers), with three
** property checks on every input besides the sanitizers' own:
**   - a rejection is exactly one "t.scn:LINE:COL: error: ..." line whose
**     LINE and COL point inside the input (COL at most one past the end of
**     the line: "expected ..." at the end of a line);
**   - parsing is deterministic: two parses into buffers filled with
**     different bytes give the same bytes and the same message (no
**     uninitialised or stale byte reaches the result);
**   - an accepted scenario's 'run schedule' string parses with the
**     engine's grammar (the parser checked it);
**   - an accepted scenario round-trips through the formatter
**     (models/scn_format.c): format(parse(s)) parses, and formats to
**     the same text (fuzz_schedule.c does the same for schedules).
** Build and run: see README.md, "Reliability".
*/
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/scenario.h"
#include "sim/sim.h"
#include "sim/symsched.h"

/* The line and column of "t.scn:L:C: error: " in err, which must be the
   whole message on one line; aborts (a finding) otherwise. */
static void check_error(const char *text, size_t n, const char *err) {
  long line = 0, col = 0;
  int used = 0;
  if (sscanf(err, "t.scn:%ld:%ld: error: %n", &line, &col, &used) != 2 ||
      !used || strchr(err, '\n') || !err[used]) {
    fprintf(stderr, "malformed rejection: '%s'\n", err);
    abort();
  }
  /* find the line */
  long l = 1;
  size_t start = 0;
  for (size_t i = 0; i < n && l < line; i++)
    if (text[i] == '\n') {
      l++;
      start = i + 1;
    }
  size_t len = 0;
  while (start + len < n && text[start + len] != '\n')
    len++;
  /* past the end: the line after a final newline, column 1 */
  int after_nl = (n == 0 || text[n - 1] == '\n') && line == l + 1 && col == 1;
  if (!after_nl &&
      (line < 1 || l != line || col < 1 || (size_t)col > len + 1)) {
    fprintf(stderr,
            "rejection outside the input (%ld lines, line %ld has %zu "
            "columns): '%s'\n",
            l, line, len, err);
    abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 1 << 16)
    return 0;
  char *text = malloc(size + 1);
  memcpy(text, data, size);
  text[size] = 0;
  size_t n = strlen(text); /* the parser reads a C string */
  scenario *a = malloc(sizeof *a), *b = malloc(sizeof *b);
  char ea[512], eb[512];
  memset(a, 0x00, sizeof *a);
  memset(b, 0xff, sizeof *b);
  memset(ea, 0x00, sizeof ea);
  memset(eb, 0xff, sizeof eb);
  int ra = scn_parse_string("t.scn", text, a, ea, sizeof ea);
  int rb = scn_parse_string("t.scn", text, b, eb, sizeof eb);
  if (ra != rb || (ra && strcmp(ea, eb)) || (!ra && memcmp(a, b, sizeof *a))) {
    fprintf(stderr, "nondeterministic parse: %d '%s' / %d '%s'\n", ra,
            ra ? ea : "", rb, rb ? eb : "");
    abort();
  }
  if (!ra) { /* the round trip, into b */
    size_t len = scn_format(a, NULL, 0);
    char *fa = malloc(len + 1), *fb = malloc(len + 1);
    scn_format(a, fa, len + 1);
    if (scn_parse_string("t.scn", fa, b, eb, sizeof eb)) {
      fprintf(stderr, "formatted scenario rejected: %s\n---\n%s", eb, fa);
      abort();
    }
    if (scn_format(b, fb, len + 1) != len || strcmp(fa, fb)) {
      fprintf(stderr, "format is not a fixed point:\n%s---\n%s", fa, fb);
      abort();
    }
    free(fa);
    free(fb);
  }
  if (ra) {
    check_error(text, n, ea);
  } else if (a->run == SCN_RUN_SCHEDULE &&
             sim_symsched_is_symbolic(a->run_schedule,
                                      strlen(a->run_schedule))) {
    sim_symsched sym;
    int col;
    char err[512];
    if (sim_symsched_parse(a->run_schedule, &sym, &col, err, sizeof err)) {
      fprintf(stderr, "accepted schedule '%s' rejected: %s\n", a->run_schedule,
              err);
      abort();
    }
    sim_symsched_free(&sym);
  } else if (a->run == SCN_RUN_SCHEDULE) {
    uint8_t *seq;
    size_t ns;
    int col;
    char err[256];
    if (sim_sched_parse(a->run_schedule, &seq, &ns, &col, err, sizeof err)) {
      fprintf(stderr, "accepted schedule '%s' rejected: %s\n", a->run_schedule,
              err);
      abort();
    }
    free(seq);
  }
  free(a);
  free(b);
  free(text);
  return 0;
}
