/*
 * access: the record of one request, from its request line to its last
 * byte, and its access log line in the Combined Log Format.
 */
#ifndef AS_ACCESS_H
#define AS_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <microhttpd.h>

#define ACCESS_URI_MAX 1024 /* longer request targets are cut in the log */

struct access {
	bool seen;	/* the whole header arrived (access_seen) */
	uint64_t bytes; /* body bytes handed to libmicrohttpd */
	time_t start;
	char method[16];
	char version[16];
	char uri[]; /* the request target as logged: token= values hidden */
};

/*
 * A record for a request to uri (the raw target, query included), or NULL
 * when out of memory. The caller ends it with access_end.
 */
struct access *access_begin(const char *uri);

/* The header is in: note the method and the HTTP version. */
void access_seen(struct access *a, const char *method, const char *version);

/* Count len body bytes of a buffer answer (none for HEAD). */
void access_count(struct access *a, size_t len);

/* Write the log line for a request that was answered, and free a. */
void access_end(struct access *a, struct MHD_Connection *c);

#endif
