/*
 * transcode_req: a transcode's parameters (transcode_req.h).
 */
#include "transcode_req.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

int
transcode_parse_start(const char *s, uint64_t *ms)
{
	const char *dot = strchr(s, '.');
	size_t ilen = dot != NULL ? (size_t)(dot - s) : strlen(s), i;
	uint64_t whole, frac = 0, scale = 100;

	if (parse_u64(s, ilen, &whole) != PARSE_OK ||
	    whole > TRANSCODE_START_MAX)
		return -1;
	if (dot != NULL) {
		if (dot[1] == '\0' || strlen(dot + 1) > 9)
			return -1;
		for (i = 1; dot[i] != '\0'; i++) {
			if (dot[i] < '0' || dot[i] > '9')
				return -1;
			frac += (uint64_t)(dot[i] - '0') * scale;
			scale /= 10;
		}
	}
	*ms = whole * 1000 + frac;
	return 0;
}

/* Fill msg; always -1. */
__attribute__((format(printf, 3, 4))) static int
bad(char *msg, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, cap, fmt, ap) < 0 && cap > 0)
		msg[0] = '\0';
	va_end(ap);
	return -1;
}

int
transcode_parse(const char *format, const char *bitrate, const char *start,
		struct transcode_req *tr, char *msg, size_t cap)
{
	uint64_t v;

	*tr = (struct transcode_req){TRANSCODE_RAW, TRANSCODE_BITRATE_DEFAULT,
				     0, false};
	if (format == NULL || strcmp(format, "raw") == 0)
		tr->format = TRANSCODE_RAW;
	else if (strcmp(format, "mp3") == 0)
		tr->format = TRANSCODE_MP3;
	else if (strcmp(format, "opus") == 0)
		tr->format = TRANSCODE_OPUS;
	else
		return bad(msg, cap,
			   "format '%.32s' is not offered: use mp3, opus or "
			   "raw",
			   format);
	if (tr->format == TRANSCODE_RAW && (bitrate != NULL || start != NULL))
		return bad(msg, cap,
			   "bitrate and start apply to a transcode: add "
			   "format=mp3 or format=opus");
	if (bitrate != NULL &&
	    (parse_u64_str(bitrate, &v) != PARSE_OK ||
	     v < TRANSCODE_BITRATE_MIN || v > TRANSCODE_BITRATE_MAX))
		return bad(msg, cap,
			   "bitrate '%.32s' is not a whole number of kbit/s "
			   "from 8 to 320",
			   bitrate);
	if (bitrate != NULL)
		tr->bitrate = (unsigned)v;
	if (start != NULL && transcode_parse_start(start, &tr->start_ms) != 0)
		return bad(msg, cap,
			   "start '%.32s' is not a number of seconds such as "
			   "42 or 61.5 (at most 1000000)",
			   start);
	return 0;
}

bool
transcode_fits(const struct transcode_req *tr, const char *type, uint64_t size,
	       double duration)
{
	double kbps;
	bool same;

	if (tr->format == TRANSCODE_RAW)
		return true;
	if (tr->start_ms != 0 || duration <= 0)
		return false;
	same = (tr->format == TRANSCODE_MP3 &&
		strcmp(type, "audio/mpeg") == 0) ||
	       (tr->format == TRANSCODE_OPUS &&
		strcmp(type, "audio/opus") == 0);
	/* The file's whole size over its duration: tags count too, so a
	 * tagged file looks a little richer than it is (never poorer). */
	kbps = (double)size * 8 / duration / 1000;
	return (same || tr->any_codec) && kbps <= tr->bitrate;
}
