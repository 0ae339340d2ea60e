/* rediscover: reading the neighbour table (/proc/net/arp) for one MAC. */
#include "rediscover.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static const char arp[] =
	"IP address       HW type     Flags       HW address            Mask     Device\n"
	"10.99.0.12       0x1         0x2         02:99:00:00:00:a1     *        br0\n"
	"10.99.0.13       0x1         0x0         02:99:00:00:00:a1     *        br0\n"
	"10.99.0.14       0x1         0x2         02:99:00:00:00:b2     *        br0\n"
	"10.99.0.15       0x1         0x2         02:99:00:00:00:A1     *        br0\n"
	"garbage line\n"
	"10.99.0.16       0x1         0x2         00:00:00:00:00:00     *        br0\n";

static void complete_entries_with_the_mac_are_found(void **state)
{
	(void)state;
	char out[4][16];

	/* .13 is incomplete (flags 0), .14 another MAC; upper-case hex still matches. */
	assert_int_equal(rediscover_parse_arp(arp, "02:99:00:00:00:a1", out, 4), 2);
	assert_string_equal(out[0], "10.99.0.12");
	assert_string_equal(out[1], "10.99.0.15");
}

static void the_bound_holds_and_nothing_matches_nothing(void **state)
{
	(void)state;
	char out[1][16];

	assert_int_equal(rediscover_parse_arp(arp, "02:99:00:00:00:a1", out, 1), 1);
	assert_int_equal(rediscover_parse_arp(arp, "02:99:00:00:00:ff", out, 1), 0);
	assert_int_equal(rediscover_parse_arp("", "02:99:00:00:00:a1", out, 1), 0);
	assert_int_equal(rediscover_parse_arp("header only\n", "02:99:00:00:00:a1", out, 1), 0);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(complete_entries_with_the_mac_are_found),
		cmocka_unit_test(the_bound_holds_and_nothing_matches_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
