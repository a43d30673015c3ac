/*
 * test_dlna_cds: the ContentDirectory's tree and DIDL-Lite over a fixed
 * table: Browse's argument checks and their messages; the root and Music;
 * paging of All tracks (NumberReturned, TotalMatches); an album's songs
 * under Albums and under its artist; folders (subfolders first, then
 * tracks; control bytes and '%' in their IDs); the item's res (protocol
 * info with DLNA.ORG_PN=MP3 only for MP3, size, duration, the token) and
 * albumArtURI; escaping; unknown IDs; and the time of a 100-item page of
 * 10,000 tracks (asserted under 20 ms, the goal).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "catalog.h"
#include "dlna_cds.h"

static const struct cds_base base = {"http://169.254.1.1:3456", "tok"};

static struct track
tr(const char *path, const char *type, const char *title, const char *artist,
   const char *album)
{
	struct track t;

	memset(&t, 0, sizeof t);
	t.path = (char *)path;
	t.type = type;
	t.title = (char *)title;
	t.artist = (char *)artist;
	t.album = (char *)album;
	t.size = 1234;
	t.duration = 3723.5; /* 1:02:03.500 */
	t.tagged = true;
	return t;
}

static struct track fixed[5];
static struct catalog *cat;

static int
setup(void **state)
{
	(void)state;
	/* sorted bytewise by path */
	fixed[0] = tr("A & B/Album/01.mp3", "audio/mpeg", "<One>", "A & B",
		      "Album");
	fixed[0].art = true;
	fixed[1] = tr("A & B/Album/02.flac", "audio/flac", NULL, "A & B",
		      "Album");
	fixed[1].duration = -1;
	fixed[2] = tr("A & B/loose.ogg", "audio/ogg", "Loose", "Other", NULL);
	fixed[3] = tr("c%d\x01/x.wav", "audio/wav", "X", NULL, NULL);
	fixed[4] = tr("top.mp3", "audio/mpeg", "Top", "A & B", "Album");
	cat = catalog_build(fixed, 5);
	return cat == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	catalog_free(cat);
	return 0;
}

/* Browse id; returns the DIDL (the caller frees) and checks the error. */
static char *
browse(const char *id, int meta, uint32_t start, uint32_t count,
       enum cds_error want, uint32_t *returned, uint32_t *total)
{
	struct cds_browse b = {id, meta, start, count};
	struct cds_result r;
	const char *cause = NULL;

	assert_int_equal(dlna_cds_browse(cat, &b, &base, &r, &cause), want);
	if (want != CDS_OK) {
		assert_non_null(cause);
		return NULL;
	}
	if (returned != NULL)
		*returned = r.returned;
	if (total != NULL)
		*total = r.total;
	assert_int_equal(strlen(r.didl), r.len);
	return r.didl;
}

static void
test_args(void **state)
{
	struct cds_browse b;
	const char *cause = NULL;

	(void)state;
	assert_int_equal(dlna_cds_args("0", "BrowseDirectChildren", "5", "10",
				       &b, &cause),
			 CDS_OK);
	assert_false(b.metadata);
	assert_int_equal(b.start, 5);
	assert_int_equal(b.count, 10);
	assert_int_equal(
		dlna_cds_args("0", "BrowseMetadata", "0", "0", &b, &cause),
		CDS_OK);
	assert_true(b.metadata);
	assert_int_equal(
		dlna_cds_args("0", "browsemetadata", "0", "0", &b, &cause),
		CDS_ERR_INVALID_ARGS);
	assert_non_null(strstr(cause, "BrowseFlag"));
	assert_int_equal(
		dlna_cds_args("0", "BrowseMetadata", "-1", "0", &b, &cause),
		CDS_ERR_INVALID_ARGS);
	assert_non_null(strstr(cause, "StartingIndex"));
	assert_int_equal(dlna_cds_args("0", "BrowseMetadata", "0",
				       "4294967296", &b, &cause),
			 CDS_ERR_INVALID_ARGS);
	assert_non_null(strstr(cause, "RequestedCount"));
	assert_int_equal(
		dlna_cds_args("", "BrowseMetadata", "0", "0", &b, &cause),
		CDS_ERR_INVALID_ARGS);
	assert_int_equal(dlna_cds_args(NULL, NULL, NULL, NULL, &b, &cause),
			 CDS_ERR_INVALID_ARGS);
}

static void
test_root(void **state)
{
	uint32_t n, t;
	char *d;

	(void)state;
	d = browse("0", 1, 0, 0, CDS_OK, &n, &t);
	assert_non_null(strstr(d, "<container id=\"0\" parentID=\"-1\""));
	free(d);
	d = browse("music", 0, 0, 0, CDS_OK, &n, &t);
	assert_int_equal(t, 4);
	assert_non_null(strstr(d, "id=\"all\" parentID=\"music\""));
	assert_non_null(strstr(d, "<dc:title>All tracks</dc:title>"));
	assert_non_null(strstr(d, "id=\"artists\""));
	assert_non_null(strstr(d, "id=\"albums\""));
	assert_non_null(strstr(d, "id=\"folders\""));
	assert_non_null(strstr(d, "childCount=\"5\""));
	free(d);
}

static void
test_all_paging(void **state)
{
	uint32_t n, t;
	char id[64];
	char *d;

	(void)state;
	d = browse("all", 0, 1, 2, CDS_OK, &n, &t);
	assert_int_equal(n, 2);
	assert_int_equal(t, 5);
	snprintf(id, sizeof id, "<item id=\"all/%s\" parentID=\"all\"",
		 cat->songs[1].id);
	assert_non_null(strstr(d, id));
	assert_null(strstr(d, cat->songs[0].id));
	free(d);
	d = browse("all", 0, 9, 2, CDS_OK, &n, &t);
	assert_int_equal(n, 0);
	assert_int_equal(t, 5);
	free(d);
	/* an item by itself, and not as a container */
	snprintf(id, sizeof id, "all/%s", cat->songs[4].id);
	d = browse(id, 1, 0, 0, CDS_OK, &n, &t);
	assert_int_equal(n, 1);
	free(d);
	browse(id, 0, 0, 0, CDS_ERR_INVALID_ARGS, NULL, NULL);
}

static void
test_item(void **state)
{
	char id[64];
	char *d;

	(void)state;
	snprintf(id, sizeof id, "all/%s", cat->songs[0].id);
	d = browse(id, 1, 0, 0, CDS_OK, NULL, NULL);
	assert_non_null(strstr(d, "<dc:title>&lt;One&gt;</dc:title>"));
	assert_non_null(strstr(d, "<upnp:artist>A &amp; B</upnp:artist>"));
	assert_non_null(strstr(d, "<upnp:class>object.item.audioItem."
				  "musicTrack</upnp:class>"));
	assert_non_null(strstr(d, "protocolInfo=\"http-get:*:audio/mpeg:"
				  "DLNA.ORG_PN=MP3;DLNA.ORG_OP=01;"));
	assert_non_null(strstr(d, "size=\"1234\" duration=\"1:02:03.500\""));
	assert_non_null(strstr(d, ">http://169.254.1.1:3456/stream/0?token="
				  "tok</res>"));
	assert_non_null(strstr(d, "http://169.254.1.1:3456/art/0?size=160"
				  "&amp;token=tok</upnp:albumArtURI>"));
	free(d);
	snprintf(id, sizeof id, "all/%s", cat->songs[1].id);
	d = browse(id, 1, 0, 0, CDS_OK, NULL, NULL);
	assert_non_null(strstr(d, "<dc:title>02</dc:title>")); /* no tag */
	assert_non_null(strstr(d, "audio/flac:DLNA.ORG_OP=01;"));
	assert_null(strstr(d, "duration="));
	assert_null(strstr(d, "albumArtURI"));
	free(d);
}

static void
test_albums_artists(void **state)
{
	const struct catalog_album *al = &cat->albums[cat->songs[0].album];
	const struct catalog_artist *ar = &cat->artists[al->artist];
	uint32_t n, t;
	char id[64], want[128];
	char *d;

	(void)state;
	d = browse(al->id, 0, 0, 0, CDS_OK, &n, &t);
	assert_int_equal(t, 3); /* 01.mp3, 02.flac, top.mp3 */
	snprintf(want, sizeof want, "id=\"%s/%s\" parentID=\"%s\"", al->id,
		 cat->songs[0].id, al->id);
	assert_non_null(strstr(d, want));
	free(d);
	d = browse(ar->id, 0, 0, 0, CDS_OK, &n, &t);
	snprintf(want, sizeof want, "<container id=\"%s/%s\" parentID=\"%s\"",
		 ar->id, al->id, ar->id);
	assert_non_null(strstr(d, want));
	assert_non_null(strstr(d, "object.container.album.musicAlbum"));
	free(d);
	snprintf(id, sizeof id, "%s/%s", ar->id, al->id);
	d = browse(id, 0, 0, 0, CDS_OK, &n, &t);
	assert_int_equal(t, 3);
	free(d);
	/* a song of another album is not a child of this one */
	snprintf(id, sizeof id, "%s/%s", al->id, cat->songs[2].id);
	browse(id, 1, 0, 0, CDS_ERR_NO_SUCH_OBJECT, NULL, NULL);
}

static void
test_folders(void **state)
{
	uint32_t n, t;
	char *d, *sub, *file;

	(void)state;
	d = browse("folders", 0, 0, 0, CDS_OK, &n, &t);
	assert_int_equal(t, 3); /* "A & B", "c%d\x01", then top.mp3 */
	sub = strstr(d, "id=\"f/A &amp; B\" parentID=\"folders\"");
	file = strstr(d, "<item id=\"folders/");
	assert_non_null(sub);
	assert_non_null(file);
	assert_true(sub < file);
	assert_non_null(strstr(d, "id=\"f/c%25d%01\""));
	free(d);
	d = browse("f/A & B", 0, 0, 0, CDS_OK, &n, &t);
	assert_int_equal(t, 2); /* Album/, loose.ogg */
	assert_non_null(strstr(d,
			       "id=\"f/A &amp; B/Album\" parentID=\"f/A "
			       "&amp; B\" restricted=\"1\" searchable=\"0\" "
			       "childCount=\"2\""));
	free(d);
	d = browse("f/c%25d%01", 0, 0, 0, CDS_OK, &n, &t);
	assert_int_equal(t, 1);
	free(d);
	browse("f/c%d", 0, 0, 0, CDS_ERR_NO_SUCH_OBJECT, NULL, NULL);
	browse("f/A", 0, 0, 0, CDS_ERR_NO_SUCH_OBJECT, NULL, NULL);
	browse("f/", 0, 0, 0, CDS_ERR_NO_SUCH_OBJECT, NULL, NULL);
	browse("f/%00", 0, 0, 0, CDS_ERR_NO_SUCH_OBJECT, NULL, NULL);
	browse("nope", 1, 0, 0, CDS_ERR_NO_SUCH_OBJECT, NULL, NULL);
	browse("all/tr-0123456789abcdef", 1, 0, 0, CDS_ERR_NO_SUCH_OBJECT,
	       NULL, NULL);
}

/* 10,000 tracks; a page of 100 from the middle, under the 20 ms goal. */
static void
test_big_page(void **state)
{
	enum { N = 10000 };
	struct track *t = calloc(N, sizeof *t);
	char(*paths)[32] = calloc(N, sizeof *paths);
	struct cds_browse b = {"all", 0, 5000, 100};
	struct cds_result r;
	struct catalog *c;
	struct timespec t0, t1;
	const char *cause;
	double ms;
	size_t i;

	(void)state;
	assert_non_null(t);
	assert_non_null(paths);
	for (i = 0; i < N; i++) {
		snprintf(paths[i], sizeof paths[i], "a%02zu/b%02zu/%05zu.mp3",
			 i / 1000, i / 100 % 10, i);
		t[i] = tr(paths[i], "audio/mpeg", paths[i], "Artist", "Album");
	}
	c = catalog_build(t, N);
	assert_non_null(c);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(dlna_cds_browse(c, &b, &base, &r, &cause), CDS_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	printf("# a page of 100 of %d tracks: %.3f ms, %zu bytes\n", N, ms,
	       r.len);
	assert_int_equal(r.returned, 100);
	assert_int_equal(r.total, N);
	assert_true(ms < 20);
	free(r.didl);
	catalog_free(c);
	free(paths);
	free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args),
		cmocka_unit_test_setup_teardown(test_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_all_paging, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_item, setup, teardown),
		cmocka_unit_test_setup_teardown(test_albums_artists, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_folders, setup, teardown),
		cmocka_unit_test(test_big_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
