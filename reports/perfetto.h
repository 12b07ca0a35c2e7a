/*
** perfetto.h - one logged execution as a Chrome trace-event JSON file for
** ui.perfetto.dev (reports/perfetto.c says what maps to what).
*/
#ifndef MMSIM_PERFETTO_H
#define MMSIM_PERFETTO_H

#include <stddef.h>
#include <stdint.h>

/* Writes execution 'exec_id' of the log at 'dbpath' (0: its last
   violating execution, else its last) to 'out'.  Returns 0, or -1 with a
   message. */
int perfetto_export(const char *dbpath, int64_t exec_id, const char *out,
                    char *err, size_t errlen);

#endif /* MMSIM_PERFETTO_H */
