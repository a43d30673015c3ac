/*
 * target: the pure half of dispatch: a request target's path and
 * authority (RFC 9112, 3.2), and which route of a table a path names.
 * Functions of their arguments only, so they can be fuzzed alone.
 */
#ifndef AS_TARGET_H
#define AS_TARGET_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A target in absolute-form ("http://host:port/path"), which a server must
 * accept: its path is routed and its authority stands in for Host. On
 * true, *path points into url at the path ("/" when there is none) and
 * host[0, size) holds the authority, NUL-terminated: empty when it does
 * not fit. False (nothing written) for any other form.
 */
bool target_absolute(const char *url, const char **path, char *host,
		     size_t size);

/* One entry of a route table: an exact path, or a prefix. */
struct target_route {
	const char *path;
	bool prefix;
};

/*
 * The index of the first of routes[0, n) that path matches, or -1: an
 * exact entry matches the whole path, a prefix entry its beginning.
 */
long target_match(const struct target_route *routes, size_t n,
		  const char *path);

#endif
