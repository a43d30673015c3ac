/*
 * test_header: Content-Range values, and the validators (ETag,
 * Last-Modified) kept from an answer's header lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "header.h"

static enum header_range
cr(const char *v, uint64_t *f, uint64_t *l, uint64_t *t)
{
	return header_content_range(v, strlen(v), f, l, t);
}

static void
test_content_range(void **state)
{
	uint64_t f = 7, l = 7, t = 7;

	(void)state;
	assert_int_equal(cr("bytes 0-9/10", &f, &l, &t), HEADER_RANGE_BYTES);
	assert_true(f == 0 && l == 9 && t == 10);
	assert_int_equal(cr("BYTES 5-5/6", &f, &l, &t), HEADER_RANGE_BYTES);
	assert_true(f == 5 && l == 5 && t == 6);
	assert_int_equal(cr("bytes 18446744073709551613-18446744073709551614/"
			    "18446744073709551615",
			    &f, &l, &t),
			 HEADER_RANGE_BYTES);
	assert_true(l == UINT64_MAX - 1 && t == UINT64_MAX);
	f = l = t = 7;
	assert_int_equal(cr("bytes */0", &f, &l, &t),
			 HEADER_RANGE_UNSATISFIED);
	assert_true(t == 0 && f == 7 && l == 7);
	assert_int_equal(cr("bytes */123", &f, &l, &t),
			 HEADER_RANGE_UNSATISFIED);
	assert_true(t == 123);
}

static void
test_content_range_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"bytes",
		"bytes ",
		"bytes 0-9",
		"bytes 0-9/",
		"bytes 0-9/*", /* an unknown length cannot be resumed */
		"bytes 9-0/10",
		"bytes 0-10/10",
		"bytes -1-9/10",
		"bytes 0--9/10",
		"bytes +0-9/10",
		"bytes 0 -9/10",
		"bytes 0-9 /10",
		"bytes 0-9/10 ",
		"bytes 0-9/1x",
		"bytes  0-9/10",
		"bits 0-9/10",
		"bytes=0-9/10",
		"bytes 0-9/18446744073709551616",
		"bytes **/10",
		"bytes */",
		"bytes */-1",
		"bytes 0-9,20-29/100",
	};
	uint64_t f = 7, l = 7, t = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (cr(bad[i], &f, &l, &t) != HEADER_RANGE_INVALID)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(f == 7 && l == 7 && t == 7);
	}
}

static void
feed(struct header_answer *a, const char *line)
{
	header_line(a, line, strlen(line));
}

static void
test_lines(void **state)
{
	struct header_answer a;

	(void)state;
	header_reset(&a);
	assert_int_equal(a.range, HEADER_RANGE_INVALID);
	assert_null(header_validator(&a));
	feed(&a, "HTTP/1.1 206 Partial Content\r\n");
	feed(&a, "content-range:   bytes 10-19/20 \r\n");
	feed(&a, "Last-Modified: Wed, 25 Nov 2026 12:00:00 GMT\r\n");
	assert_int_equal(a.range, HEADER_RANGE_BYTES);
	assert_true(a.first == 10 && a.last == 19 && a.total == 20);
	assert_string_equal(header_validator(&a),
			    "Wed, 25 Nov 2026 12:00:00 GMT");
	feed(&a, "ETag: \"a5-1c8\"\r\n");
	assert_string_equal(header_validator(&a), "\"a5-1c8\"");
	feed(&a, "X-Other: bytes 0-0/1\r\n");
	assert_int_equal(a.range, HEADER_RANGE_BYTES);
	assert_true(a.first == 10);
	/* A new answer (after a 100 Continue, say) starts from nothing. */
	feed(&a, "HTTP/1.1 200 OK\r\n");
	assert_int_equal(a.range, HEADER_RANGE_INVALID);
	assert_null(header_validator(&a));
	feed(&a, "\r\n");
	feed(&a, ": no name\r\n");
	feed(&a, "no colon\r\n");
	assert_null(header_validator(&a));
}

static void
test_validators(void **state)
{
	static const char *const etags_bad[] = {
		"ETag: W/\"weak\"",    "ETag: \"open",
		"ETag: bare",	       "ETag: \"in\"side\"",
		"ETag: \"tab\there\"", "ETag: \"\x7f\"",
		"ETag: \"\xc3\xa9\"",  "ETag:",
	};
	struct header_answer a;
	char longtag[HEADER_VALIDATOR_MAX + 16];

	(void)state;
	for (size_t i = 0; i < sizeof(etags_bad) / sizeof(etags_bad[0]); i++) {
		header_reset(&a);
		feed(&a, etags_bad[i]);
		if (header_validator(&a) != NULL)
			fail_msg("kept '%s'", etags_bad[i]);
	}
	header_reset(&a);
	feed(&a, "ETag: \"\"");
	assert_string_equal(header_validator(&a), "\"\"");
	/* The longest tag kept ("ETag: " is 6 bytes), then one too many. */
	memset(longtag, 'x', sizeof(longtag));
	memcpy(longtag, "ETag: \"", 7);
	longtag[6 + HEADER_VALIDATOR_MAX - 1] = '"';
	header_reset(&a);
	header_line(&a, longtag, 6 + HEADER_VALIDATOR_MAX);
	assert_int_equal(strlen(a.etag), HEADER_VALIDATOR_MAX);
	longtag[6 + HEADER_VALIDATOR_MAX - 1] = 'x';
	longtag[6 + HEADER_VALIDATOR_MAX] = '"';
	header_reset(&a);
	header_line(&a, longtag, 6 + HEADER_VALIDATOR_MAX + 1);
	assert_null(header_validator(&a));
	/* A later bad ETag drops the good one: the last word counts. */
	header_reset(&a);
	feed(&a, "ETag: \"good\"");
	feed(&a, "ETag: W/\"weak\"");
	assert_null(header_validator(&a));
	assert_true(header_validator_ok("\"x\"", 3));
	assert_true(header_validator_ok("Wed, 25 Nov 2026 12:00:00 GMT", 29));
	assert_false(header_validator_ok("", 0));
	assert_false(header_validator_ok(" x", 2));
	assert_false(header_validator_ok("W/\"x\"", 5));
	assert_false(header_validator_ok("a\nb", 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_content_range),
		cmocka_unit_test(test_content_range_bad),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_validators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
