/*
 * http: the answers every route gives the same way: reading a request's
 * headers and arguments, queuing a response, and errors as one line of
 * text or JSON (API.md, "Errors").
 */
#ifndef AS_HTTP_H
#define AS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "route.h"

#define HTTP_MESSAGE_MAX 512 /* bytes of an error message */

/* A request header or query argument; NULL when absent. */
const char *http_header(const struct request *rq, const char *name);
const char *http_arg(const struct request *rq, const char *name);

/* Queue resp (if not NULL) with status and drop our reference. */
enum MHD_Result http_queue(struct request *rq, unsigned status,
			   struct MHD_Response *resp);

/* Add Access-Control-Allow-Origin when --cors is set. */
void http_cors(const struct request *rq, struct MHD_Response *resp);

/*
 * A response holding a copy of body[0, len) (copy) or taking over the
 * malloc'd body (!copy; freed with the response, or here on failure),
 * with Content-Type type (NULL: none) and CORS. The body's bytes are
 * counted in the access log unless the request is HEAD. NULL on ENOMEM.
 */
struct MHD_Response *http_buffer(struct request *rq, void *body, size_t len,
				 bool copy, const char *type);

/* A response over body[0, len), which outlives every response. */
struct MHD_Response *http_static(struct request *rq, const void *body,
				 size_t len, const char *type);

/* Does the caller want JSON errors (?format=json, or Accept)? */
bool http_wants_json(const struct request *rq);

/*
 * An error answer: "error: <msg>\n" as text/plain, or {"error": {"status",
 * "message"}} when the caller wants JSON; Vary: Accept. NULL on ENOMEM.
 */
struct MHD_Response *http_error(struct request *rq, unsigned status,
				const char *msg);

/* Queue an error whose message is printf-formatted. */
enum MHD_Result http_fail(struct request *rq, unsigned status, const char *fmt,
			  ...) __attribute__((format(printf, 3, 4)));

/* Copy at most cap - 1 bytes of s (NULL: "") into dst, terminated. */
void http_copy(char *dst, size_t cap, const char *s);

#endif
