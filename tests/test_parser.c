/*
** test_parser.c - the scenario parser (models/scenario.c) against
** scenarios/FORMAT.md.
**
** Valid inputs assert every parsed field they exercise; malformed inputs
** assert the exact one-line error, line and column included.  Violation
** kinds are checked when the scenario is bound to its model
** (models/model.c), so their errors go through parse + model_bind.  A last
** test parses every .scn file under scenarios/ shipped with the sources.
*/
#include "models/model.h"
#include "models/scenario.h"
#include "models/scn_lex.h"

#include <criterion/criterion.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
static scenario *parse_ok(const char *text) {
  scenario *s = calloc(1, sizeof *s);
  char err[1024] = "";
  cr_assert_not_null(s);
  int rc = scn_parse_string("t.scn", text, s, err, sizeof err);
  cr_assert_eq(rc, 0, "unexpected error: %s", err);
  cr_assert_str_eq(err, "");
  return s;
}

/* Parses a text that must fail with exactly 'want'. */
static void parse_err(const char *text, const char *want) {
  scenario *s = calloc(1, sizeof *s);
  char err[1024] = "";
  cr_assert_not_null(s);
  int rc = scn_parse_string("t.scn", text, s, err, sizeof err);
  free(s);
  cr_assert_eq(rc, -1, "parse succeeded, expected: %s", want);
  cr_assert_str_eq(err, want);
}

/* Parses a valid text that must then fail model_bind with exactly 'want'. */
static void bind_err(const char *text, const char *want) {
  static model_binding b;
  scenario *s = parse_ok(text);
  char err[1024] = "";
  int rc = model_bind(&b, s, NULL, err, sizeof err);
  free(s);
  cr_assert_eq(rc, -1, "bind succeeded, expected: %s", want);
  cr_assert_str_eq(err, want);
}

/* ------------------------------------------------------------------------ */
/* Valid inputs                                                               */

Test(parser, litmus_scenario) {
  scenario *s = parse_ok("scenario \"lz\"\nlitmus lastzero 3\n"
                         "expect clean\nrun schedule 3.0*2\n");
  cr_assert_str_eq(s->litmus, "lastzero");
  cr_assert_eq(s->litmus_n, 3);
  cr_assert_eq(s->litmus_threads, 4);
  cr_assert_eq(s->nthreads, 0);
  free(s);
}

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

Test(parser, threads_numbered_by_first_appearance) {
  scenario *s = parse_ok("scenario \"t\"\n"
                         "kernel 2.6.23\n"
                         "cpus 3\n"
                         "file data size=8K cached=all\n"
                         "mm p1\n"
                         "map p1 data at 0x10000 pages=2 shared rw\n"
                         "cpu2: truncate data 0\n"
                         "cpu0.1: p1 store 0x11008\n"
                         "cpu0: p1 load 0x10000\n"
                         "cpu2: delay 500\n"
                         "cpu0.1: p1 load 0x10fff\n"
                         "cpu02: dio_write data page=1\n"
                         "expect clean\n");
  cr_assert_eq(s->nthreads, 3);
  cr_assert_str_eq(s->threads[0].name, "cpu2");
  cr_assert_eq(s->threads[0].cpu, 2);
  cr_assert_str_eq(s->threads[1].name, "cpu0.1");
  cr_assert_eq(s->threads[1].cpu, 0);
  cr_assert_str_eq(s->threads[2].name, "cpu0");
  cr_assert_eq(s->threads[2].cpu, 0);
  /* ops are appended in file order; "cpu02" is thread "cpu2" */
  const scn_thread *t0 = &s->threads[0];
  cr_assert_eq(t0->nops, 3);
  cr_assert_eq(t0->ops[0].kind, SCN_TRUNCATE);
  cr_assert_eq(t0->ops[0].size, 0);
  cr_assert_eq(t0->ops[1].kind, SCN_DELAY);
  cr_assert_eq(t0->ops[1].ns, 500);
  cr_assert_eq(t0->ops[2].kind, SCN_DIO_WRITE);
  cr_assert_eq(t0->ops[2].page, 1);
  cr_assert_eq(t0->ops[2].npages, 1);
  cr_assert_eq(t0->ops[2].line, 12);
  cr_assert_eq(t0->ops[2].col, 8);
  const scn_thread *t1 = &s->threads[1];
  cr_assert_eq(t1->nops, 2);
  cr_assert_eq(t1->ops[0].kind, SCN_STORE);
  cr_assert_eq(t1->ops[0].addr, 0x11008);
  cr_assert_eq(t1->ops[1].kind, SCN_LOAD);
  cr_assert_eq(t1->ops[1].addr, 0x10fff);
  cr_assert_eq(s->threads[2].nops, 1);
  cr_assert_eq(s->threads[2].ops[0].addr, 0x10000);
  cr_assert_eq(s->expect.violation, 0);
  cr_assert_eq(s->expect.nkinds, 0);
  cr_assert_eq(s->expect.line, 13);
  cr_assert_eq(s->expect.kind_col[0], 0);
  cr_assert_eq(s->run, SCN_RUN_NONE);
  free(s);
}

Test(parser, numbers_and_sizes) {
  scenario *s = parse_ok("scenario \"t\"\n"
                         "kernel 2.6.20\n"
                         "cpus 0x2\n"
                         "file a size=2K cached=all\n"
                         "file b size=0x3001 cached=3\n"
                         "file c size=64K\n"
                         "file d size=0\n"
                         "cpu1: truncate b 1k\n"
                         "cpu1: truncate c 0x0\n"
                         "cpu1: delay 0x10\n"
                         "cpu1: delay 007\n"
                         "cpu1: truncate a 65536\n"
                         "expect clean\n");
  cr_assert_eq(s->ncpus, 2);
  cr_assert_eq(s->nfiles, 4);
  cr_assert_eq(s->files[0].size, 2048);
  cr_assert_eq(s->files[0].cached[0], 1); /* ceil(2048/4096) = 1 page */
  cr_assert_eq(s->files[0].cached[1], 0);
  cr_assert_eq(s->files[1].size, 0x3001); /* 4 pages: 0..3 */
  cr_assert_eq(s->files[1].cached[3], 1);
  cr_assert_eq(s->files[1].cached[0], 0);
  cr_assert_eq(s->files[2].size, 65536);
  cr_assert_eq(s->files[3].size, 0);
  const scn_thread *t = &s->threads[0];
  cr_assert_str_eq(t->name, "cpu1");
  cr_assert_eq(t->nops, 5);
  cr_assert_eq(t->ops[0].size, 1024);
  cr_assert_eq(t->ops[0].file, 1);
  cr_assert_eq(t->ops[1].size, 0);
  cr_assert_eq(t->ops[1].file, 2);
  cr_assert_eq(t->ops[2].ns, 16);
  cr_assert_eq(t->ops[3].ns, 7);
  cr_assert_eq(t->ops[4].size, 65536);
  free(s);
}

Test(parser, file_options) {
  scenario *s = parse_ok("scenario \"t\"\n"
                         "kernel 2.6.20\n"
                         "cpus 1\n"
                         "file a size=16K cached=0,2,3 dirty=3,0 "
                         "page_mkwrite\n"
                         "file b size=8K cached=all dirty=all\n"
                         "file c size=8K cached=none dirty=none\n"
                         "cpu0: delay 1\n"
                         "expect clean\n");
  const scn_file *a = &s->files[0], *b = &s->files[1], *c = &s->files[2];
  cr_assert_eq(a->size, 16384);
  cr_assert_eq(a->page_mkwrite, 1);
  const uint8_t cached[SCN_MAX_FILE_PAGES] = {1, 0, 1, 1};
  const uint8_t dirty[SCN_MAX_FILE_PAGES] = {1, 0, 0, 1};
  cr_assert_arr_eq(a->cached, cached, sizeof cached);
  cr_assert_arr_eq(a->dirty, dirty, sizeof dirty);
  cr_assert_eq(b->cached[0] + b->cached[1] + b->cached[2], 2);
  cr_assert_eq(b->dirty[0] + b->dirty[1] + b->dirty[2], 2);
  cr_assert_eq(b->page_mkwrite, 0);
  cr_assert_eq(c->cached[0] + c->cached[1] + c->dirty[0] + c->dirty[1], 0);
  free(s);
}

Test(parser, map_options) {
  scenario *s = parse_ok("scenario \"t\"\n"
                         "kernel 2.6.20\n"
                         "cpus 1\n"
                         "file data size=16K cached=all\n"
                         "mm p1\n"
                         "mm p2\n"
                         "map p2 data at 0x20000 pages=2 pgoff=2 private r "
                         "mapped\n"
                         "map p1 data at 0x20000 mapped rw shared pages=4\n"
                         "map p2 data at 0x22000 pages=1 shared rw\n"
                         "cpu0: p2 store 0x22000\n"
                         "expect clean\n");
  cr_assert_eq(s->nmaps, 3);
  const scn_map *m = &s->maps[0];
  cr_assert_eq(m->mm, 1);
  cr_assert_eq(m->file, 0);
  cr_assert_eq(m->start, 0x20000);
  cr_assert_eq(m->npages, 2);
  cr_assert_eq(m->pgoff, 2);
  cr_assert_eq(m->shared, 0);
  cr_assert_eq(m->read, 1);
  cr_assert_eq(m->write, 0);
  cr_assert_eq(m->populated, 1);
  cr_assert_eq(m->line, 7);
  m = &s->maps[1];
  cr_assert_eq(m->mm, 0);
  cr_assert_eq(m->npages, 4);
  cr_assert_eq(m->pgoff, 0);
  cr_assert_eq(m->shared, 1);
  cr_assert_eq(m->write, 1);
  cr_assert_eq(m->populated, 1);
  cr_assert_eq(s->maps[2].populated, 0);
  cr_assert_eq(s->threads[0].ops[0].mm, 1);
  free(s);
}

Test(parser, knobs) {
  scenario *s = parse_ok("scenario \"t\"\n"
                         "kernel 2.6.23\n"
                         "set fault.lock_page = off\n"
                         "set debug.bug_on_mapped_remove=0\n"
                         "set truncate.unmap_mapped =1\n"
                         "\tset vmtruncate.unmap_twice= on\n"
                         "cpus 1\n"
                         "cpu0: delay 1\n"
                         "expect clean\n");
  cr_assert_str_eq(s->kernel, "2.6.23");
  cr_assert_eq(s->nknobs, 4);
  cr_assert_str_eq(s->knobs[0].name, "fault.lock_page");
  cr_assert_eq(s->knobs[0].value, 0);
  cr_assert_eq(s->knobs[0].line, 3);
  cr_assert_eq(s->knobs[0].col, 5);
  cr_assert_str_eq(s->knobs[1].name, "debug.bug_on_mapped_remove");
  cr_assert_eq(s->knobs[1].value, 0);
  cr_assert_str_eq(s->knobs[2].name, "truncate.unmap_mapped");
  cr_assert_eq(s->knobs[2].value, 1);
  cr_assert_str_eq(s->knobs[3].name, "vmtruncate.unmap_twice");
  cr_assert_eq(s->knobs[3].value, 1);
  cr_assert_eq(s->knobs[3].line, 6);
  cr_assert_eq(s->knobs[3].col, 6);
  free(s);
}

Test(parser, run_lines) {
  scenario *s = parse_ok(HEAD "cpu1: delay 1\n" TAIL "run random seed=0x10\n");
  cr_assert_eq(s->run, SCN_RUN_RANDOM);
  cr_assert_eq(s->run_seed, 16);
  free(s);
  s = parse_ok(HEAD TAIL "run timed\n");
  cr_assert_eq(s->run, SCN_RUN_TIMED);
  cr_assert_eq(s->run_seed, 0);
  free(s);
  /* the schedule may come before the threads it names */
  s = parse_ok(HEAD "run schedule 0*3.1*4.0\n"
                    "cpu1: delay 1\n" TAIL);
  cr_assert_eq(s->run, SCN_RUN_SCHEDULE);
  cr_assert_str_eq(s->run_schedule, "0*3.1*4.0");
  cr_assert_eq(s->run_seed, 0);
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

Test(parser, dio_write_ranges) {
  scenario *s = parse_ok(HEAD "cpu1: dio_write data page=0 pages=2\n"
                              "cpu1: dio_write data pages=1 page=1\n" TAIL);
  const scn_thread *t = &s->threads[0];
  cr_assert_str_eq(t->name, "cpu1");
  cr_assert_eq(t->ops[0].kind, SCN_DIO_WRITE);
  cr_assert_eq(t->ops[0].page, 0);
  cr_assert_eq(t->ops[0].npages, 2);
  cr_assert_eq(t->ops[1].kind, SCN_DIO_WRITE);
  cr_assert_eq(t->ops[1].page, 1);
  cr_assert_eq(t->ops[1].npages, 1);
  cr_assert_eq(t->ops[1].file, 0);
  free(s);
}

/* The hole punch: madvise(MADV_REMOVE) of a map, and the tmpfs file. */
#define TMPFS_HEAD                                                             \
  "scenario \"t\"\n"                                                           \
  "kernel 2.6.20\n"                                                            \
  "cpus 2\n"                                                                   \
  "file shm size=8K cached=all tmpfs\n"                                        \
  "mm p1\n"                                                                    \
  "map p1 shm at 0x10000 pages=2 shared rw\n"

Test(parser, madvise_remove_and_tmpfs) {
  scenario *s = parse_ok(TMPFS_HEAD "cpu1: p1 madvise 0x11000 remove\n"
                                    "cpu1: p1 madvise 0x10000 pages=2 "
                                    "remove\n"
                                    "cpu1: p1 madvise 0x10000 dontneed\n" TAIL);
  cr_assert(s->files[0].tmpfs);
  cr_assert(!s->files[0].buffers && !s->files[0].page_mkwrite);
  const scn_thread *t = &s->threads[0];
  cr_assert_eq(t->ops[0].kind, SCN_MADVISE);
  cr_assert_eq(t->ops[0].arg, SCN_MADV_REMOVE);
  cr_assert_eq(t->ops[0].mm, 0);
  cr_assert_eq(t->ops[0].addr, 0x11000);
  cr_assert_eq(t->ops[0].npages, 1);
  cr_assert_eq(t->ops[1].arg, SCN_MADV_REMOVE);
  cr_assert_eq(t->ops[1].npages, 2);
  cr_assert_eq(t->ops[2].arg, SCN_MADV_DONTNEED);
  /* a hole punch, like truncate, starts no writeback tracking; nor does
     dontneed of a tmpfs map (no writeback: issue 11), unlike dontneed of
     another file's map */
  cr_assert(!scn_tracks_writeback(s));
  s->files[0].tmpfs = 0;
  cr_assert(scn_tracks_writeback(s));
  s->threads[0].nops = 2;
  cr_assert(!scn_tracks_writeback(s));
  free(s);
}

Test(parser, write_and_read) {
  scenario *s = parse_ok(HEAD "cpu1: write data page=1 from p1 0x11000\n"
                              "cpu1: read data page=0 into p1 0x10000\n"
                              "cpu1: read data page=1 # to a buffer\n" TAIL);
  const scn_thread *t = &s->threads[0];
  cr_assert_eq(t->nops, 3);
  cr_assert_eq(t->ops[0].kind, SCN_WRITE);
  cr_assert_eq(t->ops[0].file, 0);
  cr_assert_eq(t->ops[0].page, 1);
  cr_assert_eq(t->ops[0].mm, 0);
  cr_assert_eq(t->ops[0].addr, 0x11000);
  cr_assert_eq(t->ops[1].kind, SCN_READ);
  cr_assert_eq(t->ops[1].page, 0);
  cr_assert_eq(t->ops[1].mm, 0);
  cr_assert_eq(t->ops[1].addr, 0x10000);
  cr_assert_eq(t->ops[2].kind, SCN_READ);
  cr_assert_eq(t->ops[2].mm, -1, "no 'into': a buffer outside the model");
  cr_assert(scn_tracks_writeback(s), "a write turns on writeback tracking");
  free(s);
  s = parse_ok(HEAD "cpu1: read data page=0\n" TAIL);
  cr_assert_not(scn_tracks_writeback(s), "a read alone does not");
  free(s);
}

Test(parser, reclaim_op) {
  scenario *s =
      parse_ok(HEAD "cpu1: reclaim data page=1\n"
                    "cpu1: reclaim data page=0 pages=2 direct\n" TAIL);
  const scn_thread *t = &s->threads[0];
  cr_assert_eq(t->ops[0].kind, SCN_RECLAIM);
  cr_assert_eq(t->ops[0].file, 0);
  cr_assert_eq(t->ops[0].page, 1);
  cr_assert_eq(t->ops[0].npages, 1);
  cr_assert_eq(t->ops[0].arg, 0); /* kswapd */
  cr_assert_eq(t->ops[1].kind, SCN_RECLAIM);
  cr_assert_eq(t->ops[1].page, 0);
  cr_assert_eq(t->ops[1].npages, 2);
  cr_assert_eq(t->ops[1].arg, SCN_RECLAIM_DIRECT);
  cr_assert_str_eq(scn_op_name(SCN_RECLAIM), "reclaim");
  /* reclaim writes back (pageout): the model's own threads run */
  cr_assert(scn_tracks_writeback(s));
  free(s);
}

Test(parser, op_names) {
  cr_assert_str_eq(scn_op_name(SCN_LOAD), "load");
  cr_assert_str_eq(scn_op_name(SCN_STORE), "store");
  cr_assert_str_eq(scn_op_name(SCN_TRUNCATE), "truncate");
  cr_assert_str_eq(scn_op_name(SCN_DIO_WRITE), "dio_write");
  cr_assert_str_eq(scn_op_name(SCN_MADVISE), "madvise");
  cr_assert_str_eq(scn_op_name(SCN_DELAY), "delay");
  cr_assert_str_eq(scn_op_name(SCN_WRITE), "write");
  cr_assert_str_eq(scn_op_name(SCN_READ), "read");
}

/* ------------------------------------------------------------------------ */
/* Malformed inputs: each asserts the exact error line.                       */

#define ERR_TEST(name, text, want)                                             \
  Test(parser_errors, name) {                                                  \
    parse_err(text, want);                                                     \
  }

ERR_TEST(unterminated_string, "scenario \"fault vs\nkernel 2.6.20\n",
         "t.scn:1:10: error: unterminated string, expected a closing '\"' "
         "before the end of the line")

ERR_TEST(unknown_statement, "scenario \"t\"\n  fork p1\n",
         "t.scn:2:3: error: unknown statement 'fork', expected one of "
         "scenario, kernel, set, cpus, file, mm, map, cpuN:, expect, run, "
         "litmus")

ERR_TEST(expect_on_unknown_variant, HEAD TAIL "expect on 2.4 clean\n",
         "t.scn:9:11: error: unknown kernel '2.4' (did you mean '6.4'?), "
         "expected one of 2.6.17-mm, 2.6.19, 2.6.20, 2.6.22, 2.6.23, 2.6.24, "
         "4.19, 5.7, 5.15, 5.16, 5.18, 6.0, 6.4, ksm, wp-glisse")

ERR_TEST(expect_on_duplicate,
         HEAD TAIL "expect on 2.6.23 clean\nexpect on 2.6.23 clean\n",
         "t.scn:10:11: error: duplicate 'expect on 2.6.23', first at line 9")

ERR_TEST(unknown_kernel, "scenario \"t\"\nkernel 2.6.99\n",
         "t.scn:2:8: error: unknown kernel '2.6.99' (did you mean '2.6.19'?), "
         "expected one of 2.6.17-mm, 2.6.19, 2.6.20, 2.6.22, 2.6.23, 2.6.24, "
         "4.19, 5.7, 5.15, 5.16, 5.18, 6.0, 6.4, ksm, wp-glisse")

ERR_TEST(duplicate_statement, HEAD "kernel 2.6.23\n",
         "t.scn:7:1: error: duplicate 'kernel' statement, first at line 2")

ERR_TEST(bad_number, "scenario \"t\"\ncpus two\n",
         "t.scn:2:6: error: bad number 'two' for cpu count, expected a "
         "decimal or 0x hex number")

ERR_TEST(bad_size, "scenario \"t\"\nfile d size=4G\n",
         "t.scn:2:13: error: bad number '4G' for file size, expected bytes as "
         "a decimal or 0x hex number with an optional K or M suffix")

ERR_TEST(trailing_junk, "scenario \"t\" extra\n",
         "t.scn:1:14: error: unexpected 'extra' after a complete 'scenario' "
         "statement, expected end of line")

ERR_TEST(unknown_file_option, "scenario \"t\"\nfile d size=4096 mode=rw\n",
         "t.scn:2:18: error: unknown option 'mode' for 'file', expected "
         "size=, cached=, dirty=, page_mkwrite, buffers, buffers_required, "
         "tmpfs or ext4")

ERR_TEST(unknown_file_option_lists_buffers,
         "scenario \"t\"\nfile d size=4096 buffer\n",
         "t.scn:2:18: error: unknown option 'buffer' for 'file' (did you mean "
         "'buffers'?), expected "
         "size=, cached=, dirty=, page_mkwrite, buffers, buffers_required, "
         "tmpfs or ext4")

/* tmpfs: no buffers, no ->page_mkwrite, no writeback, no O_DIRECT */
ERR_TEST(tmpfs_with_buffers, "scenario \"t\"\nfile d size=4K tmpfs buffers\n",
         "t.scn:2:22: error: 'buffers' with 'tmpfs': tmpfs has no buffers, "
         "expected the file without 'buffers'")

ERR_TEST(tmpfs_with_page_mkwrite,
         "scenario \"t\"\nfile d size=4K page_mkwrite tmpfs\n",
         "t.scn:2:16: error: 'page_mkwrite' with 'tmpfs': tmpfs has no "
         "->page_mkwrite, expected the file without 'page_mkwrite'")

ERR_TEST(tmpfs_fsync, TMPFS_HEAD "cpu0: fsync shm\n",
         "t.scn:7:13: error: fsync on file 'shm': tmpfs does no writeback "
         "(BDI_CAP_NO_WRITEBACK), expected a file without 'tmpfs'")

ERR_TEST(tmpfs_truncate, TMPFS_HEAD "cpu0: truncate shm 0\n",
         "t.scn:7:16: error: truncate on file 'shm': truncate of a tmpfs file "
         "(shmem_notify_change) is not modelled, expected a file without "
         "'tmpfs'")

ERR_TEST(tmpfs_dio_write, TMPFS_HEAD "cpu0: dio_write shm page=0\n",
         "t.scn:7:17: error: dio_write on file 'shm': tmpfs has no "
         "->direct_IO (open(O_DIRECT) fails), expected a file without 'tmpfs'")

/* the hole punch is an madvise of a map; the old 'punch FILE' is gone */
ERR_TEST(punch_is_gone, HEAD "cpu0: punch data page=0\n",
         "t.scn:7:7: error: the 'punch FILE page=P' operation is gone: a hole "
         "punch is madvise(MADV_REMOVE) of a mapping, expected MM madvise "
         "ADDR remove [pages=N] on a shared rw map of a tmpfs file")

ERR_TEST(madvise_needs_a_mode, TMPFS_HEAD "cpu0: p1 madvise 0x10000\n",
         "t.scn:7:25: error: missing a mode for madvise, expected dontneed or "
         "remove")

ERR_TEST(madvise_two_modes,
         TMPFS_HEAD "cpu0: p1 madvise 0x10000 remove dontneed\n",
         "t.scn:7:26: error: both 'dontneed' and 'remove' given to madvise, "
         "expected one of dontneed or remove")

ERR_TEST(madvise_remove_past_the_map,
         TMPFS_HEAD "cpu0: p1 madvise 0x11000 remove pages=2\n",
         "t.scn:7:39: error: 2 pages from 0x11000 go past the end of its map "
         "at 0x12000, expected at most 1")

ERR_TEST(madvise_remove_unaligned,
         TMPFS_HEAD "cpu0: p1 madvise 0x10008 remove\n",
         "t.scn:7:18: error: address 0x10008 is not page aligned, expected a "
         "multiple of 0x1000 for madvise")

/* the journal writes buffers: a file without them has nothing to flush */
ERR_TEST(fs_flush_needs_buffers, HEAD "cpu0: fs_flush data\n",
         "t.scn:7:16: error: fs_flush writes buffers, and file 'data' has "
         "none, expected a file declared with 'buffers'")

ERR_TEST(fsync_needs_a_file, HEAD "cpu0: fsync\n",
         "t.scn:7:12: error: expected a file name after 'fsync', found end of "
         "line")

ERR_TEST(fsync_unknown_file, HEAD "cpu0: fsync log\n",
         "t.scn:7:13: error: undeclared file 'log', expected a name declared "
         "by an earlier 'file' line")

ERR_TEST(sync_takes_no_operand, HEAD "cpu0: sync data\n",
         "t.scn:7:12: error: unexpected 'data' after a complete 'sync' "
         "statement, expected end of line")

ERR_TEST(unknown_map_option,
         HEAD "map p1 data at 0x20000 pages=1 shared rw "
              "exec\n",
         "t.scn:7:42: error: unknown option 'exec' for 'map', expected "
         "pages=, pgoff=, shared, private, r, rw or mapped")

ERR_TEST(undeclared_mm, HEAD "map p2 data at 0x20000 pages=1 shared rw\n",
         "t.scn:7:5: error: undeclared mm 'p2', expected a name declared by "
         "an earlier 'mm' line")

ERR_TEST(undeclared_file, HEAD "cpu0: truncate dat 0\n",
         "t.scn:7:16: error: undeclared file 'dat', expected a name declared "
         "by an earlier 'file' line")

ERR_TEST(unaligned_address, HEAD "map p1 data at 0x20010 pages=1 shared rw\n",
         "t.scn:7:16: error: map address 0x20010 is not page aligned, "
         "expected a multiple of 0x1000")

ERR_TEST(address_outside_maps, HEAD "cpu0: p1 load 0x12000\n",
         "t.scn:7:15: error: address 0x12000 is outside every map of 'p1', "
         "expected an address in [0x10000, 0x12000)")

ERR_TEST(overlapping_maps,
         HEAD "map p1 data at 0x11000 pages=1 pgoff=1 private r\n",
         "t.scn:7:16: error: map [0x11000, 0x12000) overlaps the map of 'p1' "
         "at line 6 [0x10000, 0x12000)")

ERR_TEST(cpu_out_of_range, HEAD "cpu2: delay 1\n",
         "t.scn:7:1: error: cpu 2 out of range, expected 0..1 (cpus 2)")

ERR_TEST(cpu_before_cpus, "scenario \"t\"\ncpu0: delay 1\ncpus 1\n",
         "t.scn:2:1: error: thread label 'cpu0:' before the 'cpus' "
         "statement, expected 'cpus N' first")

ERR_TEST(bad_knob_name, "scenario \"t\"\nset fault.lockpage = on\n",
         "t.scn:2:5: error: unknown knob 'fault.lockpage' (did you mean "
         "'fault.lock_page'?), expected one of "
         "fault.truncate_count, fault.lock_page, truncate.unmap_mapped, "
         "vmtruncate.unmap_twice, invalidate.bug_on_mapped, "
         "dio.invalidate_first, truncate.clear_uptodate_late, "
         "wb.mkclean_first, wb.fault_waits_locked, "
         "free_buffers.dirty_under_lock, free_buffers.mkclean, "
         "mprotect.writenotify, mprotect.dirty_accountable, "
         "follow_page.put_without_get, dio.reinvalidate, "
         "madvise.remove_drops_mmap_sem, write.atomic_copy_retry, "
         "reclaim.ref_freeze, reclaim.no_direct_pageout, "
         "reclaim.skip_pinned, fault.mkwrite_locked, gup.foll_pin, "
         "gup.pin_counting, "
         "gup.put_user_pages, ext4.warn_no_buffers, gup.foll_cow, "
         "madvise.dontneed_read, "
         "gup.cow_exclusive, uffd.install_dirty, uffd.minor_any_file, "
         "fremap.nonlinear_fault, fremap.linear_emulation, "
         "wp.check_before_clear, "
         "debug.pinned_lost_buffers, debug.pinned_cleaned, "
         "debug.bug_on_mapped_remove, debug.footprint_check")

ERR_TEST(bad_knob_value, "scenario \"t\"\nset fault.lock_page = yes\n",
         "t.scn:2:23: error: bad value 'yes' for knob 'fault.lock_page', "
         "expected on, off, 1 or 0")

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

ERR_TEST(bad_schedule_count, HEAD "run schedule 0*3.1*0\n",
         "t.scn:7:21: error: bad schedule: step count must be 1..100000000")

ERR_TEST(bad_schedule_char, HEAD "run schedule 0*3,1\n",
         "t.scn:7:17: error: bad schedule: expected '.', '*' or end of "
         "schedule, found ','")

ERR_TEST(bad_schedule_start, HEAD "run schedule .0\n",
         "t.scn:7:14: error: bad schedule: expected a thread number, found "
         "'.'")

ERR_TEST(schedule_too_long, HEAD "run schedule 0*100000000.1*100000000.0*2\n",
         "t.scn:7:14: error: schedule longer than 1000000 steps, expected a "
         "shorter one")

ERR_TEST(schedule_too_long_late, HEAD "run schedule 0.1*999999.0\n",
         "t.scn:7:25: error: schedule longer than 1000000 steps, expected a "
         "shorter one")

ERR_TEST(schedule_thread_unknown_later_run,
         HEAD "cpu1: delay 1\n" TAIL "run schedule 1*2.0.1.3*2\n",
         "t.scn:10:22: error: schedule names thread 3, expected 0..1 (the "
         "scenario has 2 threads)")

ERR_TEST(schedule_thread_unknown, HEAD TAIL "run schedule 0*3.1*2.0\n",
         "t.scn:9:18: error: schedule names thread 1, expected 0..0 (the "
         "scenario has 1 thread)")

/* Symbolic schedules (sim/symsched.h): each construct's errors, at the
   byte where the parse stopped. */
ERR_TEST(symsched_unknown_thread, HEAD TAIL "run schedule cpu0; cpu3\n",
         "t.scn:9:20: error: bad schedule: unknown thread 'cpu3', expected "
         "one of cpu0 (or a number 0..0)")

ERR_TEST(symsched_missing_until, HEAD TAIL "run schedule cpu0 page_mapped\n",
         "t.scn:9:19: error: bad schedule: expected 'until', ';' or end of "
         "schedule, found 'p'")

ERR_TEST(symsched_missing_point, HEAD TAIL "run schedule cpu0 until ;\n",
         "t.scn:9:25: error: bad schedule: expected a step label (a name or "
         "a quoted label), found ';'")

ERR_TEST(symsched_empty_segment, HEAD TAIL "run schedule cpu0;; cpu0\n",
         "t.scn:9:19: error: bad schedule: expected a thread name such as "
         "cpu0, found ';'")

ERR_TEST(symsched_missing_label_after_fn,
         HEAD TAIL "run schedule cpu0 until do_no_page: x\n",
         "t.scn:9:36: error: bad schedule: expected a step label after "
         "'function:' (a name or a quoted label), found ' '")

ERR_TEST(symsched_unterminated_label,
         HEAD TAIL "run schedule cpu0 until \"lock_page\n",
         "t.scn:9:25: error: bad schedule: unterminated quoted step label, "
         "expected a closing '\"'")

ERR_TEST(symsched_occurrence_zero,
         HEAD TAIL "run schedule cpu0 until lock_page#0\n",
         "t.scn:9:35: error: bad schedule: occurrence must be 1..100000000, "
         "found '0'")

ERR_TEST(symsched_occurrence_too_big,
         HEAD TAIL "run schedule cpu0 until lock_page#100000001\n",
         "t.scn:9:35: error: bad schedule: occurrence must be 1..100000000, "
         "found '1'")

ERR_TEST(symsched_junk_after_point,
         HEAD TAIL "run schedule cpu0 until lock_page x\n",
         "t.scn:9:35: error: bad schedule: expected ';' or end of schedule, "
         "found 'x'")

/* The model's own threads are named: blockdev and exit follow the
   scenario's (writeback tracking: fsync). */
ERR_TEST(symsched_model_threads,
         HEAD "cpu0: fsync data\nexpect clean\nrun schedule exit; cpu1\n",
         "t.scn:9:20: error: bad schedule: unknown thread 'cpu1', expected "
         "one of cpu0, blockdev, exit (or a number 0..2)")

Test(parser, symbolic_schedule_is_kept_without_its_comment) {
  scenario *s = parse_ok(HEAD TAIL "run schedule cpu0 until do_no_page:"
                                   "\"pte_none? set_pte_at\"#2; 0  # a note\n");
  cr_assert_eq(s->run, SCN_RUN_SCHEDULE);
  cr_assert_str_eq(s->run_schedule,
                   "cpu0 until do_no_page:\"pte_none? set_pte_at\"#2; 0");
  free(s);
  /* a '#' after a blank starts the comment, even before a digit */
  s = parse_ok(HEAD TAIL "run schedule cpu0 until lock_page #2\n");
  cr_assert_str_eq(s->run_schedule, "cpu0 until lock_page");
  free(s);
}

ERR_TEST(too_many_files,
         "scenario \"t\"\nfile a size=1\nfile b size=1\nfile c size=1\n"
         "file d size=1\nfile e size=1\n",
         "t.scn:6:1: error: too many files, expected at most 4")

ERR_TEST(too_many_threads,
         "scenario \"t\"\ncpus 2\ncpu0: delay 1\ncpu0.1: delay 1\n"
         "cpu0.2: delay 1\ncpu0.3: delay 1\ncpu1: delay 1\ncpu1.1: delay 1\n"
         "cpu1.2: delay 1\ncpu1.3: delay 1\ncpu1.4: delay 1\n",
         "t.scn:11:1: error: too many threads, expected at most 8")

ERR_TEST(too_many_ops,
         "scenario \"t\"\ncpus 1\n"
         "cpu0: delay 1\ncpu0: delay 1\ncpu0: delay 1\ncpu0: delay 1\n"
         "cpu0: delay 1\ncpu0: delay 1\ncpu0: delay 1\ncpu0: delay 1\n"
         "cpu0: delay 1\ncpu0: delay 1\ncpu0: delay 1\ncpu0: delay 1\n"
         "cpu0: delay 1\ncpu0: delay 1\ncpu0: delay 1\ncpu0: delay 1\n"
         "cpu0: delay 1\n",
         "t.scn:19:7: error: too many operations for thread 'cpu0', expected "
         "at most 16")

ERR_TEST(cached_beyond_eof, "scenario \"t\"\nfile d size=4097 cached=0,2\n",
         "t.scn:2:27: error: page 2 in cached= is beyond the end of file 'd', "
         "which has 2 pages (cached= lists page indexes, not a count: "
         "cached=0 is page 0, cached=none no page)")

/* the count a user meant is refused with what the number means */
ERR_TEST(cached_count_is_an_index, "scenario \"t\"\nfile d size=4K cached=1\n",
         "t.scn:2:23: error: page 1 in cached= is beyond the end of file 'd', "
         "which has 1 page (cached= lists page indexes, not a count: "
         "cached=0 is page 0, cached=none no page)")

ERR_TEST(dirty_not_cached, "scenario \"t\"\nfile d size=8K cached=1 dirty=0\n",
         "t.scn:2:31: error: dirty page 0 is not cached, expected it in "
         "cached= too")

ERR_TEST(file_too_big, "scenario \"t\"\nfile d size=0x10001\n",
         "t.scn:2:13: error: file size '0x10001' out of range, expected "
         "0..65536 bytes (at most 16 pages)")

ERR_TEST(dio_beyond_eof, HEAD "cpu1: dio_write data page=1 pages=2\n",
         "t.scn:7:27: error: pages 1..2 are beyond the end of file 'data', "
         "which has 2 pages")

ERR_TEST(reclaim_missing_page, HEAD "cpu1: reclaim data\n",
         "t.scn:7:19: error: missing 'page=' option for reclaim, expected "
         "page=INDEX")

ERR_TEST(reclaim_beyond_eof, HEAD "cpu1: reclaim data page=0 pages=3\n",
         "t.scn:7:25: error: pages 0..2 are beyond the end of file 'data', "
         "which has 2 pages")

ERR_TEST(reclaim_unknown_option, HEAD "cpu1: reclaim data page=0 kswapd\n",
         "t.scn:7:27: error: unknown option 'kswapd' for 'reclaim', expected "
         "page=, pages= or direct")

ERR_TEST(reclaim_direct_value, HEAD "cpu1: reclaim data page=0 direct=1\n",
         "t.scn:7:27: error: option 'direct' takes no value, expected "
         "'direct'")

ERR_TEST(reclaim_no_file, HEAD "cpu1: reclaim\n",
         "t.scn:7:14: error: expected a file name after 'reclaim', found end "
         "of line")

ERR_TEST(reclaim_undeclared_file, HEAD "cpu1: reclaim nofile page=0\n",
         "t.scn:7:15: error: undeclared file 'nofile', expected a name "
         "declared by an earlier 'file' line")

ERR_TEST(missing_size, "scenario \"t\"\nfile d cached=all\n",
         "t.scn:2:18: error: missing 'size=' option for file 'd', expected "
         "size=BYTES")

ERR_TEST(missing_protection, HEAD "map p1 data at 0x20000 pages=1 shared\n",
         "t.scn:7:38: error: missing protection for map, expected 'r' or "
         "'rw'")

ERR_TEST(missing_expect, HEAD "cpu0: delay 1\n",
         "t.scn:8:1: error: missing 'expect' statement, expected 'expect "
         "clean' or 'expect violation KIND'")

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

ERR_TEST(bad_thread_label, HEAD "cpu0 p1 load 0x10000\n",
         "t.scn:7:1: error: bad thread label 'cpu0', expected cpuN: or "
         "cpuN.M:")

ERR_TEST(missing_operand, HEAD "cpu0: p1 load\n",
         "t.scn:7:14: error: expected an address after 'load', found end of "
         "line")

ERR_TEST(litmus_unknown_program, "scenario \"t\"\nlitmus bakery 2\n",
         "t.scn:2:8: error: unknown litmus program 'bakery', expected one "
         "of indexer, lastzero, filesystem, counter, racy-counter, abba, abc, "
         "abba-released, rwsem, abba-wait, recursive, sb, mp")

ERR_TEST(litmus_with_mm_statements,
         "scenario \"t\"\nlitmus counter 2\ncpus 2\nexpect clean\n",
         "t.scn:2:1: error: a litmus scenario has no kernel, set, cpus, file, "
         "mm, map or cpuN: statements, expected only scenario, expect, run "
         "and litmus")

ERR_TEST(litmus_schedule_thread_out_of_range,
         "scenario \"t\"\nlitmus counter 2\nexpect clean\nrun schedule 0.2\n",
         "t.scn:4:16: error: schedule names thread 2, expected 0..1 (the "
         "scenario has 2 threads)")

ERR_TEST(garbage_bytes, "\x01\x7f\xfe\xff\n",
         "t.scn:1:1: error: unknown statement '\\x01\\x7f\\xfe\\xff', expected "
         "one of scenario, kernel, set, cpus, file, mm, map, cpuN:, expect, "
         "run, litmus")

ERR_TEST(reserved_mm_name, "scenario \"t\"\nmm delay\n",
         "t.scn:2:4: error: mm name 'delay' is an operation name, expected "
         "another name")

ERR_TEST(reserved_mm_name_statement, "scenario \"t\"\nmm expect\n",
         "t.scn:2:4: error: mm name 'expect' is a statement name, expected "
         "another name")

ERR_TEST(reserved_file_name_op, "scenario \"t\"\nfile store size=1\n",
         "t.scn:2:6: error: file name 'store' is an operation name, expected "
         "another name")

ERR_TEST(reserved_file_name_statement, "scenario \"t\"\nfile map size=1\n",
         "t.scn:2:6: error: file name 'map' is a statement name, expected "
         "another name")

ERR_TEST(unknown_operation, HEAD "cpu0: fork p1\n",
         "t.scn:7:7: error: unknown operation 'fork', expected truncate, "
         "dio_write, delay, fsync, sync, writeback, fs_flush, release, "
         "write, read, reclaim or MM load|store|mprotect|msync|munmap|"
         "madvise|follow_page|gup|pin|dma_write|unpin|procmem_write|"
         "uffd_register|uffd_continue|remap|ksm_protect ADDR with a declared "
         "MM")

ERR_TEST(write_without_page, HEAD "cpu0: write data from p1 0x10000\n",
         "t.scn:7:18: error: 'from' after the file of write, expected "
         "page=INDEX")

ERR_TEST(write_page_beyond_eof,
         HEAD "cpu0: write data page=2 from p1 0x10000\n",
         "t.scn:7:23: error: page 2 is beyond the end of file 'data', which "
         "has 2 pages")

ERR_TEST(write_without_from, HEAD "cpu0: write data page=0\n",
         "t.scn:7:24: error: expected 'from MM ADDR' after 'page=INDEX', "
         "found end of line")

ERR_TEST(write_bad_from, HEAD "cpu0: write data page=0 to p1 0x10000\n",
         "t.scn:7:25: error: 'to' after page= of write, expected from MM ADDR "
         "(the user buffer)")

ERR_TEST(write_unknown_mm, HEAD "cpu0: write data page=0 from p9 0x10000\n",
         "t.scn:7:30: error: undeclared mm 'p9', expected a name declared by "
         "an earlier 'mm' line")

ERR_TEST(write_outside_maps, HEAD "cpu0: write data page=0 from p1 0x30000\n",
         "t.scn:7:33: error: address 0x30000 is outside every map of 'p1', "
         "expected an address in [0x10000, 0x12000)")

ERR_TEST(write_unaligned, HEAD "cpu0: write data page=0 from p1 0x10010\n",
         "t.scn:7:33: error: address 0x10010 is not page aligned, expected a "
         "multiple of 0x1000 for the buffer of write (one whole page)")

ERR_TEST(read_bad_into, HEAD "cpu0: read data page=0 from p1 0x10000\n",
         "t.scn:7:24: error: 'from' after page= of read, expected into MM ADDR "
         "or the end of the line")

ERR_TEST(read_trailing, HEAD "cpu0: read data page=0 into p1 0x10000 x\n",
         "t.scn:7:40: error: unexpected 'x' after a complete 'read' statement, "
         "expected end of line")

ERR_TEST(unknown_access, HEAD "cpu0: p1 exec 0x10000\n",
         "t.scn:7:10: error: unknown access 'exec', expected load, store, "
         "mprotect, msync, munmap, madvise, follow_page, gup, pin, dma_write, "
         "unpin, procmem_write, uffd_register, uffd_continue, remap or "
         "ksm_protect")

ERR_TEST(duplicate_expect, HEAD TAIL "expect on 2.6.23 clean\nexpect clean\n",
         "t.scn:10:1: error: duplicate 'expect' statement, first at line 8")

ERR_TEST(expect_on_only, HEAD "cpu0: delay 1\nexpect on 2.6.23 clean\n",
         "t.scn:9:1: error: missing 'expect' statement, expected 'expect "
         "clean' or 'expect violation KIND'")

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

/* ------------------------------------------------------------------------ */
/* Shipped scenarios                                                          */

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

/* ------------------------------------------------------------------------ */
/* GUP operations (gup, pin, dma_write, unpin) and the 'ext4' file trait      */

Test(parser, gup_operations) {
  scenario *s = parse_ok("scenario \"t\"\nkernel 2.6.24\ncpus 2\n"
                         "file data size=8K cached=0 ext4\nmm p1\n"
                         "map p1 data at 0x10000 pages=2 shared rw\n"
                         "cpu0: p1 pin 0x10000 write\n"
                         "cpu0: p1 gup 0x11000 write force fast\n"
                         "cpu0: p1 dma_write 0x10000\n"
                         "cpu0: p1 unpin 0x10000 dirty\n"
                         "cpu0: p1 unpin 0x11000\n"
                         "cpu0: p1 gup 0x10000\n"
                         "cpu0: p1 unpin 0x10000\n" TAIL);
  const scn_op *op = s->threads[0].ops;
  cr_assert(s->files[0].ext4 && s->files[0].buffers &&
            s->files[0].page_mkwrite && !s->files[0].needs_buffers);
  cr_assert_eq(op[0].kind, SCN_PIN);
  cr_assert_eq(op[0].arg, SCN_GUP_WRITE);
  cr_assert_eq(op[1].kind, SCN_GUP);
  cr_assert_eq(op[1].arg, SCN_GUP_WRITE | SCN_GUP_FORCE | SCN_GUP_FAST);
  cr_assert_eq(op[2].kind, SCN_DMA_WRITE);
  cr_assert_eq(op[3].kind, SCN_UNPIN);
  cr_assert_eq(op[3].arg, SCN_UNPIN_DIRTY);
  cr_assert_eq(op[4].arg, 0);
  cr_assert_eq(scn_held_op(&s->threads[0], 3, 0, 0x10000), &op[0]);
  cr_assert_null(scn_held_op(&s->threads[0], 4, 0, 0x10000));
  cr_assert_eq(scn_held_op(&s->threads[0], 6, 0, 0x10000), &op[5]);
  cr_assert(scn_tracks_writeback(s));
  free(s);
}

ERR_TEST(dma_write_without_pin, HEAD "cpu0: p1 dma_write 0x10000\n",
         "t.scn:7:20: error: dma_write of 0x10000, which thread 'cpu0' does "
         "not hold, expected a 'p1 pin 0x10000' or 'p1 gup 0x10000' line of "
         "this thread before this one")
ERR_TEST(unpin_of_another_thread,
         HEAD "cpu0: p1 pin 0x10000 write\ncpu1: p1 unpin 0x10000 dirty\n",
         "t.scn:8:16: error: unpin of 0x10000, which thread 'cpu1' does not "
         "hold, expected a 'p1 pin 0x10000' or 'p1 gup 0x10000' line of this "
         "thread before this one")
ERR_TEST(pin_twice, HEAD "cpu0: p1 pin 0x10000 write\ncpu0: p1 gup 0x10000\n",
         "t.scn:8:14: error: thread 'cpu0' already holds 0x10000 from line 7, "
         "expected a 'p1 unpin 0x10000' line before this one")
ERR_TEST(dma_write_to_a_read_gup,
         HEAD "cpu0: p1 gup 0x10000\ncpu0: p1 dma_write 0x10000\n",
         "t.scn:8:20: error: dma_write to 0x10000, which line 7 got without "
         "'write', expected a gup with write")
ERR_TEST(gup_unaligned, HEAD "cpu0: p1 gup 0x10010 write\n",
         "t.scn:7:14: error: address 0x10010 is not page aligned, expected a "
         "multiple of 0x1000 for gup")
ERR_TEST(gup_outside_maps, HEAD "cpu0: p1 pin 0x20000\n",
         "t.scn:7:14: error: address 0x20000 is outside every map of 'p1', "
         "expected an address in [0x10000, 0x12000)")
ERR_TEST(pin_has_no_force, HEAD "cpu0: p1 pin 0x10000 force\n",
         "t.scn:7:22: error: unknown option 'force' for 'pin', expected write "
         "or fast")
ERR_TEST(unpin_bad_flag,
         HEAD "cpu0: p1 pin 0x10000\ncpu0: p1 unpin 0x10000 "
              "write\n",
         "t.scn:8:24: error: unknown option 'write' for 'unpin', expected "
         "dirty")

Test(parser_errors, write_gup_of_a_shared_read_only_map) {
  bind_err("scenario \"t\"\nkernel 5.15\ncpus 1\nfile data size=4K\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 shared r\n"
           "cpu0: p1 gup 0x10000 write force\ncpu0: p1 unpin 0x10000\n"
           "expect clean\n",
           "t.scn:7:7: error: write GUP of a shared read-only mapping "
           "(check_vma_flags: -EFAULT, FOLL_FORCE included: not a COW "
           "mapping), expected a map with rw or a private map");
}

Test(parser_errors, unforced_write_gup_of_a_private_read_only_map) {
  bind_err("scenario \"t\"\nkernel 5.15\ncpus 1\nfile data size=4K\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 private r\n"
           "cpu0: p1 gup 0x10000 write\ncpu0: p1 unpin 0x10000\n"
           "expect clean\n",
           "t.scn:7:7: error: write GUP of a read-only mapping without force "
           "(check_vma_flags: -EFAULT), expected 'force' or a map with rw");
}

/* ------------------------------------------------------------------------ */
/* R4: procmem_write, uffd_register, uffd_continue (issue 11)                */

ERR_TEST(uffd_register_without_mode, HEAD "cpu0: p1 uffd_register 0x10000\n",
         "t.scn:7:31: error: missing mode for uffd_register, expected minor "
         "(only UFFDIO_REGISTER_MODE_MINOR is modelled)")
ERR_TEST(uffd_register_bad_mode, HEAD "cpu0: p1 uffd_register 0x10000 wp\n",
         "t.scn:7:32: error: unknown option 'wp' for 'uffd_register', "
         "expected minor")
ERR_TEST(procmem_write_unaligned, HEAD "cpu0: p1 procmem_write 0x10010\n",
         "t.scn:7:24: error: address 0x10010 is not page aligned, expected a "
         "multiple of 0x1000 for procmem_write")
ERR_TEST(uffd_continue_trailing, HEAD "cpu0: p1 uffd_continue 0x10000 x\n",
         "t.scn:7:32: error: unexpected 'x' after a complete 'uffd_continue' "
         "statement, expected end of line")
ERR_TEST(uffd_continue_outside_maps, HEAD "cpu0: p1 uffd_continue 0x30000\n",
         "t.scn:7:24: error: address 0x30000 is outside every map of 'p1', "
         "expected an address in [0x10000, 0x12000)")

/* R5: ksm_protect (issue 9) */
ERR_TEST(ksm_protect_unaligned, HEAD "cpu0: p1 ksm_protect 0x10800\n",
         "t.scn:7:22: error: address 0x10800 is not page aligned, expected a "
         "multiple of 0x1000 for ksm_protect")
ERR_TEST(ksm_protect_outside_maps, HEAD "cpu0: p1 ksm_protect 0x40000\n",
         "t.scn:7:22: error: address 0x40000 is outside every map of 'p1', "
         "expected an address in [0x10000, 0x12000)")
ERR_TEST(ksm_protect_no_address, HEAD "cpu0: p1 ksm_protect\n",
         "t.scn:7:21: error: expected an address after 'ksm_protect', found "
         "end of line")
ERR_TEST(ksm_protect_trailing, HEAD "cpu0: p1 ksm_protect 0x10000 write\n",
         "t.scn:7:30: error: unexpected 'write' after a complete "
         "'ksm_protect' statement, expected end of line")

Test(parser_errors, uffd_register_of_a_file_that_is_not_shmem) {
  bind_err("scenario \"t\"\nkernel 5.16\ncpus 1\nfile data size=4K\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 private r\n"
           "cpu0: p1 uffd_register 0x10000 minor\nexpect clean\n",
           "t.scn:7:7: error: userfaultfd minor faults on a file that is not "
           "shmem (vma_can_userfault: -EINVAL), expected a map of a file "
           "declared with 'tmpfs' (or the synthetic knob "
           "uffd.minor_any_file)");
}

Test(parser_errors, uffd_on_a_kernel_without_fault) {
  bind_err("scenario \"t\"\nkernel 2.6.20\ncpus 1\nfile data size=4K tmpfs\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 private r\n"
           "cpu0: p1 uffd_continue 0x10000\nexpect clean\n",
           "t.scn:7:7: error: userfaultfd on a kernel without ->fault (the "
           "model's minor faults hook shmem_fault, 2.6.23+), expected a 5.x "
           "or 6.x kernel");
}

Test(parser_errors, procmem_write_to_a_shared_read_only_map) {
  bind_err("scenario \"t\"\nkernel 5.16\ncpus 1\nfile data size=4K\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 shared r\n"
           "cpu0: p1 procmem_write 0x10000\nexpect clean\n",
           "t.scn:7:7: error: procmem_write to a shared read-only mapping "
           "(check_vma_flags: -EFAULT, not a COW mapping), expected a private "
           "map or a map with rw");
}

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

/* A thread's description (the timeline's lane title) writes each
   operation back as the scenario wrote it, without its delays. */
Test(parser, thread_description_of_every_kind_of_operation) {
  scenario *s = parse_ok(HEAD "cpu1: write data page=1 from p1 0x11000\n"
                              "cpu1: delay 5\n"
                              "cpu1: reclaim data page=0 pages=2 direct\n"
                              "cpu1: p1 gup 0x10000 write fast\n"
                              "cpu1: p1 unpin 0x10000 dirty\n"
                              "cpu1: p1 madvise 0x10000 pages=2 dontneed\n"
                              "cpu1: read data page=0\n" TAIL);
  char buf[512];
  cr_assert_str_eq(scn_thread_describe(s, &s->threads[0], buf, sizeof buf),
                   "write data page=1 from p1 0x11000; reclaim data page=0 "
                   "pages=2 direct; p1 gup 0x10000 write fast; p1 unpin "
                   "0x10000 dirty; p1 madvise 0x10000 dontneed pages=2; read "
                   "data page=0");
  free(s);
}

/* ------------------------------------------------------------------------ */
/* Outcome conditions (models/scn_cond.c) and expected kinds               */

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
         "has 2 pages")
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

/* remap (remap_file_pages, models/fremap.c): operands, then what the
   model refuses when it is built */
Test(parser, remap_operands) {
  scenario *s = parse_ok(HEAD "cpu0: p1 remap 0x11000 pgoff=0 nonblock\n"
                              "expect clean\n");
  const scn_op *op = &s->threads[0].ops[0];
  cr_assert_eq(op->kind, SCN_REMAP);
  cr_assert_eq(op->addr, 0x11000);
  cr_assert_eq(op->page, 0);
  cr_assert_eq(op->npages, 1);
  cr_assert_eq(op->arg, SCN_REMAP_NONBLOCK);
  free(s);
  s = parse_ok(HEAD "cpu0: p1 remap 0x10000 pgoff=1 pages=2\nexpect clean\n");
  cr_assert_eq(s->threads[0].ops[0].page, 1);
  cr_assert_eq(s->threads[0].ops[0].npages, 2);
  cr_assert_eq(s->threads[0].ops[0].arg, 0);
  free(s);
}
ERR_TEST(remap_without_pgoff, HEAD "cpu0: p1 remap 0x10000\n",
         "t.scn:7:23: error: missing pgoff= for remap, expected pgoff=P (the "
         "file page to map at the address)")
ERR_TEST(remap_pgoff_out_of_range, HEAD "cpu0: p1 remap 0x10000 pgoff=16\n",
         "t.scn:7:30: error: pgoff '16' out of range, expected 0..15")
ERR_TEST(remap_past_the_file_pages,
         HEAD "cpu0: p1 remap 0x10000 pgoff=15 pages=2\n",
         "t.scn:7:30: error: pgoff=15 with 2 pages reaches file page 16, "
         "expected pgoff + pages <= 16")
ERR_TEST(remap_unaligned, HEAD "cpu0: p1 remap 0x10010 pgoff=1\n",
         "t.scn:7:16: error: address 0x10010 is not page aligned, expected a "
         "multiple of 0x1000 for remap")
ERR_TEST(remap_past_its_map, HEAD "cpu0: p1 remap 0x11000 pgoff=0 pages=2\n",
         "t.scn:7:38: error: 2 pages from 0x11000 go past the end of its map "
         "at 0x12000, expected at most 1")
ERR_TEST(remap_unknown_option, HEAD "cpu0: p1 remap 0x10000 pgoff=1 block\n",
         "t.scn:7:32: error: unknown option 'block' for 'remap', expected "
         "pages=, pgoff= or nonblock")

Test(parser_errors, remap_of_a_private_map) {
  bind_err("scenario \"t\"\nkernel 2.6.20\ncpus 1\nfile data size=8K\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 private rw\n"
           "cpu0: p1 remap 0x10000 pgoff=1\nexpect clean\n",
           "t.scn:7:7: error: remap of a private map (sys_remap_file_pages: "
           "-EINVAL), expected a map declared shared");
}

Test(parser_errors, remap_of_a_tmpfs_map) {
  bind_err("scenario \"t\"\nkernel 2.6.20\ncpus 1\nfile data size=8K tmpfs\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 shared rw\n"
           "cpu0: p1 remap 0x10000 pgoff=1\nexpect clean\n",
           "t.scn:7:7: error: remap of a tmpfs map: shmem_populate and "
           "shmem's nonlinear fault are not modelled, expected a file "
           "without 'tmpfs'");
}

Test(parser_errors, remap_partial_with_linear_emulation) {
  bind_err("scenario \"t\"\nkernel 2.6.23\ncpus 1\nfile data size=8K\n"
           "mm p1\nmap p1 data at 0x10000 pages=2 shared rw\n"
           "cpu0: p1 remap 0x10000 pgoff=1\nexpect clean\n",
           "t.scn:7:7: error: partial remap on a kernel with 3ee6dafc: its "
           "mmap_region would split the vma (split_vma is not modelled), "
           "expected the start and page count of the whole map");
}

Test(parser_errors, reclaim_with_remap) {
  bind_err("scenario \"t\"\nkernel 2.6.20\ncpus 2\nfile data size=8K\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 shared rw\n"
           "cpu0: p1 remap 0x10000 pgoff=1\ncpu1: reclaim data page=1\n"
           "expect clean\n",
           "t.scn:8:7: error: reclaim in a scenario with remap: "
           "try_to_unmap_cluster (nonlinear vmas) is not modelled, expected "
           "no reclaim");
}

Test(parser_errors, madvise_dontneed_with_remap) {
  bind_err("scenario \"t\"\nkernel 2.6.20\ncpus 2\nfile data size=8K\n"
           "mm p1\nmap p1 data at 0x10000 pages=1 shared rw\n"
           "cpu0: p1 remap 0x10000 pgoff=1\ncpu1: p1 madvise 0x10000 "
           "dontneed\nexpect clean\n",
           "t.scn:8:7: error: madvise dontneed in a scenario with remap: the "
           "nonlinear zap of madvise_dontneed is not modelled, expected "
           "munmap");
}
