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

/* A changed field of object class 'c', instance 'i': 1 (and its name in
   buf) unless 's' writes it. */
static int undeclared(const mm_model *m, const sim_stepdesc *s,
                      enum mm_oclass c, int i, const char *field, char *buf,
                      size_t n) {
  sim_oid o = mm_oid(m, c, i);
  if (writes(s, o))
    return 0;
  char on[64];
  mm_model_ops.obj_name((void *)m, o, on, sizeof on);
  snprintf(buf, n, "%s (object %s)", field, on);
  return 1;
}

static int page_diff(const mm_model *m, const sim_stepdesc *s, int p, char *buf,
                     size_t n) {
  const struct page *a = &m->snap.page[p], *b = &m->s.page[p];
  char f[48];
  uint8_t flags = a->flags ^ b->flags;
#define PAGE_FIELD(cond, c, name)                                              \
  do {                                                                         \
    if (cond) {                                                                \
      snprintf(f, sizeof f, "page#%d.%s", p, name);                            \
      if (undeclared(m, s, c, p, f, buf, n))                                   \
        return 1;                                                              \
    }                                                                          \
  } while (0)
  PAGE_FIELD(flags & PG_dirty, OC_PAGE_DIRTY, "flags PG_dirty");
  PAGE_FIELD(flags & (PG_uptodate | PG_mappedtodisk | PG_private),
             OC_PAGE_UPTODATE, "flags PG_uptodate");
  PAGE_FIELD(flags & PG_writeback, OC_PAGE_WRITEBACK, "flags PG_writeback");
  PAGE_FIELD(a->count != b->count, OC_PAGE_REF, "_count");
  PAGE_FIELD(a->mapcount != b->mapcount, OC_PAGE_MAPCOUNT, "_mapcount");
  PAGE_FIELD(a->mapping != b->mapping, OC_PAGE_MAPPING, "mapping");
  PAGE_FIELD(a->index != b->index, OC_PAGE_INDEX, "index");
  PAGE_FIELD(a->data != b->data, OC_PAGE_DATA, "data");
#undef PAGE_FIELD
  return 0;
}

static int file_diff(const mm_model *m, const sim_stepdesc *s, int f, char *buf,
                     size_t n) {
  const struct address_space *a = &m->snap.as[f], *b = &m->s.as[f];
  const char *name = m->scn->files[f].name;
  char fl[64];
  int tree = a->nrpages != b->nrpages, disk = 0;
  for (int i = 0; i < MM_NFILEPAGES; i++) {
    tree |= a->tree[i] != b->tree[i];
    disk |= a->disk[i] != b->disk[i];
  }
#define FILE_FIELD(cond, c, field)                                             \
  do {                                                                         \
    if (cond) {                                                                \
      snprintf(fl, sizeof fl, "%s->%s", name, field);                          \
      if (undeclared(m, s, c, f, fl, buf, n))                                  \
        return 1;                                                              \
    }                                                                          \
  } while (0)
  FILE_FIELD(tree, OC_TREE, "page_tree/nrpages");
  FILE_FIELD(a->dirty_tag != b->dirty_tag, OC_TREE_TAGS, "dirty tags");
  FILE_FIELD(a->i_size != b->i_size, OC_ISIZE, "i_size");
  FILE_FIELD(a->truncate_count != b->truncate_count, OC_TRUNC,
             "truncate_count");
  FILE_FIELD(disk, OC_DISK, "disk blocks");
#undef FILE_FIELD
  return 0;
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
      char pn[64];
      if (a->present == b->present && a->write == b->write &&
          a->dirty == b->dirty && a->young == b->young && a->page == b->page)
        continue;
      mm_pte_name(m, mm, i, pn, sizeof pn);
      if (undeclared(m, s, OC_PTE, mm * MM_MAX_PTES + i, pn, buf, n))
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
