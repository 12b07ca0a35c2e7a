/*
** test_parser_decl.c - the declarations of a scenario (models/scn_decl.c
** and the kernel, set and cpus statements of models/scenario.c): files
** with their options and page cache, mms, maps, knobs, numbers and sizes,
** the names a file or an mm may not take.  Valid inputs assert every
** parsed field; malformed ones the exact error (parser_helpers.h).
*/
#include "parser_helpers.h"

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

ERR_TEST(unknown_kernel, "scenario \"t\"\nkernel 2.6.99\n",
         "t.scn:2:8: error: unknown kernel '2.6.99' (did you mean '2.6.19'?), "
         "expected one of 2.6.17-mm, 2.6.19, 2.6.20, 2.6.22, 2.6.23, 2.6.24, "
         "4.19, 5.7, 5.15, 5.16, 5.18, 6.0, 6.4, ksm, wp-glisse")

ERR_TEST(bad_number, "scenario \"t\"\ncpus two\n",
         "t.scn:2:6: error: bad number 'two' for cpu count, expected a "
         "decimal or 0x hex number")

ERR_TEST(bad_size, "scenario \"t\"\nfile d size=4G\n",
         "t.scn:2:13: error: bad number '4G' for file size, expected bytes as "
         "a decimal or 0x hex number with an optional K or M suffix")

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

ERR_TEST(unknown_map_option,
         HEAD "map p1 data at 0x20000 pages=1 shared rw "
              "exec\n",
         "t.scn:7:42: error: unknown option 'exec' for 'map', expected "
         "pages=, pgoff=, shared, private, r, rw or mapped")

ERR_TEST(overlapping_maps,
         HEAD "map p1 data at 0x11000 pages=1 pgoff=1 private r\n",
         "t.scn:7:16: error: map [0x11000, 0x12000) overlaps the map of 'p1' "
         "at line 6 [0x10000, 0x12000)")

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
         "debug.writenotify_dirty, "
         "debug.bug_on_mapped_remove, debug.footprint_check")

ERR_TEST(bad_knob_value, "scenario \"t\"\nset fault.lock_page = yes\n",
         "t.scn:2:23: error: bad value 'yes' for knob 'fault.lock_page', "
         "expected on, off, 1 or 0")

ERR_TEST(too_many_files,
         "scenario \"t\"\nfile a size=1\nfile b size=1\nfile c size=1\n"
         "file d size=1\nfile e size=1\n",
         "t.scn:6:1: error: too many files, expected at most 4")

ERR_TEST(cached_beyond_eof, "scenario \"t\"\nfile d size=4097 cached=0,2\n",
         "t.scn:2:27: error: page 2 in cached= is beyond the end of file 'd', "
         "which has 2 pages, expected page indexes 0..1 (cached= lists page "
         "indexes, not a count: "
         "cached=0 is page 0, cached=none no page)")

/* the count a user meant is refused with what the number means */
ERR_TEST(cached_count_is_an_index, "scenario \"t\"\nfile d size=4K cached=1\n",
         "t.scn:2:23: error: page 1 in cached= is beyond the end of file 'd', "
         "which has 1 page, expected page index 0 (cached= lists page indexes, "
         "not a count: "
         "cached=0 is page 0, cached=none no page)")

ERR_TEST(dirty_not_cached, "scenario \"t\"\nfile d size=8K cached=1 dirty=0\n",
         "t.scn:2:31: error: dirty page 0 is not cached, expected it in "
         "cached= too")

ERR_TEST(file_too_big, "scenario \"t\"\nfile d size=0x10001\n",
         "t.scn:2:13: error: file size '0x10001' out of range, expected "
         "0..65536 bytes (at most 16 pages)")

ERR_TEST(missing_size, "scenario \"t\"\nfile d cached=all\n",
         "t.scn:2:18: error: missing 'size=' option for file 'd', expected "
         "size=BYTES")

ERR_TEST(missing_protection, HEAD "map p1 data at 0x20000 pages=1 shared\n",
         "t.scn:7:38: error: missing protection for map, expected 'r' or "
         "'rw'")

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
