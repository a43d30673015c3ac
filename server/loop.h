/*
 * loop: the server's worker threads. Each drives one libmicrohttpd daemon
 * with an event loop of our own instead of libmicrohttpd's internal one.
 *
 * libmicrohttpd 0.9.75's internal epoll loop drains events 128 at a time
 * and asks again while a batch is full, with the same timeout as the first
 * wait. When the events pending are an exact multiple of 128, the last
 * wait finds none and blocks, with every connection of the batches still
 * unserved, until another event or the next connection timeout. With one
 * worker, 129 hang-ups at once left 128 descriptors open for 58 s, and 128
 * keep-alive requests arriving together got no answer in the 19 s that
 * tests/burst.sh waited. Here each loop waits in poll(2) on the daemon's
 * epoll descriptor for at most MHD_get_timeout, then calls MHD_run, whose
 * own waits never block.
 */
#ifndef AS_LOOP_H
#define AS_LOOP_H

#include <stdbool.h>
#include <sys/socket.h>

#include <microhttpd.h>

struct loops;

/*
 * Start n (at least 1) loops, each on the daemon start(cls, i) returns for
 * i in [0, n).
 * The daemons must use MHD_USE_EPOLL and no internal thread. NULL on
 * failure, with whatever had started stopped.
 */
struct loops *loops_start(unsigned n,
			  struct MHD_Daemon *(*start)(void *cls, unsigned i),
			  void *cls);

/*
 * Hand the accepted, non-blocking socket fd from addr to one of the loops
 * (in turn), whose thread gives it to its daemon. Any thread may call it.
 * The loops own fd from now on.
 */
void loops_add(struct loops *l, int fd, const struct sockaddr *addr,
	       socklen_t len);

/*
 * Did every loop go round since the previous call (or its start)? Then
 * wakes each, so that a live loop goes round before the next call. For
 * one thread only (the watchdog's).
 */
bool loops_alive(struct loops *l);

/*
 * Wake the loop that runs daemon d (one of l's) for a pass, from any
 * thread: without a thread of its own, libmicrohttpd has no channel to
 * signal a connection resumed with MHD_resume_connection, and takes it up
 * at the next MHD_run of its loop. No other loop wakes.
 */
void loops_wake(struct loops *l, struct MHD_Daemon *d);

/* Stop the loops, then their daemons (every connection closes). NULL-safe. */
void loops_stop(struct loops *l);

#endif
