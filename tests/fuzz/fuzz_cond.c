/*
** fuzz_cond.c - libFuzzer harness for the outcome-condition grammar
** (models/scn_cond.c) and its evaluator (models/cond.c, mm_final.c).  The
** input is the rest of an 'expect' line ("exists cpu0.load1 == old",
** "on 2.6.23 never ...") after a fixed scenario that declares what a
** condition can name: two threads with loads and stores, two mms, a
** file with buffers and a tmpfs file.  Property checks on every input
** besides the sanitizers' own:
**   - a rejection is exactly one "t.scn:LINE:COL: error: ..." line, LINE
**     at or after the condition's, COL at least 1;
**   - an accepted condition is a well-typed tree: every node index is in
**     the pool, and it evaluates, on the bound MM model's initial state
**     and on that state with every load done, to the same answer twice;
**     the final-state line is one line of printable text.
** Seed corpus (tests/fuzz/run.sh): the condition lines of the bundled
** scenarios.
*/
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"

#define HEAD                                                                   \
  "scenario \"f\"\n"                                                           \
  "kernel 2.6.20\n"                                                            \
  "cpus 2\n"                                                                   \
  "file data size=8K cached=0 buffers\n"                                       \
  "file shm size=4K cached=all tmpfs\n"                                        \
  "mm p1\n"                                                                    \
  "mm p2\n"                                                                    \
  "map p1 data at 0x10000 pages=2 shared rw\n"                                 \
  "map p2 shm at 0x20000 pages=1 shared rw mapped\n"                           \
  "cpu0: p1 load 0x10000\n"                                                    \
  "cpu0: p2 load 0x20000\n"                                                    \
  "cpu1: p1 store 0x11000\n"                                                   \
  "cpu1.1: dio_write data page=1\n"                                            \
  "expect clean\n"                                                             \
  "expect on 2.6.23 clean\n"                                                   \
  "expect "
#define HEAD_LINES 16 /* the condition's line */

static void check_tree(const scenario *s, int i) {
  if (i < 0 || i >= s->ncond_nodes)
    abort();
  const cond_node *n = &s->cond_nodes[i];
  if (n->kind >= CN__COUNT)
    abort();
  if (n->kind == CN_NOT || n->kind == CN_TEST)
    check_tree(s, n->a);
  if (n->kind == CN_AND || n->kind == CN_OR || n->kind == CN_CMP) {
    check_tree(s, n->a);
    check_tree(s, n->b);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static scenario s;
  static model_binding b;
  if (size > 4096)
    return 0;
  size_t hl = strlen(HEAD);
  char *text = malloc(hl + size + 1);
  memcpy(text, HEAD, hl);
  memcpy(text + hl, data, size);
  text[hl + size] = 0;
  char err[1024] = "";
  if (scn_parse_string("t.scn", text, &s, err, sizeof err)) {
    long line = 0, col = 0;
    int used = 0;
    if (sscanf(err, "t.scn:%ld:%ld: error: %n", &line, &col, &used) != 2 ||
        !used || strchr(err, '\n') || line < HEAD_LINES || col < 1) {
      fprintf(stderr, "malformed rejection: '%s'\n", err);
      abort();
    }
    free(text);
    return 0;
  }
  free(text);
  for (int i = 0; i < s.nconds; i++)
    check_tree(&s, s.conds[i].root);
  const char *variants[2] = {NULL, "2.6.23"};
  for (int v = 0; v < 2; v++) {
    if (model_bind(&b, &s, variants[v], err, sizeof err))
      continue; /* a kind the model does not have: bound later */
    for (int pass = 0; pass < 2; pass++) {
      b.ops->reset(b.model);
      if (pass) /* every load returned something */
        for (int t = 0; t < SCN_MAX_THREADS; t++)
          for (int j = 0; j < SCN_MAX_OPS; j++)
            b.mm.s.loads[t][j] = (uint32_t)(t * 7 + j);
      for (int i = 0; i < b.nconds; i++)
        if (model_cond_holds(&b, i) != model_cond_holds(&b, i))
          abort();
      char line[1024];
      model_final_state(&b, line, sizeof line);
      for (const char *p = line; *p; p++)
        if (*p < 0x20 || *p > 0x7e)
          abort();
    }
  }
  return 0;
}
