/*
 * test_scan: the scan rules of API.md over a real folder tree made under
 * mkdtemp: nested folders, extensions in any case, hidden entries, links
 * in and out (the "library-outside" prefix trap), dangling links, loops,
 * FIFOs and sockets, a folder named like a track, a zero-byte track,
 * unlistable names, and the bytewise order. Also the track_* rules.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "scan.h"

/* What the scan must list, in any order here (sorted in the test). */
static const char *const want_paths[] = {
	"A.FLAC",
	"B.mp3",
	"Z.mp3",
	"_x.mp3",
	"a/b/c/deep.mp3",
	"b.Mp3",
	"c.oGg",
	"d.wav",
	"e.oga",
	"f.opus",
	"g.m4a",
	"link_in.mp3",
	"linkdir/c/deep.mp3",
	"odd 'q\" #%?&<.mp3",
	"x.flac/inner.wav",
	"zero.wav",
	"\xc3\xa9t\xc3\xa9.mp3",
	"\xe6\x97\xa5\xe6\x9c\xac/\xe6\xad\x8c.flac",
};
#define NWANT (sizeof(want_paths) / sizeof(want_paths[0]))

/* Entries that must be skipped and reported through the skip hook. */
static const char *const want_skipped[] = {
	"link_out.mp3", "link_prefix.mp3", "link_prefix_dir", "dangling.mp3",
	"loop1.mp3",	"fifo.mp3",	   "sock.mp3",	      "new\nline.mp3",
	"bad\xff.mp3",	"bad\xfe",
};
#define NSKIPPED (sizeof(want_skipped) / sizeof(want_skipped[0]))

static char top[PATH_MAX];  /* the mkdtemp folder */
static char root[PATH_MAX]; /* top/library */

struct seen {
	char *skipped[256];
	size_t nskipped;
	size_t ndirs;
};

static void
on_skip(void *arg, const char *path, const char *why)
{
	struct seen *s = arg;

	assert_non_null(why);
	if (s->nskipped < 256)
		s->skipped[s->nskipped++] = strdup(path);
}

static void
on_dir(void *arg, const char *abspath)
{
	struct seen *s = arg;

	assert_true(abspath[0] == '/');
	s->ndirs++;
}

static void
seen_free(struct seen *s)
{
	size_t i;

	for (i = 0; i < s->nskipped; i++)
		free(s->skipped[i]);
	s->nskipped = 0;
}

/* top/rel, or root/rel when in_root. */
static void
at(char *buf, size_t len, int in_root, const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", in_root ? root : top, rel);

	assert_true(n > 0 && (size_t)n < len);
}

static void
mk_dir(int in_root, const char *rel)
{
	char p[PATH_MAX];

	at(p, sizeof p, in_root, rel);
	if (mkdir(p, 0755) != 0)
		fail_msg("mkdir %s: %s", p, strerror(errno));
}

static void
mk_file(int in_root, const char *rel, size_t size)
{
	char p[PATH_MAX];
	FILE *f;
	size_t i;

	at(p, sizeof p, in_root, rel);
	f = fopen(p, "wb");
	if (f == NULL)
		fail_msg("create %s: %s", p, strerror(errno));
	for (i = 0; i < size; i++)
		fputc('a' + (int)(i % 26), f);
	assert_int_equal(fclose(f), 0);
}

static void
mk_link(const char *target, const char *rel)
{
	char p[PATH_MAX];

	at(p, sizeof p, 1, rel);
	if (symlink(target, p) != 0)
		fail_msg("symlink %s: %s", p, strerror(errno));
}

static void
mk_socket(const char *rel)
{
	struct sockaddr_un sa;
	char p[PATH_MAX];
	int fd;

	at(p, sizeof p, 1, rel);
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	if (strlen(p) >= sizeof sa.sun_path)
		return; /* too long a temp path for a socket: not tested */
	memcpy(sa.sun_path, p, strlen(p) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	close(fd);
}

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	char p[PATH_MAX];
	size_t i;

	(void)state;
	snprintf(top, sizeof top, "%s/as-scan.XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(top) == NULL)
		return -1;
	at(root, sizeof root, 0, "library");
	mk_dir(0, "library");
	mk_dir(0, "library-outside");
	mk_file(0, "library-outside/out.flac", 10);
	mk_dir(0, "outside");
	mk_file(0, "outside/o.mp3", 10);

	/* Tracks, nested and flat, every extension in odd cases. */
	mk_dir(1, "a");
	mk_dir(1, "a/b");
	mk_dir(1, "a/b/c");
	mk_file(1, "a/b/c/deep.mp3", 123);
	for (i = 0; i < NWANT; i++) {
		if (strchr(want_paths[i], '/') == NULL &&
		    strncmp(want_paths[i], "link", 4) != 0 &&
		    strcmp(want_paths[i], "zero.wav") != 0)
			mk_file(1, want_paths[i], 10 + i);
	}
	mk_file(1, "zero.wav", 0);
	mk_dir(1, "x.flac");
	mk_file(1, "x.flac/inner.wav", 7);
	mk_dir(1, "\xe6\x97\xa5\xe6\x9c\xac");
	mk_file(1, "\xe6\x97\xa5\xe6\x9c\xac/\xe6\xad\x8c.flac", 3);

	/* Hidden entries and non-audio files. */
	mk_file(1, ".hidden.mp3", 5);
	mk_file(1, ".mp3", 5);
	mk_dir(1, ".hiddendir");
	mk_file(1, ".hiddendir/x.mp3", 5);
	mk_file(1, "a/.h.wav", 5);
	mk_file(1, "notes.txt", 5);
	mk_file(1, "cover.jpg", 5);
	mk_file(1, "mp3", 5);
	mk_file(1, "x.mp3.txt", 5);
	mk_file(1, "x.mp", 5);
	mk_file(1, "x.flacc", 5);
	mk_file(1, "x.mp3 ", 5);

	/* Links: inside (followed), outside, the prefix trap, loops. */
	mk_link("a/b/c/deep.mp3", "link_in.mp3");
	mk_link("a/b", "linkdir");
	at(p, sizeof p, 0, "outside/o.mp3");
	mk_link(p, "link_out.mp3");
	mk_link("../library-outside/out.flac", "link_prefix.mp3");
	mk_link("../library-outside", "link_prefix_dir");
	mk_link("nowhere.mp3", "dangling.mp3");
	mk_link("loop2.mp3", "loop1.mp3");
	mk_link("loop1.mp3", "loop2.mp3");
	mk_link(".", "loopdir");
	mk_link("../..", "a/b/up");
	mk_link(".hidden.mp3", "a/b/../../.hlink.mp3");

	/* Not regular files. */
	at(p, sizeof p, 1, "fifo.mp3");
	assert_int_equal(mkfifo(p, 0644), 0);
	mk_socket("sock.mp3");

	/* Names no listing can carry. */
	mk_file(1, "new\nline.mp3", 5);
	mk_file(1, "bad\xff.mp3", 5);
	mk_dir(1, "bad\xfe");
	mk_file(1, "bad\xfe/in.mp3", 5);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[PATH_MAX + 32];

	(void)state;
	if (top[0] == '\0')
		return 0;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
	return system(cmd) == 0 ? 0 : -1;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const struct track *
find(const struct track *t, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].path, path) == 0)
			return &t[i];
	fail_msg("track \"%s\" not listed", path);
	return NULL;
}

static void
scan_ok(const char *dir, struct seen *seen, struct track **t, size_t *n)
{
	struct scan_hooks hooks = {on_skip, on_dir, seen};
	char *cause = NULL;

	*t = NULL;
	*n = 0;
	if (scan_library(dir, &hooks, t, n, &cause) != 0)
		fail_msg("scan %s: %s", dir, cause ? cause : "?");
	assert_null(cause);
}

/* A TAP comment line with bytes outside printable ASCII as \xNN. */
static void
print_escaped(const char *what, const char *s)
{
	char buf[1024];
	size_t n = 0;

	for (; *s != '\0' && n + 5 < sizeof buf; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f) {
			buf[n++] = (char)c;
		} else {
			snprintf(buf + n, sizeof buf - n, "\\x%02x", c);
			n += 4;
		}
	}
	buf[n] = '\0';
	print_message("# %s: %s\n", what, buf);
}

static void
test_listed_in_order(void **state)
{
	const char *sorted[NWANT];
	struct seen seen = {0};
	struct track *t;
	size_t n, i;

	(void)state;
	memcpy(sorted, want_paths, sizeof sorted);
	qsort(sorted, NWANT, sizeof sorted[0], by_str);
	scan_ok(root, &seen, &t, &n);
	for (i = 0; i < n; i++)
		print_escaped("listed", t[i].path);
	assert_int_equal(n, NWANT);
	for (i = 0; i < n; i++)
		assert_string_equal(t[i].path, sorted[i]);
	for (i = 1; i < n; i++)
		assert_true(strcmp(t[i - 1].path, t[i].path) < 0);
	assert_true(seen.ndirs >= 5);
	scan_free(t, n);
	seen_free(&seen);
}

static void
test_types(void **state)
{
	struct seen seen = {0};
	struct track *t;
	size_t n;

	(void)state;
	scan_ok(root, &seen, &t, &n);
	assert_string_equal(find(t, n, "A.FLAC")->type, "audio/flac");
	assert_string_equal(find(t, n, "b.Mp3")->type, "audio/mpeg");
	assert_string_equal(find(t, n, "c.oGg")->type, "audio/ogg");
	assert_string_equal(find(t, n, "d.wav")->type, "audio/wav");
	assert_string_equal(find(t, n, "e.oga")->type, "audio/ogg");
	assert_string_equal(find(t, n, "f.opus")->type, "audio/opus");
	assert_string_equal(find(t, n, "g.m4a")->type, "audio/mp4");
	assert_string_equal(find(t, n, "x.flac/inner.wav")->type, "audio/wav");
	scan_free(t, n);
	seen_free(&seen);
}

static void
test_link_listed_under_its_path(void **state)
{
	struct seen seen = {0};
	const struct track *deep, *link, *viadir;
	struct track *t;
	struct stat st;
	char p[PATH_MAX];
	size_t n;

	(void)state;
	scan_ok(root, &seen, &t, &n);
	at(p, sizeof p, 1, "a/b/c/deep.mp3");
	assert_int_equal(stat(p, &st), 0);
	deep = find(t, n, "a/b/c/deep.mp3");
	link = find(t, n, "link_in.mp3");
	viadir = find(t, n, "linkdir/c/deep.mp3");
	assert_true(deep->size == 123);
	assert_true(link->size == 123 && viadir->size == 123);
	assert_true(link->ino == st.st_ino && link->dev == st.st_dev);
	assert_true(viadir->ino == st.st_ino);
	assert_true(link->mtime_ns == deep->mtime_ns);
	assert_true(link->mtime_ns == (int64_t)st.st_mtim.tv_sec * 1000000000 +
					      st.st_mtim.tv_nsec);
	assert_string_equal(link->type, "audio/mpeg");
	scan_free(t, n);
	seen_free(&seen);
}

static void
test_zero_byte_track(void **state)
{
	struct seen seen = {0};
	struct track *t;
	size_t n;

	(void)state;
	scan_ok(root, &seen, &t, &n);
	assert_true(find(t, n, "zero.wav")->size == 0);
	scan_free(t, n);
	seen_free(&seen);
}

static void
test_tags_unknown(void **state)
{
	struct seen seen = {0};
	struct track *t;
	size_t n, i;

	(void)state;
	scan_ok(root, &seen, &t, &n);
	for (i = 0; i < n; i++) {
		/* The scan leaves tags for later: unknown, not made up. */
		assert_true(t[i].duration < 0 || t[i].duration > 0);
		assert_true(t[i].path[0] != '/');
		assert_null(strstr(t[i].path, "//"));
		assert_true(t[i].path[0] != '.');
	}
	scan_free(t, n);
	seen_free(&seen);
}

static bool
was_skipped(const struct seen *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->nskipped; i++)
		if (strcmp(s->skipped[i], path) == 0)
			return true;
	return false;
}

static void
test_skips_reported(void **state)
{
	struct seen seen = {0};
	struct track *t;
	size_t n, i;

	(void)state;
	scan_ok(root, &seen, &t, &n);
	for (i = 0; i < seen.nskipped; i++)
		print_escaped("skipped", seen.skipped[i]);
	for (i = 0; i < NSKIPPED; i++) {
		if (strcmp(want_skipped[i], "sock.mp3") == 0 &&
		    strlen(root) > 90)
			continue;
		if (!was_skipped(&seen, want_skipped[i]))
			fail_msg("\"%s\" not reported as skipped",
				 want_skipped[i]);
	}
	/* Logged once each, not once per attempt. */
	for (i = 0; i < seen.nskipped; i++) {
		size_t j;

		for (j = i + 1; j < seen.nskipped; j++)
			assert_string_not_equal(seen.skipped[i],
						seen.skipped[j]);
	}
	scan_free(t, n);
	seen_free(&seen);
}

static void
test_root_through_link(void **state)
{
	struct seen seen = {0};
	struct track *t;
	char p[PATH_MAX];
	size_t n;

	(void)state;
	/* A root named through a link: links inside still count as in. */
	at(p, sizeof p, 0, "liblink");
	if (symlink("library", p) != 0 && errno != EEXIST)
		fail_msg("symlink: %s", strerror(errno));
	scan_ok(p, &seen, &t, &n);
	assert_int_equal(n, NWANT);
	find(t, n, "link_in.mp3");
	find(t, n, "linkdir/c/deep.mp3");
	scan_free(t, n);
	seen_free(&seen);
	/* And a trailing slash changes nothing. */
	at(p, sizeof p, 0, "library/");
	scan_ok(p, &seen, &t, &n);
	assert_int_equal(n, NWANT);
	scan_free(t, n);
	seen_free(&seen);
}

static void
test_no_hooks(void **state)
{
	struct track *t = NULL;
	char *cause = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(scan_library(root, NULL, &t, &n, &cause), 0);
	assert_int_equal(n, NWANT);
	scan_free(t, n);
}

static void
test_empty_library(void **state)
{
	struct track *t = NULL;
	char p[PATH_MAX];
	char *cause = NULL;
	size_t n = 99;

	(void)state;
	at(p, sizeof p, 0, "empty");
	mkdir(p, 0755);
	assert_int_equal(scan_library(p, NULL, &t, &n, &cause), 0);
	assert_int_equal(n, 0);
	scan_free(t, n);
}

static void
test_missing_root(void **state)
{
	struct track *t = NULL;
	char p[PATH_MAX];
	char *cause = NULL;
	size_t n = 0;

	(void)state;
	at(p, sizeof p, 0, "no-such-folder");
	assert_int_equal(scan_library(p, NULL, &t, &n, &cause), -1);
	assert_non_null(cause);
	assert_true(strlen(cause) > 0);
	free(cause);
	cause = NULL;
	/* A file is not a library either. */
	at(p, sizeof p, 0, "outside/o.mp3");
	assert_int_equal(scan_library(p, NULL, &t, &n, &cause), -1);
	assert_non_null(cause);
	free(cause);
}

static void
test_track_rules(void **state)
{
	(void)state;
	assert_string_equal(track_type_for_name("x.WAV"), "audio/wav");
	assert_string_equal(track_type_for_name("x.Opus"), "audio/opus");
	assert_string_equal(track_type_for_name("a.b.M4A"), "audio/mp4");
	assert_null(track_type_for_name("x.mp4"));
	assert_null(track_type_for_name("x.aac"));
	assert_null(track_type_for_name("wav"));
	assert_null(track_type_for_name(""));
	assert_null(track_type_for_name("x.wav.bak"));
	assert_true(track_is_hidden(".x.mp3"));
	assert_true(track_is_hidden("."));
	assert_true(track_is_hidden(".."));
	assert_false(track_is_hidden("x.mp3"));
	assert_false(track_is_hidden("x/.y"));
}

static bool
listable(const char *s)
{
	return track_path_listable(s, strlen(s));
}

static void
test_track_path_listable(void **state)
{
	(void)state;
	assert_true(listable("a/b.mp3"));
	assert_true(listable("\xc3\xa9t\xc3\xa9.mp3"));
	assert_true(listable("\xe6\x97\xa5.mp3"));
	assert_true(listable("\xf0\x9f\x8e\xb5.mp3")); /* U+1F3B5 */
	assert_true(listable("\xf4\x8f\xbf\xbf"));     /* U+10FFFF */
	assert_false(listable("a\nb.mp3"));
	assert_false(listable("\xff.mp3"));
	assert_false(listable("\xc0\xaf.mp3"));		/* overlong '/' */
	assert_false(listable("\xe0\x80\xaf.mp3"));	/* overlong */
	assert_false(listable("\xed\xa0\x80.mp3"));	/* surrogate */
	assert_false(listable("\xf4\x90\x80\x80.mp3")); /* > U+10FFFF */
	assert_false(listable("\xe6\x97"));		/* truncated */
	assert_false(listable("\x80.mp3"));		/* lone cont. */
	/* len bounds the check. */
	assert_true(track_path_listable("ok\xff", 2));
	assert_false(track_path_listable("a\nb", 3));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listed_in_order),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_link_listed_under_its_path),
		cmocka_unit_test(test_zero_byte_track),
		cmocka_unit_test(test_tags_unknown),
		cmocka_unit_test(test_skips_reported),
		cmocka_unit_test(test_root_through_link),
		cmocka_unit_test(test_no_hooks),
		cmocka_unit_test(test_empty_library),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_track_rules),
		cmocka_unit_test(test_track_path_listable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
