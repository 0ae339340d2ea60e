#include "resilience.h"

#include <string.h>

static void report(enum resilience_event *events, size_t *n, enum resilience_event e)
{
	if (*n < RESILIENCE_MAX_EVENTS)
		events[(*n)++] = e;
}

enum resilience_gate resilience_gate(struct resilience *r, const struct resilience_config *c,
				     int64_t now, enum resilience_event *events, size_t *nevents)
{
	if (r->updated_at > 0 && now - r->updated_at > c->state_ttl_seconds &&
	    (r->failures > 0 || r->circuit != CIRCUIT_CLOSED)) {
		r->failures = 0;
		r->circuit = CIRCUIT_CLOSED;
		r->opened_at = 0;
		r->updated_at = now;
		report(events, nevents, EVENT_STATE_RESET);
	}
	switch (r->circuit) {
	case CIRCUIT_CLOSED:
		return GATE_POLL;
	case CIRCUIT_OPEN:
		if (now - r->opened_at < c->open_seconds)
			return GATE_SKIP;
		r->circuit = CIRCUIT_HALF_OPEN;
		r->updated_at = now;
		report(events, nevents, EVENT_CIRCUIT_HALF_OPEN);
		return GATE_PROBE;
	case CIRCUIT_HALF_OPEN:
		return GATE_PROBE;
	}
	return GATE_POLL;
}

void resilience_apply(struct resilience *r, const struct resilience_config *c, bool ok,
		      int64_t now, enum resilience_event *events, size_t *nevents)
{
	r->updated_at = now;
	if (ok) {
		if (r->failures > 0 || r->state == DEVICE_OFFLINE ||
		    r->state == DEVICE_PENDING_OFFLINE)
			report(events, nevents, EVENT_RECOVERED);
		if (r->circuit != CIRCUIT_CLOSED)
			report(events, nevents, EVENT_CIRCUIT_CLOSED);
		r->state = DEVICE_ONLINE;
		r->failures = 0;
		r->circuit = CIRCUIT_CLOSED;
		r->opened_at = 0;
		return;
	}
	r->failures++;
	switch (r->state) {
	case DEVICE_ONLINE:
	case DEVICE_PENDING_OFFLINE:
		if (r->failures < c->offline_confirmations) {
			if (r->state == DEVICE_ONLINE)
				report(events, nevents, EVENT_PENDING_OFFLINE);
			r->state = DEVICE_PENDING_OFFLINE;
			break;
		}
		r->state = DEVICE_OFFLINE;
		report(events, nevents, EVENT_OFFLINE);
		break;
	case DEVICE_UNKNOWN:
		r->state = DEVICE_OFFLINE;
		report(events, nevents, EVENT_OFFLINE);
		break;
	case DEVICE_OFFLINE:
		break;
	}
	if (r->circuit == CIRCUIT_HALF_OPEN ||
	    (r->circuit == CIRCUIT_CLOSED && r->failures >= c->failure_threshold)) {
		r->circuit = CIRCUIT_OPEN;
		r->opened_at = now;
		report(events, nevents, EVENT_CIRCUIT_OPENED);
	}
}

static const char *const state_names[] = { "unknown", "online", "pending_offline", "offline" };
static const char *const circuit_names[] = { "closed", "open", "half_open" };
static const char *const event_names[] = { "pending_offline", "offline", "recovered",
					   "circuit_opened", "circuit_half_open",
					   "circuit_closed", "resilience_reset" };

const char *device_state_name(enum device_state s)
{
	return (unsigned)s < 4 ? state_names[s] : NULL;
}

const char *circuit_state_name(enum circuit_state s)
{
	return (unsigned)s < 3 ? circuit_names[s] : NULL;
}

const char *resilience_event_name(enum resilience_event e)
{
	return (unsigned)e < RESILIENCE_EVENT_COUNT ? event_names[e] : NULL;
}

static bool parse(const char *const *names, size_t n, const char *s, int *out)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(names[i], s) == 0) {
			*out = (int)i;
			return true;
		}
	return false;
}

bool device_state_parse(const char *s, enum device_state *out)
{
	int v;

	if (!parse(state_names, 4, s, &v))
		return false;
	*out = (enum device_state)v;
	return true;
}

bool circuit_state_parse(const char *s, enum circuit_state *out)
{
	int v;

	if (!parse(circuit_names, 3, s, &v))
		return false;
	*out = (enum circuit_state)v;
	return true;
}
