/*
 * precond: validators and conditional requests (RFC 9110, section 13):
 * ETag, If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since and
 * If-Range. A GET or HEAD checks precond_failed first (412), then
 * precond_not_modified (304), then precond_if_range (RFC 9110, 13.2.2).
 */
#ifndef AS_PRECOND_H
#define AS_PRECOND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PRECOND_ETAG_LEN 64

/*
 * A strong ETag, quotes included, from size and mtime (ns) only: nothing
 * machine-specific, so replicas holding the same file give the same tag.
 */
void precond_etag(char *buf, size_t len, uint64_t size, int64_t mtime_ns);

/*
 * Should the request fail with 412? If-Match (im, may be NULL) is a list of
 * entity tags or "*", compared strongly: a weak tag never matches, and a
 * malformed list matches nothing. When it is absent, If-Unmodified-Since
 * (ius) fails when mtime is newer; a date that does not parse is ignored.
 */
bool precond_failed(const char *im, const char *ius, const char *etag,
		    time_t mtime);

/*
 * Should a GET/HEAD answer 304? If-None-Match (inm, may be NULL) is a list
 * of entity tags or "*", compared weakly; when it is present, If-Modified-
 * Since (ims) is ignored, otherwise 304 when mtime is not newer than ims.
 */
bool precond_not_modified(const char *inm, const char *ims, const char *etag,
			  time_t mtime);

/*
 * Does an If-Range value (an entity tag or an HTTP-date) still match? Strong
 * comparison: a weak tag never matches; a date matches only when it equals
 * the Last-Modified date exactly. NULL (no If-Range) matches.
 */
bool precond_if_range(const char *ifr, const char *etag, time_t mtime);

#endif
