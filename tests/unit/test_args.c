/*
 * test_args: option parsing, --buffer-max sizes, ports, indexes and the
 * shell's word splitting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "args.h"

/* Words for getopt, which wants mutable strings; free with freev. */
static char **
dupv(const char *const *v, int n)
{
	char **d = calloc((size_t)n + 1, sizeof(*d));

	assert_non_null(d);
	for (int i = 0; i < n; i++) {
		d[i] = strdup(v[i]);
		assert_non_null(d[i]);
	}
	return d;
}

static void
freev(char **d)
{
	for (int i = 0; d[i] != NULL; i++)
		free(d[i]);
	free(d);
}

static int
parse(int argc, char **argv, struct args_options *o)
{
	char *cause = NULL;
	int rc = args_parse_options(argc, argv, o, &cause);

	if (rc < 0)
		assert_non_null(cause);
	else
		assert_null(cause);
	free(cause);
	return rc;
}

/* Parse a copy of v and return the status; the copy is freed. */
static int
parse_const(const char *const *v, int n)
{
	struct args_options o;
	char **d = dupv(v, n);
	int rc = parse(n, d, &o);

	freev(d);
	return rc;
}

static void
test_options_defaults(void **state)
{
	const char *v[] = {"as_client"};
	char **argv = dupv(v, 1);
	struct args_options o;

	(void)state;
	assert_int_equal(parse(1, argv, &o), 0);
	assert_string_equal(o.address, "localhost");
	assert_int_equal(o.port, 3456);
	assert_null(o.url);
	assert_string_equal(o.library, "as-library");
	assert_null(o.player);
	assert_int_equal(o.buffer_max, 16 * 1024 * 1024);
	assert_int_equal(o.command, 1);
	assert_false(o.help);
	freev(argv);
}

static void
test_options_all(void **state)
{
	const char *v[] = {
		"as_client", "-a",  "10.0.0.1",	  "-p",	 "80",
		"-l",	     "lib", "--player",	  "cat", "--buffer-max",
		"2M",	     "-u",  "http://x:1", "get", "-1"};
	char **argv = dupv(v, 15);
	struct args_options o;

	(void)state;
	assert_int_equal(parse(15, argv, &o), 0);
	assert_string_equal(o.address, "10.0.0.1");
	assert_int_equal(o.port, 80);
	assert_string_equal(o.library, "lib");
	assert_string_equal(o.player, "cat");
	assert_string_equal(o.url, "http://x:1");
	assert_int_equal(o.buffer_max, 2 * 1024 * 1024);
	assert_int_equal(o.command, 13);
	assert_string_equal(argv[o.command + 1], "-1");
	freev(argv);
}

static void
test_options_bad(void **state)
{
	const char *a1[] = {"as_client", "-x"};
	const char *a2[] = {"as_client", "-p"};
	const char *a3[] = {"as_client", "-p", "0"};
	const char *a4[] = {"as_client", "--buffer-max", "10"};
	const char *a5[] = {"as_client", "--nope"};
	const char *a6[] = {"as_client", "-p", "65536"};
	const char *a7[] = {"as_client", "-a", ""};

	(void)state;
	assert_int_equal(parse_const(a1, 2), -1);
	assert_int_equal(parse_const(a2, 2), -1);
	assert_int_equal(parse_const(a3, 3), -1);
	assert_int_equal(parse_const(a4, 3), -1);
	assert_int_equal(parse_const(a5, 2), -1);
	assert_int_equal(parse_const(a6, 3), -1);
	assert_int_equal(parse_const(a7, 3), -1);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* "as_client OPT VALUE" parses for every good value, fails for every bad. */
static void
expect_values(const char *opt, const char *const *good, size_t ngood,
	      const char *const *bad, size_t nbad)
{
	const char *v[] = {"as_client", opt, NULL};
	size_t i;

	for (i = 0; i < ngood; i++) {
		v[2] = good[i];
		if (parse_const(v, 3) != 0)
			fail_msg("%s %s refused", opt, good[i]);
	}
	for (i = 0; i < nbad; i++) {
		v[2] = bad[i];
		if (parse_const(v, 3) != -1)
			fail_msg("%s '%s' accepted", opt, bad[i]);
	}
}

static void
test_options_address(void **state)
{
	static const char *const good[] = {
		"localhost",	"10.0.0.1",	 "::1",		 "[::1]",
		"fe80::1%eth0", "[2001:db8::7]", "my-box.local", "host_1",
	};
	static const char *const bad[] = {
		"",	    "[]",	 "[::1",	"::1]",
		"[host]",   "a b",	 "host/x",	"user@host",
		"host?x=1", "host#frag", "http://host", "[::1]:80x",
		"host\tx",
	};

	(void)state;
	expect_values("-a", good, COUNT(good), bad, COUNT(bad));
}

static void
test_options_url(void **state)
{
	static const char *const good[] = {
		"http://x:1",
		"https://music.example",
		"HTTP://[::1]:3456/",
		"http://h/base",
	};
	static const char *const bad[] = {
		"",
		"ftp://x",
		"http://",
		"https:///list",
		"music.example",
		"http:/x",
		"file:///etc/passwd",
	};

	(void)state;
	expect_values("-u", good, COUNT(good), bad, COUNT(bad));
}

static void
test_options_help_version(void **state)
{
	const char *v[] = {"as_client", "-h", "--version"};
	char **argv = dupv(v, 3);
	struct args_options o;

	(void)state;
	assert_int_equal(parse(3, argv, &o), 0);
	assert_true(o.help);
	assert_true(o.version);
	freev(argv);
}

static void
test_size(void **state)
{
	struct {
		const char *s;
		int rc;
		uint64_t v;
	} cases[] = {
		{"65536", 0, 65536},
		{"64K", 0, 65536},
		{"64k", 0, 65536},
		{"1M", 0, 1048576},
		{"16m", 0, 16777216},
		{"1G", 0, 1073741824},
		{"2G", -1, 0},
		{"63K", -1, 0},
		{"", -1, 0},
		{"K", -1, 0},
		{"1MB", -1, 0},
		{"-1M", -1, 0},
		{" 1M", -1, 0},
		{"1.5M", -1, 0},
		{"18446744073709551616", -1, 0},
		{"18014398509481984K", -1, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		char *cause = NULL;

		assert_int_equal(args_parse_size(cases[i].s, &v, &cause),
				 cases[i].rc);
		if (cases[i].rc == 0)
			assert_int_equal(v, cases[i].v);
		else
			assert_non_null(cause);
		free(cause);
	}
}

static void
test_index(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(args_parse_index("0", &v), ARGS_INDEX_OK);
	assert_int_equal(v, 0);
	assert_int_equal(args_parse_index("007", &v), ARGS_INDEX_OK);
	assert_int_equal(v, 7);
	assert_int_equal(args_parse_index("18446744073709551615", &v),
			 ARGS_INDEX_OK);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(args_parse_index("18446744073709551616", &v),
			 ARGS_INDEX_OVERFLOW);
	assert_int_equal(args_parse_index("1x", &v), ARGS_INDEX_SYNTAX);
	assert_int_equal(args_parse_index("-1", &v), ARGS_INDEX_SYNTAX);
	assert_int_equal(args_parse_index("+1", &v), ARGS_INDEX_SYNTAX);
	assert_int_equal(args_parse_index("", &v), ARGS_INDEX_SYNTAX);
	assert_int_equal(args_parse_index(" 1", &v), ARGS_INDEX_SYNTAX);
	assert_int_equal(args_parse_index("0x1", &v), ARGS_INDEX_SYNTAX);
}

static void
test_split(void **state)
{
	char line[] = "  get\t 12  \n";
	char empty[] = " \t\n";
	char many[] = "a b c d";
	char *w[3];

	(void)state;
	assert_int_equal(args_split(line, w, 3), 2);
	assert_string_equal(w[0], "get");
	assert_string_equal(w[1], "12");
	assert_int_equal(args_split(empty, w, 3), 0);
	assert_int_equal(args_split(many, w, 3), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_defaults),
		cmocka_unit_test(test_options_all),
		cmocka_unit_test(test_options_bad),
		cmocka_unit_test(test_options_address),
		cmocka_unit_test(test_options_url),
		cmocka_unit_test(test_options_help_version),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
