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
** The operands are read in scn_ops_mm.c (the operations on an mm) and
** scn_ops_file.c (the others); this file holds the table, the
** descriptions of a thread's operations and the thread lines.
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

typedef struct op_def {
  const char *kw;
  int after_mm;           /* "MM kw ADDR", else "kw OPERANDS" */
  scn_op_parse_fn *parse; /* scn_ops_mm.c, scn_ops_file.c */
} op_def;

static const op_def ops[] = {
    [SCN_LOAD] = {"load", 1, scn_parse_op_addr},
    [SCN_STORE] = {"store", 1, scn_parse_op_addr},
    [SCN_TRUNCATE] = {"truncate", 0, scn_parse_op_truncate},
    [SCN_DIO_WRITE] = {"dio_write", 0, scn_parse_op_range},
    [SCN_DELAY] = {"delay", 0, scn_parse_op_delay},
    [SCN_FSYNC] = {"fsync", 0, scn_parse_op_file},
    [SCN_SYNC] = {"sync", 0, scn_parse_op_none},
    [SCN_WRITEBACK] = {"writeback", 0, scn_parse_op_file},
    [SCN_FS_FLUSH] = {"fs_flush", 0, scn_parse_op_file},
    [SCN_RELEASE] = {"release", 0, scn_parse_op_range},
    [SCN_MPROTECT] = {"mprotect", 1, scn_parse_op_mode},
    [SCN_MSYNC] = {"msync", 1, scn_parse_op_mode},
    [SCN_MUNMAP] = {"munmap", 1, scn_parse_op_munmap},
    [SCN_MADVISE] = {"madvise", 1, scn_parse_op_mode},
    [SCN_FOLLOW_PAGE] = {"follow_page", 1, scn_parse_op_follow_page},
    [SCN_WRITE] = {"write", 0, scn_parse_op_write},
    [SCN_READ] = {"read", 0, scn_parse_op_read},
    [SCN_RECLAIM] = {"reclaim", 0, scn_parse_op_reclaim},
    [SCN_GUP] = {"gup", 1, scn_parse_op_gup},
    [SCN_PIN] = {"pin", 1, scn_parse_op_gup},
    [SCN_DMA_WRITE] = {"dma_write", 1, scn_parse_op_held},
    [SCN_UNPIN] = {"unpin", 1, scn_parse_op_held},
    [SCN_PROCMEM_WRITE] = {"procmem_write", 1, scn_parse_op_page},
    [SCN_UFFD_REGISTER] = {"uffd_register", 1, scn_parse_op_uffd_register},
    [SCN_UFFD_CONTINUE] = {"uffd_continue", 1, scn_parse_op_page},
    [SCN_REMAP] = {"remap", 1, scn_parse_op_remap},
    [SCN_KSM_PROTECT] = {"ksm_protect", 1, scn_parse_op_page},
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
  if (ops[k].parse(lx, s, op) < 0 || scn_check_held(lx, s, th, op) < 0)
    return -1;
  th->nops++;
  return lex_need_eol(lx, ops[k].kw);
}
