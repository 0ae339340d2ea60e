#include "unit.h"

#include "err.h"
#include "metrics.h"
#include "sbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DROPPED_HEADER                                                                        \
	"# HELP infrascope_metrics_dropped_total Metric updates dropped because a family "    \
	"already had 10000 children.\n"                                                       \
	"# TYPE infrascope_metrics_dropped_total counter\n"

/* Render r into a fresh heap string the caller frees. */
static char *render(struct metrics_registry *r)
{
	struct sbuf b;
	char *s;

	sbuf_init(&b, NULL, 16 << 20);
	assert_int_equal(metrics_render(r, &b), 0);
	s = strdup(sbuf_cstr(&b));
	assert_non_null(s);
	sbuf_release(&b);
	return s;
}

/* The rendered text minus the trailing dropped-counter block, which most tests don't care about. */
static char *render_families(struct metrics_registry *r)
{
	char *s = render(r);
	char *tail = strstr(s, "# HELP infrascope_metrics_dropped_total ");

	assert_non_null(tail);
	*tail = '\0';
	return s;
}

static void assert_render(struct metrics_registry *r, const char *want)
{
	char *got = render_families(r);

	assert_string_equal(got, want);
	free(got);
}

static void names_are_validated(void **state)
{
	static const char *const bad[] = {"", "1abc", "a-b", "a b", "é", "a.b", "a\n"};
	static const char *const good[] = {"a", "_x", ":x", "a:b_c9", "Z"};
	struct metrics_registry *r = metrics_registry_new("test");
	struct err e;
	char name[32];

	(void)state;
	assert_non_null(r);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		assert_null(metrics_register(r, METRICS_GAUGE, bad[i], "h", 0, NULL, NULL, 0, &e));
		assert_int_equal(e.code, ERR_INVALID);
		assert_true(e.msg[0] != '\0');
	}
	assert_null(metrics_register(r, METRICS_GAUGE, NULL, "h", 0, NULL, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_non_null(metrics_register(r, METRICS_GAUGE, good[i], "h", 0, NULL, NULL, 0, &e));
	/* NULL err is always allowed. */
	assert_null(metrics_register(r, METRICS_GAUGE, "9", "h", 0, NULL, NULL, 0, NULL));
	assert_null(metrics_register(r, (enum metrics_type)7, "t", "h", 0, NULL, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(metrics_register(NULL, METRICS_GAUGE, "t", "h", 0, NULL, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	/* Long names are fine; only the error message is shortened. */
	memset(name, 'n', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_non_null(metrics_register(r, METRICS_COUNTER, name, "h", 0, NULL, NULL, 0, &e));
	metrics_registry_free(r);
}

static void label_names_are_validated(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct err e;
	static const char *const colon[] = {"a:b"};
	static const char *const reserved[] = {"__name"};
	static const char *const digit[] = {"1a"};
	static const char *const empty[] = {""};
	static const char *const null[] = {NULL};
	static const char *const dup[] = {"a", "b", "a"};
	static const char *const le[] = {"le"};
	static const char *const nine[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
	static const char *const eight[] = {"a", "b", "c", "d", "e", "f", "g", "_h"};

	(void)state;
	assert_null(metrics_register(r, METRICS_GAUGE, "g", "h", 1, colon, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(metrics_register(r, METRICS_GAUGE, "g", "h", 1, reserved, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(metrics_register(r, METRICS_GAUGE, "g", "h", 1, digit, NULL, 0, &e));
	assert_null(metrics_register(r, METRICS_GAUGE, "g", "h", 1, empty, NULL, 0, &e));
	assert_null(metrics_register(r, METRICS_GAUGE, "g", "h", 1, null, NULL, 0, &e));
	assert_null(metrics_register(r, METRICS_GAUGE, "g", "h", 1, NULL, NULL, 0, &e));
	assert_null(metrics_register(r, METRICS_GAUGE, "g", "h", 3, dup, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(metrics_register(r, METRICS_GAUGE, "g", "h", 9, nine, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(metrics_register(r, METRICS_HISTOGRAM, "hi", "h", 1, le, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	/* "le" is only reserved in histograms. */
	assert_non_null(metrics_register(r, METRICS_GAUGE, "g_le", "h", 1, le, NULL, 0, &e));
	assert_non_null(metrics_register(r, METRICS_GAUGE, "g8", "h", 8, eight, NULL, 0, &e));
	/* None of the failures above registered "g". */
	assert_non_null(metrics_register(r, METRICS_GAUGE, "g", "h", 0, NULL, NULL, 0, &e));
	metrics_registry_free(r);
}

static void buckets_are_validated(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct err e;
	const double flat[] = {1, 1};
	const double down[] = {2, 1};
	const double nan[] = {1, NAN};
	const double inf[] = {1, INFINITY};
	const double ok[] = {-1, 0, 0.5};
	double many[METRICS_MAX_BUCKETS + 1];

	(void)state;
	for (size_t i = 0; i < sizeof many / sizeof many[0]; i++)
		many[i] = (double)i;
	assert_null(metrics_register(r, METRICS_HISTOGRAM, "h", "h", 0, NULL, flat, 2, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(metrics_register(r, METRICS_HISTOGRAM, "h", "h", 0, NULL, down, 2, &e));
	assert_null(metrics_register(r, METRICS_HISTOGRAM, "h", "h", 0, NULL, nan, 2, &e));
	assert_null(metrics_register(r, METRICS_HISTOGRAM, "h", "h", 0, NULL, inf, 2, &e));
	assert_null(metrics_register(r, METRICS_HISTOGRAM, "h", "h", 0, NULL, NULL, 2, &e));
	assert_null(metrics_register(r, METRICS_HISTOGRAM, "h", "h", 0, NULL, many,
				     METRICS_MAX_BUCKETS + 1, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_null(metrics_register(r, METRICS_COUNTER, "c", "h", 0, NULL, ok, 3, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(metrics_register(r, METRICS_HISTOGRAM, "h", "h", 0, NULL, ok, 3, &e));
	assert_non_null(metrics_register(r, METRICS_HISTOGRAM, "h32", "h", 0, NULL, many,
					 METRICS_MAX_BUCKETS, &e));
	/* No finite buckets: only +Inf. */
	assert_non_null(metrics_register(r, METRICS_HISTOGRAM, "h0", "h", 0, NULL, NULL, 0, &e));
	metrics_registry_free(r);
}

static void duplicate_and_clashing_names_are_rejected(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct err e;
	const double b[] = {1};

	(void)state;
	assert_non_null(metrics_register(r, METRICS_COUNTER, "x_total", "h", 0, NULL, NULL, 0, &e));
	assert_null(metrics_register(r, METRICS_COUNTER, "x_total", "h", 0, NULL, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	assert_non_null(strstr(e.msg, "x_total"));
	assert_null(metrics_register(r, METRICS_GAUGE, "x_total", "h", 0, NULL, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	/* A histogram writes lat_bucket, lat_sum and lat_count: those names are taken too. */
	assert_non_null(metrics_register(r, METRICS_HISTOGRAM, "lat", "h", 0, NULL, b, 1, &e));
	assert_null(metrics_register(r, METRICS_GAUGE, "lat_count", "h", 0, NULL, NULL, 0, &e));
	assert_null(metrics_register(r, METRICS_GAUGE, "lat_sum", "h", 0, NULL, NULL, 0, &e));
	assert_null(metrics_register(r, METRICS_GAUGE, "lat_bucket", "h", 0, NULL, NULL, 0, &e));
	assert_non_null(metrics_register(r, METRICS_GAUGE, "lat_max", "h", 0, NULL, NULL, 0, &e));
	/* x_total is none of x, x_bucket, x_sum, x_count. */
	assert_non_null(metrics_register(r, METRICS_HISTOGRAM, "x", "h", 0, NULL, b, 1, &e));
	/* ... and the other way round: an existing gauge takes a histogram's derived name. */
	assert_non_null(metrics_register(r, METRICS_GAUGE, "q_count", "h", 0, NULL, NULL, 0, &e));
	assert_null(metrics_register(r, METRICS_HISTOGRAM, "q", "h", 0, NULL, b, 1, &e));
	assert_int_equal(e.code, ERR_INVALID);
	/* The self metric's name is reserved. */
	assert_null(metrics_register(r, METRICS_COUNTER, "infrascope_metrics_dropped_total", "h", 0,
				     NULL, NULL, 0, &e));
	assert_int_equal(e.code, ERR_INVALID);
	metrics_registry_free(r);
}

static void counter_adds_and_ignores_negative(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *c;
	static const char *const ln[] = {"dev"};
	static const char *const a[] = {"a"};
	static const char *const b[] = {"b"};

	(void)state;
	c = metrics_register(r, METRICS_COUNTER, "c_total", "h", 1, ln, NULL, 0, NULL);
	assert_non_null(c);
	metrics_counter_add(c, a, 1);
	metrics_counter_add(c, a, 2.5);
	metrics_counter_add(c, a, -10);
	metrics_counter_add(c, a, NAN);
	metrics_counter_add(c, b, -1); /* ignored entirely: no child is created */
	metrics_counter_add(c, b, 0);  /* creates the child at 0 */
	metrics_counter_add(c, NULL, 1); /* wrong label count: ignored */
	metrics_gauge_set(c, a, 100);    /* wrong type: ignored */
	metrics_histogram_observe(c, a, 100);
	metrics_counter_add(NULL, a, 1);
	assert_render(r, "# HELP c_total h\n# TYPE c_total counter\n"
			 "c_total{dev=\"a\"} 3.5\n"
			 "c_total{dev=\"b\"} 0\n");
	metrics_registry_free(r);
}

static void gauge_set_and_add(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *g;

	(void)state;
	g = metrics_register(r, METRICS_GAUGE, "g", "h", 0, NULL, NULL, 0, NULL);
	assert_non_null(g);
	metrics_gauge_add(g, NULL, 5);
	metrics_gauge_add(g, NULL, -7.25);
	assert_render(r, "# HELP g h\n# TYPE g gauge\ng -2.25\n");
	metrics_gauge_set(g, NULL, 42);
	assert_render(r, "# HELP g h\n# TYPE g gauge\ng 42\n");
	metrics_gauge_add(g, NULL, -50);
	metrics_counter_add(g, NULL, 1); /* wrong type: ignored */
	assert_render(r, "# HELP g h\n# TYPE g gauge\ng -8\n");
	metrics_gauge_set(g, NULL, NAN);
	assert_render(r, "# HELP g h\n# TYPE g gauge\ng NaN\n");
	metrics_gauge_set(g, NULL, -INFINITY);
	assert_render(r, "# HELP g h\n# TYPE g gauge\ng -Inf\n");
	metrics_registry_free(r);
}

static void histogram_buckets_are_cumulative(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *h;
	const double b[] = {0.005, 0.1, 1};
	static const char *const ln[] = {"handler"};
	static const char *const x[] = {"x"};

	(void)state;
	h = metrics_register(r, METRICS_HISTOGRAM, "lat_seconds", "Latency.", 1, ln, b, 3, NULL);
	assert_non_null(h);
	metrics_histogram_observe(h, x, 0.1);   /* le is inclusive: counted in 0.1 */
	metrics_histogram_observe(h, x, 0.25);  /* 1 */
	metrics_histogram_observe(h, x, 0.5);   /* 1 */
	metrics_histogram_observe(h, x, 8);     /* +Inf only */
	metrics_histogram_observe(h, x, -2);    /* first bucket */
	metrics_histogram_observe(h, x, NAN);   /* ignored */
	metrics_gauge_set(h, x, 1);             /* wrong type: ignored */
	assert_render(r, "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
			 "lat_seconds_bucket{handler=\"x\",le=\"0.005\"} 1\n"
			 "lat_seconds_bucket{handler=\"x\",le=\"0.1\"} 2\n"
			 "lat_seconds_bucket{handler=\"x\",le=\"1\"} 4\n"
			 "lat_seconds_bucket{handler=\"x\",le=\"+Inf\"} 5\n"
			 "lat_seconds_sum{handler=\"x\"} 6.85\n"
			 "lat_seconds_count{handler=\"x\"} 5\n");
	metrics_registry_free(r);
}

static void histogram_without_labels_or_buckets(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *h, *h0;
	const double b[] = {1};

	(void)state;
	h = metrics_register(r, METRICS_HISTOGRAM, "h", "h", 0, NULL, b, 1, NULL);
	h0 = metrics_register(r, METRICS_HISTOGRAM, "h0", "h", 0, NULL, NULL, 0, NULL);
	metrics_histogram_observe(h, NULL, 1);
	metrics_histogram_observe(h, NULL, INFINITY);
	metrics_histogram_observe(h0, NULL, 3);
	assert_render(r, "# HELP h h\n# TYPE h histogram\n"
			 "h_bucket{le=\"1\"} 1\n"
			 "h_bucket{le=\"+Inf\"} 2\n"
			 "h_sum +Inf\n"
			 "h_count 2\n"
			 "# HELP h0 h\n# TYPE h0 histogram\n"
			 "h0_bucket{le=\"+Inf\"} 1\n"
			 "h0_sum 3\n"
			 "h0_count 1\n");
	metrics_registry_free(r);
}

static void label_values_are_escaped(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *g;
	static const char *const ln[] = {"v", "w"};
	static const char *const v1[] = {"a\\b\"c\nd", ""};
	/* Invalid UTF-8 (a lone continuation byte, an overlong '/', a cut sequence) becomes
	 * U+FFFD; valid multi-byte text passes through. */
	static const char *const v2[] = {"x\x80y\xC0\xAFz\xE2\x82", "\xE2\x82\xAC \xF0\x9F\x98\x80"};

	(void)state;
	g = metrics_register(r, METRICS_GAUGE, "g", "h", 2, ln, NULL, 0, NULL);
	metrics_gauge_set(g, v1, 1);
	metrics_gauge_set(g, v2, 2);
	assert_render(r, "# HELP g h\n# TYPE g gauge\n"
			 "g{v=\"a\\\\b\\\"c\\nd\",w=\"\"} 1\n"
			 "g{v=\"x\xEF\xBF\xBDy\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD\","
			 "w=\"\xE2\x82\xAC \xF0\x9F\x98\x80\"} 2\n");
	metrics_registry_free(r);
}

static void help_is_escaped(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");

	(void)state;
	assert_non_null(metrics_register(r, METRICS_GAUGE, "g", "Back\\slash \"quoted\"\nnext",
					 0, NULL, NULL, 0, NULL));
	assert_non_null(metrics_register(r, METRICS_GAUGE, "n", NULL, 0, NULL, NULL, 0, NULL));
	/* Quotes are not escaped in HELP, only backslash and newline. */
	assert_render(r, "# HELP g Back\\\\slash \"quoted\"\\nnext\n# TYPE g gauge\n"
			 "# HELP n \n# TYPE n gauge\n");
	metrics_registry_free(r);
}

static void small_registry_renders_exactly(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *req, *temp, *lat;
	static const char *const ln[] = {"method", "code"};
	static const char *const get200[] = {"GET", "200"};
	static const char *const post500[] = {"POST", "500"};
	static const char *const hl[] = {"handler"};
	static const char *const a[] = {"/a"};
	const double b[] = {0.005, 0.1, 1};
	char *got;

	(void)state;
	req = metrics_register(r, METRICS_COUNTER, "requests_total", "Requests served.", 2, ln,
			       NULL, 0, NULL);
	temp = metrics_register(r, METRICS_GAUGE, "temperature_celsius", "Temperature.", 0, NULL,
				NULL, 0, NULL);
	lat = metrics_register(r, METRICS_HISTOGRAM, "latency_seconds", "Latency.", 1, hl, b, 3,
			       NULL);
	assert_non_null(req);
	assert_non_null(temp);
	assert_non_null(lat);
	/* Children in creation order, not sorted: POST was created first. */
	metrics_counter_add(req, post500, 3);
	metrics_counter_add(req, get200, 1);
	metrics_counter_add(req, get200, 1);
	metrics_gauge_set(temp, NULL, 21.5);
	metrics_histogram_observe(lat, a, 0.0625);
	metrics_histogram_observe(lat, a, 0.5);
	metrics_histogram_observe(lat, a, 4);
	metrics_histogram_observe(lat, a, 0.00390625);
	got = render(r);
	assert_string_equal(got,
			    "# HELP requests_total Requests served.\n"
			    "# TYPE requests_total counter\n"
			    "requests_total{method=\"POST\",code=\"500\"} 3\n"
			    "requests_total{method=\"GET\",code=\"200\"} 2\n"
			    "# HELP temperature_celsius Temperature.\n"
			    "# TYPE temperature_celsius gauge\n"
			    "temperature_celsius 21.5\n"
			    "# HELP latency_seconds Latency.\n"
			    "# TYPE latency_seconds histogram\n"
			    "latency_seconds_bucket{handler=\"/a\",le=\"0.005\"} 1\n"
			    "latency_seconds_bucket{handler=\"/a\",le=\"0.1\"} 2\n"
			    "latency_seconds_bucket{handler=\"/a\",le=\"1\"} 3\n"
			    "latency_seconds_bucket{handler=\"/a\",le=\"+Inf\"} 4\n"
			    "latency_seconds_sum{handler=\"/a\"} 4.56640625\n"
			    "latency_seconds_count{handler=\"/a\"} 4\n"
			    DROPPED_HEADER
			    "infrascope_metrics_dropped_total{source=\"test\"} 0\n");
	free(got);
	metrics_registry_free(r);
}

static void render_appends_and_reports_bound(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *g;
	struct sbuf b;

	(void)state;
	g = metrics_register(r, METRICS_GAUGE, "g", "h", 0, NULL, NULL, 0, NULL);
	metrics_gauge_set(g, NULL, 1);
	sbuf_init(&b, NULL, 1 << 16);
	assert_int_equal(sbuf_puts(&b, "prefix\n"), 0);
	assert_int_equal(metrics_render(r, &b), 0);
	assert_int_equal(strncmp(sbuf_cstr(&b), "prefix\n# HELP g h\n", 18), 0);
	sbuf_release(&b);

	sbuf_init(&b, NULL, 20);
	assert_int_equal(metrics_render(r, &b), ERR_LIMIT);
	assert_true(b.failed);
	sbuf_release(&b);
	assert_int_equal(metrics_render(NULL, &b), ERR_INVALID);
	assert_int_equal(metrics_render(r, NULL), ERR_INVALID);
	metrics_registry_free(r);
}

static void children_are_capped_and_drops_counted(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *c, *other;
	static const char *const ln[] = {"id"};
	char id[16];
	const char *v[] = {id};
	char *got;
	size_t lines = 0;

	(void)state;
	c = metrics_register(r, METRICS_COUNTER, "c_total", "h", 1, ln, NULL, 0, NULL);
	other = metrics_register(r, METRICS_GAUGE, "other", "h", 1, ln, NULL, 0, NULL);
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof id, "%d", i);
		metrics_counter_add(c, v, 1);
	}
	/* Two new tuples over the cap: dropped and counted. */
	snprintf(id, sizeof id, "%d", 10000);
	metrics_counter_add(c, v, 1);
	metrics_counter_add(c, v, 1);
	snprintf(id, sizeof id, "new");
	metrics_counter_add(c, v, 1);
	/* Existing children still update; the cap is per family. */
	snprintf(id, sizeof id, "%d", 9999);
	metrics_counter_add(c, v, 4);
	snprintf(id, sizeof id, "%d", 0);
	metrics_counter_add(c, v, 1);
	metrics_gauge_set(other, v, 7);

	got = render(r);
	for (const char *p = got; (p = strstr(p, "\nc_total{")) != NULL; p++)
		lines++;
	assert_int_equal(lines, 10000);
	assert_non_null(strstr(got, "c_total{id=\"0\"} 2\nc_total{id=\"1\"} 1\n"));
	assert_non_null(strstr(got, "c_total{id=\"9999\"} 5\n# HELP other h\n"));
	assert_null(strstr(got, "id=\"10000\""));
	assert_null(strstr(got, "id=\"new\""));
	assert_non_null(strstr(got, "other{id=\"0\"} 7\n"));
	/* The self metric comes last. */
	{
		const char *tail = DROPPED_HEADER "infrascope_metrics_dropped_total{source=\"test\"} 3\n";
		size_t n = strlen(got), t = strlen(tail);
		assert_true(n > t);
		assert_string_equal(got + n - t, tail);
	}
	free(got);

	/* After a reset the family has room again. */
	metrics_family_reset(c);
	snprintf(id, sizeof id, "new");
	metrics_counter_add(c, v, 1);
	got = render(r);
	assert_non_null(strstr(got, "# TYPE c_total counter\nc_total{id=\"new\"} 1\n# HELP other"));
	assert_non_null(strstr(got, "infrascope_metrics_dropped_total{source=\"test\"} 3\n"));
	free(got);
	metrics_registry_free(r);
}

static void family_reset_drops_children(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct metrics_family *g, *h;
	static const char *const ln[] = {"port"};
	static const char *const p1[] = {"1"};
	static const char *const p2[] = {"2"};
	const double b[] = {1};

	(void)state;
	g = metrics_register(r, METRICS_GAUGE, "up", "h", 1, ln, NULL, 0, NULL);
	h = metrics_register(r, METRICS_HISTOGRAM, "d", "h", 0, NULL, b, 1, NULL);
	metrics_gauge_set(g, p1, 1);
	metrics_gauge_set(g, p2, 0);
	metrics_histogram_observe(h, NULL, 0.5);
	metrics_family_reset(g);
	metrics_family_reset(h);
	metrics_family_reset(NULL);
	assert_render(r, "# HELP up h\n# TYPE up gauge\n# HELP d h\n# TYPE d histogram\n");
	/* Recomputed from scratch: new creation order, values start over. */
	metrics_gauge_set(g, p2, 1);
	metrics_gauge_add(g, p1, 3);
	metrics_histogram_observe(h, NULL, 2);
	assert_render(r, "# HELP up h\n# TYPE up gauge\nup{port=\"2\"} 1\nup{port=\"1\"} 3\n"
			 "# HELP d h\n# TYPE d histogram\n"
			 "d_bucket{le=\"1\"} 0\nd_bucket{le=\"+Inf\"} 1\nd_sum 2\nd_count 1\n");
	metrics_registry_free(r);
}

static void format_value_table(void **state)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{0, "0"},
		{-0.0, "0"},
		{1, "1"},
		{-3, "-3"},
		{42, "42"},
		{0.1, "0.1"},
		{0.51, "0.51"},
		{1e-9, "1e-09"},
		{123456789012, "123456789012"},
		{-2.25, "-2.25"},
		{1.0 / 3, "0.3333333333333333"},
		{0.1 + 0.2, "0.30000000000000004"},
		{9007199254740991.0, "9007199254740991"},      /* 2^53 - 1: still an integer */
		{9007199254740992.0, "9007199254740992"},      /* 2^53: %g, 16 digits round-trip */
		{1152921504606846976.0, "1.152921504606847e+18"}, /* 2^60 */
		{1e300, "1e+300"},
		{5e-324, "4.94065645841247e-324"}, /* denormal: 15 digits already round-trip */
		{NAN, "NaN"},
		{INFINITY, "+Inf"},
		{-INFINITY, "-Inf"},
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		metrics_format_value(cases[i].v, buf, sizeof buf);
		assert_string_equal(buf, cases[i].want);
		if (!isnan(cases[i].v) && !isinf(cases[i].v))
			assert_true(strtod(buf, NULL) == cases[i].v);
	}
	/* Short buffers are truncated, never overrun. */
	memset(buf, 'X', sizeof buf);
	metrics_format_value(0.51, buf, 3);
	assert_string_equal(buf, "0.");
	assert_int_equal(buf[3], 'X');
	metrics_format_value(123456, buf, 4);
	assert_string_equal(buf, "123");
	metrics_format_value(1, buf, 0);
	metrics_format_value(1, NULL, 32);
}

#define THREADS 4
#define PER_THREAD 10000

struct worker {
	struct metrics_family *counter;
	struct metrics_family *labelled;
	struct metrics_family *hist;
	char id[16];
};

static void *work(void *arg)
{
	struct worker *w = arg;
	const char *own[] = {w->id};
	static const char *const shared[] = {"shared"};

	for (int i = 0; i < PER_THREAD; i++) {
		metrics_counter_add(w->counter, NULL, 1);
		metrics_counter_add(w->labelled, own, 1);
		metrics_counter_add(w->labelled, shared, 1);
		metrics_histogram_observe(w->hist, NULL, (double)(i % 3));
	}
	return NULL;
}

static void concurrent_updates_are_exact(void **state)
{
	struct metrics_registry *r = metrics_registry_new("test");
	struct worker w[THREADS];
	pthread_t t[THREADS];
	static const char *const ln[] = {"worker"};
	const double b[] = {0, 1};
	char *got;

	(void)state;
	for (int i = 0; i < THREADS; i++) {
		w[i].counter = i == 0 ? metrics_register(r, METRICS_COUNTER, "ops_total", "h", 0, NULL,
							 NULL, 0, NULL)
				      : w[0].counter;
		w[i].labelled = i == 0 ? metrics_register(r, METRICS_COUNTER, "by_worker_total", "h",
							  1, ln, NULL, 0, NULL)
				       : w[0].labelled;
		w[i].hist = i == 0 ? metrics_register(r, METRICS_HISTOGRAM, "vals", "h", 0, NULL, b,
						      2, NULL)
				   : w[0].hist;
		snprintf(w[i].id, sizeof w[i].id, "w%d", i);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	/* Rendering while the workers run must neither crash nor block them for good. */
	for (int i = 0; i < 20; i++)
		free(render(r));
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);

	got = render(r);
	assert_non_null(strstr(got, "\nops_total 40000\n"));
	assert_non_null(strstr(got, "by_worker_total{worker=\"shared\"} 40000\n"));
	for (int i = 0; i < THREADS; i++) {
		char line[64];
		snprintf(line, sizeof line, "by_worker_total{worker=\"w%d\"} 10000\n", i);
		assert_non_null(strstr(got, line));
	}
	/* i % 3 over 10,000: 3334 zeros, 3333 ones, 3333 twos per thread. */
	assert_non_null(strstr(got, "vals_bucket{le=\"0\"} 13336\n"
				    "vals_bucket{le=\"1\"} 26668\n"
				    "vals_bucket{le=\"+Inf\"} 40000\n"
				    "vals_sum 39996\n"
				    "vals_count 40000\n"));
	assert_non_null(strstr(got, "infrascope_metrics_dropped_total{source=\"test\"} 0\n"));
	free(got);
	metrics_registry_free(r);
}

static void registry_source_is_validated(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "Bad", "a-b", "a b", "web1", "web:x", "é", "abcdefghijklmnopqrstuvwxyzabcdefg", /* 33 */
	};
	static const char *const good[] = { "web", "poll", "_", "batch_job",
					    "abcdefghijklmnopqrstuvwxyzabcdef" /* 32 */ };

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct metrics_registry *r = metrics_registry_new(bad[i]);

		if (r != NULL) {
			metrics_registry_free(r);
			fail_msg("source \"%s\" accepted", bad[i]);
		}
	}
	assert_null(metrics_registry_new(NULL));
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct metrics_registry *r = metrics_registry_new(good[i]);
		char want[96], *got;

		if (r == NULL)
			fail_msg("source \"%s\" rejected", good[i]);
		/* the source labels the registry's own dropped-updates counter */
		snprintf(want, sizeof want, "infrascope_metrics_dropped_total{source=\"%s\"} 0\n",
			 good[i]);
		got = render(r);
		assert_non_null(strstr(got, want));
		free(got);
		metrics_registry_free(r);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(registry_source_is_validated),
	cmocka_unit_test(names_are_validated),
	cmocka_unit_test(label_names_are_validated),
	cmocka_unit_test(buckets_are_validated),
	cmocka_unit_test(duplicate_and_clashing_names_are_rejected),
	cmocka_unit_test(counter_adds_and_ignores_negative),
	cmocka_unit_test(gauge_set_and_add),
	cmocka_unit_test(histogram_buckets_are_cumulative),
	cmocka_unit_test(histogram_without_labels_or_buckets),
	cmocka_unit_test(label_values_are_escaped),
	cmocka_unit_test(help_is_escaped),
	cmocka_unit_test(small_registry_renders_exactly),
	cmocka_unit_test(render_appends_and_reports_bound),
	cmocka_unit_test(children_are_capped_and_drops_counted),
	cmocka_unit_test(family_reset_drops_children),
	cmocka_unit_test(format_value_table),
	cmocka_unit_test(concurrent_updates_are_exact),
};

UNIT_MAIN(tests)
