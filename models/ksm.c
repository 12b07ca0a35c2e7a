/*
** ksm.c - page write protection (R5, seed 003): KSM's write_protect_page
** and the part of its caller that takes the page lock, mirroring
** mm/ksm.c (since 2.6.32, 31dbd01f "ksm: the mm interface to ksm"; read
** at torvalds/linux @0118fb82 as stored, models/SOURCES.md), and the
** never-merged generic write protection of Jerome Glisse's RFC (linux-mm,
** April 2018) as a SYNTHETIC variant (knob wp.check_before_clear, preset
** wp-glisse) that makes the same count check before clearing the pte.
**
** write_protect_page(), with the page locked by the caller
** (try_to_merge_one_page's trylock_page) and mmap_sem held for reading:
** under the pte lock, if the pte that maps the page is writable or dirty,
** ptep_clear_flush() it; then "page_mapcount + 1 + swapped !=
** page_count": any reference beyond the ptes, KSM's own (the FOLL_GET of
** get_mergeable_page) and the swap cache's means "O_DIRECT or similar I/O
** in progress": put the pte back and fail; else move the pte's dirty bit
** to the page (set_page_dirty) and install the pte clean and read-only.
** The clear comes first because GUP-fast takes its reference without any
** lock: once the pte is gone, a GUP-fast that has not yet taken its
** reference cannot get one that survives its pte recheck, and one that
** has is seen by the count.
**
**   cpu0: write protection (wp-glisse)   cpu1: driver, GUP-fast + DMA
**   ----------------------------------   ---------------------------------
**   trylock_page; pte lock
**   page_count == mapcount + 1 + 1? yes
**                                        gup_get_pte: writable
**                                        get_page_unless_zero
**                                        pte unchanged: write reference
**   ptep_clear_flush; set_page_dirty
**   set_pte_at: clean, read-only
**     <- wp-broken: protected page under
**        a write GUP reference
**                                        device DMA writes the page
**
** KSM's order (preset ksm) closes it: the clear before the check makes
** cpu1's pte recheck fail (it drops its reference and takes the slow
** path, whose write fault breaks the protection in order), or the check
** sees cpu1's reference and write_protect_page fails.
**
** Generalised beyond KSM: KSM works on anonymous pages only (PageAnon);
** the model applies write_protect_page to whatever page the pte maps, and
** for a page-cache page the cache's reference plays the part of the swap
** cache's ("swapped"), as the generic write protection of the RFC would
** for file pages.  The model has no TLB: ptep_clear_flush is one step, and
** GUP-fast's interrupts-off section, which delays the flush IPI in the
** kernel, is not modelled; the pte recheck of GUP-fast gives the same
** outcome.  The ksm_protect operation stops after write_protect_page:
** no stable or unstable tree, no pages_identical, no replace_page, no
** PageKsm.  The page then stays protected (ghost mm_model.wp[]) until a
** writer breaks the protection in order: a write fault that reuses the
** page or installs a writable pte (memory.c, memory_cow.c; for KSM this
** is where replace_page's pte_same check would fail, or where a merged
** page would be copied), or write(2)'s write_begin with the page locked
** (filemap_write.c), as the RFC asks of every writer.
*/
#include <assert.h>

#include "models/kernel.h"

void wp_break(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  if (!m->wp[page])
    return;
  m->wp[page] = 0;
  sim_after(t, "write protection of page#%d broken", page);
}

void write_section(sim_thread *t, int page, int open) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  if (open) {
    assert(PageLocked(t, m, page) && !m->write_section[tid]);
    wp_break(t, page);
    m->write_section[tid] = (int16_t)(page + 1);
  } else {
    assert(m->write_section[tid] == page + 1);
    m->write_section[tid] = 0;
  }
}

/* The count test of write_protect_page: "page_mapcount(page) + 1 +
   swapped != page_count(page)", the 1 being KSM's own reference and
   swapped the swap cache's (here: the page cache's, see the top of this
   file).  1 if the count is as expected. */
static int wp_count_ok(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  const struct page *p = &m->s.page[page];
  SIM_STEP(t, "page_mapcount + 1 + swapped == page_count?", COST_ATOMIC,
           SIM_RD(page_ref_oid(m, page)), SIM_RD(page_mapcount_oid(m, page)),
           SIM_RD(page_mapping_oid(m, page)));
  int want = p->mapcount + 1 + (p->mapping >= 0);
  if (p->count != want) {
    sim_after(t, "count %d, expected %d: I/O in progress", p->count, want);
    return 0;
  }
  sim_after(t, "count %d", p->count);
  return 1;
}

/* Marks 'page' protected: in the action of the step that leaves its pte
   clean and read-only. */
static void wp_protect(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  m->wp[page] = 1;
  m->wp_data[page] = m->s.page[page].data;
  sim_after(t, "page#%d write-protected (data v%u)", page, m->wp_data[page]);
}

int write_protect_page(sim_thread *t, const struct vma *v, uint64_t addr,
                       int page) {
  mm_model *m = mm_of(t);
  int mm = v->mm, slot = vma_pte_slot(v, addr), err = -EFAULT;
  struct pte *ptep = &m->s.mm[mm].pte[slot];
  assert(sim_lock_holder(sim_thread_exec(t), page_lock_oid(m, page)) ==
         sim_thread_id(t));
  sim_enter(t, "write_protect_page");
  mm_spin_lock(t, pte_lock(m, mm), "page_vma_mapped_walk: pte lock");
  SIM_STEP(t, "pte maps page? pte_write || pte_dirty?", COST_PTE,
           SIM_RD(pte_oid(m, mm, slot)));
  if (!ptep->present || ptep->page != page) {
    sim_after(t, "page#%d not mapped here", page);
    goto unlock;
  }
  if (!ptep->write && !ptep->dirty) { /* already clean and read-only */
    wp_protect(t, page);
    err = 0;
    goto unlock;
  }
  /* wp-glisse (SYNTHETIC): the check while the pte is still writable;
     a GUP-fast may read it and take its reference after the check */
  if (m->knobs.wp_check_before_clear && !wp_count_ok(t, page))
    goto unlock;
  SIM_STEP(t, "ptep_clear_flush", COST_PTE + COST_LOCK,
           SIM_WR(pte_oid(m, mm, slot)));
  struct pte entry = *ptep;
  *ptep = (struct pte){.page = -1};
  page_ref_held(t, page, 1); /* the cleared pte's reference, until set */
  if (!m->knobs.wp_check_before_clear && !wp_count_ok(t, page)) {
    SIM_STEP(t, "set_pte_at(entry): put the pte back", COST_PTE,
             SIM_WR(pte_oid(m, mm, slot)));
    *ptep = entry;
    page_ref_held(t, page, -1);
    goto unlock;
  }
  /* nobody else can write the page through this pte: it is clear, and we
     hold the pte lock that a fault would need to set it again */
  if (entry.dirty)
    set_page_dirty(t, page);
  SIM_STEP(t, "set_pte_at_notify(pte_mkclean(pte_wrprotect(entry)))", COST_PTE,
           SIM_WR(pte_oid(m, mm, slot)));
  entry.write = entry.dirty = 0;
  *ptep = entry;
  page_ref_held(t, page, -1);
  wp_protect(t, page);
  err = 0;
unlock:
  mm_unlock(t, pte_lock(m, mm), "page_vma_mapped_walk_done: pte unlock");
  sim_leave(t);
  return err;
}

long ksm_protect_page(sim_thread *t, int mm, uint64_t addr) {
  mm_model *m = mm_of(t);
  long err = -EFAULT;
  sim_enter(t, "ksmd");
  mmap_sem_find_vma(t, mm, 0, "mmap_read_lock; find_mergeable_vma",
                    COST_SYSCALL);
  const struct vma *v = find_vma(m, mm, addr);
  if (!v)
    goto up;
  sim_enter(t, "get_mergeable_page");
  int page = follow_page(t, v, addr, FOLL_GET);
  sim_leave(t);
  if (page < 0)
    goto up;
  sim_enter(t, "try_to_merge_one_page");
  /* "We use trylock_page() instead of lock_page() because we don't want
     to wait here" */
  if (TestSetPageLocked(t, m, page)) {
    sim_after(t, "page#%d locked: skipped", page);
  } else {
    err = write_protect_page(t, v, addr, page);
    unlock_page(t, m, page);
  }
  sim_leave(t);
  put_page(t, page);
up:
  mm_up_read(t, mmap_sem(m, mm), "mmap_read_unlock");
  sim_after(t, "write protection %s", err ? "failed" : "done");
  sim_leave(t);
  return err;
}
