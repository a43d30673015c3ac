/*
 * save: where `get` and `stream+` put a track. The library directory is
 * created with mode 0700 when missing; a track's folders are created under
 * it, walking one component at a time without following symbolic links, so
 * no path from the server can write outside the library. The body goes to
 * "<name>.part" and is renamed to "<name>" only once it is complete. Next
 * to a .part, "<name>.part.etag" keeps the validator of the server's
 * answer (its ETag, else its Last-Modified date) that the bytes in the
 * .part belong to, so a later request can resume them with If-Range; it
 * goes when the .part is emptied or committed.
 */
#ifndef AS_SAVE_H
#define AS_SAVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

struct save_file {
	int dirfd;     /* the track's folder; -1 when closed */
	int fd;	       /* the .part, open for writing; -1 when closed */
	char *name;    /* final file name inside dirfd */
	char *part;    /* name + ".part" */
	char *tag;     /* name + ".part.etag": the validator's file */
	char *display; /* "<library>/<relative path>", for messages */
	uint64_t size; /* bytes in the .part now */
};

/*
 * Open the library directory, creating it with mode 0700 (whatever the
 * umask) when it is missing. Refuses a path that is not a writable
 * directory. On success stores an open descriptor in *fd (caller closes)
 * and the directory's permission bits in *mode; else -1 with *cause set.
 */
int get_library_dir_permission(const char *library, int *fd, mode_t *mode,
			       char **cause);

/*
 * Prepare to save relpath (already checked by tracklist_check_path) under
 * library: create its folders with the library's permission bits and open
 * the last one. No file is opened yet. -1 with *cause set on failure; the
 * caller calls save_close either way.
 */
int save_open(const char *library, const char *relpath, struct save_file *s,
	      char **cause);

/* True when a regular file of exactly size bytes is at the final path. */
bool save_is_complete(const struct save_file *s, uint64_t size);

/*
 * Open (creating) the .part; keep its bytes when resume is true, else
 * truncate it. Sets s->size. -1 with *cause set.
 */
int save_open_part(struct save_file *s, bool resume, char **cause);

/*
 * Empty the .part (and drop its validator) and write from its start
 * again. -1 with *cause set.
 */
int save_truncate(struct save_file *s, char **cause);

/*
 * The most a caller hands save_write at once when it holds more: a GiB in
 * 4,096 writes. 1 MiB made fewer but was erratic on a VM: such writes fill
 * the page cache with large folios, and when those came from memory the
 * host had taken back, a 1 GiB `get` took 1.0-1.7 s instead of 0.5 s
 * (three runs in eight; at 256 KiB 0.49-0.68 s in all eight).
 */
#define SAVE_WRITE_CHUNK ((size_t)256 * 1024)

/* Append all n bytes to the .part. -1 with *cause set (errno kept). */
int save_write(struct save_file *s, const void *p, size_t n, char **cause);

/*
 * The validator kept for the .part, into buf of len >= HEADER_VALIDATOR_MAX
 * + 1 bytes: true when there is one and it reads back valid (one line,
 * header_validator_ok), else false.
 */
bool save_validator_load(const struct save_file *s, char *buf, size_t len);

/*
 * Keep v (a valid validator) for the bytes now in the .part; NULL drops
 * it. -1 with *cause set (and no validator kept).
 */
int save_validator_store(struct save_file *s, const char *v, char **cause);

/* Forget the .part's validator (its bytes no longer match it). */
void save_validator_drop(struct save_file *s);

/* The modification time of the .part, or -1 when unknown. */
time_t save_part_mtime(const struct save_file *s);

/* Set the .part's modification time (the server's Last-Modified). */
void save_set_mtime(struct save_file *s, time_t mtime);

/*
 * Check the .part holds exactly expect bytes, close it and rename it to the
 * final name, dropping its validator. -1 with *cause set (the .part and
 * its validator stay).
 */
int save_commit(struct save_file *s, uint64_t expect, char **cause);

/* Close whatever is open and free the names; a .part stays on disk. */
void save_close(struct save_file *s);

#endif
