/*
 * header: pure parsing of the response headers the client acts on when it
 * saves or resumes a track: Content-Range (where a 206 starts, and the
 * track's whole length), ETag and Last-Modified (the validator a resumed
 * request sends back as If-Range). Header lines come one at a time, as
 * libcurl's header callback hands them over; nothing here does I/O.
 */
#ifndef AS_HEADER_H
#define AS_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bytes of a validator (an ETag with its quotes, or a date) kept. */
#define HEADER_VALIDATOR_MAX 128

/* What a Content-Range value says; see header_content_range. */
enum header_range {
	HEADER_RANGE_BYTES = 0,
	HEADER_RANGE_UNSATISFIED = 1,
	HEADER_RANGE_INVALID = -1,
};

/* What the headers of one answer said about the track. */
struct header_answer {
	enum header_range range; /* HEADER_RANGE_INVALID: none seen */
	uint64_t first;		 /* with HEADER_RANGE_BYTES */
	uint64_t last;		 /* with HEADER_RANGE_BYTES */
	uint64_t total;		 /* with BYTES or UNSATISFIED */
	char etag[HEADER_VALIDATOR_MAX + 1];	 /* strong ETag, or "" */
	char modified[HEADER_VALIDATOR_MAX + 1]; /* Last-Modified, or "" */
};

/* Forget everything: no range, no validators. */
void header_reset(struct header_answer *a);

/*
 * Take one header line of len bytes (its CRLF optional; not
 * NUL-terminated). A status line ("HTTP/...") starts a new answer (a 1xx
 * or a redirect comes before the last one), so a is reset; Content-Range,
 * ETag and Last-Modified fill it; other lines are ignored. A malformed or
 * oversized value is ignored too (a weak ETag as well: it can never match
 * an If-Range).
 */
void header_line(struct header_answer *a, const char *line, size_t len);

/*
 * Parse a Content-Range value of len bytes (no surrounding spaces):
 * "bytes first-last/total" is HEADER_RANGE_BYTES (first <= last < total),
 * "bytes *" "/total" (a 416's) is HEADER_RANGE_UNSATISFIED; anything else
 * (an unknown total "*" too: such a range cannot be resumed) is
 * HEADER_RANGE_INVALID. The numbers are stored only for the forms that
 * carry them.
 */
enum header_range header_content_range(const char *v, size_t len,
				       uint64_t *first, uint64_t *last,
				       uint64_t *total);

/*
 * The validator to send back as If-Range: the strong ETag when the answer
 * had one, else its Last-Modified date, else NULL. Points into a.
 */
const char *header_validator(const struct header_answer *a);

/*
 * Is v (len bytes) a validator this module could have produced: a strong
 * ETag ("..." of visible ASCII but '"'), or a date of printable ASCII that
 * neither starts nor ends with a space, at most HEADER_VALIDATOR_MAX bytes?
 * For validators read back from disk.
 */
bool header_validator_ok(const char *v, size_t len);

#endif
