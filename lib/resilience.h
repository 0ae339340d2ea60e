/*
 * resilience — the per-device poll state machine (SPEC §2 "Resilience"): offline confirmation
 * and the circuit breaker, for every kind of device and for every poll (poll-all and "poll
 * now" alike). Pure: the caller loads a struct resilience from its PostgreSQL row, asks
 * resilience_gate() before polling, resilience_apply() after, stores the result and writes
 * one event per transition reported.
 *
 *   state:   unknown/offline --fail--> offline (no confirmation needed: nothing to protect)
 *            online --fail--> pending_offline (still shown online) --fail x N--> offline
 *            any --success--> online ("recovered" when it had failed)
 *   circuit: closed --failures reach the threshold--> open (polls skip it, circuit_skip)
 *            open --open_seconds passed--> half_open (one probe let through)
 *            half_open --success--> closed;  half_open --failure--> open again
 * Timeouts and protocol errors count alike. A state not touched for state_ttl_seconds starts
 * again fresh (no failures, circuit closed); the device's shown state is kept.
 */
#ifndef INFRASCOPE_RESILIENCE_H
#define INFRASCOPE_RESILIENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum device_state { DEVICE_UNKNOWN = 0, DEVICE_ONLINE, DEVICE_PENDING_OFFLINE, DEVICE_OFFLINE };
enum circuit_state { CIRCUIT_CLOSED = 0, CIRCUIT_OPEN, CIRCUIT_HALF_OPEN };

struct resilience_config {
	int offline_confirmations;      /* POLL_OFFLINE_CONFIRMATIONS (>= 1) */
	int failure_threshold;          /* POLL_CIRCUIT_FAILURE_THRESHOLD (>= 1) */
	int open_seconds;               /* POLL_CIRCUIT_OPEN_SECONDS */
	int state_ttl_seconds;          /* POLL_RESILIENCE_STATE_TTL_SECONDS */
};

struct resilience {
	enum device_state state;
	int failures;                   /* consecutive failed polls */
	enum circuit_state circuit;
	int64_t opened_at;              /* epoch seconds the circuit (re)opened; 0 = never */
	int64_t updated_at;             /* epoch seconds of the last change; 0 = never */
};

enum resilience_gate {
	GATE_POLL = 0,                  /* poll as usual */
	GATE_PROBE,                     /* half-open: this poll is the one probe */
	GATE_SKIP,                      /* circuit open: do not poll (count a circuit_skip) */
};

/* Transitions reported by resilience_apply, each worth one event. */
enum resilience_event {
	EVENT_PENDING_OFFLINE = 0,      /* online → pending_offline */
	EVENT_OFFLINE,                  /* → offline */
	EVENT_RECOVERED,                /* failing/offline → online */
	EVENT_CIRCUIT_OPENED,
	EVENT_CIRCUIT_HALF_OPEN,
	EVENT_CIRCUIT_CLOSED,
	EVENT_STATE_RESET,              /* the TTL passed: counters forgotten */
	RESILIENCE_EVENT_COUNT,
};

#define RESILIENCE_MAX_EVENTS 4

/*
 * resilience_gate — before polling at time now: whether to poll. *r may change (TTL reset,
 * open → half_open); events get what that reported (*nevents of them).
 */
enum resilience_gate resilience_gate(struct resilience *r, const struct resilience_config *c,
				     int64_t now, enum resilience_event *events, size_t *nevents);

/*
 * resilience_apply — after a poll that succeeded (ok) or failed: update *r, append the
 * transitions to events (at most RESILIENCE_MAX_EVENTS in all, counting what is there).
 */
void resilience_apply(struct resilience *r, const struct resilience_config *c, bool ok,
		      int64_t now, enum resilience_event *events, size_t *nevents);

/* Names as stored in the database and used as event types. */
const char *device_state_name(enum device_state s);       /* "unknown", "online", ... */
const char *circuit_state_name(enum circuit_state s);     /* "closed", "open", "half_open" */
const char *resilience_event_name(enum resilience_event e); /* "pending_offline", ... */
/* Parse the names back; false for an unknown name. */
bool device_state_parse(const char *s, enum device_state *out);
bool circuit_state_parse(const char *s, enum circuit_state *out);

#endif
