#include "unit.h"

#include "crypto.h"
#include "err.h"
#include "token.h"

#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY "0123456789abcdef0123456789abcdef"
#define KEYLEN (sizeof KEY - 1)
#define NOW 1800000000LL
#define SID "0b7e9f3c-1d2a-4c5b-8e6f-7a8b9c0d1e2f"
#define JTI "00112233445566778899aabbccddeeff"

static struct token_claims sample(void)
{
	struct token_claims c = { 0 };

	c.sub = 42;
	snprintf(c.role, sizeof c.role, "operator");
	snprintf(c.jti, sizeof c.jti, JTI);
	snprintf(c.sid, sizeof c.sid, SID);
	c.iat = NOW;
	c.exp = NOW + 900;
	return c;
}

static void issue(const struct token_claims *c, char *out, size_t outlen)
{
	struct err e;

	err_clear(&e);
	if (token_issue(KEY, KEYLEN, c, out, outlen, &e) != 0)
		fail_msg("token_issue: %s", e.msg);
}

/* token is refused at NOW and the reason contains needle. */
static void denied(const char *token, const char *needle)
{
	struct token_claims c;
	struct err e;

	err_clear(&e);
	memset(&c, 0x5a, sizeof c);
	if (token_verify(KEY, KEYLEN, token, NOW, &c, &e) != ERR_DENIED)
		fail_msg("token accepted: %s", token);
	if (needle != NULL && strstr(e.msg, needle) == NULL)
		fail_msg("reason \"%s\" lacks \"%s\"", e.msg, needle);
	/* Nothing of a refused token may be left for the caller to use. */
	assert_int_equal(c.sub, 0);
	assert_string_equal(c.role, "");
	assert_string_equal(c.sid, "");
}

/* Sign claims_json with libjwt (any algorithm, any claims); the caller frees the result. */
static char *sign(jwt_alg_t alg, const char *key, const char *claims_json)
{
	jwt_t *jwt = NULL;
	char *out;

	assert_int_equal(jwt_new(&jwt), 0);
	assert_int_equal(jwt_add_grants_json(jwt, claims_json), 0);
	assert_int_equal(jwt_set_alg(jwt, alg, (const unsigned char *)key, (int)strlen(key)), 0);
	out = jwt_encode_str(jwt);
	assert_non_null(out);
	jwt_free(jwt);
	return out;
}

/* Claims JSON like ours, with fields overridden by printf-style pieces. */
static char *claims(const char *sub, const char *role, const char *jti, const char *sid,
		    const char *typ, long long iat, long long exp)
{
	static char buf[512];

	snprintf(buf, sizeof buf,
		 "{\"sub\":\"%s\",\"role\":\"%s\",\"jti\":\"%s\",\"sid\":\"%s\",\"typ\":\"%s\","
		 "\"iat\":%lld,\"exp\":%lld}",
		 sub, role, jti, sid, typ, iat, exp);
	return buf;
}

static void b64url(const char *s, char *out, size_t outlen)
{
	assert_true(crypto_base64url(s, strlen(s), out, outlen) > 0 || s[0] == '\0');
}

static void issue_and_verify_round_trip(void **state)
{
	(void)state;
	struct token_claims in = sample(), out;
	char tok[TOKEN_MAX_LEN];
	struct err e;

	issue(&in, tok, sizeof tok);
	assert_int_equal(strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
			 strlen(tok));
	err_clear(&e);
	assert_int_equal(token_verify(KEY, KEYLEN, tok, NOW, &out, &e), 0);
	assert_int_equal(out.sub, 42);
	assert_string_equal(out.role, "operator");
	assert_string_equal(out.jti, JTI);
	assert_string_equal(out.sid, SID);
	assert_int_equal(out.iat, NOW);
	assert_int_equal(out.exp, NOW + 900);
	/* Still good one second before it expires. */
	assert_int_equal(token_verify(KEY, KEYLEN, tok, NOW + 899, &out, &e), 0);
}

static void tampered_payload_is_refused(void **state)
{
	(void)state;
	struct token_claims in = sample();
	char tok[TOKEN_MAX_LEN], forged[TOKEN_MAX_LEN], payload[512];
	const char *dot1, *dot2;

	issue(&in, tok, sizeof tok);
	dot1 = strchr(tok, '.');
	dot2 = strrchr(tok, '.');
	assert_true(dot1 != NULL && dot2 != NULL && dot1 < dot2);
	/* The same claims with role admin, under the original signature. */
	b64url(claims("42", "admin", JTI, SID, "access", NOW, NOW + 900), payload, sizeof payload);
	snprintf(forged, sizeof forged, "%.*s.%s%s", (int)(dot1 - tok), tok, payload, dot2);
	denied(forged, "signature");

	/* One character of the signature changed. */
	snprintf(forged, sizeof forged, "%s", tok);
	forged[strlen(forged) - 2] = forged[strlen(forged) - 2] == 'A' ? 'B' : 'A';
	denied(forged, "signature");
	/* The signature cut off. */
	snprintf(forged, sizeof forged, "%.*s.", (int)(dot2 - tok), tok);
	denied(forged, NULL);
}

static void another_key_is_refused(void **state)
{
	(void)state;
	struct token_claims in = sample(), out;
	char tok[TOKEN_MAX_LEN];
	const char *other = "fedcba9876543210fedcba9876543210";
	struct err e;

	issue(&in, tok, sizeof tok);
	assert_int_equal(token_verify(other, strlen(other), tok, NOW, &out, &e), ERR_DENIED);
	/* The key is all of it: a prefix of the right key is another key. */
	assert_int_equal(token_verify(KEY, KEYLEN - 1, tok, NOW, &out, &e), ERR_DENIED);
	{
		char *t = sign(JWT_ALG_HS256, other, claims("42", "operator", JTI, SID, "access", NOW, NOW + 900));

		denied(t, "signature");
		free(t);
	}
}

static void alg_none_is_refused(void **state)
{
	(void)state;
	char hdr[128], payload[512], tok[1024];
	struct token_claims out;
	struct err e;

	b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}", hdr, sizeof hdr);
	b64url(claims("42", "admin", JTI, SID, "access", NOW, NOW + 900), payload, sizeof payload);
	snprintf(tok, sizeof tok, "%s.%s.", hdr, payload);
	denied(tok, NULL);
	snprintf(tok, sizeof tok, "%s.%s", hdr, payload); /* without the signature part */
	denied(tok, NULL);
	snprintf(tok, sizeof tok, "%s.%s.c2lnbmF0dXJl", hdr, payload); /* with a bogus one */
	denied(tok, NULL);
	/* libjwt would accept it without a key: token_verify never lets that happen. */
	assert_int_equal(token_verify(NULL, 0, tok, NOW, &out, &e), ERR_DENIED);
	snprintf(tok, sizeof tok, "%s.%s.", hdr, payload);
	assert_int_equal(token_verify(NULL, 0, tok, NOW, &out, &e), ERR_DENIED);
	assert_int_equal(token_verify("", 0, tok, NOW, &out, &e), ERR_DENIED);
}

static void hs512_with_the_same_key_is_refused(void **state)
{
	(void)state;
	char *t = sign(JWT_ALG_HS512, KEY, claims("42", "admin", JTI, SID, "access", NOW, NOW + 900));

	denied(t, "algorithm");
	free(t);
	t = sign(JWT_ALG_HS384, KEY, claims("42", "admin", JTI, SID, "access", NOW, NOW + 900));
	denied(t, "algorithm");
	free(t);
	/* The same claims under HS256 are fine: only the algorithm made the difference. */
	t = sign(JWT_ALG_HS256, KEY, claims("42", "admin", JTI, SID, "access", NOW, NOW + 900));
	{
		struct token_claims out;
		struct err e;

		assert_int_equal(token_verify(KEY, KEYLEN, t, NOW, &out, &e), 0);
		assert_string_equal(out.role, "admin");
	}
	free(t);
}

static void expired_is_refused(void **state)
{
	(void)state;
	struct token_claims in = sample(), out;
	char tok[TOKEN_MAX_LEN];
	struct err e;

	issue(&in, tok, sizeof tok);
	err_clear(&e);
	assert_int_equal(token_verify(KEY, KEYLEN, tok, NOW + 900, &out, &e), ERR_DENIED);
	assert_non_null(strstr(e.msg, "expired"));
	assert_int_equal(token_verify(KEY, KEYLEN, tok, NOW + 100000, &out, &e), ERR_DENIED);
	{
		char *t = sign(JWT_ALG_HS256, KEY, claims("42", "admin", JTI, SID, "access", NOW - 600, NOW - 1));

		denied(t, "expired");
		free(t);
	}
}

static void issued_in_the_future_is_refused(void **state)
{
	(void)state;
	char *t;
	struct token_claims out;
	struct err e;

	t = sign(JWT_ALG_HS256, KEY,
		 claims("42", "admin", JTI, SID, "access", NOW + TOKEN_SKEW_SECONDS + 1, NOW + 900));
	denied(t, "future");
	free(t);
	/* Within the clock skew it is accepted. */
	t = sign(JWT_ALG_HS256, KEY,
		 claims("42", "admin", JTI, SID, "access", NOW + TOKEN_SKEW_SECONDS, NOW + 900));
	assert_int_equal(token_verify(KEY, KEYLEN, t, NOW, &out, &e), 0);
	free(t);
	/* iat after exp makes no sense. */
	t = sign(JWT_ALG_HS256, KEY, claims("42", "admin", JTI, SID, "access", NOW + 10, NOW + 5));
	denied(t, NULL);
	free(t);
}

static void missing_times_are_refused(void **state)
{
	(void)state;
	char *t;

	t = sign(JWT_ALG_HS256, KEY,
		 "{\"sub\":\"42\",\"role\":\"admin\",\"jti\":\"" JTI "\",\"sid\":\"" SID
		 "\",\"typ\":\"access\",\"iat\":1800000000}");
	denied(t, "exp");
	free(t);
	t = sign(JWT_ALG_HS256, KEY,
		 "{\"sub\":\"42\",\"role\":\"admin\",\"jti\":\"" JTI "\",\"sid\":\"" SID
		 "\",\"typ\":\"access\",\"exp\":1800000900}");
	denied(t, "iat");
	free(t);
	/* exp as text is not a time. */
	t = sign(JWT_ALG_HS256, KEY,
		 "{\"sub\":\"42\",\"role\":\"admin\",\"jti\":\"" JTI "\",\"sid\":\"" SID
		 "\",\"typ\":\"access\",\"iat\":1800000000,\"exp\":\"1800000900\"}");
	denied(t, NULL);
	free(t);
}

static void wrong_type_is_refused(void **state)
{
	(void)state;
	static const char *const types[] = { "refresh", "Access", "", "access " };
	char *t;

	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		t = sign(JWT_ALG_HS256, KEY, claims("42", "admin", JTI, SID, types[i], NOW, NOW + 900));
		denied(t, "not an access token");
		free(t);
	}
	t = sign(JWT_ALG_HS256, KEY,
		 "{\"sub\":\"42\",\"role\":\"admin\",\"jti\":\"" JTI "\",\"sid\":\"" SID
		 "\",\"iat\":1800000000,\"exp\":1800000900}");
	denied(t, "not an access token");
	free(t);
}

static void malformed_claims_are_refused(void **state)
{
	(void)state;
	static const struct {
		const char *sub, *role, *jti, *sid;
	} bad[] = {
		{ "abc", "admin", JTI, SID },
		{ "0", "admin", JTI, SID },
		{ "-5", "admin", JTI, SID },
		{ "42x", "admin", JTI, SID },
		{ "", "admin", JTI, SID },
		{ "99999999999999999999999", "admin", JTI, SID },
		{ "42", "root", JTI, SID },
		{ "42", "Admin", JTI, SID },
		{ "42", "", JTI, SID },
		{ "42", "admin", "00112233445566778899AABBCCDDEEFF", SID },
		{ "42", "admin", "0011223344556677", SID },
		{ "42", "admin", "00112233445566778899aabbccddeeffaa", SID },
		{ "42", "admin", "g0112233445566778899aabbccddeeff", SID },
		{ "42", "admin", JTI, "not-a-uuid" },
		{ "42", "admin", JTI, "0B7E9F3C-1D2A-4C5B-8E6F-7A8B9C0D1E2F" },
		{ "42", "admin", JTI, "0b7e9f3c11d2a14c5b18e6f17a8b9c0d1e2f" },
		{ "42", "admin", JTI, "0b7e9f3c-1d2a-4c5b-8e6f-7a8b9c0d1e2" },
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *t = sign(JWT_ALG_HS256, KEY,
			       claims(bad[i].sub, bad[i].role, bad[i].jti, bad[i].sid, "access", NOW,
				      NOW + 900));

		denied(t, NULL);
		free(t);
	}
	/* A claim missing altogether, or of the wrong JSON type. */
	{
		char *t = sign(JWT_ALG_HS256, KEY,
			       "{\"sub\":\"42\",\"role\":\"admin\",\"jti\":\"" JTI
			       "\",\"typ\":\"access\",\"iat\":1800000000,\"exp\":1800000900}");

		denied(t, "missing");
		free(t);
		t = sign(JWT_ALG_HS256, KEY,
			 "{\"sub\":42,\"role\":\"admin\",\"jti\":\"" JTI "\",\"sid\":\"" SID
			 "\",\"typ\":\"access\",\"iat\":1800000000,\"exp\":1800000900}");
		denied(t, NULL);
		free(t);
	}
	/* Not a token at all. */
	denied("", NULL);
	denied("abc", NULL);
	denied("a.b.c", NULL);
	denied("..", NULL);
	denied(NULL, NULL);
	{
		char *huge = malloc(TOKEN_MAX_LEN + 2);

		assert_non_null(huge);
		memset(huge, 'A', TOKEN_MAX_LEN + 1);
		huge[TOKEN_MAX_LEN + 1] = '\0';
		denied(huge, "too long");
		free(huge);
	}
}

static void short_or_missing_keys_are_refused(void **state)
{
	(void)state;
	struct token_claims in = sample(), out;
	char tok[TOKEN_MAX_LEN];
	struct err e;

	err_clear(&e);
	assert_int_equal(token_issue("0123456789abcde", 15, &in, tok, sizeof tok, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "16"));
	assert_int_equal(token_issue("0123456789abcdef", 16, &in, tok, sizeof tok, &e), 0);
	assert_int_equal(token_verify("0123456789abcdef", 16, tok, NOW, &out, &e), 0);
	assert_int_equal(token_verify("0123456789abcdef", 15, tok, NOW, &out, &e), ERR_DENIED);
	assert_int_equal(token_verify(NULL, 16, tok, NOW, &out, &e), ERR_DENIED);
	assert_non_null(strstr(e.msg, "key"));
}

static void small_output_buffer_is_refused(void **state)
{
	(void)state;
	struct token_claims in = sample();
	char tok[TOKEN_MAX_LEN], small[64];
	struct err e;

	issue(&in, tok, sizeof tok);
	err_clear(&e);
	assert_int_equal(token_issue(KEY, KEYLEN, &in, small, sizeof small, &e), ERR_LIMIT);
	assert_int_equal(token_issue(KEY, KEYLEN, &in, tok, strlen(tok), &e), ERR_LIMIT);
	assert_int_equal(token_issue(KEY, KEYLEN, &in, tok, strlen(tok) + 1, &e), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(issue_and_verify_round_trip),
	cmocka_unit_test(tampered_payload_is_refused),
	cmocka_unit_test(another_key_is_refused),
	cmocka_unit_test(alg_none_is_refused),
	cmocka_unit_test(hs512_with_the_same_key_is_refused),
	cmocka_unit_test(expired_is_refused),
	cmocka_unit_test(issued_in_the_future_is_refused),
	cmocka_unit_test(missing_times_are_refused),
	cmocka_unit_test(wrong_type_is_refused),
	cmocka_unit_test(malformed_claims_are_refused),
	cmocka_unit_test(short_or_missing_keys_are_refused),
	cmocka_unit_test(small_output_buffer_is_refused),
};

UNIT_MAIN(tests)
