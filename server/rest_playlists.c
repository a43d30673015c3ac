/*
 * rest_playlists: getPlaylists, getPlaylist, createPlaylist,
 * updatePlaylist, deletePlaylist. A user sees their own playlists and the
 * public ones of others, and changes only their own. Entries whose song
 * left the library are kept in the store (it may come back) but not
 * shown; songIndexToRemove counts the entries shown.
 */
#include "rest.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* The playlist's visible entries: their catalogue indexes and the stored
 * positions they came from. */
struct shown {
	size_t *track;
	size_t *pos;
	size_t n;
	double duration;
};

static int
show(struct rest_call *c, const struct store_playlist *p, struct shown *s)
{
	size_t i;

	s->n = 0;
	s->duration = 0;
	s->track = calloc(p->entry_count + 1, sizeof *s->track);
	s->pos = calloc(p->entry_count + 1, sizeof *s->pos);
	if (s->track == NULL || s->pos == NULL)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	for (i = 0; i < p->entry_count; i++) {
		long k = catalog_song_index(c->cat, p->entries[i]);

		if (k < 0)
			continue;
		s->track[s->n] = (size_t)k;
		s->pos[s->n++] = i;
		if (c->cat->tracks[k].duration > 0)
			s->duration += c->cat->tracks[k].duration;
	}
	return 0;
}

static void
shown_free(struct shown *s)
{
	free(s->track);
	free(s->pos);
}

/* The API's Playlist for p (shown: its visible entries). */
static json_t *
playlist_object(const struct store_playlist *p, const struct shown *s)
{
	char id[32];
	json_t *o;

	if (snprintf(id, sizeof id, "%" PRId64, p->id) <= 0)
		return NULL;
	o = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I, s:o, s:o}", "id", id,
		      "name", p->name, "owner", p->owner, "public", p->public,
		      "songCount", (json_int_t)s->n, "duration",
		      (json_int_t)(s->duration + 0.5), "created",
		      rest_time(p->created), "changed", rest_time(p->changed));
	if (o != NULL && p->comment != NULL)
		json_object_set_new(o, "comment", json_string(p->comment));
	return o;
}

/* Parse the playlist ID parameter key; -1 after rest_fail. */
static int
playlist_id(struct rest_call *c, const char *key, int64_t *id)
{
	const char *s = rest_need(c, key);
	uint64_t v;

	if (s == NULL)
		return -1;
	if (parse_u64_str(s, &v) != PARSE_OK || v > INT64_MAX)
		return rest_fail(c, REST_ERR_NOT_FOUND,
				 "no playlist with the ID '%.32s' (IDs come "
				 "from getPlaylists)",
				 s);
	*id = (int64_t)v;
	return 0;
}

/*
 * Load playlist id into *p for the caller: mine true when they must own
 * it. -1 after rest_fail (70 not found, 50 not theirs).
 */
static int
load(struct rest_call *c, int64_t id, bool mine, struct store_playlist *p)
{
	enum store_result r = store_playlist_get(c->store, id, p);

	if (r == STORE_ERROR)
		return rest_fail(c, REST_ERR_GENERIC,
				 "the state store failed (see the log)");
	if (r == STORE_NOT_FOUND ||
	    (!p->public && strcmp(p->owner, c->user) != 0)) {
		store_playlist_clear(p);
		return rest_fail(c, REST_ERR_NOT_FOUND,
				 "no playlist %" PRId64 " for %s", id,
				 c->user);
	}
	if (mine && strcmp(p->owner, c->user) != 0) {
		store_playlist_clear(p);
		return rest_fail(
			c, REST_ERR_FORBIDDEN,
			"playlist %" PRId64 " belongs to another user", id);
	}
	return 0;
}

/* Set doc's "playlist" to playlist id with its entries. */
static int
answer_playlist(struct rest_call *c, int64_t id)
{
	struct store_playlist p;
	struct shown s = {0};
	json_t *o;
	size_t i;
	int r = -1;

	if (load(c, id, false, &p) != 0)
		return -1;
	if (show(c, &p, &s) != 0)
		goto out;
	o = playlist_object(&p, &s);
	if (rest_set(c, c->doc, "playlist", o) != 0 ||
	    rest_set(c, o, "entry", json_array()) != 0)
		goto out;
	for (i = 0; i < s.n; i++)
		if (rest_append(c, o, "entry", rest_song(c, s.track[i])) != 0)
			goto out;
	r = 0;
out:
	shown_free(&s);
	store_playlist_clear(&p);
	return r;
}

static int
get_playlist(struct rest_call *c)
{
	int64_t id;

	if (playlist_id(c, "id", &id) != 0)
		return -1;
	return answer_playlist(c, id);
}

static int
get_playlists(struct rest_call *c)
{
	struct store_playlist *v = NULL, p;
	json_t *o = json_pack("{s:[]}", "playlist");
	size_t n = 0, i;
	int r = -1;

	if (rest_set(c, c->doc, "playlists", o) != 0)
		return -1;
	if (store_playlists(c->store, c->user, &v, &n) != STORE_OK)
		return rest_fail(c, REST_ERR_GENERIC,
				 "the state store failed (see the log)");
	for (i = 0; i < n; i++) {
		struct shown s = {0};
		int bad;

		if (store_playlist_get(c->store, v[i].id, &p) != STORE_OK)
			continue;
		bad = show(c, &p, &s) != 0 ||
		      rest_append(c, o, "playlist", playlist_object(&p, &s));
		shown_free(&s);
		store_playlist_clear(&p);
		if (bad)
			goto out;
	}
	r = 0;
out:
	store_playlists_free(v, n);
	return r;
}

/*
 * The values of key (song IDs) into a malloc'd *ids, each checked
 * against the catalogue. -1 after rest_fail.
 */
static int
song_ids(struct rest_call *c, const char *key, const char ***ids, size_t *n)
{
	size_t count = rest_param_count(c->params, key), i;

	*ids = NULL;
	*n = 0;
	if (count > STORE_PLAYLIST_LEN_MAX)
		return rest_fail(c, REST_ERR_GENERIC,
				 "too many songs (at most %d)",
				 STORE_PLAYLIST_LEN_MAX);
	*ids = calloc(count + 1, sizeof **ids);
	if (*ids == NULL)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	*n = rest_param_all(c->params, key, *ids, count);
	for (i = 0; i < *n; i++)
		if (catalog_song_index(c->cat, (*ids)[i]) < 0)
			return rest_fail(c, REST_ERR_NOT_FOUND,
					 "no song with the ID '%.64s'",
					 (*ids)[i]);
	return 0;
}

static int
create_playlist(struct rest_call *c)
{
	const char *name = rest_param(c->params, "name");
	struct store_playlist_change ch = {.public = -1, .replace = true};
	struct store_playlist p;
	const char **ids = NULL;
	int64_t id;
	int r = -1;

	if (song_ids(c, "songId", &ids, &ch.add_count) != 0)
		goto out;
	ch.add = ids;
	if (rest_param(c->params, "playlistId") != NULL) {
		if (playlist_id(c, "playlistId", &id) != 0 ||
		    load(c, id, true, &p) != 0)
			goto out;
		store_playlist_clear(&p);
		ch.name = name;
	} else if (name == NULL) {
		rest_fail(c, REST_ERR_MISSING,
			  "createPlaylist needs name (a new playlist) or "
			  "playlistId (to replace its songs)");
		goto out;
	} else if (store_playlist_create(c->store, c->user, name, c->now_ms,
					 &id) != STORE_OK) {
		rest_fail(c, REST_ERR_GENERIC,
			  "cannot create the playlist (name too long?)");
		goto out;
	}
	if (store_playlist_update(c->store, id, &ch, c->now_ms) != STORE_OK) {
		rest_fail(c, REST_ERR_GENERIC, "cannot change the playlist");
		goto out;
	}
	r = answer_playlist(c, id);
out:
	free(ids);
	return r;
}

/* songIndexToRemove values (visible positions) as stored positions. */
static int
removals(struct rest_call *c, const struct shown *s, size_t **out, size_t *n)
{
	size_t count = rest_param_count(c->params, "songIndexToRemove"), i;
	const char **v = calloc(count + 1, sizeof *v);

	*out = calloc(count + 1, sizeof **out);
	*n = 0;
	if (v == NULL || *out == NULL) {
		free(v);
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	}
	count = rest_param_all(c->params, "songIndexToRemove", v, count);
	for (i = 0; i < count; i++) {
		uint64_t k;

		if (parse_u64_str(v[i], &k) != PARSE_OK || k >= s->n) {
			rest_fail(c, REST_ERR_GENERIC,
				  "songIndexToRemove '%.32s' is not an index "
				  "of the playlist (0 to %zu)",
				  v[i], s->n > 0 ? s->n - 1 : 0);
			free(v);
			return -1;
		}
		(*out)[(*n)++] = s->pos[k];
	}
	free(v);
	return 0;
}

static int
update_playlist(struct rest_call *c)
{
	struct store_playlist_change ch = {.public = -1};
	struct store_playlist p = {0};
	struct shown s = {0};
	const char **ids = NULL;
	size_t *drop = NULL;
	bool pub;
	int64_t id;
	int r = -1, b;

	if (playlist_id(c, "playlistId", &id) != 0 || load(c, id, true, &p))
		return -1;
	b = rest_param_bool(c->params, "public", &pub);
	if (b < 0) {
		rest_fail(c, REST_ERR_GENERIC, "public must be true or false");
		goto out;
	}
	ch.public = b == 0 ? pub : -1;
	ch.name = rest_param(c->params, "name");
	ch.comment = rest_param(c->params, "comment");
	if (show(c, &p, &s) != 0 ||
	    removals(c, &s, &drop, &ch.remove_count) != 0 ||
	    song_ids(c, "songIdToAdd", &ids, &ch.add_count) != 0)
		goto out;
	ch.remove = drop;
	ch.add = ids;
	if (store_playlist_update(c->store, id, &ch, c->now_ms) != STORE_OK) {
		rest_fail(c, REST_ERR_GENERIC, "cannot change the playlist");
		goto out;
	}
	r = 0;
out:
	free(ids);
	free(drop);
	shown_free(&s);
	store_playlist_clear(&p);
	return r;
}

static int
delete_playlist(struct rest_call *c)
{
	struct store_playlist p;
	int64_t id;

	if (playlist_id(c, "id", &id) != 0 || load(c, id, true, &p) != 0)
		return -1;
	store_playlist_clear(&p);
	if (store_playlist_delete(c->store, id) == STORE_ERROR)
		return rest_fail(c, REST_ERR_GENERIC,
				 "the state store failed (see the log)");
	return 0;
}

const struct rest_method rest_playlists_methods[] = {
	{"getPlaylists", get_playlists, NULL},
	{"getPlaylist", get_playlist, NULL},
	{"createPlaylist", create_playlist, NULL},
	{"updatePlaylist", update_playlist, NULL},
	{"deletePlaylist", delete_playlist, NULL},
	{NULL, NULL, NULL},
};
