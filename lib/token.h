/*
 * token — access tokens: JWT signed with HMAC-SHA256 (libjwt), and their verification.
 *
 * Claims: sub (user id, as text), role, jti (16 random bytes, hex), sid (the session that
 * issued it), typ "access", iat, exp. Verification is all-or-nothing and does what libjwt 1.10
 * leaves to us (TOOLCHAIN.md §5, ASVS 9.1-9.2): it always passes the key (so "alg":"none"
 * fails), accepts only HS256 (so an HS512 token made with the same key fails), requires
 * typ=access, checks exp against the caller's clock (no tolerance: we are the only issuer)
 * and iat with TOKEN_SKEW_SECONDS of tolerance, and reads a claim only after the signature
 * checked. Revocation is not decided here: the caller looks the jti and the session up in
 * the database.
 */
#ifndef INFRASCOPE_TOKEN_H
#define INFRASCOPE_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TOKEN_MAX_LEN 2048
#define TOKEN_SKEW_SECONDS 30
#define TOKEN_JTI_LEN 33         /* 32 hex digits + NUL */
#define TOKEN_SID_LEN 37         /* a UUID + NUL */
#define TOKEN_ROLE_LEN 16

struct token_claims {
	int64_t sub;
	char role[TOKEN_ROLE_LEN];
	char jti[TOKEN_JTI_LEN];
	char sid[TOKEN_SID_LEN];
	int64_t iat;
	int64_t exp;
};

/*
 * token_issue — sign c (jti, iat and exp filled by the caller) with key into out
 * (outlen bytes). 0, ERR_LIMIT when out is too small, ERR_INVALID for a key under 16 bytes.
 */
int token_issue(const void *key, size_t keylen, const struct token_claims *c, char *out,
		size_t outlen, struct err *e);

/*
 * token_verify — check token at time now and fill *c. 0, or ERR_DENIED with e saying why
 * (malformed, bad signature, wrong algorithm, wrong type, expired, issued in the future,
 * missing claim). The reason is for logs; clients get one undifferentiated 401.
 */
int token_verify(const void *key, size_t keylen, const char *token, int64_t now,
		 struct token_claims *c, struct err *e);

#endif
