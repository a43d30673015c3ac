/*
 * poolcache: keeps the memory of libmicrohttpd's connection pools mapped
 * from one connection to the next, in the threads that run the daemons.
 *
 * libmicrohttpd 0.9.75 gives each connection a memory pool of
 * --conn-memory bytes. One larger than 32 KiB it maps with mmap(2) when
 * the connection arrives and unmaps when it ends, and before the first
 * answer it writes zeros over half of it (when it shrinks the read
 * buffer). Each of those pages is fresh, and its first write costs a page
 * fault. On the 2-core PVM guest of tests/bench that was 0.30 ms of the
 * 0.39 ms from a new connection's request to its answer (nginx: 0.06 ms).
 *
 * So this module interposes mmap and munmap. In a thread between
 * poolcache_begin and poolcache_end, an anonymous private read-write
 * mapping of exactly the pool's size that the thread itself mapped is not
 * unmapped but kept (up to POOLCACHE_IDLE of them), and handed out again,
 * zeroed as a fresh mapping is, at the thread's next mmap of that kind.
 * Every other call goes straight to the kernel. A pool that has to be
 * mapped afresh (many connections at once) is spared the zeros on its
 * untouched pages by poolcache_memset, which loop.c puts in the place of
 * libmicrohttpd's memset (plthook.h). Under a sanitizer, whose own
 * interceptors must see every mapping, nothing is interposed.
 */
#ifndef AS_POOLCACHE_H
#define AS_POOLCACHE_H

#include <stdbool.h>
#include <stddef.h>

#define POOLCACHE_IDLE 16	/* pools kept per thread: 2 MiB at 128 KiB */
#define POOLCACHE_FRESH_FILLS 2 /* poolcache_memset: fills that skip pages */
#define POOLCACHE_FILL_MIN (16 * 1024) /* ... and the least of them */

/*
 * From now on, recycle this thread's mappings of pool_size bytes (rounded
 * up to whole pages, as libmicrohttpd rounds its pools).
 */
void poolcache_begin(size_t pool_size);

/*
 * Unmap the pools this thread keeps and stop recycling. Mappings still in
 * use may then be unmapped by any thread.
 */
void poolcache_end(void);

/*
 * Give back to the kernel the pages of the pool holding the byte at inside
 * that are resident and read as zeros; they read as zeros afterwards too,
 * and cost nothing until written again. (Pages not resident are left
 * alone: one swapped out holds data.) Only for a pool this thread handed
 * out and no other thread touches meanwhile (a connection of the thread's
 * own daemon); anything else, every call in a build that does not
 * interpose and every call where /proc/self/pagemap cannot be read give
 * back nothing. Returns the resident bytes given back.
 *
 * libmicrohttpd zeroes half or more of a connection's pool (and a reused
 * pool is zeroed whole), which a sized answer (a 206) never uses: ten
 * thousand listeners that ask for a range would otherwise hold 64 KiB or
 * more each for nothing.
 */
size_t poolcache_trim(const void *inside);

/*
 * memset(3) for libmicrohttpd's calls (plthook.h), the same in effect.
 *
 * libmicrohttpd zeroes memory of a connection's pool that it frees: half a
 * new connection's pool when its request has arrived (the read buffer's
 * spare room), all of it when a request ends. In a pool this thread mapped
 * afresh, those pages were never touched and read as zeros already, but
 * the writes fault each one in: 16 page faults per new connection at the
 * default, the largest cost of 10,000 listeners connecting at once (and
 * 64 KiB of memory each). So the first POOLCACHE_FRESH_FILLS zero fills of
 * POOLCACHE_FILL_MIN bytes or more in such a pool write only the pages
 * that are present or swapped out; later ones, and every other call, are
 * plain memset (asking which pages are present costs a system call, which
 * a pool in steady use would pay on every request for nothing).
 */
void *poolcache_memset(void *s, int c, size_t n);

/* Pools this thread keeps now (for the tests). */
unsigned poolcache_idle(void);

/* Does this build interpose at all (not under a sanitizer)? */
bool poolcache_enabled(void);

#endif
