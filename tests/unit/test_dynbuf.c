/*
 * test_dynbuf: the capped two-reader buffer: its hard maximum, readers at
 * different speeds, compaction, and closing a reader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dynbuf.h"

static unsigned char pattern[1 << 20];

static void
fill_pattern(void)
{
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (unsigned char)(i * 131 + (i >> 9));
}

static void
test_cap_is_hard(void **state)
{
	struct dynbuf b;

	(void)state;
	dynbuf_init(&b, 100, 1);
	assert_int_equal(dynbuf_append(&b, pattern, 60), DYNBUF_OK);
	assert_int_equal(dynbuf_append(&b, pattern, 41), DYNBUF_FULL);
	assert_int_equal(dynbuf_held(&b), 60);
	assert_int_equal(dynbuf_append(&b, pattern, 40), DYNBUF_OK);
	assert_int_equal(dynbuf_space(&b), 0);
	assert_int_equal(dynbuf_append(&b, pattern, 1), DYNBUF_FULL);
	assert_int_equal(dynbuf_append(&b, pattern, 0), DYNBUF_OK);
	assert_true(b.alloc <= 100);
	dynbuf_free(&b);
}

static void
test_single_larger_than_cap(void **state)
{
	struct dynbuf b;

	(void)state;
	dynbuf_init(&b, 10, 1);
	assert_int_equal(dynbuf_append(&b, pattern, 11), DYNBUF_FULL);
	assert_int_equal(dynbuf_held(&b), 0);
	dynbuf_free(&b);
}

static void
test_consume_frees_space(void **state)
{
	struct dynbuf b;
	const unsigned char *p;
	size_t n;

	(void)state;
	dynbuf_init(&b, 100, 1);
	assert_int_equal(dynbuf_append(&b, pattern, 100), DYNBUF_OK);
	p = dynbuf_peek(&b, DYNBUF_PLAYER, &n);
	assert_int_equal(n, 100);
	assert_memory_equal(p, pattern, 100);
	dynbuf_consume(&b, DYNBUF_PLAYER, 30);
	assert_int_equal(dynbuf_space(&b), 30);
	assert_int_equal(dynbuf_append(&b, pattern + 100, 30), DYNBUF_OK);
	p = dynbuf_peek(&b, DYNBUF_PLAYER, &n);
	assert_int_equal(n, 100);
	assert_memory_equal(p, pattern + 30, 100);
	assert_true(b.alloc <= 100);
	dynbuf_free(&b);
}

static void
test_two_readers_slowest_holds(void **state)
{
	struct dynbuf b;
	const unsigned char *p;
	size_t n;

	(void)state;
	dynbuf_init(&b, 100, 2);
	assert_int_equal(dynbuf_append(&b, pattern, 100), DYNBUF_OK);
	dynbuf_consume(&b, DYNBUF_FILE, 100);
	assert_int_equal(dynbuf_unread(&b, DYNBUF_FILE), 0);
	assert_int_equal(dynbuf_space(&b), 0);
	dynbuf_consume(&b, DYNBUF_PLAYER, 10);
	assert_int_equal(dynbuf_space(&b), 10);
	assert_int_equal(dynbuf_append(&b, pattern + 100, 10), DYNBUF_OK);
	p = dynbuf_peek(&b, DYNBUF_FILE, &n);
	assert_int_equal(n, 10);
	assert_memory_equal(p, pattern + 100, 10);
	p = dynbuf_peek(&b, DYNBUF_PLAYER, &n);
	assert_int_equal(n, 100);
	assert_memory_equal(p, pattern + 10, 100);
	dynbuf_free(&b);
}

/* Drain one reader fast, one slowly, through many compactions. */
static void
test_two_readers_stream(void **state)
{
	struct dynbuf b;
	size_t in = 0, got[2] = {0, 0}, total = sizeof(pattern);
	size_t step[2] = {7919, 1021};

	(void)state;
	dynbuf_init(&b, 65536, 2);
	while (got[0] < total || got[1] < total) {
		size_t chunk = total - in < 4000 ? total - in : 4000;

		if (chunk > 0 &&
		    dynbuf_append(&b, pattern + in, chunk) == DYNBUF_OK)
			in += chunk;
		assert_true(dynbuf_held(&b) <= 65536);
		assert_true(b.alloc <= 65536);
		for (int r = 0; r < 2; r++) {
			size_t n;
			const unsigned char *p = dynbuf_peek(&b, r, &n);

			if (n > step[r])
				n = step[r];
			if (n == 0)
				continue;
			assert_memory_equal(p, pattern + got[r], n);
			dynbuf_consume(&b, r, n);
			got[r] += n;
		}
	}
	assert_int_equal(in, total);
	assert_int_equal(dynbuf_held(&b), 0);
	dynbuf_free(&b);
}

static void
test_close_reader_releases(void **state)
{
	struct dynbuf b;
	size_t n;

	(void)state;
	dynbuf_init(&b, 50, 2);
	assert_int_equal(dynbuf_append(&b, pattern, 50), DYNBUF_OK);
	dynbuf_consume(&b, DYNBUF_FILE, 50);
	assert_int_equal(dynbuf_space(&b), 0);
	dynbuf_close_reader(&b, DYNBUF_PLAYER);
	assert_false(dynbuf_reader_open(&b, DYNBUF_PLAYER));
	assert_int_equal(dynbuf_space(&b), 50);
	assert_null(dynbuf_peek(&b, DYNBUF_PLAYER, &n));
	assert_int_equal(n, 0);
	assert_int_equal(dynbuf_append(&b, pattern, 50), DYNBUF_OK);
	assert_int_equal(dynbuf_unread(&b, DYNBUF_FILE), 50);
	assert_int_equal(dynbuf_unread(&b, DYNBUF_PLAYER), 0);
	dynbuf_free(&b);
}

static void
test_compact_explicit(void **state)
{
	struct dynbuf b;
	const unsigned char *p;
	size_t n;

	(void)state;
	dynbuf_init(&b, 100, 2);
	assert_int_equal(dynbuf_append(&b, pattern, 80), DYNBUF_OK);
	dynbuf_consume(&b, DYNBUF_PLAYER, 20);
	dynbuf_consume(&b, DYNBUF_FILE, 50);
	dynbuf_compact(&b);
	assert_int_equal(b.len, 60);
	p = dynbuf_peek(&b, DYNBUF_PLAYER, &n);
	assert_int_equal(n, 60);
	assert_memory_equal(p, pattern + 20, 60);
	p = dynbuf_peek(&b, DYNBUF_FILE, &n);
	assert_int_equal(n, 30);
	assert_memory_equal(p, pattern + 50, 30);
	dynbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_is_hard),
		cmocka_unit_test(test_single_larger_than_cap),
		cmocka_unit_test(test_consume_frees_space),
		cmocka_unit_test(test_two_readers_slowest_holds),
		cmocka_unit_test(test_two_readers_stream),
		cmocka_unit_test(test_close_reader_releases),
		cmocka_unit_test(test_compact_explicit),
	};

	fill_pattern();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
