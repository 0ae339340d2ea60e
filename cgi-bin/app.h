/*
 * app — what the FastCGI app's files share (private to cgi-bin/).
 *
 * `app` is filled once by main() before the request threads start and is read-only after
 * that, except for the metric families, which are thread-safe. Each request thread owns one
 * struct app_thread: its PostgreSQL connection and its request arena. A handler receives the
 * request context, answers through it, and returns 0 or an err_code that dispatch() turns into
 * a response (ERR_DB_DOWN → 503, anything else → 500) plus a log line and a metric.
 */
#ifndef INFRASCOPE_APP_H
#define INFRASCOPE_APP_H

#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "config.h"
#include "cors.h"
#include "crypto.h"
#include "http.h"
#include "token.h"
#include "users.h"

struct arena;
struct db;
struct metrics_family;
struct metrics_registry;
struct tpl_dict;
struct FCGX_Request;

struct app {
	struct config cfg;
	struct metrics_registry *metrics;
	struct metrics_family *http_requests;    /* {route, method, status} */
	struct metrics_family *http_duration;    /* {route, method} */
	struct metrics_family *http_in_flight;
	struct metrics_family *db_errors;        /* {kind} */
	time_t started;
	atomic_bool stopping;
	unsigned char secret[1024];              /* SECRET_KEY, or random when not configured */
	size_t secret_len;
	struct cors_origins cors;
};

/*
 * Who may call a route (http_route.access): anyone, or a signed-in user with at least this
 * role. viewer reads; operator also polls and runs control operations; admin also manages
 * users and settings.
 */
enum {
	ACCESS_PUBLIC = ROLE_NONE,
	ACCESS_VIEWER = ROLE_VIEWER,
	ACCESS_OPERATOR = ROLE_OPERATOR,
	ACCESS_ADMIN = ROLE_ADMIN,
};

/* The request's caller, as auth.c established it. */
struct request_auth {
	bool authenticated;
	bool via_cookie;                         /* browser session (CSRF applies) vs Bearer */
	struct user user;
	struct token_claims claims;
	char csrf[CRYPTO_SHA256_HEX];            /* the form token for this response, once made */
};

extern struct app app;

struct app_thread {
	int index;
	struct db *db;
	struct arena *arena;
	struct request_auth auth;                /* reset for every request */
};

/* The request's thread state. */
static inline struct app_thread *app_thread_of(struct http_ctx *x)
{
	return (struct app_thread *)x->app;
}

/* routes.c — the route table. */
extern const struct http_route app_routes[];
extern const size_t app_nroutes;

/* dispatch.c — serve one accepted FastCGI request. */
void app_dispatch(struct app_thread *t, struct FCGX_Request *r);

/* app_path_id — the {id:int} of the route's path (1-18 digits, checked by the router); 0 if none. */
int64_t app_path_id(struct http_ctx *x);

/* app_offset_param — ?offset= of a list: absent (0) or a whole number; false = malformed. */
bool app_offset_param(struct http_ctx *x, int *offset);

/* app_respond_page — 200 with a page of a list: items (put), total, limit, offset. */
void app_respond_page(struct http_ctx *x, json_object *items, int64_t total, int limit,
		      int offset);

/* Map a handler's failure to a response (used by dispatch and by handlers that go on). */
void app_respond_failure(struct http_ctx *x, int rc, const char *msg);

/* Count a database failure in infrascope_db_errors_total. */
void app_count_db_error(int rc);

/* The request's caller (never NULL; ->authenticated tells whether anyone signed in). */
static inline struct request_auth *app_auth_of(struct http_ctx *x)
{
	return &app_thread_of(x)->auth;
}

/* auth.c — who is calling, may they, and the browser session's cookies and CSRF tokens. */

/* auth_init — the signing key and the CORS list, once at start-up. */
int auth_init(struct err *e);

/*
 * auth_admit — authenticate (Bearer token, else the session cookies with a transparent
 * refresh) and authorise against the route's access level. Returns false when it has
 * answered already (401 / redirect to the login page / 403).
 */
bool auth_admit(struct http_ctx *x);

/* auth_csrf_admit — after the body parsed: a state-changing browser request carries a valid CSRF token (else 403, false). */
bool auth_csrf_admit(struct http_ctx *x);

/* auth_cors — CORS headers for a listed Origin (also answers preflights); call before writing. */
void auth_cors(struct http_ctx *x);

/* auth_csrf_token — the CSRF value forms of this response carry (sets the anonymous seed cookie when needed). */
const char *auth_csrf_token(struct http_ctx *x);

/* The outcome of auth_login / auth_refresh, for the API and the login page alike. */
struct auth_tokens {
	char access_token[TOKEN_MAX_LEN];
	int64_t access_expires;
	char refresh_token[64];
	int64_t refresh_expires;
	int64_t user_id;
	char session_id[CRYPTO_UUID_LEN];
};

/*
 * auth_login — check email and password under the login rate limit and open a session.
 * 0; ERR_DENIED (one message for unknown email, wrong password and disabled account);
 * ERR_LIMIT with *retry_after; ERR_DB_DOWN or another failure.
 */
int auth_login(struct http_ctx *x, const char *email, const char *password,
	       struct auth_tokens *out, int *retry_after);

/* auth_refresh — rotate a refresh token (grace: see sessions.h). ERR_DENIED on any refusal. */
int auth_refresh(struct http_ctx *x, const char *refresh_token, int grace_seconds,
		 struct auth_tokens *out);

/* auth_logout — revoke the caller's access token and session (and refresh_token's session, if given). */
int auth_logout(struct http_ctx *x, const char *refresh_token);

/* auth_set_cookies / auth_clear_cookies — the browser session's cookies. */
void auth_set_cookies(struct http_ctx *x, const struct auth_tokens *t);
void auth_clear_cookies(struct http_ctx *x);

/* auth_client_ip — the caller's address as nginx saw it. */
const char *auth_client_ip(struct http_ctx *x);

/*
 * app_audit — write a security event with the caller, client address and trace id; failures
 * only go to the log (an audit write never changes the answer).
 */
void app_audit(struct http_ctx *x, const char *type, const char *severity, int64_t user_id,
	       const char *message, json_object *payload);

/* api-auth.c / api-users.c — shared by the API and the pages. */

/* api_require_object — the JSON body is an object, else 422 (false = answered). */
bool api_require_object(struct http_ctx *x);

/* api_page_params — ?limit= (1..500, default 50) and ?offset=; false = answered 422. */
bool api_page_params(struct http_ctx *x, int *limit, int *offset);

/* api_respond_too_many — 429 with Retry-After. */
void api_respond_too_many(struct http_ctx *x, int retry_after);

/* app_user_json — a user as the API shows it (no password hash, ever). */
json_object *app_user_json(const struct user *u);

/*
 * app_change_own_password — verify current, check the policy, store the new hash, end the
 * caller's other sessions, audit. ERR_DENIED (wrong current), ERR_INVALID (policy, e says why),
 * ERR_LIMIT (too many wrong current passwords: the sign-in limiter of (client address,
 * email) counts them too, so a stolen session cannot guess the password; *retry_after set).
 */
int app_change_own_password(struct http_ctx *x, const char *current, const char *fresh,
			    int *retry_after, struct err *e);

/* app_user_create / _update / _delete — the store call plus its audit event. */
int app_user_create(struct http_ctx *x, const struct user_change *c, int64_t *id, struct err *e);
int app_user_update(struct http_ctx *x, int64_t id, const struct user_change *c,
		    struct user *out, struct err *e);
int app_user_delete(struct http_ctx *x, int64_t id, struct err *e);

/* api-stores.c — shared by the stores API and pages: the store call plus its audit event. */
struct store;
struct store_change;

/* app_store_json — a store as the API shows it (with its device counts). */
json_object *app_store_json(const struct store *s);

/*
 * app_store_create / _update / _delete — stores_* (lib/stores.h) and a store_* audit event.
 * out / gone (may be NULL): the store after the change / as it was before the deletion.
 */
int app_store_create(struct http_ctx *x, const struct store_change *c, int64_t *id, struct err *e);
int app_store_update(struct http_ctx *x, int64_t id, const struct store_change *c,
		     struct store *out, struct err *e);
int app_store_delete(struct http_ctx *x, int64_t id, struct store *gone, struct err *e);

/* api-tasks.c / ui-tasks.c — tasks (lib/tasks.h), shared by the API and the pages. */
struct task;
struct task_scope;

/* app_task_json — a task as the API shows it. */
json_object *app_task_json(const struct task *t);

/*
 * app_task_scope — a poll-all scope from a store (id or code as typed; NULL/"" = all) and a
 * kind (NULL/"" = both): the store resolved to its code as stored (in the arena). ERR_INVALID
 * (e says why: unknown store or kind), or a database failure.
 */
int app_task_scope(struct http_ctx *x, const char *store, const char *kind,
		   struct task_scope *out, struct err *e);

/*
 * app_task_poll_all — create a poll-all task over scope (from app_task_scope) for the caller,
 * write its audit event and start its process. ERR_CONFLICT: *existing is the queued or
 * running task of that scope. A process that could not be started is logged; the task stays
 * queued for infrascope-task --drain.
 */
int app_task_poll_all(struct http_ctx *x, const struct task_scope *scope, int64_t *id,
		      int64_t *existing, struct err *e);

/*
 * task_ui_poll_all_button — for operators, the "Poll all" form (poll_all_button.tpl) in a
 * {{#POLL_ALL}} section of d with {{>POLL_ALL_FORM}}, over store and kind as app_task_scope
 * reads them; disabled, with "running: task N", while a task of that scope is queued or
 * running. Nothing for other roles or for a store that does not exist. 0 or a failure.
 */
int task_ui_poll_all_button(struct http_ctx *x, struct tpl_dict *d, const char *store,
			    const char *kind);

/* page.c — server-rendered pages. */

/* page_language — the page language: explicit cookie, else Accept-Language, else default. */
const char *page_language(struct http_ctx *x);

/*
 * page_begin — a layout dictionary for a page in the request's language, with the page
 * template file included as {{>PAGE}}. Returns the page's own dictionary (owned by *root), or
 * NULL when out of memory. The caller renders with page_render, which frees *root.
 */
struct tpl_dict *page_begin(struct http_ctx *x, const char *title_key, const char *page_file,
			    const char *nav_current, struct tpl_dict **root);

/* page_render — expand the layout into the response with status; frees root. */
int page_render(struct http_ctx *x, int status, struct tpl_dict *root);

/* page_error — the HTML error page (404, 405, 413, 500, 503...). */
void page_error(struct http_ctx *x, int status);

/* role_key — the i18n key naming a role ("role_admin"...). */
const char *role_key(enum user_role r);

/* page_text — shorthand for the request language's i18n text. */
const char *page_text(struct http_ctx *x, const char *key);

/* ui-form.c — what the account and user pages share. Returned strings live in the arena. */

/* form_text — a form field with surrounding blanks trimmed; "" when absent (NULL: no memory). */
const char *form_text(struct http_ctx *x, const char *name);

/* form_checked — whether a checkbox was ticked (a browser sends unticked boxes not at all). */
bool form_checked(struct http_ctx *x, const char *name);

/* form_language — the language choice: "" (follow the browser) or a supported language. */
bool form_language(const char *value, const char **lang);

/* form_language_options — the choices as {{#name}} sections of d, with current selected. */
void form_language_options(struct http_ctx *x, struct tpl_dict *d, const char *name,
			   const char *current);

/* form_role_options — the roles as {{#name}} sections of d, with current selected. */
void form_role_options(struct http_ctx *x, struct tpl_dict *d, const char *name,
		       enum user_role current);

/* form_message — a validator's or the store's English message in the page's language. */
const char *form_message(struct http_ctx *x, const char *english);

/* form_time — an ISO 8601 UTC time as "YYYY-MM-DD HH:MM", or the word for never when empty. */
const char *form_time(struct http_ctx *x, const char *iso);

/* form_format — the key's text with {1}, {2}, {3} replaced by the numbers. */
const char *form_format(struct http_ctx *x, const char *key, long long a, long long b,
			long long c);

/* form_banner — show {{#section}} of d with {{MESSAGE}} (an error or a notice). */
void form_banner(struct tpl_dict *d, const char *section, const char *message);

/* Handlers. */
int handle_health(struct http_ctx *x);
int handle_auth_login(struct http_ctx *x);
int handle_auth_refresh(struct http_ctx *x);
int handle_auth_logout(struct http_ctx *x);
int handle_me_get(struct http_ctx *x);
int handle_me_patch(struct http_ctx *x);
int handle_me_password(struct http_ctx *x);
int handle_users_list(struct http_ctx *x);
int handle_users_create(struct http_ctx *x);
int handle_user_get(struct http_ctx *x);
int handle_user_patch(struct http_ctx *x);
int handle_user_delete(struct http_ctx *x);
int handle_login_page(struct http_ctx *x);
int handle_login_form(struct http_ctx *x);
int handle_logout_form(struct http_ctx *x);
int handle_users_page(struct http_ctx *x);
int handle_users_create_form(struct http_ctx *x);
int handle_user_page(struct http_ctx *x);
int handle_user_edit_form(struct http_ctx *x);
int handle_user_password_form(struct http_ctx *x);
int handle_user_delete_form(struct http_ctx *x);
int handle_printers_page(struct http_ctx *x);
int handle_printers_create_form(struct http_ctx *x);
int handle_printer_page(struct http_ctx *x);
int handle_printer_edit_form(struct http_ctx *x);
int handle_printer_delete_form(struct http_ctx *x);
int handle_printer_poll_form(struct http_ctx *x);
int handle_account_page(struct http_ctx *x);
int handle_account_form(struct http_ctx *x);
int handle_account_password_form(struct http_ctx *x);
int handle_metrics(struct http_ctx *x);
int handle_home(struct http_ctx *x);
int handle_lang_form(struct http_ctx *x);
int handle_lang_api(struct http_ctx *x);
int handle_stores_list(struct http_ctx *x);
int handle_stores_create(struct http_ctx *x);
int handle_store_get(struct http_ctx *x);
int handle_store_patch(struct http_ctx *x);
int handle_store_delete(struct http_ctx *x);
int handle_store_devices(struct http_ctx *x);
int handle_stores_page(struct http_ctx *x);
int handle_stores_create_form(struct http_ctx *x);
int handle_store_page(struct http_ctx *x);
int handle_store_edit_form(struct http_ctx *x);
int handle_store_delete_form(struct http_ctx *x);
int handle_printers_list(struct http_ctx *x);
int handle_printers_create(struct http_ctx *x);
int handle_printer_get(struct http_ctx *x);
int handle_printer_patch(struct http_ctx *x);
int handle_printer_delete(struct http_ctx *x);
int handle_printer_history(struct http_ctx *x);
int handle_printer_poll(struct http_ctx *x);
int handle_tasks_poll_all(struct http_ctx *x);
int handle_tasks_list(struct http_ctx *x);
int handle_task_get(struct http_ctx *x);
int handle_tasks_page(struct http_ctx *x);
int handle_task_page(struct http_ctx *x);
int handle_tasks_poll_all_form(struct http_ctx *x);

#endif
