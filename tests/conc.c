/*
 * conc: as_server under concurrent load, over real HTTP on loopback.
 *
 * Starts the real as_server (AS_SERVER) on a library it generates, learns
 * the port from --port-file, then drives it with libcurl multi: 50
 * concurrent streams read to the end and compared byte for byte, 50
 * concurrent ranges, a stalled client that must not delay 20 others, and
 * a few hundred idle connections that must not stop /health. Every
 * transfer has a timeout. TAP output; exit 0 pass, 1 fail, 77 skip, 99
 * hard error (automake).
 */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BIG_SIZE (2 * 1024 * 1024) /* the streamed track */
#define SMALL_SIZE (100 * 1000)
#define NSTREAMS 50
#define NRANGES 50
#define NBESIDE 20 /* normal streams beside the stalled one */
#define NIDLE 300  /* idle connections */
#define TRANSFER_TIMEOUT 60L
#define CONNECT_TIMEOUT 10L
#define STARTUP_DEADLINE_MS 10000
#define STALL_DEADLINE_MS 30000
#define HEALTH_DEADLINE_MS 5000

static int tap_n, tap_failed;
static char dir[256], lib[300], port_file[300], base_url[64];
static unsigned char big[BIG_SIZE];
static pid_t server_pid = -1;

static void
ok(bool pass, const char *name)
{
	tap_n++;
	if (!pass)
		tap_failed++;
	printf("%sok %d - %s\n", pass ? "" : "not ", tap_n, name);
	fflush(stdout);
}

static void
diag(const char *msg, long a, long b)
{
	printf("# %s (%ld, %ld)\n", msg, a, b);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* Write n bytes of p to path; -1 on error. */
static int
write_file(const char *path, const unsigned char *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int rc = -1;

	if (f == NULL)
		return -1;
	if (fwrite(p, 1, n, f) == n)
		rc = 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

/* A library of two tracks: big.wav (index 0) and small.flac (index 1). */
static int
make_library(void)
{
	char path[400];
	uint32_t x = 2463534242u;
	size_t i;

	if (mkdir(lib, 0755) != 0)
		return -1;
	for (i = 0; i < BIG_SIZE; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		big[i] = (unsigned char)x;
	}
	snprintf(path, sizeof path, "%s/big.wav", lib);
	if (write_file(path, big, BIG_SIZE) != 0)
		return -1;
	snprintf(path, sizeof path, "%s/small.flac", lib);
	return write_file(path, big, SMALL_SIZE);
}

/* Start as_server; wait for its port file. -1 on failure. */
static int
start_server(const char *prog)
{
	char log_path[400], buf[16] = {0};
	long deadline = now_ms() + STARTUP_DEADLINE_MS;
	FILE *f;
	int fd;

	snprintf(log_path, sizeof log_path, "%s/server.log", dir);
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execl(prog, "as_server", "-b", "127.0.0.1", "-p", "0",
		      "--port-file", port_file, "-l", lib, (char *)NULL);
		_exit(127);
	}
	while (now_ms() < deadline) {
		f = fopen(port_file, "r");
		if (f != NULL) {
			size_t n = fread(buf, 1, sizeof buf - 1, f);

			fclose(f);
			if (n > 0 && buf[n - 1] == '\n')
				buf[n - 1] = '\0';
			if (n > 0 && buf[0] >= '1' && buf[0] <= '9') {
				snprintf(base_url, sizeof base_url,
					 "http://127.0.0.1:%s", buf);
				return 0;
			}
		}
		nap_ms(50);
	}
	return -1;
}

/* Stop the server with SIGTERM; its exit status, or -1 past 5 s. */
static int
stop_server(void)
{
	long deadline = now_ms() + 5000;
	int status;

	if (server_pid <= 0)
		return -1;
	kill(server_pid, SIGTERM);
	while (now_ms() < deadline) {
		if (waitpid(server_pid, &status, WNOHANG) == server_pid) {
			server_pid = -1;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		}
		nap_ms(20);
	}
	kill(server_pid, SIGKILL);
	waitpid(server_pid, &status, 0);
	server_pid = -1;
	return -1;
}

/* One transfer's body, capped at cap bytes (more is a failure). */
struct body {
	unsigned char *p;
	size_t len, cap;
	bool overflow, stall;
};

static size_t
on_data(char *data, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t len = size * n;

	if (b->stall)
		return CURL_WRITEFUNC_PAUSE;
	if (len > b->cap - b->len) {
		b->overflow = true;
		return 0;
	}
	memcpy(b->p + b->len, data, len);
	b->len += len;
	return len;
}

static CURL *
new_easy(const char *path, struct body *b, size_t cap)
{
	char url[128];
	CURL *e = curl_easy_init();

	if (e == NULL)
		return NULL;
	b->p = malloc(cap != 0 ? cap : 1);
	b->len = 0;
	b->cap = cap;
	b->overflow = false;
	b->stall = false;
	snprintf(url, sizeof url, "%s%s", base_url, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, b);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, TRANSFER_TIMEOUT);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PRIVATE, b);
	return b->p != NULL ? e : NULL;
}

/*
 * Run the multi handle until the n handles h[] have finished or the
 * deadline passes (other handles in m may stay unfinished). Returns how
 * many of h[] finished; their results come back in res[] by index.
 */
static int
run_multi(CURLM *m, CURL **h, int n, CURLcode *res, long deadline)
{
	int running = 1, finished = 0, left, i;
	CURLMsg *msg;

	while (finished < n && now_ms() < deadline) {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			for (i = 0; i < n; i++) {
				if (h[i] == msg->easy_handle) {
					res[i] = msg->data.result;
					finished++;
				}
			}
		}
		if (finished < n)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	return finished;
}

static long
status_of(CURL *e)
{
	long code = 0;

	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	return code;
}

static void
test_streams(void)
{
	CURL *h[NSTREAMS];
	struct body b[NSTREAMS];
	CURLcode res[NSTREAMS];
	CURLM *m = curl_multi_init();
	int i, good = 0, done;
	long t0 = now_ms();

	for (i = 0; i < NSTREAMS; i++) {
		h[i] = new_easy("/stream/0", &b[i], BIG_SIZE);
		res[i] = CURLE_OK;
		curl_multi_add_handle(m, h[i]);
	}
	done = run_multi(m, h, NSTREAMS, res, t0 + TRANSFER_TIMEOUT * 1000);
	for (i = 0; i < NSTREAMS; i++) {
		if (res[i] == CURLE_OK && status_of(h[i]) == 200 &&
		    !b[i].overflow && b[i].len == BIG_SIZE &&
		    memcmp(b[i].p, big, BIG_SIZE) == 0)
			good++;
		curl_multi_remove_handle(m, h[i]);
		curl_easy_cleanup(h[i]);
		free(b[i].p);
	}
	curl_multi_cleanup(m);
	diag("streams finished, intact", done, good);
	ok(good == NSTREAMS, "50 concurrent streams, each byte for byte");
}

static void
test_ranges(void)
{
	CURL *h[NRANGES];
	struct body b[NRANGES];
	CURLcode res[NRANGES];
	size_t first[NRANGES], len[NRANGES];
	CURLM *m = curl_multi_init();
	char range[64];
	int i, good = 0;
	uint32_t x = 12345;

	for (i = 0; i < NRANGES; i++) {
		x = x * 1103515245u + 12345u;
		first[i] = (x >> 4) % BIG_SIZE;
		len[i] = 1 + (x >> 9) % (BIG_SIZE - first[i]);
		h[i] = new_easy("/stream/0", &b[i], len[i]);
		snprintf(range, sizeof range, "%zu-%zu", first[i],
			 first[i] + len[i] - 1);
		curl_easy_setopt(h[i], CURLOPT_RANGE, range);
		res[i] = CURLE_OK;
		curl_multi_add_handle(m, h[i]);
	}
	run_multi(m, h, NRANGES, res, now_ms() + TRANSFER_TIMEOUT * 1000);
	for (i = 0; i < NRANGES; i++) {
		if (res[i] == CURLE_OK && status_of(h[i]) == 206 &&
		    b[i].len == len[i] &&
		    memcmp(b[i].p, big + first[i], len[i]) == 0)
			good++;
		curl_multi_remove_handle(m, h[i]);
		curl_easy_cleanup(h[i]);
		free(b[i].p);
	}
	curl_multi_cleanup(m);
	ok(good == NRANGES, "50 concurrent ranges, 206 and exactly the bytes");
}

static void
test_stalled(void)
{
	CURL *h[NBESIDE + 1];
	struct body b[NBESIDE + 1];
	CURLcode res[NBESIDE + 1];
	CURLM *m = curl_multi_init();
	int i, good = 0, done;
	long t0;

	/* h[NBESIDE] reads the start of its stream, then stops reading. */
	h[NBESIDE] = new_easy("/stream/0", &b[NBESIDE], BIG_SIZE);
	b[NBESIDE].stall = true;
	curl_multi_add_handle(m, h[NBESIDE]);
	for (i = 0; i < NBESIDE; i++) {
		h[i] = new_easy(i % 2 ? "/stream/1" : "/stream/0", &b[i],
				BIG_SIZE);
		res[i] = CURLE_OK;
		curl_multi_add_handle(m, h[i]);
	}
	t0 = now_ms();
	done = run_multi(m, h, NBESIDE, res, t0 + STALL_DEADLINE_MS);
	for (i = 0; i < NBESIDE; i++) {
		size_t want = i % 2 ? SMALL_SIZE : BIG_SIZE;

		if (res[i] == CURLE_OK && status_of(h[i]) == 200 &&
		    b[i].len == want && memcmp(b[i].p, big, want) == 0)
			good++;
	}
	diag("beside a stalled client: finished, intact", done, good);
	ok(good == NBESIDE, "a stalled client does not delay 20 others");
	for (i = 0; i <= NBESIDE; i++) {
		curl_multi_remove_handle(m, h[i]);
		curl_easy_cleanup(h[i]);
		free(b[i].p);
	}
	curl_multi_cleanup(m);
}

/* GET /health with a fresh connection; true on a 200 within the deadline. */
static bool
health(void)
{
	struct body b;
	CURL *e = new_easy("/health", &b, 64);
	bool good;

	if (e == NULL)
		return false;
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)HEALTH_DEADLINE_MS);
	curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
	good = curl_easy_perform(e) == CURLE_OK && status_of(e) == 200;
	curl_easy_cleanup(e);
	free(b.p);
	return good;
}

static void
test_idle_connections(void)
{
	struct sockaddr_in sa;
	int fds[NIDLE], i, opened = 0;
	unsigned port = 0;
	const char *colon = strrchr(base_url, ':');

	if (colon != NULL)
		port = (unsigned)strtoul(colon + 1, NULL, 10);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < NIDLE; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (fds[i] >= 0 &&
		    connect(fds[i], (struct sockaddr *)&sa, sizeof sa) == 0)
			opened++;
	}
	diag("idle connections opened", opened, NIDLE);
	ok(health(), "/health answers beside 300 idle connections");
	for (i = 0; i < NIDLE; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	ok(health(), "/health answers after they close");
}

static void
cleanup_dir(void)
{
	char cmd[600];

	if (dir[0] == '\0')
		return;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "conc: cannot remove %s\n", dir);
}

int
main(void)
{
	const char *prog = getenv("AS_SERVER");
	const char *tmp = getenv("TMPDIR");
	struct rlimit rl;
	int rc;

	if (prog == NULL)
		prog = "server/as_server";
	if (access(prog, X_OK) != 0) {
		printf("1..0 # SKIP no as_server at %s\n", prog);
		return 77;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	snprintf(dir, sizeof dir, "%s/as-conc.XXXXXX",
		 tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		dir[0] = '\0';
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 99;
	}
	snprintf(lib, sizeof lib, "%s/library", dir);
	snprintf(port_file, sizeof port_file, "%s/port", dir);
	if (make_library() != 0 || curl_global_init(CURL_GLOBAL_ALL) != 0 ||
	    start_server(prog) != 0) {
		printf("Bail out! cannot set up the library or the server\n");
		stop_server();
		cleanup_dir();
		return 99;
	}
	test_streams();
	test_ranges();
	test_stalled();
	test_idle_connections();
	rc = stop_server();
	ok(rc == 0, "SIGTERM after the load: exit status 0");
	curl_global_cleanup();
	cleanup_dir();
	printf("1..%d\n", tap_n);
	return tap_failed == 0 ? 0 : 1;
}
