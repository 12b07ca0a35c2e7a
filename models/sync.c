/*
** sync.c - fsync(2) and sync(2), and the end of every process: the model's
** exit thread.  Mirrors do_fsync() and do_sync() of fs/sync.c, Linux
** 2.6.20 (sagsango/linux-2.6.20 @7925ece7), with ext3_sync_file()
** (fs/ext3/fsync.c) as ->fsync of a 'buffers' file.
**
** do_fsync: filemap_fdatawrite; i_mutex around ->fsync; filemap_fdatawait.
** ext3_sync_file in data=ordered mode syncs the inode, whose write forces
** a journal commit (ext3_write_inode -> ext3_force_commit): the commit
** writes the file's dirty data buffers and waits for them
** (journal_submit_data_buffers, commit.c).  A file without buffers has a
** ->fsync that writes metadata only: nothing the model keeps.
**
** do_sync(1) is simplified to, file by file: filemap_fdatawrite (as
** sync_inodes), the journal commit of a 'buffers' file (as
** sync_filesystems), filemap_fdatawait; pdflush, quotas and superblocks
** are not modelled.
**
** The exit thread (mm_model.wb) runs when every scenario thread has
** exited: each process's exit_mmap (the zap of every mapping, which moves
** dirty pte bits to the pages), then one sync, so that the lost-write
** check (invariants.c) compares the disk with what the variant's own code
** wrote by the end.  Nothing runs concurrently with it but the block
** device.
*/
#include "models/kernel.h"

/* fsync-lost: at entry, the write generation of each cached page of the
   file (what the stores that completed before the call wrote); the entry
   step reads the tree and those pages' data. */
struct snap_fp {
  mm_model *m;
  int file;
};
static void snap_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  const struct snap_fp *a = arg;
  const struct address_space *as = &a->m->s.as[a->file];
  int n = 0;
  s->acc[n++] = (sim_access){tree_oid(a->m, a->file), SIM_OP_READ};
  for (int i = 0; i < MM_NFILEPAGES; i++)
    if (as->tree[i] >= 0)
      s->acc[n++] = (sim_access){page_data_oid(a->m, as->tree[i]), SIM_OP_READ};
  s->n = (uint8_t)n;
}

long do_fsync(sim_thread *t, int file) {
  mm_model *m = mm_of(t);
  int tid = sim_thread_id(t);
  struct snap_fp a = {m, file};
  sim_enter(t, "do_fsync");
  sim_step(t, &(const sim_stepdesc){.what = "sys_fsync",
                                    .cost_ns = COST_SYSCALL,
                                    .refresh = snap_refresh,
                                    .refresh_arg = &a});
  const struct address_space *as = &m->s.as[file];
  m->s.fsync_file[tid] = (int8_t)file;
  for (int i = 0; i < MM_NFILEPAGES; i++)
    m->s.fsync_gen[tid][i] =
        as->tree[i] >= 0 ? m->s.page[as->tree[i]].gen : as->disk_gen[i];
  long ret = filemap_fdatawrite(t, file);
  mm_lock(t, i_mutex(m, file), "mutex_lock(i_mutex)");
  if (m->scn->files[file].buffers) {
    sim_enter(t, "ext3_sync_file");
    journal_submit_data_buffers(t, file, 1);
    sim_leave(t);
  }
  mm_unlock(t, i_mutex(m, file), "mutex_unlock(i_mutex)");
  filemap_fdatawait(t, file);
  fsync_returns(t, file);
  sim_leave(t);
  return ret;
}

void sys_sync(sim_thread *t) {
  mm_model *m = mm_of(t);
  sim_enter(t, "do_sync");
  for (int f = 0; f < m->scn->nfiles; f++) {
    /* tmpfs: BDI_CAP_NO_WRITEBACK, __filemap_fdatawrite_range returns at
       once and nothing is ever under writeback (shmem.c) */
    if (m->scn->files[f].tmpfs)
      continue;
    filemap_fdatawrite(t, f);
    if (m->scn->files[f].buffers)
      journal_submit_data_buffers(t, f, 1);
    filemap_fdatawait(t, f);
  }
  sim_leave(t);
}

void exit_thread_main(sim_thread *t) {
  mm_model *m = mm_of(t);
  wait_for_exits(t);
  for (int mm = 0; mm < m->scn->nmms; mm++)
    exit_mmap(t, mm);
  sys_sync(t);
  task_exit(t);
}
