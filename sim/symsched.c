/*
** symsched.c - the grammar of symbolic schedules: parsing, resolving the
** thread names, the canonical text, and what a point matches.  The
** choosers that replay and derive them are in symreplay.c; what the
** grammar is and means is at the top of symsched.h.
**
** A parsed schedule owns one buffer, 'text', holding every name it read
** NUL-terminated; segments point into it.  Nothing else is allocated.
** Every error names the 1-based column of the byte where the parse
** stopped and says what was expected there.
*/
#include "symsched.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
static int is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static int is_word(char c) {
  return is_ident_start(c) || (c >= '0' && c <= '9');
}
/* Thread names: cpu0, cpu0.1, blockdev, t3, or a number. */
static int is_thread_char(char c) {
  return is_word(c) || c == '.' || c == '-';
}

/* An identifier: [A-Za-z_][A-Za-z0-9_]*, the names written bare. */
static int is_ident(const char *s) {
  if (!is_ident_start(*s))
    return 0;
  while (*s && is_word(*s))
    s++;
  return *s == 0;
}

int sim_symsched_is_symbolic(const char *str, size_t n) {
  size_t i = 0;
  while (i < n && is_blank(str[i]))
    i++;
  if (i < n && (is_ident_start(str[i]) || str[i] == '"'))
    return 1; /* a thread name */
  for (; i < n; i++) {
    if (str[i] == ';' || str[i] == '"')
      return 1;
    if (i + 5 <= n && !memcmp(str + i, "until", 5) &&
        (i == 0 || !is_word(str[i - 1])) &&
        (i + 5 == n || !is_word(str[i + 5])))
      return 1; /* "1 until x" */
  }
  return 0;
}

/* The parser's position: the input, the output buffer and the error. */
struct sp {
  const char *str, *p;
  char *out; /* next free byte of the text buffer */
  char *err;
  size_t errlen;
};

static int fail(struct sp *sp, const char *fmt, const char *found) {
  char shown[48];
  if (!*sp->p)
    snprintf(shown, sizeof shown, "end of schedule");
  else if ((unsigned char)*sp->p < 0x20 || (unsigned char)*sp->p >= 0x7f)
    snprintf(shown, sizeof shown, "byte 0x%02x", (unsigned char)*sp->p);
  else
    snprintf(shown, sizeof shown, "'%c'", *sp->p);
  snprintf(sp->err, sp->errlen, fmt, found ? found : shown);
  return -1;
}

static void skip_blanks(struct sp *sp) {
  while (is_blank(*sp->p))
    sp->p++;
}

/* Copies [b, e) into the text buffer; returns the copy. */
static const char *keep(struct sp *sp, const char *b, const char *e) {
  char *s = sp->out;
  memcpy(s, b, (size_t)(e - b));
  s[e - b] = 0;
  sp->out += e - b + 1;
  return s;
}

/* name := IDENT | '"' ... '"'; *quoted says which. */
static int parse_name(struct sp *sp, const char *what, const char **out,
                      int *quoted) {
  const char *b = sp->p;
  if (*b == '"') {
    const char *e = strchr(b + 1, '"');
    if (!e) {
      sp->p = b;
      return fail(sp, "unterminated quoted %s, expected a closing '\"'", what);
    }
    if (e == b + 1)
      return fail(sp, "empty quoted name, expected a %s", what);
    *out = keep(sp, b + 1, e);
    *quoted = 1;
    sp->p = e + 1;
    return 0;
  }
  if (!is_ident_start(*b)) {
    char m[96];
    snprintf(m, sizeof m, "expected a %s (a name or a quoted label), found %%s",
             what);
    return fail(sp, m, NULL);
  }
  const char *e = b;
  while (is_word(*e))
    e++;
  *out = keep(sp, b, e);
  *quoted = 0;
  sp->p = e;
  return 0;
}

/* point := [ name ':' ] name [ '#' N ] */
static int parse_point(struct sp *sp, sim_symseg *g) {
  const char *a;
  int qa, qb;
  g->point_col = (int)(sp->p - sp->str) + 1;
  if (parse_name(sp, "step label", &a, &qa))
    return -1;
  g->until = (sim_sympoint){.label = a, .exact = qa, .nth = 1};
  if (*sp->p == ':') {
    sp->p++;
    const char *b;
    if (parse_name(sp, "step label after 'function:'", &b, &qb))
      return -1;
    g->until = (sim_sympoint){.fn = a, .label = b, .exact = qb, .nth = 1};
  }
  if (*sp->p == '#') {
    sp->p++;
    if (!(*sp->p >= '0' && *sp->p <= '9'))
      return fail(sp, "expected an occurrence number after '#', found %s",
                  NULL);
    uint64_t v = 0;
    const char *b = sp->p;
    while (*sp->p >= '0' && *sp->p <= '9' && v <= SIM_SYMSCHED_MAX_NTH)
      v = v * 10 + (uint64_t)(*sp->p++ - '0');
    if (v == 0 || v > SIM_SYMSCHED_MAX_NTH) {
      sp->p = b;
      char m[96];
      snprintf(m, sizeof m, "occurrence must be 1..%u, found %%s",
               SIM_SYMSCHED_MAX_NTH);
      return fail(sp, m, NULL);
    }
    g->until.nth = (uint32_t)v;
  }
  return 0;
}

int sim_symsched_parse(const char *str, sim_symsched *out, int *col, char *err,
                       size_t errlen) {
  size_t len = strlen(str), cap = 8;
  struct sp sp = {.str = str, .p = str, .err = err, .errlen = errlen};
  memset(out, 0, sizeof *out);
  *col = 1;
  if (len > SIM_SYMSCHED_MAX_BYTES) {
    snprintf(err, errlen, "schedule longer than %u bytes",
             SIM_SYMSCHED_MAX_BYTES);
    return -1;
  }
  out->text = malloc(2 * len + 2);
  out->seg = malloc(cap * sizeof *out->seg);
  if (!out->text || !out->seg) {
    snprintf(err, errlen, "out of memory");
    goto fail;
  }
  sp.out = out->text;
  skip_blanks(&sp);
  do {
    skip_blanks(&sp);
    if (!*sp.p && out->n)
      break; /* a trailing ';' */
    if (out->n == SIM_SYMSCHED_MAX_SEGS) {
      snprintf(err, errlen, "schedule longer than %u segments",
               SIM_SYMSCHED_MAX_SEGS);
      goto fail;
    }
    if (out->n == cap) {
      sim_symseg *q = realloc(out->seg, 2 * cap * sizeof *q);
      if (!q) {
        snprintf(err, errlen, "out of memory");
        goto fail;
      }
      out->seg = q;
      cap *= 2;
    }
    sim_symseg *g = &out->seg[out->n];
    *g = (sim_symseg){.tid = -1, .col = (int)(sp.p - str) + 1};
    const char *b = sp.p;
    while (is_thread_char(*sp.p))
      sp.p++;
    if (sp.p == b) {
      fail(&sp, "expected a thread name such as cpu0, found %s", NULL);
      goto fail;
    }
    g->thread = keep(&sp, b, sp.p);
    skip_blanks(&sp);
    if (*sp.p && *sp.p != ';') {
      const char *w = sp.p;
      while (is_word(*sp.p))
        sp.p++;
      if (sp.p - w != 5 || memcmp(w, "until", 5)) {
        sp.p = w;
        fail(&sp, "expected 'until', ';' or end of schedule, found %s", NULL);
        goto fail;
      }
      if (!is_blank(*sp.p)) {
        fail(&sp, "expected a blank and a point after 'until', found %s", NULL);
        goto fail;
      }
      skip_blanks(&sp);
      if (parse_point(&sp, g))
        goto fail;
      g->has_until = 1;
      skip_blanks(&sp);
    }
    out->n++;
    if (*sp.p && *sp.p != ';') {
      fail(&sp, "expected ';' or end of schedule, found %s", NULL);
      goto fail;
    }
  } while (*sp.p && *sp.p++ == ';');
  if (!out->n) {
    fail(&sp, "expected a thread name such as cpu0, found %s", NULL);
    goto fail;
  }
  *col = 0;
  return 0;
fail:
  *col = (int)(sp.p - str) + 1;
  sim_symsched_free(out);
  return -1;
}

int sim_symsched_resolve(sim_symsched *s, const char *const *names,
                         int nthreads, int *col, char *err, size_t errlen) {
  for (size_t i = 0; i < s->n; i++) {
    sim_symseg *g = &s->seg[i];
    g->tid = -1;
    for (int t = 0; t < nthreads && g->tid < 0; t++)
      if (!strcmp(names[t], g->thread))
        g->tid = t;
    if (g->tid < 0 && g->thread[0] >= '0' && g->thread[0] <= '9') {
      char *e;
      unsigned long v = strtoul(g->thread, &e, 10);
      if (!*e && v < (unsigned long)nthreads)
        g->tid = (int)v;
    }
    if (g->tid < 0) {
      size_t len = 0;
      char list[256] = "";
      for (int t = 0; t < nthreads && len < sizeof list; t++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                t ? ", " : "", names[t]);
      snprintf(err, errlen,
               "unknown thread '%.40s', expected one of %s (or a number "
               "0..%d)",
               g->thread, list, nthreads - 1);
      *col = g->col;
      return -1;
    }
  }
  *col = 0;
  return 0;
}

void sim_symsched_free(sim_symsched *s) {
  free(s->seg);
  free(s->text);
  memset(s, 0, sizeof *s);
}

/* Appends to a growing string; 0, or -1 when out of memory. */
struct sbuf {
  char *p;
  size_t n, cap;
};
static int sput(struct sbuf *b, const char *s) {
  size_t k = strlen(s);
  if (b->n + k + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (b->n + k + 1 > cap)
      cap *= 2;
    char *q = realloc(b->p, cap);
    if (!q)
      return -1;
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, k + 1);
  b->n += k;
  return 0;
}
static int sput_name(struct sbuf *b, const char *s, int quote) {
  if (!quote)
    return sput(b, s);
  return sput(b, "\"") || sput(b, s) || sput(b, "\"");
}

static int put_point(struct sbuf *b, const sim_sympoint *p) {
  char nth[24] = "";
  if (p->nth > 1)
    snprintf(nth, sizeof nth, "#%u", p->nth);
  if (p->fn && (sput_name(b, p->fn, !is_ident(p->fn)) || sput(b, ":")))
    return -1;
  return sput_name(b, p->label, p->exact || !is_ident(p->label)) ||
         sput(b, nth);
}

char *sim_symsched_format(const sim_symsched *s, const char *const *names) {
  struct sbuf b = {0};
  if (sput(&b, ""))
    return NULL;
  for (size_t i = 0; i < s->n; i++) {
    const sim_symseg *g = &s->seg[i];
    const char *th = names && g->tid >= 0 ? names[g->tid] : g->thread;
    if ((i && sput(&b, "; ")) || sput(&b, th) ||
        (g->has_until && (sput(&b, " until ") || put_point(&b, &g->until)))) {
      free(b.p);
      return NULL;
    }
  }
  return b.p;
}

void sim_sympoint_show(const sim_sympoint *p, char *buf, size_t n) {
  struct sbuf b = {0};
  if (!p->label || put_point(&b, p) || !b.p)
    snprintf(buf, n, "?");
  else
    snprintf(buf, n, "%s", b.p);
  free(b.p);
}

/* Is w one of the words (maximal runs of [A-Za-z0-9_]) of 'label'? */
static int has_word(const char *label, const char *w) {
  size_t k = strlen(w);
  for (const char *p = label; *p;) {
    if (!is_word(*p)) {
      p++;
      continue;
    }
    const char *e = p;
    while (is_word(*e))
      e++;
    if ((size_t)(e - p) == k && !memcmp(p, w, k))
      return 1;
    p = e;
  }
  return 0;
}

int sim_sympoint_matches(const sim_sympoint *p, const char *fn,
                         const char *label) {
  if (p->fn && strcmp(p->fn, fn ? fn : ""))
    return 0;
  if (!label)
    return 0;
  if (!strcmp(p->label, label))
    return 1;
  if (p->exact)
    return 0;
  /* a bare name alone also names the function: its first step */
  if (!p->fn && fn && !strcmp(p->label, fn))
    return 1;
  return has_word(label, p->label);
}
