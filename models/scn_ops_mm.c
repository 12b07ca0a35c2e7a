/*
** scn_ops_mm.c - the operands of the operations on an mm, written after
** the mm's name ("p1 load 0x10000", "p1 mprotect 0x10000 r pages=2"):
** the address, which must lie in a map of the mm, and for the range
** operations (mprotect, msync, munmap, madvise, remap) a page-aligned
** start and a page count inside that map; the flags of follow_page, gup
** and pin; and the pages a thread holds (gup, pin, then dma_write, unpin),
** checked in the order of the thread's lines.  The table of operations
** and the thread lines are in scn_ops.c, the file operations in
** scn_ops_file.c; the format is in scenarios/FORMAT.md.
*/
#include "scn_stmt.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

/* MM load|store ADDR: the address must lie in a map of the mm. */
int scn_parse_op_addr(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok ta;
  char ranges[256];
  size_t o = 0;
  const char *mm = s->mms[op->mm].name;
  if (lex_need(lx, &ta, "an address", scn_op_name(op->kind)) < 0 ||
      lex_num(lx, ta, 0, 0, UINT64_MAX, "address", &op->addr) < 0)
    return -1;
  ranges[0] = 0;
  for (int i = 0; i < s->nmaps; i++) {
    const scn_map *m = &s->maps[i];
    uint64_t end = m->start + (uint64_t)m->npages * PAGE_SIZE;
    if (m->mm != op->mm)
      continue;
    if (op->addr >= m->start && op->addr < end)
      return 0;
    if (o < sizeof ranges)
      o += (size_t)snprintf(ranges + o, sizeof ranges - o,
                            "%s[0x%" PRIx64 ", 0x%" PRIx64 ")", o ? ", " : "",
                            m->start, end);
  }
  if (!o)
    return lex_fail(lx, ta.col,
                    "address 0x%" PRIx64 " is outside every map of '%s', "
                    "which has none, expected a 'map %s ...' line before "
                    "this one",
                    op->addr, mm, mm);
  return lex_fail(lx, ta.col,
                  "address 0x%" PRIx64 " is outside every map of '%s', "
                  "expected an address in %s",
                  op->addr, mm, ranges);
}

int scn_parse_page_addr(scn_lex *lx, const scenario *s, scn_op *op,
                        const char *what, int *col) {
  *col = lex_next_col(lx);
  if (scn_parse_op_addr(lx, s, op) < 0)
    return -1;
  if (op->addr % PAGE_SIZE)
    return lex_fail(lx, *col,
                    "address 0x%" PRIx64 " is not page aligned, expected a "
                    "multiple of 0x%x for %s",
                    op->addr, PAGE_SIZE, what);
  return 0;
}

/* The address range of an mm operation: ADDR is the start of a page of
   a map of the mm, [pages=N] (default 1) stays inside that map.  'opts'
   has pages= as its first entry; the other options are the operation's. */
static int parse_mm_range(scn_lex *lx, const scenario *s, scn_op *op,
                          const scn_opt *spec, int nspec, scn_tok *o) {
  const char *name = scn_op_name(op->kind);
  int col;
  uint64_t npages = 1;
  if (scn_parse_page_addr(lx, s, op, name, &col) < 0 ||
      lex_opts(lx, name, spec, nspec, o) < 0)
    return -1;
  if (o[0].p &&
      lex_num(lx, o[0], 0, 1, SCN_MAX_FILE_PAGES, "page count", &npages) < 0)
    return -1;
  for (int i = 0; i < s->nmaps; i++) {
    const scn_map *m = &s->maps[i];
    uint64_t end = m->start + (uint64_t)m->npages * PAGE_SIZE;
    if (m->mm == op->mm && op->addr >= m->start && op->addr < end &&
        op->addr + npages * PAGE_SIZE > end)
      return lex_fail(lx, o[0].p ? o[0].col : col,
                      "%" PRIu64 " pages from 0x%" PRIx64 " go past the end "
                      "of its map at 0x%" PRIx64 ", expected at most %" PRIu64,
                      npages, op->addr, end, (end - op->addr) / PAGE_SIZE);
  }
  op->npages = (uint32_t)npages;
  return 0;
}

/* The one word of a set that must be present among the flags 'o'
   (indexes first..first+n-1 of spec); its index from 'first', or -1. */
static int one_word(scn_lex *lx, const scn_opt *spec, const scn_tok *o,
                    int first, int n, const char *name) {
  int k = -1;
  char list[96];
  const char *words[8];
  for (int i = 0; i < n; i++) {
    words[i] = spec[first + i].key;
    if (o[first + i].p) {
      if (k >= 0)
        return lex_fail(lx, o[first + i].col,
                        "both '%s' and '%s' given to %s, expected one of %s",
                        spec[first + k].key, spec[first + i].key, name,
                        lex_join(list, sizeof list, words, n, " or "));
      k = i;
    }
  }
  for (int i = 0; i < n; i++)
    words[i] = spec[first + i].key;
  if (k < 0)
    return lex_fail(lx, lx->end_col, "missing %s for %s, expected %s",
                    n > 1 ? "a mode" : "an argument", name,
                    lex_join(list, sizeof list, words, n, " or "));
  return k;
}

/* The operations on a range with a mode, one word of a set (spec[1..]
   after pages=), and the value of op->arg for each word:
     MM mprotect ADDR none|r|rw [pages=N]  (enum scn_prot)
     MM msync ADDR async|sync [pages=N]
     MM madvise ADDR dontneed|remove [pages=N]
   Whether the map can be punched (MADV_REMOVE: shared, writable, tmpfs)
   is checked when the model is built (mm_program_check), at the mm
   name. */
static const struct {
  scn_opt spec[4];
  int nspec;
  int arg[3];
} modes[] = {
    [SCN_MPROTECT] = {{{"pages", 1}, {"none", 0}, {"r", 0}, {"rw", 0}},
                      4,
                      {SCN_PROT_NONE, SCN_PROT_READ, SCN_PROT_RW}},
    [SCN_MSYNC] = {{{"pages", 1}, {"async", 0}, {"sync", 0}},
                   3,
                   {SCN_MS_ASYNC, SCN_MS_SYNC}},
    [SCN_MADVISE] = {{{"pages", 1}, {"dontneed", 0}, {"remove", 0}},
                     3,
                     {SCN_MADV_DONTNEED, SCN_MADV_REMOVE}},
};

int scn_parse_op_mode(scn_lex *lx, const scenario *s, scn_op *op) {
  assert((size_t)op->kind < sizeof modes / sizeof modes[0] &&
         modes[op->kind].nspec);
  const scn_opt *spec = modes[op->kind].spec;
  int nspec = modes[op->kind].nspec;
  scn_tok o[4];
  int k;
  if (parse_mm_range(lx, s, op, spec, nspec, o) < 0 ||
      (k = one_word(lx, spec, o, 1, nspec - 1, scn_op_name(op->kind))) < 0)
    return -1;
  op->arg = modes[op->kind].arg[k];
  return 0;
}

/* MM munmap ADDR [pages=N] */
int scn_parse_op_munmap(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"pages", 1}};
  scn_tok o[1];
  return parse_mm_range(lx, s, op, spec, 1, o);
}

/* MM remap ADDR pgoff=P [pages=N] [nonblock]: pgoff is required, and
   the file pages P..P+N-1 must be page-cache indexes.  Whether the map
   can be remapped (shared, not tmpfs) is checked when the model is built
   (mm_program_check). */
int scn_parse_op_remap(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"pages", 1}, {"pgoff", 1}, {"nonblock", 0}};
  scn_tok o[3];
  uint64_t pgoff;
  if (parse_mm_range(lx, s, op, spec, 3, o) < 0)
    return -1;
  if (!o[1].p)
    return lex_fail(lx, lx->end_col,
                    "missing pgoff= for remap, expected pgoff=P (the file "
                    "page to map at the address)");
  if (lex_num(lx, o[1], 0, 0, SCN_MAX_FILE_PAGES - 1, "pgoff", &pgoff) < 0)
    return -1;
  if (pgoff + op->npages > SCN_MAX_FILE_PAGES)
    return lex_fail(lx, o[1].col,
                    "pgoff=%" PRIu64 " with %u pages reaches file page %" PRIu64
                    ", expected pgoff + pages <= %d",
                    pgoff, op->npages, pgoff + op->npages - 1,
                    SCN_MAX_FILE_PAGES);
  op->page = (uint32_t)pgoff;
  op->arg = o[2].p ? SCN_REMAP_NONBLOCK : 0;
  return 0;
}

/* MM follow_page ADDR [get] [touch] [write] */
int scn_parse_op_follow_page(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"get", 0}, {"touch", 0}, {"write", 0}};
  scn_tok o[3];
  if (scn_parse_op_addr(lx, s, op) < 0 ||
      lex_opts(lx, "follow_page", spec, 3, o) < 0)
    return -1;
  op->arg = (o[0].p ? SCN_FOLL_GET : 0) | (o[1].p ? SCN_FOLL_TOUCH : 0) |
            (o[2].p ? SCN_FOLL_WRITE : 0);
  return 0;
}

/* MM gup ADDR [write] [fast] [force] / MM pin ADDR [write] [fast] */
int scn_parse_op_gup(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"write", 0}, {"fast", 0}, {"force", 0}};
  scn_tok o[3] = {{0}};
  int col;
  int n = op->kind == SCN_GUP ? 3 : 2; /* pin_user_pages: no FOLL_FORCE */
  if (scn_parse_page_addr(lx, s, op, scn_op_name(op->kind), &col) < 0 ||
      lex_opts(lx, scn_op_name(op->kind), spec, n, o) < 0)
    return -1;
  op->arg = (o[0].p ? SCN_GUP_WRITE : 0) | (o[1].p ? SCN_GUP_FAST : 0) |
            (o[2].p ? SCN_GUP_FORCE : 0);
  op->addr_col = col;
  return 0;
}

/* MM procmem_write|uffd_continue|ksm_protect ADDR: one page, no option */
int scn_parse_op_page(scn_lex *lx, const scenario *s, scn_op *op) {
  int col;
  if (scn_parse_page_addr(lx, s, op, scn_op_name(op->kind), &col) < 0)
    return -1;
  op->addr_col = col;
  return 0;
}

/* MM uffd_register ADDR minor: the mode is required (only minor faults
   are modelled) */
int scn_parse_op_uffd_register(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"minor", 0}};
  scn_tok o[1] = {{0}};
  int col;
  if (scn_parse_page_addr(lx, s, op, scn_op_name(op->kind), &col) < 0)
    return -1;
  int mcol = lex_next_col(lx);
  if (lex_opts(lx, scn_op_name(op->kind), spec, 1, o) < 0)
    return -1;
  if (!o[0].p)
    return lex_fail(lx, mcol,
                    "missing mode for uffd_register, expected minor (only "
                    "UFFDIO_REGISTER_MODE_MINOR is modelled)");
  op->addr_col = col;
  return 0;
}

/* MM dma_write ADDR / MM unpin ADDR [dirty] */
int scn_parse_op_held(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"dirty", 0}};
  scn_tok o[1];
  int col;
  int n = op->kind == SCN_UNPIN ? 1 : 0;
  if (scn_parse_page_addr(lx, s, op, scn_op_name(op->kind), &col) < 0 ||
      lex_opts(lx, scn_op_name(op->kind), spec, n, o) < 0)
    return -1;
  op->arg = n && o[0].p ? SCN_UNPIN_DIRTY : 0;
  op->addr_col = col;
  return 0;
}

/* Does the thread hold a page it got or pinned at (mm, addr) after its
   first 'nops' operations?  The gup or pin operation, or NULL. */
const scn_op *scn_held_op(const scn_thread *th, int nops, int mm,
                          uint64_t addr) {
  const scn_op *held = NULL;
  for (int i = 0; i < nops; i++) {
    const scn_op *o = &th->ops[i];
    if (o->mm != mm || o->addr != addr)
      continue;
    if (o->kind == SCN_GUP || o->kind == SCN_PIN)
      held = o;
    else if (o->kind == SCN_UNPIN)
      held = NULL;
  }
  return held;
}

/* A thread uses a page it holds (dma_write, unpin) and pins an address
   once at a time: the program keys its pages by address. */
int scn_check_held(scn_lex *lx, const scenario *s, const scn_thread *th,
                   const scn_op *op) {
  if (op->kind != SCN_GUP && op->kind != SCN_PIN && op->kind != SCN_DMA_WRITE &&
      op->kind != SCN_UNPIN)
    return 0;
  const scn_op *h = scn_held_op(th, th->nops, op->mm, op->addr);
  const char *mm = s->mms[op->mm].name;
  int col = op->addr_col;
  switch (op->kind) {
  case SCN_GUP:
  case SCN_PIN:
    if (h)
      return lex_fail(lx, col,
                      "thread '%s' already holds 0x%" PRIx64 " from line %d, "
                      "expected a '%s unpin 0x%" PRIx64 "' line before this "
                      "one",
                      th->name, op->addr, h->line, mm, op->addr);
    return 0;
  case SCN_DMA_WRITE:
  case SCN_UNPIN:
    if (!h)
      return lex_fail(lx, col,
                      "%s of 0x%" PRIx64 ", which thread '%s' does not hold, "
                      "expected a '%s pin 0x%" PRIx64 "' or '%s gup 0x%" PRIx64
                      "' line of this thread before this one",
                      scn_op_name(op->kind), op->addr, th->name, mm, op->addr,
                      mm, op->addr);
    if (op->kind == SCN_DMA_WRITE && !(h->arg & SCN_GUP_WRITE))
      return lex_fail(lx, col,
                      "dma_write to 0x%" PRIx64 ", which line %d got "
                      "without 'write', expected a %s with write",
                      op->addr, h->line, scn_op_name(h->kind));
    return 0;
  default:
    return 0;
  }
}
