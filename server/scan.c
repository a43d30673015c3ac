/*
 * scan: walk a library folder and build its sorted track table.
 *
 * Folders are opened relative to their parent (openat) so the walk costs one
 * fstatat per entry. Symbolic links are followed only when their realpath
 * stays inside the root's realpath; folders already on the current path
 * (link loops) are not entered twice.
 */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct walk {
	const struct scan_hooks *hooks;
	char root[PATH_MAX]; /* realpath of the root */
	size_t root_len;
	char path[PATH_MAX]; /* root + "/" + the entry's relative path */
	struct track *tracks;
	size_t count, cap;
	struct {
		dev_t dev;
		ino_t ino;
	} stack[SCAN_MAX_DEPTH + 1]; /* folders on the current path */
	int depth;
	bool cut; /* SCAN_MAX_TRACKS was reached */
};

static void
skip(struct walk *w, const char *why)
{
	const char *rel = "";

	if (strlen(w->path) > w->root_len)
		rel = w->path + w->root_len + 1;
	if (w->hooks != NULL && w->hooks->skip != NULL)
		w->hooks->skip(w->hooks->arg, rel, why);
}

/* Is the realpath of w->path inside the root (whole components)? */
static bool
link_inside(struct walk *w)
{
	char real[PATH_MAX];

	if (realpath(w->path, real) == NULL)
		return false;
	return strncmp(real, w->root, w->root_len) == 0 &&
	       (real[w->root_len] == '/' || real[w->root_len] == '\0');
}

static bool
on_stack(const struct walk *w, const struct stat *st)
{
	int i;

	for (i = 0; i < w->depth; i++) {
		if (w->stack[i].dev == st->st_dev &&
		    w->stack[i].ino == st->st_ino)
			return true;
	}
	return false;
}

static int
add_track(struct walk *w, const struct stat *st, const char *type)
{
	struct track *t;

	if (w->count == SCAN_MAX_TRACKS) {
		w->cut = true;
		return 0;
	}
	if (w->count == w->cap) {
		size_t cap = w->cap != 0 ? w->cap * 2 : 256;
		struct track *n = realloc(w->tracks, cap * sizeof *n);

		if (n == NULL)
			return -1;
		w->tracks = n;
		w->cap = cap;
	}
	t = &w->tracks[w->count];
	memset(t, 0, sizeof *t);
	t->path = strdup(w->path + w->root_len + 1);
	if (t->path == NULL)
		return -1;
	t->type = type;
	t->size = (uint64_t)st->st_size;
	t->mtime_ns =
		(int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	t->dev = st->st_dev;
	t->ino = st->st_ino;
	t->duration = -1;
	w->count++;
	return 0;
}

static int walk_dir(struct walk *w, int fd, const struct stat *st);

/* Consider one entry; w->path names it. -1 only on allocation failure. */
static int
walk_entry(struct walk *w, int dirfd, const char *name)
{
	struct stat st;
	const char *type;
	size_t rel_len = strlen(w->path) - w->root_len - 1;
	int fd;

	if (!track_path_listable(w->path + w->root_len + 1, rel_len)) {
		skip(w, "a newline or invalid UTF-8 in its path");
		return 0;
	}
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return 0; /* vanished meanwhile */
	if (S_ISLNK(st.st_mode)) {
		if (!link_inside(w) || fstatat(dirfd, name, &st, 0) != 0) {
			skip(w, "a symbolic link that leaves the library, "
				"dangles or loops");
			return 0;
		}
	}
	if (S_ISDIR(st.st_mode)) {
		if (on_stack(w, &st) || w->depth >= SCAN_MAX_DEPTH) {
			skip(w, "a folder link loop, or too deep");
			return 0;
		}
		fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0) {
			skip(w, "a folder that cannot be opened");
			return 0;
		}
		return walk_dir(w, fd, &st);
	}
	type = track_type_for_name(name);
	if (type == NULL)
		return 0;
	if (!S_ISREG(st.st_mode)) {
		skip(w, "not a regular file");
		return 0;
	}
	return add_track(w, &st, type);
}

/* Walk the open folder fd (closed here) whose path is w->path. */
static int
walk_dir(struct walk *w, int fd, const struct stat *st)
{
	size_t len = strlen(w->path);
	struct dirent *de;
	DIR *d;
	int rc = 0, n;

	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return 0;
	}
	if (w->hooks != NULL && w->hooks->dir != NULL)
		w->hooks->dir(w->hooks->arg, w->path);
	w->stack[w->depth].dev = st->st_dev;
	w->stack[w->depth].ino = st->st_ino;
	w->depth++;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (track_is_hidden(de->d_name))
			continue; /* ".", ".." and hidden entries */
		n = snprintf(w->path + len, sizeof w->path - len, "/%s",
			     de->d_name);
		if (n < 0 || (size_t)n >= sizeof w->path - len) {
			w->path[len] = '\0';
			skip(w, "a path longer than PATH_MAX");
			continue;
		}
		rc = walk_entry(w, dirfd(d), de->d_name);
		w->path[len] = '\0';
	}
	w->depth--;
	closedir(d);
	return rc;
}

/* Set *cause to a malloc'd "what: strerror" message. */
static void
set_cause(char **cause, const char *what, const char *root)
{
	char buf[PATH_MAX + 128];
	int n = snprintf(buf, sizeof buf, "%s %s: %s", what, root,
			 strerror(errno));

	*cause = strdup(n > 0 ? buf : what);
}

/*
 * Resolve the root and open it; its identity goes in stack[0] (depth stays
 * 0: walk_dir pushes it, scan_subtree counts it). Returns the folder
 * descriptor, or -1 with *cause set.
 */
static int
open_root(struct walk *w, const char *root, char **cause)
{
	struct stat st;
	int fd;

	if (realpath(root, w->root) == NULL) {
		set_cause(cause, "cannot open the library folder", root);
		return -1;
	}
	w->root_len = strlen(w->root);
	memcpy(w->path, w->root, w->root_len + 1);
	fd = open(w->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		set_cause(cause, "cannot read the library folder", root);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	w->stack[0].dev = st.st_dev;
	w->stack[0].ino = st.st_ino;
	return fd;
}

/* Hand the walk's tracks over, sorted; frees w. */
static int
finish(struct walk *w, int rc, struct track **tracks, size_t *count)
{
	if (rc == 0) {
		if (w->cut)
			skip(w, "the library has more tracks than "
				"SCAN_MAX_TRACKS");
		if (w->count > 0)
			qsort(w->tracks, w->count, sizeof *w->tracks,
			      track_by_path);
		*tracks = w->tracks;
		*count = w->count;
	} else {
		scan_free(w->tracks, w->count);
	}
	free(w);
	return rc;
}

int
scan_library(const char *root, const struct scan_hooks *hooks,
	     struct track **tracks, size_t *count, char **cause)
{
	struct walk *w = calloc(1, sizeof *w);
	struct stat st;
	int fd, rc = -1;

	if (w == NULL) {
		*cause = strdup("out of memory");
		return -1;
	}
	w->hooks = hooks;
	fd = open_root(w, root, cause);
	if (fd >= 0) {
		st.st_dev = w->stack[0].dev;
		st.st_ino = w->stack[0].ino;
		rc = walk_dir(w, fd, &st); /* closes fd */
		if (rc != 0)
			*cause = strdup("out of memory while scanning");
	}
	return finish(w, rc, tracks, count);
}

/*
 * Descend from the open folder *fd into the folder name (a component of a
 * relative path), as walk_entry would: not hidden, links only inside the
 * root, not a loop. 1 when entered (*fd replaced), 0 when the path is not
 * (or no longer) part of the library.
 */
static int
descend(struct walk *w, int *fd, const char *name)
{
	size_t len = strlen(w->path);
	struct stat st;
	int nfd;

	if (track_is_hidden(name) || w->depth >= SCAN_MAX_DEPTH ||
	    snprintf(w->path + len, sizeof w->path - len, "/%s", name) >=
		    (int)(sizeof w->path - len))
		return 0;
	if (fstatat(*fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    (S_ISLNK(st.st_mode) && !link_inside(w)))
		return 0;
	nfd = openat(*fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (nfd < 0)
		return 0;
	if (fstat(nfd, &st) != 0 || on_stack(w, &st)) {
		close(nfd);
		return 0;
	}
	w->stack[w->depth].dev = st.st_dev;
	w->stack[w->depth].ino = st.st_ino;
	w->depth++;
	close(*fd);
	*fd = nfd;
	return 1;
}

int
scan_subtree(const char *root, const char *relpath,
	     const struct scan_hooks *hooks, struct track **tracks,
	     size_t *count, char **cause)
{
	struct walk *w = calloc(1, sizeof *w);
	char name[NAME_MAX + 1];
	const char *rel = relpath, *slash;
	size_t len;
	int fd, rc = 0;

	if (w == NULL) {
		*cause = strdup("out of memory");
		return -1;
	}
	w->hooks = hooks;
	fd = open_root(w, root, cause);
	if (fd < 0)
		return finish(w, -1, tracks, count);
	w->depth = 1;
	while ((slash = strchr(rel, '/')) != NULL) {
		len = (size_t)(slash - rel);
		if (len == 0 || len > NAME_MAX)
			goto done;
		memcpy(name, rel, len);
		name[len] = '\0';
		if (!descend(w, &fd, name))
			goto done;
		rel = slash + 1;
	}
	len = strlen(w->path);
	if (*rel == '\0' || track_is_hidden(rel) ||
	    snprintf(w->path + len, sizeof w->path - len, "/%s", rel) >=
		    (int)(sizeof w->path - len))
		goto done;
	rc = walk_entry(w, fd, rel);
	if (rc != 0)
		*cause = strdup("out of memory while scanning");
done:
	close(fd);
	return finish(w, rc, tracks, count);
}

void
scan_free(struct track *tracks, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		track_clear(&tracks[i]);
	free(tracks);
}
