/*
 * dlna_soap: the ContentDirectory and ConnectionManager actions
 * (dlna_soap.h).
 */
#include "dlna_soap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <upnp.h>
#include <upnptools.h>
/* libupnp's list.h ends with "#undef bool" (and true, false),
 * which takes stdbool.h's away */
#ifndef bool
#define bool _Bool
#endif

#include "dlna_desc.h"

/* A response argument: its name and value. */
struct soap_arg {
	const char *name, *value;
};

/*
 * Argument name of the action in req: the text of the first child
 * element of that (local) name; "" when it is empty, NULL when absent.
 */
static const char *
arg(IXML_Document *req, const char *name)
{
	IXML_Node *action, *n, *text;
	const char *local, *colon;

	if (req == NULL)
		return NULL;
	action = ixmlNode_getFirstChild((IXML_Node *)req);
	while (action != NULL && ixmlNode_getNodeType(action) != eELEMENT_NODE)
		action = ixmlNode_getNextSibling(action);
	if (action == NULL)
		return NULL;
	for (n = ixmlNode_getFirstChild(action); n != NULL;
	     n = ixmlNode_getNextSibling(n)) {
		if (ixmlNode_getNodeType(n) != eELEMENT_NODE)
			continue;
		local = ixmlNode_getNodeName(n);
		if (local == NULL)
			continue;
		colon = strchr(local, ':');
		if (strcmp(colon != NULL ? colon + 1 : local, name) != 0)
			continue;
		text = ixmlNode_getFirstChild(n);
		if (text == NULL || ixmlNode_getNodeType(text) != eTEXT_NODE)
			return "";
		local = ixmlNode_getNodeValue(text);
		return local != NULL ? local : "";
	}
	return NULL;
}

/* The response of action name of service type with args[0..n), n > 0. */
static int
respond(const char *name, const char *type, const struct soap_arg *args,
	size_t n, IXML_Document **resp, const char **cause)
{
	size_t i;

	*resp = NULL;
	for (i = 0; i < n; i++)
		if (UpnpAddToActionResponse(resp, name, type, args[i].name,
					    args[i].value) != UPNP_E_SUCCESS)
			break;
	if (i == n)
		return 0;
	if (*resp != NULL)
		ixmlDocument_free(*resp);
	*resp = NULL;
	*cause = "out of memory";
	return CDS_ERR_ACTION_FAILED;
}

static int
browse(IXML_Document *req, const struct dlna_soap_ctx *ctx,
       IXML_Document **resp, const char **cause)
{
	struct cds_browse b;
	struct cds_result r;
	char returned[16], total[16], update[16];
	int err;

	err = (int)dlna_cds_args(arg(req, "ObjectID"), arg(req, "BrowseFlag"),
				 arg(req, "StartingIndex"),
				 arg(req, "RequestedCount"), &b, cause);
	if (err != CDS_OK)
		return err;
	err = (int)dlna_cds_browse(ctx->catalog, &b, ctx->base, &r, cause);
	if (err != CDS_OK)
		return err;
	snprintf(returned, sizeof returned, "%" PRIu32, r.returned);
	snprintf(total, sizeof total, "%" PRIu32, r.total);
	snprintf(update, sizeof update, "%" PRIu32, ctx->update_id);
	err = respond("Browse", DLNA_CDS_TYPE,
		      (struct soap_arg[]){{"Result", r.didl},
					  {"NumberReturned", returned},
					  {"TotalMatches", total},
					  {"UpdateID", update}},
		      4, resp, cause);
	free(r.didl);
	return err;
}

static int
cds_action(const char *name, IXML_Document *req,
	   const struct dlna_soap_ctx *ctx, IXML_Document **resp,
	   const char **cause)
{
	char id[16];

	if (strcmp(name, "Browse") == 0)
		return browse(req, ctx, resp, cause);
	if (strcmp(name, "GetSystemUpdateID") == 0) {
		snprintf(id, sizeof id, "%" PRIu32, ctx->update_id);
		return respond(name, DLNA_CDS_TYPE,
			       (struct soap_arg[]){{"Id", id}}, 1, resp,
			       cause);
	}
	if (strcmp(name, "GetSearchCapabilities") == 0)
		return respond(name, DLNA_CDS_TYPE,
			       (struct soap_arg[]){{"SearchCaps", ""}}, 1,
			       resp, cause);
	if (strcmp(name, "GetSortCapabilities") == 0)
		return respond(name, DLNA_CDS_TYPE,
			       (struct soap_arg[]){{"SortCaps", ""}}, 1, resp,
			       cause);
	*cause = "no such action: ContentDirectory has Browse, "
		 "GetSystemUpdateID, GetSearchCapabilities and "
		 "GetSortCapabilities";
	return CDS_ERR_INVALID_ACTION;
}

/* What we serve, as GetProtocolInfo's Source says it. */
static const char source_info[] =
	"http-get:*:audio/mpeg:DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;DLNA.ORG_CI=0;"
	"DLNA.ORG_FLAGS=01700000000000000000000000000000,"
	"http-get:*:audio/flac:*,http-get:*:audio/ogg:*,"
	"http-get:*:audio/opus:*,http-get:*:audio/mp4:*,"
	"http-get:*:audio/wav:*";

static int
cm_action(const char *name, IXML_Document *req, IXML_Document **resp,
	  const char **cause)
{
	const char *id;

	if (strcmp(name, "GetProtocolInfo") == 0)
		return respond(name, DLNA_CM_TYPE,
			       (struct soap_arg[]){{"Source", source_info},
						   {"Sink", ""}},
			       2, resp, cause);
	if (strcmp(name, "GetCurrentConnectionIDs") == 0)
		return respond(name, DLNA_CM_TYPE,
			       (struct soap_arg[]){{"ConnectionIDs", "0"}}, 1,
			       resp, cause);
	if (strcmp(name, "GetCurrentConnectionInfo") == 0) {
		id = arg(req, "ConnectionID");
		if (id == NULL || strcmp(id, "0") != 0) {
			*cause = "ConnectionID: the only connection is 0";
			return 706; /* Invalid connection reference */
		}
		return respond(
			name, DLNA_CM_TYPE,
			(struct soap_arg[]){{"RcsID", "-1"},
					    {"AVTransportID", "-1"},
					    {"ProtocolInfo", ""},
					    {"PeerConnectionManager", ""},
					    {"PeerConnectionID", "-1"},
					    {"Direction", "Output"},
					    {"Status", "OK"}},
			7, resp, cause);
	}
	*cause = "no such action: ConnectionManager has GetProtocolInfo, "
		 "GetCurrentConnectionIDs and GetCurrentConnectionInfo";
	return CDS_ERR_INVALID_ACTION;
}

int
dlna_soap_action(const char *service_id, const char *name, IXML_Document *req,
		 const struct dlna_soap_ctx *ctx, IXML_Document **resp,
		 const char **cause)
{
	*resp = NULL;
	if (service_id == NULL || name == NULL) {
		*cause = "no service or action named";
		return CDS_ERR_INVALID_ACTION;
	}
	if (strcmp(service_id, DLNA_CDS_ID) == 0)
		return cds_action(name, req, ctx, resp, cause);
	if (strcmp(service_id, DLNA_CM_ID) == 0)
		return cm_action(name, req, resp, cause);
	*cause = "no such service";
	return CDS_ERR_INVALID_ACTION;
}
