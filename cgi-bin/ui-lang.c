/*
 * Choosing the page language: the switch on every page (POST /lang, a plain form that works
 * without JavaScript) and the same for scripts (PUT /api/v1/session/language). The choice is
 * remembered in the `lang` cookie for a year (it only selects words, so it carries no secret)
 * and, for a signed-in user, in the account, so it follows them to another browser.
 */
#include "app.h"

#include "i18n.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

/* The signed-in user's setting; a failure here only loses the preference, never the answer. */
static void remember_for_user(struct http_ctx *x, const char *lang)
{
	struct request_auth *auth = app_auth_of(x);
	struct user_change c = { .set_language = true, .language = lang };

	if (auth->authenticated &&
	    users_update(app_thread_of(x)->db, x->arena, auth->user.id, &c, NULL, NULL, NULL) == 0)
		auth->user.language = lang;
}

static void set_lang_cookie(struct http_ctx *x, const char *lang)
{
	remember_for_user(x, lang);
	char cookie[128];

	snprintf(cookie, sizeof cookie, "lang=%s; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly%s",
		 lang, x->req.https ? "; Secure" : "");
	http_header_set(&x->resp, x->arena, "Set-Cookie", cookie);
}

int handle_lang_form(struct http_ctx *x)
{
	const char *lang = http_param_get(&x->req.form, "lang");
	const char *next = http_param_get(&x->req.form, "next");

	if (lang == NULL || !i18n_supported(lang)) {
		page_error(x, 400);
		return 0;
	}
	set_lang_cookie(x, lang);
	/* Only back to a page of this site: an open redirect would help phishing. */
	http_redirect(x, next != NULL && http_is_local_path(next) ? next : "/");
	return 0;
}

int handle_lang_api(struct http_ctx *x)
{
	struct err e = { 0 };
	const char *lang = NULL;
	int rc;

	if (x->req.json == NULL) {
		http_respond_error(x, 400, "invalid_json", "a JSON body {\"lang\": \"ru\"|\"en\"} is required");
		return 0;
	}
	rc = json_get_string(x->req.json, "lang", 8, &lang, &e);
	if (rc == ERR_NOTFOUND || (rc == 0 && !i18n_supported(lang))) {
		http_respond_error(x, 422, "validation_failed", "field \"lang\" must be one of: ru, en");
		return 0;
	}
	if (rc != 0) {
		http_respond_error(x, 422, "validation_failed", "%s", e.msg);
		return 0;
	}
	set_lang_cookie(x, lang);
	{
		json_object *o = json_object_new_object();

		json_object_object_add(o, "lang", json_object_new_string(lang));
		http_respond_json(x, 200, o);
	}
	return 0;
}
