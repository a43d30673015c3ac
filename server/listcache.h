/*
 * listcache: the rendered listings (/list in every format, and the page),
 * rendered once per library generation and per m3u Host, and answered
 * with a strong ETag of their bytes, so that every replica over the same
 * files gives the same tag and a stock HTTP cache may keep them for a
 * second (APPS.md, "Operations and replicas").
 */
#ifndef AS_LISTCACHE_H
#define AS_LISTCACHE_H

#include <microhttpd.h>

#include "negotiate.h"
#include "route.h"

struct listcache;

/* An empty cache; NULL on ENOMEM. */
struct listcache *listcache_new(void);

/* Free it (after the daemons stopped). NULL-safe. */
void listcache_free(struct listcache *lc);

/*
 * Answer rq with the listing in format f: 200, or 304 when If-None-Match
 * holds its ETag. Renders it first when the library changed (or, for m3u,
 * when rq->host differs from the Host it was rendered for).
 */
enum MHD_Result listcache_answer(struct listcache *lc, struct request *rq,
				 enum list_format f);

#endif
