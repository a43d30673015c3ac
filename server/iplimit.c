/*
 * iplimit: connections per client address, in a hash table of chained
 * nodes. A node lives while its address has connections: the table holds
 * as many nodes as there are distinct clients connected.
 */
#include "iplimit.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#define IPLIMIT_BUCKETS 4096 /* a power of two */

struct node {
	struct node *next;
	uint8_t key[IPLIMIT_KEY_LEN];
	unsigned count;
};

struct iplimit {
	unsigned max;
	struct node *bucket[IPLIMIT_BUCKETS];
};

bool
iplimit_key(const struct sockaddr *sa, socklen_t len,
	    uint8_t key[IPLIMIT_KEY_LEN])
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET6 && len >= sizeof *in6) {
		memcpy(key, &in6->sin6_addr, IPLIMIT_KEY_LEN);
		return true;
	}
	if (sa->sa_family == AF_INET && len >= sizeof *in4) {
		memset(key, 0, 10); /* ::ffff:a.b.c.d */
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &in4->sin_addr, 4);
		return true;
	}
	return false;
}

/* FNV-1a over the key. */
static unsigned
slot(const uint8_t key[IPLIMIT_KEY_LEN])
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < IPLIMIT_KEY_LEN; i++)
		h = (h ^ key[i]) * 16777619u;
	return h & (IPLIMIT_BUCKETS - 1);
}

/* The link that points at key's node, or at the NULL ending its chain. */
static struct node **
find(struct iplimit *l, const uint8_t key[IPLIMIT_KEY_LEN])
{
	struct node **p = &l->bucket[slot(key)];

	while (*p != NULL && memcmp((*p)->key, key, IPLIMIT_KEY_LEN) != 0)
		p = &(*p)->next;
	return p;
}

struct iplimit *
iplimit_new(unsigned max)
{
	struct iplimit *l = calloc(1, sizeof *l);

	if (l != NULL)
		l->max = max;
	return l;
}

bool
iplimit_take(struct iplimit *l, const uint8_t key[IPLIMIT_KEY_LEN])
{
	struct node **p = find(l, key);

	if (*p != NULL) {
		if ((*p)->count >= l->max)
			return false;
		(*p)->count++;
		return true;
	}
	*p = calloc(1, sizeof **p);
	if (*p == NULL)
		return false;
	memcpy((*p)->key, key, IPLIMIT_KEY_LEN);
	(*p)->count = 1;
	return true;
}

void
iplimit_give(struct iplimit *l, const uint8_t key[IPLIMIT_KEY_LEN])
{
	struct node **p = find(l, key), *n = *p;

	if (n == NULL)
		return; /* not counted: nothing to give back */
	if (--n->count == 0) {
		*p = n->next;
		free(n);
	}
}

unsigned
iplimit_count(struct iplimit *l, const uint8_t key[IPLIMIT_KEY_LEN])
{
	const struct node *n = *find(l, key);

	return n != NULL ? n->count : 0;
}

void
iplimit_free(struct iplimit *l)
{
	struct node *n, *next;
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < IPLIMIT_BUCKETS; i++)
		for (n = l->bucket[i]; n != NULL; n = next) {
			next = n->next;
			free(n);
		}
	free(l);
}
