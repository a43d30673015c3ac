/*
 * artcache: a hash table (chained, a power-of-two number of buckets that
 * doubles with the entries) threaded on a doubly linked LRU list, under
 * one mutex. Values are copied in and out, so no caller ever holds memory
 * the cache may free.
 */
#include "artcache.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define ARTCACHE_BUCKETS_MIN 64

struct entry {
	struct entry *next;	     /* in its bucket */
	struct entry *newer, *older; /* in the LRU list */
	uint64_t hash;
	uint64_t size;
	int64_t mtime_ns;
	unsigned px;
	size_t len;  /* of data */
	size_t cost; /* bytes charged to the cache */
	unsigned char *data;
	char path[]; /* NUL-terminated */
};

struct artcache {
	pthread_mutex_t lock;
	struct entry **buckets;
	size_t nbuckets; /* a power of two */
	struct entry *newest, *oldest;
	size_t entries;
	size_t bytes, max_bytes;
};

/* FNV-1a over the key's fields. */
static uint64_t
key_hash(const struct artcache_key *k)
{
	uint64_t h = 0xcbf29ce484222325u;
	const unsigned char *p = (const unsigned char *)k->path;
	uint64_t v[3] = {k->size, (uint64_t)k->mtime_ns, k->px};

	for (; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3u;
	for (size_t i = 0; i < 3; i++)
		for (unsigned b = 0; b < 64; b += 8)
			h = (h ^ ((v[i] >> b) & 0xff)) * 0x100000001b3u;
	return h;
}

static bool
key_equal(const struct entry *e, const struct artcache_key *k, uint64_t h)
{
	return e->hash == h && e->size == k->size &&
	       e->mtime_ns == k->mtime_ns && e->px == k->px &&
	       strcmp(e->path, k->path) == 0;
}

struct artcache *
artcache_new(size_t max_bytes)
{
	struct artcache *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	c->nbuckets = ARTCACHE_BUCKETS_MIN;
	c->buckets = calloc(c->nbuckets, sizeof *c->buckets);
	if (c->buckets == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->buckets);
		free(c);
		return NULL;
	}
	c->max_bytes = max_bytes;
	return c;
}

void
artcache_free(struct artcache *c)
{
	struct entry *e, *older;

	if (c == NULL)
		return;
	for (e = c->newest; e != NULL; e = older) {
		older = e->older;
		free(e->data);
		free(e);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->buckets);
	free(c);
}

static void
lru_unlink(struct artcache *c, struct entry *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void
lru_push(struct artcache *c, struct entry *e)
{
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest != NULL)
		c->newest->newer = e;
	c->newest = e;
	if (c->oldest == NULL)
		c->oldest = e;
}

static struct entry *
lookup(struct artcache *c, const struct artcache_key *k, uint64_t h)
{
	struct entry *e = c->buckets[h & (c->nbuckets - 1)];

	while (e != NULL && !key_equal(e, k, h))
		e = e->next;
	return e;
}

/* Take e out of the table and the list, and free it. */
static void
drop(struct artcache *c, struct entry *e)
{
	struct entry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	lru_unlink(c, e);
	c->entries--;
	c->bytes -= e->cost;
	free(e->data);
	free(e);
}

/* Double the buckets when entries outnumber them; a failure is harmless
 * (longer chains). */
static void
grow(struct artcache *c)
{
	size_t n = c->nbuckets * 2;
	struct entry **b, *e, *next;

	if (c->entries < c->nbuckets || n > SIZE_MAX / sizeof *b)
		return;
	b = calloc(n, sizeof *b);
	if (b == NULL)
		return;
	for (size_t i = 0; i < c->nbuckets; i++)
		for (e = c->buckets[i]; e != NULL; e = next) {
			next = e->next;
			e->next = b[e->hash & (n - 1)];
			b[e->hash & (n - 1)] = e;
		}
	free(c->buckets);
	c->buckets = b;
	c->nbuckets = n;
}

int
artcache_get(struct artcache *c, const struct artcache_key *k,
	     unsigned char **data, size_t *len)
{
	uint64_t h = key_hash(k);
	struct entry *e;
	int hit = 0;

	pthread_mutex_lock(&c->lock);
	e = lookup(c, k, h);
	if (e != NULL) {
		*data = malloc(e->len > 0 ? e->len : 1);
		if (*data != NULL) {
			memcpy(*data, e->data, e->len);
			*len = e->len;
			lru_unlink(c, e);
			lru_push(c, e);
			hit = 1;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

/* A new entry for k holding a copy of (data, len), or NULL. */
static struct entry *
make_entry(const struct artcache_key *k, uint64_t h, size_t plen,
	   const unsigned char *data, size_t len)
{
	struct entry *e = calloc(1, sizeof *e + plen + 1);

	if (e == NULL)
		return NULL;
	e->data = malloc(len > 0 ? len : 1);
	if (e->data == NULL) {
		free(e);
		return NULL;
	}
	memcpy(e->data, data, len);
	memcpy(e->path, k->path, plen + 1);
	e->hash = h;
	e->size = k->size;
	e->mtime_ns = k->mtime_ns;
	e->px = k->px;
	e->len = len;
	e->cost = sizeof *e + plen + 1 + len;
	return e;
}

int
artcache_put(struct artcache *c, const struct artcache_key *k,
	     const unsigned char *data, size_t len)
{
	size_t plen = strnlen(k->path, ARTCACHE_KEY_MAX + 1);
	uint64_t h = key_hash(k);
	struct entry *e, *old;

	if (plen > ARTCACHE_KEY_MAX || len > c->max_bytes)
		return -1; /* before allocating a copy */
	e = make_entry(k, h, plen, data, len);
	if (e == NULL)
		return -1;
	if (e->cost > c->max_bytes) {
		free(e->data);
		free(e);
		return -1;
	}
	pthread_mutex_lock(&c->lock);
	old = lookup(c, k, h);
	if (old != NULL)
		drop(c, old);
	while (c->oldest != NULL && c->bytes + e->cost > c->max_bytes)
		drop(c, c->oldest);
	grow(c);
	e->next = c->buckets[h & (c->nbuckets - 1)];
	c->buckets[h & (c->nbuckets - 1)] = e;
	lru_push(c, e);
	c->entries++;
	c->bytes += e->cost;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

void
artcache_stats(struct artcache *c, size_t *entries, size_t *bytes)
{
	pthread_mutex_lock(&c->lock);
	*entries = c->entries;
	*bytes = c->bytes;
	pthread_mutex_unlock(&c->lock);
}
