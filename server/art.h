/*
 * art: a track's picture (cover art) and its scaled copies.
 *
 * The picture is the one embedded in the track (tagpic.h), else an image
 * in the track's folder named cover, folder, front or album (in that
 * order) with .jpg, .jpeg or .png (in that order; names compared
 * case-insensitively). Only JPEG and PNG count, by their magic bytes.
 * Scaling decodes untrusted images with libvips, behind the caps below,
 * which a fuzz target (tests/fuzz/fuzz_art.c) exercises.
 */
#ifndef AS_ART_H
#define AS_ART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tagpic.h"

#define ART_SIZE_MIN 16		/* ?size=N, pixels of the longer side */
#define ART_SIZE_MAX 1024	/* (ART_SIZE_MIN..ART_SIZE_MAX) */
#define ART_FILE_MAX TAGPIC_MAX /* bytes of a folder image */
#define ART_SIDE_MAX 12000u	/* pixels of a side, checked before decoding */
#define ART_PIXELS_MAX (48u * 1000 * 1000) /* width x height, likewise */
#define ART_ETAG_LEN 80

enum art_result {
	ART_OK = 0,
	ART_NONE = 1,	/* no picture */
	ART_ERROR = -1, /* the track or picture cannot be read */
};

struct art_picture {
	unsigned char *data; /* malloc'd */
	size_t len;
	const char *type;     /* "image/jpeg" or "image/png", static */
	uint64_t src_size;    /* of the file the picture came from: */
	int64_t src_mtime_ns; /* the track, or the folder image */
	bool embedded;
};

/*
 * Start libvips (once, before any art_scale; later calls do nothing):
 * no operation cache, one thread per operation, and only the JPEG and PNG
 * loaders allowed. 0, or -1 when libvips cannot start.
 */
int art_init(void);

/*
 * Find the picture of the track at relpath under the folder rootfd, which
 * must still be the file (dev, ino) the library listed: another one there
 * (a link put in its place) gives ART_ERROR. On ART_OK, *pic holds the
 * picture (free with art_picture_clear); otherwise *pic is empty.
 */
enum art_result art_find(int rootfd, const char *relpath, dev_t dev, ino_t ino,
			 struct art_picture *pic);

/* Has the track at relpath a picture (what art_find would find)? */
bool art_probe(int rootfd, const char *relpath);

void art_picture_clear(struct art_picture *pic);

/*
 * Scale the JPEG or PNG (in, n) so that its longer side is at most size
 * pixels (never enlarged) and encode it as JPEG into *out (g_malloc'd by
 * libvips: free with art_free) of *outlen bytes. 0, or -1 with *cause (a
 * malloc'd message, NULL when out of memory) when the picture is not an
 * image within the caps above or does not decode.
 */
int art_scale(const unsigned char *in, size_t n, unsigned size,
	      unsigned char **out, size_t *outlen, char **cause);

/* Free what art_scale returned. */
void art_free(void *p);

/*
 * The strong ETag of pic's representation: scaled to size pixels, or the
 * picture itself when size is 0.
 */
void art_etag(char *buf, size_t len, const struct art_picture *pic,
	      unsigned size);

#endif
