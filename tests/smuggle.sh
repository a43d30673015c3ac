#!/bin/sh
# smuggle: request-smuggling probes over raw sockets (tests/smuggle.py)
# against whichever libmicrohttpd this build uses (0.9.75 from Debian 12,
# or a 1.0.x prefix: .ci/run). No smuggled request is ever answered; the
# framings that server/reqcheck.c (or libmicrohttpd 1.0.5 and later)
# refuses get a 400 (411, 501) and a close; the server keeps serving.
. "$top_srcdir/tests/lib.sh"

need python3
[ -x "$AS_SERVER" ] || [ -n "${AS_VALGRIND:-}" ] || bail "no as_server at $AS_SERVER"
diag "libmicrohttpd ${AS_MHD_VERSION:-(version unknown)}"

mkdir -p "$T/library"
start_server -l "$T/library" --header-timeout 3 --timeout 5 \
	--state-dir "$T/state" --access-log "$T/access.log"

timeout 120 python3 "$top_srcdir/tests/smuggle.py" "$PORT" >"$T/out"
rc=$?
tap_from "$T/out"
ok "$rc" "smuggle.py ran to its end (status $rc)"

# The access log has a line for every request the server answered, on
# any connection: none of them may be a smuggled one. Each case's own
# connection is closed by then, so every line is written; /health on a
# new connection, logged after it, shows that the log is current.
curl_ -o /dev/null "$URL/health?end"
wait_for 5 grep -q 'health?end' "$T/access.log"
ok $? "the access log is written (the last request is in it)"
n=$(grep -c '/smuggled-' "$T/access.log")
is "$n" 0 "the access log shows no smuggled request"
[ "$n" -eq 0 ] || grep '/smuggled-' "$T/access.log" | sed 's/^/# /'

kill -0 "$SERVER_PID" 2>/dev/null
ok $? "the server is still running"
! grep -qE 'AddressSanitizer|runtime error|Assertion|Segmentation' \
	"$SERVER_LOG"
ok $? "no sanitizer report or crash in the server log"
plan "$_tap_n"
finish
