/* svg_chart: empty charts, one point, many points, gaps, escaping, bounds, and the rule that
 * the points drawn are exactly the numeric samples. */
#include "svg_chart.h"

#include "sbuf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* count — occurrences of needle in hay. */
static size_t count(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + len, needle))
		n++;
	return n;
}

/* points_drawn — "x,y" pairs in every points="..." plus every <circle>. */
static size_t points_drawn(const char *svg)
{
	size_t n = count(svg, "<circle ");

	for (const char *p = strstr(svg, "<polyline points=\""); p != NULL;
	     p = strstr(p, "<polyline points=\"")) {
		p += strlen("<polyline points=\"");
		for (; *p != '"' && *p != '\0'; p++)
			if (*p == ',')
				n++;
	}
	return n;
}

/* render — the chart into a fresh heap buffer; fails the test when rendering fails. */
static char *render(const struct svg_chart *c)
{
	struct sbuf b;
	struct err e = { 0 };
	char *s;

	sbuf_init(&b, NULL, SVG_CHART_MAX_BYTES + 1024);
	if (svg_chart_render(c, &b, &e) != 0)
		fail_msg("render failed: %s", e.msg);
	s = strdup(sbuf_cstr(&b));
	sbuf_release(&b);
	assert_non_null(s);
	return s;
}

/* well_formed — one <svg>…</svg>, balanced <g>, nothing outside it. */
static void well_formed(const char *svg)
{
	assert_true(strncmp(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" ", 40) == 0);
	assert_int_equal(count(svg, "<svg"), 1);
	assert_int_equal(count(svg, "</svg>"), 1);
	assert_true(strcmp(svg + strlen(svg) - 6, "</svg>") == 0);
	assert_int_equal(count(svg, "<g "), count(svg, "</g>"));
	assert_int_equal(count(svg, "<text "), count(svg, "</text>"));
	assert_null(strstr(svg, "style="));
	assert_null(strstr(svg, "<script"));
	/* No number printed as nan or inf. */
	assert_null(strstr(svg, "\"nan"));
	assert_null(strstr(svg, ",nan"));
	assert_null(strstr(svg, "\"-nan"));
	assert_null(strstr(svg, ",-nan"));
	assert_null(strstr(svg, "\"inf"));
	assert_null(strstr(svg, ",inf"));
	assert_null(strstr(svg, "\"-inf"));
	assert_null(strstr(svg, ",-inf"));
}

static void empty_chart(void **state)
{
	(void)state;
	struct svg_chart c = { .title = "Toner", .empty_text = "No readings yet" };
	struct svg_chart_series s = { .name = "Black", .css_class = "toner-black" };
	char *svg = render(&c);

	well_formed(svg);
	assert_non_null(strstr(svg, "viewBox=\"0 0 480 150\""));
	assert_non_null(strstr(svg, "<title>Toner</title>"));
	assert_non_null(strstr(svg, ">No readings yet</text>"));
	assert_int_equal(points_drawn(svg), 0);
	free(svg);

	/* A series without samples: still empty, its group says 0 points. */
	c.series = &s;
	c.n_series = 1;
	svg = render(&c);
	well_formed(svg);
	assert_non_null(strstr(svg, "data-points=\"0\""));
	assert_non_null(strstr(svg, "No readings yet"));
	assert_null(strstr(svg, "<polyline"));
	free(svg);

	/* Without an empty text nothing is written in its place. */
	c.empty_text = NULL;
	svg = render(&c);
	assert_null(strstr(svg, "chart-empty"));
	free(svg);
}

static void one_point(void **state)
{
	(void)state;
	struct svg_chart_point p = { 1000, 42 };
	struct svg_chart_series s = { .name = "K", .css_class = "toner-black", .points = &p, .n = 1 };
	struct svg_chart c = { .series = &s, .n_series = 1, .empty_text = "none" };
	char *svg = render(&c);

	well_formed(svg);
	/* One instant: drawn as a dot in the middle of the plot, at 42 % of its height. */
	assert_int_equal(count(svg, "<circle "), 1);
	assert_null(strstr(svg, "<polyline"));
	assert_int_equal(points_drawn(svg), 1);
	assert_non_null(strstr(svg, "data-points=\"1\""));
	assert_non_null(strstr(svg, "class=\"chart-series toner-black\""));
	/* x: (40 + 470) / 2 = 255; y: 130 - 0.42 * 122 = 78.76 */
	assert_non_null(strstr(svg, "cx=\"255.0\" cy=\"78.8\""));
	assert_null(strstr(svg, "none</text>"));
	free(svg);
}

static void many_points(void **state)
{
	(void)state;
	static struct svg_chart_point p[SVG_CHART_MAX_POINTS];
	struct svg_chart_series s = { .css_class = "toner-cyan", .points = p, .n = 0 };
	struct svg_chart c = { .series = &s, .n_series = 1, .width = 600, .height = 200 };
	size_t sizes[] = { 2, 3, 17, 250, SVG_CHART_MAX_POINTS };
	char want[64];

	for (size_t i = 0; i < SVG_CHART_MAX_POINTS; i++) {
		p[i].t = 1700000000.0 + 3600.0 * (double)i;
		p[i].value = 100.0 - (double)(i % 101);
	}
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		char *svg;

		s.n = sizes[k];
		svg = render(&c);
		well_formed(svg);
		assert_int_equal(count(svg, "<polyline"), 1);
		assert_int_equal(count(svg, "<circle "), 0);
		assert_int_equal(points_drawn(svg), sizes[k]);
		snprintf(want, sizeof want, "data-points=\"%zu\"", sizes[k]);
		assert_non_null(strstr(svg, want));
		/* The first sample at the left edge, full; the range comes from the samples. */
		assert_non_null(strstr(svg, "points=\"40.0,8.0 "));
		free(svg);
	}
}

static void gaps_split_the_line(void **state)
{
	(void)state;
	/* 3 numbers, gap, 1 number, 2 gaps, 2 numbers, gap at the end: 6 numeric samples. */
	const double v[] = { 80, 79, 78, NAN, 50, NAN, NAN, 40, 39, NAN };
	struct svg_chart_point p[10];
	struct svg_chart_series s = { .points = p, .n = 10 };
	struct svg_chart c = { .series = &s, .n_series = 1, .t_min = 0, .t_max = 9 };
	char *svg;

	for (size_t i = 0; i < 10; i++) {
		p[i].t = (double)i;
		p[i].value = v[i];
	}
	svg = render(&c);
	well_formed(svg);
	assert_int_equal(count(svg, "<polyline"), 2);
	assert_int_equal(count(svg, "<circle "), 1);
	assert_int_equal(points_drawn(svg), 6);
	assert_non_null(strstr(svg, "data-points=\"6\""));
	free(svg);

	/* Only gaps: nothing drawn, the empty text shows. */
	for (size_t i = 0; i < 10; i++)
		p[i].value = NAN;
	c.empty_text = "unknown";
	svg = render(&c);
	well_formed(svg);
	assert_int_equal(points_drawn(svg), 0);
	assert_non_null(strstr(svg, ">unknown</text>"));
	free(svg);
}

static void values_are_clamped_and_axis_given(void **state)
{
	(void)state;
	struct svg_chart_point p[3] = { { 0, -20 }, { 50, 150 }, { 200, 50 } };
	struct svg_chart_label x[2] = { { 0, "01.05" }, { 100, "02.05" } };
	struct svg_chart_label y[3] = { { 0, "0 %" }, { 50, "50 %" }, { 100, "100 %" } };
	struct svg_chart_series s = { .points = p, .n = 3 };
	struct svg_chart c = { .series = &s, .n_series = 1, .t_min = 0, .t_max = 100,
			       .x_labels = x, .n_x_labels = 2, .y_labels = y, .n_y_labels = 3 };
	char *svg = render(&c);

	well_formed(svg);
	/* -20 → 0 % at the bottom (y 130), 150 → 100 % at the top (y 8); t 200 → the right edge. */
	assert_non_null(strstr(svg, "points=\"40.0,130.0 255.0,8.0 470.0,69.0\""));
	assert_non_null(strstr(svg, ">01.05</text>"));
	assert_non_null(strstr(svg, ">02.05</text>"));
	assert_non_null(strstr(svg, "text-anchor=\"start\">01.05"));
	assert_non_null(strstr(svg, "text-anchor=\"end\">02.05"));
	assert_non_null(strstr(svg, ">100 %</text>"));
	assert_int_equal(count(svg, "<line x1="), 3);  /* a grid line per y label */
	assert_int_equal(count(svg, "chart-tick"), 2); /* a tick per x label */
	free(svg);
}

static void text_is_escaped(void **state)
{
	(void)state;
	const char *evil = "<script>alert(\"x\")</script>&'";
	struct svg_chart_point p = { 1, 10 };
	struct svg_chart_label x = { 1, evil };
	struct svg_chart_series s = { .name = evil, .points = &p, .n = 1 };
	struct svg_chart c = { .title = evil, .empty_text = evil, .series = &s, .n_series = 1,
			       .x_labels = &x, .n_x_labels = 1 };
	const char *esc = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;";
	char *svg = render(&c);

	well_formed(svg);
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "alert(\"x\")"));
	assert_int_equal(count(svg, esc), 4);  /* aria-label, chart title, series title, x label */
	free(svg);
}

static void escape_cuts_on_characters(void **state)
{
	(void)state;
	struct sbuf b;

	sbuf_init(&b, NULL, 1024);
	/* "Чёрный" is 12 bytes; cut at 5 keeps two letters (4 bytes), not half of the third. */
	svg_chart_escape(&b, "Чёрный", 5);
	assert_string_equal(sbuf_cstr(&b), "Чё");
	sbuf_reset(&b);
	/* Invalid UTF-8 and control characters become something safe. */
	svg_chart_escape(&b, "a\xff" "b\x01" "c\xc3", 100);
	assert_string_equal(sbuf_cstr(&b), "a\xef\xbf\xbd" "b c\xef\xbf\xbd");
	sbuf_reset(&b);
	svg_chart_escape(&b, NULL, 10);
	assert_string_equal(sbuf_cstr(&b), "");
	sbuf_release(&b);
}

static void bounds_are_refused(void **state)
{
	(void)state;
	static struct svg_chart_point p[SVG_CHART_MAX_POINTS + 1];
	static struct svg_chart_series many[SVG_CHART_MAX_SERIES + 1];
	struct svg_chart_series s = { .points = p, .n = SVG_CHART_MAX_POINTS + 1 };
	struct svg_chart c = { .series = &s, .n_series = 1 };
	struct sbuf b;
	struct err e = { 0 };

	sbuf_init(&b, NULL, SVG_CHART_MAX_BYTES);
	assert_int_equal(svg_chart_render(&c, &b, &e), ERR_LIMIT);
	assert_int_equal(b.len, 0);  /* nothing written when refused */
	c.series = many;
	c.n_series = SVG_CHART_MAX_SERIES + 1;
	assert_int_equal(svg_chart_render(&c, &b, &e), ERR_LIMIT);
	s.n = 1;
	s.css_class = "bad class\"";
	c.series = &s;
	c.n_series = 1;
	assert_int_equal(svg_chart_render(&c, &b, &e), ERR_INVALID);
	s.css_class = NULL;
	p[0].t = NAN;
	assert_int_equal(svg_chart_render(&c, &b, &e), ERR_INVALID);
	p[0].t = 0;
	c.width = 5;
	assert_int_equal(svg_chart_render(&c, &b, &e), ERR_INVALID);
	c.width = SVG_CHART_MAX_SIZE + 1;
	assert_int_equal(svg_chart_render(&c, &b, &e), ERR_INVALID);
	c.width = 0;
	assert_int_equal(b.len, 0);
	/* A buffer too small for the chart: refused, not cut into broken markup silently. */
	sbuf_release(&b);
	sbuf_init(&b, NULL, 64);
	assert_int_equal(svg_chart_render(&c, &b, &e), ERR_LIMIT);
	assert_true(b.failed);
	sbuf_release(&b);
}

/* The largest chart allowed, with worst-case texts and alternating gaps, fits its bound. */
static void largest_chart_fits_the_bound(void **state)
{
	(void)state;
	static struct svg_chart_point p[SVG_CHART_MAX_POINTS];
	struct svg_chart_series s[SVG_CHART_MAX_SERIES];
	struct svg_chart_label l[SVG_CHART_MAX_LABELS];
	char text[SVG_CHART_LABEL_MAX * 2];
	struct svg_chart c = { .width = SVG_CHART_MAX_SIZE, .height = SVG_CHART_MAX_SIZE,
			       .title = text, .empty_text = text, .series = s,
			       .n_series = SVG_CHART_MAX_SERIES, .x_labels = l,
			       .n_x_labels = SVG_CHART_MAX_LABELS, .y_labels = l,
			       .n_y_labels = SVG_CHART_MAX_LABELS };
	struct sbuf b;
	struct err e = { 0 };
	size_t numeric = 0;

	memset(text, '"', sizeof text - 1);  /* each escapes to 6 bytes */
	text[sizeof text - 1] = '\0';
	for (size_t i = 0; i < SVG_CHART_MAX_POINTS; i++) {
		p[i].t = -1e15 + (double)i * 1e12;
		p[i].value = i % 2 == 0 ? 99.99 : NAN;  /* a circle each: the most bytes a sample takes */
		numeric += i % 2 == 0;
	}
	for (size_t i = 0; i < SVG_CHART_MAX_SERIES; i++)
		s[i] = (struct svg_chart_series){ text, "abcdefghijklmnopqrstuvwxyz012345", p,
						   SVG_CHART_MAX_POINTS };
	for (size_t i = 0; i < SVG_CHART_MAX_LABELS; i++)
		l[i] = (struct svg_chart_label){ (double)i * 10, text };
	sbuf_init(&b, NULL, 16 * SVG_CHART_MAX_BYTES);
	assert_int_equal(svg_chart_render(&c, &b, &e), 0);
	assert_true(b.len <= SVG_CHART_MAX_BYTES);
	assert_int_equal(points_drawn(sbuf_cstr(&b)), numeric * SVG_CHART_MAX_SERIES);
	sbuf_release(&b);
}

/* Several series: each group counts its own points. */
static void series_count_separately(void **state)
{
	(void)state;
	struct svg_chart_point a[4] = { { 0, 90 }, { 1, 80 }, { 2, NAN }, { 3, 70 } };
	struct svg_chart_point b[2] = { { 0, 10 }, { 3, 5 } };
	struct svg_chart_series s[2] = { { "C", "toner-cyan", a, 4 }, { "M", "toner-magenta", b, 2 } };
	struct svg_chart c = { .series = s, .n_series = 2 };
	char *svg = render(&c);

	well_formed(svg);
	assert_non_null(strstr(svg, "toner-cyan\" data-points=\"3\""));
	assert_non_null(strstr(svg, "toner-magenta\" data-points=\"2\""));
	assert_int_equal(points_drawn(svg), 5);
	free(svg);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_chart),
		cmocka_unit_test(one_point),
		cmocka_unit_test(many_points),
		cmocka_unit_test(gaps_split_the_line),
		cmocka_unit_test(values_are_clamped_and_axis_given),
		cmocka_unit_test(text_is_escaped),
		cmocka_unit_test(escape_cuts_on_characters),
		cmocka_unit_test(bounds_are_refused),
		cmocka_unit_test(largest_chart_fits_the_bound),
		cmocka_unit_test(series_count_separately),
	};

	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
