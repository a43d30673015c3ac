/*
 * fuzz_rest: a Subsonic request's form/query decoding and authentication
 * over any bytes. Whatever the input: no crash, a password never matches
 * unless it is the right one, and the error answer built from the
 * decoded values is well-formed JSON and XML without raw markup in its
 * attribute.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rest_doc.h"
#include "rest_query.h"
#include "users.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct users *users;

static void
check_doc(const char *message)
{
	json_t *doc = rest_doc_error(REST_ERR_AUTH, message), *back;
	const char *type;
	size_t len, i;
	char *s;
	int quotes = 0;

	if (doc == NULL)
		return; /* not UTF-8: Jansson refuses it, nothing is written */
	s = rest_doc_write(doc, REST_JSON, NULL, &len, &type);
	if (s == NULL)
		abort();
	back = json_loadb(s, len, 0, NULL);
	if (back == NULL)
		abort();
	json_decref(back);
	free(s);
	s = rest_doc_write(doc, REST_XML, NULL, &len, &type);
	if (s == NULL)
		abort();
	for (i = 0; i < len; i++) {
		quotes += s[i] == '"';
		if (s[i] == '\0')
			abort();
	}
	if (quotes % 2 != 0)
		abort();
	free(s);
	json_decref(doc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rest_params p = {0};
	const char *u, *t, *s, *pw;
	char *cause = NULL;
	enum users_auth a;

	if (users == NULL) {
		users = users_parse("alice:sesame\nbob:b\n", 19, &cause);
		if (users == NULL)
			abort();
	}
	if (rest_params_parse(&p, (const char *)data, size) != 0) {
		rest_params_clear(&p);
		return 0;
	}
	u = rest_param(&p, "u");
	t = rest_param(&p, "t");
	s = rest_param(&p, "s");
	pw = rest_param(&p, "p");
	a = users_check(users, u, t, s, pw);
	if (a == USERS_AUTH_OK && (t == NULL || s == NULL) &&
	    !(strcmp(u, "alice") == 0 &&
	      (strcmp(pw, "sesame") == 0 ||
	       strcasecmp(pw, "enc:736573616d65") == 0)) &&
	    !(strcmp(u, "bob") == 0 &&
	      (strcmp(pw, "b") == 0 || strcasecmp(pw, "enc:62") == 0)))
		abort();
	if (p.n > 0)
		check_doc(p.v[0].value);
	rest_params_clear(&p);
	return 0;
}
