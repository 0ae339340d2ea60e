/*
 * The sign-in page and signing out. A successful sign-in sets the session cookies and goes
 * back to the page the technician was sent away from (only a local path: no open redirect).
 * Failures keep the typed email and say what happened without telling which part was wrong.
 */
#include "app.h"

#include "arena.h"
#include "tpl.h"

#include <stdio.h>
#include <string.h>

static const char *safe_next(const char *next)
{
	return next != NULL && http_is_local_path(next) && strncmp(next, "/login", 6) != 0 ? next : "/";
}

static int render_login(struct http_ctx *x, int status, const char *email, const char *next,
			const char *error)
{
	struct tpl_dict *root, *page = page_begin(x, "login_title", "login.tpl", NULL, &root);

	if (page == NULL)
		return ERR_NOMEM;
	tpl_set(page, "EMAIL", email != NULL ? email : "");
	tpl_set(page, "NEXT", safe_next(next));
	if (error != NULL) {
		struct tpl_dict *err = tpl_section(page, "ERROR");

		if (err != NULL)
			tpl_set(err, "MESSAGE", error);
	}
	return page_render(x, status, root);
}

int handle_login_page(struct http_ctx *x)
{
	const char *next = http_param_get(&x->req.query_params, "next");

	if (app_auth_of(x)->authenticated) {
		http_redirect(x, safe_next(next));
		return 0;
	}
	return render_login(x, 200, NULL, next, NULL);
}

int handle_login_form(struct http_ctx *x)
{
	const char *email = http_param_get(&x->req.form, "email");
	const char *password = http_param_get(&x->req.form, "password");
	const char *next = http_param_get(&x->req.form, "next");
	struct auth_tokens t;
	int rc, retry_after = 0;

	if (email == NULL || password == NULL || email[0] == '\0' || password[0] == '\0' ||
	    strlen(email) > 254 || strlen(password) > 1024)
		return render_login(x, 422, email != NULL && strlen(email) <= 254 ? email : "", next,
				    page_text(x, "login_missing"));
	/* People paste emails with spaces around them; the API trims too. */
	while (*email == ' ' || *email == '\t')
		email++;
	{
		size_t n = strlen(email);

		while (n > 0 && (email[n - 1] == ' ' || email[n - 1] == '\t'))
			n--;
		email = arena_strndup(x->arena, email, n);
		if (email == NULL)
			return ERR_NOMEM;
	}
	rc = auth_login(x, email, password, &t, &retry_after);
	if (rc == ERR_LIMIT) {
		char ra[16], *msg;

		snprintf(ra, sizeof ra, "%d", retry_after);
		http_header_set(&x->resp, x->arena, "Retry-After", ra);
		msg = arena_printf(x->arena, "%s %d %s", page_text(x, "login_blocked"),
				   (retry_after + 59) / 60, page_text(x, "unit_minute"));
		return render_login(x, 429, email, next, msg != NULL ? msg : page_text(x, "login_blocked"));
	}
	if (rc == ERR_DENIED)
		return render_login(x, 401, email, next, page_text(x, "login_failed"));
	if (rc != 0)
		return rc;
	auth_set_cookies(x, &t);
	http_redirect(x, safe_next(next));
	return 0;
}

int handle_logout_form(struct http_ctx *x)
{
	int rc = auth_logout(x, NULL);

	if (rc != 0)
		return rc;
	auth_clear_cookies(x);
	http_redirect(x, "/login");
	return 0;
}
