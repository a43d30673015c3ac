#!/bin/sh
# server-wire: how answers leave the server on a keep-alive connection. A
# small answer goes out whole in one TCP segment (libmicrohttpd writes its
# header, chunk and last chunk separately; the server corks the socket
# around them), and nothing is held back: every answer is complete without
# waiting for the cork's 200 ms timer. Streams, ranges, listings and errors
# in between leave the next answer the same. Measured from the client's
# TCP_INFO (tests/wire.py).
. "$top_srcdir/tests/lib.sh"

# The system python3 when there is one: a pyenv shim costs seconds a call.
PYTHON=python3
[ -x /usr/bin/python3 ] && PYTHON=/usr/bin/python3

need python3 curl
[ -x "$AS_SERVER" ] || bail "no as_server at $AS_SERVER"

LIB="$T/library"
mkdir -p "$LIB"
head -c 4096 /dev/urandom >"$LIB/a-small.mp3"
head -c 1048576 /dev/urandom >"$LIB/b-big.wav"
start_server -l "$LIB" --access-log off
wait_for 10 listed b-big.wav || bail "the library was not listed within 10 s"
S=/stream/0
B=/stream/1

# wire NAME TARGET...: wire.py's lines for those requests in $T/NAME;
# shown as diagnostics when it fails.
wire() {
	_n=$1
	shift
	"$PYTHON" "$top_srcdir/tests/wire.py" "$PORT" "$@" >"$T/$_n" 2>&1 &&
		return 0
	sed 's/^/# /' "$T/$_n"
	return 1
}

# answers NAME FROM TO: lines FROM..TO of $T/NAME as "STATUS BYTES SEGMENTS".
answers() {
	sed -n "$2,$3p" "$T/$1" | cut -d' ' -f1-3 | tr '\n' ' '
}

# not_held NAME TEXT: a time bound on the answers of $T/NAME: their median
# is under 0.1 s (one held back by the cork waits 200 ms for its timer).
not_held() {
	_m=$(cut -d' ' -f4 "$T/$1" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
	awk -v m="$_m" 'BEGIN { exit !(m < 0.1) }'
	timed $? "$2: median $_m s an answer"
}

wire seq $S $S $S $S $S $S $B $S $S@0- $S@-100 /list /stream/7 $S $S
ok $? "14 requests on one connection"
# The first answer is not checked: libmicrohttpd does not know the state of
# a socket handed to it and sets it up with its first sends.
is "$(answers seq 2 6)" "$(printf '200 4096 1 %.0s' 1 2 3 4 5)" \
	"a small track, again and again: each answer in one segment"
is "$(sed -n 7p "$T/seq" | cut -d' ' -f1-2)" "200 1048576" \
	"a 1 MiB track in between: all of it"
is "$(answers seq 8 8)" "200 4096 1 " \
	"the small track after the stream: one segment again"
is "$(answers seq 9 10)" "206 4096 1 206 100 1 " \
	"ranges of it (bytes=0- and bytes=-100): one segment each"
is "$(sed -n 11p "$T/seq" | cut -d' ' -f1,3)" "200 1" \
	"the listing: one segment"
is "$(sed -n 12p "$T/seq" | cut -d' ' -f1,3)" "404 1" \
	"an index past the end: a 404 in one segment"
is "$(answers seq 13 14)" "200 4096 1 200 4096 1 " \
	"the small track after all that: one segment each"
not_held seq "nothing held back"

# A connection whose first answer is a single send (the listing): the
# server learns the socket's state later, on the next answer.
wire first /list $S $S $S $S
ok $? "a listing first, then the small track, on one connection"
is "$(answers first 3 5)" "200 4096 1 200 4096 1 200 4096 1 " \
	"... from the third answer on, one segment each"
not_held first "... and nothing held back"

is "$(http_code "$URL/health")" 200 "the server still answers"

plan "$_tap_n"
finish
