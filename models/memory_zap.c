/*
** memory_zap.c - the unmapping half of mm/memory.c, Linux 2.6.20 and
** 2.6.23 (sagsango/linux-2.6.20 @7925ece7, read; models/SOURCES.md):
** zap_pte_range() under the pte lock with its zap_details (check_mapping,
** the index range, a nonlinear vma), unmap_vmas() and zap_page_range()
** with details NULL (munmap, madvise), unmap_mapping_range() with the
** truncate_count bump that do_no_page (memory.c) samples, and its callers
** vmtruncate() and vmtruncate_range(), with do_truncate() of fs/open.c
** that leads to vmtruncate.  The fault paths of the same kernel file are
** in memory.c; exit_mmap() is in mmap.c and follow_page() with
** get_user_pages() in gup.c, after the kernel files that hold them.
**
** Simplified: one page table (and pte lock) per mm; unmap_mapping_range
** never breaks i_mmap_lock (need_lockbreak is false); the mmu_gather
** drops the pte's page reference at once (tlb_remove_page); the zap never
** stops early for need_resched (ZAP_BLOCK_SIZE).
*/
#include <assert.h>

#include "models/kernel.h"

/* details NULL (unmap_vmas, exit_mmap) is 'none': check_mapping -1 and
   'given' 0; unmap_mapping_range's are given. */
struct zap_details {
  int check_mapping; /* file, or -1 for even_cows */
  uint32_t first_index, last_index;
  uint8_t given;     /* details != NULL: file ptes are left */
  uint8_t nonlinear; /* details->nonlinear_vma is this vma (fremap.c) */
};

/* details->check_mapping: -1 (even_cows) or the file whose pages go. */
static int zap_this_page(const struct cond_fp *c) {
  return c->arg < 0 || c->m->s.page[c->page].mapping == c->arg;
}

/* zap_pte_range() for the file pages of one vma range (2.6.20, 2.6.23):
   under the pte lock, clear each present pte, move its dirty bit to the
   page (set_page_dirty), page_remove_rmap, and drop the pte's reference.
   pte presence and page are stable while we hold the pte lock (only the
   MMU changes ptes without it, and only the young/dirty bits), so present
   ptes are found without a step; each one is a step, which also reads
   page->mapping for details->check_mapping (invalidate: even_cows=0 skips
   a page that is not the file's, a private COW copy or, here, an orphan
   page removed from the cache meanwhile).  In a nonlinear vma (2.6.20
   unmap_mapping_range_list) a page outside [first, last] by page->index
   is kept (index is fixed while the pte maps the page: no step), and a
   zapped pte whose page is not at its linear offset becomes a file pte
   holding the index.  File ptes are left when details are given, else
   cleared (pte_clear_not_present_full). */
static void zap_pte_range(sim_thread *t, const struct vma *v, uint64_t start,
                          uint64_t end, const struct zap_details *d) {
  mm_model *m = mm_of(t);
  int mm = v->mm;
  sim_enter(t, "zap_pte_range");
  mm_spin_lock(t, pte_lock(m, mm), "pte_offset_map_lock");
  for (uint64_t addr = start; addr < end; addr += PAGE_SIZE) {
    int slot = vma_pte_slot(v, addr);
    struct pte *pte = &m->s.mm[mm].pte[slot];
    if (!pte->present) {
      if (pte->file && !d->given) {
        SIM_STEP(t, "pte_clear_not_present_full", COST_PTE,
                 SIM_WR(pte_oid(m, mm, slot)));
        *pte = (struct pte){.page = -1};
      }
      continue;
    }
    int page = pte->page;
    uint32_t index = m->s.page[page].index;
    if (d->nonlinear && (index < d->first_index || index > d->last_index))
      continue;
    struct cond_fp c = {.m = m,
                        .test = zap_this_page,
                        .page = page,
                        .arg = d->check_mapping,
                        .nmore = 2};
    if (d->check_mapping >= 0) /* even_cows reads nothing to decide */
      c.acc[c.nbase++] = (sim_access)SIM_RD(page_mapping_oid(m, page));
    c.acc[c.nbase] = (sim_access)SIM_WR(pte_oid(m, mm, slot));
    c.acc[c.nbase + 1] = (sim_access)SIM_WR(page_mapcount_oid(m, page));
    if (!mm_cond_step(t, "ptep_get_and_clear; page_remove_rmap", COST_PTE, &c))
      continue; /* not the file's page: even_cows=0 keeps it */
    sim_before(t, "pte 0x%llx -> page#%d%s, mapcount %d",
               (unsigned long long)addr, page, pte->dirty ? " dirty" : "",
               m->s.page[page].mapcount);
    struct pte old = *pte;
    *pte = (struct pte){.page = -1};
    if (d->nonlinear && linear_page_index(v, addr) != index)
      *pte = (struct pte){.page = -1, .file = 1, .pgoff = (uint8_t)index};
    page_remove_rmap(m, page);
    page_ref_held(t, page, 1); /* the pte's reference, until tlb_remove_page */
    sim_after(t, "pte 0x%llx -> %s (was page#%d%s), mapcount %d",
              (unsigned long long)addr, pte->file ? "file pte" : "none", page,
              old.dirty ? " dirty" : "", m->s.page[page].mapcount);
    /* an anonymous page has no file to dirty (5.x zap_pte_range: only
       !PageAnon); anon is fixed while the pte maps it (memory_cow.c) */
    if (old.dirty && !page_is_anon(m, page))
      set_page_dirty(t, page);
    put_page(t, page); /* tlb_remove_page */
  }
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  sim_leave(t);
}

/* unmap_vmas() (2.6.20 mm/memory.c) with details NULL, for the one vma
   of the range (munmap's unmap_region, zap_page_range): the range of each
   page table under its pte lock (zap_pte_range: every present pte, no
   check_mapping, its dirty bit to the page with set_page_dirty).  The
   model's zap never stops early for need_resched (ZAP_BLOCK_SIZE), and
   the mmu_gather drops each page at once (file comment). */
void unmap_vmas(sim_thread *t, const struct vma *v, uint64_t start,
                uint64_t end) {
  struct zap_details none = {.check_mapping = -1, .last_index = PGOFF_MAX};
  assert(start >= v->start && end <= v->end && start < end);
  sim_enter(t, "unmap_vmas");
  zap_pte_range(t, v, start, end, &none);
  sim_leave(t);
}

/* zap_page_range() (2.6.20 mm/memory.c) with details NULL, as
   madvise_dontneed() calls it: lru_add_drain and tlb_gather_mmu (not
   modelled), unmap_vmas, tlb_finish_mmu. */
void zap_page_range(sim_thread *t, const struct vma *v, uint64_t address,
                    uint64_t size) {
  sim_enter(t, "zap_page_range");
  unmap_vmas(t, v, address, address + size);
  sim_leave(t);
}

/* unmap_mapping_range() (2.6.20 and 2.6.23): under i_mmap_lock, bump
   truncate_count (2.6.20: with smp_wmb before and smp_mb after, which is
   what do_no_page relies on; the step is atomic here), then zap the range
   in every vma of the file.  holelen 0 means "to the end of the file".
   even_cows=0 spares private COW copies.  A vma that munmap took off
   i_mmap (unlink_file_vma, under i_mmap_lock) is not walked: the locking
   step reads the state of the file's vmas. */
void unmap_mapping_range(sim_thread *t, int file, uint64_t holebegin,
                         uint64_t holelen, int even_cows) {
  mm_model *m = mm_of(t);
  uint64_t hba = holebegin >> PAGE_SHIFT;
  uint64_t hlen = (holelen + PAGE_SIZE - 1) >> PAGE_SHIFT;
  struct zap_details d = {.check_mapping = even_cows ? -1 : file,
                          .first_index = (uint32_t)hba,
                          .last_index =
                              hlen ? (uint32_t)(hba + hlen - 1) : PGOFF_MAX,
                          .given = 1};
  sim_enter(t, "unmap_mapping_range");
  sim_stepdesc s = {
      .what = "spin_lock(i_mmap_lock); truncate_count++",
      .cost_ns = COST_LOCK,
      .n = 2,
      .acc = {SIM_LOCK(i_mmap_lock(m, file)), SIM_WR(trunc_oid(m, file))}};
  vma_reads(m, -1, file, &s);
  sim_step(t, &s);
  m->s.as[file].truncate_count++;
  sim_after(t, "truncate_count %u, pages %u..%u", m->s.as[file].truncate_count,
            d.first_index, d.last_index);
  /* unmap_mapping_range_tree: each vma of i_mmap overlapping the hole */
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    uint32_t vfirst = v->pgoff;
    uint32_t vlast =
        v->pgoff + (uint32_t)((v->end - v->start) >> PAGE_SHIFT) - 1;
    if (v->file != file || m->s.vs[i].gone || m->s.vs[i].nonlinear ||
        vlast < d.first_index || vfirst > d.last_index)
      continue;
    uint32_t zfirst = d.first_index > vfirst ? d.first_index : vfirst;
    uint32_t zlast = d.last_index < vlast ? d.last_index : vlast;
    sim_enter(t, "unmap_mapping_range_vma");
    zap_pte_range(t, v, v->start + ((uint64_t)(zfirst - vfirst) << PAGE_SHIFT),
                  v->start + ((uint64_t)(zlast - vfirst + 1) << PAGE_SHIFT),
                  &d);
    sim_leave(t);
  }
  /* unmap_mapping_range_list (2.6.20): i_mmap_nonlinear, each vma whole,
     details->nonlinear_vma set */
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    if (v->file != file || m->s.vs[i].gone || !m->s.vs[i].nonlinear)
      continue;
    struct zap_details nl = d;
    nl.nonlinear = 1;
    sim_enter(t, "unmap_mapping_range_list");
    zap_pte_range(t, v, v->start, v->end, &nl);
    sim_leave(t);
  }
  mm_unlock(t, i_mmap_lock(m, file), "spin_unlock(i_mmap_lock)");
  sim_leave(t);
}

/* ----------------------------------------------------------- truncate */

/* vmtruncate() (2.6.20 and 2.6.23 mm/memory.c), shrinking case: caller
   holds i_mutex.  i_size first, so that a fault sampling truncate_count
   after the unmap also sees the new size; unmap whole pages past EOF
   (even_cows); truncate the page cache; 2.6.23 unmaps again (knob
   vmtruncate.unmap_twice); then ->truncate frees the blocks. */
int vmtruncate(sim_thread *t, int file, uint64_t offset) {
  mm_model *m = mm_of(t);
  struct address_space *as = &m->s.as[file];
  sim_enter(t, "vmtruncate");
  SIM_STEP(t, "i_size_write", COST_ATOMIC, SIM_WR(isize_oid(m, file)));
  int expand = as->i_size < offset;
  sim_before(t, "i_size %llu", (unsigned long long)as->i_size);
  as->i_size = offset;
  sim_after(t, "i_size %llu", (unsigned long long)offset);
  if (!expand) {
    unmap_mapping_range(t, file, offset + PAGE_SIZE - 1, 0, 1);
    truncate_inode_pages(t, file, offset);
    if (m->knobs.vmtruncate_unmap_twice)
      unmap_mapping_range(t, file, offset + PAGE_SIZE - 1, 0, 1);
  }
  /* ->truncate (ext2/3 style): free the blocks past EOF */
  SIM_STEP(t, "->truncate: free blocks past EOF", COST_COPY,
           SIM_WR(disk_oid(m, file)));
  for (uint32_t i = (uint32_t)((offset + PAGE_SIZE - 1) >> PAGE_SHIFT);
       i < MM_NFILEPAGES; i++)
    as->disk[i] = 0;
  m->truncated[file] = 1;
  sim_leave(t);
  return 0;
}

/* do_truncate() (fs/open.c) -> notify_change -> inode_setattr ->
   vmtruncate: i_mutex, and i_alloc_sem for writing around the size change
   (notify_change, ATTR_SIZE) [fs/attr.c, from memory]. */
int do_truncate(sim_thread *t, int file, uint64_t length) {
  mm_model *m = mm_of(t);
  sim_enter(t, "do_truncate");
  SIM_STEP(t, "sys_truncate; mutex_lock(i_mutex)", COST_SYSCALL,
           SIM_LOCK(i_mutex(m, file)));
  mm_lock(t, i_alloc_sem(m, file), "down_write(i_alloc_sem)");
  int ret = vmtruncate(t, file, length);
  mm_unlock(t, i_alloc_sem(m, file), "up_write(i_alloc_sem)");
  mm_unlock(t, i_mutex(m, file), "mutex_unlock(i_mutex)");
  sim_leave(t);
  return ret;
}

/* vmtruncate_range() (2.6.20 and 2.6.23 mm/memory.c), reached from
   madvise(MADV_REMOVE) (madvise.c: in 2.6.20 with mmap_sem held for
   writing, from 2.6.22 without it): -ENOSYS unless the inode has
   ->truncate_range, which in 2.6.20 only tmpfs has (the model refuses the
   others when it is built).  Punch a hole without changing i_size, so in
   2.6.20 the truncate_count protocol gives no SIGBUS to a racing fault:
   only the count moves, and a fault that samples it after the unmap
   passes.  2.6.23 unmaps again after truncating (knob
   vmtruncate.unmap_twice).  Then ->truncate_range, shmem_truncate_range.
   Caller: no page lock, no pte lock; i_mutex and i_alloc_sem taken
   here. */
int vmtruncate_range(sim_thread *t, int file, uint64_t offset, uint64_t end) {
  mm_model *m = mm_of(t);
  assert(m->scn->files[file].tmpfs); /* i_op->truncate_range */
  sim_enter(t, "vmtruncate_range");
  mm_lock(t, i_mutex(m, file), "mutex_lock(i_mutex)");
  mm_lock(t, i_alloc_sem(m, file), "down_write(i_alloc_sem)");
  unmap_mapping_range(t, file, offset, end - offset, 1);
  truncate_inode_pages_range(t, file, offset, end);
  if (m->knobs.vmtruncate_unmap_twice)
    unmap_mapping_range(t, file, offset, end - offset, 1);
  shmem_truncate_range(t, file, offset, end); /* i_op->truncate_range */
  mm_unlock(t, i_alloc_sem(m, file), "up_write(i_alloc_sem)");
  mm_unlock(t, i_mutex(m, file), "mutex_unlock(i_mutex)");
  sim_leave(t);
  return 0;
}
