/*
 * ofile: a reference-counted cache of open track files keyed by device and
 * inode.
 *
 * ofile_open always opens the path (so a replaced file is seen at once),
 * then looks for an entry with the same device and inode; if there is one,
 * the new descriptor is closed and the old one shared. A deleted file stays
 * readable through its entry for as long as a stream holds it.
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
	unsigned refs;
};

static struct {
	pthread_mutex_t lock;
	struct entry *bucket[OFILE_BUCKETS];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static unsigned
hash(dev_t dev, ino_t ino)
{
	unsigned long long h = (unsigned long long)ino * 0x9e3779b97f4a7c15ULL;

	h ^= (unsigned long long)dev;
	return (unsigned)(h >> 40) & (OFILE_BUCKETS - 1);
}

struct ofile *
ofile_open(int rootfd, const char *relpath, struct stat *st)
{
	struct entry *e;
	unsigned h;
	int fd;

	/* O_NONBLOCK: a FIFO put in a track's place must not block us. */
	fd = openat(rootfd, relpath,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return NULL;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	h = hash(st->st_dev, st->st_ino);
	pthread_mutex_lock(&cache.lock);
	for (e = cache.bucket[h]; e != NULL; e = e->next) {
		if (e->of.dev == st->st_dev && e->of.ino == st->st_ino)
			break;
	}
	if (e != NULL) {
		e->refs++;
		pthread_mutex_unlock(&cache.lock);
		close(fd);
		return &e->of;
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
	e->next = cache.bucket[h];
	cache.bucket[h] = e;
	pthread_mutex_unlock(&cache.lock);
	return &e->of;
}

void
ofile_release(struct ofile *of)
{
	struct entry *e = (struct entry *)of, **p;

	if (of == NULL)
		return;
	pthread_mutex_lock(&cache.lock);
	if (--e->refs > 0) {
		pthread_mutex_unlock(&cache.lock);
		return;
	}
	for (p = &cache.bucket[hash(of->dev, of->ino)]; *p != e;
	     p = &(*p)->next)
		;
	*p = e->next;
	pthread_mutex_unlock(&cache.lock);
	close(e->of.fd);
	free(e);
}
