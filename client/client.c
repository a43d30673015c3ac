/*
 * client: setting up and releasing the client's state; see client.h.
 */
#include "client.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xmalloc.h"

void
client_setup(struct client *c, const struct args_options *o)
{
	const char *env = getenv("AS_PLAYER");
	/* An IPv6 address goes in brackets in the URL, unless it has them. */
	bool v6 = o->address[0] != '[' && strchr(o->address, ':') != NULL;

	memset(c, 0, sizeof(*c));
	if (o->url != NULL) {
		size_t len = strlen(o->url);

		while (len > 0 && o->url[len - 1] == '/')
			len--;
		c->base_url = xstrndup(o->url, len);
		c->where = xstrdup(c->base_url);
	} else {
		c->base_url = xasprintf("http://%s%s%s:%u", v6 ? "[" : "",
					o->address, v6 ? "]" : "",
					(unsigned)o->port);
		c->where = xasprintf("address %s port %u (%s)", o->address,
				     (unsigned)o->port, c->base_url);
	}
	c->library = o->library;
	if (o->player != NULL)
		c->player = o->player;
	else if (env != NULL && *env != '\0')
		c->player = env;
	else
		c->player = ARGS_DEFAULT_PLAYER;
	c->buffer_max = o->buffer_max;
	c->cacert = o->cacert;
	c->progress = isatty(STDERR_FILENO);
	c->tty_out = isatty(STDOUT_FILENO);
}

void
client_free(struct client *c)
{
	if (c->token != NULL)
		explicit_bzero(c->token, strlen(c->token));
	free(c->token);
	tracklist_free(&c->list);
	free(c->base_url);
	free(c->where);
	c->token = NULL;
	c->base_url = NULL;
	c->where = NULL;
	c->have_list = false;
}
