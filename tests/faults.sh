#!/bin/sh
# faults: files deleted or truncated while streamed, the library folder
# renamed away and back or made unreadable under a running server, SIGTERM
# during 20 streams, and access control: TLS (--cert/--key), the shared
# token (--token-file), CORS (--cors) and --max-per-ip.
. "$top_srcdir/tests/lib.sh"

need curl python3 sox

# size FILE: its size in bytes (0 if missing).
size() { if [ -f "$1" ]; then wc -c <"$1" | tr -d ' '; else echo 0; fi; }
bigger() { [ "$(size "$1")" -gt "$2" ]; }
# reap PID: wait for a child started under `timeout -s KILL`; status 0
# when it ended by itself (not killed on its deadline), REAPED_RC its status.
reap() {
	wait "$1"
	REAPED_RC=$?
	[ "$REAPED_RC" -ne 137 ]
}
log_has() { grep -qiE "$1" "$SERVER_LOG"; }
# log_mark, then log_since TEXT...: a line logged after the mark holds
# every TEXT (fixed strings). Earlier lines, of this server or the ones
# before it in the same log, never count.
log_mark() { _log_mark=$(wc -l <"$SERVER_LOG"); }
log_since() {
	tail -n +$((_log_mark + 1)) "$SERVER_LOG" >"$T/log.since"
	for _s in "$@"; do
		grep -F -- "$_s" "$T/log.since" >"$T/log.next"
		mv "$T/log.next" "$T/log.since"
	done
	[ -s "$T/log.since" ]
}

LIB="$T/library"
mkdir -p "$LIB/Sub"
# 12 MB: more than the kernel's socket buffers hold on loopback (4 MB
# send, 64 kB receive here), so the server is still reading the file when
# it is deleted or cut. The content need not be audio.
head -c 12000000 /dev/urandom >"$LIB/del.wav"
cp "$LIB/del.wav" "$LIB/trunc.wav"
cp "$LIB/del.wav" "$T/orig.wav"
make_tone "$LIB/Sub/in-sub.flac" 0.3 || bail "sox failed"
make_tone "$LIB/z.wav" 0.3 || bail "sox failed"
SIZE=$(size "$T/orig.wav")

### files deleted and truncated while streamed #################################

start_server -l "$LIB" --rescan 1 --state-dir "$T/state"
# Indexes: 0 Sub/in-sub.flac, 1 del.wav, 2 trunc.wav, 3 z.wav
is "$(curl_ "$URL/list" | tr '\n' ' ')" \
	"0:Sub/in-sub.flac 1:del.wav 2:trunc.wav 3:z.wav " "the listing"

# reader.py URL_PATH OUT [RANGE]: a stream read at a few MB/s through a
# small receive window, so that the server must still read the file when
# it is deleted or cut (curl --limit-rate leaves megabytes in the kernel's
# buffers on loopback). Exit 0 when the body is complete (Content-Length
# or the last chunk), 1 when the server ended it early, 2 on the deadline.
cat >"$T/reader.py" <<'PY'
import socket, sys, time
port, path, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rng = sys.argv[4] if len(sys.argv) > 4 else None
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.settimeout(10)
s.connect(("127.0.0.1", port))
s.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s"
           "\r\n" % (path, "Range: %s\r\n" % rng if rng else "")).encode())
data, end = bytearray(), time.monotonic() + 40
f = open(out, "wb")
head = None
try:
    while time.monotonic() < end:
        b = s.recv(65536)
        if not b:
            break
        if head is None:
            data += b
            if b"\r\n\r\n" in data:
                head, _, rest = bytes(data).partition(b"\r\n\r\n")
                data = bytearray(rest)
                open(out + ".head", "wb").write(head)
        else:
            data += b
        if head is not None and "chunked" not in head.decode().lower():
            f.write(data)
            f.flush()
            data = bytearray()
        time.sleep(0.01)
    else:
        sys.exit(2)
except OSError:
    pass
if head is None:
    sys.exit(1)
h = head.decode("latin-1").lower()
if "chunked" in h:
    body, rest, done = bytearray(), bytes(data), False
    while True:
        line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            break
        try:
            n = int(line.split(b";")[0], 16)
        except ValueError:
            break
        if n == 0:
            done = True
            break
        if len(rest) < n + 2:
            body += rest[:n]
            break
        body += rest[:n]
        rest = rest[n + 2:]
    f.write(body)
    f.close()
    open(out + ".raw", "wb").write(data)
    sys.exit(0 if done else 1)
f.close()
for ln in h.split("\r\n"):
    if ln.startswith("content-length:"):
        import os
        sys.exit(0 if os.path.getsize(out) == int(ln.split(":")[1]) else 1)
sys.exit(1)
PY
timeout -s KILL 30 python3 "$T/reader.py" "$PORT" /stream/1 "$T/del.body" &
DEL_CURL=$!
track "$DEL_CURL"
timeout -s KILL 30 python3 "$T/reader.py" "$PORT" /stream/2 "$T/trunc.body" &
TRUNC_CURL=$!
track "$TRUNC_CURL"
timeout -s KILL 30 python3 "$T/reader.py" "$PORT" /stream/2 "$T/trunc206.body" bytes=0- &
TRUNC206_CURL=$!
track "$TRUNC206_CURL"
# (the chunked readers write their body at the end, the header at once;
# the sized one writes as it reads; all three read at the same pace)
wait_for 10 test -s "$T/del.body.head" &&
	wait_for 10 test -s "$T/trunc.body.head" &&
	wait_for 10 bigger "$T/trunc206.body" 300000
ok $? "three slow streams are running"
rm -f "$LIB/del.wav"
truncate -s 100000 "$LIB/trunc.wav"

reap "$DEL_CURL"
ok $? "deleted while streamed: the stream ends"
is "$REAPED_RC" 0 "deleted while streamed: the transfer is whole (chunked, last chunk)"
cmp -s "$T/del.body" "$T/orig.wav"
ok $? "deleted while streamed: every original byte arrives ($(size "$T/del.body") of $SIZE)"

reap "$TRUNC_CURL"
ok $? "truncated while streamed (chunked 200): the stream ends, no hang"
TRC=$REAPED_RC
[ "$TRC" -ne 0 ]
ok $? "truncated (chunked 200): the client sees an unfinished transfer (status $TRC, $(size "$T/trunc.body") bytes)"
reap "$TRUNC206_CURL"
ok $? "truncated while streamed (206 with Content-Length): the stream ends"
TRC=$REAPED_RC
[ "$TRC" -ne 0 ]
ok $? "truncated (206): the client sees an unfinished transfer (status $TRC, $(size "$T/trunc206.body") bytes)"
head -c "$(size "$T/trunc.body")" "$T/orig.wav" | cmp -s - "$T/trunc.body" &&
	head -c "$(size "$T/trunc206.body")" "$T/orig.wav" |
	cmp -s - "$T/trunc206.body"
ok $? "truncated: what arrived is the file's start, nothing made up"
log_has 'shorter than when opened|read error'
ok $? "truncated: the server log says why the stream ended"

kill -0 "$SERVER_PID"
ok $? "the server still runs"
wait_for 5 unlisted del.wav
ok $? "/list drops the deleted file"

### the library folder renamed away and back ##################################

BEFORE=$(curl_ "$URL/list")
REAL_LIB=$(cd "$LIB" && pwd -P) # as the server names it
log_mark
mv "$LIB" "$T/library.away"
wait_for 5 log_since "cannot open the library folder $REAL_LIB: No such file" \
	"still serving the last good listing"
ok $? "renamed away: a clear log line (what, which folder, what now)"
tail -n +$((_log_mark + 1)) "$SERVER_LOG" | sed 's/^/# log: /'
is "$(http_code "$URL/health")" 200 "renamed away: /health still 200"
is "$(curl_ "$URL/list")" "$BEFORE" "renamed away: /list keeps the last good listing"
code=$(fetch away "$URL/stream/3")
case $code in 200 | 404) r=0 ;; *) r=1 ;; esac
ok $r "renamed away: a stream gets 200 or a clean 404 (got $code)"
mv "$T/library.away" "$LIB"
make_tone "$LIB/new.wav" 0.3 || bail "sox failed"
wait_for 5 listed new.wav
ok $? "renamed back: /list follows (a file added since shows within 5 s)"
is "$(fetch back "$URL/stream/0")" 200 "renamed back: streams work"
cmp -s "$T/back.body" "$LIB/Sub/in-sub.flac"
ok $? "renamed back: the stream is byte-identical"
stop_server

### an unreadable folder (needs a user that is not root) #######################

NOBODY_RUN=""
if [ -n "${AS_VALGRIND:-}" ]; then
	: # the valgrind wrapper and its logs are root's: not for nobody
elif [ "$(id -u)" -ne 0 ]; then
	NOBODY_RUN="env" # already not root: chmod works as is
elif command -v setpriv >/dev/null && id nobody >/dev/null 2>&1 &&
	setpriv --reuid nobody --regid "$(id -g nobody)" --clear-groups true \
		2>/dev/null; then
	NOBODY_RUN="setpriv --reuid nobody --regid $(id -g nobody) --clear-groups"
	NOBODY_SERVER=$AS_SERVER
	# nobody may not reach the build tree: run a copy of the binary.
	if ! $NOBODY_RUN test -x "$AS_SERVER" 2>/dev/null; then
		NOBODY_SERVER="$T/nobody/as_server"
		mkdir -p "$T/nobody"
		if [ "$(head -c 4 "$AS_SERVER" | tail -c 3)" = ELF ]; then
			cp "$AS_SERVER" "$NOBODY_SERVER"
			chmod 755 "$NOBODY_SERVER"
		else
			NOBODY_RUN="" # a wrapper script: cannot copy its target
		fi
	fi
fi
if [ -z "$NOBODY_RUN" ]; then
	for i in 1 2 3 4 5 6; do
		ok 0 "# SKIP unreadable folders: root ignores chmod 000, and there is no setpriv, nobody user or as_server nobody may run (or under valgrind)"
	done
else
	# nobody must reach the library and write the port file.
	U="$T/nobody"
	mkdir -p "$U/run" "$U/library/Locked"
	chmod 711 "$T"
	chmod 755 "$U"
	chmod 777 "$U/run"
	cp "$LIB/z.wav" "$U/library/open.wav"
	cp "$LIB/z.wav" "$U/library/Locked/locked.wav"
	chmod -R a+rX "$U/library"
	PF="$U/run/port"
	SERVER_LOG="$T/nobody.log"
	$NOBODY_RUN "$NOBODY_SERVER" -b 127.0.0.1 -p 0 --port-file "$PF" \
		-l "$U/library" --rescan 1 --state-dir "$U/run/state" \
		>>"$SERVER_LOG" 2>&1 &
	SERVER_PID=$!
	track "$SERVER_PID"
	wait_for 10 test -s "$PF" || bail "as_server as nobody did not start"
	NURL="http://127.0.0.1:$(cat "$PF")"
	is "$(curl_ "$NURL/list" | tr '\n' ' ')" \
		"0:Locked/locked.wav 1:open.wav " "as nobody: the listing"
	chmod 000 "$U/library/Locked"
	wait_for 5 unlisted Locked/locked.wav "$NURL"
	ok $? "an unreadable folder: its tracks leave the listing"
	wait_for 5 log_has 'Locked'
	ok $? "an unreadable folder: a log line names it"
	grep -i 'Locked' "$SERVER_LOG" | tail -n 1 | sed 's/^/# log: /'
	L=$(curl_ "$NURL/list")
	printf '%s\n' "$L" | grep -q 'open.wav$'
	ok $? "an unreadable folder: the rest is still listed ($(printf %s "$L" | tr '\n' ' '))"
	chmod 755 "$U/library/Locked"
	wait_for 5 listed Locked/locked.wav "$NURL"
	ok $? "readable again: its tracks come back within 5 s"
	REAL_LIB=$(cd "$U/library" && pwd -P)
	log_mark
	chmod 000 "$U/library"
	touch "$LIB" # nothing: just time for a rescan
	wait_for 5 log_since "the library folder $REAL_LIB: Permission denied" \
		"still serving the last good listing"
	ok $? "the whole library unreadable: a clear log line"
	tail -n +$((_log_mark + 1)) "$SERVER_LOG" | sed 's/^/# log: /'
	chmod 755 "$U/library"
	cp "$LIB/z.wav" "$U/library/later.wav"
	chmod a+r "$U/library/later.wav"
	wait_for 5 listed later.wav "$NURL"
	ok $? "readable again: /list follows"
	stop_server
	SERVER_LOG="$T/server.log"
fi

### SIGTERM during 20 active streams ##########################################

head -c 12000000 /dev/urandom >"$LIB/zz-big.wav" # index 4: last
start_server -l "$LIB" --state-dir "$T/state"
i=0
PIDS=""
while [ $i -lt 20 ]; do
	curl -s --max-time 20 --limit-rate 50k -o "$T/term.$i" \
		"$URL/stream/4" 2>/dev/null &
	track $!
	PIDS="$PIDS $!"
	i=$((i + 1))
done
all_started() {
	for j in $(seq 0 19); do bigger "$T/term.$j" 0 || return 1; done
}
wait_for 10 all_started
ok $? "20 streams are running"
stop_within TERM
[ "$STOP_MS" -lt 2000 ]
ok $? "SIGTERM during 20 streams: the server exits within 2 s ($STOP_MS ms)"
is "$STOP_RC" 0 "SIGTERM: exit status 0"
# (curl --limit-rate drains what the kernel buffered before it sees the
# end, so the clients are not timed here; they are stopped.)
kill $PIDS 2>/dev/null
for p in $PIDS; do wait "$p" 2>/dev/null; done

### TLS ########################################################################

if ! command -v openssl >/dev/null; then
	for i in 1 2 3 4 5; do ok 0 "# SKIP TLS: openssl is not installed"; done
else
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 \
		-keyout "$T/key.pem" -out "$T/cert.pem" -subj /CN=localhost \
		-addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		>/dev/null 2>&1 || bail "openssl could not make a certificate"
	start_server -l "$LIB" --cert "$T/cert.pem" --key "$T/key.pem" \
		--state-dir "$T/state"
	SURL="https://127.0.0.1:$PORT"
	is "$(fetch tls "$SURL/list" --cacert "$T/cert.pem")" 200 \
		"TLS: GET /list with --cacert: 200"
	is "$(cat "$T/tls.body")" "$(printf '0:Sub/in-sub.flac\n1:new.wav\n2:trunc.wav\n3:z.wav\n4:zz-big.wav')" \
		"TLS: the listing"
	fetch tlss "$SURL/stream/3" --cacert "$T/cert.pem" >/dev/null
	cmp -s "$T/tlss.body" "$LIB/z.wav"
	ok $? "TLS: a stream is byte-identical"
	fetch tlsr "$SURL/stream/3" --cacert "$T/cert.pem" -r 100-199 >/dev/null
	head -c 200 "$LIB/z.wav" | tail -c 100 | cmp -s - "$T/tlsr.body"
	ok $? "TLS: a range is byte-identical"
	code=$(fetch tlsbad "$SURL/list")
	[ "$code" = 000 ]
	ok $? "TLS: an unknown certificate is refused by curl without --cacert"
	code=$(fetch plain "http://127.0.0.1:$PORT/list")
	[ "$code" != 200 ]
	ok $? "TLS: plain HTTP on the TLS port gets no listing ($code)"
	fetch tlsm3u "$SURL/list.m3u" --cacert "$T/cert.pem" >/dev/null
	grep -q "^https://127.0.0.1:$PORT/stream/0" "$T/tlsm3u.body"
	ok $? "TLS: m3u links are https://"
	stop_server
fi

### the shared token ###########################################################

TOKEN="s3cret-Tok.en_~42"
printf '%s\n' "$TOKEN" >"$T/token"
start_server -l "$LIB" --token-file "$T/token" --access-log "$T/access.log" \
	--state-dir "$T/state"
is "$(fetch t1 "$URL/list")" 401 "token: /list without it: 401"
case $(hdr t1 WWW-Authenticate) in Bearer*) r=0 ;; *) r=1 ;; esac
ok $r "token: the 401 carries WWW-Authenticate: Bearer"
is "$(fetch t2 "$URL/stream/3")" 401 "token: /stream without it: 401"
is "$(fetch t3 "$URL/list" -H "Authorization: Bearer wrong")" 401 \
	"token: a wrong token: 401"
is "$(fetch t4 "$URL/list" -H "Authorization: Bearer ${TOKEN}x")" 401 \
	"token: the token plus a byte: 401"
is "$(fetch t5 "$URL/list" -H "Authorization: Bearer s3cret")" 401 \
	"token: a prefix of the token: 401"
is "$(fetch t6 "$URL/list" -H "Authorization: Bearer $TOKEN")" 200 \
	"token: Authorization: Bearer: 200"
is "$(fetch t7 "$URL/list?token=$TOKEN")" 200 "token: ?token=: 200"
is "$(fetch t8 "$URL/stream/3?token=$TOKEN")" 200 "token: a stream with ?token=: 200"
cmp -s "$T/t8.body" "$LIB/z.wav"
ok $? "token: the stream is byte-identical"
is "$(fetch t9 "$URL/health")" 200 "token: /health needs none"
is "$(fetch t10 "$URL/list?format=m3u&token=$TOKEN")" 200 "token: m3u: 200"
n=$(grep -c '^http://.*/stream/[0-9]*?token='"$TOKEN"'$' "$T/t10.body")
is "$n" 5 "token: every m3u link carries ?token="
fetch t11 "$URL/list?format=html" -H "Authorization: Bearer $TOKEN" >/dev/null
python3 - "$T/t11.body" "$TOKEN" <<'PY'
import re, sys
html, tok = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]
links = re.findall(r'(?:src|href)="(/stream/[^"]*)"', html)
bad = [l for l in links if "token=" + tok not in l]
sys.exit(0 if links and not bad else 1)
PY
ok $? "token: every HTML stream link carries the token"
fetch t12 "$URL/list?token=wrong&x=1" >/dev/null
sleep 0.3
! grep -qF "$TOKEN" "$T/access.log" "$SERVER_LOG"
ok $? "token: the token never appears in the access log or the server log"
grep -q 'token=\[hidden\]' "$T/access.log"
ok $? "token: ?token= is logged as [hidden]"
stop_server

### CORS ########################################################################

start_server -l "$LIB" --state-dir "$T/state"
r=0
for p in /list /stream/3 /health /nope; do
	fetch c0 "$URL$p" -H "Origin: https://evil.example" >/dev/null
	[ -z "$(hdr c0 Access-Control-Allow-Origin)" ] || r=1
done
ok $r "CORS: no Access-Control-Allow-Origin by default"
stop_server
start_server -l "$LIB" --cors https://app.example --state-dir "$T/state"
r=0
for p in /list /stream/3 /health; do
	fetch c1 "$URL$p" -H "Origin: https://app.example" >/dev/null
	[ "$(hdr c1 Access-Control-Allow-Origin)" = https://app.example ] || r=1
done
ok $r "CORS: --cors ORIGIN sends Access-Control-Allow-Origin: ORIGIN"
stop_server

### --max-per-ip ###############################################################
# One count per client address for the whole server: with two workers, the
# fourth connection from 127.0.0.1 is closed unanswered under --max-per-ip 3.

cat >"$T/perip.py" <<'PY'
"""perip.py PORT N: N connections served, the next one closed, room again
once one goes. Prints "0 NAME" / "1 NAME"."""
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
REQ = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

def ask(s):
    """One keep-alive request on s: True when it is answered 200 ok."""
    data = b""
    try:
        s.sendall(REQ)
        while not data.endswith(b"\r\n\r\nok\n"):
            b = s.recv(4096)
            if not b:
                return False
            data += b
    except OSError:
        return False
    return data.startswith(b"HTTP/1.1 200")

def conn():
    return socket.create_connection(("127.0.0.1", port), timeout=5)

first = [conn() for _ in range(n)]
print("%d the first %d connections from one address are served"
      % (not all(ask(s) for s in first), n))
extra = conn()
print("%d connection %d is closed without an answer" % (ask(extra), n + 1))
extra.close()
print("%d the first %d are still served" % (not all(ask(s) for s in first), n))
first.pop().close()
served, end = False, time.monotonic() + 5
while not served and time.monotonic() < end:
    s = conn()
    served = ask(s)
    s.close()
    time.sleep(0.05)
print("%d once one of them closes, a new one is served" % (not served))
PY
start_server -l "$LIB" --max-per-ip 3 --threads 2 --state-dir "$T/state"
timeout 60 python3 "$T/perip.py" "$PORT" 3 >"$T/perip.out"
rc=$?
tap_from "$T/perip.out"
ok "$rc" "perip.py ran to its end (status $rc)"
stop_server

! grep -qE 'AddressSanitizer|runtime error|Segmentation' "$T"/*.log
ok $? "no sanitizer report or crash in the server logs"
plan "$_tap_n"
finish
