/*
 * iplimit: counts connections per client address, for --max-per-ip.
 *
 * One count per address across the whole server. libmicrohttpd's own
 * limit counts per daemon, and the server runs one daemon per worker
 * (loop.h), so a client could hold the limit on each. Not thread-safe:
 * the caller holds a lock.
 */
#ifndef AS_IPLIMIT_H
#define AS_IPLIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define IPLIMIT_KEY_LEN 16

struct iplimit;

/*
 * The key of a client address: its IPv6 address, an IPv4 one mapped into
 * IPv6 (so a client counts once whichever way it arrives). False for an
 * address that is not IP (nothing to count).
 */
bool iplimit_key(const struct sockaddr *sa, socklen_t len,
		 uint8_t key[IPLIMIT_KEY_LEN]);

/* A table allowing max connections per key (max >= 1); NULL on ENOMEM. */
struct iplimit *iplimit_new(unsigned max);

/*
 * Count one more connection for key. False, counting nothing, when key
 * already has max, or on ENOMEM.
 */
bool iplimit_take(struct iplimit *l, const uint8_t key[IPLIMIT_KEY_LEN]);

/* Count one connection less for key, which iplimit_take counted. */
void iplimit_give(struct iplimit *l, const uint8_t key[IPLIMIT_KEY_LEN]);

/* How many connections key has now. */
unsigned iplimit_count(struct iplimit *l, const uint8_t key[IPLIMIT_KEY_LEN]);

/* NULL-safe. */
void iplimit_free(struct iplimit *l);

#endif
