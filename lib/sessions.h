/*
 * sessions — logins, refresh-token rotation, revocation and the login failure counter, in
 * PostgreSQL so that every thread and process of the web app sees the same state.
 *
 * A login opens a session (the refresh-token family) with an absolute end. A refresh token
 * is 32 random bytes (base64url on the wire, SHA-256 in the database), valid for the idle
 * lifetime, and used once: refreshing marks it used and issues the next one in the same
 * session. Presenting a used token again revokes the whole session (theft: whoever holds the
 * newer token loses it too) — except within grace_seconds of its use, where a browser's two
 * tabs racing with the same cookie are told "no" without punishing the user. Access tokens
 * carry the session id, and session_check refuses them once the session is revoked or the
 * user disabled, and refuses a revoked jti.
 */
#ifndef INFRASCOPE_SESSIONS_H
#define INFRASCOPE_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "crypto.h"
#include "err.h"

struct arena;
struct db;
struct user;

#define REFRESH_TOKEN_LEN 44    /* 43 base64url characters + NUL */

struct session_ticket {
	char session_id[CRYPTO_UUID_LEN];
	char refresh_token[REFRESH_TOKEN_LEN];
	int64_t refresh_expires;    /* unix time */
	int64_t user_id;
	bool raced;                 /* refused: used by a parallel request within the grace time */
};

struct session_lifetimes {
	int refresh_days;           /* idle */
	int max_days;               /* absolute */
};

/* session_start — open a session for user_id and give its first refresh token. */
int session_start(struct db *db, int64_t user_id, const char *client_ip, const char *user_agent,
		  const struct session_lifetimes *l, struct session_ticket *out, struct err *e);

/*
 * session_refresh — trade refresh_token for the next one (out->user_id and session_id set).
 * ERR_DENIED: unknown, expired, revoked, user disabled, or reused within grace_seconds (then
 * out->raced is set: the parallel request that used it holds the newer token).
 * ERR_CONFLICT: reused later than that — the session is now revoked (out->user_id and
 * session_id say whose, for the audit log).
 */
int session_refresh(struct db *db, const char *refresh_token, const struct session_lifetimes *l,
		    int grace_seconds, struct session_ticket *out, struct err *e);

/* session_revoke — end one session (reason: see sql/0003_accounts.sql). */
int session_revoke(struct db *db, const char *session_id, const char *reason, struct err *e);

/* session_of_refresh — the session a refresh token belongs to (ERR_NOTFOUND). */
int session_of_refresh(struct db *db, const char *refresh_token, char out[CRYPTO_UUID_LEN],
		       struct err *e);

/* token_revoke — put an access token's jti on the revocation list until exp (unix time). */
int token_revoke(struct db *db, const char *jti, int64_t exp, struct err *e);

/*
 * session_check — for an access token that verified: the user, if active, whose session sid
 * is live and whose jti is not revoked. ERR_DENIED otherwise (e says which, for the log).
 */
int session_check(struct db *db, struct arena *a, int64_t user_id, const char *sid,
		  const char *jti, struct user *u, struct err *e);

/*
 * login_attempt_reserve — count one attempt for (client_ip, email) before the password is
 * checked, atomically, so parallel attempts cannot slip through. 0 when allowed; ERR_LIMIT
 * when more than max_failures fell in the window, with *retry_after seconds until it ends.
 */
int login_attempt_reserve(struct db *db, const char *client_ip, const char *email,
			  int max_failures, int window_minutes, int *retry_after, struct err *e);

/* login_attempt_reset — a successful login clears the pair's counter. */
int login_attempt_reset(struct db *db, const char *client_ip, const char *email, struct err *e);

/* sessions_purge — delete what can no longer matter; the counts removed, for the log. */
struct purge_counts {
	long sessions, revoked_tokens, login_attempts;
};
int sessions_purge(struct db *db, int window_minutes, struct purge_counts *out, struct err *e);

#endif
