/*
 * stream: one curl_multi event loop feeding the player and the file from a
 * capped two-reader buffer; see stream.h.
 */
#include "stream.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "dynbuf.h"
#include "fetch.h"
#include "header.h"
#include "player.h"
#include "retry.h"
#include "save.h"
#include "xmalloc.h"

#define STREAM_POLL_MS 250 /* longest wait: bounds the Ctrl-C latency */
#define STREAM_FILE_CHUNK SAVE_WRITE_CHUNK /* file bytes per turn */

struct stream {
	struct client *c;
	const struct track *t;
	CURLM *multi;
	struct dynbuf buf;
	struct player player;
	struct save_file file;
	bool saving;	  /* stream+: the file reader was opened */
	unsigned bitrate; /* kbit/s of an mp3 transcode, 0: the file */
	/* The request in flight (or the last one). */
	CURL *easy; /* NULL between a broken request and the next */
	struct curl_slist *headers; /* its Range and If-Range */
	char errbuf[CURL_ERROR_SIZE];
	struct fetch_errbody err;
	struct header_answer hdr; /* its answer's range and validators */
	long code;	 /* HTTP status, 0 until the first body byte */
	bool started;	 /* its 200/206 body is arriving */
	bool paused;	 /* the write callback returned PAUSE */
	CURLcode result; /* when it ended */
	/* The whole stream, across requests (retry.h). */
	uint64_t received; /* body bytes in the buffer so far: the next
			      request starts there */
	bool total_known;  /* total holds the track's length */
	uint64_t total;
	char validator[HEADER_VALIDATOR_MAX + 1]; /* first answer's, or "" */
	bool answered;		  /* some request got an answer */
	bool flowing;		  /* some body bytes arrived */
	unsigned tries;		  /* requests sent */
	struct timespec retry_at; /* when easy is NULL: the next request */
	char *resume_cause;	  /* why the rest cannot be had, or NULL */
	char *first_break;	  /* why the first retry was needed, or NULL */
	bool done;		  /* the transfer ended (or was dropped) */
	bool dropped;		  /* we ended it: the player quit or Ctrl-C */
	bool nomem;		  /* the buffer could not grow */
	bool killed;		  /* we sent the player SIGTERM */
	bool player_quit;	  /* the player closed its end of the pipe */
	uint64_t played;	  /* bytes written to the player */
	char *file_cause;	  /* why saving stopped, or NULL */
};

static size_t
stream_header(char *p, size_t size, size_t n, void *ud)
{
	struct stream *s = ud;

	header_line(&s->hdr, p, size * n);
	return size * n;
}

/*
 * The first answer sets what the stream is (its length and validator); a
 * later one must go on exactly where the buffer ends, from the same
 * version of the track, or the player would hear a repeat or a gap. 0,
 * or -1 with s->resume_cause set.
 */
static int
stream_begin(struct stream *s)
{
	bool first = s->received == 0 && !s->flowing;
	const char *v = header_validator(&s->hdr);
	curl_off_t cl = -1;

	if ((s->code == 206 && (s->hdr.range != HEADER_RANGE_BYTES ||
				s->hdr.first != s->received)) ||
	    (!first && s->code != 206) ||
	    (!first && s->validator[0] == '"' && s->hdr.etag[0] != '\0' &&
	     strcmp(s->validator, s->hdr.etag) != 0)) {
		s->resume_cause = xasprintf(
			"the server cannot go on from byte %" PRIu64
			" of the same version of the track (HTTP %ld%s%s); "
			"stopped rather than repeat or skip audio",
			s->received, s->code, s->hdr.etag[0] ? ", ETag " : "",
			s->hdr.etag);
		return -1;
	}
	if (!first)
		return 0;
	s->flowing = true;
	if (v != NULL) /* at most HEADER_VALIDATOR_MAX bytes */
		memcpy(s->validator, v, strlen(v) + 1);
	curl_easy_getinfo(s->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl);
	s->total_known = s->code == 206 || cl >= 0;
	s->total = s->code == 206 ? s->hdr.total : (uint64_t)cl;
	if (s->saving && save_validator_store(&s->file, v, &s->file_cause) < 0)
		dynbuf_close_reader(&s->buf, DYNBUF_FILE);
	return 0;
}

static size_t
stream_write(char *p, size_t size, size_t n, void *ud)
{
	struct stream *s = ud;
	size_t len = size * n;

	if (s->code == 0) {
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->code);
		s->started = s->code == 200 || s->code == 206;
		if (s->started && stream_begin(s) < 0)
			return 0;
	}
	if (!s->started) {
		fetch_errbody_add(&s->err, p, len);
		return len;
	}
	switch (dynbuf_append(&s->buf, p, len)) {
	case DYNBUF_OK:
		s->received += len;
		return len;
	case DYNBUF_FULL:
		s->paused = true;
		return CURL_WRITEFUNC_PAUSE;
	default:
		s->nomem = true;
		return 0;
	}
}

/* Stop the transfer (the player quit, or Ctrl-C). */
static void
stream_drop(struct stream *s)
{
	if (s->done)
		return;
	if (s->easy != NULL)
		curl_multi_remove_handle(s->multi, s->easy);
	s->done = true;
	s->dropped = true;
}

static void
stream_player_gone(struct stream *s)
{
	s->player_quit = true;
	dynbuf_close_reader(&s->buf, DYNBUF_PLAYER);
	player_close_pipe(&s->player);
	if (!s->saving || !dynbuf_reader_open(&s->buf, DYNBUF_FILE))
		stream_drop(s);
}

/* With nothing to write, notice a player whose end of the pipe closed. */
static void
stream_check_player(struct stream *s)
{
	struct pollfd pfd = {.fd = s->player.fd, .events = 0};

	if (poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLERR | POLLHUP)))
		stream_player_gone(s);
}

/* Write what the pipe takes now; partial writes and EAGAIN are normal. */
static void
stream_feed_player(struct stream *s)
{
	while (dynbuf_reader_open(&s->buf, DYNBUF_PLAYER)) {
		size_t n;
		const unsigned char *p =
			dynbuf_peek(&s->buf, DYNBUF_PLAYER, &n);
		ssize_t w;

		if (n == 0) {
			stream_check_player(s);
			return;
		}
		w = write(s->player.fd, p, n);
		if (w > 0) {
			dynbuf_consume(&s->buf, DYNBUF_PLAYER, (size_t)w);
			s->played += (uint64_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && errno == EAGAIN) {
			return;
		} else {
			stream_player_gone(s); /* EPIPE: it quit */
		}
	}
}

/* stream+: write up to STREAM_FILE_CHUNK bytes to the .part. */
static void
stream_feed_file(struct stream *s)
{
	size_t n;
	const unsigned char *p;

	if (!s->saving || !dynbuf_reader_open(&s->buf, DYNBUF_FILE))
		return;
	p = dynbuf_peek(&s->buf, DYNBUF_FILE, &n);
	if (n > STREAM_FILE_CHUNK)
		n = STREAM_FILE_CHUNK;
	if (n == 0)
		return;
	if (save_write(&s->file, p, n, &s->file_cause) < 0) {
		dynbuf_close_reader(&s->buf, DYNBUF_FILE);
		if (!dynbuf_reader_open(&s->buf, DYNBUF_PLAYER))
			stream_drop(s);
		return;
	}
	dynbuf_consume(&s->buf, DYNBUF_FILE, n);
}

/* Resume a paused transfer once a quarter of the buffer is free. */
static void
stream_maybe_resume(struct stream *s)
{
	if (!s->paused || s->done || s->easy == NULL)
		return;
	if (dynbuf_space(&s->buf) < s->buf.max / 4)
		return;
	s->paused = false;
	curl_easy_pause(s->easy, CURLPAUSE_CONT);
}

/* The request's answer ended short of the track's length. */
static bool
stream_short(const struct stream *s)
{
	return s->result == CURLE_OK && s->started && s->total_known &&
	       s->received < s->total;
}

/* Why the last request failed (caller frees), or NULL when it did not. */
static char *
stream_request_cause(struct stream *s)
{
	if (s->resume_cause != NULL)
		return xstrdup(s->resume_cause);
	if (s->result != CURLE_OK)
		return fetch_curl_cause(s->c, s->easy, s->result, s->errbuf);
	if (!s->started)
		return fetch_http_cause(s->c, s->code, &s->err);
	if (stream_short(s))
		return xasprintf("the answer from %s ended at byte %" PRIu64
				 " of %" PRIu64,
				 s->c->where, s->received, s->total);
	return NULL;
}

/* Is the request that just ended worth another (retry.h)? */
static bool
stream_worth_retry(const struct stream *s)
{
	bool readers = dynbuf_reader_open(&s->buf, DYNBUF_PLAYER) ||
		       (s->saving && dynbuf_reader_open(&s->buf, DYNBUF_FILE));

	if (s->resume_cause != NULL || s->nomem || !readers ||
	    s->tries >= RETRY_TRIES)
		return false;
	if (stream_short(s))
		return s->answered;
	return retry_worth(s->result, s->code, s->answered);
}

/*
 * The request ended with result: the stream is done, or (retry.h) the
 * request is let go and the next one set for later; the buffer goes on
 * feeding the player meanwhile.
 */
static void
stream_ended(struct stream *s, CURLcode result)
{
	long ms = retry_delay_ms(s->tries + 1);
	char *why;

	s->result = result;
	if (s->code == 0) { /* an empty body never reached stream_write */
		curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &s->code);
		s->started = s->code == 200 || s->code == 206;
	}
	if (s->code != 0)
		s->answered = true;
	if (!stream_worth_retry(s)) {
		s->done = true;
		return;
	}
	why = stream_request_cause(s);
	cmd_error("%s %" PRIu64 ": %s; trying again from byte %" PRIu64
		  " in %.1f s (%u of %u)",
		  s->saving ? "stream+" : "stream", s->t->index,
		  why != NULL ? why : "the transfer broke", s->received,
		  (double)ms / 1000, s->tries + 1, RETRY_TRIES);
	if (s->first_break == NULL && why != NULL)
		s->first_break = why;
	else
		free(why);
	curl_multi_remove_handle(s->multi, s->easy);
	curl_easy_cleanup(s->easy);
	s->easy = NULL;
	clock_gettime(CLOCK_MONOTONIC, &s->retry_at);
	s->retry_at.tv_sec += ms / 1000;
	s->retry_at.tv_nsec += (ms % 1000) * 1000000L;
	if (s->retry_at.tv_nsec >= 1000000000L) {
		s->retry_at.tv_sec++;
		s->retry_at.tv_nsec -= 1000000000L;
	}
}

static void
stream_check_done(struct stream *s)
{
	CURLMsg *m;
	int left;

	for (;;) {
		m = curl_multi_info_read(s->multi, &left);
		if (m == NULL)
			return;
		if (m->msg == CURLMSG_DONE && m->easy_handle == s->easy) {
			stream_ended(s, m->data.result);
			return; /* s->easy may be gone */
		}
	}
}

/*
 * Put the next request in the multi handle: the bytes from s->received
 * on, with the first answer's validator as If-Range once some arrived.
 * Even from byte 0, a range: its 206 says the track's whole length. 0, or
 * -1 with *cause set.
 */
static int
stream_request(struct stream *s, char **cause)
{
	char path[80];
	/* A transcode has no ranges: the server answers 200 to any. */
	bool range = s->bitrate == 0 && (s->received > 0 || s->t->size > 0);
	size_t n;

	fetch_track_path(s->t->index, path, sizeof(path));
	n = strlen(path);
	if (s->bitrate > 0 &&
	    snprintf(path + n, sizeof(path) - n, "?format=mp3&bitrate=%u",
		     s->bitrate) < 0)
		abort();
	s->easy = fetch_easy(s->c, path, s->errbuf);
	curl_slist_free_all(s->headers);
	s->headers =
		retry_headers(s->received, range,
			      s->validator[0] != '\0' ? s->validator : NULL);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	curl_easy_setopt(s->easy, CURLOPT_WRITEFUNCTION, stream_write);
	curl_easy_setopt(s->easy, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->easy, CURLOPT_HEADERFUNCTION, stream_header);
	curl_easy_setopt(s->easy, CURLOPT_HEADERDATA, s);
	s->code = 0;
	s->started = false;
	s->paused = false;
	s->result = CURLE_OK;
	header_reset(&s->hdr);
	s->err.len = 0;
	s->err.data[0] = '\0';
	s->tries++;
	if (curl_multi_add_handle(s->multi, s->easy) != CURLM_OK) {
		*cause = xstrdup("cannot set up the libcurl transfer");
		return -1;
	}
	return 0;
}

/* Milliseconds until the next request is due (0: now); -1 when none. */
static long
stream_retry_wait(const struct stream *s)
{
	struct timespec now;
	long long ns;

	if (s->done || s->easy != NULL)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ns = (s->retry_at.tv_sec - now.tv_sec) * 1000000000LL +
	     (s->retry_at.tv_nsec - now.tv_nsec);
	return ns > 0 ? (long)(ns / 1000000) + 1 : 0;
}

/* Nothing left to do: no reader, or the transfer ended and all is out. */
static bool
stream_finished(const struct stream *s)
{
	bool player = dynbuf_reader_open(&s->buf, DYNBUF_PLAYER);
	bool file = s->saving && dynbuf_reader_open(&s->buf, DYNBUF_FILE);

	if (!player && !file)
		return true;
	return s->done && dynbuf_unread(&s->buf, DYNBUF_PLAYER) == 0 &&
	       dynbuf_unread(&s->buf, DYNBUF_FILE) == 0;
}

/* Sleep until the socket, the pipe or the timeout wakes us. */
static void
stream_wait(struct stream *s)
{
	struct curl_waitfd w = {.fd = s->player.fd, .events = 0};
	unsigned nfd = 0;
	int timeout = STREAM_POLL_MS;

	if (dynbuf_reader_open(&s->buf, DYNBUF_PLAYER) && s->player.fd >= 0) {
		if (dynbuf_unread(&s->buf, DYNBUF_PLAYER) > 0)
			w.events = CURL_WAIT_POLLOUT;
		nfd = 1;
	}
	if (stream_retry_wait(s) >= 0 && stream_retry_wait(s) < timeout)
		timeout = (int)stream_retry_wait(s);
	if (dynbuf_unread(&s->buf, DYNBUF_FILE) > 0)
		timeout = 0;
	curl_multi_poll(s->multi, nfd > 0 ? &w : NULL, nfd, timeout, NULL);
}

/* The event loop; returns when finished or interrupted. */
static void
stream_loop(struct stream *s)
{
	int running;

	while (!stream_finished(s)) {
		if (fetch_interrupted()) {
			stream_drop(s);
			return;
		}
		if (stream_retry_wait(s) == 0 &&
		    stream_request(s, &s->resume_cause) < 0)
			s->done = true;
		if (!s->done && s->easy != NULL) {
			curl_multi_perform(s->multi, &running);
			stream_check_done(s);
		}
		stream_feed_player(s);
		stream_feed_file(s);
		stream_maybe_resume(s);
		if (s->nomem && !s->done)
			stream_drop(s);
		if (stream_finished(s))
			return;
		stream_wait(s);
	}
}

/* stream+: open the .part; without it, playback still goes on. */
static void
stream_open_file(struct stream *s)
{
	char *cause = NULL;

	if (s->t->unsafe != NULL) {
		char *path = tracklist_printable(s->t->path);

		s->file_cause = xasprintf("not saving track %" PRIu64
					  " (%s): its path is unsafe: %s",
					  s->t->index, path, s->t->unsafe);
		free(path);
		return;
	}
	if (save_open(s->c->library, s->t->path, &s->file, &cause) < 0 ||
	    save_open_part(&s->file, false, &cause) < 0) {
		s->file_cause = cause;
		save_close(&s->file);
		return;
	}
	s->saving = true;
}

/* Start the player and put the first request in the multi handle. */
static int
stream_start(struct stream *s, bool save, char **cause)
{
	if (save)
		stream_open_file(s);
	dynbuf_init(&s->buf, s->c->buffer_max, s->saving ? 2 : 1);
	if (start_audio_player_process(s->c->player, &s->player, cause) < 0)
		return -1;
	s->multi = curl_multi_init();
	if (s->multi == NULL) {
		*cause = xstrdup("cannot set up the libcurl transfer");
		return -1;
	}
	return stream_request(s, cause);
}

/* "a; b", freeing both (either may be NULL). */
static char *
stream_join(char *a, char *b)
{
	char *out;

	if (a == NULL || b == NULL)
		return a != NULL ? a : b;
	out = xasprintf("%s; %s", a, b);
	free(a);
	free(b);
	return out;
}

/* Why the transfer itself failed, or NULL. */
static char *
stream_transfer_cause(struct stream *s)
{
	char *why;

	if (fetch_interrupted())
		return xstrdup("interrupted");
	if (s->nomem)
		return xstrdup("out of memory for the stream buffer");
	if (s->dropped)
		return NULL;
	if (s->easy == NULL) /* a request that could not be set up */
		return xstrdup(s->resume_cause != NULL ? s->resume_cause
						       : "no transfer");
	why = stream_request_cause(s);
	if (why == NULL)
		return NULL;
	return retry_gave_up(why, s->tries, s->first_break);
}

/* Let the player finish, or stop it when it got no audio or on Ctrl-C. */
static void
stream_end_player(struct stream *s)
{
	if (s->player.pid < 0)
		return;
	if (s->player_quit && !fetch_interrupted()) {
		player_wait(&s->player); /* it left on its own: report it */
		return;
	}
	if (fetch_interrupted() || !s->flowing) {
		s->killed = true;
		player_kill(&s->player);
	} else {
		player_wait(&s->player);
	}
}

/* stream+: move a complete .part into place; the cause, or NULL. */
static char *
stream_commit(struct stream *s, bool transfer_ok)
{
	char *cause = NULL, size[16];

	if (!s->saving)
		return NULL;
	if (!transfer_ok || !dynbuf_reader_open(&s->buf, DYNBUF_FILE))
		return xasprintf("the download is incomplete; %" PRIu64
				 " bytes kept in %s.part (`get %" PRIu64
				 "` resumes)",
				 s->file.size, s->file.display, s->t->index);
	if (save_commit(&s->file, s->total_known ? s->total : s->file.size,
			&cause) < 0)
		return cause;
	fetch_human_size(s->file.size, size, sizeof(size));
	printf("saved %s (%s)\n", s->file.display, size);
	return NULL;
}

/* Collect every reason for failure into one line. */
static char *
stream_finish(struct stream *s)
{
	char *transfer = stream_transfer_cause(s), *why = NULL;
	bool ok = transfer == NULL && !s->dropped;

	stream_end_player(s);
	why = stream_join(why, transfer);
	if (!s->killed)
		why = stream_join(
			why, player_status_cause(&s->player, s->c->player));
	if (s->file_cause != NULL) {
		why = stream_join(why, s->file_cause);
		s->file_cause = NULL;
	} else {
		why = stream_join(why, stream_commit(s, ok));
	}
	if (why == NULL && s->played < s->t->size && !s->saving &&
	    s->bitrate == 0)
		fprintf(stderr,
			"as_client: the player ended after %" PRIu64
			" of %" PRIu64 " bytes\n",
			s->played, s->t->size);
	return why;
}

int
send_and_process_stream_request(struct client *c, const struct track *t,
				bool save, unsigned bitrate, char **cause)
{
	struct stream *s = xcalloc(1, sizeof(*s));
	int ret = -1;

	s->c = c;
	s->t = t;
	s->bitrate = save ? 0 : bitrate;
	s->player.pid = -1;
	s->player.fd = -1;
	s->file.fd = -1;
	s->file.dirfd = -1;
	header_reset(&s->hdr);
	if (stream_start(s, save, cause) < 0) {
		if (s->player.pid > 0)
			player_kill(&s->player);
		goto out;
	}
	stream_loop(s);
	*cause = stream_finish(s);
	ret = *cause == NULL ? 0 : -1;
out:
	if (s->multi != NULL && s->easy != NULL && !s->dropped)
		curl_multi_remove_handle(s->multi, s->easy);
	curl_slist_free_all(s->headers);
	free(s->resume_cause);
	free(s->first_break);
	if (s->easy != NULL)
		curl_easy_cleanup(s->easy);
	if (s->multi != NULL)
		curl_multi_cleanup(s->multi);
	dynbuf_free(&s->buf);
	save_close(&s->file);
	free(s->file_cause);
	free(s);
	return ret;
}
