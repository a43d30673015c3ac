/*
 * test_store: the store interface against its SQLite implementation in a
 * temporary folder, or against the database AS_TEST_STORE_URI names
 * (tests/store-pg.sh: a private PostgreSQL, emptied before each case):
 * stars, ratings, scrobbles, listings in order, per-user
 * separation, playlists (create, change, reorder by removal, delete), and
 * that everything survives closing and reopening.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include "store.h"

struct fixture {
	char dir[64];
	char uri[512];
	struct store *s;
};

/* Drop the store's tables in the PostgreSQL database at uri. */
static void
empty_database(const char *uri)
{
	PGconn *c = PQconnectdb(uri);
	PGresult *r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", uri, PQerrorMessage(c));
	r = PQexec(c, "SET client_min_messages = warning; DROP TABLE IF "
		      "EXISTS annotation, playlist, playlist_entry, "
		      "as_schema");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("cannot empty %s: %s", uri, PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
}

static int
set_up(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char *cause = NULL;

	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/test_store.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	if (getenv("AS_TEST_STORE_URI") != NULL) {
		snprintf(f->uri, sizeof f->uri, "%s",
			 getenv("AS_TEST_STORE_URI"));
		empty_database(f->uri);
	} else {
		snprintf(f->uri, sizeof f->uri, "sqlite:%s/state.db", f->dir);
	}
	f->s = store_open(f->uri, &cause);
	if (f->s == NULL)
		fail_msg("store_open: %s", cause);
	*state = f;
	return 0;
}

static int
tear_down(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	store_close(f->s);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void
reopen(struct fixture *f)
{
	char *cause = NULL;

	store_close(f->s);
	f->s = store_open(f->uri, &cause);
	if (f->s == NULL)
		fail_msg("store_open again: %s", cause);
}

static void
test_star(void **state)
{
	struct fixture *f = *state;
	struct store_annotation a, *v;
	size_t n;

	assert_int_equal(store_annotation(f->s, "alice", "tr-1", &a),
			 STORE_NOT_FOUND);
	assert_int_equal(a.starred, 0);
	assert_int_equal(
		store_star(f->s, "alice", STORE_SONG, "tr-1", true, 1000),
		STORE_OK);
	assert_int_equal(
		store_star(f->s, "alice", STORE_SONG, "tr-2", true, 2000),
		STORE_OK);
	assert_int_equal(
		store_star(f->s, "alice", STORE_ALBUM, "al-1", true, 3000),
		STORE_OK);
	/* starring again keeps the first time */
	assert_int_equal(
		store_star(f->s, "alice", STORE_SONG, "tr-1", true, 5000),
		STORE_OK);
	reopen(f);
	assert_int_equal(store_annotation(f->s, "alice", "tr-1", &a),
			 STORE_OK);
	assert_int_equal(a.starred, 1000);
	assert_int_equal(store_annotations(f->s, "alice", STORE_SONG,
					   STORE_BY_STARRED, 0, 10, &v, &n),
			 STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "tr-2");
	assert_string_equal(v[1].id, "tr-1");
	free(v);
	assert_int_equal(
		store_star(f->s, "alice", STORE_SONG, "tr-2", false, 0),
		STORE_OK);
	assert_int_equal(store_annotations(f->s, "alice", STORE_SONG,
					   STORE_BY_STARRED, 0, 10, &v, &n),
			 STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "tr-1");
	free(v);
	/* another user sees nothing of alice's */
	assert_int_equal(store_annotations(f->s, "bob", STORE_SONG,
					   STORE_BY_STARRED, 0, 10, &v, &n),
			 STORE_OK);
	assert_int_equal(n, 0);
	assert_null(v);
}

static void
test_rating_and_plays(void **state)
{
	struct fixture *f = *state;
	struct store_annotation a, *v;
	size_t n;
	int i;

	assert_int_equal(store_rate(f->s, "alice", STORE_SONG, "tr-1", 4),
			 STORE_OK);
	assert_int_equal(store_rate(f->s, "alice", STORE_SONG, "tr-1", 6),
			 STORE_ERROR);
	for (i = 0; i < 3; i++)
		assert_int_equal(store_scrobble(f->s, "alice", STORE_ALBUM,
						"al-1", 100 + i),
				 STORE_OK);
	assert_int_equal(
		store_scrobble(f->s, "alice", STORE_ALBUM, "al-2", 500),
		STORE_OK);
	reopen(f);
	assert_int_equal(store_annotation(f->s, "alice", "tr-1", &a),
			 STORE_OK);
	assert_int_equal(a.rating, 4);
	assert_int_equal(a.plays, 0);
	assert_int_equal(store_annotation(f->s, "alice", "al-1", &a),
			 STORE_OK);
	assert_int_equal(a.plays, 3);
	assert_int_equal(a.played, 102);
	assert_int_equal(store_annotations(f->s, "alice", STORE_ALBUM,
					   STORE_BY_PLAYS, 0, 10, &v, &n),
			 STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "al-1");
	free(v);
	assert_int_equal(store_annotations(f->s, "alice", STORE_ALBUM,
					   STORE_BY_PLAYED, 0, 10, &v, &n),
			 STORE_OK);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "al-2");
	free(v);
	assert_int_equal(store_annotations(f->s, "alice", STORE_ALBUM,
					   STORE_BY_PLAYED, 1, 10, &v, &n),
			 STORE_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, "al-1");
	free(v);
	assert_int_equal(store_rate(f->s, "alice", STORE_SONG, "tr-1", 0),
			 STORE_OK);
	assert_int_equal(store_annotation(f->s, "alice", "tr-1", &a),
			 STORE_OK);
	assert_int_equal(a.rating, 0);
}

static void
test_limits(void **state)
{
	struct fixture *f = *state;
	char id[STORE_ID_MAX + 2];

	memset(id, 'x', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	assert_int_equal(store_star(f->s, "alice", STORE_SONG, id, true, 1),
			 STORE_ERROR);
	assert_int_equal(store_star(f->s, "", STORE_SONG, "tr-1", true, 1),
			 STORE_ERROR);
}

static void
expect_entries(struct fixture *f, int64_t id, const char *const *want,
	       size_t n)
{
	struct store_playlist p;
	size_t i;

	assert_int_equal(store_playlist_get(f->s, id, &p), STORE_OK);
	assert_int_equal(p.entry_count, n);
	for (i = 0; i < n; i++)
		assert_string_equal(p.entries[i], want[i]);
	store_playlist_clear(&p);
}

static void
test_playlists(void **state)
{
	struct fixture *f = *state;
	const char *songs[] = {"tr-a", "tr-b", "tr-c", "tr-d"};
	const char *after[] = {"tr-a", "tr-c", "tr-e"};
	const char *more[] = {"tr-e"};
	size_t drop[] = {1, 3};
	struct store_playlist_change c = {.public = -1};
	struct store_playlist p, *v;
	int64_t id, other;
	size_t n;

	assert_int_equal(store_playlist_create(f->s, "alice", "Road", 10, &id),
			 STORE_OK);
	c.add = songs;
	c.add_count = 4;
	assert_int_equal(store_playlist_update(f->s, id, &c, 20), STORE_OK);
	expect_entries(f, id, songs, 4);
	memset(&c, 0, sizeof c);
	c.public = 1;
	c.name = "Road trip";
	c.comment = "summer";
	c.remove = drop;
	c.remove_count = 2;
	c.add = more;
	c.add_count = 1;
	assert_int_equal(store_playlist_update(f->s, id, &c, 30), STORE_OK);
	reopen(f);
	expect_entries(f, id, after, 3);
	assert_int_equal(store_playlist_get(f->s, id, &p), STORE_OK);
	assert_string_equal(p.name, "Road trip");
	assert_string_equal(p.comment, "summer");
	assert_string_equal(p.owner, "alice");
	assert_true(p.public);
	assert_int_equal(p.created, 10);
	assert_int_equal(p.changed, 30);
	store_playlist_clear(&p);
	assert_int_equal(
		store_playlist_create(f->s, "bob", "Mine", 40, &other),
		STORE_OK);
	assert_int_equal(store_playlists(f->s, "bob", &v, &n), STORE_OK);
	assert_int_equal(n, 2); /* his own and alice's public one */
	assert_int_equal(v[0].entry_count, 3);
	assert_null(v[0].entries);
	store_playlists_free(v, n);
	assert_int_equal(store_playlists(f->s, "alice", &v, &n), STORE_OK);
	assert_int_equal(n, 1);
	store_playlists_free(v, n);
	assert_int_equal(store_playlist_delete(f->s, id), STORE_OK);
	assert_int_equal(store_playlist_delete(f->s, id), STORE_NOT_FOUND);
	assert_int_equal(store_playlist_get(f->s, id, &p), STORE_NOT_FOUND);
	memset(&c, 0, sizeof c);
	c.public = -1;
	assert_int_equal(store_playlist_update(f->s, id, &c, 50),
			 STORE_NOT_FOUND);
}

static void
test_replace(void **state)
{
	struct fixture *f = *state;
	const char *first[] = {"tr-a", "tr-b"};
	const char *second[] = {"tr-c"};
	struct store_playlist_change c = {.public = -1};
	int64_t id;

	assert_int_equal(store_playlist_create(f->s, "alice", "P", 1, &id),
			 STORE_OK);
	c.add = first;
	c.add_count = 2;
	assert_int_equal(store_playlist_update(f->s, id, &c, 2), STORE_OK);
	c.add = second;
	c.add_count = 1;
	c.replace = true;
	assert_int_equal(store_playlist_update(f->s, id, &c, 3), STORE_OK);
	expect_entries(f, id, second, 1);
}

static void
test_schemes(void **state)
{
	char *cause = NULL;

	(void)state;
	/* nothing listens on port 1: libpq's refusal, named */
	assert_null(store_open("postgresql://127.0.0.1:1/as", &cause));
	assert_non_null(strstr(cause, "postgresql"));
	free(cause);
	assert_null(store_open("sqlite:/nonexistent/dir/x.db", &cause));
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_star, set_up, tear_down),
		cmocka_unit_test_setup_teardown(test_rating_and_plays, set_up,
						tear_down),
		cmocka_unit_test_setup_teardown(test_limits, set_up,
						tear_down),
		cmocka_unit_test_setup_teardown(test_playlists, set_up,
						tear_down),
		cmocka_unit_test_setup_teardown(test_replace, set_up,
						tear_down),
		cmocka_unit_test(test_schemes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
