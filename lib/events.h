/*
 * events — writing to the event log (SPEC §7): state changes, control operations and security
 * events, each with who, where from and the trace id. Readers follow the table by id.
 */
#ifndef INFRASCOPE_EVENTS_H
#define INFRASCOPE_EVENTS_H

#include <stdint.h>

#include <json-c/json.h>

#include "err.h"

struct db;

struct event {
	const char *type;           /* ^[a-z][a-z0-9_]{0,63}$ */
	const char *severity;       /* debug | info | warning | error | critical */
	int64_t user_id;            /* 0 = none */
	int64_t device_id;          /* 0 = none */
	int64_t store_id;           /* 0 = none */
	const char *device_kind;    /* NULL = none */
	const char *message;        /* one line for people */
	json_object *payload;       /* borrowed; NULL = {} */
	const char *trace_id;       /* 32 hex digits or NULL */
};

/* event_record — insert one event (the insert's NOTIFY wakes followers). */
int event_record(struct db *db, const struct event *ev, struct err *e);

#endif
