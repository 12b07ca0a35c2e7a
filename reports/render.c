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
** only routes the edges as straight lines.  dot needs seconds for a
** thousand events and reorders lanes; fixed positions keep the lanes in
** thread-id order and render ten thousand events in well under a second
** (see /work/shared/design.md).
**
** Rows are in seq order, so every step gets its own readable row; the
** simulated start time is printed in the node and on the ruler.  Nested
** calls are indented and shaded by depth.  A lock hold is a coloured bar
** beside the lane, named at its top and in the legend; overlapping holds
** of one lane are set side by side.
**
** Files: this one draws the title, the lanes, the ruler, the events and
** the flows, lays the rows out and writes the output; render_locks.c
** draws the lock bars and blocked intervals, render_side.c the violation
** box and the legend, render_wait.c a deadlock's pending steps
** (render_int.h: what they share).
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
#include "reports/render_int.h"
#include "reports/render_wait.h"
#include "reports/schema.h"
#include "reports/strbuf.h"
#include "reports/timeline.h"

/* Flow arrows, one style per enum sim_flow_kind (named by
   schema_flow_kind); lock bars cycle through the palette. */
const struct render_flow_style render_flow_styles[] = {
    [SIM_FLOW_LOCK] = {"#1f4e9c", "solid", "1.6",
                       "lock handoff (release → acquire)"},
    [SIM_FLOW_READS_FROM] = {"#2e7d32", "dashed", "1.3",
                             "reads-from (write → read)"},
    [SIM_FLOW_WAKEUP] = {"#b35900", "dotted", "2.2", "wakeup (write → waiter)"},
    [SIM_FLOW_FROM_READ] = {"#c2185b", "dashed", "2.0",
                            "from-read (read → overwriting write)"},
};
_Static_assert(sizeof render_flow_styles / sizeof render_flow_styles[0] ==
                   SIM_FLOW__COUNT,
               "one style per flow kind");

/* Lock bars: one colour per lock of the picture (locks are numbered in
   order of their first shown hold), none repeated up to NPALETTE locks:
   Dark2 then Set1 of ColorBrewer, with the yellows darkened for text. */
const char *const render_lock_palette[NPALETTE] = {
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#b8860b",
    "#a6761d", "#666666", "#e41a1c", "#377eb8", "#984ea3", "#00a0a0",
    "#8b0000", "#4d4d00", "#ff7f00", "#1a1a80",
};

const char *const render_depth_fill[NDEPTH_FILL] = {"#ffffff", "#eef3fb",
                                                    "#dde7f7", "#cbdaf2"};

/* Text left-aligned in a box of width w: an HTML table fills the node. */
void render_html_left(strbuf *b, double w, const char *inner) {
  sb_printf(b,
            "<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
            "CELLPADDING=\"0\" WIDTH=\"%d\"><TR><TD ALIGN=\"LEFT\" "
            "BALIGN=\"LEFT\">%s</TD></TR></TABLE>",
            (int)w, inner);
}

/* Appends 's' as HTML wrapped into lines of 'width' characters, never cut;
   returns the number of lines. */
int render_wrap(strbuf *b, const char *s, size_t width) {
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
    lines = render_wrap(b, bold, (size_t)(budget / BOLD_W));
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
    lines += render_wrap(b, tail, full);
  }
  return lines;
}

/* "before→after", "→after" or "before→"; "" when neither. */
static void values(strbuf *b, const tl_event *e) {
  if (!e->before && !e->after)
    return;
  sb_printf(b, "%s→%s", render_nz(e->before), render_nz(e->after));
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
  int big = render_wrap(&in, t->title ? t->title : "(untitled)", cols / 2);
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
    lines += 2 + render_wrap(&in, render_nz(t->vmsg), cols);
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
  lines += render_wrap(&in, l.p, cols);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  l.n = 0;
  sb_printf(&l,
            "run %" PRId64 ", execution %" PRId64 " (#%" PRId64
            " of the run) · %" PRId64 " steps · %" PRId64
            " ns simulated · trace %s · showing %s",
            t->run_id, t->exec_id, t->ordinal, t->steps, t->end_ns,
            t->trace_hash ? t->trace_hash : "-", t->slice_note);
  lines += render_wrap(&in, l.p, cols);
  sb_printf(&in, "<BR ALIGN=\"LEFT\"/>");
  if (t->has_viol && t->note) {
    sb_printf(&in, "note: ");
    lines += render_wrap(&in, t->note, cols);
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
  render_html_left(&b, f->total_w - 20, in.p);
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
  int lines = render_wrap(b, l.p, cols);
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
  Agedge_t *e = gv_point_edge(v, "axis0", RULER_W - 6, f->rows_top, "axis1",
                              RULER_W - 6, f->bottom, 1, "axis");
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
  sb_printf(&rest, "%s", render_nz(e->op));
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
    double x1 = render_lane_x(t, e->tid) + EV_X1, w = event_w(e), x0 = x1 - w;
    snprintf(name, sizeof name, "e%" PRId64, e->seq);
    Agnode_t *n = gv_node_at(v, name, (x0 + x1) / 2, e->y, w, e->h);
    snprintf(name, sizeof name, "ev%" PRId64, e->seq);
    gv_set(n, v->id, name);
    gv_set(n, v->cls, viol ? "event violation" : held ? "event held" : "event");
    int d = e->depth < 3 ? e->depth : 3;
    gv_set(n, v->fill,
           viol   ? "#ffe0e0"
           : held ? HELD_FILL
                  : render_depth_fill[d]);
    gv_set(n, v->color, viol ? VIOL_COLOR : held ? HELD_COLOR : "#5a6b85");
    gv_set(n, v->pen, viol || held ? "3" : "1");

    strbuf in = {0}, vals = {0}, b = {0};
    values(&vals, e);
    event_label(t, i, w, &in);
    render_html_left(&b, w - 6, in.p);
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
    const struct render_flow_style *fs = &render_flow_styles[fl->kind];
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
  render_place_spans(t);
  draw_lanes(t, &v, &f);
  draw_ruler(t, &v, &f);
  render_draw_spans(t, &v);
  render_draw_blocks(t, &v);
  draw_events(t, &v);
  deadlock_draw(t, &v, rows_end, RULER_W, LANE_W, EV_X0, EV_X1);
  render_draw_legend(t, &v, &f, render_draw_violation(t, &v, &f));
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
