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
/*
 * Memory per connection (libmicrohttpd's pool), measured (RESULTS.md):
 * up to 32 KiB it comes from malloc, larger pools are mapped afresh and
 * faulted in per connection; 32 KiB held 10,000 listeners at 247 MiB,
 * 16 KiB at 167 MiB (133 MiB with ranges, which are sent with sendfile).
 */
#define CONFIG_CONN_MEMORY (16 * 1024)
/* TLS: Mozilla's "intermediate" profile in GnuTLS terms: TLS 1.2 and 1.3,
 * forward-secret key exchange, AEAD ciphers, the server's order. */
#define CONFIG_TLS_PRIORITIES                                                 \
	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-KX-ALL:+ECDHE-ECDSA:"    \
	"+ECDHE-RSA:+DHE-RSA:-CIPHER-ALL:+AES-128-GCM:+AES-256-GCM:"          \
	"+CHACHA20-POLY1305:-MAC-ALL:+AEAD:%SERVER_PRECEDENCE"

struct config {
	unsigned port;		    /* 0: any free port */
	const char *library;	    /* the library folder */
	const char *bind;	    /* address to listen on, NULL: all */
	const char *port_file;	    /* where to write the bound port */
	const char *access_log;	    /* NULL: stderr */
	const char *cors;	    /* Access-Control-Allow-Origin, or NULL */
	const char *state_dir;	    /* tag cache folder, NULL: the XDG one */
	const char *users_file;	    /* Subsonic API accounts, NULL: no API */
	const char *database;	    /* users' state URI, NULL: SQLite file */
	const char *cert_file;	    /* TLS certificate (PEM), or NULL */
	const char *key_file;	    /* TLS private key (PEM), or NULL */
	const char *tls_priorities; /* GnuTLS priority string */
	const char *token_file;	 /* file holding the shared secret, or NULL */
	char *token;		 /* the shared secret read from it, or NULL */
	unsigned threads;	 /* worker loops (loop.h) */
	unsigned max_clients;	 /* concurrent connections */
	unsigned max_per_ip;	 /* per client address, 0: no limit */
	unsigned timeout;	 /* idle connection timeout, seconds */
	unsigned header_timeout; /* whole request header, seconds */
	unsigned rescan;	 /* fallback rescan period, seconds */
	unsigned conn_memory;	 /* libmicrohttpd memory per connection */
	unsigned nofile;	 /* the open-file limit */
	unsigned max_transcodes; /* ffmpeg children at once (transcode.h) */
	bool radio;		 /* the station (radio.h) */
	const char *radio_fmt;	 /* its format: mp3 or opus */
	unsigned radio_bitrate;	 /* its kbit/s */
	bool content_length;	 /* a 200 says Content-Length, not chunked */
	bool dlna;		 /* the UPnP AV media server (dlna.h) */
	const char *dlna_name;	 /* its friendly name, NULL: the default */
	const char *dlna_interface; /* its interface, NULL: libupnp's pick */
	int verbose;
};

#endif
