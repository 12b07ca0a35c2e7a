/*
** timeline_int.h - what timeline.c (the log's reader) shares with
** timeline_locks.c (lock holds and blocked intervals): the log being
** read and its query helpers.  Internal to reports/.
*/
#ifndef MMSIM_TIMELINE_INT_H
#define MMSIM_TIMELINE_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "reports/timeline.h"

/* The log being read. */
typedef struct tl_reader {
  timeline *t;
  sqlite3 *db;
  const char *path;
  char *err;
  size_t errlen;
} tl_reader;

/* Prepares 'sql' with ?1 bound to 'arg'; -1 with the error in r. */
int tl_prepare(tl_reader *r, const char *sql, int64_t arg, sqlite3_stmt **st);
/* A copy of text column c, NULL for NULL. */
char *tl_col_dup(sqlite3_stmt *st, int c);

/* Phase 3 (timeline_locks.c): the lock holds, then the blocked
   intervals, that overlap the shown rows; -1 with the error in r. */
int tl_load_spans(tl_reader *r);
int tl_load_blocks(tl_reader *r);

#endif /* MMSIM_TIMELINE_INT_H */
