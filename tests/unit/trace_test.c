#include "unit.h"

#include "trace.h"

#include <stdio.h>
#include <string.h>

#define TRACE "4bf92f3577b34da6a3ce929d0e0e4736"
#define SPAN "00f067aa0ba902b7"
#define VALID "00-" TRACE "-" SPAN "-01"

static bool parses(const char *tp)
{
	char id[TRACE_ID_LEN + 1];

	memset(id, 'Z', sizeof id);
	if (!trace_parse(tp, id))
		return false;
	assert_int_equal(strlen(id), TRACE_ID_LEN);
	return true;
}

static void parse_valid_header(void **state)
{
	(void)state;
	char id[TRACE_ID_LEN + 1];

	assert_int_equal(strlen(VALID), 55);
	assert_true(trace_parse(VALID, id));
	assert_string_equal(id, TRACE);
	assert_true(parses("00-" TRACE "-" SPAN "-00")); /* not sampled is still valid */
	assert_true(parses("00-00000000000000000000000000000001-0000000000000001-01"));
}

static void parse_rejects_wrong_lengths(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"00",
		"00-" TRACE "-" SPAN "-0",                           /* 54 bytes */
		"00-" TRACE "-" SPAN,                                /* no flags */
		"00-4bf92f3577b34da6a3ce929d0e0e473-" SPAN "-01",    /* trace 31 */
		"00-4bf92f3577b34da6a3ce929d0e0e47360-" SPAN "-01",  /* trace 33 */
		"00-" TRACE "-00f067aa0ba902b-01",                   /* span 15 */
		"00-" TRACE "-00f067aa0ba902b70-01",                 /* span 17 */
		"0-" TRACE "-" SPAN "-01-",                          /* version 1 */
		"000-" TRACE "-" SPAN "-1",                          /* version 3 */
		"00_" TRACE "-" SPAN "-01",                          /* wrong separators */
		"00-" TRACE "_" SPAN "-01",
		"00-" TRACE "-" SPAN "_01",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (parses(bad[i]))
			fail_msg("accepted [%s]", bad[i]);
	assert_false(parses(NULL));
}

static void parse_rejects_bad_hex_and_zero_ids(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"00-4BF92F3577B34DA6A3CE929D0E0E4736-" SPAN "-01",   /* upper-case trace */
		"00-4bf92f3577b34da6a3ce929d0e0e473A-" SPAN "-01",
		"00-" TRACE "-00F067AA0BA902B7-01",                  /* upper-case span */
		"00-4bf92f3577b34da6a3ce929d0e0e473g-" SPAN "-01",   /* not hex */
		"00-4bf92f3577b34da6a3ce929d0e0e473 -" SPAN "-01",
		"00-00000000000000000000000000000000-" SPAN "-01",   /* all-zero trace id */
		"00-" TRACE "-0000000000000000-01",                  /* all-zero parent id */
		"0g-" TRACE "-" SPAN "-01",                          /* version not hex */
		"0A-" TRACE "-" SPAN "-01",                          /* version upper case */
		"00-" TRACE "-" SPAN "-0x",                          /* flags not hex */
		"00-" TRACE "-" SPAN "-0F",                          /* flags upper case */
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (parses(bad[i]))
			fail_msg("accepted [%s]", bad[i]);
}

static void parse_versions(void **state)
{
	(void)state;
	/* Version ff is forbidden. */
	assert_false(parses("ff-" TRACE "-" SPAN "-01"));
	assert_false(parses("ff-" TRACE "-" SPAN "-01-extra"));
	/* Version 00 is exactly 55 bytes: nothing may follow. */
	assert_false(parses(VALID "-"));
	assert_false(parses(VALID "-extra"));
	assert_false(parses(VALID " "));
	assert_false(parses(VALID "0"));
	/* A later version may carry more fields after a '-' (W3C forward compatibility). */
	assert_true(parses("01-" TRACE "-" SPAN "-01"));
	assert_true(parses("cc-" TRACE "-" SPAN "-01-what-the-future-will-be-like"));
	assert_false(parses("cc-" TRACE "-" SPAN "-01what"));
}

static bool is_lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void new_id_is_random_lower_hex(void **state)
{
	(void)state;
	char a[TRACE_ID_LEN + 2], b[TRACE_ID_LEN + 2], s[TRACE_SPAN_LEN + 2];

	memset(a, 'Z', sizeof a);
	trace_new_id(a, TRACE_ID_LEN);
	assert_int_equal(strlen(a), TRACE_ID_LEN);
	assert_int_equal(a[TRACE_ID_LEN + 1], 'Z'); /* nothing written past the NUL */
	assert_true(is_lower_hex(a, TRACE_ID_LEN));
	assert_int_not_equal(strspn(a, "0"), TRACE_ID_LEN);

	trace_new_id(b, TRACE_ID_LEN);
	assert_string_not_equal(a, b);

	memset(s, 'Z', sizeof s);
	trace_new_id(s, TRACE_SPAN_LEN);
	assert_int_equal(strlen(s), TRACE_SPAN_LEN);
	assert_int_equal(s[TRACE_SPAN_LEN + 1], 'Z');
	assert_true(is_lower_hex(s, TRACE_SPAN_LEN));

	/* A new id is itself a valid trace id. */
	{
		char tp[56], id[TRACE_ID_LEN + 1];

		trace_format(a, s, tp);
		assert_true(trace_parse(tp, id));
		assert_string_equal(id, a);
	}

	/* Many ids, all distinct from the previous one. */
	for (int i = 0; i < 1000; i++) {
		trace_new_id(b, TRACE_SPAN_LEN);
		assert_true(is_lower_hex(b, TRACE_SPAN_LEN));
		assert_string_not_equal(b, s);
		memcpy(s, b, sizeof s);
	}
}

static void start_keeps_a_valid_incoming_trace(void **state)
{
	(void)state;
	char id[TRACE_ID_LEN + 1], span[TRACE_SPAN_LEN + 1], span2[TRACE_SPAN_LEN + 1];

	trace_start(VALID, id, span);
	assert_string_equal(id, TRACE);
	assert_int_equal(strlen(span), TRACE_SPAN_LEN);
	assert_string_not_equal(span, SPAN); /* a new span of our own */
	trace_start(VALID, id, span2);
	assert_string_not_equal(span, span2);

	trace_start("garbage", id, span);
	assert_int_equal(strlen(id), TRACE_ID_LEN);
	assert_true(is_lower_hex(id, TRACE_ID_LEN));
	assert_string_not_equal(id, TRACE);
	trace_start(NULL, id, span);
	assert_int_equal(strlen(id), TRACE_ID_LEN);
}

static void format_header(void **state)
{
	(void)state;
	char out[56];

	trace_format(TRACE, SPAN, out);
	assert_string_equal(out, VALID);
	assert_int_equal(strlen(out), 55);
	/* Longer inputs are cut to their field widths. */
	trace_format(TRACE "ffff", SPAN "ffff", out);
	assert_string_equal(out, VALID);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_valid_header),
	cmocka_unit_test(parse_rejects_wrong_lengths),
	cmocka_unit_test(parse_rejects_bad_hex_and_zero_ids),
	cmocka_unit_test(parse_versions),
	cmocka_unit_test(new_id_is_random_lower_hex),
	cmocka_unit_test(start_keeps_a_valid_incoming_trace),
	cmocka_unit_test(format_header),
};

UNIT_MAIN(tests)
