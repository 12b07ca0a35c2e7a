/*
** strbuf.h - a growing string for the reports library, with the escapes
** its outputs need: HTML labels and plain attributes for Graphviz
** (reports/render.c), JSON strings for the log (reports/log.c).
**
** A strbuf starts zeroed ({0}) and owns its text; p is NULL until the
** first byte is added, and NUL-terminated after.  Growth never fails: out
** of memory aborts with a message, as a renderer or writer half-way
** through a picture or a row has nothing better to do.  Lengths counted in
** characters are UTF-8 code points, not bytes.
*/
#ifndef MMSIM_STRBUF_H
#define MMSIM_STRBUF_H

#include <stddef.h>

typedef struct strbuf {
  char *p;       /* the text, NUL-terminated; NULL while empty */
  size_t n, cap; /* bytes used (without the NUL), bytes allocated */
} strbuf;

/* realloc that aborts on failure (n 0 allocates one byte). */
void *sb_xrealloc(void *p, size_t n);

void sb_add(strbuf *b, const char *s, size_t k);
void sb_puts(strbuf *b, const char *s);
void sb_printf(strbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The text, "" while empty. */
const char *sb_str(const strbuf *b);
void sb_free(strbuf *b);

/* Length in characters of UTF-8 text. */
size_t u8len(const char *s);

/* 's' escaped for a Graphviz HTML label, cut to 'max' characters with an
   ellipsis (0: no limit); NULL appends nothing. */
void sb_html(strbuf *b, const char *s, size_t max);
/* 's' for a plain (escString) attribute such as a tooltip. */
void sb_plain(strbuf *b, const char *s);
/* 's' as HTML, wrapped into lines of at most 'width' characters (breaking
   after one of 'breaks' where possible), at most 'maxlines' lines. */
void sb_html_wrap(strbuf *b, const char *s, size_t width, const char *breaks,
                  int maxlines);
/* 's' as a quoted JSON string. */
void sb_json(strbuf *b, const char *s);

#endif /* MMSIM_STRBUF_H */
