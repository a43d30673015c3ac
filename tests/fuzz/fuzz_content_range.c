/*
 * fuzz_content_range: the client's parsing of the headers it resumes by,
 * over any bytes. The whole input is tried as a Content-Range value; then,
 * split at newlines, as header lines of one answer. Checks the contracts:
 * a parsed range has first <= last < total, a kept validator is one that
 * header_validator_ok accepts and fits its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_check(const struct header_answer *a)
{
	const char *v = header_validator(a);

	if (a->range == HEADER_RANGE_BYTES &&
	    !(a->first <= a->last && a->last < a->total))
		abort();
	if (v != NULL && (strlen(v) > HEADER_VALIDATOR_MAX ||
			  !header_validator_ok(v, strlen(v))))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct header_answer a;
	uint64_t f = 0, l = 0, t = 0;
	enum header_range r;

	r = header_content_range(p, size, &f, &l, &t);
	if (r == HEADER_RANGE_BYTES && !(f <= l && l < t))
		abort();
	header_reset(&a);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len =
			nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);

		header_line(&a, p, len);
		fuzz_check(&a);
		p += len;
	}
	return 0;
}
