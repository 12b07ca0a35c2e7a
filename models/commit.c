/*
** commit.c - the filesystem's own writeout of a file's data buffers, as a
** journal commit in data=ordered mode does it before the metadata.
** Mirrors journal_submit_data_buffers() of fs/jbd/commit.c, Linux 2.6.20
** (sagsango/linux-2.6.20 @7925ece7), and the wait of
** journal_commit_transaction() on the buffers it submitted.
**
** Per buffer of the transaction's data list: if it is dirty, take the
** buffer lock (test_set_buffer_locked, else a blocking lock_buffer); if
** test_clear_buffer_dirty then submit it with end_buffer_write_sync as its
** end_io, else unlock it.  PG_dirty is not touched: the page stays dirty
** (and tagged) although its only buffer is clean.  This is what made 2.6.19
** lose data (../shared/kernel-facts.md 2c): writeback then found the page
** dirty with clean buffers and wrote nothing.
**
** Simplified: the data list (t_sync_datalist, filled by ext3's ordered
** writes) is modelled as every buffer of the file's cached pages, in index
** order, looked up with a pagevec (page references stand for get_bh); the
** journal's own locks (j_list_lock, jbd_lock_bh_state) and journal heads
** are not modelled: one thread commits at a time.
*/
#include "models/kernel.h"

void journal_submit_data_buffers(sim_thread *t, int file, int wait) {
  mm_model *m = mm_of(t);
  struct pagevec pv;
  int16_t sent[MM_NFILEPAGES];
  int nsent = 0;
  uint32_t index = 0;
  sim_enter(t, "journal_submit_data_buffers");
  while (index < MM_NFILEPAGES &&
         pagevec_lookup(t, &pv, file, index, PAGEVEC_SIZE)) {
    index = m->s.page[pv.pages[pv.nr - 1]].index + 1u;
    for (int i = 0; i < pv.nr; i++) {
      int page = pv.pages[i];
      SIM_STEP(t, "buffer_dirty?", COST_ATOMIC, SIM_RD(page_bh_oid(m, page)));
      if (!(m->s.page[page].flags & PG_private) ||
          !(m->s.page[page].bh & BH_Dirty))
        continue;
      lock_buffer(t, page);
      if (test_clear_buffer_dirty(t, page, 0)) {
        submit_write(t, page, BIO_END_WRITE_SYNC);
        sent[nsent++] = (int16_t)page;
      }
    }
    pagevec_release(t, &pv);
  }
  /* journal_commit_transaction: wait for the data writes to end */
  for (int i = 0; wait && i < nsent; i++)
    wait_on_buffer(t, sent[i]);
  sim_leave(t);
}
