/*
** test_punch.c - the hole punch (issue 10): madvise(MADV_REMOVE) of a
** tmpfs mapping and tmpfs's fault.  Each test runs a small scenario,
** records every step of the threads as "function: operation" with the
** lock holders seen right after it, and asserts the exact sequence of the
** lock steps: 2.6.20's sys_madvise holds mmap_sem for writing across
** vmtruncate_range, 2.6.22 (90ed52eb) drops it around it; shmem_nopage
** takes the page lock in find_lock_page and drops it before the pte is
** installed, 2.6.23's shmem_fault keeps it until after.  Then what the
** model refuses to run, with its line and column.
*/
#include <stdio.h>
#include <string.h>

#include "model_harness.h"

/* ------------------------------------------------------------ recording */

#define MAX_EV 512
static struct rec {
  int tid;
  char step[160];  /* "fn: what" */
  int mmap_sem[2]; /* exclusive holder of mm 0's / mm 1's mmap_sem, or -1 */
  int page_lock;   /* holder of page slot 0's lock, or -1 */
} ev[MAX_EV];
static int nev;

static void on_event(void *arg, const sim_event *e) {
  (void)arg;
  cr_assert_lt(nev, MAX_EV);
  struct rec *r = &ev[nev++];
  r->tid = e->tid;
  snprintf(r->step, sizeof r->step, "%s: %s", e->fn, e->what);
  for (int mm = 0; mm < 2; mm++)
    r->mmap_sem[mm] =
        mm < scn.nmms ? sim_lock_holder(model.x, mmap_sem(&model, mm)) : -1;
  r->page_lock = sim_lock_holder(model.x, page_lock_oid(&model, 0));
}

/* One execution (timed, or replaying 'sched'), every step recorded. */
static sim_result run(const char *sched) {
  nev = 0;
  static const sim_observer ob = {.event = on_event};
  return exec_with(sched ? SIM_POLICY_REPLAY : SIM_POLICY_TIMED, 1, sched, &ob);
}

/* The index of the first recorded step of thread 'tid' equal to 'step'
   from 'from' on; fails if there is none. */
static int find(int tid, const char *step, int from) {
  for (int i = from; i < nev; i++)
    if (ev[i].tid == tid && !strcmp(ev[i].step, step))
      return i;
  cr_assert_fail("no step '%s' of thread %d from #%d", step, tid, from);
  return -1;
}

/* The steps of thread 'tid' whose operation names one of 'locks' must be
   exactly 'want' (NULL-terminated), in order. */
static void lock_steps_are(int tid, const char *const *locks,
                           const char *const *want) {
  int k = 0;
  for (int i = 0; i < nev; i++) {
    if (ev[i].tid != tid)
      continue;
    int is_lock = 0;
    for (const char *const *l = locks; *l; l++)
      is_lock |= strstr(ev[i].step, *l) != NULL;
    if (!is_lock)
      continue;
    cr_assert_not_null(want[k], "extra lock step #%d '%s'", i, ev[i].step);
    cr_assert_str_eq(ev[i].step, want[k], "lock step %d", k);
    k++;
  }
  cr_assert_null(want[k], "missing lock step '%s'", want[k]);
}

/* ------------------------------------------------ madvise(MADV_REMOVE) */

/* One tmpfs page, cached and mapped in p1, punched by p1. */
#define PUNCH_ONE(kernel)                                                      \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file shm size=4K cached=all tmpfs\nmm p1\n"                                 \
  "map p1 shm at 0x10000 pages=1 shared rw mapped\n"                           \
  "cpu0: p1 madvise 0x10000 remove\nexpect clean\n"

static const char *const madvise_locks[] = {"mmap_sem", "i_mutex",
                                            "i_alloc_sem", NULL};

/* The punch did its work: page gone from the cache, the pte zapped. */
static void punched(void) {
  cr_assert_eq(model.s.as[0].tree[0], -1);
  cr_assert_eq(model.s.as[0].nrpages, 0);
  cr_assert_eq(pte_at(0x10000)->present, 0);
  cr_assert_eq(model.s.page[0].count, 0, "freed");
}

Test(madvise_remove, v2_6_20_holds_mmap_sem_for_write_across_vmtruncate_range) {
  setup(PUNCH_ONE("2.6.20"), NULL);
  sim_result r = run(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  static const char *const want[] = {
      "sys_madvise: down_write(mmap_sem); find_vma_prev",
      "vmtruncate_range: mutex_lock(i_mutex)",
      "vmtruncate_range: down_write(i_alloc_sem)",
      "vmtruncate_range: up_write(i_alloc_sem)",
      "vmtruncate_range: mutex_unlock(i_mutex)",
      "sys_madvise: up_write(mmap_sem)",
      NULL};
  lock_steps_are(0, madvise_locks, want);
  int from = find(0, "vmtruncate_range: mutex_lock(i_mutex)", 0);
  int to = find(0, "vmtruncate_range: mutex_unlock(i_mutex)", from);
  for (int i = from; i <= to; i++)
    cr_assert_eq(ev[i].mmap_sem[0], 0, "#%d %s: mmap_sem held for writing", i,
                 ev[i].step);
  /* the steps between: the unmap, the truncate and shmem_truncate_range's
     second truncate of the (now empty) cache */
  find(0, "unmap_mapping_range: spin_lock(i_mmap_lock); truncate_count++",
       from);
  int trunc = find(0,
                   "truncate_complete_page: page->mapping == mapping; "
                   "cancel_dirty_page",
                   from);
  find(0, "shmem_truncate_range: inode->i_mapping->nrpages && SHMEM_PAGEIN",
       trunc);
  punched();
  sim_result_free(&r);
}

Test(madvise_remove, v2_6_22_drops_mmap_sem_around_vmtruncate_range) {
  setup(PUNCH_ONE("2.6.22"), NULL);
  sim_result r = run(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  static const char *const want[] = {
      "sys_madvise: down_write(mmap_sem); find_vma_prev",
      "madvise_remove: up_write(mmap_sem)",
      "vmtruncate_range: mutex_lock(i_mutex)",
      "vmtruncate_range: down_write(i_alloc_sem)",
      "vmtruncate_range: up_write(i_alloc_sem)",
      "vmtruncate_range: mutex_unlock(i_mutex)",
      "madvise_remove: down_write(mmap_sem)",
      "sys_madvise: up_write(mmap_sem)",
      NULL};
  lock_steps_are(0, madvise_locks, want);
  int from = find(0, "madvise_remove: up_write(mmap_sem)", 0);
  int to = find(0, "madvise_remove: down_write(mmap_sem)", from);
  for (int i = from; i < to; i++)
    cr_assert_eq(ev[i].mmap_sem[0], -1, "#%d %s: mmap_sem free", i, ev[i].step);
  punched();
  sim_result_free(&r);
}

/* The knob alone makes the difference: 2.6.20 with it set behaves as
   2.6.22. */
Test(madvise_remove, the_knob_alone_drops_mmap_sem) {
  setup("scenario \"t\"\nkernel 2.6.20\n"
        "set madvise.remove_drops_mmap_sem = on\ncpus 2\n"
        "file shm size=4K cached=all tmpfs\nmm p1\n"
        "map p1 shm at 0x10000 pages=1 shared rw mapped\n"
        "cpu0: p1 madvise 0x10000 remove\nexpect clean\n",
        NULL);
  sim_result r = run(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  find(0, "madvise_remove: up_write(mmap_sem)", 0);
  sim_result_free(&r);
}

/* Two threads of one process: the punch first (thread 1), then the fault
   (thread 0).  2.6.20: the fault's down_read waits until the punch has
   released mmap_sem, then maps a new zeroed page (the hole).  2.6.22:
   the fault runs inside the punch. */
#define SAME_MM(kernel)                                                        \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file shm size=4K cached=all tmpfs\nmm p1\n"                                 \
  "map p1 shm at 0x10000 pages=1 shared rw\n"                                  \
  "cpu0: p1 load 0x10000\ncpu1: p1 madvise 0x10000 remove\nexpect clean\n"

Test(madvise_remove, v2_6_20_a_fault_of_the_same_process_waits_for_the_punch) {
  setup(SAME_MM("2.6.20"), NULL);
  sim_result r = run("1*2.0*1000");
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int fault = find(0, "do_page_fault: down_read(mmap_sem); find_vma", 0);
  int up = find(1, "sys_madvise: up_write(mmap_sem)", 0);
  cr_assert_lt(up, fault, "the fault took mmap_sem after the punch");
  cr_assert_lt(find(1, "vmtruncate_range: mutex_lock(i_mutex)", 0), fault);
  /* a new page, allocated and zeroed by shmem_getpage */
  find(0,
       "shmem_getpage: shmem_swp_alloc: no swap entry; shmem_alloc_page; "
       "add_to_page_cache_lru",
       fault);
  cr_assert_eq(model.s.last_load[0], 0, "a hole reads zeroes");
  int p = model.s.as[0].tree[0];
  cr_assert_geq(p, 0);
  cr_assert_eq(pte_at(0x10000)->page, p);
  sim_result_free(&r);
}

Test(madvise_remove, v2_6_22_a_fault_of_the_same_process_runs_inside) {
  setup(SAME_MM("2.6.22"), NULL);
  sim_result r = run("1*2.0*1000");
  int fault = find(0, "do_page_fault: down_read(mmap_sem); find_vma", 0);
  cr_assert_lt(fault, find(1, "vmtruncate_range: mutex_unlock(i_mutex)", 0),
               "the fault took mmap_sem during the punch");
  sim_result_free(&r);
}

/* ------------------------------------------------------- tmpfs faults */

#define FAULT_ONE(kernel, cached)                                              \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file shm size=4K cached=" cached " tmpfs\nmm p1\n"                          \
  "map p1 shm at 0x10000 pages=1 shared rw\n"                                  \
  "cpu0: p1 load 0x10000\nexpect clean\n"

static const char *const fault_locks[] = {
    "lock_page",           "TestSetPageLocked", "ptl",
    "pte_offset_map_lock", "pte_unmap_unlock",  NULL};

Test(shmem, v2_6_20_shmem_nopage_unlocks_the_page_before_the_pte) {
  setup(FAULT_ONE("2.6.20", "all"), NULL);
  sim_result r = run(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  static const char *const want[] = {
      "find_lock_page: radix_tree_lookup; TestSetPageLocked",
      "shmem_getpage: unlock_page", "do_no_page: pte_offset_map_lock",
      "do_no_page: pte_unmap_unlock", NULL};
  lock_steps_are(0, fault_locks, want);
  int look = find(0, "find_lock_page: radix_tree_lookup; TestSetPageLocked",
                  find(0, "shmem_nopage: i_size_read", 0));
  cr_assert_eq(ev[look].page_lock, 0, "find_lock_page took the page lock");
  cr_assert_eq(ev[look + 1].page_lock, 0);
  cr_assert_str_eq(ev[look + 1].step, "shmem_getpage: PageUptodate");
  int set =
      find(0, "do_no_page: pte_none? set_pte_at; page_add_file_rmap", look);
  cr_assert_eq(ev[set].page_lock, -1, "the pte goes in unlocked");
  cr_assert(pte_at(0x10000)->present && pte_at(0x10000)->write,
            "tmpfs is not writenotify: the shared protection");
  cr_assert_eq(model.s.last_load[0], model.s.page[0].data);
  sim_result_free(&r);
}

Test(shmem, v2_6_23_shmem_fault_returns_the_page_locked) {
  setup(FAULT_ONE("2.6.23", "all"), NULL);
  sim_result r = run(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  static const char *const want[] = {
      "find_lock_page: radix_tree_lookup; TestSetPageLocked",
      "__do_fault: pte_offset_map_lock", "__do_fault: pte_unmap_unlock",
      "__do_fault: unlock_page", NULL};
  lock_steps_are(0, fault_locks, want);
  find(0, "shmem_fault: i_size_read", 0);
  int set = find(0, "__do_fault: pte_same? set_pte_at; page_add_file_rmap", 0);
  cr_assert_eq(ev[set].page_lock, 0, "the pte goes in under the page lock");
  sim_result_free(&r);
}

Test(shmem, a_hole_is_a_new_zeroed_page) {
  setup(FAULT_ONE("2.6.20", "none"), NULL);
  sim_result r = run(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  static const char *const want[] = {
      "find_lock_page: radix_tree_lookup; TestSetPageLocked",
      "shmem_getpage: shmem_swp_alloc: no swap entry; shmem_alloc_page; "
      "add_to_page_cache_lru",
      "shmem_getpage: unlock_page",
      "do_no_page: pte_offset_map_lock",
      "do_no_page: pte_unmap_unlock",
      NULL};
  static const char *const adds[] = {
      "lock_page",        "TestSetPageLocked",     "ptl", "pte_offset_map_lock",
      "pte_unmap_unlock", "add_to_page_cache_lru", NULL};
  lock_steps_are(0, adds, want);
  int add = find(0,
                 "shmem_getpage: shmem_swp_alloc: no swap entry; "
                 "shmem_alloc_page; add_to_page_cache_lru",
                 0);
  cr_assert_str_eq(ev[add + 1].step, "shmem_getpage: SetPageUptodate");
  int p = model.s.as[0].tree[0];
  cr_assert_geq(p, 0);
  cr_assert_eq(model.s.page[p].data, 0);
  cr_assert(model.s.page[p].flags & PG_uptodate);
  cr_assert_eq(model.s.last_load[0], 0);
  sim_result_free(&r);
}

/* ------------------------------------------------- load-time checks */

Test(madvise_remove, the_model_refuses_a_punch_2_6_20_would_fail) {
  static const struct {
    const char *ops, *msg;
  } cases[] = {
      {"cpu0: p1 madvise 0x10000 remove\n",
       "t.scn:9:7: error: madvise remove of a file without ->truncate_range "
       "(vmtruncate_range: -ENOSYS; in 2.6.20 only tmpfs has it), expected a "
       "map of a file declared with 'tmpfs'"},
      {"cpu0: p1 madvise 0x20000 remove\n",
       "t.scn:9:7: error: madvise remove of a map that is not shared rw "
       "(madvise_remove: -EACCES), expected a map declared shared rw"},
      {"cpu0: p1 madvise 0x30000 remove\n",
       "t.scn:9:7: error: madvise remove of a map that is not shared rw "
       "(madvise_remove: -EACCES), expected a map declared shared rw"},
      {"cpu0: read shm page=0\n",
       "t.scn:9:7: error: read of a tmpfs file: shmem_file_read is not "
       "modelled, expected a file without 'tmpfs'"},
      {"cpu0: p1 msync 0x20000 sync\n",
       "t.scn:9:7: error: msync sync of a tmpfs map: tmpfs does no writeback "
       "(simple_sync_file) and the model does not run it, expected async or "
       "a map of a file without 'tmpfs'"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[512], err[512];
    snprintf(text, sizeof text,
             "scenario \"t\"\nkernel 2.6.20\ncpus 1\n"
             "file data size=4K cached=all\n"
             "file shm size=4K cached=all tmpfs\nmm p1\n"
             "map p1 data at 0x10000 pages=1 shared rw\n"
             "map p1 shm at 0x20000 pages=1 shared r\n%s"
             "expect clean\n",
             cases[i].ops);
    if (i == 2) /* the tmpfs map private rw instead of shared r */
      snprintf(text, sizeof text,
               "scenario \"t\"\nkernel 2.6.20\ncpus 1\n"
               "file data size=4K cached=all\n"
               "file shm size=4K cached=all tmpfs\nmm p1\n"
               "map p1 data at 0x10000 pages=1 shared rw\n"
               "map p1 shm at 0x30000 pages=1 private rw\n%s"
               "expect clean\n",
               cases[i].ops);
    cr_assert_eq(scn_parse_string("t.scn", text, &scn, err, sizeof err), 0,
                 "%s", err);
    cr_assert_eq(mm_model_init(&model, &scn, NULL, err, sizeof err), -1, "%s",
                 text);
    cr_assert_str_eq(err, cases[i].msg);
  }
}

/* ------------------------------------- the mmap_sem / i_mutex ABBA */

/* Thread 0 punches page 0 of p1's tmpfs map; thread 1 writes page 1 of
   the file from p1's (not yet faulted) page 0: shmem_file_write takes
   i_mutex, then faults on its buffer (mmap_sem for reading).  Thread 1
   takes i_mutex first, then thread 0 mmap_sem for writing.  The
   footprint check is on: shmem_file_write's copy declares what it
   writes. */
#define ABBA(kernel)                                                           \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "set debug.footprint_check = on\n"                                           \
  "file shm size=8K cached=all tmpfs\nmm p1\n"                                 \
  "map p1 shm at 0x10000 pages=2 shared rw\n"                                  \
  "cpu0: p1 madvise 0x10000 remove\ncpu1: delay 0\nexpect clean\n"

static void write_from_p1(sim_thread *t) {
  cr_assert_eq(shmem_file_write(t, 0, 1, 0, 0x10000), PAGE_SIZE);
}

Test(abba, v2_6_20_madvise_remove_vs_a_write_faulting_on_its_buffer) {
  setup(ABBA("2.6.20"), NULL);
  custom = 1;
  bodies[1] = write_from_p1;
  sim_result r = run("1.0*1000");
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, "deadlock");
  /* thread 1: i_mutex, then waits for mmap_sem in the fault of its
     copy; thread 0: mmap_sem (write), then waits for i_mutex */
  int im = find(1, "shmem_file_write: mutex_lock(i_mutex)", 0);
  int ms = find(0, "sys_madvise: down_write(mmap_sem); find_vma_prev", 0);
  cr_assert_lt(im, ms);
  find(1, "shmem_file_write: __copy_from_user", im);
  for (int i = 0; i < nev; i++)
    cr_assert(
        strcmp(ev[i].step, "vmtruncate_range: mutex_lock(i_mutex)") &&
            strcmp(ev[i].step, "do_page_fault: down_read(mmap_sem); find_vma"),
        "#%d %s: should be waiting", i, ev[i].step);
  cr_assert_eq(sim_lock_holder(model.x, i_mutex(&model, 0)), 1);
  cr_assert_eq(sim_lock_holder(model.x, mmap_sem(&model, 0)), 0);
  sim_result_free(&r);
}

Test(abba, v2_6_22_the_punch_waits_without_mmap_sem) {
  setup(ABBA("2.6.22"), NULL);
  custom = 1;
  bodies[1] = write_from_p1;
  sim_result r = run("1.0*1000");
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int fault = find(1, "do_page_fault: down_read(mmap_sem); find_vma", 0);
  int unlock = find(1, "shmem_file_write: mutex_unlock(i_mutex)", fault);
  cr_assert_lt(find(0, "madvise_remove: up_write(mmap_sem)", 0), fault);
  cr_assert_lt(unlock, find(0, "vmtruncate_range: mutex_lock(i_mutex)", 0));
  cr_assert_eq(model.s.as[0].tree[0], -1, "page 0 punched after the write");
  sim_result_free(&r);
}

/* ------------------------------ a tmpfs fault meets the punch's lock */

/* fault-punch.scn, the punch (thread 1) run up to its TestSetPageLocked of
   the page, then the fault of the other process (thread 0).  tmpfs's
   find_lock_page cannot take the page: it sleeps in lock_page until
   truncate has removed the page and unlocked it, sees page->mapping
   gone, drops it, looks again and finds a hole: a new zeroed page, which
   2.6.20 maps (its truncate_count was sampled after the unmap) and the
   punch's pass 2 then removes, still mapped. */
#define FAULT_PUNCH                                                            \
  "file data size=4K cached=all tmpfs\nmm p1\nmm p2\n"                         \
  "map p1 data at 0x10000 pages=1 shared rw\n"                                 \
  "map p2 data at 0x20000 pages=1 shared rw\n"                                 \
  "cpu0: p1 load 0x10000\ncpu1: p2 madvise 0x20000 remove\nexpect clean\n"

Test(shmem, v2_6_20_the_fault_waits_for_the_punchs_page_lock_and_rechecks) {
  setup("scenario \"t\"\nkernel 2.6.20\ncpus 2\n" FAULT_PUNCH, NULL);
  sim_result r = run("1*12.0*1000");
  int trylock = find(1, "truncate_inode_pages_range: TestSetPageLocked", 0);
  cr_assert_eq(ev[trylock].page_lock, 1);
  int look =
      find(0, "find_lock_page: radix_tree_lookup; TestSetPageLocked", trylock);
  int unlock = find(1, "truncate_inode_pages_range: unlock_page", look);
  int wait = find(0, "find_lock_page: lock_page", look);
  cr_assert_lt(unlock, wait, "lock_page waited for truncate's unlock");
  cr_assert_str_eq(ev[wait + 1].step,
                   "find_lock_page: page->mapping == mapping?");
  cr_assert_str_eq(ev[wait + 2].step, "find_lock_page: unlock_page");
  cr_assert_str_eq(ev[wait + 4].step,
                   "find_lock_page: radix_tree_lookup; TestSetPageLocked");
  cr_assert_str_eq(ev[wait + 5].step,
                   "shmem_getpage: shmem_swp_alloc: no swap entry; "
                   "shmem_alloc_page; add_to_page_cache_lru");
  cr_assert_eq(model.s.last_load[0], 0, "the new page: zeroes");
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, "page-mapped-on-remove");
  cr_assert(strstr(r.msg, "page#1"), "the new page: %s", r.msg);
  sim_result_free(&r);
}

Test(shmem, v2_6_23_the_same_schedule_is_clean) {
  setup("scenario \"t\"\nkernel 2.6.23\ncpus 2\n" FAULT_PUNCH, NULL);
  sim_result r = run("1*12.0*1000");
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  sim_result_free(&r);
}

/* The scenario's 'write' to a tmpfs file is shmem_file_write: i_mutex,
   shmem_getpage (unlocked), a copy that faults with i_mutex held (no
   prefault), set_page_dirty. */
Test(shmem, a_write_to_a_tmpfs_file_is_shmem_file_write) {
  setup("scenario \"t\"\nkernel 2.6.20\ncpus 1\n"
        "file shm size=8K cached=all tmpfs\nmm p1\n"
        "map p1 shm at 0x10000 pages=2 shared rw\n"
        "cpu0: write shm page=1 from p1 0x10000\nexpect clean\n",
        NULL);
  sim_result r = run(NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s", r.msg);
  int lock = find(0, "shmem_file_write: mutex_lock(i_mutex)", 0);
  int copy = find(0, "shmem_file_write: __copy_from_user", lock);
  int fault = find(0, "do_page_fault: down_read(mmap_sem); find_vma", copy);
  int again = find(0, "shmem_file_write: __copy_from_user", fault);
  int unlock = find(0, "shmem_file_write: mutex_unlock(i_mutex)", again);
  cr_assert_lt(find(0, "shmem_getpage: unlock_page", lock), copy,
               "the destination is unlocked before the copy");
  cr_assert_lt(again, unlock);
  int p = model.s.as[0].tree[1];
  cr_assert_eq(model.s.page[p].data >> 24, 1, "written by thread 0");
  cr_assert(model.s.page[p].flags & PG_dirty);
  sim_result_free(&r);
}
