/*
 * The life of one request: read and validate at the edge (size, path, body syntax), route,
 * run the handler, map its failure, add the common headers, write, count and log. Handlers
 * only ever see a routed request whose body already parsed.
 */
#include "app.h"

#include "arena.h"
#include "err.h"
#include "log.h"
#include "metrics.h"
#include "trace.h"

#include <fcgiapp.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static bool is_api(const struct http_ctx *x)
{
	return strncmp(x->req.path, "/api/", 5) == 0 || strcmp(x->req.path, "/api") == 0;
}

/* JSON for the API and for clients that ask for it; an HTML page for browsers. */
static void respond_status(struct http_ctx *x, int status, const char *code, const char *msg)
{
	if (is_api(x) || http_wants_json(&x->req))
		http_respond_error(x, status, code, "%s", msg);
	else
		page_error(x, status);
}

void app_count_db_error(int rc)
{
	const char *kind[1] = { rc == ERR_DB_DOWN ? "unavailable" : "query" };

	metrics_counter_add(app.db_errors, kind, 1);
}

void app_respond_failure(struct http_ctx *x, int rc, const char *msg)
{
	struct log_line l;

	log_begin(&l, rc == ERR_DB_DOWN ? LOG_LEVEL_WARN : LOG_LEVEL_ERROR, "request_failed",
		  x->req.trace_id);
	log_str(&l, "route", x->route != NULL ? x->route->name : "-");
	log_str(&l, "code", err_name(rc));
	log_str(&l, "msg", msg);
	log_end(&l);
	if (rc == ERR_DB_DOWN || rc == ERR_DB)
		app_count_db_error(rc);
	if (rc == ERR_DB_DOWN)
		respond_status(x, 503, "db_down", "the database is unavailable; try again shortly");
	else
		respond_status(x, 500, "internal", "internal error; the trace id is in X-Trace-Id");
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static const char *method_label(const struct http_ctx *x)
{
	return x->req.method != HTTP_OTHER ? x->req.method_name : "OTHER";
}

/* Read, validate and route; returns true when the handler should run. */
static bool admit(struct http_ctx *x, struct FCGX_Request *r)
{
	struct err e = { 0 };
	unsigned allowed = 0;
	int rc;

	rc = http_fcgi_read(r, x, &e);
	trace_start(http_env(&x->req, "HTTP_TRACEPARENT"), x->req.trace_id, x->req.span_id);
	if (rc == ERR_LIMIT && x->req.content_length > (long long)x->body_limit) {
		respond_status(x, 413, "body_too_large", e.msg);
		return false;
	}
	if (rc == ERR_LIMIT) {
		respond_status(x, 414, "request_too_large", e.msg);
		return false;
	}
	if (rc != 0) {
		respond_status(x, 400, "bad_request", e.msg);
		return false;
	}
	switch (http_route_find(app_routes, app_nroutes, x->req.method, x->req.path, x->arena,
				&x->route, &x->req.path_params, &allowed)) {
	case HTTP_MATCH_NOT_FOUND:
		respond_status(x, 404, "not_found", "no such resource");
		return false;
	case HTTP_MATCH_METHOD: {
		char allow[96], msg[160];

		http_methods_format(allowed, allow, sizeof allow);
		http_header_set(&x->resp, x->arena, "Allow", allow);
		if (x->req.method == HTTP_OPTIONS) {
			x->resp.status = 204;
			return false;
		}
		snprintf(msg, sizeof msg, "method %s is not allowed here; allowed: %s",
			 x->req.method_name, allow);
		respond_status(x, 405, "method_not_allowed", msg);
		return false;
	}
	case HTTP_MATCH_OK:
		break;
	}
	/* Who it is before the body is looked at: an anonymous caller learns nothing from a 400. */
	if (!auth_admit(x))
		return false;
	rc = http_request_parse_body(x, (x->route->flags & HTTP_ROUTE_FORM) != 0, &e);
	if (rc != 0) {
		respond_status(x, 400, strstr(e.msg, "JSON") != NULL ? "invalid_json" : "bad_request",
			       e.msg);
		return false;
	}
	return auth_csrf_admit(x);
}

static void access_log(const struct http_ctx *x, double seconds)
{
	struct log_line l;
	enum log_level level = x->resp.status >= 500 ? LOG_LEVEL_WARN : LOG_LEVEL_INFO;

	log_begin(&l, level, "request", x->req.trace_id);
	log_str(&l, "method", x->req.method_name);
	log_str(&l, "path", x->req.path);
	log_str(&l, "route", x->route != NULL ? x->route->name : "-");
	log_int(&l, "status", x->resp.status);
	log_int(&l, "bytes", (long long)x->resp.body.len);
	log_dbl(&l, "ms", seconds * 1e3);
	log_str(&l, "remote", x->req.remote_addr);
	if (app_thread_of((struct http_ctx *)x)->auth.authenticated)
		log_int(&l, "user_id", app_thread_of((struct http_ctx *)x)->auth.user.id);
	log_end(&l);
}

void app_dispatch(struct app_thread *t, struct FCGX_Request *r)
{
	struct http_ctx x;
	struct timespec start;
	char status[8];
	const char *labels[3];
	double seconds;

	clock_gettime(CLOCK_MONOTONIC, &start);
	metrics_gauge_add(app.http_in_flight, NULL, 1);
	arena_reset(t->arena);
	memset(&t->auth, 0, sizeof t->auth);
	http_ctx_init(&x, t->arena, (size_t)app.cfg.http_max_body_bytes);
	x.app = t;

	if (admit(&x, r)) {
		int rc = x.route->handler(&x);

		if (rc != 0)
			app_respond_failure(&x, rc, err_name(rc));
	}
	auth_cors(&x);
	x.resp.head_only = x.req.method == HTTP_HEAD;
	http_header_set(&x.resp, x.arena, "X-Trace-Id", x.req.trace_id);
	if (http_fcgi_write(r, &x) != 0)
		log_msg(LOG_LEVEL_DEBUG, "client_gone", x.req.trace_id, "the client closed the connection");

	seconds = seconds_since(&start);
	snprintf(status, sizeof status, "%d", x.resp.status);
	labels[0] = x.route != NULL ? x.route->name : "unmatched";
	labels[1] = method_label(&x);
	labels[2] = status;
	metrics_counter_add(app.http_requests, labels, 1);
	metrics_histogram_observe(app.http_duration, labels, seconds);
	metrics_gauge_add(app.http_in_flight, NULL, -1);
	access_log(&x, seconds);
	http_ctx_release(&x);
}
