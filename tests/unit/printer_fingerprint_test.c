/*
 * printer_reading_fingerprints: a poll-all skips rewriting a printer whose reading equals the
 * stored one, so every stored field must move its fingerprint (details or supplies, and only
 * that one), and equal readings must give equal fingerprints.
 */
#include "unit.h"

#include "arena.h"
#include "err.h"
#include "printer_poll.h"
#include "printer_reading.h"
#include "printer_record.h"
#include "snmp_value.h"
#include "snmprec.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static struct printer_reading base, copy;

static void read_fixture(const char *file, struct printer_reading *out)
{
	struct arena *a = arena_new(1 << 20, 0);
	struct snmp_table t;
	struct err e;

	assert_non_null(a);
	snmp_table_init(&t, a);
	if (snmprec_load(file, &t, NULL, &e) != 0)
		fail_msg("%s", e.msg);
	assert_int_equal(printer_read(&t, out), 0);
	arena_free(a);
}

struct fps {
	int64_t details, supplies;
};

static struct fps fingerprints(struct printer_reading *p, enum printer_target_mode mode,
			       enum tcp_result port)
{
	struct printer_target t = { .mode = mode, .raw_port = port, .has_reading = true,
				    .reading = p };
	struct fps f;

	printer_reading_fingerprints(&t, &f.details, &f.supplies);
	return f;
}

static struct fps of(struct printer_reading *p)
{
	return fingerprints(p, PRINTER_LASER, TCP_OPEN);
}

/* Which fingerprint a change moves: 'd' details, 's' supplies. */
static void expect_moves(const char *what, char which)
{
	struct fps a = of(&base), b = of(&copy);
	bool d = a.details != b.details, s = a.supplies != b.supplies;

	if (d != (which == 'd') || s != (which == 's'))
		fail_msg("%s: details %s, supplies %s (expected only the %s one to change)", what,
			 d ? "changed" : "same", s ? "changed" : "same",
			 which == 'd' ? "details" : "supplies");
	memcpy(&copy, &base, sizeof copy);
}

static void equal_readings_equal_fingerprints(void **state)
{
	struct fps a, b;

	(void)state;
	read_fixture("hp_color-laserjet-flow-mfp-m880.snmprec", &base);
	read_fixture("hp_color-laserjet-flow-mfp-m880.snmprec", &copy);
	assert_true(base.n_supplies >= 10);
	a = of(&base);
	b = of(&copy);
	assert_true(a.details == b.details);
	assert_true(a.supplies == b.supplies);
	/* Another printer differs in both. */
	read_fixture("brother_nc-8300h-mfc-l2710dw.snmprec", &copy);
	b = of(&copy);
	assert_true(a.details != b.details);
	assert_true(a.supplies != b.supplies);
}

static void every_stored_field_moves_its_fingerprint(void **state)
{
	struct printer_supply *s;

	(void)state;
	read_fixture("hp_color-laserjet-flow-mfp-m880.snmprec", &base);
	memcpy(&copy, &base, sizeof copy);
	s = &copy.supplies[0];

	s->level -= 1;
	expect_moves("a supply's level", 's');
	copy.supplies[0].percent = NAN;
	expect_moves("a percent becoming unknown", 's');
	copy.supplies[0].has_level = !copy.supplies[0].has_level;
	expect_moves("a level becoming absent", 's');
	copy.supplies[1].state = copy.supplies[1].state == PRINTER_LEVEL_PERCENT
					 ? PRINTER_LEVEL_SOME_REMAINING : PRINTER_LEVEL_PERCENT;
	expect_moves("a supply's state", 's');
	copy.supplies[2].description[0] ^= 1;
	expect_moves("a supply's description", 's');
	copy.supplies[2].max += 1;
	expect_moves("a supply's capacity", 's');
	copy.supplies[2].is_toner = !copy.supplies[2].is_toner;
	expect_moves("is_toner", 's');
	copy.n_supplies -= 1;
	expect_moves("a supply gone", 's');
	copy.colours[PRINTER_CYAN].percent += 1;
	expect_moves("a colour's percent", 's');
	copy.colours[PRINTER_CYAN].present = false;
	expect_moves("a colour gone", 's');

	copy.page_count += 1;
	expect_moves("the page count", 'd');
	copy.status.errors ^= 1u << PRINTER_ERR_LOW_PAPER;
	expect_moves("an error bit", 'd');
	copy.status.severity = PRINTER_SEVERITY_CRITICAL;
	expect_moves("the severity", 'd');
	copy.serial[0] ^= 1;
	expect_moves("the serial", 'd');
	copy.sys_name[0] = copy.sys_name[0] ? '\0' : 'x';
	expect_moves("sysName", 'd');
	copy.vendor = NULL;
	expect_moves("the vendor", 'd');
}

/* Moving text between two adjacent fields must not give the same bytes. */
static void fields_do_not_run_into_each_other(void **state)
{
	(void)state;
	memset(&base, 0, sizeof base);
	memset(&copy, 0, sizeof copy);
	base.page_count = copy.page_count = -1;
	snprintf(base.serial, sizeof base.serial, "AB");
	snprintf(base.firmware, sizeof base.firmware, "C");
	snprintf(copy.serial, sizeof copy.serial, "A");
	snprintf(copy.firmware, sizeof copy.firmware, "BC");
	expect_moves("text moved from serial to firmware", 'd');
}

static void label_printer_port_counts_for_details(void **state)
{
	struct fps open, closed, laser;

	(void)state;
	read_fixture("hp_color-laserjet-pro-m252dw.snmprec", &base);
	open = fingerprints(&base, PRINTER_LABEL_IP, TCP_OPEN);
	closed = fingerprints(&base, PRINTER_LABEL_IP, TCP_REFUSED);
	laser = fingerprints(&base, PRINTER_LASER, TCP_REFUSED);
	assert_true(open.details != closed.details);
	assert_true(open.supplies == closed.supplies);
	/* A laser printer stores no port state: the port result does not matter. */
	assert_true(laser.details == fingerprints(&base, PRINTER_LASER, TCP_OPEN).details);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(equal_readings_equal_fingerprints),
	cmocka_unit_test(every_stored_field_moves_its_fingerprint),
	cmocka_unit_test(fields_do_not_run_into_each_other),
	cmocka_unit_test(label_printer_port_counts_for_details),
};

UNIT_MAIN(tests)
