/*
 * dlna_soap: the actions of our ContentDirectory:1 and ConnectionManager:1
 * over the UPnP stack's parsed SOAP requests (IXML documents from
 * libupnp). Untrusted input: any device on the network sends them.
 */
#ifndef AS_DLNA_SOAP_H
#define AS_DLNA_SOAP_H

#include <stdint.h>

#include <ixml.h>

#include "catalog.h"
#include "dlna_cds.h"

/* What an action may read. */
struct dlna_soap_ctx {
	const struct catalog *catalog; /* of the library's current table */
	uint32_t update_id;	       /* SystemUpdateID */
	const struct cds_base *base;   /* where item URLs point */
};

/*
 * Answer action name of service service_id (DLNA_CDS_ID or DLNA_CM_ID)
 * whose arguments are in req (the action element's document; may be
 * NULL). Returns 0 and *resp (free with ixmlDocument_free), or a UPnP
 * error code (enum cds_error) with *cause (static) saying what was wrong.
 */
int dlna_soap_action(const char *service_id, const char *name,
		     IXML_Document *req, const struct dlna_soap_ctx *ctx,
		     IXML_Document **resp, const char **cause);

#endif
