/*
 * guard: polices connections. It drops those whose request header has not
 * fully arrived within the header timeout, however slowly it trickles
 * (slowloris; libmicrohttpd's idle timeout alone cannot see that), and
 * those past --max-per-ip from one address (iplimit.h says why not
 * libmicrohttpd's own limit). Under many connections it gives each socket
 * a share of a send-buffer budget; it caps the unsent bytes a socket may
 * queue, and corks each answer's start so that it leaves in as few packets
 * as it can.
 */
#ifndef AS_GUARD_H
#define AS_GUARD_H

#include <microhttpd.h>

/*
 * Start the watchdog thread; limit in seconds. Past max_per_ip connections
 * from one client address (0: no limit), a new one is closed at once.
 * 0, or -1.
 */
int guard_start(unsigned limit, unsigned max_per_ip);

/* Stop it (after MHD_stop_daemon). */
void guard_stop(void);

/* MHD_OPTION_NOTIFY_CONNECTION callback: track every connection. */
void guard_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
		  enum MHD_ConnectionNotificationCode code);

/*
 * The header of the current request on c has arrived. The socket is corked
 * until guard_push or guard_request_done, so that the answer's header and
 * the first piece of its body leave together.
 */
void guard_header_done(struct MHD_Connection *c);

/* Uncork c's socket: what it holds goes now, and what follows at once. */
void guard_push(struct MHD_Connection *c);

/*
 * The request on c is complete: what the socket holds goes now, and a new
 * header is awaited.
 */
void guard_request_done(struct MHD_Connection *c);

#endif
