/*
 * notify: the server's state for its service manager (systemd's
 * sd_notify protocol through libsystemd): ready, reloading, stopping and
 * the watchdog's keep-alive. Every call does nothing when the server was
 * not started by one (no NOTIFY_SOCKET).
 */
#ifndef AS_NOTIFY_H
#define AS_NOTIFY_H

#include <stddef.h>

/* Serving: the first scan is done and the port is bound. */
void notify_ready(size_t tracks);

/* A rescan asked by SIGHUP began (notify_ready again when it ends). */
void notify_reloading(void);

/* Stopping on SIGTERM or SIGINT. */
void notify_stopping(void);

/*
 * How often to send the keep-alive, in ms: half the watchdog's timeout
 * (WATCHDOG_USEC), or 0 when there is no watchdog.
 */
long notify_watchdog_ms(void);

/* The keep-alive: call only once the server proved itself alive. */
void notify_watchdog(void);

#endif
