/*
 * negotiate: which representation of the listing a caller gets, from
 * ?format= or the Accept header (RFC 9110, section 12.5.1).
 */
#include "negotiate.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct candidate {
	const char *name;  /* the ?format= value */
	const char *type;  /* its media type */
	const char *alias; /* another media type that asks for it, or NULL */
};

/* In order of preference when q and specificity tie. */
static const struct candidate candidates[LIST_FORMAT_COUNT] = {
	[LIST_FORMAT_TEXT] = {"text", "text/plain", NULL},
	[LIST_FORMAT_JSON] = {"json", "application/json", NULL},
	[LIST_FORMAT_HTML] = {"html", "text/html", "application/xhtml+xml"},
	[LIST_FORMAT_M3U] = {"m3u", "audio/x-mpegurl", "audio/mpegurl"},
};

#define ACCEPT_MAX_RANGES 64 /* more media ranges than this are ignored */

int
negotiate_format_name(const char *name, enum list_format *out)
{
	int f;

	for (f = 0; f < LIST_FORMAT_COUNT; f++) {
		if (strcmp(name, candidates[f].name) == 0) {
			*out = (enum list_format)f;
			return 0;
		}
	}
	return -1;
}

/* Skip spaces and tabs. */
static const char *
ows(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

/*
 * Parse a qvalue ("0", "0.5", "1.000") into thousandths; -1 if malformed.
 */
static int
qvalue(const char *s, const char *e)
{
	int q, scale = 100;

	if (s >= e || (*s != '0' && *s != '1'))
		return -1;
	q = (*s++ - '0') * 1000;
	if (s == e)
		return q;
	if (*s++ != '.')
		return -1;
	for (; s < e && scale > 0; s++, scale /= 10) {
		if (*s < '0' || *s > '9')
			return -1;
		q += (*s - '0') * scale;
	}
	if (s != e || q > 1000)
		return -1;
	return q;
}

/* The q of one media range's parameters [s, e); 1000 when absent. */
static int
range_q(const char *s, const char *e)
{
	while (s < e) {
		const char *semi = memchr(s, ';', (size_t)(e - s));
		const char *pe = semi != NULL ? semi : e;

		s = ows(s, pe);
		if (pe - s >= 2 && (s[0] == 'q' || s[0] == 'Q') &&
		    s[1] == '=') {
			const char *ve = pe;

			while (ve > s + 2 && (ve[-1] == ' ' || ve[-1] == '\t'))
				ve--;
			return qvalue(s + 2, ve);
		}
		s = semi != NULL ? semi + 1 : e;
	}
	return 1000;
}

/*
 * How specifically media range [s, e) matches type: 3 exact, 2 "type/ *",
 * 1 "* / *", 0 no match.
 */
static int
match(const char *s, const char *e, const char *type)
{
	size_t n = (size_t)(e - s), tn = strlen(type);
	const char *slash = strchr(type, '/');

	if (n == tn && strncasecmp(s, type, n) == 0)
		return 3;
	if (n == 3 && memcmp(s, "*/*", 3) == 0)
		return 1;
	if (slash != NULL && n == (size_t)(slash - type) + 2 &&
	    strncasecmp(s, type, (size_t)(slash - type) + 1) == 0 &&
	    s[n - 1] == '*')
		return 2;
	return 0;
}

struct score {
	int q;	      /* thousandths; -1 when no range matched */
	int specific; /* of the range that set q */
};

/* Fold one media range (type [s, te), q) into each candidate's score. */
static void
score_range(const char *s, const char *te, int q, struct score *sc)
{
	int f, m, ma;

	for (f = 0; f < LIST_FORMAT_COUNT; f++) {
		m = match(s, te, candidates[f].type);
		if (candidates[f].alias != NULL) {
			ma = match(s, te, candidates[f].alias);
			if (ma > m)
				m = ma;
		}
		if (m > sc[f].specific) {
			sc[f].specific = m;
			sc[f].q = q;
		}
	}
}

enum list_format
negotiate_accept(const char *accept)
{
	struct score sc[LIST_FORMAT_COUNT];
	const char *s, *e, *comma, *re, *te;
	int f, best = LIST_FORMAT_TEXT, n = 0, q;

	if (accept == NULL)
		return LIST_FORMAT_TEXT;
	for (f = 0; f < LIST_FORMAT_COUNT; f++) {
		sc[f].q = -1;
		sc[f].specific = 0;
	}
	s = accept;
	e = s + strlen(s);
	while (s < e && n++ < ACCEPT_MAX_RANGES) {
		comma = memchr(s, ',', (size_t)(e - s));
		re = comma != NULL ? comma : e;
		s = ows(s, re); /* s <= re */
		te = s < re ? memchr(s, ';', (size_t)(re - s)) : NULL;
		if (te == NULL)
			te = re;
		while (te > s && (te[-1] == ' ' || te[-1] == '\t'))
			te--;
		q = range_q(te, re);
		if (te > s && q >= 0)
			score_range(s, te, q, sc);
		s = comma != NULL ? comma + 1 : e;
	}
	for (f = 0; f < LIST_FORMAT_COUNT; f++) {
		if (sc[f].q > sc[best].q ||
		    (sc[f].q == sc[best].q &&
		     sc[f].specific > sc[best].specific))
			best = f;
	}
	return sc[best].q > 0 ? (enum list_format)best : LIST_FORMAT_TEXT;
}

int
negotiate_wants_json(const char *accept)
{
	return negotiate_accept(accept) == LIST_FORMAT_JSON;
}
