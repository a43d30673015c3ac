/*
 * test_plthook: a library's calls of an imported function go to the
 * replacement and back; the caller's own calls never do; a library not
 * loaded, a function it does not import, or one it has not called yet
 * (lazy binding), is refused. The library is libjansson, whose json_string
 * calls strlen through its PLT.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "plthook.h"

static size_t (*real_strlen)(const char *);
static unsigned calls;

static size_t
counting_strlen(const char *s)
{
	calls++;
	return real_strlen(s);
}

/* json_string("abc") as a string of length 3, and free it. */
static void
make_string(void)
{
	json_t *j = json_string("abc");

	assert_non_null(j);
	assert_int_equal(json_string_length(j), 3);
	json_decref(j);
}

static void
test_replace_and_restore(void **state)
{
	plthook_fn old = NULL, mine = NULL;
	volatile const char *word = "four";

	(void)state;
	make_string(); /* binds jansson's strlen slot, if lazily bound */
	assert_int_equal(plthook_replace("libjansson.so", "strlen",
					 (plthook_fn)counting_strlen, &old),
			 0);
	assert_non_null(old);
	real_strlen = (size_t(*)(const char *))old;
	calls = 0;
	make_string();
	assert_true(calls > 0);
	/* this file's own calls are not jansson's */
	calls = 0;
	assert_int_equal(strlen((const char *)word), 4);
	assert_int_equal(calls, 0);
	/* back: jansson reaches strlen again, and we got ours back */
	assert_int_equal(
		plthook_replace("libjansson.so", "strlen", old, &mine), 0);
	assert_ptr_equal((void *)(uintptr_t)mine,
			 (void *)(uintptr_t)counting_strlen);
	make_string();
	assert_int_equal(calls, 0);
}

static void
test_refused(void **state)
{
	plthook_fn old = NULL;

	(void)state;
	calls = 0;
	assert_int_equal(plthook_replace("libnot-loaded-here.so", "strlen",
					 (plthook_fn)counting_strlen, &old),
			 -1);
	assert_int_equal(plthook_replace("libjansson.so", "no_such_function",
					 (plthook_fn)counting_strlen, &old),
			 -1);
	/* nothing here has made jansson parse a number: strtod unbound */
	if (getenv("LD_BIND_NOW") == NULL)
		assert_int_equal(plthook_replace("libjansson.so", "strtod",
						 (plthook_fn)counting_strlen,
						 &old),
				 -1);
	assert_null(old);
	make_string();
	assert_int_equal(calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace_and_restore),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
