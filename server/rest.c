/*
 * rest: the route of the Subsonic API. /rest/<method> and
 * /rest/<method>.view, GET or POST (a form body, OpenSubsonic formPost).
 * Every request authenticates against --users; the method runs over one
 * library snapshot and its catalogue, and its answer is written as XML or
 * JSON (rest_doc.h). Without --users the API does not exist: 404.
 */
#include "rest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "http.h"
#include "log.h"
#include "users.h"

#define METHOD_NAME_MAX 64
#define STATE_FILE "subsonic.db"

struct rest_state {
	struct users *users;
	struct store *store;
};

static const struct rest_method *const tables[] = {
	rest_system_methods, rest_browse_methods,    rest_lists_methods,
	rest_search_methods, rest_playlists_methods, rest_annotate_methods,
	rest_media_methods,
};

int
rest_fail(struct rest_call *c, enum rest_error code, const char *fmt, ...)
{
	va_list ap;

	if (c->err != REST_ERR_GENERIC || c->msg[0] != '\0')
		return -1; /* the first error is the one that counts */
	c->err = code;
	va_start(ap, fmt);
	if (vsnprintf(c->msg, sizeof c->msg, fmt, ap) < 0)
		http_copy(c->msg, sizeof c->msg, "error");
	va_end(ap);
	if (c->msg[0] == '\0')
		http_copy(c->msg, sizeof c->msg, "error");
	return -1;
}

const char *
rest_need(struct rest_call *c, const char *key)
{
	const char *v = rest_param(c->params, key);

	if (v == NULL)
		rest_fail(c, REST_ERR_MISSING,
			  "required parameter '%s' is missing", key);
	return v;
}

int
rest_int(struct rest_call *c, const char *key, long min, long max, long def,
	 long *out)
{
	int r = rest_param_int(c->params, key, min, max, out);

	if (r == 1)
		*out = def;
	if (r < 0)
		return rest_fail(c, REST_ERR_GENERIC,
				 "'%s' must be a whole number from %ld to %ld",
				 key, min, max);
	return 0;
}

int
rest_set(struct rest_call *c, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL || json_object_set_new(obj, key, v) != 0)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	return 0;
}

int
rest_append(struct rest_call *c, json_t *obj, const char *key, json_t *v)
{
	json_t *a = json_object_get(obj, key);

	if (v == NULL)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	if (a == NULL) {
		a = json_array();
		if (rest_set(c, obj, key, a) != 0) {
			json_decref(v);
			return -1;
		}
	}
	if (json_array_append_new(a, v) != 0)
		return rest_fail(c, REST_ERR_GENERIC, "out of memory");
	return 0;
}

/* Which format the caller asked for with f (and callback for jsonp). */
static enum rest_format
format_of(const struct rest_params *p)
{
	const char *f = rest_param(p, "f");

	if (f != NULL && strcmp(f, "json") == 0)
		return REST_JSON;
	if (f != NULL && strcmp(f, "jsonp") == 0)
		return REST_JSONP;
	return REST_XML;
}

enum MHD_Result
rest_reply(struct rest_call *c)
{
	json_t *err = NULL;
	const json_t *doc = c->doc;
	const char *type;
	struct MHD_Response *resp;
	size_t len;
	char *body;

	if (c->msg[0] != '\0') {
		err = rest_doc_error(c->err, c->msg);
		if (err == NULL)
			err = rest_doc_error(c->err, "(not UTF-8)");
		doc = err;
	}
	body = doc != NULL ? rest_doc_write(doc, format_of(c->params),
					    rest_param(c->params, "callback"),
					    &len, &type)
			   : NULL;
	json_decref(err);
	if (body == NULL)
		return http_fail(c->rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
				 "cannot write the answer (out of memory)");
	resp = http_buffer(c->rq, body, len, false, type);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
				"private");
	return http_queue(c->rq, MHD_HTTP_OK, resp);
}

static enum MHD_Result
add_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	return rest_params_add(cls, key, value) == 0 ? MHD_YES : MHD_NO;
}

/* The query's arguments, then a form body's. -1: too many or malformed. */
static int
read_params(struct request *rq, struct rest_params *p)
{
	const char *type = http_header(rq, MHD_HTTP_HEADER_CONTENT_TYPE);
	int n = MHD_get_connection_values(rq->conn, MHD_GET_ARGUMENT_KIND,
					  add_arg, p);

	if (n < 0 || (size_t)n != p->n)
		return -1;
	if (rq->body == NULL || rq->body_len == 0)
		return 0;
	if (type == NULL ||
	    strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
		return 0;
	return rest_params_parse(p, rq->body, rq->body_len);
}

static const struct rest_method *
find_method(const char *name)
{
	char buf[METHOD_NAME_MAX];
	size_t n = strnlen(name, sizeof buf), i, t;

	if (n >= sizeof buf)
		return NULL;
	memcpy(buf, name, n + 1);
	if (n > 5 && strcmp(buf + n - 5, ".view") == 0)
		buf[n - 5] = '\0';
	for (t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (i = 0; tables[t][i].name != NULL; i++)
			if (strcmp(tables[t][i].name, buf) == 0)
				return &tables[t][i];
	return NULL;
}

/* The client's address as text, for the log. */
static void
client_address(struct request *rq, char *buf, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
		rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	http_copy(buf, cap, "?");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  buf, (socklen_t)cap);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			  (socklen_t)cap);
}

/* Check u/t/s/p (and v, c); -1 after rest_fail (10 or 40). */
static int
authenticate(struct rest_call *c, const struct users *users)
{
	const struct rest_params *p = c->params;
	const char *u = rest_param(p, "u");
	char addr[INET6_ADDRSTRLEN];

	if (rest_need(c, "u") == NULL || rest_need(c, "v") == NULL ||
	    rest_need(c, "c") == NULL)
		return -1;
	switch (users_check(users, u, rest_param(p, "t"), rest_param(p, "s"),
			    rest_param(p, "p"))) {
	case USERS_AUTH_OK:
		c->user = u;
		return 0;
	case USERS_AUTH_MISSING:
		return rest_fail(c, REST_ERR_MISSING,
				 "authenticate with t and s (token and salt) "
				 "or p (password)");
	default:
		client_address(c->rq, addr, sizeof addr);
		log_warn("wrong user name or password for '%.64s' from %s", u,
			 addr);
		return rest_fail(c, REST_ERR_AUTH,
				 "wrong username or password");
	}
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Authenticate, find the method and run it over one library snapshot. */
static enum MHD_Result
run(struct rest_call *c, const struct rest_state *st)
{
	const struct rest_method *m;
	enum MHD_Result r;
	struct library *lib = c->rq->srv->lib;

	if (authenticate(c, st->users) != 0)
		return rest_reply(c);
	m = find_method(c->rq->arg);
	if (m == NULL) {
		rest_fail(c, REST_ERR_NOT_FOUND,
			  "no method '%.64s' in this API (see the Subsonic "
			  "API 1.16.1)",
			  c->rq->arg);
		return rest_reply(c);
	}
	c->snap = library_get(lib);
	c->cat = c->snap->catalog;
	if (m->media != NULL) {
		r = m->media(c);
	} else {
		m->fn(c);
		r = rest_reply(c);
	}
	library_put(lib, c->snap);
	return r;
}

static enum MHD_Result
handle(struct request *rq, void *state)
{
	struct rest_state *st = state;
	struct rest_params params = {0};
	struct rest_call c = {0};
	enum MHD_Result r;

	if (st == NULL)
		return http_fail(rq, MHD_HTTP_NOT_FOUND,
				 "no Subsonic API here: start as_server with "
				 "--users FILE to have one");
	c.rq = rq;
	c.params = &params;
	c.store = st->store;
	c.now_ms = now_ms();
	c.doc = rest_doc_new();
	if (c.doc == NULL)
		return MHD_NO;
	if (read_params(rq, &params) != 0) {
		rest_fail(&c, REST_ERR_GENERIC,
			  "the parameters do not parse (at most %d, each "
			  "%d bytes, %%XX escapes)",
			  REST_PARAMS_MAX, REST_PARAM_MAX);
		r = rest_reply(&c);
	} else {
		r = run(&c, st);
	}
	json_decref(c.doc);
	rest_params_clear(&params);
	return r;
}

static int
make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/*
 * The store's URI: "sqlite:<state>/subsonic.db", where <state> is
 * --state-dir, else $XDG_STATE_HOME/as, else ~/.local/state/as (as for
 * the tag cache). -1 when there is no usable folder.
 */
static int
store_uri(const struct config *cfg, char *uri, size_t cap)
{
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[PATH_MAX];
	int n;

	if (cfg->state_dir != NULL)
		n = snprintf(dir, sizeof dir, "%s", cfg->state_dir);
	else if (xdg != NULL && xdg[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/as", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/.local/state/as", home);
	else
		return -1;
	if (n < 0 || (size_t)n >= sizeof dir || make_dirs(dir) != 0)
		return -1;
	n = snprintf(uri, cap, "sqlite:%s/%s", dir, STATE_FILE);
	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

static void
rest_free(void *state)
{
	struct rest_state *st = state;

	if (st == NULL)
		return;
	users_free(st->users);
	store_close(st->store);
	free(st);
}

/* The store's URI as logs may show it: --database's may hold a password. */
static const char *
shown(const struct config *cfg, const char *uri)
{
	return cfg->database != NULL ? "the --database given" : uri;
}

static int
rest_init(const struct server *srv, void **state)
{
	struct rest_state *st;
	char uri[PATH_MAX + 32], *cause = NULL;

	*state = NULL;
	if (srv->cfg->users_file == NULL)
		return 0;
	st = calloc(1, sizeof *st);
	if (st == NULL)
		return -1;
	st->users = users_load(srv->cfg->users_file, &cause);
	if (st->users == NULL) {
		log_warn("--users %s",
			 cause != NULL ? cause : "out of memory");
		goto fail;
	}
	if (srv->cfg->database != NULL) {
		int n = snprintf(uri, sizeof uri, "%s", srv->cfg->database);

		if (n < 0 || (size_t)n >= sizeof uri) {
			log_warn("--database: the URI is too long (at most "
				 "%zu bytes)",
				 sizeof uri - 1);
			goto fail;
		}
	} else if (store_uri(srv->cfg, uri, sizeof uri) != 0) {
		log_warn("no folder for the users' state (set --state-dir)");
		goto fail;
	}
	st->store = store_open(uri, &cause);
	if (st->store == NULL) {
		log_warn("cannot open %s: %s", shown(srv->cfg, uri),
			 cause != NULL ? cause : "out of memory");
		goto fail;
	}
	log_info("Subsonic API on /rest/ for %zu users, state in %s",
		 users_count(st->users), shown(srv->cfg, uri));
	*state = st;
	return 0;
fail:
	free(cause);
	rest_free(st);
	return -1;
}

const struct route route_rest = {
	.path = "/rest/",
	.flags = ROUTE_PREFIX | ROUTE_PUBLIC | ROUTE_POST,
	.init = rest_init,
	.free = rest_free,
	.handle = handle,
};
