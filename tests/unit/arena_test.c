#include "unit.h"

#include "arena.h"
#include "err.h"
#include "sbuf.h"

#include <string.h>

static void alloc_is_aligned_and_reset_reuses(void **state)
{
	(void)state;
	struct arena *a = arena_new(1024, 0);
	assert_non_null(a);
	char *p = arena_alloc(a, 3);
	char *q = arena_alloc(a, 5);
	assert_int_equal((uintptr_t)p % 16, 0);
	assert_int_equal((uintptr_t)q % 16, 0);
	assert_true(q > p);
	assert_int_equal(arena_used(a), 32);
	arena_reset(a);
	assert_int_equal(arena_used(a), 0);
	assert_ptr_equal(arena_alloc(a, 3), p); /* the first chunk is kept and reused */
	arena_free(a);
}

static void large_allocation_gets_its_own_chunk(void **state)
{
	(void)state;
	struct arena *a = arena_new(256, 0);
	char *big = arena_alloc(a, 10000);
	assert_non_null(big);
	memset(big, 'x', 10000);
	char *small = arena_alloc(a, 10);
	assert_non_null(small);
	arena_reset(a);
	arena_free(a);
}

static void limit_refuses_allocation(void **state)
{
	(void)state;
	struct arena *a = arena_new(256, 100);
	assert_non_null(arena_alloc(a, 64));
	assert_null(arena_alloc(a, 64)); /* 64 + 64 > 100 */
	assert_non_null(arena_alloc(a, 32));
	assert_null(arena_alloc(a, (size_t)-1));
	arena_free(a);
}

static void strings_and_printf(void **state)
{
	(void)state;
	struct arena *a = arena_new(256, 0);
	assert_string_equal(arena_strdup(a, "hello"), "hello");
	assert_string_equal(arena_strndup(a, "hello", 3), "hel");
	assert_null(arena_strdup(a, NULL));
	assert_string_equal(arena_printf(a, "%s=%d", "n", 42), "n=42");
	arena_free(a);
}

static void realloc_grows_in_place_when_newest(void **state)
{
	(void)state;
	struct arena *a = arena_new(1024, 0);
	char *p = arena_alloc(a, 16);
	memcpy(p, "abcdefghijklmno", 16);
	char *q = arena_realloc(a, p, 16, 64);
	assert_ptr_equal(p, q);
	char *other = arena_alloc(a, 8);
	(void)other;
	char *r = arena_realloc(a, q, 64, 128);
	assert_ptr_not_equal(r, q);
	assert_string_equal(r, "abcdefghijklmno");
	arena_free(a);
}

static void sbuf_bounds_and_sticky_failure(void **state)
{
	(void)state;
	struct arena *a = arena_new(256, 0);
	struct sbuf b;
	sbuf_init(&b, a, 10);
	assert_string_equal(sbuf_cstr(&b), "");
	assert_int_equal(sbuf_puts(&b, "12345"), 0);
	assert_int_equal(sbuf_printf(&b, "%d", 678), 0);
	assert_string_equal(sbuf_cstr(&b), "12345678");
	assert_int_equal(sbuf_puts(&b, "xyz"), ERR_LIMIT);
	assert_true(b.failed);
	assert_int_equal(sbuf_puts(&b, "9"), ERR_LIMIT); /* sticky */
	assert_string_equal(sbuf_cstr(&b), "12345678");
	sbuf_reset(&b);
	assert_int_equal(sbuf_puts(&b, "0123456789"), 0);
	assert_int_equal(b.len, 10);
	arena_free(a);
}

static void sbuf_on_heap(void **state)
{
	(void)state;
	struct sbuf b;
	sbuf_init(&b, NULL, 1 << 20);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(sbuf_printf(&b, "%04d", i), 0);
	assert_int_equal(b.len, 4000);
	assert_memory_equal(b.data + 3996, "0999", 4);
	sbuf_release(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(alloc_is_aligned_and_reset_reuses),
	cmocka_unit_test(large_allocation_gets_its_own_chunk),
	cmocka_unit_test(limit_refuses_allocation),
	cmocka_unit_test(strings_and_printf),
	cmocka_unit_test(realloc_grows_in_place_when_newest),
	cmocka_unit_test(sbuf_bounds_and_sticky_failure),
	cmocka_unit_test(sbuf_on_heap),
};

UNIT_MAIN(tests)
