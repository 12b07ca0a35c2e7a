/*
** schema.h - the event log's identity and vocabulary, shared by the writer
** (reports/log.c) and the timeline reader (reports/timeline.c).
**
** One place for what both sides must agree on: the application id and
** schema version stamped in the file header, the text stored for each
** enum sim_op (access.kind), enum sim_flow_kind (flow.kind) and
** enum sim_outcome (execution.outcome), the CREATE statements, and the
** check that a file is an mmsim log of this version.  The tables are
** described for users in reports/SCHEMA.md; keep the two in step, and bump
** RLOG_SCHEMA_VERSION for any change to schema_sql.
*/
#ifndef MMSIM_SCHEMA_H
#define MMSIM_SCHEMA_H

#include <stddef.h>

#include <sqlite3.h>

#include "sim/sim.h"

#define RLOG_APP_ID 0x6d6d7369 /* "mmsi": PRAGMA application_id */
#define RLOG_SCHEMA_VERSION 7  /* PRAGMA user_version */

/* The CREATE TABLE and CREATE VIEW statements of version
   RLOG_SCHEMA_VERSION, without the PRAGMAs. */
extern const char schema_sql[];

/* access.kind for each enum sim_op: "R", "W", "L", "Ls", "T", "U", "Us",
   "Wait", "A". */
extern const char *const schema_access_kind[SIM_OP__COUNT];
/* flow.kind for each enum sim_flow_kind: "lock", "reads-from", "wakeup",
   "from-read". */
extern const char *const schema_flow_kind[SIM_FLOW__COUNT];

/* The enum sim_op stored as access.kind 'k', or -1 if unknown. */
int schema_access_op(const char *k);
/* The enum sim_flow_kind stored as flow.kind 'k', or -1 if unknown. */
int schema_flow_index(const char *k);
/* execution.outcome for a finished execution. */
const char *schema_outcome_name(enum sim_outcome o);

/* What schema_check found in an opened database. */
enum schema_state {
  SCHEMA_ERROR = -1, /* unreadable, foreign, or another version: see err */
  SCHEMA_EMPTY = 0,  /* an empty database: no tables, no stamp */
  SCHEMA_OK = 1,     /* an mmsim log of RLOG_SCHEMA_VERSION */
};

/* Checks the header of 'db' (opened from 'path') without writing to it;
   on SCHEMA_ERROR, 'err' holds a one-line message naming 'path'. */
enum schema_state schema_check(sqlite3 *db, const char *path, char *err,
                               size_t errlen);

/* Creates the tables and views in an empty database and stamps it; the
   caller holds a transaction.  Returns SQLite's code. */
int schema_create(sqlite3 *db);

#endif /* MMSIM_SCHEMA_H */
