/*
** cond.h - outcome conditions: what a scenario says about the final state
** of an execution (`expect exists|never|always COND`, scenarios/FORMAT.md,
** "Outcome conditions"), as herd7's `exists (1:r0=1 /\ 1:r1=0)`.
**
** The parser (scn_cond.c) turns COND into a typed tree of cond_node, kept
** pointer-free in the scenario (nodes refer to each other by index, to
** threads, mms and files by their scenario index), and checks types: a
** page is compared with a page, a content with a content, counts are
** ordered.  The evaluator (cond.c) walks the tree over a model's final
** state through one accessor, cond_view.value, which the model implements
** (mm_final.c for the MM model): it never sees the model's structs, and
** the engine never sees conditions.
**
** Values are 64-bit integers whose meaning comes from the term's type:
**   CTY_BOOL     0 or 1
**   CTY_INT      a count (mapcount, SIGBUS deliveries) or a literal
**   CTY_CONTENT  a content version (COND_NONE: no content, as a load that
**                faulted with SIGBUS or a page not in the cache); versions
**                are classified as the model numbers them: cond_version_*
**   CTY_PAGE     a struct page slot, COND_NONE for none
*/
#ifndef MMSIM_COND_H
#define MMSIM_COND_H

#include <stddef.h>
#include <stdint.h>

#define SCN_MAX_CONDS 8         /* condition lines in a scenario */
#define SCN_MAX_COND_NODES 160  /* nodes of all its conditions */
#define COND_NONE ((int64_t)-1) /* no content / no page */

enum cond_kind {
  /* boolean structure */
  CN_TRUE,
  CN_FALSE,
  CN_NOT,  /* not a */
  CN_AND,  /* a and b */
  CN_OR,   /* a or b */
  CN_CMP,  /* a CMP b, two terms of one type */
  CN_TEST, /* a boolean term a, used as a condition */
  /* terms the model reads from the final state */
  CT_LOAD,        /* THREAD.loadK: what its K-th load op returned (content) */
  CT_PTE_PRESENT, /* pte(MM,ADDR).present (bool) */
  CT_PTE_WRITE,   /* .write (bool) */
  CT_PTE_DIRTY,   /* .dirty (bool) */
  CT_PTE_PAGE,    /* .page: the page it maps (page) */
  CT_CACHED,      /* cached(FILE,P): page P is in the page cache (bool) */
  CT_DIRTY,       /* dirty(FILE,P): ... and PG_dirty (bool) */
  CT_MAPCOUNT,    /* mapcount(FILE,P): its mapcount, 0 if not cached (int) */
  CT_PAGE,        /* page(FILE,P): the cached page (page) */
  CT_DATA,        /* data(FILE,P): its content (content) */
  CT_DISK,        /* disk(FILE,P): the block's content (content) */
  CT_LAST_STORE,  /* last_store(FILE,P): the last content stored to page P
                     (by any thread, any path), its content at start when
                     none (content); a bare 'last_store' compared with
                     disk(FILE,P) or data(FILE,P) takes their FILE,P */
  CT_REG,         /* litmus scenarios: tN.rK, register K of thread N (int) */
  CT_SIGBUS,      /* sigbus(THREAD): SIGBUS deliveries (int) */
  CT_SEGV,        /* segv(THREAD): SIGSEGV deliveries (int) */
  /* constants */
  CT_NUM,     /* a number (int) */
  CT_OLD,     /* a content no thread wrote: the file's at start (class) */
  CT_NEW,     /* a content some thread wrote (class) */
  CT_ZERO,    /* a zeroed page: a tmpfs hole, a new anonymous page */
  CT_NONE,    /* no content / no page (content or page) */
  CT_VERSION, /* THREAD.vK: the K-th content that thread wrote */
  CN__COUNT
};

enum cond_type { CTY_BOOL, CTY_INT, CTY_CONTENT, CTY_PAGE, CTY_NONE };
enum cond_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };
enum cond_quant {
  CQ_EXISTS, /* some execution ends in a state where COND holds */
  CQ_NEVER,  /* no execution does */
  CQ_ALWAYS, /* every execution does */
};

typedef struct cond_node {
  uint8_t kind;            /* enum cond_kind */
  uint8_t type;            /* enum cond_type of a term (CTY_BOOL for CN_*) */
  uint8_t cmp;             /* CN_CMP: enum cond_cmp */
  int8_t thread, mm, file; /* scenario indexes, -1 when unused */
  int16_t a, b;            /* children, -1 when unused */
  uint32_t k;              /* CT_LOAD, CT_VERSION: K (1-based); the file
                              terms: the page index */
  uint64_t num;            /* CT_NUM; CT_PTE_*: the address */
  int col;                 /* where it starts on its line */
} cond_node;

/* One condition line. */
typedef struct scn_cond {
  char variant[16]; /* "" for 'expect QUANT COND' */
  uint8_t quant;    /* enum cond_quant */
  int16_t root;     /* its tree in scenario.cond_nodes */
  int line, col;    /* of the quantifier */
  char text[120];   /* "exists cpu0.load1 != cpu1.load1", blanks squeezed,
                       cut with "..." */
} scn_cond;

/* A model's final state, for the evaluator. */
typedef struct cond_view {
  const void *model;
  /* the value of term n (CT_LOAD .. CT_SEGV) in the current state */
  int64_t (*value)(const void *model, const cond_node *n);
} cond_view;

/* Does the condition rooted at nodes[root] hold in v's state? */
int cond_eval(const cond_node *nodes, int root, const cond_view *v);

/* Content versions as the MM model numbers them (models/mm.c): 0 is a
   zeroed page, (tid + 1) << 24 | K the K-th content thread tid wrote,
   anything else nonzero below 1 << 24 a content the file had at start. */
static inline int64_t cond_version_of(int tid, uint32_t k) {
  return (int64_t)((uint32_t)(tid + 1) << 24 | k);
}
/* "none", "zero", "old", or "cpu1.v2" (thread names from 'names') */
const char *cond_version_name(char *buf, size_t n, int64_t v,
                              const char *const *names, int nnames);

const char *cond_quant_name(enum cond_quant q);

#endif /* MMSIM_COND_H */
