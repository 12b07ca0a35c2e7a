/*
** intern.c - the writer's in-memory string table (see intern.h).
**
** Open addressing with linear probing, keyed by the content hash of
** sim/hash.h, grown to keep the load under 70%.  The table owns a copy of
** each string; the copies stay put when the table grows, so the writer can
** keep pointers to them (object names cached per execution, the writer's
** queued string records).  The ids are the caller's (reports/log.c gives
** local ids in first-use order), so the table never decides an id: the
** same run gives the same ids whatever the table's capacity.
*/
#include "intern.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "sim/hash.h"

struct intern_ent {
  uint64_t h; /* content hash */
  int64_t id; /* the caller's id (the log's local string id) */
  char *s;    /* owned copy; NULL: a free slot */
};

static uint64_t str_hash(const char *s) {
  uint64_t h = SIM_HASH_INIT;
  sim_hash_str(&h, s);
  return h;
}

/* The slot holding 's', or the free slot where it would go. */
static size_t slot_of(const intern_tab *t, const char *s, uint64_t h) {
  assert(t->cap && !(t->cap & (t->cap - 1)));
  size_t mask = t->cap - 1, i = h & mask;
  while (t->ent[i].s && (t->ent[i].h != h || strcmp(t->ent[i].s, s)))
    i = (i + 1) & mask;
  return i;
}

int64_t intern_find(const intern_tab *t, const char *s, const char **copy) {
  if (!t->cap)
    return 0;
  const intern_ent *e = &t->ent[slot_of(t, s, str_hash(s))];
  if (!e->s)
    return 0;
  if (copy)
    *copy = e->s;
  return e->id;
}

static int grow(intern_tab *t) {
  size_t cap = t->cap ? 2 * t->cap : 1024;
  intern_ent *e = calloc(cap, sizeof *e);
  if (!e)
    return -1;
  for (size_t i = 0; i < t->cap; i++) {
    if (!t->ent[i].s)
      continue;
    size_t j = t->ent[i].h & (cap - 1);
    while (e[j].s)
      j = (j + 1) & (cap - 1);
    e[j] = t->ent[i];
  }
  free(t->ent);
  t->ent = e;
  t->cap = cap;
  return 0;
}

const char *intern_add(intern_tab *t, const char *s, int64_t id) {
  assert(id > 0 && !intern_find(t, s, NULL));
  if ((t->n + 1) * 10 > t->cap * 7 && grow(t) < 0)
    return NULL;
  uint64_t h = str_hash(s);
  size_t i = slot_of(t, s, h);
  char *dup = strdup(s);
  if (!dup)
    return NULL;
  t->ent[i] = (intern_ent){h, id, dup};
  t->n++;
  return dup;
}

void intern_clear(intern_tab *t) {
  for (size_t i = 0; i < t->cap; i++) {
    free(t->ent[i].s);
    t->ent[i].s = NULL;
  }
  t->n = 0;
}

void intern_free(intern_tab *t) {
  intern_clear(t);
  free(t->ent);
  *t = (intern_tab){0};
}
