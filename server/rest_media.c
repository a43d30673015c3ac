/*
 * rest_media: stream, download and getCoverArt answer with bytes, not a
 * document (errors still come as the API's document).
 *
 * stream serves the file as it is, with ranges, through the same code as
 * /stream/<index> (serve.h); maxBitRate, format and timeOffset are
 * accepted and, until transcoding lands, answered raw, which the API
 * allows.
 */
#include "rest.h"

#include <string.h>

#include "serve.h"

/* The song named by id, or -1 after rest_fail. */
static long
song(struct rest_call *c)
{
	const char *id = rest_need(c, "id");
	long k;

	if (id == NULL)
		return -1;
	k = catalog_song_index(c->cat, id);
	if (k < 0)
		return rest_fail(c, REST_ERR_NOT_FOUND,
				 "no song with the ID '%.64s'", id);
	return k;
}

static enum MHD_Result
send_song(struct rest_call *c, bool download)
{
	struct serve_opts opts = {.download = download};
	long k = song(c);

	if (k < 0)
		return rest_reply(c);
	return serve_track(c->rq, (uint64_t)k, &opts);
}

static enum MHD_Result
stream(struct rest_call *c)
{
	return send_song(c, false);
}

static enum MHD_Result
download(struct rest_call *c)
{
	return send_song(c, true);
}

static enum MHD_Result
get_cover_art(struct rest_call *c)
{
	const char *id = rest_need(c, "id");

	if (id != NULL)
		rest_fail(c, REST_ERR_NOT_FOUND,
			  "no cover art for '%.64s' in this build", id);
	return rest_reply(c);
}

const struct rest_method rest_media_methods[] = {
	{"stream", NULL, stream},
	{"download", NULL, download},
	{"getCoverArt", NULL, get_cover_art},
	{NULL, NULL, NULL},
};
