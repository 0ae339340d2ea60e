/*
 * Chunked bump allocator. Chunks form a singly linked list, newest first; a request larger
 * than the chunk size gets a chunk of its own. The limit counts bytes handed out, so a
 * hostile input cannot make one request eat the process.
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16

struct chunk {
	struct chunk *next;
	size_t size;       /* usable bytes in data[] */
	size_t used;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t chunk_size;
	size_t limit;
	size_t used;       /* bytes handed out since the last reset */
	void *last;        /* newest allocation, for in-place growth */
	size_t last_n;
};

static size_t align_up(size_t n)
{
	return (n + (ARENA_ALIGN - 1)) & ~(size_t)(ARENA_ALIGN - 1);
}

static struct chunk *chunk_new(size_t size)
{
	struct chunk *c;

	if (size > SIZE_MAX - sizeof *c)
		return NULL;
	c = malloc(sizeof *c + size);
	if (c == NULL)
		return NULL;
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

struct arena *arena_new(size_t chunk_size, size_t limit)
{
	struct arena *a = calloc(1, sizeof *a);

	if (a == NULL)
		return NULL;
	a->chunk_size = chunk_size < 256 ? 256 : align_up(chunk_size);
	a->limit = limit;
	a->head = chunk_new(a->chunk_size);
	if (a->head == NULL) {
		free(a);
		return NULL;
	}
	return a;
}

void arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void arena_reset(struct arena *a)
{
	struct chunk *c, *next, *first = NULL;

	/* Keep the oldest standard-sized chunk (the tail of the list); free the rest. */
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (next == NULL && c->size == a->chunk_size)
			first = c;
		else
			free(c);
	}
	if (first == NULL)
		first = chunk_new(a->chunk_size);
	if (first != NULL)
		first->used = 0;
	a->head = first;
	a->used = 0;
	a->last = NULL;
	a->last_n = 0;
}

void *arena_alloc(struct arena *a, size_t n)
{
	struct chunk *c;
	void *p;
	size_t need;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / 2)
		return NULL;
	need = align_up(n);
	if (a->limit != 0 && (need > a->limit || a->used > a->limit - need))
		return NULL;
	c = a->head;
	if (c == NULL || c->size - c->used < need) {
		c = chunk_new(need > a->chunk_size ? need : a->chunk_size);
		if (c == NULL)
			return NULL;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += need;
	a->used += need;
	a->last = p;
	a->last_n = need;
	return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n)
{
	void *q;

	if (p == NULL)
		return arena_alloc(a, new_n);
	if (new_n <= old_n)
		return p;
	if (p == a->last && a->head != NULL) {
		size_t grow = align_up(new_n) - a->last_n;
		struct chunk *c = a->head;

		if (align_up(new_n) >= a->last_n && c->size - c->used >= grow &&
		    (a->limit == 0 || a->used + grow <= a->limit)) {
			c->used += grow;
			a->used += grow;
			a->last_n += grow;
			return p;
		}
	}
	q = arena_alloc(a, new_n);
	if (q != NULL)
		memcpy(q, p, old_n);
	return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = arena_alloc(a, n + 1);
	if (d != NULL) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return s == NULL ? NULL : arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *d;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	d = arena_alloc(a, (size_t)n + 1);
	if (d != NULL)
		vsnprintf(d, (size_t)n + 1, fmt, ap);
	return d;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	char *d;

	va_start(ap, fmt);
	d = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return d;
}

size_t arena_used(const struct arena *a)
{
	return a->used;
}
