/*
** intern.h - the event log writer's string table: text -> row id in the
** `string` table, kept in memory so that each string is looked up in
** SQLite at most once per log handle (reports/log.c does the SQL).
*/
#ifndef MMSIM_INTERN_H
#define MMSIM_INTERN_H

#include <stddef.h>
#include <stdint.h>

typedef struct intern_ent intern_ent;

typedef struct intern_tab {
  intern_ent *ent; /* open addressing, cap a power of two (or 0) */
  size_t cap, n;
} intern_tab;

/* The row id of 's' (never 0), or 0 if it is not in the table.  If found
   and 'copy' is given, *copy is the table's copy, stable until
   intern_clear. */
int64_t intern_find(const intern_tab *t, const char *s, const char **copy);
/* Adds 's', not in the table yet, with row id 'id' > 0; returns the
   table's copy, or NULL when out of memory. */
const char *intern_add(intern_tab *t, const char *s, int64_t id);
/* Forgets every string (after a rollback), keeping the capacity. */
void intern_clear(intern_tab *t);
void intern_free(intern_tab *t);

#endif /* MMSIM_INTERN_H */
