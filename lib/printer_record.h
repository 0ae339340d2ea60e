/*
 * printer_record — write the outcome of a round of printer polls to PostgreSQL, set-based: at
 * most a dozen statements per batch whatever its size (each takes the batch's rows as one JSON
 * parameter, or keys as arrays), only those with rows to write (a steady batch: two), inside
 * the caller's transaction. A 10,000-printer poll-all is then a few dozen statements and one
 * commit per batch, not tens of thousands of round trips.
 *
 * Per record (what lib/printer_check decided):
 *   RECORD_UP        the printer answered: devices online (model, MAC adopted when asked,
 *                    last_read_at when there is a reading); details, supplies and colours
 *                    rewritten only when the reading's fingerprint differs from the stored
 *                    one (most polls read what is stored: toner moves slowly); supply history
 *                    for the supplies whose level or state changed, and for all of them when
 *                    the last full sample is an hour old;
 *   RECORD_DOWN      no useful answer: state as the state machine says, last_error; the last
 *                    good readings stay;
 *   RECORD_MISMATCH  another device at the address: mac_status mismatch, its MAC noted as
 *                    foreign_mac, nothing of it stored; state as for DOWN.
 * Every record also writes its up/down sample, its device_poll_state row when the state
 * machine's memory changed, and one event per state-machine transition (plus mac_mismatch on
 * that transition).
 */
#ifndef INFRASCOPE_PRINTER_RECORD_H
#define INFRASCOPE_PRINTER_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "printer_poll.h"
#include "resilience.h"

struct arena;
struct db;

enum printer_record_kind { RECORD_UP = 0, RECORD_DOWN, RECORD_MISMATCH };

/* What printer_details says of the stored reading (loaded with the device). */
struct printer_stored {
	bool has_fingerprints;              /* false: unknown; a reading writes everything */
	int64_t details_fingerprint, supplies_fingerprint;
	bool sample_due;                    /* no full supply sample in the last hour */
	bool foreign_mac;                   /* a foreign MAC is noted: a good reading clears it */
};

struct printer_record {
	int64_t device_id, store_id;        /* store_id 0 = none */
	const char *kind;                   /* devices.kind, for events */
	const char *address;                /* for event messages; may be NULL (usb) */
	enum printer_record_kind what;
	const struct printer_target *t;     /* RECORD_UP: the poll (t->reading may be NULL) */
	bool adopt_mac;                     /* RECORD_UP: store the MAC read, mark it verified */
	const char *why;                    /* DOWN / MISMATCH: the last_error */
	const char *seen_mac, *expected_mac; /* MISMATCH */
	bool mismatch_event;                /* MISMATCH: it is a transition: write mac_mismatch */
	struct resilience was;              /* as stored before the poll (device_poll_state) */
	struct resilience res;              /* after the poll */
	struct printer_stored stored;       /* RECORD_UP: to skip rewriting an unchanged reading */
	const enum resilience_event *events; /* transitions to write, nevents of them */
	size_t nevents;
};

/*
 * printer_record_batch — write n records in the open transaction of db. Returns 0 or the
 * db_exec error of the first failing statement (the caller rolls back; it may then retry
 * records one by one to find a bad one).
 */
int printer_record_batch(struct db *db, const struct printer_record *r, size_t n,
			 const char *trace_id, struct arena *a, struct err *e);

/*
 * printer_reading_fingerprints — 64-bit fingerprints of what a reading stores: *details of
 * printer_details' identity and status (port_9100_open included, from t), *supplies of the
 * supplies and the colour summary. Equal readings give equal fingerprints; any stored field
 * that differs changes them (FNV-1a over every field, each with its length or its width).
 * t->reading must not be NULL.
 */
void printer_reading_fingerprints(const struct printer_target *t, int64_t *details,
				  int64_t *supplies);

#endif
