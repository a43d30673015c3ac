/*
 * client: the client's one configuration and state struct, shared by the
 * commands and the transfers: where the server is, how to reach it, where
 * tracks go and the last listing fetched. Set up once from the options
 * (client_setup) and released once (client_free); the commands read it and
 * only the listing changes while the program runs.
 */
#ifndef AS_CLIENT_H
#define AS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "args.h"
#include "tracklist.h"

struct client {
	char *base_url;	     /* "http://host:port", no trailing slash; owned */
	char *where;	     /* the server as named in messages; owned */
	const char *library; /* local library directory */
	const char *player;  /* shell command reading audio on stdin */
	const char *cacert;  /* --cacert; NULL: libcurl's default CA store */
	char *token;	     /* shared secret sent as a Bearer; owned; NULL */
	const char *token_from; /* where it came from, for messages */
	size_t buffer_max;	/* stream buffer cap, bytes */
	bool progress;		/* stderr is a terminal: draw progress bars */
	bool tty_out;		/* stdout is a terminal: align the listing */
	bool have_list;		/* list holds the last listing fetched */
	struct timespec list_time; /* when it was fetched (CLOCK_MONOTONIC) */
	struct tracklist list;
};

/*
 * Fill c from the parsed options and the environment (AS_PLAYER, whether
 * stderr and stdout are terminals). The strings it allocates are freed by
 * client_free; the others point into o or the environment.
 */
void client_setup(struct client *c, const struct args_options *o);

/* Wipe the token and free what c owns; c may then be set up again. */
void client_free(struct client *c);

#endif
