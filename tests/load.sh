#!/bin/sh
# load: 300 new connections kept alive after one request each hold little
# memory; 1,000 concurrent streams read slowly while 100 GET /list all
# succeed; 400 chunked streams each read their first 400 KB intact; then
# 500 clients hang up mid-stream (half with a reset), after which the
# server's open descriptors and memory return to the baseline. Last, a
# crowd of sized streams shares one descriptor and holds no copy of it.
. "$top_srcdir/tests/lib.sh"

need python3 sox
[ -d /proc/self/fd ] || skip_all "no /proc to count descriptors"
ulimit -n 8192 2>/dev/null
[ "$(ulimit -n)" -ge 4096 ] || skip_all "open-file limit too low ($(ulimit -n))"

STREAMS=1000
HANGUPS=500
CHUNKED=400 # past 128 streams, each reads less than its buffer holds
LISTS=100
RSS_SLACK_KB=65536 # allocator caches; a leak per client would pass it

LIB="$T/library"
mkdir -p "$LIB"
make_tone "$LIB/long.wav" 30 || bail "sox failed" # 5 MB: never done
make_tone "$LIB/short.wav" 0.2 || bail "sox failed"
printf '0:long.wav\n1:short.wav\n' >"$T/expected"
start_server -l "$LIB" --state-dir "$T/state"

fds() { ls "/proc/$SERVER_PID/fd" 2>/dev/null | wc -l; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }

cat >"$T/load.py" <<'PY'
"""load.py PORT TRACK EXPECTED MODE N [LISTS]

MODE slow: N streams of /stream/0 (Range: bytes=0-), each reading 2 KB
every 0.2 s; once all run, LISTS sequential GET /list must all succeed.
MODE chunked: N streams of /stream/0 without Range (a chunked 200), read
until each has CHUNKED_BODY bytes of the decoded body, which must be the
file's first bytes.
MODE hangup: N streams that read a little, then close (every other one
with a reset). Prints "0 NAME" / "1 NAME" results and "# " diagnostics.
"""
import socket, struct, sys, threading, time
port, track = int(sys.argv[1]), open(sys.argv[2], "rb").read()
expected = open(sys.argv[3], "rb").read()
mode, n = sys.argv[4], int(sys.argv[5])
lists = int(sys.argv[6]) if len(sys.argv) > 6 else 0
REQ = (b"GET /stream/0 HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
       (b"" if mode == "chunked" else b"Range: bytes=0-\r\n") + b"\r\n")
CHUNKED_BODY = 400 * 1024

def unchunk(raw):
    """The body in raw (chunked framing, maybe cut short), and whether the
    framing was well formed as far as it goes."""
    out, pos = b"", 0
    while True:
        eol = raw.find(b"\r\n", pos)
        if eol < 0:
            return out, True
        try:
            size = int(raw[pos:eol].split(b";")[0], 16)
        except ValueError:
            return out, False
        data = raw[eol + 2:eol + 2 + size]
        out += data
        if len(data) < size or size == 0:
            return out, True
        if raw[eol + 2 + size:eol + 4 + size] not in (b"", b"\r", b"\r\n"):
            return out, False
        pos = eol + 4 + size

class Conn:
    def __init__(self):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
        s.sendall(REQ)
        s.setblocking(False)
        self.s, self.buf, self.body, self.bad = s, b"", 0, None
        self.head = None

    def read(self, most):
        try:
            b = self.s.recv(most)
        except BlockingIOError:
            return
        except OSError as e:
            self.bad = self.bad or "error %s" % e
            return
        if not b:
            self.bad = self.bad or "closed by the server after %d bytes" % \
                self.body
            return
        if self.head is None:
            self.buf += b
            if b"\r\n\r\n" not in self.buf:
                return
            self.head, _, b = self.buf.partition(b"\r\n\r\n")
            self.buf = b""
            want = b"HTTP/1.1 200" if mode == "chunked" else b"HTTP/1.1 206"
            if not self.head.startswith(want):
                self.bad = "status line %r" % self.head.split(b"\r\n")[0]
        if mode == "chunked":
            self.buf += b # the raw body, checked by unchunk at the end
            self.body += len(b)
            return
        if track[self.body:self.body + len(b)] != b:
            self.bad = self.bad or "wrong bytes at offset %d" % self.body
        self.body += len(b)

def open_all(count):
    conns, t0 = [], time.monotonic()
    for i in range(count):
        try:
            conns.append(Conn())
        except OSError as e:
            print("# connection %d: %s" % (i, e))
            break
    print("# %d connections in %.1f s" % (len(conns), time.monotonic() - t0))
    return conns

def get_list():
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=15)
        s.sendall(b"GET /list HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  b"Connection: close\r\n\r\n")
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        s.close()
    except OSError:
        return False
    head, _, body = data.partition(b"\r\n\r\n")
    return head.startswith(b"HTTP/1.1 200") and body == expected

def result(good, name):
    print("%d %s" % (0 if good else 1, name))
    sys.stdout.flush()

if mode == "slow":
    conns = open_all(n)
    result(len(conns) == n, "%d streams connected" % n)
    got, lat, storm = [], [], []
    def lister(count, out):
        for _ in range(count):
            t0 = time.monotonic()
            got.append(get_list())
            out.append(time.monotonic() - t0)
            time.sleep(0.05)
    # One /list while the server is still accepting the streams.
    th = threading.Thread(target=lister, args=(1, storm))
    th.start()
    # Wait until every stream runs; then the listers, while they read.
    end = time.monotonic() + 20
    while time.monotonic() < end and not all(c.body or c.bad
                                             for c in conns):
        for c in conns:
            c.read(2048)
        time.sleep(0.2)
    th.join(20)
    got = []
    th = threading.Thread(target=lister, args=(lists, lat))
    th.start()
    t0 = time.monotonic()
    end = t0 + 25
    while time.monotonic() < end and (th.is_alive() or
                                      time.monotonic() < t0 + 5):
        for c in conns:
            c.read(2048)
        time.sleep(0.2)
    th.join(5)
    bad = [c.bad for c in conns if c.bad]
    started = sum(1 for c in conns if c.body > 0)
    print("# %d streams got body bytes; %d bytes in all" %
          (started, sum(c.body for c in conns)))
    print("# a /list while the streams connect took %.2f s" %
          max(storm or [99]))
    for b in bad[:5]:
        print("# stream: " + b)
    result(not bad and started == len(conns),
           "every stream: 206 and the file's first bytes, none cut")
    result(len(got) == lists and all(got),
           "%d GET /list while they stream: all 200 and the listing "
           "(%d good)" % (lists, sum(got)))
    result(lat and max(lat) < 2,
           "... each within 2 s (slowest %.2f s)" % max(lat or [99]))
    for c in conns:
        c.s.close()
elif mode == "chunked":
    conns = open_all(n)
    result(len(conns) == n, "%d streams connected" % n)
    # Raw bytes include the framing: a little more than CHUNKED_BODY.
    goal = CHUNKED_BODY + CHUNKED_BODY // 8
    # A deadline, not a rate: with 8 KiB receive buffers each sweep of the
    # 400 sockets takes about one piece a stream, and on a loaded machine
    # (CI in a chroot beside other builds: 19 sweeps in 30 s) a sweep is slow.
    end = time.monotonic() + 120
    while time.monotonic() < end and any(c.body < goal and not c.bad
                                         for c in conns):
        for c in conns:
            if c.body < goal:
                c.read(65536)
        time.sleep(0.01)
    bad = []
    for c in conns:
        body, framed = unchunk(c.buf)
        if c.bad:
            bad.append(c.bad)
        elif not framed:
            bad.append("broken chunk framing")
        elif len(body) < CHUNKED_BODY:
            bad.append("only %d body bytes" % len(body))
        elif body[:CHUNKED_BODY] != track[:CHUNKED_BODY]:
            bad.append("wrong bytes at offset %d" % next(
                i for i in range(CHUNKED_BODY) if body[i] != track[i]))
    for b in bad[:5]:
        print("# chunked stream: " + b)
    result(not bad, "every chunked stream: 200 and the file's first %d KB"
           % (CHUNKED_BODY // 1024))
    for c in conns:
        c.s.close()
else:
    conns = open_all(n)
    result(len(conns) == n, "%d streams connected" % n)
    end = time.monotonic() + 15
    while time.monotonic() < end and any(c.body < 4096 and not c.bad
                                         for c in conns):
        for c in conns:
            if c.body < 4096:
                c.read(4096)
        time.sleep(0.05)
    result(all(c.body >= 4096 and not c.bad for c in conns),
           "each got 206 and 4 KB of the file before hanging up")
    for i, c in enumerate(conns):
        if i % 2:
            c.s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                           struct.pack("ii", 1, 0))
        c.s.close()
PY

# Warm up: the listing caches and the threads exist before the baseline.
for i in 1 2 3; do curl_ -o /dev/null "$URL/list"; done
curl_ -o /dev/null -r 0-99 "$URL/stream/0"
sleep 0.5
BASE_FDS=$(fds)
BASE_RSS=$(rss)
diag "baseline: $BASE_FDS descriptors, RSS $BASE_RSS kB"

# 300 new connections, one request each, then idle and kept alive. Each
# holds its pool (32 KiB by default, from malloc), which libmicrohttpd
# zeroes at the end of every request, and little else.
IDLE=300
IDLE_KB=40 # each
cat >"$T/idle.py" <<'PY'
import socket, sys
port, n, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
def rss():
    with open("/proc/%s/status" % pid) as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS:"))
conns = [socket.create_connection(("127.0.0.1", port), timeout=10)
         for _ in range(n)]
for s in conns:
    s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
good = 0
for s in conns:
    data = b""
    while b"\r\n\r\n" not in data:
        b = s.recv(4096)
        if not b:
            break
        data += b
    head, _, body = data.partition(b"\r\n\r\n")
    length = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
              if l.lower().startswith(b"content-length:")]
    while length and len(body) < length[0]:
        b = s.recv(4096)
        if not b:
            break
        body += b
    good += head.startswith(b"HTTP/1.1 200") and bool(length) and \
        len(body) == length[0]
print(good, rss())
for s in conns:
    s.close()
PY
set -- $(timeout 30 python3 "$T/idle.py" "$PORT" "$IDLE" "$SERVER_PID")
is "${1:-0}" "$IDLE" "$IDLE connections answered and kept alive"
if sanitized || [ -n "${AS_VALGRIND:-}" ]; then
	skip "... holding little memory each" "RSS says little under a sanitizer"
else
	[ -n "${2:-}" ] && [ "$2" -le $((BASE_RSS + IDLE * IDLE_KB)) ]
	ok $? "... holding little memory each: RSS ${2:-?} kB (baseline $BASE_RSS, at most $IDLE_KB kB a connection)"
fi
back_idle() { [ "$(fds)" -le $((BASE_FDS + 2)) ]; }
wait_for 15 back_idle
ok $? "descriptors back to the baseline after they hang up ($(fds))"

# run_py ARGS...: load.py's results as TAP, with a deadline.
run_py() {
	timeout 45 python3 "$T/load.py" "$PORT" "$LIB/long.wav" \
		"$T/expected" "$@" >"$T/out"
	_rc=$?
	tap_from "$T/out"
	ok "$_rc" "load.py $1 ran to its end (status $_rc)"
}

# tcp_states: the TCP states of the server's connections, counted (from
# /proc/net/tcp: 01 established, 08 close-wait, ...), with their send and
# receive queues summed: what a failed descriptor check looks into.
tcp_states() {
	awk -v port="$(printf '%04X' "$PORT")" '
		function hex(h,  v, i) {
			for (i = 1; i <= length(h); i++)
				v = v * 16 + index("0123456789ABCDEF",
					substr(toupper(h), i, 1)) - 1
			return v
		}
		FNR > 1 && substr($2, index($2, ":") + 1) == port &&
		$4 != "0A" {
			split($5, q, ":"); n[$4]++
			tx[$4] += hex(q[1]); rx[$4] += hex(q[2])
		}
		END { for (s in n) printf "state %s: %d (tx %d, rx %d bytes) ",
			s, n[s], tx[s], rx[s] }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
# fds_back WHAT: descriptors back to the baseline within 15 s; if not,
# say in which TCP states the connections stay, and whether they go by
# the idle timeout (60 s) after all.
fds_back() {
	wait_for 15 back_fds && return 0
	diag "after $1: $(fds) descriptors; $(tcp_states)"
	wait_for 60 back_fds
	diag "... $(fds) descriptors another 60 s later; $(tcp_states)"
	return 1
}

run_py slow "$STREAMS" "$LISTS"
diag "after the slow streams: $(fds) descriptors, RSS $(rss) kB"
back_fds() { [ "$(fds)" -le $((BASE_FDS + 2)) ]; }
fds_back "$STREAMS streams"
ok $? "descriptors back to the baseline after $STREAMS streams ($(fds), baseline $BASE_FDS)"
MID_RSS=$(rss)

run_py chunked "$CHUNKED"
fds_back "$CHUNKED chunked streams"
ok $? "descriptors back to the baseline after $CHUNKED chunked streams ($(fds))"

run_py hangup "$HANGUPS"
fds_back "$HANGUPS hang-ups"
ok $? "descriptors back to the baseline after $HANGUPS hang-ups ($(fds), baseline $BASE_FDS)"
back_rss() { [ "$(rss)" -le $((BASE_RSS + RSS_SLACK_KB)) ]; }
if sanitized; then
	skip "RSS back near the baseline" "ASan keeps freed memory ($(rss) kB)"
else
	wait_for 10 back_rss
	ok $? "RSS back near the baseline: $(rss) kB (baseline $BASE_RSS, after the first wave $MID_RSS, slack $RSS_SLACK_KB)"
fi

# A second hang-up wave must not grow memory again: a per-client leak would.
run_py hangup "$HANGUPS"
fds_back "a second wave"
ok $? "descriptors back to the baseline after a second wave ($(fds))"
AFTER2=$(rss)
if sanitized; then
	skip "a second wave does not grow RSS" "ASan keeps freed memory"
else
	[ "$AFTER2" -le $((MID_RSS + 8192)) ] ||
		[ "$AFTER2" -le $((BASE_RSS + 16384)) ]
	ok $? "a second wave does not grow RSS: $AFTER2 kB (after the first $MID_RSS)"
fi

is "$(curl_ "$URL/list")" "$(cat "$T/expected")" "GET /list still answers the listing"
kill -0 "$SERVER_PID"
ok $? "the server still runs"
stop_server

### a crowd of sized streams ##################################################
# Sized answers are file responses sent with sendfile(2) and shared: four
# slow listeners of the same range hold one descriptor of the file between
# them (and the open-file cache's own), and no copy of its bytes.
head -c 24000000 /dev/urandom >"$LIB/huge.wav"
start_server -l "$LIB"
CROWD_BASE=$(rss) # before any connection: /list's pool would count
wait_for 10 listed huge.wav
ok $? "a second server lists a 24 MB track"
HUGE="$URL/stream/$(index_of huge.wav)"
got_some() { [ -f "$1" ] && [ "$(size_of "$1")" -gt 1000000 ]; }
i=0
while [ $i -lt 4 ]; do
	curl -s --max-time 60 --limit-rate 1M -H 'Range: bytes=0-' \
		-o "$T/crowd$i" "$HUGE" &
	track $!
	i=$((i + 1))
done
wait_for 20 got_some "$T/crowd0" && wait_for 5 got_some "$T/crowd1" &&
	wait_for 5 got_some "$T/crowd2" && wait_for 5 got_some "$T/crowd3"
ok $? "four slow 206 streams run"
n=$(ls -l "/proc/$SERVER_PID/fd" | grep -c 'huge.wav$')
ok "$([ "$n" -le 2 ] && echo 0 || echo 1)" \
	"... sharing the file: $n descriptors of it (at most 2)"
if sanitized || [ -n "${AS_VALGRIND:-}" ]; then
	skip "... holding no copy of it" "RSS says little under a sanitizer"
else
	[ "$(rss)" -le $((CROWD_BASE + 4096)) ]
	ok $? "... holding no copy of it: RSS $(rss) kB (at the start $CROWD_BASE, at most 4 MiB more)"
fi
kill -0 "$SERVER_PID"
ok $? "the server still runs"
plan "$_tap_n"
finish
