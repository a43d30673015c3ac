/* target: request targets and route matching (target.h). */
#include "target.h"

#include <string.h>
#include <strings.h>

bool
target_absolute(const char *url, const char **path, char *host, size_t size)
{
	const char *a, *end;
	size_t n;

	if (strncasecmp(url, "http://", 7) == 0)
		a = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		a = url + 8;
	else
		return false;
	end = a + strcspn(a, "/");
	n = (size_t)(end - a);
	if (n >= size)
		n = 0;
	memcpy(host, a, n);
	host[n] = '\0';
	*path = *end != '\0' ? end : "/";
	return true;
}

long
target_match(const struct target_route *routes, size_t n, const char *path)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (routes[i].prefix ? strncmp(path, routes[i].path,
					       strlen(routes[i].path)) == 0
				     : strcmp(path, routes[i].path) == 0)
			return (long)i;
	}
	return -1;
}
