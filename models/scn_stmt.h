/*
** scn_stmt.h - internal to the scenario parser: what its two statement
** files share.  scenario.c parses the declarations (scenario, kernel, set,
** cpus, file, mm, map, expect, run, litmus) and the file as a whole;
** scn_ops.c parses the thread lines ("cpuN: OP ...") through its table of
** operations.  Both read tokens through scn_lex.h.
*/
#ifndef MMSIM_SCN_STMT_H
#define MMSIM_SCN_STMT_H

#include "scenario.h"
#include "scn_lex.h"

#define SCN_MAX_CPUS 8
#define SCN_MAX_FILE_BYTES ((uint64_t)SCN_MAX_FILE_PAGES * PAGE_SIZE)

/* The index of a declared file or mm named t, else -1. */
int scn_find_file(const scenario *s, scn_tok t);
int scn_find_mm(const scenario *s, scn_tok t);
/* The same, reported as an error when undeclared (-1). */
int scn_need_file(scn_lex *lx, const scenario *s, scn_tok t);
int scn_need_mm(scn_lex *lx, const scenario *s, scn_tok t);

/* The page count of a file of 'size' bytes. */
uint32_t scn_pages_of(uint64_t size);
/* "which has 1 page" / "which has 3 pages" / "which has no pages" */
const char *scn_has_pages(char *buf, size_t n, uint32_t npages);

/* scn_ops.c: "cpuN:" or "cpuN.M:" starts a thread line (by its look: a
   malformed label is an error of the thread line). */
int scn_is_thread_label(scn_tok t);
/* Parses the thread line that starts with 'label' into s->threads. */
int scn_parse_thread_line(scn_lex *lx, scenario *s, scn_tok label);
/* t is the keyword of an operation (a name an mm must not take). */
int scn_is_op_name(scn_tok t);

#endif /* MMSIM_SCN_STMT_H */
