/*
** html.c - `explore --html FILE`: one self-contained page per exploration,
** for a reader who was not at the terminal.
**
** The page holds, top to bottom: the scenario's title and path; the
** variants side by side (expectation, executions, cut, pruned, states,
** kinds found, verdict, whether it was met); then for each kind of each
** variant its minimal counterexample: the replay command, the race report
** (reports/racereport.h) and the timeline (reports/render.h) inlined as
** SVG; last, the scenario file itself, whose comments carry its race
** diagram.  Everything is inline (styles, pictures): the file can be
** mailed or attached to a bug.  The counterexamples are read back from
** the exploration's log, so the page needs one (not --no-log).
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/cli/campaign.h"
#include "reports/cli/cli.h"
#include "reports/racereport.h"
#include "reports/render.h"
#include "reports/strbuf.h"

/* What a byte becomes in HTML text and attribute values (NULL: itself). */
static const char *const esc_of[256] = {
    ['<'] = "&lt;", ['>'] = "&gt;", ['&'] = "&amp;", ['"'] = "&quot;"};

/* 's' escaped for HTML text and attribute values. */
static void esc(strbuf *b, const char *s) {
  for (; s && *s; s++)
    if (esc_of[(unsigned char)*s])
      sb_puts(b, esc_of[(unsigned char)*s]);
    else
      sb_add(b, s, 1);
}

/* A whole file's text (NULL if unreadable). */
static char *slurp_file(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f)
    return NULL;
  strbuf b = {0};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    sb_add(&b, buf, n);
  fclose(f);
  if (!b.p)
    sb_puts(&b, "");
  return b.p;
}

static const char style[] =
    "body{font-family:sans-serif;margin:2em;max-width:1400px;color:#222}"
    "h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}"
    "table{border-collapse:collapse}"
    "td,th{border:1px solid #bbb;padding:.3em .6em;text-align:left;"
    "vertical-align:top}"
    "th{background:#eef3fb}td.num{text-align:right}"
    ".met{color:#070}.unmet{color:#c00;font-weight:bold}"
    "pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:12px}"
    "code.replay{display:block;background:#fff8e0;padding:.5em;"
    "font-size:12px;word-break:break-all}"
    ".timeline{overflow-x:auto;border:1px solid #ddd}"
    ".timeline svg{max-width:none}";

/* The variants side by side. */
static void variants_table(strbuf *b, const campaign *c) {
  sb_puts(b, "<h2>Variants</h2>\n<table class=\"variants\">\n<tr><th>variant"
             "</th><th>expected</th><th>executions</th><th>cut</th><th>"
             "pruned</th><th>states</th><th>kinds found</th><th>verdict</th>"
             "<th>met</th></tr>\n");
  for (int i = 0; i < c->nwanted; i++) {
    sb_puts(b, "<tr><td>");
    esc(b, c->wanted[i]);
    if (i >= c->nres) {
      sb_puts(b, "</td><td colspan=\"8\" class=\"unmet\">not explored "
                 "(stopped)</td></tr>\n");
      continue;
    }
    const camp_variant *r = &c->res[i];
    sb_puts(b, "</td><td>");
    esc(b, r->expect);
    sb_printf(b,
              "</td><td class=\"num\">%llu</td><td class=\"num\">%llu</td>"
              "<td class=\"num\">%llu</td><td class=\"num\">%llu</td><td>",
              (unsigned long long)r->st.execs, (unsigned long long)r->cut,
              (unsigned long long)r->st.pruned,
              (unsigned long long)(r->st.passes ? r->st.states : r->states.n));
    for (int k = 0; k < r->nkinds; k++) {
      sb_puts(b, k ? ", " : "");
      esc(b, r->kinds[k].name);
      sb_printf(b, " %llu", (unsigned long long)r->kinds[k].count);
    }
    if (!r->nkinds)
      sb_puts(b, "none");
    sb_puts(b, "</td><td>");
    esc(b, r->verdict);
    sb_printf(b, "</td><td class=\"%s\">%s</td></tr>\n",
              r->expect_met ? "met" : "unmet", r->expect_met ? "yes" : "NO");
  }
  sb_puts(b, "</table>\n");
}

/* A replay command of counterexample schedule 'sched', in a <code> of
   class 'cls'. */
static void replay_code(strbuf *b, const campaign *c, const camp_variant *r,
                        const char *cls, const char *sched) {
  sb_printf(b, "<code class=\"%s\">mmsim replay ", cls);
  esc(b, c->l->scn.path);
  if (!c->l->scn.litmus[0]) {
    sb_puts(b, " --variant ");
    esc(b, r->variant);
  }
  sb_puts(b, " --schedule '");
  esc(b, sched);
  sb_puts(b, "'</code>\n");
}

/* One counterexample: replay command, race report, timeline. */
static int counterexample(strbuf *b, const campaign *c, const camp_variant *r,
                          const camp_kind *kd, const char *db, char *err,
                          size_t errlen) {
  sb_puts(b, "<h2 class=\"kind\">");
  esc(b, r->variant);
  sb_puts(b, ": ");
  esc(b, kd->name);
  sb_printf(b,
            "</h2>\n<p>%s counterexample: %d preemption%s, %llu steps.</p>\n",
            kd->minimal ? "Minimal" : "Smallest seen", kd->pre,
            kd->pre == 1 ? "" : "s", (unsigned long long)kd->steps);
  replay_code(b, c, r, "replay", kd->sched);
  /* the same counterexample as a symbolic schedule (sim/symsched.h) */
  if (kd->symbolic && !strchr(kd->symbolic, '\'')) {
    sb_puts(b, "<p>Symbolic schedule:</p>\n");
    replay_code(b, c, r, "replay symbolic", kd->symbolic);
  } else {
    sb_puts(b, "<p class=\"symbolic\">Symbolic schedule: none (");
    esc(b, kd->symbolic ? "a quote in a label" : kd->symbolic_err);
    sb_puts(b, ").</p>\n");
  }
  if (!kd->log_exec)
    return 0; /* not re-run into the log: nothing to read back */
  char *text = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&text, &n);
  if (!f || race_report(db, kd->log_exec, 40, f, err, errlen)) {
    if (f)
      fclose(f);
    free(text);
    return -1;
  }
  fclose(f);
  sb_puts(b, "<pre class=\"race\">");
  esc(b, text);
  sb_puts(b, "</pre>\n");
  free(text);
  char svg[] = "/tmp/mmsim-html-XXXXXX.svg";
  int fd = mkstemps(svg, 4);
  if (fd < 0) {
    snprintf(err, errlen, "temporary file: %s", strerror(errno));
    return -1;
  }
  close(fd);
  render_opts ro = {.exec_id = kd->log_exec};
  int rc = render_timeline(db, svg, &ro, err, errlen);
  char *pic = rc ? NULL : slurp_file(svg);
  unlink(svg);
  if (rc || !pic) {
    if (!rc)
      snprintf(err, errlen, "cannot read the timeline %s", svg);
    free(pic);
    return -1;
  }
  /* inline: from the <svg element on (no XML declaration, no DOCTYPE) */
  const char *start = strstr(pic, "<svg");
  sb_puts(b, "<div class=\"timeline\">");
  sb_puts(b, start ? start : "");
  sb_puts(b, "</div>\n");
  free(pic);
  return 0;
}

int cli_html_report(const char *out, const campaign *c, const char *db,
                    char *err, size_t errlen) {
  strbuf b = {0};
  const scenario *s = &c->l->scn;
  sb_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
              "\"utf-8\">\n<title>mmsim explore: ");
  esc(&b, s->title);
  sb_puts(&b, "</title>\n<style>");
  sb_puts(&b, style);
  sb_puts(&b, "</style>\n</head>\n<body>\n<h1>");
  esc(&b, s->title);
  sb_puts(&b, "</h1>\n<p>Scenario <code>");
  esc(&b, s->path);
  sb_printf(&b, "</code>: every variant %s its expectation.</p>\n",
            c->all_met ? "meets" : "does NOT meet");
  variants_table(&b, c);
  int rc = 0;
  for (int i = 0; i < c->nres && !rc; i++)
    for (int k = 0; k < c->res[i].nkinds && !rc; k++)
      rc = counterexample(&b, c, &c->res[i], &c->res[i].kinds[k], db, err,
                          errlen);
  char *text = rc ? NULL : slurp_file(s->path);
  if (!rc) {
    sb_puts(&b, "<h2>The scenario</h2>\n<pre class=\"scenario\">");
    esc(&b, text ? text : "(unreadable)");
    sb_puts(&b, "</pre>\n</body>\n</html>\n");
  }
  free(text);
  FILE *f = rc ? NULL : fopen(out, "w");
  if (!rc && (!f || fwrite(b.p, 1, b.n, f) != b.n || fclose(f))) {
    snprintf(err, errlen, "cannot write %s: %s", out, strerror(errno));
    rc = -1;
  }
  sb_free(&b);
  return rc;
}
