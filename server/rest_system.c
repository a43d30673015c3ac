/*
 * rest_system: ping, getLicense, getOpenSubsonicExtensions,
 * getMusicFolders and getUser.
 */
#include "rest.h"

#include <string.h>

static int
ping(struct rest_call *c)
{
	(void)c;
	return 0;
}

static int
get_license(struct rest_call *c)
{
	return rest_set(c, c->doc, "license", json_pack("{s:b}", "valid", 1));
}

/* The OpenSubsonic extensions this server implements, with versions. */
static int
get_extensions(struct rest_call *c)
{
	return rest_set(c, c->doc, "openSubsonicExtensions",
			json_pack("[{s:s, s:[i]}]", "name", "formPost",
				  "versions", 1));
}

static int
get_music_folders(struct rest_call *c)
{
	return rest_set(c, c->doc, "musicFolders",
			json_pack("{s:[{s:i, s:s}]}", "musicFolder", "id",
				  REST_MUSIC_FOLDER, "name", "Music"));
}

/* Every user may stream, download, keep playlists and scrobble; none
 * administers (there is nothing to administer through the API). */
static int
get_user(struct rest_call *c)
{
	const char *name = rest_param(c->params, "username");

	if (name == NULL)
		return rest_fail(c, REST_ERR_MISSING,
				 "getUser needs username (the caller's own "
				 "name)");
	if (strcmp(name, c->user) != 0)
		return rest_fail(c, REST_ERR_FORBIDDEN,
				 "%s may only ask for their own user",
				 c->user);
	return rest_set(
		c, c->doc, "user",
		json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b, s:b,"
			  " s:b, s:b, s:b, s:b, s:[i]}",
			  "username", c->user, "scrobblingEnabled", 1,
			  "adminRole", 0, "settingsRole", 0, "downloadRole", 1,
			  "uploadRole", 0, "playlistRole", 1, "coverArtRole",
			  0, "commentRole", 0, "podcastRole", 0, "streamRole",
			  1, "jukeboxRole", 0, "shareRole", 0,
			  "videoConversionRole", 0, "folder",
			  REST_MUSIC_FOLDER));
}

const struct rest_method rest_system_methods[] = {
	{"ping", ping, NULL},
	{"getLicense", get_license, NULL},
	{"getOpenSubsonicExtensions", get_extensions, NULL},
	{"getMusicFolders", get_music_folders, NULL},
	{"getUser", get_user, NULL},
	{NULL, NULL, NULL},
};
