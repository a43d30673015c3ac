/*
 * cmd: the command table and the six commands; see cmd.h.
 */
#include "cmd.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "fetch.h"
#include "get.h"
#include "parse.h"
#include "stream.h"
#include "xmalloc.h"

/* Path column width cap when aligning the listing on a terminal. */
#define CMD_LIST_PATH_COLUMNS 60
/*
 * How long a remembered listing names files for get and stream: the
 * server shows library changes within 2 s, so an older listing may give
 * an index another file's name.
 */
#define CMD_LIST_FRESH_SECONDS 2
/* stream --bitrate: what the server transcodes to (APPS.md). */
#define CMD_BITRATE_MIN 8
#define CMD_BITRATE_MAX 320

static enum cmd_retval cmd_list_exec(struct client *, int, char **);
static enum cmd_retval cmd_get_exec(struct client *, int, char **);
static enum cmd_retval cmd_stream_exec(struct client *, int, char **);
static enum cmd_retval cmd_stream_plus_exec(struct client *, int, char **);
static enum cmd_retval cmd_help_exec(struct client *, int, char **);
static enum cmd_retval cmd_quit_exec(struct client *, int, char **);

static const struct cmd_entry cmd_table[] = {
	{"list", "", 0, 0, "list the server's tracks with their indexes",
	 cmd_list_exec},
	{"get", "<index>", 1, 1,
	 "save a track under the library directory (resumes a .part)",
	 cmd_get_exec},
	{"stream", "[--bitrate N] <index>", 1, 3,
	 "play a track through the player (--bitrate: as mp3 at N kbit/s)",
	 cmd_stream_exec},
	{"stream+", "<index>", 1, 1,
	 "play a track and save it, with one request", cmd_stream_plus_exec},
	{"help", "", 0, 0, "show this list of commands", cmd_help_exec},
	{"quit", "", 0, 0, "leave the shell (Ctrl-D too)", cmd_quit_exec},
};

#define CMD_COUNT (sizeof(cmd_table) / sizeof(cmd_table[0]))

void
cmd_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("as_client: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *
cmd_name(size_t n)
{
	return n < CMD_COUNT ? cmd_table[n].name : NULL;
}

static const struct cmd_entry *
cmd_find(const char *name)
{
	for (size_t i = 0; i < CMD_COUNT; i++)
		if (strcmp(cmd_table[i].name, name) == 0)
			return &cmd_table[i];
	return NULL;
}

static enum cmd_retval
cmd_usage(const struct cmd_entry *e)
{
	cmd_error("usage: %s%s%s", e->name, *e->usage ? " " : "", e->usage);
	return CMD_USAGE;
}

enum cmd_retval
cmd_execute(struct client *c, int argc, char **argv)
{
	const struct cmd_entry *e = cmd_find(argv[0]);

	if (e == NULL) {
		cmd_error("unknown command '%s'; `help` lists the commands",
			  argv[0]);
		return CMD_USAGE;
	}
	if (argc - 1 < e->args_min || argc - 1 > e->args_max)
		return cmd_usage(e);
	return e->exec(c, argc, argv);
}

/* True when the remembered listing is recent enough to name files. */
static bool
cmd_list_fresh(const struct client *c)
{
	struct timespec now;

	if (!c->have_list)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - c->list_time.tv_sec < CMD_LIST_FRESH_SECONDS;
}

/* Load the listing if it is missing or stale (or force a reload). */
static enum cmd_retval
cmd_load_list(struct client *c, bool force)
{
	char *cause = NULL;

	if (cmd_list_fresh(c) && !force)
		return CMD_OK;
	if (fetch_list(c, &cause) < 0) {
		cmd_error("%s", cause);
		free(cause);
		return CMD_ERROR;
	}
	clock_gettime(CLOCK_MONOTONIC, &c->list_time);
	return CMD_OK;
}

/*
 * The track named by arg: a usage error when arg is not an index, an
 * error that says how many tracks there are when it is out of range. The
 * listing is fetched when missing or stale, or when the index is past its
 * end.
 */
static enum cmd_retval
cmd_track(struct client *c, const struct cmd_entry *e, const char *arg,
	  const struct track **t)
{
	enum args_index r;
	enum cmd_retval rv;
	uint64_t i = 0;

	r = args_parse_index(arg, &i);
	if (r == ARGS_INDEX_SYNTAX) {
		cmd_error("bad index '%s': an index is a track number from "
			  "`list` (digits only)",
			  arg);
		return cmd_usage(e);
	}
	rv = cmd_load_list(c, r == ARGS_INDEX_OK && c->have_list &&
				      i >= c->list.count);
	if (rv != CMD_OK)
		return rv;
	if (r == ARGS_INDEX_OVERFLOW || i >= c->list.count) {
		if (c->list.count == 0)
			cmd_error(
				"index %s is out of range: the server has no "
				"tracks",
				arg);
		else
			cmd_error("index %s is out of range: the server has "
				  "%zu tracks (0 to %zu)",
				  arg, c->list.count, c->list.count - 1);
		return CMD_ERROR;
	}
	*t = &c->list.tracks[i];
	return CMD_OK;
}

/* "m:ss" or "h:mm:ss" for a duration in seconds. */
static void
cmd_duration(double secs, char *buf, size_t len)
{
	unsigned long s = (unsigned long)(secs + 0.5);
	int n;

	if (s >= 3600)
		n = snprintf(buf, len, "%lu:%02lu:%02lu", s / 3600,
			     s / 60 % 60, s % 60);
	else
		n = snprintf(buf, len, "%lu:%02lu", s / 60, s % 60);
	if ((n < 0 || (size_t)n >= len) && len > 0)
		buf[0] = '\0';
}

/* Columns a UTF-8 string takes (one per code point; a fair guess). */
static size_t
cmd_columns(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Print sep and a tag value with control bytes shown as '?'. */
static void
cmd_print_tag(const char *sep, const char *value)
{
	char *v = tracklist_printable(value);

	printf("%s%s", sep, v);
	free(v);
}

static void
cmd_list_line(const struct client *c, const struct track *t, int iw, size_t pw)
{
	char dur[32] = "", size[16], *path;
	size_t cols = cmd_columns(t->path);

	fetch_human_size(t->size, size, sizeof(size));
	if (t->duration >= 0)
		cmd_duration(t->duration, dur, sizeof(dur));
	path = tracklist_printable(t->path); /* verbatim unless unsafe */
	printf("%*" PRIu64 ": %s", iw, t->index, path);
	free(path);
	if (c->tty_out)
		printf("%*s", (int)(cols < pw ? pw - cols : 0), "");
	/* "artist - title" when the server knows them */
	if (t->artist != NULL && t->title != NULL) {
		cmd_print_tag("  ", t->artist);
		cmd_print_tag(" - ", t->title);
	} else if (t->title != NULL) {
		cmd_print_tag("  ", t->title);
	}
	printf("  (%s%s%s)\n", dur, *dur ? ", " : "", size);
}

static enum cmd_retval
cmd_list_exec(struct client *c, int argc, char **argv)
{
	size_t pw = 0;
	int iw = 0;

	(void)argc;
	(void)argv;
	if (cmd_load_list(c, true) != CMD_OK)
		return CMD_ERROR;
	if (c->tty_out) {
		char last[32];

		iw = snprintf(last, sizeof(last), "%zu", c->list.count);
		for (size_t i = 0; i < c->list.count; i++) {
			size_t cols = cmd_columns(c->list.tracks[i].path);

			if (cols > pw && cols <= CMD_LIST_PATH_COLUMNS)
				pw = cols;
		}
	}
	for (size_t i = 0; i < c->list.count; i++)
		cmd_list_line(c, &c->list.tracks[i], iw, pw);
	return fflush(stdout) == 0 ? CMD_OK : CMD_ERROR;
}

static enum cmd_retval
cmd_get_exec(struct client *c, int argc, char **argv)
{
	const struct track *t = NULL;
	enum cmd_retval rv = cmd_track(c, cmd_find(argv[0]), argv[1], &t);
	char *cause = NULL;

	(void)argc;
	if (rv != CMD_OK)
		return rv;
	if (get_track(c, t, &cause) < 0) {
		cmd_error("get %" PRIu64 ": %s", t->index, cause);
		free(cause);
		return CMD_ERROR;
	}
	return fflush(stdout) == 0 ? CMD_OK : CMD_ERROR;
}

/* stream and stream+; bitrate: transcoded to mp3, 0: the file. */
static enum cmd_retval
cmd_play(struct client *c, char **argv, bool save, unsigned bitrate)
{
	const struct track *t = NULL;
	enum cmd_retval rv = cmd_track(c, cmd_find(argv[0]), argv[1], &t);
	char *cause = NULL;

	if (rv != CMD_OK)
		return rv;
	if (send_and_process_stream_request(c, t, save, bitrate, &cause) < 0) {
		cmd_error("%s %" PRIu64 ": %s", argv[0], t->index, cause);
		free(cause);
		return CMD_ERROR;
	}
	return fflush(stdout) == 0 ? CMD_OK : CMD_ERROR;
}

/*
 * stream [--bitrate N] <index>: N in kbit/s, CMD_BITRATE_MIN to
 * CMD_BITRATE_MAX, as the server takes it.
 */
static enum cmd_retval
cmd_stream_exec(struct client *c, int argc, char **argv)
{
	char *args[2] = {argv[0], argv[argc - 1]};
	uint64_t n = 0;

	if (argc == 3 || (argc == 4 && strcmp(argv[1], "--bitrate") != 0))
		return cmd_usage(cmd_find(argv[0]));
	if (argc == 4 && (parse_u64_str(argv[2], &n) != PARSE_OK ||
			  n < CMD_BITRATE_MIN || n > CMD_BITRATE_MAX)) {
		cmd_error("stream: --bitrate '%s': expected kbit/s from %d to "
			  "%d",
			  argv[2], CMD_BITRATE_MIN, CMD_BITRATE_MAX);
		return CMD_USAGE;
	}
	return cmd_play(c, args, false, (unsigned)n);
}

static enum cmd_retval
cmd_stream_plus_exec(struct client *c, int argc, char **argv)
{
	(void)argc;
	return cmd_play(c, argv, true, 0);
}

static enum cmd_retval
cmd_help_exec(struct client *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < CMD_COUNT; i++) {
		const struct cmd_entry *e = &cmd_table[i];
		char *head = xasprintf("%s%s%s", e->name, *e->usage ? " " : "",
				       e->usage);

		printf("  %-16s %s\n", head, e->help);
		free(head);
	}
	return fflush(stdout) == 0 ? CMD_OK : CMD_ERROR;
}

static enum cmd_retval
cmd_quit_exec(struct client *c, int argc, char **argv)
{
	(void)c;
	(void)argc;
	(void)argv;
	return CMD_QUIT;
}
