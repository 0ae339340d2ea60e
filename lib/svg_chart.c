#include "svg_chart.h"

#include "sbuf.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

/* The plot area inside the viewBox: room on the left for "100 %", below for a date. */
#define PAD_LEFT 40
#define PAD_RIGHT 10
#define PAD_TOP 8
#define PAD_BOTTOM 20

struct frame {
	double x0, x1, y0, y1;       /* plot area: x0..x1 left to right, y0 (top) .. y1 (bottom) */
	double t_min, t_max;
	int width, height;
};

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes there are not one. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	size_t n;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are not characters. */
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void svg_chart_escape(struct sbuf *out, const char *text, size_t max)
{
	const unsigned char *s = (const unsigned char *)(text != NULL ? text : "");
	size_t len = strlen((const char *)s), used = 0;

	while (used < len) {
		size_t n = utf8_len(s + used, len - used);

		if (n == 0) {
			/* Not UTF-8: one replacement character per bad byte. */
			if (used + 1 > max)
				break;
			sbuf_puts(out, "\xef\xbf\xbd");
			used++;
			continue;
		}
		if (used + n > max)
			break;
		if (n > 1) {
			sbuf_append(out, s + used, n);
		} else {
			switch (s[used]) {
			case '&': sbuf_puts(out, "&amp;"); break;
			case '<': sbuf_puts(out, "&lt;"); break;
			case '>': sbuf_puts(out, "&gt;"); break;
			case '"': sbuf_puts(out, "&quot;"); break;
			case '\'': sbuf_puts(out, "&#39;"); break;
			default:
				/* Control characters are not allowed in XML text. */
				sbuf_putc(out, s[used] < 0x20 || s[used] == 0x7f ? ' ' : (char)s[used]);
			}
		}
		used += n;
	}
}

static bool valid_class(const char *c)
{
	size_t n = strlen(c);

	if (n == 0 || n > SVG_CHART_CLASS_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((c[i] >= 'a' && c[i] <= 'z') || (c[i] >= '0' && c[i] <= '9') || c[i] == '-'))
			return false;
	return true;
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static double x_of(const struct frame *f, double t)
{
	if (f->t_max <= f->t_min)
		return (f->x0 + f->x1) / 2;  /* one instant: the middle */
	return f->x0 + (clamp(t, f->t_min, f->t_max) - f->t_min) * (f->x1 - f->x0) /
		       (f->t_max - f->t_min);
}

static double y_of(const struct frame *f, double v)
{
	return f->y1 - clamp(v, 0, 100) * (f->y1 - f->y0) / 100;
}

/* Check the bounds and the inputs before writing anything. */
static int check(const struct svg_chart *c, struct err *e)
{
	if (c->n_series > SVG_CHART_MAX_SERIES)
		return err_set(e, ERR_LIMIT, "%zu series; at most %d", c->n_series,
			       SVG_CHART_MAX_SERIES);
	if (c->n_x_labels > SVG_CHART_MAX_LABELS || c->n_y_labels > SVG_CHART_MAX_LABELS)
		return err_set(e, ERR_LIMIT, "more than %d labels on an axis", SVG_CHART_MAX_LABELS);
	if ((c->n_series > 0 && c->series == NULL) || (c->n_x_labels > 0 && c->x_labels == NULL) ||
	    (c->n_y_labels > 0 && c->y_labels == NULL))
		return err_set(e, ERR_INVALID, "a list with a count has no items");
	if (c->width < 0 || c->width > SVG_CHART_MAX_SIZE || c->height < 0 ||
	    c->height > SVG_CHART_MAX_SIZE ||
	    (c->width != 0 && c->width < PAD_LEFT + PAD_RIGHT + 10) ||
	    (c->height != 0 && c->height < PAD_TOP + PAD_BOTTOM + 10))
		return err_set(e, ERR_INVALID, "chart size %dx%d out of range", c->width, c->height);
	if (!isfinite(c->t_min) || !isfinite(c->t_max))
		return err_set(e, ERR_INVALID, "the time axis is not finite");
	for (size_t i = 0; i < c->n_series; i++) {
		const struct svg_chart_series *s = &c->series[i];

		if (s->n > SVG_CHART_MAX_POINTS)
			return err_set(e, ERR_LIMIT, "series %zu has %zu samples; at most %d", i, s->n,
				       SVG_CHART_MAX_POINTS);
		if (s->n > 0 && s->points == NULL)
			return err_set(e, ERR_INVALID, "series %zu has no samples array", i);
		if (s->css_class != NULL && !valid_class(s->css_class))
			return err_set(e, ERR_INVALID, "series %zu: class must be [a-z0-9-]{1,%d}", i,
				       SVG_CHART_CLASS_MAX);
		for (size_t j = 0; j < s->n; j++)
			if (!isfinite(s->points[j].t))
				return err_set(e, ERR_INVALID, "series %zu sample %zu: time is not finite",
					       i, j);
	}
	for (size_t i = 0; i < c->n_x_labels; i++)
		if (!isfinite(c->x_labels[i].at))
			return err_set(e, ERR_INVALID, "x label %zu: position is not finite", i);
	for (size_t i = 0; i < c->n_y_labels; i++)
		if (!isfinite(c->y_labels[i].at))
			return err_set(e, ERR_INVALID, "y label %zu: position is not finite", i);
	return 0;
}

/* The time axis: as given, else from the samples (all of them, gaps included). */
static void time_range(const struct svg_chart *c, struct frame *f)
{
	bool any = false;

	f->t_min = c->t_min;
	f->t_max = c->t_max;
	if (c->t_min < c->t_max)
		return;
	for (size_t i = 0; i < c->n_series; i++)
		for (size_t j = 0; j < c->series[i].n; j++) {
			double t = c->series[i].points[j].t;

			if (!any || t < f->t_min)
				f->t_min = t;
			if (!any || t > f->t_max)
				f->t_max = t;
			any = true;
		}
	if (!any)
		f->t_min = f->t_max = 0;
}

static void draw_labels(const struct svg_chart *c, const struct frame *f, struct sbuf *out)
{
	if (c->n_y_labels > 0) {
		sbuf_puts(out, "<g class=\"chart-grid\" stroke=\"currentColor\" stroke-opacity=\"0.2\">");
		for (size_t i = 0; i < c->n_y_labels; i++) {
			double y = y_of(f, c->y_labels[i].at);

			sbuf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", f->x0,
				    y, f->x1, y);
		}
		sbuf_puts(out, "</g>");
	}
	if (c->n_x_labels == 0 && c->n_y_labels == 0)
		return;
	sbuf_puts(out, "<g class=\"chart-axis\" fill=\"currentColor\" font-size=\"11\">");
	for (size_t i = 0; i < c->n_y_labels; i++) {
		sbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", f->x0 - 4,
			    y_of(f, c->y_labels[i].at) + 4);
		svg_chart_escape(out, c->y_labels[i].text, SVG_CHART_LABEL_MAX);
		sbuf_puts(out, "</text>");
	}
	for (size_t i = 0; i < c->n_x_labels; i++) {
		double x = x_of(f, c->x_labels[i].at);
		/* Near an edge the text grows inwards, so it is never cut off. */
		const char *anchor = x - f->x0 < 30 ? "start" : f->x1 - x < 30 ? "end" : "middle";

		sbuf_printf(out, "<line class=\"chart-tick\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				 "y2=\"%.1f\" stroke=\"currentColor\" stroke-opacity=\"0.4\"/>",
			    x, f->y1, x, f->y1 + 3);
		sbuf_printf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x,
			    (double)f->height - 5, anchor);
		svg_chart_escape(out, c->x_labels[i].text, SVG_CHART_LABEL_MAX);
		sbuf_puts(out, "</text>");
	}
	sbuf_puts(out, "</g>");
}

/* One series: a polyline per run of numeric samples, a circle for a run of one. */
static size_t draw_series(const struct svg_chart_series *s, const struct frame *f,
			  struct sbuf *out)
{
	size_t numeric = 0, j = 0;

	for (size_t i = 0; i < s->n; i++)
		if (!isnan(s->points[i].value))
			numeric++;
	sbuf_puts(out, "<g class=\"chart-series");
	if (s->css_class != NULL) {
		sbuf_putc(out, ' ');
		sbuf_puts(out, s->css_class);
	}
	sbuf_printf(out, "\" data-points=\"%zu\" fill=\"none\" stroke=\"currentColor\" "
			 "stroke-width=\"2\" stroke-linejoin=\"round\" stroke-linecap=\"round\">",
		    numeric);
	if (s->name != NULL) {
		sbuf_puts(out, "<title>");
		svg_chart_escape(out, s->name, SVG_CHART_LABEL_MAX);
		sbuf_puts(out, "</title>");
	}
	while (j < s->n) {
		size_t end = j;

		if (isnan(s->points[j].value)) {
			j++;
			continue;
		}
		while (end < s->n && !isnan(s->points[end].value))
			end++;
		if (end - j == 1) {
			sbuf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"currentColor\"/>",
				    x_of(f, s->points[j].t), y_of(f, s->points[j].value));
		} else {
			sbuf_puts(out, "<polyline points=\"");
			for (size_t k = j; k < end; k++)
				sbuf_printf(out, "%s%.1f,%.1f", k > j ? " " : "", x_of(f, s->points[k].t),
					    y_of(f, s->points[k].value));
			sbuf_puts(out, "\"/>");
		}
		j = end;
	}
	sbuf_puts(out, "</g>");
	return numeric;
}

int svg_chart_render(const struct svg_chart *c, struct sbuf *out, struct err *e)
{
	struct frame f;
	size_t numeric = 0, start = out->len;
	int rc = check(c, e);

	if (rc != 0)
		return rc;
	f.width = c->width != 0 ? c->width : SVG_CHART_DEFAULT_WIDTH;
	f.height = c->height != 0 ? c->height : SVG_CHART_DEFAULT_HEIGHT;
	f.x0 = PAD_LEFT;
	f.x1 = f.width - PAD_RIGHT;
	f.y0 = PAD_TOP;
	f.y1 = f.height - PAD_BOTTOM;
	time_range(c, &f);

	sbuf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" "
			 "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\"",
		    f.width, f.height, f.width, f.height);
	if (c->title != NULL) {
		sbuf_puts(out, " aria-label=\"");
		svg_chart_escape(out, c->title, SVG_CHART_LABEL_MAX);
		sbuf_puts(out, "\"><title>");
		svg_chart_escape(out, c->title, SVG_CHART_LABEL_MAX);
		sbuf_puts(out, "</title>");
	} else {
		sbuf_putc(out, '>');
	}
	sbuf_printf(out, "<rect class=\"chart-frame\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			 "height=\"%.1f\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>",
		    f.x0, f.y0, f.x1 - f.x0, f.y1 - f.y0);
	draw_labels(c, &f, out);
	for (size_t i = 0; i < c->n_series; i++)
		numeric += draw_series(&c->series[i], &f, out);
	if (numeric == 0 && c->empty_text != NULL) {
		sbuf_printf(out, "<text class=\"chart-empty\" x=\"%.1f\" y=\"%.1f\" "
				 "text-anchor=\"middle\" fill=\"currentColor\" font-size=\"12\">",
			    (f.x0 + f.x1) / 2, (f.y0 + f.y1) / 2 + 4);
		svg_chart_escape(out, c->empty_text, SVG_CHART_LABEL_MAX);
		sbuf_puts(out, "</text>");
	}
	sbuf_puts(out, "</svg>");
	if (out->failed)
		return err_set(e, ERR_LIMIT, "the chart did not fit its buffer");
	if (out->len - start > SVG_CHART_MAX_BYTES)
		return err_set(e, ERR_INTERNAL, "the chart took %zu bytes, over its bound",
			       out->len - start);
	return 0;
}
