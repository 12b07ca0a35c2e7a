/*
** scn_stmt.h - internal to the scenario parser: the parser state and what
** its statement files share.  scenario.c holds the table of statements and
** parses the file as a whole and the scenario, kernel, set, cpus, expect,
** run and litmus statements; scn_decl.c the file, mm and map declarations;
** scn_ops.c the thread lines ("cpuN: OP ...") through its table of
** operations, whose operands scn_ops_mm.c and scn_ops_file.c read.  All
** read tokens through scn_lex.h.  scn_format.c, which writes a parsed
** scenario back, takes the words of conditions from scn_cond.c here.
*/
#ifndef MMSIM_SCN_STMT_H
#define MMSIM_SCN_STMT_H

#include "scenario.h"
#include "scn_lex.h"

#define SCN_MAX_CPUS 8
#define SCN_MAX_FILE_BYTES ((uint64_t)SCN_MAX_FILE_PAGES * PAGE_SIZE)

/* The statements, in the order of scenario.c's table stmts[]. */
enum scn_stmt_id {
  ST_SCENARIO,
  ST_KERNEL,
  ST_SET,
  ST_CPUS,
  ST_FILE,
  ST_MM,
  ST_MAP,
  ST_THREAD,
  ST_EXPECT_ON,
  ST_EXPECT_EXISTS, /* expect exists|never|always COND: any number */
  ST_EXPECT_NEVER,
  ST_EXPECT_ALWAYS,
  ST_EXPECT,
  ST_RUN,
  ST_LITMUS,
  ST_N
};

typedef struct scn_parser {
  scn_lex lx;
  scenario *s;     /* being filled */
  int first[ST_N]; /* line of the first statement of each kind, 0: unseen */
  int sched_col;   /* column of the "run schedule" string */
  int eof_line, eof_col; /* the position just past the input */
} scn_parser;

/* Statements parsed outside scenario.c; kw is the first token. */
int scn_stmt_file(scn_parser *ps, scn_tok kw);   /* scn_decl.c */
int scn_stmt_mm(scn_parser *ps, scn_tok kw);     /* scn_decl.c */
int scn_stmt_map(scn_parser *ps, scn_tok kw);    /* scn_decl.c */
int scn_stmt_thread(scn_parser *ps, scn_tok kw); /* scn_ops.c */
/* scn_cond.c: "exists|never|always COND" of an 'expect' line ('variant'
   "" for the plain one), quant being the quantifier just read */
int scn_is_quant(scn_tok t);
int scn_stmt_cond(scn_parser *ps, const char *variant, scn_tok quant);
/* scn_cond.c: how many registers thread tid of the scenario's litmus
   program has (0 for an MM scenario) */
int scn_litmus_regs(const scenario *s, int tid);
/* scn_cond.c: the word of a condition term's kind ("cached", "present",
   "old", ...; "?" for one that has none) and of a comparison ("<="), for
   scn_format.c's scn_cond_format */
const char *scn_cond_kind_word(enum cond_kind k);
const char *scn_cond_cmp_op(enum cond_cmp c);

/* scn_symsched.c: a symbolic "run schedule" (sim/symsched.h).  _text
   finds the schedule on the rest of the line, [*b, *e), and returns 1 if
   it is symbolic; _parse checks its grammar and stores it; _check
   resolves its thread names against names[0..nth-1] at the end. */
int scn_symsched_text(scn_parser *ps, const char **b, const char **e);
int scn_symsched_parse(scn_parser *ps, const char *b, const char *e);
int scn_symsched_check(scn_parser *ps, const char *const *names, int nth);

/* Names a file or an mm may not take: the keywords of the statement table
   (scenario.c) and of the operation table (scn_ops.c). */
int scn_is_stmt_name(scn_tok t);
int scn_is_op_name(scn_tok t);
/* "cpuN:" or "cpuN.M:" starts a thread line (by its look: a malformed
   label is an error of the thread line). */
int scn_is_thread_label(scn_tok t);

/* scn_decl.c: the index of a declared file or mm named t, else -1; the
   need_ forms report an undeclared name. */
int scn_find_file(const scenario *s, scn_tok t);
int scn_find_mm(const scenario *s, scn_tok t);
int scn_need_file(scn_lex *lx, const scenario *s, scn_tok t);
int scn_need_mm(scn_lex *lx, const scenario *s, scn_tok t);
/* The page count of a file of 'size' bytes. */
uint32_t scn_pages_of(uint64_t size);
/* "which has 1 page" / "which has 3 pages" / "which has no pages" */
const char *scn_has_pages(char *buf, size_t n, uint32_t npages);
/* The end of a page-beyond-EOF error: scn_has_pages, then what was
   expected: "..., expected page index 0" / "..., expected page indexes
   0..2" / "..., expected a file with size= above 0".  'n' >= 96. */
const char *scn_beyond_eof(char *buf, size_t n, uint32_t npages);

/* The operand parsers of the operation table (scn_ops.c): each reads the
   operands of op, whose kind (and mm, for an operation on an mm) is set,
   and returns 0, or -1 after reporting.  scn_ops_mm.c: */
typedef int scn_op_parse_fn(scn_lex *lx, const scenario *s, scn_op *op);
scn_op_parse_fn scn_parse_op_addr, scn_parse_op_mode, scn_parse_op_munmap,
    scn_parse_op_remap, scn_parse_op_follow_page, scn_parse_op_gup,
    scn_parse_op_held, scn_parse_op_page, scn_parse_op_uffd_register;
/* scn_ops_file.c: */
scn_op_parse_fn scn_parse_op_truncate, scn_parse_op_range, scn_parse_op_delay,
    scn_parse_op_file, scn_parse_op_none, scn_parse_op_write, scn_parse_op_read,
    scn_parse_op_reclaim;
/* The page-aligned address of a one-page operation (scn_ops_mm.c), in a
   map of op->mm; 'what' names it in the error ("gup", "the buffer of
   write ..."); its column in *col. */
int scn_parse_page_addr(scn_lex *lx, const scenario *s, scn_op *op,
                        const char *what, int *col);
/* A thread uses a page it holds (dma_write, unpin) and pins an address
   once at a time (scn_ops_mm.c); 0, or -1 after reporting. */
int scn_check_held(scn_lex *lx, const scenario *s, const scn_thread *th,
                   const scn_op *op);

#endif /* MMSIM_SCN_STMT_H */
