/*
 * parse: strict, bounded number parsing shared by the server and the client.
 */
#ifndef AS_PARSE_H
#define AS_PARSE_H

#include <stddef.h>
#include <stdint.h>

enum parse_result {
	PARSE_OK = 0,
	PARSE_SYNTAX = -1, /* empty, a sign, a space, any non-digit byte */
	PARSE_OVERFLOW =
		-2, /* only digits, but the value exceeds UINT64_MAX */
};

/*
 * Parse exactly len bytes of s as one or more ASCII decimal digits (leading
 * zeros allowed) into *out. s need not be NUL-terminated. *out is written
 * only on PARSE_OK.
 */
enum parse_result parse_u64(const char *s, size_t len, uint64_t *out);

/* parse_u64 over a whole NUL-terminated string. */
enum parse_result parse_u64_str(const char *s, uint64_t *out);

/* The value of the hexadecimal digit c (either case), -1 if it is none. */
int parse_hex_digit(char c);

#endif
