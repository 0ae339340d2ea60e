/* Tests of the snmprec loader: PROTOCOLS.md §8 rules on a small synthetic walk
 * (tests/sim/testdata/mini.snmprec), value conversion per tag, lookups, and every real walk
 * in tests/fixtures/snmprec (or $SNMPREC_DIR) loading without a crash. */
#include "../unit/unit.h"

#include "ber.h"
#include "snmprec.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINI UNIT_SRCDIR "/tests/sim/testdata/mini.snmprec"

static struct snmprec_walk *load(const char *path)
{
	char err[256];
	struct snmprec_walk *w = snmprec_load(path, err, sizeof err);

	if (!w)
		fail_msg("%s", err);
	return w;
}

static long find(const struct snmprec_walk *w, const char *oid)
{
	uint32_t arcs[BER_MAX_ARCS];
	size_t n;

	assert_int_equal(oid_parse(oid, strlen(oid), arcs, BER_MAX_ARCS, &n), 0);
	return snmprec_find(w, arcs, n);
}

static void value_of(const struct snmprec_walk *w, const char *oid, uint8_t tag, const void *want,
		     size_t len)
{
	long i = find(w, oid);

	if (i < 0)
		fail_msg("%s not found", oid);
	assert_int_equal(w->rec[i].tag, tag);
	assert_int_equal(w->rec[i].val_len, len);
	if (len)
		assert_memory_equal(w->vals + w->rec[i].val_off, want, len);
}

static void mini_rules(void **state)
{
	struct snmprec_walk *w = load(MINI);
	static const uint8_t mac[] = {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
	static const uint8_t c32[] = {0x00, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t c64[] = {0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t ip[] = {192, 168, 1, 7};
	static const uint8_t lvl[] = {0x04, 0x7e}; /* 1150 */
	static const uint8_t m3[] = {0xfd};        /* -3 */
	static const uint8_t oid[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0x86, 0x8d, 0x1f, 0x01};
	static const uint8_t opaque[] = {0x9f, 0x78, 0x04, 0x3e, 0xeb, 0x85, 0x1f};
	size_t i;

	(void)state;
	/* 24 data lines: the 'xx' line, the numeric variation and one duplicate are skipped */
	assert_int_equal(w->lines, 24);
	assert_int_equal(w->skipped, 3);
	assert_int_equal(w->n, 21);
	for (i = 1; i < w->n; i++)
		assert_true(oid_cmp(snmprec_oid(w, i - 1), w->rec[i - 1].narcs, snmprec_oid(w, i),
				    w->rec[i].narcs) < 0);
	value_of(w, "1.3.6.1.2.1.43.11.1.1.6.1.1", BER_OCTETS, "Black Toner|with a pipe", 23);
	value_of(w, "1.3.6.1.2.1.1.6.0", BER_OCTETS, "Lobby|1$", 8); /* hex */
	value_of(w, "1.3.6.1.2.1.2.2.1.6.2", BER_OCTETS, mac, 6);
	value_of(w, "1.3.6.1.2.1.2.2.1.6.1", BER_OCTETS, "", 0);
	value_of(w, "1.3.6.1.2.1.2.2.1.10.2", BER_COUNTER32, c32, sizeof c32);
	value_of(w, "1.3.6.1.2.1.31.1.1.1.6.2", BER_COUNTER64, c64, sizeof c64);
	value_of(w, "1.3.6.1.2.1.4.20.1.1.192.168.1.7", BER_IPADDRESS, ip, 4);
	value_of(w, "1.3.6.1.2.1.43.11.1.1.9.1.1", BER_INTEGER, lvl, 2);
	value_of(w, "1.3.6.1.2.1.43.11.1.1.9.1.2", BER_INTEGER, m3, 1);
	value_of(w, "1.3.6.1.2.1.1.2.0", BER_OID, oid, sizeof oid);
	value_of(w, "1.3.6.1.4.1.2021.10.1.6.1", BER_OPAQUE, opaque, sizeof opaque);
	value_of(w, "1.3.6.1.4.1.99999.2.0", BER_OCTETS, "cached text", 11); /* writecache */
	value_of(w, "1.3.6.1.4.1.99999.3.0", BER_NULL, "", 0);             /* first of duplicates */
	assert_true(find(w, "1.3.6.1.4.1.99999.1.0") < 0);                    /* numeric: skipped */
	snmprec_free(w);
}

static void lookups(void **state)
{
	struct snmprec_walk *w = load(MINI);
	uint32_t a[BER_MAX_ARCS];
	size_t n, i;

	(void)state;
	assert_int_equal(oid_parse("1.3.6.1.2.1.1.5", 15, a, BER_MAX_ARCS, &n), 0);
	assert_true(snmprec_find(w, a, n) < 0);
	i = snmprec_next(w, a, n); /* sysName.0 follows its column OID */
	assert_int_equal(oid_cmp(snmprec_oid(w, i), w->rec[i].narcs, (const uint32_t[]){1, 3, 6, 1, 2, 1, 1, 5, 0}, 9), 0);
	assert_int_equal(snmprec_next(w, snmprec_oid(w, i), w->rec[i].narcs), i + 1);
	assert_int_equal(oid_parse("1", 1, a, BER_MAX_ARCS, &n), 0);
	assert_int_equal(snmprec_next(w, a, n), 0);
	assert_int_equal(oid_parse("2", 1, a, BER_MAX_ARCS, &n), 0);
	assert_int_equal(snmprec_next(w, a, n), w->n);
	assert_int_equal(snmprec_next(w, snmprec_oid(w, w->n - 1), w->rec[w->n - 1].narcs), w->n);
	snmprec_free(w);
}

static void oid_text(void **state)
{
	uint32_t a[4];
	size_t n;
	char buf[64];

	(void)state;
	assert_int_equal(oid_parse(".1.3.6", 6, a, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(oid_format(a, n, buf, sizeof buf), "1.3.6");
	assert_int_equal(oid_parse("1.3.xx.1", 8, a, 4, &n), -1);
	assert_int_equal(oid_parse("1..3", 4, a, 4, &n), -1);
	assert_int_equal(oid_parse("1.3.", 4, a, 4, &n), -1);
	assert_int_equal(oid_parse("", 0, a, 4, &n), -1);
	assert_int_equal(oid_parse(".", 1, a, 4, &n), -1);
	assert_int_equal(oid_parse("1.2.3.4.5", 9, a, 4, &n), -1);
	assert_int_equal(oid_parse("1.4294967296", 12, a, 4, &n), -1);
	assert_int_equal(oid_parse("1.4294967295", 12, a, 4, &n), 0);
}

static int conv(const char *tag, const char *val, uint8_t *t, uint8_t *out, size_t *len)
{
	return snmprec_value(tag, strlen(tag), val, strlen(val), t, out, SNMPREC_MAX_VALUE, len);
}

static void values(void **state)
{
	static uint8_t out[SNMPREC_MAX_VALUE];
	uint8_t t;
	size_t len;

	(void)state;
	assert_int_equal(conv("2", "2147483647", &t, out, &len), 0);
	assert_int_equal(conv("2", "2147483648", &t, out, &len), -1);
	assert_int_equal(conv("2", "-2147483648", &t, out, &len), 0);
	assert_int_equal(conv("2", "-2147483649", &t, out, &len), -1);
	assert_int_equal(conv("2", "", &t, out, &len), -1);
	assert_int_equal(conv("2", "12abc", &t, out, &len), -1);
	assert_int_equal(conv("65", "-1", &t, out, &len), -1);
	assert_int_equal(conv("66", "4294967296", &t, out, &len), -1);
	assert_int_equal(conv("70", "18446744073709551616", &t, out, &len), -1);
	assert_int_equal(conv("4x", "abc", &t, out, &len), -1);
	assert_int_equal(conv("4x", "zz", &t, out, &len), -1);
	assert_int_equal(conv("4x", "", &t, out, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(conv("64", "1.2.3", &t, out, &len), -1);
	assert_int_equal(conv("64", "1.2.3.256", &t, out, &len), -1);
	assert_int_equal(conv("64x", "c0a80101", &t, out, &len), 0);
	assert_int_equal(t, BER_IPADDRESS);
	assert_int_equal(conv("6", "1.3.xx", &t, out, &len), -1);
	assert_int_equal(conv("6", "5.1", &t, out, &len), -1); /* not encodable */
	assert_int_equal(conv("3", "x", &t, out, &len), -1);   /* BIT STRING: not a tag we serve */
	assert_int_equal(conv("", "x", &t, out, &len), -1);
	assert_int_equal(conv("4:writecache", "value=a,b", &t, out, &len), 0);
	assert_int_equal(len, 1);
	assert_int_equal(conv("4:writecache", "hexvalue=00", &t, out, &len), 1);
	assert_int_equal(conv("2:delay", "value=1,wait=100", &t, out, &len), 1);
	assert_int_equal(conv("5", "anything", &t, out, &len), 0);
	assert_int_equal(len, 0);
}

static void garbage_text(void **state)
{
	static const char text[] = "\n\n|||\n1.3.6.1|\n1.3.6.1|4\n|4|x\n1.3.6.1.2|4|ok\r\n#c\n1.3.6.1.1|4|a\n1.3.6.1.1|4|b\n1.3";
	struct snmprec_walk *w = snmprec_parse(text, sizeof text - 1, "inline");

	(void)state;
	assert_non_null(w);
	assert_int_equal(w->n, 2);
	assert_string_equal(w->path, "inline");
	snmprec_free(w);
	w = snmprec_parse("", 0, NULL);
	assert_non_null(w);
	assert_int_equal(w->n, 0);
	snmprec_free(w);
}

/* every shared fixture loads, sorted, and without a crash */
static void real_walks(void **state)
{
	const char *dir = getenv("SNMPREC_DIR");
	char path[4096];
	struct dirent *e;
	DIR *d;
	int files = 0;

	(void)state;
	if (!dir)
		dir = UNIT_SRCDIR "/tests/fixtures/snmprec";
	d = opendir(dir);
	if (!d) {
		print_message("# skipped: no snmprec directory %s\n", dir);
		skip();
	}
	while ((e = readdir(d)) != NULL) {
		struct snmprec_walk *w;
		size_t i, len = strlen(e->d_name);
		if (len < 9 || strcmp(e->d_name + len - 8, ".snmprec") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		w = load(path);
		assert_true(w->n > 0);
		assert_true(w->n + w->skipped == w->lines);
		for (i = 1; i < w->n; i++)
			assert_true(oid_cmp(snmprec_oid(w, i - 1), w->rec[i - 1].narcs,
					    snmprec_oid(w, i), w->rec[i].narcs) < 0);
		if (strcmp(e->d_name, "windows_server-2019.snmprec") == 0)
			assert_true(w->skipped >= 18); /* the anonymised 'xx' OIDs */
		if (strcmp(e->d_name, "dlink_des-3200-18-fullwalk.snmprec") == 0) {
			value_of(w, "1.3.6.1.4.1.171.12.1.1.12.0", BER_OCTETS, "R3MD1DB002523", 13);
			assert_true(find(w, "1.3.6.1.4.1.171.12.1.1.6.2.0") < 0);
		}
		snmprec_free(w);
		files++;
	}
	closedir(d);
	assert_true(files > 10);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(mini_rules),
	cmocka_unit_test(lookups),
	cmocka_unit_test(oid_text),
	cmocka_unit_test(values),
	cmocka_unit_test(garbage_text),
	cmocka_unit_test(real_walks),
};

UNIT_MAIN(tests)
