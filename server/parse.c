/*
 * parse: strict, bounded number parsing shared by the server and the client.
 */
#include "parse.h"

#include <string.h>

enum parse_result
parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s == NULL || len == 0)
		return PARSE_SYNTAX;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return PARSE_SYNTAX;
	}
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return PARSE_OVERFLOW;
		v = v * 10 + d;
	}
	*out = v;
	return PARSE_OK;
}

enum parse_result
parse_u64_str(const char *s, uint64_t *out)
{
	if (s == NULL)
		return PARSE_SYNTAX;
	return parse_u64(s, strlen(s), out);
}

int
parse_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
