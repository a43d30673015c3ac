/*
 * listing: render the library as text, JSON, HTML or m3u (see API.md).
 */
#include "listing.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"

/* HTML-escape s (text and attribute values alike). */
static void
out_html(struct strbuf *o, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&quot;";
			break;
		case '\'':
			e = "&#39;";
			break;
		default:
			continue;
		}
		strbuf_add(o, run, (size_t)(s - run));
		strbuf_str(o, e);
		run = s + 1;
	}
	strbuf_add(o, run, (size_t)(s - run));
}

/* A one-line label: control characters (tags may hold any) become spaces. */
static void
out_line(struct strbuf *o, const char *s)
{
	const char *run = s;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			continue;
		strbuf_add(o, run, (size_t)(s - run));
		strbuf_add(o, " ", 1);
		run = s + 1;
	}
	strbuf_add(o, run, (size_t)(s - run));
}

static char *
render_text(const struct track *t, size_t n, size_t *len)
{
	struct strbuf o = STRBUF_INIT(SIZE_MAX);
	size_t i;

	strbuf_add(&o, "", 0);
	for (i = 0; i < n; i++) {
		strbuf_fmt(&o, "%zu:", i);
		strbuf_str(&o, t[i].path);
		strbuf_add(&o, "\n", 1);
	}
	return strbuf_take(&o, len);
}

static json_t *
json_str_or_null(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

/* A positive number, or null (0 stands for unknown). */
static json_t *
json_int_or_null(int v)
{
	return v > 0 ? json_integer(v) : json_null();
}

static json_t *
track_json(const struct track *t, size_t index)
{
	char mtime[32];
	time_t secs = (time_t)(t->mtime_ns / 1000000000);
	struct tm tm;

	if (gmtime_r(&secs, &tm) == NULL ||
	    strftime(mtime, sizeof mtime, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return NULL;
	return json_pack(
		"{s:I, s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:o, "
		"s:o, s:o, s:o, s:o}",
		"index", (json_int_t)index, "path", t->path, "size",
		(json_int_t)t->size, "type", t->type, "mtime", mtime,
		"duration",
		t->duration >= 0 ? json_real(t->duration) : json_null(),
		"title", json_str_or_null(t->title), "artist",
		json_str_or_null(t->artist), "album",
		json_str_or_null(t->album), "album_artist",
		json_str_or_null(t->album_artist), "year",
		json_int_or_null(t->year), "genre", json_str_or_null(t->genre),
		"track", json_int_or_null(t->number), "disc",
		json_int_or_null(t->disc));
}

static char *
render_json(const struct track *t, size_t n, size_t *len)
{
	json_t *root, *arr, *item;
	char *body = NULL;
	size_t i;

	arr = json_array();
	root = json_pack("{s:I, s:o}", "count", (json_int_t)n, "tracks", arr);
	if (root == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		item = track_json(&t[i], i);
		if (item != NULL) /* art: the picture at /art/<index> */
			json_object_set_new(item, "art",
					    json_boolean(t[i].art));
		if (item == NULL || json_array_append_new(arr, item) != 0)
			goto out;
	}
	body = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (body != NULL)
		*len = strlen(body);
out:
	json_decref(root);
	return body;
}

/* "3:05", or "" when unknown. */
static void
out_duration(struct strbuf *o, double d)
{
	long s;

	if (d < 0)
		return;
	s = (long)(d + 0.5);
	if (s >= 3600)
		strbuf_fmt(o, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60,
			   s % 60);
	else
		strbuf_fmt(o, "%ld:%02ld", s / 60, s % 60);
}

/* "4.2 MB" */
static void
out_size(struct strbuf *o, uint64_t size)
{
	static const char *const units[] = {"B", "KB", "MB", "GB", "TB"};
	double v = (double)size;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		strbuf_fmt(o, "%" PRIu64 " B", size);
	else
		strbuf_fmt(o, "%.1f %s", v, units[u]);
}

static const char html_head[] =
	"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width, "
	"initial-scale=1\">\n<title>as: music library</title>\n"
	"<link rel=\"icon\" href=\"data:,\">\n<style>\n"
	"body{font:16px/1.4 system-ui,sans-serif;margin:0 auto;"
	"max-width:60em;padding:1em;color:#222;background:#fafafa}\n"
	"h1{font-size:1.4em;margin:.2em 0}\n"
	"input[type=search]{width:100%;font-size:1em;padding:.4em;"
	"box-sizing:border-box;margin:.5em 0}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"td,th{padding:.3em .4em;border-bottom:1px solid #ddd;"
	"text-align:left;vertical-align:middle}\n"
	"td.n,td.d,td.s{white-space:nowrap;color:#555}\n"
	".sub{color:#666;font-size:.85em}\n"
	"audio{width:14em;max-width:100%;height:2em}\n"
	"tr.playing{background:#e8f0ff}\n"
	"tr.g th{background:#eee;font-weight:600;padding-top:.8em}\n"
	"tr.g img{width:48px;height:48px;object-fit:contain;"
	"vertical-align:middle;margin-right:.6em}\n"
	"td.v a{display:inline-block;padding:.4em .2em}\n"
	"@media (max-width:40em){table,tbody,tr,td,th{display:block}"
	"thead,td.n,td.s{display:none}tr{padding:.4em 0;"
	"border-bottom:1px solid #ddd}td{border:0;padding:.15em 0}"
	"td.d,td.v{display:inline-block;margin-right:1em}"
	"audio{width:100%;height:2.5em}}\n"
	"</style></head><body>\n<h1>Music library</h1>\n"
	"<input type=\"search\" id=\"q\" placeholder=\"Search title, artist, "
	"album or path\" aria-label=\"Search\">\n"
	"<table id=\"tracks\"><thead><tr><th class=\"n\">#</th>"
	"<th>Track</th><th class=\"d\">Time</th><th class=\"s\">Size</th>"
	"<th>Play</th><th>Save</th></tr></thead><tbody>\n";

/*
 * Filter on input (a group heading hides with its last track); when a
 * track ends, play the next visible one; one track plays at a time.
 */
static const char html_tail[] =
	"</tbody></table>\n<script>\n"
	"(function(){\n"
	"var q=document.getElementById('q');\n"
	"var all=Array.prototype.slice.call("
	"document.querySelectorAll('#tracks tbody tr'));\n"
	"var rows=all.filter(function(r){return r.querySelector('audio');});\n"
	"function filter(){\n"
	" var w=q.value.toLowerCase(),head=null,shown=false;\n"
	" all.forEach(function(r){\n"
	"  if(!r.querySelector('audio')){if(head)head.hidden=!shown;"
	"head=r;shown=false;return;}\n"
	"  r.hidden=w!==''&&r.getAttribute('data-s').toLowerCase()"
	".indexOf(w)<0;\n"
	"  if(!r.hidden)shown=true;\n"
	" });\n"
	" if(head)head.hidden=!shown;\n"
	"}\n"
	"q.addEventListener('input',filter);\n"
	"rows.forEach(function(r,i){\n"
	" var a=r.querySelector('audio');\n"
	" a.addEventListener('play',function(){\n"
	"  rows.forEach(function(o){var b=o.querySelector('audio');"
	"if(b!==a&&!b.paused)b.pause();o.classList.remove('playing');});\n"
	"  r.classList.add('playing');\n"
	" });\n"
	" a.addEventListener('ended',function(){\n"
	"  for(var j=i+1;j<rows.length;j++){if(!rows[j].hidden){"
	"rows[j].querySelector('audio').play();return;}}\n"
	" });\n"
	"});\n"
	"})();\n"
	"</script>\n</body></html>\n";

/* sep (e.g. "?" or "&amp;") and "token=T" when the server has a token. */
static void
out_token(struct strbuf *o, const struct listing_opts *opts, const char *sep)
{
	if (opts->token == NULL)
		return;
	strbuf_str(o, sep);
	strbuf_str(o, "token=");
	strbuf_str(o, opts->token);
}

static void
out_search_tag(struct strbuf *o, const char *tag)
{
	if (tag == NULL)
		return;
	strbuf_str(o, " ");
	out_html(o, tag);
}

static void
html_row(struct strbuf *o, const struct track *t, size_t i,
	 const struct listing_opts *opts)
{
	/* what the search box looks in: path and tags */
	strbuf_str(o, "<tr data-s=\"");
	out_html(o, t->path);
	out_search_tag(o, t->title);
	out_search_tag(o, t->artist);
	out_search_tag(o, t->album);
	strbuf_fmt(o, "\"><td class=\"n\">%zu</td><td class=\"t\">", i);
	out_html(o, t->title != NULL ? t->title : t->path);
	if (t->artist != NULL || t->album != NULL) {
		strbuf_str(o, "<div class=\"sub\">");
		out_html(o, t->artist != NULL ? t->artist : "");
		if (t->artist != NULL && t->album != NULL)
			strbuf_str(o, " \xe2\x80\x94 ");
		out_html(o, t->album != NULL ? t->album : "");
		strbuf_str(o, "</div>");
	}
	strbuf_str(o, "</td><td class=\"d\">");
	out_duration(o, t->duration);
	strbuf_str(o, "</td><td class=\"s\">");
	out_size(o, t->size);
	strbuf_fmt(o,
		   "</td><td><audio controls preload=\"none\" "
		   "src=\"/stream/%zu",
		   i);
	out_token(o, opts, "?");
	strbuf_fmt(o,
		   "\"></audio></td><td class=\"v\"><a "
		   "href=\"/stream/%zu?download=1",
		   i);
	out_token(o, opts, "&amp;");
	strbuf_str(o, "\">download</a></td></tr>\n");
}

/*
 * The page groups tracks by folder (artist/album folders, as a library is
 * usually laid out) and heads each group with "artist \u2014 album" from
 * the first of its tracks that has either tag, else with the folder.
 */
struct html_item {
	const struct track *t;
	size_t index;
	size_t dirlen; /* bytes of t->path before its last '/' */
};

static int
html_order(const void *a, const void *b)
{
	const struct html_item *x = a, *y = b;
	size_t n = x->dirlen < y->dirlen ? x->dirlen : y->dirlen;
	int c = memcmp(x->t->path, y->t->path, n);

	if (c == 0 && x->dirlen != y->dirlen)
		c = x->dirlen < y->dirlen ? -1 : 1;
	if (c != 0)
		return c;
	if (x->t->number != y->t->number)
		return x->t->number < y->t->number ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static bool
same_folder(const struct html_item *a, const struct html_item *b)
{
	return a->dirlen == b->dirlen &&
	       memcmp(a->t->path, b->t->path, a->dirlen) == 0;
}

/* The picture of the first track of items[0..n) that has one, lazily
 * loaded at twice its shown size (sharp on dense screens). */
static void
html_art(struct strbuf *o, const struct html_item *items, size_t n,
	 const struct listing_opts *opts)
{
	for (size_t i = 0; i < n; i++) {
		if (!items[i].t->art)
			continue;
		strbuf_fmt(o, "<img src=\"/art/%zu?size=96", items[i].index);
		out_token(o, opts, "&amp;");
		strbuf_str(o, "\" width=\"48\" height=\"48\" loading=\"lazy\" "
			      "alt=\"\">");
		return;
	}
}

/* The heading of the group items[0..n). */
static void
html_group(struct strbuf *o, const struct html_item *items, size_t n,
	   const struct listing_opts *opts)
{
	const struct track *t = NULL;
	size_t i;

	for (i = 0; i < n && t == NULL; i++) {
		if (items[i].t->artist != NULL || items[i].t->album != NULL)
			t = items[i].t;
	}
	strbuf_str(o, "<tr class=\"g\"><th colspan=\"6\">");
	html_art(o, items, n, opts);
	if (t != NULL) {
		out_html(o, t->artist != NULL ? t->artist : "Unknown artist");
		strbuf_str(o, " \xe2\x80\x94 ");
		out_html(o, t->album != NULL ? t->album : "Unknown album");
	} else if (items[0].dirlen > 0) {
		char *dir = strndup(items[0].t->path, items[0].dirlen);

		if (dir == NULL)
			o->failed = true;
		else
			out_html(o, dir);
		free(dir);
	} else {
		strbuf_str(o, "Library");
	}
	strbuf_str(o, "</th></tr>\n");
}

static char *
render_html(const struct track *t, size_t n, const struct listing_opts *opts,
	    size_t *len)
{
	struct html_item *items;
	struct strbuf o = STRBUF_INIT(SIZE_MAX);
	const char *slash;
	size_t i, g;

	items = calloc(n != 0 ? n : 1, sizeof *items);
	if (items == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		slash = strrchr(t[i].path, '/');
		items[i].t = &t[i];
		items[i].index = i;
		items[i].dirlen =
			slash != NULL ? (size_t)(slash - t[i].path) : 0;
	}
	qsort(items, n, sizeof *items, html_order);
	strbuf_str(&o, html_head);
	for (g = 0; g < n; g = i) {
		for (i = g + 1; i < n && same_folder(&items[i], &items[g]);
		     i++)
			;
		html_group(&o, &items[g], i - g, opts);
		for (size_t k = g; k < i; k++)
			html_row(&o, items[k].t, items[k].index, opts);
	}
	if (n == 0)
		strbuf_str(&o, "<tr><td colspan=\"6\">The library is empty."
			       "</td></tr>\n");
	strbuf_str(&o, html_tail);
	free(items);
	return strbuf_take(&o, len);
}

static char *
render_m3u(const struct track *t, size_t n, const struct listing_opts *opts,
	   size_t *len)
{
	struct strbuf o = STRBUF_INIT(SIZE_MAX);
	size_t i;

	strbuf_str(&o, "#EXTM3U\n");
	for (i = 0; i < n; i++) {
		strbuf_fmt(&o, "#EXTINF:%ld,",
			   t[i].duration >= 0 ? (long)(t[i].duration + 0.5)
					      : -1L);
		if (t[i].artist != NULL && t[i].title != NULL) {
			out_line(&o, t[i].artist);
			strbuf_str(&o, " - ");
			out_line(&o, t[i].title);
		} else {
			out_line(&o, t[i].path);
		}
		strbuf_str(&o, "\n");
		strbuf_str(&o, opts->scheme != NULL ? opts->scheme : "http");
		strbuf_str(&o, "://");
		strbuf_str(&o, opts->host);
		strbuf_fmt(&o, "/stream/%zu", i);
		out_token(&o, opts, "?");
		strbuf_str(&o, "\n");
	}
	return strbuf_take(&o, len);
}

char *
listing_render_opts(const struct track *tracks, size_t n, enum list_format f,
		    const struct listing_opts *opts, size_t *len)
{
	switch (f) {
	case LIST_FORMAT_TEXT:
		return render_text(tracks, n, len);
	case LIST_FORMAT_JSON:
		return render_json(tracks, n, len);
	case LIST_FORMAT_HTML:
		return render_html(tracks, n, opts, len);
	case LIST_FORMAT_M3U:
		if (opts->host == NULL || !listing_host_valid(opts->host))
			return NULL;
		return render_m3u(tracks, n, opts, len);
	default:
		return NULL;
	}
}

char *
listing_render(const struct track *tracks, size_t n, enum list_format f,
	       const char *host, size_t *len)
{
	struct listing_opts opts = {host, "http", NULL};

	return listing_render_opts(tracks, n, f, &opts, len);
}

const char *
listing_content_type(enum list_format f)
{
	switch (f) {
	case LIST_FORMAT_JSON:
		return "application/json";
	case LIST_FORMAT_HTML:
		return "text/html; charset=utf-8";
	case LIST_FORMAT_M3U:
		return "audio/x-mpegurl";
	default:
		return "text/plain; charset=utf-8";
	}
}

/* Host name characters: letters, digits and "-._~" (RFC 3986 unreserved). */
static bool
regname_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("-._~", c) != NULL;
}

#define HOST_MAX 255

bool
listing_host_valid(const char *h)
{
	const char *p = h, *port;
	size_t n = strnlen(h, HOST_MAX + 1);

	if (n == 0 || n > HOST_MAX)
		return false;
	if (*p == '[') { /* IPv6 literal: hex digits, colons, dots */
		for (p++; *p != ']'; p++) {
			if (*p == '\0' ||
			    strchr("0123456789abcdefABCDEF:.", *p) == NULL)
				return false;
		}
		if (p == h + 1)
			return false;
		p++;
	} else {
		for (; *p != '\0' && *p != ':'; p++) {
			if (!regname_char(*p))
				return false;
		}
		if (p == h)
			return false;
	}
	if (*p == '\0')
		return true;
	if (*p != ':')
		return false;
	port = ++p;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return false;
	}
	return p - port >= 1 && p - port <= 5;
}
