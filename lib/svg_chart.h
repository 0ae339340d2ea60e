/*
 * svg_chart — a small inline SVG line chart of percent series over time (a toner's level on
 * the printer page). Pure: no I/O; the output is appended to the caller's sbuf.
 *
 * Each series is a list of samples (time, value 0..100). A value that is not a number (NaN:
 * "some remaining", "unknown") is a gap: the line stops before it and starts again after it.
 * A run of two or more numeric samples is one <polyline> (one "x,y" pair per sample); a run
 * of one sample is a <circle>. So the numeric samples of a series and the points in its
 * <g class="chart-series ..." data-points="N"> agree one to one, which tests count.
 *
 * The caller passes the axis labels (text and position; the module formats no dates or
 * numbers), an accessible title and the text shown when there is nothing to draw. Every text
 * is escaped for XML (& < > " ') and cut to SVG_CHART_LABEL_MAX bytes on a UTF-8 character
 * boundary; everything else in the output is numbers and fixed markup, so the result may be
 * inserted into an HTML page as it is. The size is bounded: at most SVG_CHART_MAX_SERIES
 * series of SVG_CHART_MAX_POINTS samples and SVG_CHART_MAX_LABELS labels per axis (more is
 * refused with ERR_LIMIT, never cut silently), so one chart never exceeds SVG_CHART_MAX_BYTES.
 *
 * Colours and line widths come from CSS classes (static/app.css: .chart, .chart-grid,
 * .chart-axis, .chart-series, and the caller's series class such as "toner-cyan"); the
 * markup carries fill="none" and stroke="currentColor" so it stays legible without the
 * stylesheet. No style attributes and no scripts: the page's CSP (default-src 'self') allows it.
 */
#ifndef INFRASCOPE_SVG_CHART_H
#define INFRASCOPE_SVG_CHART_H

#include <stddef.h>

#include "err.h"

struct sbuf;

#define SVG_CHART_MAX_SERIES 8
#define SVG_CHART_MAX_POINTS 1000     /* samples per series */
#define SVG_CHART_MAX_LABELS 12       /* labels per axis */
#define SVG_CHART_LABEL_MAX 80        /* bytes of a text kept (before escaping) */
#define SVG_CHART_CLASS_MAX 32        /* a series class: [a-z0-9-], 1..32 characters */
#define SVG_CHART_MAX_SIZE 2000       /* largest width or height (viewBox units) */
#define SVG_CHART_DEFAULT_WIDTH 480
#define SVG_CHART_DEFAULT_HEIGHT 150

/* Bytes one chart can take at most: fixed markup, escaped texts, 64 bytes per sample. */
#define SVG_CHART_MAX_BYTES                                                                  \
	(4096 + (2 + 2 * SVG_CHART_MAX_LABELS) * (6 * SVG_CHART_LABEL_MAX + 128) +           \
	 SVG_CHART_MAX_SERIES * (6 * SVG_CHART_LABEL_MAX + 256 + 64 * SVG_CHART_MAX_POINTS))

struct svg_chart_point {
	double t;                  /* time (any unit, e.g. Unix seconds); must be finite */
	double value;              /* percent; clamped to 0..100; NaN = a gap */
};

struct svg_chart_series {
	const char *name;          /* shown as the series' <title>; may be NULL */
	const char *css_class;     /* extra class of its <g>, e.g. "toner-black"; may be NULL */
	const struct svg_chart_point *points;
	size_t n;
};

struct svg_chart_label {
	double at;                 /* x labels: a time; y labels: a percent (0..100) */
	const char *text;
};

struct svg_chart {
	int width, height;         /* viewBox size; 0 = the defaults above */
	double t_min, t_max;       /* the time axis; t_min >= t_max: the samples' own range */
	const char *title;         /* accessible name (<title>, aria-label); may be NULL */
	const char *empty_text;    /* drawn when no series has a numeric sample; may be NULL */
	const struct svg_chart_label *x_labels; /* each also draws a tick */
	size_t n_x_labels;
	const struct svg_chart_label *y_labels; /* each also draws a grid line */
	size_t n_y_labels;
	const struct svg_chart_series *series;
	size_t n_series;
};

/*
 * svg_chart_render — append the chart as one <svg> element to out.
 * [IN] c: the chart (nothing in it is kept). [OUT] out: the SVG text is appended.
 * Returns 0; ERR_LIMIT when c exceeds a bound above; ERR_INVALID for a non-finite time, a
 * size out of range or a series class with other characters; ERR_NOMEM / ERR_LIMIT when out
 * refused the text (its failed flag is set). e says which.
 */
int svg_chart_render(const struct svg_chart *c, struct sbuf *out, struct err *e);

/* svg_chart_escape — append text to out escaped for XML, cut to max bytes on a character
 * boundary (exposed for tests and for callers that build labels). */
void svg_chart_escape(struct sbuf *out, const char *text, size_t max);

#endif
