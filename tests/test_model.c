/*
** test_model.c - unit behaviour of the modelled kernel paths: the bits a
** fault puts in a pte, what truncate and invalidate remove, the retries
** and blocking that make 2.6.20 and 2.6.23 differ.  Threads either run
** their scenario program or a test body that calls kernel functions
** directly, under a chosen schedule; the tests assert the final state.
** Also the model's tables: its violation kinds (each raised kind is a row,
** found back by name), the variants, and the name lists made from them.
*/
#include <assert.h>
#include <criterion/criterion.h>
#include <fcntl.h> /* before the model: its object classes must not clash */
#include <stdio.h>
#include <string.h>

#include "model_harness.h"
#include "models/model.h"

Test(model, read_fault_installs_clean_readonly_pte) {
  setup(ONE_PAGE("2.6.20", "0", "") "cpu0: p1 load 0x10000\nexpect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  const struct pte *pte = pte_at(0x10000);
  int p = model.s.as[0].tree[0];
  cr_assert_eq(pte->present, 1);
  cr_assert_eq(pte->page, p);
  cr_assert_eq(pte->write, 0, "writenotify: shared rw maps start read-only");
  cr_assert_eq(pte->dirty, 0);
  cr_assert_eq(pte->young, 1, "the MMU marks the pte young on the load");
  cr_assert_eq(model.s.page[p].mapcount, 1);
  cr_assert_eq(model.s.page[p].count, 2, "cache ref + pte ref");
  cr_assert_eq(model.s.page[p].flags & PG_dirty, 0);
  cr_assert_eq(model.s.last_load[0], model.s.as[0].disk[0]);
  sim_result_free(&r);
}

Test(model, write_fault_installs_dirty_writable_pte_and_dirties_page) {
  setup(ONE_PAGE("2.6.20", "0", "") "cpu0: p1 store 0x10000\nexpect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  const struct pte *pte = pte_at(0x10000);
  int p = model.s.as[0].tree[0];
  cr_assert_eq(pte->present && pte->write && pte->dirty && pte->young, 1);
  cr_assert(model.s.page[p].flags & PG_dirty);
  cr_assert_eq(model.s.as[0].dirty_tag, 1, "radix tree dirty tag set");
  cr_assert_eq(model.s.page[p].count, 2, "dirty_page ref dropped again");
  cr_assert_eq(model.s.page[p].data, (1u << 24) | 1, "thread 0's 1st store");
  sim_result_free(&r);
}

Test(model, store_to_readonly_pte_goes_through_do_wp_page) {
  setup(ONE_PAGE("2.6.20", "0", "") "cpu0: p1 load 0x10000\n"
                                    "cpu0: p1 store 0x10000\nexpect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  const struct pte *pte = pte_at(0x10000);
  cr_assert_eq(pte->write && pte->dirty, 1);
  cr_assert(model.s.page[pte->page].flags & PG_dirty);
  sim_result_free(&r);
}

Test(model, load_past_eof_is_sigbus) {
  setup("scenario \"t\"\nkernel 2.6.20\ncpus 1\nfile data size=4K cached=0\n"
        "mm p1\nmap p1 data at 0x10000 pages=2 shared r\n"
        "cpu0: p1 load 0x11000\nexpect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN);
  cr_assert_eq(model.s.sigbus[0], 1);
  cr_assert_eq(pte_at(0x11000)->present, 0);
  sim_result_free(&r);
}

Test(model, truncate_removes_pages_and_ptes) {
  setup(ONE_PAGE("2.6.20", "all", "mapped") "cpu0: truncate data 0\n"
                                            "expect clean\n",
        NULL);
  int p0 = model.init.as[0].tree[0], p1 = model.init.as[0].tree[1];
  cr_assert_eq(model.init.page[p0].mapcount, 1);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(pte_at(0x10000)->present, 0);
  cr_assert_eq(pte_at(0x11000)->present, 0);
  cr_assert_eq(model.s.as[0].nrpages, 0);
  cr_assert_eq(model.s.as[0].tree[0], -1);
  cr_assert_eq(model.s.page[p0].count, 0, "page freed by its last put");
  cr_assert_eq(model.s.page[p1].count, 0);
  cr_assert_eq(model.s.as[0].i_size, 0);
  cr_assert_eq(model.s.as[0].disk[0], 0, "->truncate freed the block");
  cr_assert_eq(model.s.as[0].truncate_count, 1);
  sim_result_free(&r);
}

Test(model, truncate_to_one_page_keeps_the_first) {
  setup(ONE_PAGE("2.6.23", "all", "mapped") "cpu0: truncate data 4K\n"
                                            "expect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(pte_at(0x10000)->present, 1);
  cr_assert_eq(pte_at(0x11000)->present, 0);
  cr_assert_eq(model.s.as[0].nrpages, 1);
  cr_assert_eq(model.s.as[0].truncate_count, 2, "2.6.23 unmaps twice");
  sim_result_free(&r);
}

static void dirty_then_invalidate(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = m->s.as[0].tree[0];
  set_page_dirty(t, p);
  int ret = invalidate_inode_pages2_range(t, 0, 0, 1);
  m->s.last_load[0] = (uint32_t)-ret; /* smuggle the result out */
}

Test(model, invalidate_skips_a_redirtied_page) {
  setup(ONE_PAGE("2.6.20", "0", "") "cpu0: delay 0\nexpect clean\n", NULL);
  custom = 1;
  bodies[0] = dirty_then_invalidate;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.s.last_load[0], EIO, "invalidate_complete_page2 fails");
  cr_assert_geq(model.s.as[0].tree[0], 0, "the dirty page stays cached");
  cr_assert(model.s.page[model.s.as[0].tree[0]].flags & PG_dirty);
  sim_result_free(&r);
}

Test(model, dio_write_unmaps_writes_back_and_invalidates) {
  setup(ONE_PAGE("2.6.20", "0", "mapped") "cpu0: p1 store 0x10000\n"
                                          "cpu0: dio_write data page=0\n"
                                          "expect clean\n",
        NULL);
  int p = model.init.as[0].tree[0];
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(pte_at(0x10000)->present, 0, "unmapped before the I/O");
  cr_assert_eq(model.s.as[0].tree[0], -1, "invalidated after the I/O");
  cr_assert_eq(model.s.page[p].count, 0);
  cr_assert_eq(model.s.as[0].disk[0], (1u << 24) | 2,
               "the DIO data, written after the store was written back");
  sim_result_free(&r);
}

/* The truncate_count retry of 2.6.20 do_no_page is reached by some
   interleaving, and then the fault sees the new i_size (SIGBUS). */
Test(model, do_no_page_retries_when_truncate_count_moves) {
  setup(ONE_PAGE("2.6.20", "all", "") "cpu0: p1 load 0x11000\n"
                                      "cpu1: truncate data 4K\n"
                                      "expect clean\n",
        NULL);
  int reached = 0;
  for (uint64_t seed = 0; seed < 400 && !reached; seed++) {
    sim_result r = exec(SIM_POLICY_RANDOM, seed, NULL);
    cr_assert_eq(r.outcome, SIM_CLEAN, "seed %llu: %s",
                 (unsigned long long)seed, r.msg);
    if (model.s.fault_retries) {
      reached = 1;
      cr_assert_eq(model.s.sigbus[0], 1, "after the retry, i_size is 4K");
      cr_assert_eq(pte_at(0x11000)->present, 0);
    }
    sim_result_free(&r);
  }
  cr_assert(reached, "no schedule in 400 seeds reached the retry");
}

/* The cost of the fix named in the thread: a task that holds a page lock
   and faults on that page deadlocks on 2.6.23 (buffered write from an mmap
   of the same page), not on 2.6.20. */
static void lock_then_touch(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = m->s.as[0].tree[0];
  lock_page(t, m, p);            /* __grab_cache_page */
  user_access(t, 0, 0x10000, 0); /* copy_from_user faults */
  unlock_page(t, m, p);
}

Test(model, self_deadlock_on_locked_page_fault_2623) {
  setup(ONE_PAGE("2.6.23", "0", "") "cpu0: delay 0\nexpect clean\n", NULL);
  expect_body_violation(lock_then_touch, "deadlock",
                        "cpu0 waits in lock_page for page#0.PG_locked "
                        "held by cpu0");
}

Test(model, no_self_deadlock_on_uptodate_page_2620) {
  setup(ONE_PAGE("2.6.20", "0", "") "cpu0: delay 0\nexpect clean\n", NULL);
  custom = 1;
  bodies[0] = lock_then_touch;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
}

/* Without the debug BUG_ON, the race shows at quiescence: the pte maps an
   orphan, and the load read the stale page, not the block on disk. */
Test(model, orphan_pte_and_stale_read_without_bug_on) {
  setup("scenario \"t\"\nkernel 2.6.20\nset debug.bug_on_mapped_remove = off\n"
        "cpus 2\nfile data size=4K cached=0\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared rw\n"
        "cpu0: p1 load 0x10000\ncpu1: dio_write data page=0\n"
        "expect violation pte-cache-mismatch\n",
        NULL);
  int found = 0;
  for (uint64_t seed = 0; seed < 200 && !found; seed++) {
    sim_result r = exec(SIM_POLICY_RANDOM, seed, NULL);
    cr_assert_neq(strcmp(r.kind, "page-mapped-on-remove"), 0);
    if (r.outcome == SIM_VIOLATION) {
      found = 1;
      cr_assert_str_eq(r.kind, "pte-cache-mismatch");
      cr_assert_eq(r.kind_id, MM_KIND_PTE_CACHE_MISMATCH);
      cr_assert(strstr(r.msg, "orphaned"), "%s", r.msg);
      cr_assert_neq(model.s.last_load[0], model.s.as[0].disk[0],
                    "the load saw stale data");
    }
    sim_result_free(&r);
  }
  cr_assert(found);
}

/* A pte left mapping a page past i_size after a truncate (the state is
   forced: the modelled truncate never leaves one). */
static void map_then_forge_truncate(sim_thread *t) {
  mm_model *m = mm_of(t);
  user_access(t, 0, 0x10000, 0);
  m->s.as[0].i_size = 0;
  m->truncated[0] = 1;
}

Test(model, pte_past_eof_after_truncate_is_reported) {
  setup(ONE_PAGE("2.6.20", "0", "") "cpu0: delay 0\nexpect clean\n", NULL);
  custom = 1;
  bodies[0] = map_then_forge_truncate;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "pte-beyond-eof");
  cr_assert_eq(r.kind_id, MM_KIND_PTE_BEYOND_EOF);
  cr_assert_str_eq(r.msg, "pte(p1,0x10000) maps page#0 at index 0, past "
                          "i_size 0 after truncate");
  sim_result_free(&r);
}

/* The re-check under the pte lock compares the whole pte (pte_same):
   here a spurious read fault reads a writable dirty pte, then a racer
   under the pte lock makes it old and clean (5.15 madvise_free_pte_range's
   pte_mkold, pte_mkclean: a change of the dirty bit only), then the
   fault locks and re-checks:

     CPU0 (fault)                  | CPU1
     entry = *pte (write, dirty)   |
                                   | spin_lock(ptl)
                                   | pte_mkold; pte_mkclean
                                   | spin_unlock(ptl)
     spin_lock(ptl); pte_same?     |
       no: back out (the access    |
       is retried)                 |

   A compare of page and write only would go on and make the pte young. */
static void spurious_read_fault(sim_thread *t) {
  mm_model *m = mm_of(t);
  user_access(t, 0, 0x10000, 1); /* a writable dirty pte */
  mmap_sem_find_vma(t, 0, 0, "down_read(mmap_sem)", COST_LOCK);
  handle_mm_fault(t, 0, find_vma(m, 0, 0x10000), 0x10000, 0);
  mmap_sem_up(t, 0, 0);
}

static void pte_mkclean_racer(sim_thread *t) {
  mm_model *m = mm_of(t);
  struct pte *pte = &m->s.mm[0].pte[0];
  mm_spin_lock(t, pte_lock(m, 0), "spin_lock(ptl)");
  SIM_STEP(t, "pte_mkold; pte_mkclean", COST_PTE, SIM_WR(pte_oid(m, 0, 0)));
  assert(pte->present && pte->write && pte->dirty);
  pte->young = pte->dirty = 0;
  mm_unlock(t, pte_lock(m, 0), "spin_unlock(ptl)");
}

/* The grant numbers of the steps the diagram orders (the last of each). */
static struct {
  uint64_t entry, mkclean, recheck;
  int mkyoung;
} order;

static void note_order(void *arg, const sim_event *ev) {
  (void)arg;
  if (!strcmp(ev->what, "entry = *pte"))
    order.entry = ev->seq;
  else if (!strcmp(ev->what, "pte_mkold; pte_mkclean"))
    order.mkclean = ev->seq;
  else if (!strcmp(ev->what, "pte_same?"))
    order.recheck = ev->seq;
  else if (!strcmp(ev->what, "pte_mkyoung; pte_mkdirty"))
    order.mkyoung = 1;
}

Test(model, fault_backs_out_when_the_dirty_bit_changed_before_the_recheck) {
  setup(ONE_PAGE("2.6.20", "all", "") "cpu0: delay 0\ncpu1: delay 0\n"
                                      "expect clean\n",
        NULL);
  custom = 1;
  bodies[0] = spurious_read_fault;
  bodies[1] = pte_mkclean_racer;
  memset(&order, 0, sizeof order);
  static const sim_observer obs = {.event = note_order};
  sim_result r = exec_with(SIM_POLICY_REPLAY, 0, "0*17.1*3.0*4", &obs);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert(order.entry < order.mkclean && order.mkclean < order.recheck,
            "the schedule puts the racer between the read and the re-check");
  cr_assert_eq(order.mkyoung, 0, "pte_same? failed: the fault backed out");
  const struct pte *pte = pte_at(0x10000);
  cr_assert_eq(pte->present && pte->write, 1);
  cr_assert_eq(pte->dirty, 0, "the racer's pte_mkclean stays");
  cr_assert_eq(pte->young, 0, "backed out before pte_mkyoung");
  sim_result_free(&r);
}

/* The bundled R1 scenario through model_bind, as the CLI runs it: the
   BUG_ON is raised by id and named from the model's table. */
Test(model, bug_on_is_raised_by_id_and_named_from_the_table) {
  char err[512];
  static model_binding b;
  cr_assert_eq(scn_parse_file(MMSIM_SOURCE_DIR
                              "/scenarios/fault-invalidate.scn",
                              &scn, err, sizeof err),
               0, "%s", err);
  cr_assert_eq(model_bind(&b, &scn, "2.6.20", err, sizeof err), 0, "%s", err);
  cr_assert_eq(sim_init(b.ncpus, err, sizeof err), 0, "%s", err);
  /* the schedule of its run line (explore's minimal counterexample) */
  static const uint8_t seq[] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                                1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
  sim_sched ss;
  sim_exec_cfg cfg = model_exec_cfg(&b);
  cfg.chooser = sim_sched_init(&ss, SIM_POLICY_REPLAY, 1, seq, sizeof seq);
  sim_result r;
  cr_assert_eq(sim_exec_run(&cfg, &r), 0);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_eq(r.kind_id, MM_KIND_PAGE_MAPPED_ON_REMOVE);
  cr_assert_str_eq(r.kind, "page-mapped-on-remove");
  cr_assert_eq(model_kind_find(&b, r.kind), r.kind_id);
  sim_result_free(&r);

  char names[512];
  model_kind_names(&b, names, sizeof names);
  cr_assert_str_eq(
      names, "deadlock, bad-unlock, lock-order, page-mapped-on-remove, "
             "pte-cache-mismatch, pte-beyond-eof, refcount-mismatch, "
             "undeclared-write, lost-write, fsync-lost, writenotify-dirty, "
             "dirty-without-buffers, writepage-without-buffers, "
             "pinned-lost-buffers, pinned-page-cleaned, "
             "file-written-without-permission, wp-broken");
  cr_assert_eq(model_kind_find(&b, "lost-update"), SIM_KIND_NONE,
               "a litmus kind is not the MM model's");
}

/* The tables, and the lists printed from them. */
Test(model, kinds_and_variants_tables_make_the_name_lists) {
  assert_kinds_table(mm_kinds, MM_NKINDS);
  assert_kinds_table(litmus_kinds, LITMUS_NKINDS);
  cr_assert_eq(mm_model_ops.kinds, mm_kinds);
  cr_assert_eq(mm_model_ops.nkinds, MM_NKINDS);
  cr_assert_eq(litmus_ops.kinds, litmus_kinds);
  cr_assert_eq(litmus_ops.nkinds, LITMUS_NKINDS);

  /* variants: unique names, each with its release and sources */
  char names[128] = "";
  for (int i = 0; i < mm_nvariants; i++) {
    const mm_variant *v = &mm_variants[i];
    mm_knobs k;
    cr_assert(v->kernel[0] && v->source[0], "%s", v->name);
    cr_assert(strstr(v->kernel, v->name), "%s: %s", v->name, v->kernel);
    cr_assert_eq(mm_variant_preset(v->name, &k), 0);
    if (!v->base) { /* the root: its own knobs */
      cr_assert_eq(memcmp(&k, &v->knobs, sizeof k), 0);
    } else { /* derived: every change is one, the rest is the base's */
      mm_knobs b;
      cr_assert_eq(mm_variant_preset(v->base, &b), 0, "%s", v->name);
      for (int c = 0; c < MM_MAX_CHANGES && v->changes[c].set; c++) {
        int *kb = (int *)((char *)&b + v->changes[c].offset);
        cr_assert_neq(*kb, v->changes[c].value,
                      "%s: change %d repeats its base %s", v->name, c, v->base);
        *kb = v->changes[c].value;
      }
      cr_assert_eq(memcmp(&k, &b, sizeof k), 0, "%s", v->name);
    }
    for (int j = 0; j < i; j++)
      cr_assert_str_neq(v->name, mm_variants[j].name);
    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
             i ? ", " : "", v->name);
  }
  cr_assert_str_eq(mm_variant_names(), names);
  cr_assert_str_eq(names,
                   "2.6.17-mm, 2.6.19, 2.6.20, 2.6.22, 2.6.23, 2.6.24, "
                   "4.19, 5.7, 5.15, 5.16, 5.18, 6.0, 6.4, ksm, wp-glisse");
}

/* The parser accepts any model's kind; the binding only its model's. */
Test(model, bind_rejects_a_kind_the_model_never_reports) {
  char err[512];
  static model_binding b;
  cr_assert_eq(scn_parse_string(
                   "t.scn",
                   ONE_PAGE("2.6.20", "0", "") "cpu0: p1 load 0x10000\n"
                                               "expect violation lost-update\n",
                   &scn, err, sizeof err),
               0, "%s", err);
  cr_assert_eq(model_bind(&b, &scn, NULL, err, sizeof err), -1);
  cr_assert_str_eq(
      err, "t.scn:8:18: error: unknown violation kind "
           "'lost-update', expected one of deadlock, "
           "bad-unlock, lock-order, page-mapped-on-remove, "
           "pte-cache-mismatch, pte-beyond-eof, refcount-mismatch, "
           "undeclared-write, lost-write, fsync-lost, writenotify-dirty, "
           "dirty-without-buffers, writepage-without-buffers, "
           "pinned-lost-buffers, pinned-page-cleaned, "
           "file-written-without-permission, wp-broken");
  cr_assert_eq(scn_parse_string("t.scn",
                                "scenario \"t\"\nlitmus counter 2\n"
                                "expect violation pte-beyond-eof\n",
                                &scn, err, sizeof err),
               0, "%s", err);
  cr_assert_eq(model_bind(&b, &scn, NULL, err, sizeof err), -1);
  cr_assert(
      strstr(err,
             "expected one of deadlock, bad-unlock, lock-order, lost-update, "
             "lost-message, invariant"),
      "%s", err);
}

Test(model, bind_names_the_expect_on_line_of_a_foreign_kind) {
  char err[512];
  static model_binding b;
  cr_assert_eq(
      scn_parse_string(
          "t.scn",
          ONE_PAGE("2.6.20", "0", "") "cpu0: p1 load 0x10000\n"
                                      "expect clean\n"
                                      "expect on 2.6.23 violation invariant\n",
          &scn, err, sizeof err),
      0, "%s", err);
  /* every 'expect on' line names a kind of this model, whichever variant
     is bound */
  cr_assert_eq(model_bind(&b, &scn, NULL, err, sizeof err), -1);
  cr_assert(strstr(err, "t.scn:9:28: error: unknown violation kind "
                        "'invariant'"),
            "%s", err);
  cr_assert_eq(model_bind(&b, &scn, "2.6.23", err, sizeof err), -1);
}

/* ------------------------------------------- the model's own checks */

/* A hand-made step that sets PG_dirty but declares only a read of it. */
static void wrong_footprint(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = m->s.as[0].tree[0];
  SIM_STEP(t, "SetPageDirty (declared as a read)", COST_ATOMIC,
           SIM_RD(page_dirty_oid(m, p)));
  m->s.page[p].flags |= PG_dirty;
}

/* The same write, declared. */
static void right_footprint(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = m->s.as[0].tree[0];
  SIM_STEP(t, "SetPageDirty", COST_ATOMIC, SIM_WR(page_dirty_oid(m, p)));
  m->s.page[p].flags |= PG_dirty;
}

Test(fpcheck, an_undeclared_write_is_a_violation_naming_step_and_field) {
  setup(ONE_PAGE("2.6.20", "0", "") "cpu0: delay 0\nexpect clean\n", NULL);
  model.knobs.footprint_check = 1;
  expect_body_violation(wrong_footprint, "undeclared-write",
                        "cpu0: step 'SetPageDirty (declared as a read)' "
                        "wrote page#0.flags PG_dirty (object "
                        "page#0.PG_dirty), outside its footprint");
  bodies[0] = right_footprint;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);

  model.knobs.footprint_check = 0; /* the check is a debug mode */
  bodies[0] = wrong_footprint;
  r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
}

/* The knob is a scenario knob like the others. */
Test(fpcheck, the_knob_is_set_from_a_scenario) {
  setup(ONE_PAGE("2.6.23", "0", "mapped") "set debug.footprint_check = on\n"
                                          "cpu0: truncate data 0\n"
                                          "cpu1: p1 store 0x11000\n"
                                          "expect clean\n",
        NULL);
  cr_assert_eq(model.knobs.footprint_check, 1);
  sim_result r = exec(SIM_POLICY_RANDOM, 3, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  sim_result_free(&r);
}

/* A reference taken without its owner's bookkeeping: the accounting
   invariant fires after the step, whatever the order of other threads'
   commutative gets and puts. */
static void untracked_get(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = m->s.as[0].tree[0];
  SIM_STEP(t, "get_page (a leak)", COST_ATOMIC, SIM_ADD(page_ref_oid(m, p)));
  m->s.page[p].count++;
}

/* A reference taken and kept to the end. */
static void leaked_get(sim_thread *t) {
  get_page(t, mm_of(t)->s.as[0].tree[0]);
}

Test(refcount, the_accounting_invariant_fires_on_a_broken_count) {
  setup(ONE_PAGE("2.6.20", "all", "mapped") "cpu0: delay 0\nexpect clean\n",
        NULL);
  mm_model_ops.reset(&model);
  int want, p = model.s.as[0].tree[1];
  cr_assert_eq(mm_refcount_mismatch(&model, &want), -1);
  cr_assert_eq(model.s.page[p].count, 2, "the cache and one pte");
  model.s.page[p].count++;
  cr_assert_eq(mm_refcount_mismatch(&model, &want), p);
  cr_assert_eq(want, 2);
  model.refs[0][p]++; /* thread 0 holds it (and the sum with it) */
  model.held[p]++;
  cr_assert_eq(mm_refcount_mismatch(&model, &want), -1);

  expect_body_violation(untracked_get, "refcount-mismatch",
                        "page#0 count 3, but the cache, ptes and threads "
                        "hold 2 reference(s)");
  expect_body_violation(leaked_get, "refcount-mismatch",
                        "cpu0 ends holding 1 reference(s) on page#0");
}

/* The model table: each scenario is claimed by exactly one model, and the
   binding names it; a model without variants binds as "litmus". */
Test(model, the_model_table_claims_each_scenario_once) {
  static scenario s;
  static model_binding b;
  char err[512];
  static const char *const texts[] = {
      "scenario \"l\"\nlitmus counter 2\nexpect clean\n",
      "scenario \"m\"\nkernel 2.6.20\ncpus 1\nfile data size=4K cached=0\n"
      "mm p1\nmap p1 data at 0x10000 pages=1 shared rw\n"
      "cpu0: p1 load 0x10000\nexpect clean\n",
  };
  static const char *const want[] = {"litmus programs", "MM model"};
  for (int t = 0; t < 2; t++) {
    cr_assert_eq(scn_parse_string("t.scn", texts[t], &s, err, sizeof err), 0,
                 "%s", err);
    int claims = 0;
    for (int i = 0; i < model_ntable; i++)
      claims += model_table[i].claims(&s);
    cr_assert_eq(claims, 1, "%s", want[t]);
    cr_assert_eq(model_bind(&b, &s, NULL, err, sizeof err), 0, "%s", err);
    cr_assert_str_eq(b.desc->name, want[t]);
    cr_assert_eq(b.ops, b.desc->ops);
    cr_assert_str_eq(b.variant, b.desc->variants ? "2.6.20" : "litmus");
  }
}
