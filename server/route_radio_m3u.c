/* route_radio_m3u: GET /radio.m3u: a playlist holding the station's URL
 * (radio.h). */
#include "route.h"

#include "radio.h"

static enum MHD_Result
handle(struct request *rq, void *state)
{
	(void)state;
	return radio_m3u(rq);
}

const struct route route_radio_m3u = {
	.path = "/radio.m3u",
	.handle = handle,
};
