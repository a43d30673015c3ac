/*
 * artcache: scaled pictures kept in memory, least recently used out first,
 * bounded in bytes, so that a page of hundreds of albums does not rescale
 * every picture on every visit. Thread-safe.
 *
 * A key names the picture's source (the track's path), the source file's
 * size and mtime, and the scaled size, so a changed file never gets an old
 * picture: its key changes, and the old entry ages out.
 */
#ifndef AS_ARTCACHE_H
#define AS_ARTCACHE_H

#include <stddef.h>
#include <stdint.h>

#define ARTCACHE_BYTES_DEFAULT (32u * 1024 * 1024)
#define ARTCACHE_KEY_MAX 4096 /* bytes of a path in a key */

struct artcache_key {
	const char *path;
	uint64_t size;
	int64_t mtime_ns;
	unsigned px;
};

struct artcache;

/* A cache holding at most max_bytes (values, keys and bookkeeping). NULL
 * when out of memory. */
struct artcache *artcache_new(size_t max_bytes);

void artcache_free(struct artcache *c);

/*
 * Look k up. On a hit, *data is a malloc'd copy (the caller frees it) of
 * *len bytes and the entry becomes the most recently used: 1. A miss (or
 * out of memory): 0.
 */
int artcache_get(struct artcache *c, const struct artcache_key *k,
		 unsigned char **data, size_t *len);

/*
 * Keep a copy of (data, len) under k, replacing any entry of that key and
 * pushing out the least recently used ones until it fits. A value larger
 * than the whole cache, or a path longer than ARTCACHE_KEY_MAX, is not
 * kept. 0 when kept, -1 otherwise.
 */
int artcache_put(struct artcache *c, const struct artcache_key *k,
		 const unsigned char *data, size_t len);

/* What the cache holds now: entries and bytes (for tests and logs). */
void artcache_stats(struct artcache *c, size_t *entries, size_t *bytes);

#endif
