/*
** buffer.c - buffer_heads: locking, writing a page's dirty buffers, and
** the end_io of buffer writes.  Mirrors fs/buffer.c of Linux 2.6.20
** (sagsango/linux-2.6.20 @7925ece7): lock_buffer()/unlock_buffer(),
** block_write_full_page() -> __block_write_full_page(),
** end_buffer_async_write(), end_buffer_write_sync().
** __set_page_dirty_buffers() is in page-writeback.c, next to the
** nobuffers version whose tail it shares.
**
** A 'buffers' file has one buffer per page (blocksize = PAGE_SIZE, ext3 on
** 4 KiB blocks), always mapped to its block (files are allocated: no
** get_block, no holes to fill).  What matters for R2 is faithful: writepage
** writes only the buffers that are dirty, so a page whose buffers were
** cleaned behind its back (the filesystem's own writeout, or never dirtied
** because page_mkclean dropped a pte's dirty bit) writes nothing, and ends
** its writeback at once.  Not modelled: several buffers per page, the
** BH_Uptodate_Lock bit spinlock that serialises the end_io of a page's
** buffers (one buffer: nothing to serialise), b_count (buffer references),
** write errors.
*/
#include <assert.h>

#include "models/kernel.h"

struct bh_wait {
  const mm_model *m;
  int page;
};
static int buffer_unlocked(const sim_exec *x, void *arg) {
  (void)x;
  const struct bh_wait *w = arg;
  return !(w->m->s.page[w->page].bh & BH_Lock);
}

/* lock_buffer() (2.6.20 include/linux/buffer_head.h): test_set_buffer_locked
   or sleep in __lock_buffer until the I/O unlocks it; one step, enabled
   when BH_Lock is clear, that sets it. */
void lock_buffer(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct bh_wait w = {m, page};
  sim_step(t,
           &(const sim_stepdesc){.what = "lock_buffer",
                                 .cost_ns = COST_SLEEPLOCK,
                                 .n = 2,
                                 .acc = {{page_bh_oid(m, page), SIM_OP_WAIT},
                                         {page_bh_oid(m, page), SIM_OP_WRITE}},
                                 .ready = buffer_unlocked,
                                 .ready_arg = &w});
  assert(!(m->s.page[page].bh & BH_Lock));
  m->s.page[page].bh |= BH_Lock;
}

/* wait_on_buffer(): sleep until BH_Lock is clear. */
void wait_on_buffer(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct bh_wait w = {m, page};
  sim_step(t,
           &(const sim_stepdesc){.what = "wait_on_buffer",
                                 .cost_ns = COST_ATOMIC,
                                 .n = 1,
                                 .acc = {{page_bh_oid(m, page), SIM_OP_WAIT}},
                                 .ready = buffer_unlocked,
                                 .ready_arg = &w});
}

/* test_clear_buffer_dirty(): the buffer is locked by the caller.  If it
   was dirty, the caller writes it; else unlock_buffer() in the same
   step. */
int test_clear_buffer_dirty(sim_thread *t, int page, int async) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  SIM_STEP(t, "test_clear_buffer_dirty", COST_ATOMIC,
           SIM_WR(page_bh_oid(m, page)));
  assert(p->bh & BH_Lock);
  if (!(p->bh & BH_Dirty)) {
    p->bh &= (uint8_t)~BH_Lock; /* unlock_buffer */
    sim_after(t, "buffer clean: unlock_buffer");
    return 0;
  }
  p->bh &= (uint8_t)~BH_Dirty;
  if (async)
    p->bh |= BH_Async_Write; /* mark_buffer_async_write */
  sim_after(t, "buffer was dirty");
  return 1;
}

/* block_write_full_page() (2.6.20): the page is locked, clean (PG_dirty
   cleared by clear_page_dirty_for_io) and has buffers.  A page wholly
   past i_size (a truncate in progress) is not written.  Else
   __block_write_full_page: lock each mapped buffer, and keep it for
   writing if test_clear_buffer_dirty says it was dirty; set_page_writeback;
   submit the kept ones; unlock_page; if none was submitted,
   end_page_writeback at once ("nr_underway == 0"). */
int block_write_full_page(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int file = p->mapping;
  sim_enter(t, "block_write_full_page");
  SIM_STEP(t, "i_size_read", COST_ATOMIC, SIM_RD(isize_oid(m, file)));
  if ((uint64_t)p->index >= m->s.as[file].i_size >> PAGE_SHIFT) {
    /* (pages are whole: no page straddles i_size) do_invalidatepage of
       the buffers is not modelled */
    unlock_page(t, m, page);
    sim_leave(t);
    return 0;
  }
  sim_enter(t, "__block_write_full_page");
  assert(p->flags & PG_private); /* create_empty_buffers: never needed */
  lock_buffer(t, page);
  int async = test_clear_buffer_dirty(t, page, 1);
  set_page_writeback(t, page);
  if (async)
    submit_write(t, page, BIO_END_PAGE_WRITEBACK);
  unlock_page(t, m, page);
  if (!async) /* nr_underway == 0 */
    end_page_writeback(t, page);
  sim_leave(t);
  sim_leave(t);
  return 0;
}

/* end_buffer_async_write() (2.6.20): the buffer's write is done: clear
   BH_Async_Write, unlock_buffer, and since no other buffer of the page is
   in flight, end_page_writeback. */
void end_buffer_async_write(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  sim_enter(t, "end_buffer_async_write");
  SIM_STEP(t, "clear_buffer_async_write; unlock_buffer", COST_ATOMIC,
           SIM_WR(page_bh_oid(m, page)));
  assert((p->bh & (BH_Lock | BH_Async_Write)) == (BH_Lock | BH_Async_Write));
  p->bh &= (uint8_t) ~(BH_Lock | BH_Async_Write);
  end_page_writeback(t, page);
  sim_leave(t);
}

/* end_buffer_write_sync() (2.6.20): unlock_buffer (and put_bh). */
void end_buffer_write_sync(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  sim_enter(t, "end_buffer_write_sync");
  SIM_STEP(t, "unlock_buffer", COST_ATOMIC, SIM_WR(page_bh_oid(m, page)));
  assert(p->bh & BH_Lock);
  p->bh &= (uint8_t)~BH_Lock;
  sim_leave(t);
}
