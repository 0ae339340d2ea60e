/*
 * /api/v1/auth/... and /api/v1/users/me...: signing in and out, refreshing, and a user's own
 * account. The token logic lives in auth.c; these handlers read input, map outcomes to HTTP
 * and shape the JSON.
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "i18n.h"
#include "json.h"
#include "password.h"
#include "sessions.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define INPUT_MAX 1024

/*
 * A string field from the JSON body or, for form posts, the form. 0 and *out; ERR_NOTFOUND;
 * ERR_INVALID with e.
 */
static int input_string(struct http_ctx *x, const char *key, const char **out, struct err *e)
{
	if (x->req.json != NULL)
		return json_get_string(x->req.json, key, INPUT_MAX, out, e);
	*out = http_param_get(&x->req.form, key);
	if (*out == NULL)
		return ERR_NOTFOUND;
	if (strlen(*out) > INPUT_MAX)
		return err_set(e, ERR_INVALID, "field \"%s\" is longer than %d bytes", key, INPUT_MAX);
	return 0;
}

/* The JSON body must be an object; 422 otherwise (false = answered). */
bool api_require_object(struct http_ctx *x)
{
	if (x->req.json == NULL || !json_object_is_type(x->req.json, json_type_object)) {
		http_respond_error(x, 422, "validation_failed", "a JSON object body is required");
		return false;
	}
	return true;
}

/* Trim ASCII white space in place (arena copy) — people paste emails with spaces around them. */
static const char *trimmed(struct http_ctx *x, const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(x->arena, s, n);
}

static void respond_tokens(struct http_ctx *x, const struct auth_tokens *t)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "access_token", json_object_new_string(t->access_token));
	json_object_object_add(o, "refresh_token", json_object_new_string(t->refresh_token));
	json_object_object_add(o, "token_type", json_object_new_string("bearer"));
	json_object_object_add(o, "expires_in",
			       json_object_new_int64(t->access_expires - (int64_t)time(NULL)));
	http_respond_json(x, 200, o);
}

void api_respond_too_many(struct http_ctx *x, int retry_after)
{
	char ra[16];

	snprintf(ra, sizeof ra, "%d", retry_after);
	http_header_set(&x->resp, x->arena, "Retry-After", ra);
	http_respond_error(x, 429, "too_many_attempts",
			   "too many failed logins for this account from your address; try again in %d s",
			   retry_after);
}

int handle_auth_login(struct http_ctx *x)
{
	struct auth_tokens t;
	struct err e = { 0 };
	const char *email = NULL, *password = NULL;
	int rc, retry_after = 0;

	rc = input_string(x, "email", &email, &e);
	/* OAuth2 password-grant forms call it "username". */
	if (rc == ERR_NOTFOUND && x->req.json == NULL)
		rc = input_string(x, "username", &email, &e);
	if (rc == 0)
		rc = input_string(x, "password", &password, &e);
	if (rc == ERR_NOTFOUND) {
		http_respond_error(x, 422, "validation_failed", "fields \"email\" and \"password\" are required");
		return 0;
	}
	if (rc != 0) {
		http_respond_error(x, 422, "validation_failed", "%s", e.msg);
		return 0;
	}
	email = trimmed(x, email);
	if (email == NULL)
		return ERR_NOMEM;
	rc = auth_login(x, email, password, &t, &retry_after);
	if (rc == ERR_LIMIT) {
		api_respond_too_many(x, retry_after);
		return 0;
	}
	if (rc == ERR_DENIED) {
		http_respond_error(x, 401, "invalid_credentials", "incorrect email or password");
		return 0;
	}
	if (rc != 0)
		return rc;
	respond_tokens(x, &t);
	return 0;
}

int handle_auth_refresh(struct http_ctx *x)
{
	struct auth_tokens t;
	struct err e = { 0 };
	const char *token = NULL;
	int rc;

	if (!api_require_object(x))
		return 0;
	rc = json_get_string(x->req.json, "refresh_token", 256, &token, &e);
	if (rc != 0) {
		http_respond_error(x, 422, "validation_failed", "%s",
				   rc == ERR_NOTFOUND ? "field \"refresh_token\" is required" : e.msg);
		return 0;
	}
	/* Scripts get no grace: a second use of a refresh token is theft. */
	rc = auth_refresh(x, token, 0, &t);
	if (rc == ERR_DENIED) {
		http_respond_error(x, 401, "invalid_token", "the refresh token is invalid, expired or already used");
		return 0;
	}
	if (rc != 0)
		return rc;
	respond_tokens(x, &t);
	return 0;
}

int handle_auth_logout(struct http_ctx *x)
{
	const char *refresh = NULL;
	int rc;

	if (x->req.json != NULL)
		(void)json_get_string(x->req.json, "refresh_token", 256, &refresh, NULL);
	rc = auth_logout(x, refresh);
	if (rc != 0)
		return rc;
	if (app_auth_of(x)->via_cookie)
		auth_clear_cookies(x);
	x->resp.status = 204;
	return 0;
}

json_object *app_user_json(const struct user *u)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(u->id));
	json_object_object_add(o, "email", json_object_new_string(u->email));
	json_object_object_add(o, "full_name", json_object_new_string(u->full_name));
	json_object_object_add(o, "role", json_object_new_string(user_role_name(u->role)));
	json_object_object_add(o, "is_active", json_object_new_boolean(u->is_active));
	json_object_object_add(o, "language",
			       u->language[0] != '\0' ? json_object_new_string(u->language) : NULL);
	if (u->created_at[0] != '\0') {
		json_object_object_add(o, "created_at", json_object_new_string(u->created_at));
		json_object_object_add(o, "updated_at", json_object_new_string(u->updated_at));
		json_object_object_add(o, "last_login_at",
				       u->last_login_at[0] != '\0'
					       ? json_object_new_string(u->last_login_at)
					       : NULL);
	}
	return o;
}

int handle_me_get(struct http_ctx *x)
{
	struct user u;
	int rc = users_get(app_thread_of(x)->db, x->arena, app_auth_of(x)->user.id, &u, NULL);

	if (rc != 0)
		return rc;
	http_respond_json(x, 200, app_user_json(&u));
	return 0;
}

int handle_me_patch(struct http_ctx *x)
{
	struct user_change c = { 0 };
	struct user u;
	struct err e = { 0 };
	json_object *v;
	int rc;

	if (!api_require_object(x))
		return 0;
	json_object_object_foreach(x->req.json, key, val) {
		(void)val;
		if (strcmp(key, "full_name") != 0 && strcmp(key, "language") != 0) {
			http_respond_error(x, 422, "validation_failed",
					   "field \"%s\" cannot be changed here (full_name, language)", key);
			return 0;
		}
	}
	rc = json_get_string(x->req.json, "full_name", 1024, &c.full_name, &e);
	if (rc == 0)
		rc = user_name_check(c.full_name, &e);
	if (rc != 0 && rc != ERR_NOTFOUND) {
		http_respond_error(x, 422, "validation_failed", "%s", e.msg);
		return 0;
	}
	if (json_object_object_get_ex(x->req.json, "language", &v)) {
		c.set_language = true;
		if (v != NULL && (!json_object_is_type(v, json_type_string) ||
				  !i18n_supported(json_object_get_string(v)))) {
			http_respond_error(x, 422, "validation_failed",
					   "field \"language\" must be \"ru\", \"en\" or null");
			return 0;
		}
		c.language = v != NULL ? json_object_get_string(v) : NULL;
	}
	rc = users_update(app_thread_of(x)->db, x->arena, app_auth_of(x)->user.id, &c, NULL, &u, &e);
	if (rc != 0)
		return rc;
	http_respond_json(x, 200, app_user_json(&u));
	return 0;
}

/*
 * Change one's own password: the current one is required (a stolen session alone must not be
 * enough), the new one must meet the policy; every other session of the user ends.
 */
int app_change_own_password(struct http_ctx *x, const char *current, const char *fresh,
			    int *retry_after, struct err *e)
{
	struct request_auth *auth = app_auth_of(x);
	struct db *db = app_thread_of(x)->db;
	struct user_change c = { 0 };
	char hash[PASSWORD_HASH_MAX];
	const char *stored = NULL;
	int rc;

	*retry_after = 0;
	rc = login_attempt_reserve(db, auth_client_ip(x), auth->user.email,
				   app.cfg.login_max_failures, app.cfg.login_window_minutes,
				   retry_after, e);
	if (rc == ERR_LIMIT) {
		app_audit(x, "password_change_blocked", "warning", auth->user.id,
			  "too many wrong current passwords", NULL);
		return err_set(e, ERR_LIMIT, "too many wrong passwords; try again later");
	}
	if (rc == 0)
		rc = users_get_hash(db, x->arena, auth->user.id, &stored, e);
	if (rc != 0)
		return rc;
	if (password_verify(stored, current != NULL ? current : "") != 0) {
		app_audit(x, "password_change_failed", "warning", auth->user.id,
			  "wrong current password", NULL);
		return err_set(e, ERR_DENIED, "the current password is not correct");
	}
	if ((rc = login_attempt_reset(db, auth_client_ip(x), auth->user.email, e)) != 0)
		return rc;
	rc = password_policy_check(fresh, auth->user.email, e);
	if (rc != 0)
		return rc;
	rc = password_hash(fresh, hash, e);
	if (rc != 0)
		return rc;
	c.password_hash = hash;
	rc = users_update(db, x->arena, auth->user.id, &c, auth->claims.sid, NULL, e);
	if (rc == 0)
		app_audit(x, "password_changed", "info", auth->user.id,
			  "changed own password; other sessions ended", NULL);
	return rc;
}

int handle_me_password(struct http_ctx *x)
{
	struct err e = { 0 };
	const char *current = NULL, *fresh = NULL;
	int rc, retry_after = 0;

	if (!api_require_object(x))
		return 0;
	rc = json_get_string(x->req.json, "current_password", INPUT_MAX, &current, &e);
	if (rc == 0)
		rc = json_get_string(x->req.json, "new_password", INPUT_MAX, &fresh, &e);
	if (rc != 0) {
		http_respond_error(x, 422, "validation_failed", "%s",
				   rc == ERR_NOTFOUND
					   ? "fields \"current_password\" and \"new_password\" are required"
					   : e.msg);
		return 0;
	}
	rc = app_change_own_password(x, current, fresh, &retry_after, &e);
	if (rc == ERR_LIMIT) {
		api_respond_too_many(x, retry_after);
		return 0;
	}
	if (rc == ERR_DENIED) {
		http_respond_error(x, 403, "wrong_password", "%s", e.msg);
		return 0;
	}
	if (rc == ERR_INVALID) {
		http_respond_error(x, 422, "weak_password", "%s", e.msg);
		return 0;
	}
	if (rc != 0)
		return rc;
	x->resp.status = 204;
	return 0;
}
