/*
** truncate.c - removing pages from the page cache: truncate and
** invalidate.  Mirrors mm/truncate.c of Linux 2.6.20 (torvalds/linux at
** ecdfc978, the last change before v2.6.20) and 2.6.23 (d00806b1,
** 54cb8821); see models/SOURCES.md.
**
** The race of R1 is in invalidate_inode_pages2_range(): between its last
** page_mapped() test and __remove_from_page_cache(), a 2.6.20 fault that
** takes no page lock can map the page again.  2.6.23 closes it because the
** fault needs the page lock that the invalidator holds.
**
** Buffers (files with 'buffers'): truncate_complete_page discards them
** (do_invalidatepage -> block_invalidatepage) and invalidate_complete_page2
** fails when try_to_release_page cannot drop them (buffer.c).
** Simplified: no ->launder_page (do_launder_page returns 0), and the partial
** page of an unaligned truncate keeps its tail (truncate_partial_page's
** zeroing is not modelled; the page stays cached and mapped, as in the
** kernel).
*/
#include <assert.h>

#include "models/kernel.h"

/* cancel_dirty_page() + the mapping check of truncate_complete_page.  The
   page is locked, so page->mapping cannot change under us. */
static void truncate_complete_page(sim_thread *t, int file, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  sim_enter(t, "truncate_complete_page");
  assert(sim_holds(t, page_lock_oid(m, page)));
  struct cond_fp c = CLEAR_DIRTY_FP(m, page, file);
  mm_cond_step(t, "page->mapping == mapping; cancel_dirty_page", COST_ATOMIC,
               &c);
  if (p->mapping != file)
    goto out;
  p->flags &= (uint8_t)~PG_dirty;
  if (m->has_buffers) { /* the files of R1 have none: no step */
    SIM_STEP(t, "PagePrivate?", COST_ATOMIC, SIM_RD(page_bh_oid(m, page)));
    if (p->flags & PG_private) /* do_invalidatepage(page, 0) */
      block_invalidatepage(t, page);
  }
  if (!m->knobs.truncate_clear_uptodate_late) {
    /* 2.6.20: ClearPageUptodate, ClearPageMappedToDisk, then remove */
    SIM_STEP(t, "ClearPageUptodate; ClearPageMappedToDisk", COST_ATOMIC,
             SIM_WR(page_uptodate_oid(m, page)));
    p->flags &= (uint8_t) ~(PG_uptodate | PG_mappedtodisk);
  }
  remove_from_page_cache(t, page);
  if (m->knobs.truncate_clear_uptodate_late) {
    SIM_STEP(t, "ClearPageUptodate; ClearPageMappedToDisk", COST_ATOMIC,
             SIM_WR(page_uptodate_oid(m, page)));
    p->flags &= (uint8_t) ~(PG_uptodate | PG_mappedtodisk);
  }
  put_page(t, page); /* pagecache ref */
out:
  sim_leave(t);
}

/* 2.6.23 (knob truncate.unmap_mapped): with the page locked, a still
   mapped page is unmapped on its own before truncate_complete_page().  A
   2.6.23 fault cannot map it again: it needs this page lock. */
static void unmap_if_mapped(sim_thread *t, int file, int page) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "page_mapped", COST_ATOMIC, SIM_RD(page_mapcount_oid(m, page)),
           SIM_RD(page_index_oid(m, page)));
  if (page_mapped(&m->s.page[page]))
    unmap_mapping_range(t, file, (uint64_t)m->s.page[page].index << PAGE_SHIFT,
                        PAGE_SIZE, 0);
}

/* truncate_inode_pages_range() (2.6.20 and 2.6.23): pass 1 takes the pages
   it can without blocking (TestSetPageLocked, skip writeback); pass 2 locks
   and waits for each remaining page, rescanning from the start until the
   range is empty. */
void truncate_inode_pages_range(sim_thread *t, int file, uint64_t lstart,
                                uint64_t lend) {
  mm_model *m = mm_of(t);
  const uint32_t start = (uint32_t)((lstart + PAGE_SIZE - 1) >> PAGE_SHIFT);
  const uint32_t end =
      lend == UINT64_MAX ? PGOFF_MAX : (uint32_t)(lend >> PAGE_SHIFT);
  struct pagevec pv;
  uint32_t next;
  sim_enter(t, "truncate_inode_pages_range");

  SIM_STEP(t, "mapping->nrpages", COST_ATOMIC, SIM_RD(tree_oid(m, file)));
  if (m->s.as[file].nrpages == 0)
    goto out;

  /* Pass 1: non-blocking. */
  next = start;
  while (next <= end && pagevec_lookup(t, &pv, file, next, PAGEVEC_SIZE)) {
    for (int i = 0; i < pv.nr; i++) {
      int page = pv.pages[i];
      struct page *p = &m->s.page[page];
      uint32_t page_index = p->index; /* read unlocked, as the kernel */
      if (page_index > end) {
        next = page_index;
        break;
      }
      if (page_index > next)
        next = page_index;
      next++;
      if (TestSetPageLocked(t, m, page))
        continue;
      /* PG_writeback is only set with the page locked, so testing it
         in the trylock's step would be equally exact; kept apart. */
      SIM_STEP(t, "PageWriteback", COST_ATOMIC,
               SIM_RD(page_writeback_oid(m, page)));
      if (p->flags & PG_writeback) {
        unlock_page(t, m, page);
        continue;
      }
      if (m->knobs.truncate_unmap_mapped)
        unmap_if_mapped(t, file, page);
      truncate_complete_page(t, file, page);
      unlock_page(t, m, page);
    }
    pagevec_release(t, &pv);
  }

  /* (partial page: not modelled, sizes are page aligned) */

  /* Pass 2: blocking.  The loop that may not end is the rescan from
     start: its head is where next == start, at entry (iteration 0) and
     after each empty lookup past start.  Live there: nothing.  next is
     start again, pv is empty, page and p are per page, and the counter
     only counts; 2.6.20 truncate_inode_pages_range() carries no other
     local across a rescan (start, end and partial are fixed). */
  next = start;
  sim_loop_live(t, 0, "truncate pass 2 rescan", NULL, 0);
  for (int rescans = 0;;) {
    if (!pagevec_lookup(t, &pv, file, next, PAGEVEC_SIZE)) {
      if (next == start)
        break;
      next = start;
      sim_loop_live(t, ++rescans, "truncate pass 2 rescan", NULL, 0);
      continue;
    }
    if (m->s.page[pv.pages[0]].index > end) {
      pagevec_release(t, &pv);
      break;
    }
    for (int i = 0; i < pv.nr; i++) {
      int page = pv.pages[i];
      struct page *p = &m->s.page[page];
      if (p->index > end)
        break;
      lock_page(t, m, page);
      wait_on_page_writeback(t, page);
      if (m->knobs.truncate_unmap_mapped)
        unmap_if_mapped(t, file, page);
      if (p->index > next)
        next = p->index;
      next++;
      truncate_complete_page(t, file, page);
      unlock_page(t, m, page);
    }
    pagevec_release(t, &pv);
  }
out:
  sim_leave(t);
}

void truncate_inode_pages(sim_thread *t, int file, uint64_t lstart) {
  truncate_inode_pages_range(t, file, lstart, UINT64_MAX);
}

/* invalidate_complete_page2() (identical in 2.6.20 and 2.6.23): fails on a
   page that was redirtied (through a pte zapped meanwhile) or moved. */
static int invalidate_complete_page2(sim_thread *t, int file, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int ret = 0;
  sim_enter(t, "invalidate_complete_page2");
  SIM_STEP(t, "page->mapping == mapping", COST_ATOMIC,
           SIM_RD(page_mapping_oid(m, page)));
  if (p->mapping != file)
    goto out;
  if (m->has_buffers) { /* the files of R1 have none: no step */
    SIM_STEP(t, "PagePrivate?", COST_ATOMIC, SIM_RD(page_bh_oid(m, page)));
    if ((p->flags & PG_private) && !try_to_release_page(t, page))
      goto out;
  }
  struct cond_fp c =
      COND_FP(m, page_clean, page, 0, 2, SIM_LOCK(tree_lock(m, file)),
              SIM_RD(page_dirty_oid(m, page)), REMOVE_FP(m, file, page));
  if (!mm_cond_step(t, "write_lock(tree_lock); PageDirty?", COST_TREE, &c)) {
    sim_after(t, "page#%d dirty: fail", page);
    SIM_STEP(t, "write_unlock(tree_lock)", COST_LOCK,
             SIM_UNLOCK(tree_lock(m, file)));
    goto out;
  }
  __remove_from_page_cache(t, page);
  SIM_STEP(t, "write_unlock(tree_lock); ClearPageUptodate", COST_LOCK,
           SIM_UNLOCK(tree_lock(m, file)), SIM_WR(page_uptodate_oid(m, page)));
  p->flags &= (uint8_t)~PG_uptodate;
  put_page(t, page); /* pagecache ref */
  ret = 1;
out:
  sim_leave(t);
  return ret;
}

/* invalidate_inode_pages2_range() (mm/truncate.c):
     2.6.20: per page: lock_page, recheck mapping, wait for writeback,
             WHILE page_mapped unmap (the whole rest of the range first,
             then just this page), invalidate_complete_page2, unlock.
             Stops at the first failure (-EIO).
     2.6.23: IF page_mapped unmap, then BUG_ON(page_mapped) (knob
             invalidate.bug_on_mapped); continues past failures.
   The window: after the last page_mapped() test a 2.6.20 fault, which
   never takes the page lock, maps the page again before it is removed. */
int invalidate_inode_pages2_range(sim_thread *t, int file, uint32_t start,
                                  uint32_t end) {
  mm_model *m = mm_of(t);
  struct pagevec pv;
  int ret = 0, did_range_unmap = 0;
  int stop_on_error = !m->knobs.invalidate_bug_on_mapped; /* 2.6.20 */
  uint32_t next = start;
  sim_enter(t, "invalidate_inode_pages2_range");
  while (next <= end && !(stop_on_error && ret) &&
         pagevec_lookup(t, &pv, file, next,
                        (end - next) < PAGEVEC_SIZE - 1 ? end - next + 1
                                                        : PAGEVEC_SIZE)) {
    for (int i = 0; !(stop_on_error && ret) && i < pv.nr; i++) {
      int page = pv.pages[i];
      struct page *p = &m->s.page[page];
      lock_page(t, m, page);
      SIM_STEP(t, "page->mapping == mapping", COST_ATOMIC,
               SIM_RD(page_mapping_oid(m, page)));
      if (p->mapping != file) {
        unlock_page(t, m, page);
        continue;
      }
      uint32_t page_index = p->index;
      next = page_index + 1;
      if (page_index > end) {
        unlock_page(t, m, page);
        break;
      }
      wait_on_page_writeback(t, page);
      for (int unmaps = 0;; unmaps++) {
        /* Live at the head: did_range_unmap, set by the first unmap
           (2.6.20's while (page_mapped) loop).  Not live: page, p,
           page_index, pv, i, next and ret (unchanged since the entry,
           which the digest at entry covers), and the counter. */
        sim_loop_live(t, unmaps, "invalidate page_mapped/unmap loop",
                      (const uint64_t[]){(uint64_t)did_range_unmap}, 1);
        SIM_STEP(t, "page_mapped", COST_ATOMIC,
                 SIM_RD(page_mapcount_oid(m, page)));
        sim_after(t, "page#%d mapcount %d", page, p->mapcount);
        if (!page_mapped(p))
          break;
        if (!did_range_unmap) {
          /* Zap the rest of the file in one hit. */
          unmap_mapping_range(t, file, (uint64_t)page_index << PAGE_SHIFT,
                              (uint64_t)(end - page_index + 1) << PAGE_SHIFT,
                              0);
          did_range_unmap = 1;
        } else {
          /* Just zap this page */
          unmap_mapping_range(t, file, (uint64_t)page_index << PAGE_SHIFT,
                              PAGE_SIZE, 0);
        }
        if (m->knobs.invalidate_bug_on_mapped) {
          /* 2.6.23: 'if', not 'while', then BUG_ON(page_mapped(page)) */
          SIM_STEP(t, "BUG_ON(page_mapped)", COST_ATOMIC,
                   SIM_RD(page_mapcount_oid(m, page)));
          if (page_mapped(p))
            MM_BUG(t, MM_KIND_PAGE_MAPPED_ON_REMOVE, page,
                   "BUG_ON(page_mapped(page)) in "
                   "invalidate_inode_pages2_range: page#%d index %u",
                   page, p->index);
          break;
        }
      }
      /* do_launder_page(): no ->launder_page in the model, returns 0 */
      ret = invalidate_complete_page2(t, file, page) ? 0 : -EIO;
      unlock_page(t, m, page);
    }
    pagevec_release(t, &pv);
  }
  sim_leave(t);
  return ret;
}
