/*
 * route_list: GET /list in the representation the caller wants (?format=
 * wins over Accept), and GET /list.m3u (API.md).
 */
#include "route.h"

#include <stdio.h>

#include "http.h"
#include "listcache.h"

/* The m3u playlist; its URLs are built from rq->host (validated). */
static enum MHD_Result
m3u(struct request *rq)
{
	char fallback[64];

	if (rq->host == NULL) { /* HTTP/1.0 without Host */
		if (snprintf(fallback, sizeof fallback, "localhost:%u",
			     rq->srv->cfg->port) < 0)
			return MHD_NO;
		rq->host = fallback;
	}
	return listcache_answer(rq->srv->listings, rq, LIST_FORMAT_M3U);
}

static enum MHD_Result
list(struct request *rq, void *state)
{
	const char *name = http_arg(rq, "format");
	enum list_format f;

	(void)state;
	if (name != NULL) {
		if (negotiate_format_name(name, &f) != 0)
			return http_fail(
				rq, MHD_HTTP_BAD_REQUEST,
				"unknown listing format; use ?format=text, "
				"json, html or m3u");
	} else {
		f = negotiate_accept(http_header(rq, MHD_HTTP_HEADER_ACCEPT));
	}
	if (f == LIST_FORMAT_M3U)
		return m3u(rq);
	return listcache_answer(rq->srv->listings, rq, f);
}

static enum MHD_Result
list_m3u(struct request *rq, void *state)
{
	(void)state;
	return m3u(rq);
}

const struct route route_list = {
	.path = "/list",
	.handle = list,
};

const struct route route_list_m3u = {
	.path = "/list.m3u",
	.handle = list_m3u,
};
