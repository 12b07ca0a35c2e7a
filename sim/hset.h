/*
** hset.h - a set of 64-bit hashes (open addressing, linear probing, at
** most half full): the explorer's reported traces (stateful.c) and a
** campaign's distinct states and traces (reports/cli/campaign.h).  The
** value 0 marks an empty slot, so a hash is stored with its low bit set:
** h and h | 1 are one member.  Its slots are in hash order, not in
** insertion order: iterate them only to copy or count.
*/
#ifndef MMSIM_HSET_H
#define MMSIM_HSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct sim_hset {
  uint64_t *v; /* cap slots, 0: empty */
  size_t cap, n;
} sim_hset;

/* Adds h: 0 if it was new, 1 if it was there already, -1 when out of
   memory (the set is then left as it was). */
int sim_hset_add(sim_hset *s, uint64_t h);
void sim_hset_free(sim_hset *s);

#endif /* MMSIM_HSET_H */
