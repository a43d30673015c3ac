/*
 * acceptor: takes connections off the listening socket in a thread of its
 * own and hands them to the worker loops (loop.h), in turn.
 *
 * libmicrohttpd's own loop accepts at most ten connections per pass, and a
 * pass that also feeds thousands of streams takes long: under a burst of
 * connections the kernel's accept queue overflows, and every dropped SYN
 * costs its client a retransmission, one second and then three. This
 * thread does nothing but accept, so the queue drains as fast as clients
 * arrive; the worker loops take the new connections from their lists at
 * their next pass, all at once.
 */
#ifndef AS_ACCEPTOR_H
#define AS_ACCEPTOR_H

#include "loop.h"

struct acceptor;

/*
 * Start accepting on the listening socket fd (non-blocking) for the loops
 * l, whose daemons have no listening socket of their own. The acceptor
 * owns fd from now on, even on failure. NULL on failure.
 */
struct acceptor *acceptor_start(int fd, struct loops *l);

/* Stop accepting and close the socket; before loops_stop. NULL-safe. */
void acceptor_stop(struct acceptor *a);

#endif
