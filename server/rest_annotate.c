/*
 * rest_annotate: star, unstar, setRating, scrobble: the caller's own marks
 * on songs, albums and artists, kept by the store under their IDs.
 */
#include "rest.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define MARKS_MAX 1000 /* IDs one star/unstar/scrobble call may carry */

/* The values of key into a malloc'd array; -1 after rest_fail. */
static int
values(struct rest_call *c, const char *key, const char ***out, size_t *n)
{
	size_t count = rest_param_count(c->params, key);

	*out = NULL;
	*n = 0;
	if (count > MARKS_MAX)
		return rest_fail(c, REST_ERR_GENERIC,
				 "too many %s values (at most %d)", key,
				 MARKS_MAX);
	*out = calloc(count + 1, sizeof **out);
	if (*out == NULL)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	*n = rest_param_all(c->params, key, *out, count);
	return 0;
}

/* Star or unstar every ID under key; each must name a catalogue entry. */
static int
mark(struct rest_call *c, const char *key, bool on, size_t *done)
{
	const char **ids;
	size_t n, i;
	int r = -1;

	if (values(c, key, &ids, &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		enum store_kind kind;

		if (rest_lookup(c->cat, ids[i], &kind) < 0) {
			rest_fail(c, REST_ERR_NOT_FOUND,
				  "no song, album or artist with the ID "
				  "'%.64s'",
				  ids[i]);
			goto out;
		}
		if (store_star(c->store, c->user, kind, ids[i], on,
			       c->now_ms) != STORE_OK) {
			rest_fail(c, REST_ERR_GENERIC,
				  "the state store failed (see the log)");
			goto out;
		}
	}
	*done += n;
	r = 0;
out:
	free(ids);
	return r;
}

static int
star_or_unstar(struct rest_call *c, bool on)
{
	size_t done = 0;

	if (mark(c, "id", on, &done) != 0 ||
	    mark(c, "albumId", on, &done) != 0 ||
	    mark(c, "artistId", on, &done) != 0)
		return -1;
	if (done == 0)
		return rest_fail(c, REST_ERR_MISSING,
				 "%s needs id, albumId or artistId",
				 on ? "star" : "unstar");
	return 0;
}

static int
star(struct rest_call *c)
{
	return star_or_unstar(c, true);
}

static int
unstar(struct rest_call *c)
{
	return star_or_unstar(c, false);
}

static int
set_rating(struct rest_call *c)
{
	const char *id = rest_need(c, "id");
	enum store_kind kind;
	long rating;

	if (id == NULL || rest_need(c, "rating") == NULL ||
	    rest_int(c, "rating", 0, 5, 0, &rating) != 0)
		return -1;
	if (rest_lookup(c->cat, id, &kind) < 0)
		return rest_fail(
			c, REST_ERR_NOT_FOUND,
			"no song, album or artist with the ID '%.64s'", id);
	if (store_rate(c->store, c->user, kind, id, (int)rating) != STORE_OK)
		return rest_fail(c, REST_ERR_GENERIC,
				 "the state store failed (see the log)");
	return 0;
}

/* Count one play of song k at when: the song, its album, its artist. */
static int
count_play(struct rest_call *c, size_t k, int64_t when)
{
	const struct catalog_song *s = &c->cat->songs[k];

	if (store_scrobble(c->store, c->user, STORE_SONG, s->id, when) !=
		    STORE_OK ||
	    store_scrobble(c->store, c->user, STORE_ALBUM,
			   c->cat->albums[s->album].id, when) != STORE_OK ||
	    store_scrobble(c->store, c->user, STORE_ARTIST,
			   c->cat->artists[s->artist].id, when) != STORE_OK)
		return rest_fail(c, REST_ERR_GENERIC,
				 "the state store failed (see the log)");
	return 0;
}

/* submission=false only says "now playing": nothing is counted. */
static int
scrobble(struct rest_call *c)
{
	const char **ids = NULL, **times = NULL;
	size_t n, nt, i;
	bool submission = true;
	int r = -1;

	if (rest_need(c, "id") == NULL || values(c, "id", &ids, &n) != 0 ||
	    values(c, "time", &times, &nt) != 0)
		goto out;
	if (rest_param_bool(c->params, "submission", &submission) < 0) {
		rest_fail(c, REST_ERR_GENERIC,
			  "submission must be true or false");
		goto out;
	}
	for (i = 0; i < n; i++) {
		long k = catalog_song_index(c->cat, ids[i]);
		uint64_t when = (uint64_t)c->now_ms;

		if (k < 0) {
			rest_fail(c, REST_ERR_NOT_FOUND,
				  "no song with the ID '%.64s'", ids[i]);
			goto out;
		}
		if (i < nt && (parse_u64_str(times[i], &when) != PARSE_OK ||
			       when > (uint64_t)INT64_MAX)) {
			rest_fail(c, REST_ERR_GENERIC,
				  "time must be milliseconds since 1970");
			goto out;
		}
		if (submission && count_play(c, (size_t)k, (int64_t)when) != 0)
			goto out;
	}
	r = 0;
out:
	free(ids);
	free(times);
	return r;
}

const struct rest_method rest_annotate_methods[] = {
	{"star", star, NULL},
	{"unstar", unstar, NULL},
	{"setRating", set_rating, NULL},
	{"scrobble", scrobble, NULL},
	{NULL, NULL, NULL},
};
