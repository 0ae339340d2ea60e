#include "sessions.h"

#include "arena.h"
#include "db.h"
#include "users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

/* A new refresh token: its text for the client, its hash for the database. */
static int new_refresh(char token[REFRESH_TOKEN_LEN], char hash[CRYPTO_SHA256_HEX])
{
	unsigned char raw[32];

	if (crypto_random(raw, sizeof raw) != 0)
		return ERR_IO;
	if (crypto_base64url(raw, sizeof raw, token, REFRESH_TOKEN_LEN) != REFRESH_TOKEN_LEN - 1)
		return ERR_INTERNAL;
	OPENSSL_cleanse(raw, sizeof raw);
	crypto_sha256_hex(token, strlen(token), hash);
	return 0;
}

static bool refresh_syntax_ok(const char *t)
{
	return t != NULL && strlen(t) == REFRESH_TOKEN_LEN - 1 &&
	       strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
		       REFRESH_TOKEN_LEN - 1;
}

/* Insert the next refresh token of session sid; its expiry never passes the session's end. */
static int insert_refresh(struct db *db, const char *sid, int days, struct session_ticket *out,
			  struct err *e)
{
	char hash[CRYPTO_SHA256_HEX], dstr[16];
	const char *p[3] = { hash, sid, dstr };
	PGresult *res = NULL;
	int rc;

	if (new_refresh(out->refresh_token, hash) != 0)
		return err_set(e, ERR_IO, "no random bytes for the refresh token");
	snprintf(dstr, sizeof dstr, "%d", days);
	rc = db_exec(db,
		     "INSERT INTO refresh_tokens (token_hash, session_id, expires_at) "
		     "SELECT $1, s.id, least(now() + make_interval(days => $3::int), s.expires_at) "
		     "FROM sessions s WHERE s.id = $2::uuid "
		     "RETURNING extract(epoch FROM expires_at)::bigint",
		     3, p, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) != 1) {
		PQclear(res);
		return err_set(e, ERR_INTERNAL, "the session vanished while issuing its token");
	}
	out->refresh_expires = db_get_int64(res, 0, 0, 0);
	PQclear(res);
	memcpy(out->session_id, sid, CRYPTO_UUID_LEN);
	return 0;
}

int session_start(struct db *db, int64_t user_id, const char *client_ip, const char *user_agent,
		  const struct session_lifetimes *l, struct session_ticket *out, struct err *e)
{
	char sid[CRYPTO_UUID_LEN], uid[24], maxd[16], ua[301];
	const char *p[5] = { sid, uid, maxd, client_ip != NULL ? client_ip : "", ua };
	int rc;

	memset(out, 0, sizeof *out);
	if (crypto_uuid4(sid) != 0)
		return err_set(e, ERR_IO, "no random bytes for the session id");
	snprintf(uid, sizeof uid, "%lld", (long long)user_id);
	snprintf(maxd, sizeof maxd, "%d", l->max_days);
	/* Kept for the sessions list only: printable ASCII, so odd bytes never fail the insert. */
	{
		const char *src = user_agent != NULL ? user_agent : "";
		size_t i = 0;

		for (; src[i] != '\0' && i < sizeof ua - 1; i++)
			ua[i] = (src[i] >= ' ' && src[i] < 0x7f) ? src[i] : '?';
		ua[i] = '\0';
	}
	rc = db_begin(db, e);
	if (rc != 0)
		return rc;
	rc = db_exec(db,
		     "INSERT INTO sessions (id, user_id, expires_at, client_ip, user_agent) "
		     "VALUES ($1::uuid, $2, now() + make_interval(days => $3::int), left($4, 64), $5)",
		     5, p, NULL, e);
	if (rc == 0)
		rc = insert_refresh(db, sid, l->refresh_days, out, e);
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc != 0) {
		db_rollback(db);
		memset(out, 0, sizeof *out);
		return rc;
	}
	out->user_id = user_id;
	return 0;
}

int session_refresh(struct db *db, const char *refresh_token, const struct session_lifetimes *l,
		    int grace_seconds, struct session_ticket *out, struct err *e)
{
	char hash[CRYPTO_SHA256_HEX], sid[CRYPTO_UUID_LEN];
	const char *p[1] = { hash };
	PGresult *res = NULL;
	const char *v;
	bool used, token_live, session_live, user_active;
	double used_ago;
	int rc;

	memset(out, 0, sizeof *out);
	if (!refresh_syntax_ok(refresh_token))
		return err_set(e, ERR_DENIED, "malformed refresh token");
	crypto_sha256_hex(refresh_token, strlen(refresh_token), hash);
	rc = db_begin(db, e);
	if (rc != 0)
		return rc;
	rc = db_exec(db,
		     "SELECT r.session_id, r.used_at IS NOT NULL, "
		     "COALESCE(extract(epoch FROM now() - r.used_at), 0), r.expires_at > now(), "
		     "s.revoked_at IS NULL AND s.expires_at > now(), s.user_id, u.is_active "
		     "FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id "
		     "JOIN users u ON u.id = s.user_id WHERE r.token_hash = $1 FOR UPDATE OF r, s",
		     1, p, &res, e);
	if (rc != 0)
		goto fail;
	if (PQntuples(res) == 0) {
		PQclear(res);
		rc = err_set(e, ERR_DENIED, "unknown refresh token");
		goto fail;
	}
	snprintf(sid, sizeof sid, "%s", db_get(res, 0, 0));
	used = db_get(res, 0, 1)[0] == 't';
	v = db_get(res, 0, 2);
	used_ago = v != NULL ? strtod(v, NULL) : 0;
	token_live = db_get(res, 0, 3)[0] == 't';
	session_live = db_get(res, 0, 4)[0] == 't';
	out->user_id = db_get_int64(res, 0, 5, 0);
	user_active = db_get(res, 0, 6)[0] == 't';
	PQclear(res);
	memcpy(out->session_id, sid, sizeof sid);
	if (!session_live) {
		rc = err_set(e, ERR_DENIED, "the session has ended");
		goto fail;
	}
	if (used) {
		if (used_ago <= (double)grace_seconds) {
			out->raced = true;
			rc = err_set(e, ERR_DENIED, "refresh token used %.1f s ago (a parallel request)",
				     used_ago);
			goto fail;
		}
		rc = session_revoke(db, sid, "token_reuse", e);
		if (rc == 0)
			rc = db_commit(db, e);
		if (rc != 0)
			goto fail;
		memset(out->refresh_token, 0, sizeof out->refresh_token);
		return err_set(e, ERR_CONFLICT, "a used refresh token came back: session revoked");
	}
	if (!token_live || !user_active) {
		rc = err_set(e, ERR_DENIED, token_live ? "the user is disabled" : "refresh token expired");
		goto fail;
	}
	{
		const char *q[1] = { sid };

		rc = db_exec(db, "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1", 1, p,
			     NULL, e);
		if (rc == 0)
			rc = db_exec(db, "UPDATE sessions SET last_used_at = now() WHERE id = $1::uuid", 1,
				     q, NULL, e);
	}
	if (rc == 0)
		rc = insert_refresh(db, sid, l->refresh_days, out, e);
	if (rc == 0)
		rc = db_commit(db, e);
	if (rc != 0)
		goto fail;
	return 0;
fail:
	db_rollback(db);
	memset(out->refresh_token, 0, sizeof out->refresh_token);
	return rc;
}

int session_revoke(struct db *db, const char *session_id, const char *reason, struct err *e)
{
	const char *p[2] = { session_id, reason };

	return db_exec(db,
		       "UPDATE sessions SET revoked_at = now(), revoke_reason = $2 "
		       "WHERE id = $1::uuid AND revoked_at IS NULL",
		       2, p, NULL, e);
}

int session_of_refresh(struct db *db, const char *refresh_token, char out[CRYPTO_UUID_LEN],
		       struct err *e)
{
	char hash[CRYPTO_SHA256_HEX];
	const char *p[1] = { hash };
	PGresult *res = NULL;
	int rc;

	if (!refresh_syntax_ok(refresh_token))
		return err_set(e, ERR_NOTFOUND, "malformed refresh token");
	crypto_sha256_hex(refresh_token, strlen(refresh_token), hash);
	rc = db_exec(db, "SELECT session_id FROM refresh_tokens WHERE token_hash = $1", 1, p, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return err_set(e, ERR_NOTFOUND, "unknown refresh token");
	}
	snprintf(out, CRYPTO_UUID_LEN, "%s", db_get(res, 0, 0));
	PQclear(res);
	return 0;
}

int token_revoke(struct db *db, const char *jti, int64_t exp, struct err *e)
{
	char exps[24];
	const char *p[2] = { jti, exps };

	snprintf(exps, sizeof exps, "%lld", (long long)exp);
	return db_exec(db,
		       "INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, to_timestamp($2::bigint)) "
		       "ON CONFLICT (jti) DO NOTHING",
		       2, p, NULL, e);
}

int session_check(struct db *db, struct arena *a, int64_t user_id, const char *sid,
		  const char *jti, struct user *u, struct err *e)
{
	char uid[24];
	const char *p[3] = { uid, sid, jti };
	PGresult *res = NULL;
	int rc;

	snprintf(uid, sizeof uid, "%lld", (long long)user_id);
	rc = db_exec(db,
		     "SELECT u.id, u.email, u.full_name, u.role, u.is_active, COALESCE(u.language, ''), "
		     "'', '', '', EXISTS (SELECT 1 FROM revoked_tokens t WHERE t.jti = $3) "
		     "FROM users u JOIN sessions s ON s.user_id = u.id "
		     "WHERE u.id = $1 AND s.id = $2::uuid AND u.is_active "
		     "AND s.revoked_at IS NULL AND s.expires_at > now()",
		     3, p, &res, e);
	if (rc != 0)
		return rc;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return err_set(e, ERR_DENIED, "session ended or user disabled");
	}
	if (db_get(res, 0, 9)[0] == 't') {
		PQclear(res);
		return err_set(e, ERR_DENIED, "token revoked");
	}
	{
		/* Only the fields a request needs; the timestamps stay empty. */
		const char *email = db_get(res, 0, 1), *name = db_get(res, 0, 2),
			   *lang = db_get(res, 0, 5);

		u->id = db_get_int64(res, 0, 0, 0);
		u->role = user_role_parse(db_get(res, 0, 3));
		u->is_active = true;
		u->email = arena_strdup(a, email != NULL ? email : "");
		u->full_name = arena_strdup(a, name != NULL ? name : "");
		u->language = arena_strdup(a, lang != NULL ? lang : "");
		u->created_at = u->updated_at = u->last_login_at = "";
	}
	PQclear(res);
	return u->email != NULL && u->full_name != NULL && u->language != NULL
		       ? 0
		       : err_set(e, ERR_NOMEM, "out of memory");
}

int login_attempt_reserve(struct db *db, const char *client_ip, const char *email,
			  int max_failures, int window_minutes, int *retry_after, struct err *e)
{
	char win[16];
	const char *p[3] = { client_ip != NULL ? client_ip : "", email, win };
	PGresult *res = NULL;
	int64_t failures;
	int rc;

	*retry_after = 0;
	snprintf(win, sizeof win, "%d", window_minutes);
	rc = db_exec(db,
		     "INSERT INTO login_attempts AS a (client_ip, email, window_start, failures) "
		     "VALUES (left($1, 64), left(lower($2), 254), now(), 1) "
		     "ON CONFLICT (client_ip, email) DO UPDATE SET "
		     "failures = CASE WHEN a.window_start < now() - make_interval(mins => $3::int) "
		     "THEN 1 ELSE a.failures + 1 END, "
		     "window_start = CASE WHEN a.window_start < now() - make_interval(mins => $3::int) "
		     "THEN now() ELSE a.window_start END "
		     "RETURNING failures, greatest(1, ceil(extract(epoch FROM "
		     "window_start + make_interval(mins => $3::int) - now())))::int",
		     3, p, &res, e);
	if (rc != 0)
		return rc;
	failures = db_get_int64(res, 0, 0, 0);
	*retry_after = (int)db_get_int64(res, 0, 1, 60);
	PQclear(res);
	if (failures > max_failures)
		return err_set(e, ERR_LIMIT, "too many failed logins; retry in %d s", *retry_after);
	*retry_after = 0;
	return 0;
}

int login_attempt_reset(struct db *db, const char *client_ip, const char *email, struct err *e)
{
	const char *p[2] = { client_ip != NULL ? client_ip : "", email };

	return db_exec(db, "DELETE FROM login_attempts WHERE client_ip = left($1, 64) "
			   "AND email = left(lower($2), 254)",
		       2, p, NULL, e);
}

static int purge_one(struct db *db, const char *sql, int n, const char *const *p, long *count,
		     struct err *e)
{
	PGresult *res = NULL;
	int rc = db_exec(db, sql, n, p, &res, e);

	if (rc != 0)
		return rc;
	*count = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

int sessions_purge(struct db *db, int window_minutes, struct purge_counts *out, struct err *e)
{
	char win[16];
	const char *p[1] = { win };
	long tokens = 0;
	int rc;

	memset(out, 0, sizeof *out);
	snprintf(win, sizeof win, "%d", window_minutes);
	/* A revoked session is kept a day, so a stolen token replayed soon after still shows up as reuse. */
	rc = purge_one(db,
		       "DELETE FROM sessions WHERE expires_at < now() "
		       "OR revoked_at < now() - interval '1 day'",
		       0, NULL, &out->sessions, e);
	if (rc == 0)
		rc = purge_one(db, "DELETE FROM refresh_tokens WHERE expires_at < now()", 0, NULL,
			       &tokens, e);
	if (rc == 0)
		rc = purge_one(db, "DELETE FROM revoked_tokens WHERE expires_at < now()", 0, NULL,
			       &out->revoked_tokens, e);
	if (rc == 0)
		rc = purge_one(db,
			       "DELETE FROM login_attempts "
			       "WHERE window_start < now() - make_interval(mins => $1::int)",
			       1, p, &out->login_attempts, e);
	return rc;
}
