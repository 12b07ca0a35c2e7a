/*
** depend.h - when two steps of different threads do not commute.
**
** One definition of dependence, used by the explorer (DPOR races, trace
** ids) and by the timeline's causal slice, so that the slice shows exactly
** the orderings the explorer considers:
**
**   - a shared data object (read, write, wait, add) with at least one
**     write, or an add with a read, write or wait (two adds commute: an
**     add is an update whose result no thread reads, so any order of
**     two of them leaves the same state and enables the same steps);
**   - an object used both as data and as a lock (conservative);
**   - two acquisitions of one lock, unless both are shared;
**   - a trylock with any lock operation on its lock (its result depends on
**     every one of them).
**
** Releases commute with acquisitions of other threads: the order of two
** critical sections is carried by their acquisitions (Flanagan and
** Godefroid, "Dynamic partial-order reduction for model checking
** software", POPL 2005, section 4).
*/
#ifndef MMSIM_DEPEND_H
#define MMSIM_DEPEND_H

#include "sim.h"

/* Do two accesses to one object conflict?  (enum sim_op values) */
int sim_ops_conflict(uint8_t a, uint8_t b);

/* Do two footprints conflict on some object? */
int sim_accesses_dependent(const sim_access *a, int na, const sim_access *b,
                           int nb);

#endif /* MMSIM_DEPEND_H */
