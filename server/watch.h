/*
 * watch: inotify watches on every folder of the library, turned into the
 * list of relative paths whose subtrees changed.
 */
#ifndef AS_WATCH_H
#define AS_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#define WATCH_MAX_PATHS 256 /* more changed paths than this: rescan all */

struct watch;

/* A new watcher, or NULL when inotify is not available (errno set). */
struct watch *watch_new(void);

/* The descriptor to poll for events. */
int watch_fd(const struct watch *w);

/*
 * Watch the folder abspath, known in the library as relpath ("" for the
 * root). Returns 0, or -1 with errno set (ENOSPC: the watch limit).
 */
int watch_add(struct watch *w, const char *abspath, const char *relpath);

/* Read the pending events; true if any arrived. */
bool watch_read(struct watch *w);

/*
 * Take what changed since the last call: *full when everything must be
 * rescanned (queue overflow, the root itself, a folder seen under two
 * paths, too many paths); otherwise *n relative paths, none below
 * another, in a malloc'd array freed with watch_paths_free.
 */
void watch_take(struct watch *w, bool *full, char ***paths, size_t *n);

void watch_paths_free(char **paths, size_t n);

void watch_free(struct watch *w);

#endif
