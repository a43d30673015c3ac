/*
 * rest_search: search2 and search3. Every word of the query must appear
 * (case-insensitively: ASCII, and the scripts catalog.h folds) in an
 * artist's name, in an album's name or artist, or in a song's title,
 * artist, album or path. An empty query (or "" as some apps send it)
 * matches everything, so apps can page through the whole library with
 * songOffset to sync it.
 */
#include "rest.h"

#include <limits.h>
#include <string.h>
#include <strings.h>

#define QUERY_MAX 256 /* bytes of a query */
#define WORDS_MAX 16  /* words of a query that count */
#define TEXTS_MAX 5   /* texts one item is matched on */
#define FOLD_MAX 1024 /* bytes of a text compared with a non-ASCII word */

struct query {
	char buf[QUERY_MAX + 1]; /* case-folded */
	const char *word[WORDS_MAX];
	bool ascii[WORDS_MAX]; /* word[i] is ASCII only */
	size_t n;
};

/* Is s ASCII only? */
static bool
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return false;
	return true;
}

/* Split q into words, case-folded; quotes and '*' (Lucene habits of apps)
 * are dropped. */
static void
query_parse(struct query *q, const char *text)
{
	char raw[QUERY_MAX + 1], *p, *end;
	size_t i, n = 0;

	for (i = 0; text[i] != '\0' && n < QUERY_MAX; i++)
		if (text[i] != '"' && text[i] != '*')
			raw[n++] = text[i];
	raw[n] = '\0';
	catalog_fold(raw, q->buf, sizeof q->buf);
	q->n = 0;
	p = q->buf;
	while (*p != '\0' && q->n < WORDS_MAX) {
		p += strspn(p, " \t");
		if (*p == '\0')
			break;
		end = p + strcspn(p, " \t");
		q->word[q->n++] = p;
		if (*end != '\0')
			*end++ = '\0';
		q->ascii[q->n - 1] = is_ascii(p);
		p = end;
	}
}

/*
 * Does every word appear in one of the texts (n <= TEXTS_MAX, NULLs
 * skipped)? An ASCII word is looked for with strcasestr, which is the
 * same as in the folded text and needs no copy; any other in the text
 * folded (its first FOLD_MAX bytes), once per text, unless the text is
 * ASCII only and so cannot hold it.
 */
static bool
matches(const struct query *q, const char *const *texts, size_t n)
{
	char folded[TEXTS_MAX][FOLD_MAX];
	bool done[TEXTS_MAX] = {false};
	size_t w, i;

	for (w = 0; w < q->n; w++) {
		bool found = false;

		for (i = 0; i < n && !found; i++) {
			if (texts[i] == NULL)
				continue;
			if (q->ascii[w]) {
				found = strcasestr(texts[i], q->word[w]) !=
					NULL;
				continue;
			}
			if (!done[i] && is_ascii(texts[i]))
				folded[i][0] = '\0'; /* holds no such word */
			else if (!done[i])
				catalog_fold(texts[i], folded[i], FOLD_MAX);
			done[i] = true;
			found = strstr(folded[i], q->word[w]) != NULL;
		}
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
