#!/bin/sh
# server-basic: as_server's command line, /health, the error answers (404,
# 405, JSON errors), keep-alive, HEAD, oversized and slow headers, idle
# timeouts, no descriptor leaks, and shutdown on SIGTERM/SIGINT within 2 s.
. "$top_srcdir/tests/lib.sh"

# The system python3 when there is one: a pyenv shim costs seconds a call.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

need curl python3 sox
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

# json_error NAME STATUS: {"error": {"status": N, "message": "..."}}.
json_error() {
	"$PYTHON" - "$T/$1.body" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
e = d["error"]
assert e["status"] == int(sys.argv[2]), e
assert isinstance(e["message"], str) and e["message"], e
PY
}

# raw.py PORT TIMEOUT: one raw exchange (tests/raw.py).
RAW="$top_srcdir/tests/raw.py"

# slow.py PORT SECONDS: trickle a never-ending header; print how many
# seconds passed until the server dropped the connection ("open" if not).
cat >"$T/slow.py" <<'PY'
import socket, sys, time
port, limit = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=limit)
t0 = time.monotonic()
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
s.settimeout(0.2)
while time.monotonic() - t0 < limit:
    try:
        s.sendall(b"X-Slow: y\r\n")
        if s.recv(4096) == b"":
            break
    except socket.timeout:
        continue
    except OSError:
        break
else:
    print("open")
    sys.exit(0)
print("%.1f" % (time.monotonic() - t0))
PY

LIB="$T/library"
mkdir -p "$LIB/Artist/Album"
make_tone "$LIB/Artist/Album/01 tone.wav" 0.5 || bail "sox failed"
make_tone "$LIB/tone.flac" 0.5 || bail "sox failed"

# run_server_fail NAME ARGS...: the server must exit non-zero within 10 s
# with a one-line message on stderr (info and debug lines aside; a second
# line such as a "try -h" hint is tolerated); sets RC and ERR.
run_server_fail() {
	_n=$1
	shift
	timeout 10 "$AS_SERVER" "$@" >"$T/$_n.out" 2>"$T/$_n.err" </dev/null
	RC=$?
	grep -vE '^[^ ]*: (info|debug): ' "$T/$_n.err" >"$T/$_n.msg"
	ERR=$(head -n 1 "$T/$_n.msg")
	[ "$RC" -ne 0 ] && [ "$RC" -ne 124 ] && [ "$RC" -lt 128 ]
	ok $? "$_n: exits non-zero (status $RC)"
	_lines=$(wc -l <"$T/$_n.msg")
	[ "$_lines" -ge 1 ] && [ "$_lines" -le 2 ]
	ok $? "$_n: a one-line error ($_lines lines): $ERR"
}

### command line ##############################################################

run_server_fail bad-option --no-such-option -l "$LIB"
printf %s "$ERR" | grep -q 'no-such-option'
ok $? "bad option: the error names the option"

run_server_fail bad-port -p notaport -l "$LIB"
run_server_fail port-too-big -p 70000 -l "$LIB"

run_server_fail missing-library -b 127.0.0.1 -p 0 -l "$T/no-such-dir"
printf %s "$ERR" | grep -q 'no-such-dir'
ok $? "missing library: the error names the folder"

run_server_fail file-as-library -b 127.0.0.1 -p 0 \
	-l "$LIB/Artist/Album/01 tone.wav"

timeout 10 "$AS_SERVER" -h >"$T/help.out" 2>&1
ok $? "-h exits 0"
grep -q -- '--port' "$T/help.out"
ok $? "-h describes --port"
timeout 10 "$AS_SERVER" --version >"$T/version.out" 2>&1
ok $? "--version exits 0"
[ -s "$T/version.out" ]
ok $? "--version prints the version"

start_server -l "$LIB"
FIRST_PID=$SERVER_PID
FIRST_PORT=$PORT

grep -qE '^[0-9]+$' "$_pf" && [ "$PORT" -gt 0 ] && [ "$PORT" -lt 65536 ]
ok $? "--port-file holds the bound port ($PORT), digits only"

run_server_fail port-in-use -b 127.0.0.1 -p "$FIRST_PORT" -l "$LIB"
printf %s "$ERR" | grep -qF "port $FIRST_PORT: Address already in use" &&
	printf %s "$ERR" | grep -qF "another server runs there"
ok $? "port in use: the error names the port and says it is in use"
kill -0 "$FIRST_PID"
ok $? "the first server still runs"

### /health, 404, 405 #########################################################

is "$(fetch health "$URL/health")" 200 "/health answers 200"
is "$(cat "$T/health.body")" ok "/health says ok"

for p in /nope /stream /stream/ /list/x /health/x /streams/0 \
	'/..%2f..%2fetc%2fpasswd' /favicon.ico; do
	is "$(fetch e404 "$URL$p")" 404 "GET $p: 404"
	error_body e404
	ok $? "GET $p: error: line as text/plain; charset=utf-8"
done

is "$(fetch j404 "$URL/nope" -H 'Accept: application/json')" 404 \
	"404 for a JSON caller"
case $(hdr j404 Content-Type) in application/json*) r=0 ;; *) r=1 ;; esac
ok $r "JSON 404: Content-Type application/json"
json_error j404 404
ok $? "JSON 404: {\"error\": {\"status\": 404, \"message\": ...}}"
# The error body is negotiated by Accept, so a cache must key on it.
for n in e404 j404; do
	vary_accept "$n"
	ok $? "$n: Vary: Accept on an error"
done

for m in POST PUT DELETE PATCH OPTIONS; do
	for p in /list /stream/0 /health /; do
		is "$(fetch e405 "$URL$p" -X "$m" --data-binary x)" 405 \
			"$m $p: 405"
		is "$(hdr e405 Allow)" "GET, HEAD" "$m $p: Allow: GET, HEAD"
	done
	error_body e405
	ok $? "$m: the 405 body is an error: line"
done
is "$(fetch j405 "$URL/list" -X POST -H 'Accept: application/json')" 405 \
	"405 for a JSON caller"
json_error j405 405
ok $? "JSON 405 body"
is "$(fetch e405b "$URL/list" -X BREW)" 405 "an unknown method: 405"

### HEAD and keep-alive #######################################################

for p in / /list '/list?format=json' /list.m3u /stream/0 /health /nope; do
	curl -sS --max-time 20 -I -D "$T/head.hdr" -o /dev/null "$URL$p"
	no_hdr head Transfer-Encoding
	ok $? "HEAD $p never says Transfer-Encoding"
done

printf 'HEAD /stream/0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' |
	"$PYTHON" "$RAW" "$PORT" 10 >"$T/rawhead" 
ok $? "HEAD over a raw socket: the server closes when asked"
"$PYTHON" - "$T/rawhead" <<'PY'
import sys
d = open(sys.argv[1], "rb").read()
head, sep, body = d.partition(b"\r\n\r\n")
assert head.startswith(b"HTTP/1.1 200"), head[:40]
assert sep and body == b"", len(body)
PY
ok $? "HEAD /stream/0 sends headers and no body"

for pair in "/health /health" "/nope /health" "/stream/0 /list" \
	"/list?format=json /stream/0" "/stream/99 /health"; do
	set -- $pair
	curl -sS -v --max-time 20 -o /dev/null -o /dev/null "$URL$1" "$URL$2" \
		2>"$T/keep.err"
	grep -q 'Re-using existing connection' "$T/keep.err"
	ok $? "keep-alive: curl reuses the connection for $1 then $2"
done
curl -sS -v --max-time 20 -o /dev/null -o /dev/null -r 0-9 \
	"$URL/stream/0" "$URL/stream/0" 2>"$T/keep.err"
grep -q 'Re-using existing connection' "$T/keep.err"
ok $? "keep-alive after a 206"
! grep -qi '^< connection: close' "$T/keep.err"
ok $? "no Connection: close on HTTP/1.1 answers"

### oversized and slow requests ###############################################

big=$("$PYTHON" -c 'print("a" * 1000000)')
printf 'GET /health HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n' "$big" |
	"$PYTHON" "$RAW" "$PORT" 10 >"$T/big.out"
st=$(head -c 12 "$T/big.out")
case $st in "" | "HTTP/1.1 431" | "HTTP/1.0 431") r=0 ;; *) r=1 ;; esac
ok $r "a 1 MB header: 431 or a close (got '$st')"
is "$(http_code "$URL/health")" 200 "the server answers after it"

printf 'GET /health HTTP/1.1\r\nHost: x\r\n%s\r\n' \
	"$("$PYTHON" -c 'print("".join("X-H%d: v\r\n" % i for i in range(20000)), end="")')" |
	"$PYTHON" "$RAW" "$PORT" 10 >"$T/many.out"
st=$(head -c 12 "$T/many.out")
case $st in "" | "HTTP/1.1 431" | "HTTP/1.0 431") r=0 ;; *) r=1 ;; esac
ok $r "20000 header lines: 431 or a close (got '$st')"

printf 'GET /%s HTTP/1.1\r\nHost: x\r\n\r\n' "$big" |
	"$PYTHON" "$RAW" "$PORT" 10 >"$T/longurl.out"
st=$(head -c 12 "$T/longurl.out")
case $st in "" | "HTTP/1.1 414" | "HTTP/1.1 431" | "HTTP/1.0 414") r=0 ;;
*) r=1 ;; esac
ok $r "a 1 MB request line: 414/431 or a close (got '$st')"
is "$(http_code "$URL/health")" 200 "the server answers after it"

printf 'GARBAGE\r\n\r\n' | "$PYTHON" "$RAW" "$PORT" 10 >"$T/garb.out"
st=$(head -c 12 "$T/garb.out")
case $st in "" | "HTTP/1.1 400" | "HTTP/1.0 400") r=0 ;; *) r=1 ;; esac
ok $r "a garbage request line: 400 or a close (got '$st')"
is "$(http_code "$URL/health")" 200 "the server answers after it"
stop_server

start_server -l "$LIB" --header-timeout 2 --timeout 3
t=$("$PYTHON" "$T/slow.py" "$PORT" 10)
case $t in open) r=1 ;; *) r=$(awk -v t="$t" 'BEGIN { print !(t <= 4.5) }') ;;
esac
timed $r "slowloris: a header trickling past --header-timeout 2 is dropped ($t s)"
is "$(http_code "$URL/health")" 200 "the server answers after it"

### descriptors ###############################################################

# fds: how many descriptors the server holds now.
fds() { ls "/proc/$SERVER_PID/fd" 2>/dev/null | wc -l; }
fds_back() { [ "$(fds)" -le $((FDS0 + 2)) ]; }

if [ -d "/proc/$SERVER_PID/fd" ]; then
	head -c 5000000 /dev/urandom >"$LIB/fdtest.wav"
	wait_for 5 listed fdtest.wav
	fdi=$(index_of fdtest.wav)
	# Both tracks once first: released files stay open for the next
	# request (up to 64), which is no leak.
	curl -s --max-time 5 "$URL/stream/0" "$URL/stream/$fdi" >/dev/null
	FDS0=$(fds)
	i=0
	while [ $i -lt 20 ]; do
		curl -s --max-time 5 "$URL/nope" "$URL/stream/99" \
			-r 999999999- "$URL/stream/0" "$URL/stream/x" >/dev/null
		curl -s --max-time 5 -X POST "$URL/list" >/dev/null
		curl -s --max-time 0.3 --limit-rate 20k -o /dev/null \
			"$URL/stream/$fdi"
		printf 'GARBAGE\r\n\r\n' |
			"$PYTHON" "$RAW" "$PORT" 5 >/dev/null
		i=$((i + 1))
	done
	wait_for 10 fds_back
	ok $? "no descriptor leaks after 140 bad or aborted requests ($FDS0 -> $(fds))"
else
	ok 0 "# SKIP no /proc/PID/fd here"
fi

stop_server

# idle.py PORT LIMIT: one request, then silence; print the seconds from
# the answer until the server closes ("open" if not after LIMIT seconds).
cat >"$T/idle.py" <<'PY'
import socket, sys, time
port, limit = int(sys.argv[1]), float(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port), timeout=limit)
s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
got = b""
while b"\r\n\r\nok" not in got:
    got += s.recv(4096)
t0 = time.monotonic()
try:
    while s.recv(4096):
        pass
    print("%.1f" % (time.monotonic() - t0))
except socket.timeout:
    print("open")
except OSError:
    print("%.1f" % (time.monotonic() - t0))
PY
start_server -l "$LIB" --timeout 2
t=$("$PYTHON" "$T/idle.py" "$PORT" 10)
case $t in open) r=1 ;; *) r=$(awk -v t="$t" 'BEGIN { print !(t <= 4.5) }') ;;
esac
timed $r "a kept-alive connection idle past --timeout 2 is closed ($t s)"

### The access log ############################################################

stop_server
start_server -l "$LIB" --access-log "$T/access.log"
curl_ -o /dev/null -A "probe/1" "$URL/list"
logged() { grep -q '"GET /list HTTP/1.1" 200 [0-9]* "-" "probe/1"$' "$T/access.log"; }
wait_for 5 logged
ok $? "--access-log FILE: a Combined Log Format line for GET /list"
stop_server
before=$(grep -c 'GET /' "$T/server.log")
start_server -l "$LIB" --access-log off
curl_ -o /dev/null "$URL/list"
curl_ -o /dev/null "$URL/health"
is "$(grep -c 'GET /' "$SERVER_LOG")" "$before" \
	"--access-log off: no access line anywhere"
[ ! -e off ]
ok $? "... and no file called off"

### SIGTERM and SIGINT ########################################################

stop_within TERM
[ "$STOP_MS" -lt 2000 ]
timed $? "SIGTERM: the server exits within 2 s ($STOP_MS ms)"
is "$STOP_RC" 0 "SIGTERM: exit status 0"

head -c 20000000 /dev/urandom >"$LIB/big.wav"
start_server -l "$LIB"
curl -s --max-time 30 --limit-rate 100k -o "$T/slow.body" \
	"$URL/stream/1" &
slowcurl=$!
track "$slowcurl"
wait_for 10 test -s "$T/slow.body"
ok $? "a slow stream is running"
stop_within TERM
[ "$STOP_MS" -lt 2000 ]
timed $? "SIGTERM with a slow stream in flight: exits within 2 s ($STOP_MS ms)"
wait "$slowcurl" 2>/dev/null

start_server -l "$LIB"
stop_within INT
[ "$STOP_MS" -lt 2000 ]
timed $? "SIGINT: the server exits within 2 s ($STOP_MS ms)"

plan "$_tap_n"
finish
