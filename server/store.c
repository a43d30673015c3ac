/*
 * store: picks the implementation by the URI's scheme and checks the
 * sizes of what comes in before any implementation sees it.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"

static const struct store_ops *const implementations[] = {
	&store_sqlite_ops,
	&store_pg_ops,
};

#define IMPLEMENTATION_COUNT                                                  \
	(sizeof implementations / sizeof implementations[0])

static bool
is_scheme_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}

/* The length of uri's scheme ("sqlite" in "sqlite:x"), 0 when none. */
static size_t
scheme_length(const char *uri)
{
	size_t n = 0;

	while (is_scheme_char(uri[n]))
		n++;
	return uri[n] == ':' && n > 1 ? n : 0;
}

/* Is uri's scheme (its first n bytes) name, in any case? */
static bool
is_scheme(const char *name, const char *uri, size_t n)
{
	return strlen(name) == n && strncasecmp(name, uri, n) == 0;
}

/* Why uri's scheme (its first n bytes) has no store, malloc'd. */
static char *
unknown_scheme(const char *uri, size_t n)
{
	char buf[512];
	int len = snprintf(buf, sizeof buf,
			   "no store for the scheme '%.*s' in this build "
			   "(want sqlite:PATH or postgresql://...)",
			   (int)n, uri);

	return len < 0 ? NULL : strdup(buf);
}

struct store *
store_open(const char *uri, char **cause)
{
	size_t n = scheme_length(uri), i;
	const char *location = uri + (n > 0 ? n + 1 : 0);

	*cause = NULL;
	if (n == 0)
		return store_sqlite_ops.open(uri, cause);
	for (i = 0; i < IMPLEMENTATION_COUNT; i++) {
		const struct store_ops *ops = implementations[i];

		if (is_scheme(ops->scheme, uri, n) ||
		    (ops->alias != NULL && is_scheme(ops->alias, uri, n)))
			return ops->open(location, cause);
	}
	*cause = unknown_scheme(uri, n);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

static bool
fits(const char *s, size_t max)
{
	return s != NULL && s[0] != '\0' && strnlen(s, max + 1) <= max;
}

static bool
valid(const char *user, const char *id)
{
	if (fits(user, STORE_USER_MAX) &&
	    (id == NULL || fits(id, STORE_ID_MAX)))
		return true;
	log_warn("a user name or item ID that is empty or too long");
	return false;
}

enum store_result
store_star(struct store *s, const char *user, enum store_kind kind,
	   const char *id, bool on, int64_t now)
{
	if (!valid(user, id))
		return STORE_ERROR;
	return s->ops->star(s, user, kind, id, on, now);
}

enum store_result
store_rate(struct store *s, const char *user, enum store_kind kind,
	   const char *id, int rating)
{
	if (!valid(user, id) || rating < 0 || rating > 5)
		return STORE_ERROR;
	return s->ops->rate(s, user, kind, id, rating);
}

enum store_result
store_scrobble(struct store *s, const char *user, enum store_kind kind,
	       const char *id, int64_t when)
{
	if (!valid(user, id))
		return STORE_ERROR;
	return s->ops->scrobble(s, user, kind, id, when);
}

enum store_result
store_annotation(struct store *s, const char *user, const char *id,
		 struct store_annotation *out)
{
	memset(out, 0, sizeof *out);
	if (!valid(user, id))
		return STORE_ERROR;
	return s->ops->annotation(s, user, id, out);
}

enum store_result
store_annotations(struct store *s, const char *user, enum store_kind kind,
		  enum store_order order, size_t offset, size_t limit,
		  struct store_annotation **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!valid(user, NULL))
		return STORE_ERROR;
	if (limit > STORE_LIST_MAX)
		limit = STORE_LIST_MAX;
	return s->ops->annotations(s, user, kind, order, offset, limit, out,
				   n);
}

enum store_result
store_playlist_create(struct store *s, const char *owner, const char *name,
		      int64_t now, int64_t *id)
{
	if (!valid(owner, NULL) || !fits(name, STORE_NAME_MAX))
		return STORE_ERROR;
	return s->ops->playlist_create(s, owner, name, now, id);
}

enum store_result
store_playlist_get(struct store *s, int64_t id, struct store_playlist *out)
{
	memset(out, 0, sizeof *out);
	return s->ops->playlist_get(s, id, out);
}

enum store_result
store_playlists(struct store *s, const char *user, struct store_playlist **out,
		size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!valid(user, NULL))
		return STORE_ERROR;
	return s->ops->playlists(s, user, out, n);
}

static bool
valid_change(const struct store_playlist_change *c)
{
	size_t i;

	if (c->name != NULL && !fits(c->name, STORE_NAME_MAX))
		return false;
	if (c->comment != NULL &&
	    strnlen(c->comment, STORE_NAME_MAX + 1) > STORE_NAME_MAX)
		return false;
	if (c->add_count > STORE_PLAYLIST_LEN_MAX ||
	    c->remove_count > STORE_PLAYLIST_LEN_MAX)
		return false;
	for (i = 0; i < c->add_count; i++)
		if (!fits(c->add[i], STORE_ID_MAX))
			return false;
	return true;
}

enum store_result
store_playlist_update(struct store *s, int64_t id,
		      const struct store_playlist_change *change, int64_t now)
{
	if (!valid_change(change)) {
		log_warn("playlist %lld: a change past the store's limits",
			 (long long)id);
		return STORE_ERROR;
	}
	return s->ops->playlist_update(s, id, change, now);
}

enum store_result
store_playlist_delete(struct store *s, int64_t id)
{
	return s->ops->playlist_delete(s, id);
}

void
store_playlist_clear(struct store_playlist *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->name);
	free(p->comment);
	free(p->owner);
	for (i = 0; p->entries != NULL && i < p->entry_count; i++)
		free(p->entries[i]);
	free(p->entries);
	memset(p, 0, sizeof *p);
}

void
store_playlists_free(struct store_playlist *v, size_t n)
{
	size_t i;

	for (i = 0; v != NULL && i < n; i++)
		store_playlist_clear(&v[i]);
	free(v);
}

static bool
removed(const struct store_playlist_change *c, size_t pos)
{
	size_t i;

	for (i = 0; i < c->remove_count; i++)
		if (c->remove[i] == pos)
			return true;
	return false;
}

const char *
store_playlist_next(const struct store_playlist *p,
		    const struct store_playlist_change *c, size_t *i)
{
	while (*i < p->entry_count) {
		size_t k = (*i)++;

		if (!c->replace && !removed(c, k))
			return p->entries[k];
	}
	if (*i < p->entry_count + c->add_count)
		return c->add[(*i)++ - p->entry_count];
	return NULL;
}
