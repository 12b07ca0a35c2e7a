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
#include "reports/render_wait.h"
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
#define MAX_SLOTS 4  /* lock bars side by side per lane */
#define ROW_H 34.0   /* one step */
#define EV_H 28.0    /* a box with one line of text */
#define LINE_H 11.0  /* each further line */
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

/* Lock bars: one colour per lock of the picture (locks are numbered in
   order of their first shown hold), none repeated up to NPALETTE locks:
   Dark2 then Set1 of ColorBrewer, with the yellows darkened for text. */
static const char *const lock_palette[] = {
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#b8860b",
    "#a6761d", "#666666", "#e41a1c", "#377eb8", "#984ea3", "#00a0a0",
    "#8b0000", "#4d4d00", "#ff7f00", "#1a1a80",
};
#define NPALETTE 16

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

#define WRAP_BREAKS " ;,(>" /* where a wrapped line may end */
#define WRAP_ALL 1000       /* lines: never cut */

/* Appends 's' as HTML wrapped into lines of 'width' characters, never cut;
   returns the number of lines. */
static int wrap(strbuf *b, const char *s, size_t width) {
  size_t n0 = b->n;
  sb_html_wrap(b, s, width ? width : 1, WRAP_BREAKS, WRAP_ALL);
  int lines = 1;
  for (const char *p = b->p ? b->p + n0 : ""; (p = strstr(p, "<BR")); p++)
    lines++;
  return lines;
}

/* Appends "<B>bold</B>rest" wrapped into 'budget' points, never cut: the
   rest starts after the bold part and continues on lines of its own.
   'cw' is the glyph width of the rest.  Returns the number of lines. */
static int wrap_line(strbuf *b, const char *bold, const char *rest,
                     double budget, double cw) {
  size_t nb = bold ? u8len(bold) : 0, full = (size_t)(budget / cw);
  int lines = 1;
  if (nb) {
    sb_printf(b, "<B>");
    lines = wrap(b, bold, (size_t)(budget / BOLD_W));
    sb_printf(b, "</B>");
  }
  double used = (double)(nb % (size_t)(budget / BOLD_W)) * BOLD_W;
  size_t first = used < budget ? (size_t)((budget - used) / cw) : 0;
  size_t take = strlen(rest); /* bytes */
  if (u8len(rest) > first) {  /* the first piece ends at an ASCII break
                                 within 'first' bytes, or is empty */
    size_t k = first < take ? first : take;
    for (take = 0; k > 0 && !take; k--)
      if (strchr(WRAP_BREAKS, rest[k - 1]))
        take = k;
  }
  strbuf head = {0};
  sb_add(&head, rest, take);
  sb_html(b, head.p ? head.p : "", 0);
  free(head.p);
  const char *tail = rest + take;
  while (*tail == ' ')
    tail++;
  if (*tail) {
    sb_printf(b, "<BR ALIGN=\"LEFT\"/>");
    lines += wrap(b, tail, full);
  }
  return lines;
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
  double total_w, title_h, head_y, head_h, rows_top, bottom, side_x;
} frame;

static double lane_x(const timeline *t, int tid) {
  return RULER_W + timeline_lane(t, tid) * LANE_W;
}

/* The knobs for the header: only those that differ from the variant's
   preset (all of them for a log that does not say which). */
static void knobs_text(const timeline *t, strbuf *l) {
  if (t->knobs_set)
    sb_printf(l, *t->knobs_set ? " · knobs set: %s" : " · preset knobs",
              t->knobs_set);
  else if (t->knobs && *t->knobs)
    sb_printf(l, " · knobs %s", t->knobs);
}

static void draw_title(timeline *t, gv *v, frame *f) {
  size_t cols = (size_t)((f->total_w - 20) / 6.0);
  strbuf b = {0}, in = {0};
  int lines = 0;
  sb_printf(&in, "<FONT POINT-SIZE=\"16\"><B>");
  int big = wrap(&in, t->title ? t->title : "(untitled)", cols / 2);
  sb_printf(&in, "</B></FONT><BR ALIGN=\"LEFT\"/>");
  if (t->has_viol) { /* the verdict first, where the eye lands */
    sb_printf(&in, "<FONT COLOR=\"%s\" POINT-SIZE=\"12\"><B>violation ",
              VIOL_COLOR);
    sb_html(&in, t->vkind, 0);
    sb_printf(&in, " at step #%" PRId64, t->vseq);
    if (t->viol_ev >= 0) {
      const tl_event *e = &t->ev[t->viol_ev];
      sb_printf(&in, " on ");
      sb_html(&in, t->th[timeline_lane(t, e->tid)].name, 0);
      sb_printf(&in, " (%" PRId64 " ns): the red box below", e->ts);
    } else {
      sb_printf(&in, " (not in the log)");
    }
    sb_printf(&in, "</B></FONT><BR ALIGN=\"LEFT\"/><FONT COLOR=\"%s\">",
              VIOL_COLOR);
    lines += 2 + wrap(&in, nz(t->vmsg), cols);
    sb_printf(&in, "</FONT><BR ALIGN=\"LEFT\"/>");
  } else {
    sb_printf(&in, "outcome: <B>");
    sb_html(&in, t->outcome ? t->outcome : "?", 0);
    sb_printf(&in, "</B>");
    if (t->note) {
      sb_printf(&in, " · ");
      sb_html(&in, t->note, 0);
    }
    sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
    lines += 1 + (t->note ? (int)(u8len(t->note) / cols) : 0);
  }
  strbuf l = {0};
  sb_printf(&l, "%s · variant %s",
            t->scenario ? t->scenario : "(no scenario file)",
            t->variant ? t->variant : "-");
  knobs_text(t, &l);
  sb_printf(&l, " · policy %s · seed %" PRId64, t->policy ? t->policy : "-",
            t->seed);
  lines += wrap(&in, l.p, cols);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  l.n = 0;
  sb_printf(&l,
            "run %" PRId64 ", execution %" PRId64 " (#%" PRId64
            " of the run) · %" PRId64 " steps · %" PRId64
            " ns simulated · trace %s · showing %s",
            t->run_id, t->exec_id, t->ordinal, t->steps, t->end_ns,
            t->trace_hash ? t->trace_hash : "-", t->slice_note);
  lines += wrap(&in, l.p, cols);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  if (t->has_viol && t->note) {
    sb_printf(&in, "note: ");
    lines += wrap(&in, t->note, cols);
    sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  }
  /* The schedule in a monospace font (6 pt a glyph at 10 pt, with some
     room), after the 10 characters of "schedule: ". */
  sb_printf(&in, "<FONT FACE=\"Courier\">schedule: ");
  const char *sched = t->schedule && *t->schedule ? t->schedule : "(none)";
  size_t mono = (size_t)((f->total_w - 20) / 6.3) - 12;
  size_t n = u8len(sched);
  lines += (int)((n + mono - 1) / mono);
  sb_html_wrap(&in, sched, mono, ".", WRAP_ALL);
  sb_printf(&in, "</FONT>");
  html_left(&b, f->total_w - 20, in.p);
  f->title_h = 6 + 20.0 * big + 13.0 * lines + 8;
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

/* A lane's header: "cpu0: p1 load 0x10000" (the thread and what it does),
   wrapped; returns the number of lines. */
static int lane_title(const tl_thread *th, strbuf *b) {
  size_t cols = (size_t)((LANE_W - 30) / 6.0);
  strbuf l = {0};
  sb_printf(&l, "%s", th->name);
  if (th->desc)
    sb_printf(&l, ": %s", th->desc);
  sb_printf(b, "<B>");
  int lines = wrap(b, l.p, cols);
  sb_printf(b, "</B>");
  free(l.p);
  return lines;
}

static void draw_lanes(timeline *t, gv *v, const frame *f) {
  double top = f->head_y - f->head_h / 2;
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
    n = gv_node_at(v, name, x + LANE_W / 2, f->head_y, LANE_W - 20,
                   f->head_h - 8);
    gv_set(n, v->fill, "#e4e4e4");
    gv_set(n, v->color, "#9a9a9a");
    gv_set(n, v->fsize, "11");
    gv_set(n, v->cls, "lane-head");
    gv_set(n, v->tip, b.p);
    b.n = 0;
    lane_title(th, &b);
    sb_printf(&b, "<BR/><FONT POINT-SIZE=\"8\">thread %d", th->tid);
    if (th->cpu >= 0)
      sb_printf(&b, " · cpu %d", th->cpu);
    sb_printf(&b, "</FONT>");
    gv_set_html(v, n, v->label, b.p);
    free(b.p);
  }
}

static void draw_ruler(timeline *t, gv *v, const frame *f) {
  Agnode_t *n = gv_node_at(v, "ruler", RULER_W / 2, f->head_y, RULER_W - 8,
                           f->head_h - 8);
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
      double y = ev->y - (ev->h + ROW_H - EV_H) / 2 - GAP_H / 2;
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
    double y0 = t->ev[sp->r0].y - t->ev[sp->r0].h / 2,
           y1 = t->ev[sp->r1].y + t->ev[sp->r1].h / 2;
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
    strbuf in = {0}, tip = {0};
    int nl = 1;
    size_t cols = (size_t)(lw / 4.2);
    sb_html_wrap(&in, sp->name, cols ? cols : 1, "._>", WRAP_ALL);
    for (const char *p = in.p; (p = strstr(p, "<BR")); p++)
      nl++;
    snprintf(name, sizeof name, "holdname%d", s);
    n = gv_node_at(v, name, lx + lw / 2, y0 + 4.5 * nl, lw, 9.0 * nl);
    gv_set(n, v->shape, "plaintext");
    gv_set(n, v->style, "");
    gv_set(n, v->fsize, "7");
    gv_set(n, v->fcolor, col);
    gv_set(n, v->cls, "lock-name");
    gv_set(n, v->tip, b.p);
    html_left(&tip, lw, in.p);
    gv_set_html(v, n, v->label, tip.p);
    free(tip.p);
    free(in.p);
    free(b.p);
  }
}

/* Blocked intervals: a hatched box on the waiting thread's lane over the
   rows it waited through, saying what it waits for and who holds it.  The
   hatching is a column of short diagonal edges (Graphviz has no pattern
   fill), at most MAX_HATCH of them per box. */
#define BLOCK_COLOR "#b23b3b"
#define HATCH_STEP 7.0
#define MAX_HATCH 400
static void draw_blocks(timeline *t, gv *v) {
  char name[48];
  for (int k = 0; k < t->nblocks; k++) {
    const tl_block *bl = &t->blocks[k];
    double x0 = lane_x(t, bl->tid) + EV_X0, x1 = lane_x(t, bl->tid) + EV_X1;
    double y0 = t->ev[bl->r0].y - t->ev[bl->r0].h / 2,
           y1 = t->ev[bl->r1].y + t->ev[bl->r1].h / 2;
    strbuf b = {0}, in = {0};
    sb_printf(&b, "blocked: waits for ");
    sb_plain(&b, bl->lock);
    sb_printf(&b, ", held by ");
    sb_plain(&b, t->th[timeline_lane(t, bl->holder)].name);
    sb_printf(
        &b, " since #%" PRId64 "; released at #%" PRId64 ", taken at #%" PRId64,
        bl->held_from, bl->until, bl->acq);
    snprintf(name, sizeof name, "block%d", k);
    Agnode_t *n =
        gv_node_at(v, name, (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0);
    gv_set(n, v->fill, "#fdf1f1");
    gv_set(n, v->color, BLOCK_COLOR);
    gv_set(n, v->style, "dashed,filled");
    gv_set(n, v->cls, "blocked");
    gv_set(n, v->tip, b.p);
    gv_set(n, v->label, "");
    /* the text, beside the hatching */
    double tx = x0 + 16, tw = x1 - 4 - tx;
    sb_printf(&in, "<FONT COLOR=\"%s\"><B>blocked</B>: waits for ",
              BLOCK_COLOR);
    strbuf l = {0};
    sb_printf(&l, "%s, held by %s since #%" PRId64, bl->lock,
              t->th[timeline_lane(t, bl->holder)].name, bl->held_from);
    int lines = wrap(&in, l.p, (size_t)(tw / CHAR_W) - 16);
    sb_printf(&in, "</FONT>");
    b.n = 0;
    html_left(&b, tw, in.p);
    double th = 11.0 * lines + 4;
    if (th > y1 - y0)
      th = y1 - y0;
    snprintf(name, sizeof name, "blocktext%d", k);
    n = gv_node_at(v, name, tx + tw / 2, y0 + th / 2 + 1, tw, th);
    gv_set(n, v->shape, "plaintext");
    gv_set(n, v->style, "");
    gv_set(n, v->fsize, "8");
    gv_set(n, v->cls, "blocked-text");
    gv_set_html(v, n, v->label, b.p);
    /* the hatching: "/" strokes down the box's left edge */
    int m = 0;
    for (double y = y0 + HATCH_STEP; y <= y1 && m < MAX_HATCH;
         y += HATCH_STEP, m++) {
      char a[48], z[48];
      snprintf(a, sizeof a, "hatch%d_%da", k, m);
      snprintf(z, sizeof z, "hatch%d_%dz", k, m);
      Agnode_t *na = gv_node_at(v, a, x0 + 2, y - 1, 0.1, 0.1);
      Agnode_t *nz2 = gv_node_at(v, z, x0 + 10, y - HATCH_STEP + 1, 0.1, 0.1);
      gv_set(na, v->shape, "point");
      gv_set(nz2, v->shape, "point");
      gv_set(na, v->style, "invis");
      gv_set(nz2, v->style, "invis");
      Agedge_t *e = agedge(v->g, na, nz2, a, 1);
      gv_set(e, v->ecolor, BLOCK_COLOR);
      gv_set(e, v->ehead, "none");
      gv_set(e, v->ecls, "hatch");
    }
    free(l.p);
    free(in.p);
    free(b.p);
  }
}

/* The label of shown event 'i' (into 'in', HTML) in a box of width 'w':
   "fn: op obj before→after" wrapped, then "#seq · ts ns · +dur".  Returns
   the box's height. */
static double event_label(const timeline *t, int64_t i, double w, strbuf *in) {
  const tl_event *e = &t->ev[i];
  int viol = i == t->viol_ev;
  strbuf vals = {0}, rest = {0};
  values(&vals, e);
  if (e->fn)
    sb_printf(&rest, ": ");
  sb_printf(&rest, "%s", nz(e->op));
  if (e->obj)
    sb_printf(&rest, " %s", e->obj);
  if (vals.n)
    sb_printf(&rest, " %s", vals.p);
  if (viol)
    sb_printf(in, "<FONT COLOR=\"%s\"><B>", VIOL_COLOR);
  int lines = wrap_line(in, e->fn, rest.p ? rest.p : "", w - 10,
                        viol ? BOLD_W : CHAR_W);
  if (viol)
    sb_printf(in, "</B></FONT>");
  sb_printf(in,
            "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"7\" COLOR=\"#555555\">"
            "#%" PRId64 " · %" PRId64 " ns · +%" PRId64 "</FONT>",
            e->seq, e->ts, e->dur);
  if (e->depth)
    sb_printf(in,
              "<FONT POINT-SIZE=\"7\" COLOR=\"#555555\"> · depth "
              "%d</FONT>",
              e->depth);
  free(vals.p);
  free(rest.p);
  return EV_H + LINE_H * (lines - 1);
}

static double event_w(const tl_event *e) {
  int ind = e->depth < MAX_INDENT ? e->depth : MAX_INDENT;
  return EV_X1 - EV_X0 - ind * INDENT;
}

static void draw_events(timeline *t, gv *v) {
  char name[32];
  for (int64_t i = 0; i < t->nev; i++) {
    const tl_event *e = &t->ev[i];
    int viol = i == t->viol_ev, held = i == t->held_ev;
    double x1 = lane_x(t, e->tid) + EV_X1, w = event_w(e), x0 = x1 - w;
    snprintf(name, sizeof name, "e%" PRId64, e->seq);
    Agnode_t *n = gv_node_at(v, name, (x0 + x1) / 2, e->y, w, e->h);
    snprintf(name, sizeof name, "ev%" PRId64, e->seq);
    gv_set(n, v->id, name);
    gv_set(n, v->cls, viol ? "event violation" : held ? "event held" : "event");
    int d = e->depth < 3 ? e->depth : 3;
    gv_set(n, v->fill, viol ? "#ffe0e0" : held ? HELD_FILL : depth_fill[d]);
    gv_set(n, v->color, viol ? VIOL_COLOR : held ? HELD_COLOR : "#5a6b85");
    gv_set(n, v->pen, viol || held ? "3" : "1");

    strbuf in = {0}, vals = {0}, b = {0};
    values(&vals, e);
    event_label(t, i, w, &in);
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

/* The legend, from 'top' down the side column. */
static void draw_legend(timeline *t, gv *v, const frame *f, double top) {
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
  tl_wait w[SIM_MAX_THREADS];
  if (deadlock_waits(t, w, SIM_MAX_THREADS)) {
    n = gv_node_at(v, "legendpending", x + 29, y, 46, 12);
    gv_set(n, v->fill, "#fff7e0");
    gv_set(n, v->color, VIOL_COLOR);
    gv_set(n, v->style, "dashed,filled");
    legend_text(v, k++, x + 62, y, "pending step of a deadlocked thread");
    y += 16;
    Agnode_t *a = gv_node_at(v, "legendwaitA", x + 6, y, 1, 1);
    Agnode_t *z = gv_node_at(v, "legendwaitZ", x + 52, y, 1, 1);
    gv_set(a, v->shape, "point");
    gv_set(z, v->shape, "point");
    gv_set(a, v->style, "invis");
    gv_set(z, v->style, "invis");
    Agedge_t *e = agedge(v->g, a, z, "legendwait", 1);
    gv_set(e, v->ecolor, VIOL_COLOR);
    gv_set(e, v->epen, "3");
    legend_text(v, k++, x + 62, y, "waits for (the deadlock's cycle)");
    y += 16;
  }
  if (t->nblocks) {
    n = gv_node_at(v, "legendblocked", x + 29, y, 46, 12);
    gv_set(n, v->fill, "#fdf1f1");
    gv_set(n, v->color, BLOCK_COLOR);
    gv_set(n, v->style, "dashed,filled");
    legend_text(v, k++, x + 62, y, "blocked: waiting for a lock");
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
static double draw_violation(timeline *t, gv *v, const frame *f) {
  double top = f->head_y - f->head_h / 2;
  if (!t->has_viol)
    return top;
  double w = SIDE_W - 20;
  size_t cols = (size_t)(w / 5.6);
  strbuf in = {0}, b = {0};
  sb_printf(&in,
            "<FONT COLOR=\"%s\" POINT-SIZE=\"12\"><B>violation: ", VIOL_COLOR);
  int lines = wrap(&in, t->vkind, cols * 5 / 6);
  sb_printf(&in, "</B></FONT><BR ALIGN=\"LEFT\"/>");
  lines += wrap(&in, nz(t->vmsg), cols) + 1;
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
    lines += wrap(&in, o.p, (size_t)(cols * 1.3));
    free(o.p);
  }
  sb_printf(&in, "</FONT>");
  html_left(&b, w - 16, in.p);
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

/* Row positions and heights (a long label wraps onto more lines);
   returns the bottom of the last row. */
static double place_rows(timeline *t, double top) {
  double y = top;
  int64_t prev = -1;
  for (int64_t i = 0; i < t->nev; i++) {
    strbuf in = {0};
    tl_event *e = &t->ev[i];
    e->h = event_label(t, i, event_w(e), &in);
    free(in.p);
    if (e->seq > prev + 1)
      y += GAP_H;
    e->y = y + (e->h + ROW_H - EV_H) / 2;
    y += e->h + ROW_H - EV_H;
    prev = e->seq;
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

/* Makes an SVG scale to its window's width: Graphviz writes a fixed
   width="Wpt" height="Hpt" beside the viewBox; width="100%" (at most W
   points) lets a browser shrink a wide 3-4 CPU timeline to the screen,
   the viewBox keeping the proportions. */
static int fit_width(const char *path, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  strbuf b = {0};
  char chunk[65536];
  size_t n;
  while (f && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
    sb_add(&b, chunk, n);
  if (f)
    fclose(f);
  char *w = b.p ? strstr(b.p, "<svg width=\"") : NULL;
  char *vb = w ? strstr(w, "viewBox=") : NULL;
  int rc = 0;
  if (vb) {
    double pt = atof(w + 12);
    f = fopen(path, "wb");
    if (!f) {
      snprintf(err, errlen, "%s: cannot rewrite", path);
      rc = -1;
    } else {
      fwrite(b.p, 1, (size_t)(w - b.p), f);
      fprintf(f,
              "<svg width=\"100%%\" style=\"max-width:%.0fpt;height:auto\"\n ",
              pt);
      fwrite(vb, 1, b.n - (size_t)(vb - b.p), f);
      rc = fclose(f) ? -1 : 0;
      if (rc)
        snprintf(err, errlen, "%s: cannot rewrite", path);
    }
  }
  free(b.p);
  return rc;
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
  int head_lines = 1;
  for (int i = 0; i < t->nth; i++) {
    strbuf b = {0};
    int n = lane_title(&t->th[i], &b);
    head_lines = n > head_lines ? n : head_lines;
    free(b.p);
  }
  f.head_h = HEAD_H + 12.0 * (head_lines - 1);
  f.head_y = f.title_h + 8 + f.head_h / 2;
  f.rows_top = f.title_h + 8 + f.head_h + 6;
  double rows_end = place_rows(t, f.rows_top);
  f.bottom = rows_end + deadlock_height(t, EV_X1 - EV_X0) + 10;
  place_spans(t);
  draw_lanes(t, &v, &f);
  draw_ruler(t, &v, &f);
  draw_spans(t, &v);
  draw_blocks(t, &v);
  draw_events(t, &v);
  deadlock_draw(t, &v, rows_end, RULER_W, LANE_W, EV_X0, EV_X1);
  draw_legend(t, &v, &f, draw_violation(t, &v, &f));
  draw_flows(t, &v);

  int rc = gv_render(&v, out, format, err, errlen);
  if (rc == 0 && !strcmp(format, "svg"))
    rc = fit_width(out, err, errlen);
  return rc;
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
