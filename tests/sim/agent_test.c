/* Tests of what a simulated device answers: GET/GETNEXT/GETBULK/SET in v1 and v2c over the
 * mini walk with overrides, exceptions and errors as RFC 3416 / RFC 2576 / RFC 1157 say,
 * tooBig and GETBULK trimming at the size limit, and the garbage modes. */
#include "../unit/unit.h"

#include "agent.h"
#include "ber.h"
#include "snmprec.h"

#include <stdio.h>
#include <string.h>

#define MINI UNIT_SRCDIR "/tests/sim/testdata/mini.snmprec"

static struct snmprec_walk *walk;
static struct agent_limits lim = {1472, 64};
static uint8_t reqbuf[65536], out[65536];
static struct snmp_msg req, resp;

static int setup(void **state)
{
	char err[256];

	(void)state;
	walk = snmprec_load(MINI, err, sizeof err);
	return walk ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	snmprec_free(walk);
	return 0;
}

/* make: a request with the given OIDs (NULL-terminated), NULL values. */
static size_t make(int version, uint8_t pdu, int32_t a, int32_t b, const char *const *oids)
{
	uint8_t vbl[8192];
	struct ber_writer w;
	size_t i;

	ber_writer_init(&w, vbl, sizeof vbl);
	for (i = 0; oids[i]; i++) {
		uint32_t arcs[BER_MAX_ARCS];
		uint8_t enc[BER_MAX_ARCS * 5];
		struct ber_writer ow;
		size_t n;
		assert_int_equal(oid_parse(oids[i], strlen(oids[i]), arcs, BER_MAX_ARCS, &n), 0);
		ber_writer_init(&ow, enc, sizeof enc);
		ber_put_oid_content(&ow, arcs, n);
		snmp_varbind_put(&w, enc, ow.len, BER_NULL, NULL, 0);
	}
	assert_false(w.overflow);
	{
		struct ber_writer m;
		ber_writer_init(&m, reqbuf, sizeof reqbuf);
		snmp_message_put(&m, version, (const uint8_t *)"public", 6, pdu, 4242, a, b, vbl, w.len);
		assert_false(m.overflow);
		return m.len;
	}
}

/* ask: decode the request, answer it with VIEW, decode the answer into resp. */
static unsigned ask(const struct agent_view *v, size_t len)
{
	size_t outlen;
	unsigned flags;

	assert_int_equal(snmp_msg_decode(reqbuf, len, &req), BER_OK);
	assert_int_equal(agent_respond(&req, v, &lim, out, sizeof out, &outlen, &flags), 0);
	assert_true(outlen <= lim.max_size);
	assert_int_equal(snmp_msg_decode(out, outlen, &resp), BER_OK);
	assert_int_equal(resp.pdu, SNMP_PDU_RESPONSE);
	assert_int_equal(resp.request_id, 4242);
	assert_int_equal(resp.version, req.version);
	return flags;
}

static void view_of(struct agent_view *v, const struct ovr_set *o)
{
	v->walk = walk;
	v->ovr = o;
	v->uptime_cs = 777;
}

static const char *oid_of(size_t i)
{
	static char buf[1024];
	struct ber_oid o;

	assert_int_equal(ber_oid_decode(resp.vb[i].oid, resp.vb[i].oid_len, &o), 0);
	return oid_format(o.arc, o.n, buf, sizeof buf);
}

static int64_t int_of(size_t i)
{
	int64_t v;

	assert_int_equal(ber_int_value(&resp.vb[i].value, &v), 0);
	return v;
}

#define Q(...) ((const char *const[]){__VA_ARGS__, NULL})

static void get_v2c(void **state)
{
	struct agent_view v;
	uint64_t up;

	(void)state;
	view_of(&v, NULL);
	ask(&v, make(SNMP_V2C, SNMP_PDU_GET, 0, 0,
		     Q("1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.5.1", "1.3.6.1.2.1.1.99.0", "1.2.3",
		       "1.3.6.1.2.1.43.11.1.1.9.1.1", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.31.1.1.1.6.2")));
	assert_int_equal(resp.err_status, 0);
	assert_int_equal(resp.nvb, 7);
	assert_int_equal(resp.vb[0].value.tag, BER_OCTETS);
	assert_memory_equal(resp.vb[0].value.p, "mini-1", 6);
	assert_int_equal(resp.vb[1].value.tag, BER_NOSUCHINSTANCE);
	assert_int_equal(resp.vb[2].value.tag, BER_NOSUCHOBJECT); /* nothing under 1.3.6.1.2.1.1.99 */
	assert_int_equal(resp.vb[3].value.tag, BER_NOSUCHOBJECT);
	assert_int_equal(int_of(4), 1150);
	assert_int_equal(resp.vb[5].value.tag, BER_TIMETICKS); /* live sysUpTime */
	assert_int_equal(ber_uint_value(&resp.vb[5].value, &up), 0);
	assert_int_equal(up, 777);
	assert_int_equal(resp.vb[6].value.tag, BER_COUNTER64);
	assert_string_equal(oid_of(6), "1.3.6.1.2.1.31.1.1.1.6.2");
}

static void get_v1(void **state)
{
	struct agent_view v;

	(void)state;
	view_of(&v, NULL);
	ask(&v, make(SNMP_V1, SNMP_PDU_GET, 0, 0, Q("1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.99.0")));
	assert_int_equal(resp.err_status, SNMP_ERR_NOSUCHNAME);
	assert_int_equal(resp.err_index, 2);
	assert_int_equal(resp.nvb, 2);
	assert_int_equal(resp.vb[0].value.tag, BER_NULL); /* the request's varbinds, as sent */
	/* Counter64 does not exist for v1 */
	ask(&v, make(SNMP_V1, SNMP_PDU_GET, 0, 0, Q("1.3.6.1.2.1.31.1.1.1.6.2")));
	assert_int_equal(resp.err_status, SNMP_ERR_NOSUCHNAME);
	assert_int_equal(resp.err_index, 1);
}

static void getnext_walks_everything(void **state)
{
	struct agent_view v;
	char cur[1024] = "1";
	size_t steps = 0;

	(void)state;
	view_of(&v, NULL);
	for (;;) {
		ask(&v, make(SNMP_V2C, SNMP_PDU_GETNEXT, 0, 0, Q(cur)));
		assert_int_equal(resp.nvb, 1);
		if (resp.vb[0].value.tag == BER_ENDOFMIBVIEW)
			break;
		snprintf(cur, sizeof cur, "%s", oid_of(0));
		steps++;
		assert_true(steps <= walk->n);
	}
	assert_int_equal(steps, walk->n);
	assert_string_equal(oid_of(0), "1.3.6.1.4.1.99999.3.0"); /* endOfMibView names the last */

	/* v1: the end is noSuchName, and Counter64 rows are skipped */
	ask(&v, make(SNMP_V1, SNMP_PDU_GETNEXT, 0, 0, Q("1.3.6.1.4.1.99999.3.0")));
	assert_int_equal(resp.err_status, SNMP_ERR_NOSUCHNAME);
	assert_int_equal(resp.err_index, 1);
	ask(&v, make(SNMP_V1, SNMP_PDU_GETNEXT, 0, 0, Q("1.3.6.1.2.1.31.1.1.1.6")));
	assert_int_equal(resp.err_status, 0);
	assert_string_equal(oid_of(0), "1.3.6.1.2.1.43.5.1.1.17.1");
}

static void overrides(void **state)
{
	struct ovr_set *o = NULL;
	struct agent_view v;
	uint32_t a[BER_MAX_ARCS];
	size_t n;
	static const uint8_t seven[] = {7};
	static const uint8_t longval[40] = "a value longer than the inline buffer";

	(void)state;
	/* change a walk row, add one between rows, hide one */
	assert_int_equal(oid_parse("1.3.6.1.2.1.1.5.0", 17, a, BER_MAX_ARCS, &n), 0);
	assert_int_equal(ovr_set_value(&o, walk, a, n, BER_OCTETS, longval, sizeof longval), 0);
	assert_int_equal(oid_parse("1.3.6.1.2.1.1.5.5", 17, a, BER_MAX_ARCS, &n), 0);
	assert_int_equal(ovr_set_value(&o, walk, a, n, BER_INTEGER, seven, 1), 0);
	assert_int_equal(oid_parse("1.3.6.1.2.1.1.6.0", 17, a, BER_MAX_ARCS, &n), 0);
	assert_int_equal(ovr_hide(&o, walk, a, n), 0);
	assert_int_equal(o->n, 3);
	assert_true(ovr_bytes(o) > 0);
	view_of(&v, o);

	ask(&v, make(SNMP_V2C, SNMP_PDU_GETNEXT, 0, 0,
		     Q("1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.5.5")));
	assert_string_equal(oid_of(0), "1.3.6.1.2.1.1.5.0");
	assert_int_equal(resp.vb[0].value.len, sizeof longval);
	assert_string_equal(oid_of(1), "1.3.6.1.2.1.1.5.5");
	assert_int_equal(int_of(1), 7);
	assert_string_equal(oid_of(2), "1.3.6.1.2.1.2.2.1.6.1"); /* sysLocation hidden */
	ask(&v, make(SNMP_V2C, SNMP_PDU_GET, 0, 0, Q("1.3.6.1.2.1.1.6.0", "1.3.6.1.2.1.1.5.7")));
	assert_int_equal(resp.vb[0].value.tag, BER_NOSUCHOBJECT);   /* a hidden scalar */
	assert_int_equal(resp.vb[1].value.tag, BER_NOSUCHINSTANCE); /* sysName.0 exists */

	/* revert brings the walk's value back; the set frees itself when empty */
	assert_int_equal(ovr_revert(&o, a, n), 1);
	assert_int_equal(ovr_revert(&o, a, n), 0);
	view_of(&v, o);
	ask(&v, make(SNMP_V2C, SNMP_PDU_GET, 0, 0, Q("1.3.6.1.2.1.1.6.0")));
	assert_memory_equal(resp.vb[0].value.p, "Lobby|1$", 8);
	assert_int_equal(oid_parse("1.3.6.1.2.1.1.5.0", 17, a, BER_MAX_ARCS, &n), 0);
	assert_int_equal(ovr_revert(&o, a, n), 1);
	assert_int_equal(oid_parse("1.3.6.1.2.1.1.5.5", 17, a, BER_MAX_ARCS, &n), 0);
	assert_int_equal(ovr_revert(&o, a, n), 1);
	assert_null(o);

	/* hiding the last rows makes the view end earlier */
	assert_int_equal(oid_parse("1.3.6.1.4.1.99999.3.0", 21, a, BER_MAX_ARCS, &n), 0);
	assert_int_equal(ovr_hide(&o, walk, a, n), 0);
	view_of(&v, o);
	ask(&v, make(SNMP_V2C, SNMP_PDU_GETNEXT, 0, 0, Q("1.3.6.1.4.1.99999.2.0")));
	assert_int_equal(resp.vb[0].value.tag, BER_ENDOFMIBVIEW);
	ovr_free(o);
}

static void getbulk(void **state)
{
	struct agent_view v;
	unsigned flags;

	(void)state;
	view_of(&v, NULL);
	/* one non-repeater, two repeaters, 3 repetitions */
	flags = ask(&v, make(SNMP_V2C, SNMP_PDU_GETBULK, 1, 3,
			     Q("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.43.11.1.1.8", "1.3.6.1.2.1.43.11.1.1.9")));
	assert_int_equal(flags, 0);
	assert_int_equal(resp.nvb, 1 + 2 * 3);
	assert_string_equal(oid_of(0), "1.3.6.1.2.1.1.2.0");
	assert_string_equal(oid_of(1), "1.3.6.1.2.1.43.11.1.1.8.1.1");
	assert_string_equal(oid_of(2), "1.3.6.1.2.1.43.11.1.1.9.1.1");
	assert_string_equal(oid_of(3), "1.3.6.1.2.1.43.11.1.1.8.1.2");
	assert_string_equal(oid_of(4), "1.3.6.1.2.1.43.11.1.1.9.1.2");
	assert_string_equal(oid_of(5), "1.3.6.1.2.1.43.11.1.1.9.1.1");
	assert_string_equal(oid_of(6), "1.3.6.1.4.1.2021.10.1.6.1");

	/* at the end: endOfMibView, then no more rows */
	ask(&v, make(SNMP_V2C, SNMP_PDU_GETBULK, 0, 10, Q("1.3.6.1.4.1.99999.2.0")));
	assert_int_equal(resp.nvb, 2);
	assert_int_equal(resp.vb[1].value.tag, BER_ENDOFMIBVIEW);

	/* negative and oversized fields are clamped */
	ask(&v, make(SNMP_V2C, SNMP_PDU_GETBULK, -5, -1, Q("1.3.6.1")));
	assert_int_equal(resp.nvb, 0);
	ask(&v, make(SNMP_V2C, SNMP_PDU_GETBULK, 99, 1000, Q("1.3.6.1", "1.3.6.1.2.1.1.5.0")));
	assert_int_equal(resp.nvb, 2); /* both are non-repeaters */
	ask(&v, make(SNMP_V2C, SNMP_PDU_GETBULK, 0, 100000, Q("1")));
	assert_int_equal(resp.nvb, walk->n + 1); /* the whole walk, one endOfMibView, then it stops */
}

static void getbulk_trimmed_to_fit(void **state)
{
	struct agent_view v;
	struct agent_limits small = {484, 1000};
	size_t outlen, i;
	unsigned flags;
	struct ber_oid prev, cur;

	(void)state;
	view_of(&v, NULL);
	size_t len = make(SNMP_V2C, SNMP_PDU_GETBULK, 0, 1000, Q("1"));
	assert_int_equal(snmp_msg_decode(reqbuf, len, &req), BER_OK);
	assert_int_equal(agent_respond(&req, &v, &small, out, sizeof out, &outlen, &flags), 0);
	assert_true(flags & AGENT_TRIMMED);
	assert_true(outlen <= 484);
	assert_int_equal(snmp_msg_decode(out, outlen, &resp), BER_OK);
	assert_true(resp.nvb > 3);
	assert_true(resp.nvb < walk->n);
	prev.n = 0;
	for (i = 0; i < resp.nvb; i++) {
		assert_int_equal(ber_oid_decode(resp.vb[i].oid, resp.vb[i].oid_len, &cur), 0);
		if (i)
			assert_true(oid_cmp(prev.arc, prev.n, cur.arc, cur.n) < 0);
		prev = cur;
	}
	/* and one more varbind would not have fitted */
	assert_true(outlen + 30 > 484 || resp.nvb == walk->n);
}

static void too_big(void **state)
{
	struct agent_view v;
	struct agent_limits small = {484, 64};
	static const char *many[40];
	size_t outlen, i, len;
	unsigned flags;

	(void)state;
	view_of(&v, NULL);
	for (i = 0; i < 39; i++)
		many[i] = "1.3.6.1.2.1.1.1.0";
	many[39] = NULL;
	len = make(SNMP_V2C, SNMP_PDU_GET, 0, 0, many);
	assert_int_equal(snmp_msg_decode(reqbuf, len, &req), BER_OK);
	assert_int_equal(agent_respond(&req, &v, &small, out, sizeof out, &outlen, &flags), 0);
	assert_true(flags & AGENT_TOOBIG);
	assert_int_equal(snmp_msg_decode(out, outlen, &resp), BER_OK);
	assert_int_equal(resp.err_status, SNMP_ERR_TOOBIG);
	assert_int_equal(resp.err_index, 0);
	assert_int_equal(resp.nvb, 0); /* v2c: empty list */
	/* v1 echoes the request's list when that fits */
	for (i = 0; i < 12; i++)
		many[i] = "1.3.6.1.2.1.1.1.0";
	many[12] = NULL; /* 12 x 44 octets of answer > 484, 12 x 14 of request < 484 */
	len = make(SNMP_V1, SNMP_PDU_GET, 0, 0, many);
	assert_int_equal(snmp_msg_decode(reqbuf, len, &req), BER_OK);
	assert_int_equal(agent_respond(&req, &v, &small, out, sizeof out, &outlen, &flags), 0);
	assert_int_equal(snmp_msg_decode(out, outlen, &resp), BER_OK);
	assert_int_equal(resp.err_status, SNMP_ERR_TOOBIG);
	assert_int_equal(resp.nvb, 12);
}

static void set_is_refused(void **state)
{
	struct agent_view v;

	(void)state;
	view_of(&v, NULL);
	ask(&v, make(SNMP_V2C, SNMP_PDU_SET, 0, 0, Q("1.3.6.1.2.1.1.5.0")));
	assert_int_equal(resp.err_status, SNMP_ERR_NOACCESS);
	assert_int_equal(resp.err_index, 1);
	ask(&v, make(SNMP_V1, SNMP_PDU_SET, 0, 0, Q("1.3.6.1.2.1.1.5.0")));
	assert_int_equal(resp.err_status, SNMP_ERR_READONLY);
}

static void no_answer_to_responses(void **state)
{
	struct agent_view v;
	size_t outlen, len;
	unsigned flags;

	(void)state;
	view_of(&v, NULL);
	len = make(SNMP_V2C, SNMP_PDU_RESPONSE, 0, 0, Q("1.3.6.1"));
	assert_int_equal(snmp_msg_decode(reqbuf, len, &req), BER_OK);
	assert_int_equal(agent_respond(&req, &v, &lim, out, sizeof out, &outlen, &flags), -1);
	len = make(SNMP_V2C, SNMP_PDU_TRAP2, 0, 0, Q("1.3.6.1"));
	assert_int_equal(snmp_msg_decode(reqbuf, len, &req), BER_OK);
	assert_int_equal(agent_respond(&req, &v, &lim, out, sizeof out, &outlen, &flags), -1);
}

static void garbage(void **state)
{
	struct agent_view v;
	uint32_t rng = 1;
	size_t outlen, len;
	int mode, i;

	(void)state;
	view_of(&v, NULL);
	len = make(SNMP_V2C, SNMP_PDU_GET, 0, 0, Q("1.3.6.1.2.1.1.5.0"));
	assert_int_equal(snmp_msg_decode(reqbuf, len, &req), BER_OK);
	for (mode = GARBAGE_RANDOM; mode < GARBAGE_NMODES; mode++) {
		for (i = 0; i < 50; i++) {
			int rc;
			assert_int_equal(agent_garbage(&req, &v, &lim, mode, &rng, out, sizeof out, &outlen), 0);
			assert_true(outlen > 0 && outlen <= lim.max_size);
			rc = snmp_msg_decode(out, outlen, &resp);
			if (mode == GARBAGE_WRONGID) {
				assert_int_equal(rc, BER_OK);
				assert_int_not_equal(resp.request_id, 4242);
			} else if (mode == GARBAGE_BADVALUE) {
				int64_t x;
				assert_int_equal(rc, BER_OK); /* well-formed BER, impossible value */
				assert_int_equal(ber_int_value(&resp.vb[0].value, &x), -1);
			} else if (mode != GARBAGE_RANDOM && mode != GARBAGE_CYCLE) {
				assert_int_not_equal(rc, BER_OK);
			}
		}
	}
	assert_int_equal(garbage_mode_parse("on"), GARBAGE_CYCLE);
	assert_int_equal(garbage_mode_parse("off"), GARBAGE_OFF);
	assert_int_equal(garbage_mode_parse("badber"), GARBAGE_BADBER);
	assert_int_equal(garbage_mode_parse("nonsense"), -1);
	assert_string_equal(garbage_mode_name(GARBAGE_TRUNCATED), "truncated");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(get_v2c),
	cmocka_unit_test(get_v1),
	cmocka_unit_test(getnext_walks_everything),
	cmocka_unit_test(overrides),
	cmocka_unit_test(getbulk),
	cmocka_unit_test(getbulk_trimmed_to_fit),
	cmocka_unit_test(too_big),
	cmocka_unit_test(set_is_refused),
	cmocka_unit_test(no_answer_to_responses),
	cmocka_unit_test(garbage),
};

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
