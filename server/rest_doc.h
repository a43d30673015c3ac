/*
 * rest_doc: one Subsonic answer, built once as a Jansson tree and written
 * out as XML (the API's default) or JSON (f=json, f=jsonp).
 *
 * The tree follows the API's own JSON form, which maps onto its XSD:
 * - a scalar member (string, integer, real, boolean) is an XML attribute;
 *   null members are left out;
 * - an object member is one child element named by its key;
 * - an array member is one child element per item, each named by the key
 *   (JSON keeps the array: repeated elements are always arrays there);
 *   a scalar item becomes an element whose text is the value;
 * - the member "value" of an object is that element's text.
 */
#ifndef AS_REST_DOC_H
#define AS_REST_DOC_H

#include <jansson.h>
#include <stddef.h>

#define REST_DOC_VERSION "1.16.1"
#define REST_DOC_XMLNS "http://subsonic.org/restapi"
#define REST_DOC_MAX (256 * 1024 * 1024) /* bytes of one answer */
#define REST_DOC_CALLBACK_MAX 64	 /* bytes of a JSONP callback name */

/* The API's error codes. */
enum rest_error {
	REST_ERR_GENERIC = 0,
	REST_ERR_MISSING = 10, /* a required parameter is missing */
	REST_ERR_CLIENT_OLD = 20,
	REST_ERR_SERVER_OLD = 30,
	REST_ERR_AUTH = 40,	 /* wrong username or password */
	REST_ERR_FORBIDDEN = 50, /* not authorized */
	REST_ERR_NOT_FOUND = 70,
};

enum rest_format {
	REST_XML,
	REST_JSON,
	REST_JSONP,
};

/*
 * A new answer with status="ok" and the attributes every answer carries
 * (version, type, serverVersion, openSubsonic). NULL on ENOMEM. The
 * caller adds members and json_decref's it.
 */
json_t *rest_doc_new(void);

/* A status="failed" answer holding <error code message>. NULL on ENOMEM. */
json_t *rest_doc_error(enum rest_error code, const char *message);

/*
 * Serialize doc as format: a malloc'd buffer (not NUL-terminated) and its
 * length in *len, with its MIME type in *type; NULL when out of memory or
 * past REST_DOC_MAX. callback is JSONP's function name (REST_JSONP only;
 * letters, digits, '_', '$', '.'; else JSON is written).
 */
char *rest_doc_write(const json_t *doc, enum rest_format format,
		     const char *callback, size_t *len, const char **type);

/* Is name usable as a JSONP callback? */
int rest_doc_callback_ok(const char *name);

#endif
