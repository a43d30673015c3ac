#!/bin/sh
# client-stream-resume: nothing is lost when `stream` or `stream+`
# breaks. The real as_server is SIGKILLed while the player waits behind a
# gate, and replaced by a new one on the same port over the same library:
# the client resumes at the byte its buffer ends with Range and If-Range,
# and the player gets every byte once (cmp of what a cat player got; mpv's
# PCM equals its decoding of the track), and stream+ saves the track
# byte-identical. When every try fails: exit 1, a clear message, and the
# .part (with the server's ETag) that a later get resumes.
. "$top_srcdir/tests/lib.sh"

need curl cmp sox mpv
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
[ -x "$AS_CLIENT" ] || bail "no as_client at $AS_CLIENT"

plan 17

. "$top_srcdir/tests/resume-lib.sh"

# --- 6. stream: the server killed and replaced; the player misses nothing -
# The player takes 1 MiB, then waits for $T/go: the client's buffer fills
# and the transfer pauses. The server dies; the player goes on; the client
# finds the break, says so, and retries until the new server is up.
MPV='mpv --no-config --no-video --really-quiet --ao=pcm'
GATE="dd bs=65536 count=16 iflag=fullblock 2>/dev/null; touch $T/paused; \
while [ ! -e $T/go ]; do sleep 0.05; done; cat"

# gated NAME ARGS...: as_client ARGS in the background (CPID), output in
# $T/NAME.out and $T/NAME.err; returns once the player holds its first
# MiB and waits.
gated() {
	_n=$1
	shift
	rm -f "$T/paused" "$T/go"
	"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" --buffer-max 1M "$@" \
		>"$T/$_n.out" 2>"$T/$_n.err" </dev/null &
	CPID=$!
	track "$CPID"
	wait_for 20 test -e "$T/paused" || bail "the gated player did not start"
}

# finished NAME: wait up to 60 s for the client; RC is its exit status.
finished() {
	wait_for 60 gone "$CPID" || diag "$1: the client is still running"
	kill -KILL "$CPID" 2>/dev/null
	wait "$CPID"
	RC=$?
	sed 's/^/# stderr: /' "$T/$1.err"
}

gated s6 --player "{ $GATE; } >$T/played" stream "$BIG"
kill_server
touch "$T/go"
wait_for 30 grep -q 'trying again' "$T/s6.err"
ok $? "stream: the break is found while the server is down"
wait_for 30 grep -q 'Connection refused.*trying again' "$T/s6.err"
ok $? "stream: a try while the server is down is refused, and retried"
before=$(requests "GET /stream/$BIG .* 206 ")
start_same_port
finished s6
is "$RC" 0 "stream: exits 0 once the new server took over"
cmp -s "$T/played" "$LIB/big.wav"
ok $? "stream: the player got every byte once, no repeat, no gap (cmp)"
is "$(requests "GET /stream/$BIG .* 206 ")" "$((before + 1))" \
	"stream: the new server got one ranged request"
rm -f "$T/played"

# --- 7. stream+ through mpv: the same audio, the same file ---------------
$MPV --ao-pcm-file="$T/tone.ref" "$LIB/tone.wav" >/dev/null 2>&1 ||
	bail "mpv cannot decode tone.wav"
CL=$T/cplus
gated s7 -l "$CL" --player "{ $GATE; } | $MPV --ao-pcm-file=$T/tone.pcm -" \
	stream+ "$TONE"
kill_server
touch "$T/go"
wait_for 30 grep -q 'trying again' "$T/s7.err"
ok $? "stream+: the break is found"
start_same_port
finished s7
is "$RC" 0 "stream+: exits 0 once the new server took over"
cmp -s "$T/tone.pcm" "$T/tone.ref"
ok $? "stream+: mpv decoded exactly the track's audio"
cmp -s "$CL/tone.wav" "$LIB/tone.wav"
ok $? "stream+: the saved file is byte-identical"
[ ! -e "$CL/tone.wav.part" ] && [ ! -e "$CL/tone.wav.part.etag" ]
ok $? "stream+: no .part and no .part.etag left"

# --- 8. stream+: every try fails; a later get finishes the .part ----------
CL=$T/cplusfail
gated s8 -l "$CL" --player "{ $GATE; } >/dev/null" stream+ "$BIG"
kill_server
touch "$T/go"
finished s8
is "$RC" 1 "stream+, all tries fail: exit 1"
tail -n 1 "$T/s8.err" | grep -q "127.0.0.1 port $PORT" &&
	tail -n 1 "$T/s8.err" | grep -q 'gave up after 5 tries' &&
	tail -n 1 "$T/s8.err" | grep -q 'kept in .*big.wav.part'
ok $? "stream+, all tries fail: the message names the server, tries, .part"
tail -n 1 "$T/s8.err" | grep -q 'first broke with: .*transfer closed'
ok $? "stream+, all tries fail: the message says what broke first"
[ ! -e "$CL/big.wav" ] && [ -s "$CL/big.wav.part" ] &&
	grep -q '^".*"$' "$CL/big.wav.part.etag"
ok $? "stream+, all tries fail: the .part and the server's ETag stay"
start_same_port
before=$(requests "GET /stream/$BIG .* 206 ")
client -l "$CL" get "$BIG"
is "$RC" 0 "stream+, all tries fail: a later get exits 0"
is "$(requests "GET /stream/$BIG .* 206 ")" "$((before + 1))" \
	"stream+, all tries fail: the get resumed the .part (one 206)"
cmp -s "$CL/big.wav" "$LIB/big.wav"
ok $? "stream+, all tries fail: the file is then byte-identical"

finish
