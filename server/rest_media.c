/*
 * rest_media: stream, download and getCoverArt answer with bytes, not a
 * document (errors still come as the API's document).
 *
 * stream goes through the same code as /stream/<index> (serve.h): the
 * file as it is, with ranges, or transcoded (transcode.h) as format,
 * maxBitRate and timeOffset ask.
 */
#include "rest.h"

#include <string.h>

#include "rest_query.h"
#include "serve.h"
#include "transcode.h"

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
send_song(struct rest_call *c, bool download, const struct transcode_req *tr)
{
	struct serve_opts opts = {.download = download, .tc = tr};
	long k = song(c);

	if (k < 0)
		return rest_reply(c);
	return serve_track(c->rq, (uint64_t)k, &opts);
}

/*
 * stream's transcode, as Subsonic servers read its parameters: format
 * mp3 or opus transcodes (at maxBitRate, else the default); raw, or one
 * we do not offer, leaves the choice to maxBitRate, which alone
 * transcodes to mp3 what is richer than it (0: no limit). timeOffset
 * (seconds) transcodes too, a file cannot start mid-way. 0, or -1 after
 * rest_fail.
 */
static int
stream_params(struct rest_call *c, struct transcode_req *tr)
{
	const char *fmt = rest_param(c->params, "format");
	const char *off = rest_param(c->params, "timeOffset");
	long max = 0;

	*tr = (struct transcode_req){TRANSCODE_RAW, TRANSCODE_BITRATE_DEFAULT,
				     0, false};
	if (rest_int(c, "maxBitRate", 0, 100000, 0, &max) != 0)
		return -1;
	if (off != NULL && transcode_parse_start(off, &tr->start_ms) != 0)
		return rest_fail(c, REST_ERR_GENERIC,
				 "'timeOffset' must be a number of seconds, "
				 "such as 42 or 61.5");
	if (max > 0)
		tr->bitrate =
			max < TRANSCODE_BITRATE_MIN   ? TRANSCODE_BITRATE_MIN
			: max > TRANSCODE_BITRATE_MAX ? TRANSCODE_BITRATE_MAX
						      : (unsigned)max;
	if (fmt != NULL && strcmp(fmt, "mp3") == 0)
		tr->format = TRANSCODE_MP3;
	else if (fmt != NULL && strcmp(fmt, "opus") == 0)
		tr->format = TRANSCODE_OPUS;
	else if (fmt != NULL && strcmp(fmt, "raw") == 0 && tr->start_ms == 0)
		tr->format = TRANSCODE_RAW;
	else if (max > 0 || tr->start_ms > 0) {
		tr->format = TRANSCODE_MP3;
		tr->any_codec = tr->start_ms == 0;
	}
	return 0;
}

static enum MHD_Result
stream(struct rest_call *c)
{
	struct transcode_req tr;

	if (stream_params(c, &tr) != 0)
		return rest_reply(c);
	return send_song(c, false, tr.format != TRANSCODE_RAW ? &tr : NULL);
}

static enum MHD_Result
download(struct rest_call *c)
{
	return send_song(c, true, NULL);
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
