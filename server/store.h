/*
 * store: each user's own state (stars, ratings, plays, playlists), behind
 * a small interface that the routes use; they never see SQL.
 *
 * Items are named by the catalogue's stable IDs ("tr-...", "al-...",
 * "ar-..."), so the state survives rescans and is the same on every
 * replica. An implementation is chosen by the URI's scheme at store_open:
 * "sqlite:PATH" (or a plain path) for SQLite; "postgresql://..." (or
 * "postgres://...") for PostgreSQL, which replicas share (store_pg.c). Every
 * call is thread-safe. Times are milliseconds since the epoch. Calls return
 * enum store_result.
 */
#ifndef AS_STORE_H
#define AS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_USER_MAX 64	     /* bytes of a user name */
#define STORE_ID_MAX 64		     /* bytes of an item ID */
#define STORE_NAME_MAX 512	     /* bytes of a playlist name or comment */
#define STORE_PLAYLIST_LEN_MAX 20000 /* entries of one playlist */
#define STORE_PLAYLISTS_MAX 2000     /* playlists one user sees */
#define STORE_LIST_MAX 100000	     /* items one listing call returns */

enum store_result {
	STORE_OK = 0,
	STORE_NOT_FOUND = 1,
	STORE_ERROR = -1, /* logged by the store */
};

enum store_kind {
	STORE_SONG = 0,
	STORE_ALBUM = 1,
	STORE_ARTIST = 2,
};

/* One user's annotation of one item; zeros when there is none. */
struct store_annotation {
	char id[STORE_ID_MAX + 1];
	int64_t starred; /* when starred, 0: not starred */
	int rating;	 /* 1 to 5, 0: none */
	uint64_t plays;	 /* submitted scrobbles */
	int64_t played;	 /* last scrobble, 0: never */
};

/* How store_annotations orders and filters. */
enum store_order {
	STORE_BY_STARRED, /* starred items, newest star first */
	STORE_BY_PLAYS,	  /* played items, most played first */
	STORE_BY_PLAYED,  /* played items, last played first */
};

struct store_playlist {
	int64_t id;
	char *name;
	char *comment; /* NULL: none */
	char *owner;
	bool public;
	int64_t created;
	int64_t changed;
	char **entries; /* song IDs in order; NULL from store_playlists */
	size_t entry_count;
};

/* Changes store_playlist_update makes; NULL / -1 / 0 fields: unchanged. */
struct store_playlist_change {
	const char *name;
	const char *comment;
	int public;	      /* 0 or 1, -1: unchanged */
	const size_t *remove; /* entry positions before the change */
	size_t remove_count;
	const char *const *add; /* song IDs appended after removal */
	size_t add_count;
	bool replace; /* drop every entry before adding */
};

struct store;

/*
 * Open the store at uri: NULL with a malloc'd *cause saying why (NULL only
 * when out of memory). Creates or upgrades the schema.
 */
struct store *store_open(const char *uri, char **cause);
void store_close(struct store *s);

/* Star or unstar (idempotent). */
enum store_result store_star(struct store *s, const char *user,
			     enum store_kind kind, const char *id, bool on,
			     int64_t now);

/* Set the rating, 0 to 5 (0 removes it). */
enum store_result store_rate(struct store *s, const char *user,
			     enum store_kind kind, const char *id, int rating);

/* Count a play of id at time when (plays + 1, played = when). */
enum store_result store_scrobble(struct store *s, const char *user,
				 enum store_kind kind, const char *id,
				 int64_t when);

/* user's annotation of id into *out (zeros, STORE_NOT_FOUND: none). */
enum store_result store_annotation(struct store *s, const char *user,
				   const char *id,
				   struct store_annotation *out);

/*
 * user's annotations of items of one kind in order, skipping offset and
 * at most limit (<= STORE_LIST_MAX): a malloc'd array in *out (the caller
 * frees it; NULL when empty) and its length in *n.
 */
enum store_result store_annotations(struct store *s, const char *user,
				    enum store_kind kind,
				    enum store_order order, size_t offset,
				    size_t limit,
				    struct store_annotation **out, size_t *n);

/* A new empty playlist of owner; its ID in *id. */
enum store_result store_playlist_create(struct store *s, const char *owner,
					const char *name, int64_t now,
					int64_t *id);

/* Playlist id with its entries into *out (store_playlist_clear it). */
enum store_result store_playlist_get(struct store *s, int64_t id,
				     struct store_playlist *out);

/*
 * The playlists user owns and the public ones of others, without their
 * entries (entry_count is set): a malloc'd array in *out and *n; free
 * with store_playlists_free.
 */
enum store_result store_playlists(struct store *s, const char *user,
				  struct store_playlist **out, size_t *n);

/* Apply change to playlist id in one transaction. */
enum store_result
store_playlist_update(struct store *s, int64_t id,
		      const struct store_playlist_change *change, int64_t now);

enum store_result store_playlist_delete(struct store *s, int64_t id);

void store_playlist_clear(struct store_playlist *p);
void store_playlists_free(struct store_playlist *v, size_t n);

/*
 * For implementations: the calls above dispatch through this table, the
 * first member of every implementation's struct store.
 */
struct store_ops {
	const char *scheme; /* "sqlite" */
	const char *alias;  /* the scheme's other name, or NULL */
	struct store *(*open)(const char *location, char **cause);
	void (*close)(struct store *s);
	enum store_result (*star)(struct store *s, const char *user,
				  enum store_kind kind, const char *id,
				  bool on, int64_t now);
	enum store_result (*rate)(struct store *s, const char *user,
				  enum store_kind kind, const char *id,
				  int rating);
	enum store_result (*scrobble)(struct store *s, const char *user,
				      enum store_kind kind, const char *id,
				      int64_t when);
	enum store_result (*annotation)(struct store *s, const char *user,
					const char *id,
					struct store_annotation *out);
	enum store_result (*annotations)(struct store *s, const char *user,
					 enum store_kind kind,
					 enum store_order order, size_t offset,
					 size_t limit,
					 struct store_annotation **out,
					 size_t *n);
	enum store_result (*playlist_create)(struct store *s,
					     const char *owner,
					     const char *name, int64_t now,
					     int64_t *id);
	enum store_result (*playlist_get)(struct store *s, int64_t id,
					  struct store_playlist *out);
	enum store_result (*playlists)(struct store *s, const char *user,
				       struct store_playlist **out, size_t *n);
	enum store_result (*playlist_update)(
		struct store *s, int64_t id,
		const struct store_playlist_change *change, int64_t now);
	enum store_result (*playlist_delete)(struct store *s, int64_t id);
};

struct store {
	const struct store_ops *ops;
};

/*
 * For implementations of playlist_update: the song IDs playlist p holds
 * after change c, one a call, walking *i up from 0: its entries that c
 * keeps, then c's added ones; NULL after the last.
 */
const char *store_playlist_next(const struct store_playlist *p,
				const struct store_playlist_change *c,
				size_t *i);

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops; /* postgresql://, postgres:// */

#endif
