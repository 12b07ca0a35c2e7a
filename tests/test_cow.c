/*
** test_cow.c - the R4 paths (issue 11): private copy-on-write
** (memory_cow.c), FOLL_FORCE|FOLL_WRITE through /proc/pid/mem and
** can_follow_write_pte per version (gup.c), the oracle
** file-written-without-permission on good and bad states.
*/
#include "model_harness.h"

/* One cached page of file 'data' (a tmpfs file), mapped private by p1 at
   0x10000 with protection 'prot', its pte present (read-only). */
#define PRIVATE_PAGE(kernel, prot, program)                                    \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=4K cached=all tmpfs\nmm p1\n"                                \
  "map p1 data at 0x10000 pages=1 private " prot " mapped\n" program

static int page0(void) {
  return model.s.as[0].tree[0];
}

/* A store to a private rw map breaks COW: the pte maps a new anonymous,
   exclusive page, dirty and writable, with the store's data; the cache
   page keeps its content and loses the mapping. */
Test(cow, store_to_private_map_copies) {
  setup(PRIVATE_PAGE("5.15", "rw", "cpu0: p1 store 0x10000\nexpect clean\n"),
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  const struct pte *pte = pte_at(0x10000);
  int cache = page0();
  cr_assert(pte->present && pte->write && pte->dirty);
  cr_assert_neq(pte->page, cache, "the pte still maps the cache page");
  const struct page *anon = &model.s.page[pte->page];
  cr_assert_eq(anon->anon, PAGE_ANON | PAGE_ANON_EXCLUSIVE);
  cr_assert_eq(anon->mapping, -1);
  cr_assert_eq(anon->count, 1);
  cr_assert_eq(model.s.page[cache].data, model.init.page[cache].data,
               "the store reached the file");
  cr_assert_neq(anon->data, model.init.page[cache].data);
  cr_assert_eq(model.s.page[cache].mapcount, 0);
  cr_assert_eq(model.s.page[cache].count, 1, "only the cache's reference");
  sim_result_free(&r);
}

/* MADV_DONTNEED frees the anonymous copy; the next load maps the file's
   page again, with the file's content. */
Test(cow, dontneed_drops_the_copy) {
  setup(PRIVATE_PAGE("5.15", "rw",
                     "cpu0: p1 store 0x10000\ncpu0: p1 madvise 0x10000 "
                     "dontneed\ncpu0: p1 load 0x10000\nexpect clean\n"),
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(model.s.last_load[0], model.init.page[page0()].data,
               "the load saw the private copy");
  sim_result_free(&r);
}

static long mem_ret;
static void procmem_body(sim_thread *t) {
  mem_ret = mem_write_page(t, 0, 0x10000);
}

/* A forced write through /proc/pid/mem into a private read-only map:
   do_wp_page copies, the pte stays read-only but dirty, and the kernel's
   store lands in the copy (5.15: via FOLL_COW; 6.0: the copy is an
   exclusive anonymous page). */
static void forced_write_copies(const char *kernel) {
  setup(PRIVATE_PAGE("5.15", "r", "cpu0: delay 1\nexpect clean\n"), kernel);
  custom = 1;
  bodies[0] = procmem_body;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernel, r.msg);
  cr_assert_eq(mem_ret, 0);
  const struct pte *pte = pte_at(0x10000);
  cr_assert(pte->present && !pte->write && pte->dirty, "%s", kernel);
  cr_assert_neq(pte->page, page0());
  uint32_t v0 = model.init.page[page0()].data;
  cr_assert_neq(model.s.page[pte->page].data, v0, "%s: write lost", kernel);
  cr_assert_eq(model.s.page[page0()].data, v0, "%s: file written", kernel);
  sim_result_free(&r);
}

Test(cow, forced_write_breaks_cow_5_15) {
  forced_write_copies("5.15");
}
Test(cow, forced_write_breaks_cow_6_0) {
  forced_write_copies("6.0");
}

/* can_follow_write_pte per version, on hand-made ptes. */
static int follow(const char *kernel, struct pte pte, int anon,
                  unsigned flags) {
  setup(PRIVATE_PAGE("5.15", "r", "cpu0: delay 1\nexpect clean\n"), kernel);
  model.s = model.init;
  model.s.page[pte.page].anon = (uint8_t)anon;
  return can_follow_write_pte(&model, &model.vma[0], pte, flags);
}

Test(cow, can_follow_write_pte_per_version) {
  struct pte ro_dirty = {.present = 1, .dirty = 1, .page = 0};
  struct pte ro_clean = {.present = 1, .page = 0};
  struct pte rw = {.present = 1, .write = 1, .page = 0};
  const unsigned fw = FOLL_FORCE | FOLL_WRITE;
  const int excl = PAGE_ANON | PAGE_ANON_EXCLUSIVE;
  /* a writable pte: always */
  cr_assert(follow("5.15", rw, 0, FOLL_WRITE));
  cr_assert(follow("6.0", rw, 0, FOLL_WRITE));
  /* 4.9-5.19: FOLL_FORCE|FOLL_COW and pte_dirty, whatever the page */
  cr_assert(follow("5.16", ro_dirty, 0, fw | FOLL_COW), "page-cache page");
  cr_assert(!follow("5.16", ro_dirty, excl, fw), "no FOLL_COW");
  cr_assert(!follow("5.16", ro_clean, excl, fw | FOLL_COW), "clean pte");
  cr_assert(!follow("5.16", ro_dirty, excl, FOLL_WRITE | FOLL_COW));
  /* 6.0: an exclusive anonymous page, dirty or not */
  cr_assert(!follow("6.0", ro_dirty, 0, fw | FOLL_COW), "page-cache page");
  cr_assert(!follow("6.0", ro_dirty, PAGE_ANON, fw), "anon, not exclusive");
  cr_assert(follow("6.0", ro_clean, excl, fw));
  cr_assert(!follow("6.0", ro_dirty, excl, FOLL_WRITE), "no FOLL_FORCE");
}

/* The oracle's predicate: a store through the private read-only vma into
   the cache page is denied (bad state); into an anonymous copy, or
   through a shared rw vma, it is not (good states). */
Test(cow, file_write_oracle_good_and_bad) {
  setup("scenario \"t\"\nkernel 5.16\ncpus 1\n"
        "file data size=8K cached=all tmpfs\nmm p1\n"
        "map p1 data at 0x10000 pages=1 private r\n"
        "map p1 data at 0x20000 pages=1 shared rw\n"
        "map p1 data at 0x30000 pages=1 private rw\n"
        "cpu0: delay 1\nexpect clean\n",
        NULL);
  model.s = model.init;
  int cache = page0();
  cr_assert(mm_file_write_denied(&model, &model.vma[0], cache));
  cr_assert(mm_file_write_denied(&model, &model.vma[2], cache),
            "private rw: a store must go to a copy");
  cr_assert(!mm_file_write_denied(&model, &model.vma[1], cache));
  model.s.page[cache].anon = PAGE_ANON | PAGE_ANON_EXCLUSIVE;
  model.s.page[cache].mapping = -1;
  cr_assert(!mm_file_write_denied(&model, &model.vma[0], cache));
}

/* ------------------------------------------------------------ userfaultfd */

#define UFFD_MINOR(kernel)                                                     \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=4K cached=all tmpfs\nmm p1\n"                                \
  "map p1 data at 0x10000 pages=1 private r\n"                                 \
  "cpu0: p1 uffd_register 0x10000 minor\ncpu0: p1 load 0x10000\n"              \
  "cpu1: p1 uffd_continue 0x10000\nexpect clean\n"

/* A minor fault blocks the loader until the handler's CONTINUE, which
   installs the cache page (5.15: clean; 5.16: dirty, read-only either
   way); the woken loader retries and reads the page. */
static void minor_fault(const char *kernel, int dirty) {
  setup(UFFD_MINOR("5.15"), kernel);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernel, r.msg);
  const struct pte *pte = pte_at(0x10000);
  cr_assert(pte->present && !pte->write, "%s", kernel);
  cr_assert_eq(pte->dirty, dirty, "%s: mfill_atomic_install_pte dirty bit",
               kernel);
  cr_assert_eq(pte->page, page0());
  cr_assert_eq(model.s.vs[0].uffd_waiting, 0, "waiter not woken");
  cr_assert_eq(model.s.vs[0].uffd_minor, 1);
  cr_assert_eq(model.s.last_load[0], model.init.page[page0()].data);
  sim_result_free(&r);
}

Test(uffd, continue_installs_a_clean_pte_on_5_15) {
  minor_fault("5.15", 0);
}
Test(uffd, continue_installs_a_dirty_read_only_pte_on_5_16) {
  minor_fault("5.16", 1);
}

/* The loader really blocks: with the handler held back, the loader is
   parked in handle_userfault with mmap_sem released (a deadlock without
   the handler: the scenario below has none). */
Test(uffd, minor_fault_without_handler_blocks) {
  setup("scenario \"t\"\nkernel 5.16\ncpus 1\n"
        "file data size=4K cached=all tmpfs\nmm p1\n"
        "map p1 data at 0x10000 pages=1 private r\n"
        "cpu0: p1 uffd_register 0x10000 minor\ncpu0: p1 load 0x10000\n"
        "expect clean\n",
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "deadlock");
  cr_assert(strstr(r.msg, "wait for the handler"), "%s", r.msg);
  cr_assert_eq(model.s.vs[0].uffd_waiting, 1);
  sim_result_free(&r);
}
