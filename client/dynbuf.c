/*
 * dynbuf: a capped byte buffer with two readers; see dynbuf.h.
 */
#include "dynbuf.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* First allocation; the buffer then doubles up to its maximum. */
#define DYNBUF_FIRST_ALLOC (64 * 1024)

void
dynbuf_init(struct dynbuf *b, size_t max, unsigned nreaders)
{
	assert(max > 0);
	assert(nreaders >= 1 && nreaders <= DYNBUF_READERS);
	memset(b, 0, sizeof(*b));
	b->max = max;
	for (unsigned i = 0; i < nreaders; i++)
		b->open[i] = true;
}

void
dynbuf_free(struct dynbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->alloc = 0;
}

/* The lowest offset of any open reader: bytes before it are dead. */
static size_t
dynbuf_min_off(const struct dynbuf *b)
{
	size_t min = b->len;

	for (int i = 0; i < DYNBUF_READERS; i++)
		if (b->open[i] && b->off[i] < min)
			min = b->off[i];
	return min;
}

size_t
dynbuf_held(const struct dynbuf *b)
{
	return b->len - dynbuf_min_off(b);
}

size_t
dynbuf_space(const struct dynbuf *b)
{
	return b->max - dynbuf_held(b);
}

void
dynbuf_compact(struct dynbuf *b)
{
	size_t dead = dynbuf_min_off(b);

	if (dead == 0)
		return;
	if (b->len > dead)
		memmove(b->data, b->data + dead, b->len - dead);
	b->len -= dead;
	for (int i = 0; i < DYNBUF_READERS; i++)
		b->off[i] = b->open[i] ? b->off[i] - dead : 0;
}

/* Make room for n more bytes at the end; 0 or -1 when allocation fails. */
static int
dynbuf_reserve(struct dynbuf *b, size_t n)
{
	size_t want, grow;
	unsigned char *p;

	if (b->alloc - b->len >= n)
		return 0;
	dynbuf_compact(b);
	if (b->alloc - b->len >= n)
		return 0;
	want = b->len + n; /* <= max, checked by the caller */
	grow = b->alloc == 0 ? DYNBUF_FIRST_ALLOC : b->alloc;
	while (grow < want)
		grow = grow > b->max / 2 ? b->max : grow * 2;
	if (grow > b->max)
		grow = b->max;
	p = realloc(b->data, grow);
	if (p == NULL)
		return -1;
	b->data = p;
	b->alloc = grow;
	return 0;
}

enum dynbuf_status
dynbuf_append(struct dynbuf *b, const void *p, size_t n)
{
	if (n == 0)
		return DYNBUF_OK;
	if (n > dynbuf_space(b))
		return DYNBUF_FULL;
	if (dynbuf_reserve(b, n) < 0)
		return DYNBUF_NOMEM;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	return DYNBUF_OK;
}

const unsigned char *
dynbuf_peek(const struct dynbuf *b, enum dynbuf_reader r, size_t *n)
{
	*n = dynbuf_unread(b, r);
	return *n == 0 ? NULL : b->data + b->off[r];
}

size_t
dynbuf_unread(const struct dynbuf *b, enum dynbuf_reader r)
{
	return b->open[r] ? b->len - b->off[r] : 0;
}

bool
dynbuf_reader_open(const struct dynbuf *b, enum dynbuf_reader r)
{
	return b->open[r];
}

/* When every open reader has read everything, start over at the front. */
static void
dynbuf_reset_if_drained(struct dynbuf *b)
{
	if (dynbuf_held(b) != 0)
		return;
	b->len = 0;
	for (int i = 0; i < DYNBUF_READERS; i++)
		b->off[i] = 0;
}

void
dynbuf_consume(struct dynbuf *b, enum dynbuf_reader r, size_t n)
{
	assert(b->open[r]);
	assert(n <= b->len - b->off[r]);
	b->off[r] += n;
	dynbuf_reset_if_drained(b);
}

void
dynbuf_close_reader(struct dynbuf *b, enum dynbuf_reader r)
{
	b->open[r] = false;
	b->off[r] = 0;
	dynbuf_reset_if_drained(b);
}
