/*
 * range: the HTTP Range header (RFC 9110, section 14), single byte ranges.
 */
#ifndef AS_RANGE_H
#define AS_RANGE_H

#include <stdint.h>

enum range_result {
	RANGE_IGNORE, /* absent, malformed or several ranges: send 200 */
	RANGE_OK,     /* one satisfiable range: send 206 */
	RANGE_UNSATISFIABLE, /* starts at or past the end, or bytes=-0: 416 */
};

/*
 * Interpret the Range header value hdr (may be NULL) for a representation
 * of size bytes. On RANGE_OK, *first and *last are the inclusive byte
 * positions to send, clamped to the file (last < size). A parseable single
 * range on an empty file is always RANGE_UNSATISFIABLE.
 */
enum range_result range_parse(const char *hdr, uint64_t size, uint64_t *first,
			      uint64_t *last);

#endif
