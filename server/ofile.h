/*
 * ofile: a reference-counted cache of open track files keyed by device and
 * inode, so that all streams of one file share one descriptor (read with
 * pread at each stream's own offset), as nginx's open_file_cache does. The
 * last OFILE_IDLE_MAX files released stay open for the next request.
 */
#ifndef AS_OFILE_H
#define AS_OFILE_H

#include <sys/stat.h>

#define OFILE_IDLE_MAX 64 /* released files kept open */

struct ofile {
	int fd;
	dev_t dev;
	ino_t ino;
};

/*
 * Open relpath under the folder rootfd as a regular file, read-only, and
 * stat it into *st: the file the path names now, never an older one that
 * was cached. On success returns a reference the caller gives back with
 * ofile_release. On failure returns NULL with errno set (EINVAL: not a
 * regular file).
 */
struct ofile *ofile_open(int rootfd, const char *relpath, struct stat *st);

/* Give back a reference. The last one leaves the file open but idle, until
 * OFILE_IDLE_MAX more recently released files push it out. */
void ofile_release(struct ofile *of);

#endif
