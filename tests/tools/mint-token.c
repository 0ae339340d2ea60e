/*
 * mint-token — craft JSON Web Tokens for the tests: good ones, and every kind of bad one the
 * app must refuse (another key, another algorithm, "alg":"none", expired, wrong typ...).
 *
 *   mint-token --key KEY [--alg HS256|HS512|none] [--sub N] [--role R] [--sid UUID]
 *              [--jti HEX32] [--typ T] [--iat T] [--exp T] [--no-exp] [--payload JSON]
 *
 * Prints the token on stdout. Defaults: HS256, sub 1, role admin, a random sid and jti,
 * typ access, iat now, exp now + 900. --payload replaces the claims with the given JSON
 * object as it is. HS256/HS512 are signed by libjwt; "none" is assembled by hand
 * (base64url(header) "." base64url(payload) ".") since libjwt will not make one with a key.
 */
#include "crypto.h"

#include <json-c/json.h>
#include <jwt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(void)
{
	fprintf(stderr, "usage: mint-token --key KEY [--alg HS256|HS512|none] [--sub N] [--role R]\n"
			"                  [--sid UUID] [--jti HEX32] [--typ T] [--iat T] [--exp T]\n"
			"                  [--no-exp] [--payload JSON]\n");
	exit(64);
}

static long long number(const char *opt, const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);

	if (end == s || *end != '\0') {
		fprintf(stderr, "mint-token: %s needs an integer, not \"%s\"\n", opt, s);
		exit(64);
	}
	return v;
}

/* base64url of a string, printed to stdout. */
static void put_b64url(const char *s)
{
	size_t n = strlen(s), cap = (4 * n + 2) / 3 + 1;
	char *out = malloc(cap);

	if (out == NULL || crypto_base64url(s, n, out, cap) == 0) {
		fprintf(stderr, "mint-token: out of memory\n");
		exit(70);
	}
	fputs(out, stdout);
	free(out);
}

int main(int argc, char **argv)
{
	const char *key = NULL, *alg = "HS256", *sub = "1", *role = "admin", *sid = NULL, *jti = NULL;
	const char *typ = "access", *payload = NULL;
	char sid_buf[CRYPTO_UUID_LEN], jti_buf[33];
	long long iat = (long long)time(NULL), exp = iat + 900;
	int with_exp = 1;
	json_object *claims;
	const char *text;

	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (strcmp(o, "--no-exp") == 0) {
			with_exp = 0;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (strcmp(o, "--key") == 0)
			key = argv[++i];
		else if (strcmp(o, "--alg") == 0)
			alg = argv[++i];
		else if (strcmp(o, "--sub") == 0)
			sub = argv[++i];
		else if (strcmp(o, "--role") == 0)
			role = argv[++i];
		else if (strcmp(o, "--sid") == 0)
			sid = argv[++i];
		else if (strcmp(o, "--jti") == 0)
			jti = argv[++i];
		else if (strcmp(o, "--typ") == 0)
			typ = argv[++i];
		else if (strcmp(o, "--iat") == 0)
			iat = number(o, argv[++i]);
		else if (strcmp(o, "--exp") == 0)
			exp = number(o, argv[++i]);
		else if (strcmp(o, "--payload") == 0)
			payload = argv[++i];
		else
			usage();
	}
	if (sid == NULL) {
		if (crypto_uuid4(sid_buf) != 0)
			return 70;
		sid = sid_buf;
	}
	if (jti == NULL) {
		if (crypto_random_hex(16, jti_buf) != 0)
			return 70;
		jti = jti_buf;
	}

	if (payload != NULL) {
		claims = json_tokener_parse(payload);
		if (claims == NULL || !json_object_is_type(claims, json_type_object)) {
			fprintf(stderr, "mint-token: --payload is not a JSON object\n");
			return 64;
		}
	} else {
		claims = json_object_new_object();
		json_object_object_add(claims, "sub", json_object_new_string(sub));
		json_object_object_add(claims, "role", json_object_new_string(role));
		json_object_object_add(claims, "jti", json_object_new_string(jti));
		json_object_object_add(claims, "sid", json_object_new_string(sid));
		json_object_object_add(claims, "typ", json_object_new_string(typ));
		json_object_object_add(claims, "iat", json_object_new_int64(iat));
		if (with_exp)
			json_object_object_add(claims, "exp", json_object_new_int64(exp));
	}
	text = json_object_to_json_string_ext(claims, JSON_C_TO_STRING_PLAIN);

	if (strcmp(alg, "none") == 0) {
		put_b64url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
		putchar('.');
		put_b64url(text);
		puts(".");
	} else {
		jwt_alg_t a = strcmp(alg, "HS256") == 0   ? JWT_ALG_HS256
			      : strcmp(alg, "HS512") == 0 ? JWT_ALG_HS512
							  : JWT_ALG_INVAL;
		jwt_t *jwt = NULL;
		char *enc;

		if (a == JWT_ALG_INVAL || key == NULL || key[0] == '\0')
			usage();
		if (jwt_new(&jwt) != 0 || jwt_add_grants_json(jwt, text) != 0 ||
		    jwt_set_alg(jwt, a, (const unsigned char *)key, (int)strlen(key)) != 0 ||
		    (enc = jwt_encode_str(jwt)) == NULL) {
			fprintf(stderr, "mint-token: libjwt could not sign the token\n");
			return 70;
		}
		puts(enc);
		free(enc);
		jwt_free(jwt);
	}
	json_object_put(claims);
	return 0;
}
