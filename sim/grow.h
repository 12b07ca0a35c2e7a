/*
** grow.h - the one growth rule of sim/'s arrays: doubled, from a first
** capacity, until the elements needed fit.  Internal to sim/.
*/
#ifndef MMSIM_GROW_H
#define MMSIM_GROW_H

#include <assert.h>
#include <stdlib.h>

/* A capacity for 'need' elements: 'cap' ('first' if none) doubled as
   often as needed. */
static inline size_t sim_grown_cap(size_t cap, size_t need, size_t first) {
  cap = cap ? cap : first;
  while (cap < need)
    cap *= 2;
  return cap;
}

/* Room for 'need' elements of 'size' bytes in array p of capacity *cap:
   p itself when they fit, else p grown (sim_grown_cap) and *cap with it;
   NULL when out of memory, p and *cap then left as they were. */
static inline void *sim_grow(void *p, size_t *cap, size_t need, size_t size,
                             size_t first) {
  assert(need > 0);
  if (need <= *cap)
    return p;
  size_t c = sim_grown_cap(*cap, need, first);
  void *q = realloc(p, c * size);
  if (q)
    *cap = c;
  return q;
}

#endif /* MMSIM_GROW_H */
