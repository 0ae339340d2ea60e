/* Tests of the fleet (addresses, fleet lines and keys, the generator, shared walks) and of the
 * control commands, without sockets. */
#include "../unit/unit.h"

#include "control.h"
#include "fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DATA UNIT_SRCDIR "/tests/sim/testdata"

static struct fleet f;

static int setup(void **state)
{
	(void)state;
	fleet_init(&f, 16100, DATA);
	f.now_ms = 1000000;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fleet_free(&f);
	return 0;
}

static long add(const char *line)
{
	char err[512];
	long d = fleet_add_line(&f, line, NULL, err, sizeof err);

	if (d < 0)
		print_message("# %s\n", err);
	return d;
}

/* get: the device's current value of OID (through its view); 0 when absent. */
static int get(long dev, const char *oid, struct agent_value *val)
{
	struct agent_view v;
	uint32_t a[BER_MAX_ARCS];
	size_t n;

	assert_int_equal(oid_parse(oid, strlen(oid), a, BER_MAX_ARCS, &n), 0);
	fleet_view(&f, (size_t)dev, &v);
	return view_get(&v, a, n, val);
}

static void expect_str(long dev, const char *oid, const char *want)
{
	struct agent_value v;

	assert_int_equal(get(dev, oid, &v), 1);
	assert_int_equal(v.len, strlen(want));
	assert_memory_equal(v.p, want, v.len);
}

static void expect_int(long dev, const char *oid, int64_t want)
{
	struct agent_value v;
	struct ber_tlv t;
	int64_t got;

	assert_int_equal(get(dev, oid, &v), 1);
	t.tag = v.tag;
	t.p = v.p;
	t.len = v.len;
	assert_int_equal(ber_int_value(&t, &got), 0);
	assert_int_equal(got, want);
}

static void addresses(void **state)
{
	uint32_t a;
	uint16_t p;
	char buf[32];

	(void)state;
	assert_int_equal(fleet_parse_addr("127.1.2.3", 161, &a, &p), 0);
	assert_int_equal(a, 0x7f010203);
	assert_int_equal(p, 161);
	assert_int_equal(fleet_parse_addr("127.1.2.3:16100", 161, &a, &p), 0);
	assert_int_equal(p, 16100);
	assert_string_equal(fleet_format_addr(a, p, buf, sizeof buf), "127.1.2.3:16100");
	assert_int_equal(fleet_parse_addr("10.0.0.1", 161, &a, &p), -1); /* loopback only */
	assert_int_equal(fleet_parse_addr("0.0.0.0", 161, &a, &p), -1);
	assert_int_equal(fleet_parse_addr("127.0.0.0", 161, &a, &p), -1);
	assert_int_equal(fleet_parse_addr("127.255.255.255", 161, &a, &p), -1);
	assert_int_equal(fleet_parse_addr("127.1.2.256", 161, &a, &p), -1);
	assert_int_equal(fleet_parse_addr("127.1.2.3:0", 161, &a, &p), -1);
	assert_int_equal(fleet_parse_addr("127.1.2.3:65536", 161, &a, &p), -1);
	assert_int_equal(fleet_parse_addr("127.1.2.3:x", 161, &a, &p), -1);
	assert_int_equal(fleet_parse_addr("127.1.2.3x", 161, &a, &p), -1);
	assert_int_equal(fleet_parse_addr("127.1.2", 161, &a, &p), -1);
}

static void tokens(void **state)
{
	char buf[256], *tok[8];

	(void)state;
	assert_int_equal(fleet_tokenize("  a b\t\"c d\" e=\"f g\" h\\ i # comment", buf, sizeof buf, tok, 8), 5);
	assert_string_equal(tok[0], "a");
	assert_string_equal(tok[2], "c d");
	assert_string_equal(tok[3], "e=f g");
	assert_string_equal(tok[4], "h i");
	assert_int_equal(fleet_tokenize("\"open", buf, sizeof buf, tok, 8), -1);
	assert_int_equal(fleet_tokenize("a b c", buf, sizeof buf, tok, 2), -1);
	assert_int_equal(fleet_tokenize("   # only a comment", buf, sizeof buf, tok, 8), 0);
}

static void lines_and_keys(void **state)
{
	long d;
	struct agent_value v;
	static const uint8_t mac1[] = {0x02, 0, 0, 0, 0, 0xfe}, mac2[] = {0x02, 0, 0, 0, 0, 0xff};

	(void)state;
	d = add("127.1.0.1 public mini.snmprec name=\"PRN 1\" location=Hall mac=02:00:00:00:00:fe "
		"serial=X-9 level.1=100 1.3.6.1.4.1.5.0=2:-7 1.3.6.1.2.1.43.11.1.1.6.1.2=-");
	assert_true(d >= 0);
	expect_str(d, "1.3.6.1.2.1.1.5.0", "PRN 1");
	expect_str(d, "1.3.6.1.2.1.1.6.0", "Hall");
	expect_str(d, "1.3.6.1.2.1.43.5.1.1.17.1", "X-9");
	expect_str(d, "1.3.6.1.2.1.1.1.0", "Mini Printer, SN:X-9;FW 1.0");
	expect_int(d, "1.3.6.1.2.1.43.11.1.1.9.1.1", 100);
	expect_int(d, "1.3.6.1.2.1.43.11.1.1.9.1.2", -3); /* untouched */
	expect_int(d, "1.3.6.1.4.1.5.0", -7);
	assert_int_equal(get(d, "1.3.6.1.2.1.43.11.1.1.6.1.2", &v), 0);
	assert_int_equal(get(d, "1.3.6.1.2.1.2.2.1.6.2", &v), 1);
	assert_memory_equal(v.p, mac1, 6);
	assert_int_equal(get(d, "1.3.6.1.2.1.2.2.1.6.3", &v), 1);
	assert_memory_equal(v.p, mac2, 6);
	expect_str(d, "1.3.6.1.2.1.2.2.1.6.1", ""); /* the empty one stays empty */
	assert_int_equal(f.dev[d].port, 16100);

	/* errors name the problem and add nothing */
	assert_int_equal(add("127.1.0.1 public mini.snmprec"), -1); /* taken */
	assert_int_equal(add("127.1.0.2 public nosuch.snmprec"), -1);
	assert_int_equal(add("127.1.0.2 public mini.snmprec colour=red"), -1);
	assert_int_equal(add("127.1.0.2 public mini.snmprec level.9=1"), -1);
	assert_int_equal(add("127.1.0.2 public mini.snmprec mac=zz"), -1);
	assert_int_equal(add("127.1.0.2 public mini.snmprec 1.3.6.1=2:x"), -1);
	assert_int_equal(add("127.1.0.2 public mini.snmprec delay=abc"), -1);
	assert_int_equal(add("192.168.1.1 public mini.snmprec"), -1);
	assert_int_equal(add("127.1.0.2 public"), -1);
	assert_int_equal(f.live, 1);
	assert_true(fleet_find(&f, 0x7f010002, 16100) < 0);

	/* the same walk file is loaded once */
	assert_true(add("127.1.0.2:16200 other mini.snmprec delay=50 silent=on garbage=badber") >= 0);
	assert_int_equal(f.nwalks, 1);
	assert_int_equal(f.ncommunities, 2);
	d = fleet_find(&f, 0x7f010002, 16200);
	assert_true(d >= 0);
	assert_int_equal(f.dev[d].delay_ms, 50);
	assert_int_equal(f.dev[d].silent, 1);
	assert_int_equal(f.dev[d].garbage, GARBAGE_BADBER);
}

static void fleet_file(void **state)
{
	char path[] = "/tmp/sim-fleet-XXXXXX", err[512];
	FILE *fp;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fprintf(fp, "# a store\n\n127.2.0.1 public %s/mini.snmprec\n  127.2.0.2 public mini.snmprec # x\n", DATA);
	fclose(fp);
	assert_int_equal(fleet_load_file(&f, path, err, sizeof err), 2);
	fp = fopen(path, "a");
	fprintf(fp, "127.2.0.3 public mini.snmprec bogus\n");
	fclose(fp);
	fleet_free(&f);
	setup(NULL);
	assert_int_equal(fleet_load_file(&f, path, err, sizeof err), -1);
	assert_non_null(strstr(err, ":5: bogus: want key=value"));
	unlink(path);
}

static void generator(void **state)
{
	static const char *const walks[] = {"mini.snmprec", DATA "/mini.snmprec"};
	struct fleet_gen g = {0};
	char err[512];
	FILE *out = tmpfile();
	size_t i, j, lines = 0;
	struct agent_value a, b;

	(void)state;
	g.count = 300;
	g.base = 0x7f0100fe; /* 127.1.0.254: next comes .1.1 after skipping .255 and .1.0 */
	g.port = 16100;
	g.community = "public";
	g.walks = walks;
	g.nwalks = 2;
	g.store_size = 10;
	g.seed = 7;
	assert_int_equal(fleet_generate(&f, &g, out, err, sizeof err), 300);
	assert_int_equal(f.nwalks, 1); /* two names of one file: one copy */
	assert_int_equal(f.live, 300);
	assert_int_equal(f.dev[0].addr, 0x7f0100fe);
	assert_int_equal(f.dev[1].addr, 0x7f010101);
	for (i = 0; i < f.n; i++) {
		assert_true((f.dev[i].addr & 0xff) != 0 && (f.dev[i].addr & 0xff) != 0xff);
		assert_true(fleet_find(&f, f.dev[i].addr, 16100) == (long)i);
	}
	expect_str(0, "1.3.6.1.2.1.1.5.0", "st0001-prn01");
	expect_str(11, "1.3.6.1.2.1.1.6.0", "Store 0002");
	expect_str(299, "1.3.6.1.2.1.43.5.1.1.17.1", "SIM00000300");
	/* MACs are unique across devices and interfaces */
	for (i = 0; i < 40; i++) {
		assert_int_equal(get((long)i, "1.3.6.1.2.1.2.2.1.6.2", &a), 1);
		for (j = i + 1; j < 40; j++) {
			assert_int_equal(get((long)j, "1.3.6.1.2.1.2.2.1.6.2", &b), 1);
			assert_memory_not_equal(a.p, b.p, 6);
		}
	}
	/* toner levels vary but stay within the capacity; the special -3 is kept */
	{
		int64_t first = -1;
		int differ = 0;
		for (i = 0; i < 50; i++) {
			struct ber_tlv t;
			int64_t lvl;
			assert_int_equal(get((long)i, "1.3.6.1.2.1.43.11.1.1.9.1.1", &a), 1);
			t.tag = a.tag;
			t.p = a.p;
			t.len = a.len;
			assert_int_equal(ber_int_value(&t, &lvl), 0);
			assert_true(lvl >= 0 && lvl <= 2300);
			if (first < 0)
				first = lvl;
			else if (lvl != first)
				differ = 1;
			expect_int((long)i, "1.3.6.1.2.1.43.11.1.1.9.1.2", -3);
		}
		assert_true(differ);
	}
	/* the written fleet reads back into the same devices */
	rewind(out);
	for (int c; (c = fgetc(out)) != EOF;)
		lines += c == '\n';
	assert_int_equal(lines, 300);
	fclose(out);

	/* running out of 127/8 is an error */
	fleet_free(&f);
	setup(NULL);
	g.base = 0x7ffffffd;
	g.count = 5;
	assert_int_equal(fleet_generate(&f, &g, NULL, err, sizeof err), -1);
}

static int ctl(const char *cmd, char *out)
{
	return ctl_exec(&f, cmd, out, 4096);
}

static void control(void **state)
{
	char out[4096];
	long d;
	struct agent_value v;

	(void)state;
	assert_true(add("127.3.1.1 public mini.snmprec") >= 0);
	assert_true(add("127.3.1.2 public mini.snmprec") >= 0);
	assert_true(add("127.3.2.1 public mini.snmprec") >= 0);

	assert_int_equal(ctl("set 127.3.1.1 1.3.6.1.2.1.1.5.0 s new name with spaces", out), 0);
	assert_string_equal(out, "ok devices=1");
	expect_str(0, "1.3.6.1.2.1.1.5.0", "new name with spaces");
	assert_int_equal(ctl("set 127.3.1.1:16100 1.3.6.1.2.1.43.11.1.1.9.1.1 i 5", out), 0);
	expect_int(0, "1.3.6.1.2.1.43.11.1.1.9.1.1", 5);
	assert_int_equal(ctl("set 127.3.1.1 1.3.6.1.2.1.2.2.1.6.2 x 02 00 00 AA BB CC", out), 0);
	assert_int_equal(get(0, "1.3.6.1.2.1.2.2.1.6.2", &v), 1);
	assert_int_equal(v.len, 6);
	assert_int_equal(ctl("set 127.3.1.1 1.3.6.1.2.1.1.4.0 s \"\"", out), 0);
	expect_str(0, "1.3.6.1.2.1.1.4.0", "");
	assert_int_equal(ctl("set 127.3.1.1 1.3.6.1.2.1.1.3.0 C 18446744073709551615", out), 0);
	assert_int_equal(ctl("set 127.3.1.1 1.3.6.1.2.1.1.5.0 i notanumber", out), -1);
	assert_int_equal(ctl("set 127.3.1.1 1.3.xx i 1", out), -1);
	assert_int_equal(ctl("set 127.3.1.1 1.3.6.1.2.1.1.5.0 q 1", out), -1);
	assert_int_equal(ctl("set 127.3.9.9 1.3.6.1.2.1.1.5.0 i 1", out), -1);
	assert_non_null(strstr(out, "no device at 127.3.9.9:16100"));

	assert_int_equal(ctl("unset 127.3.1.1 1.3.6.1.2.1.1.6.0", out), 0);
	assert_int_equal(get(0, "1.3.6.1.2.1.1.6.0", &v), 0);
	assert_int_equal(ctl("revert 127.3.1.1 1.3.6.1.2.1.1.6.0", out), 0);
	assert_int_equal(get(0, "1.3.6.1.2.1.1.6.0", &v), 1);

	/* a whole store at once */
	assert_int_equal(ctl("silent 127.3.1.0/24 on", out), 0);
	assert_string_equal(out, "ok devices=2");
	assert_int_equal(f.dev[0].silent, 1);
	assert_int_equal(f.dev[1].silent, 1);
	assert_int_equal(f.dev[2].silent, 0);
	assert_int_equal(ctl("silent 127.3.1.2 off", out), 0);
	assert_int_equal(ctl("silent 127.3.1.2 maybe", out), -1);
	assert_int_equal(ctl("garbage 127.0.0.0/8 truncated", out), 0);
	assert_string_equal(out, "ok devices=3");
	assert_int_equal(f.dev[2].garbage, GARBAGE_TRUNCATED);
	assert_int_equal(ctl("garbage 127.3.2.1 off", out), 0);
	assert_int_equal(ctl("delay 127.3.2.1 250", out), 0);
	assert_int_equal(f.dev[2].delay_ms, 250);
	assert_int_equal(ctl("delay 127.3.2.1 -1", out), -1);
	assert_int_equal(ctl("silent 127.9.0.0/16 on", out), -1);
	assert_int_equal(ctl("silent 10.0.0.0/8 on", out), -1);

	/* reboot: sysUpTime starts again */
	f.now_ms += 5000;
	assert_int_equal(ctl("reboot 127.3.2.1", out), 0);
	f.now_ms += 1230;
	assert_int_equal(ctl("show 127.3.2.1", out), 0);
	assert_non_null(strstr(out, "uptime_cs=123"));
	assert_non_null(strstr(out, "delay_ms=250"));

	/* move: answers at the new address only; the old one is free again */
	assert_int_equal(ctl("move 127.3.1.1 127.3.1.77", out), 0);
	assert_string_equal(out, "ok address=127.3.1.77:16100");
	assert_true(fleet_find(&f, 0x7f030101, 16100) < 0);
	d = fleet_find(&f, 0x7f03014d, 16100);
	assert_int_equal(d, 0);
	expect_str(d, "1.3.6.1.2.1.1.5.0", "new name with spaces");
	assert_int_equal(ctl("move 127.3.1.77 127.3.1.2", out), -1); /* taken */
	assert_int_equal(ctl("move 127.3.1.77 10.0.0.1", out), -1);

	/* reset, remove, add */
	assert_int_equal(ctl("reset 127.3.1.77", out), 0);
	expect_str(0, "1.3.6.1.2.1.1.5.0", "mini-1");
	assert_int_equal(f.dev[0].silent, 0);
	assert_int_equal(ctl("remove 127.3.1.77", out), 0);
	assert_string_equal(out, "ok devices=2");
	assert_int_equal(ctl("show 127.3.1.77", out), -1);
	assert_int_equal(ctl("add 127.3.1.1 public mini.snmprec name=\"back again\"", out), 0);
	d = fleet_find(&f, 0x7f030101, 16100);
	assert_true(d >= 0);
	expect_str(d, "1.3.6.1.2.1.1.5.0", "back again");
	assert_int_equal(ctl("add 127.3.1.1 public mini.snmprec", out), -1);

	/* the rest */
	assert_int_equal(ctl("stats", out), 0);
	assert_non_null(strstr(out, "devices=3 walks=1"));
	assert_int_equal(ctl("ping", out), 0);
	assert_int_equal(ctl("help", out), 0);
	assert_int_equal(ctl("", out), -1);
	assert_int_equal(ctl("frobnicate", out), -1);
	assert_int_equal(ctl("silent", out), -1);
	assert_non_null(strstr(out, "usage: silent"));
	assert_int_equal(ctl("silent 127.3.2.1 on extra", out), -1);
	assert_int_equal(ctl("stats\r\n", out), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(addresses),
	cmocka_unit_test(tokens),
	cmocka_unit_test_setup_teardown(lines_and_keys, setup, teardown),
	cmocka_unit_test_setup_teardown(fleet_file, setup, teardown),
	cmocka_unit_test_setup_teardown(generator, setup, teardown),
	cmocka_unit_test_setup_teardown(control, setup, teardown),
};

UNIT_MAIN(tests)
