#!/bin/sh
# burst: a worker that meets a burst of events all at once serves them at
# once. With one worker, N streams are opened, the server is stopped
# (SIGSTOP), every client hangs up, and the server goes on (SIGCONT): all
# N descriptors must close within a few seconds, for N around multiples of
# 128. Then N keep-alive requests arrive together the same way: all must be
# answered. libmicrohttpd 0.9.75's own loop waited for the next event or
# the idle timeout (--timeout 60 here) whenever the burst filled its
# batches of 128 exactly (server/loop.h).
. "$top_srcdir/tests/lib.sh"

need python3 sox
[ -d /proc/self/fd ] || skip_all "no /proc to count descriptors"
ulimit -n 4096 2>/dev/null

DEADLINE=5 # s; the stall this looks for lasts about --timeout (60 s)
case ${AS_VALGRIND:-} in ?*) DEADLINE=20 ;; esac

LIB="$T/library"
mkdir -p "$LIB"
make_tone "$LIB/long.wav" 30 || bail "sox failed" # 5 MB: never done
start_server -l "$LIB" --threads 1 --timeout 60 --state-dir "$T/state"
curl_ -o /dev/null -r 0-99 "$URL/stream/0" # the track file stays open

cat >"$T/burst.py" <<'PY'
"""burst.py PORT PID DEADLINE: prints "0 NAME" / "1 NAME" and "# " lines."""
import os, signal, socket, sys, time
port, pid, deadline = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])

def fds():
    return len(os.listdir("/proc/%d/fd" % pid))

def connect():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    return s

def stopped(act):
    """Run act() while the server is stopped; it resumes even if act fails."""
    os.kill(pid, signal.SIGSTOP)
    try:
        act()
        time.sleep(0.3)  # every event is queued before it runs again
    finally:
        os.kill(pid, signal.SIGCONT)

def settle(base):
    """Wait (up to the deadline) for the descriptors to come back to base;
    how many are still over."""
    t0 = time.monotonic()
    while fds() > base and time.monotonic() - t0 < deadline:
        time.sleep(0.02)
    return fds() - base

def hangups(n):
    conns = [connect() for _ in range(n)]
    for s in conns:
        s.sendall(b"GET /stream/0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    for s in conns:
        s.recv(1)  # streaming: the server now waits on a full socket
    stopped(lambda: [s.close() for s in conns])
    t0 = time.monotonic()
    left = settle(BASE)
    return left == 0, "all closed within %g s (%d left after %.2f s)" % (
        deadline, left, time.monotonic() - t0)

def requests(n):
    conns = [connect() for _ in range(n)]
    req = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    for s in conns:
        s.sendall(req)
        s.recv(4096)  # answered; the connection is kept alive
    stopped(lambda: [s.sendall(req) for s in conns])
    t0, answered = time.monotonic(), 0
    for s in conns:
        s.settimeout(max(0.01, deadline - (time.monotonic() - t0)))
        try:
            if s.recv(4096).startswith(b"HTTP/1.1 200"):
                answered += 1
        except OSError:
            pass
    took = time.monotonic() - t0
    for s in conns:
        s.close()
    return answered == n, "all answered within %g s (%d in %.2f s)" % (
        deadline, answered, took)

BASE = fds()
for what, run, sizes in (
        ("streams hang up at once", hangups, (127, 128, 129, 130, 256, 257,
                                               258)),
        ("keep-alive requests at once", requests, (128, 129, 256, 257))):
    for n in sizes:
        # A round that failed leaves connections behind: not this one's.
        if settle(BASE) > 0:
            print("# %d descriptors over the baseline before the round"
                  % (fds() - BASE))
        try:
            good, why = run(n)
        except OSError as e:
            good, why = False, "socket error: %s" % e
        print("%d %d %s: %s" % (not good, n, what, why))
PY

timeout 300 python3 "$T/burst.py" "$PORT" "$SERVER_PID" "$DEADLINE" \
	>"$T/out" 2>"$T/err"
rc=$?
tap_from "$T/out"
sed 's/^/# /' "$T/err"
ok "$rc" "burst.py ran to its end (status $rc)"
kill -0 "$SERVER_PID"
ok $? "the server still runs"
is "$(curl_ "$URL/list")" "0:long.wav" "GET /list still answers"
plan "$_tap_n"
finish
