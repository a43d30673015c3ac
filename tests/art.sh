#!/bin/sh
# art: GET /art/<index> (APPS.md, "Cover art") through the real server on
# tracks made by tests/art-media.sh: pictures embedded in mp3 (the front
# cover of two), flac, m4a, ogg and opus come back byte for byte; folder
# images (any case) when nothing is embedded; 404 when there is none;
# ?size=N scaled by the longer side, never enlarged, as JPEG (checked with
# ffprobe); 400 for sizes out of range; ETag, Last-Modified, 304, HEAD; a
# corrupt picture fails alone; a changed picture gets a new ETag and new
# pixels; "art" in the JSON listing and the album pictures on the page.
. "$top_srcdir/tests/lib.sh"

need curl ffmpeg ffprobe python3
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

plan 56

L=$T/lib
sh "$top_srcdir/tests/art-media.sh" "$L" || bail "cannot make the media"
start_server -l "$L" --state-dir "$T/state"

# dims NAME: "WxH" of the picture in $T/NAME.body
dims() {
	ffprobe -v error -select_streams v:0 \
		-show_entries stream=width,height -of csv=s=x:p=0 \
		"$T/$1.body" 2>/dev/null
}

# arts: "path art" per track, from the JSON listing
arts() {
	curl_ "$URL/list?format=json" | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tracks"]:
    print(t["path"], str(t["art"]).lower())'
}

# Tags (and with them "art") are read in the background: wait for them.
tagged() { arts | grep -qx 'emb/05.opus true'; }
wait_for 20 tagged || diag "tags not read within 20 s"
list_now || bail "no listing"

cat >"$T/arts.want" <<'EOF'
corrupt/01.wav true
emb/01 front.mp3 true
emb/02.flac true
emb/03.m4a true
emb/04.ogg true
emb/05.opus true
folder/01.wav true
none/01.wav false
small/01.wav true
tall/01.wav true
EOF
arts >"$T/arts.got"
cmp -s "$T/arts.got" "$T/arts.want"
ok $? 'the JSON listing says "art" true or false for every track'

# --- embedded pictures: the front cover's own bytes ---------------------
for p in "emb/01 front.mp3" emb/02.flac emb/03.m4a emb/04.ogg emb/05.opus; do
	i=$(index_of "$p")
	is "$(fetch e "$URL/art/$i")" 200 "$p: 200"
	is "$(hdr e Content-Type)" image/jpeg "$p: image/jpeg"
	cmp -s "$T/e.body" "$L/.src/front.jpg"
	ok $? "$p: the embedded front cover, byte for byte"
done

# --- folder images, none --------------------------------------------------
i=$(index_of folder/01.wav)
is "$(fetch f "$URL/art/$i")" 200 "folder image: 200"
is "$(hdr f Content-Type)" image/png "folder image (COVER.Png): image/png"
cmp -s "$T/f.body" "$L/folder/COVER.Png"
ok $? "folder image: its bytes"

i=$(index_of none/01.wav)
is "$(fetch n "$URL/art/$i")" 404 "no picture: 404"
error_body n
ok $? "no picture: one error line"
grep -q 'no picture' "$T/n.body"
ok $? "no picture: the message says so"
is "$(fetch n "$URL/art/99")" 404 "an index past the library: 404"
grep -q '10 tracks' "$T/n.body"
ok $? "an index past the library: the message says how many tracks"

# --- scaling --------------------------------------------------------------
i=$(index_of "emb/01 front.mp3")
is "$(fetch s "$URL/art/$i?size=100")" 200 "?size=100: 200"
is "$(hdr s Content-Type)" image/jpeg "?size=100: image/jpeg"
is "$(dims s)" 100x67 "600x400 at ?size=100 is 100x67"
i=$(index_of tall/01.wav)
fetch s "$URL/art/$i?size=300" >/dev/null
is "$(dims s)" 100x300 "300x900 at ?size=300 is 100x300 (the longer side)"
i=$(index_of small/01.wav)
fetch s "$URL/art/$i?size=1024" >/dev/null
is "$(dims s)" 40x30 "40x30 at ?size=1024 stays 40x30 (never enlarged)"
fetch s "$URL/art/$i?size=16" >/dev/null
is "$(dims s)" 16x12 "40x30 at ?size=16 is 16x12"

i=$(index_of "emb/01 front.mp3")
for bad in 15 1025 0 -20 abc 3e2 ''; do
	is "$(fetch b "$URL/art/$i?size=$bad")" 400 "?size=$bad: 400"
done
error_body b && grep -q '16 to 1024' "$T/b.body"
ok $? "a bad size: one error line naming the range 16 to 1024"

# --- validators -----------------------------------------------------------
fetch v "$URL/art/$i" >/dev/null
etag=$(hdr v ETag)
lm=$(hdr v Last-Modified)
[ -n "$etag" ] && [ -n "$lm" ]
ok $? "ETag ($etag) and Last-Modified ($lm)"
is "$(fetch v2 "$URL/art/$i" -H "If-None-Match: $etag")" 304 \
	"If-None-Match with the ETag: 304"
[ ! -s "$T/v2.body" ]
ok $? "the 304 has no body"
is "$(fetch v2 "$URL/art/$i" -H "If-Modified-Since: $lm")" 304 \
	"If-Modified-Since at Last-Modified: 304"
fetch v3 "$URL/art/$i?size=64" >/dev/null
etag64=$(hdr v3 ETag)
[ -n "$etag64" ] && [ "$etag64" != "$etag" ]
ok $? "a scaled picture has an ETag of its own"
is "$(fetch v3 "$URL/art/$i?size=64" -H "If-None-Match: $etag64")" 304 \
	"a scaled picture: 304 too"
is "$(fetch h "$URL/art/$i" -I)" 200 "HEAD: 200"
# curl -I writes the headers as the body: nothing else may follow them
cmp -s "$T/h.body" "$T/h.hdr" && [ "$(hdr h Content-Length)" = \
	"$(size_of "$L/.src/front.jpg")" ]
ok $? "HEAD: the picture's Content-Length, no body"

# --- a corrupt picture fails alone ----------------------------------------
c=$(index_of corrupt/01.wav)
is "$(fetch c "$URL/art/$c?size=64")" 500 "a JPEG cut short, scaled: 500"
error_body c && grep -q 'cannot be scaled' "$T/c.body"
ok $? "a JPEG cut short: one error line that says it cannot be scaled"
is "$(fetch e "$URL/art/$i?size=100")" 200 \
	"after it, other pictures are still served"

# --- a changed picture is a new picture (the cache is keyed by it) --------
f=$(index_of folder/01.wav)
fetch g1 "$URL/art/$f?size=200" >/dev/null
is "$(dims g1)" 200x150 "the folder image at ?size=200: 200x150"
ffmpeg -nostdin -v error -y -f lavfi -i color=blue:size=100x400 \
	-frames:v 1 "$T/new.png" && mv "$T/new.png" "$L/folder/COVER.Png"
fetch g2 "$URL/art/$f?size=200" >/dev/null
is "$(dims g2)" 50x200 "replaced by a 100x400 image: 50x200 at once"
[ "$(hdr g2 ETag)" != "$(hdr g1 ETag)" ]
ok $? "and a new ETag"

# --- the page -------------------------------------------------------------
fetch page "$URL/?format=html" >/dev/null
e=$(index_of "emb/01 front.mp3")
grep -q "<img src=\"/art/$e?size=96\" width=\"48\" height=\"48\" loading=\"lazy\"" \
	"$T/page.body"
ok $? "the page heads the emb album with its picture, lazy and sized"
is "$(grep -o '<img src="/art/' "$T/page.body" | wc -l | tr -d ' ')" 5 \
	"one picture per album that has one (5 of 6)"

# --- "art" survives a restart through the tag cache ----------------------
# The cache is trusted for unchanged files: a mark taken out of it by hand
# shows in the listing after a restart, which proves "art" came from it.
stop_server
tab=$(printf '\t')
grep -c "$tab@art\$" "$T"/state/tags-*.tsv >"$T/nart" 2>/dev/null
is "$(cat "$T/nart")" 9 "the tag cache marks the 9 tracks with a picture"
for c in "$T"/state/tags-*.tsv; do
	sed "/^small\/01.wav$tab/s/$tab@art\$//" "$c" >"$c.new" &&
		mv "$c.new" "$c"
done
start_server -l "$L" --state-dir "$T/state"
sed 's/^small\/01.wav true$/small\/01.wav false/' "$T/arts.want" \
	>"$T/arts.want2"
arts >"$T/arts.got"
cmp -s "$T/arts.got" "$T/arts.want2"
ok $? 'after a restart, "art" comes from the tag cache'

finish
