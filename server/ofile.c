/*
 * ofile: a reference-counted cache of open track files keyed by device and
 * inode.
 *
 * ofile_open looks at the path first (fstatat): if an entry holds that
 * device and inode, open or idle, it is that very file, and its descriptor
 * reads what a new one would; so a replaced file is still seen at once,
 * and a track asked for again costs one system call instead of three
 * (open, fstat, close). Otherwise the file is opened and the entry made or
 * found by what the descriptor turns out to be. A deleted file stays
 * readable through its entry for as long as a stream holds it.
 *
 * An entry whose last reference goes stays open, idle, on a list of the
 * OFILE_IDLE_MAX most recently released; the oldest is closed when the
 * list is full, and all of them when descriptors run out.
 */
#include "ofile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define OFILE_BUCKETS 1024 /* a power of two */

struct entry {
	struct ofile of; /* first: an ofile pointer is an entry pointer */
	struct entry *next;
	struct entry *idle_prev, *idle_next; /* when refs == 0 */
	unsigned refs;
};

static struct {
	pthread_mutex_t lock;
	struct entry *bucket[OFILE_BUCKETS];
	struct entry *idle_head, *idle_tail; /* most recent first */
	unsigned idle;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static unsigned
hash(dev_t dev, ino_t ino)
{
	unsigned long long h = (unsigned long long)ino * 0x9e3779b97f4a7c15ULL;

	h ^= (unsigned long long)dev;
	return (unsigned)(h >> 40) & (OFILE_BUCKETS - 1);
}

/* The entry for dev and ino, or NULL. Called with the lock held. */
static struct entry *
find(dev_t dev, ino_t ino)
{
	struct entry *e;

	for (e = cache.bucket[hash(dev, ino)]; e != NULL; e = e->next) {
		if (e->of.dev == dev && e->of.ino == ino)
			return e;
	}
	return NULL;
}

static void
idle_unlink(struct entry *e)
{
	if (e->idle_prev != NULL)
		e->idle_prev->idle_next = e->idle_next;
	else
		cache.idle_head = e->idle_next;
	if (e->idle_next != NULL)
		e->idle_next->idle_prev = e->idle_prev;
	else
		cache.idle_tail = e->idle_prev;
	e->idle_prev = e->idle_next = NULL;
	cache.idle--;
}

/* Put e, just released, at the head of the idle list. */
static void
idle_push(struct entry *e)
{
	e->idle_next = cache.idle_head;
	if (cache.idle_head != NULL)
		cache.idle_head->idle_prev = e;
	else
		cache.idle_tail = e;
	cache.idle_head = e;
	cache.idle++;
}

/* Take a reference on e. Called with the lock held. */
static struct ofile *
take(struct entry *e)
{
	if (e->refs++ == 0)
		idle_unlink(e);
	return &e->of;
}

/* Drop e from the table. Called with the lock held; the caller closes. */
static void
unhash(struct entry *e)
{
	struct entry **p = &cache.bucket[hash(e->of.dev, e->of.ino)];

	while (*p != e)
		p = &(*p)->next;
	*p = e->next;
}

/* Close every idle entry. Returns how many there were. */
static unsigned
drop_idle(void)
{
	struct entry *e, *list = NULL;
	unsigned n = 0;

	pthread_mutex_lock(&cache.lock);
	while ((e = cache.idle_tail) != NULL) {
		idle_unlink(e);
		unhash(e);
		e->next = list;
		list = e;
	}
	pthread_mutex_unlock(&cache.lock);
	while ((e = list) != NULL) {
		list = e->next;
		close(e->of.fd);
		free(e);
		n++;
	}
	return n;
}

/* Open relpath read-only; out of descriptors, once more without the idle. */
static int
open_file(int rootfd, const char *relpath)
{
	/* O_NONBLOCK: a FIFO put in a track's place must not block us. */
	const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int fd = openat(rootfd, relpath, flags);

	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && drop_idle() > 0)
		fd = openat(rootfd, relpath, flags);
	return fd;
}

/* Open relpath and make (or find) its entry. */
static struct ofile *
open_new(int rootfd, const char *relpath, struct stat *st)
{
	struct entry *e;
	unsigned h;
	int fd;

	fd = open_file(rootfd, relpath);
	if (fd < 0)
		return NULL;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&cache.lock);
	e = find(st->st_dev, st->st_ino);
	if (e != NULL) { /* opened by another thread meanwhile */
		struct ofile *of = take(e);

		pthread_mutex_unlock(&cache.lock);
		close(fd);
		return of;
	}
	e = calloc(1, sizeof *e);
	if (e == NULL) {
		pthread_mutex_unlock(&cache.lock);
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	e->of.fd = fd;
	e->of.dev = st->st_dev;
	e->of.ino = st->st_ino;
	e->refs = 1;
	h = hash(st->st_dev, st->st_ino);
	e->next = cache.bucket[h];
	cache.bucket[h] = e;
	pthread_mutex_unlock(&cache.lock);
	return &e->of;
}

struct ofile *
ofile_open(int rootfd, const char *relpath, struct stat *st)
{
	struct ofile *of = NULL;
	struct entry *e;

	if (fstatat(rootfd, relpath, st, 0) != 0)
		return NULL;
	if (!S_ISREG(st->st_mode)) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&cache.lock);
	e = find(st->st_dev, st->st_ino);
	if (e != NULL)
		of = take(e);
	pthread_mutex_unlock(&cache.lock);
	return of != NULL ? of : open_new(rootfd, relpath, st);
}

void
ofile_release(struct ofile *of)
{
	struct entry *e = (struct entry *)of, *old = NULL;

	if (of == NULL)
		return;
	pthread_mutex_lock(&cache.lock);
	if (--e->refs > 0) {
		pthread_mutex_unlock(&cache.lock);
		return;
	}
	idle_push(e);
	if (cache.idle > OFILE_IDLE_MAX) {
		old = cache.idle_tail;
		idle_unlink(old);
		unhash(old);
	}
	pthread_mutex_unlock(&cache.lock);
	if (old != NULL) {
		close(old->of.fd);
		free(old);
	}
}
