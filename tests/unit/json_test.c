#include "unit.h"

#include "arena.h"
#include "err.h"
#include "json.h"
#include "sbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parse a string literal (its length includes embedded NULs, not the final one). */
#define PARSE(lit, out, e) json_parse((lit), sizeof(lit) - 1, (out), (e))

/* ---- json_parse ---- */

static void parse_accepts_values_with_whitespace(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		json_type type;
	} good[] = {
		{ "{\"a\":1}", json_type_object },
		{ "  {\"a\" : [1, 2.5, \"x\", true, null], \"b\": {}}\t\r\n", json_type_object },
		{ "[]", json_type_array },
		{ "\n[ 1 , [ 2 , [ 3 ] ] ]\n", json_type_array },
		{ "\"str\"", json_type_string },
		{ " \"\\u043f\\n\" ", json_type_string },
		{ "42", json_type_int },
		{ " -7 ", json_type_int },
		{ "-1.5e3", json_type_double },
		{ "true", json_type_boolean },
		{ "\tfalse\n", json_type_boolean },
		{ "[\"привет\"]", json_type_array },
	};

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		json_object *o = NULL;
		struct err e;

		err_clear(&e);
		if (json_parse(good[i].text, strlen(good[i].text), &o, &e) != 0)
			fail_msg("[%s] rejected: %s", good[i].text, e.msg);
		assert_non_null(o);
		assert_int_equal(json_object_get_type(o), good[i].type);
		json_object_put(o);
	}
}

static void parse_values_are_what_was_sent(void **state)
{
	(void)state;
	json_object *o = NULL, *v = NULL;
	struct err e;

	assert_int_equal(PARSE("{\"a\":[1,\"x/y\",true],\"n\":-12}", &o, &e), 0);
	assert_true(json_object_object_get_ex(o, "a", &v));
	assert_int_equal(json_object_array_length(v), 3);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 1)), "x/y");
	assert_true(json_object_object_get_ex(o, "n", &v));
	assert_int_equal(json_object_get_int64(v), -12);
	json_object_put(o);

	assert_int_equal(PARSE("42", &o, &e), 0);
	assert_int_equal(json_object_get_int64(o), 42);
	json_object_put(o);

	/* JSON null is json-c's NULL object: success with *out NULL. */
	o = (json_object *)&e;
	assert_int_equal(PARSE(" null ", &o, &e), 0);
	assert_null(o);
}

static void assert_parse_fails(const char *text, size_t len, const char *needle)
{
	json_object *o = (json_object *)&o;
	struct err e;

	err_clear(&e);
	if (json_parse(text, len, &o, &e) != ERR_INVALID)
		fail_msg("[%.*s] was accepted or failed with another code", (int)len, text);
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(o);
	if (needle != NULL && strstr(e.msg, needle) == NULL)
		fail_msg("[%.*s]: message \"%s\" lacks \"%s\"", (int)len, text, e.msg, needle);
}

#define FAILS(lit, needle) assert_parse_fails((lit), sizeof(lit) - 1, (needle))

static void parse_rejects_broken_documents(void **state)
{
	(void)state;
	FAILS("{\"a\":", "unexpected end of data");
	FAILS("{\"a\":", "offset 5");
	FAILS("[1, 2", "unexpected end of data");
	FAILS("\"abc", "unexpected end of data");
	FAILS("tru", "unexpected end of data");
	FAILS("{\"a\":1} x", "after the value");
	FAILS("{\"a\":1} x", "offset 8");
	FAILS("{\"a\":1}{}", "after the value");
	FAILS("1 2", "after the value");
	FAILS("[1] ]", "after the value");
	FAILS("", "empty");
	FAILS("   \r\n\t ", "empty");
	FAILS("{'a':1}", "offset 1");
	FAILS("{\"a\":'x'}", NULL);
	FAILS("['x']", NULL);
	FAILS("{\"a\":1,}", NULL);
	FAILS("[1,]", NULL);
	FAILS("{a:1}", NULL);
	FAILS("NaN", "offset 0");
	FAILS("[1, NaN]", "offset 4");
	FAILS("{\"a\":Infinity}", "offset 5");
	FAILS("-Infinity", "offset 1");
	FAILS("nan", NULL);
	FAILS("[01]", NULL);
	FAILS("/* c */ 1", NULL);
	FAILS("{\"a\" 1}", NULL);
}

static void parse_rejects_nul_and_raw_control_characters(void **state)
{
	(void)state;
	FAILS("{\"a\":1}\0", "offset 7");
	FAILS("{\"a\":\"x\0y\"}", "NUL");
	FAILS("[1,\0 2]", "NUL");
	FAILS("\0", NULL);
	/* RFC 8259: control characters inside strings must be escaped. */
	FAILS("\"a\tb\"", "control character");
	FAILS("{\"k\":\"line\nbreak\"}", "control character");
	FAILS("{\"k\x01\":1}", "control character");
	/* ... and text must be UTF-8. */
	FAILS("[\"\xff\"]", "utf-8");
	FAILS("{\"k\":\"\xc3\"}", "utf-8");
}

static void parse_escapes_are_not_mistaken_for_quotes(void **state)
{
	(void)state;
	json_object *o = NULL, *v = NULL;
	struct err e;

	/* Apostrophes inside strings and escaped quotes/backslashes are all fine. */
	assert_int_equal(PARSE("{\"it's\":\"don't \\\"q\\\" \\\\\",\"b\":\"\\\\\"}", &o, &e), 0);
	assert_true(json_object_object_get_ex(o, "it's", &v));
	assert_string_equal(json_object_get_string(v), "don't \"q\" \\");
	json_object_put(o);
	/* ... but a quote after an escaped backslash ends the string. */
	FAILS("[\"\\\\\",'x']", NULL);
}

static void parse_depth_is_bounded(void **state)
{
	(void)state;
	char buf[2 * (JSON_MAX_DEPTH + 1)];
	json_object *o = NULL;
	struct err e;

	memset(buf, '[', JSON_MAX_DEPTH);
	memset(buf + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	assert_int_equal(json_parse(buf, 2 * JSON_MAX_DEPTH, &o, &e), 0);
	json_object_put(o);

	memset(buf, '[', JSON_MAX_DEPTH + 1);
	memset(buf + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
	assert_parse_fails(buf, sizeof buf, "deep");

	/* objects count too */
	{
		char obj[8 * (JSON_MAX_DEPTH + 1) + 2];
		size_t n = 0;

		for (int i = 0; i <= JSON_MAX_DEPTH; i++)
			n += (size_t)snprintf(obj + n, sizeof obj - n, "{\"a\":");
		n += (size_t)snprintf(obj + n, sizeof obj - n, "1");
		for (int i = 0; i <= JSON_MAX_DEPTH; i++)
			obj[n++] = '}';
		assert_parse_fails(obj, n, NULL);
	}
}

static void parse_accepts_a_null_err(void **state)
{
	(void)state;
	json_object *o = (json_object *)&o;

	assert_int_equal(json_parse("{", 1, &o, NULL), ERR_INVALID);
	assert_null(o);
	assert_int_equal(json_parse("", 0, &o, NULL), ERR_INVALID);
}

/* ---- numbers ---- */

static void format_double_table(void **state)
{
	(void)state;
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 0.51, "0.51" },
		{ 1.0, "1" },
		{ -3.0, "-3" },
		{ 0.0, "0" },
		{ 1e-9, "1e-09" },
		{ 123.456, "123.456" },
		{ 0.1 + 0.2, "0.30000000000000004" },
		{ 9007199254740992.0, "9007199254740992" },       /* 2^53 */
		{ 9007199254740991.0, "9007199254740991" },       /* 2^53 - 1 */
		{ -9007199254740991.0, "-9007199254740991" },
		{ 1e21, "1e+21" },
		{ 2.5, "2.5" },
	};
	char buf[40];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_format_double(cases[i].v, buf, sizeof buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("case %zu: got %s, want %s", i, buf, cases[i].want);
	}
	json_format_double(NAN, buf, sizeof buf);
	assert_string_equal(buf, "null");
	json_format_double(INFINITY, buf, sizeof buf);
	assert_string_equal(buf, "null");
	json_format_double(-INFINITY, buf, sizeof buf);
	assert_string_equal(buf, "null");
}

/* Every finite double prints in at most 32 bytes, reads back exactly, and is valid JSON. */
static void format_double_round_trips(void **state)
{
	(void)state;
	const double values[] = {
		0.1 + 0.2, 1.0 / 3.0, 2.0 / 3.0, 1e-300, 5e-324, 1.7976931348623157e308,
		-2.2250738585072014e-308, 123456789.123456789, 0.000001, 1e15 + 0.5,
		4503599627370497.5, 9007199254740993.0, 3.141592653589793, -0.51,
	};
	char buf[32];

	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
		json_object *o = NULL;
		struct err e;

		json_format_double(values[i], buf, sizeof buf);
		assert_true(strlen(buf) < sizeof buf);
		if (strtod(buf, NULL) != values[i])
			fail_msg("%.17g printed as %s does not read back", values[i], buf);
		if (json_parse(buf, strlen(buf), &o, &e) != 0)
			fail_msg("%s is not JSON: %s", buf, e.msg);
		assert_true(json_object_get_double(o) == values[i]);
		json_object_put(o);
	}
}

static void render_to_string(json_object *o, char *out, size_t len)
{
	struct arena *a = arena_new(1024, 0);
	struct sbuf b;

	assert_non_null(a);
	sbuf_init(&b, a, 1 << 20);
	assert_int_equal(json_render(o, &b), 0);
	snprintf(out, len, "%s", sbuf_cstr(&b));
	arena_free(a);
}

static void number_serializes_like_format_double(void **state)
{
	(void)state;
	json_object *root = json_object_new_object();
	char out[256];

	json_object_object_add(root, "a", json_number(0.51));
	json_object_object_add(root, "b", json_number(1.0));
	json_object_object_add(root, "c", json_number(NAN));
	json_object_object_add(root, "d", json_number(-INFINITY));
	json_object_object_add(root, "e", json_number(0.1 + 0.2));
	json_object_object_add(root, "f", json_number(1e-9));
	render_to_string(root, out, sizeof out);
	assert_string_equal(out, "{\"a\":0.51,\"b\":1,\"c\":null,\"d\":null,\"e\":0.30000000000000004,"
				 "\"f\":1e-09}");
	assert_true(json_object_get_double(json_object_object_get(root, "a")) == 0.51);
	json_object_put(root);
}

/* ---- rendering ---- */

static void render_is_compact_and_keeps_slashes(void **state)
{
	(void)state;
	json_object *root = json_object_new_object();
	json_object *inner = json_object_new_object();
	json_object *arr = json_object_new_array();
	char out[512];

	json_object_array_add(arr, json_object_new_int(1));
	json_object_array_add(arr, json_object_new_string("a/b"));
	json_object_array_add(arr, json_object_new_boolean(1));
	json_object_array_add(arr, NULL);
	json_object_object_add(inner, "path", json_object_new_string("/api/v1/health"));
	json_object_object_add(inner, "list", arr);
	json_object_object_add(inner, "empty", json_object_new_object());
	json_object_object_add(root, "inner", inner);
	json_object_object_add(root, "text", json_object_new_string("q\"b\\n\nт"));
	json_object_object_add(root, "n", json_object_new_int64(-9007199254740993LL));
	render_to_string(root, out, sizeof out);
	assert_string_equal(out, "{\"inner\":{\"path\":\"/api/v1/health\",\"list\":[1,\"a/b\",true,null],"
				 "\"empty\":{}},\"text\":\"q\\\"b\\\\n\\nт\",\"n\":-9007199254740993}");
	json_object_put(root);
}

static void render_reports_a_full_buffer(void **state)
{
	(void)state;
	json_object *s = json_object_new_string("0123456789abcdef");
	struct sbuf b;

	sbuf_init(&b, NULL, 8);
	assert_int_equal(json_render(s, &b), ERR_LIMIT);
	assert_true(b.failed);
	sbuf_release(&b);
	json_object_put(s);
}

/* ---- typed field access ---- */

static const char doc[] = "{\"name\":\"abc\",\"count\":42,\"neg\":-5,\"ratio\":1.5,\"flag\":true,"
			  "\"none\":null,\"numstr\":\"42\",\"list\":[1],\"obj\":{},"
			  "\"nul\":\"a\\u0000b\",\"huge\":9223372036854775807}";

static json_object *load_doc(void)
{
	json_object *o = NULL;
	struct err e;

	if (json_parse(doc, sizeof doc - 1, &o, &e) != 0)
		fail_msg("fixture: %s", e.msg);
	return o;
}

static void get_string_cases(void **state)
{
	(void)state;
	json_object *o = load_doc();
	const char *s = "untouched";
	struct err e;

	assert_int_equal(json_get_string(o, "name", 64, &s, &e), 0);
	assert_string_equal(s, "abc");
	assert_int_equal(json_get_string(o, "name", 3, &s, &e), 0); /* max_len is inclusive */

	s = "untouched";
	assert_int_equal(json_get_string(o, "absent", 64, &s, &e), ERR_NOTFOUND);
	assert_int_equal(json_get_string(o, "none", 64, &s, &e), ERR_NOTFOUND);
	assert_string_equal(s, "untouched");

	err_clear(&e);
	assert_int_equal(json_get_string(o, "name", 2, &s, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"name\""));
	assert_non_null(strstr(e.msg, "2 bytes"));
	static const char *const wrong[] = { "count", "ratio", "flag", "list", "obj" };
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		char want[32];

		err_clear(&e);
		assert_int_equal(json_get_string(o, wrong[i], 64, &s, &e), ERR_INVALID);
		snprintf(want, sizeof want, "\"%s\"", wrong[i]);
		assert_non_null(strstr(e.msg, want));
		assert_non_null(strstr(e.msg, "string"));
	}
	err_clear(&e);
	assert_int_equal(json_get_string(o, "nul", 64, &s, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"nul\""));
	assert_string_equal(s, "untouched");
	assert_int_equal(json_get_string(o, "count", 64, &s, NULL), ERR_INVALID);
	json_object_put(o);
}

static void get_int_cases(void **state)
{
	(void)state;
	json_object *o = load_doc();
	int64_t n = 7;
	struct err e;

	assert_int_equal(json_get_int(o, "count", 0, 100, &n, &e), 0);
	assert_int_equal(n, 42);
	assert_int_equal(json_get_int(o, "count", 42, 42, &n, &e), 0);
	assert_int_equal(json_get_int(o, "neg", -5, 0, &n, &e), 0);
	assert_int_equal(n, -5);
	assert_int_equal(json_get_int(o, "huge", 0, INT64_MAX, &n, &e), 0);
	assert_int_equal(n, INT64_MAX);

	n = 7;
	assert_int_equal(json_get_int(o, "absent", 0, 100, &n, &e), ERR_NOTFOUND);
	assert_int_equal(json_get_int(o, "none", 0, 100, &n, &e), ERR_NOTFOUND);
	assert_int_equal(n, 7);

	err_clear(&e);
	assert_int_equal(json_get_int(o, "count", 43, 100, &n, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"count\""));
	assert_non_null(strstr(e.msg, "between 43 and 100"));
	assert_int_equal(json_get_int(o, "count", 0, 41, &n, &e), ERR_INVALID);
	assert_int_equal(json_get_int(o, "neg", 0, 10, &n, &e), ERR_INVALID);
	assert_int_equal(n, 7);

	static const char *const wrong[] = { "ratio", "numstr", "flag", "list", "name" };
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		char want[32];

		err_clear(&e);
		assert_int_equal(json_get_int(o, wrong[i], INT64_MIN, INT64_MAX, &n, &e), ERR_INVALID);
		snprintf(want, sizeof want, "\"%s\"", wrong[i]);
		assert_non_null(strstr(e.msg, want));
		assert_non_null(strstr(e.msg, "integer"));
	}
	assert_int_equal(n, 7);
	json_object_put(o);
}

static void get_bool_cases(void **state)
{
	(void)state;
	json_object *o = load_doc();
	bool b = false;
	struct err e;

	assert_int_equal(json_get_bool(o, "flag", &b, &e), 0);
	assert_true(b);
	b = false;
	assert_int_equal(json_get_bool(o, "absent", &b, &e), ERR_NOTFOUND);
	assert_int_equal(json_get_bool(o, "none", &b, &e), ERR_NOTFOUND);
	assert_false(b);
	static const char *const wrong[] = { "count", "numstr", "name", "obj" };
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
		char want[32];

		err_clear(&e);
		assert_int_equal(json_get_bool(o, wrong[i], &b, &e), ERR_INVALID);
		snprintf(want, sizeof want, "\"%s\"", wrong[i]);
		assert_non_null(strstr(e.msg, want));
	}
	assert_false(b);
	json_object_put(o);
}

static void getters_on_a_non_object_find_nothing(void **state)
{
	(void)state;
	json_object *arr = json_object_new_array();
	const char *s = NULL;
	int64_t n = 0;
	bool b = false;

	assert_int_equal(json_get_string(arr, "a", 10, &s, NULL), ERR_NOTFOUND);
	assert_int_equal(json_get_int(arr, "a", 0, 1, &n, NULL), ERR_NOTFOUND);
	assert_int_equal(json_get_bool(NULL, "a", &b, NULL), ERR_NOTFOUND);
	json_object_put(arr);
}

/* ---- json_put_string ---- */

/* Every string writes what json_render writes for it, and parses back to itself. */
static void put_string_matches_render(void **state)
{
	static const char *const cases[] = {
		"", "plain", "a\"quote", "back\\slash", "a/b", "tab\tnew\nline\rcr",
		"\b\f", "\x01\x02\x1f end", "\x7f del", "Тонер чёрный ⚠", "\"\"\\\\",
		"ends in escape\n",
	};
	struct arena *a = arena_new(4096, 0);

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sbuf ours, theirs;
		json_object *o = json_object_new_string(cases[i]), *back = NULL;
		struct err e;

		sbuf_init(&ours, a, 1024);
		sbuf_init(&theirs, a, 1024);
		assert_int_equal(json_put_string(&ours, cases[i]), 0);
		assert_int_equal(json_render(o, &theirs), 0);
		assert_int_equal(ours.len, theirs.len);
		assert_memory_equal(ours.data, theirs.data, ours.len);
		assert_int_equal(json_parse(ours.data, ours.len, &back, &e), 0);
		assert_string_equal(json_object_get_string(back), cases[i]);
		json_object_put(back);
		json_object_put(o);
	}
	arena_free(a);
}

static void put_string_reports_a_full_buffer(void **state)
{
	struct arena *a = arena_new(4096, 0);
	struct sbuf b;

	(void)state;
	sbuf_init(&b, a, 8);
	assert_int_not_equal(json_put_string(&b, "longer than eight"), 0);
	sbuf_init(&b, a, 8);
	assert_int_not_equal(json_put_string(&b, "\x01\x02"), 0);
	arena_free(a);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_accepts_values_with_whitespace),
	cmocka_unit_test(parse_values_are_what_was_sent),
	cmocka_unit_test(parse_rejects_broken_documents),
	cmocka_unit_test(parse_rejects_nul_and_raw_control_characters),
	cmocka_unit_test(parse_escapes_are_not_mistaken_for_quotes),
	cmocka_unit_test(parse_depth_is_bounded),
	cmocka_unit_test(parse_accepts_a_null_err),
	cmocka_unit_test(format_double_table),
	cmocka_unit_test(format_double_round_trips),
	cmocka_unit_test(number_serializes_like_format_double),
	cmocka_unit_test(render_is_compact_and_keeps_slashes),
	cmocka_unit_test(render_reports_a_full_buffer),
	cmocka_unit_test(put_string_matches_render),
	cmocka_unit_test(put_string_reports_a_full_buffer),
	cmocka_unit_test(get_string_cases),
	cmocka_unit_test(get_int_cases),
	cmocka_unit_test(get_bool_cases),
	cmocka_unit_test(getters_on_a_non_object_find_nothing),
};

UNIT_MAIN(tests)
