/*
 * fuzz_dlna: the ContentDirectory's Browse over any bytes: our SOAP
 * argument parsing (dlna_soap.c, over libupnp's IXML parser, as the
 * server gets it) and the tree and its DIDL-Lite (dlna_cds.c) over any
 * library.
 *
 * Input starting with '<': a SOAP action element, run as Browse and the
 * other actions against a fixed library of awkward names. Otherwise
 * lines: ObjectID, BrowseFlag, StartingIndex, RequestedCount, then up to
 * FUZZ_TRACKS tracks "path TAB title TAB artist TAB album TAB album
 * artist".
 *
 * Whatever the input: no crash; every answer is well-formed XML; every
 * object ID in it can be browsed itself (BrowseMetadata finds it), and a
 * container's childCount is its children's TotalMatches.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ixml.h>

#include "catalog.h"
#include "dlna_cds.h"
#include "dlna_desc.h"
#include "dlna_soap.h"
#include "track.h"

#define FUZZ_TRACKS 64
#define FUZZ_FIELDS 5
#define FUZZ_CHECKED 8 /* objects of an answer browsed again */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cds_base base = {"http://169.254.1.1:3456", "t0k&n"};

static void
check_object(const struct catalog *c, const char *id, const char *count)
{
	struct cds_browse b = {id, true, 0, 0};
	struct cds_result r;
	const char *cause;

	if (dlna_cds_browse(c, &b, &base, &r, &cause) != CDS_OK ||
	    r.returned != 1)
		abort(); /* an ID we gave out that does not resolve */
	free(r.didl);
	if (count == NULL)
		return;
	b.metadata = false;
	b.count = 1;
	if (dlna_cds_browse(c, &b, &base, &r, &cause) != CDS_OK ||
	    strtoul(count, NULL, 10) != r.total)
		abort();
	free(r.didl);
}

/* didl parses, and its first objects browse (recurse: no deeper). */
static void
check_didl(const struct catalog *c, const char *didl, int deep)
{
	static const char *const tags[] = {"item", "container"};
	IXML_Document *doc = NULL;
	IXML_NodeList *list;
	IXML_Element *el;
	unsigned long i, n;
	size_t t;

	if (ixmlParseBufferEx(didl, &doc) != IXML_SUCCESS)
		abort();
	for (t = 0; t < 2 && deep; t++) {
		list = ixmlDocument_getElementsByTagName(doc, tags[t]);
		n = list != NULL ? ixmlNodeList_length(list) : 0;
		for (i = 0; i < n && i < FUZZ_CHECKED; i++) {
			el = (IXML_Element *)ixmlNodeList_item(list, i);
			if (ixmlElement_getAttribute(el, "id") == NULL)
				abort();
			check_object(
				c, ixmlElement_getAttribute(el, "id"),
				ixmlElement_getAttribute(el, "childCount"));
		}
		if (list != NULL)
			ixmlNodeList_free(list);
	}
	ixmlDocument_free(doc);
}

static void
browse(const struct catalog *c, const char *id, const char *flag,
       const char *start, const char *count)
{
	struct cds_browse b;
	struct cds_result r;
	const char *cause;

	if (dlna_cds_args(id, flag, start, count, &b, &cause) != CDS_OK)
		return;
	if (dlna_cds_browse(c, &b, &base, &r, &cause) != CDS_OK)
		return;
	if (r.didl == NULL || strlen(r.didl) != r.len)
		abort();
	check_didl(c, r.didl, 1);
	free(r.didl);
}

/* The fixed library of the SOAP mode: names that need escaping. */
static char p0[] = "%41/b\x01"
		   "c/1.mp3",
	    p1[] = "a/tr-0123456789abcdef/x.flac", p2[] = "a/z.ogg",
	    p3[] = "top.wav", t0[] = "a<b>&\"c'", a0[] = "X & Y",
	    al0[] = "]]>", aa2[] = "\xff\xfe", g3[] = "G";
static struct track fixed[] = {
	{.path = p0,
	 .type = "audio/mpeg",
	 .size = 1,
	 .title = t0,
	 .artist = a0,
	 .album = al0,
	 .duration = 61.5,
	 .number = 1,
	 .art = true},
	{.path = p1, .type = "audio/flac", .size = 2, .duration = -1},
	{.path = p2,
	 .type = "audio/ogg",
	 .size = 3,
	 .album_artist = aa2,
	 .duration = 1e12},
	{.path = p3,
	 .type = "audio/wav",
	 .size = 4,
	 .year = 1999,
	 .genre = g3},
};

static void
soap(const uint8_t *data, size_t size)
{
	static const char *const actions[][2] = {
		{DLNA_CDS_ID, "Browse"},
		{DLNA_CDS_ID, "GetSystemUpdateID"},
		{DLNA_CM_ID, "GetCurrentConnectionInfo"},
		{DLNA_CM_ID, "Nope"},
	};
	struct catalog *c = catalog_build(fixed, sizeof fixed / sizeof *fixed);
	struct dlna_soap_ctx ctx = {c, 7, &base};
	IXML_Document *req = NULL, *resp;
	const char *cause;
	char *text = malloc(size + 1);
	size_t i;

	if (c == NULL || text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (ixmlParseBufferEx(text, &req) == IXML_SUCCESS) {
		for (i = 0; i < sizeof actions / sizeof *actions; i++) {
			resp = NULL;
			if (dlna_soap_action(actions[i][0], actions[i][1], req,
					     &ctx, &resp, &cause) == 0) {
				if (resp == NULL)
					abort();
				ixmlDocument_free(resp);
			} else if (resp != NULL || cause == NULL) {
				abort();
			}
		}
		ixmlDocument_free(req);
	}
	free(text);
	catalog_free(c);
}

/* Split s at sep into at most max fields; returns how many. */
static size_t
split(char *s, char sep, char **out, size_t max)
{
	size_t n = 0;
	char *p;

	while (n < max && s != NULL) {
		out[n++] = s;
		p = strchr(s, sep);
		if (p != NULL)
			*p++ = '\0';
		s = p;
	}
	return n;
}

static int
by_path(const void *a, const void *b)
{
	return track_by_path(a, b);
}

static void
lines(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *ln[4 + FUZZ_TRACKS], *f[FUZZ_FIELDS];
	struct track tracks[FUZZ_TRACKS];
	struct catalog *c;
	size_t n, i, k = 0, nf;

	if (text == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	memset(ln, 0, sizeof ln);
	n = split(text, '\n', ln, 4 + FUZZ_TRACKS);
	for (i = 4; i < n; i++) {
		memset(f, 0, sizeof f);
		nf = split(ln[i], '\t', f, FUZZ_FIELDS);
		/* the library's own rule for paths: listable, no empty
		 * component, no leading or doubled slash */
		if (nf == 0 || f[0][0] == '\0' || f[0][0] == '/' ||
		    strstr(f[0], "//") != NULL ||
		    f[0][strlen(f[0]) - 1] == '/' ||
		    !track_path_listable(f[0], strlen(f[0])))
			continue;
		tracks[k] = (struct track){.path = f[0],
					   .type = "audio/mpeg",
					   .size = k,
					   .title = f[1],
					   .artist = f[2],
					   .album = f[3],
					   .album_artist = f[4],
					   .duration = (double)k - 1,
					   .number = (int)k,
					   .art = k % 2 == 0};
		k++;
	}
	qsort(tracks, k, sizeof *tracks, by_path);
	for (i = 1, n = k > 0 ? 1 : 0; i < k; i++) /* unique paths */
		if (strcmp(tracks[i].path, tracks[n - 1].path) != 0)
			tracks[n++] = tracks[i];
	c = catalog_build(tracks, n);
	if (c == NULL)
		abort();
	browse(c, ln[0], ln[1], ln[2], ln[3]);
	catalog_free(c);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == '<')
		soap(data, size);
	else
		lines(data, size);
	return 0;
}
