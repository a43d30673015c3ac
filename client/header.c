/*
 * header: Content-Range, ETag and Last-Modified; see header.h.
 */
#include "header.h"

#include <string.h>
#include <strings.h>

#include "parse.h"

void
header_reset(struct header_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->range = HEADER_RANGE_INVALID;
}

/* Visible ASCII that may sit inside an entity tag (RFC 9110 etagc). */
static bool
header_etagc(unsigned char ch)
{
	return ch == 0x21 || (ch >= 0x23 && ch <= 0x7e);
}

static bool
header_is_etag(const char *v, size_t len)
{
	if (len < 2 || len > HEADER_VALIDATOR_MAX || v[0] != '"' ||
	    v[len - 1] != '"')
		return false;
	for (size_t i = 1; i + 1 < len; i++)
		if (!header_etagc((unsigned char)v[i]))
			return false;
	return true;
}

static bool
header_is_date(const char *v, size_t len)
{
	if (len == 0 || len > HEADER_VALIDATOR_MAX || v[0] == ' ' ||
	    v[len - 1] == ' ' || v[0] == '"' ||
	    (len >= 2 && v[0] == 'W' && v[1] == '/'))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] > 0x7e)
			return false;
	return true;
}

bool
header_validator_ok(const char *v, size_t len)
{
	return header_is_etag(v, len) || header_is_date(v, len);
}

enum header_range
header_content_range(const char *v, size_t len, uint64_t *first,
		     uint64_t *last, uint64_t *total)
{
	static const char unit[] = "bytes ";
	const char *p = v + sizeof(unit) - 1, *end = v + len;
	const char *dash, *slash;
	uint64_t f, l, t;

	if (len < sizeof(unit) - 1 ||
	    strncasecmp(v, unit, sizeof(unit) - 1) != 0)
		return HEADER_RANGE_INVALID;
	slash = memchr(p, '/', (size_t)(end - p));
	if (slash == NULL ||
	    parse_u64(slash + 1, (size_t)(end - slash - 1), &t) != PARSE_OK)
		return HEADER_RANGE_INVALID;
	if (slash - p == 1 && *p == '*') {
		*total = t;
		return HEADER_RANGE_UNSATISFIED;
	}
	dash = memchr(p, '-', (size_t)(slash - p));
	if (dash == NULL || parse_u64(p, (size_t)(dash - p), &f) != PARSE_OK ||
	    parse_u64(dash + 1, (size_t)(slash - dash - 1), &l) != PARSE_OK ||
	    f > l || l >= t)
		return HEADER_RANGE_INVALID;
	*first = f;
	*last = l;
	*total = t;
	return HEADER_RANGE_BYTES;
}

/* Copy a checked value of len <= HEADER_VALIDATOR_MAX bytes into dst. */
static void
header_keep(char *dst, const char *v, size_t len)
{
	memcpy(dst, v, len);
	dst[len] = '\0';
}

/* One "Name: value" line, name and trimmed value apart. */
static void
header_field(struct header_answer *a, const char *name, size_t nlen,
	     const char *v, size_t len)
{
#define HEADER_IS(s) (nlen == sizeof(s) - 1 && strncasecmp(name, s, nlen) == 0)
	if (HEADER_IS("content-range")) {
		a->range = header_content_range(v, len, &a->first, &a->last,
						&a->total);
	} else if (HEADER_IS("etag")) {
		a->etag[0] = '\0';
		if (header_is_etag(v, len))
			header_keep(a->etag, v, len);
	} else if (HEADER_IS("last-modified")) {
		a->modified[0] = '\0';
		if (header_is_date(v, len))
			header_keep(a->modified, v, len);
	}
#undef HEADER_IS
}

void
header_line(struct header_answer *a, const char *line, size_t len)
{
	const char *colon, *v, *end = line + len;

	if (len >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		header_reset(a);
		return;
	}
	colon = memchr(line, ':', len);
	if (colon == NULL || colon == line)
		return;
	v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
			   end[-1] == ' ' || end[-1] == '\t'))
		end--;
	header_field(a, line, (size_t)(colon - line), v, (size_t)(end - v));
}

const char *
header_validator(const struct header_answer *a)
{
	if (a->etag[0] != '\0')
		return a->etag;
	if (a->modified[0] != '\0')
		return a->modified;
	return NULL;
}
