/*
** scn_ops.c - thread lines of a scenario: "cpuN: OP ..." and "cpuN.M: OP
** ...", each adding one operation to a thread's program (the format is in
** scenarios/FORMAT.md, "Thread lines and operations").
**
** The operations are one table, ops[], indexed by enum scn_op_kind: its
** keyword, whether the keyword follows an mm name ("p1 load 0x10000") or
** starts the operation ("truncate data 0"), and the function that reads
** its operands.  The op names, the "unknown operation" message and the
** names an mm may not take are all read from it.
**
** Threads are numbered in the order in which their label first appears;
** those numbers are the thread ids of schedule strings.  Operands are
** checked against the declarations above the line: the file, the mm and,
** for a load or store, a map of the mm that holds the address.
*/
#include "scn_stmt.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MAX_DELAY_NS 1000000000000ull /* 1000 s of simulated time */

typedef int op_parse_fn(scn_lex *lx, const scenario *s, scn_op *op);

typedef struct op_def {
  const char *kw;
  int after_mm; /* "MM kw ADDR", else "kw OPERANDS" */
  op_parse_fn *parse;
} op_def;

static op_parse_fn parse_addr, parse_truncate, parse_range, parse_delay,
    parse_file, parse_none, parse_mprotect, parse_msync, parse_munmap,
    parse_madvise, parse_follow_page, parse_write, parse_read, parse_reclaim,
    parse_gup, parse_held, parse_page_op, parse_uffd_register, parse_remap;

static const op_def ops[] = {
    [SCN_LOAD] = {"load", 1, parse_addr},
    [SCN_STORE] = {"store", 1, parse_addr},
    [SCN_TRUNCATE] = {"truncate", 0, parse_truncate},
    [SCN_DIO_WRITE] = {"dio_write", 0, parse_range},
    [SCN_DELAY] = {"delay", 0, parse_delay},
    [SCN_FSYNC] = {"fsync", 0, parse_file},
    [SCN_SYNC] = {"sync", 0, parse_none},
    [SCN_WRITEBACK] = {"writeback", 0, parse_file},
    [SCN_FS_FLUSH] = {"fs_flush", 0, parse_file},
    [SCN_RELEASE] = {"release", 0, parse_range},
    [SCN_MPROTECT] = {"mprotect", 1, parse_mprotect},
    [SCN_MSYNC] = {"msync", 1, parse_msync},
    [SCN_MUNMAP] = {"munmap", 1, parse_munmap},
    [SCN_MADVISE] = {"madvise", 1, parse_madvise},
    [SCN_FOLLOW_PAGE] = {"follow_page", 1, parse_follow_page},
    [SCN_WRITE] = {"write", 0, parse_write},
    [SCN_READ] = {"read", 0, parse_read},
    [SCN_RECLAIM] = {"reclaim", 0, parse_reclaim},
    [SCN_GUP] = {"gup", 1, parse_gup},
    [SCN_PIN] = {"pin", 1, parse_gup},
    [SCN_DMA_WRITE] = {"dma_write", 1, parse_held},
    [SCN_UNPIN] = {"unpin", 1, parse_held},
    [SCN_PROCMEM_WRITE] = {"procmem_write", 1, parse_page_op},
    [SCN_UFFD_REGISTER] = {"uffd_register", 1, parse_uffd_register},
    [SCN_UFFD_CONTINUE] = {"uffd_continue", 1, parse_page_op},
    [SCN_REMAP] = {"remap", 1, parse_remap},
    [SCN_KSM_PROTECT] = {"ksm_protect", 1, parse_page_op},
};
#define NOPS ((int)(sizeof ops / sizeof ops[0]))

const char *scn_op_name(enum scn_op_kind k) {
  assert((int)k >= 0 && (int)k < NOPS);
  return ops[k].kw;
}

/* The operation whose keyword is t among those (not) after an mm, or -1. */
static int find_op(scn_tok t, int after_mm) {
  for (int i = 0; i < NOPS; i++)
    if (ops[i].after_mm == after_mm && tok_is(t, ops[i].kw))
      return i;
  return -1;
}

int scn_is_op_name(scn_tok t) {
  return find_op(t, 0) >= 0 || find_op(t, 1) >= 0;
}

/* "load|store" (sep "|") or "truncate, dio_write, delay" (", "). */
static const char *op_list(char *buf, size_t n, int after_mm, const char *sep,
                           const char *extra) {
  const char *words[NOPS + 1];
  int nw = 0;
  for (int i = 0; i < NOPS; i++)
    if (ops[i].after_mm == after_mm)
      words[nw++] = ops[i].kw;
  if (extra)
    words[nw++] = extra;
  if (strcmp(sep, "|"))
    return lex_join(buf, n, words, nw, sep);
  size_t len = 0; /* "a|b|c" */
  buf[0] = 0;
  for (int i = 0; i < nw && len < n; i++)
    len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? "|" : "", words[i]);
  return buf;
}

/* ------------------------------------------------------------------------ */
/* Operands                                                                   */

/* MM load|store ADDR: the address must lie in a map of the mm. */
static int parse_addr(scn_lex *lx, const scenario *s, scn_op *op) {
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

/* The address range of an mm operation: ADDR is the start of a page of
   a map of the mm, [pages=N] (default 1) stays inside that map.  'opts'
   has pages= as its first entry; the other options are the operation's. */
static int parse_mm_range(scn_lex *lx, const scenario *s, scn_op *op,
                          const scn_opt *spec, int nspec, scn_tok *o) {
  const char *name = scn_op_name(op->kind);
  const char *a = lx->cur; /* the address token starts after blanks */
  while (a < lx->eol && (*a == ' ' || *a == '\t'))
    a++;
  int col = lex_col(lx, a);
  uint64_t npages = 1;
  if (parse_addr(lx, s, op) < 0)
    return -1;
  if (op->addr % PAGE_SIZE)
    return lex_fail(lx, col,
                    "address 0x%" PRIx64 " is not page aligned, expected a "
                    "multiple of 0x%x for %s",
                    op->addr, PAGE_SIZE, name);
  if (lex_opts(lx, name, spec, nspec, o) < 0)
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

/* MM mprotect ADDR none|r|rw [pages=N] */
static int parse_mprotect(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {
      {"pages", 1}, {"none", 0}, {"r", 0}, {"rw", 0}};
  scn_tok o[4];
  int k;
  if (parse_mm_range(lx, s, op, spec, 4, o) < 0 ||
      (k = one_word(lx, spec, o, 1, 3, "mprotect")) < 0)
    return -1;
  op->arg = k; /* enum scn_prot, in the order of spec[] */
  return 0;
}

/* MM msync ADDR async|sync [pages=N] */
static int parse_msync(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"pages", 1}, {"async", 0}, {"sync", 0}};
  scn_tok o[3];
  int k;
  if (parse_mm_range(lx, s, op, spec, 3, o) < 0 ||
      (k = one_word(lx, spec, o, 1, 2, "msync")) < 0)
    return -1;
  op->arg = k ? SCN_MS_SYNC : SCN_MS_ASYNC;
  return 0;
}

/* MM munmap ADDR [pages=N] */
static int parse_munmap(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"pages", 1}};
  scn_tok o[1];
  return parse_mm_range(lx, s, op, spec, 1, o);
}

/* MM madvise ADDR dontneed|remove [pages=N].  Whether the map can be
   punched (MADV_REMOVE: shared, writable, tmpfs) is checked when the model
   is built (mm_program_check), at the mm name. */
static int parse_madvise(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"pages", 1}, {"dontneed", 0}, {"remove", 0}};
  scn_tok o[3];
  int k;
  if (parse_mm_range(lx, s, op, spec, 3, o) < 0 ||
      (k = one_word(lx, spec, o, 1, 2, "madvise")) < 0)
    return -1;
  op->arg = k ? SCN_MADV_REMOVE : SCN_MADV_DONTNEED;
  return 0;
}

/* MM remap ADDR pgoff=P [pages=N] [nonblock]: pgoff is required, and
   the file pages P..P+N-1 must be page-cache indexes.  Whether the map
   can be remapped (shared, not tmpfs) is checked when the model is built
   (mm_program_check). */
static int parse_remap(scn_lex *lx, const scenario *s, scn_op *op) {
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
static int parse_follow_page(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"get", 0}, {"touch", 0}, {"write", 0}};
  scn_tok o[3];
  if (parse_addr(lx, s, op) < 0 || lex_opts(lx, "follow_page", spec, 3, o) < 0)
    return -1;
  op->arg = (o[0].p ? SCN_FOLL_GET : 0) | (o[1].p ? SCN_FOLL_TOUCH : 0) |
            (o[2].p ? SCN_FOLL_WRITE : 0);
  return 0;
}

/* The operations on a file that a tmpfs file refuses: truncate (shmem's
   ->setattr, shmem_notify_change, and its SHMEM_PAGEIN reset are not
   modelled), dio_write (shmem has no ->direct_IO: open(O_DIRECT) fails
   with -EINVAL in 2.6.20), and the writeback operations (tmpfs does no
   writeback: its backing_dev_info has BDI_CAP_NO_WRITEBACK, and its
   pages go to swap only from reclaim, which is not modelled). */
static int not_tmpfs(scn_lex *lx, const scenario *s, const scn_op *op,
                     scn_tok tf) {
  static const char *const why[] = {
      [SCN_TRUNCATE] = "truncate of a tmpfs file (shmem_notify_change) is "
                       "not modelled",
      [SCN_DIO_WRITE] = "tmpfs has no ->direct_IO (open(O_DIRECT) fails)",
      [SCN_FSYNC] = "tmpfs does no writeback (BDI_CAP_NO_WRITEBACK)",
      [SCN_WRITEBACK] = "tmpfs does no writeback (BDI_CAP_NO_WRITEBACK)",
      [SCN_FS_FLUSH] = "tmpfs has no buffers",
      [SCN_RELEASE] = "tmpfs pages have no buffers to release, and shmem "
                      "reclaim (swap) is not modelled",
      [SCN_RECLAIM] = "shmem reclaim (shmem_writepage to swap) is not "
                      "modelled",
  };
  assert((size_t)op->kind < sizeof why / sizeof why[0] && why[op->kind]);
  if (!s->files[op->file].tmpfs)
    return 0;
  return lex_fail(lx, tf.col,
                  "%s on file '%s': %s, expected a file without "
                  "'tmpfs'",
                  scn_op_name(op->kind), s->files[op->file].name,
                  why[op->kind]);
}

/* The page-aligned address of a one-page mm operation; its column in
 *col. */
static int parse_page_addr(scn_lex *lx, const scenario *s, scn_op *op,
                           int *col) {
  const char *a = lx->cur; /* the address token starts after blanks */
  while (a < lx->eol && (*a == ' ' || *a == '\t'))
    a++;
  *col = lex_col(lx, a);
  if (parse_addr(lx, s, op) < 0)
    return -1;
  if (op->addr % PAGE_SIZE)
    return lex_fail(lx, *col,
                    "address 0x%" PRIx64 " is not page aligned, expected a "
                    "multiple of 0x%x for %s",
                    op->addr, PAGE_SIZE, scn_op_name(op->kind));
  return 0;
}

/* MM gup ADDR [write] [fast] [force] / MM pin ADDR [write] [fast] */
static int parse_gup(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"write", 0}, {"fast", 0}, {"force", 0}};
  scn_tok o[3] = {{0}};
  int col;
  int n = op->kind == SCN_GUP ? 3 : 2; /* pin_user_pages: no FOLL_FORCE */
  if (parse_page_addr(lx, s, op, &col) < 0 ||
      lex_opts(lx, scn_op_name(op->kind), spec, n, o) < 0)
    return -1;
  op->arg = (o[0].p ? SCN_GUP_WRITE : 0) | (o[1].p ? SCN_GUP_FAST : 0) |
            (o[2].p ? SCN_GUP_FORCE : 0);
  op->addr_col = col;
  return 0;
}

/* MM procmem_write|uffd_continue|ksm_protect ADDR: one page, no option */
static int parse_page_op(scn_lex *lx, const scenario *s, scn_op *op) {
  int col;
  if (parse_page_addr(lx, s, op, &col) < 0)
    return -1;
  op->addr_col = col;
  return 0;
}

/* MM uffd_register ADDR minor: the mode is required (only minor faults
   are modelled) */
static int parse_uffd_register(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"minor", 0}};
  scn_tok o[1] = {{0}};
  int col;
  if (parse_page_addr(lx, s, op, &col) < 0)
    return -1;
  const char *a = lx->cur;
  while (a < lx->eol && (*a == ' ' || *a == '\t'))
    a++;
  int mcol = lex_col(lx, a);
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
static int parse_held(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"dirty", 0}};
  scn_tok o[1];
  int col;
  int n = op->kind == SCN_UNPIN ? 1 : 0;
  if (parse_page_addr(lx, s, op, &col) < 0 ||
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
static int check_held(scn_lex *lx, const scenario *s, const scn_thread *th,
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

/* truncate FILE SIZE */
static int parse_truncate(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok tf, ts;
  if (lex_need(lx, &tf, "a file name", "truncate") < 0 ||
      (op->file = scn_need_file(lx, s, tf)) < 0 ||
      not_tmpfs(lx, s, op, tf) < 0 ||
      lex_need(lx, &ts, "a size", s->files[op->file].name) < 0 ||
      lex_num(lx, ts, 1, 0, SCN_MAX_FILE_BYTES, "truncate size", &op->size) < 0)
    return -1;
  return 0;
}

/* FILE page=P [pages=N] and the operation's other options: 'spec'
   starts with page= and pages=, 'o' gets every option found. */
enum { OPT_PAGE, OPT_PAGES };
static int parse_file_pages(scn_lex *lx, const scenario *s, scn_op *op,
                            const scn_opt *spec, int nspec, scn_tok *o) {
  scn_tok tf;
  uint64_t page, npages = 1;
  char hp[48];
  const char *name = scn_op_name(op->kind);
  if (lex_need(lx, &tf, "a file name", name) < 0 ||
      (op->file = scn_need_file(lx, s, tf)) < 0 ||
      not_tmpfs(lx, s, op, tf) < 0 || lex_opts(lx, name, spec, nspec, o) < 0)
    return -1;
  if (!o[OPT_PAGE].p)
    return lex_fail(lx, lx->end_col,
                    "missing 'page=' option for %s, expected page=INDEX", name);
  if (lex_num(lx, o[OPT_PAGE], 0, 0, SCN_MAX_FILE_PAGES - 1, "page index",
              &page) < 0 ||
      (o[OPT_PAGES].p && lex_num(lx, o[OPT_PAGES], 0, 1, SCN_MAX_FILE_PAGES,
                                 "page count", &npages) < 0))
    return -1;
  const scn_file *f = &s->files[op->file];
  uint32_t np = scn_pages_of(f->size);
  if (page + npages > np && npages == 1)
    return lex_fail(lx, o[OPT_PAGE].col,
                    "page %" PRIu64 " is beyond the end of file '%s', %s", page,
                    f->name, scn_has_pages(hp, sizeof hp, np));
  if (page + npages > np)
    return lex_fail(lx, o[OPT_PAGE].col,
                    "pages %" PRIu64 "..%" PRIu64 " are beyond the end of "
                    "file '%s', %s",
                    page, page + npages - 1, f->name,
                    scn_has_pages(hp, sizeof hp, np));
  op->page = (uint32_t)page;
  op->npages = (uint32_t)npages;
  return 0;
}

/* The page=P operand of write and read: one page inside the file. */
static int parse_page_opt(scn_lex *lx, const scenario *s, scn_op *op) {
  const char *name = scn_op_name(op->kind);
  const scn_file *f = &s->files[op->file];
  scn_tok t, key, val;
  scn_shown b;
  uint64_t page;
  char hp[48];
  if (lex_need(lx, &t, "page=INDEX", f->name) < 0)
    return -1;
  if (!lex_split(lx, t, &key, &val) || !tok_is(key, "page"))
    return lex_fail(lx, t.col, "'%s' after the file of %s, expected page=INDEX",
                    lex_show(&b, t), name);
  if (lex_num(lx, val, 0, 0, SCN_MAX_FILE_PAGES - 1, "page index", &page) < 0)
    return -1;
  uint32_t np = scn_pages_of(f->size);
  if (page >= np)
    return lex_fail(lx, val.col,
                    "page %" PRIu64 " is beyond the end of file "
                    "'%s', %s",
                    page, f->name, scn_has_pages(hp, sizeof hp, np));
  op->page = (uint32_t)page;
  return 0;
}

/* The user buffer of write and read: MM ADDR, a page-aligned address in a
   map of MM (the buffer is that whole page). */
static int parse_user_page(scn_lex *lx, const scenario *s, scn_op *op,
                           const char *after) {
  scn_tok tm;
  if (lex_need(lx, &tm, "an mm name", after) < 0 ||
      (op->mm = scn_need_mm(lx, s, tm)) < 0)
    return -1;
  const char *a = lx->cur; /* the address token starts after blanks */
  while (a < lx->eol && (*a == ' ' || *a == '\t'))
    a++;
  int col = lex_col(lx, a);
  if (parse_addr(lx, s, op) < 0)
    return -1;
  if (op->addr % PAGE_SIZE)
    return lex_fail(lx, col,
                    "address 0x%" PRIx64 " is not page aligned, expected a "
                    "multiple of 0x%x for the buffer of %s (one whole page)",
                    op->addr, PAGE_SIZE, scn_op_name(op->kind));
  return 0;
}

/* write FILE page=P from MM ADDR */
static int parse_write(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok tf, tk;
  scn_shown b;
  if (lex_need(lx, &tf, "a file name", "write") < 0 ||
      (op->file = scn_need_file(lx, s, tf)) < 0 ||
      parse_page_opt(lx, s, op) < 0 ||
      lex_need(lx, &tk, "'from MM ADDR'", "page=INDEX") < 0)
    return -1;
  if (!tok_is(tk, "from"))
    return lex_fail(lx, tk.col,
                    "'%s' after page= of write, expected from MM ADDR (the "
                    "user buffer)",
                    lex_show(&b, tk));
  return parse_user_page(lx, s, op, "from");
}

/* read FILE page=P [into MM ADDR] */
static int parse_read(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok tf, tk;
  scn_shown b;
  int r;
  if (lex_need(lx, &tf, "a file name", "read") < 0 ||
      (op->file = scn_need_file(lx, s, tf)) < 0 ||
      parse_page_opt(lx, s, op) < 0 || (r = lex_next(lx, &tk)) < 0)
    return -1;
  op->mm = -1;
  if (!r)
    return 0;
  if (!tok_is(tk, "into"))
    return lex_fail(lx, tk.col,
                    "'%s' after page= of read, expected into MM ADDR or the "
                    "end of the line",
                    lex_show(&b, tk));
  return parse_user_page(lx, s, op, "into");
}

/* dio_write|release FILE page=P [pages=N] */
static int parse_range(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"page", 1}, {"pages", 1}};
  scn_tok o[2];
  return parse_file_pages(lx, s, op, spec, 2, o);
}

/* reclaim FILE page=P [pages=N] [direct] */
static int parse_reclaim(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"page", 1}, {"pages", 1}, {"direct", 0}};
  scn_tok o[3];
  if (parse_file_pages(lx, s, op, spec, 3, o) < 0)
    return -1;
  op->arg = o[2].p ? SCN_RECLAIM_DIRECT : 0;
  return 0;
}

/* fsync|writeback|fs_flush FILE */
static int parse_file(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok tf;
  const char *name = scn_op_name(op->kind);
  if (lex_need(lx, &tf, "a file name", name) < 0 ||
      (op->file = scn_need_file(lx, s, tf)) < 0 || not_tmpfs(lx, s, op, tf) < 0)
    return -1;
  if (op->kind == SCN_FS_FLUSH && !s->files[op->file].buffers)
    return lex_fail(lx, tf.col,
                    "fs_flush writes buffers, and file '%s' has none, "
                    "expected a file declared with 'buffers'",
                    s->files[op->file].name);
  return 0;
}

/* sync: no operand */
static int parse_none(scn_lex *lx, const scenario *s, scn_op *op) {
  (void)lx;
  (void)s;
  (void)op;
  return 0;
}

/* delay NS */
static int parse_delay(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok tn;
  (void)s;
  if (lex_need(lx, &tn, "nanoseconds", "delay") < 0 ||
      lex_num(lx, tn, 0, 0, MAX_DELAY_NS, "delay", &op->ns) < 0)
    return -1;
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Descriptions: a thread's operations as the scenario wrote them             */

/* Appends one operation, as written after the thread's label, to buf at
 *len (bounded by n). */
static void describe_op(const scenario *s, const scn_op *op, char *buf,
                        size_t n, size_t *len) {
#define PUT(...)                                                               \
  do {                                                                         \
    if (*len < n)                                                              \
      *len += (size_t)snprintf(buf + *len, n - *len, __VA_ARGS__);             \
  } while (0)
  const char *kw = scn_op_name(op->kind);
  if (ops[op->kind].after_mm) {
    PUT("%s %s 0x%" PRIx64, s->mms[op->mm].name, kw, op->addr);
    if (op->kind == SCN_MPROTECT)
      PUT(" %s", op->arg == SCN_PROT_NONE   ? "none"
                 : op->arg == SCN_PROT_READ ? "r"
                                            : "rw");
    if (op->kind == SCN_MSYNC)
      PUT(" %s", op->arg == SCN_MS_SYNC ? "sync" : "async");
    if (op->kind == SCN_MADVISE)
      PUT(" %s", op->arg == SCN_MADV_REMOVE ? "remove" : "dontneed");
    if (op->kind == SCN_FOLLOW_PAGE)
      PUT("%s%s%s", op->arg & SCN_FOLL_GET ? " get" : "",
          op->arg & SCN_FOLL_TOUCH ? " touch" : "",
          op->arg & SCN_FOLL_WRITE ? " write" : "");
    if (op->kind == SCN_GUP || op->kind == SCN_PIN)
      PUT("%s%s%s", op->arg & SCN_GUP_WRITE ? " write" : "",
          op->arg & SCN_GUP_FORCE ? " force" : "",
          op->arg & SCN_GUP_FAST ? " fast" : "");
    if (op->kind == SCN_UNPIN && (op->arg & SCN_UNPIN_DIRTY))
      PUT(" dirty");
    if (op->kind == SCN_UFFD_REGISTER)
      PUT(" minor"); /* the one mode modelled */
    if (op->kind == SCN_REMAP)
      PUT(" pgoff=%" PRIu32 "%s", op->page,
          op->arg & SCN_REMAP_NONBLOCK ? " nonblock" : "");
    if (op->npages > 1)
      PUT(" pages=%" PRIu32, op->npages);
    return;
  }
  switch (op->kind) {
  case SCN_DELAY:
    PUT("delay %" PRIu64, op->ns);
    break;
  case SCN_SYNC:
    PUT("sync");
    break;
  case SCN_TRUNCATE:
    PUT("truncate %s %" PRIu64, s->files[op->file].name, op->size);
    break;
  case SCN_DIO_WRITE:
  case SCN_RELEASE:
  case SCN_RECLAIM:
    PUT("%s %s page=%" PRIu32, kw, s->files[op->file].name, op->page);
    if (op->npages > 1)
      PUT(" pages=%" PRIu32, op->npages);
    if (op->kind == SCN_RECLAIM && (op->arg & SCN_RECLAIM_DIRECT))
      PUT(" direct");
    break;
  case SCN_WRITE:
  case SCN_READ:
    PUT("%s %s page=%" PRIu32, kw, s->files[op->file].name, op->page);
    if (op->mm >= 0)
      PUT(" %s %s 0x%" PRIx64, op->kind == SCN_WRITE ? "from" : "into",
          s->mms[op->mm].name, op->addr);
    break;
  default: /* FILE operand only */
    PUT("%s %s", kw, s->files[op->file].name);
    break;
  }
#undef PUT
}

const char *scn_op_format(const scenario *s, const scn_op *op, char *buf,
                          size_t n) {
  size_t len = 0;
  assert(n > 0);
  buf[0] = 0;
  describe_op(s, op, buf, n, &len);
  return buf;
}

const char *scn_thread_describe(const scenario *s, const scn_thread *t,
                                char *buf, size_t n) {
  assert(n > 0);
  size_t len = 0;
  buf[0] = 0;
  for (int i = 0; i < t->nops; i++) {
    if (t->ops[i].kind == SCN_DELAY)
      continue; /* timing, not what the thread does */
    if (len && len < n)
      len += (size_t)snprintf(buf + len, n - len, "; ");
    describe_op(s, &t->ops[i], buf, n, &len);
  }
  return buf;
}

/* ------------------------------------------------------------------------ */
/* Thread lines                                                               */

int scn_is_thread_label(scn_tok t) {
  return t.len > 3 && !memcmp(t.p, "cpu", 3) && lex_is_digit(t.p[3]);
}

/*
** Parses a thread label "cpuN:" or "cpuN.M:"; *sub is 0 without ".M" (so
** that "cpuN.0:" is told apart by *has_sub).  -1 if malformed.
*/
static int parse_label(scn_tok t, unsigned *cpu, int *has_sub, unsigned *sub) {
  const char *p = t.p + 3, *e = t.p + t.len;
  unsigned *v = cpu;
  assert(scn_is_thread_label(t));
  *cpu = *sub = 0;
  *has_sub = 0;
  for (;;) {
    if (p == e || !lex_is_digit(*p))
      return -1;
    for (; p < e && lex_is_digit(*p); p++) /* saturates: checked later */
      *v = *v > 99999 ? 999999 : *v * 10 + (unsigned)(*p - '0');
    if (*has_sub || p == e || *p != '.')
      break;
    p++;
    *has_sub = 1;
    v = sub;
  }
  return p + 1 == e && *p == ':' ? 0 : -1;
}

/* The thread a label names, created at its first appearance; -1 if the
   label is malformed or out of range (reported). */
static int label_thread(scn_lex *lx, scenario *s, scn_tok label) {
  scn_shown b;
  unsigned cpu, sub;
  int has_sub;
  char name[SCN_NAME];
  if (parse_label(label, &cpu, &has_sub, &sub) < 0)
    return lex_fail(lx, label.col,
                    "bad thread label '%s', expected cpuN: or cpuN.M:",
                    lex_show(&b, label));
  if (!s->ncpus)
    return lex_fail(lx, label.col,
                    "thread label '%s' before the 'cpus' statement, "
                    "expected 'cpus N' first",
                    lex_show(&b, label));
  if (cpu >= (unsigned)s->ncpus)
    return lex_fail(lx, label.col,
                    "cpu %u out of range, expected 0..%d (cpus %d)", cpu,
                    s->ncpus - 1, s->ncpus);
  if (has_sub && (sub < 1 || sub >= SCN_MAX_THREADS))
    return lex_fail(lx, label.col,
                    "thread suffix .%u out of range, expected 1..%d (cpu%u: "
                    "is the first thread of cpu %u)",
                    sub, SCN_MAX_THREADS - 1, cpu, cpu);
  if (has_sub)
    snprintf(name, sizeof name, "cpu%u.%u", cpu, sub);
  else
    snprintf(name, sizeof name, "cpu%u", cpu);
  int tid = 0;
  while (tid < s->nthreads && strcmp(s->threads[tid].name, name))
    tid++;
  if (tid < s->nthreads)
    return tid;
  if (s->nthreads == SCN_MAX_THREADS)
    return lex_fail(lx, label.col, "too many threads, expected at most %d",
                    SCN_MAX_THREADS);
  s->nthreads++;
  s->threads[tid].cpu = (int)cpu;
  strcpy(s->threads[tid].name, name);
  return tid;
}

/* cpuN[.M]: OP ... */
int scn_stmt_thread(scn_parser *ps, scn_tok label) {
  scn_lex *lx = &ps->lx;
  scenario *s = ps->s;
  scn_tok t, ta;
  scn_shown b;
  char lab[SCN_NAME + 1], list[768];
  int tid = label_thread(lx, s, label), k;
  if (tid < 0)
    return -1;
  scn_thread *th = &s->threads[tid];
  snprintf(lab, sizeof lab, "%s:", th->name);
  if (lex_need(lx, &t, "an operation", lab) < 0)
    return -1;
  if (th->nops == SCN_MAX_OPS)
    return lex_fail(lx, t.col,
                    "too many operations for thread '%s', expected at most %d",
                    th->name, SCN_MAX_OPS);
  scn_op *op = &th->ops[th->nops];
  *op = (scn_op){.line = lx->line, .col = t.col, .mm = -1, .file = -1};
  if ((k = find_op(t, 0)) < 0) {
    if ((op->mm = scn_find_mm(s, t)) < 0 && tok_is(t, "punch"))
      return lex_fail(lx, t.col,
                      "the 'punch FILE page=P' operation is gone: a hole "
                      "punch is madvise(MADV_REMOVE) of a mapping, expected "
                      "MM madvise ADDR remove [pages=N] on a shared rw map "
                      "of a tmpfs file");
    if (op->mm < 0) {
      char access[512];
      snprintf(access, sizeof access, "MM %s ADDR with a declared MM",
               op_list(list, sizeof list, 1, "|", NULL));
      char dym[64], all[1024];
      op_list(list, sizeof list, 0, " or ", access);
      snprintf(all, sizeof all, "%s %s", list,
               op_list(dym, sizeof dym, 1, "|", NULL));
      lex_show(&b, t);
      return lex_fail(lx, t.col, "unknown operation '%s'%s, expected %s", b.s,
                      lex_suggest(dym, sizeof dym, b.s, all), list);
    }
    op_list(list, sizeof list, 1, " or ", NULL);
    if (lex_need(lx, &ta, list, s->mms[op->mm].name) < 0)
      return -1;
    if ((k = find_op(ta, 1)) < 0) {
      char dym[64];
      lex_show(&b, ta);
      return lex_fail(lx, ta.col, "unknown access '%s'%s, expected %s", b.s,
                      lex_suggest(dym, sizeof dym, b.s, list), list);
    }
  }
  op->kind = (enum scn_op_kind)k;
  if (ops[k].parse(lx, s, op) < 0 || check_held(lx, s, th, op) < 0)
    return -1;
  th->nops++;
  return lex_need_eol(lx, ops[k].kw);
}
