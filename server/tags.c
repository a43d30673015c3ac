/*
 * tags: TagLib's C API for a track's tags, and the tag cache file.
 *
 * The cache is a text file: a header line, then one line per track,
 * sorted by path, of tab-separated fields
 *   path size mtime_ns duration number title artist album
 * and, when the track has a picture, a last field "@art" (TAGS_ART);
 * where "\N" stands for an unknown value and backslash, tab and newline in
 * strings are escaped as \\, \t and \n. Lines that do not parse are
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
#include <taglib/tag_c.h>
#include <unistd.h>

#include "parse.h"

#define TAGS_CACHE_MAGIC "as-tags 2"
#define TAGS_LINE_MAX (64 * 1024) /* longer cache lines are skipped */
#define TAGS_FIELD_MAX 1024	  /* bytes kept of one tag value */
#define TAGS_ART "\t@art"	  /* line suffix: the track has a picture */

/* A tag value worth keeping: non-empty, cut to TAGS_FIELD_MAX. */
static char *
keep(const char *s)
{
	size_t n;

	if (s == NULL || *s == '\0')
		return NULL;
	n = strnlen(s, TAGS_FIELD_MAX);
	return strndup(s, n);
}

/*
 * Open path as Ogg Opus. TagLib picks the decoder by extension and opens
 * .ogg and .oga only as Vorbis or FLAC, and its C API has no Opus type, so
 * the file is opened through a symbolic link named *.opus in a private
 * temporary folder. NULL when that fails too.
 */
static TagLib_File *
open_as_opus(const char *path)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], link[PATH_MAX + 16];
	TagLib_File *f = NULL;
	int n;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	n = snprintf(dir, sizeof dir, "%s/as-tags.XXXXXX", tmp);
	if (n < 0 || (size_t)n >= sizeof dir || mkdtemp(dir) == NULL)
		return NULL;
	if (snprintf(link, sizeof link, "%s/t.opus", dir) > 0 &&
	    symlink(path, link) == 0) {
		f = taglib_file_new(link);
		unlink(link);
	}
	rmdir(dir);
	return f;
}

void
tags_read(const char *path, struct track *t)
{
	const TagLib_AudioProperties *ap;
	const char *type;
	TagLib_File *f;
	TagLib_Tag *tag;
	char *s;

	t->tagged = true;
	taglib_set_strings_unicode(1);
	taglib_set_string_management_enabled(0);
	f = taglib_file_new(path);
	/* .ogg and .oga (audio/ogg by track.c's rule) may hold Opus */
	type = track_type_for_name(path);
	if ((f == NULL || !taglib_file_is_valid(f)) && type != NULL &&
	    strcmp(type, "audio/ogg") == 0) {
		if (f != NULL)
			taglib_file_free(f);
		f = open_as_opus(path);
	}
	if (f == NULL)
		return;
	if (!taglib_file_is_valid(f))
		goto out;
	tag = taglib_file_tag(f);
	if (tag != NULL) {
		s = taglib_tag_title(tag);
		t->title = keep(s);
		taglib_free(s);
		s = taglib_tag_artist(tag);
		t->artist = keep(s);
		taglib_free(s);
		s = taglib_tag_album(tag);
		t->album = keep(s);
		taglib_free(s);
		t->number = (int)taglib_tag_track(tag);
	}
	ap = taglib_file_audioproperties(f);
	if (ap != NULL && taglib_audioproperties_length(ap) > 0)
		t->duration = taglib_audioproperties_length(ap);
out:
	taglib_file_free(f);
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

/* Parse one cache line (no newline) into t. 0, or -1 when malformed. */
static int
parse_line(char *line, struct track *t)
{
	const char *f[9];
	uint64_t size, mtime, dur, num;
	char *p = line;
	int n = 0;

	f[n++] = p;
	while (*p != '\0' && n < 9) {
		if (*p++ == '\t')
			f[n++] = p;
	}
	if (n != 8)
		return -1;
	f[8] = p + strlen(p) + 1; /* one past the last field's end */
	if (field_num(f[1], f[2] - 1, &size) != 0 ||
	    field_num(f[2], f[3] - 1, &mtime) != 0 ||
	    field_num(f[4], f[5] - 1, &num) != 0 || num > 100000)
		return -1;
	if (f[4] - f[3] == 3 && f[3][0] == '\\')
		t->duration = -1;
	else if (field_num(f[3], f[4] - 1, &dur) == 0 && dur < 1000000)
		t->duration = (double)dur;
	else
		return -1;
	t->size = size;
	t->mtime_ns = (int64_t)mtime;
	t->number = (int)num;
	t->tagged = true;
	if (field_str(f[0], f[1] - 1, &t->path) != 0 || t->path == NULL ||
	    field_str(f[5], f[6] - 1, &t->title) != 0 ||
	    field_str(f[6], f[7] - 1, &t->artist) != 0 ||
	    field_str(f[7], f[8] - 1, &t->album) != 0)
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
			fprintf(fp, "%ld", (long)t->duration);
		else
			fputs("\\N", fp);
		fprintf(fp, "\t%d\t", t->number);
		put_str(fp, t->title);
		fputc('\t', fp);
		put_str(fp, t->artist);
		fputc('\t', fp);
		put_str(fp, t->album);
		fputs(t->art ? TAGS_ART "\n" : "\n", fp);
	}
	if (fclose(fp) != 0 || rename(tmp, file) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}
