/*
** swap.c - page reference counts: get_page(), put_page() (alias
** page_cache_release()) and pagevec_release().  Mirrors mm/swap.c of Linux
** 2.6.20: put_page() -> put_page_testzero() -> __page_cache_release() ->
** free_hot_page(), and __pagevec_release() -> release_pages(); get_page()
** is the inline of include/linux/mm.h.  2.6.23 is the same for these
** paths.  models/SOURCES.md lists the tree read.
**
** Faithful: a reference is an atomic operation on page->_count, one step
** whose footprint is the page's count object.
** Simplified: an increment or decrement is a commutative update that no
** thread reads (SIM_OP_ADD), so reference steps of different threads
** commute.  The kernel's put_page_testzero() reads the result to free the
** page; here the page is free when its count is 0, and the one observer of
** that, the allocator (page_cache_read's add_to_page_cache step), declares
** a read of the counts it looks at.  There are no LRU lists (no
** zone->lru_lock, lru_add_drain or PageLRU) and no compound pages;
** pagevec_release() drops all its references in one step, where
** release_pages() decrements them one at a time (nothing reads a count in
** between).  What the kernel's BUG on a count underflow caught, the
** accounting invariant of invariants.c (count = cache + ptes + the
** references the threads hold) checks after every step, in any order; and
** a put by a thread that holds no reference on the page is reported by the
** put step itself (refcount-mismatch, put_page_of).
*/
#include <assert.h>

#include "models/kernel.h"

/* Drops the reference thread 't' holds: its own count, not the shared
   one, is what a put without a get underflows. */
static void drop_ref(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  assert(m->refs[sim_thread_id(t)][page] > 0);
  page_ref_held(t, page, -1);
  m->s.page[page].count--;
}

/* get_page() (include/linux/mm.h): atomic_inc(&page->_count). */
void get_page(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "get_page", COST_ATOMIC, SIM_ADD(page_ref_oid(m, page)));
  m->s.page[page].count++;
  page_ref_held(t, page, 1);
}

/* put_page() (mm/swap.c), alias page_cache_release() (pagemap.h): the
   last reference frees the page (count 0: back to the allocator).  A put
   by a path that holds no reference on the page (the 2.6.17-mm
   follow_page, R2d) takes someone else's: refcount-mismatch, raised from
   this step, before the shared count is touched (the kernel would go on
   to free a page still cached or mapped, or BUG on the underflow later,
   depending on the order of the other puts). */
void put_page_of(sim_thread *t, int page, const char *who) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  SIM_STEP(t, "put_page", COST_ATOMIC, SIM_ADD(page_ref_oid(m, page)));
  /* the count is logged, not read: other threads' updates commute */
  sim_before(t, "count %d", m->s.page[page].count);
  if (m->refs[tid][page] <= 0) {
    sim_oid o = page_ref_oid(m, page);
    sim_violation(sim_thread_exec(t), MM_KIND_REFCOUNT_MISMATCH, &o, 1,
                  "%s: put_page(page#%d) drops a reference %s never took",
                  m->threads[tid].name, page, who);
  }
  drop_ref(t, page);
  sim_after(t, "count %d%s", m->s.page[page].count,
            m->s.page[page].count ? "" : " (freed)");
}

void put_page(sim_thread *t, int page) {
  put_page_of(t, page, "this path");
}

/* pagevec_release() (include/linux/pagevec.h) -> __pagevec_release() ->
   release_pages(): drops the references a pagevec lookup took. */
void pagevec_release(sim_thread *t, struct pagevec *pv) {
  mm_model *m = mm_of(t);
  if (!pv->nr)
    return;
  sim_stepdesc s = {.what = "pagevec_release", .cost_ns = COST_ATOMIC};
  for (int i = 0; i < pv->nr; i++)
    s.acc[s.n++] = (sim_access){page_ref_oid(m, pv->pages[i]), SIM_OP_ADD};
  sim_step(t, &s);
  for (int i = 0; i < pv->nr; i++)
    drop_ref(t, pv->pages[i]);
  pv->nr = 0; /* pagevec_reinit() */
}
