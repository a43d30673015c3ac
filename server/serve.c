/*
 * serve: a track's bytes (serve.h).
 *
 * A sized answer (HEAD, a 206, and a 200 with --content-length or for a
 * DLNA renderer) is a file response that libmicrohttpd sends with
 * sendfile(2), shared by every request for the same bytes (fileresp.h).
 * The chunked 200 of API.md (and the close-delimited one of HTTP/1.0), and
 * sized answers when descriptors run short, are read with pread(2) from
 * the descriptor all streams of the file share (ofile.h), straight into
 * libmicrohttpd's buffer, by a reader callback.
 */
#include "serve.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dlna_cds.h"
#include "fileresp.h"
#include "guard.h"
#include "http.h"
#include "httpdate.h"
#include "log.h"
#include "metrics.h"
#include "ofile.h"
#include "precond.h"
#include "range.h"
#include "transcode.h"

/*
 * Reader streams read at most STREAM_BUDGET / (streams running) bytes at a
 * time, within [STREAM_CHUNK_MIN, STREAM_CHUNK_MAX]: one fast client gets
 * big reads (few system calls), ten thousand slow ones little memory each.
 */
#define STREAM_BUDGET (32 * 1024 * 1024)
#define STREAM_CHUNK_MIN (8 * 1024)
#define STREAM_CHUNK_MAX (256 * 1024)
/* A chunked stream's response block, which libmicrohttpd leaves unused. */
#define STREAM_BLOCK_CHUNKED 1024
#define DISPOSITION_MAX (PATH_MAX * 3 + 128)

/* What makes one answer differ from another of the same bytes. */
enum variant {
	VARIANT_PARTIAL = 1 << 0,	/* a 206 */
	VARIANT_DOWNLOAD = 1 << 1,	/* Content-Disposition */
	VARIANT_DLNA_MODE = 1 << 2,	/* transferMode.dlna.org */
	VARIANT_DLNA_FEATURES = 1 << 3, /* contentFeatures.dlna.org */
	VARIANT_DLNA = VARIANT_DLNA_MODE | VARIANT_DLNA_FEATURES,
};

static atomic_uint streams; /* reader streams alive */

/* The track to serve, found and opened. */
struct opened {
	struct ofile *of;
	struct stat st;
	const char *type;
	double duration; /* seconds, < 0 when unknown */
	uint64_t index;
	char etag[PRECOND_ETAG_LEN];
	char path[PATH_MAX];
};

/* A reader stream: what stream_read needs. */
struct stream {
	struct ofile *of;
	uint64_t base; /* file offset of the first byte */
	uint64_t len;  /* bytes to send */
	struct access *acc;
	struct MHD_Connection *conn; /* corked until the 2nd read; then NULL */
	struct MHD_Connection *cut;  /* the connection, to end it early */
};

bool
serve_init(unsigned budget)
{
	return fileresp_init(budget);
}

/* This stream's share of the buffer budget, in bytes. */
static size_t
chunk_size(void)
{
	unsigned n = atomic_load_explicit(&streams, memory_order_relaxed);
	size_t c = STREAM_BUDGET / (n != 0 ? n : 1);

	if (c < STREAM_CHUNK_MIN)
		return STREAM_CHUNK_MIN;
	return c > STREAM_CHUNK_MAX ? STREAM_CHUNK_MAX : c;
}

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
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
	if (max > s->len - pos)
		max = (size_t)(s->len - pos);
	if (max > chunk_size())
		max = chunk_size();
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
		metrics_read_error();
		guard_cut(s->cut);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	s->acc->bytes += (uint64_t)n;
	return n;
}

static void
stream_free(void *cls)
{
	struct stream *s = cls;

	atomic_fetch_sub(&streams, 1);
	ofile_release(s->of);
	free(s);
}

/* Is path (relative to the root) still inside the root after links? */
static bool
inside_root(const struct library *lib, const char *path)
{
	const char *root = library_root(lib);
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

/*
 * "attachment; filename="<fallback>"; filename*=UTF-8''<name>" for the last
 * path component (RFC 6266, 4.3: the fallback for clients that know only
 * filename=, such as curl -OJ, has every byte that is not printable ASCII,
 * and '"', '\' and '%', replaced by '_'). 0, or -1 when it does not fit.
 */
static int
disposition(const char *path, char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *name = strrchr(path, '/'), *p;
	size_t pos = 0;
	int n;

	name = name != NULL ? name + 1 : path;
	n = snprintf(buf, len, "attachment; filename=\"");
	for (p = name, pos = (size_t)n; *p != '\0' && pos + 1 < len; p++) {
		unsigned char ch = (unsigned char)*p;

		buf[pos++] = ch < 0x20 || ch > 0x7e || strchr("\"\\%", ch)
				     ? '_'
				     : (char)ch;
	}
	n = snprintf(buf + pos, len - pos, "\"; filename*=UTF-8''");
	if (n < 0 || (size_t)n >= len - pos)
		return -1;
	for (pos += (size_t)n; *name != '\0'; name++) {
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

/* The 404 for an index that is not in a table of count tracks. */
static enum MHD_Result
no_such_track(struct request *rq, size_t count)
{
	if (count == 0)
		return http_fail(rq, MHD_HTTP_NOT_FOUND,
				 "no such track: the library is empty");
	return http_fail(rq, MHD_HTTP_NOT_FOUND,
			 "no such track: the library has %zu tracks, "
			 "/stream/0 to /stream/%zu",
			 count, count - 1);
}

/*
 * Look up index in the current table and open its file into *o. 0, or -1
 * when a failure was queued (*ret holds MHD's verdict).
 */
static int
open_track(struct request *rq, uint64_t index, struct opened *o,
	   enum MHD_Result *ret)
{
	struct library *lib = rq->srv->lib;
	const struct library_snap *snap = library_get(lib);
	size_t count = snap->count;
	dev_t dev;
	ino_t ino;

	if (index >= count) {
		library_put(lib, snap);
		*ret = no_such_track(rq, count);
		return -1;
	}
	http_copy(o->path, sizeof o->path, snap->tracks[index].path);
	o->type = snap->tracks[index].type;
	o->duration = snap->tracks[index].duration;
	o->index = index;
	dev = snap->tracks[index].dev;
	ino = snap->tracks[index].ino;
	library_put(lib, snap);

	o->of = ofile_open(library_root_fd(lib), o->path, &o->st);
	if (o->of != NULL && (o->st.st_dev != dev || o->st.st_ino != ino) &&
	    !inside_root(lib, o->path)) {
		ofile_release(o->of); /* replaced by a link out: refuse */
		o->of = NULL;
		errno = ENOENT;
	}
	if (o->of != NULL) {
		precond_etag(o->etag, sizeof o->etag, (uint64_t)o->st.st_size,
			     (int64_t)o->st.st_mtim.tv_sec * 1000000000 +
				     o->st.st_mtim.tv_nsec);
		return 0;
	}
	if (errno == EMFILE || errno == ENFILE || errno == ENOMEM) {
		*ret = http_fail(rq, MHD_HTTP_SERVICE_UNAVAILABLE,
				 "the server is out of file descriptors; "
				 "try again shortly");
		return -1;
	}
	library_request_rescan(lib);
	*ret = http_fail(rq, MHD_HTTP_NOT_FOUND,
			 "track %" PRIu64 " is no longer in the library; "
			 "fetch /list again",
			 index);
	return -1;
}

/* An answer being built: the track, what varies, and the range. */
struct answer {
	struct request *rq;
	const struct opened *o;
	unsigned variant; /* enum variant */
	uint64_t first, len;
};

/* The headers every answer about a track carries. */
static void
track_headers(struct MHD_Response *resp, const struct opened *o,
	      const struct request *rq)
{
	char date[HTTPDATE_LEN];

	MHD_add_response_header(resp, "Accept-Ranges", "bytes");
	MHD_add_response_header(resp, "ETag", o->etag);
	if (httpdate_format(o->st.st_mtime, date, sizeof date) == 0)
		MHD_add_response_header(resp, "Last-Modified", date);
	http_cors(rq, resp);
}

/* Dress a body answer (fileresp_dress_fn, and for reader streams). */
static void
dress(struct MHD_Response *resp, void *cls)
{
	const struct answer *a = cls;
	char cr[96], cd[DISPOSITION_MAX];
	uint64_t size = (uint64_t)a->o->st.st_size;

	MHD_add_response_header(resp, "Content-Type", a->o->type);
	track_headers(resp, a->o, a->rq);
	if ((a->variant & VARIANT_PARTIAL) != 0 &&
	    snprintf(cr, sizeof cr, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64,
		     a->first, a->first + a->len - 1, size) > 0)
		MHD_add_response_header(resp, "Content-Range", cr);
	if ((a->variant & VARIANT_DOWNLOAD) != 0 &&
	    disposition(a->o->path, cd, sizeof cd) == 0)
		MHD_add_response_header(resp, "Content-Disposition", cd);
	if ((a->variant & VARIANT_DLNA_MODE) != 0)
		MHD_add_response_header(resp, "transferMode.dlna.org",
					"Streaming");
	if ((a->variant & VARIANT_DLNA_FEATURES) != 0)
		MHD_add_response_header(resp, "contentFeatures.dlna.org",
					dlna_cds_features(a->o->type));
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
not_modified(struct request *rq, const struct opened *o)
{
	struct MHD_Response *resp;

	resp = MHD_create_response_from_callback((uint64_t)o->st.st_size, 1,
						 no_body, NULL, NULL);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", o->type);
	track_headers(resp, o, rq);
	return http_queue(rq, MHD_HTTP_NOT_MODIFIED, resp);
}

/* Queue an error about track o, with its validators. */
static enum MHD_Result
track_error(struct request *rq, const struct opened *o, unsigned status,
	    const char *msg, const char *content_range)
{
	struct MHD_Response *resp = http_error(rq, status, msg);

	if (resp == NULL)
		return MHD_NO;
	track_headers(resp, o, rq);
	if (content_range != NULL)
		MHD_add_response_header(resp, "Content-Range", content_range);
	return http_queue(rq, status, resp);
}

static enum MHD_Result
unsatisfiable(struct request *rq, const struct opened *o)
{
	char msg[HTTP_MESSAGE_MAX], cr[64];
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
	return track_error(rq, o, MHD_HTTP_RANGE_NOT_SATISFIABLE, msg, cr);
}

/* A 412: If-Match or If-Unmodified-Since no longer holds. */
static enum MHD_Result
precondition_failed(struct request *rq, const struct opened *o)
{
	char msg[HTTP_MESSAGE_MAX], date[HTTPDATE_LEN];

	if (httpdate_format(o->st.st_mtime, date, sizeof date) != 0)
		http_copy(date, sizeof date, "at an unknown date");
	if (snprintf(msg, sizeof msg,
		     "precondition failed: the track is now ETag %s, "
		     "last modified %s; ask again without If-Match and "
		     "If-Unmodified-Since",
		     o->etag, date) < 0)
		return MHD_NO;
	return track_error(rq, o, MHD_HTTP_PRECONDITION_FAILED, msg, NULL);
}

/*
 * A reader stream's response: sized (len bytes) or, when !sized, chunked
 * (close-delimited on HTTP/1.0). Takes over the opened file either way.
 */
static struct MHD_Response *
reader_response(const struct answer *a, struct ofile *of, bool sized)
{
	struct MHD_Response *resp;
	struct stream *s = calloc(1, sizeof *s);
	size_t block;

	if (s == NULL) {
		ofile_release(of);
		return NULL;
	}
	atomic_fetch_add(&streams, 1);
	s->of = of;
	s->acc = a->rq->acc;
	s->conn = a->rq->conn;
	s->cut = a->rq->conn;
	s->base = a->first;
	s->len = a->len;
	/* libmicrohttpd reads a chunked answer into the connection's own
	 * buffer and leaves the response's block unused: keep that small. */
	block = !sized && strcmp(a->rq->acc->version, MHD_HTTP_VERSION_1_1) ==
					0
			? STREAM_BLOCK_CHUNKED
			: chunk_size();
	if (block > s->len)
		block = s->len > 0 ? (size_t)s->len : 1;
	resp = MHD_create_response_from_callback(
		sized ? s->len : MHD_SIZE_UNKNOWN, block, stream_read, s,
		stream_free);
	if (resp == NULL)
		stream_free(s);
	return resp;
}

/*
 * A sized answer from the shared file responses; NULL (with the file
 * still ours) when there is no room for one.
 */
static enum MHD_Result
send_shared(struct answer *a, unsigned status, bool *sent)
{
	struct request *rq = a->rq;
	const struct opened *o = a->o;
	struct fileresp_key key = {o->st.st_dev,
				   o->st.st_ino,
				   (uint64_t)o->st.st_size,
				   (int64_t)o->st.st_mtim.tv_sec * 1000000000 +
					   o->st.st_mtim.tv_nsec,
				   a->first,
				   a->len,
				   a->variant,
				   o->path};
	struct fileresp *fr = fileresp_get(&key, o->of->fd, dress, a);
	enum MHD_Result ret;

	*sent = fr != NULL;
	if (fr == NULL)
		return MHD_NO;
	if (!rq->head)
		rq->acc->bytes += a->len; /* handed over whole */
	ret = MHD_queue_response(rq->conn, status, fileresp_response(fr));
	if (!rq->head)
		guard_watch_file(rq->conn, fileresp_fd(fr), a->first + a->len);
	rq->done = fileresp_put;
	rq->done_cls = fr;
	return ret;
}

/* Answer with the body: 200 (chunked or sized) or 206. Takes o->of. */
static enum MHD_Result
send_body(struct answer *a, struct ofile *of, bool sized)
{
	unsigned status = (a->variant & VARIANT_PARTIAL) != 0
				  ? MHD_HTTP_PARTIAL_CONTENT
				  : MHD_HTTP_OK;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	bool sent = false;

	if (sized && a->len > 0) {
		ret = send_shared(a, status, &sent);
		if (sent) {
			ofile_release(of);
			return ret;
		}
	}
	resp = reader_response(a, of, sized);
	if (resp == NULL)
		return MHD_NO;
	dress(resp, a);
	return http_queue(a->rq, status, resp);
}

/* Is this a DLNA renderer's request? Sets the variant bits it asks for. */
static unsigned
dlna_variant(const struct request *rq)
{
	unsigned v = 0;

	if (http_header(rq, "transferMode.dlna.org") != NULL)
		v |= VARIANT_DLNA_MODE;
	if (http_header(rq, "getcontentFeatures.dlna.org") != NULL)
		v |= VARIANT_DLNA_FEATURES;
	return v;
}

enum MHD_Result
serve_track(struct request *rq, uint64_t index, const struct serve_opts *opts)
{
	struct opened o;
	struct answer a = {rq, &o, 0, 0, 0};
	enum MHD_Result ret = MHD_NO;
	enum range_result rr = RANGE_IGNORE;
	const char *range;
	uint64_t last = 0;

	if (open_track(rq, index, &o, &ret) != 0)
		return ret;
	if (opts->tc != NULL &&
	    !transcode_fits(opts->tc, o.type, (uint64_t)o.st.st_size,
			    o.duration)) {
		ret = transcode_answer(rq, o.of->fd, opts->tc, o.duration);
		goto out;
	}
	if (precond_failed(
		    http_header(rq, MHD_HTTP_HEADER_IF_MATCH),
		    http_header(rq, MHD_HTTP_HEADER_IF_UNMODIFIED_SINCE),
		    o.etag, o.st.st_mtime)) {
		ret = precondition_failed(rq, &o);
		goto out;
	}
	if (precond_not_modified(
		    http_header(rq, MHD_HTTP_HEADER_IF_NONE_MATCH),
		    http_header(rq, MHD_HTTP_HEADER_IF_MODIFIED_SINCE), o.etag,
		    o.st.st_mtime)) {
		ret = not_modified(rq, &o);
		goto out;
	}
	range = http_header(rq, MHD_HTTP_HEADER_RANGE);
	if (range != NULL &&
	    precond_if_range(http_header(rq, MHD_HTTP_HEADER_IF_RANGE), o.etag,
			     o.st.st_mtime))
		rr = range_parse(range, (uint64_t)o.st.st_size, &a.first,
				 &last);
	if (rr == RANGE_UNSATISFIABLE) {
		ret = unsatisfiable(rq, &o);
		goto out;
	}
	a.variant = dlna_variant(rq);
	if (opts->download)
		a.variant |= VARIANT_DOWNLOAD;
	if (rr == RANGE_OK) {
		a.variant |= VARIANT_PARTIAL;
		a.len = last - a.first + 1;
	} else {
		a.first = 0;
		a.len = (uint64_t)o.st.st_size;
	}
	return send_body(&a, o.of,
			 rq->head || rr == RANGE_OK ||
				 (a.variant & VARIANT_DLNA) != 0 ||
				 rq->srv->cfg->content_length);
out:
	ofile_release(o.of);
	return ret;
}
