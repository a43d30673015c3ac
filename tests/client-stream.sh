#!/bin/sh
# client-stream: `stream` and `stream+` through real mpv writing PCM (the
# decoded audio equals mpv's decoding of the server's file), a player that
# exits at once, a missing player, a player that never reads (bounded
# memory, then Ctrl-C and a killed player), one request per stream+.
. "$top_srcdir/tests/lib.sh"

need sox mpv curl
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
[ -x "$AS_CLIENT" ] || bail "no as_client at $AS_CLIENT"

plan 39

LIB=$T/lib
mkdir -p "$LIB/Artist/Album" || bail "mkdir"
make_tone "$LIB/Artist/Album/01 song.flac" 2 || bail "make_tone"
make_tone "$LIB/tone.wav" 2 || bail "make_tone"
truncate -s 512M "$LIB/zz-huge.wav" || bail "truncate"
ACCESS=$T/access.log
start_server -l "$LIB" --access-log "$ACCESS"
wait_for 10 listed zz-huge.wav ||
	bail "the server did not list the library"

MPV='mpv --no-config --no-video --really-quiet --ao=pcm'

# client ARGS...: as_client on this server, bounded; sets RC.
client() {
	timeout 60 "$AS_CLIENT" -a 127.0.0.1 -p "$PORT" "$@" \
		>"$T/out" 2>"$T/err" </dev/null
	RC=$?
}

# decoded NAME FILE: mpv's own decoding of FILE into $T/NAME.ref.
decoded() {
	$MPV --ao-pcm-file="$T/$1.ref" "$2" >/dev/null 2>&1 ||
		bail "mpv cannot decode $2"
}

# same_audio NAME WHAT: the PCM in $T/NAME.pcm equals $T/NAME.ref.
same_audio() {
	is "$(stat -c %s "$T/$1.pcm" 2>/dev/null)" "$(stat -c %s "$T/$1.ref")" \
		"$2: decoded length equals the track's"
	cmp -s "$T/$1.pcm" "$T/$1.ref"
	ok $? "$2: decoded audio equals the track's"
}

# requests PATTERN: how many access-log lines match PATTERN.
requests() {
	grep -c "$1" "$ACCESS" 2>/dev/null || true
}

decoded wav "$LIB/tone.wav"
decoded flac "$LIB/Artist/Album/01 song.flac"
cp "$T/wav.ref" "$T/wav2.ref"
cp "$T/flac.ref" "$T/flac2.ref"
cp "$T/wav.ref" "$T/sh.ref"

# --- stream ---------------------------------------------------------------
client --player "$MPV --ao-pcm-file=$T/wav.pcm -" stream 1
is "$RC" 0 "stream (wav) exits 0"
same_audio wav "stream (wav)"
client --player "$MPV --ao-pcm-file=$T/flac.pcm -" stream 0
is "$RC" 0 "stream (flac) exits 0"
same_audio flac "stream (flac)"
AS_PLAYER="$MPV --ao-pcm-file=$T/sh.pcm -"
export AS_PLAYER
printf 'stream 1\nquit\n' | timeout 60 "$AS_CLIENT" -a 127.0.0.1 \
	-p "$PORT" >"$T/out" 2>"$T/err"
is "$?" 0 "shell: stream exits 0 (player from AS_PLAYER)"
same_audio sh "shell: stream"
unset AS_PLAYER

# --- stream+ ------------------------------------------------------------
before=$(requests 'GET /stream/0 ')
client -l "$T/cl" --player "$MPV --ao-pcm-file=$T/flac2.pcm -" stream+ 0
is "$RC" 0 "stream+ exits 0"
same_audio flac2 "stream+"
cmp -s "$T/cl/Artist/Album/01 song.flac" "$LIB/Artist/Album/01 song.flac"
ok $? "stream+ saves the server's bytes"
is "$(requests 'GET /stream/0 ')" "$((before + 1))" \
	"stream+ makes exactly one request"
printf 'stream+ 1\n' | timeout 60 "$AS_CLIENT" -a 127.0.0.1 -p "$PORT" \
	-l "$T/cl" --player "$MPV --ao-pcm-file=$T/wav2.pcm -" \
	>"$T/out" 2>"$T/err"
is "$?" 0 "shell: stream+ exits 0"
same_audio wav2 "shell: stream+"
cmp -s "$T/cl/tone.wav" "$LIB/tone.wav"
ok $? "shell: stream+ saves the server's bytes"

# --- players that quit ----------------------------------------------------
client --player true stream 1
is "$RC" 0 "stream with a player that exits at once: exit 0, no SIGPIPE"
client -l "$T/cl-true" --player true stream+ 1
is "$RC" 0 "stream+ with a player that exits at once exits 0"
cmp -s "$T/cl-true/tone.wav" "$LIB/tone.wav"
ok $? "stream+ still saves the whole file when the player quits"
client --player 'exit 3' stream 1
is "$RC" 1 "a player that fails makes stream exit 1"
grep -q 'status 3' "$T/err"
ok $? "its exit status is reported"
client --player 'no-such-player-xyz -' stream 1
is "$RC" 1 "a missing player exits 1"
grep -q 'not found.*get' "$T/err"
ok $? "a missing player is named and get is suggested"
client --player true stream 9
is "$RC" 1 "stream of an index past the end exits 1"
client --player true stream x
is "$RC" 2 "stream with a bad index is a usage error"

# --- a player that never reads ------------------------------------------
# The server has 512 MiB to send; the client may hold its 1 MiB buffer and
# what libcurl and the pipe keep, never the track.
HUGE=$(curl_ "$URL/list" | sed -n 's/^\([0-9]*\):zz-huge.wav$/\1/p')
"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" --buffer-max 1M \
	--player "echo \$\$ >$T/player.pid; exec sleep 30" stream "$HUGE" \
	>"$T/out" 2>"$T/err" </dev/null &
CPID=$!
track "$CPID"
wait_for 10 test -s "$T/player.pid"
ok $? "the player starts"
PPID_=$(cat "$T/player.pid")
track "$PPID_"
# Watch the client for 2 s: long enough to swallow 512 MiB on loopback.
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$CPID/status" 2>/dev/null; }
end=$(($(date +%s) + 2))
peak=0
while [ "$(date +%s)" -le "$end" ]; do
	h=$(hwm)
	[ -n "$h" ] && [ "$h" -gt "$peak" ] && peak=$h
	sleep 0.1
done
kill -0 "$CPID" 2>/dev/null
ok $? "the client waits while the player does not read"
cap=$(((1 + 16) * 1024))
if sanitized; then
	skip "peak memory stays under the 1 MiB cap + 16 MiB" \
		"ASan's shadow memory and quarantine (${peak} KiB)"
else
	[ "$peak" -gt 0 ] && [ "$peak" -lt "$cap" ]
	ok $? "peak memory ${peak} KiB stays under the 1 MiB cap + 16 MiB"
fi
kill -TERM "$PPID_"
wait_for 10 sh -c "! kill -0 $CPID"
ok $? "the client ends when the stalled player is killed"
wait "$CPID"
is "$?" 1 "a killed player makes stream exit 1"
grep -q 'signal 15' "$T/err"
ok $? "the player's death is reported"

# Ctrl-C (SIGINT) during a stalled stream stops that transfer only.
rm -f "$T/player.pid"
"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" --buffer-max 1M \
	--player "echo \$\$ >$T/player.pid; exec sleep 30" stream "$HUGE" \
	>"$T/out" 2>"$T/err" </dev/null &
CPID=$!
track "$CPID"
wait_for 10 test -s "$T/player.pid"
PPID_=$(cat "$T/player.pid")
track "$PPID_"
kill -INT "$CPID"
wait_for 10 sh -c "! kill -0 $CPID"
ok $? "SIGINT ends a one-shot stream"
wait "$CPID"
is "$?" 1 "an interrupted stream exits 1"
wait_for 10 sh -c "! kill -0 $PPID_"
ok $? "the player is stopped too"

# In the shell, SIGINT ends the transfer and the shell goes on.
rm -f "$T/player.pid"
mkfifo "$T/in"
"$AS_CLIENT" -a 127.0.0.1 -p "$PORT" --buffer-max 1M \
	--player "echo \$\$ >$T/player.pid; exec sleep 30" \
	<"$T/in" >"$T/out" 2>"$T/err" &
CPID=$!
track "$CPID"
exec 9>"$T/in"
echo "stream $HUGE" >&9
wait_for 10 test -s "$T/player.pid"
kill -INT "$CPID"
echo "list" >&9
echo "quit" >&9
exec 9>&-
wait_for 10 sh -c "! kill -0 $CPID"
ok $? "shell: SIGINT stops the stream, quit ends the shell"
wait "$CPID"
is "$?" 0 "shell: exits 0 after an interrupted stream"
grep -q 'tone.wav' "$T/out"
ok $? "shell: list runs after the interrupted stream"

finish
