/*
** test_parser_cond.c - the expect lines (models/scenario.c,
** models/scn_cond.c): expected violation kinds, checked when the scenario
** is bound to its model (models/model.c), so their errors go through
** parse + model_bind; expect on VARIANT; and the outcome conditions of
** expect exists|never|always.
*/
#include "parser_helpers.h"

Test(parser, expect_on_variants) {
  scenario *s = parse_ok(HEAD "cpu0: p1 load 0x10000\n"
                              "expect violation page-mapped-on-remove\n"
                              "expect on 2.6.23 clean\n");
  cr_assert_eq(s->expect.violation, 1);
  cr_assert_eq(s->nexpect_on, 1);
  cr_assert_str_eq(s->expect_on[0].variant, "2.6.23");
  cr_assert_eq(s->expect_on[0].violation, 0);
  cr_assert_eq(s->expect_on[0].line, 9);
  scn_expect e = scn_expectation(s, "2.6.23");
  cr_assert_eq(e.violation, 0);
  e = scn_expectation(s, "2.6.20");
  cr_assert_eq(e.violation, 1);
  cr_assert_str_eq(e.kinds[0], "page-mapped-on-remove");
  free(s);
}

/* Fills the stack below the caller with a pattern, so that bytes a
   parser leaves unwritten on its stack show up in what it copies out. */
static __attribute__((noinline)) void smear_stack(void) {
  volatile unsigned char junk[1 << 16];
  for (size_t i = 0; i < sizeof junk; i++)
    junk[i] = 0xa5;
}

/* Every byte of a parsed 'expect on' line is written: the variant name's
   tail is zeros, not stack garbage (a struct compared or hashed as bytes
   must be the same from one parse to the next). */
Test(parser, expect_on_has_no_uninitialised_bytes) {
  smear_stack();
  scenario *s = parse_ok(HEAD TAIL "expect on 2.6.23 clean\n");
  const scn_expect *e = &s->expect_on[0];
  cr_assert_str_eq(e->variant, "2.6.23");
  for (size_t i = strlen(e->variant); i < sizeof e->variant; i++)
    cr_assert_eq(e->variant[i], 0, "byte %zu of the variant is 0x%02x", i,
                 (unsigned char)e->variant[i]);
  free(s);
}

ERR_TEST(expect_on_unknown_variant, HEAD TAIL "expect on 2.4 clean\n",
         "t.scn:9:11: error: unknown kernel '2.4' (did you mean '6.4'?), "
         "expected one of 2.6.17-mm, 2.6.19, 2.6.20, 2.6.22, 2.6.23, 2.6.24, "
         "4.19, 5.7, 5.15, 5.16, 5.18, 6.0, 6.4, ksm, wp-glisse")

ERR_TEST(expect_on_duplicate,
         HEAD TAIL "expect on 2.6.23 clean\nexpect on 2.6.23 clean\n",
         "t.scn:10:11: error: duplicate 'expect on 2.6.23', first at line 9")

/* The kinds of the bound model (the engine's, then the model's); the
   parser only checks the word. */
#define KINDS                                                                  \
  "deadlock, bad-unlock, lock-order, page-mapped-on-remove, "                  \
  "pte-cache-mismatch, "                                                       \
  "pte-beyond-eof, refcount-mismatch, undeclared-write, lost-write, "          \
  "fsync-lost, writenotify-dirty, dirty-without-buffers, "                     \
  "writepage-without-buffers, pinned-lost-buffers, pinned-page-cleaned, "      \
  "file-written-without-permission, wp-broken"
#define LITMUS_KINDS                                                           \
  "deadlock, bad-unlock, lock-order, lost-update, lost-message, invariant"

Test(parser_errors, bad_violation_kind) {
  bind_err(HEAD "cpu0: delay 1\nexpect violation oops\n",
           "t.scn:8:18: error: unknown violation kind 'oops', expected one "
           "of " KINDS);
}

Test(parser_errors, bad_violation_kind_expect_on) {
  bind_err(HEAD TAIL "expect on 2.6.23 violation  page-mapped\n",
           "t.scn:9:29: error: unknown violation kind 'page-mapped', "
           "expected one of " KINDS);
}

Test(parser_errors, bad_violation_kind_on_a_variant_not_bound) {
  /* every expectation is checked, whichever variant is bound */
  bind_err(HEAD TAIL "expect on 2.6.20 clean\nexpect on 2.6.23 violation "
                     "oops\n",
           "t.scn:10:28: error: unknown violation kind 'oops', expected one "
           "of " KINDS);
}

Test(parser_errors, bad_violation_kind_litmus) {
  bind_err("scenario \"t\"\nlitmus counter 2\n\texpect violation lost\n",
           "t.scn:3:19: error: unknown violation kind 'lost', expected one of "
           "" LITMUS_KINDS);
}

Test(parser_errors, violation_kind_of_another_model) {
  /* a litmus kind is no kind of the MM model, on any 'expect' line */
  bind_err(HEAD TAIL "expect on 2.6.23 violation lost-update\n",
           "t.scn:9:28: error: unknown violation kind 'lost-update', expected "
           "one of " KINDS);
  bind_err("scenario \"t\"\nlitmus counter 2\n"
           "expect violation pte-beyond-eof\n",
           "t.scn:3:18: error: unknown violation kind 'pte-beyond-eof', "
           "expected one of " LITMUS_KINDS);
}

Test(parser, violation_kind_checked_at_bind) {
  static model_binding b;
  char err[1024] = "";
  scenario *s = parse_ok("scenario \"t\"\nlitmus racy-counter 2\n"
                         "expect violation lost-update\n");
  cr_assert_eq(model_bind(&b, s, NULL, err, sizeof err), 0, "%s", err);
  cr_assert_str_eq(b.expect.kinds[0], "lost-update");
  cr_assert_eq(b.expect.line, 3);
  cr_assert_eq(b.expect.kind_col[0], 18);
  free(s);
}

ERR_TEST(bad_violation_kind_word, HEAD "expect violation \"oops\"\n",
         "t.scn:7:18: error: bad violation kind '\"oops\"', expected a letter "
         "or '_' followed by letters, digits, '_' or '-'")

ERR_TEST(bad_expectation, HEAD "expect crash\n",
         "t.scn:7:8: error: unknown expectation 'crash', expected 'clean', "
         "'violation KIND', 'violation any', or a condition after exists, "
         "never or always")

ERR_TEST(missing_expect, HEAD "cpu0: delay 1\n",
         "t.scn:8:1: error: missing 'expect' statement, expected 'expect "
         "clean' or 'expect violation KIND'")

ERR_TEST(duplicate_expect, HEAD TAIL "expect on 2.6.23 clean\nexpect clean\n",
         "t.scn:10:1: error: duplicate 'expect' statement, first at line 8")

ERR_TEST(expect_on_only, HEAD "cpu0: delay 1\nexpect on 2.6.23 clean\n",
         "t.scn:9:1: error: missing 'expect' statement, expected 'expect "
         "clean' or 'expect violation KIND'")

#define TAIL_OPS "cpu0: p1 load 0x10000\n"

#define CHEAD                                                                  \
  HEAD "cpu0: p1 load 0x10000\n"                                               \
       "cpu1: p1 store 0x10000\n"                                              \
       "expect clean\n"

Test(parser, conditions_parse) {
  scenario *s = parse_ok(
      CHEAD
      "expect exists cpu0.load1 != cpu1.v1 and not (pte(p1,0x10000).dirty)"
      "  # a comment\n"
      "expect on 2.6.23 clean\n"
      "expect on 2.6.23 never mapcount(data,1) > 0 or sigbus(cpu0) >= 1\n"
      "expect always cpu0.load1 == old or cpu0.load1 == cpu1.v1\n");
  cr_assert_eq(s->nconds, 3);
  cr_assert_str_eq(s->conds[0].text, "exists cpu0.load1 != cpu1.v1 and not "
                                     "(pte(p1,0x10000).dirty)");
  cr_assert_eq(s->conds[0].quant, CQ_EXISTS);
  cr_assert_str_eq(s->conds[1].variant, "2.6.23");
  cr_assert_eq(s->conds[1].quant, CQ_NEVER);
  const cond_node *r = &s->cond_nodes[s->conds[0].root];
  cr_assert_eq(r->kind, CN_AND);
  const cond_node *cmp = &s->cond_nodes[r->a];
  cr_assert_eq(cmp->kind, CN_CMP);
  cr_assert_eq(cmp->cmp, CMP_NE);
  cr_assert_eq(s->cond_nodes[cmp->a].kind, CT_LOAD);
  cr_assert_eq(s->cond_nodes[cmp->b].kind, CT_VERSION);
  cr_assert_eq(s->cond_nodes[cmp->b].thread, 1);
  cr_assert_eq(s->cond_nodes[r->b].kind, CN_NOT);
  int idx[SCN_MAX_CONDS];
  cr_assert_eq(scn_conditions(s, NULL, idx), 2); /* the plain ones */
  cr_assert_eq(idx[1], 2);
  cr_assert_eq(scn_conditions(s, "2.6.23", idx), 1);
  cr_assert_eq(idx[0], 1);
  cr_assert_eq(scn_conditions(s, "2.6.24", idx), 2);
  free(s);
}

Test(parser, expect_several_kinds_and_any) {
  scenario *s = parse_ok(HEAD TAIL_OPS "expect violation page-mapped-on-remove "
                                       "pte-cache-mismatch\n"
                                       "expect on 2.6.23 violation any\n");
  cr_assert_eq(s->expect.nkinds, 2);
  cr_assert_str_eq(s->expect.kinds[1], "pte-cache-mismatch");
  cr_assert_eq(s->expect.kind_col[1], 40);
  cr_assert(scn_expect_names(&s->expect, "pte-cache-mismatch"));
  cr_assert_not(scn_expect_names(&s->expect, "deadlock"));
  cr_assert(s->expect_on[0].any);
  cr_assert(scn_expect_names(&s->expect_on[0], "deadlock"));
  free(s);
}

ERR_TEST(cond_unknown_thread, CHEAD "expect exists cpu3.load1 == old\n",
         "t.scn:10:15: error: unknown thread 'cpu3' in condition (did you "
         "mean 'cpu0'?), expected cpu0 or cpu1")
ERR_TEST(cond_unknown_term, CHEAD "expect exists sigbsu(cpu0) == 1\n",
         "t.scn:10:15: error: unknown term 'sigbsu' in condition (did you "
         "mean 'sigbus'?), expected a number, old, new, zero, none, "
         "THREAD.loadK, THREAD.vK, sigbus(THREAD), segv(THREAD), "
         "pte(MM,ADDR).FIELD, cached(FILE,P), dirty(FILE,P), mapcount(FILE,P), "
         "page(FILE,P), data(FILE,P) or disk(FILE,P)")
ERR_TEST(cond_no_such_load, CHEAD "expect exists cpu0.load2 == old\n",
         "t.scn:10:24: error: thread cpu0 has 1 load(s), expected load1..load1")
ERR_TEST(cond_no_load, CHEAD "expect exists cpu1.load1 == old\n",
         "t.scn:10:20: error: thread cpu1 has no load, expected a thread with "
         "a 'MM load ADDR' line before the condition")
ERR_TEST(cond_bad_field, CHEAD "expect exists cpu0.lod1 == old\n",
         "t.scn:10:20: error: unknown field 'lod1' of thread cpu0, expected "
         "loadK (the K-th load's value) or vK (the K-th content it writes)")
ERR_TEST(cond_pte_field, CHEAD "expect never pte(p1,0x10000).dirt\n",
         "t.scn:10:30: error: unknown pte field 'dirt' (did you mean "
         "'dirty'?), expected present, write, dirty or page")
ERR_TEST(cond_pte_outside, CHEAD "expect never pte(p1,0x30000).dirty\n",
         "t.scn:10:21: error: address 0x30000 is outside every map of 'p1', "
         "expected an address a 'map p1' line covers")
ERR_TEST(cond_unknown_mm, CHEAD "expect never pte(p2,0x10000).dirty\n",
         "t.scn:10:18: error: undeclared mm 'p2', expected a name declared by "
         "an earlier 'mm' line")
ERR_TEST(cond_unknown_file, CHEAD "expect never cached(dat,0)\n",
         "t.scn:10:21: error: undeclared file 'dat', expected a name declared "
         "by an earlier 'file' line")
ERR_TEST(cond_page_beyond, CHEAD "expect never cached(data,2)\n",
         "t.scn:10:26: error: page 2 is beyond the end of file 'data', which "
         "has 2 pages, expected page indexes 0..1")
ERR_TEST(cond_type_mismatch, CHEAD "expect never cpu0.load1 == 3\n",
         "t.scn:10:25: error: '==' compares a content with a number, expected "
         "two terms of one type")
ERR_TEST(cond_ordered_content, CHEAD "expect never cpu0.load1 < old\n",
         "t.scn:10:25: error: '<' orders a content, expected == or != (only "
         "numbers are ordered)")
ERR_TEST(cond_two_constants, CHEAD "expect never old == none\n",
         "t.scn:10:18: error: '==' compares two constants, expected a term "
         "of the final state on one side")
ERR_TEST(cond_not_bool, CHEAD "expect never mapcount(data,0)\n",
         "t.scn:10:30: error: a number alone is not a condition, expected a "
         "comparison (==, !=, <, <=, >, >=) after it")
ERR_TEST(cond_unclosed, CHEAD "expect never (cached(data,0)\n",
         "t.scn:10:29: error: expected ')' to close the '(', found the end of "
         "the line")
ERR_TEST(cond_trailing, CHEAD "expect never cached(data,0) cached(data,1)\n",
         "t.scn:10:29: error: expected 'and', 'or', ')' or the end of the "
         "condition, found 'cached'")
ERR_TEST(cond_empty, CHEAD "expect always\n",
         "t.scn:10:14: error: expected a condition after the quantifier, found "
         "the end of the line")
ERR_TEST(cond_variant_without_expect_on,
         CHEAD "expect on 2.6.23 never cached(data,0)\n",
         "t.scn:10:18: error: a condition on 2.6.23 without an 'expect on "
         "2.6.23' line, expected 'expect on 2.6.23 clean' or '... violation "
         "KIND' too")
ERR_TEST(cond_litmus,
         "scenario \"t\"\nlitmus counter 2\nexpect clean\n"
         "expect always true\n",
         "t.scn:4:8: error: a condition names MM state (loads, ptes, pages), "
         "which a litmus scenario has not, expected only 'expect clean' or "
         "'expect violation KIND'")
ERR_TEST(expect_any_after_kinds,
         HEAD TAIL_OPS "expect violation deadlock any\n",
         "t.scn:8:27: error: 'any' after violation kinds, expected either "
         "'any' or kinds")
ERR_TEST(expect_kind_twice,
         HEAD TAIL_OPS "expect violation deadlock deadlock\n",
         "t.scn:8:27: error: violation kind 'deadlock' listed twice")
ERR_TEST(expect_misspelt, HEAD TAIL_OPS "expect clena\n",
         "t.scn:8:8: error: unknown expectation 'clena' (did you mean "
         "'clean'?), expected 'clean', 'violation KIND', 'violation any', or "
         "a condition after exists, never or always")

/* Found by fuzz_cond: form feeds are blanks before the quantifier too. */
Test(parser, condition_after_other_blanks) {
  scenario *s = parse_ok(CHEAD "expect \f\f\valways true\n");
  cr_assert_eq(s->nconds, 1);
  cr_assert_eq(s->conds[0].quant, CQ_ALWAYS);
  free(s);
}
