/*
 * rest_browse: the library as folders and as ID3 tags: getIndexes,
 * getMusicDirectory, getGenres, getArtists, getArtist, getAlbum, getSong.
 *
 * The folder view is the tag view too (artist, then album, then songs),
 * as Navidrome does: apps that browse by folder see the same tree.
 */
#include "rest.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IGNORED_ARTICLES "The El La Los Las Le Les"

struct entry {
	size_t artist;
	const char *key; /* the name past an ignored article */
	char letter;	 /* 'A'..'Z', or '#' */
};

/* name past a leading ignored article and a space. */
static const char *
sort_key(const char *name)
{
	static const char *const articles[] = {"The ", "El ", "La ", "Los ",
					       "Las ", "Le ", "Les "};
	size_t i, n;

	for (i = 0; i < sizeof articles / sizeof articles[0]; i++) {
		n = strlen(articles[i]);
		if (strncasecmp(name, articles[i], n) == 0 && name[n] != '\0')
			return name + n;
	}
	return name;
}

static int
by_letter_then_key(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->letter != y->letter)
		return x->letter < y->letter ? -1 : 1;
	return strcasecmp(x->key, y->key);
}

/* The artists grouped by initial into obj's "index" array. */
static int
put_index(struct rest_call *c, json_t *obj, bool id3)
{
	size_t n = c->cat->artist_count, i;
	struct entry *v = calloc(n + 1, sizeof *v);
	json_t *group = NULL;
	int r = -1;

	if (v == NULL)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	for (i = 0; i < n; i++) {
		char l = (char)toupper(
			(unsigned char)*sort_key(c->cat->artists[i].name));

		v[i].artist = i;
		v[i].key = sort_key(c->cat->artists[i].name);
		v[i].letter = l >= 'A' && l <= 'Z' ? l : '#';
	}
	qsort(v, n, sizeof *v, by_letter_then_key);
	if (rest_set(c, obj, "index", json_array()) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		char name[2] = {v[i].letter, '\0'};

		if (i == 0 || v[i].letter != v[i - 1].letter) {
			group = json_pack("{s:s, s:[]}", "name", name,
					  "artist");
			if (rest_append(c, obj, "index", group) != 0)
				goto out;
		}
		if (rest_append(c, group, "artist",
				id3 ? rest_artist_id3(c, v[i].artist)
				    : rest_artist(c, v[i].artist)) != 0)
			goto out;
	}
	r = 0;
out:
	free(v);
	return r;
}

static int64_t
last_modified(const struct catalog *cat)
{
	int64_t newest = 0;
	size_t i;

	for (i = 0; i < cat->album_count; i++)
		if (cat->albums[i].created_ns > newest)
			newest = cat->albums[i].created_ns;
	return newest / 1000000;
}

static int
get_indexes(struct rest_call *c)
{
	int64_t modified = last_modified(c->cat);
	json_t *o =
		json_pack("{s:I, s:s}", "lastModified", (json_int_t)modified,
			  "ignoredArticles", IGNORED_ARTICLES);
	long since = 0;

	if (rest_set(c, c->doc, "indexes", o) != 0 ||
	    rest_int(c, "ifModifiedSince", 0, LONG_MAX, 0, &since) != 0)
		return -1;
	if (since > 0 && since >= modified)
		return 0;
	return put_index(c, o, false);
}

static int
get_artists(struct rest_call *c)
{
	json_t *o = json_pack("{s:s}", "ignoredArticles", IGNORED_ARTICLES);

	if (rest_set(c, c->doc, "artists", o) != 0)
		return -1;
	return put_index(c, o, true);
}

/* Look id up as kind; on a miss, rest_fail(70) and -1. */
static long
find(struct rest_call *c, const char *id, enum store_kind want,
     const char *what)
{
	enum store_kind kind;
	long i;

	if (id == NULL)
		return -1;
	i = rest_lookup(c->cat, id, &kind);
	if (i < 0 || kind != want)
		return rest_fail(c, REST_ERR_NOT_FOUND,
				 "no %s with the ID '%.64s' (IDs come from "
				 "getArtists, search3...)",
				 what, id);
	return i;
}

static int
get_artist(struct rest_call *c)
{
	long i = find(c, rest_need(c, "id"), STORE_ARTIST, "artist");
	const struct catalog_artist *ar;
	json_t *o;
	size_t k;

	if (i < 0)
		return -1;
	ar = &c->cat->artists[i];
	o = rest_artist_id3(c, (size_t)i);
	if (rest_set(c, c->doc, "artist", o) != 0 ||
	    rest_set(c, o, "album", json_array()) != 0)
		return -1;
	for (k = 0; k < ar->album_count; k++)
		if (rest_append(c, o, "album",
				rest_album_id3(c, ar->albums[k])) != 0)
			return -1;
	return 0;
}

static int
get_album(struct rest_call *c)
{
	long i = find(c, rest_need(c, "id"), STORE_ALBUM, "album");
	const struct catalog_album *al;
	json_t *o;
	size_t k;

	if (i < 0)
		return -1;
	al = &c->cat->albums[i];
	o = rest_album_id3(c, (size_t)i);
	if (rest_set(c, c->doc, "album", o) != 0 ||
	    rest_set(c, o, "song", json_array()) != 0)
		return -1;
	for (k = 0; k < al->song_count; k++)
		if (rest_append(c, o, "song", rest_song(c, al->songs[k])) != 0)
			return -1;
	return 0;
}

static int
get_song(struct rest_call *c)
{
	long i = find(c, rest_need(c, "id"), STORE_SONG, "song");

	if (i < 0)
		return -1;
	return rest_set(c, c->doc, "song", rest_song(c, (size_t)i));
}

/* An artist as a folder of albums. */
static int
artist_directory(struct rest_call *c, size_t i)
{
	const struct catalog_artist *ar = &c->cat->artists[i];
	json_t *o = json_pack("{s:s, s:s, s:[]}", "id", ar->id, "name",
			      ar->name, "child");
	size_t k;

	if (rest_set(c, c->doc, "directory", o) != 0)
		return -1;
	for (k = 0; k < ar->album_count; k++)
		if (rest_append(c, o, "child",
				rest_album_child(c, ar->albums[k])) != 0)
			return -1;
	return 0;
}

/* An album as a folder of songs. */
static int
album_directory(struct rest_call *c, size_t i)
{
	const struct catalog_album *al = &c->cat->albums[i];
	json_t *o = json_pack("{s:s, s:s, s:s, s:[]}", "id", al->id, "parent",
			      c->cat->artists[al->artist].id, "name", al->name,
			      "child");
	size_t k;

	if (rest_set(c, c->doc, "directory", o) != 0)
		return -1;
	for (k = 0; k < al->song_count; k++)
		if (rest_append(c, o, "child", rest_song(c, al->songs[k])) !=
		    0)
			return -1;
	return 0;
}

static int
get_music_directory(struct rest_call *c)
{
	const char *id = rest_need(c, "id");
	enum store_kind kind;
	long i;

	if (id == NULL)
		return -1;
	i = rest_lookup(c->cat, id, &kind);
	if (i >= 0 && kind == STORE_ARTIST)
		return artist_directory(c, (size_t)i);
	if (i >= 0 && kind == STORE_ALBUM)
		return album_directory(c, (size_t)i);
	return rest_fail(c, REST_ERR_NOT_FOUND,
			 "no folder with the ID '%.64s' (folders are artists "
			 "and albums from getIndexes)",
			 id);
}

static int
get_genres(struct rest_call *c)
{
	json_t *o = json_pack("{s:[]}", "genre");
	size_t i;

	if (rest_set(c, c->doc, "genres", o) != 0)
		return -1;
	for (i = 0; i < c->cat->genre_count; i++) {
		const struct catalog_genre *g = &c->cat->genres[i];

		if (rest_append(c, o, "genre",
				json_pack("{s:s, s:I, s:I}", "value", g->name,
					  "songCount",
					  (json_int_t)g->song_count,
					  "albumCount",
					  (json_int_t)g->album_count)) != 0)
			return -1;
	}
	return 0;
}

const struct rest_method rest_browse_methods[] = {
	{"getIndexes", get_indexes, NULL},
	{"getMusicDirectory", get_music_directory, NULL},
	{"getGenres", get_genres, NULL},
	{"getArtists", get_artists, NULL},
	{"getArtist", get_artist, NULL},
	{"getAlbum", get_album, NULL},
	{"getSong", get_song, NULL},
	{NULL, NULL, NULL},
};
