#include "token.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <jwt.h>
#include <stdlib.h>
#include <string.h>

#define MIN_KEY_LEN 16

static bool all_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	return strspn(s, "0123456789abcdef") == n;
}

static bool uuid_ok(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : strchr("0123456789abcdef", s[i]) == NULL || s[i] == '\0')
			return false;
	}
	return true;
}

static bool role_ok(const char *r)
{
	return strcmp(r, "admin") == 0 || strcmp(r, "operator") == 0 || strcmp(r, "viewer") == 0;
}

int token_issue(const void *key, size_t keylen, const struct token_claims *c, char *out,
		size_t outlen, struct err *e)
{
	jwt_t *jwt = NULL;
	char *enc = NULL;
	char sub[24];
	int rc = 0;

	if (keylen < MIN_KEY_LEN)
		return err_set(e, ERR_INVALID, "the signing key is shorter than %d bytes", MIN_KEY_LEN);
	if (jwt_new(&jwt) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	snprintf(sub, sizeof sub, "%lld", (long long)c->sub);
	if (jwt_add_grant(jwt, "sub", sub) != 0 || jwt_add_grant(jwt, "role", c->role) != 0 ||
	    jwt_add_grant(jwt, "jti", c->jti) != 0 || jwt_add_grant(jwt, "sid", c->sid) != 0 ||
	    jwt_add_grant(jwt, "typ", "access") != 0 ||
	    jwt_add_grant_int(jwt, "iat", (long)c->iat) != 0 ||
	    jwt_add_grant_int(jwt, "exp", (long)c->exp) != 0 ||
	    jwt_set_alg(jwt, JWT_ALG_HS256, key, (int)keylen) != 0) {
		rc = err_set(e, ERR_INVALID, "cannot build the token");
		goto out;
	}
	enc = jwt_encode_str(jwt);
	if (enc == NULL) {
		rc = err_set(e, ERR_NOMEM, "cannot encode the token");
		goto out;
	}
	if (strlen(enc) >= outlen) {
		rc = err_set(e, ERR_LIMIT, "the token does not fit its buffer");
		goto out;
	}
	memcpy(out, enc, strlen(enc) + 1);
out:
	free(enc);
	jwt_free(jwt);
	return rc;
}

/* A string claim of at most max-1 bytes into buf; false when absent or too long. */
static bool get_text(jwt_t *jwt, const char *name, char *buf, size_t max)
{
	const char *v = jwt_get_grant(jwt, name);

	if (v == NULL || strlen(v) >= max)
		return false;
	memcpy(buf, v, strlen(v) + 1);
	return true;
}

static bool get_time(jwt_t *jwt, const char *name, int64_t *out)
{
	long v;

	errno = 0;
	v = jwt_get_grant_int(jwt, name);
	if (errno != 0 || v <= 0)
		return false;
	*out = v;
	return true;
}

int token_verify(const void *key, size_t keylen, const char *token, int64_t now,
		 struct token_claims *c, struct err *e)
{
	jwt_t *jwt = NULL;
	char sub[24], typ[16];
	char *end;
	int rc = ERR_DENIED;

	memset(c, 0, sizeof *c);
	/* libjwt accepts "alg":"none" when no key is given: never call it without one. */
	if (key == NULL || keylen < MIN_KEY_LEN)
		return err_set(e, ERR_DENIED, "no signing key");
	if (token == NULL || token[0] == '\0' || strlen(token) > TOKEN_MAX_LEN)
		return err_set(e, ERR_DENIED, "token missing or too long");
	if (jwt_decode(&jwt, token, key, (int)keylen) != 0 || jwt == NULL)
		return err_set(e, ERR_DENIED, "malformed token or bad signature");
	if (jwt_get_alg(jwt) != JWT_ALG_HS256) {
		err_set(e, ERR_DENIED, "algorithm %s is not accepted", jwt_alg_str(jwt_get_alg(jwt)));
		goto out;
	}
	if (!get_text(jwt, "typ", typ, sizeof typ) || strcmp(typ, "access") != 0) {
		err_set(e, ERR_DENIED, "not an access token");
		goto out;
	}
	if (!get_time(jwt, "exp", &c->exp) || !get_time(jwt, "iat", &c->iat)) {
		err_set(e, ERR_DENIED, "exp or iat missing");
		goto out;
	}
	/* We are the only issuer, on the same clock: no tolerance after exp. */
	if (c->exp <= now) {
		err_set(e, ERR_DENIED, "token expired");
		goto out;
	}
	if (c->iat > now + TOKEN_SKEW_SECONDS || c->iat > c->exp) {
		err_set(e, ERR_DENIED, "token issued in the future");
		goto out;
	}
	if (!get_text(jwt, "sub", sub, sizeof sub) || !get_text(jwt, "role", c->role, sizeof c->role) ||
	    !get_text(jwt, "jti", c->jti, sizeof c->jti) || !get_text(jwt, "sid", c->sid, sizeof c->sid)) {
		err_set(e, ERR_DENIED, "a claim is missing");
		goto out;
	}
	errno = 0;
	c->sub = strtoll(sub, &end, 10);
	if (errno != 0 || end == sub || *end != '\0' || c->sub <= 0 || !role_ok(c->role) ||
	    !all_hex(c->jti, 32) || !uuid_ok(c->sid)) {
		err_set(e, ERR_DENIED, "a claim is malformed");
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		memset(c, 0, sizeof *c);
	jwt_free(jwt);
	return rc;
}
