/*
 * fuzz_tagpic: the embedded-picture reader over any bytes taken as a whole
 * track file (MP3, FLAC, MP4, Ogg or WAV by its first bytes). A picture it
 * returns is within TAGPIC_MAX and starts like a JPEG or a PNG.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "tagpic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *pic = NULL;
	size_t len = 0;
	bool png;

	if (tagpic_read_mem(data, size, &pic, &len) == TAGPIC_FOUND) {
		if (len > TAGPIC_MAX || !tagpic_is_image(pic, len, &png))
			abort();
		free(pic);
	}
	return 0;
}
