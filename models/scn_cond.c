/*
** scn_cond.c - the parser of outcome conditions (cond.h, FORMAT.md
** "Outcome conditions"): `expect [on VARIANT] exists|never|always COND`.
**
**   cond  := and ('or' and)*
**   and   := unary ('and' unary)*
**   unary := 'not' unary | '(' cond ')' | 'true' | 'false' | cmp
**   cmp   := term [('==' | '!=' | '<' | '<=' | '>' | '>=') term]
**   term  := NUMBER | old | new | zero | none | THREAD.loadK | THREAD.vK
**          | sigbus(THREAD) | segv(THREAD) | tN.rK (a litmus register)
**          | pte(MM, ADDR).present|.write|.dirty|.page
**          | cached|dirty|mapcount|page|data|disk|last_store(FILE, PAGE)
**          | last_store    (compared with disk(FILE,P) or data(FILE,P): the
**                           last_store of that FILE,P)
**
** The condition names what the scenario declared before it: threads
** (with their loads), mms and their maps, files and their pages; every
** name is resolved here, with a "did you mean" and the names it could
** be, and every comparison is type checked (cond.h), so that evaluation
** cannot fail.  The tokens are the condition's own: words (letters,
** digits, '_', '-' and '.': "cpu0.1.load2" is one word, split at its
** last '.'), numbers, parentheses, ',', '.' and the comparison operators.
** The words of its tables are also the formatter's (scn_cond_kind_word,
** scn_cond_cmp_op), which writes a parsed condition back as text in
** scn_format.c.
*/
#include "models/litmus.h"
#include "models/scn_stmt.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct cparse {
  scn_parser *ps;
  scenario *s;
  scn_tok tok; /* the current token, len 0 at the end of the line */
} cparse;

static int is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

/* Reads the next token into cp->tok (len 0 at the end or a comment). */
static void advance(cparse *cp) {
  scn_lex *lx = &cp->ps->lx;
  const char *p = lx->cur;
  while (p < lx->eol &&
         (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' || *p == '\f'))
    p++;
  scn_tok t = {.p = p, .len = 0, .col = lex_col(lx, p)};
  if (p < lx->eol && *p != '#') {
    if (is_word_char(*p) && *p != '.') {
      while (p + t.len < lx->eol && is_word_char(p[t.len]))
        t.len++;
    } else if ((*p == '=' || *p == '!' || *p == '<' || *p == '>') &&
               p + 1 < lx->eol && p[1] == '=') {
      t.len = 2;
    } else {
      t.len = 1;
    }
  }
  lx->cur = p + t.len;
  cp->tok = t;
}

static int at_end(const cparse *cp) {
  return cp->tok.len == 0;
}

/* "the end of the line" or "'TOKEN'", for messages */
static const char *shown(const cparse *cp, char *buf, size_t n) {
  scn_shown b;
  if (at_end(cp))
    return "the end of the line";
  snprintf(buf, n, "'%s'", lex_show(&b, cp->tok));
  return buf;
}

static int expected(cparse *cp, const char *what) {
  char buf[sizeof(scn_shown) + 4];
  return lex_fail(&cp->ps->lx, cp->tok.col, "expected %s, found %s", what,
                  shown(cp, buf, sizeof buf));
}

/* Consumes punctuation 'c' or reports it missing. */
static int need(cparse *cp, const char *c, const char *what) {
  if (!tok_is(cp->tok, c))
    return expected(cp, what);
  advance(cp);
  return 0;
}

static int new_node(cparse *cp, enum cond_kind kind, enum cond_type type,
                    int col) {
  scenario *s = cp->s;
  if (s->ncond_nodes == SCN_MAX_COND_NODES)
    return lex_fail(&cp->ps->lx, col,
                    "conditions too long (%d terms in all), expected fewer",
                    SCN_MAX_COND_NODES);
  int i = s->ncond_nodes++;
  s->cond_nodes[i] = (cond_node){.kind = (uint8_t)kind,
                                 .type = (uint8_t)type,
                                 .thread = -1,
                                 .mm = -1,
                                 .file = -1,
                                 .a = -1,
                                 .b = -1,
                                 .col = col};
  return i;
}

/* ------------------------------------------------------------ names */

static int find_thread(const scenario *s, const char *name, size_t len) {
  for (int i = 0; i < s->nthreads; i++)
    if (strlen(s->threads[i].name) == len &&
        !memcmp(s->threads[i].name, name, len))
      return i;
  return -1;
}

static int thread_names(const scenario *s, char *buf, size_t n) {
  const char *w[SCN_MAX_THREADS];
  for (int i = 0; i < s->nthreads; i++)
    w[i] = s->threads[i].name;
  lex_join(buf, n, w, s->nthreads, " or ");
  return s->nthreads;
}

static int need_thread(cparse *cp, scn_tok t) {
  int i = find_thread(cp->s, t.p, t.len);
  if (i >= 0)
    return i;
  char list[256], dym[64];
  scn_shown b;
  thread_names(cp->s, list, sizeof list);
  lex_show(&b, t);
  return lex_fail(
      &cp->ps->lx, t.col, "unknown thread '%s' in condition%s, expected %s%s",
      b.s, lex_suggest(dym, sizeof dym, b.s, list),
      cp->s->nthreads ? "" : "a thread line before the condition", list);
}

/* How many contents thread th may write: the versions THREAD.vK names. */
static uint32_t versions_of(const scn_thread *th) {
  uint32_t n = 0;
  for (int j = 0; j < th->nops; j++)
    switch (th->ops[j].kind) {
    case SCN_STORE:
    case SCN_WRITE:
    case SCN_DMA_WRITE:
    case SCN_PROCMEM_WRITE:
      n++;
      break;
    case SCN_DIO_WRITE:
      n += th->ops[j].npages;
      break;
    case SCN_READ:
      n += th->ops[j].mm >= 0; /* into a mapping: a user store */
      break;
    default:
      break;
    }
  return n;
}

static uint32_t loads_of(const scn_thread *th) {
  uint32_t n = 0;
  for (int j = 0; j < th->nops; j++)
    n += th->ops[j].kind == SCN_LOAD;
  return n;
}

int scn_litmus_regs(const scenario *s, int tid) {
  litmus_model lm;
  char err[160];
  if (!s->litmus[0] ||
      litmus_init(&lm, s->litmus, s->litmus_n, err, sizeof err))
    return 0;
  return tid >= 0 && tid < lm.nthreads ? litmus_reg_count(&lm, tid) : 0;
}

/* tN.rK in a litmus scenario: register K of thread N (litmus.h) */
static int litmus_term(cparse *cp, scn_tok th, scn_tok f, int col) {
  scn_lex *lx = &cp->ps->lx;
  const scenario *s = cp->s;
  char list[256] = "", one[32];
  size_t o = 0;
  int tid = -1, all = 0;
  for (int i = 0; i < s->litmus_threads; i++) {
    int nr = scn_litmus_regs(s, i);
    snprintf(one, sizeof one, "t%d", i);
    if (tok_is(th, one))
      tid = i;
    for (int r = 0; r < nr && o + 16 < sizeof list; r++, all++)
      o += (size_t)snprintf(list + o, sizeof list - o, "%st%d.r%d",
                            o ? ", " : "", i, r);
  }
  scn_shown b;
  uint64_t k;
  if (tid < 0)
    return lex_fail(lx, th.col,
                    "unknown thread '%s' of litmus program %s, expected "
                    "t0..t%d",
                    lex_show(&b, th), s->litmus, s->litmus_threads - 1);
  int nr = scn_litmus_regs(s, tid);
  if (f.len < 2 || f.p[0] != 'r' ||
      lex_u64((scn_tok){.p = f.p + 1, .len = f.len - 1, .col = f.col + 1}, 0,
              &k) != 0 ||
      k >= (uint64_t)nr)
    return lex_fail(lx, f.col,
                    "thread t%d of litmus program %s has no register '%s', "
                    "expected %s",
                    tid, s->litmus, lex_show(&b, f),
                    all ? list : "a program with registers (sb, mp)");
  int n = new_node(cp, CT_REG, CTY_INT, col);
  if (n < 0)
    return -1;
  cp->s->cond_nodes[n].thread = (int8_t)tid;
  cp->s->cond_nodes[n].k = (uint32_t)k;
  return n;
}

/* THREAD.loadK or THREAD.vK, as one word; tN.rK in a litmus scenario */
static int thread_term(cparse *cp, scn_tok w) {
  const char *dot = NULL;
  for (size_t i = 0; i < w.len; i++)
    if (w.p[i] == '.')
      dot = w.p + i;
  if (!dot)
    return -2; /* not a thread term */
  scn_tok th = {.p = w.p, .len = (size_t)(dot - w.p), .col = w.col};
  scn_tok f = {
      .p = dot + 1, .len = w.len - th.len - 1, .col = w.col + (int)th.len + 1};
  if (cp->s->litmus[0])
    return litmus_term(cp, th, f, w.col);
  int tid = need_thread(cp, th);
  if (tid < 0)
    return -1;
  const scn_thread *t = &cp->s->threads[tid];
  int is_load = f.len > 4 && !memcmp(f.p, "load", 4);
  int is_ver = f.len > 1 && f.p[0] == 'v';
  scn_tok num = {.p = f.p + (is_load ? 4 : 1),
                 .len = f.len - (is_load ? 4 : 1),
                 .col = f.col + (is_load ? 4 : 1)};
  uint64_t k;
  scn_shown b;
  if ((!is_load && !is_ver) || lex_u64(num, 0, &k) != 0)
    return lex_fail(&cp->ps->lx, f.col,
                    "unknown field '%s' of thread %s, expected loadK (the "
                    "K-th load's value) or vK (the K-th content it writes)",
                    lex_show(&b, f), t->name);
  uint32_t max = is_load ? loads_of(t) : versions_of(t);
  if (k < 1 || k > max) {
    if (!max)
      return lex_fail(&cp->ps->lx, f.col,
                      "thread %s has no %s, expected a "
                      "thread with a %s line before the condition",
                      t->name, is_load ? "load" : "content to write",
                      is_load ? "'MM load ADDR'" : "store or write");
    return lex_fail(&cp->ps->lx, num.col,
                    "thread %s has %" PRIu32 " %s, expected %s1..%s%" PRIu32,
                    t->name, max, is_load ? "load(s)" : "content(s) to write",
                    is_load ? "load" : "v", is_load ? "load" : "v", max);
  }
  int n = new_node(cp, is_load ? CT_LOAD : CT_VERSION, CTY_CONTENT, w.col);
  if (n < 0)
    return -1;
  cp->s->cond_nodes[n].thread = (int8_t)tid;
  cp->s->cond_nodes[n].k = (uint32_t)k;
  return n;
}

/* ------------------------------------------------------------ terms */

/* A word of a term and the node it makes. */
typedef struct term_word {
  const char *name;
  enum cond_kind kind;
  enum cond_type type;
} term_word;

static const term_word file_terms[] = {
    {"cached", CT_CACHED, CTY_BOOL},
    {"dirty", CT_DIRTY, CTY_BOOL},
    {"mapcount", CT_MAPCOUNT, CTY_INT},
    {"page", CT_PAGE, CTY_PAGE},
    {"data", CT_DATA, CTY_CONTENT},
    {"disk", CT_DISK, CTY_CONTENT},
    {"last_store", CT_LAST_STORE, CTY_CONTENT},
};
static const term_word pte_fields[] = {
    {"present", CT_PTE_PRESENT, CTY_BOOL},
    {"write", CT_PTE_WRITE, CTY_BOOL},
    {"dirty", CT_PTE_DIRTY, CTY_BOOL},
    {"page", CT_PTE_PAGE, CTY_PAGE},
};
static const term_word constants[] = {
    {"old", CT_OLD, CTY_CONTENT},
    {"new", CT_NEW, CTY_CONTENT},
    {"zero", CT_ZERO, CTY_CONTENT},
    {"none", CT_NONE, CTY_NONE},
};
#define NELEM(a) (int)(sizeof(a) / sizeof((a)[0]))

#define TERM_WORDS                                                             \
  "a number, old, new, zero, none, THREAD.loadK, THREAD.vK, sigbus(THREAD), "  \
  "segv(THREAD), pte(MM,ADDR).FIELD, cached(FILE,P), dirty(FILE,P), "          \
  "mapcount(FILE,P), page(FILE,P), data(FILE,P) or disk(FILE,P)"
#define SUGGEST_WORDS                                                          \
  "old new zero none true false not sigbus segv pte cached dirty mapcount "    \
  "page data disk last_store"

/* The operands of pte(MM, ADDR) and of NAME(FILE, P): a declared name,
   then a number; and the words their errors use. */
typedef struct operand_pair {
  const char *open;  /* what a missing '(' should have followed */
  const char *name;  /* the first operand: "an mm name" */
  const char *comma; /* what a missing ',' should have followed */
  /* the index of the name, or -1 after reporting it undeclared */
  int (*find)(scn_lex *lx, const scenario *s, scn_tok t);
  const char *number; /* the second operand: "an address" */
  const char *unit;   /* lex_num's word for it: "address" */
  uint64_t max;       /* its largest value */
} operand_pair;

static const operand_pair pte_operands = {
    .open = "'(' after pte",
    .name = "an mm name",
    .comma = "',' after the mm name",
    .find = scn_need_mm,
    .number = "an address",
    .unit = "address",
    .max = UINT64_MAX,
};
static const operand_pair file_operands = {
    .open = "'(' after the function name",
    .name = "a file name",
    .comma = "',' after the file name",
    .find = scn_need_file,
    .number = "a page index",
    .unit = "page index",
    .max = SCN_MAX_FILE_PAGES - 1,
};

/* Reads '(' NAME ',' NUMBER of 'op', the function's word read: the
   index of the name, or -1 after reporting; the number and its token in
   *num and *nt.  The caller checks the number, then reads the ')'. */
static int two_operands(cparse *cp, const operand_pair *op, uint64_t *num,
                        scn_tok *nt) {
  scn_lex *lx = &cp->ps->lx;
  if (need(cp, "(", op->open))
    return -1;
  scn_tok t = cp->tok;
  if (at_end(cp))
    return expected(cp, op->name);
  int i = op->find(lx, cp->s, t);
  if (i < 0)
    return -1;
  advance(cp);
  if (need(cp, ",", op->comma))
    return -1;
  *nt = cp->tok;
  if (at_end(cp))
    return expected(cp, op->number);
  if (lex_num(lx, *nt, 0, 0, op->max, op->unit, num) < 0)
    return -1;
  advance(cp);
  return i;
}

/* pte(MM, ADDR).FIELD, the word 'pte' read */
static int pte_term(cparse *cp, int col) {
  scn_lex *lx = &cp->ps->lx;
  scenario *s = cp->s;
  uint64_t addr;
  scn_tok at;
  int mm = two_operands(cp, &pte_operands, &addr, &at);
  if (mm < 0)
    return -1;
  int in = 0;
  for (int i = 0; i < s->nmaps; i++)
    in |= s->maps[i].mm == mm && addr >= s->maps[i].start &&
          addr < s->maps[i].start + ((uint64_t)s->maps[i].npages << PAGE_SHIFT);
  if (!in)
    return lex_fail(lx, at.col,
                    "address 0x%" PRIx64 " is outside every map of '%s', "
                    "expected an address a 'map %s' line covers",
                    addr, s->mms[mm].name, s->mms[mm].name);
  if (addr & (PAGE_SIZE - 1))
    return lex_fail(lx, at.col,
                    "address 0x%" PRIx64 " is not page aligned, expected a "
                    "multiple of 0x1000",
                    addr);
  if (need(cp, ")", "')' after the address") ||
      need(cp, ".",
           "'.FIELD' after pte(...): .present, .write, .dirty or "
           ".page"))
    return -1;
  for (int i = 0; i < NELEM(pte_fields); i++)
    if (tok_is(cp->tok, pte_fields[i].name)) {
      int n = new_node(cp, pte_fields[i].kind, pte_fields[i].type, col);
      if (n < 0)
        return -1;
      s->cond_nodes[n].mm = (int8_t)mm;
      s->cond_nodes[n].num = addr;
      advance(cp);
      return n;
    }
  char dym[64];
  scn_shown b;
  lex_show(&b, cp->tok);
  return lex_fail(
      lx, cp->tok.col,
      "unknown pte field '%s'%s, expected present, write, dirty "
      "or page",
      b.s, lex_suggest(dym, sizeof dym, b.s, "present write dirty page"));
}

/* NAME(FILE, P), NAME given */
static int file_term(cparse *cp, int which, int col) {
  scn_lex *lx = &cp->ps->lx;
  scenario *s = cp->s;
  char hp[96];
  uint64_t idx;
  scn_tok pt;
  int f = two_operands(cp, &file_operands, &idx, &pt);
  if (f < 0)
    return -1;
  uint32_t np = scn_pages_of(s->files[f].size);
  if (idx >= np)
    return lex_fail(lx, pt.col,
                    "page %" PRIu64 " is beyond the end of file '%s', %s", idx,
                    s->files[f].name, scn_beyond_eof(hp, sizeof hp, np));
  if (need(cp, ")", "')' after the page index"))
    return -1;
  int n = new_node(cp, file_terms[which].kind, file_terms[which].type, col);
  if (n < 0)
    return -1;
  s->cond_nodes[n].file = (int8_t)f;
  s->cond_nodes[n].k = (uint32_t)idx;
  return n;
}

/* sigbus(THREAD), segv(THREAD) */
static int signal_term(cparse *cp, enum cond_kind kind, int col) {
  if (need(cp, "(", "'(' after the function name"))
    return -1;
  if (at_end(cp))
    return expected(cp, "a thread name");
  int tid = need_thread(cp, cp->tok);
  if (tid < 0)
    return -1;
  advance(cp);
  if (need(cp, ")", "')' after the thread name"))
    return -1;
  int n = new_node(cp, kind, CTY_INT, col);
  if (n >= 0)
    cp->s->cond_nodes[n].thread = (int8_t)tid;
  return n;
}

static int term(cparse *cp) {
  scn_lex *lx = &cp->ps->lx;
  scn_tok w = cp->tok;
  scn_shown b;
  if (at_end(cp) || !is_word_char(w.p[0]))
    return expected(cp, TERM_WORDS);
  if (lex_is_digit(w.p[0])) {
    uint64_t v;
    if (lex_num(lx, w, 0, 0, INT64_MAX, "number", &v) < 0)
      return -1;
    advance(cp);
    int n = new_node(cp, CT_NUM, CTY_INT, w.col);
    if (n >= 0)
      cp->s->cond_nodes[n].num = v;
    return n;
  }
  advance(cp);
  for (int i = 0; i < NELEM(constants); i++)
    if (tok_is(w, constants[i].name))
      return new_node(cp, constants[i].kind, constants[i].type, w.col);
  if (tok_is(w, "pte"))
    return pte_term(cp, w.col);
  if (tok_is(w, "sigbus") || tok_is(w, "segv"))
    return signal_term(cp, tok_is(w, "sigbus") ? CT_SIGBUS : CT_SEGV, w.col);
  if (tok_is(w, "last_store") && !tok_is(cp->tok, "("))
    /* bare: its page comes from the other side of its comparison (cmp) */
    return new_node(cp, CT_LAST_STORE, CTY_CONTENT, w.col);
  for (int i = 0; i < NELEM(file_terms); i++)
    if (tok_is(w, file_terms[i].name))
      return file_term(cp, i, w.col);
  int r = thread_term(cp, w);
  if (r != -2)
    return r;
  char dym[64];
  lex_show(&b, w);
  return lex_fail(lx, w.col, "unknown term '%s' in condition%s, expected %s",
                  b.s, lex_suggest(dym, sizeof dym, b.s, SUGGEST_WORDS),
                  TERM_WORDS);
}

/* ------------------------------------------------------------ structure */

static const char *type_name(enum cond_type t) {
  switch (t) {
  case CTY_BOOL:
    return "a condition";
  case CTY_INT:
    return "a number";
  case CTY_CONTENT:
    return "a content";
  case CTY_PAGE:
    return "a page";
  case CTY_NONE:
    return "none";
  }
  return "?";
}

static const struct {
  const char *op;
  enum cond_cmp cmp;
} cmps[] = {{"==", CMP_EQ}, {"!=", CMP_NE}, {"<=", CMP_LE},
            {">=", CMP_GE}, {"<", CMP_LT},  {">", CMP_GT}};

static int is_class(const cond_node *n) {
  return n->kind >= CT_OLD && n->kind <= CT_VERSION;
}

/* A bare 'last_store' (node ls, file -1) compared with 'other' names the
   page of disk(FILE,P) or data(FILE,P) on the other side: "disk(data,0)
   == last_store" is "disk(data,0) == last_store(data,0)". */
static int resolve_last_store(cparse *cp, int ls, int other) {
  cond_node *n = &cp->s->cond_nodes[ls];
  const cond_node *o = &cp->s->cond_nodes[other];
  if (n->kind != CT_LAST_STORE || n->file >= 0)
    return 0;
  if (o->kind != CT_DISK && o->kind != CT_DATA)
    return lex_fail(&cp->ps->lx, n->col,
                    "'last_store' alone names no page here, expected "
                    "last_store(FILE,P), or a comparison with disk(FILE,P) "
                    "or data(FILE,P)");
  n->file = o->file;
  n->k = o->k;
  return 0;
}

static int cmp(cparse *cp) {
  scn_lex *lx = &cp->ps->lx;
  int a = term(cp);
  if (a < 0)
    return -1;
  int c = -1;
  for (int i = 0; i < NELEM(cmps); i++)
    if (tok_is(cp->tok, cmps[i].op))
      c = i;
  if (c < 0) {
    const cond_node *n = &cp->s->cond_nodes[a];
    if (n->type != CTY_BOOL)
      return lex_fail(lx, cp->tok.col,
                      "%s alone is not a condition, expected a comparison "
                      "(==, !=, <, <=, >, >=) after it",
                      type_name((enum cond_type)n->type));
    int t = new_node(cp, CN_TEST, CTY_BOOL, n->col);
    if (t >= 0)
      cp->s->cond_nodes[t].a = (int16_t)a;
    return t;
  }
  scn_tok op = cp->tok;
  advance(cp);
  int b = term(cp);
  if (b < 0)
    return -1;
  const cond_node *x = &cp->s->cond_nodes[a], *y = &cp->s->cond_nodes[b];
  enum cond_type tx = (enum cond_type)x->type, ty = (enum cond_type)y->type;
  int ordered = cmps[c].cmp != CMP_EQ && cmps[c].cmp != CMP_NE;
  int same = tx == ty ||
             (tx == CTY_NONE && (ty == CTY_CONTENT || ty == CTY_PAGE)) ||
             (ty == CTY_NONE && (tx == CTY_CONTENT || tx == CTY_PAGE));
  if (!same)
    return lex_fail(lx, op.col,
                    "'%.*s' compares %s with %s, expected two terms of one "
                    "type",
                    (int)op.len, op.p, type_name(tx), type_name(ty));
  if (ordered && tx != CTY_INT)
    return lex_fail(lx, op.col,
                    "'%.*s' orders %s, expected == or != (only numbers are "
                    "ordered)",
                    (int)op.len, op.p, type_name(tx));
  if ((is_class(x) || x->kind == CT_NONE) &&
      (is_class(y) || y->kind == CT_NONE))
    return lex_fail(lx, op.col,
                    "'%.*s' compares two constants, expected a term of the "
                    "final state on one side",
                    (int)op.len, op.p);
  if (resolve_last_store(cp, a, b) || resolve_last_store(cp, b, a))
    return -1;
  int n = new_node(cp, CN_CMP, CTY_BOOL, x->col);
  if (n < 0)
    return -1;
  cond_node *nd = &cp->s->cond_nodes[n];
  nd->cmp = (uint8_t)cmps[c].cmp;
  /* a constant on the right, where the evaluator looks for it first */
  int left_const = is_class(x) || x->kind == CT_NONE;
  nd->a = (int16_t)(left_const ? b : a);
  nd->b = (int16_t)(left_const ? a : b);
  return n;
}

static int or_expr(cparse *cp);

static int unary(cparse *cp) {
  scn_tok t = cp->tok;
  if (tok_is(t, "not")) {
    advance(cp);
    int a = unary(cp);
    if (a < 0)
      return -1;
    int n = new_node(cp, CN_NOT, CTY_BOOL, t.col);
    if (n >= 0)
      cp->s->cond_nodes[n].a = (int16_t)a;
    return n;
  }
  if (tok_is(t, "(")) {
    advance(cp);
    int a = or_expr(cp);
    if (a < 0 || need(cp, ")", "')' to close the '('"))
      return -1;
    return a;
  }
  if (tok_is(t, "true") || tok_is(t, "false")) {
    advance(cp);
    return new_node(cp, tok_is(t, "true") ? CN_TRUE : CN_FALSE, CTY_BOOL,
                    t.col);
  }
  return cmp(cp);
}

static int binary(cparse *cp, const char *word, enum cond_kind kind,
                  int (*sub)(cparse *)) {
  int a = sub(cp);
  while (a >= 0 && tok_is(cp->tok, word)) {
    int col = cp->tok.col;
    advance(cp);
    int b = sub(cp);
    if (b < 0)
      return -1;
    int n = new_node(cp, kind, CTY_BOOL, col);
    if (n < 0)
      return -1;
    cp->s->cond_nodes[n].a = (int16_t)a;
    cp->s->cond_nodes[n].b = (int16_t)b;
    a = n;
  }
  return a;
}

static int and_expr(cparse *cp) {
  return binary(cp, "and", CN_AND, unary);
}

static int or_expr(cparse *cp) {
  return binary(cp, "or", CN_OR, and_expr);
}

/* ------------------------------------------------------------ the line */

int scn_is_quant(scn_tok t) {
  return tok_is(t, "exists") || tok_is(t, "never") || tok_is(t, "always");
}

/* The condition as written, from the quantifier to the end of the line or
   its comment, blanks squeezed. */
static void cond_text(char *out, size_t n, const char *p, const char *eol) {
  size_t o = 0;
  int blank = 0;
  while (p < eol && *p != '#' && o + 4 < n) {
    char c = *p++;
    int isb = c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
    if (isb) {
      blank = 1;
      continue;
    }
    if (blank && o)
      out[o++] = ' ';
    blank = 0;
    out[o++] = (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (p < eol && *p != '#')
    memcpy(out + o, "...", 3), o += 3;
  out[o] = 0;
}

int scn_stmt_cond(scn_parser *ps, const char *variant, scn_tok quant) {
  scenario *s = ps->s;
  scn_lex *lx = &ps->lx;
  assert(scn_is_quant(quant));
  if (s->nconds == SCN_MAX_CONDS)
    return lex_fail(lx, quant.col,
                    "too many condition lines, expected at most %d",
                    SCN_MAX_CONDS);
  cparse cp = {ps, s, {0}};
  scn_cond *c = &s->conds[s->nconds];
  memset(c, 0, sizeof *c);
  snprintf(c->variant, sizeof c->variant, "%s", variant);
  c->quant = tok_is(quant, "exists")  ? CQ_EXISTS
             : tok_is(quant, "never") ? CQ_NEVER
                                      : CQ_ALWAYS;
  c->line = lx->line;
  c->col = quant.col;
  cond_text(c->text, sizeof c->text, quant.p, lx->eol);
  advance(&cp);
  if (at_end(&cp))
    return expected(&cp, "a condition after the quantifier");
  int root = or_expr(&cp);
  if (root < 0)
    return -1;
  if (!at_end(&cp))
    return expected(&cp, "'and', 'or', ')' or the end of the condition");
  c->root = (int16_t)root;
  s->nconds++;
  return 0;
}

/* ------------------------------------------------------------ words */

const char *scn_cond_kind_word(enum cond_kind k) {
  for (int i = 0; i < NELEM(file_terms); i++)
    if (file_terms[i].kind == k)
      return file_terms[i].name;
  for (int i = 0; i < NELEM(pte_fields); i++)
    if (pte_fields[i].kind == k)
      return pte_fields[i].name;
  for (int i = 0; i < NELEM(constants); i++)
    if (constants[i].kind == k)
      return constants[i].name;
  return "?";
}

const char *scn_cond_cmp_op(enum cond_cmp c) {
  for (int i = 0; i < NELEM(cmps); i++)
    if (cmps[i].cmp == c)
      return cmps[i].op;
  return "?";
}
