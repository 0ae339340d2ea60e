/*
 * /account — the signed-in user's own page: who they are and with which role, their name
 * and page language, and changing their password. Any role may use it; nobody changes their
 * own email or role here (that is an administrator's decision, on /users).
 *
 * Changing the password needs the current one (a borrowed, still signed-in browser alone is
 * not enough) and ends every other session of the user, keeping this one.
 */
#include "app.h"

#include "arena.h"

#include "password.h"
#include "tpl.h"

#include <string.h>

/* What was typed into the profile form, to show it again when it was refused. */
struct profile_form {
	const char *full_name;
	const char *language;
};

static const char *account_notice(struct http_ctx *x)
{
	const char *saved = http_param_get(&x->req.query_params, "saved");

	if (saved == NULL)
		return NULL;
	return strcmp(saved, "password") == 0 ? page_text(x, "notice_password_changed")
					      : page_text(x, "notice_account_saved");
}

static int render_account(struct http_ctx *x, int status, const struct profile_form *f,
			  const char *error, const char *notice)
{
	struct request_auth *auth = app_auth_of(x);
	struct tpl_dict *root, *page;
	struct user u;
	int rc;

	/* Read back from the store: the session's copy was taken before this request changed it. */
	rc = users_get(app_thread_of(x)->db, x->arena, auth->user.id, &u, NULL);
	if (rc != 0)
		return rc;
	page = page_begin(x, "account_title", "account.tpl", "account", &root);
	if (page == NULL)
		return ERR_NOMEM;
	/* The language switch comes back here, also from /account/password (which has no page). */
	tpl_set(root, "CURRENT_PATH", "/account");
	tpl_set(page, "EMAIL", u.email);
	tpl_set(page, "ROLE", user_role_name(u.role));
	tpl_set(page, "ROLE_NAME", page_text(x, role_key(u.role)));
	tpl_set(page, "LAST_LOGIN", form_time(x, u.last_login_at));
	tpl_set(page, "FULL_NAME", f != NULL ? f->full_name : u.full_name);
	form_language_options(x, page, "LANG_CHOICE", f != NULL ? f->language : u.language);
	tpl_set(page, "PASSWORD_HINT", form_format(x, "password_hint", PASSWORD_MIN_CHARS, 0, 0));
	form_banner(page, "ERROR", error);
	form_banner(page, "NOTICE", notice);
	return page_render(x, status, root);
}

int handle_account_page(struct http_ctx *x)
{
	return render_account(x, 200, NULL, NULL, account_notice(x));
}

int handle_account_form(struct http_ctx *x)
{
	struct request_auth *auth = app_auth_of(x);
	struct user_change c = { 0 };
	struct profile_form f;
	struct err e = { 0 };
	const char *lang = NULL;
	int rc;

	f.full_name = form_text(x, "full_name");
	f.language = http_param_get(&x->req.form, "language");
	if (f.full_name == NULL)
		return ERR_NOMEM;
	if (user_name_check(f.full_name, &e) != 0)
		return render_account(x, 422, &f, form_message(x, e.msg), NULL);
	if (!form_language(f.language, &lang)) {
		f.language = "";
		return render_account(x, 422, &f, page_text(x, "msg_language_invalid"), NULL);
	}
	c.full_name = f.full_name;
	c.set_language = true;
	c.language = lang;
	rc = users_update(app_thread_of(x)->db, x->arena, auth->user.id, &c, NULL, NULL, &e);
	if (rc == ERR_INVALID)
		return render_account(x, 422, &f, form_message(x, e.msg), NULL);
	if (rc != 0)
		return rc;
	/* The next page is in the chosen language: it reads the account afresh. */
	http_redirect(x, "/account?saved=1");
	return 0;
}

int handle_account_password_form(struct http_ctx *x)
{
	const char *current = http_param_get(&x->req.form, "current_password");
	const char *fresh = http_param_get(&x->req.form, "new_password");
	const char *repeat = http_param_get(&x->req.form, "new_password_repeat");
	struct err e = { 0 };
	int rc, retry_after = 0;

	if (current == NULL || current[0] == '\0')
		return render_account(x, 422, NULL, page_text(x, "msg_current_required"), NULL);
	if (fresh == NULL || fresh[0] == '\0')
		return render_account(x, 422, NULL, page_text(x, "msg_password_required"), NULL);
	if (repeat == NULL || strcmp(fresh, repeat) != 0)
		return render_account(x, 422, NULL, page_text(x, "msg_password_mismatch"), NULL);
	rc = app_change_own_password(x, current, fresh, &retry_after, &e);
	if (rc == ERR_LIMIT) {
		char ra[16];

		snprintf(ra, sizeof ra, "%d", retry_after);
		http_header_set(&x->resp, x->arena, "Retry-After", ra);
		return render_account(x, 429, NULL,
				      arena_printf(x->arena, "%s %d %s", page_text(x, "login_blocked"),
						   (retry_after + 59) / 60, page_text(x, "unit_minute")),
				      NULL);
	}
	if (rc == ERR_DENIED)
		return render_account(x, 403, NULL, page_text(x, "msg_wrong_password"), NULL);
	if (rc == ERR_INVALID)
		return render_account(x, 422, NULL, form_message(x, e.msg), NULL);
	if (rc != 0)
		return rc;
	http_redirect(x, "/account?saved=password");
	return 0;
}
