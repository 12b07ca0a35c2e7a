/*
** scn_format.c - a parsed scenario written back as scenario text, in one
** canonical form: the statements in the order FORMAT.md lists them
** (scenario, kernel, set, cpus, file, mm, map, the thread lines thread by
** thread, expect, run, litmus), each option once, numbers in the form the
** parser reads (addresses in hex, sizes in bytes).  Comments, blank lines,
** the order of options and of interleaved thread lines are not kept.
**
** It is the inverse of the parser up to that canonical form, which the
** fuzz harness (tests/fuzz/fuzz_scenario.c) and the test suite check:
** for every scenario text s the parser accepts,
**
**   parse(format(parse(s))) succeeds and format() of it is format(parse(s))
**
** so nothing the parser keeps is lost or changed by writing it out.
**
** An outcome condition (cond.h) is written by scn_cond_format: its terms
** in the words of scn_cond.c's tables, 'and' binding tighter than 'or',
** with the parentheses that precedence needs and no others.
*/
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "models/scenario.h"
#include "models/scn_stmt.h"
#include "models/variant.h"

struct out {
  char *buf;
  size_t n, len;
};

static void put(struct out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  if (o->len < o->n) {
    int k = vsnprintf(o->buf + o->len, o->n - o->len, fmt, ap);
    o->len += k > 0 ? (size_t)k : 0;
  } else { /* count what it would need */
    int k = vsnprintf(NULL, 0, fmt, ap);
    o->len += k > 0 ? (size_t)k : 0;
  }
  va_end(ap);
}

/* cached=/dirty= as a page list: "" when no page is set. */
static void page_list(struct out *o, const char *opt, const uint8_t *set) {
  int first = 1;
  for (int i = 0; i < SCN_MAX_FILE_PAGES; i++)
    if (set[i]) {
      put(o, "%s%d", first ? opt : ",", i);
      first = 0;
    }
}

static void put_file(struct out *o, const scn_file *f) {
  put(o, "file %s size=%" PRIu64, f->name, f->size);
  page_list(o, " cached=", f->cached);
  page_list(o, " dirty=", f->dirty);
  if (f->page_mkwrite && !f->ext4)
    put(o, " page_mkwrite");
  if (f->ext4)
    put(o, " ext4");
  if (f->needs_buffers)
    put(o, " buffers_required");
  else if (f->buffers && !f->ext4)
    put(o, " buffers");
  if (f->tmpfs)
    put(o, " tmpfs");
  put(o, "\n");
}

static void put_map(struct out *o, const scenario *s, const scn_map *m) {
  put(o, "map %s %s at 0x%" PRIx64 " pages=%" PRIu32, s->mms[m->mm].name,
      s->files[m->file].name, m->start, m->npages);
  if (m->pgoff)
    put(o, " pgoff=%" PRIu32, m->pgoff);
  put(o, " %s %s%s\n", m->shared ? "shared" : "private", m->write ? "rw" : "r",
      m->populated ? " mapped" : "");
}

static void put_expect(struct out *o, const scn_expect *e) {
  put(o, "expect");
  if (e->variant[0])
    put(o, " on %s", e->variant);
  if (!e->violation)
    put(o, " clean\n");
  else if (e->any)
    put(o, " violation any\n");
  else {
    put(o, " violation");
    for (int i = 0; i < e->nkinds; i++)
      put(o, " %s", e->kinds[i]);
    put(o, "\n");
  }
}

static void put_run(struct out *o, const scenario *s) {
  switch (s->run) {
  case SCN_RUN_NONE:
    break;
  case SCN_RUN_TIMED:
  case SCN_RUN_RANDOM:
    put(o, "run %s seed=%" PRIu64 "\n",
        s->run == SCN_RUN_TIMED ? "timed" : "random", s->run_seed);
    break;
  case SCN_RUN_SCHEDULE:
    put(o, "run schedule %s\n", s->run_schedule);
    break;
  }
}

/* ------------------------------------------------ conditions (cond.h) */

/* Binding strengths: an operand that binds less tightly than its place
   needs is parenthesized. */
enum { PREC_OR, PREC_AND, PREC_UNARY };

static void fmt_term(struct out *o, const scenario *s, const cond_node *n) {
  switch ((enum cond_kind)n->kind) {
  case CT_LOAD:
  case CT_VERSION:
    put(o, "%s.%s%u", s->threads[n->thread].name,
        n->kind == CT_LOAD ? "load" : "v", n->k);
    break;
  case CT_PTE_PRESENT:
  case CT_PTE_WRITE:
  case CT_PTE_DIRTY:
  case CT_PTE_PAGE:
    put(o, "pte(%s,0x%" PRIx64 ").%s", s->mms[n->mm].name, n->num,
        scn_cond_kind_word((enum cond_kind)n->kind));
    break;
  case CT_REG:
    put(o, "t%d.r%u", n->thread, n->k);
    break;
  case CT_SIGBUS:
  case CT_SEGV:
    put(o, "%s(%s)", n->kind == CT_SIGBUS ? "sigbus" : "segv",
        s->threads[n->thread].name);
    break;
  case CT_NUM:
    put(o, "%" PRIu64, n->num);
    break;
  default:
    if (n->file >= 0)
      put(o, "%s(%s,%u)", scn_cond_kind_word((enum cond_kind)n->kind),
          s->files[n->file].name, n->k);
    else
      put(o, "%s", scn_cond_kind_word((enum cond_kind)n->kind));
    break;
  }
}

static void fmt_node(struct out *o, const scenario *s, int i, int prec) {
  const cond_node *n = &s->cond_nodes[i];
  int mine = n->kind == CN_OR    ? PREC_OR
             : n->kind == CN_AND ? PREC_AND
                                 : PREC_UNARY;
  if (mine < prec)
    put(o, "(");
  switch ((enum cond_kind)n->kind) {
  case CN_TRUE:
  case CN_FALSE:
    put(o, "%s", n->kind == CN_TRUE ? "true" : "false");
    break;
  case CN_NOT:
    put(o, "not ");
    fmt_node(o, s, n->a, PREC_UNARY);
    break;
  case CN_AND:
  case CN_OR:
    fmt_node(o, s, n->a, mine);
    put(o, " %s ", n->kind == CN_AND ? "and" : "or");
    fmt_node(o, s, n->b, mine + 1);
    break;
  case CN_CMP:
    fmt_term(o, s, &s->cond_nodes[n->a]);
    put(o, " %s ", scn_cond_cmp_op((enum cond_cmp)n->cmp));
    fmt_term(o, s, &s->cond_nodes[n->b]);
    break;
  case CN_TEST:
    fmt_term(o, s, &s->cond_nodes[n->a]);
    break;
  default:
    fmt_term(o, s, n);
    break;
  }
  if (mine < prec)
    put(o, ")");
}

size_t scn_cond_format(const scenario *s, const scn_cond *c, char *buf,
                       size_t n) {
  struct out o = {buf, n, 0};
  if (n)
    buf[0] = 0;
  put(&o, "expect ");
  if (c->variant[0])
    put(&o, "on %s ", c->variant);
  put(&o, "%s ", cond_quant_name((enum cond_quant)c->quant));
  fmt_node(&o, s, c->root, PREC_OR);
  return o.len;
}

/* ------------------------------------------------------------ scenario */

size_t scn_format(const scenario *s, char *buf, size_t n) {
  struct out o = {buf, n, 0};
  if (n)
    buf[0] = 0;
  put(&o, "scenario \"%s\"\n", s->title);
  if (s->litmus[0]) {
    put(&o, "litmus %s %d\n", s->litmus, s->litmus_n);
  } else {
    put(&o, "kernel %s\n", s->kernel);
    for (int i = 0; i < s->nknobs; i++)
      put(&o, "set %s = %s\n", s->knobs[i].name,
          s->knobs[i].value ? "on" : "off");
    put(&o, "cpus %d\n", s->ncpus);
    for (int i = 0; i < s->nfiles; i++)
      put_file(&o, &s->files[i]);
    for (int i = 0; i < s->nmms; i++)
      put(&o, "mm %s\n", s->mms[i].name);
    for (int i = 0; i < s->nmaps; i++)
      put_map(&o, s, &s->maps[i]);
    for (int t = 0; t < s->nthreads; t++)
      for (int i = 0; i < s->threads[t].nops; i++) {
        char op[160];
        scn_op_format(s, &s->threads[t].ops[i], op, sizeof op);
        put(&o, "%s: %s\n", s->threads[t].name, op);
      }
  }
  if (s->expect.line)
    put_expect(&o, &s->expect);
  for (int i = 0; i < s->nexpect_on; i++)
    put_expect(&o, &s->expect_on[i]);
  for (int i = 0; i < s->nconds; i++) {
    char line[8192]; /* SCN_MAX_COND_NODES terms fit */
    scn_cond_format(s, &s->conds[i], line, sizeof line);
    put(&o, "%s\n", line);
  }
  put_run(&o, s);
  return o.len;
}
