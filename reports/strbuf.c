/*
** strbuf.c - the reports library's growing string and its escapes (see
** strbuf.h).  Graphviz HTML labels need &, <, >, " and ' escaped and no
** raw newlines; escString attributes (tooltips) give backslashes a
** meaning; JSON needs quotes, backslashes and control characters escaped.
** Text is cut and wrapped by UTF-8 characters so that no code point is
** split.
*/
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *sb_xrealloc(void *p, size_t n) {
  void *q = realloc(p, n ? n : 1);
  if (!q) {
    fprintf(stderr, "mmsim: out of memory\n");
    abort();
  }
  return q;
}

/* Room for 'k' more bytes and the NUL. */
static void sb_reserve(strbuf *b, size_t k) {
  if (b->n + k + 1 > b->cap) {
    b->cap = 2 * (b->n + k + 1) + 64;
    b->p = sb_xrealloc(b->p, b->cap);
  }
}

void sb_add(strbuf *b, const char *s, size_t k) {
  sb_reserve(b, k);
  memcpy(b->p + b->n, s, k);
  b->n += k;
  b->p[b->n] = 0;
}

void sb_puts(strbuf *b, const char *s) {
  sb_add(b, s, strlen(s));
}

void sb_printf(strbuf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (k <= 0)
    return;
  sb_reserve(b, (size_t)k);
  va_start(ap, fmt);
  vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
  va_end(ap);
  b->n += (size_t)k;
}

const char *sb_str(const strbuf *b) {
  return b->p ? b->p : "";
}

void sb_free(strbuf *b) {
  free(b->p);
  *b = (strbuf){0};
}

size_t u8len(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xc0) != 0x80;
  return n;
}

/* Byte offset of character 'k' of 's' (or its end). */
static size_t u8off(const char *s, size_t k) {
  size_t i = 0;
  for (; s[i] && k; k--) {
    i++;
    while (((unsigned char)s[i] & 0xc0) == 0x80)
      i++;
  }
  return i;
}

/* What a byte becomes in an HTML label (NULL: itself). */
static const char *const html_escape[256] = {
    ['&'] = "&amp;",  ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
    ['\''] = "&#39;", ['\n'] = " ",   ['\t'] = " ",
};

/* The first 'end' bytes of 's', escaped for HTML. */
static void sb_html_bytes(strbuf *b, const char *s, size_t end) {
  for (size_t i = 0; i < end; i++) {
    const char *e = html_escape[(unsigned char)s[i]];
    if (e)
      sb_puts(b, e);
    else
      sb_add(b, s + i, 1);
  }
}

void sb_html(strbuf *b, const char *s, size_t max) {
  if (!s)
    return;
  if (max && u8len(s) > max) {
    sb_html_bytes(b, s, u8off(s, max - 1));
    sb_puts(b, "…");
  } else {
    sb_html_bytes(b, s, strlen(s));
  }
}

void sb_plain(strbuf *b, const char *s) {
  for (; s && *s; s++) {
    if (*s == '\\')
      sb_add(b, "\\\\", 2);
    else if (*s == '\n')
      sb_add(b, " ", 1);
    else
      sb_add(b, s, 1);
  }
}

void sb_html_wrap(strbuf *b, const char *s, size_t width, const char *breaks,
                  int maxlines) {
  int line = 0;
  while (*s) {
    size_t len = u8len(s), take = len;
    if (len > width) {
      take = width;
      for (size_t k = width; k > width / 2; k--) {
        size_t off = u8off(s, k - 1);
        if (strchr(breaks, s[off])) {
          take = k;
          break;
        }
      }
    }
    if (++line == maxlines && take < len) {
      sb_html(b, s, width); /* ends with an ellipsis */
      return;
    }
    size_t off = u8off(s, take);
    sb_html_bytes(b, s, off);
    s += off;
    while (*s == ' ')
      s++;
    if (*s)
      sb_puts(b, "<BR ALIGN=\"LEFT\"/>");
  }
}

void sb_json(strbuf *b, const char *s) {
  sb_add(b, "\"", 1);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      sb_printf(b, "\\%c", c);
    else if (c < 0x20)
      sb_printf(b, "\\u%04x", c);
    else
      sb_add(b, s, 1);
  }
  sb_add(b, "\"", 1);
}
