#!/bin/sh
# client-resume: nothing is lost when a transfer breaks. `get`, `stream`
# and `stream+` against the real as_server, which is SIGKILLed in the
# middle of a transfer and replaced by a new one on the same port over the
# same library: the client resumes with Range and If-Range (the ETag it
# kept beside the .part), and the saved file, and what the player got, are
# byte-identical to the track. Also the resume paths themselves: a .part
# that no longer fits (416: start over), a 206 that starts elsewhere (the
# .part is left alone), a body that ends short without a framing error
# (never becomes the final file), and all tries failing (exit 1, a clear
# message, the .part kept for a later get). tests/shim.py bends answers
# where the real server would not.
. "$top_srcdir/tests/lib.sh"

need curl python3 cmp sox mpv
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
[ -x "$AS_CLIENT" ] || bail "no as_client at $AS_CLIENT"

plan 53

LIB=$T/lib
mkdir -p "$LIB" || bail "mkdir"
# big.wav: 128 MiB, sparse, with 64 KiB of random bytes every 2 MiB, so a
# byte in the wrong place shows in cmp and the file costs no time to make.
truncate -s 128M "$LIB/big.wav" || bail "truncate"
i=0
while [ $i -lt 64 ]; do
	dd if=/dev/urandom of="$LIB/big.wav" bs=65536 count=1 \
		seek=$((i * 32 + i % 7)) conv=notrunc 2>/dev/null ||
		bail "dd"
	i=$((i + 1))
done
head -c 3000000 /dev/urandom >"$LIB/mid.wav" || bail "mid.wav"
make_tone "$LIB/tone.wav" 120 || bail "make_tone" # 21 MB
BIG=0
MID=1
TONE=2
ACCESS=$T/access.log
start_server -l "$LIB" --access-log "$ACCESS"
PF=$_pf # the port file start_server gave it
wait_for 10 listed tone.wav && [ "$(index_of mid.wav)" = "$MID" ] &&
	[ "$(index_of tone.wav)" = "$TONE" ] ||
	bail "the server did not list the library as expected"
MIDSIZE=$(stat -c %s "$LIB/mid.wav")

# client ARGS...: as_client on $CPORT (default: the server), bounded.
client() {
	timeout 60 "$AS_CLIENT" -a 127.0.0.1 -p "${CPORT:-$PORT}" "$@" \
		>"$T/out" 2>"$T/err" </dev/null
	RC=$?
}

# requests PATTERN: how many access-log lines match PATTERN.
requests() { grep -c "$1" "$ACCESS" 2>/dev/null || true; }

# size FILE: its size, 0 if missing.
size() { stat -c %s "$1" 2>/dev/null || echo 0; }

# gone PID: the process has exited (or is a zombie waiting for wait).
gone() {
	case $(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) in
	Z | X | "") return 0 ;;
	esac
	return 1
}

# kill_server: SIGKILL it, and reap it.
kill_server() {
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
}

# started FILE: wait (up to 20 s) until FILE exists and is not empty,
# without a fork per look: a transfer over loopback is far along in the
# 50 ms wait_for sleeps. Then stop the client (CPID) at once.
started() {
	_deadline=$(($(date +%s) + 20))
	_n=0
	while [ ! -s "$1" ]; do
		_n=$((_n + 1))
		if [ $((_n % 1000)) -eq 0 ] &&
			[ "$(date +%s)" -ge "$_deadline" ]; then
			return 1
		fi
	done
	kill -STOP "$CPID"
}

# start_same_port: a new server on the port the first one wrote to its
# port file, over the same library.
start_same_port() {
	_port=$(cat "$PF")
	"$AS_SERVER" -b 127.0.0.1 -p "$_port" -l "$LIB" \
		--access-log "$ACCESS" >>"$SERVER_LOG" 2>&1 &
	SERVER_PID=$!
	track "$SERVER_PID"
	wait_for 10 listed tone.wav || bail "no new server on port $_port"
	[ "$PORT" = "$_port" ] || bail "the port changed"
}

# --- 1. 416: a .part as long as the track does not fit: start over -------
CL=$T/c416
mkdir -p "$CL" && chmod 700 "$CL"
head -c "$MIDSIZE" /dev/urandom >"$CL/mid.wav.part"
# The ETag of the track, as if the .part had been saved from it: the
# server finds nothing past the end, a 416.
curl_ -sI "$URL/stream/$MID" | sed -n 's/^[Ee][Tt]ag: *\(.*\)\r$/\1/p' \
	>"$CL/mid.wav.part.etag"
grep -q '^".*"$' "$CL/mid.wav.part.etag" || bail "no ETag from the server"
before=$(requests "GET /stream/$MID .* 416 ")
client -l "$CL" get "$MID"
is "$RC" 0 "416 on resume: get exits 0"
is "$(requests "GET /stream/$MID .* 416 ")" "$((before + 1))" \
	"416 on resume: the server did answer 416"
cmp -s "$CL/mid.wav" "$LIB/mid.wav"
ok $? "416 on resume: the download restarted from zero (cmp)"
[ ! -e "$CL/mid.wav.part" ] && [ ! -e "$CL/mid.wav.part.etag" ]
ok $? "416 on resume: no .part and no .part.etag left"

# --- 2. a 206 that does not start at the .part's size ---------------------
python3 "$top_srcdir/tests/shim.py" "$T/shim.port" "$PORT" shift 1000 \
	>"$T/shim.log" 2>&1 &
track $!
wait_for 10 test -s "$T/shim.port" || bail "shim.py did not start"
SHIM=$(cat "$T/shim.port")
CL=$T/cshift
mkdir -p "$CL" && chmod 700 "$CL"
head -c 1000000 "$LIB/mid.wav" >"$CL/mid.wav.part"
cp "$CL/mid.wav.part" "$T/part.before"
curl_ -sI "$URL/stream/$MID" | sed -n 's/^[Ee][Tt]ag: *\(.*\)\r$/\1/p' \
	>"$CL/mid.wav.part.etag"
CPORT=$SHIM client -l "$CL" get "$MID"
is "$RC" 1 "206 at the wrong byte: get exits 1"
sed 's/^/# stderr: /' "$T/err"
grep -q 'does not start at byte 1000000' "$T/err"
ok $? "206 at the wrong byte: the message says where it should start"
grep -q 'range=bytes=1000000-' "$T/shim.log"
ok $? "206 at the wrong byte: the client asked from the .part's end"
cmp -s "$CL/mid.wav.part" "$T/part.before"
ok $? "206 at the wrong byte: nothing was appended to the .part"
[ ! -e "$CL/mid.wav" ]
ok $? "206 at the wrong byte: nothing at the final path"
client -l "$CL" get "$MID"
is "$RC" 0 "then a get from the real server completes it"
cmp -s "$CL/mid.wav" "$LIB/mid.wav"
ok $? "and the file is byte-identical"

# --- 3. bodies that end short: never the final file; all tries fail -------
python3 "$top_srcdir/tests/shim.py" "$T/cut.port" "$PORT" cut 100000 \
	>"$T/cut.log" 2>&1 &
track $!
wait_for 10 test -s "$T/cut.port" || bail "shim.py did not start"
CUT=$(cat "$T/cut.port")
CL=$T/ccut
t0=$(date +%s)
CPORT=$CUT client -l "$CL" get "$MID"
t1=$(date +%s)
is "$RC" 1 "short bodies: get exits 1 when every try ends short"
sed 's/^/# stderr: /' "$T/err"
[ ! -e "$CL/mid.wav" ]
ok $? "short bodies: a short body never becomes the final file"
is "$(grep -c '^GET /stream/' "$T/cut.log")" 5 "short bodies: five tries"
is "$(sed -n 's/^GET \/stream.*range=//p' "$T/cut.log" | tr '\n' ' ')" \
	"bytes=0- bytes=100000- bytes=200000- bytes=300000- bytes=400000- " \
	"short bodies: each try asks from where the last one ended"
is "$(size "$CL/mid.wav.part")" 500000 "short bodies: the .part keeps all"
grep -q "ended at byte 500000 of $MIDSIZE" "$T/err" &&
	grep -q 'gave up after 5 tries' "$T/err" &&
	grep -q 'mid.wav.part' "$T/err"
ok $? "short bodies: the last message says what, how often, what is kept"
grep -q "127.0.0.1 port $CUT" "$T/err"
ok $? "short bodies: the message names the server"
[ $((t1 - t0)) -ge 7 ] && [ $((t1 - t0)) -le 20 ]
ok $? "short bodies: the tries back off (0.5+1+2+4 s; took $((t1 - t0)) s)"
before=$(requests "GET /stream/$MID .* 206 ")
client -l "$CL" get "$MID"
is "$RC" 0 "short bodies: a later get finishes the .part"
is "$(requests "GET /stream/$MID .* 206 ")" "$((before + 1))" \
	"short bodies: ... with one ranged request (the ETag matched)"
cmp -s "$CL/mid.wav" "$LIB/mid.wav"
ok $? "short bodies: the file is byte-identical"
[ ! -e "$CL/mid.wav.part.etag" ]
ok $? "short bodies: the .part.etag went with the .part"

# --- 4. get: the server killed mid-transfer and replaced -----------------
# The client is stopped while the server dies and a new one starts on the
# same port: what the dead one sent is in the socket, then the end.
CL=$T/ckill
"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" -l "$CL" get "$BIG" \
	>"$T/out4" 2>"$T/err4" </dev/null &
CPID=$!
track "$CPID"
started "$CL/big.wav.part" || bail "get wrote nothing in 20 s"
[ "$(size "$CL/big.wav.part")" -lt 134217728 ] && ! gone "$CPID"
ok $? "get: in the middle of the transfer ($(size "$CL/big.wav.part") bytes)"
before=$(requests "GET /stream/$BIG .* 206 ")
kill_server
start_same_port
kill -CONT "$CPID"
wait_for 40 gone "$CPID"
ok $? "get: the client ends"
kill -KILL "$CPID" 2>/dev/null
wait "$CPID"
is "$?" 0 "get: exits 0 after the server was replaced on the same port"
sed 's/^/# stderr: /' "$T/err4"
cmp -s "$CL/big.wav" "$LIB/big.wav"
ok $? "get: the saved file is byte-identical"
grep -q 'trying again from byte' "$T/err4"
ok $? "get: the break is reported, with the byte it resumes from"
is "$(requests "GET /stream/$BIG .* 206 ")" "$((before + 1))" \
	"get: the new server got one ranged request and answered 206"
[ ! -e "$CL/big.wav.part" ] && [ ! -e "$CL/big.wav.part.etag" ]
ok $? "get: no .part and no .part.etag left"
rm -rf "$CL"

# --- 5. get: every try fails; the .part stays for a later get -------------
CL=$T/cfail
"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" -l "$CL" get "$BIG" \
	>"$T/out5" 2>"$T/err5" </dev/null &
CPID=$!
track "$CPID"
started "$CL/big.wav.part" || bail "get wrote nothing in 20 s"
kill_server
kill -CONT "$CPID"
wait_for 40 gone "$CPID"
ok $? "all tries fail: the client ends"
kill -KILL "$CPID" 2>/dev/null
wait "$CPID"
is "$?" 1 "all tries fail: exit 1"
sed 's/^/# stderr: /' "$T/err5"
tail -n 1 "$T/err5" | grep -q "127.0.0.1 port $PORT" &&
	tail -n 1 "$T/err5" | grep -q 'gave up after 5 tries' &&
	tail -n 1 "$T/err5" | grep -q 'kept in .*big.wav.part'
ok $? "all tries fail: the message names the server, the tries, the .part"
[ ! -e "$CL/big.wav" ] && [ -s "$CL/big.wav.part" ] &&
	[ -s "$CL/big.wav.part.etag" ]
ok $? "all tries fail: the .part and its ETag stay, nothing at the final path"
start_same_port
before=$(requests "GET /stream/$BIG .* 206 ")
client -l "$CL" get "$BIG"
is "$RC" 0 "all tries fail: a later get exits 0"
is "$(requests "GET /stream/$BIG .* 206 ")" "$((before + 1))" \
	"all tries fail: the later get resumes (one 206)"
cmp -s "$CL/big.wav" "$LIB/big.wav"
ok $? "all tries fail: the file is then byte-identical"
rm -rf "$CL"

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
