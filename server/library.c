/*
 * library: the current track table of the library folder.
 *
 * One watcher thread owns rescans: it sleeps in poll() on the inotify
 * descriptor of watch.c (a watch on every folder the scan walked) and on an
 * eventfd that library_request_rescan and library_close write. Events are
 * debounced (LIBRARY_SETTLE_MS of quiet, at most LIBRARY_MAX_DELAY_MS
 * after the first) so that a file being copied costs a few rescans, not
 * one per write. Events name the subtrees that changed, and only those are
 * rescanned and merged (library_update); SIGHUP, and every `rescan`
 * seconds in case inotify missed something (network file systems, a full
 * watch table), the whole folder is.
 *
 * A second thread, the tagger, reads the tags of untagged tracks and
 * publishes them as new tables.
 */
#include "library.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "art.h"
#include "log.h"
#include "metrics.h"
#include "scan.h"
#include "tags.h"
#include "watch.h"

#define LIBRARY_SETTLE_MS 50
#define LIBRARY_MAX_DELAY_MS 500
#define LIBRARY_SKIPS_MAX 4096 /* skipped paths remembered (logged once) */
#define LIBRARY_STOP_MS 600    /* library_close waits this long per thread */
/* tags read are shown at least this often */
#define LIBRARY_TAG_PUBLISH_MS 300

struct snap {
	struct library_snap pub; /* first: a library_snap is a snap */
	struct track *tracks;
	struct catalog *catalog; /* pub.catalog, owned */
	atomic_uint refs;
};

struct library {
	char root[PATH_MAX];
	int rootfd;
	unsigned rescan;
	pthread_mutex_t lock; /* guards cur */
	struct snap *cur;
	uint64_t generation;
	pthread_mutex_t scan_lock; /* one rescan at a time */
	struct watch *watch;	   /* NULL without inotify */
	int event_fd;
	atomic_bool stopping;
	pthread_t thread;
	bool watching;
	char **skips; /* paths already logged as skipped */
	size_t nskips;
	bool watch_full_logged;
	/* The tagger thread reads tags of new tracks in the background. */
	pthread_t tagger;
	bool tagging;
	pthread_cond_t tag_wake;  /* with lock: an untagged table is current */
	bool untagged;		  /* guarded by lock */
	char *cache_file;	  /* NULL: no tag cache */
	struct tags_cache *cache; /* loaded at start, then only read */
};

/* Is every field that makes a listing or a validator the same? */
static bool
same_table(const struct track *a, size_t na, const struct track *b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++) {
		if (a[i].size != b[i].size || a[i].mtime_ns != b[i].mtime_ns ||
		    a[i].ino != b[i].ino || a[i].dev != b[i].dev ||
		    strcmp(a[i].path, b[i].path) != 0)
			return false;
	}
	return true;
}

static void
snap_unref(struct snap *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	catalog_free(s->catalog);
	scan_free(s->tracks, s->pub.count);
	free(s);
}

/* Log a skipped path once per run of the server. */
static void
on_skip(void *arg, const char *path, const char *why)
{
	struct library *lib = arg;
	char **n;
	size_t i;

	for (i = 0; i < lib->nskips; i++) {
		if (strcmp(lib->skips[i], path) == 0)
			return;
	}
	log_warn("skipping %s: %s", path, why);
	if (lib->nskips == LIBRARY_SKIPS_MAX)
		return;
	n = realloc(lib->skips, (lib->nskips + 1) * sizeof *n);
	if (n == NULL)
		return;
	lib->skips = n;
	lib->skips[lib->nskips] = strdup(path);
	if (lib->skips[lib->nskips] != NULL)
		lib->nskips++;
}

static void
on_dir(void *arg, const char *abspath)
{
	struct library *lib = arg;
	size_t n = strlen(lib->root);
	const char *rel;

	if (lib->watch == NULL || strncmp(abspath, lib->root, n) != 0)
		return;
	rel = abspath[n] == '/' ? abspath + n + 1 : "";
	if (watch_add(lib->watch, abspath, rel) != 0 && errno == ENOSPC &&
	    !lib->watch_full_logged) {
		log_warn("inotify watch limit reached at %s: changes there "
			 "show after the periodic rescan (raise "
			 "fs.inotify.max_user_watches)",
			 abspath);
		lib->watch_full_logged = true;
	}
}

/*
 * Give each track of a new table the tags already known for the same file
 * (same path, size and mtime) in the old table or the cache. Returns true
 * when some track is left untagged.
 */
static bool
carry_tags(const struct library *lib, struct track *tracks, size_t count,
	   const struct snap *old)
{
	const struct track *hit;
	bool untagged = false;
	size_t i;

	for (i = 0; i < count; i++) {
		struct track *t = &tracks[i];

		hit = NULL;
		if (old != NULL && old->pub.count > 0)
			hit = bsearch(t, old->tracks, old->pub.count,
				      sizeof *t, track_by_path);
		if (hit != NULL && hit->tagged && hit->size == t->size &&
		    hit->mtime_ns == t->mtime_ns)
			track_copy_tags(t, hit);
		else
			tags_cache_apply(lib->cache, t);
		if (!t->tagged)
			untagged = true;
	}
	return untagged;
}

/* Make s current (the scan lock is held); the old one is released. */
static void
publish(struct library *lib, struct snap *s, bool untagged)
{
	struct snap *old;

	pthread_mutex_lock(&lib->lock);
	s->pub.generation = ++lib->generation;
	old = lib->cur;
	lib->cur = s;
	if (untagged) {
		lib->untagged = true;
		pthread_cond_signal(&lib->tag_wake);
	}
	pthread_mutex_unlock(&lib->lock);
	snap_unref(old);
}

/*
 * A snapshot of tracks (its tags final) with its catalogue, or NULL when
 * out of memory (tracks then stay the caller's).
 */
static struct snap *
snap_new(struct track *tracks, size_t count)
{
	struct snap *s = calloc(1, sizeof *s);

	if (s == NULL)
		return NULL;
	s->catalog = catalog_build(tracks, count);
	if (s->catalog == NULL) {
		free(s);
		return NULL;
	}
	s->pub.catalog = s->catalog;
	s->tracks = tracks;
	s->pub.tracks = tracks;
	s->pub.count = count;
	atomic_init(&s->refs, 1);
	return s;
}

/*
 * Scan the whole folder and publish the table if it changed. 0, or -1
 * with a malloc'd *cause (the current table stays).
 */
static int
scan_all(struct library *lib, char **cause)
{
	struct scan_hooks hooks = {on_skip, on_dir, lib};
	struct track *tracks;
	struct snap *s = NULL, *old;
	bool untagged;
	size_t count;
	int rc = -1;

	pthread_mutex_lock(&lib->scan_lock);
	if (scan_library(lib->root, &hooks, &tracks, &count, cause) != 0)
		goto out;
	old = lib->cur;
	rc = 0;
	if (old != NULL &&
	    same_table(tracks, count, old->tracks, old->pub.count)) {
		scan_free(tracks, count);
		goto out;
	}
	untagged = carry_tags(lib, tracks, count, old);
	s = snap_new(tracks, count);
	if (s == NULL) {
		scan_free(tracks, count);
		*cause = strdup("out of memory for the track table");
		rc = -1;
		goto out;
	}
	publish(lib, s, untagged);
	log_info("library: %zu tracks (generation %llu)", count,
		 (unsigned long long)s->pub.generation);
out:
	pthread_mutex_unlock(&lib->scan_lock);
	return rc;
}

/* Seconds since t (CLOCK_MONOTONIC). */
static double
seconds_since(const struct timespec *t)
{
	struct timespec n;

	clock_gettime(CLOCK_MONOTONIC, &n);
	return (double)(n.tv_sec - t->tv_sec) +
	       (double)(n.tv_nsec - t->tv_nsec) / 1e9;
}

int
library_rescan(struct library *lib)
{
	char *cause = NULL;
	struct timespec start;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = scan_all(lib, &cause);
	metrics_scan(seconds_since(&start), rc == 0);
	if (rc == 0)
		return 0;
	log_warn("%s; still serving the last good listing",
		 cause != NULL ? cause : "out of memory");
	free(cause);
	return -1;
}

/* Is path p the changed path q, or below it? */
static bool
under(const char *p, const char *q)
{
	size_t n = strlen(q);

	return strncmp(p, q, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static bool
under_any(const char *p, char *const *paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (under(p, paths[i]))
			return true;
	}
	return false;
}

/* Append the n tracks of add to *tracks (*count of them, cap *cap). */
static int
append(struct track **tracks, size_t *count, size_t *cap, struct track *add,
       size_t n)
{
	if (n == 0)
		return 0;
	if (*count + n > *cap) {
		size_t ncap = (*count + n) * 2;
		struct track *t = realloc(*tracks, ncap * sizeof *t);

		if (t == NULL)
			return -1;
		*tracks = t;
		*cap = ncap;
	}
	memcpy(*tracks + *count, add, n * sizeof *add);
	*count += n;
	return 0;
}

int
library_update(struct library *lib, char *const *paths, size_t n)
{
	struct scan_hooks hooks = {on_skip, on_dir, lib};
	struct track *tracks = NULL, *sub;
	size_t count = 0, cap = 0, nsub, i;
	struct snap *old, *s;
	char *cause = NULL;
	bool untagged;
	int rc = -1;

	pthread_mutex_lock(&lib->scan_lock);
	old = lib->cur;
	for (i = 0; i < old->pub.count; i++) {
		struct track t;

		if (under_any(old->tracks[i].path, paths, n))
			continue;
		if (track_copy(&t, &old->tracks[i]) != 0 ||
		    append(&tracks, &count, &cap, &t, 1) != 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		if (scan_subtree(lib->root, paths[i], &hooks, &sub, &nsub,
				 &cause) != 0)
			goto out;
		if (append(&tracks, &count, &cap, sub, nsub) != 0) {
			scan_free(sub, nsub);
			goto out;
		}
		free(sub); /* its tracks moved */
	}
	if (count > 0)
		qsort(tracks, count, sizeof *tracks, track_by_path);
	rc = 0;
	if (same_table(tracks, count, old->tracks, old->pub.count))
		goto out;
	untagged = carry_tags(lib, tracks, count, old);
	s = snap_new(tracks, count);
	if (s == NULL) {
		rc = -1;
		goto out;
	}
	publish(lib, s, untagged);
	log_info("library: %zu tracks after %zu change(s) (generation %llu)",
		 count, n, (unsigned long long)s->pub.generation);
	tracks = NULL; /* owned by s */
	count = 0;
out:
	pthread_mutex_unlock(&lib->scan_lock);
	if (rc != 0 && cause != NULL)
		log_warn("%s; rescanning everything", cause);
	free(cause);
	scan_free(tracks, count);
	return rc;
}

/*
 * A copy of the current table with the tags in read[] (n tracks, sorted by
 * path) filled in, made current. Tracks that vanished meanwhile are
 * dropped; a track changed meanwhile keeps its unknown tags.
 */
static void
publish_tags(struct library *lib, const struct track *read, size_t n)
{
	struct track *tracks, *t;
	const struct track *hit;
	struct snap *cur, *s;
	bool untagged = false;
	size_t i, count;

	pthread_mutex_lock(&lib->scan_lock);
	cur = lib->cur;
	count = cur->pub.count;
	tracks = calloc(count != 0 ? count : 1, sizeof *tracks);
	if (tracks == NULL)
		goto out;
	for (i = 0; i < count; i++) {
		t = &tracks[i];
		if (track_copy(t, &cur->tracks[i]) != 0) {
			scan_free(tracks, i);
			goto out;
		}
		hit = t->tagged
			      ? NULL
			      : bsearch(t, read, n, sizeof *t, track_by_path);
		if (hit != NULL && hit->size == t->size &&
		    hit->mtime_ns == t->mtime_ns)
			track_copy_tags(t, hit);
		if (!t->tagged)
			untagged = true;
	}
	s = snap_new(tracks, count);
	if (s == NULL) {
		scan_free(tracks, count);
		goto out;
	}
	publish(lib, s, untagged);
out:
	pthread_mutex_unlock(&lib->scan_lock);
}

/* Read tags of the untagged tracks of snap until done or a publish is
 * due; returns the tracks read (sorted, as snap) in *read and *n. */
static void
read_some(struct library *lib, const struct library_snap *snap, size_t *next,
	  struct track *read, size_t *n)
{
	struct timespec start, now;
	char path[PATH_MAX];
	const struct track *t;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (; *next < snap->count && !atomic_load(&lib->stopping);
	     (*next)++) {
		t = &snap->tracks[*next];
		if (t->tagged)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", lib->root, t->path) <
		    0)
			continue;
		memset(&read[*n], 0, sizeof read[*n]);
		read[*n].path = t->path; /* borrowed from snap */
		read[*n].size = t->size;
		read[*n].mtime_ns = t->mtime_ns;
		read[*n].duration = -1;
		tags_read(path, &read[*n]);
		read[*n].art = art_probe(lib->rootfd, t->path);
		(*n)++;
		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (now.tv_sec - start.tv_sec) * 1000 +
		     (now.tv_nsec - start.tv_nsec) / 1000000;
		if (ms >= LIBRARY_TAG_PUBLISH_MS) {
			(*next)++;
			return;
		}
	}
}

static void
free_read(struct track *read, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		read[i].path = NULL; /* borrowed */
		track_clear(&read[i]);
	}
}

/* Tag every untagged track of the current table, publishing as it goes. */
static void
tag_pass(struct library *lib)
{
	const struct library_snap *snap = library_get(lib);
	struct track *read;
	size_t next = 0, n;

	read = calloc(snap->count != 0 ? snap->count : 1, sizeof *read);
	if (read == NULL)
		goto out;
	while (next < snap->count && !atomic_load(&lib->stopping)) {
		n = 0;
		read_some(lib, snap, &next, read, &n);
		if (n > 0)
			publish_tags(lib, read, n);
		free_read(read, n);
	}
	if (lib->cache_file != NULL && !atomic_load(&lib->stopping)) {
		const struct library_snap *now = library_get(lib);

		if (tags_cache_save(lib->cache_file, now->tracks,
				    now->count) != 0)
			log_warn("cannot write tag cache %s: %s",
				 lib->cache_file, strerror(errno));
		library_put(lib, now);
	}
out:
	free(read);
	library_put(lib, snap);
}

static void *
tagger_main(void *arg)
{
	struct library *lib = arg;

	for (;;) {
		pthread_mutex_lock(&lib->lock);
		while (!lib->untagged && !atomic_load(&lib->stopping))
			pthread_cond_wait(&lib->tag_wake, &lib->lock);
		lib->untagged = false;
		pthread_mutex_unlock(&lib->lock);
		if (atomic_load(&lib->stopping))
			return NULL;
		tag_pass(lib);
	}
}

struct library *
library_open(const char *root, unsigned rescan, const char *cache_file,
	     char **cause)
{
	struct library *lib;
	struct timespec start;
	int rc;

	*cause = NULL;
	lib = calloc(1, sizeof *lib);
	if (lib == NULL) {
		*cause = strdup("out of memory");
		return NULL;
	}
	lib->rootfd = -1;
	lib->event_fd = -1;
	lib->rescan = rescan;
	pthread_mutex_init(&lib->lock, NULL);
	pthread_mutex_init(&lib->scan_lock, NULL);
	pthread_cond_init(&lib->tag_wake, NULL);
	if (cache_file != NULL) {
		lib->cache_file = strdup(cache_file);
		lib->cache = tags_cache_load(cache_file);
	}
	lib->watch = watch_new();
	if (lib->watch == NULL)
		log_warn("inotify: %s: relying on the periodic rescan",
			 strerror(errno));
	if (realpath(root, lib->root) == NULL ||
	    (lib->rootfd = open(lib->root,
				O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		char buf[PATH_MAX + 128];

		if (snprintf(buf, sizeof buf,
			     "cannot read library folder %s: %s", root,
			     strerror(errno)) > 0)
			*cause = strdup(buf);
		goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = scan_all(lib, cause);
	metrics_scan(seconds_since(&start), rc == 0);
	if (rc != 0)
		goto fail;
	return lib;
fail:
	library_close(lib);
	return NULL;
}

static long
ms_since(const struct timespec *t)
{
	struct timespec n;

	clock_gettime(CLOCK_MONOTONIC, &n);
	return (long)(n.tv_sec - t->tv_sec) * 1000 +
	       (n.tv_nsec - t->tv_nsec) / 1000000;
}

/* Rescan what the watcher saw change: all of it, or a few subtrees. */
static void
apply_changes(struct library *lib, bool full)
{
	char **paths = NULL;
	size_t n = 0;
	bool all = false;

	if (lib->watch != NULL)
		watch_take(lib->watch, &all, &paths, &n);
	if (full || all) {
		log_debug("rescan: the whole library");
		library_rescan(lib);
	} else if (n > 0) {
		log_debug("rescan: %zu path(s), the first %s", n, paths[0]);
		if (library_update(lib, paths, n) != 0)
			library_rescan(lib);
	}
	watch_paths_free(paths, n);
}

static void *
watch_main(void *arg)
{
	struct library *lib = arg;
	struct pollfd pfd[2] = {{lib->event_fd, POLLIN, 0}, {-1, POLLIN, 0}};
	struct timespec first = {0}, last = {0}, scanned;
	bool dirty = false, full = false;
	uint64_t v;

	if (lib->watch != NULL)
		pfd[1].fd = watch_fd(lib->watch);
	clock_gettime(CLOCK_MONOTONIC, &scanned);
	while (!atomic_load(&lib->stopping)) {
		if (poll(pfd, 2, dirty ? LIBRARY_SETTLE_MS : 1000) < 0 &&
		    errno != EINTR)
			break;
		if ((pfd[0].revents & POLLIN) &&
		    read(lib->event_fd, &v, sizeof v) == sizeof v) {
			full = true; /* SIGHUP: everything, now */
			last.tv_sec = 0;
			if (!dirty)
				clock_gettime(CLOCK_MONOTONIC, &first);
			dirty = true;
		}
		if ((pfd[1].revents & POLLIN) && watch_read(lib->watch)) {
			if (!dirty)
				clock_gettime(CLOCK_MONOTONIC, &first);
			dirty = true;
			clock_gettime(CLOCK_MONOTONIC, &last);
		}
		if (atomic_load(&lib->stopping))
			break;
		if (ms_since(&scanned) >= (long)lib->rescan * 1000) {
			full = dirty = true;
			last.tv_sec = 0;
		}
		if (dirty && (ms_since(&last) >= LIBRARY_SETTLE_MS ||
			      ms_since(&first) >= LIBRARY_MAX_DELAY_MS)) {
			apply_changes(lib, full);
			if (full)
				clock_gettime(CLOCK_MONOTONIC, &scanned);
			dirty = full = false;
		}
	}
	return NULL;
}

int
library_watch(struct library *lib)
{
	lib->event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (lib->event_fd < 0)
		return -1;
	if (pthread_create(&lib->thread, NULL, watch_main, lib) != 0)
		return -1;
	lib->watching = true;
	if (pthread_create(&lib->tagger, NULL, tagger_main, lib) != 0)
		return -1;
	lib->tagging = true;
	return 0;
}

void
library_request_rescan(struct library *lib)
{
	uint64_t one = 1;
	ssize_t n;

	if (lib->event_fd >= 0)
		n = write(lib->event_fd, &one, sizeof one);
	(void)n;
}

int
library_root_fd(const struct library *lib)
{
	return lib->rootfd;
}

const char *
library_root(const struct library *lib)
{
	return lib->root;
}

const struct library_snap *
library_get(struct library *lib)
{
	struct snap *s;

	pthread_mutex_lock(&lib->lock);
	s = lib->cur;
	atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&lib->lock);
	return &s->pub;
}

void
library_put(struct library *lib, const struct library_snap *snap)
{
	(void)lib;
	snap_unref((struct snap *)snap);
}

/* Join t within ms milliseconds; false if it is still running. */
static bool
join_within(pthread_t t, long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return pthread_timedjoin_np(t, NULL, &ts) == 0;
}

void
library_close(struct library *lib)
{
	bool busy = false;
	size_t i;

	if (lib == NULL)
		return;
	atomic_store(&lib->stopping, true);
	if (lib->watching) {
		library_request_rescan(lib);
		busy |= !join_within(lib->thread, LIBRARY_STOP_MS);
	}
	if (lib->tagging) {
		pthread_mutex_lock(&lib->lock);
		pthread_cond_signal(&lib->tag_wake);
		pthread_mutex_unlock(&lib->lock);
		busy |= !join_within(lib->tagger, LIBRARY_STOP_MS);
	}
	if (busy) {
		/* A long scan or tag read is under way: the process is
		 * exiting, so leave it the memory rather than wait. */
		log_info("library: a scan is still running; not waiting");
		return;
	}
	snap_unref(lib->cur);
	watch_free(lib->watch);
	if (lib->event_fd >= 0)
		close(lib->event_fd);
	if (lib->rootfd >= 0)
		close(lib->rootfd);
	for (i = 0; i < lib->nskips; i++)
		free(lib->skips[i]);
	free(lib->skips);
	pthread_mutex_destroy(&lib->lock);
	pthread_mutex_destroy(&lib->scan_lock);
	pthread_cond_destroy(&lib->tag_wake);
	tags_cache_free(lib->cache);
	free(lib->cache_file);
	free(lib);
}
