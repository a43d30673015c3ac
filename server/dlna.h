/*
 * dlna: the UPnP AV MediaServer:1 of --dlna (APPS.md, "UPnP AV / DLNA
 * media server") on libupnp: SSDP announcements and answers to searches,
 * the descriptions, the ContentDirectory and ConnectionManager actions
 * (dlna_soap.h over dlna_cds.h) and SystemUpdateID events when the
 * library changes. Items point at our own HTTP server's /stream and /art.
 *
 * libupnp runs its own threads (SSDP, its mini web server for the
 * descriptions and SOAP, a worker pool) beside ours; it is global to the
 * process, so there is one dlna at most.
 */
#ifndef AS_DLNA_H
#define AS_DLNA_H

#include "conf.h"
#include "library.h"

struct dlna;

/*
 * Start the media server for lib, named cfg->dlna_name (default "as on
 * <host name>"), on interface cfg->dlna_interface (default: the first
 * that is up and not loopback), with item URLs on port cfg->port of the
 * address libupnp chose. NULL with *cause (malloc'd, the caller frees)
 * saying why it could not start.
 */
struct dlna *dlna_start(const struct config *cfg, struct library *lib,
			char **cause);

/* Say ssdp:byebye, stop libupnp and free d (NULL: nothing). */
void dlna_stop(struct dlna *d);

#endif
