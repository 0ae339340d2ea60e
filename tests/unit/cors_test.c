#include "unit.h"

#include "cors.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

static struct cors_origins o;

static void parses(const char *spec, size_t want)
{
	struct err e;

	err_clear(&e);
	if (cors_parse(spec, &o, &e) != 0)
		fail_msg("[%s] refused: %s", spec, e.msg);
	assert_int_equal(o.n, want);
}

/* spec is refused and the message contains needle. */
static void refused(const char *spec, const char *needle)
{
	struct err e;

	err_clear(&e);
	if (cors_parse(spec, &o, &e) != ERR_INVALID)
		fail_msg("[%s] accepted", spec);
	if (needle != NULL && strstr(e.msg, needle) == NULL)
		fail_msg("[%s]: message \"%s\" lacks \"%s\"", spec, e.msg, needle);
}

static void comma_separated_list(void **state)
{
	(void)state;
	parses("https://ops.example.com,http://127.0.0.1:3000", 2);
	assert_string_equal(o.items[0], "https://ops.example.com");
	assert_string_equal(o.items[1], "http://127.0.0.1:3000");
	parses("https://a.example", 1);
	parses("https://a.example,", 1); /* an empty item is nothing */
	parses("http://[::1]:8080,http://[::1]", 2);
}

static void json_array(void **state)
{
	(void)state;
	parses("[\"https://a.example\", \"http://localhost:5173\"]", 2);
	assert_string_equal(o.items[0], "https://a.example");
	assert_string_equal(o.items[1], "http://localhost:5173");
	parses("  [ \"https://a.example\" ]  ", 1);
	assert_string_equal(o.items[0], "https://a.example");
	parses("[]", 0);
	refused("[\"https://a.example\"", "]");
}

static void trailing_slash_and_spaces_are_dropped(void **state)
{
	(void)state;
	parses("https://a.example/", 1);
	assert_string_equal(o.items[0], "https://a.example");
	parses("  https://a.example ,\thttps://b.example:8443/  ", 2);
	assert_string_equal(o.items[0], "https://a.example");
	assert_string_equal(o.items[1], "https://b.example:8443");
}

static void bad_entries_are_refused_by_name(void **state)
{
	(void)state;
	refused("https://a.example/path", "https://a.example/path");
	refused("https://a.example,https://b.example/x", "https://b.example/x");
	refused("*", "\"*\"");
	refused("null", "\"null\"");
	refused("ftp://files.example", "ftp://files.example");
	refused("a.example", NULL);
	refused("//a.example", NULL);
	refused("https://", NULL);
	refused("https://:8080", NULL);
	refused("https://a.example:80a", "80a");
	refused("https://a.example:port", NULL);
	refused("https://a.example:", NULL);
	refused("https://a.example:123456", NULL);
	refused("https://a.example?x=1", NULL);
	refused("https://a.example#top", NULL);
	refused("https://user@a.example", NULL);
	refused("https://a b.example", NULL);
	refused("[\"*\"]", "\"*\"");
}

static void too_many_or_too_long_are_refused(void **state)
{
	(void)state;
	char spec[CORS_MAX_ORIGINS * 40 + 64], one[CORS_ORIGIN_MAX + 16];
	size_t len = 0;

	for (int i = 0; i < CORS_MAX_ORIGINS; i++)
		len += (size_t)snprintf(spec + len, sizeof spec - len, "%shttps://h%d.example",
					i > 0 ? "," : "", i);
	parses(spec, CORS_MAX_ORIGINS);
	snprintf(spec + len, sizeof spec - len, ",https://one-more.example");
	refused(spec, "more than");

	memcpy(one, "https://", 8);
	memset(one + 8, 'a', CORS_ORIGIN_MAX);
	one[8 + CORS_ORIGIN_MAX] = '\0';
	refused(one, "longer than");
}

static void matching_is_exact_but_ignores_case(void **state)
{
	(void)state;
	parses("https://ops.example.com,http://127.0.0.1:3000", 2);
	assert_true(cors_allowed(&o, "https://ops.example.com"));
	assert_true(cors_allowed(&o, "HTTPS://OPS.EXAMPLE.COM"));
	assert_true(cors_allowed(&o, "http://127.0.0.1:3000"));
	assert_false(cors_allowed(&o, "http://ops.example.com"));        /* another scheme */
	assert_false(cors_allowed(&o, "https://ops.example.com:443"));   /* another spelling is another origin */
	assert_false(cors_allowed(&o, "https://ops.example.com.evil.example"));
	assert_false(cors_allowed(&o, "https://evil.example"));
	assert_false(cors_allowed(&o, "http://127.0.0.1:30000"));
	assert_false(cors_allowed(&o, "null"));
	assert_false(cors_allowed(&o, ""));
	assert_false(cors_allowed(&o, NULL));
}

static void empty_setting_allows_nothing(void **state)
{
	(void)state;
	parses("", 0);
	assert_false(cors_allowed(&o, "https://ops.example.com"));
	assert_false(cors_allowed(&o, "null"));
	parses("   ", 0);
	parses(NULL, 0);
	assert_false(cors_allowed(&o, "http://127.0.0.1"));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(comma_separated_list),
	cmocka_unit_test(json_array),
	cmocka_unit_test(trailing_slash_and_spaces_are_dropped),
	cmocka_unit_test(bad_entries_are_refused_by_name),
	cmocka_unit_test(too_many_or_too_long_are_refused),
	cmocka_unit_test(matching_is_exact_but_ignores_case),
	cmocka_unit_test(empty_setting_allows_nothing),
};

UNIT_MAIN(tests)
