/*
 * fuzz_target: the pure half of dispatch (target.h) over any request
 * target: absolute-form splitting, the Host check of its authority, and
 * route matching against a table shaped like routes.c's. Checks: a split
 * path starts with '/' and lies inside the input, the authority fits its
 * buffer, and a match is the first entry that matches (none when -1).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"
#include "target.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HOST_MAX 256
#define INPUT_MAX 8192

static const struct target_route table[] = {
	{"/health", false}, {"/stream/", true}, {"/art/", true},
	{"/rest/", true},   {"/list", false},	{"/list.m3u", false},
	{"/", false},
};
#define N (sizeof table / sizeof table[0])

static int
matches(const struct target_route *t, const char *path)
{
	return t->prefix ? strncmp(path, t->path, strlen(t->path)) == 0
			 : strcmp(path, t->path) == 0;
}

static void
check_match(const char *path)
{
	long got = target_match(table, N, path);
	size_t i;

	for (i = 0; i < N; i++) {
		if (matches(&table[i], path)) {
			if (got != (long)i)
				abort();
			return;
		}
	}
	if (got != -1)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char host[HOST_MAX], *url;
	const char *path = NULL;

	if (size > INPUT_MAX)
		return 0;
	url = malloc(size + 1);
	if (url == NULL)
		return 0;
	memcpy(url, data, size);
	url[size] = '\0';
	memset(host, 'x', sizeof host);
	if (target_absolute(url, &path, host, sizeof host)) {
		if (memchr(host, '\0', sizeof host) == NULL)
			abort();
		if (strcmp(path, "/") != 0 &&
		    (path < url || path > url + size || path[0] != '/'))
			abort();
		(void)listing_host_valid(host);
	} else {
		path = url;
	}
	check_match(path);
	free(url);
	return 0;
}
