/*
 * range: the HTTP Range header (RFC 9110, section 14), single byte ranges.
 */
#include "range.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "parse.h"

static bool
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* Parse [s, e) as a number; -1 for anything but digits that fit. */
static int
number(const char *s, const char *e, uint64_t *out)
{
	return parse_u64(s, (size_t)(e - s), out) == PARSE_OK ? 0 : -1;
}

/*
 * Find the one non-empty element of the comma-separated list [s, e),
 * trimmed of OWS, and put it in [*from, *to). False when the list has
 * none or several. Empty elements do not count: a recipient must skip
 * them (RFC 9110, 5.6.1), so "bytes=0-1," is one range.
 */
static bool
sole_element(const char *s, const char *e, const char **from, const char **to)
{
	const char *comma, *a, *b;
	unsigned n = 0;

	for (;;) {
		comma = memchr(s, ',', (size_t)(e - s));
		a = s;
		b = comma != NULL ? comma : e;
		while (a < b && is_ows(*a))
			a++;
		while (b > a && is_ows(b[-1]))
			b--;
		if (a < b) {
			/* Several ranges are not worth a multipart answer. */
			if (++n > 1)
				return false;
			*from = a;
			*to = b;
		}
		if (comma == NULL)
			return n == 1;
		s = comma + 1;
	}
}

enum range_result
range_parse(const char *hdr, uint64_t size, uint64_t *first, uint64_t *last)
{
	const char *s, *e, *dash;
	uint64_t a, b;

	if (hdr == NULL)
		return RANGE_IGNORE;
	s = hdr;
	while (is_ows(*s))
		s++;
	if (strncasecmp(s, "bytes=", 6) != 0)
		return RANGE_IGNORE;
	s += 6;
	if (!sole_element(s, s + strlen(s), &s, &e))
		return RANGE_IGNORE;
	dash = memchr(s, '-', (size_t)(e - s));
	if (dash == NULL)
		return RANGE_IGNORE;

	if (dash == s) { /* suffix: bytes=-n */
		if (number(dash + 1, e, &b) != 0)
			return RANGE_IGNORE;
		if (b == 0 || size == 0)
			return RANGE_UNSATISFIABLE;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return RANGE_OK;
	}
	if (number(s, dash, &a) != 0)
		return RANGE_IGNORE;
	if (dash + 1 == e) {
		b = UINT64_MAX; /* bytes=a- */
	} else {
		if (number(dash + 1, e, &b) != 0 || b < a)
			return RANGE_IGNORE;
	}
	if (a >= size)
		return RANGE_UNSATISFIABLE;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return RANGE_OK;
}
