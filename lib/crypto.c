#include "crypto.h"

#include "err.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

int crypto_random(void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return ERR_IO;
		}
		p += got;
		n -= (size_t)got;
	}
	return 0;
}

void crypto_hex(const void *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

int crypto_random_hex(size_t n, char *out)
{
	unsigned char buf[64];

	if (n > sizeof buf || crypto_random(buf, n) != 0)
		return ERR_IO;
	crypto_hex(buf, n, out);
	OPENSSL_cleanse(buf, sizeof buf);
	return 0;
}

size_t crypto_base64url(const void *in, size_t n, char *out, size_t outlen)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *p = in;
	size_t o = 0;

	if (outlen < (4 * n + 2) / 3 + 1)
		return 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;

		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = alphabet[(v >> 18) & 63];
		out[o++] = alphabet[(v >> 12) & 63];
		if (i + 1 < n)
			out[o++] = alphabet[(v >> 6) & 63];
		if (i + 2 < n)
			out[o++] = alphabet[v & 63];
	}
	out[o] = '\0';
	return o;
}

void crypto_sha256_hex(const void *data, size_t n, char out[CRYPTO_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (EVP_Digest(data, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32) {
		/* Cannot happen with a working libcrypto; an empty digest never matches a stored one. */
		out[0] = '\0';
		return;
	}
	crypto_hex(md, 32, out);
}

void crypto_hmac_sha256_hex(const void *key, size_t keylen, const void *msg, size_t n,
			    char out[CRYPTO_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (HMAC(EVP_sha256(), key, (int)keylen, msg, n, md, &len) == NULL || len != 32) {
		out[0] = '\0';
		return;
	}
	crypto_hex(md, 32, out);
}

int crypto_uuid4(char out[CRYPTO_UUID_LEN])
{
	unsigned char b[16];
	char hex[33];

	if (crypto_random(b, sizeof b) != 0)
		return ERR_IO;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	crypto_hex(b, sizeof b, hex);
	memcpy(out, hex, 8);
	out[8] = '-';
	memcpy(out + 9, hex + 8, 4);
	out[13] = '-';
	memcpy(out + 14, hex + 12, 4);
	out[18] = '-';
	memcpy(out + 19, hex + 16, 4);
	out[23] = '-';
	memcpy(out + 24, hex + 20, 12);
	out[36] = '\0';
	return 0;
}

bool crypto_equal(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return false;
	la = strlen(a);
	lb = strlen(b);
	if (la != lb || la == 0)
		return false;
	return CRYPTO_memcmp(a, b, la) == 0;
}
