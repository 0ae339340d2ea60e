/*
 * snmprec.c — parse snmprec walks into shared sorted tables; OID helpers; value conversion
 * from snmprec's textual tags to BER content octets (also used by the control commands).
 */
#include "snmprec.h"

#include "ber.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int oid_cmp(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i, n = na < nb ? na : nb;

	for (i = 0; i < n; i++) {
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	}
	if (na == nb)
		return 0;
	return na < nb ? -1 : 1;
}

int oid_parse(const char *s, size_t len, uint32_t *arcs, size_t cap, size_t *n)
{
	size_t i = 0, k = 0;

	if (len > 0 && s[0] == '.')
		i = 1;
	if (i >= len)
		return -1;
	while (i < len) {
		uint64_t v = 0;
		size_t start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (uint64_t)(s[i] - '0');
			if (v > UINT32_MAX)
				return -1;
			i++;
		}
		if (i == start || k >= cap)
			return -1;
		arcs[k++] = (uint32_t)v;
		if (i < len) {
			if (s[i] != '.' || i + 1 == len)
				return -1;
			i++;
		}
	}
	*n = k;
	return 0;
}

char *oid_format(const uint32_t *arcs, size_t n, char *buf, size_t size)
{
	size_t i, off = 0;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < n && off < size; i++) {
		int w = snprintf(buf + off, size - off, i ? ".%u" : "%u", (unsigned)arcs[i]);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* unhex: hex text (even length, no separators) into OUT. Returns octets or -1. */
static long unhex(const char *s, size_t len, uint8_t *out, size_t cap)
{
	size_t i;

	if (len % 2 || len / 2 > cap)
		return -1;
	for (i = 0; i < len; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

/* parse_int: a decimal integer (optional sign) of the whole text. */
static int parse_int(const char *s, size_t len, int64_t min, uint64_t max, int64_t *sv, uint64_t *uv)
{
	char buf[32], *end;
	int neg;

	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	neg = buf[0] == '-';
	if (!(buf[neg] >= '0' && buf[neg] <= '9'))
		return -1;
	errno = 0;
	if (neg) {
		long long v = strtoll(buf, &end, 10);
		if (errno || *end || v < min)
			return -1;
		*sv = v;
		*uv = 0;
	} else {
		unsigned long long v = strtoull(buf, &end, 10);
		if (errno || *end || v > max)
			return -1;
		*uv = v;
		*sv = v > INT64_MAX ? INT64_MAX : (int64_t)v;
	}
	return 0;
}

static size_t put_content(uint8_t *out, size_t cap, int is_signed, int64_t sv, uint64_t uv)
{
	struct ber_writer w;

	ber_writer_init(&w, out, cap);
	if (is_signed)
		ber_put_int_content(&w, sv);
	else
		ber_put_uint_content(&w, uv);
	return w.overflow ? 0 : w.len;
}

int snmprec_value(const char *tag, size_t taglen, const char *val, size_t vlen, uint8_t *tag_out,
		  uint8_t *out, size_t cap, size_t *outlen)
{
	const char *colon = memchr(tag, ':', taglen);
	size_t blen = colon ? (size_t)(colon - tag) : taglen;
	int hex = 0, t;
	char tbuf[8];
	int64_t sv;
	uint64_t uv;
	long n;

	if (colon) {
		/* variation module: only writecache carries a literal, as value=... among options */
		const char *mod = colon + 1;
		size_t mlen = taglen - blen - 1, i = 0;
		int found = 0;
		if (mlen != 10 || memcmp(mod, "writecache", 10) != 0)
			return 1;
		while (i < vlen) {
			size_t j = i;
			while (j < vlen && val[j] != ',')
				j++;
			if (j - i >= 6 && memcmp(val + i, "value=", 6) == 0) {
				val += i + 6;
				vlen = j - i - 6;
				found = 1;
				break;
			}
			i = j + 1;
		}
		if (!found)
			return 1;
	}
	if (blen > 0 && (tag[blen - 1] == 'x' || tag[blen - 1] == 'X')) {
		hex = 1;
		blen--;
	}
	if (blen == 0 || blen >= sizeof tbuf)
		return -1;
	memcpy(tbuf, tag, blen);
	tbuf[blen] = '\0';
	if (strspn(tbuf, "0123456789") != blen)
		return -1;
	t = atoi(tbuf);
	if (hex) {
		/* hex form of octet types: content is the octets themselves */
		if (t != BER_OCTETS && t != BER_OPAQUE && t != BER_IPADDRESS)
			return -1;
		n = unhex(val, vlen, out, cap);
		if (n < 0 || (t == BER_IPADDRESS && n != 4))
			return -1;
		*tag_out = (uint8_t)t;
		*outlen = (size_t)n;
		return 0;
	}
	switch (t) {
	case BER_INTEGER:
		if (parse_int(val, vlen, INT32_MIN, INT32_MAX, &sv, &uv) != 0)
			return -1;
		*outlen = put_content(out, cap, 1, sv, 0);
		break;
	case BER_OCTETS:
	case BER_OPAQUE:
		if (vlen > cap)
			return -1;
		memcpy(out, val, vlen);
		*outlen = vlen;
		break;
	case BER_NULL:
		*outlen = 0;
		break;
	case BER_OID: {
		uint32_t arcs[BER_MAX_ARCS];
		size_t na;
		struct ber_writer w;
		if (oid_parse(val, vlen, arcs, BER_MAX_ARCS, &na) != 0 || ber_oid_size(arcs, na) == 0)
			return -1;
		ber_writer_init(&w, out, cap);
		ber_put_oid_content(&w, arcs, na);
		if (w.overflow)
			return -1;
		*outlen = w.len;
		break;
	}
	case BER_IPADDRESS: {
		unsigned a, b, c, d;
		char ip[20], extra;
		if (vlen == 0 || vlen >= sizeof ip || cap < 4)
			return -1;
		memcpy(ip, val, vlen);
		ip[vlen] = '\0';
		if (sscanf(ip, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &extra) != 4 || a > 255 ||
		    b > 255 || c > 255 || d > 255)
			return -1;
		out[0] = (uint8_t)a;
		out[1] = (uint8_t)b;
		out[2] = (uint8_t)c;
		out[3] = (uint8_t)d;
		*outlen = 4;
		break;
	}
	case BER_COUNTER32:
	case BER_GAUGE32:
	case BER_TIMETICKS:
		if (parse_int(val, vlen, 0, UINT32_MAX, &sv, &uv) != 0 || (vlen && val[0] == '-'))
			return -1;
		*outlen = put_content(out, cap, 0, 0, uv);
		break;
	case BER_COUNTER64:
		if (parse_int(val, vlen, 0, UINT64_MAX, &sv, &uv) != 0 || (vlen && val[0] == '-'))
			return -1;
		*outlen = put_content(out, cap, 0, 0, uv);
		break;
	default:
		return -1;
	}
	if (*outlen == 0 && t != BER_NULL && t != BER_OCTETS && t != BER_OPAQUE)
		return -1;
	*tag_out = (uint8_t)t;
	return 0;
}

/* ---- loading ---- */

struct builder {
	struct snmprec_walk *w;
	size_t rec_cap, line_cap, arc_len, arc_cap, val_len, val_cap;
	uint32_t *line_no; /* file order of each record, to keep the first of duplicates */
};

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 256;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elem);
	if (!np)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static int add_record(struct builder *b, const uint32_t *arcs, size_t na, uint8_t tag,
		      const uint8_t *val, size_t vlen)
{
	struct snmprec_walk *w = b->w;

	if (b->arc_len + na > UINT32_MAX || b->val_len + vlen > UINT32_MAX)
		return -1;
	if (grow((void **)&w->rec, &b->rec_cap, w->n + 1, sizeof *w->rec) != 0)
		return -1;
	if (grow((void **)&b->line_no, &b->line_cap, w->n + 1, sizeof *b->line_no) != 0)
		return -1;
	if (grow((void **)&w->arcs, &b->arc_cap, b->arc_len + na, sizeof *w->arcs) != 0)
		return -1;
	if (vlen && grow((void **)&w->vals, &b->val_cap, b->val_len + vlen, 1) != 0)
		return -1;
	w->rec[w->n].arc_off = (uint32_t)b->arc_len;
	w->rec[w->n].narcs = (uint8_t)na;
	w->rec[w->n].tag = tag;
	w->rec[w->n].val_off = (uint32_t)b->val_len;
	w->rec[w->n].val_len = (uint32_t)vlen;
	b->line_no[w->n] = (uint32_t)w->n;
	memcpy(w->arcs + b->arc_len, arcs, na * sizeof *arcs);
	if (vlen)
		memcpy(w->vals + b->val_len, val, vlen);
	b->arc_len += na;
	b->val_len += vlen;
	w->n++;
	return 0;
}

struct sort_ctx {
	const struct snmprec_walk *w;
	const uint32_t *line_no;
};

static int cmp_idx(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct snmprec_rec *ri = &c->w->rec[i], *rj = &c->w->rec[j];
	int r = oid_cmp(c->w->arcs + ri->arc_off, ri->narcs, c->w->arcs + rj->arc_off, rj->narcs);

	if (r)
		return r;
	return c->line_no[i] < c->line_no[j] ? -1 : c->line_no[i] > c->line_no[j];
}

/* sort_dedup: order records by OID, dropping later duplicates. */
static int sort_dedup(struct builder *b)
{
	struct snmprec_walk *w = b->w;
	uint32_t *idx;
	struct snmprec_rec *out;
	struct sort_ctx ctx = {w, b->line_no};
	size_t i, k = 0;

	if (w->n == 0)
		return 0;
	idx = malloc(w->n * sizeof *idx);
	out = malloc(w->n * sizeof *out);
	if (!idx || !out) {
		free(idx);
		free(out);
		return -1;
	}
	for (i = 0; i < w->n; i++)
		idx[i] = (uint32_t)i;
	qsort_r(idx, w->n, sizeof *idx, cmp_idx, &ctx);
	for (i = 0; i < w->n; i++) {
		const struct snmprec_rec *r = &w->rec[idx[i]];
		if (k > 0 && oid_cmp(w->arcs + out[k - 1].arc_off, out[k - 1].narcs,
				     w->arcs + r->arc_off, r->narcs) == 0) {
			w->skipped++;
			continue;
		}
		out[k++] = *r;
	}
	free(idx);
	free(w->rec);
	w->rec = out;
	w->n = k;
	return 0;
}

struct snmprec_walk *snmprec_parse(const char *text, size_t len, const char *path)
{
	struct builder b = {0};
	struct snmprec_walk *w = calloc(1, sizeof *w);
	uint8_t *val = malloc(SNMPREC_MAX_VALUE);
	size_t pos = 0;

	if (!w || !val)
		goto fail;
	b.w = w;
	w->path = strdup(path ? path : "");
	if (!w->path)
		goto fail;
	while (pos < len) {
		const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - line) : len - pos;
		const char *p1, *p2;
		uint32_t arcs[BER_MAX_ARCS];
		size_t na, vlen;
		uint8_t tag;

		pos += ll + (nl ? 1 : 0);
		if (ll > 0 && line[ll - 1] == '\r')
			ll--;
		if (ll == 0 || line[0] == '#')
			continue;
		w->lines++;
		p1 = memchr(line, '|', ll);
		p2 = p1 ? memchr(p1 + 1, '|', ll - (size_t)(p1 + 1 - line)) : NULL;
		if (!p2 || oid_parse(line, (size_t)(p1 - line), arcs, BER_MAX_ARCS, &na) != 0 ||
		    ber_oid_size(arcs, na) == 0 ||
		    snmprec_value(p1 + 1, (size_t)(p2 - p1 - 1), p2 + 1, ll - (size_t)(p2 + 1 - line),
				  &tag, val, SNMPREC_MAX_VALUE, &vlen) != 0) {
			w->skipped++;
			continue;
		}
		if (add_record(&b, arcs, na, tag, val, vlen) != 0)
			goto fail;
	}
	if (sort_dedup(&b) != 0)
		goto fail;
	free(b.line_no);
	free(val);
	return w;
fail:
	free(b.line_no);
	free(val);
	snmprec_free(w);
	return NULL;
}

struct snmprec_walk *snmprec_load(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	struct snmprec_walk *w = NULL;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			char *nb;
			if (cap >= (size_t)256 << 20) {
				snprintf(err, errlen, "%s: larger than 256 MiB", path);
				goto out;
			}
			cap = cap ? cap * 2 : 1 << 16;
			nb = realloc(buf, cap);
			if (!nb) {
				snprintf(err, errlen, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		goto out;
	}
	w = snmprec_parse(buf, len, path);
	if (!w)
		snprintf(err, errlen, "%s: out of memory", path);
out:
	free(buf);
	fclose(f);
	return w;
}

void snmprec_free(struct snmprec_walk *w)
{
	if (!w)
		return;
	free(w->path);
	free(w->rec);
	free(w->arcs);
	free(w->vals);
	free(w);
}

size_t snmprec_lower_bound(const struct snmprec_walk *w, const uint32_t *arcs, size_t n)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (oid_cmp(snmprec_oid(w, mid), w->rec[mid].narcs, arcs, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

long snmprec_find(const struct snmprec_walk *w, const uint32_t *arcs, size_t n)
{
	size_t i = snmprec_lower_bound(w, arcs, n);

	if (i < w->n && oid_cmp(snmprec_oid(w, i), w->rec[i].narcs, arcs, n) == 0)
		return (long)i;
	return -1;
}

size_t snmprec_next(const struct snmprec_walk *w, const uint32_t *arcs, size_t n)
{
	size_t i = snmprec_lower_bound(w, arcs, n);

	if (i < w->n && oid_cmp(snmprec_oid(w, i), w->rec[i].narcs, arcs, n) == 0)
		i++;
	return i;
}
