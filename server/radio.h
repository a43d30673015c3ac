/*
 * radio: one live station (APPS.md, "Radio"), on with --radio. A thread
 * plays the library in a shuffled round, each track once, through one
 * `ffmpeg` encoder into one ring buffer; every listener of GET /radio
 * reads that ring from the live point, so a station of many listeners
 * encodes and reads each track once. A listener who falls a ring behind
 * skips ahead; nobody waits for anybody.
 */
#ifndef AS_RADIO_H
#define AS_RADIO_H

#include <microhttpd.h>

#include "library.h"
#include "loop.h"
#include "route.h"

#define RADIO_DEFAULT_BITRATE 128
#define RADIO_METAINT 16000 /* audio bytes between ICY metadata blocks */
#define RADIO_METAINT_STR "16000"

/*
 * Start the station when cfg->radio is set (else do nothing): the
 * format and bitrate of cfg, the tracks of lib, resumed listeners woken
 * in their loop of loops. 0, or -1 after logging why.
 */
int radio_start(const struct config *cfg, struct library *lib,
		struct loops *loops);

/* Before the daemons stop: end every listener's wait (NULL-safe). */
void radio_stop(void);

/* After the daemons stopped: stop the thread and its children. */
void radio_free(void);

/* GET /radio: the stream, with ICY metadata when asked. */
enum MHD_Result radio_answer(struct request *rq);

/* GET /radio/now: what plays, as JSON. */
enum MHD_Result radio_now(struct request *rq);

/* GET /radio.m3u: a playlist of the station's URL. */
enum MHD_Result radio_m3u(struct request *rq);

#endif
