/*
** scn_lex.h - internal to the scenario parser: the lexer of scenario files
** (tokens, positions, numbers, names, options) and the one error format,
** "FILE:LINE:COL: error: WHAT, expected ...".  The statements are in
** scenario.c and scn_ops.c; nothing outside models/scenario*.c and
** models/scn_*.c includes this header.
**
** A scenario is line based.  The lexer walks one line, [bol, eol), of a
** (pointer, length) buffer and never copies it, so very long lines, NUL
** bytes and binary garbage need no special case: every token is bounded by
** the end of its line, and every value is range-checked before a statement
** stores it.
*/
#ifndef MMSIM_SCN_LEX_H
#define MMSIM_SCN_LEX_H

#include <stddef.h>
#include <stdint.h>

#define SCN_SHOW_MAX 40 /* bytes of a token quoted in errors */

/* A token of the current line.  For a quoted string p and len include the
   quotes; a sub-token (the value of "key=value") is a token too. */
typedef struct scn_tok {
  const char *p;
  size_t len;
  int col; /* 1-based byte column; a tab counts as one */
  int quoted;
} scn_tok;

/* The lexer's position and where errors go. */
typedef struct scn_lex {
  const char *name; /* file name for messages */
  const char *bol;  /* current line is [bol, eol) */
  const char *eol;
  const char *cur; /* next byte to tokenize, bol <= cur <= eol */
  int line;        /* 1-based */
  int end_col;     /* column just past the last token read */
  char *err;
  size_t errlen;
} scn_lex;

/* A token quoted in a message: printable ASCII as is, other bytes as \xNN,
   at most SCN_SHOW_MAX bytes of it. */
typedef struct scn_shown {
  char s[SCN_SHOW_MAX * 4 + 4];
} scn_shown;
const char *lex_show(scn_shown *b, scn_tok t);

/* Report an error at (line, col), or at a column of the current line, into
   lx->err; both always return -1. */
int lex_fail_at(scn_lex *lx, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int lex_fail(scn_lex *lx, int col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* " (did you mean 'X'?)" into out[n] when one word X of 'list' (words
   separated by blanks, ',' or '|'; "or" and a trailing '=' ignored) is
   within 2 edits of 'word' (1 for a word of 3 or fewer letters), the
   closest and first; else "".  Returns out. */
const char *lex_suggest(char *out, size_t n, const char *word,
                        const char *list);

/* Starts line number 'line', [bol, eol). */
void lex_line(scn_lex *lx, const char *bol, const char *eol, int line);
/* The column of a byte of the current line. */
int lex_col(const scn_lex *lx, const char *p);
/* The column where the next token starts, after spaces and tabs. */
int lex_next_col(const scn_lex *lx);

/* The next token of the current line: 1 and *t, 0 at the end of the line
   or at a comment, -1 (reported) on an unterminated string. */
int lex_next(scn_lex *lx, scn_tok *t);
/* A token that must be there: 'what' is expected after 'after'. */
int lex_need(scn_lex *lx, scn_tok *t, const char *what, const char *after);
/* Nothing but blanks and a comment may follow a complete 'stmt'. */
int lex_need_eol(scn_lex *lx, const char *stmt);
/* Splits "key=value" into two tokens; 1 if there is an '='. */
int lex_split(const scn_lex *lx, scn_tok t, scn_tok *key, scn_tok *val);

int tok_is(scn_tok t, const char *word);
/* Copies a token into a C string; -1 if it does not fit or holds a NUL. */
int tok_copy(char *dst, size_t size, scn_tok t);
int lex_is_digit(char c);

/* Decimal or 0x hexadecimal, with a K or M suffix (x1024, x1048576) when
   'sizes'.  Returns 0, -1 on a syntax error, -2 on overflow. */
int lex_u64(scn_tok t, int sizes, uint64_t *out);
/* A number token for 'what', in lo..hi (reported otherwise). */
int lex_num(scn_lex *lx, scn_tok t, int sizes, uint64_t lo, uint64_t hi,
            const char *what, uint64_t *out);
/* A name: [A-Za-z_][A-Za-z0-9_-]*, shorter than 'size' (reported). */
int lex_ident(scn_lex *lx, scn_tok t, const char *what, size_t size);

/* Options after the fixed operands of a line: "key=value" or a flag. */
typedef struct scn_opt {
  const char *key;
  int has_value; /* key=VALUE, else a bare flag */
  /* non-NULL: a known option that is refused, for this reason ("is not
     modelled yet"); left out of the options a message lists */
  const char *refused;
} scn_opt;
/* Reads the rest of the line as options.  seen[i].p is NULL if spec[i] is
   absent, else seen[i] is its value (or, for a flag, the flag token).  The
   unknown-option message lists the keys of 'spec'. */
int lex_opts(scn_lex *lx, const char *stmt, const scn_opt *spec, int n,
             scn_tok *seen);

/* Joins words into "a, b, c" with 'last' (", ", " or ", " and ") before the
   last one; returns buf.  The result is truncated to n bytes. */
const char *lex_join(char *buf, size_t n, const char *const *words, int nw,
                     const char *last);

#endif /* MMSIM_SCN_LEX_H */
