/*
** kinds.c - violation kinds: the engine's own table (deadlock, bad-unlock,
** lock-order) and the lookups over it and a model's table
** (sim_model_ops.kinds), by id and by name.  The id space is described in
*sim.h: 0 is no
** violation, then the engine's kinds, then the model's in table order.
** Raising a kind is the engine's business (sim_violation, engine.c).
*/
#include <string.h>

#include "sim.h"

const sim_kind sim_engine_kinds[SIM_NENGINE_KINDS] = {
    {SIM_KIND_DEADLOCK, "deadlock",
     "no thread enabled while some are unfinished (the waiters are named)"},
    {SIM_KIND_BAD_UNLOCK, "bad-unlock",
     "a thread released a lock it does not hold"},
    {SIM_KIND_LOCK_ORDER, "lock-order",
     "a cycle in the lock class graph, or a class taken twice, even where "
     "nothing deadlocked"},
};

const sim_kind *sim_kind_get(const sim_model_ops *ops, int id) {
  if (id > SIM_KIND_NONE && id < SIM_KIND_MODEL)
    return &sim_engine_kinds[id - 1];
  if (ops && ops->kinds && id >= SIM_KIND_MODEL &&
      id - SIM_KIND_MODEL < ops->nkinds)
    return &ops->kinds[id - SIM_KIND_MODEL];
  return NULL;
}

int sim_kind_find(const sim_model_ops *ops, const char *name) {
  for (int id = 1; id < SIM_KIND_MODEL + (ops ? ops->nkinds : 0); id++) {
    const sim_kind *k = sim_kind_get(ops, id);
    if (k && !strcmp(k->name, name))
      return id;
  }
  return SIM_KIND_NONE;
}
