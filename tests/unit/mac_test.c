/* mac: canonical form of every accepted spelling, refusals, and the verification verdicts. */
#include "mac.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void accepted_spellings_become_canonical(void **state)
{
	(void)state;
	static const char *const in[] = { "00:1B:A9:12:34:56", "00-1b-a9-12-34-56",
					  "001b.a912.3456", "001BA9123456", "00:1b:a9:12:34:56" };
	char out[MAC_TEXT];

	for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
		assert_true(mac_normalize(in[i], out));
		assert_string_equal(out, "00:1b:a9:12:34:56");
	}
}

static void malformed_and_meaningless_are_refused(void **state)
{
	(void)state;
	static const char *const bad[] = { "", "00:1b:a9:12:34", "00:1b:a9:12:34:5g",
					   "00:1b-a9:12:34:56", "001b:a912:3456", "00:1b:a9:12:34:56:78",
					   "0:1b:a9:12:34:567", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff",
					   ":001b:a9:12:34:5", "001b.a9123.456", "00 1b a9 12 34 56" };
	char out[MAC_TEXT];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (mac_normalize(bad[i], out))
			fail_msg("\"%s\" accepted as %s", bad[i], out);
		assert_string_equal(out, "");
	}
	assert_false(mac_normalize(NULL, out));
}

static void verdicts(void **state)
{
	(void)state;
	assert_int_equal(mac_verify("", ""), MAC_NOTHING_SEEN);
	assert_int_equal(mac_verify("00:1b:a9:12:34:56", ""), MAC_NOTHING_SEEN);
	assert_int_equal(mac_verify(NULL, "00:1b:a9:12:34:56"), MAC_FIRST_SEEN);
	assert_int_equal(mac_verify("", "00:1b:a9:12:34:56"), MAC_FIRST_SEEN);
	assert_int_equal(mac_verify("00:1b:a9:12:34:56", "00:1b:a9:12:34:56"), MAC_MATCH);
	assert_int_equal(mac_verify("00:1b:a9:12:34:56", "00:1b:a9:12:34:57"), MAC_MISMATCH);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted_spellings_become_canonical),
		cmocka_unit_test(malformed_and_meaningless_are_refused),
		cmocka_unit_test(verdicts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
