/*
** mm_final.c - the MM model's final state as outcome conditions see it
** (cond.h): the value of each term, and one canonical line of text for
** the list of distinct final states that `mmsim explore` prints, herd7
** style.  The model's own code, not a kernel file.
**
** Read at quiescence, after every thread (the model's exit thread
** included) has finished: what each load returned (mm_state.loads), the
** ptes of the declared maps, the page cache (tree, flags, mapcount,
** content) and the disk of each file, the SIGBUS and SIGSEGV counts.
** The line names only what the terms can name, so two executions that
** differ in, say, a page's reference count or which free slot a page
** took, end in one listed state:
**
**   cpu0.load1=old cpu1.load1=old pte(p1,0x10000)=data[0]
**   pte(p2,0x10000)=- data[0]=old,d,m1 disk(data,0)=old sigbus(cpu0)=1
**
** where a pte is '-' (not present) or the page it maps (data[I]: the
** page cached at that index; "orphan" a page no longer in the cache;
** "anon" an anonymous page) with ",w" and ",d" for its write and dirty
** bits; a cached page is "content[,d][,mN]", an uncached one '-'; a disk
** block is listed after its page, then, when a condition names
** last_store, the page's last store (last_store(data,0)=cpu1.v1); counts
** only when not 0.
*/
#include "models/kernel.h"
#include "models/mm.h"

#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The pte of (mm, addr), or NULL if no vma maps addr (after munmap). */
static const struct pte *pte_of(const mm_model *m, int mm, uint64_t addr) {
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *v = &m->vma[i];
    if (v->mm == mm && addr >= v->start && addr < v->end)
      return &m->s.mm[mm].pte[vma_pte_slot(v, addr)];
  }
  return NULL;
}

static int cached_page(const mm_model *m, int file, uint32_t idx) {
  return idx < MM_NFILEPAGES ? m->s.as[file].tree[idx] : -1;
}

/* The operation index of thread tid's K-th load. */
static int load_op(const mm_model *m, int tid, uint32_t k) {
  const scn_thread *th = &m->scn->threads[tid];
  for (int j = 0; j < th->nops; j++)
    if (th->ops[j].kind == SCN_LOAD && --k == 0)
      return j;
  return -1;
}

int64_t mm_cond_value(const void *model, const cond_node *n) {
  const mm_model *m = model;
  const struct mm_state *s = &m->s;
  switch ((enum cond_kind)n->kind) {
  case CT_LOAD: {
    int j = load_op(m, n->thread, n->k);
    assert(j >= 0 && "checked by the parser");
    uint32_t v = s->loads[n->thread][j];
    return v == MM_LOAD_NONE ? COND_NONE : (int64_t)v;
  }
  case CT_PTE_PRESENT:
  case CT_PTE_WRITE:
  case CT_PTE_DIRTY:
  case CT_PTE_PAGE: {
    const struct pte *p = pte_of(m, n->mm, n->num);
    int present = p && p->present;
    if (n->kind == CT_PTE_PAGE)
      return present ? p->page : COND_NONE;
    if (n->kind == CT_PTE_PRESENT)
      return present;
    return present && (n->kind == CT_PTE_WRITE ? p->write : p->dirty);
  }
  case CT_CACHED:
  case CT_DIRTY:
  case CT_MAPCOUNT:
  case CT_PAGE:
  case CT_DATA: {
    int pg = cached_page(m, n->file, n->k);
    if (n->kind == CT_CACHED)
      return pg >= 0;
    if (n->kind == CT_PAGE)
      return pg >= 0 ? pg : COND_NONE;
    if (pg < 0)
      return n->kind == CT_DATA ? COND_NONE : 0;
    if (n->kind == CT_DIRTY)
      return (s->page[pg].flags & PG_dirty) != 0;
    if (n->kind == CT_MAPCOUNT)
      return s->page[pg].mapcount;
    return s->page[pg].data;
  }
  case CT_DISK:
    return n->k < MM_NFILEPAGES ? s->as[n->file].disk[n->k] : 0;
  case CT_LAST_STORE:
    assert(m->track_stores && n->k < MM_NFILEPAGES);
    return m->last_store[n->file][n->k];
  case CT_SIGBUS:
    return s->sigbus[n->thread];
  case CT_SEGV:
    return s->segv[n->thread];
  default:
    assert(0 && "not a term of the final state");
    return 0;
  }
}

/* ------------------------------------------------------------ the line */

typedef struct line {
  char *buf;
  size_t n, o;
} line;

static void put(line *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void put(line *l, const char *fmt, ...) {
  if (l->o + 1 >= l->n)
    return;
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(l->buf + l->o, l->n - l->o, fmt, ap);
  va_end(ap);
  if (k > 0)
    l->o = l->o + (size_t)k < l->n ? l->o + (size_t)k : l->n - 1;
}

static const char *version(const mm_model *m, char *buf, size_t n, int64_t v) {
  const char *names[MM_MAX_THREADS];
  for (int i = 0; i < m->scn->nthreads; i++)
    names[i] = m->scn->threads[i].name;
  return cond_version_name(buf, n, v, names, m->scn->nthreads);
}

/* The pages the line lists for file f: its initial pages and any page
   cached now (a write or a fault past the initial size). */
static int listed(const mm_model *m, int f, int i) {
  return (uint64_t)i * PAGE_SIZE < m->scn->files[f].size ||
         m->s.as[f].tree[i] >= 0;
}

void mm_final_state(const void *model, char *buf, size_t n) {
  const mm_model *m = model;
  const scenario *scn = m->scn;
  const struct mm_state *s = &m->s;
  line l = {buf, n, 0};
  char v[48];
  assert(n > 0);
  buf[0] = 0;
  for (int t = 0; t < scn->nthreads; t++) {
    uint32_t k = 0;
    for (int j = 0; j < scn->threads[t].nops; j++)
      if (scn->threads[t].ops[j].kind == SCN_LOAD) {
        uint32_t x = s->loads[t][j];
        put(&l, "%s.load%u=%s ", scn->threads[t].name, ++k,
            version(m, v, sizeof v,
                    x == MM_LOAD_NONE ? COND_NONE : (int64_t)x));
      }
  }
  for (int i = 0; i < m->nvma; i++) {
    const struct vma *vm = &m->vma[i];
    for (uint64_t a = vm->start; a < vm->end; a += PAGE_SIZE) {
      const struct pte *p = &s->mm[vm->mm].pte[vma_pte_slot(vm, a)];
      put(&l, "pte(%s,0x%" PRIx64 ")=", scn->mms[vm->mm].name, a);
      if (!p->present) {
        put(&l, "- ");
        continue;
      }
      const struct page *pg = &s->page[p->page];
      if (pg->anon & PAGE_ANON)
        put(&l, "anon");
      else if (pg->mapping >= 0 &&
               cached_page(m, pg->mapping, pg->index) == p->page)
        put(&l, "%s[%u]", scn->files[pg->mapping].name, pg->index);
      else
        put(&l, "orphan");
      put(&l, "%s%s ", p->write ? ",w" : "", p->dirty ? ",d" : "");
    }
  }
  for (int f = 0; f < scn->nfiles; f++)
    for (int i = 0; i < MM_NFILEPAGES; i++) {
      if (!listed(m, f, i))
        continue;
      int pg = s->as[f].tree[i];
      if (pg < 0)
        put(&l, "%s[%d]=- ", scn->files[f].name, i);
      else {
        const struct page *p = &s->page[pg];
        put(&l, "%s[%d]=%s%s", scn->files[f].name, i,
            version(m, v, sizeof v, p->data), p->flags & PG_dirty ? ",d" : "");
        if (p->mapcount)
          put(&l, ",m%d", p->mapcount);
        put(&l, " ");
      }
      if (!scn->files[f].tmpfs)
        put(&l, "disk(%s,%d)=%s ", scn->files[f].name, i,
            version(m, v, sizeof v, s->as[f].disk[i]));
      if (m->track_stores) /* a condition names last_store */
        put(&l, "last_store(%s,%d)=%s ", scn->files[f].name, i,
            version(m, v, sizeof v, m->last_store[f][i]));
    }
  for (int t = 0; t < scn->nthreads; t++) {
    if (s->sigbus[t])
      put(&l, "sigbus(%s)=%d ", scn->threads[t].name, s->sigbus[t]);
    if (s->segv[t])
      put(&l, "segv(%s)=%d ", scn->threads[t].name, s->segv[t]);
  }
  if (l.o && buf[l.o - 1] == ' ')
    buf[--l.o] = 0;
}
