#!/bin/sh
# hostile: garbage, oversized, malformed and pipelined requests over raw
# sockets (tests/hostile.py). After each one the server must still answer
# GET /list with the expected listing, and still run.
. "$top_srcdir/tests/lib.sh"

need python3 sox
[ -x "$AS_SERVER" ] || [ -n "${AS_VALGRIND:-}" ] || bail "no as_server at $AS_SERVER"

LIB="$T/library"
mkdir -p "$LIB/Artist/Album"
make_tone "$LIB/Artist/Album/01 tone.wav" 0.3 || bail "sox failed"
make_tone "$LIB/b.flac" 0.3 || bail "sox failed"
printf '0:Artist/Album/01 tone.wav\n1:b.flac\n' >"$T/expected"

# Short timeouts: a request the server waits on must end within seconds.
start_server -l "$LIB" --header-timeout 3 --timeout 5 \
	--state-dir "$T/state"

timeout 170 python3 "$top_srcdir/tests/hostile.py" "$PORT" "$SERVER_PID" \
	"$LIB/Artist/Album/01 tone.wav" "$T/expected" >"$T/out"
rc=$?
tap_from "$T/out"
ok "$rc" "hostile.py ran to its end (status $rc)"

kill -0 "$SERVER_PID" 2>/dev/null
ok $? "the server is still running"
! grep -qE 'AddressSanitizer|runtime error|Assertion|Segmentation' \
	"$SERVER_LOG"
ok $? "no sanitizer report or crash in the server log"
plan "$_tap_n"
finish
