/*
 * rest_media: stream, download and getCoverArt answer with bytes, not a
 * document (errors still come as the API's document).
 *
 * stream goes through the same code as /stream/<index> (serve.h): the
 * file as it is, with ranges, or transcoded (transcode.h) as format,
 * maxBitRate and timeOffset ask. getCoverArt answers the picture of a
 * song, an album or an artist through the same code as /art/<index>
 * (route_art_send).
 */
#include "rest.h"

#include <string.h>

#include "art.h"
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

/* The track whose picture stands for the album: its first song that has
 * one, else its first song (whose folder may yet hold a picture). */
static size_t
album_art_track(const struct catalog *cat, size_t album)
{
	const struct catalog_album *al = &cat->albums[album];
	size_t i;

	for (i = 0; i < al->song_count; i++)
		if (cat->tracks[al->songs[i]].art)
			return al->songs[i];
	return al->art_track;
}

/* The track whose picture stands for id (a song, album or artist), or -1
 * when id names none of them or an artist without albums. */
static long
art_track_of(const struct catalog *cat, const char *id)
{
	enum store_kind kind;
	long k = rest_lookup(cat, id, &kind);
	const struct catalog_artist *ar;
	size_t i, t;

	if (k < 0 || kind == STORE_SONG)
		return k;
	if (kind == STORE_ALBUM)
		return (long)album_art_track(cat, (size_t)k);
	ar = &cat->artists[k];
	for (i = 0; i < ar->album_count; i++) {
		t = album_art_track(cat, ar->albums[i]);
		if (cat->tracks[t].art)
			return (long)t;
	}
	return ar->album_count > 0 ? (long)cat->albums[ar->albums[0]].art_track
				   : -1;
}

/*
 * getCoverArt?id=ID[&size=N]: the picture, scaled so that its longer side
 * is at most N pixels (N is brought within ART_SIZE_MIN..ART_SIZE_MAX;
 * never enlarged), as /art/<index>?size=N answers it.
 */
static enum MHD_Result
get_cover_art(struct rest_call *c)
{
	const char *id = rest_need(c, "id");
	enum MHD_Result ret = MHD_NO;
	const struct track *t;
	char why[REST_MESSAGE_MAX / 2];
	long k, size;

	if (id == NULL || rest_int(c, "size", 1, 1000000, 0, &size) != 0)
		return rest_reply(c);
	if (size > 0 && size < ART_SIZE_MIN)
		size = ART_SIZE_MIN;
	if (size > ART_SIZE_MAX)
		size = ART_SIZE_MAX;
	k = art_track_of(c->cat, id);
	if (k < 0) {
		rest_fail(c, REST_ERR_NOT_FOUND,
			  "no song, album or artist with the ID '%.64s'", id);
		return rest_reply(c);
	}
	t = &c->cat->tracks[k];
	switch (route_art_send(c->rq, t->path, t->dev, t->ino, (unsigned)size,
			       &ret, why, sizeof why)) {
	case ROUTE_ART_SENT:
		return ret;
	case ROUTE_ART_NONE:
		rest_fail(c, REST_ERR_NOT_FOUND,
			  "'%.64s' has no cover art: no picture in its file "
			  "and no cover, folder, front or album image beside "
			  "it",
			  id);
		break;
	case ROUTE_ART_UNREADABLE:
		rest_fail(c, REST_ERR_NOT_FOUND,
			  "the cover art of '%.64s' cannot be read now; the "
			  "library is being rescanned",
			  id);
		break;
	case ROUTE_ART_BAD:
		rest_fail(c, REST_ERR_GENERIC,
			  "the cover art of '%.64s' cannot be scaled: %s", id,
			  why);
		break;
	}
	return rest_reply(c);
}

const struct rest_method rest_media_methods[] = {
	{"stream", NULL, stream},
	{"download", NULL, download},
	{"getCoverArt", NULL, get_cover_art},
	{NULL, NULL, NULL},
};
