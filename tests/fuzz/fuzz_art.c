/*
 * fuzz_art: one path through the decoder and scaler (libvips behind
 * art_scale's caps) over any bytes taken as a picture: it either fails
 * with a cause or gives a JPEG.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "art.h"
#include "log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init("fuzz_art", LOG_LEVEL_WARN);
	if (art_init() != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *out = NULL;
	char *cause = NULL;
	size_t len = 0;

	if (art_scale(data, size, 64, &out, &len, &cause) == 0) {
		if (len < 3 || memcmp(out, "\xff\xd8\xff", 3) != 0)
			abort();
		art_free(out);
	}
	free(cause);
	return 0;
}
