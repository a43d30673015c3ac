#!/bin/sh
# transcode: /stream/<index>?format=mp3|opus&bitrate=N&start=S (APPS.md,
# "Transcoding") through the real server and a real ffmpeg child: ffprobe
# sees the codec and bitrate asked, mpv decodes the stream to the source's
# duration, start seeks (shorter by S, and the same sound from S on), the
# decoded sound correlates with the source's, a file that already fits is
# served raw with ranges, bad parameters get a 400 naming what is
# accepted, a truncated and a random-byte file end only their own stream
# while another listener plays on, a listener who stops reading pauses
# its encoder, a listener who leaves ends it, --max-transcodes gives 503
# with Retry-After, the Subsonic stream method transcodes, and so does
# as_client stream --bitrate N.
. "$top_srcdir/tests/lib.sh"

need curl ffmpeg ffprobe mpv sox python3
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
PYTHON=python3
CORR="$top_srcdir/tests/pcmcorr.py"

L=$T/lib
mkdir -p "$L/a" "$L/bad" || bail "cannot make the library"
# A sweep: one alignment only, so the correlation also checks the timing.
sox -n -r 44100 -c 2 "$L/a/sweep.flac" synth 12 sine 100-3000 \
	sine 300-1200 vol 0.4 2>/dev/null || bail "sox failed"
sox -n -r 44100 -c 2 "$L/a/long.flac" synth 20 sine 200-900 vol 0.4 \
	2>/dev/null || bail "sox failed"
ffmpeg -v error -nostdin -i "$L/a/sweep.flac" -t 10 -c:a libmp3lame \
	-b:a 64k "$L/a/low.mp3" || bail "ffmpeg failed"
head -c 300000 "$L/a/sweep.flac" >"$L/bad/truncated.flac"
"$PYTHON" -c 'import random, sys
random.seed(18)
sys.stdout.buffer.write(bytes(random.getrandbits(8) for _ in range(200000)))' \
	>"$L/bad/random.mp3"
ffmpeg -v error -nostdin -i "$L/a/sweep.flac" -t 10 -c:a aac \
	"$T/whole.m4a" || bail "ffmpeg failed"
head -c 60000 "$T/whole.m4a" >"$L/bad/truncated.m4a"
printf 'alice:sesame\n' >"$T/users" && chmod 600 "$T/users"

start_server -l "$L" --state-dir "$T/state" --users "$T/users" \
	--max-transcodes 3
list_now || bail "no /list"
SWEEP=$(index_of a/sweep.flac)
LONG=$(index_of a/long.flac)
LOW=$(index_of a/low.mp3)
# Tags (durations) are read in the background: wait for X-Content-Duration.
has_duration() {
	curl_ -I "$URL/stream/$SWEEP?format=mp3" | grep -qi '^X-Content-Duration'
}
wait_for 20 has_duration || bail "no duration within 20 s"

# probe NAME FIELD: an ffprobe field of $T/NAME.body (stream, then format).
probe() {
	ffprobe -v error -show_entries "$2" -of csv=p=0 "$T/$1.body" |
		head -n 1
}
# decode OUT SOURCE: mpv's PCM of SOURCE, as a WAV file, with a deadline.
decode() {
	rm -f "$1"
	timeout 60 mpv --no-config --no-video --really-quiet --ao=pcm \
		--ao-pcm-file="$1" "$2" </dev/null >/dev/null 2>&1
}
# secs WAV: seconds of audio in an mpv ao-pcm file.
secs() {
	"$PYTHON" - "$1" <<'PY'
import os, struct, sys
with open(sys.argv[1], "rb") as f:
    h = f.read(64)
rate = struct.unpack_from("<I", h, 28)[0]
n = struct.unpack_from("<I", h, 16)[0]
print("%.4f" % ((os.path.getsize(sys.argv[1]) - (20 + n + 8)) / rate))
PY
}
# close A B TOLERANCE: |A - B| <= TOLERANCE.
close() {
	awk -v a="$1" -v b="$2" -v t="$3" \
		'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'
}
# above A B: A > B.
above() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }
# kbps NAME SECONDS: the body's bitrate over SECONDS.
kbps() {
	awk -v n="$(wc -c <"$T/$1.body")" -v s="$2" \
		'BEGIN { printf "%d", n * 8 / s / 1000 }'
}
# children: the server's ffmpeg children.
children() { pgrep -P "$SERVER_PID" -x ffmpeg; }
no_children() { ! children >/dev/null; }

# --- mp3 -----------------------------------------------------------------
is "$(fetch mp3 "$URL/stream/$SWEEP?format=mp3&bitrate=96")" 200 \
	"mp3 at 96 kbit/s: 200"
is "$(hdr mp3 Content-Type)" "audio/mpeg" "... audio/mpeg"
is "$(hdr mp3 Accept-Ranges)" "none" "... Accept-Ranges: none"
is "$(hdr mp3 X-Content-Duration)" "12.000" "... X-Content-Duration: 12.000"
is "$(hdr mp3 Transfer-Encoding)" "chunked" "... chunked"
is "$(hdr mp3 ETag)" "" "... no ETag"
is "$(probe mp3 stream=codec_name)" mp3 "ffprobe: mp3"
is "$(probe mp3 stream=bit_rate)" 96000 "ffprobe: 96 kbit/s"
decode "$T/mp3.wav" "$T/mp3.body"
d=$(secs "$T/mp3.wav")
close "$d" 12 0.1
ok $? "mpv decodes the mp3 to the source's 12 s within 0.1 s ($d)"
c=$("$PYTHON" "$CORR" "$L/a/sweep.flac" "$T/mp3.body" 0 3)
above "${c% *}" 0.9
ok $? "the mp3's sound correlates with the source's ($c)"

# --- opus -----------------------------------------------------------------
is "$(fetch opus "$URL/stream/$SWEEP?format=opus&bitrate=64")" 200 \
	"opus at 64 kbit/s: 200"
is "$(hdr opus Content-Type)" "audio/ogg; codecs=opus" \
	"... audio/ogg; codecs=opus"
is "$(probe opus stream=codec_name)" opus "ffprobe: opus"
r=$(kbps opus 12)
[ "$r" -ge 56 ] && [ "$r" -le 72 ]
ok $? "opus: 64 kbit/s asked, $r kbit/s sent"
decode "$T/opus.wav" "$T/opus.body"
d=$(secs "$T/opus.wav")
close "$d" 12 0.1
ok $? "mpv decodes the opus to the source's 12 s within 0.1 s ($d)"
c=$("$PYTHON" "$CORR" "$L/a/sweep.flac" "$T/opus.body" 0 3)
above "${c% *}" 0.9
ok $? "the opus's sound correlates with the source's ($c)"
is "$(fetch dflt "$URL/stream/$SWEEP?format=mp3")" 200 "no bitrate: 200"
is "$(probe dflt stream=bit_rate)" 128000 "... at the default 128 kbit/s"

# --- start -----------------------------------------------------------------
is "$(fetch start "$URL/stream/$SWEEP?format=opus&start=7.5")" 200 \
	"start=7.5: 200"
is "$(hdr start X-Content-Duration)" "12.000" \
	"... X-Content-Duration is still the source's"
decode "$T/start.wav" "$T/start.body"
d=$(secs "$T/start.wav")
close "$d" 4.5 0.1
ok $? "start=7.5 decodes to 4.5 s within 0.1 s ($d)"
c=$("$PYTHON" "$CORR" "$L/a/sweep.flac" "$T/start.body" 7.5 3)
above "${c% *}" 0.9
ok $? "... and sounds as the source from 7.5 s on ($c)"
c=$("$PYTHON" "$CORR" "$L/a/sweep.flac" "$T/start.body" 0 3)
above 0.5 "${c% *}"
ok $? "... not as the source from its start ($c)"

# --- HEAD, raw, and what fits already ---------------------------------------
is "$(fetch head "$URL/stream/$SWEEP?format=opus" -I)" 200 "HEAD: 200"
is "$(hdr head Content-Type)" "audio/ogg; codecs=opus" "... with the type"
is "$(curl -sI --max-time 5 -o /dev/null -w '%{size_download}' \
	"$URL/stream/$SWEEP?format=opus")" 0 "... and no body"
is "$(fetch raw "$URL/stream/$SWEEP?format=raw")" 200 "format=raw: 200"
cmp -s "$T/raw.body" "$L/a/sweep.flac"
ok $? "... the file as it is"
is "$(fetch fits "$URL/stream/$LOW?format=mp3&bitrate=128")" 200 \
	"a 64k mp3 asked as mp3 at 128: 200"
cmp -s "$T/fits.body" "$L/a/low.mp3"
ok $? "... the file as it is"
is "$(hdr fits Accept-Ranges)" bytes "... with ranges"
is "$(fetch fitr "$URL/stream/$LOW?format=mp3&bitrate=128" -r 0-99)" 206 \
	"... a range of it: 206"
is "$(fetch lower "$URL/stream/$LOW?format=mp3&bitrate=32")" 200 \
	"the same asked at 32: 200"
is "$(hdr lower Accept-Ranges)" none "... transcoded"
is "$(probe lower stream=bit_rate)" 32000 "... at 32 kbit/s"

# --- bad parameters ---------------------------------------------------------
bad() {
	is "$(fetch bad "$URL/stream/$SWEEP?$1")" 400 "$1: 400"
	grep -q "$2" "$T/bad.body"
	ok $? "... saying $2"
}
bad "format=aac" "mp3, opus or raw"
bad "format=mp3&bitrate=7" "from 8 to 320"
bad "format=mp3&bitrate=321" "from 8 to 320"
bad "format=mp3&bitrate=12k" "from 8 to 320"
bad "format=opus&start=-1" "number of seconds"
bad "format=opus&start=1e3" "number of seconds"
bad "format=opus&start=12" "past the end"
bad "bitrate=96" "add format=mp3 or format=opus"
bad "format=raw&start=3" "add format=mp3 or format=opus"
is "$(fetch none "$URL/stream/99?format=mp3")" 404 "no such track: 404"

# --- hostile files, while another listener plays ------------------------------
curl_ --max-time 60 --limit-rate 24k -o "$T/other.body" \
	"$URL/stream/$LONG?format=opus&bitrate=32" &
other=$!
track $other
for p in bad/truncated.flac bad/random.mp3 bad/truncated.m4a; do
	i=$(index_of "$p")
	for f in mp3 opus; do
		curl -s --max-time 20 -o /dev/null "$URL/stream/$i?format=$f"
		[ $? -ne 28 ]
		ok $? "$p as $f: the stream ends"
	done
done
is "$(http_code "$URL/health")" 200 "the server lives on"
grep -q "ffmpeg failed" "$SERVER_LOG"
ok $? "the failures are logged"
wait $other
ok $? "the other listener's stream completes"
decode "$T/other.wav" "$T/other.body"
d=$(secs "$T/other.wav")
close "$d" 20 0.1
ok $? "... and decodes to its 20 s ($d)"

# --- a listener who stops reading, one who leaves -----------------------------
"$PYTHON" - "$PORT" "$LONG" >"$T/stall.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall(b"GET /stream/%s?format=mp3&bitrate=320 HTTP/1.1\r\n"
          b"Host: 127.0.0.1\r\n\r\n" % sys.argv[2].encode())
s.recv(1000)
print("reading no more", flush=True)
time.sleep(30)
PY
staller=$!
track $staller
wait_for 10 grep -q "reading no more" "$T/stall.out"
# cpu PID: its CPU ticks so far.
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
blocked() {
	c1=$(cpu "$kid") && sleep 0.5 && c2=$(cpu "$kid") && [ "$c1" = "$c2" ]
}
kid=$(children | head -n 1)
wait_for 15 blocked
ok $? "a listener who stops reading pauses its encoder"
grep -q pipe_write "/proc/$kid/wchan" 2>/dev/null
ok $? "... which waits in write(2) on its pipe"
kill "$staller"
wait "$staller" 2>/dev/null
wait_for 10 no_children
ok $? "a listener who leaves ends its encoder"

# --- --max-transcodes -----------------------------------------------------------
for n in 1 2 3; do
	curl -s --max-time 60 --limit-rate 2k -o /dev/null \
		"$URL/stream/$LONG?format=mp3" &
	eval "slow$n=\$!"
	track $!
done
three() { [ "$(children | wc -l)" -eq 3 ]; }
wait_for 10 three || diag "not three encoders: $(children | wc -l)"
is "$(fetch busy "$URL/stream/$SWEEP?format=opus")" 503 \
	"past --max-transcodes 3: 503"
is "$(hdr busy Retry-After)" 5 "... with Retry-After"
grep -q "max-transcodes" "$T/busy.body"
ok $? "... saying why"
is "$(http_code "$URL/stream/$SWEEP")" 200 "the file as it is still comes"
kill "$slow1"
free_place() {
	[ "$(http_code "$URL/stream/$SWEEP?format=opus&bitrate=8")" = 200 ]
}
wait_for 10 free_place
ok $? "a place freed serves the next transcode"
kill "$slow2" "$slow3"
wait_for 10 no_children
ok $? "no encoder left behind"

# --- Subsonic stream ------------------------------------------------------------
REST="u=alice&p=sesame&v=1.16.1&c=t"
song_id() {
	curl_ "$URL/rest/search3?$REST&f=json&query=&songCount=50" |
		"$PYTHON" -c '
import json, sys
for s in json.load(sys.stdin)["subsonic-response"]["searchResult3"]["song"]:
    if s["path"].endswith("sweep.flac"):
        print(s["id"])'
}
id=$(song_id)
[ -n "$id" ]
ok $? "Subsonic: the sweep's song id"
is "$(fetch ss "$URL/rest/stream?$REST&id=$id&format=opus&maxBitRate=96")" \
	200 "Subsonic stream format=opus&maxBitRate=96: 200"
is "$(hdr ss Content-Type)" "audio/ogg; codecs=opus" "... Ogg Opus"
is "$(probe ss stream=codec_name)" opus "... ffprobe: opus"
r=$(kbps ss 12)
[ "$r" -ge 84 ] && [ "$r" -le 108 ]
ok $? "... at 96 kbit/s ($r)"
is "$(fetch sm "$URL/rest/stream?$REST&id=$id&maxBitRate=64")" 200 \
	"Subsonic stream maxBitRate=64 alone: 200"
is "$(probe sm stream=codec_name),$(probe sm stream=bit_rate)" \
	"mp3,64000" "... mp3 at 64 kbit/s"
is "$(fetch so "$URL/rest/stream?$REST&id=$id&format=mp3&timeOffset=9")" \
	200 "Subsonic stream timeOffset=9: 200"
decode "$T/so.wav" "$T/so.body"
d=$(secs "$T/so.wav")
close "$d" 3 0.1
ok $? "... decodes to 3 s ($d)"
is "$(fetch sr "$URL/rest/stream?$REST&id=$id&format=raw&maxBitRate=64")" \
	200 "Subsonic stream format=raw: 200"
cmp -s "$T/sr.body" "$L/a/sweep.flac"
ok $? "... the file as it is"

# --- as_client stream --bitrate ---------------------------------------------------
timeout 60 "$AS_CLIENT" -a 127.0.0.1 -p "$PORT" --player "cat >$T/cli.body" \
	stream --bitrate 48 "$SWEEP" >"$T/cli.out" 2>&1
ok $? "as_client stream --bitrate 48 plays"
is "$(probe cli stream=codec_name),$(probe cli stream=bit_rate)" \
	"mp3,48000" "... mp3 at 48 kbit/s"
grep -q "GET /stream/$SWEEP?format=mp3&bitrate=48 " "$SERVER_LOG"
ok $? "... asked with format=mp3&bitrate=48"
timeout 20 "$AS_CLIENT" -a 127.0.0.1 -p "$PORT" --player "cat >/dev/null" \
	stream --bitrate 400 "$SWEEP" >"$T/cli.out" 2>&1
is $? 2 "as_client stream --bitrate 400: a usage error"
grep -q "from 8 to 320" "$T/cli.out"
ok $? "... saying what is accepted"

stop_server
plan "$_tap_n"
finish
