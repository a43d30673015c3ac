#!/bin/sh
# rest: the Subsonic API (/rest/) over a small tagged library, driven by
# tests/rest/check.py: every method in XML (each answer validated against
# tests/rest/subsonic.xsd with xmllint) and JSON (the same answer as the
# XML one, converted by the schema's rules), the authentication
# variants (token, plain, enc:, wrong, missing), the API's error codes,
# stars, ratings, plays and playlists per user and across a restart;
# getCoverArt's bytes, sizes and ETag the same as /art/<index>'s; the
# catalogue following files added and removed, its IDs unchanged; the
# users file refused when others can read it or a line is malformed, a
# wrong password logged without the password, and no /rest/ without
# --users.
. "$top_srcdir/tests/lib.sh"

PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3
need curl python3 ffmpeg sox xmllint
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
XSD="$top_srcdir/tests/rest/subsonic.xsd"

# --- a small tagged library ------------------------------------------------
L="$T/lib"
mkdir -p "$L/Alpha Band/First Light" "$L/The Zeta/Late" "$L/misc" "$T/raw"
# tagged SECONDS EXT DST TITLE ARTIST ALBUM TRACK YEAR GENRE
tagged() {
	make_tone "$T/raw/t.$2" "$1" || bail "cannot make a .$2 file"
	ffmpeg -v error -nostdin -y -i "$T/raw/t.$2" -map 0 -c copy \
		-metadata title="$4" -metadata artist="$5" \
		-metadata album="$6" -metadata track="$7" -metadata date="$8" \
		-metadata genre="$9" "$3" || bail "cannot tag $3"
}
A="$L/Alpha Band/First Light"
tagged 2 mp3 "$A/01 Dawn.mp3" Dawn "Alpha Band" "First Light" 1 2001 Rock
tagged 2 mp3 "$A/02 Roll.mp3" "Rock & <Roll>" "Alpha Band" "First Light" \
	2 2001 Rock
tagged 2 flac "$L/The Zeta/Late/01 Dusk.flac" Dusk "The Zeta" Late 1 1999 \
	Jazz
ffmpeg -v error -nostdin -y -f lavfi -i color=c=0x3366aa:s=400x300 \
	-frames:v 1 "$L/The Zeta/Late/cover.png" || bail "cannot make a PNG"
make_tone "$L/misc/tone.wav" 1 || bail "cannot make a .wav file"
make_tone "$L/misc/beep.ogg" 1 || bail "cannot make an .ogg file"
TRACKS=5

printf '# accounts\nalice:sesame\nbob:b0b-pw\n' >"$T/users"

# --- the users file ----------------------------------------------------------
chmod 600 "$T/users"
start_server -l "$L" --state-dir "$T/state"
is "$(http_code "$URL/rest/ping?u=alice&p=sesame&v=1.16.1&c=t")" 404 \
	"without --users, /rest/ is 404"
stop_server

# refused NAME FILE PATTERN: the server exits at once and says PATTERN
refused() {
	: >"$T/refused.log"
	"$AS_SERVER" -b 127.0.0.1 -p 0 -l "$L" --state-dir "$T/state" \
		--users "$2" >"$T/refused.log" 2>&1 &
	_p=$!
	track "$_p"
	wait_for 10 sh -c "! kill -0 $_p"
	ok $? "$1: the server does not start"
	grep -q "$3" "$T/refused.log"
	ok $? "$1: the message says '$3'"
	sed 's/^/# /' "$T/refused.log" | head -3
}
cp "$T/users" "$T/users.open" && chmod 644 "$T/users.open"
refused "a users file others can read" "$T/users.open" "others may read"
printf 'alice:sesame\nbob\n' >"$T/users.bad" && chmod 600 "$T/users.bad"
refused "a malformed users file" "$T/users.bad" "line 2: no ':'"
refused "a missing users file" "$T/nonexistent" "nonexistent"

# --- every method ----------------------------------------------------------
start_server -l "$L" --state-dir "$T/state" --users "$T/users" \
	--access-log "$T/access.log"
tagged_all() {
	curl_ -o "$T/s.xml" \
		"$URL/rest/search3?u=alice&p=sesame&v=1&c=t&query=Dusk" &&
		grep -q 'title="Dusk"' "$T/s.xml"
}
wait_for 20 tagged_all || bail "the tags were not read within 20 s"

export REST_STATE="$T/rest.json" REST_TRACKS=$TRACKS
export REST_SONG_FILE="$A/01 Dawn.mp3"
export REST_COVER_FILE="$L/The Zeta/Late/cover.png"
export REST_COVER_TRACK="The Zeta/Late/01 Dusk.flac"
"$PYTHON" "$top_srcdir/tests/rest/check.py" "$URL" "$XSD" alice sesame \
	bob b0b-pw main >"$T/main.out" 2>&1
tap_from "$T/main.out"
grep -v '^[01#] ' "$T/main.out" | sed 's/^/# /' | head -20

grep -q "wrong user name or password for 'alice' from 127.0.0.1" \
	"$SERVER_LOG"
ok $? "a wrong password is logged with the user and the address"
! grep -q "wrong-secret-42" "$SERVER_LOG"
ok $? "... without the password"
grep -q 'GET /rest/ping?u=alice&p=\[hidden\]&' "$T/access.log"
ok $? "the access log hides p= values"
grep -q '&t=\[hidden\]&' "$T/access.log"
ok $? "the access log hides t= values"
! grep -qE 'sesame|wrong-secret-42|26719a1196d2a940705a59634eb18eab' \
	"$T/access.log"
ok $? "no password or token in the access log"

# --- the catalogue follows the folder ----------------------------------------
# A new album appears in getArtists and search3 through the same rescans
# as /list, the IDs already given stay the same, and it goes when its
# file goes.
Q="u=alice&p=sesame&v=1.16.1&c=t"
ids() {
	curl_ "$URL/rest/getArtists?$Q" | grep -o 'id="ar-[0-9a-f]*"' | sort
}
ids >"$T/ids.before"
mkdir -p "$L/Omega/Later"
tagged 1 mp3 "$T/raw/new.mp3" "Fresh Frühling ÜBER" Omega "Поздно" 1 \
	2020 Pop
mv "$T/raw/new.mp3" "$L/Omega/Later/01 Fresh.mp3"
# search3_has QUERY: does search3 for QUERY find the new song?
search3_has() {
	curl_ -G --data-urlencode "query=$1" "$URL/rest/search3?$Q" |
		grep -q 'title="Fresh Frühling ÜBER"'
}
wait_for 20 search3_has Fresh
ok $? "a new file is found by search3 within 20 s"
for q in FRÜHLING über поздно "ПОЗДНО fresh"; do
	search3_has "$q"
	ok $? "search3 '$q' finds it: case folded beyond ASCII"
done
! search3_has "frühlingx"
ok $? "search3 'frühlingx' does not"
curl_ "$URL/rest/getArtists?$Q" | grep -q 'name="Omega"'
ok $? "... and its artist is in getArtists"
ids | comm -23 "$T/ids.before" - >"$T/ids.lost"
[ -s "$T/ids.before" ] && [ ! -s "$T/ids.lost" ]
ok $? "the artists' IDs stay the same across the rescan"
rm -r "$L/Omega"
gone() { ! curl_ "$URL/rest/getArtists?$Q" | grep -q 'name="Omega"'; }
wait_for 20 gone
ok $? "a removed file's artist leaves getArtists within 20 s"
stop_server

# --- after a restart ---------------------------------------------------------
start_server -l "$L" --state-dir "$T/state" --users "$T/users"
wait_for 20 tagged_all || bail "the tags were not read within 20 s"
"$PYTHON" "$top_srcdir/tests/rest/check.py" "$URL" "$XSD" alice sesame \
	bob b0b-pw restart >"$T/restart.out" 2>&1
tap_from "$T/restart.out"
grep -v '^[01#] ' "$T/restart.out" | sed 's/^/# /' | head -20
stop_server

plan "$_tap_n"
finish
