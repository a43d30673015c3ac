/*
 * fuzz_args: the client's command-line and shell-line parsers over any
 * bytes. The input, split at NUL bytes, is an argv (after a program name);
 * each word is also tried as a size, a port and an index, and the whole
 * input as a shell line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

#define FUZZ_MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char prog[] = "as_client";
	char *argv[FUZZ_MAX_ARGS + 2], *words[ARGS_MAX_WORDS];
	struct args_options o;
	char *buf, *line, *p, *cause;
	int argc = 1, n;
	uint64_t v;
	uint16_t port;

	buf = malloc(size + 1);
	line = malloc(size + 1);
	if (buf == NULL || line == NULL) {
		free(buf);
		free(line);
		return 0;
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = prog;
	for (p = buf; p <= buf + size && argc <= FUZZ_MAX_ARGS;
	     p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;

	cause = NULL;
	memset(&o, 0, sizeof o);
	if (args_parse_options(argc, argv, &o, &cause) == 0) {
		if (o.command < 1 || o.command > argc)
			abort();
	} else if (cause == NULL) {
		abort();
	}
	free(cause);
	for (n = 1; n < argc; n++) {
		cause = NULL;
		if (args_parse_size(argv[n], &v, &cause) == 0 &&
		    (v < ARGS_BUFFER_MIN || v > ARGS_BUFFER_MAX))
			abort();
		free(cause);
		cause = NULL;
		if (args_parse_port(argv[n], &port, &cause) == 0 && port == 0)
			abort();
		free(cause);
		(void)args_parse_index(argv[n], &v);
	}
	memcpy(line, data, size);
	line[size] = '\0';
	n = args_split(line, words, ARGS_MAX_WORDS);
	if (n > ARGS_MAX_WORDS)
		abort();
	free(buf);
	free(line);
	return 0;
}
