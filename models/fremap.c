/*
** fremap.c - nonlinear mappings (R1e, seed 004).  Mirrors mm/fremap.c of
** Linux 2.6.20 (sagsango/linux-2.6.20 @7925ece7: sys_remap_file_pages,
** install_page, install_file_pte, zap_pte) with filemap_getpage and
** filemap_populate of its mm/filemap.c and do_file_page of its
** mm/memory.c; 2.6.23-rc1 (torvalds/linux @54cb8821: populate_range,
** make_pages_present, do_nonlinear_fault -> __do_fault, knob
** fremap.nonlinear_fault); and 3ee6dafc (read in 2.6.24,
** fulei0920/linux-2.6.24 @d18aa499: a mapping that accounts dirty pages
** gets a linear vma from mmap_region instead of VM_NONLINEAR, knob
** fremap.linear_emulation).  filemap_populate lives in mm/filemap.c; it
** is here, beside its callers, to keep filemap.c small.
**
** remap_file_pages(start, size, pgoff) maps file pages pgoff.. at start
** inside one shared vma.  The vma becomes VM_NONLINEAR and moves from the
** file's i_mmap tree to the i_mmap_nonlinear list (vs[].nonlinear); a
** pte that the kernel zaps while the page is not at its linear offset
** becomes a file pte holding the page offset (struct pte: file, pgoff),
** and a fault on it goes here instead of do_no_page.  Two races follow:
**
**   2.6.20, nonlinear fault vs invalidate (the R1 race without even the
**   truncate_count check):
**   CPU0: do_file_page                   CPU1: invalidate_inode_pages2_range
**   filemap_populate
**     filemap_getpage: find_get_page
**       (uptodate: no page lock)          lock_page; page_mapped? no
**     install_page: ptl; page->mapping
**       set, index < i_size: set_pte_at
**                                         invalidate_complete_page2
**                                           BUG_ON(page_mapped)  <-- R1e
**
**   2.6.22, lost dirty bit: page_mkclean walks only i_mmap, so writeback
**   leaves a nonlinear pte writable and dirty while it cleans the page;
**   the next store dirties neither page nor tag, and fsync/msync miss it
**   until the pte is zapped (the data reaches the disk at exit: "double
**   I/O", and an fsync that returns with the store not on disk).
**
** 2.6.23-rc1 takes the page lock in the nonlinear fault (__do_fault), and
** 3ee6dafc keeps dirty-accounting files out of nonlinear vmas.
**
** Simplified: ranges inside one vma (the parser); make_pages_present is
** one handle_mm_fault per page (get_user_pages' follow_page lookups are
** left out) and runs with mmap_sem still held for writing when the call
** took it (downgrade_write is not modelled: readers of the mm wait longer,
** no writer can come in, as in the kernel); force_page_cache_readahead is
** not modelled; 3ee6dafc's mmap_region replaces the whole vma (the model
** has no split_vma, mm_program_check), with a linear vma laid out when the
** model is built (fremap_layout) and linked in place of the old one.
** The nonlinear paths of try_to_unmap (try_to_unmap_cluster) and of
** madvise(MADV_DONTNEED) are not modelled (refused at build time).
*/
#include <assert.h>
#include <stdio.h>

#include "models/kernel.h"

/* mapping_cap_account_dirty() (include/linux/backing-dev.h): every file
   of the model but tmpfs (BDI_CAP_NO_ACCT_DIRTY), as vma_wants_writenotify
   in mm.c. */
static int mapping_cap_account_dirty(const mm_model *m, int file) {
  return !m->scn->files[file].tmpfs;
}

/* The vma (gone) that 3ee6dafc's emulation links in place of 'v' to map
   file page 'pgoff' at v->start, or -1. */
static int emulation_vma(const mm_model *m, const struct vma *v,
                         uint32_t pgoff) {
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *w = &m->vma[i];
    if (w != v && w->mm == v->mm && w->start == v->start && w->end == v->end &&
        w->pgoff == pgoff && w->file == v->file)
      return i;
  }
  return -1;
}

int fremap_layout(mm_model *m, char *err, size_t errlen) {
  const scenario *scn = m->scn;
  if (!m->knobs.nonlinear_linear_emulation)
    return 0;
  for (int i = 0; i < scn->nthreads; i++)
    for (int j = 0; j < scn->threads[i].nops; j++) {
      const scn_op *op = &scn->threads[i].ops[j];
      if (op->kind != SCN_REMAP)
        continue;
      const struct vma *v = vma_at(m, op->mm, op->addr);
      assert(v); /* the parser checked the address */
      if (!mapping_cap_account_dirty(m, v->file) || op->addr != v->start ||
          op->addr + (uint64_t)op->npages * PAGE_SIZE != v->end ||
          op->page == v->pgoff || emulation_vma(m, v, op->page) >= 0)
        continue; /* not emulated, refused (mm_program_check), or laid out */
      if (m->nvma >= SCN_MAX_MAPS) {
        snprintf(err, errlen,
                 "%s:%d:%d: error: remap needs one more vma for the linear "
                 "emulation (3ee6dafc), and the model has %d, expected "
                 "fewer maps or remaps",
                 scn->path, op->line, op->col, SCN_MAX_MAPS);
        return -1;
      }
      struct vma *w = &m->vma[m->nvma];
      *w = *v;
      w->pgoff = op->page;
      m->init.vs[m->nvma] = (struct vma_state){.gone = 1};
      m->nvma++;
    }
  return 0;
}

/* ------------------------------------------------------------ ptes */

/* zap_pte() (2.6.20 mm/fremap.c) of a present pte, inside the caller's
   pte lock: clear it (the caller's step writes it), its dirty bit to the
   page, page_remove_rmap, page_cache_release.  A file pte is just
   overwritten by the caller's set_pte_at. */
static void zap_pte(sim_thread *t, const struct vma *v, int slot) {
  mm_model *m = mm_of(t);
  struct pte *pte = &m->s.mm[v->mm].pte[slot];
  struct pte old = *pte;
  SIM_STEP(t, "zap_pte: ptep_clear_flush; page_remove_rmap", COST_PTE,
           SIM_WR(pte_oid(m, v->mm, slot)),
           SIM_WR(page_mapcount_oid(m, old.page)));
  *pte = (struct pte){.page = -1};
  page_remove_rmap(m, old.page);
  page_ref_held(t, old.page, 1); /* the pte's, until page_cache_release */
  if (old.dirty)
    set_page_dirty(t, old.page);
  put_page(t, old.page);
}

/* install_page() (2.6.20, still in 2.6.23 for ->populate users): under
   the pte lock, the page must still have a mapping and lie inside i_size
   (-EINVAL: "this page may have been truncated"); the old pte is zapped
   and mk_pte(page, vma->vm_page_prot) set (read-only in a writenotify
   vma, writable and clean otherwise), page_add_file_rmap.  The caller's
   reference becomes the pte's.  No page lock and no truncate_count: an
   invalidate that already found the page unmapped is not seen. */
int install_page(sim_thread *t, const struct vma *v, uint64_t addr, int page) {
  mm_model *m = mm_of(t);
  int mm = v->mm, slot = vma_pte_slot(v, addr), file = v->file;
  struct pte *pte = &m->s.mm[mm].pte[slot];
  const struct page *p = &m->s.page[page];
  int err = 0;
  sim_enter(t, "install_page");
  mm_spin_lock(t, pte_lock(m, mm), "get_locked_pte");
  SIM_STEP(t, "i_size_read; page->mapping && index < size?", COST_ATOMIC,
           SIM_RD(isize_oid(m, file)), SIM_RD(page_mapping_oid(m, page)));
  uint64_t size = (m->s.as[file].i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
  if (p->mapping < 0 || p->index >= size) {
    sim_after(t, "page#%d %s: -EINVAL", page,
              p->mapping < 0 ? "has no mapping" : "is past i_size");
    err = -EINVAL;
    goto unlock;
  }
  if (pte->present)
    zap_pte(t, v, slot);
  sim_stepdesc s = {.what = "set_pte_at(mk_pte(page, vm_page_prot)); "
                            "page_add_file_rmap",
                    .cost_ns = COST_PTE,
                    .n = 3,
                    .acc = {SIM_WR(pte_oid(m, mm, slot)),
                            SIM_WR(page_mapcount_oid(m, page)),
                            SIM_RD(vma_oid(m, vma_index(m, v)))}};
  sim_step(t, &s);
  log_pte_install_before(t, pte, page);
  *pte = (struct pte){
      .present = 1,
      .write = m->s.vs[vma_index(m, v)].prot_write,
      .page = (int16_t)page,
  };
  page_add_file_rmap(m, page);
  page_ref_held(t, page, -1); /* the caller's reference is the pte's */
  sim_after(t, "pte -> page#%d%s mapcount %d", page, pte->write ? " w" : "",
            p->mapcount);
unlock:
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  sim_leave(t);
  return err;
}

/* install_file_pte() (2.6.20, 2.6.23): under the pte lock, zap what the
   pte maps and set a file pte holding pgoff. */
int install_file_pte(sim_thread *t, const struct vma *v, uint64_t addr,
                     uint32_t pgoff) {
  mm_model *m = mm_of(t);
  int mm = v->mm, slot = vma_pte_slot(v, addr);
  struct pte *pte = &m->s.mm[mm].pte[slot];
  sim_enter(t, "install_file_pte");
  mm_spin_lock(t, pte_lock(m, mm), "get_locked_pte");
  if (pte->present)
    zap_pte(t, v, slot);
  SIM_STEP(t, "set_pte_at(pgoff_to_pte(pgoff))", COST_PTE,
           SIM_WR(pte_oid(m, mm, slot)));
  *pte = (struct pte){.page = -1, .file = 1, .pgoff = (uint8_t)pgoff};
  sim_after(t, "file pte, pgoff %u", pgoff);
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  sim_leave(t);
  return 0;
}

/* ------------------------------------------------------- ->populate */

/* filemap_getpage() (2.6.20 mm/filemap.c): the page referenced, not
   locked; the page lock only when it is not uptodate, to wait for the
   read and recheck page->mapping.  -1 when nonblock finds no uptodate
   page, or the page was truncated ("err"). */
static int filemap_getpage(sim_thread *t, int file, uint32_t pgoff,
                           int nonblock) {
  mm_model *m = mm_of(t);
  int page, retries = 0;
  sim_enter(t, "filemap_getpage");
retry_find:
  /* Live at the head: nothing (pgoff, file and nonblock are arguments;
     page is looked up again). */
  sim_loop_live(t, retries++, "filemap_getpage retry", NULL, 0);
  page = find_get_page(t, file, pgoff);
  if (page < 0) {
    if (nonblock)
      goto out;
    if (page_cache_read(t, file, pgoff) >= 0) /* no_cached_page */
      goto retry_find;
    goto out;
  }
  if (PageUptodate(t, page))
    goto out; /* success: mark_page_accessed */
  if (nonblock)
    goto err;
  lock_page(t, m, page); /* page_not_uptodate */
  SIM_STEP(t, "page->mapping? PageUptodate?", COST_ATOMIC,
           SIM_RD(page_mapping_oid(m, page)),
           SIM_RD(page_uptodate_oid(m, page)));
  if (m->s.page[page].mapping < 0) { /* truncated while we waited */
    unlock_page(t, m, page);
    goto err;
  }
  if (m->s.page[page].flags & PG_uptodate) {
    unlock_page(t, m, page);
    goto out;
  }
  readpage(t, file, page, pgoff); /* unlocks; the I/O never fails */
  goto out;
err:
  put_page(t, page);
  page = -1;
out:
  sim_leave(t);
  return page;
}

/* filemap_populate() (2.6.20 mm/filemap.c), ->populate of a file vma:
   per page, -EINVAL past i_size, filemap_getpage, install_page (on error
   the reference is dropped), or a file pte when nonblock found nothing
   in a nonlinear vma; -ENOMEM when a blocking lookup fails. */
int filemap_populate(sim_thread *t, const struct vma *v, uint64_t addr,
                     uint64_t len, uint32_t pgoff, int nonblock) {
  mm_model *m = mm_of(t);
  int file = v->file, err = 0, loops = 0;
  sim_enter(t, "filemap_populate");
  do {
    /* Live at the head: addr, len, pgoff (advanced by one page each). */
    sim_loop_live(t, loops++, "filemap_populate page",
                  (const uint64_t[]){addr, len, pgoff}, 3);
    SIM_STEP(t, "i_size_read", COST_ATOMIC, SIM_RD(isize_oid(m, file)));
    uint64_t size = (m->s.as[file].i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
    if (pgoff + (len >> PAGE_SHIFT) > size) {
      err = -EINVAL;
      break;
    }
    int page = filemap_getpage(t, file, pgoff, nonblock);
    if (page < 0 && !nonblock) {
      err = -ENOMEM;
      break;
    }
    if (page >= 0) {
      err = install_page(t, v, addr, page);
      if (err) {
        put_page(t, page);
        break;
      }
    } else if (m->s.vs[vma_index(m, v)].nonlinear) {
      install_file_pte(t, v, addr, pgoff);
    }
    len -= PAGE_SIZE;
    addr += PAGE_SIZE;
    pgoff++;
  } while (len);
  sim_leave(t);
  return err;
}

/* --------------------------------------------------------- faults */

/* do_file_page() (2.6.20 mm/memory.c): pte_unmap_same (no lock on x86
   without PAE), then ->populate of the one page with the pte's pgoff:
   -ENOMEM is VM_FAULT_OOM, another error VM_FAULT_SIGBUS.
   do_nonlinear_fault() (2.6.23-rc1 54cb8821, knob fremap.nonlinear_fault):
   __do_fault with the pte's pgoff, the page locked across the pte
   install.  Both: a file pte in a linear vma is a corrupted page table
   (print_bad_pte, VM_FAULT_OOM): the model never makes one.  The caller
   holds mmap_sem for reading. */
int do_file_page(sim_thread *t, int mm, const struct vma *v, uint64_t addr,
                 int write, struct pte orig) {
  mm_model *m = mm_of(t);
  int ret;
  assert(orig.file && m->s.vs[vma_index(m, v)].nonlinear);
  if (m->knobs.nonlinear_fault) {
    sim_enter(t, "do_nonlinear_fault");
    ret = __do_fault(t, mm, v, addr, orig.pgoff, write);
    sim_leave(t);
    return ret;
  }
  sim_enter(t, "do_file_page");
  int err = filemap_populate(t, v, addr & ~(uint64_t)(PAGE_SIZE - 1), PAGE_SIZE,
                             orig.pgoff, 0);
  ret = err == -ENOMEM ? VM_FAULT_OOM : err ? VM_FAULT_SIGBUS : VM_FAULT_MAJOR;
  sim_leave(t);
  return ret;
}

/* ------------------------------------------------- remap_file_pages */

/* make_pages_present() (2.6.23 mm/memory.c): get_user_pages of the range,
   a write if the vma has VM_WRITE; here one handle_mm_fault per page. */
static void make_pages_present(sim_thread *t, int mm, uint64_t start,
                               uint64_t end) {
  mm_model *m = mm_of(t);
  const struct vma *v = find_vma(m, mm, start);
  sim_enter(t, "make_pages_present");
  assert(v && end <= v->end);
  int write = m->s.vs[vma_index(m, v)].vm_write;
  for (uint64_t a = start; a < end; a += PAGE_SIZE)
    handle_mm_fault(t, mm, v, a, write);
  sim_leave(t);
}

/* mmap_region(file, start, size, ..., pgoff, accountable) as 3ee6dafc
   calls it (2.6.24 mm/mmap.c), mmap_sem held for writing: do_munmap of
   the old vma (its ptes zapped, dirty bits to the pages, off i_mmap),
   then vma_link of the new linear vma under i_mmap_lock, with the old
   vma's flags (VM_WRITE) and protection (vma_wants_writenotify). */
static void mmap_region(sim_thread *t, const struct vma *v, uint32_t pgoff) {
  mm_model *m = mm_of(t);
  int old = vma_index(m, v), nv = emulation_vma(m, v, pgoff);
  assert(nv >= 0); /* laid out by fremap_layout */
  sim_enter(t, "mmap_region");
  do_munmap(t, v->mm, v->start, v->end - v->start);
  SIM_STEP(t, "vma_link: spin_lock(i_mmap_lock); vma_prio_tree_insert",
           COST_LOCK, SIM_LOCK(i_mmap_lock(m, v->file)),
           SIM_RD(vma_oid(m, old)), SIM_WR(vma_oid(m, nv)),
           SIM_UNLOCK(i_mmap_lock(m, v->file)));
  struct vma_state *vs = &m->s.vs[nv];
  *vs = (struct vma_state){.vm_write = m->s.vs[old].vm_write,
                           .prot_write = m->s.vs[old].prot_write};
  sim_after(t, "vma#%d: linear, pgoff %u", nv, pgoff);
  sim_leave(t);
}

/* sys_remap_file_pages() (2.6.20 mm/fremap.c; 2.6.23-rc1 54cb8821; 3ee6dafc
   in 2.6.24): down_read(mmap_sem); the vma must be shared and hold the
   range (else -EINVAL).  A remap that is not the linear offset of a vma
   that is not yet nonlinear takes mmap_sem for writing (up_read,
   down_write, find_vma again) and, under i_mmap_lock, sets VM_NONLINEAR
   and moves the vma to i_mmap_nonlinear, or with 3ee6dafc for a
   dirty-accounting file maps a linear vma instead (mmap_region) and is
   done.  Then 2.6.20 calls ->populate (filemap_populate: install_page,
   no page lock); 2.6.23 installs file ptes (populate_range) and, unless
   MAP_NONBLOCK, faults them in (make_pages_present).  2.6.23 returns at
   once for a remap to the linear offset of a linear vma. */
long sys_remap_file_pages(sim_thread *t, int mm, uint64_t start, uint64_t size,
                          uint32_t pgoff, int nonblock) {
  mm_model *m = mm_of(t);
  uint64_t end = start + size;
  int has_write_lock = 0, fault = m->knobs.nonlinear_fault;
  long err = -EINVAL;
  sim_enter(t, "sys_remap_file_pages");
  mmap_sem_find_vma(t, mm, 0, "down_read(mmap_sem); find_vma", COST_SYSCALL);
retry:;
  const struct vma *v = find_vma(m, mm, start);
  if (!v || !v->shared || start < v->start || end > v->end) {
    sim_after(t, "no shared vma holds the range: -EINVAL");
    goto out;
  }
  struct vma_state *vs = &m->s.vs[vma_index(m, v)];
  if (!vs->nonlinear && pgoff != linear_page_index(v, start)) {
    if (!has_write_lock) {
      mm_up_read(t, mmap_sem(m, mm), "up_read(mmap_sem)");
      mmap_sem_find_vma(t, mm, 1, "down_write(mmap_sem); find_vma",
                        COST_SLEEPLOCK);
      has_write_lock = 1;
      goto retry;
    }
    if (m->knobs.nonlinear_linear_emulation &&
        mapping_cap_account_dirty(m, v->file)) {
      /* "page_mkclean doesn't work on nonlinear vmas, so if dirty pages
         need to be accounted, emulate with linear vmas" */
      mmap_region(t, v, pgoff);
      err = 0;
      goto out;
    }
    SIM_STEP(t,
             "spin_lock(i_mmap_lock); VM_NONLINEAR; vma_prio_tree_remove; "
             "vma_nonlinear_insert; spin_unlock",
             COST_LOCK, SIM_LOCK(i_mmap_lock(m, v->file)),
             SIM_WR(vma_oid(m, vma_index(m, v))),
             SIM_UNLOCK(i_mmap_lock(m, v->file)));
    vs->nonlinear = 1;
    sim_after(t, "vma#%d nonlinear", vma_index(m, v));
  } else if (!vs->nonlinear && fault) {
    sim_after(t, "linear offset: nothing to do");
    err = 0;
    goto out;
  }
  if (fault) {
    for (uint64_t a = start; a < end; a += PAGE_SIZE) /* populate_range */
      install_file_pte(t, v, a, pgoff + (uint32_t)((a - start) >> PAGE_SHIFT));
    err = 0;
    if (!nonblock)
      make_pages_present(t, mm, start, end);
  } else {
    err = filemap_populate(t, v, start, size, pgoff, nonblock);
  }
out:
  mmap_sem_up(t, mm, has_write_lock);
  sim_leave(t);
  return err;
}
