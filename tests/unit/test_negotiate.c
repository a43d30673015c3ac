/*
 * test_negotiate: which listing a caller gets from ?format= or Accept.
 * curl's any-type Accept gets text, a browser gets HTML, JSON gets JSON,
 * audio/x-mpegurl gets m3u; q-values are honoured and q=0 excludes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "negotiate.h"

#define FIREFOX                                                               \
	"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"   \
	"image/webp,*/*;q=0.8"
#define CHROME                                                                \
	"text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"   \
	"image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;"   \
	"q=0.7"
#define SAFARI                                                                \
	"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

static const char *const names[] = {"text", "json", "html", "m3u"};

static void
expect(const char *accept, enum list_format want)
{
	enum list_format got = negotiate_accept(accept);

	if (got != want)
		fail_msg("Accept \"%s\": got %s, want %s",
			 accept ? accept : "(null)",
			 (unsigned)got < LIST_FORMAT_COUNT ? names[got] : "?",
			 names[want]);
}

static void
test_format_names(void **state)
{
	enum list_format f = LIST_FORMAT_COUNT;

	(void)state;
	assert_int_equal(negotiate_format_name("text", &f), 0);
	assert_int_equal(f, LIST_FORMAT_TEXT);
	assert_int_equal(negotiate_format_name("json", &f), 0);
	assert_int_equal(f, LIST_FORMAT_JSON);
	assert_int_equal(negotiate_format_name("html", &f), 0);
	assert_int_equal(f, LIST_FORMAT_HTML);
	assert_int_equal(negotiate_format_name("m3u", &f), 0);
	assert_int_equal(f, LIST_FORMAT_M3U);
}

static void
test_format_names_unknown(void **state)
{
	static const char *const bad[] = {"",	   "xml",    "jsonx", "htm",
					  "text ", " text",  "m3u8",  "m3",
					  "t",	   "json\n", "html;"};
	size_t i;
	enum list_format f;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = LIST_FORMAT_COUNT;
		if (negotiate_format_name(bad[i], &f) != -1)
			fail_msg("format \"%s\" accepted", bad[i]);
	}
}

static void
test_default_text(void **state)
{
	(void)state;
	expect(NULL, LIST_FORMAT_TEXT);
	expect("", LIST_FORMAT_TEXT);
	expect("*/*", LIST_FORMAT_TEXT); /* curl */
	expect("text/plain", LIST_FORMAT_TEXT);
	expect("text/plain; charset=utf-8", LIST_FORMAT_TEXT);
}

static void
test_browsers(void **state)
{
	(void)state;
	expect(FIREFOX, LIST_FORMAT_HTML);
	expect(CHROME, LIST_FORMAT_HTML);
	expect(SAFARI, LIST_FORMAT_HTML);
	expect("text/html", LIST_FORMAT_HTML);
	expect("text/html, */*", LIST_FORMAT_HTML);
}

static void
test_json(void **state)
{
	(void)state;
	expect("application/json", LIST_FORMAT_JSON);
	expect("application/json, */*;q=0.1", LIST_FORMAT_JSON);
	expect("application/json;q=0.9, text/plain;q=0.5", LIST_FORMAT_JSON);
	expect("application/*", LIST_FORMAT_JSON);
	expect("Application/JSON", LIST_FORMAT_JSON);
}

static void
test_m3u(void **state)
{
	(void)state;
	expect("audio/x-mpegurl", LIST_FORMAT_M3U);
	expect("audio/x-mpegurl, */*;q=0.5", LIST_FORMAT_M3U);
	expect("audio/*", LIST_FORMAT_M3U);
	expect("AUDIO/X-MPEGURL", LIST_FORMAT_M3U);
}

static void
test_qvalues(void **state)
{
	(void)state;
	expect("application/json;q=0.5, text/html", LIST_FORMAT_HTML);
	expect("text/html;q=0.1, application/json;q=0.9", LIST_FORMAT_JSON);
	expect("text/html;q=0.5, audio/x-mpegurl;q=0.6", LIST_FORMAT_M3U);
	expect("text/plain;q=0.2, text/html;q=0.3", LIST_FORMAT_HTML);
	expect("text/html;q=0.3, text/plain;q=0.31", LIST_FORMAT_TEXT);
	expect("application/json;q=1.0, text/html;q=0.999", LIST_FORMAT_JSON);
	expect("text/html;q=0.001, */*;q=0.002", LIST_FORMAT_TEXT);
	expect("text/html ; q=0.5 , application/json", LIST_FORMAT_JSON);
	expect("text/html;Q=0.5, application/json", LIST_FORMAT_JSON);
	expect("text/html;level=1;q=0.4, application/json;q=0.5",
	       LIST_FORMAT_JSON);
}

static void
test_q_zero_excludes(void **state)
{
	(void)state;
	expect("text/plain;q=0, */*", LIST_FORMAT_JSON);
	expect("text/plain;q=0, application/json;q=0, */*", LIST_FORMAT_HTML);
	expect("*/*;q=0.5, text/plain;q=0", LIST_FORMAT_JSON);
	expect("application/json;q=0, */*", LIST_FORMAT_TEXT);
	expect("text/html;q=0, text/*", LIST_FORMAT_TEXT);
	expect("text/html;q=0.0, application/json;q=0.000, */*",
	       LIST_FORMAT_TEXT);
	/* Nothing acceptable: text all the same. */
	expect("text/html;q=0", LIST_FORMAT_TEXT);
	expect("*/*;q=0", LIST_FORMAT_TEXT);
	expect("image/png", LIST_FORMAT_TEXT);
}

static void
test_wildcards_and_specificity(void **state)
{
	(void)state;
	/* text/plain and text/html tie on the text range: text first. */
	expect("text/*", LIST_FORMAT_TEXT);
	/* Same q, but text/html is the more specific match. */
	expect("text/*, text/html", LIST_FORMAT_HTML);
	expect("*/*, application/json", LIST_FORMAT_JSON);
	expect("*/*, audio/x-mpegurl", LIST_FORMAT_M3U);
	/* A specific q overrides the range's q for that type. */
	expect("text/*;q=0.9, text/plain;q=0.1", LIST_FORMAT_HTML);
}

static void
test_garbage(void **state)
{
	static const char *const junk[] = {
		"garbage",
		";;;",
		",,,",
		"/",
		"text/",
		"/html",
		"*/",
		"*",
		"text/html;q=",
		"text/html;q=abc",
		"text/html;q=-1",
		"text/html;q=2",
		";q=1",
		"\x01\x02",
		"\xff\xfe",
		"text/html;",
		"text/html;;;q=0.5",
		",,text/html,,",
	};
	size_t i;
	enum list_format f;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		f = negotiate_accept(junk[i]);
		assert_true((unsigned)f < LIST_FORMAT_COUNT);
	}
	expect("garbage", LIST_FORMAT_TEXT);
	expect(",,,", LIST_FORMAT_TEXT);
	expect(",,text/html,,", LIST_FORMAT_HTML);
}

static void
test_long_header(void **state)
{
	static char buf[64 * 1024];
	static const char item[] = "image/x-nothing;q=0.5, ";
	size_t i, n = 0;
	enum list_format f;

	(void)state;
	/* A few dozen ranges are read to the end. */
	for (i = 0; i < 40; i++) {
		memcpy(buf + n, item, sizeof(item) - 1);
		n += sizeof(item) - 1;
	}
	memcpy(buf + n, "application/json;q=0.6", 23);
	expect(buf, LIST_FORMAT_JSON);
	/* 64 KiB of them: any bounded answer, no crash. */
	n = 0;
	while (n + sizeof(item) + 32 < sizeof(buf)) {
		memcpy(buf + n, item, sizeof(item) - 1);
		n += sizeof(item) - 1;
	}
	memcpy(buf + n, "application/json;q=0.6", 23);
	f = negotiate_accept(buf);
	assert_true((unsigned)f < LIST_FORMAT_COUNT);
}

static void
test_wants_json(void **state)
{
	(void)state;
	assert_true(negotiate_wants_json("application/json"));
	assert_true(negotiate_wants_json("application/json, */*;q=0.1"));
	assert_false(negotiate_wants_json(NULL));
	assert_false(negotiate_wants_json(""));
	assert_false(negotiate_wants_json("*/*"));
	assert_false(negotiate_wants_json("text/plain"));
	assert_false(negotiate_wants_json(FIREFOX));
	assert_false(negotiate_wants_json(CHROME));
	assert_false(negotiate_wants_json("application/json;q=0"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_names),
		cmocka_unit_test(test_format_names_unknown),
		cmocka_unit_test(test_default_text),
		cmocka_unit_test(test_browsers),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_m3u),
		cmocka_unit_test(test_qvalues),
		cmocka_unit_test(test_q_zero_excludes),
		cmocka_unit_test(test_wildcards_and_specificity),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_long_header),
		cmocka_unit_test(test_wants_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
