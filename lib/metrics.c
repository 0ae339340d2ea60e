/*
 * metrics — Prometheus text exposition (0.0.4) for counters, gauges and histograms.
 *
 * Locking: the registry mutex guards the family list (register, render); each family has its
 * own mutex guarding its children, so updates to different families never contend and an
 * update never touches the registry lock. Render takes registry then family; updates take
 * only the family lock, and the dropped count is an atomic so no path ever needs the
 * registry lock while holding a family lock (no lock-order inversion).
 *
 * Children live in creation order in `order` (what render walks) and in a chained hash on
 * the label tuple (what updates use), so 10,000 children do not make each update O(n).
 * A child is one allocation: the struct, the histogram bucket counts, the label-value
 * pointers and the copied strings, so a reset is one free per child.
 */
#include "metrics.h"

#include "sbuf.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CHILDREN 10000
/* Bound on one textfile; far above 10,000 children × a handful of families. */
#define DROPPED_NAME "infrascope_metrics_dropped_total"
#define DROPPED_HELP "Metric updates dropped because a family already had 10000 children."
/* 2^53: above it not every integer is a double, so "%lld" would print a made-up exact value. */
#define EXACT_INT_LIMIT 9007199254740992.0

struct child {
	struct child *next;  /* hash chain */
	uint64_t hash;
	double value;        /* counter or gauge value; histogram sum */
	uint64_t count;      /* histogram observations */
	uint64_t *buckets;   /* histogram: per-bucket counts, not cumulative; last is +Inf */
	char **values;       /* nlabels copied label values */
};

struct metrics_family {
	struct metrics_registry *reg;
	enum metrics_type type;
	char *name;
	char *help;
	size_t nlabels;
	char *label_names[METRICS_MAX_LABELS];
	size_t nbuckets;
	double bounds[METRICS_MAX_BUCKETS];

	pthread_mutex_t lock;
	struct child **order; /* creation order */
	size_t nchildren;
	size_t order_cap;
	struct child **table; /* power-of-two sized, or NULL */
	size_t table_size;
};

struct metrics_registry {
	pthread_mutex_t lock;
	struct metrics_family **families;
	size_t nfamilies;
	size_t cap;
	atomic_ullong dropped;
	char source[33];       /* label of the self-metric: which process rendered it */
};

/* ---- validation ---- */

static bool name_char(char c, bool first, bool colon_ok)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return true;
	if (c == ':')
		return colon_ok;
	return !first && c >= '0' && c <= '9';
}

static bool valid_name(const char *s, bool colon_ok)
{
	if (s == NULL || s[0] == '\0')
		return false;
	for (size_t i = 0; s[i] != '\0'; i++)
		if (!name_char(s[i], i == 0, colon_ok))
			return false;
	return true;
}

/* Whether a1a2 == b1b2 as strings, without building either concatenation. */
static bool concat_equal(const char *a1, const char *a2, const char *b1, const char *b2)
{
	size_t la1 = strlen(a1), lb1 = strlen(b1), n = la1 + strlen(a2);

	if (n != lb1 + strlen(b2))
		return false;
	for (size_t i = 0; i < n; i++) {
		char ca = i < la1 ? a1[i] : a2[i - la1];
		char cb = i < lb1 ? b1[i] : b2[i - lb1];
		if (ca != cb)
			return false;
	}
	return true;
}

static const char *const hist_suffixes[] = {"", "_bucket", "_sum", "_count"};

/* Number of series-name suffixes a family occupies in the output ("" is the family name). */
static size_t nsuffixes(enum metrics_type type)
{
	return type == METRICS_HISTOGRAM ? 4 : 1;
}

/*
 * Two families clash when any name either writes to the output is the same: a gauge
 * "x_count" next to a histogram "x" would give the reader two families for one series.
 */
static bool names_clash(enum metrics_type ta, const char *a, enum metrics_type tb, const char *b)
{
	for (size_t i = 0; i < nsuffixes(ta); i++)
		for (size_t j = 0; j < nsuffixes(tb); j++)
			if (concat_equal(a, hist_suffixes[i], b, hist_suffixes[j]))
				return true;
	return false;
}

static int check_labels(enum metrics_type type, size_t nlabels, const char *const *label_names,
			struct err *e)
{
	if (nlabels > METRICS_MAX_LABELS)
		return err_set(e, ERR_INVALID, "too many labels (%zu, at most %d)", nlabels,
			       METRICS_MAX_LABELS);
	if (nlabels > 0 && label_names == NULL)
		return err_set(e, ERR_INVALID, "%zu labels but no label names", nlabels);
	for (size_t i = 0; i < nlabels; i++) {
		const char *l = label_names[i];
		if (!valid_name(l, false))
			return err_set(e, ERR_INVALID, "label name \"%.64s\" is not valid",
				       l != NULL ? l : "(null)");
		if (l[0] == '_' && l[1] == '_')
			return err_set(e, ERR_INVALID, "label name \"%.64s\" is reserved (\"__\")", l);
		if (type == METRICS_HISTOGRAM && strcmp(l, "le") == 0)
			return err_set(e, ERR_INVALID, "label name \"le\" is reserved in histograms");
		for (size_t j = 0; j < i; j++)
			if (strcmp(label_names[j], l) == 0)
				return err_set(e, ERR_INVALID, "label name \"%.64s\" repeated", l);
	}
	return 0;
}

static int check_buckets(enum metrics_type type, const double *buckets, size_t nbuckets,
			 struct err *e)
{
	if (type != METRICS_HISTOGRAM) {
		if (buckets != NULL || nbuckets != 0)
			return err_set(e, ERR_INVALID, "buckets given for a non-histogram");
		return 0;
	}
	if (nbuckets > METRICS_MAX_BUCKETS)
		return err_set(e, ERR_INVALID, "too many buckets (%zu, at most %d)", nbuckets,
			       METRICS_MAX_BUCKETS);
	if (nbuckets > 0 && buckets == NULL)
		return err_set(e, ERR_INVALID, "%zu buckets but no bounds", nbuckets);
	for (size_t i = 0; i < nbuckets; i++) {
		if (!isfinite(buckets[i]))
			return err_set(e, ERR_INVALID, "bucket %zu is not finite", i);
		if (i > 0 && !(buckets[i] > buckets[i - 1]))
			return err_set(e, ERR_INVALID, "bucket %zu is not above the one before", i);
	}
	return 0;
}

/* ---- children ---- */

static uint64_t hash_values(size_t n, const char *const *values)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		/* The NUL is hashed too, so ("ab","c") and ("a","bc") differ. */
		const unsigned char *p = (const unsigned char *)values[i];
		do {
			h ^= *p;
			h *= 1099511628211ULL;
		} while (*p++ != '\0');
	}
	return h;
}

static bool values_ok(const struct metrics_family *f, const char *const *values)
{
	if (f->nlabels == 0)
		return true;
	if (values == NULL)
		return false;
	for (size_t i = 0; i < f->nlabels; i++)
		if (values[i] == NULL)
			return false;
	return true;
}

static struct child *child_new(const struct metrics_family *f, const char *const *values,
			       uint64_t hash)
{
	size_t lens[METRICS_MAX_LABELS];
	size_t nb = f->type == METRICS_HISTOGRAM ? f->nbuckets + 1 : 0;
	size_t size = sizeof(struct child) + nb * sizeof(uint64_t) + f->nlabels * sizeof(char *);
	struct child *c;
	char *p;

	for (size_t i = 0; i < f->nlabels; i++) {
		lens[i] = strlen(values[i]);
		if (lens[i] >= SIZE_MAX - size)
			return NULL;
		size += lens[i] + 1;
	}
	c = calloc(1, size);
	if (c == NULL)
		return NULL;
	c->hash = hash;
	/* Layout after the struct: bucket counts, then pointers, then bytes — each 8-aligned. */
	p = (char *)(c + 1);
	c->buckets = nb > 0 ? (uint64_t *)(void *)p : NULL;
	p += nb * sizeof(uint64_t);
	c->values = (char **)(void *)p;
	p += f->nlabels * sizeof(char *);
	for (size_t i = 0; i < f->nlabels; i++) {
		c->values[i] = p;
		memcpy(p, values[i], lens[i] + 1);
		p += lens[i] + 1;
	}
	return c;
}

static bool same_values(const struct metrics_family *f, const struct child *c,
			const char *const *values)
{
	for (size_t i = 0; i < f->nlabels; i++)
		if (strcmp(c->values[i], values[i]) != 0)
			return false;
	return true;
}

/* A failed grow only lengthens chains, so it is not an error. */
static void table_grow(struct metrics_family *f)
{
	size_t nsize = f->table_size != 0 ? f->table_size * 2 : 16;
	struct child **nt = calloc(nsize, sizeof *nt);

	if (nt == NULL)
		return;
	for (size_t i = 0; i < f->nchildren; i++) {
		struct child *c = f->order[i];
		size_t slot = (size_t)(c->hash & (nsize - 1));
		c->next = nt[slot];
		nt[slot] = c;
	}
	free(f->table);
	f->table = nt;
	f->table_size = nsize;
}

/*
 * The child for values, created when new. NULL when the update must be dropped (cap reached
 * or out of memory); both are counted, since a silently lost update is what the self metric
 * exists to expose. Called with f->lock held.
 */
static struct child *child_get(struct metrics_family *f, const char *const *values)
{
	uint64_t h = hash_values(f->nlabels, values);
	struct child *c;

	if (f->table != NULL)
		for (c = f->table[h & (f->table_size - 1)]; c != NULL; c = c->next)
			if (c->hash == h && same_values(f, c, values))
				return c;
	if (f->nchildren >= MAX_CHILDREN)
		goto drop;
	if (f->nchildren == f->order_cap) {
		size_t ncap = f->order_cap != 0 ? f->order_cap * 2 : 8;
		struct child **no;
		if (ncap > MAX_CHILDREN)
			ncap = MAX_CHILDREN;
		no = realloc(f->order, ncap * sizeof *no);
		if (no == NULL)
			goto drop;
		f->order = no;
		f->order_cap = ncap;
	}
	if (f->nchildren >= f->table_size)
		table_grow(f);
	if (f->table == NULL)
		goto drop;
	c = child_new(f, values, h);
	if (c == NULL)
		goto drop;
	f->order[f->nchildren++] = c;
	c->next = f->table[h & (f->table_size - 1)];
	f->table[h & (f->table_size - 1)] = c;
	return c;
drop:
	atomic_fetch_add(&f->reg->dropped, 1);
	return NULL;
}

static void children_free(struct metrics_family *f)
{
	for (size_t i = 0; i < f->nchildren; i++)
		free(f->order[i]);
	f->nchildren = 0;
	if (f->table != NULL)
		memset(f->table, 0, f->table_size * sizeof *f->table);
}

static void family_free(struct metrics_family *f)
{
	if (f == NULL)
		return;
	children_free(f);
	free(f->order);
	free(f->table);
	for (size_t i = 0; i < f->nlabels; i++)
		free(f->label_names[i]);
	free(f->name);
	free(f->help);
	free(f);
}

/* ---- registry ---- */

static bool source_ok(const char *s)
{
	size_t n = 0;

	if (s == NULL)
		return false;
	for (; s[n] != '\0'; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || s[n] == '_'))
			return false;
	return n >= 1 && n <= 32;
}

struct metrics_registry *metrics_registry_new(const char *source)
{
	struct metrics_registry *r;

	if (!source_ok(source))
		return NULL;
	r = calloc(1, sizeof *r);
	if (r == NULL)
		return NULL;
	snprintf(r->source, sizeof r->source, "%s", source);
	if (pthread_mutex_init(&r->lock, NULL) != 0) {
		free(r);
		return NULL;
	}
	atomic_init(&r->dropped, 0);
	return r;
}

void metrics_registry_free(struct metrics_registry *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nfamilies; i++) {
		pthread_mutex_destroy(&r->families[i]->lock);
		family_free(r->families[i]);
	}
	free(r->families);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

struct metrics_family *metrics_register(struct metrics_registry *r, enum metrics_type type,
					const char *name, const char *help,
					size_t nlabels, const char *const *label_names,
					const double *buckets, size_t nbuckets, struct err *e)
{
	struct metrics_family *f = NULL;
	bool locked = false, mutex_ok = false;

	if (r == NULL) {
		err_set(e, ERR_INVALID, "no registry");
		return NULL;
	}
	if (type != METRICS_COUNTER && type != METRICS_GAUGE && type != METRICS_HISTOGRAM) {
		err_set(e, ERR_INVALID, "unknown metric type %d", (int)type);
		return NULL;
	}
	if (!valid_name(name, true)) {
		err_set(e, ERR_INVALID, "metric name \"%.64s\" is not valid",
			name != NULL ? name : "(null)");
		return NULL;
	}
	if (check_labels(type, nlabels, label_names, e) != 0 ||
	    check_buckets(type, buckets, nbuckets, e) != 0)
		return NULL;

	f = calloc(1, sizeof *f);
	if (f == NULL)
		goto nomem;
	f->reg = r;
	f->type = type;
	f->name = strdup(name);
	f->help = strdup(help != NULL ? help : "");
	if (f->name == NULL || f->help == NULL)
		goto nomem;
	for (size_t i = 0; i < nlabels; i++) {
		f->label_names[i] = strdup(label_names[i]);
		if (f->label_names[i] == NULL) {
			f->nlabels = i;
			goto nomem;
		}
	}
	f->nlabels = nlabels;
	f->nbuckets = nbuckets;
	if (nbuckets > 0)
		memcpy(f->bounds, buckets, nbuckets * sizeof *buckets);
	if (pthread_mutex_init(&f->lock, NULL) != 0)
		goto nomem;
	mutex_ok = true;

	/* From here on every failure holds the registry lock. */
	pthread_mutex_lock(&r->lock);
	locked = true;
	if (names_clash(type, name, METRICS_COUNTER, DROPPED_NAME)) {
		err_set(e, ERR_INVALID, "metric name \"%.64s\" is reserved", name);
		goto fail;
	}
	for (size_t i = 0; i < r->nfamilies; i++) {
		const struct metrics_family *o = r->families[i];
		if (names_clash(type, name, o->type, o->name)) {
			err_set(e, ERR_INVALID, "metric name \"%.64s\" clashes with family \"%.64s\"",
				name, o->name);
			goto fail;
		}
	}
	if (r->nfamilies == r->cap) {
		size_t ncap = r->cap != 0 ? r->cap * 2 : 8;
		struct metrics_family **nf = realloc(r->families, ncap * sizeof *nf);
		if (nf == NULL)
			goto nomem;
		r->families = nf;
		r->cap = ncap;
	}
	r->families[r->nfamilies++] = f;
	pthread_mutex_unlock(&r->lock);
	return f;

nomem:
	err_set(e, ERR_NOMEM, "out of memory registering metric \"%.64s\"", name);
fail:
	if (locked)
		pthread_mutex_unlock(&r->lock);
	if (mutex_ok)
		pthread_mutex_destroy(&f->lock);
	family_free(f);
	return NULL;
}

/* ---- updates ---- */

void metrics_counter_add(struct metrics_family *f, const char *const *label_values, double v)
{
	struct child *c;

	/* !(v >= 0) also refuses NaN, which would poison the counter for good. */
	if (f == NULL || f->type != METRICS_COUNTER || !(v >= 0) || !values_ok(f, label_values))
		return;
	pthread_mutex_lock(&f->lock);
	c = child_get(f, label_values);
	if (c != NULL)
		c->value += v;
	pthread_mutex_unlock(&f->lock);
}

void metrics_counter_set(struct metrics_family *f, const char *const *label_values, double v)
{
	struct child *c;

	if (f == NULL || f->type != METRICS_COUNTER || !(v >= 0) || !values_ok(f, label_values))
		return;
	pthread_mutex_lock(&f->lock);
	c = child_get(f, label_values);
	/* A mirrored counter never goes back, even if the source is read out of order. */
	if (c != NULL && v > c->value)
		c->value = v;
	pthread_mutex_unlock(&f->lock);
}

void metrics_gauge_set(struct metrics_family *f, const char *const *label_values, double v)
{
	struct child *c;

	if (f == NULL || f->type != METRICS_GAUGE || !values_ok(f, label_values))
		return;
	pthread_mutex_lock(&f->lock);
	c = child_get(f, label_values);
	if (c != NULL)
		c->value = v;
	pthread_mutex_unlock(&f->lock);
}

void metrics_gauge_add(struct metrics_family *f, const char *const *label_values, double v)
{
	struct child *c;

	if (f == NULL || f->type != METRICS_GAUGE || !values_ok(f, label_values))
		return;
	pthread_mutex_lock(&f->lock);
	c = child_get(f, label_values);
	if (c != NULL)
		c->value += v;
	pthread_mutex_unlock(&f->lock);
}

void metrics_histogram_observe(struct metrics_family *f, const char *const *label_values, double v)
{
	struct child *c;
	size_t i;

	/* A NaN fits no bucket and would turn _sum into NaN for the life of the process. */
	if (f == NULL || f->type != METRICS_HISTOGRAM || isnan(v) || !values_ok(f, label_values))
		return;
	pthread_mutex_lock(&f->lock);
	c = child_get(f, label_values);
	if (c != NULL) {
		for (i = 0; i < f->nbuckets && v > f->bounds[i]; i++)
			;
		c->buckets[i]++;
		c->count++;
		c->value += v;
	}
	pthread_mutex_unlock(&f->lock);
}

void metrics_family_reset(struct metrics_family *f)
{
	if (f == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	children_free(f);
	pthread_mutex_unlock(&f->lock);
}

/* ---- output ---- */

void metrics_format_value(double v, char *buf, size_t len)
{
	char tmp[40];
	size_t o = 0;

	if (buf == NULL || len == 0)
		return;
	if (isnan(v)) {
		snprintf(buf, len, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, len, "%s", v > 0 ? "+Inf" : "-Inf");
		return;
	}
	if (fabs(v) < EXACT_INT_LIMIT && v == (double)(long long)v) {
		snprintf(buf, len, "%lld", (long long)v); /* -0.0 prints as "0" */
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (strtod(tmp, NULL) == v)
			break;
	}
	/*
	 * printf and strtod follow LC_NUMERIC; should a caller ever set a locale with a
	 * decimal comma, the round-trip test above still holds, and this copy puts back the
	 * '.' the exposition format requires.
	 */
	for (size_t i = 0; tmp[i] != '\0' && o + 1 < len; i++) {
		char ch = tmp[i];
		if ((ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == 'e') {
			buf[o++] = ch;
		} else if (o == 0 || buf[o - 1] != '.') {
			buf[o++] = '.';
		}
	}
	buf[o] = '\0';
}

/* Render target: the first sbuf error is kept, later appends are skipped. */
struct out {
	struct sbuf *b;
	int rc;
};

static void put(struct out *o, const char *s, size_t n)
{
	int rc;

	if (o->rc != 0 || n == 0)
		return;
	rc = sbuf_append(o->b, s, n);
	if (rc != 0)
		o->rc = rc;
}

static void put_str(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_value(struct out *o, double v)
{
	char buf[40];

	metrics_format_value(v, buf, sizeof buf);
	put_str(o, buf);
}

static void put_u64(struct out *o, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	put_str(o, buf);
}

/* Length of the valid UTF-8 sequence at s, or 0 (overlong, surrogate, > U+10FFFF, cut). */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c < 0xF0) {
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c < 0xF5) {
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		       (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/*
 * Escape s for a HELP line (\\ and \n) or, with quote, a label value (also \").
 * Invalid UTF-8 (label values come from devices) becomes U+FFFD: Prometheus rejects the
 * whole scrape on one invalid byte, which would hide every other metric.
 */
static void put_escaped(struct out *o, const char *s, bool quote)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;

	while (*p != '\0') {
		const char *rep = NULL;
		size_t n = utf8_seq(p);

		if (*p == '\\')
			rep = "\\\\";
		else if (*p == '\n')
			rep = "\\n";
		else if (*p == '"' && quote)
			rep = "\\\"";
		else if (n == 0)
			rep = "\xEF\xBF\xBD";
		if (rep == NULL) {
			p += n;
			continue;
		}
		put(o, (const char *)run, (size_t)(p - run));
		put_str(o, rep);
		p++;
		run = p;
	}
	put(o, (const char *)run, (size_t)(p - run));
}

/* The label set of c, with le appended when not NULL; nothing at all for an empty set. */
static void put_labels(struct out *o, const struct metrics_family *f, const struct child *c,
		       const char *le)
{
	if (f->nlabels == 0 && le == NULL)
		return;
	put_str(o, "{");
	for (size_t i = 0; i < f->nlabels; i++) {
		if (i > 0)
			put_str(o, ",");
		put_str(o, f->label_names[i]);
		put_str(o, "=\"");
		put_escaped(o, c->values[i], true);
		put_str(o, "\"");
	}
	if (le != NULL) {
		if (f->nlabels > 0)
			put_str(o, ",");
		put_str(o, "le=\"");
		put_str(o, le);
		put_str(o, "\"");
	}
	put_str(o, "}");
}

static void put_header(struct out *o, const char *name, const char *help, const char *type)
{
	put_str(o, "# HELP ");
	put_str(o, name);
	put_str(o, " ");
	put_escaped(o, help, false);
	put_str(o, "\n# TYPE ");
	put_str(o, name);
	put_str(o, " ");
	put_str(o, type);
	put_str(o, "\n");
}

static void put_histogram(struct out *o, const struct metrics_family *f, const struct child *c)
{
	char le[40];
	uint64_t cum = 0;

	for (size_t i = 0; i <= f->nbuckets; i++) {
		if (i < f->nbuckets)
			metrics_format_value(f->bounds[i], le, sizeof le);
		else
			metrics_format_value(INFINITY, le, sizeof le);
		cum += c->buckets[i];
		put_str(o, f->name);
		put_str(o, "_bucket");
		put_labels(o, f, c, le);
		put_str(o, " ");
		put_u64(o, cum);
		put_str(o, "\n");
	}
	put_str(o, f->name);
	put_str(o, "_sum");
	put_labels(o, f, c, NULL);
	put_str(o, " ");
	put_value(o, c->value);
	put_str(o, "\n");
	put_str(o, f->name);
	put_str(o, "_count");
	put_labels(o, f, c, NULL);
	put_str(o, " ");
	put_u64(o, c->count);
	put_str(o, "\n");
}

static void render_family(struct out *o, struct metrics_family *f)
{
	static const char *const type_names[] = {
		[METRICS_COUNTER] = "counter",
		[METRICS_GAUGE] = "gauge",
		[METRICS_HISTOGRAM] = "histogram",
	};

	pthread_mutex_lock(&f->lock);
	put_header(o, f->name, f->help, type_names[f->type]);
	for (size_t i = 0; i < f->nchildren && o->rc == 0; i++) {
		const struct child *c = f->order[i];
		if (f->type == METRICS_HISTOGRAM) {
			put_histogram(o, f, c);
			continue;
		}
		put_str(o, f->name);
		put_labels(o, f, c, NULL);
		put_str(o, " ");
		put_value(o, c->value);
		put_str(o, "\n");
	}
	pthread_mutex_unlock(&f->lock);
}

int metrics_render(struct metrics_registry *r, struct sbuf *out)
{
	struct out o = {.b = out, .rc = 0};

	if (r == NULL || out == NULL)
		return ERR_INVALID;
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->nfamilies && o.rc == 0; i++)
		render_family(&o, r->families[i]);
	pthread_mutex_unlock(&r->lock);
	put_header(&o, DROPPED_NAME, DROPPED_HELP, "counter");
	put_str(&o, DROPPED_NAME "{source=\"");
	put_str(&o, r->source);
	put_str(&o, "\"} ");
	put_u64(&o, atomic_load(&r->dropped));
	put_str(&o, "\n");
	return o.rc;
}

