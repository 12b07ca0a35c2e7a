/*
** invariants.c - what the MM model checks, and the violation kinds it
** reports (R1, ../shared/mm-ground-truth.md).  Not a kernel file: the
** kernel's own checks (BUG_ON) are raised where the kernel has them, and
** the rest are the properties a correct kernel keeps.
**
**   page-mapped-on-remove  BUG_ON(page_mapped) when a page leaves the page
**                          cache: raised from the step that removes it, in
**                          filemap.c (__remove_from_page_cache, 2.6.23 and
**                          the SUSE debug check) and truncate.c
**                          (invalidate_inode_pages2_range, 2.6.23);
**   pte-cache-mismatch     at quiescence, a present pte of a file vma maps
**                          the page cached at its linear file offset;
**   pte-beyond-eof         at quiescence after a truncate, no pte maps a
**                          page at or past ceil(i_size);
**   refcount-mismatch      after every step, each page's count is (1 if in
**                          the page cache) + (present ptes mapping it) +
**                          (references the threads hold, which the model
**                          tracks per thread): order-independent, where the
**                          kernel's BUG on a count underflow depends on the
**                          order of commutative get/put steps; and at
**                          quiescence, no thread still holds a reference;
**   lost-write             at the end, when the model tracks writeback
**                          (mm_model.wb): after every thread, the exits and
**                          the final sync (sync.c) have run, each block
**                          inside i_size whose page is cached holds that
**                          page's content, the last a user stored in it
**                          (not for tmpfs files: no blocks, no writeback);
**   fsync-lost             when fsync returns, each block holds what the
**                          stores that completed before the call wrote, or
**                          a later write (write generations, mm.h);
**   writenotify-dirty      after every step, with writeback tracking: in a
**                          shared writable (writenotify: not tmpfs) vma,
**                          a pte that is
**                          writable or dirty maps a PageDirty page, unless
**                          a path holds the page lock (writeback between
**                          its steps) or a write fault is between making
**                          the pte writable and set_page_dirty;
**   dirty-without-buffers  after every step, for a file whose ->writepage
**                          needs buffers ('buffers_required'): a PageDirty
**                          page of it that nobody has locked has buffers
**                          (try_to_free_buffers drops them, then cleans
**                          the page, with the page locked);
**   writepage-without-buffers  the BUG_ON(!PagePrivate) of page_buffers()
**                          in such a ->writepage (ext4 before cc509574),
**                          raised from block_write_full_page (buffer.c);
**   pinned-lost-buffers    knob debug.pinned_lost_buffers, after every
**                          step: a page of a 'buffers' file on which a
**                          thread holds a FOLL_WRITE GUP reference keeps
**                          PG_private (what 6.4's d824ec2a gives FOLL_PIN
**                          pins against reclaim);
**   pinned-page-cleaned    knob debug.pinned_cleaned, after every step: a
**                          page under a FOLL_WRITE GUP reference is dirty
**                          or locked (writeback does not clean a page a
**                          device may still write; no kernel keeps it);
**   file-written-without-permission  at a store into a page (a user store,
**                          the kernel's copy_to_user_page of a /proc/pid/mem
**                          write): a page-cache page written through a vma
**                          that is not shared and writable; and at a
**                          driver's FOLL_WRITE GUP lookup (gup.c): the pte
**                          is writable, or the vma private without VM_WRITE
**                          and the page an exclusive anonymous page (R4);
**   wp-broken              after every step (R5, ksm.c): a page that
**                          write_protect_page left protected (and no
**                          writer has unprotected in order since) has
**                          no present writable pte, no write(2) between
**                          write_begin and write_end, no FOLL_WRITE GUP
**                          reference, and the data it had when it was
**                          protected;
**   undeclared-write       knob debug.footprint_check: a step's action
**                          changed a field outside the objects it declared
**                          as written (a bug of the model, fpcheck.c);
**   deadlock, bad-unlock   from the engine (sim.h).
**
** After every step, assert_page_state() checks the page invariants that
** must hold between any two steps; they are asserts, not violations: a
** failure is a bug of the model, not of the modelled kernel.
*/
#include <assert.h>
#include <stdio.h>

#include "models/kernel.h"

/* Row i has id SIM_KIND_MODEL + i (enum mm_kind in mm.h). */
const sim_kind mm_kinds[MM_NKINDS] = {
    {MM_KIND_PAGE_MAPPED_ON_REMOVE, "page-mapped-on-remove",
     "BUG_ON(page_mapped) as a page leaves the page cache"},
    {MM_KIND_PTE_CACHE_MISMATCH, "pte-cache-mismatch",
     "at the end, a pte maps a page that is not the cached page at its "
     "file offset"},
    {MM_KIND_PTE_BEYOND_EOF, "pte-beyond-eof",
     "at the end, after a truncate, a pte maps a page at or past i_size"},
    {MM_KIND_REFCOUNT_MISMATCH, "refcount-mismatch",
     "a page's count is not cache + ptes + the references threads hold"},
    {MM_KIND_UNDECLARED_WRITE, "undeclared-write",
     "debug.footprint_check: a step wrote outside its declared footprint"},
    {MM_KIND_LOST_WRITE, "lost-write",
     "at the end, after the exits and a final sync, a block on disk is not "
     "the last content stored in its page"},
    {MM_KIND_FSYNC_LOST, "fsync-lost",
     "when fsync returns, a store completed before the call is not on "
     "disk"},
    {MM_KIND_WRITENOTIFY_DIRTY, "writenotify-dirty",
     "a writable or dirty pte of a writenotify vma maps a clean page"},
    {MM_KIND_DIRTY_WITHOUT_BUFFERS, "dirty-without-buffers",
     "a dirty page of a file whose writepage needs buffers has none"},
    {MM_KIND_WRITEPAGE_WITHOUT_BUFFERS, "writepage-without-buffers",
     "BUG_ON(!PagePrivate) in a writepage that needs buffers"},
    {MM_KIND_PINNED_LOST_BUFFERS, "pinned-lost-buffers",
     "debug.pinned_lost_buffers: a page under a write GUP reference lost "
     "its buffers"},
    {MM_KIND_PINNED_PAGE_CLEANED, "pinned-page-cleaned",
     "debug.pinned_cleaned: a page under a write GUP reference was cleaned"},
    {MM_KIND_FILE_WRITTEN_WITHOUT_PERMISSION, "file-written-without-permission",
     "a page-cache page's data changed through a writer without write "
     "access to the file (not a shared writable mapping)"},
    {MM_KIND_WP_BROKEN, "wp-broken",
     "a write-protected page has a writable pte, an open write(2) section "
     "or a write GUP reference, or its data changed"},
};

/* Page invariants between any two steps (a failure is a model bug). */
static void assert_page_state(const mm_model *m) {
#ifndef NDEBUG
  for (int p = 0; p < m->npages; p++) { /* no slot past the pools is used */
    const struct page *pg = &m->s.page[p];
    assert(pg->count >= 0 && pg->mapcount >= 0);
    if (!pg->count) {
      assert(pg->mapcount == 0 && pg->mapping < 0);
      continue;
    }
    if (pg->mapping >= 0)
      assert(m->s.as[pg->mapping].tree[pg->index] == p);
  }
#else
  (void)m;
#endif
}

int mm_file_write_denied(const mm_model *m, const struct vma *v, int page) {
  const struct page *pg = &m->s.page[page];
  if (pg->mapping < 0 || (pg->anon & PAGE_ANON))
    return 0; /* not a page-cache page */
  return !(v->shared && m->s.vs[vma_index(m, v)].vm_write);
}

void mm_note_store(mm_model *m, int file, uint32_t index, uint32_t data) {
  if (m->track_stores && file >= 0 && index < MM_NFILEPAGES)
    m->last_store[file][index] = data;
}

int mm_file_write_check(sim_thread *t, const struct vma *v, int page) {
  mm_model *m = mm_of(t);
  const struct page *pg = &m->s.page[page];
  /* every user store comes here: one into a file page (in the cache, or
     one a truncate or invalidate took out of it that the mapping still
     maps) is the file page's last store */
  if (!(pg->anon & PAGE_ANON))
    mm_note_store(m, pg->mapping >= 0 ? pg->mapping : v->file, pg->index,
                  pg->data);
  if (!mm_file_write_denied(m, v, page))
    return 0;
  sim_oid o[2] = {page_data_oid(m, page), page_mapping_oid(m, page)};
  sim_violation(sim_thread_exec(t), MM_KIND_FILE_WRITTEN_WITHOUT_PERMISSION, o,
                2,
                "%s: page#%d of %s (index %u) written through a %s%s "
                "mapping",
                m->threads[sim_thread_id(t)].name, page,
                m->scn->files[m->s.page[page].mapping].name,
                m->s.page[page].index, v->shared ? "shared" : "private",
                m->s.vs[vma_index(m, v)].vm_write ? " rw" : " read-only");
  return 1;
}

int mm_gup_write_denied(const mm_model *m, const struct vma *v,
                        struct pte pte) {
  assert(pte.present && pte.page >= 0);
  if (pte.write)
    return 0;
  int excl = (m->s.page[pte.page].anon & (PAGE_ANON | PAGE_ANON_EXCLUSIVE)) ==
             (PAGE_ANON | PAGE_ANON_EXCLUSIVE);
  return v->shared || m->s.vs[vma_index(m, v)].vm_write || !excl;
}

int mm_gup_write_check(sim_thread *t, const struct vma *v, uint64_t addr) {
  mm_model *m = mm_of(t);
  int slot = vma_pte_slot(v, addr);
  struct pte pte = m->s.mm[v->mm].pte[slot];
  if (!mm_gup_write_denied(m, v, pte))
    return 0;
  int page = pte.page, file = m->s.page[page].mapping;
  sim_oid o[2] = {pte_oid(m, v->mm, slot), page_mapping_oid(m, page)};
  sim_violation(sim_thread_exec(t), MM_KIND_FILE_WRITTEN_WITHOUT_PERMISSION, o,
                2,
                "%s: a FOLL_WRITE GUP returned page#%d (%s) through a "
                "read-only%s pte of a %s%s mapping: not an exclusive "
                "anonymous page",
                m->threads[sim_thread_id(t)].name, page,
                file >= 0 ? m->scn->files[file].name : "anonymous",
                pte.dirty ? " dirty" : "", v->shared ? "shared" : "private",
                m->s.vs[vma_index(m, v)].vm_write ? " rw" : " read-only");
  return 1;
}

int mm_refcount_mismatch(const mm_model *m, int *want) {
  int32_t n[MM_MAX_PAGES];            /* [0, npages) used */
  for (int p = 0; p < m->npages; p++) /* the cache's and the threads' */
    n[p] = (m->s.page[p].mapping >= 0) + m->held[p];
  for (int mm = 0; mm < m->scn->nmms; mm++)
    for (int i = 0; i < m->nptes[mm]; i++) /* the others stay none */
      if (m->s.mm[mm].pte[i].present) {
        assert(m->s.mm[mm].pte[i].page < m->npages);
        n[m->s.mm[mm].pte[i].page]++;
      }
      /* the checking build: held[] is the sum it stands for */
#ifdef MMSIM_SANITIZE
  for (int p = 0; p < m->npages; p++) {
    int sum = 0;
    for (int tid = 0; tid < m->nthreads; tid++)
      sum += m->refs[tid][p] + m->pins[tid][p] * mm_pin_bias(m);
    assert(sum == m->held[p]);
  }
  for (int mm = 0; mm < m->scn->nmms; mm++)
    for (int i = m->nptes[mm]; i < MM_MAX_PTES; i++)
      assert(!m->s.mm[mm].pte[i].present);
#endif
  for (int p = 0; p < m->npages; p++)
    if (m->s.page[p].count != n[p]) {
      *want = n[p];
      return p;
    }
  return -1;
}

/* debug.footprint_check: the action of the step just run changed only
   what its footprint declares written; then the new state is the next
   action's "before". */
static void footprint_check(mm_model *m, sim_exec *x) {
  int tid;
  const sim_stepdesc *s = sim_last_step(x, &tid);
  char field[96];
  if (s && mm_fp_undeclared(m, tid, s, field, sizeof field))
    sim_violation(x, MM_KIND_UNDECLARED_WRITE, NULL, 0,
                  "%s: step '%s' wrote %s, outside its footprint",
                  m->threads[tid].name, s->what, field);
  m->snap = m->s;
}

/* writenotify-dirty (see the top of this file): the first pte that breaks
   it, or -1. */
static int writenotify_dirty(const mm_model *m, const sim_exec *x, int *vi) {
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    const struct vma_state *vs = &m->s.vs[i];
    if (vs->gone || !v->shared || !vs->vm_write ||
        m->scn->files[v->file].tmpfs) /* tmpfs: not writenotify */
      continue;
    int np = (int)((v->end - v->start) >> PAGE_SHIFT);
    for (int k = 0; k < np; k++) {
      const struct pte *pte = &m->s.mm[v->mm].pte[v->pte_base + k];
      if (!pte->present || !(pte->write || pte->dirty))
        continue;
      const struct page *pg = &m->s.page[pte->page];
      if ((pg->flags & PG_dirty) || pg->mapping != v->file ||
          sim_lock_holder(x, page_lock_oid(m, pte->page)) >= 0)
        continue;
      int faulting = 0;
      for (int t = 0; t < m->nthreads; t++)
        faulting |= m->s.dirtying[t] == pte->page + 1;
      if (faulting)
        continue;
      *vi = i;
      return v->pte_base + k;
    }
  }
  return -1;
}

/* The thread holding a FOLL_WRITE GUP reference on 'page', or -1. */
static int gup_writer(const mm_model *m, int page) {
  for (int tid = 0; tid < m->nthreads; tid++)
    if (m->gup_write[tid][page] > 0)
      return tid;
  return -1;
}

/* pinned-lost-buffers and pinned-page-cleaned (knobs, see the top of
   this file): 1 if one was raised. */
int mm_pinned_check(const mm_model *m, sim_exec *x) {
  if (!m->knobs.pinned_lost_buffers && !m->knobs.pinned_cleaned)
    return 0;
  for (int p = 0; p < m->npages; p++) {
    const struct page *pg = &m->s.page[p];
    int tid = pg->count ? gup_writer(m, p) : -1;
    if (tid < 0)
      continue;
    if (m->knobs.pinned_lost_buffers && pg->mapping >= 0 &&
        m->scn->files[pg->mapping].buffers && !(pg->flags & PG_private)) {
      sim_oid o = page_bh_oid(m, p);
      sim_violation(x, MM_KIND_PINNED_LOST_BUFFERS, &o, 1,
                    "page#%d (%s index %u) has no buffers while %s holds a "
                    "write GUP reference on it",
                    p, m->scn->files[pg->mapping].name, pg->index,
                    m->threads[tid].name);
      return 1;
    }
    if (m->knobs.pinned_cleaned && !(pg->flags & PG_dirty) &&
        sim_lock_holder(x, page_lock_oid(m, p)) < 0) {
      sim_oid o = page_dirty_oid(m, p);
      sim_violation(x, MM_KIND_PINNED_PAGE_CLEANED, &o, 1,
                    "page#%d is clean and unlocked while %s holds a write GUP "
                    "reference on it: writeback cleaned a page its device "
                    "may still be writing",
                    p, m->threads[tid].name);
      return 1;
    }
  }
  return 0;
}

enum mm_wp_clause mm_wp_broken(const mm_model *m, int *page, int *who) {
  for (int p = 0; p < MM_MAX_PAGES; p++) {
    if (!m->wp[p] || !m->s.page[p].count)
      continue;
    *page = p;
    for (int mm = 0; mm < m->scn->nmms; mm++)
      for (int i = 0; i < MM_MAX_PTES; i++) {
        const struct pte *pte = &m->s.mm[mm].pte[i];
        if (pte->present && pte->page == p && pte->write) {
          *who = mm * MM_MAX_PTES + i;
          return WP_WRITABLE_PTE;
        }
      }
    for (int tid = 0; tid < m->nthreads; tid++) {
      *who = tid;
      if (m->write_section[tid] == p + 1)
        return WP_WRITE_SECTION;
      if (m->gup_write[tid][p] > 0)
        return WP_WRITE_PIN;
    }
    *who = -1;
    if (m->s.page[p].data != m->wp_data[p])
      return WP_DATA_CHANGED;
  }
  return WP_OK;
}

/* wp-broken, raised: 1 if it was.  A page freed since its protection
   (truncated and put) is no longer protected: its slot may be reused. */
static int wp_check(mm_model *m, sim_exec *x) {
  int p, who;
  for (p = 0; p < MM_MAX_PAGES; p++)
    if (m->wp[p] && !m->s.page[p].count)
      m->wp[p] = 0;
  enum mm_wp_clause c = mm_wp_broken(m, &p, &who);
  char pn[64];
  sim_oid o[2] = {page_data_oid(m, p), page_ref_oid(m, p)};
  switch (c) {
  case WP_OK:
    return 0;
  case WP_WRITABLE_PTE:
    mm_pte_name(m, who / MM_MAX_PTES, who % MM_MAX_PTES, pn, sizeof pn);
    o[1] = pte_oid(m, who / MM_MAX_PTES, who % MM_MAX_PTES);
    sim_violation(x, MM_KIND_WP_BROKEN, o, 2,
                  "page#%d is write-protected, but %s maps it writable", p, pn);
    return 1;
  case WP_WRITE_SECTION:
    sim_violation(x, MM_KIND_WP_BROKEN, o, 1,
                  "page#%d is write-protected while %s's write(2) is between "
                  "write_begin and write_end on it",
                  p, m->threads[who].name);
    return 1;
  case WP_WRITE_PIN:
    sim_violation(x, MM_KIND_WP_BROKEN, o, 2,
                  "page#%d is write-protected while %s holds a write GUP "
                  "reference on it: its device may write the page",
                  p, m->threads[who].name);
    return 1;
  case WP_DATA_CHANGED:
    sim_violation(x, MM_KIND_WP_BROKEN, o, 1,
                  "page#%d changed from v%u to v%u while write-protected", p,
                  m->wp_data[p], m->s.page[p].data);
    return 1;
  }
  return 0;
}

void mm_after_step(void *model, sim_exec *x) {
  mm_model *m = model;
  assert_page_state(m);
  if (m->knobs.footprint_check)
    footprint_check(m, x);
  if (mm_pinned_check(m, x) || wp_check(m, x))
    return;
  for (int p = 0; m->needs_buffers && p < m->npages; p++) {
    const struct page *pg = &m->s.page[p];
    if (pg->count && pg->mapping >= 0 &&
        m->scn->files[pg->mapping].needs_buffers && (pg->flags & PG_dirty) &&
        !(pg->flags & PG_private) &&
        sim_lock_holder(x, page_lock_oid(m, p)) < 0) {
      sim_oid objs[2] = {page_dirty_oid(m, p), page_bh_oid(m, p)};
      sim_violation(x, MM_KIND_DIRTY_WITHOUT_BUFFERS, objs, 2,
                    "page#%d (%s index %u) is dirty without buffers, and the "
                    "filesystem's writepage needs them",
                    p, m->scn->files[pg->mapping].name, pg->index);
      return;
    }
  }
  int vi, slot;
  if (m->wb && (slot = writenotify_dirty(m, x, &vi)) >= 0) {
    const struct vma *v = &m->vma[vi];
    const struct pte *pte = &m->s.mm[v->mm].pte[slot];
    char pn[64];
    mm_pte_name(m, v->mm, slot, pn, sizeof pn);
    sim_oid objs[2] = {pte_oid(m, v->mm, slot), page_dirty_oid(m, pte->page)};
    sim_violation(x, MM_KIND_WRITENOTIFY_DIRTY, objs, 2,
                  "%s is %s%s%s in a writenotify vma, but page#%d is clean "
                  "and unlocked: a store through it leaves the page clean",
                  pn, pte->write ? "writable" : "",
                  pte->write && pte->dirty ? " and " : "",
                  pte->dirty ? "dirty" : "", pte->page);
    return;
  }
  int want, p = mm_refcount_mismatch(m, &want);
  if (p >= 0) {
    sim_oid o = page_ref_oid(m, p);
    sim_violation(x, MM_KIND_REFCOUNT_MISMATCH, &o, 1,
                  "page#%d count %d, but the cache, ptes and threads hold %d "
                  "reference(s)",
                  p, m->s.page[p].count, want);
  }
}

/* The number of whole or partial pages inside i_size. */
static uint32_t pages_in_size(const struct address_space *as) {
  return (uint32_t)((as->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT);
}

/* fsync-lost, from the step in which do_fsync returns (sync.c): every
   block inside i_size holds at least the write generation it had at the
   call (what was stored before the call, or later). */
void fsync_returns(sim_thread *t, int file) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  const struct address_space *as = &m->s.as[file];
  SIM_STEP(t, "fsync returns", COST_SYSCALL, SIM_RD(isize_oid(m, file)),
           SIM_RD(disk_oid(m, file)));
  for (uint32_t i = 0; i < pages_in_size(as) && i < MM_NFILEPAGES; i++)
    if (as->disk_gen[i] < m->s.fsync_gen[tid][i]) {
      sim_oid o = disk_oid(m, file);
      sim_violation(m->x, MM_KIND_FSYNC_LOST, &o, 1,
                    "%s: fsync(%s) returns with block %u at write %u, but "
                    "write %u was stored before the call",
                    m->threads[tid].name, m->scn->files[file].name, i,
                    as->disk_gen[i], m->s.fsync_gen[tid][i]);
      return;
    }
  m->s.fsync_file[tid] = -1;
}

/* lost-write: after the exit thread's final sync, a cached page's content
   is on its block. */
static void check_lost_write(mm_model *m, sim_exec *x) {
  for (int f = 0; f < m->scn->nfiles; f++) {
    const struct address_space *as = &m->s.as[f];
    if (m->scn->files[f].tmpfs) /* no blocks: the cache is all there is */
      continue;
    for (uint32_t i = 0; i < pages_in_size(as) && i < MM_NFILEPAGES; i++) {
      int p = as->tree[i];
      if (p < 0 || m->s.page[p].data == as->disk[i])
        continue;
      sim_oid objs[2] = {disk_oid(m, f), page_data_oid(m, p)};
      sim_violation(x, MM_KIND_LOST_WRITE, objs, 2,
                    "after the final sync, %s block %u holds v%u, but "
                    "page#%d holds v%u, stored last%s",
                    m->scn->files[f].name, i, as->disk[i], p, m->s.page[p].data,
                    m->s.page[p].flags & PG_dirty ? " (page still dirty)"
                                                  : " (page clean)");
      return;
    }
  }
}

/* Quiescent checks: every present pte agrees with the page cache, and
   nothing stays mapped past EOF after a truncate; with writeback
   tracking, no write was lost. */
void mm_at_end(void *model, sim_exec *x) {
  mm_model *m = model;
  /* a finished path holds no reference (the accounting of each step
     cannot see a reference kept to the end: a leak) */
  for (int tid = 0; tid < m->nthreads; tid++)
    for (int p = 0; p < m->npages; p++)
      if (m->pins[tid][p]) {
        sim_oid o = page_ref_oid(m, p);
        sim_violation(x, MM_KIND_REFCOUNT_MISMATCH, &o, 1,
                      "%s ends holding %d pin(s) on page#%d",
                      m->threads[tid].name, m->pins[tid][p], p);
        return;
      }
  for (int tid = 0; tid < m->nthreads; tid++)
    for (int p = 0; p < m->npages; p++)
      if (m->refs[tid][p]) {
        sim_oid o = page_ref_oid(m, p);
        sim_violation(x, MM_KIND_REFCOUNT_MISMATCH, &o, 1,
                      "%s ends holding %d reference(s) on page#%d",
                      m->threads[tid].name, m->refs[tid][p], p);
        return;
      }
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    const struct address_space *as = &m->s.as[v->file];
    if (m->s.vs[i].gone) /* its ptes are another vma's (fremap.c) or none */
      continue;
    for (uint64_t a = v->start; a < v->end; a += PAGE_SIZE) {
      const struct pte *pte = &m->s.mm[v->mm].pte[vma_pte_slot(v, a)];
      if (!pte->present)
        continue;
      const struct page *pg = &m->s.page[pte->page];
      /* a nonlinear vma maps any offset: the page's own (fremap.c) */
      uint32_t idx = m->s.vs[i].nonlinear ? pg->index : linear_page_index(v, a);
      if (!v->shared && (pg->anon & PAGE_ANON))
        continue; /* a private COW copy: no longer the file's */
      sim_oid objs[2] = {pte_oid(m, v->mm, vma_pte_slot(v, a)),
                         page_mapping_oid(m, pte->page)};
      char pn[64];
      mm_pte_name(m, v->mm, vma_pte_slot(v, a), pn, sizeof pn);
      if (pg->mapping != v->file || pg->index != idx ||
          as->tree[idx] != pte->page) {
        sim_violation(x, MM_KIND_PTE_CACHE_MISMATCH, objs, 2,
                      "%s maps page#%d (%s), but %s index %u is %s%d in the "
                      "page cache",
                      pn, pte->page,
                      pg->mapping < 0 ? "orphaned: removed from the cache"
                                      : "another file offset",
                      m->scn->files[v->file].name, idx,
                      as->tree[idx] >= 0 ? "page#" : "", as->tree[idx]);
        return;
      }
      uint64_t eof = (as->i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
      if (m->truncated[v->file] && idx >= eof) {
        sim_violation(x, MM_KIND_PTE_BEYOND_EOF, objs, 2,
                      "%s maps page#%d at index %u, past i_size %llu after "
                      "truncate",
                      pn, pte->page, idx, (unsigned long long)as->i_size);
        return;
      }
    }
  }
  if (m->wb)
    check_lost_write(m, x);
}
