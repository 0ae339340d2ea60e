/* Tests of the simulator's BER codec: lengths are never trusted, OIDs are strict, sizes
 * computed in advance match what is written, and no prefix or mutation of a valid message
 * makes the decoder read out of bounds (ASan checks that in the asan build). */
#include "../unit/unit.h"

#include "ber.h"

#include <string.h>

/* Captured from net-snmp 5.9.3: snmpget -v2c -c public 127.0.0.1:PORT .1.3.6.1.2.1.1.5.0 */
static const uint8_t get_sysname[] = {
	0x30, 0x29, 0x02, 0x01, 0x01, 0x04, 0x06, 'p',  'u',  'b',  'l',  'i',  'c',  0xa0,
	0x1c, 0x02, 0x04, 0x2e, 0x29, 0xc9, 0x29, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30,
	0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x05,
	0x00,
};

static void tlv_lengths(void **state)
{
	struct ber_reader r;
	struct ber_tlv t;
	uint8_t longform[3 + 200];
	static const uint8_t indefinite[] = {0x30, 0x80, 0x00, 0x00};
	static const uint8_t overrun[] = {0x04, 0x05, 'a', 'b'};
	static const uint8_t hightag[] = {0x1f, 0x01, 0x00};
	static const uint8_t fivelen[] = {0x04, 0x85, 0, 0, 0, 0, 1, 'x'};
	static const uint8_t huge[] = {0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 'x'};

	(void)state;
	memset(longform, 'z', sizeof longform);
	longform[0] = 0x04;
	longform[1] = 0x81;
	longform[2] = 200;
	ber_reader_init(&r, longform, sizeof longform);
	assert_int_equal(ber_read_tlv(&r, &t), 0);
	assert_int_equal(t.len, 200);
	assert_ptr_equal(t.p, longform + 3);
	assert_int_equal(r.off, sizeof longform);
	assert_int_equal(ber_read_tlv(&r, &t), -1); /* nothing left */

	ber_reader_init(&r, indefinite, sizeof indefinite);
	assert_int_equal(ber_read_tlv(&r, &t), -1);
	ber_reader_init(&r, overrun, sizeof overrun);
	assert_int_equal(ber_read_tlv(&r, &t), -1);
	ber_reader_init(&r, hightag, sizeof hightag);
	assert_int_equal(ber_read_tlv(&r, &t), -1);
	ber_reader_init(&r, fivelen, sizeof fivelen);
	assert_int_equal(ber_read_tlv(&r, &t), -1);
	ber_reader_init(&r, huge, sizeof huge);
	assert_int_equal(ber_read_tlv(&r, &t), -1);
	ber_reader_init(&r, longform, 1);
	assert_int_equal(ber_read_tlv(&r, &t), -1);
}

static void integers(void **state)
{
	static const struct {
		uint8_t b[9];
		size_t len;
		int64_t want;
	} cases[] = {
		{{0x00}, 1, 0},
		{{0x7f}, 1, 127},
		{{0x80}, 1, -128},
		{{0x00, 0x80}, 2, 128},
		{{0xff, 0x7f}, 2, -129},
		{{0xff}, 1, -1},
		{{0x7f, 0xff, 0xff, 0xff}, 4, 2147483647},
		{{0x80, 0x00, 0x00, 0x00}, 4, -2147483648LL},
	};
	struct ber_tlv t = {BER_INTEGER, NULL, 0};
	uint8_t nine[9] = {0};
	int64_t v;
	uint64_t u;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t.p = cases[i].b;
		t.len = cases[i].len;
		assert_int_equal(ber_int_value(&t, &v), 0);
		assert_true(v == cases[i].want);
		assert_int_equal(ber_int_size(cases[i].want), cases[i].len);
	}
	t.len = 0;
	assert_int_equal(ber_int_value(&t, &v), -1);
	t.p = nine;
	t.len = 9;
	assert_int_equal(ber_int_value(&t, &v), -1);

	/* unsigned: a leading zero octet makes room for the top bit */
	memset(nine, 0xff, sizeof nine);
	nine[0] = 0;
	assert_int_equal(ber_uint_value(&t, &u), 0);
	assert_true(u == UINT64_MAX);
	nine[0] = 1;
	assert_int_equal(ber_uint_value(&t, &u), -1);
	t.p = cases[2].b; /* 0x80: negative */
	t.len = 1;
	assert_int_equal(ber_uint_value(&t, &u), -1);
	assert_int_equal(ber_uint_size(0), 1);
	assert_int_equal(ber_uint_size(0x7f), 1);
	assert_int_equal(ber_uint_size(0x80), 2);
	assert_int_equal(ber_uint_size(UINT32_MAX), 5);
	assert_int_equal(ber_uint_size(UINT64_MAX), 9);
	assert_int_equal(ber_uint_size(INT64_MAX), 8);
}

static void uint_roundtrip(void **state)
{
	static const uint64_t vals[] = {0, 1, 127, 128, 255, 256, 65535, 1u << 31, UINT32_MAX,
					(uint64_t)1 << 63, UINT64_MAX};
	uint8_t buf[16];
	struct ber_writer w;
	struct ber_tlv t;
	uint64_t got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		ber_writer_init(&w, buf, sizeof buf);
		ber_put_uint_content(&w, vals[i]);
		assert_false(w.overflow);
		assert_int_equal(w.len, ber_uint_size(vals[i]));
		t.tag = BER_COUNTER64;
		t.p = buf;
		t.len = w.len;
		assert_int_equal(ber_uint_value(&t, &got), 0);
		assert_true(got == vals[i]);
	}
}

static void oids(void **state)
{
	static const uint8_t sysname[] = {0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00};
	static const uint8_t big[] = {0x2b, 0x8f, 0xff, 0xff, 0xff, 0x7f}; /* 1.3.4294967295 */
	static const uint8_t over[] = {0x2b, 0x90, 0x80, 0x80, 0x80, 0x00}; /* 2^32 */
	static const uint8_t nonmin[] = {0x2b, 0x80, 0x01};
	static const uint8_t unfinished[] = {0x2b, 0x86};
	static const uint8_t joint[] = {0x88, 0x37, 0x03}; /* 2.999.3 */
	struct ber_oid o;
	uint8_t enc[BER_MAX_ARCS * 5 + 8], many[BER_MAX_ARCS + 1];
	struct ber_writer w;

	(void)state;
	assert_int_equal(ber_oid_decode(sysname, sizeof sysname, &o), 0);
	assert_int_equal(o.n, 9);
	assert_int_equal(o.arc[0], 1);
	assert_int_equal(o.arc[1], 3);
	assert_int_equal(o.arc[7], 5);
	assert_int_equal(o.arc[8], 0);
	assert_int_equal(ber_oid_size(o.arc, o.n), sizeof sysname);
	ber_writer_init(&w, enc, sizeof enc);
	ber_put_oid_content(&w, o.arc, o.n);
	assert_int_equal(w.len, sizeof sysname);
	assert_memory_equal(enc, sysname, sizeof sysname);

	assert_int_equal(ber_oid_decode(big, sizeof big, &o), 0);
	assert_int_equal(o.arc[2], UINT32_MAX);
	assert_int_equal(ber_oid_decode(over, sizeof over, &o), -1);
	assert_int_equal(ber_oid_decode(nonmin, sizeof nonmin, &o), -1);
	assert_int_equal(ber_oid_decode(unfinished, sizeof unfinished, &o), -1);
	assert_int_equal(ber_oid_decode(sysname, 0, &o), -1);
	assert_int_equal(ber_oid_decode(joint, sizeof joint, &o), 0);
	assert_int_equal(o.n, 3);
	assert_int_equal(o.arc[0], 2);
	assert_int_equal(o.arc[1], 999);

	/* 128 arcs decode, 129 do not */
	memset(many, 0x01, sizeof many);
	many[0] = 0x2b;
	assert_int_equal(ber_oid_decode(many, BER_MAX_ARCS - 1, &o), 0);
	assert_int_equal(o.n, BER_MAX_ARCS);
	assert_int_equal(ber_oid_decode(many, BER_MAX_ARCS, &o), -1);

	/* not encodable */
	o.arc[0] = 3;
	o.arc[1] = 1;
	assert_int_equal(ber_oid_size(o.arc, 2), 0);
	o.arc[0] = 1;
	o.arc[1] = 40;
	assert_int_equal(ber_oid_size(o.arc, 2), 0);
}

static void decode_real_request(void **state)
{
	struct snmp_msg m;
	struct ber_oid o;

	(void)state;
	assert_int_equal(snmp_msg_decode(get_sysname, sizeof get_sysname, &m), BER_OK);
	assert_int_equal(m.version, SNMP_V2C);
	assert_int_equal(m.community_len, 6);
	assert_memory_equal(m.community, "public", 6);
	assert_int_equal(m.pdu, SNMP_PDU_GET);
	assert_int_equal(m.request_id, 0x2e29c929);
	assert_int_equal(m.nvb, 1);
	assert_int_equal(m.vb[0].value.tag, BER_NULL);
	assert_int_equal(ber_oid_decode(m.vb[0].oid, m.vb[0].oid_len, &o), 0);
	assert_int_equal(o.n, 9);
}

static void every_prefix_is_refused(void **state)
{
	struct snmp_msg m;
	size_t len;

	(void)state;
	for (len = 0; len < sizeof get_sysname; len++)
		assert_int_not_equal(snmp_msg_decode(get_sysname, len, &m), BER_OK);
}

static void trailing_bytes_and_versions(void **state)
{
	uint8_t buf[sizeof get_sysname + 1];
	struct snmp_msg m;

	(void)state;
	memcpy(buf, get_sysname, sizeof get_sysname);
	buf[sizeof get_sysname] = 0;
	assert_int_equal(snmp_msg_decode(buf, sizeof buf, &m), BER_EMALFORMED);
	memcpy(buf, get_sysname, sizeof get_sysname);
	buf[4] = 3; /* SNMPv3 */
	assert_int_equal(snmp_msg_decode(buf, sizeof get_sysname, &m), BER_EVERSION);
	buf[4] = 0; /* v1 */
	assert_int_equal(snmp_msg_decode(buf, sizeof get_sysname, &m), BER_OK);
	assert_int_equal(m.version, SNMP_V1);
	buf[13] = SNMP_PDU_GETBULK; /* no GETBULK in v1 */
	assert_int_equal(snmp_msg_decode(buf, sizeof get_sysname, &m), BER_EPDU);
	buf[13] = 0xaf; /* not a PDU */
	assert_int_equal(snmp_msg_decode(buf, sizeof get_sysname, &m), BER_EMALFORMED);
}

/* Flip every byte to every value: the decoder must never crash or read outside. */
static void mutations_never_crash(void **state)
{
	uint8_t buf[sizeof get_sysname];
	struct snmp_msg m;
	size_t i;
	int v, ok = 0;

	(void)state;
	for (i = 0; i < sizeof get_sysname; i++) {
		for (v = 0; v < 256; v++) {
			memcpy(buf, get_sysname, sizeof buf);
			buf[i] = (uint8_t)v;
			if (snmp_msg_decode(buf, sizeof buf, &m) == BER_OK) {
				ok++;
				assert_true(m.community + m.community_len <= buf + sizeof buf);
			}
		}
	}
	assert_true(ok > 0);
}

static void message_roundtrip_and_sizes(void **state)
{
	uint8_t vbl[256], msgbuf[512];
	static const uint8_t oid[] = {0x2b, 0x06, 0x01};
	static const uint8_t val[] = {'h', 'i'};
	struct ber_writer w;
	struct snmp_msg m;
	size_t vlen;

	(void)state;
	ber_writer_init(&w, vbl, sizeof vbl);
	snmp_varbind_put(&w, oid, sizeof oid, BER_OCTETS, val, sizeof val);
	snmp_varbind_put(&w, oid, sizeof oid, BER_ENDOFMIBVIEW, NULL, 0);
	assert_false(w.overflow);
	assert_int_equal(w.len, snmp_varbind_size(sizeof oid, sizeof val) + snmp_varbind_size(sizeof oid, 0));
	vlen = w.len;
	ber_writer_init(&w, msgbuf, sizeof msgbuf);
	snmp_message_put(&w, SNMP_V2C, (const uint8_t *)"public", 6, SNMP_PDU_RESPONSE, -5, 0, 0, vbl, vlen);
	assert_false(w.overflow);
	assert_int_equal(w.len, snmp_message_size(6, -5, 0, 0, vlen));
	assert_int_equal(snmp_msg_decode(msgbuf, w.len, &m), BER_OK);
	assert_int_equal(m.pdu, SNMP_PDU_RESPONSE);
	assert_int_equal(m.request_id, -5);
	assert_int_equal(m.nvb, 2);
	assert_int_equal(m.vb[0].value.len, 2);
	assert_int_equal(m.vb[1].value.tag, BER_ENDOFMIBVIEW);

	/* a writer that is too small says so instead of writing past its end */
	ber_writer_init(&w, msgbuf, 10);
	snmp_message_put(&w, SNMP_V2C, (const uint8_t *)"public", 6, SNMP_PDU_RESPONSE, 1, 0, 0, vbl, vlen);
	assert_true(w.overflow);
	assert_true(w.len <= 10);
}

static void long_lengths(void **state)
{
	static uint8_t big[70000], out[70010];
	struct ber_writer w;
	struct ber_reader r;
	struct ber_tlv t;
	static const size_t lens[] = {0, 127, 128, 255, 256, 65535, 65536};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		ber_writer_init(&w, out, sizeof out);
		ber_put_tl(&w, BER_OCTETS, lens[i]);
		ber_put_bytes(&w, big, lens[i]);
		assert_false(w.overflow);
		assert_int_equal(w.len, ber_tl_size(lens[i]) + lens[i]);
		ber_reader_init(&r, out, w.len);
		assert_int_equal(ber_read_tlv(&r, &t), 0);
		assert_int_equal(t.len, lens[i]);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(tlv_lengths),
	cmocka_unit_test(integers),
	cmocka_unit_test(uint_roundtrip),
	cmocka_unit_test(oids),
	cmocka_unit_test(decode_real_request),
	cmocka_unit_test(every_prefix_is_refused),
	cmocka_unit_test(trailing_bytes_and_versions),
	cmocka_unit_test(mutations_never_crash),
	cmocka_unit_test(message_roundtrip_and_sizes),
	cmocka_unit_test(long_lengths),
};

UNIT_MAIN(tests)
