/*
** buffer.c - buffer_heads: locking, writing a page's dirty buffers, and
** the end_io of buffer writes.  Mirrors fs/buffer.c of Linux 2.6.20
** (sagsango/linux-2.6.20 @7925ece7): lock_buffer()/unlock_buffer(),
** block_write_full_page() -> __block_write_full_page(),
** end_buffer_async_write(), end_buffer_write_sync(), block_invalidatepage()
** and try_to_free_buffers() in its 2.6.18, 2.6.19, 2.6.20 and 2.6.17-mm
** forms (knobs free_buffers.dirty_under_lock and free_buffers.mkclean).
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
** buffers (one buffer: nothing to serialise), b_count (buffer references:
** a buffer is busy when dirty or locked), write errors, the
** b_assoc_buffers lists.
**
** try_to_free_buffers and the dirty bit (../shared/kernel-facts.md 2c,
** R2b): a filesystem that writes its buffers by hand leaves clean buffers
** on a dirty page, and try_to_free_buffers cleans the page when it drops
** them.  Where:
**   2.6.18   clear_page_dirty inside private_lock, no pte walk;
**   2.6.17-mm the reviewed patch: clear_page_dirty inside private_lock,
**            and it now walks the ptes (page_mkclean: i_mmap_lock, ptl)
**            while private_lock is held, against zap_pte_range's
**            ptl -> set_page_dirty -> private_lock: an ABBA deadlock;
**   2.6.19   clear_page_dirty after unlocking private_lock, with the walk:
**            no cycle, but the pte's dirty bit is dropped with the buffers
**            gone (R2a's second path);
**   2.6.20   cancel_dirty_page (ecdfc978) inside private_lock, no walk: the
**            pte stays dirty and the next zap or writeback dirties the
**            page again.
*/
#include <assert.h>

#include "models/kernel.h"

/* lock_buffer() (2.6.20 include/linux/buffer_head.h): test_set_buffer_locked
   or sleep in __lock_buffer until the I/O unlocks it.  BH_Lock is the lock
   object bh_lock_oid(): one step that takes it and touches no data, so
   that two contenders race on the lock (a data write in the same step
   would let the release's ordering hide the race from DPOR); whoever
   holds it may have it released by the block device (SIM_OP_UNLOCK_ANY). */
void lock_buffer(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "lock_buffer", COST_SLEEPLOCK, SIM_LOCK(bh_lock_oid(m, page)));
}

/* wait_on_buffer(): sleep until BH_Lock is clear.  It reads the lock, it
   does not take it (wait_on_page_locked). */
void wait_on_buffer(sim_thread *t, int page) {
  wait_on_bit(t, "wait_on_buffer", bh_lock_oid(mm_of(t), page));
}

static int bh_clean(const struct cond_fp *c) {
  return !(c->m->s.page[c->page].bh & BH_Dirty);
}

/* test_clear_buffer_dirty(): the buffer is locked by the caller.  If it
   was dirty, the caller writes it; else unlock_buffer() in the same
   step (BH_Dirty may be set meanwhile without the buffer lock: the
   release is declared from the state at the grant). */
int test_clear_buffer_dirty(sim_thread *t, int page, int async) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  assert(sim_holds(t, bh_lock_oid(m, page)));
  struct cond_fp c =
      COND_FP(m, bh_clean, page, 0, 1, SIM_WR(page_bh_oid(m, page)),
              SIM_UNLOCK(bh_lock_oid(m, page)));
  if (mm_cond_step(t, "test_clear_buffer_dirty", COST_ATOMIC, &c)) {
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
  SIM_STEP(t, "i_size_read; page_has_buffers", COST_ATOMIC,
           SIM_RD(isize_oid(m, file)), SIM_RD(page_bh_oid(m, page)));
  if ((uint64_t)p->index >= m->s.as[file].i_size >> PAGE_SHIFT) {
    /* (pages are whole: no page straddles i_size) do_invalidatepage of
       the buffers is not modelled */
    unlock_page(t, m, page);
    sim_leave(t);
    return 0;
  }
  sim_enter(t, "__block_write_full_page");
  if (!(p->flags & PG_private) && m->scn->files[file].needs_buffers) {
    /* ext4's writepage before cc509574: page_buffers() BUG_ON */
    SIM_STEP(t, "page_buffers: BUG_ON(!PagePrivate)", COST_ATOMIC,
             SIM_RD(page_bh_oid(m, page)));
    sim_oid o = page_bh_oid(m, page);
    sim_violation(sim_thread_exec(t), MM_KIND_WRITEPAGE_WITHOUT_BUFFERS, &o, 1,
                  "writepage of page#%d (%s index %u): no buffers", page,
                  m->scn->files[file].name, p->index);
  }
  if (!(p->flags & PG_private)) {
    /* dirtied without buffers (try_to_free_buffers dropped them):
       create_empty_buffers(BH_Dirty|BH_Uptodate), mapped by get_block
       under private_lock (attach_page_buffers) */
    SIM_STEP(t, "create_empty_buffers; get_block", COST_LOCK,
             SIM_LOCK(private_lock(m, file)), SIM_WR(page_bh_oid(m, page)),
             SIM_UNLOCK(private_lock(m, file)));
    p->flags |= PG_private;
    p->bh = BH_Dirty | BH_Mapped;
  }
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
           SIM_WR(page_bh_oid(m, page)), SIM_UNLOCK_ANY(bh_lock_oid(m, page)));
  assert(p->bh & BH_Async_Write);
  p->bh &= (uint8_t)~BH_Async_Write;
  end_page_writeback(t, page);
  sim_leave(t);
}

/* end_buffer_write_sync() (2.6.20): unlock_buffer (and put_bh), of a
   lock the submitter took (a bad-unlock if nobody holds it). */
void end_buffer_write_sync(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  sim_enter(t, "end_buffer_write_sync");
  SIM_STEP(t, "unlock_buffer", COST_ATOMIC,
           SIM_UNLOCK_ANY(bh_lock_oid(m, page)));
  sim_leave(t);
}

/* block_invalidatepage(page, 0) (2.6.20), via do_invalidatepage from
   truncate_complete_page: discard_buffer (lock_buffer, clear dirty and
   mapped, unlock), then try_to_release_page. */
void block_invalidatepage(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  sim_enter(t, "block_invalidatepage");
  assert(sim_holds(t, page_lock_oid(m, page)) && (p->flags & PG_private));
  sim_enter(t, "discard_buffer");
  lock_buffer(t, page);
  SIM_STEP(t, "clear_buffer_dirty; clear_buffer_mapped; unlock_buffer",
           COST_ATOMIC, SIM_WR(page_bh_oid(m, page)),
           SIM_UNLOCK(bh_lock_oid(m, page)));
  p->bh &= (uint8_t) ~(BH_Dirty | BH_Mapped);
  sim_leave(t);
  try_to_release_page(t, page);
  sim_leave(t);
}

/* drop_buffers' footprint: [private_lock,] the buffers, and the test of
   BH_Lock.  The kernel reads the bit; here it is a trylock of the buffer
   lock, released in the same step when it succeeded (refreshed from the
   lock table at the grant).  A plain read of the lock object would conflict
   with the lock operations for DPOR too, but the stateful digest hashes
   the value of a read object, and a lock has none (obj_hash 0): the thread
   would go on knowing 'busy' or not without its digest saying so.  A
   trylock's outcome is in the digest, and it races with every lock_buffer
   and unlock_buffer. */
struct drop_fp {
  const mm_model *m;
  int page, locked, file;
};
static void drop_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  const struct drop_fp *d = arg;
  const mm_model *m = d->m;
  sim_oid l = bh_lock_oid(m, d->page);
  int n = 0;
  if (d->locked)
    s->acc[n++] = (sim_access)SIM_LOCK(private_lock(m, d->file));
  s->acc[n++] = (sim_access)SIM_WR(page_bh_oid(m, d->page));
  s->acc[n++] = (sim_access)SIM_TRYLOCK(l);
  if (sim_lock_holder(x, l) < 0)
    s->acc[n++] = (sim_access)SIM_UNLOCK(l);
  s->n = (uint8_t)n;
}

/* drop_buffers(): in the step that reads them; fails if a buffer is
   busy (dirty or locked), else detaches them (__clear_page_buffers). */
static int drop_buffers(sim_thread *t, int page, int locked, int file) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  struct drop_fp d = {m, page, locked, file};
  sim_stepdesc s = {.what = locked ? "spin_lock(private_lock); drop_buffers"
                                   : "drop_buffers",
                    .cost_ns = locked ? COST_LOCK : COST_ATOMIC,
                    .refresh = drop_refresh,
                    .refresh_arg = &d};
  drop_refresh(sim_thread_exec(t), &d, &s);
  sim_step(t, &s);
  if ((p->bh & BH_Dirty) || !sim_trylock_ok(t)) { /* buffer_busy */
    sim_after(t, "buffer busy: keep");
    return 0;
  }
  p->flags &= (uint8_t)~PG_private;
  p->bh = 0;
  sim_after(t, "buffers dropped");
  return 1;
}

/* clear_page_dirty() -> test_clear_page_dirty() of 2.6.18/2.6.19: under
   tree_lock TestClearPageDirty and clear the DIRTY tag; with knob
   free_buffers.mkclean (2.6.19, and the 2.6.17-mm patch) then
   page_mkclean.  Without the walk it is 2.6.20's cancel_dirty_page, which
   leaves the tag for writeback to find clean. */
static void clear_page_dirty(sim_thread *t, int page, int file) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  if (!m->knobs.free_buffers_mkclean) {
    sim_enter(t, "cancel_dirty_page");
    struct cond_fp c = CLEAR_DIRTY_FP(m, page, file);
    if (mm_cond_step(t, "TestClearPageDirty", COST_ATOMIC, &c)) {
      sim_before(t, "page#%d PG_dirty set", page);
      p->flags &= (uint8_t)~PG_dirty;
      sim_after(t, "page#%d PG_dirty clear", page);
    }
    sim_leave(t);
    return;
  }
  sim_enter(t, "test_clear_page_dirty");
  struct cond_fp c =
      COND_FP(m, dirty_in_file, page, file, 4, SIM_LOCK(tree_lock(m, file)),
              SIM_RD(page_mapping_oid(m, page)),
              SIM_RD(page_dirty_oid(m, page)), SIM_UNLOCK(tree_lock(m, file)),
              SIM_WR(page_dirty_oid(m, page)), SIM_WR(tree_tags_oid(m, file)));
  if (mm_cond_step(t,
                   "write_lock(tree_lock); TestClearPageDirty; "
                   "radix_tree_tag_clear(DIRTY)",
                   COST_TREE, &c)) {
    sim_before(t, "page#%d PG_dirty set, tagged", page);
    p->flags &= (uint8_t)~PG_dirty;
    m->s.as[file].dirty_tag &= (uint16_t) ~(1u << p->index);
    sim_after(t, "page#%d PG_dirty clear, untagged", page);
    page_mkclean(t, page);
  }
  sim_leave(t);
}

/* try_to_free_buffers() (fs/buffer.c; forms above): the page is locked.
   Returns 1 if the buffers were dropped. */
int try_to_free_buffers(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int ret;
  sim_enter(t, "try_to_free_buffers");
  assert(sim_holds(t, page_lock_oid(m, page))); /* BUG_ON(!PageLocked) */
  SIM_STEP(t, "PageWriteback?", COST_ATOMIC,
           SIM_RD(page_writeback_oid(m, page)));
  if (p->flags & PG_writeback) {
    ret = 0;
    goto out;
  }
  int file = p->mapping; /* stable: the page is locked */
  if (file < 0) {        /* "can this still happen?" */
    ret = drop_buffers(t, page, 0, file);
    goto out;
  }
  ret = drop_buffers(t, page, 1, file);
  if (ret && m->knobs.free_buffers_dirty_under_lock)
    clear_page_dirty(t, page, file); /* under private_lock */
  mm_unlock(t, private_lock(m, file), "spin_unlock(private_lock)");
  if (ret && !m->knobs.free_buffers_dirty_under_lock)
    clear_page_dirty(t, page, file); /* 2.6.19: after it */
out:
  sim_leave(t);
  return ret;
}

/* block_page_mkwrite() (fs/buffer.c, 2.6.2x to 6.x; ext4_page_mkwrite's
   path without delayed allocation, 4.19 fs/ext4/inode.c): lock_page;
   give up if the page left the file (truncated: -EFAULT, the fault backs
   out); __block_write_begin creates the buffers if the page has none
   (create_empty_buffers, attached under private_lock, mapped by
   get_block) and block_commit_write marks them dirty; then
   set_page_dirty.  With knob fault.mkwrite_locked (2.6.30 b827e496, and
   4.x-6.x) it returns with the page locked (VM_FAULT_LOCKED) and the
   fault unlocks it after its own set_page_dirty (fault_dirty_shared_page
   in 4.19), so that neither writeback nor reclaim can come between;
   off, it unlocks the page itself, as the 2.6.2x callers expect. */
int block_page_mkwrite(sim_thread *t, int page, int file) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int ret = 0;
  sim_enter(t, "block_page_mkwrite");
  lock_page(t, m, page);
  SIM_STEP(t, "page->mapping == mapping? i_size_read", COST_ATOMIC,
           SIM_RD(page_mapping_oid(m, page)), SIM_RD(isize_oid(m, file)));
  if (p->mapping != file ||
      (uint64_t)p->index << PAGE_SHIFT > m->s.as[file].i_size) {
    sim_after(t, "page truncated: -EFAULT");
    ret = -EFAULT;
    goto out_unlock;
  }
  SIM_STEP(t,
           "__block_write_begin: create_empty_buffers; "
           "block_commit_write: mark_buffer_dirty",
           COST_LOCK, SIM_LOCK(private_lock(m, file)),
           SIM_WR(page_bh_oid(m, page)), SIM_UNLOCK(private_lock(m, file)));
  if (!(p->flags & PG_private)) {
    p->flags |= PG_private;
    p->bh = BH_Mapped;
    sim_after(t, "buffers attached");
  }
  p->bh |= BH_Dirty;
  set_page_dirty(t, page);
  if (m->knobs.fault_mkwrite_locked) { /* return VM_FAULT_LOCKED */
    sim_leave(t);
    return 0;
  }
out_unlock:
  unlock_page(t, m, page);
  sim_leave(t);
  return ret;
}
