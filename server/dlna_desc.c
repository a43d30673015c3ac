/*
 * dlna_desc: the UPnP documents of our MediaServer:1 (dlna_desc.h).
 */
#include "dlna_desc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xml.h"

/* The service descriptions, as UPnP's ContentDirectory:1 and
 * ConnectionManager:1 templates require them (no optional action). */
const char dlna_desc_cds_scpd[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<scpd xmlns=\"urn:schemas-upnp-org:service-1-0\"><specVersion>"
	"<major>1</major><minor>0</minor></specVersion><actionList><action>"
	"<name>GetSearchCapabilities</name><argumentList><argument>"
	"<name>SearchCaps</name><direction>out</direction>"
	"<relatedStateVariable>SearchCapabilities</relatedStateVariable>"
	"</argument></argumentList></action><action><name>GetSortCapabilities"
	"</name><argumentList><argument><name>SortCaps</name><direction>out"
	"</direction><relatedStateVariable>SortCapabilities"
	"</relatedStateVariable></argument></argumentList></action><action>"
	"<name>GetSystemUpdateID</name><argumentList><argument><name>Id"
	"</name><direction>out</direction>"
	"<relatedStateVariable>SystemUpdateID</relatedStateVariable>"
	"</argument></argumentList></action><action><name>Browse</name>"
	"<argumentList><argument><name>ObjectID</name><direction>in"
	"</direction><relatedStateVariable>A_ARG_TYPE_ObjectID"
	"</relatedStateVariable></argument><argument><name>BrowseFlag</name>"
	"<direction>in</direction><relatedStateVariable>A_ARG_TYPE_BrowseFlag"
	"</relatedStateVariable></argument><argument><name>Filter</name>"
	"<direction>in</direction><relatedStateVariable>A_ARG_TYPE_Filter"
	"</relatedStateVariable></argument><argument><name>StartingIndex"
	"</name><direction>in</direction>"
	"<relatedStateVariable>A_ARG_TYPE_Index</relatedStateVariable>"
	"</argument><argument><name>RequestedCount</name><direction>in"
	"</direction><relatedStateVariable>A_ARG_TYPE_Count"
	"</relatedStateVariable></argument><argument><name>SortCriteria"
	"</name><direction>in</direction>"
	"<relatedStateVariable>A_ARG_TYPE_SortCriteria</relatedStateVariable>"
	"</argument><argument><name>Result</name><direction>out</direction>"
	"<relatedStateVariable>A_ARG_TYPE_Result</relatedStateVariable>"
	"</argument><argument><name>NumberReturned</name><direction>out"
	"</direction><relatedStateVariable>A_ARG_TYPE_Count"
	"</relatedStateVariable></argument><argument><name>TotalMatches"
	"</name><direction>out</direction>"
	"<relatedStateVariable>A_ARG_TYPE_Count</relatedStateVariable>"
	"</argument><argument><name>UpdateID</name><direction>out</direction>"
	"<relatedStateVariable>A_ARG_TYPE_UpdateID</relatedStateVariable>"
	"</argument></argumentList></action></actionList><serviceStateTable>"
	"<stateVariable sendEvents=\"no\"><name>SearchCapabilities</name>"
	"<dataType>string</dataType></stateVariable>"
	"<stateVariable sendEvents=\"no\"><name>SortCapabilities</name>"
	"<dataType>string</dataType></stateVariable>"
	"<stateVariable sendEvents=\"yes\"><name>SystemUpdateID</name>"
	"<dataType>ui4</dataType></stateVariable>"
	"<stateVariable sendEvents=\"no\"><name>A_ARG_TYPE_ObjectID</name>"
	"<dataType>string</dataType></stateVariable>"
	"<stateVariable sendEvents=\"no\"><name>A_ARG_TYPE_Result</name>"
	"<dataType>string</dataType></stateVariable>"
	"<stateVariable sendEvents=\"no\"><name>A_ARG_TYPE_BrowseFlag</name>"
	"<dataType>string</dataType><allowedValueList>"
	"<allowedValue>BrowseMetadata</allowedValue>"
	"<allowedValue>BrowseDirectChildren</allowedValue></allowedValueList>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_Filter</name><dataType>string</dataType>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_SortCriteria</name><dataType>string</dataType>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_Index</name><dataType>ui4</dataType>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_Count</name><dataType>ui4</dataType>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_UpdateID</name><dataType>ui4</dataType>"
	"</stateVariable></serviceStateTable></scpd>\n";

const char dlna_desc_cm_scpd[] =
	"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	"<scpd xmlns=\"urn:schemas-upnp-org:service-1-0\"><specVersion>"
	"<major>1</major><minor>0</minor></specVersion><actionList><action>"
	"<name>GetProtocolInfo</name><argumentList><argument><name>Source"
	"</name><direction>out</direction>"
	"<relatedStateVariable>SourceProtocolInfo</relatedStateVariable>"
	"</argument><argument><name>Sink</name><direction>out</direction>"
	"<relatedStateVariable>SinkProtocolInfo</relatedStateVariable>"
	"</argument></argumentList></action><action>"
	"<name>GetCurrentConnectionIDs</name><argumentList><argument>"
	"<name>ConnectionIDs</name><direction>out</direction>"
	"<relatedStateVariable>CurrentConnectionIDs</relatedStateVariable>"
	"</argument></argumentList></action><action>"
	"<name>GetCurrentConnectionInfo</name><argumentList><argument>"
	"<name>ConnectionID</name><direction>in</direction>"
	"<relatedStateVariable>A_ARG_TYPE_ConnectionID</relatedStateVariable>"
	"</argument><argument><name>RcsID</name><direction>out</direction>"
	"<relatedStateVariable>A_ARG_TYPE_RcsID</relatedStateVariable>"
	"</argument><argument><name>AVTransportID</name><direction>out"
	"</direction><relatedStateVariable>A_ARG_TYPE_AVTransportID"
	"</relatedStateVariable></argument><argument><name>ProtocolInfo"
	"</name><direction>out</direction>"
	"<relatedStateVariable>A_ARG_TYPE_ProtocolInfo</relatedStateVariable>"
	"</argument><argument><name>PeerConnectionManager</name>"
	"<direction>out</direction>"
	"<relatedStateVariable>A_ARG_TYPE_ConnectionManager"
	"</relatedStateVariable></argument><argument><name>PeerConnectionID"
	"</name><direction>out</direction>"
	"<relatedStateVariable>A_ARG_TYPE_ConnectionID</relatedStateVariable>"
	"</argument><argument><name>Direction</name><direction>out"
	"</direction><relatedStateVariable>A_ARG_TYPE_Direction"
	"</relatedStateVariable></argument><argument><name>Status</name>"
	"<direction>out</direction>"
	"<relatedStateVariable>A_ARG_TYPE_ConnectionStatus"
	"</relatedStateVariable></argument></argumentList></action>"
	"</actionList><serviceStateTable><stateVariable sendEvents=\"yes\">"
	"<name>SourceProtocolInfo</name><dataType>string</dataType>"
	"</stateVariable><stateVariable sendEvents=\"yes\">"
	"<name>SinkProtocolInfo</name><dataType>string</dataType>"
	"</stateVariable><stateVariable sendEvents=\"yes\">"
	"<name>CurrentConnectionIDs</name><dataType>string</dataType>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_ConnectionStatus</name><dataType>string</dataType>"
	"<allowedValueList><allowedValue>OK</allowedValue>"
	"<allowedValue>ContentFormatMismatch</allowedValue>"
	"<allowedValue>InsufficientBandwidth</allowedValue>"
	"<allowedValue>UnreliableChannel</allowedValue><allowedValue>Unknown"
	"</allowedValue></allowedValueList></stateVariable>"
	"<stateVariable sendEvents=\"no\"><name>A_ARG_TYPE_ConnectionManager"
	"</name><dataType>string</dataType></stateVariable>"
	"<stateVariable sendEvents=\"no\"><name>A_ARG_TYPE_Direction</name>"
	"<dataType>string</dataType><allowedValueList><allowedValue>Input"
	"</allowedValue><allowedValue>Output</allowedValue>"
	"</allowedValueList></stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_ProtocolInfo</name><dataType>string</dataType>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_ConnectionID</name><dataType>i4</dataType>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_AVTransportID</name><dataType>i4</dataType>"
	"</stateVariable><stateVariable sendEvents=\"no\">"
	"<name>A_ARG_TYPE_RcsID</name><dataType>i4</dataType></stateVariable>"
	"</serviceStateTable></scpd>\n";

static uint64_t
fnv1a(uint64_t h, const char *s)
{
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

void
dlna_desc_udn(const char *seed, char out[DLNA_UDN_LEN])
{
	uint64_t a = fnv1a(1469598103934665603ULL, seed);
	uint64_t b = fnv1a(a ^ 0x9e3779b97f4a7c15ULL, seed);

	/* version 5 and the RFC 4122 variant, as a name-based UUID has */
	a = (a & ~0xf000ULL) | 0x5000ULL;
	b = (b & ~(3ULL << 62)) | (2ULL << 62);
	snprintf(out, DLNA_UDN_LEN, "uuid:%08x-%04x-%04x-%04x-%04x%08x",
		 (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffffu,
		 (unsigned)a & 0xffffu, (unsigned)(b >> 48),
		 (unsigned)(b >> 32) & 0xffffu, (unsigned)b);
}

#define SERVICE(type, id, name)                                               \
	"<service><serviceType>" type "</serviceType><serviceId>" id          \
	"</serviceId><SCPDURL>" DLNA_SCPD_DIR "/" name                        \
	".xml</SCPDURL><controlURL>/ctl/" name "</controlURL>"                \
	"<eventSubURL>/evt/" name "</eventSubURL></service>"

char *
dlna_desc_device(const char *name, const char *udn,
		 const char *presentation_url)
{
	struct strbuf b = STRBUF_INIT(SIZE_MAX);
	size_t len;

	strbuf_str(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
		       "<root xmlns=\"urn:schemas-upnp-org:device-1-0\" "
		       "xmlns:dlna=\"urn:schemas-dlna-org:device-1-0\">"
		       "<specVersion><major>1</major><minor>0</minor>"
		       "</specVersion><device><deviceType>" DLNA_DEVICE_TYPE
		       "</deviceType><dlna:X_DLNADOC>DMS-1.50</dlna:X_DLNADOC>"
		       "<friendlyName>");
	xml_escape_str(&b, name);
	strbuf_str(&b, "</friendlyName><manufacturer>as</manufacturer>"
		       "<modelDescription>as music server</modelDescription>"
		       "<modelName>as_server</modelName>"
		       "<modelNumber>1</modelNumber><UDN>");
	xml_escape_str(&b, udn);
	strbuf_str(&b, "</UDN><presentationURL>");
	xml_escape_str(&b, presentation_url);
	strbuf_str(&b,
		   "</presentationURL><serviceList>" SERVICE(
			   DLNA_CDS_TYPE, DLNA_CDS_ID, "cds")
			   SERVICE(DLNA_CM_TYPE, DLNA_CM_ID,
				   "cm") "</serviceList></device></root>\n");
	return strbuf_take(&b, &len);
}
