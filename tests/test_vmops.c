/*
** test_vmops.c - the vma operations of issue 8 (R2c, R2d): what
** change_pte_range leaves in a pte after mprotect on each variant, what
** munmap and madvise(MADV_DONTNEED) do to ptes and pages, a store to an
** unmapped or read-only vma (SIGSEGV), the references follow_page takes
** and drops, msync.  A test body calls the kernel functions directly as
** thread 0 (timed policy) and records the state it wants to check at the
** point it wants it; the scenarios' programs only declare the threads.
*/
#include <criterion/criterion.h>
#include <fcntl.h> /* before the model: its object classes must not clash */
#include <stdio.h>
#include <string.h>

#include "models/kernel.h"
#include "models/mm.h"
#include "models/model.h"
#include "sim/sched.h"

static scenario scn;
static mm_model model;
typedef void (*body_fn)(sim_thread *t);
static body_fn body;

static void test_main(void *m, sim_thread *t, int tid) {
  if (body && tid == 0) {
    ((mm_model *)m)->x = sim_thread_exec(t);
    body(t);
  } else {
    mm_model_ops.thread_main(m, t, tid);
  }
}

static int setup(const char *text, const char *variant, char *err,
                 size_t errlen) {
  cr_assert_eq(scn_parse_string("t.scn", text, &scn, err, errlen), 0, "%s",
               err);
  body = NULL;
  return mm_model_init(&model, &scn, variant, err, errlen);
}

static void setup_ok(const char *text, const char *variant) {
  char err[512];
  cr_assert_eq(setup(text, variant, err, sizeof err), 0, "%s", err);
  cr_assert_eq(sim_init(scn.ncpus, err, sizeof err), 0, "%s", err);
}

static sim_result exec(void) {
  static sim_model_ops ops;
  ops = mm_model_ops;
  ops.thread_main = test_main;
  sim_sched ss;
  sim_exec_cfg cfg = {.ops = &ops,
                      .model = &model,
                      .nthreads = scn.nthreads,
                      .threads = model.threads,
                      .nobjs = model.nobjs,
                      .chooser =
                          sim_sched_init(&ss, SIM_POLICY_TIMED, 1, NULL, 0)};
  sim_result r;
  cr_assert_eq(sim_exec_run(&cfg, &r), 0);
  return r;
}

/* One cached page, mapped shared rw at 0x10000 with its pte present
   (read-only and clean: writenotify).  "delay 0" keeps writeback
   tracking off: no exit thread zaps the ptes after the body. */
#define ONE_MAPPED(kernel)                                                     \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=4K cached=all\nmm p1\n"                                      \
  "map p1 data at 0x10000 pages=1 shared rw mapped\n"
#define A 0x10000

static struct pte seen[4];
static int seen_count[4], seen_ret[4];

static struct pte *pte_a(void) {
  const struct vma *v = vma_at(&model, 0, A);
  return &model.s.mm[0].pte[vma_pte_slot(v, A)];
}

static void run_body(const char *kernel, body_fn fn) {
  setup_ok(ONE_MAPPED("2.6.20") "cpu0: delay 0\nexpect clean\n", kernel);
  body = fn;
  sim_result r = exec();
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  sim_result_free(&r);
}

/* ------------------------------------------------------------ mprotect */

static void mprotect_r_rw(sim_thread *t) {
  sys_mprotect(t, 0, A, PAGE_SIZE, PROT_READ);
  seen[0] = *pte_a();
  sys_mprotect(t, 0, A, PAGE_SIZE, PROT_READ | PROT_WRITE);
  seen[1] = *pte_a();
}

/* A clean read-only pte: only the -mm patch makes it writable. */
Test(mprotect, rw_of_a_clean_pte_per_variant) {
  static const struct {
    const char *kernel;
    int write, prot_write;
  } want[] = {{"2.6.17-mm", 1, 1}, {"2.6.19", 0, 0}, {"2.6.20", 0, 0}};
  for (int i = 0; i < 3; i++) {
    run_body(want[i].kernel, mprotect_r_rw);
    cr_assert_eq(seen[0].present, 1);
    cr_assert_eq(seen[0].write, 0, "%s: after mprotect r", want[i].kernel);
    cr_assert_eq(seen[1].present, 1);
    cr_assert_eq(seen[1].write, want[i].write, "%s", want[i].kernel);
    cr_assert_eq(seen[1].dirty, 0, "%s: pte_modify keeps the clean bit",
                 want[i].kernel);
    cr_assert_eq(model.s.vs[0].vm_write, 1);
    cr_assert_eq(model.s.vs[0].prot_write, want[i].prot_write, "%s",
                 want[i].kernel);
    cr_assert_eq(model.s.page[seen[1].page].flags & PG_dirty, 0);
  }
}

static void store_mprotect_r_rw(sim_thread *t) {
  user_access(t, 0, A, 1); /* do_wp_page: pte young, dirty, writable */
  seen[2] = *pte_a();
  mprotect_r_rw(t);
}

/* A dirty pte: c1e6098b (2.6.20, dirty_accountable) gives the write bit
   back, 2.6.19 does not; young and dirty survive pte_modify. */
Test(mprotect, rw_of_a_dirty_pte_with_and_without_dirty_accountable) {
  static const struct {
    const char *kernel;
    int write;
  } want[] = {{"2.6.19", 0}, {"2.6.20", 1}};
  for (int i = 0; i < 2; i++) {
    run_body(want[i].kernel, store_mprotect_r_rw);
    cr_assert_eq(seen[2].write && seen[2].dirty && seen[2].young, 1);
    cr_assert_eq(seen[0].write, 0, "mprotect r write-protects");
    cr_assert_eq(seen[0].dirty && seen[0].young, 1);
    cr_assert_eq(seen[1].write, want[i].write, "%s", want[i].kernel);
    cr_assert_eq(seen[1].dirty && seen[1].young, 1, "%s", want[i].kernel);
  }
}

static void mprotect_r_then_store(sim_thread *t) {
  sys_mprotect(t, 0, A, PAGE_SIZE, PROT_READ);
  seen_ret[0] = user_access(t, 0, A, 1);
}

Test(mprotect, store_to_a_vma_made_read_only_is_sigsegv) {
  run_body("2.6.20", mprotect_r_then_store);
  cr_assert_eq(seen_ret[0], VM_FAULT_BADAREA);
  cr_assert_eq(model.s.segv[0], 1);
  cr_assert_eq(model.s.sigbus[0], 0);
  cr_assert_eq(pte_a()->write || pte_a()->dirty, 0);
  cr_assert_eq(model.s.page[pte_a()->page].data, model.s.as[0].disk[0],
               "nothing stored");
}

/* ---------------------------------------------------- munmap, madvise */

/* 2.6.17-mm: a writable clean pte (R2c), stored through: only the pte is
   dirty; munmap's zap moves the bit to the page. */
static void dirty_pte_then_munmap(sim_thread *t) {
  mprotect_r_rw(t);
  user_access(t, 0, A, 1);
  seen[2] = *pte_a();
  seen_count[0] = model.s.page[seen[2].page].flags & PG_dirty;
  seen_ret[0] = (int)sys_munmap(t, 0, A, PAGE_SIZE);
}

Test(munmap, zaps_the_pte_and_moves_its_dirty_bit_to_the_page) {
  run_body("2.6.17-mm", dirty_pte_then_munmap);
  int p = seen[2].page;
  cr_assert_eq(seen[2].dirty && seen[2].write, 1);
  cr_assert_eq(seen_count[0], 0, "PG_dirty clear before the munmap");
  cr_assert_eq(seen_ret[0], 0);
  cr_assert_eq(pte_a()->present, 0);
  cr_assert_eq(pte_a()->page, -1);
  cr_assert(model.s.page[p].flags & PG_dirty, "set_page_dirty from the zap");
  cr_assert_eq(model.s.as[0].dirty_tag, 1);
  cr_assert_eq(model.s.page[p].mapcount, 0);
  cr_assert_eq(model.s.page[p].count, 1, "the page cache's reference only");
  cr_assert_eq(model.s.vs[0].gone, 1);
  cr_assert_null(find_vma(&model, 0, A));
}

Test(munmap, a_store_to_an_unmapped_vma_is_sigsegv) {
  setup_ok(ONE_MAPPED("2.6.20") "cpu0: p1 munmap 0x10000\n"
                                "cpu0: p1 store 0x10000\nexpect clean\n",
           NULL);
  sim_result r = exec();
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  cr_assert_eq(model.s.segv[0], 1);
  cr_assert_eq(model.s.sigbus[0], 0);
  cr_assert_eq(pte_a()->present, 0);
  int p = model.s.as[0].tree[0];
  cr_assert_eq(model.s.page[p].data, model.s.as[0].disk[0], "nothing stored");
  sim_result_free(&r);
}

static void store_then_dontneed(sim_thread *t) {
  user_access(t, 0, A, 1);
  sys_madvise(t, 0, A, PAGE_SIZE, MADV_DONTNEED);
  seen[0] = *pte_a();
  user_access(t, 0, A, 0); /* the vma stays: a read fault maps it again */
}

Test(madvise, dontneed_zaps_the_pte_and_keeps_the_vma) {
  run_body("2.6.20", store_then_dontneed);
  int p = model.s.as[0].tree[0];
  cr_assert_eq(seen[0].present, 0);
  cr_assert_eq(model.s.vs[0].gone, 0);
  cr_assert_eq(pte_a()->present && !pte_a()->write, 1, "refaulted read-only");
  cr_assert(model.s.page[p].flags & PG_dirty);
  cr_assert_eq(model.s.last_load[0], model.s.page[p].data);
  cr_assert_eq(model.s.segv[0], 0);
}

/* ------------------------------------------------------- follow_page */

static void follow_get(sim_thread *t) {
  const struct vma *v = find_vma(&model, 0, A);
  int p = follow_page(t, v, A, FOLL_GET);
  seen_ret[0] = p;
  seen_count[0] = model.s.page[p].count;
  seen_count[1] = model.refs[0][p];
  put_page(t, p);
  seen_ret[1] = follow_page(t, v, A, 0);
  seen_count[2] = model.s.page[p].count;
  seen_ret[2] = follow_page(t, v, A, FOLL_WRITE | FOLL_GET); /* read-only */
}

Test(follow_page, foll_get_takes_exactly_one_reference) {
  run_body("2.6.20", follow_get);
  int p = model.s.as[0].tree[0];
  cr_assert_eq(seen_ret[0], p);
  cr_assert_eq(seen_count[0], 3, "cache + pte + FOLL_GET");
  cr_assert_eq(seen_count[1], 1, "held by the caller");
  cr_assert_eq(seen_ret[1], p, "flags 0 finds the page too");
  cr_assert_eq(seen_count[2], 2, "flags 0: no get, no put");
  cr_assert_eq(seen_ret[2], -1, "FOLL_WRITE on a read-only pte");
  cr_assert_eq(model.s.page[p].count, 2);
  cr_assert_eq(model.refs[0][p], 0);
}

static void follow_touch(sim_thread *t) {
  const struct vma *v = find_vma(&model, 0, A);
  int p = follow_page(t, v, A, FOLL_TOUCH);
  seen_count[0] = model.s.page[p].count;
}

Test(follow_page, mm_patch_touch_only_gets_and_puts) {
  run_body("2.6.17-mm", follow_touch);
  cr_assert_eq(seen_count[0], 2, "the TOUCH reference is dropped again");
  cr_assert_eq(model.refs[0][model.s.as[0].tree[0]], 0);
}

Test(follow_page, mm_patch_put_without_get_is_a_refcount_mismatch) {
  setup_ok(ONE_MAPPED("2.6.17-mm") "cpu0: p1 follow_page 0x10000\n"
                                   "expect clean\n",
           NULL);
  int p = model.init.as[0].tree[0];
  sim_result r = exec();
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "refcount-mismatch");
  cr_assert_str_eq(r.msg, "cpu0: put_page(page#0) drops a reference "
                          "follow_page never took");
  cr_assert_eq(model.s.page[p].count, 2, "raised before the count moves");
  sim_result_free(&r);
}

Test(follow_page, mainline_flags_0_is_clean) {
  setup_ok(ONE_MAPPED("2.6.20") "cpu0: p1 follow_page 0x10000\n"
                                "cpu0: p1 follow_page 0x10000 get touch\n"
                                "expect clean\n",
           NULL);
  sim_result r = exec();
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", r.kind, r.msg);
  sim_result_free(&r);
}

/* ------------------------------------------------------------- msync */

static void store_then_msync(sim_thread *t) {
  user_access(t, 0, A, 1);
  seen_count[0] = (int)model.s.page[pte_a()->page].data;
  sys_msync(t, 0, A, PAGE_SIZE, MS_ASYNC);
  seen_count[1] = (int)model.s.as[0].disk[0];
  seen_ret[0] = (int)sys_msync(t, 0, A, PAGE_SIZE, MS_SYNC);
}

Test(msync, ms_sync_writes_the_dirty_page_ms_async_does_not) {
  run_body("2.6.20", store_then_msync);
  int p = model.s.as[0].tree[0];
  cr_assert_neq((uint32_t)seen_count[1], (uint32_t)seen_count[0],
                "MS_ASYNC wrote nothing");
  cr_assert_eq(seen_count[1], (int)model.init.as[0].disk[0]);
  cr_assert_eq(seen_ret[0], 0);
  cr_assert_eq(model.s.as[0].disk[0], (uint32_t)seen_count[0],
               "MS_SYNC: do_fsync wrote the stored data");
  cr_assert_eq(model.s.page[p].flags & (PG_dirty | PG_writeback), 0);
  cr_assert_eq(pte_a()->write || pte_a()->dirty, 0, "page_mkclean");
}

/* ------------------------------------------------- load-time checks */

Test(vmops, the_model_refuses_what_it_cannot_run_with_line_and_column) {
  static const struct {
    const char *ops, *msg;
  } cases[] = {
      {"cpu0: p1 munmap 0x10000\n",
       "t.scn:8:7: error: partial munmap: split_vma is not modelled, expected "
       "the start and page count of the whole map"},
      {"cpu0: p1 mprotect 0x10000 r pages=2\ncpu0: p1 mprotect 0x11000 none\n",
       "t.scn:9:7: error: mprotect none is not modelled (no PROT_NONE ptes), "
       "expected r or rw"},
      {"cpu0: p1 store 0x20000\n",
       "t.scn:8:7: error: store to a read-only mapping (the fault would be "
       "SIGSEGV), expected a map with rw or an mprotect rw of it"},
  };
  for (int i = 0; i < 3; i++) {
    char text[512], err[512];
    snprintf(text, sizeof text,
             "scenario \"t\"\nkernel 2.6.20\ncpus 1\n"
             "file data size=8K cached=all\nmm p1\n"
             "map p1 data at 0x10000 pages=2 shared rw\n"
             "map p1 data at 0x20000 pages=1 shared r\n%sexpect clean\n",
             cases[i].ops);
    cr_assert_eq(setup(text, NULL, err, sizeof err), -1, "%s", text);
    cr_assert_str_eq(err, cases[i].msg);
  }
  /* a store to a read-only map that an mprotect rw makes writable */
  char err[512];
  cr_assert_eq(setup("scenario \"t\"\nkernel 2.6.20\ncpus 1\n"
                     "file data size=4K cached=all\nmm p1\n"
                     "map p1 data at 0x10000 pages=1 shared r\n"
                     "cpu0: p1 mprotect 0x10000 rw\n"
                     "cpu0: p1 store 0x10000\nexpect clean\n",
                     NULL, err, sizeof err),
               0, "%s", err);
}
