/*
 * notify: sd_notify messages (notify.h). libsystemd's sd_notify finds
 * NOTIFY_SOCKET itself and returns 0 without it, so a server run by hand
 * pays one getenv per message.
 */
#include "notify.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <systemd/sd-daemon.h>

#include "log.h"

/* Send msg; a failure is logged once at debug level, never fatal. */
static void
send_state(const char *msg)
{
	int rc = sd_notify(0, msg);

	if (rc < 0)
		log_debug("sd_notify: error %d", -rc);
}

void
notify_ready(size_t tracks)
{
	char msg[128];

	if (snprintf(msg, sizeof msg, "READY=1\nSTATUS=serving %zu tracks",
		     tracks) < 0)
		return;
	send_state(msg);
}

void
notify_reloading(void)
{
	struct timespec now;
	char msg[96];

	/* systemd 253 and later want the time the reload began */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (snprintf(msg, sizeof msg,
		     "RELOADING=1\nSTATUS=rescanning\nMONOTONIC_USEC=%" PRIu64,
		     (uint64_t)now.tv_sec * 1000000 +
			     (uint64_t)now.tv_nsec / 1000) < 0)
		return;
	send_state(msg);
}

void
notify_stopping(void)
{
	send_state("STOPPING=1\nSTATUS=stopping");
}

long
notify_watchdog_ms(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0)
		return 0;
	return usec / 2000 > 0 ? (long)(usec / 2000) : 1;
}

void
notify_watchdog(void)
{
	send_state("WATCHDOG=1");
}
