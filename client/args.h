/*
 * args: pure parsing of the command line and of shell lines: options,
 * sizes with K/M/G suffixes, ports and track indexes. Nothing here does I/O;
 * errors come back as an allocated cause string the caller frees.
 */
#ifndef AS_ARGS_H
#define AS_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARGS_DEFAULT_ADDRESS "localhost"
#define ARGS_DEFAULT_PORT 3456
#define ARGS_DEFAULT_LIBRARY "as-library"
#define ARGS_DEFAULT_PLAYER "mpv --no-video --really-quiet -"
#define ARGS_DEFAULT_BUFFER_MAX ((size_t)16 * 1024 * 1024)
/* --buffer-max bounds: a write callback chunk must fit several times. */
#define ARGS_BUFFER_MIN ((uint64_t)64 * 1024)
#define ARGS_BUFFER_MAX ((uint64_t)1024 * 1024 * 1024)
/* A token: the server's rule, 1 to 256 of these URL-safe characters. */
#define ARGS_TOKEN_MAX 256
#define ARGS_TOKEN_CHARS                                                      \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
/* Bytes of a token file read: the token is on its first line. */
#define ARGS_TOKEN_FILE_MAX 4096
/* Words in one shell line (a command and its arguments). */
#define ARGS_MAX_WORDS 16

struct args_options {
	const char *address; /* -a; default ARGS_DEFAULT_ADDRESS */
	uint16_t port;	     /* -p; default ARGS_DEFAULT_PORT */
	const char *url;     /* -u; NULL unless given, wins over -a/-p */
	const char *library; /* -l; default ARGS_DEFAULT_LIBRARY */
	const char *player;  /* --player; NULL when not given */
	const char *cacert;  /* --cacert; NULL: libcurl's default CA store */
	const char *token_file; /* --token-file; NULL when not given */
	size_t buffer_max; /* --buffer-max; default ARGS_DEFAULT_BUFFER_MAX */
	bool help;	   /* -h, --help */
	bool version;	   /* --version */
	int command;	   /* argv index of COMMAND; argc when there is none */
};

enum args_index {
	ARGS_INDEX_OK = 0,
	ARGS_INDEX_SYNTAX = -1, /* not only digits: a usage error */
	ARGS_INDEX_OVERFLOW =
		-2, /* digits, but past UINT64_MAX: out of range */
};

/*
 * Parse the options before COMMAND (argv strings are borrowed, not copied).
 * 0 on success; -1 with *cause set (caller frees) on a usage error.
 */
int args_parse_options(int argc, char **argv, struct args_options *o,
		       char **cause);

/*
 * A size: decimal digits with an optional K, M or G suffix (powers of 1024,
 * either case), between ARGS_BUFFER_MIN and ARGS_BUFFER_MAX. 0 or -1 with
 * *cause set.
 */
int args_parse_size(const char *s, uint64_t *out, char **cause);

/* A TCP port, 1 to 65535. 0 or -1 with *cause set. */
int args_parse_port(const char *s, uint16_t *out, char **cause);

/*
 * The shared secret in the first line of s (len bytes; the rest is
 * ignored), without surrounding spaces and tabs. 0 with *token set (caller
 * frees), or -1 with *cause set; the cause never quotes the token.
 */
int args_parse_token(const char *s, size_t len, char **token, char **cause);

/* A track index: only decimal digits (no sign, no space, no suffix). */
enum args_index args_parse_index(const char *s, uint64_t *out);

/*
 * Split line in place on spaces and tabs into at most max words (pointers
 * into line). Returns the word count, or -1 when there are more than max.
 */
int args_split(char *line, char **words, int max);

#endif
