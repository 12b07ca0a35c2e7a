/*
** test_parser.c - the scenario parser (models/scenario.c) against
** scenarios/FORMAT.md: a file as a whole (the statements, their order and
** count, comments, blank lines and CRLF, litmus scenarios, very long
** lines, bytes that are not text, a file that cannot be opened), the
** "did you mean" suggestions, and every .scn file shipped under
** scenarios/.  The other suites: test_parser_decl.c (declarations),
** test_parser_ops.c and test_parser_mmops.c (operations),
** test_parser_cond.c (expectations and conditions), test_parser_sched.c
** (run lines and schedules); parser_helpers.h is what they share.
**
** Valid inputs assert every parsed field they exercise; malformed inputs
** assert the exact one-line error, line and column included.
*/
#include "parser_helpers.h"

#include <glob.h>
#include <unistd.h>

Test(parser, litmus_scenario) {
  scenario *s = parse_ok("scenario \"lz\"\nlitmus lastzero 3\n"
                         "expect clean\nrun schedule 3.0*2\n");
  cr_assert_str_eq(s->litmus, "lastzero");
  cr_assert_eq(s->litmus_n, 3);
  cr_assert_eq(s->litmus_threads, 4);
  cr_assert_eq(s->nthreads, 0);
  free(s);
}

Test(parser, full_example) {
  scenario *s =
      parse_ok("# the Arcangeli race\n"
               "scenario \"fault vs invalidate (Arcangeli race)\"   # title\n"
               "kernel 2.6.20\n"
               "cpus 2\n"
               "\n"
               "file data size=4096 cached=0\n"
               "mm p1\n"
               "map p1 data at 0x10000 pages=1 shared rw\n"
               "cpu0: p1 load 0x10000\n"
               "cpu1: dio_write data page=0\n"
               "expect violation page-mapped-on-remove\n"
               "run timed seed=3\n");
  cr_assert_str_eq(s->path, "t.scn");
  cr_assert_str_eq(s->title, "fault vs invalidate (Arcangeli race)");
  cr_assert_str_eq(s->kernel, "2.6.20");
  cr_assert_eq(s->ncpus, 2);
  cr_assert_eq(s->nfiles, 1);
  cr_assert_str_eq(s->files[0].name, "data");
  cr_assert_eq(s->files[0].size, 4096);
  cr_assert_eq(s->files[0].cached[0], 1);
  cr_assert_eq(s->files[0].cached[1], 0);
  cr_assert_eq(s->files[0].dirty[0], 0);
  cr_assert_eq(s->nmms, 1);
  cr_assert_str_eq(s->mms[0].name, "p1");
  cr_assert_eq(s->nmaps, 1);
  cr_assert_eq(s->maps[0].mm, 0);
  cr_assert_eq(s->maps[0].file, 0);
  cr_assert_eq(s->maps[0].start, 0x10000);
  cr_assert_eq(s->maps[0].npages, 1);
  cr_assert_eq(s->maps[0].pgoff, 0);
  cr_assert_eq(s->maps[0].shared, 1);
  cr_assert_eq(s->maps[0].read, 1);
  cr_assert_eq(s->maps[0].write, 1);
  cr_assert_eq(s->maps[0].populated, 0);
  cr_assert_eq(s->maps[0].line, 8);
  cr_assert_eq(s->nthreads, 2);
  cr_assert_str_eq(s->threads[0].name, "cpu0");
  cr_assert_eq(s->threads[0].cpu, 0);
  cr_assert_eq(s->threads[0].nops, 1);
  cr_assert_eq(s->threads[0].ops[0].kind, SCN_LOAD);
  cr_assert_eq(s->threads[0].ops[0].mm, 0);
  cr_assert_eq(s->threads[0].ops[0].addr, 0x10000);
  cr_assert_eq(s->threads[0].ops[0].line, 9);
  cr_assert_eq(s->threads[0].ops[0].col, 7);
  cr_assert_str_eq(s->threads[1].name, "cpu1");
  cr_assert_eq(s->threads[1].cpu, 1);
  cr_assert_eq(s->threads[1].nops, 1);
  cr_assert_eq(s->threads[1].ops[0].kind, SCN_DIO_WRITE);
  cr_assert_eq(s->threads[1].ops[0].file, 0);
  cr_assert_eq(s->threads[1].ops[0].page, 0);
  cr_assert_eq(s->threads[1].ops[0].npages, 1);
  cr_assert_eq(s->nknobs, 0);
  cr_assert_eq(s->expect.violation, 1);
  cr_assert_str_eq(s->expect.kinds[0], "page-mapped-on-remove");
  cr_assert_eq(s->expect.line, 11);
  cr_assert_eq(s->expect.kind_col[0], 18);
  cr_assert_eq(s->run, SCN_RUN_TIMED);
  cr_assert_eq(s->run_seed, 3);
  cr_assert_str_eq(s->run_schedule, "");
  free(s);
}

Test(parser, comments_blanks_crlf) {
  scenario *s = parse_ok("\r\n"
                         "   # leading comment\r\n"
                         "scenario \"a # b\"# comment glued\r\n"
                         "kernel\t2.6.20\t\r\n"
                         "cpus 1#c\n"
                         "\t\n"
                         "cpu0:\tdelay 5# five\n"
                         "expect violation deadlock\r\n"
                         "# no newline at the end");
  cr_assert_str_eq(s->title, "a # b");
  cr_assert_str_eq(s->kernel, "2.6.20");
  cr_assert_eq(s->ncpus, 1);
  cr_assert_eq(s->threads[0].ops[0].ns, 5);
  cr_assert_eq(s->threads[0].ops[0].line, 7);
  cr_assert_eq(s->threads[0].ops[0].col, 7);
  cr_assert_str_eq(s->expect.kinds[0], "deadlock");
  free(s);
}

ERR_TEST(unterminated_string, "scenario \"fault vs\nkernel 2.6.20\n",
         "t.scn:1:10: error: unterminated string, expected a closing '\"' "
         "before the end of the line")

ERR_TEST(unknown_statement, "scenario \"t\"\n  fork p1\n",
         "t.scn:2:3: error: unknown statement 'fork', expected one of "
         "scenario, kernel, set, cpus, file, mm, map, cpuN:, expect, run, "
         "litmus")

ERR_TEST(duplicate_statement, HEAD "kernel 2.6.23\n",
         "t.scn:7:1: error: duplicate 'kernel' statement, first at line 2")

ERR_TEST(trailing_junk, "scenario \"t\" extra\n",
         "t.scn:1:14: error: unexpected 'extra' after a complete 'scenario' "
         "statement, expected end of line")

ERR_TEST(missing_kernel, "scenario \"t\"\n# no kernel",
         "t.scn:2:12: error: missing 'kernel' statement, expected 'kernel "
         "VERSION' with VERSION one of 2.6.17-mm, 2.6.19, 2.6.20, "
         "2.6.22, 2.6.23, 2.6.24, 4.19, 5.7, 5.15, 5.16, 5.18, 6.0, 6.4, ksm, "
         "wp-glisse")

ERR_TEST(no_threads, HEAD "expect clean\n",
         "t.scn:8:1: error: no threads, expected at least one 'cpuN: OP' line")

ERR_TEST(empty_file, "",
         "t.scn:1:1: error: missing 'scenario' statement, expected "
         "'scenario \"TITLE\"'")

ERR_TEST(litmus_unknown_program, "scenario \"t\"\nlitmus bakery 2\n",
         "t.scn:2:8: error: unknown litmus program 'bakery', expected one "
         "of indexer, lastzero, filesystem, counter, racy-counter, abba, abc, "
         "abba-released, rwsem, abba-wait, recursive, sb, mp")

ERR_TEST(litmus_with_mm_statements,
         "scenario \"t\"\nlitmus counter 2\ncpus 2\nexpect clean\n",
         "t.scn:2:1: error: a litmus scenario has no kernel, set, cpus, file, "
         "mm, map or cpuN: statements, expected only scenario, expect, run "
         "and litmus")

ERR_TEST(garbage_bytes, "\x01\x7f\xfe\xff\n",
         "t.scn:1:1: error: unknown statement '\\x01\\x7f\\xfe\\xff', expected "
         "one of scenario, kernel, set, cpus, file, mm, map, cpuN:, expect, "
         "run, litmus")

ERR_TEST(missing_cpus, "scenario \"t\"\nkernel 2.6.20\n",
         "t.scn:3:1: error: missing 'cpus' statement, expected 'cpus N' with "
         "N in 1..8")

Test(parser_errors, very_long_line) {
  size_t n = 1 << 20;
  char *text = malloc(n + 32);
  cr_assert_not_null(text);
  strcpy(text, "scenario \"t\"\nkernel ");
  size_t o = strlen(text);
  memset(text + o, 'x', n);
  text[o + n] = 0;
  parse_err(text,
            "t.scn:2:8: error: unknown kernel "
            "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...', expected "
            "one of 2.6.17-mm, 2.6.19, 2.6.20, 2.6.22, 2.6.23, "
            "2.6.24, 4.19, 5.7, 5.15, 5.16, 5.18, 6.0, 6.4, ksm, wp-glisse");
  free(text);
}

Test(parser_errors, cannot_open) {
  scenario *s = calloc(1, sizeof *s);
  char err[512];
  cr_assert_not_null(s);
  int rc = scn_parse_file("/nonexistent/x.scn", s, err, sizeof err);
  free(s);
  cr_assert_eq(rc, -1);
  cr_assert_str_eq(err, "error: cannot open /nonexistent/x.scn: No such file "
                        "or directory");
}

Test(parser, shipped_scenarios_parse) {
  glob_t g;
  /* a wrong directory would make the glob below match nothing */
  cr_assert_eq(access(MMSIM_SOURCE_DIR "/scenarios/FORMAT.md", R_OK), 0);
  int rc = glob(MMSIM_SOURCE_DIR "/scenarios/*.scn", 0, NULL, &g);
  cr_assert(rc == 0 || rc == GLOB_NOMATCH, "glob failed: %d", rc);
  if (rc == GLOB_NOMATCH)
    return; /* no scenario shipped yet */
  scenario *s = calloc(1, sizeof *s);
  cr_assert_not_null(s);
  for (size_t i = 0; i < g.gl_pathc; i++) {
    char err[1024] = "";
    cr_expect_eq(scn_parse_file(g.gl_pathv[i], s, err, sizeof err), 0, "%s",
                 err);
  }
  free(s);
  globfree(&g);
}

/* A missing statement points just past the input: past the last
   character of a last line without a newline (it used to name a line the
   input does not have: found by tests/fuzz/fuzz_scenario.c). */
ERR_TEST(missing_statement_past_a_last_line_without_newline, "# only a comment",
         "t.scn:1:17: error: missing 'scenario' statement, expected "
         "'scenario \"TITLE\"'")
ERR_TEST(missing_statement_after_a_final_newline, "# only a comment\n",
         "t.scn:2:1: error: missing 'scenario' statement, expected "
         "'scenario \"TITLE\"'")

/* did you mean: the closest name within 2 edits (1 for a short word) */
ERR_TEST(suggest_operation, HEAD "cpu0: fsnyc data\n",
         "t.scn:7:7: error: unknown operation 'fsnyc' (did you mean "
         "'fsync'?), expected truncate, dio_write, delay, fsync, sync, "
         "writeback, fs_flush, release, write, read, reclaim or "
         "MM load|store|mprotect|msync|munmap|madvise|follow_page|gup|pin|"
         "dma_write|unpin|procmem_write|uffd_register|uffd_continue|remap|"
         "ksm_protect ADDR with a declared MM")
ERR_TEST(suggest_access, HEAD "cpu0: p1 laod 0x10000\n",
         "t.scn:7:10: error: unknown access 'laod' (did you mean 'load'?), "
         "expected load, store, mprotect, msync, munmap, madvise, "
         "follow_page, gup, pin, dma_write, unpin, procmem_write, "
         "uffd_register, uffd_continue, remap or ksm_protect")
ERR_TEST(suggest_statement, "scenario \"t\"\nkernal 2.6.20\n",
         "t.scn:2:1: error: unknown statement 'kernal' (did you mean "
         "'kernel'?), expected one of scenario, kernel, set, cpus, file, mm, "
         "map, cpuN:, expect, run, litmus")
ERR_TEST(suggest_nothing_far, HEAD "cpu0: fork data\n",
         "t.scn:7:7: error: unknown operation 'fork', expected truncate, "
         "dio_write, delay, fsync, sync, writeback, fs_flush, release, "
         "write, read, reclaim or MM load|store|mprotect|msync|munmap|"
         "madvise|follow_page|gup|pin|dma_write|unpin|procmem_write|"
         "uffd_register|uffd_continue|remap|ksm_protect ADDR with a declared "
         "MM")

Test(parser, suggest_picks_the_closest) {
  char out[64];
  cr_assert_str_eq(lex_suggest(out, sizeof out, "2.6.2", "2.6.19, 2.6.20"),
                   " (did you mean '2.6.20'?)");
  cr_assert_str_eq(lex_suggest(out, sizeof out, "pgae", "page=, pages="),
                   " (did you mean 'page='?)");
  cr_assert_str_eq(lex_suggest(out, sizeof out, "xyz", "load or store"), "");
  cr_assert_str_eq(lex_suggest(out, sizeof out, "or", "load or store"), "");
}
