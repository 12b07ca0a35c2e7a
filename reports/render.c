/*
** render.c - draws the Graphviz timeline of one logged execution.
**
** The execution comes from the timeline model (reports/timeline.c reads
** the log, reports/slice.c chooses the shown events); this file only
** draws it, the way race diagrams are drawn in mm/ comments: one column
** per CPU thread, time running down the page, one row per granted step.
**
**   +----------------------------------------------------------------+
**   | title: scenario, variant, policy, outcome, slice, schedule     |
**   +--------+-------------------+-------------------+---------------+
**   | ruler  | cpu0:truncate     | cpu1:fault        | legend        |
**   | 0 ns   | [#0 fn: op ...]|  |                   |               |
**   | 10 ns  |                |  | [#1 fn: op ...]   |               |
**   |  ...   |   lock-hold bars ^  flows as arrows   | violation box |
**   +--------+-------------------+-------------------+---------------+
**
** Layout is ours, not Graphviz's: every node gets a fixed position
** (pos="x,y!") and the "nop2" engine (neato -n2, driven by reports/gv.c)
** only routes the edges as straight lines.  dot needs seconds for a thousand
*events and reorders
** lanes; fixed positions keep the lanes in thread-id order and render ten
** thousand events in well under a second (see /work/shared/design.md).
**
** Rows are in seq order, so every step gets its own readable row; the
** simulated start time is printed in the node and on the ruler.  Nested
** calls are indented and shaded by depth.  A lock hold is a coloured bar
** beside the lane, named at its top and in the legend; overlapping holds
** of one lane are set side by side.
**
** Determinism: nodes are created in a fixed order from an ordered model,
** and nothing depends on time or addresses, so the same database renders
** to byte-identical files.
*/
#include "reports/render.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/gv.h"
#include "reports/schema.h"
#include "reports/strbuf.h"
#include "reports/timeline.h"

/* Geometry in points; y grows downwards here and is negated for Graphviz. */
#define RULER_W 80.0 /* time ruler column */
#define LANE_W 380.0 /* one thread */
#define EV_X0 8.0    /* event boxes start this far into the lane ... */
#define EV_X1 298.0  /* ... and end here */
#define INDENT 10.0  /* per call-nesting level */
#define MAX_INDENT 5 /* deeper calls are shaded, not indented further */
#define BAR_X 308.0  /* first lock bar, from the lane's left edge */
#define BAR_W 7.0
#define BAR_STEP 11.0
#define MAX_SLOTS 4 /* lock bars side by side per lane */
#define ROW_H 34.0  /* one step */
#define EV_H 28.0
#define GAP_H 14.0   /* extra space where the slice skips steps */
#define HEAD_H 36.0  /* lane headers */
#define SIDE_W 320.0 /* legend and violation column */
#define CHAR_W 5.3   /* average glyph width of 9 pt Helvetica, generous */
#define BOLD_W 6.1   /* the same in bold */

/* Flow arrows, one style per enum sim_flow_kind (named by
   schema_flow_kind); lock bars cycle through the palette. */
static const struct flow_style {
  const char *color, *style, *penwidth, *what;
} flow_styles[] = {
    [SIM_FLOW_LOCK] = {"#1f4e9c", "solid", "1.6",
                       "lock handoff (release → acquire)"},
    [SIM_FLOW_READS_FROM] = {"#2e7d32", "dashed", "1.3",
                             "reads-from (write → read)"},
    [SIM_FLOW_WAKEUP] = {"#b35900", "dotted", "2.2", "wakeup (write → waiter)"},
    [SIM_FLOW_FROM_READ] = {"#c2185b", "dashed", "2.0",
                            "from-read (read → overwriting write)"},
};
_Static_assert(sizeof flow_styles / sizeof flow_styles[0] == SIM_FLOW__COUNT,
               "one style per flow kind");
#define NFLOW_STYLES (SIM_FLOW__COUNT)

static const char *const lock_palette[] = {
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a",
    "#66a61e", "#e6ab02", "#a6761d", "#666666",
};
#define NPALETTE 8

static const char *const depth_fill[] = {"#ffffff", "#eef3fb", "#dde7f7",
                                         "#cbdaf2"};

#define VIOL_COLOR "#d00000"
#define HELD_COLOR "#c06000" /* lock-order: where the held lock was taken */
#define HELD_FILL "#fff0d8"

/* Text left-aligned in a box of width w: an HTML table fills the node. */
static void html_left(strbuf *b, double w, const char *inner) {
  sb_printf(b,
            "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
            "CELLPADDING=\"0\" WIDTH=\"%d\"><TR><TD ALIGN=\"LEFT\" "
            "BALIGN=\"LEFT\">%s</TD></TR></TABLE>",
            (int)w, inner);
}

/* Appends "<B>bold</B>rest" cut to 'budget' points, with an ellipsis where
   it is cut: the bold part keeps at most 60% of the room if both do not
   fit.  'cw' is the glyph width of the rest. */
static void fit_line(strbuf *b, const char *bold, const char *rest,
                     double budget, double cw) {
  size_t nb = bold ? u8len(bold) : 0, nr = u8len(rest);
  size_t fb = nb, fr = nr;
  if (nb * BOLD_W + nr * cw > budget) {
    if (nb * BOLD_W > 0.6 * budget)
      fb = (size_t)(0.6 * budget / BOLD_W);
    double left = budget - (double)(fb < nb ? fb : nb) * BOLD_W;
    fr = left > cw ? (size_t)(left / cw) : 1;
  }
  if (nb) {
    sb_printf(b, "<B>");
    sb_html(b, bold, fb < nb ? fb : 0);
    sb_printf(b, "</B>");
  }
  sb_html(b, rest, fr < nr ? fr : 0);
}

static const char *nz(const char *s) {
  return s ? s : "";
}

/* "before→after", "→after" or "before→"; "" when neither. */
static void values(strbuf *b, const tl_event *e) {
  if (!e->before && !e->after)
    return;
  sb_printf(b, "%s→%s", nz(e->before), nz(e->after));
}

typedef struct frame { /* where things go */
  double total_w, title_h, head_y, rows_top, bottom, side_x;
} frame;

static double lane_x(const timeline *t, int tid) {
  return RULER_W + timeline_lane(t, tid) * LANE_W;
}

static void draw_title(timeline *t, gv *v, frame *f) {
  size_t cols = (size_t)((f->total_w - 20) / 6.0);
  strbuf b = {0}, in = {0};
  int lines = 0;
  sb_printf(&in, "<FONT POINT-SIZE=\"16\"><B>");
  sb_html(&in, t->title ? t->title : "(untitled)", cols / 2);
  sb_printf(&in, "</B></FONT><BR ALIGN=\"LEFT\"/>");
  strbuf l = {0};
  sb_printf(&l, "%s · variant %s%s%s · policy %s · seed %" PRId64,
            t->scenario ? t->scenario : "(no scenario file)",
            t->variant ? t->variant : "-",
            t->knobs && *t->knobs ? " · knobs " : "", nz(t->knobs),
            t->policy ? t->policy : "-", t->seed);
  sb_html(&in, l.p, cols);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  l.n = 0;
  sb_printf(&l,
            "run %" PRId64 ", execution %" PRId64 " (#%" PRId64
            " of the run) · %" PRId64 " steps · %" PRId64
            " ns simulated · trace %s",
            t->run_id, t->exec_id, t->ordinal, t->steps, t->end_ns,
            t->trace_hash ? t->trace_hash : "-");
  sb_html(&in, l.p, cols);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  lines += 3;
  if (t->has_viol) {
    sb_printf(&in, "<FONT COLOR=\"%s\"><B>violation ", VIOL_COLOR);
    sb_html(&in, t->vkind, 48);
    sb_printf(&in, "</B></FONT> at step #%" PRId64 ": ", t->vseq);
    sb_html(&in, t->vmsg, cols > 40 ? cols - 40 : cols);
  } else {
    sb_printf(&in, "outcome: <B>");
    sb_html(&in, t->outcome ? t->outcome : "?", 32);
    sb_printf(&in, "</B>");
    if (t->note) {
      sb_printf(&in, " · ");
      sb_html(&in, t->note, cols / 2);
    }
  }
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>showing %s<BR ALIGN=\"LEFT\"/>",
            t->slice_note);
  lines += 2;
  if (t->has_viol && t->note) {
    sb_printf(&in, "note: ");
    sb_html(&in, t->note, cols);
    sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
    lines++;
  }
  /* The schedule in a monospace font (6 pt a glyph at 10 pt, with some
     room), after the 10 characters of "schedule: ". */
  sb_printf(&in, "<FONT FACE=\"Courier\">schedule: ");
  const char *sched = t->schedule && *t->schedule ? t->schedule : "(none)";
  size_t mono = (size_t)((f->total_w - 20) / 6.3) - 12;
  size_t n = u8len(sched);
  lines += (int)((n + mono - 1) / mono < 8 ? (n + mono - 1) / mono : 8);
  sb_html_wrap(&in, sched, mono, ".", 8);
  sb_printf(&in, "</FONT>");
  html_left(&b, f->total_w - 20, in.p);
  f->title_h = 24 + 13.0 * lines + 6;
  Agnode_t *nd = gv_node_at(v, "title", f->total_w / 2, f->title_h / 2,
                            f->total_w - 10, f->title_h);
  gv_set(nd, v->shape, "plaintext");
  gv_set(nd, v->style, "");
  gv_set(nd, v->fsize, "10");
  gv_set(nd, v->id, "title");
  gv_set_html(v, nd, v->label, b.p);
  free(b.p);
  free(in.p);
  free(l.p);
}

static void draw_lanes(timeline *t, gv *v, const frame *f) {
  double top = f->head_y - HEAD_H / 2;
  for (int i = 0; i < t->nth; i++) {
    const tl_thread *th = &t->th[i];
    double x = RULER_W + i * LANE_W;
    char name[32];
    snprintf(name, sizeof name, "lane%d", th->tid);
    Agnode_t *n = gv_node_at(v, name, x + LANE_W / 2, (top + f->bottom) / 2,
                             LANE_W - 8, f->bottom - top);
    gv_set(n, v->fill, "#f6f6f6");
    gv_set(n, v->color, "#d4d4d4");
    gv_set(n, v->cls, "lane");
    strbuf b = {0};
    sb_plain(&b, th->name);
    gv_set(n, v->tip, b.p);

    snprintf(name, sizeof name, "head%d", th->tid);
    n = gv_node_at(v, name, x + LANE_W / 2, f->head_y, LANE_W - 20, HEAD_H - 8);
    gv_set(n, v->fill, "#e4e4e4");
    gv_set(n, v->color, "#9a9a9a");
    gv_set(n, v->fsize, "11");
    gv_set(n, v->cls, "lane-head");
    gv_set(n, v->tip, b.p);
    b.n = 0;
    sb_printf(&b, "<B>");
    sb_html(&b, th->name, (size_t)((LANE_W - 30) / 6.5));
    sb_printf(&b, "</B><BR/><FONT POINT-SIZE=\"8\">thread %d", th->tid);
    if (th->cpu >= 0)
      sb_printf(&b, " · cpu %d", th->cpu);
    sb_printf(&b, "</FONT>");
    gv_set_html(v, n, v->label, b.p);
    free(b.p);
  }
}

static void draw_ruler(timeline *t, gv *v, const frame *f) {
  Agnode_t *n =
      gv_node_at(v, "ruler", RULER_W / 2, f->head_y, RULER_W - 8, HEAD_H - 8);
  gv_set(n, v->shape, "plaintext");
  gv_set(n, v->style, "");
  gv_set(n, v->fsize, "8");
  gv_set_html(v, n, v->label, "<B>time (ns)</B><BR/>step start");
  Agnode_t *a = gv_node_at(v, "axis0", RULER_W - 6, f->rows_top, 1, 1);
  Agnode_t *z = gv_node_at(v, "axis1", RULER_W - 6, f->bottom, 1, 1);
  gv_set(a, v->shape, "point");
  gv_set(z, v->shape, "point");
  gv_set(a, v->style, "invis");
  gv_set(z, v->style, "invis");
  Agedge_t *e = agedge(v->g, a, z, "axis", 1);
  gv_set(e, v->ecolor, "#888888");
  gv_set(e, v->ehead, "none");
  gv_set(e, v->ecls, "ruler");

  char name[40], text[64];
  int64_t prev_seq = -1, prev_ts = -1;
  for (int64_t i = 0; i < t->nev; i++) {
    const tl_event *ev = &t->ev[i];
    int64_t skipped = ev->seq - prev_seq - 1;
    if (skipped > 0) {
      snprintf(name, sizeof name, "gap%" PRId64, i);
      snprintf(text, sizeof text, "⋮ %" PRId64 " step%s", skipped,
               skipped == 1 ? "" : "s");
      double y = ev->y - ROW_H / 2 - GAP_H / 2;
      n = gv_node_at(v, name, (RULER_W - 12) / 2, y, RULER_W - 14, GAP_H);
      gv_set(n, v->shape, "plaintext");
      gv_set(n, v->style, "");
      gv_set(n, v->fsize, "7");
      gv_set(n, v->fcolor, "#777777");
      gv_set(n, v->cls, "gap");
      gv_set(n, v->label, text);
      gv_set(n, v->tip, "steps not in the slice");
    }
    if (ev->ts != prev_ts) {
      snprintf(name, sizeof name, "tick%" PRId64, i);
      snprintf(text, sizeof text, "%" PRId64 " ns\\r", ev->ts);
      n = gv_node_at(v, name, (RULER_W - 12) / 2, ev->y, RULER_W - 14, 12);
      gv_set(n, v->shape, "plaintext");
      gv_set(n, v->style, "");
      gv_set(n, v->fsize, "8");
      gv_set(n, v->cls, "tick");
      gv_set(n, v->label, text);
    }
    prev_seq = ev->seq;
    prev_ts = ev->ts;
  }
}

static void draw_spans(timeline *t, gv *v) {
  char name[32];
  for (int s = 0; s < t->nspans; s++) {
    const tl_span *sp = &t->spans[s];
    const char *col = lock_palette[sp->lock % NPALETTE];
    double bx = lane_x(t, sp->tid) + BAR_X + sp->slot * BAR_STEP;
    double y0 = t->ev[sp->r0].y - EV_H / 2, y1 = t->ev[sp->r1].y + EV_H / 2;
    snprintf(name, sizeof name, "hold%d", s);
    Agnode_t *n =
        gv_node_at(v, name, bx + BAR_W / 2, (y0 + y1) / 2, BAR_W, y1 - y0);
    gv_set(n, v->fill, col);
    gv_set(n, v->color, col);
    gv_set(n, v->style, "filled");
    gv_set(n, v->cls, "lock-hold");
    strbuf b = {0};
    sb_plain(&b, sp->name);
    sb_printf(&b, " held from #%" PRId64, sp->from);
    if (sp->held)
      sb_printf(&b, " to the end");
    else
      sb_printf(&b, " to #%" PRId64, sp->to);
    gv_set(n, v->tip, b.p);

    double lx = bx + BAR_W + 2, lw = lane_x(t, sp->tid) + LANE_W - 6 - lx;
    snprintf(name, sizeof name, "holdname%d", s);
    n = gv_node_at(v, name, lx + lw / 2, y0 + 5, lw, 10);
    gv_set(n, v->shape, "plaintext");
    gv_set(n, v->style, "");
    gv_set(n, v->fsize, "7");
    gv_set(n, v->fcolor, col);
    gv_set(n, v->cls, "lock-name");
    gv_set(n, v->tip, b.p);
    b.n = 0;
    strbuf in = {0};
    sb_html(&in, sp->name, (size_t)(lw / 4.2));
    html_left(&b, lw, in.p);
    gv_set_html(v, n, v->label, b.p);
    free(in.p);
    free(b.p);
  }
}

static void draw_events(timeline *t, gv *v) {
  char name[32];
  for (int64_t i = 0; i < t->nev; i++) {
    const tl_event *e = &t->ev[i];
    int viol = i == t->viol_ev, held = i == t->held_ev;
    int ind = e->depth < MAX_INDENT ? e->depth : MAX_INDENT;
    double x0 = lane_x(t, e->tid) + EV_X0 + ind * INDENT;
    double x1 = lane_x(t, e->tid) + EV_X1, w = x1 - x0;
    snprintf(name, sizeof name, "e%" PRId64, e->seq);
    Agnode_t *n = gv_node_at(v, name, (x0 + x1) / 2, e->y, w, EV_H);
    snprintf(name, sizeof name, "ev%" PRId64, e->seq);
    gv_set(n, v->id, name);
    gv_set(n, v->cls, viol ? "event violation" : held ? "event held" : "event");
    int d = e->depth < 3 ? e->depth : 3;
    gv_set(n, v->fill, viol ? "#ffe0e0" : held ? HELD_FILL : depth_fill[d]);
    gv_set(n, v->color, viol ? VIOL_COLOR : held ? HELD_COLOR : "#5a6b85");
    gv_set(n, v->pen, viol || held ? "3" : "1");

    /* line 1: "fn: op obj before→after", cut to the box */
    strbuf in = {0}, vals = {0}, rest = {0}, b = {0};
    values(&vals, e);
    if (e->fn)
      sb_printf(&rest, ": ");
    sb_printf(&rest, "%s", nz(e->op));
    if (e->obj)
      sb_printf(&rest, " %s", e->obj);
    if (vals.n)
      sb_printf(&rest, " %s", vals.p);
    if (viol)
      sb_printf(&in, "<FONT COLOR=\"%s\"><B>", VIOL_COLOR);
    fit_line(&in, e->fn, rest.p ? rest.p : "", w - 10, viol ? BOLD_W : CHAR_W);
    if (viol)
      sb_printf(&in, "</B></FONT>");
    /* line 2: "#seq · ts ns · +dur" */
    sb_printf(&in,
              "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"7\" COLOR=\"#555555\">"
              "#%" PRId64 " · %" PRId64 " ns · +%" PRId64 "</FONT>",
              e->seq, e->ts, e->dur);
    if (e->depth)
      sb_printf(&in,
                "<FONT POINT-SIZE=\"7\" COLOR=\"#555555\"> · depth "
                "%d</FONT>",
                e->depth);
    html_left(&b, w - 6, in.p);
    gv_set_html(v, n, v->label, b.p);

    b.n = 0;
    const tl_thread *th = &t->th[timeline_lane(t, e->tid)];
    sb_printf(&b, "#%" PRId64 " at %" PRId64 " ns (+%" PRId64 ") on ", e->seq,
              e->ts, e->dur);
    sb_plain(&b, th->name);
    sb_printf(&b, ": ");
    if (e->fn) {
      sb_plain(&b, e->fn);
      sb_printf(&b, ": ");
    }
    sb_plain(&b, e->op);
    if (e->obj) {
      sb_printf(&b, " ");
      sb_plain(&b, e->obj);
    }
    if (vals.n) {
      sb_printf(&b, " ");
      sb_plain(&b, vals.p);
    }
    gv_set(n, v->tip, b.p);
    free(in.p);
    free(vals.p);
    free(rest.p);
    free(b.p);
  }
}

static void draw_flows(timeline *t, gv *v) {
  char from[32], to[32], name[32];
  for (int64_t k = 0; k < t->nflows; k++) {
    const tl_flow *fl = &t->flows[k];
    int64_t a = timeline_row_at_or_after(t, fl->from),
            z = timeline_row_at_or_after(t, fl->to);
    if (a >= t->nev || t->ev[a].seq != fl->from || z >= t->nev ||
        t->ev[z].seq != fl->to)
      continue;
    snprintf(from, sizeof from, "e%" PRId64, fl->from);
    snprintf(to, sizeof to, "e%" PRId64, fl->to);
    snprintf(name, sizeof name, "flow%" PRId64, k);
    Agedge_t *e =
        agedge(v->g, agnode(v->g, from, 0), agnode(v->g, to, 0), name, 1);
    const struct flow_style *fs = &flow_styles[fl->kind];
    gv_set(e, v->ecolor, fs->color);
    gv_set(e, v->estyle, fs->style);
    gv_set(e, v->epen, fs->penwidth);
    gv_set(e, v->eid, name);
    strbuf b = {0};
    sb_printf(&b, "flow %s", schema_flow_kind[fl->kind]);
    gv_set(e, v->ecls, b.p);
    b.n = 0;
    sb_printf(&b, "%s of ", schema_flow_kind[fl->kind]);
    sb_plain(&b, fl->obj);
    sb_printf(&b, ": #%" PRId64 " → #%" PRId64, fl->from, fl->to);
    gv_set(e, v->etip, b.p);
    free(b.p);
  }
}

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
  html_left(&b, w, html);
  gv_set_html(v, n, v->label, b.p);
  free(b.p);
}

/* Returns the legend's bottom. */
static double draw_legend(timeline *t, gv *v, const frame *f) {
  double x = f->side_x, y = f->head_y;
  char name[32];
  int k = 0;
  Agnode_t *n = gv_node_at(v, "legend", x + 40, y, 80, 16);
  gv_set(n, v->shape, "plaintext");
  gv_set(n, v->style, "");
  gv_set(n, v->fsize, "11");
  gv_set_html(v, n, v->label, "<B>Legend</B>");
  y += 20;
  for (int i = 0; i < NFLOW_STYLES; i++, y += 16) {
    const struct flow_style *fs = &flow_styles[i];
    snprintf(name, sizeof name, "legendfrom%d", i);
    Agnode_t *a = gv_node_at(v, name, x + 6, y, 1, 1);
    snprintf(name, sizeof name, "legendto%d", i);
    Agnode_t *z = gv_node_at(v, name, x + 52, y, 1, 1);
    gv_set(a, v->shape, "point");
    gv_set(z, v->shape, "point");
    gv_set(a, v->style, "invis");
    gv_set(z, v->style, "invis");
    snprintf(name, sizeof name, "legendflow%d", i);
    Agedge_t *e = agedge(v->g, a, z, name, 1);
    gv_set(e, v->ecolor, fs->color);
    gv_set(e, v->estyle, fs->style);
    gv_set(e, v->epen, fs->penwidth);
    strbuf b = {0};
    sb_html(&b, fs->what, 0);
    legend_text(v, k++, x + 62, y, b.p);
    free(b.p);
  }
  n = gv_node_at(v, "legendviol", x + 29, y, 46, 12);
  gv_set(n, v->fill, "#ffe0e0");
  gv_set(n, v->color, VIOL_COLOR);
  gv_set(n, v->pen, "3");
  legend_text(v, k++, x + 62, y, "violating step");
  y += 16;
  if (t->held_ev >= 0) { /* lock-order: the other half of the inversion */
    n = gv_node_at(v, "legendheld", x + 29, y, 46, 12);
    gv_set(n, v->fill, HELD_FILL);
    gv_set(n, v->color, HELD_COLOR);
    gv_set(n, v->pen, "3");
    legend_text(v, k++, x + 62, y, "took the lock held there");
    y += 16;
  }
  for (int d = 1; d <= 2; d++) {
    snprintf(name, sizeof name, "legenddepth%d", d);
    n = gv_node_at(v, name, x + 29 + d * 5, y, 46 - d * 10, 12);
    gv_set(n, v->fill, depth_fill[d]);
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
    const char *col = lock_palette[i % NPALETTE];
    snprintf(name, sizeof name, "legendlock%d", i);
    n = gv_node_at(v, name, x + 29, y, BAR_W, 12);
    gv_set(n, v->fill, col);
    gv_set(n, v->color, col);
    strbuf b = {0};
    sb_html(&b, t->locks[i], 32);
    sb_printf(&b, " held (bar beside the lane)");
    legend_text(v, k++, x + 62, y, b.p);
    free(b.p);
  }
  if (t->nlocks > 16) {
    legend_text(v, k++, x + 62, y, "… more locks");
    y += 16;
  }
  return y;
}

static void draw_violation(timeline *t, gv *v, const frame *f,
                           double legend_bottom) {
  if (!t->has_viol)
    return;
  double w = SIDE_W - 20;
  size_t cols = (size_t)(w / 5.6);
  strbuf in = {0}, b = {0};
  sb_printf(&in,
            "<FONT COLOR=\"%s\" POINT-SIZE=\"12\"><B>violation: ", VIOL_COLOR);
  sb_html(&in, t->vkind, cols);
  sb_printf(&in, "</B></FONT><BR ALIGN=\"LEFT\"/>");
  sb_html_wrap(&in, nz(t->vmsg), cols, " ;,", 12);
  int lines = 2 + (int)(u8len(nz(t->vmsg)) / (cols * 3 / 4) + 1);
  if (lines > 14)
    lines = 14;
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"8\">at step #%" PRId64,
            t->vseq);
  if (t->viol_ev >= 0) {
    const tl_event *e = &t->ev[t->viol_ev];
    sb_printf(&in, " on ");
    sb_html(&in, t->th[timeline_lane(t, e->tid)].name, 40);
  } else {
    sb_printf(&in, " (not in the log)");
  }
  if (t->vobjs && strcmp(t->vobjs, "[]")) {
    sb_printf(&in, "<BR ALIGN=\"LEFT\"/>objects: ");
    sb_html(&in, t->vobjs, cols);
    lines++;
  }
  sb_printf(&in, "</FONT>");
  html_left(&b, w - 16, in.p);
  double h = 14.0 * lines + 16;
  double y = t->viol_ev >= 0 ? t->ev[t->viol_ev].y : f->rows_top + h / 2;
  if (y - h / 2 < legend_bottom + 16)
    y = legend_bottom + 16 + h / 2;
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
}

/* Row positions; returns the bottom of the last row. */
static double place_rows(timeline *t, double top) {
  double y = top;
  int64_t prev = -1;
  for (int64_t i = 0; i < t->nev; i++) {
    if (t->ev[i].seq > prev + 1)
      y += GAP_H;
    t->ev[i].y = y + ROW_H / 2;
    y += ROW_H;
    prev = t->ev[i].seq;
  }
  return t->nev ? y : y + ROW_H;
}

/* Lock bars side by side: each hold takes the lowest slot free in its
   lane.  Holds come by acquire, so a slot is free once its last hold has
   ended. */
static void place_spans(timeline *t) {
  int *end = sb_xrealloc(NULL, (size_t)t->nth * MAX_SLOTS * sizeof *end);
  for (int i = 0; i < t->nth * MAX_SLOTS; i++)
    end[i] = -1;
  for (int s = 0; s < t->nspans; s++) {
    tl_span *sp = &t->spans[s];
    int *e = end + timeline_lane(t, sp->tid) * MAX_SLOTS;
    int slot = MAX_SLOTS - 1;
    for (int c = 0; c < MAX_SLOTS; c++) {
      if (e[c] < sp->r0) {
        slot = c;
        break;
      }
    }
    sp->slot = slot;
    if (e[slot] < sp->r1)
      e[slot] = sp->r1;
  }
  free(end);
}

/* Draws 't' into 'out' in Graphviz 'format'; -1 with a message in err. */
static int draw(timeline *t, const char *out, const char *format, char *err,
                size_t errlen) {
  gv v = gv_new();
  frame f = {0};
  f.total_w = RULER_W + t->nth * LANE_W + 16 + SIDE_W;
  if (f.total_w < 760)
    f.total_w = 760;
  f.side_x = RULER_W + t->nth * LANE_W + 16;
  draw_title(t, &v, &f);
  f.head_y = f.title_h + 8 + HEAD_H / 2;
  f.rows_top = f.title_h + 8 + HEAD_H + 6;
  f.bottom = place_rows(t, f.rows_top) + 10;
  place_spans(t);
  draw_lanes(t, &v, &f);
  draw_ruler(t, &v, &f);
  draw_spans(t, &v);
  draw_events(t, &v);
  double lb = draw_legend(t, &v, &f);
  draw_violation(t, &v, &f, lb);
  draw_flows(t, &v);

  return gv_render(&v, out, format, err, errlen);
}

int render_timeline(const char *dbpath, const char *out, const render_opts *o,
                    char *err, size_t errlen) {
  render_opts defaults = {0};
  if (!o)
    o = &defaults;
  assert(dbpath && out);
  assert(o->slice >= 0);
  const char *format = gv_format_of(out);
  if (!format) {
    snprintf(err, errlen, "%s: unknown output format (use .svg, .png or .dot)",
             out);
    return -1;
  }
  timeline t;
  int rc = timeline_load(&t, dbpath, o, err, errlen);
  if (rc == 0)
    rc = draw(&t, out, format, err, errlen);
  timeline_free(&t);
  return rc;
}
