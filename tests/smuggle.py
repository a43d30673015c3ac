#!/usr/bin/env python3
"""smuggle.py PORT [--report]: request-smuggling probes over raw sockets.

Each case sends one request whose framing two HTTP parsers could read in
two ways (duplicate or conflicting Content-Length, Content-Length with
Transfer-Encoding, whitespace before a colon, obsolete line folding, bare
CR or LF, odd chunk lines), followed, where one reading makes them a
second request, by the bytes of GET /smuggled-N. The server must never
answer that second request (a proxy in front would have sent it as part of
the first one's body, and its answer to the next client), must answer the
cases its rules refuse with a 400 (or libmicrohttpd's 501) and close the
connection, and must answer GET /health on a new connection after each.

Output, one line per check: "0 NAME" (pass) or "1 NAME", with "#" lines of
diagnostics; tests/smuggle.sh turns them into TAP. With --report, one line
per case instead: the first status (or "-"), whether the connection was
closed, and whether the smuggled request was answered: the evidence table
of .github/SECURITY.md. Standard library only; every socket operation has a
deadline, so a run is bounded (about a second a case at worst).
"""
import socket
import sys
import time

PORT = int(sys.argv[1])
REPORT = "--report" in sys.argv[2:]

IO_TIMEOUT = 5.0   # one recv
ANSWER_DEADLINE = 5.0   # the first answer (the server has --timeout 5)
LINGER = 0.6   # after the first answer: a second one, or the close

HOST = b"Host: localhost\r\n"


def smuggled(n):
    """The second request hidden in case n: a unique path to look for."""
    return b"GET /smuggled-%d HTTP/1.1\r\n" % n + HOST + b"\r\n"


class Conn:
    """One connection: buffered reads with a deadline."""

    def __init__(self):
        self.s = socket.create_connection(("127.0.0.1", PORT),
                                          timeout=IO_TIMEOUT)
        self.buf = b""
        self.eof = False

    def fill(self, end):
        left = end - time.monotonic()
        if self.eof or left <= 0:
            return False
        self.s.settimeout(min(left, IO_TIMEOUT))
        try:
            b = self.s.recv(65536)
        except socket.timeout:
            return False
        except OSError:
            self.eof = True
            return False
        if not b:
            self.eof = True
            return False
        self.buf += b
        return True

    def take_line(self, end):
        while b"\r\n" not in self.buf:
            if not self.fill(end):
                return None
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def take(self, n, end):
        while len(self.buf) < n:
            if not self.fill(end):
                return None
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def response(self, deadline):
        """(status, path-ish body) of the next whole response, or None."""
        end = time.monotonic() + deadline
        line = self.take_line(end)
        if line is None:
            return None
        parts = line.split(b" ", 2)
        if len(parts) < 2 or not parts[1].isdigit():
            return (-1, line)
        status = int(parts[1])
        headers = {}
        while True:
            h = self.take_line(end)
            if h is None:
                return (status, b"")
            if h == b"":
                break
            k, _, v = h.partition(b":")
            headers[k.strip().lower()] = v.strip()
        if b"content-length" in headers:
            body = self.take(int(headers[b"content-length"]), end)
        elif headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            body = b""
            while True:
                size = self.take_line(end)
                if size is None:
                    break
                n = int(size.split(b";")[0], 16)
                chunk = self.take(n + 2, end)
                if n == 0 or chunk is None:
                    break
                body += chunk[:n]
        else:
            body = b""
        return (status, body or b"")

    def closed_within(self, seconds):
        """Does the server close the connection within seconds?"""
        end = time.monotonic() + seconds
        while not self.eof and time.monotonic() < end:
            if not self.fill(end):
                break
        return self.eof

    def close(self):
        self.s.close()


def run(n, data):
    """Send case n; (answers, closed): every answer that arrived."""
    c = Conn()
    answers = []
    try:
        c.s.sendall(data)
    except OSError:
        pass
    a = c.response(ANSWER_DEADLINE)
    while a is not None:
        answers.append(a)
        a = c.response(LINGER)
    closed = c.eof or c.closed_within(LINGER)
    c.close()
    return answers, closed


def health():
    """Does GET /health on a new connection get 200?"""
    try:
        c = Conn()
        c.s.sendall(b"GET /health HTTP/1.1\r\n" + HOST +
                    b"Connection: close\r\n\r\n")
        a = c.response(ANSWER_DEADLINE)
        c.close()
        return a is not None and a[0] == 200
    except OSError:
        return False


def req(extra, body=b"", version=b"HTTP/1.1", host=HOST):
    return b"GET /health " + version + b"\r\n" + host + extra + b"\r\n" + body


# Each case: (name, bytes with the smuggled request, the first answers
# allowed). REFUSED: the rules of reqcheck.c (and of libmicrohttpd 1.0.5);
# ANY: what a lenient parser may accept, as long as nothing is smuggled.
REFUSED = (400, 411, 501)
ANY = None
# Refused by reqcheck.c in every version: libmicrohttpd 1.0.10 too lets
# these through to the handler (a chunked body, or Content-Length with
# Transfer-Encoding, which it would read and then close): the answer is the
# server's own one-line error.
OURS_400 = ("ours", 400)
OURS_411 = ("ours", 411)
CASES = []


def case(name, builder, want):
    CASES.append((name, builder, want))


def cl(n):
    return b"Content-Length: %d\r\n" % n


TE = b"Transfer-Encoding: chunked\r\n"
LAST = b"0\r\n\r\n"

case("two Content-Length, the first 0",
     lambda s: req(cl(0) + cl(len(s)), s), REFUSED)
case("two Content-Length, the last 0",
     lambda s: req(cl(len(s)) + cl(0), s), REFUSED)
case("two equal Content-Length",
     lambda s: req(cl(len(s)) + cl(len(s)), s), REFUSED)
case("Content-Length as a list '0, N'",
     lambda s: req(b"Content-Length: 0, %d\r\n" % len(s), s), REFUSED)
case("Content-Length then Transfer-Encoding: chunked (CL.TE)",
     lambda s: req(cl(len(LAST + s)) + TE, LAST + s), OURS_400)
case("Transfer-Encoding: chunked then Content-Length (TE.CL)",
     lambda s: req(TE + cl(len(LAST + s)), LAST + s), OURS_400)
case("Transfer-Encoding and Content-Length in HTTP/1.0 keep-alive",
     lambda s: req(b"Connection: keep-alive\r\n" + TE + cl(len(LAST + s)),
                   LAST + s, version=b"HTTP/1.0"), REFUSED)
case("Transfer-Encoding: xchunked with Content-Length",
     lambda s: req(b"Transfer-Encoding: xchunked\r\n" + cl(len(s)), s),
     REFUSED)
case("Transfer-Encoding: gzip, chunked",
     lambda s: req(b"Transfer-Encoding: gzip, chunked\r\n", LAST + s),
     REFUSED)
case("Transfer-Encoding: identity with Content-Length 0",
     lambda s: req(b"Transfer-Encoding: identity\r\n" + cl(0), s), REFUSED)
case("two Transfer-Encoding: chunked, identity",
     lambda s: req(TE + b"Transfer-Encoding: identity\r\n", LAST + s),
     REFUSED)
case("two Transfer-Encoding: chunked, chunked",
     lambda s: req(TE + TE, LAST + s), REFUSED)
case("a chunked body, well formed, then a pipelined request (control)",
     lambda s: req(TE, b"3\r\nabc\r\n" + LAST + s), OURS_411)
case("a space before the colon of Content-Length",
     lambda s: req(b"Content-Length : %d\r\n" % len(s), s), REFUSED)
case("a tab before the colon of Content-Length",
     lambda s: req(b"Content-Length\t: %d\r\n" % len(s), s), REFUSED)
case("a space before the colon of Transfer-Encoding, with Content-Length",
     lambda s: req(b"Transfer-Encoding : chunked\r\n" + cl(len(LAST + s)),
                   LAST + s), REFUSED)
case("Transfer-Encoding folded onto a second line (obs-fold), with CL",
     lambda s: req(b"Transfer-Encoding:\r\n chunked\r\n" +
                   cl(len(LAST + s)), LAST + s), ANY)
case("Content-Length folded into the header before it (obs-fold)",
     lambda s: req(b"X-Pad: a\r\n Content-Length: 0\r\n" + cl(len(s)), s),
     ANY)
case("two Host headers",
     lambda s: req(b"Host: other\r\n"), REFUSED)
case("a header name with a space inside",
     lambda s: req(b"X Y: 1\r\n"), REFUSED)
case("whitespace before the first header line",
     lambda s: b"GET /health HTTP/1.1\r\n Host: localhost\r\n" + cl(len(s)) +
     b"\r\n" + s, REFUSED)
case("bare LF ends the header lines",
     lambda s: b"GET /health HTTP/1.1\nHost: localhost\n" + cl(len(s)) +
     b"\n" + s, ANY)
case("bare CR inside a header value before Content-Length",
     lambda s: req(b"X-A: 1\rContent-Length: 0\r\n" + cl(len(s)), s), REFUSED)
case("chunked: a chunk-size line ended by a bare LF",
     lambda s: req(TE, b"3\nabc\r\n" + LAST + s), REFUSED)
case("chunked: chunk data ended by a bare LF",
     lambda s: req(TE, b"3\r\nabc\n" + LAST + s), REFUSED)
case("chunked: an extension ended by a bare LF",
     lambda s: req(TE, b"3;x\nabc\r\n" + LAST + s), REFUSED)
case("chunked: a bare CR inside an extension",
     lambda s: req(TE, b"3;x\ry\r\nabc\r\n" + LAST + s), REFUSED)
case("chunked: a space before the chunk size's end",
     lambda s: req(TE, b"3 \r\nabc\r\n" + LAST + s), REFUSED)
case("chunked: chunk size with a 0x prefix",
     lambda s: req(TE, b"0x3\r\nabc\r\n" + LAST + s), REFUSED)
case("chunked: an over-long chunk size (overflow to 0)",
     lambda s: req(TE, b"10000000000000000\r\n" + LAST + s), REFUSED)
case("chunked: last chunk ended by bare LFs",
     lambda s: req(TE, b"0\n\n" + s), REFUSED)
case("a field name with a byte outside tchar ('@')",
     lambda s: req(b"X@Y: 1\r\n"), REFUSED)


def verdict(answers, closed):
    first = str(answers[0][0]) if answers else "-"
    return first, "closed" if closed else "open"


def main():
    failed = 0
    for i, (name, build, want) in enumerate(CASES):
        n = i + 1
        answers, closed = run(n, build(smuggled(n)))
        marker = b"/smuggled-%d" % n
        hit = len(answers) > 1
        first, state = verdict(answers, closed)
        if REPORT:
            print("%-2d %-66s %-4s %-6s %s" % (
                n, name, first, state,
                "SMUGGLED" if hit else "-"))
            if not health():
                print("#  the server did not answer /health after it")
            continue
        print("# %d %s: first answer %s, %d answer(s), connection %s" % (
            n, name, first, len(answers), state))
        print("%d %d %s: the smuggled request is not answered" % (
            1 if hit else 0, n, name))
        if hit:
            print("#  answers: %r (looked for %s)" % (
                [a[0] for a in answers], marker.decode()))
        if want is not None and want[0] == "ours":
            good = (bool(answers) and answers[0][0] == want[1] and
                    answers[0][1].startswith(b"error: ") and closed)
            print("%d %d %s: %d, the server's error, and a close" % (
                0 if good else 1, n, name, want[1]))
            if answers:
                print("#  body: %r" % answers[0][1][:160])
        elif want is not None:
            good = (bool(answers) and answers[0][0] in want and closed)
            print("%d %d %s: %s and a close" % (
                0 if good else 1, n, name,
                " or ".join(str(w) for w in want)))
        ok = health()
        print("%d %d then GET /health on a new connection: 200" % (
            0 if ok else 1, n))
        failed += hit or not ok
    return 0


if __name__ == "__main__":
    sys.exit(main())
