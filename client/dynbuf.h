/*
 * dynbuf: a byte buffer with a hard maximum (as curl's lib/dynbuf.c) and up
 * to two independent readers, the player and the file, each with its own
 * offset. Bytes stay until every open reader has consumed them; compaction
 * drops them. The buffer never holds more than its maximum: an append that
 * would pass it fails with DYNBUF_FULL and appends nothing, so the caller
 * can pause its producer (backpressure). Pure: no I/O, no globals.
 */
#ifndef AS_DYNBUF_H
#define AS_DYNBUF_H

#include <stdbool.h>
#include <stddef.h>

enum dynbuf_reader {
	DYNBUF_PLAYER = 0,
	DYNBUF_FILE = 1,
	DYNBUF_READERS = 2, /* how many readers a buffer can have */
};

enum dynbuf_status {
	DYNBUF_OK = 0,
	DYNBUF_FULL =
		-1, /* the append would pass the maximum; nothing added */
	DYNBUF_NOMEM = -2, /* the allocator failed; nothing added */
};

struct dynbuf {
	unsigned char *data;
	size_t len;   /* bytes in data, consumed or not */
	size_t alloc; /* bytes allocated, never more than max */
	size_t max;   /* hard maximum of unconsumed bytes held */
	size_t off[DYNBUF_READERS];
	bool open[DYNBUF_READERS];
};

/*
 * Set up an empty buffer of at most max bytes (max > 0) whose first nreaders
 * readers (1 or 2) are open. Allocates nothing yet.
 */
void dynbuf_init(struct dynbuf *b, size_t max, unsigned nreaders);

/* Release the memory; b may be reused only after dynbuf_init. */
void dynbuf_free(struct dynbuf *b);

/* Append n bytes, all or nothing (see enum dynbuf_status). */
enum dynbuf_status dynbuf_append(struct dynbuf *b, const void *p, size_t n);

/*
 * The bytes reader r has not consumed yet: returns a pointer to them and
 * stores their count in *n (0 and NULL for a closed reader). The pointer is
 * valid until the next append, consume, close or compact.
 */
const unsigned char *dynbuf_peek(const struct dynbuf *b, enum dynbuf_reader r,
				 size_t *n);

/* Mark n of reader r's unread bytes consumed (n <= its unread count). */
void dynbuf_consume(struct dynbuf *b, enum dynbuf_reader r, size_t n);

/* Close reader r: it no longer holds any bytes back. */
void dynbuf_close_reader(struct dynbuf *b, enum dynbuf_reader r);

bool dynbuf_reader_open(const struct dynbuf *b, enum dynbuf_reader r);

/* How many bytes reader r has not consumed (0 when closed). */
size_t dynbuf_unread(const struct dynbuf *b, enum dynbuf_reader r);

/* Bytes held for the slowest open reader, and room left before the cap. */
size_t dynbuf_held(const struct dynbuf *b);
size_t dynbuf_space(const struct dynbuf *b);

/* Drop the bytes every open reader consumed, moving the rest to the front. */
void dynbuf_compact(struct dynbuf *b);

#endif
