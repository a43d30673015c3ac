/*
 * fuzz_precond: If-None-Match, If-Modified-Since and If-Range over any
 * text. The input is split at the first two NUL bytes into the three
 * header values; the ETag and mtime come from a fixed file. The first two
 * also go in as If-Match and If-Unmodified-Since.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpdate.h"
#include "precond.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char etag[PRECOND_ETAG_LEN], *buf, *inm, *ims, *ifr, *nul;
	time_t t = 0;

	buf = malloc(size + 3);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	inm = buf;
	nul = memchr(inm, '\0', size + 1);
	ims = nul + 1;
	ifr = ims + strlen(ims) + 1;
	if (ifr > buf + size + 2)
		ifr = buf + size + 2;
	precond_etag(etag, sizeof etag, 4242, 1700000000123456789LL);
	(void)precond_not_modified(*inm != '\0' ? inm : NULL,
				   *ims != '\0' ? ims : NULL, etag,
				   1700000000);
	(void)precond_failed(*inm != '\0' ? inm : NULL,
			     *ims != '\0' ? ims : NULL, etag, 1700000000);
	(void)precond_if_range(*ifr != '\0' ? ifr : NULL, etag, 1700000000);
	/* A tag always matches itself; the date it formats parses back. */
	if (!precond_not_modified(etag, NULL, etag, 1700000000) ||
	    precond_failed(etag, NULL, etag, 1700000000) ||
	    !precond_if_range(etag, etag, 1700000000))
		abort();
	if (httpdate_parse(inm, &t) == 0) {
		char back[HTTPDATE_LEN];

		(void)httpdate_format(t, back, sizeof back);
	}
	free(buf);
	return 0;
}
