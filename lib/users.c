#include "users.h"

#include "arena.h"
#include "db.h"

#include <stdio.h>
#include <string.h>

#define ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"

/* The columns every query reads, in the order row_to_user expects. */
#define USER_COLUMNS                                                                   \
	"id, email, full_name, role, is_active, COALESCE(language, ''), " ISO("created_at") \
	", " ISO("updated_at") ", COALESCE(" ISO("last_login_at") ", '')"

const char *user_role_name(enum user_role r)
{
	switch (r) {
	case ROLE_VIEWER: return "viewer";
	case ROLE_OPERATOR: return "operator";
	case ROLE_ADMIN: return "admin";
	case ROLE_NONE: break;
	}
	return "none";
}

enum user_role user_role_parse(const char *s)
{
	if (s == NULL)
		return ROLE_NONE;
	if (strcmp(s, "viewer") == 0)
		return ROLE_VIEWER;
	if (strcmp(s, "operator") == 0)
		return ROLE_OPERATOR;
	if (strcmp(s, "admin") == 0)
		return ROLE_ADMIN;
	return ROLE_NONE;
}

int user_email_check(const char *email, struct err *e)
{
	const char *at;
	size_t len;

	if (email == NULL || email[0] == '\0')
		return err_set(e, ERR_INVALID, "an email address is required");
	len = strlen(email);
	if (len < 3 || len > USER_EMAIL_MAX)
		return err_set(e, ERR_INVALID, "the email address must be 3 to %d characters",
			       USER_EMAIL_MAX);
	for (const unsigned char *p = (const unsigned char *)email; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f)
			return err_set(e, ERR_INVALID, "the email address must not contain spaces or control characters");
	at = strchr(email, '@');
	if (at == NULL || at == email || at[1] == '\0' || strchr(at + 1, '@') != NULL)
		return err_set(e, ERR_INVALID, "the email address must look like name@domain");
	return 0;
}

int user_name_check(const char *name, struct err *e)
{
	const unsigned char *p = (const unsigned char *)(name != NULL ? name : "");
	size_t chars = 0;

	while (*p != '\0') {
		int extra = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2
			  : (*p & 0xf8) == 0xf0 ? 3 : -1;

		if (extra < 0 || (extra == 1 && *p < 0xc2))
			return err_set(e, ERR_INVALID, "the name is not valid UTF-8");
		if (*p < 0x20 || *p == 0x7f)
			return err_set(e, ERR_INVALID, "the name must not contain control characters");
		p++;
		for (int i = 0; i < extra; i++, p++)
			if ((*p & 0xc0) != 0x80)
				return err_set(e, ERR_INVALID, "the name is not valid UTF-8");
		chars++;
	}
	if (chars > USER_NAME_MAX)
		return err_set(e, ERR_INVALID, "the name is longer than %d characters", USER_NAME_MAX);
	return 0;
}

static int row_to_user(struct arena *a, const PGresult *res, int row, struct user *u);

static int collect_user(struct arena *a, const PGresult *res, int row, void *u)
{
	return row_to_user(a, res, row, u);
}

static int row_to_user(struct arena *a, const PGresult *res, int row, struct user *u)
{
	const char *active = db_get(res, row, 4);
	bool nomem = false;

	u->id = db_get_int64(res, row, 0, 0);
	u->email = db_text(a, res, row, 1, &nomem);
	u->full_name = db_text(a, res, row, 2, &nomem);
	u->role = user_role_parse(db_get(res, row, 3));
	u->is_active = active != NULL && active[0] == 't';
	u->language = db_text(a, res, row, 5, &nomem);
	u->created_at = db_text(a, res, row, 6, &nomem);
	u->updated_at = db_text(a, res, row, 7, &nomem);
	u->last_login_at = db_text(a, res, row, 8, &nomem);
	return nomem ? ERR_NOMEM : 0;
}

/* Run a query expected to give at most one user row. */
static int one_user(struct db *db, struct arena *a, const char *sql, int n, const char *const *p,
		    struct user *u, int extra_col, const char **extra, struct err *e)
{
	PGresult *res = NULL;
	bool nomem = false;
	int rc = db_exec_found(db, sql, n, p, &res, "user", e);

	if (rc != 0)
		return rc;
	if (row_to_user(a, res, 0, u) != 0)
		nomem = true;
	else if (extra != NULL)
		*extra = db_text(a, res, 0, extra_col, &nomem);
	if (nomem)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	PQclear(res);
	return rc;
}

int users_get(struct db *db, struct arena *a, int64_t id, struct user *u, struct err *e)
{
	char ids[24];
	const char *p[1] = { ids };

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	return one_user(db, a, "SELECT " USER_COLUMNS " FROM users WHERE id = $1", 1, p, u, 0, NULL,
			e);
}

int users_get_for_login(struct db *db, struct arena *a, const char *email, struct user *u,
			const char **hash, struct err *e)
{
	const char *p[1] = { email };

	return one_user(db, a,
			"SELECT " USER_COLUMNS ", password_hash FROM users "
			"WHERE lower(email) = lower($1)",
			1, p, u, 9, hash, e);
}

int users_get_hash(struct db *db, struct arena *a, int64_t id, const char **hash, struct err *e)
{
	struct user u;
	char ids[24];
	const char *p[1] = { ids };

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	return one_user(db, a, "SELECT " USER_COLUMNS ", password_hash FROM users WHERE id = $1", 1,
			p, &u, 9, hash, e);
}

int users_list(struct db *db, struct arena *a, int limit, int offset, struct user **items,
	       size_t *n, int64_t *total, struct err *e)
{
	void *v = NULL;
	PGresult *res = NULL;
	char lim[16], off[16];
	const char *p[2] = { lim, off };
	int rc;

	snprintf(lim, sizeof lim, "%d", limit);
	snprintf(off, sizeof off, "%d", offset);
	rc = db_exec(db,
		     "SELECT " USER_COLUMNS " FROM users ORDER BY lower(email), id LIMIT $1 OFFSET $2",
		     2, p, &res, e);
	if (rc != 0 || (rc = db_collect(res, a, sizeof **items, collect_user, &v, n, e)) != 0)
		return rc;
	*items = v;
	rc = db_exec(db, "SELECT count(*) FROM users", 0, NULL, &res, e);
	if (rc != 0)
		return rc;
	*total = db_get_int64(res, 0, 0, 0);
	PQclear(res);
	return 0;
}

int users_create(struct db *db, const char *email, const char *full_name, enum user_role role,
		 bool is_active, const char *password_hash, const char *language, int64_t *id,
		 struct err *e)
{
	PGresult *res = NULL;
	const char *p[6] = { email, full_name != NULL ? full_name : "", user_role_name(role),
			     is_active ? "true" : "false", password_hash,
			     language != NULL && language[0] != '\0' ? language : NULL };
	int rc;

	rc = db_exec(db,
		     "INSERT INTO users (email, full_name, role, is_active, password_hash, language) "
		     "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
		     6, p, &res, e);
	if (rc == ERR_CONFLICT)
		return err_set(e, ERR_CONFLICT, "a user with this email already exists");
	if (rc != 0)
		return rc;
	*id = db_get_int64(res, 0, 0, 0);
	PQclear(res);
	return 0;
}

/*
 * Inside the transaction: lock the active admins, then tell whether changing or removing
 * user id (who would stop being an active admin) leaves none.
 */
static int would_lose_last_admin(struct db *db, const char *ids, bool stays_admin, bool *lost,
				 struct err *e)
{
	PGresult *res = NULL;
	int rc, admins = 0;
	bool target_is_admin = false;

	*lost = false;
	rc = db_exec(db, "SELECT id FROM users WHERE role = 'admin' AND is_active ORDER BY id FOR UPDATE",
		     0, NULL, &res, e);
	if (rc != 0)
		return rc;
	admins = PQntuples(res);
	for (int i = 0; i < admins; i++)
		if (strcmp(db_get(res, i, 0), ids) == 0)
			target_is_admin = true;
	PQclear(res);
	*lost = target_is_admin && !stays_admin && admins <= 1;
	return 0;
}

static int revoke_sessions(struct db *db, const char *ids, const char *reason, const char *keep,
			   struct err *e)
{
	const char *p[3] = { ids, reason, keep };

	return db_exec(db,
		       "UPDATE sessions SET revoked_at = now(), revoke_reason = $2 "
		       "WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3::uuid)",
		       3, p, NULL, e);
}

int users_update(struct db *db, struct arena *a, int64_t id, const struct user_change *c,
		 const char *keep_session, struct user *u, struct err *e)
{
	struct user cur;
	char ids[24];
	const char *p[8];
	bool lost = false, stays_admin;
	int rc;

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	rc = db_begin(db, e);
	if (rc != 0)
		return rc;
	rc = users_get(db, a, id, &cur, e);
	if (rc != 0)
		goto fail;
	stays_admin = (c->role != ROLE_NONE ? c->role : cur.role) == ROLE_ADMIN &&
		      (c->is_active != NULL ? *c->is_active : cur.is_active);
	rc = would_lose_last_admin(db, ids, stays_admin, &lost, e);
	if (rc != 0)
		goto fail;
	if (lost) {
		rc = err_set(e, ERR_CONFLICT, "this is the last active administrator; make another "
					      "user an administrator first");
		goto fail;
	}
	p[0] = ids;
	p[1] = c->email;
	p[2] = c->full_name;
	p[3] = c->role != ROLE_NONE ? user_role_name(c->role) : NULL;
	p[4] = c->is_active != NULL ? (*c->is_active ? "true" : "false") : NULL;
	p[5] = c->set_language ? "true" : "false";
	p[6] = c->set_language && c->language != NULL && c->language[0] != '\0' ? c->language : NULL;
	p[7] = c->password_hash;
	rc = db_exec(db,
		     "UPDATE users SET email = COALESCE($2, email), full_name = COALESCE($3, full_name), "
		     "role = COALESCE($4, role), is_active = COALESCE($5::boolean, is_active), "
		     "language = CASE WHEN $6::boolean THEN $7 ELSE language END, "
		     "password_hash = COALESCE($8, password_hash) WHERE id = $1",
		     8, p, NULL, e);
	if (rc == ERR_CONFLICT) {
		err_set(e, ERR_CONFLICT, "a user with this email already exists");
		goto fail;
	}
	if (rc != 0)
		goto fail;
	if (c->is_active != NULL && !*c->is_active)
		rc = revoke_sessions(db, ids, "user_disabled", NULL, e);
	else if (c->password_hash != NULL)
		rc = revoke_sessions(db, ids, "password_changed", keep_session, e);
	if (rc != 0)
		goto fail;
	rc = db_commit(db, e);
	if (rc != 0)
		goto fail;
	return u != NULL ? users_get(db, a, id, u, e) : 0;
fail:
	db_rollback(db);
	return rc;
}

int users_delete(struct db *db, int64_t id, struct err *e)
{
	PGresult *res = NULL;
	char ids[24];
	const char *p[1] = { ids };
	bool lost = false;
	int rc;

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	rc = db_begin(db, e);
	if (rc != 0)
		return rc;
	rc = would_lose_last_admin(db, ids, false, &lost, e);
	if (rc != 0)
		goto fail;
	if (lost) {
		rc = err_set(e, ERR_CONFLICT, "this is the last active administrator; make another "
					      "user an administrator first");
		goto fail;
	}
	rc = db_exec_found(db, "DELETE FROM users WHERE id = $1 RETURNING id", 1, p, &res,
			   "user", e);
	if (rc != 0)
		goto fail;
	PQclear(res);
	return db_commit(db, e);
fail:
	db_rollback(db);
	return rc;
}

int users_touch_login(struct db *db, int64_t id, struct err *e)
{
	char ids[24];
	const char *p[1] = { ids };

	snprintf(ids, sizeof ids, "%lld", (long long)id);
	return db_exec(db, "UPDATE users SET last_login_at = now() WHERE id = $1", 1, p, NULL, e);
}

int users_exists_email(struct db *db, const char *email, bool *exists, struct err *e)
{
	PGresult *res = NULL;
	const char *p[1] = { email };
	int rc = db_exec(db, "SELECT 1 FROM users WHERE lower(email) = lower($1)", 1, p, &res, e);

	if (rc != 0)
		return rc;
	*exists = PQntuples(res) > 0;
	PQclear(res);
	return 0;
}
