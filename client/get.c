/*
 * get: one track into the local library, resumed across broken transfers;
 * see get.h.
 */
#include "get.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "fetch.h"
#include "header.h"
#include "retry.h"
#include "save.h"
#include "xmalloc.h"

#define GET_BUFFER (512L * 1024) /* curl's receive buffer */
/*
 * Body bytes gathered before one write(2): a chunked answer reaches the
 * write callback a chunk (~16 KiB) at a time.
 */
#define GET_WRITE_BUFFER SAVE_WRITE_CHUNK
#define GET_PROGRESS_NS 100000000LL /* redraw the bar at most 10 times/s */

/* Progress bar state for one transfer. */
struct get_progress {
	bool show;	 /* stderr is a terminal */
	bool drawn;	 /* a bar is on screen */
	uint64_t offset; /* bytes already there before this request */
	struct timespec start;
	struct timespec last;
};

static long long
get_ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000LL +
	       (b->tv_nsec - a->tv_nsec);
}

/* Draw "\r 42% 12.3 MiB/30.0 MiB 5.1 MiB/s ETA 0:03" on stderr. */
static void
get_progress_draw(struct get_progress *p, uint64_t now, uint64_t total,
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
get_xferinfo(void *ud, curl_off_t dltotal, curl_off_t dlnow,
	     curl_off_t ultotal, curl_off_t ulnow)
{
	struct get_progress *p = ud;
	struct timespec now;

	(void)ultotal;
	(void)ulnow;
	if (fetch_interrupted())
		return 1;
	if (!p->show || dltotal <= 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->drawn && get_ns_between(&p->last, &now) < GET_PROGRESS_NS)
		return 0;
	p->last = now;
	get_progress_draw(p, p->offset + (uint64_t)dlnow,
			  p->offset + (uint64_t)dltotal,
			  get_ns_between(&p->start, &now));
	return 0;
}

static void
get_progress_end(struct get_progress *p)
{
	if (p->drawn)
		fputs("\r\033[K", stderr);
	p->drawn = false;
}
/* State of one `get` command, across its requests. */
struct get {
	struct client *c;
	const struct track *t;
	CURL *easy;
	struct save_file save;
	char errbuf[CURL_ERROR_SIZE];
	struct fetch_errbody err;
	long code;		  /* 0 until the first body byte */
	bool started;		  /* a body byte of a 200 or 206 arrived */
	struct header_answer hdr; /* this answer's range and validators */
	char sent[HEADER_VALIDATOR_MAX + 1]; /* If-Range sent, or "" */
	bool no_range;			     /* ask for the whole file */
	bool answered;	     /* some request of this command got an answer */
	char *write_cause;   /* why the body could not be stored */
	char *first_break;   /* why the first retry was needed, or NULL */
	unsigned char *wbuf; /* GET_WRITE_BUFFER bytes not yet in .part */
	size_t wlen;
	struct get_progress prog;
};

static size_t
get_header(char *p, size_t size, size_t n, void *ud)
{
	struct get *g = ud;

	header_line(&g->hdr, p, size * n);
	return size * n;
}

/*
 * A 206 must carry the bytes from the .part's end on, of the version the
 * .part holds: when we sent an ETag, the answer's own ETag (if any) must
 * be the same. NULL when it fits, else why not (caller frees).
 */
static char *
get_check_range(const struct get *g)
{
	if (g->hdr.range != HEADER_RANGE_BYTES || g->hdr.first != g->save.size)
		return xasprintf("the server sent a range that does not start "
				 "at byte %" PRIu64
				 " (the end of the .part); the .part is left "
				 "as it was",
				 g->save.size);
	if (g->sent[0] == '"' && g->hdr.etag[0] != '\0' &&
	    strcmp(g->sent, g->hdr.etag) != 0)
		return xasprintf("the server sent part of version %s of the "
				 "track, not of %s (If-Range); the .part is "
				 "left as it was",
				 g->hdr.etag, g->sent);
	return NULL;
}

/*
 * The first body byte of a 200 or 206: line the .part up with it. A 200
 * replaces the .part; the validator of the answer the .part's bytes now
 * come from is kept beside it.
 */
static int
get_begin(struct get *g)
{
	if (g->code == 206) {
		g->write_cause = get_check_range(g);
		if (g->write_cause != NULL)
			return -1;
	}
	if (g->code == 200 && g->save.size > 0 &&
	    save_truncate(&g->save, &g->write_cause) < 0)
		return -1;
	if (g->save.size > 0)
		return 0; /* a resume: the kept validator still holds */
	return save_validator_store(&g->save, header_validator(&g->hdr),
				    &g->write_cause);
}

/* Write the gathered bytes to the .part. -1 with g->write_cause set. */
static int
get_flush(struct get *g)
{
	size_t n = g->wlen;

	g->wlen = 0;
	if (n == 0)
		return 0;
	return save_write(&g->save, g->wbuf, n, &g->write_cause);
}

/* Gather n body bytes; write them out when the buffer is full. */
static int
get_store(struct get *g, const char *p, size_t n)
{
	if (g->wlen + n > GET_WRITE_BUFFER && get_flush(g) < 0)
		return -1;
	if (n >= GET_WRITE_BUFFER)
		return save_write(&g->save, p, n, &g->write_cause);
	memcpy(g->wbuf + g->wlen, p, n);
	g->wlen += n;
	return 0;
}

static size_t
get_write(char *p, size_t size, size_t n, void *ud)
{
	struct get *g = ud;

	if (g->code == 0) {
		curl_easy_getinfo(g->easy, CURLINFO_RESPONSE_CODE, &g->code);
		g->started = g->code == 200 || g->code == 206;
		if (g->started && get_begin(g) < 0)
			return 0;
	}
	if (g->code != 200 && g->code != 206) {
		fetch_errbody_add(&g->err, p, size * n);
		return size * n;
	}
	if (get_store(g, p, size * n) < 0)
		return 0;
	return size * n;
}

/*
 * The If-Range for the bytes in the .part, into g->sent: the validator
 * kept beside it, else (a .part from an older client, or made by hand)
 * its modification time, which the client sets to the server's
 * Last-Modified; "" for an empty .part.
 */
static void
get_validator(struct get *g)
{
	time_t mtime;
	struct tm tm;

	g->sent[0] = '\0';
	if (g->save.size == 0 ||
	    save_validator_load(&g->save, g->sent, sizeof(g->sent)))
		return;
	mtime = save_part_mtime(&g->save);
	if (mtime <= 0 || gmtime_r(&mtime, &tm) == NULL ||
	    strftime(g->sent, sizeof(g->sent), "%a, %d %b %Y %H:%M:%S GMT",
		     &tm) == 0)
		g->sent[0] = '\0';
}

/* Set up g->easy for the next request: from the .part's end on. */
static struct curl_slist *
get_setup(struct get *g)
{
	char path[64];
	/* Even from byte 0, a range: a 206 says the whole length. */
	bool range = !g->no_range && (g->save.size > 0 || g->t->size > 0);

	get_validator(g);
	fetch_track_path(g->t->index, path, sizeof(path));
	g->easy = fetch_easy(g->c, path, g->errbuf);
	curl_easy_setopt(g->easy, CURLOPT_WRITEFUNCTION, get_write);
	curl_easy_setopt(g->easy, CURLOPT_WRITEDATA, g);
	curl_easy_setopt(g->easy, CURLOPT_HEADERFUNCTION, get_header);
	curl_easy_setopt(g->easy, CURLOPT_HEADERDATA, g);
	curl_easy_setopt(g->easy, CURLOPT_XFERINFOFUNCTION, get_xferinfo);
	curl_easy_setopt(g->easy, CURLOPT_XFERINFODATA, &g->prog);
	curl_easy_setopt(g->easy, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(g->easy, CURLOPT_BUFFERSIZE, GET_BUFFER);
	curl_easy_setopt(g->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(g->easy, CURLOPT_LOW_SPEED_TIME, FETCH_STALL_TIME);
	return retry_headers(g->save.size, range,
			     g->sent[0] != '\0' ? g->sent : NULL);
}

/*
 * Send one GET for the bytes the .part lacks; the body goes to the .part.
 * The handle stays in g->easy for the caller to inspect.
 */
static CURLcode
get_request(struct get *g)
{
	struct curl_slist *hdr = get_setup(g);
	curl_off_t filetime = -1;
	CURLcode rc;

	curl_easy_setopt(g->easy, CURLOPT_HTTPHEADER, hdr);
	g->prog.show = g->c->progress;
	g->prog.offset = g->save.size;
	clock_gettime(CLOCK_MONOTONIC, &g->prog.start);
	rc = curl_easy_perform(g->easy);
	if (get_flush(g) < 0 && rc == CURLE_OK)
		rc = CURLE_WRITE_ERROR; /* g->write_cause says why */
	get_progress_end(&g->prog);
	curl_easy_getinfo(g->easy, CURLINFO_RESPONSE_CODE, &g->code);
	curl_easy_getinfo(g->easy, CURLINFO_FILETIME_T, &filetime);
	save_set_mtime(&g->save, (time_t)filetime);
	if (g->code != 0)
		g->answered = true;
	curl_slist_free_all(hdr);
	return rc;
}

/* Forget one request's answer before sending another. */
static void
get_reset(struct get *g)
{
	curl_easy_cleanup(g->easy);
	g->easy = NULL;
	g->code = 0;
	g->started = false;
	header_reset(&g->hdr);
	g->err.len = 0;
	g->err.data[0] = '\0';
}

/*
 * The length the whole file has by this answer: a 206's total, a 200's
 * Content-Length, else (a chunked 200, whose end libcurl checks) what
 * arrived.
 */
static uint64_t
get_expect(const struct get *g)
{
	curl_off_t cl = -1;

	if (g->code == 206)
		return g->hdr.total;
	curl_easy_getinfo(g->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	return cl >= 0 ? (uint64_t)cl : g->save.size;
}

/* Why the last request failed (caller frees), or NULL when it did not. */
static char *
get_why(struct get *g, CURLcode rc)
{
	if (g->write_cause != NULL) {
		char *why = g->write_cause;

		g->write_cause = NULL;
		return why;
	}
	if (fetch_interrupted())
		return xstrdup("interrupted");
	if (rc != CURLE_OK)
		return fetch_curl_cause(g->c, g->easy, rc, g->errbuf);
	if (g->code != 200 && g->code != 206)
		return fetch_http_cause(g->c, g->code, &g->err);
	if (g->save.size < get_expect(g))
		return xasprintf("the answer from %s ended at byte %" PRIu64
				 " of %" PRIu64,
				 g->c->where, g->save.size, get_expect(g));
	return NULL;
}

/* The final message: why, what stays in the .part, how many tries. */
static char *
get_failed(struct get *g, char *why, CURLcode rc, unsigned tries)
{
	char *out;

	why = retry_gave_up(why, tries, g->first_break);
	if (rc == CURLE_OK && !g->started && g->save.size == 0)
		return why;
	out = xasprintf("%s; %" PRIu64 " bytes kept in %s.part (`get %" PRIu64
			"` resumes)",
			why, g->save.size, g->save.display, g->t->index);
	free(why);
	return out;
}

/* Is the failure of the last request worth another (retry.h)? */
static bool
get_worth_retry(const struct get *g, CURLcode rc)
{
	bool short_body =
		rc == CURLE_OK && g->started && g->save.size < get_expect(g);

	if (g->write_cause != NULL)
		return false;
	return (short_body && g->answered) ||
	       retry_worth(rc, g->code, g->answered);
}

/*
 * Requests until the .part holds the whole answer or a failure is final.
 * A 416 means the .part does not fit the file any more: it starts over
 * once. 0, or -1 with *cause set.
 */
static int
get_transfer(struct get *g, char **cause)
{
	bool restarted = false;
	unsigned n = 1;

	for (;;) {
		CURLcode rc = get_request(g);
		bool worth = get_worth_retry(g, rc);
		char *why = get_why(g, rc);

		if (why == NULL)
			return 0;
		if (rc == CURLE_OK && g->code == 416 && !restarted) {
			free(why);
			restarted = true;
			g->no_range = g->save.size == 0;
			if (save_truncate(&g->save, cause) < 0)
				return -1;
			get_reset(g);
			continue;
		}
		if (!worth || n >= RETRY_TRIES) {
			*cause = get_failed(g, why, rc, n);
			return -1;
		}
		n++;
		cmd_error("get %" PRIu64
			  ": %s; trying again from byte %" PRIu64
			  " in %.1f s (%u of %u)",
			  g->t->index, why, g->save.size,
			  (double)retry_delay_ms(n) / 1000, n, RETRY_TRIES);
		if (g->first_break == NULL)
			g->first_break = why;
		else
			free(why);
		get_reset(g);
		if (!retry_sleep(retry_delay_ms(n))) {
			*cause = get_failed(g, xstrdup("interrupted"), rc, n);
			return -1;
		}
	}
}

/* After the whole answer: check its length and move it into place. */
static int
get_finish(struct get *g, char **cause)
{
	uint64_t expect;
	char size[16];

	if (g->code == 200 && !g->started &&
	    save_truncate(&g->save, cause) < 0)
		return -1; /* an empty 200: the file is empty now */
	expect = get_expect(g);
	if (save_commit(&g->save, expect, cause) < 0)
		return -1;
	fetch_human_size(expect, size, sizeof(size));
	printf("saved %s (%s)\n", g->save.display, size);
	return 0;
}

/* Open the track's .part (or find it complete: 1). */
static int
get_prepare(struct get *g, char **cause)
{
	const struct track *t = g->t;
	char size[16];

	if (t->unsafe != NULL) {
		char *path = tracklist_printable(t->path);

		*cause = xasprintf("refusing to save track %" PRIu64
				   " (%s): its path is unsafe: %s",
				   t->index, path, t->unsafe);
		free(path);
		return -1;
	}
	if (save_open(g->c->library, t->path, &g->save, cause) < 0)
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
get_track(struct client *c, const struct track *t, char **cause)
{
	struct get *g = xcalloc(1, sizeof(*g));
	int ret;

	g->c = c;
	g->t = t;
	g->save.fd = -1;
	g->save.dirfd = -1;
	header_reset(&g->hdr);
	g->wbuf = xmalloc(GET_WRITE_BUFFER);
	ret = get_prepare(g, cause);
	if (ret == 0)
		ret = get_transfer(g, cause);
	if (ret == 0)
		ret = get_finish(g, cause);
	free(g->write_cause);
	free(g->first_break);
	free(g->wbuf);
	save_close(&g->save);
	if (g->easy != NULL)
		curl_easy_cleanup(g->easy);
	free(g);
	return ret < 0 ? -1 : 0;
}
