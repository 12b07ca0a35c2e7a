/*
** page-writeback.c - dirtying pages.  Mirrors set_page_dirty() ->
** __set_page_dirty_nobuffers() and set_page_dirty_balance() of
** mm/page-writeback.c, Linux 2.6.20 (2.6.23 is the same for this path).
**
** The model's files have no buffers, so ->set_page_dirty is
** __set_page_dirty_nobuffers: TestSetPageDirty, then under tree_lock, if the
** page is still in the mapping, tag it dirty in the radix tree.  Dirty
** accounting (NR_FILE_DIRTY), __mark_inode_dirty and the throttling of
** balance_dirty_pages_ratelimited are not modelled.
*/
#include "models/kernel.h"

static int in_file(const struct cond_fp *c) {
  return c->m->s.page[c->page].mapping == c->arg;
}

int set_page_dirty(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  int ret = 0;
  sim_enter(t, "__set_page_dirty_nobuffers");
  /* writes only a clear PG_dirty (an atomic test-and-set of a set bit
     changes nothing); reads page->mapping for the tag */
  struct cond_fp c = {.m = m,
                      .test = page_clean,
                      .page = page,
                      .nbase = 2,
                      .nmore = 1,
                      .acc = {SIM_RD(page_dirty_oid(m, page)),
                              SIM_RD(page_mapping_oid(m, page)),
                              SIM_WR(page_dirty_oid(m, page))}};
  if (!mm_cond_step(t, "TestSetPageDirty", COST_ATOMIC, &c))
    goto out;
  p->flags |= PG_dirty;
  ret = 1;
  int file = p->mapping;
  if (file < 0) /* truncated meanwhile: nothing to tag */
    goto out;
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
out:
  sim_leave(t);
  return ret;
}

void set_page_dirty_balance(sim_thread *t, int page) {
  sim_enter(t, "set_page_dirty_balance");
  set_page_dirty(t, page);
  sim_leave(t);
}
