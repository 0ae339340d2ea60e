/*
 * view.c — a device's view: the shared walk merged with its sparse overrides (agent.h).
 */
#include "agent.h"

#include <stdlib.h>
#include <string.h>

static const uint32_t sys_uptime[] = {1, 3, 6, 1, 2, 1, 1, 3, 0};
#define SYS_UPTIME_N (sizeof sys_uptime / sizeof sys_uptime[0])

/* ---- overrides ---- */

static const uint8_t *ovr_value(const struct ovr *o)
{
	return (o->flags & OVR_HEAP_VALUE) ? o->v.heap : o->v.in;
}

/* ovr_lower_bound: first entry whose OID >= ARCS. */
static size_t ovr_lower_bound(const struct ovr_set *s, const uint32_t *arcs, size_t n)
{
	size_t lo = 0, hi = s ? s->n : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (oid_cmp(s->e[mid].arcs, s->e[mid].narcs, arcs, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void ovr_clear(struct ovr *o)
{
	if (o->flags & OVR_OWN_ARCS)
		free((void *)o->arcs);
	if (o->flags & OVR_HEAP_VALUE)
		free(o->v.heap);
	memset(o, 0, sizeof *o);
}

/* ovr_slot: the entry for ARCS, inserted (empty) when absent. NULL when out of memory. */
static struct ovr *ovr_slot(struct ovr_set **sp, const struct snmprec_walk *walk,
			    const uint32_t *arcs, size_t n)
{
	struct ovr_set *s = *sp;
	size_t i = ovr_lower_bound(s, arcs, n);
	struct ovr *o;
	long wi;

	if (n == 0 || n > BER_MAX_ARCS)
		return NULL;
	if (s && i < s->n && oid_cmp(s->e[i].arcs, s->e[i].narcs, arcs, n) == 0) {
		o = &s->e[i];
		if (o->flags & OVR_HEAP_VALUE)
			free(o->v.heap);
		o->flags &= (uint8_t)~(OVR_HEAP_VALUE | OVR_HIDDEN);
		return o;
	}
	if (!s || s->n == s->cap) {
		uint32_t ncap = s ? s->cap * 2 : 2;
		struct ovr_set *ns = realloc(s, sizeof *ns + ncap * sizeof ns->e[0]);
		if (!ns)
			return NULL;
		if (!s)
			ns->n = 0;
		ns->cap = ncap;
		*sp = s = ns;
	}
	memmove(&s->e[i + 1], &s->e[i], (s->n - i) * sizeof s->e[0]);
	s->n++;
	o = &s->e[i];
	memset(o, 0, sizeof *o);
	wi = walk ? snmprec_find(walk, arcs, n) : -1;
	if (wi >= 0) {
		o->arcs = snmprec_oid(walk, (size_t)wi);
	} else {
		uint32_t *own = malloc(n * sizeof *own);
		if (!own) {
			memmove(&s->e[i], &s->e[i + 1], (s->n - i - 1) * sizeof s->e[0]);
			s->n--;
			return NULL;
		}
		memcpy(own, arcs, n * sizeof *own);
		o->arcs = own;
		o->flags = OVR_OWN_ARCS;
	}
	o->narcs = (uint8_t)n;
	return o;
}

int ovr_set_value(struct ovr_set **s, const struct snmprec_walk *walk, const uint32_t *arcs,
		  size_t n, uint8_t tag, const uint8_t *val, size_t vlen)
{
	struct ovr *o;

	if (vlen > UINT16_MAX)
		return -1;
	o = ovr_slot(s, walk, arcs, n);
	if (!o)
		return -1;
	if (vlen > OVR_INLINE) {
		uint8_t *h = malloc(vlen);
		if (!h) {
			o->flags |= OVR_HIDDEN; /* keep the set consistent: the OID is now absent */
			o->vlen = 0;
			return -1;
		}
		memcpy(h, val, vlen);
		o->v.heap = h;
		o->flags |= OVR_HEAP_VALUE;
	} else if (vlen) {
		memcpy(o->v.in, val, vlen);
	}
	o->tag = tag;
	o->vlen = (uint16_t)vlen;
	return 0;
}

int ovr_hide(struct ovr_set **s, const struct snmprec_walk *walk, const uint32_t *arcs, size_t n)
{
	struct ovr *o = ovr_slot(s, walk, arcs, n);

	if (!o)
		return -1;
	o->flags |= OVR_HIDDEN;
	o->vlen = 0;
	return 0;
}

int ovr_revert(struct ovr_set **sp, const uint32_t *arcs, size_t n)
{
	struct ovr_set *s = *sp;
	size_t i = ovr_lower_bound(s, arcs, n);

	if (!s || i >= s->n || oid_cmp(s->e[i].arcs, s->e[i].narcs, arcs, n) != 0)
		return 0;
	ovr_clear(&s->e[i]);
	memmove(&s->e[i], &s->e[i + 1], (s->n - i - 1) * sizeof s->e[0]);
	s->n--;
	if (s->n == 0) {
		free(s);
		*sp = NULL;
	}
	return 1;
}

void ovr_compact(struct ovr_set **sp)
{
	struct ovr_set *s = *sp, *ns;

	if (!s || s->cap == s->n)
		return;
	ns = realloc(s, sizeof *s + s->n * sizeof s->e[0]);
	if (ns) {
		ns->cap = ns->n;
		*sp = ns;
	}
}

void ovr_free(struct ovr_set *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; i < s->n; i++)
		ovr_clear(&s->e[i]);
	free(s);
}

size_t ovr_bytes(const struct ovr_set *s)
{
	size_t b;
	uint32_t i;

	if (!s)
		return 0;
	b = sizeof *s + s->cap * sizeof s->e[0];
	for (i = 0; i < s->n; i++) {
		if (s->e[i].flags & OVR_OWN_ARCS)
			b += s->e[i].narcs * sizeof(uint32_t);
		if (s->e[i].flags & OVR_HEAP_VALUE)
			b += s->e[i].vlen;
	}
	return b;
}

/* ---- the merged view ---- */

static void walk_value(const struct agent_view *v, size_t i, struct agent_value *out)
{
	const struct snmprec_rec *r = &v->walk->rec[i];

	out->tag = r->tag;
	out->p = v->walk->vals ? v->walk->vals + r->val_off : out->scratch;
	out->len = r->val_len;
	if (r->tag == BER_TIMETICKS &&
	    oid_cmp(snmprec_oid(v->walk, i), r->narcs, sys_uptime, SYS_UPTIME_N) == 0) {
		struct ber_writer w;
		ber_writer_init(&w, out->scratch, sizeof out->scratch);
		ber_put_uint_content(&w, v->uptime_cs);
		out->p = out->scratch;
		out->len = w.len;
	}
}

static void ovr_to_value(const struct ovr *o, struct agent_value *out)
{
	out->tag = o->tag;
	out->p = ovr_value(o);
	out->len = o->vlen;
}

int view_get(const struct agent_view *v, const uint32_t *arcs, size_t n, struct agent_value *out)
{
	const struct ovr_set *s = v->ovr;
	size_t i = ovr_lower_bound(s, arcs, n);
	long wi;

	if (s && i < s->n && oid_cmp(s->e[i].arcs, s->e[i].narcs, arcs, n) == 0) {
		if (s->e[i].flags & OVR_HIDDEN)
			return 0;
		ovr_to_value(&s->e[i], out);
		return 1;
	}
	wi = snmprec_find(v->walk, arcs, n);
	if (wi < 0)
		return 0;
	walk_value(v, (size_t)wi, out);
	return 1;
}

int view_next(const struct agent_view *v, const uint32_t *arcs, size_t n, const uint32_t **oarcs,
	      size_t *on, struct agent_value *out)
{
	const struct snmprec_walk *w = v->walk;
	const struct ovr_set *s = v->ovr;
	const uint32_t *cur = arcs;
	size_t curn = n;

	for (;;) {
		size_t bi = snmprec_next(w, cur, curn);
		size_t oi = ovr_lower_bound(s, cur, curn);
		int c;

		if (s && oi < s->n && oid_cmp(s->e[oi].arcs, s->e[oi].narcs, cur, curn) == 0)
			oi++;
		if (bi >= w->n && (!s || oi >= s->n))
			return 0;
		if (!s || oi >= s->n)
			c = -1;
		else if (bi >= w->n)
			c = 1;
		else
			c = oid_cmp(snmprec_oid(w, bi), w->rec[bi].narcs, s->e[oi].arcs, s->e[oi].narcs);
		if (c < 0) {
			*oarcs = snmprec_oid(w, bi);
			*on = w->rec[bi].narcs;
			walk_value(v, bi, out);
			return 1;
		}
		/* the override comes first (or replaces the walk's row) */
		if (s->e[oi].flags & OVR_HIDDEN) {
			cur = s->e[oi].arcs;
			curn = s->e[oi].narcs;
			continue;
		}
		*oarcs = s->e[oi].arcs;
		*on = s->e[oi].narcs;
		ovr_to_value(&s->e[oi], out);
		return 1;
	}
}

int agent_walk_uptime(const struct snmprec_walk *w, uint32_t *cs)
{
	long i = snmprec_find(w, sys_uptime, SYS_UPTIME_N);
	struct ber_tlv t;
	uint64_t v;

	if (i < 0 || w->rec[i].tag != BER_TIMETICKS)
		return 0;
	t.tag = BER_TIMETICKS;
	t.p = w->vals + w->rec[i].val_off;
	t.len = w->rec[i].val_len;
	if (ber_uint_value(&t, &v) != 0 || v > UINT32_MAX)
		return 0;
	*cs = (uint32_t)v;
	return 1;
}
