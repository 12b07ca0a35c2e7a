/*
** scenario.c - the scenario file parser: its statements and the file as a
** whole (the format is in scenarios/FORMAT.md).
**
** A scenario is line based, one statement per line; the lexer (scn_lex.c)
** reads the tokens of a line and formats every error as one line,
** "FILE:LINE:COL: error: WHAT, expected ...".  The first error stops the
** parse.  This file holds the table of statements, stmts[]: each line is
** dispatched on its first word (two for "expect on") to the function that
** parses the rest, and the table also says which statements may appear only
** once, which are required, and which a litmus scenario may not have.  The
** file, mm and map declarations are in scn_decl.c, the thread lines ("cpuN:
** OP ...") and their table of operations in scn_ops.c (scn_stmt.h is what
** they share).  The names a file or an mm may not take are the statement
** and operation keywords of these two tables.
**
** Declarations precede their uses (cpus before any "cpuN:" line, file and mm
** before a map, a map before a load or store through it), which lets every
** check name the line it is about.  Only the thread ids of a "run schedule"
** string are checked at the end, against the final number of threads; the
** grammar of that string is sim_sched_parse_runs()'s (sim/sched.c).
** Violation kinds are recorded as written, with their position, and checked
** by model_bind() against the bound model.  Nothing is allocated but the
** temporary runs of a schedule string (and the input of scn_parse_file).
*/
#include "scenario.h"

#include "litmus.h"
#include "scn_stmt.h"
#include "sim/sim.h"
#include "sim/symsched.h"
#include "variant.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SCHED_STEPS SIM_SCHED_MAX_STEPS /* longest "run schedule" */
#define MAX_INPUT_BYTES (1u << 20)          /* scn_parse_file refuses more */
#define STR(x) #x
#define XSTR(x) STR(x)

/* ------------------------------------------------------------------------ */
/* Title, kernel, knobs, cpus                                                 */

/* scenario "TITLE" */
static int parse_scenario(scn_parser *ps, scn_tok kw) {
  scenario *s = ps->s;
  scn_lex *lx = &ps->lx;
  scn_tok t;
  scn_shown b;
  (void)kw;
  if (lex_need(lx, &t, "a quoted title", "scenario") < 0)
    return -1;
  if (!t.quoted)
    return lex_fail(lx, t.col,
                    "expected a quoted title after 'scenario', found '%s'",
                    lex_show(&b, t));
  assert(t.len >= 2);
  size_t n = t.len - 2;
  if (n == 0)
    return lex_fail(lx, t.col, "empty title, expected \"TITLE\"");
  if (n >= sizeof s->title)
    return lex_fail(lx, t.col,
                    "title too long (%zu bytes), expected at most %zu", n,
                    sizeof s->title - 1);
  for (size_t i = 1; i <= n; i++) {
    unsigned char c = (unsigned char)t.p[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return lex_fail(lx, lex_col(lx, t.p + i),
                      "control character \\x%02x in title, expected text", c);
  }
  memcpy(s->title, t.p + 1, n);
  s->title[n] = 0;
  return lex_need_eol(lx, "scenario");
}

/* A kernel variant name into name[16]; reported if unknown. */
static int variant_name(scn_parser *ps, scn_tok t, char *name) {
  scn_shown b;
  mm_knobs unused;
  if (tok_copy(name, 16, t) < 0 || mm_variant_preset(name, &unused) < 0) {
    char dym[64];
    lex_show(&b, t);
    return lex_fail(&ps->lx, t.col, "unknown kernel '%s'%s, expected one of %s",
                    b.s, lex_suggest(dym, sizeof dym, b.s, mm_variant_names()),
                    mm_variant_names());
  }
  return 0;
}

/* kernel VERSION */
static int parse_kernel(scn_parser *ps, scn_tok kw) {
  scn_tok t;
  (void)kw;
  if (lex_need(&ps->lx, &t, "a kernel version", "kernel") < 0 ||
      variant_name(ps, t, ps->s->kernel) < 0)
    return -1;
  return lex_need_eol(&ps->lx, "kernel");
}

/* The knob named t into kname; its index, or -1 (reported). */
static int knob_name(scn_parser *ps, scn_tok t, char *kname, size_t n) {
  scn_shown b;
  char list[1024];
  const char *names[64];
  int idx = -1;
  if (t.len == 0)
    return lex_fail(&ps->lx, t.col, "expected a knob name before '='");
  if (tok_copy(kname, n, t) == 0)
    idx = mm_knob_find(kname);
  if (idx >= 0)
    return idx;
  assert(mm_nknobs <= 64);
  for (int i = 0; i < mm_nknobs; i++)
    names[i] = mm_knob_table[i].name;
  char dym[64];
  lex_join(list, sizeof list, names, mm_nknobs, ", ");
  lex_show(&b, t);
  return lex_fail(&ps->lx, t.col, "unknown knob '%s'%s, expected one of %s",
                  b.s, lex_suggest(dym, sizeof dym, b.s, list), list);
}

/* set KNOB = on|off|1|0  (also "KNOB=VALUE", "KNOB =VALUE", "KNOB= VALUE") */
static int parse_set(scn_parser *ps, scn_tok kw) {
  scenario *s = ps->s;
  scn_lex *lx = &ps->lx;
  scn_tok t, name, val, eq = {0};
  scn_shown b;
  char kname[sizeof s->knobs[0].name];
  (void)kw;
  if (lex_need(lx, &t, "a knob name", "set") < 0)
    return -1;
  if (!lex_split(lx, t, &name, &val)) {
    if (lex_need(lx, &eq, "'='", "set KNOB") < 0)
      return -1;
    if (eq.p[0] != '=')
      return lex_fail(lx, eq.col,
                      "expected '=' after the knob name, found '%s'",
                      lex_show(&b, eq));
    lex_split(lx, eq, &(scn_tok){0}, &val);
  }
  if (val.len == 0 && lex_need(lx, &val, "on or off", "=") < 0)
    return -1;
  if (knob_name(ps, name, kname, sizeof kname) < 0)
    return -1;
  int value;
  if (tok_is(val, "on") || tok_is(val, "1"))
    value = 1;
  else if (tok_is(val, "off") || tok_is(val, "0"))
    value = 0;
  else
    return lex_fail(lx, val.col,
                    "bad value '%s' for knob '%s', expected on, off, 1 or 0",
                    lex_show(&b, val), kname);
  for (int i = 0; i < s->nknobs; i++)
    if (!strcmp(s->knobs[i].name, kname))
      return lex_fail(lx, name.col, "knob '%s' already set at line %d", kname,
                      s->knobs[i].line);
  if (s->nknobs == SCN_MAX_KNOBS)
    return lex_fail(lx, name.col, "too many 'set' lines, expected at most %d",
                    SCN_MAX_KNOBS);
  scn_knob *k = &s->knobs[s->nknobs++];
  strcpy(k->name, kname);
  k->value = value;
  k->line = lx->line;
  k->col = name.col;
  return lex_need_eol(lx, "set");
}

/* cpus N */
static int parse_cpus(scn_parser *ps, scn_tok kw) {
  scn_tok t;
  uint64_t n;
  (void)kw;
  if (lex_need(&ps->lx, &t, "a cpu count", "cpus") < 0 ||
      lex_num(&ps->lx, t, 0, 1, SCN_MAX_CPUS, "cpu count", &n) < 0)
    return -1;
  ps->s->ncpus = (int)n;
  return lex_need_eol(&ps->lx, "cpus");
}

/* ------------------------------------------------------------------------ */
/* Expectations                                                               */

/*
** "clean", "violation any" or "violation KIND [KIND...]", t being its
** first word.  Each KIND is recorded as written, with its column:
** model_bind() checks it against the kinds of the bound model, which the
** parser does not know.
*/
static int parse_outcome(scn_parser *ps, scn_tok t, scn_expect *e) {
  scn_tok k;
  scn_shown b;
  char dym[64];
  if (tok_is(t, "clean")) {
    e->violation = 0;
    return lex_need_eol(&ps->lx, "expect");
  }
  if (!tok_is(t, "violation")) {
    lex_show(&b, t);
    return lex_fail(&ps->lx, t.col,
                    "unknown expectation '%s'%s, expected 'clean', "
                    "'violation KIND', 'violation any', or a condition "
                    "after exists, never or always",
                    b.s,
                    lex_suggest(dym, sizeof dym, b.s,
                                "clean violation exists never always"));
  }
  if (lex_need(&ps->lx, &k, "a violation kind or 'any'", "violation") < 0)
    return -1;
  e->violation = 1;
  for (;;) {
    if (lex_ident(&ps->lx, k, "violation kind", sizeof e->kinds[0]) < 0)
      return -1;
    if (tok_is(k, "any")) {
      if (e->nkinds)
        return lex_fail(&ps->lx, k.col,
                        "'any' after violation kinds, expected either "
                        "'any' or kinds");
      e->any = 1;
      e->kind_col[0] = k.col;
      return lex_need_eol(&ps->lx, "expect violation any");
    }
    if (e->nkinds == SCN_MAX_EXPECT_KINDS)
      return lex_fail(&ps->lx, k.col,
                      "too many violation kinds, expected at most %d",
                      SCN_MAX_EXPECT_KINDS);
    for (int i = 0; i < e->nkinds; i++)
      if (tok_is(k, e->kinds[i]))
        return lex_fail(&ps->lx, k.col, "violation kind '%s' listed twice",
                        e->kinds[i]);
    tok_copy(e->kinds[e->nkinds], sizeof e->kinds[0], k);
    e->kind_col[e->nkinds++] = k.col;
    int r = lex_next(&ps->lx, &k);
    if (r < 0)
      return -1;
    if (r == 0)
      return 0;
  }
}

int scn_expect_names(const scn_expect *e, const char *kind) {
  if (!e->violation)
    return 0;
  if (e->any)
    return 1;
  for (int i = 0; i < e->nkinds; i++)
    if (!strcmp(e->kinds[i], kind))
      return 1;
  return 0;
}

/* expect clean | expect violation KIND... | expect violation any */
static int parse_expect(scn_parser *ps, scn_tok kw) {
  scenario *s = ps->s;
  scn_tok t;
  (void)kw;
  if (lex_need(&ps->lx, &t,
               "'clean', 'violation KIND', 'on VARIANT' or a condition",
               "expect") < 0)
    return -1;
  s->expect.line = ps->lx.line;
  return parse_outcome(ps, t, &s->expect);
}

/* expect exists|never|always COND (the quantifier was read as kw2) */
static int parse_expect_cond(scn_parser *ps, scn_tok kw) {
  scn_tok q = {.p = kw.p, .len = 0};
  /* the quantifier is the word just before the cursor */
  const char *p = ps->lx.cur;
  while (p > ps->lx.bol && !memchr(" \t\r\v\f", p[-1], 5)) /* lexer's blanks */
    p--;
  q.p = p;
  q.len = (size_t)(ps->lx.cur - p);
  q.col = lex_col(&ps->lx, p);
  return scn_stmt_cond(ps, "", q);
}

/* expect on VARIANT clean | ... violation KIND... | ... QUANT COND */
static int parse_expect_on(scn_parser *ps, scn_tok kw) {
  scenario *s = ps->s;
  scn_tok v, t;
  char name[16] = {0}; /* copied whole into the expectation */
  if (lex_need(&ps->lx, &v, "a kernel variant", "on") < 0 ||
      variant_name(ps, v, name) < 0)
    return -1;
  if (lex_need(&ps->lx, &t, "'clean', 'violation KIND' or a condition", name) <
      0)
    return -1;
  if (scn_is_quant(t))
    return scn_stmt_cond(ps, name, t);
  for (int i = 0; i < s->nexpect_on; i++)
    if (!strcmp(s->expect_on[i].variant, name))
      return lex_fail(&ps->lx, v.col,
                      "duplicate 'expect on %s', first at line %d", name,
                      s->expect_on[i].line);
  if (s->nexpect_on == SCN_MAX_EXPECT)
    return lex_fail(&ps->lx, kw.col,
                    "too many 'expect on' lines, expected at most %d",
                    SCN_MAX_EXPECT);
  scn_expect *e = &s->expect_on[s->nexpect_on++];
  memcpy(e->variant, name, sizeof name);
  e->line = ps->lx.line;
  return parse_outcome(ps, t, e);
}

scn_expect scn_expectation(const scenario *s, const char *variant) {
  if (variant)
    for (int i = 0; i < s->nexpect_on; i++)
      if (!strcmp(s->expect_on[i].variant, variant))
        return s->expect_on[i];
  return s->expect;
}

int scn_conditions(const scenario *s, const char *variant, int *out) {
  const char *own = "";
  if (variant)
    for (int i = 0; i < s->nconds; i++)
      if (!strcmp(s->conds[i].variant, variant))
        own = variant;
  int n = 0;
  for (int i = 0; i < s->nconds; i++)
    if (!strcmp(s->conds[i].variant, own))
      out[n++] = i;
  return n;
}

/* ------------------------------------------------------------------------ */
/* Run line and litmus programs                                               */

/*
** A schedule string, read by sim_sched_parse_runs() (the one grammar):
** its runs are checked for length here and for thread ids at the end.
*/
static int parse_schedule(scn_parser *ps, scn_tok st) {
  scenario *s = ps->s;
  sim_sched_run *runs;
  size_t n;
  uint64_t total = 0;
  int col;
  char msg[256];
  if (tok_copy(s->run_schedule, sizeof s->run_schedule, st) < 0)
    return lex_fail(&ps->lx, st.col,
                    "schedule too long, expected at most %zu characters",
                    sizeof s->run_schedule - 1);
  if (sim_sched_parse_runs(s->run_schedule, &runs, &n, &col, msg, sizeof msg))
    return lex_fail(&ps->lx, st.col + col - 1, "bad schedule: %s", msg);
  for (size_t i = 0; i < n && total <= MAX_SCHED_STEPS; i++) {
    total += runs[i].count;
    col = runs[i].col;
  }
  free(runs);
  if (total > MAX_SCHED_STEPS)
    return lex_fail(&ps->lx, st.col + col - 1,
                    "schedule longer than %u steps, expected a shorter one",
                    MAX_SCHED_STEPS);
  ps->sched_col = st.col;
  return 0;
}

/* run timed|random [seed=N] | run schedule STRING */
static int parse_run(scn_parser *ps, scn_tok kw) {
  static const scn_opt spec[] = {{"seed", 1}};
  scenario *s = ps->s;
  scn_lex *lx = &ps->lx;
  scn_tok t, seed, st;
  scn_shown b;
  (void)kw;
  if (lex_need(lx, &t, "timed, random or schedule", "run") < 0)
    return -1;
  if (tok_is(t, "timed") || tok_is(t, "random")) {
    s->run = tok_is(t, "timed") ? SCN_RUN_TIMED : SCN_RUN_RANDOM;
    if (lex_opts(lx, "run", spec, 1, &seed) < 0 ||
        (seed.p &&
         lex_num(lx, seed, 0, 0, UINT64_MAX, "seed", &s->run_seed) < 0))
      return -1;
    return 0;
  }
  if (!tok_is(t, "schedule")) {
    char dym[64];
    lex_show(&b, t);
    return lex_fail(lx, t.col,
                    "unknown run policy '%s'%s, expected timed, random or "
                    "schedule",
                    b.s,
                    lex_suggest(dym, sizeof dym, b.s, "timed random schedule"));
  }
  const char *sb, *se; /* a symbolic schedule: scn_symsched.c */
  if (scn_symsched_text(ps, &sb, &se)) {
    if (scn_symsched_parse(ps, sb, se) < 0)
      return -1;
    s->run = SCN_RUN_SCHEDULE;
    return 0;
  }
  if (lex_need(lx, &st, "a schedule string such as 0*3.1.0*2", "schedule") <
          0 ||
      parse_schedule(ps, st) < 0)
    return -1;
  s->run = SCN_RUN_SCHEDULE;
  return lex_need_eol(lx, "run");
}

/* Does a zap (MADV_DONTNEED) of op's range touch only a tmpfs map?  Its
   dirty bits then go to pages that are never written back (tmpfs has no
   writeback, lost-write skips it): no need for the writeback threads. */
static int zaps_only_tmpfs(const scenario *scn, const scn_op *op) {
  for (int k = 0; k < scn->nmaps; k++) {
    const scn_map *mp = &scn->maps[k];
    if (mp->mm == op->mm && op->addr >= mp->start &&
        op->addr < mp->start + ((uint64_t)mp->npages << PAGE_SHIFT))
      return scn->files[mp->file].tmpfs;
  }
  return 0;
}

int scn_tracks_writeback(const scenario *scn) {
  for (int f = 0; f < scn->nfiles; f++)
    if (scn->files[f].buffers)
      return 1;
  for (int i = 0; i < scn->nthreads; i++)
    for (int j = 0; j < scn->threads[i].nops; j++)
      switch (scn->threads[i].ops[j].kind) {
      case SCN_FSYNC:
      case SCN_SYNC:
      case SCN_WRITEBACK:
      case SCN_FS_FLUSH:
      case SCN_RELEASE:
      case SCN_MPROTECT:
      case SCN_MSYNC:
      case SCN_MUNMAP:
      case SCN_FOLLOW_PAGE:
      case SCN_WRITE:   /* dirties the page: the lost-write checks */
      case SCN_RECLAIM: /* pageout submits I/O */
      case SCN_GUP:
      case SCN_PIN:
      case SCN_DMA_WRITE:
      case SCN_UNPIN:
        return 1;
      case SCN_KSM_PROTECT: /* moves a dirty pte's bit: set_page_dirty */
        return 1;
      case SCN_PROCMEM_WRITE: /* dirties a page: set_page_dirty_lock */
      case SCN_UFFD_REGISTER:
      case SCN_UFFD_CONTINUE:
      case SCN_REMAP: /* as a fault: the dirty bits its zaps move to pages
                         (install_page, 3ee6dafc's munmap) are written
                         only by a writeback operation */
        break;
      case SCN_MADVISE: /* MADV_REMOVE: a hole punch, as truncate */
        if (scn->threads[i].ops[j].arg == SCN_MADV_DONTNEED &&
            !zaps_only_tmpfs(scn, &scn->threads[i].ops[j]))
          return 1;
        break;
      case SCN_LOAD:
      case SCN_STORE:
      case SCN_TRUNCATE:
      case SCN_DIO_WRITE:
      case SCN_DELAY:
      case SCN_READ:
        break;
      }
  return 0;
}

/* The threads a schedule names must exist (they are known only at the end):
   the scenario's, and with writeback tracking the MM model's block device
   and exit threads, numbered after them. */
static int check_schedule(scn_parser *ps) {
  const scenario *s = ps->s;
  sim_sched_run *runs;
  size_t n;
  int col, rc = 0;
  char msg[256];
  int own = !s->litmus[0] && scn_tracks_writeback(s) ? 2 : 0;
  int nth = s->litmus[0] ? s->litmus_threads : s->nthreads + own;
  if (sim_symsched_is_symbolic(s->run_schedule, strlen(s->run_schedule))) {
    char lit[SIM_MAX_THREADS][8];
    const char *names[SIM_MAX_THREADS];
    for (int i = 0; i < nth && i < SIM_MAX_THREADS; i++) {
      snprintf(lit[i], sizeof lit[i], "t%d", i); /* litmus.c's names */
      names[i] = s->litmus[0]       ? lit[i]
                 : i < s->nthreads  ? s->threads[i].name
                 : i == s->nthreads ? "blockdev"
                                    : "exit";
    }
    return scn_symsched_check(ps, names, nth);
  }
  int r =
      sim_sched_parse_runs(s->run_schedule, &runs, &n, &col, msg, sizeof msg);
  assert(r == 0 && "checked by parse_schedule");
  (void)r;
  for (size_t i = 0; i < n && !rc; i++)
    if (runs[i].tid >= nth)
      rc = lex_fail_at(
          &ps->lx, ps->first[ST_RUN], ps->sched_col + runs[i].col - 1,
          "schedule names thread %d, expected 0..%d (the "
          "scenario has %d thread%s%s)",
          runs[i].tid, nth - 1, nth - own, nth - own == 1 ? "" : "s",
          own ? ", then blockdev and exit" : "");
  free(runs);
  return rc;
}

/* litmus NAME N */
static int parse_litmus(scn_parser *ps, scn_tok kw) {
  scenario *s = ps->s;
  scn_lex *lx = &ps->lx;
  scn_tok name, nt;
  scn_shown b;
  uint64_t n;
  char e[192];
  litmus_model lm;
  (void)kw;
  if (lex_need(lx, &name, "a program name", "litmus") < 0 ||
      lex_need(lx, &nt, "a parameter N", "litmus NAME") < 0 ||
      lex_num(lx, nt, 0, 1, SIM_MAX_THREADS, "litmus parameter", &n) < 0)
    return -1;
  if (tok_copy(s->litmus, sizeof s->litmus, name) < 0)
    return lex_fail(lx, name.col,
                    "unknown litmus program '%s', expected one of %s",
                    lex_show(&b, name), litmus_names());
  if (litmus_init(&lm, s->litmus, (int)n, e, sizeof e)) {
    char dym[64];
    if (!strstr(e, "unknown"))
      return lex_fail(lx, nt.col, "%s", e);
    lex_show(&b, name);
    return lex_fail(
        lx, name.col, "unknown litmus program '%s'%s, expected one of %s", b.s,
        lex_suggest(dym, sizeof dym, b.s, litmus_names()), litmus_names());
  }
  s->litmus_n = (int)n;
  s->litmus_threads = lm.nthreads;
  return lex_need_eol(lx, "litmus");
}

/* ------------------------------------------------------------------------ */
/* The table of statements                                                    */

enum {
  ONCE = 1,     /* at most once */
  REQUIRED = 2, /* at least once (reported as 'missing') */
  MM_ONLY = 4,  /* not in a litmus scenario */
};

typedef int stmt_parse_fn(scn_parser *ps, scn_tok kw);

typedef struct stmt_def {
  const char *kw;  /* first word, as listed in messages */
  const char *kw2; /* second word, or NULL */
  stmt_parse_fn *parse;
  unsigned flags;
  const char *missing;               /* REQUIRED: why, when absent */
  const char *(*missing_list)(void); /* appended to 'missing' */
  int (*match)(scn_tok t);           /* matches the first word, not kw */
} stmt_def;

/* In the order of the messages that list them; "expect on" before
   "expect". */
static const stmt_def stmts[ST_N] = {
    [ST_SCENARIO] = {"scenario", NULL, parse_scenario, ONCE | REQUIRED,
                     "missing 'scenario' statement, expected 'scenario "
                     "\"TITLE\"'"},
    [ST_KERNEL] = {"kernel", NULL, parse_kernel, ONCE | REQUIRED | MM_ONLY,
                   "missing 'kernel' statement, expected 'kernel VERSION' "
                   "with VERSION one of ",
                   mm_variant_names},
    [ST_SET] = {"set", NULL, parse_set, MM_ONLY},
    [ST_CPUS] = {"cpus", NULL, parse_cpus, ONCE | REQUIRED | MM_ONLY,
                 "missing 'cpus' statement, expected 'cpus N' with N in "
                 "1.." XSTR(SCN_MAX_CPUS)},
    [ST_FILE] = {"file", NULL, scn_stmt_file, MM_ONLY},
    [ST_MM] = {"mm", NULL, scn_stmt_mm, MM_ONLY},
    [ST_MAP] = {"map", NULL, scn_stmt_map, MM_ONLY},
    [ST_THREAD] = {"cpuN:", NULL, scn_stmt_thread, REQUIRED | MM_ONLY,
                   "no threads, expected at least one 'cpuN: OP' line", NULL,
                   scn_is_thread_label},
    [ST_EXPECT_ON] = {"expect", "on", parse_expect_on, 0},
    [ST_EXPECT_EXISTS] = {"expect", "exists", parse_expect_cond, 0},
    [ST_EXPECT_NEVER] = {"expect", "never", parse_expect_cond, 0},
    [ST_EXPECT_ALWAYS] = {"expect", "always", parse_expect_cond, 0},
    [ST_EXPECT] = {"expect", NULL, parse_expect, ONCE | REQUIRED,
                   "missing 'expect' statement, expected 'expect clean' or "
                   "'expect violation KIND'"},
    [ST_RUN] = {"run", NULL, parse_run, ONCE},
    [ST_LITMUS] = {"litmus", NULL, parse_litmus, ONCE},
};

static int stmt_matches(const stmt_def *d, scn_tok t) {
  return d->match ? d->match(t) : tok_is(t, d->kw);
}

int scn_is_stmt_name(scn_tok t) {
  for (int i = 0; i < ST_N; i++)
    if (!stmts[i].match && tok_is(t, stmts[i].kw))
      return 1;
  return 0;
}

/* Consumes the next token if it is 'word'. */
static int next_is(scn_lex *lx, const char *word) {
  scn_lex save = *lx;
  scn_tok t;
  if (lex_next(lx, &t) > 0 && tok_is(t, word))
    return 1;
  *lx = save;
  return 0;
}

/* The keywords of the statements with (flags & mask) == want, one word
   each, joined with 'last' before the last one. */
static const char *stmt_list(char *buf, size_t n, unsigned mask, unsigned want,
                             const char *last) {
  const char *words[ST_N];
  int nw = 0;
  for (int i = 0; i < ST_N; i++)
    if ((stmts[i].flags & mask) == want && !stmts[i].kw2)
      words[nw++] = stmts[i].kw;
  return lex_join(buf, n, words, nw, last);
}

static int parse_line(scn_parser *ps) {
  scn_tok t;
  scn_shown b;
  char list[256];
  int r = lex_next(&ps->lx, &t);
  if (r <= 0)
    return r;
  for (int i = 0; i < ST_N; i++) {
    const stmt_def *d = &stmts[i];
    if (!stmt_matches(d, t) || (d->kw2 && !next_is(&ps->lx, d->kw2)))
      continue;
    if ((d->flags & ONCE) && ps->first[i])
      return lex_fail(&ps->lx, t.col,
                      "duplicate '%s' statement, first at line %d",
                      lex_show(&b, t), ps->first[i]);
    if (!ps->first[i])
      ps->first[i] = ps->lx.line;
    return d->parse(ps, t);
  }
  char dym[64];
  stmt_list(list, sizeof list, 0, 0, ", ");
  lex_show(&b, t);
  return lex_fail(&ps->lx, t.col,
                  "unknown statement '%s'%s, expected one of %s", b.s,
                  lex_suggest(dym, sizeof dym, b.s, list), list);
}

/* What only the whole file tells: required statements, litmus scenarios
   without MM statements, the threads of the schedule. */
static int check_whole(scn_parser *ps) {
  char no[128], only[128];
  int litmus = ps->first[ST_LITMUS] != 0;
  /* missing statements point past the end: the line after the last
     newline, or past the last character of a last line without one */
  int last = ps->eof_line, lastcol = ps->eof_col;
  for (int i = 0; litmus && i < ST_N; i++)
    if ((stmts[i].flags & MM_ONLY) && ps->first[i])
      return lex_fail_at(
          &ps->lx, ps->first[ST_LITMUS], 1,
          "a litmus scenario has no %s statements, expected only %s",
          stmt_list(no, sizeof no, MM_ONLY, MM_ONLY, " or "),
          stmt_list(only, sizeof only, MM_ONLY, 0, " and "));
  for (int i = 0; i < ST_N; i++) {
    const stmt_def *d = &stmts[i];
    if (!(d->flags & REQUIRED) || ps->first[i] ||
        (litmus && (d->flags & MM_ONLY)))
      continue;
    return lex_fail_at(&ps->lx, last, lastcol, "%s%s", d->missing,
                       d->missing_list ? d->missing_list() : "");
  }
  for (int i = 0; i < ps->s->nconds; i++) {
    const scn_cond *c = &ps->s->conds[i];
    int has = !c->variant[0];
    for (int j = 0; j < ps->s->nexpect_on; j++)
      has |= !strcmp(ps->s->expect_on[j].variant, c->variant);
    int regs = 0; /* sb and mp have registers to state outcomes on */
    for (int t = 0; litmus && t < ps->s->litmus_threads; t++)
      regs += scn_litmus_regs(ps->s, t);
    if (litmus && !regs)
      return lex_fail_at(&ps->lx, c->line, c->col,
                         "a condition names MM state (loads, ptes, pages), "
                         "which a litmus scenario has not, expected only "
                         "'expect clean' or 'expect violation KIND'");
    if (!has)
      return lex_fail_at(&ps->lx, c->line, c->col,
                         "a condition on %s without an 'expect on %s' line, "
                         "expected 'expect on %s clean' or '... violation "
                         "KIND' too",
                         c->variant, c->variant, c->variant);
  }
  if (ps->s->run == SCN_RUN_SCHEDULE)
    return check_schedule(ps);
  return 0;
}

static int parse(const char *name, const char *text, size_t len, scenario *s,
                 char *err, size_t errlen) {
  scn_parser ps = {.lx = {.name = name, .err = err, .errlen = errlen},
                   .s = s,
                   .eof_line = 1,
                   .eof_col = 1};
  const char *p = text, *end = text + len;
  int line = 0;
  memset(s, 0, sizeof *s);
  snprintf(s->path, sizeof s->path, "%s", name);
  if (err && errlen)
    err[0] = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    lex_line(&ps.lx, p, nl ? nl : end, ++line);
    if (parse_line(&ps) < 0)
      return -1;
    ps.eof_line = nl ? line + 1 : line;
    ps.eof_col = nl ? 1 : (int)(end - p) + 1;
    p = nl ? nl + 1 : end;
  }
  return check_whole(&ps);
}

int scn_parse_string(const char *name, const char *text, scenario *s, char *err,
                     size_t errlen) {
  assert(name && text && s);
  return parse(name, text, strlen(text), s, err, errlen);
}

int scn_parse_file(const char *path, scenario *s, char *err, size_t errlen) {
  assert(path && s);
  /* O_NONBLOCK: a FIFO (or a terminal) named as a scenario must not block
     the open until a writer comes; only a regular file is read. */
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  struct stat sb;
  if (fd < 0 || fstat(fd, &sb)) {
    if (err && errlen)
      snprintf(err, errlen, "error: cannot open %s: %s", path, strerror(errno));
    if (fd >= 0)
      close(fd);
    return -1;
  }
  if (!S_ISREG(sb.st_mode)) {
    if (err && errlen)
      snprintf(err, errlen, "error: cannot read %s: %s", path,
               S_ISDIR(sb.st_mode) ? "is a directory" : "not a regular file");
    close(fd);
    return -1;
  }
  FILE *f = fdopen(fd, "rb");
  if (!f) {
    if (err && errlen)
      snprintf(err, errlen, "error: cannot open %s: %s", path, strerror(errno));
    close(fd);
    return -1;
  }
  char *buf = malloc(MAX_INPUT_BYTES + 1);
  size_t n = buf ? fread(buf, 1, MAX_INPUT_BYTES + 1, f) : 0;
  int rc = -1;
  if (!buf)
    snprintf(err, err ? errlen : 0, "error: cannot read %s: out of memory",
             path);
  else if (ferror(f))
    snprintf(err, err ? errlen : 0, "error: cannot read %s: %s", path,
             strerror(errno));
  else if (n > MAX_INPUT_BYTES)
    snprintf(err, err ? errlen : 0,
             "error: cannot read %s: larger than %u bytes", path,
             MAX_INPUT_BYTES);
  else
    rc = parse(path, buf, n, s, err, errlen);
  free(buf);
  fclose(f);
  return rc;
}
