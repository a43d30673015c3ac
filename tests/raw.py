#!/usr/bin/env python3
"""raw.py PORT TIMEOUT: one raw HTTP exchange with the server on 127.0.0.1.

The request comes on stdin, byte for byte; the whole answer goes to stdout
until the server closes. Exit status 3 when it does not close within
TIMEOUT seconds. Sending may fail midway (the server may close on an
oversized header): not an error. Used by the server shell tests.
"""
import socket, sys
port, timeout = int(sys.argv[1]), float(sys.argv[2])
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
try:
    s.sendall(data)
except OSError:
    pass
out, rc = b"", 0
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
except socket.timeout:
    rc = 3
except OSError:
    pass
sys.stdout.buffer.write(out)
sys.exit(rc)
