/*
 * log: diagnostics to stderr and the access log (Combined Log Format).
 */
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048 /* longer messages are cut */

static const char *log_prog = "as";
static enum log_level log_level = LOG_LEVEL_INFO;
static int log_access_fd = STDERR_FILENO;

static const char *const level_names[] = {"warn", "info", "debug"};

void
log_init(const char *prog, enum log_level level)
{
	log_prog = prog;
	log_level = level;
}

/* Write all of buf, retrying on EINTR and short writes; errors are lost. */
static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

void
log_msg(enum log_level level, const char *func, const char *fmt, ...)
{
	char line[LOG_LINE_MAX];
	va_list ap;
	int n, m;

	if (level > log_level)
		return;
	n = snprintf(line, sizeof line, "%s: %s: %s: ", log_prog,
		     level_names[level], func);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	va_start(ap, fmt);
	m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if ((size_t)n >= sizeof line - 1)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	write_all(STDERR_FILENO, line, (size_t)n);
}

int
log_access_open(const char *path)
{
	int fd;

	if (path == NULL) {
		log_access_fd = STDERR_FILENO;
		return 0;
	}
	if (strcmp(path, LOG_ACCESS_OFF) == 0) {
		log_access_fd = -1;
		return 0;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	log_access_fd = fd;
	return 0;
}

bool
log_access_wanted(void)
{
	return log_access_fd >= 0;
}

void
log_access(const char *line, int len)
{
	char buf[LOG_LINE_MAX + 1];

	if (len < 0 || log_access_fd < 0)
		return;
	if ((size_t)len > LOG_LINE_MAX)
		len = LOG_LINE_MAX;
	memcpy(buf, line, (size_t)len);
	buf[len] = '\n';
	write_all(log_access_fd, buf, (size_t)len + 1);
}
