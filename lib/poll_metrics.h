/*
 * poll_metrics — the node_exporter textfile of a poll-all: METRICS_TEXTFILE_DIR/
 * infrascope_poll.prom, rewritten atomically (lib/textfile.h) at the end of every run, also
 * of a failed one (SPEC §7, PROTOCOLS.md §7). docs/OPERATIONS.md lists the metrics.
 *
 * Two halves. poll_metrics_collect() asks PostgreSQL, after the run, in two statements: device
 * counts by kind, store and state (all kinds: this file is the one place infrascope_devices
 * comes from), this run's errors by protocol and its events (by the run's trace_id), the end of
 * the last successful run (poll_runs), and every printer colour's level. poll_metrics_render()
 * turns that plus the run's summary into exposition text; it is pure, so tests feed it
 * anything. poll_metrics_write() does both and writes the file.
 *
 * Per-run numbers are gauges named *_last_run (a textfile is rewritten from scratch each run,
 * so a "_total" in it would reset every time: not a counter). Every family has HELP and TYPE,
 * families come in a fixed order, label values are escaped (\\ \" \n) and made valid UTF-8,
 * no sample carries a timestamp: the file passes `promtool check metrics` and the collector.
 *
 *   infrascope_poll_last_run_success{job="poll_all"}          1 done / 0 failed
 *   infrascope_poll_duration_seconds{job="poll_all"}          of the last run
 *   infrascope_last_success_timestamp_seconds{job="poll_all"} end of the last run that finished
 *                                                             (a failed run keeps the previous)
 *   infrascope_poll_devices_last_run{result}                  polled|skipped|error|moved|mac_mismatch
 *   infrascope_poll_errors_last_run{protocol}                 snmp|tcp
 *   infrascope_circuit_events_last_run{event}                 circuit_opened|circuit_half_open|circuit_closed
 *   infrascope_device_events_last_run{event}                  pending_offline|offline|recovered|...
 *   infrascope_devices{kind,store,state}                      devices.state counts (store code, "" for none)
 *   infrascope_devices_up{kind,store}                         online + pending_offline
 *   infrascope_printer_supply_level_ratio{device,name,store,colour,supply}  0..1, numbers only
 */
#ifndef INFRASCOPE_POLL_METRICS_H
#define INFRASCOPE_POLL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct db;
struct sbuf;
struct printer_check_summary;

#define POLL_METRICS_FILE "infrascope_poll.prom"

/* One row of devices by kind, store code ("" = none) and state (devices.state). */
struct poll_metrics_devices {
	const char *kind, *store, *state;
	long long count;
};

/* One printer colour with a known level (printer_colours.state = 'percent'). */
struct poll_metrics_supply {
	int64_t device_id;
	const char *name, *store, *colour;
	int supply_index;               /* prtMarkerSuppliesIndex of the colour's toner */
	double ratio;                   /* 0..1; NaN is left out */
};

/* Events of the run by type (events.type); types outside the known sets are ignored. */
struct poll_metrics_event {
	const char *type;
	long long count;
};

struct poll_metrics {
	/* The run: always known. */
	bool run_ok;                    /* the poll-all finished (poll_runs status done) */
	double duration_seconds;
	const struct printer_check_summary *summary; /* NULL: the run never started polling */
	double last_success;            /* epoch seconds of the last finished run; NaN = unknown */

	/* From PostgreSQL after the run; have_db false leaves these families out. */
	bool have_db;
	long long errors_snmp, errors_tcp;
	const struct poll_metrics_event *events;
	size_t nevents;
	const struct poll_metrics_devices *devices; /* any order; duplicates are added up */
	size_t ndevices;
	const struct poll_metrics_supply *supplies; /* one per (device, colour) */
	size_t nsupplies;
};

/*
 * poll_metrics_render — append the exposition text of m to out. Returns 0, ERR_NOMEM when a
 * temporary copy could not be made, or the sbuf error (ERR_LIMIT) when out hit its bound.
 */
int poll_metrics_render(const struct poll_metrics *m, struct sbuf *out);

/*
 * poll_metrics_previous_success — the infrascope_last_success_timestamp_seconds value in the
 * text of an earlier file; NaN when text is NULL or has none.
 */
double poll_metrics_previous_success(const char *text);

/*
 * poll_metrics_collect — fill the PostgreSQL half of m (have_db, errors, events, devices,
 * supplies, and last_success when a finished run exists) for the run with id run_id (0: none
 * began) and trace_id (NULL: none). Strings and arrays live in a. Returns 0 or the db error.
 */
int poll_metrics_collect(struct db *db, int64_t run_id, const char *trace_id, struct arena *a,
			 struct poll_metrics *m, struct err *e);

/* What poll_metrics_write needs to know about the run. */
struct poll_metrics_run {
	bool ok;
	int64_t run_id;                 /* 0 when no poll_runs row was opened */
	const char *trace_id;
	const struct printer_check_summary *summary; /* NULL when polling never started */
	double duration_seconds;
};

/*
 * poll_metrics_write — collect (when db is not NULL), render and write dir/infrascope_poll.prom.
 * When PostgreSQL cannot be asked, the file still gets the run's own families, and the last
 * success is carried over from the file being replaced. Returns 0 when the whole file was
 * written; otherwise e says what is missing: ERR_DB_DOWN/ERR_DB (written without the
 * database's families) or the textfile error (nothing written, the old file stays).
 */
int poll_metrics_write(struct db *db, const char *dir, const struct poll_metrics_run *run,
		       struct err *e);

struct poll_all_result;

/*
 * poll_metrics_after_run — the textfile after a poll_all_run() (lib/poll_all.h) that got the
 * lock, also a failed one: res NULL when the run never reached the database. Used by both
 * `infrascope-poll --all` and the "poll all" tasks. A failure is for the caller to warn about,
 * never a failed poll.
 */
int poll_metrics_after_run(struct db *db, const char *dir, const struct poll_all_result *res,
			   bool ok, const char *trace_id, struct err *e);

#endif
