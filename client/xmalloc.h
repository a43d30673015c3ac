/*
 * xmalloc: allocation that never returns NULL (as tmux's xmalloc.c). Out of
 * memory is fatal: the client prints one line and exits 1. Used for small,
 * bounded allocations; the stream buffer (dynbuf) handles failure itself.
 */
#ifndef AS_XMALLOC_H
#define AS_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A newly allocated formatted string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
	__attribute__((format(printf, 1, 0)));

#endif
