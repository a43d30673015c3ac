/*
 * fuzz_transcode: a transcode's query values (transcode_req.h) over any
 * bytes. The input is split at NUL bytes into format, bitrate and start
 * (a missing one is absent, as an absent query key is), and, past them, a
 * MIME type. Promises: a parse succeeds only with a format offered, a
 * bitrate in [MIN, MAX] and a start within TRANSCODE_START_MAX seconds; a
 * failure leaves a message, NUL-terminated and non-empty, in the buffer;
 * raw never takes a bitrate or start; transcode_fits answers raw always
 * and never lets a start play from the file.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "transcode_req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIELDS 4
#define FIELD_MAX 256

/* The next NUL-terminated field of data[*pos..size) in buf, or NULL. */
static const char *
field(const uint8_t *data, size_t size, size_t *pos, char buf[FIELD_MAX])
{
	size_t n = 0;

	if (*pos >= size)
		return NULL;
	while (*pos < size && data[*pos] != 0 && n < FIELD_MAX - 1)
		buf[n++] = (char)data[(*pos)++];
	buf[n] = '\0';
	while (*pos < size && data[*pos] != 0) /* the rest of a long one */
		(*pos)++;
	(*pos)++;
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char bufs[FIELDS][FIELD_MAX], msg[200];
	const char *f[FIELDS];
	struct transcode_req tr;
	size_t pos = 0, i;
	uint64_t ms;

	for (i = 0; i < FIELDS; i++)
		f[i] = field(data, size, &pos, bufs[i]);
	memset(msg, 0, sizeof msg);
	if (transcode_parse(f[0], f[1], f[2], &tr, msg, sizeof msg) != 0) {
		if (msg[0] == '\0' || memchr(msg, '\0', sizeof msg) == NULL)
			abort();
		return 0;
	}
	if (tr.format != TRANSCODE_RAW && tr.format != TRANSCODE_MP3 &&
	    tr.format != TRANSCODE_OPUS)
		abort();
	if (tr.bitrate < TRANSCODE_BITRATE_MIN ||
	    tr.bitrate > TRANSCODE_BITRATE_MAX ||
	    tr.start_ms > (uint64_t)TRANSCODE_START_MAX * 1000 + 999)
		abort();
	if (tr.format == TRANSCODE_RAW &&
	    (f[1] != NULL || f[2] != NULL || tr.start_ms != 0))
		abort();
	if (f[2] != NULL &&
	    (transcode_parse_start(f[2], &ms) != 0 || ms != tr.start_ms))
		abort();
	if (!transcode_fits(&tr, f[3] != NULL ? f[3] : "audio/mpeg",
			    (uint64_t)size * 1000, (double)(size % 7) - 1) &&
	    tr.format == TRANSCODE_RAW)
		abort();
	if (tr.start_ms != 0 && transcode_fits(&tr, "audio/mpeg", 1, 100.0))
		abort();
	return 0;
}
