/*
 * test_watch: inotify events become the relative paths that changed.
 * Runs against a real temporary folder; events are polled with a deadline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch.h"

struct fixture {
	char root[PATH_MAX];
	struct watch *w;
};

static void
path_of(const struct fixture *f, const char *rel, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", f->root, rel);

	assert_true(n > 0 && (size_t)n < len);
}

static void
touch(const struct fixture *f, const char *rel)
{
	char p[PATH_MAX];
	int fd;

	path_of(f, rel, p, sizeof p);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
}

static void
make_dir(const struct fixture *f, const char *rel)
{
	char p[PATH_MAX];

	path_of(f, rel, p, sizeof p);
	assert_int_equal(mkdir(p, 0755), 0);
}

static void
add(struct fixture *f, const char *rel)
{
	char p[PATH_MAX];

	if (rel[0] == '\0')
		snprintf(p, sizeof p, "%s", f->root);
	else
		path_of(f, rel, p, sizeof p);
	assert_int_equal(watch_add(f->w, p, rel), 0);
}

/* Wait (at most 5 s) for events, then read them all. */
static void
settle(struct fixture *f)
{
	struct pollfd pfd = {watch_fd(f->w), POLLIN, 0};

	assert_int_equal(poll(&pfd, 1, 5000), 1);
	while (poll(&pfd, 1, 50) == 1)
		assert_true(watch_read(f->w));
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *tmp = getenv("TMPDIR");

	assert_non_null(f);
	snprintf(f->root, sizeof f->root, "%s/as-watch.XXXXXX",
		 tmp != NULL ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->root));
	f->w = watch_new();
	assert_non_null(f->w);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[PATH_MAX + 16];

	watch_free(f->w);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->root);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
take(struct fixture *f, bool *full, char ***paths, size_t *n)
{
	watch_take(f->w, full, paths, n);
}

/* After settle: no full rescan asked for, and want the one changed path. */
static void
expect_only(struct fixture *f, const char *want)
{
	char **paths;
	size_t n;
	bool full;

	take(f, &full, &paths, &n);
	assert_false(full);
	assert_int_equal(n, 1);
	assert_string_equal(paths[0], want);
	watch_paths_free(paths, n);
}

static void
test_file_in_subfolder(void **state)
{
	struct fixture *f = *state;

	make_dir(f, "a");
	add(f, "");
	add(f, "a");
	touch(f, "a/song.flac");
	settle(f);
	expect_only(f, "a/song.flac");
}

static void
test_new_folder_covers_its_files(void **state)
{
	struct fixture *f = *state;

	add(f, "");
	make_dir(f, "b");
	add(f, "b"); /* as the library's scan of "b" would */
	touch(f, "b/x.mp3");
	settle(f);
	expect_only(f, "b"); /* "b/x.mp3" is below "b" */
}

static void
test_hidden_ignored(void **state)
{
	struct fixture *f = *state;

	add(f, "");
	touch(f, ".hidden.mp3");
	touch(f, "seen.mp3");
	settle(f);
	expect_only(f, "seen.mp3");
}

/* A file opened read-write and closed unchanged (TagLib reading its tags)
 * is no change; a write to one is. */
static void
test_read_write_open_is_no_change(void **state)
{
	struct fixture *f = *state;
	char p[PATH_MAX];
	int fd;

	touch(f, "read.mp3");
	touch(f, "written.mp3");
	add(f, "");
	path_of(f, "read.mp3", p, sizeof p);
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	close(fd);
	path_of(f, "written.mp3", p, sizeof p);
	fd = open(p, O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	settle(f);
	expect_only(f, "written.mp3");
}

static void
test_folder_under_two_paths_asks_for_all(void **state)
{
	struct fixture *f = *state;
	char **paths;
	size_t n;
	bool full;
	char target[PATH_MAX], link[PATH_MAX];

	make_dir(f, "real");
	path_of(f, "real", target, sizeof target);
	path_of(f, "link", link, sizeof link);
	assert_int_equal(symlink(target, link), 0);
	add(f, "real");
	add(f, "link"); /* same folder, another path: same descriptor */
	touch(f, "real/t.ogg");
	settle(f);
	take(f, &full, &paths, &n);
	assert_true(full);
	assert_int_equal(n, 0);
}

static void
test_take_resets(void **state)
{
	struct fixture *f = *state;
	char **paths;
	size_t n;
	bool full;

	add(f, "");
	touch(f, "one.wav");
	settle(f);
	take(f, &full, &paths, &n);
	watch_paths_free(paths, n);
	take(f, &full, &paths, &n);
	assert_false(full);
	assert_int_equal(n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_in_subfolder, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_new_folder_covers_its_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hidden_ignored, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_read_write_open_is_no_change, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_folder_under_two_paths_asks_for_all, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_take_resets, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
