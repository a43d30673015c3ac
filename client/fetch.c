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
#include "header.h"
#include "parse.h"
#include "save.h"
#include "xmalloc.h"

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define FETCH_CONNECT_TIMEOUT 10L /* seconds */
#define FETCH_STALL_TIME 60L	  /* seconds below 1 byte/s: a dead server */
#define FETCH_GET_BUFFER (512L * 1024) /* curl's receive buffer for get */
/*
 * Body bytes `get` gathers before one write(2): a chunked answer reaches
 * the write callback a chunk (~16 KiB) at a time.
 */
#define FETCH_WRITE_BUFFER SAVE_WRITE_CHUNK
#define FETCH_PROGRESS_NS 100000000LL /* redraw the bar at most 10 times/s */

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

/* Progress callback of transfers without a bar: only Ctrl-C aborts. */
static int
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

/* Progress bar state for one transfer. */
struct fetch_progress {
	bool show;	 /* stderr is a terminal */
	bool drawn;	 /* a bar is on screen */
	uint64_t offset; /* bytes already there before this request */
	struct timespec start;
	struct timespec last;
};

static long long
fetch_ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL +
	       (b->tv_nsec - a->tv_nsec);
}

/* Draw "\r 42% 12.3 MiB/30.0 MiB 5.1 MiB/s ETA 0:03" on stderr. */
static void
fetch_progress_draw(struct fetch_progress *p, uint64_t now, uint64_t total,
		    long long ns)
{
	char have[16], all[16], rate[16], eta[16] = "--:--";
	double secs = ns > 0 ? (double)ns / 1e9 : 0;
	double bps = secs > 0 ? (double)(now - p->offset) / secs : 0;

	fetch_human_size(now, have, sizeof(have));
	fetch_human_size(total, all, sizeof(all));
	fetch_human_size((uint64_t)bps, rate, sizeof(rate));
	if (bps > 0 && total >= now) {
		uint64_t left = (uint64_t)((double)(total - now) / bps);

		int w = snprintf(eta, sizeof(eta), "%" PRIu64 ":%02u",
				 left / 60, (unsigned)(left % 60));

		if (w < 0 || (size_t)w >= sizeof(eta))
			eta[0] = '\0';
	}
	fprintf(stderr, "\r%3u%% %s/%s %s/s ETA %s\033[K",
		total > 0 ? (unsigned)(now * 100 / total) : 100, have, all,
		rate, eta);
	p->drawn = true;
}

/* libcurl's progress callback: draws the bar, aborts on Ctrl-C. */
static int
fetch_xferinfo(void *ud, curl_off_t dltotal, curl_off_t dlnow,
	       curl_off_t ultotal, curl_off_t ulnow)
{
	struct fetch_progress *p = ud;
	struct timespec now;

	(void)ultotal;
	(void)ulnow;
	if (fetch_interrupted())
		return 1;
	if (!p->show || dltotal <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->drawn && fetch_ns_between(&p->last, &now) < FETCH_PROGRESS_NS)
		return 0;
	p->last = now;
	fetch_progress_draw(p, p->offset + (uint64_t)dlnow,
			    p->offset + (uint64_t)dltotal,
			    fetch_ns_between(&p->start, &now));
	return 0;
}

static void
fetch_progress_end(struct fetch_progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
}

/* State of one `get` request. */
struct fetch_get {
	CURL *easy;
	struct save_file save;
	char errbuf[CURL_ERROR_SIZE];
	struct fetch_errbody err;
	long code;		  /* 0 until the first body byte */
	bool started;		  /* a body byte of a 200 or 206 arrived */
	struct header_answer hdr; /* Content-Range and validators */
	char *write_cause;	  /* why the body could not be stored */
	unsigned char *wbuf; /* FETCH_WRITE_BUFFER bytes not yet in .part */
	size_t wlen;
	struct fetch_progress prog;
};

static size_t
fetch_get_header(char *p, size_t size, size_t n, void *ud)
{
	struct fetch_get *g = ud;

	header_line(&g->hdr, p, size * n);
	return size * n;
}

/* The first body byte of a 200 or 206: line the .part up with it. */
static int
fetch_get_begin(struct fetch_get *g)
{
	if (g->code == 200 && g->save.size > 0)
		return save_truncate(&g->save, &g->write_cause);
	if (g->code == 206 && (g->hdr.range != HEADER_RANGE_BYTES ||
			       g->hdr.first != g->save.size)) {
		g->write_cause = xasprintf("the server sent a range that does "
					   "not start at byte %" PRIu64,
					   g->save.size);
		return -1;
	}
	return 0;
}

/* Write the gathered bytes to the .part. -1 with g->write_cause set. */
static int
fetch_get_flush(struct fetch_get *g)
{
	size_t n = g->wlen;

	g->wlen = 0;
	if (n == 0)
		return 0;
	return save_write(&g->save, g->wbuf, n, &g->write_cause);
}

/* Gather n body bytes; write them out when the buffer is full. */
static int
fetch_get_store(struct fetch_get *g, const char *p, size_t n)
{
	if (g->wlen + n > FETCH_WRITE_BUFFER && fetch_get_flush(g) < 0)
		return -1;
	if (n >= FETCH_WRITE_BUFFER)
		return save_write(&g->save, p, n, &g->write_cause);
	memcpy(g->wbuf + g->wlen, p, n);
	g->wlen += n;
	return 0;
}

static size_t
fetch_get_write(char *p, size_t size, size_t n, void *ud)
{
	struct fetch_get *g = ud;

	if (g->code == 0) {
		curl_easy_getinfo(g->easy, CURLINFO_RESPONSE_CODE, &g->code);
		g->started = g->code == 200 || g->code == 206;
		if (g->started && fetch_get_begin(g) < 0)
			return 0;
	}
	if (g->code != 200 && g->code != 206) {
		fetch_errbody_add(&g->err, p, size * n);
		return size * n;
	}
	if (fetch_get_store(g, p, size * n) < 0)
		return 0;
	return size * n;
}

/* Headers for resuming: Range from the .part's size, If-Range its date. */
static struct curl_slist *
fetch_get_headers(const struct save_file *s)
{
	struct curl_slist *h = NULL;
	char line[128];
	time_t mtime = save_part_mtime(s);
	struct tm tm;
	int n;

	if (s->size == 0)
		return NULL;
	n = snprintf(line, sizeof(line), "Range: bytes=%" PRIu64 "-", s->size);
	if (n < 0 || (size_t)n >= sizeof(line))
		return NULL;
	h = curl_slist_append(h, line);
	if (mtime > 0 && gmtime_r(&mtime, &tm) != NULL &&
	    strftime(line, sizeof(line), "If-Range: %a, %d %b %Y %H:%M:%S GMT",
		     &tm) > 0)
		h = curl_slist_append(h, line);
	return h;
}

/*
 * Send one GET for track t from the .part's current size; the body goes
 * to the .part. The handle stays in g->easy for the caller to inspect.
 */
static CURLcode
fetch_get_request(struct client *c, const struct track *t, struct fetch_get *g)
{
	char path[64];
	struct curl_slist *hdr = fetch_get_headers(&g->save);
	curl_off_t filetime = -1;
	CURLcode rc;

	fetch_track_path(t->index, path, sizeof(path));
	g->easy = fetch_easy(c, path, g->errbuf);
	curl_easy_setopt(g->easy, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(g->easy, CURLOPT_WRITEFUNCTION, fetch_get_write);
	curl_easy_setopt(g->easy, CURLOPT_WRITEDATA, g);
	curl_easy_setopt(g->easy, CURLOPT_HEADERFUNCTION, fetch_get_header);
	curl_easy_setopt(g->easy, CURLOPT_HEADERDATA, g);
	curl_easy_setopt(g->easy, CURLOPT_XFERINFOFUNCTION, fetch_xferinfo);
	curl_easy_setopt(g->easy, CURLOPT_XFERINFODATA, &g->prog);
	curl_easy_setopt(g->easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(g->easy, CURLOPT_BUFFERSIZE, FETCH_GET_BUFFER);
	curl_easy_setopt(g->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(g->easy, CURLOPT_LOW_SPEED_TIME, FETCH_STALL_TIME);
	g->prog.show = c->progress;
	g->prog.offset = g->save.size;
	clock_gettime(CLOCK_MONOTONIC, &g->prog.start);
	rc = curl_easy_perform(g->easy);
	if (fetch_get_flush(g) < 0 && rc == CURLE_OK)
		rc = CURLE_WRITE_ERROR; /* g->write_cause says why */
	fetch_progress_end(&g->prog);
	curl_easy_getinfo(g->easy, CURLINFO_RESPONSE_CODE, &g->code);
	curl_easy_getinfo(g->easy, CURLINFO_FILETIME_T, &filetime);
	save_set_mtime(&g->save, (time_t)filetime);
	curl_slist_free_all(hdr);
	return rc;
}

/* Forget one request's answer before sending another. */
static void
fetch_get_reset(struct fetch_get *g)
{
	curl_easy_cleanup(g->easy);
	g->easy = NULL;
	g->code = 0;
	g->started = false;
	header_reset(&g->hdr);
	g->err.len = 0;
	g->err.data[0] = '\0';
}

/* Why a transfer failed, saying what stays in the .part. */
static char *
fetch_get_failed(struct client *c, const struct track *t, struct fetch_get *g,
		 CURLcode rc)
{
	char *why, *out;

	if (g->write_cause != NULL) {
		why = g->write_cause;
		g->write_cause = NULL;
	} else if (fetch_interrupted()) {
		why = xstrdup("interrupted");
	} else {
		why = fetch_curl_cause(c, g->easy, rc, g->errbuf);
	}
	out = xasprintf("%s; %" PRIu64 " bytes kept in %s.part (`get %" PRIu64
			"` resumes)",
			why, g->save.size, g->save.display, t->index);
	free(why);
	return out;
}

/* After a complete answer: check its length and move it into place. */
static int
fetch_get_finish(struct client *c, const struct track *t, struct fetch_get *g,
		 CURLcode rc, char **cause)
{
	curl_off_t cl = -1;
	uint64_t expect;
	char size[16];

	if (rc != CURLE_OK) {
		*cause = fetch_get_failed(c, t, g, rc);
		return -1;
	}
	if (g->code != 200 && g->code != 206) {
		*cause = fetch_http_cause(c, g->code, &g->err);
		return -1;
	}
	if (g->code == 200 && !g->started &&
	    save_truncate(&g->save, cause) < 0)
		return -1;
	curl_easy_getinfo(g->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	if (g->code == 206)
		expect = g->hdr.total;
	else
		expect = cl >= 0 ? (uint64_t)cl : g->save.size;
	if (save_commit(&g->save, expect, cause) < 0)
		return -1;
	fetch_human_size(expect, size, sizeof(size));
	printf("saved %s (%s)\n", g->save.display, size);
	return 0;
}

/* Open the track's .part (or find it complete: 1). */
static int
fetch_get_prepare(struct client *c, const struct track *t, struct fetch_get *g,
		  char **cause)
{
	char size[16];

	if (t->unsafe != NULL) {
		char *path = tracklist_printable(t->path);

		*cause = xasprintf("refusing to save track %" PRIu64
				   " (%s): its path is unsafe: %s",
				   t->index, path, t->unsafe);
		free(path);
		return -1;
	}
	if (save_open(c->library, t->path, &g->save, cause) < 0)
		return -1;
	if (save_is_complete(&g->save, t->size)) {
		fetch_human_size(t->size, size, sizeof(size));
		printf("%s is already complete (%s); not fetched again\n",
		       g->save.display, size);
		return 1;
	}
	if (save_open_part(&g->save, true, cause) < 0)
		return -1;
	if (g->save.size > t->size)
		return save_truncate(&g->save, cause);
	return 0;
}

int
fetch_get(struct client *c, const struct track *t, char **cause)
{
	struct fetch_get *g = xcalloc(1, sizeof(*g));
	CURLcode rc;
	int ret;

	g->save.fd = -1;
	g->save.dirfd = -1;
	header_reset(&g->hdr);
	g->wbuf = xmalloc(FETCH_WRITE_BUFFER);
	ret = fetch_get_prepare(c, t, g, cause);
	if (ret != 0)
		goto out;
	rc = fetch_get_request(c, t, g);
	if (rc == CURLE_OK && g->code == 416 && g->save.size > 0) {
		/* The .part does not fit the file any more: start over. */
		fetch_get_reset(g);
		if (save_truncate(&g->save, cause) < 0) {
			ret = -1;
			goto out;
		}
		rc = fetch_get_request(c, t, g);
	}
	ret = fetch_get_finish(c, t, g, rc, cause);
out:
	free(g->write_cause);
	free(g->wbuf);
	save_close(&g->save);
	if (g->easy != NULL)
		curl_easy_cleanup(g->easy);
	free(g);
	return ret < 0 ? -1 : 0;
}
