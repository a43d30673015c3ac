/*
 * fuzz_accept: negotiate_accept, negotiate_wants_json and
 * negotiate_format_name over any header text. The answer is always one of
 * the formats.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "negotiate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum list_format f;
	char *s = malloc(size + 1);

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	f = negotiate_accept(s);
	if ((int)f < 0 || f >= LIST_FORMAT_COUNT)
		abort();
	(void)negotiate_wants_json(s);
	if (negotiate_format_name(s, &f) == 0 &&
	    ((int)f < 0 || f >= LIST_FORMAT_COUNT))
		abort();
	free(s);
	return 0;
}
