#include "password.h"

#include "crypto.h"

#include <argon2.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define SALT_LEN 16
#define TAG_LEN 32

/*
 * Passwords of 8 or more characters that lead every published leak list, plus the ones people
 * pick for this product. Compared without regard to ASCII case.
 */
static const char *const common[] = {
	"password", "password1", "password12", "password123", "password!", "passw0rd", "p@ssw0rd",
	"p@ssword", "12345678", "123456789", "1234567890", "0123456789", "87654321", "987654321",
	"11111111", "00000000", "88888888", "66666666", "12121212", "11223344", "12344321",
	"123123123", "147258369", "123456789a", "12345678a", "a1234567", "aa123456", "abc12345",
	"abcd1234", "1234abcd", "1234qwer", "qwer1234", "qwerty12", "qwerty123", "qwerty1234",
	"qwertyui", "qwertyuiop", "1q2w3e4r", "1q2w3e4r5t", "q1w2e3r4", "q1w2e3r4t5", "1qaz2wsx",
	"zaq12wsx", "qazwsxedc", "asdfghjkl", "asdfasdf", "zxcvbnm1", "iloveyou", "sunshine",
	"princess", "football", "baseball", "superman", "batman123", "trustno1", "welcome1",
	"welcome123", "letmein1", "letmein123", "admin123", "admin1234", "administrator",
	"changeme", "change_me", "changeit", "default1", "infrascope", "infrascope1", "printer1",
	"parol123", "password2024", "password2025", "password2026", "йцукенгш", "пароль123",
	"qwerty123456", "123qweasd", "qweasdzxc", "1qazxsw2", "zxcvbnm123", "monkey123",
	"dragon123", "master123", "access14", "starwars", "whatever", "computer", "internet",
};

int password_hash(const char *pw, char out[PASSWORD_HASH_MAX], struct err *e)
{
	unsigned char salt[SALT_LEN];
	int rc;

	if (crypto_random(salt, sizeof salt) != 0)
		return err_set(e, ERR_IO, "no random bytes for the password salt");
	rc = argon2id_hash_encoded(PASSWORD_ARGON2_T, PASSWORD_ARGON2_M, PASSWORD_ARGON2_P, pw,
				   strlen(pw), salt, sizeof salt, TAG_LEN, out, PASSWORD_HASH_MAX);
	if (rc != ARGON2_OK)
		return err_set(e, ERR_INTERNAL, "argon2id: %s", argon2_error_message(rc));
	return 0;
}

int password_verify(const char *hash, const char *pw)
{
	int rc;

	if (hash == NULL || strncmp(hash, "$argon2id$", 10) != 0)
		return ERR_INVALID;
	rc = argon2id_verify(hash, pw, strlen(pw));
	if (rc == ARGON2_OK)
		return 0;
	return rc == ARGON2_VERIFY_MISMATCH ? ERR_DENIED : ERR_INVALID;
}

static char dummy_hash[PASSWORD_HASH_MAX];

static void make_dummy_hash(void)
{
	char pw[21];

	/* A random password nobody knows, hashed with the production parameters. */
	if (password_generate(pw) != 0 || password_hash(pw, dummy_hash, NULL) != 0)
		dummy_hash[0] = '\0';
}

void password_verify_dummy(const char *pw)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, make_dummy_hash);
	if (dummy_hash[0] != '\0')
		(void)argon2id_verify(dummy_hash, pw, strlen(pw));
}

/* Code points in valid UTF-8, or -1 for invalid UTF-8 or a control character. */
static long utf8_chars(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p != '\0') {
		int extra;
		uint32_t cp;

		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return -1;
			p++;
			n++;
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			extra = 1;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			extra = 2;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			extra = 3;
			cp = *p & 0x07;
		} else {
			return -1;
		}
		p++;
		for (int i = 0; i < extra; i++, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
			cp = (cp << 6) | (*p & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF, C1 controls. */
		if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) ||
		    (extra == 3 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    (cp >= 0x80 && cp < 0xa0))
			return -1;
		n++;
	}
	return n;
}

static bool equals_email_part(const char *pw, const char *email)
{
	const char *at;

	if (email == NULL || email[0] == '\0')
		return false;
	if (strcasecmp(pw, email) == 0)
		return true;
	at = strchr(email, '@');
	return at != NULL && (size_t)(at - email) == strlen(pw) &&
	       strncasecmp(pw, email, strlen(pw)) == 0;
}

int password_policy_check(const char *pw, const char *email, struct err *e)
{
	long n;

	if (pw == NULL)
		return err_set(e, ERR_INVALID, "a password is required");
	n = utf8_chars(pw);
	if (n < 0)
		return err_set(e, ERR_INVALID, "the password contains a control character or invalid UTF-8");
	if (n < PASSWORD_MIN_CHARS)
		return err_set(e, ERR_INVALID, "the password is too short: at least %d characters",
			       PASSWORD_MIN_CHARS);
	if (n > PASSWORD_MAX_CHARS)
		return err_set(e, ERR_INVALID, "the password is too long: at most %d characters",
			       PASSWORD_MAX_CHARS);
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (strcasecmp(pw, common[i]) == 0)
			return err_set(e, ERR_INVALID,
				       "the password is one of the most common ones; choose another");
	if (equals_email_part(pw, email))
		return err_set(e, ERR_INVALID, "the password must not be the email address");
	return 0;
}

int password_generate(char out[21])
{
	/* No 0/O, 1/l/I: it is read off a terminal and typed in by hand. */
	static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	unsigned char b[20];
	const size_t m = sizeof alphabet - 1;

	for (size_t i = 0; i < 20; i++) {
		/* Rejection sampling keeps every character equally likely. */
		do {
			if (crypto_random(&b[i], 1) != 0)
				return ERR_IO;
		} while (b[i] >= 256 - (256 % m));
		out[i] = alphabet[b[i] % m];
	}
	out[20] = '\0';
	return 0;
}
