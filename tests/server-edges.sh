#!/bin/sh
# server-edges: corners of the HTTP contract the other server tests never
# reach: /list?format= with an unknown value, the empty library in every
# format, a 304 read off the wire (curl never reads a 304's body, so only a
# raw socket can see one that should not be there), a track replaced by a
# symbolic link that leaves the library, and a server out of descriptors
# (the 503, then service again).
. "$top_srcdir/tests/lib.sh"

# The system python3 when there is one: a pyenv shim costs seconds a call.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

need curl python3 sox
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"
RAW="$top_srcdir/tests/raw.py"

plan 52

# --- helpers (python, stdlib only) ------------------------------------------
cat >"$T/h.py" <<'EOF'
import json, os, socket, sys, time

def request(path, extra=""):
    return ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
            "Connection: close\r\n\r\n" % (path, extra)).encode()

def read_all(s, deadline):
    """Everything until the server closes; None on the deadline."""
    out = b""
    while True:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            b = s.recv(65536)
        except socket.timeout:
            return None
        if not b:
            return out
        out += b

def answer(data):
    """(status, body) of one whole HTTP/1.1 answer (the body as sent)."""
    head, _, body = data.partition(b"\r\n\r\n")
    line = head.split(b"\r\n", 1)[0].split()
    return (int(line[1]) if len(line) > 1 else 0), body

cmd = sys.argv[1]
if cmd == "split":
    # split FILE [BODY]: "STATUS BODYBYTES" of a raw answer saved by raw.py;
    # the body as sent (chunked or not) goes to BODY
    st, body = answer(open(sys.argv[2], "rb").read())
    if len(sys.argv) > 3:
        open(sys.argv[3], "wb").write(body)
    print(st, len(body))
elif cmd == "holds":
    # holds FILE PART: does FILE hold PART's first 4 KiB anywhere?
    part = open(sys.argv[3], "rb").read(4096)
    sys.exit(0 if part in open(sys.argv[2], "rb").read() else 1)
elif cmd == "json0":
    # json0 FILE: is it exactly the empty listing's JSON?
    j = json.load(open(sys.argv[2], encoding="utf-8"))
    sys.exit(0 if j == {"count": 0, "tracks": []} else 1)
elif cmd == "swap":
    # swap PORT TRACK TARGET PATH OUT: connect, put a symbolic link to
    # TARGET in TRACK's place (one rename), and at once GET PATH; the
    # whole answer goes to OUT. The request leaves within a millisecond of
    # the rename, well inside the server's 50 ms settle before a rescan.
    port, track, target, path, out = sys.argv[2:7]
    tmp = track + ".swap"
    os.symlink(target, tmp)
    s = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
    req = request(path)
    os.replace(tmp, track)
    s.sendall(req)
    data = read_all(s, time.monotonic() + 10)
    open(out, "wb").write(data or b"")
    sys.exit(0 if data is not None else 3)
elif cmd == "exhaust":
    # exhaust PORT PID FIRST LAST OUT: hold streams of tracks FIRST.. open
    # (slow readers, 8 KiB receive buffers: each keeps its socket and its
    # track's descriptor busy) until the server has exactly one descriptor
    # left, counted in /proc/PID/fd against its limit; then GET /stream/
    # of a track not open yet: accepting it takes the last descriptor, so
    # opening the file must fail. That answer goes to OUT; then every
    # stream is closed. Prints "# ..." notes, and the index asked for to
    # OUT.idx; exit 0 when the state was reached, 2 when it could not be
    # (more tracks needed), 3 on a hang.
    port, pid = int(sys.argv[2]), sys.argv[3]
    first, last, out = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
    limit = None
    for line in open("/proc/%s/limits" % pid):
        if line.startswith("Max open files"):
            limit = int(line.split()[3])
    def used():
        # descriptors below the limit: one inherited above it (make's
        # jobserver, a shell's) takes no place a new one could have
        return sum(1 for f in os.listdir("/proc/%s/fd" % pid)
                   if int(f) < limit)
    def stream(i):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        s.settimeout(10)
        s.connect(("127.0.0.1", port))
        s.sendall(request("/stream/%d" % i))
        got = b""
        while b"\r\n\r\n" not in got:
            b = s.recv(4096)
            if not b:
                break
            got += b
        return s, got.split(b"\r\n", 1)[0]
    def settle(n):
        # the server's count, once it holds still (a stream is counted
        # when its file is open, a moment after its header has left)
        prev, t = None, time.monotonic() + 5
        while time.monotonic() < t:
            cur = used()
            if cur == prev and cur >= n:
                return cur
            prev = cur
            time.sleep(0.05)
        return used()
    held, base = [], used()
    print("# descriptors: %d in use of %d before any stream" % (base, limit))
    i, cur = first, base
    while limit - cur >= 3 and i <= last:
        s, st = stream(i)
        held.append(s)
        if b" 200 " not in st + b" ":
            print("# stream %d: %r" % (i, st))
            sys.exit(2)
        cur = settle(cur + 2)
        i += 1
    if limit - cur == 2:  # one more socket, on a file already open
        s, st = stream(first)
        held.append(s)
        cur = settle(cur + 1)
    print("# %d streams of %d tracks held; %d descriptors in use of %d"
          % (len(held), i - first, cur, limit))
    if limit - cur != 1 or i > last:
        sys.exit(2)
    open(out + ".idx", "w").write("%d\n" % i)
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(request("/stream/%d" % i))
    data = read_all(s, time.monotonic() + 10)
    s.close()
    open(out, "wb").write(data or b"")
    for s in held:
        s.close()
    sys.exit(0 if data is not None else 3)
EOF
py() { "$PYTHON" "$T/h.py" "$@"; }

### /list?format= with a value it does not know ###############################

LIB="$T/library"
mkdir -p "$LIB"
make_tone "$LIB/a.wav" 0.3 || bail "sox failed"
make_tone "$LIB/b.flac" 0.3 || bail "sox failed"
start_server -l "$LIB"

for f in xml JSON '' 'json%00' 'text,json'; do
	is "$(fetch fmt "$URL/list?format=$f")" 400 "?format=$f: 400"
	error_body fmt
	ok $? "?format=$f: one line 'error: ...' as text/plain"
	grep -q 'format=text, json, html or m3u' "$T/fmt.body"
	ok $? "?format=$f: the message names the formats there are ($(cat "$T/fmt.body"))"
done
is "$(fetch fmt "$URL/list?format=xml" -H 'Accept: text/html')" 400 \
	"?format=xml with Accept: text/html: still 400 (?format= wins)"
is "$(fetch fmt "$URL/list?format=json")" 200 "?format=json: 200 (the control)"

### a 304 on the wire ###########################################################

fetch h "$URL/stream/0" -I >/dev/null
ETAG=$(hdr h ETag)
[ -n "$ETAG" ] || bail "no ETag on /stream/0"
SIZE=$(size_of "$LIB/a.wav")
printf 'GET /stream/0 HTTP/1.1\r\nHost: x\r\nIf-None-Match: %s\r\nConnection: close\r\n\r\n' \
	"$ETAG" | "$PYTHON" "$RAW" "$PORT" 10 >"$T/304.raw"
ok $? "304: the server closes the connection (Connection: close)"
is "$(py split "$T/304.raw")" "304 0" "304: nothing after the header on the wire"
# The same request, its tag not matching: the whole file follows the
# header (chunked), so the check above sees a body when there is one.
printf 'GET /stream/0 HTTP/1.1\r\nHost: x\r\nIf-None-Match: "x"\r\nConnection: close\r\n\r\n' |
	"$PYTHON" "$RAW" "$PORT" 10 >"$T/200.raw"
set -- $(py split "$T/200.raw")
[ "$1" = 200 ] && [ "$2" -gt "$SIZE" ]
ok $? "200 (tag not matching), the control: the body is on the wire ($2 bytes for $SIZE)"
# Kept alive: a 304, then /health on the same connection. Any body after
# the 304 would be read as the second answer's start.
printf 'GET /stream/0 HTTP/1.1\r\nHost: x\r\nIf-None-Match: %s\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' \
	"$ETAG" | "$PYTHON" "$RAW" "$PORT" 10 >"$T/304ka.raw"
"$PYTHON" - "$T/304ka.raw" <<'EOF'
import sys
d = open(sys.argv[1], "rb").read()
head, _, rest = d.partition(b"\r\n\r\n")
ok = head.startswith(b"HTTP/1.1 304") and rest.startswith(b"HTTP/1.1 200")
sys.exit(0 if ok and rest.endswith(b"\r\n\r\nok\n") else 1)
EOF
ok $? "304 kept alive: the next answer starts right after its header"
stop_server

### the empty library ###########################################################

mkdir -p "$T/empty"
start_server -l "$T/empty"
is "$(fetch e "$URL/list")" 200 "empty: /list 200"
is "$(size_of "$T/e.body")|$(hdr e Content-Type)" "0|text/plain; charset=utf-8" \
	"empty: text /list has no line"
is "$(fetch e "$URL/list?format=json")" 200 "empty: JSON 200"
py json0 "$T/e.body"
ok $? "empty: JSON is {\"count\": 0, \"tracks\": []} ($(cat "$T/e.body"))"
for p in '/list?format=m3u' /list.m3u; do
	is "$(fetch e "$URL$p")" 200 "empty: $p 200"
	is "$(tr -d '\r' <"$T/e.body")|$(hdr e Content-Type)" \
		"#EXTM3U|audio/x-mpegurl" "empty: $p is the header alone"
done
for p in '/list?format=html' /; do
	is "$(fetch e "$URL$p")" 200 "empty: $p 200"
	grep -qiE '<audio|/stream/' "$T/e.body"
	ok $((!$?)) "empty: $p has no player and no stream link"
	grep -qi 'empty' "$T/e.body"
	ok $? "empty: $p says the library is empty"
done
for m in GET HEAD; do
	a=""
	[ $m = HEAD ] && a=-I
	is "$(fetch e "$URL/stream/0" $a)" 404 "empty: $m /stream/0: 404"
done
fetch e "$URL/stream/0" >/dev/null
error_body e
ok $? "empty: /stream/0 gets one line 'error: ...'"
is "$(cat "$T/e.body")" "error: no such track: the library is empty" \
	"empty: /stream/0 says the library is empty"
fetch e "$URL/stream/0" -H 'Accept: application/json' >/dev/null
is "$(cat "$T/e.body")" \
	'{"error":{"status":404,"message":"no such track: the library is empty"}}' \
	"empty: /stream/0 to a JSON caller: the same message as JSON"
stop_server

### a track replaced by a link that leaves the library ########################

mkdir -p "$T/outside"
head -c 300000 /dev/urandom >"$T/outside/secret.wav"
cp "$LIB/a.wav" "$LIB/zz-link.wav" # the last index: a rescan leaves none
start_server -l "$LIB"
list_now || bail "no listing"
IDX=$(index_of zz-link.wav)
[ -n "$IDX" ] || bail "zz-link.wav is not listed"
py swap "$PORT" "$LIB/zz-link.wav" "$T/outside/secret.wav" "/stream/$IDX" \
	"$T/link.raw"
ok $? "link out: the request is answered"
set -- $(py split "$T/link.raw" "$T/link.body")
is "$1" 404 "link out, asked for at once: 404"
py holds "$T/link.raw" "$T/outside/secret.wav"
ok $((!$?)) "link out, asked for at once: not the outside file"
case $1:$(cat "$T/link.body") in
404:*"no longer in the library"*) diag "link out: refused when opened" ;;
404:*) diag "link out: the rescan came first: $(cat "$T/link.body")" ;;
esac
wait_for 5 unlisted zz-link.wav
ok $? "link out: the listing drops it"
is "$(fetch lk "$URL/stream/$IDX")" 404 "link out, after the rescan: 404"
py holds "$T/lk.body" "$T/outside/secret.wav"
ok $((!$?)) "link out, after the rescan: not the outside file"
rm -f "$LIB/zz-link.wav"
stop_server

### out of descriptors ###########################################################

# Sparse files: 40 tracks of 64 MiB take no disk, and a stream of one
# lasts while its reader waits.
F="$T/many"
mkdir -p "$F"
i=0
while [ $i -lt 40 ]; do
	truncate -s 64M "$F/t$(printf %02d $i).wav"
	i=$((i + 1))
done
# A hard limit of 64 descriptors (the server raises its soft limit to the
# hard one), through a wrapper: SERVER_PID is still the server's.
printf '#!/bin/sh\nulimit -n 64 || exit 99\nexec "%s" "$@"\n' "$AS_SERVER" \
	>"$T/limited"
chmod +x "$T/limited"
REAL_SERVER=$AS_SERVER
AS_SERVER="$T/limited"
start_server -l "$F" --threads 1 --state-dir "$T/state"
AS_SERVER=$REAL_SERVER
# The tagger opens every file once: wait until it is done (its cache is
# written at the end of a pass), so that the count below holds still.
cache_done() { ls "$T/state"/*.tsv >/dev/null 2>&1; }
wait_for 20 cache_done || bail "the tagger did not finish in 20 s"
is "$(awk '/^Max open files/ { print $4 }' "/proc/$SERVER_PID/limits")" 64 \
	"the server runs with 64 descriptors"
timeout -s KILL 60 "$PYTHON" "$T/h.py" exhaust "$PORT" "$SERVER_PID" 0 39 \
	"$T/fd.raw" >"$T/fd.out"
rc=$?
cat "$T/fd.out"
is "$rc" 0 "out of descriptors: held streams until one descriptor was left"
set -- $(py split "$T/fd.raw" "$T/fd.body")
is "${1:-none}" 503 "out of descriptors: a new track gets 503"
is "$(cat "$T/fd.body")" \
	"error: the server is out of file descriptors; try again shortly" \
	"out of descriptors: the 503 says why and what to do"
# Once the streams are gone, the same track streams again: nothing leaked.
NEXT=$(cat "$T/fd.raw.idx" 2>/dev/null)
again() { [ "$(http_code "$URL/stream/${NEXT:-0}" -r 0-99)" = 206 ]; }
wait_for 10 again
ok $? "the streams closed: the same track streams again"
is "$(http_code "$URL/health")" 200 "out of descriptors: the server still serves"
stop_server

finish
