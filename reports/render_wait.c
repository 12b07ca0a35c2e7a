/*
** render_wait.c - a deadlock on the timeline: the steps the threads were
** waiting to take when the execution stopped, and the wait-for cycle.
**
** The log holds granted steps only; what a deadlocked thread was about to
** do is in the violation's message, written by the engine
** (sim/engine.c, report_deadlock) as "A waits in OP for L held by B; B
** waits in ...", one clause per waiting thread.  This file parses that
** message against the run's thread names (a step's name may itself hold
** "; ", so a clause starts only where a thread's name and " waits in "
** do), draws one dashed "pending" box per waiting thread below its lane's
** last row, and a thick red wait-for arrow from each waiter's box to the
** box of the thread that holds what it waits for: the cycle.
*/
#include "reports/render_wait.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/strbuf.h"

#define WAIT_COLOR "#d00000"

/* The clause of thread 'name' in 'msg', or NULL: at the start or after
   "; ", "NAME waits in ". */
static const char *clause_of(const char *msg, const char *name) {
  size_t n = strlen(name);
  for (const char *p = msg; p;) {
    if (!strncmp(p, name, n) && !strncmp(p + n, " waits in ", 10))
      return p + n + 10;
    p = strstr(p, "; ");
    if (p)
      p += 2;
  }
  return NULL;
}

/* Copies [p, end) (or p's rest without 'end') into buf. */
static void cut(char *buf, size_t n, const char *p, const char *end) {
  size_t k = end ? (size_t)(end - p) : strlen(p);
  snprintf(buf, n, "%.*s", (int)(k < n ? k : n - 1), p);
}

int deadlock_waits(const timeline *t, tl_wait *w, int max) {
  if (!t->has_viol || !t->vkind || strcmp(t->vkind, "deadlock") || !t->vmsg)
    return 0;
  int n = 0;
  for (int i = 0; i < t->nth && n < max; i++) {
    const char *c = clause_of(t->vmsg, t->th[i].name);
    const char *f = c ? strstr(c, " for ") : NULL;
    if (!f)
      continue;
    tl_wait *x = &w[n++];
    memset(x, 0, sizeof *x);
    x->lane = i;
    x->holder_lane = -1;
    cut(x->op, sizeof x->op, c, f);
    f += 5;
    const char *h = strstr(f, " held by "), *semi = strstr(f, "; ");
    if (h && (!semi || h < semi)) {
      cut(x->obj, sizeof x->obj, f, h);
      cut(x->holder, sizeof x->holder, h + 9, strstr(h + 9, "; "));
      for (int j = 0; j < t->nth; j++)
        if (!strcmp(t->th[j].name, x->holder))
          x->holder_lane = j;
    } else {
      cut(x->obj, sizeof x->obj, f, semi);
    }
  }
  return n;
}

/* The label of a pending box; returns its height. */
static double pending_label(const tl_wait *w, double width, strbuf *b) {
  size_t cols = (size_t)(width / 5.6);
  strbuf l = {0}, in = {0};
  sb_printf(&in, "<FONT COLOR=\"%s\"><B>pending</B></FONT>: ", WAIT_COLOR);
  sb_printf(&l, "%s", w->op);
  sb_html_wrap(&in, l.p, cols > 10 ? cols - 10 : cols, " ;,(", 1000);
  int lines = 1;
  for (const char *p = in.p; (p = strstr(p, "<BR")); p++)
    lines++;
  l.n = 0;
  sb_printf(&l, "waits for %s%s%s", w->obj, w->holder[0] ? " held by " : "",
            w->holder);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  size_t n0 = in.n;
  sb_html_wrap(&in, l.p, cols, " ", 1000);
  lines++;
  for (const char *p = in.p + n0; (p = strstr(p, "<BR")); p++)
    lines++;
  sb_printf(b,
            "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
            "CELLPADDING=\"0\" WIDTH=\"%d\"><TR><TD ALIGN=\"LEFT\" "
            "BALIGN=\"LEFT\">%s</TD></TR></TABLE>",
            (int)width - 8, in.p);
  free(l.p);
  free(in.p);
  return 12.0 * lines + 12;
}

double deadlock_height(const timeline *t, double width) {
  tl_wait w[SIM_MAX_THREADS];
  int n = deadlock_waits(t, w, SIM_MAX_THREADS);
  double h = 0;
  for (int i = 0; i < n; i++) {
    strbuf b = {0};
    double hi = pending_label(&w[i], width, &b);
    h = hi > h ? hi : h;
    free(b.p);
  }
  return n ? h + 16 : 0;
}

void deadlock_draw(const timeline *t, gv *v, double top, double x0,
                   double lane_w, double ev_x0, double ev_x1) {
  tl_wait w[SIM_MAX_THREADS];
  int n = deadlock_waits(t, w, SIM_MAX_THREADS);
  double width = ev_x1 - ev_x0, h = deadlock_height(t, width) - 16;
  char name[48];
  for (int i = 0; i < n; i++) {
    strbuf b = {0}, tip = {0};
    pending_label(&w[i], width, &b);
    snprintf(name, sizeof name, "pending%d", w[i].lane);
    double x = x0 + w[i].lane * lane_w + (ev_x0 + ev_x1) / 2;
    Agnode_t *nd = gv_node_at(v, name, x, top + 8 + h / 2, width, h);
    gv_set(nd, v->fill, "#fff7e0");
    gv_set(nd, v->color, WAIT_COLOR);
    gv_set(nd, v->style, "dashed,filled");
    gv_set(nd, v->pen, "2");
    gv_set(nd, v->cls, "pending");
    gv_set_html(v, nd, v->label, b.p);
    sb_plain(&tip, t->th[w[i].lane].name);
    sb_printf(&tip, " waits in ");
    sb_plain(&tip, w[i].op);
    sb_printf(&tip, " for ");
    sb_plain(&tip, w[i].obj);
    if (w[i].holder[0]) {
      sb_printf(&tip, " held by ");
      sb_plain(&tip, w[i].holder);
    }
    gv_set(nd, v->tip, tip.p);
    free(b.p);
    free(tip.p);
  }
  for (int i = 0; i < n; i++) { /* the cycle: waiter -> holder */
    if (w[i].holder_lane < 0)
      continue;
    char from[32], to[32];
    snprintf(from, sizeof from, "pending%d", w[i].lane);
    snprintf(to, sizeof to, "pending%d", w[i].holder_lane);
    Agnode_t *z = agnode(v->g, to, 0);
    if (!z)
      continue; /* the holder does not wait: no box */
    snprintf(name, sizeof name, "waitfor%d", i);
    Agedge_t *e = agedge(v->g, agnode(v->g, from, 0), z, name, 1);
    gv_set(e, v->ecolor, WAIT_COLOR);
    gv_set(e, v->epen, "3");
    gv_set(e, v->ecls, "wait-for");
    gv_set(e, v->eid, name);
    strbuf tip = {0};
    sb_plain(&tip, t->th[w[i].lane].name);
    sb_printf(&tip, " waits for ");
    sb_plain(&tip, w[i].obj);
    sb_printf(&tip, " held by ");
    sb_plain(&tip, w[i].holder);
    gv_set(e, v->etip, tip.p);
    free(tip.p);
  }
}
