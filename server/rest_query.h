/*
 * rest_query: the parameters of one Subsonic request, from the query
 * string (handed over one by one, already decoded by libmicrohttpd) and
 * from an application/x-www-form-urlencoded body (OpenSubsonic formPost),
 * which this module decodes. Keys may repeat (songId=1&songId=2).
 */
#ifndef AS_REST_QUERY_H
#define AS_REST_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REST_PARAMS_MAX 25000		/* parameters of one request */
#define REST_PARAM_MAX (64 * 1024)	/* bytes of one key or value */
#define REST_BODY_MAX (2 * 1024 * 1024) /* bytes of a form body */

struct rest_param {
	char *key;
	char *value;
};

struct rest_params {
	struct rest_param *v;
	size_t n, cap;
};

/* Add a copy of key=value. 0, or -1 (out of memory or past a cap). */
int rest_params_add(struct rest_params *p, const char *key, const char *value);

/*
 * Decode the form body s[0, len) (pairs split by '&', '+' for space,
 * %XX escapes; a pair without '=' has an empty value) and add its pairs.
 * 0, or -1 with nothing half-added past a cap, a bad escape or a NUL.
 */
int rest_params_parse(struct rest_params *p, const char *s, size_t len);

/* The first value of key, or NULL. */
const char *rest_param(const struct rest_params *p, const char *key);

/* Every value of key, in order: fills out[0, max), returns how many. */
size_t rest_param_all(const struct rest_params *p, const char *key,
		      const char **out, size_t max);

/* How many values key has. */
size_t rest_param_count(const struct rest_params *p, const char *key);

/*
 * key's value as an integer in [min, max]: 0 and *out set; 1 when key is
 * absent (*out untouched); -1 when it is not such a number.
 */
int rest_param_int(const struct rest_params *p, const char *key, long min,
		   long max, long *out);

/* key's value as a boolean ("true"/"false"): as rest_param_int. */
int rest_param_bool(const struct rest_params *p, const char *key, bool *out);

void rest_params_clear(struct rest_params *p);

#endif
