/*
 * test_listing: the four renderings of the library (text, JSON, HTML, m3u)
 * over names that need escaping (quotes, <, &, #, %, ?, UTF-8) and tags
 * that try to break out of their line or element; and the Host check that
 * guards the m3u URLs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>
#include <jansson.h>

#include "listing.h"

#define NTRACKS 5
#define MTIME_NS INT64_C(1795608000123456789) /* 2026-11-25T12:00:00Z */
#define HOST "127.0.0.1:3456"

static const char *const paths[NTRACKS] = {
	"Bj\xc3\xb6rk/J\xc3\xb3ga \"live\" & <more>.flac",
	"odd/100% #1 ?.mp3",
	"q'uote\\back.wav",
	"x/evil.ogg",
	"\xe6\x97\xa5\xe6\x9c\xac/\xe6\xad\x8c.m4a",
};

static struct track tracks[NTRACKS];

static char *
dup_or_null(const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	assert_non_null(p);
	return p;
}

static void
set_track(size_t i, const char *type, uint64_t size, const char *title,
	  const char *artist, const char *album, double duration)
{
	struct track *t = &tracks[i];

	memset(t, 0, sizeof *t);
	t->path = dup_or_null(paths[i]);
	t->type = type;
	t->size = size;
	t->mtime_ns = MTIME_NS;
	t->ino = (ino_t)(100 + i);
	t->title = dup_or_null(title);
	t->artist = dup_or_null(artist);
	t->album = dup_or_null(album);
	t->duration = duration;
}

static int
setup(void **state)
{
	(void)state;
	set_track(0, "audio/flac", 751022, "J\xc3\xb3ga", "Bj\xc3\xb6rk",
		  "Homogenic", 305.4);
	tracks[0].album_artist = dup_or_null("Bj\xc3\xb6rk & Co");
	tracks[0].genre = dup_or_null("Electronic");
	tracks[0].year = 1997;
	tracks[0].number = 3;
	tracks[0].disc = 1;
	set_track(1, "audio/mpeg", 1234, NULL, NULL, NULL, -1);
	set_track(2, "audio/wav", 0, "<script>alert(1)</script>", NULL,
		  "A & B", 12.0);
	set_track(3, "audio/ogg", 99, "a\n#EXTINF:1,injected\r\nfile:///x",
		  "b\r\nhttp-not-a-url", NULL, 7.0);
	set_track(4, "audio/mp4", 5, NULL, "Only Artist", NULL, -1);
	return 0;
}

static int
teardown(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < NTRACKS; i++)
		track_clear(&tracks[i]);
	return 0;
}

/* Render and check the result is a NUL-free body of the stated length. */
static char *
render(enum list_format f, const char *host, size_t n, size_t *len)
{
	char *body;

	*len = (size_t)-1;
	body = listing_render(tracks, n, f, host, len);
	assert_non_null(body);
	assert_true(*len != (size_t)-1);
	assert_true(memchr(body, '\0', *len) == NULL);
	return body;
}

/* A NUL-terminated copy of a body, for strstr. */
static char *
cstr(const char *body, size_t len)
{
	char *s = malloc(len + 1);

	assert_non_null(s);
	memcpy(s, body, len);
	s[len] = '\0';
	return s;
}

static void
test_text_exact(void **state)
{
	static const char want[] =
		"0:Bj\xc3\xb6rk/J\xc3\xb3ga \"live\" & <more>.flac\n"
		"1:odd/100% #1 ?.mp3\n"
		"2:q'uote\\back.wav\n"
		"3:x/evil.ogg\n"
		"4:\xe6\x97\xa5\xe6\x9c\xac/\xe6\xad\x8c.m4a\n";
	size_t len;
	char *b;

	(void)state;
	b = render(LIST_FORMAT_TEXT, NULL, NTRACKS, &len);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(b, want, len);
	free(b);
}

static void
test_text_empty(void **state)
{
	size_t len = 99;
	char *b = listing_render(tracks, 0, LIST_FORMAT_TEXT, NULL, &len);

	(void)state;
	assert_non_null(b);
	assert_int_equal(len, 0);
	free(b);
}

static void
expect_str_or_null(json_t *o, const char *key, const char *want)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL)
		fail_msg("JSON key \"%s\" missing", key);
	if (want == NULL) {
		if (!json_is_null(v))
			fail_msg("JSON key \"%s\" is not null", key);
		return;
	}
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), want);
}

/* key is the number want, or null when want is 0 (unknown). */
static void
expect_int_or_null(json_t *t, const char *key, int want)
{
	json_t *v = json_object_get(t, key);

	if (want == 0) {
		if (!json_is_null(v))
			fail_msg("JSON key \"%s\" is not null", key);
		return;
	}
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), want);
}

static void
check_json_track(json_t *t, size_t i)
{
	static const char *const keys[] = {
		"index",    "path",  "size",   "type",	"mtime",
		"duration", "title", "artist", "album", "album_artist",
		"year",	    "genre", "track",  "disc",
	};
	const struct track *w = &tracks[i];
	json_t *v;
	size_t k;

	assert_true(json_is_object(t));
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (json_object_get(t, keys[k]) == NULL)
			fail_msg("track %zu: key \"%s\" missing", i, keys[k]);
	v = json_object_get(t, "index");
	assert_true(json_is_integer(v));
	assert_int_equal(json_integer_value(v), i);
	expect_str_or_null(t, "path", w->path);
	v = json_object_get(t, "size");
	assert_true(json_is_integer(v));
	assert_true((uint64_t)json_integer_value(v) == w->size);
	expect_str_or_null(t, "type", w->type);
	expect_str_or_null(t, "mtime", "2026-11-25T12:00:00Z");
	v = json_object_get(t, "duration");
	if (w->duration < 0) {
		assert_true(json_is_null(v));
	} else {
		assert_true(json_is_number(v));
		assert_true(json_number_value(v) > w->duration - 1e-6 &&
			    json_number_value(v) < w->duration + 1e-6);
	}
	expect_str_or_null(t, "title", w->title);
	expect_str_or_null(t, "artist", w->artist);
	expect_str_or_null(t, "album", w->album);
	expect_str_or_null(t, "album_artist", w->album_artist);
	expect_str_or_null(t, "genre", w->genre);
	expect_int_or_null(t, "year", w->year);
	expect_int_or_null(t, "track", w->number);
	expect_int_or_null(t, "disc", w->disc);
}

static void
test_json_shape(void **state)
{
	json_error_t err;
	json_t *root, *arr;
	size_t len, i;
	char *b;

	(void)state;
	b = render(LIST_FORMAT_JSON, NULL, NTRACKS, &len);
	root = json_loadb(b, len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL)
		fail_msg("JSON does not parse: %s (line %d)", err.text,
			 err.line);
	assert_true(json_is_object(root));
	assert_true(json_is_integer(json_object_get(root, "count")));
	assert_int_equal(json_integer_value(json_object_get(root, "count")),
			 NTRACKS);
	arr = json_object_get(root, "tracks");
	assert_true(json_is_array(arr));
	assert_int_equal(json_array_size(arr), NTRACKS);
	for (i = 0; i < NTRACKS; i++)
		check_json_track(json_array_get(arr, i), i);
	json_decref(root);
	free(b);
}

static void
test_json_empty(void **state)
{
	json_t *root;
	size_t len;
	char *b;

	(void)state;
	b = render(LIST_FORMAT_JSON, NULL, 0, &len);
	root = json_loadb(b, len, 0, NULL);
	assert_non_null(root);
	assert_int_equal(json_integer_value(json_object_get(root, "count")),
			 0);
	assert_true(json_is_array(json_object_get(root, "tracks")));
	assert_int_equal(json_array_size(json_object_get(root, "tracks")), 0);
	json_decref(root);
	free(b);
}

/* The lines of an m3u body (\n or \r\n), NULL-terminated; free each. */
static char **
lines_of(const char *b, size_t len, size_t *n)
{
	char **v = calloc(len + 2, sizeof *v);
	size_t i = 0, start = 0, k;

	assert_non_null(v);
	for (k = 0; k <= len; k++) {
		if (k < len && b[k] != '\n')
			continue;
		if (k == len && start == len)
			break;
		size_t e = k;
		if (e > start && b[e - 1] == '\r')
			e--;
		v[i] = cstr(b + start, e - start);
		i++;
		start = k + 1;
	}
	*n = i;
	return v;
}

static void
free_lines(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
test_m3u(void **state)
{
	char want[256];
	size_t len, n, i;
	char **l;
	char *b;

	(void)state;
	b = render(LIST_FORMAT_M3U, HOST, NTRACKS, &len);
	assert_true(len > 0 && b[len - 1] == '\n');
	l = lines_of(b, len, &n);
	/* Exactly #EXTM3U and two lines per track: no tag breaks a line. */
	assert_int_equal(n, 1 + 2 * NTRACKS);
	assert_string_equal(l[0], "#EXTM3U");
	for (i = 0; i < NTRACKS; i++) {
		const char *inf = l[1 + 2 * i];

		if (strncmp(inf, "#EXTINF:", 8) != 0)
			fail_msg("line %zu: \"%s\"", 1 + 2 * i, inf);
		snprintf(want, sizeof want, "http://%s/stream/%zu", HOST, i);
		assert_string_equal(l[2 + 2 * i], want);
	}
	/* Whole seconds (rounded either way), artist - title when both. */
	assert_string_equal(l[1], "#EXTINF:305,Bj\xc3\xb6rk - J\xc3\xb3ga");
	assert_string_equal(l[3], "#EXTINF:-1,odd/100% #1 ?.mp3");
	/* A title without an artist: the path. */
	assert_string_equal(l[5], "#EXTINF:12,q'uote\\back.wav");
	assert_string_equal(l[9], "#EXTINF:-1,\xe6\x97\xa5\xe6\x9c\xac/"
				  "\xe6\xad\x8c.m4a");
	free_lines(l, n);
	free(b);
}

static void
test_m3u_ipv6_host(void **state)
{
	size_t len;
	char *b, *s;

	(void)state;
	b = render(LIST_FORMAT_M3U, "[::1]:3456", 2, &len);
	s = cstr(b, len);
	assert_non_null(strstr(s, "\nhttp://[::1]:3456/stream/0\n"));
	assert_non_null(strstr(s, "\nhttp://[::1]:3456/stream/1\n"));
	free(s);
	free(b);
}

static void
test_m3u_empty(void **state)
{
	size_t len;
	char *b, *s;

	(void)state;
	b = render(LIST_FORMAT_M3U, HOST, 0, &len);
	s = cstr(b, len);
	assert_true(strncmp(s, "#EXTM3U", 7) == 0);
	assert_null(strstr(s, "#EXTINF"));
	free(s);
	free(b);
}

static void
check_html_tag(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		fail_msg("HTML lacks %s", want);
}

static void
test_html_players_and_links(void **state)
{
	char want[128];
	size_t len, i;
	char *b, *s;

	(void)state;
	b = render(LIST_FORMAT_HTML, NULL, NTRACKS, &len);
	s = cstr(b, len);
	for (i = 0; i < NTRACKS; i++) {
		snprintf(want, sizeof want,
			 "<audio controls preload=\"none\" "
			 "src=\"/stream/%zu\">",
			 i);
		check_html_tag(s, want);
		snprintf(want, sizeof want,
			 "<a href=\"/stream/%zu?download=1\">", i);
		check_html_tag(s, want);
	}
	free(s);
	free(b);
}

/* Does every "<link" on the page point at data: and load no style? */
static void
check_links_self_contained(const char *s)
{
	const char *p = s;

	while ((p = strcasestr(p, "<link")) != NULL) {
		const char *end = strchr(p, '>');
		char *tag;

		assert_non_null(end);
		tag = cstr(p, (size_t)(end - p));
		if (strcasestr(tag, "stylesheet") != NULL ||
		    strcasestr(tag, "preload") != NULL ||
		    (strcasestr(tag, "href=") != NULL &&
		     strcasestr(tag, "href=\"data:") == NULL &&
		     strcasestr(tag, "href='data:") == NULL))
			fail_msg("HTML loads something: %s>", tag);
		free(tag);
		p = end;
	}
}

/* Every CSS url( loads data: only. */
static void
check_urls_data(const char *s)
{
	const char *p = s;

	while ((p = strcasestr(p, "url(")) != NULL) {
		p += 4;
		while (*p == ' ' || *p == '"' || *p == '\'')
			p++;
		if (strncasecmp(p, "data:", 5) != 0)
			fail_msg("HTML has a CSS url() that is not data:");
	}
}

static void
test_html_self_contained(void **state)
{
	size_t len;
	char *b, *s;

	(void)state;
	b = render(LIST_FORMAT_HTML, NULL, NTRACKS, &len);
	s = cstr(b, len);
	assert_null(strcasestr(s, "<script src"));
	assert_null(strcasestr(s, "@import"));
	assert_null(strcasestr(s, "http://"));
	assert_null(strcasestr(s, "https://"));
	assert_null(strcasestr(s, "src=\"//"));
	assert_null(strcasestr(s, "href=\"//"));
	check_links_self_contained(s);
	check_urls_data(s);
	assert_non_null(strcasestr(s, "<!doctype html"));
	assert_true(strcasestr(s, "charset=\"utf-8\"") != NULL ||
		    strcasestr(s, "charset=utf-8") != NULL);
	free(s);
	free(b);
}

static void
test_html_escaping(void **state)
{
	size_t len;
	char *b, *s;

	(void)state;
	b = render(LIST_FORMAT_HTML, NULL, NTRACKS, &len);
	s = cstr(b, len);
	/* No raw markup from names or tags. */
	assert_null(strstr(s, "<script>alert"));
	assert_null(strstr(s, "<more>"));
	assert_null(strstr(s, "& <"));
	assert_null(strstr(s, "A & B"));
	assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	/* The title labels track 0; path-only tracks show their path. */
	assert_non_null(strstr(s, "J\xc3\xb3ga"));
	assert_non_null(strstr(s, "odd/100% #1 ?.mp3"));
	assert_non_null(
		strstr(s, "\xe6\x97\xa5\xe6\x9c\xac/\xe6\xad\x8c.m4a"));
	free(s);
	free(b);
}

static void
test_html_empty(void **state)
{
	size_t len;
	char *b, *s;

	(void)state;
	b = render(LIST_FORMAT_HTML, NULL, 0, &len);
	s = cstr(b, len);
	assert_non_null(strcasestr(s, "</html>"));
	assert_null(strstr(s, "/stream/"));
	free(s);
	free(b);
}

static void
test_content_types(void **state)
{
	(void)state;
	assert_true(strncmp(listing_content_type(LIST_FORMAT_TEXT),
			    "text/plain", 10) == 0);
	assert_non_null(
		strcasestr(listing_content_type(LIST_FORMAT_TEXT), "utf-8"));
	assert_true(strncmp(listing_content_type(LIST_FORMAT_JSON),
			    "application/json", 16) == 0);
	assert_true(strncmp(listing_content_type(LIST_FORMAT_HTML),
			    "text/html", 9) == 0);
	assert_non_null(
		strcasestr(listing_content_type(LIST_FORMAT_HTML), "utf-8"));
	assert_true(strncmp(listing_content_type(LIST_FORMAT_M3U),
			    "audio/x-mpegurl", 15) == 0);
}

static void
test_host_valid(void **state)
{
	static const char *const good[] = {
		"localhost",
		"localhost:3456",
		"127.0.0.1",
		"127.0.0.1:3456",
		"example.com",
		"example.com:80",
		"my-host.local:1",
		"a",
		"[::1]",
		"[::1]:3456",
		"[2001:db8::1]:8080",
		"HOST.Example.ORG",
		"x:65535",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!listing_host_valid(good[i]))
			fail_msg("host \"%s\" refused", good[i]);
}

static void
test_host_invalid(void **state)
{
	static const char *const bad[] = {
		"",	     " ",	    "a b",
		"host ",     " host",	    "host\r\nX-Evil: 1",
		"host\n",    "host\r",	    "ho\"st",
		"<script>",  "host<",	    "host>",
		"host:",     "host:123456", "host:1234567890",
		"host:abc",  "host:80:80",  "host:-1",
		"host:+80",  "host/path",   "host\\x",
		"user@host", "host?x",	    "host#x",
		"host\t",    "[::1",	    "::1",
		"[::1]x",    "[::1]:",	    "[::1]:123456",
		"[::1]]",    "[<script>]",  "[\"]",
		"ho\x01st",  "ho\x7fst",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (listing_host_valid(bad[i]))
			fail_msg("host \"%s\" accepted", bad[i]);
}

static void
test_host_too_long(void **state)
{
	char buf[8192];

	(void)state;
	memset(buf, 'a', sizeof buf - 1);
	buf[sizeof buf - 1] = '\0';
	/* Either answer is fine; it must not crash or overrun. */
	(void)listing_host_valid(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_exact),
		cmocka_unit_test(test_text_empty),
		cmocka_unit_test(test_json_shape),
		cmocka_unit_test(test_json_empty),
		cmocka_unit_test(test_m3u),
		cmocka_unit_test(test_m3u_ipv6_host),
		cmocka_unit_test(test_m3u_empty),
		cmocka_unit_test(test_html_players_and_links),
		cmocka_unit_test(test_html_self_contained),
		cmocka_unit_test(test_html_escaping),
		cmocka_unit_test(test_html_empty),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test(test_host_valid),
		cmocka_unit_test(test_host_invalid),
		cmocka_unit_test(test_host_too_long),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
