/*
 * test_parse: parse_u64 and parse_u64_str, the one strict number parser.
 * Digits only, leading zeros allowed, no sign, space or trailing byte, and
 * overflow past UINT64_MAX reported as such; *out untouched on failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

#define SENTINEL UINT64_C(0xdeadbeefcafe)

/* Parse the NUL-terminated s both ways; both must agree. */
static enum parse_result
both(const char *s, uint64_t *out)
{
	uint64_t a = SENTINEL, b = SENTINEL;
	enum parse_result ra = parse_u64(s, strlen(s), &a);
	enum parse_result rb = parse_u64_str(s, &b);

	assert_int_equal(ra, rb);
	assert_true(a == b);
	*out = a;
	return ra;
}

static void
expect_ok(const char *s, uint64_t want)
{
	uint64_t v;

	assert_int_equal(both(s, &v), PARSE_OK);
	assert_true(v == want);
}

static void
expect_fail(const char *s, enum parse_result want)
{
	uint64_t v;

	assert_int_equal(both(s, &v), want);
	assert_true(v == SENTINEL);
}

static void
test_digits(void **state)
{
	(void)state;
	expect_ok("0", 0);
	expect_ok("1", 1);
	expect_ok("7", 7);
	expect_ok("42", 42);
	expect_ok("1234567890", UINT64_C(1234567890));
	expect_ok("4294967295", UINT64_C(4294967295));
	expect_ok("4294967296", UINT64_C(4294967296));
}

static void
test_leading_zeros(void **state)
{
	(void)state;
	expect_ok("00", 0);
	expect_ok("0001", 1);
	expect_ok("007", 7);
	expect_ok("000000000000000000000000000000000000000042", 42);
	expect_ok("0000018446744073709551615", UINT64_MAX);
}

static void
test_empty(void **state)
{
	uint64_t v = SENTINEL;

	(void)state;
	expect_fail("", PARSE_SYNTAX);
	assert_int_equal(parse_u64("123", 0, &v), PARSE_SYNTAX);
	assert_true(v == SENTINEL);
}

static void
test_signs(void **state)
{
	(void)state;
	expect_fail("-1", PARSE_SYNTAX);
	expect_fail("+1", PARSE_SYNTAX);
	expect_fail("-0", PARSE_SYNTAX);
	expect_fail("+", PARSE_SYNTAX);
	expect_fail("-", PARSE_SYNTAX);
	expect_fail("1-", PARSE_SYNTAX);
}

static void
test_spaces(void **state)
{
	(void)state;
	expect_fail(" 1", PARSE_SYNTAX);
	expect_fail("1 ", PARSE_SYNTAX);
	expect_fail("1 2", PARSE_SYNTAX);
	expect_fail("\t1", PARSE_SYNTAX);
	expect_fail("1\n", PARSE_SYNTAX);
	expect_fail(" ", PARSE_SYNTAX);
}

static void
test_trailing_bytes(void **state)
{
	(void)state;
	expect_fail("1x", PARSE_SYNTAX);
	expect_fail("x1", PARSE_SYNTAX);
	expect_fail("0x10", PARSE_SYNTAX);
	expect_fail("1.0", PARSE_SYNTAX);
	expect_fail("1e3", PARSE_SYNTAX);
	expect_fail("12/", PARSE_SYNTAX);
	expect_fail("12:", PARSE_SYNTAX);
	expect_fail("\xd9\xa1", PARSE_SYNTAX);	   /* ARABIC-INDIC DIGIT ONE */
	expect_fail("\xef\xbc\x91", PARSE_SYNTAX); /* FULLWIDTH DIGIT ONE */
}

static void
test_embedded_nul(void **state)
{
	uint64_t v = SENTINEL;

	(void)state;
	assert_int_equal(parse_u64("1\0"
				   "2",
				   3, &v),
			 PARSE_SYNTAX);
	assert_true(v == SENTINEL);
	assert_int_equal(parse_u64("\0", 1, &v), PARSE_SYNTAX);
	assert_true(v == SENTINEL);
}

static void
test_max(void **state)
{
	(void)state;
	expect_ok("18446744073709551615", UINT64_MAX);
	expect_ok("18446744073709551614", UINT64_MAX - 1);
	expect_ok("9999999999999999999", UINT64_C(9999999999999999999));
}

static void
test_overflow(void **state)
{
	(void)state;
	expect_fail("18446744073709551616", PARSE_OVERFLOW);
	expect_fail("18446744073709551620", PARSE_OVERFLOW);
	expect_fail("18446744073709551625", PARSE_OVERFLOW);
	expect_fail("19000000000000000000", PARSE_OVERFLOW);
	expect_fail("99999999999999999999", PARSE_OVERFLOW);
	expect_fail("184467440737095516150", PARSE_OVERFLOW);
	expect_fail("36893488147419103232", PARSE_OVERFLOW); /* 2^65 */
	expect_fail("99999999999999999999999999999999999999999999999999",
		    PARSE_OVERFLOW);
}

static void
test_overflow_then_garbage(void **state)
{
	uint64_t v = SENTINEL;
	enum parse_result r;

	(void)state;
	/* Garbage anywhere makes it a syntax error, whatever the value. */
	r = parse_u64_str("99999999999999999999x", &v);
	assert_true(r == PARSE_SYNTAX || r == PARSE_OVERFLOW);
	assert_int_not_equal(r, PARSE_OK);
	assert_true(v == SENTINEL);
	expect_fail("x99999999999999999999", PARSE_SYNTAX);
}

static void
test_len_bounded(void **state)
{
	/* Not NUL-terminated: the bytes after len must not be read. */
	char buf[8] = {'1', '2', '3', '4', 'x', 'y', 'z', '9'};
	uint64_t v = SENTINEL;

	(void)state;
	assert_int_equal(parse_u64(buf, 4, &v), PARSE_OK);
	assert_true(v == 1234);
	v = SENTINEL;
	assert_int_equal(parse_u64(buf, 1, &v), PARSE_OK);
	assert_true(v == 1);
	v = SENTINEL;
	assert_int_equal(parse_u64(buf, 5, &v), PARSE_SYNTAX);
	assert_true(v == SENTINEL);
	v = SENTINEL;
	assert_int_equal(parse_u64("12345", 3, &v), PARSE_OK);
	assert_true(v == 123);
	v = SENTINEL;
	assert_int_equal(parse_u64("/stream/17?x", 0, &v), PARSE_SYNTAX);
	assert_int_equal(parse_u64("/stream/17?x" + 8, 2, &v), PARSE_OK);
	assert_true(v == 17);
}

static void
test_len_bounded_heap_exact(void **state)
{
	/* A buffer exactly len bytes long: ASan catches a read past it. */
	static const char digits[] = "18446744073709551615";
	size_t n = sizeof(digits) - 1;
	char *p = malloc(n);
	uint64_t v = SENTINEL;

	(void)state;
	assert_non_null(p);
	memcpy(p, digits, n);
	assert_int_equal(parse_u64(p, n, &v), PARSE_OK);
	assert_true(v == UINT64_MAX);
	p[n - 1] = '6';
	v = SENTINEL;
	assert_int_equal(parse_u64(p, n, &v), PARSE_OVERFLOW);
	assert_true(v == SENTINEL);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digits),
		cmocka_unit_test(test_leading_zeros),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_signs),
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_max),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_overflow_then_garbage),
		cmocka_unit_test(test_len_bounded),
		cmocka_unit_test(test_len_bounded_heap_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
