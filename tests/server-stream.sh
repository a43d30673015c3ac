#!/bin/sh
# server-stream: every row of API.md's /stream table over real HTTP, on a
# generated library with every format, nested folders, odd names and the
# traps (hidden entries, non-audio files, links out of the library, a
# zero-byte track). Bodies are compared byte for byte with the files.
. "$top_srcdir/tests/lib.sh"

# The system python3 when there is one: a pyenv shim costs seconds a call.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

need curl python3 sox ffmpeg
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

# part FILE FIRST COUNT: COUNT bytes of FILE from offset FIRST.
part() {
	tail -c +$(($2 + 1)) "$1" | head -c "$3"
}

# lastmod FILE: the file's mtime as an IMF-fixdate.
lastmod() {
	LC_ALL=C date -u -r "$1" '+%a, %d %b %Y %H:%M:%S GMT'
}

# raw.py PORT TIMEOUT: one raw exchange (tests/raw.py).
RAW="$top_srcdir/tests/raw.py"

### the library ###############################################################

LIB="$T/library"
A="Artist One/Album A"
mkdir -p "$LIB/$A" "$LIB/Deep/a/b/c" "$LIB/odd" "$LIB/日本語" \
	"$LIB/.hid" "$T/outside" "$T/library-outside" "$LIB/dir.flac"
make_tone "$LIB/$A/01 tone.wav" 1 &&
	make_tone "$LIB/$A/02 tone.mp3" 1 &&
	make_tone "$LIB/Deep/a/b/c/deep.flac" 1 &&
	make_tone "$LIB/x.ogg" 1 &&
	make_tone "$LIB/y.oga" 1 &&
	make_tone "$LIB/z.opus" 1 &&
	make_tone "$LIB/m.m4a" 1 || bail "cannot make the tones"
ODD='odd/sp ace "q" #1 %20 ?x & é.mp3'
cp "$LIB/$A/02 tone.mp3" "$LIB/$ODD"
cp "$LIB/Deep/a/b/c/deep.flac" "$LIB/日本語/歌.FLAC"
cp "$LIB/x.ogg" "$LIB/dir.flac/in.ogg"
head -c 12000000 /dev/urandom >"$LIB/big.wav"
head -c 12000000 /dev/urandom >"$LIB/big2.wav"
: >"$LIB/empty.wav"
# Traps.
cp "$LIB/x.ogg" "$LIB/.hidden.ogg"
cp "$LIB/x.ogg" "$LIB/.hid/h.ogg"
echo notes >"$LIB/notes.txt"
echo jpeg >"$LIB/cover.jpg"
cp "$LIB/x.ogg" "$T/outside/o.ogg"
cp "$LIB/x.ogg" "$T/library-outside/p.ogg"
ln -s "$T/outside/o.ogg" "$LIB/out.ogg"
ln -s ../library-outside/p.ogg "$LIB/prefix.ogg"
ln -s ../library-outside "$LIB/prefixdir"
ln -s nowhere.ogg "$LIB/dangling.ogg"
ln -s x.ogg "$LIB/inlink.ogg"

# The tracks, sorted bytewise: what /list must say.
(cd "$LIB" && printf '%s\n' "$A/01 tone.wav" "$A/02 tone.mp3" \
	Deep/a/b/c/deep.flac x.ogg y.oga z.opus m.m4a "$ODD" \
	"日本語/歌.FLAC" dir.flac/in.ogg big.wav big2.wav empty.wav \
	inlink.ogg) | LC_ALL=C sort | awk '{ print NR - 1 ":" $0 }' \
	>"$T/want.list"
N=$(wc -l <"$T/want.list" | tr -d ' ')

start_server -l "$LIB"

is "$(fetch list "$URL/list")" 200 "GET /list"
cmp -s "$T/list.body" "$T/want.list"
r=$?
ok $r "/list holds exactly the $N tracks, bytewise sorted, no traps"
[ $r -eq 0 ] || diff "$T/want.list" "$T/list.body" | sed 's/^/# /'

# type_for PATH: the Content-Type API.md gives the extension.
type_for() {
	case $(printf %s "$1" | tr A-Z a-z) in
	*.wav) echo audio/wav ;;
	*.mp3) echo audio/mpeg ;;
	*.ogg | *.oga) echo audio/ogg ;;
	*.opus) echo audio/opus ;;
	*.flac) echo audio/flac ;;
	*.m4a) echo audio/mp4 ;;
	esac
}

### every track: 200 chunked, HEAD, bytes=0- ##################################

while IFS= read -r line; do
	i=${line%%:*}
	p=${line#*:}
	f="$LIB/$p"
	s=$(size_of "$f")
	[ "$s" -gt 0 ] || continue
	u="$URL/stream/$i"
	is "$(fetch get "$u")" 200 "GET $p: 200"
	is "$(hdr get Transfer-Encoding)" chunked "GET $p: chunked"
	cmp -s "$T/get.body" "$f"
	ok $? "GET $p: the body is the file"
	is "$(hdr get Content-Type)" "$(type_for "$p")" "GET $p: Content-Type"
	is "$(hdr get Accept-Ranges)" bytes "GET $p: Accept-Ranges: bytes"
	etag=$(hdr get ETag)
	printf %s "$etag" | grep -qE '^"[^"]+"$'
	ok $? "GET $p: a strong ETag ($etag)"
	is "$(hdr get Last-Modified)" "$(lastmod "$f")" "GET $p: Last-Modified"

	is "$(fetch head "$u" -I)" 200 "HEAD $p: 200"
	is "$(hdr head Content-Length)" "$s" "HEAD $p: Content-Length"
	no_hdr head Transfer-Encoding
	ok $? "HEAD $p: not chunked"
	is "$(hdr head ETag)" "$etag" "HEAD $p: the same ETag"
	is "$(hdr head Content-Type)" "$(type_for "$p")" "HEAD $p: Content-Type"

	is "$(fetch r0 "$u" -H 'Range: bytes=0-')" 206 "bytes=0- $p: 206"
	is "$(hdr r0 Content-Range)" "bytes 0-$((s - 1))/$s" \
		"bytes=0- $p: Content-Range"
	is "$(hdr r0 Content-Length)" "$s" "bytes=0- $p: Content-Length"
	no_hdr r0 Transfer-Encoding
	ok $? "bytes=0- $p: not chunked"
	cmp -s "$T/r0.body" "$f"
	ok $? "bytes=0- $p: the whole file"
done <"$T/want.list"

### ranges ####################################################################

P="$A/01 tone.wav"
F="$LIB/$P"
S=$(size_of "$F")
I=$(index_of "$P")
U="$URL/stream/$I"

fetch get "$U" >/dev/null
ETAG0=$(hdr get ETag)

# range_ok RANGE FIRST LAST: a 206 with exactly those bytes.
range_ok() {
	is "$(fetch rg "$U" -H "Range: $1")" 206 "$1: 206"
	is "$(hdr rg ETag)" "$ETAG0" "$1: the ETag"
	is "$(hdr rg Content-Type)" audio/wav "$1: Content-Type"
	is "$(hdr rg Accept-Ranges)" bytes "$1: Accept-Ranges"
	is "$(hdr rg Content-Range)" "bytes $2-$3/$S" "$1: Content-Range"
	is "$(hdr rg Content-Length)" $(($3 - $2 + 1)) "$1: Content-Length"
	part "$F" "$2" $(($3 - $2 + 1)) >"$T/rg.want"
	cmp -s "$T/rg.body" "$T/rg.want"
	ok $? "$1: exactly bytes $2-$3"
}

# range_416 RANGE: unsatisfiable.
range_416() {
	is "$(fetch rg "$U" -H "Range: $1")" 416 "$1: 416"
	is "$(hdr rg Content-Range)" "bytes */$S" "$1: Content-Range: bytes */$S"
	error_body rg
	ok $? "$1: the 416 body is an error: line"
}

# range_200 RANGE: ignored, the whole file as with no Range.
range_200() {
	is "$(fetch rg "$U" -H "Range: $1")" 200 "$1: ignored, 200"
	cmp -s "$T/rg.body" "$F"
	ok $? "$1: the whole file"
	no_hdr rg Content-Range
	ok $? "$1: no Content-Range"
}

range_ok "bytes=0-99" 0 99
range_ok "bytes=100-199" 100 199
range_ok "bytes=1000-" 1000 $((S - 1))
range_ok "bytes=-100" $((S - 100)) $((S - 1))
range_ok "bytes=0-0" 0 0
range_ok "bytes=$((S - 1))-" $((S - 1)) $((S - 1))
range_ok "bytes=10-$((S + 5000))" 10 $((S - 1))
range_ok "bytes=-$((S + 5000))" 0 $((S - 1))
range_ok "bytes=0-18446744073709551615" 0 $((S - 1))
range_416 "bytes=$S-"
range_416 "bytes=$((S + 1))-$((S + 100))"
range_416 "bytes=-0"
is "$(fetch rg "$U" -H "Range: bytes=$S-" -H 'Accept: application/json')" \
	416 "416 for a JSON caller"
"$PYTHON" -c 'import json,sys; e=json.load(open(sys.argv[1]))["error"]; assert e["status"] == 416 and e["message"]' \
	"$T/rg.body"
ok $? "416 for a JSON caller: a JSON error body"
range_200 "bytes=0-1,5-9"
range_200 "bytes=0-1, 100-"
range_200 "bytes=5-1"
range_200 "bytes=garbage"
range_200 "bytes=18446744073709551616-"
range_200 "items=0-1"
range_200 "bytes=1x-2"

### conditional requests ######################################################

fetch get "$U" >/dev/null
ETAG=$(hdr get ETag)
LM=$(hdr get Last-Modified)
OLD="Sun, 06 Nov 1994 08:49:37 GMT"
FUTURE="Fri, 01 Jan 2100 00:00:00 GMT"

is "$(fetch c "$U" -H 'Range: bytes=0-9' -H "If-Range: $ETAG")" 206 \
	"If-Range with the ETag: 206"
part "$F" 0 10 | cmp -s "$T/c.body" -
ok $? "If-Range with the ETag: the range"
is "$(fetch c "$U" -H 'Range: bytes=0-9' -H 'If-Range: "other"')" 200 \
	"If-Range with another ETag: 200"
cmp -s "$T/c.body" "$F"
ok $? "If-Range with another ETag: the whole file"
is "$(fetch c "$U" -H 'Range: bytes=0-9' -H "If-Range: W/$ETAG")" 200 \
	"If-Range with the weak ETag: 200 (a weak tag never matches)"
is "$(fetch c "$U" -H 'Range: bytes=0-9' -H "If-Range: $LM")" 206 \
	"If-Range with the Last-Modified date: 206"
is "$(fetch c "$U" -H 'Range: bytes=0-9' -H "If-Range: $OLD")" 200 \
	"If-Range with an older date: 200"

is "$(fetch c "$U" -H "If-None-Match: $ETAG")" 304 "If-None-Match: 304"
is "$(size_of "$T/c.body")" 0 "304: no body"
is "$(hdr c ETag)" "$ETAG" "304: the ETag"
# RFC 9110, 15.4.5: a 304's Content-Length, if any, is that of the 200.
is "$(hdr c Content-Length)" "$(size_of "$F")" \
	"304: Content-Length is the file's size, not 0"
is "$(fetch c "$U" -H "If-None-Match: \"a\", $ETAG, \"b\"")" 304 \
	"If-None-Match with a list: 304"
is "$(fetch c "$U" -H 'If-None-Match: *')" 304 "If-None-Match: * : 304"
is "$(fetch c "$U" -H "If-None-Match: W/$ETAG")" 304 \
	"If-None-Match with the weak tag: 304 (weak comparison)"
is "$(fetch c "$U" -H 'If-None-Match: "other"')" 200 \
	"If-None-Match with another tag: 200"
cmp -s "$T/c.body" "$F"
ok $? "If-None-Match with another tag: the whole file"
is "$(fetch c "$U" -I -H "If-None-Match: $ETAG")" 304 "HEAD If-None-Match: 304"

is "$(fetch c "$U" -H "If-Modified-Since: $LM")" 304 \
	"If-Modified-Since equal: 304"
is "$(fetch c "$U" -H "If-Modified-Since: $FUTURE")" 304 \
	"If-Modified-Since newer: 304"
is "$(fetch c "$U" -H "If-Modified-Since: $OLD")" 200 \
	"If-Modified-Since older: 200"
cmp -s "$T/c.body" "$F"
ok $? "If-Modified-Since older: the whole file"
is "$(fetch c "$U" -H "If-Modified-Since: garbage")" 200 \
	"If-Modified-Since garbage: 200"
is "$(fetch c "$U" -H 'If-None-Match: "other"' -H "If-Modified-Since: $LM")" \
	200 "If-None-Match present: If-Modified-Since ignored"

# If-Match (strong comparison) and If-Unmodified-Since: 412 when they no
# longer hold, checked before anything else (RFC 9110, 13.2.2).
is "$(fetch c "$U" -H "If-Match: $ETAG")" 200 "If-Match the ETag: 200"
cmp -s "$T/c.body" "$F"
ok $? "If-Match the ETag: the whole file"
is "$(fetch c "$U" -H 'If-Match: *')" 200 "If-Match: * : 200"
is "$(fetch c "$U" -H "If-Match: \"a\", $ETAG")" 200 \
	"If-Match with a list holding the ETag: 200"
is "$(fetch c "$U" -H 'If-Match: "other"')" 412 "If-Match another tag: 412"
grep -q '^error: precondition failed: the track is now ETag ' "$T/c.body"
ok $? "412: the message names the current ETag"
is "$(hdr c ETag)" "$ETAG" "412: the ETag header"
is "$(hdr c Content-Type)" "text/plain; charset=utf-8" "412: a text error"
is "$(fetch c "$U" -H "If-Match: W/$ETAG")" 412 \
	"If-Match the weak tag: 412 (strong comparison)"
is "$(fetch c "$U" -H 'If-Match: "other"' -H 'Range: bytes=0-9')" 412 \
	"If-Match another tag with a Range: 412, not 206"
is "$(fetch c "$U" -I -H 'If-Match: "other"')" 412 "HEAD If-Match another: 412"
is "$(fetch c "$U" -H "If-Match: $ETAG" -H "If-None-Match: $ETAG")" 304 \
	"If-Match holds, If-None-Match matches: 304"
is "$(fetch c "$U" -H "If-Unmodified-Since: $LM")" 200 \
	"If-Unmodified-Since equal: 200"
is "$(fetch c "$U" -H "If-Unmodified-Since: $OLD")" 412 \
	"If-Unmodified-Since older: 412"
is "$(fetch c "$U" -H "If-Unmodified-Since: garbage")" 200 \
	"If-Unmodified-Since garbage: ignored, 200"
is "$(fetch c "$U" -H "If-Match: $ETAG" -H "If-Unmodified-Since: $OLD")" 200 \
	"If-Match present: If-Unmodified-Since ignored"

### ?download=1 ###############################################################

# disposition NAME BASENAME: attachment; filename*=UTF-8''<pct-encoded>.
disposition() {
	"$PYTHON" - "$T/$1.hdr" "$2" <<'PY'
import os, re, sys, urllib.parse
want = os.fsencode(sys.argv[2]).decode("utf-8")
v = None
for line in open(sys.argv[1], "rb").read().split(b"\r\n"):
    k, _, val = line.partition(b":")
    if k.strip().lower() == b"content-disposition":
        v = val.strip().decode("latin-1")
assert v is not None, "no Content-Disposition"
assert re.match(r"attachment\s*;", v), v
m = re.search(r"filename\*=UTF-8''([^;\s]*)", v)
assert m, v
enc = m.group(1)
assert re.fullmatch(r"(?:[A-Za-z0-9!#$&+\-.^_`|~]|%[0-9A-Fa-f]{2})+", enc), enc
got = urllib.parse.unquote(enc, encoding="utf-8", errors="strict")
assert got == want, (got, want)
PY
}

for p in "$P" "$ODD" "日本語/歌.FLAC"; do
	i=$(index_of "$p")
	is "$(fetch dl "$URL/stream/$i?download=1")" 200 "download $p: 200"
	disposition dl "${p##*/}"
	ok $? "download $p: Content-Disposition attachment; filename*=UTF-8''..."
	cmp -s "$T/dl.body" "$LIB/$p"
	ok $? "download $p: the file"
done
fetch nodl "$U" >/dev/null
no_hdr nodl Content-Disposition
ok $? "no Content-Disposition without ?download=1"

### HTTP/1.0 ##################################################################

is "$(fetch h10 "$U" --http1.0)" 200 "HTTP/1.0 GET: 200"
no_hdr h10 Transfer-Encoding
ok $? "HTTP/1.0: not chunked"
cmp -s "$T/h10.body" "$F"
ok $? "HTTP/1.0: the whole file"
printf 'GET /stream/%s HTTP/1.0\r\n\r\n' "$I" |
	"$PYTHON" "$RAW" "$PORT" 10 >"$T/raw10"
ok $? "HTTP/1.0: the server closes the connection at the end"
"$PYTHON" - "$T/raw10" "$F" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
head, _, body = d.partition(b"\r\n\r\n")
assert b" 200 " in head.split(b"\r\n")[0], head[:40]
assert b"chunked" not in head.lower()
assert body == open(sys.argv[2], "rb").read(), (len(body))
PY
ok $? "HTTP/1.0 raw: close-delimited body, byte for byte"

### index forms ###############################################################

is "$(fetch ix "$URL/stream/000$I")" 200 "leading zeros: 200"
cmp -s "$T/ix.body" "$F"
ok $? "leading zeros: the same track"
for bad in "$N" 4294967296 18446744073709551616 \
	99999999999999999999999999; do
	is "$(fetch ix "$URL/stream/$bad")" 404 "/stream/$bad: 404"
	grep -qw "$N" "$T/ix.body"
	ok $? "/stream/$bad: the message says there are $N tracks"
	error_body ix
	ok $? "/stream/$bad: an error: line"
done
for bad in -1 +1 %201 1x 1%20 0x1 1.0 1%3F 1/ 1/x %2B1 1%00 ''; do
	is "$(fetch ix "$URL/stream/$bad")" 404 "/stream/$bad: 404"
done
is "$(fetch ix "$URL/stream/4294967296" -H 'Accept: application/json')" \
	404 "JSON 404 for a big index"
"$PYTHON" - "$T/ix.body" "$N" <<'PY'
import json, re, sys
e = json.load(open(sys.argv[1]))["error"]
assert e["status"] == 404 and re.search(r"\b%s\b" % sys.argv[2], e["message"]), e
PY
ok $? "JSON 404: status and the track count in the message"

### the zero-byte track #######################################################

Z=$(index_of empty.wav)
is "$(fetch z "$URL/stream/$Z")" 200 "zero-byte track: 200"
is "$(size_of "$T/z.body")" 0 "zero-byte track: an empty body"
is "$(fetch z "$URL/stream/$Z" -I)" 200 "zero-byte track: HEAD 200"
is "$(hdr z Content-Length)" 0 "zero-byte track: Content-Length: 0"
for r in 0- 0-0 -1 -0 5-; do
	is "$(fetch z "$URL/stream/$Z" -H "Range: bytes=$r")" 416 \
		"zero-byte track, bytes=$r: 416"
	is "$(hdr z Content-Range)" "bytes */0" \
		"zero-byte track, bytes=$r: Content-Range: bytes */0"
done

### links #####################################################################

is "$(index_of out.ogg)$(index_of prefix.ogg)$(index_of dangling.ogg)" "" \
	"links out of the library, the prefix trap and a dangling link: unlisted"
i=$(index_of inlink.ogg)
fetch lk "$URL/stream/$i" >/dev/null
cmp -s "$T/lk.body" "$LIB/x.ogg"
ok $? "a link inside the library streams its target"

### a stream survives its file being deleted or replaced ######################

# slow_stream PATH OUT: stream PATH at 4 MB/s into OUT, in the background.
slow_stream() {
	_i=$(index_of "$1")
	curl -sS --max-time 30 --limit-rate 4000k -o "$2" \
		"$URL/stream/$_i" &
	SLOW=$!
	track "$SLOW"
}
cp "$LIB/big.wav" "$T/big.ref"
cp "$LIB/big2.wav" "$T/big2.ref"

big_enough() { [ -f "$1" ] && [ "$(size_of "$1")" -gt 300000 ]; }

slow_stream big.wav "$T/big.out"
wait_for 10 big_enough "$T/big.out"
ok $? "a slow stream of big.wav has started"
rm "$LIB/big.wav"
wait "$SLOW"
ok $? "the stream of a deleted file ends well"
cmp -s "$T/big.out" "$T/big.ref"
ok $? "the stream of a deleted file delivers every original byte"

wait_for 5 unlisted big.wav
slow_stream big2.wav "$T/big2.out"
wait_for 10 big_enough "$T/big2.out"
ok $? "a slow stream of big2.wav has started"
head -c 12000000 /dev/urandom >"$T/new.wav"
mv "$T/new.wav" "$LIB/big2.wav"
wait "$SLOW"
ok $? "the stream of a replaced file ends well"
cmp -s "$T/big2.out" "$T/big2.ref"
ok $? "the stream of a replaced file delivers the original bytes"

### the open-file cache #######################################################

# Released files stay open (at most 64 of them) for the next request; what
# is served must still be what the path names now. The track's name sorts
# after every other (byte order, as /list is sorted), so when the watcher
# drops it its index names no other track, whichever of the watcher and
# the next request comes first.
ZC="🎵 cache.wav"
head -c 100000 /dev/urandom >"$LIB/$ZC"
wait_for 5 listed "$ZC"
zi=$(index_of "$ZC")
is "$(fetch c1 "$URL/stream/$zi")" 200 "a track, once"
cmp -s "$T/c1.body" "$LIB/$ZC"
ok $? "... its bytes"
head -c 100000 /dev/urandom >"$T/zz-new.wav"
mv "$T/zz-new.wav" "$LIB/$ZC"
is "$(fetch c2 "$URL/stream/$zi")" 200 "the same path, replaced by another file"
cmp -s "$T/c2.body" "$LIB/$ZC"
ok $? "... the new file's bytes, not the cached one's"
head -c 1000 /dev/urandom >>"$LIB/$ZC"
is "$(fetch c3 "$URL/stream/$zi")" 200 "the same file, grown in place"
cmp -s "$T/c3.body" "$LIB/$ZC"
ok $? "... all of it"
rm "$LIB/$ZC"
is "$(fetch c4 "$URL/stream/$zi")" 404 "the file deleted (its descriptor perhaps still cached): 404"

if [ -d "/proc/$SERVER_PID/fd" ]; then
	mkdir "$LIB/many"
	i=0
	while [ $i -lt 100 ]; do
		printf 'track %d' $i >"$LIB/many/$i.wav"
		i=$((i + 1))
	done
	wait_for 5 listed many/99.wav
	fds0=$(ls "/proc/$SERVER_PID/fd" | wc -l)
	for i in $(awk -F: '$2 ~ /^many\// { print $1 }' "$T/list.body"); do
		curl -s --max-time 5 -o /dev/null "$URL/stream/$i"
	done
	fds1=$(ls "/proc/$SERVER_PID/fd" | wc -l)
	[ "$fds1" -le $((fds0 + 64 + 2)) ]
	ok $? "100 tracks asked for once: at most 64 stay open ($fds0 -> $fds1)"
else
	ok 0 "# SKIP no /proc/PID/fd here"
fi

### one connection: sized streams, then a chunked one ########################
# Sized streams are shared file responses sent with sendfile(2), the
# chunked one is read into the connection's buffer: on one kept-alive
# connection, each answer must still be whole.
fetch list "$URL/list" >/dev/null
B="$URL/stream/$(index_of big2.wav)"
F="$LIB/big2.wav"
S=$(size_of "$F")
W='%{num_connects} %{http_code}\n'
curl -sS --max-time 60 -w "$W" -H 'Range: bytes=0-' -o "$T/ka1" "$B" \
	--next -sS --max-time 60 -w "$W" -H 'Range: bytes=1500000-' \
	-o "$T/ka2" "$B" \
	--next -sS --max-time 60 -w "$W" -o "$T/ka3" "$B" \
	--next -sS --max-time 60 -w "$W" -H 'Range: bytes=-100' \
	-o "$T/ka4" "$B" >"$T/ka.out" 2>"$T/ka.err"
is "$(tr '\n' ',' <"$T/ka.out")" "1 206,0 206,0 200,0 206," \
	"kept alive: 206, 206, 200, 206 on one connection"
cmp -s "$T/ka1" "$F" && cmp -s "$T/ka3" "$F" &&
	part "$F" 1500000 $((S - 1500000)) | cmp -s - "$T/ka2" &&
	part "$F" $((S - 100)) 100 | cmp -s - "$T/ka4"
ok $? "... every body whole"

is "$(http_code "$URL/health")" 200 "the server still answers"

plan "$_tap_n"
finish
