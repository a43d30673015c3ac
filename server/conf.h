/*
 * conf: the one configuration struct of as_server, filled by main() from
 * the command line and read (never written) by the other modules.
 */
#ifndef AS_CONF_H
#define AS_CONF_H

#include <stdbool.h>

#define CONFIG_DEFAULT_PORT 3456
#define CONFIG_DEFAULT_LIBRARY "library"
#define CONFIG_DEFAULT_TIMEOUT 60	 /* seconds without progress */
#define CONFIG_DEFAULT_HEADER_TIMEOUT 20 /* seconds to send a header */
#define CONFIG_DEFAULT_RESCAN 30	 /* seconds between fallback rescans */
#define CONFIG_CONN_MEMORY (128 * 1024)	 /* default per connection, bytes */

struct config {
	unsigned port;		 /* 0: any free port */
	const char *library;	 /* the library folder */
	const char *bind;	 /* address to listen on, NULL: all */
	const char *port_file;	 /* where to write the bound port */
	const char *access_log;	 /* NULL: stderr */
	const char *cors;	 /* Access-Control-Allow-Origin, or NULL */
	const char *state_dir;	 /* tag cache folder, NULL: the XDG one */
	const char *cert_file;	 /* TLS certificate (PEM), or NULL */
	const char *key_file;	 /* TLS private key (PEM), or NULL */
	const char *token_file;	 /* file holding the shared secret, or NULL */
	char *token;		 /* the shared secret read from it, or NULL */
	unsigned threads;	 /* worker loops (loop.h) */
	unsigned max_clients;	 /* concurrent connections */
	unsigned max_per_ip;	 /* per client address, 0: no limit */
	unsigned timeout;	 /* idle connection timeout, seconds */
	unsigned header_timeout; /* whole request header, seconds */
	unsigned rescan;	 /* fallback rescan period, seconds */
	unsigned conn_memory;	 /* libmicrohttpd memory per connection */
	int verbose;
};

#endif
