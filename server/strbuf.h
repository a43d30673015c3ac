/*
 * strbuf: a growing, NUL-terminated output buffer with a size limit, for
 * the writers of whole answers (listings, Subsonic XML, DIDL-Lite).
 *
 * Once anything does not fit (out of memory, or past max bytes), failed is
 * set and every later call does nothing: a writer appends without checking
 * and looks once, at strbuf_take. Start one with STRBUF_INIT.
 */
#ifndef AS_STRBUF_H
#define AS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *buf;   /* NUL-terminated once anything was added */
	size_t len;  /* bytes before the NUL */
	size_t cap;  /* bytes allocated */
	size_t max;  /* len never passes it */
	bool failed; /* something did not fit: the content is incomplete */
};

#define STRBUF_INIT(most)                                                     \
	{                                                                     \
		NULL, 0, 0, (most), false                                     \
	}

/* Append s[0..n). */
void strbuf_add(struct strbuf *b, const char *s, size_t n);
/* Append the string s. */
void strbuf_str(struct strbuf *b, const char *s);
/* Append what printf would print. */
void strbuf_fmt(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The finished content, the caller's to free, its length in *len (an empty
 * buffer gives ""); NULL (everything freed) when it failed or when there is
 * no memory. The strbuf is empty afterwards.
 */
char *strbuf_take(struct strbuf *b, size_t *len);
/* Drop the content. */
void strbuf_free(struct strbuf *b);

#endif
