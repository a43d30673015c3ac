/*
 * serve: a track's bytes over HTTP, as API.md's /stream/<index> answers
 * them: validators, conditional requests, one range, the chunked 200, the
 * sized answers of HEAD and 206 (shared file responses, fileresp.h), the
 * download name and the DLNA headers. /stream and the Subsonic API's
 * stream and download use it.
 */
#ifndef AS_SERVE_H
#define AS_SERVE_H

#include <stdbool.h>
#include <stdint.h>

#include <microhttpd.h>

#include "route.h"

struct transcode_req;

struct serve_opts {
	bool download; /* Content-Disposition: attachment with the name */
	/* Transcoding asked for (transcode.h), or NULL: the file as is. */
	const struct transcode_req *tc;
};

/*
 * Serve track index of the library's current table to rq. An index past
 * the table gets a 404 that says how many tracks there are.
 */
enum MHD_Result serve_track(struct request *rq, uint64_t index,
			    const struct serve_opts *opts);

/*
 * Start sharing file responses: at most budget descriptors for them
 * (fileresp.h). False when libmicrohttpd cannot share one (then every
 * sized answer reads the file with pread, as chunked ones do).
 */
bool serve_init(unsigned budget);

#endif
