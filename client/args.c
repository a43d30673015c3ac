/*
 * args: option, size, port and index parsing for as_client; see args.h.
 */
#include "args.h"

#include <getopt.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "parse.h"
#include "xmalloc.h"

enum args_long {
	ARGS_OPT_PLAYER = 256,
	ARGS_OPT_BUFFER_MAX,
	ARGS_OPT_VERSION,
	ARGS_OPT_CACERT,
	ARGS_OPT_TOKEN_FILE,
};

static const struct option args_long_options[] = {
	{"address", required_argument, NULL, 'a'},
	{"port", required_argument, NULL, 'p'},
	{"url", required_argument, NULL, 'u'},
	{"library", required_argument, NULL, 'l'},
	{"player", required_argument, NULL, ARGS_OPT_PLAYER},
	{"buffer-max", required_argument, NULL, ARGS_OPT_BUFFER_MAX},
	{"cacert", required_argument, NULL, ARGS_OPT_CACERT},
	{"token-file", required_argument, NULL, ARGS_OPT_TOKEN_FILE},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, ARGS_OPT_VERSION},
	{NULL, 0, NULL, 0},
};

static void
args_defaults(struct args_options *o)
{
	memset(o, 0, sizeof(*o));
	o->address = ARGS_DEFAULT_ADDRESS;
	o->port = ARGS_DEFAULT_PORT;
	o->library = ARGS_DEFAULT_LIBRARY;
	o->buffer_max = ARGS_DEFAULT_BUFFER_MAX;
}

/* The message for getopt's '?' or ':' answer at argv[optind - 1]. */
static char *
args_bad_option(int argc, char **argv, int ch)
{
	const char *word = optind - 1 < argc ? argv[optind - 1] : "?";

	if (ch == ':')
		return xasprintf("option %s needs an argument", word);
	return xasprintf("unknown option %s", word);
}

/*
 * Is a a host name or an IP address, as -a takes it? An IPv6 address may
 * come in brackets, as in a URL ("[::1]"). Letters, digits and ".-_:%"
 * only: nothing that would make the URL built from it mean something else.
 */
static bool
args_address_ok(const char *a)
{
	size_t n = strlen(a);

	if (a[0] == '[') {
		if (n < 3 || a[n - 1] != ']' || memchr(a, ':', n) == NULL)
			return false;
		a++;
		n -= 2;
	}
	if (n == 0)
		return false;
	return strspn(a, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789.-_:%") == n;
}

/* Is u an http:// or https:// URL with something after the scheme? */
static bool
args_url_ok(const char *u)
{
	if (strncasecmp(u, "http://", 7) == 0)
		u += 7;
	else if (strncasecmp(u, "https://", 8) == 0)
		u += 8;
	else
		return false;
	return *u != '\0' && *u != '/';
}

/* Apply one option with an argument; 0 or -1 with *cause set. */
static int
args_apply(struct args_options *o, int ch, const char *arg, char **cause)
{
	uint64_t size;

	switch (ch) {
	case 'a':
		if (!args_address_ok(arg)) {
			*cause = xasprintf("-a takes a host name or an IP "
					   "address, e.g. localhost, 10.0.0.5 "
					   "or ::1, not '%s' (for a URL, use "
					   "-u)",
					   arg);
			return -1;
		}
		o->address = arg;
		return 0;
	case 'p':
		return args_parse_port(arg, &o->port, cause);
	case 'u':
		if (!args_url_ok(arg)) {
			*cause = xasprintf("-u takes an http:// or https:// "
					   "URL with a host, e.g. "
					   "http://music.example:3456, not "
					   "'%s'",
					   arg);
			return -1;
		}
		o->url = arg;
		return 0;
	case 'l':
		if (*arg == '\0') {
			*cause = xstrdup("-l needs a non-empty directory");
			return -1;
		}
		o->library = arg;
		return 0;
	case ARGS_OPT_PLAYER:
		o->player = arg;
		return 0;
	case ARGS_OPT_BUFFER_MAX:
		if (args_parse_size(arg, &size, cause) < 0)
			return -1;
		o->buffer_max = (size_t)size;
		return 0;
	case ARGS_OPT_CACERT:
	case ARGS_OPT_TOKEN_FILE:
		if (*arg == '\0') {
			*cause = xasprintf("--%s needs a file name",
					   ch == ARGS_OPT_CACERT
						   ? "cacert"
						   : "token-file");
			return -1;
		}
		if (ch == ARGS_OPT_CACERT)
			o->cacert = arg;
		else
			o->token_file = arg;
		return 0;
	}
	*cause = xasprintf("unhandled option %d", ch);
	return -1;
}

int
args_parse_options(int argc, char **argv, struct args_options *o, char **cause)
{
	int ch;

	args_defaults(o);
	*cause = NULL;
	optind = 0; /* GNU: reinitialise, so a second call parses afresh */
	opterr = 0;
	for (;;) {
		ch = getopt_long(argc, argv, "+:a:p:u:l:h", args_long_options,
				 NULL);
		if (ch == -1)
			break;
		if (ch == '?' || ch == ':') {
			*cause = args_bad_option(argc, argv, ch);
			return -1;
		}
		if (ch == 'h') {
			o->help = true;
			continue;
		}
		if (ch == ARGS_OPT_VERSION) {
			o->version = true;
			continue;
		}
		if (args_apply(o, ch, optarg, cause) < 0)
			return -1;
	}
	o->command = optind;
	return 0;
}

/* The multiplier for a size suffix, or 0 when c is not one. */
static uint64_t
args_suffix(char c)
{
	switch (c) {
	case 'k':
	case 'K':
		return 1024;
	case 'm':
	case 'M':
		return 1024 * 1024;
	case 'g':
	case 'G':
		return 1024 * 1024 * 1024;
	}
	return 0;
}

int
args_parse_size(const char *s, uint64_t *out, char **cause)
{
	size_t len = strlen(s);
	uint64_t v, mult = 1;

	if (len > 0 && args_suffix(s[len - 1]) != 0) {
		mult = args_suffix(s[len - 1]);
		len--;
	}
	if (parse_u64(s, len, &v) != PARSE_OK || v > ARGS_BUFFER_MAX / mult ||
	    v * mult < ARGS_BUFFER_MIN || v * mult > ARGS_BUFFER_MAX) {
		*cause = xasprintf("bad size '%s': want a number with an "
				   "optional K, M or G suffix, from 64K to 1G",
				   s);
		return -1;
	}
	*out = v * mult;
	return 0;
}

int
args_parse_port(const char *s, uint16_t *out, char **cause)
{
	uint64_t v;

	if (parse_u64_str(s, &v) != PARSE_OK || v == 0 || v > 65535) {
		*cause = xasprintf("bad port '%s': want a number from 1 to "
				   "65535",
				   s);
		return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

int
args_parse_token(const char *s, size_t len, char **token, char **cause)
{
	const char *nl = memchr(s, '\n', len), *e;
	size_t n;

	if (nl != NULL)
		len = (size_t)(nl - s);
	e = s + len;
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	n = (size_t)(e - s);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\0' || strchr(ARGS_TOKEN_CHARS, s[i]) == NULL) {
			n = 0;
			break;
		}
	}
	if (n == 0 || n > ARGS_TOKEN_MAX) {
		*cause = xasprintf("the token must be 1 to %d characters of "
				   "A-Z a-z 0-9 - . _ ~ on the first line",
				   ARGS_TOKEN_MAX);
		return -1;
	}
	*token = xstrndup(s, n);
	return 0;
}

enum args_index
args_parse_index(const char *s, uint64_t *out)
{
	switch (parse_u64_str(s, out)) {
	case PARSE_OK:
		return ARGS_INDEX_OK;
	case PARSE_OVERFLOW:
		return ARGS_INDEX_OVERFLOW;
	default:
		return ARGS_INDEX_SYNTAX;
	}
}

int
args_split(char *line, char **words, int max)
{
	int n = 0;
	char *p = line;

	for (;;) {
		p += strspn(p, " \t\r\n");
		if (*p == '\0')
			return n;
		if (n == max)
			return -1;
		words[n++] = p;
		p += strcspn(p, " \t\r\n");
		if (*p == '\0')
			return n;
		*p++ = '\0';
	}
}
