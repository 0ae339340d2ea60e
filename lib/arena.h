/*
 * arena — region memory for one request or one job.
 *
 * Everything a handler allocates (strings, parsed parameters, the response body) comes from
 * the request's arena and is released at once by arena_reset() when the request ends.
 * An arena has a hard byte limit (its bound): an allocation past it fails with NULL instead of
 * growing the process. Not thread-safe: one arena belongs to one thread.
 */
#ifndef INFRASCOPE_ARENA_H
#define INFRASCOPE_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

/*
 * arena_new — create an arena that allocates in chunks of chunk_size bytes and refuses to hold
 * more than limit bytes in total (0 = no limit). Returns NULL when out of memory.
 * The caller owns the arena and frees it with arena_free().
 */
struct arena *arena_new(size_t chunk_size, size_t limit);

/* arena_free — release the arena and everything allocated from it. NULL is allowed. */
void arena_free(struct arena *a);

/* arena_reset — forget every allocation but keep the first chunk for reuse. */
void arena_reset(struct arena *a);

/* arena_alloc — n bytes aligned to 16, uninitialised; NULL when the limit would be exceeded. */
void *arena_alloc(struct arena *a, size_t n);

/* arena_zalloc — like arena_alloc, zero-filled. */
void *arena_zalloc(struct arena *a, size_t n);

/*
 * arena_realloc — grow the block p (old_n bytes, from this arena) to new_n bytes.
 * Grows in place when p is the newest allocation and the chunk has room; otherwise copies.
 */
void *arena_realloc(struct arena *a, void *p, size_t old_n, size_t new_n);

/* arena_strdup / arena_strndup — copies with a terminating NUL; NULL input gives NULL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* arena_printf — formatted string allocated from the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* arena_used — bytes handed out since the last reset (for metrics and tests). */
size_t arena_used(const struct arena *a);

#endif
