#!/bin/sh
# rest-client: a Subsonic client we did not write drives as_server's
# /rest/: npm's subsonic-api (installed by .ci/deps into
# /var/cache/as/npm, or $AS_NPM_PREFIX), run by Debian's nodejs, with
# token authentication over GET and over form POST: ping, getArtists,
# search3, getAlbum, star, getStarred2, createPlaylist, stream, and a
# wrong password.
. "$top_srcdir/tests/lib.sh"

need node curl ffmpeg
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
SUBSONIC_API="${AS_NPM_PREFIX:-/var/cache/as/npm}/node_modules/subsonic-api"
[ -f "$SUBSONIC_API/lib/index.js" ] ||
	missing "npm's subsonic-api is not installed (sh .ci/deps)"
export SUBSONIC_API

L="$T/lib"
A="$L/Alpha Band/First Light"
mkdir -p "$A" "$T/raw"
make_tone "$T/raw/t.mp3" 2 || bail "cannot make an .mp3 file"
for n in 1 2; do
	title=Dawn
	[ $n = 2 ] && title=Noon
	ffmpeg -v error -nostdin -y -i "$T/raw/t.mp3" -c copy \
		-metadata title=$title -metadata artist="Alpha Band" \
		-metadata album="First Light" -metadata track=$n \
		"$A/0$n $title.mp3" || bail "cannot tag a file"
done
printf 'carol:c4r0l secret\n' >"$T/users"
chmod 600 "$T/users"

start_server -l "$L" --state-dir "$T/state" --users "$T/users"
tagged() {
	curl_ "$URL/rest/search3?u=carol&p=c4r0l%20secret&v=1&c=t&query=Noon" |
		grep -q 'title="Noon"'
}
wait_for 20 tagged || bail "the tags were not read within 20 s"

timeout 120 node "$top_srcdir/tests/rest/client.mjs" "$URL" carol \
	"c4r0l secret" "$A/01 Dawn.mp3" >"$T/out" 2>&1
echo "# node exited with $?"
tap_from "$T/out"
grep -v '^[01#] ' "$T/out" | sed 's/^/# /' | head -20
plan "$_tap_n"
finish
