/*
** kernel.h - the modelled kernel functions, as include/linux/mm.h and
** pagemap.h declare them, with the model's thread and state in front.
**
** Conventions (see ../shared/style.md):
**  - a function named after a kernel function mirrors it; its comment names
**    the kernel version(s) and says what differs between them (as knobs);
**  - each sim_step is one preemption point; between steps a path touches
**    only its own locals and objects protected by a lock it holds;
**  - return values are the kernel's: -errno, VM_FAULT_*, NOPAGE_*.
**
** Sources read for these models are listed in models/SOURCES.md.
*/
#ifndef MMSIM_KERNEL_H
#define MMSIM_KERNEL_H

#include <errno.h>

#include "models/cost.h"
#include "models/locks.h"
#include "models/mm.h"

/* Return codes. 2.6.20 used an enum (MINOR=2, SIGBUS=1), 2.6.23 a bitmask;
   the model uses the 2.6.23 bits for both, the difference is not visible. */
#define VM_FAULT_OOM 0x0001
#define VM_FAULT_SIGBUS 0x0002
#define VM_FAULT_MAJOR 0x0004
#define VM_FAULT_WRITE 0x0008 /* 5.x: do_wp_page broke COW or reused */
#define VM_FAULT_RETRY 0x0400 /* mmap_sem dropped (handle_userfault) */
#define VM_FAULT_LOCKED 0x0200
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS)
/* The model's own code for do_page_fault's bad_area (a SIGSEGV): 2.6.20
   has no VM_FAULT_ code for it, the fault handler signals the task. */
#define VM_FAULT_BADAREA 0x0800
#define NOPAGE_SIGBUS (-1)
#define NOPAGE_OOM (-2)

#define PAGEVEC_SIZE 14 /* 2.6.20 include/linux/pagevec.h */

/* radix-tree tags (include/linux/fs.h), and TAG_NONE for an untagged
   lookup */
enum pagecache_tag {
  TAG_NONE = -1,
  PAGECACHE_TAG_DIRTY = 0,
  PAGECACHE_TAG_WRITEBACK = 1
};
/* writeback_control.sync_mode (include/linux/writeback.h) */
enum writeback_sync_modes { WB_SYNC_NONE, WB_SYNC_ALL };
#define PGOFF_MAX 0xffffffffu

struct pagevec {
  int nr;
  int16_t pages[PAGEVEC_SIZE];
};

/* mm/swap.c (and the get_page inline of include/linux/mm.h) */
void get_page(sim_thread *t, int page);
void put_page(sim_thread *t, int page); /* = page_cache_release() */
/* put_page() by the path 'who', named in the refcount-mismatch report of a
   put that drops a reference the thread never took */
void put_page_of(sim_thread *t, int page, const char *who);
void pagevec_release(sim_thread *t, struct pagevec *pv);

/* include/linux/mm.h and pagemap.h */
static inline int page_mapped(const struct page *p) {
  return p->mapcount > 0;
}

/* mm/rmap.c */
void page_add_file_rmap(mm_model *m, int page);
void page_remove_rmap(mm_model *m, int page);

/* mm/page-writeback.c */
int set_page_dirty(sim_thread *t, int page);
int __set_page_dirty_nobuffers(sim_thread *t, int page);
int __set_page_dirty_buffers(sim_thread *t, int page, int file);
void set_page_dirty_balance(sim_thread *t, int page);
int set_page_dirty_lock(sim_thread *t, int page);
int clear_page_dirty_for_io(sim_thread *t, int page, int file);
void set_page_writeback(sim_thread *t, int page);
void end_page_writeback(sim_thread *t, int page);
void wait_on_page_writeback(sim_thread *t, int page);
void wait_on_page_locked(sim_thread *t, int page);
/* wait_on_bit(): sleep until nobody holds 'lock' (PG_locked, BH_Lock) */
void wait_on_bit(sim_thread *t, const char *what, sim_oid lock);

/* mm/rmap.c */
int page_mkclean(sim_thread *t, int page);
/* try_to_unmap() results (2.6.20 include/linux/rmap.h) */
enum { SWAP_SUCCESS = 0, SWAP_AGAIN = 1, SWAP_FAIL = 2 };
int try_to_unmap(sim_thread *t, int page);

/* GUP pins (5.7 3faa52c0 "mm/gup: track FOLL_PIN pages"): a FOLL_PIN
   reference adds GUP_PIN_COUNTING_BIAS to the page's count, and
   page_maybe_dma_pinned() is "count >= the bias": false is exact, true
   may be a false positive (1024 plain references), and FOLL_GET
   references are invisible to it.  The caller's step reads the count
   (page_ref_oid). */
#define GUP_PIN_COUNTING_BIAS 1024
static inline int page_maybe_dma_pinned(const mm_model *m, int page) {
  return m->s.page[page].count >= GUP_PIN_COUNTING_BIAS;
}

/* mm/vmscan.c: reclaim of one page of the page cache, by kswapd or by
   direct reclaim (shrink_page_list of the page that isolate_lru_pages
   took); 1 if the page was freed. */
int shrink_page_list(sim_thread *t, int file, uint32_t index, int kswapd);
int remove_mapping(sim_thread *t, int file, int page);

/* fs/mpage.c */
int mpage_writepages(sim_thread *t, int file, enum writeback_sync_modes mode);
/* mapping->a_ops->writepage of 'file': the page is locked and was dirty
   (clear_page_dirty_for_io said so); returns with it unlocked. */
int mapping_writepage(sim_thread *t, int page, int file);

/* fs/buffer.c (one buffer per page of a 'buffers' file) */
void lock_buffer(sim_thread *t, int page);
void wait_on_buffer(sim_thread *t, int page);
int test_clear_buffer_dirty(sim_thread *t, int page, int async);
int block_write_full_page(sim_thread *t, int page);
void end_buffer_async_write(sim_thread *t, int page);
void end_buffer_write_sync(sim_thread *t, int page);
void block_invalidatepage(sim_thread *t, int page);
int try_to_free_buffers(sim_thread *t, int page);
int block_page_mkwrite(sim_thread *t, int page, int file);

/* fs/ext4/inode.c (ext4-inode.c): ->writepage of an 'ext4' file */
int ext4_writepage(sim_thread *t, int page);

/* program.c: the 'release' operation, a caller of try_to_release_page */
void release_page(sim_thread *t, int file, uint32_t index);

/* fs/jbd/commit.c: the filesystem's own writeout of a file's data
   buffers; 'wait' for them as a commit does */
void journal_submit_data_buffers(sim_thread *t, int file, int wait);

/* block/ll_rw_blk.c and the block device (a thread of the model) */
void submit_write(sim_thread *t, int page, enum bio_end end);
void blockdev_main(sim_thread *t);
void task_exit(sim_thread *t);
void wait_for_exits(sim_thread *t);

/* fs/sync.c: fsync(2), sync(2); and the exit thread's program */
long do_fsync(sim_thread *t, int file);
void sys_sync(sim_thread *t);
void exit_thread_main(sim_thread *t);
void fsync_returns(sim_thread *t, int file); /* invariants.c: fsync-lost */

/* mm/filemap.c */
int find_get_page(sim_thread *t, int file, uint32_t index);
int find_lock_page(sim_thread *t, int file, uint32_t index);
unsigned pagevec_lookup(sim_thread *t, struct pagevec *pv, int file,
                        uint32_t start, unsigned nr); /* + find_get_pages */
unsigned pagevec_lookup_tag(sim_thread *t, struct pagevec *pv, int file,
                            uint32_t start, enum pagecache_tag tag,
                            unsigned nr);
int page_cache_read(sim_thread *t, int file, uint32_t index);
/* ->readpage of a locked page, its I/O, and the unlock at its end */
void readpage(sim_thread *t, int file, int page, uint32_t index);
/* PageUptodate(page), read in a step of its own (filemap.c). */
int PageUptodate(sim_thread *t, int page);
/* The first free slot of the thread's allocation pool, or -1. */
int pool_first_free(const mm_model *m, int tid);
/* The footprint of an allocation from thread tid's pool: the counts of
   its slots; and the fields of the new page it initialises (filemap.c).
   Each appends to acc[n...] and returns the new n. */
int pool_reads_fp(const mm_model *m, int tid, sim_access *acc, int n);
int new_page_fp(const mm_model *m, int page, sim_access *acc, int n);
/* allocation + add_to_page_cache_lru in one step named 'what': the new
   page (locked, referenced by the cache and the caller, not uptodate,
   zeroed), -EEXIST or -ENOMEM */
int add_to_page_cache_lru(sim_thread *t, int file, uint32_t index,
                          const char *what);
void __remove_from_page_cache(sim_thread *t, int page);
/* The accesses of __remove_from_page_cache(), for its caller's step: the
   tree slot and nrpages, the dirty tag, page->mapping, page->index, and
   _mapcount for the BUG_ON (declared with the debug knob off too). */
#define REMOVE_FP(m, file, page)                                               \
  SIM_WR(tree_oid(m, file)), SIM_WR(tree_tags_oid(m, file)),                   \
      SIM_WR(page_mapping_oid(m, page)), SIM_RD(page_index_oid(m, page)),      \
      SIM_RD(page_mapcount_oid(m, page))
void remove_from_page_cache(sim_thread *t, int page);
int try_to_release_page(sim_thread *t, int page);
int filemap_nopage(sim_thread *t, const struct vma *v, uint64_t addr,
                   int *type);
int filemap_fault(sim_thread *t, const struct vma *v, uint32_t pgoff,
                  int *page);
int filemap_write_and_wait(sim_thread *t, int file);
int filemap_fdatawrite(sim_thread *t, int file);
int filemap_fdatawait(sim_thread *t, int file);
long generic_file_direct_write(sim_thread *t, int file, uint32_t index,
                               uint32_t npages);
/* read(2) of page 'index' of 'file' (do_generic_mapping_read); the user
   buffer is at 'addr' in mm 'mm', or outside the model if mm < 0. */
long generic_file_aio_read(sim_thread *t, int file, uint32_t index, int mm,
                           uint64_t addr);

/* mm/filemap_write.c: write(2) of page 'index' of 'file' whose user buffer
   is the page at 'addr' in mm 'mm' (generic_file_aio_write ->
   generic_file_buffered_write, or 2.6.24's generic_perform_write). */
long generic_file_aio_write(sim_thread *t, int file, uint32_t index, int mm,
                            uint64_t addr);
int fault_in_pages_readable(sim_thread *t, int mm, uint64_t addr);
int copy_user_page_step(sim_thread *t, int mm, uint64_t addr, int dst,
                        const char *what);
int __grab_cache_page(sim_thread *t, int file, uint32_t index);

/* mm/shmem.c (tmpfs files): shmem_getpage's modes (2.6.20; SGP_FAULT
   from 2.6.23: return the page locked) */
enum sgp_type { SGP_READ, SGP_CACHE, SGP_WRITE, SGP_FAULT };
int shmem_getpage(sim_thread *t, int file, uint32_t idx, enum sgp_type sgp);
int shmem_nopage(sim_thread *t, const struct vma *v, uint64_t addr, int *type);
int shmem_fault(sim_thread *t, const struct vma *v, uint32_t pgoff, int *page);
void shmem_truncate_range(sim_thread *t, int file, uint64_t start,
                          uint64_t end);
/* write(2) of page 'idx' of a tmpfs file from the user page at 'addr' of
   mm 'mm': bytes written (PAGE_SIZE), -EFAULT or -ENOMEM */
long shmem_file_write(sim_thread *t, int file, uint32_t idx, int mm,
                      uint64_t addr);

/* mm/truncate.c */
void truncate_inode_pages_range(sim_thread *t, int file, uint64_t lstart,
                                uint64_t lend);
void truncate_inode_pages(sim_thread *t, int file, uint64_t lstart);
int invalidate_inode_pages2_range(sim_thread *t, int file, uint32_t start,
                                  uint32_t end);

/* follow_page() flags (2.6.20 include/linux/mm.h) */
#define FOLL_WRITE 0x01 /* check pte is writable */
#define FOLL_TOUCH 0x02 /* mark page accessed */
#define FOLL_GET 0x04   /* do get_page on page */
#define FOLL_FORCE                                                             \
  0x10 /* get_user_pages read/write w/o permission (4.x                        \
          value; 2.6.20 passes 'force' as an argument) */
#define FOLL_COW                                                               \
  0x4000 /* 4.9 (19be0eaf) .. 5.19: internal, set after a COW                  \
            break of a !VM_WRITE vma; gone in 6.0 (5535be30) */
#define FOLL_PIN                                                               \
  0x40000 /* pages must be released via unpin_user_page                        \
             (5.6 eddb1c22) */
/* include/asm-generic/mman.h */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define MS_ASYNC 1
#define MS_SYNC 4
#define MADV_DONTNEED 4
#define MADV_REMOVE 9

/* mm/memory.c */
int handle_mm_fault(sim_thread *t, int mm, const struct vma *v, uint64_t addr,
                    int write);
void unmap_mapping_range(sim_thread *t, int file, uint64_t holebegin,
                         uint64_t holelen, int even_cows);
void exit_mmap(sim_thread *t, int mm);
/* unmap_vmas() and zap_page_range() with details NULL, for one vma (the
   model's ranges never span two): every present pte in [start, end). */
void unmap_vmas(sim_thread *t, const struct vma *v, uint64_t start,
                uint64_t end);
void zap_page_range(sim_thread *t, const struct vma *v, uint64_t address,
                    uint64_t size);
/* follow_page(): the page a present pte maps (FOLL_* flags), or -1. */
int follow_page(sim_thread *t, const struct vma *v, uint64_t address,
                unsigned flags);

/* mm/mmap.c, mm/mprotect.c, mm/msync.c, mm/madvise.c: the system calls,
   entered from a scenario thread of mm 'mm' (current->mm) */
long sys_munmap(sim_thread *t, int mm, uint64_t addr, uint64_t len);
int do_munmap(sim_thread *t, int mm, uint64_t start, uint64_t len);
long sys_mprotect(sim_thread *t, int mm, uint64_t start, uint64_t len,
                  unsigned long prot);
long sys_msync(sim_thread *t, int mm, uint64_t start, uint64_t len, int flags);
long sys_madvise(sim_thread *t, int mm, uint64_t start, uint64_t len,
                 int behavior);
/* get_user_pages()'s first step for one page, by a kernel thread on mm
   'mm' (program.c): down_read(mmap_sem), find_vma, follow_page, and the
   caller's page_cache_release of a FOLL_GET reference. */
int follow_user_page(sim_thread *t, int mm, uint64_t addr, unsigned flags);
/* mm/gup.c (gup.c): GUP references a thread keeps, and their release */
int get_user_pages(sim_thread *t, int mm, uint64_t addr, unsigned gup_flags);
int pin_user_pages(sim_thread *t, int mm, uint64_t addr, unsigned gup_flags);
/* get_user_pages_fast / pin_user_pages_fast (FOLL_PIN in gup_flags) */
int get_user_pages_fast(sim_thread *t, int mm, uint64_t addr,
                        unsigned gup_flags);
void try_grab_page(sim_thread *t, int page, unsigned flags);
int can_follow_write_pte(const mm_model *m, const struct vma *v, struct pte pte,
                         unsigned flags);
/* write(2) to /proc/pid/mem of one page: GUP with FOLL_FORCE|FOLL_WRITE
   and the kernel's store through the page; 0 or -EFAULT */
long mem_write_page(sim_thread *t, int mm, uint64_t addr);
void put_user_pages_dirty_lock(sim_thread *t, int page, int make_dirty);
void unpin_user_pages_dirty_lock(sim_thread *t, int page, int make_dirty);
void put_gup_page_dirty_lock(sim_thread *t, int page, int make_dirty);
void dma_write_page(sim_thread *t, int page);
/* What a FOLL_PIN reference adds to the count: GUP_PIN_COUNTING_BIAS
   from 5.7 (gup.pin_counting), 1 before (FOLL_PIN was FOLL_GET). */
static inline int mm_pin_bias(const mm_model *m) {
  return m->knobs.gup_pin_counting ? GUP_PIN_COUNTING_BIAS : 1;
}

/* Ghost bookkeeping of the FOLL_PIN references thread 'tid' holds on
   'page' (+1 for a pin taken, -1 for one released). */
static inline void page_pin_held(mm_model *m, int tid, int page, int delta) {
  m->pins[tid][page] = (int8_t)(m->pins[tid][page] + delta);
  m->held[page] += delta * mm_pin_bias(m);
}
int vmtruncate(sim_thread *t, int file, uint64_t offset);
int vmtruncate_range(sim_thread *t, int file, uint64_t offset, uint64_t end);

/* __do_fault() (2.6.23, memory.c) of file page 'pgoff' at addr: the
   linear fault's pgoff, or a file pte's (do_nonlinear_fault) */
int __do_fault(sim_thread *t, int mm, const struct vma *v, uint64_t addr,
               uint32_t pgoff, int write);

/* The before value, in the log, of a step installing a pte for page
   (memory.c): the pte it replaces and the page's mapcount. */
void log_pte_install_before(sim_thread *t, const struct pte *pte, int page);

/* fremap.c: nonlinear mappings (mm/fremap.c, and filemap_populate of
   mm/filemap.c, 2.6.20; do_nonlinear_fault, 2.6.23) */
long sys_remap_file_pages(sim_thread *t, int mm, uint64_t start, uint64_t size,
                          uint32_t pgoff, int nonblock);
int install_page(sim_thread *t, const struct vma *v, uint64_t addr, int page);
int install_file_pte(sim_thread *t, const struct vma *v, uint64_t addr,
                     uint32_t pgoff);
int filemap_populate(sim_thread *t, const struct vma *v, uint64_t addr,
                     uint64_t len, uint32_t pgoff, int nonblock);
/* A fault on a file pte 'orig' (handle_pte_fault's pte_file branch):
   2.6.20 do_file_page, 2.6.23 do_nonlinear_fault */
int do_file_page(sim_thread *t, int mm, const struct vma *v, uint64_t addr,
                 int write, struct pte orig);
/* Build time: the linear vmas 3ee6dafc's emulation maps (mm.h: remaps);
   0, or -1 with FILE:LINE:COL in err */
int fremap_layout(mm_model *m, char *err, size_t errlen);
/* ksm.c: page write protection (R5).  write_protect_page(): Context:
   the page locked by the caller, mmap_sem held for reading; 0 if the pte
   mapping 'page' at addr of v is left clean and read-only (the page is
   then protected), -EFAULT if it does not map the page or the count shows
   another reference.  ksm_protect_page(): ksmd's part around it for the
   page at addr of mm 'mm' (mmap_sem, follow_page FOLL_GET, trylock_page,
   unlock, put).  wp_break(): a writer breaks the page's protection in
   order (ghost; in the action of the writer's step).  write_section():
   write(2)'s write_begin (open, the page locked: breaks the protection)
   and write_end (ghost, for wp-broken). */
int write_protect_page(sim_thread *t, const struct vma *v, uint64_t addr,
                       int page);
long ksm_protect_page(sim_thread *t, int mm, uint64_t addr);
void wp_break(sim_thread *t, int page);
void write_section(sim_thread *t, int page, int open);

/* memory_cow.c: the private (copy-on-write) paths of mm/memory.c (5.x) */
int do_wp_page_private(sim_thread *t, int mm, const struct vma *v,
                       uint64_t addr, struct pte orig);
int do_cow_fault(sim_thread *t, int mm, const struct vma *v, uint64_t addr);
static inline int page_is_anon(const mm_model *m, int page) {
  return !!(m->s.page[page].anon & PAGE_ANON);
}

/* userfaultfd.c: fs/userfaultfd.c and mm/userfaultfd.c (5.15, 5.16) */
int handle_userfault(sim_thread *t, const struct vma *v, uint64_t addr);
long userfaultfd_register(sim_thread *t, int mm, uint64_t addr);
long userfaultfd_continue(sim_thread *t, int mm, uint64_t addr);

/* arch/i386/mm/fault.c and the MMU */
int do_page_fault(sim_thread *t, int mm, uint64_t addr, int write);
int user_access(sim_thread *t, int mm, uint64_t addr, int write);

/* fs/open.c: truncate(2) */
int do_truncate(sim_thread *t, int file, uint64_t length);

/* A step whose writes depend on a test of the state it reads: 'base' (which
   holds the objects the test reads), and 'more' only when test() is true
   at grant time (sim_stepdesc.refresh), so that a step that turns out to
   write nothing declares only its reads.  mm_cond_step() declares it and
   returns test() as the action sees it. */
struct cond_fp {
  const mm_model *m;
  int (*test)(const struct cond_fp *c);
  int page, arg; /* for test() */
  uint8_t nbase, nmore;
  sim_access acc[SIM_MAX_ACCESS]; /* base, then more */
};
int mm_cond_step(sim_thread *t, const char *what, uint32_t cost,
                 struct cond_fp *c);
/* A cond_fp on 'page' and 'arg' for test: of the accesses (...), the
   first 'nbase' always, the others only when test holds. */
#define COND_FP(m_, test_, page_, arg_, nbase_, ...)                           \
  ((struct cond_fp){.m = (m_),                                                 \
                    .test = (test_),                                           \
                    .page = (page_),                                           \
                    .arg = (arg_),                                             \
                    .nbase = (nbase_),                                         \
                    .nmore = (uint8_t)(sizeof((sim_access[]){__VA_ARGS__}) /   \
                                           sizeof(sim_access) -                \
                                       (nbase_)),                              \
                    .acc = {__VA_ARGS__}})
/* Tests for it: PG_dirty clear; PG_dirty set on a page of file 'arg'. */
static inline int page_clean(const struct cond_fp *c) {
  return !(c->m->s.page[c->page].flags & PG_dirty);
}
static inline int dirty_in_file(const struct cond_fp *c) {
  const struct page *p = &c->m->s.page[c->page];
  return p->mapping == c->arg && (p->flags & PG_dirty);
}
/* The base of such a step that tests page->mapping and PG_dirty, then may
   clear PG_dirty (clear_page_dirty_for_io, cancel_dirty_page). */
#define CLEAR_DIRTY_FP(m_, page_, file_)                                       \
  {                                                                            \
    .m = (m_), .test = dirty_in_file, .page = (page_), .arg = (file_),         \
    .nbase = 2, .nmore = 1, .acc = {                                           \
      SIM_RD(page_mapping_oid(m_, page_)),                                     \
      SIM_RD(page_dirty_oid(m_, page_)),                                       \
      SIM_WR(page_dirty_oid(m_, page_))                                        \
    }                                                                          \
  }

/* Helpers of the model. */
/* find_vma() (mm/mmap.c): the vma of 'mm' containing addr, skipping an
   unmapped one (vs[].gone); the caller holds mmap_sem, and declares the
   reads (vma_reads). */
const struct vma *find_vma(const mm_model *m, int mm, uint64_t addr);
/* The first step of a path that looks up a vma: mmap_sem taken for
   writing or for reading, with the reads of the mm's vmas find_vma then
   makes (vma_reads), as one step named 'what'. */
void mmap_sem_find_vma(sim_thread *t, int mm, int for_write, const char *what,
                       uint32_t cost);
/* ... and its release, up_write(mmap_sem) or up_read(mmap_sem). */
void mmap_sem_up(sim_thread *t, int mm, int for_write);
/* The vma that was laid out at addr, gone or not: the page-table slot an
   address uses (the MMU's walk needs no vma), and load-time checks. */
const struct vma *vma_at(const mm_model *m, int mm, uint64_t addr);
static inline int vma_index(const mm_model *m, const struct vma *v) {
  return (int)(v - m->vma);
}
/* Appends to s a read of the state of each vma of mm 'mm' (if mm >= 0)
   or of file 'file' (if file >= 0): what find_vma (mmap_sem held) or an
   i_mmap walk (i_mmap_lock held) reads of vs[]. */
void vma_reads(const mm_model *m, int mm, int file, sim_stepdesc *s);
static inline int vma_pte_slot(const struct vma *v, uint64_t addr) {
  return v->pte_base + (int)((addr - v->start) >> PAGE_SHIFT);
}
static inline uint32_t linear_page_index(const struct vma *v, uint64_t addr) {
  return (uint32_t)((addr - v->start) >> PAGE_SHIFT) + v->pgoff;
}
/* A new version of the data that thread 'tid' writes (a store, a copy,
   a DMA, a block written): its own counter, tagged with tid + 1 in the
   top byte. */
static inline uint32_t new_data_version(mm_model *m, int tid) {
  return ++m->s.next_data[tid] | (uint32_t)(tid + 1) << 24;
}
/* The MMU's footprint for an access through the pte at (mm, slot), a
   sim_stepdesc refresh (memory.c): the pte (the MMU sets young, and
   dirty: always a write) and, when it is present, the data of the page
   it maps, read or written ('write'); for a kernel copy from that user
   page into page 'dst' (>= 0; else -1), the source's data read (unless
   it is dst) and dst's written. */
struct mmu_fp {
  mm_model *m;
  int mm, slot, write, dst;
};
void mmu_refresh(const sim_exec *x, void *arg, sim_stepdesc *s);
/* The MMU's page-table walk for a user address of mm 'mm': the slot of
   its pte, found from the vma the address lies in (memory.c; an
   unmapped range keeps its none ptes). */
int mmu_pte_slot(const mm_model *m, int mm, uint64_t addr);
/* Raised from an action: a BUG_ON(page_mapped) in the modelled kernel
   ('kind' is an enum mm_kind); the page's mapcount is highlighted. */
#define MM_BUG(t, kind, page, ...)                                             \
  do {                                                                         \
    sim_oid o_ = page_mapcount_oid(mm_of(t), page);                            \
    sim_violation(sim_thread_exec(t), kind, &o_, 1, __VA_ARGS__);              \
  } while (0)

#endif /* MMSIM_KERNEL_H */
