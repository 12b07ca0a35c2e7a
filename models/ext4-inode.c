/*
** ext4-inode.c - ext4's ->writepage, as far as R3 needs it.  Mirrors
** ext4_writepage() of fs/ext4/inode.c: before 5.18 it takes
** page_buffers(page), whose BUG_ON(!PagePrivate) fires on a page that
** someone dirtied without asking ext4 (set_page_dirty_lock of a GUP
** user on a page whose buffers reclaim had dropped); cc509574 "ext4:
** don't BUG if someone dirty pages without asking ext4 first" (Ted Ts'o,
** 5.18-rc1, read at cc509574) warns ("page %lu does not have buffers
** attached"), clears PG_dirty, unlocks the page and returns 0: the data
** is dropped (knob ext4.warn_no_buffers).
**
** A page with buffers is written by block_write_full_page (buffer.c),
** which, like ext4_bio_write_page, writes the dirty buffers.  Not
** modelled: ext4_writepages' mpage_prepare_extent_to_map (the same
** page_buffers test, the same fix), delayed allocation, data=journal,
** io_end and the journal.
*/
#include "models/kernel.h"

/* ext4_writepage(): the page is locked and was dirty (its PG_dirty
   cleared by clear_page_dirty_for_io); returns with it unlocked. */
int ext4_writepage(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int file = p->mapping;
  sim_enter(t, "ext4_writepage");
  SIM_STEP(t, "i_size_read; page_has_buffers", COST_ATOMIC,
           SIM_RD(isize_oid(m, file)), SIM_RD(page_bh_oid(m, page)));
  if (p->flags & PG_private) {
    sim_leave(t);
    return block_write_full_page(t, page);
  }
  if (!m->knobs.ext4_warn_no_buffers) {
    /* page_bufs = page_buffers(page): BUG_ON(!PagePrivate(page)) */
    sim_oid o = page_bh_oid(m, page);
    sim_violation(sim_thread_exec(t), MM_KIND_WRITEPAGE_WITHOUT_BUFFERS, &o, 1,
                  "ext4_writepage of page#%d (%s index %u): no buffers", page,
                  m->scn->files[file].name, p->index);
  }
  sim_after(t, "ext4_warning_inode: page %u does not have buffers attached",
            p->index);
  SIM_STEP(t, "ClearPageDirty", COST_ATOMIC, SIM_WR(page_dirty_oid(m, page)));
  p->flags &= (uint8_t)~PG_dirty;
  unlock_page(t, m, page);
  sim_leave(t);
  return 0;
}
