/*
** filemap_write.c - the buffered write path: the write half of
** mm/filemap.c (models/filemap.c holds the lookups, the faults, the read
** path and O_DIRECT), with the ->prepare_write/->commit_write and
** ->write_begin/->write_end of fs/buffer.c and fs/libfs.c it calls.
**
** Versions (models/SOURCES.md lists the trees read):
**   2.6.20 and 2.6.23 generic_file_buffered_write(), the same loop in both
**     (2.6.23 only skips the fault-in for KERNEL_DS callers, which the
**     model has none of): fault_in_pages_readable() of the user buffer,
**     __grab_cache_page() (the page comes back locked), ->prepare_write,
**     filemap_copy_from_user() (mm/filemap.h): an atomic copy, and if it
**     came up short a copy that may take a page fault WITH THE DESTINATION
**     PAGE LOCKED, ->commit_write, unlock_page.  What the fault does with
**     the lock is the fault's business: 2.6.20's filemap_nopage locks only
**     a page that is not uptodate, 2.6.23's filemap_fault always locks the
**     page (knob fault.lock_page), so on 2.6.23 a write whose source is a
**     mapping of the page it writes, with the source pte zapped after the
**     fault-in, waits for its own page lock (R1d), and two writers copying
**     from each other's file pages deadlock ABBA.
**   2.6.24 (08291429 "mm: fix pagecache write deadlocks", afddba49 "fs:
**     introduce write_begin, write_end, and perform_write aops"; knob
**     write.atomic_copy_retry): generic_perform_write(): fault-in,
**     ->write_begin (the page locked), the copy with page faults disabled
**     (a short copy where the pte is gone), ->write_end(copied), and on a
**     short copy fault the buffer in again and retry: no fault is taken
**     with a page locked.
**
** Lock order on the fault of the non-atomic copy (2.6.23): i_mutex ->
** PG_locked (the destination) -> mmap_sem (read) -> PG_locked (the
** source, in filemap_fault): against the documented mmap_sem -> PG_locked.
**
** The model writes one whole page per write(2), from one page of user
** memory (the parser requires a page-aligned source inside a map): the
** copy is all or nothing.  The written content is a new version, as a
** user store's (the model's data is a version number, not bytes).  Files
** with 'buffers' use block_prepare_write/generic_commit_write (2.6.20,
** 2.6.23) and block_write_begin/generic_write_end (2.6.24), as ext3 does;
** the others the libfs pair simple_prepare_write/simple_commit_write and
** simple_write_begin/simple_write_end.  Not modelled: several pages or
** iovec segments per write, generic_write_checks' limits, remove_suid and
** file_update_time, O_SYNC, balance_dirty_pages_ratelimited, the LRU
** pagevec of 2.6.20's __grab_cache_page, and 2.6.24's
** generic_perform_write_2copy for filesystems still on ->prepare_write.
** A kernel access to a bad user address (a munmapped buffer) goes through
** do_page_fault's bad_area like a user access and is counted in
** mm_state.segv, where the kernel's exception fixup sends no signal: the
** write returns -EFAULT either way.
*/
#include <assert.h>

#include "models/kernel.h"

/* ---------------------------------------------------- user copies */

/* The MMU's footprint for a kernel copy from a user address: the source
   pte (the MMU sets young: a write), and when it is present the source
   page's data (read) and the destination page's (written). */
struct ucopy_fp {
  mm_model *m;
  int mm, slot, dst;
};

static void ucopy_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  struct ucopy_fp *a = arg;
  const struct pte *pte = &a->m->s.mm[a->mm].pte[a->slot];
  s->n = 0;
  s->acc[s->n++] = (sim_access){pte_oid(a->m, a->mm, a->slot), SIM_OP_WRITE};
  if (!pte->present)
    return;
  if (pte->page != a->dst)
    s->acc[s->n++] = (sim_access){page_data_oid(a->m, pte->page), SIM_OP_READ};
  s->acc[s->n++] = (sim_access){page_data_oid(a->m, a->dst), SIM_OP_WRITE};
}

/* One attempt of a copy from the user page at 'addr' of mm 'mm' into page
   'dst': 1 if the source pte was present (the page is copied: a new
   version of dst's content), 0 if the access faults.  A load needs only a
   present pte.  The page-table slot comes from the address (vma_at): an
   unmapped range has none ptes, and its fault is a bad_area.  The one
   copy step of the buffered write's copies and of shmem_file_write's. */
int copy_user_page_step(sim_thread *t, int mm, uint64_t addr, int dst,
                        const char *what) {
  mm_model *m = mm_of(t);
  const struct vma *v = vma_at(m, mm, addr);
  int tid = sim_thread_id(t);
  assert(v);
  int slot = vma_pte_slot(v, addr);
  struct pte *pte = &m->s.mm[mm].pte[slot];
  struct ucopy_fp a = {m, mm, slot, dst};
  sim_stepdesc s = {.what = what,
                    .cost_ns = COST_COPY,
                    .refresh = ucopy_refresh,
                    .refresh_arg = &a};
  sim_step(t, &s);
  if (!pte->present) {
    sim_after(t, "source pte not present: nothing copied");
    return 0;
  }
  pte->young = 1;
  struct page *d = &m->s.page[dst];
  d->data = ++m->s.next_data[tid] | (uint32_t)(tid + 1) << 24;
  mm_note_store(m, d->mapping, d->index, d->data);
  sim_after(t, "page#%d -> page#%d: v%u", pte->page, dst, d->data);
  return 1;
}

/* fault_in_pages_readable() (2.6.20 include/linux/pagemap.h): __get_user
   of the first byte of the buffer (and of the last, which is in the same
   page here): a user load through the real fault path, mmap_sem and, on
   2.6.23, the source page's lock in filemap_fault.  2.6.20's returns
   nothing (its caller goes on regardless); 2.6.24's returns 0, or -EFAULT
   when the access fails, as this one does. */
int fault_in_pages_readable(sim_thread *t, int mm, uint64_t addr) {
  sim_enter(t, "fault_in_pages_readable");
  int ret = user_access(t, mm, addr, 0);
  sim_leave(t);
  return ret & (VM_FAULT_ERROR | VM_FAULT_BADAREA) ? -EFAULT : 0;
}

/* filemap_copy_from_user() (2.6.20 and 2.6.23 mm/filemap.h), the page
   locked: __copy_from_user_inatomic_nocache under kmap_atomic, which
   cannot sleep and fails on a pte that is not present; if it left bytes,
   "do it the slow way": __copy_from_user_nocache under kmap, whose access
   faults (do_page_fault, mmap_sem, the fault handler) and is retried,
   while the destination page stays locked.  Returns the bytes copied:
   PAGE_SIZE, or 0 if the fault failed (SIGSEGV/SIGBUS: the exception
   fixup ends the copy). */
static uint32_t filemap_copy_from_user(sim_thread *t, int page, int mm,
                                       uint64_t addr) {
  mm_model *m = mm_of(t);
  uint32_t copied = PAGE_SIZE;
  sim_enter(t, "filemap_copy_from_user");
  assert(sim_holds(t, page_lock_oid(m, page)));
  if (copy_user_page_step(t, mm, addr, page,
                          "kmap_atomic; __copy_from_user_inatomic_nocache"))
    goto out;
  for (int faults = 0;; faults++) {
    /* the copy's access is retried after each fault; a racer that zaps
       the pte again each time makes this unbounded.  Live at the head:
       nothing (page, mm, addr are arguments; do_page_fault's result was
       tested before coming back). */
    sim_loop_live(t, faults, "__copy_from_user_nocache refault", NULL, 0);
    if (copy_user_page_step(t, mm, addr, page,
                            "kmap; __copy_from_user_nocache"))
      break;
    /* the page fault, with the destination page locked (R1d) */
    int ret = do_page_fault(t, mm, addr, 0);
    if (ret & (VM_FAULT_ERROR | VM_FAULT_BADAREA)) {
      copied = 0;
      break;
    }
  }
out:
  sim_leave(t);
  return copied;
}

/* iov_iter_copy_from_user_atomic() between pagefault_disable() and
   pagefault_enable() (2.6.24): the atomic copy only; a pte that is not
   present gives a short copy (0 here), never a fault. */
static uint32_t iov_iter_copy_from_user_atomic(sim_thread *t, int page, int mm,
                                               uint64_t addr) {
  return copy_user_page_step(
             t, mm, addr, page,
             "pagefault_disable; iov_iter_copy_from_user_atomic")
             ? PAGE_SIZE
             : 0;
}

/* ----------------------------------------------- the page to write */

/* __grab_cache_page() (2.6.20 mm/filemap.c; 2.6.24 the same with
   add_to_page_cache_lru): find_lock_page, or a new page added to the cache
   locked and not uptodate; -EEXIST (another thread added it first) looks
   again.  Returns the page locked and referenced, or -ENOMEM. */
int __grab_cache_page(sim_thread *t, int file, uint32_t index) {
  int page, repeats = 0;
  sim_enter(t, "__grab_cache_page");
repeat:
  /* Live at the head: nothing (file and index are arguments). */
  sim_loop_live(t, repeats++, "__grab_cache_page repeat", NULL, 0);
  page = find_lock_page(t, file, index);
  if (page < 0) {
    page = add_to_page_cache_lru(t, file, index,
                                 "page_cache_alloc; add_to_page_cache_lru");
    if (page == -EEXIST)
      goto repeat;
  }
  sim_leave(t);
  return page;
}

static int page_not_uptodate(const struct cond_fp *c) {
  return !(c->m->s.page[c->page].flags & PG_uptodate);
}

/* SetPageUptodate if it is not: a step that reads PG_uptodate and writes
   it only when it was clear. */
static void set_uptodate_step(sim_thread *t, int page, const char *what) {
  mm_model *m = mm_of(t);
  struct cond_fp c = {.m = m,
                      .test = page_not_uptodate,
                      .page = page,
                      .nbase = 1,
                      .nmore = 1,
                      .acc = {SIM_RD(page_uptodate_oid(m, page)),
                              SIM_WR(page_uptodate_oid(m, page))}};
  if (mm_cond_step(t, what, COST_ATOMIC, &c))
    m->s.page[page].flags |= PG_uptodate;
}

/* block_prepare_write() -> __block_prepare_write() (2.6.20 fs/buffer.c;
   2.6.24's block_write_begin calls the same) for a whole page, the page
   locked: attach buffers if it has none (create_empty_buffers, under
   private_lock, dirty if the page is; get_block maps the block: files
   are allocated); a whole-block write reads nothing from disk. */
static void block_prepare_write(sim_thread *t, int file, int page) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  sim_enter(t, "block_prepare_write");
  assert(sim_holds(t, page_lock_oid(m, page)));
  SIM_STEP(t, "page_has_buffers", COST_ATOMIC, SIM_RD(page_bh_oid(m, page)));
  if (!(p->flags & PG_private)) {
    SIM_STEP(t, "create_empty_buffers; get_block", COST_LOCK,
             SIM_LOCK(private_lock(m, file)), SIM_RD(page_dirty_oid(m, page)),
             SIM_WR(page_bh_oid(m, page)), SIM_UNLOCK(private_lock(m, file)));
    p->flags |= PG_private;
    p->bh = (uint8_t)(BH_Mapped | (p->flags & PG_dirty ? BH_Dirty : 0));
    sim_after(t, "page#%d buffers attached", page);
  }
  sim_leave(t);
}

/* simple_prepare_write() (2.6.20 and 2.6.24 fs/libfs.c) for a whole page:
   a page that is not uptodate is marked uptodate (nothing to zero). */
static void simple_prepare_write(sim_thread *t, int page) {
  sim_enter(t, "simple_prepare_write");
  set_uptodate_step(t, page, "PageUptodate? SetPageUptodate");
  sim_leave(t);
}

/* ->prepare_write, and the second half of ->write_begin (2.6.24
   block_write_begin, simple_write_begin). */
static void prepare_write(sim_thread *t, int file, int page) {
  if (mm_of(t)->scn->files[file].buffers)
    block_prepare_write(t, file, page);
  else
    simple_prepare_write(t, page);
}

/* -------------------------------------------------- the commit */

static int bh_clean(const struct cond_fp *c) {
  return !(c->m->s.page[c->page].bh & BH_Dirty);
}

/* __block_commit_write() (2.6.20 and 2.6.24 fs/buffer.c) of 'bytes' (a
   whole page or none here): the written buffer is set uptodate and
   mark_buffer_dirty()ed: if test_set_buffer_dirty finds it clean,
   __set_page_dirty_nobuffers (not set_page_dirty: the buffer is already
   dirty); then SetPageUptodate, no buffer being left partial.  A zero-
   length commit (2.6.24's short copy) writes nothing.  When 'wrote' (the
   copy changed the content), the step that dirties the buffer also bumps
   the page's write generation (ghost, mm.h): the write is complete from
   there on for the fsync-lost check, and every later write-out of the
   buffer carries it. */
static void __block_commit_write(sim_thread *t, int page, uint32_t bytes,
                                 int wrote) {
  mm_model *m = mm_of(t);
  struct page *p = &m->s.page[page];
  if (!bytes)
    return;
  sim_enter(t, "__block_commit_write");
  struct cond_fp c = {.m = m,
                      .test = bh_clean,
                      .page = page,
                      .nbase = 2,
                      .nmore = 1,
                      .acc = {SIM_RD(page_bh_oid(m, page)),
                              SIM_WR(page_data_oid(m, page)),
                              SIM_WR(page_bh_oid(m, page))}};
  int was_clean = mm_cond_step(t, "set_buffer_uptodate; mark_buffer_dirty",
                               COST_ATOMIC, &c);
  if (wrote)
    p->gen++;
  if (was_clean) {
    p->bh |= BH_Dirty;
    __set_page_dirty_nobuffers(t, page);
  }
  set_uptodate_step(t, page, "SetPageUptodate");
  sim_leave(t);
}

/* i_size_write() of a write that ends past i_size; the caller holds
   i_mutex, under which alone i_size is written, and read it when it took
   it (generic_write_checks). */
static void extend_i_size(sim_thread *t, int file, uint64_t end) {
  mm_model *m = mm_of(t);
  assert(sim_holds(t, i_mutex(m, file)));
  if (end <= m->s.as[file].i_size)
    return;
  SIM_STEP(t, "i_size_write", COST_ATOMIC, SIM_WR(isize_oid(m, file)));
  m->s.as[file].i_size = end;
  sim_after(t, "i_size %llu", (unsigned long long)end);
}

/* unlock_page() at the end of a page's write.  For a file without
   buffers, when 'copied', the step also bumps the page's write
   generation (ghost): set_page_dirty has tagged the page, and a writeback
   that finds it waits for this unlock. */
static void write_unlock_page(sim_thread *t, int file, int page,
                              uint32_t copied) {
  mm_model *m = mm_of(t);
  if (m->scn->files[file].buffers || !copied) {
    unlock_page(t, m, page);
    write_section(t, page, 0);
    return;
  }
  SIM_STEP(t, "unlock_page", COST_ATOMIC, SIM_UNLOCK(page_lock_oid(m, page)),
           SIM_WR(page_data_oid(m, page)));
  m->s.page[page].gen++;
  write_section(t, page, 0);
}

/* ->commit_write of 2.6.20 and 2.6.23, the page locked:
   generic_commit_write() (fs/buffer.c: __block_commit_write, then i_size)
   for a 'buffers' file, simple_commit_write() (fs/libfs.c: i_size, then
   set_page_dirty) otherwise.  Called with offset+bytes even after a copy
   that failed: the page is dirtied all the same ('copied' only says
   whether its content changed). */
static void commit_write(sim_thread *t, int file, int page, uint32_t index,
                         uint32_t copied) {
  mm_model *m = mm_of(t);
  uint64_t end = ((uint64_t)index + 1) << PAGE_SHIFT;
  if (m->scn->files[file].buffers) {
    sim_enter(t, "generic_commit_write");
    __block_commit_write(t, page, PAGE_SIZE, copied != 0);
    extend_i_size(t, file, end);
  } else {
    sim_enter(t, "simple_commit_write");
    extend_i_size(t, file, end);
    set_page_dirty(t, page);
  }
  sim_leave(t);
}

/* ----------------------------------------------- 2.6.24: write_begin/end */

/* ->write_begin (2.6.24): block_write_begin (fs/buffer.c) or
   simple_write_begin (fs/libfs.c): __grab_cache_page, then the prepare
   half.  Returns the page locked, or -ENOMEM. */
static int write_begin(sim_thread *t, int file, uint32_t index) {
  mm_model *m = mm_of(t);
  sim_enter(t, m->scn->files[file].buffers ? "block_write_begin"
                                           : "simple_write_begin");
  int page = __grab_cache_page(t, file, index);
  if (page >= 0) {
    write_section(t, page, 1); /* R5: breaks write protection (ksm.c) */
    prepare_write(t, file, page);
  }
  sim_leave(t);
  return page;
}

/* ->write_end (2.6.24), the page locked: generic_write_end
   (block_write_end: a short copy to a page that is not uptodate counts as
   none, and the commit covers only what was copied, so a short copy
   dirties nothing; then i_size) or simple_write_end (a short copy zeroes
   the rest of the page, then simple_commit_write: i_size,
   set_page_dirty, whatever was copied); both unlock and release the page.
   Returns the bytes copied. */
static uint32_t write_end(sim_thread *t, int file, int page, uint32_t index,
                          uint32_t copied) {
  mm_model *m = mm_of(t);
  uint64_t pos = (uint64_t)index << PAGE_SHIFT;
  if (m->scn->files[file].buffers) {
    sim_enter(t, "generic_write_end");
    sim_enter(t, "block_write_end");
    __block_commit_write(t, page, copied, copied != 0);
    sim_leave(t);
    extend_i_size(t, file, pos + copied);
  } else {
    sim_enter(t, "simple_write_end");
    if (!copied) {
      /* "zero the stale part of the page if we did a short copy" */
      SIM_STEP(t, "memset (short copy)", COST_COPY,
               SIM_WR(page_data_oid(m, page)));
      m->s.page[page].data = 0;
    }
    sim_enter(t, "simple_commit_write");
    set_uptodate_step(t, page, "PageUptodate? SetPageUptodate");
    extend_i_size(t, file, pos + copied);
    set_page_dirty(t, page);
    sim_leave(t);
  }
  write_unlock_page(t, file, page, copied);
  put_page(t, page); /* page_cache_release */
  sim_leave(t);
  return copied;
}

/* generic_perform_write() (2.6.24 mm/filemap.c, afddba49 with 08291429's
   atomic copy), one page: fault the source in; ->write_begin; copy with
   page faults disabled; ->write_end; if nothing was copied (the source
   pte was zapped since the fault-in) "goto again": fault it in again and
   retry, having unlocked the page. */
static long generic_perform_write(sim_thread *t, int file, uint32_t index,
                                  int mm, uint64_t addr) {
  long status;
  int retries = 0;
  sim_enter(t, "generic_perform_write");
again:
  /* Live at the head: nothing (bytes, pos and the iov_iter are fixed
     for one whole page; status is set after the head). */
  sim_loop_live(t, retries++, "generic_perform_write again", NULL, 0);
  if (fault_in_pages_readable(t, mm, addr)) {
    status = -EFAULT;
    goto out;
  }
  int page = write_begin(t, file, index);
  if (page < 0) {
    status = -ENOMEM;
    goto out;
  }
  uint32_t copied = iov_iter_copy_from_user_atomic(t, page, mm, addr);
  copied = write_end(t, file, page, index, copied);
  if (!copied)
    goto again;
  status = (long)copied;
out:
  sim_leave(t);
  return status;
}

/* -------------------------------------------------------- the write */

/* generic_file_buffered_write() (2.6.20 and 2.6.23 mm/filemap.c), one
   page: see the file comment.  2.6.24 (knob write.atomic_copy_retry):
   generic_perform_write for a filesystem with ->write_begin. */
static long generic_file_buffered_write(sim_thread *t, int file, uint32_t index,
                                        int mm, uint64_t addr) {
  mm_model *m = mm_of(t);
  long status;
  sim_enter(t, "generic_file_buffered_write");
  if (m->knobs.write_atomic_copy_retry) {
    status = generic_perform_write(t, file, index, mm, addr);
    goto out;
  }
  /* "Bring in the user page that we will copy from _first_" (void in
     2.6.20) */
  fault_in_pages_readable(t, mm, addr);
  int page = __grab_cache_page(t, file, index);
  if (page < 0) {
    status = -ENOMEM;
    goto out;
  }
  write_section(t, page, 1);    /* R5: breaks write protection (ksm.c) */
  prepare_write(t, file, page); /* never fails: files are allocated */
  uint32_t copied = filemap_copy_from_user(t, page, mm, addr);
  commit_write(t, file, page, index, copied);
  status = copied == PAGE_SIZE ? (long)copied : -EFAULT;
  write_unlock_page(t, file, page, copied);
  put_page(t, page); /* mark_page_accessed; page_cache_release */
out:
  sim_leave(t);
  return status;
}

/* generic_file_aio_write() (2.6.20, 2.6.23 and 2.6.24 mm/filemap.c), from
   write(2): i_mutex around __generic_file_aio_write_nolock, whose
   generic_write_checks reads i_size, then the buffered write. */
long generic_file_aio_write(sim_thread *t, int file, uint32_t index, int mm,
                            uint64_t addr) {
  mm_model *m = mm_of(t);
  sim_enter(t, "generic_file_aio_write");
  SIM_STEP(t, "sys_write; mutex_lock(i_mutex); generic_write_checks",
           COST_SYSCALL, SIM_LOCK(i_mutex(m, file)),
           SIM_RD(isize_oid(m, file)));
  long ret = generic_file_buffered_write(t, file, index, mm, addr);
  mm_unlock(t, i_mutex(m, file), "mutex_unlock(i_mutex)");
  sim_after(t, "write returns %ld", ret);
  sim_leave(t);
  return ret;
}
