/*
** test_cow.c - the R4 paths (issue 11): private copy-on-write
** (memory_cow.c), FOLL_FORCE|FOLL_WRITE through /proc/pid/mem and
** can_follow_write_pte per version (gup.c), the oracle
** file-written-without-permission on good and bad states (at the store,
** and at a driver's FOLL_WRITE GUP lookup), userfaultfd minor faults
** (blocking, wake-up) and mfill_atomic_install_pte's pte bits per version.
*/
#include <stdio.h>

#include "model_harness.h"

/* A scenario of one page of file 'data' (size=4K and 'file_opts'), mapped
   by p1 at 0x10000 as 'map', then 'program' (thread lines and expect). */
#define PAGE_SCN(kernel, cpus, file_opts, map, program)                        \
  "scenario \"t\"\nkernel " kernel "\ncpus " cpus "\n"                         \
  "file data size=4K " file_opts "\nmm p1\n"                                   \
  "map p1 data at 0x10000 pages=1 " map "\n" program
#define IDLE "cpu0: delay 1\nexpect clean\n"

/* One cached page of file 'data' (a tmpfs file), mapped private by p1 at
   0x10000 with protection 'prot', its pte present (read-only). */
#define PRIVATE_PAGE(kernel, prot, program)                                    \
  PAGE_SCN(kernel, "2", "cached=all tmpfs", "private " prot " mapped", program)

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
  setup(PRIVATE_PAGE("5.15", "r", IDLE), kernel);
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
  setup(PRIVATE_PAGE("5.15", "r", IDLE), kernel);
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
  cr_assert(follow("5.15", ro_dirty, excl, fw | FOLL_COW), "the COW copy");
  cr_assert(follow("5.15", ro_dirty, 0, fw | FOLL_COW), "page-cache page");
  cr_assert(!follow("5.15", ro_clean, 0, fw | FOLL_COW), "clean pte");
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

/* The oracles' fixture: page 0 of a cached tmpfs file on 5.16 in three
   maps of p1, vma 0 private r, vma 1 shared rw, vma 2 private rw; the
   state is the initial one, for the test to change by hand.  Returns the
   page. */
static int page_in_three_maps(void) {
  setup("scenario \"t\"\nkernel 5.16\ncpus 1\n"
        "file data size=8K cached=all tmpfs\nmm p1\n"
        "map p1 data at 0x10000 pages=1 private r\n"
        "map p1 data at 0x20000 pages=1 shared rw\n"
        "map p1 data at 0x30000 pages=1 private rw\n" IDLE,
        NULL);
  model.s = model.init;
  return page0();
}

/* The oracle's predicate: a store through the private read-only vma into
   the cache page is denied (bad state); into an anonymous copy, or
   through a shared rw vma, it is not (good states). */
Test(cow, file_write_oracle_good_and_bad) {
  int cache = page_in_three_maps();
  cr_assert(mm_file_write_denied(&model, &model.vma[0], cache));
  cr_assert(mm_file_write_denied(&model, &model.vma[2], cache),
            "private rw: a store must go to a copy");
  cr_assert(!mm_file_write_denied(&model, &model.vma[1], cache));
  model.s.page[cache].anon = PAGE_ANON | PAGE_ANON_EXCLUSIVE;
  model.s.page[cache].mapping = -1;
  cr_assert(!mm_file_write_denied(&model, &model.vma[0], cache));
}

/* The oracle's GUP rule (mm_gup_write_denied, the rule of 5535be30) on
   hand-made ptes: a FOLL_WRITE lookup may return a page through a
   writable pte, or through a read-only one only in a private vma without
   VM_WRITE, and only an exclusive anonymous page. */
Test(oracles, gup_write_rule_good_and_bad) {
  int cache = page_in_three_maps(), anon = model.pool_base; /* a free page */
  const struct vma *priv_r = &model.vma[0], *shared_rw = &model.vma[1],
                   *priv_rw = &model.vma[2];
  struct pte ro_dirty = {.present = 1, .dirty = 1, .page = (int16_t)cache};
  struct pte rw = {
      .present = 1, .write = 1, .dirty = 1, .page = (int16_t)cache};
  /* bad: CONTINUE's dirty read-only pte of the cache page (CVE-2022-2590) */
  cr_assert(mm_gup_write_denied(&model, priv_r, ro_dirty));
  /* good: a writable pte, whatever the vma */
  cr_assert(!mm_gup_write_denied(&model, shared_rw, rw));
  /* good: the COW copy, exclusive anonymous, read-only in a !VM_WRITE vma */
  model.s.page[anon].anon = PAGE_ANON | PAGE_ANON_EXCLUSIVE;
  struct pte copy = {.present = 1, .dirty = 1, .page = (int16_t)anon};
  cr_assert(!mm_gup_write_denied(&model, priv_r, copy));
  /* bad: the same copy with VM_WRITE (a write fault must come first) */
  cr_assert(mm_gup_write_denied(&model, priv_rw, copy));
  /* bad: an anonymous page that is not exclusive (shared with a child) */
  model.s.page[anon].anon = PAGE_ANON;
  cr_assert(mm_gup_write_denied(&model, priv_r, copy));
  /* bad: a read-only pte of a shared vma */
  struct pte ro_clean = {.present = 1, .page = (int16_t)cache};
  cr_assert(mm_gup_write_denied(&model, shared_rw, ro_clean));
}

/* The GUP rule in a run: CVE-2022-2590's race with a driver's
   'gup write force' (get_user_pages(FOLL_FORCE|FOLL_WRITE)) in place of
   the /proc/self/mem write, on the minimal schedule explore finds for
   5.16: the retried lookup returns the page-cache page through
   CONTINUE's dirty read-only pte (FOLL_COW).  Nobody stores into it, so
   only the GUP rule can report it.  5.15 (clean CONTINUE pte) and 6.0
   (exclusive anonymous pages only) replay the same schedule clean. */
#define GUP_CVE                                                                \
  PAGE_SCN("5.16", "3", "cached=all tmpfs", "private r mapped",                \
           "cpu1: p1 uffd_register 0x10000 minor\n"                            \
           "cpu0: p1 gup 0x10000 write force\ncpu0: p1 unpin 0x10000\n"        \
           "cpu1: p1 madvise 0x10000 dontneed\ncpu1: p1 load 0x10000\n"        \
           "cpu2: p1 uffd_continue 0x10000\nexpect clean\n")
#define GUP_CVE_SCHED "0*3.1*14.0*15.2*10.1*6"

Test(oracles, gup_write_rule_fires_on_the_cve_race_5_16) {
  setup(GUP_CVE, "5.16");
  sim_result r = exec(SIM_POLICY_REPLAY, 1, GUP_CVE_SCHED);
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, "file-written-without-permission");
  cr_assert_str_eq(r.msg, "cpu0: a FOLL_WRITE GUP returned page#0 (data) "
                          "through a read-only dirty pte of a private "
                          "read-only mapping: not an exclusive anonymous "
                          "page");
  cr_assert_eq(model.s.page[page0()].data, model.init.page[page0()].data,
               "nobody wrote the page: only the GUP rule sees it");
  sim_result_free(&r);
}

static void gup_cve_clean(const char *kernel) {
  setup(GUP_CVE, kernel);
  sim_result r = exec(SIM_POLICY_REPLAY, 1, GUP_CVE_SCHED);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernel, r.msg);
  sim_result_free(&r);
}

Test(oracles, gup_write_rule_quiet_on_5_15) {
  gup_cve_clean("5.15");
}
Test(oracles, gup_write_rule_quiet_on_6_0) {
  gup_cve_clean("6.0");
}

/* ------------------------------------------------------------ userfaultfd */

/* cpu0 registers the map for minor faults and loads; cpu1 handles the
   fault with CONTINUE. */
#define UFFD_PROGRAM                                                           \
  "cpu0: p1 uffd_register 0x10000 minor\ncpu0: p1 load 0x10000\n"              \
  "cpu1: p1 uffd_continue 0x10000\nexpect clean\n"
#define UFFD_MINOR(kernel)                                                     \
  PAGE_SCN(kernel, "2", "cached=all tmpfs", "private r", UFFD_PROGRAM)

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

/* mfill_atomic_install_pte's pte for CONTINUE, per version and vma:
   writable only in a shared VM_WRITE vma (never for a page-cache page in
   a private vma); dirty if writable on 5.15, always from 5.16 (9ae0f87d,
   kept by 6.0). */
static void continue_pte(const char *kernel, const char *map, int write,
                         int dirty) {
  char text[512];
  snprintf(text, sizeof text,
           PAGE_SCN("5.15", "2", "cached=all tmpfs", "%s", UFFD_PROGRAM), map);
  setup(text, kernel);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s %s: %s", kernel, map, r.msg);
  const struct pte *pte = pte_at(0x10000);
  cr_assert(pte->present, "%s %s", kernel, map);
  cr_assert_eq(pte->page, page0(), "%s %s: not the cache page", kernel, map);
  cr_assert_eq(pte->write, write, "%s %s: write bit", kernel, map);
  cr_assert_eq(pte->dirty, dirty, "%s %s: dirty bit", kernel, map);
  sim_result_free(&r);
}

Test(uffd, mfill_atomic_install_pte_bits_per_version) {
  /* 5.15: dirty only if writable */
  continue_pte("5.15", "private r", 0, 0);
  continue_pte("5.15", "private rw", 0, 0);
  continue_pte("5.15", "shared r", 0, 0);
  continue_pte("5.15", "shared rw", 1, 1);
  /* 5.16 (9ae0f87d): always dirty, writable as before */
  continue_pte("5.16", "private r", 0, 1);
  continue_pte("5.16", "private rw", 0, 1);
  continue_pte("5.16", "shared r", 0, 1);
  continue_pte("5.16", "shared rw", 1, 1);
  /* 6.0: 9ae0f87d was not reverted */
  continue_pte("6.0", "private r", 0, 1);
  continue_pte("6.0", "shared rw", 1, 1);
}

/* Blocking and wake-up, step by step: the loader's minor fault queues
   itself and drops mmap_sem (handle_userfault), the handler's read(uffd)
   sees the fault, CONTINUE takes mmap_sem and installs the pte while the
   loader sleeps, wake_userfault wakes it, and only then does the loader's
   sleep return (VM_FAULT_RETRY): the retried access finds the pte. */
#define UFFD_MAX_EV 64
static struct uffd_rec {
  int tid;
  char step[160];
  int waiting; /* vma 0's uffd_waiting after the step */
  int sem;     /* holder of p1's mmap_sem after the step, or -1 */
  int present; /* pte present after the step */
} uev[UFFD_MAX_EV];
static int nuev;

static void uffd_on_event(void *arg, const sim_event *e) {
  (void)arg;
  cr_assert_lt(nuev, UFFD_MAX_EV);
  struct uffd_rec *r = &uev[nuev++];
  r->tid = e->tid;
  snprintf(r->step, sizeof r->step, "%s: %s", e->fn, e->what);
  r->waiting = model.s.vs[0].uffd_waiting;
  r->sem = sim_lock_holder(model.x, mmap_sem(&model, 0));
  r->present = pte_at(0x10000)->present;
}

static int uffd_find(int tid, const char *step) {
  for (int i = 0; i < nuev; i++)
    if (uev[i].tid == tid && !strcmp(uev[i].step, step))
      return i;
  cr_assert_fail("no step '%s' of thread %d", step, tid);
  return -1;
}

Test(uffd, minor_fault_sleeps_without_mmap_sem_until_continue_wakes_it) {
  setup(UFFD_MINOR("5.16"), NULL);
  nuev = 0;
  static const sim_observer ob = {.event = uffd_on_event};
  sim_result r = exec_with(SIM_POLICY_TIMED, 1, NULL, &ob);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
  int queued = uffd_find(0, "handle_userfault: __add_wait_queue("
                            "fault_pending_wqh); userfaultfd_must_wait: "
                            "pte_none?");
  int unlock = uffd_find(0, "handle_userfault: mmap_read_unlock");
  int seen = uffd_find(1, "userfaultfd_continue: read(uffd): wait for a fault");
  int install = uffd_find(1, "mfill_atomic_install_pte: i_size_read; "
                             "pte_none? page_add_file_rmap; set_pte_at");
  int wake = uffd_find(1, "userfaultfd_continue: wake_userfault");
  int woken = uffd_find(0, "handle_userfault: schedule: wait for the handler");
  cr_assert_eq(uev[queued].waiting, 1, "the fault is not queued");
  cr_assert_lt(queued, seen, "read(uffd) returned before the fault");
  cr_assert_lt(queued, unlock);
  cr_assert_eq(uev[unlock].sem, -1, "mmap_sem still held while sleeping");
  cr_assert(!uev[unlock].present);
  cr_assert_lt(unlock, install, "CONTINUE ran while the loader held mmap_sem");
  cr_assert(uev[install].present);
  cr_assert_lt(install, wake);
  cr_assert_eq(uev[wake].waiting, 0, "wake_userfault woke nobody");
  cr_assert_lt(wake, woken, "the loader's sleep ended before the wake-up");
  /* the retried access: after the wake, a load that finds the pte */
  cr_assert_eq(uev[nuev - 1].tid, 0);
  cr_assert_str_eq(uev[nuev - 1].step, "user: user load");
  cr_assert_gt(nuev - 1, woken);
  cr_assert_eq(model.s.last_load[0], model.init.page[page0()].data);
}

/* The loader really blocks: with the handler held back, the loader is
   parked in handle_userfault with mmap_sem released (a deadlock without
   the handler: the scenario below has none). */
Test(uffd, minor_fault_without_handler_blocks) {
  setup(PAGE_SCN("5.16", "1", "cached=all tmpfs", "private r",
                 "cpu0: p1 uffd_register 0x10000 minor\n"
                 "cpu0: p1 load 0x10000\nexpect clean\n"),
        NULL);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION);
  cr_assert_str_eq(r.kind, "deadlock");
  cr_assert(strstr(r.msg, "wait for the handler"), "%s", r.msg);
  cr_assert_eq(model.s.vs[0].uffd_waiting, 1);
  sim_result_free(&r);
}

/* A /proc/pid/mem write is a GUP whose caller passes no 'locked'
   (__access_remote_vm): its fault has no FAULT_FLAG_ALLOW_RETRY, so a
   minor fault on the registered vma does not sleep: handle_userfault
   returns VM_FAULT_SIGBUS and the write fails with -EFAULT, mmap_sem
   released, nobody queued for the handler. */
static void register_then_procmem(sim_thread *t) {
  cr_assert_eq(userfaultfd_register(t, 0, 0x10000), 0);
  mem_ret = mem_write_page(t, 0, 0x10000);
}

Test(uffd, procmem_write_into_a_minor_fault_is_efault) {
  setup(PAGE_SCN("5.16", "1", "cached=all tmpfs", "private r", IDLE), NULL);
  custom = 1;
  bodies[0] = register_then_procmem;
  mem_ret = 0;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  cr_assert_eq(mem_ret, -EFAULT);
  cr_assert_eq(model.s.vs[0].uffd_waiting, 0, "the GUP slept");
  cr_assert(!pte_at(0x10000)->present);
  cr_assert_eq(model.s.page[page0()].data, model.init.page[page0()].data);
  cr_assert_eq(model.fault_noretry[0], 0, "flag left set");
  sim_result_free(&r);
}

/* The synthetic knob uffd.minor_any_file (never released): a minor
   fault on a regular file's mapping blocks in filemap_fault's hook and
   CONTINUE maps the cached page, dirty on 5.16 (a clean page: CONTINUE
   does not dirty it), clean on 5.15. */
static void minor_fault_regular_file(const char *kernel, int dirty) {
  setup("scenario \"t\"\nkernel 5.15\nset uffd.minor_any_file = on\n"
        "cpus 2\nfile data size=4K cached=all\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared r\n"
        "cpu0: p1 uffd_register 0x10000 minor\ncpu0: p1 load 0x10000\n"
        "cpu1: p1 uffd_continue 0x10000\nexpect clean\n",
        kernel);
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernel, r.msg);
  const struct pte *pte = pte_at(0x10000);
  cr_assert(pte->present && !pte->write, "%s", kernel);
  cr_assert_eq(pte->dirty, dirty, "%s", kernel);
  cr_assert_eq(pte->page, page0());
  cr_assert(!(model.s.page[page0()].flags & PG_dirty), "%s", kernel);
  cr_assert_eq(model.s.vs[0].uffd_waiting, 0);
  sim_result_free(&r);
}

Test(uffd, synthetic_minor_fault_on_a_regular_file_5_15) {
  minor_fault_regular_file("5.15", 0);
}
Test(uffd, synthetic_minor_fault_on_a_regular_file_5_16) {
  minor_fault_regular_file("5.16", 1);
}

/* ------------------------------------------------- mprotect, dirty ptes */

/* mprotect(rw) of a shared read-only map whose pte is present and
   read-only, dirty or clean: is the pte writable afterwards?  The rule
   of change_pte_range per version (Hugh's question in seed 001): in a
   writenotify vma (a regular file) vm_page_prot stays read-only
   (d08b3851, 2.6.19) and only a dirty pte gets the write bit, with
   dirty_accountable (2.6.20 c1e6098b; 5.15/5.16 MM_CP_DIRTY_ACCT, 6.0
   can_change_pte_writable); a tmpfs vma is not writenotify: every pte
   becomes writable; the reviewed 2.6.17-mm patch made every pte
   writable. */
static int mprotect_pte_write;
static void mprotect_rw_body(sim_thread *t) {
  cr_assert_eq(sys_mprotect(t, 0, 0x10000, 4096, PROT_READ | PROT_WRITE), 0);
  mprotect_pte_write = pte_at(0x10000)->write;
}

static int mprotect_makes_writable(const char *kernel, int tmpfs, int dirty) {
  setup(tmpfs
            ? PAGE_SCN("5.15", "1", "cached=all tmpfs", "shared r mapped", IDLE)
            : PAGE_SCN("5.15", "1", "cached=all", "shared r mapped", IDLE),
        kernel);
  const struct vma *v = find_vma(&model, 0, 0x10000);
  struct pte *pte = &model.init.mm[0].pte[vma_pte_slot(v, 0x10000)];
  cr_assert(pte->present && !pte->write && !pte->dirty);
  pte->dirty = (uint8_t)dirty; /* as CONTINUE leaves it on 5.16 */
  custom = 1;
  bodies[0] = mprotect_rw_body;
  mprotect_pte_write = -1;
  sim_result r = exec(SIM_POLICY_TIMED, 1, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s: %s", kernel, r.msg);
  sim_result_free(&r);
  cr_assert_neq(mprotect_pte_write, -1);
  return mprotect_pte_write;
}

Test(mprotect, dirty_accountable_per_version) {
  /* writenotify file, dirty pte: writable from 2.6.20 on */
  cr_assert(!mprotect_makes_writable("2.6.19", 0, 1));
  cr_assert(mprotect_makes_writable("2.6.20", 0, 1));
  cr_assert(mprotect_makes_writable("5.15", 0, 1));
  cr_assert(mprotect_makes_writable("5.16", 0, 1));
  cr_assert(mprotect_makes_writable("6.0", 0, 1));
  /* writenotify file, clean pte: read-only (the store faults) */
  cr_assert(!mprotect_makes_writable("5.15", 0, 0));
  cr_assert(!mprotect_makes_writable("5.16", 0, 0));
  cr_assert(!mprotect_makes_writable("6.0", 0, 0));
  /* the -mm patch: the shared protection, write bit included */
  cr_assert(mprotect_makes_writable("2.6.17-mm", 0, 0));
  /* tmpfs is not writenotify: writable, dirty or not */
  cr_assert(mprotect_makes_writable("5.16", 1, 0));
  cr_assert(mprotect_makes_writable("5.16", 1, 1));
}
