/*
 * What the form pages (ui-users.c, ui-account.c) share: reading fields the way people type
 * them, the language and role choices, times, and the validators' messages in the page's
 * language. lib/ speaks English to scripts and logs; a store technician reads Russian, so
 * the messages they can meet on a form are mapped to string-table keys here, and anything
 * unforeseen still says something (the English text) rather than nothing.
 */
#include "app.h"

#include "arena.h"
#include "i18n.h"
#include "password.h"
#include "sbuf.h"
#include "tpl.h"

#include <stdio.h>
#include <string.h>

const char *form_text(struct http_ctx *x, const char *name)
{
	const char *s = http_param_get(&x->req.form, name);
	size_t n;

	if (s == NULL)
		return "";
	/* Emails and names are often pasted with a space or a line end around them. */
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return arena_strndup(x->arena, s, n);
}

bool form_checked(struct http_ctx *x, const char *name)
{
	const char *v = http_param_get(&x->req.form, name);

	return v != NULL && v[0] != '\0';
}

bool form_language(const char *value, const char **lang)
{
	if (value == NULL || value[0] == '\0') {
		*lang = "";
		return true;
	}
	if (!i18n_supported(value))
		return false;
	*lang = value;
	return true;
}

void form_language_options(struct http_ctx *x, struct tpl_dict *d, const char *name,
			   const char *current)
{
	const char *const *langs;
	struct tpl_dict *opt;
	size_t n;

	if (current == NULL)
		current = "";
	opt = tpl_section(d, name);
	if (opt != NULL) {
		tpl_set(opt, "VALUE", "");
		tpl_set(opt, "LABEL", page_text(x, "lang_follow_browser"));
		if (current[0] == '\0')
			tpl_show(opt, "SELECTED");
	}
	langs = i18n_languages(&n);
	for (size_t i = 0; i < n; i++) {
		opt = tpl_section(d, name);
		if (opt == NULL)
			continue;
		tpl_set(opt, "VALUE", langs[i]);
		/* Each language in its own words, as on the switch in the header. */
		tpl_set(opt, "LABEL", i18n_text(langs[i], "lang_name"));
		if (strcmp(langs[i], current) == 0)
			tpl_show(opt, "SELECTED");
	}
}

void form_role_options(struct http_ctx *x, struct tpl_dict *d, const char *name,
		       enum user_role current)
{
	/* Least rights first: the safe choice is the one at hand. */
	static const enum user_role roles[] = { ROLE_VIEWER, ROLE_OPERATOR, ROLE_ADMIN };

	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
		struct tpl_dict *opt = tpl_section(d, name);

		if (opt == NULL)
			continue;
		tpl_set(opt, "VALUE", user_role_name(roles[i]));
		tpl_set(opt, "LABEL", page_text(x, role_key(roles[i])));
		if (roles[i] == current)
			tpl_show(opt, "SELECTED");
	}
}

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * The messages of user_email_check, user_name_check, password_policy_check, users_create,
 * users_update / users_delete and app_change_own_password. Matched by their fixed start, so
 * a number inside a message does not matter; the numbers shown come from the same constants.
 */
const char *form_message(struct http_ctx *x, const char *m)
{
	if (m == NULL || m[0] == '\0')
		return page_text(x, "error_500_text");
	if (starts(m, "an email address is required"))
		return page_text(x, "msg_email_required");
	if (starts(m, "the email address must be 3 to"))
		return form_format(x, "msg_email_length", 3, USER_EMAIL_MAX, 0);
	if (starts(m, "the email address must not contain"))
		return page_text(x, "msg_email_spaces");
	if (starts(m, "the email address must look like"))
		return page_text(x, "msg_email_shape");
	if (starts(m, "a user with this email already exists"))
		return page_text(x, "msg_email_taken");
	if (starts(m, "the name is longer than"))
		return form_format(x, "msg_name_long", USER_NAME_MAX, 0, 0);
	if (starts(m, "the name "))
		return page_text(x, "msg_name_invalid");
	if (starts(m, "a password is required"))
		return page_text(x, "msg_password_required");
	if (starts(m, "the password contains"))
		return page_text(x, "msg_password_invalid");
	if (starts(m, "the password is too short"))
		return form_format(x, "msg_password_short", PASSWORD_MIN_CHARS, 0, 0);
	if (starts(m, "the password is too long"))
		return form_format(x, "msg_password_long", PASSWORD_MAX_CHARS, 0, 0);
	if (starts(m, "the password is one of the most common"))
		return page_text(x, "msg_password_common");
	if (starts(m, "the password must not be the email"))
		return page_text(x, "msg_password_email");
	if (starts(m, "the current password is not correct"))
		return page_text(x, "msg_wrong_password");
	if (strstr(m, "administrator") != NULL)
		return page_text(x, "msg_last_admin");
	return m;
}

const char *form_time(struct http_ctx *x, const char *iso)
{
	/* "2024-05-01T08:30:12Z": the date and the minute are what a person needs. */
	if (iso == NULL || strlen(iso) < 16)
		return page_text(x, "time_never");
	return arena_printf(x->arena, "%.10s %.5s", iso, iso + 11);
}

const char *form_format(struct http_ctx *x, const char *key, long long a, long long b,
			long long c)
{
	const char *text = page_text(x, key);
	const long long v[3] = { a, b, c };
	struct sbuf out;
	char num[24];

	/* Numbers in the string tables are placeholders, never printf formats: a stray '%' in a
	 * translation must not become a format string. */
	sbuf_init(&out, x->arena, 2 * I18N_MAX_TEXT);
	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
			snprintf(num, sizeof num, "%lld", v[p[1] - '1']);
			sbuf_puts(&out, num);
			p += 2;
		} else {
			sbuf_putc(&out, *p);
		}
	}
	return out.failed ? text : sbuf_cstr(&out);
}

void form_banner(struct tpl_dict *d, const char *section, const char *message)
{
	struct tpl_dict *b;

	if (message == NULL)
		return;
	b = tpl_section(d, section);
	if (b != NULL)
		tpl_set(b, "MESSAGE", message);
}
