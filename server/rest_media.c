/*
 * rest_media: stream, download and getCoverArt answer with bytes, not a
 * document (errors still come as the API's document).
 *
 * stream serves the file as it is, with ranges, through the same code as
 * /stream/<index> (serve.h); maxBitRate, format and timeOffset are
 * accepted and, until transcoding lands, answered raw, which the API
 * allows. getCoverArt answers the picture of a song, an album or an
 * artist through the same code as /art/<index> (route_art_send).
 */
#include "rest.h"

#include <string.h>

#include "art.h"
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
