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
 */
#include "poolcache.h"

#include <search.h>
#include <stdint.h>
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

#define TRIM_WINDOW 64 /* pages looked at per mincore(2) */

struct pc_thread {
	size_t size; /* of a pool, in whole pages; 0: not recycling */
	size_t page; /* the page size */
	void *live;  /* tree of the pools handed out and not unmapped */
	void *idle[POOLCACHE_IDLE];
	unsigned nidle;
};

static _Thread_local struct pc_thread pc;

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

static int
cmp_addr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return (x > y) - (x < y);
}

/* Order of a byte (a) against the pool at b: before, inside or after it. */
static int
cmp_inside(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;

	return x < y ? -1 : x - y >= pc.size ? 1 : 0;
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
	void *p;

	if (!is_pool(addr, len, prot, flags, fd, off))
		return sys_mmap(addr, len, prot, flags, fd, off);
	if (pc.nidle > 0) {
		p = pc.idle[--pc.nidle];
		memset(p, 0, len); /* as a fresh mapping reads */
	} else {
		p = sys_mmap(addr, len, prot, flags, fd, off);
		if (p == MAP_FAILED)
			return p;
	}
	/* Out of memory for the tree: this one is unmapped for real later. */
	(void)tsearch(p, &pc.live, cmp_addr);
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
	if (pc.size != 0 && len == pc.size) {
		/* One of this thread's pools in use: kept if there is room */
		if (tdelete(addr, &pc.live, cmp_addr) != NULL) {
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

void
poolcache_begin(size_t pool_size)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	pc.size = (pool_size + page - 1) / page * page;
	pc.page = page;
}

/* Does the page at p read as zeros? */
static bool
page_zero(const unsigned char *p, size_t page)
{
	/* every byte equals the next one, and the first is 0 */
	return p[0] == 0 && memcmp(p, p + 1, page - 1) == 0;
}

/* Give back [from, to) of a pool: its length, or 0. */
static size_t
give_back(unsigned char *from, unsigned char *to)
{
	if (to == from || madvise(from, (size_t)(to - from), MADV_DONTNEED))
		return 0;
	return (size_t)(to - from);
}

size_t
poolcache_trim(const void *inside)
{
	unsigned char vec[TRIM_WINDOW], *base, *p, *run = NULL;
	size_t npages, n, i, w, given = 0;
	void *const *node;

	if (pc.size == 0 ||
	    (node = tfind(inside, &pc.live, cmp_inside)) == NULL)
		return 0;
	base = *node;
	npages = pc.size / pc.page;
	/*
	 * Each run of resident pages of zeros goes back in one call. A page
	 * that is not resident is left alone: never touched it reads as
	 * zeros anyway, but swapped out it holds data, and mincore(2) does
	 * not tell the two apart.
	 */
	for (w = 0; w < npages; w += n) {
		n = npages - w < TRIM_WINDOW ? npages - w : TRIM_WINDOW;
		if (mincore(base + w * pc.page, n * pc.page, vec) != 0)
			return given;
		for (i = 0; i < n; i++) {
			p = base + (w + i) * pc.page;
			if ((vec[i] & 1) && page_zero(p, pc.page)) {
				run = run != NULL ? run : p;
				continue;
			}
			if (run != NULL)
				given += give_back(run, p);
			run = NULL;
		}
	}
	if (run != NULL)
		given += give_back(run, base + pc.size);
	return given;
}

static void
keep_node(void *p)
{
	(void)p; /* the mappings themselves are not the tree's */
}

void
poolcache_end(void)
{
	while (pc.nidle > 0)
		sys_munmap(pc.idle[--pc.nidle], pc.size);
	tdestroy(pc.live, keep_node);
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
