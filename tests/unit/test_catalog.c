/*
 * test_catalog: the catalogue of a fixed table: grouping by album artist
 * (else artist) and album, case-insensitively; the unknown artist and
 * album; the sort orders; IDs pinned to their FNV-1a values and stable
 * across tables; lookups; genres; an album's year, genre, duration,
 * newest mtime and art track; catalog_fold; and the build time of
 * 10,000 tracks (printed, not asserted).
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

/* A track with the given tags (strings borrowed: never freed here). */
static struct track
tr(const char *path, const char *artist, const char *album_artist,
   const char *album, const char *genre, int year, int disc, int number)
{
	struct track t;

	memset(&t, 0, sizeof t);
	t.path = (char *)path;
	t.artist = (char *)artist;
	t.album_artist = (char *)album_artist;
	t.album = (char *)album;
	t.genre = (char *)genre;
	t.year = year;
	t.disc = disc;
	t.number = number;
	t.duration = 60;
	t.mtime_ns = 1000;
	t.tagged = true;
	return t;
}

/* The fixed table, sorted by path as a library table is. */
static struct track fixed[10];
static const size_t nfixed = sizeof fixed / sizeof fixed[0];

static void
make_fixed(void)
{
	/* album artist "The Band" (any case) over several track artists */
	fixed[0] = tr("Band/Album/01 one.flac", "Singer", "The Band",
		      "First Album", "Rock", 1999, 1, 1);
	fixed[1] = tr("Band/Album/02 two.flac", "Guest", "the band",
		      "first album", "Rock", 0, 1, 2);
	fixed[2] = tr("Band/Album/cd2-01.flac", "Singer", "THE BAND",
		      "First Album", "Pop", 2001, 2, 1);
	fixed[3] = tr("Band/Album/zz-00.flac", "Singer", "The Band",
		      "First Album", NULL, 0, 1, 0);
	/* no album artist: the artist stands for it */
	fixed[4] = tr("a/b.mp3", "Ärtist", NULL, "Beta", "Rock", 2005, 0, 1);
	fixed[5] = tr("a/c.mp3", "ärtist", NULL, "alpha", NULL, 0, 0, 0);
	/* nothing known */
	fixed[6] = tr("loose.wav", NULL, NULL, NULL, NULL, 0, 0, 0);
	fixed[7] = tr("more/x.ogg", NULL, NULL, "Beta", "Jazz", 0, 0, 0);
	fixed[8] = tr("z/untitled.m4a", "Zed", NULL, NULL, "Jazz", 0, 0, 0);
	fixed[9] = tr("z/zed.m4a", "zed", NULL, NULL, "Rock", 0, 0, 0);
	fixed[2].mtime_ns = 5000;
	fixed[3].duration = -1;
}

static int
setup(void **state)
{
	make_fixed();
	*state = catalog_build(fixed, nfixed);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	catalog_free(*state);
	return 0;
}

static long
album_named(const struct catalog *c, const char *name, const char *artist)
{
	size_t i;

	for (i = 0; i < c->album_count; i++) {
		if (strcmp(c->albums[i].name, name) == 0 &&
		    strcmp(c->albums[i].artist_name, artist) == 0)
			return (long)i;
	}
	return -1;
}

static void
test_grouping(void **state)
{
	const struct catalog *c = *state;
	long a = album_named(c, "First Album", "The Band");
	const struct catalog_album *al;

	/* The Band/First Album; Ärtist/Beta; Ärtist/alpha; [Unknown
	 * Artist]/[Unknown Album]; [Unknown Artist]/Beta; Zed/[Unknown
	 * Album] */
	assert_int_equal(c->album_count, 6);
	assert_int_equal(c->artist_count, 3 + 1);
	assert_true(a >= 0);
	al = &c->albums[a];
	assert_int_equal(al->song_count, 4);
	/* case differences do not split an album or an artist */
	assert_int_equal(c->songs[1].album, (size_t)a);
	assert_int_equal(c->songs[2].album, (size_t)a);
	assert_int_equal(c->songs[0].artist, c->songs[2].artist);
	assert_string_equal(c->artists[al->artist].name, "The Band");
	/* the artist when there is no album artist */
	assert_int_equal(c->songs[4].artist, c->songs[5].artist);
	assert_int_not_equal(c->songs[4].album, c->songs[5].album);
	assert_int_equal(c->songs[8].album, c->songs[9].album);
}

static void
test_unknown(void **state)
{
	const struct catalog *c = *state;
	const struct catalog_song *s = &c->songs[6];

	assert_string_equal(c->albums[s->album].name, CATALOG_UNKNOWN_ALBUM);
	assert_string_equal(c->albums[s->album].artist_name,
			    CATALOG_UNKNOWN_ARTIST);
	assert_string_equal(c->artists[s->artist].name,
			    CATALOG_UNKNOWN_ARTIST);
	/* an album tag without artist: its own album of the unknown artist */
	assert_int_equal(c->songs[7].artist, s->artist);
	assert_int_not_equal(c->songs[7].album, s->album);
	assert_string_equal(c->albums[c->songs[7].album].name, "Beta");
	assert_string_equal(c->albums[c->songs[8].album].name,
			    CATALOG_UNKNOWN_ALBUM);
}

static void
test_orders(void **state)
{
	const struct catalog *c = *state;
	const struct catalog_album *al;
	size_t i;

	/* artists by name, case-insensitive: [ before letters */
	assert_string_equal(c->artists[0].name, CATALOG_UNKNOWN_ARTIST);
	assert_string_equal(c->artists[1].name, "The Band");
	assert_string_equal(c->artists[2].name, "Zed");
	/* the spelling of its first album by album order ("alpha") */
	assert_string_equal(c->artists[3].name, "ärtist");
	/* albums by name, case-insensitive, then artist */
	assert_string_equal(c->albums[0].name, CATALOG_UNKNOWN_ALBUM);
	assert_string_equal(c->albums[0].artist_name, CATALOG_UNKNOWN_ARTIST);
	assert_string_equal(c->albums[1].name, CATALOG_UNKNOWN_ALBUM);
	assert_string_equal(c->albums[1].artist_name, "Zed");
	assert_string_equal(c->albums[2].name, "alpha");
	assert_string_equal(c->albums[3].name, "Beta");
	assert_string_equal(c->albums[3].artist_name, CATALOG_UNKNOWN_ARTIST);
	assert_string_equal(c->albums[4].name, "Beta");
	assert_string_equal(c->albums[5].name, "First Album");
	/* songs by disc, track number, path: no number sorts first */
	al = &c->albums[5];
	assert_int_equal(al->songs[0], 3);
	assert_int_equal(al->songs[1], 0);
	assert_int_equal(al->songs[2], 1);
	assert_int_equal(al->songs[3], 2);
	/* an artist's albums by year, then name */
	i = c->songs[4].artist;
	assert_int_equal(c->artists[i].album_count, 2);
	assert_string_equal(c->albums[c->artists[i].albums[0]].name, "alpha");
	assert_string_equal(c->albums[c->artists[i].albums[1]].name, "Beta");
	assert_int_equal(c->artists[i].song_count, 2);
	/* genres by name, bytewise */
	assert_int_equal(c->genre_count, 3);
	assert_string_equal(c->genres[0].name, "Jazz");
	assert_string_equal(c->genres[1].name, "Pop");
	assert_string_equal(c->genres[2].name, "Rock");
}

static void
test_album_fields(void **state)
{
	const struct catalog *c = *state;
	const struct catalog_album *al = &c->albums[5];

	assert_int_equal(al->year, 1999); /* the first song's known year */
	assert_string_equal(al->genre, "Rock");
	assert_true(al->duration > 179.9 && al->duration < 180.1);
	assert_int_equal(al->created_ns, 5000);
	assert_int_equal(al->art_track, 3);
	al = &c->albums[0];
	assert_int_equal(al->year, 0);
	assert_null(al->genre);
}

static void
test_genres(void **state)
{
	const struct catalog *c = *state;

	/* Jazz: [Unknown Artist]/Beta and Zed/[Unknown Album] */
	assert_int_equal(c->genres[0].song_count, 2);
	assert_int_equal(c->genres[0].album_count, 2);
	assert_int_equal(c->genres[1].song_count, 1);
	assert_int_equal(c->genres[1].album_count, 1);
	/* Rock: First Album (2 songs), Beta, Zed */
	assert_int_equal(c->genres[2].song_count, 4);
	assert_int_equal(c->genres[2].album_count, 3);
}

/* IDs are FNV-1a 64 of the inputs catalog.h names: pinned here so a
 * change of hash (which would break every client's stored IDs) shows. */
static void
test_fixed_ids(void **state)
{
	const struct catalog *c = *state;
	const struct catalog_song *s = &c->songs[0];

	assert_string_equal(s->id, "tr-382f91a329ce64b0");
	assert_string_equal(c->albums[s->album].id, "al-677518a9275ecf0e");
	assert_string_equal(c->artists[s->artist].id, "ar-4b13f19204135183");
	s = &c->songs[6];
	assert_string_equal(c->albums[s->album].id, "al-8f55bd0aafd1610b");
	assert_string_equal(c->artists[s->artist].id, "ar-7b95444954e5bd02");
	/* Latin-1 capitals fold: "Ärtist" and "ärtist" are one */
	assert_string_equal(c->artists[c->songs[4].artist].id,
			    "ar-c177a2e266072570");
}

static void
test_lookups(void **state)
{
	const struct catalog *c = *state;
	size_t i;

	for (i = 0; i < c->track_count; i++)
		assert_int_equal(catalog_song_index(c, c->songs[i].id), i);
	for (i = 0; i < c->album_count; i++)
		assert_int_equal(catalog_album_index(c, c->albums[i].id), i);
	for (i = 0; i < c->artist_count; i++)
		assert_int_equal(catalog_artist_index(c, c->artists[i].id), i);
	assert_int_equal(catalog_song_index(c, "tr-0000000000000000"), -1);
	assert_int_equal(catalog_song_index(c, c->albums[0].id), -1);
	assert_int_equal(catalog_album_index(c, c->songs[0].id), -1);
	assert_int_equal(catalog_song_index(c, "tr-382F91A329CE64B0"), -1);
	assert_int_equal(catalog_song_index(c, "tr-382f91a329ce64b"), -1);
	assert_int_equal(catalog_song_index(c, "tr-382f91a329ce64b00"), -1);
	assert_int_equal(catalog_song_index(c, ""), -1);
	assert_int_equal(catalog_song_index(c, NULL), -1);
}

/* Same path, same ID, whatever else the table holds. */
static void
test_stable(void **state)
{
	const struct catalog *c = *state;
	struct track more[3];
	struct catalog *d;

	more[0] = tr("0 new.mp3", "New", NULL, "New", NULL, 0, 0, 0);
	more[1] = fixed[0];
	more[2] = fixed[9];
	d = catalog_build(more, 3);
	assert_non_null(d);
	assert_string_equal(d->songs[1].id, c->songs[0].id);
	assert_string_equal(d->songs[2].id, c->songs[9].id);
	assert_string_equal(d->albums[d->songs[1].album].id,
			    c->albums[c->songs[0].album].id);
	assert_string_equal(d->artists[d->songs[2].artist].id,
			    c->artists[c->songs[9].artist].id);
	catalog_free(d);
}

static void
test_empty(void **state)
{
	struct catalog *c = catalog_build(NULL, 0);

	(void)state;
	assert_non_null(c);
	assert_int_equal(c->album_count + c->artist_count + c->genre_count, 0);
	assert_int_equal(catalog_album_index(c, "al-0000000000000000"), -1);
	catalog_free(c);
}

/* 10,000 tracks, 50 artists x 4 albums x 50 songs: the build time. */
static void
test_big(void **state)
{
	enum { N = 10000 };
	static char paths[N][48], artists[50][16], albums[4][16];
	static struct track t[N];
	struct timespec a, b;
	struct catalog *c = NULL;
	double ms, best = 0;
	size_t i;

	(void)state;
	for (i = 0; i < 50; i++)
		assert_true(snprintf(artists[i], sizeof artists[i],
				     "Artist %02zu", i) > 0);
	for (i = 0; i < 4; i++)
		assert_true(snprintf(albums[i], sizeof albums[i], "Album %zu",
				     i) > 0);
	for (i = 0; i < N; i++) {
		assert_true(snprintf(paths[i], sizeof paths[i],
				     "artist %02zu/album %zu/%02zu.mp3",
				     i / 200, i / 50 % 4, i % 50) > 0);
		t[i] = tr(paths[i], artists[i / 200], NULL, albums[i / 50 % 4],
			  i % 3 ? "Rock" : "Pop", 2000, 1, (int)(i % 50) + 1);
	}
	/* the best of 5 builds: the machine may be busy */
	for (i = 0; i < 5; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		c = catalog_build(t, N);
		clock_gettime(CLOCK_MONOTONIC, &b);
		assert_non_null(c);
		ms = (double)(b.tv_sec - a.tv_sec) * 1e3 +
		     (double)(b.tv_nsec - a.tv_nsec) / 1e6;
		best = i == 0 || ms < best ? ms : best;
		if (i < 4)
			catalog_free(c);
	}
	printf("# catalog_build: %d tracks in %.2f ms (best of 5)\n", N, best);
	assert_int_equal(c->artist_count, 50);
	assert_int_equal(c->album_count, 200);
	assert_int_equal(c->albums[0].song_count, 50);
	assert_int_equal(c->genre_count, 2);
	catalog_free(c);
}

/* catalog_fold: the capitals the catalogue folds, nothing else, and a cut
 * at a character's start when the buffer is short. */
static void
test_fold(void **state)
{
	char b[64];

	(void)state;
	assert_int_equal(catalog_fold("Ärger ÜBER Straße", b, sizeof b),
			 strlen("ärger über straße"));
	assert_string_equal(b, "ärger über straße");
	assert_int_equal(catalog_fold("ΩΜΕΓΑ Поздно ЁЖ Łódź Ÿ", b, sizeof b),
			 strlen("ωμεγα поздно ёж łódź ÿ"));
	assert_string_equal(b, "ωμεγα поздно ёж łódź ÿ");
	catalog_fold("AB\xff\xc3", b, sizeof b); /* bytes that are no UTF-8 */
	assert_string_equal(b, "ab\xff\xc3");
	assert_int_equal(catalog_fold("abcÄ", b, 5), 3); /* Ä does not fit */
	assert_string_equal(b, "abc");
	assert_int_equal(catalog_fold("", b, 1), 0);
	assert_string_equal(b, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grouping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_album_fields, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_genres, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixed_ids, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lookups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stable, setup, teardown),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
