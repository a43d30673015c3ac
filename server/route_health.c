/* route_health: GET /health answers "ok" (no token needed). */
#include "route.h"

#include "http.h"

static enum MHD_Result
health(struct request *rq, void *state)
{
	static const char ok[] = "ok\n";
	struct MHD_Response *resp;

	(void)state;
	resp = http_static(rq, ok, sizeof ok - 1, "text/plain; charset=utf-8");
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return http_queue(rq, MHD_HTTP_OK, resp);
}

const struct route route_health = {
	.path = "/health",
	.flags = ROUTE_PUBLIC,
	.handle = health,
};
