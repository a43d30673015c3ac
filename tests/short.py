"""short.py PORT FILE [RANGE]: a listener slower than the disk, and a file
that shrinks under it (API.md: a stream whose file shrinks ends at once).

Opens /stream/0 (with "Range: RANGE" when given) through a 64 KiB receive
buffer, reads 1 MiB slowly, truncates FILE to 2 MiB, then reads on. Prints
"closed S BYTES" when the server ended the answer S seconds after the
truncation, or "open S BYTES" when it was still open 10 s later. The body
must be short of what was promised: that is for the caller to compare.
"""
import os
import socket
import sys
import time

port, path = int(sys.argv[1]), sys.argv[2]
rng = sys.argv[3] if len(sys.argv) > 3 else None
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.connect(("127.0.0.1", port))
req = "GET /stream/0 HTTP/1.1\r\nHost: localhost\r\n"
if rng:
    req += "Range: %s\r\n" % rng
s.sendall((req + "\r\n").encode())
got = 0
while got < 1 << 20:
    d = s.recv(16384)
    if not d:
        break
    got += len(d)
    time.sleep(0.005)
os.truncate(path, 2 << 20)
t = time.monotonic()
s.settimeout(10)
try:
    while True:
        d = s.recv(65536)
        if not d:
            print("closed %.2f %d" % (time.monotonic() - t, got))
            break
        got += len(d)
except socket.timeout:
    print("open %.2f %d" % (time.monotonic() - t, got))
