/*
 * art: finding a track's picture, and scaling it with libvips.
 *
 * libvips was chosen by measurement against FFmpeg's libavcodec (mjpeg and
 * png decoders, libswscale SWS_AREA, mjpeg encoder), 20 thumbnails each,
 * one thread: a 1500x1500 JPEG to 300 px took 21 ms (libavcodec 20 ms); a
 * 3000x3000 JPEG to 300 px 26 ms (241 ms: libvips decodes a JPEG at 1/2,
 * 1/4 or 1/8 scale when that is enough) and to 1024 px 188 ms (189 ms); a
 * 1500x1500 PNG 46 ms (16 ms), a 3000x3000 PNG 176 ms (169 ms); peak RSS
 * 42 MB (54 MB). Embedded covers are mostly JPEG, and libvips also turns
 * CMYK JPEGs into sRGB and honours EXIF orientation, which the FFmpeg
 * path does not.
 */
#include "art.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "log.h"

#define ART_QUALITY 85	     /* JPEG quality of scaled pictures */
#define ART_DIR_ENTRIES 4096 /* folder entries looked at for an image */

static const char *const art_names[] = {"cover", "folder", "front", "album"};
static const char *const art_exts[] = {"jpg", "jpeg", "png"};
#define ART_NAMES (sizeof art_names / sizeof art_names[0])
#define ART_EXTS (sizeof art_exts / sizeof art_exts[0])

static pthread_once_t art_once = PTHREAD_ONCE_INIT;
static int art_started = -1;

/* libvips' own warnings (a damaged tile...) go to our log, verbose only. */
static void
art_vips_log(const gchar *domain, GLogLevelFlags level, const gchar *msg,
	     gpointer data)
{
	(void)domain;
	(void)level;
	(void)data;
	log_debug("libvips: %s", msg);
}

static void
start_vips(void)
{
	if (VIPS_INIT("as_server") != 0) {
		log_warn("libvips: %s", vips_error_buffer());
		return;
	}
	g_log_set_handler("VIPS", G_LOG_LEVEL_MASK, art_vips_log, NULL);
	vips_cache_set_max(0);
	vips_concurrency_set(1);
	/* no loader but the two we feed it, whatever the bytes say */
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpegBuffer", FALSE);
	vips_operation_block_set("VipsForeignLoadPngBuffer", FALSE);
	art_started = 0;
}

int
art_init(void)
{
	pthread_once(&art_once, start_vips);
	return art_started;
}

void
art_picture_clear(struct art_picture *pic)
{
	free(pic->data);
	memset(pic, 0, sizeof *pic);
}

void
art_free(void *p)
{
	g_free(p);
}

void
art_etag(char *buf, size_t len, const struct art_picture *pic, unsigned size)
{
	int n = snprintf(buf, len, "\"art-%u-%" PRIx64 "-%" PRIx64 "\"", size,
			 pic->src_size, (uint64_t)pic->src_mtime_ns);

	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0'; /* cannot happen with ART_ETAG_LEN */
}

/* The rank of an image name (lower is better), or -1 when it is none. */
static int
image_rank(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t base;

	if (dot == NULL)
		return -1;
	base = (size_t)(dot - name);
	for (size_t i = 0; i < ART_NAMES; i++) {
		if (strlen(art_names[i]) != base ||
		    strncasecmp(name, art_names[i], base) != 0)
			continue;
		for (size_t j = 0; j < ART_EXTS; j++)
			if (strcasecmp(dot + 1, art_exts[j]) == 0)
				return (int)(i * ART_EXTS + j);
	}
	return -1;
}

/*
 * Open the folder holding relpath (a descriptor of its own, even for the
 * root) and put the best image name in it into name. The descriptor, or
 * -1 when there is no such image.
 */
static int
folder_image(int rootfd, const char *relpath, char *name, size_t len)
{
	const char *slash = strrchr(relpath, '/');
	int dfd, best = -1, r;
	unsigned seen = 0;
	struct dirent *de;
	DIR *d;

	if (slash == NULL) {
		dfd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	} else {
		char *dir = strndup(relpath, (size_t)(slash - relpath));
		if (dir == NULL)
			return -1;
		dfd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		free(dir);
	}
	if (dfd < 0)
		return -1;
	d = fdopendir(dfd);
	if (d == NULL) {
		close(dfd);
		return -1;
	}
	while (seen++ < ART_DIR_ENTRIES && (de = readdir(d)) != NULL) {
		r = image_rank(de->d_name);
		if (r >= 0 && (best < 0 || r < best) &&
		    strlen(de->d_name) < len) {
			best = r;
			memcpy(name, de->d_name, strlen(de->d_name) + 1);
		}
	}
	dfd = best >= 0 ? dup(dirfd(d)) : -1;
	closedir(d);
	return dfd;
}

/* Read the whole regular file fd (at most ART_FILE_MAX bytes) into pic. */
static int
read_image(int fd, const struct stat *st, struct art_picture *pic)
{
	size_t got = 0;
	ssize_t n;

	if (!S_ISREG(st->st_mode) || st->st_size <= 0 ||
	    (uint64_t)st->st_size > ART_FILE_MAX)
		return -1;
	pic->data = malloc((size_t)st->st_size);
	if (pic->data == NULL)
		return -1;
	while (got < (size_t)st->st_size) {
		n = pread(fd, pic->data + got, (size_t)st->st_size - got,
			  (off_t)got);
		if (n <= 0)
			return -1; /* the file shrank, or a read error */
		got += (size_t)n;
	}
	pic->len = got;
	return 0;
}

static void
set_type(struct art_picture *pic)
{
	bool png = false;

	tagpic_is_image(pic->data, pic->len, &png);
	pic->type = png ? "image/png" : "image/jpeg";
}

/*
 * The folder image of relpath into pic (with want, its bytes; without,
 * only whether there is a usable one).
 */
static enum art_result
find_folder(int rootfd, const char *relpath, struct art_picture *pic,
	    bool want)
{
	enum art_result res = ART_NONE;
	unsigned char head[8];
	char name[256];
	struct stat st;
	bool png;
	int dfd, fd = -1;

	dfd = folder_image(rootfd, relpath, name, sizeof name);
	if (dfd < 0)
		return ART_NONE;
	/* a link in a cover's place is not followed */
	fd = openat(dfd, name,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)sizeof head ||
	    (uint64_t)st.st_size > ART_FILE_MAX)
		goto out;
	if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head ||
	    !tagpic_is_image(head, sizeof head, &png))
		goto out;
	pic->src_size = (uint64_t)st.st_size;
	pic->src_mtime_ns =
		(int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	pic->embedded = false;
	pic->type = png ? "image/png" : "image/jpeg";
	res = ART_OK;
	if (want && read_image(fd, &st, pic) != 0) {
		log_warn("%s: cannot read %s", relpath, name);
		art_picture_clear(pic);
		res = ART_ERROR;
	}
out:
	if (fd >= 0)
		close(fd);
	close(dfd);
	return res;
}

/* Is relpath under rootfd the regular file expect names? */
static bool
track_is(int rootfd, const char *relpath, const struct stat *expect)
{
	struct stat st;

	return fstatat(rootfd, relpath, &st, 0) == 0 && S_ISREG(st.st_mode) &&
	       st.st_dev == expect->st_dev && st.st_ino == expect->st_ino;
}

/*
 * The picture embedded in relpath into pic (with want, its bytes). With
 * expect, the track must be that file (st_dev, st_ino).
 */
static enum art_result
find_embedded(int rootfd, const char *relpath, const struct stat *expect,
	      struct art_picture *pic, bool want)
{
	enum tagpic_result r;
	struct stat st;
	int fd;

	fd = openat(rootfd, relpath,
		    O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return ART_ERROR;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (expect != NULL &&
	     (st.st_dev != expect->st_dev || st.st_ino != expect->st_ino))) {
		close(fd);
		return ART_ERROR;
	}
	r = tagpic_read_fd(fd, want ? &pic->data : NULL, &pic->len);
	close(fd);
	if (r != TAGPIC_FOUND)
		return r == TAGPIC_NONE ? ART_NONE : ART_ERROR;
	pic->src_size = (uint64_t)st.st_size;
	pic->src_mtime_ns =
		(int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	pic->embedded = true;
	if (want)
		set_type(pic);
	return ART_OK;
}

enum art_result
art_find(int rootfd, const char *relpath, dev_t dev, ino_t ino,
	 struct art_picture *pic)
{
	struct stat expect;

	memset(pic, 0, sizeof *pic);
	memset(&expect, 0, sizeof expect);
	expect.st_dev = dev;
	expect.st_ino = ino;
	switch (find_embedded(rootfd, relpath, &expect, pic, true)) {
	case ART_OK:
		return ART_OK;
	case ART_NONE:
		break;
	case ART_ERROR:
		/* gone, replaced, or tags TagLib cannot read: which? */
		if (!track_is(rootfd, relpath, &expect))
			return ART_ERROR;
		log_debug("%s: tags unreadable", relpath);
		break;
	}
	return find_folder(rootfd, relpath, pic, true);
}

bool
art_probe(int rootfd, const char *relpath)
{
	struct art_picture pic;

	memset(&pic, 0, sizeof pic);
	return find_embedded(rootfd, relpath, NULL, &pic, false) == ART_OK ||
	       find_folder(rootfd, relpath, &pic, false) == ART_OK;
}

/* A copy of libvips' last error message (one line), then clear it. */
static char *
vips_cause(const char *what)
{
	const char *e = vips_error_buffer();
	size_t n = strcspn(e, "\n");
	char *s = NULL;

	if (asprintf(&s, "%s: %.*s", what, (int)(n > 200 ? 200 : n), e) < 0)
		s = NULL;
	vips_error_clear();
	return s;
}

/* Load only the header of (in, n) and check its dimensions. */
static int
check_header(const unsigned char *in, size_t n, char **cause)
{
	VipsImage *im = NULL;
	bool png;
	int w, h, r;

	if (!tagpic_is_image(in, n, &png)) {
		*cause = strdup("the picture is neither a JPEG nor a PNG");
		return -1;
	}
	if (png)
		r = vips_pngload_buffer((void *)in, n, &im, NULL);
	else
		r = vips_jpegload_buffer((void *)in, n, &im, NULL);
	if (r != 0) {
		*cause = vips_cause("the picture does not decode");
		return -1;
	}
	w = vips_image_get_width(im);
	h = vips_image_get_height(im);
	g_object_unref(im);
	if (w <= 0 || h <= 0 || (unsigned)w > ART_SIDE_MAX ||
	    (unsigned)h > ART_SIDE_MAX ||
	    (uint64_t)w * (uint64_t)h > ART_PIXELS_MAX) {
		if (asprintf(cause,
			     "the picture is %dx%d pixels, more than "
			     "%ux%u or %u pixels",
			     w, h, ART_SIDE_MAX, ART_SIDE_MAX,
			     ART_PIXELS_MAX) < 0)
			*cause = NULL;
		return -1;
	}
	return 0;
}

/* White under any transparency: JPEG has none. */
static int
flatten(VipsImage **im)
{
	VipsArrayDouble *white;
	VipsImage *flat = NULL;
	double v[] = {255, 255, 255};
	int r;

	if (!vips_image_hasalpha(*im))
		return 0;
	white = vips_array_double_new(v, 3);
	r = vips_flatten(*im, &flat, "background", white, NULL);
	vips_area_unref(VIPS_AREA(white));
	if (r != 0)
		return -1;
	g_object_unref(*im);
	*im = flat;
	return 0;
}

int
art_scale(const unsigned char *in, size_t n, unsigned size,
	  unsigned char **out, size_t *outlen, char **cause)
{
	VipsImage *im = NULL;
	void *buf = NULL;
	size_t len = 0;
	int res = -1;

	*cause = NULL;
	if (art_init() != 0) {
		*cause = strdup("libvips did not start");
		return -1;
	}
	if (check_header(in, n, cause) != 0)
		return -1;
	if (vips_thumbnail_buffer((void *)in, n, &im, (int)size, "height",
				  (int)size, "size", VIPS_SIZE_DOWN,
				  "option_string", "fail-on=error",
				  NULL) != 0 ||
	    flatten(&im) != 0 ||
	    vips_jpegsave_buffer(im, &buf, &len, "Q", ART_QUALITY, "strip",
				 TRUE, NULL) != 0) {
		*cause = vips_cause("the picture does not decode");
		goto out;
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
	res = 0;
out:
	if (im != NULL)
		g_object_unref(im);
	g_free(buf);
	return res;
}
