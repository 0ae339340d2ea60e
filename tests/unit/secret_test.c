/* secret: AES-256-GCM sealing of device credentials — round trip, and every refusal. */
#include "secret.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static void round_trip_and_fresh_nonces(void **state)
{
	(void)state;
	struct secret_key k;
	unsigned char a[SECRET_SEALED_MAX], b[SECRET_SEALED_MAX];
	size_t na, nb;
	char out[SECRET_PLAIN_MAX + 1];

	secret_key_derive("a device secret key of at least 32 bytes!", &k);
	assert_int_equal(secret_seal(&k, "snmp_community", "pub-Лик", strlen("pub-Лик"), a, &na, NULL), 0);
	assert_int_equal(na, strlen("pub-Лик") + SECRET_OVERHEAD);
	assert_null(memmem(a, na, "pub", 3)); /* the plain text is not in the sealed form */
	assert_int_equal(secret_open(&k, "snmp_community", a, na, out, sizeof out, NULL), 0);
	assert_string_equal(out, "pub-Лик");
	/* The same value sealed twice differs (random nonce), and both open. */
	assert_int_equal(secret_seal(&k, "snmp_community", "pub-Лик", strlen("pub-Лик"), b, &nb, NULL), 0);
	assert_memory_not_equal(a, b, na);
	assert_int_equal(secret_open(&k, "snmp_community", b, nb, out, sizeof out, NULL), 0);
	/* Empty and longest values. */
	assert_int_equal(secret_seal(&k, "x", "", 0, a, &na, NULL), 0);
	assert_int_equal(secret_open(&k, "x", a, na, out, sizeof out, NULL), 0);
	assert_string_equal(out, "");
	memset(out, 'z', SECRET_PLAIN_MAX);
	assert_int_equal(secret_seal(&k, "x", out, SECRET_PLAIN_MAX, a, &na, NULL), 0);
	assert_int_equal(secret_seal(&k, "x", out, SECRET_PLAIN_MAX + 1, a, &na, NULL), ERR_LIMIT);
}

static void tampering_other_keys_and_purposes_are_refused(void **state)
{
	(void)state;
	struct secret_key k, other, dev;
	unsigned char s[SECRET_SEALED_MAX];
	size_t n;
	char out[SECRET_PLAIN_MAX + 1];
	struct err e;

	secret_key_derive("a device secret key of at least 32 bytes!", &k);
	secret_key_derive("another device secret key, 32 bytes+", &other);
	secret_key_derive("", &dev);
	assert_int_equal(secret_seal(&k, "snmp_community", "public", 6, s, &n, NULL), 0);
	assert_int_equal(secret_open(&other, "snmp_community", s, n, out, sizeof out, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "DEVICE_SECRET_KEY"));
	assert_int_equal(secret_open(&dev, "snmp_community", s, n, out, sizeof out, NULL), ERR_INVALID);
	assert_int_equal(secret_open(&k, "ssh_password", s, n, out, sizeof out, NULL), ERR_INVALID);
	for (size_t i = 0; i < n; i++) {
		s[i] ^= 0x01;
		if (secret_open(&k, "snmp_community", s, n, out, sizeof out, NULL) == 0)
			fail_msg("a flipped bit at byte %zu was not noticed", i);
		s[i] ^= 0x01;
	}
	assert_int_equal(secret_open(&k, "snmp_community", s, n - 1, out, sizeof out, NULL), ERR_INVALID);
	assert_int_equal(secret_open(&k, "snmp_community", s, 5, out, sizeof out, NULL), ERR_INVALID);
	assert_int_equal(secret_open(&k, "snmp_community", s, n, out, 4, NULL), ERR_LIMIT);
	assert_int_equal(secret_open(&k, "snmp_community", s, n, out, sizeof out, NULL), 0);
	assert_string_equal(out, "public");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_and_fresh_nonces),
		cmocka_unit_test(tampering_other_keys_and_purposes_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
