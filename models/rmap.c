/*
** rmap.c - reverse-map counters of file pages.  Mirrors page_add_file_rmap()
** and page_remove_rmap() of mm/rmap.c, identical in Linux 2.6.20 and 2.6.23
** for file pages: they touch only _mapcount (and zone counters, not
** modelled).  No page lock, no reference: the pte's reference is taken by
** the fault and dropped by the zap.  Callers hold the pte lock and run these
** inside the step that changes the pte.
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
