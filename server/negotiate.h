/*
 * negotiate: which representation of the listing a caller gets, from
 * ?format= or the Accept header (q-values honoured).
 */
#ifndef AS_NEGOTIATE_H
#define AS_NEGOTIATE_H

enum list_format {
	LIST_FORMAT_TEXT,
	LIST_FORMAT_JSON,
	LIST_FORMAT_HTML,
	LIST_FORMAT_M3U,
	LIST_FORMAT_COUNT
};

/* Map a ?format= value ("text", "json", "html", "m3u"); -1 if unknown. */
int negotiate_format_name(const char *name, enum list_format *out);

/*
 * The best format for an Accept header value (NULL or empty: text). Highest
 * q wins; ties go to the more specific match, then to text, json, html,
 * m3u in that order. When nothing is acceptable the answer is text.
 */
enum list_format negotiate_accept(const char *accept);

/* Does the caller prefer JSON (for error bodies)? */
int negotiate_wants_json(const char *accept);

#endif
