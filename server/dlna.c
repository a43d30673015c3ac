/*
 * dlna: the MediaServer on libupnp (dlna.h).
 *
 * libupnp (Debian's libupnp13, the stack gerbera uses) over GUPnP: it
 * runs in plain threads with callbacks, so the process keeps its shape
 * (no GLib main loop beside libmicrohttpd's loops), and its SOAP and SSDP
 * parsing is one library we link, not a framework we live in.
 */
#include "dlna.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <upnp.h>
#include <upnptools.h>
/* libupnp's list.h ends with "#undef bool" (and true, false),
 * which takes stdbool.h's away */
#ifndef bool
#define bool _Bool
#endif

#include "dlna_cds.h"
#include "dlna_desc.h"
#include "dlna_soap.h"
#include "log.h"

#define DLNA_MAX_AGE 1800	  /* seconds an announcement holds */
#define DLNA_SOAP_MAX (16 * 1024) /* bytes of a SOAP request we read */
#define DLNA_URL_MAX 128
#define DLNA_NAME_MAX 256
#define DLNA_POLL_SECONDS 1 /* how often library changes are evented */

struct dlna {
	struct library *lib;
	UpnpDevice_Handle handle;
	int registered;
	char udn[DLNA_UDN_LEN];
	char url[DLNA_URL_MAX]; /* our HTTP server, as renderers reach it */
	struct cds_base base;
	char *desc;
	pthread_t thread;
	int thread_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
};

/* A service description being read through libupnp's web server. */
struct scpd_file {
	const char *data;
	size_t len, pos;
};

static const char *
scpd_for(const char *filename)
{
	if (filename == NULL)
		return NULL;
	if (strcmp(filename, DLNA_CDS_SCPD) == 0)
		return dlna_desc_cds_scpd;
	if (strcmp(filename, DLNA_CM_SCPD) == 0)
		return dlna_desc_cm_scpd;
	return NULL;
}

static int
scpd_info(const char *filename, UpnpFileInfo *info, const void *cookie)
{
	const char *doc = scpd_for(filename);

	(void)cookie;
	if (doc == NULL)
		return -1;
	UpnpFileInfo_set_FileLength(info, (off_t)strlen(doc));
	UpnpFileInfo_set_LastModified(info, 0);
	UpnpFileInfo_set_IsDirectory(info, 0);
	UpnpFileInfo_set_IsReadable(info, 1);
	UpnpFileInfo_set_ContentType(info, "text/xml; charset=\"utf-8\"");
	return 0;
}

static UpnpWebFileHandle
scpd_open(const char *filename, enum UpnpOpenFileMode mode, const void *cookie)
{
	const char *doc = scpd_for(filename);
	struct scpd_file *f;

	(void)cookie;
	if (doc == NULL || mode != UPNP_READ)
		return NULL;
	f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	f->data = doc;
	f->len = strlen(doc);
	return f;
}

static int
scpd_read(UpnpWebFileHandle h, char *buf, size_t len, const void *cookie)
{
	struct scpd_file *f = h;
	size_t n = f->len - f->pos < len ? f->len - f->pos : len;

	(void)cookie;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (int)n;
}

static int
scpd_write(UpnpWebFileHandle h, char *buf, size_t len, const void *cookie)
{
	(void)h;
	(void)buf;
	(void)len;
	(void)cookie;
	return -1;
}

static int
scpd_seek(UpnpWebFileHandle h, off_t off, int origin, const void *cookie)
{
	struct scpd_file *f = h;
	off_t at = origin == SEEK_SET	? off
		   : origin == SEEK_CUR ? (off_t)f->pos + off
					: (off_t)f->len + off;

	(void)cookie;
	if (at < 0 || at > (off_t)f->len)
		return -1;
	f->pos = (size_t)at;
	return 0;
}

static int
scpd_close(UpnpWebFileHandle h, const void *cookie)
{
	(void)cookie;
	free(h);
	return 0;
}

/* SystemUpdateID: the library table's generation, as a ui4. */
static uint32_t
update_id(uint64_t generation)
{
	return (uint32_t)(generation & UINT32_MAX);
}

static void
on_action(struct dlna *d, UpnpActionRequest *a)
{
	const struct library_snap *snap = library_get(d->lib);
	struct dlna_soap_ctx ctx = {snap->catalog, update_id(snap->generation),
				    &d->base};
	IXML_Document *resp = NULL;
	const char *cause = NULL;
	int err;

	err = dlna_soap_action(UpnpActionRequest_get_ServiceID_cstr(a),
			       UpnpActionRequest_get_ActionName_cstr(a),
			       UpnpActionRequest_get_ActionRequest(a), &ctx,
			       &resp, &cause);
	library_put(d->lib, snap);
	if (err != 0) {
		log_debug("%s: %s: error %d: %s", __func__,
			  UpnpActionRequest_get_ActionName_cstr(a), err,
			  cause);
		UpnpActionRequest_set_ErrCode(a, err);
		UpnpActionRequest_strcpy_ErrStr(a, cause);
		UpnpActionRequest_set_ActionResult(a, NULL);
		return;
	}
	UpnpActionRequest_set_ErrCode(a, UPNP_E_SUCCESS);
	UpnpActionRequest_set_ActionResult(a, resp);
}

static void
on_subscribe(struct dlna *d, const UpnpSubscriptionRequest *s)
{
	const struct library_snap *snap;
	const char *service = UpnpSubscriptionRequest_get_ServiceId_cstr(s);
	const char *names[3], *values[3];
	char id[16];
	int n;

	if (strcmp(service, DLNA_CDS_ID) == 0) {
		snap = library_get(d->lib);
		snprintf(id, sizeof id, "%" PRIu32,
			 update_id(snap->generation));
		library_put(d->lib, snap);
		names[0] = "SystemUpdateID";
		values[0] = id;
		n = 1;
	} else if (strcmp(service, DLNA_CM_ID) == 0) {
		names[0] = "SourceProtocolInfo";
		values[0] = "";
		names[1] = "SinkProtocolInfo";
		values[1] = "";
		names[2] = "CurrentConnectionIDs";
		values[2] = "0";
		n = 3;
	} else {
		return;
	}
	UpnpAcceptSubscription(d->handle, d->udn, service, names, values, n,
			       UpnpSubscriptionRequest_get_SID_cstr(s));
}

static int
on_event(Upnp_EventType type, const void *event, void *cookie)
{
	struct dlna *d = cookie;

	/* libupnp hands its own objects over as const, to be filled in. */
	if (type == UPNP_CONTROL_ACTION_REQUEST)
		on_action(d, (UpnpActionRequest *)(uintptr_t)event);
	else if (type == UPNP_EVENT_SUBSCRIPTION_REQUEST)
		on_subscribe(d, event);
	return 0;
}

/* Event SystemUpdateID whenever the library's table changes. */
static void *
notifier(void *arg)
{
	struct dlna *d = arg;
	const struct library_snap *snap = library_get(d->lib);
	uint64_t seen = snap->generation, now;
	const char *names[1] = {"SystemUpdateID"}, *values[1];
	struct timespec ts;
	char id[16];

	library_put(d->lib, snap);
	pthread_mutex_lock(&d->mu);
	while (!d->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += DLNA_POLL_SECONDS;
		pthread_cond_timedwait(&d->cv, &d->mu, &ts);
		if (d->stop)
			break;
		snap = library_get(d->lib);
		now = snap->generation;
		library_put(d->lib, snap);
		if (now == seen)
			continue;
		seen = now;
		snprintf(id, sizeof id, "%" PRIu32, update_id(now));
		values[0] = id;
		pthread_mutex_unlock(&d->mu);
		UpnpNotify(d->handle, d->udn, DLNA_CDS_ID, names, values, 1);
		pthread_mutex_lock(&d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

static char *
fail(const char *what, int rc)
{
	char buf[512];

	snprintf(buf, sizeof buf, "--dlna: %s: %s (%d)", what,
		 UpnpGetErrorMessage(rc), rc);
	return strdup(buf);
}

static int
serve_scpd(struct dlna *d, char **cause)
{
	int rc = UpnpAddVirtualDir(DLNA_SCPD_DIR, d, NULL);

	if (rc != UPNP_E_SUCCESS ||
	    UpnpVirtualDir_set_GetInfoCallback(scpd_info) != 0 ||
	    UpnpVirtualDir_set_OpenCallback(scpd_open) != 0 ||
	    UpnpVirtualDir_set_ReadCallback(scpd_read) != 0 ||
	    UpnpVirtualDir_set_WriteCallback(scpd_write) != 0 ||
	    UpnpVirtualDir_set_SeekCallback(scpd_seek) != 0 ||
	    UpnpVirtualDir_set_CloseCallback(scpd_close) != 0) {
		*cause = fail("cannot serve the service descriptions", rc);
		return -1;
	}
	return 0;
}

/* Our base URL, name and UDN, on the address libupnp picked. */
static int
identity(struct dlna *d, const struct config *cfg, char *name, size_t cap,
	 char **cause)
{
	char host[DLNA_NAME_MAX] = "localhost", seed[DLNA_NAME_MAX + 4200];
	const char *ip = UpnpGetServerIpAddress();
	int n;

	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = '\0';
	n = snprintf(d->url, sizeof d->url, "%s://%s:%u",
		     cfg->cert_file != NULL ? "https" : "http",
		     ip != NULL ? ip : "0.0.0.0", cfg->port);
	if (n < 0 || (size_t)n >= sizeof d->url) {
		*cause = strdup("--dlna: the address is too long");
		return -1;
	}
	n = cfg->dlna_name != NULL ? snprintf(name, cap, "%s", cfg->dlna_name)
				   : snprintf(name, cap, "as on %s", host);
	if (n < 0 || (size_t)n >= cap || name[0] == '\0') {
		*cause = strdup("--dlna-name: expected 1 to 255 bytes");
		return -1;
	}
	snprintf(seed, sizeof seed, "%s\n%s", host, library_root(d->lib));
	dlna_desc_udn(seed, d->udn);
	d->base.url = d->url;
	d->base.token = cfg->token;
	return 0;
}

static int
announce(struct dlna *d, const struct config *cfg, char **cause)
{
	char name[DLNA_NAME_MAX];
	int rc;

	if (identity(d, cfg, name, sizeof name, cause) != 0 ||
	    serve_scpd(d, cause) != 0)
		return -1;
	d->desc = dlna_desc_device(name, d->udn, d->url);
	if (d->desc == NULL) {
		*cause = strdup("--dlna: out of memory");
		return -1;
	}
	rc = UpnpRegisterRootDevice2(UPNPREG_BUF_DESC, d->desc,
				     strlen(d->desc), 1, on_event, d,
				     &d->handle);
	if (rc != UPNP_E_SUCCESS) {
		*cause = fail("cannot register the device", rc);
		return -1;
	}
	d->registered = 1;
	rc = UpnpSendAdvertisement(d->handle, DLNA_MAX_AGE);
	if (rc != UPNP_E_SUCCESS) {
		*cause = fail("cannot announce the device", rc);
		return -1;
	}
	log_info("dlna: \"%s\" (%s) on %s, items at %s/stream/", name, d->udn,
		 UpnpGetServerIpAddress(), d->url);
	return 0;
}

struct dlna *
dlna_start(const struct config *cfg, struct library *lib, char **cause)
{
	struct dlna *d = calloc(1, sizeof *d);
	int rc;

	*cause = NULL;
	if (d == NULL) {
		*cause = strdup("--dlna: out of memory");
		return NULL;
	}
	d->lib = lib;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	rc = UpnpInit2(cfg->dlna_interface, 0);
	if (rc != UPNP_E_SUCCESS) {
		*cause = fail(cfg->dlna_interface != NULL
				      ? "cannot start UPnP on that interface "
					"(--dlna-interface: a network "
					"interface that is up, with an IPv4 "
					"address)"
				      : "cannot start UPnP (is an interface "
					"other than loopback up? pick one "
					"with --dlna-interface)",
			      rc);
		free(d);
		return NULL;
	}
	UpnpSetMaxContentLength(DLNA_SOAP_MAX);
	if (cfg->bind != NULL)
		log_warn("dlna: renderers need the HTTP server on %s; "
			 "--bind %s must listen there",
			 UpnpGetServerIpAddress(), cfg->bind);
	if (announce(d, cfg, cause) != 0 ||
	    pthread_create(&d->thread, NULL, notifier, d) != 0) {
		if (*cause == NULL)
			*cause = strdup("--dlna: out of threads");
		dlna_stop(d);
		return NULL;
	}
	d->thread_started = 1;
	return d;
}

void
dlna_stop(struct dlna *d)
{
	if (d == NULL)
		return;
	if (d->thread_started) {
		pthread_mutex_lock(&d->mu);
		d->stop = 1;
		pthread_cond_signal(&d->cv);
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->thread, NULL);
	}
	if (d->registered)
		UpnpUnRegisterRootDevice(d->handle); /* ssdp:byebye */
	UpnpFinish();
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d->desc);
	free(d);
}
