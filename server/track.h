/*
 * track: one entry of the library, and the rules that make a file a track.
 */
#ifndef AS_TRACK_H
#define AS_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct track {
	char *path;	  /* relative to the library root, valid UTF-8 */
	const char *type; /* MIME type, static */
	uint64_t size;
	int64_t mtime_ns; /* since the epoch */
	dev_t dev;
	ino_t ino;
	/* Tags; NULL or negative while unknown. */
	char *title;
	char *artist;
	char *album;
	char *album_artist;
	char *genre;
	double duration; /* seconds, < 0 when unknown */
	int number;	 /* track number, 0 when unknown */
	int disc;	 /* disc number, 0 when unknown */
	int year;	 /* 0 when unknown */
	bool tagged;	 /* the tags above were read (or found unreadable) */
};

/*
 * The MIME type for a file name by its extension (case-insensitive: .wav
 * .mp3 .ogg .oga .opus .flac .m4a), or NULL when it is not a track.
 */
const char *track_type_for_name(const char *name);

/* Is name a hidden entry (starts with a dot)? */
bool track_is_hidden(const char *name);

/* Is s[0..len) valid UTF-8 (RFC 3629) without NUL bytes? */
bool track_utf8_valid(const char *s, size_t len);

/* Can path be listed faithfully: valid UTF-8 (RFC 3629), no newline? */
bool track_path_listable(const char *path, size_t len);

/*
 * Copy src's tag fields (not its file fields) into dst, replacing dst's.
 * 0, or -1 when out of memory (dst's tags are then unknown).
 */
int track_copy_tags(struct track *dst, const struct track *src);

/* Deep copy of src into dst. 0, or -1 when out of memory. */
int track_copy(struct track *dst, const struct track *src);

/* qsort/bsearch order of tracks: bytewise by path. */
int track_by_path(const void *a, const void *b);

/* Free what t owns (not t itself). */
void track_clear(struct track *t);

#endif
