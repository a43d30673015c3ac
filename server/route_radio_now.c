/* route_radio_now: GET /radio/now: what the station plays, as JSON (radio.h).
 */
#include "route.h"

#include "radio.h"

static enum MHD_Result
handle(struct request *rq, void *state)
{
	(void)state;
	return radio_now(rq);
}

const struct route route_radio_now = {
	.path = "/radio/now",
	.handle = handle,
};
