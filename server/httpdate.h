/*
 * httpdate: HTTP-date (RFC 9110, section 5.6.7) formatting and parsing.
 */
#ifndef AS_HTTPDATE_H
#define AS_HTTPDATE_H

#include <stddef.h>
#include <time.h>

#define HTTPDATE_LEN 30 /* "Sun, 06 Nov 1994 08:49:37 GMT" plus NUL */

/* Write t as IMF-fixdate into buf (HTTPDATE_LEN bytes). 0, or -1. */
int httpdate_format(time_t t, char *buf, size_t len);

/*
 * Parse an IMF-fixdate, an obsolete RFC 850 date or an asctime() date.
 * 0 and *out on success, -1 when s is not one of them.
 */
int httpdate_parse(const char *s, time_t *out);

#endif
