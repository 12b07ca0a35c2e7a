/*
** scn_ops_file.c - the operands of the operations that start with their
** keyword ("truncate data 0", "write data page=0 from p1 0x10000"): the
** file operations (truncate, dio_write, release, reclaim, fsync,
** writeback, fs_flush, write, read), with the operations a tmpfs file
** refuses and the page range that must lie inside the file, and sync and
** delay.  The table of operations and the thread lines are in scn_ops.c,
** the operations on an mm in scn_ops_mm.c; the format is in
** scenarios/FORMAT.md.
*/
#include "scn_stmt.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>

#define MAX_DELAY_NS 1000000000000ull /* 1000 s of simulated time */

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

/* truncate FILE SIZE */
int scn_parse_op_truncate(scn_lex *lx, const scenario *s, scn_op *op) {
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
  char hp[96];
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
                    f->name, scn_beyond_eof(hp, sizeof hp, np));
  if (page + npages > np)
    return lex_fail(lx, o[OPT_PAGE].col,
                    "pages %" PRIu64 "..%" PRIu64 " are beyond the end of "
                    "file '%s', %s",
                    page, page + npages - 1, f->name,
                    scn_beyond_eof(hp, sizeof hp, np));
  op->page = (uint32_t)page;
  op->npages = (uint32_t)npages;
  return 0;
}

/* FILE page=P of write and read: the file, and one page inside it. */
static int parse_file_page(scn_lex *lx, const scenario *s, scn_op *op) {
  const char *name = scn_op_name(op->kind);
  scn_tok tf, t, key, val;
  scn_shown b;
  uint64_t page;
  char hp[96];
  if (lex_need(lx, &tf, "a file name", name) < 0 ||
      (op->file = scn_need_file(lx, s, tf)) < 0)
    return -1;
  const scn_file *f = &s->files[op->file];
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
                    page, f->name, scn_beyond_eof(hp, sizeof hp, np));
  op->page = (uint32_t)page;
  return 0;
}

/* The user buffer of write and read, after the word 'kw' (from, into),
   which tk must be ('expected' says what may stand there): MM ADDR, a
   page-aligned address in a map of MM (the buffer is that whole page). */
static int parse_user_page(scn_lex *lx, const scenario *s, scn_op *op,
                           scn_tok tk, const char *kw, const char *expected) {
  scn_tok tm;
  scn_shown b;
  char what[64];
  int col;
  if (!tok_is(tk, kw))
    return lex_fail(lx, tk.col, "'%s' after page= of %s, expected %s",
                    lex_show(&b, tk), scn_op_name(op->kind), expected);
  if (lex_need(lx, &tm, "an mm name", kw) < 0 ||
      (op->mm = scn_need_mm(lx, s, tm)) < 0)
    return -1;
  snprintf(what, sizeof what, "the buffer of %s (one whole page)",
           scn_op_name(op->kind));
  return scn_parse_page_addr(lx, s, op, what, &col);
}

/* write FILE page=P from MM ADDR */
int scn_parse_op_write(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok tk;
  if (parse_file_page(lx, s, op) < 0 ||
      lex_need(lx, &tk, "'from MM ADDR'", "page=INDEX") < 0)
    return -1;
  return parse_user_page(lx, s, op, tk, "from",
                         "from MM ADDR (the user buffer)");
}

/* read FILE page=P [into MM ADDR] */
int scn_parse_op_read(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok tk;
  int r;
  if (parse_file_page(lx, s, op) < 0 || (r = lex_next(lx, &tk)) < 0)
    return -1;
  op->mm = -1;
  if (!r)
    return 0;
  return parse_user_page(lx, s, op, tk, "into",
                         "into MM ADDR or the end of the line");
}

/* dio_write|release FILE page=P [pages=N] */
int scn_parse_op_range(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"page", 1}, {"pages", 1}};
  scn_tok o[2];
  return parse_file_pages(lx, s, op, spec, 2, o);
}

/* reclaim FILE page=P [pages=N] [direct] */
int scn_parse_op_reclaim(scn_lex *lx, const scenario *s, scn_op *op) {
  static const scn_opt spec[] = {{"page", 1}, {"pages", 1}, {"direct", 0}};
  scn_tok o[3];
  if (parse_file_pages(lx, s, op, spec, 3, o) < 0)
    return -1;
  op->arg = o[2].p ? SCN_RECLAIM_DIRECT : 0;
  return 0;
}

/* fsync|writeback|fs_flush FILE */
int scn_parse_op_file(scn_lex *lx, const scenario *s, scn_op *op) {
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
int scn_parse_op_none(scn_lex *lx, const scenario *s, scn_op *op) {
  (void)lx;
  (void)s;
  (void)op;
  return 0;
}

/* delay NS */
int scn_parse_op_delay(scn_lex *lx, const scenario *s, scn_op *op) {
  scn_tok tn;
  (void)s;
  if (lex_need(lx, &tn, "nanoseconds", "delay") < 0 ||
      lex_num(lx, tn, 0, 0, MAX_DELAY_NS, "delay", &op->ns) < 0)
    return -1;
  return 0;
}
