/*
** test_cond.c - outcome conditions (models/cond.h, scn_cond.c, cond.c,
** mm_final.c) and final states: evaluation over hand-made MM states, the
** canonical final-state line, the final states of the SB and MP litmus
** tests (herd7's under sc.cat), and a campaign's verdicts for exists,
** never and always, 'expect violation any', several expected kinds and
** the flag on a kind the scenario does not expect.
*/
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "models/model.h"
#include "reports/cli/campaign.h"

#define SCN_HEAD                                                               \
  "scenario \"t\"\n"                                                           \
  "kernel 2.6.20\n"                                                            \
  "cpus 2\n"                                                                   \
  "file data size=8K cached=0\n"                                               \
  "mm p1\n"                                                                    \
  "map p1 data at 0x10000 pages=2 shared rw\n"                                 \
  "cpu0: p1 load 0x10000\n"                                                    \
  "cpu1: p1 store 0x10000\n"                                                   \
  "expect clean\n"

/* The scenario bound to the MM model, reset to its initial state. */
static model_binding *bind(const char *conds) {
  static scenario s;
  static model_binding b;
  char text[4096], err[512];
  snprintf(text, sizeof text, "%s%s", SCN_HEAD, conds);
  cr_assert_eq(scn_parse_string("t.scn", text, &s, err, sizeof err), 0, "%s",
               err);
  cr_assert_eq(model_bind(&b, &s, NULL, err, sizeof err), 0, "%s", err);
  b.ops->reset(b.model);
  return &b;
}

static int holds(const model_binding *b, int i) {
  return model_cond_holds(b, i);
}

/* Each term reads what it names, each class of content is what the model
   numbers so, and the boolean structure combines them. */
Test(cond, terms_of_the_mm_model) {
  model_binding *b =
      bind("expect exists cpu0.load1 == none\n"
           "expect exists cpu0.load1 == old\n"
           "expect exists cpu0.load1 == cpu1.v1 and cpu0.load1 == new\n"
           "expect exists pte(p1,0x10000).page == page(data,0) and "
           "pte(p1,0x10000).present and not pte(p1,0x10000).write\n"
           "expect exists mapcount(data,0) >= 1 and not dirty(data,0) and "
           "not cached(data,1)\n"
           "expect exists disk(data,1) == old and data(data,1) == none and "
           "sigbus(cpu0) == 0\n"
           "expect always sigbus(cpu0) > 0 or (segv(cpu1) != 0)\n");
  mm_model *m = &b->mm;
  cr_assert_eq(b->nconds, 7);
  /* the initial state: no load ran, page 0 cached and unmapped */
  cr_assert(holds(b, 0));
  cr_assert_not(holds(b, 1));
  cr_assert_not(holds(b, 3));
  cr_assert_not(holds(b, 4), "mapcount 0");
  cr_assert(holds(b, 5));
  cr_assert_not(holds(b, 6));
  /* the load returned the file's content */
  int pg = m->s.as[0].tree[0];
  cr_assert_geq(pg, 0);
  m->s.loads[0][0] = m->s.page[pg].data;
  cr_assert_not(holds(b, 0));
  cr_assert(holds(b, 1));
  cr_assert_not(holds(b, 2));
  /* ... or cpu1's first store */
  m->s.loads[0][0] = (uint32_t)cond_version_of(1, 1);
  cr_assert_not(holds(b, 1));
  cr_assert(holds(b, 2));
  /* a read-only pte of the cached page */
  m->s.mm[0].pte[0] = (struct pte){.present = 1, .page = (int16_t)pg};
  m->s.page[pg].mapcount = 1;
  cr_assert(holds(b, 3));
  cr_assert(holds(b, 4));
  m->s.mm[0].pte[0].write = 1;
  cr_assert_not(holds(b, 3));
  m->s.page[pg].flags |= PG_dirty;
  cr_assert_not(holds(b, 4));
  m->s.sigbus[0] = 1;
  cr_assert_not(holds(b, 5));
  cr_assert(holds(b, 6));
}

/* The canonical line names what the terms name, nothing else. */
Test(cond, final_state_line) {
  model_binding *b = bind("");
  mm_model *m = &b->mm;
  char line[1024];
  model_final_state(b, line, sizeof line);
  cr_assert_str_eq(line, "cpu0.load1=none pte(p1,0x10000)=- "
                         "pte(p1,0x11000)=- data[0]=old disk(data,0)=old "
                         "data[1]=- disk(data,1)=old");
  int pg = m->s.as[0].tree[0];
  m->s.loads[0][0] = (uint32_t)cond_version_of(1, 1);
  m->s.mm[0].pte[0] =
      (struct pte){.present = 1, .write = 1, .dirty = 1, .page = (int16_t)pg};
  m->s.page[pg].mapcount = 1;
  m->s.page[pg].flags |= PG_dirty;
  m->s.page[pg].data = (uint32_t)cond_version_of(1, 1);
  m->s.sigbus[1] = 2;
  model_final_state(b, line, sizeof line);
  cr_assert_str_eq(line,
                   "cpu0.load1=cpu1.v1 pte(p1,0x10000)=data[0],w,d "
                   "pte(p1,0x11000)=- data[0]=cpu1.v1,d,m1 disk(data,0)=old "
                   "data[1]=- disk(data,1)=old sigbus(cpu1)=2");
}

/* ------------------------------------------------------------ campaigns */

static char *write_scn(const char *name, const char *text) {
  char *dir = test_tmpdir();
  char *path = malloc(strlen(dir) + strlen(name) + 2);
  sprintf(path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  fputs(text, f);
  fclose(f);
  free(dir);
  return path;
}

static camp_opts opts(const char *path) {
  camp_opts o = {.path = path, .strategy = "stateful", .jobs = 1};
  o.cfg.strategy = EXP_STATEFUL;
  o.loop_bound = CAMP_LOOP_BOUND_AUTO;
  return o;
}

static const camp_state *state(const camp_variant *v, const char *text) {
  for (size_t i = 0; i < v->nfstates; i++)
    if (!strcmp(v->fstates[i].text, text))
      return &v->fstates[i];
  return NULL;
}

/* herd7 (sc.cat) lists three final states for SB and for MP; the forbidden
   one, SB's r0=0 /\ r0=0 and MP's r0=1 /\ r1=0, needs a weaker model. */
Test(cond, litmus_sb_and_mp_final_states_are_herds) {
  static const char *const want[2][3] = {
      {"t0.r0=0; t1.r0=1;", "t0.r0=1; t1.r0=0;", "t0.r0=1; t1.r0=1;"},
      {"t1.r0=0; t1.r1=0;", "t1.r0=0; t1.r1=1;", "t1.r0=1; t1.r1=1;"}};
  static const char *const file[2] = {"sb.scn", "mp.scn"};
  for (int p = 0; p < 2; p++) {
    char path[512];
    snprintf(path, sizeof path, "%s/scenarios/litmus/%s", MMSIM_SOURCE_DIR,
             file[p]);
    campaign c;
    camp_opts o = opts(path);
    cr_assert_eq(campaign_run(&c, &o), 0);
    const camp_variant *v = &c.res[0];
    cr_assert_eq(v->nfstates, 3, "%s: %zu", file[p], v->nfstates);
    for (int i = 0; i < 3; i++)
      cr_assert_not_null(state(v, want[p][i]), "%s: %s", file[p], want[p][i]);
    /* and the scenario states the forbidden one as a condition */
    cr_assert_geq(v->nconds, 1, "%s", file[p]);
    cr_assert_eq(v->conds[0].held, 0, "%s", file[p]);
    cr_assert_str_eq(v->conds[0].verdict, "certified", "%s", file[p]);
    cr_assert(c.all_met);
    campaign_free(&c);
  }
}

#define R1_BUG_OFF                                                             \
  "scenario \"r1\"\n"                                                          \
  "kernel 2.6.20\n"                                                            \
  "cpus 2\n"                                                                   \
  "set debug.bug_on_mapped_remove=off\n"                                       \
  "file data size=4K cached=0\n"                                               \
  "mm p1\n"                                                                    \
  "map p1 data at 0x10000 pages=1 shared rw\n"                                 \
  "cpu0: p1 load 0x10000\n"                                                    \
  "cpu1: dio_write data page=0\n"

/* The stale mapping of R1 as a condition: it exists on 2.6.20, never
   happens on 2.6.23; a condition nobody reaches has no witness. */
Test(cond, campaign_verdicts) {
  char *path =
      write_scn("r1.scn", R1_BUG_OFF
                "expect violation pte-cache-mismatch\n"
                "expect exists pte(p1,0x10000).present and "
                "pte(p1,0x10000).page != page(data,0)\n"
                "expect always cpu0.load1 == old or cpu0.load1 == cpu1.v1\n"
                "expect on 2.6.23 clean\n"
                "expect on 2.6.23 never pte(p1,0x10000).present and "
                "pte(p1,0x10000).page != page(data,0)\n"
                "expect on 2.6.23 exists sigbus(cpu0) == 1\n");
  campaign c;
  camp_opts o = opts(path);
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_eq(c.nres, 2);
  const camp_variant *pre = &c.res[0], *post = &c.res[1];
  cr_assert_str_eq(pre->variant, "2.6.20+debug.bug_on_mapped_remove=off");
  cr_assert_eq(pre->nconds, 2);
  cr_assert(pre->conds[0].held > 0);
  cr_assert(pre->conds[0].met, "%s", pre->conds[0].verdict);
  cr_assert_not_null(pre->conds[0].held_sched);
  cr_assert(pre->conds[1].met, "%s", pre->conds[1].verdict);
  cr_assert_eq(pre->conds[1].failed, 0);
  cr_assert(pre->expect_met);
  cr_assert_eq(post->nconds, 2);
  cr_assert_eq(post->conds[0].held, 0);
  cr_assert(post->conds[0].met, "%s", post->conds[0].verdict);
  cr_assert_str_eq(post->conds[0].verdict, "certified");
  cr_assert_not(post->conds[1].met);
  cr_assert_str_eq(post->conds[1].verdict, "NO witness");
  cr_assert_not(post->expect_met);
  cr_assert_not(c.all_met);
  cr_assert(pre->nfstates > 1);
  campaign_free(&c);
  free(path);
}

/* 'any' is met by whatever kind; several kinds must all be found; a kind
   found that the line does not name is flagged, the verdict unchanged. */
Test(cond, expect_any_several_kinds_and_unexpected) {
  static const char *const lines[] = {
      "expect violation any\n",
      "expect violation page-mapped-on-remove pte-cache-mismatch\n",
      "expect violation page-mapped-on-remove\n",
      "expect violation page-mapped-on-remove deadlock\n",
  };
  static const int met[] = {1, 1, 1, 0};
  for (int i = 0; i < 4; i++) {
    char text[2048];
    snprintf(text, sizeof text,
             "scenario \"r1\"\nkernel 2.6.20\ncpus 2\n"
             "file data size=4K cached=0\nmm p1\n"
             "map p1 data at 0x10000 pages=1 shared rw\n"
             "cpu0: p1 load 0x10000\ncpu1: dio_write data page=0\n%s",
             lines[i]);
    char *path = write_scn("k.scn", text);
    campaign c;
    camp_opts o = opts(path);
    cr_assert_eq(campaign_run(&c, &o), 0);
    const camp_variant *v = &c.res[0];
    cr_assert_eq(v->expect_met, met[i], "%s: %s", lines[i], v->verdict);
    int flagged = 0;
    for (int k = 0; k < v->nkinds; k++)
      flagged += v->kinds[k].unexpected;
    /* 2.6.20 finds page-mapped-on-remove and pte-cache-mismatch */
    cr_assert_eq(flagged, i >= 2 ? 1 : 0, "%s", lines[i]);
    if (i == 3)
      cr_assert_str_eq(v->verdict, "NOT found deadlock (expected)");
    campaign_free(&c);
    free(path);
  }
}

/* The formatter writes conditions back in a canonical form that parses to
   the same tree: parentheses only where the precedence needs them, the
   constant on the right, addresses in hex. */
Test(cond, format_round_trip) {
  static scenario a, b;
  char err[512], fa[8192], fb[8192];
  const char *text;
  text = "scenario \"t\"\nkernel 2.6.20\ncpus 2\n"
         "file data size=8K cached=0\nmm p1\n"
         "map p1 data at 0x10000 pages=2 shared rw\n"
         "cpu0: p1 load 0x10000\ncpu1: p1 store 0x10000\n"
         "expect violation any\n"
         "expect on 2.6.23 violation deadlock lock-order\n"
         "expect exists (old == cpu0.load1 or not cached(data,1)) and "
         "(sigbus(cpu0) >= 1 or (segv(cpu1) < 2 and true))\n"
         "expect on 2.6.23 never pte(p1,65536).page != none or "
         "cpu1.v1 == disk(data,0) or false\n";
  cr_assert_eq(scn_parse_string("t.scn", text, &a, err, sizeof err), 0, "%s",
               err);
  scn_format(&a, fa, sizeof fa);
  cr_assert_eq(scn_parse_string("t.scn", fa, &b, err, sizeof err), 0, "%s\n%s",
               err, fa);
  scn_format(&b, fb, sizeof fb);
  cr_assert_str_eq(fa, fb);
  cr_assert(strstr(fa, "expect violation any\n"
                       "expect on 2.6.23 violation deadlock lock-order\n"
                       "expect exists (cpu0.load1 == old or not "
                       "cached(data,1)) and (sigbus(cpu0) >= 1 or "
                       "segv(cpu1) < 2 and true)\n"
                       "expect on 2.6.23 never pte(p1,0x10000).page != none "
                       "or disk(data,0) == cpu1.v1 or false\n"),
            "%s", fa);
}

/* ------------------------------------------------------------ last_store */

static void parse_err(const char *text, const char *want) {
  static scenario s;
  char err[1024] = "";
  char full[4096];
  snprintf(full, sizeof full, "%s%s", SCN_HEAD, text);
  int rc = scn_parse_string("t.scn", full, &s, err, sizeof err);
  cr_assert_eq(rc, -1, "parse succeeded, expected: %s", want);
  cr_assert_str_eq(err, want);
}

/* last_store(FILE,P) is a content term like disk(FILE,P); a bare
   last_store takes its page from the disk or data term it is compared
   with, and nothing else. */
Test(cond, last_store_parse_errors) {
  parse_err("expect never last_store == old\n",
            "t.scn:10:14: error: 'last_store' alone names no page here, "
            "expected last_store(FILE,P), or a comparison with disk(FILE,P) "
            "or data(FILE,P)");
  parse_err("expect never cpu0.load1 != last_store\n",
            "t.scn:10:28: error: 'last_store' alone names no page here, "
            "expected last_store(FILE,P), or a comparison with disk(FILE,P) "
            "or data(FILE,P)");
  parse_err("expect never last_store(data,2) == old\n",
            "t.scn:10:30: error: page 2 is beyond the end of file 'data', "
            "which has 2 pages, expected page indexes 0..1");
  parse_err("expect never last_store(dat,0) == old\n",
            "t.scn:10:25: error: undeclared file 'dat', expected a name "
            "declared by an earlier 'file' line");
  parse_err("expect never last_stor(data,0) == old\n",
            "t.scn:10:14: error: unknown term 'last_stor' in condition (did "
            "you mean 'last_store'?), expected a number, old, new, zero, "
            "none, THREAD.loadK, THREAD.vK, sigbus(THREAD), segv(THREAD), "
            "pte(MM,ADDR).FIELD, cached(FILE,P), dirty(FILE,P), "
            "mapcount(FILE,P), page(FILE,P), data(FILE,P) or disk(FILE,P)");
  parse_err("expect never last_store\n",
            "t.scn:10:24: error: a content alone is not a condition, expected "
            "a comparison (==, !=, <, <=, >, >=) after it");
}

/* The term reads the model's ghost last_store, which starts as the
   page's content at start and follows mm_note_store; a bare last_store
   is the one of its comparison's page, and formats as such. */
Test(cond, last_store_terms) {
  model_binding *b = bind("expect always disk(data,0) == last_store\n"
                          "expect exists last_store(data,1) == cpu1.v1\n"
                          "expect never data(data,0) != last_store\n");
  mm_model *m = &b->mm;
  cr_assert(m->track_stores);
  int pg = m->s.as[0].tree[0];
  cr_assert_geq(pg, 0);
  cr_assert_eq(m->last_store[0][0], m->s.page[pg].data, "cached: its data");
  cr_assert_eq(m->last_store[0][1], m->s.as[0].disk[1], "not: its block");
  cr_assert(holds(b, 0));
  cr_assert_not(holds(b, 1));
  cr_assert_not(holds(b, 2), "data == last_store at start");
  mm_note_store(m, 0, 0, (uint32_t)cond_version_of(1, 1));
  cr_assert_not(holds(b, 0), "the store is not on the disk");
  cr_assert(holds(b, 2), "nor in the cached page");
  m->s.as[0].disk[0] = (uint32_t)cond_version_of(1, 1);
  m->s.page[pg].data = (uint32_t)cond_version_of(1, 1);
  cr_assert(holds(b, 0));
  cr_assert_not(holds(b, 2));
  mm_note_store(m, 0, 1, (uint32_t)cond_version_of(1, 1));
  cr_assert(holds(b, 1));
  b->ops->reset(b->model);
  cr_assert_not(holds(b, 1), "reset: the content at start again");
  char line[1024];
  model_final_state(b, line, sizeof line);
  cr_assert(strstr(line, "disk(data,0)=old last_store(data,0)=old "), "%s",
            line);
  char f[256];
  scn_cond_format(b->scn, &b->scn->conds[0], f, sizeof f);
  cr_assert_str_eq(f, "expect always disk(data,0) == last_store(data,0)");
  /* without a condition naming it, nothing is kept */
  b = bind("expect always disk(data,0) == old\n");
  cr_assert_not(b->mm.track_stores);
  mm_note_store(&b->mm, 0, 0, (uint32_t)cond_version_of(1, 1));
  cr_assert_eq(b->mm.last_store[0][0], 0);
  model_final_state(b, line, sizeof line);
  cr_assert_null(strstr(line, "last_store"), "%s", line);
}

/* End to end: a user store through a shared mapping and an O_DIRECT write
   race for the last store of page 0: either can be last, and the block
   can end with it or not (the store left in the cache, or written back
   before the O_DIRECT write; see the final states of 'explore'). */
Test(cond, last_store_follows_stores_and_direct_writes) {
  char *path =
      write_scn("ls.scn", "scenario \"ls\"\n"
                          "kernel 2.6.23\n"
                          "cpus 2\n"
                          "file data size=4K cached=0\n"
                          "mm p1\n"
                          "map p1 data at 0x10000 pages=1 shared rw\n"
                          "cpu0: p1 store 0x10000\n"
                          "cpu1: dio_write data page=0\n"
                          "expect clean\n"
                          "expect exists last_store(data,0) == cpu0.v1\n"
                          "expect exists last_store(data,0) == cpu1.v1\n"
                          "expect always last_store(data,0) == new\n"
                          "expect exists disk(data,0) != last_store\n"
                          "expect exists disk(data,0) == last_store\n");
  campaign c;
  camp_opts o = opts(path);
  cr_assert_eq(campaign_run(&c, &o), 0);
  cr_assert_eq(c.nres, 1);
  const camp_variant *v = &c.res[0];
  cr_assert_eq(v->nconds, 5);
  for (int i = 0; i < 5; i++)
    cr_assert(v->conds[i].met, "condition %d: %s", i, v->conds[i].verdict);
  cr_assert(c.all_met);
  campaign_free(&c);
  free(path);
}

/* ------------------------------------------------------------ litmus */

static void litmus_err(const char *prog, const char *cond, const char *want) {
  static scenario s;
  char err[1024] = "", text[512];
  snprintf(text, sizeof text,
           "scenario \"t\"\nlitmus %s 2\nexpect clean\nexpect %s\n", prog,
           cond);
  int rc = scn_parse_string("t.scn", text, &s, err, sizeof err);
  cr_assert_eq(rc, -1, "parse succeeded, expected: %s", want);
  cr_assert_str_eq(err, want);
}

/* herd7's registers, 0:r0 written t0.r0: only those the program has. */
Test(cond, litmus_register_parse_errors) {
  litmus_err("sb", "never t0.r1 == 0",
             "t.scn:4:17: error: thread t0 of litmus program sb has no "
             "register 'r1', expected t0.r0, t1.r0");
  litmus_err("mp", "never t0.r0 == 0",
             "t.scn:4:17: error: thread t0 of litmus program mp has no "
             "register 'r0', expected t1.r0, t1.r1");
  litmus_err("sb", "never t2.r0 == 0",
             "t.scn:4:14: error: unknown thread 't2' of litmus program sb, "
             "expected t0..t1");
  litmus_err("sb", "never t0.r0 == old",
             "t.scn:4:20: error: '==' compares a number with a content, "
             "expected two terms of one type");
  litmus_err("sb", "never cached(data,0)",
             "t.scn:4:21: error: undeclared file 'data', expected a name "
             "declared by an earlier 'file' line");
  /* a program without registers has nothing for a condition to name */
  litmus_err("counter", "always true",
             "t.scn:4:8: error: a condition names MM state (loads, ptes, "
             "pages), which a litmus scenario has not, expected only 'expect "
             "clean' or 'expect violation KIND'");
}

/* The registers of a hand-made litmus state, and the formatter. */
Test(cond, litmus_registers_evaluate) {
  static scenario s;
  static model_binding b;
  char err[512];
  cr_assert_eq(scn_parse_string("t.scn",
                                "scenario \"t\"\nlitmus mp 2\nexpect clean\n"
                                "expect never t1.r0 == 1 and t1.r1 == 0\n"
                                "expect always t1.r0 <= t1.r1\n",
                                &s, err, sizeof err),
               0, "%s", err);
  cr_assert_eq(model_bind(&b, &s, NULL, err, sizeof err), 0, "%s", err);
  b.ops->reset(b.model);
  cr_assert_eq(b.nconds, 2);
  b.lit.reg[1][0] = 1, b.lit.reg[1][1] = 0; /* the flag seen, not the data */
  cr_assert(model_cond_holds(&b, 0));
  cr_assert_not(model_cond_holds(&b, 1));
  b.lit.reg[1][1] = 1;
  cr_assert_not(model_cond_holds(&b, 0));
  cr_assert(model_cond_holds(&b, 1));
  char f[256];
  scn_cond_format(&s, &s.conds[1], f, sizeof f);
  cr_assert_str_eq(f, "expect always t1.r0 <= t1.r1");
}
