/*
 * users — user accounts in PostgreSQL, and the rules a user's fields follow.
 *
 * The validators are pure (no database) and give messages fit for an API client or a form.
 * Emails are unique ignoring case and stored as typed (trimmed). Role changes and
 * deactivations run in a transaction that locks every active admin row first, so two admins
 * demoting each other at once cannot leave the system without one: such a change fails with
 * ERR_CONFLICT ("last_admin"). Strings in a struct user live in the caller's arena.
 */
#ifndef INFRASCOPE_USERS_H
#define INFRASCOPE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct arena;
struct db;

#define USER_EMAIL_MAX 254
#define USER_NAME_MAX 200       /* characters */

enum user_role { ROLE_NONE = 0, ROLE_VIEWER = 1, ROLE_OPERATOR = 2, ROLE_ADMIN = 3 };

struct user {
	int64_t id;
	const char *email;
	const char *full_name;
	enum user_role role;
	bool is_active;
	const char *language;       /* "ru", "en" or "" (follow the browser) */
	const char *created_at;     /* ISO 8601, UTC */
	const char *updated_at;
	const char *last_login_at;  /* "" = never */
};

/* A change to a user; NULL / false fields stay as they are. */
struct user_change {
	const char *email;
	const char *full_name;
	enum user_role role;        /* ROLE_NONE = unchanged */
	const bool *is_active;
	bool set_language;          /* then language NULL or "" clears it */
	const char *language;
	const char *password_hash;
};

/* ---- rules (pure) ---- */

const char *user_role_name(enum user_role r);
enum user_role user_role_parse(const char *s);   /* ROLE_NONE when unknown */

/* user_email_check — trimmed, 3..254 bytes, one '@' with text on both sides, no spaces or controls. */
int user_email_check(const char *email, struct err *e);

/* user_name_check — at most USER_NAME_MAX characters of valid UTF-8 without controls. */
int user_name_check(const char *name, struct err *e);

/* ---- storage ---- */

/* users_get — by id (ERR_NOTFOUND when absent). */
int users_get(struct db *db, struct arena *a, int64_t id, struct user *u, struct err *e);

/* users_get_for_login — by email ignoring case, with its password hash (*hash in a). */
int users_get_for_login(struct db *db, struct arena *a, const char *email, struct user *u,
			const char **hash, struct err *e);

/* users_get_hash — the password hash of user id (into a). */
int users_get_hash(struct db *db, struct arena *a, int64_t id, const char **hash, struct err *e);

/* users_list — a page ordered by email, and the total count. *items is in a. */
int users_list(struct db *db, struct arena *a, int limit, int offset, struct user **items,
	       size_t *n, int64_t *total, struct err *e);

/* users_create — insert; *id set. ERR_CONFLICT when the email is taken. */
int users_create(struct db *db, const char *email, const char *full_name, enum user_role role,
		 bool is_active, const char *password_hash, const char *language, int64_t *id,
		 struct err *e);

/*
 * users_update — apply c to user id and read it back into *u (when u is not NULL).
 * ERR_NOTFOUND, ERR_CONFLICT (email taken, or the last active admin would be lost).
 * Deactivation and a new password end every session of the user except keep_session
 * (NULL = all).
 */
int users_update(struct db *db, struct arena *a, int64_t id, const struct user_change *c,
		 const char *keep_session, struct user *u, struct err *e);

/* users_delete — ERR_NOTFOUND, or ERR_CONFLICT for the last active admin. */
int users_delete(struct db *db, int64_t id, struct err *e);

/* users_touch_login — record a successful login. */
int users_touch_login(struct db *db, int64_t id, struct err *e);

/* users_exists_email — whether an account uses this email (ignoring case). */
int users_exists_email(struct db *db, const char *email, bool *exists, struct err *e);

#endif
