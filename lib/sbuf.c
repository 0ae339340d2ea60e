#include "sbuf.h"

#include "arena.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sbuf_init(struct sbuf *b, struct arena *arena, size_t limit)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
	b->arena = arena;
	b->failed = false;
}

void sbuf_release(struct sbuf *b)
{
	if (b->arena == NULL)
		free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = false;
}

void sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for `extra` more bytes plus the NUL. */
static int reserve(struct sbuf *b, size_t extra)
{
	size_t want, ncap;
	char *p;

	if (b->failed)
		return ERR_LIMIT;
	if (extra > b->limit || b->len > b->limit - extra) {
		b->failed = true;
		return ERR_LIMIT;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return 0;
	ncap = b->cap != 0 ? b->cap : 256;
	while (ncap < want)
		ncap *= 2;
	if (ncap > b->limit + 1)
		ncap = b->limit + 1;
	if (b->arena != NULL)
		p = arena_realloc(b->arena, b->data, b->cap, ncap);
	else
		p = realloc(b->data, ncap);
	if (p == NULL) {
		b->failed = true;
		return ERR_NOMEM;
	}
	b->data = p;
	b->cap = ncap;
	return 0;
}

int sbuf_append(struct sbuf *b, const void *data, size_t n)
{
	int rc = reserve(b, n);

	if (rc != 0)
		return rc;
	if (n > 0)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int sbuf_puts(struct sbuf *b, const char *s)
{
	return sbuf_append(b, s, strlen(s));
}

int sbuf_putc(struct sbuf *b, char c)
{
	return sbuf_append(b, &c, 1);
}

int sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, rc;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->failed = true;
		return ERR_INVALID;
	}
	rc = reserve(b, (size_t)n);
	if (rc != 0)
		return rc;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = sbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *sbuf_cstr(const struct sbuf *b)
{
	return b->data != NULL ? b->data : "";
}
