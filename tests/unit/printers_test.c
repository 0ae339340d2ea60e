/*
 * printers: the validation rules of a printer (printers_check and its helpers), table-driven:
 * addresses, host names, communities, MACs, ports, USB label printers, defaults on create and
 * merging over a stored printer on update.
 */
#include "printers.h"

#include "arena.h"

#include <stdio.h>
#include <string.h>

#include "unit.h"

static struct arena *A;

static int setup(void **state)
{
	(void)state;
	A = arena_new(64 * 1024, 16u << 20);
	return A == NULL;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(A);
	return 0;
}

static void ipv4_addresses(void **state)
{
	static const char *const good[] = { "192.168.1.20", "10.0.0.1", "1.2.3.4", "127.1.0.5",
					    "223.255.255.254", "172.16.0.0", "8.8.8.8",
					    "100.64.0.255" };
	static const char *const bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256",
					   "01.2.3.4", "1.02.3.4", "1.2.3.004", "0.1.2.3",
					   "224.0.0.1", "255.255.255.255", "1.2.3.4 ", " 1.2.3.4",
					   "1..3.4", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.4/24",
					   "1.2.3.-4", "1.2.3.4:161", "printer.local", "1234.1.1.1",
					   "1,2,3,4", "0x1.2.3.4" };

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!printers_ipv4_valid(good[i]))
			fail_msg("\"%s\" refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (printers_ipv4_valid(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	assert_false(printers_ipv4_valid(NULL));
}

static void host_names(void **state)
{
	char long_label[80], long_name[300];
	static const char *const good[] = { "pc-014", "KASSA1", "pc1.store.example", "10.1.2.3",
					    "a", "x-1.y-2" };
	static const char *const bad[] = { "", "-pc", "pc-", "pc_1", "pc 1", "pc..store",
					   ".pc", "pc.", "10.1.2.300", "пк-1", "pc;rm", "1.2.3" };

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		if (!printers_host_valid(good[i]))
			fail_msg("\"%s\" refused", good[i]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (printers_host_valid(bad[i]))
			fail_msg("\"%s\" accepted", bad[i]);
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	assert_false(printers_host_valid(long_label));           /* a label of 64 */
	long_label[63] = '\0';
	assert_true(printers_host_valid(long_label));            /* 63 is fine */
	for (size_t i = 0; i < 254; i++)
		long_name[i] = i % 10 == 9 ? '.' : 'a';
	long_name[254] = '\0';
	assert_false(printers_host_valid(long_name));            /* 254 bytes */
	long_name[253] = '\0';
	assert_true(printers_host_valid(long_name));
}

static void communities(void **state)
{
	char s[300];

	(void)state;
	assert_true(printers_community_valid("public"));
	assert_true(printers_community_valid("s3cr3t community!~"));
	assert_false(printers_community_valid(""));
	assert_false(printers_community_valid(NULL));
	assert_false(printers_community_valid("tab\there"));
	assert_false(printers_community_valid("new\nline"));
	assert_false(printers_community_valid("del\x7f"));
	assert_false(printers_community_valid("сообщество"));   /* not ASCII */
	memset(s, 'c', 255);
	s[255] = '\0';
	assert_true(printers_community_valid(s));
	s[255] = 'c';
	s[256] = '\0';
	assert_false(printers_community_valid(s));
}

static void kinds(void **state)
{
	(void)state;
	assert_true(printers_kind_valid("laser_printer"));
	assert_true(printers_kind_valid("label_printer"));
	assert_false(printers_kind_valid("laser"));
	assert_false(printers_kind_valid("switch"));
	assert_false(printers_kind_valid(""));
	assert_false(printers_kind_valid(NULL));
}

/* One create case: the fields set, and "" for accepted or the start of the message. */
struct create_case {
	const char *what;
	struct printers_input in;
	const char *error;          /* NULL: accepted */
};

#define F(x) PRINTERS_F_##x
#define LASER(addr) .set = F(NAME) | F(ADDRESS), .name = "PRN-1", .address = addr
/* 50 characters, for the length limits. */
#define X50 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define Z50 "жжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжжж"
/* A laser printer at addr with more fields set. */
#define LASER_AND(addr, bits) .set = F(NAME) | F(ADDRESS) | (bits), .name = "PRN-1", .address = addr

static const struct create_case create_cases[] = {
	{ "a laser printer with defaults", { LASER("192.168.1.20") }, NULL },
	{ "no name", { .set = F(ADDRESS), .address = "10.0.0.1" }, "name: required" },
	{ "null name", { .set = F(NAME) | F(ADDRESS), .address = "10.0.0.1" }, "name: required" },
	{ "blank name", { .set = F(NAME) | F(ADDRESS), .name = "   ", .address = "10.0.0.1" },
	  "name: must be 1 to 200" },
	{ "control character in the name",
	  { .set = F(NAME) | F(ADDRESS), .name = "a\nb", .address = "10.0.0.1" }, "name: must be valid" },
	{ "invalid UTF-8 in the name",
	  { .set = F(NAME) | F(ADDRESS), .name = "a\xc3", .address = "10.0.0.1" }, "name: must be valid" },
	{ "Cyrillic name", { .set = F(NAME) | F(ADDRESS), .name = "Принтер кассы", .address = "10.0.0.1" },
	  NULL },
	{ "no address for a laser printer", { .set = F(NAME), .name = "P" }, "address: required" },
	{ "empty address", { LASER("") }, "address: required" },
	{ "bad address", { LASER("192.168.1.256") }, "address: not an IPv4" },
	{ "host name as address", { LASER("printer.local") }, "address: not an IPv4" },
	{ "leading zero", { LASER("192.168.01.2") }, "address: not an IPv4" },
	{ "unknown kind", { LASER_AND("10.0.0.1", F(KIND)), .kind = "inkjet" },
	  "kind: must be" },
	{ "laser on USB",
	  { .set = F(NAME) | F(CONNECTION) | F(HOST_PC), .name = "P", .connection = "usb",
	    .host_pc = "pc-1" }, "connection: only label printers" },
	{ "bad connection",
	  { .set = F(NAME) | F(ADDRESS) | F(CONNECTION), .name = "P", .address = "10.0.0.1",
	    .connection = "wifi" }, "connection: must be" },
	{ "USB label printer with its host PC",
	  { .set = F(NAME) | F(KIND) | F(CONNECTION) | F(HOST_PC), .name = "L", .kind = "label_printer",
	    .connection = "usb", .host_pc = "kassa-3" }, NULL },
	{ "USB label printer on a host PC given by address",
	  { .set = F(NAME) | F(KIND) | F(CONNECTION) | F(HOST_PC), .name = "L", .kind = "label_printer",
	    .connection = "usb", .host_pc = "10.1.2.3" }, NULL },
	{ "USB label printer without host_pc",
	  { .set = F(NAME) | F(KIND) | F(CONNECTION), .name = "L", .kind = "label_printer",
	    .connection = "usb" }, "host_pc: required" },
	{ "USB label printer with an empty host_pc",
	  { .set = F(NAME) | F(KIND) | F(CONNECTION) | F(HOST_PC), .name = "L", .kind = "label_printer",
	    .connection = "usb", .host_pc = "" }, "host_pc: required" },
	{ "USB label printer with an address",
	  { .set = F(NAME) | F(KIND) | F(CONNECTION) | F(HOST_PC) | F(ADDRESS), .name = "L",
	    .kind = "label_printer", .connection = "usb", .host_pc = "pc", .address = "10.0.0.9" },
	  "address: a USB label printer has no address" },
	{ "bad host_pc",
	  { .set = F(NAME) | F(KIND) | F(CONNECTION) | F(HOST_PC), .name = "L", .kind = "label_printer",
	    .connection = "usb", .host_pc = "pc; reboot" }, "host_pc: not a host name" },
	{ "IP label printer needs an address",
	  { .set = F(NAME) | F(KIND), .name = "L", .kind = "label_printer" }, "address: required" },
	{ "IP label printer", { LASER_AND("10.0.0.7", F(KIND)),
				.kind = "label_printer" }, NULL },
	{ "SNMPv1", { LASER_AND("10.0.0.1", F(SNMP_VERSION)), .snmp_version = "1" },
	  NULL },
	{ "SNMPv3", { LASER_AND("10.0.0.1", F(SNMP_VERSION)), .snmp_version = "3" },
	  "snmp_version: must be" },
	{ "SNMP version 2 (not 2c)",
	  { LASER_AND("10.0.0.1", F(SNMP_VERSION)), .snmp_version = "2" },
	  "snmp_version: must be" },
	{ "port 0", { LASER_AND("10.0.0.1", F(SNMP_PORT)), .snmp_port = 0 },
	  "snmp_port: must be 1 to 65535" },
	{ "port 1", { LASER_AND("10.0.0.1", F(SNMP_PORT)), .snmp_port = 1 }, NULL },
	{ "port 65535", { LASER_AND("10.0.0.1", F(SNMP_PORT)), .snmp_port = 65535 },
	  NULL },
	{ "port 65536", { LASER_AND("10.0.0.1", F(SNMP_PORT)), .snmp_port = 65536 },
	  "snmp_port: must be 1 to 65535" },
	{ "negative port", { LASER_AND("10.0.0.1", F(SNMP_PORT)), .snmp_port = -161 },
	  "snmp_port" },
	{ "a community", { LASER_AND("10.0.0.1", F(COMMUNITY)), .community = "s3cret" },
	  NULL },
	{ "empty community", { LASER_AND("10.0.0.1", F(COMMUNITY)), .community = "" },
	  "community: must be 1 to 255 printable ASCII" },
	{ "community with a newline",
	  { LASER_AND("10.0.0.1", F(COMMUNITY)), .community = "a\nb" },
	  "community: must be" },
	{ "non-ASCII community",
	  { LASER_AND("10.0.0.1", F(COMMUNITY)), .community = "пароль" },
	  "community: must be" },
	{ "MAC, Windows spelling", { LASER_AND("10.0.0.1", F(MAC)),
				     .mac = "00-1B-A9-12-34-56" }, NULL },
	{ "MAC, Cisco spelling", { LASER_AND("10.0.0.1", F(MAC)),
				   .mac = "001b.a912.3456" }, NULL },
	{ "MAC too short", { LASER_AND("10.0.0.1", F(MAC)), .mac = "00:1b:a9:12:34" },
	  "mac: not a MAC address" },
	{ "MAC with a bad digit", { LASER_AND("10.0.0.1", F(MAC)),
				    .mac = "00:1b:a9:12:34:5g" }, "mac: not a MAC address" },
	{ "all-zero MAC", { LASER_AND("10.0.0.1", F(MAC)), .mac = "00:00:00:00:00:00" },
	  "mac: not a MAC address" },
	{ "broadcast MAC", { LASER_AND("10.0.0.1", F(MAC)), .mac = "ff:ff:ff:ff:ff:ff" },
	  "mac: not a MAC address" },
	{ "empty MAC means none", { LASER_AND("10.0.0.1", F(MAC)), .mac = "" }, NULL },
	{ "negative store", { LASER_AND("10.0.0.1", F(STORE)), .store_id = -1 },
	  "store_id" },
	{ "model of 201 characters",
	  { LASER_AND("10.0.0.1", F(MODEL)),
	    .model = X50 X50 X50 X50 "x" },
	  "model: at most 200" },
	{ "name of 200 characters", { .set = F(NAME) | F(ADDRESS), .name = X50 X50 X50 X50,
				      .address = "10.0.0.1" }, NULL },
	{ "name of 201 characters", { .set = F(NAME) | F(ADDRESS), .name = X50 X50 X50 X50 "x",
				      .address = "10.0.0.1" }, "name: must be 1 to 200" },
	{ "name of 200 Cyrillic characters (400 bytes)",
	  { .set = F(NAME) | F(ADDRESS), .name = Z50 Z50 Z50 Z50, .address = "10.0.0.1" }, NULL },
};

static void create_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof create_cases / sizeof create_cases[0]; i++) {
		const struct create_case *c = &create_cases[i];
		struct printers_valid v;
		struct err e = { 0 };
		int rc = printers_check(&c->in, NULL, &v, A, &e);

		if (c->error == NULL && rc != 0)
			fail_msg("%s: refused: %s", c->what, e.msg);
		if (c->error != NULL && rc != ERR_INVALID)
			fail_msg("%s: accepted (rc %d), want \"%s...\"", c->what, rc, c->error);
		if (c->error != NULL && strncmp(e.msg, c->error, strlen(c->error)) != 0)
			fail_msg("%s: message \"%s\", want \"%s...\"", c->what, e.msg, c->error);
	}
}

static void create_defaults_and_normalising(void **state)
{
	struct printers_input in = { .set = F(NAME) | F(ADDRESS) | F(MAC) | F(MODEL) | F(COMMUNITY),
				     .name = "  Printer 1\t", .address = " 10.0.0.1 ",
				     .mac = "00-1B-A9-12-34-56", .model = " HP M252dw ",
				     .community = "s3cret" };
	struct printers_valid v;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(printers_check(&in, NULL, &v, A, &e), 0);
	assert_string_equal(v.v.kind, "laser_printer");
	assert_string_equal(v.v.connection, "ip");
	assert_string_equal(v.v.snmp_version, "2c");
	assert_int_equal(v.v.snmp_port, 161);
	assert_int_equal(v.v.store_id, 0);
	assert_null(v.v.host_pc);
	assert_string_equal(v.v.name, "Printer 1");
	assert_string_equal(v.v.model, "HP M252dw");
	assert_string_equal(v.v.address, "10.0.0.1");
	assert_string_equal(v.v.mac, "00:1b:a9:12:34:56");
	assert_string_equal(v.mac_buf, "00:1b:a9:12:34:56");
	assert_string_equal(v.v.community, "s3cret");
	assert_true(v.v.set & F(COMMUNITY));
	assert_false(v.address_changed);
	assert_false(v.mac_changed);

	/* Without a community the bit stays clear: the default is used. */
	in.set &= ~(unsigned)F(COMMUNITY);
	assert_int_equal(printers_check(&in, NULL, &v, A, &e), 0);
	assert_false(v.v.set & F(COMMUNITY));
	assert_null(v.v.community);
}

/* A stored printer, as printers_update loads it. */
static const struct printers_input stored_laser = {
	.set = PRINTERS_F_ALL & ~(unsigned)PRINTERS_F_COMMUNITY, .kind = "laser_printer",
	.name = "PRN-7", .model = "HP", .address = "10.0.0.7", .connection = "ip",
	.host_pc = NULL, .store_id = 3, .snmp_version = "2c", .snmp_port = 161,
	.mac = "00:1b:a9:12:34:56",
};

static const struct printers_input stored_label_ip = {
	.set = PRINTERS_F_ALL & ~(unsigned)PRINTERS_F_COMMUNITY, .kind = "label_printer",
	.name = "LBL-1", .model = "", .address = "10.0.0.8", .connection = "ip",
	.store_id = 0, .snmp_version = "2c", .snmp_port = 161,
};

static void update_merges_over_the_stored_printer(void **state)
{
	struct printers_valid v;
	struct err e = { 0 };
	struct printers_input in = { .set = F(NAME), .name = "PRN-7b" };

	(void)state;
	/* Only the name: the rest stays, nothing resets the MAC. */
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), 0);
	assert_string_equal(v.v.name, "PRN-7b");
	assert_string_equal(v.v.address, "10.0.0.7");
	assert_int_equal(v.v.store_id, 3);
	assert_string_equal(v.v.mac, "00:1b:a9:12:34:56");
	assert_false(v.address_changed);
	assert_false(v.mac_changed);

	/* A new address: flagged (mac_status goes back to unknown). */
	in = (struct printers_input){ .set = F(ADDRESS), .address = "10.0.0.77" };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), 0);
	assert_true(v.address_changed);
	assert_false(v.mac_changed);

	/* The same address and MAC in another spelling: no change. */
	in = (struct printers_input){ .set = F(ADDRESS) | F(MAC), .address = "10.0.0.7",
				      .mac = "001B.A912.3456" };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), 0);
	assert_false(v.address_changed);
	assert_false(v.mac_changed);

	/* A new MAC, and clearing it. */
	in = (struct printers_input){ .set = F(MAC), .mac = "02:53:00:00:00:01" };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), 0);
	assert_true(v.mac_changed);
	in = (struct printers_input){ .set = F(MAC), .mac = NULL };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), 0);
	assert_null(v.v.mac);
	assert_true(v.mac_changed);

	/* Store cleared with null (0). */
	in = (struct printers_input){ .set = F(STORE), .store_id = 0 };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), 0);
	assert_int_equal(v.v.store_id, 0);

	/* Clearing the address of a laser printer, the name, or changing the kind: refused. */
	in = (struct printers_input){ .set = F(ADDRESS), .address = NULL };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "address: required"));
	in = (struct printers_input){ .set = F(NAME), .name = NULL };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), ERR_INVALID);
	in = (struct printers_input){ .set = F(KIND), .kind = "label_printer" };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "kind: cannot be changed"));
	in = (struct printers_input){ .set = F(KIND), .kind = "laser_printer" };
	assert_int_equal(printers_check(&in, &stored_laser, &v, A, &e), 0);

	/* The stored community is never carried over: only a new one is. */
	assert_null(v.v.community);
	assert_false(v.v.set & F(COMMUNITY));
}

static void update_label_printer_to_usb(void **state)
{
	struct printers_valid v;
	struct err e = { 0 };
	struct printers_input in = { .set = F(CONNECTION), .connection = "usb" };

	(void)state;
	/* To USB needs a host PC and no address of its own. */
	assert_int_equal(printers_check(&in, &stored_label_ip, &v, A, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "host_pc: required"));
	in.set |= F(HOST_PC);
	in.host_pc = "kassa-2";
	assert_int_equal(printers_check(&in, &stored_label_ip, &v, A, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "address: a USB label printer"));
	in.set |= F(ADDRESS);
	in.address = NULL;
	assert_int_equal(printers_check(&in, &stored_label_ip, &v, A, &e), 0);
	assert_string_equal(v.v.connection, "usb");
	assert_string_equal(v.v.host_pc, "kassa-2");
	assert_null(v.v.address);
	assert_true(v.address_changed);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(ipv4_addresses),
	cmocka_unit_test(host_names),
	cmocka_unit_test(communities),
	cmocka_unit_test(kinds),
	cmocka_unit_test(create_table),
	cmocka_unit_test(create_defaults_and_normalising),
	cmocka_unit_test(update_merges_over_the_stored_printer),
	cmocka_unit_test(update_label_printer_to_usb),
};

int main(void)
{
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests(tests, setup, teardown);
}
