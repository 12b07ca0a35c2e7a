/*
** test_writeback.c - unit behaviour of the dirty-page half of the model
** (issue 8): page_mkclean, clear_page_dirty_for_io in its 2.6.19 and 2.6.20
** orders, block_write_full_page writing only dirty buffers, PG_writeback
** visible until the block device completes the write, try_to_free_buffers'
** forms; and the writeback oracles (lost-write, fsync-lost,
** writenotify-dirty), each firing on a hand-made bad state and quiet on a
** good one.  Test bodies record what they see mid-run in 'seen': with
** writeback tracking the exit thread runs a final sync afterwards, so the
** final state is not the state the body left.
*/
#include <criterion/criterion.h>
#include <fcntl.h> /* before the model: its object classes must not clash */
#include <stdio.h>
#include <string.h>

#include "model_harness.h"

/* What a body saw, for the test to assert after the run. */
static struct {
  int ret, ret2;
  uint8_t flags, bh;
  int bh_locked; /* someone holds BH_Lock (bh_lock_oid) */
  struct pte pte[2];
  int saw_writeback, polls;
  uint32_t disk;
} seen;

/* One file page, cached, in a 'buffers' file, mapped shared rw by p1 (and
   p2 at another address). */
#define BUF_PAGE(kernel, extra)                                                \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=4K cached=all buffers\nmm p1\nmm p2\n"                       \
  "map p1 data at 0x10000 pages=1 shared rw\n"                                 \
  "map p2 data at 0x20000 pages=1 shared rw\n" extra

static int page0(void) {
  return model.s.as[0].tree[0];
}

static sim_result run_timed(void) {
  memset(&seen, 0, sizeof seen);
  custom = 1;
  return exec(SIM_POLICY_TIMED, 1, NULL);
}

/* cpu0 runs 'program' (scenario lines) on 'kernel', then 'body' runs as
   cpu1 (bodies start after their delays: at most as late as cpu0). */
static sim_result body_after(const char *kernel, const char *program,
                             body_fn body) {
  char text[1024];
  snprintf(text, sizeof text, BUF_PAGE("%s", "%scpu1: delay 1\nexpect clean\n"),
           kernel, program);
  setup(text, NULL);
  bodies[1] = body;
  return run_timed();
}

/* ------------------------------------------------------- page_mkclean */

static void mkclean_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  sim_delay(t, 1000000); /* after cpu0's stores */
  lock_page(t, m, p);
  seen.ret = page_mkclean(t, p);
  seen.pte[0] = m->s.mm[0].pte[0];
  seen.pte[1] = m->s.mm[1].pte[0];
  seen.flags = m->s.page[p].flags;
  seen.ret2 = page_mkclean(t, p); /* nothing left to clean */
  unlock_page(t, m, p);
}

Test(writeback, page_mkclean_cleans_and_write_protects_every_pte) {
  sim_result r =
      body_after("2.6.20", "cpu0: p1 store 0x10000\ncpu0: p2 store 0x20000\n",
                 mkclean_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, 2, "two dirty writable ptes");
  for (int i = 0; i < 2; i++) {
    cr_assert_eq(seen.pte[i].present, 1);
    cr_assert_eq(seen.pte[i].write, 0, "pte %d write-protected", i);
    cr_assert_eq(seen.pte[i].dirty, 0, "pte %d cleaned", i);
  }
  cr_assert(seen.flags & PG_dirty, "page_mkclean leaves PG_dirty alone");
  cr_assert_eq(seen.ret2, 0);
  sim_result_free(&r);
}

/* ------------------------------------------- clear_page_dirty_for_io */

/* cpu0 stores (buffer dirty), the journal writes the buffer (clean, page
   still dirty), then this body runs clear_page_dirty_for_io. */
static void cpdfi_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  sim_delay(t, 1000000);
  lock_page(t, m, p);
  seen.ret = clear_page_dirty_for_io(t, p, 0);
  seen.flags = m->s.page[p].flags;
  seen.bh = m->s.page[p].bh;
  seen.pte[0] = m->s.mm[0].pte[0];
  unlock_page(t, m, p);
}

/* cpu0 stores and the journal writes the buffer (clean buffer, dirty
   page), then 'body' runs as cpu1, on 'kernel'. */
static sim_result after_journal_flush(const char *kernel, body_fn body) {
  return body_after(kernel, "cpu0: p1 store 0x10000\ncpu0: fs_flush data\n",
                    body);
}

static void cpdfi_case(const char *kernel, int want_bh_dirty) {
  sim_result r = after_journal_flush(kernel, cpdfi_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, 1, "%s: the page was dirty", kernel);
  cr_assert_eq(seen.flags & PG_dirty, 0, "%s: PG_dirty cleared", kernel);
  cr_assert_eq(seen.pte[0].dirty | seen.pte[0].write, 0, "%s: the pte cleaned",
               kernel);
  cr_assert_eq(!!(seen.bh & BH_Dirty), want_bh_dirty,
               "%s: buffer dirty %d, want %d", kernel, !!(seen.bh & BH_Dirty),
               want_bh_dirty);
  sim_result_free(&r);
}

/* 2.6.19: TestClearPageDirty, then page_mkclean drops the pte's dirty bit:
   the buffer the journal cleaned stays clean. */
Test(writeback, clear_page_dirty_for_io_2_6_19_drops_the_pte_dirty_bit) {
  cpdfi_case("2.6.19", 0);
}

/* 2.6.20: page_mkclean first; it found a dirty pte, so set_page_dirty
   marks the buffer dirty again before TestClearPageDirty. */
Test(writeback, clear_page_dirty_for_io_2_6_20_moves_it_to_the_buffers) {
  cpdfi_case("2.6.20", 1);
}

/* ------------------------------------------------ block_write_full_page */

static void bwfp_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  sim_delay(t, 1000000);
  lock_page(t, m, p);
  seen.ret = clear_page_dirty_for_io(t, p, 0);
  seen.disk = m->s.as[0].disk[0];
  block_write_full_page(t, p); /* unlocks the page */
  seen.bh = m->s.page[p].bh;
  seen.bh_locked = sim_lock_holder(sim_thread_exec(t), bh_lock_oid(m, p)) >= 0;
  seen.flags = m->s.page[p].flags;
  seen.ret2 = m->s.nbio;
}

/* The page is dirty but its buffer clean (the journal wrote it): nothing
   is submitted, and the writeback ends at once. */
Test(writeback, block_write_full_page_writes_only_dirty_buffers) {
  sim_result r = after_journal_flush("2.6.19", bwfp_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, 1);
  cr_assert_eq(seen.ret2, 0, "no request queued");
  cr_assert_eq(model.s.as[0].disk[0], seen.disk, "nothing written since");
  cr_assert_eq(seen.flags & PG_writeback, 0, "end_page_writeback at once");
  cr_assert_eq(seen.bh & BH_Dirty, 0);
  cr_assert_not(seen.bh_locked, "the clean buffer was unlocked");
  sim_result_free(&r);
}

/* With the buffer dirty, the write is submitted: the block device writes
   the store, unlocks the buffer and ends the writeback. */
Test(writeback, block_write_full_page_submits_a_dirty_buffer) {
  sim_result r = body_after("2.6.20", "cpu0: p1 store 0x10000\n", bwfp_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, 1);
  int p = page0();
  cr_assert_neq(seen.disk, model.s.page[p].data, "not on disk before");
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data,
               "the store reached the disk");
  cr_assert_eq(model.s.page[p].flags & PG_writeback, 0, "and it ended");
  cr_assert_eq(model.s.page[p].bh & BH_Async_Write, 0);
  cr_assert(seen.bh_locked, "locked while its write was in flight");
  sim_result_free(&r);
}

/* ------------------------------------------ PG_writeback until the end */

/* Polls PG_writeback while the background flusher (cpu0) writes the page:
   the flag is set from set_page_writeback until the block device's
   end_io, a disk write later (COST_IO_WRITE), not in one step. */
static void poll_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  for (int i = 0; i < 40; i++) {
    sim_delay(t, 10000);
    SIM_STEP(t, "PageWriteback?", COST_ATOMIC,
             SIM_RD(page_writeback_oid(m, p)));
    seen.polls++;
    seen.saw_writeback += !!(m->s.page[p].flags & PG_writeback);
  }
}

Test(writeback, pg_writeback_stays_visible_until_the_device_completes) {
  sim_result r = body_after(
      "2.6.20", "cpu0: p1 store 0x10000\ncpu0: writeback data\n", poll_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.polls, 40);
  /* 150 us of I/O seen every 10 us: 14 or 15 polls, not 0 or 40 */
  cr_assert(seen.saw_writeback >= 13 && seen.saw_writeback <= 15,
            "saw PG_writeback in %d polls", seen.saw_writeback);
  int p = page0();
  cr_assert_eq(model.s.page[p].flags & PG_writeback, 0);
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data);
  sim_result_free(&r);
}

/* ------------------------------------------------- try_to_free_buffers */

static void release_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  sim_delay(t, 1000000);
  lock_page(t, m, p);
  seen.ret = try_to_free_buffers(t, p);
  seen.flags = m->s.page[p].flags;
  seen.pte[0] = m->s.mm[0].pte[0];
  unlock_page(t, m, p);
}

/* Clean buffers on a dirty page: dropped, and the page cleaned; 2.6.19
   also cleans the pte (clear_page_dirty walks it), 2.6.20 does not
   (cancel_dirty_page). */
static void free_buffers_case(const char *kernel, int pte_dirty_after) {
  sim_result r = after_journal_flush(kernel, release_body);
  cr_assert_eq(seen.ret, 1, "%s: buffers dropped", kernel);
  cr_assert_eq(seen.flags & (PG_private | PG_dirty), 0, "%s", kernel);
  cr_assert_eq(seen.pte[0].dirty, pte_dirty_after, "%s", kernel);
  sim_result_free(&r);
}

Test(writeback, try_to_free_buffers_2_6_19_cleans_the_ptes) {
  free_buffers_case("2.6.19", 0);
}

Test(writeback, try_to_free_buffers_2_6_20_leaves_the_ptes) {
  free_buffers_case("2.6.20", 1);
}

/* A dirty buffer is busy: kept, page untouched. */
Test(writeback, try_to_free_buffers_keeps_dirty_buffers) {
  sim_result r = body_after("2.6.20", "cpu0: p1 store 0x10000\n", release_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, 0);
  cr_assert_eq(seen.flags & (PG_private | PG_dirty), PG_private | PG_dirty);
  sim_result_free(&r);
}

/* ------------------------------------------------------------- oracles */

/* A store whose dirty bit is lost: the page changes, nothing dirties it,
   and the final sync has nothing to write. */
static void forge_lost_store(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  SIM_STEP(t, "forged store: no pte, no dirty bit", COST_ATOMIC,
           SIM_WR(page_data_oid(m, p)));
  m->s.page[p].data = 0x4242;
  m->s.page[p].gen++;
}

Test(oracles, lost_write_fires_on_a_store_the_sync_never_saw) {
  setup(BUF_PAGE("2.6.20", "cpu0: delay 1\nexpect clean\n"), NULL);
  expect_body_violation(forge_lost_store, "lost-write",
                        "after the final sync, data block 0 holds v983040, "
                        "but page#0 holds v16962, stored last (page clean)");
}

Test(oracles, lost_write_is_quiet_when_the_sync_writes_the_store) {
  setup(BUF_PAGE("2.6.20", "cpu0: p1 store 0x10000\nexpect clean\n"), NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[page0()].data);
  sim_result_free(&r);
}

static void forge_then_fsync(sim_thread *t) {
  forge_lost_store(t);
  do_fsync(t, 0);
}

Test(oracles, fsync_lost_fires_when_fsync_misses_an_earlier_store) {
  setup(BUF_PAGE("2.6.20", "cpu0: delay 1\nexpect clean\n"), NULL);
  expect_body_violation(forge_then_fsync, "fsync-lost",
                        "cpu0: fsync(data) returns with block 0 at write 0, "
                        "but write 1 was stored before the call");
}

Test(oracles, fsync_lost_is_quiet_after_a_real_store) {
  setup(BUF_PAGE("2.6.20", "cpu0: p1 store 0x10000\ncpu0: fsync data\n"
                           "expect clean\n"),
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
}

/* A pte made writable behind the kernel's back, on a clean page. */
static void forge_writable_pte(sim_thread *t) {
  mm_model *m = mm_of(t);
  user_access(t, 0, 0x10000, 0); /* read fault: read-only, clean pte */
  SIM_STEP(t, "forged pte_mkwrite", COST_PTE, SIM_WR(pte_oid(m, 0, 0)));
  m->s.mm[0].pte[0].write = 1;
}

Test(oracles, writenotify_dirty_fires_on_a_writable_pte_of_a_clean_page) {
  setup(BUF_PAGE("2.6.20", "cpu0: delay 1\nexpect clean\n"), NULL);
  expect_body_violation(forge_writable_pte, "writenotify-dirty",
                        "pte(p1,0x10000) is writable in a writenotify vma, "
                        "but page#0 is clean and unlocked: a store through "
                        "it leaves the page clean");
}

Test(oracles, writenotify_dirty_is_quiet_through_write_faults) {
  setup(BUF_PAGE("2.6.20", "cpu0: p1 load 0x10000\ncpu0: p1 store 0x10000\n"
                           "cpu0: p2 store 0x20000\nexpect clean\n"),
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
}

/* A filesystem whose writepage needs buffers: the journal cleans the
   buffer, try_to_free_buffers drops it and cleans the page and its pte
   (2.6.19), and the next store's write fault dirties the page again, with
   no buffers. */
Test(oracles, dirty_without_buffers_fires_when_a_zap_redirties_the_page) {
  setup("scenario \"t\"\nkernel 2.6.19\ncpus 1\n"
        "file data size=4K cached=all buffers_required\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared rw\n"
        "cpu0: p1 store 0x10000\ncpu0: fs_flush data\n"
        "cpu0: release data page=0\ncpu0: p1 store 0x10000\n"
        "expect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, "dirty-without-buffers");
  cr_assert_str_eq(r.msg, "page#0 (data index 0) is dirty without buffers, "
                          "and the filesystem's writepage needs them");
  sim_result_free(&r);
}

/* Without 'buffers_required' (ext3: writepage creates the buffers) the
   same run is clean, and the final sync writes the store. */
Test(oracles, dirty_without_buffers_is_quiet_for_ext3) {
  setup("scenario \"t\"\nkernel 2.6.19\ncpus 1\n"
        "file data size=4K cached=all buffers\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared rw\n"
        "cpu0: p1 store 0x10000\ncpu0: fs_flush data\n"
        "cpu0: release data page=0\ncpu0: p1 store 0x10000\n"
        "expect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int p = page0();
  cr_assert(model.s.page[p].flags & PG_private, "writepage made buffers");
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data);
  sim_result_free(&r);
}

/* A clean page whose buffers are gone, written anyway. */
static void writepage_no_buffers(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  lock_page(t, m, p);
  SIM_STEP(t, "forged: drop the buffers", COST_ATOMIC,
           SIM_WR(page_bh_oid(m, p)));
  m->s.page[p].flags &= (uint8_t)~PG_private;
  m->s.page[p].bh = 0;
  block_write_full_page(t, p);
}

Test(oracles, writepage_without_buffers_is_the_bug_of_such_a_writepage) {
  setup("scenario \"t\"\nkernel 2.6.20\ncpus 1\n"
        "file data size=4K cached=all buffers_required\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared rw\n"
        "cpu0: delay 1\nexpect clean\n",
        NULL);
  expect_body_violation(writepage_no_buffers, "writepage-without-buffers",
                        "writepage of page#0 (data index 0): no buffers");
}

/* The same filesystem with its buffers in place: a store and an fsync
   go through the same writepage, which writes the buffer (no BUG), and
   the store reaches the disk. */
Test(oracles, writepage_without_buffers_is_quiet_with_buffers) {
  setup("scenario \"t\"\nkernel 2.6.20\ncpus 1\n"
        "file data size=4K cached=all buffers_required\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared rw\n"
        "cpu0: p1 store 0x10000\ncpu0: fsync data\nexpect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int p = page0();
  cr_assert(model.s.page[p].flags & PG_private, "the buffers stayed");
  cr_assert_eq(model.s.as[0].disk[0], model.s.page[p].data);
  sim_result_free(&r);
}
