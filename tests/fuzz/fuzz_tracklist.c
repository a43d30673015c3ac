/*
 * fuzz_tracklist: the client's parser of the server's JSON listing
 * (tracklist_parse) and its path checks, over any bytes. The server is not
 * trusted: whatever it sends, the parse succeeds with a consistent list or
 * fails with a cause, and never crashes or leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tracklist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracklist l = {NULL, 0};
	char *cause = NULL, *s;
	size_t i;

	if (tracklist_parse((const char *)data, size, &l, &cause) == 0) {
		if (cause != NULL)
			abort();
		for (i = 0; i < l.count; i++) {
			if (l.tracks[i].index != i || l.tracks[i].path == NULL)
				abort();
			free(tracklist_printable(l.tracks[i].path));
		}
	} else if (cause == NULL || l.count != 0) {
		abort();
	}
	free(cause);
	tracklist_free(&l);

	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	cause = NULL;
	if (tracklist_check_path(s, &cause) != 0 && cause == NULL)
		abort();
	free(cause);
	free(tracklist_printable(s));
	free(s);
	return 0;
}
