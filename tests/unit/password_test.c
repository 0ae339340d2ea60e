#include "unit.h"

#include "err.h"
#include "password.h"

#include <stdio.h>
#include <string.h>

#define PREFIX "$argon2id$v=19$m=19456,t=2,p=1$"

static void hash_has_the_owasp_parameters(void **state)
{
	(void)state;
	char h1[PASSWORD_HASH_MAX], h2[PASSWORD_HASH_MAX];
	struct err e;

	err_clear(&e);
	assert_int_equal(password_hash("correct horse battery", h1, &e), 0);
	assert_memory_equal(h1, PREFIX, strlen(PREFIX));
	/* 16-byte salt and 32-byte tag, unpadded base64: 97 characters in all (TOOLCHAIN.md §5). */
	assert_int_equal(strlen(h1), 97);
	assert_int_equal(password_hash("correct horse battery", h2, &e), 0);
	assert_string_not_equal(h1, h2); /* a fresh salt every time */
}

static void verify_accepts_the_right_password_only(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_MAX];

	assert_int_equal(password_hash("Пароль-для-теста", h, NULL), 0);
	assert_int_equal(password_verify(h, "Пароль-для-теста"), 0);
	assert_int_equal(password_verify(h, "пароль-для-теста"), ERR_DENIED);
	assert_int_equal(password_verify(h, "Пароль-для-теста "), ERR_DENIED);
	assert_int_equal(password_verify(h, ""), ERR_DENIED);
}

static void verify_refuses_malformed_hashes(void **state)
{
	(void)state;
	char h[PASSWORD_HASH_MAX];

	assert_int_equal(password_verify(NULL, "x"), ERR_INVALID);
	assert_int_equal(password_verify("", "x"), ERR_INVALID);
	assert_int_equal(password_verify("plain text", "plain text"), ERR_INVALID);
	assert_int_equal(password_verify("$argon2id$garbage", "x"), ERR_INVALID);
	assert_int_equal(password_verify(PREFIX "c2FsdA$", "x"), ERR_INVALID);
	/* Another Argon2 variant is not ours. */
	assert_int_equal(password_hash("some password", h, NULL), 0);
	memcpy(h, "$argon2i$", 9);
	memmove(h + 9, h + 10, strlen(h + 10) + 1);
	assert_int_equal(password_verify(h, "some password"), ERR_INVALID);
	/* The dummy verification has no result and must simply not crash. */
	password_verify_dummy("anything");
	password_verify_dummy("");
}

/* pw is refused and the message contains needle. */
static void refused(const char *pw, const char *email, const char *needle)
{
	struct err e;

	err_clear(&e);
	if (password_policy_check(pw, email, &e) != ERR_INVALID)
		fail_msg("password [%s] was accepted", pw != NULL ? pw : "(null)");
	if (strstr(e.msg, needle) == NULL)
		fail_msg("password [%s]: message \"%s\" lacks \"%s\"", pw != NULL ? pw : "(null)", e.msg,
			 needle);
}

static void accepted(const char *pw, const char *email)
{
	struct err e;

	err_clear(&e);
	if (password_policy_check(pw, email, &e) != 0)
		fail_msg("password [%s] refused: %s", pw, e.msg);
}

/* buf = n copies of the UTF-8 character ch. */
static void repeat(char *buf, const char *ch, int n)
{
	size_t len = strlen(ch);

	for (int i = 0; i < n; i++)
		memcpy(buf + (size_t)i * len, ch, len);
	buf[(size_t)n * len] = '\0';
}

static void policy_length_counts_characters(void **state)
{
	(void)state;
	char buf[600];

	refused(NULL, NULL, "required");
	refused("", NULL, "too short");
	refused("Abc-123", NULL, "too short");            /* 7 */
	accepted("Abc-1234", NULL);                       /* 8 */
	/* Cyrillic letters are two bytes each but one character. */
	refused("Жук-123", NULL, "too short");            /* 7 characters, 10 bytes */
	accepted("Жук-1234", NULL);
	refused("пароль", NULL, "too short");             /* 12 bytes, 6 characters */
	accepted("парольчик", NULL);
	accepted("😀😀😀😀😀😀😀😀", NULL);               /* 8 four-byte characters */

	memset(buf, 'a', 128);
	buf[0] = 'Q';
	buf[128] = '\0';
	accepted(buf, NULL);
	buf[128] = 'a';
	buf[129] = '\0';
	refused(buf, NULL, "too long");
	/* 128 Cyrillic characters are 256 bytes and still allowed; 129 are not. */
	repeat(buf, "ж", 128);
	accepted(buf, NULL);
	repeat(buf, "ж", 129);
	refused(buf, NULL, "too long");
}

static void policy_refuses_common_passwords_ignoring_case(void **state)
{
	(void)state;
	refused("password", NULL, "common");
	refused("PASSWORD", NULL, "common");
	refused("PassWord123", NULL, "common");
	refused("12345678", NULL, "common");
	refused("Qwerty123", NULL, "common");
	refused("CHANGE_ME", NULL, "common");
	refused("changeme", NULL, "common");
	refused("InfraScope", NULL, "common");
	refused("йцукенгш", NULL, "common");
	accepted("password-of-mine", NULL);
	accepted("12345678-printer-hall", NULL);
}

static void policy_refuses_the_email_and_its_name_part(void **state)
{
	(void)state;
	const char *email = "ivan.petrov@store.example";

	refused("ivan.petrov@store.example", email, "email");
	refused("IVAN.PETROV@STORE.EXAMPLE", email, "email");
	refused("ivan.petrov", email, "email");
	refused("Ivan.Petrov", email, "email");
	accepted("ivan.petrov1", email);
	accepted("store.example", email);
	/* Without a known email the same passwords are fine. */
	accepted("ivan.petrov", NULL);
	accepted("ivan.petrov", "");
}

static void policy_refuses_controls_and_invalid_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"abcdefgh\x01",         /* C0 control */
		"abc\tdefgh",           /* tab */
		"abcdefgh\n",           /* newline */
		"abcdefgh\x7f",         /* DEL */
		"abcdefgh\xc2\x85",     /* C1 control U+0085 */
		"abcdefgh\xff",         /* never valid in UTF-8 */
		"abcdefgh\xc0\xaf",     /* overlong '/' */
		"abcdefgh\xe0\x80\xaf", /* overlong, three bytes */
		"abcdefgh\xed\xa0\x80", /* a UTF-16 surrogate */
		"abcdefgh\xf4\x90\x80\x80", /* beyond U+10FFFF */
		"abcdefgh\xd0",         /* truncated sequence at the end */
		"abcdefgh\xd0x",        /* truncated sequence in the middle */
		"abcdefgh\x80",         /* a lone continuation byte */
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		refused(bad[i], NULL, "control character or invalid UTF-8");
	accepted("abcdefgh\xc2\xa0", NULL); /* U+00A0 is printable */
}

static void generate_uses_the_unambiguous_alphabet(void **state)
{
	(void)state;
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	char a[21], b[21];

	for (int round = 0; round < 50; round++) {
		assert_int_equal(password_generate(a), 0);
		assert_int_equal(strlen(a), 20);
		assert_int_equal(strspn(a, alphabet), 20);
		assert_null(strpbrk(a, "0O1lI"));
		assert_int_equal(password_policy_check(a, NULL, NULL), 0);
	}
	assert_int_equal(password_generate(b), 0);
	assert_string_not_equal(a, b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(hash_has_the_owasp_parameters),
	cmocka_unit_test(verify_accepts_the_right_password_only),
	cmocka_unit_test(verify_refuses_malformed_hashes),
	cmocka_unit_test(policy_length_counts_characters),
	cmocka_unit_test(policy_refuses_common_passwords_ignoring_case),
	cmocka_unit_test(policy_refuses_the_email_and_its_name_part),
	cmocka_unit_test(policy_refuses_controls_and_invalid_utf8),
	cmocka_unit_test(generate_uses_the_unambiguous_alphabet),
};

UNIT_MAIN(tests)
