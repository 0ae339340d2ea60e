#include "unit.h"

#include "err.h"
#include "poll_metrics.h"
#include "printer_check.h"
#include "sbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *render(const struct poll_metrics *m)
{
	struct sbuf b;
	char *s;

	sbuf_init(&b, NULL, 1 << 20);
	assert_int_equal(poll_metrics_render(m, &b), 0);
	s = strdup(sbuf_cstr(&b));
	assert_non_null(s);
	sbuf_release(&b);
	return s;
}

/* The lines of text that start with prefix, joined by '\n' (caller frees). */
static char *lines_of(const char *text, const char *prefix)
{
	size_t cap = strlen(text) + 1, n = 0, pl = strlen(prefix);
	char *out = malloc(cap);

	assert_non_null(out);
	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);

		if (strncmp(p, prefix, pl) == 0) {
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	out[n] = '\0';
	return out;
}

static const struct printer_check_summary example_summary = {
	.polled = 3, .up = 2, .down = 1, .errors = 1, .moved = 0, .mismatched = 0, .skipped = 1,
	.devices = 4,
};

static const struct poll_metrics_devices example_devices[] = {
	{ "laser_printer", "MSK-014", "online", 2 },
	{ "laser_printer", "MSK-014", "offline", 1 },
	{ "label_printer", "", "pending_offline", 1 },
};

static const struct poll_metrics_supply example_supplies[] = {
	{ 7, "prn-01", "MSK-014", "black", 1, 0.89 },
	{ 7, "prn-01", "MSK-014", "cyan", 2, 0.05 },
};

static const struct poll_metrics_event example_events[] = {
	{ "circuit_opened", 1 }, { "offline", 1 }, { "pending_offline", 2 }, { "other_thing", 9 },
};

static struct poll_metrics example(void)
{
	struct poll_metrics m = {
		.run_ok = true, .duration_seconds = 2.5, .summary = &example_summary,
		.last_success = 1764212345.25, .have_db = true, .errors_snmp = 1, .errors_tcp = 0,
		.events = example_events, .nevents = 4,
		.devices = example_devices, .ndevices = 3,
		.supplies = example_supplies, .nsupplies = 2,
	};

	return m;
}

static const char example_text[] =
	"# HELP infrascope_poll_last_run_success Whether the last poll-all finished (1) or failed (0).\n"
	"# TYPE infrascope_poll_last_run_success gauge\n"
	"infrascope_poll_last_run_success{job=\"poll_all\"} 1\n"
	"# HELP infrascope_poll_duration_seconds Wall-clock duration of the last poll-all.\n"
	"# TYPE infrascope_poll_duration_seconds gauge\n"
	"infrascope_poll_duration_seconds{job=\"poll_all\"} 2.5\n"
	"# HELP infrascope_last_success_timestamp_seconds Unix time the last poll-all that finished "
	"ended; a failed run keeps the previous value.\n"
	"# TYPE infrascope_last_success_timestamp_seconds gauge\n"
	"infrascope_last_success_timestamp_seconds{job=\"poll_all\"} 1764212345.25\n"
	"# HELP infrascope_poll_devices_last_run Devices of the last poll-all by result: polled "
	"(recorded), skipped (open circuit), error (failed poll or not recorded), moved, "
	"mac_mismatch; the results overlap.\n"
	"# TYPE infrascope_poll_devices_last_run gauge\n"
	"infrascope_poll_devices_last_run{result=\"polled\"} 3\n"
	"infrascope_poll_devices_last_run{result=\"skipped\"} 1\n"
	"infrascope_poll_devices_last_run{result=\"error\"} 1\n"
	"infrascope_poll_devices_last_run{result=\"moved\"} 0\n"
	"infrascope_poll_devices_last_run{result=\"mac_mismatch\"} 0\n"
	"# HELP infrascope_poll_errors_last_run Devices whose poll in the last poll-all failed, by "
	"the protocol that failed.\n"
	"# TYPE infrascope_poll_errors_last_run gauge\n"
	"infrascope_poll_errors_last_run{protocol=\"snmp\"} 1\n"
	"infrascope_poll_errors_last_run{protocol=\"tcp\"} 0\n"
	"# HELP infrascope_circuit_events_last_run Circuit breaker transitions written as events by "
	"the last poll-all.\n"
	"# TYPE infrascope_circuit_events_last_run gauge\n"
	"infrascope_circuit_events_last_run{event=\"circuit_opened\"} 1\n"
	"infrascope_circuit_events_last_run{event=\"circuit_half_open\"} 0\n"
	"infrascope_circuit_events_last_run{event=\"circuit_closed\"} 0\n"
	"# HELP infrascope_device_events_last_run Device state transitions written as events by the "
	"last poll-all.\n"
	"# TYPE infrascope_device_events_last_run gauge\n"
	"infrascope_device_events_last_run{event=\"pending_offline\"} 2\n"
	"infrascope_device_events_last_run{event=\"offline\"} 1\n"
	"infrascope_device_events_last_run{event=\"recovered\"} 0\n"
	"infrascope_device_events_last_run{event=\"resilience_reset\"} 0\n"
	"infrascope_device_events_last_run{event=\"mac_mismatch\"} 0\n"
	"infrascope_device_events_last_run{event=\"ip_changed\"} 0\n"
	"# HELP infrascope_devices Devices by kind, store code (\"\" for none) and shown state.\n"
	"# TYPE infrascope_devices gauge\n"
	"infrascope_devices{kind=\"label_printer\",store=\"\",state=\"online\"} 0\n"
	"infrascope_devices{kind=\"label_printer\",store=\"\",state=\"pending_offline\"} 1\n"
	"infrascope_devices{kind=\"label_printer\",store=\"\",state=\"offline\"} 0\n"
	"infrascope_devices{kind=\"label_printer\",store=\"\",state=\"unknown\"} 0\n"
	"infrascope_devices{kind=\"laser_printer\",store=\"MSK-014\",state=\"online\"} 2\n"
	"infrascope_devices{kind=\"laser_printer\",store=\"MSK-014\",state=\"pending_offline\"} 0\n"
	"infrascope_devices{kind=\"laser_printer\",store=\"MSK-014\",state=\"offline\"} 1\n"
	"infrascope_devices{kind=\"laser_printer\",store=\"MSK-014\",state=\"unknown\"} 0\n"
	"# HELP infrascope_devices_up Devices shown online (online or pending_offline) by kind and "
	"store code.\n"
	"# TYPE infrascope_devices_up gauge\n"
	"infrascope_devices_up{kind=\"label_printer\",store=\"\"} 1\n"
	"infrascope_devices_up{kind=\"laser_printer\",store=\"MSK-014\"} 2\n"
	"# HELP infrascope_printer_supply_level_ratio Remaining level of each printer colour's toner "
	"(0-1); absent when the printer reports unknown or \"some remaining\".\n"
	"# TYPE infrascope_printer_supply_level_ratio gauge\n"
	"infrascope_printer_supply_level_ratio{device=\"7\",name=\"prn-01\",store=\"MSK-014\","
	"colour=\"black\",supply=\"1\"} 0.89\n"
	"infrascope_printer_supply_level_ratio{device=\"7\",name=\"prn-01\",store=\"MSK-014\","
	"colour=\"cyan\",supply=\"2\"} 0.05\n";

static void a_full_run_renders_exactly(void **state)
{
	struct poll_metrics m = example();
	char *got;

	(void)state;
	got = render(&m);
	assert_string_equal(got, example_text);
	free(got);
}

static void render_appends_and_reports_its_bound(void **state)
{
	struct poll_metrics m = example();
	struct sbuf b;

	(void)state;
	sbuf_init(&b, NULL, 1 << 20);
	sbuf_puts(&b, "# before\n");
	assert_int_equal(poll_metrics_render(&m, &b), 0);
	assert_int_equal(strncmp(sbuf_cstr(&b), "# before\n# HELP ", 16), 0);
	sbuf_release(&b);

	sbuf_init(&b, NULL, 100);
	assert_int_equal(poll_metrics_render(&m, &b), ERR_LIMIT);
	sbuf_release(&b);
	assert_int_equal(poll_metrics_render(NULL, &b), ERR_INVALID);
}

static void label_values_are_escaped_and_made_utf8(void **state)
{
	static const struct poll_metrics_devices devices[] = {
		{ "laser_printer", "A\"B\\C\nD", "online", 1 },
		{ "laser_printer", "\xd0\x9c\xd0\xa1\xd0\x9a-1", "online", 1 }, /* МСК-1 */
	};
	static const struct poll_metrics_supply supplies[] = {
		{ 9, "bad \xff\xc3 utf8 \xed\xa0\x80", "", "black", 1, 0.5 },
	};
	struct poll_metrics m = example();
	char *got, *up, *ratio;

	(void)state;
	m.devices = devices;
	m.ndevices = 2;
	m.supplies = supplies;
	m.nsupplies = 1;
	got = render(&m);
	up = lines_of(got, "infrascope_devices_up{");
	assert_string_equal(up,
			    "infrascope_devices_up{kind=\"laser_printer\",store=\"A\\\"B\\\\C\\nD\"} 1\n"
			    "infrascope_devices_up{kind=\"laser_printer\",store=\"\xd0\x9c\xd0\xa1\xd0\x9a-1\"} 1\n");
	ratio = lines_of(got, "infrascope_printer_supply_level_ratio{");
	assert_string_equal(ratio,
			    "infrascope_printer_supply_level_ratio{device=\"9\",name=\"bad \xef\xbf\xbd"
			    "\xef\xbf\xbd utf8 \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\",store=\"\","
			    "colour=\"black\",supply=\"1\"} 0.5\n");
	free(up);
	free(ratio);
	free(got);
}

static void device_rows_in_any_order_make_one_group_each(void **state)
{
	static const struct poll_metrics_devices devices[] = {
		{ "switch", "B", "online", 1 },
		{ "laser_printer", "A", "offline", 1 },
		{ "switch", "A", "unknown", 4 },
		{ "laser_printer", "A", "offline", 2 },  /* a duplicate row: added up */
		{ "laser_printer", "A", "sleeping", 3 }, /* a state we do not know: shown as it is */
		{ "laser_printer", "A", "online", 5 },
	};
	struct poll_metrics m = example();
	char *got, *dev, *up;

	(void)state;
	m.devices = devices;
	m.ndevices = sizeof devices / sizeof devices[0];
	got = render(&m);
	dev = lines_of(got, "infrascope_devices{");
	assert_string_equal(dev,
		"infrascope_devices{kind=\"laser_printer\",store=\"A\",state=\"online\"} 5\n"
		"infrascope_devices{kind=\"laser_printer\",store=\"A\",state=\"pending_offline\"} 0\n"
		"infrascope_devices{kind=\"laser_printer\",store=\"A\",state=\"offline\"} 3\n"
		"infrascope_devices{kind=\"laser_printer\",store=\"A\",state=\"unknown\"} 0\n"
		"infrascope_devices{kind=\"laser_printer\",store=\"A\",state=\"sleeping\"} 3\n"
		"infrascope_devices{kind=\"switch\",store=\"A\",state=\"online\"} 0\n"
		"infrascope_devices{kind=\"switch\",store=\"A\",state=\"pending_offline\"} 0\n"
		"infrascope_devices{kind=\"switch\",store=\"A\",state=\"offline\"} 0\n"
		"infrascope_devices{kind=\"switch\",store=\"A\",state=\"unknown\"} 4\n"
		"infrascope_devices{kind=\"switch\",store=\"B\",state=\"online\"} 1\n"
		"infrascope_devices{kind=\"switch\",store=\"B\",state=\"pending_offline\"} 0\n"
		"infrascope_devices{kind=\"switch\",store=\"B\",state=\"offline\"} 0\n"
		"infrascope_devices{kind=\"switch\",store=\"B\",state=\"unknown\"} 0\n");
	up = lines_of(got, "infrascope_devices_up{");
	assert_string_equal(up, "infrascope_devices_up{kind=\"laser_printer\",store=\"A\"} 5\n"
				"infrascope_devices_up{kind=\"switch\",store=\"A\"} 0\n"
				"infrascope_devices_up{kind=\"switch\",store=\"B\"} 1\n");
	/* The caller's array is left as it was. */
	assert_string_equal(devices[0].kind, "switch");
	free(dev);
	free(up);
	free(got);
}

static void supply_ratios_are_numbers_between_0_and_1(void **state)
{
	static const struct poll_metrics_supply supplies[] = {
		{ 1, "a", "S", "black", 1, NAN },
		{ 1, "a", "S", "cyan", 2, 1.5 },
		{ 1, "a", "S", "magenta", 3, -0.25 },
		{ 1, "a", "S", "yellow", 4, INFINITY },
	};
	struct poll_metrics m = example();
	char *got, *ratio;

	(void)state;
	m.supplies = supplies;
	m.nsupplies = 4;
	got = render(&m);
	ratio = lines_of(got, "infrascope_printer_supply_level_ratio{");
	assert_string_equal(ratio,
		"infrascope_printer_supply_level_ratio{device=\"1\",name=\"a\",store=\"S\",colour=\"cyan\",supply=\"2\"} 1\n"
		"infrascope_printer_supply_level_ratio{device=\"1\",name=\"a\",store=\"S\",colour=\"magenta\",supply=\"3\"} 0\n");
	free(ratio);
	free(got);

	/* No number at all: the family is left out, HELP and TYPE too. */
	m.nsupplies = 1;
	got = render(&m);
	assert_null(strstr(got, "supply_level_ratio"));
	free(got);
	m.nsupplies = 0;
	m.ndevices = 0;
	got = render(&m);
	assert_null(strstr(got, "supply_level_ratio"));
	assert_null(strstr(got, "infrascope_devices"));
	assert_non_null(strstr(got, "infrascope_poll_errors_last_run{protocol=\"snmp\"} 1\n"));
	free(got);
}

static void a_failed_run_without_the_database_says_what_it_knows(void **state)
{
	struct printer_check_summary partial = { .polled = 500, .up = 499, .down = 1, .devices = 900 };
	struct poll_metrics m = { .run_ok = false, .duration_seconds = 12.125, .summary = &partial,
				  .last_success = 1764212000, .have_db = false };
	char *got;

	(void)state;
	got = render(&m);
	assert_non_null(strstr(got, "\ninfrascope_poll_last_run_success{job=\"poll_all\"} 0\n"));
	assert_non_null(strstr(got, "\ninfrascope_poll_duration_seconds{job=\"poll_all\"} 12.125\n"));
	assert_non_null(strstr(got, "\ninfrascope_last_success_timestamp_seconds{job=\"poll_all\"} "
				    "1764212000\n"));
	assert_non_null(strstr(got, "\ninfrascope_poll_devices_last_run{result=\"polled\"} 500\n"));
	/* Nothing from PostgreSQL: those families are absent, not zero. */
	assert_null(strstr(got, "errors_last_run"));
	assert_null(strstr(got, "events_last_run"));
	assert_null(strstr(got, "infrascope_devices"));
	assert_null(strstr(got, "supply_level_ratio"));
	free(got);

	/* Never a success on record, never polled (no lock, no row): only the run's two gauges. */
	m.last_success = NAN;
	m.summary = NULL;
	m.duration_seconds = NAN;
	got = render(&m);
	assert_string_equal(got,
		"# HELP infrascope_poll_last_run_success Whether the last poll-all finished (1) or failed (0).\n"
		"# TYPE infrascope_poll_last_run_success gauge\n"
		"infrascope_poll_last_run_success{job=\"poll_all\"} 0\n"
		"# HELP infrascope_poll_duration_seconds Wall-clock duration of the last poll-all.\n"
		"# TYPE infrascope_poll_duration_seconds gauge\n"
		"infrascope_poll_duration_seconds{job=\"poll_all\"} 0\n");
	free(got);
}

static void the_previous_success_is_read_back_from_an_old_file(void **state)
{
	struct poll_metrics m = example();
	char *got;

	(void)state;
	got = render(&m);
	assert_true(poll_metrics_previous_success(got) == 1764212345.25);
	free(got);
	m.last_success = NAN;
	got = render(&m);
	assert_true(isnan(poll_metrics_previous_success(got)));
	free(got);
	assert_true(isnan(poll_metrics_previous_success(NULL)));
	assert_true(isnan(poll_metrics_previous_success("")));
	assert_true(isnan(poll_metrics_previous_success(
		"infrascope_last_success_timestamp_seconds{job=\"poll_all\"} garbage\n")));
	assert_true(isnan(poll_metrics_previous_success(
		"infrascope_last_success_timestamp_seconds{job=\"other\"} 5\n")));
	assert_true(poll_metrics_previous_success(
		"# a comment\ninfrascope_last_success_timestamp_seconds{job=\"poll_all\"} 1700000000") ==
		1700000000);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(a_full_run_renders_exactly),
	cmocka_unit_test(render_appends_and_reports_its_bound),
	cmocka_unit_test(label_values_are_escaped_and_made_utf8),
	cmocka_unit_test(device_rows_in_any_order_make_one_group_each),
	cmocka_unit_test(supply_ratios_are_numbers_between_0_and_1),
	cmocka_unit_test(a_failed_run_without_the_database_says_what_it_knows),
	cmocka_unit_test(the_previous_success_is_read_back_from_an_old_file),
};

UNIT_MAIN(tests)
