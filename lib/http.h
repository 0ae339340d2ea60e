/*
 * http — requests, responses and routing for the FastCGI app.
 *
 * A request is built from the FastCGI parameters and body (http_fcgi.c) into a struct
 * http_ctx whose every byte lives in the request's arena. Parsing is pure and bounded
 * (http_parse.c): percent-decoding rejects broken escapes and NUL bytes, query strings, forms
 * and cookies hold at most HTTP_MAX_PARAMS pairs, the body at most the configured limit.
 * Routing (http_router.c) matches a table of {methods, "/api/v1/users/{id:int}", handler};
 * a path known under other methods gives 405 with the Allow list, an unknown one 404.
 * Responses (http_response.c) collect status, headers (CR/LF refused) and body, and
 * serialise as a CGI response; errors use the one JSON shape {"error":{"code","message"}}.
 */
#ifndef INFRASCOPE_HTTP_H
#define INFRASCOPE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#include "err.h"
#include "sbuf.h"

struct arena;
struct FCGX_Request;

#define HTTP_MAX_PARAMS 256
#define HTTP_MAX_NAME 256
#define HTTP_MAX_HEADERS 32
#define HTTP_MAX_PATH 2048

enum http_method {
	HTTP_OTHER = 0,
	HTTP_GET = 1u << 0,
	HTTP_HEAD = 1u << 1,
	HTTP_POST = 1u << 2,
	HTTP_PUT = 1u << 3,
	HTTP_PATCH = 1u << 4,
	HTTP_DELETE = 1u << 5,
	HTTP_OPTIONS = 1u << 6,
};

struct http_param {
	const char *name;
	const char *value;
	size_t value_len;
};

struct http_params {
	struct http_param *items;
	size_t n;
};

struct http_request {
	enum http_method method;
	const char *method_name;
	const char *path;            /* raw path of REQUEST_URI, without the query */
	const char *query;           /* raw QUERY_STRING ("" when absent) */
	const char *remote_addr;
	const char *content_type;    /* media type only, lower-case; "" when absent */
	long long content_length;    /* -1 when absent */
	bool https;
	const char *body;
	size_t body_len;
	struct http_params env;      /* every FastCGI parameter, as sent */
	struct http_params query_params;
	struct http_params path_params;
	struct http_params cookies;
	struct http_params form;     /* application/x-www-form-urlencoded body */
	json_object *json;           /* application/json body; put by http_ctx_release */
	char trace_id[33];
	char span_id[17];
};

struct http_header {
	const char *name;
	const char *value;
};

struct http_response {
	int status;
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	struct sbuf body;
	bool head_only;              /* HEAD: send headers, not the body */
};

struct http_ctx;
typedef int (*http_handler_fn)(struct http_ctx *x);

#define HTTP_ROUTE_FORM 0x1u     /* parse an urlencoded body into req.form */

struct http_route {
	unsigned methods;            /* bit set of enum http_method; GET implies HEAD */
	const char *pattern;         /* "/a/{name}/b/{id:int}" */
	http_handler_fn handler;
	const char *name;            /* stable label for metrics and logs */
	unsigned flags;
	int access;                  /* who may call it: the application's levels, checked by it */
};

struct http_ctx {
	struct http_request req;
	struct http_response resp;
	struct arena *arena;
	const struct http_route *route;
	size_t body_limit;           /* largest body accepted (413 above) */
	void *app;                   /* the application's per-thread state */
};

/* ---- parsing (pure) ---- */

/* http_ctx_init — empty request/response on arena; body bound is body_limit bytes. */
void http_ctx_init(struct http_ctx *x, struct arena *arena, size_t body_limit);

/* http_ctx_release — drop references the request holds outside the arena (the JSON body). */
void http_ctx_release(struct http_ctx *x);

/*
 * http_request_from_env — fill x->req from a NULL-terminated "NAME=value" array (FastCGI
 * parameters), copying into the arena. Parses method, path, query parameters, cookies,
 * content type and length. Returns 0, or ERR_INVALID/ERR_LIMIT/ERR_NOMEM with e.
 */
int http_request_from_env(struct http_ctx *x, char **envp, struct err *e);

/*
 * http_request_parse_body — after the body is set: JSON bodies (application/json or +json)
 * into req.json, urlencoded bodies into req.form when form_wanted. Returns 0 or ERR_INVALID
 * with a message naming the problem.
 */
int http_request_parse_body(struct http_ctx *x, bool form_wanted, struct err *e);

/* http_param_get — value of the first param named name, or NULL. */
const char *http_param_get(const struct http_params *p, const char *name);

/* http_env — a FastCGI parameter ("HTTP_ACCEPT_LANGUAGE", "SERVER_NAME"...), or NULL. */
const char *http_env(const struct http_request *req, const char *name);

/*
 * http_url_decode — percent-decode n bytes of in into a new arena string; '+' becomes a
 * space when plus_is_space. Rejects broken escapes and %00. *out_len may be NULL.
 */
int http_url_decode(struct arena *a, const char *in, size_t n, bool plus_is_space, char **out,
		    size_t *out_len);

/* http_url_encode — percent-encode all but unreserved characters and '/', into the arena. */
char *http_url_encode(struct arena *a, const char *s);

/* http_parse_urlencoded — "a=1&b=%20x" into params (arena-owned). */
int http_parse_urlencoded(struct arena *a, const char *s, size_t n, struct http_params *out,
			  struct err *e);

/* http_parse_cookies — a Cookie header into params; malformed pairs are skipped. */
int http_parse_cookies(struct arena *a, const char *header, struct http_params *out);

/*
 * http_pick_language — the supported language the Accept-Language header prefers (q-values,
 * primary subtags: "en-GB" matches "en"), or NULL when it names none of them.
 */
const char *http_pick_language(const char *accept_language, const char *const *supported,
			       size_t nsupported);

/* http_wants_json — whether Accept prefers application/json over text/html. */
bool http_wants_json(const struct http_request *req);

/* http_is_local_path — a same-site redirect target: "/x...", not "//", no "\", no controls. */
bool http_is_local_path(const char *s);

/* http_method_parse — "GET" → HTTP_GET; HTTP_OTHER when unknown. */
enum http_method http_method_parse(const char *s);

/* http_methods_format — "GET, HEAD, POST" for a bit set, into buf. */
void http_methods_format(unsigned methods, char *buf, size_t len);

/* ---- routing ---- */

enum http_match { HTTP_MATCH_OK, HTTP_MATCH_NOT_FOUND, HTTP_MATCH_METHOD };

/*
 * http_route_find — first route whose pattern matches path and whose methods include
 * method (HEAD matches GET routes). On HTTP_MATCH_OK, *route is set and path parameters are
 * decoded into params (arena). On HTTP_MATCH_METHOD, *allowed holds the methods of every
 * route with a matching pattern (HEAD and OPTIONS added). Patterns are validated by
 * http_routes_check at start-up, not here.
 */
enum http_match http_route_find(const struct http_route *routes, size_t n, enum http_method method,
				const char *path, struct arena *a, const struct http_route **route,
				struct http_params *params, unsigned *allowed);

/* http_routes_check — every pattern well-formed and every name unique; else ERR_INVALID. */
int http_routes_check(const struct http_route *routes, size_t n, struct err *e);

/* ---- responses ---- */

const char *http_status_text(int status);

/* http_header_set — replace or add a header; ERR_INVALID for CR/LF/NUL or a bad name. */
int http_header_set(struct http_response *resp, struct arena *a, const char *name,
		    const char *value);
/* http_header_add — add a header even when one of that name exists (Set-Cookie). */
int http_header_add(struct http_response *resp, struct arena *a, const char *name,
		    const char *value);
const char *http_header_get(const struct http_response *resp, const char *name);

/* http_respond_json — status + JSON body (obj is put). */
void http_respond_json(struct http_ctx *x, int status, json_object *obj);

/* http_respond_error — status + {"error":{"code":code,"message":...}}. */
void http_respond_error(struct http_ctx *x, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* http_respond_text — status + body with the given content type. */
void http_respond_text(struct http_ctx *x, int status, const char *content_type,
		       const char *body, size_t len);

/* http_redirect — 303 See Other to a local path (anything else goes to "/"). */
void http_redirect(struct http_ctx *x, const char *location);

/*
 * http_response_head — the CGI header block ("Status: 200 OK\r\n...\r\n\r\n") with
 * Content-Length, into out.
 */
int http_response_head(const struct http_response *resp, struct sbuf *out);

/* ---- FastCGI I/O (http_fcgi.c) ---- */

/*
 * http_fcgi_read — build x->req from an accepted FastCGI request: parameters, then the body
 * (CONTENT_LENGTH bytes, at most the ctx's body limit). Returns 0; ERR_LIMIT when the body is
 * over the limit (the body is not read; answer 413); ERR_INVALID for a malformed request.
 */
int http_fcgi_read(struct FCGX_Request *r, struct http_ctx *x, struct err *e);

/* http_fcgi_write — send x->resp on r. Returns 0 or ERR_IO when the client went away. */
int http_fcgi_write(struct FCGX_Request *r, const struct http_ctx *x);

#endif
