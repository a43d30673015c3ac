#!/bin/sh
# server-mpv: real players against as_server. mpv plays every format to the
# end over HTTP (decoded length equals the local decode within 0.1 s),
# seeks with --start (the remainder), and ffprobe reads the same duration
# over HTTP as from the file.
. "$top_srcdir/tests/lib.sh"

# The system python3 when there is one: a pyenv shim costs seconds a call.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

need curl python3 sox ffmpeg ffprobe mpv
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

SECS=4
START=1.5
FORMATS="wav mp3 ogg oga opus flac m4a"

LIB="$T/library"
mkdir -p "$LIB/mpv test"
for e in $FORMATS; do
	make_tone "$LIB/mpv test/tone $e.$e" $SECS ||
		bail "cannot make a $e tone"
done

start_server -l "$LIB"
list_now || bail "no /list"

# decode OUT SOURCE [MPV ARGS...]: mpv's PCM of SOURCE (a URL or a file),
# WAV header included, with a deadline.
decode() {
	_out=$1
	_src=$2
	shift 2
	rm -f "$_out"
	timeout 60 mpv --no-config --no-video --really-quiet --ao=pcm \
		--ao-pcm-file="$_out" "$@" "$_src" </dev/null >/dev/null 2>&1
}

# pcm_secs FILE: seconds of audio in an ao-pcm WAV file (its byte rate).
pcm_secs() {
	"$PYTHON" - "$1" <<'PY'
import os, struct, sys
with open(sys.argv[1], "rb") as f:
    h = f.read(64)
rate = struct.unpack_from("<I", h, 28)[0]
data = os.path.getsize(sys.argv[1]) - 44
if h[12:16] == b"fmt ":
    n = struct.unpack_from("<I", h, 16)[0]
    data = os.path.getsize(sys.argv[1]) - (20 + n + 8)
print("%.4f" % (data / rate))
PY
}

# close A B TOLERANCE: |A - B| <= TOLERANCE.
close() {
	awk -v a="$1" -v b="$2" -v t="$3" \
		'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}

# duration SOURCE: what ffprobe says.
duration() {
	timeout 30 ffprobe -v error -show_entries format=duration \
		-of default=noprint_wrappers=1:nokey=1 "$1" </dev/null
}

for e in $FORMATS; do
	p="mpv test/tone $e.$e"
	i=$(index_of "$p")
	[ -n "$i" ] || bail "$p is not listed"
	u="$URL/stream/$i"

	decode "$T/local.pcm" "$LIB/$p"
	ok $? "$e: mpv decodes the local file"
	decode "$T/net.pcm" "$u"
	ok $? "$e: mpv plays $u to the end"
	l=$(pcm_secs "$T/local.pcm")
	n=$(pcm_secs "$T/net.pcm")
	close "$l" $SECS 0.2 && [ -s "$T/net.pcm" ]
	ok $? "$e: the local decode is about ${SECS} s ($l s)"
	close "$n" "$l" 0.1
	ok $? "$e: over HTTP the same length within 0.1 s ($n s, local $l s)"

	decode "$T/seek.pcm" "$u" --start=$START
	ok $? "$e: mpv --start=$START over HTTP"
	s=$(pcm_secs "$T/seek.pcm")
	want=$(awk -v l="$l" -v s=$START 'BEGIN { printf "%.4f", l - s }')
	close "$s" "$want" 0.1
	ok $? "$e: --start=$START plays the remainder ($s s, want $want s)"

	dl=$(duration "$LIB/$p")
	dn=$(duration "$u")
	[ -n "$dn" ] && close "$dn" "$dl" 0.01
	ok $? "$e: ffprobe over HTTP gives the file's duration ($dn s, $dl s)"
done

plan "$_tap_n"
finish
