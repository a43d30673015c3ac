/*
 * loop: worker threads, each driving one libmicrohttpd daemon (loop.h says
 * why not libmicrohttpd's own loop).
 *
 * A loop waits in poll(2) on its daemon's epoll descriptor and on an
 * eventfd, for at most what MHD_get_timeout allows (not at all while the
 * daemon has connections ready), then runs the daemon once. Connections
 * come from the acceptor thread through a list per loop: libmicrohttpd
 * without an internal thread takes MHD_add_connection only from the thread
 * that runs it.
 */
#include "loop.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"

#define LOOP_BACKOFF_MS 10 /* after poll(2) fails (ENOMEM) */

/* A connection accepted and not yet given to the daemon. */
struct pending {
	struct pending *next;
	int fd;
	socklen_t len;
	struct sockaddr_storage addr;
};

struct loop {
	struct MHD_Daemon *d;
	int epfd; /* the daemon's epoll descriptor, which it owns */
	int wake; /* eventfd: connections handed over, or stop */
	pthread_t thread;
	atomic_bool queued;   /* head is worth a look */
	pthread_mutex_t lock; /* guards head, tail and stop */
	struct pending *head, *tail;
	bool stop;
	atomic_uint_fast64_t beats; /* rounds of the loop so far */
	uint_fast64_t seen;	    /* beats at loops_alive's last look */
};

struct loops {
	unsigned n;	  /* loops running */
	atomic_uint turn; /* the next loops_add goes to turn % n */
	struct loop loop[];
};

/*
 * Give the daemon the connections handed over since the last call, or
 * close them when the loop is stopping. False when it is.
 */
static bool
take_pending(struct loop *lp)
{
	struct pending *p, *next;
	uint64_t count;
	bool stop;

	(void)!read(lp->wake, &count, sizeof count); /* reset the eventfd */
	pthread_mutex_lock(&lp->lock);
	p = lp->head;
	lp->head = lp->tail = NULL;
	atomic_store(&lp->queued, false);
	stop = lp->stop;
	pthread_mutex_unlock(&lp->lock);
	for (; p != NULL; p = next) {
		next = p->next;
		if (stop)
			close(p->fd);
		/* libmicrohttpd closes the socket itself when it refuses it */
		else if (MHD_add_connection(lp->d, p->fd,
					    (struct sockaddr *)&p->addr,
					    p->len) != MHD_YES)
			log_debug("connection refused: %s", strerror(errno));
		free(p);
	}
	return !stop;
}

/* How long the loop may wait for events, in ms: -1 for no limit. */
static int
wait_ms(struct MHD_Daemon *d)
{
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(d, &ms) != MHD_YES)
		return -1;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

static void *
loop_main(void *arg)
{
	struct loop *lp = arg;
	struct pollfd p[2] = {{.fd = lp->epfd, .events = POLLIN},
			      {.fd = lp->wake, .events = POLLIN}};
	int ms;

	for (;;) {
		atomic_fetch_add_explicit(&lp->beats, 1, memory_order_relaxed);
		ms = wait_ms(lp->d);
		p[1].revents = 0;
		if (ms != 0 && poll(p, 2, ms) < 0 && errno != EINTR) {
			log_warn("poll: %s; retrying in %d ms",
				 strerror(errno), LOOP_BACKOFF_MS);
			poll(NULL, 0, LOOP_BACKOFF_MS);
		}
		/* queued: a busy loop (ms == 0) does not poll the eventfd */
		if ((p[1].revents != 0 || atomic_load(&lp->queued)) &&
		    !take_pending(lp))
			break;
		MHD_run(lp->d);
	}
	return NULL;
}

/* Start loop lp on daemon d; 0, or -1 with d stopped and no thread. */
static int
loop_start(struct loop *lp, struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *di;

	di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_EPOLL_FD);
	if (di == NULL)
		goto fail;
	lp->d = d;
	lp->epfd = di->epoll_fd;
	lp->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (lp->wake < 0)
		goto fail;
	atomic_init(&lp->queued, false);
	atomic_init(&lp->beats, 0);
	lp->seen = 0;
	lp->head = lp->tail = NULL;
	lp->stop = false;
	if (pthread_mutex_init(&lp->lock, NULL) != 0)
		goto fail_wake;
	if (pthread_create(&lp->thread, NULL, loop_main, lp) != 0)
		goto fail_lock;
	return 0;
fail_lock:
	pthread_mutex_destroy(&lp->lock);
fail_wake:
	close(lp->wake);
fail:
	MHD_stop_daemon(d);
	return -1;
}

/* Wake lp's thread for its list. */
static void
loop_wake(struct loop *lp)
{
	uint64_t one = 1;

	atomic_store(&lp->queued, true);
	while (write(lp->wake, &one, sizeof one) < 0 && errno == EINTR)
		;
}

struct loops *
loops_start(unsigned n, struct MHD_Daemon *(*start)(void *cls, unsigned i),
	    void *cls)
{
	struct loops *l = calloc(1, sizeof *l + n * sizeof l->loop[0]);
	struct MHD_Daemon *d;

	if (l == NULL)
		return NULL;
	atomic_init(&l->turn, 0);
	while (l->n < n) {
		d = start(cls, l->n);
		if (d == NULL || loop_start(&l->loop[l->n], d) != 0) {
			loops_stop(l);
			return NULL;
		}
		l->n++;
	}
	return l;
}

void
loops_add(struct loops *l, int fd, const struct sockaddr *addr, socklen_t len)
{
	struct loop *lp = &l->loop[atomic_fetch_add(&l->turn, 1) % l->n];
	struct pending *p = malloc(sizeof *p);

	if (p == NULL || len > sizeof p->addr) {
		log_warn("dropping a connection: %s",
			 p == NULL ? "out of memory" : "address too long");
		free(p);
		close(fd);
		return;
	}
	p->next = NULL;
	p->fd = fd;
	p->len = len;
	memcpy(&p->addr, addr, len);
	pthread_mutex_lock(&lp->lock);
	if (lp->tail != NULL)
		lp->tail->next = p;
	else
		lp->head = p;
	lp->tail = p;
	pthread_mutex_unlock(&lp->lock);
	loop_wake(lp);
}

bool
loops_alive(struct loops *l)
{
	bool alive = true;
	uint_fast64_t b;
	unsigned i;

	for (i = 0; i < l->n; i++) {
		b = atomic_load_explicit(&l->loop[i].beats,
					 memory_order_relaxed);
		if (b == l->loop[i].seen)
			alive = false;
		l->loop[i].seen = b;
		loop_wake(&l->loop[i]);
	}
	return alive;
}

void
loops_wake(struct loops *l, struct MHD_Daemon *d)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		if (l->loop[i].d == d) {
			loop_wake(&l->loop[i]);
			return;
		}
	}
}

void
loops_stop(struct loops *l)
{
	struct loop *lp;
	unsigned i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		lp = &l->loop[i];
		pthread_mutex_lock(&lp->lock);
		lp->stop = true;
		pthread_mutex_unlock(&lp->lock);
		loop_wake(lp);
	}
	for (i = 0; i < l->n; i++) {
		lp = &l->loop[i];
		pthread_join(lp->thread, NULL);
		take_pending(lp); /* closes what came after the last look */
		MHD_stop_daemon(lp->d);
		pthread_mutex_destroy(&lp->lock);
		close(lp->wake);
	}
	free(l);
}
