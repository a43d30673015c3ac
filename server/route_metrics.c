/*
 * route_metrics: GET /metrics, the server's figures in the Prometheus text
 * format 0.0.4 (metrics.h). Behind the token when the server has one.
 */
#include "route.h"

#include <stdlib.h>

#include "http.h"
#include "library.h"
#include "metrics.h"

#define METRICS_TYPE "text/plain; version=0.0.4; charset=utf-8"

static enum MHD_Result
metrics(struct request *rq, void *state)
{
	const struct library_snap *snap = library_get(rq->srv->lib);
	struct metrics_library lib = {snap->count, snap->generation};
	struct MHD_Response *resp;
	size_t len = 0;
	char *body;

	(void)state;
	library_put(rq->srv->lib, snap);
	body = metrics_render(&lib, &len);
	if (body == NULL)
		return http_fail(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
				 "out of memory for the metrics; try again");
	resp = http_buffer(rq, body, len, false, METRICS_TYPE);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return http_queue(rq, MHD_HTTP_OK, resp);
}

const struct route route_metrics = {
	.path = "/metrics",
	.flags = 0,
	.handle = metrics,
};
