/*
 * test_range: range_parse against every Range form of API.md's stream
 * table: one range is a 206, a range that starts at or past the end (or
 * bytes=-0, or anything on an empty file) is a 416, and everything else
 * (several ranges, bytes=5-1, overflow, garbage) is ignored: a 200.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "range.h"

#define U64(x) UINT64_C(x)

/* hdr on a file of size bytes must give exactly [first, last]. */
static void
expect_range(const char *hdr, uint64_t size, uint64_t first, uint64_t last)
{
	uint64_t f = U64(7777), l = U64(7777);

	if (range_parse(hdr, size, &f, &l) != RANGE_OK)
		fail_msg("\"%s\" on %llu bytes: not RANGE_OK", hdr,
			 (unsigned long long)size);
	if (f != first || l != last)
		fail_msg("\"%s\" on %llu bytes: got %llu-%llu, want %llu-%llu",
			 hdr, (unsigned long long)size, (unsigned long long)f,
			 (unsigned long long)l, (unsigned long long)first,
			 (unsigned long long)last);
	assert_true(l < size);
}

static void
expect_result(const char *hdr, uint64_t size, enum range_result want)
{
	uint64_t f = 0, l = 0;
	enum range_result got = range_parse(hdr, size, &f, &l);

	if (got != want)
		fail_msg("\"%s\" on %llu bytes: got %d, want %d",
			 hdr ? hdr : "(null)", (unsigned long long)size,
			 (int)got, (int)want);
}

static void
expect_ignore(const char *hdr, uint64_t size)
{
	expect_result(hdr, size, RANGE_IGNORE);
}

static void
expect_416(const char *hdr, uint64_t size)
{
	expect_result(hdr, size, RANGE_UNSATISFIABLE);
}

/* Where RFC 9110 leaves room: either ignored, or exactly this range. */
static void
expect_ignore_or_range(const char *hdr, uint64_t size, uint64_t first,
		       uint64_t last)
{
	uint64_t f = 0, l = 0;
	enum range_result got = range_parse(hdr, size, &f, &l);

	if (got == RANGE_IGNORE)
		return;
	if (got != RANGE_OK)
		fail_msg("\"%s\": got %d, want ignore or a range", hdr,
			 (int)got);
	if (f != first || l != last)
		fail_msg("\"%s\": got %llu-%llu, want %llu-%llu", hdr,
			 (unsigned long long)f, (unsigned long long)l,
			 (unsigned long long)first, (unsigned long long)last);
}

static void
test_absent(void **state)
{
	(void)state;
	expect_ignore(NULL, 1000);
	expect_ignore(NULL, 0);
}

static void
test_first_last(void **state)
{
	(void)state;
	expect_range("bytes=0-99", 1000, 0, 99);
	expect_range("bytes=0-0", 1000, 0, 0);
	expect_range("bytes=10-19", 1000, 10, 19);
	expect_range("bytes=999-999", 1000, 999, 999);
	expect_range("bytes=0-999", 1000, 0, 999);
	expect_range("bytes=5-5", 6, 5, 5);
	expect_range("bytes=0-0", 1, 0, 0);
	expect_range("bytes=0000-0009", 1000, 0, 9);
}

static void
test_open_ended(void **state)
{
	(void)state;
	expect_range("bytes=0-", 1000, 0, 999);
	expect_range("bytes=100-", 1000, 100, 999);
	expect_range("bytes=999-", 1000, 999, 999);
	expect_range("bytes=0-", 1, 0, 0);
}

static void
test_suffix(void **state)
{
	(void)state;
	expect_range("bytes=-1", 1000, 999, 999);
	expect_range("bytes=-100", 1000, 900, 999);
	expect_range("bytes=-999", 1000, 1, 999);
	expect_range("bytes=-1000", 1000, 0, 999);
	expect_range("bytes=-1", 1, 0, 0);
}

static void
test_suffix_bigger_than_file(void **state)
{
	(void)state;
	expect_range("bytes=-1001", 1000, 0, 999);
	expect_range("bytes=-5000000", 1000, 0, 999);
	expect_range("bytes=-18446744073709551615", 1000, 0, 999);
	expect_range("bytes=-2", 1, 0, 0);
}

static void
test_clamp_last(void **state)
{
	(void)state;
	expect_range("bytes=0-1000", 1000, 0, 999);
	expect_range("bytes=500-5000", 1000, 500, 999);
	expect_range("bytes=999-1000000", 1000, 999, 999);
	expect_range("bytes=0-18446744073709551615", 1000, 0, 999);
	expect_range("bytes=0-18446744073709551614", 1000, 0, 999);
}

static void
test_start_at_or_past_end(void **state)
{
	(void)state;
	expect_416("bytes=1000-", 1000);
	expect_416("bytes=1000-1000", 1000);
	expect_416("bytes=1000-2000", 1000);
	expect_416("bytes=1001-", 1000);
	expect_416("bytes=5000-6000", 1000);
	expect_416("bytes=1-", 1);
	expect_416("bytes=18446744073709551615-", 1000);
	expect_416("bytes=18446744073709551614-18446744073709551615", 1000);
}

static void
test_suffix_zero(void **state)
{
	(void)state;
	expect_416("bytes=-0", 1000);
	expect_416("bytes=-0", 1);
	expect_416("bytes=-000", 1000);
}

static void
test_empty_file(void **state)
{
	(void)state;
	expect_416("bytes=0-", 0);
	expect_416("bytes=0-0", 0);
	expect_416("bytes=0-100", 0);
	expect_416("bytes=-1", 0);
	expect_416("bytes=-100", 0);
	expect_416("bytes=-0", 0);
	expect_416("bytes=5-", 0);
	/* Not parseable: still ignored, even on an empty file. */
	expect_ignore("bytes=5-1", 0);
	expect_ignore("garbage", 0);
}

static void
test_reversed(void **state)
{
	(void)state;
	expect_ignore("bytes=5-1", 1000);
	expect_ignore("bytes=1-0", 1000);
	expect_ignore("bytes=999-998", 1000);
	/* Reversed beyond the end is still unparseable, not a 416. */
	expect_ignore("bytes=2000-1500", 1000);
}

static void
test_several_ranges(void **state)
{
	(void)state;
	expect_ignore("bytes=0-1,2-3", 1000);
	expect_ignore("bytes=0-1, 5-", 1000);
	expect_ignore("bytes=0-0,-1", 1000);
	expect_ignore("bytes=-1,-2", 1000);
	expect_ignore("bytes=0-,0-", 1000);
	expect_ignore("bytes=0-1,2000-3000", 1000);
	expect_ignore("bytes=2000-3000,4000-", 1000);
	expect_ignore("bytes=0-1,2-3,4-5,6-7,8-9,10-11", 1000);
}

static void
test_empty_elements(void **state)
{
	(void)state;
	/* A recipient skips empty list elements (RFC 9110, 5.6.1). */
	expect_range("bytes=0-1,", 1000, 0, 1);
	expect_range("bytes=,0-1", 1000, 0, 1);
	expect_range("bytes=0-1, ,", 1000, 0, 1);
	expect_range("bytes= , ,-5", 1000, 995, 999);
	expect_range("bytes=,,5-", 1000, 5, 999);
	expect_416("bytes=1000-,", 1000);
	expect_416("bytes=,-0", 1000);
	expect_ignore("bytes=,", 1000);
	expect_ignore("bytes=, ,", 1000);
	expect_ignore("bytes=0-1,,2-3", 1000);
	expect_ignore("bytes=,0-1,2-3,", 1000);
	expect_ignore("bytes=5-1,", 1000);
}

static void
test_overflow(void **state)
{
	(void)state;
	expect_ignore("bytes=18446744073709551616-", 1000);
	expect_ignore("bytes=0-18446744073709551616", 1000);
	expect_ignore("bytes=-18446744073709551616", 1000);
	expect_ignore("bytes=99999999999999999999999999999-", 1000);
	expect_ignore("bytes=0-99999999999999999999999999999", 1000);
	expect_ignore("bytes=-99999999999999999999999999999", 1000);
	expect_ignore("bytes=36893488147419103232-36893488147419103233", 1000);
}

static void
test_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"bytes",
		"bytes=",
		"bytes=-",
		"bytes=--1",
		"bytes=1--2",
		"bytes=-1-2",
		"bytes=1-2-3",
		"bytes=a-b",
		"bytes=1-b",
		"bytes=a-1",
		"bytes=1x-2",
		"bytes=1-2x",
		"bytes=0x10-",
		"bytes=+1-2",
		"bytes=1-+2",
		"bytes=-+1",
		"bytes=1.5-2",
		"bytes=1e3-",
		"bytes:0-1",
		"bytes 0-1",
		"bytes0-1",
		"byte=0-1",
		"bytesx=0-1",
		"items=0-1",
		"=0-1",
		"0-1",
		"-1",
		"bytes=,",
		"bytes==0-1",
		"bytes=0-1;",
		"bytes=\"0-1\"",
		"bytes=0-\x01",
		"bytes=\xff-",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_ignore(bad[i], 1000);
}

static void
test_inner_whitespace(void **state)
{
	(void)state;
	/* No whitespace is allowed inside a range-spec. */
	expect_ignore("bytes=0 -1", 1000);
	expect_ignore("bytes=0- 1", 1000);
	expect_ignore("bytes=0 - 1", 1000);
	expect_ignore("bytes=1 2-", 1000);
	expect_ignore("bytes=- 1", 1000);
	expect_ignore("bytes=0-1 2", 1000);
	expect_ignore("bytes=0\t-1", 1000);
	expect_ignore("bytes=0-\r\n1", 1000);
}

static void
test_outer_whitespace(void **state)
{
	(void)state;
	/*
	 * Leading or trailing whitespace of the value (usually stripped by
	 * the HTTP parser), and OWS around "=": either ignored or read
	 * right, never a wrong range.
	 */
	expect_ignore_or_range(" bytes=0-1", 1000, 0, 1);
	expect_ignore_or_range("bytes=0-1 ", 1000, 0, 1);
	expect_ignore_or_range("bytes= 0-1", 1000, 0, 1);
	expect_ignore_or_range("bytes =0-1", 1000, 0, 1);
	expect_ignore_or_range("bytes=0-1\t", 1000, 0, 1);
}

static void
test_unit_case(void **state)
{
	(void)state;
	/* Range unit names are case-insensitive (RFC 9110, 14.1). */
	expect_range("BYTES=0-1", 1000, 0, 1);
	expect_range("Bytes=2-", 1000, 2, 999);
	expect_range("bYtEs=-3", 1000, 997, 999);
	expect_416("BYTES=1000-", 1000);
	expect_ignore("BYTES=5-1", 1000);
}

static void
test_good_after_bad(void **state)
{
	uint64_t f = 42, l = 43;

	(void)state;
	assert_int_equal(range_parse("bytes=garbage", 1000, &f, &l),
			 RANGE_IGNORE);
	assert_int_equal(range_parse("bytes=0-1,2-3", 1000, &f, &l),
			 RANGE_IGNORE);
	/* A later good call still works after bad ones. */
	expect_range("bytes=1-2", 1000, 1, 2);
}

static void
test_large_file(void **state)
{
	uint64_t big = U64(10000000000); /* 10 GB: past 32 bits */

	(void)state;
	expect_range("bytes=4294967296-", big, U64(4294967296), big - 1);
	expect_range("bytes=-4294967296", big, big - U64(4294967296), big - 1);
	expect_range("bytes=9999999999-", big, big - 1, big - 1);
	expect_416("bytes=10000000000-", big);
	expect_range("bytes=0-", UINT64_MAX, 0, UINT64_MAX - 1);
	expect_range("bytes=-18446744073709551615", UINT64_MAX, 0,
		     UINT64_MAX - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent),
		cmocka_unit_test(test_first_last),
		cmocka_unit_test(test_open_ended),
		cmocka_unit_test(test_suffix),
		cmocka_unit_test(test_suffix_bigger_than_file),
		cmocka_unit_test(test_clamp_last),
		cmocka_unit_test(test_start_at_or_past_end),
		cmocka_unit_test(test_suffix_zero),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_reversed),
		cmocka_unit_test(test_several_ranges),
		cmocka_unit_test(test_empty_elements),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_inner_whitespace),
		cmocka_unit_test(test_outer_whitespace),
		cmocka_unit_test(test_unit_case),
		cmocka_unit_test(test_good_after_bad),
		cmocka_unit_test(test_large_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
