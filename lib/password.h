/*
 * password — storing and checking passwords, and the policy a new password must meet.
 *
 * Hashes are Argon2id with m=19456 KiB, t=2, p=1, a 16-byte salt from getrandom and a 32-byte
 * tag, kept in the encoded form "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<tag>" (OWASP ASVS
 * 11.4.2). libargon2 compares in constant time. password_verify_dummy spends the same time
 * on a fixed hash, so an unknown account answers as slowly as a wrong password.
 * Policy (ASVS 6.2): 8 to 128 characters (counted as UTF-8 code points), valid UTF-8 without
 * control characters, not one of the most common passwords, not the account's email or its
 * name part. No composition rules.
 */
#ifndef INFRASCOPE_PASSWORD_H
#define INFRASCOPE_PASSWORD_H

#include <stdbool.h>

#include "err.h"

#define PASSWORD_HASH_MAX 128
#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_ARGON2_T 2
#define PASSWORD_ARGON2_M 19456
#define PASSWORD_ARGON2_P 1

/* password_hash — encode a new Argon2id hash of pw into out. 0, ERR_IO (no randomness), ERR_INTERNAL. */
int password_hash(const char *pw, char out[PASSWORD_HASH_MAX], struct err *e);

/* password_verify — 0 when pw matches hash, ERR_DENIED when not, ERR_INVALID for a malformed hash. */
int password_verify(const char *hash, const char *pw);

/* password_verify_dummy — the cost of one verification, whose result is thrown away. */
void password_verify_dummy(const char *pw);

/*
 * password_policy_check — 0 when pw may be used by the account with this email (NULL: not
 * known yet), else ERR_INVALID with a message saying which rule it breaks.
 */
int password_policy_check(const char *pw, const char *email, struct err *e);

/* password_generate — a random password of 20 characters from an unambiguous alphabet. */
int password_generate(char out[21]);

#endif
