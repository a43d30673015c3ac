/*
 * fuzz_tags: the tag reader (TagLib through tagfile.cc, then tags.c's
 * limits) and the tag cache parser. The first byte picks what the rest
 * is: a file named by one of the seven track extensions (written to a
 * private temporary folder, as tags_read takes a path), or the lines of a
 * tag cache file. Whatever is read must keep tags.h's promises: strings
 * valid UTF-8 of at most 1 KiB, numbers in range; and a track's tags must
 * survive a round trip through the cache.
 *
 * TagLib itself is the system's, not instrumented: libFuzzer's coverage
 * guidance stops at its door, but a crash or an abort in it still shows.
 */
#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tags.h"
#include "track.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const exts[] = {"wav",  "mp3",  "ogg", "oga",
				   "opus", "flac", "m4a"};
#define NEXTS (sizeof exts / sizeof exts[0])

/* The private folder, made once per process. */
static const char *
folder(void)
{
	static char dir[PATH_MAX];
	const char *tmp = getenv("TMPDIR");

	if (dir[0] != '\0')
		return dir;
	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	if (snprintf(dir, sizeof dir, "%s/fuzz_tags.XXXXXX", tmp) >=
		    (int)sizeof dir ||
	    mkdtemp(dir) == NULL)
		abort();
	return dir;
}

static void
write_file(const char *path, const char *head, const uint8_t *data,
	   size_t size)
{
	FILE *fp = fopen(path, "we");

	if (fp == NULL)
		abort();
	if (head != NULL)
		fputs(head, fp);
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	if (fclose(fp) != 0)
		abort();
}

static void
check_str(const char *s)
{
	if (s == NULL)
		return;
	assert(*s != '\0' && strlen(s) <= 1024);
	assert(track_utf8_valid(s, strlen(s)));
}

static void
check_tags(const struct track *t)
{
	check_str(t->title);
	check_str(t->artist);
	check_str(t->album);
	check_str(t->album_artist);
	check_str(t->genre);
	assert(t->number >= 0 && t->number <= 100000);
	assert(t->disc >= 0 && t->disc <= 100000);
	assert(t->year >= 0 && t->year <= 9999);
}

static int
same_str(const char *a, const char *b)
{
	return a == NULL ? b == NULL : b != NULL && strcmp(a, b) == 0;
}

/* Save t to a cache file, load it, apply it to a copy: the same tags. */
static void
round_trip(const char *dir, const struct track *t)
{
	char cache[PATH_MAX + 16];
	struct tags_cache *c;
	struct track u;

	if (snprintf(cache, sizeof cache, "%s/cache", dir) >=
	    (int)sizeof cache)
		abort();
	if (tags_cache_save(cache, t, 1) != 0)
		abort();
	c = tags_cache_load(cache);
	assert(c != NULL);
	memset(&u, 0, sizeof u);
	u.path = t->path;
	u.size = t->size;
	u.mtime_ns = t->mtime_ns;
	u.duration = -1;
	assert(tags_cache_apply(c, &u) == 1);
	assert(same_str(u.title, t->title) && same_str(u.artist, t->artist));
	assert(same_str(u.album, t->album) && same_str(u.genre, t->genre));
	assert(same_str(u.album_artist, t->album_artist));
	assert(u.number == t->number && u.disc == t->disc);
	assert(u.year == t->year);
	u.path = NULL; /* t's */
	track_clear(&u);
	tags_cache_free(c);
}

/* The input as a cache file: whatever it holds keeps the promises. */
static void
cache_input(const char *dir, const uint8_t *data, size_t size)
{
	char cache[PATH_MAX + 16];
	struct tags_cache *c;
	struct track t;

	if (snprintf(cache, sizeof cache, "%s/cache", dir) >=
	    (int)sizeof cache)
		abort();
	write_file(cache, "as-tags 3\n", data, size);
	c = tags_cache_load(cache);
	assert(c != NULL);
	memset(&t, 0, sizeof t);
	t.path = strdup("a");
	if (t.path == NULL)
		abort();
	t.duration = -1;
	if (tags_cache_apply(c, &t) == 1)
		check_tags(&t);
	track_clear(&t);
	tags_cache_free(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = folder();
	char path[PATH_MAX + 16];
	struct track t;

	if (size < 1)
		return 0;
	if (data[0] % (NEXTS + 1) == NEXTS) {
		cache_input(dir, data + 1, size - 1);
		return 0;
	}
	if (snprintf(path, sizeof path, "%s/in.%s", dir,
		     exts[data[0] % (NEXTS + 1)]) >= (int)sizeof path)
		abort();
	write_file(path, NULL, data + 1, size - 1);
	memset(&t, 0, sizeof t);
	t.duration = -1;
	tags_read(path, &t);
	unlink(path);
	check_tags(&t);
	t.path = strdup("in");
	if (t.path == NULL)
		abort();
	t.size = size;
	round_trip(dir, &t);
	track_clear(&t);
	return 0;
}
