/*
 * track: one entry of the library, and the rules that make a file a track.
 */
#include "track.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{".wav", "audio/wav"},	 {".mp3", "audio/mpeg"},
	{".ogg", "audio/ogg"},	 {".oga", "audio/ogg"},
	{".opus", "audio/opus"}, {".flac", "audio/flac"},
	{".m4a", "audio/mp4"},
};

const char *
track_type_for_name(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL || dot == name)
		return NULL;
	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strcasecmp(dot, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

bool
track_is_hidden(const char *name)
{
	return name[0] == '.';
}

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len, i;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0; /* overlong, out of range or a surrogate */
	return len;
}

bool
track_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n;

	while (i < len) {
		if (s[i] == '\0')
			return false;
		n = utf8_seq(s + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

bool
track_path_listable(const char *path, size_t len)
{
	return memchr(path, '\n', len) == NULL && track_utf8_valid(path, len);
}

/* strdup that maps NULL to NULL; sets *failed when out of memory. */
static char *
dup_or_null(const char *s, int *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*failed = 1;
	return d;
}

static void
clear_tags(struct track *t)
{
	free(t->title);
	free(t->artist);
	free(t->album);
	free(t->album_artist);
	free(t->genre);
	t->title = t->artist = t->album = t->album_artist = t->genre = NULL;
	t->duration = -1;
	t->number = t->disc = t->year = 0;
	t->tagged = false;
}

int
track_copy_tags(struct track *dst, const struct track *src)
{
	int failed = 0;

	clear_tags(dst);
	dst->title = dup_or_null(src->title, &failed);
	dst->artist = dup_or_null(src->artist, &failed);
	dst->album = dup_or_null(src->album, &failed);
	dst->album_artist = dup_or_null(src->album_artist, &failed);
	dst->genre = dup_or_null(src->genre, &failed);
	if (failed) {
		clear_tags(dst);
		return -1;
	}
	dst->duration = src->duration;
	dst->number = src->number;
	dst->disc = src->disc;
	dst->year = src->year;
	dst->tagged = src->tagged;
	return 0;
}

int
track_copy(struct track *dst, const struct track *src)
{
	*dst = *src;
	dst->title = dst->artist = dst->album = NULL;
	dst->album_artist = dst->genre = NULL;
	dst->path = strdup(src->path);
	if (dst->path == NULL || track_copy_tags(dst, src) != 0) {
		track_clear(dst);
		return -1;
	}
	return 0;
}

int
track_by_path(const void *a, const void *b)
{
	return strcmp(((const struct track *)a)->path,
		      ((const struct track *)b)->path);
}

void
track_clear(struct track *t)
{
	free(t->path);
	free(t->title);
	free(t->artist);
	free(t->album);
	free(t->album_artist);
	free(t->genre);
	memset(t, 0, sizeof *t);
	t->duration = -1;
}
