/*
 * resilience: every transition of the poll state machine, as tables of steps. Each step is a
 * poll attempt at a time: what the gate says, the poll result when it polls, and the state,
 * circuit and events expected after it.
 */
#include "resilience.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static const struct resilience_config cfg = { .offline_confirmations = 2, .failure_threshold = 4,
					       .open_seconds = 45, .state_ttl_seconds = 7200 };

struct step {
	int64_t at;
	enum resilience_gate gate;
	bool ok;                        /* ignored when the gate skips */
	enum device_state state;
	enum circuit_state circuit;
	const char *events;             /* space-separated names, "" for none */
};

static void run(const char *name, struct resilience r, const struct step *steps, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		enum resilience_event ev[RESILIENCE_MAX_EVENTS];
		size_t nev = 0;
		char got[200] = "";
		enum resilience_gate g = resilience_gate(&r, &cfg, s->at, ev, &nev);

		if (g != s->gate)
			fail_msg("%s step %zu: gate %d, want %d", name, i + 1, g, s->gate);
		if (g != GATE_SKIP)
			resilience_apply(&r, &cfg, s->ok, s->at, ev, &nev);
		for (size_t k = 0, len = 0; k < nev; k++)
			len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", k ? " " : "",
						resilience_event_name(ev[k]));
		if (r.state != s->state || r.circuit != s->circuit || strcmp(got, s->events) != 0)
			fail_msg("%s step %zu: state %s circuit %s events \"%s\"; want %s %s \"%s\"",
				 name, i + 1, device_state_name(r.state), circuit_state_name(r.circuit),
				 got, device_state_name(s->state), circuit_state_name(s->circuit),
				 s->events);
	}
}

#define RUN(name, start, ...)                                                                \
	do {                                                                                 \
		static const struct step steps_[] = { __VA_ARGS__ };                       \
		run(name, start, steps_, sizeof steps_ / sizeof steps_[0]);                 \
	} while (0)

static const struct resilience fresh_online = { .state = DEVICE_ONLINE };

/* The acceptance sequence: silenced, pending, offline, circuit open, skipped, probed
 * after 45 s, back online. */
static void silenced_device_walks_the_whole_machine(void **state)
{
	(void)state;
	RUN("silenced", fresh_online,
	    { 100, GATE_POLL, false, DEVICE_PENDING_OFFLINE, CIRCUIT_CLOSED, "pending_offline" },
	    { 160, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_CLOSED, "offline" },
	    { 220, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_CLOSED, "" },
	    { 280, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_OPEN, "circuit_opened" },
	    { 300, GATE_SKIP, false, DEVICE_OFFLINE, CIRCUIT_OPEN, "" },
	    { 324, GATE_SKIP, false, DEVICE_OFFLINE, CIRCUIT_OPEN, "" },
	    { 325, GATE_PROBE, true, DEVICE_ONLINE, CIRCUIT_CLOSED,
	      "circuit_half_open recovered circuit_closed" },
	    { 400, GATE_POLL, true, DEVICE_ONLINE, CIRCUIT_CLOSED, "" });
}

static void half_open_failure_reopens(void **state)
{
	(void)state;
	RUN("reopen", fresh_online,
	    { 0, GATE_POLL, false, DEVICE_PENDING_OFFLINE, CIRCUIT_CLOSED, "pending_offline" },
	    { 1, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_CLOSED, "offline" },
	    { 2, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_CLOSED, "" },
	    { 3, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_OPEN, "circuit_opened" },
	    { 48, GATE_PROBE, false, DEVICE_OFFLINE, CIRCUIT_OPEN, "circuit_half_open circuit_opened" },
	    { 92, GATE_SKIP, false, DEVICE_OFFLINE, CIRCUIT_OPEN, "" },
	    { 93, GATE_PROBE, false, DEVICE_OFFLINE, CIRCUIT_OPEN, "circuit_half_open circuit_opened" });
}

static void one_success_between_failures_clears_them(void **state)
{
	(void)state;
	RUN("flap", fresh_online,
	    { 0, GATE_POLL, false, DEVICE_PENDING_OFFLINE, CIRCUIT_CLOSED, "pending_offline" },
	    { 1, GATE_POLL, true, DEVICE_ONLINE, CIRCUIT_CLOSED, "recovered" },
	    { 2, GATE_POLL, false, DEVICE_PENDING_OFFLINE, CIRCUIT_CLOSED, "pending_offline" },
	    { 3, GATE_POLL, true, DEVICE_ONLINE, CIRCUIT_CLOSED, "recovered" });
}

static void never_seen_and_offline_devices_need_no_confirmation(void **state)
{
	(void)state;
	struct resilience unknown = { .state = DEVICE_UNKNOWN };
	struct resilience offline = { .state = DEVICE_OFFLINE, .updated_at = 1 };

	RUN("unknown", unknown,
	    { 10, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_CLOSED, "offline" },
	    { 11, GATE_POLL, true, DEVICE_ONLINE, CIRCUIT_CLOSED, "recovered" });
	RUN("first success", unknown, { 10, GATE_POLL, true, DEVICE_ONLINE, CIRCUIT_CLOSED, "" });
	RUN("offline", offline, { 10, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_CLOSED, "" },
	    { 11, GATE_POLL, true, DEVICE_ONLINE, CIRCUIT_CLOSED, "recovered" });
}

static void old_state_is_forgotten_after_the_ttl(void **state)
{
	(void)state;
	struct resilience open = { .state = DEVICE_OFFLINE, .failures = 6,
				   .circuit = CIRCUIT_OPEN, .opened_at = 1000, .updated_at = 1000 };
	struct resilience failing = { .state = DEVICE_PENDING_OFFLINE, .failures = 1,
				      .updated_at = 1000 };

	/* 7200 s later nothing changes; one second more and the counters start again. */
	RUN("ttl edge", failing,
	    { 8200, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_CLOSED, "offline" });
	RUN("ttl reset", failing,
	    { 8201, GATE_POLL, false, DEVICE_PENDING_OFFLINE, CIRCUIT_CLOSED,
	      "resilience_reset" });
	RUN("ttl closes the circuit", open,
	    { 8201, GATE_POLL, false, DEVICE_OFFLINE, CIRCUIT_CLOSED, "resilience_reset" });
}

static void threshold_one_and_confirmation_one(void **state)
{
	(void)state;
	static const struct resilience_config strict = { 1, 1, 45, 7200 };
	struct resilience r = fresh_online;
	enum resilience_event ev[RESILIENCE_MAX_EVENTS];
	size_t n = 0;

	assert_int_equal(resilience_gate(&r, &strict, 0, ev, &n), GATE_POLL);
	resilience_apply(&r, &strict, false, 0, ev, &n);
	assert_int_equal(r.state, DEVICE_OFFLINE);
	assert_int_equal(r.circuit, CIRCUIT_OPEN);
	assert_int_equal(n, 2);
	assert_int_equal(ev[0], EVENT_OFFLINE);
	assert_int_equal(ev[1], EVENT_CIRCUIT_OPENED);
}

static void names_round_trip(void **state)
{
	(void)state;
	for (int s = 0; s < 4; s++) {
		enum device_state back;

		assert_true(device_state_parse(device_state_name((enum device_state)s), &back));
		assert_int_equal(back, s);
	}
	for (int c = 0; c < 3; c++) {
		enum circuit_state back;

		assert_true(circuit_state_parse(circuit_state_name((enum circuit_state)c), &back));
		assert_int_equal(back, c);
	}
	assert_false(device_state_parse("Online", &(enum device_state){ 0 }));
	assert_false(circuit_state_parse(NULL, &(enum circuit_state){ 0 }));
	assert_null(resilience_event_name(RESILIENCE_EVENT_COUNT));
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(silenced_device_walks_the_whole_machine),
		cmocka_unit_test(half_open_failure_reopens),
		cmocka_unit_test(one_success_between_failures_clears_them),
		cmocka_unit_test(never_seen_and_offline_devices_need_no_confirmation),
		cmocka_unit_test(old_state_is_forgotten_after_the_ttl),
		cmocka_unit_test(threshold_one_and_confirmation_one),
		cmocka_unit_test(names_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
