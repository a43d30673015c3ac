/*
 * retry: which failures are worth another request, the waits between them
 * and the headers that ask for the rest; see retry.h.
 */
#include "retry.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "xmalloc.h"

/* Longest single sleep: bounds how late a Ctrl-C is noticed. */
#define RETRY_SLICE_MS 100L

bool
retry_worth(CURLcode rc, long code, bool answered)
{
	if (!answered || fetch_interrupted())
		return false;
	switch (rc) {
	case CURLE_OK:
		return code == 500 || code == 502 || code == 503 ||
		       code == 504;
	case CURLE_COULDNT_CONNECT:
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return true;
	default:
		return false;
	}
}

long
retry_delay_ms(unsigned n)
{
	long ms = RETRY_FIRST_MS;

	for (unsigned i = 2; i < n && i < RETRY_TRIES; i++)
		ms *= 2;
	return ms;
}

bool
retry_sleep(long ms)
{
	while (ms > 0 && !fetch_interrupted()) {
		long step = ms < RETRY_SLICE_MS ? ms : RETRY_SLICE_MS;
		struct timespec ts = {.tv_sec = 0, .tv_nsec = step * 1000000L};

		if (nanosleep(&ts, NULL) < 0 && errno != EINTR)
			break;
		ms -= step;
	}
	return !fetch_interrupted();
}

char *
retry_gave_up(char *why, unsigned tries, const char *first)
{
	char *out;

	if (tries <= 1)
		return why;
	if (first != NULL && strcmp(first, why) != 0)
		out = xasprintf("%s (gave up after %u tries; the transfer "
				"first broke with: %s)",
				why, tries, first);
	else
		out = xasprintf("%s (gave up after %u tries)", why, tries);
	free(why);
	return out;
}

struct curl_slist *
retry_headers(uint64_t from, bool range, const char *validator)
{
	struct curl_slist *h = NULL;
	char *line;

	if (!range)
		return NULL;
	line = xasprintf("Range: bytes=%" PRIu64 "-", from);
	h = curl_slist_append(h, line);
	free(line);
	if (from > 0 && validator != NULL) {
		line = xasprintf("If-Range: %s", validator);
		h = curl_slist_append(h, line);
		free(line);
	}
	return h;
}
