/*
 * route_stream: GET and HEAD /stream/<index> (API.md): the index is one or
 * more decimal digits and nothing else; ?format=mp3|opus&bitrate=N&start=S
 * asks for a transcode (APPS.md, transcode.h); serve.h does the rest.
 */
#include "route.h"

#include <stdint.h>
#include <string.h>

#include "http.h"
#include "parse.h"
#include "serve.h"
#include "transcode.h"

static enum MHD_Result
stream(struct request *rq, void *state)
{
	const char *dl = http_arg(rq, "download");
	struct transcode_req tr;
	struct serve_opts opts = {dl != NULL && strcmp(dl, "1") == 0, &tr};
	uint64_t index = UINT64_MAX; /* no such track */
	char msg[HTTP_MESSAGE_MAX];

	(void)state;
	if (transcode_parse(http_arg(rq, "format"), http_arg(rq, "bitrate"),
			    http_arg(rq, "start"), &tr, msg, sizeof msg) != 0)
		return http_fail(rq, MHD_HTTP_BAD_REQUEST, "%s", msg);
	if (tr.format == TRANSCODE_RAW)
		opts.tc = NULL;
	if (parse_u64_str(rq->arg, &index) != PARSE_OK)
		index = UINT64_MAX;
	return serve_track(rq, index, &opts);
}

const struct route route_stream = {
	.path = "/stream/",
	.flags = ROUTE_PREFIX,
	.handle = stream,
};
