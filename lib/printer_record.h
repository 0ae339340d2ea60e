/*
 * printer_record — write the outcome of a round of printer polls to PostgreSQL, set-based:
 * about a dozen statements per batch whatever its size (each statement takes the whole batch
 * as one JSON parameter), inside the caller's transaction. A 10,000-printer poll-all is then
 * a few hundred statements and one commit per batch, not tens of thousands of round trips.
 *
 * Per record (what lib/printer_check decided):
 *   RECORD_UP        the printer answered: devices online (model, MAC adopted when asked),
 *                    details/supplies/colours replaced when there is a reading, supply
 *                    history when a level changed or its last sample is an hour old;
 *   RECORD_DOWN      no useful answer: state as the state machine says, last_error; the last
 *                    good readings stay;
 *   RECORD_MISMATCH  another device at the address: mac_status mismatch, its MAC noted as
 *                    foreign_mac, nothing of it stored; state as for DOWN.
 * Every record also writes its up/down sample, its device_poll_state row and one event per
 * state-machine transition (plus mac_mismatch on that transition).
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
	struct resilience res;              /* after the poll */
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

#endif
