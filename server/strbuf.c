/*
 * strbuf: a growing output buffer (strbuf.h).
 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRBUF_START 4096    /* the first allocation */
#define STRBUF_FMT_STACK 256 /* most strbuf_fmt calls fit this */

/* Room for n more bytes and the NUL; false (and failed) when there is not. */
static bool
reserve(struct strbuf *b, size_t n)
{
	size_t cap;
	char *nb;

	if (b->failed)
		return false;
	if (n > b->max - b->len || n >= SIZE_MAX - b->len) {
		b->failed = true;
		return false;
	}
	if (b->cap - b->len > n)
		return true;
	cap = b->cap != 0 ? b->cap : STRBUF_START;
	while (cap - b->len <= n)
		if (cap > SIZE_MAX / 2)
			cap = b->len + n + 1;
		else
			cap *= 2;
	nb = realloc(b->buf, cap);
	if (nb == NULL) {
		b->failed = true;
		return false;
	}
	b->buf = nb;
	b->cap = cap;
	return true;
}

void
strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	if (!reserve(b, n))
		return;
	memcpy(b->buf + b->len, s, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
strbuf_str(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void
strbuf_fmt(struct strbuf *b, const char *fmt, ...)
{
	char small[STRBUF_FMT_STACK];
	va_list ap;
	int n;

	if (b->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof small) {
		strbuf_add(b, small, (size_t)n);
		return;
	}
	if (!reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

char *
strbuf_take(struct strbuf *b, size_t *len)
{
	char *s;

	if (b->buf == NULL)
		strbuf_add(b, "", 0);
	if (b->failed) {
		strbuf_free(b);
		return NULL;
	}
	s = b->buf;
	*len = b->len;
	b->buf = NULL;
	b->len = b->cap = 0;
	return s;
}

void
strbuf_free(struct strbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}
