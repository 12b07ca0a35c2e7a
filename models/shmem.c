/*
** shmem.c - tmpfs files (a scenario 'file ... tmpfs'): the fault handler
** and ->truncate_range of mm/shmem.c, Linux 2.6.20 (sagsango/linux-2.6.20
** @7925ece7, read: shmem_getpage, shmem_nopage, shmem_truncate_range,
** shmem_file_write, shmem_aops, shmem_inode_operations) and 2.6.23's
** shmem_fault (SGP_FAULT, the page returned locked, as the 54cb8821
** series made it).  shmem_file_write, tmpfs's write(2), takes i_mutex and
** then may fault on its user buffer (mmap_sem): the other half of the
** ABBA of 2.6.20's madvise(MADV_REMOVE) (madvise.c).
**
** In 2.6.20 tmpfs is the only filesystem with ->truncate_range, so it is
** the only file madvise(MADV_REMOVE) can punch (vmtruncate_range,
** memory.c).  Its fault takes the page lock briefly: shmem_nopage ->
** shmem_getpage -> find_lock_page, which sleeps while truncate holds the
** page lock and then rechecks page->mapping, and unlocks the page before
** returning.  That is what makes it differ from filemap_nopage, which
** never locks an uptodate page; the truncate_count protocol of do_no_page
** is the same.
**
** Left out: swap.  A tmpfs page lives in the page cache or in swap; the
** model has no swap, so a page not in the cache is a hole, read as a
** zeroed page that shmem_getpage allocates, and shmem_truncate_range has no
** swap entries to free (shmem_free_swp, the swap vector directories,
** info->lock that guards them, the block accounting of sbinfo).  Pages go
** to swap only from reclaim (shmem_writepage refuses other writeback), and
** reclaim is not modelled.  Also left out: info->next_index (taken as the
** file's page count, every page below i_size allocated once), and the
** SHMEM_PAGEIN flag, taken as set (every page came from shmem_getpage,
** which sets it; only shmem_notify_change, a truncate, clears it, and
** truncate of a tmpfs file is refused by the parser).  tmpfs does no
** writeback (BDI_CAP_NO_WRITEBACK: sync skips it, fsync and the other
** writeback operations are refused), accounts no dirty pages (its shared
** writable vmas are not writenotify: BDI_CAP_NO_ACCT_DIRTY), has no
** buffers and no ->page_mkwrite; its ->set_page_dirty is
** __set_page_dirty_nobuffers.
*/
#include <assert.h>

#include "models/kernel.h"

/* shmem_getpage() (2.6.20 mm/shmem.c; 2.6.23 adds SGP_FAULT) for a fault
   or a write, the swap paths left out: find_lock_page; a cached page is
   uptodate (see below): done; a hole: allocate a zeroed page and add it to
   the cache locked (shmem_alloc_page, add_to_page_cache_lru under
   info->lock, after shmem_swp_alloc found no swap entry), SetPageUptodate.
   Done: unlock the page unless SGP_FAULT (2.6.23: the fault gets it
   locked).  Returns the page with a reference, or -ENOMEM. */
int shmem_getpage(sim_thread *t, int file, uint32_t idx, enum sgp_type sgp) {
  mm_model *m = mm_of(t);
  int page, repeats = 0;
  sim_enter(t, "shmem_getpage");
repeat:
  /* Live at the head: nothing.  page is looked up again, file, idx and
     sgp are the arguments; the kernel's filepage is NULL again (the
     -EEXIST path releases it) and swap is not modelled. */
  sim_loop_live(t, repeats++, "shmem_getpage repeat", NULL, 0);
  page = find_lock_page(t, file, idx);
  if (page >= 0) {
    SIM_STEP(t, "PageUptodate", COST_ATOMIC,
             SIM_RD(page_uptodate_oid(m, page)));
    /* find_lock_page returned it locked and still in the cache: truncate
       clears PG_uptodate only with the page locked and removes it before
       unlocking, and shmem_getpage sets it before unlocking a new page;
       a not-uptodate page would be one read in from swap. */
    assert(m->s.page[page].flags & PG_uptodate);
    goto done;
  }
  page = add_to_page_cache_lru(t, file, idx,
                               "shmem_swp_alloc: no swap entry; "
                               "shmem_alloc_page; add_to_page_cache_lru");
  if (page == -EEXIST)
    goto repeat; /* page_cache_release(filepage); goto repeat */
  if (page < 0)
    goto out; /* -ENOMEM */
  /* info->alloced++, spin_unlock(info->lock); flush_dcache_page */
  SIM_STEP(t, "SetPageUptodate", COST_ATOMIC,
           SIM_WR(page_uptodate_oid(m, page)));
  m->s.page[page].flags |= PG_uptodate;
  sim_after(t, "page#%d zeroed, uptodate", page);
done:
  if (sgp != SGP_FAULT)
    unlock_page(t, m, page);
out:
  sim_leave(t);
  return page;
}

/* The i_size test of shmem_nopage and shmem_fault: is pgoff inside the
   file? */
static int shmem_inside(sim_thread *t, int file, uint32_t pgoff) {
  mm_model *m = mm_of(t);
  SIM_STEP(t, "i_size_read", COST_ATOMIC, SIM_RD(isize_oid(m, file)));
  return ((uint64_t)pgoff << PAGE_SHIFT) < m->s.as[file].i_size;
}

/* shmem_nopage() (2.6.20), the ->nopage of shmem_vm_ops: SIGBUS past
   i_size, else shmem_getpage(SGP_CACHE): the page comes back unlocked,
   with a reference (mark_page_accessed is not modelled: no LRU).  *type
   is VM_FAULT_MINOR (MAJOR only for a swap-in). */
int shmem_nopage(sim_thread *t, const struct vma *v, uint64_t addr, int *type) {
  uint32_t idx = linear_page_index(v, addr);
  int page;
  sim_enter(t, "shmem_nopage");
  *type = 0;
  if (!shmem_inside(t, v->file, idx)) {
    page = NOPAGE_SIGBUS;
    goto out;
  }
  page = shmem_getpage(t, v->file, idx, SGP_CACHE);
  if (page < 0)
    page = NOPAGE_OOM; /* the model's only error is -ENOMEM */
out:
  sim_leave(t);
  return page;
}

/* shmem_fault() (2.6.23), the ->fault of shmem_vm_ops: SIGBUS past
   i_size, else shmem_getpage(SGP_FAULT), which returns the page locked:
   VM_FAULT_LOCKED, as filemap_fault.  Unlike filemap_fault it does not
   recheck i_size under the page lock. */
int shmem_fault(sim_thread *t, const struct vma *v, uint32_t pgoff, int *page) {
  int ret = 0;
  sim_enter(t, "shmem_fault");
  if (!shmem_inside(t, v->file, pgoff)) {
    ret = VM_FAULT_SIGBUS;
    goto out;
  }
  /* 5.13+ shmem_getpage_gfp (c949b097 series; read in 5.15.0): a page
     found in the cache (pagecache_get_page with FGP_LOCK) of a
     VM_UFFD_MINOR vma is unlocked and put, and the fault goes to
     userspace: shmem_fault returns handle_userfault's result
     (VM_UFFD_MINOR is stable: we hold mmap_sem) */
  if (mm_of(t)->s.vs[vma_index(mm_of(t), v)].uffd_minor) {
    int p = find_lock_page(t, v->file, pgoff);
    if (p >= 0) {
      unlock_page(t, mm_of(t), p);
      put_page(t, p);
      ret = handle_userfault(
          t, v, v->start + ((uint64_t)(pgoff - v->pgoff) << PAGE_SHIFT));
      goto out;
    }
  }
  *page = shmem_getpage(t, v->file, pgoff, SGP_FAULT);
  ret = *page < 0 ? VM_FAULT_OOM : VM_FAULT_LOCKED;
out:
  sim_leave(t);
  return ret;
}

/* shmem_truncate_range() (2.6.20), tmpfs's ->truncate_range (and, with
   end -1, its ->truncate), called by vmtruncate_range with i_mutex and
   i_alloc_sem held, after the page cache of the range was truncated.  It
   frees the swap entries of the range (none in the model), then, since a
   page may have been added to the cache after truncate_inode_pages ("a
   racing shmem_unuse_inode", or shmem_getpage, which checks i_size before
   adding a page but not after), truncates the page cache of the range
   again if the mapping has pages and SHMEM_PAGEIN is set (always, see
   the file comment). */
void shmem_truncate_range(sim_thread *t, int file, uint64_t start,
                          uint64_t end) {
  mm_model *m = mm_of(t);
  sim_enter(t, "shmem_truncate_range");
  assert(m->scn->files[file].tmpfs);
  /* spin_lock(info->lock); SHMEM_TRUNCATE; no swap to free (file
     comment) */
  SIM_STEP(t, "inode->i_mapping->nrpages && SHMEM_PAGEIN", COST_ATOMIC,
           SIM_RD(tree_oid(m, file)));
  if (m->s.as[file].nrpages)
    truncate_inode_pages_range(t, file, start, end);
  /* spin_lock(info->lock); clear SHMEM_TRUNCATE; shmem_recalc_inode */
  sim_leave(t);
}

/* shmem_file_write() (2.6.20 mm/shmem.c), tmpfs's write(2), for one whole
   page 'idx' whose user buffer is the page at 'addr' of mm 'mm': under
   i_mutex, shmem_getpage(SGP_WRITE) (the page comes back unlocked: "We
   don't hold page lock across copy from user"), then __copy_from_user,
   with no prefault: a none source pte is a page fault taken right there,
   with i_mutex held (do_page_fault: mmap_sem for reading), and the copy
   resumes.  Then set_page_dirty, page_cache_release, unlock.  i_mutex ->
   mmap_sem: the order 2.6.20's madvise(MADV_REMOVE) inverts (madvise.c).
   Not modelled: generic_write_checks, remove_suid, the times, i_size
   growth (the model writes inside the file), several pages. */
long shmem_file_write(sim_thread *t, int file, uint32_t idx, int mm,
                      uint64_t addr) {
  mm_model *m = mm_of(t);
  long err = PAGE_SIZE;
  sim_enter(t, "shmem_file_write");
  mm_lock(t, i_mutex(m, file), "mutex_lock(i_mutex)");
  int page = shmem_getpage(t, file, idx, SGP_WRITE);
  if (page < 0) {
    err = -ENOMEM;
    goto out;
  }
  for (int faults = 0;; faults++) {
    /* Live at the head: nothing (page, file, idx, mm, addr are fixed; the
       fault's return was tested before coming back). */
    sim_loop_live(t, faults, "shmem_file_write copy fault", NULL, 0);
    if (copy_user_page_step(t, mm, addr, page, "__copy_from_user")) {
      m->s.page[page].gen++; /* a user write, for the lost-write checks */
      break;
    }
    int ret = do_page_fault(t, mm, addr, 0);
    if (ret & (VM_FAULT_ERROR | VM_FAULT_BADAREA)) {
      err = -EFAULT; /* left == bytes: nothing written */
      break;
    }
  }
  set_page_dirty(t, page); /* even after a failed copy, as the kernel */
  put_page(t, page);       /* page_cache_release */
out:
  mm_unlock(t, i_mutex(m, file), "mutex_unlock(i_mutex)");
  sim_leave(t);
  return err;
}
