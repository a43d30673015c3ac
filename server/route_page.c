/* route_page: GET / is the HTML page of the listing (API.md). */
#include "route.h"

#include "listcache.h"

static enum MHD_Result
page(struct request *rq, void *state)
{
	(void)state;
	return listcache_answer(rq->srv->listings, rq, LIST_FORMAT_HTML);
}

const struct route route_page = {
	.path = "/",
	.handle = page,
};
