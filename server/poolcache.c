/*
 * poolcache: keeps libmicrohttpd's connection pools mapped from one
 * connection to the next (poolcache.h says why).
 *
 * Each thread has its own list of idle pools and its own tree (tsearch(3))
 * of the pools it handed out, so no lock is taken. Only those pools are
 * ever kept: a munmap of any other mapping, even of the same size, goes to
 * the kernel. This relies on libmicrohttpd unmapping a pool whole, at the
 * address and size it mapped (memorypool.c does), and on nothing else in
 * the thread resizing or unmapping part of one.
 *
 * A pool mapped afresh reads as zeros without a single page behind it.
 * poolcache_memset keeps it that way for its first zero fills, by writing
 * zeros only to the pages /proc/self/pagemap shows present or swapped out:
 * any other page of a private anonymous mapping reads as zeros already.
 */
#include "poolcache.h"

#include <fcntl.h>
#include <pthread.h>
#include <search.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define POOLCACHE_OFF
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||    \
	__has_feature(memory_sanitizer)
#define POOLCACHE_OFF
#endif
#endif
#if !defined(__linux__) || !defined(SYS_mmap) || UINTPTR_MAX <= 0xffffffffu
#define POOLCACHE_OFF /* the raw system calls below are Linux 64-bit ones */
#endif

#ifdef POOLCACHE_OFF

void
poolcache_begin(size_t pool_size)
{
	(void)pool_size;
}

void
poolcache_end(void)
{
}

size_t
poolcache_trim(const void *inside)
{
	(void)inside;
	return 0;
}

void *
poolcache_memset(void *s, int c, size_t n)
{
	return memset(s, c, n);
}

unsigned
poolcache_idle(void)
{
	return 0;
}

bool
poolcache_enabled(void)
{
	return false;
}

#else

#define PAGE_WINDOW 64		/* pages looked up per read of the page map */
#define PM_PRESENT (1ULL << 63) /* pagemap: a page is behind it */
#define PM_SWAPPED (1ULL << 62) /* pagemap: swapped out (or migrating) */

/* A pool handed out and not unmapped yet. */
struct pc_pool {
	unsigned char *base;
	unsigned fresh; /* zero fills left that may skip untouched pages */
};

struct pc_thread {
	size_t size; /* of a pool, in whole pages; 0: not recycling */
	size_t page; /* the page size */
	void *live;  /* tree of the pc_pools handed out, by base */
	void *idle[POOLCACHE_IDLE];
	unsigned nidle;
};

static _Thread_local struct pc_thread pc;
static int pagemap = -1; /* /proc/self/pagemap, opened once */
static pthread_once_t pagemap_once = PTHREAD_ONCE_INIT;

static void *
sys_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}

static int
sys_munmap(void *addr, size_t len)
{
	return (int)syscall(SYS_munmap, addr, len);
}

/* Order of a byte (a's base) against the pool b: before, in or after it. */
static int
cmp_inside(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)((const struct pc_pool *)a)->base;
	uintptr_t y = (uintptr_t)((const struct pc_pool *)b)->base;

	return x < y ? -1 : x - y >= pc.size ? 1 : 0;
}

/* The live pool of this thread holding [p, p + n), or NULL. */
static struct pc_pool *
live_pool(const void *p, size_t n)
{
	struct pc_pool key = {.base = (unsigned char *)(uintptr_t)p};
	struct pc_pool *const *node;

	if (pc.size == 0 ||
	    (node = tfind(&key, &pc.live, cmp_inside)) == NULL ||
	    (size_t)(key.base - (*node)->base) + n > pc.size)
		return NULL;
	return *node;
}

/* Is this the mapping libmicrohttpd makes for a pool (memorypool.c)? */
static bool
is_pool(const void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return pc.size != 0 && addr == NULL && len == pc.size &&
	       prot == (PROT_READ | PROT_WRITE) &&
	       flags == (MAP_PRIVATE | MAP_ANONYMOUS) && fd == -1 && off == 0;
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct pc_pool *pool;
	void *p;
	bool reused = pc.nidle > 0;

	if (!is_pool(addr, len, prot, flags, fd, off))
		return sys_mmap(addr, len, prot, flags, fd, off);
	if (reused) {
		p = pc.idle[--pc.nidle];
		memset(p, 0, len); /* as a fresh mapping reads */
	} else {
		p = sys_mmap(addr, len, prot, flags, fd, off);
		if (p == MAP_FAILED)
			return p;
	}
	/* Out of memory for the tree: this one is unmapped for real later. */
	pool = malloc(sizeof *pool);
	if (pool == NULL)
		return p;
	pool->base = p;
	pool->fresh = reused ? 0 : POOLCACHE_FRESH_FILLS;
	if (tsearch(pool, &pc.live, cmp_inside) == NULL)
		free(pool);
	return p;
}

/* Drop addr from the idle pools, if it is one (unmapped twice). */
static void
forget_idle(const void *addr)
{
	unsigned i;

	for (i = 0; i < pc.nidle; i++)
		if (pc.idle[i] == addr) {
			pc.idle[i] = pc.idle[--pc.nidle];
			return;
		}
}

int
munmap(void *addr, size_t len)
{
	struct pc_pool *pool;

	if (pc.size != 0 && len == pc.size) {
		/* One of this thread's pools in use: kept if there is room */
		pool = live_pool(addr, len);
		if (pool != NULL && pool->base == addr) {
			(void)tdelete(pool, &pc.live, cmp_inside);
			free(pool);
			if (pc.nidle < POOLCACHE_IDLE) {
				pc.idle[pc.nidle++] = addr;
				return 0;
			}
		} else {
			forget_idle(addr);
		}
	}
	return sys_munmap(addr, len);
}

static void
open_pagemap(void)
{
	pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
}

void
poolcache_begin(size_t pool_size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	pc.size = (pool_size + page - 1) / page * page;
	pc.page = page;
	(void)pthread_once(&pagemap_once, open_pagemap);
}

/* The page map entries of the n (at most PAGE_WINDOW) pages from p. */
static bool
page_entries(const unsigned char *p, size_t n, uint64_t *ent)
{
	off_t at = (off_t)((uintptr_t)p / pc.page * sizeof *ent);

	return pagemap >= 0 && pread(pagemap, ent, n * sizeof *ent, at) ==
				       (ssize_t)(n * sizeof *ent);
}

/*
 * Call act on each longest run of pages in [from, from + n pages) that
 * want(page, its page map entry) holds for, and add up what it returns.
 * False if the page map cannot be read (act may have run on some runs).
 */
static bool
each_run(unsigned char *from, size_t n,
	 bool (*want)(const unsigned char *page, uint64_t entry),
	 size_t (*act)(unsigned char *start, unsigned char *end),
	 size_t *total)
{
	uint64_t ent[PAGE_WINDOW];
	unsigned char *p, *run = NULL;
	size_t w, i, m;

	for (w = 0; w < n; w += m) {
		m = n - w < PAGE_WINDOW ? n - w : PAGE_WINDOW;
		if (!page_entries(from + w * pc.page, m, ent))
			return false;
		for (i = 0; i < m; i++) {
			p = from + (w + i) * pc.page;
			if (want(p, ent[i])) {
				run = run != NULL ? run : p;
				continue;
			}
			if (run != NULL)
				*total += act(run, p);
			run = NULL;
		}
	}
	if (run != NULL)
		*total += act(run, from + n * pc.page);
	return true;
}

/* A page in memory (not swapped out) that reads as zeros. */
static bool
zero_in_memory(const unsigned char *p, uint64_t entry)
{
	/* every byte equals the next one, and the first is 0 */
	return (entry & PM_PRESENT) && !(entry & PM_SWAPPED) && p[0] == 0 &&
	       memcmp(p, p + 1, pc.page - 1) == 0;
}

/* Give back [from, to) of a pool: its length, or 0. */
static size_t
give_back(unsigned char *from, unsigned char *to)
{
	if (madvise(from, (size_t)(to - from), MADV_DONTNEED) != 0)
		return 0;
	return (size_t)(to - from);
}

size_t
poolcache_trim(const void *inside)
{
	struct pc_pool *pool = live_pool(inside, 1);
	size_t given = 0;

	/*
	 * A page not in memory is left alone: never touched it reads as
	 * zeros anyway, and swapped out it holds data.
	 */
	if (pool != NULL)
		(void)each_run(pool->base, pc.size / pc.page, zero_in_memory,
			       give_back, &given);
	return given;
}

/* Has the page ever been written (or read)? */
static bool
touched(const unsigned char *p, uint64_t entry)
{
	(void)p;
	return (entry & (PM_PRESENT | PM_SWAPPED)) != 0;
}

/* Zero [from, to); its length. */
static size_t
zero(unsigned char *from, unsigned char *to)
{
	memset(from, 0, (size_t)(to - from));
	return (size_t)(to - from);
}

void *
poolcache_memset(void *s, int c, size_t n)
{
	unsigned char *p = s, *first, *last;
	struct pc_pool *pool;
	size_t zeroed = 0;

	if (c != 0 || n < POOLCACHE_FILL_MIN || pagemap < 0 ||
	    (pool = live_pool(s, n)) == NULL || pool->fresh == 0)
		return memset(s, c, n);
	pool->fresh--;
	first = pool->base +
		(size_t)(p - pool->base + pc.page - 1) / pc.page * pc.page;
	last = pool->base + (size_t)(p + n - pool->base) / pc.page * pc.page;
	/* the pages never touched read as zeros already */
	if (!each_run(first, (size_t)(last - first) / pc.page, touched, zero,
		      &zeroed))
		return memset(s, c, n);
	memset(p, 0, (size_t)(first - p));
	memset(last, 0, (size_t)(p + n - last));
	return s;
}

void
poolcache_end(void)
{
	while (pc.nidle > 0)
		sys_munmap(pc.idle[--pc.nidle], pc.size);
	tdestroy(pc.live, free);
	pc.live = NULL;
	pc.size = 0;
}

unsigned
poolcache_idle(void)
{
	return pc.nidle;
}

bool
poolcache_enabled(void)
{
	return true;
}

#endif
