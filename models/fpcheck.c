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
** reset and after every check), and after the action (mm_after_step)
** compares every object's fields before and after, as mm_obj_words() (mm.c)
** lists them: the one map from fields to objects, which the state-matching
** hashes (obj_hash, state_key) use too.  A changed object is looked up in
** the footprint.  Writes outside any step (between two steps of a thread)
** show up as writes of its next step.
**
** What is checked: writes of pages (each flag by its own object, count,
** _mapcount, mapping, index, data), of the page tree (slots and nrpages,
** dirty tags), i_size, truncate_count, disk blocks and ptes; and that the
** thread-local fields (next_data, sigbus, segv, last_load) are written only by
** their own thread.  What is not: reads.  A read cannot be seen in a diff;
** the footprints' reads were checked by hand against each action, and the
** reduction tests (DPOR against naive, tests/test_explore.c) compare final
** states and kinds, which a missing read would usually break.  Locks are
** the engine's (it checks releases: bad-unlock).  The test mark
** fault_retries is not state.
*/
#include <stdio.h>
#include <string.h>

#include "models/kernel.h"

/* Does 's' write (or add to) object 'o'? */
static int writes(const sim_stepdesc *s, sim_oid o) {
  for (int i = 0; i < s->n; i++)
    if (s->acc[i].obj == o &&
        (s->acc[i].op == SIM_OP_WRITE || s->acc[i].op == SIM_OP_ADD))
      return 1;
  return 0;
}

/* What the messages call the fields of class c (after "page#N." or
   "FILE->"). */
static const char *field_name(enum mm_oclass c) {
  const struct mm_oclass_name *n = &mm_oclass_names[c];
  return n->field ? n->field : n->name;
}

/* The classes of a page and of a file, in the order they are checked. */
static const enum mm_oclass page_classes[] = {
    OC_PAGE_DIRTY, OC_PAGE_UPTODATE, OC_PAGE_WRITEBACK,
    OC_PAGE_REF,   OC_PAGE_MAPCOUNT, OC_PAGE_MAPPING,
    OC_PAGE_INDEX, OC_PAGE_DATA,     OC_PAGE_BH};
static const enum mm_oclass file_classes[] = {OC_TREE, OC_TREE_TAGS, OC_ISIZE,
                                              OC_TRUNC, OC_DISK};

/* Object 'i' of class 'c': 1 if its fields (mm_obj_words) changed since
   m->snap and 's' does not write it, with the field and the object named
   in buf. */
static int undeclared(const mm_model *m, const sim_stepdesc *s,
                      enum mm_oclass c, int i, char *buf, size_t n) {
  uint64_t a[MM_OBJ_WORDS], b[MM_OBJ_WORDS];
  int na = mm_obj_words(m, &m->snap, c, i, a);
  mm_obj_words(m, &m->s, c, i, b);
  sim_oid o = mm_oid(m, c, i);
  if (!memcmp(a, b, (size_t)na * sizeof a[0]) || writes(s, o))
    return 0;
  char field[64], on[64];
  if (c == OC_PTE)
    snprintf(field, sizeof field, "the pte");
  else if (c <= OC_PAGE_DATA || c == OC_PAGE_BH)
    snprintf(field, sizeof field, "page#%d.%s", i, field_name(c));
  else if (c == OC_BIOQ || c == OC_ALIVE)
    snprintf(field, sizeof field, "the %s", field_name(c));
  else if (c == OC_VMA)
    snprintf(field, sizeof field, "vma#%d", i);
  else
    snprintf(field, sizeof field, "%s->%s", m->scn->files[i].name,
             field_name(c));
  mm_model_ops.obj_name((void *)m, o, on, sizeof on);
  snprintf(buf, n, "%s (object %s)", field, on);
  return 1;
}

#define NELEM(a) (int)(sizeof(a) / sizeof((a)[0]))

int mm_fp_undeclared(const mm_model *m, int tid, const sim_stepdesc *s,
                     char *buf, size_t n) {
  for (int p = 0; p < m->npages; p++)
    for (int k = 0; k < NELEM(page_classes); k++)
      if (undeclared(m, s, page_classes[k], p, buf, n))
        return 1;
  for (int f = 0; f < m->scn->nfiles; f++)
    for (int k = 0; k < NELEM(file_classes); k++)
      if (undeclared(m, s, file_classes[k], f, buf, n))
        return 1;
  for (int i = 0; i < m->scn->nmms * MM_MAX_PTES; i++)
    if (undeclared(m, s, OC_PTE, i, buf, n))
      return 1;
  if (undeclared(m, s, OC_BIOQ, 0, buf, n) ||
      undeclared(m, s, OC_ALIVE, 0, buf, n))
    return 1;
  for (int i = 0; i < m->nvma; i++)
    if (undeclared(m, s, OC_VMA, i, buf, n))
      return 1;
  for (int i = 0; i < m->nthreads; i++)
    if (i != tid &&
        (m->snap.next_data[i] != m->s.next_data[i] ||
         m->snap.sigbus[i] != m->s.sigbus[i] ||
         m->snap.segv[i] != m->s.segv[i] ||
         m->snap.last_load[i] != m->s.last_load[i] ||
         memcmp(m->snap.loads[i], m->s.loads[i], sizeof m->s.loads[i]) ||
         m->snap.fsync_file[i] != m->s.fsync_file[i] ||
         m->snap.dirtying[i] != m->s.dirtying[i])) {
      snprintf(buf, n, "thread-local state of %s", m->threads[i].name);
      return 1;
    }
  return 0;
}
