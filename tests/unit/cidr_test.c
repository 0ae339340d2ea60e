#include "unit.h"

#include "cidr.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

/* ---- cidr_parse: one table of what is accepted (and how it reads back) and what is not ---- */

static const struct {
	const char *text;
	uint32_t network;
	unsigned prefix;
} good[] = {
	{ "10.1.2.0/24", 0x0a010200u, 24 },
	{ "192.168.0.0/16", 0xc0a80000u, 16 },
	{ "10.0.0.0/8", 0x0a000000u, 8 },
	{ "172.16.5.4/32", 0xac100504u, 32 },
	{ "172.16.5.4/31", 0xac100504u, 31 },
	{ "172.16.5.0/30", 0xac100500u, 30 },
	{ "0.0.0.0/0", 0, 0 },
	{ "255.255.255.255/32", 0xffffffffu, 32 },
	{ "100.64.0.0/10", 0x64400000u, 10 },
	{ "0.0.0.0/1", 0, 1 },
	{ "128.0.0.0/1", 0x80000000u, 1 },
};

static const struct {
	const char *text;
	const char *needle;     /* in the message */
} bad[] = {
	{ "", "CIDR notation" },
	{ "10.1.2.0", "CIDR notation" },         /* no prefix: a host is not a network */
	{ "10.1.2.0/", "CIDR notation" },
	{ "/24", "CIDR notation" },
	{ "10.1.2/24", "CIDR notation" },        /* three octets (PostgreSQL would guess) */
	{ "10.1.2.0.0/24", "CIDR notation" },
	{ "10.1.2.256/32", "CIDR notation" },
	{ "256.1.2.0/24", "CIDR notation" },
	{ "10.1.2.0/33", "CIDR notation" },
	{ "10.1.2.0/024", "CIDR notation" },     /* leading zero in the prefix */
	{ "10.01.2.0/24", "CIDR notation" },     /* leading zero: octal to inet_aton */
	{ "10.1.2.00/24", "CIDR notation" },
	{ "010.1.2.0/24", "CIDR notation" },
	{ " 10.1.2.0/24", "CIDR notation" },     /* blanks are the caller's to trim */
	{ "10.1.2.0/24 ", "CIDR notation" },
	{ "10.1.2.0/24\n", "CIDR notation" },
	{ "10.1.2.0 /24", "CIDR notation" },
	{ "10.1.2.-1/24", "CIDR notation" },
	{ "+10.1.2.0/24", "CIDR notation" },
	{ "10.1.2.0/+24", "CIDR notation" },
	{ "0x0a.1.2.0/24", "CIDR notation" },
	{ "10.1.2.0/24/8", "CIDR notation" },
	{ "10.1.2.0/2 4", "CIDR notation" },
	{ "fe80::/64", "CIDR notation" },
	{ "1000.1.2.0/24", "CIDR notation" },
	{ "10.1.2.3/24", "10.1.2.3/24 has host bits set; did you mean 10.1.2.0/24?" },
	{ "10.1.2.255/24", "did you mean 10.1.2.0/24?" },
	{ "10.1.2.1/31", "did you mean 10.1.2.0/31?" },
	{ "10.1.2.0/8", "did you mean 10.0.0.0/8?" },
	{ "1.0.0.0/0", "did you mean 0.0.0.0/0?" },
	{ "255.255.255.255/1", "did you mean 128.0.0.0/1?" },
};

static void parse_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct cidr c = { 1, 99 };
		struct err e;
		char back[CIDR_TEXT];

		err_clear(&e);
		if (cidr_parse(good[i].text, &c, &e) != 0)
			fail_msg("[%s] refused: %s", good[i].text, e.msg);
		if (c.network != good[i].network || c.prefix != good[i].prefix)
			fail_msg("[%s] read as %08x/%u", good[i].text, c.network, c.prefix);
		cidr_format(&c, back);
		if (strcmp(back, good[i].text) != 0)
			fail_msg("[%s] formats back as [%s]", good[i].text, back);
	}
}

static void parse_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cidr c = { 0x01020304u, 7 };
		struct err e;

		err_clear(&e);
		if (cidr_parse(bad[i].text, &c, &e) != ERR_INVALID)
			fail_msg("[%s] accepted", bad[i].text);
		if (strstr(e.msg, bad[i].needle) == NULL)
			fail_msg("[%s]: message \"%s\" lacks \"%s\"", bad[i].text, e.msg, bad[i].needle);
		if (c.network != 0x01020304u || c.prefix != 7)
			fail_msg("[%s]: the output changed although refused", bad[i].text);
		if (strchr(e.msg, '\n') != NULL)
			fail_msg("[%s]: the message has a line end: %s", bad[i].text, e.msg);
	}
	assert_int_equal(cidr_parse(NULL, &(struct cidr){ 0 }, NULL), ERR_INVALID);
}

/* A refused item is quoted shortened, cut at a character, with controls made visible. */
static void parse_message_quotes_safely(void **state)
{
	(void)state;
	struct cidr c;
	struct err e;
	char long_text[200];

	memset(long_text, '9', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	err_clear(&e);
	assert_int_equal(cidr_parse(long_text, &c, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"9999999999999999999999999999999999999999\xe2\x80\xa6\""));
	/* Two-byte Cyrillic letters after one ASCII byte: byte 40 is inside a letter, which goes. */
	err_clear(&e);
	assert_int_equal(cidr_parse("xсеть-магазина-тверская/24", &c, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"xсеть-магазина-тверск\xe2\x80\xa6\""));
	err_clear(&e);
	assert_int_equal(cidr_parse("10.1.2.0/24\r\n<b>", &c, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "\"10.1.2.0/24?" "?<b>\""));
}

/* ---- addresses, membership ---- */

static void addresses(void **state)
{
	(void)state;
	uint32_t a = 0;
	char text[CIDR_ADDR_TEXT];

	assert_int_equal(cidr_addr_parse("10.1.2.3", &a, NULL), 0);
	assert_int_equal(a, 0x0a010203u);
	cidr_addr_format(a, text);
	assert_string_equal(text, "10.1.2.3");
	cidr_addr_format(0xffffffffu, text);
	assert_string_equal(text, "255.255.255.255");
	cidr_addr_format(0, text);
	assert_string_equal(text, "0.0.0.0");
	assert_int_equal(cidr_addr_parse("10.1.2", &a, NULL), ERR_INVALID);
	assert_int_equal(cidr_addr_parse("10.1.2.3/32", &a, NULL), ERR_INVALID);
	assert_int_equal(cidr_addr_parse("10.1.2.03", &a, NULL), ERR_INVALID);
	assert_int_equal(cidr_addr_parse(NULL, &a, NULL), ERR_INVALID);

	assert_int_equal(cidr_mask(0), 0);
	assert_int_equal(cidr_mask(1), 0x80000000u);
	assert_int_equal(cidr_mask(24), 0xffffff00u);
	assert_int_equal(cidr_mask(31), 0xfffffffeu);
	assert_int_equal(cidr_mask(32), 0xffffffffu);
}

static void contains(void **state)
{
	(void)state;
	static const struct {
		const char *net;
		const char *addr;
		bool in;
	} cases[] = {
		{ "10.1.2.0/24", "10.1.2.0", true },      /* the network address itself */
		{ "10.1.2.0/24", "10.1.2.77", true },
		{ "10.1.2.0/24", "10.1.2.255", true },    /* and the broadcast one */
		{ "10.1.2.0/24", "10.1.3.0", false },
		{ "10.1.2.0/24", "10.1.1.255", false },
		{ "10.1.2.0/24", "11.1.2.7", false },
		{ "10.1.2.4/32", "10.1.2.4", true },
		{ "10.1.2.4/32", "10.1.2.5", false },
		{ "10.1.2.4/31", "10.1.2.5", true },
		{ "10.1.2.4/31", "10.1.2.6", false },
		{ "0.0.0.0/0", "203.0.113.9", true },
		{ "128.0.0.0/1", "127.255.255.255", false },
		{ "128.0.0.0/1", "255.255.255.255", true },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cidr c;
		uint32_t a;

		assert_int_equal(cidr_parse(cases[i].net, &c, NULL), 0);
		assert_int_equal(cidr_addr_parse(cases[i].addr, &a, NULL), 0);
		if (cidr_contains(&c, a) != cases[i].in)
			fail_msg("%s contains %s: want %s", cases[i].net, cases[i].addr,
				 cases[i].in ? "yes" : "no");
	}
}

static void overlaps(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		bool overlap;
	} cases[] = {
		{ "10.1.0.0/16", "10.1.2.0/24", true },
		{ "10.1.2.0/24", "10.1.0.0/16", true },
		{ "10.1.2.0/24", "10.1.2.0/24", true },
		{ "10.1.2.0/24", "10.1.3.0/24", false },
		{ "10.1.2.0/25", "10.1.2.128/25", false },
		{ "10.1.2.128/25", "10.1.2.200/32", true },
		{ "10.0.0.0/8", "11.0.0.0/8", false },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cidr a, b;

		assert_int_equal(cidr_parse(cases[i].a, &a, NULL), 0);
		assert_int_equal(cidr_parse(cases[i].b, &b, NULL), 0);
		if (cidr_overlaps(&a, &b) != cases[i].overlap)
			fail_msg("%s overlaps %s: want %s", cases[i].a, cases[i].b,
				 cases[i].overlap ? "yes" : "no");
	}
}

/* ---- hosts: counts and the iteration's bounds ---- */

static void host_iteration(void **state)
{
	(void)state;
	static const struct {
		const char *net;
		uint64_t count;
		const char *first, *last;
	} cases[] = {
		{ "10.1.2.0/24", 254, "10.1.2.1", "10.1.2.254" },
		{ "10.1.2.0/30", 2, "10.1.2.1", "10.1.2.2" },
		{ "10.1.2.8/29", 6, "10.1.2.9", "10.1.2.14" },
		{ "10.1.2.4/31", 2, "10.1.2.4", "10.1.2.5" },    /* RFC 3021: both are hosts */
		{ "10.1.2.4/32", 1, "10.1.2.4", "10.1.2.4" },
		{ "10.0.0.0/8", 16777214, "10.0.0.1", "10.255.255.254" },
		{ "172.16.0.0/12", 1048574, "172.16.0.1", "172.31.255.254" },
		{ "255.255.255.0/24", 254, "255.255.255.1", "255.255.255.254" },
		{ "0.0.0.0/0", 4294967294u, "0.0.0.1", "255.255.255.254" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cidr c;
		uint32_t first = 0, last = 0, beyond = 0x5a5a5a5au;
		char f[CIDR_ADDR_TEXT], l[CIDR_ADDR_TEXT];
		uint64_t n;

		assert_int_equal(cidr_parse(cases[i].net, &c, NULL), 0);
		n = cidr_host_count(&c);
		if (n != cases[i].count)
			fail_msg("%s: %llu hosts, want %llu", cases[i].net, (unsigned long long)n,
				 (unsigned long long)cases[i].count);
		assert_int_equal(cidr_host_at(&c, 0, &first), 0);
		assert_int_equal(cidr_host_at(&c, n - 1, &last), 0);
		cidr_addr_format(first, f);
		cidr_addr_format(last, l);
		if (strcmp(f, cases[i].first) != 0 || strcmp(l, cases[i].last) != 0)
			fail_msg("%s: hosts %s..%s, want %s..%s", cases[i].net, f, l, cases[i].first,
				 cases[i].last);
		/* One past the end is refused and leaves the output alone. */
		assert_int_equal(cidr_host_at(&c, n, &beyond), ERR_LIMIT);
		assert_int_equal(cidr_host_at(&c, UINT64_MAX, &beyond), ERR_LIMIT);
		assert_int_equal(beyond, 0x5a5a5a5au);
		assert_true(cidr_contains(&c, first) && cidr_contains(&c, last));
	}
}

/* Walking a /26 visits every host once, in order, inside the network. */
static void host_walk(void **state)
{
	(void)state;
	struct cidr c;
	uint32_t prev = 0, a = 0;

	assert_int_equal(cidr_parse("192.168.10.64/26", &c, NULL), 0);
	assert_int_equal(cidr_host_count(&c), 62);
	for (uint64_t i = 0; i < cidr_host_count(&c); i++) {
		assert_int_equal(cidr_host_at(&c, i, &a), 0);
		assert_true(cidr_contains(&c, a));
		assert_true(a != c.network && a != (c.network | ~cidr_mask(c.prefix)));
		if (i > 0)
			assert_int_equal(a, prev + 1);
		prev = a;
	}
}

/* ---- a store's list of subnets ---- */

static void list_good(void **state)
{
	(void)state;
	static const char *const one[] = { "10.1.2.0/24" };
	static const char *const several[] = { "10.1.2.0/24", "10.1.3.0/24", "192.168.7.0/28",
					       "10.2.0.0/16", "172.16.1.9/32", "172.16.1.10/31" };
	static const char *const edges[] = { "10.0.0.0/8", "11.0.0.0/32" };
	struct cidr out[CIDR_STORE_MAX];
	struct cidr_problem p;
	char text[CIDR_TEXT];

	assert_int_equal(cidr_list_check(NULL, 0, out, &p, NULL), 0);
	assert_int_equal(p.fault, CIDR_FAULT_NONE);
	assert_int_equal(cidr_list_check(one, 1, out, &p, NULL), 0);
	cidr_format(&out[0], text);
	assert_string_equal(text, "10.1.2.0/24");
	assert_int_equal(cidr_list_check(several, 6, out, &p, NULL), 0);
	for (size_t i = 0; i < 6; i++) {
		cidr_format(&out[i], text);
		assert_string_equal(text, several[i]);
	}
	assert_int_equal(cidr_list_check(edges, 2, out, NULL, NULL), 0);
}

static void list_limits(void **state)
{
	(void)state;
	char texts[CIDR_STORE_MAX + 1][32];
	const char *items[CIDR_STORE_MAX + 1];
	struct cidr out[CIDR_STORE_MAX];
	struct cidr_problem p;
	struct err e;

	for (int i = 0; i <= CIDR_STORE_MAX; i++) {
		snprintf(texts[i], sizeof texts[i], "10.%d.0.0/16", i);
		items[i] = texts[i];
	}
	/* The most a store may have. */
	assert_int_equal(cidr_list_check(items, CIDR_STORE_MAX, out, &p, NULL), 0);
	/* One more is refused before anything is read. */
	err_clear(&e);
	assert_int_equal(cidr_list_check(items, CIDR_STORE_MAX + 1, out, &p, &e), ERR_INVALID);
	assert_int_equal(p.fault, CIDR_FAULT_TOO_MANY);
	assert_int_equal(p.index, CIDR_STORE_MAX + 1);
	assert_string_equal(e.msg, "a store has at most 32 subnets, not 33");
}

static void list_bad(void **state)
{
	(void)state;
	static const struct {
		const char *items[4];
		size_t n;
		enum cidr_fault fault;
		size_t index;
		const char *item, *other;
		bool inner;
		const char *message;
	} cases[] = {
		{ { "10.1.2.0/24", "10.1.2.3/24" }, 2, CIDR_FAULT_HOST_BITS, 1, "10.1.2.3/24", "10.1.2.0/24",
		  false, "10.1.2.3/24 has host bits set; did you mean 10.1.2.0/24?" },
		{ { "shop-lan" }, 1, CIDR_FAULT_SYNTAX, 0, "shop-lan", "", false,
		  "subnet \"shop-lan\" is not an IPv4 network in CIDR notation such as 10.1.2.0/24" },
		{ { "10.1.2.0/24", "" }, 2, CIDR_FAULT_SYNTAX, 1, "", "", false,
		  "subnet \"\" is not an IPv4 network in CIDR notation such as 10.1.2.0/24" },
		{ { "0.0.0.0/0" }, 1, CIDR_FAULT_PREFIX, 0, "0.0.0.0/0", "", false,
		  "subnet 0.0.0.0/0: the prefix length must be /8 to /32" },
		{ { "10.0.0.0/7" }, 1, CIDR_FAULT_PREFIX, 0, "10.0.0.0/7", "", false,
		  "subnet 10.0.0.0/7: the prefix length must be /8 to /32" },
		{ { "10.1.2.0/24", "10.1.3.0/24", "10.1.2.0/24" }, 3, CIDR_FAULT_DUPLICATE, 2,
		  "10.1.2.0/24", "10.1.2.0/24", false, "subnet 10.1.2.0/24 is listed twice" },
		{ { "172.16.1.9/32", "172.16.1.9/32" }, 2, CIDR_FAULT_DUPLICATE, 1, "172.16.1.9/32",
		  "172.16.1.9/32", false, "subnet 172.16.1.9/32 is listed twice" },
		{ { "10.1.0.0/16", "10.1.2.0/24" }, 2, CIDR_FAULT_OVERLAP, 1, "10.1.2.0/24", "10.1.0.0/16",
		  true, "subnet 10.1.2.0/24 lies inside 10.1.0.0/16, which is listed already" },
		{ { "10.1.2.0/24", "10.0.0.0/8" }, 2, CIDR_FAULT_OVERLAP, 1, "10.0.0.0/8", "10.1.2.0/24",
		  false, "subnet 10.0.0.0/8 contains 10.1.2.0/24, which is listed already" },
		{ { "10.1.2.4/31", "10.1.2.5/32" }, 2, CIDR_FAULT_OVERLAP, 1, "10.1.2.5/32", "10.1.2.4/31",
		  true, "subnet 10.1.2.5/32 lies inside 10.1.2.4/31, which is listed already" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cidr out[CIDR_STORE_MAX];
		struct cidr_problem p;
		struct err e;

		err_clear(&e);
		if (cidr_list_check(cases[i].items, cases[i].n, out, &p, &e) != ERR_INVALID)
			fail_msg("case %zu accepted", i);
		if (p.fault != cases[i].fault || p.index != cases[i].index ||
		    strcmp(p.item, cases[i].item) != 0 || strcmp(p.other, cases[i].other) != 0 ||
		    p.inner != cases[i].inner)
			fail_msg("case %zu: fault %d index %zu item [%s] other [%s] inner %d", i, p.fault,
				 p.index, p.item, p.other, p.inner);
		if (strcmp(e.msg, cases[i].message) != 0)
			fail_msg("case %zu: message \"%s\", want \"%s\"", i, e.msg, cases[i].message);
		/* Without a problem struct the answer and the message are the same. */
		err_clear(&e);
		assert_int_equal(cidr_list_check(cases[i].items, cases[i].n, out, NULL, &e), ERR_INVALID);
		assert_string_equal(e.msg, cases[i].message);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_good),
	cmocka_unit_test(parse_bad),
	cmocka_unit_test(parse_message_quotes_safely),
	cmocka_unit_test(addresses),
	cmocka_unit_test(contains),
	cmocka_unit_test(overlaps),
	cmocka_unit_test(host_iteration),
	cmocka_unit_test(host_walk),
	cmocka_unit_test(list_good),
	cmocka_unit_test(list_limits),
	cmocka_unit_test(list_bad),
};

UNIT_MAIN(tests)
