/*
 * test_users: the users file (lines, comments, every malformed line named,
 * permissions) and the three ways of authenticating: token + salt, plain
 * password, "enc:" + hex; wrong and missing credentials.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "users.h"

static struct users *
parse(const char *text, char **cause)
{
	return users_parse(text, strlen(text), cause);
}

/* Parsing text fails with a cause that contains want. */
static void
expect_refused(const char *text, const char *want)
{
	char *cause = NULL;
	struct users *u = parse(text, &cause);

	assert_null(u);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause '%s' lacks '%s'", cause, want);
	free(cause);
}

static void
test_parse_good(void **state)
{
	char *cause = NULL;
	struct users *u = parse("# accounts\n\nalice:secret\r\n"
				"  # indented comment\nbob:p:w:d\n",
				&cause);

	(void)state;
	assert_non_null(u);
	assert_null(cause);
	assert_int_equal(users_count(u), 2);
	assert_true(users_exists(u, "alice"));
	assert_true(users_exists(u, "bob"));
	assert_false(users_exists(u, "carol"));
	assert_int_equal(users_check(u, "bob", NULL, NULL, "p:w:d"),
			 USERS_AUTH_OK);
	users_free(u);
}

static void
test_parse_bad_lines(void **state)
{
	char name[80], line[300];

	(void)state;
	expect_refused("alice:x\nbob\n", "line 2: no ':'");
	expect_refused(":pw\n", "line 1: the user name is empty");
	expect_refused("alice:\n", "line 1: the password is empty");
	expect_refused("alice:x\nalice:y\n", "line 2: this user name is");
	expect_refused("al\tice:x\n", "control character");
	expect_refused("# only a comment\n", "no user");
	memset(name, 'n', 65);
	name[65] = '\0';
	snprintf(line, sizeof line, "%s:pw\n", name);
	expect_refused(line, "longer than 64");
	memset(line, 'p', 200);
	memcpy(line, "u:", 2);
	line[200] = '\0';
	expect_refused(line, "longer than 128");
}

static void
test_parse_not_terminated(void **state)
{
	char *cause = NULL;
	const char text[] = "alice:secretXXXX";
	struct users *u = users_parse(text, 12, &cause);

	(void)state;
	assert_non_null(u);
	assert_int_equal(users_check(u, "alice", NULL, NULL, "secret"),
			 USERS_AUTH_OK);
	assert_int_equal(users_check(u, "alice", NULL, NULL, "secretXXXX"),
			 USERS_AUTH_WRONG);
	users_free(u);
}

static struct users *
alice(void)
{
	char *cause = NULL;
	struct users *u = parse("alice:sesame\n", &cause);

	assert_non_null(u);
	return u;
}

/* The Subsonic documentation's own example: md5("sesamec19b2d"). */
static void
test_token(void **state)
{
	struct users *u = alice();
	const char *t = "26719a1196d2a940705a59634eb18eab";

	(void)state;
	assert_int_equal(users_check(u, "alice", t, "c19b2d", NULL),
			 USERS_AUTH_OK);
	assert_int_equal(users_check(u, "alice",
				     "26719A1196D2A940705A59634EB18EAB",
				     "c19b2d", NULL),
			 USERS_AUTH_OK);
	assert_int_equal(users_check(u, "alice", t, "c19b2e", NULL),
			 USERS_AUTH_WRONG);
	assert_int_equal(users_check(u, "alice", "26719a", "c19b2d", NULL),
			 USERS_AUTH_WRONG);
	assert_int_equal(users_check(u, "bob", t, "c19b2d", NULL),
			 USERS_AUTH_WRONG);
	users_free(u);
}

static void
test_password(void **state)
{
	struct users *u = alice();

	(void)state;
	assert_int_equal(users_check(u, "alice", NULL, NULL, "sesame"),
			 USERS_AUTH_OK);
	assert_int_equal(
		users_check(u, "alice", NULL, NULL, "enc:736573616d65"),
		USERS_AUTH_OK);
	assert_int_equal(
		users_check(u, "alice", NULL, NULL, "enc:736573616D65"),
		USERS_AUTH_OK);
	assert_int_equal(users_check(u, "alice", NULL, NULL, "sesam"),
			 USERS_AUTH_WRONG);
	assert_int_equal(users_check(u, "alice", NULL, NULL, "sesamee"),
			 USERS_AUTH_WRONG);
	assert_int_equal(users_check(u, "alice", NULL, NULL, "enc:7365"),
			 USERS_AUTH_WRONG);
	assert_int_equal(users_check(u, "alice", NULL, NULL, "enc:zz"),
			 USERS_AUTH_WRONG);
	assert_int_equal(users_check(u, "alice", NULL, NULL, "enc:736"),
			 USERS_AUTH_WRONG);
	assert_int_equal(users_check(u, "alice", NULL, NULL, ""),
			 USERS_AUTH_WRONG);
	users_free(u);
}

static void
test_missing(void **state)
{
	struct users *u = alice();

	(void)state;
	assert_int_equal(users_check(u, NULL, NULL, NULL, "sesame"),
			 USERS_AUTH_MISSING);
	assert_int_equal(users_check(u, "alice", NULL, NULL, NULL),
			 USERS_AUTH_MISSING);
	assert_int_equal(users_check(u, "alice", "abc", NULL, NULL),
			 USERS_AUTH_MISSING);
	assert_int_equal(users_check(u, "alice", NULL, "abc", NULL),
			 USERS_AUTH_MISSING);
	users_free(u);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void
test_load_permissions(void **state)
{
	char dir[] = "/tmp/test_users.XXXXXX", path[64], *cause = NULL;
	struct users *u;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/users", dir);
	write_file(path, "alice:sesame\n", 0644);
	u = users_load(path, &cause);
	assert_null(u);
	assert_non_null(strstr(cause, "group or others may read it"));
	free(cause);
	assert_int_equal(chmod(path, 0600), 0);
	u = users_load(path, &cause);
	assert_non_null(u);
	users_free(u);
	write_file(path, "alice\n", 0600);
	u = users_load(path, &cause);
	assert_null(u);
	assert_non_null(strstr(cause, "line 1"));
	free(cause);
	unlink(path);
	u = users_load(path, &cause);
	assert_null(u);
	assert_non_null(cause);
	free(cause);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad_lines),
		cmocka_unit_test(test_parse_not_terminated),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_password),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_load_permissions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
