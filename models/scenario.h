/*
** scenario.h - a parsed scenario file (see scenarios/FORMAT.md).
**
** The parser (scenario.c, scn_ops.c, scn_lex.c) turns text into this plain,
** pointer-free struct and validates everything it can name a line:column
** for: unknown kernels and knobs, files and mms used before they are
** declared, addresses outside every mapping, CPUs out of range, schedule
** strings.  Violation kinds belong to a model: the parser records each
** expected KIND with its line:column, and model_bind() (models/model.c)
** checks it against the bound model.  The model builds its initial state
** from this struct once (mm_model_init); executions never re-parse.
*/
#ifndef MMSIM_SCENARIO_H
#define MMSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "models/cond.h"

/* The page size of every modelled kernel (x86, 4 KiB); scenario
   addresses and sizes are checked against it. */
#define PAGE_SHIFT 12
#define PAGE_SIZE (1u << PAGE_SHIFT)

#define SCN_MAX_FILES 4
#define SCN_MAX_MMS 4
#define SCN_MAX_MAPS 8
#define SCN_MAX_THREADS 8
#define SCN_MAX_OPS 16
#define SCN_MAX_KNOBS 16
#define SCN_MAX_FILE_PAGES 16 /* page-cache indexes 0..15 per file */
#define SCN_NAME 32
#define SCN_MAX_EXPECT 4       /* 'expect on VARIANT' lines */
#define SCN_MAX_EXPECT_KINDS 4 /* kinds on one 'expect violation' line */

enum scn_op_kind {
  SCN_LOAD,      /* <mm> load <addr>          user read through the pte */
  SCN_STORE,     /* <mm> store <addr>         user write through the pte */
  SCN_TRUNCATE,  /* truncate <file> <size>    truncate(2) -> vmtruncate */
  SCN_DIO_WRITE, /* dio_write <file> <page> [pages=N]  O_DIRECT write(2) */
  SCN_DELAY,     /* delay <ns>                idle simulated time */
  /* writeback (R2): each turns on the model's writeback tracking */
  SCN_FSYNC,       /* fsync <file>              fsync(2) -> do_fsync */
  SCN_SYNC,        /* sync                      sync(2): every file */
  SCN_WRITEBACK,   /* writeback <file>          the background flusher:
                      mpage_writepages, WB_SYNC_NONE, no wait */
  SCN_FS_FLUSH,    /* fs_flush <file>           the filesystem's own buffer
                      writeout (ext3 ordered: journal_submit_data_buffers) */
  SCN_RELEASE,     /* release <file> page=P     reclaim's try_to_release_page
                      of a cached page (lock, release buffers, unlock) */
  SCN_MPROTECT,    /* <mm> mprotect <addr> none|r|rw [pages=N]  mprotect(2) */
  SCN_MSYNC,       /* <mm> msync <addr> async|sync [pages=N]    msync(2) */
  SCN_MUNMAP,      /* <mm> munmap <addr> [pages=N]              munmap(2) */
  SCN_MADVISE,     /* <mm> madvise <addr> dontneed|remove [pages=N]
                      madvise(MADV_DONTNEED), or MADV_REMOVE (the hole
                      punch: vmtruncate_range of a tmpfs file) */
  SCN_FOLLOW_PAGE, /* <mm> follow_page <addr> [get] [touch] [write]
                      follow_page() with FOLL_GET/TOUCH/WRITE (flags 0:
                      none), as get_user_pages' first step */
  SCN_WRITE,       /* write <file> page=P from <mm> <addr>  write(2) of one
                      page whose user buffer is the page at addr:
                      generic_file_aio_write, buffered */
  SCN_READ,        /* read <file> page=P [into <mm> <addr>]  read(2) of one
                      page, into the page at addr (or a buffer outside
                      the model): do_generic_mapping_read */
  SCN_RECLAIM,     /* reclaim <file> page=P [pages=N] [direct]  page
                      reclaim (shrink_page_list) of those cached pages,
                      by kswapd, or by direct reclaim with 'direct' */
  /* GUP and DMA (R3, models/gup.c): the thread keeps each page it gets
     or pins until its unpin of the same address */
  SCN_GUP,       /* <mm> gup <addr> [write] [force] [fast]
                    get_user_pages() with FOLL_GET (| FOLL_WRITE |
                    FOLL_FORCE), or get_user_pages_fast(), kept */
  SCN_PIN,       /* <mm> pin <addr> [write] [fast]  a driver's long-term pin:
                    pin_user_pages(FOLL_PIN) where the kernel has it (knob
                    gup.foll_pin), else get_user_pages(FOLL_GET) */
  SCN_DMA_WRITE, /* <mm> dma_write <addr>     the device writes the page
                    the thread holds for addr: no pte, no fault, no dirtying */
  SCN_UNPIN,     /* <mm> unpin <addr> [dirty] release it: the flavour of
                    the variant and of how it was taken (gup.c) */
  /* R4 (issue 11): FOLL_FORCE and userfaultfd */
  SCN_PROCMEM_WRITE, /* <mm> procmem_write <addr>  write(2) of one page to
                        /proc/self/mem: GUP FOLL_FORCE|FOLL_WRITE */
  SCN_UFFD_REGISTER, /* <mm> uffd_register <addr> minor  UFFDIO_REGISTER
                        of the map's range, MODE_MINOR */
  SCN_UFFD_CONTINUE, /* <mm> uffd_continue <addr>  a handler: read(uffd)
                        for a fault, then UFFDIO_CONTINUE of the page */
  /* R1e (issue 10, models/fremap.c) */
  SCN_REMAP, /* <mm> remap <addr> pgoff=P [pages=N] [nonblock]
                remap_file_pages(2): map file pages P.. at addr */
  /* R5 (issue 9, models/ksm.c) */
  SCN_KSM_PROTECT, /* <mm> ksm_protect <addr>  ksmd write-protects the page
                      mapped at addr: write_protect_page */
};

/* SCN_MPROTECT's protection; SCN_MSYNC's flags; SCN_FOLLOW_PAGE's flags */
enum scn_prot { SCN_PROT_NONE, SCN_PROT_READ, SCN_PROT_RW };
enum { SCN_MS_ASYNC = 1, SCN_MS_SYNC = 4 }; /* include/asm-generic/mman.h */
enum { SCN_FOLL_WRITE = 1, SCN_FOLL_TOUCH = 2, SCN_FOLL_GET = 4 };
/* SCN_MADVISE's behaviour: the MADV_* values of include/asm-generic/mman.h */
enum { SCN_MADV_DONTNEED = 4, SCN_MADV_REMOVE = 9 };
enum { SCN_RECLAIM_DIRECT = 1 }; /* SCN_RECLAIM's flag: not kswapd */
/* SCN_GUP/SCN_PIN's flags (arg): write, force; SCN_UNPIN's: dirty */
enum { SCN_GUP_WRITE = 1, SCN_GUP_FORCE = 2, SCN_GUP_FAST = 4 };
enum { SCN_UNPIN_DIRTY = 1 };
enum { SCN_REMAP_NONBLOCK = 1 }; /* SCN_REMAP's flag: MAP_NONBLOCK */

typedef struct scn_op {
  enum scn_op_kind kind;
  int line, col;
  int addr_col;    /* SCN_GUP/PIN/DMA_WRITE/UNPIN: column of the address */
  int mm;          /* SCN_LOAD/STORE, mm operations, SCN_WRITE/READ (the
                      user buffer's; -1 for a read without 'into') */
  uint64_t addr;   /* SCN_LOAD/STORE, mm operations, SCN_WRITE/READ */
  int file;        /* SCN_TRUNCATE/DIO_WRITE/WRITE/READ/...: into files */
  uint64_t size;   /* SCN_TRUNCATE: new size in bytes */
  uint32_t page;   /* SCN_DIO_WRITE/RELEASE/WRITE/READ: first page index;
                      SCN_REMAP: the file page (pgoff) for addr */
  uint32_t npages; /* SCN_DIO_WRITE/RELEASE and the mm operations: page
                      count (default 1) */
  uint64_t ns;     /* SCN_DELAY */
  int arg;         /* SCN_MPROTECT: enum scn_prot; SCN_MSYNC: SCN_MS_*;
                      SCN_FOLLOW_PAGE: SCN_FOLL_*; SCN_MADVISE: SCN_MADV_*;
                      SCN_RECLAIM: SCN_RECLAIM_DIRECT or 0; SCN_GUP/PIN:
                      SCN_GUP_*; SCN_UNPIN: SCN_UNPIN_DIRTY; SCN_REMAP:
                      SCN_REMAP_NONBLOCK or 0 */
} scn_op;

typedef struct scn_thread {
  int cpu;
  char name[SCN_NAME]; /* "cpu0", or "cpu0.1" for a second thread on cpu0 */
  int nops;
  scn_op ops[SCN_MAX_OPS];
} scn_thread;

typedef struct scn_file {
  char name[SCN_NAME];
  uint64_t size;                      /* i_size in bytes */
  uint8_t cached[SCN_MAX_FILE_PAGES]; /* page index is in the page cache */
  uint8_t dirty[SCN_MAX_FILE_PAGES];  /* ... and dirty */
  int page_mkwrite;                   /* fs has ->page_mkwrite */
  int buffers;       /* fs attaches buffer_heads (__set_page_dirty_buffers,
                        block_write_full_page); else no buffers */
  int needs_buffers; /* 'buffers_required': its ->writepage BUGs on a page
                        without buffers (ext4's page_buffers() before
                        cc509574), where ext3's creates them */
  int tmpfs;         /* 'tmpfs': a shmem file (mm/shmem.c): ->nopage
                        shmem_nopage, ->truncate_range
                        shmem_truncate_range, no writeback, no buffers */
  int ext4;          /* 'ext4': buffers, ->page_mkwrite is
                        block_page_mkwrite (attaches and dirties buffers),
                        ->writepage is ext4_writepage (needs buffers: BUG
                        before 5.18, a warning and the page skipped from
                        cc509574); no dirty-without-buffers check */
} scn_file;

typedef struct scn_mm {
  char name[SCN_NAME];
} scn_mm;

typedef struct scn_map {
  int mm, file;
  uint64_t start; /* page aligned */
  uint32_t npages;
  uint32_t pgoff;  /* file page of the first mapped page */
  int shared;      /* MAP_SHARED (else MAP_PRIVATE) */
  int read, write; /* PROT_READ, PROT_WRITE */
  int populated;   /* ptes installed at start for cached pages ("mapped") */
  int line;
} scn_map;

typedef struct scn_knob {
  char name[48];
  int value; /* 0/1 */
  int line, col;
} scn_knob;

/* The outcome expected on one kernel variant. */
typedef struct scn_expect {
  char variant[16]; /* "" for the plain 'expect' line */
  int violation;    /* 0: clean */
  int any;          /* 'violation any': a violation of whatever kind */
  int nkinds;       /* 'violation K1 K2 ...': each kind is expected */
  char kinds[SCN_MAX_EXPECT_KINDS][48]; /* as written; model_bind() checks
                                           them */
  int kind_col[SCN_MAX_EXPECT_KINDS];   /* column of each */
  int line;                             /* of the 'expect' line, 0 if none */
} scn_expect;

/* Condition line c of s as canonical text ("expect on 2.6.23 never
   pte(p1,0x10000).present and ..."), no newline; returns the length it
   needs, as snprintf (scn_format.c). */
struct scenario;
size_t scn_cond_format(const struct scenario *s, const scn_cond *c, char *buf,
                       size_t n);

/* Is 'kind' one the expectation names (or 'any' for a violation)? */
int scn_expect_names(const scn_expect *e, const char *kind);

/* A scenario's 'run' line: how `mmsim run` shows the outcome by default. */
enum scn_run {
  SCN_RUN_NONE,     /* no run line: mmsim run's own defaults */
  SCN_RUN_TIMED,    /* run timed [seed=N] */
  SCN_RUN_RANDOM,   /* run random [seed=N] */
  SCN_RUN_SCHEDULE, /* run schedule STRING: replay STRING */
};

typedef struct scenario {
  char path[256];
  char title[128];
  char kernel[16]; /* variant preset name, e.g. "2.6.20" */
  int ncpus;
  int nfiles, nmms, nmaps, nthreads, nknobs;
  scn_file files[SCN_MAX_FILES];
  scn_mm mms[SCN_MAX_MMS];
  scn_map maps[SCN_MAX_MAPS];
  scn_thread threads[SCN_MAX_THREADS];
  scn_knob knobs[SCN_MAX_KNOBS];
  /* expect clean | expect violation KIND (variant "") */
  scn_expect expect;
  /* expect on VARIANT clean | expect on VARIANT violation KIND: the
     outcome on another kernel (before or after the fix) */
  int nexpect_on;
  scn_expect expect_on[SCN_MAX_EXPECT];
  /* expect [on VARIANT] exists|never|always COND: outcome conditions
     (models/cond.h), their nodes in one pool */
  int nconds;
  scn_cond conds[SCN_MAX_CONDS];
  int ncond_nodes;
  cond_node cond_nodes[SCN_MAX_COND_NODES];
  /* run timed|random [seed=N] | run schedule STRING */
  enum scn_run run;
  uint64_t run_seed;       /* SCN_RUN_TIMED, SCN_RUN_RANDOM (default 0) */
  char run_schedule[1024]; /* SCN_RUN_SCHEDULE, checked: "0*3.1*2" */
  /* litmus NAME N: a generic shared-memory program (models/litmus.c)
     instead of the MM model; no kernel, cpus, files, mms or threads */
  char litmus[32];
  int litmus_n;
  int litmus_threads;
} scenario;

/*
** Parses a scenario.  On error returns -1 and writes
** "FILE:LINE:COL: error: WHAT, expected ..." into err.
*/
int scn_parse_file(const char *path, scenario *s, char *err, size_t errlen);
int scn_parse_string(const char *name, const char *text, scenario *s, char *err,
                     size_t errlen);

const char *scn_op_name(enum scn_op_kind k);
/* One operation as written after its thread's label ("p1 load 0x10000",
   "delay 100"), cut to 'n' (scn_ops.c). */
const char *scn_op_format(const scenario *s, const scn_op *op, char *buf,
                          size_t n);
/* The scenario as text in canonical form (scn_format.c): parsing it gives
   the same scenario, up to source positions.  Writes at most n bytes
   (NUL included) and returns the length the whole text needs, as
   snprintf does. */
size_t scn_format(const scenario *s, char *buf, size_t n);
/* What thread 't' does, its operations as written after its label and
   joined by "; ", delays left out: "p1 load 0x10000".  Cut to 'n'. */
const char *scn_thread_describe(const scenario *s, const scn_thread *t,
                                char *buf, size_t n);

/* The gup or pin operation by which thread 'th' holds the page at (mm,
   addr) after its first 'nops' operations, or NULL (scn_ops_mm.c). */
const scn_op *scn_held_op(const scn_thread *th, int nops, int mm,
                          uint64_t addr);

/* Does the MM model track writeback for this scenario (mm_model.wb: its
   own block device and exit threads, numbered after the scenario's, and
   the lost-write checks)?  An operation that starts writeback or changes
   mappings (not a hole punch, madvise remove: like truncate and
   dio_write it drops pages without writing any), or a file with
   buffers. */
int scn_tracks_writeback(const scenario *s);

/* The expectation for 'variant' (NULL: the scenario's kernel): its
   'expect on' line if any, else the plain 'expect' line. */
scn_expect scn_expectation(const scenario *s, const char *variant);
/* The conditions that apply to 'variant' (NULL: the scenario's kernel),
   their indexes into s->conds in out[] (at most SCN_MAX_CONDS): its own
   'expect on VARIANT exists|never|always' lines if it has any, else the
   plain ones (independently of the outcome lines).  Returns how many. */
int scn_conditions(const scenario *s, const char *variant, int *out);

#endif /* MMSIM_SCENARIO_H */
