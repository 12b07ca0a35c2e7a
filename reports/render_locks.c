/*
** render_locks.c - the locks on the timeline: a coloured bar beside the
** lane for each lock hold, named at its top (overlapping holds of one
** lane set side by side, each in the lowest slot free; each name right of
** the bars beside it, below the names it would overlap, broken only
** after '.', '_' or '>'), and a hatched box
** over the rows a thread spent blocked on a lock, saying what it waits
** for and who holds it.  The holds and intervals come from the timeline
** model (reports/timeline_locks.c); render.c lays out the rows first.
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

/* Lock bars side by side: each hold takes the lowest slot free in its
   lane.  Holds come by acquire, so a slot is free once its last hold has
   ended. */
void render_place_spans(timeline *t) {
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

/* Hold names: 7 pt text, so many points a character (generous) and a
   line; a name breaks only after one of NAME_BREAKS, never inside a
   word. */
#define NAME_CW 4.2
#define NAME_LH 9.0
#define NAME_BREAKS "._>"

/* Appends 'name' as HTML lines of at most 'cols' characters, each line
   ending after a break character (a piece longer than 'cols' gets a line
   of its own, uncut); returns the lines, with the longest in *longest. */
static int wrap_name(strbuf *b, const char *name, size_t cols,
                     size_t *longest) {
  int lines = 1;
  size_t line = 0; /* characters on the current line */
  *longest = 0;
  while (*name) {
    size_t k = strcspn(name, NAME_BREAKS); /* the piece: up to its break */
    if (name[k])
      k++;
    if (line && line + k > cols) {
      sb_puts(b, "<BR ALIGN=\"LEFT\"/>");
      lines++;
      line = 0;
    }
    char *piece = sb_xrealloc(NULL, k + 1);
    memcpy(piece, name, k);
    piece[k] = 0;
    sb_html(b, piece, 0);
    free(piece);
    line += k;
    if (line > *longest)
      *longest = line;
    name += k;
  }
  return lines;
}

/* A hold name's box, in the picture's coordinates (y down). */
typedef struct name_box {
  int lane;
  double x0, y0, x1, y1;
} name_box;

/* The rightmost slot of the bars of 'lane' that cross [y0, y1]. */
static int top_slot(const timeline *t, int lane, double y0, double y1) {
  int ms = 0;
  for (int u = 0; u < t->nspans; u++) {
    const tl_span *sp = &t->spans[u];
    if (timeline_lane(t, sp->tid) != lane)
      continue;
    double b0 = t->ev[sp->r0].y - t->ev[sp->r0].h / 2,
           b1 = t->ev[sp->r1].y + t->ev[sp->r1].h / 2;
    if (b0 < y1 && y0 < b1 && sp->slot > ms)
      ms = sp->slot;
  }
  return ms;
}

/*
** Places hold s's name at the top of its bar, right of every bar that
** crosses the name's rows, and below the names placed before it in its
** lane that it would overlap (holds that start on one row, such as those
** taken before a slice's first row, stack their names).  Moving the name
** down can bring more bars beside it, and more bars a narrower, taller
** name: repeated until nothing moves (the slot and the top only grow).
** Fills *box and the HTML lines in 'in'; returns the lines.
*/
static int place_name(const timeline *t, int s, const name_box *placed,
                      int nplaced, name_box *box, strbuf *in) {
  const tl_span *sp = &t->spans[s];
  int lane = timeline_lane(t, sp->tid), ms = sp->slot, nl = 1;
  double lane_x = render_lane_x(t, sp->tid);
  double top = t->ev[sp->r0].y - t->ev[sp->r0].h / 2;
  for (int iter = 0; iter < 4 * (MAX_SLOTS + nplaced) + 4; iter++) {
    double lx = lane_x + BAR_X + ms * BAR_STEP + BAR_W + 2,
           lw = lane_x + LANE_W - 6 - lx;
    size_t longest, cols = (size_t)(lw / NAME_CW);
    in->n = 0;
    if (in->p)
      in->p[0] = 0;
    nl = wrap_name(in, sp->name, cols ? cols : 1, &longest);
    if (longest * NAME_CW > lw) /* a piece wider than the room: uncut */
      lw = longest * NAME_CW;
    *box = (name_box){lane, lx, top, lx + lw, top + NAME_LH * nl};
    int moved = 0, slot = top_slot(t, lane, box->y0, box->y1);
    if (slot > ms) {
      ms = slot;
      moved = 1;
    }
    for (int j = 0; j < nplaced; j++) {
      const name_box *o = &placed[j];
      if (o->lane == lane && o->x0 < box->x1 && box->x0 < o->x1 &&
          o->y0 < box->y1 && box->y0 < o->y1 && o->y1 + 1 > top) {
        top = o->y1 + 1;
        moved = 1;
      }
    }
    if (!moved)
      break;
  }
  return nl;
}

void render_draw_spans(timeline *t, gv *v) {
  char name[32];
  name_box *placed =
      sb_xrealloc(NULL, (size_t)(t->nspans ? t->nspans : 1) * sizeof *placed);
  for (int s = 0; s < t->nspans; s++) {
    const tl_span *sp = &t->spans[s];
    const char *col = render_lock_palette[sp->lock % NPALETTE];
    double bx = render_lane_x(t, sp->tid) + BAR_X + sp->slot * BAR_STEP;
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

    strbuf in = {0}, tip = {0};
    name_box *box = &placed[s];
    place_name(t, s, placed, s, box, &in);
    double lw = box->x1 - box->x0;
    snprintf(name, sizeof name, "holdname%d", s);
    n = gv_node_at(v, name, box->x0 + lw / 2, (box->y0 + box->y1) / 2, lw,
                   box->y1 - box->y0);
    gv_set(n, v->shape, "plaintext");
    gv_set(n, v->style, "");
    gv_set(n, v->fsize, "7");
    gv_set(n, v->fcolor, col);
    gv_set(n, v->cls, "lock-name");
    gv_set(n, v->tip, b.p);
    render_html_left(&tip, lw, in.p);
    gv_set_html(v, n, v->label, tip.p);
    free(tip.p);
    free(in.p);
    free(b.p);
  }
  free(placed);
}

/* Blocked intervals: a hatched box on the waiting thread's lane over the
   rows it waited through, saying what it waits for and who holds it.  The
   hatching is a column of short diagonal edges (Graphviz has no pattern
   fill), at most MAX_HATCH of them per box. */
#define HATCH_STEP 7.0
#define MAX_HATCH 400
void render_draw_blocks(timeline *t, gv *v) {
  char name[48];
  for (int k = 0; k < t->nblocks; k++) {
    const tl_block *bl = &t->blocks[k];
    double x0 = render_lane_x(t, bl->tid) + EV_X0,
           x1 = render_lane_x(t, bl->tid) + EV_X1;
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
    int lines = render_wrap(&in, l.p, (size_t)(tw / CHAR_W) - 16);
    sb_printf(&in, "</FONT>");
    b.n = 0;
    render_html_left(&b, tw, in.p);
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
      Agedge_t *e = gv_point_edge(v, a, x0 + 2, y - 1, z, x0 + 10,
                                  y - HATCH_STEP + 1, 0.1, a);
      gv_set(e, v->ecolor, BLOCK_COLOR);
      gv_set(e, v->ehead, "none");
      gv_set(e, v->ecls, "hatch");
    }
    free(l.p);
    free(in.p);
    free(b.p);
  }
}
