/*
** depend.c - see depend.h.
*/
#include "depend.h"

static int is_data(uint8_t op) {
  return op == SIM_OP_READ || op == SIM_OP_WRITE || op == SIM_OP_WAIT ||
         op == SIM_OP_ADD;
}

static int is_release(uint8_t op) {
  return op == SIM_OP_UNLOCK || op == SIM_OP_UNLOCK_SHARED;
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

int sim_accesses_dependent(const sim_access *a, int na, const sim_access *b,
                           int nb) {
  for (int i = 0; i < na; i++)
    for (int j = 0; j < nb; j++)
      if (a[i].obj == b[j].obj && sim_ops_conflict(a[i].op, b[j].op))
        return 1;
  return 0;
}
