/*
 * test_strbuf: the output buffer's promises: content and NUL after each
 * kind of append, a format longer than the stack buffer, the size limit
 * (reached exactly, then passed: failed, and nothing more is added), take
 * of an empty buffer ("" and length 0) and of a failed one (NULL).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "strbuf.h"

static void
test_append(void **state)
{
	struct strbuf b = STRBUF_INIT(SIZE_MAX);
	size_t len = 0;
	char *s;

	(void)state;
	strbuf_add(&b, "ab", 2);
	strbuf_str(&b, "cd");
	strbuf_fmt(&b, "%d-%s", 42, "x");
	assert_false(b.failed);
	assert_string_equal(b.buf, "abcd42-x");
	s = strbuf_take(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, 8);
	assert_null(b.buf);
	free(s);
}

static void
test_long_format(void **state)
{
	struct strbuf b = STRBUF_INIT(SIZE_MAX);
	char big[5000];
	size_t len = 0;
	char *s;

	(void)state;
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	strbuf_str(&b, "<");
	strbuf_fmt(&b, "%s|%s", big, big);
	s = strbuf_take(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, 1 + 2 * (sizeof big - 1) + 1);
	assert_int_equal(s[0], '<');
	assert_int_equal(s[sizeof big], '|');
	assert_int_equal(s[len], '\0');
	free(s);
}

static void
test_limit(void **state)
{
	struct strbuf b = STRBUF_INIT(4);
	size_t len = 0;

	(void)state;
	strbuf_str(&b, "abcd");
	assert_false(b.failed);
	strbuf_str(&b, "e");
	assert_true(b.failed);
	assert_string_equal(b.buf, "abcd");
	strbuf_fmt(&b, "%s", "f");
	assert_int_equal(b.len, 4);
	assert_null(strbuf_take(&b, &len));
	assert_null(b.buf);
}

static void
test_empty(void **state)
{
	struct strbuf b = STRBUF_INIT(16);
	size_t len = 99;
	char *s;

	(void)state;
	s = strbuf_take(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);
	strbuf_str(&b, "x");
	strbuf_free(&b);
	assert_null(b.buf);
	assert_int_equal(b.len, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append),
		cmocka_unit_test(test_long_format),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
