/*
 * users: the accounts of the Subsonic API (--users FILE) and the checks of
 * its authentication parameters.
 *
 * The file holds lines "name:password"; '#' starts a comment line, blank
 * lines are skipped. It must not be readable by group or others, since it
 * holds passwords in the clear (the Subsonic token scheme needs them).
 */
#ifndef AS_USERS_H
#define AS_USERS_H

#include <stdbool.h>
#include <stddef.h>

#define USERS_FILE_MAX (1024 * 1024) /* bytes of a users file */
#define USERS_MAX 4096		     /* accounts in one file */
#define USERS_NAME_MAX 64	     /* bytes of a user name */
#define USERS_PASSWORD_MAX 128	     /* bytes of a password */
#define USERS_SALT_MAX 128	     /* bytes of a token's salt (s) */

struct users;

enum users_auth {
	USERS_AUTH_OK = 0,
	USERS_AUTH_MISSING, /* u, or both t+s and p, absent (API code 10) */
	USERS_AUTH_WRONG,   /* unknown user or wrong password (code 40) */
};

/*
 * Parse a users file's text buf[0, len) (need not be NUL-terminated).
 * NULL with a malloc'd *cause (NULL when out of memory) that names the line
 * and what is wrong with it. Free the result with users_free.
 */
struct users *users_parse(const char *buf, size_t len, char **cause);

/*
 * Read and parse the file at path; refused when group or others may read
 * or write it, when it is not a regular file or larger than
 * USERS_FILE_MAX. NULL with a malloc'd *cause, as users_parse.
 */
struct users *users_load(const char *path, char **cause);

void users_free(struct users *u);

size_t users_count(const struct users *u);

/* Is there an account named name? */
bool users_exists(const struct users *u, const char *name);

/*
 * Check one request's credentials: user name u, and either token t with
 * salt s (t = hex MD5(password + s)) or password p (plain, or "enc:" and
 * its hex). Any argument may be NULL (absent). The comparisons take the
 * same time whatever the password, and whether the user exists.
 */
enum users_auth users_check(const struct users *users, const char *u,
			    const char *t, const char *s, const char *p);

#endif
