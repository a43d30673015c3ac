/*
 * reqcheck: refuse requests whose framing two HTTP parsers could read two
 * ways (request smuggling, RFC 9112, 6.3 and 11.2), where libmicrohttpd
 * 0.9.75 lets them through to the handler. libmicrohttpd 1.0.5 and later
 * refuse most of them itself; .github/SECURITY.md ("libmicrohttpd
 * versions") has the table and tests/smuggle.sh the evidence.
 *
 * Refused, with a 400 that says what to send and a close of the
 * connection: more than one Host; more than one Content-Length, or one that
 * is not a decimal number; Content-Length with Transfer-Encoding;
 * Transfer-Encoding in HTTP/1.0; a Transfer-Encoding other than one
 * "chunked"; a header name that is empty or holds a byte outside RFC 9110's
 * tchar (a space or tab before the colon, for one); a bare CR in a value.
 * A chunked request body gets 411 (RFC 9112, 6.3 allows it): no route
 * needs one, and its chunk lines are parsed by the library after the
 * handler's first call, where a handler cannot see them (0.9.75 takes a
 * bare LF or CR in them, 1.0.5 and later refuse).
 *
 * What a handler cannot see, and so is not checked here: obsolete line
 * folding (the library has already joined the lines: 0.9.75 onto the
 * field's name, which then fails the name check when the folded part holds
 * a colon or a space; 1.0.x onto its value), a bare LF ending a line
 * (already split), a NUL in a value (the value ends there). Run behind a
 * proxy that parses requests itself, or against libmicrohttpd 1.0.5 or
 * later, to cover those.
 */
#ifndef AS_REQCHECK_H
#define AS_REQCHECK_H

#include <microhttpd.h>

#include "route.h"

/*
 * Check every header of rq's request, on the access handler's first call
 * (the headers are in, the body not yet read). 0 when its framing is
 * sound; -1 when an error that closes the connection was queued (*ret
 * holds MHD's verdict, for the handler to return).
 */
int reqcheck_headers(struct request *rq, const char *version,
		     enum MHD_Result *ret);

#endif
