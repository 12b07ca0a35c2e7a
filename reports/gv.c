/*
** gv.c - drives Graphviz (cgraph and gvc, in-process) for the timeline:
** a graph with the attributes the renderer sets, nodes of fixed size at
** fixed positions, and the "nop2" layout (neato -n2), which keeps every
** position and only routes the edges, rendered to a file.
**
** Graphviz reports errors through a callback and keeps a process-wide
** context; both are wrapped here so that the renderer (reports/render.c)
** sees a return code and a one-line message.
*/
#include "reports/gv.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The graph's attributes with their defaults, declared in this order; the
   ones set per node or edge are kept in the gv field at 'sym'. */
#define SYM(f) offsetof(gv, f)
#define NO_SYM 0 /* offset 0 is gv.g, never a symbol */
static const struct gv_attr {
  int kind; /* AGRAPH, AGNODE, AGEDGE */
  const char *name, *dflt;
  size_t sym;
} gv_attrs[] = {
    {AGRAPH, "outputorder", "nodesfirst", NO_SYM},
    {AGRAPH, "splines", "line", NO_SYM},
    {AGRAPH, "bgcolor", "white", NO_SYM},
    {AGRAPH, "pad", "0.2", NO_SYM},
    {AGRAPH, "fontname", "Helvetica", NO_SYM},
    {AGNODE, "pos", "", SYM(pos)},
    {AGNODE, "width", "0.5", SYM(width)},
    {AGNODE, "height", "0.3", SYM(height)},
    {AGNODE, "fixedsize", "true", NO_SYM},
    {AGNODE, "fontname", "Helvetica", NO_SYM},
    {AGNODE, "margin", "0.03,0.01", NO_SYM},
    {AGNODE, "label", "", SYM(label)},
    {AGNODE, "shape", "box", SYM(shape)},
    {AGNODE, "style", "filled", SYM(style)},
    {AGNODE, "fillcolor", "white", SYM(fill)},
    {AGNODE, "color", "black", SYM(color)},
    {AGNODE, "penwidth", "1", SYM(pen)},
    {AGNODE, "fontsize", "9", SYM(fsize)},
    {AGNODE, "fontcolor", "black", SYM(fcolor)},
    {AGNODE, "id", "", SYM(id)},
    {AGNODE, "class", "", SYM(cls)},
    {AGNODE, "tooltip", "", SYM(tip)},
    {AGEDGE, "color", "black", SYM(ecolor)},
    {AGEDGE, "style", "solid", SYM(estyle)},
    {AGEDGE, "penwidth", "1", SYM(epen)},
    {AGEDGE, "arrowhead", "normal", SYM(ehead)},
    {AGEDGE, "arrowsize", "0.7", SYM(earrow)},
    {AGEDGE, "tooltip", "", SYM(etip)},
    {AGEDGE, "id", "", SYM(eid)},
    {AGEDGE, "class", "", SYM(ecls)},
};

gv gv_new(void) {
  gv v;
  v.g = agopen("timeline", Agdirected, NULL);
  for (size_t i = 0; i < sizeof gv_attrs / sizeof *gv_attrs; i++) {
    const struct gv_attr *a = &gv_attrs[i];
    Agsym_t *sym = agattr(v.g, a->kind, (char *)a->name, (char *)a->dflt);
    if (a->sym != NO_SYM)
      memcpy((char *)&v + a->sym, &sym, sizeof sym);
  }
  return v;
}

/* Graphviz reports through a callback; keep the first error. */
static char gv_err[256];
static int gv_errf(char *msg) {
  if (!gv_err[0]) {
    snprintf(gv_err, sizeof gv_err, "%s", msg);
    size_t n = strlen(gv_err);
    while (n && (gv_err[n - 1] == '\n' || gv_err[n - 1] == ' '))
      gv_err[--n] = 0;
  }
  return 0;
}

/* One Graphviz context for the process, never freed: Graphviz 2.43's pango
   plugin caches a pointer to the last font name, which lives in the
   context, so a second context after gvFreeContext() reads freed memory
   (found with AddressSanitizer).  A context is meant to be reused. */
static GVC_t *gv_context(void) {
  static GVC_t *gvc;
  if (!gvc)
    gvc = gvContext();
  return gvc;
}

void gv_set(void *obj, Agsym_t *sym, const char *v) {
  agxset(obj, sym, (char *)v);
}

void gv_set_html(gv *v, void *obj, Agsym_t *sym, const char *html) {
  agxset(obj, sym, agstrdup_html(v->g, (char *)html));
}

static void gv_set_f(void *obj, Agsym_t *sym, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void gv_set_f(void *obj, Agsym_t *sym, const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  agxset(obj, sym, buf);
}

/* A node of fixed size w x h (points) centred at (x, y), y downwards. */
Agnode_t *gv_node_at(gv *v, const char *name, double x, double y, double w,
                     double h) {
  Agnode_t *n = agnode(v->g, (char *)name, 1);
  gv_set_f(n, v->pos, "%.2f,%.2f!", x, -y);
  gv_set_f(n, v->width, "%.4f", w / 72.0);
  gv_set_f(n, v->height, "%.4f", h / 72.0);
  return n;
}

Agedge_t *gv_point_edge(gv *v, const char *a, double ax, double ay,
                        const char *z, double zx, double zy, double size,
                        const char *name) {
  Agnode_t *na = gv_node_at(v, a, ax, ay, size, size);
  Agnode_t *nz = gv_node_at(v, z, zx, zy, size, size);
  gv_set(na, v->shape, "point");
  gv_set(nz, v->shape, "point");
  gv_set(na, v->style, "invis");
  gv_set(nz, v->style, "invis");
  return agedge(v->g, na, nz, (char *)name, 1);
}

/* Renders into OUT.tmp, then renames it to OUT: a failed render leaves no
   half-written file, and an unwritable OUT is an error (Graphviz's own
   gvRenderFilename returns 0 when it cannot open the file). */
static int render_file(GVC_t *gvc, Agraph_t *g, const char *format,
                       const char *out, char *err, size_t errlen) {
  size_t n = strlen(out) + 5;
  char *tmp = malloc(n);
  if (!tmp) {
    snprintf(err, errlen, "%s: out of memory", out);
    return -1;
  }
  snprintf(tmp, n, "%s.tmp", out);
  FILE *f = fopen(tmp, "w");
  int rc = -1;
  if (!f) {
    snprintf(err, errlen, "%s: cannot write: %s", out, strerror(errno));
  } else if (gvRender(gvc, g, format, f) != 0) {
    snprintf(err, errlen, "%s: cannot write%s%s", out, gv_err[0] ? ": " : "",
             gv_err);
    fclose(f);
  } else if (fclose(f) != 0 || rename(tmp, out) != 0) {
    snprintf(err, errlen, "%s: cannot write: %s", out, strerror(errno));
  } else {
    rc = 0;
  }
  if (rc)
    unlink(tmp);
  free(tmp);
  return rc;
}

int gv_render(gv *v, const char *out, const char *format, char *err,
              size_t errlen) {
  gv_err[0] = 0;
  agusererrf old = agseterrf(gv_errf);
  agerrlevel_t lvl = agseterr(AGERR);
  GVC_t *gvc = gv_context();
  int rc = gvLayout(gvc, v->g, "nop2");
  if (rc != 0) {
    snprintf(err, errlen, "graphviz: layout failed%s%s", gv_err[0] ? ": " : "",
             gv_err);
  } else {
    rc = render_file(gvc, v->g, format, out, err, errlen);
    gvFreeLayout(gvc, v->g);
  }
  agclose(v->g);
  agseterr(lvl);
  agseterrf(old);
  return rc ? -1 : 0;
}

/* The Graphviz output format for a file name, NULL if unsupported. */
const char *gv_format_of(const char *out) {
  const char *dot = strrchr(out, '.');
  if (!dot)
    return NULL;
  if (!strcmp(dot, ".svg"))
    return "svg";
  if (!strcmp(dot, ".png"))
    return "png";
  if (!strcmp(dot, ".dot"))
    return "dot";
  return NULL;
}
