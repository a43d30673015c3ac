/*
 * test_rest: the Subsonic request parameters (form decoding, repeats,
 * caps, numbers) and the answer writer (XML attributes escaped, repeated
 * elements, text elements, typed JSON, JSONP callbacks).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rest_doc.h"
#include "rest_query.h"

static void
test_form(void **state)
{
	struct rest_params p = {0};
	const char *ids[4];
	const char body[] = "u=al%69ce&p=a+b%26c&songId=1&songId=2&flag&=x&&";

	(void)state;
	assert_int_equal(rest_params_parse(&p, body, strlen(body)), 0);
	assert_string_equal(rest_param(&p, "u"), "alice");
	assert_string_equal(rest_param(&p, "p"), "a b&c");
	assert_string_equal(rest_param(&p, "flag"), "");
	assert_string_equal(rest_param(&p, ""), "x");
	assert_null(rest_param(&p, "s"));
	assert_int_equal(rest_param_all(&p, "songId", ids, 4), 2);
	assert_string_equal(ids[0], "1");
	assert_string_equal(ids[1], "2");
	assert_int_equal(rest_param_count(&p, "songId"), 2);
	rest_params_clear(&p);
}

static void
test_form_bad(void **state)
{
	struct rest_params p = {0};

	(void)state;
	assert_int_equal(rest_params_add(&p, "keep", "1"), 0);
	assert_int_equal(rest_params_parse(&p, "a=1&b=%4", 8), -1);
	assert_int_equal(rest_params_parse(&p, "a=%zz", 5), -1);
	assert_int_equal(rest_params_parse(&p, "a=%00", 5), -1);
	assert_int_equal(rest_params_parse(&p, "a=1\0b", 5), -1);
	assert_int_equal(p.n, 1); /* nothing half-added */
	rest_params_clear(&p);
}

static void
test_numbers(void **state)
{
	struct rest_params p = {0};
	long v = 7;
	bool b = false;
	const char *q = "size=20&neg=-3&big=99999999999999999999&x=1x&t=true"
			"&f=no";

	(void)state;
	assert_int_equal(rest_params_parse(&p, q, strlen(q)), 0);
	assert_int_equal(rest_param_int(&p, "size", 0, 500, &v), 0);
	assert_int_equal(v, 20);
	assert_int_equal(rest_param_int(&p, "neg", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	assert_int_equal(rest_param_int(&p, "size", 0, 10, &v), -1);
	assert_int_equal(rest_param_int(&p, "big", 0, 10, &v), -1);
	assert_int_equal(rest_param_int(&p, "x", 0, 10, &v), -1);
	assert_int_equal(rest_param_int(&p, "none", 0, 10, &v), 1);
	assert_int_equal(v, -3);
	assert_int_equal(rest_param_bool(&p, "t", &b), 0);
	assert_true(b);
	assert_int_equal(rest_param_bool(&p, "f", &b), -1);
	rest_params_clear(&p);
}

static char *
xml_of(const json_t *doc)
{
	size_t len;
	const char *type;
	char *s = rest_doc_write(doc, REST_XML, NULL, &len, &type), *z;

	assert_non_null(s);
	assert_string_equal(type, "text/xml; charset=utf-8");
	z = malloc(len + 1);
	memcpy(z, s, len);
	z[len] = '\0';
	free(s);
	return z;
}

static void
expect_in(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("'%s' not in '%s'", needle, hay);
}

static void
test_xml(void **state)
{
	json_t *doc = rest_doc_new();
	char *x;

	(void)state;
	json_object_set_new(doc, "genres",
			    json_pack("{s:[{s:s, s:i, s:i}, {s:s, s:i, s:i}]}",
				      "genre", "value", "Rock & <Roll>",
				      "songCount", 2, "albumCount", 1, "value",
				      "Jazz", "songCount", 1, "albumCount",
				      1));
	json_object_set_new(doc, "song",
			    json_pack("{s:s, s:b, s:s, s:n, s:f}", "id",
				      "tr-1", "isDir", 0, "title",
				      "\"Q\" 'a'\tb\x01", "album", "avg",
				      2.5));
	x = xml_of(doc);
	expect_in(x, "<subsonic-response xmlns=\"http://subsonic.org/restapi\""
		     " status=\"ok\" version=\"1.16.1\" type=\"as\"");
	expect_in(x, "openSubsonic=\"true\">");
	expect_in(x, "<genres><genre songCount=\"2\" albumCount=\"1\">"
		     "Rock &amp; &lt;Roll&gt;</genre><genre");
	expect_in(x, "<song id=\"tr-1\" isDir=\"false\" title=\"&quot;Q&quot; "
		     "&apos;a&apos;&#9;b\xef\xbf\xbd\" avg=\"2.5\"/>");
	assert_null(strstr(x, "album="));
	expect_in(x, "</subsonic-response>\n");
	free(x);
	json_decref(doc);
}

static void
test_error(void **state)
{
	json_t *doc = rest_doc_error(REST_ERR_MISSING, "need id");
	char *x = xml_of(doc);

	(void)state;
	expect_in(x, "status=\"failed\"");
	expect_in(x, "<error code=\"10\" message=\"need id\"/>");
	free(x);
	json_decref(doc);
}

static void
test_json(void **state)
{
	json_t *doc = rest_doc_new(), *back;
	size_t len;
	const char *type;
	char *s;

	(void)state;
	json_object_set_new(doc, "x", json_pack("{s:[i]}", "v", 3));
	s = rest_doc_write(doc, REST_JSON, NULL, &len, &type);
	assert_string_equal(type, "application/json; charset=utf-8");
	back = json_loadb(s, len, 0, NULL);
	assert_non_null(back);
	assert_true(json_is_true(json_object_get(
		json_object_get(back, "subsonic-response"), "openSubsonic")));
	json_decref(back);
	free(s);
	s = rest_doc_write(doc, REST_JSONP, "cb_1", &len, &type);
	assert_true(len > 5 && memcmp(s, "cb_1({", 6) == 0);
	assert_true(memcmp(s + len - 3, ");\n", 3) == 0);
	free(s);
	/* a callback that could inject script is refused: plain JSON */
	s = rest_doc_write(doc, REST_JSONP, "alert(1);x", &len, &type);
	assert_int_equal(s[0], '{');
	free(s);
	assert_false(rest_doc_callback_ok("1abc"));
	assert_true(rest_doc_callback_ok("jQuery.cb$"));
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form),
		cmocka_unit_test(test_form_bad),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_error),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
