/*
 * access: the record of one request and its Combined Log Format line,
 * which every log tool reads:
 *   127.0.0.1 - - [25/Nov/2026:12:00:00 +0000] "GET /list HTTP/1.1" 200 75
 *   "-" "curl/7.88.1"
 * Quotes, backslashes and control bytes in the fields are written as \xHH,
 * so a request cannot forge a line; secrets in the query (token=, and the
 * Subsonic API's p= password and t= token) never reach the log.
 */
#include "access.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"

#define ACCESS_LINE_MAX 4096
#define ACCESS_HIDDEN "token=[hidden]" /* the longest replacement */
#define ACCESS_SECRETS 3	       /* how many may be replaced in full */

/* The length of the secret parameter name (and '=') s starts with, or 0. */
static size_t
secret_key(const char *s)
{
	static const char *const keys[] = {"token=", "p=", "t="};
	size_t i, n;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		n = strlen(keys[i]);
		if (strncmp(s, keys[i], n) == 0)
			return n;
	}
	return 0;
}

/*
 * Copy the request target uri into dst (cap bytes) with the value of any
 * secret query parameter replaced by [hidden]; cut to fit.
 */
static void
copy_redacted(char *dst, size_t cap, const char *uri)
{
	const char *q = strchr(uri, '?');
	size_t pos = 0;

	while (*uri != '\0' && pos + sizeof ACCESS_HIDDEN < cap) {
		size_t k = q != NULL && uri > q &&
					   (uri[-1] == '?' || uri[-1] == '&')
				   ? secret_key(uri)
				   : 0;

		if (k > 0) {
			memcpy(dst + pos, uri, k);
			memcpy(dst + pos + k, "[hidden]", 8);
			pos += k + 8;
			uri += strcspn(uri, "&");
			continue;
		}
		dst[pos++] = *uri++;
	}
	dst[pos] = '\0';
}

struct access *
access_begin(const char *uri)
{
	struct access *a;
	size_t cap;

	if (uri == NULL)
		uri = "";
	/* room for the target, or its redacted form, up to the cap */
	cap = strnlen(uri, ACCESS_URI_MAX) +
	      ACCESS_SECRETS * sizeof ACCESS_HIDDEN;
	if (cap > ACCESS_URI_MAX)
		cap = ACCESS_URI_MAX;
	a = calloc(1, sizeof *a + cap);
	if (a == NULL)
		return NULL;
	a->start = time(NULL);
	copy_redacted(a->uri, cap, uri);
	return a;
}

void
access_seen(struct access *a, const char *method, const char *version)
{
	a->seen = true;
	snprintf(a->method, sizeof a->method, "%s", method);
	snprintf(a->version, sizeof a->version, "%s", version);
}

void
access_count(struct access *a, size_t len)
{
	if (strcmp(a->method, MHD_HTTP_METHOD_HEAD) != 0)
		a->bytes += len;
}

/* Append s to the log line, escaping quotes, backslashes and controls. */
static size_t
field(char *buf, size_t pos, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	if (s == NULL || *s == '\0')
		s = "-";
	for (; *s != '\0' && pos + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f || ch == '"' || ch == '\\') {
			buf[pos++] = '\\';
			buf[pos++] = 'x';
			buf[pos++] = hex[ch >> 4];
			buf[pos++] = hex[ch & 15];
		} else {
			buf[pos++] = (char)ch;
		}
	}
	buf[pos] = '\0';
	return pos;
}

/* Append the literal s as it is, if it fits. */
static size_t
raw(char *buf, size_t pos, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (pos + n >= cap)
		return pos;
	memcpy(buf + pos, s, n + 1);
	return pos + n;
}

static void
client_ip(struct MHD_Connection *c, char *buf, socklen_t len)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr *sa;

	snprintf(buf, len, "-");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  buf, len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			  len);
}

static const char *
header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* One Combined Log Format line for the request a on c. */
static void
write_line(const struct access *a, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	char line[ACCESS_LINE_MAX], ip[INET6_ADDRSTRLEN], date[64] = "-";
	unsigned status = 0;
	struct tm tm;
	size_t pos;
	int n;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_HTTP_STATUS);
	if (ci != NULL)
		status = ci->http_status;
	client_ip(c, ip, sizeof ip);
	if (gmtime_r(&a->start, &tm) != NULL)
		strftime(date, sizeof date, "%d/%b/%Y:%H:%M:%S +0000", &tm);
	n = snprintf(line, sizeof line, "%s - - [%s] \"", ip, date);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	pos = field(line, (size_t)n, sizeof line, a->method);
	pos = raw(line, pos, sizeof line, " ");
	pos = field(line, pos, sizeof line, a->uri);
	pos = raw(line, pos, sizeof line, " ");
	pos = field(line, pos, sizeof line, a->version);
	n = snprintf(line + pos, sizeof line - pos, "\" %u %" PRIu64 " \"",
		     status, a->bytes);
	if (n < 0 || (size_t)n >= sizeof line - pos)
		return;
	pos = field(line, pos + (size_t)n, sizeof line,
		    header(c, MHD_HTTP_HEADER_REFERER));
	pos = raw(line, pos, sizeof line, "\" \"");
	pos = field(line, pos, sizeof line,
		    header(c, MHD_HTTP_HEADER_USER_AGENT));
	pos = raw(line, pos, sizeof line, "\"");
	log_access(line, (int)pos);
}

void
access_end(struct access *a, struct MHD_Connection *c)
{
	if (a->seen && log_access_wanted())
		write_line(a, c);
	free(a);
}
