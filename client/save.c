/*
 * save: creating the library's folders and the .part files safely; see
 * save.h.
 */
#include "save.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "header.h"
#include "xmalloc.h"

#define SAVE_LIBRARY_MODE 0700
#define SAVE_DIR_FLAGS (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)

/* Create the library directory if missing, with exactly mode 0700. */
static int
save_make_library(const char *library, char **cause)
{
	if (mkdir(library, SAVE_LIBRARY_MODE) < 0) {
		if (errno == EEXIST)
			return 0;
		*cause = xasprintf("cannot create library directory %s: %s",
				   library, strerror(errno));
		return -1;
	}
	if (chmod(library, SAVE_LIBRARY_MODE) < 0) {
		*cause = xasprintf("cannot set mode 0700 on %s: %s", library,
				   strerror(errno));
		return -1;
	}
	return 0;
}

int
get_library_dir_permission(const char *library, int *fd, mode_t *mode,
			   char **cause)
{
	struct stat st;

	*fd = -1;
	if (save_make_library(library, cause) < 0)
		return -1;
	*fd = open(library, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0 || fstat(*fd, &st) < 0) {
		*cause = xasprintf("library %s is not a directory: %s",
				   library, strerror(errno));
		goto fail;
	}
	if (faccessat(AT_FDCWD, library, W_OK | X_OK, AT_EACCESS) < 0) {
		*cause = xasprintf("library directory %s is not writable: %s",
				   library, strerror(errno));
		goto fail;
	}
	*mode = st.st_mode & 07777;
	return 0;
fail:
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	return -1;
}

/*
 * Open folder name under dirfd, creating it with mode when missing; never
 * follows a symbolic link. Returns the new descriptor or -1 (errno set).
 */
static int
save_open_dir(int dirfd, const char *name, mode_t mode)
{
	int fd = openat(dirfd, name, SAVE_DIR_FLAGS);

	if (fd >= 0 || errno != ENOENT)
		return fd;
	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return -1;
	fd = openat(dirfd, name, SAVE_DIR_FLAGS);
	if (fd >= 0 && fchmod(fd, mode) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Walk the folders of relpath (all but its last component) from s->dirfd. */
static int
save_walk(struct save_file *s, const char *relpath, mode_t mode, char **cause)
{
	const char *p = relpath;
	char *comp;
	int fd;

	for (;;) {
		size_t len = strcspn(p, "/");

		if (p[len] == '\0') {
			s->name = xstrndup(p, len);
			return 0;
		}
		comp = xstrndup(p, len);
		fd = save_open_dir(s->dirfd, comp, mode);
		if (fd < 0) {
			*cause =
				xasprintf("cannot make folder %.*s for %s: %s",
					  (int)(p + len - relpath), relpath,
					  s->display, strerror(errno));
			free(comp);
			return -1;
		}
		free(comp);
		close(s->dirfd);
		s->dirfd = fd;
		p += len + 1;
	}
}

int
save_open(const char *library, const char *relpath, struct save_file *s,
	  char **cause)
{
	mode_t mode;

	memset(s, 0, sizeof(*s));
	s->dirfd = -1;
	s->fd = -1;
	s->display = xasprintf("%s/%s", library, relpath);
	if (get_library_dir_permission(library, &s->dirfd, &mode, cause) < 0)
		return -1;
	if (save_walk(s, relpath, mode, cause) < 0)
		return -1;
	s->part = xasprintf("%s.part", s->name);
	s->tag = xasprintf("%s.part.etag", s->name);
	return 0;
}

bool
save_is_complete(const struct save_file *s, uint64_t size)
{
	struct stat st;

	if (fstatat(s->dirfd, s->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return S_ISREG(st.st_mode) && (uint64_t)st.st_size == size;
}

int
save_open_part(struct save_file *s, bool resume, char **cause)
{
	struct stat st;
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;

	s->fd = openat(s->dirfd, s->part, flags, 0666);
	if (s->fd < 0 || fstat(s->fd, &st) < 0) {
		*cause = xasprintf("cannot open %s.part: %s", s->display,
				   strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		*cause =
			xasprintf("%s.part is not a regular file", s->display);
		return -1;
	}
	s->size = (uint64_t)st.st_size;
	if (!resume || s->size == 0)
		return save_truncate(s, cause);
	if (lseek(s->fd, 0, SEEK_END) < 0) {
		*cause = xasprintf("cannot seek in %s.part: %s", s->display,
				   strerror(errno));
		return -1;
	}
	return 0;
}

int
save_truncate(struct save_file *s, char **cause)
{
	if (ftruncate(s->fd, 0) < 0 || lseek(s->fd, 0, SEEK_SET) < 0) {
		*cause = xasprintf("cannot truncate %s.part: %s", s->display,
				   strerror(errno));
		return -1;
	}
	s->size = 0;
	save_validator_drop(s);
	return 0;
}

bool
save_validator_load(const struct save_file *s, char *buf, size_t len)
{
	char data[HEADER_VALIDATOR_MAX + 2];
	ssize_t n;
	int fd;

	if (len < HEADER_VALIDATOR_MAX + 1)
		return false;
	fd = openat(s->dirfd, s->tag, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, data, sizeof(data));
	close(fd);
	if (n < 2 || data[n - 1] != '\n' ||
	    !header_validator_ok(data, (size_t)n - 1))
		return false;
	memcpy(buf, data, (size_t)n - 1);
	buf[n - 1] = '\0';
	return true;
}

int
save_validator_store(struct save_file *s, const char *v, char **cause)
{
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC;
	size_t len;
	int fd, e = 0;

	if (v == NULL) {
		save_validator_drop(s);
		return 0;
	}
	len = strlen(v);
	errno = 0;
	fd = openat(s->dirfd, s->tag, flags, 0666);
	if (fd < 0 || write(fd, v, len) != (ssize_t)len ||
	    write(fd, "\n", 1) != 1)
		e = errno != 0 ? errno : ENOSPC;
	if (fd >= 0 && close(fd) < 0 && e == 0)
		e = errno;
	if (e == 0)
		return 0;
	*cause = xasprintf("cannot write %s.part.etag: %s", s->display,
			   strerror(e));
	save_validator_drop(s);
	return -1;
}

void
save_validator_drop(struct save_file *s)
{
	if (s->dirfd >= 0 && s->tag != NULL)
		(void)unlinkat(s->dirfd, s->tag, 0);
}

int
save_write(struct save_file *s, const void *p, size_t n, char **cause)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(s->fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : ENOSPC;

			*cause = xasprintf("cannot write %s.part: %s",
					   s->display, strerror(e));
			errno = e;
			return -1;
		}
		c += w;
		n -= (size_t)w;
		s->size += (uint64_t)w;
	}
	return 0;
}

time_t
save_part_mtime(const struct save_file *s)
{
	struct stat st;

	if (s->fd < 0 || fstat(s->fd, &st) < 0)
		return -1;
	return st.st_mtime;
}

void
save_set_mtime(struct save_file *s, time_t mtime)
{
	struct timespec ts[2];

	if (s->fd < 0 || mtime < 0)
		return;
	ts[0].tv_sec = mtime;
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
	(void)futimens(s->fd, ts);
}

int
save_commit(struct save_file *s, uint64_t expect, char **cause)
{
	int fd = s->fd;

	if (s->size != expect) {
		*cause = xasprintf("%s.part has %llu bytes, not the %llu "
				   "expected; kept for a later get",
				   s->display, (unsigned long long)s->size,
				   (unsigned long long)expect);
		return -1;
	}
	s->fd = -1;
	if (close(fd) < 0) {
		*cause = xasprintf("cannot write %s.part: %s", s->display,
				   strerror(errno));
		return -1;
	}
	if (renameat(s->dirfd, s->part, s->dirfd, s->name) < 0) {
		*cause = xasprintf("cannot rename %s.part to %s: %s",
				   s->display, s->display, strerror(errno));
		return -1;
	}
	save_validator_drop(s);
	return 0;
}

void
save_close(struct save_file *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->dirfd >= 0)
		close(s->dirfd);
	s->fd = -1;
	s->dirfd = -1;
	free(s->name);
	free(s->part);
	free(s->tag);
	free(s->display);
	s->name = NULL;
	s->part = NULL;
	s->tag = NULL;
	s->display = NULL;
}
