/*
 * scan: walk a library folder and build its sorted track table, following
 * the rules of API.md ("The library and its indexes").
 */
#ifndef AS_SCAN_H
#define AS_SCAN_H

#include <stddef.h>

#include "track.h"

#define SCAN_MAX_DEPTH 64	/* deeper folders are skipped */
#define SCAN_MAX_TRACKS 2000000 /* a bigger library is cut, with a warning */

struct scan_hooks {
	/* An entry left out, with why (e.g. a link that leaves the library).
	 * path is relative to the root and may not be valid UTF-8. */
	void (*skip)(void *arg, const char *path, const char *why);
	/* A folder that was walked, absolute path (for inotify watches). */
	void (*dir)(void *arg, const char *abspath);
	void *arg;
};

/*
 * Scan root. On success returns 0 and a malloc'd table of *count tracks
 * sorted bytewise by path (free with scan_free). On failure (root missing
 * or unreadable) returns -1 and a malloc'd *cause the caller frees. hooks
 * may be NULL.
 */
int scan_library(const char *root, const struct scan_hooks *hooks,
		 struct track **tracks, size_t *count, char **cause);

/*
 * Scan only relpath (a file or folder below root, "a/b/c", by the same
 * rules, including those of the folders on the way) and return its tracks
 * as scan_library does. A path that is gone, hidden or outside the
 * library gives no tracks.
 */
int scan_subtree(const char *root, const char *relpath,
		 const struct scan_hooks *hooks, struct track **tracks,
		 size_t *count, char **cause);

/* Free a table from scan_library. */
void scan_free(struct track *tracks, size_t count);

#endif
