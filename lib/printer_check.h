/*
 * printer_check — poll stored printers and record what was found: the database side of a poll
 * (the batch poller's --device, the API's and the pages' "poll now").
 *
 * For each device: load it (address, decrypted community, stored MAC, its store's subnets),
 * poll it (lib/printer_poll.h), then in one transaction per device:
 *   - a reading whose MAC matches (or the first MAC ever seen) replaces the supplies, the
 *     colour summary and the status/identity, appends history (supply levels when changed or
 *     an hour old; up/down with latency) and marks the device online, mac_status verified;
 *   - a reading with a different MAC means another device holds the address: nothing of it is
 *     stored, mac_status becomes mismatch (event mac_mismatch), and the stored MAC is looked for
 *     in the store's subnets (lib/rediscover.h); found → the address is updated (event
 *     ip_changed) and the printer is read there;
 *   - no answer: last_error and a down sample; the last good readings stay (with their age).
 * Every poll goes through the state machine of lib/resilience.h (device_poll_state rows):
 * an online device is pending_offline until POLL_OFFLINE_CONFIRMATIONS failures in a row,
 * then offline; failures open the circuit. Devices asked for by id are polled even with an
 * open circuit (the poll is the half-open probe). Every transition writes one event
 * (pending_offline, offline, recovered, circuit_*, mac_mismatch, ip_changed).
 */
#ifndef INFRASCOPE_PRINTER_CHECK_H
#define INFRASCOPE_PRINTER_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct config;
struct db;

struct printer_check_summary {
	size_t polled;                  /* polled and recorded */
	size_t up, down;                /* of those, shown online (incl. pending) / offline */
	size_t answered;                /* of those, polls that succeeded (the device itself
					 * answered usefully, at its address or a new one) */
	size_t errors;                  /* polls that failed, and devices not recorded */
	size_t moved, mismatched;       /* found at a new address / another MAC, not found */
	size_t skipped;                 /* open circuit (poll-all only) */
	size_t devices;                 /* in scope (polled, skipped, or not recorded) */
	double poll_ms;                 /* wall time spent polling (SNMP, TCP), all batches */
	double record_ms;               /* wall time spent writing the results to PostgreSQL */
};

/*
 * printer_check_ids — poll the printers with these ids (ERR_NOTFOUND when one is not a
 * printer). trace_id may be NULL. Returns 0 when every result was recorded, else the first
 * database error (devices finished before it stay recorded).
 */
int printer_check_ids(struct db *db, const struct config *cfg, const int64_t *ids, size_t n,
		      const char *trace_id, struct printer_check_summary *out, struct err *e);

/* What a poll-all covers: NULL fields mean all. */
struct printer_check_scope {
	const char *store_code;         /* compared folded (search_fold) */
	const char *kind;               /* laser_printer | label_printer */
};

/* Progress: called once the scope is known (0 done) and after each batch, with the devices
 * done so far and the total. */
typedef void (*printer_check_progress_fn)(void *arg, size_t done, size_t total);

/*
 * printer_check_all — the poll-all of printers in scope: batches of POLL_BATCH_SIZE
 * devices, each polled with POLL_CONCURRENCY in flight and POLL_JITTER_MAX_MS jitter, then
 * recorded in one transaction. Open circuits are skipped (out->skipped). Returns 0, or the
 * first database error (batches finished before it stay recorded, the failing one is rolled
 * back whole: no device is half-written).
 */
int printer_check_all(struct db *db, const struct config *cfg,
		      const struct printer_check_scope *scope, printer_check_progress_fn progress,
		      void *progress_arg, const char *trace_id, struct printer_check_summary *out,
		      struct err *e);

#endif
