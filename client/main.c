/*
 * as_client: lists, saves and plays the tracks of an as_server. With a
 * COMMAND it runs it and exits (0 ok, 1 failed, 2 usage); without one it
 * reads commands from the shell: libedit with history and completion on a
 * terminal, plain lines otherwise.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <editline/readline.h>

#include "args.h"
#include "client.h"
#include "cmd.h"
#include "fetch.h"
#include "xmalloc.h"

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "0.1.0"
#endif

#define MAIN_LINE_MAX 4096    /* bytes in one shell line */
#define MAIN_HISTORY_MAX 1000 /* lines of history kept */
#define MAIN_PROMPT "as> "

static void
main_usage(FILE *f)
{
	fputs("usage: as_client [-a ADDRESS] [-p PORT] [-u URL] "
	      "[-l LIBRARY_DIR]\n"
	      "                 [--player CMD] [--buffer-max SIZE] "
	      "[--cacert FILE]\n"
	      "                 [--token-file FILE] [-h] [--version] "
	      "[COMMAND [INDEX]]\n"
	      "\n"
	      "  -a ADDRESS         server address (default localhost)\n"
	      "  -p PORT            server port (default 3456)\n"
	      "  -u URL             server base URL, http:// or https://; "
	      "wins over -a, -p\n"
	      "  -l LIBRARY_DIR     where get saves tracks (default "
	      "as-library)\n"
	      "  --player CMD       shell command that plays audio from "
	      "stdin\n"
	      "                     (default: $AS_PLAYER, else mpv "
	      "--no-video --really-quiet -)\n"
	      "  --buffer-max SIZE  stream buffer cap, K/M/G suffixes "
	      "(default 16M)\n"
	      "  --cacert FILE      trust the CA certificate(s) in FILE for "
	      "https://\n"
	      "                     (default: the system's CA store)\n"
	      "  --token-file FILE  send the server's token from FILE's "
	      "first line\n"
	      "                     (default: $AS_TOKEN, if set)\n"
	      "\n"
	      "Commands: list, get INDEX, stream INDEX, stream+ INDEX, help, "
	      "quit.\n"
	      "Without a command, as_client reads commands from its shell.\n",
	      f);
}

/*
 * The token from --token-file, else from AS_TOKEN, into c->token (NULL
 * when neither is given). AS_TOKEN is removed from the environment so the
 * player never inherits it. 0, or -1 with *cause set (caller frees); no
 * message ever quotes the token.
 */
static int
main_load_token(struct client *c, const char *file, char **cause)
{
	char buf[ARGS_TOKEN_FILE_MAX];
	const char *env = getenv("AS_TOKEN");
	char *why = NULL;
	size_t n = 0;
	FILE *f;
	int ret;

	if (file == NULL && (env == NULL || *env == '\0')) {
		unsetenv("AS_TOKEN");
		return 0;
	}
	if (file == NULL) {
		c->token_from = "AS_TOKEN";
		ret = args_parse_token(env, strlen(env), &c->token, &why);
		unsetenv("AS_TOKEN");
		if (ret < 0)
			*cause = xasprintf("AS_TOKEN: %s", why);
		free(why);
		return ret;
	}
	unsetenv("AS_TOKEN");
	c->token_from = "--token-file";
	f = fopen(file, "re");
	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf), f);
		if (ferror(f)) {
			fclose(f);
			f = NULL;
		}
	}
	if (f == NULL) {
		*cause = xasprintf("cannot read token file %s: %s", file,
				   strerror(errno));
		return -1;
	}
	fclose(f);
	ret = args_parse_token(buf, n, &c->token, &why);
	explicit_bzero(buf, sizeof(buf));
	if (ret < 0)
		*cause = xasprintf("token file %s: %s", file, why);
	free(why);
	return ret;
}

/* Run one split line; CMD_QUIT ends the shell. */
static enum cmd_retval
main_run_line(struct client *c, char *line)
{
	char *words[ARGS_MAX_WORDS];
	int n = args_split(line, words, ARGS_MAX_WORDS);
	enum cmd_retval rv;

	if (n == 0)
		return CMD_OK;
	if (n < 0) {
		cmd_error("too many words on one line");
		return CMD_USAGE;
	}
	fetch_interrupt_clear();
	rv = cmd_execute(c, n, words);
	fetch_interrupt_clear();
	return rv;
}

/* Not a terminal: read lines until EOF or quit, no prompt. */
static int
main_shell_plain(struct client *c)
{
	char line[MAIN_LINE_MAX];

	for (;;) {
		size_t len;

		if (fgets(line, sizeof(line), stdin) == NULL)
			return ferror(stdin) && !fetch_interrupted() ? 1 : 0;
		len = strlen(line);
		if (len == sizeof(line) - 1 && line[len - 1] != '\n') {
			int ch;

			do
				ch = getchar();
			while (ch != EOF && ch != '\n');
			cmd_error("line longer than %d bytes ignored",
				  MAIN_LINE_MAX - 1);
			continue;
		}
		if (main_run_line(c, line) == CMD_QUIT)
			return 0;
	}
}

/* The history file: $XDG_STATE_HOME/as/history, else ~/.as_history. */
static char *
main_history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *dir;

	if (state != NULL && *state == '/') {
		dir = xasprintf("%s/as", state);
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			free(dir);
			return NULL;
		}
		free(dir);
		return xasprintf("%s/as/history", state);
	}
	if (home != NULL && *home != '\0')
		return xasprintf("%s/.as_history", home);
	return NULL;
}

/* Completion of the first word from the command table. */
static char *
main_complete_command(const char *text, int state)
{
	static size_t next;
	size_t len = strlen(text);
	const char *name;

	if (state == 0)
		next = 0;
	while ((name = cmd_name(next)) != NULL) {
		next++;
		if (strncmp(name, text, len) == 0)
			return xstrdup(name);
	}
	return NULL;
}

static char **
main_complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1; /* never complete file names */
	if (start != 0)
		return NULL;
	return rl_completion_matches(text, main_complete_command);
}

/* A terminal: libedit with history kept across runs. */
static int
main_shell_edit(struct client *c)
{
	char *history = main_history_path();
	char *line;
	enum cmd_retval rv = CMD_OK;

	rl_readline_name = "as_client";
	rl_attempted_completion_function = main_complete;
	stifle_history(MAIN_HISTORY_MAX);
	if (history != NULL)
		read_history(history);
	while (rv != CMD_QUIT) {
		line = readline(MAIN_PROMPT);
		if (line == NULL && fetch_interrupted()) {
			fetch_interrupt_clear(); /* Ctrl-C at the prompt */
			putchar('\n');
			continue;
		}
		if (line == NULL)
			break;
		if (line[strspn(line, " \t")] != '\0')
			add_history(line);
		rv = main_run_line(c, line);
		free(line);
	}
	if (rv != CMD_QUIT)
		putchar('\n');
	if (history != NULL)
		write_history(history);
	free(history);
	return 0;
}

/* One-shot mode: the words after the options are the command. */
static int
main_one_shot(struct client *c, int argc, char **argv)
{
	enum cmd_retval rv = cmd_execute(c, argc, argv);

	if (rv == CMD_QUIT)
		return 0;
	return (int)rv;
}

int
main(int argc, char **argv)
{
	struct args_options o;
	struct client c;
	char *cause = NULL;
	int rc;

	if (args_parse_options(argc, argv, &o, &cause) < 0) {
		cmd_error("%s", cause);
		free(cause);
		main_usage(stderr);
		return 2;
	}
	if (o.help || o.version) {
		if (o.version)
			printf("as_client %s\n", PACKAGE_VERSION);
		if (o.help)
			main_usage(stdout);
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	fetch_interrupt_install();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		cmd_error("cannot initialise libcurl");
		return 1;
	}
	client_setup(&c, &o);
	if (main_load_token(&c, o.token_file, &cause) < 0) {
		cmd_error("%s", cause);
		free(cause);
		rc = 1;
		goto out;
	}
	if (o.command < argc)
		rc = main_one_shot(&c, argc - o.command, argv + o.command);
	else if (isatty(STDIN_FILENO))
		rc = main_shell_edit(&c);
	else
		rc = main_shell_plain(&c);
out:
	client_free(&c);
	curl_global_cleanup();
	return rc;
}
