/*
 * catalog: artists, albums, genres and stable IDs, built from one library
 * table. Immutable once built: any number of threads may read it.
 *
 * IDs are "tr-", "al-" or "ar-" and 16 lowercase hex digits of a 64-bit
 * FNV-1a hash of: the track's relative path ("tr-"); the album artist and
 * the album name, case-folded, joined by a NUL byte ("al-"); the album
 * artist, case-folded ("ar-"). They stay the same across restarts,
 * rescans and replicas for as long as a file keeps its path and tags.
 * Case folding is locale-independent: ASCII, Latin-1, Latin Extended-A,
 * Greek and Cyrillic capitals map to their small letters.
 *
 * A track's album artist is its album artist tag, else its artist tag,
 * else CATALOG_UNKNOWN_ARTIST; its album is its album tag, else
 * CATALOG_UNKNOWN_ALBUM (the Subsonic/Navidrome convention).
 */
#ifndef AS_CATALOG_H
#define AS_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "track.h"

#define CATALOG_ID_LEN 20 /* "ar-", "al-", "tr-" + 16 lowercase hex + NUL */
#define CATALOG_UNKNOWN_ARTIST "[Unknown Artist]"
#define CATALOG_UNKNOWN_ALBUM "[Unknown Album]"

/* songs[i] describes tracks[i] */
struct catalog_song {
	char id[CATALOG_ID_LEN];
	size_t album;  /* index in albums */
	size_t artist; /* index in artists (the album's artist) */
};

struct catalog_artist {
	char id[CATALOG_ID_LEN];
	const char *name;
	size_t *albums; /* album indexes, by year then name */
	size_t album_count;
	size_t song_count;
};

struct catalog_album {
	char id[CATALOG_ID_LEN];
	const char *name;
	/* The contract as agreed named both of these "artist", which C
	 * cannot compile: the index keeps the name, as in catalog_song. */
	const char *artist_name; /* the album artist's name */
	size_t artist;		 /* index in artists */
	int year;		 /* the first song's known year; 0 unknown */
	const char *genre;	 /* the first song's known genre, or NULL */
	size_t *songs;		 /* track indexes in disc, track, path order */
	size_t song_count;
	double duration;    /* sum of the songs' known durations, seconds */
	int64_t created_ns; /* newest mtime of its songs */
	size_t art_track;   /* a track whose picture stands for the album:
			       its first song */
};

struct catalog_genre {
	const char *name;
	size_t song_count;
	size_t album_count; /* albums with at least one song of the genre */
};

struct catalog {
	const struct track *tracks; /* the table it was built from (by path) */
	size_t track_count;
	struct catalog_song *songs;
	struct catalog_artist *artists; /* by name, case-insensitive */
	size_t artist_count;
	struct catalog_album *albums; /* by name, case-insensitive, then by
					 artist name */
	size_t album_count;
	struct catalog_genre *genres; /* by name, bytewise */
	size_t genre_count;
	/* private: IDs' hashes with their index, sorted, for lookups; the
	 * pools that albums' songs and artists' albums point into */
	struct catalog_key *song_keys, *album_keys, *artist_keys;
	size_t *song_pool, *album_pool;
};

/*
 * Build the catalogue of tracks[0..n) (sorted by path, as a library
 * table is). It points into tracks, which must outlive it. NULL when out
 * of memory. Free with catalog_free.
 */
struct catalog *catalog_build(const struct track *tracks, size_t n);

void catalog_free(struct catalog *c);

/* Lookups by ID: the index, or -1 when no such ID. O(log n). */
long catalog_song_index(const struct catalog *c, const char *id);
long catalog_album_index(const struct catalog *c, const char *id);
long catalog_artist_index(const struct catalog *c, const char *id);

/*
 * s case-folded as names are for IDs and order (the capitals of the
 * scripts above to their small letters; everything else as it is) into
 * buf of cap > 0 bytes, NUL-terminated; a longer s is cut at a
 * character's start. Returns the bytes written, the NUL not counted.
 */
size_t catalog_fold(const char *s, char *buf, size_t cap);

#endif
