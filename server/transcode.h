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
#include "transcode_req.h"

/*
 * --max-transcodes' default per core: a real-time FLAC to Opus 96k stream
 * costs ffmpeg about 1.5% of a core here (transcode.c), so 20 a core
 * leaves most of it for everything else.
 */
#define TRANSCODE_DEFAULT_PER_CORE 20
#define TRANSCODE_RETRY_AFTER "5" /* seconds, in a 503 past the limit */

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
