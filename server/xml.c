/*
 * xml: escaping (xml.h).
 */
#include "xml.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "track.h"

#define XML_REPLACEMENT "\xef\xbf\xbd" /* U+FFFD in UTF-8 */

/* What byte c of a string stands as, or NULL: itself. num is scratch. */
static const char *
replacement(unsigned char c, bool utf8, char num[8])
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&apos;";
	case '\t':
	case '\n':
	case '\r':
		snprintf(num, 8, "&#%u;", c);
		return num;
	default:
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8))
			return XML_REPLACEMENT;
		return NULL;
	}
}

void
xml_escape(struct strbuf *b, const char *s, size_t n)
{
	bool utf8 = track_utf8_valid(s, n);
	size_t i, run = 0;
	const char *rep;
	char num[8];

	for (i = 0; i < n; i++) {
		rep = replacement((unsigned char)s[i], utf8, num);
		if (rep == NULL)
			continue;
		strbuf_add(b, s + run, i - run);
		strbuf_str(b, rep);
		run = i + 1;
	}
	strbuf_add(b, s + run, n - run);
}

void
xml_escape_str(struct strbuf *b, const char *s)
{
	xml_escape(b, s, strlen(s));
}
