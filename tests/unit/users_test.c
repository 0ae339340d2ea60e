#include "unit.h"

#include "err.h"
#include "users.h"

#include <stdio.h>
#include <string.h>

static void email_good(const char *email)
{
	struct err e;

	err_clear(&e);
	if (user_email_check(email, &e) != 0)
		fail_msg("email [%s] refused: %s", email, e.msg);
}

static void email_bad(const char *email, const char *needle)
{
	struct err e;

	err_clear(&e);
	if (user_email_check(email, &e) != ERR_INVALID)
		fail_msg("email [%s] accepted", email != NULL ? email : "(null)");
	if (strstr(e.msg, needle) == NULL)
		fail_msg("email [%s]: message \"%s\" lacks \"%s\"", email != NULL ? email : "(null)",
			 e.msg, needle);
}

static void email_rules(void **state)
{
	(void)state;
	char long_email[300];

	email_good("a@b");
	email_good("Ivan.Petrov@store-12.example.com");
	email_good("tech+printers@example.org");
	email_good("техник@магазин.рф");

	email_bad(NULL, "required");
	email_bad("", "required");
	email_bad("ab", "3 to 254");
	email_bad("no-at-sign", "name@domain");
	email_bad("@example.com", "name@domain");
	email_bad("ivan@", "name@domain");
	email_bad("a@b@c", "name@domain");
	email_bad("ivan petrov@example.com", "spaces");
	email_bad(" ivan@example.com", "spaces");
	email_bad("ivan@example.com\t", "spaces");
	email_bad("ivan@exa\nmple.com", "control");
	email_bad("ivan@example.com\x7f", "control");

	/* 254 bytes is the most an address may have. */
	memset(long_email, 'a', sizeof long_email);
	memcpy(long_email + 254 - 12, "@example.com", 12);
	long_email[254] = '\0';
	email_good(long_email);
	memset(long_email, 'a', sizeof long_email);
	memcpy(long_email + 255 - 12, "@example.com", 12);
	long_email[255] = '\0';
	email_bad(long_email, "3 to 254");
}

static void name_good(const char *name)
{
	struct err e;

	err_clear(&e);
	if (user_name_check(name, &e) != 0)
		fail_msg("name [%s] refused: %s", name != NULL ? name : "(null)", e.msg);
}

static void name_bad(const char *name, const char *needle)
{
	struct err e;

	err_clear(&e);
	if (user_name_check(name, &e) != ERR_INVALID)
		fail_msg("name [%s] accepted", name);
	if (strstr(e.msg, needle) == NULL)
		fail_msg("name [%s]: message \"%s\" lacks \"%s\"", name, e.msg, needle);
}

static void name_rules(void **state)
{
	(void)state;
	char buf[1024];

	name_good(NULL);
	name_good("");
	name_good("Ivan Petrov");
	name_good("Иван Петров");
	name_good("O'Brien-Smith, Jr.");
	name_good("😀 Emoji Person");

	name_bad("Ivan\x01", "control");
	name_bad("Ivan\nPetrov", "control");
	name_bad("Ivan\x7f", "control");
	name_bad("Ivan\xff", "UTF-8");
	name_bad("Ivan\xc0\xaf", "UTF-8");        /* overlong */
	name_bad("Ivan\xd0", "UTF-8");            /* truncated at the end */
	name_bad("Ivan\xd0 Petrov", "UTF-8");     /* truncated in the middle */
	name_bad("\x80Ivan", "UTF-8");            /* a lone continuation byte */

	/* The bound counts characters: 200 Cyrillic letters (400 bytes) are fine, 201 are not. */
	for (int i = 0; i < 200; i++)
		memcpy(buf + 2 * i, "я", 2);
	buf[400] = '\0';
	name_good(buf);
	memcpy(buf + 400, "я", 3); /* with its NUL */
	name_bad(buf, "200");
	memset(buf, 'n', 200);
	buf[200] = '\0';
	name_good(buf);
	buf[200] = 'n';
	buf[201] = '\0';
	name_bad(buf, "200");
}

static void role_names_round_trip(void **state)
{
	(void)state;
	assert_int_equal(user_role_parse("viewer"), ROLE_VIEWER);
	assert_int_equal(user_role_parse("operator"), ROLE_OPERATOR);
	assert_int_equal(user_role_parse("admin"), ROLE_ADMIN);
	assert_int_equal(user_role_parse("Admin"), ROLE_NONE);
	assert_int_equal(user_role_parse("ADMIN"), ROLE_NONE);
	assert_int_equal(user_role_parse("admin "), ROLE_NONE);
	assert_int_equal(user_role_parse("root"), ROLE_NONE);
	assert_int_equal(user_role_parse("none"), ROLE_NONE);
	assert_int_equal(user_role_parse(""), ROLE_NONE);
	assert_int_equal(user_role_parse(NULL), ROLE_NONE);
	for (int r = ROLE_VIEWER; r <= ROLE_ADMIN; r++)
		assert_int_equal(user_role_parse(user_role_name((enum user_role)r)), r);
	assert_string_equal(user_role_name(ROLE_NONE), "none");
	/* The levels are ordered: a role may do what every lower one may. */
	assert_true(ROLE_NONE < ROLE_VIEWER && ROLE_VIEWER < ROLE_OPERATOR && ROLE_OPERATOR < ROLE_ADMIN);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(email_rules),
	cmocka_unit_test(name_rules),
	cmocka_unit_test(role_names_round_trip),
};

UNIT_MAIN(tests)
