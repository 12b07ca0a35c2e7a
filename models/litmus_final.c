/*
** litmus_final.c - the final state of a litmus program (models/litmus.h)
** as one line, herd7 style, for `mmsim explore`'s list of final states
** (reports/cli/campaign.c) and the log's final_state table: the outcome
** registers of sb and mp, lastzero's index and array, the counters, the
** indexer's table and the file system's inodes; nothing for the
** lock-order programs, which have no variables.  And the registers as
** outcome conditions see them (`expect never t0.r0 == 0 and t1.r0 == 0`).
*/
#include "models/litmus.h"

#include <assert.h>
#include <stdio.h>

#include "models/cond.h"

int litmus_reg_count(const litmus_model *m, int tid) {
  switch (m->prog) {
  case LITMUS_SB:
    return tid < 2 ? 1 : 0;
  case LITMUS_MP:
    return tid == 1 ? 2 : 0;
  default:
    return 0;
  }
}

int64_t litmus_cond_value(const void *model, const cond_node *n) {
  const litmus_model *m = model;
  assert(n->kind == CT_REG && "the parser admits registers only");
  assert(n->k < (uint32_t)litmus_reg_count(m, n->thread));
  return m->reg[n->thread][n->k];
}

/* herd7 prints a state as "0:r0=0; 1:r0=1;"; the threads here are named
   t0, t1: "t0.r0=0; t1.r0=1;" (registers, then variables). */
void litmus_final_state(const litmus_model *m, char *buf, size_t n) {
  size_t o = 0;
#define LPUT(...)                                                              \
  do {                                                                         \
    if (o < n)                                                                 \
      o += (size_t)snprintf(buf + o, n - o, __VA_ARGS__);                      \
  } while (0)
  buf[0] = 0;
  switch (m->prog) {
  case LITMUS_SB:
    LPUT("t0.r0=%d; t1.r0=%d;", m->reg[0][0], m->reg[1][0]);
    break;
  case LITMUS_MP:
    LPUT("t1.r0=%d; t1.r1=%d;", m->reg[1][0], m->reg[1][1]);
    break;
  case LITMUS_LASTZERO:
    LPUT("t0.i=%d;", m->lastzero_i);
    for (int i = 1; i <= m->n; i++)
      LPUT(" a[%d]=%d;", i, m->a[i]);
    break;
  case LITMUS_COUNTER:
  case LITMUS_RACY_COUNTER:
    LPUT("x=%d;", m->x);
    break;
  case LITMUS_INDEXER:
    for (int i = 0; i < LITMUS_TABLE_SIZE; i++)
      if (m->table[i])
        LPUT("%stable[%d]=%d;", o ? " " : "", i, m->table[i]);
    break;
  case LITMUS_FILESYSTEM:
    for (int i = 0; i < m->ninode; i++)
      LPUT("%sinode[%d]=%d;", i ? " " : "", i, m->inode[i]);
    break;
  default: /* the lock-order programs: no variables */
    break;
  }
#undef LPUT
}
