/*
 * agent.c — SNMP v1/v2c request handling over a device view, and broken answers on demand.
 *
 * The response is built in OUT: the varbind list first, at an offset that leaves room for the
 * largest possible header, then the header in front of it once the list's length is known.
 * Every varbind's size is known before it is written, so GETBULK stops adding repetitions
 * exactly when the next one would not fit in LIM->max_size, as real agents do.
 */
#include "agent.h"

#include <string.h>

#define OID_MAX_OCTETS (BER_MAX_ARCS * 5)

uint32_t sim_rand(uint32_t *state)
{
	uint32_t x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* header_reserve: an upper bound of the message header's octets for this community. */
static size_t header_reserve(size_t community_len)
{
	/* SEQ tl 6 + version 3 + community tl 6 + PDU tl 6 + 3 INTEGERs of 6 + vbl tl 6 */
	return 6 + 3 + 6 + community_len + 6 + 18 + 6;
}

struct resp {
	const struct snmp_msg *m;
	uint8_t *out;
	size_t cap;
	size_t max_size;
	struct ber_writer vbl; /* the varbind list, written at out + reserve */
	size_t reserve;
};

static int resp_init(struct resp *r, const struct snmp_msg *m, uint8_t *out, size_t cap,
		     size_t max_size)
{
	r->m = m;
	r->out = out;
	r->cap = cap;
	r->max_size = max_size < cap ? max_size : cap;
	r->reserve = header_reserve(m->community_len);
	if (r->reserve >= r->max_size || r->reserve >= cap)
		return -1;
	/* the list may use up to max_size octets of OUT past the reserve; resp_fits has the
	 * exact say on whether the whole message fits */
	ber_writer_init(&r->vbl, out + r->reserve,
			cap - r->reserve < r->max_size ? cap - r->reserve : r->max_size);
	return 0;
}

/* resp_fits: would the message still fit with ADD more octets of varbinds? */
static int resp_fits(const struct resp *r, size_t add, int32_t err_status, int32_t err_index)
{
	return snmp_message_size(r->m->community_len, r->m->request_id, err_status, err_index,
				 r->vbl.len + add) <= r->max_size;
}

/* resp_finish: put the header in front of the list. Returns the message length or 0. */
static size_t resp_finish(struct resp *r, int32_t err_status, int32_t err_index)
{
	size_t total = snmp_message_size(r->m->community_len, r->m->request_id, err_status,
					 err_index, r->vbl.len);
	struct ber_writer w;
	size_t hdr;

	if (r->vbl.overflow || total > r->max_size)
		return 0;
	hdr = total - r->vbl.len;
	if (hdr > r->reserve)
		return 0;
	memmove(r->out + hdr, r->out + r->reserve, r->vbl.len);
	ber_writer_init(&w, r->out, hdr);
	snmp_message_header_put(&w, r->m->version, r->m->community, r->m->community_len,
				SNMP_PDU_RESPONSE, r->m->request_id, err_status, err_index,
				r->vbl.len);
	if (w.overflow || w.len != hdr)
		return 0;
	return total;
}

static void put_vb(struct resp *r, const uint8_t *oid, size_t oid_len, uint8_t tag,
		   const uint8_t *val, size_t vlen)
{
	snmp_varbind_put(&r->vbl, oid, oid_len, tag, val, vlen);
}

/* encode_oid: ARCS into BUF (OID_MAX_OCTETS). Returns octets (0: not encodable). */
static size_t encode_oid(const uint32_t *arcs, size_t n, uint8_t *buf)
{
	struct ber_writer w;

	ber_writer_init(&w, buf, OID_MAX_OCTETS);
	ber_put_oid_content(&w, arcs, n);
	return w.overflow ? 0 : w.len;
}

/* echo_request: the request's varbinds as they came (v1 errors, SET refusals). */
static void echo_request(struct resp *r)
{
	size_t i;

	for (i = 0; i < r->m->nvb; i++) {
		const struct snmp_varbind *vb = &r->m->vb[i];
		put_vb(r, vb->oid, vb->oid_len, vb->value.tag, vb->value.p, vb->value.len);
	}
}

static size_t error_response(struct resp *r, int32_t status, int32_t index, int echo)
{
	r->vbl.len = 0;
	r->vbl.overflow = 0;
	if (echo) {
		echo_request(r);
		if (r->vbl.overflow || !resp_fits(r, 0, status, index)) {
			r->vbl.len = 0;
			r->vbl.overflow = 0;
		}
	}
	return resp_finish(r, status, index);
}

/* too_big: RFC 3416 (v2c): empty list; RFC 1157 (v1): the request's list when it fits. */
static size_t too_big(struct resp *r, unsigned *flags)
{
	*flags |= AGENT_TOOBIG;
	return error_response(r, SNMP_ERR_TOOBIG, 0, r->m->version == SNMP_V1);
}

/* next_visible: view_next, skipping Counter64 for v1 (RFC 2576 §4.2.2.1). */
static int next_visible(const struct agent_view *v, int version, const uint32_t *arcs, size_t n,
			const uint32_t **oarcs, size_t *on, struct agent_value *val)
{
	while (view_next(v, arcs, n, oarcs, on, val)) {
		if (!(version == SNMP_V1 && val->tag == BER_COUNTER64))
			return 1;
		arcs = *oarcs;
		n = *on;
	}
	return 0;
}

/* has_object: for noSuchObject vs noSuchInstance — does anything live under the parent? */
static int has_object(const struct agent_view *v, const uint32_t *arcs, size_t n)
{
	const uint32_t *na;
	size_t nn;
	struct agent_value val;

	if (n < 2)
		return 0;
	n--;
	if (view_get(v, arcs, n, &val))
		return 1;
	if (!view_next(v, arcs, n, &na, &nn, &val))
		return 0;
	return nn > n && oid_cmp(na, n, arcs, n) == 0;
}

static size_t do_get(struct resp *r, const struct agent_view *v, unsigned *flags)
{
	const struct snmp_msg *m = r->m;
	struct ber_oid oid;
	struct agent_value val;
	size_t i;

	for (i = 0; i < m->nvb; i++) {
		const struct snmp_varbind *vb = &m->vb[i];
		int found;

		if (ber_oid_decode(vb->oid, vb->oid_len, &oid) != 0)
			return error_response(r, SNMP_ERR_GENERR, (int32_t)i + 1, 1);
		found = view_get(v, oid.arc, oid.n, &val);
		if (found && m->version == SNMP_V1 && val.tag == BER_COUNTER64)
			found = 0;
		if (!found) {
			if (m->version == SNMP_V1)
				return error_response(r, SNMP_ERR_NOSUCHNAME, (int32_t)i + 1, 1);
			val.tag = has_object(v, oid.arc, oid.n) ? BER_NOSUCHINSTANCE : BER_NOSUCHOBJECT;
			val.p = NULL;
			val.len = 0;
		}
		put_vb(r, vb->oid, vb->oid_len, val.tag, val.p, val.len);
		if (r->vbl.overflow)
			return too_big(r, flags);
	}
	if (!resp_fits(r, 0, 0, 0))
		return too_big(r, flags);
	return resp_finish(r, 0, 0);
}

static size_t do_getnext(struct resp *r, const struct agent_view *v, unsigned *flags)
{
	const struct snmp_msg *m = r->m;
	struct ber_oid oid;
	struct agent_value val;
	uint8_t enc[OID_MAX_OCTETS];
	size_t i;

	for (i = 0; i < m->nvb; i++) {
		const struct snmp_varbind *vb = &m->vb[i];
		const uint32_t *na;
		size_t nn, elen;

		if (ber_oid_decode(vb->oid, vb->oid_len, &oid) != 0)
			return error_response(r, SNMP_ERR_GENERR, (int32_t)i + 1, 1);
		if (!next_visible(v, m->version, oid.arc, oid.n, &na, &nn, &val)) {
			if (m->version == SNMP_V1)
				return error_response(r, SNMP_ERR_NOSUCHNAME, (int32_t)i + 1, 1);
			put_vb(r, vb->oid, vb->oid_len, BER_ENDOFMIBVIEW, NULL, 0);
		} else {
			elen = encode_oid(na, nn, enc);
			if (elen == 0)
				return error_response(r, SNMP_ERR_GENERR, (int32_t)i + 1, 1);
			put_vb(r, enc, elen, val.tag, val.p, val.len);
		}
		if (r->vbl.overflow)
			return too_big(r, flags);
	}
	if (!resp_fits(r, 0, 0, 0))
		return too_big(r, flags);
	return resp_finish(r, 0, 0);
}

/* try_put: add one varbind if the message still fits; 0 when it did not. */
static int try_put(struct resp *r, const uint8_t *oid, size_t oid_len, const struct agent_value *val)
{
	size_t add = snmp_varbind_size(oid_len, val->len);

	if (!resp_fits(r, add, 0, 0) || add > r->vbl.cap - r->vbl.len)
		return 0;
	put_vb(r, oid, oid_len, val->tag, val->p, val->len);
	return !r->vbl.overflow;
}

static size_t do_getbulk(struct resp *r, const struct agent_view *v,
			 const struct agent_limits *lim, unsigned *flags)
{
	const struct snmp_msg *m = r->m;
	size_t nonrep = m->err_status < 0 ? 0 : (size_t)m->err_status;
	size_t maxrep = m->err_index < 0 ? 0 : (size_t)m->err_index;
	struct {
		const uint32_t *arcs; /* NULL: still at the requested OID */
		size_t n;
		int end;
	} cur[BER_MAX_VARBINDS];
	struct ber_oid oid;
	struct agent_value val;
	uint8_t enc[OID_MAX_OCTETS];
	size_t i, rep, nrep, elen;

	if (nonrep > m->nvb)
		nonrep = m->nvb;
	if (maxrep > lim->max_repetitions)
		maxrep = lim->max_repetitions;
	nrep = m->nvb - nonrep;
	/* non-repeaters: one GETNEXT each; they must all fit */
	for (i = 0; i < nonrep; i++) {
		const struct snmp_varbind *vb = &m->vb[i];
		const uint32_t *na;
		size_t nn;
		if (ber_oid_decode(vb->oid, vb->oid_len, &oid) != 0)
			return error_response(r, SNMP_ERR_GENERR, (int32_t)i + 1, 1);
		if (!next_visible(v, m->version, oid.arc, oid.n, &na, &nn, &val)) {
			val.tag = BER_ENDOFMIBVIEW;
			val.len = 0;
			val.p = NULL;
			if (!try_put(r, vb->oid, vb->oid_len, &val))
				return too_big(r, flags);
			continue;
		}
		elen = encode_oid(na, nn, enc);
		if (elen == 0 || !try_put(r, enc, elen, &val))
			return elen ? too_big(r, flags) : error_response(r, SNMP_ERR_GENERR, (int32_t)i + 1, 1);
	}
	for (i = 0; i < nrep; i++) {
		cur[i].arcs = NULL;
		cur[i].n = 0;
		cur[i].end = 0;
	}
	for (rep = 0; rep < maxrep && nrep > 0; rep++) {
		size_t ended = 0;
		for (i = 0; i < nrep; i++) {
			const struct snmp_varbind *vb = &m->vb[nonrep + i];
			const uint32_t *arcs, *na;
			size_t n, nn;
			int ok;

			if (cur[i].arcs) {
				arcs = cur[i].arcs;
				n = cur[i].n;
			} else {
				if (ber_oid_decode(vb->oid, vb->oid_len, &oid) != 0)
					return error_response(r, SNMP_ERR_GENERR, (int32_t)(nonrep + i) + 1, 1);
				arcs = oid.arc;
				n = oid.n;
			}
			if (cur[i].end || !next_visible(v, m->version, arcs, n, &na, &nn, &val)) {
				/* endOfMibView, named by the last OID reached */
				cur[i].end = 1;
				ended++;
				val.tag = BER_ENDOFMIBVIEW;
				val.p = NULL;
				val.len = 0;
				if (cur[i].arcs) {
					elen = encode_oid(cur[i].arcs, cur[i].n, enc);
					ok = elen && try_put(r, enc, elen, &val);
				} else {
					ok = try_put(r, vb->oid, vb->oid_len, &val);
				}
			} else {
				cur[i].arcs = na;
				cur[i].n = nn;
				elen = encode_oid(na, nn, enc);
				ok = elen && try_put(r, enc, elen, &val);
			}
			if (!ok) {
				if (r->vbl.len == 0)
					return too_big(r, flags);
				*flags |= AGENT_TRIMMED;
				return resp_finish(r, 0, 0);
			}
		}
		if (ended == nrep)
			break; /* every repeater is at the end: more rows would say the same */
	}
	return resp_finish(r, 0, 0);
}

int agent_respond(const struct snmp_msg *m, const struct agent_view *v,
		  const struct agent_limits *lim, uint8_t *out, size_t cap, size_t *outlen,
		  unsigned *flags)
{
	struct resp r;
	size_t len;

	*flags = 0;
	*outlen = 0;
	if (resp_init(&r, m, out, cap, lim->max_size) != 0)
		return -1;
	if (m->too_many) {
		len = too_big(&r, flags);
		goto done;
	}
	switch (m->pdu) {
	case SNMP_PDU_GET:
		len = do_get(&r, v, flags);
		break;
	case SNMP_PDU_GETNEXT:
		len = do_getnext(&r, v, flags);
		break;
	case SNMP_PDU_GETBULK:
		if (m->version == SNMP_V1)
			return -1;
		len = do_getbulk(&r, v, lim, flags);
		break;
	case SNMP_PDU_SET:
		len = error_response(&r, m->version == SNMP_V1 ? SNMP_ERR_READONLY : SNMP_ERR_NOACCESS,
				     m->nvb ? 1 : 0, 1);
		break;
	default:
		return -1;
	}
done:
	if (len == 0)
		return -1;
	*outlen = len;
	return 0;
}

/* ---- garbage ---- */

static const char *const garbage_names[GARBAGE_NMODES] = {
	"off", "random", "truncated", "wrongid", "badber", "badvalue", "on",
};

const char *garbage_mode_name(int mode)
{
	return mode >= 0 && mode < GARBAGE_NMODES ? garbage_names[mode] : "?";
}

int garbage_mode_parse(const char *s)
{
	int i;

	for (i = 0; i < GARBAGE_NMODES; i++) {
		if (strcmp(s, garbage_names[i]) == 0)
			return i;
	}
	return -1;
}

int agent_garbage(const struct snmp_msg *m, const struct agent_view *v,
		  const struct agent_limits *lim, int mode, uint32_t *rng, uint8_t *out,
		  size_t cap, size_t *outlen)
{
	struct ber_writer w;
	unsigned flags;
	size_t i, n;

	if (mode == GARBAGE_CYCLE)
		mode = GARBAGE_RANDOM + (int)(sim_rand(rng) % (GARBAGE_BADVALUE - GARBAGE_RANDOM + 1));
	switch (mode) {
	case GARBAGE_TRUNCATED:
		if (agent_respond(m, v, lim, out, cap, outlen, &flags) != 0 || *outlen < 2)
			break;
		*outlen /= 2;
		return 0;
	case GARBAGE_WRONGID: {
		/* the same answer, to a request nobody sent: only the id differs */
		static struct snmp_msg other;
		other = *m;
		other.request_id = m->request_id ^ 0x5a5a5a5a;
		if (agent_respond(&other, v, lim, out, cap, outlen, &flags) != 0)
			break;
		return 0;
	}
	case GARBAGE_BADBER: {
		static const uint8_t vbl[] = {0x30, 0x7f, 0x06, 0x03, 0x2b, 0x06, 0x01};
		ber_writer_init(&w, out, cap);
		snmp_message_put(&w, m->version, m->community, m->community_len, SNMP_PDU_RESPONSE,
				 m->request_id, 0, 0, vbl, sizeof vbl);
		if (w.overflow)
			break;
		*outlen = w.len;
		return 0;
	}
	case GARBAGE_BADVALUE: {
		uint8_t vbl[64];
		struct ber_writer lw;
		static const uint8_t big[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
		const uint8_t *oid = m->nvb ? m->vb[0].oid : (const uint8_t *)"\x2b\x06\x01";
		size_t oid_len = m->nvb ? m->vb[0].oid_len : 3;
		if (oid_len > 40)
			oid_len = 40;
		ber_writer_init(&lw, vbl, sizeof vbl);
		snmp_varbind_put(&lw, oid, oid_len, BER_INTEGER, big, sizeof big);
		ber_writer_init(&w, out, cap);
		snmp_message_put(&w, m->version, m->community, m->community_len, SNMP_PDU_RESPONSE,
				 m->request_id, 0, 0, vbl, lw.len);
		if (lw.overflow || w.overflow)
			break;
		*outlen = w.len;
		return 0;
	}
	default:
		break;
	}
	/* GARBAGE_RANDOM, and the fallback for the others */
	n = 1 + sim_rand(rng) % 300;
	if (n > cap)
		n = cap;
	for (i = 0; i < n; i++)
		out[i] = (uint8_t)sim_rand(rng);
	*outlen = n;
	return 0;
}
