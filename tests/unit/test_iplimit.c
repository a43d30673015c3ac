/*
 * test_iplimit: connections per client address: the limit holds per
 * address, frees up as connections end, counts an IPv4 client the same
 * whether it arrives as IPv4 or IPv4-mapped IPv6, and skips what is not IP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netdb.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <cmocka.h>

#include "iplimit.h"

/* The key of a numeric IPv4 or IPv6 address, as a client would have it. */
static void
key_of(const char *text, uint8_t key[IPLIMIT_KEY_LEN])
{
	struct addrinfo hints, *ai;

	memset(&hints, 0, sizeof hints);
	hints.ai_flags = AI_NUMERICHOST;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(text, "1234", &hints, &ai) != 0)
		fail_msg("not a numeric address: %s", text);
	assert_true(iplimit_key(ai->ai_addr, ai->ai_addrlen, key));
	freeaddrinfo(ai);
}

static void
test_limit_per_address(void **state)
{
	struct iplimit *l = iplimit_new(2);
	uint8_t a[IPLIMIT_KEY_LEN], b[IPLIMIT_KEY_LEN];

	(void)state;
	assert_non_null(l);
	key_of("10.0.0.1", a);
	key_of("10.0.0.2", b);
	assert_true(iplimit_take(l, a));
	assert_true(iplimit_take(l, a));
	assert_false(iplimit_take(l, a)); /* the third from a */
	assert_int_equal(iplimit_count(l, a), 2);
	assert_true(iplimit_take(l, b)); /* b has its own count */
	assert_int_equal(iplimit_count(l, b), 1);
	iplimit_give(l, a);
	assert_true(iplimit_take(l, a)); /* room again */
	assert_false(iplimit_take(l, a));
	iplimit_free(l);
}

static void
test_give_back_to_zero(void **state)
{
	struct iplimit *l = iplimit_new(1);
	uint8_t a[IPLIMIT_KEY_LEN];
	int i;

	(void)state;
	key_of("2001:db8::1", a);
	for (i = 0; i < 1000; i++) {
		assert_true(iplimit_take(l, a));
		assert_false(iplimit_take(l, a));
		iplimit_give(l, a);
		assert_int_equal(iplimit_count(l, a), 0);
	}
	iplimit_give(l, a); /* not counted: no effect, no underflow */
	assert_int_equal(iplimit_count(l, a), 0);
	assert_true(iplimit_take(l, a));
	iplimit_free(l);
}

static void
test_mapped_is_the_same_client(void **state)
{
	struct iplimit *l = iplimit_new(1);
	uint8_t v4[IPLIMIT_KEY_LEN], mapped[IPLIMIT_KEY_LEN];
	uint8_t other[IPLIMIT_KEY_LEN];

	(void)state;
	key_of("127.0.0.1", v4);
	key_of("::ffff:127.0.0.1", mapped);
	key_of("::1", other);
	assert_memory_equal(v4, mapped, IPLIMIT_KEY_LEN);
	assert_true(iplimit_take(l, v4));
	assert_false(iplimit_take(l, mapped));
	assert_true(iplimit_take(l, other));
	iplimit_free(l);
}

static void
test_many_addresses(void **state)
{
	struct iplimit *l = iplimit_new(3);
	uint8_t k[IPLIMIT_KEY_LEN];
	char text[32];
	int i;

	(void)state;
	/* More clients than buckets: chains work, and each keeps its count. */
	for (i = 0; i < 20000; i++) {
		snprintf(text, sizeof text, "10.%d.%d.%d", (i >> 16) & 255,
			 (i >> 8) & 255, i & 255);
		key_of(text, k);
		assert_true(iplimit_take(l, k));
		assert_true(iplimit_take(l, k));
	}
	for (i = 0; i < 20000; i++) {
		snprintf(text, sizeof text, "10.%d.%d.%d", (i >> 16) & 255,
			 (i >> 8) & 255, i & 255);
		key_of(text, k);
		assert_int_equal(iplimit_count(l, k), 2);
		iplimit_give(l, k);
		iplimit_give(l, k);
		assert_int_equal(iplimit_count(l, k), 0);
	}
	iplimit_free(l);
}

static void
test_not_ip(void **state)
{
	struct sockaddr_un sun;
	struct sockaddr_in sin;
	uint8_t k[IPLIMIT_KEY_LEN];

	(void)state;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	assert_false(iplimit_key((struct sockaddr *)&sun, sizeof sun, k));
	assert_false(iplimit_key(NULL, 0, k));
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	/* shorter than its family needs: refused, not read past */
	assert_false(iplimit_key((struct sockaddr *)&sin, 8, k));
	iplimit_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_per_address),
		cmocka_unit_test(test_give_back_to_zero),
		cmocka_unit_test(test_mapped_is_the_same_client),
		cmocka_unit_test(test_many_addresses),
		cmocka_unit_test(test_not_ip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
