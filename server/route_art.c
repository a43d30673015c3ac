/*
 * route_art: GET and HEAD /art/<index>[?size=N] (APPS.md, "Cover art"):
 * the track's picture as it is, or scaled to N pixels (ART_SIZE_MIN to
 * ART_SIZE_MAX) on its longer side as JPEG, cached (artcache.h); ETag,
 * Last-Modified and 304 from the picture's source file, as for streams.
 * route_art_send (route.h) answers with the same code for the Subsonic
 * API's getCoverArt.
 */
#include "route.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "art.h"
#include "artcache.h"
#include "http.h"
#include "httpdate.h"
#include "log.h"
#include "parse.h"
#include "precond.h"

#define ART_PATH_MAX 4096 /* bytes of a track's path copied out */

/* The track a request names, copied out of the library's snapshot. */
struct art_track {
	uint64_t index;
	char path[ART_PATH_MAX];
	dev_t dev;
	ino_t ino;
};

/* The scaled pictures, shared by /art and route_art_send: one cache per
 * process, made by the route's init before any request. */
static struct artcache *art_cache;

static int
art_route_init(const struct server *srv, void **state)
{
	(void)srv;
	if (art_init() != 0)
		log_warn("libvips did not start: /art?size=N will fail");
	art_cache = artcache_new(ARTCACHE_BYTES_DEFAULT);
	if (art_cache == NULL) {
		log_warn("out of memory for the picture cache");
		return -1;
	}
	*state = art_cache;
	return 0;
}

static void
art_route_free(void *state)
{
	artcache_free(state);
	if (state == art_cache)
		art_cache = NULL;
}

/* ?size: 0 when absent, else N in range. -1 when present but bad. */
static int
parse_size(const struct request *rq, unsigned *px)
{
	const char *s = http_arg(rq, "size");
	uint64_t v;

	*px = 0;
	if (s == NULL)
		return 0;
	if (parse_u64_str(s, &v) != PARSE_OK || v < ART_SIZE_MIN ||
	    v > ART_SIZE_MAX)
		return -1;
	*px = (unsigned)v;
	return 0;
}

/* Look up rq's index; 0, or -1 when a 404 was queued into *ret. */
static int
find_track(struct request *rq, struct art_track *t, enum MHD_Result *ret)
{
	const struct library_snap *snap = library_get(rq->srv->lib);
	size_t count = snap->count;

	if (parse_u64_str(rq->arg, &t->index) != PARSE_OK ||
	    t->index >= count) {
		library_put(rq->srv->lib, snap);
		*ret = count == 0 ? http_fail(rq, MHD_HTTP_NOT_FOUND,
					      "no such track: the library is "
					      "empty")
				  : http_fail(rq, MHD_HTTP_NOT_FOUND,
					      "no such track: the library has "
					      "%zu tracks, /art/0 to /art/%zu",
					      count, count - 1);
		return -1;
	}
	http_copy(t->path, sizeof t->path, snap->tracks[t->index].path);
	t->dev = snap->tracks[t->index].dev;
	t->ino = snap->tracks[t->index].ino;
	library_put(rq->srv->lib, snap);
	return 0;
}

/* pic scaled to px, from the cache or made now (and kept): a malloc'd
 * JPEG in *out, or -1 with *cause (malloc'd, may be NULL). */
static int
scaled(struct artcache *cache, const char *path, const struct art_picture *pic,
       unsigned px, unsigned char **out, size_t *len, char **cause)
{
	struct artcache_key k = {path, pic->src_size, pic->src_mtime_ns, px};
	unsigned char *jpeg;

	if (cache != NULL && artcache_get(cache, &k, out, len))
		return 0;
	if (art_scale(pic->data, pic->len, px, &jpeg, len, cause) != 0)
		return -1;
	if (cache != NULL)
		artcache_put(cache, &k, jpeg, *len);
	*out = malloc(*len);
	if (*out != NULL)
		memcpy(*out, jpeg, *len);
	art_free(jpeg);
	return *out != NULL ? 0 : -1;
}

/* The reader of a response that never sends a body (a 304). */
static ssize_t
no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

/*
 * Queue the answer: body (malloc'd, len bytes, taken over) of type, or a
 * 304 with the 200's Content-Length when the request's validators match.
 */
static enum MHD_Result
answer(struct request *rq, const struct art_picture *pic, unsigned px,
       unsigned char *body, size_t len, const char *type)
{
	time_t mtime = (time_t)(pic->src_mtime_ns / 1000000000);
	char etag[ART_ETAG_LEN], date[HTTPDATE_LEN];
	struct MHD_Response *resp;
	unsigned status = MHD_HTTP_OK;

	art_etag(etag, sizeof etag, pic, px);
	if (precond_not_modified(
		    http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH),
		    http_header(rq, MHD_HTTP_HEADER_IF_MODIFIED_SINCE), etag,
		    mtime)) {
		free(body);
		status = MHD_HTTP_NOT_MODIFIED;
		resp = MHD_create_response_from_callback((uint64_t)len, 1,
							 no_body, NULL, NULL);
		if (resp != NULL) {
			http_cors(rq, resp);
			MHD_add_response_header(resp, "Content-Type", type);
		}
	} else {
		resp = http_buffer(rq, body, len, false, type);
	}
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "ETag", etag);
	if (httpdate_format(mtime, date, sizeof date) == 0)
		MHD_add_response_header(resp, "Last-Modified", date);
	return http_queue(rq, status, resp);
}

enum route_art_status
route_art_send(struct request *rq, const char *path, dev_t dev, ino_t ino,
	       unsigned px, enum MHD_Result *ret, char *why, size_t cap)
{
	enum route_art_status st = ROUTE_ART_SENT;
	struct art_picture pic;
	unsigned char *body = NULL;
	char *cause = NULL;
	size_t len;

	switch (art_find(library_root_fd(rq->srv->lib), path, dev, ino,
			 &pic)) {
	case ART_OK:
		break;
	case ART_NONE:
		return ROUTE_ART_NONE;
	case ART_ERROR:
		library_request_rescan(rq->srv->lib);
		return ROUTE_ART_UNREADABLE;
	}
	if (px == 0) {
		*ret = answer(rq, &pic, 0, pic.data, pic.len, pic.type);
		pic.data = NULL; /* answer took it */
	} else if (scaled(art_cache, path, &pic, px, &body, &len, &cause) ==
		   0) {
		*ret = answer(rq, &pic, px, body, len, "image/jpeg");
	} else {
		log_info("picture of %s: %s", path,
			 cause != NULL ? cause : "out of memory");
		http_copy(why, cap, cause != NULL ? cause : "out of memory");
		st = ROUTE_ART_BAD;
	}
	free(cause);
	art_picture_clear(&pic);
	return st;
}

static enum MHD_Result
art(struct request *rq, void *state)
{
	struct art_track t;
	enum MHD_Result ret = MHD_NO;
	char why[256];
	unsigned px;

	(void)state; /* art_cache */
	if (parse_size(rq, &px) != 0)
		return http_fail(rq, MHD_HTTP_BAD_REQUEST,
				 "size must be a whole number of pixels from "
				 "%d to %d, as in /art/%s?size=300",
				 ART_SIZE_MIN, ART_SIZE_MAX, rq->arg);
	if (find_track(rq, &t, &ret) != 0)
		return ret;
	switch (route_art_send(rq, t.path, t.dev, t.ino, px, &ret, why,
			       sizeof why)) {
	case ROUTE_ART_SENT:
		return ret;
	case ROUTE_ART_NONE:
		return http_fail(rq, MHD_HTTP_NOT_FOUND,
				 "track %" PRIu64 " has no picture: none "
				 "embedded, and no cover, folder, front or "
				 "album .jpg, .jpeg or .png beside it",
				 t.index);
	case ROUTE_ART_UNREADABLE:
		return http_fail(rq, MHD_HTTP_NOT_FOUND,
				 "track %" PRIu64 " or its picture cannot be "
				 "read now; the library is being rescanned",
				 t.index);
	case ROUTE_ART_BAD:
		break;
	}
	return http_fail(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
			 "the picture of track %" PRIu64
			 " cannot be scaled: %s",
			 t.index, why);
}

const struct route route_art = {
	.path = "/art/",
	.flags = ROUTE_PREFIX,
	.init = art_route_init,
	.free = art_route_free,
	.handle = art,
};
