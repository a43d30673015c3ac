/*
 * dlna_desc: the UPnP documents of our MediaServer:1: the device
 * description and the service descriptions (SCPD) of ContentDirectory:1
 * and ConnectionManager:1, and the device's UDN. Pure.
 */
#ifndef AS_DLNA_DESC_H
#define AS_DLNA_DESC_H

#include <stddef.h>

#define DLNA_UDN_LEN 42 /* "uuid:" + 36 + NUL */

#define DLNA_DEVICE_TYPE "urn:schemas-upnp-org:device:MediaServer:1"
#define DLNA_CDS_TYPE "urn:schemas-upnp-org:service:ContentDirectory:1"
#define DLNA_CDS_ID "urn:upnp-org:serviceId:ContentDirectory"
#define DLNA_CM_TYPE "urn:schemas-upnp-org:service:ConnectionManager:1"
#define DLNA_CM_ID "urn:upnp-org:serviceId:ConnectionManager"
/* Where the service descriptions are served (a virtual folder of the
 * UPnP stack's web server), and the control and event URLs. */
#define DLNA_SCPD_DIR "/scpd"
#define DLNA_CDS_SCPD "/scpd/cds.xml"
#define DLNA_CM_SCPD "/scpd/cm.xml"

extern const char dlna_desc_cds_scpd[];
extern const char dlna_desc_cm_scpd[];

/*
 * A UDN that stays the same for the same seed (the host name and the
 * library's real path): "uuid:" and a version 5 style UUID of its hash.
 */
void dlna_desc_udn(const char *seed, char out[DLNA_UDN_LEN]);

/*
 * The device description for friendly name name, udn and the
 * presentation URL (our HTTP server). Malloc'd (the caller frees), NULL
 * when out of memory.
 */
char *dlna_desc_device(const char *name, const char *udn,
		       const char *presentation_url);

#endif
