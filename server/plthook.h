/*
 * plthook: sends one shared library's calls of a function it imports to
 * another function, by rewriting the library's jump slot for it: the entry
 * of its global offset table that its PLT stub jumps through. Only that
 * library's calls change; everyone else, and the replacement itself, still
 * reach the original.
 *
 * The server uses it for libmicrohttpd's memset (poolcache.h says why):
 * libmicrohttpd 0.9.75 has no hook where its memory pools are zeroed.
 */
#ifndef AS_PLTHOOK_H
#define AS_PLTHOOK_H

/* Any function: cast to and from the real type at the call sites. */
typedef void (*plthook_fn)(void);

/*
 * In the loaded library whose path contains lib (say "libmicrohttpd.so"),
 * make the calls of the imported function sym go to fn; *old (if not NULL)
 * gets what they went to before. 0, or -1 when no such library is loaded,
 * it imports no such function through its PLT, the slot is not bound yet
 * (lazy binding: the library has not called the function so far), or it
 * cannot be made writable. Call it before other threads may call through
 * the slot: a read-only slot (RELRO) is made writable for the moment of
 * the change.
 */
int plthook_replace(const char *lib, const char *sym, plthook_fn fn,
		    plthook_fn *old);

#endif
