/*
 * store_pg: the store in PostgreSQL (libpq), which every replica of a
 * server shares: "postgresql://user@host/db?..." or "postgres://...", any
 * URI libpq takes. One connection per process, used under a mutex (each
 * call is a few indexed statements); a connection found broken is reset
 * once and the call retried when it had not begun to write. The schema is
 * made under an advisory lock, so replicas starting together do not race;
 * table as_schema holds its version.
 */
#include "store.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "log.h"

#define SCHEMA_VERSION 1
#define SCHEMA_LOCK "25971" /* pg_advisory_lock key while creating it */
#define NUM_MAX 24	    /* bytes of a decimal int64 and its NUL */

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS as_schema (version INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS annotation ("
	" username TEXT NOT NULL, id TEXT NOT NULL, kind INTEGER NOT NULL,"
	" starred BIGINT, rating INTEGER NOT NULL DEFAULT 0,"
	" plays BIGINT NOT NULL DEFAULT 0, played BIGINT,"
	" PRIMARY KEY (username, id));"
	"CREATE INDEX IF NOT EXISTS annotation_starred"
	" ON annotation (username, kind, starred);"
	"CREATE TABLE IF NOT EXISTS playlist ("
	" id BIGSERIAL PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL,"
	" comment TEXT, public INTEGER NOT NULL DEFAULT 0,"
	" created BIGINT NOT NULL, changed BIGINT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS playlist_entry ("
	" playlist BIGINT NOT NULL, pos INTEGER NOT NULL, song TEXT NOT NULL,"
	" PRIMARY KEY (playlist, pos));"
	"INSERT INTO as_schema (version) SELECT 1"
	" WHERE NOT EXISTS (SELECT 1 FROM as_schema);";

#define ANNOTATION_COLUMNS                                                    \
	"id, coalesce(starred, 0), rating, plays, coalesce(played, 0)"
#define PLAYLIST_COLUMNS                                                      \
	"p.id, owner, name, comment, public, created, changed,"               \
	" (SELECT count(*) FROM playlist_entry e WHERE e.playlist = p.id)"

static const char sql_star_on[] =
	"INSERT INTO annotation (username, id, kind, starred)"
	" VALUES ($1, $2, $3, $4) ON CONFLICT (username, id)"
	" DO UPDATE SET starred = coalesce(annotation.starred, $4)";
static const char sql_star_off[] = "UPDATE annotation SET starred = NULL"
				   " WHERE username = $1 AND id = $2";
static const char sql_rate[] =
	"INSERT INTO annotation (username, id, kind, rating)"
	" VALUES ($1, $2, $3, $4) ON CONFLICT (username, id)"
	" DO UPDATE SET rating = $4";
static const char sql_scrobble[] =
	"INSERT INTO annotation (username, id, kind, plays, played)"
	" VALUES ($1, $2, $3, 1, $4) ON CONFLICT (username, id)"
	" DO UPDATE SET plays = annotation.plays + 1,"
	" played = greatest(coalesce(annotation.played, 0), $4)";
static const char sql_get[] =
	"SELECT " ANNOTATION_COLUMNS " FROM annotation WHERE username = $1"
	" AND id = $2";
static const char *const sql_list[] = {
	[STORE_BY_STARRED] = "SELECT " ANNOTATION_COLUMNS " FROM annotation"
			     " WHERE username = $1 AND kind = $2 AND starred"
			     " IS NOT NULL ORDER BY starred DESC, id"
			     " LIMIT $3 OFFSET $4",
	[STORE_BY_PLAYS] = "SELECT " ANNOTATION_COLUMNS " FROM annotation"
			   " WHERE username = $1 AND kind = $2 AND plays > 0"
			   " ORDER BY plays DESC, id LIMIT $3 OFFSET $4",
	[STORE_BY_PLAYED] = "SELECT " ANNOTATION_COLUMNS " FROM annotation"
			    " WHERE username = $1 AND kind = $2 AND played"
			    " IS NOT NULL ORDER BY played DESC, id"
			    " LIMIT $3 OFFSET $4",
};
static const char sql_pl_create[] =
	"INSERT INTO playlist (owner, name, created, changed)"
	" VALUES ($1, $2, $3, $3) RETURNING id";
static const char sql_pl_get[] =
	"SELECT " PLAYLIST_COLUMNS " FROM playlist p WHERE p.id = $1";
static const char sql_pl_lock[] =
	"SELECT " PLAYLIST_COLUMNS " FROM playlist p WHERE p.id = $1"
	" FOR UPDATE";
static const char sql_pl_entries[] = "SELECT song FROM playlist_entry"
				     " WHERE playlist = $1 ORDER BY pos";
static const char sql_pl_list[] =
	"SELECT " PLAYLIST_COLUMNS " FROM playlist p WHERE owner = $1"
	" OR public = 1 ORDER BY p.id LIMIT $2";
static const char sql_pl_set[] =
	"UPDATE playlist SET name = coalesce($2, name),"
	" comment = CASE WHEN $3::text IS NULL THEN comment"
	" WHEN $3 = '' THEN NULL ELSE $3 END,"
	" public = CASE WHEN $4::integer < 0 THEN public ELSE $4 END,"
	" changed = $5 WHERE id = $1";
static const char sql_pl_clear[] = "DELETE FROM playlist_entry"
				   " WHERE playlist = $1";
static const char sql_pl_add[] = "INSERT INTO playlist_entry"
				 " (playlist, pos, song) VALUES ($1, $2, $3)";
static const char sql_pl_delete[] = "DELETE FROM playlist WHERE id = $1";

struct pg_store {
	struct store base; /* first: a struct store * points here */
	pthread_mutex_t lock;
	PGconn *conn;
};

/* A decimal number as a query parameter. */
struct num {
	char s[NUM_MAX];
};

static const char *
num(struct num *n, int64_t v)
{
	if (snprintf(n->s, sizeof n->s, "%" PRId64, v) < 0)
		n->s[0] = '\0';
	return n->s;
}

static struct pg_store *
from(struct store *s)
{
	return (struct pg_store *)s;
}

/*
 * Run sql with the text parameters v[0, n): its result (the caller
 * PQclears it; NULL only when out of memory). A connection that broke is
 * reset and the statement tried once more, outside a transaction only
 * (in one, the transaction is lost with the connection anyway).
 */
static PGresult *
query(struct pg_store *q, const char *sql, int n, const char *const *v)
{
	PGresult *r = PQexecParams(q->conn, sql, n, NULL, v, NULL, NULL, 0);

	if (PQstatus(q->conn) == CONNECTION_BAD) {
		PQclear(r);
		log_warn("postgresql store: connection lost, reconnecting");
		PQreset(q->conn);
		r = PQexecParams(q->conn, sql, n, NULL, v, NULL, NULL, 0);
	}
	return r;
}

/* Did r come back as want? Logs why not. */
static bool
ok(struct pg_store *q, PGresult *r, ExecStatusType want)
{
	if (r != NULL && PQresultStatus(r) == want)
		return true;
	log_warn("postgresql store: %s", r != NULL ? PQresultErrorMessage(r)
						   : PQerrorMessage(q->conn));
	return false;
}

/* Run a statement that returns no rows: STORE_OK or STORE_ERROR. */
static enum store_result
run(struct pg_store *q, const char *sql, int n, const char *const *v)
{
	PGresult *r = query(q, sql, n, v);
	enum store_result res =
		ok(q, r, PGRES_COMMAND_OK) ? STORE_OK : STORE_ERROR;

	PQclear(r);
	return res;
}

/* Like run, under the lock. */
static enum store_result
run_locked(struct pg_store *q, const char *sql, int n, const char *const *v)
{
	enum store_result res;

	pthread_mutex_lock(&q->lock);
	res = run(q, sql, n, v);
	pthread_mutex_unlock(&q->lock);
	return res;
}

/* Create the schema (under an advisory lock) and check its version. */
static int
set_up(struct pg_store *q, char **cause)
{
	PGresult *r;
	int version = -1;
	char buf[256];

	r = PQexec(q->conn, "SET client_min_messages = warning;"
			    "SELECT pg_advisory_lock(" SCHEMA_LOCK ");");
	PQclear(r);
	r = PQexec(q->conn, schema);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		if (snprintf(buf, sizeof buf, "cannot create the schema: %s",
			     r != NULL ? PQresultErrorMessage(r)
				       : "out of memory") > 0)
			*cause = strdup(buf);
		PQclear(r);
		PQclear(PQexec(q->conn, "SELECT pg_advisory_unlock_all()"));
		return -1;
	}
	PQclear(r);
	PQclear(PQexec(q->conn, "SELECT pg_advisory_unlock_all()"));
	r = PQexec(q->conn, "SELECT max(version) FROM as_schema");
	if (r != NULL && PQresultStatus(r) == PGRES_TUPLES_OK &&
	    PQntuples(r) == 1)
		version = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	if (version >= 1 && version <= SCHEMA_VERSION)
		return 0;
	*cause = strdup(version < 0 ? "cannot read the schema version"
				    : "the database has a newer schema "
				      "version than this server knows");
	return -1;
}

static void pg_close(struct store *s);

/* location is what follows "postgresql:" (libpq wants the whole URI). */
static struct store *
pg_open(const char *location, char **cause)
{
	struct pg_store *q = calloc(1, sizeof *q);
	struct store *result = NULL;
	char *uri = NULL;
	size_t len = strlen(location) + sizeof "postgresql:";

	*cause = NULL;
	if (q == NULL)
		return NULL;
	q->base.ops = &store_pg_ops;
	pthread_mutex_init(&q->lock, NULL);
	uri = malloc(len);
	if (uri == NULL || snprintf(uri, len, "postgresql:%s", location) < 0)
		goto out;
	q->conn = PQconnectdb(uri);
	if (q->conn == NULL)
		goto out;
	if (PQstatus(q->conn) != CONNECTION_OK) {
		char buf[512];

		if (snprintf(buf, sizeof buf, "postgresql: %s",
			     PQerrorMessage(q->conn)) > 0) {
			buf[strcspn(buf, "\n")] = '\0';
			*cause = strdup(buf);
		}
		goto out;
	}
	if (set_up(q, cause) != 0)
		goto out;
	result = &q->base;
	q = NULL;
out:
	free(uri);
	if (q != NULL)
		pg_close(&q->base);
	return result;
}

static void
pg_close(struct store *s)
{
	struct pg_store *q = from(s);

	PQfinish(q->conn);
	pthread_mutex_destroy(&q->lock);
	free(q);
}

static enum store_result
pg_star(struct store *s, const char *user, enum store_kind kind,
	const char *id, bool on, int64_t now)
{
	struct num k, t;
	const char *v[4] = {user, id, num(&k, kind), num(&t, now)};

	return run_locked(from(s), on ? sql_star_on : sql_star_off, on ? 4 : 2,
			  v);
}

static enum store_result
pg_rate(struct store *s, const char *user, enum store_kind kind,
	const char *id, int rating)
{
	struct num k, r;
	const char *v[4] = {user, id, num(&k, kind), num(&r, rating)};

	return run_locked(from(s), sql_rate, 4, v);
}

static enum store_result
pg_scrobble(struct store *s, const char *user, enum store_kind kind,
	    const char *id, int64_t when)
{
	struct num k, w;
	const char *v[4] = {user, id, num(&k, kind), num(&w, when)};

	return run_locked(from(s), sql_scrobble, 4, v);
}

static int64_t
field_i64(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col)
		       ? 0
		       : (int64_t)strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* Row row of r (ANNOTATION_COLUMNS) into *a. */
static void
read_annotation(const PGresult *r, int row, struct store_annotation *a)
{
	int64_t plays = field_i64(r, row, 3);

	memset(a, 0, sizeof *a);
	snprintf(a->id, sizeof a->id, "%s", PQgetvalue(r, row, 0));
	a->starred = field_i64(r, row, 1);
	a->rating = (int)field_i64(r, row, 2);
	a->plays = plays > 0 ? (uint64_t)plays : 0;
	a->played = field_i64(r, row, 4);
}

static enum store_result
pg_annotation(struct store *s, const char *user, const char *id,
	      struct store_annotation *out)
{
	struct pg_store *q = from(s);
	const char *v[2] = {user, id};
	enum store_result res = STORE_ERROR;
	PGresult *r;

	pthread_mutex_lock(&q->lock);
	r = query(q, sql_get, 2, v);
	if (ok(q, r, PGRES_TUPLES_OK)) {
		res = PQntuples(r) > 0 ? STORE_OK : STORE_NOT_FOUND;
		if (res == STORE_OK)
			read_annotation(r, 0, out);
	}
	PQclear(r);
	pthread_mutex_unlock(&q->lock);
	return res;
}

static enum store_result
pg_annotations(struct store *s, const char *user, enum store_kind kind,
	       enum store_order order, size_t offset, size_t limit,
	       struct store_annotation **out, size_t *n)
{
	struct pg_store *q = from(s);
	struct num k, l, o;
	const char *v[4] = {user, num(&k, kind), num(&l, (int64_t)limit),
			    num(&o, (int64_t)offset)};
	enum store_result res = STORE_ERROR;
	PGresult *r;
	int i, rows;

	pthread_mutex_lock(&q->lock);
	r = query(q, sql_list[order], 4, v);
	if (!ok(q, r, PGRES_TUPLES_OK))
		goto out;
	rows = PQntuples(r);
	*out = NULL;
	if (rows > 0) {
		*out = calloc((size_t)rows, sizeof **out);
		if (*out == NULL)
			goto out;
	}
	for (i = 0; i < rows && (size_t)i < limit; i++)
		read_annotation(r, i, &(*out)[(*n)++]);
	res = STORE_OK;
out:
	PQclear(r);
	pthread_mutex_unlock(&q->lock);
	return res;
}

static enum store_result
pg_playlist_create(struct store *s, const char *owner, const char *name,
		   int64_t now, int64_t *id)
{
	struct pg_store *q = from(s);
	struct num t;
	const char *v[3] = {owner, name, num(&t, now)};
	enum store_result res = STORE_ERROR;
	PGresult *r;

	pthread_mutex_lock(&q->lock);
	r = query(q, sql_pl_create, 3, v);
	if (ok(q, r, PGRES_TUPLES_OK) && PQntuples(r) == 1) {
		*id = field_i64(r, 0, 0);
		res = STORE_OK;
	}
	PQclear(r);
	pthread_mutex_unlock(&q->lock);
	return res;
}

static char *
field_dup(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL
					: strdup(PQgetvalue(r, row, col));
}

/* Row row of r (PLAYLIST_COLUMNS) into *p; 0, or -1 when out of memory. */
static int
read_playlist(const PGresult *r, int row, struct store_playlist *p)
{
	int64_t count = field_i64(r, row, 7);

	memset(p, 0, sizeof *p);
	p->id = field_i64(r, row, 0);
	p->owner = field_dup(r, row, 1);
	p->name = field_dup(r, row, 2);
	p->comment = field_dup(r, row, 3);
	p->public = field_i64(r, row, 4) != 0;
	p->created = field_i64(r, row, 5);
	p->changed = field_i64(r, row, 6);
	p->entry_count = count > 0 ? (size_t)count : 0;
	return p->owner != NULL && p->name != NULL ? 0 : -1;
}

/* Playlist id's song IDs into p->entries. Under the lock. */
static enum store_result
read_entries(struct pg_store *q, const char *id, struct store_playlist *p)
{
	PGresult *r = query(q, sql_pl_entries, 1, &id);
	enum store_result res = STORE_ERROR;
	int i, rows;

	if (!ok(q, r, PGRES_TUPLES_OK))
		goto out;
	rows = PQntuples(r);
	p->entries = calloc((size_t)rows + 1, sizeof *p->entries);
	if (p->entries == NULL)
		goto out;
	p->entry_count = 0;
	for (i = 0; i < rows; i++) {
		p->entries[i] = strdup(PQgetvalue(r, i, 0));
		if (p->entries[i] == NULL)
			goto out;
		p->entry_count++;
	}
	res = STORE_OK;
out:
	PQclear(r);
	return res;
}

/* Playlist id into *out with its entries, by sql; under the lock. */
static enum store_result
load_playlist(struct pg_store *q, const char *sql, int64_t id,
	      struct store_playlist *out)
{
	struct num n;
	const char *v[1] = {num(&n, id)};
	enum store_result res = STORE_ERROR;
	PGresult *r = query(q, sql, 1, v);

	if (ok(q, r, PGRES_TUPLES_OK))
		res = PQntuples(r) == 0		      ? STORE_NOT_FOUND
		      : read_playlist(r, 0, out) == 0 ? STORE_OK
						      : STORE_ERROR;
	PQclear(r);
	if (res == STORE_OK)
		res = read_entries(q, v[0], out);
	if (res == STORE_ERROR)
		store_playlist_clear(out);
	return res;
}

static enum store_result
pg_playlist_get(struct store *s, int64_t id, struct store_playlist *out)
{
	struct pg_store *q = from(s);
	enum store_result res;

	pthread_mutex_lock(&q->lock);
	res = load_playlist(q, sql_pl_get, id, out);
	pthread_mutex_unlock(&q->lock);
	return res;
}

static enum store_result
pg_playlists(struct store *s, const char *user, struct store_playlist **out,
	     size_t *n)
{
	struct pg_store *q = from(s);
	struct num l;
	const char *v[2] = {user, num(&l, STORE_PLAYLISTS_MAX)};
	enum store_result res = STORE_ERROR;
	struct store_playlist *p = NULL;
	PGresult *r;
	int i, rows;

	pthread_mutex_lock(&q->lock);
	r = query(q, sql_pl_list, 2, v);
	if (!ok(q, r, PGRES_TUPLES_OK))
		goto out;
	rows = PQntuples(r);
	p = calloc((size_t)rows + 1, sizeof *p);
	if (p == NULL)
		goto out;
	for (i = 0; i < rows; i++)
		if (read_playlist(r, i, &p[(*n)++]) != 0)
			goto out;
	res = STORE_OK;
out:
	PQclear(r);
	pthread_mutex_unlock(&q->lock);
	if (res != STORE_OK) {
		store_playlists_free(p, *n);
		*n = 0;
		p = NULL;
	}
	*out = p;
	return res;
}

/* Rewrite playlist id's entries: p's, as c says. In the transaction. */
static enum store_result
rewrite_entries(struct pg_store *q, const char *id,
		const struct store_playlist *p,
		const struct store_playlist_change *c)
{
	struct num n;
	int64_t pos = 0;
	size_t i = 0;
	const char *v[3] = {id, NULL, NULL};

	if (run(q, sql_pl_clear, 1, v) != STORE_OK)
		return STORE_ERROR;
	while ((v[2] = store_playlist_next(p, c, &i)) != NULL) {
		if (pos >= STORE_PLAYLIST_LEN_MAX)
			return STORE_ERROR;
		v[1] = num(&n, pos++);
		if (run(q, sql_pl_add, 3, v) != STORE_OK)
			return STORE_ERROR;
	}
	return STORE_OK;
}

static enum store_result
set_fields(struct pg_store *q, const char *id,
	   const struct store_playlist_change *c, int64_t now)
{
	struct num pub, t;
	const char *v[5] = {id, c->name, c->comment, num(&pub, c->public),
			    num(&t, now)};

	return run(q, sql_pl_set, 5, v);
}

static enum store_result
pg_playlist_update(struct store *s, int64_t id,
		   const struct store_playlist_change *c, int64_t now)
{
	struct pg_store *q = from(s);
	struct store_playlist p = {0};
	enum store_result res;
	struct num n;

	num(&n, id);
	pthread_mutex_lock(&q->lock);
	res = run(q, "BEGIN", 0, NULL);
	if (res != STORE_OK)
		goto out;
	res = load_playlist(q, sql_pl_lock, id, &p);
	if (res == STORE_OK)
		res = set_fields(q, n.s, c, now);
	if (res == STORE_OK)
		res = rewrite_entries(q, n.s, &p, c);
	if (res == STORE_OK)
		res = run(q, "COMMIT", 0, NULL);
	if (res != STORE_OK)
		run(q, "ROLLBACK", 0, NULL);
out:
	pthread_mutex_unlock(&q->lock);
	store_playlist_clear(&p);
	return res;
}

static enum store_result
pg_playlist_delete(struct store *s, int64_t id)
{
	struct pg_store *q = from(s);
	struct num n;
	const char *v[1] = {num(&n, id)};
	enum store_result res;
	PGresult *r;

	pthread_mutex_lock(&q->lock);
	res = run(q, "BEGIN", 0, NULL);
	if (res != STORE_OK)
		goto out;
	res = run(q, sql_pl_clear, 1, v);
	if (res == STORE_OK) {
		r = query(q, sql_pl_delete, 1, v);
		res = ok(q, r, PGRES_COMMAND_OK) ? STORE_OK : STORE_ERROR;
		if (res == STORE_OK && strcmp(PQcmdTuples(r), "0") == 0)
			res = STORE_NOT_FOUND;
		PQclear(r);
	}
	run(q, res == STORE_OK ? "COMMIT" : "ROLLBACK", 0, NULL);
out:
	pthread_mutex_unlock(&q->lock);
	return res;
}

const struct store_ops store_pg_ops = {
	.scheme = "postgresql",
	.alias = "postgres",
	.open = pg_open,
	.close = pg_close,
	.star = pg_star,
	.rate = pg_rate,
	.scrobble = pg_scrobble,
	.annotation = pg_annotation,
	.annotations = pg_annotations,
	.playlist_create = pg_playlist_create,
	.playlist_get = pg_playlist_get,
	.playlists = pg_playlists,
	.playlist_update = pg_playlist_update,
	.playlist_delete = pg_playlist_delete,
};
