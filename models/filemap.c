/*
** filemap.c - the page cache: lookups, insertion and removal, the file
** fault handlers, the read path (do_generic_mapping_read, 2.6.20), and the
** O_DIRECT write path; the buffered write path, the other half of
** mm/filemap.c, is in filemap_write.c.  Mirrors mm/filemap.c of
** Linux 2.6.20 (filemap_nopage) and 2.6.23 (filemap_fault, commit 54cb8821
** and d00806b1); models/SOURCES.md lists the exact trees read.
**
** Faithful: the order of lookups, locks, flag tests and retries; which
** function takes the page lock and which does not (the heart of R1).
** Simplified: readahead is not modelled (every miss goes to
** page_cache_read); ->readpage is synchronous in the faulting thread, its I/O
** completion (SetPageUptodate, unlock_page) being a step of its own; the
** filesystem has no buffers, no ->launder_page, no ->page_mkwrite unless
** the scenario says so.  Reference counting (get_page, put_page,
** pagevec_release) is in swap.c; pagevec_lookup(), a mm/swap.c wrapper of
** find_get_pages() in the kernel, stays here next to the gang lookup it
** wraps.
*/
#include <assert.h>

#include "models/kernel.h"

/* ------------------------------------------------------------- helpers */

/* Footprint of a radix-tree lookup under read_lock(tree_lock): the tree's
   slots, and the count of the page found there (page_cache_get, an add),
   which depends on the state at grant time. */
struct lookup_fp {
  mm_model *m;
  int file;
  uint32_t index;
  int trylock; /* find_lock_page also tries PG_locked */
};

static void lookup_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  struct lookup_fp *a = arg;
  mm_model *m = a->m;
  int n = 0;
  s->acc[n++] = (sim_access){tree_lock(m, a->file), SIM_OP_LOCK_SHARED};
  s->acc[n++] = (sim_access){tree_oid(m, a->file), SIM_OP_READ};
  int p = a->index < MM_NFILEPAGES ? m->s.as[a->file].tree[a->index] : -1;
  if (p >= 0) {
    s->acc[n++] = (sim_access){page_ref_oid(m, p), SIM_OP_ADD};
    if (a->trylock) /* fails into __lock_page: a wait for lock order */
      s->acc[n++] = (sim_access)SIM_TRYLOCK_WAITS(page_lock_oid(m, p));
  }
  s->acc[n++] = (sim_access){tree_lock(m, a->file), SIM_OP_UNLOCK_SHARED};
  s->n = (uint8_t)n;
}

static int tree_lookup_step(sim_thread *t, int file, uint32_t index,
                            int trylock, const char *what) {
  mm_model *m = mm_of(t);
  struct lookup_fp a = {m, file, index, trylock};
  sim_stepdesc s = {.what = what,
                    .cost_ns = COST_TREE,
                    .refresh = lookup_refresh,
                    .refresh_arg = &a};
  sim_step(t, &s);
  int p = index < MM_NFILEPAGES ? m->s.as[file].tree[index] : -1;
  if (p >= 0) {
    m->s.page[p].count++; /* page_cache_get() */
    page_ref_held(t, p, 1);
  }
  sim_after(t, "index %u -> %s%d", index, p >= 0 ? "page#" : "", p);
  return p;
}

/* ----------------------------------------------------------- lookups */

/* find_get_page() (2.6.20 and 2.6.23, identical): read_lock_irq(tree_lock),
   radix_tree_lookup, page_cache_get, read_unlock_irq.  No page lock and no
   mapping check. */
int find_get_page(sim_thread *t, int file, uint32_t index) {
  sim_enter(t, "find_get_page");
  int p = tree_lookup_step(t, file, index, 0, "radix_tree_lookup");
  sim_leave(t);
  return p;
}

/* find_lock_page() (2.6.20 and 2.6.23): the lookup takes a reference and
   tries PG_locked under tree_lock, so a page locked there is still in the
   tree.  If the trylock fails, it sleeps in __lock_page() and rechecks
   page->mapping and page->index: truncate or invalidate may have removed
   the page meanwhile (the racer this recheck names).  The trylock is one
   only for the scheduler: a failure sleeps, so the lock-order checker
   counts it as a lock_page (SIM_TRYLOCK_WAITS, sim.h), made after
   tree_lock is dropped, as __lock_page is (2.6.20 @ 7925ece7 and 2.6.24
   @ d18aa499 mm/filemap.c: TestSetPageLocked, read_unlock_irq,
   __lock_page). */
int find_lock_page(sim_thread *t, int file, uint32_t index) {
  mm_model *m = mm_of(t);
  sim_enter(t, "find_lock_page");
  int p, repeats = 0;
repeat:
  /* Live at the head: nothing.  p is looked up again, file and index are
     the arguments; 2.6.20 find_lock_page() has no other local. */
  sim_loop_live(t, repeats++, "find_lock_page repeat", NULL, 0);
  p = tree_lookup_step(t, file, index, 1,
                       "radix_tree_lookup; TestSetPageLocked");
  if (p >= 0 && !sim_trylock_ok(t)) {
    lock_page(t, m, p); /* __lock_page */
    /* Has the page been truncated while we slept? */
    SIM_STEP(t, "page->mapping == mapping?", COST_ATOMIC,
             SIM_RD(page_mapping_oid(m, p)), SIM_RD(page_index_oid(m, p)));
    struct page *pg = &m->s.page[p];
    if (pg->mapping != file || pg->index != index) {
      unlock_page(t, m, p);
      put_page(t, p);
      goto repeat;
    }
  }
  sim_leave(t);
  return p;
}

/* pagevec_lookup() -> find_get_pages(): under read_lock(tree_lock), up to
   'nr' pages at index >= start, each with a reference.  The callers read
   each page's index (unlocked, as the kernel does): page->index is written
   only when a free page enters the cache, so the read is declared here. */
struct gang_fp {
  mm_model *m;
  int file;
  uint32_t start;
  unsigned nr;
  enum pagecache_tag tag; /* pagevec_lookup_tag, or TAG_NONE */
};

static int tagged(const struct address_space *as, enum pagecache_tag tag,
                  uint32_t i) {
  switch (tag) {
  case TAG_NONE:
    return 1;
  case PAGECACHE_TAG_DIRTY:
    return as->dirty_tag >> i & 1;
  case PAGECACHE_TAG_WRITEBACK:
    return as->wb_tag >> i & 1;
  }
  return 0;
}

static int gang_scan(const mm_model *m, const struct gang_fp *a, int16_t *out) {
  const struct address_space *as = &m->s.as[a->file];
  int n = 0;
  for (uint32_t i = a->start; i < MM_NFILEPAGES && n < (int)a->nr; i++)
    if (as->tree[i] >= 0 && tagged(as, a->tag, i))
      out[n++] = as->tree[i];
  return n;
}

static void gang_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  struct gang_fp *a = arg;
  int16_t pages[PAGEVEC_SIZE];
  int k = gang_scan(a->m, a, pages), n = 0;
  s->acc[n++] = (sim_access){tree_lock(a->m, a->file), SIM_OP_LOCK_SHARED};
  s->acc[n++] = (sim_access){tree_oid(a->m, a->file), SIM_OP_READ};
  if (a->tag != TAG_NONE)
    s->acc[n++] = (sim_access){tree_tags_oid(a->m, a->file), SIM_OP_READ};
  for (int i = 0; i < k; i++) {
    s->acc[n++] = (sim_access){page_ref_oid(a->m, pages[i]), SIM_OP_ADD};
    s->acc[n++] = (sim_access){page_index_oid(a->m, pages[i]), SIM_OP_READ};
  }
  s->acc[n++] = (sim_access){tree_lock(a->m, a->file), SIM_OP_UNLOCK_SHARED};
  s->n = (uint8_t)n;
}

static unsigned gang_lookup(sim_thread *t, struct pagevec *pv, int file,
                            uint32_t start, unsigned nr, enum pagecache_tag tag,
                            const char *what) {
  mm_model *m = mm_of(t);
  struct gang_fp a = {m, file, start, nr > PAGEVEC_SIZE ? PAGEVEC_SIZE : nr,
                      tag};
  sim_stepdesc s = {.what = what,
                    .cost_ns = COST_TREE,
                    .refresh = gang_refresh,
                    .refresh_arg = &a};
  sim_step(t, &s);
  pv->nr = gang_scan(m, &a, pv->pages);
  for (int i = 0; i < pv->nr; i++) {
    m->s.page[pv->pages[i]].count++;
    page_ref_held(t, pv->pages[i], 1);
  }
  sim_after(t, "from %u: %d pages", start, pv->nr);
  return (unsigned)pv->nr;
}

unsigned pagevec_lookup(sim_thread *t, struct pagevec *pv, int file,
                        uint32_t start, unsigned nr) {
  return gang_lookup(t, pv, file, start, nr, TAG_NONE, "pagevec_lookup");
}

/* pagevec_lookup_tag() -> find_get_pages_tag(): the same, only pages with
   the tag set. */
unsigned pagevec_lookup_tag(sim_thread *t, struct pagevec *pv, int file,
                            uint32_t start, enum pagecache_tag tag,
                            unsigned nr) {
  return gang_lookup(t, pv, file, start, nr, tag,
                     tag == PAGECACHE_TAG_DIRTY
                         ? "pagevec_lookup_tag(DIRTY)"
                         : "pagevec_lookup_tag(WRITEBACK)");
}

/* ----------------------------------------------------- insert / remove */

/* ->readpage for a block-mapped file, end to end: the page is locked and
   not uptodate on entry; the I/O completion copies the block, sets
   PG_uptodate and unlocks the page (mpage_end_io_read).  'index' is
   page->index, which the caller found the page at (fixed while the page
   is in the cache, and the page is locked). */
void readpage(sim_thread *t, int file, int page, uint32_t index) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  sim_enter(t, "mpage_readpage");
  assert(sim_holds(t, page_lock_oid(m, page)) && p->index == index);
  if (m->scn->files[file].buffers) {
    /* block_read_full_page(): create_empty_buffers, map the block, read
       it; end_buffer_async_read marks it uptodate and unlocks the page */
    SIM_STEP(t,
             "create_empty_buffers; submit_bh(READ); end_io: "
             "SetPageUptodate, unlock_page",
             COST_IO_READ, SIM_RD(disk_oid(m, file)),
             SIM_WR(page_uptodate_oid(m, page)), SIM_WR(page_data_oid(m, page)),
             SIM_WR(page_bh_oid(m, page)), SIM_UNLOCK(page_lock_oid(m, page)));
    p->flags |= PG_private;
    p->bh = BH_Mapped;
  } else {
    SIM_STEP(t, "submit_bio(READ); end_io: SetPageUptodate, unlock_page",
             COST_IO_READ, SIM_RD(disk_oid(m, file)),
             SIM_WR(page_uptodate_oid(m, page)), SIM_WR(page_data_oid(m, page)),
             SIM_UNLOCK(page_lock_oid(m, page)));
  }
  p->data = m->s.as[file].disk[index];
  p->gen = m->s.as[file].disk_gen[index];
  p->flags |= PG_uptodate | PG_mappedtodisk;
  sim_after(t, "page#%d data v%u uptodate", page, p->data);
  sim_leave(t);
}

/* page_cache_alloc_cold(): each thread allocates from its own pool of
   slots, as from a per-CPU page list; a slot is free when its count is 0.
   The first free slot of the pool, or -1 (the model's -ENOMEM). */
int pool_first_free(const mm_model *m, int tid) {
  int first = m->pool_base + tid * MM_POOL;
  assert(first + MM_POOL <= m->npages); /* mm.c: pools end there */
  for (int i = first; i < first + MM_POOL; i++)
    if (!m->s.page[i].count)
      return i;
  return -1;
}

/* The allocation's footprint (page_cache_alloc_cold, alloc_page_vma):
   the counts of thread tid's pool slots, which another thread's put_page
   may free, appended to acc[n...]; returns the new n. */
int pool_reads_fp(const mm_model *m, int tid, sim_access *acc, int n) {
  int first = m->pool_base + tid * MM_POOL;
  for (int i = first; i < first + MM_POOL; i++)
    acc[n++] = (sim_access){page_ref_oid(m, i), SIM_OP_READ};
  return n;
}

/* ... and the fields of the allocated page that the allocation
   initialises, which nobody else sees yet (with the buffers a freed page
   may have kept, when the model has them). */
int new_page_fp(const mm_model *m, int page, sim_access *acc, int n) {
  acc[n++] = (sim_access){page_ref_oid(m, page), SIM_OP_WRITE};
  acc[n++] = (sim_access){page_mapping_oid(m, page), SIM_OP_WRITE};
  acc[n++] = (sim_access){page_index_oid(m, page), SIM_OP_WRITE};
  acc[n++] = (sim_access){page_dirty_oid(m, page), SIM_OP_WRITE};
  acc[n++] = (sim_access){page_uptodate_oid(m, page), SIM_OP_WRITE};
  acc[n++] = (sim_access){page_data_oid(m, page), SIM_OP_WRITE};
  if (m->wb)
    acc[n++] = (sim_access){page_bh_oid(m, page), SIM_OP_WRITE};
  return n;
}

/* Footprint of add_to_page_cache_lru with the allocation folded in: the
   counts of the thread's pool slots (a put_page by another thread may have
   freed one), the tree slot, and if the page goes in, every part of the
   chosen page it initialises and its lock. */
struct add_fp {
  mm_model *m;
  int tid, file;
  uint32_t index;
};

static void add_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  struct add_fp *a = arg;
  mm_model *m = a->m;
  int n = 0;
  int page = pool_first_free(m, a->tid);
  s->acc[n++] = (sim_access){tree_lock(m, a->file), SIM_OP_LOCK};
  n = pool_reads_fp(m, a->tid, s->acc, n);
  if (page >= 0 && m->s.as[a->file].tree[a->index] < 0) {
    s->acc[n++] = (sim_access){tree_oid(m, a->file), SIM_OP_WRITE};
    /* SetPageLocked of a page nobody else can see yet: a trylock that
       cannot fail, not a wait under tree_lock (the lock-order checker
       records no edge for it) */
    s->acc[n++] = (sim_access){page_lock_oid(m, page), SIM_OP_TRYLOCK};
    n = new_page_fp(m, page, s->acc, n);
  } else if (page >= 0) {
    s->acc[n++] = (sim_access){tree_oid(m, a->file), SIM_OP_READ};
  }
  s->acc[n++] = (sim_access){tree_lock(m, a->file), SIM_OP_UNLOCK};
  s->n = (uint8_t)n;
}

/* page_cache_alloc_cold() and add_to_page_cache_lru() (2.6.20 and 2.6.23;
   2.6.20's __grab_cache_page does add_to_page_cache, page_cache_get and a
   pagevec add for the LRU, the same page state: the model has no LRU;
   shmem_getpage's shmem_alloc_page gives a zeroed page: data 0), as
   one step named 'what': the allocation is part of the add step, since
   which slot is free depends on other threads' put_page.  Returns the new
   page, locked, not uptodate, in the tree, referenced by the cache and by
   the caller; or -EEXIST (another thread added the page first: the kernel
   frees the page it allocated, unseen by anyone, so the model does not
   take it), or -ENOMEM (the thread's pool is used up). */
int add_to_page_cache_lru(sim_thread *t, int file, uint32_t index,
                          const char *what) {
  mm_model *m = mm_of(t);
  struct address_space *as = &m->s.as[file];
  struct add_fp a = {m, sim_thread_id(t), file, index};
  sim_stepdesc s = {.what = what,
                    .cost_ns = COST_TREE,
                    .refresh = add_refresh,
                    .refresh_arg = &a};
  sim_step(t, &s);
  int page = pool_first_free(m, a.tid);
  if (page < 0)
    return -ENOMEM;
  if (as->tree[index] >= 0) {
    sim_after(t, "index %u: -EEXIST", index);
    return -EEXIST;
  }
  struct page *p = &m->s.page[page];
  assert(!p->mapcount && !(p->flags & PG_writeback));
  assert(sim_trylock_ok(t));     /* a free page is never locked */
  *p = (struct page){.count = 2, /* the cache's reference and ours */
                     .mapping = (int8_t)file,
                     .index = (uint16_t)index};
  page_ref_held(t, page, 1);
  as->tree[index] = (int16_t)page;
  as->nrpages++;
  sim_after(t, "page#%d at index %u, locked", page, index);
  return page;
}

/* page_cache_read() (2.6.20 and 2.6.23): add_to_page_cache_lru (the new
   page is locked, in the tree, referenced by the cache and by us),
   ->readpage, drop our reference.  -EEXIST counts as success: the caller
   looks again. */
int page_cache_read(sim_thread *t, int file, uint32_t index) {
  int ret = 0;
  sim_enter(t, "page_cache_read");
  int page = add_to_page_cache_lru(
      t, file, index, "page_cache_alloc_cold; add_to_page_cache_lru");
  if (page == -ENOMEM)
    ret = -ENOMEM;
  if (page >= 0) {
    readpage(t, file, page, index);
    put_page(t, page);
  }
  sim_leave(t);
  return ret;
}

/* __remove_from_page_cache() (2.6.20 and 2.6.23): caller holds tree_lock
   for writing and the page lock, in a step that writes the tree, its tags
   and page->mapping, and reads _mapcount when the BUG_ON is on
   (REMOVE_FP below).  2.6.23 (d00806b1) ends with BUG_ON(page_mapped(page));
   SUSE kernels carried it as a debug check, the knob
   debug.bug_on_mapped_remove.  The cache's reference passes to the caller,
   which drops it with page_cache_release. */
void __remove_from_page_cache(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  struct address_space *as = &m->s.as[p->mapping];
  assert(sim_holds(t, tree_lock(m, p->mapping)));
  assert(sim_holds(t, page_lock_oid(m, page)));
  assert(as->tree[p->index] == page);
  int file = p->mapping;
  as->tree[p->index] = -1;
  as->dirty_tag &= (uint16_t) ~(1u << p->index);
  as->nrpages--;
  p->mapping = -1;
  page_ref_held(t, page, 1);
  sim_after(t, "page#%d index %u removed from file %d (mapcount %d)", page,
            p->index, file, p->mapcount);
  if (m->knobs.bug_on_mapped_remove && page_mapped(p))
    MM_BUG(t, MM_KIND_PAGE_MAPPED_ON_REMOVE, page,
           "BUG_ON(page_mapped(page)) in __remove_from_page_cache: page#%d "
           "(%s index %u) still mapped by %d pte(s)",
           page, m->scn->files[file].name, p->index, p->mapcount);
}

/* remove_from_page_cache(): BUG_ON(!PageLocked), write_lock_irq(tree_lock),
   __remove_from_page_cache, write_unlock_irq. */
void remove_from_page_cache(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  int file = m->s.page[page].mapping;
  sim_enter(t, "remove_from_page_cache");
  assert(sim_holds(t, page_lock_oid(m, page)));
  SIM_STEP(t, "write_lock(tree_lock); __remove_from_page_cache", COST_TREE,
           SIM_LOCK(tree_lock(m, file)), REMOVE_FP(m, file, page));
  __remove_from_page_cache(t, page);
  SIM_STEP(t, "write_unlock(tree_lock)", COST_LOCK,
           SIM_UNLOCK(tree_lock(m, file)));
  sim_leave(t);
}

/* ------------------------------------------------------- fault handlers */

/* PageUptodate(page) as one step, without the page lock: a reader's I/O
   completion (SetPageUptodate) may be setting the flag meanwhile. */
int PageUptodate(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "PageUptodate", COST_ATOMIC, SIM_RD(page_uptodate_oid(m, page)));
  return !!(m->s.page[page].flags & PG_uptodate);
}

/* What the page lock found in a page that was not uptodate. */
enum page_recheck {
  RECHECK_UNHASHED, /* truncated meanwhile: unlocked and released */
  RECHECK_UPTODATE, /* read by somebody else meanwhile: unlocked */
  RECHECK_READ,     /* still to read: locked, for ->readpage */
};

/* The lock-and-recheck that 2.6.20's filemap_nopage (page_not_uptodate)
   and do_generic_mapping_read (page_not_up_to_date) each open-code
   before ->readpage: lock_page, then page->mapping and PageUptodate again
   under the lock.  One step for the two reads, as in both. */
static enum page_recheck lock_page_recheck(sim_thread *t, mm_model *m,
                                           int page) {
  lock_page(t, m, page);
  SIM_STEP(t, "page->mapping? PageUptodate?", COST_ATOMIC,
           SIM_RD(page_mapping_oid(m, page)),
           SIM_RD(page_uptodate_oid(m, page)));
  if (m->s.page[page].mapping < 0) {
    unlock_page(t, m, page);
    put_page(t, page);
    return RECHECK_UNHASHED;
  }
  if (m->s.page[page].flags & PG_uptodate) {
    unlock_page(t, m, page);
    return RECHECK_UPTODATE;
  }
  return RECHECK_READ;
}

static int i_size_pages(sim_thread *t, int file, const char *what) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, what, COST_ATOMIC, SIM_RD(isize_oid(m, file)));
  uint64_t sz = m->s.as[file].i_size;
  sim_after(t, "i_size %llu", (unsigned long long)sz);
  return (int)((sz + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

/* filemap_nopage() (2.6.20 mm/filemap.c): returns the page referenced and
   NOT locked.  The page lock is only taken on the slow path, when the page
   is not uptodate, where page->mapping is rechecked.  On the fast path
   nothing stops invalidate_inode_pages2 from removing the page after it was
   found: do_no_page's truncate_count check is the only defence. */
int filemap_nopage(sim_thread *t, const struct vma *v, uint64_t addr,
                   int *type) {
  mm_model *m = mm_of(t);
  int file = v->file;
  uint32_t pgoff = linear_page_index(v, addr);
  int page, retries = 0;
  sim_enter(t, "filemap_nopage");
  *type = 0;
retry_all:
  if (pgoff >= (uint32_t)i_size_pages(t, file, "i_size_read")) {
    page = NOPAGE_SIGBUS; /* outside_data_content */
    goto out;
  }
retry_find:
  /* Live at the head: *type, the kernel's majmin, which page_not_uptodate
     sets to VM_FAULT_MAJOR before 'goto retry_all'.  Not live: page
     (looked up again), pgoff and file (fixed at entry), the i_size just
     read (only tested; the kernel's 'size' is not used after the head),
     and the counter.  The kernel's did_readaround also crosses iterations,
     but only for readahead, which is not modelled. */
  sim_loop_live(t, retries++, "filemap_nopage retry",
                (const uint64_t[]){(uint32_t)*type}, 1);
  page = find_get_page(t, file, pgoff);
  if (page < 0) {
    /* no_cached_page (readahead is not modelled) */
    int err = page_cache_read(t, file, pgoff);
    if (err >= 0)
      goto retry_find;
    page = err == -ENOMEM ? NOPAGE_OOM : NOPAGE_SIGBUS;
    goto out;
  }
  if (PageUptodate(t, page))
    goto out; /* success: mark_page_accessed */

  /* page_not_uptodate */
  *type = VM_FAULT_MAJOR;
  switch (lock_page_recheck(t, m, page)) {
  case RECHECK_UNHASHED:
    goto retry_all; /* it got unhashed while we waited for it */
  case RECHECK_UPTODATE:
    goto out; /* somebody else got it up-to-date */
  case RECHECK_READ:
    readpage(t, file, page, pgoff); /* unlocks; the I/O never fails */
  }
out:
  sim_leave(t);
  return page;
}

/* filemap_fault() (2.6.23, 83c54070): find_lock_page, so the page comes
   back locked; i_size is rechecked under the page lock, which excludes
   truncate.  Returns VM_FAULT_LOCKED with *page set.  (83c54070 leaked the
   page reference on the i_size recheck failure; we release it, as 2.6.24
   does.) */
int filemap_fault(sim_thread *t, const struct vma *v, uint32_t pgoff,
                  int *pagep) {
  mm_model *m = mm_of(t);
  int file = v->file;
  int ret = 0, page, retries = 0;
  sim_enter(t, "filemap_fault");
  if (pgoff >= (uint32_t)i_size_pages(t, file, "i_size_read")) {
    ret = VM_FAULT_SIGBUS;
    goto out;
  }
retry_find:
  /* Live at the head: ret, which the page_not_uptodate path ORs with
     VM_FAULT_MAJOR before 'goto retry_find' (2.6.23 filemap_fault's ret).
     Not live: page (looked up again), pgoff and file (arguments), *pagep
     (set only on success, after the loop), and the counter.  As in
     filemap_nopage, the kernel's did_readaround is readahead's. */
  sim_loop_live(t, retries++, "filemap_fault retry",
                (const uint64_t[]){(uint32_t)ret}, 1);
  page = find_lock_page(t, file, pgoff);
  /* SYNTHETIC (knob uffd.minor_any_file, a patch that never shipped):
     shmem_getpage_gfp's minor-fault hook, here for any file: a page
     found in the cache of a VM_UFFD_MINOR vma is unlocked and put, and
     the fault goes to userspace (VM_UFFD_MINOR is stable: mmap_sem) */
  if (page >= 0 && m->knobs.uffd_minor_any_file &&
      m->s.vs[vma_index(m, v)].uffd_minor) {
    unlock_page(t, m, page);
    put_page(t, page);
    ret = handle_userfault(
        t, v, v->start + ((uint64_t)(pgoff - v->pgoff) << PAGE_SHIFT));
    goto out;
  }
  if (page < 0) {
    int err = page_cache_read(t, file, pgoff);
    if (err >= 0)
      goto retry_find;
    ret = err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
    goto out;
  }
  if (!PageUptodate(t, page)) {
    /* page_not_uptodate: read it again; readpage unlocks */
    ret |= VM_FAULT_MAJOR;
    readpage(t, file, page, pgoff);
    put_page(t, page);
    goto retry_find;
  }
  /* Must recheck i_size under page lock */
  if (pgoff >= (uint32_t)i_size_pages(t, file, "i_size_read (page locked)")) {
    unlock_page(t, m, page);
    put_page(t, page);
    ret = VM_FAULT_SIGBUS;
    goto out;
  }
  *pagep = page;
  ret |= VM_FAULT_LOCKED;
out:
  sim_leave(t);
  return ret;
}

/* ------------------------------------------------------------- read */

/* file_read_actor() (2.6.20 mm/filemap.c) for a whole page, the page
   referenced but not locked: the copy to the user buffer.  Into a mapping
   (mm >= 0): the page's content is read, then the copy's stores are a
   user store at 'addr' (fault_in_pages_writeable and
   __copy_to_user_inatomic, or the faulting __copy_to_user: either way an
   access that faults through the real fault path, with no page lock
   held), whose content is a new version, as any store's.  Without a
   mapping the buffer is outside the model: only the read. */
static void file_read_actor(sim_thread *t, int page, int mm, uint64_t addr) {
  mm_model *m = mm_of(t);
  sim_enter(t, "file_read_actor");
  SIM_STEP(t, "kmap: read the page", COST_COPY, SIM_RD(page_data_oid(m, page)));
  m->s.last_load[sim_thread_id(t)] = m->s.page[page].data;
  sim_after(t, "page#%d -> v%u", page, m->s.page[page].data);
  if (mm >= 0)
    user_access(t, mm, addr, 1);
  sim_leave(t);
}

/* do_generic_mapping_read() (2.6.20 mm/filemap.c) of one whole page:
   find_get_page; a miss reads the page in (page_cache_read, then look
   again: readahead is not modelled, as in filemap_nopage); a page that is
   not uptodate is locked, its mapping rechecked (truncate may have taken
   it: look again) and read; then i_size is checked (a page past EOF reads
   nothing), the actor copies, and the reference is dropped.  The page is
   never locked while the copy runs: a fault on the destination takes no
   page lock of ours.  Left out: partial pages, several pages, readahead
   state (prev_index), the -EIO path (readpage never fails here). */
static long do_generic_mapping_read(sim_thread *t, int file, uint32_t index,
                                    int mm, uint64_t addr) {
  mm_model *m = mm_of(t);
  long ret;
  int page, retries = 0;
  sim_enter(t, "do_generic_mapping_read");
find_page:
  /* Live at the head: nothing (file, index, mm, addr are arguments; page
     is looked up again, ret set after). */
  sim_loop_live(t, retries++, "do_generic_mapping_read find_page", NULL, 0);
  page = find_get_page(t, file, index);
  if (page < 0) {
    int err = page_cache_read(t, file, index); /* no_cached_page */
    if (err < 0) {
      ret = err;
      goto out;
    }
    goto find_page;
  }
  if (!PageUptodate(t, page)) {
    /* page_not_up_to_date */
    switch (lock_page_recheck(t, m, page)) {
    case RECHECK_UNHASHED:
      goto find_page; /* it got unhashed before we got the lock */
    case RECHECK_UPTODATE:
      break;
    case RECHECK_READ:
      readpage(t, file, page, index); /* unlocks */
    }
  }
  /* page_ok: "i_size must be checked after we know the page is
     Uptodate" */
  if (index >= (uint32_t)i_size_pages(t, file, "i_size_read")) {
    put_page(t, page);
    ret = 0;
    goto out;
  }
  file_read_actor(t, page, mm, addr);
  put_page(t, page); /* page_cache_release */
  ret = PAGE_SIZE;
out:
  sim_leave(t);
  return ret;
}

/* generic_file_aio_read() (2.6.20) -> do_generic_file_read ->
   do_generic_mapping_read: read(2) of one page, no lock held. */
long generic_file_aio_read(sim_thread *t, int file, uint32_t index, int mm,
                           uint64_t addr) {
  sim_enter(t, "generic_file_aio_read");
  long ret = do_generic_mapping_read(t, file, index, mm, addr);
  sim_leave(t);
  return ret;
}

/* ---------------------------------------------------------- writeback */

/* try_to_release_page() (2.6.20): the page is locked; none while under
   writeback; no filesystem of the model has ->releasepage (ext3's
   journal_try_to_free_buffers is not modelled), so try_to_free_buffers.
   Its own PageWriteback test is the step that reads the flag. */
int try_to_release_page(sim_thread *t, int page) {
  mm_model *m = mm_of(t);
  sim_enter(t, "try_to_release_page");
  assert(sim_holds(t, page_lock_oid(m, page))); /* BUG_ON(!PageLocked) */
  int ret = try_to_free_buffers(t, page);
  sim_leave(t);
  return ret;
}

/* filemap_fdatawrite() (2.6.20) -> __filemap_fdatawrite_range(WB_SYNC_ALL)
   -> do_writepages -> mpage_writepages (generic_writepages): start I/O on
   every dirty page of the file. */
int filemap_fdatawrite(sim_thread *t, int file) {
  sim_enter(t, "filemap_fdatawrite");
  int ret = mpage_writepages(t, file, WB_SYNC_ALL);
  sim_leave(t);
  return ret;
}

/* filemap_fdatawait() -> wait_on_page_writeback_range() (2.6.20): for
   every page tagged WRITEBACK, wait_on_page_writeback. */
int filemap_fdatawait(sim_thread *t, int file) {
  mm_model *m = mm_of(t);
  struct pagevec pv;
  uint32_t index = 0;
  sim_enter(t, "wait_on_page_writeback_range");
  while (index < MM_NFILEPAGES &&
         pagevec_lookup_tag(t, &pv, file, index, PAGECACHE_TAG_WRITEBACK,
                            PAGEVEC_SIZE)) {
    index = m->s.page[pv.pages[pv.nr - 1]].index + 1u;
    for (int i = 0; i < pv.nr; i++)
      wait_on_page_writeback(t, pv.pages[i]);
    pagevec_release(t, &pv);
  }
  sim_leave(t);
  return 0;
}

/* filemap_write_and_wait() (2.6.20 and 2.6.23): if the file has pages,
   filemap_fdatawrite then filemap_fdatawait. */
int filemap_write_and_wait(sim_thread *t, int file) {
  mm_model *m = mm_of(t);
  int err = 0;
  sim_enter(t, "filemap_write_and_wait");
  SIM_STEP(t, "mapping->nrpages", COST_ATOMIC, SIM_RD(tree_oid(m, file)));
  if (m->s.as[file].nrpages) {
    err = filemap_fdatawrite(t, file);
    if (err != -EIO)
      filemap_fdatawait(t, file);
  }
  sim_leave(t);
  return err;
}

/* ->direct_IO for a WRITE: the blocks go to disk, bypassing the cache.
   __blockdev_direct_IO (DIO_LOCKING) holds i_alloc_sem for reading across
   the I/O [fs/direct-io.c, from memory]. */
static void direct_IO_write(sim_thread *t, int file, uint32_t index,
                            uint32_t npages) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  sim_enter(t, "blockdev_direct_IO");
  mm_down_read(t, i_alloc_sem(m, file), "down_read(i_alloc_sem)");
  SIM_STEP(t, "submit_bio(WRITE) + wait", COST_IO_WRITE,
           SIM_WR(disk_oid(m, file)));
  for (uint32_t i = index; i < index + npages && i < MM_NFILEPAGES; i++) {
    m->s.as[file].disk[i] = new_data_version(m, tid);
    mm_note_store(m, file, i, m->s.as[file].disk[i]);
  }
  sim_after(t, "blocks %u..%u written", index, index + npages - 1);
  mm_up_read(t, i_alloc_sem(m, file), "up_read(i_alloc_sem)");
  sim_leave(t);
}

/* generic_file_direct_IO(WRITE) (mm/filemap.c), called from
   generic_file_aio_write with i_mutex held:
     2.6.20: unmap the range if mapped; filemap_write_and_wait; ->direct_IO;
             invalidate_inode_pages2_range if nrpages.
     2.6.23: unmap; filemap_write_and_wait; invalidate BEFORE ->direct_IO;
             ->direct_IO, and on a successful write no second invalidate
             (knob dio.invalidate_first).
     2.6.24: as 2.6.23, then invalidate again after ->direct_IO whatever it
             returned, ignoring the result (knob dio.reinvalidate; read in
             fulei0920/linux-2.6.24 @d18aa499). */
static long generic_file_direct_IO(sim_thread *t, int file, uint32_t index,
                                   uint32_t npages) {
  mm_model *m = mm_of(t);
  uint32_t end = index + npages - 1;
  sim_enter(t, "generic_file_direct_IO");
  if (m->mapped[file]) /* mapping_mapped(): i_mmap is fixed in the model */
    unmap_mapping_range(t, file, (uint64_t)index << PAGE_SHIFT,
                        (uint64_t)npages << PAGE_SHIFT, 0);
  long ret = filemap_write_and_wait(t, file);
  if (m->knobs.dio_invalidate_first) {
    SIM_STEP(t, "mapping->nrpages", COST_ATOMIC, SIM_RD(tree_oid(m, file)));
    if (m->s.as[file].nrpages)
      ret = invalidate_inode_pages2_range(t, file, index, end);
    if (!ret) {
      direct_IO_write(t, file, index, npages);
      if (m->knobs.dio_reinvalidate) {
        /* 2.6.24: "try again to invalidate clean pages which might have
           been cached by non-direct readahead, or faulted in ... If this
           invalidation fails, tough, the write still worked" */
        SIM_STEP(t, "mapping->nrpages", COST_ATOMIC, SIM_RD(tree_oid(m, file)));
        if (m->s.as[file].nrpages)
          invalidate_inode_pages2_range(t, file, index, end);
      }
    }
  } else {
    direct_IO_write(t, file, index, npages);
    SIM_STEP(t, "mapping->nrpages", COST_ATOMIC, SIM_RD(tree_oid(m, file)));
    if (m->s.as[file].nrpages)
      ret = invalidate_inode_pages2_range(t, file, index, end);
  }
  sim_leave(t);
  return ret;
}

/* generic_file_aio_write() with O_DIRECT: i_mutex around
   __generic_file_aio_write_nolock -> generic_file_direct_write. */
long generic_file_direct_write(sim_thread *t, int file, uint32_t index,
                               uint32_t npages) {
  mm_model *m = mm_of(t);
  sim_enter(t, "generic_file_aio_write");
  SIM_STEP(t, "sys_write(O_DIRECT); mutex_lock(i_mutex)", COST_SYSCALL,
           SIM_LOCK(i_mutex(m, file)));
  long ret = generic_file_direct_IO(t, file, index, npages);
  mm_unlock(t, i_mutex(m, file), "mutex_unlock(i_mutex)");
  sim_leave(t);
  return ret;
}
