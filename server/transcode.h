/*
 * transcode: a track re-encoded on the fly (APPS.md, "Transcoding"), for
 * /stream/<index>?format=mp3|opus&bitrate=N&start=S and the Subsonic
 * API's stream. Each transcode is one `ffmpeg` child process reading the
 * track and writing the encoded stream into a pipe that the answer's
 * reader drains; transcode.c says why a child and not the libraries.
 */
#ifndef AS_TRANSCODE_H
#define AS_TRANSCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <microhttpd.h>

#include "loop.h"
#include "route.h"

#define TRANSCODE_BITRATE_MIN 8
#define TRANSCODE_BITRATE_MAX 320
#define TRANSCODE_BITRATE_DEFAULT 128
/* Whole seconds a start may name: past any track's length. */
#define TRANSCODE_START_MAX 1000000
/*
 * --max-transcodes' default per core: a real-time FLAC to Opus 96k stream
 * costs ffmpeg about 1.5% of a core here (transcode.c), so 20 a core
 * leaves most of it for everything else.
 */
#define TRANSCODE_DEFAULT_PER_CORE 20
#define TRANSCODE_RETRY_AFTER "5" /* seconds, in a 503 past the limit */

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

/*
 * Answer rq with track fd (which stays the caller's: the child gets a
 * copy) transcoded as tr asks: 200, chunked, from an ffmpeg child; 503
 * with Retry-After past --max-transcodes; 400 for a start past the end.
 * duration: the source's seconds, < 0 when unknown.
 */
enum MHD_Result transcode_answer(struct request *rq, int fd,
				 const struct transcode_req *tr,
				 double duration);

/*
 * Run ffmpeg: argv[0] is the program, stdin is in (/dev/null when < 0),
 * stdout out, descriptor 3 the track fd (none when < 0), stderr
 * /dev/null, no other descriptor, under the limits of a transcode (CPU,
 * address space, no file written, no core). Its pid, or -1 with errno.
 */
pid_t transcode_exec(const char *const argv[], int in, int out, int fd);

/*
 * Start the watcher thread that resumes answers waiting on their encoder
 * and wakes their loop (one of loops); at most max transcodes at once.
 * 0, or -1.
 */
int transcode_init(unsigned max, struct loops *loops);

/*
 * Before the daemons stop: end every transcode and wait until none is
 * suspended (libmicrohttpd may not stop with a suspended connection).
 */
void transcode_stop(void);

/* After the daemons stopped: join the watcher. */
void transcode_free(void);

#endif
