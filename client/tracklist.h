/*
 * tracklist: the server's /list?format=json answer, parsed and checked.
 * The server is not trusted: a wrong type, a missing key, a count past
 * TRACKLIST_MAX_TRACKS, an index that is not the track's position, or a
 * string with a NUL in it rejects the whole list. A path that could not be
 * saved safely under the library directory (absolute, "..", empty
 * components, control bytes) keeps its track but marks it unsafe, so `list`
 * still shows it and `get` refuses it with the reason.
 */
#ifndef AS_TRACKLIST_H
#define AS_TRACKLIST_H

#include <stddef.h>
#include <stdint.h>

#define TRACKLIST_MAX_TRACKS 1000000
#define TRACKLIST_MAX_JSON ((size_t)256 * 1024 * 1024) /* body bytes */
#define TRACKLIST_MAX_STRING 4096 /* bytes in a path or a tag */
#define TRACKLIST_MAX_NAME 255	  /* bytes in one path component */

struct track {
	uint64_t index;
	char *path;	 /* relative path as the server sent it (UTF-8) */
	uint64_t size;	 /* bytes */
	double duration; /* seconds, or -1 when unknown */
	char *title;	 /* tags: NULL when unknown */
	char *artist;
	char *album;
	char *unsafe; /* NULL, or why the path must not be saved */
};

struct tracklist {
	struct track *tracks; /* tracks[i].index == i */
	size_t count;
};

/*
 * Parse len bytes of JSON into *out (which the caller frees with
 * tracklist_free). 0, or -1 with *cause set (caller frees) and *out empty.
 */
int tracklist_parse(const char *json, size_t len, struct tracklist *out,
		    char **cause);

/* Free the tracks; *l becomes an empty list. */
void tracklist_free(struct tracklist *l);

/*
 * 0 when path is a relative path that stays under the directory it is
 * joined to; else -1 with *cause set (caller frees).
 */
int tracklist_check_path(const char *path, char **cause);

/*
 * A copy of s for messages, with control bytes (never in a safe path)
 * shown as '?'. The caller frees it.
 */
char *tracklist_printable(const char *s);

#endif
