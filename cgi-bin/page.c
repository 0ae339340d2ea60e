/*
 * Server-rendered pages: the request's language, the layout around every page, the error
 * page. Every visible word comes from the i18n tables (as {{T_key}} template-globals), every
 * value is escaped by ctemplate's AUTOESCAPE, so nothing here writes HTML by hand.
 */
#include "app.h"

#include "arena.h"
#include "i18n.h"
#include "log.h"
#include "tpl.h"
#include "version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The navigation: only pages that exist, and only those the user's role may open. */
static const struct {
	const char *href;
	const char *label_key;
	const char *id;
	int access;
} nav[] = {
	{ "/", "nav_home", "home", ACCESS_VIEWER },
	{ "/stores", "nav_stores", "stores", ACCESS_VIEWER },
	{ "/printers", "nav_printers", "printers", ACCESS_VIEWER },
	{ "/tasks", "nav_tasks", "tasks", ACCESS_VIEWER },
	{ "/users", "nav_users", "users", ACCESS_ADMIN },
};

const char *page_language(struct http_ctx *x)
{
	const struct request_auth *auth = app_auth_of(x);
	const char *cookie = http_param_get(&x->req.cookies, "lang");
	const char *const *langs;
	const char *picked;
	size_t n;

	if (auth->authenticated && i18n_supported(auth->user.language))
		return auth->user.language;
	if (cookie != NULL && i18n_supported(cookie))
		return cookie;
	langs = i18n_languages(&n);
	picked = http_pick_language(http_env(&x->req, "HTTP_ACCEPT_LANGUAGE"), langs, n);
	return picked != NULL ? picked : app.cfg.default_language;
}

const char *page_text(struct http_ctx *x, const char *key)
{
	return i18n_text(page_language(x), key);
}

static void fill_strings(struct http_ctx *x, struct tpl_dict *root, const char *lang)
{
	for (size_t i = 0; i < i18n_count(); i++) {
		char *name = arena_printf(x->arena, "T_%s", i18n_key(i));

		if (name != NULL)
			tpl_set_global(root, name, i18n_text_at(lang, i));
	}
}

const char *role_key(enum user_role r)
{
	switch (r) {
	case ROLE_ADMIN: return "role_admin";
	case ROLE_OPERATOR: return "role_operator";
	case ROLE_VIEWER: return "role_viewer";
	case ROLE_NONE: break;
	}
	return "role_none";
}

struct tpl_dict *page_begin(struct http_ctx *x, const char *title_key, const char *page_file,
			    const char *nav_current, struct tpl_dict **root_out)
{
	const char *lang = page_language(x);
	const struct request_auth *auth = app_auth_of(x);
	const char *const *langs;
	struct tpl_dict *root, *page;
	size_t nlangs;

	*root_out = NULL;
	root = tpl_dict_new("layout");
	if (root == NULL)
		return NULL;
	fill_strings(x, root, lang);
	tpl_set_global(root, "LANG", lang);
	tpl_set_global(root, "VERSION", infrascope_version());
	tpl_set(root, "PAGE_TITLE", i18n_text(lang, title_key));
	tpl_set(root, "CURRENT_PATH", x->req.path);
	tpl_set_global(root, "CSRF", auth_csrf_token(x));
	if (auth->authenticated) {
		struct tpl_dict *who = tpl_section(root, "SIGNED_IN");

		if (who != NULL) {
			tpl_set(who, "USER_NAME", auth->user.full_name[0] != '\0' ? auth->user.full_name
									   : auth->user.email);
			tpl_set(who, "USER_ROLE", i18n_text(lang, role_key(auth->user.role)));
		}
	}
	for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
		struct tpl_dict *item;

		if (!auth->authenticated || (int)auth->user.role < nav[i].access)
			continue;
		item = tpl_section(root, "NAV");
		if (item == NULL)
			continue;
		tpl_set(item, "HREF", nav[i].href);
		tpl_set(item, "LABEL", i18n_text(lang, nav[i].label_key));
		if (nav_current != NULL && strcmp(nav_current, nav[i].id) == 0)
			tpl_show(item, "CURRENT");
	}
	langs = i18n_languages(&nlangs);
	for (size_t i = 0; i < nlangs; i++) {
		struct tpl_dict *opt = tpl_section(root, "LANG_OPTION");

		if (opt == NULL)
			continue;
		tpl_set(opt, "CODE", langs[i]);
		/* Each language is offered in its own words. */
		tpl_set(opt, "LABEL", i18n_text(langs[i], "lang_name"));
		if (strcmp(langs[i], lang) == 0)
			tpl_show(opt, "ACTIVE");
	}
	page = tpl_include(root, "PAGE", page_file);
	if (page == NULL) {
		tpl_dict_free(root);
		return NULL;
	}
	*root_out = root;
	return page;
}

int page_render(struct http_ctx *x, int status, struct tpl_dict *root)
{
	size_t len = 0;
	char *html = tpl_expand("layout.tpl", root, &len);
	const char *lang = page_language(x);

	tpl_dict_free(root);
	if (html == NULL) {
		log_msg(LOG_LEVEL_ERROR, "template_failed", x->req.trace_id, "layout.tpl did not expand");
		return ERR_INTERNAL;
	}
	http_respond_text(x, status, "text/html; charset=utf-8", html, len);
	free(html);
	http_header_set(&x->resp, x->arena, "Content-Language", lang);
	http_header_set(&x->resp, x->arena, "Vary", "Accept-Language, Cookie");
	http_header_set(&x->resp, x->arena, "Cache-Control", "no-store");
	return x->resp.body.failed ? ERR_NOMEM : 0;
}

void page_error(struct http_ctx *x, int status)
{
	static const int known[] = { 400, 403, 404, 405, 413, 414, 429, 500, 503 };
	char title[32], text[32];
	struct tpl_dict *root, *page;
	int code = 500;

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (known[i] == status)
			code = status;
	snprintf(title, sizeof title, "error_%d_title", code);
	snprintf(text, sizeof text, "error_%d_text", code);
	page = page_begin(x, title, "error.tpl", NULL, &root);
	if (page != NULL) {
		tpl_set(page, "TITLE", page_text(x, title));
		tpl_set(page, "TEXT", page_text(x, text));
		tpl_set_int(page, "STATUS", status);
		tpl_set(page, "TRACE_ID", x->req.trace_id);
		if (page_render(x, status, root) == 0)
			return;
	}
	/* The error page itself failed: still answer, in plain text. */
	http_respond_text(x, status, "text/plain; charset=utf-8", http_status_text(status),
			  strlen(http_status_text(status)));
}
