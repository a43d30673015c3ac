/*
 * metrics: process-wide atomic counters and gauges, and their exposition
 * in the Prometheus text format (metrics.h).
 */
#include "metrics.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <microhttpd.h>

#include "parse.h"
#include "strbuf.h"

#define METRICS_TEXT_MAX (64 * 1024) /* bytes of one exposition */
#define PROC_STAT_MAX 4096	     /* bytes of /proc/self/stat we read */
#define STATUS_CLASSES 6	     /* 1xx .. 5xx, and "none" */

static const char *const class_label[STATUS_CLASSES] = {
	"none", "1xx", "2xx", "3xx", "4xx", "5xx",
};

static const char *const stream_label[METRICS_STREAM_KINDS] = {
	[METRICS_STREAM_FILE] = "file",
	[METRICS_STREAM_TRANSCODE] = "transcode",
	[METRICS_STREAM_RADIO] = "radio",
};

struct route_figures {
	const char *path;
	atomic_uint_fast64_t requests[STATUS_CLASSES];
	atomic_uint_fast64_t bytes;
	atomic_int_fast64_t in_flight;
};

/* The figures: one set per process, as Prometheus clients keep them. */
static struct {
	unsigned routes; /* slots in use; written at start-up only */
	struct route_figures route[METRICS_ROUTES_MAX];
	atomic_int_fast64_t connections;
	atomic_uint_fast64_t connections_total;
	atomic_int_fast64_t streams[METRICS_STREAM_KINDS];
	atomic_uint_fast64_t streams_total[METRICS_STREAM_KINDS];
	atomic_uint_fast64_t read_errors;
	atomic_uint_fast64_t scans;
	atomic_uint_fast64_t scan_failures;
	atomic_uint_fast64_t last_scan_us;
} m = {.routes = 1, .route = {{.path = "none"}}};

#define ADD(x, v) atomic_fetch_add_explicit(&(x), (v), memory_order_relaxed)
#define SUB(x, v) atomic_fetch_sub_explicit(&(x), (v), memory_order_relaxed)
#define GET(x) atomic_load_explicit(&(x), memory_order_relaxed)

unsigned
metrics_route(const char *path)
{
	unsigned i;

	for (i = 1; i < m.routes; i++)
		if (strcmp(m.route[i].path, path) == 0)
			return i;
	if (m.routes == METRICS_ROUTES_MAX)
		return METRICS_ROUTE_NONE;
	m.route[m.routes].path = path;
	return m.routes++;
}

static struct route_figures *
slot_figures(unsigned slot)
{
	return &m.route[slot < m.routes ? slot : METRICS_ROUTE_NONE];
}

void
metrics_request_begin(unsigned slot)
{
	ADD(slot_figures(slot)->in_flight, 1);
}

void
metrics_request_done(unsigned slot, unsigned status, uint64_t bytes, int began)
{
	struct route_figures *r = slot_figures(slot);
	unsigned c = status >= 100 && status < 600 ? status / 100 : 0;

	if (began)
		SUB(r->in_flight, 1);
	ADD(r->requests[c], 1);
	ADD(r->bytes, bytes);
}

void
metrics_connection_open(void)
{
	ADD(m.connections, 1);
	ADD(m.connections_total, 1);
}

void
metrics_connection_close(void)
{
	SUB(m.connections, 1);
}

void
metrics_stream_open(enum metrics_stream kind)
{
	ADD(m.streams[kind], 1);
	ADD(m.streams_total[kind], 1);
}

void
metrics_stream_close(enum metrics_stream kind)
{
	SUB(m.streams[kind], 1);
}

void
metrics_read_error(void)
{
	ADD(m.read_errors, 1);
}

void
metrics_scan(double seconds, int ok)
{
	ADD(m.scans, 1);
	if (!ok)
		ADD(m.scan_failures, 1);
	atomic_store_explicit(&m.last_scan_us,
			      seconds > 0 ? (uint64_t)(seconds * 1e6) : 0,
			      memory_order_relaxed);
}

/* The HELP and TYPE lines of a metric family. */
static void
family(struct strbuf *o, const char *name, const char *type, const char *help)
{
	strbuf_fmt(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
put_routes(struct strbuf *o)
{
	unsigned i, c;

	family(o, "as_requests_total", "counter",
	       "Requests answered, by route and status class.");
	for (i = 0; i < m.routes; i++)
		for (c = 0; c < STATUS_CLASSES; c++)
			strbuf_fmt(
				o,
				"as_requests_total{route=\"%s\",code=\"%s\"} "
				"%ju\n",
				m.route[i].path, class_label[c],
				(uintmax_t)GET(m.route[i].requests[c]));
	family(o, "as_response_bytes_total", "counter",
	       "Body bytes handed to the connections, by route.");
	for (i = 0; i < m.routes; i++)
		strbuf_fmt(o, "as_response_bytes_total{route=\"%s\"} %ju\n",
			   m.route[i].path, (uintmax_t)GET(m.route[i].bytes));
	family(o, "as_requests_in_flight", "gauge",
	       "Requests being answered now, by route.");
	for (i = 0; i < m.routes; i++)
		strbuf_fmt(o, "as_requests_in_flight{route=\"%s\"} %jd\n",
			   m.route[i].path,
			   (intmax_t)GET(m.route[i].in_flight));
}

static void
put_streams(struct strbuf *o)
{
	unsigned k;

	family(o, "as_streams_open", "gauge", "Streams running now, by kind.");
	for (k = 0; k < METRICS_STREAM_KINDS; k++)
		strbuf_fmt(o, "as_streams_open{kind=\"%s\"} %jd\n",
			   stream_label[k], (intmax_t)GET(m.streams[k]));
	family(o, "as_streams_total", "counter", "Streams started, by kind.");
	for (k = 0; k < METRICS_STREAM_KINDS; k++)
		strbuf_fmt(o, "as_streams_total{kind=\"%s\"} %ju\n",
			   stream_label[k],
			   (uintmax_t)GET(m.streams_total[k]));
	family(o, "as_radio_listeners", "gauge",
	       "Listeners of the radio now.");
	strbuf_fmt(o, "as_radio_listeners %jd\n",
		   (intmax_t)GET(m.streams[METRICS_STREAM_RADIO]));
}

static void
put_server(struct strbuf *o, const struct metrics_library *lib)
{
	family(o, "as_build_info", "gauge",
	       "The build: version and libmicrohttpd's version; always 1.");
	strbuf_fmt(o, "as_build_info{version=\"%s\",libmicrohttpd=\"%s\"} 1\n",
		   PACKAGE_VERSION, MHD_get_version());
	family(o, "as_connections_open", "gauge", "Connections open now.");
	strbuf_fmt(o, "as_connections_open %jd\n",
		   (intmax_t)GET(m.connections));
	family(o, "as_connections_total", "counter", "Connections accepted.");
	strbuf_fmt(o, "as_connections_total %ju\n",
		   (uintmax_t)GET(m.connections_total));
	family(o, "as_read_errors_total", "counter",
	       "Reads of a track that failed or came up short mid-answer.");
	strbuf_fmt(o, "as_read_errors_total %ju\n",
		   (uintmax_t)GET(m.read_errors));
	family(o, "as_library_tracks", "gauge", "Tracks in the library.");
	strbuf_fmt(o, "as_library_tracks %ju\n", (uintmax_t)lib->tracks);
	family(o, "as_library_generation", "gauge",
	       "The library table's generation; changes with the table.");
	strbuf_fmt(o, "as_library_generation %ju\n",
		   (uintmax_t)lib->generation);
	family(o, "as_library_scans_total", "counter",
	       "Whole-library scans, the first one included.");
	strbuf_fmt(o, "as_library_scans_total %ju\n", (uintmax_t)GET(m.scans));
	family(o, "as_library_scan_failures_total", "counter",
	       "Whole-library scans that could not read the folder.");
	strbuf_fmt(o, "as_library_scan_failures_total %ju\n",
		   (uintmax_t)GET(m.scan_failures));
	family(o, "as_library_last_scan_duration_seconds", "gauge",
	       "How long the last whole-library scan took.");
	strbuf_fmt(o, "as_library_last_scan_duration_seconds %.6f\n",
		   (double)GET(m.last_scan_us) / 1e6);
}

/* Fields of /proc/self/stat past the command (field 3 on) into f[]. */
static size_t
proc_stat_fields(uint64_t *f, size_t cap)
{
	char buf[PROC_STAT_MAX];
	size_t n = 0, len;
	FILE *fp = fopen("/proc/self/stat", "re");
	char *p, *end;

	if (fp == NULL)
		return 0;
	len = fread(buf, 1, sizeof buf - 1, fp);
	fclose(fp);
	buf[len] = '\0';
	p = strrchr(buf, ')'); /* the command may hold spaces and ')' */
	if (p == NULL)
		return 0;
	p += 2;	    /* past ") " */
	p += 2;	    /* past the state letter and its space */
	f[n++] = 0; /* field 3, the state: not a number */
	while (n < cap && *p != '\0' && *p != '\n') {
		end = p + strcspn(p, " \n");
		if (parse_u64(p, (size_t)(end - p), &f[n]) != PARSE_OK)
			f[n] = 0; /* negative fields: none we read */
		n++;
		p = *end == ' ' ? end + 1 : end;
	}
	return n;
}

/* The system's boot time, seconds since the epoch; 0 when unknown. */
static uint64_t
boot_time(void)
{
	char line[256];
	uint64_t t = 0;
	FILE *fp = fopen("/proc/stat", "re");

	if (fp == NULL)
		return 0;
	while (fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, "btime ", 6) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if (parse_u64_str(line + 6, &t) != PARSE_OK)
				t = 0;
			break;
		}
	fclose(fp);
	return t;
}

static unsigned
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	unsigned n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n > 0 ? n - 1 : 0; /* less the one reading the folder */
}

/* The standard process_* families (client_golang's names). */
static void
put_process(struct strbuf *o)
{
	uint64_t f[24] = {0}; /* f[i] is field i + 3 of /proc/self/stat */
	long tick = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	struct rlimit rl;
	size_t n = proc_stat_fields(f, sizeof f / sizeof f[0]);

	if (tick <= 0 || page <= 0 || n < 22)
		return;
	family(o, "process_cpu_seconds_total", "counter",
	       "User and system CPU time spent in seconds.");
	strbuf_fmt(o, "process_cpu_seconds_total %.2f\n",
		   (double)(f[11] + f[12]) / (double)tick);
	family(o, "process_start_time_seconds", "gauge",
	       "Start time of the process since unix epoch in seconds.");
	strbuf_fmt(o, "process_start_time_seconds %.2f\n",
		   (double)boot_time() + (double)f[19] / (double)tick);
	family(o, "process_virtual_memory_bytes", "gauge",
	       "Virtual memory size in bytes.");
	strbuf_fmt(o, "process_virtual_memory_bytes %ju\n", (uintmax_t)f[20]);
	family(o, "process_resident_memory_bytes", "gauge",
	       "Resident memory size in bytes.");
	strbuf_fmt(o, "process_resident_memory_bytes %ju\n",
		   (uintmax_t)(f[21] * (uint64_t)page));
	family(o, "process_open_fds", "gauge",
	       "Number of open file descriptors.");
	strbuf_fmt(o, "process_open_fds %u\n", open_fds());
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		family(o, "process_max_fds", "gauge",
		       "Maximum number of open file descriptors.");
		strbuf_fmt(o, "process_max_fds %ju\n", (uintmax_t)rl.rlim_cur);
	}
}

char *
metrics_render(const struct metrics_library *lib, size_t *len)
{
	struct strbuf o = STRBUF_INIT(METRICS_TEXT_MAX);

	put_server(&o, lib);
	put_routes(&o);
	put_streams(&o);
	put_process(&o);
	/* NULL when out of memory; too long cannot happen with
	 * METRICS_ROUTES_MAX routes */
	return strbuf_take(&o, len);
}
