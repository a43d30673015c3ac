/*
 * tags: what TagLib knows of a track (title, artist, album, album artist,
 * genre, year, track and disc numbers, duration), and the cache file that
 * spares a restart from reading every file again.
 */
#ifndef AS_TAGS_H
#define AS_TAGS_H

#include <stddef.h>

#include "track.h"

/*
 * Read the tags of the file at path into t's tag fields (NULL, 0 or -1
 * when absent; strings valid UTF-8 of at most 1 KiB; year from the date
 * tag's leading number, track and disc from "N" or "N/M") and set
 * t->tagged. A file TagLib cannot read leaves them unknown. t's tag
 * fields must be unset on entry. Not thread-safe: one thread reads tags.
 */
void tags_read(const char *path, struct track *t);

struct tags_cache;

/*
 * Load a cache file. A missing, unreadable or corrupt file gives an empty
 * (or partial) cache, never an error; NULL only when out of memory.
 */
struct tags_cache *tags_cache_load(const char *file);

/*
 * Fill t's tags from the cache if it holds t->path with the same size and
 * mtime. Returns 1 when it did, 0 otherwise.
 */
int tags_cache_apply(const struct tags_cache *c, struct track *t);

void tags_cache_free(struct tags_cache *c);

/*
 * Write the tags of every tagged track to file (a temporary file, then
 * rename). 0, or -1 with errno set.
 */
int tags_cache_save(const char *file, const struct track *tracks, size_t n);

#endif
