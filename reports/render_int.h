/*
** render_int.h - what the timeline's drawing files share (internal to
** reports/): render.c (title, lanes, ruler, events, flows, layout,
** output), render_locks.c (lock-hold bars, blocked intervals) and
** render_side.c (the violation box and the legend): the geometry, the
** colours and styles, the frame, and the HTML text helpers.
*/
#ifndef MMSIM_RENDER_INT_H
#define MMSIM_RENDER_INT_H

#include <stddef.h>

#include "reports/gv.h"
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

#define VIOL_COLOR "#d00000"
#define HELD_COLOR "#c06000" /* lock-order: where the held lock was taken */
#define HELD_FILL "#fff0d8"
#define BLOCK_COLOR "#b23b3b" /* blocked intervals */

#define WRAP_BREAKS " ;,(>" /* where a wrapped line may end */
#define WRAP_ALL 1000       /* lines: never cut */

/* Flow arrows, one style per enum sim_flow_kind (render.c). */
struct render_flow_style {
  const char *color, *style, *penwidth, *what;
};
extern const struct render_flow_style render_flow_styles[SIM_FLOW__COUNT];
#define NFLOW_STYLES (SIM_FLOW__COUNT)
/* Lock bars, one colour per lock of the picture (render.c). */
#define NPALETTE 16
extern const char *const render_lock_palette[NPALETTE];
/* Event boxes by call depth (render.c). */
#define NDEPTH_FILL 4
extern const char *const render_depth_fill[NDEPTH_FILL];

typedef struct frame { /* where things go */
  double total_w, title_h, head_y, head_h, rows_top, bottom, side_x;
} frame;

static inline const char *render_nz(const char *s) {
  return s ? s : "";
}

static inline double render_lane_x(const timeline *t, int tid) {
  return RULER_W + timeline_lane(t, tid) * LANE_W;
}

/* render.c: text left-aligned in a box of width w (an HTML table). */
void render_html_left(strbuf *b, double w, const char *inner);
/* render.c: appends 's' as HTML wrapped into lines of 'width'
   characters, never cut; returns the number of lines. */
int render_wrap(strbuf *b, const char *s, size_t width);

/* render_locks.c: the slot of each lock bar in its lane, then the bars,
   then the blocked intervals. */
void render_place_spans(timeline *t);
void render_draw_spans(timeline *t, gv *v);
void render_draw_blocks(timeline *t, gv *v);

/* render_side.c: the violation box at the top of the side column
   (returns its bottom, the lanes' top if none), and the legend below. */
double render_draw_violation(timeline *t, gv *v, const frame *f);
void render_draw_legend(timeline *t, gv *v, const frame *f, double top);

#endif /* MMSIM_RENDER_INT_H */
