/*
** render_wait.h - a deadlock's pending steps and wait-for cycle on the
** timeline (internal to reports/; drawn by reports/render.c).
*/
#ifndef MMSIM_RENDER_WAIT_H
#define MMSIM_RENDER_WAIT_H

#include "reports/gv.h"
#include "reports/timeline.h"

typedef struct tl_wait { /* one deadlocked thread */
  int lane;              /* index in th[] */
  char op[160];          /* the step it waits to take */
  char obj[96];          /* what it waits for */
  char holder[64];       /* who holds it ("" none named) */
  int holder_lane;       /* index in th[], -1 if not a lane */
} tl_wait;

/* The waits of a deadlock violation, parsed from its message; 0 for any
   other execution. */
int deadlock_waits(const timeline *t, tl_wait *w, int max);
/* The room the pending boxes of width 'width' need below the rows. */
double deadlock_height(const timeline *t, double width);
/* Draws them from 'top' down: lanes start at x0 and are lane_w wide, the
   boxes span [ev_x0, ev_x1] of a lane; wait-for arrows between them. */
void deadlock_draw(const timeline *t, gv *v, double top, double x0,
                   double lane_w, double ev_x0, double ev_x1);

#endif /* MMSIM_RENDER_WAIT_H */
