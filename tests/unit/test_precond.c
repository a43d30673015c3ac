/*
 * test_precond: ETags, If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since, If-Range, and the three HTTP-date forms they rest on
 * (httpdate).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "httpdate.h"
#include "precond.h"

/* Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example. */
#define T0 ((time_t)784111777)
#define IMF "Sun, 06 Nov 1994 08:49:37 GMT"
#define RFC850 "Sunday, 06-Nov-94 08:49:37 GMT"
#define ASCTIME "Sun Nov  6 08:49:37 1994"
#define IMF_OLDER "Sun, 06 Nov 1994 08:49:36 GMT"
#define IMF_NEWER "Sun, 06 Nov 1994 08:49:38 GMT"

#define ETAG_A "\"abc123\""
#define ETAG_OTHER "\"zzz999\""

static void
test_etag_strong(void **state)
{
	char e[PRECOND_ETAG_LEN];
	size_t n;

	(void)state;
	memset(e, 'x', sizeof(e));
	precond_etag(e, sizeof(e), 5678, INT64_C(1700000000123456789));
	n = strnlen(e, sizeof(e));
	assert_true(n < sizeof(e));
	assert_true(n >= 3);
	assert_int_equal(e[0], '"');
	assert_int_equal(e[n - 1], '"');
	assert_ptr_equal(strchr(e + 1, '"'), e + n - 1);
	assert_int_not_equal(e[0], 'W');
}

static void
test_etag_stable_and_distinct(void **state)
{
	char a[PRECOND_ETAG_LEN], b[PRECOND_ETAG_LEN];
	const int64_t ns = INT64_C(1700000000123456789);

	(void)state;
	precond_etag(a, sizeof(a), 2, ns);
	precond_etag(b, sizeof(b), 2, ns);
	assert_string_equal(a, b);
	/* the same on every machine: nothing but size and mtime */
	assert_string_equal(a, "\"2-17979cfe3d85cd15\"");
	precond_etag(b, sizeof(b), 3, ns);
	assert_string_not_equal(a, b);
	precond_etag(b, sizeof(b), 2, ns + 1); /* nanoseconds count */
	assert_string_not_equal(a, b);
	precond_etag(b, sizeof(b), UINT64_MAX, INT64_MAX);
	assert_true(strnlen(b, sizeof(b)) < sizeof(b));
	precond_etag(b, sizeof(b), 0, INT64_MIN);
	assert_true(strnlen(b, sizeof(b)) < sizeof(b));
}

static void
test_httpdate_format(void **state)
{
	char buf[HTTPDATE_LEN];

	(void)state;
	assert_int_equal(httpdate_format(T0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, IMF);
	assert_int_equal(httpdate_format(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
	assert_int_equal(httpdate_format((time_t)1795608000, buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "Wed, 25 Nov 2026 12:00:00 GMT");
	assert_int_equal(httpdate_format(T0, buf, 10), -1);
}

static void
test_httpdate_parse_forms(void **state)
{
	time_t t;

	(void)state;
	t = 0;
	assert_int_equal(httpdate_parse(IMF, &t), 0);
	assert_true(t == T0);
	t = 0;
	assert_int_equal(httpdate_parse(RFC850, &t), 0);
	assert_true(t == T0);
	t = 0;
	assert_int_equal(httpdate_parse(ASCTIME, &t), 0);
	assert_true(t == T0);
	t = 0;
	assert_int_equal(httpdate_parse("Wed, 25 Nov 2026 12:00:00 GMT", &t),
			 0);
	assert_true(t == (time_t)1795608000);
	t = 0;
	assert_int_equal(httpdate_parse("Thu Jan 29 00:00:00 2026", &t), 0);
	assert_true(t == (time_t)1769644800);
}

static void
test_httpdate_parse_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"yesterday",
		"Sun, 06 Nov 1994",
		"Sun, 06 Nov 1994 08:49:37",
		"Sun, 06 Foo 1994 08:49:37 GMT",
		"Sun, 32 Nov 1994 08:49:37 GMT",
		"Sun, 06 Nov 1994 25:49:37 GMT",
		"Sun, 06 Nov 1994 08:61:37 GMT",
		"Sun, 06 Nov 1994 08:49:37 GMTx",
		"Sun, 06 Nov 1994 08:49:37 PST",
		"1994-11-06T08:49:37Z",
		"784111777",
		"Sun, 06 Nov 99999999999999999999 08:49:37 GMT",
	};
	size_t i;
	time_t t;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 0;
		if (httpdate_parse(bad[i], &t) != -1)
			fail_msg("date \"%s\" accepted", bad[i]);
	}
}

static void
test_inm_single(void **state)
{
	(void)state;
	assert_true(precond_not_modified(ETAG_A, NULL, ETAG_A, T0));
	assert_false(precond_not_modified(ETAG_OTHER, NULL, ETAG_A, T0));
	assert_false(precond_not_modified("\"abc12\"", NULL, ETAG_A, T0));
	assert_false(precond_not_modified("abc123", NULL, ETAG_A, T0));
}

static void
test_inm_list(void **state)
{
	(void)state;
	assert_true(precond_not_modified("\"x\", " ETAG_A, NULL, ETAG_A, T0));
	assert_true(precond_not_modified(ETAG_A ", \"x\"", NULL, ETAG_A, T0));
	assert_true(precond_not_modified("\"x\"," ETAG_A ",\"y\"", NULL,
					 ETAG_A, T0));
	assert_true(
		precond_not_modified("\"x\" ,  " ETAG_A, NULL, ETAG_A, T0));
	assert_false(
		precond_not_modified("\"x\", \"y\", \"z\"", NULL, ETAG_A, T0));
	/* A tag may hold a comma: the list is split on tags, not commas. */
	assert_false(precond_not_modified("\"abc,123\"", NULL, ETAG_A, T0));
}

static void
test_inm_star(void **state)
{
	(void)state;
	assert_true(precond_not_modified("*", NULL, ETAG_A, T0));
	assert_true(precond_not_modified("*", IMF_OLDER, ETAG_A, T0));
}

static void
test_inm_weak_matches(void **state)
{
	(void)state;
	/* If-None-Match compares weakly. */
	assert_true(precond_not_modified("W/" ETAG_A, NULL, ETAG_A, T0));
	assert_true(
		precond_not_modified("\"x\", W/" ETAG_A, NULL, ETAG_A, T0));
	assert_false(precond_not_modified("W/" ETAG_OTHER, NULL, ETAG_A, T0));
}

static void
test_inm_wins_over_ims(void **state)
{
	(void)state;
	/* Present but not matching: If-Modified-Since is ignored. */
	assert_false(precond_not_modified(ETAG_OTHER, IMF, ETAG_A, T0));
	assert_false(precond_not_modified(ETAG_OTHER, IMF_NEWER, ETAG_A, T0));
	assert_true(precond_not_modified(ETAG_A, IMF_OLDER, ETAG_A, T0));
}

static void
test_ims(void **state)
{
	(void)state;
	assert_true(precond_not_modified(NULL, IMF, ETAG_A, T0));
	assert_true(precond_not_modified(NULL, RFC850, ETAG_A, T0));
	assert_true(precond_not_modified(NULL, ASCTIME, ETAG_A, T0));
	assert_true(precond_not_modified(NULL, IMF_NEWER, ETAG_A, T0));
	assert_true(precond_not_modified(NULL, "Fri, 01 Jan 2100 00:00:00 GMT",
					 ETAG_A, T0));
	assert_false(precond_not_modified(NULL, IMF_OLDER, ETAG_A, T0));
	assert_false(precond_not_modified(
		NULL, "Thu, 01 Jan 1970 00:00:00 GMT", ETAG_A, T0));
	assert_false(precond_not_modified(NULL,
					  "Saturday, 05-Nov-94 "
					  "08:49:37 GMT",
					  ETAG_A, T0));
	assert_false(precond_not_modified(NULL, "Sat Nov  5 08:49:37 1994",
					  ETAG_A, T0));
}

static void
test_ims_garbage(void **state)
{
	(void)state;
	assert_false(precond_not_modified(NULL, "garbage", ETAG_A, T0));
	assert_false(precond_not_modified(NULL, "", ETAG_A, T0));
	assert_false(precond_not_modified(NULL, NULL, ETAG_A, T0));
}

static void
test_im(void **state)
{
	(void)state;
	/* If-Match compares strongly; the request fails when none match. */
	assert_false(precond_failed(NULL, NULL, ETAG_A, T0));
	assert_false(precond_failed(ETAG_A, NULL, ETAG_A, T0));
	assert_false(precond_failed("*", NULL, ETAG_A, T0));
	assert_false(precond_failed("\"x\", " ETAG_A, NULL, ETAG_A, T0));
	assert_true(precond_failed(ETAG_OTHER, NULL, ETAG_A, T0));
	assert_true(precond_failed("\"x\", \"y\"", NULL, ETAG_A, T0));
	assert_true(precond_failed("W/" ETAG_A, NULL, ETAG_A, T0));
	assert_false(
		precond_failed("W/" ETAG_A ", " ETAG_A, NULL, ETAG_A, T0));
	assert_true(precond_failed("abc123", NULL, ETAG_A, T0));
	assert_true(precond_failed("", NULL, ETAG_A, T0));
}

static void
test_im_wins_over_ius(void **state)
{
	(void)state;
	/* Present: If-Unmodified-Since is ignored, whichever way it goes. */
	assert_false(precond_failed(ETAG_A, IMF_OLDER, ETAG_A, T0));
	assert_true(precond_failed(ETAG_OTHER, IMF_NEWER, ETAG_A, T0));
}

static void
test_ius(void **state)
{
	(void)state;
	assert_false(precond_failed(NULL, IMF, ETAG_A, T0));
	assert_false(precond_failed(NULL, RFC850, ETAG_A, T0));
	assert_false(precond_failed(NULL, IMF_NEWER, ETAG_A, T0));
	assert_true(precond_failed(NULL, IMF_OLDER, ETAG_A, T0));
	assert_true(
		precond_failed(NULL, "Sat Nov  5 08:49:37 1994", ETAG_A, T0));
	/* A date that does not parse is ignored. */
	assert_false(precond_failed(NULL, "garbage", ETAG_A, T0));
	assert_false(precond_failed(NULL, "", ETAG_A, T0));
}

static void
test_if_range(void **state)
{
	(void)state;
	assert_true(precond_if_range(NULL, ETAG_A, T0));
	assert_true(precond_if_range(ETAG_A, ETAG_A, T0));
	assert_false(precond_if_range(ETAG_OTHER, ETAG_A, T0));
	assert_false(precond_if_range("\"abc12\"", ETAG_A, T0));
	assert_false(precond_if_range("garbage", ETAG_A, T0));
	assert_false(precond_if_range("", ETAG_A, T0));
}

static void
test_if_range_weak_never(void **state)
{
	(void)state;
	assert_false(precond_if_range("W/" ETAG_A, ETAG_A, T0));
	assert_false(precond_if_range("W/\"x\"", ETAG_A, T0));
}

static void
test_if_range_dates(void **state)
{
	(void)state;
	assert_true(precond_if_range(IMF, ETAG_A, T0));
	assert_true(precond_if_range(RFC850, ETAG_A, T0));
	assert_true(precond_if_range(ASCTIME, ETAG_A, T0));
	assert_false(precond_if_range(IMF_OLDER, ETAG_A, T0));
	assert_false(precond_if_range(IMF_NEWER, ETAG_A, T0));
	assert_false(
		precond_if_range("Sun, 06 Nov 1994 08:49:37 GMX", ETAG_A, T0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_etag_strong),
		cmocka_unit_test(test_etag_stable_and_distinct),
		cmocka_unit_test(test_httpdate_format),
		cmocka_unit_test(test_httpdate_parse_forms),
		cmocka_unit_test(test_httpdate_parse_garbage),
		cmocka_unit_test(test_inm_single),
		cmocka_unit_test(test_inm_list),
		cmocka_unit_test(test_inm_star),
		cmocka_unit_test(test_inm_weak_matches),
		cmocka_unit_test(test_inm_wins_over_ims),
		cmocka_unit_test(test_ims),
		cmocka_unit_test(test_ims_garbage),
		cmocka_unit_test(test_im),
		cmocka_unit_test(test_im_wins_over_ius),
		cmocka_unit_test(test_ius),
		cmocka_unit_test(test_if_range),
		cmocka_unit_test(test_if_range_weak_never),
		cmocka_unit_test(test_if_range_dates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
