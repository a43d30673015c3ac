/*
 * metrics: the process-wide counters and gauges behind GET /metrics
 * (route_metrics.c), in the Prometheus text format 0.0.4.
 *
 * Every figure is a relaxed atomic, so any thread may count without a
 * lock; a scrape reads each one once (a scrape is not a snapshot of all at
 * one instant, which Prometheus does not need). Route slots are made at
 * start-up, before any request thread runs.
 */
#ifndef AS_METRICS_H
#define AS_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_ROUTES_MAX 16 /* route slots, the "none" slot included */
#define METRICS_ROUTE_NONE 0  /* a request no route matched */

enum metrics_stream {
	METRICS_STREAM_FILE,	  /* a track as it is on disk */
	METRICS_STREAM_TRANSCODE, /* a track through the transcoder */
	METRICS_STREAM_RADIO,	  /* a radio listener */
	METRICS_STREAM_KINDS
};

/*
 * The slot of a route's counters, labelled route="path" (path must
 * outlive the process's metrics: a string literal); METRICS_ROUTE_NONE
 * when the slots are full. Called at start-up only.
 */
unsigned metrics_route(const char *path);

/* A request reached its route's handler (in flight until _done). */
void metrics_request_begin(unsigned slot);

/*
 * A request ended with HTTP status (0: none was sent) and bytes of body
 * handed to the connection; began: whether metrics_request_begin was
 * called for it.
 */
void metrics_request_done(unsigned slot, unsigned status, uint64_t bytes,
			  int began);

void metrics_connection_open(void);
void metrics_connection_close(void);

void metrics_stream_open(enum metrics_stream kind);
void metrics_stream_close(enum metrics_stream kind);

/* A read of a track failed or came up short mid-answer. */
void metrics_read_error(void);

/* A whole-library scan ended after seconds; ok: it succeeded. */
void metrics_scan(double seconds, int ok);

/* What the library holds now, filled in by the caller of metrics_render. */
struct metrics_library {
	uint64_t tracks;
	uint64_t generation;
};

/*
 * The whole exposition, malloc'd (the caller frees it), its length in
 * *len; NULL when out of memory.
 */
char *metrics_render(const struct metrics_library *lib, size_t *len);

#endif
