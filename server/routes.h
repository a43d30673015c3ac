/*
 * routes: the dispatcher of as_server. It owns the table of routes (one
 * file each, route.h), checks every request's method, Host and token, and
 * calls the route's handler once the request has fully arrived. Its
 * functions are libmicrohttpd's callbacks.
 */
#ifndef AS_ROUTES_H
#define AS_ROUTES_H

#include <microhttpd.h>

#include "route.h"

struct routes;

/* Set up every route over srv, which must outlive them. NULL on failure. */
struct routes *routes_new(const struct server *srv);

/* Free the routes' state (after MHD_stop_daemon). NULL-safe. */
void routes_free(struct routes *r);

/* MHD_AccessHandlerCallback; cls is the struct routes. */
enum MHD_Result routes_handle(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload_data,
			      size_t *upload_data_size, void **req_cls);

/* MHD_OPTION_URI_LOG_CALLBACK: allocates the per-request state. */
void *routes_begin(void *cls, const char *uri, struct MHD_Connection *c);

/* MHD_OPTION_NOTIFY_COMPLETED: access log line, frees the state. */
void routes_completed(void *cls, struct MHD_Connection *c, void **req_cls,
		      enum MHD_RequestTerminationCode toe);

#endif
