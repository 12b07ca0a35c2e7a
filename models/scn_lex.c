/*
** scn_lex.c - the lexer of scenario files (see scn_lex.h and
** scenarios/FORMAT.md, "Lexical rules").
**
** One statement per line, '#' to the end of the line is a comment, tokens
** are separated by blanks (space, tab, \r, \v, \f), and a double-quoted
** string (the title) is one token.  Numbers are decimal or 0x hex, sizes may
** end in K or M, names are C-like identifiers that may also hold '-', and
** options are "key=value" or bare flags in any order.
**
** Every error is one line, "FILE:LINE:COL: error: WHAT, expected ...", COL
** being the 1-based byte column of the offending token.  Tokens quoted in
** messages are truncated and their non-printable bytes escaped, so that a
** message stays one short line whatever the input.
*/
#include "scn_lex.h"

#include <assert.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Errors                                                                     */

const char *lex_show(scn_shown *b, scn_tok t) {
  size_t o = 0;
  for (size_t i = 0; i < t.len && i < SCN_SHOW_MAX; i++) {
    unsigned char c = (unsigned char)t.p[i];
    if (c >= 0x20 && c < 0x7f)
      b->s[o++] = (char)c;
    else
      o += (size_t)snprintf(b->s + o, sizeof b->s - o, "\\x%02x", c);
  }
  if (t.len > SCN_SHOW_MAX) {
    memcpy(b->s + o, "...", 3);
    o += 3;
  }
  assert(o < sizeof b->s);
  b->s[o] = 0;
  return b->s;
}

static void vfail_at(scn_lex *lx, int line, int col, const char *fmt,
                     va_list ap) {
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  if (lx->err && lx->errlen)
    snprintf(lx->err, lx->errlen, "%s:%d:%d: error: %s", lx->name, line, col,
             msg);
}

int lex_fail_at(scn_lex *lx, int line, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail_at(lx, line, col, fmt, ap);
  va_end(ap);
  return -1;
}

int lex_fail(scn_lex *lx, int col, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail_at(lx, lx->line, col, fmt, ap);
  va_end(ap);
  return -1;
}

const char *lex_join(char *buf, size_t n, const char *const *words, int nw,
                     const char *last) {
  size_t o = 0;
  assert(n > 0);
  buf[0] = 0;
  for (int i = 0; i < nw && o < n; i++)
    o += (size_t)snprintf(buf + o, n - o, "%s%s",
                          i == 0 ? "" : (i == nw - 1 ? last : ", "), words[i]);
  return buf;
}

/* ------------------------------------------------------------------------ */
/* Tokens                                                                     */

void lex_line(scn_lex *lx, const char *bol, const char *eol, int line) {
  assert(bol <= eol);
  lx->bol = lx->cur = bol;
  lx->eol = eol;
  lx->line = line;
  lx->end_col = 1;
}

int lex_col(const scn_lex *lx, const char *p) {
  assert(p >= lx->bol && p <= lx->eol);
  size_t c = (size_t)(p - lx->bol) + 1;
  return c > INT_MAX ? INT_MAX : (int)c;
}

int lex_next_col(const scn_lex *lx) {
  const char *a = lx->cur;
  while (a < lx->eol && (*a == ' ' || *a == '\t'))
    a++;
  return lex_col(lx, a);
}

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

int lex_is_digit(char c) {
  return c >= '0' && c <= '9';
}

int tok_is(scn_tok t, const char *word) {
  size_t n = strlen(word);
  return t.len == n && !memcmp(t.p, word, n);
}

int tok_copy(char *dst, size_t size, scn_tok t) {
  if (t.len >= size || memchr(t.p, 0, t.len))
    return -1;
  memcpy(dst, t.p, t.len);
  dst[t.len] = 0;
  return 0;
}

int lex_next(scn_lex *lx, scn_tok *t) {
  const char *p = lx->cur;
  assert(p >= lx->bol && p <= lx->eol);
  while (p < lx->eol && is_blank(*p))
    p++;
  if (p == lx->eol || *p == '#') {
    lx->cur = p;
    return 0;
  }
  t->p = p;
  t->col = lex_col(lx, p);
  t->quoted = *p == '"';
  if (t->quoted) {
    const char *q = memchr(p + 1, '"', (size_t)(lx->eol - p - 1));
    if (!q)
      return lex_fail(lx, t->col,
                      "unterminated string, expected a closing '\"' before "
                      "the end of the line");
    p = q + 1;
  } else {
    while (p < lx->eol && !is_blank(*p) && *p != '#')
      p++;
  }
  t->len = (size_t)(p - t->p);
  lx->cur = p;
  lx->end_col = lex_col(lx, p);
  return 1;
}

int lex_need(scn_lex *lx, scn_tok *t, const char *what, const char *after) {
  int r = lex_next(lx, t);
  if (r < 0)
    return -1;
  if (r == 0)
    return lex_fail(lx, lx->end_col,
                    "expected %s after '%s', found end of line", what, after);
  return 0;
}

int lex_need_eol(scn_lex *lx, const char *stmt) {
  scn_tok t;
  scn_shown b;
  int r = lex_next(lx, &t);
  if (r < 0)
    return -1;
  if (r > 0)
    return lex_fail(lx, t.col,
                    "unexpected '%s' after a complete '%s' statement, "
                    "expected end of line",
                    lex_show(&b, t), stmt);
  return 0;
}

int lex_split(const scn_lex *lx, scn_tok t, scn_tok *key, scn_tok *val) {
  const char *eq = t.quoted ? NULL : memchr(t.p, '=', t.len);
  *key = t;
  *val = (scn_tok){.p = t.p + t.len, .len = 0, .col = lex_col(lx, t.p + t.len)};
  if (!eq)
    return 0;
  key->len = (size_t)(eq - t.p);
  val->p = eq + 1;
  val->len = t.len - key->len - 1;
  val->col = lex_col(lx, eq + 1);
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

int lex_u64(scn_tok t, int sizes, uint64_t *out) {
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

int lex_num(scn_lex *lx, scn_tok t, int sizes, uint64_t lo, uint64_t hi,
            const char *what, uint64_t *out) {
  scn_shown b;
  if (t.len == 0)
    return lex_fail(lx, t.col, "missing %s, expected a number", what);
  int r = lex_u64(t, sizes, out);
  if (r == -1 && sizes)
    return lex_fail(lx, t.col,
                    "bad number '%s' for %s, expected bytes as a decimal or "
                    "0x hex number with an optional K or M suffix",
                    lex_show(&b, t), what);
  if (r == -1)
    return lex_fail(lx, t.col,
                    "bad number '%s' for %s, expected a decimal or 0x hex "
                    "number",
                    lex_show(&b, t), what);
  if (r == -2 || *out < lo || *out > hi)
    return lex_fail(lx, t.col,
                    "%s '%s' out of range, expected %" PRIu64 "..%" PRIu64 "%s",
                    what, lex_show(&b, t), lo, hi,
                    sizes ? " bytes (at most 16 pages)" : "");
  return 0;
}

int lex_ident(scn_lex *lx, scn_tok t, const char *what, size_t size) {
  scn_shown b;
  int ok = t.len > 0 && !t.quoted;
  for (size_t i = 0; ok && i < t.len; i++) {
    char c = t.p[i];
    int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    ok = alpha || (i > 0 && (lex_is_digit(c) || c == '-'));
  }
  if (!ok)
    return lex_fail(lx, t.col,
                    "bad %s '%s', expected a letter or '_' followed by "
                    "letters, digits, '_' or '-'",
                    what, lex_show(&b, t));
  if (t.len >= size)
    return lex_fail(lx, t.col,
                    "%s '%s' too long, expected at most %zu characters", what,
                    lex_show(&b, t), size - 1);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Options                                                                    */

/* "size=, cached=, dirty= or page_mkwrite": the keys 'spec' accepts. */
static const char *opt_list(char *buf, size_t n, const scn_opt *spec, int ns) {
  char keys[16][32];
  const char *words[16];
  int nw = 0;
  for (int i = 0; i < ns && nw < 16; i++) {
    if (spec[i].refused)
      continue;
    snprintf(keys[nw], sizeof keys[nw], "%s%s", spec[i].key,
             spec[i].has_value ? "=" : "");
    words[nw] = keys[nw];
    nw++;
  }
  return lex_join(buf, n, words, nw, " or ");
}

int lex_opts(scn_lex *lx, const char *stmt, const scn_opt *spec, int n,
             scn_tok *seen) {
  scn_tok t, key, val;
  scn_shown b;
  char list[256];
  int r;
  for (int i = 0; i < n; i++)
    seen[i].p = NULL;
  while ((r = lex_next(lx, &t)) > 0) {
    int has_val = lex_split(lx, t, &key, &val);
    int i = 0;
    while (i < n && !tok_is(key, spec[i].key))
      i++;
    if (i == n) {
      char dym[64];
      opt_list(list, sizeof list, spec, n);
      lex_show(&b, key);
      return lex_fail(lx, t.col, "unknown option '%s' for '%s'%s, expected %s",
                      b.s, stmt, lex_suggest(dym, sizeof dym, b.s, list), list);
    }
    if (spec[i].refused)
      return lex_fail(lx, t.col, "'%s' %s, expected %s", spec[i].key,
                      spec[i].refused, opt_list(list, sizeof list, spec, n));
    if (seen[i].p)
      return lex_fail(lx, t.col, "duplicate option '%s' in '%s' line",
                      spec[i].key, stmt);
    if (spec[i].has_value && !has_val)
      return lex_fail(lx, t.col,
                      "option '%s' needs a value, expected '%s=VALUE'",
                      spec[i].key, spec[i].key);
    if (!spec[i].has_value && has_val)
      return lex_fail(lx, t.col, "option '%s' takes no value, expected '%s'",
                      spec[i].key, spec[i].key);
    seen[i] = spec[i].has_value ? val : t;
  }
  return r;
}

/* ------------------------------------------------------------------------ */
/* Suggestions                                                                */

/* Optimal string alignment distance (Levenshtein with transpositions) of
   a[0..na) and b[0..nb), both short; capped at SUGGEST_MAX + 1. */
#define SUGGEST_MAX 2
#define SUGGEST_LEN 48
static int osa_distance(const char *a, size_t na, const char *b, size_t nb) {
  if (na >= SUGGEST_LEN || nb >= SUGGEST_LEN)
    return SUGGEST_MAX + 1;
  int d[SUGGEST_LEN][SUGGEST_LEN];
  for (size_t i = 0; i <= na; i++)
    d[i][0] = (int)i;
  for (size_t j = 0; j <= nb; j++)
    d[0][j] = (int)j;
  for (size_t i = 1; i <= na; i++)
    for (size_t j = 1; j <= nb; j++) {
      int cost = a[i - 1] != b[j - 1];
      int v = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < v)
        v = d[i][j - 1] + 1;
      if (d[i - 1][j - 1] + cost < v)
        v = d[i - 1][j - 1] + cost;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < v)
        v = d[i - 2][j - 2] + 1;
      d[i][j] = v;
    }
  return d[na][nb];
}

const char *lex_suggest(char *out, size_t n, const char *word,
                        const char *list) {
  size_t wl = strlen(word), best_len = 0;
  const char *best = NULL;
  int best_d = SUGGEST_MAX + 1;
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ',' || *p == '|')
      p++;
    const char *e = p;
    while (*e && *e != ' ' && *e != ',' && *e != '|')
      e++;
    size_t len = (size_t)(e - p), cmp = len;
    if (cmp && p[cmp - 1] == '=') /* an option such as "page=" */
      cmp--;
    if (cmp && !(cmp == 2 && !strncmp(p, "or", 2))) {
      int d = osa_distance(word, wl, p, cmp);
      /* a short word must be mostly right: "pin" is no "gup" */
      if (d > 0 && d < best_d && 2 * (size_t)d <= (wl < cmp ? wl : cmp)) {
        best_d = d;
        best = p;
        best_len = len;
      }
    }
    p = e;
  }
  if (best)
    snprintf(out, n, " (did you mean '%.*s'?)", (int)best_len, best);
  else if (n)
    out[0] = 0;
  return out;
}
