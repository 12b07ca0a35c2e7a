/*
** test_nonlinear.c - nonlinear mappings (R1e, models/fremap.c): what
** remap_file_pages leaves in the vma and the ptes per version (2.6.20's
** ->populate / install_page with no page lock, 2.6.23-rc1's file ptes and
** do_nonlinear_fault through __do_fault with the page locked, 3ee6dafc's
** linear emulation), file ptes and the faults on them, install_page's
** i_size check, page_mkclean skipping nonlinear vmas, and the unmapping of
** nonlinear vmas (whole vma, pages kept by index, file ptes left behind,
** file ptes cleared by munmap).  Each test runs a small scenario, records
** the steps of the threads as "function: operation" with the holder of the
** remapped page's lock right after each, and asserts states and steps.
*/
#include <stdio.h>
#include <string.h>

#include "model_harness.h"

/* ------------------------------------------------------------ recording */

#define MAX_EV 512
static struct rec {
  int tid;
  char step[160]; /* "fn: what" */
  int page_lock;  /* holder of the lock of the watched page, or -1 */
} ev[MAX_EV];
static int nev, watched = -1;

static void on_event(void *arg, const sim_event *e) {
  (void)arg;
  cr_assert_lt(nev, MAX_EV);
  struct rec *r = &ev[nev++];
  r->tid = e->tid;
  snprintf(r->step, sizeof r->step, "%s: %s", e->fn, e->what);
  r->page_lock = watched >= 0
                     ? sim_lock_holder(model.x, page_lock_oid(&model, watched))
                     : -1;
}

/* One execution (timed, or replaying 'sched'), every step recorded. */
static sim_result run(const char *sched) {
  nev = 0;
  static const sim_observer ob = {.event = on_event};
  return exec_with(sched ? SIM_POLICY_REPLAY : SIM_POLICY_TIMED, 1, sched, &ob);
}

/* The index of the first recorded step equal to 'step' from 'from' on, or
   -1. */
static int find(const char *step, int from) {
  for (int i = from; i < nev; i++)
    if (!strcmp(ev[i].step, step))
      return i;
  return -1;
}

/* How many recorded steps contain 'part'. */
static int count(const char *part) {
  int n = 0;
  for (int i = 0; i < nev; i++)
    n += strstr(ev[i].step, part) != NULL;
  return n;
}

static sim_result run_clean(const char *text, const char *sched) {
  setup(text, NULL);
  watched = model.init.as[0].tree[1]; /* file page 1, when cached */
  sim_result r = run(sched);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  return r;
}

/* A two-page file, both pages cached; p1 maps 'pages' of it at 0x10000. */
#define NL(kernel, pages, flags, extra)                                        \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n" extra                          \
  "file data size=8K cached=0,1\nmm p1\n"                                      \
  "map p1 data at 0x10000 pages=" pages " shared " flags "\n"

#define INSTALL_PAGE_SET                                                       \
  "install_page: set_pte_at(mk_pte(page, vm_page_prot)); page_add_file_rmap"
#define FILE_PTE_SET "install_file_pte: set_pte_at(pgoff_to_pte(pgoff))"
#define DO_FAULT_SET "__do_fault: pte_same? set_pte_at; page_add_file_rmap"

/* ------------------------------------------------- remap_file_pages */

Test(remap, v2_6_20_populates_with_install_page_without_the_page_lock) {
  sim_result r =
      run_clean(NL("2.6.20", "1", "rw", "") "cpu0: p1 remap 0x10000 pgoff=1\n"
                                            "expect clean\n",
                NULL);
  int p = model.s.as[0].tree[1];
  cr_assert_eq(model.s.vs[0].nonlinear, 1, "VM_NONLINEAR");
  const struct pte *pte = pte_at(0x10000);
  cr_assert_eq(pte->present, 1);
  cr_assert_eq(pte->page, p, "file page 1 at the vma's first page");
  cr_assert_eq(pte->write, 0, "vm_page_prot of a writenotify vma");
  cr_assert_eq(pte->dirty, 0);
  cr_assert_eq(model.s.page[p].mapcount, 1);
  int i = find(INSTALL_PAGE_SET, 0);
  cr_assert_geq(i, 0);
  cr_assert_eq(ev[i].page_lock, -1, "install_page without the page lock");
  cr_assert_eq(count("lock_page"), 0);
  cr_assert_eq(count(FILE_PTE_SET), 0, "no file pte: the page was found");
  cr_assert_geq(find("sys_remap_file_pages: down_write(mmap_sem); find_vma", 0),
                0, "VM_NONLINEAR needs mmap_sem for writing");
  sim_result_free(&r);
}

Test(remap, v2_6_23_installs_a_file_pte_then_faults_with_the_page_locked) {
  sim_result r = run_clean(
      NL("2.6.23", "1", "rw",
         "set fremap.linear_emulation = off\n") "cpu0: p1 remap 0x10000 "
                                                "pgoff=1\nexpect clean\n",
      NULL);
  int p = model.s.as[0].tree[1];
  cr_assert_eq(model.s.vs[0].nonlinear, 1);
  int f = find(FILE_PTE_SET, 0);
  int i = find(DO_FAULT_SET, 0);
  cr_assert_geq(f, 0, "populate_range");
  cr_assert_gt(i, f, "make_pages_present faults the file pte in");
  cr_assert_eq(ev[i].page_lock, 0, "__do_fault holds the page lock");
  cr_assert_eq(count(INSTALL_PAGE_SET), 0, "no ->populate");
  const struct pte *pte = pte_at(0x10000);
  cr_assert_eq(pte->present, 1);
  cr_assert_eq(pte->file, 0);
  cr_assert_eq(pte->page, p);
  /* make_pages_present writes (VM_WRITE): __do_fault dirties the page */
  cr_assert_eq(pte->dirty, 1);
  cr_assert(model.s.page[p].flags & PG_dirty);
  sim_result_free(&r);
}

Test(remap, v2_6_23_linear_offset_is_a_no_op) {
  sim_result r =
      run_clean(NL("2.6.23", "1", "rw", "") "cpu0: p1 remap 0x10000 pgoff=0\n"
                                            "expect clean\n",
                NULL);
  cr_assert_eq(model.s.vs[0].nonlinear, 0);
  cr_assert_eq(pte_at(0x10000)->present, 0, "nothing populated");
  cr_assert_eq(count("install"), 0);
  sim_result_free(&r);
}

Test(remap, v2_6_23_emulates_a_dirty_accounting_file_with_a_linear_vma) {
  sim_result r =
      run_clean(NL("2.6.23", "1", "rw", "") "cpu0: p1 remap 0x10000 pgoff=1\n"
                                            "cpu0: p1 load 0x10000\n"
                                            "expect clean\n",
                NULL);
  cr_assert_eq(model.nvma, 2, "the emulation's vma, laid out at build");
  cr_assert_eq(model.s.vs[0].gone, 1, "the old vma is unmapped");
  cr_assert_eq(model.s.vs[1].gone, 0);
  cr_assert_eq(model.s.vs[1].nonlinear, 0, "linear");
  cr_assert_eq(model.vma[1].pgoff, 1);
  cr_assert_eq(model.vma[1].pte_base, model.vma[0].pte_base);
  cr_assert_eq(find_vma(&model, 0, 0x10000), &model.vma[1]);
  cr_assert_eq(pte_at(0x10000)->page, model.s.as[0].tree[1],
               "the load maps file page 1 linearly");
  cr_assert_eq(count("VM_NONLINEAR"), 0);
  cr_assert_geq(find("mmap_region: vma_link: spin_lock(i_mmap_lock); "
                     "vma_prio_tree_insert",
                     0),
                0);
  sim_result_free(&r);
}

Test(remap, v2_6_20_nonblock_leaves_a_file_pte_for_an_uncached_page) {
  /* page 1 not cached: filemap_getpage(nonblock) finds nothing */
  sim_result r = run_clean("scenario \"t\"\nkernel 2.6.20\ncpus 2\n"
                           "file data size=8K cached=0\nmm p1\n"
                           "map p1 data at 0x10000 pages=1 shared rw\n"
                           "cpu0: p1 remap 0x10000 pgoff=1 nonblock\n"
                           "expect clean\n",
                           NULL);
  const struct pte *pte = pte_at(0x10000);
  cr_assert_eq(pte->present, 0);
  cr_assert_eq(pte->file, 1);
  cr_assert_eq(pte->pgoff, 1);
  cr_assert_eq(model.s.as[0].tree[1], -1, "no I/O for MAP_NONBLOCK");
  sim_result_free(&r);
}

/* ------------------------------------------------ faults on file ptes */

Test(file_pte, v2_6_20_do_file_page_populates_the_ptes_pgoff) {
  sim_result r = run_clean("scenario \"t\"\nkernel 2.6.20\ncpus 2\n"
                           "file data size=8K cached=0\nmm p1\n"
                           "map p1 data at 0x10000 pages=1 shared r\n"
                           "cpu0: p1 remap 0x10000 pgoff=1 nonblock\n"
                           "cpu0: p1 load 0x10000\nexpect clean\n",
                           NULL);
  int p = model.s.as[0].tree[1];
  cr_assert_geq(p, 0, "do_file_page read file page 1 in");
  const struct pte *pte = pte_at(0x10000);
  cr_assert_eq(pte->present, 1);
  cr_assert_eq(pte->file, 0);
  cr_assert_eq(pte->page, p);
  cr_assert_eq(model.s.last_load[0], model.s.page[p].data);
  cr_assert_eq(count(INSTALL_PAGE_SET), 1, "->populate from the fault");
  cr_assert_eq(count("__do_fault"), 0);
  sim_result_free(&r);
}

Test(file_pte, v2_6_23_do_nonlinear_fault_goes_through___do_fault) {
  sim_result r = run_clean("scenario \"t\"\nkernel 2.6.23\n"
                           "set fremap.linear_emulation = off\ncpus 2\n"
                           "file data size=8K cached=none\nmm p1\n"
                           "map p1 data at 0x10000 pages=1 shared r\n"
                           "cpu0: p1 remap 0x10000 pgoff=1 nonblock\n"
                           "cpu0: p1 load 0x10000\nexpect clean\n",
                           NULL);
  int p = model.s.as[0].tree[1];
  cr_assert_geq(p, 0);
  const struct pte *pte = pte_at(0x10000);
  cr_assert_eq(pte->present, 1);
  cr_assert_eq(pte->page, p, "the pte's pgoff, not the linear offset 0");
  cr_assert_eq(model.s.as[0].tree[0], -1, "page 0 never looked up");
  cr_assert_eq(count(DO_FAULT_SET), 1);
  cr_assert_eq(count(INSTALL_PAGE_SET), 0);
  sim_result_free(&r);
}

/* install_page's check under the pte lock: cpu0's remap finds page 1,
   then the truncate to one page runs whole; install_page, under the pte
   lock, sees the page without a mapping (and past i_size) and refuses
   (-EINVAL); filemap_populate drops the reference, freeing the page. */
Test(install_page, refuses_a_truncated_page) {
  setup(NL("2.6.20", "1", "rw", "") "cpu0: p1 remap 0x10000 pgoff=1\n"
                                    "cpu1: truncate data 4096\n"
                                    "expect clean\n",
        NULL);
  watched = model.init.as[0].tree[1];
  sim_result r = run("0*7.1*23.0*5");
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.s.as[0].i_size, 4096);
  cr_assert_eq(pte_at(0x10000)->present, 0, "not installed");
  int i = find("install_page: i_size_read; page->mapping && index < size?", 0);
  cr_assert_geq(i, 0);
  cr_assert_eq(count(INSTALL_PAGE_SET), 0);
  cr_assert_gt(i, find("vmtruncate: i_size_write", 0));
  cr_assert_eq(model.s.page[watched].count, 0, "freed");
  sim_result_free(&r);
}

/* ----------------------------------------------------- page_mkclean */

static struct {
  int ret;
  struct pte pte;
  uint8_t flags;
} seen;

/* cpu1: after cpu0's remap and store, page_mkclean of file page 1. */
static void mkclean_body(sim_thread *t) {
  mm_model *m = mm_of(t);
  int p = m->s.as[0].tree[1];
  sim_delay(t, 1000000);
  lock_page(t, m, p);
  seen.ret = page_mkclean(t, p);
  seen.pte = m->s.mm[0].pte[0];
  seen.flags = m->s.page[p].flags;
  unlock_page(t, m, p);
}

static void mkclean_after(const char *kernel, const char *remap) {
  char text[512];
  snprintf(text, sizeof text,
           NL("%s", "1", "rw", "") "%scpu0: p1 store 0x10000\n"
                                   "cpu1: delay 1\nexpect clean\n",
           kernel, remap);
  setup(text, NULL);
  memset(&seen, 0, sizeof seen);
  custom = 1;
  bodies[1] = mkclean_body;
}

Test(page_mkclean, skips_a_nonlinear_vma) {
  mkclean_after("2.6.22", "cpu0: p1 remap 0x10000 pgoff=1\n");
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, 0, "i_mmap only: nothing cleaned");
  cr_assert_eq(seen.pte.present, 1);
  cr_assert_eq(seen.pte.write, 1, "still writable");
  cr_assert_eq(seen.pte.dirty, 1, "still dirty");
  cr_assert(seen.flags & PG_dirty);
  sim_result_free(&r);
}

Test(page_mkclean, cleans_the_same_page_in_a_linear_vma) {
  /* the same page mapped linearly (pgoff 1) */
  setup("scenario \"t\"\nkernel 2.6.22\ncpus 2\n"
        "file data size=8K cached=0,1\nmm p1\n"
        "map p1 data at 0x10000 pages=1 pgoff=1 shared rw\n"
        "cpu0: p1 store 0x10000\ncpu1: delay 1\nexpect clean\n",
        NULL);
  memset(&seen, 0, sizeof seen);
  custom = 1;
  bodies[1] = mkclean_body;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(seen.ret, 1);
  cr_assert_eq(seen.pte.write, 0);
  cr_assert_eq(seen.pte.dirty, 0);
  sim_result_free(&r);
}

Test(page_mkclean, msync_leaves_the_nonlinear_pte_dirty_on_2_6_22) {
  setup(NL("2.6.22", "1", "rw", "") "cpu0: p1 remap 0x10000 pgoff=1\n"
                                    "cpu0: p1 store 0x10000\n"
                                    "cpu0: p1 msync 0x10000 sync\n"
                                    "expect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "writenotify-dirty");
  int p = model.s.as[0].tree[1];
  cr_assert_eq(pte_at(0x10000)->write, 1);
  cr_assert_eq(pte_at(0x10000)->dirty, 1);
  cr_assert_eq(model.s.page[p].flags & PG_dirty, 0, "cleaned by writeback");
  cr_assert(model.s.page[p].flags & PG_writeback, "v1 under writeback");
  sim_result_free(&r);
}

Test(page_mkclean, msync_twice_is_clean_with_3ee6dafc) {
  setup(NL("2.6.23", "1", "rw", "") "cpu0: p1 remap 0x10000 pgoff=1\n"
                                    "cpu0: p1 store 0x10000\n"
                                    "cpu0: p1 msync 0x10000 sync\n"
                                    "cpu0: p1 store 0x10000\n"
                                    "cpu0: p1 msync 0x10000 sync\n"
                                    "expect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int p = model.s.as[0].tree[1];
  cr_assert_eq(model.s.as[0].disk[1], model.s.page[p].data, "v2 on disk");
  sim_result_free(&r);
}

/* --------------------------------------- unmapping nonlinear vmas */

/* Two pages mapped linearly, then file page 0 remapped at the second:
   truncate to 0 zaps the whole nonlinear vma; the first pte (page 0 at
   its linear offset) becomes none, the second (page 0 at offset 1) a
   file pte holding 0. */
Test(unmap, truncate_leaves_a_file_pte_where_the_offset_differs) {
  sim_result r = run_clean(
      NL("2.6.20", "2", "rw mapped", "") "cpu0: p1 remap 0x11000 pgoff=0\n"
                                         "cpu0: truncate data 0\n"
                                         "expect clean\n",
      NULL);
  cr_assert_eq(model.s.vs[0].nonlinear, 1);
  const struct pte *a = pte_at(0x10000), *b = pte_at(0x11000);
  cr_assert_eq(a->present, 0);
  cr_assert_eq(a->file, 0, "linear offset: none");
  cr_assert_eq(b->present, 0);
  cr_assert_eq(b->file, 1, "file pte");
  cr_assert_eq(b->pgoff, 0);
  sim_result_free(&r);
}

/* dio_write of page 1 invalidates only page 1: the nonlinear zap walks
   the whole vma and keeps page 0 (outside [1, 1] by page->index). */
Test(unmap, invalidate_keeps_pages_outside_the_range_by_index) {
  sim_result r = run_clean(
      NL("2.6.20", "2", "r mapped", "") "cpu0: p1 remap 0x11000 pgoff=0\n"
                                        "cpu0: dio_write data page=1\n"
                                        "expect clean\n",
      NULL);
  const struct pte *a = pte_at(0x10000), *b = pte_at(0x11000);
  cr_assert_eq(a->present, 1, "page 0 kept");
  cr_assert_eq(b->present, 1, "page 0 kept");
  cr_assert_eq(a->page, model.s.as[0].tree[0]);
  cr_assert_eq(b->page, model.s.as[0].tree[0]);
  cr_assert_eq(model.s.page[a->page].mapcount, 2);
  sim_result_free(&r);
}

Test(unmap, munmap_clears_file_ptes) {
  sim_result r = run_clean("scenario \"t\"\nkernel 2.6.20\ncpus 2\n"
                           "file data size=8K cached=0\nmm p1\n"
                           "map p1 data at 0x10000 pages=1 shared rw\n"
                           "cpu0: p1 remap 0x10000 pgoff=1 nonblock\n"
                           "cpu0: p1 munmap 0x10000\nexpect clean\n",
                           NULL);
  const struct pte *pte = &model.s.mm[0].pte[0];
  cr_assert_eq(pte->present, 0);
  cr_assert_eq(pte->file, 0, "pte_clear_not_present_full");
  cr_assert_eq(count("zap_pte_range: pte_clear_not_present_full"), 1);
  sim_result_free(&r);
}
