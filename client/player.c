/*
 * player: fork, pipe and reap the audio player; see player.h.
 */
#include "player.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fetch.h"
#include "xmalloc.h"

/* In the child: stdin from the pipe, default signals, then the shell. */
static void
player_exec(const char *cmd, int rfd)
{
	sigset_t none;

	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (rfd != STDIN_FILENO) {
		if (dup2(rfd, STDIN_FILENO) < 0)
			_exit(126);
		close(rfd);
	}
	close_range(3, ~0U, 0); /* no socket or file of ours leaks to it */
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(PLAYER_NOT_FOUND);
}

int
start_audio_player_process(const char *cmd, struct player *p, char **cause)
{
	int fds[2];

	p->pid = -1;
	p->fd = -1;
	p->reaped = false;
	p->status = 0;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		*cause = xasprintf("cannot make a pipe for the player: %s",
				   strerror(errno));
		return -1;
	}
	p->pid = fork();
	if (p->pid < 0) {
		*cause = xasprintf("cannot start the player: %s",
				   strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (p->pid == 0)
		player_exec(cmd, fds[0]); /* dup2 clears O_CLOEXEC on fd 0 */
	close(fds[0]);
	p->fd = fds[1];
	if (fcntl(p->fd, F_SETFL, O_NONBLOCK) < 0) {
		*cause = xasprintf("cannot set up the player pipe: %s",
				   strerror(errno));
		player_kill(p);
		return -1;
	}
	return 0;
}

void
player_close_pipe(struct player *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

bool
player_try_reap(struct player *p)
{
	pid_t r;

	if (p->reaped || p->pid < 0)
		return p->reaped;
	r = waitpid(p->pid, &p->status, WNOHANG);
	if (r == p->pid)
		p->reaped = true;
	return p->reaped;
}

void
player_wait(struct player *p)
{
	bool signalled = false;

	player_close_pipe(p);
	while (!p->reaped && p->pid > 0) {
		pid_t r = waitpid(p->pid, &p->status, 0);

		if (r == p->pid) {
			p->reaped = true;
		} else if (r < 0 && errno == EINTR) {
			if (fetch_interrupted() && !signalled) {
				kill(p->pid, SIGTERM);
				signalled = true;
			}
		} else {
			break;
		}
	}
}

void
player_kill(struct player *p)
{
	player_close_pipe(p);
	if (!player_try_reap(p) && p->pid > 0)
		kill(p->pid, SIGTERM);
	player_wait(p);
}

char *
player_status_cause(const struct player *p, const char *cmd)
{
	if (!p->reaped)
		return xasprintf("the player (%s) was not reaped", cmd);
	if (WIFSIGNALED(p->status))
		return xasprintf("the player (%s) was killed by signal %d",
				 cmd, WTERMSIG(p->status));
	if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) == 0)
		return NULL;
	if (WEXITSTATUS(p->status) == PLAYER_NOT_FOUND)
		return xasprintf("the player (%s) was not found (exit 127): "
				 "install mpv, choose another with --player "
				 "or AS_PLAYER, or use `get` to save the "
				 "track instead",
				 cmd);
	return xasprintf("the player (%s) exited with status %d", cmd,
			 WEXITSTATUS(p->status));
}
