#!/bin/sh
# slow: 200 connections trickle one header byte a second (slowloris). A
# normal request meanwhile is answered within 1 s, and every trickler is
# dropped once --header-timeout has passed (not before, not much after).
. "$top_srcdir/tests/lib.sh"

need python3 sox

HT=3 # --header-timeout, seconds
N=200
SLACK=2 # the watchdog ticks every 250 ms; the rest is a loaded machine
case ${AS_VALGRIND:-} in ?*) SLACK=6 ;; esac

LIB="$T/library"
mkdir -p "$LIB"
make_tone "$LIB/a.wav" 0.2 || bail "sox failed"
printf '0:a.wav\n' >"$T/expected"
start_server -l "$LIB" --header-timeout "$HT" --state-dir "$T/state"
fds() { ls "/proc/$SERVER_PID/fd" 2>/dev/null | wc -l; }
BASE_FDS=$(fds)

cat >"$T/slow.py" <<'PY'
import socket, sys, threading, time
port, n, ht, slack = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), \
    float(sys.argv[4])
expected = open(sys.argv[5], "rb").read()

def get_list():
    """One normal GET /list; (seconds, ok)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
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
        return time.monotonic() - t0, False
    head, _, body = data.partition(b"\r\n\r\n")
    good = head.startswith(b"HTTP/1.1 200") and body == expected
    return time.monotonic() - t0, good

socks, opened, closed = [], [], {}
for i in range(n):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError as e:
        print("# connection %d failed: %s" % (i, e))
        break
    s.sendall(b"GET /list HTTP/1.1\r\n")
    s.setblocking(False)
    socks.append(s)
    opened.append(time.monotonic())
print("%d %d tricklers connected" % (0 if len(socks) == n else 1, n))

normal = []
def normals():
    for _ in range(5):
        time.sleep(0.4)
        normal.append(get_list())
th = threading.Thread(target=normals)
th.start()

end = time.monotonic() + ht + slack + 1
while time.monotonic() < end and len(closed) < len(socks):
    for i, s in enumerate(socks):
        if i in closed:
            continue
        try:
            if s.recv(4096) == b"":
                closed[i] = time.monotonic()
                continue
        except BlockingIOError:
            pass
        except OSError:
            closed[i] = time.monotonic()
            continue
        try:
            s.send(b"x")  # one byte of a header name that never ends
        except BlockingIOError:
            pass
        except OSError:
            closed[i] = time.monotonic()
    time.sleep(1.0 if len(closed) == 0 and
               time.monotonic() < opened[0] + ht - 1 else 0.1)
th.join(30)

worst = max((t for t, _ in normal), default=99)
print("%d normal GET /list while %d trickle: all 200 with the listing" %
      (0 if len(normal) == 5 and all(g for _, g in normal) else 1, n))
print("%d ... each within 1 s (slowest %.2f s)" % (0 if worst < 1 else 1,
                                                   worst))
lives = [closed[i] - opened[i] for i in closed]
print("# dropped %d of %d; after %.1f to %.1f s" % (
    len(closed), len(socks), min(lives, default=0), max(lives, default=0)))
print("%d every trickler is dropped within --header-timeout %g s + %g s" %
      (0 if len(closed) == len(socks) and max(lives) <= ht + slack else 1,
       ht, slack))
print("%d none is dropped before %g s" %
      (0 if lives and min(lives) >= ht - 1 else 1, ht - 1))
for s in socks:
    s.close()
t, g = get_list()
print("%d GET /list afterwards (%.2f s)" % (0 if g and t < 1 else 1, t))
PY

timeout 50 python3 "$T/slow.py" "$PORT" "$N" "$HT" "$SLACK" \
	"$T/expected" >"$T/out"
rc=$?
tap_from "$T/out"
ok "$rc" "slow.py ran to its end (status $rc)"

back() { [ "$(fds)" -le $((BASE_FDS + 2)) ]; }
wait_for 10 back
ok $? "descriptors back to the baseline ($BASE_FDS, now $(fds))"
kill -0 "$SERVER_PID"
ok $? "the server still runs"
plan "$_tap_n"
finish
