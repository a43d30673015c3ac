/*
 * fuzz_range: range_parse over any header value and file size. The input
 * is 8 bytes of size (little-endian) then the header text. Checks the
 * contract: RANGE_OK means first <= last < size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t fsize = 0, first = 0, last = 0;
	char *hdr;
	size_t i;

	for (i = 0; i < 8 && i < size; i++)
		fsize |= (uint64_t)data[i] << (8 * i);
	if (size >= 8 && (data[0] & 1))
		fsize &= 0xffffff; /* often a small file, as in practice */
	data += size < 8 ? size : 8;
	size -= size < 8 ? size : 8;
	hdr = malloc(size + 1);
	if (hdr == NULL)
		return 0;
	memcpy(hdr, data, size);
	hdr[size] = '\0';
	if (range_parse(hdr, fsize, &first, &last) == RANGE_OK &&
	    (first > last || last >= fsize))
		abort();
	free(hdr);
	return 0;
}
