#include "secret.h"

#include "crypto.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#define VERSION 0x01
#define NONCE_LEN 12
#define TAG_LEN 16

/* Outside production an empty DEVICE_SECRET_KEY means this key: a dump of a development
 * database is then readable by anyone with the source, which is acceptable there only. */
#define DEVELOPMENT_KEY "infrascope development device key; never used in production"

void secret_key_derive(const char *text, struct secret_key *key)
{
	if (text == NULL || text[0] == '\0')
		text = DEVELOPMENT_KEY;
	SHA256((const unsigned char *)text, strlen(text), key->k);
}

/* One GCM pass in either direction; the tag is written (seal) or checked (open). */
static int gcm(int encrypt, const struct secret_key *key, const char *purpose,
	       const unsigned char *nonce, const unsigned char *in, size_t n, unsigned char *out,
	       unsigned char *tag)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, ok;

	if (ctx == NULL)
		return ERR_NOMEM;
	ok = EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, encrypt) == 1 &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
	     EVP_CipherInit_ex(ctx, NULL, NULL, key->k, nonce, encrypt) == 1 &&
	     EVP_CipherUpdate(ctx, NULL, &len, (const unsigned char *)purpose,
			      (int)strlen(purpose)) == 1 &&
	     (n == 0 || EVP_CipherUpdate(ctx, out, &len, in, (int)n) == 1);
	if (ok && !encrypt)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1;
	if (ok)
		ok = EVP_CipherFinal_ex(ctx, out + len, &len) == 1;
	if (ok && encrypt)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, tag) == 1;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : ERR_INVALID;
}

int secret_seal(const struct secret_key *key, const char *purpose, const void *plain, size_t n,
		unsigned char *out, size_t *out_len, struct err *e)
{
	unsigned char *nonce = out + 1, *body = out + 1 + NONCE_LEN;

	if (n > SECRET_PLAIN_MAX)
		return err_set(e, ERR_LIMIT, "a secret is at most %d bytes", SECRET_PLAIN_MAX);
	out[0] = VERSION;
	if (crypto_random(nonce, NONCE_LEN) != 0)
		return err_set(e, ERR_IO, "no random bytes for a nonce");
	if (gcm(1, key, purpose, nonce, plain, n, body, body + n) != 0)
		return err_set(e, ERR_INTERNAL, "AES-GCM sealing failed");
	*out_len = n + SECRET_OVERHEAD;
	return 0;
}

int secret_open(const struct secret_key *key, const char *purpose, const unsigned char *sealed,
		size_t n, char *out, size_t out_size, struct err *e)
{
	size_t plain_len;
	unsigned char tag[TAG_LEN];

	if (n < SECRET_OVERHEAD || n > SECRET_SEALED_MAX || sealed[0] != VERSION)
		return err_set(e, ERR_INVALID, "stored secret is malformed");
	plain_len = n - SECRET_OVERHEAD;
	if (out_size < plain_len + 1)
		return err_set(e, ERR_LIMIT, "stored secret is longer than the buffer");
	memcpy(tag, sealed + n - TAG_LEN, TAG_LEN);
	if (gcm(0, key, purpose, sealed + 1, sealed + 1 + NONCE_LEN, plain_len,
		(unsigned char *)out, tag) != 0) {
		memset(out, 0, out_size);
		return err_set(e, ERR_INVALID,
			       "stored secret does not open with DEVICE_SECRET_KEY (another key, or "
			       "altered)");
	}
	out[plain_len] = '\0';
	return 0;
}
