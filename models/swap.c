/*
** swap.c - page reference counts: get_page(), put_page() (alias
** page_cache_release()) and pagevec_release().  Mirrors mm/swap.c of Linux
** 2.6.20: put_page() -> put_page_testzero() -> __page_cache_release() ->
** free_hot_page(), and __pagevec_release() -> release_pages(); get_page()
** is the inline of include/linux/mm.h.  2.6.23 is the same for these
** paths.  models/SOURCES.md lists the tree read.
**
** Faithful: a reference is an atomic operation on page->_count, one step
** whose footprint is the page's count object; the reference that drops the
** count to zero frees the page.
** Simplified: there are no LRU lists (no zone->lru_lock, lru_add_drain or
** PageLRU) and no compound pages; a freed page goes straight back to the
** pool it was allocated from (free_hot_page); pagevec_release() drops all
** its references in one step, where release_pages() decrements them one
** at a time (nothing in the model reads a count in between).
*/
#include <assert.h>

#include "models/kernel.h"

/* put_page_testzero(): the count must be positive before the decrement. */
static int put_page_testzero(struct page *p) {
  assert(p->used && p->count > 0);
  return --p->count == 0;
}

/* __page_cache_release() -> free_hot_page(): a free page must be out of
   the page cache and unmapped. */
static void __page_cache_release(struct page *p) {
  assert(p->mapping < 0 && !page_mapped(p));
  p->used = 0; /* back to the allocator (page_cache_alloc) */
}

/* get_page() (include/linux/mm.h): atomic_inc(&page->_count). */
void get_page(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "get_page", COST_ATOMIC, SIM_WR(page_ref_oid(m, page)));
  m->s.page[page].count++;
}

/* put_page() (mm/swap.c), alias page_cache_release() (pagemap.h): the
   last reference frees the page. */
void put_page(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  SIM_STEP(t, "put_page", COST_ATOMIC, SIM_WR(page_ref_oid(m, page)));
  sim_before(t, "count %d", p->count);
  if (put_page_testzero(p))
    __page_cache_release(p);
  sim_after(t, "count %d%s", p->count, p->count ? "" : " (freed)");
}

/* pagevec_release() (include/linux/pagevec.h) -> __pagevec_release() ->
   release_pages(): drops the references a pagevec lookup took. */
void pagevec_release(sim_thread *t, struct pagevec *pv) {
  mm_model *m = mm_of(t);
  if (!pv->nr)
    return;
  sim_stepdesc s = {.what = "pagevec_release", .cost_ns = COST_ATOMIC};
  for (int i = 0; i < pv->nr; i++)
    s.acc[s.n++] = (sim_access){page_ref_oid(m, pv->pages[i]), SIM_OP_WRITE};
  sim_step(t, &s);
  for (int i = 0; i < pv->nr; i++) {
    struct page *p = &m->s.page[pv->pages[i]];
    if (put_page_testzero(p))
      __page_cache_release(p);
  }
  pv->nr = 0; /* pagevec_reinit() */
}
