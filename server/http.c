/*
 * http: answers shared by every route (http.h). The one place that creates
 * buffer responses, so that a change of libmicrohttpd's API lands here.
 */
#include "http.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "negotiate.h"

const char *
http_header(const struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

const char *
http_arg(const struct request *rq, const char *name)
{
	return MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
					   name);
}

enum MHD_Result
http_queue(struct request *rq, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	ret = MHD_queue_response(rq->conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

void
http_cors(const struct request *rq, struct MHD_Response *resp)
{
	if (rq->srv->cfg->cors != NULL)
		MHD_add_response_header(resp, "Access-Control-Allow-Origin",
					rq->srv->cfg->cors);
}

/* Type and CORS on a new response, and its bytes in the access log. */
static struct MHD_Response *
dress(struct request *rq, struct MHD_Response *resp, size_t len,
      const char *type)
{
	if (resp == NULL)
		return NULL;
	if (type != NULL)
		MHD_add_response_header(resp, "Content-Type", type);
	http_cors(rq, resp);
	access_count(rq->acc, len);
	return resp;
}

struct MHD_Response *
http_buffer(struct request *rq, void *body, size_t len, bool copy,
	    const char *type)
{
	struct MHD_Response *resp;

	if (copy)
		resp = MHD_create_response_from_buffer(len, body,
						       MHD_RESPMEM_MUST_COPY);
	else
		resp = MHD_create_response_from_buffer_with_free_callback(
			len, body, free);
	if (resp == NULL && !copy)
		free(body);
	return dress(rq, resp, len, type);
}

struct MHD_Response *
http_static(struct request *rq, const void *body, size_t len, const char *type)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		len, (void *)body, MHD_RESPMEM_PERSISTENT);

	return dress(rq, resp, len, type);
}

bool
http_wants_json(const struct request *rq)
{
	const char *f = http_arg(rq, "format");

	if (f != NULL)
		return strcmp(f, "json") == 0;
	return negotiate_wants_json(http_header(rq, MHD_HTTP_HEADER_ACCEPT));
}

struct MHD_Response *
http_error(struct request *rq, unsigned status, const char *msg)
{
	struct MHD_Response *resp;
	char buf[HTTP_MESSAGE_MAX + 16];
	char *body;
	json_t *j;
	int n;

	if (http_wants_json(rq)) {
		j = json_pack("{s:{s:i, s:s}}", "error", "status", (int)status,
			      "message", msg);
		body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (body == NULL)
			return NULL;
		resp = http_buffer(rq, body, strlen(body), false,
				   "application/json");
	} else {
		n = snprintf(buf, sizeof buf, "error: %s\n", msg);
		if (n < 0 || (size_t)n >= sizeof buf)
			return NULL;
		resp = http_buffer(rq, buf, (size_t)n, true,
				   "text/plain; charset=utf-8");
	}
	if (resp != NULL)
		MHD_add_response_header(resp, "Vary", "Accept");
	return resp;
}

enum MHD_Result
http_fail(struct request *rq, unsigned status, const char *fmt, ...)
{
	char msg[HTTP_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
		http_copy(msg, sizeof msg, "internal error");
	va_end(ap);
	return http_queue(rq, status, http_error(rq, status, msg));
}

void
http_copy(char *dst, size_t cap, const char *s)
{
	size_t n = s != NULL ? strnlen(s, cap - 1) : 0;

	memcpy(dst, s != NULL ? s : "", n);
	dst[n] = '\0';
}
