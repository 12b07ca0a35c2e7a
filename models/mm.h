/*
** mm.h - the modelled memory-management state and the model's entry points.
**
** What is modelled (R1, fault vs truncate/invalidate, Linux 2.6.20/2.6.23):
** struct page, one address_space per file with its page cache (a flat array
** standing in for the radix tree), vmas, one page table per mm with its pte
** lock, mmap_sem, and the backing store as a content version per block.
** State is pointer-free (indexes, -1 for NULL) so that an execution starts
** with a single memcpy from the initial state built from the scenario.
**
** Every field names the lock that guards it, as in include/linux/mm_types.h.
** The page flags PG_locked is not a bit here: it is the engine lock object
** page_lock_oid(page), so that lock_page() blocks and unlock_page() wakes.
**
** Page lifecycle (2.6.20 names; the fault/truncate race lives on the edge
** marked (*): a page leaves the cache while a pte still maps it):
**
**   free (count 0) --add_to_page_cache--> cached,locked
**   cached,locked --readpage end_io--> uptodate
**   uptodate --do_no_page/__do_fault--> mapped (mapcount>0)
**   mapped --zap_pte_range--> uptodate
**   uptodate --truncate_complete_page / invalidate_complete_page2-->
**        orphan (mapping -1) --last put_page--> free (count 0)
**   mapped --(*) __remove_from_page_cache--> orphan but mapped: BUG
**
** The model's own code (not kernel files): mm.c builds the state and lays
** out the objects, program.c runs the scenario threads' programs,
** invariants.c holds the checks and the violation kinds, fpcheck.c the
** footprint checker (knob debug.footprint_check).  The kernel paths live in
** the files named after mm/ (kernel.h declares them).
*/
#ifndef MMSIM_MM_H
#define MMSIM_MM_H

#include <stdint.h>

#include "models/scenario.h"
#include "models/variant.h"
#include "sim/sim.h"

#define MM_MAX_PAGES 128 /* struct page slots */
#define MM_POOL 6        /* slots each thread allocates from */
#define MM_MAX_PTES 32   /* pte slots per mm (one page table) */
#define MM_NFILEPAGES SCN_MAX_FILE_PAGES

/* page->flags; PG_locked is the engine lock page_lock_oid().  Each flag
   that is written independently is an engine object of its own: PG_dirty,
   PG_uptodate (with PG_mappedtodisk, always written with it, and
   PG_private, never set), PG_writeback. */
enum {
  PG_dirty = 1 << 0,
  PG_uptodate = 1 << 1,
  PG_writeback = 1 << 2,
  PG_private = 1 << 3, /* buffers attached: never set (no buffers) */
  PG_mappedtodisk = 1 << 4,
};

/* One object per independently written part (enum mm_oclass in brackets).
   A slot is free when its count is 0: the allocator (page_cache_read's
   add_to_page_cache step) is the one observer of a count reaching 0. */
struct page {
  uint8_t flags;    /* PG_*: atomic bitops [DIRTY, UPTODATE, WRITEBACK];
                       PG_dirty also under tree_lock with its tag */
  int16_t count;    /* _count: atomic get_page/put_page, commutative
                       updates (SIM_OP_ADD) [REF] */
  int16_t mapcount; /* ptes mapping it: page_add_file_rmap/page_remove_rmap,
                       under the pte lock of the pte [MAPCOUNT] */
  int8_t mapping;   /* file id, -1 = NULL: set/cleared under tree_lock with
                       the page locked [MAPPING] */
  uint16_t index;   /* file page offset: written only when a free page is
                       added to the cache [INDEX] */
  uint32_t data;    /* content version: written by stores, readpage [DATA] */
};

struct pte {
  uint8_t present, write, dirty, young; /* hardware bits; pte lock, except
                                           that the MMU sets young/dirty */
  int16_t page;                         /* page slot, -1 when none */
};

struct address_space {
  int16_t tree[MM_NFILEPAGES];  /* page_tree: slot or -1; tree_lock [TREE] */
  uint16_t nrpages;             /* tree_lock [TREE] */
  uint16_t dirty_tag;           /* PAGECACHE_TAG_DIRTY bits; tree_lock
                                   [TREE_TAGS] */
  uint64_t i_size;              /* written under i_mutex, read locklessly */
  uint32_t truncate_count;      /* i_mmap_lock; read locklessly by faults */
  uint32_t disk[MM_NFILEPAGES]; /* backing store block versions (0: hole) */
};

struct vma {
  int8_t mm, file; /* immutable */
  uint64_t start, end;
  uint32_t pgoff;
  uint8_t shared, read, write; /* VM_SHARED, VM_READ, VM_WRITE */
  uint8_t prot_write;          /* vm_page_prot carries the write bit: not
                                  for writenotify vmas (2.6.19+) */
  uint8_t pte_base;            /* first pte slot of this vma in its mm */
};

struct mm_struct {
  struct pte pte[MM_MAX_PTES]; /* one page table; pte lock mm_ptl_oid() */
};

/* Everything an execution mutates; reset by memcpy. */
struct mm_state {
  struct page page[MM_MAX_PAGES];
  /* as[] and mm[]: the objects of files and page tables (enum mm_oclass);
     next_data, sigbus, last_load: thread-local, written only by their own
     thread; fault_retries: a test mark, not state */
  struct address_space as[SCN_MAX_FILES];
  struct mm_struct mm[SCN_MAX_MMS];
  uint32_t next_data[SCN_MAX_THREADS]; /* per-thread store version counter */
  int sigbus[SCN_MAX_THREADS];         /* SIGBUS count per thread */
  uint32_t last_load[SCN_MAX_THREADS]; /* value of the last user load */
  int fault_retries;                   /* marks for tests (SQLite testcase) */
};

/* Object ids: a dense layout the model computes once.  Each is one part of
   the state that some step writes on its own (models/fpcheck.c maps every
   field of struct mm_state to its object). */
enum mm_oclass {
  OC_PAGE_DIRTY,     /* PG_dirty: atomic bitops */
  OC_PAGE_UPTODATE,  /* PG_uptodate, PG_mappedtodisk: atomic bitops */
  OC_PAGE_WRITEBACK, /* PG_writeback: set with the page locked */
  OC_PAGE_MAPCOUNT,  /* page->_mapcount: under the pte's lock */
  OC_PAGE_MAPPING,   /* page->mapping: tree_lock and PG_locked */
  OC_PAGE_INDEX,     /* page->index: fixed while the page is allocated */
  OC_PAGE_REF,       /* page->_count: get_page/put_page (SIM_OP_ADD) */
  OC_PAGE_DATA,      /* page contents: none (user stores race) */
  OC_PAGE_LOCK,      /* PG_locked */
  OC_TREE,           /* page_tree slots + nrpages: tree_lock */
  OC_TREE_TAGS,      /* page_tree dirty tags: tree_lock */
  OC_ISIZE,          /* inode->i_size */
  OC_TRUNC,          /* mapping->truncate_count */
  OC_DISK,           /* backing store of the file */
  OC_I_MUTEX,        /* inode->i_mutex */
  OC_I_ALLOC,        /* inode->i_alloc_sem */
  OC_I_MMAP,         /* mapping->i_mmap_lock */
  OC_TREE_LOCK,      /* mapping->tree_lock */
  OC_MMAP_SEM,       /* mm->mmap_sem */
  OC_PTL,            /* the page table's lock */
  OC_PTE,            /* one pte */
  OC_NCLASS
};

typedef struct mm_model {
  const scenario *scn;
  mm_knobs knobs;
  struct mm_state init; /* built from the scenario */
  struct mm_state s;    /* the running execution's state */
  struct vma vma[SCN_MAX_MAPS];
  int nvma;
  int mapped[SCN_MAX_FILES]; /* mapping_mapped(): some vma maps the file */
  int pool_base;             /* first allocator slot (after cached pages) */
  uint32_t base[OC_NCLASS];  /* first oid of each class */
  uint32_t nobjs;
  sim_thread_cfg threads[SCN_MAX_THREADS];
  char thread_names[SCN_MAX_THREADS][48];
  /* per-execution bookkeeping for checks (ghost state: not the kernel's,
     never part of a footprint) */
  int truncated[SCN_MAX_FILES]; /* a truncate finished in this execution */
  /* page references each thread holds (from a lookup, a get_page, a pte
     it cleared, a page it removed from the cache), for the accounting
     invariant (invariants.c) */
  int8_t refs[SCN_MAX_THREADS][MM_MAX_PAGES];
  struct mm_state snap; /* debug.footprint_check: state before the action */
  sim_exec *x;          /* current execution, for checks */
} mm_model;

/* Builds the model from a parsed scenario and its variant (the scenario's
   kernel and knob overrides, unless 'variant' overrides the kernel).
   Returns 0, or -1 with "FILE:LINE:COL: error: ..." in err. */
int mm_model_init(mm_model *m, const scenario *scn, const char *variant,
                  char *err, size_t errlen);
extern const sim_model_ops mm_model_ops;
/* Is the variant's state space finite?  Not when a path reads
   mapping->truncate_count (2.6.20's do_no_page): every unmap increments it,
   so a fault/truncate cycle never returns to a state it had. */
int mm_finite_state(const mm_model *m);
/* "name=on,name=off,..." of the effective knobs */
void mm_knobs_format(const mm_knobs *k, char *buf, size_t n);

/* Violation kinds of the model, raised as these ids: the table mm_kinds
   (invariants.c) has row i = id SIM_KIND_MODEL + i. */
enum mm_kind {
  MM_KIND_PAGE_MAPPED_ON_REMOVE = SIM_KIND_MODEL, /* a BUG_ON in the kernel */
  MM_KIND_PTE_CACHE_MISMATCH,                     /* at quiescence */
  MM_KIND_PTE_BEYOND_EOF,                         /* at quiescence */
  MM_KIND_REFCOUNT_MISMATCH,                      /* after every step */
  MM_KIND_UNDECLARED_WRITE, /* debug.footprint_check, after every step */
  MM_KIND__END
};
#define MM_NKINDS (MM_KIND__END - SIM_KIND_MODEL)
extern const sim_kind mm_kinds[MM_NKINDS];

/* The parts of mm_model_ops, by file. */
/* mm.c: "pte(MM,0xADDR)" of pte slot 'slot' of mm 'mm' */
void mm_pte_name(const mm_model *m, int mm, int slot, char *buf, size_t n);
/* program.c: a scenario thread's program; and the check, at build time,
   that the model can run every program (0, or -1 with FILE:LINE:COL) */
void mm_thread_main(void *model, sim_thread *t, int tid);
int mm_program_check(const mm_model *m, char *err, size_t errlen);
/* invariants.c: checks after every step and at quiescence */
void mm_after_step(void *model, sim_exec *x);
void mm_at_end(void *model, sim_exec *x);
/* The refcount accounting invariant: the first page slot whose count is
   not (1 if in the page cache) + (present ptes mapping it) + (references
   the threads hold), with the expected count in *want; -1 if none. */
int mm_refcount_mismatch(const mm_model *m, int *want);
/* fpcheck.c (knob debug.footprint_check): after the action of step 's' of
   thread 'tid', the first field that changed since m->snap outside the
   objects 's' writes (WRITE or ADD), named in buf; 0 if none.  The caller
   then copies the state to m->snap. */
int mm_fp_undeclared(const mm_model *m, int tid, const sim_stepdesc *s,
                     char *buf, size_t n);

/* mm.c: the value of object 'i' of class 'c' in state 's', as words:
   exactly the fields of struct mm_state that the object stands for (the
   one field-to-object map: the footprint checker compares these words,
   obj_hash and state_key hash them).  Returns how many, 0 for a lock. */
#define MM_OBJ_WORDS (MM_NFILEPAGES + 1)
int mm_obj_words(const mm_model *m, const struct mm_state *s, enum mm_oclass c,
                 int i, uint64_t w[MM_OBJ_WORDS]);

/* Object ids */
static inline sim_oid mm_oid(const mm_model *m, enum mm_oclass c, int i) {
  return m->base[c] + (uint32_t)i;
}
#define page_dirty_oid(m, p) mm_oid(m, OC_PAGE_DIRTY, p)
#define page_uptodate_oid(m, p) mm_oid(m, OC_PAGE_UPTODATE, p)
#define page_writeback_oid(m, p) mm_oid(m, OC_PAGE_WRITEBACK, p)
#define page_mapcount_oid(m, p) mm_oid(m, OC_PAGE_MAPCOUNT, p)
#define page_mapping_oid(m, p) mm_oid(m, OC_PAGE_MAPPING, p)
#define page_index_oid(m, p) mm_oid(m, OC_PAGE_INDEX, p)
#define page_ref_oid(m, p) mm_oid(m, OC_PAGE_REF, p)
#define page_data_oid(m, p) mm_oid(m, OC_PAGE_DATA, p)
#define page_lock_oid(m, p) mm_oid(m, OC_PAGE_LOCK, p)

/* The running model, from a thread. */
static inline mm_model *mm_of(sim_thread *t) {
  return sim_model(sim_thread_exec(t));
}

/* Ghost bookkeeping of the references thread 't' holds on 'page' (+1 when
   it takes or inherits one, -1 when it drops or hands one over). */
static inline void page_ref_held(sim_thread *t, int page, int delta) {
  mm_model *m = mm_of(t);
  m->refs[sim_thread_id(t)][page] += (int8_t)delta;
}

#endif /* MMSIM_MM_H */
