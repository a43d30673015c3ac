/*
 * log: diagnostics to stderr and the access log (Combined Log Format).
 * Thread-safe: each line goes out in one write(2).
 */
#ifndef AS_LOG_H
#define AS_LOG_H

#include <stdbool.h>

enum log_level {
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* Set the program name and the most verbose level that is printed. */
void log_init(const char *prog, enum log_level level);

void log_msg(enum log_level level, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_warn(...) log_msg(LOG_LEVEL_WARN, __func__, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __func__, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __func__, __VA_ARGS__)

#define LOG_ACCESS_OFF "off" /* the path that means no access log */

/*
 * Send access log lines to path (appending), to stderr when path is NULL,
 * or nowhere when it is LOG_ACCESS_OFF. 0, or -1 with errno set.
 */
int log_access_open(const char *path);

/* Whether access log lines go anywhere (worth formatting). */
bool log_access_wanted(void);

/* Write one access log line (a newline is added). */
void log_access(const char *line, int len);

#endif
