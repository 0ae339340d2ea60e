#include "unit.h"

#include "arena.h"
#include "err.h"
#include "snmp_value.h"
#include "snmprec.h"

#include <stdio.h>
#include <string.h>

static struct snmp_oid oid(const char *text)
{
	struct snmp_oid o;

	if (snmp_oid_parse(text, &o) != 0)
		fail_msg("bad test OID %s", text);
	return o;
}

/* ---- OIDs ---- */

static void oid_parse_accepts_dotted_text(void **state)
{
	(void)state;
	struct snmp_oid o;
	char buf[SNMP_OID_TEXT_MAX];

	assert_int_equal(snmp_oid_parse("1.3.6.1.2.1.1.1.0", &o), 0);
	assert_int_equal(o.len, 9);
	assert_int_equal(o.sub[8], 0);
	assert_int_equal(snmp_oid_parse(".1.3.6.1.4.1.1129.1.2.1", &o), 0); /* leading dot */
	assert_int_equal(o.len, 10);
	assert_int_equal(o.sub[6], 1129);
	assert_int_equal(snmp_oid_parse("0", &o), 0);
	assert_int_equal(o.len, 1);
	assert_int_equal(snmp_oid_parse("1.4294967295", &o), 0);
	assert_int_equal(o.sub[1], 4294967295u);
	assert_int_equal(snmp_oid_format(&o, buf, sizeof buf), 0);
	assert_string_equal(buf, "1.4294967295");
	assert_int_equal(snmp_oid_parse_n("1.3.6|4|x", 5, &o), 0);
	assert_int_equal(o.len, 3);
}

static void oid_parse_refuses_garbage(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", ".", "1..3", "1.3.", "1.3.6.1.2.1.4.20.1.2.10.xx.xx.100", "1.-3", "1.3 ",
		" 1.3", "1.4294967296", "1.99999999999", "1.3.6a", "..1",
	};
	struct snmp_oid o;
	char longer[SNMP_OID_TEXT_MAX + 8];
	size_t pos = 0;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o.len = 7;
		if (snmp_oid_parse(bad[i], &o) != ERR_INVALID)
			fail_msg("[%s] accepted", bad[i]);
		assert_int_equal(o.len, 0);
	}
	assert_int_equal(snmp_oid_parse(NULL, &o), ERR_INVALID);
	/* 129 components is one too many. */
	for (int i = 0; i < SNMP_OID_MAX_LEN + 1; i++)
		pos += (size_t)snprintf(longer + pos, sizeof longer - pos, i ? ".%d" : "%d", 1);
	assert_int_equal(snmp_oid_parse(longer, &o), ERR_INVALID);
	longer[pos - 2] = '\0'; /* 128 */
	assert_int_equal(snmp_oid_parse(longer, &o), 0);
	assert_int_equal(o.len, SNMP_OID_MAX_LEN);
	assert_int_equal(snmp_oid_append(&o, 5), ERR_LIMIT);
}

static void oid_order_and_prefix(void **state)
{
	(void)state;
	struct snmp_oid a = oid("1.3.6.1.2.1.43.11.1.1.9.1.2"),
			b = oid("1.3.6.1.2.1.43.11.1.1.9.1.10"), prefix = oid("1.3.6.1.2.1.43.11"),
			other = oid("1.3.6.1.2.1.43.12");
	char small[8];

	assert_true(snmp_oid_cmp(&a, &b) < 0); /* numeric, not text order */
	assert_true(snmp_oid_cmp(&b, &a) > 0);
	assert_true(snmp_oid_cmp(&prefix, &a) < 0); /* a prefix sorts first */
	assert_int_equal(snmp_oid_cmp(&a, &a), 0);
	assert_true(snmp_oid_equal(&a, &a));
	assert_false(snmp_oid_equal(&a, &b));
	assert_true(snmp_oid_has_prefix(&a, &prefix));
	assert_true(snmp_oid_has_prefix(&prefix, &prefix));
	assert_false(snmp_oid_has_prefix(&a, &other));
	assert_false(snmp_oid_has_prefix(&prefix, &a));
	assert_int_equal(snmp_oid_format(&a, small, sizeof small), ERR_LIMIT);
	assert_int_equal(strlen(small), 7);
}

/* ---- the table ---- */

static void table_sorted_lookup_walk_and_replace(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096, 0);
	struct snmp_table t;
	struct snmp_oid col = oid("1.3.6.1.2.1.2.2.1.2"), o;
	const struct snmp_varbind *vb;
	size_t first, n;
	char buf[16];

	snmp_table_init(&t, a);
	/* Out of order on purpose; the table keeps OID order. */
	o = oid("1.3.6.1.2.1.2.2.1.2.10");
	assert_int_equal(snmp_table_add_bytes(&t, &o, SNMP_TYPE_OCTET_STRING, "ten", 3), 0);
	o = oid("1.3.6.1.2.1.2.2.1.2.2");
	assert_int_equal(snmp_table_add_bytes(&t, &o, SNMP_TYPE_OCTET_STRING, "two", 3), 0);
	o = oid("1.3.6.1.2.1.2.2.1.3.1");
	assert_int_equal(snmp_table_add_int(&t, &o, SNMP_TYPE_INTEGER, 6), 0);
	o = oid("1.3.6.1.2.1.2.2.1.2");
	assert_int_equal(snmp_table_add_int(&t, &o, SNMP_TYPE_INTEGER, 0),
			 0); /* the prefix itself */
	o = oid("1.3.6.1.2.1.1.1.0");
	memcpy(buf, "volatile", 9);
	assert_int_equal(snmp_table_add_bytes(&t, &o, SNMP_TYPE_OCTET_STRING, buf, 8), 0);
	memset(buf, 'X', sizeof buf); /* the table holds its own copy */
	assert_int_equal(snmp_table_count(&t), 5);
	for (size_t i = 1; i < snmp_table_count(&t); i++)
		assert_true(snmp_oid_cmp(&snmp_table_at(&t, i - 1)->oid,
					 &snmp_table_at(&t, i)->oid) < 0);
	assert_null(snmp_table_at(&t, 5));

	vb = snmp_table_get(&t, &o);
	assert_non_null(vb);
	assert_memory_equal(vb->bytes, "volatile", 8);

	/* A walk of the column: strictly below it, in order, the prefix itself excluded. */
	n = snmp_table_walk(&t, &col, &first);
	assert_int_equal(n, 2);
	assert_memory_equal(snmp_table_at(&t, first)->bytes, "two", 3);
	assert_memory_equal(snmp_table_at(&t, first + 1)->bytes, "ten", 3);
	o = oid("1.3.6.1.2.1.43");
	assert_int_equal(snmp_table_walk(&t, &o, &first), 0);
	o = oid("1.3.6.1.2.1.2.2.1.2.2.5");
	assert_int_equal(snmp_table_walk(&t, &o, &first), 0);

	/* The newest answer for an OID replaces the older one. */
	o = oid("1.3.6.1.2.1.2.2.1.2.2");
	assert_int_equal(snmp_table_add_bytes(&t, &o, SNMP_TYPE_OCTET_STRING, "TWO", 3), 0);
	assert_int_equal(snmp_table_count(&t), 5);
	assert_memory_equal(snmp_table_get(&t, &o)->bytes, "TWO", 3);
	assert_non_null(snmp_table_get_sub(&t, &col, (const uint32_t[]){ 10 }, 1));
	assert_null(snmp_table_get_sub(&t, &col, (const uint32_t[]){ 11 }, 1));

	o.len = 0;
	assert_int_equal(snmp_table_add_int(&t, &o, SNMP_TYPE_INTEGER, 1), ERR_INVALID);
	arena_free(a);
}

static void table_respects_the_arena_limit(void **state)
{
	(void)state;
	struct arena *a = arena_new(4096, 64 * 1024);
	struct snmp_table t;
	struct snmp_oid o = oid("1.3.6.1.4.1.9.9.9");
	int rc = 0;
	size_t added = 0;

	snmp_table_init(&t, a);
	for (uint32_t i = 0; i < 1000 && rc == 0; i++) {
		o.sub[8] = i;
		rc = snmp_table_add_int(&t, &o, SNMP_TYPE_GAUGE32, i);
		if (rc == 0)
			added++;
	}
	assert_int_equal(rc, ERR_NOMEM);
	assert_true(added > 10 && added < 1000);
	assert_int_equal(snmp_table_count(&t), added);
	arena_free(a);
}

static void varbind_values(void **state)
{
	(void)state;
	struct snmp_varbind vb;
	int64_t v = 0;
	const unsigned char *p;
	size_t n;

	memset(&vb, 0, sizeof vb);
	vb.type = SNMP_TYPE_COUNTER64;
	vb.counter64 = UINT64_MAX;
	assert_int_equal(snmp_varbind_int(&vb, &v), ERR_INVALID);
	vb.counter64 = 42;
	assert_int_equal(snmp_varbind_int(&vb, &v), 0);
	assert_int_equal(v, 42);
	vb.type = SNMP_TYPE_OCTET_STRING;
	assert_int_equal(snmp_varbind_int(&vb, &v), ERR_INVALID);
	assert_int_equal(snmp_varbind_bytes(&vb, &p, &n), 0);
	vb.type = SNMP_TYPE_NO_SUCH_INSTANCE;
	assert_true(snmp_varbind_is_exception(&vb));
	assert_int_equal(snmp_varbind_bytes(&vb, &p, &n), ERR_INVALID);
	assert_int_equal(snmp_varbind_int(NULL, &v), ERR_INVALID);
	assert_string_equal(snmp_type_name(SNMP_TYPE_TIMETICKS), "TimeTicks");
	assert_string_equal(snmp_type_name((enum snmp_type)99), "?");
}

/* ---- the snmprec reader (test support) ---- */

static void snmprec_reads_every_tag_and_skips_the_rest(void **state)
{
	(void)state;
	static const char text[] =
		"#a comment line\n"
		"\n"
		"1.3.6.1.2.1.1.1.0|4|Text with | bars|and more\r\n"
		"1.3.6.1.2.1.1.2.0|6|.1.3.6.1.4.1.1129.1.2.1\n"
		"1.3.6.1.2.1.1.3.0|67|4294967295\n"
		"1.3.6.1.2.1.1.5.0|4x|364e4d31\n"
		"1.3.6.1.2.1.1.7.0|2|-7\n"
		"1.3.6.1.2.1.4.20.1.1.10.0.0.1|64|10.0.0.1\n"
		"1.3.6.1.2.1.4.20.1.1.10.0.0.2|64x|0a000002\n"
		"1.3.6.1.2.1.4.20.1.2.10.xx.xx.100|2|13\n"           /* anonymised: skipped */
		"1.3.6.1.2.1.4.22.1.2|5|\n"
		"1.3.6.1.2.1.4.31.1.1.4.1|70|18446744073709551615\n"
		"1.3.6.1.4.1.171.12.1.1.6.2.0|2:numeric|min=0,scale=95\n" /* skipped */
		"1.3.6.1.4.1.171.12.1.1.12.0|4:writecache|value=R3MD1DB002523\n"
		"1.3.6.1.4.1.2021.10.1.6.1|68x|9f78043eeb851f\n"
		"1.3.6.1.4.1.9.1|99|unknown tag\n"                     /* skipped */
		"1.3.6.1.4.1.9.2|2|notanumber\n"                       /* skipped */
		"1.3.6.1.4.1.9.3|4x|abc\n"                             /* odd hex: skipped */
		"no bars at all\n"
		"1.3.6.1.4.1.9.4|66|12";                               /* no final newline */
	struct arena *a = arena_new(4096, 0);
	struct snmp_table t;
	struct err e;
	size_t skipped = 0;
	const struct snmp_varbind *vb;
	struct snmp_oid o;

	snmp_table_init(&t, a);
	assert_int_equal(snmprec_parse(text, sizeof text - 1, &t, &skipped, &e), 0);
	assert_int_equal(skipped, 6);
	assert_int_equal(snmp_table_count(&t), 12);

	o = oid("1.3.6.1.2.1.1.1.0");
	vb = snmp_table_get(&t, &o);
	assert_int_equal(vb->type, SNMP_TYPE_OCTET_STRING);
	assert_int_equal(vb->len, strlen("Text with | bars|and more"));
	assert_memory_equal(vb->bytes, "Text with | bars|and more", vb->len);
	o = oid("1.3.6.1.2.1.1.2.0");
	vb = snmp_table_get(&t, &o);
	assert_int_equal(vb->type, SNMP_TYPE_OID);
	assert_int_equal(vb->oid_value.len, 10);
	o = oid("1.3.6.1.2.1.1.3.0");
	assert_int_equal(snmp_table_get(&t, &o)->integer, 4294967295LL);
	o = oid("1.3.6.1.2.1.1.5.0");
	assert_memory_equal(snmp_table_get(&t, &o)->bytes, "6NM1", 4);
	o = oid("1.3.6.1.2.1.1.7.0");
	assert_int_equal(snmp_table_get(&t, &o)->integer, -7);
	o = oid("1.3.6.1.2.1.4.20.1.1.10.0.0.1");
	assert_memory_equal(snmp_table_get(&t, &o)->bytes, "\x0a\x00\x00\x01", 4);
	o = oid("1.3.6.1.2.1.4.20.1.1.10.0.0.2");
	assert_memory_equal(snmp_table_get(&t, &o)->bytes, "\x0a\x00\x00\x02", 4);
	o = oid("1.3.6.1.2.1.4.22.1.2");
	assert_int_equal(snmp_table_get(&t, &o)->type, SNMP_TYPE_NULL);
	o = oid("1.3.6.1.2.1.4.31.1.1.4.1");
	assert_true(snmp_table_get(&t, &o)->counter64 == UINT64_MAX);
	o = oid("1.3.6.1.4.1.171.12.1.1.12.0");
	assert_memory_equal(snmp_table_get(&t, &o)->bytes, "R3MD1DB002523", 13);
	o = oid("1.3.6.1.4.1.2021.10.1.6.1");
	assert_int_equal(snmp_table_get(&t, &o)->type, SNMP_TYPE_OPAQUE);
	assert_int_equal(snmp_table_get(&t, &o)->len, 7);
	o = oid("1.3.6.1.4.1.9.4");
	assert_int_equal(snmp_table_get(&t, &o)->type, SNMP_TYPE_GAUGE32);
	arena_free(a);
}

static void snmprec_loads_the_shared_fixtures(void **state)
{
	(void)state;
	/* The big full walks and the anonymised Windows walk load; bad lines are only skipped. */
	static const struct {
		const char *file;
		size_t min_rows, skipped;
	} files[] = {
		{ "windows_server-2019.snmprec", 1000, 18 },
		{ "dlink_des-3200-18-fullwalk.snmprec", 30000, 1 },
		{ "cisco_catalyst-3750-fullwalk.snmprec", 10000, 0 },
		{ "toshiba-tec_b-ev4-label-detect-only.snmprec", 2, 0 },
	};

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		struct arena *a = arena_new(1 << 20, 0);
		struct snmp_table t;
		struct err e;
		size_t skipped = 99;

		snmp_table_init(&t, a);
		if (snmprec_load(files[i].file, &t, &skipped, &e) != 0)
			fail_msg("%s", e.msg);
		if (snmp_table_count(&t) < files[i].min_rows || skipped != files[i].skipped)
			fail_msg("%s: %zu rows, %zu skipped", files[i].file, snmp_table_count(&t),
				 skipped);
		arena_free(a);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(oid_parse_accepts_dotted_text),
	cmocka_unit_test(oid_parse_refuses_garbage),
	cmocka_unit_test(oid_order_and_prefix),
	cmocka_unit_test(table_sorted_lookup_walk_and_replace),
	cmocka_unit_test(table_respects_the_arena_limit),
	cmocka_unit_test(varbind_values),
	cmocka_unit_test(snmprec_reads_every_tag_and_skips_the_rest),
	cmocka_unit_test(snmprec_loads_the_shared_fixtures),
};

UNIT_MAIN(tests)
