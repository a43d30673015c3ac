/*
 * cmd: the shell's commands, one table of {name, usage, argument counts,
 * exec} as in tmux. help and tab completion are built from the table; the
 * one-shot mode and the shell both run commands through cmd_execute.
 */
#ifndef AS_CMD_H
#define AS_CMD_H

#include <stddef.h>

#include "client.h"

enum cmd_retval {
	CMD_OK = 0,
	CMD_ERROR = 1, /* the command failed; a message was printed */
	CMD_USAGE = 2, /* bad arguments; nothing was requested */
	CMD_QUIT = 3,  /* leave the shell */
};

struct cmd_entry {
	const char *name;
	const char *usage; /* arguments, for help and usage errors */
	int args_min;	   /* arguments after the name */
	int args_max;
	const char *help; /* one line */
	enum cmd_retval (*exec)(struct client *c, int argc, char **argv);
};

/*
 * Run argv[0] with its arguments; prints errors as one line on stderr.
 * An unknown command or a wrong argument count is CMD_USAGE.
 */
enum cmd_retval cmd_execute(struct client *c, int argc, char **argv);

/* The n-th command's name, or NULL past the end (for completion). */
const char *cmd_name(size_t n);

/* Print one error line, "as_client: ...", on stderr. */
void cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
