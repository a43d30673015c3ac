/*
 * as_server: serves a folder of music over HTTP (see API.md and
 * as_server(1)). main() reads the options into the one struct config, binds
 * the listening socket itself (so a port in use is reported plainly and
 * --port 0 can be learned), starts libmicrohttpd and the library watcher,
 * then waits for signals: SIGHUP rescans, SIGTERM and SIGINT stop.
 */
#include "conf.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <microhttpd.h>

#include "acceptor.h"
#include "dlna.h"
#include "fileresp.h"
#include "guard.h"
#include "library.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "listcache.h"
#include "options.h"
#include "parse.h"
#include "serve.h"
#include "routes.h"
#include "radio.h"
#include "transcode.h"

#define LISTEN_BACKLOG 4096

/* Raise the open-file limit to the hard one; returns the new soft limit. */
static unsigned
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 1024;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return rl.rlim_cur > UINT_MAX / 2 ? UINT_MAX / 2
					  : (unsigned)rl.rlim_cur;
}

/*
 * Bind and listen on cfg->bind (all interfaces, dual-stack when possible,
 * if NULL) and cfg->port. Returns the socket, or -1 after printing why.
 */
static int
listen_socket(const struct config *cfg)
{
	struct addrinfo hints = {0}, *res = NULL, *ai;
	char port[8];
	int fd = -1, one = 1, zero = 0, err = 0, rc;

	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	hints.ai_family = cfg->bind != NULL ? AF_UNSPEC : AF_INET6;
	if (snprintf(port, sizeof port, "%u", cfg->port) < 0)
		return -1;
	rc = getaddrinfo(cfg->bind, port, &hints, &res);
	if (rc != 0 && cfg->bind == NULL) {
		hints.ai_family = AF_INET;
		rc = getaddrinfo(NULL, port, &hints, &res);
	}
	if (rc != 0) {
		fprintf(stderr, "as_server: cannot listen on %s: %s\n",
			cfg->bind != NULL ? cfg->bind : "*", gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family,
			    ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (ai->ai_family == AF_INET6 && cfg->bind == NULL)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
				   sizeof zero);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, LISTEN_BACKLOG) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0 && cfg->bind == NULL && hints.ai_family == AF_INET6 &&
	    err != EADDRINUSE) {
		struct config v4 = *cfg;

		v4.bind = "0.0.0.0"; /* no IPv6 here */
		return listen_socket(&v4);
	}
	if (fd < 0)
		fprintf(stderr,
			"as_server: cannot listen on %s port %u: %s%s\n",
			cfg->bind != NULL ? cfg->bind : "*", cfg->port,
			strerror(err),
			err == EADDRINUSE
				? " (another server runs there; pick another "
				  "with -p, or -p 0 for any free port)"
				: "");
	return fd;
}

static unsigned
bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Write the port to path atomically (a temporary file, then rename). */
static int
write_port_file(const char *path, unsigned port)
{
	char tmp[PATH_MAX];
	FILE *f;
	int n;

	n = snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	if (n < 0 || (size_t)n >= sizeof tmp)
		return -1;
	f = fopen(tmp, "w");
	if (f == NULL)
		return -1;
	n = fprintf(f, "%u\n", port);
	if (fclose(f) != 0 || n < 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* mkdir -p path with mode 0700 for new folders; 0 or -1. */
static int
make_dirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/*
 * The tag cache file for library root: <state>/tags-<hash of its real
 * path>.tsv, where <state> is --state-dir, else $XDG_STATE_HOME/as, else
 * ~/.local/state/as. NULL (and a warning) when there is no usable folder.
 */
static char *
cache_file(const struct config *cfg, const char *root)
{
	char dir[PATH_MAX], real[PATH_MAX], file[PATH_MAX + 64];
	const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	const char *p;
	int n;

	if (realpath(root, real) == NULL)
		return NULL;
	for (p = real; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	if (cfg->state_dir != NULL)
		n = snprintf(dir, sizeof dir, "%s", cfg->state_dir);
	else if (xdg != NULL && xdg[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/as", xdg);
	else if (home != NULL && home[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/.local/state/as", home);
	else
		return NULL;
	if (n < 0 || (size_t)n >= sizeof dir || make_dirs(dir) != 0) {
		log_warn("no tag cache: cannot create state folder %s: %s",
			 dir, strerror(errno));
		return NULL;
	}
	n = snprintf(file, sizeof file, "%s/tags-%016" PRIx64 ".tsv", dir, h);
	if (n < 0 || (size_t)n >= sizeof file)
		return NULL;
	return strdup(file);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char buf[512];

	(void)cls;
	if (vsnprintf(buf, sizeof buf, fmt, ap) < 0)
		return;
	buf[strcspn(buf, "\n")] = '\0';
	log_debug("libmicrohttpd: %s", buf);
}

#define SECRET_FILE_MAX (1024 * 1024) /* certificates, keys, tokens */

/*
 * Read a whole (small) file into a malloc'd string; NULL with errno set.
 * Files over SECRET_FILE_MAX or holding a NUL byte are refused (EFBIG,
 * EINVAL).
 */
static char *
read_small_file(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "re");

	if (f == NULL)
		return NULL;
	buf = malloc(SECRET_FILE_MAX + 1);
	if (buf != NULL) {
		errno = 0;
		len = fread(buf, 1, SECRET_FILE_MAX + 1, f);
		if (ferror(f) || len > SECRET_FILE_MAX ||
		    memchr(buf, '\0', len) != NULL) {
			/* fread's own cause (EISDIR for a folder) first */
			errno = ferror(f) ? (errno != 0 ? errno : EIO)
				: len > SECRET_FILE_MAX ? EFBIG
							: EINVAL;
			free(buf);
			buf = NULL;
		} else {
			buf[len] = '\0';
		}
	}
	fclose(f);
	return buf;
}

/*
 * Read the token: the file's first line, without surrounding white space;
 * 1 to 256 characters of A-Z a-z 0-9 and "-._~" (safe in any URL). Prints
 * why and returns -1 when it is not.
 */
static int
load_token(struct config *cfg)
{
	char *t = read_small_file(cfg->token_file), *s, *e;
	size_t n;

	if (t == NULL) {
		fprintf(stderr, "as_server: cannot read token file %s: %s\n",
			cfg->token_file, strerror(errno));
		return -1;
	}
	for (s = t; *s == ' ' || *s == '\t'; s++)
		;
	e = s + strcspn(s, "\r\n");
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - s);
	if (n == 0 || n > 256 ||
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "abcdefghijklmnopqrstuvwxyz"
		      "0123456789-._~") < n) {
		fprintf(stderr,
			"as_server: token file %s: the token must be 1 to 256 "
			"characters of A-Z a-z 0-9 - . _ ~ on its first "
			"line\n",
			cfg->token_file);
		free(t);
		return -1;
	}
	memmove(t, s, n);
	t[n] = '\0';
	cfg->token = t;
	return 0;
}

struct tls {
	char *cert, *key;
};

static int
load_tls(const struct config *cfg, struct tls *tls)
{
	if (cfg->cert_file == NULL)
		return 0;
	tls->cert = read_small_file(cfg->cert_file);
	if (tls->cert == NULL) {
		fprintf(stderr, "as_server: cannot read certificate %s: %s\n",
			cfg->cert_file, strerror(errno));
		return -1;
	}
	tls->key = read_small_file(cfg->key_file);
	if (tls->key == NULL) {
		fprintf(stderr, "as_server: cannot read key %s: %s\n",
			cfg->key_file, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * MHD_OPTION_UNESCAPE_CALLBACK: percent-decode in place, except %00, which
 * stays encoded: a NUL would cut the path short ("/stream/1%00x" must not
 * be "/stream/1"). Returns the new length.
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *w = s, *r = s;
	int hi, lo;

	(void)cls;
	(void)c;
	for (; *r != '\0'; r++) {
		if (r[0] == '%' && (hi = parse_hex_digit(r[1])) >= 0 &&
		    (lo = parse_hex_digit(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return (size_t)(w - s);
}

/* What start_daemon needs. */
struct daemon_args {
	const struct config *cfg;
	struct routes *routes;
	const struct tls *tls;
};

/*
 * Start the daemon of worker loop i (loop.h): no thread and no listening
 * socket of its own (connections come from the acceptor: acceptor.h says
 * why), and its share of --max-clients. --max-per-ip is the guard's, not
 * libmicrohttpd's: that one counts per daemon (iplimit.h).
 */
static struct MHD_Daemon *
start_daemon(void *cls, unsigned i)
{
	const struct daemon_args *a = cls;
	const struct config *cfg = a->cfg;
	/* ALLOW_SUSPEND_RESUME: transcodes wait on their encoder that way
	 * (transcode.c), and a resume wakes this daemon's loop. */
	unsigned flags = MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
			 MHD_USE_NO_LISTEN_SOCKET | MHD_ALLOW_SUSPEND_RESUME;
	unsigned limit = cfg->max_clients / cfg->threads +
			 (i < cfg->max_clients % cfg->threads ? 1 : 0);
	struct MHD_OptionItem tls_ops[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, a->tls->cert},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, a->tls->key},
		{MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)cfg->tls_priorities},
		{MHD_OPTION_END, 0, NULL},
	};

	if (a->tls->cert != NULL)
		flags |= MHD_USE_TLS;
	else
		tls_ops[0].option = MHD_OPTION_END;
	/* The logger first: libmicrohttpd logs the options that follow. */
	return MHD_start_daemon(
		flags, 0, NULL, NULL, routes_handle, a->routes,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		MHD_OPTION_CONNECTION_LIMIT, limit > 0 ? limit : 1,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->conn_memory,
		MHD_OPTION_URI_LOG_CALLBACK, routes_begin, a->routes,
		MHD_OPTION_NOTIFY_COMPLETED, routes_completed, a->routes,
		MHD_OPTION_NOTIFY_CONNECTION, guard_notify, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_SIGPIPE_HANDLED_BY_APP, 1, MHD_OPTION_ARRAY,
		tls_ops, MHD_OPTION_END);
}

/*
 * Wait for signals until SIGTERM or SIGINT; SIGHUP rescans (reloading,
 * for the service manager, until the rescan ends). Under a watchdog,
 * wakes every notify_watchdog_ms to send the keep-alive, but only once
 * every worker loop went round since the last wake (loops_alive).
 */
static void
wait_signals(const sigset_t *set, struct library *lib, struct loops *loops)
{
	long ms = notify_watchdog_ms();
	struct timespec tick = {ms / 1000, (ms % 1000) * 1000000};
	int sig;

	for (;;) {
		sig = ms > 0 ? sigtimedwait(set, NULL, &tick)
			     : sigwaitinfo(set, NULL);
		if (sig < 0) {
			if (errno == EAGAIN && loops_alive(loops))
				notify_watchdog();
			continue;
		}
		if (sig == SIGHUP) {
			const struct library_snap *snap;

			log_info("SIGHUP: rescanning the library");
			notify_reloading();
			library_rescan(lib);
			snap = library_get(lib);
			notify_ready(snap->count);
			library_put(lib, snap);
			continue;
		}
		log_info("signal %d: stopping", sig);
		notify_stopping();
		return;
	}
}

/* Tell the service manager the server is ready (notify.h). */
static void
ready(struct library *lib)
{
	const struct library_snap *snap = library_get(lib);

	notify_ready(snap->count);
	library_put(lib, snap);
}

static void
defaults(struct config *cfg)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned files = raise_nofile();

	memset(cfg, 0, sizeof *cfg);
	cfg->port = CONFIG_DEFAULT_PORT;
	cfg->library = CONFIG_DEFAULT_LIBRARY;
	cfg->threads = n > 0 && n < 256 ? (unsigned)n : 1;
	/* A quarter of the descriptors stay for track files and the rest. */
	cfg->nofile = files;
	cfg->max_clients = files - files / 4;
	cfg->timeout = CONFIG_DEFAULT_TIMEOUT;
	cfg->header_timeout = CONFIG_DEFAULT_HEADER_TIMEOUT;
	cfg->rescan = CONFIG_DEFAULT_RESCAN;
	cfg->conn_memory = CONFIG_CONN_MEMORY;
	cfg->tls_priorities = CONFIG_TLS_PRIORITIES;
	cfg->max_transcodes = TRANSCODE_DEFAULT_PER_CORE * cfg->threads;
	cfg->radio_fmt = "mp3";
	cfg->radio_bitrate = RADIO_DEFAULT_BITRATE;
}

/*
 * The descriptors the shared file responses may hold: half of what the
 * connections leave, the other half for the open track files (ofile.h)
 * and the rest. Past it, sized answers are read with pread.
 */
static unsigned
response_budget(const struct config *cfg)
{
	return cfg->nofile > cfg->max_clients
		       ? (cfg->nofile - cfg->max_clients) / 2
		       : 0;
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct library *lib = NULL;
	struct server srv = {&cfg, NULL, NULL};
	struct routes *routes = NULL;
	struct daemon_args da;
	struct loops *loops = NULL;
	struct acceptor *acc = NULL;
	struct dlna *dlna = NULL;
	char *cause = NULL, *cache = NULL;
	struct tls tls = {NULL, NULL};
	sigset_t set;
	int fd = -1, rc = 1;

	defaults(&cfg);
	options_parse(argc, argv, &cfg);
	log_init("as_server",
		 cfg.verbose > 0 ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* before any thread */

	if ((cfg.token_file != NULL && load_token(&cfg) != 0) ||
	    load_tls(&cfg, &tls) != 0)
		goto out;
	if (log_access_open(cfg.access_log) != 0) {
		fprintf(stderr, "as_server: cannot open access log %s: %s\n",
			cfg.access_log, strerror(errno));
		goto out;
	}
	cache = cache_file(&cfg, cfg.library);
	lib = library_open(cfg.library, cfg.rescan, cache, &cause);
	if (lib == NULL) {
		fprintf(stderr,
			"as_server: %s (pick the folder with -l DIR)\n",
			cause != NULL ? cause : "cannot read the library");
		goto out;
	}
	fd = listen_socket(&cfg);
	if (fd < 0)
		goto out;
	cfg.port = bound_port(fd);
	srv.lib = lib;
	srv.listings = listcache_new();
	if (!serve_init(response_budget(&cfg)))
		log_warn("libmicrohttpd cannot share a file between "
			 "connections: sized answers are read, not sent with "
			 "sendfile");
	routes = srv.listings != NULL ? routes_new(&srv) : NULL;
	if (routes == NULL && srv.listings != NULL) {
		fprintf(stderr, "as_server: a route could not start (the "
				"warning above says why)\n");
		goto out;
	}
	if (routes == NULL ||
	    guard_start(cfg.header_timeout, cfg.max_per_ip) != 0 ||
	    library_watch(lib) != 0) {
		fprintf(stderr, "as_server: out of memory or threads\n");
		goto out;
	}
	da = (struct daemon_args){&cfg, routes, &tls};
	loops = loops_start(cfg.threads, start_daemon, &da);
	if (loops == NULL) {
		fprintf(stderr, "as_server: libmicrohttpd failed to start%s\n",
			tls.cert != NULL ? " (is the certificate and key pair "
					   "valid PEM, and --tls-priorities a "
					   "GnuTLS priority string?)"
					 : "");
		goto out;
	}
	if (transcode_init(cfg.max_transcodes, loops) != 0 ||
	    radio_start(&cfg, lib, loops) != 0) {
		fprintf(stderr, "as_server: out of memory or threads\n");
		goto out;
	}
	acc = acceptor_start(fd, loops);
	fd = -1; /* the acceptor owns it now */
	if (acc == NULL) {
		fprintf(stderr, "as_server: out of memory or threads\n");
		goto out;
	}
	if (cfg.dlna && (dlna = dlna_start(&cfg, lib, &cause)) == NULL) {
		fprintf(stderr, "as_server: %s\n",
			cause != NULL ? cause : "--dlna: out of memory");
		goto out;
	}
	if (cfg.port_file != NULL &&
	    write_port_file(cfg.port_file, cfg.port) != 0) {
		fprintf(stderr, "as_server: cannot write port file %s: %s\n",
			cfg.port_file, strerror(errno));
		goto out;
	}
	log_info("serving %s on %s://%s:%u/", library_root(lib),
		 tls.cert != NULL ? "https" : "http",
		 cfg.bind != NULL ? cfg.bind : "localhost", cfg.port);
	ready(lib);
	wait_signals(&set, lib, loops);
	rc = 0;
out:
	dlna_stop(dlna); /* ssdp:byebye while /stream still answers */
	acceptor_stop(acc);
	transcode_stop();
	radio_stop();
	loops_stop(loops);
	transcode_free();
	radio_free();
	if (fd >= 0)
		close(fd);
	guard_stop();
	routes_free(routes);
	fileresp_flush();
	listcache_free(srv.listings);
	library_close(lib);
	free(cause);
	free(cache);
	free(cfg.token);
	free(tls.cert);
	free(tls.key);
	return rc;
}
