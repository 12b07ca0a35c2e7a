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

/* page_mkclean_one() (2.6.20): page_check_address takes the pte lock of
   the vma's mm and finds the pte mapping the page; if it is dirty or
   writable, clear and flush it, write-protect and clean it.  The check
   and the change are one step under the lock; the step writes the pte
   only when it changes it. */
static int pte_dirty_or_write(const struct cond_fp *c) {
  const struct pte *pte =
      &c->m->s.mm[c->arg / MM_MAX_PTES].pte[c->arg % MM_MAX_PTES];
  return pte->present && pte->page == c->page && (pte->dirty || pte->write);
}

static int page_mkclean_one(sim_thread *t, int page, const struct vma *v) {
  mm_model *m = mm_of(t);
  const struct page *p = &m->s.page[page];
  int mm = v->mm;
  uint64_t address = v->start + ((uint64_t)(p->index - v->pgoff) << PAGE_SHIFT);
  int slot = vma_pte_slot(v, address);
  struct pte *pte = &m->s.mm[mm].pte[slot];
  sim_enter(t, "page_mkclean_one");
  struct cond_fp c = {.m = m,
                      .test = pte_dirty_or_write,
                      .page = page,
                      .arg = mm * MM_MAX_PTES + slot,
                      .nbase = 2,
                      .nmore = 1,
                      .acc = {SIM_LOCK(pte_lock(m, mm)),
                              SIM_RD(pte_oid(m, mm, slot)),
                              SIM_WR(pte_oid(m, mm, slot))}};
  int ret = mm_cond_step(t,
                         "page_check_address: spin_lock(ptl); pte_dirty || "
                         "pte_write? ptep_clear_flush; wrprotect; mkclean",
                         COST_PTE, &c);
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

/* page_mkclean() -> page_mkclean_file() (2.6.20 mm/rmap.c, since
   d08b3851 in 2.6.19): with the page locked, if it is mapped, walk the
   shared vmas of its mapping that cover its index under i_mmap_lock and
   clean each pte.  page_test_and_clear_dirty() is s390's storage key: a
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
  /* the walk reads which vmas are still in i_mmap (munmap's
     unlink_file_vma writes that under i_mmap_lock, mmap.c) */
  sim_stepdesc s = {.what = "spin_lock(i_mmap_lock)",
                    .cost_ns = COST_LOCK,
                    .n = 1,
                    .acc = {SIM_LOCK(i_mmap_lock(m, file))}};
  vma_reads(m, -1, file, &s);
  sim_step(t, &s);
  for (int i = 0; i < m->nvma; i++) { /* vma_prio_tree_foreach */
    const struct vma *v = &m->vma[i];
    uint32_t last = v->pgoff + (uint32_t)((v->end - v->start) >> PAGE_SHIFT);
    if (v->file != file || m->s.vs[i].gone || p->index < v->pgoff ||
        p->index >= last || !v->shared)
      continue;
    ret += page_mkclean_one(t, page, v);
  }
  mm_unlock(t, i_mmap_lock(m, file), "spin_unlock(i_mmap_lock)");
  sim_leave(t);
out:
  sim_leave(t);
  return ret;
}
