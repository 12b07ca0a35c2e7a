/*
** mpage.c - writing a file's dirty pages.  Mirrors mpage_writepages() of
** fs/mpage.c, Linux 2.6.20 (sagsango/linux-2.6.20 @7925ece7), which is
** also what generic_writepages() calls (write_cache_pages() appears only in
** 2.6.22), with ->writepage the mapping's: block_write_full_page() for a
** 'buffers' file (buffer.c), else the whole page in one bio as
** __mpage_writepage() does for a page without buffers.
**
** The loop, as in the source: look up up to PAGEVEC_SIZE pages tagged
** DIRTY from 'index' (each with a reference), and for each one: lock_page;
** skip it if page->mapping changed (truncated or invalidated meanwhile);
** for data integrity (WB_SYNC_ALL) wait_on_page_writeback; skip it if it
** is (still) under writeback or if clear_page_dirty_for_io() finds it
** clean; else ->writepage, which unlocks the page.  Then release the
** pagevec and look again from after the last page found.
**
** Not modelled: range_cyclic and writeback_index (the flusher starts at
** index 0), nr_to_write (every dirty page is written), the congestion
** checks of a non-blocking flusher, AOP_WRITEPAGE_ACTIVATE and errors.
*/
#include <assert.h>

#include "models/kernel.h"

/* __mpage_writepage() for a page without buffers (2.6.20): the blocks
   are mapped, the page is written as one bio: set_page_writeback,
   unlock_page, submit; mpage_end_io_write ends the writeback. */
static int mpage_writepage(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  sim_enter(t, "__mpage_writepage");
  set_page_writeback(t, page);
  unlock_page(t, m, page);
  submit_write(t, page, BIO_END_PAGE_WRITEBACK);
  sim_leave(t);
  return 0;
}

/* a_ops->writepage: the page is locked and was dirty; it returns with
   the page unlocked.  Also reclaim's pageout() (vmscan.c). */
int mapping_writepage(sim_thread *t, int page, int file) {
  if (mm_of(t)->scn->files[file].ext4)
    return ext4_writepage(t, page);
  if (mm_of(t)->scn->files[file].buffers)
    return block_write_full_page(t, page);
  return mpage_writepage(t, page);
}

int mpage_writepages(sim_thread *t, int file, enum writeback_sync_modes mode) {
  mm_model *m = mm_of(t);
  struct pagevec pv;
  uint32_t index = 0;
  int ret = 0;
  sim_enter(t, "mpage_writepages");
  while (index < MM_NFILEPAGES &&
         pagevec_lookup_tag(t, &pv, file, index, PAGECACHE_TAG_DIRTY,
                            PAGEVEC_SIZE)) {
    /* the lookup moves index past the last page it returned */
    index = m->s.page[pv.pages[pv.nr - 1]].index + 1u;
    for (int i = 0; i < pv.nr; i++) {
      int page = pv.pages[i];
      /* We hold neither tree_lock nor the page lock: the page may have
         been truncated or invalidated since the lookup. */
      lock_page(t, m, page);
      SIM_STEP(t, "page->mapping != mapping?", COST_ATOMIC,
               SIM_RD(page_mapping_oid(m, page)));
      if (m->s.page[page].mapping != file) {
        unlock_page(t, m, page);
        continue;
      }
      if (mode != WB_SYNC_NONE)
        wait_on_page_writeback(t, page);
      SIM_STEP(t, "PageWriteback?", COST_ATOMIC,
               SIM_RD(page_writeback_oid(m, page)));
      if ((m->s.page[page].flags & PG_writeback) ||
          !clear_page_dirty_for_io(t, page, file)) {
        unlock_page(t, m, page);
        continue;
      }
      ret = mapping_writepage(t, page, file);
      assert(!ret); /* the model's I/O never fails */
    }
    pagevec_release(t, &pv);
  }
  sim_leave(t);
  return ret;
}
