#!/usr/bin/env python3
"""shim.py PORT_FILE BACKEND_PORT MODE [N]: a misbehaving HTTP hop.

Listens on 127.0.0.1 (a free port, written to PORT_FILE through a rename)
and passes each request on to the real as_server on 127.0.0.1:BACKEND_PORT,
one connection per request ("Connection: close"), logging each request's
line and Range header to stdout. MODE says what it bends:

  pass     nothing
  shift N  asks the server for "bytes=X+N-" where the client said
           "bytes=X-": the server's honest 206 starts N bytes late
  cut N    forwards only the first N body bytes of each answer, without
           its Content-Length, then closes: a body that ends short
           without any framing error

Used by tests/client-resume.sh; every socket has a 20 s timeout.
"""
import os, re, socket, sys, threading

port_file, backend, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
n = int(sys.argv[4]) if len(sys.argv) > 4 else 0
lock = threading.Lock()


def read_head(s):
    data = b""
    while b"\r\n\r\n" not in data:
        b = s.recv(65536)
        if not b:
            return None, b""
        data += b
    head, rest = data.split(b"\r\n\r\n", 1)
    return head.split(b"\r\n"), rest


def bend_request(lines):
    out = [lines[0]]
    rng = b"-"
    for l in lines[1:]:
        name = l.split(b":", 1)[0].strip().lower()
        if name == b"connection":
            continue
        if name == b"range":
            rng = l.split(b":", 1)[1].strip()
            m = re.fullmatch(rb"bytes=(\d+)-", rng)
            if mode == "shift" and m:
                l = b"Range: bytes=%d-" % (int(m.group(1)) + n)
        out.append(l)
    out.append(b"Connection: close")
    with lock:
        print("%s range=%s" % (lines[0].decode("latin-1"),
                               rng.decode("latin-1")), flush=True)
    return b"\r\n".join(out) + b"\r\n\r\n"


def relay(c):
    try:
        c.settimeout(20)
        lines, rest = read_head(c)
        if lines is None:
            return
        b = socket.create_connection(("127.0.0.1", backend), timeout=20)
        b.sendall(bend_request(lines) + rest)
        if mode == "cut":
            head, body = read_head(b)
            if head is None:
                return
            head = [l for l in head
                    if not l.lower().startswith(b"content-length:")]
            c.sendall(b"\r\n".join(head) + b"\r\n\r\n")
            while len(body) < n:
                more = b.recv(65536)
                if not more:
                    break
                body += more
            c.sendall(body[:n])
        else:
            while True:
                more = b.recv(65536)
                if not more:
                    break
                c.sendall(more)
        b.close()
    except OSError:
        pass
    finally:
        c.close()


ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(16)
with open(port_file + ".tmp", "w") as f:
    f.write(str(ls.getsockname()[1]))
os.rename(port_file + ".tmp", port_file)
while True:
    c, _ = ls.accept()
    threading.Thread(target=relay, args=(c,), daemon=True).start()
