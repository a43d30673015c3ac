/*
 * acceptor: a thread that accepts connections for the worker loops.
 *
 * It waits in poll(2) on the listening socket and on a pipe that
 * acceptor_stop writes to, then accepts until the queue is empty. When
 * descriptors run out it backs off for ACCEPTOR_BACKOFF_MS instead of
 * spinning; the pending connections stay queued in the kernel meanwhile.
 */
#include "acceptor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

#define ACCEPTOR_BACKOFF_MS 100

struct acceptor {
	int fd;	     /* the listening socket */
	int stop[2]; /* a pipe: readable once acceptor_stop is called */
	struct loops *loops;
	pthread_t thread;
};

/*
 * Accept every queued connection. Returns false when accept(2) failed for
 * want of descriptors or memory, or for a reason that is not one
 * connection's (the caller waits a little rather than spin).
 */
static bool
accept_all(struct acceptor *a)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int c;

	for (;;) {
		len = sizeof ss;
		c = accept4(a->fd, (struct sockaddr *)&ss, &len,
			    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			break;
		loops_add(a->loops, c, (struct sockaddr *)&ss, len);
	}
	switch (errno) {
	case EAGAIN: /* the queue is empty */
	case EINTR:
	case ECONNABORTED: /* errors of that one connection (accept(2)) */
	case EPROTO:
	case EPERM:
	case ENETDOWN:
	case ENETUNREACH:
	case EHOSTDOWN:
	case EHOSTUNREACH:
	case ENONET:
	case ENOPROTOOPT:
	case EOPNOTSUPP:
		return true;
	default: /* EMFILE, ENFILE, ENOBUFS, ENOMEM, or worse */
		log_warn("cannot accept a connection: %s; retrying in %d ms",
			 strerror(errno), ACCEPTOR_BACKOFF_MS);
		return false;
	}
}

static void *
acceptor_main(void *arg)
{
	struct acceptor *a = arg;
	struct pollfd p[2] = {{.fd = a->fd, .events = POLLIN},
			      {.fd = a->stop[0], .events = POLLIN}};

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno != EINTR) {
				log_warn("poll: %s; retrying in %d ms",
					 strerror(errno), ACCEPTOR_BACKOFF_MS);
				poll(NULL, 0, ACCEPTOR_BACKOFF_MS);
			}
			continue;
		}
		if (p[1].revents != 0)
			return NULL;
		if (p[0].revents != 0 && !accept_all(a))
			poll(NULL, 0, ACCEPTOR_BACKOFF_MS);
	}
}

struct acceptor *
acceptor_start(int fd, struct loops *l)
{
	struct acceptor *a = calloc(1, sizeof *a);

	if (a == NULL)
		goto fail;
	a->fd = fd;
	a->loops = l;
	if (pipe2(a->stop, O_CLOEXEC) != 0)
		goto fail;
	if (pthread_create(&a->thread, NULL, acceptor_main, a) != 0) {
		close(a->stop[0]);
		close(a->stop[1]);
		goto fail;
	}
	return a;
fail:
	free(a);
	close(fd);
	return NULL;
}

void
acceptor_stop(struct acceptor *a)
{
	if (a == NULL)
		return;
	while (write(a->stop[1], "", 1) < 0 && errno == EINTR)
		;
	pthread_join(a->thread, NULL);
	close(a->stop[0]);
	close(a->stop[1]);
	close(a->fd);
	free(a);
}
