/*
** mm.c - the MM model as the engine sees it: the state built from a
** scenario, its object layout, and the ops table.  Not a kernel file (the
** kernel's mm/ files have their namesakes here: memory.c, filemap.c,
** truncate.c, rmap.c, swap.c, page-writeback.c); this is the harness.
**
** Object layout: every object class (enum mm_oclass, mm.h) is a dense
** range of engine object ids, one per page slot, per file, per mm or per
** pte slot, computed once by layout(); mm_obj_name() inverts it for logs
** ("page#3.PG_locked", "f.i_mmap_lock", "pte(A,0x1000)").  The initial
** state (struct mm_state) is built from the scenario's files, cached pages
** and maps by mm_model_init(), and each execution starts from a memcpy of
** it (mm_reset).  mm_state_hash() hashes the final state field by field.
**
** State matching (explorers with cfg->digests, sim/digest.c): mm_obj_words()
** maps each object to exactly the fields it stands for, in one place that
** the footprint checker (fpcheck.c) shares; mm_obj_hash() hashes them, and
** mm_state_key() hashes every object and the rest of the state the future
** reads (thread-local fields, the checks' ghost bookkeeping).  Data that no
** path of the variant reads, or that no operation of the scenario changes,
** is left out of both (truncate_count_live()).
**
** The ops table gathers the other parts: the threads' programs
** (program.c) and the checks with their violation kinds (invariants.c).
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "models/kernel.h"
#include "models/scn_lex.h"
#include "sim/hash.h"

static const char *const oclass_name[OC_NCLASS] = {
    [OC_PAGE_DIRTY] = "PG_dirty",
    [OC_PAGE_UPTODATE] = "PG_uptodate",
    [OC_PAGE_WRITEBACK] = "PG_writeback",
    [OC_PAGE_MAPCOUNT] = "_mapcount",
    [OC_PAGE_MAPPING] = "mapping",
    [OC_PAGE_INDEX] = "index",
    [OC_PAGE_REF] = "count",
    [OC_PAGE_DATA] = "data",
    [OC_PAGE_LOCK] = "PG_locked",
    [OC_TREE] = "page_tree",
    [OC_TREE_TAGS] = "dirty_tags",
    [OC_ISIZE] = "i_size",
    [OC_TRUNC] = "truncate_count",
    [OC_DISK] = "disk",
    [OC_I_MUTEX] = "i_mutex",
    [OC_I_ALLOC] = "i_alloc_sem",
    [OC_I_MMAP] = "i_mmap_lock",
    [OC_TREE_LOCK] = "tree_lock",
    [OC_MMAP_SEM] = "mmap_sem",
    [OC_PTL] = "ptl",
    [OC_PTE] = "pte",
    [OC_PAGE_BH] = "buffers",
    [OC_PRIVATE_LOCK] = "private_lock",
    [OC_BIOQ] = "queue",
    [OC_ALIVE] = "alive",
    [OC_VMA] = "vma",
    [OC_BH_LOCK] = "BH_Lock",
};

/* The classes with one object per page slot. */
static int per_page(int c) {
  return (c >= OC_PAGE_DIRTY && c <= OC_PAGE_LOCK) || c == OC_PAGE_BH ||
         c == OC_BH_LOCK;
}

static void layout(mm_model *m) {
  uint32_t n = 0, count[OC_NCLASS];
  for (int c = 0; c < OC_NCLASS; c++) {
    switch ((enum mm_oclass)c) {
    case OC_PAGE_DIRTY:
    case OC_PAGE_UPTODATE:
    case OC_PAGE_WRITEBACK:
    case OC_PAGE_MAPCOUNT:
    case OC_PAGE_MAPPING:
    case OC_PAGE_INDEX:
    case OC_PAGE_REF:
    case OC_PAGE_DATA:
    case OC_PAGE_LOCK:
    case OC_PAGE_BH:
    case OC_BH_LOCK:
      count[c] = MM_MAX_PAGES;
      break;
    case OC_BIOQ:
    case OC_ALIVE:
      count[c] = 1;
      break;
    case OC_VMA:
      count[c] = SCN_MAX_MAPS;
      break;
    case OC_MMAP_SEM:
    case OC_PTL:
      count[c] = SCN_MAX_MMS;
      break;
    case OC_PTE:
      count[c] = SCN_MAX_MMS * MM_MAX_PTES;
      break;
    default:
      count[c] = SCN_MAX_FILES;
      break;
    }
    m->base[c] = n;
    n += count[c];
  }
  m->nobjs = n;
}

static int errat(char *err, size_t n, const scenario *s, int line, int col,
                 const char *msg) {
  snprintf(err, n, "%s:%d:%d: error: %s", s->path, line, col, msg);
  return -1;
}

int mm_model_init(mm_model *m, const scenario *scn, const char *variant,
                  char *err, size_t errlen) {
  memset(m, 0, sizeof *m);
  m->scn = scn;
  /* "PRESET" or "PRESET+knob=on+knob=off": the preset, then the
     scenario's knobs, then the variant's own overrides (mm_variant_split) */
  char preset[16];
  const char *over = NULL;
  const char *k = variant ? variant : scn->kernel;
  if (mm_variant_split(k, preset, &over) ||
      mm_variant_preset(preset, &m->knobs)) {
    char dym[64];
    int split = strcspn(k, "+") < sizeof preset;
    snprintf(
        err, errlen, "error: unknown kernel variant '%s'%s, expected one of %s",
        k, lex_suggest(dym, sizeof dym, split ? preset : k, mm_variant_names()),
        mm_variant_names());
    return -1;
  }
  for (int i = 0; i < scn->nknobs; i++) {
    int idx = mm_knob_find(scn->knobs[i].name);
    assert(idx >= 0); /* validated by the parser */
    mm_knob_set(&m->knobs, idx, scn->knobs[i].value);
  }
  if (over && mm_knobs_apply(&m->knobs, over, err, errlen))
    return -1;
  layout(m);
  m->track_stores = 0;
  for (int i = 0; i < scn->ncond_nodes; i++)
    m->track_stores |= scn->cond_nodes[i].kind == CT_LAST_STORE;

  struct mm_state *s = &m->init;
  for (int p = 0; p < MM_MAX_PAGES; p++)
    s->page[p] = (struct page){.mapping = -1};
  for (int mm = 0; mm < SCN_MAX_MMS; mm++)
    for (int i = 0; i < MM_MAX_PTES; i++)
      s->mm[mm].pte[i].page = -1;

  /* files and their cached pages: slots in file order */
  int slot = 0;
  for (int f = 0; f < scn->nfiles; f++) {
    const scn_file *sf = &scn->files[f];
    struct address_space *as = &s->as[f];
    as->i_size = sf->size;
    for (int i = 0; i < MM_NFILEPAGES; i++) {
      as->tree[i] = -1;
      /* block contents: version "file f, block i, generation 0"; a
         tmpfs file has no blocks (no swap is modelled): a page not in
         the cache is a hole, its cached pages hold that version */
      if ((uint64_t)i * PAGE_SIZE < sf->size && !sf->tmpfs)
        as->disk[i] = (uint32_t)(0xf0000 | f << 8 | i);
    }
    for (int i = 0; i < MM_NFILEPAGES; i++) {
      if (!sf->cached[i])
        continue;
      if (slot >= MM_MAX_PAGES - SCN_MAX_THREADS * MM_POOL)
        return errat(err, errlen, scn, 0, 0, "too many cached pages");
      s->page[slot] = (struct page){.flags = PG_uptodate | PG_mappedtodisk,
                                    .count = 1,
                                    .mapping = (int8_t)f,
                                    .index = (uint16_t)i,
                                    .data = (uint32_t)(0xf0000 | f << 8 | i)};
      if (sf->buffers) { /* attached and mapped by the read */
        s->page[slot].flags |= PG_private;
        s->page[slot].bh = BH_Mapped;
      }
      if (sf->dirty[i]) {
        s->page[slot].flags |= PG_dirty;
        s->page[slot].bh |= sf->buffers ? BH_Dirty : 0;
        as->dirty_tag |= (uint16_t)(1u << i);
      }
      as->tree[i] = (int16_t)slot;
      as->nrpages++;
      slot++;
    }
  }
  m->pool_base = slot;

  /* vmas: ptes in a per-mm table, in map order */
  int used_ptes[SCN_MAX_MMS] = {0};
  for (int i = 0; i < scn->nmaps; i++) {
    const scn_map *sm = &scn->maps[i];
    struct vma *v = &m->vma[m->nvma++];
    if (used_ptes[sm->mm] + (int)sm->npages > MM_MAX_PTES)
      return errat(err, errlen, scn, sm->line, 1,
                   "too many mapped pages in one mm (max 32)");
    *v = (struct vma){.mm = (int8_t)sm->mm,
                      .file = (int8_t)sm->file,
                      .start = sm->start,
                      .end = sm->start + (uint64_t)sm->npages * PAGE_SIZE,
                      .pgoff = sm->pgoff,
                      .shared = (uint8_t)sm->shared,
                      .read = (uint8_t)sm->read,
                      .write = (uint8_t)sm->write,
                      .pte_base = (uint8_t)used_ptes[sm->mm]};
    /* vma_wants_writenotify (2.6.19+): shared writable mappings of a file
       that accounts dirty pages start read-only; every file but tmpfs
       does (shmem's backing_dev_info: BDI_CAP_NO_ACCT_DIRTY), whose
       shared writable maps get the shared protection, write bit
       included. */
    v->prot_write =
        (uint8_t)(scn->files[sm->file].tmpfs && sm->shared && sm->write);
    s->vs[m->nvma - 1] =
        (struct vma_state){.vm_write = v->write, .prot_write = v->prot_write};
    used_ptes[sm->mm] += (int)sm->npages;
    m->nptes[sm->mm] = used_ptes[sm->mm];
    m->mapped[sm->file] = 1;
    if (!sm->populated)
      continue;
    for (uint32_t k = 0; k < sm->npages; k++) {
      int p = s->as[sm->file].tree[sm->pgoff + k];
      if (p < 0)
        continue;
      s->mm[sm->mm].pte[v->pte_base + k] =
          (struct pte){.present = 1, .page = (int16_t)p};
      s->page[p].mapcount++;
      s->page[p].count++;
    }
  }

  for (int i = 0; i < scn->nthreads; i++)
    for (int j = 0; j < scn->threads[i].nops; j++)
      m->remaps |= scn->threads[i].ops[j].kind == SCN_REMAP;
  if (m->remaps && fremap_layout(m, err, errlen) < 0)
    return -1;

  /* threads, and what the model supports of their programs */
  for (int i = 0; i < scn->nthreads; i++) {
    const scn_thread *th = &scn->threads[i];
    snprintf(m->thread_names[i], sizeof m->thread_names[i], "%s", th->name);
    m->threads[i] = (sim_thread_cfg){m->thread_names[i], th->cpu};
  }
  m->nthreads = scn->nthreads;
  m->wb = scn_tracks_writeback(scn);
  for (int i = 0; i < scn->nthreads; i++)
    for (int j = 0; j < scn->threads[i].nops; j++)
      m->uffd |= scn->threads[i].ops[j].kind == SCN_UFFD_REGISTER;
  for (int i = 0; i < scn->nthreads; i++)
    for (int j = 0; j < scn->threads[i].nops; j++)
      m->unmaps_mapping |= scn->threads[i].ops[j].kind == SCN_TRUNCATE ||
                           scn->threads[i].ops[j].kind == SCN_DIO_WRITE ||
                           (scn->threads[i].ops[j].kind == SCN_MADVISE &&
                            scn->threads[i].ops[j].arg == SCN_MADV_REMOVE);
  for (int f = 0; f < scn->nfiles; f++) {
    m->has_buffers |= scn->files[f].buffers;
    m->needs_buffers |= scn->files[f].needs_buffers;
  }
  if (m->wb) { /* the model's own threads (mm.h) */
    snprintf(m->thread_names[mm_tid_disk(m)], sizeof m->thread_names[0],
             "blockdev");
    m->threads[mm_tid_disk(m)] =
        (sim_thread_cfg){m->thread_names[mm_tid_disk(m)], SIM_CPU_BLOCKDEV};
    snprintf(m->thread_names[mm_tid_exit(m)], sizeof m->thread_names[0],
             "exit");
    m->threads[mm_tid_exit(m)] =
        (sim_thread_cfg){m->thread_names[mm_tid_exit(m)], 0};
    m->nthreads += 2;
  }
  s->alive = (uint8_t)(scn->nthreads + (m->wb ? 1 : 0)); /* + exit */
  m->npages = m->pool_base + m->nthreads * MM_POOL;
  if (m->npages > MM_MAX_PAGES)
    m->npages = MM_MAX_PAGES;
  memset(s->fsync_file, -1, sizeof s->fsync_file);
  memset(s->loads, 0xff, sizeof s->loads); /* MM_LOAD_NONE */
  return mm_program_check(m, err, errlen);
}

void mm_knobs_format(const mm_knobs *k, char *buf, size_t n) {
  size_t len = 0;
  buf[0] = 0;
  for (int i = 0; i < mm_nknobs && len < n; i++)
    len += (size_t)snprintf(buf + len, n - len, "%s%s=%s", i ? "," : "",
                            mm_knob_table[i].name,
                            mm_knob_get(k, i) ? "on" : "off");
}

/* ------------------------------------------------ conditional steps */

static void cond_refresh(const sim_exec *x, void *arg, sim_stepdesc *s) {
  (void)x;
  const struct cond_fp *c = arg;
  s->n = (uint8_t)(c->nbase + (c->test(c) ? c->nmore : 0));
  memcpy(s->acc, c->acc, s->n * sizeof s->acc[0]);
}

int mm_cond_step(sim_thread *t, const char *what, uint32_t cost,
                 struct cond_fp *c) {
  assert(c->nbase + c->nmore <= SIM_MAX_ACCESS);
  sim_stepdesc s = {
      .what = what, .cost_ns = cost, .refresh = cond_refresh, .refresh_arg = c};
  cond_refresh(NULL, c, &s);
  sim_step(t, &s);
  return c->test(c);
}

/* ----------------------------------------------------------- objects */

static void mm_reset(void *model) {
  mm_model *m = model;
  m->s = m->init;
  memset(m->truncated, 0, sizeof m->truncated);
  memset(m->refs, 0, sizeof m->refs);
  memset(m->pins, 0, sizeof m->pins);
  memset(m->held, 0, sizeof m->held);
  memset(m->gup_write, 0, sizeof m->gup_write);
  memset(m->fault_noretry, 0, sizeof m->fault_noretry);
  memset(m->wp, 0, sizeof m->wp);
  memset(m->wp_data, 0, sizeof m->wp_data);
  memset(m->write_section, 0, sizeof m->write_section);
  m->gup_fast_fallbacks = 0;
  if (m->track_stores) /* last_store: the content at start */
    for (int f = 0; f < m->scn->nfiles; f++)
      for (int i = 0; i < MM_NFILEPAGES; i++) {
        int p = m->init.as[f].tree[i];
        m->last_store[f][i] =
            p >= 0 ? m->init.page[p].data : m->init.as[f].disk[i];
      }
  if (m->knobs.footprint_check)
    m->snap = m->s;
}

void mm_pte_name(const mm_model *m, int mm, int slot, char *buf, size_t n) {
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    int np = (int)((v->end - v->start) >> PAGE_SHIFT);
    if (v->mm == mm && slot >= v->pte_base && slot < v->pte_base + np) {
      snprintf(buf, n, "pte(%s,0x%llx)", m->scn->mms[mm].name,
               (unsigned long long)(v->start + (uint64_t)(slot - v->pte_base) *
                                                   PAGE_SIZE));
      return;
    }
  }
  snprintf(buf, n, "pte(%s,#%d)", m->scn->mms[mm].name, slot);
}

/* The class of object 'o', and its instance (page slot, file, mm, or
   mm * MM_MAX_PTES + pte slot) in *i. */
static enum mm_oclass oid_class(const mm_model *m, sim_oid o, int *i) {
  int c = OC_NCLASS - 1;
  while (c > 0 && o < m->base[c])
    c--;
  *i = (int)(o - m->base[c]);
  return (enum mm_oclass)c;
}

static void mm_obj_name(void *model, sim_oid o, char *buf, size_t n) {
  const mm_model *m = model;
  int i;
  enum mm_oclass c = oid_class(m, o, &i);
  if (per_page(c)) {
    snprintf(buf, n, "page#%d.%s", i, oclass_name[c]);
    return;
  }
  switch ((enum mm_oclass)c) {
  case OC_MMAP_SEM:
  case OC_PTL:
    snprintf(buf, n, "%s.%s", i < m->scn->nmms ? m->scn->mms[i].name : "?",
             oclass_name[c]);
    break;
  case OC_BIOQ:
    snprintf(buf, n, "blockdev.queue");
    break;
  case OC_ALIVE:
    snprintf(buf, n, "tasks.alive");
    break;
  case OC_VMA:
    if (i < m->nvma)
      snprintf(buf, n, "vma(%s,0x%llx)", m->scn->mms[m->vma[i].mm].name,
               (unsigned long long)m->vma[i].start);
    else
      snprintf(buf, n, "vma#%d", i);
    break;
  case OC_PTE:
    mm_pte_name(m, i / MM_MAX_PTES, i % MM_MAX_PTES, buf, n);
    break;
  default:
    snprintf(buf, n, "%s.%s", i < m->scn->nfiles ? m->scn->files[i].name : "?",
             oclass_name[c]);
    break;
  }
}

static int truncate_count_live(const mm_model *m);

/* The writeback part of the final state: buffers, tags, the disk's write
   generations, the request queue. */
static void wb_state_hash(const mm_model *m, uint64_t *h) {
  const struct mm_state *s = &m->s;
  for (int p = 0; p < m->npages; p++)
    if (s->page[p].count)
      sim_hash_u64(h, (uint64_t)p << 32 | (uint64_t)s->page[p].bh << 16 |
                          s->page[p].gen);
  for (int f = 0; f < m->scn->nfiles; f++) {
    const struct address_space *as = &s->as[f];
    sim_hash_u64(h, as->wb_tag);
    for (int i = 0; i < MM_NFILEPAGES; i++)
      sim_hash_u64(h, as->disk_gen[i]);
  }
  sim_hash_u64(h, (uint64_t)s->nbio << 8 | s->alive);
  for (int i = 0; i < m->nvma; i++)
    sim_hash_u64(h, (uint64_t)s->vs[i].nonlinear << 24 |
                        (uint64_t)s->vs[i].gone << 16 |
                        (uint64_t)s->vs[i].vm_write << 8 | s->vs[i].prot_write);
}

/* Hash of the final state, field by field (never raw bytes: padding is
   not part of the state).  Left out, as from the state key: the test mark
   fault_retries, free pages' stale fields, and a truncate_count no path
   of the variant reads (truncate_count_live), so that a stateful search,
   which matches states without them, reaches the same final states. */
static uint64_t mm_state_hash(void *model) {
  const mm_model *m = model;
  const struct mm_state *s = &m->s;
  uint64_t h = SIM_HASH_INIT;
  for (int p = 0; p < m->npages; p++) {
    const struct page *pg = &s->page[p];
    if (!pg->count) /* free: stale fields are not state */
      continue;
    sim_hash_u64(&h, (uint64_t)p << 32 | pg->flags << 16 | (uint16_t)pg->count);
    sim_hash_u64(&h, (uint64_t)(uint16_t)pg->mapcount << 32 |
                         (uint64_t)(uint8_t)pg->mapping << 16 | pg->index);
    sim_hash_u64(&h, pg->data);
  }
  for (int f = 0; f < m->scn->nfiles; f++) {
    const struct address_space *as = &s->as[f];
    for (int i = 0; i < MM_NFILEPAGES; i++)
      sim_hash_u64(&h, (uint64_t)(uint16_t)as->tree[i] << 32 | as->disk[i]);
    sim_hash_u64(&h, (uint64_t)as->nrpages << 48 |
                         (uint64_t)as->dirty_tag << 32 |
                         (truncate_count_live(m) ? as->truncate_count : 0));
    sim_hash_u64(&h, as->i_size);
  }
  for (int mm = 0; mm < m->scn->nmms; mm++)
    for (int i = 0; i < MM_MAX_PTES; i++) {
      const struct pte *pte = &s->mm[mm].pte[i];
      sim_hash_u64(&h, (uint64_t)pte->pgoff << 56 | (uint64_t)pte->file << 48 |
                           (uint64_t)pte->present << 40 |
                           (uint64_t)pte->write << 32 |
                           (uint64_t)pte->dirty << 24 |
                           (uint64_t)pte->young << 16 | (uint16_t)pte->page);
    }
  for (int i = 0; i < m->scn->nthreads; i++) {
    sim_hash_u64(&h, (uint64_t)s->sigbus[i] << 32 | s->last_load[i]);
    if (s->segv[i]) /* only then: older scenarios keep their hashes */
      sim_hash_u64(&h, (uint64_t)i << 32 | (uint32_t)s->segv[i]);
  }
  if (m->wb) /* only then: the R1 scenarios keep their hashes */
    wb_state_hash(m, &h);
  return h;
}

/* ------------------------------------------------------ state matching */

int mm_obj_words(const mm_model *m, const struct mm_state *s, enum mm_oclass c,
                 int i, uint64_t w[MM_OBJ_WORDS]) {
  (void)m;
  switch (c) {
  case OC_PAGE_DIRTY:
    w[0] = s->page[i].flags & PG_dirty;
    return 1;
  case OC_PAGE_UPTODATE: /* written together: one object (mm.h) */
    w[0] = s->page[i].flags & (PG_uptodate | PG_mappedtodisk);
    return 1;
  case OC_PAGE_WRITEBACK:
    w[0] = s->page[i].flags & PG_writeback;
    return 1;
  case OC_PAGE_MAPCOUNT:
    w[0] = (uint16_t)s->page[i].mapcount;
    return 1;
  case OC_PAGE_MAPPING:
    w[0] = (uint8_t)s->page[i].mapping | (uint64_t)s->page[i].anon << 8;
    return 1;
  case OC_PAGE_INDEX:
    w[0] = s->page[i].index;
    return 1;
  case OC_PAGE_REF:
    w[0] = (uint16_t)s->page[i].count;
    return 1;
  case OC_PAGE_DATA:
    w[0] = s->page[i].data | (uint64_t)s->page[i].gen << 32;
    return 1;
  case OC_PAGE_BH:
    w[0] = (s->page[i].flags & PG_private) | (uint64_t)s->page[i].bh << 8;
    return 1;
  case OC_TREE:
    for (int k = 0; k < MM_NFILEPAGES; k++)
      w[k] = (uint16_t)s->as[i].tree[k];
    w[MM_NFILEPAGES] = s->as[i].nrpages;
    return MM_NFILEPAGES + 1;
  case OC_TREE_TAGS:
    w[0] = s->as[i].dirty_tag | (uint64_t)s->as[i].wb_tag << 16;
    return 1;
  case OC_ISIZE:
    w[0] = s->as[i].i_size;
    return 1;
  case OC_TRUNC:
    w[0] = s->as[i].truncate_count;
    return 1;
  case OC_DISK:
    for (int k = 0; k < MM_NFILEPAGES; k++)
      w[k] = s->as[i].disk[k] | (uint64_t)s->as[i].disk_gen[k] << 32;
    return MM_NFILEPAGES;
  case OC_BIOQ: /* two words per request */
    w[0] = s->nbio;
    for (int k = 0; k < s->nbio; k++) {
      const struct bio *b = &s->bioq[k];
      w[1 + 2 * k] = (uint64_t)(uint8_t)b->file << 24 |
                     (uint64_t)(uint8_t)b->page << 16 |
                     (uint64_t)b->index << 8 | b->end;
      w[2 + 2 * k] = b->data | (uint64_t)b->gen << 32;
    }
    return 1 + 2 * s->nbio;
  case OC_ALIVE:
    w[0] = s->alive;
    return 1;
  case OC_VMA:
    w[0] = (uint64_t)s->vs[i].nonlinear << 40 |
           (uint64_t)s->vs[i].uffd_waiting << 32 |
           (uint64_t)s->vs[i].uffd_minor << 24 | (uint64_t)s->vs[i].gone << 16 |
           (uint64_t)s->vs[i].vm_write << 8 | s->vs[i].prot_write;
    return 1;
  case OC_PTE: {
    const struct pte *p = &s->mm[i / MM_MAX_PTES].pte[i % MM_MAX_PTES];
    w[0] = (uint64_t)p->pgoff << 56 | (uint64_t)p->file << 48 |
           (uint64_t)(uint16_t)p->page << 32 | (uint64_t)p->young << 24 |
           (uint64_t)p->dirty << 16 | (uint64_t)p->write << 8 | p->present;
    return 1;
  }
  case OC_PAGE_LOCK: /* locks: the engine's lock table */
  case OC_I_MUTEX:
  case OC_I_ALLOC:
  case OC_I_MMAP:
  case OC_TREE_LOCK:
  case OC_MMAP_SEM:
  case OC_PTL:
  case OC_PRIVATE_LOCK:
  case OC_BH_LOCK:
  case OC_NCLASS:
    break;
  }
  return 0;
}

/* Does any path of this variant read mapping->truncate_count, and does
   any operation of the scenario change it?  Only the 2.6.20 fault reads
   it: do_no_page() with knob fault.truncate_count, and do_no_page() runs
   only with knob fault.lock_page off (handle_mm_fault); only
   unmap_mapping_range() changes it (truncate, dio_write, madvise remove).
   Otherwise the count is only incremented (unmap_mapping_range) and its
   value is dead: obj_hash and state_key leave it out, or every unmap
   would make a new state and a truncate/fault cycle would never close.
   (2.6.20's do_no_page declares the read even with the knob off; the value
   is then unused, and hashed as 0.) */
static int truncate_count_live(const mm_model *m) {
  return m->knobs.fault_truncate_count && !m->knobs.fault_lock_page &&
         m->unmaps_mapping;
}

int mm_finite_state(const mm_model *m) {
  return !truncate_count_live(m);
}

/* Is object (c, i) a field of a free page slot (count 0, other than the
   count itself)?  Nobody holds a reference to the page, so nobody reads
   the field, and page_cache_read() rewrites them all when it allocates
   the slot: stale values are dead.  (The allocating step declares them
   written, and a written object is hashed before the action.) */
static int free_page_field(const mm_model *m, enum mm_oclass c, int i) {
  return (c <= OC_PAGE_DATA || c == OC_PAGE_BH) && c != OC_PAGE_REF &&
         !m->s.page[i].count;
}

/* Mixes the value of object (c, i) into *h; returns its number of words
   (0: a lock or dead data, nothing mixed). */
static int hash_obj(const mm_model *m, enum mm_oclass c, int i, uint64_t *h) {
  uint64_t w[MM_OBJ_WORDS];
  int n = (c == OC_TRUNC && !truncate_count_live(m)) || free_page_field(m, c, i)
              ? 0
              : mm_obj_words(m, &m->s, c, i, w);
  for (int k = 0; k < n; k++)
    sim_hash_u64(h, w[k]);
  return n;
}

/* sim_model_ops.obj_hash: the fields of 'o' (mm_obj_words); 0 for a lock
   and for dead data (a dead truncate_count, a free page's fields). */
static uint64_t mm_obj_hash(void *model, sim_oid o) {
  const mm_model *m = model;
  int i;
  enum mm_oclass c = oid_class(m, o, &i);
  uint64_t h = SIM_HASH_INIT;
  return hash_obj(m, c, i, &h) ? h : 0;
}

/* sim_model_ops.state_key: every object of the pages, files and page
   tables in use, through mm_obj_words, so that the key and the digests
   see the same fields; then what belongs to no object: each thread's
   next_data (the next store's version), sigbus, segv and last_load, and the
   ghost bookkeeping the checks read (truncated[], refs[][], pins[][],
   gup_write[][], R5's wp[], wp_data[], write_section[], and last_store[][]
   when a condition reads it).  Left out:
   the immutable parts (vmas, the scenario), m->snap (equal to m->s at
   every scheduling point), the test mark fault_retries, a dead
   truncate_count (truncate_count_live), and the fields of a free page
   (free_page_field). */
static uint64_t mm_state_key(void *model) {
  const mm_model *m = model;
  const struct mm_state *s = &m->s;
  const scenario *scn = m->scn;
  uint64_t h = SIM_HASH_INIT;
  for (int p = 0; p < m->npages; p++) {
    if (!s->page[p].count)
      continue;
    sim_hash_u64(&h, (uint64_t)p);
    for (int c = OC_PAGE_DIRTY; c <= OC_PAGE_DATA; c++)
      hash_obj(m, (enum mm_oclass)c, p, &h);
    hash_obj(m, OC_PAGE_BH, p, &h);
  }
  for (int f = 0; f < scn->nfiles; f++)
    for (int c = OC_TREE; c <= OC_DISK; c++)
      hash_obj(m, (enum mm_oclass)c, f, &h);
  for (int i = 0; i < scn->nmms * MM_MAX_PTES; i++)
    hash_obj(m, OC_PTE, i, &h);
  if (m->wb) {
    hash_obj(m, OC_BIOQ, 0, &h);
    hash_obj(m, OC_ALIVE, 0, &h);
  }
  if (m->wb || m->uffd || m->remaps)
    for (int i = 0; i < m->nvma; i++)
      hash_obj(m, OC_VMA, i, &h);
  for (int t = 0; t < m->nthreads; t++) {
    sim_hash_u64(&h, (uint64_t)s->next_data[t] << 32 | (uint32_t)s->sigbus[t]);
    sim_hash_u64(&h, s->last_load[t]);
    for (int j = 0; j < SCN_MAX_OPS; j++) /* the conditions read them */
      if (s->loads[t][j] != MM_LOAD_NONE)
        sim_hash_u64(&h, (uint64_t)j << 32 | s->loads[t][j]);
    if (s->dirtying[t])
      sim_hash_u64(&h, (uint64_t)t << 16 | (uint16_t)s->dirtying[t]);
    if (s->segv[t])
      sim_hash_u64(&h, (uint64_t)t << 32 | (uint32_t)s->segv[t]);
    if (m->fault_noretry[t])
      sim_hash_u64(&h, (uint64_t)3 << 60 | (uint64_t)t);
    if (s->fsync_file[t] >= 0) {
      sim_hash_u64(&h, (uint64_t)t << 8 | (uint8_t)s->fsync_file[t]);
      for (int i = 0; i < MM_NFILEPAGES; i++)
        sim_hash_u64(&h, s->fsync_gen[t][i]);
    }
  }
  for (int f = 0; f < scn->nfiles; f++)
    sim_hash_u64(&h, (uint64_t)m->truncated[f]);
  for (int t = 0; t < m->nthreads; t++)
    for (int p = 0; p < m->npages; p++)
      if (m->refs[t][p])
        sim_hash_u64(&h, (uint64_t)t << 40 | (uint64_t)p << 16 |
                             (uint16_t)m->refs[t][p]);
  for (int t = 0; t < m->nthreads; t++)
    for (int p = 0; p < m->npages; p++)
      if (m->pins[t][p] || m->gup_write[t][p])
        sim_hash_u64(&h, (uint64_t)1 << 56 | (uint64_t)t << 40 |
                             (uint64_t)p << 16 |
                             (uint64_t)(uint8_t)m->pins[t][p] << 8 |
                             (uint8_t)m->gup_write[t][p]);
  for (int p = 0; p < MM_MAX_PAGES; p++)
    if (m->wp[p])
      sim_hash_u64(&h, (uint64_t)2 << 56 | (uint64_t)p << 32 | m->wp_data[p]);
  for (int t = 0; t < m->nthreads; t++)
    if (m->write_section[t])
      sim_hash_u64(&h, (uint64_t)3 << 56 | (uint64_t)t << 16 |
                           (uint16_t)m->write_section[t]);
  if (m->track_stores) /* a condition reads them */
    for (int f = 0; f < scn->nfiles; f++)
      for (int i = 0; i < MM_NFILEPAGES; i++)
        sim_hash_u64(&h, (uint64_t)4 << 56 | (uint64_t)f << 40 |
                             (uint64_t)i << 32 | m->last_store[f][i]);
  return h;
}

/* The declared lock order (locks.h), outermost first. */
const struct mm_lock_rank mm_lock_order[LC__COUNT] = {
    [LC_I_MUTEX] = {OC_I_MUTEX, "i_mutex",
                    "do_truncate, the O_DIRECT write, do_fsync"},
    [LC_I_ALLOC_SEM] = {OC_I_ALLOC, "i_alloc_sem",
                        "vmtruncate (write), __blockdev_direct_IO (read)"},
    [LC_MMAP_SEM] = {OC_MMAP_SEM, "mmap_sem",
                     "do_page_fault (read), mprotect, munmap, msync"},
    [LC_PG_LOCKED] = {OC_PAGE_LOCK, "PG_locked",
                      "lock_page: truncate, invalidate, writeback, the "
                      "2.6.23 fault"},
    [LC_PG_WRITEBACK] = {OC_PAGE_WRITEBACK, "PG_writeback",
                         "wait_on_page_writeback (a wait, never held)"},
    [LC_I_MMAP_LOCK] = {OC_I_MMAP, "i_mmap_lock",
                        "unmap_mapping_range, page_mkclean"},
    [LC_PTL] = {OC_PTL, "ptl",
                "the fault's pte install, zap_pte_range, "
                "page_mkclean_one, change_pte_range"},
    [LC_PRIVATE_LOCK] = {OC_PRIVATE_LOCK, "private_lock",
                         "__set_page_dirty_buffers, try_to_free_buffers"},
    [LC_TREE_LOCK] = {OC_TREE_LOCK, "tree_lock",
                      "find_get_page, add_to_page_cache, "
                      "__remove_from_page_cache, dirty tags"},
};

/* sim_model_ops.lock_class: the rank in mm_lock_order of the object's
   class; -1 for an object that is not a lock, or a lock the order leaves
   out on purpose (locks.h: BH_Lock, the model's own waits); any other
   lock is SIM_LOCK_UNDECLARED, so that a lock added to the model without
   a rank is reported. */
static int mm_lock_class(void *model, sim_oid o, char *buf, size_t n) {
  const mm_model *m = model;
  int i;
  enum mm_oclass c = oid_class(m, o, &i);
  for (int r = 0; r < LC__COUNT; r++)
    if (mm_lock_order[r].oclass == (int)c) {
      snprintf(buf, n, "%s", mm_lock_order[r].name);
      return r;
    }
  /* OC_VMA: the userfaultfd wait queues (userfaultfd.c), waited on with
     no lock held: handle_userfault drops mmap_sem first */
  if (c == OC_BH_LOCK || c == OC_BIOQ || c == OC_ALIVE || c == OC_VMA)
    return -1;
  snprintf(buf, n, "%s", oclass_name[c]);
  return SIM_LOCK_UNDECLARED;
}

/* sim_model_ops.lock_order: a lock of rank 'acq' taken while one of rank
   'held' is held must come later in the declared order. */
static int mm_lock_order_check(void *model, int held, int acq, char *buf,
                               size_t n) {
  (void)model;
  assert(held >= 0 && held < LC__COUNT && acq >= 0 && acq < LC__COUNT);
  if (acq > held)
    return 0;
  snprintf(buf, n, "%s is taken outside %s", mm_lock_order[acq].name,
           mm_lock_order[held].name);
  return 1;
}

const sim_model_ops mm_model_ops = {
    .reset = mm_reset,
    .thread_main = mm_thread_main,
    .after_step = mm_after_step,
    .at_end = mm_at_end,
    .obj_name = mm_obj_name,
    .state_hash = mm_state_hash,
    .obj_hash = mm_obj_hash,
    .state_key = mm_state_key,
    SIM_KINDS(mm_kinds),
    .lock_class = mm_lock_class,
    .lock_order = mm_lock_order_check,
};
