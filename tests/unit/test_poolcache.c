/*
 * test_poolcache: a thread's pool mappings are kept when unmapped and come
 * back zeroed; any other mapping, one the thread did not hand out, one
 * unmapped twice or one past the idle limit is really unmapped;
 * poolcache_end unmaps what it kept. "Really unmapped" is what msync(2) says
 * of the range: ENOMEM. poolcache_trim gives back exactly the resident
 * pages of zeros of this thread's pools, and every byte reads as before.
 * poolcache_memset zeroes as memset does, but its first fills of a fresh
 * pool leave the pages never touched untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "poolcache.h"

#define ASKED 100000 /* --conn-memory: not a whole number of pages */

static size_t
page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static size_t
pool_size(void)
{
	return (ASKED + page_size() - 1) / page_size() * page_size();
}

/* A mapping as libmicrohttpd makes a pool, or with other protections. */
static char *
map(size_t len, int prot)
{
	void *p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static bool
unmapped(void *p, size_t len)
{
	return msync(p, len, MS_ASYNC) != 0 && errno == ENOMEM;
}

/* Is page i of p resident? */
static bool
resident(char *p, size_t i)
{
	unsigned char v = 0;

	assert_int_equal(mincore(p + i * page_size(), page_size(), &v), 0);
	return v & 1;
}

/* Can this process read its page map (poolcache_memset's guide)? */
static bool
have_pagemap(void)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static int
setup(void **state)
{
	(void)state;
	poolcache_begin(ASKED);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	poolcache_end();
	return 0;
}

static void
test_kept_and_zeroed(void **state)
{
	size_t len = pool_size(), i;
	char *p = map(len, PROT_READ | PROT_WRITE), *q;

	(void)state;
	memset(p, 0xab, len);
	assert_int_equal(munmap(p, len), 0);
	assert_int_equal(poolcache_idle(), 1);
	assert_false(unmapped(p, len));
	q = map(len, PROT_READ | PROT_WRITE);
	assert_ptr_equal(q, p);
	assert_int_equal(poolcache_idle(), 0);
	for (i = 0; i < len; i++)
		if (q[i] != 0)
			fail_msg("byte %zu of a reused pool is %d, not 0", i,
				 q[i]);
	assert_int_equal(munmap(q, len), 0);
	poolcache_end();
	assert_int_equal(poolcache_idle(), 0);
	assert_true(unmapped(q, len));
}

static void
test_other_mappings_unmapped(void **state)
{
	size_t len = pool_size(), page = page_size();
	char *bigger = map(len + page, PROT_READ | PROT_WRITE);
	char *readonly = map(len, PROT_READ);
	char *partial = map(len, PROT_READ | PROT_WRITE);

	(void)state;
	assert_int_equal(munmap(bigger, len + page), 0);
	assert_int_equal(munmap(readonly, len), 0);
	/* the second half of a pool, then the rest: both for real */
	assert_int_equal(munmap(partial + page, len - page), 0);
	assert_int_equal(munmap(partial, page), 0);
	assert_int_equal(poolcache_idle(), 0);
	assert_true(unmapped(bigger, len + page));
	assert_true(unmapped(readonly, len));
	assert_true(unmapped(partial, len));
}

static void
test_not_handed_out_unmapped(void **state)
{
	size_t len = pool_size();
	char *before, *p;

	(void)state;
	poolcache_end();
	before = map(len, PROT_READ | PROT_WRITE); /* while not recycling */
	poolcache_begin(ASKED);
	assert_int_equal(munmap(before, len), 0);
	assert_int_equal(poolcache_idle(), 0);
	assert_true(unmapped(before, len));
	/* a pool unmapped twice: kept, then unmapped for real */
	p = map(len, PROT_READ | PROT_WRITE);
	assert_int_equal(munmap(p, len), 0);
	assert_int_equal(poolcache_idle(), 1);
	assert_int_equal(munmap(p, len), 0);
	assert_int_equal(poolcache_idle(), 0);
	assert_true(unmapped(p, len));
}

static void
test_idle_limit(void **state)
{
	size_t len = pool_size();
	char *p[POOLCACHE_IDLE + 2];
	unsigned i;

	(void)state;
	for (i = 0; i < POOLCACHE_IDLE + 2; i++)
		p[i] = map(len, PROT_READ | PROT_WRITE);
	for (i = 0; i < POOLCACHE_IDLE + 2; i++)
		assert_int_equal(munmap(p[i], len), 0);
	assert_int_equal(poolcache_idle(), POOLCACHE_IDLE);
	for (i = 0; i < POOLCACHE_IDLE; i++)
		assert_false(unmapped(p[i], len));
	assert_true(unmapped(p[POOLCACHE_IDLE], len));
	assert_true(unmapped(p[POOLCACHE_IDLE + 1], len));
	poolcache_end();
	for (i = 0; i < POOLCACHE_IDLE; i++)
		assert_true(unmapped(p[i], len));
}

/*
 * Pages: 0 data; 1-3 zeros; 4-5 never touched; 6 zeros; 7 data in its last
 * byte; 8 zeros; the rest never touched. Pages 1-3, 6 and 8 go back: 5
 * resident pages in all; the others stay as they were.
 */
static void
test_trim_gives_back_zero_pages(void **state)
{
	size_t len = pool_size(), page = page_size(), i;
	char *p = map(len, PROT_READ | PROT_WRITE);

	(void)state;
	assert_true(len / page > 9);
	memset(p, 0x5a, page);
	memset(p + page, 0, 3 * page);
	memset(p + 6 * page, 0, page);
	p[8 * page - 1] = 1;
	memset(p + 8 * page, 0, page);
	if (!have_pagemap()) { /* nothing to go by: nothing given back */
		assert_int_equal(poolcache_trim(p + 7 * page + 12), 0);
		assert_int_equal(munmap(p, len), 0);
		return;
	}
	assert_int_equal(poolcache_trim(p + 7 * page + 12), 5 * page);
	for (i = 0; i < len / page; i++)
		if (resident(p, i) != (i == 0 || i == 7))
			fail_msg("page %zu is %sresident", i,
				 resident(p, i) ? "" : "not ");
	assert_int_equal(poolcache_trim(p), 0); /* nothing left */
	for (i = 0; i < len; i++)
		if (p[i] != (i < page ? 0x5a : i == 8 * page - 1 ? 1 : 0))
			fail_msg("byte %zu changed to %d", i, p[i]);
	assert_int_equal(munmap(p, len), 0);
	assert_int_equal(poolcache_idle(), 1);
}

static void *
trim_in_thread(void *arg)
{
	return (void *)(uintptr_t)poolcache_trim(arg);
}

/* Only this thread's pools, and only pools, are ever touched. */
static void
test_trim_only_own_pools(void **state)
{
	size_t len = pool_size(), page = page_size();
	char *pool, *other, *before;
	pthread_t t;
	void *rc;

	(void)state;
	poolcache_end();
	before = map(len, PROT_READ | PROT_WRITE); /* while not recycling */
	poolcache_begin(ASKED);
	pool = map(len, PROT_READ | PROT_WRITE);
	other = map(len + page, PROT_READ | PROT_WRITE); /* not a pool */
	memset(pool, 0, len);
	memset(other, 0, len + page);
	memset(before, 0, len);
	assert_int_equal(poolcache_trim(other + page), 0);
	assert_int_equal(poolcache_trim(before), 0);
	assert_int_equal(poolcache_trim(&len), 0);
	assert_int_equal(pthread_create(&t, NULL, trim_in_thread, pool), 0);
	assert_int_equal(pthread_join(t, &rc), 0);
	assert_null(rc);
	assert_true(resident(other, 0) && resident(before, 0) &&
		    resident(pool, 0));
	/* the pool's own thread: the whole of it */
	if (have_pagemap()) {
		assert_int_equal(poolcache_trim(pool + len - 1), len);
		assert_false(resident(pool, 0));
	}
	assert_int_equal(munmap(other, len + page), 0);
	assert_int_equal(munmap(before, len), 0);
	assert_int_equal(munmap(pool, len), 0);
}

/* Is every byte of [p, p + n) equal to c? */
static bool
all_bytes(const char *p, size_t n, int c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (char)c)
			return false;
	return true;
}

/*
 * A fresh pool: data in pages 0 and 3 (and the last byte of page 5); a fill
 * from the middle of page 0 to the middle of page 7 zeroes exactly that;
 * pages 1, 2, 4 and 6 stay without a page behind them (7, filled in part,
 * gets one).
 */
static void
test_memset_skips_untouched(void **state)
{
	size_t len = pool_size(), page = page_size(), i;
	char *p = map(len, PROT_READ | PROT_WRITE);
	size_t from = page / 2, to = 7 * page + page / 2;

	(void)state;
	memset(p, 'a', page);
	memset(p + 3 * page, 'b', page);
	p[6 * page - 1] = 'c';
	assert_ptr_equal(poolcache_memset(p + from, 0, to - from), p + from);
	for (i = 1; i < 8 && have_pagemap(); i++)
		if (resident(p, i) != (i == 3 || i == 5 || i == 7))
			fail_msg("page %zu is %sresident", i,
				 resident(p, i) ? "" : "not ");
	assert_true(all_bytes(p, from, 'a'));
	assert_true(all_bytes(p + from, to - from, 0));
	assert_int_equal(munmap(p, len), 0);
}

/* Past its fresh fills, a pool is filled by plain memset, as are others. */
static void
test_memset_plain(void **state)
{
	size_t len = pool_size(), page = page_size(), i;
	char *p = map(len, PROT_READ | PROT_WRITE), *q;
	char buf[POOLCACHE_FILL_MIN * 2];

	(void)state;
	for (i = 0; i < POOLCACHE_FRESH_FILLS; i++)
		poolcache_memset(p, 0, len);
	assert_true(!have_pagemap() || !resident(p, 1));
	poolcache_memset(p, 0, len);
	assert_true(resident(p, 1) && resident(p, len / page - 1));
	/* a reused pool has no fresh fills, being zeroed whole already */
	assert_int_equal(munmap(p, len), 0);
	q = map(len, PROT_READ | PROT_WRITE);
	assert_ptr_equal(q, p);
	assert_int_equal(madvise(q, len, MADV_DONTNEED), 0);
	poolcache_memset(q, 0, len);
	assert_true(resident(q, 1));
	/* not zeros, too small, not a pool */
	assert_int_equal(madvise(q, len, MADV_DONTNEED), 0);
	poolcache_memset(q, 'x', len);
	assert_true(all_bytes(q, len, 'x'));
	poolcache_memset(buf, 'y', sizeof buf);
	assert_true(all_bytes(buf, sizeof buf, 'y'));
	poolcache_memset(buf, 0, sizeof buf);
	assert_true(all_bytes(buf, sizeof buf, 0));
	assert_int_equal(munmap(q, len), 0);
}

static void *
unmap_pool(void *arg)
{
	return (void *)(intptr_t)munmap(arg, pool_size());
}

/* libmicrohttpd's stop unmaps live pools from the main thread. */
static void
test_other_thread_unmaps(void **state)
{
	size_t len = pool_size();
	char *p = map(len, PROT_READ | PROT_WRITE);
	pthread_t t;
	void *rc;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, unmap_pool, p), 0);
	assert_int_equal(pthread_join(t, &rc), 0);
	assert_int_equal((intptr_t)rc, 0);
	assert_true(unmapped(p, len));
	assert_int_equal(poolcache_idle(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kept_and_zeroed, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_other_mappings_unmapped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_handed_out_unmapped,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_limit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_other_thread_unmaps,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_trim_gives_back_zero_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trim_only_own_pools,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_memset_skips_untouched,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_memset_plain, setup,
						teardown),
	};

	/* cmocka reports a skip() as "not ok # SKIP", a failure to
	 * automake: skip the whole plan instead. */
	if (!poolcache_enabled()) {
		printf("1..0 # SKIP a sanitizer build interposes nothing\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
