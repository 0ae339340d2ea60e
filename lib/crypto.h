/*
 * crypto — the few cryptographic primitives InfraScope needs, in one place.
 *
 * Random bytes come from the kernel (getrandom, never a seeded PRNG); digests and MACs from
 * OpenSSL's libcrypto. Every output buffer has its size in the signature and is always
 * NUL-terminated. crypto_equal compares secrets in time that depends only on their length.
 */
#ifndef INFRASCOPE_CRYPTO_H
#define INFRASCOPE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPTO_SHA256_HEX 65   /* 64 hex digits + NUL */
#define CRYPTO_UUID_LEN 37     /* 36 characters + NUL */

/* crypto_random — fill buf with n bytes from getrandom(). 0, or ERR_IO (never partial). */
int crypto_random(void *buf, size_t n);

/* crypto_hex — n bytes as 2n lower-case hex digits into out (2n + 1 bytes). */
void crypto_hex(const void *in, size_t n, char *out);

/* crypto_random_hex — n random bytes as hex into out (2n + 1 bytes). 0 or ERR_IO. */
int crypto_random_hex(size_t n, char *out);

/*
 * crypto_base64url — n bytes as unpadded base64url into out (outlen bytes with room for
 * ceil(4n / 3) + 1). Returns the length written, or 0 when out is too small.
 */
size_t crypto_base64url(const void *in, size_t n, char *out, size_t outlen);

/* crypto_sha256_hex — SHA-256 of n bytes, as hex. */
void crypto_sha256_hex(const void *data, size_t n, char out[CRYPTO_SHA256_HEX]);

/* crypto_hmac_sha256_hex — HMAC-SHA256(key, msg), as hex. */
void crypto_hmac_sha256_hex(const void *key, size_t keylen, const void *msg, size_t n,
			    char out[CRYPTO_SHA256_HEX]);

/* crypto_uuid4 — a random (version 4) UUID in its canonical text form. 0 or ERR_IO. */
int crypto_uuid4(char out[CRYPTO_UUID_LEN]);

/* crypto_equal — a == b, in time independent of where they differ (NULL never equals). */
bool crypto_equal(const char *a, const char *b);

#endif
