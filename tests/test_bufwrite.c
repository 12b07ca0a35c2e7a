/*
** test_bufwrite.c - the buffered write path (models/filemap_write.c,
** issue 10, R1d) and the read path: the exact steps of one write(2) on
** 2.6.20, 2.6.23 and 2.6.24; 2.6.23's non-atomic copy taking a page fault
** with the destination page locked (the self-deadlock), 2.6.20's taking it
** without locking the uptodate source; 2.6.24's short copy, unlock and
** retry, with and without buffers; the data, dirty state and write
** generation a write leaves (a new page, a file without buffers, a write
** past EOF); the lost-write and fsync-lost oracles counting a write;
** read(2) into a mapping; the load-time check of a read into a read-only
** map.  An observer records thread 0's steps as "function: step" and, at
** each of its page faults, whether it held a page lock.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model_harness.h"

#define MAX_EV 256

/* What the observer saw of thread 0. */
static struct {
  int n;
  char ev[MAX_EV][112];
  int faults;        /* do_page_fault entries of thread 0 */
  int faults_locked; /* ... while it held some page's lock */
} obs;

/* What a body saw mid-run (the exit thread's final sync runs after). */
static struct {
  long ret;
  uint8_t flags, bh;
  uint16_t dirty_tag, gen0, gen;
  uint32_t data0, data, load;
  int page;
} seen;

static int holds_a_page_lock(int tid) {
  for (int p = 0; p < MM_MAX_PAGES; p++)
    if (sim_lock_holder(model.x, page_lock_oid(&model, p)) == tid)
      return 1;
  return 0;
}

static void on_event(void *arg, const sim_event *ev) {
  (void)arg;
  if (ev->tid != 0)
    return;
  if (obs.n < MAX_EV)
    snprintf(obs.ev[obs.n++], sizeof obs.ev[0], "%s: %s", ev->fn, ev->what);
  if (!strcmp(ev->fn, "do_page_fault") &&
      !strcmp(ev->what, "down_read(mmap_sem); find_vma")) {
    obs.faults++;
    obs.faults_locked += holds_a_page_lock(0);
  }
}

/* exec() of model_harness.h with the observer. */
static sim_result exec_observed(const char *sched) {
  memset(&obs, 0, sizeof obs);
  static const sim_observer ob = {.event = on_event};
  return exec_with(sched ? SIM_POLICY_REPLAY : SIM_POLICY_TIMED, 1, sched, &ob);
}

/* Asserts thread 0's steps, in order, up to its exit. */
static void assert_steps(const char *const *want, int nwant) {
  for (int i = 0; i < nwant; i++) {
    cr_assert(i < obs.n, "only %d steps, step %d should be '%s'", obs.n, i,
              want[i]);
    cr_assert_str_eq(obs.ev[i], want[i], "step %d", i);
  }
  cr_assert_eq(obs.n, nwant, "%d steps, want %d (next: '%s')", obs.n, nwant,
               obs.n > nwant ? obs.ev[nwant] : "");
}

/* A 'buffers' file of two cached pages; p1 maps it read-only, not
   populated; cpu0 writes page 0 from the mapping of page 1. */
#define WRITE_FROM_PAGE1(kernel)                                               \
  "scenario \"t\"\nkernel " kernel "\ncpus 1\n"                                \
  "file data size=8K cached=all buffers\nmm p1\n"                              \
  "map p1 data at 0x10000 pages=2 shared r\n"                                  \
  "cpu0: write data page=0 from p1 0x11000\nexpect clean\n"

/* ------------------------------------------------ steps per version */

/* The fault-in of the source (a read fault on page 1) is the version's
   fault path; the write itself is the same on 2.6.20 and 2.6.23. */
#define WRITE_HEAD                                                             \
  "generic_file_aio_write: sys_write; mutex_lock(i_mutex); "                   \
  "generic_write_checks",                                                      \
      "fault_in_pages_readable: user load",                                    \
      "do_page_fault: down_read(mmap_sem); find_vma",                          \
      "handle_pte_fault: entry = *pte"
#define FAULT_2_6_23                                                           \
  "filemap_fault: i_size_read",                                                \
      "find_lock_page: radix_tree_lookup; TestSetPageLocked",                  \
      "filemap_fault: PageUptodate",                                           \
      "filemap_fault: i_size_read (page locked)",                              \
      "__do_fault: pte_offset_map_lock",                                       \
      "__do_fault: pte_same? set_pte_at; page_add_file_rmap",                  \
      "__do_fault: pte_unmap_unlock", "__do_fault: unlock_page",               \
      "do_page_fault: up_read(mmap_sem)"
#define GRAB_PREPARE                                                           \
  "fault_in_pages_readable: user load",                                        \
      "find_lock_page: radix_tree_lookup; TestSetPageLocked",                  \
      "block_prepare_write: page_has_buffers"
#define COMMIT                                                                 \
  "__block_commit_write: set_buffer_uptodate; mark_buffer_dirty",              \
      "__set_page_dirty_nobuffers: TestSetPageDirty",                          \
      "__set_page_dirty_nobuffers: write_lock(tree_lock); "                    \
      "radix_tree_tag_set(DIRTY)",                                             \
      "__block_commit_write: SetPageUptodate"

Test(bufwrite, steps_of_one_write_2_6_20) {
  static const char *const want[] = {
      WRITE_HEAD,
      "do_no_page: sequence = mapping->truncate_count; smp_rmb",
      "filemap_nopage: i_size_read",
      "find_get_page: radix_tree_lookup",
      "filemap_nopage: PageUptodate",
      "do_no_page: pte_offset_map_lock",
      "do_no_page: pte_none? set_pte_at; page_add_file_rmap",
      "do_no_page: pte_unmap_unlock",
      "do_page_fault: up_read(mmap_sem)",
      GRAB_PREPARE,
      "filemap_copy_from_user: kmap_atomic; __copy_from_user_inatomic_nocache",
      COMMIT,
      "generic_file_buffered_write: unlock_page",
      "generic_file_buffered_write: put_page",
      "generic_file_aio_write: mutex_unlock(i_mutex)",
      "do_exit: exit_notify"};
  setup(WRITE_FROM_PAGE1("2.6.20"), NULL);
  sim_result r = exec_observed(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  assert_steps(want, sizeof want / sizeof want[0]);
  sim_result_free(&r);
}

Test(bufwrite, steps_of_one_write_2_6_23) {
  static const char *const want[] = {
      WRITE_HEAD,
      FAULT_2_6_23,
      GRAB_PREPARE,
      "filemap_copy_from_user: kmap_atomic; __copy_from_user_inatomic_nocache",
      COMMIT,
      "generic_file_buffered_write: unlock_page",
      "generic_file_buffered_write: put_page",
      "generic_file_aio_write: mutex_unlock(i_mutex)",
      "do_exit: exit_notify"};
  setup(WRITE_FROM_PAGE1("2.6.23"), NULL);
  sim_result r = exec_observed(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  assert_steps(want, sizeof want / sizeof want[0]);
  sim_result_free(&r);
}

Test(bufwrite, steps_of_one_write_2_6_24) {
  static const char *const want[] = {
      WRITE_HEAD,
      FAULT_2_6_23,
      GRAB_PREPARE,
      "generic_perform_write: pagefault_disable; "
      "iov_iter_copy_from_user_atomic",
      COMMIT,
      "generic_write_end: unlock_page",
      "generic_write_end: put_page",
      "generic_file_aio_write: mutex_unlock(i_mutex)",
      "do_exit: exit_notify"};
  setup(WRITE_FROM_PAGE1("2.6.24"), NULL);
  sim_result r = exec_observed(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  assert_steps(want, sizeof want / sizeof want[0]);
  sim_result_free(&r);
}

/* ------------------------------------ the zapped source: 2.6.23, 2.6.24 */

/* write-self-deadlock.scn: the write's fault-in, then cpu1's madvise
   zaps the pte, then the write goes on. */
#define SELF(kernel)                                                           \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=4K cached=all buffers\nmm p1\n"                              \
  "map p1 data at 0x10000 pages=1 shared r\n"                                  \
  "cpu0: write data page=0 from p1 0x10000\n"                                  \
  "cpu1: p1 madvise 0x10000 dontneed\nexpect clean\n"
#define SELF_SCHED "0*14.1*7.0*8"

static int find_ev(const char *what, int from) {
  for (int i = from; i < obs.n; i++)
    if (!strcmp(obs.ev[i], what))
      return i;
  return -1;
}

Test(bufwrite, nonatomic_copy_faults_with_the_page_locked_2_6_23) {
  setup(SELF("2.6.23"), NULL);
  sim_result r = exec_observed(SELF_SCHED);
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, "deadlock");
  cr_assert(strstr(r.msg, "cpu0 waits in lock_page for page#0.PG_locked "
                          "held by cpu0"),
            "%s", r.msg);
  int a = find_ev("filemap_copy_from_user: kmap_atomic; "
                  "__copy_from_user_inatomic_nocache",
                  0);
  int b = find_ev("filemap_copy_from_user: kmap; __copy_from_user_nocache", a);
  cr_assert(a >= 0 && b == a + 1, "the atomic copy came up short, then the "
                                  "slow copy");
  cr_assert_str_eq(obs.ev[b + 1], "do_page_fault: down_read(mmap_sem); "
                                  "find_vma");
  cr_assert_eq(obs.faults, 2, "the fault-in's and the copy's");
  cr_assert_eq(obs.faults_locked, 1, "the copy's fault holds the page lock");
  cr_assert_str_eq(obs.ev[obs.n - 1],
                   "find_lock_page: radix_tree_lookup; TestSetPageLocked");
  sim_result_free(&r);
}

Test(bufwrite, short_copy_unlocks_and_retries_2_6_24) {
  setup(SELF("2.6.24"), NULL);
  sim_result r = exec_observed(SELF_SCHED);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  const char *copy = "generic_perform_write: pagefault_disable; "
                     "iov_iter_copy_from_user_atomic";
  int c1 = find_ev(copy, 0), c2 = find_ev(copy, c1 + 1);
  cr_assert(c1 >= 0 && c2 > c1, "two copies: short, then whole");
  /* the short copy commits nothing: write_end unlocks and releases */
  cr_assert_str_eq(obs.ev[c1 + 1], "generic_write_end: unlock_page");
  cr_assert_str_eq(obs.ev[c1 + 2], "generic_write_end: put_page");
  cr_assert_str_eq(obs.ev[c1 + 3], "fault_in_pages_readable: user load");
  cr_assert_str_eq(obs.ev[c2 + 1], "__block_commit_write: set_buffer_uptodate; "
                                   "mark_buffer_dirty");
  cr_assert_eq(find_ev("filemap_copy_from_user: kmap; "
                       "__copy_from_user_nocache",
                       0),
               -1);
  cr_assert_eq(obs.faults, 2, "two fault-ins");
  cr_assert_eq(obs.faults_locked, 0, "no fault with a page locked");
  sim_result_free(&r);
}

/* 2.6.20 under the same schedule: the fault does not lock the uptodate
   page, the slow copy goes through. */
Test(bufwrite, nonatomic_copy_faults_without_locking_2_6_20) {
  setup(SELF("2.6.20"), NULL);
  sim_result r = exec_observed(SELF_SCHED);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(obs.faults_locked, 1, "the copy faults with the page locked");
  cr_assert_geq(find_ev("filemap_copy_from_user: kmap; "
                        "__copy_from_user_nocache",
                        0),
                0);
  const char *fault = "do_page_fault: down_read(mmap_sem); find_vma";
  int f2 = find_ev(fault, find_ev(fault, 0) + 1); /* the copy's fault */
  cr_assert_geq(f2, 0);
  cr_assert_eq(
      find_ev("find_lock_page: radix_tree_lookup; TestSetPageLocked", f2), -1,
      "no find_lock_page in the copy's fault");
  cr_assert_geq(find_ev("find_get_page: radix_tree_lookup", f2), 0);
  sim_result_free(&r);
}

/* ------------------------------------------- data and dirty state */

/* The body of cpu0: the write, then what it left, before the exit
   thread's final sync. */
static void write_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p0 = m->s.as[0].tree[0];
  seen.gen0 = p0 >= 0 ? m->s.page[p0].gen : 0;
  seen.data0 = p0 >= 0 ? m->s.page[p0].data : 0;
  seen.ret = generic_file_aio_write(t, 0, 0, 0, 0x11000);
  int p = seen.page = m->s.as[0].tree[0];
  seen.flags = m->s.page[p].flags;
  seen.bh = m->s.page[p].bh;
  seen.dirty_tag = m->s.as[0].dirty_tag;
  seen.gen = m->s.page[p].gen;
  seen.data = m->s.page[p].data;
}

static void run_write_body(const char *text) {
  memset(&seen, 0, sizeof seen);
  setup(text, NULL);
  custom = 1;
  bodies[0] = write_body;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
}

#define WRITE_FILE(kernel, cached, opts)                                       \
  "scenario \"t\"\nkernel " kernel "\ncpus 1\n"                                \
  "file data size=8K cached=" cached " " opts "\nmm p1\n"                      \
  "map p1 data at 0x10000 pages=2 shared r\n"                                  \
  "cpu0: write data page=0 from p1 0x11000 # the body replaces it\n"           \
  "expect clean\n"

static void assert_written(const char *kernel, int buffers) {
  cr_assert_eq(seen.ret, PAGE_SIZE, "%s", kernel);
  cr_assert_neq(seen.data, seen.data0, "%s: a new content", kernel);
  cr_assert_eq(seen.data >> 24, 1u, "%s: written by thread 0", kernel);
  cr_assert_eq(seen.gen, seen.gen0 + 1, "%s: one more write generation",
               kernel);
  cr_assert(seen.flags & PG_dirty, "%s: PG_dirty", kernel);
  cr_assert(seen.flags & PG_uptodate, "%s: PG_uptodate", kernel);
  cr_assert_eq(seen.dirty_tag & 1, 1, "%s: tagged dirty", kernel);
  if (buffers)
    cr_assert_eq(seen.bh & (BH_Dirty | BH_Mapped), BH_Dirty | BH_Mapped,
                 "%s: the buffer dirty", kernel);
  else
    cr_assert_eq(seen.flags & PG_private, 0, "%s: no buffers", kernel);
  /* the final sync wrote it */
  cr_assert_eq(model.s.as[0].disk[0], seen.data, "%s: on disk: %x, %x", kernel,
               model.s.as[0].disk[0], seen.data);
  cr_assert_eq(model.s.as[0].disk_gen[0], seen.gen, "%s", kernel);
  cr_assert_eq(sim_lock_holder(model.x, page_lock_oid(&model, seen.page)), -1);
}

Test(bufwrite, a_write_dirties_page_and_buffer_and_counts_as_a_store) {
  static const char *const kernels[] = {"2.6.20", "2.6.23", "2.6.24"};
  char text[512];
  for (int i = 0; i < 3; i++) {
    snprintf(text, sizeof text, WRITE_FILE("%s", "all", "buffers"), kernels[i]);
    run_write_body(text);
    assert_written(kernels[i], 1);
  }
}

/* A page not in the cache: __grab_cache_page adds it, not uptodate;
   block_prepare_write attaches its buffer; the commit makes it uptodate. */
Test(bufwrite, a_write_to_an_uncached_page_adds_it) {
  static const char *const kernels[] = {"2.6.20", "2.6.24"};
  char text[512];
  for (int i = 0; i < 2; i++) {
    snprintf(text, sizeof text, WRITE_FILE("%s", "1", "buffers"), kernels[i]);
    run_write_body(text);
    cr_assert_eq(model.init.as[0].tree[0], -1);
    cr_assert_geq(seen.page, 0, "%s: page 0 added", kernels[i]);
    cr_assert(seen.flags & PG_private, "%s: buffers attached", kernels[i]);
    assert_written(kernels[i], 1);
  }
}

/* A file without buffers: simple_prepare_write, simple_commit_write
   (set_page_dirty). */
Test(bufwrite, a_write_to_a_file_without_buffers) {
  static const char *const kernels[] = {"2.6.20", "2.6.24"};
  char text[512];
  for (int i = 0; i < 2; i++) {
    snprintf(text, sizeof text, WRITE_FILE("%s", "1", ""), kernels[i]);
    run_write_body(text);
    assert_written(kernels[i], 0);
  }
}

/* A write of a page past i_size (after a truncate to one page) extends
   i_size; its source is page 0, still inside i_size. */
static void truncate_then_write(sim_thread *t) {
  do_truncate(t, 0, PAGE_SIZE);
  seen.ret = generic_file_aio_write(t, 0, 1, 0, 0x10000);
}

Test(bufwrite, a_write_past_eof_extends_i_size) {
  memset(&seen, 0, sizeof seen);
  setup(WRITE_FILE("2.6.23", "all", "buffers"), NULL);
  custom = 1;
  bodies[0] = truncate_then_write;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, PAGE_SIZE);
  cr_assert_eq(model.s.as[0].i_size, 2 * PAGE_SIZE);
  cr_assert_geq(model.s.as[0].tree[1], 0);
  sim_result_free(&r);
}

/* ------------------------------------------------------------- read */

/* read(2) of page 1 (not cached: read from disk) into the shared rw map
   of page 0: the load sees the disk's content, the store dirties page 0
   through a write fault. */
Test(bufwrite, read_into_a_mapping) {
  setup("scenario \"t\"\nkernel 2.6.23\ncpus 1\n"
        "file data size=8K cached=0\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared rw\n"
        "cpu0: read data page=1 into p1 0x10000\nexpect clean\n",
        NULL);
  sim_result r = exec_observed(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.s.last_load[0], model.s.as[0].disk[1],
               "the page read in holds the disk's block");
  int p0 = model.s.as[0].tree[0], p1 = model.s.as[0].tree[1];
  cr_assert_geq(p1, 0, "page 1 read into the cache");
  cr_assert_eq(model.s.page[p0].data >> 24, 1u, "the copy stored into page 0");
  cr_assert(model.s.page[p0].flags & PG_dirty);
  cr_assert_geq(find_ev("page_cache_read: page_cache_alloc_cold; "
                        "add_to_page_cache_lru",
                        0),
                0);
  cr_assert_eq(obs.faults_locked, 0, "the read's copy holds no page lock");
  sim_result_free(&r);
}

Test(bufwrite, read_into_a_read_only_map_is_refused) {
  char err[512];
  cr_assert_eq(scn_parse_string("t.scn",
                                "scenario \"t\"\nkernel 2.6.20\ncpus 1\n"
                                "file data size=4K\nmm p1\n"
                                "map p1 data at 0x10000 pages=1 shared r\n"
                                "cpu0: read data page=0 into p1 0x10000\n"
                                "expect clean\n",
                                &scn, err, sizeof err),
               0, "%s", err);
  cr_assert_eq(mm_model_init(&model, &scn, NULL, err, sizeof err), -1);
  cr_assert_str_eq(err, "t.scn:7:7: error: read into a read-only mapping (the "
                        "copy would fault with SIGSEGV), expected a map with "
                        "rw or an mprotect rw of it");
}

/* ------------------------------------------ the write-loss oracles */

/* write then fsync in one program: the fsync writes the page. */
Test(bufwrite, write_then_fsync_is_on_disk) {
  setup("scenario \"t\"\nkernel 2.6.23\ncpus 1\n"
        "file data size=8K cached=all buffers\nmm p1\n"
        "map p1 data at 0x10000 pages=2 shared r\n"
        "cpu0: write data page=0 from p1 0x11000\ncpu0: fsync data\n"
        "expect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int p = model.s.as[0].tree[0];
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data);
  cr_assert_eq(model.s.page[p].data >> 24, 1u);
  sim_result_free(&r);
}

/* A write whose dirty bits are then lost (forged: PG_dirty, the buffer's
   BH_Dirty and the tag cleared behind the kernel's back): the oracles
   count the write as a store. */
static void lose_dirty_bits(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = m->s.as[0].tree[0];
  SIM_STEP(t, "forge: lose the dirty bits", COST_ATOMIC,
           SIM_WR(page_dirty_oid(m, p)), SIM_WR(page_bh_oid(m, p)),
           SIM_WR(tree_tags_oid(m, 0)));
  m->s.page[p].flags &= (uint8_t)~PG_dirty;
  m->s.page[p].bh &= (uint8_t)~BH_Dirty;
  m->s.as[0].dirty_tag = 0;
}

static void write_and_lose(sim_thread *t) {
  generic_file_aio_write(t, 0, 0, 0, 0x11000);
  lose_dirty_bits(t);
}

static void write_lose_and_fsync(sim_thread *t) {
  write_and_lose(t);
  do_fsync(t, 0);
}

#define LOSE_TEXT                                                              \
  "scenario \"t\"\nkernel 2.6.23\ncpus 1\n"                                    \
  "file data size=8K cached=all buffers\nmm p1\n"                              \
  "map p1 data at 0x10000 pages=2 shared r\n"                                  \
  "cpu0: write data page=0 from p1 0x11000 # the body replaces it\n"           \
  "expect clean\n"

Test(bufwrite, a_written_page_left_clean_is_a_lost_write) {
  setup(LOSE_TEXT, NULL);
  expect_body_violation(write_and_lose, "lost-write",
                        "after the final sync, data block 0 holds v983040, "
                        "but page#0 holds v16777217, stored last (page "
                        "clean)");
}

Test(bufwrite, a_written_page_left_clean_is_an_fsync_lost) {
  setup(LOSE_TEXT, NULL);
  expect_body_violation(write_lose_and_fsync, "fsync-lost",
                        "cpu0: fsync(data) returns with block 0 at write 0, "
                        "but write 1 was stored before the call");
}

/* 2.6.24 on a file without buffers: simple_write_end zeroes the page
   after the short copy, commits (set_page_dirty) and unlocks; the retry
   writes the content. */
Test(bufwrite, short_copy_without_buffers_zeroes_then_retries_2_6_24) {
  setup("scenario \"t\"\nkernel 2.6.24\ncpus 2\n"
        "file data size=4K cached=all\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared r\n"
        "cpu0: write data page=0 from p1 0x10000\n"
        "cpu1: p1 madvise 0x10000 dontneed\nexpect clean\n",
        NULL);
  sim_result r = exec_observed(SELF_SCHED);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  const char *copy = "generic_perform_write: pagefault_disable; "
                     "iov_iter_copy_from_user_atomic";
  int c1 = find_ev(copy, 0), c2 = find_ev(copy, c1 + 1);
  cr_assert(c1 >= 0 && c2 > c1, "two copies: short, then whole");
  cr_assert_str_eq(obs.ev[c1 + 1], "simple_write_end: memset (short copy)");
  cr_assert_geq(find_ev("__set_page_dirty_nobuffers: TestSetPageDirty", c1), 0);
  cr_assert_eq(obs.faults_locked, 0);
  int p = model.s.as[0].tree[0];
  cr_assert_eq(model.s.page[p].data >> 24, 1u, "the retry wrote it");
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data);
  sim_result_free(&r);
}

/* ------------------------------------------------- a bad user buffer */

/* The source is unmapped: 2.6.20 ignores the fault-in's failure, locks
   the page, both copies fail, and generic_commit_write still dirties it;
   2.6.24's fault-in returns -EFAULT before any page is locked. */
static void munmap_then_write(sim_thread *t) {
  mm_model *m = mm_of(t);
  sys_munmap(t, 0, 0x10000, 2 * PAGE_SIZE);
  seen.ret = generic_file_aio_write(t, 0, 0, 0, 0x11000);
  seen.flags = m->s.page[m->s.as[0].tree[0]].flags;
}

Test(bufwrite, a_write_from_an_unmapped_buffer_is_efault) {
  static const struct {
    const char *kernel;
    uint8_t dirty;
    int copies;
  } cases[] = {{"2.6.20", PG_dirty, 2}, {"2.6.24", 0, 0}};
  char text[512];
  for (int i = 0; i < 2; i++) {
    snprintf(text, sizeof text, WRITE_FILE("%s", "all", "buffers"),
             cases[i].kernel);
    memset(&seen, 0, sizeof seen);
    setup(text, NULL);
    custom = 1;
    bodies[0] = munmap_then_write;
    sim_result r = exec_observed(NULL);
    cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", cases[i].kernel, r.msg);
    cr_assert_eq(seen.ret, -EFAULT, "%s", cases[i].kernel);
    cr_assert_eq(seen.flags & PG_dirty, cases[i].dirty, "%s", cases[i].kernel);
    int copies = 0;
    for (int k = 0; k < obs.n; k++)
      copies += !strncmp(obs.ev[k], "filemap_copy_from_user: ", 24);
    cr_assert_eq(copies, cases[i].copies, "%s", cases[i].kernel);
    sim_result_free(&r);
  }
}
