/*
 * fileresp: sized answers of track files, sent with sendfile(2) and shared.
 *
 * Every request that asks for the same bytes of the same file in the same
 * way (a variant: the path, the status and the headers it implies) gets
 * the same libmicrohttpd file response, which holds one descriptor of its
 * own: ten thousand listeners that open with "bytes=0-" share one response
 * and one descriptor. A response stays cached while requests use it and,
 * idle, until FILERESP_IDLE_S pass or FILERESP_CACHED newer ones push it
 * out. Responses alive are bounded by a descriptor budget; past it (or
 * when descriptors run short) fileresp_get fails with EMFILE and the
 * caller serves the request some other way.
 */
#ifndef AS_FILERESP_H
#define AS_FILERESP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include <microhttpd.h>

#define FILERESP_CACHED 1024 /* idle responses kept */
#define FILERESP_IDLE_S 30   /* seconds an idle response is kept */

/* What makes two answers the same. */
struct fileresp_key {
	dev_t dev;
	ino_t ino;
	uint64_t size;
	int64_t mtime_ns;
	uint64_t first; /* the first byte sent */
	uint64_t len;	/* bytes sent */
	unsigned variant;
	const char *path; /* part of the variant (Content-Disposition) */
};

/* Called once on a new response to add its headers. */
typedef void (*fileresp_dress_fn)(struct MHD_Response *resp, void *cls);

struct fileresp;

/*
 * Allow at most budget responses (descriptors) alive at once. Call once,
 * before any fileresp_get. False when libmicrohttpd cannot share a file
 * descriptor between connections (then every fileresp_get fails).
 */
bool fileresp_init(unsigned budget);

/*
 * The response for key, made from a duplicate of fd and dressed by
 * dress(resp, cls) when it is new. Returns a use that the caller ends
 * with fileresp_put once the request is complete; NULL with errno set
 * (EMFILE: over the budget or out of descriptors; ENOMEM).
 */
struct fileresp *fileresp_get(const struct fileresp_key *key, int fd,
			      fileresp_dress_fn dress, void *cls);

/* The use's response, to queue (libmicrohttpd takes its own reference). */
struct MHD_Response *fileresp_response(const struct fileresp *fr);

/* The use's descriptor, open until fileresp_put. */
int fileresp_fd(const struct fileresp *fr);

/* End a use (a libmicrohttpd request-completed time). NULL-safe. */
void fileresp_put(void *fr);

/* Drop every idle response (at exit). */
void fileresp_flush(void);

#endif
