/*
 * ber — a small, bounded BER codec for SNMP v1/v2c messages (test code: the device simulator).
 *
 * Reading never trusts a length: every TLV must fit inside its parent, lengths are definite
 * (at most 4 length octets), tags are single-octet, OID sub-identifiers fit in 32 bits and an
 * OID has at most BER_MAX_ARCS arcs. A decoded message points into the caller's buffer (no
 * allocation); it is valid only as long as that buffer is.
 *
 * Writing is forward into a caller-owned buffer with a capacity; any write past it sets the
 * writer's overflow flag instead of writing, so callers check once at the end. Sizes can be
 * computed before writing (ber_tl_size, snmp_varbind_size, snmp_message_size), which is what
 * lets the agent trim a GETBULK response to fit a datagram.
 */
#ifndef SIM_BER_H
#define SIM_BER_H

#include <stddef.h>
#include <stdint.h>

#define BER_MAX_ARCS 128      /* RFC 2578: at most 128 sub-identifiers */
#define BER_MAX_VARBINDS 256  /* more in one request: answered with tooBig */

enum ber_tag {
	BER_INTEGER = 0x02,
	BER_OCTETS = 0x04,
	BER_NULL = 0x05,
	BER_OID = 0x06,
	BER_SEQUENCE = 0x30,
	BER_IPADDRESS = 0x40,
	BER_COUNTER32 = 0x41,
	BER_GAUGE32 = 0x42,
	BER_TIMETICKS = 0x43,
	BER_OPAQUE = 0x44,
	BER_COUNTER64 = 0x46,
	BER_NOSUCHOBJECT = 0x80,
	BER_NOSUCHINSTANCE = 0x81,
	BER_ENDOFMIBVIEW = 0x82,
};

enum snmp_pdu_type {
	SNMP_PDU_GET = 0xa0,
	SNMP_PDU_GETNEXT = 0xa1,
	SNMP_PDU_RESPONSE = 0xa2,
	SNMP_PDU_SET = 0xa3,
	SNMP_PDU_TRAP = 0xa4,
	SNMP_PDU_GETBULK = 0xa5,
	SNMP_PDU_INFORM = 0xa6,
	SNMP_PDU_TRAP2 = 0xa7,
	SNMP_PDU_REPORT = 0xa8,
};

enum snmp_version { SNMP_V1 = 0, SNMP_V2C = 1 };

enum snmp_error_status {
	SNMP_ERR_NOERROR = 0,
	SNMP_ERR_TOOBIG = 1,
	SNMP_ERR_NOSUCHNAME = 2,
	SNMP_ERR_BADVALUE = 3,
	SNMP_ERR_READONLY = 4,
	SNMP_ERR_GENERR = 5,
	SNMP_ERR_NOACCESS = 6,
	SNMP_ERR_NOTWRITABLE = 17,
};

/* Why a message did not decode (negative), for the simulator's counters. */
enum ber_status {
	BER_OK = 0,
	BER_EMALFORMED = -1,    /* not BER, or lengths that do not add up */
	BER_EVERSION = -2,      /* well-formed, but not SNMP v1 or v2c (e.g. v3) */
	BER_EPDU = -3,          /* a PDU type an agent does not answer (Response, Trap, Report) */
};

struct ber_oid {
	uint32_t n;
	uint32_t arc[BER_MAX_ARCS];
};

struct ber_tlv {
	uint8_t tag;
	const uint8_t *p; /* content octets */
	size_t len;
};

struct ber_reader {
	const uint8_t *p;
	size_t len;
	size_t off;
};

struct ber_writer {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int overflow;
};

struct snmp_varbind {
	const uint8_t *oid; /* OID content octets (already checked to decode) */
	size_t oid_len;
	struct ber_tlv value;
};

/* A decoded request or response. For GETBULK, err_status is non-repeaters and err_index is
 * max-repetitions (both as received, possibly negative). */
struct snmp_msg {
	int version;
	const uint8_t *community;
	size_t community_len;
	uint8_t pdu;
	int32_t request_id;
	int32_t err_status;
	int32_t err_index;
	size_t nvb;
	int too_many; /* the request had more than BER_MAX_VARBINDS varbinds (only the first kept) */
	struct snmp_varbind vb[BER_MAX_VARBINDS];
};

/* ---- reading ---- */

/* ber_reader_init: a reader over LEN bytes at P. */
void ber_reader_init(struct ber_reader *r, const uint8_t *p, size_t len);

/* ber_read_tlv: the next TLV of R into OUT (content points into R's buffer).
 * Returns 0, or -1 when the bytes are not a single-octet-tag definite-length TLV that fits. */
int ber_read_tlv(struct ber_reader *r, struct ber_tlv *out);

/* ber_int_value: a signed INTEGER of 1..8 content octets. Returns 0 or -1. */
int ber_int_value(const struct ber_tlv *t, int64_t *out);

/* ber_uint_value: a non-negative integer (Counter32/Gauge32/TimeTicks/Counter64) of 1..9
 * content octets that fits in 64 bits unsigned. Returns 0 or -1. */
int ber_uint_value(const struct ber_tlv *t, uint64_t *out);

/* ber_oid_decode: OID content octets into OUT. Refuses empty, non-minimal sub-identifiers,
 * sub-identifiers over 32 bits and more than BER_MAX_ARCS arcs. Returns 0 or -1. */
int ber_oid_decode(const uint8_t *p, size_t len, struct ber_oid *out);

/* snmp_msg_decode: a whole SNMP v1/v2c message of LEN bytes, nothing after it.
 * Returns BER_OK or a negative enum ber_status; M is filled as far as it got. */
int snmp_msg_decode(const uint8_t *buf, size_t len, struct snmp_msg *m);

/* ---- sizes ---- */

/* ber_tl_size: octets of a tag and a definite length for LEN content octets. */
size_t ber_tl_size(size_t len);

/* ber_int_size: content octets of the minimal two's-complement encoding of V. */
size_t ber_int_size(int64_t v);

/* ber_uint_size: content octets of V as a non-negative INTEGER (a leading 0 when needed). */
size_t ber_uint_size(uint64_t v);

/* ber_oid_size: content octets of the OID ARCS[0..N) (N >= 1); 0 when it cannot be encoded
 * (first arc > 2, second arc >= 40 under 0 or 1, or the combined first sub-identifier over 32 bits). */
size_t ber_oid_size(const uint32_t *arcs, size_t n);

/* snmp_varbind_size: octets of SEQUENCE { OID, value } for the given content lengths. */
size_t snmp_varbind_size(size_t oid_len, size_t value_len);

/* snmp_message_size: octets of a whole message whose varbind list content is VBL_LEN octets. */
size_t snmp_message_size(size_t community_len, int32_t request_id, int32_t err_status,
			 int32_t err_index, size_t vbl_len);

/* ---- writing ---- */

void ber_writer_init(struct ber_writer *w, uint8_t *buf, size_t cap);
void ber_put_bytes(struct ber_writer *w, const void *p, size_t len);
void ber_put_tl(struct ber_writer *w, uint8_t tag, size_t len);
void ber_put_int(struct ber_writer *w, uint8_t tag, int64_t v);   /* tag + length + content */
void ber_put_uint(struct ber_writer *w, uint8_t tag, uint64_t v); /* tag + length + content */
void ber_put_int_content(struct ber_writer *w, int64_t v);
void ber_put_uint_content(struct ber_writer *w, uint64_t v);
void ber_put_oid_content(struct ber_writer *w, const uint32_t *arcs, size_t n);

/* snmp_varbind_put: SEQUENCE { OID(oid content), TAG(value content) }. */
void snmp_varbind_put(struct ber_writer *w, const uint8_t *oid, size_t oid_len, uint8_t tag,
		      const uint8_t *value, size_t value_len);

/* snmp_message_put: a whole message around the varbind list content VBL (VBL_LEN octets):
 * SEQUENCE { version, community, PDU { request-id, err_status, err_index, SEQUENCE { VBL } } }. */
void snmp_message_put(struct ber_writer *w, int version, const uint8_t *community,
		      size_t community_len, uint8_t pdu, int32_t request_id, int32_t err_status,
		      int32_t err_index, const uint8_t *vbl, size_t vbl_len);

/* snmp_message_header_put: the same message without the list's content (VBL_LEN octets follow). */
void snmp_message_header_put(struct ber_writer *w, int version, const uint8_t *community,
			     size_t community_len, uint8_t pdu, int32_t request_id,
			     int32_t err_status, int32_t err_index, size_t vbl_len);

#endif
