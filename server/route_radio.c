/* route_radio: GET and HEAD /radio: the station's stream (radio.h). */
#include "route.h"

#include "radio.h"

static enum MHD_Result
handle(struct request *rq, void *state)
{
	(void)state;
	return radio_answer(rq);
}

const struct route route_radio = {
	.path = "/radio",
	.handle = handle,
};
