/*
 * listeners: N concurrent HTTP listeners that each read one stream at a
 * fixed rate, like a player with a small buffer (the 10,000-listener
 * figure of tests/bench/run.sh). Loopback load generator, not a test.
 *
 * One thread, non-blocking sockets, edge-triggered epoll. Connections are
 * opened over a ramp of R seconds; each sends `GET <path>` (path number
 * i % npaths of the URL file), then reads at most burst + rate * t bytes
 * t seconds after its first body byte, and hangs up after D seconds of
 * body (or at the end of the body, whichever is first). A listener is
 * "served" when it got a 200/206 and read until its deadline or the end of
 * the body without error; an "underrun" is a served listener whose player
 * (started PLAY_DELAY_S after the first byte) ran out of audio at least
 * once. Everything stops by itself at ramp + duration + GRACE_S.
 *
 * Output: one line of key=value pairs on stdout, errors by kind on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEADER_MAX 8192	     /* response header cap */
#define READ_MAX (64 * 1024) /* one recv */
#define TICK_MS 20	     /* budget refill and deadline check */
#define GRACE_S 20	     /* hard stop after ramp + duration */
#define WAIT_S 10	     /* connect / header deadline */
#define PLAY_DELAY_S 1.0     /* player prebuffer before it starts */
#define PATHS_MAX 100000
#define PATH_LEN 1024

enum state { ST_IDLE, ST_CONNECTING, ST_HEADER, ST_BODY, ST_OK, ST_ERR };
enum chunk { CH_SIZE, CH_EXT, CH_DATA, CH_DATA_END, CH_TRAILER, CH_DONE };
enum err {
	E_CONNECT,
	E_STATUS,
	E_HEADER,
	E_EOF,
	E_RESET,
	E_TIMEOUT,
	E_CHUNK,
	E_COUNT
};
static const char *const err_names[E_COUNT] = {
	"connect", "status",  "bad-header", "early-eof",
	"reset",   "timeout", "bad-chunk"};

struct conn {
	int fd;
	enum state state;
	bool ready; /* an edge said data may be waiting */
	bool underrun;
	bool chunked;
	int status;
	double t_start, t_first; /* connect began, first body byte */
	uint64_t raw;		 /* body bytes on the wire */
	uint64_t payload;	 /* decoded body bytes */
	int64_t clen;		 /* Content-Length or -1 */
	enum chunk ch;
	uint64_t ch_left; /* bytes left in the chunk, or the size read */
	unsigned tl;	  /* bytes in the current trailer line */
	size_t hlen;
	char *hdr; /* until the header is in */
};

static struct {
	struct sockaddr_in addr;
	unsigned n;
	double rate, duration, ramp, burst;
	int rcvbuf;
	bool range;
	char **paths;
	unsigned npaths;
	struct conn *c;
	int ep;
	unsigned started, active;
	unsigned served, underruns, errors[E_COUNT];
	double *wait; /* seconds from connect to first body byte, served */
	unsigned nwait;
	uint64_t bytes;
	double t0;
	char buf[READ_MAX];
} L;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
finish(struct conn *c, enum state st, enum err e)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->hdr);
	c->hdr = NULL;
	c->state = st;
	L.active--;
	L.bytes += c->payload;
	if (st == ST_OK) {
		L.served++;
		if (c->raw > 0)
			L.wait[L.nwait++] = c->t_first - c->t_start;
		if (c->underrun)
			L.underruns++;
	} else {
		L.errors[e]++;
	}
}

static void
start(unsigned i)
{
	struct conn *c = &L.c[i];
	struct epoll_event ev = {0};
	int fd;

	c->clen = -1;
	c->t_start = now();
	L.active++;
	c->state = ST_CONNECTING;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	c->fd = fd;
	if (fd < 0) {
		finish(c, ST_ERR, E_CONNECT);
		return;
	}
	if (L.rcvbuf > 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &L.rcvbuf,
			   sizeof L.rcvbuf);
	if (connect(fd, (struct sockaddr *)&L.addr, sizeof L.addr) != 0 &&
	    errno != EINPROGRESS) {
		finish(c, ST_ERR, E_CONNECT);
		return;
	}
	ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
	ev.data.u32 = i;
	if (epoll_ctl(L.ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		finish(c, ST_ERR, E_CONNECT);
}

static void
send_request(unsigned i)
{
	struct conn *c = &L.c[i];
	char req[PATH_LEN + 256];
	int err = 0, n;
	socklen_t len = sizeof err;

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
	    err != 0) {
		finish(c, ST_ERR, E_CONNECT);
		return;
	}
	n = snprintf(req, sizeof req,
		     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
		     "User-Agent: as-bench-listeners\r\n%s\r\n",
		     L.paths[i % L.npaths], ntohs(L.addr.sin_port),
		     L.range ? "Range: bytes=0-\r\n" : "");
	/* A fresh socket takes a few hundred bytes at once. */
	if (n < 0 || (size_t)n >= sizeof req ||
	    send(c->fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
		finish(c, ST_ERR, E_CONNECT);
		return;
	}
	c->hdr = malloc(HEADER_MAX);
	if (c->hdr == NULL) {
		finish(c, ST_ERR, E_HEADER);
		return;
	}
	c->state = ST_HEADER;
}

/* Feed chunked framing; returns the payload bytes in p[0..n). -1: bad. */
static int
dechunk(struct conn *c, const char *p, size_t n, uint64_t *payload)
{
	size_t i = 0, k;
	int d;

	while (i < n && c->ch != CH_DONE) {
		char ch = p[i];

		switch (c->ch) {
		case CH_SIZE:
			i++;
			if (ch == ';' || ch == ' ' || ch == '\t') {
				c->ch = CH_EXT;
				break;
			}
			if (ch == '\r')
				break;
			if (ch == '\n') {
				c->ch = c->ch_left == 0 ? CH_TRAILER : CH_DATA;
				c->tl = 0;
				break;
			}
			d = ch >= '0' && ch <= '9'   ? ch - '0'
			    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
			    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
						     : -1;
			if (d < 0 || c->ch_left > (UINT64_MAX >> 4))
				return -1;
			c->ch_left = c->ch_left * 16 + (uint64_t)d;
			break;
		case CH_EXT:
			i++;
			if (ch == '\n')
				c->ch = c->ch_left == 0 ? CH_TRAILER : CH_DATA;
			break;
		case CH_DATA:
			k = n - i;
			if (k > c->ch_left)
				k = (size_t)c->ch_left;
			*payload += k;
			c->ch_left -= k;
			i += k;
			if (c->ch_left == 0)
				c->ch = CH_DATA_END;
			break;
		case CH_DATA_END:
			i++;
			if (ch == '\n') {
				c->ch = CH_SIZE;
				c->ch_left = 0;
			}
			break;
		case CH_TRAILER:
			i++;
			if (ch == '\n') {
				if (c->tl == 0)
					c->ch = CH_DONE;
				c->tl = 0;
			} else if (ch != '\r') {
				c->tl++;
			}
			break;
		case CH_DONE:
			break;
		}
	}
	return 0;
}

static bool
body_complete(const struct conn *c)
{
	if (c->chunked)
		return c->ch == CH_DONE;
	return c->clen >= 0 && c->payload >= (uint64_t)c->clen;
}

/* Account body bytes; false if the connection was finished. */
static bool
body(struct conn *c, const char *p, size_t n)
{
	if (n == 0)
		return true;
	if (c->raw == 0)
		c->t_first = now();
	c->raw += n;
	if (c->chunked) {
		if (dechunk(c, p, n, &c->payload) != 0) {
			finish(c, ST_ERR, E_CHUNK);
			return false;
		}
	} else {
		c->payload += n;
	}
	if (body_complete(c)) {
		finish(c, ST_OK, E_COUNT);
		return false;
	}
	return true;
}

/* Find a header's value in the raw header block (case-insensitive). */
static const char *
find_header(const char *h, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = strchr(h, '\n'); p != NULL; p = strchr(p + 1, '\n')) {
		if (strncasecmp(p + 1, name, len) == 0 && p[1 + len] == ':')
			return p + 2 + len;
	}
	return NULL;
}

/* Collect the header; hand the rest to body(). false if finished. */
static bool
header(struct conn *c, const char *p, size_t n)
{
	size_t take = n, off;
	const char *end, *v;
	char *e;

	if (take > HEADER_MAX - 1 - c->hlen)
		take = HEADER_MAX - 1 - c->hlen;
	memcpy(c->hdr + c->hlen, p, take);
	c->hlen += take;
	c->hdr[c->hlen] = '\0';
	end = strstr(c->hdr, "\r\n\r\n");
	if (end == NULL) {
		if (c->hlen == HEADER_MAX - 1) {
			finish(c, ST_ERR, E_HEADER);
			return false;
		}
		return true;
	}
	off = (size_t)(end + 4 - c->hdr) - (c->hlen - take);
	if (strncmp(c->hdr, "HTTP/1.", 7) != 0 || strlen(c->hdr) < 12) {
		finish(c, ST_ERR, E_HEADER);
		return false;
	}
	c->status = (int)strtol(c->hdr + 9, NULL, 10);
	if (c->status != 200 && c->status != 206) {
		finish(c, ST_ERR, E_STATUS);
		return false;
	}
	v = find_header(c->hdr, "Transfer-Encoding");
	c->chunked = v != NULL && strstr(v, "chunked") != NULL;
	v = find_header(c->hdr, "Content-Length");
	if (v != NULL && !c->chunked)
		c->clen = strtoll(v, &e, 10);
	free(c->hdr);
	c->hdr = NULL;
	c->state = ST_BODY;
	return body(c, p + off, n - off);
}

/* Bytes this listener may still read now. */
static double
budget(const struct conn *c, double t)
{
	if (c->state == ST_HEADER || c->raw == 0)
		return READ_MAX;
	return L.burst + L.rate * (t - c->t_first) - (double)c->raw;
}

/* Read what the budget allows until EAGAIN. */
static void
service(struct conn *c, double t)
{
	double b;
	size_t want;
	ssize_t n;

	while (c->ready && (c->state == ST_HEADER || c->state == ST_BODY)) {
		b = budget(c, t);
		if (b < 1)
			return;
		want = b > READ_MAX ? READ_MAX : (size_t)b;
		n = recv(c->fd, L.buf, want, 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			c->ready = false;
			return;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			finish(c, ST_ERR, E_RESET);
			return;
		}
		if (n == 0) {
			if (c->state == ST_BODY && !c->chunked && c->clen < 0)
				finish(c, ST_OK,
				       E_COUNT); /* close-delimited */
			else
				finish(c, ST_ERR, E_EOF);
			return;
		}
		if (c->state == ST_HEADER) {
			if (!header(c, L.buf, (size_t)n))
				return;
		} else if (!body(c, L.buf, (size_t)n)) {
			return;
		}
	}
}

/* Deadlines, underruns and refills, once per tick. */
static void
tick(double t)
{
	unsigned i;
	struct conn *c;
	double played;

	for (i = 0; i < L.started; i++) {
		c = &L.c[i];
		if (c->state == ST_CONNECTING || c->state == ST_HEADER) {
			if (t - c->t_start > WAIT_S)
				finish(c, ST_ERR, E_TIMEOUT);
			continue;
		}
		if (c->state != ST_BODY)
			continue;
		if (c->raw > 0 && t - c->t_first >= L.duration) {
			finish(c, ST_OK, E_COUNT);
			continue;
		}
		if (c->raw == 0 && t - c->t_start > WAIT_S) {
			finish(c, ST_ERR, E_TIMEOUT);
			continue;
		}
		played = L.rate * (t - c->t_first - PLAY_DELAY_S);
		if (c->raw > 0 && played > (double)c->raw)
			c->underrun = true;
		service(c, t);
	}
}

static void
on_event(const struct epoll_event *ev, double t)
{
	struct conn *c = &L.c[ev->data.u32];

	if (c->state == ST_OK || c->state == ST_ERR)
		return; /* finished earlier in this batch */
	if (c->state == ST_CONNECTING) {
		if (ev->events & (EPOLLERR | EPOLLHUP)) {
			finish(c, ST_ERR, E_CONNECT);
			return;
		}
		if (!(ev->events & EPOLLOUT))
			return;
		send_request(ev->data.u32);
		if (c->state != ST_HEADER)
			return;
	}
	if (ev->events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP))
		c->ready = true;
	service(c, t);
}

static int
load_paths(const char *file)
{
	char line[PATH_LEN];
	FILE *f = fopen(file, "r");

	if (f == NULL)
		return -1;
	L.paths = calloc(PATHS_MAX, sizeof *L.paths);
	while (L.paths != NULL && L.npaths < PATHS_MAX &&
	       fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		L.paths[L.npaths] = strdup(line);
		if (L.paths[L.npaths] == NULL)
			break;
		L.npaths++;
	}
	fclose(f);
	return L.npaths > 0 ? 0 : -1;
}

static void
usage(void)
{
	fputs("usage: listeners -p PORT -u URLFILE [-a ADDR] [-n N] "
	      "[-r BYTES/S]\n"
	      "                 [-d SECONDS] [-R RAMP_S] [-b BURST_BYTES] "
	      "[-s RCVBUF] [-g]\n"
	      "  -g sends Range: bytes=0- (as players do)\n",
	      stderr);
	exit(2);
}

static double
num(const char *s)
{
	char *e;
	double v = strtod(s, &e);

	if (*s == '\0' || *e != '\0' || v < 0)
		usage();
	return v;
}

static void
parse(int argc, char **argv)
{
	const char *addr = "127.0.0.1", *urls = NULL;
	unsigned port = 0;
	int ch;

	L.n = 10000;
	L.rate = 40000;
	L.duration = 30;
	L.ramp = 2;
	L.burst = -1;
	L.rcvbuf = 128 * 1024;
	while ((ch = getopt(argc, argv, "a:p:u:n:r:d:R:b:s:g")) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = (unsigned)num(optarg);
			break;
		case 'u':
			urls = optarg;
			break;
		case 'n':
			L.n = (unsigned)num(optarg);
			break;
		case 'r':
			L.rate = num(optarg);
			break;
		case 'd':
			L.duration = num(optarg);
			break;
		case 'R':
			L.ramp = num(optarg);
			break;
		case 'b':
			L.burst = num(optarg);
			break;
		case 's':
			L.rcvbuf = (int)num(optarg);
			break;
		case 'g':
			L.range = true;
			break;
		default:
			usage();
		}
	}
	if (L.burst < 0)
		L.burst = 2 * L.rate; /* a two-second player buffer */
	L.addr.sin_family = AF_INET;
	L.addr.sin_port = htons((uint16_t)port);
	if (port == 0 || port > 65535 || urls == NULL || L.n == 0 ||
	    inet_pton(AF_INET, addr, &L.addr.sin_addr) != 1)
		usage();
	if (load_paths(urls) != 0) {
		fprintf(stderr, "listeners: cannot read paths from %s\n",
			urls);
		exit(1);
	}
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile of the first-byte waits, in milliseconds. */
static double
wait_ms(double q)
{
	if (L.nwait == 0)
		return -1;
	return 1000 * L.wait[(unsigned)(q * (L.nwait - 1))];
}

static void
report(double t)
{
	unsigned e, errors = 0;

	for (e = 0; e < E_COUNT; e++)
		errors += L.errors[e];
	qsort(L.wait, L.nwait, sizeof *L.wait, by_value);
	printf("listeners=%u served=%u errors=%u underruns=%u "
	       "bytes=%llu seconds=%.1f first_byte_ms_p50=%.1f "
	       "first_byte_ms_p99=%.1f first_byte_ms_max=%.1f\n",
	       L.n, L.served, errors + L.active, L.underruns,
	       (unsigned long long)L.bytes, t - L.t0, wait_ms(0.5),
	       wait_ms(0.99), wait_ms(1));
	for (e = 0; e < E_COUNT; e++) {
		if (L.errors[e] != 0)
			fprintf(stderr, "listeners: %u %s\n", L.errors[e],
				err_names[e]);
	}
	if (L.active != 0)
		fprintf(stderr, "listeners: %u still open at the stop\n",
			L.active);
}

int
main(int argc, char **argv)
{
	struct epoll_event evs[1024];
	struct rlimit rl;
	double t, last = 0, stop;
	unsigned want;
	int i, n;

	parse(argc, argv);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < L.n + 16) {
		fprintf(stderr,
			"listeners: %u sockets need a higher open "
			"file limit (now %llu)\n",
			L.n, (unsigned long long)rl.rlim_cur);
		return 1;
	}
	L.c = calloc(L.n, sizeof *L.c);
	L.wait = calloc(L.n, sizeof *L.wait);
	L.ep = epoll_create1(EPOLL_CLOEXEC);
	if (L.c == NULL || L.wait == NULL || L.ep < 0)
		return 1;
	L.t0 = now();
	stop = L.t0 + L.ramp + L.duration + GRACE_S;
	for (;;) {
		t = now();
		want = L.ramp > 0 ? (unsigned)((t - L.t0) / L.ramp * L.n)
				  : L.n;
		if (want > L.n)
			want = L.n;
		while (L.started < want)
			start(L.started++);
		if (L.started == L.n && L.active == 0)
			break;
		if (t >= stop)
			break;
		n = epoll_wait(L.ep, evs, 1024, TICK_MS / 2);
		t = now();
		for (i = 0; i < n; i++)
			on_event(&evs[i], t);
		if (t - last >= TICK_MS / 1000.0) {
			tick(t);
			last = t;
		}
	}
	report(now());
	return L.served == L.n ? 0 : 1;
}
