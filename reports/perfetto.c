/*
** perfetto.c - one logged execution as a Chrome trace-event JSON file,
** which ui.perfetto.dev and chrome://tracing open.
**
** Read through the timeline model (reports/timeline.h) with every event
** (no slice).  The mapping, in the trace-event format's terms (the "JSON
** Array/Object Format" document of the Chromium project):
**
**   process 1, "mmsim: SCENARIO (VARIANT)"      the execution
**   a thread per lane (ph "M" thread_name, sort index = tid)
**   a complete slice (ph "X") per step: name "fn: op", args object,
**     before, after, seq; ts and dur in microseconds (the log's ns / 1000)
**   an async slice (ph "b"/"e", cat "lock") per lock hold, on the
**     thread's own track, from the end of the acquiring step to the end
**     of the releasing one (a hold still open runs to the last step)
**   an async slice (ph "b"/"e", cat "blocked") per blocked interval, on
**     the waiter's track, from the first step run while it waited to the
**     end of the release it waited for, with the holder in its args (the
**     intervals timeline.c derives from the log's grants and lock holds)
**   a flow (ph "s" -> "f", binding point "e") per happens-before arrow:
**     lock handoff, reads-from, wakeup, from-read
**   an instant (ph "i", scope global) at the violating step, named after
**     the kind, with the model's message
*/
#include "reports/perfetto.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/schema.h"
#include "reports/strbuf.h"
#include "reports/timeline.h"

/* Microseconds from the log's nanoseconds, exact to the ns. */
static void us(strbuf *b, int64_t ns) {
  sb_printf(b, "%" PRId64 ".%03" PRId64, ns / 1000, ns % 1000);
}

static void comma(strbuf *b, int *first) {
  sb_puts(b, *first ? "\n" : ",\n");
  *first = 0;
}

/* The event 'seq' (every event is loaded), NULL if the log lacks it. */
static const tl_event *event_of(const timeline *t, int64_t seq) {
  int64_t r = timeline_row_at_or_after(t, seq);
  return r < t->nev && t->ev[r].seq == seq ? &t->ev[r] : NULL;
}

static void write_steps(strbuf *b, const timeline *t, int *first) {
  for (int64_t i = 0; i < t->nev; i++) {
    const tl_event *e = &t->ev[i];
    strbuf name = {0};
    sb_printf(&name, "%s%s%s", e->fn ? e->fn : "", e->fn ? ": " : "",
              e->op ? e->op : "?");
    comma(b, first);
    sb_puts(b, "{\"ph\":\"X\",\"pid\":1,\"tid\":");
    sb_printf(b, "%d,\"ts\":", e->tid);
    us(b, e->ts);
    sb_puts(b, ",\"dur\":");
    us(b, e->dur > 0 ? e->dur : 0);
    sb_puts(b, ",\"cat\":\"step\",\"name\":");
    sb_json(b, name.p);
    sb_printf(b, ",\"args\":{\"seq\":%" PRId64 ",\"depth\":%d", e->seq,
              e->depth);
    const char *keys[] = {"object", "before", "after"};
    const char *vals[] = {e->obj, e->before, e->after};
    for (int k = 0; k < 3; k++)
      if (vals[k]) {
        sb_printf(b, ",\"%s\":", keys[k]);
        sb_json(b, vals[k]);
      }
    sb_puts(b, "}}");
    free(name.p);
  }
}

/* The head of one event of a begin/end or flow pair, up to its time:
   the caller adds its arguments and the closing brace. */
static void pair_event(strbuf *b, int *first, const char *ph, int tid,
                       const char *cat, int64_t id, const char *name,
                       int64_t ts_ns) {
  comma(b, first);
  sb_printf(b,
            "{\"ph\":\"%s\",\"pid\":1,\"tid\":%d,\"cat\":\"%s\","
            "\"id\":%" PRId64 ",\"name\":",
            ph, tid, cat, id);
  sb_json(b, name);
  sb_puts(b, ",\"ts\":");
  us(b, ts_ns);
}

static void write_holds(strbuf *b, const timeline *t, int *first) {
  for (int s = 0; s < t->nspans; s++) {
    const tl_span *sp = &t->spans[s];
    const tl_event *from = event_of(t, sp->from), *to = event_of(t, sp->to);
    if (!from || !to)
      continue;
    for (int end = 0; end < 2; end++) {
      const tl_event *e = end ? to : from;
      pair_event(b, first, end ? "e" : "b", sp->tid, "lock", s + 1, sp->name,
                 e->ts + e->dur);
      if (!end && sp->held)
        sb_puts(b, ",\"args\":{\"held at the end\":true}");
      sb_puts(b, "}");
    }
  }
}

/* Blocked intervals (reports/timeline.c derives them) as async slices on
   the waiter's track, from the first step run while it waited to the
   release it waited for; ids after the lock holds'. */
static void write_blocks(strbuf *b, const timeline *t, int *first) {
  for (int k = 0; k < t->nblocks; k++) {
    const tl_block *bl = &t->blocks[k];
    const tl_event *from = event_of(t, bl->from), *to = event_of(t, bl->until);
    if (!from || !to)
      continue;
    strbuf n = {0};
    sb_printf(&n, "blocked on %s", bl->lock);
    for (int end = 0; end < 2; end++) {
      pair_event(b, first, end ? "e" : "b", bl->tid, "blocked",
                 t->nspans + k + 1, n.p, end ? to->ts + to->dur : from->ts);
      if (!end)
        sb_printf(b, ",\"args\":{\"holder tid\":%d,\"held since\":%" PRId64 "}",
                  bl->holder, bl->held_from);
      sb_puts(b, "}");
    }
    free(n.p);
  }
}

static void write_flows(strbuf *b, const timeline *t, int *first) {
  for (int64_t i = 0; i < t->nflows; i++) {
    const tl_flow *fl = &t->flows[i];
    const tl_event *from = event_of(t, fl->from), *to = event_of(t, fl->to);
    if (!from || !to)
      continue;
    for (int end = 0; end < 2; end++) {
      const tl_event *e = end ? to : from;
      pair_event(b, first, end ? "f" : "s", e->tid, schema_flow_kind[fl->kind],
                 i + 1, fl->obj ? fl->obj : "",
                 end ? e->ts : e->ts + e->dur / 2);
      sb_puts(b, end ? ",\"bp\":\"e\"}" : "}");
    }
  }
}

int perfetto_export(const char *dbpath, int64_t exec_id, const char *out,
                    char *err, size_t errlen) {
  timeline t;
  render_opts o = {.exec_id = exec_id, .full = 1};
  if (timeline_load(&t, dbpath, &o, err, errlen)) {
    timeline_free(&t);
    return -1;
  }
  strbuf b = {0}, title = {0};
  int first = 1;
  sb_puts(&b, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[");
  sb_printf(&title, "mmsim: %s (%s), execution %" PRId64,
            t.title ? t.title : "?", t.variant ? t.variant : "?", t.exec_id);
  comma(&b, &first);
  sb_puts(&b, "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":"
              "{\"name\":");
  sb_json(&b, title.p);
  sb_puts(&b, "}}");
  for (int th = 0; th < t.nth; th++) {
    comma(&b, &first);
    sb_printf(&b,
              "{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":\"thread_name\","
              "\"args\":{\"name\":",
              t.th[th].tid);
    sb_json(&b, t.th[th].name);
    sb_puts(&b, "}}");
    comma(&b, &first);
    sb_printf(&b,
              "{\"ph\":\"M\",\"pid\":1,\"tid\":%d,\"name\":"
              "\"thread_sort_index\",\"args\":{\"sort_index\":%d}}",
              t.th[th].tid, t.th[th].tid);
  }
  write_steps(&b, &t, &first);
  write_holds(&b, &t, &first);
  write_blocks(&b, &t, &first);
  write_flows(&b, &t, &first);
  if (t.has_viol) {
    const tl_event *v = event_of(&t, t.vseq);
    comma(&b, &first);
    sb_printf(&b, "{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":%d,",
              v ? v->tid : 0);
    sb_puts(&b, "\"cat\":\"violation\",\"name\":");
    sb_json(&b, t.vkind ? t.vkind : "?");
    sb_puts(&b, ",\"ts\":");
    us(&b, v ? v->ts + v->dur : t.end_ns);
    sb_puts(&b, ",\"args\":{\"message\":");
    sb_json(&b, t.vmsg ? t.vmsg : "");
    sb_printf(&b, ",\"seq\":%" PRId64 "}}", t.vseq);
  }
  sb_puts(&b, "\n]}\n");
  int rc = 0;
  FILE *f = fopen(out, "w");
  if (!f || fwrite(b.p, 1, b.n, f) != b.n) {
    snprintf(err, errlen, "cannot write %s", out);
    rc = -1;
  }
  if (f && fclose(f) && !rc) {
    snprintf(err, errlen, "cannot write %s", out);
    rc = -1;
  }
  free(b.p);
  free(title.p);
  timeline_free(&t);
  return rc;
}
