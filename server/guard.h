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

#include <stdint.h>

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

/*
 * End c's connection now, unfinished: its answer cannot go on (the file
 * came up short). libmicrohttpd sees the socket end and closes it; left to
 * itself, it would keep a connection whose reader failed open until the
 * socket's next event (0.9.75 and 1.0.10 alike).
 */
void guard_cut(struct MHD_Connection *c);

/*
 * Until the request on c is done, check about twice a second that the
 * file fd still holds end bytes, and cut c when it no longer does: a
 * file response's sendfile(2) that comes up short would wait forever.
 * fd must stay open until then.
 */
void guard_watch_file(struct MHD_Connection *c, int fd, uint64_t end);

/* Uncork c's socket: what it holds goes now, and what follows at once. */
void guard_push(struct MHD_Connection *c);

/*
 * The request on c is complete: what the socket holds goes now, and a new
 * header is awaited.
 */
void guard_request_done(struct MHD_Connection *c);

#endif
