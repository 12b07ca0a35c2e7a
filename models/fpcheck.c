/*
** fpcheck.c - the footprint checker (knob debug.footprint_check): every
** field a step's action changes must belong to an object the step declared
** as written (SIM_OP_WRITE, or SIM_OP_ADD for a commutative update).  Not a
** kernel file: a check of the model's own contract (sim.h: "the code after
** a grant is the atomic action of the step"), on which DPOR's soundness
** rests.
**
** The state is flat (struct mm_state), so the check is a diff: the model
** keeps a copy of the state as it was before the action (m->snap, taken at
** reset and after every check), and after the action (mm_after_step) walks
** every field, maps it to its object (the layout of mm.h) and looks the
** object up in the footprint.  Writes outside any step (between two steps
** of a thread) show up as writes of its next step.
**
** What is checked: writes of pages (each flag by its own object, count,
** _mapcount, mapping, index, data), of the page tree (slots and nrpages,
** dirty tags), i_size, truncate_count, disk blocks and ptes; and that the
** thread-local fields (next_data, sigbus, last_load) are written only by
** their own thread.  What is not: reads.  A read cannot be seen in a diff;
** the footprints' reads were checked by hand against each action, and the
** reduction tests (DPOR against naive, tests/test_explore.c) compare final
** states and kinds, which a missing read would usually break.  Locks are
** the engine's (it checks releases: bad-unlock).  The test mark
** fault_retries is not state.
*/
#include <stdarg.h>
#include <stdio.h>

#include "models/kernel.h"

/* Does 's' write (or add to) object 'o'? */
static int writes(const sim_stepdesc *s, sim_oid o) {
  for (int i = 0; i < s->n; i++)
    if (s->acc[i].obj == o &&
        (s->acc[i].op == SIM_OP_WRITE || s->acc[i].op == SIM_OP_ADD))
      return 1;
  return 0;
}

/* A field of object class 'c', instance 'i', that 'changed': 1 (and the
   field, named by fmt, with its object in buf) unless 's' writes it. */
static int undeclared(const mm_model *m, const sim_stepdesc *s, int changed,
                      enum mm_oclass c, int i, char *buf, size_t n,
                      const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
static int undeclared(const mm_model *m, const sim_stepdesc *s, int changed,
                      enum mm_oclass c, int i, char *buf, size_t n,
                      const char *fmt, ...) {
  sim_oid o = mm_oid(m, c, i);
  if (!changed || writes(s, o))
    return 0;
  char field[64], on[64];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(field, sizeof field, fmt, ap);
  va_end(ap);
  mm_model_ops.obj_name((void *)m, o, on, sizeof on);
  snprintf(buf, n, "%s (object %s)", field, on);
  return 1;
}

static int page_diff(const mm_model *m, const sim_stepdesc *s, int p, char *buf,
                     size_t n) {
  const struct page *a = &m->snap.page[p], *b = &m->s.page[p];
  uint8_t flags = a->flags ^ b->flags;
  return undeclared(m, s, flags & PG_dirty, OC_PAGE_DIRTY, p, buf, n,
                    "page#%d.flags PG_dirty", p) ||
         undeclared(m, s, flags & (PG_uptodate | PG_mappedtodisk | PG_private),
                    OC_PAGE_UPTODATE, p, buf, n, "page#%d.flags PG_uptodate",
                    p) ||
         undeclared(m, s, flags & PG_writeback, OC_PAGE_WRITEBACK, p, buf, n,
                    "page#%d.flags PG_writeback", p) ||
         undeclared(m, s, a->count != b->count, OC_PAGE_REF, p, buf, n,
                    "page#%d._count", p) ||
         undeclared(m, s, a->mapcount != b->mapcount, OC_PAGE_MAPCOUNT, p, buf,
                    n, "page#%d._mapcount", p) ||
         undeclared(m, s, a->mapping != b->mapping, OC_PAGE_MAPPING, p, buf, n,
                    "page#%d.mapping", p) ||
         undeclared(m, s, a->index != b->index, OC_PAGE_INDEX, p, buf, n,
                    "page#%d.index", p) ||
         undeclared(m, s, a->data != b->data, OC_PAGE_DATA, p, buf, n,
                    "page#%d.data", p);
}

static int file_diff(const mm_model *m, const sim_stepdesc *s, int f, char *buf,
                     size_t n) {
  const struct address_space *a = &m->snap.as[f], *b = &m->s.as[f];
  const char *name = m->scn->files[f].name;
  int tree = a->nrpages != b->nrpages, disk = 0;
  for (int i = 0; i < MM_NFILEPAGES; i++) {
    tree |= a->tree[i] != b->tree[i];
    disk |= a->disk[i] != b->disk[i];
  }
  return undeclared(m, s, tree, OC_TREE, f, buf, n, "%s->page_tree/nrpages",
                    name) ||
         undeclared(m, s, a->dirty_tag != b->dirty_tag, OC_TREE_TAGS, f, buf, n,
                    "%s->dirty tags", name) ||
         undeclared(m, s, a->i_size != b->i_size, OC_ISIZE, f, buf, n,
                    "%s->i_size", name) ||
         undeclared(m, s, a->truncate_count != b->truncate_count, OC_TRUNC, f,
                    buf, n, "%s->truncate_count", name) ||
         undeclared(m, s, disk, OC_DISK, f, buf, n, "%s->disk blocks", name);
}

int mm_fp_undeclared(const mm_model *m, int tid, const sim_stepdesc *s,
                     char *buf, size_t n) {
  for (int p = 0; p < MM_MAX_PAGES; p++)
    if (page_diff(m, s, p, buf, n))
      return 1;
  for (int f = 0; f < m->scn->nfiles; f++)
    if (file_diff(m, s, f, buf, n))
      return 1;
  for (int mm = 0; mm < m->scn->nmms; mm++)
    for (int i = 0; i < MM_MAX_PTES; i++) {
      const struct pte *a = &m->snap.mm[mm].pte[i], *b = &m->s.mm[mm].pte[i];
      if (undeclared(m, s,
                     a->present != b->present || a->write != b->write ||
                         a->dirty != b->dirty || a->young != b->young ||
                         a->page != b->page,
                     OC_PTE, mm * MM_MAX_PTES + i, buf, n, "the pte"))
        return 1;
    }
  for (int i = 0; i < m->scn->nthreads; i++)
    if (i != tid && (m->snap.next_data[i] != m->s.next_data[i] ||
                     m->snap.sigbus[i] != m->s.sigbus[i] ||
                     m->snap.last_load[i] != m->s.last_load[i])) {
      snprintf(buf, n, "thread-local state of %s", m->threads[i].name);
      return 1;
    }
  return 0;
}
