/*
 * fetch: the listing and `get` over libcurl; see fetch.h.
 */
#include "fetch.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dynbuf.h"
#include "xmalloc.h"

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define FETCH_CONNECT_TIMEOUT 10L /* seconds */

static volatile sig_atomic_t fetch_sigint;

static void
fetch_on_sigint(int sig)
{
	(void)sig;
	fetch_sigint = 1;
}

void
fetch_interrupt_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fetch_on_sigint;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked poll returns at once */
	sigaction(SIGINT, &sa, NULL);
}

bool
fetch_interrupted(void)
{
	return fetch_sigint != 0;
}

void
fetch_interrupt_clear(void)
{
	fetch_sigint = 0;
}

CURL *
fetch_easy(const struct client *c, const char *path, char *errbuf)
{
	CURL *e = curl_easy_init();
	char *url;

	if (e == NULL) {
		fputs("as_client: cannot initialise libcurl\n", stderr);
		exit(1);
	}
	url = xasprintf("%s%s", c->base_url, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	free(url);
	errbuf[0] = '\0';
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "as_client/" PACKAGE_VERSION);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, FETCH_CONNECT_TIMEOUT);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FILETIME, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (c->cacert != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, c->cacert);
	if (c->token != NULL) {
		/* Sent up front on every request; libcurl keeps a copy. */
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
		curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, c->token);
	}
	return e;
}

void
fetch_errbody_add(struct fetch_errbody *e, const char *p, size_t n)
{
	size_t room = sizeof(e->data) - 1 - e->len;

	if (n > room)
		n = room;
	memcpy(e->data + e->len, p, n);
	e->len += n;
	e->data[e->len] = '\0';
}

/* Errors from the TLS layer: certificates, CA files, the handshake. */
static bool
fetch_is_tls_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
		return true;
	default:
		return false;
	}
}

/* One line that says what to do about a TLS error (caller frees). */
static char *
fetch_tls_cause(const struct client *c, CURLcode rc, const char *why)
{
	if (rc == CURLE_SSL_CACERT_BADFILE && c->cacert != NULL)
		return xasprintf("cannot use the CA file %s given with "
				 "--cacert: %s",
				 c->cacert, why);
	if (rc == CURLE_PEER_FAILED_VERIFICATION && c->cacert != NULL)
		return xasprintf("cannot verify the server at %s with the CA "
				 "file %s: %s",
				 c->where, c->cacert, why);
	if (rc == CURLE_PEER_FAILED_VERIFICATION)
		return xasprintf("cannot verify the server at %s: %s; for a "
				 "server with its own certificate, pass "
				 "--cacert FILE",
				 c->where, why);
	if (rc == CURLE_SSL_CONNECT_ERROR)
		return xasprintf("no TLS connection with %s: %s (is it an "
				 "HTTPS server?)",
				 c->where, why);
	return xasprintf("TLS with %s failed: %s", c->where, why);
}

char *
fetch_curl_cause(const struct client *c, CURL *easy, CURLcode rc,
		 const char *errbuf)
{
	long oserr = 0, code = 0;
	const char *why = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);

	if (rc == CURLE_ABORTED_BY_CALLBACK && fetch_interrupted())
		return xstrdup("interrupted");
	if (fetch_is_tls_error(rc))
		return fetch_tls_cause(c, rc, why);
	curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &code);
	if ((rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR) && code == 0 &&
	    strncmp(c->base_url, "http:", 5) == 0)
		return xasprintf("transfer from %s failed: %s (if the server "
				 "uses HTTPS, pass -u https://...)",
				 c->where, why);
	curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &oserr);
	if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
	    (rc == CURLE_OPERATION_TIMEDOUT && oserr != 0))
		return xasprintf("cannot reach the server at %s: %s", c->where,
				 oserr != 0 ? strerror((int)oserr) : why);
	return xasprintf("transfer from %s failed: %s", c->where, why);
}

/* The "message" of a JSON error body, copied, or NULL. */
static char *
fetch_json_message(const struct fetch_errbody *e)
{
	json_t *root = json_loadb(e->data, e->len, 0, NULL);
	json_t *m = json_object_get(json_object_get(root, "error"), "message");
	char *s = NULL;

	if (json_is_string(m))
		s = xstrdup(json_string_value(m));
	json_decref(root);
	return s;
}

char *
fetch_http_cause(const struct client *c, long code,
		 const struct fetch_errbody *e)
{
	char *msg, *out;
	const char *p = e->data;

	if (code == 401 && c->token == NULL)
		return xasprintf(
			"the server at %s needs its token (HTTP 401): "
			"pass --token-file FILE or set AS_TOKEN",
			c->where);
	if (code == 401)
		return xasprintf("the server at %s refused the token from %s "
				 "(HTTP 401): it must match the server's "
				 "--token-file",
				 c->where, c->token_from);
	msg = fetch_json_message(e);
	if (msg == NULL) {
		if (strncmp(p, "error: ", 7) == 0)
			p += 7;
		msg = xstrndup(p, strcspn(p, "\r\n"));
	}
	for (char *q = msg; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	if (*msg == '\0')
		out = xasprintf("the server answered HTTP %ld", code);
	else
		out = xasprintf("the server answered HTTP %ld: %s", code, msg);
	free(msg);
	return out;
}

int
fetch_xferinfo_quiet(void *ud, curl_off_t dltotal, curl_off_t dlnow,
		     curl_off_t ultotal, curl_off_t ulnow)
{
	(void)ud;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return fetch_interrupted() ? 1 : 0;
}

/* Listing transfer state. */
struct fetch_listing {
	CURL *easy;
	long code;
	struct dynbuf body;
	struct fetch_errbody err;
	bool too_big;
};

static size_t
fetch_list_write(char *p, size_t size, size_t n, void *ud)
{
	struct fetch_listing *l = ud;

	if (l->code == 0)
		curl_easy_getinfo(l->easy, CURLINFO_RESPONSE_CODE, &l->code);
	if (l->code != 200) {
		fetch_errbody_add(&l->err, p, size * n);
		return size * n;
	}
	if (dynbuf_append(&l->body, p, size * n) != DYNBUF_OK) {
		l->too_big = true;
		return 0;
	}
	return size * n;
}

/* Parse a complete 200 answer into c->list. */
static int
fetch_list_parse(struct client *c, struct fetch_listing *l, char **cause)
{
	struct tracklist list;
	size_t n;
	const unsigned char *p = dynbuf_peek(&l->body, DYNBUF_PLAYER, &n);

	if (tracklist_parse(p == NULL ? "" : (const char *)p, n, &list,
			    cause) < 0)
		return -1;
	tracklist_free(&c->list);
	c->list = list;
	c->have_list = true;
	return 0;
}

int
fetch_list(struct client *c, char **cause)
{
	char errbuf[CURL_ERROR_SIZE];
	struct curl_slist *hdr = curl_slist_append(NULL, "Accept: "
							 "application/json");
	struct fetch_listing l = {0};
	CURLcode rc;
	int ret = -1;

	l.easy = fetch_easy(c, "/list?format=json", errbuf);
	dynbuf_init(&l.body, TRACKLIST_MAX_JSON, 1);
	curl_easy_setopt(l.easy, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(l.easy, CURLOPT_WRITEFUNCTION, fetch_list_write);
	curl_easy_setopt(l.easy, CURLOPT_WRITEDATA, &l);
	curl_easy_setopt(l.easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(l.easy, CURLOPT_LOW_SPEED_TIME, FETCH_STALL_TIME);
	curl_easy_setopt(l.easy, CURLOPT_XFERINFOFUNCTION,
			 fetch_xferinfo_quiet);
	curl_easy_setopt(l.easy, CURLOPT_NOPROGRESS, 0L);
	rc = curl_easy_perform(l.easy);
	curl_easy_getinfo(l.easy, CURLINFO_RESPONSE_CODE, &l.code);
	if (l.too_big)
		*cause = xasprintf("the listing from %s is larger than %zu "
				   "bytes",
				   c->where, TRACKLIST_MAX_JSON);
	else if (rc != CURLE_OK)
		*cause = fetch_curl_cause(c, l.easy, rc, errbuf);
	else if (l.code != 200)
		*cause = fetch_http_cause(c, l.code, &l.err);
	else
		ret = fetch_list_parse(c, &l, cause);
	dynbuf_free(&l.body);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(l.easy);
	return ret;
}

void
fetch_human_size(uint64_t n, char *buf, size_t len)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t u = 0;
	int w;

	while (v >= 1024 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		w = snprintf(buf, len, "%" PRIu64 " B", n);
	else
		w = snprintf(buf, len, "%.1f %s", v, units[u]);
	if ((w < 0 || (size_t)w >= len) && len > 0)
		buf[0] = '\0';
}

void
fetch_track_path(uint64_t index, char *buf, size_t len)
{
	int n = snprintf(buf, len, "/stream/%" PRIu64, index);

	if (n < 0 || (size_t)n >= len)
		abort(); /* a caller bug: buf must hold 30 bytes */
}
