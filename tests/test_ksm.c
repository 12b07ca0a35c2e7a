/*
** test_ksm.c - unit behaviour of the R5 half of issue 9 (models/ksm.c):
** write_protect_page's count check succeeding and failing with exact
** states (the pte put back bit for bit, the references), the transfer of
** the pte's dirty bit to the page, the already read-only case, the
** wp-broken oracle (mm_wp_broken) on hand-made good and bad states and
** raised from a run, the writers that break the protection in order (a
** write fault, write(2)'s write_begin), and the difference between KSM's
** order and the synthetic wp-glisse order against GUP-fast.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "model_harness.h"

/* What a body saw, for the test to assert after the run. */
static struct {
  long err;
  int count, extra;
} seen;

static int page0(void) {
  return model.s.as[0].tree[0];
}

/* One cached page of a plain file, mapped shared rw at 0x10000 by p1 with
   its pte installed (read-only, clean); no writeback tracking (the
   program is a delay), so that a hand-made dirty pte over a clean page
   is not a writenotify-dirty violation. */
#define WP_PAGE(kernel)                                                        \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=4K cached=all\nmm p1\n"                                      \
  "map p1 data at 0x10000 pages=1 shared rw mapped\n"                          \
  "cpu0: delay 1\nexpect clean\n"

/* Makes the initial pte of page 0 writable and dirty, the page clean: the
   state after a store whose dirty bit has not reached the page. */
static void dirty_pte_clean_page(void) {
  struct pte *pte = &model.init.mm[0].pte[0];
  cr_assert(pte->present);
  pte->write = pte->dirty = 1;
  model.init.page[pte->page].flags &= (uint8_t)~PG_dirty;
}

static void protect_body(sim_thread *t) {
  seen.err = ksm_protect_page(t, 0, 0x10000);
}

/* A thread holds a reference beyond the ptes (an O_DIRECT read, a
   GUP-fast that got in), then ksmd tries; the reference goes after. */
static void protect_with_extra_ref(sim_thread *t) {
  int p = page0();
  get_page(t, p);
  seen.extra = model.s.page[p].count;
  seen.err = ksm_protect_page(t, 0, 0x10000);
  seen.count = model.s.page[p].count;
  put_page(t, p);
}

static sim_result run_body(const char *variant, body_fn body, int dirty) {
  setup(WP_PAGE("4.19"), variant);
  if (dirty)
    dirty_pte_clean_page();
  memset(&seen, 0, sizeof seen);
  custom = 1;
  bodies[0] = body;
  return exec(SIM_POLICY_TIMED, 1, NULL);
}

/* ------------------------------------------------- write_protect_page */

static void assert_protected(int p) {
  const struct pte *pte = pte_at(0x10000);
  cr_assert(pte->present && pte->page == p && !pte->write && !pte->dirty,
            "clean read-only pte");
  cr_assert(model.wp[p], "page protected");
  cr_assert_eq(model.wp_data[p], model.s.page[p].data);
  cr_assert_eq(model.s.page[p].count, 2, "cache + pte: ksmd's ref dropped");
  cr_assert_eq(model.s.page[p].mapcount, 1);
}

/* count == mapcount (1) + 1 (ksmd's) + 1 (the cache's): the pte is
   cleared, the dirty bit goes to the page, the pte comes back clean and
   read-only; the same in both orders. */
Test(ksm, write_protect_page_protects_a_page_nobody_else_holds) {
  const char *variants[] = {"ksm", "wp-glisse"};
  for (int i = 0; i < 2; i++) {
    sim_result r = run_body(variants[i], protect_body, 1);
    cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", variants[i], r.msg);
    cr_assert_eq(seen.err, 0, "%s", variants[i]);
    assert_protected(page0());
    sim_result_free(&r);
  }
}

/* The dirty bit of the cleared pte moves to the page (set_page_dirty),
   with its radix-tree tag. */
Test(ksm, write_protect_page_moves_the_pte_dirty_bit_to_the_page) {
  sim_result r = run_body("ksm", protect_body, 1);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int p = page0();
  cr_assert(model.s.page[p].flags & PG_dirty, "PG_dirty set");
  cr_assert(model.s.as[0].dirty_tag & 1, "tagged dirty");
  sim_result_free(&r);
}

/* One reference more than mapcount + 1 + cache: the check fails, the pte
   is put back exactly as it was (writable, dirty), nothing is protected,
   the page is not dirtied; the same verdict in both orders. */
Test(ksm, write_protect_page_fails_with_an_extra_reference) {
  const char *variants[] = {"ksm", "wp-glisse"};
  for (int i = 0; i < 2; i++) {
    sim_result r = run_body(variants[i], protect_with_extra_ref, 1);
    cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", variants[i], r.msg);
    int p = page0();
    cr_assert_eq(seen.err, -EFAULT, "%s", variants[i]);
    cr_assert_eq(seen.extra, 3, "cache + pte + the extra reference");
    cr_assert_eq(seen.count, 3, "ksmd's reference dropped, the rest kept");
    const struct pte *pte = pte_at(0x10000);
    cr_assert(pte->present && pte->page == p && pte->write && pte->dirty,
              "%s: the pte put back as it was", variants[i]);
    cr_assert(!model.wp[p], "not protected");
    cr_assert(!(model.s.page[p].flags & PG_dirty), "no dirty transfer");
    cr_assert_eq(model.s.page[p].count, 2);
    sim_result_free(&r);
  }
}

/* A pte already clean and read-only is left alone: no count check (as in
   mm/ksm.c: only a writable or dirty pte is cleared and checked), so even
   an extra reference does not stop the protection. */
Test(ksm, a_clean_read_only_pte_is_protected_without_a_count_check) {
  sim_result r = run_body("ksm", protect_with_extra_ref, 0);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.err, 0);
  cr_assert(model.wp[page0()]);
  sim_result_free(&r);
}

/* ksmd's trylock_page fails on a locked page: it skips the page. */
static void protect_locked(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  lock_page(t, m, p);
  seen.err = ksm_protect_page(t, 0, 0x10000);
  unlock_page(t, m, p);
}

Test(ksm, a_locked_page_is_skipped) {
  sim_result r = run_body("ksm", protect_locked, 1);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.err, -EFAULT);
  cr_assert(!model.wp[page0()]);
  cr_assert(pte_at(0x10000)->write, "pte untouched");
  sim_result_free(&r);
}

/* ------------------------------------------------------------ oracle */

/* A hand-made state: page 0 protected with its data, its pte read-only. */
static int protected_state(void) {
  setup(WP_PAGE("ksm"), NULL);
  model.s = model.init;
  int p = page0();
  model.wp[p] = 1;
  model.wp_data[p] = model.s.page[p].data;
  return p;
}

Test(oracles, wp_broken_is_quiet_on_a_protected_page_nobody_writes) {
  int p, who;
  protected_state();
  cr_assert_eq(mm_wp_broken(&model, &p, &who), WP_OK);
}

Test(oracles, wp_broken_fires_on_a_writable_pte) {
  int p, who, q = protected_state();
  model.s.mm[0].pte[0].write = 1;
  cr_assert_eq(mm_wp_broken(&model, &p, &who), WP_WRITABLE_PTE);
  cr_assert_eq(p, q);
  cr_assert_eq(who, 0, "mm 0, slot 0");
}

Test(oracles, wp_broken_fires_on_an_open_write_section) {
  int p, who, q = protected_state();
  model.write_section[0] = (int16_t)(q + 1);
  cr_assert_eq(mm_wp_broken(&model, &p, &who), WP_WRITE_SECTION);
  cr_assert_eq(who, 0);
}

Test(oracles, wp_broken_fires_on_a_write_pin) {
  int p, who, q = protected_state();
  model.gup_write[0][q] = 1;
  cr_assert_eq(mm_wp_broken(&model, &p, &who), WP_WRITE_PIN);
  cr_assert_eq(who, 0);
}

Test(oracles, wp_broken_fires_on_changed_data) {
  int p, who, q = protected_state();
  model.s.page[q].data++;
  cr_assert_eq(mm_wp_broken(&model, &p, &who), WP_DATA_CHANGED);
  cr_assert_eq(p, q);
}

Test(oracles, wp_broken_ignores_an_unprotected_or_free_page) {
  int p, who, q = protected_state();
  model.s.mm[0].pte[0].write = 1;
  model.wp[q] = 0;
  cr_assert_eq(mm_wp_broken(&model, &p, &who), WP_OK);
  model.wp[q] = 1;
  model.s.page[q].count = 0;
  cr_assert_eq(mm_wp_broken(&model, &p, &who), WP_OK);
}

/* Raised from a run: a writer that changes the data of a protected page
   without breaking the protection (no kernel path; a forged store). */
static void protect_then_forge(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = page0();
  ksm_protect_page(t, 0, 0x10000);
  SIM_STEP(t, "forge: store without a fault", COST_COPY,
           SIM_WR(page_data_oid(m, p)));
  m->s.page[p].data = 7;
}

Test(oracles, wp_broken_is_raised_when_protected_data_changes) {
  setup(WP_PAGE("ksm"), NULL);
  char want[96];
  snprintf(want, sizeof want,
           "page#0 changed from v%u to v7 while write-protected",
           model.init.page[model.init.as[0].tree[0]].data);
  expect_body_violation(protect_then_forge, "wp-broken", want);
}

/* ------------------------------------------- writers breaking it in order */

/* A store after the protection faults on the read-only pte; do_wp_page
   reuses the page and ends its protection before the pte is writable. */
static void protect_then_store(sim_thread *t) {
  seen.err = ksm_protect_page(t, 0, 0x10000);
  seen.count = model.wp[page0()];
  user_access(t, 0, 0x10000, 1);
}

Test(ksm, a_write_fault_breaks_the_protection_in_order) {
  sim_result r = run_body("ksm", protect_then_store, 0);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.err, 0);
  cr_assert_eq(seen.count, 1, "protected before the store");
  cr_assert(!model.wp[page0()], "the write fault broke it");
  cr_assert(pte_at(0x10000)->write);
  sim_result_free(&r);
}

/* write(2) after the protection: write_begin, with the page locked,
   breaks it; the write section is closed at write_end. */
Test(ksm, write_begin_breaks_the_protection_in_order) {
  setup("scenario \"t\"\nkernel ksm\ncpus 2\n"
        "file data size=4K cached=all\nfile src size=4K cached=all\n"
        "mm p1\nmap p1 data at 0x10000 pages=1 shared rw mapped\n"
        "map p1 src at 0x20000 pages=1 shared r mapped\n"
        "cpu0: p1 ksm_protect 0x10000\n"
        "cpu1: write data page=0 from p1 0x20000\nexpect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_REPLAY, 0, "0*40");
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert(!model.wp[page0()], "write(2) broke the protection");
  cr_assert_eq(model.write_section[1], 0, "write section closed");
  sim_result_free(&r);
}

/* -------------------------------------------- KSM's order vs wp-glisse */

#define GUP_STORY(kernel)                                                      \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=4K cached=all\nmm p1\n"                                      \
  "map p1 data at 0x10000 pages=1 shared rw mapped\n"                          \
  "cpu0: p1 ksm_protect 0x10000\n"                                             \
  "cpu1: p1 store 0x10000\ncpu1: p1 gup 0x10000 write fast\n"                  \
  "cpu1: p1 dma_write 0x10000\ncpu1: p1 unpin 0x10000 dirty\n"                 \
  "expect clean\n"

/* GUP-fast reads the writable pte, ksmd checks the count (wp-glisse:
   before the clear), GUP-fast takes its reference and finds the pte
   unchanged, ksmd clears and protects: wp-broken.  The same schedule on
   ksm: the clear comes before GUP-fast's recheck, which fails: the
   reference is dropped and the slow path's write fault, after the
   protection, breaks it in order. */
Test(ksm, gup_fast_between_the_check_and_the_clear_breaks_wp_glisse) {
  setup(GUP_STORY("wp-glisse"), NULL);
  sim_result r = exec(SIM_POLICY_REPLAY, 0, "0*5.1*14.0*4.1*3");
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "wp-broken");
  cr_assert_str_eq(r.msg, "page#0 is write-protected while cpu1 holds a "
                          "write GUP reference on it: its device may write "
                          "the page");
  sim_result_free(&r);
  setup(GUP_STORY("ksm"), NULL);
  r = exec(SIM_POLICY_REPLAY, 0, "0*5.1*14.0*4.1*3");
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.gup_fast_fallbacks, 1, "the recheck saw the clear");
  cr_assert(!model.wp[page0()], "the slow path's write fault broke it");
  sim_result_free(&r);
}

/* KSM's order, GUP-fast's reference and recheck both before the clear:
   the count check sees the reference, the pte is put back, the page is
   not protected, and the device writes it legitimately. */
Test(ksm, ksm_count_check_sees_a_gup_fast_reference) {
  setup(GUP_STORY("ksm"), NULL);
  sim_result r = exec(SIM_POLICY_REPLAY, 0, "0*5.1*14.0*3.1*3.0*8");
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.gup_fast_fallbacks, 0);
  cr_assert(!model.wp[page0()], "write_protect_page failed");
  sim_result_free(&r);
}
