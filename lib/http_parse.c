/*
 * Request parsing: FastCGI parameters, query strings, forms, cookies, Accept-Language.
 * Pure: no sockets, no globals; everything is copied into the request's arena.
 */
#include "http.h"

#include "arena.h"
#include "json.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_MAX_ENV (HTTP_MAX_PARAMS * 2)

void http_ctx_init(struct http_ctx *x, struct arena *arena, size_t body_limit)
{
	memset(x, 0, sizeof *x);
	x->arena = arena;
	x->body_limit = body_limit;
	x->req.query = "";
	x->req.content_type = "";
	x->req.content_length = -1;
	x->req.path = "/";
	x->req.method_name = "";
	x->req.remote_addr = "";
	x->resp.status = 200;
	/* The response body may be larger than a request body (pages, metrics). */
	sbuf_init(&x->resp.body, arena, 16u << 20);
}

void http_ctx_release(struct http_ctx *x)
{
	if (x->req.json != NULL) {
		json_object_put(x->req.json);
		x->req.json = NULL;
	}
}

const char *http_param_get(const struct http_params *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->items[i].name, name) == 0)
			return p->items[i].value;
	return NULL;
}

const char *http_env(const struct http_request *req, const char *name)
{
	return http_param_get(&req->env, name);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int http_url_decode(struct arena *a, const char *in, size_t n, bool plus_is_space, char **out,
		    size_t *out_len)
{
	char *d = arena_alloc(a, n + 1);
	size_t j = 0;

	if (d == NULL)
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= n)
				return ERR_INVALID;
			hi = hexval((unsigned char)in[i + 1]);
			lo = hexval((unsigned char)in[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return ERR_INVALID;
			d[j++] = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			d[j++] = ' ';
		} else if (c == '\0') {
			return ERR_INVALID;
		} else {
			d[j++] = (char)c;
		}
	}
	d[j] = '\0';
	*out = d;
	if (out_len != NULL)
		*out_len = j;
	return 0;
}

char *http_url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(s), j = 0;
	char *out = arena_alloc(a, 3 * n + 1);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			out[j++] = (char)c;
		} else {
			out[j++] = '%';
			out[j++] = hex[c >> 4];
			out[j++] = hex[c & 15];
		}
	}
	out[j] = '\0';
	return out;
}

static int params_push(struct arena *a, struct http_params *p, const char *name, const char *value,
		       size_t value_len)
{
	struct http_param *items;

	if (p->n >= HTTP_MAX_PARAMS)
		return ERR_LIMIT;
	/* Grow in steps of 16; arena_realloc extends in place while nothing else was allocated. */
	if (p->n % 16 == 0) {
		items = arena_realloc(a, p->items, p->n * sizeof *items, (p->n + 16) * sizeof *items);
		if (items == NULL)
			return ERR_NOMEM;
		p->items = items;
	}
	p->items[p->n].name = name;
	p->items[p->n].value = value;
	p->items[p->n].value_len = value_len;
	p->n++;
	return 0;
}

int http_parse_urlencoded(struct arena *a, const char *s, size_t n, struct http_params *out,
			  struct err *e)
{
	size_t i = 0;

	out->items = NULL;
	out->n = 0;
	while (i < n) {
		size_t start = i, eq = (size_t)-1, name_len;
		char *name, *value;
		size_t value_len;
		int rc;

		while (i < n && s[i] != '&') {
			if (s[i] == '=' && eq == (size_t)-1)
				eq = i;
			i++;
		}
		if (i == start) { /* empty pair: "a=1&&b=2" */
			i++;
			continue;
		}
		name_len = (eq == (size_t)-1 ? i : eq) - start;
		if (name_len > HTTP_MAX_NAME)
			return err_set(e, ERR_LIMIT, "parameter name longer than %d bytes", HTTP_MAX_NAME);
		if (http_url_decode(a, s + start, name_len, true, &name, NULL) != 0)
			return err_set(e, ERR_INVALID, "malformed percent-encoding in a parameter name");
		if (eq == (size_t)-1)
			rc = http_url_decode(a, "", 0, true, &value, &value_len);
		else
			rc = http_url_decode(a, s + eq + 1, i - eq - 1, true, &value, &value_len);
		if (rc != 0)
			return err_set(e, ERR_INVALID, "malformed percent-encoding in parameter \"%.64s\"",
				       name);
		rc = params_push(a, out, name, value, value_len);
		if (rc == ERR_LIMIT)
			return err_set(e, ERR_LIMIT, "more than %d parameters", HTTP_MAX_PARAMS);
		if (rc != 0)
			return err_set(e, rc, "out of memory");
		i++;
	}
	return 0;
}

int http_parse_cookies(struct arena *a, const char *header, struct http_params *out)
{
	const char *p = header;

	out->items = NULL;
	out->n = 0;
	if (header == NULL)
		return 0;
	while (*p != '\0') {
		const char *name, *name_end, *val, *val_end, *semi;
		char *n, *v;
		int rc;

		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		if (*p == '\0')
			break;
		semi = strchr(p, ';');
		if (semi == NULL)
			semi = p + strlen(p);
		name = p;
		name_end = memchr(p, '=', (size_t)(semi - p));
		p = *semi != '\0' ? semi + 1 : semi;
		if (name_end == NULL || name_end == name)
			continue;
		val = name_end + 1;
		val_end = semi;
		while (name_end > name && (name_end[-1] == ' ' || name_end[-1] == '\t'))
			name_end--;
		while (val < val_end && (*val == ' ' || *val == '\t'))
			val++;
		while (val_end > val && (val_end[-1] == ' ' || val_end[-1] == '\t'))
			val_end--;
		if (val_end - val >= 2 && val[0] == '"' && val_end[-1] == '"') {
			val++;
			val_end--;
		}
		if (name_end - name > HTTP_MAX_NAME)
			continue;
		n = arena_strndup(a, name, (size_t)(name_end - name));
		v = arena_strndup(a, val, (size_t)(val_end - val));
		if (n == NULL || v == NULL)
			return ERR_NOMEM;
		rc = params_push(a, out, n, v, (size_t)(val_end - val));
		if (rc == ERR_LIMIT)
			return 0; /* keep the first HTTP_MAX_PARAMS cookies */
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Parse "q=0.8" style weights; 1.0 when absent, -1 when malformed. */
static double parse_q(const char *params, size_t len)
{
	const char *q = NULL;
	char buf[16];
	char *end;
	double v;

	for (size_t i = 0; i + 1 < len; i++) {
		if ((params[i] == 'q' || params[i] == 'Q') && params[i + 1] == '=' &&
		    (i == 0 || params[i - 1] == ';' || params[i - 1] == ' ')) {
			q = params + i + 2;
			break;
		}
	}
	if (q == NULL)
		return 1.0;
	len -= (size_t)(q - params);
	while (len > 0 && (q[len - 1] == ' ' || q[len - 1] == ';'))
		len--;
	if (len == 0 || len >= sizeof buf)
		return -1;
	memcpy(buf, q, len);
	buf[len] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || v < 0 || v > 1)
		return -1;
	return v;
}

/*
 * Walk a comma-separated header of "token;params" items, calling fn for each token (trimmed)
 * with its weight. Bounded by the header length; at most 64 items are considered.
 */
typedef void (*weighted_fn)(const char *tok, size_t len, double q, void *arg);

static void each_weighted(const char *header, weighted_fn fn, void *arg)
{
	const char *p = header;
	int items = 0;

	while (p != NULL && *p != '\0' && items++ < 64) {
		const char *comma = strchr(p, ',');
		const char *end = comma != NULL ? comma : p + strlen(p);
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *tok_end = semi != NULL ? semi : end;
		double q;

		while (p < tok_end && (*p == ' ' || *p == '\t'))
			p++;
		while (tok_end > p && (tok_end[-1] == ' ' || tok_end[-1] == '\t'))
			tok_end--;
		q = semi != NULL ? parse_q(semi + 1, (size_t)(end - semi - 1)) : 1.0;
		if (tok_end > p && q > 0)
			fn(p, (size_t)(tok_end - p), q, arg);
		p = comma != NULL ? comma + 1 : NULL;
	}
}

struct lang_pick {
	const char *const *supported;
	size_t n;
	const char *best;
	double best_q;
};

static void consider_language(const char *tok, size_t len, double q, void *arg)
{
	struct lang_pick *lp = arg;
	size_t primary = 0;

	while (primary < len && tok[primary] != '-' && tok[primary] != '_')
		primary++;
	for (size_t i = 0; i < lp->n; i++) {
		const char *s = lp->supported[i];

		if (strlen(s) == primary && strncasecmp(tok, s, primary) == 0 && q > lp->best_q) {
			lp->best = s;
			lp->best_q = q;
		}
	}
}

const char *http_pick_language(const char *accept_language, const char *const *supported,
			       size_t nsupported)
{
	struct lang_pick lp = { supported, nsupported, NULL, 0 };

	if (accept_language == NULL)
		return NULL;
	each_weighted(accept_language, consider_language, &lp);
	return lp.best;
}

struct accept_pick {
	double json_q;
	double html_q;
};

static void consider_media(const char *tok, size_t len, double q, void *arg)
{
	struct accept_pick *ap = arg;

	if (len == 16 && strncasecmp(tok, "application/json", 16) == 0 && q > ap->json_q)
		ap->json_q = q;
	else if (len == 9 && strncasecmp(tok, "text/html", 9) == 0 && q > ap->html_q)
		ap->html_q = q;
}

bool http_wants_json(const struct http_request *req)
{
	struct accept_pick ap = { 0, 0 };
	const char *accept = http_env(req, "HTTP_ACCEPT");

	if (accept == NULL)
		return false;
	each_weighted(accept, consider_media, &ap);
	return ap.json_q > 0 && ap.json_q >= ap.html_q;
}

bool http_is_local_path(const char *s)
{
	size_t n = 0;

	if (s == NULL || s[0] != '/' || s[1] == '/' || s[1] == '\\')
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++, n++)
		if (*p < ' ' || *p == 0x7f || *p == '\\' || n >= HTTP_MAX_PATH)
			return false;
	return true;
}

static const struct {
	const char *name;
	enum http_method m;
} methods[] = {
	{ "GET", HTTP_GET },       { "HEAD", HTTP_HEAD },     { "POST", HTTP_POST },
	{ "PUT", HTTP_PUT },       { "PATCH", HTTP_PATCH },   { "DELETE", HTTP_DELETE },
	{ "OPTIONS", HTTP_OPTIONS },
};

enum http_method http_method_parse(const char *s)
{
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (s != NULL && strcmp(s, methods[i].name) == 0)
			return methods[i].m;
	return HTTP_OTHER;
}

void http_methods_format(unsigned set, char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
		if (!(set & methods[i].m))
			continue;
		int w = snprintf(buf + off, len - off, "%s%s", off ? ", " : "", methods[i].name);
		if (w < 0 || (size_t)w >= len - off) {
			buf[off] = '\0'; /* whole names only, never "GET, HE" */
			break;
		}
		off += (size_t)w;
	}
}

/* Split "NAME=value" FastCGI parameters into the request's env list. */
static int copy_env(struct http_ctx *x, char **envp, struct err *e)
{
	size_t count = 0;

	for (char **p = envp; p != NULL && *p != NULL; p++) {
		const char *eq = strchr(*p, '=');
		char *name, *value;

		if (eq == NULL || eq == *p)
			continue;
		if (++count > HTTP_MAX_ENV)
			return err_set(e, ERR_LIMIT, "too many request headers");
		name = arena_strndup(x->arena, *p, (size_t)(eq - *p));
		value = arena_strdup(x->arena, eq + 1);
		if (name == NULL || value == NULL)
			return err_set(e, ERR_NOMEM, "out of memory");
		/* env may exceed HTTP_MAX_PARAMS entries; grow it without params_push's cap. */
		if (x->req.env.n % 16 == 0) {
			struct http_param *items = arena_realloc(
				x->arena, x->req.env.items, x->req.env.n * sizeof *items,
				(x->req.env.n + 16) * sizeof *items);
			if (items == NULL)
				return err_set(e, ERR_NOMEM, "out of memory");
			x->req.env.items = items;
		}
		x->req.env.items[x->req.env.n].name = name;
		x->req.env.items[x->req.env.n].value = value;
		x->req.env.items[x->req.env.n].value_len = strlen(value);
		x->req.env.n++;
	}
	return 0;
}

static int parse_content_length(const char *s, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || s[0] == '\0') {
		*out = -1;
		return 0;
	}
	if (!isdigit((unsigned char)s[0]))
		return ERR_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return ERR_INVALID;
	*out = v;
	return 0;
}

static const char *media_type(struct arena *a, const char *ct)
{
	size_t n = 0;
	char *d;

	if (ct == NULL)
		return "";
	while (*ct == ' ')
		ct++;
	while (ct[n] != '\0' && ct[n] != ';' && ct[n] != ' ')
		n++;
	d = arena_strndup(a, ct, n);
	if (d == NULL)
		return "";
	for (char *p = d; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return d;
}

int http_request_from_env(struct http_ctx *x, char **envp, struct err *e)
{
	struct http_request *req = &x->req;
	const char *uri, *q;
	int rc;

	rc = copy_env(x, envp, e);
	if (rc != 0)
		return rc;
	req->method_name = http_env(req, "REQUEST_METHOD");
	if (req->method_name == NULL)
		req->method_name = "";
	req->method = http_method_parse(req->method_name);

	uri = http_env(req, "REQUEST_URI");
	if (uri == NULL)
		uri = http_env(req, "DOCUMENT_URI");
	if (uri == NULL || uri[0] != '/')
		return err_set(e, ERR_INVALID, "request path missing or not absolute");
	q = strchr(uri, '?');
	req->path = q != NULL ? arena_strndup(x->arena, uri, (size_t)(q - uri)) : uri;
	if (req->path == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (strlen(req->path) > HTTP_MAX_PATH)
		return err_set(e, ERR_LIMIT, "request path longer than %d bytes", HTTP_MAX_PATH);

	req->query = http_env(req, "QUERY_STRING");
	if (req->query == NULL)
		req->query = "";
	rc = http_parse_urlencoded(x->arena, req->query, strlen(req->query), &req->query_params, e);
	if (rc != 0)
		return rc;

	req->remote_addr = http_env(req, "REMOTE_ADDR");
	if (req->remote_addr == NULL)
		req->remote_addr = "";
	req->https = http_env(req, "HTTPS") != NULL && strcasecmp(http_env(req, "HTTPS"), "on") == 0;
	req->content_type = media_type(x->arena, http_env(req, "CONTENT_TYPE"));
	if (parse_content_length(http_env(req, "CONTENT_LENGTH"), &req->content_length) != 0)
		return err_set(e, ERR_INVALID, "malformed Content-Length");
	rc = http_parse_cookies(x->arena, http_env(req, "HTTP_COOKIE"), &req->cookies);
	if (rc != 0)
		return err_set(e, rc, "out of memory");
	return 0;
}

static bool is_json_type(const char *mt)
{
	size_t n = strlen(mt);

	return strcmp(mt, "application/json") == 0 ||
	       (n > 5 && strcmp(mt + n - 5, "+json") == 0 && strncmp(mt, "application/", 12) == 0);
}

int http_request_parse_body(struct http_ctx *x, bool form_wanted, struct err *e)
{
	struct http_request *req = &x->req;

	if (req->body_len == 0)
		return 0;
	if (is_json_type(req->content_type))
		return json_parse(req->body, req->body_len, &req->json, e);
	if (form_wanted && strcmp(req->content_type, "application/x-www-form-urlencoded") == 0)
		return http_parse_urlencoded(x->arena, req->body, req->body_len, &req->form, e);
	return 0;
}
