/*
 * tagfile: TagLib's C++ API behind a C interface: the raw tag strings and
 * the duration of one file, as TagLib's property map names them. Parsing
 * numbers and dates out of them is tags.c's job.
 */
#ifndef AS_TAGFILE_H
#define AS_TAGFILE_H

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct tagfile {
	/* malloc'd UTF-8 strings, NULL when absent; the first value of a
	 * multi-valued tag */
	char *title;
	char *artist;
	char *album_artist;
	char *album;
	char *genre;
	char *date;	  /* "1999", "1999-05-01"... as written */
	char *track;	  /* "3" or "3/12" */
	char *disc;	  /* "1" or "1/2" */
	long duration_ms; /* < 0 when unknown */
};

/*
 * Read the file at path into *tf (zeroed first). The container is chosen
 * by the name's extension; ogg is also tried as Ogg Opus. A WAV file's
 * RIFF INFO chunk fills what its ID3v2 chunk lacks. Returns 0, or -1 when
 * TagLib cannot read the file (or memory ran out); *tf then holds nothing
 * to free. Free with tagfile_clear. Not thread-safe against itself.
 */
int tagfile_read(const char *path, bool maybe_opus, struct tagfile *tf);

void tagfile_clear(struct tagfile *tf);

#ifdef __cplusplus
}
#endif

#endif
