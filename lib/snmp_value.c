/*
 * OIDs, varbinds and the sorted varbind table. The table keeps pointers to arena copies of the
 * varbinds, sorted by OID at all times: walks arrive in order, so the common add is an append;
 * an out-of-order add is a binary search and a memmove of pointers.
 */
#include "snmp_value.h"

#include <stdio.h>
#include <string.h>

#include "arena.h"

int snmp_oid_parse_n(const char *text, size_t n, struct snmp_oid *out)
{
	size_t i = 0;

	out->len = 0;
	if (text == NULL)
		return ERR_INVALID;
	if (n > 0 && text[0] == '.')
		i = 1;
	if (i >= n)
		return ERR_INVALID;
	for (;;) {
		uint64_t v = 0;
		size_t digits = 0;

		while (i < n && text[i] >= '0' && text[i] <= '9') {
			v = v * 10 + (uint64_t)(text[i] - '0');
			if (++digits > 10 || v > UINT32_MAX)
				goto bad;
			i++;
		}
		if (digits == 0 || out->len >= SNMP_OID_MAX_LEN)
			goto bad;
		out->sub[out->len++] = (uint32_t)v;
		if (i == n)
			return 0;
		if (text[i] != '.' || i + 1 == n)
			goto bad;
		i++;
	}
bad:
	out->len = 0;
	return ERR_INVALID;
}

int snmp_oid_parse(const char *text, struct snmp_oid *out)
{
	if (text == NULL) {
		out->len = 0;
		return ERR_INVALID;
	}
	return snmp_oid_parse_n(text, strlen(text), out);
}

int snmp_oid_format(const struct snmp_oid *oid, char *buf, size_t size)
{
	size_t pos = 0;

	if (size == 0)
		return ERR_LIMIT;
	buf[0] = '\0';
	for (size_t i = 0; i < oid->len; i++) {
		int w = snprintf(buf + pos, size - pos, i == 0 ? "%u" : ".%u",
				 (unsigned)oid->sub[i]);

		if (w < 0 || (size_t)w >= size - pos)
			return ERR_LIMIT;
		pos += (size_t)w;
	}
	return 0;
}

int snmp_oid_cmp(const struct snmp_oid *a, const struct snmp_oid *b)
{
	size_t n = a->len < b->len ? a->len : b->len;

	for (size_t i = 0; i < n; i++)
		if (a->sub[i] != b->sub[i])
			return a->sub[i] < b->sub[i] ? -1 : 1;
	if (a->len == b->len)
		return 0;
	return a->len < b->len ? -1 : 1;
}

bool snmp_oid_equal(const struct snmp_oid *a, const struct snmp_oid *b)
{
	return a->len == b->len && memcmp(a->sub, b->sub, a->len * sizeof a->sub[0]) == 0;
}

bool snmp_oid_has_prefix(const struct snmp_oid *oid, const struct snmp_oid *prefix)
{
	return oid->len >= prefix->len &&
	       memcmp(oid->sub, prefix->sub, prefix->len * sizeof oid->sub[0]) == 0;
}

int snmp_oid_set(struct snmp_oid *out, const uint32_t *sub, size_t n)
{
	if (n > SNMP_OID_MAX_LEN) {
		out->len = 0;
		return ERR_LIMIT;
	}
	memcpy(out->sub, sub, n * sizeof sub[0]);
	out->len = n;
	return 0;
}

int snmp_oid_append(struct snmp_oid *oid, uint32_t sub)
{
	if (oid->len >= SNMP_OID_MAX_LEN)
		return ERR_LIMIT;
	oid->sub[oid->len++] = sub;
	return 0;
}

const char *snmp_type_name(enum snmp_type type)
{
	switch (type) {
	case SNMP_TYPE_INTEGER: return "INTEGER";
	case SNMP_TYPE_OCTET_STRING: return "OCTET STRING";
	case SNMP_TYPE_NULL: return "NULL";
	case SNMP_TYPE_OID: return "OBJECT IDENTIFIER";
	case SNMP_TYPE_IPADDRESS: return "IpAddress";
	case SNMP_TYPE_COUNTER32: return "Counter32";
	case SNMP_TYPE_GAUGE32: return "Gauge32";
	case SNMP_TYPE_TIMETICKS: return "TimeTicks";
	case SNMP_TYPE_OPAQUE: return "Opaque";
	case SNMP_TYPE_COUNTER64: return "Counter64";
	case SNMP_TYPE_NO_SUCH_OBJECT: return "noSuchObject";
	case SNMP_TYPE_NO_SUCH_INSTANCE: return "noSuchInstance";
	case SNMP_TYPE_END_OF_MIB_VIEW: return "endOfMibView";
	}
	return "?";
}

bool snmp_varbind_is_exception(const struct snmp_varbind *vb)
{
	return vb->type == SNMP_TYPE_NO_SUCH_OBJECT || vb->type == SNMP_TYPE_NO_SUCH_INSTANCE ||
	       vb->type == SNMP_TYPE_END_OF_MIB_VIEW;
}

int snmp_varbind_int(const struct snmp_varbind *vb, int64_t *out)
{
	if (vb == NULL)
		return ERR_INVALID;
	switch (vb->type) {
	case SNMP_TYPE_INTEGER:
	case SNMP_TYPE_COUNTER32:
	case SNMP_TYPE_GAUGE32:
	case SNMP_TYPE_TIMETICKS:
		*out = vb->integer;
		return 0;
	case SNMP_TYPE_COUNTER64:
		if (vb->counter64 > (uint64_t)INT64_MAX)
			return ERR_INVALID;
		*out = (int64_t)vb->counter64;
		return 0;
	default:
		return ERR_INVALID;
	}
}

int snmp_varbind_bytes(const struct snmp_varbind *vb, const unsigned char **p, size_t *n)
{
	if (vb == NULL)
		return ERR_INVALID;
	if (vb->type != SNMP_TYPE_OCTET_STRING && vb->type != SNMP_TYPE_OPAQUE &&
	    vb->type != SNMP_TYPE_IPADDRESS)
		return ERR_INVALID;
	*p = vb->bytes;
	*n = vb->len;
	return 0;
}

/* ---- the table ---- */

void snmp_table_init(struct snmp_table *t, struct arena *a)
{
	t->arena = a;
	t->items = NULL;
	t->n = 0;
	t->cap = 0;
}

/* First index whose OID is >= oid. */
static size_t lower_bound(const struct snmp_table *t, const struct snmp_oid *oid)
{
	size_t lo = 0, hi = t->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (snmp_oid_cmp(&t->items[mid]->oid, oid) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int grow(struct snmp_table *t)
{
	size_t ncap = t->cap == 0 ? 64 : t->cap * 2;
	struct snmp_varbind **p;

	if (ncap > SIZE_MAX / sizeof *p)
		return ERR_NOMEM;
	p = arena_realloc(t->arena, t->items, t->cap * sizeof *p, ncap * sizeof *p);
	if (p == NULL)
		return ERR_NOMEM;
	t->items = p;
	t->cap = ncap;
	return 0;
}

int snmp_table_add(struct snmp_table *t, const struct snmp_varbind *vb)
{
	struct snmp_varbind *copy;
	size_t pos;

	if (vb->oid.len == 0 || vb->oid.len > SNMP_OID_MAX_LEN)
		return ERR_INVALID;
	copy = arena_alloc(t->arena, sizeof *copy);
	if (copy == NULL)
		return ERR_NOMEM;
	*copy = *vb;
	copy->bytes = NULL;
	if (vb->len > 0 && vb->bytes != NULL) {
		unsigned char *b = arena_alloc(t->arena, vb->len);

		if (b == NULL)
			return ERR_NOMEM;
		memcpy(b, vb->bytes, vb->len);
		copy->bytes = b;
	} else {
		copy->len = 0;
	}

	if (t->n == 0 || snmp_oid_cmp(&t->items[t->n - 1]->oid, &vb->oid) < 0)
		pos = t->n;
	else
		pos = lower_bound(t, &vb->oid);
	if (pos < t->n && snmp_oid_equal(&t->items[pos]->oid, &vb->oid)) {
		t->items[pos] = copy;
		return 0;
	}
	if (t->n == t->cap && grow(t) != 0)
		return ERR_NOMEM;
	memmove(t->items + pos + 1, t->items + pos, (t->n - pos) * sizeof t->items[0]);
	t->items[pos] = copy;
	t->n++;
	return 0;
}

int snmp_table_add_int(struct snmp_table *t, const struct snmp_oid *oid, enum snmp_type type,
		       int64_t value)
{
	struct snmp_varbind vb;

	memset(&vb, 0, sizeof vb);
	vb.oid = *oid;
	vb.type = type;
	if (type == SNMP_TYPE_COUNTER64)
		vb.counter64 = value < 0 ? 0 : (uint64_t)value;
	else
		vb.integer = value;
	return snmp_table_add(t, &vb);
}

int snmp_table_add_bytes(struct snmp_table *t, const struct snmp_oid *oid, enum snmp_type type,
			 const void *bytes, size_t len)
{
	struct snmp_varbind vb;

	memset(&vb, 0, sizeof vb);
	vb.oid = *oid;
	vb.type = type;
	vb.bytes = bytes;
	vb.len = len;
	return snmp_table_add(t, &vb);
}

int snmp_table_add_oid(struct snmp_table *t, const struct snmp_oid *oid,
		       const struct snmp_oid *value)
{
	struct snmp_varbind vb;

	memset(&vb, 0, sizeof vb);
	vb.oid = *oid;
	vb.type = SNMP_TYPE_OID;
	vb.oid_value = *value;
	return snmp_table_add(t, &vb);
}

size_t snmp_table_count(const struct snmp_table *t)
{
	return t->n;
}

const struct snmp_varbind *snmp_table_at(const struct snmp_table *t, size_t i)
{
	return i < t->n ? t->items[i] : NULL;
}

const struct snmp_varbind *snmp_table_get(const struct snmp_table *t, const struct snmp_oid *oid)
{
	size_t i = lower_bound(t, oid);

	if (i < t->n && snmp_oid_equal(&t->items[i]->oid, oid))
		return t->items[i];
	return NULL;
}

const struct snmp_varbind *snmp_table_get_sub(const struct snmp_table *t,
					      const struct snmp_oid *base, const uint32_t *a,
					      size_t n)
{
	struct snmp_oid oid;

	if (base->len + n > SNMP_OID_MAX_LEN)
		return NULL;
	oid = *base;
	memcpy(oid.sub + oid.len, a, n * sizeof a[0]);
	oid.len += n;
	return snmp_table_get(t, &oid);
}

/* <0 before the subtree of prefix, 0 inside it (prefix itself included), >0 after it. */
static int subtree_cmp(const struct snmp_oid *oid, const struct snmp_oid *prefix)
{
	size_t n = oid->len < prefix->len ? oid->len : prefix->len;

	for (size_t i = 0; i < n; i++)
		if (oid->sub[i] != prefix->sub[i])
			return oid->sub[i] < prefix->sub[i] ? -1 : 1;
	return oid->len >= prefix->len ? 0 : -1;
}

size_t snmp_table_walk(const struct snmp_table *t, const struct snmp_oid *prefix, size_t *first)
{
	size_t lo = 0, hi = t->n, begin, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (subtree_cmp(&t->items[mid]->oid, prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	begin = lo;
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (subtree_cmp(&t->items[mid]->oid, prefix) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	end = lo;
	/* A walk returns what lies below the prefix, not the prefix itself. */
	if (begin < end && t->items[begin]->oid.len == prefix->len)
		begin++;
	*first = begin;
	return end - begin;
}
