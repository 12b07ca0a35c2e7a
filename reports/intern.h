/*
** intern.h - the event log writer's string table: text -> the writer's
** local id of the string, kept in memory so that each string is given to
** SQLite once per log handle (reports/logwriter.c does the SQL).
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

/* The id of 's' (never 0), or 0 if it is not in the table.  If found
   and 'copy' is given, *copy is the table's copy, stable until
   intern_clear. */
int64_t intern_find(const intern_tab *t, const char *s, const char **copy);
/* Adds 's', not in the table yet, with id 'id' > 0; returns the
   table's copy, or NULL when out of memory. */
const char *intern_add(intern_tab *t, const char *s, int64_t id);
/* Forgets every string, keeping the capacity. */
void intern_clear(intern_tab *t);
void intern_free(intern_tab *t);

#endif /* MMSIM_INTERN_H */
