/*
 * tagpic: the picture embedded in a track (ID3v2 APIC in MP3 and WAV, FLAC
 * PICTURE, MP4 covr, METADATA_BLOCK_PICTURE in Ogg Vorbis, Opus and FLAC),
 * read with TagLib's C++ API behind this C interface.
 *
 * The container is chosen by the file's first bytes, never by its name.
 * When a file holds several pictures, the front cover wins, else the
 * first. Only JPEG and PNG pictures count (by their own magic bytes, not
 * the MIME type the tag claims); others are treated as absent.
 */
#ifndef AS_TAGPIC_H
#define AS_TAGPIC_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TAGPIC_MAX (8u * 1024 * 1024)	   /* bytes of one picture */
#define TAGPIC_ID3_MAX (16u * 1024 * 1024) /* bytes of an ID3v2 tag */

enum tagpic_result {
	TAGPIC_FOUND = 1,
	TAGPIC_NONE = 0,
	TAGPIC_ERROR = -1 /* unreadable, over a cap, or out of memory */
};

/*
 * Find the picture in the file open on fd (a regular file; fd stays open,
 * its offset is not used). With data non-NULL, on TAGPIC_FOUND *data holds
 * a malloc'd copy of the picture (the caller frees it) and *len its size;
 * with data NULL, only say whether there is one.
 */
enum tagpic_result tagpic_read_fd(int fd, unsigned char **data, size_t *len);

/* The same for a whole file held in memory (buf, n): the fuzz target's
 * way in. */
enum tagpic_result tagpic_read_mem(const void *buf, size_t n,
				   unsigned char **data, size_t *len);

/* Is (p, n) a JPEG or a PNG, by its magic bytes? Sets *png. */
bool tagpic_is_image(const unsigned char *p, size_t n, bool *png);

#ifdef __cplusplus
}
#endif

#endif
