#!/usr/bin/env python3
"""wire.py PORT TARGET...: how answers leave the server, on one connection.

Sends one GET per TARGET on a single keep-alive connection to 127.0.0.1,
each after the previous answer is complete. A TARGET is a path, or
PATH@RANGE to send "Range: bytes=RANGE". For each answer it prints a line

    STATUS BYTES SEGMENTS SECONDS

the status code, the body's length (chunked bodies decoded), the TCP
segments with data that carried the answer (the client's TCP_INFO
tcpi_data_segs_in before and after) and the time from sending the request
to the answer's last byte. Exit status 1 when the server closes or an answer
does not parse; a 20 s timeout bounds every read.
"""
import socket, struct, sys, time

TCPI_DATA_SEGS_IN = 152  # offset in struct tcp_info (linux/tcp.h)


def data_segs_in(s):
    info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    return struct.unpack_from("I", info, TCPI_DATA_SEGS_IN)[0]


class Reader:
    def __init__(self, s):
        self.s, self.buf = s, b""

    def more(self):
        b = self.s.recv(65536)
        if not b:
            raise EOFError("the server closed the connection")
        self.buf += b

    def line(self):
        while b"\r\n" not in self.buf:
            self.more()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode("latin-1")

    def take(self, n):
        while len(self.buf) < n:
            self.more()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out


def answer(r):
    """Read one whole answer; return (status, body length)."""
    status = int(r.line().split()[1])
    headers = {}
    while True:
        line = r.line()
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        size = 0
        while True:
            n = int(r.line().split(";")[0], 16)
            if n == 0:
                while r.line():  # trailers, then the empty line
                    pass
                return status, size
            size += len(r.take(n))
            if r.take(2) != b"\r\n":
                raise ValueError("a chunk does not end in CRLF")
    return status, len(r.take(int(headers.get("content-length", "0"))))


def main():
    port = int(sys.argv[1])
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    r = Reader(s)
    for target in sys.argv[2:]:
        path, _, rng = target.partition("@")
        req = "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % path
        if rng:
            req += "Range: bytes=%s\r\n" % rng
        before = data_segs_in(s)
        t0 = time.monotonic()
        s.sendall((req + "\r\n").encode())
        status, size = answer(r)
        took = time.monotonic() - t0
        print(status, size, data_segs_in(s) - before, "%.4f" % took)
    return 0


try:
    sys.exit(main())
except (OSError, EOFError, ValueError, IndexError) as e:
    print("wire.py: %s" % e, file=sys.stderr)
    sys.exit(1)
