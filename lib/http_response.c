/*
 * Response building and the CGI header block. Header names are tokens and values never carry
 * CR, LF or NUL, so nothing a handler passes can split the response.
 */
#include "http.h"

#include "arena.h"
#include "json.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *http_status_text(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	}
	return "Unknown";
}

static bool token_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("!#$%&'*+-.^_`|~", *s) == NULL)
			return false;
	return true;
}

static bool value_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\r' || *s == '\n')
			return false;
	return true;
}

static int header_put(struct http_response *resp, struct arena *a, const char *name,
		      const char *value, bool replace)
{
	char *n, *v;

	if (!token_ok(name) || value == NULL || !value_ok(value))
		return ERR_INVALID;
	n = arena_strdup(a, name);
	v = arena_strdup(a, value);
	if (n == NULL || v == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; replace && i < resp->nheaders; i++) {
		if (strcasecmp(resp->headers[i].name, name) == 0) {
			resp->headers[i].value = v;
			return 0;
		}
	}
	if (resp->nheaders >= HTTP_MAX_HEADERS)
		return ERR_LIMIT;
	resp->headers[resp->nheaders].name = n;
	resp->headers[resp->nheaders].value = v;
	resp->nheaders++;
	return 0;
}

int http_header_set(struct http_response *resp, struct arena *a, const char *name,
		    const char *value)
{
	return header_put(resp, a, name, value, true);
}

int http_header_add(struct http_response *resp, struct arena *a, const char *name,
		    const char *value)
{
	return header_put(resp, a, name, value, false);
}

const char *http_header_get(const struct http_response *resp, const char *name)
{
	for (size_t i = 0; i < resp->nheaders; i++)
		if (strcasecmp(resp->headers[i].name, name) == 0)
			return resp->headers[i].value;
	return NULL;
}

void http_respond_text(struct http_ctx *x, int status, const char *content_type,
		       const char *body, size_t len)
{
	x->resp.status = status;
	http_header_set(&x->resp, x->arena, "Content-Type", content_type);
	sbuf_reset(&x->resp.body);
	sbuf_append(&x->resp.body, body, len);
}

void http_respond_json(struct http_ctx *x, int status, json_object *obj)
{
	x->resp.status = status;
	http_header_set(&x->resp, x->arena, "Content-Type", "application/json");
	http_header_set(&x->resp, x->arena, "Cache-Control", "no-store");
	sbuf_reset(&x->resp.body);
	if (obj == NULL || json_render(obj, &x->resp.body) != 0) {
		/* Out of memory or over the body bound: still answer with the documented shape. */
		x->resp.status = 500;
		sbuf_reset(&x->resp.body);
		sbuf_puts(&x->resp.body,
			  "{\"error\":{\"code\":\"internal\",\"message\":\"response too large\"}}");
	}
	sbuf_putc(&x->resp.body, '\n');
	json_object_put(obj);
}

void http_respond_error(struct http_ctx *x, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	json_object *root, *err;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	root = json_object_new_object();
	err = json_object_new_object();
	if (root == NULL || err == NULL) {
		json_object_put(root);
		json_object_put(err);
		http_respond_json(x, status, NULL);
		return;
	}
	json_object_object_add(err, "code", json_object_new_string(code));
	json_object_object_add(err, "message", json_object_new_string(msg));
	json_object_object_add(root, "error", err);
	http_respond_json(x, status, root);
}

void http_redirect(struct http_ctx *x, const char *location)
{
	x->resp.status = 303;
	http_header_set(&x->resp, x->arena, "Location",
			http_is_local_path(location) ? location : "/");
	sbuf_reset(&x->resp.body);
}

int http_response_head(const struct http_response *resp, struct sbuf *out)
{
	bool has_type = false;

	sbuf_printf(out, "Status: %d %s\r\n", resp->status, http_status_text(resp->status));
	for (size_t i = 0; i < resp->nheaders; i++) {
		if (strcasecmp(resp->headers[i].name, "Content-Type") == 0)
			has_type = true;
		sbuf_printf(out, "%s: %s\r\n", resp->headers[i].name, resp->headers[i].value);
	}
	if (!has_type && resp->body.len > 0)
		sbuf_puts(out, "Content-Type: application/octet-stream\r\n");
	sbuf_printf(out, "Content-Length: %zu\r\n\r\n", resp->body.len);
	return out->failed ? ERR_LIMIT : 0;
}
