/*
 * sbuf — a growable byte buffer with a hard bound.
 *
 * Backed by an arena (freed with it) or by the heap (sbuf_release). Appends past the bound or
 * past available memory set the sticky `failed` flag and are dropped, so a caller can append
 * many pieces and check once at the end. The data is always NUL-terminated.
 */
#ifndef INFRASCOPE_SBUF_H
#define INFRASCOPE_SBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct arena;

struct sbuf {
	char *data;
	size_t len;
	size_t cap;
	size_t limit;          /* most bytes the buffer may hold (excluding the NUL) */
	struct arena *arena;   /* NULL = heap */
	bool failed;           /* an append was dropped: over the limit or out of memory */
};

/* sbuf_init — empty buffer on arena (or heap when arena is NULL) holding at most limit bytes. */
void sbuf_init(struct sbuf *b, struct arena *arena, size_t limit);

/* sbuf_release — free heap storage (no-op for arena buffers) and reset to empty. */
void sbuf_release(struct sbuf *b);

/* sbuf_reset — set length to zero and clear `failed`, keeping storage. */
void sbuf_reset(struct sbuf *b);

/* Appends return 0, or ERR_LIMIT / ERR_NOMEM (and set failed). */
int sbuf_append(struct sbuf *b, const void *data, size_t n);
int sbuf_puts(struct sbuf *b, const char *s);
int sbuf_putc(struct sbuf *b, char c);
int sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap);

/* sbuf_cstr — the NUL-terminated contents ("" for an empty buffer). */
const char *sbuf_cstr(const struct sbuf *b);

#endif
