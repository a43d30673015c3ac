/*
 * test_xml: xml_escape's promises: the five markup characters, tab,
 * newline and carriage return as references, other controls as U+FFFD,
 * valid UTF-8 kept, and every byte past ASCII of invalid UTF-8 as U+FFFD.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "xml.h"

/* xml_escape of s[0..n), compared with want. */
static void
check(const char *s, size_t n, const char *want)
{
	struct strbuf b = STRBUF_INIT(SIZE_MAX);
	size_t len;
	char *got;

	xml_escape(&b, s, n);
	got = strbuf_take(&b, &len);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_markup(void **state)
{
	(void)state;
	check("a&b<c>d\"e'f", 11, "a&amp;b&lt;c&gt;d&quot;e&apos;f");
	check("t\tn\nr\r", 6, "t&#9;n&#10;r&#13;");
	check("x\x01y\x7fz", 5, "x\xef\xbf\xbdy\xef\xbf\xbdz");
	check("", 0, "");
}

static void
test_utf8(void **state)
{
	(void)state;
	check("\xc3\xa9t\xc3\xa9", 5, "\xc3\xa9t\xc3\xa9");
	check("a\xe9z", 3, "a\xef\xbf\xbdz");
	check("\xc3\xa9\xff", 3, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup),
		cmocka_unit_test(test_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
