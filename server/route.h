/*
 * route: what one route file needs. Each route is a file of its own
 * (server/route_*.c) that defines one `const struct route`, declared here
 * and listed in the table of routes.c, as tmux lists its commands. The
 * dispatcher (routes.c) checks the method, the Host and the token, then
 * calls the route's handler once the whole request has arrived.
 */
#ifndef AS_ROUTE_H
#define AS_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <microhttpd.h>

#include "access.h"
#include "conf.h"
#include "library.h"

#define ROUTE_BODY_MAX (64 * 1024) /* request body of a ROUTE_POST route */

struct listcache;

/* What every route shares: one per process, built by main(). */
struct server {
	const struct config *cfg;
	struct library *lib;
	struct listcache *listings; /* rendered listings (listcache.h) */
};

/* One request, as the handler sees it. Valid until the handler returns. */
struct request {
	struct MHD_Connection *conn;
	struct access *acc; /* its access log record */
	const struct server *srv;
	const char *path;   /* the path, "/stream/3" */
	const char *arg;    /* the path past the route's prefix, "3" */
	const char *host;   /* the validated Host, NULL on HTTP/1.0 */
	const char *method; /* GET, HEAD or (ROUTE_POST) POST */
	bool head;	    /* HEAD: headers only */
	const char *body;   /* a POST body, NUL-terminated, or NULL */
	size_t body_len;
	/* Set by a handler: called with done_cls when the request ends
	 * (answered, failed or cut off), from the connection's thread. */
	void (*done)(void *done_cls);
	void *done_cls;
};

enum route_flags {
	ROUTE_PREFIX = 1 << 0, /* path is a prefix ("/stream/") */
	ROUTE_PUBLIC = 1 << 1, /* no token needed (its own auth, or none) */
	ROUTE_POST = 1 << 2,   /* POST too, a body of ROUTE_BODY_MAX at most */
};

struct route {
	const char *path;
	unsigned flags; /* enum route_flags */
	/* Optional: set up *state at start-up (0, or -1 after logging why). */
	int (*init)(const struct server *srv, void **state);
	/* Optional: free it after the daemons stopped. */
	void (*free)(void *state);
	/* Answer rq: MHD's verdict, as an access handler returns it. */
	enum MHD_Result (*handle)(struct request *rq, void *state);
};

extern const struct route route_art;

/* What route_art_send did. */
enum route_art_status {
	ROUTE_ART_SENT = 0,   /* answered: *ret is libmicrohttpd's verdict */
	ROUTE_ART_NONE,	      /* the track has no picture */
	ROUTE_ART_UNREADABLE, /* it cannot be read now: a rescan is asked */
	ROUTE_ART_BAD,	      /* the picture does not scale: see why */
};

/*
 * Answer rq with the picture of the library's track at path (relative to
 * the library's root; still the file dev, ino), as /art/<index> does: as
 * it is when px is 0, else scaled to px pixels (ART_SIZE_MIN to
 * ART_SIZE_MAX) on its longer side as JPEG, from the shared cache; ETag,
 * Last-Modified and 304. Only ROUTE_ART_SENT queues an answer; the other
 * results leave the answer (an error in the caller's own form) to it.
 */
enum route_art_status route_art_send(struct request *rq, const char *path,
				     dev_t dev, ino_t ino, unsigned px,
				     enum MHD_Result *ret, char *why,
				     size_t cap);
extern const struct route route_health;
extern const struct route route_list;
extern const struct route route_list_m3u;
extern const struct route route_metrics;
extern const struct route route_page;
extern const struct route route_stream;
extern const struct route route_rest;
extern const struct route route_radio;
extern const struct route route_radio_now;
extern const struct route route_radio_m3u;

#endif
