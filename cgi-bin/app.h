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
#include "http.h"

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
};

extern struct app app;

struct app_thread {
	int index;
	struct db *db;
	struct arena *arena;
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

/* Map a handler's failure to a response (used by dispatch and by handlers that go on). */
void app_respond_failure(struct http_ctx *x, int rc, const char *msg);

/* Count a database failure in infrascope_db_errors_total. */
void app_count_db_error(int rc);

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

/* page_text — shorthand for the request language's i18n text. */
const char *page_text(struct http_ctx *x, const char *key);

/* Handlers. */
int handle_health(struct http_ctx *x);
int handle_metrics(struct http_ctx *x);
int handle_home(struct http_ctx *x);
int handle_lang_form(struct http_ctx *x);
int handle_lang_api(struct http_ctx *x);

#endif
