/*
 * precond: validators and conditional requests (RFC 9110, section 13).
 */
#include "precond.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "httpdate.h"

void
precond_etag(char *buf, size_t len, uint64_t size, int64_t mtime_ns)
{
	int n = snprintf(buf, len, "\"%" PRIx64 "-%" PRIx64 "\"", size,
			 (uint64_t)mtime_ns);

	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0'; /* cannot happen with PRECOND_ETAG_LEN */
}

static const char *
skip_ows_commas(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == ',')
		s++;
	return s;
}

/*
 * Does the entity-tag list in[] contain etag? Weak comparison ignores W/
 * prefixes on both sides; strong comparison (etag is then strong) lets no
 * weak tag match. "*" matches anything. A malformed list matches nothing.
 */
static bool
list_matches(const char *in, const char *etag, bool strong)
{
	const char *s = skip_ows_commas(in), *end;
	size_t elen;
	bool weak;

	if (*s == '*')
		return true;
	if (etag[0] == 'W' && etag[1] == '/')
		etag += 2;
	elen = strlen(etag);
	while (*s != '\0') {
		weak = s[0] == 'W' && s[1] == '/';
		if (weak)
			s += 2;
		if (*s != '"')
			return false;
		end = strchr(s + 1, '"');
		if (end == NULL)
			return false;
		if (!(strong && weak) && (size_t)(end + 1 - s) == elen &&
		    memcmp(s, etag, elen) == 0)
			return true;
		s = skip_ows_commas(end + 1);
	}
	return false;
}

bool
precond_failed(const char *im, const char *ius, const char *etag, time_t mtime)
{
	time_t t;

	if (im != NULL)
		return !list_matches(im, etag, true);
	if (ius != NULL && httpdate_parse(ius, &t) == 0)
		return mtime > t;
	return false;
}

bool
precond_not_modified(const char *inm, const char *ims, const char *etag,
		     time_t mtime)
{
	time_t t;

	if (inm != NULL)
		return list_matches(inm, etag, false);
	if (ims != NULL && httpdate_parse(ims, &t) == 0)
		return mtime <= t;
	return false;
}

bool
precond_if_range(const char *ifr, const char *etag, time_t mtime)
{
	time_t t;

	if (ifr == NULL)
		return true;
	while (*ifr == ' ' || *ifr == '\t')
		ifr++;
	if (ifr[0] == 'W' && ifr[1] == '/')
		return false;
	if (ifr[0] == '"')
		return strcmp(ifr, etag) == 0;
	return httpdate_parse(ifr, &t) == 0 && t == mtime;
}
