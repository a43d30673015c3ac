/*
 * fuzz_listing: listing_render_opts in every format over tracks built from
 * the input, and listing_host_valid over the first field. Fields are
 * separated by NUL bytes: host, token, then path/title/artist/album
 * quadruples. Paths are kept only when track_path_listable accepts them,
 * as the scanner does. Renders must not crash or read out of bounds, and
 * JSON must carry every track.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "track.h"

#define FUZZ_MAX_TRACKS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next NUL-terminated field of buf (len bytes), or NULL at the end. */
static char *
field(char **pos, char *end)
{
	char *f = *pos;

	if (f >= end)
		return NULL;
	*pos = f + strlen(f) + 1;
	return f;
}

static int
track_cmp(const void *a, const void *b)
{
	return track_by_path(a, b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct track tracks[FUZZ_MAX_TRACKS];
	struct listing_opts opts;
	static char empty[] = "";
	char *buf, *pos, *end, *host, *token, *p;
	size_t n = 0, len, i;
	int f;

	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	pos = buf;
	end = buf + size;
	host = field(&pos, end);
	token = field(&pos, end);
	if (host == NULL)
		host = empty;
	(void)listing_host_valid(host);
	memset(tracks, 0, sizeof tracks);
	while (n < FUZZ_MAX_TRACKS && (p = field(&pos, end)) != NULL) {
		struct track *t = &tracks[n];

		if (!track_path_listable(p, strlen(p)) || *p == '\0')
			continue;
		t->path = p;
		t->type = track_type_for_name(p);
		if (t->type == NULL)
			t->type = "audio/wav";
		t->size = (uint64_t)strlen(p) * 1000003u;
		t->mtime_ns = (int64_t)n * 1000000007LL;
		t->title = field(&pos, end);
		t->artist = field(&pos, end);
		t->album = field(&pos, end);
		t->duration = t->title != NULL ? (double)strlen(t->title) : -1;
		t->number = (int)n;
		n++;
	}
	qsort(tracks, n, sizeof *tracks, track_cmp);
	opts.host = listing_host_valid(host) ? host : "localhost:3456";
	opts.scheme = size % 2 ? "https" : "http";
	/* The server only accepts URL-safe tokens (main.c load_token). */
	opts.token = token != NULL && *token != '\0' &&
				     strspn(token,
					    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					    "abcdefghijklmnopqrstuvwxyz"
					    "0123456789-._~") == strlen(token)
			     ? token
			     : NULL;
	for (f = 0; f < LIST_FORMAT_COUNT; f++) {
		char *body = listing_render_opts(
			tracks, n, (enum list_format)f, &opts, &len);

		if (body == NULL)
			continue; /* out of memory: allowed */
		if (f == LIST_FORMAT_TEXT) {
			size_t lines = 0;

			for (i = 0; i < len; i++)
				lines += body[i] == '\n';
			if (lines != n)
				abort(); /* one line per track */
		}
		free(body);
	}
	free(buf);
	return 0;
}
