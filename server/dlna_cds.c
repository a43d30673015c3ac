/*
 * dlna_cds: the ContentDirectory's tree and its DIDL-Lite (dlna_cds.h).
 */
#include "dlna_cds.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "strbuf.h"
#include "track.h"
#include "xml.h"

#define CDS_ART_SIZE 160 /* JPEG_TN: at most 160 pixels a side */
#define CDS_HASH_ID_LEN (CATALOG_ID_LEN - 1) /* "tr-" and 16 hex digits */

enum kind {
	K_ROOT,
	K_MUSIC,
	K_ALL,
	K_ARTISTS,
	K_ARTIST,	/* a: artist */
	K_ARTIST_ALBUM, /* a: artist, b: album */
	K_ALBUMS,
	K_ALBUM,  /* b: album */
	K_FOLDER, /* dir[0..dlen), tracks [lo, hi) below it */
};

/* A container of the tree. */
struct node {
	enum kind kind;
	size_t a, b;
	const char *dir; /* "" for "folders"; no trailing '/' */
	size_t dlen;
	size_t lo, hi;
};

/* One child of a folder: a subfolder (tracks [lo, hi), its name
 * tracks[lo].path[plen..plen+nlen)) or the track lo. */
struct entry {
	size_t lo, hi, nlen;
	int dir;
};

/*
 * Folder path dir[0..n) as it is in an object ID: control bytes (which
 * XML cannot carry) and '%' percent-encoded, the rest XML-escaped.
 */
static void
put_dir(struct strbuf *o, const char *dir, size_t n)
{
	size_t i, run = 0;
	unsigned char ch;

	for (i = 0; i < n; i++) {
		ch = (unsigned char)dir[i];
		if (ch >= 0x20 && ch != 0x7f && ch != '%')
			continue;
		xml_escape(o, dir + run, i - run);
		strbuf_fmt(o, "%%%02X", ch);
		run = i + 1;
	}
	xml_escape(o, dir + run, n - run);
}

/* Decode put_dir's encoding of s[0..n) into buf (n + 1 bytes at least);
 * the decoded length, or -1 when it is not one. */
static long
decode_dir(const char *s, size_t n, char *buf)
{
	size_t i, k = 0;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] != '%') {
			buf[k++] = s[i];
			continue;
		}
		if (n - i < 3)
			return -1;
		hi = parse_hex_digit(s[i + 1]);
		lo = parse_hex_digit(s[i + 2]);
		if (hi < 0 || lo < 0 || (hi | lo) == 0)
			return -1;
		buf[k++] = (char)(hi * 16 + lo);
		i += 2;
	}
	buf[k] = '\0';
	return (long)k;
}

const char *
dlna_cds_features(const char *type)
{
	/* OP=01: byte seeking; FLAGS: streaming transfer mode, background
	 * and interactive allowed, DLNA 1.5. Only MP3 has a DLNA profile
	 * among our types that holds for every file of the type. */
	if (strcmp(type, "audio/mpeg") == 0)
		return "DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;DLNA.ORG_CI=0;"
		       "DLNA.ORG_FLAGS=01700000000000000000000000000000";
	return "DLNA.ORG_OP=01;DLNA.ORG_CI=0;"
	       "DLNA.ORG_FLAGS=01700000000000000000000000000000";
}

enum cds_error
dlna_cds_args(const char *object_id, const char *flag, const char *start,
	      const char *count, struct cds_browse *out, const char **cause)
{
	uint64_t v;

	memset(out, 0, sizeof *out);
	if (object_id == NULL || object_id[0] == '\0' ||
	    strlen(object_id) > CDS_ID_MAX) {
		*cause = "ObjectID: expected an object ID of 1 to 8192 bytes "
			 "(\"0\" is the root)";
		return CDS_ERR_INVALID_ARGS;
	}
	out->object_id = object_id;
	if (flag != NULL && strcmp(flag, "BrowseMetadata") == 0) {
		out->metadata = true;
	} else if (flag == NULL || strcmp(flag, "BrowseDirectChildren") != 0) {
		*cause = "BrowseFlag: expected BrowseMetadata or "
			 "BrowseDirectChildren";
		return CDS_ERR_INVALID_ARGS;
	}
	if (start == NULL || parse_u64_str(start, &v) != PARSE_OK ||
	    v > UINT32_MAX) {
		*cause = "StartingIndex: expected a whole number from 0 to "
			 "4294967295";
		return CDS_ERR_INVALID_ARGS;
	}
	out->start = (uint32_t)v;
	if (count == NULL || parse_u64_str(count, &v) != PARSE_OK ||
	    v > UINT32_MAX) {
		*cause = "RequestedCount: expected a whole number from 0 to "
			 "4294967295 (0: all)";
		return CDS_ERR_INVALID_ARGS;
	}
	out->count = (uint32_t)v;
	return CDS_OK;
}

/* Does path start with dir[0..dlen) and a '/'? */
static int
under(const char *path, const char *dir, size_t dlen)
{
	return strncmp(path, dir, dlen) == 0 && path[dlen] == '/';
}

/* bytewise path <=> dir "/" as far as that prefix goes */
static int
cmp_prefix(const char *path, const char *dir, size_t dlen)
{
	int r = strncmp(path, dir, dlen);

	if (r != 0)
		return r;
	if (memchr(path, '\0', dlen) != NULL)
		return -1;
	return (unsigned char)path[dlen] - (unsigned char)'/';
}

/*
 * The tracks below folder dir[0..dlen): [*lo, *hi) of the table (sorted
 * bytewise by path, so they are contiguous). 0, or -1 when there is none.
 */
static int
folder_range(const struct catalog *c, const char *dir, size_t dlen, size_t *lo,
	     size_t *hi)
{
	size_t l = 0, h = c->track_count, m;

	if (dlen == 0) {
		*lo = 0;
		*hi = c->track_count;
		return 0;
	}
	while (l < h) { /* first path >= dir "/" */
		m = l + (h - l) / 2;
		if (cmp_prefix(c->tracks[m].path, dir, dlen) < 0)
			l = m + 1;
		else
			h = m;
	}
	*lo = l;
	h = c->track_count;
	while (l < h) { /* first path past the ones under dir */
		m = l + (h - l) / 2;
		if (cmp_prefix(c->tracks[m].path, dir, dlen) <= 0)
			l = m + 1;
		else
			h = m;
	}
	*hi = l;
	return *hi > *lo ? 0 : -1;
}

/* The length of folder node n's path prefix in its tracks' paths. */
static size_t
prefix_len(const struct node *n)
{
	return n->dlen > 0 ? n->dlen + 1 : 0;
}

/*
 * The children of folder n: subfolders by name, then its own tracks, in
 * *ents (malloc'd, the caller frees; NULL when out of memory or empty)
 * and their number. With ents NULL, only counts them.
 */
static size_t
folder_list(const struct catalog *c, const struct node *n, struct entry **ents)
{
	size_t plen = prefix_len(n), i, k = 0, pass;
	struct entry *e = NULL;
	const char *rest, *slash;

	if (ents != NULL) {
		*ents = NULL;
		if (n->hi == n->lo)
			return 0;
		e = malloc((n->hi - n->lo) * sizeof *e);
		if (e == NULL)
			return 0;
	}
	for (pass = 0; pass < 2; pass++) {
		for (i = n->lo; i < n->hi;) {
			rest = c->tracks[i].path + plen;
			slash = strchr(rest, '/');
			size_t j = i + 1,
			       nlen = slash ? (size_t)(slash - rest) : 0;

			if (slash != NULL)
				while (j < n->hi &&
				       under(c->tracks[j].path,
					     c->tracks[i].path, plen + nlen))
					j++;
			if ((slash != NULL) == (pass == 0)) {
				if (e != NULL)
					e[k] = (struct entry){i, j, nlen,
							      slash != NULL};
				k++;
			}
			i = j;
		}
	}
	if (ents != NULL)
		*ents = e;
	return k;
}

static int
lookup(long (*fn)(const struct catalog *, const char *),
       const struct catalog *c, const char *s, size_t len, size_t *out)
{
	char id[CATALOG_ID_LEN];
	long i;

	if (len != CDS_HASH_ID_LEN)
		return -1;
	memcpy(id, s, len);
	id[len] = '\0';
	i = fn(c, id);
	if (i < 0)
		return -1;
	*out = (size_t)i;
	return 0;
}

static int
is_word(const char *s, size_t len, const char *w)
{
	return strlen(w) == len && memcmp(s, w, len) == 0;
}

/* Parse container ID s[0..len) into *n (a folder's path decoded into
 * buf, CDS_ID_MAX + 1 bytes). 0, or -1 when there is none. */
static int
parse_container(const struct catalog *c, const char *s, size_t len,
		struct node *n, char *buf)
{
	long dlen;

	memset(n, 0, sizeof *n);
	n->dir = "";
	if (is_word(s, len, "0"))
		n->kind = K_ROOT;
	else if (is_word(s, len, "music"))
		n->kind = K_MUSIC;
	else if (is_word(s, len, "all"))
		n->kind = K_ALL;
	else if (is_word(s, len, "artists"))
		n->kind = K_ARTISTS;
	else if (is_word(s, len, "albums"))
		n->kind = K_ALBUMS;
	else if (is_word(s, len, "folders")) {
		n->kind = K_FOLDER;
		folder_range(c, "", 0, &n->lo, &n->hi);
	} else if (len > 2 && len <= CDS_ID_MAX && memcmp(s, "f/", 2) == 0 &&
		   memchr(s, '\0', len) == NULL) {
		dlen = decode_dir(s + 2, len - 2, buf);
		if (dlen <= 0)
			return -1;
		n->kind = K_FOLDER;
		n->dir = buf;
		n->dlen = (size_t)dlen;
		return folder_range(c, n->dir, n->dlen, &n->lo, &n->hi);
	} else if (len == CDS_HASH_ID_LEN && memcmp(s, "ar-", 3) == 0) {
		n->kind = K_ARTIST;
		return lookup(catalog_artist_index, c, s, len, &n->a);
	} else if (len == CDS_HASH_ID_LEN && memcmp(s, "al-", 3) == 0) {
		n->kind = K_ALBUM;
		return lookup(catalog_album_index, c, s, len, &n->b);
	} else if (len == 2 * CDS_HASH_ID_LEN + 1 &&
		   memcmp(s, "ar-", 3) == 0 && s[CDS_HASH_ID_LEN] == '/') {
		n->kind = K_ARTIST_ALBUM;
		if (lookup(catalog_artist_index, c, s, CDS_HASH_ID_LEN,
			   &n->a) != 0 ||
		    lookup(catalog_album_index, c, s + CDS_HASH_ID_LEN + 1,
			   CDS_HASH_ID_LEN, &n->b) != 0)
			return -1;
		return c->albums[n->b].artist == n->a ? 0 : -1;
	} else
		return -1;
	return 0;
}

/* Is track t a child of container n? */
static int
holds(const struct catalog *c, const struct node *n, size_t t)
{
	switch (n->kind) {
	case K_ALL:
		return 1;
	case K_ALBUM:
	case K_ARTIST_ALBUM:
		return c->songs[t].album == n->b;
	case K_FOLDER:
		return t >= n->lo && t < n->hi &&
		       strchr(c->tracks[t].path + prefix_len(n), '/') == NULL;
	default:
		return 0;
	}
}

/*
 * Parse object ID s into a container (*item -1) or a track (*item its
 * index) within container *n. 0, or -1 when there is no such object.
 */
static int
parse_object(const struct catalog *c, const char *s, struct node *n,
	     long *item, char *buf)
{
	size_t len = strlen(s), t;

	*item = -1;
	if (parse_container(c, s, len, n, buf) == 0)
		return 0;
	if (len <= CDS_HASH_ID_LEN + 1 ||
	    s[len - CDS_HASH_ID_LEN - 1] != '/' ||
	    memcmp(s + len - CDS_HASH_ID_LEN, "tr-", 3) != 0 ||
	    lookup(catalog_song_index, c, s + len - CDS_HASH_ID_LEN,
		   CDS_HASH_ID_LEN, &t) != 0 ||
	    parse_container(c, s, len - CDS_HASH_ID_LEN - 1, n, buf) != 0 ||
	    !holds(c, n, t))
		return -1;
	*item = (long)t;
	return 0;
}

static void
put_id(struct strbuf *o, const struct catalog *c, const struct node *n)
{
	static const char *const words[] = {
		[K_ROOT] = "0",	       [K_MUSIC] = "music",
		[K_ALL] = "all",       [K_ARTISTS] = "artists",
		[K_ALBUMS] = "albums",
	};

	switch (n->kind) {
	case K_ARTIST:
		strbuf_str(o, c->artists[n->a].id);
		break;
	case K_ARTIST_ALBUM:
		strbuf_fmt(o, "%s/%s", c->artists[n->a].id,
			   c->albums[n->b].id);
		break;
	case K_ALBUM:
		strbuf_str(o, c->albums[n->b].id);
		break;
	case K_FOLDER:
		if (n->dlen == 0) {
			strbuf_str(o, "folders");
		} else {
			strbuf_str(o, "f/");
			put_dir(o, n->dir, n->dlen);
		}
		break;
	default:
		strbuf_str(o, words[n->kind]);
	}
}

static void
put_parent_id(struct strbuf *o, const struct catalog *c, const struct node *n)
{
	const char *slash;

	switch (n->kind) {
	case K_ROOT:
		strbuf_str(o, "-1");
		break;
	case K_MUSIC:
		strbuf_str(o, "0");
		break;
	case K_ARTIST:
		strbuf_str(o, "artists");
		break;
	case K_ARTIST_ALBUM:
		strbuf_str(o, c->artists[n->a].id);
		break;
	case K_ALBUM:
		strbuf_str(o, "albums");
		break;
	case K_FOLDER:
		slash = n->dlen > 0 ? memrchr(n->dir, '/', n->dlen) : NULL;
		if (slash == NULL) {
			strbuf_str(o, n->dlen > 0 ? "folders" : "music");
		} else {
			strbuf_str(o, "f/");
			put_dir(o, n->dir, (size_t)(slash - n->dir));
		}
		break;
	default:
		strbuf_str(o, "music");
	}
}

static size_t
child_count(const struct catalog *c, const struct node *n)
{
	switch (n->kind) {
	case K_ROOT:
		return 1;
	case K_MUSIC:
		return 4;
	case K_ALL:
		return c->track_count;
	case K_ARTISTS:
		return c->artist_count;
	case K_ARTIST:
		return c->artists[n->a].album_count;
	case K_ALBUMS:
		return c->album_count;
	case K_ALBUM:
	case K_ARTIST_ALBUM:
		return c->albums[n->b].song_count;
	case K_FOLDER:
		return folder_list(c, n, NULL);
	}
	return 0;
}

/* The URL of track t's path under base, with the token. */
static void
put_url(struct strbuf *o, const struct cds_base *base, const char *what,
	size_t t, const char *query)
{
	xml_escape_str(o, base->url);
	strbuf_fmt(o, "/%s/%zu", what, t);
	if (query != NULL)
		xml_escape_str(o, query);
	if (base->token != NULL) {
		strbuf_str(o, query != NULL ? "&amp;token=" : "?token=");
		xml_escape_str(o, base->token);
	}
}

static void
put_art(struct strbuf *o, const struct catalog *c, const struct cds_base *base,
	size_t t)
{
	char q[32];

	if (!c->tracks[t].art ||
	    snprintf(q, sizeof q, "?size=%d", CDS_ART_SIZE) < 0)
		return;
	strbuf_str(o, "<upnp:albumArtURI dlna:profileID=\"JPEG_TN\">");
	put_url(o, base, "art", t, q);
	strbuf_str(o, "</upnp:albumArtURI>");
}

/* An element <name>text</name>, when text is not NULL. */
static void
put_elem(struct strbuf *o, const char *name, const char *text)
{
	if (text == NULL || text[0] == '\0')
		return;
	strbuf_fmt(o, "<%s>", name);
	xml_escape_str(o, text);
	strbuf_fmt(o, "</%s>", name);
}

/* A track's title: its tag, else its file name without the extension. */
static void
put_title(struct strbuf *o, const struct track *tr)
{
	const char *name, *dot;

	strbuf_str(o, "<dc:title>");
	if (tr->title != NULL && tr->title[0] != '\0') {
		xml_escape_str(o, tr->title);
	} else {
		name = strrchr(tr->path, '/');
		name = name != NULL ? name + 1 : tr->path;
		dot = strrchr(name, '.');
		xml_escape(o, name,
			   dot != NULL && dot > name ? (size_t)(dot - name)
						     : strlen(name));
	}
	strbuf_str(o, "</dc:title>");
}

static void
put_res(struct strbuf *o, const struct track *tr, const struct cds_base *base,
	size_t t)
{
	uint64_t ms;

	strbuf_str(o, "<res protocolInfo=\"http-get:*:");
	xml_escape_str(o, tr->type);
	strbuf_str(o, ":");
	strbuf_str(o, dlna_cds_features(tr->type));
	strbuf_fmt(o, "\" size=\"%" PRIu64 "\"", tr->size);
	if (tr->duration >= 0 && tr->duration < 1e9) {
		ms = (uint64_t)(tr->duration * 1000.0 + 0.5);
		strbuf_fmt(o, " duration=\"%" PRIu64 ":%02u:%02u.%03u\"",
			   ms / 3600000, (unsigned)(ms / 60000 % 60),
			   (unsigned)(ms / 1000 % 60), (unsigned)(ms % 1000));
	}
	strbuf_str(o, ">");
	put_url(o, base, "stream", t, NULL);
	strbuf_str(o, "</res>");
}

/* Track t as an item of container n. */
static void
put_item(struct strbuf *o, const struct catalog *c, const struct node *n,
	 size_t t, const struct cds_base *base)
{
	const struct track *tr = &c->tracks[t];
	const char *artist =
		tr->artist != NULL ? tr->artist : tr->album_artist;

	strbuf_str(o, "<item id=\"");
	put_id(o, c, n);
	strbuf_fmt(o, "/%s\" parentID=\"", c->songs[t].id);
	put_id(o, c, n);
	strbuf_str(o, "\" restricted=\"1\">");
	put_title(o, tr);
	strbuf_str(o, "<upnp:class>object.item.audioItem.musicTrack"
		      "</upnp:class>");
	put_elem(o, "dc:creator", artist);
	put_elem(o, "upnp:artist", artist);
	put_elem(o, "upnp:album", tr->album);
	put_elem(o, "upnp:genre", tr->genre);
	if (tr->year > 0 && tr->year <= 9999)
		strbuf_fmt(o, "<dc:date>%04d-01-01</dc:date>", tr->year);
	if (tr->number > 0)
		strbuf_fmt(o,
			   "<upnp:originalTrackNumber>%d</"
			   "upnp:originalTrackNumber>",
			   tr->number);
	put_art(o, c, base, t);
	put_res(o, tr, base, t);
	strbuf_str(o, "</item>");
}

static void
put_container_title(struct strbuf *o, const struct catalog *c,
		    const struct node *n)
{
	static const char *const titles[] = {
		[K_ROOT] = "root",	[K_MUSIC] = "Music",
		[K_ALL] = "All tracks", [K_ARTISTS] = "Artists",
		[K_ALBUMS] = "Albums",
	};
	const char *slash;

	strbuf_str(o, "<dc:title>");
	switch (n->kind) {
	case K_ARTIST:
		xml_escape_str(o, c->artists[n->a].name);
		break;
	case K_ARTIST_ALBUM:
	case K_ALBUM:
		xml_escape_str(o, c->albums[n->b].name);
		break;
	case K_FOLDER:
		if (n->dlen == 0) {
			strbuf_str(o, "Folders");
			break;
		}
		slash = memrchr(n->dir, '/', n->dlen);
		slash = slash != NULL ? slash + 1 : n->dir;
		xml_escape(o, slash, n->dlen - (size_t)(slash - n->dir));
		break;
	default:
		strbuf_str(o, titles[n->kind]);
	}
	strbuf_str(o, "</dc:title>");
}

static void
put_container(struct strbuf *o, const struct catalog *c, const struct node *n,
	      const struct cds_base *base)
{
	const struct catalog_album *al = NULL;

	strbuf_str(o, "<container id=\"");
	put_id(o, c, n);
	strbuf_str(o, "\" parentID=\"");
	put_parent_id(o, c, n);
	strbuf_fmt(o,
		   "\" restricted=\"1\" searchable=\"0\" childCount=\"%zu\">",
		   child_count(c, n));
	put_container_title(o, c, n);
	if (n->kind == K_ARTIST) {
		strbuf_str(o, "<upnp:class>object.container.person.musicArtist"
			      "</upnp:class>");
	} else if (n->kind == K_ALBUM || n->kind == K_ARTIST_ALBUM) {
		al = &c->albums[n->b];
		strbuf_str(o, "<upnp:class>object.container.album.musicAlbum"
			      "</upnp:class>");
		put_elem(o, "upnp:artist", al->artist_name);
		put_elem(o, "dc:creator", al->artist_name);
		if (al->song_count > 0)
			put_art(o, c, base, al->art_track);
	} else {
		strbuf_str(o, "<upnp:class>object.container.storageFolder"
			      "</upnp:class>");
	}
	strbuf_str(o, "</container>");
}

/* Write child k of container n (k < its child count). */
static void
put_child(struct strbuf *o, const struct catalog *c, const struct node *n,
	  size_t k, const struct entry *ents, const struct cds_base *base)
{
	struct node ch = {.dir = ""};

	switch (n->kind) {
	case K_ROOT:
		ch.kind = K_MUSIC;
		break;
	case K_MUSIC: {
		static const enum kind kinds[] = {K_ALL, K_ARTISTS, K_ALBUMS,
						  K_FOLDER};
		ch.kind = kinds[k];
		if (ch.kind == K_FOLDER)
			folder_range(c, "", 0, &ch.lo, &ch.hi);
		break;
	}
	case K_ALL:
		put_item(o, c, n, k, base);
		return;
	case K_ARTISTS:
		ch.kind = K_ARTIST;
		ch.a = k;
		break;
	case K_ARTIST:
		ch.kind = K_ARTIST_ALBUM;
		ch.a = n->a;
		ch.b = c->artists[n->a].albums[k];
		break;
	case K_ALBUMS:
		ch.kind = K_ALBUM;
		ch.b = k;
		break;
	case K_ALBUM:
	case K_ARTIST_ALBUM:
		put_item(o, c, n, c->albums[n->b].songs[k], base);
		return;
	case K_FOLDER:
		if (!ents[k].dir) {
			put_item(o, c, n, ents[k].lo, base);
			return;
		}
		ch.kind = K_FOLDER;
		ch.dir = c->tracks[ents[k].lo].path;
		ch.dlen = prefix_len(n) + ents[k].nlen;
		ch.lo = ents[k].lo;
		ch.hi = ents[k].hi;
		break;
	}
	put_container(o, c, &ch, base);
}

static const char didl_head[] =
	"<DIDL-Lite xmlns=\"urn:schemas-upnp-org:metadata-1-0/DIDL-Lite/\" "
	"xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	"xmlns:upnp=\"urn:schemas-upnp-org:metadata-1-0/upnp/\" "
	"xmlns:dlna=\"urn:schemas-dlna-org:metadata-1-0/\">";

/* BrowseDirectChildren of container n into o. */
static enum cds_error
children(struct strbuf *o, const struct catalog *c, const struct node *n,
	 const struct cds_browse *b, const struct cds_base *base,
	 struct cds_result *res)
{
	struct entry *ents = NULL;
	size_t total, k, end;

	if (n->kind == K_FOLDER) {
		total = folder_list(c, n, &ents);
		if (total > 0 && ents == NULL)
			return CDS_ERR_CANNOT_PROCESS;
	} else {
		total = child_count(c, n);
	}
	end = b->count == 0 || b->count > CDS_PAGE_MAX ? CDS_PAGE_MAX
						       : b->count;
	end = b->start < total
		      ? b->start + (end < total - b->start ? end
							   : total - b->start)
		      : b->start;
	for (k = b->start; k < end && !o->failed; k++)
		put_child(o, c, n, k, ents, base);
	free(ents);
	res->returned = b->start < total ? (uint32_t)(end - b->start) : 0;
	res->total = total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
	return CDS_OK;
}

enum cds_error
dlna_cds_browse(const struct catalog *c, const struct cds_browse *b,
		const struct cds_base *base, struct cds_result *res,
		const char **cause)
{
	struct strbuf o = STRBUF_INIT(CDS_RESULT_MAX);
	struct node n;
	char buf[CDS_ID_MAX + 1];
	long item;
	enum cds_error err = CDS_OK;

	memset(res, 0, sizeof *res);
	if (parse_object(c, b->object_id, &n, &item, buf) != 0) {
		*cause = "no such object: browse \"0\" for the root";
		return CDS_ERR_NO_SUCH_OBJECT;
	}
	strbuf_str(&o, didl_head);
	if (b->metadata) {
		if (item >= 0)
			put_item(&o, c, &n, (size_t)item, base);
		else
			put_container(&o, c, &n, base);
		res->returned = res->total = 1;
	} else if (item >= 0) {
		*cause = "an item has no children: use BrowseMetadata";
		err = CDS_ERR_INVALID_ARGS;
	} else {
		err = children(&o, c, &n, b, base, res);
	}
	strbuf_str(&o, "</DIDL-Lite>");
	if (err == CDS_OK && o.failed) {
		*cause = "the answer does not fit: ask for fewer objects";
		err = CDS_ERR_CANNOT_PROCESS;
	}
	if (err != CDS_OK) {
		strbuf_free(&o);
		memset(res, 0, sizeof *res);
		return err;
	}
	res->didl = o.buf;
	res->len = o.len;
	return CDS_OK;
}
