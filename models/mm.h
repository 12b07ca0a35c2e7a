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
#define MM_MAX_BIO 8 /* bios in flight to the block device */
/* Threads: the scenario's, then the model's own when it tracks writeback
   (mm_model.wb): the block device completing I/O (MM_TID_DISK) and the
   process exits with the final sync (MM_TID_EXIT). */
#define MM_MAX_THREADS (SCN_MAX_THREADS + 2)
#define MM_LOAD_NONE 0xffffffffu /* mm_state.loads: no value */

/* page->flags; PG_locked is the engine lock page_lock_oid().  Each flag
   that is written independently is an engine object of its own: PG_dirty,
   PG_uptodate (with PG_mappedtodisk, always written with it),
   PG_writeback, and PG_private with the buffer_head (OC_PAGE_BH). */
enum {
  PG_dirty = 1 << 0,
  PG_uptodate = 1 << 1,
  PG_writeback = 1 << 2,
  PG_private = 1 << 3, /* buffers attached (files with 'buffers') */
  PG_mappedtodisk = 1 << 4,
};

/* The buffer_head of a page of a 'buffers' file (one per page: blocksize
   = PAGE_SIZE, as ext3 on 4 KiB blocks), b_state bits of
   include/linux/buffer_head.h.  BH_Lock is not a bit here: it is the
   engine lock object bh_lock_oid(page) (OC_BH_LOCK), a sleeping bit lock
   held across the I/O that the block device's completion releases
   (SIM_OP_UNLOCK_ANY), so that DPOR sees two lock_buffer()s race. */
enum {
  BH_Dirty = 1 << 0,       /* set under private_lock, test-and-cleared by I/O */
                           /* 1 << 1: BH_Lock, the lock OC_BH_LOCK */
  BH_Mapped = 1 << 2,      /* has a disk block: always, files are allocated */
  BH_Async_Write = 1 << 3, /* end_buffer_async_write ends page writeback */
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
  uint16_t gen;     /* ghost, with data: +1 at each user store, from the
                       disk's generation when read (fsync-lost) [DATA] */
  uint8_t bh;       /* BH_* of its buffer_head when PG_private [BH] */
  uint8_t anon;     /* PAGE_ANON*: an anonymous page (PAGE_MAPPING_ANON in
                       page->mapping), and PG_anon_exclusive (5.19+;
                       a ghost before, read only by 6.0's GUP rule):
                       set by page_add_new_anon_rmap under the pte lock
                       before the pte is set, fixed while mapped [MAPPING] */
};
enum { PAGE_ANON = 1 << 0, PAGE_ANON_EXCLUSIVE = 1 << 1 };

/* A write request in flight (submit_bio/submit_bh to the block device):
   the content is taken at submit time, as the DMA reads the page then. */
enum bio_end {
  BIO_END_PAGE_WRITEBACK, /* end_buffer_async_write / mpage end_io: ends
                             PG_writeback of the page */
  BIO_END_WRITE_SYNC,     /* end_buffer_write_sync: unlocks the buffer */
};
struct bio {
  int8_t file, page;
  uint8_t index, end; /* block (= page index), enum bio_end */
  uint32_t data;
  uint16_t gen;
};

struct pte {
  uint8_t present, write, dirty, young; /* hardware bits; pte lock, except
                                           that the MMU sets young/dirty */
  int16_t page;                         /* page slot, -1 when none */
  /* pte_file (fremap.c): a not-present pte of a nonlinear vma that holds
     the file page to map there (pgoff_to_pte); pte lock */
  uint8_t file, pgoff;
};

/* pte_same() (2.6.20 asm-generic/pgtable.h and asm-i386/pgtable-3level.h,
   5.15 and 6.0 arch/x86/include/asm/pgtable.h: the whole pte value): every
   bit the model keeps, the dirty bit included, but young: x86 ptes are
   made young (every PAGE_* protection has _PAGE_ACCESSED) and nothing in
   the model clears it (no page_referenced), so in the kernel it is set on
   both sides wherever the model compares; the model's young bit only
   records a user access.  A not-present pte is none or a file pte with
   its pgoff; the other fields mean nothing there. */
static inline int pte_same(struct pte a, struct pte b) {
  if (a.present != b.present)
    return 0;
  if (!a.present)
    return a.file == b.file && (!a.file || a.pgoff == b.pgoff);
  return a.write == b.write && a.dirty == b.dirty && a.page == b.page;
}

struct address_space {
  int16_t tree[MM_NFILEPAGES];  /* page_tree: slot or -1; tree_lock [TREE] */
  uint16_t nrpages;             /* tree_lock [TREE] */
  uint16_t dirty_tag;           /* PAGECACHE_TAG_DIRTY bits; tree_lock
                                   [TREE_TAGS] */
  uint16_t wb_tag;              /* PAGECACHE_TAG_WRITEBACK bits; tree_lock
                                   [TREE_TAGS] */
  uint64_t i_size;              /* written under i_mutex, read locklessly */
  uint32_t truncate_count;      /* i_mmap_lock; read locklessly by faults */
  uint32_t disk[MM_NFILEPAGES]; /* backing store block versions (0: hole) */
  /* ghost (the checks', not the kernel's), with disk: the write
     generation each block holds (page->gen of the content written) [DISK] */
  uint16_t disk_gen[MM_NFILEPAGES];
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

/* What mmap, mprotect and munmap change in a vma (the rest of struct vma
   is fixed): written with mmap_sem held for writing, and for 'gone' also
   under i_mmap_lock (unlink_file_vma) [VMA]. */
struct vma_state {
  uint8_t gone;         /* unmapped: off the mm's list and the file's i_mmap */
  uint8_t vm_write;     /* VM_WRITE */
  uint8_t prot_write;   /* vm_page_prot has the write bit */
  uint8_t uffd_minor;   /* VM_UFFD_MINOR: userfaultfd_register (mmap_sem
                           held for writing) */
  uint8_t nonlinear;    /* VM_NONLINEAR: on i_mmap_nonlinear, not on the
                           i_mmap tree (sys_remap_file_pages, fremap.c;
                           also under i_mmap_lock) */
  uint8_t uffd_waiting; /* userfaultfd: threads blocked in handle_userfault
                           on this vma (the fault queue and its wait
                           queue, ctx->fault_pending_wqh); wake_userfault
                           empties it */
};

/* Everything an execution mutates; reset by memcpy. */
struct mm_state {
  struct page page[MM_MAX_PAGES];
  /* as[] and mm[]: the objects of files and page tables (enum mm_oclass);
     next_data, sigbus, segv, last_load: thread-local, written only by their own
     thread; fault_retries: a test mark, not state */
  struct address_space as[SCN_MAX_FILES];
  struct mm_struct mm[SCN_MAX_MMS];
  struct vma_state vs[SCN_MAX_MAPS]; /* of vma[i], in map order */
  /* the block device's request queue, in submission order [BIOQ] */
  struct bio bioq[MM_MAX_BIO];
  uint8_t nbio;
  uint8_t alive; /* scenario threads not yet exited [ALIVE] */
  uint32_t next_data[MM_MAX_THREADS]; /* per-thread store version counter */
  int sigbus[MM_MAX_THREADS];         /* SIGBUS count per thread */
  int segv[MM_MAX_THREADS];           /* SIGSEGV count per thread (a user
                                         access outside every vma or
                                         against its protection) */
  uint32_t last_load[MM_MAX_THREADS]; /* value of the last user load */
  /* what each load operation of the thread's program returned, by
     operation index (MM_LOAD_NONE: not run, or it faulted): the outcome
     conditions' THREAD.loadK (mm_final.c) */
  uint32_t loads[MM_MAX_THREADS][SCN_MAX_OPS];
  /* fsync-lost: per thread, the file an fsync in progress syncs (-1: none)
     and the write generations of its blocks when it was called (ghost) */
  int8_t fsync_file[MM_MAX_THREADS];
  /* writenotify-dirty: per thread, page + 1 of a write fault between
     making its pte writable and dirty and set_page_dirty (ghost) */
  int16_t dirtying[MM_MAX_THREADS];
  uint16_t fsync_gen[MM_MAX_THREADS][MM_NFILEPAGES];
  int fault_retries; /* marks for tests (SQLite testcase) */
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
  /* writeback and buffers (after the R1 classes, whose ids stay put) */
  OC_PAGE_BH,      /* PG_private and the page's buffer_head b_state */
  OC_PRIVATE_LOCK, /* mapping->private_lock */
  OC_BIOQ,         /* the block device's request queue */
  OC_ALIVE,        /* scenario threads not yet exited */
  OC_VMA,          /* a vma\'s mutable state (struct vma_state) */
  OC_BH_LOCK,      /* BH_Lock of the page's buffer_head: lock_buffer() */
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
  int npages; /* slots [0, npages) can be in use: the cached pages and every
                 thread's pool; the loops over pages stop there */
  int nptes[SCN_MAX_MMS];   /* pte slots [0, nptes[mm]) belong to a map */
  uint32_t base[OC_NCLASS]; /* first oid of each class */
  uint32_t nobjs;
  /* writeback tracking: the model runs its own threads (block device,
     exits and final sync) and the lost-write and fsync-lost checks; on
     when the scenario has an operation that writes back or a 'buffers'
     file (mm_model_init), off for the R1 scenarios, whose I/O then
     completes in the submitting thread as before */
  int wb;
  int has_buffers;    /* some file has buffers: set_page_dirty dispatches */
  int needs_buffers;  /* a file is buffers_required: dirty-without-buffers */
  int unmaps_mapping; /* some operation calls unmap_mapping_range() */
  int uffd;           /* some operation uses userfaultfd: vma state is
                         hashed in the state key */
  int remaps;         /* some operation calls remap_file_pages: so is it;
                         vmas from scn->nmaps on are the linear vmas that
                         3ee6dafc's emulation maps (fremap.c), gone until
                         then */
  int nthreads;       /* scenario threads + the model's own */
  sim_thread_cfg threads[MM_MAX_THREADS];
  char thread_names[MM_MAX_THREADS][48];
  /* per-execution bookkeeping for checks (ghost state: not the kernel's,
     never part of a footprint) */
  int truncated[SCN_MAX_FILES]; /* a truncate finished in this execution */
  /* page references each thread holds (from a lookup, a get_page, a pte
     it cleared, a page it removed from the cache), for the accounting
     invariant (invariants.c) */
  int16_t refs[MM_MAX_THREADS][MM_MAX_PAGES]; /* a pin counts 1024 */
  /* FOLL_PIN references each thread holds (gup.c): each adds
     mm_pin_bias() to the page's count, not 1, so they are not in refs */
  int8_t pins[MM_MAX_THREADS][MM_MAX_PAGES];
  /* per page, the sum over threads of refs plus pins times the pin bias,
     kept with them (page_ref_held, page_pin_held) so that the accounting
     invariant, checked after every step, does not sum them again */
  int32_t held[MM_MAX_PAGES];
  /* GUP references taken with FOLL_WRITE (pins or gets) each thread
     still holds: a device may write the page (pinned-lost-buffers,
     pinned-page-cleaned) */
  int8_t gup_write[MM_MAX_THREADS][MM_MAX_PAGES];
  /* vmf->flags of the fault each thread is in, the one bit the model
     needs: set while a GUP whose caller passed no 'locked' (5.x
     __access_remote_vm: get_user_pages_remote(..., NULL)) is in
     handle_mm_fault, so the fault has no FAULT_FLAG_ALLOW_RETRY and
     handle_userfault must not sleep (gup.c faultin_page).  A local of the
     thread's call chain, hashed with the state (mm.c). */
  uint8_t fault_noretry[MM_MAX_THREADS];
  /* R5 write protection (ksm.c), ghost: wp[p] is set when
     write_protect_page() leaves page p protected (a clean read-only pte)
     and cleared when a writer breaks the protection in order (a write
     fault reusing the page, write(2)'s write_begin); wp_data[p] is its
     data then.  write_section[tid] is page + 1 while thread tid's write(2)
     is between write_begin and write_end (0: none).  wp-broken reads
     them (invariants.c). */
  uint8_t wp[MM_MAX_PAGES];
  uint32_t wp_data[MM_MAX_PAGES];
  int16_t write_section[MM_MAX_THREADS];
  /* the outcome conditions' last_store(FILE,P) (cond.h), ghost: the last
     content stored to each file page, by a user store through a mapping
     of it (procmem_write's included), write(2), a DMA write into its
     cached page or an O_DIRECT write of its block; the content at start
     when none.  Kept (and hashed in the state key) only when a condition
     names it: track_stores (mm_model_init) */
  int track_stores;
  uint32_t last_store[SCN_MAX_FILES][MM_NFILEPAGES];
  int gup_fast_fallbacks; /* a mark for tests: GUP-fast found the pte
                             changed and fell back (gup.c) */
  struct mm_state snap;   /* debug.footprint_check: state before the action */
  sim_exec *x;            /* current execution, for checks */
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
/* mm_final.c: the final state for outcome conditions (cond.h): the value
   of a term, and the canonical text of what the terms can name */
int64_t mm_cond_value(const void *model, const cond_node *n);
void mm_final_state(const void *model, char *buf, size_t n);

/* Violation kinds of the model, raised as these ids: the table mm_kinds
   (invariants.c) has row i = id SIM_KIND_MODEL + i. */
enum mm_kind {
  MM_KIND_PAGE_MAPPED_ON_REMOVE = SIM_KIND_MODEL, /* a BUG_ON in the kernel */
  MM_KIND_PTE_CACHE_MISMATCH,                     /* at quiescence */
  MM_KIND_PTE_BEYOND_EOF,                         /* at quiescence */
  MM_KIND_REFCOUNT_MISMATCH,                      /* after every step */
  MM_KIND_UNDECLARED_WRITE,  /* debug.footprint_check, after every step */
  MM_KIND_LOST_WRITE,        /* at the end, after the exits and final sync */
  MM_KIND_FSYNC_LOST,        /* when an fsync returns */
  MM_KIND_WRITENOTIFY_DIRTY, /* after every step, with writeback tracking */
  MM_KIND_DIRTY_WITHOUT_BUFFERS,     /* after every step, buffers_required */
  MM_KIND_WRITEPAGE_WITHOUT_BUFFERS, /* the BUG in such a ->writepage */
  MM_KIND_PINNED_LOST_BUFFERS,       /* debug.pinned_lost_buffers, every step */
  MM_KIND_PINNED_PAGE_CLEANED,       /* debug.pinned_cleaned, every step */
  MM_KIND_FILE_WRITTEN_WITHOUT_PERMISSION, /* at each store into a page */
  MM_KIND_WP_BROKEN, /* R5 write protection (ksm.c), after every step */
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
/* wp-broken (R5, invariants.c): the first write-protected page (ghost
   mm_model.wp[], ksm.c) that some writer can change or has changed, in
   *page, with the thread or pte slot involved in *who (-1 for
   WP_DATA_CHANGED); WP_OK if none. */
enum mm_wp_clause {
  WP_OK,
  WP_WRITABLE_PTE,  /* a present writable pte maps it (*who: mm * MM_MAX_PTES
                       + slot) */
  WP_WRITE_SECTION, /* a write(2) is between write_begin and write_end */
  WP_WRITE_PIN,     /* a thread holds a FOLL_WRITE GUP reference on it */
  WP_DATA_CHANGED,  /* its data is not what it was when protected */
};
enum mm_wp_clause mm_wp_broken(const mm_model *m, int *page, int *who);
/* invariants.c: checks after every step and at quiescence */
void mm_after_step(void *model, sim_exec *x);
void mm_at_end(void *model, sim_exec *x);
/* The refcount accounting invariant: the first page slot whose count is
   not (1 if in the page cache) + (present ptes mapping it) + (references
   the threads hold), with the expected count in *want; -1 if none. */
int mm_refcount_mismatch(const mm_model *m, int *want);
/* pinned-lost-buffers and pinned-page-cleaned, when their knobs are on:
   raises the first and returns 1, else 0. */
int mm_pinned_check(const mm_model *m, sim_exec *x);
/* file-written-without-permission: would a store into 'page' through vma
   'v' (a user store, or the kernel's through GUP) change a page-cache
   page of a file the writer has no write access to?  The writer has it
   through a VM_SHARED|VM_WRITE mapping (write(2) and O_DIRECT do not come
   here); an anonymous page (a private copy) is nobody's file. */
int mm_file_write_denied(const mm_model *m, const struct vma *v, int page);
/* raises it from the current step if so; returns whether it did */
int mm_file_write_check(sim_thread *t, const struct vma *v, int page);
/* file-written-without-permission at GUP level: may a FOLL_WRITE lookup
   through vma 'v' return the page of present pte 'pte'?  Only if the pte
   is writable, or the vma is private, without VM_WRITE (VM_MAYWRITE: every
   private map of the model has it) and the page an exclusive anonymous
   page (the rule 5535be30 gave can_follow_write_pte, 6.0; issue 11).
   Returns 1 if the lookup is denied. */
int mm_gup_write_denied(const mm_model *m, const struct vma *v, struct pte pte);
/* raises it from the current step if the pte at 'addr' of 'v', which the
   lookup just returned, is denied: returns whether it did */
int mm_gup_write_check(sim_thread *t, const struct vma *v, uint64_t addr);
/* Content 'data' was just stored to page 'index' of 'file': the ghost
   last_store of the outcome conditions (a no-op unless track_stores).
   mm_file_write_check notes the user stores; write(2), DMA and O_DIRECT
   writes call it. */
void mm_note_store(mm_model *m, int file, uint32_t index, uint32_t data);
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
_Static_assert(1 + 2 * MM_MAX_BIO <= MM_OBJ_WORDS, "the queue's words");
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
#define page_bh_oid(m, p) mm_oid(m, OC_PAGE_BH, p)
#define bh_lock_oid(m, p) mm_oid(m, OC_BH_LOCK, p)
#define vma_oid(m, i) mm_oid(m, OC_VMA, i)

/* The model's own threads, after the scenario's (when m->wb). */
static inline int mm_tid_disk(const mm_model *m) {
  return m->scn->nthreads;
}
static inline int mm_tid_exit(const mm_model *m) {
  return m->scn->nthreads + 1;
}

/* The running model, from a thread. */
static inline mm_model *mm_of(sim_thread *t) {
  return sim_model(sim_thread_exec(t));
}

/* Ghost bookkeeping of the references thread 't' holds on 'page' (+1 when
   it takes or inherits one, -1 when it drops or hands one over). */
static inline void page_ref_held(sim_thread *t, int page, int delta) {
  mm_model *m = mm_of(t);
  m->refs[sim_thread_id(t)][page] += (int16_t)delta;
  m->held[page] += delta;
}

/* Ghost bookkeeping of writenotify-dirty (invariants.c): a write fault
   made a pte of 'page' writable and dirty, and has not yet dirtied the
   page (set_page_dirty_balance ends the window). */
static inline void fault_dirtying(sim_thread *t, int page) {
  mm_of(t)->s.dirtying[sim_thread_id(t)] = (int16_t)(page + 1);
}

#endif /* MMSIM_MM_H */
