/*
** hset.c - the set of 64-bit hashes of hset.h: doubled (from 1024 slots)
** before it would be more than half full, every member re-placed.
*/
#include "hset.h"

#include <stdlib.h>

#include "hash.h"

int sim_hset_add(sim_hset *s, uint64_t h) {
  h |= 1; /* 0 marks an empty slot */
  if (2 * (s->n + 1) > s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 1024;
    uint64_t *v = calloc(cap, sizeof *v);
    if (!v)
      return -1;
    for (size_t i = 0; i < s->cap; i++)
      if (s->v[i]) {
        size_t j = (size_t)sim_hash_of(s->v[i]) & (cap - 1);
        while (v[j])
          j = (j + 1) & (cap - 1);
        v[j] = s->v[i];
      }
    free(s->v);
    s->v = v;
    s->cap = cap;
  }
  size_t j = (size_t)sim_hash_of(h) & (s->cap - 1);
  for (; s->v[j]; j = (j + 1) & (s->cap - 1))
    if (s->v[j] == h)
      return 1;
  s->v[j] = h;
  s->n++;
  return 0;
}

void sim_hset_free(sim_hset *s) {
  free(s->v);
  *s = (sim_hset){0};
}
