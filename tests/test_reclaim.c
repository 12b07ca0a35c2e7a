/*
** test_reclaim.c - unit behaviour of page reclaim (issue 9, the reclaim
** half: models/vmscan.c and try_to_unmap in models/rmap.c): try_to_unmap
** clears every pte of the page and moves a dirty pte's dirty bit to the
** page; remove_mapping (2.6.20's count test) and __remove_mapping's
** refcount freeze (4.19+) fail with an extra reference, keep a dirty page,
** and leave it cached; pageout writes a dirty page (WB_SYNC_NONE) and 4.19's
** direct reclaim does not; page_maybe_dma_pinned and 6.4's skip of a
** pinned page, which keeps its buffers where 4.19 drops them.  Bodies
** record what they see in 'seen': the exit thread's final sync runs after
** them.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model_harness.h"

static struct {
  int ret, ret2;
  uint8_t flags, bh;
  int16_t count, count2, mapcount;
  int cached; /* the page is still at index 0 of the file */
  struct pte pte[2];
  uint8_t nbio;
  uint32_t bio_data, data, disk;
} seen;

/* One cached page of 'data' ('traits': buffers or not), mapped shared rw
   by p1 and p2; cpu0 runs 'program', then 'body' as cpu1 (whose program,
   a reclaim, is not run: it turns on writeback tracking, as a scenario
   with a reclaim has it). */
static sim_result run_after(const char *kernel, const char *traits,
                            const char *program, body_fn body) {
  char text[1024];
  snprintf(text, sizeof text,
           "scenario \"t\"\nkernel %s\ncpus 2\n"
           "file data size=4K cached=all %s\nmm p1\nmm p2\n"
           "map p1 data at 0x10000 pages=1 shared rw\n"
           "map p2 data at 0x20000 pages=1 shared rw\n"
           "cpu0: delay 1\n%scpu1: reclaim data page=0\nexpect clean\n",
           kernel, traits, program);
  setup(text, NULL);
  bodies[1] = body;
  memset(&seen, 0, sizeof seen);
  custom = 1;
  return exec(SIM_POLICY_TIMED, 1, NULL);
}

static int page0(void) {
  return model.s.as[0].tree[0];
}

/* Records the page's state (and whether it is still cached). */
static void see(const mm_model *m, int p) {
  seen.flags = m->s.page[p].flags;
  seen.bh = m->s.page[p].bh;
  seen.count = m->s.page[p].count;
  seen.mapcount = m->s.page[p].mapcount;
  seen.cached = m->s.as[0].tree[0] == p;
  seen.pte[0] = m->s.mm[0].pte[0];
  seen.pte[1] = m->s.mm[1].pte[0];
  seen.nbio = m->s.nbio;
  seen.bio_data = m->s.nbio ? m->s.bioq[0].data : 0;
  seen.data = m->s.page[p].data;
  seen.disk = m->s.as[0].disk[0];
}

/* ------------------------------------------------------- try_to_unmap */

/* cpu0 stored through both ptes (dirty, writable); the body locks the
   page and cleans PG_dirty by hand (a dirty pte on a clean page, allowed
   while the page is locked), then unmaps it. */
static void unmap_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  sim_delay(t, 1000000); /* after cpu0's stores */
  lock_page(t, m, p);
  m->s.page[p].flags &= (uint8_t)~PG_dirty; /* by hand, in the lock step */
  seen.count2 = m->s.page[p].count;
  seen.ret = try_to_unmap(t, p);
  see(m, p);
  unlock_page(t, m, p);
}

static void unmap_case(const char *kernel) {
  sim_result r =
      run_after(kernel, "buffers",
                "cpu0: p1 store 0x10000\ncpu0: p2 store 0x20000\n", unmap_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernel, r.msg);
  cr_assert_eq(seen.count2, 3, "%s: the cache and two ptes", kernel);
  cr_assert_eq(seen.ret, SWAP_SUCCESS, "%s", kernel);
  cr_assert_eq(seen.pte[0].present, 0, "%s: p1's pte cleared", kernel);
  cr_assert_eq(seen.pte[1].present, 0, "%s: p2's pte cleared", kernel);
  cr_assert_eq(seen.pte[0].page, -1);
  cr_assert_eq(seen.mapcount, 0, "%s", kernel);
  cr_assert_eq(seen.count, 1, "%s: the ptes' references dropped", kernel);
  cr_assert(seen.flags & PG_dirty, "%s: the dirty bit moved to the page",
            kernel);
  cr_assert(seen.bh & BH_Dirty, "%s: set_page_dirty dirtied the buffer",
            kernel);
  cr_assert(seen.cached, "%s: try_to_unmap does not remove the page", kernel);
  sim_result_free(&r);
}

Test(reclaim, try_to_unmap_clears_every_pte_and_moves_the_dirty_bit) {
  unmap_case("2.6.20");
  unmap_case("6.4");
}

/* A clean pte: unmapped, and the page stays clean. */
static void unmap_clean_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  sim_delay(t, 1000000);
  lock_page(t, m, p);
  seen.ret = try_to_unmap(t, p);
  see(m, p);
  unlock_page(t, m, p);
}

Test(reclaim, try_to_unmap_of_a_clean_pte_leaves_the_page_clean) {
  sim_result r =
      run_after("2.6.20", "", "cpu0: p1 load 0x10000\n", unmap_clean_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, SWAP_SUCCESS);
  cr_assert_eq(seen.pte[0].present, 0);
  cr_assert_eq(seen.flags & PG_dirty, 0);
  cr_assert_eq(seen.count, 1);
  sim_result_free(&r);
}

/* ------------------------------------------ remove_mapping / freeze */

/* The page, not mapped and clean: isolation reference, an extra one (a
   GUP's), remove_mapping fails; the extra one dropped, it succeeds. */
static void remove_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = find_get_page(t, 0, 0); /* the isolation reference */
  get_page(t, p);                 /* someone else's */
  lock_page(t, m, p);
  seen.ret = remove_mapping(t, 0, p);
  see(m, p);
  put_page(t, p); /* the other holder lets go */
  seen.ret2 = remove_mapping(t, 0, p);
  seen.count2 = m->s.page[p].count;
  seen.cached |= (m->s.as[0].tree[0] == p) << 1;
  if (m->knobs.reclaim_ref_freeze) {
    /* frozen to 0: the isolation reference is gone with the page */
    SIM_STEP(t, "__ClearPageLocked", COST_ATOMIC,
             SIM_UNLOCK(page_lock_oid(m, p)));
  } else {
    unlock_page(t, m, p);
    put_page(t, p);
  }
}

static void remove_case(const char *kernel, int want_count_after) {
  sim_result r = run_after(kernel, "", "", remove_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernel, r.msg);
  cr_assert_eq(seen.ret, 0, "%s: an extra reference: cannot_free", kernel);
  cr_assert_eq(seen.cached & 1, 1, "%s: the page stays cached", kernel);
  cr_assert_eq(seen.count, 3, "%s: the count unchanged (unfrozen)", kernel);
  cr_assert_eq(seen.ret2, 1, "%s: no extra reference: removed", kernel);
  cr_assert_eq(seen.cached & 2, 0, "%s: out of the cache", kernel);
  cr_assert_eq(seen.count2, want_count_after, "%s", kernel);
  sim_result_free(&r);
}

Test(reclaim, remove_mapping_fails_with_an_extra_reference) {
  remove_case("2.6.20", 1); /* the cache's reference dropped: ours left */
}

Test(reclaim, the_refcount_freeze_fails_with_an_extra_reference) {
  remove_case("4.19", 0); /* frozen: both consumed */
  remove_case("6.4", 0);
}

/* A dirty page with no extra reference: the freeze succeeds, PageDirty
   is rechecked, the count unfrozen: kept, count 2. */
static void remove_dirty_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = find_get_page(t, 0, 0);
  lock_page(t, m, p);
  seen.ret = remove_mapping(t, 0, p);
  see(m, p);
  unlock_page(t, m, p);
  put_page(t, p);
}

Test(reclaim, remove_mapping_keeps_a_dirty_page) {
  const char *kernels[] = {"2.6.20", "4.19"};
  for (int i = 0; i < 2; i++) {
    char text[512];
    snprintf(text, sizeof text,
             "scenario \"t\"\nkernel %s\ncpus 2\n"
             "file data size=4K cached=all dirty=all\nmm p1\n"
             "cpu0: reclaim data page=0\ncpu1: delay 1\nexpect clean\n",
             kernels[i]);
    setup(text, NULL);
    bodies[0] = remove_dirty_body;
    memset(&seen, 0, sizeof seen);
    custom = 1;
    sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
    cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernels[i], r.msg);
    cr_assert_eq(seen.ret, 0, "%s: dirty: cannot_free", kernels[i]);
    cr_assert(seen.cached, "%s", kernels[i]);
    cr_assert_eq(seen.count, 2, "%s: unfrozen", kernels[i]);
    sim_result_free(&r);
  }
}

/* ---------------------------------------------------- shrink_page_list */

static void reclaim_kswapd_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  sim_delay(t, 1000000);
  int p = page0();
  seen.ret = shrink_page_list(t, 0, 0, 1);
  see(m, p);
}

static void reclaim_direct_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  sim_delay(t, 1000000);
  int p = page0();
  seen.ret = shrink_page_list(t, 0, 0, 0);
  see(m, p);
}

/* pageout of a dirty mapped page: unmapped, cleaned, written (the bio
   carries the stored data), kept while under writeback. */
static void pageout_case(const char *kernel, const char *traits) {
  sim_result r = run_after(kernel, traits, "cpu0: p1 store 0x10000\n",
                           reclaim_kswapd_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s %s: %s", kernel, traits, r.msg);
  cr_assert_eq(seen.ret, 0, "%s: kept: under writeback", kernel);
  cr_assert(seen.cached, "%s", kernel);
  cr_assert_eq(seen.pte[0].present, 0, "%s: unmapped first", kernel);
  cr_assert_eq(seen.flags & PG_dirty, 0, "%s: clear_page_dirty_for_io", kernel);
  cr_assert(seen.flags & PG_writeback, "%s: ->writepage started the I/O",
            kernel);
  /* the bio carries the stored data, or the device already wrote it */
  cr_assert(seen.nbio ? seen.bio_data == seen.data : seen.disk == seen.data,
            "%s %s: the stored data is written", kernel, traits);
  cr_assert_eq(seen.count, 1, "%s: the isolation reference dropped", kernel);
  sim_result_free(&r);
}

Test(reclaim, pageout_writes_a_dirty_page) {
  pageout_case("2.6.20", "buffers");
  pageout_case("2.6.20", "");
  pageout_case("4.19", "buffers"); /* kswapd */
}

Test(reclaim, direct_reclaim_leaves_a_dirty_file_page_from_4_19) {
  sim_result r = run_after("4.19", "buffers", "cpu0: p1 store 0x10000\n",
                           reclaim_direct_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, 0);
  cr_assert(seen.cached);
  cr_assert_eq(seen.pte[0].present, 0, "try_to_unmap comes first");
  cr_assert(seen.flags & PG_dirty, "not paged out");
  cr_assert_eq(seen.flags & PG_writeback, 0);
  cr_assert_eq(seen.nbio, 0);
  sim_result_free(&r);
  /* 2.6.20's direct reclaim pages it out */
  r = run_after("2.6.20", "buffers", "cpu0: p1 store 0x10000\n",
                reclaim_direct_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert(seen.flags & PG_writeback);
  sim_result_free(&r);
}

/* A clean mapped page with buffers: unmapped, buffers dropped, removed,
   freed. */
Test(reclaim, a_clean_mapped_page_is_freed) {
  const char *kernels[] = {"2.6.20", "2.6.24", "4.19", "6.4"};
  for (int i = 0; i < 4; i++) {
    sim_result r = run_after(kernels[i], "buffers", "cpu0: p1 load 0x10000\n",
                             reclaim_kswapd_body);
    cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernels[i], r.msg);
    cr_assert_eq(seen.ret, 1, "%s: freed", kernels[i]);
    cr_assert_eq(seen.cached, 0, "%s", kernels[i]);
    cr_assert_eq(seen.pte[0].present, 0, "%s", kernels[i]);
    cr_assert_eq(seen.count, 0, "%s", kernels[i]);
    cr_assert_eq(seen.flags & PG_private, 0, "%s: buffers dropped", kernels[i]);
    sim_result_free(&r);
  }
}

/* ------------------------------------------------ pinned pages (6.4) */

Test(reclaim, page_maybe_dma_pinned_is_count_at_least_the_bias) {
  setup("scenario \"t\"\nkernel 6.4\ncpus 1\nfile data size=4K cached=all\n"
        "cpu0: delay 1\nexpect clean\n",
        NULL);
  model.s = model.init;
  int p = model.s.as[0].tree[0];
  cr_assert_eq(GUP_PIN_COUNTING_BIAS, 1024);
  model.s.page[p].count = 1 + 1022;
  cr_assert_not(page_maybe_dma_pinned(&model, p), "1023: not pinned");
  model.s.page[p].count = 1024;
  cr_assert(page_maybe_dma_pinned(&model, p), "1024: maybe pinned");
  model.s.page[p].count = 1 + GUP_PIN_COUNTING_BIAS;
  cr_assert(page_maybe_dma_pinned(&model, p), "the cache and one pin");
}

/* A pin by hand: the count and the body's ghost references grow by the
   bias in one step (what pin_user_pages' try_grab_page does). */
static void pin(sim_thread *t, int p, int n) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, n > 0 ? "pin (test)" : "unpin (test)", COST_ATOMIC,
           SIM_ADD(page_ref_oid(m, p)));
  m->s.page[p].count = (int16_t)(m->s.page[p].count + n);
  page_ref_held(t, p, n);
}

static void pinned_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  sim_delay(t, 1000000);
  pin(t, p, GUP_PIN_COUNTING_BIAS);
  seen.ret = shrink_page_list(t, 0, 0, 1);
  see(m, p);
  pin(t, p, -GUP_PIN_COUNTING_BIAS);
}

/* A clean page with buffers, pinned (count >= 1024), not mapped. */
static void pinned_case(const char *kernel, int keeps_buffers) {
  sim_result r = run_after(kernel, "buffers", "", pinned_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernel, r.msg);
  cr_assert_eq(seen.ret, 0, "%s: not freed", kernel);
  cr_assert(seen.cached, "%s: the freeze failed, or never tried", kernel);
  cr_assert_eq(seen.count, 1 + GUP_PIN_COUNTING_BIAS, "%s", kernel);
  cr_assert_eq(!!(seen.flags & PG_private), keeps_buffers, "%s: buffers %s",
               kernel, keeps_buffers ? "kept" : "dropped");
  sim_result_free(&r);
}

Test(reclaim, pinned_page_keeps_its_buffers_from_6_4) {
  pinned_case("6.4", 1);
}

Test(reclaim, pinned_page_loses_its_buffers_before_6_4) {
  pinned_case("4.19", 0);
  pinned_case("5.7", 0);
  pinned_case("5.18", 0);
  pinned_case("2.6.20", 0);
}

/* The knob alone decides: 4.19 with reclaim.skip_pinned keeps them. */
Test(reclaim, skip_pinned_knob) {
  sim_result r = run_after("4.19\nset reclaim.skip_pinned = on", "buffers", "",
                           pinned_body);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert(seen.flags & PG_private);
  sim_result_free(&r);
}

/* The operation: 'reclaim data page=0 pages=2' by kswapd reclaims both
   clean pages (program.c dispatches each page to shrink_page_list). */
Test(reclaim, the_operation_reclaims_each_page) {
  const char *kernels[] = {"2.6.20", "6.4"};
  for (int i = 0; i < 2; i++) {
    char text[512];
    snprintf(text, sizeof text,
             "scenario \"t\"\nkernel %s\ncpus 1\n"
             "file data size=12K cached=all\n"
             "cpu0: reclaim data page=0 pages=2\nexpect clean\n",
             kernels[i]);
    setup(text, NULL);
    sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
    cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernels[i], r.msg);
    cr_assert_eq(model.s.as[0].tree[0], -1, "%s: page 0 reclaimed", kernels[i]);
    cr_assert_eq(model.s.as[0].tree[1], -1, "%s: page 1 reclaimed", kernels[i]);
    cr_assert_geq(model.s.as[0].tree[2], 0, "%s: page 2 left alone",
                  kernels[i]);
    cr_assert_eq(model.s.as[0].nrpages, 1, "%s", kernels[i]);
    sim_result_free(&r);
  }
}
