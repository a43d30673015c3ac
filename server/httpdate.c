/*
 * httpdate: HTTP-date (RFC 9110, section 5.6.7) formatting and parsing.
 */
#include "httpdate.h"

#include <string.h>

int
httpdate_format(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL)
		return -1;
	if (strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
		return -1;
	return 0;
}

/* The three forms HTTP/1.1 recipients must accept, tried in order. */
static const char *const forms[] = {
	"%a, %d %b %Y %H:%M:%S GMT", /* IMF-fixdate */
	"%A, %d-%b-%y %H:%M:%S GMT", /* RFC 850 */
	"%a %b %e %H:%M:%S %Y",	     /* asctime() */
};

int
httpdate_parse(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;
	size_t i;

	if (s == NULL)
		return -1;
	for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
		memset(&tm, 0, sizeof tm);
		end = strptime(s, forms[i], &tm);
		if (end != NULL && *end == '\0') {
			*out = timegm(&tm);
			return 0;
		}
	}
	return -1;
}
