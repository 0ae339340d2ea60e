#include "unit.h"

#include "arena.h"
#include "err.h"
#include "http.h"
#include "sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every test gets a fresh arena in *state. */
static int arena_setup(void **state)
{
	*state = arena_new(4096, 0);
	return *state == NULL ? -1 : 0;
}

static int arena_teardown(void **state)
{
	arena_free(*state);
	return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, arena_setup, arena_teardown)

/* ---- http_url_decode ---- */

static void url_decode_cases(void **state)
{
	struct arena *a = *state;
	static const struct {
		const char *in;
		bool plus;
		const char *want; /* NULL: rejected */
	} cases[] = {
		{ "", true, "" },
		{ "plain", true, "plain" },
		{ "a+b", true, "a b" },
		{ "a+b", false, "a+b" },
		{ "%41", true, "A" },
		{ "x%41y", false, "xAy" },
		{ "%4a%4A", true, "JJ" },
		{ "%2B", true, "+" },
		{ "%20%2520", true, " %20" },
		{ "%C3%A9", true, "\xc3\xa9" },
		{ "%4", true, NULL },
		{ "a%4", true, NULL },
		{ "%zz", true, NULL },
		{ "%4z", true, NULL },
		{ "%%41", true, NULL },
		{ "%00", true, NULL },
		{ "a%00b", false, NULL },
		{ "abc%", true, NULL },
		{ "%", true, NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = NULL;
		size_t len = 999;
		int rc = http_url_decode(a, cases[i].in, strlen(cases[i].in), cases[i].plus, &out, &len);

		if (cases[i].want == NULL) {
			if (rc != ERR_INVALID)
				fail_msg("[%s] accepted (rc %d)", cases[i].in, rc);
			continue;
		}
		if (rc != 0)
			fail_msg("[%s] rejected (rc %d)", cases[i].in, rc);
		assert_string_equal(out, cases[i].want);
		assert_int_equal(len, strlen(cases[i].want));
	}
}

static void url_decode_respects_n_and_embedded_nul(void **state)
{
	struct arena *a = *state;
	char *out = NULL;

	/* Only n bytes are read: "%41" cut to "%4" is broken. */
	assert_int_equal(http_url_decode(a, "%41", 2, true, &out, NULL), ERR_INVALID);
	assert_int_equal(http_url_decode(a, "abcdef", 3, true, &out, NULL), 0);
	assert_string_equal(out, "abc");
	assert_int_equal(http_url_decode(a, "a\0b", 3, true, &out, NULL), ERR_INVALID);
}

/* ---- http_parse_urlencoded ---- */

static void assert_param(const struct http_params *p, size_t i, const char *name, const char *value)
{
	assert_true(i < p->n);
	assert_string_equal(p->items[i].name, name);
	assert_string_equal(p->items[i].value, value);
	assert_int_equal(p->items[i].value_len, strlen(value));
}

static void urlencoded_basic(void **state)
{
	struct arena *a = *state;
	struct http_params p;
	struct err e;
	const char *s = "a=1&b=%20x&c+d=e+f&flag&eq=x=y";

	assert_int_equal(http_parse_urlencoded(a, s, strlen(s), &p, &e), 0);
	assert_int_equal(p.n, 5);
	assert_param(&p, 0, "a", "1");
	assert_param(&p, 1, "b", " x");
	assert_param(&p, 2, "c d", "e f");
	assert_param(&p, 3, "flag", "");
	assert_param(&p, 4, "eq", "x=y");
	assert_string_equal(http_param_get(&p, "b"), " x");
	assert_null(http_param_get(&p, "B"));
	assert_null(http_param_get(&p, "zz"));
}

static void urlencoded_empty_pairs_and_duplicates(void **state)
{
	struct arena *a = *state;
	struct http_params p;
	struct err e;
	const char *s = "&&a=1&&a=2&b=&a=3&";

	assert_int_equal(http_parse_urlencoded(a, s, strlen(s), &p, &e), 0);
	assert_int_equal(p.n, 4);
	assert_param(&p, 0, "a", "1");
	assert_param(&p, 1, "a", "2");
	assert_param(&p, 2, "b", "");
	assert_param(&p, 3, "a", "3");
	assert_string_equal(http_param_get(&p, "a"), "1"); /* the first one */

	assert_int_equal(http_parse_urlencoded(a, "", 0, &p, &e), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(http_parse_urlencoded(a, "&&&", 3, &p, &e), 0);
	assert_int_equal(p.n, 0);
	/* Only n bytes are read. */
	assert_int_equal(http_parse_urlencoded(a, "a=1&b=2", 3, &p, &e), 0);
	assert_int_equal(p.n, 1);
	assert_param(&p, 0, "a", "1");
}

static void urlencoded_binary_value_keeps_its_length(void **state)
{
	struct arena *a = *state;
	struct http_params p;
	struct err e;

	assert_int_equal(http_parse_urlencoded(a, "v=%C3%A9%FF", 11, &p, &e), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.items[0].value_len, 3);
	assert_memory_equal(p.items[0].value, "\xc3\xa9\xff", 4);
}

static void urlencoded_rejects_broken_escapes(void **state)
{
	struct arena *a = *state;
	struct http_params p;
	struct err e;

	err_clear(&e);
	assert_int_equal(http_parse_urlencoded(a, "ok=1&na%zzme=1", 14, &p, &e), ERR_INVALID);
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "name"));
	err_clear(&e);
	assert_int_equal(http_parse_urlencoded(a, "field=%4", 8, &p, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"field\""));
	assert_int_equal(http_parse_urlencoded(a, "x=%00", 5, &p, &e), ERR_INVALID);
	assert_int_equal(http_parse_urlencoded(a, "x=%00", 5, &p, NULL), ERR_INVALID);
}

static void urlencoded_limits(void **state)
{
	struct arena *a = *state;
	struct http_params p;
	struct err e;
	struct sbuf b;
	char name[HTTP_MAX_NAME + 3];

	/* HTTP_MAX_PARAMS pairs are fine, one more is ERR_LIMIT. */
	sbuf_init(&b, a, 1 << 20);
	for (int i = 0; i < HTTP_MAX_PARAMS; i++)
		sbuf_printf(&b, "%sp%d=%d", i ? "&" : "", i, i);
	assert_int_equal(http_parse_urlencoded(a, b.data, b.len, &p, &e), 0);
	assert_int_equal(p.n, HTTP_MAX_PARAMS);
	assert_param(&p, 0, "p0", "0");
	assert_param(&p, HTTP_MAX_PARAMS - 1, "p255", "255");
	sbuf_puts(&b, "&one=more");
	assert_false(b.failed);
	err_clear(&e);
	assert_int_equal(http_parse_urlencoded(a, b.data, b.len, &p, &e), ERR_LIMIT);
	assert_int_equal(e.code, ERR_LIMIT);
	assert_non_null(strstr(e.msg, "256"));

	/* A name of HTTP_MAX_NAME bytes is fine, one more is ERR_LIMIT. */
	memset(name, 'n', sizeof name);
	name[HTTP_MAX_NAME] = '=';
	name[HTTP_MAX_NAME + 1] = 'v';
	assert_int_equal(http_parse_urlencoded(a, name, HTTP_MAX_NAME + 2, &p, &e), 0);
	assert_int_equal(strlen(p.items[0].name), HTTP_MAX_NAME);
	name[HTTP_MAX_NAME] = 'n';
	name[HTTP_MAX_NAME + 1] = '=';
	name[HTTP_MAX_NAME + 2] = 'v';
	err_clear(&e);
	assert_int_equal(http_parse_urlencoded(a, name, HTTP_MAX_NAME + 3, &p, &e), ERR_LIMIT);
	assert_non_null(strstr(e.msg, "256"));

	/* Long values are not limited here (the body bound is). */
	{
		char *big = arena_alloc(a, 20002);

		big[0] = 'v';
		big[1] = '=';
		memset(big + 2, 'x', 20000);
		assert_int_equal(http_parse_urlencoded(a, big, 20002, &p, &e), 0);
		assert_int_equal(p.items[0].value_len, 20000);
	}
}

/* ---- http_parse_cookies ---- */

static void cookies_cases(void **state)
{
	struct arena *a = *state;
	struct http_params p;

	assert_int_equal(http_parse_cookies(a, "a=1; b=2;c=3", &p), 0);
	assert_int_equal(p.n, 3);
	assert_param(&p, 0, "a", "1");
	assert_param(&p, 1, "b", "2");
	assert_param(&p, 2, "c", "3");

	/* Spaces around names and values are not part of them. */
	assert_int_equal(http_parse_cookies(a, "  a = 1 ;\tb=2\t;  ", &p), 0);
	assert_int_equal(p.n, 2);
	assert_param(&p, 0, "a", "1");
	assert_param(&p, 1, "b", "2");

	/* Quoted values lose their quotes; a lone quote is kept. */
	assert_int_equal(http_parse_cookies(a, "sid=\"abc def\"; q=\"; e=\"\"; sp= \"x\"", &p), 0);
	assert_int_equal(p.n, 4);
	assert_param(&p, 0, "sid", "abc def");
	assert_param(&p, 1, "q", "\"");
	assert_param(&p, 2, "e", "");
	assert_param(&p, 3, "sp", "x");

	/* Malformed pairs are skipped, the rest kept in order. */
	assert_int_equal(http_parse_cookies(a, "bad; =x; c=3; d;;e=a=b; empty=", &p), 0);
	assert_int_equal(p.n, 3);
	assert_param(&p, 0, "c", "3");
	assert_param(&p, 1, "e", "a=b");
	assert_param(&p, 2, "empty", "");

	assert_int_equal(http_parse_cookies(a, "", &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(http_parse_cookies(a, " ; ;", &p), 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(http_parse_cookies(a, NULL, &p), 0);
	assert_int_equal(p.n, 0);
}

static void cookies_limits(void **state)
{
	struct arena *a = *state;
	struct http_params p;
	struct sbuf b;

	/* A name longer than HTTP_MAX_NAME is skipped. */
	sbuf_init(&b, a, 1 << 20);
	for (int i = 0; i <= HTTP_MAX_NAME; i++)
		sbuf_putc(&b, 'n');
	sbuf_puts(&b, "=1; ok=2");
	assert_int_equal(http_parse_cookies(a, sbuf_cstr(&b), &p), 0);
	assert_int_equal(p.n, 1);
	assert_param(&p, 0, "ok", "2");

	/* More than HTTP_MAX_PARAMS cookies: the first ones are kept. */
	sbuf_reset(&b);
	for (int i = 0; i < HTTP_MAX_PARAMS + 10; i++)
		sbuf_printf(&b, "c%d=%d; ", i, i);
	assert_int_equal(http_parse_cookies(a, sbuf_cstr(&b), &p), 0);
	assert_int_equal(p.n, HTTP_MAX_PARAMS);
	assert_param(&p, HTTP_MAX_PARAMS - 1, "c255", "255");
}

/* ---- Accept-Language, Accept ---- */

static void pick_language_table(void **state)
{
	(void)state;
	static const char *const supported[] = { "ru", "en" };
	static const struct {
		const char *header;
		const char *want;
	} cases[] = {
		{ "en-GB,en;q=0.9,ru;q=0.8", "en" },
		{ "ru-RU,ru;q=0.9,en-US;q=0.8", "ru" },
		{ "de, fr", NULL },
		{ "en;q=0, ru", "ru" },
		{ "*", NULL },
		{ "*, ru;q=0.5", "ru" },
		{ "", NULL },
		{ "ru;q=abc, en;q=0.3", "en" },   /* a garbage weight drops the item */
		{ "ru;q=, en;q=0.3", "en" },
		{ "ru;q=2, en;q=0.3", "en" },
		{ "ru;q=-0.5, en;q=0.3", "en" },
		{ "ru;q=nan, en;q=0.3", "en" },
		{ "ru;q=0.5x, en;q=0.3", "en" },
		{ "fr;q=1, ru;q=0.001", "ru" },
		{ "de-DE, en;q=0.2, ru;q=0.4", "ru" },
		{ "ru;q=0.5, en;q=0.5", "ru" },   /* a tie keeps the first */
		{ "en;q=0.5, ru;q=0.5", "en" },
		{ "EN-us", "en" },
		{ "en_US", "en" },
		{ "english, russian", NULL },
		{ "e", NULL },
		{ "ru;Q=0.1, en;q=0.2", "en" },
		{ "  en ;q=0.1 ,  ru ; q=0.2 ", "ru" },
		{ ",,,ru,,,", "ru" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = http_pick_language(cases[i].header, supported, 2);

		if (cases[i].want == NULL ? got != NULL
					  : (got == NULL || strcmp(got, cases[i].want) != 0))
			fail_msg("[%s]: got %s, want %s", cases[i].header, got ? got : "NULL",
				 cases[i].want ? cases[i].want : "NULL");
		/* The answer is one of the caller's strings. */
		if (got != NULL)
			assert_true(got == supported[0] || got == supported[1]);
	}
	assert_null(http_pick_language(NULL, supported, 2));
	assert_null(http_pick_language("ru", supported, 0));
}

static int ctx_from(struct http_ctx *x, struct arena *a, char **envp, struct err *e)
{
	http_ctx_init(x, a, 1 << 20);
	return http_request_from_env(x, envp, e);
}

static void wants_json_cases(void **state)
{
	struct arena *a = *state;
	static const struct {
		const char *accept; /* NULL: no Accept header */
		bool want;
	} cases[] = {
		{ NULL, false },
		{ "application/json", true },
		{ "Application/JSON", true },
		{ "text/html,application/json;q=0.9", false },
		{ "application/json, text/html", true },
		{ "text/html;q=0.5, application/json", true },
		{ "text/html", false },
		{ "*/*", false },
		{ "application/json;q=0", false },
		{ "application/json;q=0.1, text/html;q=0.1", true },
		{ "application/jsonx", false },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char accept[128];
		char *envp[] = { "REQUEST_URI=/", accept, NULL };
		struct http_ctx x;
		struct err e;

		snprintf(accept, sizeof accept, "HTTP_ACCEPT=%s", cases[i].accept ? cases[i].accept : "");
		if (cases[i].accept == NULL)
			envp[1] = NULL;
		assert_int_equal(ctx_from(&x, a, envp, &e), 0);
		if (http_wants_json(&x.req) != cases[i].want)
			fail_msg("Accept [%s]: want %d", cases[i].accept ? cases[i].accept : "(none)",
				 cases[i].want);
	}
}

static void local_path_cases(void **state)
{
	(void)state;
	static const char *const good[] = { "/", "/x?y=1", "/devices/7#top", "/a/b/c", "/%2F%2Fx" };
	static const char *const bad[] = {
		"//evil", "//evil.example/x", "/\\evil", "/a\\b", "http://x", "https://x/", "", "x",
		"/a\r\nb", "/a\nSet-Cookie:x", "/tab\there", "/del\x7f", "javascript:alert(1)",
	};
	char *longp = malloc(HTTP_MAX_PATH + 2);

	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!http_is_local_path(good[i]))
			fail_msg("[%s] should be local", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (http_is_local_path(bad[i]))
			fail_msg("[%s] should not be local", bad[i]);
	assert_false(http_is_local_path(NULL));

	assert_non_null(longp);
	memset(longp, 'a', HTTP_MAX_PATH + 1);
	longp[0] = '/';
	longp[HTTP_MAX_PATH + 1] = '\0';
	assert_false(http_is_local_path(longp));
	longp[HTTP_MAX_PATH] = '\0';
	assert_true(http_is_local_path(longp));
	free(longp);
}

/* ---- methods ---- */

static void method_parse_and_format(void **state)
{
	(void)state;
	char buf[128];

	assert_int_equal(http_method_parse("GET"), HTTP_GET);
	assert_int_equal(http_method_parse("HEAD"), HTTP_HEAD);
	assert_int_equal(http_method_parse("POST"), HTTP_POST);
	assert_int_equal(http_method_parse("PUT"), HTTP_PUT);
	assert_int_equal(http_method_parse("PATCH"), HTTP_PATCH);
	assert_int_equal(http_method_parse("DELETE"), HTTP_DELETE);
	assert_int_equal(http_method_parse("OPTIONS"), HTTP_OPTIONS);
	assert_int_equal(http_method_parse("get"), HTTP_OTHER);
	assert_int_equal(http_method_parse("TRACE"), HTTP_OTHER);
	assert_int_equal(http_method_parse("GETX"), HTTP_OTHER);
	assert_int_equal(http_method_parse(""), HTTP_OTHER);
	assert_int_equal(http_method_parse(NULL), HTTP_OTHER);

	http_methods_format(HTTP_GET | HTTP_HEAD | HTTP_POST, buf, sizeof buf);
	assert_string_equal(buf, "GET, HEAD, POST");
	http_methods_format(HTTP_DELETE | HTTP_GET, buf, sizeof buf); /* table order, not bit order */
	assert_string_equal(buf, "GET, DELETE");
	http_methods_format(0, buf, sizeof buf);
	assert_string_equal(buf, "");
	http_methods_format(0x7f, buf, sizeof buf);
	assert_string_equal(buf, "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");

	/* A short buffer holds whole names only. */
	http_methods_format(HTTP_GET | HTTP_HEAD | HTTP_POST, buf, 8);
	assert_string_equal(buf, "GET");
	http_methods_format(HTTP_GET | HTTP_HEAD | HTTP_POST, buf, 10);
	assert_string_equal(buf, "GET, HEAD");
	http_methods_format(HTTP_OPTIONS, buf, 3);
	assert_string_equal(buf, "");
	buf[0] = 'Z';
	http_methods_format(HTTP_GET, buf, 0);
	assert_int_equal(buf[0], 'Z');
}

/* ---- http_request_from_env ---- */

static void request_from_env_full(void **state)
{
	struct arena *a = *state;
	char uri[] = "REQUEST_URI=/api/v1/users/7?x=1&y=%20z";
	char *envp[] = {
		"REQUEST_METHOD=PATCH",
		uri,
		"QUERY_STRING=x=1&y=%20z&y=2",
		"CONTENT_TYPE=Application/JSON; charset=utf-8",
		"CONTENT_LENGTH=13",
		"HTTP_COOKIE=sid=abc; lang=en",
		"HTTPS=on",
		"REMOTE_ADDR=127.0.0.1",
		"NO_EQUALS_SIGN",
		"=nameless",
		"HTTP_X_EMPTY=",
		NULL,
	};
	struct http_ctx x;
	struct err e;

	assert_int_equal(ctx_from(&x, a, envp, &e), 0);
	/* everything was copied: changing the input changes nothing */
	memset(uri + 12, 'Q', strlen(uri) - 12);
	assert_int_equal(x.req.method, HTTP_PATCH);
	assert_string_equal(x.req.method_name, "PATCH");
	assert_string_equal(x.req.path, "/api/v1/users/7");
	assert_string_equal(x.req.query, "x=1&y=%20z&y=2");
	assert_int_equal(x.req.query_params.n, 3);
	assert_param(&x.req.query_params, 0, "x", "1");
	assert_param(&x.req.query_params, 1, "y", " z");
	assert_param(&x.req.query_params, 2, "y", "2");
	assert_string_equal(x.req.content_type, "application/json");
	assert_int_equal(x.req.content_length, 13);
	assert_int_equal(x.req.cookies.n, 2);
	assert_string_equal(http_param_get(&x.req.cookies, "sid"), "abc");
	assert_string_equal(http_param_get(&x.req.cookies, "lang"), "en");
	assert_true(x.req.https);
	assert_string_equal(x.req.remote_addr, "127.0.0.1");
	assert_string_equal(http_env(&x.req, "HTTPS"), "on");
	assert_string_equal(http_env(&x.req, "HTTP_X_EMPTY"), "");
	assert_null(http_env(&x.req, "NO_EQUALS_SIGN"));
	assert_null(http_env(&x.req, ""));
	assert_int_equal(x.req.env.n, 9);
	assert_null(x.req.json);
	http_ctx_release(&x);
}

static void request_from_env_defaults(void **state)
{
	struct arena *a = *state;
	char *envp[] = { "REQUEST_METHOD=TRACE", "DOCUMENT_URI=/x", "HTTPS=off", NULL };
	char *plain[] = { "REQUEST_URI=/", NULL };
	struct http_ctx x;
	struct err e;

	assert_int_equal(ctx_from(&x, a, envp, &e), 0);
	assert_int_equal(x.req.method, HTTP_OTHER);
	assert_string_equal(x.req.method_name, "TRACE");
	assert_string_equal(x.req.path, "/x");
	assert_false(x.req.https);
	assert_string_equal(x.req.query, "");
	assert_int_equal(x.req.query_params.n, 0);
	assert_string_equal(x.req.content_type, "");
	assert_int_equal(x.req.content_length, -1);
	assert_string_equal(x.req.remote_addr, "");

	assert_int_equal(ctx_from(&x, a, plain, &e), 0);
	assert_int_equal(x.req.method, HTTP_OTHER);
	assert_string_equal(x.req.method_name, "");
	assert_false(x.req.https);
	assert_int_equal(x.req.cookies.n, 0);
}

static void request_from_env_rejects_bad_input(void **state)
{
	struct arena *a = *state;
	static const char *const bad_lengths[] = {
		"CONTENT_LENGTH=abc", "CONTENT_LENGTH=-1", "CONTENT_LENGTH=12x", "CONTENT_LENGTH= 12",
		"CONTENT_LENGTH=+12", "CONTENT_LENGTH=99999999999999999999999",
	};
	struct http_ctx x;
	struct err e;

	for (size_t i = 0; i < sizeof bad_lengths / sizeof bad_lengths[0]; i++) {
		char *envp[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/a", (char *)bad_lengths[i], NULL };

		err_clear(&e);
		if (ctx_from(&x, a, envp, &e) != ERR_INVALID)
			fail_msg("%s accepted", bad_lengths[i]);
		assert_non_null(strstr(e.msg, "Content-Length"));
	}
	{
		char *envp[] = { "REQUEST_URI=/a", "CONTENT_LENGTH=", NULL };

		assert_int_equal(ctx_from(&x, a, envp, &e), 0);
		assert_int_equal(x.req.content_length, -1);
	}
	{
		char *envp[] = { "REQUEST_METHOD=GET", "QUERY_STRING=a=1", NULL };

		err_clear(&e);
		assert_int_equal(ctx_from(&x, a, envp, &e), ERR_INVALID);
		assert_non_null(strstr(e.msg, "path"));
	}
	{
		char *envp[] = { "REQUEST_URI=relative/x", NULL };

		assert_int_equal(ctx_from(&x, a, envp, &e), ERR_INVALID);
	}
	assert_int_equal(ctx_from(&x, a, NULL, &e), ERR_INVALID);
	{
		/* At most 2 * HTTP_MAX_PARAMS parameters. */
		size_t n = 2 * HTTP_MAX_PARAMS;
		char **envp = arena_alloc(a, (n + 2) * sizeof *envp);

		envp[0] = "REQUEST_URI=/";
		for (size_t i = 1; i < n; i++)
			envp[i] = arena_printf(a, "HTTP_X_%zu=v", i);
		envp[n] = NULL;
		assert_int_equal(ctx_from(&x, a, envp, &e), 0);
		assert_int_equal(x.req.env.n, n);
		assert_string_equal(http_env(&x.req, "HTTP_X_511"), "v");
		envp[n] = "HTTP_ONE_MORE=v";
		envp[n + 1] = NULL;
		err_clear(&e);
		assert_int_equal(ctx_from(&x, a, envp, &e), ERR_LIMIT);
		assert_non_null(strstr(e.msg, "too many"));
	}
	{
		char *envp[] = { "REQUEST_URI=/a", "QUERY_STRING=x=%zz", NULL };

		assert_int_equal(ctx_from(&x, a, envp, &e), ERR_INVALID);
	}
	{
		char *uri = arena_alloc(a, HTTP_MAX_PATH + 20);
		char *envp[] = { uri, NULL };

		memcpy(uri, "REQUEST_URI=/", 13);
		memset(uri + 13, 'p', HTTP_MAX_PATH);
		uri[13 + HTTP_MAX_PATH] = '\0';
		err_clear(&e);
		assert_int_equal(ctx_from(&x, a, envp, &e), ERR_LIMIT);
		uri[13 + HTTP_MAX_PATH - 1] = '\0';
		assert_int_equal(ctx_from(&x, a, envp, &e), 0);
	}
}

static void request_body_json_and_form(void **state)
{
	struct arena *a = *state;
	char *json_env[] = { "REQUEST_METHOD=PUT", "REQUEST_URI=/api/v1/session/language",
			     "CONTENT_TYPE=application/json", NULL };
	char *form_env[] = { "REQUEST_METHOD=POST", "REQUEST_URI=/login",
			     "CONTENT_TYPE=application/x-www-form-urlencoded", NULL };
	char *plus_env[] = { "REQUEST_URI=/x", "CONTENT_TYPE=application/merge-patch+json", NULL };
	char *text_env[] = { "REQUEST_URI=/x", "CONTENT_TYPE=text/plain", NULL };
	struct http_ctx x;
	struct err e;
	const char *lang = NULL;

	assert_int_equal(ctx_from(&x, a, json_env, &e), 0);
	x.req.body = "{\"lang\":\"en\"}";
	x.req.body_len = strlen(x.req.body);
	assert_int_equal(http_request_parse_body(&x, false, &e), 0);
	assert_non_null(x.req.json);
	assert_true(json_object_is_type(x.req.json, json_type_object));
	lang = json_object_get_string(json_object_object_get(x.req.json, "lang"));
	assert_string_equal(lang, "en");
	http_ctx_release(&x);
	assert_null(x.req.json);
	http_ctx_release(&x); /* twice is harmless */

	assert_int_equal(ctx_from(&x, a, json_env, &e), 0);
	x.req.body = "{\"lang\":";
	x.req.body_len = strlen(x.req.body);
	err_clear(&e);
	assert_int_equal(http_request_parse_body(&x, false, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "unexpected end of data"));
	assert_null(x.req.json);

	assert_int_equal(ctx_from(&x, a, plus_env, &e), 0);
	x.req.body = "[1]";
	x.req.body_len = 3;
	assert_int_equal(http_request_parse_body(&x, false, &e), 0);
	assert_non_null(x.req.json);
	http_ctx_release(&x);

	assert_int_equal(ctx_from(&x, a, form_env, &e), 0);
	x.req.body = "user=anna&pass=a+b%26c";
	x.req.body_len = strlen(x.req.body);
	assert_int_equal(http_request_parse_body(&x, true, &e), 0);
	assert_int_equal(x.req.form.n, 2);
	assert_param(&x.req.form, 0, "user", "anna");
	assert_param(&x.req.form, 1, "pass", "a b&c");
	assert_null(x.req.json);

	/* Not wanted, or not a form: the body is left alone. */
	assert_int_equal(ctx_from(&x, a, form_env, &e), 0);
	x.req.body = "user=anna";
	x.req.body_len = strlen(x.req.body);
	assert_int_equal(http_request_parse_body(&x, false, &e), 0);
	assert_int_equal(x.req.form.n, 0);
	assert_int_equal(ctx_from(&x, a, text_env, &e), 0);
	x.req.body = "{\"a\":1}";
	x.req.body_len = strlen(x.req.body);
	assert_int_equal(http_request_parse_body(&x, true, &e), 0);
	assert_null(x.req.json);
	assert_int_equal(x.req.form.n, 0);

	/* An empty body is not parsed at all. */
	assert_int_equal(ctx_from(&x, a, json_env, &e), 0);
	x.req.body = "";
	x.req.body_len = 0;
	assert_int_equal(http_request_parse_body(&x, true, &e), 0);
	assert_null(x.req.json);
}

/* ---- routing ---- */

static int handler_a(struct http_ctx *x)
{
	(void)x;
	return 0;
}

static const struct http_route routes[] = {
	{ HTTP_GET, "/api/v1/health", handler_a, "health", 0, 0 },
	{ HTTP_GET, "/api/v1/users/me", handler_a, "users_me", 0, 0 },
	{ HTTP_GET | HTTP_PATCH | HTTP_DELETE, "/api/v1/users/{id:int}", handler_a, "user", 0, 0 },
	{ HTTP_GET, "/api/v1/stores/{code}", handler_a, "store", 0, 0 },
	{ HTTP_POST, "/api/v1/stores/{code}/devices/{serial}", handler_a, "store_device", 0, 0 },
};
#define NROUTES (sizeof routes / sizeof routes[0])

struct found {
	enum http_match m;
	const struct http_route *route;
	struct http_params params;
	unsigned allowed;
};

static struct found find(struct arena *a, enum http_method method, const char *path)
{
	struct found f;

	f.allowed = 0xdead;
	f.m = http_route_find(routes, NROUTES, method, path, a, &f.route, &f.params, &f.allowed);
	return f;
}

static void assert_found(struct arena *a, enum http_method method, const char *path,
			 const char *route_name)
{
	struct found f = find(a, method, path);

	if (f.m != HTTP_MATCH_OK)
		fail_msg("%s: no match (%d)", path, f.m);
	assert_non_null(f.route);
	assert_string_equal(f.route->name, route_name);
}

static void assert_not_found(struct arena *a, enum http_method method, const char *path)
{
	struct found f = find(a, method, path);

	if (f.m != HTTP_MATCH_NOT_FOUND)
		fail_msg("%s: expected 404, got %d (%s)", path, f.m, f.route ? f.route->name : "-");
	assert_null(f.route);
	assert_int_equal(f.params.n, 0);
}

static void routes_table_is_valid(void **state)
{
	(void)state;
	struct err e;

	err_clear(&e);
	assert_int_equal(http_routes_check(routes, NROUTES, &e), 0);
}

static void route_exact_and_head(void **state)
{
	struct arena *a = *state;
	struct found f;

	f = find(a, HTTP_GET, "/api/v1/health");
	assert_int_equal(f.m, HTTP_MATCH_OK);
	assert_ptr_equal(f.route, &routes[0]);
	assert_int_equal(f.params.n, 0);
	assert_found(a, HTTP_HEAD, "/api/v1/health", "health");
}

static void route_405_lists_allowed_methods(void **state)
{
	struct arena *a = *state;
	struct found f;
	char buf[128];

	f = find(a, HTTP_POST, "/api/v1/health");
	assert_int_equal(f.m, HTTP_MATCH_METHOD);
	assert_null(f.route);
	assert_int_equal(f.allowed, HTTP_GET | HTTP_HEAD | HTTP_OPTIONS);
	http_methods_format(f.allowed, buf, sizeof buf);
	assert_string_equal(buf, "GET, HEAD, OPTIONS");

	f = find(a, HTTP_PUT, "/api/v1/users/42");
	assert_int_equal(f.m, HTTP_MATCH_METHOD);
	http_methods_format(f.allowed, buf, sizeof buf);
	assert_string_equal(buf, "GET, HEAD, PATCH, DELETE, OPTIONS");

	f = find(a, HTTP_OPTIONS, "/api/v1/stores/X");
	assert_int_equal(f.m, HTTP_MATCH_METHOD);
	assert_int_equal(f.allowed, HTTP_GET | HTTP_HEAD | HTTP_OPTIONS);

	/* "me" is taken by the GET-only route; {id:int} does not match it. */
	f = find(a, HTTP_PATCH, "/api/v1/users/me");
	assert_int_equal(f.m, HTTP_MATCH_METHOD);
	assert_int_equal(f.allowed, HTTP_GET | HTTP_HEAD | HTTP_OPTIONS);

	f = find(a, HTTP_OTHER, "/api/v1/health");
	assert_int_equal(f.m, HTTP_MATCH_METHOD);
}

static void route_unknown_paths_are_404(void **state)
{
	struct arena *a = *state;

	assert_not_found(a, HTTP_GET, "/api/v1/nothing");
	assert_not_found(a, HTTP_GET, "/api/v1/health/");
	assert_not_found(a, HTTP_GET, "/api/v1//health");
	assert_not_found(a, HTTP_GET, "/api/v1/healthz");
	assert_not_found(a, HTTP_GET, "/api/v1/healt");
	assert_not_found(a, HTTP_GET, "/API/v1/health");
	assert_not_found(a, HTTP_GET, "/api/v1");
	assert_not_found(a, HTTP_GET, "/");
	assert_not_found(a, HTTP_GET, "");
	assert_not_found(a, HTTP_GET, "api/v1/health");
	assert_not_found(a, HTTP_GET, "/api/v1/users/");
	assert_not_found(a, HTTP_GET, "/api/v1/users/12/x");
	assert_not_found(a, HTTP_GET, "/api/v1/stores/");
	assert_not_found(a, HTTP_POST, "/api/v1/stores/A/devices/");
	assert_not_found(a, HTTP_DELETE, "/nowhere"); /* 404 wins over a method mismatch elsewhere */
}

static void route_int_parameters(void **state)
{
	struct arena *a = *state;
	struct found f;

	f = find(a, HTTP_PATCH, "/api/v1/users/42");
	assert_int_equal(f.m, HTTP_MATCH_OK);
	assert_string_equal(f.route->name, "user");
	assert_int_equal(f.params.n, 1);
	assert_param(&f.params, 0, "id", "42");
	assert_string_equal(http_param_get(&f.params, "id"), "42");
	assert_found(a, HTTP_DELETE, "/api/v1/users/0", "user");
	assert_found(a, HTTP_HEAD, "/api/v1/users/7", "user");

	f = find(a, HTTP_GET, "/api/v1/users/123456789012345678"); /* 18 digits */
	assert_int_equal(f.m, HTTP_MATCH_OK);
	assert_param(&f.params, 0, "id", "123456789012345678");
	assert_not_found(a, HTTP_GET, "/api/v1/users/1234567890123456789"); /* 19 digits */
	assert_not_found(a, HTTP_GET, "/api/v1/users/abc");
	assert_not_found(a, HTTP_GET, "/api/v1/users/-1");
	assert_not_found(a, HTTP_GET, "/api/v1/users/+1");
	assert_not_found(a, HTTP_GET, "/api/v1/users/1e3");
	assert_not_found(a, HTTP_GET, "/api/v1/users/%31");
	assert_not_found(a, HTTP_PATCH, "/api/v1/users/12a");
}

static void route_first_match_wins(void **state)
{
	struct arena *a = *state;
	struct found f;

	f = find(a, HTTP_GET, "/api/v1/users/me");
	assert_int_equal(f.m, HTTP_MATCH_OK);
	assert_ptr_equal(f.route, &routes[1]);
	assert_int_equal(f.params.n, 0);
}

static void route_string_parameters_are_decoded(void **state)
{
	struct arena *a = *state;
	struct found f;

	f = find(a, HTTP_GET, "/api/v1/stores/MSK%2D014");
	assert_int_equal(f.m, HTTP_MATCH_OK);
	assert_string_equal(f.route->name, "store");
	assert_param(&f.params, 0, "code", "MSK-014");

	f = find(a, HTTP_GET, "/api/v1/stores/a%2Fb+c");
	assert_int_equal(f.m, HTTP_MATCH_OK);
	assert_param(&f.params, 0, "code", "a/b+c"); /* '+' is literal in a path */

	f = find(a, HTTP_POST, "/api/v1/stores/SPB-001/devices/X%20Y");
	assert_int_equal(f.m, HTTP_MATCH_OK);
	assert_int_equal(f.params.n, 2);
	assert_param(&f.params, 0, "code", "SPB-001");
	assert_param(&f.params, 1, "serial", "X Y");

	assert_not_found(a, HTTP_GET, "/api/v1/stores/%zz");
	assert_not_found(a, HTTP_GET, "/api/v1/stores/%00");
	assert_not_found(a, HTTP_GET, "/api/v1/stores/MSK%2");
}

static void routes_check_rejects_bad_patterns(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"no-slash", "/a/{Bad}", "/a/{x:uuid}", "/a//b", "/a/x{y}", "/a/{y}x", "/a/{}", "/a/{:int}",
		"/a/{x", "/a/x}", "/a/{x:}", "/a/{x-y}", "", "//",
	};
	static const char *const good[] = { "/", "/a", "/a/{x}", "/a/{x_y:int}/b", "/a/{x}/{y}" };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct http_route r = { HTTP_GET, bad[i], handler_a, "r", 0, 0 };
		struct err e;

		err_clear(&e);
		if (http_routes_check(&r, 1, &e) != ERR_INVALID)
			fail_msg("pattern [%s] accepted", bad[i]);
		assert_non_null(strstr(e.msg, bad[i]));
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct http_route r = { HTTP_GET, good[i], handler_a, "r", 0, 0 };
		struct err e;

		if (http_routes_check(&r, 1, &e) != 0)
			fail_msg("pattern [%s] rejected: %s", good[i], e.msg);
	}
}

static void routes_check_rejects_duplicates_and_missing_fields(void **state)
{
	(void)state;
	struct http_route dup[] = {
		{ HTTP_GET, "/a", handler_a, "same", 0, 0 },
		{ HTTP_GET, "/b", handler_a, "other", 0, 0 },
		{ HTTP_POST, "/c", handler_a, "same", 0, 0 },
	};
	struct http_route no_methods = { 0, "/a", handler_a, "a", 0, 0 };
	struct http_route no_handler = { HTTP_GET, "/a", NULL, "a", 0, 0 };
	struct http_route no_name = { HTTP_GET, "/a", handler_a, NULL, 0, 0 };
	struct err e;

	err_clear(&e);
	assert_int_equal(http_routes_check(dup, 3, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"same\""));
	assert_int_equal(http_routes_check(dup, 2, &e), 0);
	assert_int_equal(http_routes_check(&no_methods, 1, &e), ERR_INVALID);
	assert_int_equal(http_routes_check(&no_handler, 1, &e), ERR_INVALID);
	assert_int_equal(http_routes_check(&no_name, 1, NULL), ERR_INVALID);
}

/* ---- responses ---- */

static void header_set_validates_and_replaces(void **state)
{
	struct arena *a = *state;
	struct http_ctx x;
	static const char *const bad_names[] = {
		"", "Bad Name", "X:Y", "X\r", "X\n", "Ünï", "X(y)", "X/Y", "X\"",
	};
	static const char *const bad_values[] = {
		"a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "\r\n",
	};

	http_ctx_init(&x, a, 1024);
	assert_int_equal(http_header_set(&x.resp, a, "X-Ok", "fine value; a=b"), 0);
	assert_int_equal(http_header_set(&x.resp, a, "X-Token_chars!#$%&'*+.^`|~", ""), 0);
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
		if (http_header_set(&x.resp, a, bad_names[i], "v") != ERR_INVALID)
			fail_msg("header name [%s] accepted", bad_names[i]);
	for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++)
		assert_int_equal(http_header_set(&x.resp, a, "X-Bad", bad_values[i]), ERR_INVALID);
	assert_int_equal(http_header_set(&x.resp, a, NULL, "v"), ERR_INVALID);
	assert_int_equal(http_header_set(&x.resp, a, "X-Null", NULL), ERR_INVALID);
	assert_int_equal(x.resp.nheaders, 2);
	assert_null(http_header_get(&x.resp, "X-Bad"));

	/* Same name in another case replaces the value in place. */
	assert_int_equal(http_header_set(&x.resp, a, "Content-Type", "text/html"), 0);
	assert_int_equal(http_header_set(&x.resp, a, "content-TYPE", "application/json"), 0);
	assert_int_equal(x.resp.nheaders, 3);
	assert_string_equal(http_header_get(&x.resp, "CONTENT-TYPE"), "application/json");
	assert_string_equal(x.resp.headers[2].value, "application/json");
	assert_null(http_header_get(&x.resp, "Content"));

	/* The value is copied. */
	{
		char v[] = "copied";

		assert_int_equal(http_header_set(&x.resp, a, "X-Copy", v), 0);
		v[0] = 'X';
		assert_string_equal(http_header_get(&x.resp, "x-copy"), "copied");
	}
}

static void header_set_is_bounded(void **state)
{
	struct arena *a = *state;
	struct http_ctx x;
	char name[32];

	http_ctx_init(&x, a, 1024);
	for (int i = 0; i < HTTP_MAX_HEADERS; i++) {
		snprintf(name, sizeof name, "X-H%d", i);
		assert_int_equal(http_header_set(&x.resp, a, name, "v"), 0);
	}
	assert_int_equal(http_header_set(&x.resp, a, "X-One-Too-Many", "v"), ERR_LIMIT);
	assert_int_equal(x.resp.nheaders, HTTP_MAX_HEADERS);
	/* Replacing an existing one still works when full. */
	assert_int_equal(http_header_set(&x.resp, a, "x-h0", "new"), 0);
	assert_string_equal(http_header_get(&x.resp, "X-H0"), "new");
}

static const char *head_text(struct http_ctx *x, struct arena *a)
{
	struct sbuf out;

	sbuf_init(&out, a, 1 << 16);
	assert_int_equal(http_response_head(&x->resp, &out), 0);
	return sbuf_cstr(&out);
}

static void respond_error_shape_and_head(void **state)
{
	struct arena *a = *state;
	struct http_ctx x;
	char want[256];
	const char *body = "{\"error\":{\"code\":\"x\",\"message\":\"y\"}}\n";

	http_ctx_init(&x, a, 1024);
	http_respond_error(&x, 404, "x", "y");
	assert_int_equal(x.resp.status, 404);
	assert_string_equal(sbuf_cstr(&x.resp.body), body);
	assert_int_equal(x.resp.body.len, strlen(body));
	assert_string_equal(http_header_get(&x.resp, "Content-Type"), "application/json");

	snprintf(want, sizeof want,
		 "Status: 404 Not Found\r\n"
		 "Content-Type: application/json\r\n"
		 "Cache-Control: no-store\r\n"
		 "Content-Length: %zu\r\n"
		 "\r\n",
		 strlen(body));
	assert_string_equal(head_text(&x, a), want);
}

static void respond_error_escapes_the_message(void **state)
{
	struct arena *a = *state;
	struct http_ctx x;

	http_ctx_init(&x, a, 1024);
	http_respond_text(&x, 200, "text/plain", "old body", 8);
	http_respond_error(&x, 400, "invalid", "field \"%s\" must be %d/%s", "a\\b", 1, "line\nbreak");
	assert_int_equal(x.resp.status, 400);
	assert_string_equal(sbuf_cstr(&x.resp.body),
			    "{\"error\":{\"code\":\"invalid\",\"message\":"
			    "\"field \\\"a\\\\b\\\" must be 1/line\\nbreak\"}}\n");
	/* the earlier Content-Type was replaced, not repeated */
	assert_string_equal(http_header_get(&x.resp, "content-type"), "application/json");
	assert_int_equal(x.resp.nheaders, 2);
}

static void respond_json_and_its_failure_shape(void **state)
{
	struct arena *a = *state;
	struct http_ctx x;
	json_object *o = json_object_new_object();

	http_ctx_init(&x, a, 1024);
	json_object_object_add(o, "status", json_object_new_string("ok"));
	json_object_object_add(o, "url", json_object_new_string("/api/v1/health"));
	http_respond_json(&x, 200, o);
	assert_int_equal(x.resp.status, 200);
	assert_string_equal(sbuf_cstr(&x.resp.body), "{\"status\":\"ok\",\"url\":\"/api/v1/health\"}\n");

	http_respond_json(&x, 200, NULL);
	assert_int_equal(x.resp.status, 500);
	assert_string_equal(sbuf_cstr(&x.resp.body),
			    "{\"error\":{\"code\":\"internal\",\"message\":\"response too large\"}}\n");
}

static void response_head_variants(void **state)
{
	struct arena *a = *state;
	struct http_ctx x;

	/* No body, no type: no Content-Type line. */
	http_ctx_init(&x, a, 1024);
	x.resp.status = 204;
	assert_string_equal(head_text(&x, a), "Status: 204 No Content\r\nContent-Length: 0\r\n\r\n");

	/* A body without a type is announced as octet-stream. */
	http_ctx_init(&x, a, 1024);
	sbuf_puts(&x.resp.body, "abc");
	assert_string_equal(head_text(&x, a), "Status: 200 OK\r\n"
					      "Content-Type: application/octet-stream\r\n"
					      "Content-Length: 3\r\n\r\n");

	/* Headers in the order set; an unknown status still has a reason phrase. */
	http_ctx_init(&x, a, 1024);
	x.resp.status = 299;
	http_header_set(&x.resp, a, "X-B", "2");
	http_header_set(&x.resp, a, "X-A", "1");
	http_respond_text(&x, 299, "text/plain; charset=utf-8", "hello\n", 6);
	assert_string_equal(head_text(&x, a), "Status: 299 Unknown\r\n"
					      "X-B: 2\r\n"
					      "X-A: 1\r\n"
					      "Content-Type: text/plain; charset=utf-8\r\n"
					      "Content-Length: 6\r\n\r\n");
	assert_string_equal(sbuf_cstr(&x.resp.body), "hello\n");

	/* A full output buffer is reported. */
	{
		struct sbuf small;

		sbuf_init(&small, a, 10);
		assert_int_equal(http_response_head(&x.resp, &small), ERR_LIMIT);
	}
}

static void status_texts(void **state)
{
	(void)state;
	assert_string_equal(http_status_text(200), "OK");
	assert_string_equal(http_status_text(303), "See Other");
	assert_string_equal(http_status_text(404), "Not Found");
	assert_string_equal(http_status_text(405), "Method Not Allowed");
	assert_string_equal(http_status_text(413), "Content Too Large");
	assert_string_equal(http_status_text(503), "Service Unavailable");
	assert_string_equal(http_status_text(0), "Unknown");
}

static void redirect_stays_local(void **state)
{
	struct arena *a = *state;
	struct http_ctx x;

	http_ctx_init(&x, a, 1024);
	sbuf_puts(&x.resp.body, "stale");
	http_redirect(&x, "/devices?store=MSK-014");
	assert_int_equal(x.resp.status, 303);
	assert_string_equal(http_header_get(&x.resp, "Location"), "/devices?store=MSK-014");
	assert_int_equal(x.resp.body.len, 0);

	static const char *const unsafe[] = { "//evil.example", "https://evil.example/", "/\\evil",
					      "/a\r\nSet-Cookie: x=1", "" };
	for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
		http_redirect(&x, unsafe[i]);
		assert_string_equal(http_header_get(&x.resp, "Location"), "/");
	}
	http_redirect(&x, NULL);
	assert_string_equal(http_header_get(&x.resp, "Location"), "/");
	assert_int_equal(x.resp.nheaders, 1);
}

static const struct CMUnitTest tests[] = {
	T(url_decode_cases),
	T(url_decode_respects_n_and_embedded_nul),
	T(urlencoded_basic),
	T(urlencoded_empty_pairs_and_duplicates),
	T(urlencoded_binary_value_keeps_its_length),
	T(urlencoded_rejects_broken_escapes),
	T(urlencoded_limits),
	T(cookies_cases),
	T(cookies_limits),
	T(pick_language_table),
	T(wants_json_cases),
	T(local_path_cases),
	T(method_parse_and_format),
	T(request_from_env_full),
	T(request_from_env_defaults),
	T(request_from_env_rejects_bad_input),
	T(request_body_json_and_form),
	T(routes_table_is_valid),
	T(route_exact_and_head),
	T(route_405_lists_allowed_methods),
	T(route_unknown_paths_are_404),
	T(route_int_parameters),
	T(route_first_match_wins),
	T(route_string_parameters_are_decoded),
	T(routes_check_rejects_bad_patterns),
	T(routes_check_rejects_duplicates_and_missing_fields),
	T(header_set_validates_and_replaces),
	T(header_set_is_bounded),
	T(respond_error_shape_and_head),
	T(respond_error_escapes_the_message),
	T(respond_json_and_its_failure_shape),
	T(response_head_variants),
	T(status_texts),
	T(redirect_stays_local),
};

UNIT_MAIN(tests)
