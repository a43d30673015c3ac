/*
 * users: the accounts of the Subsonic API and its two ways to prove one.
 *
 * MD5 comes from nettle: the Subsonic token is hex MD5(password + salt),
 * and nettle is already in the server's process (libmicrohttpd's GnuTLS
 * links it), so it adds no library at run time, where OpenSSL's libcrypto
 * would add a second crypto stack and libgcrypt needs global set-up.
 */
#include "users.h"

#include <errno.h>
#include <fcntl.h>
#include <nettle/md5.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "parse.h"

#define CAUSE_MAX 256
#define TOKEN_HEX_LEN (2 * MD5_DIGEST_SIZE)

struct user {
	char name[USERS_NAME_MAX + 1];
	unsigned char pass[USERS_PASSWORD_MAX];
	size_t pass_len;
};

struct users {
	struct user *v;
	size_t n;
};

/* "line N: what (want name:password)", malloc'd. */
static char *
line_cause(unsigned line, const char *what)
{
	char buf[CAUSE_MAX];
	int n = snprintf(buf, sizeof buf, "line %u: %s (want name:password)",
			 line, what);

	if (n < 0)
		return NULL;
	return strdup(buf);
}

static bool
blank_line(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return s[i] == '#';
	return true;
}

static bool
has_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

/* Why line s[0, len) is not "name:password", or NULL when it is. */
static const char *
line_error(const struct users *u, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	size_t nlen, plen, i;

	if (colon == NULL)
		return "no ':' between the name and the password";
	nlen = (size_t)(colon - s);
	plen = len - nlen - 1;
	if (nlen == 0)
		return "the user name is empty";
	if (nlen > USERS_NAME_MAX)
		return "the user name is longer than 64 bytes";
	if (plen == 0)
		return "the password is empty";
	if (plen > USERS_PASSWORD_MAX)
		return "the password is longer than 128 bytes";
	if (has_control(s, len))
		return "a control character (tab, NUL...) in the line";
	for (i = 0; i < u->n; i++)
		if (strlen(u->v[i].name) == nlen &&
		    memcmp(u->v[i].name, s, nlen) == 0)
			return "this user name is already defined above";
	if (u->n >= USERS_MAX)
		return "more than 4096 users";
	return NULL;
}

static void
add_user(struct users *u, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	struct user *e = &u->v[u->n++];
	size_t nlen = (size_t)(colon - s);

	memcpy(e->name, s, nlen);
	e->name[nlen] = '\0';
	e->pass_len = len - nlen - 1;
	memcpy(e->pass, colon + 1, e->pass_len);
}

/* How many lines buf[0, len) holds, at most. */
static size_t
count_lines(const char *buf, size_t len)
{
	size_t i, n = 1;

	for (i = 0; i < len; i++)
		n += buf[i] == '\n';
	return n;
}

struct users *
users_parse(const char *buf, size_t len, char **cause)
{
	struct users *u = calloc(1, sizeof *u), *result = NULL;
	size_t pos = 0, cap = count_lines(buf, len);
	unsigned line = 0;

	*cause = NULL;
	if (cap > USERS_MAX + 1)
		cap = USERS_MAX + 1;
	if (u == NULL || (u->v = calloc(cap, sizeof *u->v)) == NULL)
		goto out;
	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl != NULL ? (size_t)(nl - s) : len - pos;
		const char *why;

		pos += l + (nl != NULL);
		line++;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (blank_line(s, l))
			continue;
		why = line_error(u, s, l);
		if (why != NULL) {
			*cause = line_cause(line, why);
			goto out;
		}
		add_user(u, s, l);
	}
	if (u->n == 0) {
		*cause = strdup("no user in the file (want lines "
				"name:password)");
		goto out;
	}
	result = u;
	u = NULL;
out:
	users_free(u);
	return result;
}

/* Read the whole regular file fd (at most USERS_FILE_MAX bytes). */
static char *
read_all(int fd, const struct stat *st, size_t *len)
{
	size_t size = (size_t)st->st_size, got = 0;
	char *buf = malloc(size + 1);

	if (buf == NULL)
		return NULL;
	while (got < size) {
		ssize_t r = read(fd, buf + got, size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	*len = got;
	return buf;
}

static char *
file_cause(const char *path, const char *what)
{
	char buf[CAUSE_MAX + 4096];
	int n = snprintf(buf, sizeof buf, "%s: %s", path, what);

	return n < 0 ? NULL : strdup(buf);
}

struct users *
users_load(const char *path, char **cause)
{
	struct users *result = NULL;
	struct stat st;
	char *buf = NULL, *why = NULL;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	*cause = NULL;
	if (fd < 0) {
		*cause = file_cause(path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*cause = file_cause(path, "not a regular file");
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		*cause = file_cause(path, "group or others may read it (it "
					  "holds passwords): chmod 600 it");
		goto out;
	}
	if (st.st_size > USERS_FILE_MAX) {
		*cause = file_cause(path, "larger than 1 MiB");
		goto out;
	}
	buf = read_all(fd, &st, &len);
	if (buf == NULL)
		goto out;
	result = users_parse(buf, len, &why);
	if (result == NULL && why != NULL)
		*cause = file_cause(path, why);
out:
	free(why);
	free(buf);
	if (fd >= 0)
		close(fd);
	return result;
}

void
users_free(struct users *u)
{
	if (u == NULL)
		return;
	if (u->v != NULL)
		memset(u->v, 0, u->n * sizeof *u->v);
	free(u->v);
	free(u);
}

size_t
users_count(const struct users *u)
{
	return u->n;
}

static const struct user *
find(const struct users *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (strcmp(u->v[i].name, name) == 0)
			return &u->v[i];
	return NULL;
}

bool
users_exists(const struct users *u, const char *name)
{
	return name != NULL && find(u, name) != NULL;
}

/*
 * a[0, alen) == b[0, blen) in time that depends on cap only (both lengths
 * at most cap).
 */
static bool
same_bytes(const unsigned char *a, size_t alen, const unsigned char *b,
	   size_t blen, size_t cap)
{
	unsigned diff = alen != blen;
	size_t i;

	for (i = 0; i < cap; i++) {
		unsigned char x = i < alen ? a[i] : 0;
		unsigned char y = i < blen ? b[i] : 0;

		diff |= (unsigned)(x ^ y);
	}
	return diff == 0;
}

/* Decode hex into out (cap bytes); the length, or -1 when it is not. */
static long
hex_decode(const char *hex, unsigned char *out, size_t cap)
{
	size_t len = strlen(hex), i;

	if (len % 2 != 0 || len / 2 > cap)
		return -1;
	for (i = 0; i < len / 2; i++) {
		int hi = parse_hex_digit(hex[2 * i]),
		    lo = parse_hex_digit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

static bool
token_matches(const struct user *e, const char *t, const char *s)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t digest[MD5_DIGEST_SIZE];
	unsigned char want[TOKEN_HEX_LEN], got[TOKEN_HEX_LEN];
	size_t tlen = strnlen(t, TOKEN_HEX_LEN + 1), i;
	struct md5_ctx ctx;

	md5_init(&ctx);
	md5_update(&ctx, e->pass_len, e->pass);
	md5_update(&ctx, strnlen(s, USERS_SALT_MAX), (const uint8_t *)s);
	md5_digest(&ctx, sizeof digest, digest);
	for (i = 0; i < MD5_DIGEST_SIZE; i++) {
		want[2 * i] = (unsigned char)digits[digest[i] >> 4];
		want[2 * i + 1] = (unsigned char)digits[digest[i] & 15];
	}
	if (tlen > TOKEN_HEX_LEN)
		tlen = TOKEN_HEX_LEN + 1;
	for (i = 0; i < TOKEN_HEX_LEN; i++) {
		unsigned char c = i < tlen ? (unsigned char)t[i] : 0;

		got[i] = c >= 'A' && c <= 'F' ? (unsigned char)(c + 32) : c;
	}
	return same_bytes(want, TOKEN_HEX_LEN, got,
			  tlen == TOKEN_HEX_LEN ? TOKEN_HEX_LEN : 0,
			  TOKEN_HEX_LEN);
}

static bool
password_matches(const struct user *e, const char *p)
{
	unsigned char buf[USERS_PASSWORD_MAX];
	long n;

	if (strncmp(p, "enc:", 4) == 0) {
		n = hex_decode(p + 4, buf, sizeof buf);
		if (n < 0)
			return false;
		return same_bytes(e->pass, e->pass_len, buf, (size_t)n,
				  USERS_PASSWORD_MAX);
	}
	n = (long)strnlen(p, USERS_PASSWORD_MAX + 1);
	if (n > USERS_PASSWORD_MAX)
		return false;
	return same_bytes(e->pass, e->pass_len, (const unsigned char *)p,
			  (size_t)n, USERS_PASSWORD_MAX);
}

enum users_auth
users_check(const struct users *users, const char *u, const char *t,
	    const char *s, const char *p)
{
	static const struct user nobody = {"", {0}, 0};
	const struct user *e;
	bool token = t != NULL && s != NULL, good;

	if (u == NULL || (!token && p == NULL))
		return USERS_AUTH_MISSING;
	e = find(users, u);
	good = token ? token_matches(e != NULL ? e : &nobody, t, s)
		     : password_matches(e != NULL ? e : &nobody, p);
	return e != NULL && good ? USERS_AUTH_OK : USERS_AUTH_WRONG;
}
