/*
** test_parser_ops.c - thread lines and the file operations
** (models/scn_ops.c, models/scn_ops_file.c): thread labels and their
** numbering, the operation names, truncate, dio_write, release, reclaim,
** fsync, writeback, fs_flush, sync, write and read, the operations a
** tmpfs file refuses, load and store addresses, madvise, and a thread's
** description.  The operations on an mm that GUP, userfaultfd, KSM and
** remap_file_pages add are in test_parser_mmops.c.
*/
#include "parser_helpers.h"

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

ERR_TEST(cpu_out_of_range, HEAD "cpu2: delay 1\n",
         "t.scn:7:1: error: cpu 2 out of range, expected 0..1 (cpus 2)")

ERR_TEST(cpu_before_cpus, "scenario \"t\"\ncpu0: delay 1\ncpus 1\n",
         "t.scn:2:1: error: thread label 'cpu0:' before the 'cpus' "
         "statement, expected 'cpus N' first")

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

ERR_TEST(dio_beyond_eof, HEAD "cpu1: dio_write data page=1 pages=2\n",
         "t.scn:7:27: error: pages 1..2 are beyond the end of file 'data', "
         "which has 2 pages, expected page indexes 0..1")

ERR_TEST(reclaim_missing_page, HEAD "cpu1: reclaim data\n",
         "t.scn:7:19: error: missing 'page=' option for reclaim, expected "
         "page=INDEX")

ERR_TEST(reclaim_beyond_eof, HEAD "cpu1: reclaim data page=0 pages=3\n",
         "t.scn:7:25: error: pages 0..2 are beyond the end of file 'data', "
         "which has 2 pages, expected page indexes 0..1")

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

ERR_TEST(bad_thread_label, HEAD "cpu0 p1 load 0x10000\n",
         "t.scn:7:1: error: bad thread label 'cpu0', expected cpuN: or "
         "cpuN.M:")

ERR_TEST(missing_operand, HEAD "cpu0: p1 load\n",
         "t.scn:7:14: error: expected an address after 'load', found end of "
         "line")

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
         "has 2 pages, expected page indexes 0..1")

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
