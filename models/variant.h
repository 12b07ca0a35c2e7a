/*
** variant.h - kernel variants as named presets of knobs.
**
** A knob is one behaviour that differs between kernel versions (or a debug
** check).  A preset fixes every knob; a scenario names a preset with
** "kernel 2.6.20" and may override single knobs with "set NAME = on|off".
** The table of knobs, with the kernel version and function each one stands
** for, and the table of presets, with the release each one stands for,
** live in variant.c and are printed by `mmsim check --knobs`.
*/
#ifndef MMSIM_VARIANT_H
#define MMSIM_VARIANT_H

#include <stddef.h>
#include <stdint.h>

typedef struct mm_knobs {
  /* 2.6.20 do_no_page(): sample mapping->truncate_count before ->nopage,
     recheck it under the pte lock and retry if it moved. */
  int fault_truncate_count;
  /* 2.6.23 filemap_fault(): find_lock_page(), recheck page->mapping and
     i_size under the page lock, return VM_FAULT_LOCKED; __do_fault()
     installs the pte with the page locked. */
  int fault_lock_page;
  /* 2.6.23 truncate_inode_pages_range(): with the page locked, unmap it if
     it is still mapped before truncate_complete_page(). */
  int truncate_unmap_mapped;
  /* 2.6.23 vmtruncate(): a second unmap_mapping_range() after truncating
     the page cache (for private COW pages). */
  int vmtruncate_unmap_twice;
  /* 2.6.23 invalidate_inode_pages2_range(): BUG_ON(page_mapped) after the
     unmap loop. */
  int invalidate_bug_on_mapped;
  /* 2.6.23 generic_file_direct_IO(): invalidate_inode_pages2_range before
     ->direct_IO, and none after a successful write (2.6.20: after). */
  int dio_invalidate_first;
  /* 2.6.23 truncate_complete_page(): ClearPageUptodate after
     remove_from_page_cache (2.6.20: before). */
  int truncate_clear_uptodate_late;
  /* 2.6.20 clear_page_dirty_for_io() (7658cc28): page_mkclean() and
     set_page_dirty() before TestClearPageDirty (2.6.19 d08b3851: after,
     and page_mkclean's result ignored). */
  int wb_mkclean_first;
  /* 2.6.24 (79352894 "mm: fix clear_page_dirty_for_io vs fault race"):
     a write fault dirties the page only after waiting for its lock, so
     that writeback's page_mkclean..TestClearPageDirty window holds. */
  int wb_fault_waits_locked;
  /* try_to_free_buffers(): the page's dirty bit is cleared inside
     private_lock (2.6.18 clear_page_dirty, 2.6.17-mm patch, 2.6.20
     cancel_dirty_page), else after it (2.6.19). */
  int free_buffers_dirty_under_lock;
  /* try_to_free_buffers(): clearing the dirty bit walks the ptes
     (clear_page_dirty -> page_mkclean: the 2.6.17-mm patch, 2.6.19), else
     it does not (2.6.18, 2.6.20 cancel_dirty_page). */
  int free_buffers_mkclean;
  /* mprotect_fixup() (d08b3851, 2.6.19): a writenotify vma keeps the
     private (read-only) protection; off: the shared protection with the
     write bit (the reviewed -mm patch). */
  int mprotect_writenotify;
  /* change_pte_range() (c1e6098b, 2.6.20): with dirty_accountable, a
     dirty pte gets its write bit back. */
  int mprotect_dirty_accountable;
  /* follow_page() of the reviewed -mm "optimize follow_pages" patch: a
     reference taken only for FOLL_GET|FOLL_TOUCH, dropped for !FOLL_GET:
     with flags 0, a put without a get (never merged). */
  int follow_page_put_without_get;
  /* 2.6.24 generic_file_direct_IO(): invalidate before ->direct_IO and
     again after it, ignoring the second result. */
  int dio_reinvalidate;
  /* 2.6.22 madvise_remove() (90ed52eb, "holepunch: fix mmap_sem i_mutex
     deadlock"): mmap_sem is dropped around vmtruncate_range(), which
     takes i_mutex; off: 2.6.20 holds mmap_sem for writing across it. */
  int madvise_remove_drops_mmap_sem;
  /* 2.6.24 generic_perform_write() (08291429, afddba49): ->write_begin,
     the copy from the user buffer with page faults disabled (a short copy
     where 2.6.20-2.6.23's filemap_copy_from_user faulted with the page
     locked), ->write_end, then fault the buffer in again and retry. */
  int write_atomic_copy_retry;
  /* Reclaim (models/vmscan.c).  __remove_mapping() freezes the count:
     page_ref_freeze(page, 2), a cmpxchg from the expected count (the
     isolation reference and the page cache's) to 0, then rechecks
     PageDirty and unfreezes if set; the removed page comes back with a
     count of 0 and is freed as is (page_freeze_refs of 2.6.27 e286781d,
     page_ref_freeze in 4.19).  Off: 2.6.20's remove_mapping(), which
     reads page_count() == 2, then PageDirty, and drops the cache's
     reference with __put_page() after the removal. */
  int reclaim_ref_freeze;
  /* shrink_page_list() (3.2 ee72886d, as in 4.19): only kswapd writes a
     dirty file page (and only one it has seen before, PageReclaim, on a
     node flagged PGDAT_DIRTY: the model's kswapd assumes both); direct
     reclaim sets PageReclaim and activates it.  Off: 2.6.20, where any
     reclaimer with __GFP_FS calls pageout(). */
  int reclaim_no_direct_pageout;
  /* shrink_folio_list() (6.4 d824ec2a "mm: do not reclaim private data
     from pinned page"): right after the try_to_unmap block, a folio with
     folio_maybe_dma_pinned() (count >= GUP_PIN_COUNTING_BIAS) is
     activated: no pageout, no try_to_release_page, no removal. */
  int reclaim_skip_pinned;
  /* 2.6.30 (b827e496 "mm: close page_mkwrite races"): ->page_mkwrite
     returns the page locked (VM_FAULT_LOCKED, or the fault locks it and
     rechecks page->mapping), and the write fault (__do_fault, do_wp_page)
     calls set_page_dirty before unlock_page: writeback and reclaim cannot
     come between block_page_mkwrite's buffers and PG_dirty. */
  int fault_mkwrite_locked;
  /* R3 (GUP pins, models/gup.c).  5.6 (eddb1c22 "mm/gup: introduce
     pin_user_pages*() and FOLL_PIN"): a driver's long-term pin is
     pin_user_pages(FOLL_PIN) released by unpin_user_pages_dirty_lock();
     off: get_user_pages(FOLL_GET), released by put_page. */
  int gup_foll_pin;
  /* 5.7 (3faa52c0 "mm/gup: track FOLL_PIN pages"): a FOLL_PIN reference
     adds GUP_PIN_COUNTING_BIAS (1024) to the count, and
     page_maybe_dma_pinned() is count >= 1024; off: a pin is one get. */
  int gup_pin_counting;
  /* 5.2 (fc1d8e7c "mm: introduce put_user_page*(), placeholder
     versions"): a FOLL_GET reference is released with
     put_user_pages_dirty_lock(), which dirties only a clean page; off:
     the old drivers' set_page_dirty_lock() + put_page(). */
  int gup_put_user_pages;
  /* 5.18 (cc509574 "ext4: don't BUG if someone dirty pages without
     asking ext4 first"): ext4_writepage on a page without buffers warns,
     clears PG_dirty and skips it (the data is dropped); off: BUG in
     page_buffers(). */
  int ext4_warn_no_buffers;
  /* R4 (private COW, FOLL_FORCE, userfaultfd; gup.c, userfaultfd.c).
     4.9 (19be0eaf "mm: remove gup_flags FOLL_WRITE games from
     __get_user_pages()", the Dirty COW fix) to 5.19: after a COW break in
     a !VM_WRITE vma faultin_page sets FOLL_COW, and can_follow_write_pte
     lets a FOLL_FORCE|FOLL_COW write through a dirty read-only pte.  Off
     (2.6.x): faultin_page drops FOLL_WRITE after VM_FAULT_WRITE and the
     retried lookup takes any present page (CVE-2016-5195). */
  int gup_foll_cow;
  /* madvise_need_mmap_write() (2.6.x-era change to sys_madvise; the
     commit was not verified here, it predates 4.19; read in 5.15.0):
     MADV_DONTNEED takes mmap_sem for reading; off: 2.6.20's down_write
     for every behaviour. */
  int madvise_dontneed_read;
  /* 6.0 (5535be30 "mm/gup: fix FOLL_FORCE COW security issue and remove
     FOLL_COW"): a forced write through a read-only pte is let through
     only to an exclusive anonymous page of a private, !VM_WRITE vma;
     FOLL_COW is gone (overrides gup.foll_cow). */
  int gup_cow_exclusive;
  /* 5.16 (9ae0f87d "mm/shmem: unconditionally set pte dirty in
     mfill_atomic_install_pte"): UFFDIO_CONTINUE installs a dirty pte even
     when it is not writable (a page-cache page in a private or read-only
     vma); off (5.15): dirty only if writable or a new page. */
  int uffd_install_dirty;
  /* SYNTHETIC, never released: UFFDIO_REGISTER_MODE_MINOR (and
     UFFDIO_CONTINUE) on any file mapping, not only shmem/hugetlbfs
     (vma_can_userfault, 5.13-6.x), with a minor-fault hook in
     filemap_fault like shmem_getpage_gfp's.  No preset sets it: a
     scenario sets it to ask Hugh Dickins' question of seed 001 on a
     writenotify (dirty-accounting) file, where a dirty read-only pte
     from CONTINUE plus mprotect's dirty_accountable upgrade would skip
     ->page_mkwrite and set_page_dirty. */
  int uffd_minor_any_file;
  /* R1e, nonlinear mappings (models/fremap.c).  2.6.23-rc1 (54cb8821
     "mm: merge populate and nopage into fault (fixes nonlinear)"): a
     fault on a file pte goes do_nonlinear_fault -> __do_fault with the
     pte's pgoff (the page locked, as a linear fault), and
     remap_file_pages installs file ptes (populate_range) then faults
     them in (make_pages_present).  Off (2.6.20, 2.6.22): ->populate =
     filemap_populate -> install_page, from remap_file_pages and from
     do_file_page, with no page lock and no truncate_count. */
  int nonlinear_fault;
  /* 2.6.23 (3ee6dafc "only allow nonlinear vmas for ram backed
     filesystems"): remap_file_pages of a mapping that accounts dirty
     pages (every file but tmpfs) emulates the request with a new linear
     vma (mmap_region), since page_mkclean does not walk nonlinear vmas.
     Off: the vma becomes VM_NONLINEAR. */
  int nonlinear_linear_emulation;
  /* R5 write protection (models/ksm.c), SYNTHETIC: the generic page
     write protection of Jerome Glisse's RFC (linux-mm, April 2018, seed
     003; never merged) as a variant of KSM's write_protect_page (2.6.32
     31dbd01f): the page_count == mapcount + 1 (+ cache) check is made
     BEFORE ptep_clear_flush, so that GUP-fast can take a write reference
     between the check and the clear.  Off: KSM's order, clear and flush
     first, then the count. */
  int wp_check_before_clear;
  /* Debug check (no kernel has it): while a thread holds a FOLL_WRITE
     GUP reference, the page keeps its buffers (PG_private), the property
     6.4 (d824ec2a) gives FOLL_PIN pins; violation pinned-lost-buffers. */
  int pinned_lost_buffers;
  /* Debug check (no kernel has it): while a thread holds a FOLL_WRITE
     GUP reference, the page stays dirty (writeback does not clean a page
     a device may still write); violation pinned-page-cleaned. */
  int pinned_cleaned;
  /* The writenotify-dirty check (invariants.c), on in every preset; off
     lets an execution run on past a writable or dirty pte on a clean page
     to what it costs later (fsync-lost: mprotect-rw-fsync.scn). */
  int writenotify_check;
  /* Debug check: BUG_ON(page_mapped(page)) in __remove_from_page_cache(),
     the assertion that caught the race in SUSE kernels. */
  int bug_on_mapped_remove;
  /* Debug check of the model itself: after every step, every field the
     action changed belongs to an object the step declared as written
     (models/fpcheck.c); violation undeclared-write. */
  int footprint_check;
} mm_knobs;

typedef struct mm_knob_desc {
  const char *name; /* scenario name, e.g. "fault.lock_page" */
  size_t offset;    /* in mm_knobs */
  const char *what; /* one line: kernel version and function */
} mm_knob_desc;

extern const mm_knob_desc mm_knob_table[];
extern const int mm_nknobs;

/* One knob a preset sets differently from its base: the field's offset
   in mm_knobs and its value (set: 0 ends the list). */
typedef struct mm_knob_change {
  uint8_t set;
  uint8_t value;
  uint16_t offset;
} mm_knob_change;
#define MM_MAX_CHANGES 12

/* A kernel variant: a named preset of every knob, written as the preset
   it derives from and the knobs that differ (the kernel's history: 2.6.23
   is 2.6.22 with the fault fix), or, for the root preset, every knob. */
typedef struct mm_variant {
  const char *name;   /* as in "kernel 2.6.20" */
  const char *kernel; /* the release it stands for */
  const char *source; /* the trees read for it (models/SOURCES.md) */
  const char *base;   /* the preset it changes, NULL for the root */
  mm_knobs knobs;     /* the root's knobs */
  mm_knob_change changes[MM_MAX_CHANGES]; /* a derived preset's */
} mm_variant;

extern const mm_variant mm_variants[];
extern const int mm_nvariants;

/* Fills 'k' with the preset; -1 if the name is unknown. */
int mm_variant_preset(const char *name, mm_knobs *k);
/* A variant given with knob overrides, "2.6.20+fault.truncate_count=off"
   ('+' between them): the preset name into preset[16] and, in *over, the
   text after the first '+' (NULL when there is none).  -1 if the preset
   name does not fit. */
int mm_variant_split(const char *variant, char preset[16], const char **over);
/* Applies "knob=on+knob=off" (values on, off, 1, 0) to k: 0, or -1 with
   a message naming the bad knob or value. */
int mm_knobs_apply(mm_knobs *k, const char *over, char *err, size_t errlen);
/* "2.6.20, 2.6.23": the names of mm_variants[], for messages. */
const char *mm_variant_names(void);
/* Index into mm_knob_table, -1 if unknown. */
int mm_knob_find(const char *name);
void mm_knob_set(mm_knobs *k, int idx, int value);
int mm_knob_get(const mm_knobs *k, int idx);

#endif /* MMSIM_VARIANT_H */
