/*
** render_side.c - the side column of the timeline: the violation box at
** its top (kind, message, step, objects) with a dashed arrow to the
** violating step, and below it the legend: one line per flow style, the
** violating and held steps, a deadlock's pending steps and wait-for
** arrows, blocked intervals, call depths, skipped steps, and each lock's
** colour.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/gv.h"
#include "reports/render_int.h"
#include "reports/render_wait.h"
#include "reports/strbuf.h"
#include "reports/timeline.h"

/* One legend line: a sample at (x, y) is drawn by the caller; the text
   goes to its right. */
static void legend_text(gv *v, int k, double x, double y, const char *html) {
  char name[32];
  snprintf(name, sizeof name, "legendtext%d", k);
  double w = SIDE_W - 70;
  Agnode_t *n = gv_node_at(v, name, x + w / 2, y, w, 14);
  gv_set(n, v->shape, "plaintext");
  gv_set(n, v->style, "");
  strbuf b = {0};
  render_html_left(&b, w, html);
  gv_set_html(v, n, v->label, b.p);
  free(b.p);
}

/* A legend line whose sample is a box: its node, colours, style or pen
   (NULL: the default), and text. */
struct legend_sample {
  const char *node, *fill, *color, *style, *pen, *text;
};
static const struct legend_sample
    legend_viol = {"legendviol", "#ffe0e0", VIOL_COLOR,
                   NULL,         "3",       "violating step"},
    legend_held = {"legendheld", HELD_FILL, HELD_COLOR,
                   NULL,         "3",       "took the lock held there"},
    legend_pending = {"legendpending",
                      "#fff7e0",
                      VIOL_COLOR,
                      "dashed,filled",
                      NULL,
                      "pending step of a deadlocked thread"},
    legend_blocked = {
        "legendblocked", "#fdf1f1", BLOCK_COLOR,
        "dashed,filled", NULL,      "blocked: waiting for a lock"};

/* Draws sample 's' at line *k, at height *y, and moves both on. */
static void legend_box(gv *v, int *k, double x, double *y,
                       const struct legend_sample *s) {
  Agnode_t *n = gv_node_at(v, s->node, x + 29, *y, 46, 12);
  gv_set(n, v->fill, s->fill);
  gv_set(n, v->color, s->color);
  if (s->style)
    gv_set(n, v->style, s->style);
  if (s->pen)
    gv_set(n, v->pen, s->pen);
  legend_text(v, (*k)++, x + 62, *y, s->text);
  *y += 16;
}

/* The legend, from 'top' down the side column. */
void render_draw_legend(timeline *t, gv *v, const frame *f, double top) {
  double x = f->side_x, y = top + 8;
  char name[32];
  int k = 0;
  Agnode_t *n = gv_node_at(v, "legend", x + 40, y, 80, 16);
  gv_set(n, v->shape, "plaintext");
  gv_set(n, v->style, "");
  gv_set(n, v->fsize, "11");
  gv_set_html(v, n, v->label, "<B>Legend</B>");
  y += 20;
  for (int i = 0; i < NFLOW_STYLES; i++, y += 16) {
    const struct render_flow_style *fs = &render_flow_styles[i];
    char from[32], to[32];
    snprintf(from, sizeof from, "legendfrom%d", i);
    snprintf(to, sizeof to, "legendto%d", i);
    snprintf(name, sizeof name, "legendflow%d", i);
    Agedge_t *e = gv_point_edge(v, from, x + 6, y, to, x + 52, y, 1, name);
    gv_set(e, v->ecolor, fs->color);
    gv_set(e, v->estyle, fs->style);
    gv_set(e, v->epen, fs->penwidth);
    strbuf b = {0};
    sb_html(&b, fs->what, 0);
    legend_text(v, k++, x + 62, y, b.p);
    free(b.p);
  }
  legend_box(v, &k, x, &y, &legend_viol);
  if (t->held_ev >= 0) /* lock-order: the other half of the inversion */
    legend_box(v, &k, x, &y, &legend_held);
  tl_wait w[SIM_MAX_THREADS];
  if (deadlock_waits(t, w, SIM_MAX_THREADS)) {
    legend_box(v, &k, x, &y, &legend_pending);
    Agedge_t *e = gv_point_edge(v, "legendwaitA", x + 6, y, "legendwaitZ",
                                x + 52, y, 1, "legendwait");
    gv_set(e, v->ecolor, VIOL_COLOR);
    gv_set(e, v->epen, "3");
    legend_text(v, k++, x + 62, y, "waits for (the deadlock's cycle)");
    y += 16;
  }
  if (t->nblocks)
    legend_box(v, &k, x, &y, &legend_blocked);
  for (int d = 1; d <= 2; d++) {
    snprintf(name, sizeof name, "legenddepth%d", d);
    n = gv_node_at(v, name, x + 29 + d * 5, y, 46 - d * 10, 12);
    gv_set(n, v->fill, render_depth_fill[d]);
    gv_set(n, v->color, "#5a6b85");
    legend_text(v, k++, x + 62, y,
                d == 1 ? "call depth 1: indented, shaded"
                       : "call depth 2, and so on");
    y += 16;
  }
  legend_text(v, k++, x + 62, y,
              "<FONT COLOR=\"#777777\">⋮ n steps</FONT>: left out of the "
              "slice");
  y += 16;
  for (int i = 0; i < t->nlocks && i < 16; i++, y += 16) {
    const char *col = render_lock_palette[i % NPALETTE];
    snprintf(name, sizeof name, "legendlock%d", i);
    n = gv_node_at(v, name, x + 29, y, BAR_W, 12);
    gv_set(n, v->fill, col);
    gv_set(n, v->color, col);
    strbuf b = {0};
    sb_html(&b, t->locks[i], 0);
    sb_printf(&b, " held");
    legend_text(v, k++, x + 62, y, b.p);
    free(b.p);
  }
  if (t->nlocks > 16)
    legend_text(v, k++, x + 62, y, "and more locks (colours repeat)");
}

/* The violation box at the top of the side column, with a dashed arrow
   to the violating step; returns its bottom (the lanes' top if none). */
double render_draw_violation(timeline *t, gv *v, const frame *f) {
  double top = f->head_y - f->head_h / 2;
  if (!t->has_viol)
    return top;
  double w = SIDE_W - 20;
  size_t cols = (size_t)(w / 5.6);
  strbuf in = {0}, b = {0};
  sb_printf(&in,
            "<FONT COLOR=\"%s\" POINT-SIZE=\"12\"><B>violation: ", VIOL_COLOR);
  int lines = render_wrap(&in, t->vkind, cols * 5 / 6);
  sb_printf(&in, "</B></FONT><BR ALIGN=\"LEFT\"/>");
  lines += render_wrap(&in, render_nz(t->vmsg), cols) + 1;
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"8\">at step #%" PRId64,
            t->vseq);
  if (t->viol_ev >= 0) {
    const tl_event *e = &t->ev[t->viol_ev];
    sb_printf(&in, " on ");
    sb_html(&in, t->th[timeline_lane(t, e->tid)].name, 0);
  } else {
    sb_printf(&in, " (not in the log)");
  }
  if (t->vobjs && strcmp(t->vobjs, "[]")) {
    sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
    strbuf o = {0};
    sb_printf(&o, "objects: %s", t->vobjs);
    lines += render_wrap(&in, o.p, (size_t)(cols * 1.3));
    free(o.p);
  }
  sb_printf(&in, "</FONT>");
  render_html_left(&b, w - 16, in.p);
  double h = 13.0 * lines + 18, y = top + h / 2;
  Agnode_t *n = gv_node_at(v, "violation", f->side_x + w / 2, y, w, h);
  gv_set(n, v->fill, "#fff0f0");
  gv_set(n, v->color, VIOL_COLOR);
  gv_set(n, v->pen, "2");
  gv_set(n, v->id, "violation");
  gv_set(n, v->cls, "violation-box");
  gv_set(n, v->fsize, "10");
  gv_set_html(v, n, v->label, b.p);
  if (t->viol_ev >= 0) {
    char name[32];
    snprintf(name, sizeof name, "e%" PRId64, t->vseq);
    Agedge_t *e = agedge(v->g, n, agnode(v->g, name, 0), "violation", 1);
    gv_set(e, v->ecolor, VIOL_COLOR);
    gv_set(e, v->estyle, "dashed");
    gv_set(e, v->epen, "1.5");
    gv_set(e, v->ecls, "violation");
  }
  free(in.p);
  free(b.p);
  return top + h;
}
