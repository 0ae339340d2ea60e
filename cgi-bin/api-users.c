/*
 * /api/v1/users — account management for admins: list, create, read, change, delete.
 * Every change writes an audit event naming who did what to whom. The last active admin can
 * be neither demoted, disabled nor deleted (users.c enforces it in one transaction).
 */
#include "app.h"

#include "arena.h"
#include "db.h"
#include "i18n.h"
#include "json.h"
#include "password.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *const creatable[] = { "email", "full_name", "role", "is_active", "language",
					 "password" };

/* An unknown field is an error, not silently ignored: a typo must not look like success. */
static bool only_known_fields(struct http_ctx *x)
{
	json_object_object_foreach(x->req.json, key, val) {
		bool known = false;

		(void)val;
		for (size_t i = 0; i < sizeof creatable / sizeof creatable[0]; i++)
			if (strcmp(key, creatable[i]) == 0)
				known = true;
		if (!known) {
			http_respond_error(x, 422, "validation_failed",
					   "unknown field \"%s\"; known: email, full_name, role, "
					   "is_active, language, password", key);
			return false;
		}
	}
	return true;
}

/*
 * Read and validate the fields of a user change from the JSON body into c (strings borrowed
 * from the body; the password hashed into hash). Answers 422 itself and returns false on a
 * bad field. creating: email, role and password are required.
 */
static bool read_change(struct http_ctx *x, bool creating, struct user_change *c,
			bool *is_active, char hash[PASSWORD_HASH_MAX])
{
	struct err e = { 0 };
	const char *role = NULL, *password = NULL;
	json_object *v;
	int rc;

	memset(c, 0, sizeof *c);
	if (!api_require_object(x) || !only_known_fields(x))
		return false;
	rc = json_get_string(x->req.json, "email", USER_EMAIL_MAX + 64, &c->email, &e);
	if (rc == 0)
		rc = user_email_check(c->email, &e);
	if (rc == ERR_NOTFOUND && creating)
		rc = err_set(&e, ERR_INVALID, "field \"email\" is required");
	if (rc != 0 && rc != ERR_NOTFOUND)
		goto invalid;
	rc = json_get_string(x->req.json, "full_name", 1024, &c->full_name, &e);
	if (rc == 0)
		rc = user_name_check(c->full_name, &e);
	if (rc != 0 && rc != ERR_NOTFOUND)
		goto invalid;
	rc = json_get_string(x->req.json, "role", 16, &role, &e);
	if (rc == 0 && (c->role = user_role_parse(role)) == ROLE_NONE)
		rc = err_set(&e, ERR_INVALID, "field \"role\" must be admin, operator or viewer");
	if (rc == ERR_NOTFOUND && creating)
		rc = err_set(&e, ERR_INVALID, "field \"role\" is required");
	if (rc != 0 && rc != ERR_NOTFOUND)
		goto invalid;
	rc = json_get_bool(x->req.json, "is_active", is_active, &e);
	if (rc == 0)
		c->is_active = is_active;
	else if (rc != ERR_NOTFOUND)
		goto invalid;
	if (json_object_object_get_ex(x->req.json, "language", &v)) {
		if (v != NULL && (!json_object_is_type(v, json_type_string) ||
				  !i18n_supported(json_object_get_string(v)))) {
			rc = err_set(&e, ERR_INVALID, "field \"language\" must be \"ru\", \"en\" or null");
			goto invalid;
		}
		c->set_language = true;
		c->language = v != NULL ? json_object_get_string(v) : NULL;
	}
	rc = json_get_string(x->req.json, "password", 1024, &password, &e);
	if (rc == 0)
		rc = password_policy_check(password, c->email, &e);
	if (rc == ERR_NOTFOUND && creating)
		rc = err_set(&e, ERR_INVALID, "field \"password\" is required");
	if (rc != 0 && rc != ERR_NOTFOUND)
		goto invalid;
	if (password != NULL) {
		if (password_hash(password, hash, &e) != 0) {
			http_respond_error(x, 500, "internal", "%s", e.msg);
			return false;
		}
		c->password_hash = hash;
	}
	return true;
invalid:
	http_respond_error(x, 422, "validation_failed", "%s", e.msg);
	return false;
}

/* What changed, for the audit event (never the password itself). */
static json_object *change_summary(int64_t target, const struct user_change *c)
{
	json_object *p = json_object_new_object();

	json_object_object_add(p, "target_user_id", json_object_new_int64(target));
	if (c->email != NULL)
		json_object_object_add(p, "email", json_object_new_string(c->email));
	if (c->full_name != NULL)
		json_object_object_add(p, "full_name", json_object_new_string(c->full_name));
	if (c->role != ROLE_NONE)
		json_object_object_add(p, "role", json_object_new_string(user_role_name(c->role)));
	if (c->is_active != NULL)
		json_object_object_add(p, "is_active", json_object_new_boolean(*c->is_active));
	if (c->set_language)
		json_object_object_add(p, "language",
				       c->language != NULL ? json_object_new_string(c->language) : NULL);
	if (c->password_hash != NULL)
		json_object_object_add(p, "password", json_object_new_string("reset"));
	return p;
}

int app_user_create(struct http_ctx *x, const struct user_change *c, int64_t *id, struct err *e)
{
	int rc = users_create(app_thread_of(x)->db, c->email, c->full_name, c->role,
			      c->is_active != NULL ? *c->is_active : true, c->password_hash,
			      c->set_language ? c->language : NULL, id, e);

	if (rc == 0)
		app_audit(x, "user_created", "info", app_auth_of(x)->user.id, "user created",
			  change_summary(*id, c));
	return rc;
}

int app_user_update(struct http_ctx *x, int64_t id, const struct user_change *c,
		    struct user *out, struct err *e)
{
	int rc = users_update(app_thread_of(x)->db, x->arena, id, c, NULL, out, e);

	if (rc == 0)
		app_audit(x, "user_updated", "info", app_auth_of(x)->user.id, "user changed",
			  change_summary(id, c));
	return rc;
}

int app_user_delete(struct http_ctx *x, int64_t id, struct err *e)
{
	int rc = users_delete(app_thread_of(x)->db, id, e);

	if (rc == 0) {
		json_object *p = json_object_new_object();

		json_object_object_add(p, "target_user_id", json_object_new_int64(id));
		app_audit(x, "user_deleted", "info", app_auth_of(x)->user.id, "user deleted", p);
	}
	return rc;
}

/* Store-level failures every handler maps the same way. Returns 0 when answered. */
static int respond_store_error(struct http_ctx *x, int rc, const struct err *e)
{
	if (rc == ERR_NOTFOUND) {
		http_respond_error(x, 404, "not_found", "no such user");
		return 0;
	}
	if (rc == ERR_CONFLICT) {
		http_respond_error(x, 409, strstr(e->msg, "administrator") != NULL ? "last_admin" : "conflict",
				   "%s", e->msg);
		return 0;
	}
	if (rc == ERR_INVALID) {
		http_respond_error(x, 422, "validation_failed", "%s", e->msg);
		return 0;
	}
	return rc;
}

/* ?limit=&offset= with bounds; false when answered 422. */
int handle_users_list(struct http_ctx *x)
{
	struct user *items = NULL;
	size_t n = 0;
	int64_t total = 0;
	int limit, offset, rc;
	json_object *arr;

	if (!api_page_params(x, &limit, &offset))
		return 0;
	rc = users_list(app_thread_of(x)->db, x->arena, limit, offset, &items, &n, &total, NULL);
	if (rc != 0)
		return rc;
	arr = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, app_user_json(&items[i]));
	app_respond_page(x, arr, total, limit, offset);
	return 0;
}

int handle_users_create(struct http_ctx *x)
{
	struct user_change c;
	struct user u;
	struct err e = { 0 };
	char hash[PASSWORD_HASH_MAX];
	bool active = true;
	int64_t id = 0;
	int rc;

	if (!read_change(x, true, &c, &active, hash))
		return 0;
	rc = app_user_create(x, &c, &id, &e);
	if (rc == 0)
		rc = users_get(app_thread_of(x)->db, x->arena, id, &u, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	http_header_set(&x->resp, x->arena, "Location",
			arena_printf(x->arena, "/api/v1/users/%lld", (long long)id));
	http_respond_json(x, 201, app_user_json(&u));
	return 0;
}

int handle_user_get(struct http_ctx *x)
{
	struct user u;
	struct err e = { 0 };
	int rc = users_get(app_thread_of(x)->db, x->arena, app_path_id(x), &u, &e);

	if (rc != 0)
		return respond_store_error(x, rc, &e);
	http_respond_json(x, 200, app_user_json(&u));
	return 0;
}

int handle_user_patch(struct http_ctx *x)
{
	struct user_change c;
	struct user u;
	struct err e = { 0 };
	char hash[PASSWORD_HASH_MAX];
	bool active = true;
	int rc;

	if (!read_change(x, false, &c, &active, hash))
		return 0;
	rc = app_user_update(x, app_path_id(x), &c, &u, &e);
	if (rc != 0)
		return respond_store_error(x, rc, &e);
	http_respond_json(x, 200, app_user_json(&u));
	return 0;
}

int handle_user_delete(struct http_ctx *x)
{
	struct err e = { 0 };
	int rc = app_user_delete(x, app_path_id(x), &e);

	if (rc != 0)
		return respond_store_error(x, rc, &e);
	x->resp.status = 204;
	return 0;
}
