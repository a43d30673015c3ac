/*
 * catalog: artists, albums and genres of a library table, with stable IDs.
 *
 * catalog_build works in a few passes over index arrays, never copying a
 * string: each track's album and album artist hashes; the tracks sorted
 * by album hash then disc, track and path (each album is then one run of
 * that array, already in song order); the albums grouped by artist hash;
 * the tracks grouped by genre. Names point into the tracks or at the
 * static unknown names.
 */
#include "catalog.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL
#define CP_RAW 0x80000000u /* an invalid UTF-8 byte, kept as is */

struct catalog_key {
	uint64_t hash;
	size_t index;
};

/* Per-track hashes while building. */
struct build {
	struct catalog *c;
	uint64_t *album_hash;
	uint64_t *artist_hash;
};

/* The code point at *s, advancing *s; an invalid byte is CP_RAW | byte. */
static uint32_t
next_cp(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t cp;
	size_t len, i;

	if (p[0] < 0x80)
		len = 1, cp = p[0];
	else if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		len = 0, cp = 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			len = 0;
			break;
		}
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (len == 0) {
		*s = p + 1;
		return CP_RAW | p[0];
	}
	*s = p + len;
	return cp;
}

/* The small letter of a capital, for the scripts catalog.h names. */
static uint32_t
fold_cp(uint32_t cp)
{
	if ((cp >= 'A' && cp <= 'Z') ||
	    (cp >= 0xc0 && cp <= 0xde && cp != 0xd7) ||
	    (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
	    (cp >= 0x410 && cp <= 0x42f))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 0x50;
	if (cp == 0x178)
		return 0xff;
	if (((cp >= 0x100 && cp <= 0x137 && cp != 0x130) ||
	     (cp >= 0x14a && cp <= 0x177)) &&
	    (cp & 1) == 0)
		return cp + 1;
	if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e)) &&
	    (cp & 1) == 1)
		return cp + 1;
	return cp;
}

static uint64_t
hash_bytes(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

/* cp as UTF-8 into b; its length. */
static size_t
utf8_put(unsigned char b[4], uint32_t cp)
{
	size_t n, i;

	if (cp < 0x80) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	b[0] = (unsigned char)((0xf00u >> n) | cp >> (6 * (n - 1)));
	for (i = 1; i < n; i++)
		b[i] = (unsigned char)(0x80 |
				       ((cp >> 6 * (n - 1 - i)) & 0x3f));
	return n;
}

/* The code point at *p (advanced past it) case-folded, as UTF-8 in b (a
 * byte that starts no valid sequence stays itself); its length. */
static size_t
fold_next(const unsigned char **p, unsigned char b[4])
{
	uint32_t cp = next_cp(p);

	if (cp & CP_RAW) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	return utf8_put(b, fold_cp(cp));
}

/* Continue hash h over s, case-folded, as UTF-8 bytes. */
static uint64_t
hash_folded(uint64_t h, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char b[4];
	size_t n;

	while (*p != '\0') {
		if (*p < 0x80) { /* ASCII, most names: no decoding */
			b[0] = *p >= 'A' && *p <= 'Z' ? *p + 0x20 : *p;
			h = (h ^ b[0]) * FNV_PRIME;
			p++;
			continue;
		}
		n = fold_next(&p, b);
		h = hash_bytes(h, b, n);
	}
	return h;
}

size_t
catalog_fold(const char *s, char *buf, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char b[4];
	size_t n, len = 0;

	while (*p != '\0') {
		n = fold_next(&p, b);
		if (len + n >= cap)
			break;
		memcpy(buf + len, b, n);
		len += n;
	}
	buf[len] = '\0';
	return len;
}

/* Case-insensitive order of two names (folded code points), then bytes. */
static int
fold_cmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	uint32_t x, y;

	while (*p != '\0' && *q != '\0') {
		x = next_cp(&p);
		y = next_cp(&q);
		x = x & CP_RAW ? x : fold_cp(x);
		y = y & CP_RAW ? y : fold_cp(y);
		if (x != y)
			return x < y ? -1 : 1;
	}
	if (*p != *q)
		return *p == '\0' ? -1 : 1;
	return strcmp(a, b);
}

static void
make_id(char id[CATALOG_ID_LEN], const char *prefix, uint64_t h)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	memcpy(id, prefix, 3);
	for (i = 0; i < 16; i++)
		id[3 + i] = hex[(h >> (60 - 4 * i)) & 0xf];
	id[19] = '\0';
}

/* The 64-bit hash of an ID with prefix, or false when id is not one. */
static bool
parse_id(const char *id, const char *prefix, uint64_t *h)
{
	uint64_t v = 0;
	int i;

	if (id == NULL || strncmp(id, prefix, 3) != 0)
		return false;
	for (i = 3; i < 19; i++) {
		char ch = id[i];

		if (ch >= '0' && ch <= '9')
			v = v << 4 | (uint64_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v << 4 | (uint64_t)(ch - 'a' + 10);
		else
			return false;
	}
	if (id[19] != '\0')
		return false;
	*h = v;
	return true;
}

static const char *
album_artist_of(const struct track *t)
{
	if (t->album_artist != NULL)
		return t->album_artist;
	return t->artist != NULL ? t->artist : CATALOG_UNKNOWN_ARTIST;
}

static const char *
album_of(const struct track *t)
{
	return t->album != NULL ? t->album : CATALOG_UNKNOWN_ALBUM;
}

static int
key_cmp(const void *a, const void *b)
{
	const struct catalog_key *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Hash every track's path, album and album artist; make the song IDs. */
static void
hash_tracks(struct build *b)
{
	struct catalog *c = b->c;
	const struct track *t;
	uint64_t h;
	size_t i;

	for (i = 0; i < c->track_count; i++) {
		t = &c->tracks[i];
		h = hash_bytes(FNV_OFFSET, t->path, strlen(t->path));
		make_id(c->songs[i].id, "tr-", h);
		c->song_keys[i].hash = h;
		c->song_keys[i].index = i;
		h = hash_folded(FNV_OFFSET, album_artist_of(t));
		b->artist_hash[i] = h;
		h = hash_bytes(h, "", 1); /* the NUL between the two */
		b->album_hash[i] = hash_folded(h, album_of(t));
	}
	qsort(c->song_keys, c->track_count, sizeof *c->song_keys, key_cmp);
}

/* Track order: by album hash, then disc, track number and path. */
static int
song_order(const void *a, const void *b, void *arg)
{
	const struct build *bd = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct track *x = &bd->c->tracks[i], *y = &bd->c->tracks[j];

	if (bd->album_hash[i] != bd->album_hash[j])
		return bd->album_hash[i] < bd->album_hash[j] ? -1 : 1;
	if (x->disc != y->disc)
		return x->disc < y->disc ? -1 : 1;
	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	return i < j ? -1 : i > j; /* tracks are sorted by path */
}

/* The end of the run of idx[start..n) whose hash[idx[i]] is the same. */
static size_t
run_end(const uint64_t *hash, const size_t *idx, size_t start, size_t n)
{
	size_t i = start + 1;

	while (i < n && hash[idx[i]] == hash[idx[start]])
		i++;
	return i;
}

/* Fill album a from its songs (the run songs[0..n) of the order). */
static void
fill_album(const struct build *b, struct catalog_album *a, size_t *songs,
	   size_t n)
{
	const struct track *first = &b->c->tracks[songs[0]], *t;
	size_t i;

	make_id(a->id, "al-", b->album_hash[songs[0]]);
	a->name = album_of(first);
	a->artist_name = album_artist_of(first);
	a->songs = songs;
	a->song_count = n;
	a->art_track = songs[0];
	a->created_ns = first->mtime_ns;
	for (i = 0; i < n; i++) {
		t = &b->c->tracks[songs[i]];
		if (a->year == 0)
			a->year = t->year;
		if (a->genre == NULL)
			a->genre = t->genre;
		if (t->duration > 0)
			a->duration += t->duration;
		if (t->mtime_ns > a->created_ns)
			a->created_ns = t->mtime_ns;
	}
}

/* Album order: by name, case-insensitive, then artist name, then ID. */
static int
album_order(const void *a, const void *b)
{
	const struct catalog_album *x = a, *y = b;
	int r = fold_cmp(x->name, y->name);

	if (r == 0)
		r = fold_cmp(x->artist_name, y->artist_name);
	return r != 0 ? r : strcmp(x->id, y->id);
}

/*
 * Group the tracks into albums: order is the track index array (n
 * tracks), kept as the pool of every album's songs. 0, or -1 (ENOMEM).
 */
static int
make_albums(struct build *b, size_t *order)
{
	struct catalog *c = b->c;
	size_t i, start, n = c->track_count;

	for (i = 0; i < n; i++)
		order[i] = i;
	qsort_r(order, n, sizeof *order, song_order, b);
	c->albums = calloc(n != 0 ? n : 1, sizeof *c->albums);
	if (c->albums == NULL)
		return -1;
	for (start = 0; start < n; start = i) {
		i = run_end(b->album_hash, order, start, n);
		fill_album(b, &c->albums[c->album_count++], order + start,
			   i - start);
	}
	qsort(c->albums, c->album_count, sizeof *c->albums, album_order);
	for (i = 0; i < c->album_count; i++) {
		for (start = 0; start < c->albums[i].song_count; start++)
			c->songs[c->albums[i].songs[start]].album = i;
	}
	return 0;
}

/* Album order by artist hash (then album index). */
static int
album_by_artist(const void *a, const void *b, void *arg)
{
	const struct catalog_key *k = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (k[i].hash != k[j].hash)
		return k[i].hash < k[j].hash ? -1 : 1;
	return i < j ? -1 : i > j;
}

/* An artist's albums: by year, then name. */
static int
album_by_year(const void *a, const void *b, void *arg)
{
	const struct catalog *c = arg;
	const struct catalog_album *x = &c->albums[*(const size_t *)a];
	const struct catalog_album *y = &c->albums[*(const size_t *)b];

	if (x->year != y->year)
		return x->year < y->year ? -1 : 1;
	return album_order(x, y);
}

static int
artist_order(const void *a, const void *b)
{
	const struct catalog_artist *x = a, *y = b;
	int r = fold_cmp(x->name, y->name);

	return r != 0 ? r : strcmp(x->id, y->id);
}

/* One artist from the run albums[0..n) of the album pool. */
static void
fill_artist(struct catalog *c, struct catalog_artist *ar, uint64_t h,
	    size_t *albums, size_t n)
{
	size_t i;

	make_id(ar->id, "ar-", h);
	/* the name as the first album (by album order) has it */
	ar->name = c->albums[albums[0]].artist_name;
	ar->albums = albums;
	ar->album_count = n;
	for (i = 0; i < n; i++)
		ar->song_count += c->albums[albums[i]].song_count;
	qsort_r(albums, n, sizeof *albums, album_by_year, c);
}

/*
 * Group the albums by artist. artist_hash is the per-track hash; keys
 * (album_count of them) is scratch. 0, or -1 (ENOMEM).
 */
static int
make_artists(struct build *b, struct catalog_key *keys)
{
	struct catalog *c = b->c;
	size_t i, j, start, n = c->album_count, *pool;

	pool = c->album_pool = calloc(n != 0 ? n : 1, sizeof *pool);
	c->artists = calloc(n != 0 ? n : 1, sizeof *c->artists);
	if (pool == NULL || c->artists == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		keys[i].hash = b->artist_hash[c->albums[i].songs[0]];
		pool[i] = i;
	}
	qsort_r(pool, n, sizeof *pool, album_by_artist, keys);
	for (i = 0; i < n; i++)
		b->artist_hash[i] = keys[i].hash; /* now by album */
	for (start = 0; start < n; start = i) {
		i = run_end(b->artist_hash, pool, start, n);
		fill_artist(c, &c->artists[c->artist_count++],
			    keys[pool[start]].hash, pool + start, i - start);
	}
	qsort(c->artists, c->artist_count, sizeof *c->artists, artist_order);
	for (i = 0; i < c->artist_count; i++) {
		for (j = 0; j < c->artists[i].album_count; j++) {
			struct catalog_album *a =
				&c->albums[c->artists[i].albums[j]];
			size_t k;

			a->artist = i;
			for (k = 0; k < a->song_count; k++)
				c->songs[a->songs[k]].artist = i;
		}
	}
	return 0;
}

/* Track order by genre, then album index (tracks without one last). */
static int
track_by_genre(const void *a, const void *b, void *arg)
{
	const struct catalog *c = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const char *x = c->tracks[i].genre, *y = c->tracks[j].genre;
	int r;

	if (x == NULL || y == NULL)
		return (x == NULL) - (y == NULL);
	r = strcmp(x, y);
	if (r != 0)
		return r;
	if (c->songs[i].album != c->songs[j].album)
		return c->songs[i].album < c->songs[j].album ? -1 : 1;
	return 0;
}

/* One genre from the run idx[0..n) of tracks (same genre, by album). */
static void
fill_genre(const struct catalog *c, struct catalog_genre *g, const size_t *idx,
	   size_t n)
{
	size_t i;

	g->name = c->tracks[idx[0]].genre;
	g->song_count = n;
	for (i = 0; i < n; i++) {
		if (i == 0 ||
		    c->songs[idx[i]].album != c->songs[idx[i - 1]].album)
			g->album_count++;
	}
}

/* The genres, with scratch space idx for n track indexes. 0 or -1. */
static int
make_genres(struct catalog *c, size_t *idx)
{
	size_t i, start, n = 0;

	for (i = 0; i < c->track_count; i++) {
		if (c->tracks[i].genre != NULL)
			idx[n++] = i;
	}
	qsort_r(idx, n, sizeof *idx, track_by_genre, c);
	c->genres = calloc(n != 0 ? n : 1, sizeof *c->genres);
	if (c->genres == NULL)
		return -1;
	for (start = 0; start < n; start = i) {
		i = start + 1;
		while (i < n && strcmp(c->tracks[idx[i]].genre,
				       c->tracks[idx[start]].genre) == 0)
			i++;
		fill_genre(c, &c->genres[c->genre_count++], idx + start,
			   i - start);
	}
	return 0;
}

/* The sorted lookup keys of albums and artists. 0 or -1. */
static int
make_keys(struct catalog *c)
{
	uint64_t h;
	size_t i;

	c->album_keys = calloc(c->album_count + 1, sizeof *c->album_keys);
	c->artist_keys = calloc(c->artist_count + 1, sizeof *c->artist_keys);
	if (c->album_keys == NULL || c->artist_keys == NULL)
		return -1;
	for (i = 0; i < c->album_count; i++) {
		parse_id(c->albums[i].id, "al-", &h);
		c->album_keys[i] = (struct catalog_key){h, i};
	}
	for (i = 0; i < c->artist_count; i++) {
		parse_id(c->artists[i].id, "ar-", &h);
		c->artist_keys[i] = (struct catalog_key){h, i};
	}
	qsort(c->album_keys, c->album_count, sizeof *c->album_keys, key_cmp);
	qsort(c->artist_keys, c->artist_count, sizeof *c->artist_keys,
	      key_cmp);
	return 0;
}

struct catalog *
catalog_build(const struct track *tracks, size_t n)
{
	struct catalog *c = calloc(1, sizeof *c), *res = NULL;
	struct build b = {c, NULL, NULL};
	size_t *scratch = NULL, m = n != 0 ? n : 1;

	if (c == NULL)
		return NULL;
	c->tracks = tracks;
	c->track_count = n;
	c->songs = calloc(m, sizeof *c->songs);
	c->song_keys = calloc(m, sizeof *c->song_keys);
	c->song_pool = calloc(m, sizeof *c->song_pool);
	b.album_hash = calloc(m, sizeof *b.album_hash);
	b.artist_hash = calloc(m, sizeof *b.artist_hash);
	scratch = calloc(m, sizeof(struct catalog_key));
	if (c->songs == NULL || c->song_keys == NULL || c->song_pool == NULL ||
	    b.album_hash == NULL || b.artist_hash == NULL || scratch == NULL)
		goto out;
	hash_tracks(&b);
	if (make_albums(&b, c->song_pool) != 0 ||
	    make_artists(&b, (struct catalog_key *)(void *)scratch) != 0 ||
	    make_genres(c, scratch) != 0 || make_keys(c) != 0)
		goto out;
	res = c;
	c = NULL;
out:
	free(b.album_hash);
	free(b.artist_hash);
	free(scratch);
	catalog_free(c);
	return res;
}

void
catalog_free(struct catalog *c)
{
	if (c == NULL)
		return;
	free(c->songs);
	free(c->artists);
	free(c->albums);
	free(c->genres);
	free(c->song_keys);
	free(c->album_keys);
	free(c->artist_keys);
	free(c->song_pool);
	free(c->album_pool);
	free(c);
}

/* The index of the key whose hash id names, or -1. */
static long
lookup(const struct catalog_key *keys, size_t n, const char *prefix,
       const char *id)
{
	struct catalog_key k = {0, 0};
	size_t lo = 0, hi = n, mid;

	if (keys == NULL || !parse_id(id, prefix, &k.hash))
		return -1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keys[mid].hash < k.hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == n || keys[lo].hash != k.hash)
		return -1;
	return (long)keys[lo].index;
}

long
catalog_song_index(const struct catalog *c, const char *id)
{
	return lookup(c->song_keys, c->track_count, "tr-", id);
}

long
catalog_album_index(const struct catalog *c, const char *id)
{
	return lookup(c->album_keys, c->album_count, "al-", id);
}

long
catalog_artist_index(const struct catalog *c, const char *id)
{
	return lookup(c->artist_keys, c->artist_count, "ar-", id);
}
