/*
 * stream: `stream` and `stream+`. One libcurl multi loop moves the body
 * into a capped dynbuf; the player's non-blocking pipe drains it, polled as
 * an extra descriptor in curl_multi_poll. When the buffer is full the
 * transfer pauses (CURL_WRITEFUNC_PAUSE) until the player catches up, so
 * memory stays under the cap however slow the player is. With save set
 * (stream+) the buffer has a second reader that writes the .part file: the
 * download completes even when the player quits, and playback goes on when
 * the file cannot be written.
 */
#ifndef AS_STREAM_H
#define AS_STREAM_H

#include <stdbool.h>

#include "cmd.h"
#include "tracklist.h"

/*
 * Play track t through c->player, saving it too when save is true. Waits
 * for the player to end. bitrate > 0 (without save): the server
 * transcodes it to mp3 at that many kbit/s (APPS.md); one request, as a
 * transcode cannot resume mid-way. 0 when the audio was delivered (or the
 * player chose to stop with status 0) and, with save, the file saved; else -1
 * with *cause set (caller frees).
 */
int send_and_process_stream_request(struct client *c, const struct track *t,
				    bool save, unsigned bitrate, char **cause);

#endif
