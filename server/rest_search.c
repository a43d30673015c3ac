/*
 * rest_search: search2 and search3. Every word of the query must appear
 * (case-insensitively, ASCII) in an artist's name, in an album's name or
 * artist, or in a song's title, artist, album or path. An empty query
 * (or "" as some apps send it) matches everything, so apps can page
 * through the whole library with songOffset to sync it.
 */
#include "rest.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#define QUERY_MAX 256 /* bytes of a query */
#define WORDS_MAX 16  /* words of a query that count */

struct query {
	char buf[QUERY_MAX + 1];
	const char *word[WORDS_MAX];
	size_t n;
};

/* Split q into words; quotes and '*' (Lucene habits of apps) are dropped. */
static void
query_parse(struct query *q, const char *text)
{
	char *p, *end;
	size_t i, n = 0;

	for (i = 0; text[i] != '\0' && n < QUERY_MAX; i++)
		if (text[i] != '"' && text[i] != '*')
			q->buf[n++] = text[i];
	q->buf[n] = '\0';
	q->n = 0;
	p = q->buf;
	while (*p != '\0' && q->n < WORDS_MAX) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		q->word[q->n++] = p;
		if (*end == '\0')
			break;
		*end = '\0';
		p = end + 1;
	}
}

/* Does every word appear in one of the texts (NULLs skipped)? */
static bool
matches(const struct query *q, const char *const *texts, size_t n)
{
	size_t w, i;

	for (w = 0; w < q->n; w++) {
		bool found = false;

		for (i = 0; i < n && !found; i++)
			found = texts[i] != NULL &&
				strcasestr(texts[i], q->word[w]) != NULL;
		if (!found)
			return false;
	}
	return true;
}

struct page {
	const char *key;
	long count, offset;
};

static int
read_page(struct rest_call *c, struct page *p, const char *key,
	  const char *count, const char *offset)
{
	p->key = key;
	if (rest_int(c, count, 0, REST_PAGE_MAX, 20, &p->count) != 0)
		return -1;
	return rest_int(c, offset, 0, LONG_MAX, 0, &p->offset);
}

static int
search_artists(struct rest_call *c, const struct query *q, json_t *o,
	       const struct page *pg, bool id3)
{
	long seen = 0;
	size_t i;

	for (i = 0; i < c->cat->artist_count && seen < pg->offset + pg->count;
	     i++) {
		const char *texts[] = {c->cat->artists[i].name};

		if (!matches(q, texts, 1) || seen++ < pg->offset)
			continue;
		if (rest_append(c, o, pg->key,
				id3 ? rest_artist_id3(c, i)
				    : rest_artist(c, i)) != 0)
			return -1;
	}
	return 0;
}

static int
search_albums(struct rest_call *c, const struct query *q, json_t *o,
	      const struct page *pg, bool id3)
{
	long seen = 0;
	size_t i;

	for (i = 0; i < c->cat->album_count && seen < pg->offset + pg->count;
	     i++) {
		const struct catalog_album *al = &c->cat->albums[i];
		const char *texts[] = {al->name, al->artist_name};

		if (!matches(q, texts, 2) || seen++ < pg->offset)
			continue;
		if (rest_append(c, o, pg->key,
				id3 ? rest_album_id3(c, i)
				    : rest_album_child(c, i)) != 0)
			return -1;
	}
	return 0;
}

static int
search_songs(struct rest_call *c, const struct query *q, json_t *o,
	     const struct page *pg)
{
	long seen = 0;
	size_t i;

	for (i = 0; i < c->cat->track_count && seen < pg->offset + pg->count;
	     i++) {
		const struct track *t = &c->cat->tracks[i];
		const struct catalog_album *al =
			&c->cat->albums[c->cat->songs[i].album];
		const char *texts[] = {t->title, t->artist, al->name,
				       al->artist_name, t->path};

		if (!matches(q, texts, 5) || seen++ < pg->offset)
			continue;
		if (rest_append(c, o, pg->key, rest_song(c, i)) != 0)
			return -1;
	}
	return 0;
}

static int
search(struct rest_call *c, bool id3)
{
	const char *text = rest_param(c->params, "query");
	struct page artists, albums, songs;
	struct query q;
	json_t *o = json_pack("{s:[], s:[], s:[]}", "artist", "album", "song");

	if (rest_set(c, c->doc, id3 ? "searchResult3" : "searchResult2", o) !=
		    0 ||
	    read_page(c, &artists, "artist", "artistCount", "artistOffset") !=
		    0 ||
	    read_page(c, &albums, "album", "albumCount", "albumOffset") != 0 ||
	    read_page(c, &songs, "song", "songCount", "songOffset") != 0)
		return -1;
	query_parse(&q, text != NULL ? text : "");
	if (search_artists(c, &q, o, &artists, id3) != 0 ||
	    search_albums(c, &q, o, &albums, id3) != 0)
		return -1;
	return search_songs(c, &q, o, &songs);
}

static int
search2(struct rest_call *c)
{
	return search(c, false);
}

static int
search3(struct rest_call *c)
{
	return search(c, true);
}

const struct rest_method rest_search_methods[] = {
	{"search2", search2, NULL},
	{"search3", search3, NULL},
	{NULL, NULL, NULL},
};
