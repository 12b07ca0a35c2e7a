/*
** test_lockdep_mm.c - the lock-order checker on the MM model: its lock
** classes and the declared order of models/locks.h (mm_lock_order), the
** -mm try_to_free_buffers inversion found by one run that does not
** deadlock, the class graph of the fixed kernel, the locks the order
** leaves out, a lock the order does not list, and the 2.6.23 page lock
** recursion of write-recursion.scn (find_lock_page's trylock that waits).
*/
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_harness.h"
#include "models/locks.h"
#include "sim/lockdep.h"

/* One execution of the bound scenario with model ops 'ops' and class
   graph ld: timed (seed 1), or with 'sched' a replay of it that must not
   diverge. */
static sim_result exec_ld(const sim_model_ops *ops, sim_lockdep *ld,
                          const char *sched) {
  uint8_t *seq = NULL;
  sim_sched ss;
  sim_exec_cfg cfg = {
      .ops = ops,
      .model = &model,
      .nthreads = model.nthreads,
      .threads = model.threads,
      .nobjs = model.nobjs,
      .chooser = sched ? replay_chooser(&ss, sched, &seq)
                       : sim_sched_init(&ss, SIM_POLICY_TIMED, 1, NULL, 0),
      .lockdep = ld};
  sim_result r;
  cr_assert_eq(sim_exec_run(&cfg, &r), 0);
  if (sched)
    cr_assert_eq(ss.diverged, 0);
  free(seq);
  return r;
}

/* Does the graph have edge "a -> b" (as sim_lockdep_edge_text)? */
static int has_edge(const sim_lockdep *ld, const char *text) {
  char buf[128];
  for (int i = 0; i < sim_lockdep_nedges(ld); i++) {
    sim_lockdep_edge_text(ld, i, buf, sizeof buf);
    if (!strcmp(buf, text))
      return 1;
  }
  return 0;
}

/* p1 keeps the page mapped (clean and read-only after the fsync); p2
   dirties it and unmaps it; the journal cleans the buffer; cpu1 then
   releases the buffers of the page, still dirty. */
#define RELEASE_MAPPED(kernel)                                                 \
  "scenario \"t\"\nkernel " kernel "\ncpus 2\n"                                \
  "file data size=4K cached=all buffers\nmm p1\nmm p2\n"                       \
  "map p1 data at 0x10000 pages=1 shared rw\n"                                 \
  "map p2 data at 0x20000 pages=1 shared rw\n"                                 \
  "cpu0: p1 store 0x10000\ncpu0: fsync data\ncpu0: p2 store 0x20000\n"         \
  "cpu0: p2 munmap 0x20000\ncpu0: fs_flush data\n"                             \
  "cpu1: delay 1000000\ncpu1: release data page=0\nexpect clean\n"

Test(lockdep_mm, classes_are_the_declared_ranks) {
  setup(RELEASE_MAPPED("2.6.20"), NULL);
  char name[32];
  const struct {
    sim_oid o;
    int cls;
    const char *name;
  } cases[] = {
      {mm_oid(&model, OC_I_MUTEX, 0), LC_I_MUTEX, "i_mutex"},
      {mmap_sem(&model, 1), LC_MMAP_SEM, "mmap_sem"},
      {page_lock_oid(&model, 3), LC_PG_LOCKED, "PG_locked"},
      {page_writeback_oid(&model, 3), LC_PG_WRITEBACK, "PG_writeback"},
      {i_mmap_lock(&model, 0), LC_I_MMAP_LOCK, "i_mmap_lock"},
      {pte_lock(&model, 0), LC_PTL, "ptl"},
      {private_lock(&model, 0), LC_PRIVATE_LOCK, "private_lock"},
      {tree_lock(&model, 0), LC_TREE_LOCK, "tree_lock"},
      {mm_oid(&model, OC_BH_LOCK, 0), -1, ""}, /* handed to the I/O */
      {mm_oid(&model, OC_BIOQ, 0), -1, ""},    /* the model's own wait */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    name[0] = 0;
    cr_assert_eq(mm_model_ops.lock_class(&model, cases[i].o, name, sizeof name),
                 cases[i].cls, "case %zu", i);
    cr_assert_str_eq(name, cases[i].name, "case %zu", i);
  }
  /* the order: outer before inner, never the reverse */
  cr_assert_eq(mm_model_ops.lock_order(&model, LC_I_MMAP_LOCK, LC_PTL, name,
                                       sizeof name),
               0);
  char rule[128];
  cr_assert_eq(mm_model_ops.lock_order(&model, LC_PRIVATE_LOCK, LC_I_MMAP_LOCK,
                                       rule, sizeof rule),
               1);
  cr_assert_str_eq(rule, "i_mmap_lock is taken outside private_lock");
  cr_assert_eq(
      mm_model_ops.lock_order(&model, LC_PTL, LC_PTL, rule, sizeof rule),
      1); /* two ptls nest nowhere in the model */
}

/* R2b on the -mm patch: the cycle private_lock -> i_mmap_lock -> ptl ->
   private_lock from one timed run in which nothing blocks. */
Test(lockdep_mm, minus_mm_release_closes_the_cycle_without_deadlock) {
  setup(RELEASE_MAPPED("2.6.17-mm"), NULL);
  sim_lockdep *ld = sim_lockdep_new();
  sim_result r = exec_ld(&mm_model_ops, ld, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, "lock-order");
  cr_assert(strstr(r.msg, "possible circular locking dependency: "
                          "private_lock -> i_mmap_lock -> ptl -> "
                          "private_lock") == r.msg,
            "%s", r.msg);
  cr_assert(has_edge(ld, "i_mmap_lock -> ptl"));
  cr_assert(has_edge(ld, "ptl -> private_lock"));
  cr_assert(has_edge(ld, "private_lock -> i_mmap_lock"));
  char rep[4096];
  sim_lockdep_report(ld, rep, sizeof rep);
  cr_assert(strstr(rep, "in page_mkclean_file < page_mkclean < "
                        "test_clear_page_dirty < try_to_free_buffers < "
                        "try_to_release_page < release"),
            "%s", rep);
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* Without the earlier edges, the same acquisition breaks the declared
   order on its own: release alone, nothing else ran. */
Test(lockdep_mm, minus_mm_release_alone_breaks_the_declared_order) {
  setup("scenario \"t\"\nkernel 2.6.17-mm\ncpus 1\n"
        "file data size=4K cached=all dirty=all buffers\nmm p1\n"
        "map p1 data at 0x10000 pages=1 shared r mapped\n"
        "cpu0: fs_flush data\ncpu0: release data page=0\nexpect clean\n",
        NULL);
  sim_lockdep *ld = sim_lockdep_new();
  sim_result r = exec_ld(&mm_model_ops, ld, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, "lock-order");
  cr_assert(strstr(r.msg, "lock inversion against the declared order "
                          "(i_mmap_lock is taken outside private_lock): cpu0 "
                          "acquires i_mmap_lock (data.i_mmap_lock) in "
                          "page_mkclean_file < ") == r.msg,
            "%s", r.msg);
  char rep[4096];
  sim_lockdep_report(ld, rep, sizeof rep);
  cr_assert(strstr(rep, "  lock(private_lock);\n"), "%s", rep);
  cr_assert(strstr(rep, "*** DEADLOCK ***"), "%s", rep);
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* 2.6.20 (cancel_dirty_page under private_lock walks no ptes): clean,
   and the graph has exactly the documented nestings. */
Test(lockdep_mm, fixed_kernel_graph_follows_the_order) {
  setup(RELEASE_MAPPED("2.6.20"), NULL);
  sim_lockdep *ld = sim_lockdep_new();
  sim_result r = exec_ld(&mm_model_ops, ld, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s %s", r.kind, r.msg);
  cr_assert(has_edge(ld, "i_mmap_lock -> ptl"));
  cr_assert(has_edge(ld, "ptl -> private_lock"));
  cr_assert(!has_edge(ld, "private_lock -> i_mmap_lock"));
  char buf[128];
  for (int i = 0; i < sim_lockdep_nedges(ld); i++) {
    sim_lockdep_edge_text(ld, i, buf, sizeof buf);
    /* every edge goes inwards: a lower rank to a higher one */
    int from = -1, to = -1;
    for (int c = 0; c < LC__COUNT; c++) {
      size_t len = strlen(mm_lock_order[c].name);
      if (!strncmp(buf, mm_lock_order[c].name, len) && buf[len] == ' ')
        from = c;
      const char *arrow = strstr(buf, "-> ");
      if (arrow && !strncmp(arrow + 3, mm_lock_order[c].name, len) &&
          (arrow[3 + len] == 0 || arrow[3 + len] == ' '))
        to = c;
    }
    cr_assert(from >= 0 && to > from, "edge %s", buf);
  }
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* add_to_page_cache's SetPageLocked of a new page under tree_lock is a
   trylock that cannot fail, and find_lock_page's first try a trylock
   whose failure waits, counted after tree_lock is dropped (as
   __lock_page is): no tree_lock -> PG_locked edge (which would close a
   cycle with every PG_locked -> ... -> tree_lock nesting), but the
   fault's mmap_sem -> PG_locked of filemap_fault's find_lock_page, the
   page read in and unlocked, its trylock succeeding. */
Test(lockdep_mm, new_page_lock_is_no_edge_from_tree_lock) {
  setup(ONE_PAGE("2.6.23", "none", "") "cpu0: p1 load 0x10000\nexpect clean\n",
        NULL);
  sim_lockdep *ld = sim_lockdep_new();
  sim_result r = exec_ld(&mm_model_ops, ld, NULL);
  cr_assert_eq(r.outcome, SIM_CLEAN, "%s %s", r.kind, r.msg);
  cr_assert_eq(sim_lockdep_nedges(ld), 4);
  cr_assert(has_edge(ld, "mmap_sem (held shared) -> tree_lock"));
  cr_assert(has_edge(ld, "mmap_sem (held shared) -> PG_locked"));
  cr_assert(has_edge(ld, "mmap_sem (held shared) -> ptl"));
  cr_assert(has_edge(ld, "PG_locked -> ptl")); /* __do_fault, page locked */
  cr_assert(!has_edge(ld, "tree_lock -> PG_locked"));
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* write-recursion.scn on 2.6.23, its run line (the pte zapped after the
   fault-in; the write then copies from page 1 with page 0 locked): the
   fault's find_lock_page(page 1) is a trylock that succeeds, counted as
   a lock_page under page 0's lock.  Nothing deadlocks.  The first
   execution reports its first finding, mmap_sem under PG_locked; the
   same steps again in the same graph (as explore runs them) report the
   recursion, with both acquisitions; no tree_lock -> PG_locked edge (the
   trylock is counted after tree_lock is dropped). */
#define RECURSION_SCHED "0*15.1*7.0*23.3*17.2*4.3*10.2"

Test(lockdep_mm, write_recursion_on_page_locks_without_deadlock) {
  char *text = slurp(MMSIM_SOURCE_DIR "/scenarios/write-recursion.scn");
  cr_assert(text);
  setup(text, NULL);
  free(text);
  sim_lockdep *ld = sim_lockdep_new();
  sim_result r = exec_ld(&mm_model_ops, ld, RECURSION_SCHED);
  cr_assert_str_eq(r.kind, "lock-order", "%s", r.msg);
  cr_assert(r.finished);
  cr_assert(strstr(r.msg, "lock inversion against the declared order "
                          "(mmap_sem is taken outside PG_locked)") == r.msg,
            "%s", r.msg);
  sim_result_free(&r);
  r = exec_ld(&mm_model_ops, ld, RECURSION_SCHED);
  cr_assert_str_eq(r.kind, "lock-order", "%s", r.msg);
  cr_assert(r.finished);        /* ran to its end: no deadlock */
  cr_assert_eq(r.viol_seq, 28); /* the fault's find_lock_page */
  char rep[4096];
  sim_lockdep_report(ld, rep, sizeof rep);
  cr_assert_str_eq(
      rep,
      "possible recursive locking: cpu0 acquires PG_locked "
      "(page#1.PG_locked) in find_lock_page < filemap_fault < __do_fault < "
      "handle_pte_fault < do_page_fault < filemap_copy_from_user < "
      "generic_file_buffered_write < generic_file_aio_write (step "
      "'radix_tree_lookup; TestSetPageLocked') while holding PG_locked "
      "(page#0.PG_locked) taken in find_lock_page < __grab_cache_page < "
      "generic_file_buffered_write < generic_file_aio_write (step "
      "'radix_tree_lookup; TestSetPageLocked')\n"
      "\n"
      "possible unsafe locking scenario:\n"
      "\n"
      "  CPU0\n"
      "  ----\n"
      "  lock(PG_locked);\n"
      "  lock(PG_locked);\n"
      "\n"
      " *** DEADLOCK ***\n"
      "\n"
      "two locks of one class, or a missing nesting annotation\n");
  cr_assert_eq(r.nviol_objs, 2);
  cr_assert_eq(r.viol_objs[0], page_lock_oid(&model, 0)); /* held */
  cr_assert_eq(r.viol_objs[1], page_lock_oid(&model, 1)); /* acquired */
  cr_assert(has_edge(ld, "PG_locked -> mmap_sem (shared)"));
  cr_assert(!has_edge(ld, "tree_lock -> PG_locked"));
  cr_assert_eq(sim_lockdep_nreports(ld), 2);
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* A lock the declared order does not list is reported on acquisition. */
static int no_ptl_class(void *model, sim_oid o, char *buf, size_t n) {
  if (o == pte_lock((mm_model *)model, 0))
    return SIM_LOCK_UNDECLARED;
  return mm_model_ops.lock_class(model, o, buf, n);
}

Test(lockdep_mm, undeclared_lock_is_reported) {
  setup(ONE_PAGE("2.6.20", "all", "") "cpu0: p1 load 0x10000\nexpect clean\n",
        NULL);
  sim_model_ops ops = mm_model_ops;
  ops.lock_class = no_ptl_class;
  sim_lockdep *ld = sim_lockdep_new();
  sim_result r = exec_ld(&ops, ld, NULL);
  cr_assert_eq(r.outcome, SIM_VIOLATION, "%s", r.msg);
  cr_assert_str_eq(r.kind, "lock-order");
  cr_assert(strstr(r.msg, "lock not in the declared order: cpu0 acquires "
                          "p1.ptl in ") == r.msg,
            "%s", r.msg);
  cr_assert(strstr(r.msg, "add its class to the model's lock order"), "%s",
            r.msg);
  sim_result_free(&r);
  sim_lockdep_free(ld);
}

/* ------------------------------------------------------------------ CLI */

/* write-recursion.scn: `run` of its run line on 2.6.23 finds lock-order
   without a deadlock, `explore` both findings (the inversion and the
   recursion); 2.6.24 faults the buffer in with no page locked and copies
   with page faults disabled: no edge, clean under run and explore. */
Test(lockdep_mm_cli, write_recursion_2_6_23_and_clean_2_6_24) {
  char *out;
  int rc = run_mmsim("run scenarios/write-recursion.scn --no-log", &out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert(strstr(out, "result:   VIOLATION lock-order at step 25: "), "%s",
            out);
  cr_assert(strstr(out, "expect:   violation lock-order -- met"), "%s", out);
  cr_assert_null(strstr(out, "deadlock"), "%s", out);
  free(out);
  rc = run_mmsim("explore scenarios/write-recursion.scn --no-log --jobs 1",
                 &out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert(strstr(out, "lock-order 2                 found lock-order "
                        "(expected)\n"),
            "%s", out);
  cr_assert(strstr(out, "clean in every execution"), "%s", out);
  cr_assert(strstr(out, "  possible recursive locking: cpu0 acquires "
                        "PG_locked (page#1.PG_locked) in find_lock_page < "
                        "filemap_fault < "),
            "%s", out);
  free(out);
  rc = run_mmsim("run scenarios/write-recursion.scn --no-log --variant 2.6.24",
                 &out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert(strstr(out, "result:   clean"), "%s", out);
  cr_assert_null(strstr(out, "lockdep"), "%s", out);
  free(out);
}

/* `mmsim run` of the bundled R2b order scenario: the report under the
   result, and the graph's edges in table lock_edge with their steps. */
Test(lockdep_mm_cli, run_reports_and_logs_the_edges) {
  char *dir = test_tmpdir(), args[512], db[300], *out;
  snprintf(db, sizeof db, "%s/order.db", dir);
  snprintf(args, sizeof args,
           "run scenarios/free-buffers-order.scn --db %s --svg %s/order.svg",
           db, dir);
  int rc = run_mmsim(args, &out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert(strstr(out, "result:   VIOLATION lock-order at step 100: possible "
                        "circular locking dependency: private_lock -> "
                        "i_mmap_lock -> ptl -> private_lock"),
            "%s", out);
  cr_assert(strstr(out, "expect:   violation lock-order -- met"), "%s", out);
  free(out);
  sqlite3 *h;
  cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
  sqlite3_stmt *st;
  cr_assert_eq(sqlite3_prepare_v2(h,
                                  "SELECT count(*), sum(held = 'private_lock' "
                                  "AND acquired = 'i_mmap_lock'), "
                                  "max(CASE WHEN held = 'private_lock' AND "
                                  "acquired = 'i_mmap_lock' THEN thread || ' "
                                  "' || step || ' ' || chain END) "
                                  "FROM lock_edge WHERE run_id = 1",
                                  -1, &st, NULL),
               SQLITE_OK, "%s", sqlite3_errmsg(h));
  cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
  cr_assert_eq(sqlite3_column_int(st, 0), 14);
  cr_assert_eq(sqlite3_column_int(st, 1), 1);
  cr_assert_str_eq((const char *)sqlite3_column_text(st, 2),
                   "cpu1 spin_lock(i_mmap_lock) page_mkclean_file < "
                   "page_mkclean < test_clear_page_dirty < try_to_free_buffers "
                   "< try_to_release_page < release");
  sqlite3_finalize(st);
  sqlite3_close(h);
  /* the timeline: the violating acquisition (i_mmap_lock, step 100) and
     the one of the lock held there (private_lock, step 97) */
  char svg[320];
  snprintf(svg, sizeof svg, "%s/order.svg", dir);
  char *text = slurp(svg);
  cr_assert(text);
  cr_assert(strstr(text, "<g id=\"ev100\" class=\"node event violation\">"));
  const char *held = strstr(text, "<g id=\"ev97\" class=\"node event held\">");
  cr_assert(held);
  cr_assert(strstr(held, "spin_lock(private_lock)"));
  cr_assert(strstr(text, "took the lock held there"));
  free(text);
  free(dir);
}

/* The 2.6.20 hole punch takes i_mutex under mmap_sem: lock-order from a
   run in which nothing blocks; without the checker nothing else is wrong
   (the same process's fault cannot race the punch), and 2.6.22, which
   drops mmap_sem first, has no such edge. */
Test(lockdep_mm_cli, punch_inversion_and_nothing_else) {
  char *out;
  int rc = run_mmsim("run scenarios/fault-punch-same-mm.scn --no-log", &out);
  cr_assert_eq(rc, 0, "%s", out);
  cr_assert(strstr(out, "result:   VIOLATION lock-order at step 2: lock "
                        "inversion against the declared order (i_mutex is "
                        "taken outside mmap_sem): cpu1 acquires i_mutex "
                        "(data.i_mutex) in vmtruncate_range < madvise_remove "
                        "< sys_madvise"),
            "%s", out);
  free(out);
  rc = run_mmsim("explore scenarios/fault-punch-same-mm.scn --no-log "
                 "--no-lockdep --variants 2.6.20",
                 &out);
  cr_assert_eq(rc, 1, "%s", out); /* lock-order expected, none found */
  cr_assert(strstr(out, "  none  "), "%s", out);
  free(out);
  rc = run_mmsim("run scenarios/fault-punch-same-mm.scn --no-log --variant "
                 "2.6.22 --policy random --seed 3",
                 &out);
  cr_assert_null(strstr(out, "lock-order"), "%s", out);
  free(out);
}
