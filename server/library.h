/*
 * library: the current track table of the library folder, kept current by
 * inotify, a periodic rescan and library_rescan (SIGHUP).
 *
 * Readers take a snapshot (library_get) and give it back (library_put); a
 * rescan builds a whole new table and swaps it in, so a reader never sees
 * a half-built one and a snapshot never changes while held.
 */
#ifndef AS_LIBRARY_H
#define AS_LIBRARY_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "track.h"

struct library;

struct library_snap {
	const struct track *tracks; /* sorted bytewise by path */
	size_t count;
	uint64_t generation; /* changes whenever the table changes */
	/* Artists, albums and IDs of this table; never NULL. */
	const struct catalog *catalog;
};

/*
 * Scan root and return the library, or NULL with a malloc'd *cause (NULL
 * only when out of memory) when the folder cannot be read. rescan is the
 * fallback period in seconds; cache_file (may be NULL) keeps tags across
 * restarts.
 */
struct library *library_open(const char *root, unsigned rescan,
			     const char *cache_file, char **cause);

/*
 * Start the watcher thread (inotify plus the periodic rescan) and the
 * tagger thread, which reads the tags of new tracks in the background and
 * publishes them as new generations. 0 or -1.
 */
int library_watch(struct library *lib);

/* Ask the watcher for a rescan soon (async-signal-safe). */
void library_request_rescan(struct library *lib);

/* Rescan now, in the calling thread. 0, or -1 when the folder is unreadable
 * (the old table stays). */
int library_rescan(struct library *lib);

/*
 * Rescan only the subtrees paths[0..n) (relative paths, none below
 * another) and merge them into the table. 0, or -1 when that failed (the
 * caller then rescans everything).
 */
int library_update(struct library *lib, char *const *paths, size_t n);

/* A descriptor of the root folder, for openat. */
int library_root_fd(const struct library *lib);

/* The root's real path. */
const char *library_root(const struct library *lib);

const struct library_snap *library_get(struct library *lib);
void library_put(struct library *lib, const struct library_snap *snap);

/*
 * Stop the threads and free everything (no snapshot may be held). A
 * thread still busy after a short wait (a long scan) is left to the
 * process exit, with its memory.
 */
void library_close(struct library *lib);

#endif
