/*
** scn_symsched.c - a symbolic schedule on a scenario's "run schedule"
** line ("run schedule cpu1 until page_mapped; cpu0; cpu1"): the grammar
** is the engine's (sim/symsched.h); this file finds where the schedule
** ends on its line and checks it, with errors at FILE:LINE:COL.
**
** Unlike a step-count string, a symbolic schedule has blanks, quotes and
** '#', which starts a comment elsewhere: on this line a '#' right after a
** name or a closing quote and followed by a digit is an occurrence number
** ("page_mapped#2"); any other '#' outside quotes starts the comment.  The
** thread names are checked at the end of the file, when every thread is
** known (the scenario's, then blockdev and exit with writeback tracking,
** or a litmus program's t0, t1, ...).
*/
#include "scn_stmt.h"
#include "sim/symsched.h"

#include <stdio.h>
#include <string.h>

/* The end of the schedule text that starts at p on a line ending at eol:
   the comment and trailing blanks left out. */
static const char *sched_end(const char *p, const char *eol) {
  const char *b = p;
  int q = 0;
  for (; p < eol; p++) {
    if (*p == '"')
      q = !q;
    else if (*p == '#' && !q &&
             !(p > b && p[-1] != ' ' && p[-1] != '\t' && p + 1 < eol &&
               lex_is_digit(p[1])))
      break;
  }
  while (p > b && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
    p--;
  return p;
}

int scn_symsched_text(scn_parser *ps, const char **b, const char **e) {
  scn_lex *lx = &ps->lx;
  const char *p = lx->cur;
  while (p < lx->eol && (*p == ' ' || *p == '\t'))
    p++;
  *b = p;
  *e = sched_end(p, lx->eol);
  /* a step-count string is one token, read by the caller as before */
  return sim_symsched_is_symbolic(*b, (size_t)(*e - *b));
}

int scn_symsched_parse(scn_parser *ps, const char *b, const char *e) {
  scenario *s = ps->s;
  scn_lex *lx = &ps->lx;
  sim_symsched sym;
  int col;
  char msg[256];
  size_t n = (size_t)(e - b);
  int c0 = lex_col(lx, b);
  if (n >= sizeof s->run_schedule)
    return lex_fail(lx, c0,
                    "schedule too long, expected at most %zu characters",
                    sizeof s->run_schedule - 1);
  if (memchr(b, '\0', n))
    return lex_fail(lx, c0 + (int)((const char *)memchr(b, '\0', n) - b),
                    "NUL byte in the schedule, expected a printable one");
  memcpy(s->run_schedule, b, n);
  s->run_schedule[n] = 0;
  if (sim_symsched_parse(s->run_schedule, &sym, &col, msg, sizeof msg))
    return lex_fail(lx, c0 + col - 1, "bad schedule: %s", msg);
  sim_symsched_free(&sym);
  ps->sched_col = c0;
  lx->cur = lx->eol; /* the rest is the comment sched_end left out */
  return 0;
}

int scn_symsched_check(scn_parser *ps, const char *const *names, int nth) {
  sim_symsched sym;
  int col;
  char msg[512];
  if (sim_symsched_parse(ps->s->run_schedule, &sym, &col, msg, sizeof msg))
    return lex_fail_at(&ps->lx, ps->first[ST_RUN], ps->sched_col + col - 1,
                       "bad schedule: %s", msg);
  int rc = 0;
  if (sim_symsched_resolve(&sym, names, nth, &col, msg, sizeof msg))
    rc = lex_fail_at(&ps->lx, ps->first[ST_RUN], ps->sched_col + col - 1,
                     "bad schedule: %s", msg);
  sim_symsched_free(&sym);
  return rc;
}
