/*
 * fuzz_index: parse_u64 and parse_u64_str over any bytes. On PARSE_OK the
 * input is all digits and the value round-trips; a syntax error means a
 * non-digit (or nothing); an overflow means only digits.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
all_digits(const uint8_t *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v = 12345, w = 0;
	enum parse_result r;
	char *s, back[32];
	size_t skip = 0;
	int n;

	r = parse_u64((const char *)data, size, &v);
	if ((r == PARSE_SYNTAX) == all_digits(data, size))
		abort();
	if (r == PARSE_OK) {
		while (skip + 1 < size && data[skip] == '0')
			skip++; /* leading zeros */
		n = snprintf(back, sizeof back, "%llu", (unsigned long long)v);
		if (n < 0 || (size_t)n != size - skip ||
		    memcmp(back, data + skip, size - skip) != 0)
			abort();
	} else if (v != 12345) {
		abort(); /* *out is written only on success */
	}
	s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (memchr(data, '\0', size) == NULL &&
	    (parse_u64_str(s, &w) != r || (r == PARSE_OK && w != v)))
		abort();
	free(s);
	return 0;
}
