/*
** scn_decl.c - the objects a scenario declares: files with their page cache
** ("file"), address spaces ("mm") and their mappings ("map"); the format is
** in scenarios/FORMAT.md.
**
** A file or an mm is named before it is used, and its name is checked here
** once: an identifier, not yet declared, and no keyword of the statement or
** operation tables (a thread line "cpu0: delay 1" must not be read as an
** access through an mm named "delay").  A file's page set (cached=, dirty=)
** is checked against its size, and a map against the file page limit and
** the other maps of its mm, so that the model can build its initial state
** without checking anything (mm_model_init).
*/
#include "scn_stmt.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Names of files and mms                                                     */

int scn_find_file(const scenario *s, scn_tok t) {
  for (int i = 0; i < s->nfiles; i++)
    if (tok_is(t, s->files[i].name))
      return i;
  return -1;
}

int scn_find_mm(const scenario *s, scn_tok t) {
  for (int i = 0; i < s->nmms; i++)
    if (tok_is(t, s->mms[i].name))
      return i;
  return -1;
}

/* 'found' (an index or -1) of a 'what' named t, reported when undeclared. */
static int need_decl(scn_lex *lx, scn_tok t, int found, const char *what) {
  scn_shown b;
  if (found < 0)
    return lex_fail(lx, t.col,
                    "undeclared %s '%s', expected a name declared by an "
                    "earlier '%s' line",
                    what, lex_show(&b, t), what);
  return found;
}

int scn_need_file(scn_lex *lx, const scenario *s, scn_tok t) {
  return need_decl(lx, t, scn_find_file(s, t), "file");
}

int scn_need_mm(scn_lex *lx, const scenario *s, scn_tok t) {
  return need_decl(lx, t, scn_find_mm(s, t), "mm");
}

uint32_t scn_pages_of(uint64_t size) {
  assert(size <= SCN_MAX_FILE_BYTES);
  return (uint32_t)((size + PAGE_SIZE - 1) / PAGE_SIZE);
}

const char *scn_has_pages(char *buf, size_t n, uint32_t npages) {
  if (npages == 0)
    snprintf(buf, n, "which has no pages");
  else
    snprintf(buf, n, "which has %" PRIu32 " page%s", npages,
             npages == 1 ? "" : "s");
  return buf;
}

const char *scn_beyond_eof(char *buf, size_t n, uint32_t npages) {
  size_t k = strlen(scn_has_pages(buf, n, npages));
  assert(n >= 96 && k < n);
  if (npages == 0)
    snprintf(buf + k, n - k, ", expected a file with size= above 0");
  else if (npages == 1)
    snprintf(buf + k, n - k, ", expected page index 0");
  else
    snprintf(buf + k, n - k, ", expected page indexes 0..%" PRIu32, npages - 1);
  return buf;
}

/* A new name for a file or an mm: an identifier that is no keyword and
   no name already declared ('found' >= 0). */
static int new_name(scn_lex *lx, scn_tok t, const char *what, int found) {
  scn_shown b;
  if (lex_ident(lx, t, what, SCN_NAME) < 0)
    return -1;
  if (scn_is_op_name(t))
    return lex_fail(lx, t.col,
                    "%s name '%s' is an operation name, expected another name",
                    what, lex_show(&b, t));
  if (scn_is_stmt_name(t))
    return lex_fail(lx, t.col,
                    "%s name '%s' is a statement name, expected another name",
                    what, lex_show(&b, t));
  if (found >= 0)
    return lex_fail(lx, t.col, "%s '%s' already declared", what,
                    lex_show(&b, t));
  return 0;
}

/* ------------------------------------------------------------------------ */
/* Files, mms and maps                                                        */

/*
** A page set: "all", "none" or a comma list of indexes below npages.  With
** 'must', each page must also be set there (dirty pages are cached).
*/
static int page_list(scn_lex *lx, scn_tok v, const char *file, uint32_t npages,
                     const char *opt, uint8_t *set, const uint8_t *must) {
  char hp[96];
  scn_shown b;
  assert(npages <= SCN_MAX_FILE_PAGES);
  if (tok_is(v, "none"))
    return 0;
  if (tok_is(v, "all")) {
    for (uint32_t i = 0; i < npages; i++) {
      if (must && !must[i])
        return lex_fail(lx, v.col,
                        "%s=all includes page %" PRIu32
                        ", which is not cached, expected only cached pages",
                        opt, i);
      set[i] = 1;
    }
    return 0;
  }
  const char *p = v.p, *e = v.p + v.len;
  for (;;) {
    const char *c = memchr(p, ',', (size_t)(e - p));
    scn_tok el = {.p = p, .len = (size_t)((c ? c : e) - p)};
    uint64_t idx;
    el.col = lex_col(lx, p);
    if (el.len == 0)
      return lex_fail(lx, el.col,
                      "empty element in %s= list, expected 'all', 'none' or "
                      "page indexes separated by ','",
                      opt);
    int r = lex_u64(el, 0, &idx);
    if (r == -1)
      return lex_fail(lx, el.col,
                      "bad page index '%s' in %s=, expected 'all', 'none' or "
                      "page indexes separated by ','",
                      lex_show(&b, el), opt);
    if (r == -2 || idx >= npages)
      return lex_fail(
          lx, el.col,
          "page %s in %s= is beyond the end of file '%s', %s (%s= lists "
          "page indexes, not a count: %s=0 is page 0, %s=none no page)",
          lex_show(&b, el), opt, file, scn_beyond_eof(hp, sizeof hp, npages),
          opt, opt, opt);
    if (set[idx])
      return lex_fail(lx, el.col, "page %" PRIu64 " listed twice in %s=", idx,
                      opt);
    if (must && !must[idx])
      return lex_fail(lx, el.col,
                      "%s page %" PRIu64 " is not cached, expected it in "
                      "cached= too",
                      opt, idx);
    set[idx] = 1;
    if (!c)
      return 0;
    p = c + 1;
  }
}

/* file NAME size=BYTES [cached=PAGES] [dirty=PAGES] [page_mkwrite]
   [buffers | buffers_required | ext4] [tmpfs] */
int scn_stmt_file(scn_parser *ps, scn_tok kw) {
  static const scn_opt spec[] = {
      {"size", 1},         {"cached", 1},  {"dirty", 1},
      {"page_mkwrite", 0}, {"buffers", 0}, {"buffers_required", 0},
      {"tmpfs", 0},        {"ext4", 0},
  };
  enum {
    OPT_SIZE,
    OPT_CACHED,
    OPT_DIRTY,
    OPT_MKWRITE,
    OPT_BUFFERS,
    OPT_NEEDS_BUFFERS,
    OPT_TMPFS,
    OPT_EXT4,
    OPT_N
  };
  scenario *s = ps->s;
  scn_lex *lx = &ps->lx;
  scn_tok t, o[OPT_N];
  scn_shown b;
  uint64_t size;
  if (s->nfiles == SCN_MAX_FILES)
    return lex_fail(lx, kw.col, "too many files, expected at most %d",
                    SCN_MAX_FILES);
  if (lex_need(lx, &t, "a file name", "file") < 0 ||
      new_name(&ps->lx, t, "file", scn_find_file(s, t)) < 0 ||
      lex_opts(lx, "file", spec, OPT_N, o) < 0)
    return -1;
  if (!o[OPT_SIZE].p)
    return lex_fail(lx, lx->end_col,
                    "missing 'size=' option for file '%s', expected "
                    "size=BYTES",
                    lex_show(&b, t));
  if (lex_num(lx, o[OPT_SIZE], 1, 0, SCN_MAX_FILE_BYTES, "file size", &size) <
      0)
    return -1;
  scn_file *f = &s->files[s->nfiles];
  tok_copy(f->name, sizeof f->name, t);
  f->size = size;
  f->ext4 = o[OPT_EXT4].p != NULL;
  f->page_mkwrite = o[OPT_MKWRITE].p != NULL || f->ext4;
  f->needs_buffers = o[OPT_NEEDS_BUFFERS].p != NULL;
  f->buffers = o[OPT_BUFFERS].p != NULL || f->needs_buffers || f->ext4;
  f->tmpfs = o[OPT_TMPFS].p != NULL;
  /* shmem (2.6.20 mm/shmem.c): shmem_aops has no buffers, shmem_vm_ops
     no ->page_mkwrite */
  for (int i = OPT_MKWRITE; f->tmpfs && i <= OPT_NEEDS_BUFFERS; i++)
    if (o[i].p)
      return lex_fail(lx, o[i].col,
                      "'%s' with 'tmpfs': tmpfs has %s, expected the file "
                      "without '%s'",
                      spec[i].key,
                      i == OPT_MKWRITE ? "no ->page_mkwrite" : "no buffers",
                      spec[i].key);
  if (f->tmpfs && f->ext4)
    return lex_fail(lx, o[OPT_EXT4].col,
                    "'ext4' with 'tmpfs': a file is on one filesystem, "
                    "expected one of them");
  uint32_t np = scn_pages_of(size);
  if (o[OPT_CACHED].p &&
      page_list(lx, o[OPT_CACHED], f->name, np, "cached", f->cached, NULL) < 0)
    return -1;
  if (o[OPT_DIRTY].p && page_list(lx, o[OPT_DIRTY], f->name, np, "dirty",
                                  f->dirty, f->cached) < 0)
    return -1;
  s->nfiles++;
  return 0;
}

/* mm NAME */
int scn_stmt_mm(scn_parser *ps, scn_tok kw) {
  scenario *s = ps->s;
  scn_tok t;
  if (s->nmms == SCN_MAX_MMS)
    return lex_fail(&ps->lx, kw.col, "too many mms, expected at most %d",
                    SCN_MAX_MMS);
  if (lex_need(&ps->lx, &t, "an mm name", "mm") < 0 ||
      new_name(&ps->lx, t, "mm", scn_find_mm(s, t)) < 0)
    return -1;
  tok_copy(s->mms[s->nmms].name, sizeof s->mms[0].name, t);
  s->nmms++;
  return lex_need_eol(&ps->lx, "mm");
}

/* The column of whichever of two options comes last. */
static int later(scn_tok a, scn_tok b) {
  return a.col > b.col ? a.col : b.col;
}

/* map MM FILE at ADDR pages=N [pgoff=P] shared|private r|rw [mapped] */
int scn_stmt_map(scn_parser *ps, scn_tok kw) {
  static const scn_opt spec[] = {
      {"pages", 1}, {"pgoff", 1}, {"shared", 0}, {"private", 0},
      {"r", 0},     {"rw", 0},    {"mapped", 0},
  };
  enum {
    OPT_PAGES,
    OPT_PGOFF,
    OPT_SHARED,
    OPT_PRIVATE,
    OPT_R,
    OPT_RW,
    OPT_MAPPED,
    OPT_N
  };
  scenario *s = ps->s;
  scn_lex *lx = &ps->lx;
  scn_tok tm, tf, at, ta, o[OPT_N];
  scn_shown b;
  uint64_t start, npages, pgoff = 0;
  int mm, file;
  if (s->nmaps == SCN_MAX_MAPS)
    return lex_fail(lx, kw.col, "too many maps, expected at most %d",
                    SCN_MAX_MAPS);
  if (lex_need(lx, &tm, "an mm name", "map") < 0 ||
      (mm = scn_need_mm(lx, s, tm)) < 0 ||
      lex_need(lx, &tf, "a file name", "map MM") < 0 ||
      (file = scn_need_file(lx, s, tf)) < 0 ||
      lex_need(lx, &at, "'at'", "map MM FILE") < 0)
    return -1;
  if (!tok_is(at, "at"))
    return lex_fail(lx, at.col, "expected 'at' after the file name, found '%s'",
                    lex_show(&b, at));
  if (lex_need(lx, &ta, "an address", "at") < 0 ||
      lex_num(lx, ta, 0, 0, UINT64_MAX, "address", &start) < 0)
    return -1;
  if (start % PAGE_SIZE)
    return lex_fail(lx, ta.col,
                    "map address 0x%" PRIx64 " is not page aligned, expected "
                    "a multiple of 0x1000",
                    start);
  if (lex_opts(lx, "map", spec, OPT_N, o) < 0)
    return -1;
  if (!o[OPT_PAGES].p)
    return lex_fail(lx, lx->end_col,
                    "missing 'pages=' option for map, expected pages=N");
  if (lex_num(lx, o[OPT_PAGES], 0, 1, SCN_MAX_FILE_PAGES, "page count",
              &npages) < 0 ||
      (o[OPT_PGOFF].p && lex_num(lx, o[OPT_PGOFF], 0, 0, SCN_MAX_FILE_PAGES - 1,
                                 "pgoff", &pgoff) < 0))
    return -1;
  if (pgoff + npages > SCN_MAX_FILE_PAGES)
    return lex_fail(lx, o[OPT_PAGES].col,
                    "map covers file pages %" PRIu64 "..%" PRIu64
                    ", expected pages below %d (pgoff + pages <= %d)",
                    pgoff, pgoff + npages - 1, SCN_MAX_FILE_PAGES,
                    SCN_MAX_FILE_PAGES);
  if (o[OPT_SHARED].p && o[OPT_PRIVATE].p)
    return lex_fail(lx, later(o[OPT_SHARED], o[OPT_PRIVATE]),
                    "conflicting 'shared' and 'private', expected one of "
                    "them");
  if (!o[OPT_SHARED].p && !o[OPT_PRIVATE].p)
    return lex_fail(lx, lx->end_col,
                    "missing sharing for map, expected 'shared' or "
                    "'private'");
  if (o[OPT_R].p && o[OPT_RW].p)
    return lex_fail(lx, later(o[OPT_R], o[OPT_RW]),
                    "conflicting 'r' and 'rw', expected one of them");
  if (!o[OPT_R].p && !o[OPT_RW].p)
    return lex_fail(lx, lx->end_col,
                    "missing protection for map, expected 'r' or 'rw'");
  if (start > UINT64_MAX - npages * PAGE_SIZE)
    return lex_fail(lx, ta.col,
                    "map at 0x%" PRIx64 " wraps around the address space",
                    start);
  uint64_t end = start + npages * PAGE_SIZE;
  for (int i = 0; i < s->nmaps; i++) {
    const scn_map *m = &s->maps[i];
    uint64_t mend = m->start + (uint64_t)m->npages * PAGE_SIZE;
    if (m->mm == mm && start < mend && m->start < end)
      return lex_fail(lx, ta.col,
                      "map [0x%" PRIx64 ", 0x%" PRIx64 ") overlaps the map "
                      "of '%s' at line %d [0x%" PRIx64 ", 0x%" PRIx64 ")",
                      start, end, s->mms[mm].name, m->line, m->start, mend);
  }
  s->maps[s->nmaps++] = (scn_map){.mm = mm,
                                  .file = file,
                                  .start = start,
                                  .npages = (uint32_t)npages,
                                  .pgoff = (uint32_t)pgoff,
                                  .shared = o[OPT_SHARED].p != NULL,
                                  .read = 1,
                                  .write = o[OPT_RW].p != NULL,
                                  .populated = o[OPT_MAPPED].p != NULL,
                                  .line = lx->line};
  return 0;
}
