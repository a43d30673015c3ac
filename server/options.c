/*
 * options: the command line (options.h). getopt_long's table is made from
 * ours, so an option is one line here.
 */
#include "options.h"

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

enum opt_kind {
	OPT_NUMBER, /* unsigned in [min, max] */
	OPT_STRING, /* const char * */
	OPT_FLAG,   /* bool, no value */
	OPT_COUNT,  /* int, once more each time */
	OPT_HELP,
	OPT_VERSION,
};

struct opt {
	const char *name;
	char short_name; /* or 0 */
	enum opt_kind kind;
	size_t offset; /* of the field in struct config */
	unsigned min, max;
};

#define NUM(n, s, f, lo, hi)                                                  \
	{                                                                     \
		n, s, OPT_NUMBER, offsetof(struct config, f), lo, hi          \
	}
#define STR(n, s, f)                                                          \
	{                                                                     \
		n, s, OPT_STRING, offsetof(struct config, f), 0, 0            \
	}
#define FLAG(n, f)                                                            \
	{                                                                     \
		n, 0, OPT_FLAG, offsetof(struct config, f), 0, 0              \
	}

static const struct opt opts[] = {
	NUM("port", 'p', port, 0, 65535),
	STR("library", 'l', library),
	STR("bind", 'b', bind),
	STR("port-file", 0, port_file),
	NUM("threads", 0, threads, 1, 256),
	NUM("max-clients", 0, max_clients, 1, 1000000),
	NUM("max-per-ip", 0, max_per_ip, 0, 1000000),
	NUM("timeout", 0, timeout, 1, 86400),
	NUM("header-timeout", 0, header_timeout, 1, 3600),
	NUM("rescan", 0, rescan, 1, 86400),
	STR("access-log", 0, access_log),
	STR("cors", 0, cors),
	STR("state-dir", 0, state_dir),
	STR("users", 0, users_file),
	STR("database", 0, database),
	STR("cert", 0, cert_file),
	STR("key", 0, key_file),
	STR("tls-priorities", 0, tls_priorities),
	STR("token-file", 0, token_file),
	NUM("conn-memory", 0, conn_memory, 8192, 16 << 20),
	NUM("max-transcodes", 0, max_transcodes, 1, 100000),
	FLAG("radio", radio),
	STR("radio-format", 0, radio_fmt),
	NUM("radio-bitrate", 0, radio_bitrate, 8, 320),
	FLAG("content-length", content_length),
	FLAG("dlna", dlna),
	STR("dlna-name", 0, dlna_name),
	STR("dlna-interface", 0, dlna_interface),
	{"verbose", 'v', OPT_COUNT, offsetof(struct config, verbose), 0, 0},
	{"help", 'h', OPT_HELP, 0, 0, 0},
	{"version", 0, OPT_VERSION, 0, 0, 0},
};
#define OPT_COUNT_ALL (sizeof opts / sizeof opts[0])
#define OPT_LONG_BASE 256 /* getopt values of long-only options */

static const char usage_text[] =
	"usage: as_server [-p PORT] [-l DIR] [-b ADDRESS] [--port-file FILE]\n"
	"                 [--threads N] [--max-clients N] [--max-per-ip N]\n"
	"                 [--timeout SEC] [--header-timeout SEC]\n"
	"                 [--rescan SEC] [--access-log FILE|off]\n"
	"                 [--cors ORIGIN] [--state-dir DIR]\n"
	"                 [--cert FILE --key FILE] [--tls-priorities STR]\n"
	"                 [--token-file FILE] [--conn-memory BYTES]\n"
	"                 [--max-transcodes N] [--radio]\n"
	"                 [--radio-format mp3|opus] [--radio-bitrate N]\n"
	"                 [--content-length] [--users FILE]\n"
	"                 [--database sqlite:FILE|postgresql://...]\n"
	"                 [--dlna [--dlna-name NAME] [--dlna-interface IF]]\n"
	"                 [-v] [-h] [--version]\n"
	"Serves the music in DIR (default ./library) over HTTP on PORT\n"
	"(default 3456; 0 picks a free one). See as_server(1).\n";

/* Parse a whole-number option in [o->min, o->max]; exits on error. */
static unsigned
number(const struct opt *o, const char *arg)
{
	uint64_t v;

	if (parse_u64_str(arg, &v) != PARSE_OK || v < o->min || v > o->max) {
		fprintf(stderr,
			"as_server: --%s '%s': expected a whole number from "
			"%u to %u\n",
			o->name, arg, o->min, o->max);
		exit(2);
	}
	return (unsigned)v;
}

/* Store option o's value (arg for those that take one) into cfg. */
static void
apply(const struct opt *o, const char *arg, struct config *cfg)
{
	char *field = (char *)cfg + o->offset;

	switch (o->kind) {
	case OPT_NUMBER:
		*(unsigned *)(void *)field = number(o, arg);
		break;
	case OPT_STRING:
		*(const char **)(void *)field = arg;
		break;
	case OPT_FLAG:
		*(bool *)(void *)field = true;
		break;
	case OPT_COUNT:
		(*(int *)(void *)field)++;
		break;
	case OPT_HELP:
		fputs(usage_text, stdout);
		exit(0);
	case OPT_VERSION:
		puts("as_server " PACKAGE_VERSION);
		exit(0);
	}
}

/* getopt_long's tables, made from opts. */
static void
getopt_tables(struct option *longs, char *shorts, size_t cap)
{
	size_t i, n = 0;

	shorts[n++] = ':';
	for (i = 0; i < OPT_COUNT_ALL; i++) {
		bool value = opts[i].kind == OPT_NUMBER ||
			     opts[i].kind == OPT_STRING;

		longs[i] = (struct option){
			opts[i].name, value ? required_argument : no_argument,
			NULL,
			opts[i].short_name != 0 ? opts[i].short_name
						: OPT_LONG_BASE + (int)i};
		if (opts[i].short_name != 0 && n + 3 < cap) {
			shorts[n++] = opts[i].short_name;
			if (value)
				shorts[n++] = ':';
		}
	}
	longs[OPT_COUNT_ALL] = (struct option){NULL, 0, NULL, 0};
	shorts[n] = '\0';
}

/* The entry getopt_long's answer ch stands for, or NULL. */
static const struct opt *
find(int ch)
{
	size_t i;

	if (ch >= OPT_LONG_BASE &&
	    (size_t)(ch - OPT_LONG_BASE) < OPT_COUNT_ALL)
		return &opts[ch - OPT_LONG_BASE];
	for (i = 0; i < OPT_COUNT_ALL; i++) {
		if (opts[i].short_name != 0 && opts[i].short_name == ch)
			return &opts[i];
	}
	return NULL;
}

/* Checks of the options together, once all are read; may exit. */
static void
check(int argc, char **argv, const struct config *cfg)
{
	if ((cfg->cert_file == NULL) != (cfg->key_file == NULL)) {
		fputs("as_server: --cert and --key go together: give both for "
		      "HTTPS, or neither\n",
		      stderr);
		exit(2);
	}
	if (!cfg->dlna &&
	    (cfg->dlna_name != NULL || cfg->dlna_interface != NULL)) {
		fputs("as_server: --dlna-name and --dlna-interface set up "
		      "--dlna: add --dlna\n",
		      stderr);
		exit(2);
	}
	if (strcmp(cfg->radio_fmt, "mp3") != 0 &&
	    strcmp(cfg->radio_fmt, "opus") != 0) {
		fprintf(stderr,
			"as_server: --radio-format '%s': expected mp3 or "
			"opus\n",
			cfg->radio_fmt);
		exit(2);
	}
	if (optind < argc) {
		fprintf(stderr,
			"as_server: unexpected argument '%s' (options only; "
			"as_server -h lists them)\n",
			argv[optind]);
		exit(2);
	}
}

void
options_parse(int argc, char **argv, struct config *cfg)
{
	struct option longs[OPT_COUNT_ALL + 1];
	char shorts[2 * OPT_COUNT_ALL + 2];
	const struct opt *o;
	int ch;

	getopt_tables(longs, shorts, sizeof shorts);
	opterr = 0; /* one line of our own for each mistake */
	while ((ch = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
		if (ch == ':') {
			fprintf(stderr,
				"as_server: option '%s' needs a value "
				"(as_server -h lists the options)\n",
				argv[optind - 1]);
			exit(2);
		}
		o = find(ch);
		if (o == NULL) {
			fprintf(stderr,
				"as_server: unknown option '%s' (as_server -h "
				"lists the options)\n",
				argv[optind - 1]);
			exit(2);
		}
		apply(o, optarg, cfg);
	}
	check(argc, argv, cfg);
}
