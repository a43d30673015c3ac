/*
 * tags: a track's tags through TagLib (tagfile.cc, its C++ API), and the
 * tag cache file.
 *
 * The cache is a text file: a header line naming its format version, then
 * one line per track, sorted by path, of tab-separated fields
 *   path size mtime_ns duration_ms number disc year
 *   title artist album album_artist genre
 * and, when the track has a picture, a last field "@art" (TAGS_ART);
 * where "\N" stands for an unknown value and backslash, tab and newline in
 * strings are escaped as \\, \t and \n. A file of another version is read
 * as empty (its lines are not misread); lines that do not parse are
 * skipped: a damaged cache costs some rereading, never a failure.
 */
#include "tags.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "tagfile.h"

#define TAGS_CACHE_MAGIC "as-tags 3"
#define TAGS_FIELDS 12		  /* fields of a cache line */
#define TAGS_LINE_MAX (64 * 1024) /* longer cache lines are skipped */
#define TAGS_FIELD_MAX 1024	  /* bytes kept of one tag value */
#define TAGS_NUMBER_MAX 100000	  /* a bigger track or disc number is junk */
#define TAGS_YEAR_MAX 9999
#define TAGS_DURATION_MAX_MS (1000000LL * 1000) /* 11.5 days */
#define TAGS_ART "\t@art" /* line suffix: the track has a picture */

/*
 * A tag value worth keeping: non-empty valid UTF-8, cut to at most
 * TAGS_FIELD_MAX bytes on a character boundary. NULL otherwise.
 */
static char *
keep(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return NULL;
	n = strnlen(s, TAGS_FIELD_MAX);
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--; /* s[n] continues a character: cut before it */
	if (n == 0 || !track_utf8_valid(s, n))
		return NULL;
	return strndup(s, n);
}

/*
 * The number that s starts with ("3" of "3/12", "1999" of "1999-05-01"),
 * or 0 when s does not start with a digit or the number exceeds max.
 */
static int
leading_number(const char *s, int max)
{
	uint64_t v;
	size_t n = 0;

	if (s == NULL)
		return 0;
	while (n < 12 && s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n == 12 || parse_u64(s, n, &v) != PARSE_OK ||
	    v > (uint64_t)max)
		return 0;
	return (int)v;
}

/* Copy what tf holds into t's tag fields. */
static void
from_tagfile(const struct tagfile *tf, struct track *t)
{
	t->title = keep(tf->title);
	t->artist = keep(tf->artist);
	t->album = keep(tf->album);
	t->album_artist = keep(tf->album_artist);
	t->genre = keep(tf->genre);
	t->number = leading_number(tf->track, TAGS_NUMBER_MAX);
	t->disc = leading_number(tf->disc, TAGS_NUMBER_MAX);
	t->year = leading_number(tf->date, TAGS_YEAR_MAX);
	if (tf->duration_ms > 0 && tf->duration_ms < TAGS_DURATION_MAX_MS)
		t->duration = (double)tf->duration_ms / 1000.0;
}

void
tags_read(const char *path, struct track *t)
{
	const char *type = track_type_for_name(path);
	struct tagfile tf;

	t->tagged = true;
	/* .ogg and .oga (audio/ogg by track.c's rule) may hold Opus */
	if (tagfile_read(path, type != NULL && strcmp(type, "audio/ogg") == 0,
			 &tf) != 0)
		return;
	from_tagfile(&tf, t);
	tagfile_clear(&tf);
}

struct tags_cache {
	struct track *tracks; /* sorted by path; only tag fields used */
	size_t count;
};

/* Unescape the field [s, e) into a new string; "\N" gives NULL. */
static int
field_str(const char *s, const char *e, char **out)
{
	char *d, *p;

	*out = NULL;
	if (e - s == 2 && s[0] == '\\' && s[1] == 'N')
		return 0;
	d = p = malloc((size_t)(e - s) + 1);
	if (d == NULL)
		return -1;
	for (; s < e; s++) {
		if (*s != '\\') {
			*p++ = *s;
			continue;
		}
		if (++s == e)
			break;
		*p++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s;
	}
	*p = '\0';
	*out = d;
	return 0;
}

/* field_str for a tag: valid UTF-8 or the line is refused. */
static int
field_text(const char *s, const char *e, char **out)
{
	if (field_str(s, e, out) != 0)
		return -1;
	return *out == NULL || track_utf8_valid(*out, strlen(*out)) ? 0 : -1;
}

static int
field_num(const char *s, const char *e, uint64_t *out)
{
	return parse_u64(s, (size_t)(e - s), out) == PARSE_OK ? 0 : -1;
}

/* Strip line's TAGS_ART suffix, if any; whether it was there. */
static bool
take_art(char *line, size_t len)
{
	size_t n = sizeof TAGS_ART - 1;

	if (len < n || memcmp(line + len - n, TAGS_ART, n) != 0)
		return false;
	line[len - n] = '\0';
	return true;
}

/* Split line at tabs into exactly TAGS_FIELDS fields: field i is
 * [f[i], f[i + 1] - 1). 0, or -1 when the count differs. */
static int
split_fields(char *line, const char *f[TAGS_FIELDS + 1])
{
	char *p = line;
	int n = 0;

	f[n++] = p;
	while (*p != '\0' && n <= TAGS_FIELDS) {
		if (*p++ == '\t')
			f[n++] = p;
	}
	if (n != TAGS_FIELDS)
		return -1;
	f[TAGS_FIELDS] = p + 1; /* one past the last field's end */
	return 0;
}

/* A number field no bigger than max. 0, or -1 when malformed. */
static int
field_int(const char *s, const char *e, uint64_t max, int *out)
{
	uint64_t v;

	if (field_num(s, e, &v) != 0 || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* Parse one cache line (no newline) into t. 0, or -1 when malformed. */
static int
parse_line(char *line, struct track *t)
{
	const char *f[TAGS_FIELDS + 1];
	uint64_t size, mtime, ms;

	if (split_fields(line, f) != 0 ||
	    field_num(f[1], f[2] - 1, &size) != 0 ||
	    field_num(f[2], f[3] - 1, &mtime) != 0 || mtime > INT64_MAX ||
	    field_int(f[4], f[5] - 1, TAGS_NUMBER_MAX, &t->number) != 0 ||
	    field_int(f[5], f[6] - 1, TAGS_NUMBER_MAX, &t->disc) != 0 ||
	    field_int(f[6], f[7] - 1, TAGS_YEAR_MAX, &t->year) != 0)
		return -1;
	if (f[4] - f[3] == 3 && f[3][0] == '\\')
		t->duration = -1;
	else if (field_num(f[3], f[4] - 1, &ms) == 0 &&
		 ms < (uint64_t)TAGS_DURATION_MAX_MS)
		t->duration = (double)ms / 1000.0;
	else
		return -1;
	t->size = size;
	t->mtime_ns = (int64_t)mtime;
	t->tagged = true;
	if (field_str(f[0], f[1] - 1, &t->path) != 0 || t->path == NULL ||
	    field_text(f[7], f[8] - 1, &t->title) != 0 ||
	    field_text(f[8], f[9] - 1, &t->artist) != 0 ||
	    field_text(f[9], f[10] - 1, &t->album) != 0 ||
	    field_text(f[10], f[11] - 1, &t->album_artist) != 0 ||
	    field_text(f[11], f[12] - 1, &t->genre) != 0)
		return -1;
	return 0;
}

/* Append t to c; -1 when out of memory. */
static int
cache_add(struct tags_cache *c, size_t *cap, const struct track *t)
{
	if (c->count == *cap) {
		size_t ncap = *cap != 0 ? *cap * 2 : 1024;
		struct track *n = realloc(c->tracks, ncap * sizeof *n);

		if (n == NULL)
			return -1;
		c->tracks = n;
		*cap = ncap;
	}
	c->tracks[c->count++] = *t;
	return 0;
}

struct tags_cache *
tags_cache_load(const char *file)
{
	struct tags_cache *c = calloc(1, sizeof *c);
	char *line = NULL;
	size_t linecap = 0, cap = 0;
	ssize_t len;
	struct track t;
	FILE *fp;

	if (c == NULL)
		return NULL;
	fp = file != NULL ? fopen(file, "re") : NULL;
	if (fp == NULL)
		return c;
	len = getline(&line, &linecap, fp);
	if (len < 0 || strncmp(line, TAGS_CACHE_MAGIC "\n", (size_t)len) != 0)
		goto out;
	while ((len = getline(&line, &linecap, fp)) > 0) {
		if (line[len - 1] != '\n' || len > TAGS_LINE_MAX)
			continue;
		line[len - 1] = '\0';
		memset(&t, 0, sizeof t);
		t.art = take_art(line, (size_t)len - 1);
		if (parse_line(line, &t) != 0 || cache_add(c, &cap, &t) != 0)
			track_clear(&t);
	}
	if (c->count > 1) /* tracks is NULL while empty */
		qsort(c->tracks, c->count, sizeof *c->tracks, track_by_path);
out:
	free(line);
	fclose(fp);
	return c;
}

int
tags_cache_apply(const struct tags_cache *c, struct track *t)
{
	const struct track *hit;

	if (c == NULL || c->count == 0)
		return 0;
	hit = bsearch(t, c->tracks, c->count, sizeof *c->tracks,
		      track_by_path);
	if (hit == NULL || hit->size != t->size ||
	    hit->mtime_ns != t->mtime_ns)
		return 0;
	return track_copy_tags(t, hit) == 0 ? 1 : 0;
}

void
tags_cache_free(struct tags_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->count; i++)
		track_clear(&c->tracks[i]);
	free(c->tracks);
	free(c);
}

static void
put_str(FILE *fp, const char *s)
{
	if (s == NULL) {
		fputs("\\N", fp);
		return;
	}
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", fp);
		else if (*s == '\t')
			fputs("\\t", fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

/* The string fields of a cache line, tab-separated. */
static void
put_strs(FILE *fp, const struct track *t)
{
	put_str(fp, t->title);
	fputc('\t', fp);
	put_str(fp, t->artist);
	fputc('\t', fp);
	put_str(fp, t->album);
	fputc('\t', fp);
	put_str(fp, t->album_artist);
	fputc('\t', fp);
	put_str(fp, t->genre);
}

int
tags_cache_save(const char *file, const struct track *tracks, size_t n)
{
	char tmp[4096];
	FILE *fp;
	size_t i;
	int len;

	len = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", file, (long)getpid());
	if (len < 0 || (size_t)len >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fp = fopen(tmp, "we");
	if (fp == NULL)
		return -1;
	fputs(TAGS_CACHE_MAGIC "\n", fp);
	for (i = 0; i < n; i++) {
		const struct track *t = &tracks[i];

		if (!t->tagged)
			continue;
		put_str(fp, t->path);
		fprintf(fp, "\t%" PRIu64 "\t%" PRId64 "\t", t->size,
			t->mtime_ns);
		if (t->duration >= 0)
			fprintf(fp, "%lld",
				(long long)(t->duration * 1000.0 + 0.5));
		else
			fputs("\\N", fp);
		fprintf(fp, "\t%d\t%d\t%d\t", t->number, t->disc, t->year);
		put_strs(fp, t);
		fputs(t->art ? TAGS_ART "\n" : "\n", fp);
	}
	if (fclose(fp) != 0 || rename(tmp, file) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}
