/*
 * metrics — counters, gauges and histograms with labels, rendered in the Prometheus text
 * exposition format (version 0.0.4).
 *
 * One registry per process. Families are registered once at start-up (names and label names
 * are validated then); children (one per distinct label-value tuple) are created on first use.
 * Updates and rendering are thread-safe. The rendered text passes `promtool check metrics`:
 * HELP and TYPE once per family, families in registration order, children in creation order,
 * label values escaped (\\, \", \n), histograms with cumulative _bucket{le=...} including +Inf,
 * then _sum and _count. Numbers print as integers when integral, else with up to 17
 * significant digits (shortest form that round-trips), NaN/+Inf/-Inf as Prometheus spells them.
 *
 * Batch jobs render their metrics the same way and hand the text to lib/textfile, which
 * replaces a node_exporter textfile atomically.
 */
#ifndef INFRASCOPE_METRICS_H
#define INFRASCOPE_METRICS_H

#include <stddef.h>

#include "err.h"

struct sbuf;
struct metrics_registry;
struct metrics_family;

enum metrics_type { METRICS_COUNTER, METRICS_GAUGE, METRICS_HISTOGRAM };

#define METRICS_MAX_LABELS 8
#define METRICS_MAX_BUCKETS 32

/*
 * metrics_registry_new — empty registry; NULL when out of memory or when source is not
 * [a-z_]{1,32}. source labels the registry's own infrascope_metrics_dropped_total
 * ({source="web"}, {source="poll"}), so textfiles of several jobs never repeat a series.
 * Caller frees with metrics_registry_free.
 */
struct metrics_registry *metrics_registry_new(const char *source);
void metrics_registry_free(struct metrics_registry *r);

/*
 * metrics_register — add a family. name must match [a-zA-Z_:][a-zA-Z0-9_:]*, each label name
 * [a-zA-Z_][a-zA-Z0-9_]* and not start with "__"; at most METRICS_MAX_LABELS labels.
 * For histograms, buckets are the strictly increasing finite upper bounds (at most
 * METRICS_MAX_BUCKETS; +Inf is implicit); for other types pass NULL, 0.
 * help is one line of text (escaped on output). Strings are copied.
 * Returns the family (owned by the registry) or NULL with e filled (bad name, duplicate name,
 * bad buckets, out of memory).
 */
struct metrics_family *metrics_register(struct metrics_registry *r, enum metrics_type type,
					const char *name, const char *help,
					size_t nlabels, const char *const *label_names,
					const double *buckets, size_t nbuckets, struct err *e);

/*
 * Updates. label_values has exactly the family's label count of strings (NULL when the family
 * has no labels); values are copied when a new child is created. A family accepts at most
 * 10,000 children: updates for further new label tuples are dropped and counted in the
 * registry's own `infrascope_metrics_dropped_total{source=...}` (rendered last).
 * Counters ignore negative increments. Calls on a family of the wrong type are ignored.
 */
void metrics_counter_add(struct metrics_family *f, const char *const *label_values, double v);
/*
 * metrics_counter_set — raise a counter to v, for counters mirrored from elsewhere (process CPU
 * seconds from the kernel). Lower values are ignored: a counter never goes back.
 */
void metrics_counter_set(struct metrics_family *f, const char *const *label_values, double v);
void metrics_gauge_set(struct metrics_family *f, const char *const *label_values, double v);
void metrics_gauge_add(struct metrics_family *f, const char *const *label_values, double v);
void metrics_histogram_observe(struct metrics_family *f, const char *const *label_values, double v);

/* metrics_family_reset — drop all children (gauges that are recomputed from scratch each cycle). */
void metrics_family_reset(struct metrics_family *f);

/*
 * metrics_render — append the whole registry in text format to out.
 * Returns 0, or the sbuf error when out hit its bound.
 */
int metrics_render(struct metrics_registry *r, struct sbuf *out);

/* metrics_format_value — the number formatting used on output (buf of at least 32 bytes). */
void metrics_format_value(double v, char *buf, size_t len);

#endif
