/*
 * acceptor: takes connections off the listening socket in a thread of its
 * own and hands them to libmicrohttpd (MHD_add_connection).
 *
 * libmicrohttpd's own loop accepts at most ten connections per pass, and a
 * pass that also feeds thousands of streams takes long: under a burst of
 * connections the kernel's accept queue overflows, and every dropped SYN
 * costs its client a retransmission, one second and then three. This
 * thread does nothing but accept, so the queue drains as fast as clients
 * arrive; libmicrohttpd's workers take the new connections from their own
 * list at their next pass, all at once.
 */
#ifndef AS_ACCEPTOR_H
#define AS_ACCEPTOR_H

#include <microhttpd.h>

struct acceptor;

/*
 * Start accepting on the listening socket fd (non-blocking) for d, which
 * must have been started with MHD_USE_NO_LISTEN_SOCKET and MHD_USE_ITC.
 * The acceptor owns fd from now on, even on failure. NULL on failure.
 */
struct acceptor *acceptor_start(int fd, struct MHD_Daemon *d);

/* Stop accepting and close the socket; before MHD_stop_daemon. NULL-safe. */
void acceptor_stop(struct acceptor *a);

#endif
