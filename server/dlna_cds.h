/*
 * dlna_cds: the ContentDirectory's tree and its DIDL-Lite (APPS.md, "UPnP
 * AV / DLNA media server"). Pure: functions of a catalogue and of strings
 * as a control point sent them, no I/O, no threads.
 *
 * The tree, by object ID:
 *   0                       the root, holding "music"
 *   music                   All tracks, Artists, Albums, Folders
 *   all                     every track, in the library's (path) order
 *   artists, ar-X           the album artists; an artist's albums
 *   ar-X/al-Y               an album under its artist
 *   albums, al-Y            the albums; an album's songs
 *   folders, f/DIR          the library's folders: subfolders, then tracks
 *   CONTAINER/tr-Z          a track as a child of CONTAINER
 * X, Y and Z are the catalogue's stable IDs (catalog.h), so an object ID
 * stays valid across restarts and rescans while its file does.
 */
#ifndef AS_DLNA_CDS_H
#define AS_DLNA_CDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "catalog.h"

#define CDS_ID_MAX 8192		 /* bytes of an ObjectID we accept */
#define CDS_PAGE_MAX 1000	 /* objects in one Browse answer at most */
#define CDS_RESULT_MAX (8 << 20) /* bytes of one DIDL-Lite answer */

/* UPnP error codes (UPnP Device Architecture 1.0 and ContentDirectory:1) */
enum cds_error {
	CDS_OK = 0,
	CDS_ERR_INVALID_ACTION = 401,
	CDS_ERR_INVALID_ARGS = 402,
	CDS_ERR_ACTION_FAILED = 501,
	CDS_ERR_NO_SUCH_OBJECT = 701,
	CDS_ERR_CANNOT_PROCESS = 720,
};

/* A Browse request, checked. */
struct cds_browse {
	const char *object_id; /* points into the caller's string */
	bool metadata;	       /* BrowseMetadata, else BrowseDirectChildren */
	uint32_t start;	       /* StartingIndex */
	uint32_t count;	       /* RequestedCount, 0: as many as we give */
};

/* Where item URLs point: our HTTP server, as the renderer reaches it. */
struct cds_base {
	const char *url;   /* "http://169.254.1.1:3456", no trailing slash */
	const char *token; /* --token-file's token, or NULL */
};

/* A Browse answer. */
struct cds_result {
	char *didl; /* DIDL-Lite, NUL-terminated, malloc'd: the caller frees */
	size_t len;
	uint32_t returned, total; /* NumberReturned, TotalMatches */
};

/*
 * Check Browse's arguments as they came (NULL when absent): ObjectID
 * (1 to CDS_ID_MAX bytes), BrowseFlag (BrowseMetadata or
 * BrowseDirectChildren), StartingIndex and RequestedCount (decimal ui4).
 * Filter and SortCriteria are not ours to check: every property is sent
 * and the order is the tree's. CDS_OK, or CDS_ERR_INVALID_ARGS with
 * *cause (static) saying what was wrong and what would be right.
 */
enum cds_error dlna_cds_args(const char *object_id, const char *flag,
			     const char *start, const char *count,
			     struct cds_browse *out, const char **cause);

/*
 * Answer a checked Browse over catalogue c. CDS_OK and *res filled, or an
 * error with *cause (static): CDS_ERR_NO_SUCH_OBJECT for an unknown ID,
 * CDS_ERR_CANNOT_PROCESS when out of memory or past CDS_RESULT_MAX.
 */
enum cds_error dlna_cds_browse(const struct catalog *c,
			       const struct cds_browse *b,
			       const struct cds_base *base,
			       struct cds_result *res, const char **cause);

/*
 * The DLNA 4th field of protocolInfo for a MIME type (DLNA.ORG_PN where a
 * profile fits, OP, CI, FLAGS): static.
 */
const char *dlna_cds_features(const char *type);

#endif
