/*
 * routes: the HTTP face of as_server (see API.md): /, /list, /list.m3u,
 * /health and /stream/<index>, with their errors. libmicrohttpd callbacks.
 */
#ifndef AS_ROUTES_H
#define AS_ROUTES_H

#include <microhttpd.h>

#include "conf.h"
#include "library.h"

struct routes;

/* The routes over lib; cfg and lib must outlive them. NULL on ENOMEM. */
struct routes *routes_new(const struct config *cfg, struct library *lib);

/* Free the listing cache (after MHD_stop_daemon). */
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
