/*
 * guard: polices connections. It drops those whose request header has not
 * fully arrived within the header timeout, however slowly it trickles
 * (slowloris; libmicrohttpd's idle timeout alone cannot see that), and
 * under many connections gives each socket a share of a send-buffer
 * budget.
 */
#ifndef AS_GUARD_H
#define AS_GUARD_H

#include <microhttpd.h>

/* Start the watchdog thread; limit in seconds. 0, or -1. */
int guard_start(unsigned limit);

/* Stop it (after MHD_stop_daemon). */
void guard_stop(void);

/* MHD_OPTION_NOTIFY_CONNECTION callback: track every connection. */
void guard_notify(void *cls, struct MHD_Connection *c, void **socket_ctx,
		  enum MHD_ConnectionNotificationCode code);

/* The header of the current request on c has arrived. */
void guard_header_done(struct MHD_Connection *c);

/* The request on c is complete: a new header is awaited from now on. */
void guard_request_done(struct MHD_Connection *c);

#endif
