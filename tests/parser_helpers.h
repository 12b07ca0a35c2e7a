/*
** parser_helpers.h - what the scenario parser's test suites share
** (test_parser.c, test_parser_decl.c, test_parser_ops.c,
** test_parser_mmops.c, test_parser_cond.c, test_parser_sched.c): a valid
** head and tail of a scenario, parse_ok and parse_err, which assert a
** valid parse or the exact one-line error (line and column included),
** bind_err for the errors found when the scenario is bound to its model
** (models/model.c), and ERR_TEST, a test that is one parse_err.
*/
#ifndef MMSIM_TEST_PARSER_HELPERS_H
#define MMSIM_TEST_PARSER_HELPERS_H

#include "models/model.h"
#include "models/scenario.h"
#include "models/scn_lex.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* A valid prefix of 6 lines; errors in the lines after it are on line 7. */
#define HEAD                                                                   \
  "scenario \"t\"\n"                                                           \
  "kernel 2.6.20\n"                                                            \
  "cpus 2\n"                                                                   \
  "file data size=8K cached=0\n"                                               \
  "mm p1\n"                                                                    \
  "map p1 data at 0x10000 pages=2 shared rw\n"

#define TAIL                                                                   \
  "cpu0: p1 load 0x10000\n"                                                    \
  "expect clean\n"

/* Parses a text that must be valid into a heap scenario. */
static inline scenario *parse_ok(const char *text) {
  scenario *s = calloc(1, sizeof *s);
  char err[1024] = "";
  cr_assert_not_null(s);
  int rc = scn_parse_string("t.scn", text, s, err, sizeof err);
  cr_assert_eq(rc, 0, "unexpected error: %s", err);
  cr_assert_str_eq(err, "");
  return s;
}

/* Parses a text that must fail with exactly 'want'. */
static inline void parse_err(const char *text, const char *want) {
  scenario *s = calloc(1, sizeof *s);
  char err[1024] = "";
  cr_assert_not_null(s);
  int rc = scn_parse_string("t.scn", text, s, err, sizeof err);
  free(s);
  cr_assert_eq(rc, -1, "parse succeeded, expected: %s", want);
  cr_assert_str_eq(err, want);
}

/* Parses a valid text that must then fail model_bind with exactly 'want'. */
static inline void bind_err(const char *text, const char *want) {
  static model_binding b;
  scenario *s = parse_ok(text);
  char err[1024] = "";
  int rc = model_bind(&b, s, NULL, err, sizeof err);
  free(s);
  cr_assert_eq(rc, -1, "bind succeeded, expected: %s", want);
  cr_assert_str_eq(err, want);
}

/* A malformed input: asserts the exact error line. */
#define ERR_TEST(name, text, want)                                             \
  Test(parser_errors, name) {                                                  \
    parse_err(text, want);                                                     \
  }

#endif /* MMSIM_TEST_PARSER_HELPERS_H */
