/*
** rmap.c - reverse-map counters of file pages.  Mirrors page_add_file_rmap()
** and page_remove_rmap() of mm/rmap.c, identical in Linux 2.6.20 and 2.6.23
** for file pages: they touch only _mapcount (and zone counters, not
** modelled).  No page lock, no reference: the pte's reference is taken by
** the fault and dropped by the zap.  Callers hold the pte lock and run these
** inside the step that changes the pte.
**
** And page_mkclean() (2.6.19 d08b3851, read in 2.6.20 @7925ece7): the
** reverse walk that write-protects and cleans every shared pte of a page
** before writeback, so that the next store faults and dirties it again;
** a vma that munmap took off i_mmap (vs[].gone) is not walked.
**
** And try_to_unmap() -> try_to_unmap_file() -> try_to_unmap_one() (2.6.20
** @7925ece7, migration 0), reclaim's unmapping of a file page: under
** i_mmap_lock, every vma of the mapping that covers the page's index
** (shared or private: vma_prio_tree_foreach), its pte under the pte
** lock: clear and flush it, move a dirty pte's dirty bit to the page
** (set_page_dirty, with the pte lock held), page_remove_rmap and drop the
** pte's reference.  References held by others (a fault between its
** lookup and its pte, get_user_pages) are not looked at: the page is
** unmapped all the same, and remove_mapping's count test is what keeps
** such a page in the cache.  Left out: VM_LOCKED vmas (no mlock in the
** model) and ptep_clear_flush_young() (a young pte makes 2.6.20 return
** SWAP_FAIL; page_referenced(), which reclaim calls first and which
** clears the young bits, is not modelled either, so the model's reclaim
** behaves as if no pte had been used since that call), nonlinear vmas
** (try_to_unmap_cluster: reclaim is refused with remap), anonymous pages
** and
** migration entries.  4.19 and 6.4 (try_to_unmap_one with TTU_BATCH_FLUSH
** and a deferred TLB flush, flushed before pageout by
** try_to_unmap_flush_dirty) behave the same for a file page here.
*/
#include <assert.h>

#include "models/kernel.h"

void page_add_file_rmap(mm_model *m, int page) {
  m->s.page[page].mapcount++; /* atomic_inc_and_test(&page->_mapcount) */
}

void page_remove_rmap(mm_model *m, int page) {
  struct page *p = &m->s.page[page];
  /* 2.6.20 prints the page and BUG()s when _mapcount goes below -1 */
  assert(p->mapcount > 0);
  p->mapcount--;
  /* page->mapping is deliberately left alone */
}

/* The pte a page_check_address step looks at: arg is mm * MM_MAX_PTES +
   slot. */
static const struct pte *cond_pte(const struct cond_fp *c) {
  return &c->m->s.mm[c->arg / MM_MAX_PTES].pte[c->arg % MM_MAX_PTES];
}

/* page_check_address's test, under the pte lock: does the pte map the
   page? */
static int pte_maps_page(const struct cond_fp *c) {
  const struct pte *pte = cond_pte(c);
  return pte->present && pte->page == c->page;
}

/* page_mkclean_one's: the pte maps the page and is dirty or writable. */
static int pte_dirty_or_write(const struct cond_fp *c) {
  const struct pte *pte = cond_pte(c);
  return pte_maps_page(c) && (pte->dirty || pte->write);
}

/* vma_address() (2.6.20 mm/rmap.c): the address at which vma 'v' maps
   the page's index.  The walkers pass only vmas that cover it
   (vma_covers), so the kernel's -EFAULT for an anonymous page outside
   the vma cannot happen. */
static uint64_t vma_address(const mm_model *m, int page, const struct vma *v) {
  const struct page *p = &m->s.page[page];
  return v->start + ((uint64_t)(p->index - v->pgoff) << PAGE_SHIFT);
}

/* page_check_address() (2.6.20 mm/rmap.c): take the pte lock of v's mm
   and check that the pte at 'address' maps the page.  The kernel returns
   the pte with the lock held, or NULL after unlocking; in the model the
   caller's first act on a pte that maps the page is in the same step
   ('what', under the condition 'test': pte_maps_page, or narrower), the
   step writes the pte only when 'test' holds, and the caller drops the
   lock in both cases.  Returns test's result; *ptep is the pte. */
static int page_check_address(sim_thread *t, int page, const struct vma *v,
                              uint64_t address,
                              int (*test)(const struct cond_fp *),
                              const char *what, struct pte **ptep) {
  mm_model *m = mm_of(t);
  int mm = v->mm;
  int slot = vma_pte_slot(v, address);
  struct cond_fp c = COND_FP(
      m, test, page, mm * MM_MAX_PTES + slot, 2, SIM_LOCK(pte_lock(m, mm)),
      SIM_RD(pte_oid(m, mm, slot)), SIM_WR(pte_oid(m, mm, slot)));
  *ptep = &m->s.mm[mm].pte[slot];
  return mm_cond_step(t, what, COST_PTE, &c);
}

/* page_mkclean_one() (2.6.20): page_check_address takes the pte lock of
   the vma's mm and finds the pte mapping the page; if it is dirty or
   writable, clear and flush it, write-protect and clean it.  The check
   and the change are one step under the lock; the step writes the pte
   only when it changes it. */
static int page_mkclean_one(sim_thread *t, int page, const struct vma *v) {
  mm_model *m = mm_of(t);
  int mm = v->mm;
  uint64_t address = vma_address(m, page, v);
  struct pte *pte;
  sim_enter(t, "page_mkclean_one");
  int ret = page_check_address(t, page, v, address, pte_dirty_or_write,
                               "page_check_address: spin_lock(ptl); "
                               "pte_dirty || pte_write? ptep_clear_flush; "
                               "wrprotect; mkclean",
                               &pte);
  if (ret) {
    sim_before(t, "pte%s%s", pte->write ? " w" : "",
               pte->dirty ? " dirty" : "");
    pte->write = pte->dirty = 0;
    sim_after(t, "pte read-only, clean");
  }
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  sim_leave(t);
  return ret;
}

/* Is vma i on the i_mmap tree of 'file' and does it cover page 'index'
   (vma_prio_tree_foreach's test)?  A vma that munmap unlinked is not, nor
   a nonlinear one (on i_mmap_nonlinear, fremap.c). */
static int vma_covers(const mm_model *m, int i, int file, uint32_t index) {
  const struct vma *v = &m->vma[i];
  uint32_t last = v->pgoff + (uint32_t)((v->end - v->start) >> PAGE_SHIFT);
  return v->file == file && !m->s.vs[i].gone && !m->s.vs[i].nonlinear &&
         index >= v->pgoff && index < last;
}

/* spin_lock(&mapping->i_mmap_lock) before a walk of the vmas: the walk
   reads which vmas are still in i_mmap (munmap's unlink_file_vma writes
   that under i_mmap_lock, mmap.c). */
static void i_mmap_lock_walk(sim_thread *t, int file) {
  mm_model *m = mm_of(t);
  sim_stepdesc s = {.what = "spin_lock(i_mmap_lock)",
                    .cost_ns = COST_LOCK,
                    .n = 1,
                    .acc = {SIM_LOCK(i_mmap_lock(m, file))}};
  vma_reads(m, -1, file, &s);
  sim_step(t, &s);
}

/* page_mkclean() -> page_mkclean_file() (2.6.20 mm/rmap.c, since
   d08b3851 in 2.6.19): with the page locked, if it is mapped, walk the
   shared vmas of its mapping that cover its index under i_mmap_lock and
   clean each pte.  Only the i_mmap tree: a nonlinear vma's ptes stay
   writable and dirty (R1e, fixed by 3ee6dafc's linear emulation,
   fremap.c).  page_test_and_clear_dirty() is s390's storage key: a
   no-op on x86.  Returns how many ptes were dirty or writable. */
int page_mkclean(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  const struct page *p = &m->s.page[page];
  int ret = 0;
  sim_enter(t, "page_mkclean");
  assert(sim_holds(t, page_lock_oid(m, page))); /* BUG_ON(!PageLocked) */
  SIM_STEP(t, "page_mapped; page_mapping", COST_ATOMIC,
           SIM_RD(page_mapcount_oid(m, page)),
           SIM_RD(page_mapping_oid(m, page)));
  int file = p->mapping; /* stable: the page is locked */
  if (!p->mapcount || file < 0)
    goto out;
  sim_enter(t, "page_mkclean_file");
  i_mmap_lock_walk(t, file);
  for (int i = 0; i < m->nvma; i++) /* vma_prio_tree_foreach */
    if (vma_covers(m, i, file, p->index) && m->vma[i].shared)
      ret += page_mkclean_one(t, page, &m->vma[i]);
  mm_unlock(t, i_mmap_lock(m, file), "spin_unlock(i_mmap_lock)");
  sim_leave(t);
out:
  sim_leave(t);
  return ret;
}

/* try_to_unmap_one() (2.6.20, file page, migration 0): page_check_address
   takes the pte lock and finds the pte mapping the page; if it does,
   ptep_clear_flush (the step that clears it also takes over the pte's
   reference), set_page_dirty if the pte was dirty (the pte lock still
   held, as zap_pte_range does), page_remove_rmap, page_cache_release, and
   pte_unmap_unlock.  Returns SWAP_AGAIN (the kernel's value when the
   page was unmapped from this vma, or was not mapped in it). */
static int try_to_unmap_one(sim_thread *t, int page, const struct vma *v) {
  mm_model *m = mm_of(t);
  const struct page *p = &m->s.page[page];
  int mm = v->mm;
  uint64_t address = vma_address(m, page, v);
  struct pte *pte;
  sim_enter(t, "try_to_unmap_one");
  if (!page_check_address(t, page, v, address, pte_maps_page,
                          "page_check_address: spin_lock(ptl); pte maps "
                          "page? ptep_clear_flush",
                          &pte)) {
    sim_after(t, "pte 0x%llx does not map page#%d", (unsigned long long)address,
              page);
    mm_unlock(t, pte_lock(m, mm), "spin_unlock(ptl)");
    sim_leave(t);
    return SWAP_AGAIN;
  }
  struct pte old = *pte;
  *pte = (struct pte){.page = -1};
  page_ref_held(t, page, 1); /* the pte's reference, until released below */
  sim_after(t, "pte 0x%llx -> none (was page#%d%s%s)",
            (unsigned long long)address, page, old.write ? " w" : "",
            old.dirty ? " dirty" : "");
  /* Move the dirty bit to the physical page now the pte is gone. */
  if (old.dirty)
    set_page_dirty(t, page);
  SIM_STEP(t, "page_remove_rmap", COST_ATOMIC,
           SIM_WR(page_mapcount_oid(m, page)));
  sim_before(t, "mapcount %d", p->mapcount);
  page_remove_rmap(m, page);
  sim_after(t, "mapcount %d", p->mapcount);
  put_page_of(t, page, "try_to_unmap_one"); /* page_cache_release */
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  sim_leave(t);
  return SWAP_AGAIN;
}

/* page_mapped(page), read without a lock: faults on other ptes (2.6.20's
   do_no_page does not lock the page) change _mapcount meanwhile. */
static int page_mapped_step(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "page_mapped?", COST_ATOMIC, SIM_RD(page_mapcount_oid(m, page)));
  return page_mapped(&m->s.page[page]);
}

/* try_to_unmap(page, 0) -> try_to_unmap_file() (2.6.20): the page is
   locked (BUG_ON) and in a file (no anonymous pages in the model).
   Under i_mmap_lock, try_to_unmap_one on each vma covering the page's
   index, stopping early once the page is no longer mapped; then
   SWAP_SUCCESS if the page is no longer mapped, else SWAP_AGAIN. */
int try_to_unmap(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  const struct page *p = &m->s.page[page];
  int file = p->mapping; /* stable: the page is locked */
  int ret = SWAP_AGAIN;
  sim_enter(t, "try_to_unmap");
  assert(sim_holds(t, page_lock_oid(m, page))); /* BUG_ON(!PageLocked) */
  assert(file >= 0);
  sim_enter(t, "try_to_unmap_file");
  i_mmap_lock_walk(t, file);
  for (int i = 0; i < m->nvma; i++) { /* vma_prio_tree_foreach */
    if (!vma_covers(m, i, file, p->index))
      continue;
    ret = try_to_unmap_one(t, page, &m->vma[i]);
    if (ret == SWAP_FAIL || !page_mapped_step(t, page))
      break;
  }
  /* i_mmap_nonlinear (try_to_unmap_cluster) is not modelled: the model
     refuses reclaim in a scenario with remap (mm_program_check) */
  mm_unlock(t, i_mmap_lock(m, file), "spin_unlock(i_mmap_lock)");
  sim_leave(t);
  if (!page_mapped_step(t, page))
    ret = SWAP_SUCCESS;
  sim_leave(t);
  return ret;
}
