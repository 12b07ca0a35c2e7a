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
**   - two acquisitions of one lock, unless both are shared or both are
**     single-step sections of it (below);
**   - a trylock with any lock operation on its lock (its result depends on
**     every one of them).
**
** Releases commute with acquisitions of other threads: the order of two
** critical sections is carried by their acquisitions (Flanagan and
** Godefroid, "Dynamic partial-order reduction for model checking
** software", POPL 2005, section 4).
**
** Single-step sections commute: a step that takes and drops lock l in the
** same step ({LOCK l, ..., UNLOCK l}, the models' idiom for a short
** spinlock section) leaves l as it found it.  When two such steps are
** both enabled, running either one gives back the same state of l, in
** which the other is still enabled, and both orders end with l as it was.
** So for the lock part they are independent.  A section still conflicts
** with an acquisition that keeps l held (that one disables it) and with a
** trylock of l (a successful trylock disables it, and its result depends
** on the section); the section's data accesses are judged on their own.
*/
#ifndef MMSIM_DEPEND_H
#define MMSIM_DEPEND_H

#include "sim.h"

/* Do two accesses to one object conflict?  (enum sim_op values) */
int sim_ops_conflict(uint8_t a, uint8_t b);

/* Does the footprint a[0, n) take lock l and drop it again within the
   step (an acquisition first, then a release, and no other use of l)? */
int sim_step_section(const sim_access *a, int n, sim_oid l);

/* Do two footprints conflict on some object? */
int sim_accesses_dependent(const sim_access *a, int na, const sim_access *b,
                           int nb);

#endif /* MMSIM_DEPEND_H */
