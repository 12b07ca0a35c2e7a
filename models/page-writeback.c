/*
** page-writeback.c - dirtying and cleaning pages for I/O.  Mirrors
** mm/page-writeback.c of Linux 2.6.20 (sagsango/linux-2.6.20 @7925ece7):
** set_page_dirty() and __set_page_dirty_nobuffers(), set_page_dirty_balance(),
** clear_page_dirty_for_io(), test_set_page_writeback() and
** test_clear_page_writeback() (with end_page_writeback() of mm/filemap.c),
** and wait_on_page_writeback() of include/linux/pagemap.h.
**
** Versions (knob wb.mkclean_first): clear_page_dirty_for_io() of 2.6.19
** (d08b3851 "mm: tracking shared dirty pages") cleared PG_dirty first and
** then called page_mkclean(), ignoring its result: a dirty pte's data never
** reached the buffers (set_page_dirty is what marks them dirty), and a
** filesystem that had cleaned its buffers itself then wrote nothing.
** 2.6.20 (7658cc28 "VM: Fix nasty and subtle race in shared mmap'ed page
** writeback") calls page_mkclean() first and set_page_dirty() if it found
** a dirty pte, then TestClearPageDirty; its FIXME (a pte re-added between
** the two) stays until 79352894 (2.6.24).  Sources: ../shared/kernel-facts.md
** 2c; models/SOURCES.md.
**
** Not modelled: dirty accounting (NR_FILE_DIRTY, task_io_account_write),
** __mark_inode_dirty and balance_dirty_pages_ratelimited throttling; every
** file accounts dirty pages (mapping_cap_account_dirty is true).
*/
#include <assert.h>

#include "models/kernel.h"

static int in_file(const struct cond_fp *c) {
  return c->m->s.page[c->page].mapping == c->arg;
}
static int page_is_dirty(const struct cond_fp *c) {
  return !page_clean(c);
}

/* TestSetPageDirty, then under tree_lock, if the page is still in the
   mapping, tag it dirty in the radix tree: the tail shared by
   __set_page_dirty_nobuffers and __set_page_dirty_buffers.  Returns 1 if
   PG_dirty was clear. */
static int test_set_dirty_and_tag(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  /* writes only a clear PG_dirty (an atomic test-and-set of a set bit
     changes nothing); reads page->mapping for the tag */
  struct cond_fp c = COND_FP(
      m, page_clean, page, 0, 2, SIM_RD(page_dirty_oid(m, page)),
      SIM_RD(page_mapping_oid(m, page)), SIM_WR(page_dirty_oid(m, page)));
  if (!mm_cond_step(t, "TestSetPageDirty", COST_ATOMIC, &c))
    return 0;
  sim_before(t, "page#%d PG_dirty clear", page);
  p->flags |= PG_dirty;
  sim_after(t, "page#%d PG_dirty set", page);
  int file = p->mapping;
  if (file < 0) /* truncated meanwhile: nothing to tag */
    return 1;
  /* Recheck: truncate may have removed the page since TestSetPageDirty
     (then the step reads page->mapping only). */
  struct cond_fp tag = {
      .m = m,
      .test = in_file,
      .page = page,
      .arg = file,
      .nbase = 3,
      .nmore = 2,
      .acc = {SIM_LOCK(tree_lock(m, file)), SIM_RD(page_mapping_oid(m, page)),
              SIM_UNLOCK(tree_lock(m, file)), SIM_RD(page_index_oid(m, page)),
              SIM_WR(tree_tags_oid(m, file))}};
  if (mm_cond_step(t, "write_lock(tree_lock); radix_tree_tag_set(DIRTY)",
                   COST_TREE, &tag))
    m->s.as[file].dirty_tag |= (uint16_t)(1u << p->index);
  return 1;
}

/* __set_page_dirty_nobuffers() (2.6.20): ->set_page_dirty of a file
   without buffers. */
int __set_page_dirty_nobuffers(sim_thread *t, int page) {
  sim_enter(t, "__set_page_dirty_nobuffers");
  int ret = test_set_dirty_and_tag(t, page);
  sim_leave(t);
  return ret;
}

/* __set_page_dirty_buffers() (2.6.20 fs/buffer.c): under private_lock
   mark every buffer of the page dirty, then the tail above.  An orphaned
   page (mapping NULL) only gets PG_dirty. */
int __set_page_dirty_buffers(sim_thread *t, int page, int file) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  sim_enter(t, "__set_page_dirty_buffers");
  SIM_STEP(t, "spin_lock(private_lock); set_buffer_dirty", COST_LOCK,
           SIM_LOCK(private_lock(m, file)), SIM_WR(page_bh_oid(m, page)),
           SIM_UNLOCK(private_lock(m, file)));
  if (p->flags & PG_private) /* page_has_buffers() */
    p->bh |= BH_Dirty;
  int ret = test_set_dirty_and_tag(t, page);
  sim_leave(t);
  return ret;
}

/* set_page_dirty() (2.6.20): the mapping's ->set_page_dirty.  Which one
   depends on page_mapping(page), read here in a step of its own when the
   model has files of both kinds; R1's files have no buffers, and their
   steps are those of __set_page_dirty_nobuffers alone. */
int set_page_dirty(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  if (!m->has_buffers)
    return __set_page_dirty_nobuffers(t, page);
  SIM_STEP(t, "page_mapping; ->set_page_dirty", COST_ATOMIC,
           SIM_RD(page_mapping_oid(m, page)));
  int file = m->s.page[page].mapping;
  if (file >= 0 && m->scn->files[file].buffers)
    return __set_page_dirty_buffers(t, page, file);
  return __set_page_dirty_nobuffers(t, page); /* or !mapping: the same */
}

/* set_page_dirty_balance(): the fault paths' dirtying of the page whose
   pte they made writable and dirty, which ends their writenotify window
   (mm.h fault_dirtying). */
void set_page_dirty_balance(sim_thread *t, int page) {
  sim_enter(t, "set_page_dirty_balance");
  set_page_dirty(t, page);
  mm_of(t)->s.dirtying[sim_thread_id(t)] = 0;
  sim_leave(t);
}

/* set_page_dirty_lock() (mm/page-writeback.c, 2.6.20 to 6.x): lock_page,
   set_page_dirty, unlock_page; for callers that hold a reference but not
   the page lock, such as a GUP user releasing the pages a device wrote
   (gup.c).  On a page of a 'buffers' file whose buffers are gone,
   __set_page_dirty_buffers finds none to dirty and sets PG_dirty alone. */
int set_page_dirty_lock(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  sim_enter(t, "set_page_dirty_lock");
  lock_page(t, m, page);
  int ret = set_page_dirty(t, page);
  unlock_page(t, m, page);
  sim_leave(t);
  return ret;
}

/* TestClearPageDirty(page): writes PG_dirty only when it was set. */
static int TestClearPageDirty(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct cond_fp c =
      COND_FP(m, page_is_dirty, page, 0, 1, SIM_RD(page_dirty_oid(m, page)),
              SIM_WR(page_dirty_oid(m, page)));
  if (!mm_cond_step(t, "TestClearPageDirty", COST_ATOMIC, &c))
    return 0;
  sim_before(t, "page#%d PG_dirty set", page);
  m->s.page[page].flags &= (uint8_t)~PG_dirty;
  sim_after(t, "page#%d PG_dirty clear", page);
  return 1;
}

/* clear_page_dirty_for_io() (2.6.19 d08b3851, 2.6.20 7658cc28): the
   page is locked and in 'file' (the caller checked page->mapping).
   Returns 1 if the page was dirty: the caller writes it. */
int clear_page_dirty_for_io(sim_thread *t, int page, int file) {
  mm_model *m = mm_of(t);
  int ret = 0;
  (void)file;
  sim_enter(t, "clear_page_dirty_for_io");
  /* every caller holds the page lock (BUG_ON(!PageLocked) from 79352894,
     2.6.24), which is what the 2.6.24 write fault waits for */
  assert(sim_holds(t, page_lock_oid(m, page)));
  if (m->knobs.wb_mkclean_first) {
    /* 2.6.20: "Yes, Virginia, this is indeed insane." */
    if (page_mkclean(t, page))
      set_page_dirty(t, page);
    ret = TestClearPageDirty(t, page);
  } else if (TestClearPageDirty(t, page)) {
    /* 2.6.19: the result of page_mkclean() is ignored */
    page_mkclean(t, page);
    ret = 1;
  }
  sim_leave(t);
  return ret;
}

/* set_page_writeback() -> test_set_page_writeback() (2.6.20): the page is
   locked; under tree_lock set PG_writeback and the WRITEBACK tag, and clear
   the DIRTY tag if PG_dirty is clear (it is cleared only here). */
void set_page_writeback(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int file = p->mapping;
  assert(file >= 0 && sim_holds(t, page_lock_oid(m, page)));
  SIM_STEP(t, "set_page_writeback", COST_TREE, SIM_LOCK(tree_lock(m, file)),
           SIM_RD(page_dirty_oid(m, page)), SIM_WR(page_writeback_oid(m, page)),
           SIM_WR(tree_tags_oid(m, file)), SIM_UNLOCK(tree_lock(m, file)));
  assert(!(p->flags & PG_writeback)); /* BUG_ON in the callers */
  p->flags |= PG_writeback;
  m->s.as[file].wb_tag |= (uint16_t)(1u << p->index);
  if (!(p->flags & PG_dirty))
    m->s.as[file].dirty_tag &= (uint16_t) ~(1u << p->index);
}

/* end_page_writeback() (2.6.20 mm/filemap.c) -> test_clear_page_writeback:
   under tree_lock clear PG_writeback and the WRITEBACK tag, then wake the
   waiters (wait_on_page_writeback below).  A page under writeback stays in
   the cache: truncate and invalidate wait for it first. */
void end_page_writeback(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int file = p->mapping;
  sim_enter(t, "end_page_writeback");
  assert(file >= 0);
  SIM_STEP(t, "test_clear_page_writeback; wake_up_page", COST_TREE,
           SIM_LOCK(tree_lock(m, file)), SIM_RD(page_mapping_oid(m, page)),
           SIM_WR(page_writeback_oid(m, page)), SIM_WR(tree_tags_oid(m, file)),
           SIM_UNLOCK(tree_lock(m, file)));
  assert(p->flags & PG_writeback); /* BUG() in end_page_writeback */
  p->flags &= (uint8_t)~PG_writeback;
  m->s.as[file].wb_tag &= (uint16_t) ~(1u << p->index);
  sim_after(t, "page#%d written", page);
  sim_leave(t);
}

static int lock_free(const sim_exec *x, void *arg) {
  return sim_lock_holder(x, *(const sim_oid *)arg) < 0;
}

/* wait_on_bit() (2.6.20 include/linux/wait.h, __wait_on_bit in
   kernel/wait.c), the sleep of wait_on_page_locked (PG_locked, through
   wait_on_page_bit) and of wait_on_buffer (BH_Lock): one step named 'what',
   enabled when nobody holds the lock object; it reads the lock, it does
   not take it. */
void wait_on_bit(sim_thread *t, const char *what, sim_oid lock) {
  sim_step(t, &(const sim_stepdesc){.what = what,
                                    .cost_ns = COST_ATOMIC,
                                    .n = 1,
                                    .acc = {{lock, SIM_OP_WAIT}},
                                    .ready = lock_free,
                                    .ready_arg = &lock});
}

/* wait_on_page_locked() (include/linux/pagemap.h): if PageLocked, sleep
   until unlock_page (wait_on_page_bit -> wait_on_bit). */
void wait_on_page_locked(sim_thread *t, int page) {
  wait_on_bit(t, "wait_on_page_locked", page_lock_oid(mm_of(t), page));
}

struct page_wait {
  const mm_model *m;
  int page;
};
static int writeback_clear(const sim_exec *x, void *arg) {
  (void)x;
  const struct page_wait *w = arg;
  return !(w->m->s.page[w->page].flags & PG_writeback);
}

/* wait_on_page_writeback() (2.6.20 include/linux/pagemap.h): if
   PageWriteback, sleep until end_page_writeback.  One step, enabled when
   PG_writeback is clear. */
void wait_on_page_writeback(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page_wait w = {m, page};
  sim_step(t, &(const sim_stepdesc){
                  .what = "wait_on_page_writeback",
                  .cost_ns = COST_ATOMIC,
                  .n = 1,
                  .acc = {{page_writeback_oid(m, page), SIM_OP_WAIT}},
                  .ready = writeback_clear,
                  .ready_arg = &w});
}
