/*
 * rest_query: a bounded list of decoded request parameters.
 */
#include "rest_query.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static int
push(struct rest_params *p, char *key, char *value)
{
	if (p->n == p->cap) {
		size_t cap = p->cap != 0 ? 2 * p->cap : 16;
		struct rest_param *v;

		if (p->n >= REST_PARAMS_MAX)
			return -1;
		if (cap > REST_PARAMS_MAX)
			cap = REST_PARAMS_MAX;
		v = realloc(p->v, cap * sizeof *v);
		if (v == NULL)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].key = key;
	p->v[p->n].value = value;
	p->n++;
	return 0;
}

int
rest_params_add(struct rest_params *p, const char *key, const char *value)
{
	char *k, *v;

	if (value == NULL)
		value = "";
	if (strnlen(key, REST_PARAM_MAX + 1) > REST_PARAM_MAX ||
	    strnlen(value, REST_PARAM_MAX + 1) > REST_PARAM_MAX)
		return -1;
	k = strdup(key);
	v = strdup(value);
	if (k == NULL || v == NULL || push(p, k, v) != 0) {
		free(k);
		free(v);
		return -1;
	}
	return 0;
}

/* s[0, len) form-decoded into a malloc'd string; NULL when malformed. */
static char *
decode(const char *s, size_t len)
{
	char *out;
	size_t i, n = 0;

	if (len > REST_PARAM_MAX)
		return NULL;
	out = malloc(len + 1);
	if (out == NULL)
		return NULL;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			int hi = i + 2 < len ? parse_hex_digit(s[i + 1]) : -1;

			if (hi < 0 || parse_hex_digit(s[i + 2]) < 0)
				goto bad;
			c = (char)(hi << 4 | parse_hex_digit(s[i + 2]));
			i += 2;
		} else if (c == '+') {
			c = ' ';
		}
		if (c == '\0')
			goto bad;
		out[n++] = c;
	}
	out[n] = '\0';
	return out;
bad:
	free(out);
	return NULL;
}

/* Add one "key=value" pair s[0, len); empty pairs are skipped. */
static int
add_pair(struct rest_params *p, const char *s, size_t len)
{
	const char *eq = memchr(s, '=', len);
	size_t klen = eq != NULL ? (size_t)(eq - s) : len;
	char *k, *v;

	if (len == 0)
		return 0;
	k = decode(s, klen);
	v = eq != NULL ? decode(eq + 1, len - klen - 1) : strdup("");
	if (k == NULL || v == NULL || push(p, k, v) != 0) {
		free(k);
		free(v);
		return -1;
	}
	return 0;
}

int
rest_params_parse(struct rest_params *p, const char *s, size_t len)
{
	size_t pos = 0, before = p->n;

	if (len > REST_BODY_MAX)
		return -1;
	while (pos < len) {
		const char *amp = memchr(s + pos, '&', len - pos);
		size_t l = amp != NULL ? (size_t)(amp - (s + pos)) : len - pos;

		if (add_pair(p, s + pos, l) != 0)
			goto fail;
		pos += l + 1;
	}
	return 0;
fail:
	while (p->n > before) {
		p->n--;
		free(p->v[p->n].key);
		free(p->v[p->n].value);
	}
	return -1;
}

const char *
rest_param(const struct rest_params *p, const char *key)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].key, key) == 0)
			return p->v[i].value;
	return NULL;
}

size_t
rest_param_all(const struct rest_params *p, const char *key, const char **out,
	       size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < p->n && n < max; i++)
		if (strcmp(p->v[i].key, key) == 0)
			out[n++] = p->v[i].value;
	return n;
}

size_t
rest_param_count(const struct rest_params *p, const char *key)
{
	size_t i, n = 0;

	for (i = 0; i < p->n; i++)
		n += strcmp(p->v[i].key, key) == 0;
	return n;
}

int
rest_param_int(const struct rest_params *p, const char *key, long min,
	       long max, long *out)
{
	const char *s = rest_param(p, key);
	bool negative;
	uint64_t v;
	long value;

	if (s == NULL)
		return 1;
	negative = s[0] == '-';
	if (parse_u64_str(s + negative, &v) != PARSE_OK ||
	    v > (uint64_t)LONG_MAX)
		return -1;
	value = negative ? -(long)v : (long)v;
	if (value < min || value > max)
		return -1;
	*out = value;
	return 0;
}

int
rest_param_bool(const struct rest_params *p, const char *key, bool *out)
{
	const char *s = rest_param(p, key);

	if (s == NULL)
		return 1;
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
		*out = true;
	else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

void
rest_params_clear(struct rest_params *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->v[i].key);
		free(p->v[i].value);
	}
	free(p->v);
	memset(p, 0, sizeof *p);
}
