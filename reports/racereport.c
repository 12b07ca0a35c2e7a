/*
** racereport.c - the race of one logged execution as text, for the
** terminal: the two-column diagram the scenario files draw by hand, drawn
** from the log.
**
** It reads the execution through the timeline model (reports/timeline.h),
** with its causal slice (reports/slice.c), so that the text and the
** picture show the same steps: one column per thread that has a shown
** step, one row per step in the order they ran, "#seq function: operation
** object [before -> after]" wrapped inside its column, never cut; a row of
** dots where the slice left steps out; the violated invariant in capitals
** under the violating step with the model's message; the locks each
** thread held at the violation and the step that took each; for a
** deadlock, the wait-for chain from the message, one thread per line.
** Modelled on lockdep's "possible unsafe locking scenario" and GenMC's
** error traces.
*/
#include "reports/racereport.h"

#include <assert.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/strbuf.h"
#include "reports/timeline.h"

#define RR_WIDTH 120 /* the report's width in columns */
#define RR_MINCOL 24 /* narrowest column */

/* The text of event e: "#seq fn: op obj [before -> after]". */
static void event_text(strbuf *b, const tl_event *e) {
  sb_printf(b, "#%" PRId64 " ", e->seq);
  if (e->fn)
    sb_printf(b, "%s: ", e->fn);
  sb_printf(b, "%s", e->op ? e->op : "?");
  if (e->obj)
    sb_printf(b, " %s", e->obj);
  if (e->before && e->after)
    sb_printf(b, " [%s -> %s]", e->before, e->after);
  else if (e->after)
    sb_printf(b, " [%s]", e->after);
}

/* The next line of at most w characters of s (from *pos), broken at a
   space where one is near the end; advances *pos past it. */
static int next_line(const char *s, size_t *pos, int w, char *out) {
  size_t n = strlen(s + *pos);
  if (!n)
    return 0;
  size_t take = n <= (size_t)w ? n : (size_t)w;
  if (take < n) {
    size_t sp = take;
    while (sp > (size_t)w / 2 && s[*pos + sp] != ' ')
      sp--;
    if (s[*pos + sp] == ' ')
      take = sp;
  }
  memcpy(out, s + *pos, take);
  out[take] = 0;
  *pos += take;
  while (s[*pos] == ' ')
    (*pos)++;
  return 1;
}

/* Prints one row: 'cell' in column c of ncol (width w each, separated by
   " | "), the others empty; no trailing blanks. */
static void print_row(FILE *f, int c, int ncol, int w, const char *cell) {
  char row[RR_WIDTH * 2];
  size_t n = 0;
  for (int k = 0; k < ncol && n < sizeof row; k++)
    n += (size_t)snprintf(row + n, sizeof row - n, "%s%-*s", k ? " | " : "  ",
                          w, k == c ? cell : "");
  while (n > 0 && row[n - 1] == ' ')
    row[--n] = 0;
  fprintf(f, "%s\n", row);
}

/* Prints 'text' in column c, wrapped over as many rows as it needs, the
   continuation rows indented. */
static void print_cell(FILE *f, int c, int ncol, int w, const char *text) {
  char line[RR_WIDTH + 1], cont[RR_WIDTH + 3];
  size_t pos = 0;
  for (int first = 1; next_line(text, &pos, first ? w : w - 2, line);
       first = 0) {
    snprintf(cont, sizeof cont, "%s%s", first ? "" : "  ", line);
    print_row(f, c, ncol, w, cont);
  }
}

/* Prints s wrapped to the report's width, each line indented. */
static void print_wrapped(FILE *f, const char *indent, const char *s) {
  char line[RR_WIDTH + 1];
  size_t pos = 0;
  int w = RR_WIDTH - (int)strlen(indent);
  while (next_line(s, &pos, w, line))
    fprintf(f, "%s%s\n", indent, line);
}

/* The violated invariant's name in capitals. */
static void print_kind(FILE *f, const char *kind) {
  fputs("  *** ", f);
  for (const char *p = kind; *p; p++)
    fputc(toupper((unsigned char)*p), f);
  fputs(" ***\n", f);
}

/* The locks held when the violating step ran: holds that began before it
   and end at or after it (or never). */
static void print_held(FILE *f, const timeline *t) {
  int any = 0;
  for (int th = 0; th < t->nth; th++) {
    strbuf b = {0};
    for (int s = 0; s < t->nspans; s++) {
      const tl_span *sp = &t->spans[s];
      if (sp->tid != t->th[th].tid || sp->from >= t->vseq ||
          (!sp->held && sp->to < t->vseq))
        continue;
      sb_printf(&b, "%s%s (since #%" PRId64 ")", b.n ? ", " : "", sp->name,
                sp->from);
    }
    if (b.n) {
      if (!any)
        fprintf(f, "  locks held at #%" PRId64 ":\n", t->vseq);
      any = 1;
      fprintf(f, "    %s: ", t->th[th].name);
      print_wrapped(f, "", b.p);
    }
    free(b.p);
  }
  if (!any)
    fprintf(f, "  no lock held at #%" PRId64 "\n", t->vseq);
}

/* Does s start with "NAME waits" for a thread of the run? */
static int starts_wait(const timeline *t, const char *s) {
  for (int th = 0; th < t->nth; th++) {
    size_t n = strlen(t->th[th].name);
    if (!strncmp(s, t->th[th].name, n) && !strncmp(s + n, " waits", 6))
      return 1;
  }
  return 0;
}

/* A deadlock's message is "A waits in X for L held by B; B waits ...":
   the wait-for chain, one thread per line (a step's name may hold a ';'
   too: a new line starts only where a thread's wait does). */
static void print_waits(FILE *f, const timeline *t, const char *msg) {
  fprintf(f, "  wait-for chain:\n");
  const char *p = msg;
  while (*p) {
    const char *end = p;
    while ((end = strstr(end, "; ")) && !starts_wait(t, end + 2))
      end += 2;
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char *one = strndup(p, n);
    print_wrapped(f, "    ", one);
    free(one);
    if (!end)
      break;
    p = end + 2;
  }
}

int race_report(const char *dbpath, int64_t exec_id, int limit, FILE *f,
                char *err, size_t errlen) {
  timeline t;
  render_opts o = {.exec_id = exec_id, .slice = limit};
  if (timeline_load(&t, dbpath, &o, err, errlen)) {
    timeline_free(&t);
    return -1;
  }
  if (!t.has_viol) {
    fprintf(f, "race report: execution %" PRId64 " ended %s\n", t.exec_id,
            t.outcome ? t.outcome : "?");
    timeline_free(&t);
    return 0;
  }
  /* the columns: threads with a shown step, by tid */
  int col[SIM_MAX_THREADS], ncol = 0, cols_of[SIM_MAX_THREADS];
  for (int i = 0; i < SIM_MAX_THREADS; i++)
    cols_of[i] = -1;
  for (int th = 0; th < t.nth; th++)
    for (int64_t i = 0; i < t.nev; i++)
      if (t.ev[i].tid == t.th[th].tid && t.th[th].tid >= 0 &&
          t.th[th].tid < SIM_MAX_THREADS) {
        cols_of[t.th[th].tid] = ncol;
        col[ncol++] = th;
        break;
      }
  int w = ncol ? (RR_WIDTH - 2 - 3 * (ncol - 1)) / ncol : RR_WIDTH;
  if (w < RR_MINCOL)
    w = RR_MINCOL;

  fprintf(f, "race report: %s on %s, execution %" PRId64 " (%s)\n", t.vkind,
          t.variant ? t.variant : "?", t.exec_id, t.slice_note);
  for (int c = 0; c < ncol; c++)
    fprintf(f, "%s%-*s", c ? " | " : "  ", c == ncol - 1 ? 0 : w,
            t.th[col[c]].name);
  fputc('\n', f);
  for (int c = 0; c < ncol; c++) {
    fputs(c ? "-+-" : "  ", f);
    for (int k = 0; k < w; k++)
      fputc('-', f);
  }
  fputc('\n', f);
  int64_t prev = 0;
  for (int64_t i = 0; i < t.nev; i++) {
    const tl_event *e = &t.ev[i];
    if (i && e->seq != prev + 1)
      print_cell(f, 0, ncol, w, "...");
    prev = e->seq;
    strbuf b = {0};
    event_text(&b, e);
    int c = e->tid >= 0 && e->tid < SIM_MAX_THREADS ? cols_of[e->tid] : -1;
    print_cell(f, c < 0 ? 0 : c, ncol, w, b.p);
    free(b.p);
    if (i == t.viol_ev) {
      print_kind(f, t.vkind);
      if (t.vmsg)
        print_wrapped(f, "  ", t.vmsg);
    }
  }
  if (t.viol_ev < 0) { /* the violating step is not in the log */
    print_kind(f, t.vkind);
    if (t.vmsg)
      print_wrapped(f, "  ", t.vmsg);
  }
  if (!strcmp(t.vkind, "deadlock") && t.vmsg)
    print_waits(f, &t, t.vmsg);
  else
    print_held(f, &t);
  timeline_free(&t);
  return 0;
}
