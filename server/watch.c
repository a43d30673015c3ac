/*
 * watch: inotify watches on every folder of the library.
 *
 * Each watch descriptor maps to the folder's path relative to the root. An
 * event on entry NAME of folder DIR marks "DIR/NAME" changed: the library
 * then rescans just that subtree (a file, or a whole folder that came or
 * went). A folder reached under two paths (through a link) gets one watch
 * descriptor from the kernel; its events cannot say which path changed, so
 * they ask for a full rescan.
 */
#include "watch.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

/*
 * No IN_CLOSE_WRITE: TagLib opens every file read-write to read its tags
 * (its C API has no read-only open), so the tagger's own reads would come
 * back as changes, a rescan for each file. A write that changes a file
 * raises IN_MODIFY, a truncate too, and touch raises IN_ATTRIB; a file
 * written only through mmap waits for the periodic rescan.
 */
#define WATCH_MASK                                                            \
	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY |    \
	 IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static char ambiguous[] = ""; /* marks a folder seen under two paths */

struct watch {
	int fd;
	char **dirs; /* by watch descriptor: relative path, or ambiguous */
	size_t ndirs;
	char **paths; /* changed since the last watch_take */
	size_t npaths;
	bool full;
};

struct watch *
watch_new(void)
{
	struct watch *w = calloc(1, sizeof *w);

	if (w == NULL)
		return NULL;
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		free(w);
		return NULL;
	}
	return w;
}

int
watch_fd(const struct watch *w)
{
	return w->fd;
}

static void
forget(struct watch *w, int wd)
{
	if (wd < 0 || (size_t)wd >= w->ndirs)
		return;
	if (w->dirs[wd] != ambiguous)
		free(w->dirs[wd]);
	w->dirs[wd] = NULL;
}

int
watch_add(struct watch *w, const char *abspath, const char *relpath)
{
	int wd = inotify_add_watch(w->fd, abspath, WATCH_MASK);
	char **n;

	if (wd < 0)
		return -1;
	if ((size_t)wd >= w->ndirs) {
		size_t cap = w->ndirs != 0 ? w->ndirs : 64;

		while (cap <= (size_t)wd)
			cap *= 2;
		n = realloc(w->dirs, cap * sizeof *n);
		if (n == NULL)
			return -1;
		memset(n + w->ndirs, 0, (cap - w->ndirs) * sizeof *n);
		w->dirs = n;
		w->ndirs = cap;
	}
	if (w->dirs[wd] == NULL) {
		w->dirs[wd] = strdup(relpath);
		if (w->dirs[wd] == NULL)
			return -1;
	} else if (w->dirs[wd] != ambiguous &&
		   strcmp(w->dirs[wd], relpath) != 0) {
		free(w->dirs[wd]);
		w->dirs[wd] = ambiguous;
	}
	return 0;
}

/* Note that relpath changed. */
static void
mark(struct watch *w, const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name), i;
	char *p, **np;

	if (w->full)
		return;
	p = malloc(dl + nl + 2);
	if (p == NULL) {
		w->full = true;
		return;
	}
	if (dl > 0) {
		memcpy(p, dir, dl);
		p[dl++] = '/';
	}
	memcpy(p + dl, name, nl + 1);
	for (i = 0; i < w->npaths; i++) {
		if (strcmp(w->paths[i], p) == 0) {
			free(p);
			return;
		}
	}
	if (w->npaths == WATCH_MAX_PATHS) {
		free(p);
		w->full = true;
		return;
	}
	np = realloc(w->paths, (w->npaths + 1) * sizeof *np);
	if (np == NULL) {
		free(p);
		w->full = true;
		return;
	}
	w->paths = np;
	w->paths[w->npaths++] = p;
}

static void
event(struct watch *w, const struct inotify_event *ev)
{
	const char *dir;

	if (ev->mask & IN_Q_OVERFLOW) {
		w->full = true;
		return;
	}
	if (ev->mask & IN_IGNORED) {
		forget(w, ev->wd);
		return;
	}
	dir = ev->wd >= 0 && (size_t)ev->wd < w->ndirs ? w->dirs[ev->wd]
						       : NULL;
	if (dir == NULL || dir == ambiguous) {
		w->full = true;
		return;
	}
	if (ev->len == 0 || ev->name[0] == '\0') {
		/* the folder itself: its parent's event covers a child */
		if (dir[0] == '\0')
			w->full = true;
		return;
	}
	if (ev->name[0] == '.')
		return; /* hidden: never listed */
	mark(w, dir, ev->name);
}

bool
watch_read(struct watch *w)
{
	char buf[16384]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	bool any = false;
	ssize_t n;
	char *p;

	while ((n = read(w->fd, buf, sizeof buf)) > 0) {
		any = true;
		for (p = buf; p < buf + n;
		     p += sizeof(struct inotify_event) + ev->len) {
			ev = (const struct inotify_event *)(void *)p;
			event(w, ev);
		}
	}
	return any;
}

static int
by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is p below q ("q/...")? */
static bool
below(const char *p, const char *q)
{
	size_t n = strlen(q);

	return strncmp(p, q, n) == 0 && p[n] == '/';
}

void
watch_take(struct watch *w, bool *full, char ***paths, size_t *n)
{
	size_t i, k = 0;

	*full = w->full;
	*paths = NULL;
	*n = 0;
	if (w->full) {
		watch_paths_free(w->paths, w->npaths);
	} else {
		/* sorted, so a folder comes before what is below it */
		if (w->npaths > 1)
			qsort(w->paths, w->npaths, sizeof *w->paths, by_str);
		for (i = 0; i < w->npaths; i++) {
			size_t j;

			for (j = 0; j < k && !below(w->paths[i], w->paths[j]);
			     j++)
				;
			if (j < k)
				free(w->paths[i]);
			else
				w->paths[k++] = w->paths[i];
		}
		*paths = w->paths;
		*n = k;
	}
	w->paths = NULL;
	w->npaths = 0;
	w->full = false;
}

void
watch_paths_free(char **paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

void
watch_free(struct watch *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->ndirs; i++)
		forget(w, (int)i);
	free(w->dirs);
	watch_paths_free(w->paths, w->npaths);
	close(w->fd);
	free(w);
}
