/*
 * tracklist: checked parsing of the server's JSON listing; see tracklist.h.
 */
#include "tracklist.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void
tracklist_free(struct tracklist *l)
{
	for (size_t i = 0; i < l->count; i++) {
		struct track *t = &l->tracks[i];

		free(t->path);
		free(t->title);
		free(t->artist);
		free(t->album);
		free(t->unsafe);
	}
	free(l->tracks);
	l->tracks = NULL;
	l->count = 0;
}

/* One path component: not empty, ".", ".." or longer than NAME_MAX. */
static int
tracklist_check_component(const char *c, size_t len, char **cause)
{
	if (len == 0)
		*cause = xstrdup("it has an empty component");
	else if ((len == 1 && c[0] == '.') ||
		 (len == 2 && c[0] == '.' && c[1] == '.'))
		*cause = xstrdup("it has a '.' or '..' component");
	else if (len > TRACKLIST_MAX_NAME)
		*cause = xstrdup("a component is longer than 255 bytes");
	else
		return 0;
	return -1;
}

int
tracklist_check_path(const char *path, char **cause)
{
	size_t len = strlen(path);

	*cause = NULL;
	if (len == 0 || len > TRACKLIST_MAX_STRING) {
		*cause = xstrdup("it is empty or too long");
		return -1;
	}
	if (path[0] == '/') {
		*cause = xstrdup("it is absolute");
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)path[i];

		if (ch < 0x20 || ch == 0x7f) {
			*cause = xstrdup("it has a control character");
			return -1;
		}
	}
	for (const char *p = path;;) {
		size_t clen = strcspn(p, "/");

		if (tracklist_check_component(p, clen, cause) < 0)
			return -1;
		if (p[clen] == '\0')
			return 0;
		p += clen + 1;
	}
}

/*
 * A string member, or NULL when it is null and nullable. -1 with *cause set
 * for a wrong type, an embedded NUL or a string past TRACKLIST_MAX_STRING.
 */
static int
tracklist_string(json_t *obj, const char *key, bool nullable, char **out,
		 char **cause)
{
	json_t *v = json_object_get(obj, key);
	size_t len;

	*out = NULL;
	if (v == NULL) {
		*cause = xasprintf("missing key \"%s\"", key);
		return -1;
	}
	if (json_is_null(v) && nullable)
		return 0;
	if (!json_is_string(v)) {
		*cause = xasprintf("\"%s\" is not a string", key);
		return -1;
	}
	len = json_string_length(v);
	if (len != strlen(json_string_value(v))) {
		*cause = xasprintf("\"%s\" contains a NUL byte", key);
		return -1;
	}
	if (len > TRACKLIST_MAX_STRING) {
		*cause = xasprintf("\"%s\" is longer than %d bytes", key,
				   TRACKLIST_MAX_STRING);
		return -1;
	}
	*out = xstrndup(json_string_value(v), len);
	return 0;
}

/* A non-negative integer member; -1 with *cause set otherwise. */
static int
tracklist_uint(json_t *obj, const char *key, uint64_t *out, char **cause)
{
	json_t *v = json_object_get(obj, key);

	if (v == NULL) {
		*cause = xasprintf("missing key \"%s\"", key);
		return -1;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		*cause =
			xasprintf("\"%s\" is not a non-negative integer", key);
		return -1;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* "duration": a finite number >= 0, or null (stored as -1). */
static int
tracklist_duration(json_t *obj, double *out, char **cause)
{
	json_t *v = json_object_get(obj, "duration");

	*out = -1;
	if (v == NULL) {
		*cause = xstrdup("missing key \"duration\"");
		return -1;
	}
	if (json_is_null(v))
		return 0;
	if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
	    json_number_value(v) < 0) {
		*cause = xstrdup("\"duration\" is not a non-negative number");
		return -1;
	}
	*out = json_number_value(v);
	return 0;
}

/* Keys that must be present whatever their value ("type", "mtime"). */
static int
tracklist_other_keys(json_t *obj, char **cause)
{
	char *s = NULL;

	if (tracklist_string(obj, "type", true, &s, cause) < 0)
		return -1;
	free(s);
	if (tracklist_string(obj, "mtime", true, &s, cause) < 0)
		return -1;
	free(s);
	return 0;
}

/* Fill t from the i-th element; -1 with *cause set (t may be partial). */
static int
tracklist_track(json_t *obj, size_t i, struct track *t, char **cause)
{
	char *why = NULL;

	if (!json_is_object(obj)) {
		*cause = xstrdup("not an object");
		return -1;
	}
	if (tracklist_uint(obj, "index", &t->index, cause) < 0)
		return -1;
	if (t->index != i) {
		*cause = xasprintf("\"index\" is %llu at position %zu",
				   (unsigned long long)t->index, i);
		return -1;
	}
	if (tracklist_string(obj, "path", false, &t->path, cause) < 0 ||
	    tracklist_uint(obj, "size", &t->size, cause) < 0 ||
	    tracklist_duration(obj, &t->duration, cause) < 0 ||
	    tracklist_string(obj, "title", true, &t->title, cause) < 0 ||
	    tracklist_string(obj, "artist", true, &t->artist, cause) < 0 ||
	    tracklist_string(obj, "album", true, &t->album, cause) < 0 ||
	    tracklist_other_keys(obj, cause) < 0)
		return -1;
	if (tracklist_check_path(t->path, &why) < 0)
		t->unsafe = why;
	return 0;
}

/* Check the top-level object; sets *tracks and *count. */
static int
tracklist_top(json_t *root, json_t **tracks, size_t *count, char **cause)
{
	json_t *c;

	if (!json_is_object(root)) {
		*cause = xstrdup("the listing is not a JSON object");
		return -1;
	}
	c = json_object_get(root, "count");
	*tracks = json_object_get(root, "tracks");
	if (c == NULL || !json_is_integer(c) || json_integer_value(c) < 0 ||
	    *tracks == NULL || !json_is_array(*tracks)) {
		*cause = xstrdup("the listing lacks an integer \"count\" and "
				 "a \"tracks\" array");
		return -1;
	}
	if (json_integer_value(c) > TRACKLIST_MAX_TRACKS ||
	    (size_t)json_integer_value(c) != json_array_size(*tracks)) {
		*cause = xasprintf("the listing's count (%lld) is past %d or "
				   "differs from its %zu tracks",
				   (long long)json_integer_value(c),
				   TRACKLIST_MAX_TRACKS,
				   json_array_size(*tracks));
		return -1;
	}
	*count = json_array_size(*tracks);
	return 0;
}

int
tracklist_parse(const char *json, size_t len, struct tracklist *out,
		char **cause)
{
	json_error_t jerr;
	json_t *root = NULL, *tracks;
	char *why = NULL;
	size_t count;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	*cause = NULL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		*cause = xasprintf("the listing is not valid JSON: %s (line "
				   "%d)",
				   jerr.text, jerr.line);
		goto out;
	}
	if (tracklist_top(root, &tracks, &count, cause) < 0)
		goto out;
	out->tracks = xcalloc(count, sizeof(*out->tracks));
	for (size_t i = 0; i < count; i++) {
		out->count = i + 1;
		if (tracklist_track(json_array_get(tracks, i), i,
				    &out->tracks[i], &why) < 0) {
			*cause = xasprintf("track %zu of the listing: %s", i,
					   why);
			goto out;
		}
	}
	rc = 0;
out:
	free(why);
	if (rc < 0)
		tracklist_free(out);
	json_decref(root);
	return rc;
}

char *
tracklist_printable(const char *s)
{
	char *out = xstrdup(s);

	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return out;
}
