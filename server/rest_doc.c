/*
 * rest_doc: the Subsonic answer writer. XML is written by hand from the
 * tree (the API uses attributes and a few text elements only, so escaping
 * is the whole job); JSON by Jansson.
 */
#include "rest_doc.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "xml.h"

#define SERVER_VERSION PACKAGE_VERSION

/* A scalar's text: strings escaped, numbers and booleans as XSD says. */
static void
put_scalar(struct strbuf *o, const json_t *v)
{
	char num[64];
	int n = -1;

	switch (json_typeof(v)) {
	case JSON_STRING:
		xml_escape(o, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		n = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
			     json_integer_value(v));
		break;
	case JSON_REAL:
		n = snprintf(num, sizeof num, "%.10g", json_real_value(v));
		break;
	case JSON_TRUE:
		n = snprintf(num, sizeof num, "true");
		break;
	case JSON_FALSE:
		n = snprintf(num, sizeof num, "false");
		break;
	default:
		return;
	}
	if (n > 0 && (size_t)n < sizeof num)
		strbuf_add(o, num, (size_t)n);
}

static bool
is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v) && !json_is_null(v);
}

static void put_element(struct strbuf *o, const char *name, const json_t *v,
			const char *extra);

/* The attributes of object v, then ">" and its children, or "/>". */
static void
put_object_body(struct strbuf *o, const char *name, const json_t *v)
{
	const char *key;
	const json_t *m, *text = json_object_get(v, "value");
	bool children = text != NULL && is_scalar(text);

	json_object_foreach((json_t *)v, key, m)
	{
		if (!is_scalar(m) || strcmp(key, "value") == 0) {
			children |= !json_is_null(m) && strcmp(key, "value");
			continue;
		}
		strbuf_add(o, " ", 1);
		strbuf_str(o, key);
		strbuf_add(o, "=\"", 2);
		put_scalar(o, m);
		strbuf_add(o, "\"", 1);
	}
	if (!children) {
		strbuf_add(o, "/>", 2);
		return;
	}
	strbuf_add(o, ">", 1);
	if (text != NULL && is_scalar(text))
		put_scalar(o, text);
	json_object_foreach((json_t *)v, key, m)
	{
		size_t i;
		const json_t *item;

		if (json_is_object(m))
			put_element(o, key, m, NULL);
		else if (json_is_array(m))
			json_array_foreach(m, i, item)
				put_element(o, key, item, NULL);
	}
	strbuf_add(o, "</", 2);
	strbuf_str(o, name);
	strbuf_add(o, ">", 1);
}

/* <name extra ...>: an object as an element, a scalar as a text element. */
static void
put_element(struct strbuf *o, const char *name, const json_t *v,
	    const char *extra)
{
	strbuf_add(o, "<", 1);
	strbuf_str(o, name);
	if (extra != NULL)
		strbuf_str(o, extra);
	if (json_is_object(v)) {
		put_object_body(o, name, v);
		return;
	}
	strbuf_add(o, ">", 1);
	put_scalar(o, v);
	strbuf_add(o, "</", 2);
	strbuf_str(o, name);
	strbuf_add(o, ">", 1);
}

static char *
write_xml(const json_t *doc, size_t *len)
{
	struct strbuf o = STRBUF_INIT(REST_DOC_MAX);

	strbuf_str(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	put_element(&o, "subsonic-response", doc,
		    " xmlns=\"" REST_DOC_XMLNS "\"");
	strbuf_add(&o, "\n", 1);
	return strbuf_take(&o, len);
}

int
rest_doc_callback_ok(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0' ||
	    strnlen(name, REST_DOC_CALLBACK_MAX + 1) > REST_DOC_CALLBACK_MAX)
		return 0;
	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '$' ||
		      c == '.'))
			return 0;
	}
	return !(name[0] >= '0' && name[0] <= '9');
}

static char *
write_json(const json_t *doc, const char *callback, size_t *len)
{
	json_t *wrap = json_pack("{s:O}", "subsonic-response", doc);
	char *body = NULL;
	struct strbuf o = STRBUF_INIT(REST_DOC_MAX);

	if (wrap == NULL)
		return NULL;
	body = json_dumps(wrap, JSON_COMPACT);
	json_decref(wrap);
	if (body == NULL)
		return NULL;
	if (callback != NULL) {
		strbuf_str(&o, callback);
		strbuf_add(&o, "(", 1);
	}
	strbuf_str(&o, body);
	strbuf_add(&o, callback != NULL ? ");\n" : "\n",
		   callback != NULL ? 3 : 1);
	free(body);
	return strbuf_take(&o, len);
}

char *
rest_doc_write(const json_t *doc, enum rest_format format,
	       const char *callback, size_t *len, const char **type)
{
	if (format == REST_XML) {
		*type = "text/xml; charset=utf-8";
		return write_xml(doc, len);
	}
	if (format == REST_JSONP && rest_doc_callback_ok(callback)) {
		*type = "application/javascript; charset=utf-8";
		return write_json(doc, callback, len);
	}
	*type = "application/json; charset=utf-8";
	return write_json(doc, NULL, len);
}

json_t *
rest_doc_new(void)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b}", "status", "ok",
			 "version", REST_DOC_VERSION, "type", "as",
			 "serverVersion", SERVER_VERSION, "openSubsonic", 1);
}

json_t *
rest_doc_error(enum rest_error code, const char *message)
{
	json_t *doc = rest_doc_new();

	if (doc == NULL)
		return NULL;
	if (json_object_set_new(doc, "status", json_string("failed")) != 0 ||
	    json_object_set_new(doc, "error",
				json_pack("{s:i, s:s}", "code", (int)code,
					  "message", message)) != 0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}
