/*
 * player: the audio player child. It runs as `sh -c CMD` with a pipe on its
 * standard input; the client keeps the write end, non-blocking, and reaps
 * the child when it is done. No start-up sleep: the pipe buffers the first
 * bytes until the player reads.
 */
#ifndef AS_PLAYER_H
#define AS_PLAYER_H

#include <stdbool.h>
#include <sys/types.h>

/* Exit status of `sh -c` when the command is not found. */
#define PLAYER_NOT_FOUND 127

struct player {
	pid_t pid;   /* the child; -1 when none */
	int fd;	     /* write end of its stdin pipe (O_NONBLOCK); -1 closed */
	bool reaped; /* status holds its wait status */
	int status;
};

/*
 * Fork `sh -c cmd` with a pipe on its stdin. 0, or -1 with *cause set
 * (caller frees). On success the caller must player_wait (or player_kill).
 */
int start_audio_player_process(const char *cmd, struct player *p,
			       char **cause);

/* Close the pipe: the player sees the end of its input. */
void player_close_pipe(struct player *p);

/* Reap the child if it has exited, without waiting; true once reaped. */
bool player_try_reap(struct player *p);

/*
 * Close the pipe and wait for the child to exit. A Ctrl-C while waiting
 * sends it SIGTERM.
 */
void player_wait(struct player *p);

/* Close the pipe, SIGTERM the child and reap it. */
void player_kill(struct player *p);

/*
 * NULL when the reaped player exited 0; else a message saying how it ended
 * (the caller frees), which for status 127 says the player is missing and
 * suggests `get`.
 */
char *player_status_cause(const struct player *p, const char *cmd);

#endif
