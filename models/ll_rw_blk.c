/*
** ll_rw_blk.c - write requests and the block device that completes them.
** submit_bio() and submit_bh() of Linux 2.6.20 block/ll_rw_blk.c and
** fs/buffer.c queue a request; the device completes it later and the
** completion runs its end_io (bio_endio -> mpage_end_io_write or
** end_bio_bh_io_sync -> b_end_io), from the block device, not from the
** thread that submitted it.
**
** The model's block device is a thread of its own on the platform's
** blockdev host (mm_model.wb): it waits for a request, writes the block
** with the content the request took from the page when it was submitted
** (the DMA reads the page then; a store after the submit is not in it),
** and runs the end_io in steps other CPUs can interleave with, so that
** PG_writeback and a locked buffer are visible to truncate, invalidate,
** fsync and the filesystem's own writeout while the I/O is in flight.  It
** ends when its queue is empty and every other thread has exited.
**
** Simplified: requests complete in submission order (no elevator, no
** merging, no plugging); they never fail; the queue holds MM_MAX_BIO
** requests (a full queue is a model limit, asserted).  Without writeback
** tracking (the R1 scenarios) there is no device thread: a request
** completes in the submitting thread's step, as before.
*/
#include <assert.h>

#include "models/kernel.h"

#define bioq_oid(m) mm_oid(m, OC_BIOQ, 0)
#define alive_oid(m) mm_oid(m, OC_ALIVE, 0)

/* The end_io of a completed request (interrupt context in the kernel). */
static void bio_endio(sim_thread *t, const struct bio *b) {
  switch ((enum bio_end)b->end) {
  case BIO_END_PAGE_WRITEBACK:
    if (mm_of(t)->scn->files[b->file].buffers)
      end_buffer_async_write(t, b->page);
    else { /* mpage_end_io_write */
      sim_enter(t, "mpage_end_io_write");
      end_page_writeback(t, b->page);
      sim_leave(t);
    }
    break;
  case BIO_END_WRITE_SYNC:
    end_buffer_write_sync(t, b->page);
    break;
  }
}

/* The block write itself: the block gets the request's content. */
static void write_block(mm_model *m, const struct bio *b) {
  m->s.as[b->file].disk[b->index] = b->data;
  m->s.as[b->file].disk_gen[b->index] = b->gen;
}

/* submit_bio(WRITE) / submit_bh(WRITE) of page 'page' (its block is its
   index): the request takes the page's content now. */
void submit_write(sim_thread *t, int page, enum bio_end end) {
  mm_model *m = mm_of(t);
  const struct page *p = &m->s.page[page];
  struct bio b = {.file = p->mapping,
                  .page = (int8_t)page,
                  .index = (uint8_t)p->index,
                  .end = (uint8_t)end,
                  .data = p->data,
                  .gen = p->gen};
  assert(b.file >= 0);
  if (!m->wb) { /* no device thread: the I/O completes at once */
    SIM_STEP(t, "submit_bio(WRITE); I/O done", COST_IO_WRITE,
             SIM_RD(page_data_oid(m, page)), SIM_WR(disk_oid(m, b.file)));
    write_block(m, &b);
    sim_after(t, "block %u <- v%u", b.index, b.data);
    bio_endio(t, &b);
    return;
  }
  SIM_STEP(t, "submit_bio(WRITE)", COST_ATOMIC, SIM_RD(page_data_oid(m, page)),
           SIM_WR(bioq_oid(m)));
  assert(m->s.nbio < MM_MAX_BIO); /* model limit: the queue's size */
  m->s.bioq[m->s.nbio++] = b;
  sim_after(t, "block %u (v%u) queued", b.index, b.data);
}

static int request_or_end(const sim_exec *x, void *arg) {
  (void)x;
  const mm_model *m = arg;
  return m->s.nbio || !m->s.alive;
}

/* The block device's thread: complete requests in order until the queue
   is empty and nobody is left to submit one. */
void blockdev_main(sim_thread *t) {
  mm_model *m = mm_of(t);
  sim_enter(t, "blockdev");
  for (int n = 0;; n++) {
    /* One pass per request, which some thread submitted: a service loop,
       not a retry loop.  Live at the head: nothing (the request is read
       from the queue). */
    sim_service_loop(t, n, "blockdev request loop");
    sim_step(t, &(const sim_stepdesc){.what = "wait for a request",
                                      .cost_ns = COST_ATOMIC,
                                      .n = 2,
                                      .acc = {{bioq_oid(m), SIM_OP_WAIT},
                                              {alive_oid(m), SIM_OP_WAIT}},
                                      .ready = request_or_end,
                                      .ready_arg = m});
    if (!m->s.nbio)
      break; /* every thread exited: no request will come */
    struct bio b = m->s.bioq[0];
    SIM_STEP(t, "request done: block written", COST_IO_WRITE,
             SIM_WR(bioq_oid(m)), SIM_WR(disk_oid(m, b.file)));
    for (int i = 1; i < m->s.nbio; i++)
      m->s.bioq[i - 1] = m->s.bioq[i];
    m->s.bioq[--m->s.nbio] = (struct bio){0};
    write_block(m, &b);
    sim_after(t, "%s block %u <- v%u", m->scn->files[b.file].name, b.index,
              b.data);
    bio_endio(t, &b);
  }
  sim_leave(t);
}

/* A scenario thread's exit (do_exit), and the exit thread's: one fewer
   thread that may submit I/O. */
void task_exit(sim_thread *t) {
  mm_model *m = mm_of(t);
  sim_enter(t, "do_exit");
  SIM_STEP(t, "exit_notify", COST_ATOMIC, SIM_ADD(alive_oid(m)));
  m->s.alive--;
  sim_leave(t);
}

static int last_alive(const sim_exec *x, void *arg) {
  (void)x;
  return ((const mm_model *)arg)->s.alive == 1;
}

/* The exit thread waits until it is the last thread alive. */
void wait_for_exits(sim_thread *t) {
  mm_model *m = mm_of(t);
  sim_step(t, &(const sim_stepdesc){.what = "wait for every task to exit",
                                    .cost_ns = COST_ATOMIC,
                                    .n = 1,
                                    .acc = {{alive_oid(m), SIM_OP_WAIT}},
                                    .ready = last_alive,
                                    .ready_arg = m});
}
