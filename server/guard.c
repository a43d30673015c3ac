/*
 * guard: drops connections whose request header has not fully arrived
 * within the header timeout, and sets up each connection's socket for
 * streaming (send buffer share, unsent cap, corking around an answer).
 *
 * Each connection gets an entry (its MHD socket context) on one list. A
 * watchdog thread wakes every GUARD_TICK_MS and shuts down the socket of
 * any entry still waiting for its header past the deadline; libmicrohttpd
 * then sees the socket end and closes the connection itself. Entries leave
 * the list in the CLOSED notification, which libmicrohttpd sends before it
 * closes the descriptor, and the list lock is held across shutdown(), so a
 * reused descriptor number is never hit.
 */
#include "guard.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "iplimit.h"
#include "log.h"
#include "metrics.h"

#define GUARD_TICK_MS 250
#define GUARD_FILE_TICKS 2 /* files sent are checked every 2nd tick */
/*
 * Socket send buffers: the kernel grows a socket's buffer up to megabytes,
 * and the server fills it at its own cost before a slow listener has read
 * a second of it. Past GUARD_SNDBUF_FROM connections, each new one gets a
 * share of GUARD_SNDBUF_BUDGET instead (at least GUARD_SNDBUF_MIN), so ten
 * thousand listeners cost memory and copying in proportion to what they
 * actually read.
 */
#define GUARD_SNDBUF_FROM 256
#define GUARD_SNDBUF_BUDGET (256 * 1024 * 1024)
#define GUARD_SNDBUF_MIN (64 * 1024)
/*
 * Unsent bytes a socket may hold before it takes no more and epoll stops
 * calling it writable. Without a cap the kernel queues up to the whole
 * send buffer (autotuned to 4 MiB) for a client whose window is closed:
 * the server copies megabytes ahead for clients that are behind while
 * those that read wait for their turn. With 64 clients of one 4 MiB track
 * (wrk -c64) the slowest 1 % of requests took 1.6 s; with this cap 0.2 s,
 * and 25 % more requests a second. One fast stream goes no slower: the
 * kernel sends as soon as the client's window opens, and the cap only
 * decides when the server is woken to add more.
 */
#define GUARD_NOTSENT_LOWAT (64 * 1024)

struct guard_entry {
	struct guard_entry *prev, *next;
	int fd;
	bool waiting;		      /* for a request header */
	bool dropped;		      /* shut down already */
	bool corked;		      /* TCP_CORK is on (see set_cork) */
	bool settled;		      /* libmicrohttpd's one uncork is past */
	bool counted;		      /* in guard.ips under key */
	int watch_fd;		      /* a file being sent, or -1 */
	uint64_t watch_end;	      /* the size it must keep */
	uint8_t key[IPLIMIT_KEY_LEN]; /* the client's address */
	struct timespec since;	      /* when the wait began */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	struct guard_entry *head;
	unsigned count; /* entries on the list */
	unsigned limit;
	struct iplimit *ips; /* connections per client, for --max-per-ip */
	bool running;
} guard = {.lock = PTHREAD_MUTEX_INITIALIZER,
	   .wake = PTHREAD_COND_INITIALIZER};

static void
now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

/* Has e's watched file become shorter than its answer? */
static bool
file_short(const struct guard_entry *e)
{
	struct stat st;

	return fstat(e->watch_fd, &st) == 0 &&
	       (uint64_t)st.st_size < e->watch_end;
}

/*
 * Shut down entries that waited too long for their header, and (when
 * files) those whose file shrank under them. Called with the lock held.
 */
static void
sweep(bool files)
{
	struct timespec t;
	struct guard_entry *e;

	now(&t);
	for (e = guard.head; e != NULL; e = e->next) {
		if (e->dropped)
			continue;
		if (files && e->watch_fd >= 0 && file_short(e)) {
			log_warn("the file is shorter than when opened: "
				 "ending its answer unfinished");
			shutdown(e->fd, SHUT_RDWR);
			e->dropped = true;
			continue;
		}
		if (!e->waiting ||
		    t.tv_sec - e->since.tv_sec < (time_t)guard.limit)
			continue;
		log_debug("request header not complete after %u s: closing",
			  guard.limit);
		shutdown(e->fd, SHUT_RDWR);
		e->dropped = true;
	}
}

static void *
guard_main(void *arg)
{
	struct timespec until;
	unsigned tick = 0;

	(void)arg;
	pthread_mutex_lock(&guard.lock);
	while (guard.running) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += GUARD_TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&guard.wake, &guard.lock, &until);
		sweep(++tick % GUARD_FILE_TICKS == 0);
	}
	pthread_mutex_unlock(&guard.lock);
	return NULL;
}

int
guard_start(unsigned limit, unsigned max_per_ip)
{
	guard.limit = limit;
	if (max_per_ip > 0 && (guard.ips = iplimit_new(max_per_ip)) == NULL)
		return -1;
	guard.running = true;
	if (pthread_create(&guard.thread, NULL, guard_main, NULL) != 0) {
		guard.running = false;
		iplimit_free(guard.ips);
		guard.ips = NULL;
		return -1;
	}
	return 0;
}

void
guard_stop(void)
{
	pthread_mutex_lock(&guard.lock);
	if (!guard.running) {
		pthread_mutex_unlock(&guard.lock);
		return;
	}
	guard.running = false;
	pthread_cond_signal(&guard.wake);
	pthread_mutex_unlock(&guard.lock);
	pthread_join(guard.thread, NULL);
	iplimit_free(guard.ips);
	guard.ips = NULL;
}

/*
 * Count e's client against --max-per-ip; false when it is over. Called
 * with the lock held.
 */
static bool
ip_allowed(struct guard_entry *e, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	if (guard.ips == NULL)
		return true;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	/* MHD keeps the whole address: the key reads what its family has */
	if (ci == NULL ||
	    !iplimit_key(ci->client_addr,
			 (socklen_t)sizeof(struct sockaddr_storage), e->key))
		return true; /* not IP: nothing to count */
	e->counted = iplimit_take(guard.ips, e->key);
	return e->counted;
}

static void
entry_add(void **socket_ctx, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	struct guard_entry *e;
	unsigned count;
	int lowat = GUARD_NOTSENT_LOWAT;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	e = calloc(1, sizeof *e);
	if (e == NULL || ci == NULL) {
		free(e);
		return; /* unguarded, but still served */
	}
	e->fd = ci->connect_fd;
	e->watch_fd = -1;
	e->waiting = true;
	now(&e->since);
	pthread_mutex_lock(&guard.lock);
	e->next = guard.head;
	if (guard.head != NULL)
		guard.head->prev = e;
	guard.head = e;
	count = ++guard.count;
	if (!ip_allowed(e, c)) {
		/* libmicrohttpd sees the socket end and closes it */
		log_debug("over --max-per-ip: closing");
		shutdown(e->fd, SHUT_RDWR);
		e->dropped = true;
	}
	pthread_mutex_unlock(&guard.lock);
	*socket_ctx = e;
	setsockopt(e->fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat,
		   sizeof lowat);
	if (count > GUARD_SNDBUF_FROM) {
		int size = GUARD_SNDBUF_BUDGET / (int)count;

		if (size < GUARD_SNDBUF_MIN)
			size = GUARD_SNDBUF_MIN;
		setsockopt(e->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	}
}

static void
entry_remove(void **socket_ctx)
{
	struct guard_entry *e = *socket_ctx;

	if (e == NULL)
		return;
	pthread_mutex_lock(&guard.lock);
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		guard.head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	guard.count--;
	if (e->counted)
		iplimit_give(guard.ips, e->key);
	pthread_mutex_unlock(&guard.lock);
	free(e);
	*socket_ctx = NULL;
}

void
guard_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
	     enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		metrics_connection_open();
		entry_add(socket_ctx, c);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		metrics_connection_close();
		entry_remove(socket_ctx);
	}
}

/*
 * Corking. libmicrohttpd sends a chunked answer's header, each chunk and
 * the last chunk in separate send(2)s with TCP_NODELAY: three packets,
 * three wake-ups of the client, for a small track. Corked from the end of
 * the request header, the header leaves with the first piece of the body
 * (and, for a small track, with the whole answer).
 *
 * The socket stays corked between requests: at the end of one, setting
 * TCP_NODELAY sends what the cork holds (tcp(7): it flushes even while
 * corked), so a keep-alive request costs one setsockopt instead of an
 * on/off pair. A stream uncorks at its second read (guard_push) and the
 * next request's header corks again.
 *
 * libmicrohttpd does not know the state of a socket handed to it
 * (MHD_add_connection), so it uncorks it once, at its second pushed send,
 * and leaves the cork alone from then on. Until that uncork has been seen
 * (settled), the end of a request asks the socket whether it is corked.
 *
 * corked and settled are only touched by the connection's own thread:
 * libmicrohttpd calls all of a connection's callbacks from the thread that
 * serves it.
 */
static void
set_cork(struct guard_entry *e, bool on)
{
	int v = on;

	if (e->corked == on)
		return;
	setsockopt(e->fd, IPPROTO_TCP, TCP_CORK, &v, sizeof v);
	e->corked = on;
}

/* Send what the cork holds now, and leave the socket corked. */
static void
flush(struct guard_entry *e)
{
	int v = 0;
	socklen_t len = sizeof v;

	if (!e->settled &&
	    getsockopt(e->fd, IPPROTO_TCP, TCP_CORK, &v, &len) == 0 && !v) {
		e->corked = false; /* libmicrohttpd took the cork off */
		e->settled = true;
	}
	v = 1;
	if (e->corked)
		setsockopt(e->fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v);
}

/* c's entry, or NULL if it has none (out of memory at its start). */
static struct guard_entry *
entry_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci != NULL ? ci->socket_context : NULL;
}

void
guard_push(struct MHD_Connection *c)
{
	struct guard_entry *e = entry_of(c);

	if (e != NULL)
		set_cork(e, false);
}

static void
set_waiting(struct guard_entry *e, bool waiting)
{
	pthread_mutex_lock(&guard.lock);
	e->waiting = waiting;
	e->watch_fd = -1; /* a request begins or ends: no file now */
	now(&e->since);
	pthread_mutex_unlock(&guard.lock);
}

void
guard_cut(struct MHD_Connection *c)
{
	struct guard_entry *e = entry_of(c);

	if (e == NULL)
		return;
	pthread_mutex_lock(&guard.lock);
	if (!e->dropped)
		shutdown(e->fd, SHUT_RDWR);
	e->dropped = true;
	pthread_mutex_unlock(&guard.lock);
}

void
guard_watch_file(struct MHD_Connection *c, int fd, uint64_t end)
{
	struct guard_entry *e = entry_of(c);

	if (e == NULL)
		return;
	pthread_mutex_lock(&guard.lock);
	e->watch_fd = fd;
	e->watch_end = end;
	pthread_mutex_unlock(&guard.lock);
}

void
guard_header_done(struct MHD_Connection *c)
{
	struct guard_entry *e = entry_of(c);

	if (e == NULL)
		return;
	set_waiting(e, false);
	set_cork(e, true);
}

void
guard_request_done(struct MHD_Connection *c)
{
	struct guard_entry *e = entry_of(c);

	if (e == NULL)
		return;
	set_waiting(e, true);
	flush(e);
}
