/*
** depend.c - see depend.h.
*/
#include "depend.h"

static int is_data(uint8_t op) {
  return op == SIM_OP_READ || op == SIM_OP_WRITE || op == SIM_OP_WAIT ||
         op == SIM_OP_ADD;
}

static int is_release(uint8_t op) {
  return op == SIM_OP_UNLOCK || op == SIM_OP_UNLOCK_SHARED ||
         op == SIM_OP_UNLOCK_ANY;
}

int sim_ops_conflict(uint8_t a, uint8_t b) {
  if (is_data(a) && is_data(b)) {
    if (a == SIM_OP_ADD && b == SIM_OP_ADD)
      return 0; /* blind updates commute in every state */
    return a == SIM_OP_WRITE || b == SIM_OP_WRITE || a == SIM_OP_ADD ||
           b == SIM_OP_ADD;
  }
  if (is_data(a) != is_data(b))
    return 1; /* an object used both ways: be conservative */
  if (a == SIM_OP_TRYLOCK || b == SIM_OP_TRYLOCK)
    return 1; /* a trylock's result depends on every lock operation */
  if (is_release(a) || is_release(b))
    return 0; /* acquisitions carry the order of critical sections */
  return !(a == SIM_OP_LOCK_SHARED && b == SIM_OP_LOCK_SHARED);
}

int sim_step_section(const sim_access *a, int n, sim_oid l) {
  int acq = 0, rel = 0;
  for (int i = 0; i < n; i++) {
    if (a[i].obj != l)
      continue;
    if (a[i].op == SIM_OP_LOCK || a[i].op == SIM_OP_LOCK_SHARED)
      acq = 1;
    else if (is_release(a[i].op) && acq)
      rel = 1;
    else
      return 0; /* a trylock, a data use, or a release before the take */
  }
  return acq && rel;
}

/* Two single-step sections of one lock commute for the lock part (see
   depend.h); any other conflicting pair is a dependence. */
int sim_accesses_dependent(const sim_access *a, int na, const sim_access *b,
                           int nb) {
  for (int i = 0; i < na; i++)
    for (int j = 0; j < nb; j++)
      if (a[i].obj == b[j].obj && sim_ops_conflict(a[i].op, b[j].op) &&
          !(sim_step_section(a, na, a[i].obj) &&
            sim_step_section(b, nb, a[i].obj)))
        return 1;
  return 0;
}
