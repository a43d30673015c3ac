/*
 * rest_lists: albums and songs in the orders apps ask for:
 * getAlbumList(2) (random, newest, frequent, recent, starred,
 * alphabeticalByName, alphabeticalByArtist, byYear, byGenre),
 * getRandomSongs, getSongsByGenre, getStarred(2).
 */
#include "rest.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define LIST_SIZE_MAX 500 /* the API's cap on size / count */
#define YEAR_MAX 9999

/* A list of catalogue indexes being built. */
struct picks {
	size_t *v;
	size_t n;
};

static uint64_t
seed(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_nsec * 6364136223846793005ULL +
	       (uint64_t)ts.tv_sec + 1442695040888963407ULL;
}

/* Shuffle p in place (xorshift64*; not for secrets). */
static void
shuffle(struct picks *p)
{
	uint64_t x = seed() | 1;
	size_t i;

	for (i = p->n; i > 1; i--) {
		size_t j, t;

		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		j = (size_t)((x * 2685821657736338717ULL) % i);
		t = p->v[i - 1];
		p->v[i - 1] = p->v[j];
		p->v[j] = t;
	}
}

static int
by_artist(const void *a, const void *b, void *cat)
{
	const struct catalog_album *albums =
		((const struct catalog *)cat)->albums;
	const struct catalog_album *x = &albums[*(const size_t *)a];
	const struct catalog_album *y = &albums[*(const size_t *)b];
	int d = strcasecmp(x->artist_name, y->artist_name);

	return d != 0 ? d : strcasecmp(x->name, y->name);
}

static int
by_newest(const void *a, const void *b, void *cat)
{
	const struct catalog_album *albums =
		((const struct catalog *)cat)->albums;
	const struct catalog_album *x = &albums[*(const size_t *)a];
	const struct catalog_album *y = &albums[*(const size_t *)b];

	if (x->created_ns != y->created_ns)
		return x->created_ns > y->created_ns ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

static int
by_year(const void *a, const void *b, void *cat)
{
	const struct catalog_album *albums =
		((const struct catalog *)cat)->albums;
	const struct catalog_album *x = &albums[*(const size_t *)a];
	const struct catalog_album *y = &albums[*(const size_t *)b];

	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return strcasecmp(x->name, y->name);
}

static void
sort_albums(const struct catalog *cat, struct picks *p,
	    int (*cmp)(const void *, const void *, void *))
{
	qsort_r(p->v, p->n, sizeof *p->v, cmp, (void *)cat);
}

static void
reverse(struct picks *p)
{
	size_t i;

	for (i = 0; i < p->n / 2; i++) {
		size_t t = p->v[i];

		p->v[i] = p->v[p->n - 1 - i];
		p->v[p->n - 1 - i] = t;
	}
}

/* Albums whose year is within [from, to] (either order), sorted so. */
static int
pick_years(struct rest_call *c, struct picks *p)
{
	long from, to;
	size_t i;

	if (rest_need(c, "fromYear") == NULL ||
	    rest_need(c, "toYear") == NULL ||
	    rest_int(c, "fromYear", 0, YEAR_MAX, 0, &from) != 0 ||
	    rest_int(c, "toYear", 0, YEAR_MAX, 0, &to) != 0)
		return -1;
	for (i = 0; i < c->cat->album_count; i++) {
		int y = c->cat->albums[i].year;

		if ((y >= from && y <= to) || (y >= to && y <= from))
			p->v[p->n++] = i;
	}
	sort_albums(c->cat, p, by_year);
	if (from > to)
		reverse(p);
	return 0;
}

static int
pick_genre(struct rest_call *c, struct picks *p)
{
	const char *genre = rest_need(c, "genre");
	size_t i;

	if (genre == NULL)
		return -1;
	for (i = 0; i < c->cat->album_count; i++) {
		const char *g = c->cat->albums[i].genre;

		if (g != NULL && strcasecmp(g, genre) == 0)
			p->v[p->n++] = i;
	}
	return 0;
}

/* Albums from the store's annotations in order (frequent, recent...). */
static int
pick_annotated(struct rest_call *c, struct picks *p, enum store_order order,
	       size_t limit)
{
	struct store_annotation *a = NULL;
	size_t n = 0, i;

	if (store_annotations(c->store, c->user, STORE_ALBUM, order, 0, limit,
			      &a, &n) != STORE_OK)
		return rest_fail(c, REST_ERR_GENERIC,
				 "the state store failed (see the log)");
	for (i = 0; i < n; i++) {
		long k = catalog_album_index(c->cat, a[i].id);

		if (k >= 0)
			p->v[p->n++] = (size_t)k;
	}
	free(a);
	return 0;
}

static int
pick_all(struct rest_call *c, struct picks *p)
{
	size_t i;

	for (i = 0; i < c->cat->album_count; i++)
		p->v[p->n++] = i;
	return 0;
}

/* The albums of list type, in its order, into p (room for every album). */
static int
pick_albums(struct rest_call *c, const char *type, size_t need,
	    struct picks *p)
{
	if (strcmp(type, "alphabeticalByName") == 0)
		return pick_all(c, p);
	if (strcmp(type, "alphabeticalByArtist") == 0) {
		pick_all(c, p);
		sort_albums(c->cat, p, by_artist);
		return 0;
	}
	if (strcmp(type, "newest") == 0) {
		pick_all(c, p);
		sort_albums(c->cat, p, by_newest);
		return 0;
	}
	if (strcmp(type, "random") == 0) {
		pick_all(c, p);
		shuffle(p);
		return 0;
	}
	if (strcmp(type, "byYear") == 0)
		return pick_years(c, p);
	if (strcmp(type, "byGenre") == 0)
		return pick_genre(c, p);
	if (strcmp(type, "frequent") == 0)
		return pick_annotated(c, p, STORE_BY_PLAYS, need);
	if (strcmp(type, "recent") == 0)
		return pick_annotated(c, p, STORE_BY_PLAYED, need);
	if (strcmp(type, "starred") == 0)
		return pick_annotated(c, p, STORE_BY_STARRED, need);
	return rest_fail(c, REST_ERR_GENERIC,
			 "unknown list type '%.32s' (want random, newest, "
			 "frequent, recent, starred, alphabeticalByName, "
			 "alphabeticalByArtist, byYear or byGenre)",
			 type);
}

static int
album_list(struct rest_call *c, bool id3)
{
	const char *type = rest_need(c, "type");
	struct picks p = {0};
	long size, offset;
	json_t *o = json_pack("{s:[]}", "album");
	size_t i;
	int r = -1;

	if (rest_set(c, c->doc, id3 ? "albumList2" : "albumList", o) != 0 ||
	    type == NULL ||
	    rest_int(c, "size", 0, LIST_SIZE_MAX, 10, &size) != 0 ||
	    rest_int(c, "offset", 0, LONG_MAX, 0, &offset) != 0)
		return -1;
	p.v = calloc(c->cat->album_count + 1, sizeof *p.v);
	if (p.v == NULL)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	if (pick_albums(c, type, (size_t)offset + (size_t)size, &p) != 0)
		goto out;
	for (i = (size_t)offset; i < p.n && i < (size_t)(offset + size); i++)
		if (rest_append(c, o, "album",
				id3 ? rest_album_id3(c, p.v[i])
				    : rest_album_child(c, p.v[i])) != 0)
			goto out;
	r = 0;
out:
	free(p.v);
	return r;
}

static int
get_album_list(struct rest_call *c)
{
	return album_list(c, false);
}

static int
get_album_list2(struct rest_call *c)
{
	return album_list(c, true);
}

/* Does track t pass getRandomSongs' filters? */
static bool
song_passes(const struct track *t, const char *genre, long from, long to)
{
	if (genre != NULL &&
	    (t->genre == NULL || strcasecmp(t->genre, genre) != 0))
		return false;
	if (from > 0 && t->year < from)
		return false;
	return to <= 0 || (t->year > 0 && t->year <= to);
}

static int
get_random_songs(struct rest_call *c)
{
	const char *genre = rest_param(c->params, "genre");
	json_t *o = json_pack("{s:[]}", "song");
	struct picks p = {0};
	long size, from, to;
	size_t i;
	int r = -1;

	if (rest_set(c, c->doc, "randomSongs", o) != 0 ||
	    rest_int(c, "size", 0, LIST_SIZE_MAX, 10, &size) != 0 ||
	    rest_int(c, "fromYear", 0, YEAR_MAX, 0, &from) != 0 ||
	    rest_int(c, "toYear", 0, YEAR_MAX, 0, &to) != 0)
		return -1;
	p.v = calloc(c->cat->track_count + 1, sizeof *p.v);
	if (p.v == NULL)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	for (i = 0; i < c->cat->track_count; i++)
		if (song_passes(&c->cat->tracks[i], genre, from, to))
			p.v[p.n++] = i;
	shuffle(&p);
	for (i = 0; i < p.n && i < (size_t)size; i++)
		if (rest_append(c, o, "song", rest_song(c, p.v[i])) != 0)
			goto out;
	r = 0;
out:
	free(p.v);
	return r;
}

static int
get_songs_by_genre(struct rest_call *c)
{
	const char *genre = rest_need(c, "genre");
	json_t *o = json_pack("{s:[]}", "song");
	long count, offset, seen = 0;
	size_t i;

	if (genre == NULL || rest_set(c, c->doc, "songsByGenre", o) != 0 ||
	    rest_int(c, "count", 0, LIST_SIZE_MAX, 10, &count) != 0 ||
	    rest_int(c, "offset", 0, LONG_MAX, 0, &offset) != 0)
		return -1;
	for (i = 0; i < c->cat->track_count && seen < offset + count; i++) {
		const struct track *t = &c->cat->tracks[i];

		if (t->genre == NULL || strcasecmp(t->genre, genre) != 0 ||
		    seen++ < offset)
			continue;
		if (rest_append(c, o, "song", rest_song(c, i)) != 0)
			return -1;
	}
	return 0;
}

/* The caller's starred items of kind, as the API's objects, into o. */
static int
put_starred(struct rest_call *c, json_t *o, enum store_kind kind, bool id3)
{
	static const char *const keys[] = {"song", "album", "artist"};
	struct store_annotation *a = NULL;
	size_t n = 0, i;
	int r = 0;

	if (store_annotations(c->store, c->user, kind, STORE_BY_STARRED, 0,
			      REST_PAGE_MAX, &a, &n) != STORE_OK)
		return rest_fail(c, REST_ERR_GENERIC,
				 "the state store failed (see the log)");
	for (i = 0; i < n && r == 0; i++) {
		enum store_kind k;
		long x = rest_lookup(c->cat, a[i].id, &k);
		json_t *v;

		if (x < 0 || k != kind)
			continue; /* gone from the library */
		if (kind == STORE_SONG)
			v = rest_song(c, (size_t)x);
		else if (kind == STORE_ALBUM)
			v = id3 ? rest_album_id3(c, (size_t)x)
				: rest_album_child(c, (size_t)x);
		else
			v = id3 ? rest_artist_id3(c, (size_t)x)
				: rest_artist(c, (size_t)x);
		r = rest_append(c, o, keys[kind], v);
	}
	free(a);
	return r;
}

static int
starred(struct rest_call *c, bool id3)
{
	json_t *o = json_pack("{s:[], s:[], s:[]}", "artist", "album", "song");

	if (rest_set(c, c->doc, id3 ? "starred2" : "starred", o) != 0 ||
	    put_starred(c, o, STORE_ARTIST, id3) != 0 ||
	    put_starred(c, o, STORE_ALBUM, id3) != 0)
		return -1;
	return put_starred(c, o, STORE_SONG, id3);
}

static int
get_starred(struct rest_call *c)
{
	return starred(c, false);
}

static int
get_starred2(struct rest_call *c)
{
	return starred(c, true);
}

const struct rest_method rest_lists_methods[] = {
	{"getAlbumList", get_album_list, NULL},
	{"getAlbumList2", get_album_list2, NULL},
	{"getRandomSongs", get_random_songs, NULL},
	{"getSongsByGenre", get_songs_by_genre, NULL},
	{"getStarred", get_starred, NULL},
	{"getStarred2", get_starred2, NULL},
	{NULL, NULL, NULL},
};
