/*
 * store_sqlite: the store on one SQLite database file (WAL, so readers do
 * not wait for a writer; prepared statements; PRAGMA user_version is the
 * schema version). One connection, used under a mutex: each call is a
 * handful of indexed statements, far below what the routes spend.
 */
#include "store.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define SCHEMA_VERSION 1
#define BUSY_TIMEOUT_MS 5000

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS annotation ("
	" user TEXT NOT NULL, id TEXT NOT NULL, kind INTEGER NOT NULL,"
	" starred INTEGER, rating INTEGER NOT NULL DEFAULT 0,"
	" plays INTEGER NOT NULL DEFAULT 0, played INTEGER,"
	" PRIMARY KEY (user, id)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS annotation_starred"
	" ON annotation (user, kind, starred);"
	"CREATE TABLE IF NOT EXISTS playlist ("
	" id INTEGER PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL,"
	" comment TEXT, public INTEGER NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL, changed INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS playlist_entry ("
	" playlist INTEGER NOT NULL, pos INTEGER NOT NULL, song TEXT NOT NULL,"
	" PRIMARY KEY (playlist, pos)) WITHOUT ROWID;"
	"PRAGMA user_version = 1;";

enum stmt {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_STAR_ON,
	ST_STAR_OFF,
	ST_RATE,
	ST_SCROBBLE,
	ST_GET,
	ST_LIST_STARRED,
	ST_LIST_PLAYS,
	ST_LIST_PLAYED,
	ST_PL_CREATE,
	ST_PL_GET,
	ST_PL_ENTRIES,
	ST_PL_LIST,
	ST_PL_SET,
	ST_PL_CLEAR,
	ST_PL_ADD,
	ST_PL_DELETE,
	ST_COUNT
};

#define ANNOTATION_COLUMNS "id, starred, rating, plays, played"
#define LIST_TAIL " ORDER BY %s DESC, id LIMIT ?3 OFFSET ?4"

static const char *const sql[ST_COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_STAR_ON] = "INSERT INTO annotation (user, id, kind, starred)"
		       " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user, id)"
		       " DO UPDATE SET starred = coalesce(starred, ?4)",
	[ST_STAR_OFF] = "UPDATE annotation SET starred = NULL"
			" WHERE user = ?1 AND id = ?2",
	[ST_RATE] = "INSERT INTO annotation (user, id, kind, rating)"
		    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user, id)"
		    " DO UPDATE SET rating = ?4",
	[ST_SCROBBLE] =
		"INSERT INTO annotation (user, id, kind, plays, played)"
		" VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (user, id)"
		" DO UPDATE SET plays = plays + 1,"
		" played = max(coalesce(played, 0), ?4)",
	[ST_GET] = "SELECT " ANNOTATION_COLUMNS " FROM annotation"
		   " WHERE user = ?1 AND id = ?2",
	[ST_LIST_STARRED] = "SELECT " ANNOTATION_COLUMNS " FROM annotation"
			    " WHERE user = ?1 AND kind = ?2 AND starred"
			    " IS NOT NULL ORDER BY starred DESC, id"
			    " LIMIT ?3 OFFSET ?4",
	[ST_LIST_PLAYS] = "SELECT " ANNOTATION_COLUMNS " FROM annotation"
			  " WHERE user = ?1 AND kind = ?2 AND plays > 0"
			  " ORDER BY plays DESC, id LIMIT ?3 OFFSET ?4",
	[ST_LIST_PLAYED] = "SELECT " ANNOTATION_COLUMNS " FROM annotation"
			   " WHERE user = ?1 AND kind = ?2 AND played"
			   " IS NOT NULL ORDER BY played DESC, id"
			   " LIMIT ?3 OFFSET ?4",
	[ST_PL_CREATE] = "INSERT INTO playlist (owner, name, created, changed)"
			 " VALUES (?1, ?2, ?3, ?3)",
	[ST_PL_GET] = "SELECT id, owner, name, comment, public, created,"
		      " changed, (SELECT count(*) FROM playlist_entry"
		      " WHERE playlist = ?1) FROM playlist WHERE id = ?1",
	[ST_PL_ENTRIES] = "SELECT song FROM playlist_entry WHERE playlist = ?1"
			  " ORDER BY pos",
	[ST_PL_LIST] = "SELECT p.id, owner, name, comment, public, created,"
		       " changed, (SELECT count(*) FROM playlist_entry e"
		       " WHERE e.playlist = p.id) FROM playlist p"
		       " WHERE owner = ?1 OR public = 1 ORDER BY p.id"
		       " LIMIT ?2",
	[ST_PL_SET] = "UPDATE playlist SET name = coalesce(?2, name),"
		      " comment = CASE WHEN ?3 IS NULL THEN comment"
		      " WHEN ?3 = '' THEN NULL ELSE ?3 END,"
		      " public = CASE WHEN ?4 < 0 THEN public ELSE ?4 END,"
		      " changed = ?5 WHERE id = ?1",
	[ST_PL_CLEAR] = "DELETE FROM playlist_entry WHERE playlist = ?1",
	[ST_PL_ADD] = "INSERT INTO playlist_entry (playlist, pos, song)"
		      " VALUES (?1, ?2, ?3)",
	[ST_PL_DELETE] = "DELETE FROM playlist WHERE id = ?1",
};

struct sqlite_store {
	struct store base; /* first: a struct store * points here */
	pthread_mutex_t lock;
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
};

static struct sqlite_store *
from(struct store *s)
{
	return (struct sqlite_store *)s;
}

static void
complain(struct sqlite_store *q, const char *what)
{
	log_warn("sqlite store: %s: %s", what, sqlite3_errmsg(q->db));
}

/* A statement reset, its bindings cleared, ready for new ones. */
static sqlite3_stmt *
stmt(struct sqlite_store *q, enum stmt which)
{
	sqlite3_stmt *st = q->st[which];

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

/* Run a statement that returns no rows: STORE_OK or STORE_ERROR. */
static enum store_result
run(struct sqlite_store *q, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	complain(q, sqlite3_sql(st));
	return STORE_ERROR;
}

static int
check_version(struct sqlite_store *q, char **cause)
{
	sqlite3_stmt *st = NULL;
	int version = -1;

	if (sqlite3_prepare_v2(q->db, "PRAGMA user_version", -1, &st, NULL) ==
		    SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version >= 0 && version <= SCHEMA_VERSION)
		return 0;
	*cause = strdup(version < 0 ? "cannot read the schema version"
				    : "the database has a newer schema "
				      "version than this server knows");
	return -1;
}

static int
set_up(struct sqlite_store *q, char **cause)
{
	char *err = NULL;
	int i;

	sqlite3_busy_timeout(q->db, BUSY_TIMEOUT_MS);
	if (check_version(q, cause) != 0)
		return -1;
	if (sqlite3_exec(q->db,
			 "PRAGMA journal_mode = WAL; PRAGMA synchronous = "
			 "NORMAL; PRAGMA foreign_keys = ON;",
			 NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(q->db, schema, NULL, NULL, &err) != SQLITE_OK) {
		*cause =
			strdup(err != NULL ? err : "cannot create the schema");
		sqlite3_free(err);
		return -1;
	}
	for (i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(q->db, sql[i], -1,
				       SQLITE_PREPARE_PERSISTENT, &q->st[i],
				       NULL) != SQLITE_OK) {
			*cause = strdup(sqlite3_errmsg(q->db));
			return -1;
		}
	return 0;
}

static void sqlite_close(struct store *s);

static struct store *
sqlite_open(const char *location, char **cause)
{
	struct sqlite_store *q = calloc(1, sizeof *q);
	struct store *result = NULL;

	*cause = NULL;
	if (q == NULL)
		return NULL;
	q->base.ops = &store_sqlite_ops;
	pthread_mutex_init(&q->lock, NULL);
	if (strncmp(location, "//", 2) == 0)
		location += 2; /* sqlite:///abs/path */
	if (sqlite3_open_v2(location, &q->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				    SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		*cause = strdup(q->db != NULL ? sqlite3_errmsg(q->db)
					      : "out of memory");
		goto out;
	}
	if (set_up(q, cause) != 0)
		goto out;
	result = &q->base;
	q = NULL;
out:
	if (q != NULL)
		sqlite_close(&q->base);
	return result;
}

static void
sqlite_close(struct store *s)
{
	struct sqlite_store *q = from(s);
	int i;

	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(q->st[i]);
	sqlite3_close(q->db);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

static void
bind_item(sqlite3_stmt *st, const char *user, const char *id)
{
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
}

static enum store_result
sqlite_star(struct store *s, const char *user, enum store_kind kind,
	    const char *id, bool on, int64_t now)
{
	struct sqlite_store *q = from(s);
	sqlite3_stmt *st;
	enum store_result r;

	pthread_mutex_lock(&q->lock);
	st = stmt(q, on ? ST_STAR_ON : ST_STAR_OFF);
	bind_item(st, user, id);
	if (on) {
		sqlite3_bind_int(st, 3, (int)kind);
		sqlite3_bind_int64(st, 4, now);
	}
	r = run(q, st);
	pthread_mutex_unlock(&q->lock);
	return r;
}

static enum store_result
sqlite_rate(struct store *s, const char *user, enum store_kind kind,
	    const char *id, int rating)
{
	struct sqlite_store *q = from(s);
	sqlite3_stmt *st;
	enum store_result r;

	pthread_mutex_lock(&q->lock);
	st = stmt(q, ST_RATE);
	bind_item(st, user, id);
	sqlite3_bind_int(st, 3, (int)kind);
	sqlite3_bind_int(st, 4, rating);
	r = run(q, st);
	pthread_mutex_unlock(&q->lock);
	return r;
}

static enum store_result
sqlite_scrobble(struct store *s, const char *user, enum store_kind kind,
		const char *id, int64_t when)
{
	struct sqlite_store *q = from(s);
	sqlite3_stmt *st;
	enum store_result r;

	pthread_mutex_lock(&q->lock);
	st = stmt(q, ST_SCROBBLE);
	bind_item(st, user, id);
	sqlite3_bind_int(st, 3, (int)kind);
	sqlite3_bind_int64(st, 4, when);
	r = run(q, st);
	pthread_mutex_unlock(&q->lock);
	return r;
}

/* Read the row st stands on (ANNOTATION_COLUMNS) into *a. */
static void
read_annotation(sqlite3_stmt *st, struct store_annotation *a)
{
	const unsigned char *id = sqlite3_column_text(st, 0);
	int64_t plays = sqlite3_column_int64(st, 3);

	memset(a, 0, sizeof *a);
	if (id != NULL)
		snprintf(a->id, sizeof a->id, "%s", (const char *)id);
	a->starred = sqlite3_column_int64(st, 1);
	a->rating = sqlite3_column_int(st, 2);
	a->plays = plays > 0 ? (uint64_t)plays : 0;
	a->played = sqlite3_column_int64(st, 4);
}

static enum store_result
sqlite_annotation(struct store *s, const char *user, const char *id,
		  struct store_annotation *out)
{
	struct sqlite_store *q = from(s);
	sqlite3_stmt *st;
	enum store_result r = STORE_NOT_FOUND;
	int rc;

	pthread_mutex_lock(&q->lock);
	st = stmt(q, ST_GET);
	bind_item(st, user, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		read_annotation(st, out);
		r = STORE_OK;
	} else if (rc != SQLITE_DONE) {
		complain(q, "annotation");
		r = STORE_ERROR;
	}
	sqlite3_reset(st);
	pthread_mutex_unlock(&q->lock);
	return r;
}

/* Step through st's rows into a growing array, at most limit of them. */
static enum store_result
collect(struct sqlite_store *q, sqlite3_stmt *st, size_t limit,
	struct store_annotation **out, size_t *n)
{
	struct store_annotation *v = NULL;
	size_t cap = 0;
	int rc;

	while (*n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t c = cap != 0 ? 2 * cap : 64;
			struct store_annotation *w = realloc(v, c * sizeof *v);

			if (w == NULL)
				goto fail;
			v = w;
			cap = c;
		}
		read_annotation(st, &v[(*n)++]);
	}
	*out = v;
	return STORE_OK;
fail:
	complain(q, "out of memory listing annotations");
	free(v);
	*n = 0;
	return STORE_ERROR;
}

static enum store_result
sqlite_annotations(struct store *s, const char *user, enum store_kind kind,
		   enum store_order order, size_t offset, size_t limit,
		   struct store_annotation **out, size_t *n)
{
	struct sqlite_store *q = from(s);
	enum stmt which = order == STORE_BY_STARRED ? ST_LIST_STARRED
			  : order == STORE_BY_PLAYS ? ST_LIST_PLAYS
						    : ST_LIST_PLAYED;
	sqlite3_stmt *st;
	enum store_result r;

	pthread_mutex_lock(&q->lock);
	st = stmt(q, which);
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, (int)kind);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)offset);
	r = collect(q, st, limit, out, n);
	sqlite3_reset(st);
	pthread_mutex_unlock(&q->lock);
	return r;
}

static enum store_result
sqlite_playlist_create(struct store *s, const char *owner, const char *name,
		       int64_t now, int64_t *id)
{
	struct sqlite_store *q = from(s);
	sqlite3_stmt *st;
	enum store_result r;

	pthread_mutex_lock(&q->lock);
	st = stmt(q, ST_PL_CREATE);
	sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	r = run(q, st);
	if (r == STORE_OK)
		*id = sqlite3_last_insert_rowid(q->db);
	pthread_mutex_unlock(&q->lock);
	return r;
}

static char *
column_dup(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? strdup((const char *)t) : NULL;
}

/* The playlist row st stands on (ST_PL_GET's columns) into *p. */
static int
read_playlist(sqlite3_stmt *st, struct store_playlist *p)
{
	int64_t count = sqlite3_column_int64(st, 7);

	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->owner = column_dup(st, 1);
	p->name = column_dup(st, 2);
	p->comment = column_dup(st, 3);
	p->public = sqlite3_column_int(st, 4) != 0;
	p->created = sqlite3_column_int64(st, 5);
	p->changed = sqlite3_column_int64(st, 6);
	p->entry_count = count > 0 ? (size_t)count : 0;
	return p->owner != NULL && p->name != NULL ? 0 : -1;
}

/* Playlist id's song IDs into p->entries (p->entry_count of them). */
static enum store_result
read_entries(struct sqlite_store *q, int64_t id, struct store_playlist *p)
{
	sqlite3_stmt *st = stmt(q, ST_PL_ENTRIES);
	size_t cap = p->entry_count, n = 0;
	enum store_result r = STORE_ERROR;

	p->entries = calloc(cap + 1, sizeof *p->entries);
	if (p->entries == NULL)
		return STORE_ERROR;
	sqlite3_bind_int64(st, 1, id);
	while (n < cap && sqlite3_step(st) == SQLITE_ROW) {
		p->entries[n] = column_dup(st, 0);
		if (p->entries[n++] == NULL)
			goto out;
	}
	p->entry_count = n;
	r = STORE_OK;
out:
	sqlite3_reset(st);
	return r;
}

/* Playlist id into *out, entries too when with_entries; under the lock. */
static enum store_result
load_playlist(struct sqlite_store *q, int64_t id, bool with_entries,
	      struct store_playlist *out)
{
	sqlite3_stmt *st = stmt(q, ST_PL_GET);
	enum store_result r = STORE_NOT_FOUND;
	int rc;

	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		r = read_playlist(st, out) == 0 ? STORE_OK : STORE_ERROR;
	else if (rc != SQLITE_DONE)
		r = STORE_ERROR;
	sqlite3_reset(st);
	if (r == STORE_OK && with_entries)
		r = read_entries(q, id, out);
	if (r == STORE_ERROR)
		store_playlist_clear(out);
	return r;
}

static enum store_result
sqlite_playlist_get(struct store *s, int64_t id, struct store_playlist *out)
{
	struct sqlite_store *q = from(s);
	enum store_result r;

	pthread_mutex_lock(&q->lock);
	r = load_playlist(q, id, true, out);
	pthread_mutex_unlock(&q->lock);
	return r;
}

static enum store_result
sqlite_playlists(struct store *s, const char *user,
		 struct store_playlist **out, size_t *n)
{
	struct sqlite_store *q = from(s);
	struct store_playlist *v = calloc(STORE_PLAYLISTS_MAX, sizeof *v);
	enum store_result r = STORE_ERROR;
	sqlite3_stmt *st;

	if (v == NULL)
		return STORE_ERROR;
	pthread_mutex_lock(&q->lock);
	st = stmt(q, ST_PL_LIST);
	sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, STORE_PLAYLISTS_MAX);
	while (*n < STORE_PLAYLISTS_MAX && sqlite3_step(st) == SQLITE_ROW)
		if (read_playlist(st, &v[(*n)++]) != 0)
			goto out;
	r = STORE_OK;
out:
	sqlite3_reset(st);
	pthread_mutex_unlock(&q->lock);
	if (r != STORE_OK) {
		store_playlists_free(v, *n);
		*n = 0;
		v = NULL;
	}
	*out = v;
	return r;
}

/* Rewrite playlist id's entries: p's, as change says. Under the lock. */
static enum store_result
rewrite_entries(struct sqlite_store *q, int64_t id,
		const struct store_playlist *p,
		const struct store_playlist_change *c)
{
	sqlite3_stmt *st;
	int64_t pos = 0;
	size_t i = 0;
	const char *song;

	st = stmt(q, ST_PL_CLEAR);
	sqlite3_bind_int64(st, 1, id);
	if (run(q, st) != STORE_OK)
		return STORE_ERROR;
	while ((song = store_playlist_next(p, c, &i)) != NULL) {
		if (pos >= STORE_PLAYLIST_LEN_MAX)
			return STORE_ERROR;
		st = stmt(q, ST_PL_ADD);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, pos++);
		sqlite3_bind_text(st, 3, song, -1, SQLITE_STATIC);
		if (run(q, st) != STORE_OK)
			return STORE_ERROR;
	}
	return STORE_OK;
}

static enum store_result
set_fields(struct sqlite_store *q, int64_t id,
	   const struct store_playlist_change *c, int64_t now)
{
	sqlite3_stmt *st = stmt(q, ST_PL_SET);

	sqlite3_bind_int64(st, 1, id);
	if (c->name != NULL)
		sqlite3_bind_text(st, 2, c->name, -1, SQLITE_STATIC);
	if (c->comment != NULL)
		sqlite3_bind_text(st, 3, c->comment, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, c->public);
	sqlite3_bind_int64(st, 5, now);
	return run(q, st);
}

static enum store_result
sqlite_playlist_update(struct store *s, int64_t id,
		       const struct store_playlist_change *c, int64_t now)
{
	struct sqlite_store *q = from(s);
	struct store_playlist p = {0};
	enum store_result r;

	pthread_mutex_lock(&q->lock);
	r = run(q, stmt(q, ST_BEGIN));
	if (r != STORE_OK)
		goto out;
	r = load_playlist(q, id, true, &p);
	if (r == STORE_OK)
		r = set_fields(q, id, c, now);
	if (r == STORE_OK)
		r = rewrite_entries(q, id, &p, c);
	if (r == STORE_OK)
		r = run(q, stmt(q, ST_COMMIT));
	if (r != STORE_OK)
		run(q, stmt(q, ST_ROLLBACK));
out:
	pthread_mutex_unlock(&q->lock);
	store_playlist_clear(&p);
	return r;
}

static enum store_result
sqlite_playlist_delete(struct store *s, int64_t id)
{
	struct sqlite_store *q = from(s);
	sqlite3_stmt *st;
	enum store_result r;

	pthread_mutex_lock(&q->lock);
	r = run(q, stmt(q, ST_BEGIN));
	if (r != STORE_OK)
		goto out;
	st = stmt(q, ST_PL_CLEAR);
	sqlite3_bind_int64(st, 1, id);
	r = run(q, st);
	if (r == STORE_OK) {
		st = stmt(q, ST_PL_DELETE);
		sqlite3_bind_int64(st, 1, id);
		r = run(q, st);
	}
	if (r == STORE_OK && sqlite3_changes(q->db) == 0)
		r = STORE_NOT_FOUND;
	run(q, stmt(q, r == STORE_OK ? ST_COMMIT : ST_ROLLBACK));
out:
	pthread_mutex_unlock(&q->lock);
	return r;
}

const struct store_ops store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sqlite_open,
	.close = sqlite_close,
	.star = sqlite_star,
	.rate = sqlite_rate,
	.scrobble = sqlite_scrobble,
	.annotation = sqlite_annotation,
	.annotations = sqlite_annotations,
	.playlist_create = sqlite_playlist_create,
	.playlist_get = sqlite_playlist_get,
	.playlists = sqlite_playlists,
	.playlist_update = sqlite_playlist_update,
	.playlist_delete = sqlite_playlist_delete,
};
