/*
 * The only file that talks libfcgi streams. Writes go through FCGX_PutStr (libfcgi's own
 * printf knows no %zu; TOOLCHAIN.md §3), reads are bounded by the context's body limit.
 */
#include "http.h"

#include "arena.h"

#include <fcgiapp.h>
#include <string.h>

int http_fcgi_read(struct FCGX_Request *r, struct http_ctx *x, struct err *e)
{
	struct http_request *req = &x->req;
	long long want;
	char *body;
	size_t got = 0;
	int rc;

	rc = http_request_from_env(x, r->envp, e);
	if (rc != 0)
		return rc;
	want = req->content_length;
	if (want <= 0)
		return 0;
	if ((unsigned long long)want > x->body_limit)
		return err_set(e, ERR_LIMIT, "request body of %lld bytes is over the limit of %zu bytes",
			       want, x->body_limit);
	body = arena_alloc(x->arena, (size_t)want + 1);
	if (body == NULL)
		return err_set(e, ERR_NOMEM, "out of memory for the request body");
	while (got < (size_t)want) {
		size_t chunk = (size_t)want - got;
		int n;

		if (chunk > 65536)
			chunk = 65536;
		n = FCGX_GetStr(body + got, (int)chunk, r->in);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)want)
		return err_set(e, ERR_INVALID, "request body shorter than Content-Length (%zu of %lld bytes)",
			       got, want);
	body[got] = '\0';
	req->body = body;
	req->body_len = got;
	return 0;
}

int http_fcgi_write(struct FCGX_Request *r, const struct http_ctx *x)
{
	struct sbuf head;
	int rc = 0;

	sbuf_init(&head, x->arena, 16384);
	if (http_response_head(&x->resp, &head) != 0)
		return ERR_LIMIT;
	if (FCGX_PutStr(head.data, (int)head.len, r->out) < 0)
		return ERR_IO;
	if (!x->resp.head_only && x->resp.body.len > 0) {
		size_t off = 0;

		while (off < x->resp.body.len) {
			size_t chunk = x->resp.body.len - off;

			if (chunk > 1u << 20)
				chunk = 1u << 20;
			if (FCGX_PutStr(x->resp.body.data + off, (int)chunk, r->out) < 0) {
				rc = ERR_IO;
				break;
			}
			off += chunk;
		}
	}
	return rc;
}
