/*
** scenario.c - the scenario file parser (the format is in scenarios/FORMAT.md).
**
** A scenario is line based: one statement per line, '#' to the end of the
** line is a comment, tokens are separated by blanks, and a double-quoted
** string (the title) is one token.  The parser walks a (pointer, length)
** buffer and never copies a line, so very long lines, NUL bytes and binary
** garbage need no special case: every token is bounded by the end of its
** line, and every value is range-checked before it is stored into the
** fixed-size arrays of 'scenario'.  Nothing is allocated but the temporary
** grant sequence sim_sched_parse() builds to validate a schedule string.
**
** The first error stops the parse.  It is one line,
** "FILE:LINE:COL: error: WHAT, expected ...", COL being the 1-based byte
** column of the offending token (a tab counts as one column).  Tokens quoted
** in messages are truncated and their non-printable bytes escaped, so that a
** message stays one short line whatever the input.
**
** Declarations precede their uses (cpus before any "cpuN:" line, file and mm
** before a map, a map before a load or store through it), which lets every
** check name the line it is about.  Only the thread ids of a "run schedule"
** string are checked at the end, against the final number of threads.
*/
#include "scenario.h"

#include "litmus.h"
#include "sim/sim.h"
#include "variant.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCN_MAX_CPUS 8
#define MAX_FILE_BYTES ((uint64_t)SCN_MAX_FILE_PAGES * PAGE_SIZE)
#define MAX_DELAY_NS 1000000000000ull /* 1000 s of simulated time */
#define MAX_SCHED_STEPS 1000000u      /* longest "run schedule" */
#define MAX_INPUT_BYTES (1u << 20)    /* scn_parse_file refuses more */
#define SHOW_MAX 40                   /* bytes of a token quoted in errors */

/* A token of the current line.  For a quoted string p and len include the
   quotes; a sub-token (the value of "key=value") is a token too. */
typedef struct tok {
  const char *p;
  size_t len;
  int col; /* 1-based */
  int quoted;
} tok;

typedef struct parser {
  const char *name; /* file name for messages */
  const char *bol;  /* current line is [bol, eol) */
  const char *eol;
  const char *cur; /* next byte to tokenize, bol <= cur <= eol */
  int line;
  int end_col; /* column just past the last token read */
  scenario *s;
  char *err;
  size_t errlen;
  /* line of each once-only statement, 0 while unseen */
  int scenario_line, kernel_line, cpus_line, expect_line, run_line;
  int litmus_line;
  int sched_col; /* column of the "run schedule" string */
} parser;

/* A token quoted in a message: printable ASCII as is, other bytes as \xNN,
   at most SHOW_MAX bytes of it. */
typedef struct shown {
  char s[SHOW_MAX * 4 + 4];
} shown;

static const char *show(shown *b, tok t) {
  size_t o = 0;
  for (size_t i = 0; i < t.len && i < SHOW_MAX; i++) {
    unsigned char c = (unsigned char)t.p[i];
    if (c >= 0x20 && c < 0x7f)
      b->s[o++] = (char)c;
    else
      o += (size_t)snprintf(b->s + o, sizeof b->s - o, "\\x%02x", c);
  }
  if (t.len > SHOW_MAX) {
    memcpy(b->s + o, "...", 3);
    o += 3;
  }
  assert(o < sizeof b->s);
  b->s[o] = 0;
  return b->s;
}

static int fail_at(parser *ps, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(parser *ps, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int vfail_at(parser *ps, int line, int col, const char *fmt,
                    va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (ps->err && ps->errlen)
    snprintf(ps->err, ps->errlen, "%s:%d:%d: error: %s", ps->name, line, col,
             msg);
  return -1;
}

/* Reports an error at (line, col); always returns -1. */
static int fail_at(parser *ps, int line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail_at(ps, line, col, fmt, ap);
  va_end(ap);
  return -1;
}

/* Reports an error at a column of the current line; always returns -1. */
static int fail(parser *ps, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail_at(ps, ps->line, col, fmt, ap);
  va_end(ap);
  return -1;
}

/* ------------------------------------------------------------------------ */
/* Tokens                                                                     */

static int col_of(const parser *ps, const char *p) {
  assert(p >= ps->bol && p <= ps->eol);
  size_t c = (size_t)(p - ps->bol) + 1;
  return c > INT_MAX ? INT_MAX : (int)c;
}

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int is_digit(char c) {
  return c >= '0' && c <= '9';
}

static int tok_is(tok t, const char *word) {
  size_t n = strlen(word);
  return t.len == n && !memcmp(t.p, word, n);
}

/* Copies a token into a C string; -1 if it does not fit or holds a NUL. */
static int tok_copy(char *dst, size_t size, tok t) {
  if (t.len >= size || memchr(t.p, 0, t.len))
    return -1;
  memcpy(dst, t.p, t.len);
  dst[t.len] = 0;
  return 0;
}

/*
** Reads the next token of the current line: 1 and *t, 0 at the end of the
** line or at a comment, -1 on an unterminated string.
*/
static int next_tok(parser *ps, tok *t) {
  const char *p = ps->cur;
  assert(p >= ps->bol && p <= ps->eol);
  while (p < ps->eol && is_blank(*p))
    p++;
  if (p == ps->eol || *p == '#') {
    ps->cur = p;
    return 0;
  }
  t->p = p;
  t->col = col_of(ps, p);
  t->quoted = *p == '"';
  if (t->quoted) {
    const char *q = memchr(p + 1, '"', (size_t)(ps->eol - p - 1));
    if (!q)
      return fail(ps, t->col,
                  "unterminated string, expected a closing '\"' before the "
                  "end of the line");
    p = q + 1;
  } else {
    while (p < ps->eol && !is_blank(*p) && *p != '#')
      p++;
  }
  t->len = (size_t)(p - t->p);
  ps->cur = p;
  ps->end_col = col_of(ps, p);
  return 1;
}

/* Reads a token that must be there: 'what' is expected after 'after'. */
static int need_tok(parser *ps, tok *t, const char *what, const char *after) {
  int r = next_tok(ps, t);
  if (r < 0)
    return -1;
  if (r == 0)
    return fail(ps, ps->end_col, "expected %s after '%s', found end of line",
                what, after);
  return 0;
}

/* Nothing may follow a complete statement but blanks and a comment. */
static int need_eol(parser *ps, const char *stmt) {
  tok t;
  shown b;
  int r = next_tok(ps, &t);
  if (r < 0)
    return -1;
  if (r > 0)
    return fail(ps, t.col,
                "unexpected '%s' after a complete '%s' statement, expected "
                "end of line",
                show(&b, t), stmt);
  return 0;
}

/* Splits "key=value" into two tokens; returns 1 if there is an '='. */
static int split_opt(const parser *ps, tok t, tok *key, tok *val) {
  const char *eq = t.quoted ? NULL : memchr(t.p, '=', t.len);
  *key = t;
  *val = (tok){.p = t.p + t.len, .len = 0, .col = col_of(ps, t.p + t.len)};
  if (!eq)
    return 0;
  key->len = (size_t)(eq - t.p);
  val->p = eq + 1;
  val->len = t.len - key->len - 1;
  val->col = col_of(ps, eq + 1);
  return 1;
}

/* ------------------------------------------------------------------------ */
/* Values                                                                     */

static int digit_value(char c, int base) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (base == 16 && c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (base == 16 && c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/*
** Decimal or 0x hexadecimal, with a K or M suffix (x1024, x1048576) when
** 'sizes'.  Returns 0, -1 on a syntax error, -2 on overflow.
*/
static int parse_u64(tok t, int sizes, uint64_t *out) {
  const char *p = t.p, *e = t.p + t.len;
  int base = 10, over = 0;
  uint64_t v = 0;
  if (e - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    base = 16;
    p += 2;
  }
  const char *digits = p;
  for (int d; p < e && (d = digit_value(*p, base)) >= 0; p++) {
    if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
      over = 1;
    else
      v = v * (uint64_t)base + (uint64_t)d;
  }
  if (p == digits)
    return -1;
  if (sizes && p + 1 == e && *p && strchr("KkMm", *p)) {
    int shift = (*p == 'K' || *p == 'k') ? 10 : 20;
    if (v > (UINT64_MAX >> shift))
      over = 1;
    v <<= shift;
    p++;
  }
  if (p != e)
    return -1;
  *out = v;
  return over ? -2 : 0;
}

/* A number token for 'what', in lo..hi. */
static int num(parser *ps, tok t, int sizes, uint64_t lo, uint64_t hi,
               const char *what, uint64_t *out) {
  shown b;
  if (t.len == 0)
    return fail(ps, t.col, "missing %s, expected a number", what);
  int r = parse_u64(t, sizes, out);
  if (r == -1 && sizes)
    return fail(ps, t.col,
                "bad number '%s' for %s, expected bytes as a decimal or 0x "
                "hex number with an optional K or M suffix",
                show(&b, t), what);
  if (r == -1)
    return fail(ps, t.col,
                "bad number '%s' for %s, expected a decimal or 0x hex number",
                show(&b, t), what);
  if (r == -2 || *out < lo || *out > hi)
    return fail(
        ps, t.col, "%s '%s' out of range, expected %" PRIu64 "..%" PRIu64 "%s",
        what, show(&b, t), lo, hi, sizes ? " bytes (at most 16 pages)" : "");
  return 0;
}

static uint32_t pages_of(uint64_t size) {
  assert(size <= MAX_FILE_BYTES);
  return (uint32_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
}

/* "which has 1 page" / "which has 3 pages" / "which has no pages" */
static const char *has_pages(char *buf, size_t n, uint32_t npages) {
  if (npages == 0)
    snprintf(buf, n, "which has no pages");
  else
    snprintf(buf, n, "which has %" PRIu32 " page%s", npages,
             npages == 1 ? "" : "s");
  return buf;
}

/* File and mm names: [A-Za-z_][A-Za-z0-9_-]*, shorter than SCN_NAME. */
static int check_ident(parser *ps, tok t, const char *what) {
  shown b;
  int ok = t.len > 0 && !t.quoted;
  for (size_t i = 0; ok && i < t.len; i++) {
    char c = t.p[i];
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    ok = alpha || (i > 0 && (is_digit(c) || c == '-'));
  }
  if (!ok)
    return fail(ps, t.col,
                "bad %s '%s', expected a letter or '_' followed by letters, "
                "digits, '_' or '-'",
                what, show(&b, t));
  if (t.len >= SCN_NAME)
    return fail(ps, t.col, "%s '%s' too long, expected at most %d characters",
                what, show(&b, t), SCN_NAME - 1);
  return 0;
}

static int find_file(const scenario *s, tok t) {
  for (int i = 0; i < s->nfiles; i++)
    if (tok_is(t, s->files[i].name))
      return i;
  return -1;
}

static int find_mm(const scenario *s, tok t) {
  for (int i = 0; i < s->nmms; i++)
    if (tok_is(t, s->mms[i].name))
      return i;
  return -1;
}

static int need_file(parser *ps, tok t) {
  shown b;
  int f = find_file(ps->s, t);
  if (f < 0)
    return fail(ps, t.col,
                "undeclared file '%s', expected a name declared by an "
                "earlier 'file' line",
                show(&b, t));
  return f;
}

static int need_mm(parser *ps, tok t) {
  shown b;
  int m = find_mm(ps->s, t);
  if (m < 0)
    return fail(ps, t.col,
                "undeclared mm '%s', expected a name declared by an earlier "
                "'mm' line",
                show(&b, t));
  return m;
}

/* ------------------------------------------------------------------------ */
/* Options: "key=value" and flag tokens after the fixed operands of a line. */

typedef struct opt_spec {
  const char *key;
  int has_value; /* key=VALUE, else a bare flag */
} opt_spec;

/*
** Reads the rest of the line as options.  seen[i].p is NULL if spec[i] is
** absent, else seen[i] is its value (or, for a flag, the flag token).
** 'expected' lists the options for the unknown-option message.
*/
static int read_opts(parser *ps, const char *stmt, const opt_spec *spec, int n,
                     tok *seen, const char *expected) {
  tok t, key, val;
  shown b;
  int r;
  for (int i = 0; i < n; i++)
    seen[i].p = NULL;
  while ((r = next_tok(ps, &t)) > 0) {
    int has_val = split_opt(ps, t, &key, &val);
    int i = 0;
    while (i < n && !tok_is(key, spec[i].key))
      i++;
    if (i == n)
      return fail(ps, t.col, "unknown option '%s' for '%s', expected %s",
                  show(&b, key), stmt, expected);
    if (seen[i].p)
      return fail(ps, t.col, "duplicate option '%s' in '%s' line", spec[i].key,
                  stmt);
    if (spec[i].has_value && !has_val)
      return fail(ps, t.col, "option '%s' needs a value, expected '%s=VALUE'",
                  spec[i].key, spec[i].key);
    if (!spec[i].has_value && has_val)
      return fail(ps, t.col, "option '%s' takes no value, expected '%s'",
                  spec[i].key, spec[i].key);
    seen[i] = spec[i].has_value ? val : t;
  }
  return r;
}

/*
** A page set: "all", "none" or a comma list of indexes below npages.  With
** 'must', each page must also be set there (dirty pages are cached).
*/
static int page_list(parser *ps, tok v, const char *file, uint32_t npages,
                     const char *opt, uint8_t *set, const uint8_t *must) {
  char hp[48];
  shown b;
  assert(npages <= SCN_MAX_FILE_PAGES);
  if (tok_is(v, "none"))
    return 0;
  if (tok_is(v, "all")) {
    for (uint32_t i = 0; i < npages; i++) {
      if (must && !must[i])
        return fail(ps, v.col,
                    "%s=all includes page %" PRIu32
                    ", which is not cached, expected only cached pages",
                    opt, i);
      set[i] = 1;
    }
    return 0;
  }
  const char *p = v.p, *e = v.p + v.len;
  for (;;) {
    const char *c = memchr(p, ',', (size_t)(e - p));
    tok el = {.p = p, .len = (size_t)((c ? c : e) - p), .col = col_of(ps, p)};
    uint64_t idx;
    if (el.len == 0)
      return fail(ps, el.col,
                  "empty element in %s= list, expected 'all', 'none' or page "
                  "indexes separated by ','",
                  opt);
    int r = parse_u64(el, 0, &idx);
    if (r == -1)
      return fail(ps, el.col,
                  "bad page index '%s' in %s=, expected 'all', 'none' or "
                  "page indexes separated by ','",
                  show(&b, el), opt);
    if (r == -2 || idx >= npages)
      return fail(ps, el.col,
                  "page %s in %s= is beyond the end of file '%s', %s",
                  show(&b, el), opt, file, has_pages(hp, sizeof hp, npages));
    if (set[idx])
      return fail(ps, el.col, "page %" PRIu64 " listed twice in %s=", idx, opt);
    if (must && !must[idx])
      return fail(ps, el.col,
                  "%s page %" PRIu64 " is not cached, expected it in cached= "
                  "too",
                  opt, idx);
    set[idx] = 1;
    if (!c)
      return 0;
    p = c + 1;
  }
}

/* ------------------------------------------------------------------------ */
/* Statements                                                                 */

static int once(parser *ps, int *first_line, tok kw) {
  shown b;
  if (*first_line)
    return fail(ps, kw.col, "duplicate '%s' statement, first at line %d",
                show(&b, kw), *first_line);
  *first_line = ps->line;
  return 0;
}

/* scenario "TITLE" */
static int parse_scenario(parser *ps, tok kw) {
  scenario *s = ps->s;
  tok t;
  shown b;
  if (once(ps, &ps->scenario_line, kw) < 0 ||
      need_tok(ps, &t, "a quoted title", "scenario") < 0)
    return -1;
  if (!t.quoted)
    return fail(ps, t.col,
                "expected a quoted title after 'scenario', found "
                "'%s'",
                show(&b, t));
  assert(t.len >= 2);
  size_t n = t.len - 2;
  if (n == 0)
    return fail(ps, t.col, "empty title, expected \"TITLE\"");
  if (n >= sizeof s->title)
    return fail(ps, t.col, "title too long (%zu bytes), expected at most %zu",
                n, sizeof s->title - 1);
  for (size_t i = 1; i <= n; i++) {
    unsigned char c = (unsigned char)t.p[i];
    if ((c < 0x20 && c != '\t') || c == 0x7f)
      return fail(ps, col_of(ps, t.p + i),
                  "control character \\x%02x in title, expected text", c);
  }
  memcpy(s->title, t.p + 1, n);
  s->title[n] = 0;
  return need_eol(ps, "scenario");
}

/* kernel VERSION */
static int parse_kernel(parser *ps, tok kw) {
  scenario *s = ps->s;
  tok t;
  shown b;
  mm_knobs k;
  if (once(ps, &ps->kernel_line, kw) < 0 ||
      need_tok(ps, &t, "a kernel version", "kernel") < 0)
    return -1;
  if (tok_copy(s->kernel, sizeof s->kernel, t) < 0 ||
      mm_variant_preset(s->kernel, &k) < 0)
    return fail(ps, t.col, "unknown kernel '%s', expected one of %s",
                show(&b, t), mm_variant_names());
  return need_eol(ps, "kernel");
}

/* set KNOB = on|off|1|0  (also "KNOB=VALUE", "KNOB =VALUE", "KNOB= VALUE") */
static int parse_set(parser *ps) {
  scenario *s = ps->s;
  tok t, name, val;
  shown b;
  char list[512];
  if (need_tok(ps, &t, "a knob name", "set") < 0)
    return -1;
  if (split_opt(ps, t, &name, &val)) {
    if (val.len == 0 && need_tok(ps, &val, "on or off", "=") < 0)
      return -1;
  } else {
    tok eq;
    if (need_tok(ps, &eq, "'='", "set KNOB") < 0)
      return -1;
    if (eq.p[0] != '=')
      return fail(ps, eq.col, "expected '=' after the knob name, found '%s'",
                  show(&b, eq));
    split_opt(ps, eq, &(tok){0}, &val);
    if (val.len == 0 && need_tok(ps, &val, "on or off", "=") < 0)
      return -1;
  }
  if (name.len == 0)
    return fail(ps, name.col, "expected a knob name before '='");
  int idx = -1;
  char kname[sizeof s->knobs[0].name];
  if (tok_copy(kname, sizeof kname, name) == 0)
    idx = mm_knob_find(kname);
  if (idx < 0) {
    size_t o = 0;
    list[0] = 0;
    for (int i = 0; i < mm_nknobs && o < sizeof list; i++)
      o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                            mm_knob_table[i].name);
    return fail(ps, name.col, "unknown knob '%s', expected one of %s",
                show(&b, name), list);
  }
  int value;
  if (tok_is(val, "on") || tok_is(val, "1"))
    value = 1;
  else if (tok_is(val, "off") || tok_is(val, "0"))
    value = 0;
  else
    return fail(ps, val.col,
                "bad value '%s' for knob '%s', expected on, off, 1 or 0",
                show(&b, val), kname);
  for (int i = 0; i < s->nknobs; i++)
    if (!strcmp(s->knobs[i].name, kname))
      return fail(ps, name.col, "knob '%s' already set at line %d", kname,
                  s->knobs[i].line);
  if (s->nknobs == SCN_MAX_KNOBS)
    return fail(ps, name.col, "too many 'set' lines, expected at most %d",
                SCN_MAX_KNOBS);
  scn_knob *k = &s->knobs[s->nknobs++];
  strcpy(k->name, kname);
  k->value = value;
  k->line = ps->line;
  k->col = name.col;
  return need_eol(ps, "set");
}

/* cpus N */
static int parse_cpus(parser *ps, tok kw) {
  tok t;
  uint64_t n;
  if (once(ps, &ps->cpus_line, kw) < 0 ||
      need_tok(ps, &t, "a cpu count", "cpus") < 0 ||
      num(ps, t, 0, 1, SCN_MAX_CPUS, "cpu count", &n) < 0)
    return -1;
  ps->s->ncpus = (int)n;
  return need_eol(ps, "cpus");
}

/* file NAME size=BYTES [cached=PAGES] [dirty=PAGES] [page_mkwrite] [buffers] */
static int parse_file(parser *ps, tok kw) {
  static const opt_spec spec[] = {
      {"size", 1},         {"cached", 1},  {"dirty", 1},
      {"page_mkwrite", 0}, {"buffers", 0},
  };
  enum { OPT_SIZE, OPT_CACHED, OPT_DIRTY, OPT_MKWRITE, OPT_BUFFERS, OPT_N };
  scenario *s = ps->s;
  tok t, o[OPT_N];
  shown b;
  uint64_t size;
  if (s->nfiles == SCN_MAX_FILES)
    return fail(ps, kw.col, "too many files, expected at most %d",
                SCN_MAX_FILES);
  if (need_tok(ps, &t, "a file name", "file") < 0 ||
      check_ident(ps, t, "file name") < 0)
    return -1;
  if (find_file(s, t) >= 0)
    return fail(ps, t.col, "file '%s' already declared", show(&b, t));
  if (read_opts(ps, "file", spec, OPT_N, o,
                "size=, cached=, dirty=, page_mkwrite or buffers") < 0)
    return -1;
  if (!o[OPT_SIZE].p)
    return fail(ps, ps->end_col,
                "missing 'size=' option for file '%s', expected size=BYTES",
                show(&b, t));
  if (num(ps, o[OPT_SIZE], 1, 0, MAX_FILE_BYTES, "file size", &size) < 0)
    return -1;
  scn_file *f = &s->files[s->nfiles];
  tok_copy(f->name, sizeof f->name, t);
  f->size = size;
  f->page_mkwrite = o[OPT_MKWRITE].p != NULL;
  f->buffers = o[OPT_BUFFERS].p != NULL;
  uint32_t np = pages_of(size);
  if (o[OPT_CACHED].p &&
      page_list(ps, o[OPT_CACHED], f->name, np, "cached", f->cached, NULL) < 0)
    return -1;
  if (o[OPT_DIRTY].p && page_list(ps, o[OPT_DIRTY], f->name, np, "dirty",
                                  f->dirty, f->cached) < 0)
    return -1;
  s->nfiles++;
  return 0;
}

/* mm NAME */
static int parse_mm(parser *ps, tok kw) {
  static const char *const reserved[] = {"load",      "store", "truncate",
                                         "dio_write", "punch", "delay"};
  scenario *s = ps->s;
  tok t;
  shown b;
  if (s->nmms == SCN_MAX_MMS)
    return fail(ps, kw.col, "too many mms, expected at most %d", SCN_MAX_MMS);
  if (need_tok(ps, &t, "an mm name", "mm") < 0 ||
      check_ident(ps, t, "mm name") < 0)
    return -1;
  for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
    if (tok_is(t, reserved[i]))
      return fail(ps, t.col,
                  "mm name '%s' is an operation name, expected another name",
                  reserved[i]);
  if (find_mm(s, t) >= 0)
    return fail(ps, t.col, "mm '%s' already declared", show(&b, t));
  tok_copy(s->mms[s->nmms].name, sizeof s->mms[0].name, t);
  s->nmms++;
  return need_eol(ps, "mm");
}

/* map MM FILE at ADDR pages=N [pgoff=P] shared|private r|rw [mapped] */
static int parse_map(parser *ps, tok kw) {
  static const opt_spec spec[] = {
      {"pages", 1}, {"pgoff", 1}, {"shared", 0}, {"private", 0},
      {"r", 0},     {"rw", 0},    {"mapped", 0},
  };
  enum {
    OPT_PAGES,
    OPT_PGOFF,
    OPT_SHARED,
    OPT_PRIVATE,
    OPT_R,
    OPT_RW,
    OPT_MAPPED,
    OPT_N
  };
  scenario *s = ps->s;
  tok tm, tf, at, ta, o[OPT_N];
  shown b;
  uint64_t start, npages, pgoff = 0;
  int mm, file;
  if (s->nmaps == SCN_MAX_MAPS)
    return fail(ps, kw.col, "too many maps, expected at most %d", SCN_MAX_MAPS);
  if (need_tok(ps, &tm, "an mm name", "map") < 0 ||
      (mm = need_mm(ps, tm)) < 0 ||
      need_tok(ps, &tf, "a file name", "map MM") < 0 ||
      (file = need_file(ps, tf)) < 0 ||
      need_tok(ps, &at, "'at'", "map MM FILE") < 0)
    return -1;
  if (!tok_is(at, "at"))
    return fail(ps, at.col, "expected 'at' after the file name, found '%s'",
                show(&b, at));
  if (need_tok(ps, &ta, "an address", "at") < 0 ||
      num(ps, ta, 0, 0, UINT64_MAX, "address", &start) < 0)
    return -1;
  if (start % PAGE_SIZE)
    return fail(ps, ta.col,
                "map address 0x%" PRIx64 " is not page aligned, expected a "
                "multiple of 0x1000",
                start);
  if (read_opts(ps, "map", spec, OPT_N, o,
                "pages=, pgoff=, shared, private, r, rw or mapped") < 0)
    return -1;
  if (!o[OPT_PAGES].p)
    return fail(ps, ps->end_col,
                "missing 'pages=' option for map, expected pages=N");
  if (num(ps, o[OPT_PAGES], 0, 1, SCN_MAX_FILE_PAGES, "page count", &npages) <
          0 ||
      (o[OPT_PGOFF].p && num(ps, o[OPT_PGOFF], 0, 0, SCN_MAX_FILE_PAGES - 1,
                             "pgoff", &pgoff) < 0))
    return -1;
  if (pgoff + npages > SCN_MAX_FILE_PAGES)
    return fail(ps, o[OPT_PAGES].col,
                "map covers file pages %" PRIu64 "..%" PRIu64
                ", expected pages below %d (pgoff + pages <= %d)",
                pgoff, pgoff + npages - 1, SCN_MAX_FILE_PAGES,
                SCN_MAX_FILE_PAGES);
  if (o[OPT_SHARED].p && o[OPT_PRIVATE].p)
    return fail(ps,
                o[OPT_SHARED].col > o[OPT_PRIVATE].col ? o[OPT_SHARED].col
                                                       : o[OPT_PRIVATE].col,
                "conflicting 'shared' and 'private', expected one of them");
  if (!o[OPT_SHARED].p && !o[OPT_PRIVATE].p)
    return fail(ps, ps->end_col,
                "missing sharing for map, expected 'shared' or 'private'");
  if (o[OPT_R].p && o[OPT_RW].p)
    return fail(ps, o[OPT_R].col > o[OPT_RW].col ? o[OPT_R].col : o[OPT_RW].col,
                "conflicting 'r' and 'rw', expected one of them");
  if (!o[OPT_R].p && !o[OPT_RW].p)
    return fail(ps, ps->end_col,
                "missing protection for map, expected 'r' or 'rw'");
  if (start > UINT64_MAX - npages * PAGE_SIZE)
    return fail(ps, ta.col,
                "map at 0x%" PRIx64 " wraps around the address space", start);
  uint64_t end = start + npages * PAGE_SIZE;
  for (int i = 0; i < s->nmaps; i++) {
    const scn_map *m = &s->maps[i];
    uint64_t mend = m->start + (uint64_t)m->npages * PAGE_SIZE;
    if (m->mm == mm && start < mend && m->start < end)
      return fail(ps, ta.col,
                  "map [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the map of "
                  "'%s' at line %d [0x%" PRIx64 ", 0x%" PRIx64 ")",
                  start, end, s->mms[mm].name, m->line, m->start, mend);
  }
  s->maps[s->nmaps++] = (scn_map){.mm = mm,
                                  .file = file,
                                  .start = start,
                                  .npages = (uint32_t)npages,
                                  .pgoff = (uint32_t)pgoff,
                                  .shared = o[OPT_SHARED].p != NULL,
                                  .read = 1,
                                  .write = o[OPT_RW].p != NULL,
                                  .populated = o[OPT_MAPPED].p != NULL,
                                  .line = ps->line};
  return 0;
}

/* MM load|store ADDR */
static int parse_access(parser *ps, tok tm, scn_op *op) {
  scenario *s = ps->s;
  tok t, ta;
  shown b;
  char ranges[256];
  size_t o = 0;
  if ((op->mm = need_mm(ps, tm)) < 0 ||
      need_tok(ps, &t, "'load' or 'store'", s->mms[op->mm].name) < 0)
    return -1;
  if (tok_is(t, "load"))
    op->kind = SCN_LOAD;
  else if (tok_is(t, "store"))
    op->kind = SCN_STORE;
  else
    return fail(ps, t.col, "unknown access '%s', expected 'load' or 'store'",
                show(&b, t));
  if (need_tok(ps, &ta, "an address", scn_op_name(op->kind)) < 0 ||
      num(ps, ta, 0, 0, UINT64_MAX, "address", &op->addr) < 0)
    return -1;
  ranges[0] = 0;
  for (int i = 0; i < s->nmaps; i++) {
    const scn_map *m = &s->maps[i];
    uint64_t end = m->start + (uint64_t)m->npages * PAGE_SIZE;
    if (m->mm != op->mm)
      continue;
    if (op->addr >= m->start && op->addr < end)
      return 0;
    if (o < sizeof ranges)
      o += (size_t)snprintf(ranges + o, sizeof ranges - o,
                            "%s[0x%" PRIx64 ", 0x%" PRIx64 ")", o ? ", " : "",
                            m->start, end);
  }
  if (!o)
    return fail(ps, ta.col,
                "address 0x%" PRIx64 " is outside every map of '%s', which "
                "has none, expected a 'map %s ...' line before this one",
                op->addr, s->mms[op->mm].name, s->mms[op->mm].name);
  return fail(ps, ta.col,
              "address 0x%" PRIx64 " is outside every map of '%s', expected "
              "an address in %s",
              op->addr, s->mms[op->mm].name, ranges);
}

/* dio_write|punch FILE page=P [pages=N] */
static int parse_range_op(parser *ps, scn_op *op) {
  static const opt_spec spec[] = {{"page", 1}, {"pages", 1}};
  enum { OPT_PAGE, OPT_PAGES, OPT_N };
  tok tf, o[OPT_N];
  uint64_t page, npages = 1;
  char hp[48];
  const char *name = scn_op_name(op->kind);
  if (need_tok(ps, &tf, "a file name", name) < 0 ||
      (op->file = need_file(ps, tf)) < 0 ||
      read_opts(ps, name, spec, OPT_N, o, "page= or pages=") < 0)
    return -1;
  if (!o[OPT_PAGE].p)
    return fail(ps, ps->end_col,
                "missing 'page=' option for %s, expected page=INDEX", name);
  if (num(ps, o[OPT_PAGE], 0, 0, SCN_MAX_FILE_PAGES - 1, "page index", &page) <
          0 ||
      (o[OPT_PAGES].p && num(ps, o[OPT_PAGES], 0, 1, SCN_MAX_FILE_PAGES,
                             "page count", &npages) < 0))
    return -1;
  const scn_file *f = &ps->s->files[op->file];
  uint32_t np = pages_of(f->size);
  if (page + npages > np && npages == 1)
    return fail(ps, o[OPT_PAGE].col,
                "page %" PRIu64 " is beyond the end of file '%s', %s", page,
                f->name, has_pages(hp, sizeof hp, np));
  if (page + npages > np)
    return fail(ps, o[OPT_PAGE].col,
                "pages %" PRIu64 "..%" PRIu64 " are beyond the end of file "
                "'%s', %s",
                page, page + npages - 1, f->name, has_pages(hp, sizeof hp, np));
  op->page = (uint32_t)page;
  op->npages = (uint32_t)npages;
  return 0;
}

/*
** Parses a thread label "cpuN:" or "cpuN.M:"; *sub is 0 without ".M" (so
** that "cpuN.0:" is told apart by *has_sub).  -1 if malformed.
*/
static int parse_label(tok t, unsigned *cpu, int *has_sub, unsigned *sub) {
  const char *p = t.p + 3, *e = t.p + t.len;
  unsigned *v = cpu;
  assert(t.len >= 3 && !memcmp(t.p, "cpu", 3));
  *cpu = *sub = 0;
  *has_sub = 0;
  for (;;) {
    if (p == e || !is_digit(*p))
      return -1;
    for (; p < e && is_digit(*p); p++) /* saturates: range-checked later */
      *v = *v > 99999 ? 999999 : *v * 10 + (unsigned)(*p - '0');
    if (*has_sub || p == e || *p != '.')
      break;
    p++;
    *has_sub = 1;
    v = sub;
  }
  return p + 1 == e && *p == ':' ? 0 : -1;
}

/* cpuN[.M]: OP ... */
static int parse_thread_line(parser *ps, tok label) {
  scenario *s = ps->s;
  tok t;
  shown b;
  unsigned cpu, sub;
  int has_sub;
  char name[SCN_NAME], lab[SCN_NAME + 1];
  if (parse_label(label, &cpu, &has_sub, &sub) < 0)
    return fail(
        ps, label.col,
        "bad thread label '%s', expected cpuN: or cpuN.M:", show(&b, label));
  if (!ps->cpus_line)
    return fail(ps, label.col,
                "thread label '%s' before the 'cpus' statement, expected "
                "'cpus N' first",
                show(&b, label));
  if (cpu >= (unsigned)s->ncpus)
    return fail(ps, label.col, "cpu %u out of range, expected 0..%d (cpus %d)",
                cpu, s->ncpus - 1, s->ncpus);
  if (has_sub && (sub < 1 || sub >= SCN_MAX_THREADS))
    return fail(ps, label.col,
                "thread suffix .%u out of range, expected 1..%d (cpu%u: is "
                "the first thread of cpu %u)",
                sub, SCN_MAX_THREADS - 1, cpu, cpu);
  if (has_sub)
    snprintf(name, sizeof name, "cpu%u.%u", cpu, sub);
  else
    snprintf(name, sizeof name, "cpu%u", cpu);
  snprintf(lab, sizeof lab, "%s:", name);
  int tid = 0;
  while (tid < s->nthreads && strcmp(s->threads[tid].name, name))
    tid++;
  if (tid == s->nthreads) {
    if (s->nthreads == SCN_MAX_THREADS)
      return fail(ps, label.col, "too many threads, expected at most %d",
                  SCN_MAX_THREADS);
    s->nthreads++;
    s->threads[tid].cpu = (int)cpu;
    strcpy(s->threads[tid].name, name);
  }
  scn_thread *th = &s->threads[tid];
  if (need_tok(ps, &t, "an operation", lab) < 0)
    return -1;
  if (th->nops == SCN_MAX_OPS)
    return fail(ps, t.col,
                "too many operations for thread '%s', expected at most %d",
                name, SCN_MAX_OPS);
  scn_op *op = &th->ops[th->nops];
  *op = (scn_op){.line = ps->line, .col = t.col, .mm = -1, .file = -1};
  if (tok_is(t, "truncate")) {
    tok tf, ts;
    op->kind = SCN_TRUNCATE;
    if (need_tok(ps, &tf, "a file name", "truncate") < 0 ||
        (op->file = need_file(ps, tf)) < 0 ||
        need_tok(ps, &ts, "a size", s->files[op->file].name) < 0 ||
        num(ps, ts, 1, 0, MAX_FILE_BYTES, "truncate size", &op->size) < 0)
      return -1;
  } else if (tok_is(t, "dio_write") || tok_is(t, "punch")) {
    op->kind = tok_is(t, "punch") ? SCN_PUNCH : SCN_DIO_WRITE;
    if (parse_range_op(ps, op) < 0)
      return -1;
  } else if (tok_is(t, "delay")) {
    tok tn;
    op->kind = SCN_DELAY;
    if (need_tok(ps, &tn, "nanoseconds", "delay") < 0 ||
        num(ps, tn, 0, 0, MAX_DELAY_NS, "delay", &op->ns) < 0)
      return -1;
  } else if (find_mm(s, t) >= 0) {
    if (parse_access(ps, t, op) < 0)
      return -1;
  } else {
    return fail(ps, t.col,
                "unknown operation '%s', expected truncate, dio_write, punch, "
                "delay or MM load|store ADDR with a declared MM",
                show(&b, t));
  }
  th->nops++;
  return need_eol(ps, scn_op_name(op->kind));
}

/* expect clean | expect violation KIND */
static int parse_expect(parser *ps, tok kw) {
  scenario *s = ps->s;
  tok t, k;
  shown b;
  if (need_tok(ps, &t, "'clean', 'violation KIND' or 'on VARIANT'", "expect") <
      0)
    return -1;
  int *violation = &s->expect_violation;
  char *kind = s->expect_kind;
  if (tok_is(t, "on")) {
    /* expect on VARIANT clean | violation KIND */
    tok v;
    char name[16];
    mm_knobs unused;
    if (need_tok(ps, &v, "a kernel variant", "on") < 0)
      return -1;
    if (tok_copy(name, sizeof name, v) < 0 || mm_variant_preset(name, &unused))
      return fail(ps, v.col, "unknown kernel '%s', expected one of %s",
                  show(&b, v), mm_variant_names());
    for (int i = 0; i < s->nexpect_on; i++)
      if (!strcmp(s->expect_on[i].variant, name))
        return fail(ps, v.col, "duplicate 'expect on %s', first at line %d",
                    name, s->expect_on[i].line);
    if (s->nexpect_on == SCN_MAX_EXPECT)
      return fail(ps, kw.col, "too many 'expect on' lines, expected at most %d",
                  SCN_MAX_EXPECT);
    scn_expect *e = &s->expect_on[s->nexpect_on++];
    memcpy(e->variant, name, sizeof name);
    e->line = ps->line;
    violation = &e->violation;
    kind = e->kind;
    if (need_tok(ps, &t, "'clean' or 'violation KIND'", name) < 0)
      return -1;
  } else if (once(ps, &ps->expect_line, kw) < 0) {
    return -1;
  }
  if (tok_is(t, "clean")) {
    *violation = 0;
    return need_eol(ps, "expect");
  }
  if (!tok_is(t, "violation"))
    return fail(ps, t.col,
                "unknown expectation '%s', expected 'clean' or 'violation "
                "KIND'",
                show(&b, t));
  if (need_tok(ps, &k, "a violation kind", "violation") < 0)
    return -1;
  if (tok_copy(kind, 48, k) < 0 || !mm_violation_kind_valid(kind))
    return fail(ps, k.col, "unknown violation kind '%s', expected one of %s",
                show(&b, k), mm_violation_kind_names());
  *violation = 1;
  return need_eol(ps, "expect");
}

scn_expect scn_expectation(const scenario *s, const char *variant) {
  if (variant)
    for (int i = 0; i < s->nexpect_on; i++)
      if (!strcmp(s->expect_on[i].variant, variant))
        return s->expect_on[i];
  scn_expect e = {.violation = s->expect_violation};
  memcpy(e.kind, s->expect_kind, sizeof e.kind);
  return e;
}

/* Checks a schedule token's characters and length before sim_sched_parse,
   so that a huge "*count" cannot make it allocate gigabytes. */
static int sched_precheck(parser *ps, tok t) {
  shown b;
  uint64_t total = 0;
  const char *p = t.p, *e = t.p + t.len;
  for (const char *q = p; q < e; q++)
    if (!is_digit(*q) && *q != '*' && *q != '.')
      return fail(ps, col_of(ps, q),
                  "bad character '%s' in schedule, expected thread numbers, "
                  "'*' and '.'",
                  show(&b, (tok){.p = q, .len = 1}));
  while (p < e) {
    const char *dot = memchr(p, '.', (size_t)(e - p));
    const char *run_end = dot ? dot : e;
    const char *star = memchr(p, '*', (size_t)(run_end - p));
    uint64_t cnt = 1;
    if (star &&
        parse_u64((tok){.p = star + 1, .len = (size_t)(run_end - star - 1)}, 0,
                  &cnt) == -2)
      cnt = UINT64_MAX;
    total = cnt > UINT64_MAX - total ? UINT64_MAX : total + cnt;
    if (total > MAX_SCHED_STEPS)
      return fail(ps, col_of(ps, p),
                  "schedule longer than %u steps, expected a shorter one",
                  MAX_SCHED_STEPS);
    p = dot ? dot + 1 : e;
  }
  return 0;
}

/* run timed|random [seed=N] | run schedule STRING */
static int parse_run(parser *ps, tok kw) {
  static const opt_spec spec[] = {{"seed", 1}};
  scenario *s = ps->s;
  tok t, seed;
  shown b;
  if (once(ps, &ps->run_line, kw) < 0 ||
      need_tok(ps, &t, "timed, random or schedule", "run") < 0)
    return -1;
  if (tok_is(t, "timed") || tok_is(t, "random")) {
    tok_copy(s->run_policy, sizeof s->run_policy, t);
    if (read_opts(ps, "run", spec, 1, &seed, "seed=") < 0 ||
        (seed.p && num(ps, seed, 0, 0, UINT64_MAX, "seed", &s->run_seed) < 0))
      return -1;
    return 0;
  }
  if (!tok_is(t, "schedule"))
    return fail(ps, t.col,
                "unknown run policy '%s', expected timed, random or schedule",
                show(&b, t));
  tok st;
  uint8_t *seq = NULL;
  size_t n = 0;
  int col = 0;
  char msg[256];
  if (need_tok(ps, &st, "a schedule string such as 0*3.1.0*2", "schedule") <
          0 ||
      sched_precheck(ps, st) < 0)
    return -1;
  if (tok_copy(s->run_schedule, sizeof s->run_schedule, st) < 0)
    return fail(ps, st.col,
                "schedule too long, expected at most %zu "
                "characters",
                sizeof s->run_schedule - 1);
  if (sim_sched_parse(s->run_schedule, &seq, &n, &col, msg, sizeof msg) < 0)
    return fail(ps, st.col + (col > 0 ? col - 1 : 0), "bad schedule: %s", msg);
  free(seq);
  strcpy(s->run_policy, "replay");
  ps->sched_col = st.col;
  return need_eol(ps, "run");
}

/* The threads a schedule names must exist (they are known only at the end). */
static int check_schedule(parser *ps) {
  const scenario *s = ps->s;
  const char *str = s->run_schedule;
  size_t i = 0;
  while (str[i]) {
    assert(is_digit(str[i]));
    size_t start = i;
    uint64_t tid = 0;
    for (; is_digit(str[i]); i++)
      tid = tid > 1000 ? tid : tid * 10 + (uint64_t)(str[i] - '0');
    int nth = s->litmus[0] ? s->litmus_threads : s->nthreads;
    if (tid >= (uint64_t)nth)
      return fail_at(ps, ps->run_line, ps->sched_col + (int)start,
                     "schedule names thread %" PRIu64 ", expected 0..%d (the "
                     "scenario has %d thread%s)",
                     tid, nth - 1, nth, nth == 1 ? "" : "s");
    while (str[i] && str[i] != '.')
      i++;
    if (str[i] == '.')
      i++;
  }
  return 0;
}

/* litmus NAME N */
static int parse_litmus(parser *ps, tok kw) {
  scenario *s = ps->s;
  tok name, nt;
  uint64_t n;
  char e[192];
  litmus_model lm;
  if (once(ps, &ps->litmus_line, kw) < 0 ||
      need_tok(ps, &name, "a program name", "litmus") < 0 ||
      need_tok(ps, &nt, "a parameter N", "litmus NAME") < 0 ||
      num(ps, nt, 0, 1, SIM_MAX_THREADS, "litmus parameter", &n) < 0)
    return -1;
  shown b;
  if (tok_copy(s->litmus, sizeof s->litmus, name) < 0)
    return fail(ps, name.col, "unknown litmus program '%s', expected one of %s",
                show(&b, name), litmus_names());
  if (litmus_init(&lm, s->litmus, (int)n, e, sizeof e))
    return fail(ps, strstr(e, "unknown") ? name.col : nt.col, "%s", e);
  s->litmus_n = (int)n;
  s->litmus_threads = lm.nthreads;
  return need_eol(ps, "litmus");
}

static int parse_line(parser *ps) {
  tok t;
  shown b;
  int r = next_tok(ps, &t);
  if (r <= 0)
    return r;
  if (tok_is(t, "scenario"))
    return parse_scenario(ps, t);
  if (tok_is(t, "kernel"))
    return parse_kernel(ps, t);
  if (tok_is(t, "set"))
    return parse_set(ps);
  if (tok_is(t, "cpus"))
    return parse_cpus(ps, t);
  if (tok_is(t, "file"))
    return parse_file(ps, t);
  if (tok_is(t, "mm"))
    return parse_mm(ps, t);
  if (tok_is(t, "map"))
    return parse_map(ps, t);
  if (tok_is(t, "expect"))
    return parse_expect(ps, t);
  if (tok_is(t, "run"))
    return parse_run(ps, t);
  if (tok_is(t, "litmus"))
    return parse_litmus(ps, t);
  if (t.len > 3 && !memcmp(t.p, "cpu", 3) && is_digit(t.p[3]))
    return parse_thread_line(ps, t);
  return fail(ps, t.col,
              "unknown statement '%s', expected one of scenario, kernel, set, "
              "cpus, file, mm, map, cpuN:, expect, run, litmus",
              show(&b, t));
}

static int parse(const char *name, const char *text, size_t len, scenario *s,
                 char *err, size_t errlen) {
  parser ps = {.name = name, .s = s, .err = err, .errlen = errlen};
  const char *p = text, *end = text + len;
  memset(s, 0, sizeof *s);
  snprintf(s->path, sizeof s->path, "%s", name);
  if (err && errlen)
    err[0] = 0;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    ps.bol = ps.cur = p;
    ps.eol = nl ? nl : end;
    ps.line++;
    ps.end_col = 1;
    if (parse_line(&ps) < 0)
      return -1;
    p = nl ? nl + 1 : end;
  }
  /* Missing statements point just past the last line. */
  int last = ps.line + 1;
  if (!ps.scenario_line)
    return fail_at(&ps, last, 1,
                   "missing 'scenario' statement, expected 'scenario "
                   "\"TITLE\"'");
  if (ps.litmus_line) {
    if (ps.kernel_line || ps.cpus_line || s->nfiles || s->nmms || s->nthreads ||
        s->nknobs)
      return fail_at(&ps, ps.litmus_line, 1,
                     "a litmus scenario has no kernel, set, cpus, file, mm, "
                     "map or cpuN: statements, expected only scenario, "
                     "litmus, expect and run");
    if (!ps.expect_line)
      return fail_at(&ps, last, 1,
                     "missing 'expect' statement, expected 'expect clean' or "
                     "'expect violation KIND'");
    if (s->run_schedule[0] && check_schedule(&ps) < 0)
      return -1;
    return 0;
  }
  if (!ps.kernel_line)
    return fail_at(&ps, last, 1,
                   "missing 'kernel' statement, expected 'kernel VERSION' "
                   "with VERSION one of %s",
                   mm_variant_names());
  if (!ps.cpus_line)
    return fail_at(&ps, last, 1,
                   "missing 'cpus' statement, expected 'cpus N' with N in "
                   "1..%d",
                   SCN_MAX_CPUS);
  if (!s->nthreads)
    return fail_at(&ps, last, 1,
                   "no threads, expected at least one 'cpuN: OP' line");
  if (!ps.expect_line)
    return fail_at(&ps, last, 1,
                   "missing 'expect' statement, expected 'expect clean' or "
                   "'expect violation KIND'");
  if (s->run_schedule[0] && check_schedule(&ps) < 0)
    return -1;
  return 0;
}

int scn_parse_string(const char *name, const char *text, scenario *s, char *err,
                     size_t errlen) {
  assert(name && text && s);
  return parse(name, text, strlen(text), s, err, errlen);
}

int scn_parse_file(const char *path, scenario *s, char *err, size_t errlen) {
  assert(path && s);
  FILE *f = fopen(path, "rb");
  if (!f) {
    if (err && errlen)
      snprintf(err, errlen, "error: cannot open %s: %s", path, strerror(errno));
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

const char *scn_op_name(enum scn_op_kind k) {
  switch (k) {
  case SCN_LOAD:
    return "load";
  case SCN_STORE:
    return "store";
  case SCN_TRUNCATE:
    return "truncate";
  case SCN_DIO_WRITE:
    return "dio_write";
  case SCN_PUNCH:
    return "punch";
  case SCN_DELAY:
    return "delay";
  }
  return "?";
}
