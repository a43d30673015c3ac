/*
 * fetch: the client's plain HTTP with libcurl: the listing, and the pieces
 * every transfer shares (get.c, stream.c): handle setup, error messages
 * from curl and from the server, and the Ctrl-C flag that aborts the
 * transfer in progress.
 */
#ifndef AS_FETCH_H
#define AS_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>

#include "cmd.h"
#include "tracklist.h"

/* Seconds below 1 byte/s after which a server is taken for dead. */
#define FETCH_STALL_TIME 60L

/* Bytes of an HTTP error body kept for the message. */
#define FETCH_ERRBODY_MAX 1024

/* The start of an error body, to show the server's message. */
struct fetch_errbody {
	char data[FETCH_ERRBODY_MAX];
	size_t len;
};

/* Ctrl-C: install the handler; the flag stays set until cleared. */
void fetch_interrupt_install(void);
bool fetch_interrupted(void);
void fetch_interrupt_clear(void);

/*
 * A new easy handle for path (e.g. "/list?format=json") on the server with
 * the client's defaults (timeouts, user agent, error buffer errbuf of
 * CURL_ERROR_SIZE bytes, the --cacert file, the token as a Bearer on every
 * request). Caller cleans it up.
 */
CURL *fetch_easy(const struct client *c, const char *path, char *errbuf);

/* Progress callback for transfers without a bar: aborts on Ctrl-C. */
int fetch_xferinfo_quiet(void *ud, curl_off_t dltotal, curl_off_t dlnow,
			 curl_off_t ultotal, curl_off_t ulnow);

/* Keep the first bytes of an error body (a write callback's data). */
void fetch_errbody_add(struct fetch_errbody *e, const char *p, size_t n);

/*
 * The message for a failed transfer (caller frees): the server's address
 * when it cannot be reached, else curl's error.
 */
char *fetch_curl_cause(const struct client *c, CURL *easy, CURLcode rc,
		       const char *errbuf);

/*
 * The message for an HTTP error status, with the server's own message
 * (caller frees); a 401 says how to give the token instead.
 */
char *fetch_http_cause(const struct client *c, long code,
		       const struct fetch_errbody *e);

/*
 * Fetch /list as JSON into c->list (replacing it). 0, or -1 with *cause set
 * (caller frees).
 */
int fetch_list(struct client *c, char **cause);

/* "/stream/<index>" in buf of len >= 30 bytes. */
void fetch_track_path(uint64_t index, char *buf, size_t len);

/* "12.3 MiB": n bytes for people, in buf of len bytes. */
void fetch_human_size(uint64_t n, char *buf, size_t len);

#endif
