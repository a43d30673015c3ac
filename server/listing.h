/*
 * listing: render the library as text, JSON, HTML or m3u (see API.md).
 * Pure functions of the track table; the caller caches what it renders.
 */
#ifndef AS_LISTING_H
#define AS_LISTING_H

#include <stdbool.h>
#include <stddef.h>

#include "negotiate.h"
#include "track.h"

/*
 * Render n tracks in format f. host is the validated Host header for m3u
 * URLs (unused by the other formats; may be NULL for them). Returns a
 * malloc'd body of *len bytes that the caller frees, or NULL on failure.
 */
char *listing_render(const struct track *tracks, size_t n, enum list_format f,
		     const char *host, size_t *len);

struct listing_opts {
	const char *host;   /* validated Host for m3u URLs */
	const char *scheme; /* "http" or "https", for m3u URLs */
	const char *token;  /* appended as ?token= to stream links, or NULL;
			       URL-safe characters only */
};

/* listing_render with the scheme and token of m3u and HTML links. */
char *listing_render_opts(const struct track *tracks, size_t n,
			  enum list_format f, const struct listing_opts *opts,
			  size_t *len);

/* The Content-Type for format f. */
const char *listing_content_type(enum list_format f);

/*
 * Is h a valid Host header value: a reg-name or IPv4 address, or an IPv6
 * literal in brackets, with an optional :port of 1-5 digits?
 */
bool listing_host_valid(const char *h);

#endif
