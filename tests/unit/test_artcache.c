/*
 * test_artcache: hits and misses by every key field, the byte bound, least
 * recently used out first, replacement, and values too large to keep.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "artcache.h"

static const unsigned char VAL[] = "picture bytes";

static struct artcache_key
key(const char *path, unsigned px)
{
	struct artcache_key k = {path, 1000, 1700000000000000000, px};

	return k;
}

static int
hit(struct artcache *c, struct artcache_key k, const char *want)
{
	unsigned char *d = NULL;
	size_t n = 0;
	int r = artcache_get(c, &k, &d, &n);

	if (r == 1 && want != NULL) {
		assert_int_equal(n, strlen(want));
		assert_memory_equal(d, want, n);
	}
	free(d);
	return r;
}

static void
test_every_key_field_counts(void **state)
{
	struct artcache *c = artcache_new(1 << 20);
	struct artcache_key k = key("a/b.mp3", 300), o;

	(void)state;
	assert_non_null(c);
	assert_int_equal(hit(c, k, NULL), 0);
	assert_int_equal(artcache_put(c, &k, VAL, sizeof VAL - 1), 0);
	assert_int_equal(hit(c, k, (const char *)VAL), 1);
	o = k;
	o.path = "a/c.mp3";
	assert_int_equal(hit(c, o, NULL), 0);
	o = k;
	o.size++;
	assert_int_equal(hit(c, o, NULL), 0);
	o = k;
	o.mtime_ns++;
	assert_int_equal(hit(c, o, NULL), 0);
	o = k;
	o.px = 301;
	assert_int_equal(hit(c, o, NULL), 0);
	artcache_free(c);
}

static void
test_replace_same_key(void **state)
{
	struct artcache *c = artcache_new(1 << 20);
	struct artcache_key k = key("x.flac", 64);
	size_t entries, bytes;

	(void)state;
	assert_int_equal(artcache_put(c, &k, (const unsigned char *)"one", 3),
			 0);
	assert_int_equal(artcache_put(c, &k, (const unsigned char *)"two!", 4),
			 0);
	assert_int_equal(hit(c, k, "two!"), 1);
	artcache_stats(c, &entries, &bytes);
	assert_int_equal(entries, 1);
	artcache_free(c);
}

/* 1 KiB values in a cache of 8 KiB: never more than 8 KiB charged, and
 * the oldest go first. */
static void
test_bounded_lru(void **state)
{
	unsigned char v[1024];
	struct artcache *c = artcache_new(8 * 1024);
	size_t entries, bytes;
	char path[32];
	struct artcache_key k;

	(void)state;
	memset(v, 'v', sizeof v);
	for (unsigned i = 0; i < 100; i++) {
		snprintf(path, sizeof path, "t%u", i);
		k = key(path, 100);
		assert_int_equal(artcache_put(c, &k, v, sizeof v), 0);
		artcache_stats(c, &entries, &bytes);
		assert_true(bytes <= 8 * 1024);
	}
	artcache_stats(c, &entries, &bytes);
	assert_true(entries >= 4 && entries <= 7);
	assert_int_equal(hit(c, key("t0", 100), NULL), 0);
	assert_int_equal(hit(c, key("t90", 100), NULL), 0);
	assert_int_equal(hit(c, key("t99", 100), NULL), 1);
	assert_int_equal(hit(c, key("t96", 100), NULL), 1);
	artcache_free(c);
}

/* A lookup makes an entry the youngest: the next one out is another. */
static void
test_get_refreshes(void **state)
{
	unsigned char v[1024];
	struct artcache *c = artcache_new(8 * 1024);
	size_t entries, bytes, full;
	char path[32];
	struct artcache_key k;

	(void)state;
	memset(v, 'v', sizeof v);
	for (full = 0;; full++) {
		snprintf(path, sizeof path, "t%zu", full);
		k = key(path, 100);
		assert_int_equal(artcache_put(c, &k, v, sizeof v), 0);
		artcache_stats(c, &entries, &bytes);
		if (entries == full) /* t0 went out */
			break;
	}
	/* now t1 is the oldest; touch it, add one: t2 goes, t1 stays */
	assert_int_equal(hit(c, key("t1", 100), NULL), 1);
	k = key("new", 100);
	assert_int_equal(artcache_put(c, &k, v, sizeof v), 0);
	assert_int_equal(hit(c, key("t1", 100), NULL), 1);
	assert_int_equal(hit(c, key("t2", 100), NULL), 0);
	artcache_free(c);
}

static void
test_too_large_not_kept(void **state)
{
	static unsigned char big[4096];
	struct artcache *c = artcache_new(4096);
	struct artcache_key k = key("big", 16);
	char *path = malloc(ARTCACHE_KEY_MAX + 2);

	(void)state;
	assert_int_equal(artcache_put(c, &k, big, sizeof big), -1);
	assert_int_equal(hit(c, k, NULL), 0);
	memset(path, 'p', ARTCACHE_KEY_MAX + 1);
	path[ARTCACHE_KEY_MAX + 1] = '\0';
	k.path = path;
	assert_int_equal(artcache_put(c, &k, VAL, 1), -1);
	free(path);
	artcache_free(c);
}

/* Many keys: the table grows and every one is still found. */
static void
test_many_keys(void **state)
{
	struct artcache *c = artcache_new(64u << 20);
	char path[32];

	(void)state;
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(path, sizeof path, "album %u/cover", i);
		struct artcache_key k = key(path, i % 7 + 16);
		assert_int_equal(artcache_put(c, &k, VAL, sizeof VAL - 1), 0);
	}
	for (unsigned i = 0; i < 5000; i++) {
		snprintf(path, sizeof path, "album %u/cover", i);
		assert_int_equal(
			hit(c, key(path, i % 7 + 16), (const char *)VAL), 1);
	}
	artcache_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_key_field_counts),
		cmocka_unit_test(test_replace_same_key),
		cmocka_unit_test(test_bounded_lru),
		cmocka_unit_test(test_get_refreshes),
		cmocka_unit_test(test_too_large_not_kept),
		cmocka_unit_test(test_many_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
