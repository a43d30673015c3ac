/*
 * listcache: rendered listings (listcache.h).
 *
 * The cached responses are queued as they are: a queued response holds a
 * reference of its own, and a cached one is destroyed only under the lock.
 */
#include "listcache.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "listing.h"
#include "precond.h"

#define LISTCACHE_HOST_MAX 256 /* bytes of the Host an m3u was made for */

struct listcache {
	pthread_mutex_t lock;
	uint64_t generation; /* of the cached responses */
	struct MHD_Response *resp[LIST_FORMAT_COUNT];
	size_t len[LIST_FORMAT_COUNT];
	char etag[LIST_FORMAT_COUNT][PRECOND_ETAG_LEN];
	char m3u_host[LISTCACHE_HOST_MAX];
};

struct listcache *
listcache_new(void)
{
	struct listcache *lc = calloc(1, sizeof *lc);

	if (lc != NULL)
		pthread_mutex_init(&lc->lock, NULL);
	return lc;
}

static void
drop(struct listcache *lc, enum list_format f)
{
	if (lc->resp[f] != NULL)
		MHD_destroy_response(lc->resp[f]);
	lc->resp[f] = NULL;
}

void
listcache_free(struct listcache *lc)
{
	int f;

	if (lc == NULL)
		return;
	for (f = 0; f < LIST_FORMAT_COUNT; f++)
		drop(lc, (enum list_format)f);
	pthread_mutex_destroy(&lc->lock);
	free(lc);
}

/* A strong ETag of body[0, len): its FNV-1a hash and length. */
static void
body_etag(const char *body, size_t len, char *etag, size_t cap)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)body[i]) * 1099511628211ULL;
	if (snprintf(etag, cap, "\"l%zx-%016" PRIx64 "\"", len, h) < 0)
		etag[0] = '\0';
}

/* Cache-Control of a listing: any cache for a second, unless private. */
static const char *
cache_control(const struct request *rq)
{
	return rq->srv->cfg->token != NULL ? "private, max-age=1"
					   : "max-age=1";
}

/* Render format f of snap into the cache. 0, or -1 on failure. */
static int
render(struct listcache *lc, struct request *rq,
       const struct library_snap *snap, enum list_format f)
{
	const struct config *cfg = rq->srv->cfg;
	struct listing_opts opts = {rq->host,
				    cfg->cert_file != NULL ? "https" : "http",
				    cfg->token};
	struct MHD_Response *resp;
	size_t len = 0;
	char *body;

	body = listing_render_opts(snap->tracks, snap->count, f, &opts, &len);
	if (body == NULL)
		return -1;
	body_etag(body, len, lc->etag[f], sizeof lc->etag[f]);
	resp = MHD_create_response_from_buffer_with_free_callback(len, body,
								  free);
	if (resp == NULL) {
		free(body);
		return -1;
	}
	MHD_add_response_header(resp, "Content-Type", listing_content_type(f));
	MHD_add_response_header(resp, "Vary", "Accept");
	MHD_add_response_header(resp, "ETag", lc->etag[f]);
	MHD_add_response_header(resp, "Cache-Control", cache_control(rq));
	http_cors(rq, resp);
	lc->resp[f] = resp;
	lc->len[f] = len;
	if (f == LIST_FORMAT_M3U)
		http_copy(lc->m3u_host, sizeof lc->m3u_host, rq->host);
	return 0;
}

/* A 304 for format f: its validator and caching headers, no body. */
static enum MHD_Result
not_modified(struct listcache *lc, struct request *rq, enum list_format f)
{
	struct MHD_Response *resp = http_static(rq, "", 0, NULL);

	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Vary", "Accept");
	MHD_add_response_header(resp, "ETag", lc->etag[f]);
	MHD_add_response_header(resp, "Cache-Control", cache_control(rq));
	return http_queue(rq, MHD_HTTP_NOT_MODIFIED, resp);
}

enum MHD_Result
listcache_answer(struct listcache *lc, struct request *rq, enum list_format f)
{
	const struct library_snap *snap = library_get(rq->srv->lib);
	const char *inm = http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH);
	enum MHD_Result ret = MHD_NO;
	bool ok = true;

	pthread_mutex_lock(&lc->lock);
	if (lc->generation != snap->generation) {
		for (int i = 0; i < LIST_FORMAT_COUNT; i++)
			drop(lc, (enum list_format)i);
		lc->generation = snap->generation;
	}
	if (f == LIST_FORMAT_M3U && lc->resp[f] != NULL &&
	    strcmp(lc->m3u_host, rq->host) != 0)
		drop(lc, f);
	if (lc->resp[f] == NULL)
		ok = render(lc, rq, snap, f) == 0;
	if (ok && inm != NULL &&
	    precond_not_modified(inm, NULL, lc->etag[f], 0)) {
		ret = not_modified(lc, rq, f);
	} else if (ok) {
		access_count(rq->acc, lc->len[f]);
		ret = MHD_queue_response(rq->conn, MHD_HTTP_OK, lc->resp[f]);
	}
	pthread_mutex_unlock(&lc->lock);
	library_put(rq->srv->lib, snap);
	if (!ok)
		return http_fail(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
				 "could not render the listing; try again");
	return ret;
}
