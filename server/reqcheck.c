/*
 * reqcheck: refuse ambiguous request framing (reqcheck.h).
 *
 * One pass over the request's headers (MHD_get_connection_values sees
 * every one, duplicates included, where MHD_lookup_connection_value finds
 * only the first) counts the framing fields and notes the first fault; the
 * answer is queued at once, before libmicrohttpd reads a byte of the body,
 * so the bytes after the headers are never read as a request. The answer
 * says "Connection: close" as well, and a response queued before the body
 * closes the connection after it in 0.9.75 and 1.0.x alike.
 */
#include "reqcheck.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "http.h"

/* What is wrong with a request's framing, the first fault found. */
enum reqcheck_fault {
	FAULT_NONE,
	FAULT_NAME,	  /* a name that is empty or not all tchar */
	FAULT_CR,	  /* a bare CR in a value */
	FAULT_HOSTS,	  /* more than one Host */
	FAULT_LENGTHS,	  /* more than one Content-Length */
	FAULT_LENGTH,	  /* a Content-Length that is not a number */
	FAULT_CODINGS,	  /* more than one Transfer-Encoding, or not chunked */
	FAULT_BOTH,	  /* Content-Length and Transfer-Encoding */
	FAULT_HTTP10_TE,  /* Transfer-Encoding in HTTP/1.0 */
	FAULT_CHUNKED_IN, /* a chunked body: 411 */
};

/* The framing fields seen so far. */
struct reqcheck_scan {
	enum reqcheck_fault fault;
	unsigned hosts, lengths, codings;
	bool chunked; /* the one Transfer-Encoding is "chunked" */
};

/* RFC 9110, 5.6.2: tchar, the bytes of a token such as a field name. */
static bool
is_tchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static bool
is_token(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (!is_tchar((unsigned char)*s))
			return false;
	}
	return true;
}

/* RFC 9112, 6.3: one or more decimal digits and nothing else. */
static bool
is_length(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
	}
	return true;
}

static void
note(struct reqcheck_scan *sc, enum reqcheck_fault f)
{
	if (sc->fault == FAULT_NONE)
		sc->fault = f;
}

/* MHD_KeyValueIterator over MHD_HEADER_KIND: count and check one field. */
static enum MHD_Result
scan_field(void *cls, enum MHD_ValueKind kind, const char *key,
	   const char *value)
{
	struct reqcheck_scan *sc = cls;

	(void)kind;
	if (value == NULL)
		value = "";
	if (!is_token(key))
		note(sc, FAULT_NAME);
	if (strchr(value, '\r') != NULL)
		note(sc, FAULT_CR);
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0 && ++sc->hosts > 1)
		note(sc, FAULT_HOSTS);
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (++sc->lengths > 1)
			note(sc, FAULT_LENGTHS);
		else if (!is_length(value))
			note(sc, FAULT_LENGTH);
	}
	if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		sc->chunked = ++sc->codings == 1 &&
			      strcasecmp(value, "chunked") == 0;
		if (!sc->chunked)
			note(sc, FAULT_CODINGS);
	}
	return MHD_YES;
}

/* The fault of the request as a whole, once every field was seen. */
static enum reqcheck_fault
verdict(const struct reqcheck_scan *sc, const char *version)
{
	if (sc->fault != FAULT_NONE)
		return sc->fault;
	if (sc->codings == 0)
		return FAULT_NONE;
	if (sc->lengths > 0)
		return FAULT_BOTH;
	if (strcmp(version, MHD_HTTP_VERSION_1_0) == 0)
		return FAULT_HTTP10_TE;
	return FAULT_CHUNKED_IN;
}

/* What to tell the client about fault f. */
static const char *
message(enum reqcheck_fault f)
{
	switch (f) {
	case FAULT_NAME:
		return "a header name is empty or holds a byte that a field "
		       "name cannot hold (RFC 9110, 5.1), such as a space or "
		       "tab before the colon; send 'Name: value'";
	case FAULT_CR:
		return "a header value holds a bare CR; end every header line "
		       "with CRLF and nothing else";
	case FAULT_HOSTS:
		return "more than one Host header; send exactly one";
	case FAULT_LENGTHS:
		return "more than one Content-Length header; send exactly one";
	case FAULT_LENGTH:
		return "Content-Length is not a decimal number of bytes; send "
		       "e.g. 'Content-Length: 42'";
	case FAULT_CODINGS:
		return "Transfer-Encoding other than one 'chunked'; send the "
		       "body with a Content-Length instead";
	case FAULT_BOTH:
		return "both Content-Length and Transfer-Encoding; send only "
		       "Content-Length";
	case FAULT_HTTP10_TE:
		return "Transfer-Encoding in an HTTP/1.0 request; send the "
		       "body with a Content-Length";
	case FAULT_CHUNKED_IN:
		return "this server takes no chunked request body; send the "
		       "body with a Content-Length";
	case FAULT_NONE:
		break;
	}
	return "malformed request";
}

int
reqcheck_headers(struct request *rq, const char *version, enum MHD_Result *ret)
{
	struct reqcheck_scan sc = {FAULT_NONE, 0, 0, 0, false};
	struct MHD_Response *resp;
	enum reqcheck_fault f;
	unsigned status;

	MHD_get_connection_values(rq->conn, MHD_HEADER_KIND, scan_field, &sc);
	f = verdict(&sc, version);
	if (f == FAULT_NONE)
		return 0;
	status = f == FAULT_CHUNKED_IN ? MHD_HTTP_LENGTH_REQUIRED
				       : MHD_HTTP_BAD_REQUEST;
	resp = http_error(rq, status, message(f));
	if (resp != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION,
					"close");
	*ret = http_queue(rq, status, resp);
	return -1;
}
