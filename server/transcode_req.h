/*
 * transcode_req: what a request asks of a transcode (APPS.md,
 * "Transcoding"): the query values of /stream and the Subsonic API's
 * stream, parsed and bounded, and whether the file itself answers them.
 * Pure code (no I/O), fuzzed by tests/fuzz/fuzz_transcode.c.
 */
#ifndef AS_TRANSCODE_REQ_H
#define AS_TRANSCODE_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRANSCODE_BITRATE_MIN 8
#define TRANSCODE_BITRATE_MAX 320
#define TRANSCODE_BITRATE_DEFAULT 128
/* Whole seconds a start may name: past any track's length. */
#define TRANSCODE_START_MAX 1000000

enum transcode_format {
	TRANSCODE_RAW = 0, /* the file as it is */
	TRANSCODE_MP3,
	TRANSCODE_OPUS,
};

/* What a request asks for. */
struct transcode_req {
	enum transcode_format format;
	unsigned bitrate;  /* kbit/s, in [MIN, MAX] */
	uint64_t start_ms; /* where to begin, in ms */
	/* Raw whenever the file's bitrate fits, whatever its codec (the
	 * Subsonic API's maxBitRate without a format). */
	bool any_codec;
};

/*
 * Parse /stream's query values (each NULL when absent) into *tr. 0, or -1
 * with a message for a 400 in msg (cap bytes), naming what is accepted.
 */
int transcode_parse(const char *format, const char *bitrate, const char *start,
		    struct transcode_req *tr, char *msg, size_t cap);

/*
 * Parse a start in seconds, "S" or "S.fff" (digits only, at most
 * TRANSCODE_START_MAX), into ms. 0, or -1.
 */
int transcode_parse_start(const char *s, uint64_t *ms);

/*
 * Does the file itself answer tr (raw, or the same codec at no more than
 * the bitrate asked, from the start)? type is the track's MIME type, size
 * its bytes, duration its seconds (< 0 when unknown).
 */
bool transcode_fits(const struct transcode_req *tr, const char *type,
		    uint64_t size, double duration);

#endif
