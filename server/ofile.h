/*
 * ofile: a reference-counted cache of open track files keyed by device and
 * inode, so that all streams of one file share one descriptor (read with
 * pread at each stream's own offset), as nginx's open_file_cache does.
 */
#ifndef AS_OFILE_H
#define AS_OFILE_H

#include <sys/stat.h>

struct ofile {
	int fd;
	dev_t dev;
	ino_t ino;
};

/*
 * Open relpath under the folder rootfd as a regular file, read-only, and
 * fstat it into *st. On success returns a reference the caller gives back
 * with ofile_release. On failure returns NULL with errno set (EINVAL: not
 * a regular file).
 */
struct ofile *ofile_open(int rootfd, const char *relpath, struct stat *st);

/* Give back a reference; the descriptor closes with the last one. */
void ofile_release(struct ofile *of);

#endif
