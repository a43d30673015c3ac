/*
 * route_stream: GET and HEAD /stream/<index> (API.md): the index is one or
 * more decimal digits and nothing else; serve.h does the rest.
 */
#include "route.h"

#include <stdint.h>
#include <string.h>

#include "http.h"
#include "parse.h"
#include "serve.h"

static enum MHD_Result
stream(struct request *rq, void *state)
{
	const char *dl = http_arg(rq, "download");
	struct serve_opts opts = {dl != NULL && strcmp(dl, "1") == 0};
	uint64_t index = UINT64_MAX; /* no such track */

	(void)state;
	if (parse_u64_str(rq->arg, &index) != PARSE_OK)
		index = UINT64_MAX;
	return serve_track(rq, index, &opts);
}

const struct route route_stream = {
	.path = "/stream/",
	.flags = ROUTE_PREFIX,
	.handle = stream,
};
