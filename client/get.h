/*
 * get: the `get` command's transfer. The body goes to "<path>.part" in the
 * local library and is renamed only once all of it has arrived and its
 * length checks out; the server's validator is kept beside the .part
 * (save.h) so that this or a later `get` resumes it with Range and
 * If-Range. A transfer that breaks is resumed by the rules of retry.h. A
 * progress bar is drawn on a terminal.
 */
#ifndef AS_GET_H
#define AS_GET_H

#include "client.h"
#include "tracklist.h"

/*
 * Save track t under c->library: nothing to do when the complete file is
 * there; else resume its .part or start one, and move it into place when
 * complete. Prints "saved ..." on stdout. 0, or -1 with *cause set (caller
 * frees); a .part that stays is named in the cause.
 */
int get_track(struct client *c, const struct track *t, char **cause);

#endif
