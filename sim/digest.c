/*
** digest.c - what a state is, for explorers that match states.
**
** A stateless explorer never asks whether two executions reached the same
** state; a stateful one (explore.h, strategy "stateful") prunes a node
** whose state it has seen.  The shared state is the model's and is flat,
** so the model hashes it (sim_model_ops.state_key).  The lock table is the
** engine's and is hashed here.  What is hard is each thread's locals, on a
** C stack the engine cannot read.  They are kept as an observation digest:
**
**   at each grant of step s to t    t->obs = mix(t->obs, for each access
**                                     of s: object, op, obj_hash(object)
**                                     or, for a trylock, whether it is
**                                     free) -- values before the action
**   at a loop head (sim_loop_live)  t->obs = mix(digest at the loop's
**                                     entry, loop name, live locals)
**
** The first rule makes a thread's locals a function of its digest (its code
** is deterministic and reads only what its footprints declare, which is
** what DPOR assumes already).  Without the second, a retry loop never
** revisits a state: each iteration adds what it observed.  The model names,
** at the head, the locals that carry across iterations; everything before
** the loop is summed up by the digest the thread had when it entered it.
** Under a loop bound the iteration count is mixed in as well: a thread
** that has used more of its bound has fewer continuations, so two such
** states are not one (a search that needs a bound does not close cycles
** anyway: its state space is infinite).
** Commutative updates (SIM_OP_ADD) are not mixed in: the thread does not
** read their result.  Locks are: a lock acquisition observes nothing but
** the order, which the lock table and the other threads' digests carry.
**
** Nothing here runs unless cfg->digests is set, so single runs and the
** stateless explorers pay one test per grant.
*/
#include <assert.h>
#include <string.h>

#include "engine_int.h"
#include "hash.h"

void sim_digest_grant(sim_exec *x, sim_thread *t, const sim_stepdesc *s) {
  const sim_model_ops *ops = x->cfg->ops;
  assert(ops->obj_hash);
  uint64_t h = t->obs;
  for (int i = 0; i < s->n; i++) {
    sim_oid o = s->acc[i].obj;
    enum sim_op op = (enum sim_op)s->acc[i].op;
    sim_hash_u64(&h, (uint64_t)o << 8 | op);
    switch (op) {
    case SIM_OP_READ:
    case SIM_OP_WRITE: /* a write may read first (count++) */
    case SIM_OP_WAIT:
      sim_hash_u64(&h, ops->obj_hash(x->cfg->model, o));
      break;
    case SIM_OP_TRYLOCK:
      sim_hash_u64(&h, x->owner[o] >= 0 || x->readers[o]);
      break;
    default: /* locks, releases, blind updates: nothing observed */
      break;
    }
  }
  t->obs = h;
}

/* Resets t's digest at a loop head (sim_loop_live, sim_service_loop);
   'count' mixes the iteration count in. */
static void loop_head(sim_thread *t, int iter, const char *loop,
                      const uint64_t *live, int nlive, int count) {
  sim_exec *x = t->x;
  if (x->cfg->digests) {
    /* the loop's row: the innermost with that name, loops inside it left */
    int k = t->nloops - 1;
    while (k >= 0 && strcmp(t->loops[k].loop, loop) != 0)
      k--;
    if (iter == 0) { /* entry: a new instance of the loop */
      if (k < 0) {
        if (t->nloops == SIM_MAX_LOOPS) { /* forget the outermost */
          memmove(&t->loops[0], &t->loops[1],
                  (SIM_MAX_LOOPS - 1) * sizeof t->loops[0]);
          t->nloops--;
        }
        k = t->nloops++;
      }
      t->loops[k].loop = loop;
      t->loops[k].entry = t->obs;
    }
    if (k >= 0) { /* a head whose entry is not known keeps the digest */
      t->nloops = k + 1;
      uint64_t h = t->loops[k].entry;
      sim_hash_str(&h, loop);
      for (int i = 0; i < nlive; i++)
        sim_hash_u64(&h, live[i]);
      if (count) /* the iterations left are state then */
        sim_hash_u64(&h, (uint64_t)iter);
      t->obs = h;
    }
  }
}

void sim_loop_live(sim_thread *t, int iter, const char *loop,
                   const uint64_t *live, int nlive) {
  loop_head(t, iter, loop, live, nlive, t->x->cfg->loop_bound != 0);
  sim_loop(t, iter, loop);
}

void sim_service_loop(sim_thread *t, int iter, const char *loop) {
  loop_head(t, iter, loop, NULL, 0, 0);
}

uint64_t sim_state_key(const sim_exec *x) {
  const sim_exec_cfg *cfg = x->cfg;
  assert(cfg->digests && cfg->ops->state_key);
  uint64_t h = cfg->ops->state_key(cfg->model);
  for (uint32_t w = 0; w < (cfg->nobjs + 63) / 64; w++) /* held locks */
    for (uint64_t b = x->held[w]; b; b &= b - 1) {
      uint32_t o = w * 64 + (uint32_t)__builtin_ctzll(b);
      assert(x->owner[o] >= 0 || x->readers[o]);
      sim_hash_u64(&h, (uint64_t)o << 24 | (uint64_t)(x->owner[o] + 1) << 16 |
                           x->readers[o]);
    }
  for (int i = 0; i < cfg->nthreads; i++) {
    const sim_thread *t = &x->th[i];
    sim_hash_u64(&h, t->state == T_DONE ? 0 : t->obs);
  }
  return h;
}
