/*
** test_gup.c - unit behaviour of the GUP half of issue 9 (models/gup.c,
** ext4-inode.c, block_page_mkwrite in buffer.c): the pin bias and
** page_maybe_dma_pinned, a write get_user_pages faulting the page in
** through block_page_mkwrite, the releases, ext4_writepage with and
** without buffers before and after cc509574, DMA data reaching the disk
** or not, and the pinned-lost-buffers and pinned-page-cleaned checks on
** good and bad runs.  The versions are given by their knobs (set lines),
** so each test names the behaviour it pins down; one test runs the
** ext4 stories on the presets 4.19, 5.7, 5.18 and 6.4 themselves.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model_harness.h"

/* What a body saw, for the test to assert after the run. */
static struct {
  int page, count, count2, pinned, pinned2;
  uint8_t flags, bh;
  struct pte pte;
} seen;

static int page0(void) {
  return model.s.as[0].tree[0];
}

/* One page of an ext4-like file, cached (with its buffers) or not,
   mapped shared rw by p1 at 0x10000 (no pte yet); 'knobs' are set lines. */
#define EXT4_PAGE(knobs, cached, program)                                      \
  "scenario \"t\"\nkernel 2.6.24\n" knobs "cpus 2\n"                           \
  "file data size=4K cached=" cached " ext4\nmm p1\n"                          \
  "map p1 data at 0x10000 pages=1 shared rw\n" program

#define PIN_5_7 "set gup.foll_pin = on\nset gup.pin_counting = on\n"
#define PIN_5_6 "set gup.foll_pin = on\n"

static sim_result run_body(const char *text, body_fn body) {
  setup(text, NULL);
  memset(&seen, 0, sizeof seen);
  custom = 1;
  bodies[0] = body;
  return exec(SIM_POLICY_TIMED, 1, NULL);
}

static sim_result run_program(const char *text) {
  setup(text, NULL);
  return exec(SIM_POLICY_TIMED, 1, NULL);
}

/* ---------------------------------------------------- pins and references */

static void pin_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = pin_user_pages(t, 0, 0x10000, FOLL_WRITE);
  seen.page = p;
  seen.count = m->s.page[p].count;
  seen.pinned = page_maybe_dma_pinned(m, p);
  unpin_user_pages_dirty_lock(t, p, 1);
  seen.count2 = m->s.page[p].count;
  seen.pinned2 = page_maybe_dma_pinned(m, p);
}

/* 5.7: cache + pte + GUP_PIN_COUNTING_BIAS, and back. */
Test(gup, pin_adds_the_bias_from_5_7) {
  sim_result r = run_body(
      EXT4_PAGE(PIN_5_7, "all", "cpu0: delay 1\nexpect clean\n"), pin_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.count, 2 + GUP_PIN_COUNTING_BIAS);
  cr_assert(seen.pinned, "page_maybe_dma_pinned after the pin");
  cr_assert_eq(seen.count2, 2);
  cr_assert(!seen.pinned2, "not pinned after unpin_user_page");
  sim_result_free(&r);
}

/* 5.6: FOLL_PIN is a get under another name: +1, invisible. */
Test(gup, pin_is_one_reference_before_5_7) {
  sim_result r = run_body(
      EXT4_PAGE(PIN_5_6, "all", "cpu0: delay 1\nexpect clean\n"), pin_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.count, 3);
  cr_assert(!seen.pinned);
  sim_result_free(&r);
}

static void get_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = get_user_pages(t, 0, 0x10000, FOLL_WRITE);
  seen.count = m->s.page[p].count;
  seen.pinned = page_maybe_dma_pinned(m, p);
  put_gup_page_dirty_lock(t, p, 1);
  seen.count2 = m->s.page[p].count;
}

/* A FOLL_GET reference is invisible to page_maybe_dma_pinned, even on
   5.7 (the R3 note: only FOLL_PIN users are protected by 6.4). */
Test(gup, foll_get_is_invisible_to_page_maybe_dma_pinned) {
  sim_result r = run_body(
      EXT4_PAGE(PIN_5_7, "all", "cpu0: delay 1\nexpect clean\n"), get_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.count, 3);
  cr_assert(!seen.pinned);
  cr_assert_eq(seen.count2, 2);
  sim_result_free(&r);
}

/* page_maybe_dma_pinned is "count >= 1024": false is exact, true may be
   a false positive. */
Test(gup, page_maybe_dma_pinned_is_a_count_threshold) {
  static mm_model m;
  m.s.page[0].count = GUP_PIN_COUNTING_BIAS - 1;
  cr_assert(!page_maybe_dma_pinned(&m, 0));
  m.s.page[0].count = GUP_PIN_COUNTING_BIAS;
  cr_assert(page_maybe_dma_pinned(&m, 0));
}

/* ----------------------------------------- write fault-in, page_mkwrite */

static void gup_after_drop_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  lock_page(t, m, p); /* the clean page's buffers go (as reclaim's) */
  try_to_free_buffers(t, p);
  unlock_page(t, m, p);
  cr_assert_eq(m->s.page[p].flags & PG_private, 0);
  seen.page = get_user_pages(t, 0, 0x10000, FOLL_WRITE);
  seen.flags = m->s.page[p].flags;
  seen.bh = m->s.page[p].bh;
  seen.pte = m->s.mm[0].pte[0];
  put_gup_page_dirty_lock(t, seen.page, 0);
}

/* get_user_pages(FOLL_WRITE) finds no pte, faults it in for writing:
   block_page_mkwrite attaches buffers and dirties them and the page,
   the pte is writable and dirty, and the lookup then succeeds. */
Test(gup, write_fault_in_attaches_buffers_through_page_mkwrite) {
  sim_result r = run_body(EXT4_PAGE("", "all", "cpu0: delay 1\nexpect clean\n"),
                          gup_after_drop_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.page, page0());
  cr_assert_eq(seen.flags & (PG_private | PG_dirty), PG_private | PG_dirty);
  cr_assert_eq(seen.bh & (BH_Dirty | BH_Mapped), BH_Dirty | BH_Mapped);
  cr_assert(seen.pte.present && seen.pte.write && seen.pte.dirty);
  sim_result_free(&r);
}

/* Not cached at all: the fault reads the page (with buffers), and the
   pin holds it until the release. */
Test(gup, write_pin_of_an_uncached_page) {
  sim_result r = run_program(EXT4_PAGE(PIN_5_7, "0",
                                       "cpu0: p1 pin 0x10000 write\n"
                                       "cpu0: p1 dma_write 0x10000\n"
                                       "cpu0: p1 unpin 0x10000 dirty\n"
                                       "expect clean\n"));
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int p = page0();
  cr_assert_eq(model.s.page[p].count, 1, "the cache's reference only");
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data,
               "the DMA data reached the disk at the final sync");
  cr_assert_eq(model.s.page[p].data >> 24, 1, "written by cpu0's device");
  sim_result_free(&r);
}

/* ------------------------------------------------ the R3 story, by knob */

/* The driver pins, writeback cleans the page, its buffers go (a caller
   of try_to_release_page standing in for reclaim), the device writes,
   the driver dirties and releases the page, writeback runs again. */
#define R3_STORY(knobs, release)                                               \
  EXT4_PAGE(knobs, "0",                                                        \
            "cpu0: p1 pin 0x10000 write\ncpu0: delay 1000000\n"                \
            "cpu0: p1 dma_write 0x10000\ncpu0: p1 unpin 0x10000 dirty\n"       \
            "cpu0: writeback data\ncpu1: delay 100000\n"                       \
            "cpu1: writeback data\ncpu1: delay 400000\n" release               \
            "expect clean\n")
#define RELEASE "cpu1: release data page=0\n"

/* Before 5.18: ext4_writepage's page_buffers() BUGs. */
Test(gup, ext4_writepage_bugs_without_buffers_before_5_18) {
  sim_result r = run_program(R3_STORY(PIN_5_7, RELEASE));
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "writepage-without-buffers");
  cr_assert_str_eq(r.msg,
                   "ext4_writepage of page#0 (data index 0): no buffers");
  sim_result_free(&r);
}

/* 5.18 (cc509574): a warning, PG_dirty cleared, the page skipped: the
   DMA data never reaches the disk. */
Test(gup, ext4_writepage_drops_the_data_from_5_18) {
  sim_result r =
      run_program(R3_STORY(PIN_5_7 "set ext4.warn_no_buffers = on\n", RELEASE));
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "lost-write");
  int p = page0();
  cr_assert_eq(model.s.page[p].flags & (PG_dirty | PG_private), 0);
  cr_assert_neq(model.s.as[0].disk[0], model.s.page[p].data);
  sim_result_free(&r);
}

/* With its buffers kept, set_page_dirty_lock dirties them, and ext4
   writes the DMA data (the 6.4 outcome), in both releases, before and
   after cc509574 (5.18's writepage takes the same path with buffers). */
Test(gup, ext4_writepage_writes_the_dma_data_with_buffers) {
  const char *knobs[] = {"", PIN_5_7, "set gup.put_user_pages = on\n",
                         PIN_5_7 "set ext4.warn_no_buffers = on\n"};
  for (int i = 0; i < 4; i++) {
    char text[1024];
    snprintf(text, sizeof text, R3_STORY("%s", ""), knobs[i]);
    sim_result r = run_program(text);
    cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", knobs[i], r.msg);
    int p = page0();
    cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data, "%s", knobs[i]);
    cr_assert_eq(model.s.page[p].count, 1, "%s", knobs[i]);
    sim_result_free(&r);
  }
}

/* The same two stories on the presets themselves: ext4_writepage without
   buffers BUGs on 4.19 and 5.7 and drops the data on 5.18 and 6.4 (the
   buffers go through 'release' here, which 6.4's reclaim check does not
   guard); with its buffers every preset writes the DMA data. */
static sim_result run_on(const char *kernel, const char *text) {
  static char buf[1024];
  const char *k = strstr(text, "kernel 2.6.24\n");
  cr_assert_not_null(k);
  snprintf(buf, sizeof buf, "%.*skernel %s\n%s", (int)(k - text), text, kernel,
           k + strlen("kernel 2.6.24\n"));
  return run_program(buf);
}

Test(gup, ext4_writepage_with_and_without_buffers_per_preset) {
  static const struct {
    const char *kernel, *without;
  } want[] = {{"4.19", "writepage-without-buffers"},
              {"5.7", "writepage-without-buffers"},
              {"5.18", "lost-write"},
              {"6.4", "lost-write"}};
  for (int i = 0; i < 4; i++) {
    sim_result r = run_on(want[i].kernel, R3_STORY("", RELEASE));
    cr_assert_eq(r.outcome, SIM_VIOLATION, "%s: %s", want[i].kernel, r.msg);
    cr_assert_str_eq(r.kind, want[i].without, "%s", want[i].kernel);
    sim_result_free(&r);
    r = run_on(want[i].kernel, R3_STORY("", ""));
    cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", want[i].kernel, r.msg);
    int p = page0();
    cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data, "%s",
                 want[i].kernel);
    cr_assert(model.s.page[p].flags & PG_private, "%s", want[i].kernel);
    sim_result_free(&r);
  }
}

/* ------------------------------------------------------------- oracles */

/* pinned-lost-buffers: the buffers dropped under a write pin. */
Test(oracles, pinned_lost_buffers_fires_when_buffers_go_under_a_pin) {
  sim_result r = run_program(
      R3_STORY(PIN_5_7 "set debug.pinned_lost_buffers = on\n", RELEASE));
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "pinned-lost-buffers");
  cr_assert_str_eq(r.msg, "page#0 (data index 0) has no buffers while cpu0 "
                          "holds a write GUP reference on it");
  sim_result_free(&r);
}

Test(oracles, pinned_lost_buffers_is_quiet_when_the_buffers_stay) {
  sim_result r =
      run_program(R3_STORY(PIN_5_7 "set debug.pinned_lost_buffers = on\n", ""));
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
}

/* pinned-page-cleaned: writeback cleans the page under the pin. */
Test(oracles, pinned_page_cleaned_fires_when_writeback_cleans_a_pinned_page) {
  sim_result r =
      run_program(R3_STORY(PIN_5_7 "set debug.pinned_cleaned = on\n", ""));
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "pinned-page-cleaned");
  sim_result_free(&r);
}

Test(oracles, pinned_page_cleaned_is_quiet_when_writeback_waits_for_unpin) {
  sim_result r =
      run_program(EXT4_PAGE(PIN_5_7 "set debug.pinned_cleaned = on\n", "0",
                            "cpu0: p1 pin 0x10000 write\n"
                            "cpu0: p1 dma_write 0x10000\n"
                            "cpu0: p1 unpin 0x10000 dirty\n"
                            "cpu1: delay 1000000\n"
                            "cpu1: writeback data\n"
                            "expect clean\n"));
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[page0()].data);
  sim_result_free(&r);
}

/* refcount: an unpin by a thread that holds no pin; a pin kept to the
   end. */
static void unpin_unpinned(sim_thread *t) {
  unpin_user_pages_dirty_lock(t, page0(), 0);
}

Test(oracles, unpin_without_a_pin_is_a_refcount_mismatch) {
  setup(EXT4_PAGE(PIN_5_7, "all", "cpu0: delay 1\nexpect clean\n"), NULL);
  expect_body_violation(unpin_unpinned, "refcount-mismatch",
                        "cpu0: unpin_user_page(page#0) drops a pin it never "
                        "took");
}

static void pin_kept(sim_thread *t) {
  pin_user_pages(t, 0, 0x10000, 0);
}

Test(oracles, a_pin_kept_to_the_end_is_a_leak) {
  setup(EXT4_PAGE(PIN_5_7, "all", "cpu0: delay 1\nexpect clean\n"), NULL);
  expect_body_violation(pin_kept, "refcount-mismatch",
                        "cpu0 ends holding 1 pin(s) on page#0");
}

/* ------------------------------------------------------------ GUP-fast */

static void fast_under_mmap_sem(sim_thread *t) {
  mm_model *m = mm_of(t);
  user_access(t, 0, 0x10000, 1); /* a writable dirty pte */
  /* GUP-fast takes no mmap_sem: with it held for writing, the fast path
     must still succeed (the slow path would wait for ourselves) */
  mm_lock(t, mmap_sem(m, 0), "down_write(mmap_sem)");
  int p = get_user_pages_fast(t, 0, 0x10000, FOLL_WRITE | FOLL_PIN);
  seen.page = p;
  seen.count = m->s.page[p].count;
  mm_unlock(t, mmap_sem(m, 0), "up_write(mmap_sem)");
  unpin_user_pages_dirty_lock(t, p, 1);
}

Test(gup, gup_fast_pins_a_writable_pte_without_mmap_sem) {
  sim_result r =
      run_body(EXT4_PAGE(PIN_5_7, "all", "cpu0: delay 1\nexpect clean\n"),
               fast_under_mmap_sem);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.page, page0());
  cr_assert_eq(seen.count, 2 + GUP_PIN_COUNTING_BIAS);
  sim_result_free(&r);
}

/* The pte read, the speculative reference, then munmap zaps the pte
   before the recheck: the reference is dropped and the slow path finds
   no vma (-EFAULT); nothing leaks. */
Test(gup, gup_fast_drops_its_reference_when_the_pte_changes) {
  setup("scenario \"t\"\nkernel 2.6.24\ncpus 2\n"
        "file data size=4K cached=all ext4\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared rw mapped\n"
        "cpu0: p1 gup 0x10000 fast\ncpu0: p1 unpin 0x10000\n"
        "cpu1: p1 munmap 0x10000\nexpect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_REPLAY, 0, "0*2.1*6");
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.gup_fast_fallbacks, 1, "the recheck saw the zap");
  cr_assert_eq(model.s.page[page0()].count, 1, "the cache's reference only");
  sim_result_free(&r);
}

/* --------------------------------------------- fault.mkwrite_locked */

static void mkwrite_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  seen.count = block_page_mkwrite(t, p, 0);
  seen.pinned = PageLocked(t, m, p); /* locked on return? */
  seen.flags = m->s.page[p].flags;
  if (seen.pinned)
    unlock_page(t, m, p);
}

/* 2.6.30 (b827e496) and later: block_page_mkwrite returns the page
   locked (VM_FAULT_LOCKED), dirty and with dirty buffers, so that
   writeback cannot clean it before the fault's set_page_dirty. */
Test(gup, block_page_mkwrite_returns_the_page_locked_from_2_6_30) {
  sim_result r = run_body(EXT4_PAGE("set fault.mkwrite_locked = on\n", "all",
                                    "cpu0: delay 1\nexpect clean\n"),
                          mkwrite_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.count, 0);
  cr_assert(seen.pinned, "locked on return");
  cr_assert_eq(seen.flags & (PG_dirty | PG_private), PG_dirty | PG_private);
  sim_result_free(&r);
}

Test(gup, block_page_mkwrite_unlocks_the_page_before_2_6_30) {
  sim_result r = run_body(EXT4_PAGE("", "all", "cpu0: delay 1\nexpect clean\n"),
                          mkwrite_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert(!seen.pinned, "unlocked on return");
  cr_assert_eq(seen.flags & PG_dirty, PG_dirty);
  sim_result_free(&r);
}
