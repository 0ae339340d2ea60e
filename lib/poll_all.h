/*
 * poll_all — one poll-all run of printers, as the scheduled `infrascope-poll --all` and a
 * "poll all" task (batch/infrascope-task) both do it: take the one-at-a-time advisory lock
 * (lib/poll_runs.h), open the run's poll_runs row, poll every printer in scope
 * (printer_check_all, with progress), close the row with the summary (or failed with the
 * error), log `poll_all_done` / `poll_all_failed` with the trace id, and let the lock go.
 *
 * When another run holds the lock: with wait_seconds 0 the answer is ERR_CONFLICT at once;
 * otherwise the lock is tried again every second, calling waiting() each time, until it is
 * taken or wait_seconds passed (then ERR_CONFLICT). The message of ERR_CONFLICT is
 * "poll-all already running since 2026-11-27 03:10:04 UTC (pid 123)" (or without "since ..."
 * when the holder's row says nothing).
 */
#ifndef INFRASCOPE_POLL_ALL_H
#define INFRASCOPE_POLL_ALL_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "printer_check.h"

struct config;
struct db;

struct poll_all_options {
	const char *trace_id;                   /* 32 hex digits, or NULL */
	int wait_seconds;                       /* for the lock; 0 = do not wait */
	/* Called about once a second while waiting: since ("" when unknown) and the holder's pid. */
	void (*waiting)(void *arg, const char *since, int pid);
	printer_check_progress_fn progress;     /* after each batch; may be NULL */
	void *arg;                              /* for waiting and progress */
};

struct poll_all_result {
	struct printer_check_summary sum;       /* what was found (also on failure: so far) */
	long duration_ms;                       /* from taking the lock to the end */
	int64_t run_id;                         /* the poll_runs row (0 when none was opened) */
	bool waited;                            /* the lock was held by another run at first */
	struct err record;                      /* the summary could not be recorded (code != 0) */
};

/*
 * poll_all_run — the run described above over scope (NULL fields = all). Returns 0 when every
 * printer in scope was polled and recorded (out->record says whether closing the poll_runs row
 * failed: the polls themselves are stored), ERR_CONFLICT when the lock was not had, or the
 * first failure (ERR_DB_DOWN, ...: batches finished before it stay recorded).
 */
int poll_all_run(struct db *db, const struct config *cfg, const struct printer_check_scope *scope,
		 const struct poll_all_options *o, struct poll_all_result *out, struct err *e);

#endif
