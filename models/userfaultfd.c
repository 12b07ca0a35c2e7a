/*
** userfaultfd.c - userfaultfd minor faults on shmem (R4, issue 11):
** registration (UFFDIO_REGISTER_MODE_MINOR), the faulting side
** (handle_userfault) and the handler's UFFDIO_CONTINUE.  Mirrors
** fs/userfaultfd.c (userfaultfd_register, handle_userfault,
** userfaultfd_continue, wake_userfault) and mm/userfaultfd.c
** (__mcopy_atomic, mcontinue_atomic_pte, mfill_atomic_install_pte) of
** Linux 5.15 and 5.16, read in a 5.15.0 tree (sndrzt/linux-5.15);
** mfill_atomic_install_pte's 5.16 form read at torvalds/linux @9ae0f87d
** and in a 5.19.0 tree (models/SOURCES.md).
**
** SYNTHETIC (knob uffd.minor_any_file, never released): registration and
** CONTINUE on any file mapping, the minor fault hooked in filemap_fault
** (filemap.c), for uffd-mprotect-writenotify.scn.
**
** The CVE-2022-2590 race (5.16; shmem file mapped private read-only,
** registered for minor faults; ../shared/kernel-facts.md 2e, R4):
**
**   A: write(/proc/self/mem)          B: madvise + load / C: handler
**   -------------------------------   ---------------------------------
**   follow_page_pte: read-only pte
**   faultin_page: do_wp_page copies,
**     pte -> anon, dirty, read-only;
**     VM_FAULT_WRITE: FOLL_COW
**                                     B: madvise(DONTNEED): anon gone
**                                     B: load: shmem_fault, page in the
**                                        cache, VM_UFFD_MINOR:
**                                        handle_userfault (blocks)
**                                     C: read(uffd); UFFDIO_CONTINUE:
**                                        pte -> page-cache page, DIRTY
**                                        (9ae0f87d), read-only; wake B
**   follow_page_pte: FOLL_COW and
**     pte_dirty: the page-cache page
**   copy_to_user_page: the file is
**     written                          <-- file-written-without-permission
**
** 5.15 installs a clean pte there (the lookup fails and faults again,
** copying); 6.0 (5535be30) only follows a read-only pte to an exclusive
** anonymous page.
**
** Simplified: one context per mm, one registered range per vma (the
** whole vma), minor mode only (no MISSING, no WP, no UFFDIO_COPY), no
** fork/non-cooperative events, no DONTWAKE; the fault message queue is a
** count of waiters per vma (struct vma_state.uffd_waiting), read by a
** handler that issues one UFFDIO_CONTINUE for the address it was given;
** wake_userfault wakes every waiter of the vma (the kernel: of the range,
** here the same).  Only for kernels with ->fault (fault.lock_page: the
** program check refuses the others).
*/
#include <assert.h>

#include "models/kernel.h"

/* SIM_OP_WAIT conditions on a vma's uffd state. */
struct uffd_wait {
  const mm_model *m;
  int vi;
};
static int uffd_woken(const sim_exec *x, void *arg) {
  (void)x;
  const struct uffd_wait *w = arg;
  return !w->m->s.vs[w->vi].uffd_waiting;
}
static int uffd_msg_pending(const sim_exec *x, void *arg) {
  (void)x;
  const struct uffd_wait *w = arg;
  return w->m->s.vs[w->vi].uffd_waiting > 0;
}

/* handle_userfault() (5.15 fs/userfaultfd.c, read in a 5.15.0 tree) for
   a VM_UFFD_MINOR fault, with mmap_sem held for reading.  Without
   FAULT_FLAG_ALLOW_RETRY (a GUP whose caller passed no 'locked', as
   /proc/pid/mem's __access_remote_vm: m->fault_noretry) it returns
   VM_FAULT_SIGBUS at once, mmap_sem still held.  Else: queue the fault
   on fault_pending_wqh and set the task state, then
   userfaultfd_must_wait (lockless: the pte still none?), drop mmap_sem,
   sleep if it must wait (schedule) until wake_userfault; return
   VM_FAULT_RETRY (the caller retries the fault from the start).  One
   step for the queueing and the pte read: both happen before mmap_sem is
   dropped, and a CONTINUE that fills the pte after the read finds the
   waiter queued and wakes it (the model's waiter count is the queue).
   Not modelled: PF_EXITING, UFFD_FEATURE_SIGBUS, UFFD_USER_MODE_ONLY
   (FAULT_FLAG_USER), ctx->released, FAULT_FLAG_RETRY_NOWAIT, the
   blocking state (a signal does not end the wait), the wake-up of the
   fd's poll queue. */
int handle_userfault(sim_thread *t, const struct vma *v, uint64_t addr) {
  mm_model *m = mm_of(t);
  int vi = vma_index(m, v);
  sim_enter(t, "handle_userfault");
  if (m->fault_noretry[sim_thread_id(t)]) {
    sim_after(t, "no FAULT_FLAG_ALLOW_RETRY: VM_FAULT_SIGBUS");
    sim_leave(t);
    return VM_FAULT_SIGBUS;
  }
  int slot = vma_pte_slot(v, v->start) + (int)((addr - v->start) >> PAGE_SHIFT);
  SIM_STEP(t,
           "__add_wait_queue(fault_pending_wqh); userfaultfd_must_wait: "
           "pte_none?",
           COST_ATOMIC, SIM_RD(pte_oid(m, v->mm, slot)),
           SIM_WR(vma_oid(m, vi)));
  /* Revalidate: a CONTINUE (or another fault) may have filled the pte
     since the fault read it none: then do not sleep */
  int must_wait = !m->s.mm[v->mm].pte[slot].present;
  if (must_wait)
    m->s.vs[vi].uffd_waiting++;
  mm_up_read(t, mmap_sem(m, v->mm), "mmap_read_unlock");
  if (!must_wait) {
    sim_after(t, "pte no longer none: VM_FAULT_RETRY without sleeping");
    sim_leave(t);
    return VM_FAULT_RETRY;
  }
  struct uffd_wait w = {m, vi};
  sim_step(t, &(const sim_stepdesc){.what = "schedule: wait for the handler",
                                    .cost_ns = COST_LOCK,
                                    .n = 1,
                                    .acc = {{vma_oid(m, vi), SIM_OP_WAIT}},
                                    .ready = uffd_woken,
                                    .ready_arg = &w});
  sim_after(t, "woken: VM_FAULT_RETRY");
  sim_leave(t);
  return VM_FAULT_RETRY;
}

/* userfaultfd_register() (5.15, read) with UFFDIO_REGISTER_MODE_MINOR
   for the vma at addr: mmap_write_lock, find_vma_prev, the checks of each
   vma (vma_can_userfault: MINOR only on shmem or hugetlbfs, so the
   program check refuses other files unless uffd.minor_any_file; -EPERM
   without VM_MAYWRITE: the model's files are open for writing; -EBUSY
   for another context: one context per mm here), VM_UFFD_MINOR set
   (vma_merge/split_vma: whole vmas only), mmap_write_unlock.  Not
   modelled: validate_range, the returned ioctl mask. */
long userfaultfd_register(sim_thread *t, int mm, uint64_t addr) {
  mm_model *m = mm_of(t);
  long ret = 0;
  sim_enter(t, "userfaultfd_register");
  mmap_sem_find_vma(t, mm, 1, "mmap_write_lock; find_vma_prev", COST_SYSCALL);
  const struct vma *v = find_vma(m, mm, addr);
  if (!v) {
    ret = -EINVAL;
    goto out;
  }
  SIM_STEP(t, "vma->vm_flags |= VM_UFFD_MINOR", COST_ATOMIC,
           SIM_WR(vma_oid(m, vma_index(m, v))));
  m->s.vs[vma_index(m, v)].uffd_minor = 1;
out:
  mm_unlock(t, mmap_sem(m, mm), "mmap_write_unlock");
  sim_leave(t);
  return ret;
}

/* mfill_atomic_install_pte() (5.15, read in 5.15.0; 5.16 9ae0f87d, read
   at that commit and in 5.19.0; knob uffd.install_dirty) for a
   page-cache page (CONTINUE: newly_allocated false, no wp_copy), page
   locked and referenced.  writable = VM_WRITE, but not for a page-cache
   page in a private vma; 5.15: dirty only if writable (or a new page);
   5.16: always dirty.  Under the pte lock: the i_size check of a shmem
   vma (-EFAULT past EOF), -EEXIST unless pte_none, then
   page_add_file_rmap and set_pte_at (our reference becomes the pte's).
   The pte is built from vm_page_prot before the lock (mk_pte): the
   model's pte has only the write and dirty bits, computed the same. */
static long mfill_atomic_install_pte(sim_thread *t, const struct vma *v,
                                     uint64_t addr, int page) {
  mm_model *m = mm_of(t);
  int mm = v->mm, slot = vma_pte_slot(v, addr), vi = vma_index(m, v);
  struct pte *pte = &m->s.mm[mm].pte[slot];
  long ret;
  sim_enter(t, "mfill_atomic_install_pte");
  int in_cache = 1; /* page->mapping: CONTINUE maps the cache's page */
  int writable = m->s.vs[vi].vm_write && !(in_cache && !v->shared);
  int dirty = m->knobs.uffd_install_dirty || writable || !in_cache;
  mm_spin_lock(t, pte_lock(m, mm), "pte_offset_map_lock");
  SIM_STEP(t, "i_size_read; pte_none? page_add_file_rmap; set_pte_at", COST_PTE,
           SIM_RD(isize_oid(m, v->file)), SIM_RD(pte_oid(m, mm, slot)),
           SIM_WR(pte_oid(m, mm, slot)), SIM_WR(page_mapcount_oid(m, page)));
  uint32_t off = linear_page_index(v, addr);
  uint64_t max_off = (m->s.as[v->file].i_size + PAGE_SIZE - 1) >> PAGE_SHIFT;
  /* the i_size check is for shmem vmas only (vma_is_shmem): a file
     CONTINUE reaches only through the synthetic uffd.minor_any_file skips
     it, as the unmodified function would */
  if (m->scn->files[v->file].tmpfs && off >= max_off) {
    ret = -EFAULT;
    sim_after(t, "past i_size: -EFAULT");
  } else if (pte->present) {
    ret = -EEXIST;
    sim_after(t, "pte present: -EEXIST");
  } else {
    page_add_file_rmap(m, page);
    *pte = (struct pte){.present = 1,
                        .write = (uint8_t)writable,
                        .dirty = (uint8_t)dirty,
                        .page = (int16_t)page};
    page_ref_held(t, page, -1);
    sim_after(t, "pte -> page#%d (page cache)%s%s", page,
              dirty ? " dirty" : " clean", writable ? " w" : " read-only");
    ret = 0;
  }
  mm_unlock(t, pte_lock(m, mm), "pte_unmap_unlock");
  sim_leave(t);
  return ret;
}

/* userfaultfd_continue() (5.15 fs/userfaultfd.c, read) as a handler
   thread runs it for the fault it read: read(uffd) (sleep until a fault
   is pending on the vma at addr), then mcopy_continue -> __mcopy_atomic:
   mmap_read_lock, find_dst_vma (registered), mcontinue_atomic_pte:
   shmem_getpage(SGP_READ) (the cached page, locked, referenced; none:
   -EFAULT; find_lock_page here, also for the synthetic
   uffd.minor_any_file), mfill_atomic_install_pte, unlock_page (put_page
   too on error); mmap_read_unlock; and on success wake_userfault of the
   range (no DONTWAKE mode), whose smp_mb and waitqueue_active test are
   the one step below.  Not modelled: mmap_changing (-EAGAIN, no
   non-cooperative events), a partial range. */
long userfaultfd_continue(sim_thread *t, int mm, uint64_t addr) {
  mm_model *m = mm_of(t);
  long ret;
  sim_enter(t, "userfaultfd_continue");
  const struct vma *v = vma_at(m, mm, addr);
  int vi = vma_index(m, v);
  struct uffd_wait w = {m, vi};
  sim_step(t, &(const sim_stepdesc){.what = "read(uffd): wait for a fault",
                                    .cost_ns = COST_SYSCALL,
                                    .n = 1,
                                    .acc = {{vma_oid(m, vi), SIM_OP_WAIT}},
                                    .ready = uffd_msg_pending,
                                    .ready_arg = &w});
  sim_after(t, "UFFD_EVENT_PAGEFAULT (minor) at 0x%llx",
            (unsigned long long)addr);
  mmap_sem_find_vma(t, mm, 0, "mmap_read_lock; find_dst_vma", COST_SYSCALL);
  v = find_vma(m, mm, addr);
  if (!v || !m->s.vs[vi].uffd_minor) {
    ret = -ENOENT;
    mm_up_read(t, mmap_sem(m, mm), "mmap_read_unlock");
    goto out;
  }
  sim_enter(t, "mcontinue_atomic_pte");
  int page = find_lock_page(t, v->file, linear_page_index(v, addr));
  if (page < 0) {
    ret = -EFAULT;
  } else {
    ret = mfill_atomic_install_pte(t, v, addr, page);
    unlock_page(t, m, page);
    if (ret)
      put_page(t, page);
  }
  sim_leave(t);
  mm_up_read(t, mmap_sem(m, mm), "mmap_read_unlock");
  if (ret)
    goto out;
  SIM_STEP(t, "wake_userfault", COST_ATOMIC, SIM_WR(vma_oid(m, vi)));
  sim_after(t, "%d waiter(s) woken", m->s.vs[vi].uffd_waiting);
  m->s.vs[vi].uffd_waiting = 0;
out:
  sim_leave(t);
  return ret;
}
