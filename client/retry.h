/*
 * retry: how `get`, `stream` and `stream+` carry on when a transfer
 * breaks. A command that has had an answer from the server and then loses
 * it (the connection drops, the body ends short, the server answers 5xx or
 * is down for a moment) asks again for the rest, from the first byte it
 * does not have, with Range and If-Range (the validator of the answer its
 * bytes came from), waiting longer before each try; after RETRY_TRIES
 * requests it gives up with the last reason. A server that never answered
 * is reported at once: nothing was lost, and a wrong address should not
 * make the user wait.
 */
#ifndef AS_RETRY_H
#define AS_RETRY_H

#include <stdbool.h>
#include <stdint.h>

#include <curl/curl.h>

/* Requests one command makes for a track, the first one included. */
#define RETRY_TRIES 5
/* The wait before the second request; it doubles before each next one. */
#define RETRY_FIRST_MS 500L

/*
 * Is a failed request worth another: a network failure (rc), or an HTTP
 * 500, 502, 503 or 504 (code, with rc CURLE_OK), when answered says an
 * earlier request of the same command got an answer? A Ctrl-C, a local
 * write error or any other status is not.
 */
bool retry_worth(CURLcode rc, long code, bool answered);

/* Milliseconds to wait before request number n (2 to RETRY_TRIES). */
long retry_delay_ms(unsigned n);

/* Sleep ms milliseconds; false when a Ctrl-C cut the wait short. */
bool retry_sleep(long ms);

/*
 * The final message when a command gives up (caller frees; why is freed):
 * "WHY (gave up after N tries; first: FIRST)", where first is the break
 * that started the retries (NULL, or the same as why: left out); just
 * why after a single try.
 */
char *retry_gave_up(char *why, unsigned tries, const char *first);

/*
 * Request headers for the bytes from `from` on: "Range: bytes=from-" when
 * range is true, and "If-Range: <validator>" when from > 0 and validator
 * is not NULL. NULL when there is nothing to send. Caller frees with
 * curl_slist_free_all.
 */
struct curl_slist *retry_headers(uint64_t from, bool range,
				 const char *validator);

#endif
