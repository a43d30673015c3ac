/*
 * test_tracklist: the /list JSON parser against good and hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tracklist.h"

#define TRACK(i, path)                                                        \
	"{\"index\":" #i ",\"path\":" path ",\"size\":10,"                    \
	"\"type\":\"audio/wav\",\"mtime\":\"2026-11-25T12:00:00Z\","          \
	"\"duration\":null,\"title\":null,\"artist\":null,\"album\":null}"

static const char good[] =
	"{\"count\": 2, \"tracks\": ["
	"{\"index\": 0, \"path\": \"artist/album/01 song.flac\", \"size\": "
	"751022, \"type\": \"audio/flac\", \"mtime\": "
	"\"2026-11-25T12:00:00Z\", \"duration\": 60.5, \"title\": \"Song\", "
	"\"artist\": \"Artist\", \"album\": \"Album\"},"
	"{\"index\": 1, \"path\": \"tone.wav\", \"size\": 10584044, \"type\": "
	"\"audio/wav\", \"mtime\": \"2026-11-25T12:00:00Z\", \"duration\": "
	"60, \"title\": null, \"artist\": null, \"album\": null}]}";

static int
parse(const char *json, struct tracklist *l)
{
	char *cause = NULL;
	int rc = tracklist_parse(json, strlen(json), l, &cause);

	if (rc < 0) {
		assert_non_null(cause);
		assert_int_equal(l->count, 0);
		assert_null(l->tracks);
	} else {
		assert_null(cause);
	}
	free(cause);
	return rc;
}

static void
test_good(void **state)
{
	struct tracklist l;

	(void)state;
	assert_int_equal(parse(good, &l), 0);
	assert_int_equal(l.count, 2);
	assert_string_equal(l.tracks[0].path, "artist/album/01 song.flac");
	assert_int_equal(l.tracks[0].size, 751022);
	assert_true(l.tracks[0].duration == 60.5);
	assert_string_equal(l.tracks[0].title, "Song");
	assert_string_equal(l.tracks[0].artist, "Artist");
	assert_string_equal(l.tracks[0].album, "Album");
	assert_null(l.tracks[0].unsafe);
	assert_int_equal(l.tracks[1].index, 1);
	assert_true(l.tracks[1].duration == 60.0);
	assert_null(l.tracks[1].title);
	tracklist_free(&l);
	assert_int_equal(l.count, 0);
}

static void
test_empty(void **state)
{
	struct tracklist l;

	(void)state;
	assert_int_equal(parse("{\"count\":0,\"tracks\":[]}", &l), 0);
	assert_int_equal(l.count, 0);
	tracklist_free(&l);
}

static void
test_hostile_rejected(void **state)
{
	static const char *bad[] = {
		"",
		"null",
		"[]",
		"{\"count\":1}",
		"{\"tracks\":[]}",
		"{\"count\":\"1\",\"tracks\":[]}",
		"{\"count\":-1,\"tracks\":[]}",
		"{\"count\":1,\"tracks\":[]}",
		"{\"count\":0,\"tracks\":{}}",
		"{\"count\":99999999999,\"tracks\":[]}",
		"{\"count\":1e9,\"tracks\":[]}",
		"{\"count\":1,\"tracks\":[5]}",
		"{\"count\":1,\"tracks\":[" TRACK(1, "\"a.wav\"") "]}",
		"{\"count\":1,\"tracks\":[" TRACK(-1, "\"a.wav\"") "]}",
		"{\"count\":1,\"tracks\":[" TRACK(0.5, "\"a.wav\"") "]}",
		"{\"count\":1,\"tracks\":[" TRACK("0", "\"a.wav\"") "]}",
		"{\"count\":1,\"tracks\":[" TRACK(0, "7") "]}",
		"{\"count\":1,\"tracks\":[" TRACK(0, "null") "]}",
		"{\"count\":1,\"tracks\":[" TRACK(0, "\"a\\u0000b.wav\"") "]}",
		"{\"count\":1,\"tracks\":[{\"index\":0,\"path\":\"a.wav\"}]}",
		"{\"count\":1,\"tracks\":[{\"index\":0,\"path\":\"a.wav\","
		"\"size\":-5,\"type\":null,\"mtime\":null,\"duration\":null,"
		"\"title\":null,\"artist\":null,\"album\":null}]}",
		"{\"count\":1,\"tracks\":[{\"index\":0,\"path\":\"a.wav\","
		"\"size\":5,\"type\":null,\"mtime\":null,\"duration\":\"1\","
		"\"title\":null,\"artist\":null,\"album\":null}]}",
		"{\"count\":1,\"tracks\":[{\"index\":0,\"path\":\"a.wav\","
		"\"size\":5,\"type\":null,\"mtime\":null,\"duration\":-1,"
		"\"title\":null,\"artist\":null,\"album\":null}]}",
		"{\"count\":1,\"tracks\":[{\"index\":0,\"path\":\"a.wav\","
		"\"size\":5,\"type\":null,\"mtime\":null,\"duration\":1,"
		"\"title\":3,\"artist\":null,\"album\":null}]}",
		"{\"count\":1,\"tracks\":[{\"index\":0,\"path\":\"a.wav\","
		"\"size\":5,\"mtime\":null,\"duration\":1,"
		"\"title\":null,\"artist\":null,\"album\":null}]}",
		"{\"count\":1,\"count\":1,\"tracks\":[]}",
		"{\"count\":0,\"tracks\":[]} trailing",
	};
	struct tracklist l;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(bad[i], &l) == 0)
			fail_msg("accepted hostile listing %zu: %s", i,
				 bad[i]);
	}
}

/* A huge "count" with a short array is refused before any allocation. */
static void
test_huge_count(void **state)
{
	struct tracklist l;
	char json[128];
	int n;

	(void)state;
	n = snprintf(json, sizeof(json), "{\"count\":%d,\"tracks\":[]}",
		     TRACKLIST_MAX_TRACKS + 1);
	assert_true(n > 0 && (size_t)n < sizeof(json));
	assert_int_equal(parse(json, &l), -1);
}

static void
test_unsafe_paths_marked(void **state)
{
	static const char *paths[] = {
		"\"../etc/passwd\"",
		"\"/etc/passwd\"",
		"\"a/../../b.wav\"",
		"\"a//b.wav\"",
		"\"a/./b.wav\"",
		"\"..\"",
		"\"a/\"",
		"\"\"",
		"\"a\\nb.wav\"",
		"\"a\\u001bb.wav\"",
	};
	struct tracklist l;
	char json[1024];
	int n;

	(void)state;
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		n = snprintf(json, sizeof(json),
			     "{\"count\":1,\"tracks\":["
			     "{\"index\":0,\"path\":%s,\"size\":1,\"type\":"
			     "null,\"mtime\":null,\"duration\":null,\"title\":"
			     "null,\"artist\":null,\"album\":null}]}",
			     paths[i]);
		assert_true(n > 0 && (size_t)n < sizeof(json));
		assert_int_equal(parse(json, &l), 0);
		assert_int_equal(l.count, 1);
		if (l.tracks[0].unsafe == NULL)
			fail_msg("path %s not marked unsafe", paths[i]);
		tracklist_free(&l);
	}
}

static void
test_check_path(void **state)
{
	char *cause = NULL;

	(void)state;
	assert_int_equal(tracklist_check_path("a/b/c.wav", &cause), 0);
	assert_null(cause);
	assert_int_equal(tracklist_check_path("...wav", &cause), 0);
	assert_int_equal(tracklist_check_path("a..b/c..wav", &cause), 0);
	assert_int_equal(tracklist_check_path("x/..", &cause), -1);
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_hostile_rejected),
		cmocka_unit_test(test_huge_count),
		cmocka_unit_test(test_unsafe_paths_marked),
		cmocka_unit_test(test_check_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
