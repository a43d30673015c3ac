/*
 * radio: the station (radio.h).
 *
 * The station thread runs two kinds of ffmpeg child (transcode_exec): one
 * decoder per track, turning it into PCM (s16le, 44.1 kHz, stereo), and
 * one encoder for the station's life, turning that PCM into MP3 or Ogg
 * Opus. The thread feeds the encoder in real time (its own clock; one
 * second ahead to start), so the station plays at the pace of a
 * broadcast, and appends what the encoder writes to the ring. The ring is
 * RADIO_RING bytes, addressed by the count of bytes ever written (head).
 *
 * A listener reads from its own position; at the live point it suspends
 * its connection and waits in a list; each append resumes the waiting
 * ones and wakes their loops (loops_wake), as transcode.c does. A
 * listener more than a ring behind (it stopped reading) skips ahead to
 * near the live point: the encoder never waits for a listener. With no
 * listener the thread stops feeding the encoder: the station pauses.
 *
 * An Ogg stream cannot be joined mid-way without its first two pages
 * (OpusHead, OpusTags): those are kept and sent first, and a listener
 * starts at a page boundary.
 */
#include "radio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "log.h"
#include "ofile.h"
#include "transcode.h"

#define RADIO_RING (1024 * 1024)    /* bytes of encoded audio kept */
#define RADIO_JOIN_BACK (16 * 1024) /* a new listener starts this far back */
#define RADIO_PCM_RATE (44100 * 4)  /* PCM bytes per second */
#define RADIO_PCM_AHEAD RADIO_PCM_RATE /* fed ahead of the clock */
#define RADIO_CHUNK 16384	       /* bytes per read or write */
#define RADIO_TICK_MS 20	       /* pacing granularity */
#define RADIO_HDR_MAX 8192	       /* Ogg header pages kept */
#define RADIO_TITLE_MAX 512
/* An ICY metadata block: a length byte, then the title's 16-byte blocks. */
#define RADIO_META_MAX (1 + 16 * ((RADIO_TITLE_MAX + 16 + 15) / 16))
#define RADIO_DAEMONS 256	 /* loops (--threads at most) */
#define RADIO_FAIL_PAUSE_MS 1000 /* after tracks that all failed */

/* One listener of GET /radio. */
struct listener {
	struct listener *next, *prev; /* the waiting list, under lock */
	bool waiting;		      /* suspended, in the list */
	uint64_t pos;		      /* the next ring byte to send */
	size_t hdr_sent;	      /* Ogg header bytes sent */
	bool icy;		      /* metadata blocks asked for */
	unsigned until_meta;	      /* audio bytes before the next block */
	unsigned title_gen;	      /* the title last sent */
	char meta[RADIO_META_MAX];    /* a block being sent */
	size_t meta_len, meta_off;
	struct MHD_Connection *conn;
	struct MHD_Daemon *daemon;
	struct access *acc;
};

static struct {
	pthread_mutex_t lock;
	bool on, stopping, quit;
	bool opus;
	unsigned bitrate;
	struct library *lib;
	struct loops *loops;
	pthread_t thread;
	int wake; /* eventfd: listeners came, or quit */
	/* The ring and what is playing; under lock. */
	unsigned char *ring;
	uint64_t head;
	unsigned char hdr[RADIO_HDR_MAX];
	size_t hdr_len;
	bool hdr_done;
	unsigned listeners;
	struct listener *waiting;
	char title[RADIO_TITLE_MAX]; /* "Artist - Title" */
	unsigned title_gen;
	json_t *now; /* /radio/now without "listeners" */
	/* The thread's own. */
	pid_t enc, dec;
	int enc_in, enc_out, dec_out;
	size_t *order, order_len, order_next;
	uint64_t dec_bytes; /* PCM from the current decoder */
	size_t fails;	    /* decoders in a row that gave nothing */
	int64_t idle_until; /* after a round of failures: wait */
} st = {.lock = PTHREAD_MUTEX_INITIALIZER,
	.wake = -1,
	.enc_in = -1,
	.enc_out = -1,
	.dec_out = -1};

/* Milliseconds of a monotonic clock. */
static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A pipe: both ends close-on-exec, *ours non-blocking. 0, or -1. */
static int
pipe_for(int p[2], int ours)
{
	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	return fcntl(p[ours], F_SETFL, O_NONBLOCK);
}

/* Kill and reap *pid, close *fd; both reset. */
static void
end_child(pid_t *pid, int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	*pid = -1;
}

/* Start the encoder. 0, or -1. */
static int
start_encoder(void)
{
	char br[16];
	const char *argv[] = {"ffmpeg",
			      "-nostdin",
			      "-hide_banner",
			      "-loglevel",
			      "error",
			      "-threads",
			      "1",
			      "-f",
			      "s16le",
			      "-ar",
			      "44100",
			      "-ac",
			      "2",
			      "-i",
			      "pipe:0",
			      "-c:a",
			      st.opus ? "libopus" : "libmp3lame",
			      "-b:a",
			      br,
			      "-f",
			      st.opus ? "ogg" : "mp3",
			      "pipe:1",
			      NULL};
	int in[2], out[2];

	if (snprintf(br, sizeof br, "%uk", st.bitrate) < 0 ||
	    pipe_for(in, 1) != 0)
		return -1;
	if (pipe_for(out, 0) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	st.enc = transcode_exec(argv, in[0], out[1], -1);
	close(in[0]);
	close(out[1]);
	st.enc_in = in[1];
	st.enc_out = out[0];
	if (st.enc < 0) {
		log_warn("radio: cannot start ffmpeg: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A new shuffled round of n tracks (Fisher-Yates). */
static void
shuffle(size_t n)
{
	size_t i, j, *o = realloc(st.order, (n > 0 ? n : 1) * sizeof *o);
	uint64_t r;

	if (o == NULL) {
		st.order_len = 0;
		return;
	}
	st.order = o;
	for (i = 0; i < n; i++)
		o[i] = i;
	for (i = n; i > 1; i--) {
		if (getrandom(&r, sizeof r, 0) != sizeof r)
			r = (uint64_t)now_ms() * 2654435761u;
		j = (size_t)(r % i);
		r = o[i - 1];
		o[i - 1] = o[j];
		o[j] = (size_t)r;
	}
	st.order_len = n;
	st.order_next = 0;
}

/* RFC 3339 for now, UTC. */
static void
rfc3339(char *buf, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		buf[0] = '\0';
}

/* Record track k of snap as playing. */
static void
set_playing(const struct library_snap *snap, size_t k)
{
	const struct track *t = &snap->tracks[k];
	char started[32];
	json_t *j;

	rfc3339(started, sizeof started);
	j = json_pack("{s:I, s:s, s:s?, s:s?, s:s?, s:s}", "index",
		      (json_int_t)k, "path", t->path, "title", t->title,
		      "artist", t->artist, "album", t->album, "started",
		      started);
	pthread_mutex_lock(&st.lock);
	if (snprintf(st.title, sizeof st.title, "%s - %s",
		     t->artist != NULL ? t->artist : "Unknown artist",
		     t->title != NULL ? t->title : t->path) < 0)
		st.title[0] = '\0';
	st.title_gen++;
	json_decref(st.now);
	st.now = j;
	pthread_mutex_unlock(&st.lock);
	log_info("radio: now playing %s", t->path);
}

/* Start the decoder on the round's next track. 0, or -1 (none). */
static int
next_track(void)
{
	const struct library_snap *snap = library_get(st.lib);
	struct stat sb;
	struct ofile *of = NULL;
	int p[2], rc = -1;
	size_t k;
	const char *argv[] = {"ffmpeg",	   "-nostdin", "-hide_banner",
			      "-loglevel", "error",    "-threads",
			      "1",	   "-i",       "file:/proc/self/fd/3",
			      "-map",	   "0:a:0",    "-f",
			      "s16le",	   "-ar",      "44100",
			      "-ac",	   "2",	       "pipe:1",
			      NULL};

	if (st.order_next >= st.order_len || st.order_len != snap->count)
		shuffle(snap->count);
	if (st.order_next >= st.order_len)
		goto out;
	k = st.order[st.order_next++];
	of = ofile_open(library_root_fd(st.lib), snap->tracks[k].path, &sb);
	if (of == NULL || pipe_for(p, 0) != 0)
		goto out;
	st.dec = transcode_exec(argv, -1, p[1], of->fd);
	close(p[1]);
	st.dec_out = p[0];
	if (st.dec < 0) {
		close(p[0]);
		st.dec_out = -1;
		goto out;
	}
	set_playing(snap, k);
	rc = 0;
out:
	if (of != NULL)
		ofile_release(of);
	library_put(st.lib, snap);
	return rc;
}

/*
 * Keep the first two Ogg pages of the encoder's output (OpusHead and
 * OpusTags), which every listener needs first. Under lock.
 */
static void
keep_header(const unsigned char *b, size_t n)
{
	size_t pos = 0, pages = 0, len, i;
	const unsigned char *h = st.hdr;

	if (n > RADIO_HDR_MAX - st.hdr_len)
		n = RADIO_HDR_MAX - st.hdr_len;
	memcpy(st.hdr + st.hdr_len, b, n);
	st.hdr_len += n;
	while (pages < 2 && pos + 27 <= st.hdr_len &&
	       pos + 27 + h[pos + 26] <= st.hdr_len) {
		len = 27 + h[pos + 26];
		for (i = 0; i < h[pos + 26]; i++)
			len += h[pos + 27 + i];
		if (pos + len > st.hdr_len)
			break;
		pos += len;
		pages++;
	}
	if (pages == 2 || st.hdr_len == RADIO_HDR_MAX) {
		st.hdr_len = pos;
		st.hdr_done = true;
	}
}

/* Append encoded bytes to the ring and resume the waiting listeners. */
static void
append(const unsigned char *b, size_t n)
{
	struct MHD_Daemon *wake[RADIO_DAEMONS];
	size_t nwake = 0, i, off;
	struct listener *l;

	pthread_mutex_lock(&st.lock);
	if (st.opus && !st.hdr_done)
		keep_header(b, n);
	for (i = 0; i < n; i += off) {
		off = RADIO_RING - (size_t)((st.head + i) % RADIO_RING);
		if (off > n - i)
			off = n - i;
		memcpy(st.ring + (st.head + i) % RADIO_RING, b + i, off);
	}
	st.head += n;
	while ((l = st.waiting) != NULL) {
		st.waiting = l->next;
		l->waiting = false;
		for (i = 0; i < nwake && wake[i] != l->daemon; i++)
			;
		if (i == nwake && nwake < RADIO_DAEMONS)
			wake[nwake++] = l->daemon;
		MHD_resume_connection(l->conn);
	}
	pthread_mutex_unlock(&st.lock);
	for (i = 0; i < nwake; i++)
		loops_wake(st.loops, wake[i]);
}

/*
 * The decoder ended: on to the next track. When a whole round of tracks
 * gave no audio (all unreadable), wait a while before the next round.
 */
static void
track_ended(void)
{
	end_child(&st.dec, &st.dec_out);
	st.fails = st.dec_bytes == 0 ? st.fails + 1 : 0;
	st.dec_bytes = 0;
	if (st.fails > 0 && st.fails >= st.order_len) {
		log_warn("radio: no track of the library plays; trying again "
			 "in %d ms",
			 RADIO_FAIL_PAUSE_MS);
		st.idle_until = now_ms() + RADIO_FAIL_PAUSE_MS;
		st.fails = 0;
	}
}

/* The PCM on its way from the decoder to the encoder, and its clock. */
struct feed {
	unsigned char pcm[RADIO_CHUNK];
	size_t len, off; /* pcm[off, len) is still to write */
	int64_t t0;	 /* when the clock started */
	uint64_t fed;	 /* PCM bytes written since */
};

/* Read the decoder's PCM, no more than the clock allows. */
static void
read_pcm(struct feed *f, int64_t allowed)
{
	size_t want = RADIO_CHUNK;
	ssize_t n;

	if ((int64_t)want > allowed - (int64_t)f->fed)
		want = (size_t)(allowed - (int64_t)f->fed);
	n = read(st.dec_out, f->pcm, want);
	if (n > 0) {
		f->len = (size_t)n;
		f->off = 0;
		st.dec_bytes += (uint64_t)n;
	} else if (n == 0 || errno != EAGAIN) {
		track_ended();
	}
}

/* Write PCM to the encoder. False when it is gone. */
static bool
write_pcm(struct feed *f)
{
	ssize_t n = write(st.enc_in, f->pcm + f->off, f->len - f->off);

	if (n > 0) {
		f->off += (size_t)n;
		f->fed += (uint64_t)n;
	} else if (n < 0 && errno != EAGAIN) {
		log_warn("radio: the encoder stopped: %s", strerror(errno));
		return false;
	}
	return true;
}

/* Move the encoder's output into the ring. False when it ended. */
static bool
drain(void)
{
	unsigned char buf[RADIO_CHUNK];
	ssize_t n = read(st.enc_out, buf, sizeof buf);

	if (n > 0)
		append(buf, (size_t)n);
	else if (n == 0 || errno != EAGAIN) {
		log_warn("radio: the encoder ended");
		return false;
	}
	return true;
}

/* Is anybody listening? False too when the station must quit (*quit). */
static bool
listened(bool *quit)
{
	bool on;

	pthread_mutex_lock(&st.lock);
	*quit = st.quit;
	on = st.listeners > 0;
	pthread_mutex_unlock(&st.lock);
	return on;
}

/*
 * One pass of the station: wait until something can move (PCM allowed
 * by the clock, room in the encoder, encoded audio, a listener), move
 * it. False to stop.
 */
static bool
pass(struct feed *f)
{
	struct pollfd p[4];
	int ms = -1, np = 0, dec_i = -1, in_i = -1, out_i, wake_i;
	int64_t allowed, now = now_ms();
	uint64_t ev;
	bool quit, on = listened(&quit);

	if (quit)
		return false;
	if (!on) {
		f->t0 = now; /* the clock starts again with a listener */
		f->fed = 0;
	}
	allowed = (now - f->t0) * RADIO_PCM_RATE / 1000 + RADIO_PCM_AHEAD;
	if (on && f->off == f->len && st.dec < 0 &&
	    (now < st.idle_until || next_track() != 0))
		ms = RADIO_FAIL_PAUSE_MS; /* nothing to play: look later */
	if (on && f->off == f->len && st.dec_out >= 0) {
		if ((int64_t)f->fed < allowed) {
			dec_i = np;
			p[np++] = (struct pollfd){st.dec_out, POLLIN, 0};
		} else {
			ms = RADIO_TICK_MS;
		}
	}
	if (f->off < f->len) {
		in_i = np;
		p[np++] = (struct pollfd){st.enc_in, POLLOUT, 0};
	}
	out_i = np;
	p[np++] = (struct pollfd){st.enc_out, POLLIN, 0};
	wake_i = np;
	p[np++] = (struct pollfd){st.wake, POLLIN, 0};
	if (poll(p, (nfds_t)np, ms) < 0 && errno != EINTR)
		return true;
	if (p[wake_i].revents != 0)
		(void)!read(st.wake, &ev, sizeof ev);
	if (dec_i >= 0 && p[dec_i].revents != 0)
		read_pcm(f, allowed);
	if (in_i >= 0 && p[in_i].revents != 0 && !write_pcm(f))
		return false;
	return p[out_i].revents == 0 || drain();
}

static void *
station_main(void *arg)
{
	struct feed *f = calloc(1, sizeof *f);

	(void)arg;
	if (f != NULL) {
		f->t0 = now_ms();
		while (pass(f))
			;
	}
	free(f);
	end_child(&st.dec, &st.dec_out);
	return NULL;
}

int
radio_start(const struct config *cfg, struct library *lib, struct loops *loops)
{
	if (!cfg->radio)
		return 0;
	st.opus =
		cfg->radio_fmt != NULL && strcmp(cfg->radio_fmt, "opus") == 0;
	st.bitrate = cfg->radio_bitrate;
	st.lib = lib;
	st.loops = loops;
	st.dec = st.enc = -1;
	st.ring = malloc(RADIO_RING);
	st.wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (st.ring == NULL || st.wake < 0 || start_encoder() != 0 ||
	    pthread_create(&st.thread, NULL, station_main, NULL) != 0) {
		log_warn("radio: cannot start the station");
		end_child(&st.enc, &st.enc_out);
		return -1;
	}
	st.on = true;
	return 0;
}

void
radio_stop(void)
{
	struct listener *l;

	if (!st.on)
		return;
	pthread_mutex_lock(&st.lock);
	st.stopping = true;
	while ((l = st.waiting) != NULL) {
		st.waiting = l->next;
		l->waiting = false;
		MHD_resume_connection(l->conn);
	}
	pthread_mutex_unlock(&st.lock);
}

void
radio_free(void)
{
	uint64_t one = 1;

	if (!st.on)
		return;
	pthread_mutex_lock(&st.lock);
	st.quit = true;
	pthread_mutex_unlock(&st.lock);
	(void)!write(st.wake, &one, sizeof one);
	pthread_join(st.thread, NULL);
	close(st.enc_in);
	end_child(&st.enc, &st.enc_out);
	close(st.wake);
	free(st.ring);
	free(st.order);
	json_decref(st.now);
	st.on = false;
}

/* The ICY block for l into buf (cap bytes): its length. Under lock. */
static size_t
meta_block(struct listener *l, char *buf, size_t cap)
{
	/* text stops short of 255 blocks: the block always fits cap */
	char text[RADIO_META_MAX];
	size_t len = 0, blocks;
	const char *c;
	int n;

	if (l->title_gen == st.title_gen) {
		buf[0] = 0; /* nothing changed */
		return 1;
	}
	n = snprintf(text, sizeof text, "StreamTitle='");
	for (c = st.title; *c != '\0' && (size_t)n + 4 < sizeof text; c++)
		if (*c != '\'') /* the format has no escape */
			text[n++] = *c;
	len = (size_t)n;
	memcpy(text + len, "';", 2);
	len += 2;
	blocks = (len + 15) / 16;
	if (blocks > 255 || 1 + blocks * 16 > cap)
		return 0;
	buf[0] = (char)blocks;
	memset(buf + 1, 0, blocks * 16);
	memcpy(buf + 1, text, len);
	l->title_gen = st.title_gen;
	return 1 + blocks * 16;
}

/* Where a listener joining now starts: near the live point. */
static uint64_t
join_point(void)
{
	uint64_t pos =
		st.head > RADIO_JOIN_BACK ? st.head - RADIO_JOIN_BACK : 0;
	uint64_t end = st.head;

	if (!st.opus)
		return pos;
	if (st.hdr_done && pos < st.hdr_len)
		pos = st.hdr_len;     /* the header pages go apart */
	for (; pos + 4 <= end; pos++) /* an Ogg page's start */
		if (st.ring[pos % RADIO_RING] == 'O' &&
		    st.ring[(pos + 1) % RADIO_RING] == 'g' &&
		    st.ring[(pos + 2) % RADIO_RING] == 'g' &&
		    st.ring[(pos + 3) % RADIO_RING] == 'S')
			return pos;
	return end;
}

/* Copy up to max ring bytes from l->pos into buf. Under lock. */
static size_t
ring_copy(struct listener *l, char *buf, size_t max)
{
	size_t n = (size_t)(st.head - l->pos), off;

	if (n > max)
		n = max;
	off = RADIO_RING - (size_t)(l->pos % RADIO_RING);
	if (off > n)
		off = n;
	memcpy(buf, st.ring + l->pos % RADIO_RING, off);
	memcpy(buf + off, st.ring, n - off);
	l->pos += n;
	return n;
}

static ssize_t
listener_read(void *cls, uint64_t at, char *buf, size_t max)
{
	struct listener *l = cls;
	size_t n = 0;

	(void)at;
	pthread_mutex_lock(&st.lock);
	if (st.stopping) {
		pthread_mutex_unlock(&st.lock);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	if (st.head - l->pos > RADIO_RING - RADIO_CHUNK) {
		l->pos = join_point();	  /* a ring behind: skip ahead */
		l->hdr_sent = st.hdr_len; /* the stream goes on */
	}
	if (l->icy && l->until_meta == 0 && l->meta_off == l->meta_len) {
		l->meta_len = meta_block(l, l->meta, sizeof l->meta);
		l->meta_off = 0;
	}
	if (l->icy && l->meta_off < l->meta_len) {
		/* A block may go in pieces, as libmicrohttpd has room. */
		n = l->meta_len - l->meta_off < max ? l->meta_len - l->meta_off
						    : max;
		memcpy(buf, l->meta + l->meta_off, n);
		l->meta_off += n;
		if (l->meta_off == l->meta_len)
			l->until_meta = RADIO_METAINT;
	} else if (l->hdr_sent < st.hdr_len && st.hdr_done) {
		n = st.hdr_len - l->hdr_sent < max ? st.hdr_len - l->hdr_sent
						   : max;
		memcpy(buf, st.hdr + l->hdr_sent, n);
		l->hdr_sent += n;
	} else if (l->pos < st.head) {
		if (l->icy && max > l->until_meta)
			max = l->until_meta;
		n = ring_copy(l, buf, max);
		if (l->icy)
			l->until_meta -= (unsigned)n;
	} else {
		MHD_suspend_connection(l->conn); /* the station resumes it */
		l->waiting = true;
		l->next = st.waiting;
		st.waiting = l;
	}
	pthread_mutex_unlock(&st.lock);
	l->acc->bytes += n;
	return (ssize_t)n;
}

static void
listener_free(void *cls)
{
	struct listener *l = cls, **pp;

	pthread_mutex_lock(&st.lock);
	for (pp = &st.waiting; *pp != NULL; pp = &(*pp)->next)
		if (*pp == l) {
			*pp = l->next;
			break;
		}
	st.listeners--;
	pthread_mutex_unlock(&st.lock);
	free(l);
}

/* The reader of an answer that sends no body (HEAD). */
static ssize_t
no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

enum MHD_Result
radio_answer(struct request *rq)
{
	const char *icy = http_header(rq, "Icy-MetaData");
	struct listener *l = NULL;
	struct MHD_Response *resp;
	const union MHD_ConnectionInfo *ci;
	uint64_t one = 1;
	char br[16];

	if (!st.on)
		return http_fail(rq, MHD_HTTP_NOT_FOUND,
				 "the station is off (as_server --radio)");
	if (!rq->head) {
		l = calloc(1, sizeof *l);
		if (l == NULL)
			return MHD_NO;
		ci = MHD_get_connection_info(rq->conn,
					     MHD_CONNECTION_INFO_DAEMON);
		l->conn = rq->conn;
		l->daemon = ci != NULL ? ci->daemon : NULL;
		l->acc = rq->acc;
		l->icy = icy != NULL && strcmp(icy, "1") == 0;
		l->until_meta = RADIO_METAINT;
		pthread_mutex_lock(&st.lock);
		l->pos = join_point();
		/* Joining before the header pages are known: the ring from
		 * its start holds them. */
		l->hdr_sent = st.hdr_done ? 0 : SIZE_MAX;
		l->title_gen = st.title_gen - 1; /* the title goes first */
		st.listeners++;
		pthread_mutex_unlock(&st.lock);
		(void)!write(st.wake, &one, sizeof one); /* unpause */
	}
	resp = MHD_create_response_from_callback(
		MHD_SIZE_UNKNOWN, 4096, l != NULL ? listener_read : no_body, l,
		l != NULL ? listener_free : NULL);
	if (resp == NULL) {
		if (l != NULL)
			listener_free(l);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type",
				st.opus ? "audio/ogg; codecs=opus"
					: "audio/mpeg");
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	MHD_add_response_header(resp, "icy-name", "as radio");
	if (snprintf(br, sizeof br, "%u", st.bitrate) > 0)
		MHD_add_response_header(resp, "icy-br", br);
	if (icy != NULL && strcmp(icy, "1") == 0)
		MHD_add_response_header(resp, "icy-metaint",
					RADIO_METAINT_STR);
	http_cors(rq, resp);
	return http_queue(rq, MHD_HTTP_OK, resp);
}

enum MHD_Result
radio_now(struct request *rq)
{
	json_t *j;
	char *body;

	if (!st.on)
		return http_fail(rq, MHD_HTTP_NOT_FOUND,
				 "the station is off (as_server --radio)");
	pthread_mutex_lock(&st.lock);
	j = st.now != NULL ? json_deep_copy(st.now) : json_object();
	if (j != NULL)
		json_object_set_new(j, "listeners",
				    json_integer(st.listeners));
	pthread_mutex_unlock(&st.lock);
	body = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER)
			 : NULL;
	json_decref(j);
	if (body == NULL)
		return MHD_NO;
	return http_queue(rq, MHD_HTTP_OK,
			  http_buffer(rq, body, strlen(body), false,
				      "application/json"));
}

enum MHD_Result
radio_m3u(struct request *rq)
{
	char body[512];
	int n;

	if (!st.on)
		return http_fail(rq, MHD_HTTP_NOT_FOUND,
				 "the station is off (as_server --radio)");
	n = snprintf(body, sizeof body,
		     "#EXTM3U\n#EXTINF:-1,as radio\n%s://%s/radio\n",
		     rq->srv->cfg->cert_file != NULL ? "https" : "http",
		     rq->host != NULL ? rq->host : "localhost");
	if (n < 0 || (size_t)n >= sizeof body)
		return MHD_NO;
	return http_queue(
		rq, MHD_HTTP_OK,
		http_buffer(rq, body, (size_t)n, true, "audio/x-mpegurl"));
}
