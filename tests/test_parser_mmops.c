/*
** test_parser_mmops.c - the operations on an mm added for the GUP, uffd,
** KSM and nonlinear-mapping races (models/scn_ops_mm.c and the program
** checks of models/program.c): gup, pin, dma_write and unpin with the
** pages a thread holds, procmem_write, uffd_register and uffd_continue,
** ksm_protect, and remap with its pgoff.  Errors found when the model is
** built go through bind_err (parser_helpers.h).
*/
#include "parser_helpers.h"

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
