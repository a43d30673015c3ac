/*
 * routes: the dispatcher (routes.h).
 *
 * Every request gets a struct call from routes_begin (the URI log
 * callback, so even the raw request target is known for the access log).
 * The access handler answers on its last call, once the whole request is
 * in: a response queued on the first call would force Connection: close.
 * The method is checked on the first call, so a refused body is never
 * read.
 */
#include "routes.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "guard.h"
#include "http.h"
#include "listing.h"
#include "reqcheck.h"
#include "metrics.h"
#include "target.h"

#define AUTHORITY_MAX 256 /* bytes of an absolute-form target's authority */

/* Every route, in the order they are tried. */
static const struct route *const table[] = {
	&route_health, /* no token */
	&route_stream,	&route_list,  &route_list_m3u,	&route_page,
	&route_art,	&route_rest, /* its own authentication */
	&route_metrics, &route_radio, &route_radio_now, &route_radio_m3u,
};
#define ROUTE_COUNT (sizeof table / sizeof table[0])

struct routes {
	const struct server *srv;
	struct target_route paths[ROUTE_COUNT]; /* the table's, to match */
	void *state[ROUTE_COUNT];
	unsigned metric[ROUTE_COUNT]; /* the routes' slots (metrics.h) */
};

/* One request in progress. */
struct call {
	struct access *acc;
	const struct route *route; /* NULL: no such page */
	size_t index;		   /* of route in the table */
	char *body;		   /* a POST body so far, or NULL */
	void (*done)(void *cls);   /* the handler's end-of-request call */
	void *done_cls;
	size_t body_len;
	bool body_too_big;
	bool handled; /* the route's handler ran: in flight in the metrics */
};

struct routes *
routes_new(const struct server *srv)
{
	struct routes *r = calloc(1, sizeof *r);
	size_t i;

	if (r == NULL)
		return NULL;
	r->srv = srv;
	for (i = 0; i < ROUTE_COUNT; i++) {
		r->paths[i].path = table[i]->path;
		r->paths[i].prefix = (table[i]->flags & ROUTE_PREFIX) != 0;
		r->metric[i] = metrics_route(table[i]->path);
	}
	for (i = 0; i < ROUTE_COUNT; i++) {
		if (table[i]->init != NULL &&
		    table[i]->init(srv, &r->state[i]) != 0) {
			routes_free(r);
			return NULL;
		}
	}
	return r;
}

void
routes_free(struct routes *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < ROUTE_COUNT; i++) {
		if (table[i]->free != NULL)
			table[i]->free(r->state[i]);
	}
	free(r);
}

void *
routes_begin(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct call *call = calloc(1, sizeof *call);

	(void)cls;
	(void)c;
	if (call == NULL)
		return NULL;
	call->acc = access_begin(uri);
	if (call->acc == NULL) {
		free(call);
		return NULL;
	}
	return call;
}

/* Count a finished request in the metrics (metrics.h). */
static void
count_done(const struct routes *r, const struct call *call,
	   struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	unsigned slot = METRICS_ROUTE_NONE, status = 0;

	if (!call->acc->seen)
		return; /* cut off before its header was in */
	if (call->route != NULL)
		slot = r->metric[call->index];
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
	if (ci != NULL)
		status = ci->http_status;
	metrics_request_done(slot, status, call->acc->bytes, call->handled);
	if (call->handled && call->route == &route_stream)
		metrics_stream_close(METRICS_STREAM_FILE);
}

void
routes_completed(void *cls, struct MHD_Connection *c, void **req_cls,
		 enum MHD_RequestTerminationCode toe)
{
	struct call *call = *req_cls;
	struct routes *r = cls;

	(void)toe;
	if (call == NULL)
		return;
	count_done(r, call, c);
	access_end(call->acc, c);
	guard_request_done(c);
	if (call->done != NULL)
		call->done(call->done_cls);
	free(call->body);
	free(call);
	*req_cls = NULL;
}

/* The route for path, with its table index; NULL when there is none. */
static const struct route *
find_route(const struct routes *r, const char *path, size_t *index)
{
	long i = target_match(r->paths, ROUTE_COUNT, path);

	if (i < 0)
		return NULL;
	*index = (size_t)i;
	return table[i];
}

/* A 405 that names the methods route (NULL: an unknown page) answers. */
static enum MHD_Result
not_allowed(struct request *rq, const struct route *route)
{
	bool post = route != NULL && (route->flags & ROUTE_POST) != 0;
	struct MHD_Response *resp;

	resp = http_error(rq, MHD_HTTP_METHOD_NOT_ALLOWED,
			  post ? "method not allowed; use GET, HEAD or POST"
			       : "method not allowed; use GET or HEAD");
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Allow",
				post ? "GET, HEAD, POST" : "GET, HEAD");
	return http_queue(rq, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
}

/* Compare a presented token with the server's in constant time. */
static bool
token_matches(const char *want, const char *got)
{
	size_t wl = strlen(want), gl, i;
	unsigned char diff;

	if (got == NULL)
		return false;
	gl = strnlen(got, wl + 1);
	diff = wl != gl;
	for (i = 0; i < wl; i++)
		diff |= (unsigned char)want[i] ^
			(unsigned char)(i < gl ? got[i] : 0);
	return diff == 0;
}

/* Does the request carry the token (when the server has one)? */
static bool
authorized(const struct request *rq)
{
	const char *token = rq->srv->cfg->token, *auth;

	if (token == NULL)
		return true;
	auth = http_header(rq, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
		auth += 7;
		while (*auth == ' ')
			auth++;
		if (token_matches(token, auth))
			return true;
	}
	return token_matches(token, http_arg(rq, "token"));
}

static enum MHD_Result
unauthorized(struct request *rq)
{
	struct MHD_Response *resp;

	resp = http_error(rq, MHD_HTTP_UNAUTHORIZED,
			  "this server needs its token: send "
			  "'Authorization: Bearer <token>' or add "
			  "?token=<token> to the URL");
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
				"Bearer realm=\"as\"");
	return http_queue(rq, MHD_HTTP_UNAUTHORIZED, resp);
}

/* The Host fields of a request: how many, and the first one's value. */
struct host_fields {
	unsigned n;
	const char *first;
};

static enum MHD_Result
note_host(void *cls, enum MHD_ValueKind kind, const char *key,
	  const char *value)
{
	struct host_fields *h = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0 && h->n++ == 0)
		h->first = value;
	return MHD_YES;
}

/*
 * Find the request's host (RFC 9112, 3.2 and 3.2.2) into rq->host: the
 * authority of an absolute-form target (authority holds it), else the one
 * Host field, which HTTP/1.1 requires. 0, or -1 when a 400 that says what
 * to send was queued (*ret holds MHD's verdict).
 */
static int
find_host(struct request *rq, bool absolute, const char *authority,
	  const char *version, enum MHD_Result *ret)
{
	struct host_fields h = {0, NULL};
	unsigned port = rq->srv->cfg->port;

	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, note_host, &h);
	if (h.n > 1)
		*ret = http_fail(rq, MHD_HTTP_BAD_REQUEST,
				 "more than one Host header; send exactly "
				 "one, e.g. 'Host: localhost:%u'",
				 port);
	else if (absolute && !listing_host_valid(authority))
		*ret = http_fail(rq, MHD_HTTP_BAD_REQUEST,
				 "invalid host in the absolute URL; send "
				 "http://host[:port]/path, e.g. "
				 "http://localhost:%u/list",
				 port);
	else if (!absolute && h.first == NULL &&
		 strcmp(version, MHD_HTTP_VERSION_1_1) == 0)
		*ret = http_fail(rq, MHD_HTTP_BAD_REQUEST,
				 "an HTTP/1.1 request needs a Host header, "
				 "e.g. 'Host: localhost:%u'",
				 port);
	else if (!absolute && h.first != NULL && !listing_host_valid(h.first))
		*ret = http_fail(rq, MHD_HTTP_BAD_REQUEST,
				 "invalid Host header; send host[:port], "
				 "e.g. localhost:%u",
				 port);
	else {
		rq->host = absolute ? authority : h.first;
		return 0;
	}
	return -1;
}

/* Add a piece of a POST body to call, up to ROUTE_BODY_MAX. */
static void
take_body(struct call *call, const char *data, size_t len)
{
	char *grown;

	if (call->route == NULL || (call->route->flags & ROUTE_POST) == 0 ||
	    call->body_too_big)
		return; /* a body on GET means nothing */
	if (len > ROUTE_BODY_MAX - call->body_len) {
		call->body_too_big = true;
		return;
	}
	grown = realloc(call->body, call->body_len + len + 1);
	if (grown == NULL) {
		call->body_too_big = true;
		return;
	}
	memcpy(grown + call->body_len, data, len);
	call->body = grown;
	call->body_len += len;
	call->body[call->body_len] = '\0';
}

/* The whole request is in: check its host and token, then answer it. */
static enum MHD_Result
answer(struct routes *r, struct call *call, struct request *rq,
       const char *version, bool absolute, const char *authority)
{
	enum MHD_Result ret = MHD_NO;

	if (find_host(rq, absolute, authority, version, &ret) != 0)
		return ret;
	if (call->route == NULL)
		return http_fail(rq, MHD_HTTP_NOT_FOUND,
				 "no such page; try /list, /stream/<index> "
				 "or /health");
	if ((call->route->flags & ROUTE_PUBLIC) == 0 && !authorized(rq))
		return unauthorized(rq);
	if (call->body_too_big)
		return http_fail(rq, MHD_HTTP_CONTENT_TOO_LARGE,
				 "request body too large; send at most %d "
				 "bytes",
				 ROUTE_BODY_MAX);
	rq->arg = rq->path + strlen(call->route->path);
	rq->body = call->body;
	rq->body_len = call->body_len;
	call->handled = true;
	metrics_request_begin(r->metric[call->index]);
	if (call->route == &route_stream)
		metrics_stream_open(METRICS_STREAM_FILE);
	ret = call->route->handle(rq, r->state[call->index]);
	call->done = rq->done;
	call->done_cls = rq->done_cls;
	return ret;
}

enum MHD_Result
routes_handle(void *cls, struct MHD_Connection *c, const char *url,
	      const char *method, const char *version, const char *upload_data,
	      size_t *upload_data_size, void **req_cls)
{
	struct routes *r = cls;
	struct call *call = *req_cls;
	char authority[AUTHORITY_MAX];
	struct request rq = {.conn = c, .srv = r->srv, .method = method};
	enum MHD_Result ret;
	bool absolute;

	if (call == NULL)
		return MHD_NO; /* out of memory in routes_begin */
	rq.acc = call->acc;
	rq.head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	absolute = target_absolute(url, &url, authority, sizeof authority);
	rq.path = url;
	if (!call->acc->seen) {
		access_seen(call->acc, method, version);
		guard_header_done(c);
		if (reqcheck_headers(&rq, version, &ret) != 0)
			return ret; /* ambiguous framing: 400 and close */
		call->route = find_route(r, url, &call->index);
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && !rq.head &&
		    (strcmp(method, MHD_HTTP_METHOD_POST) != 0 ||
		     call->route == NULL ||
		     (call->route->flags & ROUTE_POST) == 0))
			return not_allowed(&rq, call->route);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		take_body(call, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return answer(r, call, &rq, version, absolute, authority);
}
