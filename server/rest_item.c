/*
 * rest_item: the API's objects (Child, AlbumID3, ArtistID3, Artist) for
 * the catalogue's songs, albums and artists, each with the caller's own
 * stars, rating and play count from the store.
 */
#include "rest.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "http.h"

/* Members whose value is unknown are left out, as the API wants. */
static void
put_str(json_t *o, const char *key, const char *s)
{
	if (s != NULL && s[0] != '\0')
		json_object_set_new(o, key, json_string(s));
}

static void
put_int(json_t *o, const char *key, json_int_t v)
{
	json_object_set_new(o, key, json_integer(v));
}

json_t *
rest_time(int64_t ms)
{
	time_t s = (time_t)(ms / 1000);
	char buf[64], out[80];
	struct tm tm;
	int n;

	if (ms < 0 || gmtime_r(&s, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return json_string("1970-01-01T00:00:00.000Z");
	n = snprintf(out, sizeof out, "%s.%03dZ", buf, (int)(ms % 1000));
	if (n < 0 || (size_t)n >= sizeof out)
		return NULL;
	return json_string(out);
}

void
rest_title(const struct track *t, char *buf, size_t cap)
{
	const char *base, *dot;
	size_t n;

	if (t->title != NULL && t->title[0] != '\0') {
		http_copy(buf, cap, t->title);
		return;
	}
	base = strrchr(t->path, '/');
	base = base != NULL ? base + 1 : t->path;
	dot = strrchr(base, '.');
	n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, base, n);
	buf[n] = '\0';
}

long
rest_lookup(const struct catalog *cat, const char *id, enum store_kind *kind)
{
	if (strncmp(id, "tr-", 3) == 0) {
		*kind = STORE_SONG;
		return catalog_song_index(cat, id);
	}
	if (strncmp(id, "al-", 3) == 0) {
		*kind = STORE_ALBUM;
		return catalog_album_index(cat, id);
	}
	if (strncmp(id, "ar-", 3) == 0) {
		*kind = STORE_ARTIST;
		return catalog_artist_index(cat, id);
	}
	return -1;
}

/* The caller's starred, userRating and (plays) playCount of id. */
static void
annotate(struct rest_call *c, json_t *o, const char *id, bool plays)
{
	struct store_annotation a;

	if (store_annotation(c->store, c->user, id, &a) == STORE_ERROR)
		return;
	if (a.starred != 0)
		json_object_set_new(o, "starred", rest_time(a.starred));
	if (a.rating > 0)
		put_int(o, "userRating", a.rating);
	if (plays)
		put_int(o, "playCount", (json_int_t)a.plays);
}

static const char *
suffix(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot != NULL && strchr(dot, '/') == NULL ? dot + 1 : NULL;
}

/* The file fields of a song: size, type, duration, bit rate, path. */
static void
put_file(json_t *o, const struct track *t)
{
	char ext[16];
	const char *sfx = suffix(t->path);
	size_t i;

	put_int(o, "size", (json_int_t)t->size);
	put_str(o, "contentType", t->type);
	if (sfx != NULL && strlen(sfx) < sizeof ext) {
		for (i = 0; sfx[i] != '\0'; i++)
			ext[i] = (char)(sfx[i] >= 'A' && sfx[i] <= 'Z'
						? sfx[i] + 32
						: sfx[i]);
		ext[i] = '\0';
		put_str(o, "suffix", ext);
	}
	if (t->duration >= 0) {
		put_int(o, "duration", (json_int_t)(t->duration + 0.5));
		if (t->duration >= 1)
			put_int(o, "bitRate",
				(json_int_t)((double)t->size * 8 /
						     t->duration / 1000 +
					     0.5));
	}
	put_str(o, "path", t->path);
}

json_t *
rest_song(struct rest_call *c, size_t i)
{
	const struct track *t = &c->cat->tracks[i];
	const struct catalog_song *s = &c->cat->songs[i];
	const struct catalog_album *al = &c->cat->albums[s->album];
	const struct catalog_artist *ar = &c->cat->artists[s->artist];
	json_t *o = json_object();
	char title[1024];

	if (o == NULL)
		return NULL;
	rest_title(t, title, sizeof title);
	put_str(o, "id", s->id);
	put_str(o, "parent", al->id);
	json_object_set_new(o, "isDir", json_false());
	put_str(o, "title", title);
	put_str(o, "album", al->name);
	put_str(o, "artist", t->artist != NULL ? t->artist : ar->name);
	if (t->number > 0)
		put_int(o, "track", t->number);
	if (t->year > 0)
		put_int(o, "year", t->year);
	put_str(o, "genre", t->genre);
	put_str(o, "coverArt", al->id);
	put_file(o, t);
	if (t->disc > 0)
		put_int(o, "discNumber", t->disc);
	json_object_set_new(o, "created", rest_time(t->mtime_ns / 1000000));
	put_str(o, "albumId", al->id);
	put_str(o, "artistId", ar->id);
	put_str(o, "type", "music");
	annotate(c, o, s->id, true);
	if (json_object_get(o, "title") == NULL)
		json_object_set_new(o, "title", json_string(s->id));
	return o;
}

json_t *
rest_album_id3(struct rest_call *c, size_t i)
{
	const struct catalog_album *al = &c->cat->albums[i];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put_str(o, "id", al->id);
	put_str(o, "name", al->name);
	put_str(o, "artist", al->artist_name);
	put_str(o, "artistId", c->cat->artists[al->artist].id);
	put_str(o, "coverArt", al->id);
	put_int(o, "songCount", (json_int_t)al->song_count);
	put_int(o, "duration", (json_int_t)(al->duration + 0.5));
	json_object_set_new(o, "created", rest_time(al->created_ns / 1000000));
	if (al->year > 0)
		put_int(o, "year", al->year);
	put_str(o, "genre", al->genre);
	annotate(c, o, al->id, true);
	json_object_del(o, "userRating"); /* AlbumID3 has none */
	return o;
}

json_t *
rest_album_child(struct rest_call *c, size_t i)
{
	const struct catalog_album *al = &c->cat->albums[i];
	const struct catalog_artist *ar = &c->cat->artists[al->artist];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put_str(o, "id", al->id);
	put_str(o, "parent", ar->id);
	json_object_set_new(o, "isDir", json_true());
	put_str(o, "title", al->name);
	put_str(o, "album", al->name);
	put_str(o, "artist", al->artist_name);
	if (al->year > 0)
		put_int(o, "year", al->year);
	put_str(o, "genre", al->genre);
	put_str(o, "coverArt", al->id);
	put_int(o, "duration", (json_int_t)(al->duration + 0.5));
	json_object_set_new(o, "created", rest_time(al->created_ns / 1000000));
	put_str(o, "albumId", al->id);
	put_str(o, "artistId", ar->id);
	annotate(c, o, al->id, true);
	return o;
}

json_t *
rest_artist_id3(struct rest_call *c, size_t i)
{
	const struct catalog_artist *ar = &c->cat->artists[i];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put_str(o, "id", ar->id);
	put_str(o, "name", ar->name);
	if (ar->album_count > 0)
		put_str(o, "coverArt", ar->id);
	put_int(o, "albumCount", (json_int_t)ar->album_count);
	annotate(c, o, ar->id, false);
	json_object_del(o, "userRating"); /* ArtistID3 has none */
	return o;
}

json_t *
rest_artist(struct rest_call *c, size_t i)
{
	const struct catalog_artist *ar = &c->cat->artists[i];
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	put_str(o, "id", ar->id);
	put_str(o, "name", ar->name);
	annotate(c, o, ar->id, false);
	return o;
}
