/*
** vmscan.c - page reclaim of file pages.  Mirrors shrink_page_list(),
** pageout() and remove_mapping() of mm/vmscan.c, Linux 2.6.20
** (sagsango/linux-2.6.20 @7925ece7), for one page of the page cache, as
** kswapd (balance_pgdat) or direct reclaim (try_to_free_pages) reaches it
** through shrink_inactive_list() once isolate_lru_pages() has taken its
** reference; and, by knobs, the modern shrink_page_list() /
** shrink_folio_list() (4.19 read in 0x88888888/Linux-4.19 @41e8ae7b;
** 6.4's d824ec2a read as posted and merged):
**
**   reclaim.ref_freeze         __remove_mapping() freezes the count
**                              (page_ref_freeze, 2.6.27 e286781d): a
**                              cmpxchg from 2 to 0, PageDirty rechecked,
**                              unfrozen if set; a removed page comes back
**                              with a count of 0 and is freed as is;
**   reclaim.no_direct_pageout  a dirty file page is written only by
**                              kswapd (3.2 ee72886d; 4.19's condition
**                              also wants PageReclaim and PGDAT_DIRTY,
**                              which the model's kswapd assumes: it
**                              reclaims under pressure a page it has seen
**                              before); direct reclaim activates it;
**   reclaim.skip_pinned        6.4 (d824ec2a, Jan Kara): right after the
**                              try_to_unmap block, a folio that
**                              folio_maybe_dma_pinned() says is pinned is
**                              activated, before pageout and before
**                              try_to_release_page, so its buffers stay.
**
** The steps of one page, all versions (the page locked from (1)):
**
**   isolate (reference)  --(1) TestSetPageLocked fails-->  keep
**   PageWriteback                                      --> keep_locked
**   page_mapped: try_to_unmap (rmap.c)   still mapped  --> keep_locked
**   [6.4] folio_maybe_dma_pinned                       --> activate
**   PageDirty: pageout: clear_page_dirty_for_io, ->writepage (unlocks)
**        written: under writeback or dirty again       --> keep
**                 else relock and recheck
**   PagePrivate: try_to_release_page (buffer.c)  busy  --> activate
**   remove_mapping: count 2 (our reference, the cache's) and clean
**                  (freeze: count 2 -> 0), __remove_from_page_cache
**                  else                                --> keep_locked
**   free_it: unlock, drop our reference: the page is free
**
** keep/activate both end with unlock_page (if locked) and the release of
** the isolation reference (2.6.20: shrink_inactive_list's
** __pagevec_release; modern: putback_lru_page); the model has no LRU
** lists, so activating and keeping are the same.
**
** Simplified or left out: the LRU lists, zone->lru_lock and the
** isolation itself (the page is found in the page cache, by
** find_get_page, whose reference stands for get_page_unless_zero's);
** page_referenced() / page_check_references() and the activation of
** referenced pages (the model's reclaim acts as if no pte had been used
** since they last looked); the scan_control fields (may_swap,
** may_writepage and __GFP_FS are all true), anonymous and swap-cache
** pages, huge pages, mlock, PageReclaim and the writeback-congestion
** cases of 4.19 (a page under writeback is kept, never waited for: case
** 3 is legacy memcg only), handle_write_error (no I/O errors), the
** workingset shadow entries.  The buffers' own page reference
** (attach_page_buffers' page_cache_get) is not modelled, so the kernel's
** "count - PagePrivate == 2" is the model's "count == 2".
*/
#include <assert.h>

#include "models/kernel.h"

/* pageout() results (2.6.20 mm/vmscan.c, the same in 4.19) */
typedef enum {
  PAGE_KEEP,     /* failed to write page out, page is locked */
  PAGE_ACTIVATE, /* move page to the active list, page is locked */
  PAGE_SUCCESS,  /* sent to the disk, page is unlocked */
  PAGE_CLEAN,    /* page is clean and locked */
} pageout_t;

/* is_page_cache_freeable(): referenced only by the isolating caller and
   the page cache (the buffers' reference is not modelled: file comment).
   Also 4.19 ("1 + radix_pins", 1 for a base page) and 6.4 ("1 +
   folio_nr_pages").  A GUP reference, or a pin's 1024, makes it false. */
static int is_page_cache_freeable(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "is_page_cache_freeable: page_count", COST_ATOMIC,
           SIM_RD(page_ref_oid(m, page)));
  int count = m->s.page[page].count;
  sim_after(t, "count %d", count);
  return count == 2;
}

/* pageout() (2.6.20): the page is locked and dirty, 'file' its mapping as
   read under the page lock (-1: truncated meanwhile).  Not freeable (an
   extra reference): keep.  An orphan with buffers: try_to_free_buffers
   and ClearPageDirty.  Else clear_page_dirty_for_io and ->writepage with
   WB_SYNC_NONE (for_reclaim), which unlocks the page; the bdi is never
   congested and every file of the model has a ->writepage. */
static pageout_t pageout(sim_thread *t, int page, int file) {
  mm_model *m = mm_of(t);
  pageout_t ret;
  sim_enter(t, "pageout");
  if (!is_page_cache_freeable(t, page)) {
    ret = PAGE_KEEP;
    goto out;
  }
  if (file < 0) {
    /* "Some data journaling orphaned pages can have page->mapping ==
       NULL while being dirty with clean buffers." */
    SIM_STEP(t, "PagePrivate?", COST_ATOMIC, SIM_RD(page_bh_oid(m, page)));
    ret = PAGE_KEEP;
    if ((m->s.page[page].flags & PG_private) && try_to_free_buffers(t, page)) {
      SIM_STEP(t, "ClearPageDirty", COST_ATOMIC,
               SIM_WR(page_dirty_oid(m, page)));
      m->s.page[page].flags &= (uint8_t)~PG_dirty;
      ret = PAGE_CLEAN;
    }
    goto out;
  }
  if (clear_page_dirty_for_io(t, page, file)) {
    /* SetPageReclaim (not modelled); wbc: WB_SYNC_NONE, for_reclaim */
    int res = mapping_writepage(t, page, file);
    assert(!res); /* the model's I/O never fails */
    ret = PAGE_SUCCESS;
    goto out;
  }
  ret = PAGE_CLEAN;
out:
  sim_leave(t);
  return ret;
}

/* The test of remove_mapping's step: our reference and the cache's only,
   and not dirty (read after the count: the kernel's smp_rmb, or the
   cmpxchg of the freeze). */
static int freeable_clean(const struct cond_fp *c) {
  const struct page *p = &c->m->s.page[c->page];
  return p->count == 2 && !(p->flags & PG_dirty);
}

/* remove_mapping() (2.6.20) and, with knob reclaim.ref_freeze, the
   __remove_mapping() that shrink_page_list calls from 2.6.27 on (4.19:
   page_ref_freeze(page, refcount = 2) under xa_lock_irq(&i_pages); 6.4:
   folio_ref_freeze(folio, 1 + folio_nr_pages)).  The page is locked and
   in 'file'.  Under tree_lock:
     2.6.20: page_count != 2 -> cannot_free; PageDirty -> cannot_free;
             __remove_from_page_cache; unlock; __put_page (the cache's
             reference): the caller's isolation reference is the last;
     freeze: page_ref_freeze(2) fails -> cannot_free; PageDirty ->
             page_ref_unfreeze(2), cannot_free; __delete_from_page_cache;
             unlock: the count stays 0, both references consumed.
   The test and the removal are one step, the tree_lock section: no
   racer of the model acts between the count test and the dirty test
   without tree_lock and without a reference (every set_page_dirty
   caller holds one, which the count test sees), so the order of the two
   tests, and the freeze's window, are not visible here.  The freeze
   writes the count, 2.6.20 only reads it; the step declares that write
   only when the page goes (a freeze that the PageDirty recheck undoes
   leaves the count as it was, and no one could look in between).
   Returns 1 if removed. */
int remove_mapping(sim_thread *t, int file, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int freeze = m->knobs.reclaim_ref_freeze;
  sim_enter(t, freeze ? "__remove_mapping" : "remove_mapping");
  assert(sim_holds(t, page_lock_oid(m, page))); /* BUG_ON(!PageLocked) */
  assert(p->mapping == file); /* BUG_ON(mapping != page_mapping(page)) */
  struct cond_fp c = {.m = m,
                      .test = freeable_clean,
                      .page = page,
                      .nbase = 3,
                      .acc = {SIM_LOCK(tree_lock(m, file)),
                              SIM_RD(page_ref_oid(m, page)),
                              SIM_RD(page_dirty_oid(m, page))}};
  if (freeze)
    c.acc[c.nbase + c.nmore++] = (sim_access)SIM_WR(page_ref_oid(m, page));
  sim_access rm[] = {REMOVE_FP(m, file, page)};
  for (size_t i = 0; i < sizeof rm / sizeof rm[0]; i++)
    c.acc[c.nbase + c.nmore++] = rm[i];
  int ok = mm_cond_step(t,
                        freeze ? "xa_lock_irq(i_pages); page_ref_freeze(2); "
                                 "PageDirty? __delete_from_page_cache"
                               : "write_lock_irq(tree_lock); page_count == 2? "
                                 "PageDirty? __remove_from_page_cache",
                        COST_TREE, &c);
  if (ok) {
    if (freeze)
      p->count = 0; /* frozen: the references are gone with the page */
    __remove_from_page_cache(t, page);
    if (freeze)
      page_ref_held(t, page, -2); /* ours and the cache's, now 0 */
  } else {
    sim_after(t, "cannot_free: count %d%s", p->count,
              p->flags & PG_dirty ? ", dirty" : "");
  }
  mm_unlock(t, tree_lock(m, file),
            freeze ? "xa_unlock_irq(i_pages)" : "write_unlock_irq(tree_lock)");
  if (ok && !freeze)
    put_page_of(t, page, "remove_mapping"); /* __put_page: the cache's */
  sim_leave(t);
  return ok;
}

/* The outcome of one page: freed (with our reference, or with the count
   frozen to 0 by __remove_mapping), or kept (locked or not). */
enum reclaim_end { FREE_IT, FREE_FROZEN, KEEP_LOCKED, KEEP };

/* The body of shrink_page_list's loop for one isolated page, up to its
   label (file comment).  'kswapd': current_is_kswapd(). */
static enum reclaim_end shrink_one(sim_thread *t, int page, int kswapd) {
  mm_model *m = mm_of(t);
  const struct page *p = &m->s.page[page];
  if (TestSetPageLocked(t, m, page))
    return KEEP;
  SIM_STEP(t, "PageWriteback?", COST_ATOMIC,
           SIM_RD(page_writeback_oid(m, page)));
  if (p->flags & PG_writeback)
    return KEEP_LOCKED; /* 4.19: SetPageReclaim, activate_locked */
  /* page_referenced() / page_check_references(): not modelled */
  SIM_STEP(t, "page_mapping; page_mapped?", COST_ATOMIC,
           SIM_RD(page_mapping_oid(m, page)),
           SIM_RD(page_mapcount_oid(m, page)));
  int file = p->mapping; /* stable: the page is locked */
  sim_after(t, "mapping %d, mapcount %d", file, p->mapcount);
  /* The page is mapped into the page tables of one or more processes.
     Try to unmap it here. */
  if (page_mapped(p) && file >= 0) {
    switch (try_to_unmap(t, page)) {
    case SWAP_FAIL:  /* activate_locked */
    case SWAP_AGAIN: /* keep_locked (4.19, 6.4: activate_locked) */
      return KEEP_LOCKED;
    case SWAP_SUCCESS: /* try to free the page below */
      break;
    }
  }
  if (m->knobs.reclaim_skip_pinned) {
    /* 6.4 d824ec2a: "Folio is unmapped now so it cannot be newly pinned
       anymore.  No point in trying to reclaim folio if it is pinned." */
    SIM_STEP(t, "folio_maybe_dma_pinned?", COST_ATOMIC,
             SIM_RD(page_ref_oid(m, page)));
    if (page_maybe_dma_pinned(m, page)) {
      sim_after(t, "count %d: pinned, activate", p->count);
      return KEEP_LOCKED; /* activate_locked */
    }
  }
  SIM_STEP(t, "PageDirty?", COST_ATOMIC, SIM_RD(page_dirty_oid(m, page)));
  if (p->flags & PG_dirty) {
    if (m->knobs.reclaim_no_direct_pageout && !kswapd) {
      /* "Only kswapd can writeback filesystem pages to avoid risk of
         stack overflow": SetPageReclaim, activate_locked */
      sim_after(t, "dirty file page, direct reclaim: activate");
      return KEEP_LOCKED;
    }
    switch (pageout(t, page, file)) {
    case PAGE_KEEP:
    case PAGE_ACTIVATE:
      return KEEP_LOCKED;
    case PAGE_SUCCESS:
      /* the page is unlocked: the I/O may be done, or a store may have
         dirtied it again, or truncate removed it */
      SIM_STEP(t, "PageWriteback? PageDirty?", COST_ATOMIC,
               SIM_RD(page_writeback_oid(m, page)),
               SIM_RD(page_dirty_oid(m, page)));
      if (p->flags & (PG_writeback | PG_dirty))
        return KEEP;
      /* "A synchronous write - probably a ramdisk.  Go ahead and try to
         reclaim the page." */
      if (TestSetPageLocked(t, m, page))
        return KEEP;
      SIM_STEP(t, "PageDirty? PageWriteback? page_mapping", COST_ATOMIC,
               SIM_RD(page_dirty_oid(m, page)),
               SIM_RD(page_writeback_oid(m, page)),
               SIM_RD(page_mapping_oid(m, page)));
      if (p->flags & (PG_writeback | PG_dirty))
        return KEEP_LOCKED;
      file = p->mapping;
      break;
    case PAGE_CLEAN: /* try to free the page below */
      break;
    }
  }
  /* If the page has buffers, try to free them ("We do this even if the
     page is PageDirty()": buffers written by hand leave a dirty page
     with clean buffers). */
  SIM_STEP(t, "PagePrivate?", COST_ATOMIC, SIM_RD(page_bh_oid(m, page)));
  if (p->flags & PG_private) {
    if (!try_to_release_page(t, page))
      return KEEP_LOCKED; /* activate_locked */
    if (file < 0) {
      SIM_STEP(t, "page_count == 1?", COST_ATOMIC,
               SIM_RD(page_ref_oid(m, page)));
      if (p->count == 1)
        return FREE_IT;
    }
  }
  if (file < 0 || !remove_mapping(t, file, page))
    return KEEP_LOCKED;
  return m->knobs.reclaim_ref_freeze ? FREE_FROZEN : FREE_IT;
}

/* shrink_page_list() for one page of 'file' at 'index' (file comment):
   the page is isolated (a reference, found in the page cache), reclaimed
   or kept, and the isolation reference released: by
   __pagevec_release_nonlru (2.6.20) or, after a freeze, with the count
   already 0 (free_unref_page_list); by putback (shrink_inactive_list's
   __pagevec_release, 4.19's putback_lru_page) if kept.  Returns 1 if the
   page was freed. */
int shrink_page_list(sim_thread *t, int file, uint32_t index, int kswapd) {
  mm_model *m = mm_of(t);
  sim_enter(t, "shrink_page_list");
  /* isolate_lru_pages: get_page_unless_zero, standing in as the lookup */
  int page = find_get_page(t, file, index);
  if (page < 0) {
    sim_leave(t);
    return 0;
  }
  enum reclaim_end end = shrink_one(t, page, kswapd);
  switch (end) {
  case FREE_FROZEN:
    /* "we have no other references and there is no way to pick any more
       up": the count is 0, a non-atomic unlock, freed as is */
    SIM_STEP(t, "__ClearPageLocked; free_unref_page_list", COST_ATOMIC,
             SIM_UNLOCK(page_lock_oid(m, page)));
    sim_after(t, "page#%d freed", page);
    break;
  case FREE_IT:
    unlock_page(t, m, page);
    put_page_of(t, page, "shrink_page_list"); /* the isolation reference */
    break;
  case KEEP_LOCKED:
    unlock_page(t, m, page);
    /* fall through */
  case KEEP:
    put_page_of(t, page, "putback"); /* the isolation reference */
    break;
  }
  sim_leave(t);
  return end == FREE_IT || end == FREE_FROZEN;
}
