/*
 * fileresp: shared file responses (fileresp.h).
 *
 * Entries live in a hash table keyed by fileresp_key. An entry in use
 * (users > 0) is only in the table; an idle one is also on the idle list,
 * most recently used first, from whose tail the oldest go. Every entry
 * holds one descriptor (inside its response), so `live` counts them
 * against the budget.
 */
#include "fileresp.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FILERESP_BUCKETS 2048 /* a power of two */

struct fileresp {
	struct fileresp_key key; /* key.path points at path below */
	struct MHD_Response *resp;
	int fd;		       /* the response's descriptor */
	struct fileresp *next; /* in its bucket */
	struct fileresp *idle_prev, *idle_next;
	unsigned users;
	time_t idle_since;
	char path[];
};

static struct {
	pthread_mutex_t lock;
	struct fileresp *bucket[FILERESP_BUCKETS];
	struct fileresp *idle_head, *idle_tail;
	unsigned idle, live, budget;
	bool usable;
} fr_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

bool
fileresp_init(unsigned budget)
{
	fr_cache.budget = budget;
	fr_cache.usable = MHD_is_feature_supported(
				  MHD_FEATURE_RESPONSES_SHARED_FD) == MHD_YES;
	return fr_cache.usable;
}

static unsigned
hash(const struct fileresp_key *k)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	h = (h ^ (uint64_t)k->ino) * 1099511628211ULL;
	h = (h ^ (uint64_t)k->dev) * 1099511628211ULL;
	h = (h ^ k->first) * 1099511628211ULL;
	h = (h ^ k->len) * 1099511628211ULL;
	h = (h ^ k->variant) * 1099511628211ULL;
	for (p = k->path; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (unsigned)(h >> 32) & (FILERESP_BUCKETS - 1);
}

static bool
same(const struct fileresp_key *a, const struct fileresp_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->mtime_ns == b->mtime_ns && a->first == b->first &&
	       a->len == b->len && a->variant == b->variant &&
	       strcmp(a->path, b->path) == 0;
}

static void
idle_unlink(struct fileresp *e)
{
	if (e->idle_prev != NULL)
		e->idle_prev->idle_next = e->idle_next;
	else
		fr_cache.idle_head = e->idle_next;
	if (e->idle_next != NULL)
		e->idle_next->idle_prev = e->idle_prev;
	else
		fr_cache.idle_tail = e->idle_prev;
	e->idle_prev = e->idle_next = NULL;
	fr_cache.idle--;
}

/* Remove an idle entry from everything and free it. Lock held. */
static void
destroy(struct fileresp *e)
{
	struct fileresp **pp = &fr_cache.bucket[hash(&e->key)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	idle_unlink(e);
	MHD_destroy_response(e->resp); /* closes the descriptor when the
					  last connection lets it go */
	fr_cache.live--;
	free(e);
}

/* Let the oldest idle entries go: past the count, the age, or (need) one
 * more for room in the budget. Lock held. */
static void
expire(time_t now, bool need)
{
	struct fileresp *e;

	while ((e = fr_cache.idle_tail) != NULL) {
		if (fr_cache.idle <= FILERESP_CACHED &&
		    now - e->idle_since < FILERESP_IDLE_S &&
		    !(need && fr_cache.live >= fr_cache.budget))
			break;
		destroy(e);
	}
}

/* A new entry for key over a duplicate of fd. Lock held. */
static struct fileresp *
create(const struct fileresp_key *key, int fd, fileresp_dress_fn dress,
       void *cls)
{
	size_t plen = strlen(key->path);
	struct fileresp *e;
	int dup_fd;

	if (fr_cache.live >= fr_cache.budget) {
		errno = EMFILE;
		return NULL;
	}
	e = calloc(1, sizeof *e + plen + 1);
	if (e == NULL)
		return NULL;
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		goto fail;
	e->resp = MHD_create_response_from_fd_at_offset64(key->len, dup_fd,
							  key->first);
	if (e->resp == NULL) {
		close(dup_fd);
		errno = ENOMEM;
		goto fail;
	}
	e->fd = dup_fd;
	memcpy(e->path, key->path, plen + 1);
	e->key = *key;
	e->key.path = e->path;
	dress(e->resp, cls);
	e->next = fr_cache.bucket[hash(key)];
	fr_cache.bucket[hash(key)] = e;
	fr_cache.live++;
	return e;
fail:
	free(e);
	return NULL;
}

struct fileresp *
fileresp_get(const struct fileresp_key *key, int fd, fileresp_dress_fn dress,
	     void *cls)
{
	struct fileresp *e;

	if (!fr_cache.usable) {
		errno = EMFILE;
		return NULL;
	}
	pthread_mutex_lock(&fr_cache.lock);
	for (e = fr_cache.bucket[hash(key)]; e != NULL; e = e->next) {
		if (same(&e->key, key))
			break;
	}
	if (e == NULL) {
		expire(time(NULL), true);
		e = create(key, fd, dress, cls);
	} else if (e->users == 0) {
		idle_unlink(e);
	}
	if (e != NULL)
		e->users++;
	pthread_mutex_unlock(&fr_cache.lock);
	return e;
}

struct MHD_Response *
fileresp_response(const struct fileresp *fr)
{
	return fr->resp;
}

int
fileresp_fd(const struct fileresp *fr)
{
	return fr->fd;
}

void
fileresp_put(void *arg)
{
	struct fileresp *e = arg;
	time_t now = time(NULL);

	if (e == NULL)
		return;
	pthread_mutex_lock(&fr_cache.lock);
	if (--e->users == 0) {
		e->idle_since = now;
		e->idle_prev = NULL;
		e->idle_next = fr_cache.idle_head;
		if (fr_cache.idle_head != NULL)
			fr_cache.idle_head->idle_prev = e;
		else
			fr_cache.idle_tail = e;
		fr_cache.idle_head = e;
		fr_cache.idle++;
		expire(now, false);
	}
	pthread_mutex_unlock(&fr_cache.lock);
}

void
fileresp_flush(void)
{
	pthread_mutex_lock(&fr_cache.lock);
	while (fr_cache.idle_tail != NULL)
		destroy(fr_cache.idle_tail);
	pthread_mutex_unlock(&fr_cache.lock);
}
