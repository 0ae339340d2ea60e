#include "unit.h"

#include "crypto.h"
#include "err.h"

#include <stdio.h>
#include <string.h>

static void hex_encodes_every_byte(void **state)
{
	(void)state;
	const unsigned char in[] = { 0x00, 0xff, 0x10, 0x9a, 0x0f };
	char out[2 * sizeof in + 1];

	memset(out, 'Z', sizeof out);
	crypto_hex(in, sizeof in, out);
	assert_string_equal(out, "00ff109a0f");
	crypto_hex(in, 0, out);
	assert_string_equal(out, "");
}

static void random_hex_has_the_asked_length(void **state)
{
	(void)state;
	char a[65], b[65], big[200];

	assert_int_equal(crypto_random_hex(16, a), 0);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "0123456789abcdef"), 32);
	assert_int_equal(crypto_random_hex(16, b), 0);
	assert_string_not_equal(a, b);
	assert_int_equal(crypto_random_hex(32, a), 0);
	assert_int_equal(strlen(a), 64);
	/* More than its internal buffer: refused, never a partial or overflowing write. */
	assert_int_equal(crypto_random_hex(65, big), ERR_IO);
	assert_int_equal(crypto_random(a, 0), 0);
}

/* RFC 4648 §10 test vectors, in the URL alphabet without padding. */
static void base64url_rfc4648_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" },         { "f", "Zg" },         { "fo", "Zm8" },        { "foo", "Zm9v" },
		{ "foob", "Zm9vYg" }, { "fooba", "Zm9vYmE" }, { "foobar", "Zm9vYmFy" },
	};
	char out[32];

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		size_t n = crypto_base64url(v[i].in, strlen(v[i].in), out, sizeof out);

		assert_int_equal(n, strlen(v[i].out));
		assert_string_equal(out, v[i].out);
	}
}

static void base64url_uses_the_url_alphabet(void **state)
{
	(void)state;
	const unsigned char in[] = { 0xfb, 0xff, 0xbf }; /* "+/+/" in standard base64 */
	char out[8];

	assert_int_equal(crypto_base64url(in, 3, out, sizeof out), 4);
	assert_string_equal(out, "-_-_");
	assert_int_equal(crypto_base64url(in, 2, out, sizeof out), 3);
	assert_string_equal(out, "-_8");
	assert_null(strchr(out, '='));
}

static void base64url_respects_the_buffer_bound(void **state)
{
	(void)state;
	char out[16];
	unsigned char raw[32];

	/* ceil(4n/3) characters plus the NUL: exactly that fits, one byte less does not. */
	memset(out, 'Z', sizeof out);
	assert_int_equal(crypto_base64url("foo", 3, out, 5), 4);
	assert_string_equal(out, "Zm9v");
	memset(out, 'Z', sizeof out);
	assert_int_equal(crypto_base64url("foo", 3, out, 4), 0);
	assert_int_equal(out[0], 'Z'); /* nothing written */
	assert_int_equal(crypto_base64url("f", 1, out, 3), 2);
	assert_int_equal(crypto_base64url("f", 1, out, 2), 0);
	assert_int_equal(crypto_base64url("fo", 2, out, 4), 3);
	assert_int_equal(crypto_base64url("fo", 2, out, 3), 0);
	assert_int_equal(crypto_base64url("", 0, out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(crypto_base64url("", 0, out, 0), 0);
	/* A refresh token: 32 bytes are 43 characters. */
	{
		char tok[44];

		memset(raw, 0xa5, sizeof raw);
		assert_int_equal(crypto_base64url(raw, sizeof raw, tok, sizeof tok), 43);
		assert_int_equal(crypto_base64url(raw, sizeof raw, tok, 43), 0);
	}
}

static void sha256_vectors(void **state)
{
	(void)state;
	char out[CRYPTO_SHA256_HEX];

	crypto_sha256_hex("abc", 3, out);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	crypto_sha256_hex("", 0, out);
	assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* RFC 4231 test case 2: a key shorter than the block. */
static void hmac_sha256_rfc4231_case_2(void **state)
{
	(void)state;
	char out[CRYPTO_SHA256_HEX];
	const char *msg = "what do ya want for nothing?";

	crypto_hmac_sha256_hex("Jefe", 4, msg, strlen(msg), out);
	assert_string_equal(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	crypto_hmac_sha256_hex("Jeff", 4, msg, strlen(msg), out);
	assert_string_not_equal(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void uuid4_format_and_version_bits(void **state)
{
	(void)state;
	char a[CRYPTO_UUID_LEN], b[CRYPTO_UUID_LEN];

	for (int round = 0; round < 64; round++) {
		assert_int_equal(crypto_uuid4(a), 0);
		assert_int_equal(strlen(a), 36);
		for (int i = 0; i < 36; i++) {
			if (i == 8 || i == 13 || i == 18 || i == 23)
				assert_int_equal(a[i], '-');
			else
				assert_non_null(strchr("0123456789abcdef", a[i]));
		}
		assert_int_equal(a[14], '4');                 /* version 4 */
		assert_non_null(strchr("89ab", a[19]));       /* RFC 4122 variant */
	}
	assert_int_equal(crypto_uuid4(b), 0);
	assert_string_not_equal(a, b);
}

static void equal_compares_whole_strings(void **state)
{
	(void)state;
	assert_true(crypto_equal("abc123", "abc123"));
	assert_false(crypto_equal("abc123", "abc124"));
	assert_false(crypto_equal("abc123", "xbc123"));
	assert_false(crypto_equal("abc", "abc123"));
	assert_false(crypto_equal("abc123", "abc"));
	assert_false(crypto_equal(NULL, "abc"));
	assert_false(crypto_equal("abc", NULL));
	assert_false(crypto_equal(NULL, NULL));
	/* An empty expected value (no CSRF seed yet) must never match an empty given one. */
	assert_false(crypto_equal("", ""));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(hex_encodes_every_byte),
	cmocka_unit_test(random_hex_has_the_asked_length),
	cmocka_unit_test(base64url_rfc4648_vectors),
	cmocka_unit_test(base64url_uses_the_url_alphabet),
	cmocka_unit_test(base64url_respects_the_buffer_bound),
	cmocka_unit_test(sha256_vectors),
	cmocka_unit_test(hmac_sha256_rfc4231_case_2),
	cmocka_unit_test(uuid4_format_and_version_bits),
	cmocka_unit_test(equal_compares_whole_strings),
};

UNIT_MAIN(tests)
