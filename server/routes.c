/*
 * routes: the HTTP face of as_server (see API.md).
 *
 * Every request gets a struct access from routes_begin (the URI log
 * callback, so even the raw request target is known for the access log).
 * The access handler answers on its second call, once the whole header is
 * in: a response queued on the first call would force Connection: close.
 * Listings are rendered once per library generation and the responses
 * themselves are cached; streams are served from shared descriptors
 * (ofile) by a reader callback that preads at the stream's own offset.
 */
#include "routes.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "access.h"
#include "guard.h"
#include "httpdate.h"
#include "listing.h"
#include "log.h"
#include "negotiate.h"
#include "ofile.h"
#include "parse.h"
#include "poolcache.h"
#include "precond.h"
#include "range.h"

#define ERROR_MESSAGE_MAX 512 /* bytes of an error message */
/*
 * Stream buffers come out of one budget: each stream reads at most
 * STREAM_BUDGET / (streams running) bytes at a time, within [STREAM_CHUNK_MIN,
 * STREAM_CHUNK_MAX]. One fast client gets big reads (few syscalls); ten
 * thousand slow listeners touch little memory each.
 */
#define STREAM_BUDGET (32 * 1024 * 1024)
#define STREAM_CHUNK_MIN (8 * 1024)
#define STREAM_CHUNK_MAX (256 * 1024)
/* A chunked stream's response block, which libmicrohttpd leaves unused. */
#define STREAM_BLOCK_CHUNKED 1024
/* Streams longer than this give back the send buffer they do not use. */
#define STREAM_TRIM_MIN (1024 * 1024)
/* ... when it holds this much more than the read fills. */
#define STREAM_TRIM_SLACK (8 * 1024)
#define CHUNK_CRLF 2 /* what libmicrohttpd appends to a chunk's data */

struct routes {
	const struct config *cfg;
	struct library *lib;
	pthread_mutex_t lock; /* guards the listing cache */
	uint64_t generation;  /* of the cached responses */
	struct MHD_Response *listing[LIST_FORMAT_COUNT];
	size_t listing_len[LIST_FORMAT_COUNT];
	char m3u_host[256];  /* the Host the cached m3u was rendered for */
	atomic_uint streams; /* stream responses alive */
	uintptr_t page;	     /* the memory page size, for fit_buffer */
};

struct stream {
	struct routes *r;
	struct ofile *of;
	uint64_t base; /* file offset of the first byte */
	uint64_t len;  /* bytes to send */
	struct access *req;
	struct MHD_Connection *conn; /* corked until the 2nd read; then NULL */
	const void *in_pool;	     /* a byte of the connection's pool */
	bool chunked;	 /* read into libmicrohttpd's connection buffer */
	bool trimmed;	 /* sized: the pool's idle pages given back */
	char *buf;	 /* the buffer (that or the block) at the last read */
	size_t resident; /* its bytes that may hold pages: zeroed or filled */
};

struct routes *
routes_new(const struct config *cfg, struct library *lib)
{
	struct routes *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->cfg = cfg;
	r->lib = lib;
	r->page = (uintptr_t)sysconf(_SC_PAGESIZE);
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

static void
drop_listings(struct routes *r)
{
	int f;

	for (f = 0; f < LIST_FORMAT_COUNT; f++) {
		if (r->listing[f] != NULL)
			MHD_destroy_response(r->listing[f]);
		r->listing[f] = NULL;
	}
}

void
routes_free(struct routes *r)
{
	if (r == NULL)
		return;
	drop_listings(r);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* Copy at most cap-1 bytes of s into dst, always terminated. */
static void
copy_bounded(char *dst, size_t cap, const char *s)
{
	size_t n = s != NULL ? strnlen(s, cap - 1) : 0;

	memcpy(dst, s != NULL ? s : "", n);
	dst[n] = '\0';
}

static const char *
header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* The Host fields of a request: how many, and the first one's value. */
struct host_fields {
	unsigned n;
	const char *first;
};

static enum MHD_Result
note_host(void *cls, enum MHD_ValueKind kind, const char *key,
	  const char *value)
{
	struct host_fields *h = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0 && h->n++ == 0)
		h->first = value;
	return MHD_YES;
}

/* Read the request's Host fields in one pass over its header. */
static struct host_fields
host_fields(struct MHD_Connection *c)
{
	struct host_fields h = {0, NULL};

	MHD_get_connection_values(c, MHD_HEADER_KIND, note_host, &h);
	return h;
}

/*
 * A request target in absolute-form ("http://host:port/path", RFC 9112,
 * 3.2.2), which a server must accept: its path is routed and its authority
 * stands in for Host. On true, *path is the path ("/" when the target has
 * none) and host[0, size) the authority, NUL-terminated: empty when it does
 * not fit, which the Host check then refuses. False for any other form.
 */
static bool
absolute_form(const char *url, const char **path, char *host, size_t size)
{
	const char *a, *end;
	size_t n;

	if (strncasecmp(url, "http://", 7) == 0)
		a = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		a = url + 8;
	else
		return false;
	end = a + strcspn(a, "/");
	n = (size_t)(end - a);
	if (n >= size)
		n = 0;
	memcpy(host, a, n);
	host[n] = '\0';
	*path = *end != '\0' ? end : "/";
	return true;
}

void *
routes_begin(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	return access_begin(uri);
}

void
routes_completed(void *cls, struct MHD_Connection *c, void **req_cls,
		 enum MHD_RequestTerminationCode toe)
{
	struct access *req = *req_cls;

	(void)cls;
	(void)toe;
	if (req == NULL)
		return;
	access_end(req, c);
	guard_request_done(c);
	*req_cls = NULL;
}

/* Queue resp (if any) and drop our reference. */
static enum MHD_Result
queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
add_cors(const struct routes *r, struct MHD_Response *resp)
{
	if (r->cfg->cors != NULL)
		MHD_add_response_header(resp, "Access-Control-Allow-Origin",
					r->cfg->cors);
}

/* Does the caller want JSON errors (?format=json or Accept)? */
static bool
wants_json(struct MHD_Connection *c)
{
	const char *f = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
						    "format");

	if (f != NULL)
		return strcmp(f, "json") == 0;
	return negotiate_wants_json(header(c, MHD_HTTP_HEADER_ACCEPT));
}

/*
 * An error body, "error: <message>\n" or JSON as Accept asks (so the answer
 * says Vary: Accept); NULL on ENOMEM.
 */
static struct MHD_Response *
error_response(const struct routes *r, struct MHD_Connection *c,
	       struct access *req, unsigned status, const char *msg)
{
	struct MHD_Response *resp;
	char buf[ERROR_MESSAGE_MAX + 16];
	char *body = NULL;
	json_t *j;
	int n;

	if (wants_json(c)) {
		j = json_pack("{s:{s:i, s:s}}", "error", "status", (int)status,
			      "message", msg);
		body = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;
		json_decref(j);
		if (body == NULL)
			return NULL;
		access_count(req, strlen(body));
		resp = MHD_create_response_from_buffer(strlen(body), body,
						       MHD_RESPMEM_MUST_FREE);
		if (resp == NULL)
			free(body);
		else
			MHD_add_response_header(resp, "Content-Type",
						"application/json");
	} else {
		n = snprintf(buf, sizeof buf, "error: %s\n", msg);
		if (n < 0 || (size_t)n >= sizeof buf)
			return NULL;
		access_count(req, (size_t)n);
		resp = MHD_create_response_from_buffer((size_t)n, buf,
						       MHD_RESPMEM_MUST_COPY);
		if (resp != NULL)
			MHD_add_response_header(resp, "Content-Type",
						"text/plain; charset=utf-8");
	}
	if (resp != NULL) {
		MHD_add_response_header(resp, "Vary", "Accept");
		add_cors(r, resp);
	}
	return resp;
}

static enum MHD_Result __attribute__((format(printf, 5, 6)))
fail(const struct routes *r, struct MHD_Connection *c, struct access *req,
     unsigned status, const char *fmt, ...)
{
	char msg[ERROR_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof msg, fmt, ap) < 0)
		copy_bounded(msg, sizeof msg, "internal error");
	va_end(ap);
	return queue(c, status, error_response(r, c, req, status, msg));
}

static enum MHD_Result
health(const struct routes *r, struct MHD_Connection *c, struct access *req)
{
	static const char ok[] = "ok\n";
	struct MHD_Response *resp;

	access_count(req, sizeof ok - 1);
	resp = MHD_create_response_from_buffer(sizeof ok - 1, (void *)ok,
					       MHD_RESPMEM_PERSISTENT);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				"text/plain; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	add_cors(r, resp);
	return queue(c, MHD_HTTP_OK, resp);
}

/* A listing response with its headers; NULL if rendering failed. */
static struct MHD_Response *
listing_response(const struct routes *r, const struct library_snap *snap,
		 enum list_format f, const char *host, size_t *lenp)
{
	struct MHD_Response *resp;
	size_t len = 0;
	char *body;

	struct listing_opts opts = {
		host, r->cfg->cert_file != NULL ? "https" : "http",
		r->cfg->token};

	body = listing_render_opts(snap->tracks, snap->count, f, &opts, &len);
	if (body == NULL)
		return NULL;
	resp = MHD_create_response_from_buffer(len, body,
					       MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return NULL;
	}
	MHD_add_response_header(resp, "Content-Type", listing_content_type(f));
	MHD_add_response_header(resp, "Vary", "Accept");
	*lenp = len;
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	add_cors(r, resp);
	return resp;
}

/*
 * Queue the cached listing in format f, rendering it first if the library
 * changed (or, for m3u, whose URLs carry it, if host differs from the one
 * it was rendered for). Queued under the lock: a cached response is only
 * destroyed under it, and a queued one holds its own reference.
 */
static enum MHD_Result
cached_listing(struct routes *r, struct MHD_Connection *c, struct access *req,
	       enum list_format f, const char *host)
{
	const struct library_snap *snap = library_get(r->lib);
	enum MHD_Result ret = MHD_NO;
	bool rendered;

	pthread_mutex_lock(&r->lock);
	if (r->generation != snap->generation) {
		drop_listings(r);
		r->generation = snap->generation;
	}
	if (f == LIST_FORMAT_M3U && r->listing[f] != NULL &&
	    strcmp(r->m3u_host, host) != 0) {
		MHD_destroy_response(r->listing[f]);
		r->listing[f] = NULL;
	}
	if (r->listing[f] == NULL) {
		r->listing[f] =
			listing_response(r, snap, f, host, &r->listing_len[f]);
		if (f == LIST_FORMAT_M3U)
			snprintf(r->m3u_host, sizeof r->m3u_host, "%s", host);
	}
	rendered = r->listing[f] != NULL;
	if (rendered) {
		access_count(req, r->listing_len[f]);
		ret = MHD_queue_response(c, MHD_HTTP_OK, r->listing[f]);
	}
	pthread_mutex_unlock(&r->lock);
	library_put(r->lib, snap);
	if (!rendered)
		return fail(r, c, req, MHD_HTTP_INTERNAL_SERVER_ERROR,
			    "could not render the listing; try again");
	return ret;
}

/*
 * The m3u playlist, its URLs built from host (validated by the caller; NULL
 * for an HTTP/1.0 request without Host).
 */
static enum MHD_Result
m3u_listing(struct routes *r, struct MHD_Connection *c, struct access *req,
	    const char *host)
{
	char fallback[64];

	if (host == NULL) { /* HTTP/1.0 */
		if (snprintf(fallback, sizeof fallback, "localhost:%u",
			     r->cfg->port) < 0)
			return MHD_NO;
		host = fallback;
	}
	return cached_listing(r, c, req, LIST_FORMAT_M3U, host);
}

static enum MHD_Result
list_route(struct routes *r, struct MHD_Connection *c, struct access *req,
	   bool m3u_path, const char *host)
{
	const char *name = MHD_lookup_connection_value(
		c, MHD_GET_ARGUMENT_KIND, "format");
	enum list_format f;

	if (m3u_path)
		f = LIST_FORMAT_M3U;
	else if (name != NULL) {
		if (negotiate_format_name(name, &f) != 0)
			return fail(
				r, c, req, MHD_HTTP_BAD_REQUEST,
				"unknown listing format; use ?format=text, "
				"json, html or m3u");
	} else
		f = negotiate_accept(header(c, MHD_HTTP_HEADER_ACCEPT));
	if (f == LIST_FORMAT_M3U)
		return m3u_listing(r, c, req, host);
	return cached_listing(r, c, req, f, NULL);
}

/* This stream's share of the buffer budget, in bytes. */
static size_t
chunk_size(struct routes *r)
{
	unsigned n = atomic_load_explicit(&r->streams, memory_order_relaxed);
	size_t c = STREAM_BUDGET / (n != 0 ? n : 1);

	if (c < STREAM_CHUNK_MIN)
		return STREAM_CHUNK_MIN;
	return c > STREAM_CHUNK_MAX ? STREAM_CHUNK_MAX : c;
}

/*
 * Fit a stream's read of fill bytes into its buffer buf[0, room); returns
 * the bytes to read.
 *
 * The buffer is libmicrohttpd's: for a chunked stream all the free room of
 * the connection's pool (nearly all of --conn-memory), zeroed beforehand
 * and so resident; for a sized one the response's block, sized to the
 * stream's share when it began and resident once filled. The stream fills
 * only its share of the budget now, which shrinks as others begin: with
 * thousands of listeners the rest is dead weight. When the share is well
 * below what the buffer holds, the pages past it are given back (they read
 * as zeros and cost nothing until written again); short streams keep
 * theirs, as the pool is zeroed again for the next request anyway.
 * A share that does not finish the stream is also cut to end, with the
 * CRLF that closes a chunk, on a page boundary: a listener's piece then
 * spans two pages, not three.
 */
static size_t
fit_buffer(struct stream *s, char *buf, size_t fill, size_t room,
	   uint64_t left)
{
	uintptr_t page = s->r->page, start = (uintptr_t)buf, end, from, to;
	uintptr_t crlf = s->chunked ? CHUNK_CRLF : 0;

	if (fill < room && fill < left) { /* more pieces follow anyway */
		end = (start + fill + crlf) & ~(page - 1);
		if (end > start + crlf + page / 2)
			fill = end - crlf - start;
	}
	if (buf != s->buf) {
		s->buf = buf;
		s->resident = room;
	}
	if (left > STREAM_TRIM_MIN &&
	    s->resident >= fill + STREAM_TRIM_SLACK) {
		from = (start + fill + page - 1) & ~(page - 1);
		to = (start + room) & ~(page - 1);
		if (to > from)
			(void)madvise((void *)from, to - from, MADV_DONTNEED);
		s->resident = fill;
	} else if (fill > s->resident) {
		s->resident = fill;
	}
	return fill;
}

/*
 * Do the connections of the streams hold more than the budget's worth of
 * pools? Then a long sized stream (a 206) gives back the pages of its pool
 * that libmicrohttpd has zeroed and it never uses: it reads into a block of
 * its own. That saves 64 to 120 KiB of a 128 KiB pool for as long as it
 * plays, and costs the pool's next connection a page fault for each page
 * (0.4 ms on the bench's guest); with few streams, that is not worth it.
 */
static bool
crowded(struct routes *r)
{
	unsigned n = atomic_load_explicit(&r->streams, memory_order_relaxed);

	return (uint64_t)n * r->cfg->conn_memory > STREAM_BUDGET;
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	size_t room = max;
	ssize_t n;

	if (pos >= s->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	if (pos > 0 && s->conn != NULL) {
		/* The header and the first piece are out of our hands: let
		 * them go. (A stream that ends here stays corked until its
		 * last chunk is written too: guard_request_done.) */
		guard_push(s->conn);
		s->conn = NULL;
	}
	if (!s->chunked && !s->trimmed && s->len - pos > STREAM_TRIM_MIN &&
	    crowded(s->r)) {
		(void)poolcache_trim(s->in_pool);
		s->trimmed = true;
	}
	if (max > s->len - pos)
		max = (size_t)(s->len - pos);
	if (max > chunk_size(s->r))
		max = chunk_size(s->r);
	max = fit_buffer(s, buf, max, room, s->len - pos);
	do
		n = pread(s->of->fd, buf, max, (off_t)(s->base + pos));
	while (n < 0 && errno == EINTR);
	if (n <= 0) {
		/* Truncated or unreadable meanwhile: end the transfer
		 * unfinished, so that the client does not take it for whole.
		 */
		log_warn("read error at byte %" PRIu64 ": %s", s->base + pos,
			 n == 0 ? "the file is shorter than when opened"
				: strerror(errno));
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	s->req->bytes += (uint64_t)n;
	return n;
}

static void
stream_free(void *cls)
{
	struct stream *s = cls;

	atomic_fetch_sub(&s->r->streams, 1);
	ofile_release(s->of);
	free(s);
}

/* Is path (relative to the root) still inside the root after links? */
static bool
inside_root(const struct routes *r, const char *path)
{
	const char *root = library_root(r->lib);
	char full[PATH_MAX], real[PATH_MAX];
	size_t n = strlen(root);
	int len;

	len = snprintf(full, sizeof full, "%s/%s", root, path);
	if (len < 0 || (size_t)len >= sizeof full ||
	    realpath(full, real) == NULL)
		return false;
	return strncmp(real, root, n) == 0 &&
	       (real[n] == '/' || real[n] == '\0');
}

/* "attachment; filename*=UTF-8''<name>" for the last path component. */
static int
disposition(const char *path, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *name = strrchr(path, '/');
	size_t pos;
	int n;

	name = name != NULL ? name + 1 : path;
	n = snprintf(buf, len, "attachment; filename*=UTF-8''");
	if (n < 0 || (size_t)n >= len)
		return -1;
	for (pos = (size_t)n; *name != '\0'; name++) {
		unsigned char ch = (unsigned char)*name;

		if (pos + 4 > len)
			return -1;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("!#$&+-.^_`|~", ch)) {
			buf[pos++] = (char)ch;
		} else {
			buf[pos++] = '%';
			buf[pos++] = hex[ch >> 4];
			buf[pos++] = hex[ch & 15];
		}
	}
	buf[pos] = '\0';
	return 0;
}

/* The track to stream, found and opened; what stream_route needs. */
struct opened {
	struct ofile *of;
	struct stat st;
	const char *type;
	const char *target; /* the request's index: in the connection's pool */
	char path[PATH_MAX];
};

/*
 * Look up index arg in the current table and open its file. 0, or the HTTP
 * status of a failure already queued (*ret holds MHD's verdict).
 */
static unsigned
open_track(struct routes *r, struct MHD_Connection *c, struct access *req,
	   const char *arg, struct opened *o, enum MHD_Result *ret)
{
	const struct library_snap *snap = library_get(r->lib);
	const struct track *t;
	enum parse_result pr;
	uint64_t idx = 0;
	size_t count = snap->count;
	dev_t dev;
	ino_t ino;

	pr = parse_u64_str(arg, &idx);
	if (pr != PARSE_OK || idx >= count) {
		library_put(r->lib, snap);
		if (count == 0)
			*ret = fail(r, c, req, MHD_HTTP_NOT_FOUND,
				    "no such track: the library is empty");
		else
			*ret = fail(r, c, req, MHD_HTTP_NOT_FOUND,
				    "no such track: the library has %zu "
				    "tracks, /stream/0 to /stream/%zu",
				    count, count - 1);
		return MHD_HTTP_NOT_FOUND;
	}
	t = &snap->tracks[idx];
	copy_bounded(o->path, sizeof o->path, t->path);
	o->type = t->type;
	o->target = arg;
	dev = t->dev;
	ino = t->ino;
	library_put(r->lib, snap);

	o->of = ofile_open(library_root_fd(r->lib), o->path, &o->st);
	if (o->of != NULL && (o->st.st_dev != dev || o->st.st_ino != ino) &&
	    !inside_root(r, o->path)) {
		ofile_release(o->of); /* replaced by a link out: refuse */
		o->of = NULL;
		errno = ENOENT;
	}
	if (o->of == NULL) {
		if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
			*ret = fail(r, c, req, MHD_HTTP_SERVICE_UNAVAILABLE,
				    "the server is out of file descriptors; "
				    "try again shortly");
			return MHD_HTTP_SERVICE_UNAVAILABLE;
		}
		library_request_rescan(r->lib);
		*ret = fail(r, c, req, MHD_HTTP_NOT_FOUND,
			    "track %" PRIu64 " is no longer in the library; "
			    "fetch /list again",
			    idx);
		return MHD_HTTP_NOT_FOUND;
	}
	return 0;
}

/* The headers every stream answer carries. */
static void
stream_headers(const struct routes *r, struct MHD_Response *resp,
	       const struct opened *o, const char *etag)
{
	char date[HTTPDATE_LEN];

	MHD_add_response_header(resp, "Content-Type", o->type);
	MHD_add_response_header(resp, "Accept-Ranges", "bytes");
	MHD_add_response_header(resp, "ETag", etag);
	if (httpdate_format(o->st.st_mtime, date, sizeof date) == 0)
		MHD_add_response_header(resp, "Last-Modified", date);
	add_cors(r, resp);
}

/* The reader of a response that never sends a body (a 304). */
static ssize_t
no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

/*
 * A 304. libmicrohttpd 0.9.75 gives a 304 the Content-Length of its
 * response, and RFC 9110 (15.4.5) allows only that of the 200 it stands
 * for, so the response has the file's size and no body.
 */
static enum MHD_Result
not_modified(const struct routes *r, struct MHD_Connection *c,
	     const struct opened *o, const char *etag)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_callback((uint64_t)o->st.st_size, 1,
						 no_body, NULL, NULL);
	if (resp == NULL)
		return MHD_NO;
	stream_headers(r, resp, o, etag);
	return queue(c, MHD_HTTP_NOT_MODIFIED, resp);
}

/* An error about track o, with its validators; NULL on ENOMEM. */
static struct MHD_Response *
track_error(const struct routes *r, struct MHD_Connection *c,
	    struct access *req, const struct opened *o, const char *etag,
	    unsigned status, const char *msg)
{
	struct MHD_Response *resp = error_response(r, c, req, status, msg);

	if (resp == NULL)
		return NULL;
	stream_headers(r, resp, o, etag);
	/* the error body's own type wins over the track's */
	MHD_del_response_header(resp, "Content-Type", o->type);
	return resp;
}

static enum MHD_Result
unsatisfiable(const struct routes *r, struct MHD_Connection *c,
	      struct access *req, const struct opened *o, const char *etag)
{
	struct MHD_Response *resp;
	char msg[ERROR_MESSAGE_MAX], cr[64];
	uint64_t size = (uint64_t)o->st.st_size;
	int n;

	if (size == 0)
		n = snprintf(msg, sizeof msg,
			     "range not satisfiable: the track is empty");
	else
		n = snprintf(msg, sizeof msg,
			     "range not satisfiable: the track has %" PRIu64
			     " bytes; ask for bytes=0-%" PRIu64
			     " or a part of that",
			     size, size - 1);
	if (n < 0 || snprintf(cr, sizeof cr, "bytes */%" PRIu64, size) < 0)
		return MHD_NO;
	resp = track_error(r, c, req, o, etag, MHD_HTTP_RANGE_NOT_SATISFIABLE,
			   msg);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Range", cr);
	return queue(c, MHD_HTTP_RANGE_NOT_SATISFIABLE, resp);
}

/* A 412: If-Match or If-Unmodified-Since no longer holds. */
static enum MHD_Result
precondition_failed(const struct routes *r, struct MHD_Connection *c,
		    struct access *req, const struct opened *o,
		    const char *etag)
{
	char msg[ERROR_MESSAGE_MAX], date[HTTPDATE_LEN];

	if (httpdate_format(o->st.st_mtime, date, sizeof date) != 0)
		copy_bounded(date, sizeof date, "at an unknown date");
	if (snprintf(msg, sizeof msg,
		     "precondition failed: the track is now ETag %s, "
		     "last modified %s; ask again without If-Match and "
		     "If-Unmodified-Since",
		     etag, date) < 0)
		return MHD_NO;
	return queue(c, MHD_HTTP_PRECONDITION_FAILED,
		     track_error(r, c, req, o, etag,
				 MHD_HTTP_PRECONDITION_FAILED, msg));
}

/*
 * Answer with the body: 200 (chunked when GET, sized when HEAD) or 206.
 * Takes over o->of.
 */
static enum MHD_Result
send_body(struct routes *r, struct MHD_Connection *c, struct access *req,
	  struct opened *o, const char *etag, bool head, enum range_result rr,
	  uint64_t first, uint64_t last)
{
	uint64_t size = (uint64_t)o->st.st_size, rsize;
	struct MHD_Response *resp;
	const char *dl;
	size_t block;
	struct stream *s;
	char cr[96], cd[PATH_MAX * 3 + 64];

	s = calloc(1, sizeof *s);
	if (s == NULL) {
		ofile_release(o->of);
		return MHD_NO;
	}
	s->r = r;
	s->conn = c;
	s->in_pool = o->target;
	atomic_fetch_add(&r->streams, 1);
	s->of = o->of;
	s->req = req;
	s->base = rr == RANGE_OK ? first : 0;
	s->len = rr == RANGE_OK ? last - first + 1 : size;
	/* Sized for HEAD and 206; chunked (or close-delimited) for 200. */
	rsize = (head || rr == RANGE_OK) ? s->len : MHD_SIZE_UNKNOWN;
	/* libmicrohttpd allocates and zeroes a block of this size with every
	 * response, but reads only a sized or close-delimited (HTTP/1.0) one
	 * into it: a chunked one goes through the connection's own buffer.
	 * So: never more than the body, nor than our share, and next to
	 * nothing when chunked. */
	if (rsize == MHD_SIZE_UNKNOWN &&
	    strcmp(req->version, MHD_HTTP_VERSION_1_1) == 0) {
		block = STREAM_BLOCK_CHUNKED;
		s->chunked = true;
	} else {
		block = chunk_size(r);
	}
	if (block > s->len)
		block = s->len > 0 ? (size_t)s->len : 1;
	resp = MHD_create_response_from_callback(rsize, block, stream_read, s,
						 stream_free);
	if (resp == NULL) {
		stream_free(s);
		return MHD_NO;
	}
	stream_headers(r, resp, o, etag);
	if (rr == RANGE_OK) {
		if (snprintf(cr, sizeof cr,
			     "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, first,
			     last, size) > 0)
			MHD_add_response_header(resp, "Content-Range", cr);
	}
	dl = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "download");
	if (dl != NULL && strcmp(dl, "1") == 0 &&
	    disposition(o->path, cd, sizeof cd) == 0)
		MHD_add_response_header(resp, "Content-Disposition", cd);
	return queue(c,
		     rr == RANGE_OK ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK,
		     resp);
}

static enum MHD_Result
stream_route(struct routes *r, struct MHD_Connection *c, struct access *req,
	     const char *arg, bool head)
{
	char etag[PRECOND_ETAG_LEN];
	struct opened o;
	enum MHD_Result ret = MHD_NO;
	enum range_result rr = RANGE_IGNORE;
	uint64_t first = 0, last = 0;
	const char *range;

	if (open_track(r, c, req, arg, &o, &ret) != 0)
		return ret;
	precond_etag(etag, sizeof etag, (uint64_t)o.st.st_ino,
		     (uint64_t)o.st.st_size,
		     (int64_t)o.st.st_mtim.tv_sec * 1000000000 +
			     o.st.st_mtim.tv_nsec);
	if (precond_failed(header(c, MHD_HTTP_HEADER_IF_MATCH),
			   header(c, MHD_HTTP_HEADER_IF_UNMODIFIED_SINCE),
			   etag, o.st.st_mtime)) {
		ret = precondition_failed(r, c, req, &o, etag);
		goto out;
	}
	if (precond_not_modified(header(c, MHD_HTTP_HEADER_IF_NONE_MATCH),
				 header(c, MHD_HTTP_HEADER_IF_MODIFIED_SINCE),
				 etag, o.st.st_mtime)) {
		ret = not_modified(r, c, &o, etag);
		goto out;
	}
	range = header(c, MHD_HTTP_HEADER_RANGE);
	if (range != NULL &&
	    precond_if_range(header(c, MHD_HTTP_HEADER_IF_RANGE), etag,
			     o.st.st_mtime))
		rr = range_parse(range, (uint64_t)o.st.st_size, &first, &last);
	if (rr == RANGE_UNSATISFIABLE) {
		ret = unsatisfiable(r, c, req, &o, etag);
		goto out;
	}
	return send_body(r, c, req, &o, etag, head, rr, first, last);
out:
	ofile_release(o.of);
	return ret;
}

static enum MHD_Result
not_allowed(const struct routes *r, struct MHD_Connection *c,
	    struct access *req)
{
	struct MHD_Response *resp;

	resp = error_response(r, c, req, MHD_HTTP_METHOD_NOT_ALLOWED,
			      "method not allowed; use GET or HEAD");
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Allow", "GET, HEAD");
	return queue(c, MHD_HTTP_METHOD_NOT_ALLOWED, resp);
}

/* Compare a presented token with the server's in constant time. */
static bool
token_matches(const char *want, const char *got)
{
	size_t wl = strlen(want), gl, i;
	unsigned char diff;

	if (got == NULL)
		return false;
	gl = strnlen(got, wl + 1);
	diff = wl != gl;
	for (i = 0; i < wl; i++)
		diff |= (unsigned char)want[i] ^
			(unsigned char)(i < gl ? got[i] : 0);
	return diff == 0;
}

/* Does the request carry the token (when the server has one)? */
static bool
authorized(const struct routes *r, struct MHD_Connection *c)
{
	const char *auth, *q;

	if (r->cfg->token == NULL)
		return true;
	auth = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth != NULL && strncasecmp(auth, "Bearer ", 7) == 0) {
		auth += 7;
		while (*auth == ' ')
			auth++;
		if (token_matches(r->cfg->token, auth))
			return true;
	}
	q = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");
	return token_matches(r->cfg->token, q);
}

static enum MHD_Result
unauthorized(const struct routes *r, struct MHD_Connection *c,
	     struct access *req)
{
	struct MHD_Response *resp;

	resp = error_response(r, c, req, MHD_HTTP_UNAUTHORIZED,
			      "this server needs its token: send "
			      "'Authorization: Bearer <token>' or add "
			      "?token=<token> to the URL");
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
				"Bearer realm=\"as\"");
	return queue(c, MHD_HTTP_UNAUTHORIZED, resp);
}

/* Route a request whose method and host passed; url is its path. */
static enum MHD_Result
dispatch(struct routes *r, struct MHD_Connection *c, struct access *req,
	 const char *url, const char *method, const char *host)
{
	bool head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;

	if (strcmp(url, "/health") == 0)
		return health(r, c, req);
	if (!authorized(r, c))
		return unauthorized(r, c, req);
	if (strncmp(url, "/stream/", 8) == 0)
		return stream_route(r, c, req, url + 8, head);
	if (strcmp(url, "/list") == 0)
		return list_route(r, c, req, false, host);
	if (strcmp(url, "/list.m3u") == 0)
		return list_route(r, c, req, true, host);
	if (strcmp(url, "/") == 0)
		return cached_listing(r, c, req, LIST_FORMAT_HTML, NULL);
	return fail(r, c, req, MHD_HTTP_NOT_FOUND,
		    "no such page; try /list, /stream/<index> or /health");
}

/*
 * Find the request's host (RFC 9112, 3.2 and 3.2.2), then route it: the
 * authority of an absolute-form target, else the one Host field, which
 * HTTP/1.1 requires. Several Host fields, a missing one or an invalid one
 * get a 400 that says what to send.
 */
static enum MHD_Result
route(struct routes *r, struct MHD_Connection *c, struct access *req,
      const char *url, const char *method, const char *version)
{
	struct host_fields h = host_fields(c);
	char authority[256];
	const char *host;

	if (h.n > 1)
		return fail(r, c, req, MHD_HTTP_BAD_REQUEST,
			    "more than one Host header; send exactly one, "
			    "e.g. 'Host: localhost:%u'",
			    r->cfg->port);
	if (absolute_form(url, &url, authority, sizeof authority)) {
		host = authority;
		if (!listing_host_valid(host))
			return fail(r, c, req, MHD_HTTP_BAD_REQUEST,
				    "invalid host in the absolute URL; send "
				    "http://host[:port]/path, e.g. "
				    "http://localhost:%u/list",
				    r->cfg->port);
	} else {
		host = h.first;
		if (host == NULL && strcmp(version, MHD_HTTP_VERSION_1_1) == 0)
			return fail(r, c, req, MHD_HTTP_BAD_REQUEST,
				    "an HTTP/1.1 request needs a Host header, "
				    "e.g. 'Host: localhost:%u'",
				    r->cfg->port);
		if (host != NULL && !listing_host_valid(host))
			return fail(r, c, req, MHD_HTTP_BAD_REQUEST,
				    "invalid Host header; send host[:port], "
				    "e.g. localhost:%u",
				    r->cfg->port);
	}
	return dispatch(r, c, req, url, method, host);
}

enum MHD_Result
routes_handle(void *cls, struct MHD_Connection *c, const char *url,
	      const char *method, const char *version, const char *upload_data,
	      size_t *upload_data_size, void **req_cls)
{
	struct routes *r = cls;
	struct access *req = *req_cls;

	(void)upload_data;
	if (req == NULL)
		return MHD_NO; /* out of memory in routes_begin */
	if (!req->seen) {
		access_seen(req, method, version);
		guard_header_done(c);
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return not_allowed(r, c, req);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* a body on GET means nothing */
		return MHD_YES;
	}
	return route(r, c, req, url, method, version);
}
