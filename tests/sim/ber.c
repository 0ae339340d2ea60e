/*
 * ber.c — the simulator's BER codec: bounded TLV reading, SNMP v1/v2c message decoding and
 * forward encoding with precomputed sizes. See ber.h for the rules it enforces.
 */
#include "ber.h"

#include <string.h>

/* ---- reading ---- */

void ber_reader_init(struct ber_reader *r, const uint8_t *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
}

int ber_read_tlv(struct ber_reader *r, struct ber_tlv *out)
{
	size_t left = r->len - r->off, need = 2, clen;
	const uint8_t *p = r->p + r->off;

	if (left < 2)
		return -1;
	if ((p[0] & 0x1f) == 0x1f)
		return -1; /* multi-octet tag: never used by SNMP */
	if (p[1] < 0x80) {
		clen = p[1];
	} else {
		size_t n = p[1] & 0x7f, i;
		if (n == 0 || n > 4)
			return -1; /* indefinite length, or absurd */
		if (left < 2 + n)
			return -1;
		clen = 0;
		for (i = 0; i < n; i++)
			clen = (clen << 8) | p[2 + i];
		need += n;
	}
	if (clen > left - need)
		return -1;
	out->tag = p[0];
	out->p = p + need;
	out->len = clen;
	r->off += need + clen;
	return 0;
}

int ber_int_value(const struct ber_tlv *t, int64_t *out)
{
	uint64_t v;
	size_t i;

	if (t->len < 1 || t->len > 8)
		return -1;
	v = (t->p[0] & 0x80) ? UINT64_MAX : 0;
	for (i = 0; i < t->len; i++)
		v = (v << 8) | t->p[i];
	*out = (int64_t)v;
	return 0;
}

int ber_uint_value(const struct ber_tlv *t, uint64_t *out)
{
	const uint8_t *p = t->p;
	size_t len = t->len, i;
	uint64_t v = 0;

	if (len < 1)
		return -1;
	if (p[0] & 0x80)
		return -1; /* negative */
	if (len == 9) {
		if (p[0] != 0)
			return -1;
		p++;
		len--;
	}
	if (len > 8)
		return -1;
	for (i = 0; i < len; i++)
		v = (v << 8) | p[i];
	*out = v;
	return 0;
}

int ber_oid_decode(const uint8_t *p, size_t len, struct ber_oid *out)
{
	size_t i = 0;
	int first = 1;

	out->n = 0;
	if (len == 0)
		return -1;
	while (i < len) {
		uint64_t v = 0;
		if (p[i] == 0x80)
			return -1; /* non-minimal sub-identifier */
		for (;;) {
			if (i >= len)
				return -1; /* last octet still says "more" */
			v = (v << 7) | (p[i] & 0x7f);
			if (v > UINT32_MAX)
				return -1;
			if (!(p[i++] & 0x80))
				break;
		}
		if (first) {
			first = 0;
			if (out->n + 2 > BER_MAX_ARCS)
				return -1;
			if (v < 40) {
				out->arc[0] = 0;
				out->arc[1] = (uint32_t)v;
			} else if (v < 80) {
				out->arc[0] = 1;
				out->arc[1] = (uint32_t)(v - 40);
			} else {
				out->arc[0] = 2;
				out->arc[1] = (uint32_t)(v - 80);
			}
			out->n = 2;
		} else {
			if (out->n >= BER_MAX_ARCS)
				return -1;
			out->arc[out->n++] = (uint32_t)v;
		}
	}
	return 0;
}

/* read_int32: the next TLV must be an INTEGER that fits in 32 bits signed. */
static int read_int32(struct ber_reader *r, int32_t *out)
{
	struct ber_tlv t;
	int64_t v;

	if (ber_read_tlv(r, &t) != 0 || t.tag != BER_INTEGER || ber_int_value(&t, &v) != 0)
		return -1;
	if (v < INT32_MIN || v > INT32_MAX)
		return -1;
	*out = (int32_t)v;
	return 0;
}

int snmp_msg_decode(const uint8_t *buf, size_t len, struct snmp_msg *m)
{
	struct ber_reader top, msg, pdu, vbl;
	struct ber_tlv t, comm, vbt;
	int32_t version;

	memset(m, 0, offsetof(struct snmp_msg, vb));
	ber_reader_init(&top, buf, len);
	if (ber_read_tlv(&top, &t) != 0 || t.tag != BER_SEQUENCE || top.off != len)
		return BER_EMALFORMED;
	ber_reader_init(&msg, t.p, t.len);
	if (read_int32(&msg, &version) != 0)
		return BER_EMALFORMED;
	if (version != SNMP_V1 && version != SNMP_V2C)
		return BER_EVERSION; /* v3 and beyond: a different message layout */
	if (ber_read_tlv(&msg, &comm) != 0 || comm.tag != BER_OCTETS)
		return BER_EMALFORMED;
	m->version = version;
	m->community = comm.p;
	m->community_len = comm.len;
	if (ber_read_tlv(&msg, &t) != 0 || msg.off != msg.len)
		return BER_EMALFORMED;
	if (t.tag < SNMP_PDU_GET || t.tag > SNMP_PDU_REPORT)
		return BER_EMALFORMED;
	m->pdu = t.tag;
	ber_reader_init(&pdu, t.p, t.len);
	if (read_int32(&pdu, &m->request_id) != 0 || read_int32(&pdu, &m->err_status) != 0 ||
	    read_int32(&pdu, &m->err_index) != 0)
		return BER_EMALFORMED;
	if (ber_read_tlv(&pdu, &t) != 0 || t.tag != BER_SEQUENCE || pdu.off != pdu.len)
		return BER_EMALFORMED;
	ber_reader_init(&vbl, t.p, t.len);
	while (vbl.off < vbl.len) {
		struct ber_reader vb;
		struct ber_tlv oid, val;
		struct ber_oid scratch;

		if (ber_read_tlv(&vbl, &vbt) != 0 || vbt.tag != BER_SEQUENCE)
			return BER_EMALFORMED;
		ber_reader_init(&vb, vbt.p, vbt.len);
		if (ber_read_tlv(&vb, &oid) != 0 || oid.tag != BER_OID ||
		    ber_oid_decode(oid.p, oid.len, &scratch) != 0)
			return BER_EMALFORMED;
		if (ber_read_tlv(&vb, &val) != 0 || vb.off != vb.len)
			return BER_EMALFORMED;
		if (m->nvb < BER_MAX_VARBINDS) {
			m->vb[m->nvb].oid = oid.p;
			m->vb[m->nvb].oid_len = oid.len;
			m->vb[m->nvb].value = val;
			m->nvb++;
		} else {
			m->too_many = 1;
		}
	}
	if (m->version == SNMP_V1 && (m->pdu == SNMP_PDU_GETBULK || m->pdu == SNMP_PDU_INFORM ||
				      m->pdu == SNMP_PDU_TRAP2 || m->pdu == SNMP_PDU_REPORT))
		return BER_EPDU; /* not v1 PDUs: RFC 3584 says drop */
	if (m->version == SNMP_V2C && m->pdu == SNMP_PDU_TRAP)
		return BER_EPDU;
	return BER_OK;
}

/* ---- sizes ---- */

size_t ber_tl_size(size_t len)
{
	if (len < 0x80)
		return 2;
	if (len <= 0xff)
		return 3;
	if (len <= 0xffff)
		return 4;
	if (len <= 0xffffff)
		return 5;
	return 6;
}

size_t ber_int_size(int64_t v)
{
	size_t n = 1;

	while (n < 8) {
		int64_t lo = -((int64_t)1 << (8 * n - 1)), hi = ((int64_t)1 << (8 * n - 1)) - 1;
		if (v >= lo && v <= hi)
			break;
		n++;
	}
	return n;
}

size_t ber_uint_size(uint64_t v)
{
	size_t n = 1;

	/* N octets hold up to 2^(8N-1)-1 without looking negative; 9 octets hold any 64-bit value */
	while (n < 9 && (v >> (8 * n - 1)) != 0)
		n++;
	return n;
}

static size_t subid_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

/* first_subid: the combined first sub-identifier, or UINT64_MAX when not encodable. */
static uint64_t first_subid(const uint32_t *arcs, size_t n)
{
	uint64_t a0 = arcs[0], a1 = n > 1 ? arcs[1] : 0;

	if (a0 > 2 || (a0 < 2 && a1 >= 40))
		return UINT64_MAX;
	if (a0 * 40 + a1 > UINT32_MAX)
		return UINT64_MAX;
	return a0 * 40 + a1;
}

size_t ber_oid_size(const uint32_t *arcs, size_t n)
{
	uint64_t f;
	size_t len, i;

	if (n < 1 || n > BER_MAX_ARCS)
		return 0;
	f = first_subid(arcs, n);
	if (f == UINT64_MAX)
		return 0;
	len = subid_size(f);
	for (i = 2; i < n; i++)
		len += subid_size(arcs[i]);
	return len;
}

size_t snmp_varbind_size(size_t oid_len, size_t value_len)
{
	size_t inner = ber_tl_size(oid_len) + oid_len + ber_tl_size(value_len) + value_len;

	return ber_tl_size(inner) + inner;
}

static size_t pdu_content_size(int32_t request_id, int32_t err_status, int32_t err_index,
			       size_t vbl_len)
{
	return 2 + ber_int_size(request_id) + 2 + ber_int_size(err_status) + 2 +
	       ber_int_size(err_index) + ber_tl_size(vbl_len) + vbl_len;
}

size_t snmp_message_size(size_t community_len, int32_t request_id, int32_t err_status,
			 int32_t err_index, size_t vbl_len)
{
	size_t pdu = pdu_content_size(request_id, err_status, err_index, vbl_len);
	size_t msg = 3 /* version */ + ber_tl_size(community_len) + community_len +
		     ber_tl_size(pdu) + pdu;

	return ber_tl_size(msg) + msg;
}

/* ---- writing ---- */

void ber_writer_init(struct ber_writer *w, uint8_t *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->overflow = 0;
}

void ber_put_bytes(struct ber_writer *w, const void *p, size_t len)
{
	if (w->overflow || len > w->cap - w->len) {
		w->overflow = 1;
		return;
	}
	if (len)
		memcpy(w->buf + w->len, p, len);
	w->len += len;
}

void ber_put_tl(struct ber_writer *w, uint8_t tag, size_t len)
{
	uint8_t b[6];
	size_t n = ber_tl_size(len), i;

	b[0] = tag;
	if (n == 2) {
		b[1] = (uint8_t)len;
	} else {
		b[1] = (uint8_t)(0x80 | (n - 2));
		for (i = 0; i < n - 2; i++)
			b[n - 1 - i] = (uint8_t)(len >> (8 * i));
	}
	ber_put_bytes(w, b, n);
}

void ber_put_int_content(struct ber_writer *w, int64_t v)
{
	uint8_t b[8];
	size_t n = ber_int_size(v), i;

	for (i = 0; i < n; i++)
		b[n - 1 - i] = (uint8_t)((uint64_t)v >> (8 * i));
	ber_put_bytes(w, b, n);
}

void ber_put_uint_content(struct ber_writer *w, uint64_t v)
{
	uint8_t b[9];
	size_t n = ber_uint_size(v), i;

	for (i = 0; i < n; i++)
		b[n - 1 - i] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
	ber_put_bytes(w, b, n);
}

void ber_put_int(struct ber_writer *w, uint8_t tag, int64_t v)
{
	ber_put_tl(w, tag, ber_int_size(v));
	ber_put_int_content(w, v);
}

void ber_put_uint(struct ber_writer *w, uint8_t tag, uint64_t v)
{
	ber_put_tl(w, tag, ber_uint_size(v));
	ber_put_uint_content(w, v);
}

static void put_subid(struct ber_writer *w, uint64_t v)
{
	uint8_t b[10];
	size_t n = subid_size(v), i;

	for (i = 0; i < n; i++) {
		b[n - 1 - i] = (uint8_t)(v & 0x7f) | (i ? 0x80 : 0);
		v >>= 7;
	}
	ber_put_bytes(w, b, n);
}

void ber_put_oid_content(struct ber_writer *w, const uint32_t *arcs, size_t n)
{
	uint64_t f;
	size_t i;

	if (n < 1 || n > BER_MAX_ARCS || (f = first_subid(arcs, n)) == UINT64_MAX) {
		w->overflow = 1; /* not encodable: callers check ber_oid_size first */
		return;
	}
	put_subid(w, f);
	for (i = 2; i < n; i++)
		put_subid(w, arcs[i]);
}

void snmp_varbind_put(struct ber_writer *w, const uint8_t *oid, size_t oid_len, uint8_t tag,
		      const uint8_t *value, size_t value_len)
{
	size_t inner = ber_tl_size(oid_len) + oid_len + ber_tl_size(value_len) + value_len;

	ber_put_tl(w, BER_SEQUENCE, inner);
	ber_put_tl(w, BER_OID, oid_len);
	ber_put_bytes(w, oid, oid_len);
	ber_put_tl(w, tag, value_len);
	ber_put_bytes(w, value, value_len);
}

void snmp_message_header_put(struct ber_writer *w, int version, const uint8_t *community,
			     size_t community_len, uint8_t pdu, int32_t request_id,
			     int32_t err_status, int32_t err_index, size_t vbl_len)
{
	size_t pdu_len = pdu_content_size(request_id, err_status, err_index, vbl_len);
	size_t msg_len = 3 + ber_tl_size(community_len) + community_len + ber_tl_size(pdu_len) +
			 pdu_len;

	ber_put_tl(w, BER_SEQUENCE, msg_len);
	ber_put_int(w, BER_INTEGER, version);
	ber_put_tl(w, BER_OCTETS, community_len);
	ber_put_bytes(w, community, community_len);
	ber_put_tl(w, pdu, pdu_len);
	ber_put_int(w, BER_INTEGER, request_id);
	ber_put_int(w, BER_INTEGER, err_status);
	ber_put_int(w, BER_INTEGER, err_index);
	ber_put_tl(w, BER_SEQUENCE, vbl_len);
}

void snmp_message_put(struct ber_writer *w, int version, const uint8_t *community,
		      size_t community_len, uint8_t pdu, int32_t request_id, int32_t err_status,
		      int32_t err_index, const uint8_t *vbl, size_t vbl_len)
{
	snmp_message_header_put(w, version, community, community_len, pdu, request_id, err_status,
				err_index, vbl_len);
	ber_put_bytes(w, vbl, vbl_len);
}
