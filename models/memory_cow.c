/*
** memory_cow.c - the private-mapping (copy-on-write) paths of mm/memory.c,
** Linux 5.15/5.16 and 6.0 (do_wp_page, wp_page_copy, wp_page_reuse,
** do_cow_fault, finish_fault; 6.0's PageAnonExclusive), read in a 5.15.0
** tree (sndrzt/linux-5.15) and a 6.0.0 tree (Dima-diep/linux-6.0): see
** models/SOURCES.md.  Kept apart from memory.c, which holds the 2.6.x
** shared-file fault paths and is at the size limit; the entry points are
** called from handle_mm_fault (memory.c) for a vma without VM_SHARED.
**
** Anonymous page lifecycle (page->anon, under the pte lock):
**
**   free --alloc_page_vma--> private to the faulting thread (count 1)
**   private --page_add_new_anon_rmap + set_pte_at--> anon, exclusive,
**        mapped by one pte (count 1, the pte's)
**   anon --zap_pte_range (munmap, MADV_DONTNEED)--> free
**
** do_wp_page on a private vma (write fault on a present read-only pte):
** an anonymous page mapped once (5.15: page_count == 1; 6.0:
** PageAnonExclusive) is reused: the pte becomes young, dirty and, with
** VM_WRITE, writable (wp_page_reuse).  Anything else (a page-cache page)
** is copied: wp_page_copy drops the pte lock, allocates and copies, takes
** it again, and if the pte is unchanged replaces it by the new anonymous
** page, dirty, and writable only with VM_WRITE (maybe_mkwrite): a
** FOLL_FORCE write to a read-only private vma leaves a dirty read-only
** pte.  Both return VM_FAULT_WRITE, which 4.9-5.19's faultin_page turns
** into FOLL_COW (gup.c).
**
** Simplified: no swap, no KSM, no LRU, no mmu notifiers, no memcg charge;
** the zero page is not used (a read fault maps the page-cache page, as for
** a file with a cached page); alloc_page_vma allocates from the thread's
** pool (filemap.c), which never fails in the scenarios; the page-cache
** page is not locked across do_wp_page (5.x locks it only for the
** PageAnon reuse test, not modelled for an anonymous page mapped once).
*/
#include <assert.h>

#include "models/kernel.h"

/* alloc_page_vma() footprint: the counts of the thread's pool (another
   thread's put_page may free a slot), and every field of the chosen
   page, which nobody else sees yet. */
struct alloc_fp {
  mm_model *m;
  int tid;
};

static void alloc_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  struct alloc_fp *a = arg;
  mm_model *m = a->m;
  int n = 0, first = m->pool_base + a->tid * MM_POOL;
  int page = pool_first_free(m, a->tid);
  for (int i = first; i < first + MM_POOL; i++)
    s->acc[n++] = (sim_access){page_ref_oid(m, i), SIM_OP_READ};
  if (page >= 0) {
    s->acc[n++] = (sim_access){page_ref_oid(m, page), SIM_OP_WRITE};
    s->acc[n++] = (sim_access){page_mapping_oid(m, page), SIM_OP_WRITE};
    s->acc[n++] = (sim_access){page_index_oid(m, page), SIM_OP_WRITE};
    s->acc[n++] = (sim_access){page_dirty_oid(m, page), SIM_OP_WRITE};
    s->acc[n++] = (sim_access){page_uptodate_oid(m, page), SIM_OP_WRITE};
    s->acc[n++] = (sim_access){page_data_oid(m, page), SIM_OP_WRITE};
    if (m->wb)
      s->acc[n++] = (sim_access){page_bh_oid(m, page), SIM_OP_WRITE};
  }
  s->n = (uint8_t)n;
}

/* alloc_page_vma() (5.x wp_page_copy, do_cow_fault): a new page with one
   reference, the caller's; -1 if the pool is used up (-ENOMEM). */
static int alloc_page_vma(sim_thread *t) {
  mm_model *m = mm_of(t);
  struct alloc_fp a = {m, sim_thread_id(t)};
  sim_stepdesc s = {.what = "alloc_page_vma",
                    .cost_ns = COST_TREE,
                    .refresh = alloc_refresh,
                    .refresh_arg = &a};
  sim_step(t, &s);
  int page = pool_first_free(m, a.tid);
  if (page < 0)
    return -1;
  m->s.page[page] = (struct page){.count = 1, .mapping = -1};
  page_ref_held(t, page, 1);
  return page;
}

/* copy_user_highpage() of 'src' into the new page, then
   __SetPageUptodate (wp_page_copy: inside cow_user_page, before
   __SetPageUptodate; do_cow_fault: the same pair). */
static void copy_user_highpage(sim_thread *t, int page, int src) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "copy_user_highpage; __SetPageUptodate", COST_COPY,
           SIM_RD(page_data_oid(m, src)), SIM_WR(page_data_oid(m, page)),
           SIM_WR(page_uptodate_oid(m, page)));
  m->s.page[page].data = m->s.page[src].data;
  m->s.page[page].gen = m->s.page[src].gen;
  m->s.page[page].flags = PG_uptodate; /* __SetPageUptodate */
  sim_after(t, "page#%d <- v%u (copy of page#%d)", page, m->s.page[page].data,
            src);
}

/* page_add_new_anon_rmap() (5.15; 6.0 with RMAP_EXCLUSIVE): the new page
   becomes anonymous, exclusive, mapped once.  Pte lock held. */
static void page_add_new_anon_rmap(mm_model *m, int page) {
  struct page *p = &m->s.page[page];
  assert(!p->mapcount && p->mapping < 0);
  p->anon = PAGE_ANON | PAGE_ANON_EXCLUSIVE;
  p->mapcount = 1;
}

/* The pte of a private vma for a new anonymous page: young, dirty,
   writable only with VM_WRITE (maybe_mkwrite). */
static struct pte anon_pte(const mm_model *m, const struct vma *v, int page) {
  return (struct pte){.present = 1,
                      .write = m->s.vs[vma_index(m, v)].vm_write,
                      .dirty = 1,
                      .young = 1,
                      .page = (int16_t)page};
}

/* wp_page_copy() (5.15 mm/memory.c): called with the pte lock held and
   'old' mapped by the pte as 'orig'; returns with it released. */
static int wp_page_copy(sim_thread *t, int mm, const struct vma *v,
                        uint64_t addr, struct pte orig) {
  mm_model *m = mm_of(t);
  int slot = vma_pte_slot(v, addr), old = orig.page, ret = VM_FAULT_WRITE;
  struct pte *pte = &m->s.mm[mm].pte[slot];
  sim_enter(t, "wp_page_copy");
  /* do_wp_page: get_page(vmf->page); pte_unmap_unlock */
  SIM_STEP(t, "get_page; pte_unmap_unlock", COST_LOCK,
           SIM_ADD(page_ref_oid(m, old)), SIM_UNLOCK(pte_lock(m, mm)));
  m->s.page[old].count++;
  page_ref_held(t, old, 1);
  int new = alloc_page_vma(t);
  if (new < 0) {
    put_page(t, old);
    ret = VM_FAULT_OOM;
    goto out;
  }
  copy_user_highpage(t, new, old); /* cow_user_page */
  mm_spin_lock(t, pte_lock(m, mm), "pte_offset_map_lock");
  /* Revalidate: a racer (MADV_DONTNEED, munmap, another fault of this mm,
     UFFDIO_CONTINUE after a zap) may have changed the pte meanwhile. */
  SIM_STEP(t, "pte_same? page_remove_rmap; page_add_new_anon_rmap; set_pte_at",
           COST_PTE, SIM_RD(pte_oid(m, mm, slot)),
           SIM_RD(vma_oid(m, vma_index(m, v))), SIM_WR(pte_oid(m, mm, slot)),
           SIM_WR(page_mapcount_oid(m, old)), SIM_WR(page_mapcount_oid(m, new)),
           SIM_WR(page_mapping_oid(m, new)));
  /* pte_same (mm.h): the dirty bit counts (a CONTINUE after a zap can
     put the same page back, dirty on 5.16: not the same pte) */
  if (pte_same(*pte, orig)) {
    page_remove_rmap(m, old);
    page_add_new_anon_rmap(m, new);
    *pte = anon_pte(m, v, new);
    page_ref_held(t, new, -1); /* the new page's reference is the pte's */
    page_ref_held(t, old, 1);  /* the old pte's reference is ours to drop */
    sim_after(t, "pte -> anon page#%d dirty%s", new,
              pte->write ? " w" : " read-only");
    mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
    put_page(t, old); /* the pte's reference (free_page_and_swap_cache) */
  } else {
    sim_after(t, "pte changed: back out");
    mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
    put_page(t, new);
    ret = 0;
  }
  put_page(t, old); /* do_wp_page's get_page */
out:
  sim_leave(t);
  return ret;
}

/* do_wp_page() (5.15 and 6.0 mm/memory.c, read in 5.15.0 and 6.0.0
   trees) for a vma without VM_SHARED: a write fault on a present
   read-only pte, pte lock held (returns with it released).  Reuse of an
   anonymous page: 5.15 when page_count == 1 (and, under trylock_page,
   mapcount == 1 and count == 1 again: one step here, the model has no
   swap cache or KSM to change them); 6.0 when PageAnonExclusive (knob
   gup.cow_exclusive stands for the 5.19/6.0 anon-exclusive series), so a
   GUP reference no longer forces a copy.  Else copy (get_page,
   pte_unmap_unlock, wp_page_copy).  Not modelled: the uffd-wp check, the
   pfn-map case (vm_normal_page NULL), FAULT_FLAG_UNSHARE (6.0). */
int do_wp_page_private(sim_thread *t, int mm, const struct vma *v,
                       uint64_t addr, struct pte orig) {
  mm_model *m = mm_of(t);
  int slot = vma_pte_slot(v, addr), page = orig.page, ret;
  struct pte *pte = &m->s.mm[mm].pte[slot];
  sim_enter(t, "do_wp_page");
  assert(sim_holds(t, pte_lock(m, mm)) && !v->shared);
  SIM_STEP(t, "PageAnon? page_count == 1?", COST_ATOMIC,
           SIM_RD(page_mapping_oid(m, page)), SIM_RD(page_ref_oid(m, page)));
  int exclusive = m->knobs.gup_cow_exclusive &&
                  (m->s.page[page].anon & PAGE_ANON_EXCLUSIVE);
  if (page_is_anon(m, page) && (exclusive || m->s.page[page].count == 1)) {
    /* wp_page_reuse: pte_mkyoung, maybe_mkwrite(pte_mkdirty) */
    SIM_STEP(t, "wp_page_reuse: pte_mkyoung; maybe_mkwrite(pte_mkdirty)",
             COST_PTE, SIM_RD(vma_oid(m, vma_index(m, v))),
             SIM_WR(pte_oid(m, mm, slot)));
    pte->young = pte->dirty = 1;
    pte->write = m->s.vs[vma_index(m, v)].vm_write;
    if (pte->write)
      wp_break(t, page); /* R5: ends write protection (ksm.c) */
    sim_after(t, "reuse anon page#%d", page);
    mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
    ret = VM_FAULT_WRITE;
  } else {
    ret = wp_page_copy(t, mm, v, addr, orig);
  }
  sim_leave(t);
  return ret;
}

/* do_cow_fault() (5.15 mm/memory.c, read in a 5.15.0 tree): a write
   fault on a none pte of a private vma.  alloc_page_vma first (the cow
   page), then __do_fault (->fault: the file page comes back locked;
   2.6.20's ->nopage unlocked; a uffd minor fault returns VM_FAULT_RETRY
   with mmap_sem dropped, or VM_FAULT_SIGBUS from a GUP without
   ALLOW_RETRY), copy_user_highpage and __SetPageUptodate, finish_fault
   with the file page still locked: under the pte lock, if the pte is
   still none, the new anonymous page goes in (do_set_pte: dirty,
   writable with VM_WRITE, page_add_new_anon_rmap), else VM_FAULT_NOPAGE
   and the cow page is put; then unlock_page and put_page of the file
   page.  5.15 returns without VM_FAULT_WRITE: a FOLL_FORCE write then
   faults again and reuses the page in do_wp_page.  Not modelled:
   anon_vma_prepare, the memcg charge, VM_FAULT_DONE_COW (DAX), the pmd
   allocation of finish_fault. */
int do_cow_fault(sim_thread *t, int mm, const struct vma *v, uint64_t addr) {
  mm_model *m = mm_of(t);
  int slot = vma_pte_slot(v, addr), file = v->file, fpage = -1, ret, type;
  struct pte *pte = &m->s.mm[mm].pte[slot];
  sim_enter(t, "do_cow_fault");
  uint32_t pgoff = linear_page_index(v, addr);
  int new = alloc_page_vma(t); /* vmf->cow_page */
  if (new < 0) {
    ret = VM_FAULT_OOM;
    goto out;
  }
  if (m->knobs.fault_lock_page) {
    ret = m->scn->files[file].tmpfs ? shmem_fault(t, v, pgoff, &fpage)
                                    : filemap_fault(t, v, pgoff, &fpage);
  } else {
    fpage = m->scn->files[file].tmpfs ? shmem_nopage(t, v, addr, &type)
                                      : filemap_nopage(t, v, addr, &type);
    ret = fpage >= 0               ? 0
          : fpage == NOPAGE_SIGBUS ? VM_FAULT_SIGBUS
                                   : VM_FAULT_OOM;
  }
  if (ret & (VM_FAULT_ERROR | VM_FAULT_RETRY)) {
    put_page(t, new); /* uncharge_out; VM_FAULT_RETRY: mmap_sem dropped */
    goto out;
  }
  copy_user_highpage(t, new, fpage);
  mm_spin_lock(t, pte_lock(m, mm), "finish_fault: pte_offset_map_lock");
  SIM_STEP(t, "pte_none? do_set_pte: page_add_new_anon_rmap; set_pte_at",
           COST_PTE, SIM_RD(pte_oid(m, mm, slot)),
           SIM_RD(vma_oid(m, vma_index(m, v))), SIM_WR(pte_oid(m, mm, slot)),
           SIM_WR(page_mapcount_oid(m, new)), SIM_WR(page_mapping_oid(m, new)));
  int installed = !pte->present;
  if (installed) {
    page_add_new_anon_rmap(m, new);
    *pte = anon_pte(m, v, new);
    page_ref_held(t, new, -1);
    sim_after(t, "pte -> anon page#%d dirty%s", new,
              pte->write ? " w" : " read-only");
  } else {
    sim_after(t, "pte already present: VM_FAULT_NOPAGE");
  }
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  if (ret & VM_FAULT_LOCKED)
    unlock_page(t, m, fpage);
  put_page(t, fpage);
  ret &= ~VM_FAULT_LOCKED;
  if (!installed)
    put_page(t, new); /* VM_FAULT_NOPAGE: the access is retried */
out:
  sim_leave(t);
  return ret;
}
