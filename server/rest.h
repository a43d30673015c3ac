/*
 * rest: the Subsonic API (/rest/<method>, /rest/<method>.view), shared by
 * the files that implement its methods (rest_system.c, rest_browse.c,
 * rest_lists.c, rest_search.c, rest_playlists.c, rest_annotate.c,
 * rest_media.c) and the dispatcher (rest.c, the route).
 *
 * A method reads its parameters from the call, fills the call's answer
 * (doc, in the API's JSON shape: rest_doc.h) and returns 0, or returns
 * rest_fail(...) with the API's error code and a message that says what
 * was wrong and what would be right. Media methods answer with a file
 * instead and return libmicrohttpd's verdict.
 */
#ifndef AS_REST_H
#define AS_REST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <microhttpd.h>

#include "catalog.h"
#include "library.h"
#include "rest_doc.h"
#include "rest_query.h"
#include "route.h"
#include "store.h"

#define REST_MESSAGE_MAX 256 /* bytes of an error message */
#define REST_PAGE_MAX 10000  /* items one list or search page holds */
#define REST_MUSIC_FOLDER 1  /* the one music folder's ID */

/* One request to the API, from its authentication to its answer. */
struct rest_call {
	struct request *rq;
	const struct rest_params *params;
	const char *user; /* authenticated */
	const struct library_snap *snap;
	const struct catalog *cat; /* snap's */
	struct store *store;
	json_t *doc;	     /* the answer, status="ok" */
	enum rest_error err; /* set by rest_fail */
	char msg[REST_MESSAGE_MAX];
	int64_t now_ms;
};

typedef int (*rest_fn)(struct rest_call *c);
typedef enum MHD_Result (*rest_media_fn)(struct rest_call *c);

struct rest_method {
	const char *name;
	rest_fn fn;	     /* builds doc, or */
	rest_media_fn media; /* answers with a file (errors as doc) */
};

/* Each method file's table, ended by a NULL name. */
extern const struct rest_method rest_system_methods[];
extern const struct rest_method rest_browse_methods[];
extern const struct rest_method rest_lists_methods[];
extern const struct rest_method rest_search_methods[];
extern const struct rest_method rest_playlists_methods[];
extern const struct rest_method rest_annotate_methods[];
extern const struct rest_method rest_media_methods[];

/* Record the API error code and message; returns -1. */
int rest_fail(struct rest_call *c, enum rest_error code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Send the call's answer: its document, or its error when rest_fail was
 * called (HTTP 200 either way, as the API wants).
 */
enum MHD_Result rest_reply(struct rest_call *c);

/* Parameter key's value, or NULL after rest_fail(10, "... key ..."). */
const char *rest_need(struct rest_call *c, const char *key);

/*
 * Integer parameter key within [min, max], def when absent; -1 after
 * rest_fail(0) when it is not such a number, else 0.
 */
int rest_int(struct rest_call *c, const char *key, long min, long max,
	     long def, long *out);

/* Add member key = v (stolen) to obj; -1 (after rest_fail) on ENOMEM. */
int rest_set(struct rest_call *c, json_t *obj, const char *key, json_t *v);

/* Append v (stolen) to the array obj[key], created when missing. */
int rest_append(struct rest_call *c, json_t *obj, const char *key, json_t *v);

/* rest_item.c: the API's objects for catalogue entries. NULL on ENOMEM. */
json_t *rest_song(struct rest_call *c, size_t track);
json_t *rest_album_id3(struct rest_call *c, size_t album);
json_t *rest_album_child(struct rest_call *c, size_t album);
json_t *rest_artist_id3(struct rest_call *c, size_t artist);
json_t *rest_artist(struct rest_call *c, size_t artist);

/* An xs:dateTime ("2026-12-06T07:00:00.000Z") for ms since the epoch. */
json_t *rest_time(int64_t ms);

/* The track's title: its tag, else its file name without extension. */
void rest_title(const struct track *t, char *buf, size_t cap);

/* Which catalogue entry an ID names: its kind and index; -1: none. */
long rest_lookup(const struct catalog *cat, const char *id,
		 enum store_kind *kind);

#endif
