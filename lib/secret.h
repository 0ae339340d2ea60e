/*
 * secret — device credentials at rest (SPEC §6): SNMP communities, SSH and enable passwords,
 * HTTP credentials are sealed with AES-256-GCM before they reach PostgreSQL, so a dump alone
 * does not reveal them. The key is SHA-256 of DEVICE_SECRET_KEY (any length >= 32 bytes in
 * production; see config.c for the development fallback).
 *
 * Sealed form (bytea): version byte 0x01 | 12-byte random nonce | ciphertext | 16-byte tag.
 * The associated data is the purpose ("snmp_community", "ssh_password", ...), so a value
 * sealed for one field cannot be replayed into another: opening it fails.
 */
#ifndef INFRASCOPE_SECRET_H
#define INFRASCOPE_SECRET_H

#include <stddef.h>

#include "err.h"

#define SECRET_KEY_BYTES 32
#define SECRET_PLAIN_MAX 256                      /* longest credential accepted */
#define SECRET_OVERHEAD (1 + 12 + 16)
#define SECRET_SEALED_MAX (SECRET_PLAIN_MAX + SECRET_OVERHEAD)

struct secret_key {
	unsigned char k[SECRET_KEY_BYTES];
};

/* secret_key_derive — the AES key for a DEVICE_SECRET_KEY text ("" or NULL: the fixed
 * development key; config.c refuses that in production). */
void secret_key_derive(const char *text, struct secret_key *key);

/*
 * secret_seal — seal plain (n <= SECRET_PLAIN_MAX bytes) for purpose into out
 * (SECRET_SEALED_MAX bytes); *out_len gets the sealed size. ERR_LIMIT when too long.
 */
int secret_seal(const struct secret_key *key, const char *purpose, const void *plain, size_t n,
		unsigned char *out, size_t *out_len, struct err *e);

/*
 * secret_open — the reverse: plain text (NUL-terminated, out_size >= SECRET_PLAIN_MAX + 1)
 * into out. ERR_INVALID when the value is malformed, sealed with another key or for another
 * purpose, or was tampered with.
 */
int secret_open(const struct secret_key *key, const char *purpose, const unsigned char *sealed,
		size_t n, char *out, size_t out_size, struct err *e);

#endif
