/*
** fuzz_schedule.c - libFuzzer harness for the schedule-string grammar
** (sim/sched.c: sim_sched_parse and sim_sched_parse_runs, which both
** --schedule and 'run schedule' use), with property checks:
**   - a rejection has a column inside the input (1..length+1) and a
**     message; an acceptance expands to at most SIM_SCHED_MAX_STEPS steps
**     of thread ids below SIM_MAX_THREADS;
**   - the two entry points agree: the runs expand to the parsed sequence;
**   - round trip: sim_sched_format(parse(s)) parses back to the same
**     sequence, and formats to the same string (a canonical form).
** The same input is read as a symbolic schedule (sim/symsched.c, which
** --schedule and 'run schedule' use for anything with a letter, ';' or
** '"'), with the same properties: a rejection at a column inside the
** input, an acceptance within the caps (segments, occurrence numbers),
** every segment's column inside the input, a canonical form that parses
** back to equal segments, and thread names that resolve or are rejected
** at a segment's column.
** Build and run: see README.md, "Reliability".
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "sim/symsched.h"

#define CHECK(c, ...)                                                          \
  do {                                                                         \
    if (!(c)) {                                                                \
      fprintf(stderr, __VA_ARGS__);                                            \
      fprintf(stderr, "\n");                                                   \
      abort();                                                                 \
    }                                                                          \
  } while (0)

static int same_str(const char *a, const char *b) {
  return (!a && !b) || (a && b && !strcmp(a, b));
}

static void check_symbolic(const char *s, size_t len) {
  static const char *const names[] = {"cpu0", "cpu1", "blockdev", "exit"};
  sim_symsched a, b;
  int col = -1;
  char err[512] = "";
  if (sim_symsched_parse(s, &a, &col, err, sizeof err)) {
    CHECK(col >= 1 && (size_t)col <= len + 1 && err[0],
          "symbolic rejection at column %d of a %zu-byte input: '%s'", col, len,
          err);
    CHECK(!a.seg && !a.text && !a.n, "a rejection keeps no storage");
    return;
  }
  CHECK(a.n >= 1 && a.n <= SIM_SYMSCHED_MAX_SEGS, "%zu segments", a.n);
  for (size_t i = 0; i < a.n; i++) {
    const sim_symseg *g = &a.seg[i];
    CHECK(g->col >= 1 && (size_t)g->col <= len && g->thread[0],
          "segment %zu at column %d", i, g->col);
    CHECK(!g->has_until ||
              (g->until.label[0] && g->until.nth >= 1 &&
               g->until.nth <= SIM_SYMSCHED_MAX_NTH && g->point_col > g->col &&
               (size_t)g->point_col <= len),
          "segment %zu: bad point", i);
  }
  char *f = sim_symsched_format(&a, NULL);
  CHECK(f, "symbolic format failed");
  CHECK(!sim_symsched_parse(f, &b, &col, err, sizeof err),
        "'%s' formats to '%s', which is rejected at %d: %s", s, f, col, err);
  CHECK(b.n == a.n, "round trip changes the segment count");
  for (size_t i = 0; i < a.n; i++) {
    const sim_symseg *x = &a.seg[i], *y = &b.seg[i];
    CHECK(!strcmp(x->thread, y->thread) && x->has_until == y->has_until &&
              (!x->has_until || (same_str(x->until.fn, y->until.fn) &&
                                 !strcmp(x->until.label, y->until.label) &&
                                 x->until.nth == y->until.nth &&
                                 /* a bare label is written bare, a quoted one
                                    that is an identifier stays quoted */
                                 x->until.exact == y->until.exact)),
          "round trip of '%s' through '%s' changes segment %zu", s, f, i);
  }
  char *f2 = sim_symsched_format(&b, NULL);
  CHECK(f2 && !strcmp(f, f2), "symbolic format is not canonical: '%s' / '%s'",
        f, f2 ? f2 : "");
  if (sim_symsched_resolve(&a, names, 4, &col, err, sizeof err)) {
    int at = 0;
    for (size_t i = 0; i < a.n; i++)
      at |= a.seg[i].col == col;
    CHECK(at && err[0], "resolve error at column %d, no segment there", col);
  } else {
    for (size_t i = 0; i < a.n; i++)
      CHECK(a.seg[i].tid >= 0 && a.seg[i].tid < 4, "resolved to %d",
            a.seg[i].tid);
  }
  free(f);
  free(f2);
  sim_symsched_free(&a);
  sim_symsched_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096)
    return 0;
  char *s = malloc(size + 1);
  memcpy(s, data, size);
  s[size] = 0;
  size_t len = strlen(s);
  check_symbolic(s, len);
  uint8_t *seq = NULL;
  size_t n = 0;
  int col = -1;
  char err[256] = "";
  int rc = sim_sched_parse(s, &seq, &n, &col, err, sizeof err);
  sim_sched_run *runs = NULL;
  size_t nruns = 0;
  int col2 = -1;
  char err2[256] = "";
  int rc2 = sim_sched_parse_runs(s, &runs, &nruns, &col2, err2, sizeof err2);
  if (rc) {
    CHECK(col >= 1 && (size_t)col <= len + 1 && err[0],
          "rejection at column %d of a %zu-byte input: '%s'", col, len, err);
    /* only the length cap is sim_sched_parse's own */
    CHECK(!rc2 || (col2 == col && !strcmp(err, err2)),
          "the two parsers disagree: '%s' / '%s'", err, err2);
    free(runs);
    free(s);
    return 0;
  }
  CHECK(!rc2, "runs rejected what the parser accepted: %s", err2);
  CHECK(n <= SIM_SCHED_MAX_STEPS, "%zu steps", n);
  size_t k = 0;
  for (size_t i = 0; i < nruns; i++)
    for (uint32_t j = 0; j < runs[i].count; j++, k++)
      CHECK(k < n && seq[k] == runs[i].tid, "runs and sequence differ at %zu",
            k);
  CHECK(k == n, "runs expand to %zu steps, the sequence has %zu", k, n);
  for (size_t i = 0; i < n; i++)
    CHECK(seq[i] < SIM_MAX_THREADS, "thread %d", seq[i]);
  char *f = sim_sched_format(seq, n);
  CHECK(f, "format failed");
  uint8_t *seq2 = NULL;
  size_t n2 = 0;
  CHECK(!sim_sched_parse(f, &seq2, &n2, &col, err, sizeof err) && n2 == n &&
            (!n || !memcmp(seq, seq2, n)),
        "round trip of '%s' through '%s' failed: %s", s, f, err);
  char *f2 = sim_sched_format(seq2, n2);
  CHECK(f2 && !strcmp(f, f2), "format is not canonical: '%s' / '%s'", f,
        f2 ? f2 : "");
  free(f2);
  free(seq2);
  free(f);
  free(seq);
  free(runs);
  free(s);
  return 0;
}
