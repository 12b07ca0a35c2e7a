/*
** variant.c - the knob table and the kernel presets, one table each.
**
** 2.6.17-mm: synthetic, never released: the -mm tree of May 2006 with the
**         "tracking dirty pages" patches as Hugh Dickins reviewed them
**         (seed 000): try_to_free_buffers walks ptes under private_lock,
**         mprotect re-grants the shared write bit, follow_page puts
**         without a get.
** 2.6.19: shared dirty tracking merged (d08b3851) with Hugh's fixes, but
**         clear_page_dirty_for_io clears PG_dirty before page_mkclean.
** 2.6.20: the fault path relies on mapping->truncate_count (do_no_page) and
**         never locks an uptodate page; truncate does not recheck mappings;
**         page_mkclean before TestClearPageDirty (7658cc28).
** 2.6.22: 2.6.20 plus 90ed52eb: madvise(MADV_REMOVE) drops mmap_sem
**         around vmtruncate_range (the i_mutex/mmap_sem ABBA fix).  Only
**         that: the other changes between 2.6.20 and 2.6.22 are not
**         modelled (the R1 and R2 paths are as in 2.6.20; nonlinear
**         mappings still use ->populate, as 2.6.22 did).
** 2.6.23: Nick Piggin's fix (commit d00806b1, "mm: fix fault vs invalidate
**         race for linear mappings", and 54cb8821 introducing ->fault):
**         the fault returns the page locked, truncate and invalidate unmap a
**         still-mapped page under its lock, vmtruncate unmaps twice;
**         nonlinear faults go through __do_fault (54cb8821), and a
**         remap_file_pages of a dirty-accounting file is emulated with a
**         linear vma (3ee6dafc, 2.6.23 cycle, after -rc1).
** 2.6.24: write faults wait for the page lock before dirtying (79352894),
**         O_DIRECT invalidates again after the write, buffered writes copy
**         with page faults disabled and retry (08291429, afddba49).
** 4.19, 5.7, 5.18, 6.4: modern kernels, modelled as the 2.6.24 paths
**         (the fault, truncate, write and writeback paths of these races
**         kept the 2.6.24 order; madvise remove drops mmap_sem) plus the knobs
*that matter for the reclaim
**         and GUP races (issue 9): reclaim freezes the count in
**         __remove_mapping and leaves dirty file pages to kswapd (all
**         four); 6.4 activates a pinned folio before pageout and
**         try_to_release_page (d824ec2a).  The GUP knobs (pin counting
**         from 5.7, ext4's warning from 5.18) belong to the GUP model.
** 5.15, 5.16, 6.0: the R4 presets (issue 11), modelled as 5.7 plus the
**         private COW, FOLL_FORCE and userfaultfd paths: 5.15 with FOLL_COW
**         (19be0eaf) and a clean pte from UFFDIO_CONTINUE when not
**         writable, 5.16 with 9ae0f87d (always dirty), 6.0 with 5535be30
**         (a forced write only reaches an exclusive anonymous page).
**         5.18 has 9ae0f87d and FOLL_COW, 6.4 has 5535be30.  Checked in
**         release trees (models/SOURCES.md): 9ae0f87d is absent from
**         5.15.0 and present in 5.19.0 (mainline in the 5.16 merge
**         window; no 5.16 tree was available); 5535be30 is absent from
**         5.19.0 and present in 6.0.0.  The v5.15 tag is
**         8bb7eca972ad531c9b149c0a51ab43a417385813 (its Makefile:
**         5.15.0); the v5.16, v5.19 and v6.0 commit ids could not be
**         checked (torvalds/linux is stored at none of them).
**         uffd.minor_any_file is SYNTHETIC and in no preset.
** ksm, wp-glisse: the R5 presets (issue 9), 4.19 plus write protection
**         (models/ksm.c): ksm with KSM's write_protect_page (clear the pte
**         and flush, then check page_count), wp-glisse SYNTHETIC (never
**         merged: Glisse's 2018 RFC, seed 003) with the check first.
** The debug BUG_ON in __remove_from_page_cache is on in every preset so that
** the race is caught where it happens; turn it off with
** "set debug.bug_on_mapped_remove = off" to see the quiescent symptom.
** Every list of variant names (error messages, help) is generated from
** mm_variants[].  2.6.20 is the root preset, with every knob; each other
** preset names the one it derives from and the knobs it changes, so that
** the table reads as the history above (2.6.17-mm and 2.6.19 back from
** 2.6.20, then 2.6.22, 2.6.23, ... forward; ksm and wp-glisse from 4.19)
** and a new knob needs a value only where it changes.
*/
#include "variant.h"

#include "models/scn_lex.h"

#include <assert.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define K(field) offsetof(mm_knobs, field)
/* a derived preset's changes to its base (mm_variants[]) */
#define ON(field)                                                              \
  { 1, 1, (uint16_t)K(field) }
#define OFF(field)                                                             \
  { 1, 0, (uint16_t)K(field) }

const mm_knob_desc mm_knob_table[] = {
    {"fault.truncate_count", K(fault_truncate_count),
     "2.6.20 do_no_page: truncate_count sampled before ->nopage, "
     "rechecked under the pte lock"},
    {"fault.lock_page", K(fault_lock_page),
     "2.6.23 filemap_fault/__do_fault: page locked across pte install"},
    {"truncate.unmap_mapped", K(truncate_unmap_mapped),
     "2.6.23 truncate_inode_pages_range: unmap a still-mapped locked page"},
    {"vmtruncate.unmap_twice", K(vmtruncate_unmap_twice),
     "2.6.23 vmtruncate: unmap_mapping_range again after truncating"},
    {"invalidate.bug_on_mapped", K(invalidate_bug_on_mapped),
     "2.6.23 invalidate_inode_pages2_range: BUG_ON(page_mapped) after unmap"},
    {"dio.invalidate_first", K(dio_invalidate_first),
     "2.6.23 generic_file_direct_IO: invalidate before ->direct_IO only"},
    {"truncate.clear_uptodate_late", K(truncate_clear_uptodate_late),
     "2.6.23 truncate_complete_page: ClearPageUptodate after removal"},
    {"wb.mkclean_first", K(wb_mkclean_first),
     "2.6.20 clear_page_dirty_for_io: page_mkclean, set_page_dirty, then "
     "TestClearPageDirty (7658cc28)"},
    {"wb.fault_waits_locked", K(wb_fault_waits_locked),
     "2.6.24 do_wp_page/__do_fault: wait for the page lock before "
     "set_page_dirty (79352894)"},
    {"free_buffers.dirty_under_lock", K(free_buffers_dirty_under_lock),
     "try_to_free_buffers: the dirty bit cleared inside private_lock "
     "(2.6.18, 2.6.20 ecdfc978)"},
    {"free_buffers.mkclean", K(free_buffers_mkclean),
     "try_to_free_buffers: clear_page_dirty walks the ptes (2.6.19, "
     "2.6.17-mm)"},
    {"mprotect.writenotify", K(mprotect_writenotify),
     "2.6.19 mprotect_fixup: writenotify vmas keep the read-only "
     "protection (d08b3851)"},
    {"mprotect.dirty_accountable", K(mprotect_dirty_accountable),
     "2.6.20 change_pte_range: dirty ptes get write back (c1e6098b)"},
    {"follow_page.put_without_get", K(follow_page_put_without_get),
     "2.6.17-mm follow_page: put_page for !FOLL_GET, get only for "
     "GET|TOUCH"},
    {"dio.reinvalidate", K(dio_reinvalidate),
     "2.6.24 generic_file_direct_IO: invalidate again after ->direct_IO"},
    {"madvise.remove_drops_mmap_sem", K(madvise_remove_drops_mmap_sem),
     "2.6.22 madvise_remove: up_write(mmap_sem) around vmtruncate_range "
     "(90ed52eb)"},
    {"write.atomic_copy_retry", K(write_atomic_copy_retry),
     "2.6.24 generic_perform_write: copy with page faults disabled, "
     "short copy, write_end, fault in, retry (08291429, afddba49)"},
    {"reclaim.ref_freeze", K(reclaim_ref_freeze),
     "__remove_mapping: page_ref_freeze(2), PageDirty recheck, unfreeze "
     "(2.6.27 e286781d; 4.19)"},
    {"reclaim.no_direct_pageout", K(reclaim_no_direct_pageout),
     "shrink_page_list: only kswapd pages out a dirty file page (3.2 "
     "ee72886d; 4.19)"},
    {"reclaim.skip_pinned", K(reclaim_skip_pinned),
     "shrink_folio_list: activate a folio_maybe_dma_pinned folio after "
     "try_to_unmap (6.4 d824ec2a)"},
    {"fault.mkwrite_locked", K(fault_mkwrite_locked),
     "2.6.30 __do_fault/do_wp_page: page locked from ->page_mkwrite to "
     "set_page_dirty (b827e496)"},
    {"gup.foll_pin", K(gup_foll_pin),
     "5.6 pin_user_pages/unpin_user_pages_dirty_lock: FOLL_PIN for a "
     "driver's pin (eddb1c22); off: get_user_pages + put_page"},
    {"gup.pin_counting", K(gup_pin_counting),
     "5.7 try_grab_page: a FOLL_PIN adds GUP_PIN_COUNTING_BIAS (1024), "
     "page_maybe_dma_pinned (3faa52c0)"},
    {"gup.put_user_pages", K(gup_put_user_pages),
     "5.2 put_user_pages_dirty_lock: dirty only a clean page, then "
     "put_user_page (fc1d8e7c)"},
    {"ext4.warn_no_buffers", K(ext4_warn_no_buffers),
     "5.18 ext4_writepage: warn, ClearPageDirty and skip a page without "
     "buffers (cc509574); off: BUG"},
    {"gup.foll_cow", K(gup_foll_cow),
     "4.9-5.19 faultin_page/can_follow_write_pte: FOLL_COW after a COW "
     "break, a forced write follows a dirty read-only pte (19be0eaf); off: "
     "FOLL_WRITE dropped (Dirty COW)"},
    {"madvise.dontneed_read", K(madvise_dontneed_read),
     "sys_madvise: MADV_DONTNEED under mmap_sem for reading "
     "(madvise_need_mmap_write; before 4.19, commit not verified)"},
    {"gup.cow_exclusive", K(gup_cow_exclusive),
     "6.0 can_follow_write_pte: a forced write through a read-only pte only "
     "to an exclusive anonymous page; FOLL_COW removed (5535be30)"},
    {"uffd.install_dirty", K(uffd_install_dirty),
     "5.16 mfill_atomic_install_pte: the pte is always dirty (9ae0f87d); "
     "off: dirty only if writable or a new page"},
    {"uffd.minor_any_file", K(uffd_minor_any_file),
     "SYNTHETIC (never released): userfaultfd minor faults and "
     "UFFDIO_CONTINUE on any file mapping (vma_can_userfault: shmem and "
     "hugetlbfs only), hooked in filemap_fault"},
    {"fremap.nonlinear_fault", K(nonlinear_fault),
     "2.6.23-rc1 do_nonlinear_fault -> __do_fault (54cb8821); off: "
     "2.6.20 ->populate, install_page"},
    {"fremap.linear_emulation", K(nonlinear_linear_emulation),
     "2.6.23 sys_remap_file_pages: linear vma (mmap_region) for a "
     "dirty-accounting mapping (3ee6dafc)"},
    {"wp.check_before_clear", K(wp_check_before_clear),
     "synthetic (Glisse 2018 RFC, never merged): write_protect_page checks "
     "page_count before ptep_clear_flush; off: KSM's order (31dbd01f)"},
    {"debug.pinned_lost_buffers", K(pinned_lost_buffers),
     "check: a page under a FOLL_WRITE GUP reference keeps its buffers "
     "(pinned-lost-buffers)"},
    {"debug.pinned_cleaned", K(pinned_cleaned),
     "check: a page under a FOLL_WRITE GUP reference stays dirty "
     "(pinned-page-cleaned)"},
    {"debug.bug_on_mapped_remove", K(bug_on_mapped_remove),
     "debug BUG_ON(page_mapped) in __remove_from_page_cache"},
    {"debug.footprint_check", K(footprint_check),
     "model check: every write of a step is in its declared footprint"},
};
const int mm_nknobs = (int)(sizeof mm_knob_table / sizeof mm_knob_table[0]);

const mm_variant mm_variants[] = {
    {"2.6.17-mm",
     "2.6.17-mm, synthetic: 2.6.17-rc4-mm with the May 2006 \"tracking "
     "dirty pages\" "
     "patches as Hugh Dickins reviewed them; never released",
     "../shared/seeds/000 and ../shared/kernel-facts.md 2c, R2b-R2d (the "
     "patch text itself was not found); the R1 paths as in 2.6.20",
     "2.6.19",
     {0},
     {ON(free_buffers_dirty_under_lock), OFF(mprotect_writenotify),
      ON(follow_page_put_without_get)}},
    {"2.6.19",
     "Linux 2.6.19 (November 2006): shared dirty page tracking (d08b3851)",
     "torvalds/linux d08b3851 (mm/page-writeback.c, mm/mprotect.c), the "
     "2.6.19 fs/buffer.c diff (kernel-facts 2c); the R1 paths as in 2.6.20 "
     "(sagsango/linux-2.6.20)",
     "2.6.20",
     {0},
     {OFF(wb_mkclean_first), OFF(free_buffers_dirty_under_lock),
      ON(free_buffers_mkclean), OFF(mprotect_dirty_accountable)}},
    {"2.6.20",
     "Linux 2.6.20 (February 2007)",
     "sagsango/linux-2.6.20 (a 2.6.20 study tree), and torvalds/linux "
     "ecdfc978 for mm/truncate.c",
     NULL,
     {.fault_truncate_count = 1,
      .wb_mkclean_first = 1,
      .free_buffers_dirty_under_lock = 1,
      .mprotect_writenotify = 1,
      .mprotect_dirty_accountable = 1,
      .bug_on_mapped_remove = 1}},
    {"2.6.22",
     "Linux 2.6.22 (July 2007), as far as modelled: 2.6.20 plus 90ed52eb "
     "(madvise_remove drops mmap_sem)",
     "torvalds/linux 90ed52eb (mm/madvise.c); the other paths as in 2.6.20 "
     "(sagsango/linux-2.6.20)",
     "2.6.20",
     {0},
     {ON(madvise_remove_drops_mmap_sem)}},
    {"2.6.23",
     "Linux 2.6.23 (October 2007), as of 2.6.23-rc1",
     "torvalds/linux d00806b1, 54cb8821 and 83c54070 (2.6.23-rc1); 3ee6dafc "
     "(fremap.linear_emulation, ../shared/kernel-facts.md 2b)",
     "2.6.22",
     {0},
     {OFF(fault_truncate_count), ON(fault_lock_page), ON(truncate_unmap_mapped),
      ON(vmtruncate_unmap_twice), ON(invalidate_bug_on_mapped),
      ON(dio_invalidate_first), ON(truncate_clear_uptodate_late),
      ON(nonlinear_fault), ON(nonlinear_linear_emulation)}},
    {"2.6.24",
     "Linux 2.6.24 (January 2008)",
     "fulei0920/linux-2.6.24 @d18aa499, torvalds/linux 79352894",
     "2.6.23",
     {0},
     {ON(wb_fault_waits_locked), ON(dio_reinvalidate),
      ON(write_atomic_copy_retry)}},
    {"4.19",
     "Linux 4.19 (October 2018), modelled as 2.6.24 plus the reclaim knobs: "
     "GUP takes FOLL_GET references only",
     "0x88888888/Linux-4.19 @41e8ae7b (mm/vmscan.c: shrink_page_list, pageout, "
     "__remove_mapping, is_page_cache_freeable); the other paths as in 2.6.24",
     "2.6.24",
     {0},
     {ON(reclaim_ref_freeze), ON(reclaim_no_direct_pageout),
      ON(fault_mkwrite_locked), ON(gup_foll_cow), ON(madvise_dontneed_read)}},
    {"5.7",
     "Linux 5.7 (May 2020), modelled as 2.6.24 plus the reclaim knobs of 4.19: "
     "drivers pin with pin_user_pages (FOLL_PIN, 5.6 eddb1c22) and release "
     "with unpin_user_pages_dirty_lock; FOLL_PIN counts 1024 per pin "
     "(3faa52c0), which reclaim does not look at yet",
     "as 4.19 for reclaim (shrink_page_list unchanged for these races); "
     "../shared/kernel-facts.md 2d for 3faa52c0",
     "4.19",
     {0},
     {ON(gup_foll_pin), ON(gup_pin_counting), ON(gup_put_user_pages)}},
    {"5.15",
     "Linux 5.15 (October 2021), modelled as 5.7 plus the R4 paths: "
     "private COW, FOLL_FORCE with FOLL_COW (19be0eaf), userfaultfd minor "
     "faults and UFFDIO_CONTINUE with a clean pte when not writable",
     "a 5.15.0 tree (sndrzt/linux-5.15 @75c6ad16; v5.15 = torvalds/linux "
     "8bb7eca9): mm/memory.c, mm/gup.c, mm/userfaultfd.c, "
     "fs/userfaultfd.c, mm/shmem.c, mm/madvise.c, mm/mprotect.c; the rest "
     "as 5.7",
     "5.7",
     {0},
     {{0}}},
    {"5.16",
     "Linux 5.16 (January 2022), modelled as 5.15 plus 9ae0f87d: "
     "mfill_atomic_install_pte always installs dirty ptes (CVE-2022-2590 "
     "with FOLL_COW)",
     "torvalds/linux @9ae0f87d (mm/userfaultfd.c: "
     "mfill_atomic_install_pte, mcontinue_atomic_pte), absent from 5.15.0, "
     "present in 5.19.0 (yishangzhang/linux-5.19 @31964323); the rest as "
     "5.15",
     "5.15",
     {0},
     {ON(uffd_install_dirty)}},
    {"5.18",
     "Linux 5.18 (May 2022), modelled as 5.7 plus ext4_writepage's warning "
     "on a page without buffers (cc509574): the page is skipped, its data "
     "dropped",
     "as 5.7; torvalds/linux cc509574 (fs/ext4/inode.c); "
     "../shared/kernel-facts.md 2d",
     "5.16",
     {0},
     {ON(ext4_warn_no_buffers)}},
    {"6.0",
     "Linux 6.0 (October 2022), modelled as 5.16 plus 5535be30: "
     "can_follow_write_pte requires an exclusive anonymous page, FOLL_COW "
     "removed",
     "a 6.0.0 tree (Dima-diep/linux-6.0): mm/gup.c can_follow_write_pte "
     "of 5535be30 (absent from 5.19.0), mm/memory.c do_wp_page, "
     "mm/mprotect.c; the rest as 5.16",
     "5.16",
     {0},
     {OFF(gup_foll_cow), ON(gup_cow_exclusive)}},
    {"6.4",
     "Linux 6.4 (June 2023), modelled as 5.18 plus reclaim's pinned-folio "
     "check (d824ec2a, shrink_folio_list)",
     "the d824ec2a patch as posted and merged (linux-mm, Jan Kara, 2023; its "
     "6.2.y/6.3.y backport), ../shared/kernel-facts.md 2d; the rest as 5.18",
     "5.18",
     {0},
     {ON(reclaim_skip_pinned), OFF(gup_foll_cow), ON(gup_cow_exclusive)}},
    {"ksm",
     "ksm: Linux 4.19 with KSM's write_protect_page (mm/ksm.c since 2.6.32, "
     "31dbd01f): ptep_clear_flush, then the page_count check",
     "torvalds/linux mm/ksm.c as stored (@0118fb82: write_protect_page, "
     "try_to_merge_one_page); the rest as 4.19",
     "4.19",
     {0},
     {{0}}},
    {"wp-glisse",
     "wp-glisse, SYNTHETIC, never merged: 4.19 with the generic page write "
     "protection "
     "of Glisse's RFC (April 2018, seed 003) modelled as write_protect_page "
     "with the page_count check before ptep_clear_flush",
     "the RFC thread (linux-mm, 20180419145219.GB3519); "
     "../shared/kernel-facts.md R5; the rest as ksm",
     "4.19",
     {0},
     {ON(wp_check_before_clear)}},
};
const int mm_nvariants = (int)(sizeof mm_variants / sizeof mm_variants[0]);

/* The preset named 'name' into k, its base's first; 'depth' bounds the
   chain (a cycle in the table is a bug). */
static int preset(const char *name, mm_knobs *k, int depth) {
  assert(depth <= mm_nvariants);
  for (int i = 0; i < mm_nvariants; i++) {
    const mm_variant *v = &mm_variants[i];
    if (strcmp(v->name, name))
      continue;
    if (!v->base) {
      *k = v->knobs;
      return 0;
    }
    int rc = preset(v->base, k, depth + 1);
    assert(rc == 0); /* every base is in the table */
    for (int c = 0; c < MM_MAX_CHANGES && v->changes[c].set; c++) {
      assert(v->changes[c].offset % sizeof(int) == 0 &&
             v->changes[c].offset < sizeof *k);
      *(int *)((char *)k + v->changes[c].offset) = v->changes[c].value;
    }
    return rc;
  }
  return -1;
}

int mm_variant_preset(const char *name, mm_knobs *k) {
  return preset(name, k, 0);
}

const char *mm_variant_names(void) {
  static char buf[32 * 16];
  if (!buf[0]) {
    size_t len = 0;
    for (int i = 0; i < mm_nvariants && len < sizeof buf; i++)
      len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
                              i ? ", " : "", mm_variants[i].name);
  }
  return buf;
}

int mm_knob_find(const char *name) {
  for (int i = 0; i < mm_nknobs; i++)
    if (!strcmp(mm_knob_table[i].name, name))
      return i;
  return -1;
}

void mm_knob_set(mm_knobs *k, int idx, int value) {
  *(int *)((char *)k + mm_knob_table[idx].offset) = value;
}

int mm_knob_get(const mm_knobs *k, int idx) {
  return *(const int *)((const char *)k + mm_knob_table[idx].offset);
}

int mm_variant_split(const char *variant, char preset[16], const char **over) {
  size_t n = strcspn(variant, "+");
  if (n >= 16)
    return -1;
  memcpy(preset, variant, n);
  preset[n] = 0;
  *over = variant[n] ? variant + n + 1 : NULL;
  return 0;
}

int mm_knobs_apply(mm_knobs *k, const char *over, char *err, size_t errlen) {
  for (const char *p = over; *p;) {
    size_t n = strcspn(p, "+");
    const char *eq = memchr(p, '=', n);
    char name[64] = "";
    int idx = -1;
    if (eq && (size_t)(eq - p) < sizeof name) {
      memcpy(name, p, (size_t)(eq - p));
      name[eq - p] = 0;
      idx = mm_knob_find(name);
    }
    if (idx < 0) {
      /* "did you mean", as the scenario's 'set' line says it */
      char list[1024], dym[64];
      const char *names[64];
      assert(mm_nknobs <= 64);
      for (int i = 0; i < mm_nknobs; i++)
        names[i] = mm_knob_table[i].name;
      lex_join(list, sizeof list, names, mm_nknobs, " ");
      snprintf(err, errlen,
               "error: unknown knob in variant override '%.*s'%s, expected "
               "KNOB=on|off with KNOB one of mmsim check --knobs",
               (int)n, p,
               name[0] ? lex_suggest(dym, sizeof dym, name, list) : "");
      return -1;
    }
    size_t vl = n - (size_t)(eq + 1 - p);
    const char *v = eq + 1;
    int on = (vl == 2 && !memcmp(v, "on", 2)) || (vl == 1 && *v == '1');
    int off = (vl == 3 && !memcmp(v, "off", 3)) || (vl == 1 && *v == '0');
    if (!on && !off) {
      snprintf(err, errlen,
               "error: bad value '%.*s' for knob '%s' in a variant override, "
               "expected on, off, 1 or 0",
               (int)vl, v, name);
      return -1;
    }
    mm_knob_set(k, idx, on);
    p += n + (p[n] == '+');
  }
  return 0;
}
