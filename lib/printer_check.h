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
	size_t polled, up, down, errors, moved, mismatched;
	size_t skipped;                 /* open circuit (poll-all only) */
};

/*
 * printer_check_ids — poll the printers with these ids (ERR_NOTFOUND when one is not a
 * printer). trace_id may be NULL. Returns 0 when every result was recorded, else the first
 * database error (devices finished before it stay recorded).
 */
int printer_check_ids(struct db *db, const struct config *cfg, const int64_t *ids, size_t n,
		      const char *trace_id, struct printer_check_summary *out, struct err *e);

#endif
