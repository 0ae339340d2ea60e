/*
 * /users — the administrators' pages for accounts: the list with a form to add someone, and
 * one page per user to change their details, set a new password or delete them.
 *
 * The rules are the API's (same validators, same store calls through app_user_*, which write
 * the audit events), so a page and a script can never disagree about what is allowed. A
 * refused form comes back with what was typed (never a password) and the reason in the
 * page's language; a change that worked redirects (303) to a page that says so, so a reload
 * does not post it again.
 */
#include "app.h"

#include "arena.h"
#include "password.h"
#include "tpl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USERS_PER_PAGE 50

/* What the admin typed into a user form, to show it again (passwords are never kept). */
struct user_form {
	const char *email;
	const char *full_name;
	enum user_role role;
	bool is_active;
	const char *language;
};

static void fill_row(struct http_ctx *x, struct tpl_dict *row, const struct user *u)
{
	tpl_set_int(row, "ID", (long long)u->id);
	tpl_set(row, "EMAIL", u->email);
	tpl_set(row, "FULL_NAME", u->full_name);
	tpl_set(row, "ROLE", user_role_name(u->role));
	tpl_set(row, "ROLE_NAME", page_text(x, role_key(u->role)));
	tpl_show(row, u->is_active ? "ACTIVE" : "DISABLED");
	tpl_set(row, "LAST_LOGIN", form_time(x, u->last_login_at));
	if (u->id == app_auth_of(x)->user.id)
		tpl_show(row, "SELF");
}

/* The table and, when there are more users than one page holds, the links between pages. */
static int fill_list(struct http_ctx *x, struct tpl_dict *page, int offset)
{
	struct user *items = NULL;
	struct tpl_dict *pager;
	size_t n = 0;
	int64_t total = 0;
	struct err e = { 0 };
	int rc;

	rc = users_list(app_thread_of(x)->db, x->arena, USERS_PER_PAGE, offset, &items, &n, &total,
			&e);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct tpl_dict *row = tpl_section(page, "USER");

		if (row != NULL)
			fill_row(x, row, &items[i]);
	}
	if (n == 0)
		tpl_show(page, "NO_USERS");
	if (total <= USERS_PER_PAGE && offset == 0)
		return 0;
	pager = tpl_section(page, "PAGER");
	if (pager == NULL)
		return 0;
	tpl_set(pager, "RANGE", form_format(x, "pager_range", n > 0 ? offset + 1 : offset,
					    offset + (long long)n, (long long)total));
	if (offset > 0) {
		struct tpl_dict *prev = tpl_section(pager, "PREV");

		if (prev != NULL)
			tpl_set_int(prev, "OFFSET", offset > USERS_PER_PAGE ? offset - USERS_PER_PAGE : 0);
	}
	if (offset + (int64_t)n < total) {
		struct tpl_dict *next = tpl_section(pager, "NEXT");

		if (next != NULL)
			tpl_set_int(next, "OFFSET", offset + USERS_PER_PAGE);
	}
	return 0;
}

static void fill_create_form(struct http_ctx *x, struct tpl_dict *page, const struct user_form *f)
{
	tpl_set(page, "NEW_EMAIL", f->email);
	tpl_set(page, "NEW_FULL_NAME", f->full_name);
	form_role_options(x, page, "ROLE_OPTION", f->role);
	if (f->is_active)
		tpl_show(page, "NEW_ACTIVE");
	tpl_set(page, "PASSWORD_HINT", form_format(x, "password_hint", PASSWORD_MIN_CHARS, 0, 0));
}

static int render_users(struct http_ctx *x, int status, int offset, const struct user_form *f,
			const char *error, const char *notice)
{
	struct tpl_dict *root, *page = page_begin(x, "users_title", "users.tpl", "users", &root);
	int rc;

	if (page == NULL)
		return ERR_NOMEM;
	/* After a refused form the request path is the form's target: the language switch must
	 * come back to the page itself. */
	tpl_set(root, "CURRENT_PATH", "/users");
	rc = fill_list(x, page, offset);
	if (rc != 0) {
		tpl_dict_free(root);
		return rc;
	}
	fill_create_form(x, page, f);
	form_banner(page, "ERROR", error);
	form_banner(page, "NOTICE", notice);
	return page_render(x, status, root);
}

int handle_users_page(struct http_ctx *x)
{
	struct user_form f = { .email = "", .full_name = "", .role = ROLE_VIEWER, .is_active = true };
	const char *notice = NULL;
	int offset;

	if (!app_offset_param(x, &offset)) {
		page_error(x, 400);
		return 0;
	}
	if (http_param_get(&x->req.query_params, "deleted") != NULL)
		notice = page_text(x, "notice_user_deleted");
	return render_users(x, 200, offset, &f, NULL, notice);
}

/* The message for a failed store call on a form, and its status; 0 = not the form's fault. */
static int form_failure(struct http_ctx *x, int rc, const struct err *e, const char **msg)
{
	*msg = form_message(x, e->msg);
	if (rc == ERR_CONFLICT)
		return 409;
	if (rc == ERR_INVALID)
		return 422;
	return 0;
}

int handle_users_create_form(struct http_ctx *x)
{
	struct user_form f;
	struct user_change c = { 0 };
	struct err e = { 0 };
	char hash[PASSWORD_HASH_MAX];
	const char *password = http_param_get(&x->req.form, "password");
	const char *msg = NULL;
	int64_t id = 0;
	int rc, status;

	f.email = form_text(x, "email");
	f.full_name = form_text(x, "full_name");
	f.role = user_role_parse(http_param_get(&x->req.form, "role"));
	f.is_active = form_checked(x, "is_active");
	f.language = "";
	if (f.email == NULL || f.full_name == NULL)
		return ERR_NOMEM;
	if (user_email_check(f.email, &e) != 0 || user_name_check(f.full_name, &e) != 0)
		msg = form_message(x, e.msg);
	else if (f.role == ROLE_NONE)
		msg = page_text(x, "msg_role_invalid");
	/* An empty password field is a missing password, not a short one. */
	else if (password_policy_check(password != NULL && password[0] != '\0' ? password : NULL,
				       f.email, &e) != 0)
		msg = form_message(x, e.msg);
	if (msg != NULL) {
		if (f.role == ROLE_NONE)
			f.role = ROLE_VIEWER;
		return render_users(x, 422, 0, &f, msg, NULL);
	}
	rc = password_hash(password, hash, &e);
	if (rc != 0)
		return rc;
	c.email = f.email;
	c.full_name = f.full_name;
	c.role = f.role;
	c.is_active = &f.is_active;
	c.password_hash = hash;
	rc = app_user_create(x, &c, &id, &e);
	if (rc != 0) {
		status = form_failure(x, rc, &e, &msg);
		if (status == 0)
			return rc;
		return render_users(x, status, 0, &f, msg, NULL);
	}
	http_redirect(x, arena_printf(x->arena, "/users/%lld?created=1", (long long)id));
	return 0;
}

/* ---- one user ---- */

/* The page's notice, from the redirect that brought the admin here. */
static const char *user_notice(struct http_ctx *x)
{
	if (http_param_get(&x->req.query_params, "created") != NULL)
		return page_text(x, "notice_user_created");
	if (http_param_get(&x->req.query_params, "saved") != NULL)
		return page_text(x, "notice_user_saved");
	if (http_param_get(&x->req.query_params, "password") != NULL)
		return page_text(x, "notice_password_set");
	return NULL;
}

/*
 * The user's page: u as stored (heading, facts, the other forms), f as the edit form shows it
 * (what was typed when a change was refused, else u).
 */
static int render_user(struct http_ctx *x, int status, const struct user *u,
		       const struct user_form *f, const char *error, const char *notice)
{
	struct tpl_dict *root, *page = page_begin(x, "user_title", "user.tpl", "users", &root);

	if (page == NULL)
		return ERR_NOMEM;
	/* Not .../password or .../delete, which have no page to come back to. */
	tpl_set(root, "CURRENT_PATH", arena_printf(x->arena, "/users/%lld", (long long)u->id));
	tpl_set_int(page, "ID", (long long)u->id);
	tpl_set(page, "EMAIL", u->email);
	tpl_set(page, "FULL_NAME", u->full_name);
	if (u->full_name[0] == '\0')
		tpl_show(page, "NO_NAME");
	tpl_set(page, "ROLE", user_role_name(u->role));
	tpl_set(page, "ROLE_NAME", page_text(x, role_key(u->role)));
	tpl_show(page, u->is_active ? "ACTIVE" : "DISABLED");
	tpl_set(page, "CREATED_AT", form_time(x, u->created_at));
	tpl_set(page, "LAST_LOGIN", form_time(x, u->last_login_at));
	tpl_set(page, "FORM_EMAIL", f->email);
	tpl_set(page, "FORM_FULL_NAME", f->full_name);
	form_role_options(x, page, "ROLE_OPTION", f->role);
	form_language_options(x, page, "LANG_CHOICE", f->language);
	if (f->is_active)
		tpl_show(page, "FORM_ACTIVE");
	if (u->id == app_auth_of(x)->user.id) {
		/* One's own password is changed with the current one, on the account page. */
		tpl_show(page, "SELF");
	} else {
		struct tpl_dict *pw = tpl_section(page, "PASSWORD_FORM");

		if (pw != NULL)
			tpl_set(pw, "PASSWORD_HINT",
				form_format(x, "password_hint", PASSWORD_MIN_CHARS, 0, 0));
	}
	form_banner(page, "ERROR", error);
	form_banner(page, "NOTICE", notice);
	return page_render(x, status, root);
}

static void form_of(const struct user *u, struct user_form *f)
{
	f->email = u->email;
	f->full_name = u->full_name;
	f->role = u->role;
	f->is_active = u->is_active;
	f->language = u->language;
}

/* Load the user of the path; answers the 404 page itself (then returns 1). */
static int load_user(struct http_ctx *x, struct user *u)
{
	struct err e = { 0 };
	int rc = users_get(app_thread_of(x)->db, x->arena, app_path_id(x), u, &e);

	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 1;
	}
	return rc;
}

/* The user page again with a message about the form that was refused. */
static int refuse(struct http_ctx *x, int status, const struct user *u, const struct user_form *f,
		  const char *message)
{
	struct user_form stored;

	if (f == NULL) {
		form_of(u, &stored);
		f = &stored;
	}
	return render_user(x, status, u, f, message, NULL);
}

int handle_user_page(struct http_ctx *x)
{
	struct user u;
	struct user_form f;
	int rc = load_user(x, &u);

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	form_of(&u, &f);
	return render_user(x, 200, &u, &f, NULL, user_notice(x));
}

int handle_user_edit_form(struct http_ctx *x)
{
	struct user u;
	struct user_form f;
	struct user_change c = { 0 };
	struct err e = { 0 };
	const char *msg = NULL;
	int rc = load_user(x, &u), status;

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	f.email = form_text(x, "email");
	f.full_name = form_text(x, "full_name");
	f.role = user_role_parse(http_param_get(&x->req.form, "role"));
	f.is_active = form_checked(x, "is_active");
	if (f.email == NULL || f.full_name == NULL)
		return ERR_NOMEM;
	if (!form_language(http_param_get(&x->req.form, "language"), &f.language)) {
		f.language = u.language;
		msg = page_text(x, "msg_language_invalid");
	}
	/* In the order of the form's fields, so the message is about the first one wrong. */
	if (user_email_check(f.email, &e) != 0 || user_name_check(f.full_name, &e) != 0)
		msg = form_message(x, e.msg);
	else if (f.role == ROLE_NONE)
		msg = page_text(x, "msg_role_invalid");
	if (msg != NULL) {
		if (f.role == ROLE_NONE)
			f.role = u.role;
		return refuse(x, 422, &u, &f, msg);
	}
	c.email = f.email;
	c.full_name = f.full_name;
	c.role = f.role;
	c.is_active = &f.is_active;
	c.set_language = true;
	c.language = f.language;
	rc = app_user_update(x, u.id, &c, NULL, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0) {
		status = form_failure(x, rc, &e, &msg);
		return status != 0 ? refuse(x, status, &u, &f, msg) : rc;
	}
	/* An admin who just gave up their own rights could not open this page any more. */
	if (u.id == app_auth_of(x)->user.id && (f.role != ROLE_ADMIN || !f.is_active))
		http_redirect(x, "/");
	else
		http_redirect(x, arena_printf(x->arena, "/users/%lld?saved=1", (long long)u.id));
	return 0;
}

int handle_user_password_form(struct http_ctx *x)
{
	const char *password = http_param_get(&x->req.form, "password");
	const char *repeat = http_param_get(&x->req.form, "password_repeat");
	struct user_change c = { 0 };
	struct user u;
	struct err e = { 0 };
	char hash[PASSWORD_HASH_MAX];
	const char *msg;
	int rc = load_user(x, &u), status;

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	/* Setting it here would skip the current password and sign the admin out: see /account. */
	if (u.id == app_auth_of(x)->user.id)
		return refuse(x, 422, &u, NULL, page_text(x, "user_password_self"));
	if (password == NULL || password[0] == '\0')
		password = NULL;
	rc = password_policy_check(password, u.email, &e);
	if (rc != 0)
		return refuse(x, 422, &u, NULL, form_message(x, e.msg));
	if (repeat == NULL || strcmp(password, repeat) != 0)
		return refuse(x, 422, &u, NULL, page_text(x, "msg_password_mismatch"));
	rc = password_hash(password, hash, &e);
	if (rc != 0)
		return rc;
	c.password_hash = hash;
	rc = app_user_update(x, u.id, &c, NULL, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0) {
		status = form_failure(x, rc, &e, &msg);
		return status != 0 ? refuse(x, status, &u, NULL, msg) : rc;
	}
	http_redirect(x, arena_printf(x->arena, "/users/%lld?password=1", (long long)u.id));
	return 0;
}

int handle_user_delete_form(struct http_ctx *x)
{
	struct user u;
	struct err e = { 0 };
	const char *msg;
	int rc = load_user(x, &u), status;

	if (rc != 0)
		return rc > 0 ? 0 : rc;
	/* A deletion cannot be undone: one click on the wrong row must not do it. */
	if (!form_checked(x, "confirm"))
		return refuse(x, 422, &u, NULL, page_text(x, "msg_delete_confirm"));
	rc = app_user_delete(x, u.id, &e);
	if (rc == ERR_NOTFOUND) {
		page_error(x, 404);
		return 0;
	}
	if (rc != 0) {
		status = form_failure(x, rc, &e, &msg);
		return status != 0 ? refuse(x, status, &u, NULL, msg) : rc;
	}
	http_redirect(x, "/users?deleted=1");
	return 0;
}
