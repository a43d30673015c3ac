/*
 * transcode: tracks re-encoded by an `ffmpeg` child (transcode.h).
 *
 * Why a child process and not FFmpeg's libraries in the server, measured
 * on this machine (2 shared cores, Debian 12's FFmpeg 5.1, a 30 s 44.1 kHz
 * stereo FLAC to Ogg Opus 96 kbit/s, machine under load):
 * - CPU: the codec work is the same library code either way: 0.42 s for
 *   the 30 s track in the child, of which 0.22 s is starting the program
 *   (ffmpeg -version alone), so about 0.7% of a core per real-time stream
 *   once started. The libraries would save the start, once per stream.
 * - First byte: 0.22 to 0.39 s in the child on a loaded machine (load
 *   12), 0.13 to 0.15 s of audio through the server at load 4, nearly
 *   all of it the start; within APPS.md's 0.5 s.
 * - Memory: 10.3 MiB private per child (Private_Dirty); the 30 MiB of
 *   library text is shared by all children. In process it would be the
 *   codec state only, a few MiB.
 * - A hostile file: libavformat and libavcodec fix memory-safety bugs in
 *   their demuxers and decoders every year. In the server, one such file
 *   ends every listener's stream; in a child it ends its own, which exits
 *   on a signal while the server goes on, and the child runs under limits
 *   of its own (CPU seconds, address space, no files written, no core).
 * The child won: its price is a start of about 0.2 s of CPU per stream.
 *
 * The child reads the track from a descriptor the server opened safely
 * (under the root, no links out) and writes into a pipe. The answer's
 * reader reads that pipe without blocking; when it is empty the reader
 * suspends its connection and arms the pipe in the watcher thread's
 * epoll set (one shot). When the pipe becomes readable or hangs up, the
 * watcher resumes the connection: libmicrohttpd then signals its daemon's
 * own eventfd (MHD_ALLOW_SUSPEND_RESUME gives each daemon one, in its
 * epoll set), which wakes the one worker loop (loop.h) that runs it, and
 * no other. Nothing polls on a timer. A listener who stops reading fills
 * the socket, then the pipe (64 KiB), and the child blocks in write(2):
 * its encoding pauses, its memory stays bounded.
 */
#include "transcode.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guard.h"
#include "http.h"
#include "log.h"
#include "loop.h"

#define TRANSCODE_PROGRAM "ffmpeg"
#define TRANSCODE_TRACK_FD 3	    /* the track, in the child */
#define TRANSCODE_BLOCK 4096	    /* response block (chunked: unused) */
#define TRANSCODE_STALL_S 30	    /* no output that long: killed */
#define TRANSCODE_CPU_S 1800	    /* CPU seconds a child may use */
#define TRANSCODE_AS (1024UL << 20) /* a child's address space */
#define TRANSCODE_EVENTS 64	    /* epoll events per wait */
#define TRANSCODE_STOP_WAIT_S 5	    /* transcode_stop's patience */
#define TRANSCODE_ARGS 48

extern char **environ;

/* One transcode: the child, its pipe and its connection. */
struct transcode {
	struct transcode *prev, *next; /* the list of all, under lock */
	pid_t pid;		       /* 0 once reaped */
	int fd;			       /* the pipe's reading end */
	bool armed_once;	       /* fd is in the watcher's epoll set */
	bool suspended;		       /* waiting on the pipe (under lock) */
	time_t since;		       /* when it started waiting */
	struct MHD_Connection *conn;
	struct MHD_Daemon *daemon;   /* conn's, whose loop to wake */
	struct MHD_Connection *cork; /* until the 2nd read; then NULL */
	struct access *acc;
	char what[64]; /* for the log: "track 3 to opus 96k" */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t idle; /* suspended reached 0 */
	struct transcode *all;
	unsigned live, max, suspended;
	bool stopping, quit, started;
	int epfd, quitfd;
	struct loops *loops;
	pthread_t thread;
} tc = {.lock = PTHREAD_MUTEX_INITIALIZER,
	.idle = PTHREAD_COND_INITIALIZER,
	.epfd = -1,
	.quitfd = -1};

static const char *const format_names[] = {"raw", "mp3", "opus"};

/* The ffmpeg command line for tr, into argv (TRANSCODE_ARGS entries). */
static void
command(const struct transcode_req *tr, const char *argv[], char *ss,
	size_t sslen, char *br, size_t brlen)
{
	size_t n = 0;

	argv[n++] = TRANSCODE_PROGRAM;
	argv[n++] = "-nostdin";
	argv[n++] = "-hide_banner";
	argv[n++] = "-loglevel";
	argv[n++] = "error";
	argv[n++] = "-threads";
	argv[n++] = "1";
	if (tr->start_ms != 0 &&
	    snprintf(ss, sslen, "%" PRIu64 ".%03" PRIu64, tr->start_ms / 1000,
		     tr->start_ms % 1000) > 0) {
		argv[n++] = "-ss"; /* before -i: seek in the input */
		argv[n++] = ss;
	}
	/* The file protocol reopens the descriptor: seekable, as MP4 needs */
	argv[n++] = "-i";
	argv[n++] = "file:/proc/self/fd/3";
	argv[n++] = "-map";
	argv[n++] = "0:a:0";
	argv[n++] = "-map_metadata";
	argv[n++] = "-1";
	argv[n++] = "-vn";
	argv[n++] = "-c:a";
	argv[n++] = tr->format == TRANSCODE_MP3 ? "libmp3lame" : "libopus";
	if (snprintf(br, brlen, "%uk", tr->bitrate) > 0) {
		argv[n++] = "-b:a";
		argv[n++] = br;
	}
	if (tr->format == TRANSCODE_OPUS) {
		/* Free VBR overshoots the rate asked by 40% on simple music;
		 * constrained VBR keeps to it, as a data saver must. */
		argv[n++] = "-vbr";
		argv[n++] = "constrained";
	}
	argv[n++] = "-f";
	argv[n++] = tr->format == TRANSCODE_MP3 ? "mp3" : "ogg";
	argv[n++] = "pipe:1";
	argv[n] = NULL;
}

/* Put the limits of a child on pid; a failure is logged, not fatal. */
static void
limit_child(pid_t pid)
{
	const struct {
		int res;
		rlim_t v;
	} lims[] = {
		{RLIMIT_CPU, TRANSCODE_CPU_S},
		{RLIMIT_AS, TRANSCODE_AS},
		{RLIMIT_FSIZE, 0},
		{RLIMIT_CORE, 0},
	};
	size_t i;

	for (i = 0; i < sizeof lims / sizeof lims[0]; i++) {
		struct rlimit rl = {lims[i].v, lims[i].v};

		if (prlimit(pid, lims[i].res, &rl, NULL) != 0)
			log_warn("prlimit %d on ffmpeg %d: %s", lims[i].res,
				 (int)pid, strerror(errno));
	}
}

pid_t
transcode_exec(const char *const argv[], int in, int out, int fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, def;
	int err;
	pid_t pid = -1;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE); /* the server ignores it; ffmpeg must not */
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
						 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, fd, TRANSCODE_TRACK_FD);
	posix_spawn_file_actions_addclosefrom_np(&fa, TRANSCODE_TRACK_FD + 1);
	err = posix_spawnp(&pid, argv[0], &fa, &at, (char *const *)argv,
			   environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (err != 0) {
		errno = err;
		return -1;
	}
	limit_child(pid);
	return pid;
}

/*
 * Start ffmpeg on track fd for tr, writing into the pipe whose reading
 * end goes to *rfd (non-blocking). The child's pid, or -1 with errno.
 */
static pid_t
spawn(int fd, const struct transcode_req *tr, int *rfd)
{
	const char *argv[TRANSCODE_ARGS];
	char ss[32], br[16];
	int p[2], err;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) != 0)
		return -1;
	command(tr, argv, ss, sizeof ss, br, sizeof br);
	pid = transcode_exec(argv, -1, p[1], fd);
	err = errno;
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		errno = err;
		return -1;
	}
	if (fcntl(p[0], F_SETFL, O_NONBLOCK) != 0)
		log_warn("fcntl: %s", strerror(errno));
	*rfd = p[0];
	return pid;
}

/* Wait for t's child (kill it first when kill); its exit status. */
static int
reap(struct transcode *t, bool kill_it)
{
	int status = 0;

	if (t->pid <= 0)
		return 0;
	if (kill_it)
		kill(t->pid, SIGKILL);
	while (waitpid(t->pid, &status, 0) < 0 && errno == EINTR)
		;
	t->pid = 0;
	return status;
}

/* Log how t's child ended, when not well; true when it ended well. */
static bool
ended_well(const struct transcode *t, int status)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	if (WIFSIGNALED(status))
		log_warn("%s: ffmpeg died of signal %d; the stream ends here",
			 t->what, WTERMSIG(status));
	else
		log_warn("%s: ffmpeg failed (exit %d; unreadable or corrupt "
			 "input?); the stream ends here",
			 t->what, WEXITSTATUS(status));
	return false;
}

/*
 * Resume t's connection and wake its loop. t may be gone once
 * MHD_resume_connection returns: its loop may end the connection at once.
 */
static void
resume(struct transcode *t)
{
	struct MHD_Daemon *d = t->daemon;

	MHD_resume_connection(t->conn);
	loops_wake(tc.loops, d);
}

/*
 * The pipe is empty: suspend the connection until the watcher sees it
 * readable. Returns what the reader returns.
 */
static ssize_t
wait_pipe(struct transcode *t)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT,
				 .data.ptr = t};
	int op = t->armed_once ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	pthread_mutex_lock(&tc.lock);
	if (tc.stopping) {
		pthread_mutex_unlock(&tc.lock);
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	MHD_suspend_connection(t->conn);
	t->suspended = true;
	t->since = time(NULL);
	tc.suspended++;
	if (epoll_ctl(tc.epfd, op, t->fd, &ev) != 0) {
		/* Cannot wait: resume at once and fail on the next read. */
		log_warn("%s: epoll_ctl: %s", t->what, strerror(errno));
		kill(t->pid, SIGKILL);
		t->suspended = false;
		tc.suspended--;
		resume(t);
	}
	t->armed_once = true;
	pthread_mutex_unlock(&tc.lock);
	return 0;
}

static ssize_t
transcode_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct transcode *t = cls;
	ssize_t n;

	if (pos > 0 && t->cork != NULL) {
		guard_push(t->cork); /* the header and first piece are out */
		t->cork = NULL;
	}
	do
		n = read(t->fd, buf, max);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		t->acc->bytes += (uint64_t)n;
		return n;
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return wait_pipe(t);
	if (n < 0)
		log_warn("%s: reading ffmpeg's output: %s", t->what,
			 strerror(errno));
	if (n == 0 && ended_well(t, reap(t, false)))
		return MHD_CONTENT_READER_END_OF_STREAM;
	/* Unfinished: the client must not take the stream for whole. */
	guard_cut(t->conn);
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

static void
transcode_done(void *cls)
{
	struct transcode *t = cls;

	pthread_mutex_lock(&tc.lock);
	if (t->armed_once)
		epoll_ctl(tc.epfd, EPOLL_CTL_DEL, t->fd, NULL);
	if (t->prev != NULL)
		t->prev->next = t->next;
	else
		tc.all = t->next;
	if (t->next != NULL)
		t->next->prev = t->prev;
	tc.live--;
	pthread_mutex_unlock(&tc.lock);
	close(t->fd);
	reap(t, true);
	free(t);
}

/* The reader of an answer that sends no body (HEAD). */
static ssize_t
no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_WITH_ERROR;
}

/* The headers of a transcoded answer. */
static void
dress(struct MHD_Response *resp, const struct request *rq,
      const struct transcode_req *tr, double duration)
{
	char secs[32];

	MHD_add_response_header(resp, "Content-Type",
				tr->format == TRANSCODE_MP3
					? "audio/mpeg"
					: "audio/ogg; codecs=opus");
	MHD_add_response_header(resp, "Accept-Ranges", "none");
	if (duration >= 0 && snprintf(secs, sizeof secs, "%.3f", duration) > 0)
		MHD_add_response_header(resp, "X-Content-Duration", secs);
	http_cors(rq, resp);
}

/* Take a place among the transcodes: false past --max-transcodes. */
static bool
reserve(void)
{
	bool ok;

	pthread_mutex_lock(&tc.lock);
	ok = !tc.stopping && tc.live < tc.max;
	if (ok)
		tc.live++;
	pthread_mutex_unlock(&tc.lock);
	return ok;
}

/* The 503 past --max-transcodes. */
static enum MHD_Result
busy(struct request *rq)
{
	char msg[HTTP_MESSAGE_MAX];
	struct MHD_Response *resp;

	if (snprintf(msg, sizeof msg,
		     "all %u transcodes (--max-transcodes) are busy; try "
		     "again in " TRANSCODE_RETRY_AFTER
		     " s, or ask for the file as it is (no format)",
		     tc.max) < 0)
		return MHD_NO;
	resp = http_error(rq, MHD_HTTP_SERVICE_UNAVAILABLE, msg);
	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Retry-After", TRANSCODE_RETRY_AFTER);
	return http_queue(rq, MHD_HTTP_SERVICE_UNAVAILABLE, resp);
}

/* A transcode of fd for rq, listed; NULL (place given back) on failure. */
static struct transcode *
start(struct request *rq, int fd, const struct transcode_req *tr)
{
	struct transcode *t = calloc(1, sizeof *t);
	const union MHD_ConnectionInfo *ci;

	if (t != NULL)
		t->pid = spawn(fd, tr, &t->fd);
	if (t == NULL || t->pid < 0) {
		log_warn("cannot start %s: %s", TRANSCODE_PROGRAM,
			 t == NULL ? "out of memory" : strerror(errno));
		free(t);
		pthread_mutex_lock(&tc.lock);
		tc.live--;
		pthread_mutex_unlock(&tc.lock);
		return NULL;
	}
	t->conn = t->cork = rq->conn;
	ci = MHD_get_connection_info(rq->conn, MHD_CONNECTION_INFO_DAEMON);
	t->daemon = ci != NULL ? ci->daemon : NULL;
	t->acc = rq->acc;
	if (snprintf(t->what, sizeof t->what, "%s to %s %uk", rq->path,
		     format_names[tr->format], tr->bitrate) < 0)
		t->what[0] = '\0';
	pthread_mutex_lock(&tc.lock);
	t->next = tc.all;
	if (tc.all != NULL)
		tc.all->prev = t;
	tc.all = t;
	pthread_mutex_unlock(&tc.lock);
	return t;
}

enum MHD_Result
transcode_answer(struct request *rq, int fd, const struct transcode_req *tr,
		 double duration)
{
	struct MHD_Response *resp;
	struct transcode *t;

	if (duration >= 0 && (double)tr->start_ms / 1000 >= duration)
		return http_fail(rq, MHD_HTTP_BAD_REQUEST,
				 "start %.3f is past the end of the track "
				 "(%.3f s): ask for less",
				 (double)tr->start_ms / 1000, duration);
	if (rq->head) {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN,
							 TRANSCODE_BLOCK,
							 no_body, NULL, NULL);
	} else {
		if (!reserve())
			return busy(rq);
		t = start(rq, fd, tr);
		if (t == NULL)
			return http_fail(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
					 "cannot start the encoder (is "
					 "%s installed?)",
					 TRANSCODE_PROGRAM);
		resp = MHD_create_response_from_callback(
			MHD_SIZE_UNKNOWN, TRANSCODE_BLOCK, transcode_read, t,
			transcode_done);
		if (resp == NULL)
			transcode_done(t);
	}
	if (resp == NULL)
		return MHD_NO;
	dress(resp, rq, tr, duration);
	return http_queue(rq, MHD_HTTP_OK, resp);
}

/*
 * The watcher: resume each connection whose pipe is ready, and kill
 * children that wrote nothing for TRANSCODE_STALL_S while their listener
 * waited (their hang-up then resumes the connection). It alone resumes
 * connections: a transcode stays allocated until its connection, resumed,
 * ends, so the pointer in an event is always valid.
 */
static void *
watch_main(void *arg)
{
	struct epoll_event ev[TRANSCODE_EVENTS];
	struct transcode *t;
	int n, i, ms;
	time_t now;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&tc.lock);
		if (tc.quit) {
			pthread_mutex_unlock(&tc.lock);
			return NULL;
		}
		ms = tc.suspended > 0 ? 1000 : -1; /* only to find stalls */
		pthread_mutex_unlock(&tc.lock);
		n = epoll_wait(tc.epfd, ev, TRANSCODE_EVENTS, ms);
		pthread_mutex_lock(&tc.lock);
		for (i = 0; i < n; i++) {
			t = ev[i].data.ptr;
			if (t == NULL || !t->suspended)
				continue; /* the quit event */
			t->suspended = false;
			tc.suspended--;
			resume(t);
		}
		now = time(NULL);
		for (t = tc.all; t != NULL; t = t->next) {
			if (t->suspended && t->pid > 0 &&
			    now - t->since > TRANSCODE_STALL_S) {
				log_warn("%s: no output in %d s; ending it",
					 t->what, TRANSCODE_STALL_S);
				kill(t->pid, SIGKILL);
			}
		}
		if (tc.suspended == 0)
			pthread_cond_broadcast(&tc.idle);
		pthread_mutex_unlock(&tc.lock);
	}
}

int
transcode_init(unsigned max, struct loops *loops)
{
	/* The quit event: data.ptr NULL. */
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};

	tc.max = max;
	tc.loops = loops;
	tc.epfd = epoll_create1(EPOLL_CLOEXEC);
	tc.quitfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (tc.epfd < 0 || tc.quitfd < 0 ||
	    epoll_ctl(tc.epfd, EPOLL_CTL_ADD, tc.quitfd, &ev) != 0 ||
	    pthread_create(&tc.thread, NULL, watch_main, NULL) != 0)
		goto fail;
	tc.started = true;
	return 0;
fail:
	if (tc.quitfd >= 0)
		close(tc.quitfd);
	if (tc.epfd >= 0)
		close(tc.epfd);
	tc.epfd = tc.quitfd = -1;
	return -1;
}

void
transcode_stop(void)
{
	struct transcode *t;
	struct timespec until;
	int rc = 0;

	if (!tc.started)
		return;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += TRANSCODE_STOP_WAIT_S;
	pthread_mutex_lock(&tc.lock);
	tc.stopping = true;
	for (t = tc.all; t != NULL; t = t->next) {
		if (t->pid > 0)
			kill(t->pid, SIGKILL); /* its hang-up resumes it */
	}
	while (tc.suspended > 0 && rc == 0)
		rc = pthread_cond_timedwait(&tc.idle, &tc.lock, &until);
	if (tc.suspended > 0)
		log_warn("%u transcodes still suspended at exit",
			 tc.suspended);
	pthread_mutex_unlock(&tc.lock);
}

void
transcode_free(void)
{
	uint64_t one = 1;

	if (!tc.started)
		return;
	pthread_mutex_lock(&tc.lock);
	tc.quit = true;
	pthread_mutex_unlock(&tc.lock);
	while (write(tc.quitfd, &one, sizeof one) < 0 && errno == EINTR)
		;
	pthread_join(tc.thread, NULL);
	close(tc.quitfd);
	close(tc.epfd);
	tc.started = false;
}
