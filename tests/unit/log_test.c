#include "unit.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- capture: log lines go to a pipe whose read end never blocks ---- */

static int cap[2] = { -1, -1 };

static int setup_pipe(void **state)
{
	(void)state;
	if (pipe(cap) != 0)
		return -1;
	if (fcntl(cap[0], F_SETFL, O_NONBLOCK) != 0)
		return -1;
	return 0;
}

static int teardown_pipe(void **state)
{
	(void)state;
	log_init("infrascope", LOG_LEVEL_INFO, 2);
	close(cap[0]);
	close(cap[1]);
	cap[0] = cap[1] = -1;
	return 0;
}

/* Everything written so far (NUL-terminated, at most sizeof buf - 1 bytes); returns the length. */
static size_t drain(char *buf, size_t len)
{
	size_t n = 0;

	for (;;) {
		ssize_t r = read(cap[0], buf + n, len - 1 - n);

		if (r > 0) {
			n += (size_t)r;
			if (n == len - 1)
				break;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		assert_true(r == 0 || errno == EAGAIN);
		break;
	}
	buf[n] = '\0';
	return n;
}

/* ---- log_format_value ---- */

static void format_value_table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "GET", "GET" },
		{ "/api/v1/health", "/api/v1/health" },
		{ "0.41", "0.41" },
		{ "", "\"\"" },
		{ "a b", "\"a b\"" },
		{ " ", "\" \"" },
		{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
		{ "\"", "\"\\\"\"" },
		{ "C:\\dir", "\"C:\\\\dir\"" },
		{ "a=b", "\"a=b\"" },
		{ "line1\nline2", "\"line1\\nline2\"" },
		{ "a\tb", "\"a\\tb\"" },
		{ "a\rb", "\"a\\rb\"" },
		{ "\x01", "\"\\x01\"" },
		{ "x\x1fy", "\"x\\x1fy\"" },
		{ "del\x7f", "\"del\\x7f\"" },
		{ "привет", "привет" },           /* UTF-8 bytes pass through unquoted */
		{ "мир и труд", "\"мир и труд\"" },
	};
	char out[128];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = log_format_value(cases[i].in, out, sizeof out);

		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: got [%s], want [%s]", i, out, cases[i].want);
		assert_int_equal(n, strlen(out));
	}
	assert_int_equal(log_format_value(NULL, out, sizeof out), 2);
	assert_string_equal(out, "\"\"");
}

static void format_value_truncates_safely(void **state)
{
	(void)state;
	char out[64];

	/* Unquoted: a plain prefix. */
	assert_int_equal(log_format_value("abcdef", out, 4), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(log_format_value("abcdef", out, 1), 0);
	assert_string_equal(out, "");

	/* Quoted: cut between characters, still closed. */
	assert_int_equal(log_format_value("a b c d e f", out, 6), 5);
	assert_string_equal(out, "\"a b\"");
	/* An escape is never split. */
	assert_int_equal(log_format_value("\n\n\n", out, 6), 4);
	assert_string_equal(out, "\"\\n\"");
	assert_int_equal(log_format_value("\x01\x02", out, 7), 6);
	assert_string_equal(out, "\"\\x01\"");
	/* Too small for even "" : empty string, not a lone quote. */
	assert_int_equal(log_format_value("a b", out, 2), 0);
	assert_string_equal(out, "");
	assert_int_equal(log_format_value("a b", out, 3), 2);
	assert_string_equal(out, "\"\"");

	/* outlen 0 writes nothing at all. */
	out[0] = 'Z';
	assert_int_equal(log_format_value("abc", out, 0), 0);
	assert_int_equal(out[0], 'Z');
}

/* For every buffer size: NUL-terminated within bounds, and a quoted result is closed. */
static void format_value_every_size_is_well_formed(void **state)
{
	(void)state;
	static const char *const inputs[] = {
		"plain_value_123", "with space and \"quotes\"", "back\\slash\\\\", "ctl\x01\x02\x03\x7f",
		"new\nline\ttab\rcr", "=",
	};
	char out[80];

	for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
		for (size_t len = 1; len <= sizeof out; len++) {
			size_t n;

			memset(out, 'Q', sizeof out);
			n = log_format_value(inputs[k], out, len);
			assert_true(n < len);
			assert_int_equal(out[n], '\0');
			assert_int_equal(strlen(out), n);
			if (len < sizeof out)
				assert_int_equal(out[len], 'Q'); /* nothing written past outlen */
			if (n > 0 && out[0] == '"') {
				size_t bs = 0;

				assert_true(n >= 2);
				assert_int_equal(out[n - 1], '"');
				/* the closing quote is not itself escaped */
				for (size_t j = n - 1; j > 1 && out[j - 1] == '\\'; j--)
					bs++;
				assert_int_equal(bs % 2, 0);
			}
		}
	}
}

/* ---- whole lines ---- */

static bool is_digit_at(const char *s, size_t i)
{
	return s[i] >= '0' && s[i] <= '9';
}

static void full_line_has_the_documented_shape(void **state)
{
	(void)state;
	struct log_line l;
	char buf[4096];
	size_t n;
	const char *rest;

	log_init("unit_prog", LOG_LEVEL_INFO, cap[1]);
	log_begin(&l, LOG_LEVEL_INFO, "request", "4bf92f3577b34da6a3ce929d0e0e4736");
	log_str(&l, "method", "GET");
	log_str(&l, "path", "/a b");
	log_int(&l, "status", 200);
	log_int(&l, "neg", -42);
	log_dbl(&l, "ms", 0.41);
	log_end(&l);
	n = drain(buf, sizeof buf);

	/* ts=YYYY-MM-DDTHH:MM:SS.mmmZ */
	assert_true(n > 28);
	assert_memory_equal(buf, "ts=", 3);
	for (size_t i = 3; i < 27; i++) {
		static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
		char want = shape[i - 3];

		if (want == 'd')
			assert_true(is_digit_at(buf, i));
		else
			assert_int_equal(buf[i], want);
	}
	rest = buf + 27;
	assert_string_equal(rest, " level=info prog=unit_prog event=request "
				  "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 method=GET "
				  "path=\"/a b\" status=200 neg=-42 ms=0.410\n");
	/* exactly one newline, at the end */
	assert_ptr_equal(strchr(buf, '\n'), buf + n - 1);
}

static void trace_id_is_omitted_when_absent(void **state)
{
	(void)state;
	struct log_line l;
	char buf[1024];

	log_init("p", LOG_LEVEL_DEBUG, cap[1]);
	log_begin(&l, LOG_LEVEL_WARN, "start", NULL);
	log_end(&l);
	drain(buf, sizeof buf);
	assert_string_equal(buf + 27, " level=warn prog=p event=start\n");

	log_begin(&l, LOG_LEVEL_DEBUG, "tick", "");
	log_end(&l);
	drain(buf, sizeof buf);
	assert_string_equal(buf + 27, " level=debug prog=p event=tick\n");
}

static void lines_below_the_level_write_nothing(void **state)
{
	(void)state;
	struct log_line l;
	char buf[1024];

	log_init("p", LOG_LEVEL_WARN, cap[1]);
	assert_false(log_enabled(LOG_LEVEL_DEBUG));
	assert_false(log_enabled(LOG_LEVEL_INFO));
	assert_true(log_enabled(LOG_LEVEL_WARN));
	assert_true(log_enabled(LOG_LEVEL_ERROR));

	log_begin(&l, LOG_LEVEL_INFO, "skipped", NULL);
	assert_false(l.active);
	log_str(&l, "k", "v");
	log_int(&l, "n", 1);
	log_dbl(&l, "d", 1.5);
	log_end(&l);
	log_msg(LOG_LEVEL_DEBUG, "skipped", NULL, "x=%d", 1);
	assert_int_equal(drain(buf, sizeof buf), 0);

	log_msg(LOG_LEVEL_ERROR, "db_down", "0af7651916cd43dd8448eb211c80319c", "lost %s after %d ms",
		"connection", 250);
	drain(buf, sizeof buf);
	assert_string_equal(buf + 27, " level=error prog=p event=db_down "
				      "trace_id=0af7651916cd43dd8448eb211c80319c "
				      "msg=\"lost connection after 250 ms\"\n");
}

static void program_name_is_copied_and_bounded(void **state)
{
	(void)state;
	char name[100], want[200], buf[1024];
	struct log_line l;

	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	log_init(name, LOG_LEVEL_INFO, cap[1]);
	name[0] = 'X'; /* the logger keeps its own copy */
	log_begin(&l, LOG_LEVEL_INFO, "e", NULL);
	log_end(&l);
	drain(buf, sizeof buf);
	snprintf(want, sizeof want, " level=info prog=%.63s event=e\n",
		 "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn");
	assert_string_equal(buf + 27, want);
}

static void long_value_is_cut_and_marked(void **state)
{
	(void)state;
	struct log_line l;
	char *big = malloc(5001);
	char buf[8192];
	size_t n;
	const char *v;

	assert_non_null(big);
	memset(big, 'x', 5000);
	big[5000] = '\0';
	log_init("p", LOG_LEVEL_INFO, cap[1]);

	log_begin(&l, LOG_LEVEL_INFO, "big", NULL);
	log_str(&l, "before", "1");
	log_str(&l, "value", big);
	log_int(&l, "after", 2);
	log_end(&l);
	n = drain(buf, sizeof buf);
	assert_true(n <= LOG_LINE_MAX);
	assert_true(n > LOG_LINE_MAX - 64); /* the value fills the line, it is not dropped */
	assert_string_equal(buf + n - 13, " truncated=1\n");
	assert_ptr_equal(strchr(buf, '\n'), buf + n - 1);
	assert_non_null(strstr(buf, " before=1 "));
	v = strstr(buf, " value=");
	assert_non_null(v);
	assert_memory_equal(v + 7, "xxxxxxxxxx", 10);
	assert_null(strstr(buf, "after="));

	/* A quoted value is cut inside the quotes and still closed. */
	for (size_t i = 1; i < 5000; i += 2)
		big[i] = ' ';
	log_begin(&l, LOG_LEVEL_INFO, "big", NULL);
	log_str(&l, "value", big);
	log_end(&l);
	n = drain(buf, sizeof buf);
	assert_true(n <= LOG_LINE_MAX);
	assert_string_equal(buf + n - 14, "\" truncated=1\n");
	v = strstr(buf, " value=\"x x");
	assert_non_null(v);
	free(big);
}

/*
 * Parse one logfmt line: key=value pairs separated by single spaces, values either non-empty
 * bare words or closed quoted strings. Fails the test on anything else.
 */
static void assert_logfmt(const char *line, size_t n)
{
	size_t i = 0;

	assert_true(n > 0);
	assert_int_equal(line[n - 1], '\n');
	while (i < n - 1) {
		size_t k = i;

		while (i < n - 1 && line[i] != '=' && line[i] != ' ')
			i++;
		if (i == k || line[i] != '=')
			fail_msg("bad key at offset %zu in [%.*s]", k, (int)n, line);
		i++;
		if (line[i] == '"') {
			i++;
			while (i < n - 1 && line[i] != '"')
				i += line[i] == '\\' ? 2 : 1;
			if (i >= n - 1)
				fail_msg("unclosed quote in [%.*s]", (int)n, line);
			i++;
		} else {
			size_t v = i;

			while (i < n - 1 && line[i] != ' ')
				i++;
			if (i == v)
				fail_msg("empty bare value at offset %zu in [%.*s]", v, (int)n, line);
		}
		if (i < n - 1) {
			if (line[i] != ' ')
				fail_msg("no space after a value at offset %zu", i);
			i++;
		}
	}
}

/* Sweep the fill level across the limit: every line stays well-formed and bounded. */
static void lines_near_the_limit_stay_well_formed(void **state)
{
	(void)state;
	char pad[LOG_LINE_MAX + 1];
	char buf[8192];
	int whole = 0, cut = 0;

	log_init("p", LOG_LEVEL_INFO, cap[1]);
	memset(pad, 'a', sizeof pad);
	for (size_t len = LOG_LINE_MAX - 120; len <= LOG_LINE_MAX; len++) {
		struct log_line l;
		size_t n;

		pad[len] = '\0';
		log_begin(&l, LOG_LEVEL_INFO, "sweep", "4bf92f3577b34da6a3ce929d0e0e4736");
		log_str(&l, "pad", pad + 60);
		log_int(&l, "count", 1234567);
		log_str(&l, "s", "two words");
		log_dbl(&l, "ms", 12.5);
		log_str(&l, "tail", "z");
		log_end(&l);
		pad[len] = 'a';
		n = drain(buf, sizeof buf);
		assert_true(n <= LOG_LINE_MAX);
		assert_logfmt(buf, n);
		if (strstr(buf, " truncated=1\n") == NULL) {
			assert_non_null(strstr(buf, " tail=z\n"));
			whole++;
		} else {
			cut++;
		}
	}
	/* the sweep crossed the limit */
	assert_true(whole > 0);
	assert_true(cut > 0);
}

static void level_parse(void **state)
{
	(void)state;
	assert_int_equal(log_level_parse("debug"), LOG_LEVEL_DEBUG);
	assert_int_equal(log_level_parse("info"), LOG_LEVEL_INFO);
	assert_int_equal(log_level_parse("warn"), LOG_LEVEL_WARN);
	assert_int_equal(log_level_parse("error"), LOG_LEVEL_ERROR);
	assert_int_equal(log_level_parse("INFO"), -1);
	assert_int_equal(log_level_parse("warning"), -1);
	assert_int_equal(log_level_parse("inf"), -1);
	assert_int_equal(log_level_parse(""), -1);
	assert_int_equal(log_level_parse(NULL), -1);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(format_value_table),
	cmocka_unit_test(format_value_truncates_safely),
	cmocka_unit_test(format_value_every_size_is_well_formed),
	cmocka_unit_test_setup_teardown(full_line_has_the_documented_shape, setup_pipe, teardown_pipe),
	cmocka_unit_test_setup_teardown(trace_id_is_omitted_when_absent, setup_pipe, teardown_pipe),
	cmocka_unit_test_setup_teardown(lines_below_the_level_write_nothing, setup_pipe, teardown_pipe),
	cmocka_unit_test_setup_teardown(program_name_is_copied_and_bounded, setup_pipe, teardown_pipe),
	cmocka_unit_test_setup_teardown(long_value_is_cut_and_marked, setup_pipe, teardown_pipe),
	cmocka_unit_test_setup_teardown(lines_near_the_limit_stay_well_formed, setup_pipe,
					teardown_pipe),
	cmocka_unit_test(level_parse),
};

UNIT_MAIN(tests)
