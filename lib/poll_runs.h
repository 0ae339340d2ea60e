/*
 * poll_runs — one poll-all at a time (SPEC §2): the PostgreSQL advisory lock that guards it,
 * and the poll_runs rows that say since when one runs and what each run found.
 *
 * A run takes the lock on its own session (it dies with the connection, so a killed run
 * leaves no lock behind), then poll_run_begin() closes rows of runs that ended without
 * saying so (killed: status failed) and opens its own; poll_run_end() closes it.
 */
#ifndef INFRASCOPE_POLL_RUNS_H
#define INFRASCOPE_POLL_RUNS_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct db;
struct printer_check_summary;

/* pg_try_advisory_lock key: "pollall" in ASCII, recognisable in pg_locks. */
#define POLL_ALL_LOCK_KEY 0x706f6c6c616c6cLL

/* poll_run_lock — try the lock; *acquired says whether this session holds it now. */
int poll_run_lock(struct db *db, bool *acquired, struct err *e);

/* poll_run_holder — the running run's start ("2026-11-27 03:10:04+00") and pid, for the
 * message of a second start; "" and 0 when no row says so. since holds 64 bytes. */
int poll_run_holder(struct db *db, char since[64], int *pid, struct err *e);

/* poll_run_begin — open this run's row (scope as given, NULLs for all); *id gets its id. */
int poll_run_begin(struct db *db, const char *store_code, const char *kind, const char *trace_id,
		   int64_t *id, struct err *e);

/* poll_run_end — close the row: done with the summary, or failed with message. */
int poll_run_end(struct db *db, int64_t id, bool ok, const struct printer_check_summary *s,
		 long devices, long duration_ms, const char *message, struct err *e);

#endif
