/*
** gv.h - the timeline's Graphviz graph (reports/gv.c): attribute symbols,
** fixed-position nodes, layout and rendering to a file.
*/
#ifndef MMSIM_GV_H
#define MMSIM_GV_H

#include <stddef.h>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

/* A graph being drawn and the symbols of the attributes set per object. */
typedef struct gv {
  Agraph_t *g;
  /* node attributes */
  Agsym_t *pos, *width, *height, *label, *shape, *style, *fill, *color, *pen,
      *fsize, *fcolor, *id, *cls, *tip;
  /* edge attributes */
  Agsym_t *ecolor, *estyle, *epen, *ehead, *etip, *eid, *ecls, *earrow;
} gv;

/* A directed graph with the attribute defaults of the timeline. */
gv gv_new(void);

/* Sets attribute 'sym' of a node or an edge. */
void gv_set(void *obj, Agsym_t *sym, const char *v);
/* The same with an HTML-like label value (text between < and >). */
void gv_set_html(gv *v, void *obj, Agsym_t *sym, const char *html);
/* A node of fixed size w x h (points) centred at (x, y), y downwards. */
Agnode_t *gv_node_at(gv *v, const char *name, double x, double y, double w,
                     double h);
/* An edge 'name' from invisible point 'a' at (ax, ay) to invisible point
   'z' at (zx, zy), both 'size' points wide, created in that order: a line
   drawn where it is placed (an axis, a sample arrow, a hatch stroke). */
Agedge_t *gv_point_edge(gv *v, const char *a, double ax, double ay,
                        const char *z, double zx, double zy, double size,
                        const char *name);

/* Lays out 'v' keeping every position, writes it to 'out' in Graphviz
   'format' and closes it.  Returns 0, or -1 with a message in 'err'. */
int gv_render(gv *v, const char *out, const char *format, char *err,
              size_t errlen);
/* The Graphviz output format for a file name: "svg", "png", "dot", or
   NULL if unsupported. */
const char *gv_format_of(const char *out);

#endif /* MMSIM_GV_H */
